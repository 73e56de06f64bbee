/*
 * step-hooks.c: the configured hooks, each a command (no shell) with the
 * incident in XCW_* variables, all started at once, each under its own
 * deadline.  The step is over when the last one ended, however it ended.
 *
 * Each hook runs at most once per incident, like a restart: it leaves a
 * start marker before it execs (started.c), so that a daemon killed
 * while hooks run does not page anyone twice when it comes back, and one
 * killed before they began still runs them.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "crashwatchd.h"
#include "killpoint.h"

#define HOOK_ENV_MAX	9

/* The XCW_* variables, into ENV (HOOK_ENV_MAX + 1); 0 or -1. */
static int
step_hooks_env(const struct incident *inc, const char *coredump, char **env)
{
	size_t	j = 0;

	memset(env, 0, (HOOK_ENV_MAX + 1) * sizeof *env);
	if (asprintf(&env[j++], "XCW_EVENT=%s", inc->plan.suppressed ?
	    "restart-suppressed" : "crash-handled") == -1 ||
	    asprintf(&env[j++], "XCW_INCIDENT=%s", inc->id) == -1 ||
	    asprintf(&env[j++], "XCW_DOMID=%u", inc->domid) == -1 ||
	    asprintf(&env[j++], "XCW_NAME=%s", inc->name) == -1 ||
	    asprintf(&env[j++], "XCW_UUID=%s", inc->uuid) == -1 ||
	    asprintf(&env[j++], "XCW_REASON=%s",
	    reason_name(inc->reason)) == -1 ||
	    asprintf(&env[j++], "XCW_ACTION=%s",
	    action_name(inc->plan.action)) == -1 ||
	    asprintf(&env[j++], "XCW_COREDUMP=%s", coredump) == -1 ||
	    asprintf(&env[j++], "XCW_RESULT=%s", inc->failed ?
	    "failed" : "ok") == -1) {
		env[j - 1] = NULL;
		return -1;
	}
	return 0;
}

static void
step_hooks_env_free(char **env)
{
	size_t	j;

	for (j = 0; j < HOOK_ENV_MAX; j++)
		free(env[j]);
}

static enum incident_wait
step_hooks_start(struct incident *inc)
{
	struct manager		*m = inc->m;
	struct template_vars	 v = incident_vars(inc);
	char			**argv, what[64], mark[32], path[4096];
	char			*env[HOOK_ENV_MAX + 1];
	size_t			 i;

	inc->hooks_left = 0;
	for (i = 0; i < m->conf->nhooks; i++) {
		snprintf(what, sizeof what, "hook %zu", i + 1);
		if (template_expand(m->conf->hooks[i].argv, &v, &argv) != 0) {
			log_warnx("domain %u: %s: bad template", inc->domid, what);
			continue;
		}
		if (m->dry_run) {
			log_info("domain %u (%s): would run %s %s (dry run)",
			    inc->domid, inc->name, what, argv[0]);
			template_free(argv);
			continue;
		}
		snprintf(mark, sizeof mark, "hook-%zu", i + 1);
		if (started_before(inc, mark)) {
			log_info("domain %u (%s): %s was started by the previous "
			    "run; not run again", inc->domid, inc->name, what);
			template_free(argv);
			continue;
		}
		memset(env, 0, sizeof env);
		if (started_path(inc, mark, path, sizeof path) != 0)
			log_warn("domain %u: %s: cannot record its start",
			    inc->domid, what);
		else if (step_hooks_env(inc, v.coredump, env) != 0)
			log_warnx("domain %u: %s: out of memory", inc->domid,
			    what);
		else if (job_exec(m, what, path, argv, env,
		    m->conf->hooks[i].timeout, inc->job_done, inc) == NULL)
			log_warn("domain %u: cannot start %s", inc->domid, what);
		else
			inc->hooks_left++;
		step_hooks_env_free(env);
		template_free(argv);
	}
	KILL_POINT("hooks-started");
	return inc->hooks_left > 0 ? WAIT_JOB : WAIT_NONE;
}

/* One hook ended: a record of it; the step is over with the last. */
static enum incident_wait
step_hooks_job_done(struct incident *inc, struct job *job)
{
	char	cause[128];
	bool	ok = job_ok(job);

	/* Killed just after the fork, the earlier run's child won the
	 * marker: that one ran, this one did not. */
	if ((job->flags & JOB_DEAD) && WIFEXITED(job->status) &&
	    WEXITSTATUS(job->status) == JOB_EXIT_STARTED) {
		log_info("domain %u (%s): %s was started by the previous run; "
		    "not run again", inc->domid, inc->name, job->what);
		return --inc->hooks_left == 0 ? WAIT_NONE : WAIT_JOB;
	}
	job_cause(job, cause, sizeof cause);
	incident_log(inc, ok ? LOG_INFO : LOG_WARNING, MSGID_HOOK_DONE, cause,
	    NULL, "domain %u (%s): %s %s%s%.*s", inc->domid, inc->name,
	    job->what, cause, job->outlen > 0 && !ok ? ": " : "",
	    ok ? 0 : (int)(job->outlen > 512 ? 512 : job->outlen), job->out);
	return --inc->hooks_left == 0 ? WAIT_NONE : WAIT_JOB;
}

const struct step_kind step_hooks = {
	.start = step_hooks_start,
	.job_done = step_hooks_job_done,
};
