/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * units.c: commands that systemd runs for us, as transient services.
 *
 * A restart command ("xl create") starts a guest whose processes live on
 * after it: xl's monitor of the domain, a device model.  Run as our child
 * they would inherit our sandbox (read-only /usr and /etc, our
 * OOMScoreAdjust, our system call filter, our bounded capabilities) and
 * sit in our cgroup, to be killed when our service stops.  So where
 * systemd is the init system, the service manager itself starts such a
 * command, asked through its private socket as systemctl and systemd-run
 * ask it (no D-Bus daemon needed): a transient service of type oneshot
 * with the system's defaults, whose processes are left running when the
 * command exits (KillMode=process), in a cgroup of their own.
 *
 * The unit runs our own binary as "--run-once MARK -- ARGV": it claims
 * the start marker (started.c) and execs the command, so the marker is
 * made by the process that runs the command, and "never twice" holds as
 * for our own children.  A daemon killed after asking systemd asks again
 * under a new name (names carry our pid); only one of the two wrappers
 * wins the marker, the other exits 125 and is seen as "started before".
 *
 * Every call is asynchronous, on our loop.  The unit is polled a few
 * times a second until it ended.  A broken connection (systemd
 * re-executes on its upgrades) is made again and the polling goes on:
 * transient units outlive it.  Only after UNITS_RETRIES failed polls in
 * a row is a unit given up on, and its command then watched by its
 * start marker (step-restart.c).  (AddRef, which would keep it loaded
 * for us, is refused on the private socket, which has no bus names: a
 * unit that failed or whose processes live on stays loaded anyway, and
 * one that systemd forgot ended well.)  Where systemd
 * is not the init system (sd_booted), there are no units: commands are
 * our own children, as before, and the daemon says so once.
 */
#include <sys/queue.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "crashwatchd.h"
#include "killpoint.h"

#define UNITS_SOCKET	"/run/systemd/private"
#define UNITS_POLL_MS	250
#define UNITS_RETRIES	40	/* polls that fail in a row: 10 s */
#define SD_DEST		"org.freedesktop.systemd1"
#define SD_PATH		"/org/freedesktop/systemd1"
#define SD_MANAGER	"org.freedesktop.systemd1.Manager"

struct unit_run;
struct units {
	struct event_base *base;
	TAILQ_HEAD(, unit_run) runs;
	sd_bus		*bus;		/* NULL: not connected */
	struct event	*ev_io;
	struct event	*ev_timeout;
	short		 io_flags;	/* what ev_io waits for */
	char		*address;
	char		 self[PATH_MAX]; /* our binary, the unit's wrapper */
};

struct unit_run {
	TAILQ_ENTRY(unit_run) entry;
	struct units	*u;
	struct job	*job;
	const char	*name;		/* the job's unit */
	char		*path;		/* its D-Bus object */
	char		*mark;		/* its start marker */
	sd_bus_slot	*slot;		/* the call awaiting an answer */
	struct event	*ev_poll;
	bool		 seen;		/* loaded, as systemd answered */
	unsigned	 fails;		/* polls that failed in a row */
};

static void	units_process(struct units *);

static void
units_io_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	units_process(arg);
}

/* Wait for what sd-bus wants: its fd's events and its next timeout. */
static void
units_arm(struct units *u)
{
	struct timespec	 now;
	struct timeval	 tv;
	uint64_t	 at, nowus;
	short		 flags = EV_PERSIST;
	int		 ev;

	if (u->bus == NULL)
		return;
	if ((ev = sd_bus_get_events(u->bus)) < 0)
		ev = POLLIN;
	if (ev & POLLIN)
		flags |= EV_READ;
	if (ev & POLLOUT)
		flags |= EV_WRITE;
	if (flags != u->io_flags) {
		event_del(u->ev_io);
		event_assign(u->ev_io, u->base, sd_bus_get_fd(u->bus), flags,
		    units_io_cb, u);
		event_add(u->ev_io, NULL);
		u->io_flags = flags;
	}
	event_del(u->ev_timeout);
	if (sd_bus_get_timeout(u->bus, &at) >= 0 && at != UINT64_MAX) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		nowus = (uint64_t)now.tv_sec * 1000000 +
		    (uint64_t)now.tv_nsec / 1000;
		at = at > nowus ? at - nowus : 0;
		tv.tv_sec = (time_t)(at / 1000000);
		tv.tv_usec = (suseconds_t)(at % 1000000);
		evtimer_add(u->ev_timeout, &tv);
	}
}

/*
 * Connection lost.  sd-bus answered calls in flight with errors if it
 * saw the disconnection; any call still awaiting an answer now never
 * gets one: its run polls again, on a new connection.
 */
static void
units_drop(struct units *u, int err)
{
	struct unit_run	*run;
	struct timeval	 tv = { 0, UNITS_POLL_MS * 1000 };

	log_warnx("lost the connection to systemd (%s): %s; connecting "
	    "again", u->address, strerror(-err));
	event_del(u->ev_io);
	event_del(u->ev_timeout);
	u->io_flags = 0;
	TAILQ_FOREACH(run, &u->runs, entry) {
		if (run->slot == NULL)
			continue;
		run->slot = sd_bus_slot_unref(run->slot);
		evtimer_add(run->ev_poll, &tv);
	}
	u->bus = sd_bus_close_unref(u->bus);
}

static void
units_process(struct units *u)
{
	int	r;

	while (u->bus != NULL) {
		if ((r = sd_bus_process(u->bus, NULL)) < 0) {
			units_drop(u, r);
			return;
		}
		if (r == 0)
			break;
	}
	units_arm(u);
}

static int
units_connect(struct units *u)
{
	sd_bus	*bus = NULL;
	int	 r;

	if ((r = sd_bus_new(&bus)) < 0 ||
	    (r = sd_bus_set_address(bus, u->address)) < 0 ||
	    (r = sd_bus_start(bus)) < 0) {
		sd_bus_unref(bus);
		return r;
	}
	u->bus = bus;
	u->io_flags = 0;
	units_arm(u);
	return 0;
}

struct units *
units_open(struct event_base *base)
{
	struct units	*u;
	const char	*sock = getenv("XCW_SYSTEMD_SOCKET");
	ssize_t		 n;
	int		 r;

	if ((sock == NULL || *sock == '\0') && sd_booted() <= 0) {
		log_info("systemd is not the init system: restart commands "
		    "run as the daemon's children, in its cgroup and "
		    "sandbox");
		return NULL;
	}
	if ((u = calloc(1, sizeof *u)) == NULL)
		fatalx("out of memory");
	u->base = base;
	TAILQ_INIT(&u->runs);
	if (asprintf(&u->address, "unix:path=%s", sock != NULL &&
	    *sock != '\0' ? sock : UNITS_SOCKET) == -1 ||
	    (u->ev_io = event_new(base, -1, 0, units_io_cb, u)) == NULL ||
	    (u->ev_timeout = evtimer_new(base, units_io_cb, u)) == NULL)
		fatalx("out of memory");
	/* The unit's wrapper; an upgrade leaves the new binary there. */
	if ((n = readlink("/proc/self/exe", u->self, sizeof u->self - 1)) <= 0)
		fatalx("cannot find our own binary (/proc/self/exe): %s",
		    strerror(errno));
	u->self[n] = '\0';
	if (n > 10 && strcmp(u->self + n - 10, " (deleted)") == 0)
		u->self[n - 10] = '\0';
	if ((r = units_connect(u)) < 0)
		log_warnx("cannot connect to systemd (%s): %s; the next "
		    "command tries again", u->address, strerror(-r));
	else
		log_debug("restart commands run as transient services of "
		    "systemd (%s)", u->address);
	return u;
}

void
units_close(struct units *u)
{
	if (u == NULL)
		return;
	/* Runs went with their jobs, before. */
	sd_bus_close_unref(u->bus);
	event_free(u->ev_io);
	event_free(u->ev_timeout);
	free(u->address);
	free(u);
}

/* The job is freed: its unit is no longer watched (it runs on). */
static void
unit_run_free(void *arg)
{
	struct unit_run	*run = arg;

	TAILQ_REMOVE(&run->u->runs, run, entry);
	sd_bus_slot_unref(run->slot);
	if (run->ev_poll != NULL)
		event_free(run->ev_poll);
	free(run->path);
	free(run->mark);
	free(run);
}

/* The answer to a call came: it is no longer awaited. */
static void
units_answered(struct unit_run *run)
{
	run->slot = sd_bus_slot_unref(run->slot);
}

/* What a GetAll answer says of the unit's end. */
struct unit_end {
	const char	*load;		/* LoadState */
	const char	*active;	/* ActiveState */
	const char	*result;	/* Result */
	uint32_t	 job;		/* a job pending on it, or 0 */
	int32_t		 code;		/* ExecMainCode: CLD_* or 0 */
	int32_t		 status;	/* ExecMainStatus */
};

static int
units_read_end(sd_bus_message *msg, struct unit_end *e)
{
	const char	*key, *jobpath;
	int		 r;

	if ((r = sd_bus_message_enter_container(msg, 'a', "{sv}")) < 0)
		return r;
	while ((r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
		if ((r = sd_bus_message_read(msg, "s", &key)) < 0)
			return r;
		if (strcmp(key, "LoadState") == 0)
			r = sd_bus_message_read(msg, "v", "s", &e->load);
		else if (strcmp(key, "ActiveState") == 0)
			r = sd_bus_message_read(msg, "v", "s", &e->active);
		else if (strcmp(key, "Result") == 0)
			r = sd_bus_message_read(msg, "v", "s", &e->result);
		else if (strcmp(key, "ExecMainCode") == 0)
			r = sd_bus_message_read(msg, "v", "i", &e->code);
		else if (strcmp(key, "ExecMainStatus") == 0)
			r = sd_bus_message_read(msg, "v", "i", &e->status);
		else if (strcmp(key, "Job") == 0)
			r = sd_bus_message_read(msg, "v", "(uo)", &e->job,
			    &jobpath);
		else
			r = sd_bus_message_skip(msg, "v");
		if (r < 0 || (r = sd_bus_message_exit_container(msg)) < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(msg);
}

/* The command's end, as our own children's: a waitpid status. */
static void
units_ended(struct unit_run *run, const struct unit_end *e)
{
	struct job	*job = run->job;
	char		 why[256];
	bool		 late = strcmp(e->result, "timeout") == 0;

	log_debug("%s (%s) ended: %s, code %d, status %d", job->what,
	    run->name, e->result, e->code, e->status);
	switch (e->code) {
	case CLD_EXITED:
		job_ended(job, W_EXITCODE(e->status & 0xff, 0), late, NULL);
		break;
	case CLD_KILLED:
		job_ended(job, e->status & 0x7f, late, NULL);
		break;
	case CLD_DUMPED:
		job_ended(job, (e->status & 0x7f) | 0x80, late, NULL);
		break;
	default:
		snprintf(why, sizeof why, "was not run: systemd says %s "
		    "(systemctl status %s)", e->result, run->name);
		job_ended(job, 0, false, why);
		break;
	}
}

/*
 * Lost sight of the unit (systemd restarted, the connection broke): the
 * command may run yet.  The job ends as "started before", and the step
 * goes on as after a restart of the daemon: the marker says whether the
 * command still runs, then the guest says whether it worked.
 */
static void
units_untracked(struct unit_run *run, const char *why)
{
	log_warnx("%s (%s): lost track of it: %s; watching its start "
	    "marker instead", run->job->what, run->name, why);
	job_ended(run->job, W_EXITCODE(JOB_EXIT_STARTED, 0), false,
	    "no longer tracked");
}

/* A poll failed: try again (on a new connection if need be), a while. */
static void
units_poll_failed(struct unit_run *run, const char *why)
{
	struct timeval	tv = { 0, UNITS_POLL_MS * 1000 };

	if (++run->fails >= UNITS_RETRIES) {
		units_untracked(run, why);
		return;
	}
	if (run->fails == 1)
		log_warnx("%s (%s): cannot ask systemd about it: %s; asking "
		    "again", run->job->what, run->name, why);
	evtimer_add(run->ev_poll, &tv);
}

static int
units_polled_cb(sd_bus_message *reply, void *arg, sd_bus_error *ret)
{
	struct unit_run		*run = arg;
	struct unit_end		 e = { "", "", "", 0, 0, 0 };
	struct timeval		 tv = { 0, UNITS_POLL_MS * 1000 };
	const sd_bus_error	*err;
	int			 r;

	(void)ret;
	units_answered(run);
	if ((err = sd_bus_message_get_error(reply)) != NULL) {
		units_poll_failed(run, err->message != NULL ? err->message :
		    err->name);
		return 0;
	}
	if ((r = units_read_end(reply, &e)) < 0) {
		units_poll_failed(run, strerror(-r));
		return 0;
	}
	run->fails = 0;
	if (strcmp(e.load, "not-found") == 0) {
		/*
		 * Not loaded.  systemd keeps a unit that failed, or whose
		 * processes live on, and forgets one that ended well; so
		 * with its marker made, the command ran and exited 0.
		 * Without one, it never began (asked, the answer lost, and
		 * the unit refused or not made): a later start of it is
		 * stopped by the marker.
		 */
		if (access(run->mark, F_OK) == 0) {
			e.code = CLD_EXITED;
			e.status = 0;
			units_ended(run, &e);
		} else if (!run->seen)
			job_ended(run->job, 0, false, "was not started: systemd "
			    "has no such unit");
		else
			units_poll_failed(run, "the unit is gone and left no "
			    "start marker");
		return 0;
	}
	run->seen = true;
	if (e.job == 0 && (strcmp(e.active, "inactive") == 0 ||
	    strcmp(e.active, "failed") == 0))
		units_ended(run, &e);
	else
		evtimer_add(run->ev_poll, &tv);
	return 0;
}

static void
units_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct unit_run	*run = arg;
	struct units	*u = run->u;
	int		 r;

	(void)fd;
	(void)what;
	if (u->bus == NULL && (r = units_connect(u)) < 0) {
		units_poll_failed(run, strerror(-r));
		return;
	}
	/* Every interface's properties: Unit's and Service's at once. */
	r = sd_bus_call_method_async(u->bus, &run->slot, SD_DEST, run->path,
	    "org.freedesktop.DBus.Properties", "GetAll", units_polled_cb, run,
	    "s", "");
	if (r < 0) {
		/* The connection is closing: drop it, a new one next. */
		units_drop(u, r);
		units_poll_failed(run, strerror(-r));
		return;
	}
	units_arm(u);
}

static int
units_started_cb(sd_bus_message *reply, void *arg, sd_bus_error *ret)
{
	struct unit_run		*run = arg;
	struct timeval		 tv = { 0, UNITS_POLL_MS * 1000 };
	const sd_bus_error	*err;
	char			 why[512];

	(void)ret;
	units_answered(run);
	if ((err = sd_bus_message_get_error(reply)) != NULL &&
	    (sd_bus_error_has_name(err, SD_BUS_ERROR_NO_REPLY) ||
	    sd_bus_error_has_name(err, SD_BUS_ERROR_DISCONNECTED) ||
	    sd_bus_error_has_name(err, SD_BUS_ERROR_TIMEOUT))) {
		/* No answer: the unit may have been made.  Look. */
		log_warnx("%s (%s): no answer from systemd (%s); looking "
		    "for the unit", run->job->what, run->name, err->name);
		evtimer_add(run->ev_poll, &tv);
		return 0;
	}
	if (err != NULL) {
		snprintf(why, sizeof why, "was not started: systemd: %s",
		    err->message != NULL ? err->message : err->name);
		job_ended(run->job, 0, false, why);
		return 0;
	}
	run->seen = true;
	log_debug("%s runs as %s", run->job->what, run->name);
	KILL_POINT("restart-unit-started");
	evtimer_add(run->ev_poll, &tv);
	return 0;
}

/* StartTransientUnit's properties: a(sv). */
static int
units_properties(sd_bus_message *msg, const struct unit_run *run,
    const char *self, const char *once, char **argv, char **env,
    unsigned timeout)
{
	char	desc[512];
	int	i, r;

	snprintf(desc, sizeof desc, "xen-crashwatch: %s", run->job->what);
	if ((r = sd_bus_message_open_container(msg, 'a', "(sv)")) < 0 ||
	    (r = sd_bus_message_append(msg, "(sv)(sv)(sv)",
	    "Description", "s", desc,
	    "Type", "s", "oneshot",
	    "KillMode", "s", "process")) < 0)
		return r;
	if (timeout > 0 && (r = sd_bus_message_append(msg, "(sv)",
	    "TimeoutStartUSec", "t", (uint64_t)timeout * 1000000)) < 0)
		return r;
	if ((r = sd_bus_message_open_container(msg, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(msg, "s", "Environment")) < 0 ||
	    (r = sd_bus_message_open_container(msg, 'v', "as")) < 0 ||
	    (r = sd_bus_message_append_strv(msg, env)) < 0 ||
	    (r = sd_bus_message_close_container(msg)) < 0 ||
	    (r = sd_bus_message_close_container(msg)) < 0)
		return r;
	/* ExecStart: a(sasb), the wrapper then the command's argv. */
	if ((r = sd_bus_message_open_container(msg, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(msg, "s", "ExecStart")) < 0 ||
	    (r = sd_bus_message_open_container(msg, 'v', "a(sasb)")) < 0 ||
	    (r = sd_bus_message_open_container(msg, 'a', "(sasb)")) < 0 ||
	    (r = sd_bus_message_open_container(msg, 'r', "sasb")) < 0 ||
	    (r = sd_bus_message_append(msg, "s", self)) < 0 ||
	    (r = sd_bus_message_open_container(msg, 'a', "s")) < 0 ||
	    (r = sd_bus_message_append(msg, "ssss", PROGNAME, "--run-once",
	    once, "--")) < 0)
		return r;
	for (; *argv != NULL; argv++)
		if ((r = sd_bus_message_append(msg, "s", *argv)) < 0)
			return r;
	if ((r = sd_bus_message_close_container(msg)) < 0 ||
	    (r = sd_bus_message_append(msg, "b", 0)) < 0)
		return r;
	for (i = 0; i < 4; i++)
		if ((r = sd_bus_message_close_container(msg)) < 0)
			return r;
	return sd_bus_message_close_container(msg);
}

/* StartTransientUnit for RUN, its answer to units_started_cb. */
static int
units_ask(struct units *u, struct unit_run *run, const char *once,
    char **argv, char **env, unsigned timeout)
{
	sd_bus_message	*msg = NULL;
	int		 r;

	if ((r = sd_bus_message_new_method_call(u->bus, &msg, SD_DEST,
	    SD_PATH, SD_MANAGER, "StartTransientUnit")) < 0 ||
	    (r = sd_bus_message_append(msg, "ss", run->name, "fail")) < 0 ||
	    (r = units_properties(msg, run, u->self, once, argv, env,
	    timeout)) < 0 ||
	    (r = sd_bus_message_append(msg, "a(sa(sv))", 0)) < 0)
		r = r < 0 ? r : -EINVAL;
	else
		r = sd_bus_call_async(u->bus, &run->slot, msg,
		    units_started_cb, run, 0);
	sd_bus_message_unref(msg);
	return r;
}

struct job *
units_exec(struct manager *m, const char *what, const char *kind,
    const char *id, const char *once, char **argv, char **env,
    unsigned timeout, job_cb *done, void *arg)
{
	struct units		*u = m->units;
	struct unit_run		*run;
	struct job		*job;
	int			 r;

	if (u->bus == NULL && (r = units_connect(u)) < 0) {
		log_warnx("cannot connect to systemd (%s): %s", u->address,
		    strerror(-r));
		errno = -r;
		return NULL;
	}
	if ((job = job_new(m, what, done, arg)) == NULL ||
	    (run = calloc(1, sizeof *run)) == NULL)
		fatalx("out of memory");
	job->release = unit_run_free;
	job->release_arg = run;
	run->u = u;
	run->job = job;
	TAILQ_INSERT_TAIL(&u->runs, run, entry);
	if (asprintf(&job->unit, "xen-crashwatch-%s-%s-%ld.service", kind,
	    id, (long)getpid()) == -1 ||
	    (run->name = job->unit) == NULL ||
	    (run->mark = strdup(once)) == NULL ||
	    sd_bus_path_encode(SD_PATH "/unit", run->name, &run->path) < 0 ||
	    (run->ev_poll = evtimer_new(m->base, units_poll_cb, run)) ==
	    NULL)
		fatalx("out of memory");
	r = units_ask(u, run, once, argv, env, timeout);
	if (r == -ENOTCONN || r == -ECONNRESET) {
		/* A connection closing under us: once more, on a new one. */
		units_drop(u, r);
		if ((r = units_connect(u)) == 0)
			r = units_ask(u, run, once, argv, env, timeout);
	}
	if (r < 0) {
		job_free(job);
		log_warnx("cannot ask systemd to start %s: %s", what,
		    strerror(-r));
		errno = -r;
		return NULL;
	}
	units_arm(u);
	return job;
}
