/*
 * step-rename.c: renaming the crashed domain, so that its name is free
 * for the restarted guest while the crashed one is kept for inspection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashwatchd.h"
#include "killpoint.h"

static enum incident_wait
step_rename_start(struct incident *inc)
{
	struct manager	*m = inc->m;
	struct domain	*d;
	char		 name[1200];
	int		 r;

	if (inc->gone) {
		/* Its name went with it: nothing is in the restart's way. */
		incident_ok(inc, "gone; nothing to rename");
		return WAIT_NONE;
	}
	if ((r = rename_crashed(inc->name, inc->when, name, sizeof name)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "rename failed: %s", strerror(-r));
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
	if ((d = domain_find(&m->domains, inc->domid)) != NULL) {
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
