/*
 * incident.c: carrying out the plan for one crashed domain, step by step.
 *
 * An incident owns copies of everything it needs (name, uuid, restart
 * limits), so a reload or the domain going away never leaves it pointing
 * at freed memory.  Each step is logged; a failed step is alerted and the
 * plan goes on, so that a crash never ends half-handled and silent.  The
 * state record is updated after every step, so a daemon killed half-way
 * resumes at the step it was in, and never acts twice on a step done.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "crashwatchd.h"

#define DESTROY_BACKOFF_MAX	60	/* seconds between destroy attempts */
#define WAIT_GONE_SECS		60	/* before a restart gives up */
#define DESTROY_TIMEOUT		600	/* seconds for Xen to free a guest */

static void	incident_next(struct incident *);

/* The structured fields common to every record about this incident. */
void
incident_fields(const struct incident *inc, struct journal_fields *f)
{
	memset(f, 0, sizeof *f);
	f->domid = (int)inc->domid;
	f->name = inc->name;
	f->uuid = inc->uuid;
	f->reason = reason_name(inc->reason);
	f->action = action_name(inc->plan.action);
	f->coredump = inc->coredump;
}

/* Record that a restarted daemon goes on at step NEXT of the plan. */
static void
incident_record(struct incident *inc, size_t next)
{
	if (inc->rec != NULL) {
		inc->rec->step = (unsigned)next;
		if (inc->coredump != NULL && inc->rec->coredump == NULL)
			inc->rec->coredump = strdup(inc->coredump);
		inc->m->state->dirty = true;
	}
	manager_state_changed(inc->m);
}

/* Record progress: the next step to run, saved before running it. */
static void
incident_save(struct incident *inc)
{
	incident_record(inc, inc->step);
}

/* The current step is over, however it went: on to the next. */
void
incident_advance(struct incident *inc)
{
	inc->step++;
	incident_save(inc);
	incident_next(inc);
}

/* The step running now, for STEP=; "complete" once the plan is through. */
static const char *
incident_step(const struct incident *inc)
{
	return inc->step < inc->plan.nsteps ?
	    step_name(inc->plan.steps[inc->step]) : "complete";
}

/* One record about the current step: the domain's fields, STEP=, RESULT=. */
static void
incident_report(struct incident *inc, int prio, const char *msgid,
    const char *result, const char *fmt, ...)
{
	struct journal_fields	 f;
	char			 stepf[64], *msg;
	va_list			 ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	incident_fields(inc, &f);
	f.message_id = msgid;
	f.result = result;
	snprintf(stepf, sizeof stepf, "STEP=%s", incident_step(inc));
	f.extra[0] = stepf;
	journal_send(prio, &f, "domain %u (%s): %s", inc->domid, inc->name,
	    msg != NULL ? msg : fmt);
	free(msg);
}

/*
 * One alert for a failed step, under MSGID, saying what happens next: the
 * plan carries on, so a crash never ends half-handled and silent.
 */
void
incident_alert(struct incident *inc, const char *msgid, const char *what,
    const char *result, const char *why)
{
	inc->failed = true;
	incident_report(inc, LOG_ERR, msgid, result, "%s failed: %s; "
	    "continuing with %s", what, why, inc->step + 1 < inc->plan.nsteps ?
	    step_name(inc->plan.steps[inc->step + 1]) : "nothing");
}

static void
incident_step_failed(struct incident *inc, const char *why)
{
	incident_alert(inc, MSGID_ACTION_FAILED, incident_step(inc), why, why);
}

static void
incident_step_ok(struct incident *inc, const char *what)
{
	incident_report(inc, LOG_NOTICE, MSGID_ACTION_DONE, "ok", "%s", what);
}

static void
incident_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct incident	*inc = arg;

	(void)fd;
	(void)what;
	if (inc->step < inc->plan.nsteps &&
	    inc->plan.steps[inc->step] == STEP_WAIT_GONE) {
		/* The domain did not go away: restarting now would clash
		 * with it, so skip the restart and say so. */
		incident_step_failed(inc, "domain still present "
		    "60 s after destroy; restart skipped");
		inc->step++;
		if (inc->step < inc->plan.nsteps &&
		    inc->plan.steps[inc->step] == STEP_RESTART)
			inc->step++;
		incident_save(inc);
	}
	incident_next(inc);
}

/*
 * In a child with its own xc handle: destroying a large guest lasts as
 * long as Xen takes to free its memory, which must not stall the loop.
 * Exits 0, or the errno (ESRCH: gone, or the domid now names another
 * domain).
 */
static int
incident_destroy_child(void *arg, int fd)
{
	struct incident	*inc = arg;
	xc_interface	*xch;
	int		 r;

	(void)fd;
	if ((xch = hv_open()) == NULL)
		return errno != 0 ? errno & 0xff : EIO;
	r = hv_destroy(xch, inc->domid, inc->uuid);
	hv_close(xch);
	return -r & 0xff;
}

static void
incident_destroy_retry(struct incident *inc, const char *why)
{
	struct timeval	tv;
	unsigned	delay;

	/* Never dropped: retried with backoff until it works or the domain
	 * is gone, with an alert each time. */
	delay = inc->tries < 7 ? 1U << (inc->tries - 1) : DESTROY_BACKOFF_MAX;
	if (delay > DESTROY_BACKOFF_MAX)
		delay = DESTROY_BACKOFF_MAX;
	incident_report(inc, LOG_ERR, MSGID_ACTION_FAILED, why, "destroy "
	    "failed: %s (attempt %u, retrying in %u s)", why, inc->tries, delay);
	tv.tv_sec = delay;
	tv.tv_usec = 0;
	evtimer_add(inc->ev_timer, &tv);
}

static void
incident_destroy_done(struct job *job, void *arg)
{
	struct incident	*inc = arg;
	struct domain	*d;
	char		 cause[128];
	int		 st;

	inc->job = NULL;
	if (!(job->flags & JOB_FORKED) && !job_ok(job)) {
		/* A command's exit status is its own, not an errno. */
		job_log_output(job);
		incident_destroy_retry(inc, job_cause(job, cause,
		    sizeof cause));
		return;
	}
	if (!(job->flags & JOB_TERMED) && WIFEXITED(job->status)) {
		st = WEXITSTATUS(job->status);
		if (st == 0 || st == ESRCH) {
			/* Its xenstore nodes are ours to remove once it is
			 * gone, whether or not this incident still runs; a
			 * rescan may have seen it go before we heard. */
			d = domain_find(&inc->m->domains, inc->domid);
			if (st == 0 && d == NULL)
				xs_forget(inc->m, inc->domid, inc->uuid);
			else if (st == 0 && strcmp(d->uuid, inc->uuid) == 0)
				d->destroyed = true;
			incident_step_ok(inc, st == 0 ? "destroyed" :
			    "already gone");
			incident_advance(inc);
			return;
		}
		incident_destroy_retry(inc, strerror(st));
		return;
	}
	incident_destroy_retry(inc, job_cause(job, cause, sizeof cause));
}

static struct template_vars incident_vars(const struct incident *);

/*
 * destroy.command, e.g. "xl destroy %d": the toolstack also tears down
 * the backends and its own records, which a bare xc_domain_destroy
 * leaves.  The domid is checked against the UUID first, so the command
 * never gets a domid that has passed to another domain; it exits 0 on
 * success, like the hypercall's path.
 */
static void
incident_destroy_command(struct incident *inc, const char *what)
{
	struct manager		*m = inc->m;
	struct template_vars	 v = incident_vars(inc);
	char			**argv;
	int			 r;

	if ((r = hv_same(m->xch, inc->domid, inc->uuid)) == 0) {
		incident_step_ok(inc, "already gone");
		incident_advance(inc);
		return;
	}
	if (r < 0) {
		incident_destroy_retry(inc, strerror(-r));
		return;
	}
	if ((r = template_expand(m->conf->destroy_argv, &v, &argv)) != 0) {
		incident_step_failed(inc, strerror(-r));
		incident_advance(inc);
		return;
	}
	log_info("domain %u (%s): destroying with %s", inc->domid, inc->name,
	    argv[0]);
	inc->job = job_exec(m, what, argv, NULL, m->conf->destroy_timeout,
	    incident_destroy_done, inc);
	template_free(argv);
	if (inc->job == NULL)
		incident_destroy_retry(inc, strerror(errno));
}

static void
incident_destroy(struct incident *inc)
{
	struct manager	*m = inc->m;
	char		 what[128];

	if (m->dry_run) {
		incident_step_ok(inc, "would destroy (dry run)");
		incident_advance(inc);
		return;
	}
	if (inc->gone) {
		incident_step_ok(inc, "already gone");
		incident_advance(inc);
		return;
	}
	inc->tries++;
	snprintf(what, sizeof what, "destroy of %s", inc->name);
	if (m->conf->destroy_argv != NULL) {
		incident_destroy_command(inc, what);
		return;
	}
	inc->job = job_fork(m, what, incident_destroy_child, inc,
	    DESTROY_TIMEOUT, incident_destroy_done, inc);
	if (inc->job == NULL)
		incident_destroy_retry(inc, strerror(errno));
}

static void
incident_wait_gone(struct incident *inc)
{
	struct timeval	tv = { WAIT_GONE_SECS, 0 };

	if (inc->gone || inc->m->dry_run) {
		incident_advance(inc);
		return;
	}
	evtimer_add(inc->ev_timer, &tv);
}

static void
incident_rename(struct incident *inc)
{
	struct manager	*m = inc->m;
	struct domain	*d;
	char		 name[1200], msg[1300];
	int		 r;

	if ((r = rename_crashed(inc->name, inc->when, name, sizeof name)) != 0) {
		incident_step_failed(inc, strerror(-r));
		incident_advance(inc);
		return;
	}
	if (m->dry_run) {
		snprintf(msg, sizeof msg, "would rename to %s (dry run)", name);
		incident_step_ok(inc, msg);
		incident_advance(inc);
		return;
	}
	if ((r = xs_rename(m, inc->domid, inc->uuid, name)) != 0) {
		incident_step_failed(inc, strerror(-r));
		incident_advance(inc);
		return;
	}
	if ((d = domain_find(&m->domains, inc->domid)) != NULL) {
		free(d->name);
		d->name = strdup(name);
	}
	snprintf(msg, sizeof msg, "renamed to %s", name);
	incident_step_ok(inc, msg);
	incident_advance(inc);
}

static void
incident_restart_done(struct job *job, void *arg)
{
	struct incident	*inc = arg;
	char		 cause[128], msg[256];

	inc->job = NULL;
	job_cause(job, cause, sizeof cause);
	if (job_ok(job)) {
		snprintf(msg, sizeof msg, "restart command %s", cause);
		incident_step_ok(inc, msg);
	} else {
		job_log_output(job);
		incident_step_failed(inc, cause);
	}
	incident_advance(inc);
}

static struct template_vars
incident_vars(const struct incident *inc)
{
	struct template_vars	v = {
		.name = inc->name,
		.uuid = inc->uuid,
		.domid = inc->domid,
		.reason = reason_name(inc->reason),
		.coredump = inc->coredump != NULL ? inc->coredump : "",
	};

	return v;
}

static void
incident_restart(struct incident *inc)
{
	struct manager		*m = inc->m;
	struct template_vars	 v = incident_vars(inc);
	char			**argv, what[256];
	int			 r;

	if (m->conf->restart_argv == NULL) {
		incident_step_failed(inc, "no restart.command "
		    "configured");
		incident_advance(inc);
		return;
	}
	if ((r = template_expand(m->conf->restart_argv, &v, &argv)) != 0) {
		incident_step_failed(inc, strerror(-r));
		incident_advance(inc);
		return;
	}
	/* Counted when started, so a command that hangs still counts. */
	state_restarted(m->state, inc->name, time(NULL), inc->restart.interval);
	snprintf(what, sizeof what, "restart of %s", inc->name);
	if (m->dry_run) {
		incident_step_ok(inc, "would run the restart "
		    "command (dry run)");
		template_free(argv);
		incident_advance(inc);
		return;
	}
	inc->job = job_exec(m, what, argv, NULL, m->conf->restart_timeout,
	    incident_restart_done, inc);
	template_free(argv);
	if (inc->job == NULL) {
		incident_step_failed(inc, strerror(errno));
		incident_advance(inc);
		return;
	}
	/* At most once: a daemon stopped while the command runs must not
	 * start the guest a second time when it comes back. */
	incident_record(inc, inc->step + 1);
}

static void
incident_hook_done(struct job *job, void *arg)
{
	struct incident		*inc = arg;
	struct journal_fields	 f;
	char			 cause[128];

	job_cause(job, cause, sizeof cause);
	incident_fields(inc, &f);
	f.message_id = MSGID_HOOK_DONE;
	f.result = cause;
	journal_send(job_ok(job) ? LOG_INFO : LOG_WARNING, &f,
	    "domain %u (%s): %s %s%s%.*s", inc->domid, inc->name, job->what,
	    cause, job->outlen > 0 && !job_ok(job) ? ": " : "",
	    job_ok(job) ? 0 : (int)(job->outlen > 512 ? 512 : job->outlen),
	    job->out);
	if (--inc->hooks_left == 0)
		incident_advance(inc);
}

static void
incident_hooks(struct incident *inc)
{
	struct manager		*m = inc->m;
	struct template_vars	 v = incident_vars(inc);
	char			**argv, what[64], domid[32];
	char			*env[9];
	size_t			 i, j;
	struct job		*job;

	if (m->conf->nhooks == 0) {
		incident_advance(inc);
		return;
	}
	snprintf(domid, sizeof domid, "%u", inc->domid);
	/* One extra count held while starting, so a hook that fails to
	 * start cannot finish the step early. */
	inc->hooks_left = 1;
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
		memset(env, 0, sizeof env);
		j = 0;
		if (asprintf(&env[j++], "XCW_EVENT=%s", inc->plan.suppressed ?
		    "restart-suppressed" : "crash-handled") == -1 ||
		    asprintf(&env[j++], "XCW_DOMID=%u", inc->domid) == -1 ||
		    asprintf(&env[j++], "XCW_NAME=%s", inc->name) == -1 ||
		    asprintf(&env[j++], "XCW_UUID=%s", inc->uuid) == -1 ||
		    asprintf(&env[j++], "XCW_REASON=%s",
		    reason_name(inc->reason)) == -1 ||
		    asprintf(&env[j++], "XCW_ACTION=%s",
		    action_name(inc->plan.action)) == -1 ||
		    asprintf(&env[j++], "XCW_COREDUMP=%s", v.coredump) == -1 ||
		    asprintf(&env[j++], "XCW_RESULT=%s", inc->failed ?
		    "failed" : "ok") == -1) {
			env[j - 1] = NULL;
			log_warnx("domain %u: %s: out of memory", inc->domid,
			    what);
		} else {
			job = job_exec(m, what, argv, env, m->conf->hooks[i].timeout,
			    incident_hook_done, inc);
			if (job == NULL)
				log_warn("domain %u: cannot start %s", inc->domid,
				    what);
			else
				inc->hooks_left++;
		}
		for (j = 0; j < 8; j++)
			free(env[j]);
		template_free(argv);
	}
	if (--inc->hooks_left == 0)
		incident_advance(inc);
}

/* The plan is through: record the outcome, once. */
static void
incident_finish(struct incident *inc)
{
	struct manager		*m = inc->m;
	struct domain		*d;
	const char		*result = inc->failed ? "failed" : "ok";

	incident_report(inc, inc->failed ? LOG_ERR : LOG_NOTICE,
	    inc->failed ? MSGID_ACTION_FAILED : MSGID_ACTION_DONE, result,
	    "%s %s%s", action_name(inc->plan.action),
	    inc->failed ? "finished with failures" : "done",
	    m->dry_run ? " (dry run)" : "");
	if (inc->rec != NULL) {
		inc->rec->done = true;
		free(inc->rec->result);
		inc->rec->result = strdup(result);
	}
	m->handled++;
	if ((d = domain_find(&m->domains, inc->domid)) != NULL &&
	    d->incident == inc)
		d->incident = NULL;
	inc->dead = true;
	manager_state_changed(m);
	manager_sweep_soon(m);
}

static void
incident_next(struct incident *inc)
{
	if (inc->dead)
		return;
	if (inc->step >= inc->plan.nsteps) {
		incident_finish(inc);
		return;
	}
	switch (inc->plan.steps[inc->step]) {
	case STEP_DUMP:
		if (inc->m->dry_run) {
			incident_step_ok(inc, "would dump the core "
			    "(dry run)");
			incident_advance(inc);
		} else
			dump_enqueue(inc);
		break;
	case STEP_DESTROY:
		incident_destroy(inc);
		break;
	case STEP_WAIT_GONE:
		incident_wait_gone(inc);
		break;
	case STEP_RENAME:
		incident_rename(inc);
		break;
	case STEP_RESTART:
		incident_restart(inc);
		break;
	case STEP_HOOKS:
		incident_hooks(inc);
		break;
	}
}

/*
 * A crashed domain was found: decide, alert, and start the plan.  With no
 * domain, resume REC's plan for a domain that is already gone.
 */
void
incident_start(struct manager *m, struct domain *d, enum reason reason,
    struct state_incident *rec)
{
	struct incident		*inc;
	struct policy_domain	 pd;
	struct restart_history	 hist;
	struct journal_fields	 f;
	char			 extra[64];

	const char		*name = d != NULL ? d->name : rec->name;
	unsigned		 domid = d != NULL ? d->domid : rec->domid;

	if ((inc = calloc(1, sizeof *inc)) == NULL ||
	    (inc->name = strdup(name != NULL ? name : "")) == NULL ||
	    (inc->ev_timer = evtimer_new(m->base, incident_timer_cb, inc)) ==
	    NULL) {
		log_warnx("domain %u: out of memory, crash not handled yet",
		    domid);
		if (inc != NULL) {
			free(inc->name);
			free(inc);
		}
		return;
	}
	inc->m = m;
	inc->domid = domid;
	memcpy(inc->uuid, d != NULL ? d->uuid : rec->uuid, sizeof inc->uuid);
	inc->reason = reason;
	inc->mem_bytes = d != NULL ? d->mem_bytes : 0;
	inc->gone = d == NULL;
	inc->when = rec != NULL ? rec->when : time(NULL);

	pd.domid = domid;
	pd.name = inc->name;
	pd.uuid = inc->uuid;
	pd.reason = reason;
	state_history(m->state, inc->name, &hist);
	policy_decide(m->conf, &pd, &hist, time(NULL), &inc->plan);
	inc->restart = *inc->plan.restart;
	inc->plan.restart = &inc->restart;
	inc->plan.rule = NULL;

	if (rec != NULL) {
		/* Resuming after a restart of the daemon: the decision was
		 * made then, rate limit included. */
		inc->plan.action = rec->action;
		inc->plan.suppressed = false;
		inc->plan.nsteps = plan_steps(rec->action, inc->plan.steps,
		    PLAN_MAX_STEPS);
		inc->step = rec->step;
		if (rec->coredump != NULL)
			inc->coredump = strdup(rec->coredump);
	} else if ((rec = state_add(m->state, domid, inc->uuid, inc->name,
	    reason, inc->when, inc->plan.action)) == NULL)
		log_warnx("domain %u: cannot record the crash (out of memory)",
		    domid);
	inc->rec = rec;

	if (d == NULL) {
		/* Resumed from the state file for a domain already gone:
		 * the crash was alerted by the run that began it. */
		log_info("domain %u (%s): resuming %s at its %s step",
		    inc->domid, inc->name, action_name(inc->plan.action),
		    inc->step < inc->plan.nsteps ?
		    step_name(inc->plan.steps[inc->step]) : "last");
		TAILQ_INSERT_TAIL(&m->incidents, inc, entry);
		incident_save(inc);
		incident_next(inc);
		return;
	}
	incident_fields(inc, &f);
	f.message_id = MSGID_CRASH_DETECTED;
	snprintf(extra, sizeof extra, "GUEST_MEMORY_BYTES=%llu",
	    (unsigned long long)inc->mem_bytes);
	f.extra[0] = extra;
	journal_send(LOG_CRIT, &f, "domain %u (%s) %s; %s %s%s", inc->domid,
	    inc->name, reason == REASON_CRASH ? "crashed" :
	    "was stopped by its watchdog",
	    inc->step > 0 ? "resuming" : "action",
	    action_name(inc->plan.action), m->dry_run ? " (dry run)" : "");
	if (inc->plan.suppressed) {
		f.message_id = MSGID_RESTART_SUPPRESSED;
		f.extra[0] = NULL;
		journal_send(LOG_CRIT, &f, "domain %u (%s): %u restarts within "
		    "%u s; not restarting again, falling back to %s (was %s)",
		    inc->domid, inc->name, inc->restart.burst,
		    inc->restart.interval, action_name(inc->plan.action),
		    action_name(inc->plan.requested));
	}

	d->incident = inc;
	TAILQ_INSERT_TAIL(&m->incidents, inc, entry);
	incident_save(inc);
	incident_next(inc);
}

/* A rescan no longer sees the domain. */
void
incident_gone(struct incident *inc)
{
	inc->gone = true;
	if (inc->dead || inc->step >= inc->plan.nsteps)
		return;
	/* A destroy waiting to be retried has nothing left to do; one that
	 * runs finds the domain gone by itself. */
	if (inc->plan.steps[inc->step] == STEP_DESTROY && inc->job == NULL &&
	    evtimer_pending(inc->ev_timer, NULL)) {
		evtimer_del(inc->ev_timer);
		incident_step_ok(inc, "gone meanwhile");
		incident_advance(inc);
		return;
	}
	if (inc->plan.steps[inc->step] == STEP_WAIT_GONE) {
		evtimer_del(inc->ev_timer);
		incident_step_ok(inc, "gone");
		incident_advance(inc);
	}
}

void
incident_free(struct incident *inc)
{
	dump_cancel(inc);
	if (inc->ev_timer != NULL)
		event_free(inc->ev_timer);
	free(inc->name);
	free(inc->coredump);
	free(inc->partial);
	free(inc);
}
