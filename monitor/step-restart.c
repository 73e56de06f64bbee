/*
 * step-restart.c: starting the guest again with the configured command
 * (no shell), e.g. "xl create /etc/xen/%n.cfg".
 *
 * At most once: the step is recorded as over when the command starts,
 * so a daemon stopped while it runs never starts the guest a second time
 * when it comes back.  The restart counts against the rate limit when it
 * starts, so a command that hangs still counts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crashwatchd.h"

static enum incident_wait
step_restart_start(struct incident *inc)
{
	struct manager		*m = inc->m;
	struct template_vars	 v = incident_vars(inc);
	char			**argv, what[256];
	int			 r;

	if (m->conf->restart_argv == NULL) {
		incident_failed(inc, MSGID_ACTION_FAILED, "no restart.command "
		    "configured", "restart failed: no restart.command "
		    "configured");
		return WAIT_NONE;
	}
	if ((r = template_expand(m->conf->restart_argv, &v, &argv)) != 0) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(-r),
		    "restart failed: %s", strerror(-r));
		return WAIT_NONE;
	}
	state_restarted(m->state, inc->name, time(NULL), inc->restart.interval);
	if (m->dry_run) {
		incident_ok(inc, "would run the restart command (dry run)");
		template_free(argv);
		return WAIT_NONE;
	}
	snprintf(what, sizeof what, "restart of %s", inc->name);
	inc->job = job_exec(m, what, argv, NULL, m->conf->restart_timeout,
	    inc->job_done, inc);
	template_free(argv);
	if (inc->job == NULL) {
		incident_failed(inc, MSGID_ACTION_FAILED, strerror(errno),
		    "restart failed: %s", strerror(errno));
		return WAIT_NONE;
	}
	state_progress(m->state, inc->rec, (unsigned)inc->step + 1,
	    inc->coredump);
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
	return WAIT_NONE;
}

const struct step_kind step_restart = {
	.start = step_restart_start,
	.job_done = step_restart_job_done,
};
