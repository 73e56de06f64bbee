/*
 * state.c: what was handled and when restarts happened, kept across
 * restarts of the daemon so that no crash is acted on twice.
 *
 * The file is libconfig text (the same library as the configuration),
 * serialised in the loop and written whole by the writer thread
 * (state-writer.c) to a private temporary file, checked, fsynced and
 * renamed over the old one.  A missing file is an empty state; a corrupt one is reported, kept
 * aside as "state.corrupt" for the operator, and treated as empty.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "crashwatchd.h"

#define STATE_FILE	"state"
#define STATE_VERSION	1
#define HISTORY_MAX	64	/* restarts remembered per name */

static int
state_parse_action(const char *s, enum action *a)
{
	return s != NULL ? action_parse(s, a) : -EINVAL;
}

/* Read one incident record; -EINVAL if any field is off. */
static int
state_read_incident(struct state *st, config_setting_t *e)
{
	const char		*uuid, *name, *reason, *action, *result,
				*core, *id;
	int			 domid, step, done;
	long long		 when;
	enum action		 a;
	struct state_incident	*si;

	if (!config_setting_lookup_int(e, "domid", &domid) ||
	    !config_setting_lookup_string(e, "uuid", &uuid) ||
	    !config_setting_lookup_string(e, "name", &name) ||
	    !config_setting_lookup_string(e, "reason", &reason) ||
	    !config_setting_lookup_int64(e, "time", &when) ||
	    !config_setting_lookup_string(e, "action", &action) ||
	    !config_setting_lookup_int(e, "step", &step) ||
	    !config_setting_lookup_bool(e, "done", &done))
		return -EINVAL;
	if (domid < 0 || domid >= DOMID_LIMIT || strlen(uuid) != 36 ||
	    step < 0 || step > PLAN_MAX_STEPS ||
	    state_parse_action(action, &a) != 0 ||
	    (strcmp(reason, "crash") != 0 && strcmp(reason, "watchdog") != 0))
		return -EINVAL;
	si = state_add(st, (unsigned)domid, uuid, name,
	    strcmp(reason, "crash") == 0 ? REASON_CRASH : REASON_WATCHDOG,
	    (time_t)when, a);
	if (si == NULL)
		return -ENOMEM;
	si->step = (unsigned)step;
	si->done = done;
	if (config_setting_lookup_string(e, "result", &result))
		si->result = strdup(result);
	if (config_setting_lookup_string(e, "coredump", &core))
		si->coredump = strdup(core);
	/* Written by every version that knows of incident IDs. */
	if (config_setting_lookup_string(e, "id", &id) && strlen(id) == 32 &&
	    strspn(id, "0123456789abcdef") == 32)
		memcpy(si->id, id, sizeof si->id);
	return 0;
}

static int
state_read_restarts(struct state *st, config_setting_t *e)
{
	const char		*name;
	config_setting_t	*times;
	int			 i, n;

	if (!config_setting_lookup_string(e, "name", &name) ||
	    (times = config_setting_get_member(e, "times")) == NULL ||
	    !config_setting_is_array(times))
		return -EINVAL;
	n = config_setting_length(times);
	for (i = 0; i < n && i < HISTORY_MAX; i++)
		state_restarted(st, name,
		    (time_t)config_setting_get_int64_elem(times, i), 0);
	return 0;
}

/*
 * "state.XXXXXX" files are what a writer killed before its rename left:
 * never the state, always safe to remove.
 */
static void
state_sweep_temporary(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 i;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, STATE_FILE ".", sizeof STATE_FILE) != 0 ||
		    strlen(de->d_name) != sizeof STATE_FILE + 6 ||
		    strcmp(de->d_name, STATE_FILE ".corrupt") == 0)
			continue;
		for (i = sizeof STATE_FILE; de->d_name[i] != '\0'; i++)
			if (!isalnum((unsigned char)de->d_name[i]))
				break;
		if (de->d_name[i] == '\0' && unlinkat(dirfd(d), de->d_name, 0)
		    == 0)
			log_info("%s/%s: removed, a state file left half-written",
			    dir, de->d_name);
	}
	closedir(d);
}

/* The state in DIR; never NULL unless out of memory. */
struct state *
state_load(const char *dir)
{
	struct state		*st;
	config_t		 cfg;
	config_setting_t	*list;
	char			 aside[4096];
	int			 i, version = 0, bad = 0;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	TAILQ_INIT(&st->incidents);
	TAILQ_INIT(&st->restarts);
	if ((st->dir = strdup(dir)) == NULL ||
	    asprintf(&st->path, "%s/%s", dir, STATE_FILE) == -1) {
		free(st->dir);
		free(st);
		return NULL;
	}

	/* Created private if missing; an existing one is the operator's. */
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		log_warn("%s: cannot create the state directory", dir);
	state_sweep_temporary(dir);
	if (access(st->path, F_OK) == -1) {
		if (errno != ENOENT)
			log_warn("%s: cannot read the state, starting empty",
			    st->path);
		return st;
	}
	config_init(&cfg);
	if (!config_read_file(&cfg, st->path)) {
		log_warnx("%s:%d: state file is corrupt (%s); kept as %s.corrupt,"
		    " starting empty: crashes seen before may be handled again",
		    st->path, config_error_line(&cfg), config_error_text(&cfg),
		    st->path);
		bad = 1;
	} else if (!config_lookup_int(&cfg, "version", &version) ||
	    version != STATE_VERSION) {
		log_warnx("%s: unknown state version %d; kept as %s.corrupt,"
		    " starting empty", st->path, version, st->path);
		bad = 1;
	} else {
		if ((list = config_lookup(&cfg, "incidents")) != NULL) {
			for (i = 0; i < config_setting_length(list); i++)
				if (state_read_incident(st,
				    config_setting_get_elem(list, i)) != 0)
					bad++;
		}
		if ((list = config_lookup(&cfg, "restarts")) != NULL) {
			for (i = 0; i < config_setting_length(list); i++)
				if (state_read_restarts(st,
				    config_setting_get_elem(list, i)) != 0)
					bad++;
		}
		if (bad > 0)
			log_warnx("%s: %d malformed records skipped", st->path,
			    bad);
		bad = 0;
	}
	config_destroy(&cfg);
	st->submitted = st->version;
	if (bad) {
		snprintf(aside, sizeof aside, "%s.corrupt", st->path);
		if (rename(st->path, aside) == -1)
			log_warn("%s: cannot move aside", st->path);
	}
	return st;
}

static void
set_string(config_setting_t *parent, const char *key, const char *value)
{
	config_setting_t	*s;

	s = config_setting_add(parent, key, CONFIG_TYPE_STRING);
	if (s != NULL)
		config_setting_set_string(s, value);
}

/* The whole state as libconfig text, into *BUF (*LEN bytes): 0, -errno. */
int
state_serialize(struct state *st, char **buf, size_t *len)
{
	struct state_incident	*si;
	struct state_restarts	*sr;
	config_t		 cfg;
	config_setting_t	*root, *list, *e, *s, *arr;
	FILE			*f;
	size_t			 i;
	int			 r = 0;

	config_init(&cfg);
	root = config_root_setting(&cfg);
	s = config_setting_add(root, "version", CONFIG_TYPE_INT);
	config_setting_set_int(s, STATE_VERSION);
	list = config_setting_add(root, "incidents", CONFIG_TYPE_LIST);
	TAILQ_FOREACH(si, &st->incidents, entry) {
		e = config_setting_add(list, NULL, CONFIG_TYPE_GROUP);
		if (si->id[0] != '\0')
			set_string(e, "id", si->id);
		s = config_setting_add(e, "domid", CONFIG_TYPE_INT);
		config_setting_set_int(s, (int)si->domid);
		set_string(e, "uuid", si->uuid);
		set_string(e, "name", si->name);
		set_string(e, "reason", reason_name(si->reason));
		s = config_setting_add(e, "time", CONFIG_TYPE_INT64);
		config_setting_set_int64(s, (long long)si->when);
		set_string(e, "action", action_name(si->action));
		s = config_setting_add(e, "step", CONFIG_TYPE_INT);
		config_setting_set_int(s, (int)si->step);
		s = config_setting_add(e, "done", CONFIG_TYPE_BOOL);
		config_setting_set_bool(s, si->done);
		if (si->result != NULL)
			set_string(e, "result", si->result);
		if (si->coredump != NULL)
			set_string(e, "coredump", si->coredump);
	}
	list = config_setting_add(root, "restarts", CONFIG_TYPE_LIST);
	TAILQ_FOREACH(sr, &st->restarts, entry) {
		e = config_setting_add(list, NULL, CONFIG_TYPE_GROUP);
		set_string(e, "name", sr->name);
		arr = config_setting_add(e, "times", CONFIG_TYPE_ARRAY);
		for (i = 0; i < sr->n; i++) {
			s = config_setting_add(arr, NULL, CONFIG_TYPE_INT64);
			config_setting_set_int64(s, (long long)sr->times[i]);
		}
	}
	*buf = NULL;
	*len = 0;
	if ((f = open_memstream(buf, len)) == NULL)
		r = -errno;
	else {
		config_write(&cfg, f);
		if (fclose(f) == EOF)
			r = -ENOMEM;
	}
	if (r != 0) {
		free(*buf);
		*buf = NULL;
	}
	config_destroy(&cfg);
	return r;
}

/* All of BUF to FD: 0 or -errno. */
static int
state_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * BUF as the file PATH, durably: a new private file beside it (a name
 * nobody can plant in advance), fsync, rename over PATH, fsync the
 * directory.  Touches nothing but the files, so the writer thread may
 * call it.  0 or -errno.
 */
int
state_write_file(const char *path, const char *buf, size_t len)
{
	char	 tmp[4096], *dir, *slash;
	int	 fd, r;

	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -errno;
	if ((r = state_write_all(fd, buf, len)) != 0 ||
	    (fsync(fd) == -1 && (r = -errno) != 0)) {
		close(fd);
		unlink(tmp);
		return r;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	if ((dir = strdup(path)) != NULL) {
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
			fsync(fd);
			close(fd);
		}
		free(dir);
	}
	return 0;
}

/* Write the whole state now, in the caller's thread: 0 or -errno. */
int
state_save(struct state *st)
{
	char	*buf;
	size_t	 len;
	int	 r;

	if ((r = state_serialize(st, &buf, &len)) != 0)
		return r;
	r = state_write_file(st->path, buf, len);
	free(buf);
	if (r == 0)
		st->submitted = st->version;
	return r;
}

/* Something changed: the next save writes it. */
void
state_changed(struct state *st)
{
	st->version++;
}

bool
state_dirty(const struct state *st)
{
	return st->version != st->submitted;
}

static void
state_incident_free(struct state *st, struct state_incident *si)
{
	TAILQ_REMOVE(&st->incidents, si, entry);
	free(si->name);
	free(si->result);
	free(si->coredump);
	free(si);
}

void
state_remove(struct state *st, struct state_incident *si)
{
	state_incident_free(st, si);
	state_changed(st);
}

void
state_free(struct state *st)
{
	struct state_restarts	*sr;

	if (st == NULL)
		return;
	while (!TAILQ_EMPTY(&st->incidents))
		state_incident_free(st, TAILQ_FIRST(&st->incidents));
	while ((sr = TAILQ_FIRST(&st->restarts)) != NULL) {
		TAILQ_REMOVE(&st->restarts, sr, entry);
		free(sr->name);
		free(sr->times);
		free(sr);
	}
	free(st->path);
	free(st->dir);
	free(st);
}

struct state_incident *
state_find(struct state *st, unsigned domid, const char *uuid)
{
	struct state_incident	*si;

	TAILQ_FOREACH(si, &st->incidents, entry)
		if (si->domid == domid && strcmp(si->uuid, uuid) == 0)
			return si;
	return NULL;
}

struct state_incident *
state_add(struct state *st, unsigned domid, const char *uuid,
    const char *name, enum reason reason, time_t when, enum action action)
{
	struct state_incident	*si;

	if ((si = calloc(1, sizeof *si)) == NULL)
		return NULL;
	if ((si->name = strdup(name != NULL ? name : "")) == NULL) {
		free(si);
		return NULL;
	}
	si->domid = domid;
	snprintf(si->uuid, sizeof si->uuid, "%s", uuid);
	si->reason = reason;
	si->when = when;
	si->action = action;
	TAILQ_INSERT_TAIL(&st->incidents, si, entry);
	state_changed(st);
	return si;
}

static struct state_restarts *
state_restarts_find(struct state *st, const char *name)
{
	struct state_restarts	*sr;

	TAILQ_FOREACH(sr, &st->restarts, entry)
		if (strcmp(sr->name, name) == 0)
			return sr;
	return NULL;
}

/* The restarts of NAME, oldest first, for the rate limit. */
void
state_history(struct state *st, const char *name, struct restart_history *h)
{
	struct state_restarts	*sr;

	h->times = NULL;
	h->n = 0;
	if ((sr = state_restarts_find(st, name)) != NULL) {
		h->times = sr->times;
		h->n = sr->n;
	}
}

/*
 * Remember a restart of NAME at WHEN; forget those older than KEEP_SECS
 * (0: keep all) and all but the newest HISTORY_MAX.
 */
void
state_restarted(struct state *st, const char *name, time_t when,
    unsigned keep_secs)
{
	struct state_restarts	*sr;
	size_t			 i, drop = 0;

	if ((sr = state_restarts_find(st, name)) == NULL) {
		if ((sr = calloc(1, sizeof *sr)) == NULL)
			return;
		if ((sr->name = strdup(name)) == NULL ||
		    (sr->times = calloc(HISTORY_MAX, sizeof *sr->times)) ==
		    NULL) {
			free(sr->name);
			free(sr);
			return;
		}
		TAILQ_INSERT_TAIL(&st->restarts, sr, entry);
	}
	if (keep_secs > 0)
		while (drop < sr->n && sr->times[drop] <= when - keep_secs)
			drop++;
	if (sr->n - drop == HISTORY_MAX)
		drop++;
	for (i = drop; i < sr->n; i++)
		sr->times[i - drop] = sr->times[i];
	sr->n -= drop;
	sr->times[sr->n++] = when;
	state_changed(st);
}

/* Progress of an incident: a restarted daemon goes on at step NEXT. */
void
state_progress(struct state *st, struct state_incident *si, unsigned next,
    const char *coredump)
{
	/* Only forward: a mark made ahead of a step (a restart command
	 * that must never run twice) is not taken back. */
	if (si == NULL)
		return;
	if (next > si->step) {
		si->step = next;
		state_changed(st);
	}
	if (coredump != NULL && si->coredump == NULL &&
	    (si->coredump = strdup(coredump)) != NULL)
		state_changed(st);
}
