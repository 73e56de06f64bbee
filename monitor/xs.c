/*
 * xs.c: what the daemon reads and writes in xenstore: a domain's name,
 * the rename of a crashed one, the nodes a destroyed one leaves.  The
 * connection itself is xs-connect.c's; every call here goes through the
 * handle it made (m->xsh) and says ENOTCONN without one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "crashwatchd.h"

#define NAME_MAX_LEN		1024

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
