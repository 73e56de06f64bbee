/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * thread.c: the loop's helper threads (state-writer.c, report-writer.c).
 *
 * Each has a lock and a condition for its owner's queue, and wakes the
 * loop through an eventfd.  Signals are the loop's: a helper starts with
 * every signal blocked, so none is delivered to it.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "crashwatchd.h"

/* Start MAIN(ARG); CB(ARG) runs on the loop after each wake: 0 or
 * -errno, and nothing to undo. */
int
loop_thread_start(struct loop_thread *t, struct event_base *base,
    void *(*main)(void *), event_callback_fn cb, void *arg)
{
	sigset_t	all, old;
	int		r;

	if ((t->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		return -errno;
	if ((t->ev = event_new(base, t->efd, EV_READ | EV_PERSIST, cb,
	    arg)) == NULL || event_add(t->ev, NULL) != 0) {
		if (t->ev != NULL)
			event_free(t->ev);
		close(t->efd);
		return -ENOMEM;
	}
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&t->thread, NULL, main, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
		event_free(t->ev);
		close(t->efd);
		return -r;
	}
	return 0;
}

/* From the thread: the loop has news. */
void
loop_thread_wake(struct loop_thread *t)
{
	uint64_t	one = 1;

	(void)!write(t->efd, &one, sizeof one);
}

/* On the loop, in the callback: the wakes so far are taken. */
void
loop_thread_woken(struct loop_thread *t)
{
	uint64_t	n;

	(void)!read(t->efd, &n, sizeof n);
}

/* Tell the thread to stop (its STOP flag, under the lock), wait for it,
 * free what start made. */
void
loop_thread_stop(struct loop_thread *t, bool *stop)
{
	pthread_mutex_lock(&t->lock);
	*stop = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	event_free(t->ev);
	close(t->efd);
}
