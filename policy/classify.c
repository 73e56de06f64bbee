/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * classify.c: what a domain's shutdown means to us.
 */

#include "policy.h"

static const char *const shutdown_names[] = {
	[SHUTDOWN_CODE_POWEROFF] = "poweroff",
	[SHUTDOWN_CODE_REBOOT] = "reboot",
	[SHUTDOWN_CODE_SUSPEND] = "suspend",
	[SHUTDOWN_CODE_CRASH] = "crash",
	[SHUTDOWN_CODE_WATCHDOG] = "watchdog",
	[SHUTDOWN_CODE_SOFT_RESET] = "soft_reset",
};

/*
 * A crash or a watchdog expiry of a guest is ours; every other shutdown
 * (poweroff, reboot, suspend, soft reset) belongs to the toolstack, and
 * domain 0 is never acted on.  0 with *REASON set, or -1 for "not ours".
 */
int
policy_classify(unsigned domid, bool shut_down, unsigned code,
    enum reason *reason)
{
	if (domid == 0 || !shut_down)
		return -1;
	switch (code) {
	case SHUTDOWN_CODE_CRASH:
		*reason = REASON_CRASH;
		return 0;
	case SHUTDOWN_CODE_WATCHDOG:
		*reason = REASON_WATCHDOG;
		return 0;
	default:
		return -1;
	}
}

/* "poweroff", "crash", ...: Xen's own names, for messages. */
const char *
shutdown_code_name(unsigned code)
{
	if (code >= sizeof shutdown_names / sizeof shutdown_names[0])
		return "unknown";
	return shutdown_names[code];
}
