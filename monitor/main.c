/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c: xen-crashwatchd's command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashwatchd.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [-nv] [-c file] [--dry-run]\n"
	    "Watch this Xen host for crashed guests and handle them by policy.\n"
	    "\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  -n, --check-config  check the configuration and exit\n"
	    "      --dry-run       decide and log every step, perform none\n"
	    "  -v, --verbose       debug messages, copied to stderr\n"
	    "      --version       print the version and exit\n"
	    "  -h, --help          this text\n"
	    "\n"
	    "Exit status: 0 stopped, 1 configuration or usage error, 2 start-up"
	    " failure,\n3 not a Xen dom0 (no hypervisor interface).\n",
	    PROGNAME, DEFAULT_CONF);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct manager		 m;
	struct conf		*conf;
	struct conf_errors	 errs = { NULL, 0 };
	const char		*path = DEFAULT_CONF;
	bool			 check = false, dry_run = false, verbose = false;
	size_t			 i;
	int			 ch, r;

	/* What systemd runs for a restart command (units.c); not for
	 * people, so not in the usage. */
	if (argc >= 5 && strcmp(argv[1], "--run-once") == 0 &&
	    strcmp(argv[3], "--") == 0)
		return started_run_once(argv[2], argv + 4);

	while ((ch = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'D':
			dry_run = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'V':
			printf("%s %s\n", PROGNAME, CW_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument: %s\n", PROGNAME,
		    argv[optind]);
		usage(stderr);
		return EXIT_CONFIG;
	}

	if (conf_load(path, &conf, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msgs[i]);
		if (errs.n == 0)
			fprintf(stderr, "%s: cannot load the configuration\n",
			    path);
		conf_errors_clear(&errs);
		return EXIT_CONFIG;
	}
	if (check) {
		printf("configuration OK\n");
		toolstack_list_xl_guests(stdout);
		conf_free(conf);
		return 0;
	}

	log_init(verbose);
	r = manager_init(&m, path, conf, dry_run);
	if (r == 0)
		r = manager_run(&m);
	manager_free(&m);
	return r < 0 ? -r : r;
}
