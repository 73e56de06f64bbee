/*
 * step-rename.c: renaming the crashed domain, so that its name is free
 * for the restarted guest while the crashed one is kept for inspection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashwatchd.h"
#include "killpoint.h"

#define RENAME_SUFFIX_MAX	1000	/* "-2" .. "-999" */

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

static enum incident_wait
step_rename_start(struct incident *inc)
{
	struct manager	*m = inc->m;
	struct domain	*d;
	char		 base[1200], name[1200];
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
	d = domain_find(&m->domains, inc->domid);
	if (d != NULL && strcmp(d->uuid, inc->uuid) != 0)
		d = NULL;
	/* A run killed after renaming it: the crashed name is there. */
	if (d != NULL && rename_derived(d->name, base)) {
		incident_ok(inc, "already renamed to %s", d->name);
		return WAIT_NONE;
	}
	if ((r = rename_unique(m, d, base, name, sizeof name)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "rename failed: no free name after %s: %s", base,
		    strerror(-r));
		return WAIT_NONE;
	}
	if (m->dry_run) {
		incident_ok(inc, "would rename to %s (dry run)", name);
		return WAIT_NONE;
	}
	if ((r = xs_rename(m, inc->domid, inc->uuid, name)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "rename failed: %s", strerror(-r));
		return WAIT_NONE;
	}
	if (d != NULL) {
		free(d->name);
		d->name = strdup(name);
	}
	incident_ok(inc, "renamed to %s", name);
	KILL_POINT("rename-done");
	return WAIT_NONE;
}

const struct step_kind step_rename = {
	.start = step_rename_start,
};
