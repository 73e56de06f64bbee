/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devices.c: a guest's devices as the toolstack leaves them in xenstore,
 * and their teardown as libxenlight's destroy does it.
 *
 * "devices D" gives D what "xl create" gives a PV guest with a console
 * and a file-backed disk: the console and vbd backends under
 * /local/domain/0/backend, the frontend under /local/domain/D/device,
 * libxl's own record under /libxl/D, and a loop device, here a file in
 * DIR/loop, which only the hotplug script's "remove" takes away.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static unsigned	next_loop;
static bool	libxl_off;

static int
put(const char *val, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
put(const char *val, const char *fmt, ...)
{
	char	path[256];
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if ((rc = store_write(path, val, strlen(val), 0)) == 0)
		xs_fire(path);
	return rc;
}

int
dev_attach(unsigned domid)
{
	struct sim_dom	*d = dom_get(domid);
	char		 loop[512], fe[64], be[96], v[64];
	const char	*base = "/local/domain/0/backend";
	int		 fd;

	if (d == NULL)
		return -ESRCH;
	if (domid == 0)
		return -EINVAL;
	snprintf(loop, sizeof loop, "%s/loop", sim.dir);
	if (mkdir(loop, 0755) != 0 && errno != EEXIST)
		return -errno;
	snprintf(loop, sizeof loop, "%s/loop/loop%u", sim.dir, next_loop++);
	if ((fd = open(loop, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) < 0)
		return -errno;
	close(fd);

	/* The console. */
	snprintf(fe, sizeof fe, "/local/domain/%u/console", domid);
	snprintf(be, sizeof be, "%s/console/%u/0", base, domid);
	snprintf(v, sizeof v, "%u", domid);
	put(fe, "%s/frontend", be);
	put(v, "%s/frontend-id", be);
	put("4", "%s/state", be);
	put(be, "%s/backend", fe);

	/* The disk: xvda, a file through a loop device. */
	snprintf(fe, sizeof fe, "/local/domain/%u/device/vbd/51712", domid);
	snprintf(be, sizeof be, "%s/vbd/%u/51712", base, domid);
	put(fe, "%s/frontend", be);
	put(v, "%s/frontend-id", be);
	put("/var/lib/xen/images/disk.img", "%s/params", be);
	put(loop, "%s/node", be);
	put("4", "%s/state", be);
	put(be, "%s/backend", fe);
	put("0", "%s/backend-id", fe);
	put("4", "%s/state", fe);

	put("pv", "/libxl/%u/type", domid);
	put(be, "/libxl/%u/device/vbd/51712/backend", domid);
	put(fe, "/libxl/%u/device/vbd/51712/frontend", domid);
	return 0;
}

void
dev_set_libxl(bool on)
{
	libxl_off = !on;
}

bool
dev_libxl_on(void)
{
	return !libxl_off;
}

/* The loop devices D's disks hold: CB for each. */
int
dev_loops(unsigned domid, void (*cb)(const char *, void *), void *arg)
{
	struct node	*n, *k;
	char		 path[128];
	size_t		 i;

	if (dom_get(domid) == NULL || domid == 0)
		return -ESRCH;
	snprintf(path, sizeof path, "/local/domain/0/backend/vbd/%u", domid);
	if ((n = store_get(path)) == NULL)
		return 0;
	for (i = 0; i < n->nkids; i++) {
		snprintf(path, sizeof path, "%s/node", n->kids[i]->path);
		if ((k = store_get(path)) != NULL && k->vlen > 0)
			cb(k->value, arg);
	}
	return 0;
}

static void
rm_fire(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
rm_fire(const char *fmt, ...)
{
	char	path[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if (store_rm(path) == 0)
		xs_fire_rm(path);
}

static void
rm_empty(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
rm_empty(const char *fmt, ...)
{
	struct node	*n;
	char		 path[256];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if ((n = store_get(path)) != NULL && n->nkids == 0 &&
	    (n->value == NULL || n->vlen == 0) && store_rm(path) == 0)
		xs_fire_rm(path);
}

/*
 * What libxenlight removes before the destroy hypercall: every backend
 * of D, its frontends with /local/domain/D, /vm/<uuid>, /libxl/D.
 */
int
dev_teardown(unsigned domid)
{
	struct sim_dom	*d = dom_get(domid);
	struct node	*n;
	char		 uuid[37], (*types)[32] = NULL;
	size_t		 i, ntypes = 0;

	if (d == NULL || domid == 0)
		return -ESRCH;
	if ((n = store_get("/local/domain/0/backend")) != NULL &&
	    n->nkids > 0) {
		/* Removing changes the list: names first. */
		if ((types = calloc(n->nkids, sizeof *types)) == NULL)
			abort();
		for (i = 0; i < n->nkids; i++) {
			const char *p = strrchr(n->kids[i]->path, '/');

			snprintf(types[ntypes++], sizeof types[0], "%s", p + 1);
		}
	}
	/* libxl__xs_path_cleanup: the backend, then its parents while
	 * they are empty. */
	for (i = 0; i < ntypes; i++) {
		rm_fire("/local/domain/0/backend/%s/%u", types[i], domid);
		rm_empty("/local/domain/0/backend/%s", types[i]);
	}
	rm_empty("%s", "/local/domain/0/backend");
	free(types);
	uuid_format(d->uuid, uuid);
	rm_fire("/vm/%s", uuid);
	rm_fire("/local/domain/%u", domid);
	rm_fire("/libxl/%u", domid);
	return 0;
}

/* Every node under PATH, "path = value", depth first. */
void
dev_list(const struct node *n, void (*cb)(const struct node *, void *),
    void *arg)
{
	size_t	i;

	cb(n, arg);
	for (i = 0; i < n->nkids; i++)
		dev_list(n->kids[i], cb, arg);
}
