/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * incident.c: carrying out the plan for one crashed domain, step by step.
 *
 * An incident owns copies of everything it needs (name, uuid, restart
 * limits), so a reload or the domain going away never leaves it pointing
 * at freed memory.  Each kind of step is an entry of a table (step-*.c):
 * how it starts, and what it does when its child ends, its dump ends, its
 * timer fires or the domain goes.  Each returns what the incident waits
 * for next; WAIT_NONE moves on, in a loop here, never by recursion.
 *
 * The state record is updated after every step, so a daemon killed
 * half-way resumes at the step it was in, and never acts twice on a step
 * done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <systemd/sd-id128.h>

#include "crashwatchd.h"
#include "killpoint.h"

static const struct step_kind *const step_kinds[] = {
	[STEP_DUMP] = &step_dump,
	[STEP_DESTROY] = &step_destroy,
	[STEP_WAIT_GONE] = &step_wait_gone,
	[STEP_RENAME] = &step_rename,
	[STEP_RESTART] = &step_restart,
	[STEP_HOOKS] = &step_hooks,
};

static void	incident_collect(struct incident *);
static void	incident_go(struct incident *);
static bool	incident_hooks_for(const struct incident *, unsigned);
static void	incident_detect_hooks(struct incident *, bool);
static void	incident_detect_timer_cb(evutil_socket_t, short, void *);

/* Seconds "detected" hooks wait for the report they are given. */
#define DETECT_WAIT_SECS	2

static const struct step_kind *
incident_kind(const struct incident *inc)
{
	return step_kinds[inc->plan.steps[inc->step]];
}

/* Progress goes to the state record; saved once per loop pass. */
static void
incident_record(struct incident *inc)
{
	struct manager	*m = inc->m;

	/* Through, but for its "detected" hooks: a run killed now must
	 * come back to the last step (hooks, whose markers it finds),
	 * not take the plan for one that ended. */
	state_progress(m->state, inc->rec, (unsigned)(inc->step <
	    inc->plan.nsteps || inc->plan.nsteps == 0 ? inc->step :
	    inc->plan.nsteps - 1), inc->coredump);
	if (inc->rec != NULL && inc->failed && !inc->rec->failed) {
		inc->rec->failed = true;
		state_changed(m->state);
	}
	if (state_dirty(m->state))
		event_active(m->ev_sweep, EV_TIMEOUT, 0);
}

/* The current step begins: it is "ok" until it says otherwise. */
static enum incident_wait
incident_step_start(struct incident *inc)
{
	snprintf(inc->step_result, sizeof inc->step_result, "ok");
	report_step(inc, true);
	return incident_kind(inc)->start(inc);
}

/* The plan is through: record the outcome, once.  Hooks run at the
 * crash's detection still have the incident: it ends with them. */
static void
incident_finish(struct incident *inc)
{
	struct manager		*m = inc->m;
	struct domain		*d;
	const char		*result = inc->failed ? "failed" : "ok";

	if (inc->detect_wait || inc->detect_left > 0) {
		inc->finish_wait = true;
		return;
	}
	inc->finish_wait = false;
	report_end(inc, result);
	report_save(inc);

	incident_log(inc, inc->failed ? LOG_ERR : LOG_NOTICE,
	    inc->failed ? MSGID_ACTION_FAILED : MSGID_ACTION_DONE, result, NULL,
	    "domain %u (%s): %s %s%s", inc->domid, inc->name,
	    action_name(inc->plan.action),
	    inc->failed ? "finished with failures" : "done",
	    m->dry_run ? " (dry run)" : "");
	metrics_action(m, inc->plan.action, inc->failed);
	if (inc->rec != NULL) {
		inc->rec->done = true;
		free(inc->rec->result);
		inc->rec->result = strdup(result);
		state_changed(m->state);
	}
	m->handled++;
	if ((d = domain_find(&m->domains, inc->domid)) != NULL &&
	    d->incident == inc)
		d->incident = NULL;
	inc->dead = true;
	KILL_POINT("finished");
	/* Freed and saved there, never inside a callback of its own. */
	event_active(m->ev_sweep, EV_TIMEOUT, 0);
}

/*
 * Run steps from the current one until one waits or the plan is through.
 * WAIT is what the current step said: WAIT_NONE means it is over.
 */
static void
incident_run(struct incident *inc, enum incident_wait wait)
{
	inc->wait = wait;
	while (!inc->dead && inc->wait == WAIT_NONE) {
		if (inc->step < inc->plan.nsteps) {
			/* The current step is over: on to the next. */
			report_step(inc, false);
			report_save(inc);
			inc->step = inc->skip_to > inc->step ? inc->skip_to :
			    inc->step + 1;
			inc->skip_to = 0;
			incident_record(inc);
		}
		if (inc->step >= inc->plan.nsteps) {
			incident_finish(inc);
			return;
		}
		if (inc->m->stopping)
			break;	/* recorded: the next start begins it */
		inc->wait = incident_step_start(inc);
	}
	incident_record(inc);
}

/* Begin at the current step, which has not started yet. */
static void
incident_begin(struct incident *inc)
{
	KILL_POINT("plan-begun");
	incident_record(inc);
	if (inc->step >= inc->plan.nsteps) {
		incident_finish(inc);
		return;
	}
	if (inc->m->stopping)
		return;
	incident_run(inc, incident_step_start(inc));
}

/* The current step's own operation ended (libxenlight's destroy): WAIT
 * is what the step does next, as from its start. */
void
incident_continue(struct incident *inc, enum incident_wait wait)
{
	if (inc->dead || inc->step >= inc->plan.nsteps)
		return;
	incident_run(inc, wait);
}

/* A child of the current step ended. */
static void
incident_job_done(struct job *job, void *arg)
{
	struct incident	*inc = arg;

	if (inc->job == job)
		inc->job = NULL;
	if (inc->dead || inc->step >= inc->plan.nsteps ||
	    incident_kind(inc)->job_done == NULL)
		return;
	incident_run(inc, incident_kind(inc)->job_done(inc, job));
}

/* The current step's dump ended. */
static void
incident_dump_done(const struct dump_result *res, void *arg)
{
	struct incident	*inc = arg;

	inc->dump = NULL;
	if (inc->dead || inc->step >= inc->plan.nsteps ||
	    incident_kind(inc)->dump_done == NULL)
		return;
	incident_run(inc, incident_kind(inc)->dump_done(inc, res));
}

static void
incident_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct incident	*inc = arg;

	(void)fd;
	(void)what;
	if (inc->dead || inc->step >= inc->plan.nsteps ||
	    incident_kind(inc)->timer == NULL)
		return;
	incident_run(inc, incident_kind(inc)->timer(inc));
}

/* A rescan no longer sees the domain. */
void
incident_gone(struct incident *inc)
{
	inc->gone = true;
	/* Not begun yet: its first step sees inc->gone. */
	if (inc->dead || inc->wait == WAIT_SAVED ||
	    inc->wait == WAIT_EVIDENCE ||
	    inc->step >= inc->plan.nsteps ||
	    incident_kind(inc)->gone == NULL)
		return;
	incident_run(inc, incident_kind(inc)->gone(inc));
}

/*
 * A crash found at start-up with no record: was it alerted by a run
 * killed before it saved its state?  The journal says; then this is
 * that incident, under its ID and its name then (a rename-restart may
 * have renamed the domain), going on from what the world shows.
 */
static void
incident_recall(struct incident *inc)
{
	struct journal_crash	 c;
	char			*n;

	if (journal_find_crash(inc->domid, inc->uuid, inc->cpu_time, &c) != 0)
		return;
	memcpy(inc->id, c.id, sizeof inc->id);
	inc->when = (time_t)(c.usec / 1000000);
	inc->resumed = true;
	if (c.name[0] != '\0' && strcmp(c.name, inc->name) != 0 &&
	    (n = strdup(c.name)) != NULL) {
		free(inc->name);
		inc->name = n;
	}
	log_info("domain %u (%s): its crash was alerted by a run stopped "
	    "before it saved (INCIDENT_ID=%s); going on", inc->domid,
	    inc->name, inc->id);
}

/*
 * A new INCIDENT_ID: 128 random bits as 32 hex digits.  Early in a
 * dom0's boot the kernel may not have the entropy sd_id128_randomize
 * asks for; then the ID is made unique another way (this boot's ID,
 * the time and a counter), never left at zero: start markers and the
 * journal tell incidents apart by it.
 */
static void
incident_new_id(char *out)
{
	static uint64_t	 count;
	sd_id128_t	 id;
	struct timespec	 ts;

	if (sd_id128_randomize(&id) < 0) {
		if (sd_id128_get_boot(&id) < 0)
			memset(&id, 0, sizeof id);
		clock_gettime(CLOCK_REALTIME, &ts);
		id.qwords[0] ^= (uint64_t)ts.tv_sec * 1000000000u +
		    (uint64_t)ts.tv_nsec;
		id.qwords[1] ^= ++count ^ ((uint64_t)getpid() << 32);
	}
	sd_id128_to_string(id, out);
}

/*
 * The UUID a rename-restart gives the crashed domain it keeps: its
 * incident's ID, written as a UUID (a random version 4 one), so that the
 * domain names its incident in "xl list -v", and a restarted daemon
 * knows it for the one it preserved from the hypervisor alone.
 */
void
incident_preserved_uuid(const char *id, char *out)
{
	sd_id128_t	x;

	if (sd_id128_from_string(id, &x) < 0)
		memset(&x, 0, sizeof x);
	sd_id128_to_uuid_string(x, out);
}

/* Is UUID the one incident ID's rename-restart gave its domain? */
bool
incident_preserved_as(const char *id, const char *uuid)
{
	sd_id128_t	a, b;

	return sd_id128_from_string(id, &a) >= 0 &&
	    sd_id128_from_string(uuid, &b) >= 0 && sd_id128_equal(a, b);
}

/*
 * The crash record, with what the guest and Xen said about it, and the
 * alert when the restart limit was reached.  Its record says it was
 * sent, so that a restarted daemon does not send it again.
 */
static void
incident_alert(struct incident *inc)
{
	struct manager	*m = inc->m;
	char		 mem[64], cpu[64], *ev[EVIDENCE_FIELDS];
	const char	*extra[2 + EVIDENCE_FIELDS + 1];
	const char	*why = inc->ev.summary;
	size_t		 i, n;

	snprintf(mem, sizeof mem, "GUEST_MEMORY_BYTES=%llu",
	    (unsigned long long)inc->mem_bytes);
	/* Frozen since the crash: tells this instance from a later one
	 * of the same domid and UUID (incident_recall). */
	snprintf(cpu, sizeof cpu, "DOMAIN_CPU_TIME_NS=%llu",
	    (unsigned long long)inc->cpu_time);
	extra[0] = mem;
	extra[1] = cpu;
	n = evidence_fields(&inc->ev, ev, EVIDENCE_FIELDS);
	for (i = 0; i < n; i++)
		extra[2 + i] = ev[i];
	extra[2 + n] = NULL;
	incident_log(inc, LOG_CRIT, MSGID_CRASH_DETECTED, NULL, extra,
	    "domain %u (%s) %s%s%s; action %s%s", inc->domid, inc->name,
	    inc->reason == REASON_CRASH ? "crashed" :
	    "was stopped by its watchdog", why != NULL ? ": " : "",
	    why != NULL ? why : "", action_name(inc->plan.action),
	    m->dry_run ? " (dry run)" : "");
	for (i = 0; i < n; i++)
		free(ev[i]);
	if (inc->plan.suppressed)
		incident_log(inc, LOG_CRIT, MSGID_RESTART_SUPPRESSED, NULL, NULL,
		    "domain %u (%s): %u restarts within %u s; not restarting "
		    "again, falling back to %s (was %s)", inc->domid, inc->name,
		    inc->restart.burst, inc->restart.interval,
		    action_name(inc->plan.action),
		    action_name(inc->plan.requested));
	metrics_crash(m, inc->reason, inc->when, inc->plan.suppressed);
	if (inc->rec != NULL) {
		inc->rec->alerted = true;
		state_changed(m->state);
	}
}

/*
 * The plan: decided now by the policy, or, for a crash a killed run
 * began (REC), the one decided then, rate limit included, at the step it
 * had reached.  A new crash gets its record and counts against the
 * restart limit at once, so two crashes decided in one pass cannot both
 * pass it.
 */
static void
incident_plan(struct incident *inc, struct state_incident *rec)
{
	struct manager		*m = inc->m;
	struct policy_domain	 pd;
	struct restart_history	 hist;

	pd.domid = inc->domid;
	pd.name = inc->name;
	pd.uuid = inc->uuid;
	pd.reason = inc->reason;
	pd.toolstack_acts = inc->toolstack_acts;
	state_history(m->state, inc->name, &hist);
	policy_decide(m->conf, &pd, &hist, time(NULL), &inc->plan);
	inc->restart = *inc->plan.restart;
	inc->plan.restart = &inc->restart;
	inc->plan.rule = NULL;

	if (rec != NULL) {
		inc->resumed = true;
		inc->plan.action = rec->action;
		inc->plan.suppressed = rec->suppressed;
		inc->plan.requested = rec->suppressed ? rec->requested :
		    rec->action;
		inc->failed = rec->failed;
		inc->plan.nsteps = plan_steps(rec->action, inc->plan.steps,
		    PLAN_MAX_STEPS);
		inc->step = rec->step;
		if (rec->coredump != NULL)
			inc->coredump = strdup(rec->coredump);
		if (rec->id[0] == '\0')
			incident_new_id(rec->id);
		memcpy(inc->id, rec->id, sizeof inc->id);
	} else {
		if (!inc->resumed)
			incident_new_id(inc->id);
		if ((rec = state_add(m->state, inc->domid, inc->uuid, inc->name,
		    inc->reason, inc->when, inc->plan.action)) == NULL)
			log_warnx("domain %u: cannot record the crash (out of "
			    "memory)", inc->domid);
		else {
			memcpy(rec->id, inc->id, sizeof rec->id);
			/* Recalled from the journal: alerted then. */
			rec->alerted = inc->resumed;
			rec->suppressed = inc->plan.suppressed;
			rec->requested = inc->plan.requested;
		}
		if (action_restarts(inc->plan.action))
			state_restarted(m->state, inc->name, time(NULL),
			    inc->restart.interval);
	}
	inc->rec = rec;
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
	/* A resumed crash keeps its name then: a rename-restart may have
	 * renamed the domain since. */
	const char		*name = rec != NULL ? rec->name : d->name;
	unsigned		 domid = d != NULL ? d->domid : rec->domid;

	if ((inc = calloc(1, sizeof *inc)) == NULL ||
	    (inc->name = strdup(name != NULL ? name : "")) == NULL ||
	    (inc->ev_timer = evtimer_new(m->base, incident_timer_cb, inc)) ==
	    NULL || (inc->ev_detect = evtimer_new(m->base,
	    incident_detect_timer_cb, inc)) == NULL) {
		log_warnx("domain %u: out of memory, crash not handled yet",
		    domid);
		if (inc != NULL) {
			if (inc->ev_timer != NULL)
				event_free(inc->ev_timer);
			free(inc->name);
			free(inc);
		}
		return;
	}
	inc->m = m;
	inc->domid = domid;
	/* The guest's own UUID: after a rename-restart the domain has the
	 * incident's (step-rename.c). */
	memcpy(inc->uuid, rec != NULL ? rec->uuid : d->uuid, sizeof inc->uuid);
	inc->reason = reason;
	inc->mem_bytes = d != NULL ? d->mem_bytes : 0;
	inc->cpu_time = d != NULL ? d->cpu_time : 0;
	inc->gone = d == NULL;
	inc->when = rec != NULL ? rec->when : d->crashed_at != 0 ?
	    d->crashed_at : time(NULL);
	inc->job_done = incident_job_done;
	inc->dump_done = incident_dump_done;
	inc->toolstack_acts = d != NULL && (reason == REASON_CRASH ?
	    d->xl_crash : d->xl_watchdog);
	if (rec == NULL && d != NULL && d->at_start)
		incident_recall(inc);

	incident_plan(inc, rec);
	TAILQ_INSERT_TAIL(&m->incidents, inc, entry);
	if (d != NULL)
		d->incident = inc;

	inc->new_rec = rec == NULL;
	if (!inc->new_rec && inc->rec != NULL && !inc->rec->alerted &&
	    inc->rec->step == 0 && journal_incident_alerted(inc->rec->id) == 1)
		inc->rec->alerted = true;
	if (inc->resumed && (inc->rec == NULL || inc->rec->alerted)) {
		log_info("domain %u (%s): resuming %s at its %s step",
		    inc->domid, inc->name, action_name(inc->plan.action),
		    inc->step < inc->plan.nsteps ?
		    step_name(inc->plan.steps[inc->step]) : "last");
		if (report_begin(inc))
			incident_detect_hooks(inc, true);
		else {
			report_save(inc);
			incident_detect_hooks(inc, false);
		}
		incident_go(inc);
		return;
	}
	incident_collect(inc);
}

/*
 * The evidence is in (or could not be had): the crash record, then the
 * plan.
 */
static void
incident_evidence_end(struct incident *inc)
{
	const char	*err;

	KILL_POINT("evidence-read");
	inc->wait = WAIT_NONE;
	inc->ev.part[EV_XEN] = xenlog_take(inc->m, inc->domid, &err);
	if (err != NULL)
		inc->ev.error[EV_XEN] = strdup(err);
	evidence_summarize(&inc->ev);
	incident_alert(inc);
	KILL_POINT("crash-alerted");
	report_begin(inc);
	report_save(inc);
	incident_detect_hooks(inc, false);
	incident_go(inc);
}

/*
 * The "detected" hooks run once the report they are given is on disk
 * (manager_report_written); at once when it is there already (ON_DISK:
 * a killed run wrote it) or there is none to wait for.  A killed run
 * that began them left markers: they do not run twice.
 */
static void
incident_detect_hooks(struct incident *inc, bool on_disk)
{
	struct timeval	tv = { DETECT_WAIT_SECS, 0 };

	if (!incident_hooks_for(inc, HOOK_EVENT_DETECTED))
		return;
	inc->detect_wait = true;
	if (inc->report == NULL || on_disk || !inc->report_submitted)
		incident_detected(inc);
	else
		evtimer_add(inc->ev_detect, &tv);
}

/* The report is slow to reach the disk (a dump filling it): the page
 * goes out all the same. */
static void
incident_detect_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct incident	*inc = arg;

	(void)fd;
	(void)what;
	if (inc->detect_wait)
		log_warnx("domain %u (%s): its report is not on disk after "
		    "%d s; running the crash-detected hooks without it",
		    inc->domid, inc->name, DETECT_WAIT_SECS);
	incident_detected(inc);
}

/* Does any hook run for EVENT? */
static bool
incident_hooks_for(const struct incident *inc, unsigned event)
{
	size_t	i;

	for (i = 0; i < inc->m->conf->nhooks; i++)
		if (inc->m->conf->hooks[i].events & event)
			return true;
	return false;
}

/* A "detected" hook ended; the last lets a finished plan end. */
static void
incident_detect_hook_done(struct job *job, void *arg)
{
	struct incident	*inc = arg;

	hooks_ended(inc, HOOK_EVENT_DETECTED, job);
	report_save(inc);
	if (inc->detect_left > 0 && --inc->detect_left == 0 &&
	    inc->finish_wait)
		incident_finish(inc);
}

/* The crash's report is on disk: run the hooks that page about it,
 * beside the plan. */
void
incident_detected(struct incident *inc)
{
	if (!inc->detect_wait || inc->dead)
		return;
	inc->detect_wait = false;
	evtimer_del(inc->ev_detect);
	inc->detect_left = hooks_start(inc, HOOK_EVENT_DETECTED,
	    incident_detect_hook_done);
	if (inc->detect_left == 0 && inc->finish_wait)
		incident_finish(inc);
}

static void
incident_evidence_done(struct job *job, void *arg)
{
	struct incident	*inc = arg;
	char		 cause[128];

	inc->ev_job = NULL;
	if (inc->dead || inc->wait != WAIT_EVIDENCE)
		return;
	if (job_ok(job))
		evidence_parse(&inc->ev, job->out, job->outlen, NULL);
	else
		evidence_parse(&inc->ev, job->out, job->outlen,
		    job_cause(job, cause, sizeof cause));
	incident_evidence_end(inc);
}

/*
 * Before anything touches the domain, read what it left: its console,
 * its vCPUs (evidence-child.c), in a child under the evidence deadline.
 */
static void
incident_collect(struct incident *inc)
{
	struct manager	*m = inc->m;
	struct spawn_req req;
	char		 what[64];

	if (m->dry_run) {
		evidence_parse(&inc->ev, NULL, 0, "not read in a dry run");
		incident_evidence_end(inc);
		return;
	}
	if (inc->gone) {
		inc->ev.error[EV_CONSOLE] = strdup("the domain was gone "
		    "before it could be read");
		inc->ev.error[EV_VCPUS] = strdup(inc->ev.error[EV_CONSOLE] !=
		    NULL ? inc->ev.error[EV_CONSOLE] : "gone");
		incident_evidence_end(inc);
		return;
	}
	memset(&req, 0, sizeof req);
	req.kind = SPAWN_EVIDENCE;
	req.domid = inc->domid;
	memcpy(req.uuid, inc->uuid, sizeof req.uuid);
	req.too_long = (size_t)snprintf(req.name, sizeof req.name, "%s",
	    inc->name) >= sizeof req.name || (size_t)snprintf(req.log_dir,
	    sizeof req.log_dir, "%s", m->conf->evidence.console_log_dir) >=
	    sizeof req.log_dir;
	snprintf(what, sizeof what, "evidence of domain %u", inc->domid);
	inc->ev_job = job_helper(m, what, &req, m->conf->evidence.timeout,
	    incident_evidence_done, inc);
	if (inc->ev_job == NULL) {
		log_warn("domain %u: cannot start reading its evidence",
		    inc->domid);
		evidence_parse(&inc->ev, NULL, 0, "the reader could not "
		    "be started");
		incident_evidence_end(inc);
		return;
	}
	inc->wait = WAIT_EVIDENCE;
}

/*
 * A crash this run took up acts only once its record (the plan, the
 * restart counted against the limit) is on disk: a daemon killed after
 * the first step began then finds the record, and resumes without
 * alerting or deciding again.  Records a killed run saved are on disk
 * already.
 */
static void
incident_go(struct incident *inc)
{
	struct manager	*m = inc->m;

	if (inc->new_rec && inc->rec != NULL && m->writer != NULL) {
		inc->rec_version = m->state->version;
		inc->wait = WAIT_SAVED;
		incident_record(inc);
		return;
	}
	incident_begin(inc);
}

/* The state writer is through VERSION: begin if that holds the record. */
void
incident_saved(struct incident *inc, uint64_t version)
{
	if (inc->dead || inc->wait != WAIT_SAVED || version < inc->rec_version)
		return;
	inc->wait = WAIT_NONE;
	incident_begin(inc);
}

void
incident_free(struct incident *inc)
{
	if (inc->dump != NULL)
		dump_cancel(inc->m, inc->dump);
	if (inc->ev_timer != NULL)
		event_free(inc->ev_timer);
	if (inc->ev_detect != NULL)
		event_free(inc->ev_detect);
	evidence_clear(&inc->ev);
	report_free(inc);
	free(inc->name);
	free(inc->coredump);
	free(inc);
}
