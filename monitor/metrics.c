/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics.c: counters for Prometheus, as a file for node_exporter's
 * textfile collector (metrics.textfile).
 *
 * The counters live in the state (struct metrics_counts, saved with it),
 * so they survive a restart of the daemon as Prometheus expects of a
 * _total.  The file is written whole, under a temporary name in its own
 * directory and renamed over the old one, so node_exporter never reads
 * half of it; at most once a second, and only after something changed,
 * so an idle host sees no writes.  Labels are bounded: reasons, actions,
 * results; never a domain's name.  The write is a few KiB to the page
 * cache, with no fsync: a file lost to a power cut is rewritten at the
 * next start.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crashwatchd.h"

/* Upper bounds of the dump_seconds histogram's buckets, and +Inf. */
static const unsigned	dump_le[METRICS_DUMP_BUCKETS] = {
	1, 5, 15, 60, 300, 900
};

/* What the cores in the dump directory take on disk. */
static uint64_t
metrics_dump_bytes(const struct manager *m)
{
	struct dirent	*de;
	struct stat	 st;
	uint64_t	 n = 0;
	DIR		*d;

	if ((d = opendir(m->conf->dump.directory)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			n += (uint64_t)st.st_blocks * 512;
	closedir(d);
	return n;
}

static unsigned
metrics_in_progress(const struct manager *m)
{
	const struct incident	*inc;
	unsigned		 n = 0;

	TAILQ_FOREACH(inc, &m->incidents, entry)
		n += !inc->dead;
	return n;
}

#define HELP(f, name, type, help) \
	fprintf(f, "# HELP xen_crashwatch_" name " " help "\n" \
	    "# TYPE xen_crashwatch_" name " " type "\n")

/* The exposition text of every metric, into F. */
static void
metrics_render(const struct manager *m, FILE *f, bool up)
{
	const struct metrics_counts *c = &m->state->metrics;
	static const char *const results[] = { "ok", "failed" };
	size_t		 a, r, b;
	uint64_t	 cum = 0;

	HELP(f, "up", "gauge", "1 while the daemon runs, 0 once it stopped.");
	fprintf(f, "xen_crashwatch_up %d\n", up ? 1 : 0);
	HELP(f, "crashes_total", "counter",
	    "Guest crashes seen, by reason (crash, watchdog).");
	fprintf(f, "xen_crashwatch_crashes_total{reason=\"crash\"} %llu\n",
	    (unsigned long long)c->crashes[REASON_CRASH]);
	fprintf(f, "xen_crashwatch_crashes_total{reason=\"watchdog\"} %llu\n",
	    (unsigned long long)c->crashes[REASON_WATCHDOG]);
	HELP(f, "actions_total", "counter",
	    "Plans carried out, by action and result.");
	for (a = 0; a < ACTION_COUNT; a++)
		for (r = 0; r < 2; r++)
			fprintf(f, "xen_crashwatch_actions_total{action=\"%s\","
			    "result=\"%s\"} %llu\n", action_name((enum action)a),
			    results[r], (unsigned long long)c->actions[a][r]);
	HELP(f, "restarts_suppressed_total", "counter",
	    "Restarts the rate limit turned into the fallback action.");
	fprintf(f, "xen_crashwatch_restarts_suppressed_total %llu\n",
	    (unsigned long long)c->suppressed);
	HELP(f, "dumps_total", "counter", "Core dumps, by result.");
	for (r = 0; r < 2; r++)
		fprintf(f, "xen_crashwatch_dumps_total{result=\"%s\"} %llu\n",
		    results[r], (unsigned long long)c->dumps[r]);
	HELP(f, "dump_bytes_total", "counter",
	    "Bytes the finished core dumps took on disk.");
	fprintf(f, "xen_crashwatch_dump_bytes_total %llu\n",
	    (unsigned long long)c->dump_bytes);
	HELP(f, "dump_directory_bytes", "gauge",
	    "Bytes the files in the dump directory take on disk.");
	fprintf(f, "xen_crashwatch_dump_directory_bytes %llu\n",
	    (unsigned long long)metrics_dump_bytes(m));
	HELP(f, "dump_seconds", "histogram",
	    "How long the finished core dumps took.");
	for (b = 0; b < METRICS_DUMP_BUCKETS; b++) {
		cum += c->dump_buckets[b];
		fprintf(f, "xen_crashwatch_dump_seconds_bucket{le=\"%u\"} %llu\n",
		    dump_le[b], (unsigned long long)cum);
	}
	fprintf(f, "xen_crashwatch_dump_seconds_bucket{le=\"+Inf\"} %llu\n",
	    (unsigned long long)c->dumps[0]);
	fprintf(f, "xen_crashwatch_dump_seconds_sum %.6f\n",
	    (double)c->dump_usec / 1e6);
	fprintf(f, "xen_crashwatch_dump_seconds_count %llu\n",
	    (unsigned long long)c->dumps[0]);
	HELP(f, "hooks_total", "counter", "Hook runs, by result.");
	for (r = 0; r < 2; r++)
		fprintf(f, "xen_crashwatch_hooks_total{result=\"%s\"} %llu\n",
		    results[r], (unsigned long long)c->hooks[r]);
	HELP(f, "incidents_in_progress", "gauge",
	    "Crashes being handled now.");
	fprintf(f, "xen_crashwatch_incidents_in_progress %u\n",
	    metrics_in_progress(m));
	HELP(f, "last_crash_timestamp_seconds", "gauge",
	    "When the last crash was seen, seconds since the epoch; 0: never.");
	fprintf(f, "xen_crashwatch_last_crash_timestamp_seconds %lld\n",
	    (long long)c->last_crash);
	HELP(f, "domains_watched", "gauge", "Domains on this host.");
	fprintf(f, "xen_crashwatch_domains_watched %zu\n", m->domains.count);
	HELP(f, "xenstore_reconnects_total", "counter",
	    "Connections to xenstored made again after one was lost.");
	fprintf(f, "xen_crashwatch_xenstore_reconnects_total %llu\n",
	    (unsigned long long)c->xs_reconnects);
}

/* The file, whole, in place of the old one: 0 or -errno. */
static int
metrics_write(struct manager *m, bool up)
{
	const char	*path = m->conf->metrics_textfile;
	char		 tmp[4096];
	FILE		*f;
	int		 fd, err = 0;

	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -errno;
	/* node_exporter runs as its own user. */
	if (fchmod(fd, 0644) == -1 || (f = fdopen(fd, "w")) == NULL) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	metrics_render(m, f, up);
	if (ferror(f))
		err = -EIO;
	if (fclose(f) != 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, path) == -1)
		err = -errno;
	if (err != 0)
		unlink(tmp);
	return err;
}

static void
metrics_flush(struct manager *m)
{
	int	r;

	m->metrics_dirty = false;
	m->metrics_at = monotonic_ms();
	if ((r = metrics_write(m, !m->stopping)) != 0) {
		if (!m->metrics_failed)
			log_warnx("%s: cannot write the metrics: %s; trying "
			    "again at the next change", m->conf->metrics_textfile,
			    strerror(-r));
		m->metrics_failed = true;
	} else if (m->metrics_failed) {
		log_info("%s: metrics written again", m->conf->metrics_textfile);
		m->metrics_failed = false;
	}
}

static void
metrics_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	metrics_flush(arg);
}

/* Something a metric shows changed: the file follows within a second. */
void
metrics_changed(struct manager *m)
{
	struct timeval	 tv = { 0, 0 };
	uint64_t	 now, next;

	if (m->conf->metrics_textfile == NULL || m->dry_run)
		return;
	if (m->ev_metrics == NULL &&
	    (m->ev_metrics = evtimer_new(m->base, metrics_cb, m)) == NULL)
		return;
	if (m->metrics_dirty)
		return;		/* a write is due already */
	m->metrics_dirty = true;
	now = monotonic_ms();
	next = m->metrics_at + 1000;
	if (m->metrics_at != 0 && next > now) {
		tv.tv_sec = (time_t)((next - now) / 1000);
		tv.tv_usec = (suseconds_t)((next - now) % 1000 * 1000);
	}
	evtimer_add(m->ev_metrics, &tv);
}

/* At the end: the file says the daemon is down. */
void
metrics_stop(struct manager *m)
{
	if (m->conf->metrics_textfile != NULL && !m->dry_run)
		metrics_flush(m);
	if (m->ev_metrics != NULL)
		event_free(m->ev_metrics);
	m->ev_metrics = NULL;
}

void
metrics_crash(struct manager *m, enum reason reason, time_t when,
    bool suppressed)
{
	struct metrics_counts	*c = &m->state->metrics;

	c->crashes[reason == REASON_WATCHDOG]++;
	if (when > c->last_crash)
		c->last_crash = when;
	c->suppressed += suppressed;
	state_changed(m->state);
	metrics_changed(m);
}

void
metrics_action(struct manager *m, enum action a, bool failed)
{
	if ((unsigned)a >= ACTION_COUNT)
		return;
	m->state->metrics.actions[a][failed]++;
	state_changed(m->state);
	metrics_changed(m);
}

void
metrics_dump(struct manager *m, bool ok, uint64_t disk_bytes, uint64_t usec)
{
	struct metrics_counts	*c = &m->state->metrics;
	size_t			 b;

	c->dumps[!ok]++;
	if (ok) {
		c->dump_bytes += disk_bytes;
		c->dump_usec += usec;
		for (b = 0; b < METRICS_DUMP_BUCKETS; b++)
			if (usec <= (uint64_t)dump_le[b] * 1000000)
				break;
		if (b < METRICS_DUMP_BUCKETS)
			c->dump_buckets[b]++;
	}
	state_changed(m->state);
	metrics_changed(m);
}

void
metrics_hook(struct manager *m, bool ok)
{
	m->state->metrics.hooks[!ok]++;
	state_changed(m->state);
	metrics_changed(m);
}

void
metrics_reconnect(struct manager *m)
{
	m->state->metrics.xs_reconnects++;
	state_changed(m->state);
	metrics_changed(m);
}
