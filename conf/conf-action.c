/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conf-action.c: the on_crash/on_watchdog words and what they imply. */
#include <errno.h>
#include <string.h>

#include "conf.h"

/* Indexed by enum action: the words xl users already write. */
static const char *const action_names[ACTION_COUNT] = {
	[ACTION_PRESERVE] = "preserve",
	[ACTION_DESTROY] = "destroy",
	[ACTION_RESTART] = "restart",
	[ACTION_RENAME_RESTART] = "rename-restart",
	[ACTION_COREDUMP_DESTROY] = "coredump-destroy",
	[ACTION_COREDUMP_RESTART] = "coredump-restart",
	[ACTION_COREDUMP_PRESERVE] = "coredump-preserve",
	[ACTION_OBSERVE] = "observe",
};

const char *
action_name(enum action a)
{
	if ((unsigned)a >= ACTION_COUNT)
		return "unknown";
	return action_names[a];
}

/* Exact, case-sensitive match as xl does; "hard-shutdown" is Xen API's destroy. */
int
action_parse(const char *s, enum action *out)
{
	unsigned	i;

	if (s == NULL)
		return -EINVAL;
	for (i = 0; i < ACTION_COUNT; i++) {
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum action)i;
			return 0;
		}
	}
	if (strcmp(s, "hard-shutdown") == 0) {
		*out = ACTION_DESTROY;
		return 0;
	}
	return -EINVAL;
}

bool
action_dumps(enum action a)
{
	return a == ACTION_COREDUMP_DESTROY || a == ACTION_COREDUMP_RESTART ||
	    a == ACTION_COREDUMP_PRESERVE;
}

bool
action_restarts(enum action a)
{
	return a == ACTION_RESTART || a == ACTION_RENAME_RESTART ||
	    a == ACTION_COREDUMP_RESTART;
}
