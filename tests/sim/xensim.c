/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xensim: a simulated Xen host for tests.  Serves xenstored's protocol on
 * DIR/xenstored.sock and the control protocol on DIR/control.sock, prints
 * READY once both listen, and removes its sockets on SIGTERM/SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "sim.h"

struct sim sim;

void
sim_log(const char *fmt, ...)
{
	va_list ap;

	fputs("xensim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	event_base_loopbreak(sim.base);
}

static void
usage(void)
{
	fprintf(stderr, "usage: xensim --dir DIR\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct event *sigterm, *sigint;
	int rc;

	if (argc != 3 || strcmp(argv[1], "--dir") != 0)
		usage();
	sim.dir = argv[2];
	if (asprintf(&sim.xs_path, "%s/xenstored.sock", sim.dir) < 0 ||
	    asprintf(&sim.ctl_path, "%s/control.sock", sim.dir) < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if ((sim.base = event_base_new()) == NULL) {
		sim_log("cannot create the event base");
		return 1;
	}
	store_init();
	dom_init(sim.base);
	if ((rc = xs_listen(sim.xs_path)) != 0) {
		sim_log("cannot listen on %s: %s", sim.xs_path, strerror(-rc));
		return 1;
	}
	if ((rc = control_listen(sim.ctl_path, sim.base)) != 0) {
		sim_log("cannot listen on %s: %s", sim.ctl_path,
		    strerror(-rc));
		xs_shutdown();
		return 1;
	}
	sigterm = evsignal_new(sim.base, SIGTERM, signal_cb, NULL);
	sigint = evsignal_new(sim.base, SIGINT, signal_cb, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);

	printf("READY\n");
	fflush(stdout);
	event_base_dispatch(sim.base);

	control_shutdown();
	xs_shutdown();
	dom_free_all();
	store_free();
	history_free();
	event_free(sigterm);
	event_free(sigint);
	event_base_free(sim.base);
	free(sim.xs_path);
	free(sim.ctl_path);
	return 0;
}
