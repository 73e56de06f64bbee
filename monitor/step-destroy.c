/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * step-destroy.c: destroying the crashed domain, and waiting for it to
 * be gone before a restart.
 *
 * A destroy is never dropped: it is retried with backoff until it works
 * or the domain is gone, with an alert each time.  Before it acts, the
 * domid is checked against the crashed domain's UUID, so a destroy never
 * hits a guest that took the domid over.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "crashwatchd.h"
#include "killpoint.h"

#define DESTROY_TIMEOUT		600	/* seconds for Xen to free a guest */

/* Say why, and try again after the backoff. */
static enum incident_wait
step_destroy_retry(struct incident *inc, const char *why)
{
	struct timeval	tv = { 0, 0 };
	unsigned	delay = destroy_backoff(inc->tries);

	incident_log(inc, LOG_ERR, MSGID_ACTION_FAILED, why, NULL,
	    "domain %u (%s): destroy failed: %s (attempt %u, retrying in %u s)",
	    inc->domid, inc->name, why, inc->tries, delay);
	tv.tv_sec = delay;
	evtimer_add(inc->ev_timer, &tv);
	return WAIT_RETRY;
}

/*
 * destroy.command, e.g. "xl destroy %d": the toolstack also tears down
 * the backends and its own records, which a bare xc_domain_destroy
 * leaves.  It exits 0 on success, like the hypercall's path.
 */
static enum incident_wait
step_destroy_command(struct incident *inc, const char *what)
{
	struct manager		*m = inc->m;
	struct template_vars	 v = incident_vars(inc);
	char			**argv;
	int			 r;

	if ((r = template_expand(m->conf->destroy_argv, &v, &argv)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "destroy failed: %s", strerror(-r));
		return WAIT_NONE;
	}
	log_info("domain %u (%s): destroying with %s", inc->domid, inc->name,
	    argv[0]);
	inc->job = job_exec(m, what, NULL, argv, NULL, m->conf->destroy_timeout,
	    inc->job_done, inc);
	template_free(argv);
	if (inc->job == NULL)
		return step_destroy_retry(inc, strerror(errno));
	return WAIT_JOB;
}

/* libxenlight's destroy is over: as xl's would be, nothing is left. */
static void
step_destroy_toolstack_done(int err, const char *why, void *arg)
{
	struct incident	*inc = arg;

	job_slot_give(inc->m);
	if (inc->dead || inc->wait != WAIT_TOOLSTACK)
		return;
	/* libxl says FAIL for a domain that went during its destroy
	 * (someone else's "xl destroy"): gone is gone. */
	if (err != 0 && err != ESRCH &&
	    hv_same(inc->m->xch, inc->domid, inc->uuid) == 0)
		err = ESRCH;
	if (err != 0 && err != ESRCH) {
		incident_continue(inc, step_destroy_retry(inc, why));
		return;
	}
	incident_ok(inc, err == 0 ? "destroyed" : "already gone");
	KILL_POINT("destroy-done");
	incident_continue(inc, WAIT_NONE);
}

/*
 * The default: "xl destroy" in our loop (toolstack.c).  libxl finds the
 * domain by domid alone, so the UUID is checked just before (in
 * step_destroy_start): a crashed
 * domain keeps its domid until it is gone, and a new domain takes a
 * freed one only after the rover has wrapped.
 */
static enum incident_wait
step_destroy_toolstack(struct incident *inc)
{
	struct manager	*m = inc->m;
	int		 r;

	log_info("domain %u (%s): destroying through libxenlight", inc->domid,
	    inc->name);
	job_slot_take(m);
	if ((r = toolstack_destroy(m->tk, inc->domid,
	    step_destroy_toolstack_done, inc)) != 0) {
		job_slot_give(m);
		return step_destroy_retry(inc, strerror(-r));
	}
	KILL_POINT("destroy-started");
	return WAIT_TOOLSTACK;
}

static enum incident_wait
step_destroy_start(struct incident *inc)
{
	struct manager	*m = inc->m;
	struct spawn_req req;
	char		 what[128];
	int		 r;

	if (m->dry_run) {
		incident_ok(inc, "would destroy (dry run)");
		return WAIT_NONE;
	}
	if (inc->gone) {
		incident_ok(inc, "already gone");
		return WAIT_NONE;
	}
	inc->tries++;
	snprintf(what, sizeof what, "destroy of %s", inc->name);
	if (m->conf->destroy_argv != NULL || toolstack_usable(m->tk)) {
		/* Both find the domain by its domid alone: is it still the
		 * crashed one?  (The hypercall's child checks for itself.) */
		if ((r = hv_same(m->xch, inc->domid, inc->uuid)) == 0) {
			incident_ok(inc, "already gone");
			return WAIT_NONE;
		}
		if (r < 0)
			return step_destroy_retry(inc, strerror(-r));
	}
	if (m->conf->destroy_argv != NULL)
		return step_destroy_command(inc, what);
	if (toolstack_usable(m->tk))
		return step_destroy_toolstack(inc);
	memset(&req, 0, sizeof req);
	req.kind = SPAWN_DESTROY;
	req.domid = inc->domid;
	memcpy(req.uuid, inc->uuid, sizeof req.uuid);
	inc->job = job_helper(m, what, &req, DESTROY_TIMEOUT, inc->job_done,
	    inc);
	if (inc->job == NULL)
		return step_destroy_retry(inc, strerror(errno));
	KILL_POINT("destroy-started");
	return WAIT_JOB;
}

static enum incident_wait
step_destroy_job_done(struct incident *inc, struct job *job)
{
	struct domain	*d;
	char		 cause[128];
	int		 st;

	if (!(job->flags & JOB_FORKED) && !job_ok(job)) {
		/* A command's exit status is its own, not an errno. */
		job_log_output(job);
		return step_destroy_retry(inc, job_cause(job, cause,
		    sizeof cause));
	}
	if ((job->flags & JOB_TERMED) || !WIFEXITED(job->status))
		return step_destroy_retry(inc, job_cause(job, cause,
		    sizeof cause));
	st = WEXITSTATUS(job->status);
	if (st != 0 && st != ESRCH)
		return step_destroy_retry(inc, strerror(st));
	/* Its xenstore nodes are ours to remove once it is gone, whether
	 * or not this incident still runs; a rescan may have seen it go
	 * before we heard. */
	d = domain_find(&inc->m->domains, inc->domid);
	if (st == 0 && d == NULL)
		xs_forget(inc->m, inc->domid, inc->uuid);
	else if (st == 0 && strcmp(d->uuid, inc->uuid) == 0)
		d->destroyed = true;
	incident_ok(inc, st == 0 ? "destroyed" : "already gone");
	KILL_POINT("destroy-done");
	return WAIT_NONE;
}

/* The backoff is over: try again. */
static enum incident_wait
step_destroy_timer(struct incident *inc)
{
	return step_destroy_start(inc);
}

/* A destroy waiting to be retried has nothing left to do; one that runs
 * finds the domain gone by itself. */
static enum incident_wait
step_destroy_gone(struct incident *inc)
{
	if (inc->wait != WAIT_RETRY)
		return inc->wait;
	evtimer_del(inc->ev_timer);
	incident_ok(inc, "gone meanwhile");
	return WAIT_NONE;
}

const struct step_kind step_destroy = {
	.start = step_destroy_start,
	.job_done = step_destroy_job_done,
	.timer = step_destroy_timer,
	.gone = step_destroy_gone,
};

/*
 * Wait until a rescan no longer sees the destroyed domain: the toolstack
 * refuses to create a second domain with the same name.
 */
static enum incident_wait
step_wait_gone_start(struct incident *inc)
{
	struct timeval	tv = { WAIT_GONE_SECS, 0 };

	if (inc->gone || inc->m->dry_run)
		return WAIT_NONE;
	evtimer_add(inc->ev_timer, &tv);
	return WAIT_GONE;
}

/* The domain did not go away: restarting now would clash with it, so
 * the restart is skipped, and said so. */
static enum incident_wait
step_wait_gone_timer(struct incident *inc)
{
	char	why[128];

	snprintf(why, sizeof why, "domain still present %d s after destroy; "
	    "restart skipped", WAIT_GONE_SECS);
	inc->skip_to = plan_after_wait_timeout(&inc->plan, inc->step);
	incident_failed(inc, MSGID_ACTION_FAILED, why, "wait-gone failed: %s",
	    why);
	return WAIT_NONE;
}

static enum incident_wait
step_wait_gone_gone(struct incident *inc)
{
	evtimer_del(inc->ev_timer);
	incident_ok(inc, "gone");
	return WAIT_NONE;
}

const struct step_kind step_wait_gone = {
	.start = step_wait_gone_start,
	.timer = step_wait_gone_timer,
	.gone = step_wait_gone_gone,
};
