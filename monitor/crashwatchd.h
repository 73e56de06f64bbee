/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crashwatchd.h: the daemon's map.  One section per file, as in tmux.
 *
 * One struct manager owns everything: the event base, the Xen handles,
 * the configuration, the domain table, the incidents and the child jobs.
 */
#ifndef CW_CRASHWATCHD_H
#define CW_CRASHWATCHD_H

#include <sys/queue.h>
#include <sys/types.h>

#include <pthread.h>

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <xenctrl.h>

#include "conf.h"
#include "journal.h"
#include "policy.h"

#define PROGNAME	"xen-crashwatchd"
#define DEFAULT_CONF	"/etc/xen/crashwatch.conf"

/* Exit statuses; the unit keeps systemd from restarting on EXIT_NOTDOM0. */
#define EXIT_CONFIG	1
#define EXIT_STARTUP	2
#define EXIT_NOTDOM0	3

/* Xen allocates domids below DOMID_FIRST_RESERVED (0x7ff0). */
#define DOMID_LIMIT	0x7ff0
#define SCAN_BATCH	1024

struct manager;
struct incident;
struct job;
struct spawn_req;
struct spawner;

/* Milliseconds of CLOCK_MONOTONIC: for intervals, never for dates. */
static inline uint64_t
monotonic_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
struct xs_handle;
struct xs_connect;
struct json_object;

/* log.c */
void		 log_init(bool verbose);
bool		 log_is_verbose(void);
void		 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_crit(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 fatalx(const char *, ...)
		     __attribute__((format(printf, 1, 2), noreturn));

/* domain.c */
enum dom_state {
	DOM_RUNNING,
	DOM_PAUSED,
	DOM_SHUTDOWN,
	DOM_DYING,
};

struct domain {
	unsigned	 domid;
	uint8_t		 handle[16];	/* the hypervisor's, as last seen */
	char		 uuid[37];	/* HANDLE formatted, once */
	char		*name;		/* read when first seen and again when
					   it crashes, so it is known after it
					   is gone */
	unsigned	 shutdown_code;	/* SHUTDOWN_* if DOM_SHUTDOWN */
	enum dom_state	 state;
	uint64_t	 mem_bytes;	/* tot_pages * page size */
	unsigned	 gen;		/* scan generation it was last seen in */
	struct incident	*incident;	/* being handled */
	uint64_t	 cpu_time;	/* ns, at the last scan */
	TAILQ_ENTRY(domain) pending_entry; /* crashed, waiting to be taken up */
	bool		 pending;
	time_t		 crashed_at;	/* by the scan that found the crash */
	unsigned	 name_gen;	/* scan generation the name was read in */
	bool		 at_start;	/* shut down when the daemon started */
	bool		 destroyed;	/* by us: its xenstore nodes are ours */
	bool		 handled;	/* its crash's record says done */
	bool		 kept;		/* preserved by an earlier run's
					   rename-restart (its UUID says) */
	bool		 xl_known;	/* xl's settings read (or none stored
					   once it crashed) */
	bool		 xl_crash;	/* xl's own on_crash acts on it */
	bool		 xl_watchdog;	/* xl's own on_watchdog acts on it */
};

struct domain_table {
	struct domain	**slot;		/* DOMID_LIMIT entries, by domid */
	size_t		  count;
	TAILQ_HEAD(, domain) pending;	/* crashed, no incident yet */
};

int		 domain_table_init(struct domain_table *);
void		 domain_table_free(struct domain_table *);
struct domain	*domain_find(struct domain_table *, unsigned);
struct domain	*domain_add(struct domain_table *, unsigned);
void		 domain_remove(struct domain_table *, unsigned);
struct domain	*domain_find_name(struct domain_table *, const char *,
		     const struct domain *except, bool dying);
void		 uuid_format(const uint8_t *, char *);

/* hv.c: the hypervisor, through libxenctrl. */
struct hv_info {
	unsigned	 domid;
	uint32_t	 flags;
	uint64_t	 tot_pages;
	uint64_t	 cpu_time;	/* ns the domain ran */
	uint8_t		 handle[16];
};
xc_interface	*hv_open(void);
void		 hv_close(xc_interface *);
/* Call CB for every domain, in batches of SCAN_BATCH: 0 or -errno. */
int		 hv_scan(xc_interface *, void (*)(const struct hv_info *, void *),
		     void *);
int		 hv_lookup(xc_interface *, unsigned, const char *,
		     xc_domaininfo_t *);
int		 hv_same(xc_interface *, unsigned, const char *);
int		 hv_destroy(xc_interface *, unsigned, const char *);
int		 hv_sethandle(xc_interface *, unsigned, const char *uuid);
enum dom_state	 hv_state(uint32_t flags, unsigned *code);

/* xs-connect.c: the xenstore connection and its watches. */
int		 xs_start(struct manager *);
void		 xs_stop(struct manager *);
void		 xs_liveness(struct manager *);
/* xs.c: names and nodes. */
char		*xs_read_name(struct manager *, unsigned);
void		 xs_name_unnamed(struct manager *);
int		 xs_preserve(struct manager *, unsigned, const char *old_uuid,
		     const char *new_uuid, const char *name);
void		 xs_forget(struct manager *, unsigned, const char *uuid);

/* toolstack.c: libxenlight in our loop, for a destroy as xl's. */
struct toolstack;
/* ERR: 0, ESRCH (no such domain) or EIO; WHY says it in words. */
typedef void	 toolstack_cb(int err, const char *why, void *);
struct toolstack *toolstack_open(struct event_base *);	/* NULL: absent */
void		 toolstack_close(struct toolstack *);
int		 toolstack_destroy(struct toolstack *, unsigned domid,
		     toolstack_cb *, void *);
bool		 toolstack_reaped(struct toolstack *, pid_t, int status);
bool		 toolstack_usable(const struct toolstack *);
bool		 toolstack_busy(const struct toolstack *);
struct xl_actions {
	char	 on_crash[32];		/* xl's words: "destroy", ... */
	char	 on_watchdog[32];
	char	 name[256];		/* c_info.name, as xl created it */
	bool	 crash;			/* xl acts: not "preserve" */
	bool	 watchdog;
};
int		 toolstack_xl_actions(struct toolstack *, unsigned domid,
		     struct xl_actions *);
/* -n: the guests whose crashes xl handles itself, one a line, to OUT. */
void		 toolstack_list_xl_guests(FILE *);

/* job.c: child processes with deadlines. */
#define JOB_OUTPUT_MAX	65536
typedef void	 job_cb(struct job *, void *);
struct job {
	LIST_ENTRY(job)	 entry;
	struct manager	*m;
	char		*what;		/* for messages: "dump of web-1" */
	pid_t		 pid;
	int		 fd;		/* output pipe, -1 when closed */
	struct event	*ev_read;
	struct event	*ev_deadline;
	struct event	*ev_grace;
	int		 flags;
#define JOB_DEAD	0x1	/* exit status collected */
#define JOB_CLOSED	0x2	/* pipe at EOF */
#define JOB_TERMED	0x4	/* deadline passed: TERM sent */
#define JOB_FORKED	0x8	/* our own code in a child, not a command */
#define JOB_LEAVE	0x10	/* a stop does not wait for it: it outlives
				   the daemon ("xl create") */
#define JOB_TRUNCATED	0x20	/* output lost for want of memory */
#define JOB_SPAWNED	0x40	/* the spawning helper's child, not ours */
	int		 status;	/* from waitpid */
	char		*out;		/* what it wrote, capped; NULL if nothing */
	size_t		 outlen;
	size_t		 outcap;	/* grown as output comes */
	job_cb		*done;
	void		*arg;
	char		*why;		/* how it ended, when not an exit
					   status: "was not started: ..." */
	char		*unit;		/* the systemd unit that runs it */
	void		(*release)(void *); /* its runner's, at job_free */
	void		*release_arg;
};
/* A command with a start marker (ONCE) exits so when it is not run. */
#define JOB_EXIT_STARTED	125	/* the marker was there: started before */
#define JOB_EXIT_NOMARK		124	/* the marker could not be made */
struct job	*job_exec(struct manager *, const char *what, const char *once,
		     char **argv, char **env, unsigned timeout, job_cb *,
		     void *);
struct job	*job_fork(struct manager *, const char *what,
		     int (*)(void *, int), void *, unsigned timeout, job_cb *,
		     void *);
/* A job whose process systemd runs (units.c): no pid, no pipe. */
struct job	*job_new(struct manager *, const char *what, job_cb *, void *);
/* It ended: STATUS as from waitpid, LATE past its deadline, or WHY. */
void		 job_ended(struct job *, int status, bool late,
		     const char *why);
void		 job_reap(struct manager *);
/* child.c */
pid_t		 child_reap_one(int *, bool (*)(pid_t, void *), void *);
void		 child_fds(int);
struct job	*job_helper(struct manager *, const char *what,
		     const struct spawn_req *, unsigned timeout, job_cb *,
		     void *);
void		 job_exited(struct manager *, pid_t, int status);
void		 job_orphaned(struct manager *);
void		 job_kill_all(struct manager *);
/* Commands of ours still running (hooks, destroy and restart commands). */
unsigned	 job_commands(const struct manager *);
void		 job_free(struct job *);
/* A child slot that is not a job's (a toolstack operation). */
void		 job_slot_take(struct manager *);
void		 job_slot_give(struct manager *);
/* "exited 0", "killed by SIGKILL after the 900 s deadline", ... */
const char	*job_cause(const struct job *, char *, size_t);
bool		 job_ok(const struct job *);
void		 job_log_output(const struct job *);

/* units.c: commands that systemd runs for us, as transient services. */
struct units;
/* NULL where systemd is not the init system: commands are our children. */
struct units	*units_open(struct event_base *);
void		 units_close(struct units *);
/* Run ARGV as the transient service "xen-crashwatch-KIND-ID-<pid>",
 * with ENV, after claiming ONCE; the job ends when the service does. */
struct job	*units_exec(struct manager *, const char *what,
		     const char *kind, const char *id, const char *once,
		     char **argv, char **env, unsigned timeout, job_cb *,
		     void *);

/* state.c: what was handled, across restarts of the daemon. */
struct state_incident {
	TAILQ_ENTRY(state_incident) entry;
	char		 id[33];	/* INCIDENT_ID: 32 hex digits */
	unsigned	 domid;
	char		 uuid[37];
	char		*name;
	enum reason	 reason;
	time_t		 when;
	enum action	 action;
	unsigned	 step;		/* next step to run */
	bool		 done;
	bool		 alerted;	/* its crash record was sent */
	bool		 suppressed;	/* the restart limit changed the action */
	enum action	 requested;	/* then: what the rules asked for */
	bool		 failed;	/* a step failed */
	char		*result;
	char		*coredump;
};
/* The restarts of one domain name, oldest first; found by a hash of it. */
struct state_restarts {
	TAILQ_ENTRY(state_restarts) entry;
	struct state_restarts *next;	/* in its hash bucket */
	uint32_t	 hash;
	char		*name;
	time_t		*times;
	size_t		 n;
	size_t		 size;		/* of times */
};
/* metrics.c's counters, kept in the state so that they outlive a run. */
#define METRICS_DUMP_BUCKETS	6
struct metrics_counts {
	uint64_t	 crashes[2];		/* by reason: crash, watchdog */
	uint64_t	 actions[ACTION_COUNT][2]; /* by action: ok, failed */
	uint64_t	 suppressed;
	uint64_t	 dumps[2];		/* ok, failed */
	uint64_t	 dump_bytes;
	uint64_t	 dump_usec;		/* of the dumps that went well */
	uint64_t	 dump_buckets[METRICS_DUMP_BUCKETS]; /* not cumulative */
	uint64_t	 hooks[2];		/* ok, failed */
	uint64_t	 xs_reconnects;
	time_t		 last_crash;
};
struct state {
	char		*dir;
	char		*path;
	TAILQ_HEAD(, state_incident) incidents;
	TAILQ_HEAD(, state_restarts) restarts;
	struct state_restarts **buckets; /* a power of two of them, or none */
	size_t		 nbuckets;
	size_t		 nrestarts;	/* names in restarts */
	unsigned	 keep_secs;	/* the longest restart.interval */
	struct metrics_counts metrics;
	uint32_t	*per_domid;	/* records by domid (DOMID_LIMIT); NULL
					   in a snapshot */
	uint64_t	 version;	/* bumped by every change */
	uint64_t	 submitted;	/* the version last handed to be saved */
};
/* Load the state in CONF's state_dir; a missing, corrupt, oversized or
 * non-regular file is reported and empty.  NULL: out of memory. */
struct state	*state_load(const struct conf *);
/* CONF replaced the configuration: forget restarts outside its intervals. */
void		 state_reconfigure(struct state *, const struct conf *);
int		 state_save(struct state *);
int		 state_serialize(struct state *, char **, size_t *);
struct state	*state_snapshot(const struct state *);
bool		 state_has_domid(const struct state *, unsigned);
int		 state_write_file(const char *path, const char *, size_t);
int		 state_write_file_sync(const char *path, const char *, size_t,
		     bool sync_dir, mode_t);
void		 state_free(struct state *);
struct state_incident *state_add(struct state *, unsigned, const char *uuid,
		     const char *name, enum reason, time_t, enum action);
void		 state_remove(struct state *, struct state_incident *);
void		 state_changed(struct state *);
bool		 state_dirty(const struct state *);
/* A restarted daemon goes on at step NEXT, with COREDUMP if any. */
void		 state_progress(struct state *, struct state_incident *,
		     unsigned next, const char *coredump);
void		 state_history(struct state *, const char *,
		     struct restart_history *);
void		 state_restarted(struct state *, const char *, time_t,
		     unsigned keep_secs);

/* dump.c: the parent side of core dumps: a queue, a limit, deadlines. */
struct dump;
struct dump_report_evicted;
struct dump_profile;
struct dump_result {
	bool		 ok;
	const char	*path;		/* ok: the core file */
	uint64_t	 guest_bytes;
	uint64_t	 disk_bytes;
	uint64_t	 usec;
	const char	*reason;	/* failed: "io", "gone", "timeout", ... */
	const char	*detail;	/* failed: in words, or NULL */
	const struct dump_profile *profile; /* ok: where the time went, or NULL */
	const struct dump_report_evicted *evicted; /* files removed for room */
	size_t		 nevicted;
};
typedef void	 dump_done_cb(const struct dump_result *, void *);
struct dump_queue {
	TAILQ_HEAD(, dump) waiting;
	TAILQ_HEAD(, dump) active;	/* children running */
	unsigned	 running;
	struct event	*ev_kick;	/* starts waiting dumps from the loop */
};
/* Dump DOMID (still UUID) as NAME, crashed at WHEN; DONE is called
 * once, from the loop, unless dump_cancel() returns true first. */
struct dump	*dump_start(struct manager *, unsigned domid, const char *name,
		     const char *uuid, time_t when, uint64_t guest_bytes,
		     dump_done_cb *, void *);
/* Forget a dump: true if it had not started (DONE will never come);
 * false if it runs on, its result unheard. */
bool		 dump_cancel(struct manager *, struct dump *);
bool		 dump_waiting(const struct dump *);
/* A complete core of this crash left by an earlier run, or NULL. */
char		*dump_find(struct manager *, const char *name, const char *uuid,
		     time_t when);
int		 dump_queue_init(struct manager *);
void		 dump_queue_free(struct manager *);
void		 dump_startup(struct manager *);

/* metrics.c: counters for node_exporter's textfile collector. */
void		 metrics_changed(struct manager *);
void		 metrics_stop(struct manager *);
void		 metrics_crash(struct manager *, enum reason, time_t,
		     bool suppressed);
void		 metrics_action(struct manager *, enum action, bool failed);
void		 metrics_dump(struct manager *, bool ok, uint64_t disk_bytes,
		     uint64_t usec);
void		 metrics_hook(struct manager *, bool ok);
void		 metrics_reconnect(struct manager *);

/* started.c: markers of commands that run at most once. */
int		 started_path(const struct incident *, const char *what,
		     char *, size_t);
bool		 started_before(const struct incident *, const char *what);
bool		 started_running(const struct incident *, const char *what);
/* In the process about to exec: 0, -EEXIST (began before) or -errno. */
int		 started_claim(const char *mark);
/* --run-once MARK -- ARGV: claim, then exec; returns only if not run. */
int		 started_run_once(const char *mark, char **argv);
void		 started_sweep(struct manager *, const char (*ids)[33], size_t);

/* xenlog.c: Xen's console ring, each line said once. */
struct xenlog {
	uint32_t	 index;		/* Xen's, after the last byte read */
	char		*buf;		/* lines not yet taken */
	size_t		 len;
	size_t		 cap;
};
char		*xenlog_take(struct manager *, unsigned domid, const char **);
void		 xenlog_free(struct manager *);

/* evidence.c: what the crashed guest and Xen said, read before any step. */
enum evidence_part {
	EV_CONSOLE,	/* the guest's console ring */
	EV_LOG,		/* the end of xenconsoled's log of it */
	EV_XEN,		/* Xen's lines naming the domain */
	EV_VCPUS,	/* registers of each vCPU */
	EV_KMSG,	/* the panic line from the kernel's log in memory */
	EVIDENCE_PARTS
};
#define EVIDENCE_SUMMARY_MAX	240
#define EVIDENCE_FIELDS		(1 + 2 * EVIDENCE_PARTS)
struct evidence {
	char		*summary;	/* the line that says why, or NULL */
	char		*part[EVIDENCE_PARTS];	/* escaped lines, or NULL */
	char		*error[EVIDENCE_PARTS];	/* why not, or NULL */
};
/* What the child reads; evidence-child.c. */
/*
 * spawner.c: a child of our own code, as the spawning helper is asked to
 * start it (whole, flat: it crosses a socket).
 */
struct spawn_req {
	int		 kind;
#define SPAWN_EVIDENCE	1	/* evidence_child_main */
#define SPAWN_DESTROY	2	/* the destroy hypercall: exit status 0 or
				   an errno */
	unsigned	 domid;
	char		 uuid[37];
	char		 name[4097];	/* a xenstore value: at most 4096 */
	char		 log_dir[4096];
	bool		 too_long;	/* name or log_dir did not fit */
};
typedef void	 spawner_ended_cb(pid_t, int status, void *);
typedef void	 spawner_lost_cb(void *);
struct spawner	*spawner_start(void);
int		 spawner_attach(struct spawner *, struct event_base *,
		     spawner_ended_cb *, spawner_lost_cb *, void *);
pid_t		 spawner_run(struct spawner *, const struct spawn_req *, int);
bool		 spawner_reaped(struct spawner *, pid_t, int status);
void		 spawner_broken(struct spawner *, const char *why);
void		 spawner_stop(struct spawner *);
int		 spawn_req_run(const struct spawn_req *, pid_t parent, int fd);

int		 evidence_child_main(const struct spawn_req *, int);
/* evidence-kmsg.c: why a one-page foreign map failed, as an errno. */
int		 fmem_errno(int err);
/* evidence-kmsg.c: 1 and the line, or -1 and why there is none. */
int		 kmsg_find(struct xenforeignmemory_handle *, unsigned domid,
		     uint64_t root, char *line, size_t linelen, char *why,
		     size_t whylen);
void		 evidence_parse(struct evidence *, const char *, size_t,
		     const char *cause);
void		 evidence_summarize(struct evidence *);
/* "CRASH_SUMMARY=..." and each part or its error, at most MAX. */
size_t		 evidence_fields(const struct evidence *, char **, size_t max);
void		 evidence_clear(struct evidence *);

/* report.c: <state_dir>/incidents/<ID>.json, one per incident. */
bool		 report_begin(struct incident *);
void		 report_step(struct incident *, bool begin);
void		 report_core(struct incident *, const struct dump_result *);
void		 report_hook(struct incident *, const char *event,
		     const char *what, const char *result);
void		 report_end(struct incident *, const char *result);
void		 report_save(struct incident *);
void		 report_free(struct incident *);
void		 report_path(const struct incident *, char *, size_t);

/* report-writer.c: report files written by a thread, off the loop. */
struct report_writer;
typedef void	 report_written_cb(const char *id, int error, void *);
struct report_writer *report_writer_start(struct event_base *,
		     const char *dir, unsigned max, report_written_cb *,
		     void *);
int		 report_writer_submit(struct report_writer *, const char *id,
		     char *, size_t);
void		 report_writer_set_max(struct report_writer *, unsigned);
void		 report_writer_stop(struct report_writer *);

/* thread.c: helper threads that wake the loop through an eventfd. */
struct loop_thread {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 efd;
	struct event	*ev;
};
int		 loop_thread_start(struct loop_thread *, struct event_base *,
		     void *(*)(void *), event_callback_fn, void *);
void		 loop_thread_wake(struct loop_thread *);
void		 loop_thread_woken(struct loop_thread *);
void		 loop_thread_stop(struct loop_thread *, bool *stop);

/* state-writer.c: the state file written by a thread, off the loop. */
struct state_writer;
typedef void	 state_saved_cb(uint64_t, void *);
struct state_writer *state_writer_start(struct event_base *, const char *,
		     state_saved_cb *, void *);
/* Hand SNAPSHOT (state_snapshot, ours now) to be serialised and written. */
void		 state_writer_submit(struct state_writer *, struct state *);
int		 state_writer_stop(struct state_writer *);

/* incident.c: carrying out a plan for one crashed domain. */
enum incident_wait {
	WAIT_NONE,	/* the step is over: on to the next */
	WAIT_JOB,	/* for the step's children (destroy, restart, hooks) */
	WAIT_DUMP,	/* for its core dump, queued or running */
	WAIT_RETRY,	/* for the timer, to try the step again */
	WAIT_GONE,	/* for the domain to go, or the timer */
	WAIT_SAVED,	/* before the first step: for its record on disk */
	WAIT_EVIDENCE,	/* before the alert: for the evidence child */
	WAIT_TOOLSTACK,	/* for libxenlight's operation */
};
struct incident {
	TAILQ_ENTRY(incident) entry;
	struct manager	*m;
	char		 id[33];	/* INCIDENT_ID */
	unsigned	 domid;
	char		 uuid[37];
	char		*name;
	enum reason	 reason;
	time_t		 when;
	uint64_t	 mem_bytes;
	uint64_t	 cpu_time;	/* ns, frozen since the crash */
	struct plan	 plan;
	struct conf_restart restart;	/* copied: a reload frees the rule */
	size_t		 step;
	size_t		 skip_to;	/* set by a step to skip ahead, or 0 */
	enum incident_wait wait;
	bool		 resumed;	/* begun by an earlier run of the daemon */
	bool		 new_rec;	/* its record is this run's, not saved */
	bool		 rescanned;	/* after an earlier run's restart ended */
	bool		 verifying;	/* after the restart command: its guest? */
	bool		 toolstack_acts; /* xl handles this crash: we observe */
	bool		 restart_cmd_ok; /* the command exited 0 */
	bool		 job_lost;	/* its unit went out of sight */
	char		 restart_cause[128]; /* how the command ended */
	time_t		 verify_until;	/* CLOCK_MONOTONIC seconds */
	char		*coredump;
	bool		 failed;	/* some step failed */
	bool		 gone;		/* no longer seen by the hypervisor */
	unsigned	 tries;		/* destroy attempts */
	unsigned	 hooks_left;
	struct event	*ev_timer;	/* WAIT_RETRY and WAIT_GONE */
	struct job	*job;		/* WAIT_JOB, but for hooks */
	struct dump	*dump;		/* WAIT_DUMP */
	struct job	*ev_job;	/* WAIT_EVIDENCE */
	struct evidence	 ev;
	struct json_object *report;	/* its report file's contents */
	bool		 report_submitted; /* handed to the writer */
	char		 step_result[32]; /* of the current step */
	bool		 detect_wait;	/* "detected" hooks: for the report */
	unsigned	 detect_left;	/* "detected" hooks running */
	bool		 finish_wait;	/* through, but for those hooks */
	struct event	*ev_detect;	/* those hooks go without the report */
	/*
	 * Set by incident.c: how the steps' children and dumps find their
	 * way back to it.  The steps sit below incident.c and never call it.
	 */
	job_cb		*job_done;
	dump_done_cb	*dump_done;
	struct state_incident *rec;
	uint64_t	 rec_version;	/* WAIT_SAVED: the state holding rec */
	bool		 dead;		/* finished: free at the end of a pass */
};
void		 incident_start(struct manager *, struct domain *, enum reason,
		     struct state_incident *);
void		 incident_saved(struct incident *, uint64_t);
void		 incident_detected(struct incident *);
void		 incident_gone(struct incident *);
void		 incident_free(struct incident *);

/* incident-fields.c: what is said about an incident, and to whom. */
void		 incident_fields(const struct incident *,
		     struct journal_fields *);
struct template_vars incident_vars(const struct incident *);
/* One journal record about the incident, with STEP= and EXTRA fields. */
void		 incident_log(const struct incident *, int prio,
		     const char *msgid, const char *result,
		     const char *const *extra, const char *fmt, ...)
		     __attribute__((format(printf, 6, 7)));
/* The current step went well: "domain N (name): WHAT". */
void		 incident_continue(struct incident *, enum incident_wait);
/* A rename-restart's new UUID for the domain it keeps (out: 37 bytes). */
void		 incident_preserved_uuid(const char *id, char *out);
bool		 incident_preserved_as(const char *id, const char *uuid);
void		 incident_ok(const struct incident *, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
/* The current step failed, under MSGID: said at LOG_ERR, with what
 * comes next, so that a crash never ends half-handled and silent. */
void		 incident_failed(struct incident *, const char *msgid,
		     const char *result, const char *fmt, ...)
		     __attribute__((format(printf, 4, 5)));

/* step-*.c: one table entry per kind of step; incident.c runs them. */
struct step_kind {
	/* Begin the step: WAIT_NONE when it is over at once. */
	enum incident_wait (*start)(struct incident *);
	/* One of the step's children ended. */
	enum incident_wait (*job_done)(struct incident *, struct job *);
	/* The step's dump ended. */
	enum incident_wait (*dump_done)(struct incident *,
			    const struct dump_result *);
	/* The incident's timer fired. */
	enum incident_wait (*timer)(struct incident *);
	/* A rescan no longer sees the domain. */
	enum incident_wait (*gone)(struct incident *);
};
extern const struct step_kind step_dump;		/* step-dump.c */
extern const struct step_kind step_destroy;		/* step-destroy.c */
extern const struct step_kind step_wait_gone;		/* step-destroy.c */
extern const struct step_kind step_rename;		/* step-rename.c */
extern const struct step_kind step_restart;		/* step-restart.c */
extern const struct step_kind step_hooks;		/* step-hooks.c */
unsigned	 hooks_start(struct incident *, unsigned event, job_cb *);
bool		 hooks_ended(struct incident *, unsigned event, struct job *);

/* manager.c */
struct manager {
	struct event_base *base;
	char		*conf_path;
	struct conf	*conf;
	bool		 dry_run;
	xc_interface	*xch;
	struct xs_handle *xsh;
	struct event	*ev_xs;		/* the xenstore watch pipe */
	struct event	*ev_rescan;	/* one rescan per loop pass */
	struct event	*ev_reconnect;
	unsigned	 reconnect_delay_ms;
	struct xs_connect *xs_connect;	/* an attempt under way (xs-connect.c) */
	struct toolstack *tk;		/* NULL: no libxenlight */
	struct units	*units;		/* NULL: no systemd */
	struct spawner	*spawner;	/* NULL: we fork our children */
	struct event	*ev_xs_connect;	/* it is done */
	struct event	*ev_xs_wait;	/* it takes long: say we wait */
	bool		 xs_waiting;	/* said so; not connected since */
	bool		 xs_was_up;	/* connected before: "restored" */
	struct event	*ev_tick;	/* the one idle wake-up (manager_tick_cb) */
	uint64_t	 tick_usec;	/* the watchdog's ping interval, or ours */
	bool		 watchdog;	/* systemd asked for pings */
	uint64_t	 scanned_at;	/* ms, CLOCK_MONOTONIC, the last rescan */
	bool		 saving;	/* the writer has a copy of the state */
	struct event	*ev_sweep;	/* frees finished incidents, saves */
	struct event	*ev_admit;	/* takes up pending crashes, a few a pass */
	struct event	*ev_drain;	/* stopping: waits for commands to end */
	struct event	*ev_metrics;	/* writes metrics.textfile */
	uint64_t	 metrics_at;	/* ms, CLOCK_MONOTONIC, of the last */
	bool		 metrics_dirty;	/* a write is due */
	bool		 metrics_failed; /* said so; not written since */
	size_t		 metrics_domains; /* as last shown */
	unsigned	 metrics_busy;
	struct timespec	 drain_until;	/* CLOCK_MONOTONIC */
	unsigned	 njobs;		/* children running */
	struct event	*ev_signals[5];
	struct domain_table domains;
	unsigned	 gen;
	unsigned	 dying;		/* domains being torn down at the last scan */
	struct state	*state;
	struct state_writer *writer;	/* NULL in a dry run */
	struct report_writer *reports;	/* NULL in a dry run */
	LIST_HEAD(, job) jobs;
	TAILQ_HEAD(, incident) incidents;
	struct dump_queue dumps;
	struct xenlog	 xenlog;
	unsigned	 handled;
	bool		 ready;
	bool		 stopping;
};
int		 manager_init(struct manager *, const char *conf_path,
		     struct conf *, bool dry_run);
int		 manager_run(struct manager *);
void		 manager_free(struct manager *);

#endif
