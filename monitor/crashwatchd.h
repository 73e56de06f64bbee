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
struct xs_handle;

/* log.c */
void		 log_init(bool verbose);
void		 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
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
	char		 uuid[37];
	char		*name;		/* read once, when first seen */
	uint32_t	 flags;		/* XEN_DOMINF_* at the last scan */
	unsigned	 shutdown_code;	/* SHUTDOWN_* if DOM_SHUTDOWN */
	enum dom_state	 state;
	uint64_t	 mem_bytes;	/* tot_pages * page size */
	unsigned	 gen;		/* scan generation it was last seen in */
	struct incident	*incident;	/* being handled */
	bool		 destroyed;	/* by us: its xenstore nodes are ours */
};

struct domain_table {
	struct domain	**slot;		/* DOMID_LIMIT entries, by domid */
	size_t		  count;
};

int		 domain_table_init(struct domain_table *);
void		 domain_table_free(struct domain_table *);
struct domain	*domain_find(struct domain_table *, unsigned);
struct domain	*domain_add(struct domain_table *, unsigned);
void		 domain_remove(struct domain_table *, unsigned);
const char	*domain_state_name(const struct domain *);
void		 uuid_format(const uint8_t *, char *);

/* hv.c: the hypervisor, through libxenctrl. */
struct hv_info {
	unsigned	 domid;
	uint32_t	 flags;
	uint64_t	 tot_pages;
	uint8_t		 handle[16];
};
xc_interface	*hv_open(void);
void		 hv_close(xc_interface *);
/* Call CB for every domain, in batches of SCAN_BATCH: 0 or -errno. */
int		 hv_scan(xc_interface *, void (*)(const struct hv_info *, void *),
		     void *);
int		 hv_same(xc_interface *, unsigned, const char *);
int		 hv_destroy(xc_interface *, unsigned, const char *);
enum dom_state	 hv_state(uint32_t flags, unsigned *code);

/* xs.c: the xenstore connection and its watches. */
int		 xs_start(struct manager *);
void		 xs_stop(struct manager *);
void		 xs_reconnect_later(struct manager *);
char		*xs_read_name(struct manager *, unsigned);
int		 xs_rename(struct manager *, unsigned, const char *uuid,
		     const char *);
void		 xs_forget(struct manager *, unsigned, const char *uuid);

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
#define JOB_KILLED	0x8	/* KILL sent */
#define JOB_FORKED	0x10	/* our own code in a child, not a command */
	int		 status;	/* from waitpid */
	char		*out;		/* what it wrote, capped */
	size_t		 outlen;
	struct timespec	 started;
	job_cb		*done;
	void		*arg;
};
struct job	*job_exec(struct manager *, const char *what, char **argv,
		     char **env, unsigned timeout, job_cb *, void *);
struct job	*job_fork(struct manager *, const char *what,
		     int (*)(void *, int), void *, unsigned timeout, job_cb *,
		     void *);
void		 job_reap(struct manager *);
void		 job_kill_all(struct manager *);
void		 job_free(struct job *);
/* "exited 0", "killed by SIGKILL after the 900 s deadline", ... */
const char	*job_cause(const struct job *, char *, size_t);
bool		 job_ok(const struct job *);
void		 job_log_output(const struct job *);
double		 job_seconds(const struct job *);

/* state.c: what was handled, across restarts of the daemon. */
struct state_incident {
	TAILQ_ENTRY(state_incident) entry;
	unsigned	 domid;
	char		 uuid[37];
	char		*name;
	enum reason	 reason;
	time_t		 when;
	enum action	 action;
	unsigned	 step;		/* next step to run */
	bool		 done;
	char		*result;
	char		*coredump;
};
struct state_restarts {
	TAILQ_ENTRY(state_restarts) entry;
	char		*name;
	time_t		*times;
	size_t		 n;
};
struct state {
	char		*path;
	TAILQ_HEAD(, state_incident) incidents;
	TAILQ_HEAD(, state_restarts) restarts;
	bool		 dirty;
};
/* Load DIR/state; a missing or corrupt file is reported and empty. */
struct state	*state_load(const char *dir);
int		 state_save(struct state *);
void		 state_free(struct state *);
struct state_incident *state_find(struct state *, unsigned, const char *);
struct state_incident *state_add(struct state *, unsigned, const char *uuid,
		     const char *name, enum reason, time_t, enum action);
void		 state_remove(struct state *, struct state_incident *);
void		 state_history(struct state *, const char *,
		     struct restart_history *);
void		 state_restarted(struct state *, const char *, time_t,
		     unsigned keep_secs);

/* incident.c: carrying out a plan for one crashed domain. */
struct incident {
	TAILQ_ENTRY(incident) entry;
	TAILQ_ENTRY(incident) qentry;	/* dump queue */
	struct manager	*m;
	unsigned	 domid;
	char		 uuid[37];
	char		*name;
	enum reason	 reason;
	time_t		 when;
	uint64_t	 mem_bytes;
	struct plan	 plan;
	struct conf_restart restart;	/* copied: a reload frees the rule */
	size_t		 step;
	char		*coredump;
	char		*partial;	/* the running dump's temporary file */
	bool		 failed;	/* some step failed */
	bool		 gone;		/* no longer seen by the hypervisor */
	unsigned	 tries;		/* destroy attempts */
	unsigned	 hooks_left;
	struct event	*ev_timer;	/* retry backoff, wait-gone deadline */
	struct job	*job;
	struct state_incident *rec;
	bool		 dead;		/* finished: free at the end of a pass */
};
void		 incident_start(struct manager *, struct domain *, enum reason,
		     struct state_incident *);
void		 incident_gone(struct incident *);
void		 incident_advance(struct incident *);
void		 incident_alert(struct incident *, const char *msgid,
		     const char *what, const char *result, const char *why);
void		 incident_free(struct incident *);
void		 incident_fields(const struct incident *, struct journal_fields *);

/* dump.c: the parent side of core dumps: queue, limit, deadline. */
void		 dump_enqueue(struct incident *);
void		 dump_cancel(struct incident *);
void		 dump_startup(struct manager *);

/* manager.c */
struct manager {
	struct event_base *base;
	char		*conf_path;
	struct conf	*conf;
	bool		 dry_run;
	bool		 verbose;
	xc_interface	*xch;
	struct xs_handle *xsh;
	struct event	*ev_xs;		/* the xenstore watch pipe */
	struct event	*ev_rescan;	/* one rescan per loop pass */
	struct event	*ev_liveness;
	struct event	*ev_reconnect;
	unsigned	 reconnect_delay_ms;
	struct event	*ev_watchdog;
	struct event	*ev_sweep;	/* frees finished incidents */
	struct event	*ev_signals[5];
	struct domain_table domains;
	unsigned	 gen;
	unsigned	 scans;
	unsigned	 dying;		/* domains being torn down at the last scan */
	struct state	*state;
	LIST_HEAD(, job) jobs;
	TAILQ_HEAD(, incident) incidents;
	TAILQ_HEAD(, incident) dump_queue;
	unsigned	 dumps_running;
	unsigned	 handled;
	bool		 ready;
	bool		 stopping;
};
int		 manager_init(struct manager *, const char *conf_path,
		     struct conf *, bool dry_run, bool verbose);
int		 manager_run(struct manager *);
void		 manager_free(struct manager *);
void		 manager_rescan_soon(struct manager *);
void		 manager_sweep_soon(struct manager *);
void		 manager_status(struct manager *);
void		 manager_state_changed(struct manager *);

#endif
