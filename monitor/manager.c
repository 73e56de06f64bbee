/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * manager.c: the one owner of everything, and the event loop around it.
 *
 * Every xenstore watch event means "something changed somewhere": the
 * manager rescans all domains with batched xc_domain_getinfolist calls
 * (one rescan per loop pass, however many events arrived), diffs against
 * the domain table and starts an incident for each newly crashed domain.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <systemd/sd-id128.h>

#include "crashwatchd.h"
#include "notify.h"

#define RESCAN_RETRY_SECS	1
#define RESCAN_SAFETY_SECS	60	/* a rescan even without events */
#define TICK_SECS		3	/* without a watchdog: xenstored's health */
#define RESCAN_DYING_SECS	1	/* while a domain is being torn down */
#define ADMIT_PER_PASS		4	/* crashes taken up in one loop pass */
#define JOBS_MAX		64	/* children, before crashes wait */
#define DRAIN_SECS		15	/* stopping: for commands to end */
#define DRAIN_POLL_MS		100

struct scan_ctx {
	struct manager	*m;
	unsigned	 crashed;
	unsigned	 dying;
	size_t		 seen;		/* tracked domains this scan found */
	time_t		 when;		/* one reading of the clock a scan */
};

static void	manager_status(struct manager *);

/*
 * The same domid and UUID, yet another domain: a guest whose
 * configuration pins both, destroyed and created again between two
 * scans.  A shut-down domain never runs again, and a domain's CPU time
 * never goes back.
 */
static bool
manager_new_instance(const struct domain *d, const struct hv_info *hi)
{
	enum dom_state	now;
	unsigned	code;

	now = hv_state(hi->flags, &code);
	if ((d->state == DOM_SHUTDOWN || d->state == DOM_DYING) &&
	    (now == DOM_RUNNING || now == DOM_PAUSED))
		return true;
	return hi->cpu_time < d->cpu_time;
}

/* Is an incident of ours working on this record? */
static bool
manager_busy(struct manager *m, const struct state_incident *si)
{
	struct incident	*inc;

	TAILQ_FOREACH(inc, &m->incidents, entry)
		if (inc->rec == si && !inc->dead)
			return true;
	return false;
}

/* Is SI about D: its domid and UUID, or the new UUID its rename-restart
 * gave it? */
static bool
manager_rec_is(const struct state_incident *si, const struct domain *d)
{
	return si->domid == d->domid && (strcmp(si->uuid, d->uuid) == 0 ||
	    incident_preserved_as(si->id, d->uuid));
}

/*
 * The record of D's crash: one of its domid and UUID that no incident of
 * ours works on.  One that an incident works on is another instance's: a
 * guest whose configuration pins both was destroyed and created again,
 * and crashed again, while its first crash was still being handled.  Its
 * new crash is a crash of its own; were it to take the record over, two
 * incidents would share it, and the one finishing last would write to it
 * after the first one's end and the domain's going had freed it.
 */
static struct state_incident *
manager_record(struct manager *m, const struct domain *d)
{
	struct state_incident	*si;

	/* A crash met for the first time has none: say so without a walk
	 * over every record (a storm's thousand, for each of its crashes). */
	if (!state_has_domid(m->state, d->domid))
		return NULL;
	TAILQ_FOREACH(si, &m->state->incidents, entry)
		if (manager_rec_is(si, d) && !manager_busy(m, si))
			return si;
	return NULL;
}

/* Is UUID, new on D's domid, the one our rename-restart gave it? */
static bool
manager_renamed(struct manager *m, const struct domain *d, const char *uuid)
{
	struct state_incident	*si;

	if (d->incident != NULL && incident_preserved_as(d->incident->id, uuid))
		return true;
	TAILQ_FOREACH(si, &m->state->incidents, entry)
		if (si->domid == d->domid && incident_preserved_as(si->id, uuid))
			return true;
	return false;
}

/*
 * A crashed domain at start-up that no record speaks of, whose UUID is
 * the ID of a crash our journal holds: a rename-restart of an earlier run
 * kept it under that UUID, and its state is lost.  It is handled.
 */
static bool
manager_kept_earlier(const struct domain *d)
{
	sd_id128_t	id;
	char		hex[33];

	if (!d->at_start || sd_id128_from_string(d->uuid, &id) < 0)
		return false;
	return journal_incident_alerted(sd_id128_to_string(id, hex)) == 1;
}

/*
 * Does xl act on D's crashes itself (its stored on_crash or on_watchdog
 * is not "preserve")?  Then two handlers would race for them (a restart
 * twice, a dump of a domain being destroyed): we only observe them, and
 * say once what to change.  Asked when D is first seen, and again when
 * it crashes if nothing was stored then: xl stores the configuration
 * only as "xl create" ends, after the domain appeared.
 */
static void
manager_xl_check(struct manager *m, struct domain *d)
{
	struct xl_actions	a;

	if (m->tk == NULL || d->domid == 0 || d->xl_known ||
	    toolstack_xl_actions(m->tk, d->domid, &a) != 0)
		return;
	d->xl_known = true;
	d->xl_crash = a.crash;
	d->xl_watchdog = a.watchdog;
	if (!a.crash && !a.watchdog)
		return;
	log_warnx("domain %u (%s): xl's own on_crash is \"%s\" and "
	    "on_watchdog \"%s\": xl acts on its %s itself, so this daemon "
	    "only observes %s (ACTION=observe).  To have them handled here, "
	    "set %s%s%s in its xl configuration", d->domid,
	    d->name != NULL ? d->name : "?", a.on_crash, a.on_watchdog,
	    a.crash && a.watchdog ? "crashes and watchdog expiries" :
	    a.crash ? "crashes" : "watchdog expiries",
	    a.crash && a.watchdog ? "them" : "those",
	    a.crash ? "on_crash = \"preserve\"" : "",
	    a.crash && a.watchdog ? " and " : "",
	    a.watchdog ? "on_watchdog = \"preserve\"" : "");
}

/* One domain from the walk: update the table, act on a new crash. */
static void
scan_cb(const struct hv_info *hi, void *arg)
{
	struct scan_ctx		*ctx = arg;
	struct manager		*m = ctx->m;
	struct domain		*d;
	struct state_incident	*rec;
	enum dom_state		 old;
	unsigned		 oldcode;
	enum reason		 reason;
	char			 uuid[37];
	bool			 fresh = false;

	/* Most scans find every domain as it was: compare the raw handle
	 * and format a UUID only for what is new or changed. */
	d = domain_find(&m->domains, hi->domid);
	if (d == NULL || memcmp(d->handle, hi->handle, sizeof d->handle) != 0)
		uuid_format(hi->handle, uuid);
	/* Our rename-restart gave it a new UUID: the same domain. */
	if (d != NULL && memcmp(d->handle, hi->handle, sizeof d->handle) != 0 &&
	    manager_renamed(m, d, uuid)) {
		memcpy(d->handle, hi->handle, sizeof d->handle);
		memcpy(d->uuid, uuid, sizeof d->uuid);
	}
	if (d != NULL && (memcmp(d->handle, hi->handle, sizeof d->handle) != 0 ||
	    manager_new_instance(d, hi))) {
		/* The domid was reused between two scans: the old domain is
		 * gone, this is a new one.  With the same UUID too, the old
		 * instance's finished record would pass for the new one's. */
		if (memcmp(d->handle, hi->handle, sizeof d->handle) == 0) {
			if ((rec = manager_record(m, d)) != NULL && rec->done)
				state_remove(m->state, rec);
			memcpy(uuid, d->uuid, sizeof uuid);
		}
		if (d->incident != NULL)
			incident_gone(d->incident);
		domain_remove(&m->domains, hi->domid);
		d = NULL;
	}
	if (d == NULL) {
		if ((d = domain_add(&m->domains, hi->domid)) == NULL) {
			log_warnx("domain %u: cannot track it", hi->domid);
			return;
		}
		memcpy(d->handle, hi->handle, sizeof d->handle);
		memcpy(d->uuid, uuid, sizeof d->uuid);
		fresh = true;
		d->at_start = !m->ready;
	}
	/* Read when first seen, so it is known after it is gone; read
	 * again when it crashes (manager_admit_cb).  A domain seen before
	 * the toolstack named it is asked again at each scan: a restart's
	 * guest is looked for by its name (step-restart.c). */
	if ((d->name == NULL || (d->name[0] == '\0' &&
	    d->name_gen != m->gen)) && hi->domid != 0) {
		free(d->name);
		d->name = xs_read_name(m, hi->domid);
		d->name_gen = m->gen;
	}
	if (fresh)
		manager_xl_check(m, d);
	old = d->state;
	oldcode = d->shutdown_code;
	d->gen = m->gen;
	ctx->seen++;
	d->cpu_time = hi->cpu_time;
	d->mem_bytes = hi->tot_pages * XC_PAGE_SIZE;
	d->state = hv_state(hi->flags, &d->shutdown_code);
	if (d->state == DOM_DYING)
		ctx->dying++;
	/* Only a domain already shut down at start-up can hold a crash that
	 * an earlier run alerted or kept: one seen running crashed since,
	 * and needs no look into the journal (incident_recall). */
	if (d->state != DOM_SHUTDOWN && d->state != DOM_DYING)
		d->at_start = false;

	if (policy_classify(d->domid, d->state == DOM_SHUTDOWN,
	    d->shutdown_code, &reason) != 0) {
		if (d->state == DOM_SHUTDOWN && hi->domid != 0 &&
		    (fresh || old != d->state || oldcode != d->shutdown_code))
			log_debug("domain %u (%s) shut down (%s): left to the "
			    "toolstack", d->domid, d->name ? d->name : "?",
			    shutdown_code_name(d->shutdown_code));
		return;
	}
	ctx->crashed++;
	if (d->incident != NULL || d->pending || d->kept || d->handled)
		return;
	rec = manager_record(m, d);
	if (rec != NULL && rec->done) {
		/* Its record stays while it is shut down (manager_prune):
		 * later scans need not look it up among all the others. */
		d->handled = true;
		if (fresh)
			log_debug("domain %u (%s): crash already handled (%s)",
			    d->domid, d->name ? d->name : "?",
			    action_name(rec->action));
		return;
	}
	/* Taken up after the scan, a few at a time (manager_admit_cb),
	 * dated by it: crashes one scan found share their second. */
	log_debug("domain %u (%s) found shut down (%s); queued", d->domid,
	    d->name != NULL ? d->name : "?",
	    shutdown_code_name(d->shutdown_code));
	d->crashed_at = ctx->when;
	d->pending = true;
	TAILQ_INSERT_TAIL(&m->domains.pending, d, pending_entry);
}

/*
 * Crashes found by the scans become incidents here, at most
 * ADMIT_PER_PASS a loop pass and only while fewer than JOBS_MAX children
 * run: a storm of thousands is taken up in small bites, and the loop
 * answers (watchdog pings, signals, xenstore) between them.  Each bite
 * costs a name read, a decision, an alert and a fork or two.
 */
static void
manager_admit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager		*m = arg;
	struct state_incident	*rec;
	struct domain		*d;
	struct timeval		 now = { 0, 0 };
	enum reason		 reason;
	unsigned		 n = 0;
	char			*name;

	(void)fd;
	(void)what;
	if (m->stopping)
		return;		/* the next start takes them up */
	while (n < ADMIT_PER_PASS && m->njobs < JOBS_MAX &&
	    (d = TAILQ_FIRST(&m->domains.pending)) != NULL) {
		TAILQ_REMOVE(&m->domains.pending, d, pending_entry);
		d->pending = false;
		if (d->incident != NULL || policy_classify(d->domid,
		    d->state == DOM_SHUTDOWN, d->shutdown_code, &reason) != 0)
			continue;
		rec = manager_record(m, d);
		if (rec != NULL && rec->done)
			continue;
		if (rec == NULL && manager_kept_earlier(d)) {
			d->kept = true;
			log_info("domain %u (%s) was kept by an earlier run's "
			    "rename-restart (its UUID is that crash's "
			    "INCIDENT_ID); leaving it alone", d->domid,
			    d->name != NULL ? d->name : "?");
			continue;
		}
		n++;
		/* Read the name again now that it matters, unless this
		 * very scan read it: a scan can see a domain that the
		 * toolstack made a moment ago and has not named yet ("",
		 * which matches no rule), and "xl rename" changes it. */
		if (d->name_gen != m->gen && m->xsh != NULL &&
		    (name = xs_read_name(m, d->domid)) != NULL) {
			free(d->name);
			d->name = name;
			d->name_gen = m->gen;
		}
		/* xl may have stored its settings after the first look. */
		manager_xl_check(m, d);
		if (d->name == NULL) {
			/* Rules match by name: acting without it could
			 * apply the wrong policy.  The rescan after
			 * reconnecting comes back. */
			log_debug("domain %u crashed; waiting for xenstore to "
			    "learn its name", d->domid);
			continue;
		}
		incident_start(m, d, reason, rec);
	}
	if (!TAILQ_EMPTY(&m->domains.pending) && m->njobs < JOBS_MAX)
		evtimer_add(m->ev_admit, &now);
	manager_status(m);
}

/* Forget records of domains that are gone and were finished with;
 * resume the plans that a stopped daemon left half-way. */
static void
manager_prune(struct manager *m)
{
	struct state_incident	*si, *next;
	struct domain		*d;

	for (si = TAILQ_FIRST(&m->state->incidents); si != NULL; si = next) {
		next = TAILQ_NEXT(si, entry);
		d = domain_find(&m->domains, si->domid);
		/*
		 * The crashed domain stays shut down until it is destroyed:
		 * one of its domid and UUID that runs is a new instance (a
		 * guest whose configuration pins both), and the record is
		 * about the old one, which is gone.
		 */
		if (d != NULL && manager_rec_is(si, d) &&
		    (d->state == DOM_SHUTDOWN || d->state == DOM_DYING))
			continue;
		if (!si->done) {
			if (manager_busy(m, si))
				continue;
			if (plan_resumable(si->action, si->step)) {
				incident_start(m, NULL, si->reason, si);
				continue;
			}
			log_info("domain %u (%s) is gone; the previous run "
			    "finished its %s", si->domid, si->name,
			    action_name(si->action));
		}
		state_remove(m->state, si);
	}
}

/* A crash in the journal that nobody holds: the run that alerted it
 * was killed before it saved, and the domain is gone since. */
struct recall_ctx {
	struct manager	*m;
	char		(*ids)[33];	/* every crash the journal holds */
	size_t		 nids;
};

/*
 * A crash in the journal that nobody holds and that did not finish: the
 * run that alerted it was killed before it saved, and the domain is
 * gone since.  (A crash whose domain is still there is found by the
 * scan and recalled by incident_recall().)
 */
static void
manager_recall_cb(const struct journal_crash *c, void *arg)
{
	struct recall_ctx	*ctx = arg;
	struct manager		*m = ctx->m;
	char			(*ids)[33];
	struct state_incident	*si;
	struct incident		*inc;
	struct domain		*d;
	enum action		 action;

	/* Its markers stay while the journal speaks of it: the scan may
	 * still recall it (incident_recall), finished or not. */
	if ((ids = reallocarray(ctx->ids, ctx->nids + 1, sizeof *ids)) != NULL) {
		ctx->ids = ids;
		memcpy(ids[ctx->nids++], c->id, sizeof *ids);
	}
	TAILQ_FOREACH(si, &m->state->incidents, entry)
		if (strcmp(si->id, c->id) == 0)
			return;
	TAILQ_FOREACH(inc, &m->incidents, entry)
		if (strcmp(inc->id, c->id) == 0)
			return;
	if (journal_incident_done(c->id) != 0)
		return;		/* finished, or the journal cannot say */
	if ((d = domain_find(&m->domains, c->domid)) != NULL &&
	    strcmp(d->uuid, c->uuid) == 0)
		return;		/* the scan has it */
	if (action_parse(c->action, &action) != 0 ||
	    (strcmp(c->reason, "crash") != 0 &&
	    strcmp(c->reason, "watchdog") != 0))
		return;
	si = state_add(m->state, c->domid, c->uuid, c->name,
	    strcmp(c->reason, "crash") == 0 ? REASON_CRASH : REASON_WATCHDOG,
	    (time_t)(c->usec / 1000000), action);
	if (si == NULL)
		return;
	memcpy(si->id, c->id, sizeof si->id);
	log_info("domain %u (%s): its crash was alerted by a run stopped "
	    "before it saved (INCIDENT_ID=%s), and it is gone since",
	    c->domid, c->name, c->id);
	incident_start(m, NULL, si->reason, si);
}

/*
 * At start-up, after the first scan: the journal is the proof of crash
 * alerts that the state file missed.  Then the start markers of
 * incidents nobody speaks of any more can go.
 */
static void
manager_recall(struct manager *m)
{
	struct recall_ctx	ctx = { m, NULL, 0 };
	int			r;

	if ((r = journal_recent_crashes(manager_recall_cb, &ctx)) != 0)
		log_debug("cannot read the journal: %s", strerror(-r));
	else
		started_sweep(m, (const char (*)[33])ctx.ids, ctx.nids);
	free(ctx.ids);
}

static void
manager_rescan(struct manager *m)
{
	struct scan_ctx	 ctx = { m, 0, 0, 0, time(NULL) };
	struct timeval	 tv = { RESCAN_RETRY_SECS, 0 }, now = { 0, 0 };
	struct domain	*d;
	unsigned	 i;
	int		 r;

	m->gen++;
	m->scanned_at = monotonic_ms();
	if ((r = hv_scan(m->xch, scan_cb, &ctx)) != 0) {
		/* A half-read walk must not look like domains going away. */
		log_warnx("scanning domains failed: %s; retrying in %d s",
		    strerror(-r), RESCAN_RETRY_SECS);
		event_add(m->ev_rescan, &tv);
		return;
	}
	/* The walk over every domid only when some tracked domain was
	 * not found: most scans find them all. */
	for (i = 0; i < DOMID_LIMIT && m->domains.count > ctx.seen; i++) {
		if ((d = m->domains.slot[i]) == NULL || d->gen == m->gen)
			continue;
		log_debug("domain %u (%s) is gone", d->domid,
		    d->name ? d->name : "?");
		if (d->incident != NULL)
			incident_gone(d->incident);
		if (d->destroyed)
			xs_forget(m, d->domid, d->uuid);
		domain_remove(&m->domains, i);
	}
	manager_prune(m);
	if (!m->ready && !m->dry_run)
		manager_recall(m);
	if (!TAILQ_EMPTY(&m->domains.pending))
		evtimer_add(m->ev_admit, &now);
	if (state_dirty(m->state))
		event_active(m->ev_sweep, EV_TIMEOUT, 0);
	m->dying = ctx.dying;
	if (!m->ready) {
		m->ready = true;
		log_info("watching %zu domains, %u crashed", m->domains.count,
		    ctx.crashed);
		notify_ready();
	}
	manager_status(m);
}

static void
manager_rescan_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;
	struct timeval	 tv = { RESCAN_DYING_SECS, 0 };

	(void)fd;
	(void)what;
	manager_rescan(m);
	/*
	 * xenstored fires @releaseDomain when it lets go of a dying domain,
	 * which Xen frees only afterwards: nothing says when it is finally
	 * gone, so look again soon while any domain is dying.  Otherwise
	 * the next event, or the safety rescan on the tick, comes back.
	 */
	if (m->dying > 0 && !evtimer_pending(m->ev_rescan, NULL))
		evtimer_add(m->ev_rescan, &tv);
}

/*
 * Hand the state to the writer if it changed, one text at a time: while
 * the writer has one, changes gather, and its end (manager_saved) sends
 * them all in one.  Serialising every record at every loop pass was most
 * of the daemon's work in a storm.  At exit (NOW) it goes at once.
 */
static void
manager_save(struct manager *m, bool now)
{
	struct state	*snap;

	if (!state_dirty(m->state) || m->writer == NULL)
		return;
	if (!now && m->saving)
		return;
	if ((snap = state_snapshot(m->state)) == NULL) {
		log_warnx("%s: cannot save the state: out of memory",
		    m->state->path);
		return;
	}
	state_writer_submit(m->writer, snap);
	m->state->submitted = m->state->version;
	m->saving = true;
}

/* The writer is through VERSION: incidents waiting for it go on, and
 * what changed meanwhile goes next. */
static void
manager_saved(uint64_t version, void *arg)
{
	struct manager	*m = arg;
	struct incident	*inc;

	m->saving = false;
	TAILQ_FOREACH(inc, &m->incidents, entry)
		incident_saved(inc, version);
	manager_save(m, false);
}

/* Report ID is on disk: its "detected" hooks may run now. */
static void
manager_report_written(const char *id, int error, void *arg)
{
	struct manager	*m = arg;
	struct incident	*inc;

	(void)error;	/* said by the writer; the hooks run all the same */
	TAILQ_FOREACH(inc, &m->incidents, entry)
		if (strcmp(inc->id, id) == 0 && inc->detect_wait)
			incident_detected(inc);
}

/* Finished incidents are freed here, never inside their callbacks. */
static void
manager_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;
	struct incident	*inc, *next;

	(void)fd;
	(void)what;
	for (inc = TAILQ_FIRST(&m->incidents); inc != NULL; inc = next) {
		next = TAILQ_NEXT(inc, entry);
		if (!inc->dead)
			continue;
		TAILQ_REMOVE(&m->incidents, inc, entry);
		incident_free(inc);
	}
	manager_save(m, false);
	manager_status(m);
}

static void
manager_status(struct manager *m)
{
	unsigned	 crashed = 0;
	struct incident	*inc;
	struct domain	*d;

	/* Crashes waiting to be taken up are being handled too. */
	TAILQ_FOREACH(inc, &m->incidents, entry)
		if (!inc->dead)
			crashed++;
	TAILQ_FOREACH(d, &m->domains.pending, pending_entry)
		crashed++;
	if (m->domains.count != m->metrics_domains ||
	    crashed != m->metrics_busy) {
		m->metrics_domains = m->domains.count;
		m->metrics_busy = crashed;
		metrics_changed(m);
	}
	notify_status("%s%zu domains, %u being handled, %u handled, "
	    "%u dumps running", m->xsh == NULL ? "waiting for xenstored; " :
	    "", m->domains.count, crashed, m->handled, m->dumps.running);
}

static void
manager_reload(struct manager *m)
{
	struct conf		*conf;
	struct conf_errors	 errs = { NULL, 0 };
	size_t			 i;

	notify_reloading();
	if (conf_load(m->conf_path, &conf, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			log_warnx("%s", errs.msgs[i]);
		log_warnx("reload failed: %zu errors; keeping the running "
		    "configuration", errs.n);
		conf_errors_clear(&errs);
		notify_ready();
		return;
	}
	if (strcmp(conf->state_dir, m->conf->state_dir) != 0)
		log_warnx("state_dir changes take effect at the next start");
	conf_free(m->conf);
	m->conf = conf;
	state_reconfigure(m->state, conf);
	if (m->reports != NULL)
		report_writer_set_max(m->reports, conf->incidents_max);
	/* No sweep of partial files here: a dump may be writing one.  The
	 * dump child creates a new directory itself. */
	log_info("configuration reloaded from %s", m->conf_path);
	notify_ready();
}

/* Is the drain over: nothing of ours running, or its time up? */
static void
manager_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;
	struct timespec	 now;
	struct timeval	 tv = { 0, DRAIN_POLL_MS * 1000 };

	(void)fd;
	(void)what;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (job_commands(m) == 0 && !toolstack_busy(m->tk)) {
		event_base_loopexit(m->base, NULL);
		return;
	}
	if (now.tv_sec >= m->drain_until.tv_sec) {
		log_warnx("stopping with %u commands still running; systemd "
		    "ends them, and the next start finishes their steps",
		    job_commands(m));
		event_base_loopexit(m->base, NULL);
		return;
	}
	evtimer_add(m->ev_drain, &tv);
}

/*
 * Stopping: no new step or incident begins (incident.c, the admission),
 * and the commands under way (a hook, "xl destroy", libxenlight's
 * teardown and its hotplug scripts) get up to DRAIN_SECS to end, so a
 * stop does not cut a teardown in half.  The unit's KillMode=mixed then
 * ends whatever is left.  Restart commands run by systemd are not ours
 * to wait for.
 */
static void
manager_drain(struct manager *m)
{
	unsigned	n = job_commands(m);

	if (n == 0 && !toolstack_busy(m->tk)) {
		event_base_loopexit(m->base, NULL);
		return;
	}
	log_info("stopping: waiting up to %d s for %u command%s and %s "
	    "teardown%s to end", DRAIN_SECS, n, n == 1 ? "" : "s",
	    toolstack_busy(m->tk) ? "a" : "no", toolstack_busy(m->tk) ?
	    "" : "s");
	clock_gettime(CLOCK_MONOTONIC, &m->drain_until);
	m->drain_until.tv_sec += DRAIN_SECS;
	if ((m->ev_drain = evtimer_new(m->base, manager_drain_cb, m)) == NULL)
		event_base_loopexit(m->base, NULL);
	else
		manager_drain_cb(-1, 0, m);
}

static void
manager_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct manager	*m = arg;

	(void)what;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (m->stopping) {
			log_info("stopping at once on a second SIG%s",
			    sigabbrev_np((int)sig));
			event_base_loopexit(m->base, NULL);
			break;
		}
		log_info("stopping on SIG%s", sigabbrev_np((int)sig));
		m->stopping = true;
		notify_stopping();
		manager_drain(m);
		break;
	case SIGHUP:
		manager_reload(m);
		break;
	case SIGCHLD:
		job_reap(m);
		break;
	}
}

/*
 * The loop's one wake-up on an idle host: systemd's watchdog ping (at
 * half its WatchdogSec), or every TICK_SECS without one.  The xenstore
 * liveness read and the safety rescan ride on it rather than keep
 * timers of their own, so an idle daemon sleeps between pings.  The
 * ping goes first: it says the loop came round, and a liveness read that
 * hangs on a hung xenstored then holds the next one back, for systemd.
 */
static void
manager_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;

	(void)fd;
	(void)what;
	if (m->watchdog)
		notify_watchdog();
	xs_liveness(m);
	if (m->ready && !evtimer_pending(m->ev_rescan, NULL) &&
	    monotonic_ms() - m->scanned_at + m->tick_usec / 2000 >=
	    RESCAN_SAFETY_SECS * 1000ULL)
		event_active(m->ev_rescan, EV_TIMEOUT, 0);
}

/* The spawning helper reaped a child of ours (spawner.c). */
static void
manager_spawn_ended(pid_t pid, int status, void *arg)
{
	job_exited(arg, pid, status);
}

/* The helper is gone, and the children it held with it. */
static void
manager_spawn_lost(void *arg)
{
	job_orphaned(arg);
}

/*
 * Set up everything but the watches: -EXIT_* style errors are returned as
 * negative exit statuses so that main can tell "not a dom0" apart.
 */
int
manager_init(struct manager *m, const char *conf_path, struct conf *conf,
    bool dry_run)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	size_t		 i;
	char		*dir;
	uint64_t	 wd;
	struct timeval	 tv;
	int		 r;

	memset(m, 0, sizeof *m);
	/* First, while the daemon is small and has one thread: the helper
	 * that forks our children (spawner.c). */
	if ((m->spawner = spawner_start()) == NULL)
		log_warn("cannot start the spawning helper; forking children "
		    "from the daemon");
	LIST_INIT(&m->jobs);
	TAILQ_INIT(&m->incidents);
	m->conf = conf;
	m->dry_run = dry_run;
	if ((m->conf_path = strdup(conf_path)) == NULL ||
	    domain_table_init(&m->domains) != 0 ||
	    (m->base = event_base_new()) == NULL ||
	    dump_queue_init(m) != 0)
		fatalx("out of memory");

	/* libxenstore flips SIGPIPE per request; ignore it once for all. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		m->ev_signals[i] = evsignal_new(m->base, sigs[i],
		    manager_signal_cb, m);
		if (m->ev_signals[i] == NULL || event_add(m->ev_signals[i],
		    NULL) != 0)
			fatalx("cannot set up signal handling");
	}
	if (m->spawner != NULL && spawner_attach(m->spawner, m->base,
	    manager_spawn_ended, manager_spawn_lost, m) != 0)
		fatalx("out of memory");
	m->ev_rescan = evtimer_new(m->base, manager_rescan_cb, m);
	m->ev_sweep = evtimer_new(m->base, manager_sweep_cb, m);
	m->ev_admit = evtimer_new(m->base, manager_admit_cb, m);
	if (m->ev_rescan == NULL || m->ev_sweep == NULL || m->ev_admit == NULL)
		fatalx("out of memory");

	if ((m->xch = hv_open()) == NULL) {
		log_warnx("cannot open the hypervisor interface "
		    "(/dev/xen/privcmd): %s. Is this a Xen dom0 with the "
		    "privcmd driver loaded?", strerror(errno));
		return -EXIT_NOTDOM0;
	}
	/* The default destroy, as xl's; absent, the hypercall.  A dry run
	 * opens it too, to tell the guests xl handles (it destroys none). */
	m->tk = toolstack_open(m->base);
	/* Restart commands as systemd's transient services; none here:
	 * as our children. */
	if (!dry_run)
		m->units = units_open(m->base);
	if ((m->state = state_load(conf)) == NULL)
		fatalx("out of memory");
	/* Before the first scan: the journal, read to learn what a killed
	 * run alerted, must hold all that run sent. */
	if (!dry_run && access("/run/systemd/journal/socket", W_OK) == 0 &&
	    (r = journal_barrier(3000000)) != 0)
		log_debug("the journal did not catch up: %s", strerror(-r));
	if (!dry_run && (m->writer = state_writer_start(m->base,
	    m->state->path, manager_saved, m)) == NULL)
		fatalx("cannot start the state writer: %s", strerror(errno));
	if (!dry_run) {
		if (asprintf(&dir, "%s/incidents", m->state->dir) == -1)
			fatalx("out of memory");
		m->reports = report_writer_start(m->base, dir,
		    conf->incidents_max, manager_report_written, m);
		if (m->reports == NULL)
			fatalx("cannot start the report writer: %s",
			    strerror(errno));
		free(dir);
	}
	if (!dry_run)
		dump_startup(m);
	/* In the background: xenstored may be late, or may never answer
	 * (xs-connect.c).  Until it does, the first scan goes ahead without names,
	 * and crashes wait for them. */
	if ((r = xs_start(m)) != 0)
		fatalx("cannot set up the xenstore connection: %s",
		    strerror(-r));
	if ((wd = notify_watchdog_interval()) > 0)
		m->watchdog = true;
	else
		wd = TICK_SECS * 1000000ULL;
	m->tick_usec = wd;
	if ((m->ev_tick = event_new(m->base, -1, EV_PERSIST, manager_tick_cb,
	    m)) == NULL)
		fatalx("out of memory");
	tv.tv_sec = (time_t)(wd / 1000000);
	tv.tv_usec = (suseconds_t)(wd % 1000000);
	event_add(m->ev_tick, &tv);
	return 0;
}

int
manager_run(struct manager *m)
{
	log_info("started%s, configuration %s", m->dry_run ?
	    " in dry-run mode (nothing will be done)" : "", m->conf_path);
	event_base_dispatch(m->base);
	job_kill_all(m);
	metrics_stop(m);
	manager_save(m, true);
	if (state_writer_stop(m->writer) != 0)
		log_warnx("%s: the last state could not be saved",
		    m->state->path);
	m->writer = NULL;
	report_writer_stop(m->reports);
	m->reports = NULL;
	return 0;
}

void
manager_free(struct manager *m)
{
	struct incident	*inc;
	size_t		 i;

	while (!LIST_EMPTY(&m->jobs))
		job_free(LIST_FIRST(&m->jobs));
	while ((inc = TAILQ_FIRST(&m->incidents)) != NULL) {
		TAILQ_REMOVE(&m->incidents, inc, entry);
		incident_free(inc);
	}
	dump_queue_free(m);
	spawner_stop(m->spawner);
	m->spawner = NULL;
	xenlog_free(m);
	state_writer_stop(m->writer);
	report_writer_stop(m->reports);
	xs_stop(m);
	toolstack_close(m->tk);
	m->tk = NULL;
	units_close(m->units);
	m->units = NULL;
	if (m->ev_reconnect != NULL)
		event_free(m->ev_reconnect);
	if (m->ev_xs_wait != NULL)
		event_free(m->ev_xs_wait);
	hv_close(m->xch);
	for (i = 0; i < sizeof m->ev_signals / sizeof m->ev_signals[0]; i++)
		if (m->ev_signals[i] != NULL)
			event_free(m->ev_signals[i]);
	if (m->ev_rescan != NULL)
		event_free(m->ev_rescan);
	if (m->ev_sweep != NULL)
		event_free(m->ev_sweep);
	if (m->ev_admit != NULL)
		event_free(m->ev_admit);
	m->ev_admit = NULL;
	if (m->ev_drain != NULL)
		event_free(m->ev_drain);
	if (m->ev_metrics != NULL)
		event_free(m->ev_metrics);
	if (m->ev_tick != NULL)
		event_free(m->ev_tick);
	domain_table_free(&m->domains);
	state_free(m->state);
	conf_free(m->conf);
	if (m->base != NULL)
		event_base_free(m->base);
	free(m->conf_path);
}
