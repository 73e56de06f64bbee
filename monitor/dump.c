/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump.c: the parent side of core dumps.
 *
 * Dumps are queued; at most dump.max_parallel children run at once, each
 * under the dump.timeout deadline.  A queued domain stays crashed until
 * its turn.  The child (dump-child.c) reports what it did on a pipe
 * (dump-report.c); whoever asked for the dump hears the outcome through
 * the callback it gave, however the dump ends.  This file knows nothing
 * of incidents.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <dirent.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "crashwatchd.h"
#include "killpoint.h"
#include "dump-child.h"

struct dump {
	TAILQ_ENTRY(dump) entry;	/* while waiting */
	bool		 waiting;
	struct manager	*m;
	struct dump_req	 req;		/* strings below are its own */
	char		*name;
	char		 uuid[37];
	char		*partial;	/* the running child's temporary file */
	struct job	*job;
	dump_done_cb	*done;		/* NULL once cancelled */
	void		*arg;
};

static void	dump_kick(struct manager *);

static void
dump_free(struct dump *dp)
{
	free(dp->name);
	free(dp->partial);
	free(dp);
}

/*
 * In the child: die with the daemon, so no orphan finishes a dump that a
 * restarted daemon would start again; and dump only the crashed domain,
 * never a newcomer that took its domid.
 */
static int
dump_child_fn(void *arg, int fd)
{
	struct dump	*dp = arg;
	xc_interface	*xch;
	int		 same;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;
	if ((xch = hv_open()) != NULL) {
		same = hv_same(xch, dp->req.domid, dp->uuid);
		hv_close(xch);
		if (same == 0) {
			dump_report_line(fd, "failed gone %d the domain is gone",
			    ESRCH);
			return DUMP_EXIT(DUMP_FAIL_GONE);
		}
	}
	return dump_child_main(&dp->req, fd);
}

/* The child ended: read its report, tell the asker, free the slot. */
static void
dump_job_done(struct job *job, void *arg)
{
	struct dump		*dp = arg;
	struct manager		*m = dp->m;
	struct dump_report	 rep;
	struct dump_result	 res;
	char			 cause[128], detail[512];

	dp->job = NULL;
	TAILQ_REMOVE(&m->dumps.active, dp, entry);
	m->dumps.running--;
	memset(&res, 0, sizeof res);
	if (dump_report_parse(job->out != NULL ? job->out : "", &rep) != 0)
		memset(&rep, 0, sizeof rep);
	if (rep.bad > 0)
		log_warnx("%s: %u report lines could not be read", job->what,
		    rep.bad);
	job_cause(job, cause, sizeof cause);
	res.evicted = rep.evicted;
	res.nevicted = rep.nevicted;
	if (rep.done && job_ok(job)) {
		res.ok = true;
		res.path = rep.path;
		res.guest_bytes = rep.guest_bytes;
		res.disk_bytes = rep.disk_bytes;
		res.usec = rep.usec;
		res.profile = rep.has_profile ? &rep.profile : NULL;
	} else {
		if (job->flags & JOB_TERMED) {
			res.reason = "timeout";
			res.detail = cause;
		} else if (rep.reason == NULL) {
			res.reason = "error";
			res.detail = cause;
		} else {
			res.reason = rep.reason;
			if (rep.message != NULL) {
				snprintf(detail, sizeof detail, "%s",
				    rep.message);
				res.detail = detail;
			}
		}
		/* A killed child cannot clean up after itself. */
		if (dp->partial != NULL && unlink(dp->partial) == 0)
			log_info("removed %s left by the dump", dp->partial);
	}
	if (dp->done != NULL)
		dp->done(&res, dp->arg);
	dump_report_free(&rep);
	dump_free(dp);
	dump_kick(m);
}

/* Start waiting dumps while there is room. */
static void
dump_kick(struct manager *m)
{
	struct dump	*dp;
	struct dump_result res;
	char		 what[128], name[NAME_MAX + 1];

	while (m->dumps.running < m->conf->dump.max_parallel &&
	    (dp = TAILQ_FIRST(&m->dumps.waiting)) != NULL) {
		TAILQ_REMOVE(&m->dumps.waiting, dp, entry);
		dp->waiting = false;
		/* The directory and limits in force now, and where the child
		 * writes, kept for cleaning up after a kill: a reload may
		 * change the directory meanwhile. */
		dp->req.conf = &m->conf->dump;
		if (dump_file_name(dp->name, dp->uuid, dp->req.when,
		    m->conf->dump.compress, name, sizeof name) == 0 &&
		    asprintf(&dp->partial, "%s/.%s.partial",
		    m->conf->dump.directory, name) == -1)
			dp->partial = NULL;
		snprintf(what, sizeof what, "dump of %s", dp->name);
		dp->job = job_fork(m, what, dump_child_fn, dp,
		    m->conf->dump.timeout, dump_job_done, dp);
		if (dp->job == NULL) {
			memset(&res, 0, sizeof res);
			res.reason = "fork";
			res.detail = strerror(errno);
			if (dp->done != NULL)
				dp->done(&res, dp->arg);
			dump_free(dp);
			continue;
		}
		TAILQ_INSERT_TAIL(&m->dumps.active, dp, entry);
		m->dumps.running++;
		KILL_POINT("dump-started");
		log_info("domain %u (%s): dumping core", dp->req.domid,
		    dp->name);
	}
}

struct dump *
dump_start(struct manager *m, unsigned domid, const char *name,
    const char *uuid, time_t when, uint64_t guest_bytes, dump_done_cb *done,
    void *arg)
{
	struct dump	*dp, *w;
	unsigned	 ahead = 0;

	if ((dp = calloc(1, sizeof *dp)) == NULL ||
	    (dp->name = strdup(name)) == NULL) {
		free(dp);
		return NULL;
	}
	dp->m = m;
	snprintf(dp->uuid, sizeof dp->uuid, "%s", uuid);
	dp->req.domid = domid;
	dp->req.name = dp->name;
	dp->req.uuid = dp->uuid;
	dp->req.when = when;
	dp->req.guest_bytes = guest_bytes;
	dp->done = done;
	dp->arg = arg;
	dp->waiting = true;
	/* Queued behind what runs and what waits to start: two asked for
	 * in one loop pass both wait for the kick, one of them for more. */
	TAILQ_FOREACH(w, &m->dumps.waiting, entry)
		ahead++;
	TAILQ_INSERT_TAIL(&m->dumps.waiting, dp, entry);
	if (m->dumps.running + ahead >= m->conf->dump.max_parallel)
		log_info("domain %u (%s): core dump queued behind %u running "
		    "and %u waiting", domid, name, m->dumps.running, ahead);
	/* Started from the loop, so that DONE never runs inside
	 * dump_start(), even when the fork fails. */
	event_active(m->dumps.ev_kick, EV_TIMEOUT, 0);
	return dp;
}

bool
dump_waiting(const struct dump *dp)
{
	return dp->waiting;
}

bool
dump_cancel(struct manager *m, struct dump *dp)
{
	if (dp->waiting) {
		TAILQ_REMOVE(&m->dumps.waiting, dp, entry);
		dump_free(dp);
		return true;
	}
	dp->done = NULL;
	return false;
}

static void
dump_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct manager	*m = arg;

	(void)fd;
	(void)what;
	dump_kick(m);
}

int
dump_queue_init(struct manager *m)
{
	TAILQ_INIT(&m->dumps.waiting);
	TAILQ_INIT(&m->dumps.active);
	m->dumps.running = 0;
	m->dumps.ev_kick = evtimer_new(m->base, dump_kick_cb, m);
	return m->dumps.ev_kick != NULL ? 0 : -ENOMEM;
}

/* At exit, after the jobs: the queue's own memory. */
void
dump_queue_free(struct manager *m)
{
	struct dump	*dp;

	while ((dp = TAILQ_FIRST(&m->dumps.waiting)) != NULL) {
		TAILQ_REMOVE(&m->dumps.waiting, dp, entry);
		dump_free(dp);
	}
	while ((dp = TAILQ_FIRST(&m->dumps.active)) != NULL) {
		TAILQ_REMOVE(&m->dumps.active, dp, entry);
		dump_free(dp);
	}
	if (m->dumps.ev_kick != NULL)
		event_free(m->dumps.ev_kick);
	m->dumps.ev_kick = NULL;
}

/* Is NAME the final file STEM ("x.core" or "x.core.zst") or STEM with
 * a "-N" before ".core", as the child names it when STEM is taken? */
static bool
dump_name_of(const char *name, const char *stem)
{
	const char	*ext = strstr(stem, ".core");
	size_t		 base;

	if (ext == NULL)
		return false;
	if (strcmp(name, stem) == 0)
		return true;
	base = (size_t)(ext - stem);
	if (strncmp(name, stem, base) != 0 || name[base] != '-')
		return false;
	name += base + 1;
	if (*name < '1' || *name > '9')
		return false;
	name += strspn(name, "0123456789");
	return strcmp(name, ext) == 0;
}

/* Is PATH some other incident's recorded core? */
static bool
dump_recorded(struct manager *m, const char *path)
{
	struct state_incident	*si;

	TAILQ_FOREACH(si, &m->state->incidents, entry)
		if (si->coredump != NULL && strcmp(si->coredump, path) == 0)
			return true;
	return false;
}

/*
 * The core an earlier run of the daemon finished for this crash, if
 * any: a final name is only ever given to a complete, synced file, so
 * one with this crash's name, time and either format, and recorded for
 * no other incident, is this crash's dump.  The newest, if several.
 */
char *
dump_find(struct manager *m, const char *name, const char *uuid, time_t when)
{
	static const enum dump_compress	 fmts[] = { DUMP_COMPRESS_NONE,
					     DUMP_COMPRESS_ZSTD };
	char				 stem[2][NAME_MAX + 1], *path, *best;
	const char			*dir = m->conf->dump.directory;
	struct dirent			*de;
	struct stat			 st;
	struct timespec			 newest = { 0, 0 };
	DIR				*d;
	size_t				 i;

	for (i = 0; i < 2; i++)
		if (dump_file_name(name, uuid, when, fmts[i], stem[i],
		    sizeof stem[i]) != 0)
			return NULL;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	best = NULL;
	while ((de = readdir(d)) != NULL) {
		if (!dump_name_of(de->d_name, stem[0]) &&
		    !dump_name_of(de->d_name, stem[1]))
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) == -1)
			break;
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    dump_recorded(m, path) || (best != NULL &&
		    (st.st_mtim.tv_sec < newest.tv_sec ||
		    (st.st_mtim.tv_sec == newest.tv_sec &&
		    st.st_mtim.tv_nsec <= newest.tv_nsec)))) {
			free(path);
			continue;
		}
		free(best);
		best = path;
		newest = st.st_mtim;
	}
	closedir(d);
	return best;
}

static void
dump_partial_cb(const char *path, void *arg)
{
	struct journal_fields	f = { .message_id = MSGID_PARTIAL_REMOVED,
				    .domid = -1 };

	(void)arg;
	f.coredump = path;
	journal_send(LOG_WARNING, &f, "removed %s, an unfinished core dump "
	    "left by an earlier run", path);
}

/*
 * At start-up, before any dump runs: the directory exists and holds no
 * partial files.  Never on reload, when a dump may be writing one.
 */
void
dump_startup(struct manager *m)
{
	int	r;

	r = dump_dir_prepare(m->conf->dump.directory, dump_partial_cb, m);
	if (r != 0)
		log_warnx("%s: %s; core dumps will fail until it is fixed",
		    m->conf->dump.directory, strerror(-r));
}
