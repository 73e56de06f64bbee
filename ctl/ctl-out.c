/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-out.c: how xen-crashwatchctl prints: times, sizes, JSON, and a
 * pager for long output on a terminal, as systemd's tools do (less with
 * -FRSX unless $PAGER or $LESS say otherwise).
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static pid_t	pager_pid = -1;

const char *
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "@%lld", (long long)t);
	return buf;
}

const char *
fmt_size(uint64_t n, char *buf, size_t len)
{
	static const char	units[] = "BKMGTP";
	double			v = (double)n;
	size_t			u = 0;

	while (v >= 1024 && u < sizeof units - 2) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lluB", (unsigned long long)n);
	else
		snprintf(buf, len, "%.*f%c", v < 10 ? 1 : 0, v, units[u]);
	return buf;
}

/* S for a terminal: control bytes (escape sequences a guest or a
 * hostile name could carry) as '?'. */
const char *
fmt_safe(const char *s, char *buf, size_t len)
{
	size_t	i;

	if (len == 0)
		return buf;
	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
	return buf;
}

/* The same, of any length, then a newline. */
void
put_safe(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	putchar('\n');
}

void
out_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

void
pager_start(bool want)
{
	const char	*pager = getenv("PAGER");
	int		 p[2];

	if (!want || !isatty(STDOUT_FILENO) || (pager != NULL &&
	    (*pager == '\0' || strcmp(pager, "cat") == 0)))
		return;
	fflush(stdout);
	if (pipe(p) == -1)
		return;
	if ((pager_pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pager_pid == 0) {
		dup2(p[0], STDIN_FILENO);
		close(p[0]);
		close(p[1]);
		setenv("LESS", "FRSXK", 0);
		if (pager != NULL)
			execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		else
			execlp("less", "less", (char *)NULL);
		/* No pager: the text still goes out. */
		execlp("cat", "cat", (char *)NULL);
		_exit(127);
	}
	dup2(p[1], STDOUT_FILENO);
	close(p[0]);
	close(p[1]);
	/* Quitting the pager early is not an error of ours. */
	signal(SIGPIPE, SIG_IGN);
}

void
pager_end(void)
{
	if (pager_pid <= 0)
		return;
	fflush(stdout);
	fclose(stdout);
	while (waitpid(pager_pid, NULL, 0) == -1 && errno == EINTR)
		;
	pager_pid = -1;
}
