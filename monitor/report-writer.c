/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report-writer.c: incident report files written off the loop.
 *
 * Each report is written whole (temporary file, fsync, rename), by one
 * thread, so that a disk a core dump is filling never stalls the loop;
 * the directory is fsynced once the queue is empty, once for a burst of
 * reports rather than for each (a storm of a thousand crashes writes
 * thousands).  A newer text of a report
 * replaces one not yet written.  After each write the loop learns which
 * report is on disk (a "crash-detected" hook waits for its file), and
 * the thread keeps the newest MAX reports, removing the ones written
 * least recently.  Temporary files a killed daemon left are removed at
 * start.
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crashwatchd.h"

struct report_item {
	TAILQ_ENTRY(report_item) entry;
	char		 id[33];
	char		*buf;		/* NULL once written */
	size_t		 len;
	int		 error;
};
TAILQ_HEAD(report_items, report_item);

/* A report on disk, for retention: oldest write first. */
struct report_known {
	TAILQ_ENTRY(report_known) entry;
	char		 id[33];
	time_t		 mtime;
};

struct report_writer {
	struct loop_thread t;
	char		*dir;
	/* Under the lock. */
	struct report_items queue;	/* to write, one per report */
	struct report_items done;	/* written: for the loop */
	unsigned	 max;
	bool		 stop;
	/* The thread's. */
	TAILQ_HEAD(, report_known) known;
	size_t		 nknown;
	/* The loop's. */
	bool		 failing;	/* said, not yet said fixed */
	report_written_cb *written;
	void		*arg;
};

/* "<32 hex digits>.json": a report of ours. */
static bool
report_name(const char *name, char *id)
{
	if (strlen(name) != 37 || strcmp(name + 32, ".json") != 0 ||
	    strspn(name, "0123456789abcdef") != 32)
		return false;
	memcpy(id, name, 32);
	id[32] = '\0';
	return true;
}

static int
known_cmp(const void *a, const void *b)
{
	const struct report_known *const *x = a, *const *y = b;

	return (*x)->mtime < (*y)->mtime ? -1 : (*x)->mtime > (*y)->mtime;
}

/* The reports already there, oldest first; a killed run's temporary
 * files go. */
static void
report_scan(struct report_writer *w)
{
	struct report_known	*k, **all = NULL, **na;
	struct dirent		*de;
	struct stat		 st;
	size_t			 n = 0, i;
	char			 id[33];
	DIR			*d;
	int			 dfd;

	if ((d = opendir(w->dir)) == NULL)
		return;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".json.") != NULL &&
		    strspn(de->d_name, "0123456789abcdef") == 32) {
			unlinkat(dfd, de->d_name, 0);
			continue;
		}
		if (!report_name(de->d_name, id) ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || (k = calloc(1, sizeof *k)) == NULL)
			continue;
		memcpy(k->id, id, sizeof k->id);
		k->mtime = st.st_mtime;
		if ((na = realloc(all, (n + 1) * sizeof *all)) == NULL) {
			free(k);
			continue;
		}
		all = na;
		all[n++] = k;
	}
	closedir(d);
	if (n > 0)
		qsort(all, n, sizeof *all, known_cmp);
	for (i = 0; i < n; i++)
		TAILQ_INSERT_TAIL(&w->known, all[i], entry);
	w->nknown = n;
	free(all);
}

/* ID was written now: it is the newest; beyond MAX, the oldest go. */
static void
report_keep(struct report_writer *w, const char *id, unsigned max)
{
	struct report_known	*k;
	char			 path[4096];

	TAILQ_FOREACH(k, &w->known, entry)
		if (strcmp(k->id, id) == 0)
			break;
	if (k != NULL)
		TAILQ_REMOVE(&w->known, k, entry);
	else if ((k = calloc(1, sizeof *k)) != NULL) {
		memcpy(k->id, id, sizeof k->id);
		w->nknown++;
	}
	if (k != NULL)
		TAILQ_INSERT_TAIL(&w->known, k, entry);
	while (w->nknown > max && (k = TAILQ_FIRST(&w->known)) != NULL) {
		snprintf(path, sizeof path, "%s/%s.json", w->dir, k->id);
		unlink(path);
		TAILQ_REMOVE(&w->known, k, entry);
		free(k);
		w->nknown--;
	}
}

/* The renames so far reach the disk. */
static void
report_sync_dir(struct report_writer *w)
{
	int	fd;

	if ((fd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
}

static void *
report_writer_main(void *arg)
{
	struct report_writer	*w = arg;
	struct report_item	*it;
	char			 path[4096];
	unsigned		 max;

	report_scan(w);
	pthread_mutex_lock(&w->t.lock);
	for (;;) {
		while (TAILQ_EMPTY(&w->queue) && !w->stop)
			pthread_cond_wait(&w->t.cond, &w->t.lock);
		if ((it = TAILQ_FIRST(&w->queue)) == NULL)
			break;	/* stopping, and all written */
		TAILQ_REMOVE(&w->queue, it, entry);
		max = w->max;
		pthread_mutex_unlock(&w->t.lock);

		snprintf(path, sizeof path, "%s/%s.json", w->dir, it->id);
		/* Readable by the directory's group: the package makes it
		 * adm's, for xen-crashwatchctl (cores stay root's). */
		it->error = state_write_file_sync(path, it->buf, it->len,
		    false, 0640);
		free(it->buf);
		it->buf = NULL;
		if (it->error == 0)
			report_keep(w, it->id, max);

		pthread_mutex_lock(&w->t.lock);
		if (TAILQ_EMPTY(&w->queue)) {
			pthread_mutex_unlock(&w->t.lock);
			report_sync_dir(w);
			pthread_mutex_lock(&w->t.lock);
		}
		TAILQ_INSERT_TAIL(&w->done, it, entry);
		loop_thread_wake(&w->t);
	}
	pthread_mutex_unlock(&w->t.lock);
	return NULL;
}

/* Tell the loop which reports are on disk. */
static void
report_writer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct report_writer	*w = arg;
	struct report_items	 done;
	struct report_item	*it;

	(void)fd;
	(void)what;
	loop_thread_woken(&w->t);
	TAILQ_INIT(&done);
	pthread_mutex_lock(&w->t.lock);
	TAILQ_CONCAT(&done, &w->done, entry);
	pthread_mutex_unlock(&w->t.lock);
	while ((it = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, it, entry);
		/* Said once, as the state's failures, not once a report. */
		if (it->error != 0 && !w->failing) {
			w->failing = true;
			log_warnx("%s/%s.json: cannot write the incident "
			    "report: %s; reports are not kept until it can",
			    w->dir, it->id, strerror(-it->error));
		} else if (it->error == 0 && w->failing) {
			w->failing = false;
			log_info("%s: incident reports written again", w->dir);
		}
		w->written(it->id, it->error, w->arg);
		free(it);
	}
}

struct report_writer *
report_writer_start(struct event_base *base, const char *dir, unsigned max,
    report_written_cb *written, void *arg)
{
	struct report_writer	*w;
	int			 r;

	if (mkdir(dir, 0750) == -1 && errno != EEXIST)
		log_warn("%s: cannot make the reports' directory", dir);
	if ((w = calloc(1, sizeof *w)) == NULL)
		return NULL;
	w->max = max;
	w->written = written;
	w->arg = arg;
	TAILQ_INIT(&w->queue);
	TAILQ_INIT(&w->done);
	TAILQ_INIT(&w->known);
	if ((w->dir = strdup(dir)) == NULL) {
		free(w);
		return NULL;
	}
	if ((r = loop_thread_start(&w->t, base, report_writer_main,
	    report_writer_event_cb, w)) != 0) {
		free(w->dir);
		free(w);
		errno = -r;
		return NULL;
	}
	return w;
}

/* Hand BUF (ours now), the report ID, to the thread: 0, or -ENOMEM
 * and BUF freed. */
int
report_writer_submit(struct report_writer *w, const char *id, char *buf,
    size_t len)
{
	struct report_item	*it;
	int			 r = 0;

	pthread_mutex_lock(&w->t.lock);
	TAILQ_FOREACH(it, &w->queue, entry)
		if (strcmp(it->id, id) == 0)
			break;
	if (it == NULL && (it = calloc(1, sizeof *it)) != NULL) {
		snprintf(it->id, sizeof it->id, "%s", id);
		TAILQ_INSERT_TAIL(&w->queue, it, entry);
	}
	if (it != NULL) {
		free(it->buf);
		it->buf = buf;
		it->len = len;
		pthread_cond_signal(&w->t.cond);
	} else {
		free(buf);
		r = -ENOMEM;
	}
	pthread_mutex_unlock(&w->t.lock);
	return r;
}

void
report_writer_set_max(struct report_writer *w, unsigned max)
{
	pthread_mutex_lock(&w->t.lock);
	w->max = max;
	pthread_mutex_unlock(&w->t.lock);
}

/* Write what is pending, end the thread, free. */
void
report_writer_stop(struct report_writer *w)
{
	struct report_item	*it;
	struct report_known	*k;

	if (w == NULL)
		return;
	loop_thread_stop(&w->t, &w->stop);
	while ((it = TAILQ_FIRST(&w->done)) != NULL) {
		TAILQ_REMOVE(&w->done, it, entry);
		free(it);
	}
	while ((k = TAILQ_FIRST(&w->known)) != NULL) {
		TAILQ_REMOVE(&w->known, k, entry);
		free(k);
	}
	free(w->dir);
	free(w);
}
