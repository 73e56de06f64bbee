/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domain.c: the domain table, an array indexed by domid.
 *
 * Xen hands out domids below DOMID_FIRST_RESERVED, so a flat array of
 * pointers (256 KiB) gives O(1) lookups for the diff after each scan
 * without hashing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashwatchd.h"

int
domain_table_init(struct domain_table *t)
{
	t->slot = calloc(DOMID_LIMIT, sizeof *t->slot);
	if (t->slot == NULL)
		return -ENOMEM;
	t->count = 0;
	TAILQ_INIT(&t->pending);
	return 0;
}

void
domain_table_free(struct domain_table *t)
{
	unsigned	i;

	if (t->slot == NULL)
		return;
	for (i = 0; i < DOMID_LIMIT; i++)
		if (t->slot[i] != NULL)
			domain_remove(t, i);
	free(t->slot);
	t->slot = NULL;
}

struct domain *
domain_find(struct domain_table *t, unsigned domid)
{
	if (domid >= DOMID_LIMIT)
		return NULL;
	return t->slot[domid];
}

/* A new, empty entry for DOMID; NULL if out of range or memory. */
struct domain *
domain_add(struct domain_table *t, unsigned domid)
{
	struct domain	*d;

	if (domid >= DOMID_LIMIT || t->slot[domid] != NULL)
		return NULL;
	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	d->domid = domid;
	t->slot[domid] = d;
	t->count++;
	return d;
}

void
domain_remove(struct domain_table *t, unsigned domid)
{
	struct domain	*d;

	if ((d = domain_find(t, domid)) == NULL)
		return;
	t->slot[domid] = NULL;
	t->count--;
	if (d->pending)
		TAILQ_REMOVE(&t->pending, d, pending_entry);
	free(d->name);
	free(d);
}

/*
 * A domain we know by NAME, other than EXCEPT; one being torn down
 * counts only with DYING.  NULL if none.  A walk of the table: for the
 * rare steps that need it (a rename, checking a restart), not for scans.
 */
struct domain *
domain_find_name(struct domain_table *t, const char *name,
    const struct domain *except, bool dying)
{
	struct domain	*d;
	unsigned	 i;

	for (i = 0; i < DOMID_LIMIT && t->count > 0; i++) {
		d = t->slot[i];
		if (d != NULL && d != except && d->name != NULL &&
		    (dying || d->state != DOM_DYING) &&
		    strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

/* The 16 bytes of a Xen domain handle as a canonical lower-case UUID. */
void
uuid_format(const uint8_t *h, char *out)
{
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9],
	    h[10], h[11], h[12], h[13], h[14], h[15]);
}
