/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify.c: sd_notify glue.  Without NOTIFY_SOCKET these do nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <systemd/sd-daemon.h>

#include "notify.h"

void
notify_ready(void)
{
	sd_notify(0, "READY=1");
}

void
notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

void
notify_status(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r == -1)
		return;
	sd_notifyf(0, "STATUS=%s", s);
	free(s);
}

/* Ping at half the interval systemd gave us, as sd_watchdog_enabled(3)
 * recommends. */
uint64_t
notify_watchdog_interval(void)
{
	uint64_t	usec;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec / 2;
}
