/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-driver: run one dump the way the daemon's child does, or the way
 * a plain xc_domain_dumpcore does, for tests against the simulator.
 *
 *	dump-driver plain DOMID FILE
 *	dump-driver dump DOMID DIR NAME UUID none|zstd [GUEST_BYTES]
 *
 * "dump" prints the child's report lines on stdout and exits with its
 * status; "plain" exits 0 or 1.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#include "dump-child.h"

static int
usage(void)
{
	fprintf(stderr, "usage: dump-driver plain DOMID FILE\n"
	    "       dump-driver dump DOMID DIR NAME UUID none|zstd "
	    "[GUEST_BYTES]\n");
	return (2);
}

/* What xl dump-core does: xc_domain_dumpcore, then make it durable. */
static int
plain(unsigned domid, const char *file)
{
	xc_interface	*xch;
	int		 r, fd;

	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		fprintf(stderr, "dump-driver: xc_interface_open: %s\n",
		    strerror(errno));
		return (1);
	}
	r = xc_domain_dumpcore(xch, domid, file);
	xc_interface_close(xch);
	if (r < 0) {
		fprintf(stderr, "dump-driver: xc_domain_dumpcore: %d\n", r);
		return (1);
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0) {
		fprintf(stderr, "dump-driver: %s: %s\n", file, strerror(errno));
		return (1);
	}
	close(fd);
	return (0);
}

int
main(int argc, char **argv)
{
	struct conf_dump	conf;
	struct dump_req		req;

	if (argc == 4 && strcmp(argv[1], "plain") == 0)
		return (plain((unsigned)strtoul(argv[2], NULL, 10), argv[3]));
	if ((argc != 7 && argc != 8) || strcmp(argv[1], "dump") != 0)
		return (usage());
	memset(&conf, 0, sizeof conf);
	conf.directory = argv[3];
	conf.compress_level = 3;
	conf.compress_threads = 1;
	if (strcmp(argv[6], "zstd") == 0)
		conf.compress = DUMP_COMPRESS_ZSTD;
	else if (strcmp(argv[6], "none") != 0)
		return (usage());
	memset(&req, 0, sizeof req);
	req.domid = (unsigned)strtoul(argv[2], NULL, 10);
	req.name = argv[4];
	req.uuid = argv[5];
	req.when = time(NULL);
	req.guest_bytes = argc == 8 ? strtoull(argv[7], NULL, 10) : 0;
	req.conf = &conf;
	return (dump_child_main(&req, STDOUT_FILENO));
}
