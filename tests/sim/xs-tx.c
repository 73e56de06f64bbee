/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xs-tx.c: xenstore transactions.
 *
 * A transaction logs its changes and reads through the log onto the live
 * store.  It commits only if nothing at all changed in the store since it
 * started (otherwise EAGAIN and the client retries), as the original
 * xenstored did; so reading the live store underneath is as good as a
 * snapshot.  Watches fire when the changes are applied at commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

enum { OP_WRITE, OP_MKDIR, OP_RM, OP_PERMS };

struct tx_op {
	int		 type;
	char		*path;
	char		*val;
	size_t		 vlen;
	struct sim_perm	*perms;
	unsigned	 nperms;
	struct tx_op	*next;
};

struct xs_tx {
	uint32_t	 id;
	uint64_t	 start_gen;
	struct tx_op	*ops;
	struct tx_op	**tail;
};

/* Is CHILD equal to or below PARENT? */
static bool
below(const char *child, const char *parent)
{
	size_t len = strlen(parent);

	if (strcmp(parent, "/") == 0)
		return true;
	return strncmp(child, parent, len) == 0 &&
	    (child[len] == '/' || child[len] == '\0');
}

struct xs_tx *
tx_new(uint32_t id)
{
	struct xs_tx *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		abort();
	t->id = id;
	t->start_gen = store_generation();
	t->tail = &t->ops;
	return t;
}

uint32_t
tx_id(const struct xs_tx *t)
{
	return t->id;
}

uint64_t
tx_start_gen(const struct xs_tx *t)
{
	return t->start_gen;
}

void
tx_free(struct xs_tx *t)
{
	struct tx_op *o;

	if (t == NULL)
		return;
	while ((o = t->ops) != NULL) {
		t->ops = o->next;
		free(o->path);
		free(o->val);
		free(o->perms);
		free(o);
	}
	free(t);
}

/*
 * The node at PATH as the transaction sees it: 1 and its value (which may
 * point into the store or the log), or 0 if absent.
 */
static int
tx_lookup(struct xs_tx *t, const char *path, const char **val, size_t *len)
{
	struct tx_op *o, *last_value = NULL;
	struct node *n;
	bool exists = false;

	n = store_get(path);
	if (n != NULL) {
		exists = true;
		*val = n->value;
		*len = n->vlen;
	}
	for (o = t->ops; o != NULL; o = o->next) {
		if (o->type == OP_RM && below(path, o->path)) {
			exists = false;
			last_value = NULL;
		} else if ((o->type == OP_WRITE || o->type == OP_MKDIR) &&
		    below(o->path, path)) {
			if (!exists) {
				/* Created by this op: empty unless written. */
				exists = true;
				*val = "";
				*len = 0;
			}
			if (o->type == OP_WRITE && strcmp(o->path, path) == 0)
				last_value = o;
		}
	}
	if (last_value != NULL) {
		*val = last_value->val;
		*len = last_value->vlen;
	}
	return exists;
}

int
tx_read(struct xs_tx *t, const char *path, const char **val, size_t *len)
{
	if (store_valid_path(path) != 0)
		return -EINVAL;
	return tx_lookup(t, path, val, len) ? 0 : -ENOENT;
}

static int
name_add(char ***names, size_t *n, size_t *cap, const char *name, size_t nl)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen((*names)[i]) == nl &&
		    strncmp((*names)[i], name, nl) == 0)
			return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((*names = realloc(*names, *cap * sizeof(**names))) == NULL)
			abort();
	}
	if (((*names)[*n] = strndup(name, nl)) == NULL)
		abort();
	(*n)++;
	return 0;
}

/* Children of PATH through the log, as "a\0b\0" (caller frees). */
int
tx_directory(struct xs_tx *t, const char *path, char **out, size_t *outlen)
{
	char **names = NULL, *buf;
	size_t n = 0, cap = 0, i, total = 0, off = 0, plen, l;
	const char *val, *base, *rest, *slash;
	struct tx_op *o;
	struct node *node;

	if (store_valid_path(path) != 0)
		return -EINVAL;
	if (!tx_lookup(t, path, &val, &l))
		return -ENOENT;
	plen = strcmp(path, "/") == 0 ? 0 : strlen(path);
	if ((node = store_get(path)) != NULL)
		for (i = 0; i < node->nkids; i++) {
			base = strrchr(node->kids[i]->path, '/') + 1;
			name_add(&names, &n, &cap, base, strlen(base));
		}
	for (o = t->ops; o != NULL; o = o->next) {
		if (o->type == OP_RM && below(path, o->path)) {
			for (i = 0; i < n; i++)
				free(names[i]);
			n = 0;
		} else if (o->type == OP_RM && strncmp(o->path, path, plen) ==
		    0 && o->path[plen] == '/' &&
		    strchr(o->path + plen + 1, '/') == NULL) {
			for (i = 0; i < n; i++)
				if (strcmp(names[i], o->path + plen + 1) == 0) {
					free(names[i]);
					memmove(&names[i], &names[i + 1],
					    (n - i - 1) * sizeof(*names));
					n--;
					break;
				}
		} else if ((o->type == OP_WRITE || o->type == OP_MKDIR) &&
		    strncmp(o->path, path, plen) == 0 &&
		    o->path[plen] == '/' && o->path[plen + 1] != '\0') {
			rest = o->path + plen + 1;
			slash = strchr(rest, '/');
			name_add(&names, &n, &cap, rest, slash ?
			    (size_t)(slash - rest) : strlen(rest));
		}
	}
	for (i = 0; i < n; i++)
		total += strlen(names[i]) + 1;
	if ((buf = malloc(total + 1)) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		l = strlen(names[i]) + 1;
		memcpy(buf + off, names[i], l);
		off += l;
		free(names[i]);
	}
	free(names);
	*out = buf;
	*outlen = total;
	return 0;
}

/* Record a change; checked now against the live store's permissions. */
static int
tx_log(struct xs_tx *t, int type, const char *path, const void *val,
    size_t vlen, const struct sim_perm *perms, unsigned nperms, unsigned domid)
{
	struct tx_op *o;
	const char *v, *slash;
	char *parent;
	struct node *n;
	size_t l;
	int rc;

	if ((rc = store_valid_path(path)) != 0)
		return rc;
	if (type == OP_RM && strcmp(path, "/") == 0)
		return -EINVAL;
	if (type == OP_RM || type == OP_PERMS) {
		if (!tx_lookup(t, path, &v, &l)) {
			if (type == OP_PERMS)
				return -ENOENT;
			if ((parent = strdup(path)) == NULL)
				return -ENOMEM;
			slash = strrchr(parent, '/');
			parent[slash == parent ? 1 : slash - parent] = '\0';
			rc = tx_lookup(t, parent, &v, &l) ? 1 : -ENOENT;
			free(parent);
			return rc;
		}
	}
	if ((n = store_get(path)) != NULL && !store_can(n, domid, 'w'))
		return -EACCES;
	if ((o = calloc(1, sizeof(*o))) == NULL || (o->path = strdup(path)) ==
	    NULL)
		abort();
	o->type = type;
	if (type == OP_WRITE) {
		if ((o->val = malloc(vlen + 1)) == NULL)
			abort();
		memcpy(o->val, val, vlen);
		o->val[vlen] = '\0';
		o->vlen = vlen;
	}
	if (type == OP_PERMS) {
		if ((o->perms = malloc(nperms * sizeof(*perms))) == NULL)
			abort();
		memcpy(o->perms, perms, nperms * sizeof(*perms));
		o->nperms = nperms;
	}
	*t->tail = o;
	t->tail = &o->next;
	return 0;
}

int
tx_log_write(struct xs_tx *t, const char *path, const void *val, size_t len,
    unsigned domid)
{
	return tx_log(t, OP_WRITE, path, val, len, NULL, 0, domid);
}

int
tx_log_mkdir(struct xs_tx *t, const char *path, unsigned domid)
{
	return tx_log(t, OP_MKDIR, path, NULL, 0, NULL, 0, domid);
}

int
tx_log_rm(struct xs_tx *t, const char *path, unsigned domid)
{
	return tx_log(t, OP_RM, path, NULL, 0, NULL, 0, domid);
}

int
tx_log_perms(struct xs_tx *t, const char *path, const struct sim_perm *p,
    unsigned n, unsigned domid)
{
	return tx_log(t, OP_PERMS, path, NULL, 0, p, n, domid);
}

/* Apply the log if the store did not move; fire the watches. */
int
tx_commit(struct xs_tx *t, unsigned domid)
{
	struct tx_op *o;
	struct node *n;

	if (store_generation() != t->start_gen)
		return -EAGAIN;
	for (o = t->ops; o != NULL; o = o->next) {
		switch (o->type) {
		case OP_WRITE:
			if (store_write(o->path, o->val, o->vlen, domid) == 0)
				xs_fire(o->path);
			break;
		case OP_MKDIR:
			if (store_mkdir(o->path, domid) == 0)
				xs_fire(o->path);
			break;
		case OP_RM:
			if (store_rm(o->path) == 0)
				xs_fire_rm(o->path);
			break;
		case OP_PERMS:
			if ((n = store_get(o->path)) != NULL &&
			    store_set_perms(n, o->perms, o->nperms) == 0)
				xs_fire(o->path);
			break;
		}
	}
	return 0;
}
