/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store.c: the xenstore tree.  Nodes are found by full path through a hash
 * table (10,000 domains make /local/domain wide) and keep their children
 * in insertion order, as xenstored lists them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "sim.h"

#define HASH_SIZE	(1u << 17)

static struct node	**table;
static uint64_t		 generation;

static uint32_t
hash_path(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (HASH_SIZE - 1);
}

struct node *
store_get(const char *path)
{
	struct node *n;

	for (n = table[hash_path(path)]; n != NULL; n = n->hnext)
		if (strcmp(n->path, path) == 0)
			return n;
	return NULL;
}

/* xenstored's rules: absolute, [A-Za-z0-9-/_@], no "//", no trailing "/". */
int
store_valid_path(const char *path)
{
	size_t len = strlen(path);
	const char *p;

	if (path[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
		return -EINVAL;
	if (len > 1 && path[len - 1] == '/')
		return -EINVAL;
	if (strstr(path, "//") != NULL)
		return -EINVAL;
	for (p = path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-/_@", *p) != NULL)
			continue;
		return -EINVAL;
	}
	return 0;
}

/* Does DOMID have permission WHAT ('r' or 'w') on N?  Dom0 always has. */
int
store_can(const struct node *n, unsigned domid, char what)
{
	unsigned i;
	char t;

	if (domid == 0 || n->nperms == 0)
		return 1;
	if (n->perms[0].id == domid)
		return 1;
	t = n->perms[0].type;
	for (i = 1; i < n->nperms; i++)
		if (n->perms[i].id == domid) {
			t = n->perms[i].type;
			break;
		}
	return t == 'b' || t == what;
}

static void
kid_add(struct node *parent, struct node *kid)
{
	if (parent->nkids == parent->kcap) {
		parent->kcap = parent->kcap ? parent->kcap * 2 : 4;
		parent->kids = realloc(parent->kids,
		    parent->kcap * sizeof(*parent->kids));
		if (parent->kids == NULL)
			abort();
	}
	parent->kids[parent->nkids++] = kid;
}

static void
kid_del(struct node *parent, struct node *kid)
{
	size_t i;

	/* Search from the end: the newest domain usually goes first. */
	for (i = parent->nkids; i-- > 0;)
		if (parent->kids[i] == kid) {
			memmove(&parent->kids[i], &parent->kids[i + 1],
			    (parent->nkids - i - 1) * sizeof(*parent->kids));
			parent->nkids--;
			return;
		}
}

static struct node *
node_new(const char *path, struct node *parent, unsigned domid)
{
	struct node *n;
	uint32_t h;

	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->path = strdup(path)) == NULL ||
	    (n->value = strdup("")) == NULL)
		abort();
	n->parent = parent;
	n->gen = ++generation;
	if (parent != NULL && parent->nperms > 0) {
		/* New nodes inherit the parent's permissions. */
		n->nperms = parent->nperms;
		n->perms = malloc(n->nperms * sizeof(*n->perms));
		if (n->perms == NULL)
			abort();
		memcpy(n->perms, parent->perms, n->nperms * sizeof(*n->perms));
		if (domid != 0)
			n->perms[0].id = domid;
	} else {
		n->nperms = 1;
		if ((n->perms = malloc(sizeof(*n->perms))) == NULL)
			abort();
		n->perms[0].type = 'n';
		n->perms[0].id = domid;
	}
	h = hash_path(path);
	n->hnext = table[h];
	table[h] = n;
	if (parent != NULL) {
		kid_add(parent, n);
		parent->gen = n->gen;
	}
	return n;
}

static void
node_unhash(struct node *n)
{
	struct node **pp;

	for (pp = &table[hash_path(n->path)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			return;
		}
}

static void
node_free_tree(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		node_free_tree(n->kids[i]);
	node_unhash(n);
	free(n->kids);
	free(n->perms);
	free(n->value);
	free(n->path);
	free(n);
}

/* Find PATH, creating it and missing parents when asked. */
static int
lookup_create(const char *path, unsigned domid, struct node **out,
    bool *created)
{
	struct node *n, *parent;
	char *copy, *slash;
	int rc;

	*created = false;
	if ((rc = store_valid_path(path)) != 0)
		return rc;
	if ((n = store_get(path)) != NULL) {
		*out = n;
		return 0;
	}
	if ((copy = strdup(path)) == NULL)
		return -ENOMEM;
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else
		*slash = '\0';
	rc = lookup_create(copy, domid, &parent, created);
	free(copy);
	if (rc != 0)
		return rc;
	if (!store_can(parent, domid, 'w'))
		return -EACCES;
	*out = node_new(path, parent, domid);
	*created = true;
	return 0;
}

int
store_write(const char *path, const void *val, size_t len, unsigned domid)
{
	struct node *n;
	bool created;
	char *v;
	int rc;

	if ((rc = lookup_create(path, domid, &n, &created)) != 0)
		return rc;
	if (!created && !store_can(n, domid, 'w'))
		return -EACCES;
	if ((v = malloc(len + 1)) == NULL)
		return -ENOMEM;
	memcpy(v, val, len);
	v[len] = '\0';
	free(n->value);
	n->value = v;
	n->vlen = len;
	n->gen = ++generation;
	return 0;
}

int
store_mkdir(const char *path, unsigned domid)
{
	struct node *n;
	bool created;

	return lookup_create(path, domid, &n, &created);
}

/* Remove PATH and below.  A missing node under an existing parent is not
 * an error, as in xenstored. */
int
store_rm(const char *path)
{
	struct node *n, *parent;
	char *copy, *slash;
	int rc;

	if ((rc = store_valid_path(path)) != 0)
		return rc;
	if (strcmp(path, "/") == 0)
		return -EINVAL;
	if ((n = store_get(path)) == NULL) {
		if ((copy = strdup(path)) == NULL)
			return -ENOMEM;
		slash = strrchr(copy, '/');
		if (slash == copy)
			slash[1] = '\0';
		else
			*slash = '\0';
		parent = store_get(copy);
		free(copy);
		return parent != NULL ? 1 : -ENOENT;
	}
	if (n->parent != NULL) {
		kid_del(n->parent, n);
		n->parent->gen = ++generation;
	}
	node_free_tree(n);
	return 0;
}

int
store_set_perms(struct node *n, const struct sim_perm *p, unsigned count)
{
	struct sim_perm *np;

	if (count == 0)
		return -EINVAL;
	if ((np = malloc(count * sizeof(*np))) == NULL)
		return -ENOMEM;
	memcpy(np, p, count * sizeof(*np));
	free(n->perms);
	n->perms = np;
	n->nperms = count;
	n->gen = ++generation;
	return 0;
}

char *
store_children(const struct node *n, size_t *len)
{
	size_t i, total = 0, off = 0, l;
	char *buf;

	for (i = 0; i < n->nkids; i++)
		total += strlen(strrchr(n->kids[i]->path, '/') + 1) + 1;
	if ((buf = malloc(total + 1)) == NULL)
		return NULL;
	for (i = 0; i < n->nkids; i++) {
		const char *base = strrchr(n->kids[i]->path, '/') + 1;

		l = strlen(base) + 1;
		memcpy(buf + off, base, l);
		off += l;
	}
	*len = total;
	return buf;
}

uint64_t
store_generation(void)
{
	return generation;
}

void
store_init(void)
{
	if ((table = calloc(HASH_SIZE, sizeof(*table))) == NULL)
		abort();
	node_new("/", NULL, 0);
}

void
store_free(void)
{
	struct node *root = store_get("/");

	if (root != NULL)
		node_free_tree(root);
	free(table);
	table = NULL;
}
