/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs.c: what the daemon reads and writes in xenstore: a domain's name,
 * the rename of a crashed one (with its new /vm), the nodes a destroyed one leaves.  The
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

/*
 * Preserve a crashed domain as libxl_domain_preserve does, so that its
 * guest can be started again under its name and UUID: the new NAME in
 * /local/domain/N/name, a new /vm/<NEW_UUID> (no access but the domain's
 * own read, its uuid and name in it) that /local/domain/N/vm names, and
 * /vm/<OLD_UUID> removed (the restarted guest makes its own).  One
 * transaction; doing it again changes nothing.
 */
int
xs_preserve(struct manager *m, unsigned domid, const char *old_uuid,
    const char *new_uuid, const char *name)
{
	struct xs_permissions	perms[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	char			dom[64], vm[64], old[64], p[3][96];
	xs_transaction_t	t;
	int			tries, saved;
	unsigned		len;
	char			*cur = NULL;
	bool			ok;

	if (m->xsh == NULL)
		return -ENOTCONN;
	snprintf(dom, sizeof dom, "/local/domain/%u", domid);
	snprintf(vm, sizeof vm, "/vm/%s", new_uuid);
	snprintf(old, sizeof old, "/vm/%s", old_uuid);
	snprintf(p[0], sizeof p[0], "%s/name", dom);
	snprintf(p[1], sizeof p[1], "%s/vm", dom);
	for (tries = 0; tries < 5; tries++) {
		if ((t = xs_transaction_start(m->xsh)) == XBT_NULL)
			return -errno;
		cur = xs_read(m->xsh, t, p[1], &len);
		snprintf(p[2], sizeof p[2], "%s/uuid", vm);
		ok = xs_mkdir(m->xsh, t, vm) &&
		    xs_set_permissions(m->xsh, t, vm, perms, 2) &&
		    xs_write(m->xsh, t, p[2], new_uuid, strlen(new_uuid));
		snprintf(p[2], sizeof p[2], "%s/name", vm);
		ok = ok && xs_write(m->xsh, t, p[2], name, strlen(name)) &&
		    xs_write(m->xsh, t, p[1], vm, strlen(vm)) &&
		    xs_write(m->xsh, t, p[0], name, strlen(name));
		/* The old /vm only while the domain still names it: one
		 * killed run later, a guest started again under that UUID
		 * owns it. */
		if (ok && strcmp(old, vm) != 0 && cur != NULL &&
		    strcmp(cur, old) == 0 && !xs_rm(m->xsh, t, old) &&
		    errno != ENOENT)
			ok = false;
		saved = errno;
		free(cur);
		cur = NULL;
		if (!ok) {
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

/*
 * The names of domains seen before the toolstack named them, read again:
 * xl writes the name after creating the domain, and a scan in between
 * finds it nameless.  Without an event after the naming, a restart's
 * guest would stay unknown by name.
 */
void
xs_name_unnamed(struct manager *m)
{
	struct domain	*d;
	char		*name;
	unsigned	 i;

	if (m->xsh == NULL)
		return;
	for (i = 1; i < DOMID_LIMIT && m->domains.count > 0; i++) {
		if ((d = m->domains.slot[i]) == NULL || d->state == DOM_DYING ||
		    (d->name != NULL && d->name[0] != '\0') ||
		    (name = xs_read_name(m, i)) == NULL)
			continue;
		free(d->name);
		d->name = name;
	}
}
