/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal.c: structured records to the journal, or stderr without one.
 *
 * Each record carries MESSAGE_ID and the domain's fields, as
 * systemd-coredump does, so that "journalctl MESSAGE_ID=..." finds every
 * crash.  sd_journal_sendv is a datagram on a blocking socket: it waits
 * while journald's queue is full, so the daemon logs a handful of records
 * per crash and per step, never per domain or per scan.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "journal.h"

#define JOURNAL_SOCKET	"/run/systemd/journal/socket"
#define FIELD_MAX	32

static bool	journal_on;
static bool	echo_stderr;
static bool	echo_debug;

/* Decide once where records go: the journal when its socket is there. */
void
journal_open(bool to_stderr, bool verbose)
{
	journal_on = access(JOURNAL_SOCKET, W_OK) == 0;
	echo_stderr = to_stderr || verbose || !journal_on;
	echo_debug = verbose;
}

/* "KEY=value" into a fresh string; NULL when out of memory. */
static char *
field(const char *key, const char *value)
{
	char	*s;

	if (asprintf(&s, "%s=%s", key, value) == -1)
		return NULL;
	return s;
}

/*
 * One line on stderr, in one write(2) so that lines of ours and of our
 * children never interleave mid-line.  Control bytes (a guest's name may
 * hold a newline) are shown as \xNN so that nobody can forge a line of
 * ours; the journal needs no such care, it keeps each field whole.
 */
static void
echo(const char *msg)
{
	static const char	 prefix[] = "xen-crashwatchd: ";
	const unsigned char	*p;
	char			*line, *o;
	size_t			 len;

	len = sizeof prefix + 4 * strlen(msg) + 1;
	if ((line = malloc(len)) == NULL)
		return;
	o = line + sizeof prefix - 1;
	memcpy(line, prefix, sizeof prefix - 1);
	for (p = (const unsigned char *)msg; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += snprintf(o, 5, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	*o++ = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)(o - line));
	free(line);
}

void
journal_send(int prio, const struct journal_fields *f, const char *fmt, ...)
{
	struct iovec	 iov[FIELD_MAX];
	char		*strs[FIELD_MAX];
	char		*msg, domid[32];
	size_t		 n = 0, i;
	va_list		 ap;
	int		 saved = errno;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (msg == NULL) {
		errno = saved;
		return;
	}

	if (echo_stderr && (prio < LOG_DEBUG || echo_debug))
		echo(msg);

	if (journal_on && (prio < LOG_DEBUG || echo_debug)) {
		strs[n++] = field("MESSAGE", msg);
		if (asprintf(&strs[n++], "PRIORITY=%d", prio) == -1)
			strs[n - 1] = NULL;
		strs[n++] = field("SYSLOG_IDENTIFIER", "xen-crashwatchd");
		if (f != NULL) {
			if (f->message_id != NULL)
				strs[n++] = field("MESSAGE_ID", f->message_id);
			if (f->domid >= 0) {
				snprintf(domid, sizeof domid, "%d", f->domid);
				strs[n++] = field("DOMID", domid);
			}
			if (f->name != NULL)
				strs[n++] = field("DOMAIN_NAME", f->name);
			if (f->uuid != NULL)
				strs[n++] = field("DOMAIN_UUID", f->uuid);
			if (f->reason != NULL)
				strs[n++] = field("SHUTDOWN_REASON", f->reason);
			if (f->action != NULL)
				strs[n++] = field("ACTION", f->action);
			if (f->coredump != NULL)
				strs[n++] = field("COREDUMP_FILE", f->coredump);
			if (f->result != NULL)
				strs[n++] = field("RESULT", f->result);
			if (f->incident != NULL)
				strs[n++] = field("INCIDENT_ID", f->incident);
			for (i = 0; i < 16 && f->extra[i] != NULL &&
			    n < FIELD_MAX; i++)
				strs[n++] = strdup(f->extra[i]);
		}
		for (i = 0; i < n; i++) {
			if (strs[i] == NULL)
				break;
			iov[i].iov_base = strs[i];
			iov[i].iov_len = strlen(strs[i]);
		}
		if (i == n)
			sd_journal_sendv(iov, (int)n);
		for (i = 0; i < n; i++)
			free(strs[i]);
	}
	free(msg);
	errno = saved;
}
