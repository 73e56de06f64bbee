/*
 * xs.c: the xenstore connection, its two watches and its health.
 *
 * libxenstore starts a reader thread with the first xs_watch and feeds a
 * pipe (xs_fileno) that we poll; xs_check_watch drains it without
 * blocking.  Watch events carry no domid: each one only means "rescan".
 *
 * When xenstored goes away the reader thread closes the socket and the
 * pipe says nothing, so a slow liveness read finds it.  A lost connection
 * is closed, reopened with backoff, and re-armed; the first event of a
 * new watch is a rescan, so nothing that happened meanwhile is missed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <xenstore.h>

#include "crashwatchd.h"

#define LIVENESS_SECS		3
#define RECONNECT_MIN_MS	250
#define RECONNECT_MAX_MS	10000
#define NAME_MAX_LEN		1024

static void	xs_lost(struct manager *, const char *);

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

/* A cheap request: any answer, even an error reply, means alive. */
static void
xs_liveness_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;
	unsigned	 len;
	char		*v;

	(void)fd;
	(void)what;
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

static void
xs_reconnect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;
	struct timeval	 tv;
	int		 r;

	(void)fd;
	(void)what;
	if ((r = xs_start(m)) == 0) {
		log_info("xenstore connection restored");
		m->reconnect_delay_ms = 0;
		return;
	}
	log_debug("xenstore still unreachable: %s", strerror(-r));
	m->reconnect_delay_ms = m->reconnect_delay_ms * 2;
	if (m->reconnect_delay_ms > RECONNECT_MAX_MS)
		m->reconnect_delay_ms = RECONNECT_MAX_MS;
	tv.tv_sec = m->reconnect_delay_ms / 1000;
	tv.tv_usec = (m->reconnect_delay_ms % 1000) * 1000;
	evtimer_add(m->ev_reconnect, &tv);
}

/* Try again in a moment: at start-up, or once the connection is lost. */
void
xs_reconnect_later(struct manager *m)
{
	struct timeval	tv = { 0, RECONNECT_MIN_MS * 1000 };

	m->reconnect_delay_ms = RECONNECT_MIN_MS;
	evtimer_add(m->ev_reconnect, &tv);
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
	xs_reconnect_later(m);
}

/* Open xenstore, arm both watches, listen on the watch pipe. */
int
xs_start(struct manager *m)
{
	struct timeval	tv = { LIVENESS_SECS, 0 };
	int		fd, saved;

	if (m->ev_reconnect == NULL) {
		m->ev_reconnect = evtimer_new(m->base, xs_reconnect_cb, m);
		if (m->ev_reconnect == NULL)
			return -ENOMEM;
	}
	if ((m->xsh = xs_open(0)) == NULL)
		return errno != 0 ? -errno : -EIO;
	if ((fd = xs_fileno(m->xsh)) < 0 ||
	    !xs_watch(m->xsh, "@releaseDomain", "release") ||
	    !xs_watch(m->xsh, "@introduceDomain", "introduce"))
		goto fail;
	m->ev_xs = event_new(m->base, fd, EV_READ | EV_PERSIST, xs_event_cb, m);
	m->ev_liveness = event_new(m->base, -1, EV_PERSIST, xs_liveness_cb, m);
	if (m->ev_xs == NULL || m->ev_liveness == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	event_add(m->ev_xs, NULL);
	event_add(m->ev_liveness, &tv);
	return 0;

fail:
	saved = errno != 0 ? errno : EIO;
	xs_stop(m);
	return -saved;
}

void
xs_stop(struct manager *m)
{
	if (m->ev_xs != NULL) {
		event_free(m->ev_xs);
		m->ev_xs = NULL;
	}
	if (m->ev_liveness != NULL) {
		event_free(m->ev_liveness);
		m->ev_liveness = NULL;
	}
	if (m->xsh != NULL) {
		xs_close(m->xsh);
		m->xsh = NULL;
	}
}

/*
 * The name the toolstack gave DOMID: "" if it has none, NULL (errno set)
 * if xenstore could not be asked.  It is untrusted: cut at the first NUL
 * and at NAME_MAX_LEN; whoever puts it in a path sanitises it.
 */
char *
xs_read_name(struct manager *m, unsigned domid)
{
	char		 path[64];
	char		*v, *s;
	unsigned	 len;

	if (m->xsh == NULL) {
		errno = ENOTCONN;
		return NULL;
	}
	snprintf(path, sizeof path, "/local/domain/%u/name", domid);
	if ((v = xs_read(m->xsh, XBT_NULL, path, &len)) == NULL)
		return errno == ENOENT || errno == EACCES ? strdup("") : NULL;
	s = strndup(v, len < NAME_MAX_LEN ? len : NAME_MAX_LEN);
	free(v);
	return s;
}

/* Rename as xl does: both name nodes, in one transaction. */
int
xs_rename(struct manager *m, unsigned domid, const char *uuid,
    const char *name)
{
	char			p1[64], p2[96];
	xs_transaction_t	t;
	int			tries, saved;

	if (m->xsh == NULL)
		return -ENOTCONN;
	snprintf(p1, sizeof p1, "/local/domain/%u/name", domid);
	snprintf(p2, sizeof p2, "/vm/%s/name", uuid);
	for (tries = 0; tries < 5; tries++) {
		if ((t = xs_transaction_start(m->xsh)) == XBT_NULL)
			return -errno;
		if (!xs_write(m->xsh, t, p1, name, strlen(name)) ||
		    !xs_write(m->xsh, t, p2, name, strlen(name))) {
			saved = errno;
			xs_transaction_end(m->xsh, t, true);
			return -saved;
		}
		if (xs_transaction_end(m->xsh, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

/*
 * After we destroyed a domain: remove the nodes a toolstack keeps for it,
 * as libxl does when it destroys one, so no stale name or /vm entry is
 * left behind.  Backends are the device drivers' and stay alone.
 */
void
xs_forget(struct manager *m, unsigned domid, const char *uuid)
{
	char	p[3][96];
	int	i;

	if (m->xsh == NULL)
		return;
	snprintf(p[0], sizeof p[0], "/local/domain/%u", domid);
	snprintf(p[1], sizeof p[1], "/libxl/%u", domid);
	snprintf(p[2], sizeof p[2], "/vm/%s", uuid);
	for (i = 0; i < 3; i++) {
		if (xs_rm(m->xsh, XBT_NULL, p[i]))
			log_debug("removed %s", p[i]);
		else if (errno != ENOENT)
			log_warn("cannot remove %s", p[i]);
	}
}
