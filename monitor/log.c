/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c: plain messages, through the journal glue.  Every function keeps
 * errno, so a caller can log and then return -errno.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "crashwatchd.h"

static bool	log_verbose;

void
log_init(bool verbose)
{
	log_verbose = verbose;
	journal_open(false, verbose);
}

bool
log_is_verbose(void)
{
	return log_verbose;
}

static void	log_vsend(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

/* Format once, send once: PRIO with no structured fields. */
static void
log_vsend(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char	*s;
	int	 saved = errno;

	if (prio == LOG_DEBUG && !log_verbose)
		return;
	if (vasprintf(&s, fmt, ap) == -1) {
		errno = saved;
		return;
	}
	if (suffix != NULL)
		journal_send(prio, NULL, "%s: %s", s, suffix);
	else
		journal_send(prio, NULL, "%s", s);
	free(s);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vsend(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vsend(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vsend(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vsend(LOG_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Something the operator must act on, while the daemon goes on. */
void
log_crit(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vsend(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vsend(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(EXIT_STARTUP);
}
