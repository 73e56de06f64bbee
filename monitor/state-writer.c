/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state-writer.c: the state file written off the loop.
 *
 * Saving means an fsync of the file and of its directory, on a disk that
 * a core dump may be filling: measured at 10 to 15 ms a save (make
 * bench, "loop"), too long for the loop.  The loop copies the state
 * (state_snapshot) and hands the copy to one writer thread, which
 * serialises it (libconfig's tree and printing, which at a thousand
 * records cost the loop more than all else in a storm) and writes it; a
 * newer copy replaces one not yet taken, and the loop hands over one
 * copy at a time (manager_save), so a burst of changes costs one write.  The thread touches only its own fields, under the lock, and
 * the files; it tells the loop through an eventfd, and the loop tells
 * its owner which version is through (SAVED), so that a new incident
 * acts only once its record is on disk (incident.c).  At exit the last
 * text is written before the thread ends.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "crashwatchd.h"
#include "killpoint.h"

struct state_writer {
	struct loop_thread t;
	char		*path;
	/* Under the lock. */
	struct state	*snap;		/* the newest copy not yet taken */
	uint64_t	 submitted;	/* version of the newest text */
	uint64_t	 tried;		/* version last written or failed */
	int		 error;		/* of the last write, 0 or -errno */
	uint64_t	 worst_usec;	/* the slowest write so far */
	bool		 stop;
	/* The loop's. */
	state_saved_cb	*saved;
	void		*arg;
	bool		 failing;	/* said at CRIT, not yet said fixed */
};

static void *
state_writer_main(void *arg)
{
	struct state_writer	*w = arg;
	struct timespec		 t0, t1;
	struct state		*snap;
	uint64_t		 gen, usec;
	char			*buf;
	size_t			 len;
	int			 r;

	pthread_mutex_lock(&w->t.lock);
	for (;;) {
		while (w->snap == NULL && !w->stop)
			pthread_cond_wait(&w->t.cond, &w->t.lock);
		if (w->snap == NULL)
			break;	/* stopping, and all written */
		snap = w->snap;
		gen = w->submitted;
		w->snap = NULL;
		pthread_mutex_unlock(&w->t.lock);

		r = state_serialize(snap, &buf, &len);
		state_free(snap);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (r == 0)
			r = state_write_file(w->path, buf, len);
		KILL_POINT("state-saved");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		free(buf);
		/* Signed until the end: tv_nsec goes back whenever a
		 * write crosses a second. */
		usec = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000);

		pthread_mutex_lock(&w->t.lock);
		w->error = r;
		w->tried = gen;
		if (usec > w->worst_usec)
			w->worst_usec = usec;
		loop_thread_wake(&w->t);
	}
	pthread_mutex_unlock(&w->t.lock);
	return NULL;
}

/* The thread wrote, or failed to: say so once, not at every save. */
static void
state_writer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct state_writer	*w = arg;
	uint64_t		 worst, tried;
	int			 error;

	(void)fd;
	(void)what;
	loop_thread_woken(&w->t);
	pthread_mutex_lock(&w->t.lock);
	error = w->error;
	worst = w->worst_usec;
	tried = w->tried;
	pthread_mutex_unlock(&w->t.lock);
	if (error != 0 && !w->failing) {
		w->failing = true;
		log_crit("%s: cannot save the state: %s. Until it can, a "
		    "restarted daemon forgets restarts and incidents since "
		    "the last save", w->path, strerror(-error));
	} else if (error == 0 && w->failing) {
		w->failing = false;
		log_info("%s: state saved again", w->path);
	}
	log_debug("state written; slowest write so far %llu us",
	    (unsigned long long)worst);
	/* A failed save lets waiters go too: the CRIT above said what a
	 * restarted daemon would forget, and holding crashes back would
	 * not make the disk writable. */
	w->saved(tried, w->arg);
}

/* Start the writer of PATH, which calls SAVED(version, ARG) on the
 * loop after each write; NULL and errno set on failure. */
struct state_writer *
state_writer_start(struct event_base *base, const char *path,
    state_saved_cb *saved, void *arg)
{
	struct state_writer	*w;
	int			 r;

	if ((w = calloc(1, sizeof *w)) == NULL)
		return NULL;
	w->saved = saved;
	w->arg = arg;
	if ((w->path = strdup(path)) == NULL) {
		free(w);
		return NULL;
	}
	if ((r = loop_thread_start(&w->t, base, state_writer_main,
	    state_writer_event_cb, w)) != 0) {
		free(w->path);
		free(w);
		errno = -r;
		return NULL;
	}
	return w;
}

/* Hand SNAP (ours now) to the thread, replacing any copy not yet taken. */
void
state_writer_submit(struct state_writer *w, struct state *snap)
{
	pthread_mutex_lock(&w->t.lock);
	state_free(w->snap);
	w->snap = snap;
	w->submitted = snap->version;
	pthread_cond_signal(&w->t.cond);
	pthread_mutex_unlock(&w->t.lock);
}

/* Write what is pending, end the thread, free.  0, or the last error. */
int
state_writer_stop(struct state_writer *w)
{
	int	error;

	if (w == NULL)
		return 0;
	loop_thread_stop(&w->t, &w->stop);
	error = w->error;
	state_free(w->snap);
	free(w->path);
	free(w);
	return error;
}
