/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c: xen-crashwatchctl's command line.
 *
 *	xen-crashwatchctl [-c FILE] [--json] COMMAND [ARGS...]
 *
 * Past crashes at hand, as coredumpctl has them for processes: list,
 * info, dump, debug; vacuum for room; status and check for people and
 * for monitoring.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

#define DEFAULT_CONF	"/etc/xen/crashwatch.conf"

void
ctl_warn(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", CTL_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
ctl_parse_age(const char *s, time_t *out)
{
	char		*end;
	unsigned long	 n;
	time_t		 mul;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || end == s || !isdigit((unsigned char)*s))
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		mul = 1;
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 7 * 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (n > (unsigned long)(INT64_MAX / 2) / (unsigned long)mul)
		return -1;
	*out = (time_t)n * mul;
	return 0;
}

int
ctl_parse_time(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*end;
	time_t		 now = time(NULL), age;
	char		*e;
	long long	 v;

	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (*s == '-' && ctl_parse_age(s + 1, &age) == 0) {
		*out = now - age;
		return 0;
	}
	if (*s == '@') {
		errno = 0;
		v = strtoll(s + 1, &e, 10);
		if (errno != 0 || e == s + 1 || *e != '\0' || v < 0)
			return -1;
		*out = (time_t)v;
		return 0;
	}
	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		if (s[0] == 'y')
			tm.tm_mday--;
		*out = mktime(&tm);
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_isdst = -1;
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*end == ' ' || *end == 'T') {
		const char *t = end + 1;

		if ((end = strptime(t, "%H:%M:%S", &tm)) == NULL &&
		    (end = strptime(t, "%H:%M", &tm)) == NULL)
			return -1;
	}
	if (*end != '\0')
		return -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [-c FILE] [--json] [--no-pager] COMMAND [ARGS...]\n"
	    "Past guest crashes on this Xen host, as xen-crashwatchd "
	    "handled them.\n"
	    "\n"
	    "  list [MATCH...] [--since T] [--until T] [--reason R] [-r]\n"
	    "                      one line per incident, newest last\n"
	    "  info ID|MATCH       everything about one incident\n"
	    "  dump ID|MATCH [-o FILE]\n"
	    "                      its core as a plain ELF file\n"
	    "  debug ID|MATCH --vmlinux FILE [--debugger PROG]\n"
	    "                      open the core in crash(8)\n"
	    "  vacuum [--max-use SIZE] [--keep N] [--older-than AGE]\n"
	    "                      remove old cores and reports\n"
	    "  status              the daemon, its incidents and its dumps\n"
	    "  check [--warn-crashes N] [--crit-crashes M] [--window AGE]\n"
	    "                      one line and a Nagios exit status\n"
	    "\n"
	    "  -c, --config FILE   the daemon's configuration (default %s)\n"
	    "  -j, --json          one JSON document instead of text\n"
	    "      --no-pager      never through $PAGER\n"
	    "  -h, --help          this text\n"
	    "\n"
	    "MATCH is an incident ID or a unique prefix of one, a domain "
	    "UUID, or a\nglob on the domain name.\n",
	    CTL_NAME, DEFAULT_CONF);
}

static const struct {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
	bool		 conf;		/* needs the configuration */
} commands[] = {
	{ "list", cmd_list, true },
	{ "info", cmd_info, true },
	{ "dump", cmd_dump, true },
	{ "debug", cmd_debug, true },
	{ "vacuum", cmd_vacuum, true },
	{ "status", cmd_status, true },
	{ "check", cmd_check, true },
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-pager", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl		 c = { DEFAULT_CONF, NULL, false, false, true };
	struct conf_errors	 errs = { NULL, 0 };
	size_t			 i;
	int			 ch, r;

	/* Options before the command only: the command parses the rest. */
	while ((ch = getopt_long(argc, argv, "+c:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c.conf_path = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'P':
			c.pager = false;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_USAGE;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			break;
	if (i == sizeof commands / sizeof commands[0]) {
		ctl_warn("unknown command %s; see %s --help", argv[optind],
		    CTL_NAME);
		return CTL_USAGE;
	}
	if (commands[i].conf && conf_load(c.conf_path, &c.conf, &errs) != 0) {
		size_t	j;

		for (j = 0; j < errs.n; j++)
			fprintf(stderr, "%s\n", errs.msgs[j]);
		if (errs.n == 0)
			ctl_warn("%s: cannot load the configuration%s",
			    c.conf_path, errno == EACCES ? " (run as root)" :
			    "");
		conf_errors_clear(&errs);
		/* "check" answers UNKNOWN; the others fail as misused. */
		return strcmp(commands[i].name, "check") == 0 ? 3 : CTL_USAGE;
	}
	/* The command's own options start after its name. */
	argv += optind;
	argc -= optind;
	optind = 0;	/* glibc: a new vector, scanned afresh from argv[1] */
	r = commands[i].fn(&c, argc, argv);
	conf_free(c.conf);
	return r;
}
