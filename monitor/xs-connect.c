/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs-connect.c: the xenstore connection, its two watches and its health.
 *
 * Connecting never blocks the loop.  libxenstore's xs_open(0) connects
 * to xenstored's socket (XENSTORED_PATH, else /run/xenstored/socket) and,
 * when there is none, opens the kernel's xenbus device (/dev/xen/xenbus;
 * XENSTORED_PATH again if set), which in a dom0 always opens: the first
 * request then waits in the kernel until xenstored answers, for as long
 * as that takes.  Checked in Xen 4.17's tools/libs/store/xs.c:
 * - The socket alone cannot be asked for: since Xen 4.15 (fa06cb8c38)
 *   xs_open ignores XS_OPEN_SOCKETONLY.  Refusing the device would be
 *   wrong anyway: where xenstored runs in a stub domain, dom0 has no
 *   socket and the device is the only way in.
 * - A request that waits cannot be called off: xs_talkv holds the
 *   handle's request lock across the blocking read, with no cancellation
 *   handler, so neither xs_close nor pthread_cancel gets the handle back.
 * - Looking for the socket first and calling xs_open only then is a race
 *   (xenstored stopping in between sends xs_open to the device), and a
 *   probe in a child, or our own non-blocking request on the device,
 *   leaves the loop to open a handle of its own afterwards, with the same
 *   race, or duplicates libxenstore's choice of paths.
 *
 * So a short-lived connect thread, with every signal blocked, makes the
 * xs_open and one request (a read of "/"), hands the handle over through
 * an eventfd and ends; from then on the loop thread alone uses it, and
 * sets the watches (quickly: xenstored has just answered).  If the thread
 * has no answer after XS_WAIT_SECS, or fails, the loop says once that it
 * waits for xenstored and what to check, STATUS= says so, and the first
 * scan goes ahead without names (READY=1 goes out; crashes wait for their
 * names).  A failed attempt is retried with backoff; a waiting one is
 * waited for, however long.  At exit a thread still waiting is left to
 * the end of the process: it and the loop share a reference-counted
 * context (struct xs_connect), so neither frees what the other uses.
 *
 * libxenstore starts a reader thread with the first xs_watch and feeds a
 * pipe (xs_fileno) that we poll; xs_check_watch drains it without
 * blocking.  Watch events carry no domid: each one only means "rescan".
 *
 * When xenstored goes away the reader thread closes the socket and the
 * pipe says nothing, so the liveness read at the manager's next tick
 * finds it (xs_liveness).  A lost connection
 * is closed, reopened with backoff, and re-armed; the first event of a
 * new watch is a rescan, so nothing that happened meanwhile is missed.
 */
#include <sys/eventfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <xenstore.h>
#include <xenstore_lib.h>

#include "crashwatchd.h"

#define RECONNECT_MIN_MS	250
#define RECONNECT_MAX_MS	10000
#define XS_WAIT_SECS		2	/* no answer by then: say we wait */

/*
 * One connection attempt, shared by the loop and the connect thread;
 * the last of the two to let go frees it.  The thread writes efd when
 * it is done, after which it touches nothing but its reference.
 */
struct xs_connect {
	pthread_mutex_t	  lock;
	unsigned	  refs;
	int		  efd;
	char		  sock[256];	/* the socket xs_open tries first */
	bool		  opened;	/* xs_open worked: the request waits */
	bool		  done;
	struct xs_handle *xsh;		/* done: the connection, or NULL */
	int		  error;	/* done: why not */
};

static void	xs_lost(struct manager *, const char *);
static void	xs_connect_begin(struct manager *);

/* Watch events: drain them all, then one rescan for the lot. */
static void
xs_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	 *m = arg;
	char		**vec;
	bool		  any = false;

	(void)fd;
	(void)what;
	for (;;) {
		vec = xs_check_watch(m->xsh);
		if (vec == NULL)
			break;
		log_debug("xenstore watch %s fired", vec[XS_WATCH_PATH]);
		free(vec);
		any = true;
	}
	if (errno != EAGAIN) {
		xs_lost(m, strerror(errno));
		return;
	}
	if (any)
		event_active(m->ev_rescan, EV_TIMEOUT, 0);
}

/*
 * A cheap request: any answer, even an error reply, means alive.  Asked
 * by the manager's tick (manager.c), the loop's one idle wake-up: a
 * xenstored that died is found within one tick, and one that hangs
 * holds this read, the loop and so the next watchdog ping, and systemd
 * restarts us after WatchdogSec.
 */
void
xs_liveness(struct manager *m)
{
	unsigned	 len;
	char		*v;

	if (m->xsh == NULL)
		return;
	v = xs_read(m->xsh, XBT_NULL, "/", &len);
	if (v != NULL) {
		free(v);
		return;
	}
	switch (errno) {
	case EBADF:
	case EPIPE:
	case ECONNRESET:
	case ENOTCONN:
	case ESHUTDOWN:
	case EIO:
		xs_lost(m, strerror(errno));
		break;
	default:
		break;
	}
}

/* Let go of an attempt: the last of the loop and the thread frees it. */
static void
xs_connect_unref(struct xs_connect *c)
{
	bool	last;

	pthread_mutex_lock(&c->lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->lock);
	if (!last)
		return;
	if (c->xsh != NULL)
		xs_close(c->xsh);
	close(c->efd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The connect thread: open, ask once, hand over; nothing else. */
static void *
xs_connect_main(void *arg)
{
	struct xs_connect	*c = arg;
	struct xs_handle	*h;
	uint64_t		 one = 1;
	char			*v;
	int			 error = 0;

	if ((h = xs_open(0)) == NULL)
		error = errno != 0 ? errno : EIO;
	else {
		pthread_mutex_lock(&c->lock);
		c->opened = true;
		pthread_mutex_unlock(&c->lock);
		/* Here it waits, on the device, until xenstored answers. */
		if ((v = xs_read(h, XBT_NULL, "/", NULL)) == NULL) {
			error = errno != 0 ? errno : EIO;
			xs_close(h);
			h = NULL;
		}
		free(v);
	}
	pthread_mutex_lock(&c->lock);
	c->xsh = h;
	c->error = error;
	c->done = true;
	pthread_mutex_unlock(&c->lock);
	while (write(c->efd, &one, sizeof one) == -1 && errno == EINTR)
		continue;
	xs_connect_unref(c);
	return NULL;
}

/* The loop lets go of the attempt under way, if any. */
static void
xs_connect_drop(struct manager *m)
{
	if (m->ev_xs_connect != NULL) {
		event_free(m->ev_xs_connect);
		m->ev_xs_connect = NULL;
	}
	if (m->xs_connect != NULL) {
		xs_connect_unref(m->xs_connect);
		m->xs_connect = NULL;
	}
}

/*
 * No xenstored yet: say so once, with what to check, until connected.
 * The first scan need not wait for it.
 */
static void
xs_waiting(struct manager *m, const char *why)
{
	if (m->xs_waiting)
		return;
	m->xs_waiting = true;
	log_warnx("waiting for xenstored: %s. Check that xenstored is running "
	    "(systemctl status xenstored), or the stub domain it runs in; "
	    "domains are scanned meanwhile, and crashes are handled once it "
	    "answers", why);
	/* STATUS= is the manager's to say: its sweep says it. */
	event_active(m->ev_sweep, EV_TIMEOUT, 0);
	if (!m->ready)
		event_active(m->ev_rescan, EV_TIMEOUT, 0);
}

/* Try again later, each time a little later. */
static void
xs_retry(struct manager *m)
{
	struct timeval	tv;

	if (m->reconnect_delay_ms < RECONNECT_MIN_MS)
		m->reconnect_delay_ms = RECONNECT_MIN_MS;
	else if ((m->reconnect_delay_ms *= 2) > RECONNECT_MAX_MS)
		m->reconnect_delay_ms = RECONNECT_MAX_MS;
	tv.tv_sec = m->reconnect_delay_ms / 1000;
	tv.tv_usec = (m->reconnect_delay_ms % 1000) * 1000;
	evtimer_add(m->ev_reconnect, &tv);
}

/* Arm both watches on a connection that answered; the loop owns it. */
static int
xs_arm(struct manager *m, struct xs_handle *h)
{
	int		fd, saved;

	m->xsh = h;
	if ((fd = xs_fileno(m->xsh)) < 0 ||
	    !xs_watch(m->xsh, "@releaseDomain", "release") ||
	    !xs_watch(m->xsh, "@introduceDomain", "introduce"))
		goto fail;
	m->ev_xs = event_new(m->base, fd, EV_READ | EV_PERSIST, xs_event_cb, m);
	if (m->ev_xs == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	event_add(m->ev_xs, NULL);
	return 0;

fail:
	saved = errno != 0 ? errno : EIO;
	xs_stop(m);
	return -saved;
}

/* The connect thread is done: take its connection, or try again. */
static void
xs_connect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager		*m = arg;
	struct xs_connect	*c = m->xs_connect;
	struct xs_handle	*h = NULL;
	char			 why[512], sock[sizeof c->sock];
	uint64_t		 n;
	bool			 done;
	int			 error = EIO, r;

	(void)what;
	(void)!read(fd, &n, sizeof n);
	pthread_mutex_lock(&c->lock);
	if ((done = c->done)) {
		h = c->xsh;
		c->xsh = NULL;
		error = c->error;
	}
	pthread_mutex_unlock(&c->lock);
	if (!done) {
		event_add(m->ev_xs_connect, NULL);
		return;
	}
	memcpy(sock, c->sock, sizeof sock);
	xs_connect_drop(m);
	evtimer_del(m->ev_xs_wait);
	if (h == NULL) {
		log_debug("xenstored still unreachable: %s", strerror(error));
		snprintf(why, sizeof why, "cannot reach it through %s or the "
		    "xenbus device: %s", sock, strerror(error));
		xs_waiting(m, why);
		xs_retry(m);
		return;
	}
	if ((r = xs_arm(m, h)) != 0) {
		log_debug("cannot set the xenstore watches: %s", strerror(-r));
		snprintf(why, sizeof why, "cannot set a watch: %s",
		    strerror(-r));
		xs_waiting(m, why);
		xs_retry(m);
		return;
	}
	if (!m->xs_waiting)
		log_debug("connected to xenstored");
	else if (m->xs_was_up) {
		log_info("xenstore connection restored");
		metrics_reconnect(m);
	}
	else
		log_info("connected to xenstored, which answers now");
	m->xs_waiting = false;
	m->xs_was_up = true;
	m->reconnect_delay_ms = 0;
	/* STATUS= is the manager's to say: its sweep says it. */
	event_active(m->ev_sweep, EV_TIMEOUT, 0);
}

/* Still no answer: the request waits for xenstored.  Say where. */
static void
xs_wait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;
	struct stat	 st;
	const char	*sock;
	char		 why[512];
	bool		 opened;

	(void)fd;
	(void)what;
	if (m->xs_connect == NULL)
		return;
	sock = m->xs_connect->sock;
	pthread_mutex_lock(&m->xs_connect->lock);
	opened = m->xs_connect->opened;
	pthread_mutex_unlock(&m->xs_connect->lock);
	if (!opened)
		snprintf(why, sizeof why, "opening %s or the xenbus device "
		    "takes long", sock);
	else if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
		snprintf(why, sizeof why, "no answer on its socket %s", sock);
	else
		snprintf(why, sizeof why, "no socket at %s, and no answer yet "
		    "through the xenbus device", sock);
	xs_waiting(m, why);
}

/* Start an attempt in a connect thread that no signal goes to. */
static void
xs_connect_begin(struct manager *m)
{
	struct timeval		 tv = { XS_WAIT_SECS, 0 };
	struct xs_connect	*c;
	pthread_attr_t		 attr;
	pthread_t		 thr;
	sigset_t		 all, old;
	char			 why[256];
	int			 r;

	if (m->xs_connect != NULL || m->xsh != NULL)
		return;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		r = ENOMEM;
		goto fail;
	}
	if ((c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		r = errno;
		free(c);
		goto fail;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->refs = 1;
	/* For messages.  Asked here, as xs_daemon_socket() fills a static
	 * buffer that xs_open in the thread fills too. */
	snprintf(c->sock, sizeof c->sock, "%s", xs_daemon_socket());
	m->xs_connect = c;
	m->ev_xs_connect = event_new(m->base, c->efd, EV_READ, xs_connect_cb,
	    m);
	if (m->ev_xs_connect == NULL) {
		r = ENOMEM;
		goto drop;
	}
	event_add(m->ev_xs_connect, NULL);

	c->refs++;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if ((r = pthread_attr_init(&attr)) == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		r = pthread_create(&thr, &attr, xs_connect_main, c);
		pthread_attr_destroy(&attr);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		c->refs--;
		goto drop;
	}
	if (!m->xs_waiting)
		evtimer_add(m->ev_xs_wait, &tv);
	return;

drop:
	xs_connect_drop(m);
fail:
	snprintf(why, sizeof why, "cannot start connecting: %s", strerror(r));
	xs_waiting(m, why);
	xs_retry(m);
}

static void
xs_reconnect_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	xs_connect_begin(arg);
}

/* The connection is dead: drop it and reconnect with backoff. */
static void
xs_lost(struct manager *m, const char *why)
{
	struct journal_fields	 f = { .message_id = MSGID_XENSTORE_LOST,
				     .domid = -1 };

	journal_send(LOG_ERR, &f, "xenstore connection lost (%s); "
	    "reconnecting, domains are rescanned once it is back", why);
	xs_stop(m);
	/* That was the one line about it until it is back. */
	m->xs_waiting = true;
	m->reconnect_delay_ms = 0;
	xs_retry(m);
}

/*
 * Connect to xenstored in the background; the watches' first events
 * make the first scan.  Only a failure to set that up is returned.
 */
int
xs_start(struct manager *m)
{
	m->ev_reconnect = evtimer_new(m->base, xs_reconnect_cb, m);
	m->ev_xs_wait = evtimer_new(m->base, xs_wait_cb, m);
	if (m->ev_reconnect == NULL || m->ev_xs_wait == NULL)
		return -ENOMEM;
	xs_connect_begin(m);
	return 0;
}

/* Close the connection; an attempt under way is let go. */
void
xs_stop(struct manager *m)
{
	xs_connect_drop(m);
	if (m->ev_xs != NULL) {
		event_free(m->ev_xs);
		m->ev_xs = NULL;
	}
	if (m->xsh != NULL) {
		xs_close(m->xsh);
		m->xsh = NULL;
	}
}
