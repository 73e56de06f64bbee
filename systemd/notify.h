/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify.h: telling systemd how the daemon is (sd_notify).
 */
#ifndef CW_NOTIFY_H
#define CW_NOTIFY_H

#include <stdint.h>

void		 notify_ready(void);
void		 notify_reloading(void);
void		 notify_stopping(void);
void		 notify_watchdog(void);
void		 notify_status(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
/* Microseconds between pings (half of WATCHDOG_USEC), or 0 if none. */
uint64_t	 notify_watchdog_interval(void);

#endif
