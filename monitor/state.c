/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.c: what was handled and when restarts happened, kept across
 * restarts of the daemon so that no crash is acted on twice.
 *
 * The file is libconfig text (the same library as the configuration),
 * serialised in the loop and written whole by the writer thread
 * (state-writer.c) to a private temporary file, checked, fsynced and
 * renamed over the old one.  A missing file is an empty state; a corrupt
 * one is reported, kept aside as "state.corrupt" for the operator, and
 * treated as empty.  So is one that is not a regular file (a FIFO would
 * block the start; a symlink is not followed, as the next save would
 * replace the link rather than write through it) and one larger than
 * STATE_SIZE_MAX, which no state we write reaches.
 *
 * The restart history is what grows: one entry per domain name ever
 * restarted.  It is kept to the longest restart.interval of the
 * configuration (older restarts count for no rate limit) and to
 * RESTART_NAMES_MAX names, found by a hash of the name, so that loading
 * and recording stay linear and the file stays bounded.
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
/*
 * Names with restarts remembered: more than a host has domains at once.
 * With HISTORY_MAX times each (about 13 bytes apiece) that is some 30 MB
 * of file at most, under STATE_SIZE_MAX.
 */
#define RESTART_NAMES_MAX	32768
#define STATE_SIZE_MAX		(64 << 20)	/* bytes of state file read */

static struct state_restarts *state_restarts_get(struct state *,
		    const char *, bool);
static void	 state_restarts_push(struct state_restarts *, time_t);
static void	 state_prune(struct state *, time_t);

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
	int			 domid, step, done, alerted, flag;
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
	/* Written only while false: a record of an older version was
	 * saved after its alert. */
	if (config_setting_lookup_bool(e, "alerted", &alerted))
		si->alerted = alerted;
	if (config_setting_lookup_bool(e, "failed", &flag))
		si->failed = flag;
	si->requested = a;
	if (config_setting_lookup_bool(e, "suppressed", &flag) && flag &&
	    config_setting_lookup_string(e, "requested", &action) &&
	    state_parse_action(action, &si->requested) == 0)
		si->suppressed = true;
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

/*
 * Whether a restart at T still counts at NOW, in the window of KEEP
 * seconds; as in ratelimit.c, a time after NOW (the clock was stepped
 * back) counts.
 */
static bool
state_recent(time_t t, time_t now, unsigned keep)
{
	if (t > now)
		return true;
	return (uintmax_t)now - (uintmax_t)t < keep;
}

/* Read the restarts of one name; only those still counting are kept. */
static int
state_read_restarts(struct state *st, config_setting_t *e, time_t now)
{
	const char		*name;
	config_setting_t	*times;
	struct state_restarts	*sr = NULL;
	time_t			 t;
	int			 i, n;

	if (!config_setting_lookup_string(e, "name", &name) ||
	    (times = config_setting_get_member(e, "times")) == NULL ||
	    !config_setting_is_array(times))
		return -EINVAL;
	n = config_setting_length(times);
	for (i = 0; i < n; i++) {
		t = (time_t)config_setting_get_int64_elem(times, i);
		if (!state_recent(t, now, st->keep_secs))
			continue;
		if (sr == NULL &&
		    (sr = state_restarts_get(st, name, true)) == NULL)
			return -ENOMEM;
		state_restarts_push(sr, t);
	}
	return 0;
}

/* The longest restart.interval: restarts older than it count for nothing. */
static unsigned
state_keep_secs(const struct conf *conf)
{
	unsigned	keep = conf->restart.interval;
	size_t		i;

	for (i = 0; i < conf->nrules; i++)
		if (conf->rules[i].restart.interval > keep)
			keep = conf->rules[i].restart.interval;
	return keep;
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

/*
 * Open PATH for reading only if it is a regular file of a sane size:
 * the fd, or -ENOENT (there is none), -EINVAL (not a regular file, or a
 * symlink), -EFBIG (too large) or another -errno.  Never blocks: a FIFO
 * is opened without waiting for a writer, then refused.
 */
static int
state_open(const char *path, struct stat *sb)
{
	int	fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ELOOP ? -EINVAL : -errno;
	if (fstat(fd, sb) == -1) {
		close(fd);
		return -errno;
	}
	if (!S_ISREG(sb->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (sb->st_size > STATE_SIZE_MAX) {
		close(fd);
		return -EFBIG;
	}
	return fd;
}

/* N counters from the array KEY of G into OUT; left alone if unsound. */
static void
state_read_counts(config_setting_t *g, const char *key, uint64_t *out,
    size_t n)
{
	config_setting_t	*a = config_setting_lookup(g, key);
	long long		 v;
	size_t			 i;

	if (a == NULL || !config_setting_is_array(a) ||
	    (size_t)config_setting_length(a) != n)
		return;
	for (i = 0; i < n; i++) {
		v = config_setting_get_int64_elem(a, (int)i);
		out[i] = v > 0 ? (uint64_t)v : 0;
	}
}

/* metrics.c's counters, as the last run left them. */
static void
state_read_metrics(struct state *st, config_setting_t *g)
{
	struct metrics_counts	*c = &st->metrics;
	long long		 v;
	size_t			 a;

	if (g == NULL || !config_setting_is_group(g))
		return;
	state_read_counts(g, "crashes", c->crashes, 2);
	for (a = 0; a < ACTION_COUNT; a++) {
		char	key[32];

		snprintf(key, sizeof key, "action_%zu", a);
		state_read_counts(g, key, c->actions[a], 2);
	}
	state_read_counts(g, "dumps", c->dumps, 2);
	state_read_counts(g, "dump_buckets", c->dump_buckets,
	    METRICS_DUMP_BUCKETS);
	state_read_counts(g, "hooks", c->hooks, 2);
	if (config_setting_lookup_int64(g, "suppressed", &v) && v > 0)
		c->suppressed = (uint64_t)v;
	if (config_setting_lookup_int64(g, "dump_bytes", &v) && v > 0)
		c->dump_bytes = (uint64_t)v;
	if (config_setting_lookup_int64(g, "dump_usec", &v) && v > 0)
		c->dump_usec = (uint64_t)v;
	if (config_setting_lookup_int64(g, "xs_reconnects", &v) && v > 0)
		c->xs_reconnects = (uint64_t)v;
	if (config_setting_lookup_int64(g, "last_crash", &v) && v > 0)
		c->last_crash = (time_t)v;
}

/* Read the open state file FD into ST: 0, or -EINVAL if it is no state. */
static int
state_read(struct state *st, int fd)
{
	config_t		 cfg;
	config_setting_t	*list;
	FILE			*f;
	time_t			 now = time(NULL);
	int			 i, version = 0, bad = 0, r = 0;

	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		log_warn("%s: cannot read the state, starting empty", st->path);
		return 0;
	}
	config_init(&cfg);
	if (!config_read(&cfg, f)) {
		log_warnx("%s:%d: state file is corrupt (%s); kept as %s.corrupt,"
		    " starting empty: crashes seen before may be handled again",
		    st->path, config_error_line(&cfg), config_error_text(&cfg),
		    st->path);
		r = -EINVAL;
	} else if (!config_lookup_int(&cfg, "version", &version) ||
	    version != STATE_VERSION) {
		log_warnx("%s: unknown state version %d; kept as %s.corrupt,"
		    " starting empty", st->path, version, st->path);
		r = -EINVAL;
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
				    config_setting_get_elem(list, i), now) != 0)
					bad++;
		}
		state_read_metrics(st, config_lookup(&cfg, "metrics"));
		if (bad > 0)
			log_warnx("%s: %d malformed records skipped", st->path,
			    bad);
		state_prune(st, now);
	}
	config_destroy(&cfg);
	fclose(f);
	return r;
}

/* The state in CONF's state_dir; never NULL unless out of memory. */
struct state *
state_load(const struct conf *conf)
{
	const char	*dir = conf->state_dir;
	struct state	*st;
	struct stat	 sb;
	char		 aside[4096];
	int		 fd, bad = 0;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	TAILQ_INIT(&st->incidents);
	TAILQ_INIT(&st->restarts);
	st->keep_secs = state_keep_secs(conf);
	if ((st->per_domid = calloc(DOMID_LIMIT,
	    sizeof *st->per_domid)) == NULL) {
		free(st);
		return NULL;
	}
	if ((st->dir = strdup(dir)) == NULL ||
	    asprintf(&st->path, "%s/%s", dir, STATE_FILE) == -1) {
		free(st->dir);
		free(st->per_domid);
		free(st);
		return NULL;
	}

	/* Created private if missing; an existing one is the operator's. */
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		log_warn("%s: cannot create the state directory", dir);
	state_sweep_temporary(dir);
	fd = state_open(st->path, &sb);
	switch (fd) {
	case -ENOENT:
		return st;
	case -EINVAL:
		log_crit("%s: the state is not a regular file; kept as "
		    "%s.corrupt, starting empty: crashes seen before may be "
		    "handled again", st->path, st->path);
		bad = 1;
		break;
	case -EFBIG:
		log_crit("%s: the state is too large to be ours (%lld bytes, "
		    "at most %d); kept as %s.corrupt, starting empty: crashes "
		    "seen before may be handled again", st->path,
		    (long long)sb.st_size, STATE_SIZE_MAX, st->path);
		bad = 1;
		break;
	default:
		if (fd < 0) {
			log_warnx("%s: cannot read the state, starting empty: "
			    "%s", st->path, strerror(-fd));
			return st;
		}
		bad = state_read(st, fd) != 0;
		break;
	}
	st->submitted = st->version;
	if (bad) {
		snprintf(aside, sizeof aside, "%s.corrupt", st->path);
		if (rename(st->path, aside) == -1)
			log_warn("%s: cannot move aside", st->path);
	}
	return st;
}

/* CONF replaced the configuration: its intervals decide what is kept. */
void
state_reconfigure(struct state *st, const struct conf *conf)
{
	st->keep_secs = state_keep_secs(conf);
	state_prune(st, time(NULL));
}

static void
set_string(config_setting_t *parent, const char *key, const char *value)
{
	config_setting_t	*s;

	s = config_setting_add(parent, key, CONFIG_TYPE_STRING);
	if (s != NULL)
		config_setting_set_string(s, value);
}

static void
set_counts(config_setting_t *parent, const char *key, const uint64_t *v,
    size_t n)
{
	config_setting_t	*a, *e;
	size_t			 i;

	if ((a = config_setting_add(parent, key, CONFIG_TYPE_ARRAY)) == NULL)
		return;
	for (i = 0; i < n; i++)
		if ((e = config_setting_add(a, NULL, CONFIG_TYPE_INT64)) != NULL)
			config_setting_set_int64(e, (long long)v[i]);
}

static void
set_count(config_setting_t *parent, const char *key, uint64_t v)
{
	config_setting_t	*e;

	if ((e = config_setting_add(parent, key, CONFIG_TYPE_INT64)) != NULL)
		config_setting_set_int64(e, (long long)v);
}

static void
state_write_metrics(const struct state *st, config_setting_t *root)
{
	const struct metrics_counts	*c = &st->metrics;
	config_setting_t		*g;
	char				 key[32];
	size_t				 a;

	if ((g = config_setting_add(root, "metrics", CONFIG_TYPE_GROUP)) ==
	    NULL)
		return;
	set_counts(g, "crashes", c->crashes, 2);
	for (a = 0; a < ACTION_COUNT; a++) {
		snprintf(key, sizeof key, "action_%zu", a);
		set_counts(g, key, c->actions[a], 2);
	}
	set_counts(g, "dumps", c->dumps, 2);
	set_counts(g, "dump_buckets", c->dump_buckets, METRICS_DUMP_BUCKETS);
	set_counts(g, "hooks", c->hooks, 2);
	set_count(g, "suppressed", c->suppressed);
	set_count(g, "dump_bytes", c->dump_bytes);
	set_count(g, "dump_usec", c->dump_usec);
	set_count(g, "xs_reconnects", c->xs_reconnects);
	set_count(g, "last_crash", (uint64_t)c->last_crash);
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
		if (!si->alerted) {
			s = config_setting_add(e, "alerted", CONFIG_TYPE_BOOL);
			config_setting_set_bool(s, false);
		}
		if (si->failed) {
			s = config_setting_add(e, "failed", CONFIG_TYPE_BOOL);
			config_setting_set_bool(s, true);
		}
		if (si->suppressed) {
			s = config_setting_add(e, "suppressed",
			    CONFIG_TYPE_BOOL);
			config_setting_set_bool(s, true);
			set_string(e, "requested", action_name(si->requested));
		}
		if (si->result != NULL)
			set_string(e, "result", si->result);
		if (si->coredump != NULL)
			set_string(e, "coredump", si->coredump);
	}
	state_write_metrics(st, root);
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
	return state_write_file_sync(path, buf, len, true, 0600);
}

/*
 * PATH's new contents, whole or not at all, with MODE: a temporary file
 * beside it, fsynced and renamed over it; with SYNC_DIR the directory is fsynced
 * too, so that the rename survives a power loss (a caller writing many
 * files may do that once for them all).
 */
int
state_write_file_sync(const char *path, const char *buf, size_t len,
    bool sync_dir, mode_t mode)
{
	char	 tmp[4096], *dir, *slash;
	int	 fd, r;

	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -errno;
	if ((mode != 0600 && fchmod(fd, mode) == -1 && (r = -errno) != 0) ||
	    (r = state_write_all(fd, buf, len)) != 0 ||
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
	if (sync_dir && (dir = strdup(path)) != NULL) {
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
	if (st->per_domid != NULL && si->domid < DOMID_LIMIT)
		st->per_domid[si->domid]--;
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

/*
 * A copy of what state_serialize writes (records, restarts, counters),
 * for the writer thread to serialise off the loop: copying is a small
 * part of the cost of building libconfig's tree and printing it.  NULL:
 * out of memory.
 */
struct state *
state_snapshot(const struct state *st)
{
	const struct state_incident	*si;
	const struct state_restarts	*sr;
	struct state_incident		*ci;
	struct state_restarts		*cr;
	struct state			*c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	TAILQ_INIT(&c->incidents);
	TAILQ_INIT(&c->restarts);
	c->metrics = st->metrics;
	c->version = st->version;
	TAILQ_FOREACH(si, &st->incidents, entry) {
		if ((ci = malloc(sizeof *ci)) == NULL)
			goto fail;
		*ci = *si;
		ci->name = strdup(si->name);
		ci->result = si->result != NULL ? strdup(si->result) : NULL;
		ci->coredump = si->coredump != NULL ? strdup(si->coredump) :
		    NULL;
		TAILQ_INSERT_TAIL(&c->incidents, ci, entry);
		if (ci->name == NULL || (si->result != NULL &&
		    ci->result == NULL) || (si->coredump != NULL &&
		    ci->coredump == NULL))
			goto fail;
	}
	TAILQ_FOREACH(sr, &st->restarts, entry) {
		if ((cr = calloc(1, sizeof *cr)) == NULL)
			goto fail;
		TAILQ_INSERT_TAIL(&c->restarts, cr, entry);
		cr->name = strdup(sr->name);
		cr->times = reallocarray(NULL, sr->n > 0 ? sr->n : 1,
		    sizeof *cr->times);
		if (cr->name == NULL || cr->times == NULL)
			goto fail;
		if (sr->n > 0)
			memcpy(cr->times, sr->times, sr->n * sizeof *cr->times);
		cr->n = cr->size = sr->n;
	}
	return c;

fail:
	state_free(c);
	return NULL;
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
	free(st->buckets);
	free(st->per_domid);
	free(st->path);
	free(st->dir);
	free(st);
}

/* Can a record be about DOMID?  False is sure; true means look. */
bool
state_has_domid(const struct state *st, unsigned domid)
{
	return st->per_domid == NULL || domid >= DOMID_LIMIT ||
	    st->per_domid[domid] > 0;
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
	si->alerted = true;	/* incident_plan says otherwise for a new one */
	si->action = action;
	TAILQ_INSERT_TAIL(&st->incidents, si, entry);
	if (st->per_domid != NULL && domid < DOMID_LIMIT)
		st->per_domid[domid]++;
	state_changed(st);
	return si;
}

/* FNV-1a: short, and good enough to spread domain names. */
static uint32_t
state_hash(const char *name)
{
	uint32_t	h = 2166136261u;

	while (*name != '\0') {
		h ^= (unsigned char)*name++;
		h *= 16777619u;
	}
	return h;
}

/* Twice the buckets, once there are as many names as buckets. */
static void
state_rehash(struct state *st)
{
	struct state_restarts	**b, *sr;
	size_t			  n;

	n = st->nbuckets == 0 ? 64 : st->nbuckets * 2;
	/* Out of memory: the chains just grow longer. */
	if ((b = calloc(n, sizeof *b)) == NULL)
		return;
	TAILQ_FOREACH(sr, &st->restarts, entry) {
		sr->next = b[sr->hash & (n - 1)];
		b[sr->hash & (n - 1)] = sr;
	}
	free(st->buckets);
	st->buckets = b;
	st->nbuckets = n;
}

/* The restarts of NAME; with CREATE, new and empty if none.  NULL if none
 * or out of memory. */
static struct state_restarts *
state_restarts_get(struct state *st, const char *name, bool create)
{
	struct state_restarts	*sr;
	uint32_t		 h = state_hash(name);

	if (st->nbuckets > 0) {
		for (sr = st->buckets[h & (st->nbuckets - 1)]; sr != NULL;
		    sr = sr->next)
			if (sr->hash == h && strcmp(sr->name, name) == 0)
				return sr;
	}
	if (!create)
		return NULL;
	if (st->nrestarts >= st->nbuckets)
		state_rehash(st);
	if (st->nbuckets == 0 || (sr = calloc(1, sizeof *sr)) == NULL)
		return NULL;
	if ((sr->name = strdup(name)) == NULL) {
		free(sr);
		return NULL;
	}
	sr->hash = h;
	sr->next = st->buckets[h & (st->nbuckets - 1)];
	st->buckets[h & (st->nbuckets - 1)] = sr;
	TAILQ_INSERT_TAIL(&st->restarts, sr, entry);
	st->nrestarts++;
	return sr;
}

/* Forget the name SR: out of its bucket, the list and memory. */
static void
state_restarts_free(struct state *st, struct state_restarts *sr)
{
	struct state_restarts	**p;

	p = &st->buckets[sr->hash & (st->nbuckets - 1)];
	while (*p != sr)
		p = &(*p)->next;
	*p = sr->next;
	TAILQ_REMOVE(&st->restarts, sr, entry);
	st->nrestarts--;
	free(sr->name);
	free(sr->times);
	free(sr);
}

/* Append WHEN, dropping the oldest if HISTORY_MAX are kept already. */
static void
state_restarts_push(struct state_restarts *sr, time_t when)
{
	time_t	*t;
	size_t	 size;

	if (sr->n == HISTORY_MAX) {
		memmove(sr->times, sr->times + 1,
		    (sr->n - 1) * sizeof *sr->times);
		sr->n--;
	}
	if (sr->n == sr->size) {
		size = sr->size == 0 ? 4 : sr->size * 2;
		if (size > HISTORY_MAX)
			size = HISTORY_MAX;
		/* Out of memory: the newest restart replaces the last. */
		if ((t = reallocarray(sr->times, size, sizeof *t)) == NULL) {
			if (sr->n > 0)
				sr->times[sr->n - 1] = when;
			return;
		}
		sr->times = t;
		sr->size = size;
	}
	sr->times[sr->n++] = when;
}

/* The bound on names keeps those restarted last. */
static time_t
state_restarts_newest(const struct state_restarts *sr)
{
	time_t	t = 0;
	size_t	i;

	for (i = 0; i < sr->n; i++)
		if (sr->times[i] > t)
			t = sr->times[i];
	return t;
}

static int
state_restarts_cmp(const void *a, const void *b)
{
	time_t	ta, tb;

	ta = state_restarts_newest(*(struct state_restarts *const *)a);
	tb = state_restarts_newest(*(struct state_restarts *const *)b);
	return ta < tb ? -1 : ta > tb;
}

/*
 * Forget restarts outside the longest interval at NOW, names left with
 * none, then, over RESTART_NAMES_MAX names, those whose newest restart is
 * the oldest.
 */
static void
state_prune(struct state *st, time_t now)
{
	struct state_restarts	*sr, *next, **all;
	size_t			 i, j, n, dropped = 0;

	for (sr = TAILQ_FIRST(&st->restarts); sr != NULL; sr = next) {
		next = TAILQ_NEXT(sr, entry);
		for (i = j = 0; i < sr->n; i++)
			if (state_recent(sr->times[i], now, st->keep_secs))
				sr->times[j++] = sr->times[i];
		dropped += sr->n - j;
		sr->n = j;
		if (sr->n == 0)
			state_restarts_free(st, sr);
	}
	if (st->nrestarts > RESTART_NAMES_MAX &&
	    (all = calloc(st->nrestarts, sizeof *all)) != NULL) {
		n = 0;
		TAILQ_FOREACH(sr, &st->restarts, entry)
			all[n++] = sr;
		qsort(all, n, sizeof *all, state_restarts_cmp);
		for (i = 0; i < n - RESTART_NAMES_MAX; i++) {
			dropped += all[i]->n;
			state_restarts_free(st, all[i]);
		}
		free(all);
		log_warnx("%s: restarts of more than %d domain names; "
		    "forgot those of the %zu restarted longest ago", st->path,
		    RESTART_NAMES_MAX, n - RESTART_NAMES_MAX);
	}
	if (dropped > 0)
		state_changed(st);
}

/* The restarts of NAME, oldest first, for the rate limit. */
void
state_history(struct state *st, const char *name, struct restart_history *h)
{
	struct state_restarts	*sr;

	h->times = NULL;
	h->n = 0;
	if ((sr = state_restarts_get(st, name, false)) != NULL) {
		h->times = sr->times;
		h->n = sr->n;
	}
}

/*
 * Remember a restart of NAME at WHEN; forget those older than KEEP_SECS
 * (0: keep all) and all but the newest HISTORY_MAX.  A new name is the
 * moment to forget whole names, so that their number stays bounded.
 */
void
state_restarted(struct state *st, const char *name, time_t when,
    unsigned keep_secs)
{
	struct state_restarts	*sr;
	size_t			 i, drop = 0, before = st->nrestarts;

	if ((sr = state_restarts_get(st, name, true)) == NULL)
		return;
	if (keep_secs > 0)
		while (drop < sr->n && !state_recent(sr->times[drop], when,
		    keep_secs))
			drop++;
	for (i = drop; i < sr->n; i++)
		sr->times[i - drop] = sr->times[i];
	sr->n -= drop;
	state_restarts_push(sr, when);
	state_changed(st);
	if (st->nrestarts > before)
		state_prune(st, when);
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
