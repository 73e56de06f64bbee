/*
 * step-restart.c: starting the guest again with the configured command
 * (no shell), e.g. "xl create /etc/xen/%n.cfg".
 *
 * At most once: the step is recorded as over, and that record is on disk
 * (WAIT_SAVED), before the command starts, so a daemon killed at any
 * moment never starts the guest a second time when it comes back.  The
 * daemon that comes back looks for the guest instead (manager.c): if no
 * domain of its name runs, it says so at CRIT rather than guess.  The
 * restart counted against the rate limit when it was decided.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crashwatchd.h"
#include "killpoint.h"

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

static enum incident_wait
step_restart_start(struct incident *inc)
{
	struct manager	*m = inc->m;
	char		**argv;

	if ((argv = step_restart_argv(inc)) == NULL)
		return WAIT_NONE;
	template_free(argv);
	if (m->dry_run) {
		incident_ok(inc, "would run the restart command (dry run)");
		return WAIT_NONE;
	}
	/* Over before it starts: see the top of the file. */
	state_progress(m->state, inc->rec, (unsigned)inc->step + 1,
	    inc->coredump);
	return WAIT_SAVED;
}

/* The mark is on disk: now the command may run. */
static enum incident_wait
step_restart_saved(struct incident *inc)
{
	struct manager	*m = inc->m;
	char		**argv, what[256];

	KILL_POINT("restart-marked");
	if ((argv = step_restart_argv(inc)) == NULL)
		return WAIT_NONE;
	snprintf(what, sizeof what, "restart of %s", inc->name);
	inc->job = job_exec(m, what, argv, NULL, m->conf->restart_timeout,
	    inc->job_done, inc);
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
	char	cause[128];

	job_cause(job, cause, sizeof cause);
	if (job_ok(job))
		incident_ok(inc, "restart command %s", cause);
	else {
		job_log_output(job);
		incident_failed(inc, MSGID_ACTION_FAILED, cause,
		    "restart failed: %s", cause);
	}
	KILL_POINT("restart-done");
	return WAIT_NONE;
}

const struct step_kind step_restart = {
	.start = step_restart_start,
	.saved = step_restart_saved,
	.job_done = step_restart_job_done,
};
