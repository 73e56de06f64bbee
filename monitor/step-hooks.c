/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * step-hooks.c: the configured hooks, each a command (no shell) with the
 * incident in XCW_* variables, each under its own deadline.  A hook runs
 * for the events it chose (hooks[].events): "detected" as soon as the
 * crash's evidence is read and its report is on disk, beside the plan;
 * "handled", "suppressed" or "failed" as the plan's last step, which is
 * over when the last of them ended, however it ended.
 *
 * Each hook runs at most once per incident and event, like a restart:
 * it leaves a start marker before it execs (started.c), so that a
 * daemon killed while hooks run does not page anyone twice when it
 * comes back, and one killed before they began still runs them.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "crashwatchd.h"
#include "killpoint.h"

#define HOOK_ENV_MAX	11
#define HOOK_OUTPUT_SAID 512	/* bytes of a failed hook's output logged */

/* XCW_EVENT of each event bit. */
static const char *
hook_event_name(unsigned event)
{
	switch (event) {
	case HOOK_EVENT_DETECTED:
		return "crash-detected";
	case HOOK_EVENT_SUPPRESSED:
		return "restart-suppressed";
	case HOOK_EVENT_FAILED:
		return "crash-failed";
	default:
		return "crash-handled";
	}
}

/* The XCW_* variables, into ENV (HOOK_ENV_MAX + 1); 0 or -1. */
static int
hooks_env(const struct incident *inc, unsigned event, const char *coredump,
    char **env)
{
	char	report[4096];
	size_t	j = 0;

	report[0] = '\0';
	if (inc->report != NULL)
		report_path(inc, report, sizeof report);
	memset(env, 0, (HOOK_ENV_MAX + 1) * sizeof *env);
	if (asprintf(&env[j++], "XCW_EVENT=%s", hook_event_name(event)) == -1 ||
	    asprintf(&env[j++], "XCW_INCIDENT=%s", inc->id) == -1 ||
	    asprintf(&env[j++], "XCW_DOMID=%u", inc->domid) == -1 ||
	    asprintf(&env[j++], "XCW_NAME=%s", inc->name) == -1 ||
	    asprintf(&env[j++], "XCW_UUID=%s", inc->uuid) == -1 ||
	    asprintf(&env[j++], "XCW_REASON=%s",
	    reason_name(inc->reason)) == -1 ||
	    asprintf(&env[j++], "XCW_ACTION=%s",
	    action_name(inc->plan.action)) == -1 ||
	    asprintf(&env[j++], "XCW_COREDUMP=%s", coredump) == -1 ||
	    asprintf(&env[j++], "XCW_RESULT=%s", event == HOOK_EVENT_DETECTED ?
	    "" : inc->failed ? "failed" : "ok") == -1 ||
	    asprintf(&env[j++], "XCW_SUMMARY=%s", inc->ev.summary != NULL ?
	    inc->ev.summary : "") == -1 ||
	    asprintf(&env[j++], "XCW_REPORT=%s", report) == -1) {
		env[j - 1] = NULL;
		return -1;
	}
	return 0;
}

static void
hooks_env_free(char **env)
{
	size_t	j;

	for (j = 0; j < HOOK_ENV_MAX; j++)
		free(env[j]);
}

/*
 * Start every hook that chose EVENT, each once, DONE called as each
 * ends.  Returns how many started.
 */
unsigned
hooks_start(struct incident *inc, unsigned event, job_cb *done)
{
	struct manager		*m = inc->m;
	struct template_vars	 v = incident_vars(inc);
	char			**argv, what[4096 + 32], mark[48], path[4096];
	char			*env[HOOK_ENV_MAX + 1];
	unsigned		 started = 0;
	size_t			 i;

	for (i = 0; i < m->conf->nhooks; i++) {
		if (!(m->conf->hooks[i].events & event))
			continue;
		if (template_expand(m->conf->hooks[i].argv, &v, &argv) != 0) {
			log_warnx("domain %u: hook %zu: bad template",
			    inc->domid, i + 1);
			continue;
		}
		snprintf(what, sizeof what, "hook %zu (%s)", i + 1, argv[0]);
		if (m->dry_run) {
			log_info("domain %u (%s): would run %s for %s (dry run)",
			    inc->domid, inc->name, what,
			    hook_event_name(event));
			template_free(argv);
			continue;
		}
		snprintf(mark, sizeof mark, "%s-%zu",
		    event == HOOK_EVENT_DETECTED ? "detected-hook" : "hook",
		    i + 1);
		if (started_before(inc, mark)) {
			log_info("domain %u (%s): %s was started by the previous "
			    "run for %s; not run again", inc->domid, inc->name,
			    what, hook_event_name(event));
			template_free(argv);
			continue;
		}
		memset(env, 0, sizeof env);
		if (started_path(inc, mark, path, sizeof path) != 0)
			log_warn("domain %u: %s: cannot record its start",
			    inc->domid, what);
		else if (hooks_env(inc, event, v.coredump, env) != 0)
			log_warnx("domain %u: %s: out of memory", inc->domid,
			    what);
		else if (job_exec(m, what, path, argv, env,
		    m->conf->hooks[i].timeout, done, inc) == NULL)
			log_warn("domain %u: cannot start %s", inc->domid, what);
		else
			started++;
		hooks_env_free(env);
		template_free(argv);
	}
	return started;
}

/*
 * One hook ended: a record of it, and of its result in the report.  A
 * failed one says its exit and the end of what it printed, escaped.
 * False if it never ran (the previous run's did).
 */
bool
hooks_ended(struct incident *inc, unsigned event, struct job *job)
{
	char		 cause[128], out[4 * HOOK_OUTPUT_SAID + 1];
	const char	*tail;
	size_t		 n;
	bool		 ok = job_ok(job);

	/* Killed just after the fork, the earlier run's child won the
	 * marker: that one ran, this one did not. */
	if ((job->flags & JOB_DEAD) && WIFEXITED(job->status) &&
	    WEXITSTATUS(job->status) == JOB_EXIT_STARTED) {
		log_info("domain %u (%s): %s was started by the previous run; "
		    "not run again", inc->domid, inc->name, job->what);
		return false;
	}
	job_cause(job, cause, sizeof cause);
	out[0] = '\0';
	if (!ok && job->outlen > 0) {
		n = job->outlen;
		while (n > 0 && job->out[n - 1] == '\n')
			n--;
		tail = job->out + (n > HOOK_OUTPUT_SAID ? n -
		    HOOK_OUTPUT_SAID : 0);
		text_escape(tail, (size_t)(job->out + n - tail), false, out,
		    sizeof out);
	}
	incident_log(inc, ok ? LOG_INFO : LOG_WARNING, MSGID_HOOK_DONE, cause,
	    NULL, "domain %u (%s): %s for %s %s%s%s", inc->domid, inc->name,
	    job->what, hook_event_name(event), cause,
	    out[0] != '\0' ? "; its last output: " : "", out);
	report_hook(inc, hook_event_name(event), job->what, cause);
	metrics_hook(inc->m, ok);
	return true;
}

/* The plan's last step: the hooks of how it ended. */
static unsigned
step_hooks_event(const struct incident *inc)
{
	if (inc->plan.suppressed)
		return HOOK_EVENT_SUPPRESSED;
	return inc->failed ? HOOK_EVENT_FAILED : HOOK_EVENT_HANDLED;
}

static enum incident_wait
step_hooks_start(struct incident *inc)
{
	inc->hooks_left = hooks_start(inc, step_hooks_event(inc),
	    inc->job_done);
	KILL_POINT("hooks-started");
	return inc->hooks_left > 0 ? WAIT_JOB : WAIT_NONE;
}

static enum incident_wait
step_hooks_job_done(struct incident *inc, struct job *job)
{
	hooks_ended(inc, step_hooks_event(inc), job);
	if (inc->report != NULL)
		report_save(inc);
	return --inc->hooks_left == 0 ? WAIT_NONE : WAIT_JOB;
}

const struct step_kind step_hooks = {
	.start = step_hooks_start,
	.job_done = step_hooks_job_done,
};
