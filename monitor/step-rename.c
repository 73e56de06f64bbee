/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * step-rename.c: renaming the crashed domain, so that its name is free
 * for the restarted guest while the crashed one is kept for inspection.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-id128.h>

#include "crashwatchd.h"
#include "killpoint.h"

#define RENAME_SUFFIX_MAX	1000	/* "-2" .. "-999" */
/* Where libxl keeps what it stores for a domain (XEN_LIB_DIR). */
#define XEN_LIB_DIR		"/var/lib/xen"

/*
 * Is NAME the crashed name BASE, or BASE with the "-N" that
 * rename_unique adds?  Then a domain called NAME was renamed by us.
 */
static bool
rename_derived(const char *name, const char *base)
{
	size_t	n = strlen(base);

	if (name == NULL || strncmp(name, base, n) != 0)
		return false;
	name += n;
	if (*name == '\0')
		return true;
	if (*name++ != '-' || *name < '1' || *name > '9')
		return false;
	return strspn(name, "0123456789") == strlen(name);
}

/*
 * BASE, or BASE-2, BASE-3, ...: the first that no other domain has, so
 * that two crashes of one name in one second keep distinct names.  The
 * names come from xenstore (each read when the domain was first seen
 * and again when it crashed), so this is what "xl list" shows without
 * asking xenstore for every domain's name on each rename.
 */
static int
rename_unique(struct manager *m, const struct domain *self, const char *base,
    char *out, size_t outlen)
{
	unsigned	k;
	int		n;

	if (domain_find_name(&m->domains, base, self, true) == NULL) {
		snprintf(out, outlen, "%s", base);
		return 0;
	}
	for (k = 2; k < RENAME_SUFFIX_MAX; k++) {
		n = snprintf(out, outlen, "%s-%u", base, k);
		if (n < 0 || (size_t)n >= outlen)
			return -ENAMETOOLONG;
		if (domain_find_name(&m->domains, out, self, true) == NULL)
			return 0;
	}
	return -EEXIST;
}

/*
 * libxl keeps a domain's stored configuration in files named by domid and
 * UUID (userdata-d.<domid>.<uuid>.<id>, libxl__userdata_path): after a new
 * handle they follow it, so that "xl list -l" still shows the kept domain
 * and its destroy removes them.  Again after a kill: only what is left.
 */
static void
rename_userdata(unsigned domid, const char *old, const char *new)
{
	glob_t	 g;
	char	 from[256], pat[sizeof from + 1], to[PATH_MAX];
	size_t	 i, n;

	n = (size_t)snprintf(from, sizeof from, XEN_LIB_DIR "/userdata-d.%u.%s.",
	    domid, old);
	snprintf(pat, sizeof pat, "%s*", from);
	if (n >= sizeof from || glob(pat, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		/* userdata-d.<domid>.<old>.<id> -> ...<new>.<id> */
		if (strncmp(g.gl_pathv[i], from, n) != 0 ||
		    snprintf(to, sizeof to, XEN_LIB_DIR "/userdata-d.%u.%s.%s",
		    domid, new, g.gl_pathv[i] + n) >= (int)sizeof to)
			continue;
		if (rename(g.gl_pathv[i], to) != 0)
			log_warn("cannot rename %s to %s", g.gl_pathv[i], to);
	}
	globfree(&g);
}

/*
 * Rename the crashed domain and give it a new UUID, as xl's
 * rename-restart does (libxl_domain_preserve): the restarted guest keeps
 * its name and its configured UUID, and two domains never share one.
 * The new UUID is the incident's ID (incident_preserved_uuid).  xenstore
 * first, then the hypervisor's handle: a run killed between the two
 * finds the name and /vm done and sets the handle; one killed after both
 * knows the domain by its new UUID (manager.c).  libxl_domain_preserve
 * itself leaves the hypervisor's handle as it was ("xl list -v" shows
 * the old UUID on both domains); we set it too.
 */
static enum incident_wait
step_rename_start(struct incident *inc)
{
	struct manager	*m = inc->m;
	struct domain	*d;
	char		 base[1200], name[1200], uuid[37];
	sd_id128_t	 handle;
	int		 r;

	if (inc->gone) {
		/* Its name went with it: nothing is in the restart's way. */
		incident_ok(inc, "gone; nothing to rename");
		return WAIT_NONE;
	}
	if ((r = rename_crashed(inc->name, inc->when, base, sizeof base)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "rename failed: %s", strerror(-r));
		return WAIT_NONE;
	}
	incident_preserved_uuid(inc->id, uuid);
	d = domain_find(&m->domains, inc->domid);
	if (d != NULL && strcmp(d->uuid, inc->uuid) != 0 &&
	    strcmp(d->uuid, uuid) != 0)
		d = NULL;
	if (d != NULL && strcmp(d->uuid, uuid) == 0) {
		/* A run killed after the handle: all of it was done. */
		rename_userdata(inc->domid, inc->uuid, uuid);
		incident_ok(inc, "already renamed to %s, UUID %s", d->name,
		    uuid);
		return WAIT_NONE;
	}
	/* A run killed after the name: the crashed name is there. */
	if (d != NULL && rename_derived(d->name, base))
		snprintf(name, sizeof name, "%s", d->name);
	else if ((r = rename_unique(m, d, base, name, sizeof name)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "rename failed: no free name after %s: %s", base,
		    strerror(-r));
		return WAIT_NONE;
	}
	if (m->dry_run) {
		incident_ok(inc, "would rename to %s, UUID %s (dry run)", name,
		    uuid);
		return WAIT_NONE;
	}
	if ((r = xs_preserve(m, inc->domid, inc->uuid, uuid, name)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "rename failed: %s", strerror(-r));
		return WAIT_NONE;
	}
	if (d != NULL && strcmp(d->name != NULL ? d->name : "", name) != 0) {
		free(d->name);
		d->name = strdup(name);
	}
	KILL_POINT("rename-named");
	/* Only the crashed domain: it keeps its domid until it is gone. */
	if ((r = hv_same(m->xch, inc->domid, inc->uuid)) <= 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, r == 0 ? "gone" :
		    strerror(-r), "renamed to %s, but cannot give it a new "
		    "UUID: %s", name, r == 0 ? "it is gone" : strerror(-r));
		return WAIT_NONE;
	}
	if ((r = hv_sethandle(m->xch, inc->domid, uuid)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "renamed to %s, but cannot give it a new UUID: %s; the "
		    "restarted guest will share its UUID", name, strerror(-r));
		return WAIT_NONE;
	}
	rename_userdata(inc->domid, inc->uuid, uuid);
	if (d != NULL && sd_id128_from_string(uuid, &handle) == 0) {
		memcpy(d->handle, handle.bytes, sizeof d->handle);
		memcpy(d->uuid, uuid, sizeof d->uuid);
	}
	incident_ok(inc, "renamed to %s, UUID %s", name, uuid);
	KILL_POINT("rename-done");
	return WAIT_NONE;
}

const struct step_kind step_rename = {
	.start = step_rename_start,
};
