/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-report.c: the lines a dump child writes to its parent, and the
 * parent's reading of them, side by side so that the two cannot drift.
 *
 *	evicted <bytes> <path>			a file removed to make room
 *	profile <read> <feed> <wait> <scan> <compress> <write> <sync> <flush>
 *						where the time went (usec)
 *	done <guest_bytes> <disk_bytes> <usec> <path>
 *	failed <reason> <errno> <message>
 *
 * Whatever may hold a space (a path under a dump.directory with spaces,
 * a message) comes last and runs to the end of the line.  Control bytes
 * are written as '?', so no byte of a name can split a line.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump-child.h"

#define REPORT_LINE_MAX	(PATH_MAX + 256)

/* One report line on FD; a failing pipe is not the dump's failure. */
void
dump_report_line(int fd, const char *fmt, ...)
{
	char		 line[REPORT_LINE_MAX];
	const char	*p;
	va_list		 ap;
	ssize_t		 w;
	size_t		 i, n;
	int		 len;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	len = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	n = (size_t)len < sizeof line - 1 ? (size_t)len : sizeof line - 2;
	for (i = 0; i < n; i++) {
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	}
	line[n++] = '\n';
	for (p = line; n > 0; p += w, n -= (size_t)w) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0)
			return;
	}
}

void
dump_report_profile(int fd, const struct dump_profile *p)
{
	dump_report_line(fd, "profile %llu %llu %llu %llu %llu %llu %llu %llu",
	    (unsigned long long)p->read_us, (unsigned long long)p->feed_us,
	    (unsigned long long)p->wait_us, (unsigned long long)p->scan_us,
	    (unsigned long long)p->compress_us,
	    (unsigned long long)p->write_us, (unsigned long long)p->sync_us,
	    (unsigned long long)p->flush_us);
}

/*
 * A decimal number at S ending at a space or at END (the end of the
 * line); *NEXT after the space.  0 or -1.
 */
static int
report_number(const char *s, const char *end, uint64_t *v,
    const char **next)
{
	char			*e;
	unsigned long long	 n;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &e, 10);
	if (errno != 0 || e > end || (e < end && *e != ' '))
		return -1;
	*v = n;
	*next = e < end ? e + 1 : e;
	return 0;
}

/* The rest of the line, LEN bytes at S, as a new string; "" is refused. */
static int
report_rest(const char *s, size_t len, char **out)
{
	if (len == 0)
		return -1;
	if ((*out = strndup(s, len)) == NULL)
		return -ENOMEM;
	return 0;
}

/* One line of LEN bytes (no newline) into R.  0, -1 unreadable, -ENOMEM. */
static int
report_parse_line(const char *s, size_t len, struct dump_report *r)
{
	const char			*p, *sp, *end = s + len;
	struct dump_report_evicted	*ev;
	uint64_t			 a, b, c;
	char				*path;
	int				 e;

	if (len > 8 && strncmp(s, "evicted ", 8) == 0) {
		if (report_number(s + 8, end, &a, &p) != 0 || p >= end)
			return -1;
		if ((e = report_rest(p, (size_t)(end - p), &path)) != 0)
			return e;
		ev = reallocarray(r->evicted, r->nevicted + 1, sizeof *ev);
		if (ev == NULL) {
			free(path);
			return -ENOMEM;
		}
		r->evicted = ev;
		ev[r->nevicted].path = path;
		ev[r->nevicted++].bytes = a;
		return 0;
	}
	if (len > 8 && strncmp(s, "profile ", 8) == 0) {
		uint64_t	*f[] = { &r->profile.read_us, &r->profile.feed_us,
		    &r->profile.wait_us, &r->profile.scan_us,
		    &r->profile.compress_us, &r->profile.write_us,
		    &r->profile.sync_us, &r->profile.flush_us };
		struct dump_profile	 pr = r->profile;
		size_t			 i;

		p = s + 8;
		for (i = 0; i < sizeof f / sizeof f[0]; i++) {
			if (report_number(p, end, f[i], &p) != 0 ||
			    (i + 1 < sizeof f / sizeof f[0]) == (p >= end)) {
				r->profile = pr;
				return -1;
			}
		}
		r->has_profile = true;
		return 0;
	}
	if (len > 5 && strncmp(s, "done ", 5) == 0) {
		if (report_number(s + 5, end, &a, &p) != 0 || p >= end ||
		    report_number(p, end, &b, &p) != 0 || p >= end ||
		    report_number(p, end, &c, &p) != 0 || p >= end)
			return -1;
		if ((e = report_rest(p, (size_t)(end - p), &path)) != 0)
			return e;
		free(r->path);
		r->path = path;
		r->guest_bytes = a;
		r->disk_bytes = b;
		r->usec = c;
		r->done = true;
		return 0;
	}
	if (len > 7 && strncmp(s, "failed ", 7) == 0) {
		s += 7;
		if ((sp = memchr(s, ' ', (size_t)(end - s))) == NULL || sp == s)
			return -1;
		if (report_number(sp + 1, end, &a, &p) != 0 || a > INT_MAX)
			return -1;
		free(r->reason);
		free(r->message);
		r->message = NULL;
		if ((r->reason = strndup(s, (size_t)(sp - s))) == NULL)
			return -ENOMEM;
		r->err = (int)a;
		if (p < end && report_rest(p, (size_t)(end - p),
		    &r->message) == -ENOMEM)
			return -ENOMEM;
		return 0;
	}
	return -1;
}

/*
 * The child's whole report, TEXT, into R (zeroed first; free with
 * dump_report_free).  Lines it cannot read are counted in R->bad and
 * skipped: a garbled line must not hide the others.  0 or -ENOMEM.
 */
int
dump_report_parse(const char *text, struct dump_report *r)
{
	const char	*nl;
	size_t		 len;
	int		 e;

	memset(r, 0, sizeof *r);
	while (text != NULL && *text != '\0') {
		nl = strchr(text, '\n');
		len = nl != NULL ? (size_t)(nl - text) : strlen(text);
		if (len > 0) {
			e = report_parse_line(text, len, r);
			if (e == -ENOMEM)
				return e;
			if (e != 0)
				r->bad++;
		}
		text += len + (nl != NULL);
	}
	return 0;
}

void
dump_report_free(struct dump_report *r)
{
	size_t	i;

	for (i = 0; i < r->nevicted; i++)
		free(r->evicted[i].path);
	free(r->evicted);
	free(r->path);
	free(r->reason);
	free(r->message);
	memset(r, 0, sizeof *r);
}
