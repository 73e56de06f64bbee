/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs-server.c: xenstored's wire protocol (xen/io/xs_wire.h) on a Unix
 * socket, enough for the real libxenstore.
 *
 * Facts kept from xenstored: replies carry the request's type, req_id and
 * tx_id; errors are XS_ERROR with the errno name; READ has no trailing
 * NUL; WATCH acks "OK" and then fires once; events are "path\0token\0";
 * a watch fires for changes at or below its path, "@" paths exactly;
 * replies over XENSTORE_PAYLOAD_MAX become E2BIG.
 *
 * Transactions are in xs-tx.c.  With "xs-history on" every request is
 * also recorded in the history as "xs_<TYPE> <path> -> <result>".
 *
 * "xenstored stop xenbus" puts the kernel's xenbus device where the
 * socket was.  A dom0 always has /dev/xen/xenbus, and libxenstore's
 * xs_open falls back to it whenever the socket is absent (it ignores
 * XS_OPEN_SOCKETONLY since Xen 4.15); opening it works, and requests
 * wait in the kernel until xenstored answers, however long that takes.
 * libxenstore takes both the socket and the device from XENSTORED_PATH
 * (xs_daemon_socket, xs_domain_dev) and open()s, instead of connecting
 * to, whatever there is not a socket: a symlink to a pseudo-terminal in
 * raw mode plays the device.  Its requests are read only once xenstored
 * starts, then served like any client's.  It has one client at a time,
 * as a test's daemon is; the real device keeps each open() apart.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "proto.h"
#include "sim.h"

struct xs_watch {
	char		*path;		/* as the client gave it */
	char		*abs;		/* absolute, or the @ name */
	char		*token;
	struct xs_watch	*next;
};

struct xs_conn {
	struct bufferevent *bev;
	unsigned	 domid;
	struct xs_watch	*watches;
	struct xs_tx	*tx[64];
	unsigned	 ntx;
	uint32_t	 next_tx;
	size_t		 discard;
	int		 err;		/* of the request being handled */
	struct xs_conn	*next;
};

static struct evconnlistener	*listener;
static struct xs_conn		*conns;
static char			*listen_path;
static int			 restrict_next = -1;
static bool			 record;
static struct xs_conn		*xenbus;	/* the device's client */
static int			 xenbus_slave = -1; /* held open */
static char			*xenbus_link;

static void	xenbus_free(void);

static void
free_watches(struct xs_conn *c)
{
	struct xs_watch *w;

	while ((w = c->watches) != NULL) {
		c->watches = w->next;
		free(w->path);
		free(w->abs);
		free(w->token);
		free(w);
	}
}

static void
conn_free(struct xs_conn *c)
{
	struct xs_conn **pp;

	for (pp = &conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free_watches(c);
	while (c->ntx > 0)
		tx_free(c->tx[--c->ntx]);
	bufferevent_free(c->bev);
	if (c == xenbus)
		xenbus_free();
	free(c);
}

static void
send_msg(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
    const void *data, size_t len)
{
	struct xsd_sockmsg h;

	h.type = type;
	h.req_id = req_id;
	h.tx_id = tx_id;
	h.len = (uint32_t)len;
	evbuffer_add(bufferevent_get_output(c->bev), &h, sizeof(h));
	if (len > 0)
		evbuffer_add(bufferevent_get_output(c->bev), data, len);
}

static void
reply(struct xs_conn *c, const struct xsd_sockmsg *req, const void *data,
    size_t len)
{
	const char *e = "E2BIG";

	if (len > XENSTORE_PAYLOAD_MAX) {
		c->err = E2BIG;
		send_msg(c, XS_ERROR, req->req_id, req->tx_id, e,
		    strlen(e) + 1);
	}
	else
		send_msg(c, req->type, req->req_id, req->tx_id, data, len);
}

/* XS_ERROR with the errno's name, as xenstored spells it. */
static void
reply_err(struct xs_conn *c, const struct xsd_sockmsg *req, int err)
{
	const char *name = "EINVAL";
	size_t i;

	if (err < 0)
		err = -err;
	c->err = err;
	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			name = xsd_errors[i].errstring;
	send_msg(c, XS_ERROR, req->req_id, req->tx_id, name, strlen(name) + 1);
}

static void
reply_ok(struct xs_conn *c, const struct xsd_sockmsg *req)
{
	reply(c, req, "OK", 3);
}

static void
send_event(struct xs_conn *c, const char *path, const char *token)
{
	size_t pl = strlen(path) + 1, tl = strlen(token) + 1;
	char buf[XENSTORE_PAYLOAD_MAX];

	if (pl + tl > sizeof(buf))
		return;
	memcpy(buf, path, pl);
	memcpy(buf + pl, token, tl);
	send_msg(c, XS_WATCH_EVENT, 0, 0, buf, pl + tl);
}

/* The event path as the watcher sees it: relative if it watched relative. */
static void
fire_one(struct xs_conn *c, struct xs_watch *w, const char *abs)
{
	struct node *n;
	size_t plen;

	/* Like xenstored, no events about nodes the client may not read. */
	if (c->domid != 0 && abs[0] == '/' && (n = store_get(abs)) != NULL &&
	    !store_can(n, c->domid, 'r'))
		return;

	if (w->path[0] != '/' && w->path[0] != '@') {
		plen = strlen(w->abs) - strlen(w->path);
		send_event(c, abs + plen, w->token);
	} else
		send_event(c, abs, w->token);
}

/* Is CHILD equal to or below PARENT? */
static bool
is_child(const char *child, const char *parent)
{
	size_t len = strlen(parent);

	if (strcmp(parent, "/") == 0)
		return child[0] == '/';
	return strncmp(child, parent, len) == 0 &&
	    (child[len] == '/' || child[len] == '\0');
}

void
xs_fire(const char *path)
{
	struct xs_conn *c;
	struct xs_watch *w;

	for (c = conns; c != NULL; c = c->next)
		for (w = c->watches; w != NULL; w = w->next) {
			if (path[0] == '@' ? strcmp(path, w->abs) == 0 :
			    is_child(path, w->abs))
				fire_one(c, w, path);
		}
}

void
xs_fire_rm(const char *path)
{
	struct xs_conn *c;
	struct xs_watch *w;

	xs_fire(path);
	/* Watches on nodes that went away with it fire on their own path. */
	for (c = conns; c != NULL; c = c->next)
		for (w = c->watches; w != NULL; w = w->next)
			if (w->abs[0] == '/' && strcmp(w->abs, path) != 0 &&
			    is_child(w->abs, path))
				fire_one(c, w, w->abs);
}

/* Relative paths live under the connection's /local/domain/N. */
static char *
canon(struct xs_conn *c, const char *path)
{
	char *abs;

	if (path[0] == '/' || path[0] == '@')
		return strdup(path);
	if (asprintf(&abs, "/local/domain/%u/%s", c->domid, path) < 0)
		return NULL;
	return abs;
}

/* Number of NUL-terminated strings in a payload; -1 if the last is not. */
static int
count_strings(const char *p, size_t len)
{
	size_t i;
	int n = 0;

	if (len > 0 && p[len - 1] != '\0')
		return -1;
	for (i = 0; i < len; i++)
		if (p[i] == '\0')
			n++;
	return n;
}

/* The connection's transaction ID, or NULL (also for 0). */
static struct xs_tx *
tx_find(struct xs_conn *c, uint32_t id)
{
	unsigned i;

	for (i = 0; id != 0 && i < c->ntx; i++)
		if (tx_id(c->tx[i]) == id)
			return c->tx[i];
	return NULL;
}

static void
do_read(struct xs_conn *c, const struct xsd_sockmsg *m, const char *path,
    struct xs_tx *t)
{
	const char *val;
	struct node *n;
	size_t len;
	int rc;

	if (t != NULL) {
		if ((rc = tx_read(t, path, &val, &len)) != 0)
			return reply_err(c, m, rc);
		return reply(c, m, val, len);
	}
	if ((n = store_get(path)) == NULL)
		return reply_err(c, m, store_valid_path(path) ? EINVAL : ENOENT);
	if (!store_can(n, c->domid, 'r'))
		return reply_err(c, m, EACCES);
	reply(c, m, n->value, n->vlen);
}

static void
do_directory(struct xs_conn *c, const struct xsd_sockmsg *m, const char *path,
    const char *offstr, struct xs_tx *t)
{
	char gen[24], *kids, *buf;
	size_t len, off, genlen, maxlen, chunk = 0;
	unsigned long long g;
	struct node *n;
	int rc;

	if (t != NULL) {
		if ((rc = tx_directory(t, path, &kids, &len)) != 0)
			return reply_err(c, m, rc);
		g = tx_start_gen(t);
	} else {
		if ((n = store_get(path)) == NULL)
			return reply_err(c, m, store_valid_path(path) ?
			    EINVAL : ENOENT);
		if (!store_can(n, c->domid, 'r'))
			return reply_err(c, m, EACCES);
		if ((kids = store_children(n, &len)) == NULL)
			return reply_err(c, m, ENOMEM);
		g = n->gen;
	}
	if (offstr == NULL) {
		reply(c, m, kids, len);
		free(kids);
		return;
	}
	/* XS_DIRECTORY_PART: "<generation>\0" then children from byte OFF;
	 * an extra "\0" marks the end of the list. */
	off = strtoul(offstr, NULL, 10);
	genlen = (size_t)snprintf(gen, sizeof(gen), "%llu", g) + 1;
	if ((buf = malloc(XENSTORE_PAYLOAD_MAX + 1)) == NULL) {
		free(kids);
		return reply_err(c, m, ENOMEM);
	}
	memcpy(buf, gen, genlen);
	if (off >= len) {
		buf[genlen] = '\0';
		reply(c, m, buf, genlen + 1);
	} else {
		maxlen = XENSTORE_PAYLOAD_MAX - genlen - 1;
		while (chunk + strlen(kids + off + chunk) < maxlen) {
			chunk += strlen(kids + off + chunk) + 1;
			if (off + chunk == len)
				break;
		}
		memcpy(buf + genlen, kids + off, chunk);
		if (off + chunk == len)
			buf[genlen + chunk++] = '\0';
		reply(c, m, buf, genlen + chunk);
	}
	free(buf);
	free(kids);
}

static void
do_get_perms(struct xs_conn *c, const struct xsd_sockmsg *m, const char *path)
{
	char buf[XENSTORE_PAYLOAD_MAX + 64];
	struct node *n;
	size_t off = 0;
	unsigned i;

	if ((n = store_get(path)) == NULL)
		return reply_err(c, m, store_valid_path(path) ? EINVAL : ENOENT);
	if (!store_can(n, c->domid, 'r'))
		return reply_err(c, m, EACCES);
	for (i = 0; i < n->nperms && off + 16 < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%c%u",
		    n->perms[i].type, n->perms[i].id) + 1;
	reply(c, m, buf, off);
}

static void
do_set_perms(struct xs_conn *c, const struct xsd_sockmsg *m, char *body,
    size_t len, int nstr, struct xs_tx *t)
{
	struct sim_perm perms[256];
	const char *path = body, *p;
	struct node *n;
	unsigned np = 0;
	char *end;
	int i, rc;

	if (nstr < 2 || nstr - 1 > 256)
		return reply_err(c, m, EINVAL);
	p = body + strlen(body) + 1;
	for (i = 1; i < nstr; i++, p += strlen(p) + 1) {
		if (strchr("nrwb", p[0]) == NULL || p[0] == '\0')
			return reply_err(c, m, EINVAL);
		perms[np].type = p[0];
		perms[np].id = (unsigned)strtoul(p + 1, &end, 10);
		if (end == p + 1 || *end != '\0')
			return reply_err(c, m, EINVAL);
		np++;
	}
	(void)len;
	if (t != NULL) {
		if ((rc = tx_log_perms(t, path, perms, np, c->domid)) < 0)
			return reply_err(c, m, rc);
		return reply_ok(c, m);
	}
	if ((n = store_get(path)) == NULL)
		return reply_err(c, m, store_valid_path(path) ? EINVAL : ENOENT);
	if (c->domid != 0 && n->perms[0].id != c->domid)
		return reply_err(c, m, EACCES);
	if ((rc = store_set_perms(n, perms, np)) != 0)
		return reply_err(c, m, rc);
	reply_ok(c, m);
	xs_fire(path);
}

static void
do_watch(struct xs_conn *c, const struct xsd_sockmsg *m, char *body, int nstr)
{
	const char *path = body, *token;
	struct xs_watch *w;
	char *abs;

	if (nstr != 2)
		return reply_err(c, m, EINVAL);
	token = body + strlen(body) + 1;
	if ((abs = canon(c, path)) == NULL)
		return reply_err(c, m, ENOMEM);
	if (abs[0] == '/' && store_valid_path(abs) != 0) {
		free(abs);
		return reply_err(c, m, EINVAL);
	}
	for (w = c->watches; w != NULL; w = w->next)
		if (strcmp(w->abs, abs) == 0 && strcmp(w->token, token) == 0) {
			free(abs);
			return reply_err(c, m, EEXIST);
		}
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->path = strdup(path)) == NULL ||
	    (w->token = strdup(token)) == NULL)
		abort();
	w->abs = abs;
	w->next = c->watches;
	c->watches = w;
	reply_ok(c, m);
	/* Fire once up front, as xenstored does. */
	send_event(c, w->path, w->token);
}

static void
do_unwatch(struct xs_conn *c, const struct xsd_sockmsg *m, char *body,
    int nstr)
{
	struct xs_watch **pp, *w;
	const char *token;
	char *abs;

	if (nstr != 2)
		return reply_err(c, m, EINVAL);
	token = body + strlen(body) + 1;
	if ((abs = canon(c, body)) == NULL)
		return reply_err(c, m, ENOMEM);
	for (pp = &c->watches; (w = *pp) != NULL; pp = &w->next)
		if (strcmp(w->abs, abs) == 0 && strcmp(w->token, token) == 0) {
			*pp = w->next;
			free(w->path);
			free(w->abs);
			free(w->token);
			free(w);
			free(abs);
			return reply_ok(c, m);
		}
	free(abs);
	reply_err(c, m, ENOENT);
}

static void
do_tx(struct xs_conn *c, const struct xsd_sockmsg *m, const char *arg)
{
	char buf[16];
	unsigned i;
	int rc;

	if (m->type == XS_TRANSACTION_START) {
		if (m->tx_id != 0)
			return reply_err(c, m, EBUSY);
		if (c->ntx == sizeof(c->tx) / sizeof(c->tx[0]))
			return reply_err(c, m, ENOSPC);
		if (++c->next_tx == 0)
			c->next_tx = 1;
		c->tx[c->ntx++] = tx_new(c->next_tx);
		snprintf(buf, sizeof(buf), "%u", c->next_tx);
		return reply(c, m, buf, strlen(buf) + 1);
	}
	if (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0)
		return reply_err(c, m, EINVAL);
	for (i = 0; i < c->ntx; i++)
		if (tx_id(c->tx[i]) == m->tx_id && m->tx_id != 0) {
			struct xs_tx *t = c->tx[i];

			c->tx[i] = c->tx[--c->ntx];
			rc = arg[0] == 'T' ? tx_commit(t, c->domid) : 0;
			tx_free(t);
			if (rc != 0)
				return reply_err(c, m, rc);
			return reply_ok(c, m);
		}
	reply_err(c, m, ENOENT);
}

/* Domain messages take a domid as first argument. */
static int
arg_domid(const char *s, unsigned *domid)
{
	char *end;
	unsigned long v;

	v = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || v >= SIM_MAX_DOMID)
		return -EINVAL;
	*domid = (unsigned)v;
	return 0;
}

static void
do_domain(struct xs_conn *c, const struct xsd_sockmsg *m, char *body,
    int nstr)
{
	unsigned domid;
	char buf[64];

	if (nstr < 1 || arg_domid(body, &domid) != 0)
		return reply_err(c, m, EINVAL);
	switch (m->type) {
	case XS_GET_DOMAIN_PATH:
		snprintf(buf, sizeof(buf), "/local/domain/%u", domid);
		return reply(c, m, buf, strlen(buf) + 1);
	case XS_IS_DOMAIN_INTRODUCED:
		return reply(c, m, dom_get(domid) ? "T" : "F", 2);
	}
	if (c->domid != 0)
		return reply_err(c, m, EACCES);
	switch (m->type) {
	case XS_INTRODUCE:
		if (nstr != 3)
			return reply_err(c, m, EINVAL);
		reply_ok(c, m);
		xs_fire("@introduceDomain");
		return;
	case XS_RELEASE:
		reply_ok(c, m);
		xs_fire("@releaseDomain");
		return;
	case XS_RESUME:
	case XS_SET_TARGET:
		return reply_ok(c, m);
	}
}

static const char *
type_name(uint32_t type)
{
	static const char *names[] = { "CONTROL", "DIRECTORY", "READ",
	    "GET_PERMS", "WATCH", "UNWATCH", "TRANSACTION_START",
	    "TRANSACTION_END", "INTRODUCE", "RELEASE", "GET_DOMAIN_PATH",
	    "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT", "ERROR",
	    "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "INVALID",
	    "RESET_WATCHES", "DIRECTORY_PART" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "UNKNOWN";
}

/* WRITE, MKDIR, RM: logged in a transaction, applied and fired outside. */
static void
do_change(struct xs_conn *c, const struct xsd_sockmsg *m, const char *path,
    const char *val, size_t vlen, struct xs_tx *t)
{
	int rc;

	switch (m->type) {
	case XS_WRITE:
		rc = t ? tx_log_write(t, path, val, vlen, c->domid) :
		    store_write(path, val, vlen, c->domid);
		break;
	case XS_MKDIR:
		rc = t ? tx_log_mkdir(t, path, c->domid) :
		    store_mkdir(path, c->domid);
		break;
	default:
		rc = t ? tx_log_rm(t, path, c->domid) : store_rm(path);
		break;
	}
	if (rc < 0)
		return reply_err(c, m, rc);
	reply_ok(c, m);
	if (t != NULL || rc > 0)
		return;
	if (m->type == XS_RM)
		xs_fire_rm(path);
	else
		xs_fire(path);
}

static void
handle(struct xs_conn *c, const struct xsd_sockmsg *m, char *body)
{
	char *path = NULL, *val, *nb;
	const char *rest;
	struct xs_tx *t = NULL;
	size_t rlen, plen;
	int nstr;

	nstr = count_strings(body, m->len);
	if (m->tx_id != 0 && m->type != XS_TRANSACTION_START &&
	    (t = tx_find(c, m->tx_id)) == NULL)
		return reply_err(c, m, ENOENT);

	switch (m->type) {
	case XS_READ:
	case XS_DIRECTORY:
	case XS_DIRECTORY_PART:
	case XS_GET_PERMS:
	case XS_MKDIR:
	case XS_RM:
	case XS_SET_PERMS:
		if (nstr < 1)
			return reply_err(c, m, EINVAL);
		/* FALLTHROUGH */
	case XS_WRITE:
		if (memchr(body, '\0', m->len) == NULL)
			return reply_err(c, m, EINVAL);
		if ((path = canon(c, body)) == NULL)
			return reply_err(c, m, ENOMEM);
		break;
	}

	switch (m->type) {
	case XS_READ:
		do_read(c, m, path, t);
		break;
	case XS_DIRECTORY:
		do_directory(c, m, path, NULL, t);
		break;
	case XS_DIRECTORY_PART:
		if (nstr != 2)
			reply_err(c, m, EINVAL);
		else
			do_directory(c, m, path, body + strlen(body) + 1, t);
		break;
	case XS_GET_PERMS:
		do_get_perms(c, m, path);
		break;
	case XS_MKDIR:
	case XS_RM:
		do_change(c, m, path, NULL, 0, t);
		break;
	case XS_WRITE:
		/* "path\0value": the value is not NUL-terminated. */
		val = body + strlen(body) + 1;
		do_change(c, m, path, val, m->len - (size_t)(val - body), t);
		break;
	case XS_SET_PERMS:
		/* Rebuild the payload with the absolute path first. */
		rest = body + strlen(body) + 1;
		rlen = m->len - (size_t)(rest - body);
		plen = strlen(path) + 1;
		if ((nb = malloc(plen + rlen + 1)) == NULL) {
			reply_err(c, m, ENOMEM);
			break;
		}
		memcpy(nb, path, plen);
		memcpy(nb + plen, rest, rlen);
		nb[plen + rlen] = '\0';
		do_set_perms(c, m, nb, plen + rlen, nstr, t);
		free(nb);
		break;
	case XS_WATCH:
		do_watch(c, m, body, nstr);
		break;
	case XS_UNWATCH:
		do_unwatch(c, m, body, nstr);
		break;
	case XS_TRANSACTION_START:
	case XS_TRANSACTION_END:
		do_tx(c, m, nstr >= 1 ? body : "");
		break;
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_GET_DOMAIN_PATH:
	case XS_IS_DOMAIN_INTRODUCED:
	case XS_RESUME:
	case XS_SET_TARGET:
		do_domain(c, m, body, nstr);
		break;
	case XS_RESET_WATCHES:
		free_watches(c);
		reply_ok(c, m);
		break;
	default:
		reply_err(c, m, ENOSYS);
		break;
	}
	free(path);
}

/* One request, recorded in the history when asked. */
static void
handle_request(struct xs_conn *c, const struct xsd_sockmsg *m, char *body)
{
	char arg[256];
	size_t i;

	c->err = 0;
	handle(c, m, body);
	if (!record)
		return;
	for (i = 0; i + 1 < sizeof(arg) && i < m->len && body[i] != '\0'; i++)
		arg[i] = (body[i] > 0x20 && body[i] < 0x7f) ? body[i] : '?';
	arg[i] = '\0';
	if (c->err != 0)
		history_add("xs_%s %s -> -%s", type_name(m->type),
		    i ? arg : "-", proto_errname(c->err));
	else
		history_add("xs_%s %s -> 0", type_name(m->type), i ? arg : "-");
}

void
xs_set_history(bool on)
{
	record = on;
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct xs_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct xsd_sockmsg m;
	char *body;
	size_t n;

	for (;;) {
		if (c->discard > 0) {
			n = evbuffer_get_length(in);
			if (n > c->discard)
				n = c->discard;
			evbuffer_drain(in, n);
			c->discard -= n;
			if (c->discard > 0)
				return;
		}
		if (evbuffer_get_length(in) < sizeof(m))
			return;
		evbuffer_copyout(in, &m, sizeof(m));
		if (m.len > XENSTORE_PAYLOAD_MAX) {
			/* Refuse it and skip the payload. */
			evbuffer_drain(in, sizeof(m));
			c->discard = m.len;
			reply_err(c, &m, E2BIG);
			continue;
		}
		if (evbuffer_get_length(in) < sizeof(m) + m.len)
			return;
		evbuffer_drain(in, sizeof(m));
		if ((body = malloc(m.len + 1)) == NULL)
			abort();
		evbuffer_remove(in, body, m.len);
		body[m.len] = '\0';
		handle_request(c, &m, body);
		free(body);
	}
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct xs_conn *c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(c);
}

/* A client on FD, reading its requests at once or (xenbus) later. */
static struct xs_conn *
conn_new(evutil_socket_t fd, short enable)
{
	struct xs_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		abort();
	c->bev = bufferevent_socket_new(sim.base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		abort();
	if (restrict_next >= 0) {
		c->domid = (unsigned)restrict_next;
		restrict_next = -1;
	}
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(c->bev, enable);
	c->next = conns;
	conns = c;
	return c;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	conn_new(fd, EV_READ | EV_WRITE);
}

/*
 * The xenbus device at PATH, in place of the socket: a pseudo-terminal
 * in raw mode (binary-safe, no echo), whose slave end we hold too, so
 * that it keeps its mode and never hangs up between two clients.
 */
int
xs_xenbus_open(const char *path)
{
	struct termios	 tio;
	const char	*name;
	int		 master, slave = -1, saved;

	if (xenbus != NULL)
		return -EALREADY;
	if ((master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -errno;
	if (grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (name = ptsname(master)) == NULL ||
	    (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    tcgetattr(slave, &tio) != 0)
		goto fail;
	cfmakeraw(&tio);
	if (tcsetattr(slave, TCSANOW, &tio) != 0 ||
	    evutil_make_socket_nonblocking(master) != 0 ||
	    (unlink(path) != 0 && errno != ENOENT) || symlink(name, path) != 0)
		goto fail;
	if ((xenbus_link = strdup(path)) == NULL)
		abort();
	xenbus_slave = slave;
	/* Requests wait in the device until xenstored starts. */
	xenbus = conn_new(master, xs_listening() ? EV_READ | EV_WRITE :
	    EV_WRITE);
	return 0;

fail:
	saved = errno;
	if (slave >= 0)
		close(slave);
	close(master);
	return -saved;
}

/* The device's client is gone: so is the device. */
static void
xenbus_free(void)
{
	struct stat st;

	xenbus = NULL;
	close(xenbus_slave);
	xenbus_slave = -1;
	if (lstat(xenbus_link, &st) == 0 && S_ISLNK(st.st_mode))
		unlink(xenbus_link);
	free(xenbus_link);
	xenbus_link = NULL;
}

int
xs_listen(const char *path)
{
	struct sockaddr_un sun;

	if (listener != NULL)
		return -EALREADY;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	unlink(path);
	listener = evconnlistener_new_bind(sim.base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 128,
	    (struct sockaddr *)&sun, sizeof(sun));
	if (listener == NULL)
		return -errno;
	free(listen_path);
	listen_path = strdup(path);
	/* xenstored answers what waited in the xenbus device. */
	if (xenbus != NULL)
		bufferevent_enable(xenbus->bev, EV_READ);
	return 0;
}

bool
xs_listening(void)
{
	return listener != NULL;
}

void
xs_drop_all(void)
{
	while (conns != NULL)
		conn_free(conns);
}

/* Stop listening, remove the socket and drop every client. */
void
xs_unlisten(void)
{
	if (listener != NULL) {
		evconnlistener_free(listener);
		listener = NULL;
		unlink(listen_path);
	}
	xs_drop_all();
}

void
xs_restrict_next(unsigned domid)
{
	restrict_next = (int)domid;
}

void
xs_shutdown(void)
{
	xs_unlisten();
	free(listen_path);
	listen_path = NULL;
}
