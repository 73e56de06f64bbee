/*
 * dump.c: the parent side of core dumps.
 *
 * Dumps are queued; at most dump.max_parallel children run at once, each
 * under the dump.timeout deadline.  A queued domain stays crashed until
 * its turn.  The child (dump-child.c) reports what it did on a pipe; the
 * follow-up step runs after the dump ends, however it ends.
 */
#include <sys/prctl.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "crashwatchd.h"
#include "dump.h"

static void	dump_kick(struct manager *);

/* In the child: die with the daemon, so no orphan finishes a dump that a
 * restarted daemon would start again. */
static int
dump_child_fn(void *arg, int fd)
{
	struct incident	*inc = arg;
	struct dump_req	 req = {
		.domid = inc->domid,
		.name = inc->name,
		.uuid = inc->uuid,
		.when = inc->when,
		.guest_bytes = inc->mem_bytes,
		.conf = &inc->m->conf->dump,
	};

	xc_interface	*xch;
	int		 same;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;
	/* The domid must still name the crashed domain, not a newcomer. */
	if ((xch = hv_open()) != NULL) {
		same = hv_same(xch, inc->domid, inc->uuid);
		hv_close(xch);
		if (same == 0) {
			dprintf(fd, "failed gone %d the domain is gone\n", ESRCH);
			return DUMP_EXIT(DUMP_FAIL_HYPERVISOR);
		}
	}
	return dump_child_main(&req, fd);
}

/* One "evicted PATH BYTES" line: an alert of its own. */
static void
dump_report_evicted(struct incident *inc, char *line)
{
	struct journal_fields	 f;
	char			*path, *bytes;

	path = strtok(line, " ");
	bytes = strtok(NULL, " ");
	incident_fields(inc, &f);
	f.message_id = MSGID_DUMP_EVICTED;
	f.coredump = path;
	journal_send(LOG_NOTICE, &f, "removed old core dump %s (%s bytes) to "
	    "make room for domain %u (%s)", path != NULL ? path : "?",
	    bytes != NULL ? bytes : "?", inc->domid, inc->name);
}

static void
dump_failed(struct incident *inc, const char *reason, const char *detail)
{
	char	why[512];

	snprintf(why, sizeof why, "%s%s%s", reason, detail != NULL ? ": " : "",
	    detail != NULL ? detail : "");
	incident_alert(inc, MSGID_COREDUMP_FAILED, "core dump", reason, why);
}

static void
dump_done_cb(struct job *job, void *arg)
{
	struct incident		*inc = arg;
	struct manager		*m = inc->m;
	struct journal_fields	 f;
	char			*line, *save, *fsave, *p, *rest;
	char			*reason = NULL, *detail = NULL;
	char			 cause[128], e[4][64];
	unsigned long long	 guest = 0, disk = 0, usec = 0;
	bool			 ok = false;

	inc->job = NULL;
	m->dumps_running--;
	for (line = strtok_r(job->out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "evicted ", 8) == 0)
			dump_report_evicted(inc, line + 8);
		else if (strncmp(line, "done ", 5) == 0) {
			p = strtok_r(line + 5, " ", &fsave);
			rest = p != NULL ? strtok_r(NULL, "", &fsave) : NULL;
			if (rest != NULL && sscanf(rest, "%llu %llu %llu",
			    &guest, &disk, &usec) == 3) {
				free(inc->coredump);
				inc->coredump = strdup(p);
				ok = true;
			}
		} else if (strncmp(line, "failed ", 7) == 0) {
			reason = strtok(line + 7, " ");
			if (strtok(NULL, " ") != NULL)	/* errno */
				detail = strtok(NULL, "");
		}
	}
	job_cause(job, cause, sizeof cause);
	if (ok && job_ok(job)) {
		incident_fields(inc, &f);
		f.message_id = MSGID_COREDUMP_DONE;
		f.result = "ok";
		snprintf(e[0], sizeof e[0], "GUEST_MEMORY_BYTES=%llu", guest);
		snprintf(e[1], sizeof e[1], "DISK_BYTES=%llu", disk);
		snprintf(e[2], sizeof e[2], "DURATION_USEC=%llu", usec);
		snprintf(e[3], sizeof e[3], "THROUGHPUT_BPS=%llu",
		    usec > 0 ? guest * 1000000ULL / usec : 0);
		f.extra[0] = e[0];
		f.extra[1] = e[1];
		f.extra[2] = e[2];
		f.extra[3] = e[3];
		journal_send(LOG_NOTICE, &f, "domain %u (%s): core dumped to %s "
		    "(%llu bytes of guest image, %llu on disk, %.1f s, %.0f "
		    "MB/s)", inc->domid, inc->name, inc->coredump, guest, disk,
		    (double)usec / 1e6, usec > 0 ? (double)guest / usec : 0.0);
	} else {
		if (job->flags & JOB_TERMED) {
			reason = "timeout";
			detail = cause;
		} else if (reason == NULL) {
			reason = "error";
			detail = cause;
		}
		/* A killed child cannot clean up after itself. */
		if (inc->partial != NULL && unlink(inc->partial) == 0)
			log_info("removed %s left by the dump", inc->partial);
		dump_failed(inc, reason, detail);
	}
	free(inc->partial);
	inc->partial = NULL;
	/* First give the slot to the next queued dump, then go on. */
	dump_kick(m);
	incident_advance(inc);
}

/* Start queued dumps while there is room. */
static void
dump_kick(struct manager *m)
{
	struct incident	*inc;
	char		 what[128], name[NAME_MAX + 1];

	while (m->dumps_running < m->conf->dump.max_parallel &&
	    (inc = TAILQ_FIRST(&m->dump_queue)) != NULL) {
		TAILQ_REMOVE(&m->dump_queue, inc, qentry);
		inc->qentry.tqe_prev = NULL;
		if (inc->gone) {
			dump_failed(inc, "gone", "the domain went away while "
			    "its dump waited");
			incident_advance(inc);
			continue;
		}
		/* Where the child writes, kept for cleaning up after a kill:
		 * a reload may change the directory meanwhile. */
		free(inc->partial);
		inc->partial = NULL;
		if (dump_file_name(inc->name, inc->uuid, inc->when,
		    m->conf->dump.compress, name, sizeof name) == 0 &&
		    asprintf(&inc->partial, "%s/.%s.partial",
		    m->conf->dump.directory, name) == -1)
			inc->partial = NULL;
		snprintf(what, sizeof what, "dump of %s", inc->name);
		inc->job = job_fork(m, what, dump_child_fn, inc,
		    m->conf->dump.timeout, dump_done_cb, inc);
		if (inc->job == NULL) {
			dump_failed(inc, "fork", strerror(errno));
			incident_advance(inc);
			continue;
		}
		m->dumps_running++;
		log_info("domain %u (%s): dumping core", inc->domid, inc->name);
	}
	manager_status(m);
}

void
dump_enqueue(struct incident *inc)
{
	struct manager	*m = inc->m;

	TAILQ_INSERT_TAIL(&m->dump_queue, inc, qentry);
	if (m->dumps_running >= m->conf->dump.max_parallel)
		log_info("domain %u (%s): core dump queued behind %u running",
		    inc->domid, inc->name, m->dumps_running);
	dump_kick(m);
}

void
dump_cancel(struct incident *inc)
{
	if (inc->qentry.tqe_prev != NULL) {
		TAILQ_REMOVE(&inc->m->dump_queue, inc, qentry);
		inc->qentry.tqe_prev = NULL;
	}
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

/* At start-up and reload: the directory exists and holds no partials. */
void
dump_startup(struct manager *m)
{
	int	r;

	r = dump_dir_prepare(m->conf->dump.directory, dump_partial_cb, m);
	if (r != 0)
		log_warnx("%s: %s; core dumps will fail until it is fixed",
		    m->conf->dump.directory, strerror(-r));
}
