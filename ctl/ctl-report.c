/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-report.c: the incident reports the daemon writes (monitor/report.c),
 * read back.
 *
 * A report is outside input like any other: a file that report_file_read
 * refuses (not a regular file of at most 1 MiB holding a JSON object),
 * whose name is not <32 hex digits>.json, whose "incident" is not its
 * name, or whose fields have the wrong types, is skipped with a warning
 * that names it.  A core is
 * looked at only where the report says it is, and only if that is a
 * regular file.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "report-file.h"

char *
ctl_incidents_dir(const struct ctl *c)
{
	char	*dir;

	if (asprintf(&dir, "%s/incidents", c->conf->state_dir) == -1)
		return NULL;
	return dir;
}

static bool
is_hex_id(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return s[len] == '\0' || s[len] == '.';
}

/* KEY of O as a string, or NULL; false if it is there with another type. */
static bool
get_str(json_object *o, const char *key, const char **out)
{
	json_object	*v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	*out = json_object_get_string(v);
	return true;
}

/* The core REC names: there, and how big. */
static void
rec_core(struct rec *r)
{
	json_object	*c;
	struct stat	 st;
	unsigned char	 magic[4];
	int		 fd;

	r->core_state = CORE_NONE;
	if (!json_object_object_get_ex(r->o, "core", &c) || c == NULL ||
	    !json_object_is_type(c, json_type_object) ||
	    !get_str(c, "path", &r->core) || r->core == NULL ||
	    r->core[0] != '/') {
		r->core = NULL;
		return;
	}
	r->core_state = CORE_MISSING;
	fd = open(r->core, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == EACCES)
			r->core_state = CORE_HIDDEN;
		return;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		r->core_state = CORE_PRESENT;
		r->core_size = (uint64_t)st.st_size;
		r->core_disk = (uint64_t)st.st_blocks * 512;
		r->core_zstd = read(fd, magic, 4) == 4 && magic[0] == 0x28 &&
		    magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd;
	}
	close(fd);
}

/* The fields of O into R; false and WHY if one is missing or mistyped. */
static bool
rec_fill(struct rec *r, const char *id, json_object *o, const char **why)
{
	json_object	*d, *v;
	const char	*s;

	memset(r, 0, sizeof *r);
	r->o = o;
	memcpy(r->id, id, 32);
	r->id[32] = '\0';
	if (!get_str(o, "incident", &s) || s == NULL || strcmp(s, r->id) != 0) {
		*why = "its \"incident\" is not its file's name";
		return false;
	}
	if (!json_object_object_get_ex(o, "domain", &d) || d == NULL ||
	    !json_object_is_type(d, json_type_object) ||
	    !json_object_object_get_ex(d, "id", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0 || json_object_get_int64(v) > 0x7fef ||
	    !get_str(d, "name", &r->name) || r->name == NULL ||
	    !get_str(d, "uuid", &r->uuid) || r->uuid == NULL) {
		*why = "no sound \"domain\" (id, name, uuid)";
		return false;
	}
	r->domid = (unsigned)json_object_get_int64(v);
	if (!get_str(o, "reason", &r->reason) || r->reason == NULL ||
	    !get_str(o, "action", &r->action) || r->action == NULL ||
	    !get_str(o, "requested", &r->requested) ||
	    !get_str(o, "result", &r->result) ||
	    !get_str(o, "summary", &r->summary)) {
		*why = "no sound \"reason\", \"action\" or \"result\"";
		return false;
	}
	if (!json_object_object_get_ex(o, "crashed", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0) {
		*why = "no sound \"crashed\" time";
		return false;
	}
	r->crashed = (time_t)json_object_get_int64(v);
	if (!json_object_object_get_ex(o, "steps", &v) ||
	    !json_object_is_type(v, json_type_array) ||
	    !json_object_object_get_ex(o, "hooks", &v) ||
	    !json_object_is_type(v, json_type_array)) {
		*why = "no \"steps\" or \"hooks\" list";
		return false;
	}
	if (json_object_object_get_ex(o, "restart_suppressed", &v) &&
	    json_object_is_type(v, json_type_boolean))
		r->suppressed = json_object_get_boolean(v);
	r->failed = r->result != NULL && strcmp(r->result, "ok") != 0;
	rec_core(r);
	return true;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct rec	*x = a, *y = b;

	if (x->crashed != y->crashed)
		return x->crashed < y->crashed ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
recs_load(const struct ctl *c, struct recs *rs)
{
	struct dirent	*de;
	struct rec	*r;
	json_object	*o;
	const char	*why;
	char		*dir;
	DIR		*d;
	size_t		 cap = 0;
	int		 err;

	rs->v = NULL;
	rs->n = 0;
	if ((dir = ctl_incidents_dir(c)) == NULL)
		return -ENOMEM;
	if ((d = opendir(dir)) == NULL) {
		err = errno;
		if (err == ENOENT) {
			free(dir);
			return 0;	/* no crash yet */
		}
		ctl_warn("cannot read %s: %s%s", dir, strerror(err),
		    err == EACCES ? " (run as root, or as a member of the "
		    "group the package gives the reports to, adm)" : "");
		free(dir);
		return -err;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* The writer's temporary, "ID.json.XXXXXX", until renamed. */
		if (strlen(de->d_name) == 44 && is_hex_id(de->d_name, 32) &&
		    strncmp(de->d_name + 32, ".json.", 6) == 0)
			continue;
		if (strlen(de->d_name) != 37 || !is_hex_id(de->d_name, 32) ||
		    strcmp(de->d_name + 32, ".json") != 0) {
			ctl_warn("%s/%s: skipped: not a report's name", dir,
			    de->d_name);
			continue;
		}
		if ((o = report_file_read(dirfd(d), de->d_name, &why)) == NULL) {
			ctl_warn("%s/%s: skipped: %s", dir, de->d_name, why);
			continue;
		}
		if (rs->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((r = reallocarray(rs->v, cap, sizeof *r)) == NULL) {
				json_object_put(o);
				break;
			}
			rs->v = r;
		}
		r = &rs->v[rs->n];
		if (!rec_fill(r, de->d_name, o, &why)) {
			ctl_warn("%s/%s: skipped: %s", dir, de->d_name, why);
			json_object_put(o);
			continue;
		}
		if (asprintf(&r->file, "%s/%s", dir, de->d_name) == -1)
			r->file = NULL;
		rs->n++;
	}
	closedir(d);
	free(dir);
	if (rs->n > 1)
		qsort(rs->v, rs->n, sizeof *rs->v, rec_cmp);
	return 0;
}

void
recs_free(struct recs *rs)
{
	size_t	i;

	for (i = 0; i < rs->n; i++) {
		json_object_put(rs->v[i].o);
		free(rs->v[i].file);
	}
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

/* One word: an ID or its prefix (4 hex digits or more), a UUID, or a
 * glob on the name. */
static bool
rec_match1(const struct rec *r, const char *w)
{
	size_t	len = strlen(w);

	if (len >= 4 && len <= 32 && is_hex_id(w, len) &&
	    strncmp(r->id, w, len) == 0)
		return true;
	if (strcasecmp(r->uuid, w) == 0)
		return true;
	return fnmatch(w, r->name, 0) == 0;
}

bool
rec_matches(const struct rec *r, const char *const *words, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (!rec_match1(r, words[i]))
			return false;
	return true;
}

const struct rec *
recs_pick(const struct recs *rs, const char *w)
{
	const struct rec	*found = NULL;
	size_t			 i, len = strlen(w), ids = 0;

	/* An ID prefix must be unique; a name or UUID means its newest. */
	if (len >= 4 && len <= 32 && is_hex_id(w, len)) {
		for (i = 0; i < rs->n; i++)
			if (strncmp(rs->v[i].id, w, len) == 0) {
				found = &rs->v[i];
				ids++;
			}
		if (ids > 1) {
			ctl_warn("%s: %zu incidents begin so: give more of "
			    "the ID", w, ids);
			return NULL;
		}
		if (found != NULL)
			return found;
	}
	for (i = rs->n; i-- > 0;)
		if (rec_match1(&rs->v[i], w))
			return &rs->v[i];
	ctl_warn("no incident matches %s", w);
	return NULL;
}

const struct rec *
ctl_one(struct ctl *c, int argc, char **argv, const char *cmd,
    struct recs *rs)
{
	const struct rec	*r;

	rs->v = NULL;
	rs->n = 0;
	if (argc - optind != 1) {
		ctl_warn("%s takes one incident ID or MATCH", cmd);
		return NULL;
	}
	if (recs_load(c, rs) != 0)
		return NULL;
	if ((r = recs_pick(rs, argv[optind])) == NULL)
		recs_free(rs);
	return r;
}

const char *
core_state_name(enum core_state s)
{
	switch (s) {
	case CORE_PRESENT:
		return "present";
	case CORE_MISSING:
		return "missing";
	case CORE_HIDDEN:
		return "root-only";
	default:
		return "none";
	}
}
