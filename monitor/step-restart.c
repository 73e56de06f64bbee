/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * step-restart.c: starting the guest again with the configured command
 * (no shell), e.g. "xl create /etc/xen/%n.cfg".
 *
 * At most once, and never forgotten: the command leaves a start marker
 * (started.c) before it execs.  A daemon killed at any instant finds,
 * when it comes back, either no marker (the command never began: it runs
 * it) or a marker (it began: it waits while the command still runs, then
 * looks for the guest by name).  The restart counted against the rate
 * limit when it was decided.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "crashwatchd.h"
#include "killpoint.h"

#define RESTART_MARK	"restart"
#define RESTART_POLL	1	/* seconds between looks at an old command */

/* The command's argv for this incident; NULL after saying why not. */
static char **
step_restart_argv(struct incident *inc)
{
	struct template_vars	 v = incident_vars(inc);
	char			**argv;
	int			 r;

	if (inc->m->conf->restart_argv == NULL) {
		incident_failed(inc, MSGID_ACTION_FAILED, "no restart.command "
		    "configured", "restart failed: no restart.command "
		    "configured");
		return NULL;
	}
	if ((r = template_expand(inc->m->conf->restart_argv, &v, &argv)) !=
	    0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "restart failed: %s", strerror(-r));
		return NULL;
	}
	return argv;
}

/* A domain of the guest's name, other than the crashed one, or NULL.
 * A domain seen before the toolstack named it is asked its name again. */
static struct domain *
step_restart_found(struct incident *inc)
{
	struct domain	*crashed = domain_find(&inc->m->domains, inc->domid);
	struct domain	*d;

	if (crashed != NULL && strcmp(crashed->uuid, inc->uuid) != 0)
		crashed = NULL;
	if ((d = domain_find_name(&inc->m->domains, inc->name, crashed,
	    false)) != NULL)
		return d;
	xs_name_unnamed(inc->m);
	return domain_find_name(&inc->m->domains, inc->name, crashed, false);
}

static time_t
step_restart_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * After the command: the guest running under its name is what counts,
 * not the command's exit status ("xl create" has been seen to fail after
 * the guest started, and a wrapper may exit 0 having started nothing).
 * The first look follows a rescan (step_restart_job_done); a guest that
 * comes later brings its own, by @introduceDomain.  So the table is
 * looked at once a second, up to restart.wait seconds.
 */
static enum incident_wait
step_restart_verify(struct incident *inc)
{
	struct timeval	 tv = { RESTART_POLL, 0 };
	struct domain	*d;

	if ((d = step_restart_found(inc)) != NULL) {
		if (inc->restart_cmd_ok)
			incident_ok(inc, "restart command %s; domain %u (%s) "
			    "runs", inc->restart_cause, d->domid, d->name);
		else {
			snprintf(inc->step_result, sizeof inc->step_result,
			    "guest running");
			incident_log(inc, LOG_WARNING, MSGID_ACTION_DONE,
			    "guest running", NULL, "domain %u (%s): restart "
			    "command %s, but the guest is running: domain %u "
			    "(%s)", inc->domid, inc->name, inc->restart_cause,
			    d->domid, d->name);
		}
		KILL_POINT("restart-done");
		return WAIT_NONE;
	}
	if (step_restart_now() < inc->verify_until) {
		evtimer_add(inc->ev_timer, &tv);
		return WAIT_RETRY;
	}
	incident_failed(inc, MSGID_ACTION_FAILED, inc->restart_cmd_ok ?
	    "guest not running" : inc->restart_cause, "restart failed: the "
	    "command %s, %s no domain named %s runs after %u s",
	    inc->restart_cause, inc->restart_cmd_ok ? "but" : "and",
	    inc->name, inc->m->conf->restart_wait);
	KILL_POINT("restart-done");
	return WAIT_NONE;
}

/*
 * An earlier run started the command.  While it runs, look again later;
 * once it ended, the guest under its name is the proof that it worked.
 */
static enum incident_wait
step_restart_check(struct incident *inc)
{
	struct timeval	tv = { RESTART_POLL, 0 };

	if (started_running(inc, RESTART_MARK)) {
		evtimer_add(inc->ev_timer, &tv);
		return WAIT_RETRY;
	}
	if (!inc->rescanned) {
		/* The command is over: one more scan to learn the name of
		 * the domain it made, then look. */
		inc->rescanned = true;
		event_active(inc->m->ev_rescan, EV_TIMEOUT, 0);
		tv.tv_sec = 0;
		evtimer_add(inc->ev_timer, &tv);
		return WAIT_RETRY;
	}
	/* Begun by an earlier run, or by this one under a unit that it
	 * lost sight of (units.c). */
	if (step_restart_found(inc))
		incident_ok(inc, "restart command started by %s; %s runs",
		    inc->job_lost ? "a unit no longer tracked" :
		    "the previous run", inc->name);
	else
		incident_failed(inc, MSGID_ACTION_FAILED, "unknown", "restart "
		    "failed: %s started the restart command, and no domain "
		    "named %s runs; not running it again", inc->job_lost ?
		    "a unit no longer tracked" : "the previous run",
		    inc->name);
	return WAIT_NONE;
}

static enum incident_wait
step_restart_start(struct incident *inc)
{
	struct manager	*m = inc->m;
	struct timeval	 tv = { 0, 0 };
	char		**argv, what[256], mark[4096], env0[64];
	char		*env[] = { env0, NULL };
	int		 r;

	if ((argv = step_restart_argv(inc)) == NULL)
		return WAIT_NONE;
	if (m->dry_run) {
		incident_ok(inc, "would run the restart command (dry run)");
		template_free(argv);
		return WAIT_NONE;
	}
	if (started_before(inc, RESTART_MARK)) {
		/* Looked at after this pass, when every name is known. */
		template_free(argv);
		evtimer_add(inc->ev_timer, &tv);
		return WAIT_RETRY;
	}
	if ((r = started_path(inc, RESTART_MARK, mark, sizeof mark)) != 0) {
		template_free(argv);
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "restart failed: cannot record its start: %s; not "
		    "started", strerror(-r));
		return WAIT_NONE;
	}
	snprintf(env0, sizeof env0, "XCW_INCIDENT=%s", inc->id);
	snprintf(what, sizeof what, "restart of %s", inc->name);
	/* Under systemd, outside our sandbox and cgroup (units.c). */
	if (m->units != NULL)
		inc->job = units_exec(m, what, "restart", inc->id, mark, argv,
		    env, m->conf->restart_timeout, inc->job_done, inc);
	else if ((inc->job = job_exec(m, what, mark, argv, env,
	    m->conf->restart_timeout, inc->job_done, inc)) != NULL)
		inc->job->flags |= JOB_LEAVE;	/* finishes after a stop */
	template_free(argv);
	if (inc->job == NULL) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(errno),
		    "restart failed: %s", strerror(errno));
		return WAIT_NONE;
	}
	KILL_POINT("restart-started");
	return WAIT_JOB;
}

static enum incident_wait
step_restart_job_done(struct incident *inc, struct job *job)
{
	struct timeval	tv = { 0, 0 };

	/* Killed just after the fork, the earlier run's child won the
	 * marker: that one runs, this one did not. */
	if ((job->flags & JOB_DEAD) && WIFEXITED(job->status) &&
	    WEXITSTATUS(job->status) == JOB_EXIT_STARTED) {
		inc->job_lost = job->why != NULL;
		return step_restart_check(inc);
	}
	job_cause(job, inc->restart_cause, sizeof inc->restart_cause);
	inc->restart_cmd_ok = job_ok(job);
	if (!inc->restart_cmd_ok)
		job_log_output(job);
	/* Looked at after a rescan, which this pass makes. */
	inc->verifying = true;
	inc->verify_until = step_restart_now() + inc->m->conf->restart_wait;
	event_active(inc->m->ev_rescan, EV_TIMEOUT, 0);
	evtimer_add(inc->ev_timer, &tv);
	return WAIT_RETRY;
}

static enum incident_wait
step_restart_timer(struct incident *inc)
{
	return inc->verifying ? step_restart_verify(inc) :
	    step_restart_check(inc);
}

const struct step_kind step_restart = {
	.start = step_restart_start,
	.job_done = step_restart_job_done,
	.timer = step_restart_timer,
};
