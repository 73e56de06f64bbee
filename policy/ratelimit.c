/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ratelimit.c: the restart burst limit, per domain name.
 */

#include <stdint.h>

#include "policy.h"

/*
 * Whether T lies in the window (now - interval, now].  A time after NOW
 * means the clock was stepped back since that restart: it is counted as
 * inside, so that a clock jump can never reopen the burst and let a
 * crash loop restart without bound.  The difference is taken unsigned,
 * as it cannot be negative there and must not overflow.
 */
static bool
in_window(time_t t, time_t now, unsigned interval)
{
	if (t > now)
		return true;
	return (uintmax_t)now - (uintmax_t)t < interval;
}

/* Restarts in (now - interval, now] below burst? */
bool
ratelimit_allow(const struct conf_restart *limit,
    const struct restart_history *hist, time_t now)
{
	size_t	i, count = 0;

	if (hist != NULL) {
		for (i = 0; i < hist->n; i++) {
			if (in_window(hist->times[i], now, limit->interval))
				count++;
		}
	}
	return count < limit->burst;
}
