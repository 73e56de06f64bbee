/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify.c: sd_notify glue.  Without NOTIFY_SOCKET these do nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The status line as systemctl shows it; sent only when it changes, so
 * that a rescan of an idle host costs no message. */
void
notify_status(const char *fmt, ...)
{
	static char	*last;
	va_list		 ap;
	char		*s;
	int		 r;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r == -1)
		return;
	if (last != NULL && strcmp(last, s) == 0) {
		free(s);
		return;
	}
	if (sd_notifyf(0, "STATUS=%s", s) <= 0) {
		free(s);	/* not sent: try again next time */
		s = NULL;
	}
	free(last);
	last = s;
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
