/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-xl-model: what xl runs for each guest, reduced to its watching,
 * for the side-by-side scale benchmark (run-compare.sh).
 *
 *	bench-xl-model [-o FILE] DOMID
 *
 * "xl create" forks a monitor per guest that stays for the guest's life
 * (Xen 4.17, tools/xl/xl_vmcontrol.c, create_domain(): do_daemonize(),
 * then libxl_evenable_domain_death() and a loop of domain_wait_event(),
 * that is libxl_event_wait()).  libxl_evenable_domain_death()
 * (tools/libs/light/libxl_domain.c) watches @releaseDomain, with a token
 * "slot/counter" (libxl_event.c, libxl__ev_xswatch_register), and on
 * every event, spurious or not, domain_death_xswatch_callback() asks Xen
 * about the watched domain: xc_domain_getinfolist(xch, domid, 1, ...)
 * (nentries is 1 when the context watches one domain, as xl's does).
 * libxl's watchfd_callback() drains the watch pipe with xs_check_watch()
 * until EAGAIN after poll() said it is readable.  The callback turns the
 * answer into events: none, "empty list", "missing from list" or
 * "dying" (DOMAIN_DEATH), or XEN_DOMINF_shutdown not yet reported
 * (DOMAIN_SHUTDOWN with the reason).  xl's monitor logs the shutdown,
 * handle_domain_death() picks on_crash, and with "preserve" it logs
 * "Done. Exiting now" and exits.  This model does the same calls in the
 * same order, without libxl's allocation, locking and JSON around them,
 * so its cost is a lower bound of xl's.
 *
 * Linked against the real libxenstore and libxenctrl, run on the
 * simulator's stand-ins as the daemon is.  Log lines (as xl writes to
 * /var/log/xen/xl-NAME.log) go to stderr.  With -o, FILE (opened for
 * appending: one write per line, so many models can share it) gets
 * "DOMID USEC ready" once the first event (the watch's registration) is
 * handled and "DOMID USEC shutdown REASON" when the shutdown is seen,
 * USEC on CLOCK_MONOTONIC.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

#define SHUTDOWN_CRASH	3	/* xen/include/public/sched.h */

static uint32_t	 domid;
static int	 outfd = -1;

static void	xl_log(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
xl_log(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
record(const char *what, int arg)
{
	struct timespec	t;
	char		line[96];
	int		n;

	if (outfd == -1)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	n = snprintf(line, sizeof(line), "%" PRIu32 " %lld %s %d\n", domid,
	    (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000, what, arg);
	if (write(outfd, line, (size_t)n) != n)
		xl_log("cannot record %s: %s", what, strerror(errno));
}

/*
 * domain_death_xswatch_callback() for one watched domain: 0 nothing to
 * report, 1 a death, 2 a shutdown (*reason set), -1 the call failed.
 */
static int
death_callback(xc_interface *xch, int *shutdown_reported, int *reason)
{
	xc_domaininfo_t	info;
	int		rc;

	rc = xc_domain_getinfolist(xch, domid, 1, &info);
	if (rc == -1) {
		xl_log("xc_domain_getinfolist failed while processing "
		    "@releaseDomain watch event: %s", strerror(errno));
		return -1;
	}
	if (rc == 0 || info.domain > domid || (info.flags & XEN_DOMINF_dying))
		return 1;
	if (!*shutdown_reported && (info.flags & XEN_DOMINF_shutdown)) {
		*shutdown_reported = 1;
		*reason = (int)((info.flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask);
		return 2;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct xs_handle	*xsh;
	xc_interface		*xch;
	struct pollfd		 pfd;
	const char		*out = NULL;
	char			**ev, *end;
	unsigned long		 v;
	uint32_t		 counter;
	int			 slot, rc, reason = 0, reported = 0, first = 1;
	int			 c;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	errno = 0;
	v = strtoul(argv[optind], &end, 10);
	if (errno != 0 || *end != '\0' || end == argv[optind] ||
	    v >= DOMID_FIRST_RESERVED)
		goto usage;
	domid = (uint32_t)v;
	if (out != NULL &&
	    (outfd = open(out, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "bench-xl-model: %s: %s\n", out,
		    strerror(errno));
		return 1;
	}

	/* libxl_ctx_alloc(): a hypercall handle and a xenstore connection. */
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		fprintf(stderr, "bench-xl-model: xc_interface_open: %s\n",
		    strerror(errno));
		return 1;
	}
	if ((xsh = xs_open(0)) == NULL) {
		fprintf(stderr, "bench-xl-model: xs_open: %s\n",
		    strerror(errno));
		return 1;
	}
	xl_log("Waiting for domain (domid %" PRIu32 ") to die [pid %ld]",
	    domid, (long)getpid());
	/* libxl__ev_xswatch_register(): slot 0, counter 1. */
	if (!xs_watch(xsh, "@releaseDomain", "0/1")) {
		fprintf(stderr, "bench-xl-model: xs_watch: %s\n",
		    strerror(errno));
		return 1;
	}
	pfd.fd = xs_fileno(xsh);
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "bench-xl-model: poll: %s\n",
			    strerror(errno));
			return 1;
		}
		/* watchfd_callback() */
		for (;;) {
			if ((ev = xs_check_watch(xsh)) == NULL) {
				if (errno == EAGAIN)
					break;
				if (errno == EINTR)
					continue;
				xl_log("cannot check/read watches: %s",
				    strerror(errno));
				return 1;
			}
			if (sscanf(ev[XS_WATCH_TOKEN], "%d/%" SCNx32, &slot,
			    &counter) != 2 || slot != 0 || counter != 1) {
				free(ev);
				continue;
			}
			free(ev);
			rc = death_callback(xch, &reported, &reason);
			if (first) {
				record("ready", 0);
				first = 0;
			}
			if (rc == -1)
				return 1;
			if (rc == 1) {
				/* LIBXL_EVENT_TYPE_DOMAIN_DEATH */
				record("death", 0);
				xl_log("Domain %" PRIu32 " has been destroyed.",
				    domid);
				return 0;
			}
			if (rc == 2) {
				/* LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN, then
				 * handle_domain_death() with on_crash
				 * "preserve" (any other reason: the
				 * model's xl keeps the domain too). */
				record("shutdown", reason);
				xl_log("Domain %" PRIu32 " has shut down, "
				    "reason code %d 0x%x", domid, reason,
				    reason);
				xl_log("Action for shutdown reason code %d "
				    "is %s", reason, reason == SHUTDOWN_CRASH ?
				    "preserve" : "preserve (model)");
				xl_log("Done. Exiting now");
				return 0;
			}
		}
	}

usage:
	fprintf(stderr, "usage: bench-xl-model [-o FILE] DOMID\n");
	return 2;
}
