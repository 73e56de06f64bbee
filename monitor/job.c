/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * job.c: child processes with deadlines kept by the parent.
 *
 * As in tmux's job.c: signals are blocked around fork, the child resets
 * every disposition and the mask, and a job is finished only when both
 * its exit status (JOB_DEAD) and the end of its output (JOB_CLOSED) have
 * arrived.  A child that leaves a grandchild holding the pipe gets a short
 * grace period after its exit, then the pipe is closed on it.  Deadlines
 * send TERM, then KILL; the parent never waits for a child.
 *
 * Every child calls setsid(), so it leads a process group of its own
 * whose id is its pid, and everything it starts is in that group unless
 * it leaves on purpose.  Signals for a job go to the group: a hook's
 * "sleep 300 &" must not outlive the hook's deadline.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "crashwatchd.h"

#define KILL_GRACE_SECS	5	/* after TERM, before KILL */
#define PIPE_GRACE_SECS	2	/* after exit, before closing the pipe */

extern char	**environ;

static void	job_finish(struct job *);

/*
 * SIG to the job's process group.  Right after fork the child may not
 * have called setsid() yet; then there is no such group and the child
 * itself, still alone, gets the signal.
 */
static void
job_signal(struct job *job, int sig)
{
	if (kill(-job->pid, sig) == -1 && errno == ESRCH)
		kill(job->pid, sig);
}

/* The pipe is at its end, or given up on: no more output. */
static void
job_close(struct job *job)
{
	event_del(job->ev_read);
	close(job->fd);
	job->fd = -1;
	job->flags |= JOB_CLOSED;
}

/*
 * Room for ADD more bytes of output (and the NUL), within JOB_OUTPUT_MAX:
 * the buffer grows as output arrives, so the many jobs that write a few
 * lines, or nothing, cost no more than that.
 */
static bool
job_grow(struct job *job, size_t add)
{
	size_t	 want = job->outlen + add + 1, cap;
	char	*out;

	if (want <= job->outcap)
		return true;
	cap = job->outcap > 0 ? job->outcap : 512;
	while (cap < want)
		cap *= 2;
	if (cap > JOB_OUTPUT_MAX + 1)
		cap = JOB_OUTPUT_MAX + 1;
	if ((out = realloc(job->out, cap)) == NULL)
		return false;
	job->out = out;
	job->outcap = cap;
	return true;
}

/* Read what the child wrote so far; true at the end of the pipe. */
static bool
job_drain(struct job *job)
{
	char		 buf[4096];
	ssize_t		 n;
	size_t		 keep, drop;

	_Static_assert(sizeof buf <= JOB_OUTPUT_MAX, "one read fits");

	for (;;) {
		n = read(job->fd, buf, sizeof buf);
		if (n > 0) {
			/* Keep the tail: a report ends with its outcome. */
			keep = (size_t)n;
			if (job->outlen + keep > JOB_OUTPUT_MAX) {
				drop = job->outlen + keep - JOB_OUTPUT_MAX;
				if (drop > job->outlen)
					drop = job->outlen;
				memmove(job->out, job->out + drop,
				    job->outlen - drop);
				job->outlen -= drop;
			}
			if (!job_grow(job, keep)) {
				/* Out of memory: this output is lost, said
				 * once; the pipe is still drained. */
				if (!(job->flags & JOB_TRUNCATED))
					log_warnx("%s: out of memory for its "
					    "output", job->what);
				job->flags |= JOB_TRUNCATED;
				continue;
			}
			memcpy(job->out + job->outlen, buf, keep);
			job->outlen += keep;
			job->out[job->outlen] = '\0';
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return false;
		return true;	/* EOF or error: either way, no more output */
	}
}

static void
job_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job	*job = arg;

	(void)fd;
	(void)what;
	if (!job_drain(job))
		return;
	job_close(job);
	if (job->flags & JOB_DEAD)
		job_finish(job);
}

/* Deadline: TERM first, KILL if it is still there after a grace. */
static void
job_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job	*job = arg;
	struct timeval	 tv = { KILL_GRACE_SECS, 0 };

	(void)fd;
	(void)what;
	if (job->flags & JOB_DEAD)
		return;
	if (!(job->flags & JOB_TERMED)) {
		log_warnx("%s (pid %ld) passed its deadline, sending TERM",
		    job->what, (long)job->pid);
		job_signal(job, SIGTERM);
		job->flags |= JOB_TERMED;
		evtimer_add(job->ev_deadline, &tv);
		return;
	}
	log_warnx("%s (pid %ld) ignored TERM, sending KILL", job->what,
	    (long)job->pid);
	job_signal(job, SIGKILL);
}

/* The child exited but something still holds its pipe: stop waiting. */
static void
job_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job	*job = arg;

	(void)fd;
	(void)what;
	if (job->flags & JOB_CLOSED)
		return;
	/* What the child itself wrote is in the pipe by now: take it. */
	if (!job_drain(job))
		log_debug("%s exited but its output is still open; closing it",
		    job->what);
	job_close(job);
	job_finish(job);
}

/* A job not yet listed; its output buffer comes with its output. */
static struct job *
job_alloc(struct manager *m, const char *what, job_cb *done, void *arg)
{
	struct job	*job;

	if ((job = calloc(1, sizeof *job)) == NULL)
		return NULL;
	job->m = m;
	job->fd = -1;
	job->done = done;
	job->arg = arg;
	if ((job->what = strdup(what)) == NULL) {
		free(job);
		return NULL;
	}
	return job;
}

/*
 * The parent's side of a started child: its pipe FD read in the loop, its
 * deadline kept, the job listed.  False (the child killed, the job freed)
 * if that cannot be set up: a child we cannot watch must not run on.
 */
static bool
job_watch(struct manager *m, struct job *job, int fd, unsigned timeout)
{
	struct timeval	 tv = { (time_t)timeout, 0 };

	job->fd = fd;
	fcntl(job->fd, F_SETFL, fcntl(job->fd, F_GETFL) | O_NONBLOCK);
	job->ev_read = event_new(m->base, job->fd, EV_READ | EV_PERSIST,
	    job_read_cb, job);
	job->ev_deadline = evtimer_new(m->base, job_deadline_cb, job);
	job->ev_grace = evtimer_new(m->base, job_grace_cb, job);
	LIST_INSERT_HEAD(&m->jobs, job, entry);
	m->njobs++;
	if (job->ev_read == NULL || job->ev_deadline == NULL ||
	    job->ev_grace == NULL) {
		/* Out of memory with a child running: kill it rather than
		 * lose it; waiting for a KILLed child is brief.  One of the
		 * helper's is reaped by the helper. */
		kill(job->pid, SIGKILL);
		if (!(job->flags & JOB_SPAWNED))
			waitpid(job->pid, NULL, 0);
		job_free(job);
		return false;
	}
	event_add(job->ev_read, NULL);
	if (timeout > 0)
		evtimer_add(job->ev_deadline, &tv);
	log_debug("started %s, pid %ld", job->what, (long)job->pid);
	return true;
}

/* Allocate and fork; in the child, reset signals and return 0. */
static struct job *
job_spawn(struct manager *m, const char *what, unsigned timeout,
    job_cb *done, void *arg, int *childfd)
{
	struct job	*job;
	sigset_t	 all, old;
	int		 p[2], sig;

	if ((job = job_alloc(m, what, done, arg)) == NULL)
		return NULL;
	if (pipe2(p, O_CLOEXEC) == -1)
		goto fail;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	job->pid = fork();
	if (job->pid == 0) {
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		close(p[0]);
		*childfd = p[1];
		return job;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (job->pid == -1) {
		close(p[0]);
		goto fail;
	}
	*childfd = -1;
	return job_watch(m, job, p[0], timeout) ? job : NULL;

fail:
	free(job->what);
	free(job);
	return NULL;
}


/* Variables of ours that a command must not inherit: systemd would take
 * its messages for ours. */
static bool
job_env_private(const char *e)
{
	static const char *const names[] = { "NOTIFY_SOCKET=",
	    "WATCHDOG_USEC=", "WATCHDOG_PID=", "LISTEN_FDS=", "LISTEN_PID=",
	    "LISTEN_FDNAMES=" };
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strncmp(e, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

/* Our environment less the private variables, then EXTRA: built before
 * fork, so the child only calls async-signal-safe functions. */
static char **
job_env(char **extra)
{
	char	**env;
	size_t	  n = 0, i, j = 0;

	for (i = 0; environ[i] != NULL; i++)
		n++;
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		n++;
	if ((env = calloc(n + 1, sizeof *env)) == NULL)
		return NULL;
	for (i = 0; environ[i] != NULL; i++)
		if (!job_env_private(environ[i]))
			env[j++] = environ[i];
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		env[j++] = extra[i];
	return env;
}

/*
 * Our own binary, for "--run-once": its path, read once.  Not
 * /proc/self/exe itself, which under valgrind is valgrind's; a binary
 * replaced by an upgrade since is "PATH (deleted)", and the new one at
 * PATH takes "--run-once" as well.
 */
static const char *
job_self(void)
{
	static char	 self[PATH_MAX];
	static const char deleted[] = " (deleted)";
	ssize_t		 n;
	size_t		 len;

	if (self[0] != '\0')
		return self;
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0)
		return "/proc/self/exe";
	self[n] = '\0';
	len = (size_t)n;
	if (len > sizeof deleted - 1 && strcmp(self + len -
	    (sizeof deleted - 1), deleted) == 0)
		self[len - (sizeof deleted - 1)] = '\0';
	return self;
}

/*
 * Run ARGV (no shell; PATH lookup) with EXTRA added to our environment.
 * With ONCE, the child first claims that marker (started.c) or, if it
 * exists, exits JOB_EXIT_STARTED without running anything.
 *
 * posix_spawn, not fork: glibc's shares our memory with the child until
 * it execs (CLONE_VM | CLONE_VFORK), so nothing of the daemon is copied.
 * The child can run no code of ours in between, so with ONCE it execs our
 * own binary as "--run-once ONCE -- ARGV" (started_run_once, what a
 * transient unit runs too): that process claims the marker and becomes
 * the command, keeping its pid, which the marker records.
 */
struct job *
job_exec(struct manager *m, const char *what, const char *once, char **argv,
    char **extra, unsigned timeout, job_cb *done, void *arg)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	struct job			*job;
	sigset_t			 none, all;
	char				**env, **av = NULL;
	size_t				 n, i;
	int				 p[2], r;

	if ((job = job_alloc(m, what, done, arg)) == NULL)
		return NULL;
	if ((env = job_env(extra)) == NULL)
		goto fail;
	if (once != NULL) {
		for (n = 0; argv[n] != NULL; n++)
			;
		if ((av = calloc(n + 5, sizeof *av)) == NULL)
			goto fail;
		av[0] = (char *)PROGNAME;
		av[1] = (char *)"--run-once";
		av[2] = (char *)once;
		av[3] = (char *)"--";
		for (i = 0; i < n; i++)
			av[4 + i] = argv[i];
	}
	if (pipe2(p, O_CLOEXEC) == -1)
		goto fail;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	/* stdin from /dev/null, stdout and stderr to the pipe, nothing
	 * else; a session of its own; every signal as it was at boot. */
	if ((r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    "/dev/null", O_RDWR, 0)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, p[1],
	    STDOUT_FILENO)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, p[1],
	    STDERR_FILENO)) != 0 ||
	    (r = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0 ||
	    (r = posix_spawnattr_setsigmask(&at, &none)) != 0 ||
	    (r = posix_spawnattr_setsigdefault(&at, &all)) != 0 ||
	    (r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0)
		;
	else if (once != NULL)
		r = posix_spawn(&job->pid, job_self(), &fa, &at, av, env);
	else
		r = posix_spawnp(&job->pid, argv[0], &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	free(av);
	free(env);
	if (r != 0) {
		close(p[0]);
		free(job->what);
		free(job);
		errno = r;
		return NULL;
	}
	return job_watch(m, job, p[0], timeout) ? job : NULL;

fail:
	free(av);
	free(env);
	free(job->what);
	free(job);
	return NULL;
}

/* Run FN(FNARG, fd) in a child; it reports on fd, we collect it. */
struct job *
job_fork(struct manager *m, const char *what, int (*fn)(void *, int),
    void *fnarg, unsigned timeout, job_cb *done, void *arg)
{
	struct job	*job;
	int		 fd;

	if ((job = job_spawn(m, what, timeout, done, arg, &fd)) == NULL)
		return NULL;
	if (job->pid != 0) {
		job->flags |= JOB_FORKED;
		return job;
	}

	/* Child: it must not touch the parent's handles or event base. */
	child_fds(fd);
	setsid();
	_exit(fn(fnarg, 3));
}

/*
 * Our own code for REQ in a child, started by the spawning helper
 * (spawner.c) so that the daemon's memory is not copied; forked here if
 * the helper cannot.
 */
struct job *
job_helper(struct manager *m, const char *what, const struct spawn_req *req,
    unsigned timeout, job_cb *done, void *arg)
{
	struct job	*job;
	pid_t		 parent = getpid();
	int		 p[2], fd;

	if ((job = job_alloc(m, what, done, arg)) == NULL)
		return NULL;
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(job->what);
		free(job);
		return NULL;
	}
	job->pid = spawner_run(m->spawner, req, p[1]);
	close(p[1]);
	if (job->pid > 0) {
		job->flags |= JOB_FORKED | JOB_SPAWNED;
		return job_watch(m, job, p[0], timeout) ? job : NULL;
	}
	close(p[0]);
	free(job->what);
	free(job);

	if ((job = job_spawn(m, what, timeout, done, arg, &fd)) == NULL)
		return NULL;
	if (job->pid != 0) {
		job->flags |= JOB_FORKED;
		return job;
	}
	_exit(spawn_req_run(req, parent, fd));
}

/* A job with no process of ours (units.c gives it one of systemd's). */
struct job *
job_new(struct manager *m, const char *what, job_cb *done, void *arg)
{
	struct job	*job;

	if ((job = job_alloc(m, what, done, arg)) != NULL)
		LIST_INSERT_HEAD(&m->jobs, job, entry);
	return job;
}

static void
job_finish(struct job *job)
{
	if (job->ev_deadline != NULL)
		event_del(job->ev_deadline);
	if (job->ev_grace != NULL)
		event_del(job->ev_grace);
	log_debug("%s finished", job->what);
	if (job->done != NULL)
		job->done(job, job->arg);
	job_free(job);
}

void
job_ended(struct job *job, int status, bool late, const char *why)
{
	job->status = status;
	job->flags |= JOB_DEAD | JOB_CLOSED | (late ? JOB_TERMED : 0);
	if (why != NULL && (job->why = strdup(why)) == NULL)
		log_warnx("out of memory: %s: %s", job->what, why);
	job_finish(job);
}

/* JOB's process ended with ST: finished once its pipe is, too. */
static void
job_dead(struct job *job, int st)
{
	struct timeval	 tv = { PIPE_GRACE_SECS, 0 };

	job->status = st;
	job->flags |= JOB_DEAD;
	/*
	 * Everything the child wrote is in the pipe now.  Read it at once:
	 * a busy loop may not come back to the pipe before the grace
	 * timer, and a report left unread is a report lost.
	 */
	if (!(job->flags & JOB_CLOSED) && job_drain(job))
		job_close(job);
	if (job->flags & JOB_CLOSED)
		job_finish(job);
	else
		evtimer_add(job->ev_grace, &tv);
}

/* Ours, past its deadline: its group goes before it is reaped. */
static bool
job_termed(pid_t pid, void *arg)
{
	struct manager	*m = arg;
	struct job	*job;

	LIST_FOREACH(job, &m->jobs, entry)
		if (job->pid == pid && !(job->flags & JOB_SPAWNED))
			return (job->flags & JOB_TERMED) != 0;
	return false;
}

/* SIGCHLD: collect every exited child, dispatch by pid. */
void
job_reap(struct manager *m)
{
	struct job	*job;
	pid_t		 pid;
	int		 st;

	while ((pid = child_reap_one(&st, job_termed, m)) > 0) {
		LIST_FOREACH(job, &m->jobs, entry)
			if (job->pid == pid && !(job->flags & JOB_SPAWNED))
				break;
		if (job == NULL) {
			/* libxenlight's hotplug scripts and destroyer; the
			 * spawning helper. */
			if (!spawner_reaped(m->spawner, pid, st) &&
			    !toolstack_reaped(m->tk, pid, st))
				log_debug("reaped unknown child %ld",
				    (long)pid);
			continue;
		}
		job_dead(job, st);
	}
}

/* The spawning helper reaped one of its children for us (spawner.c). */
void
job_exited(struct manager *m, pid_t pid, int st)
{
	struct job	*job;

	LIST_FOREACH(job, &m->jobs, entry)
		if (job->pid == pid && (job->flags & JOB_SPAWNED) &&
		    !(job->flags & JOB_DEAD))
			break;
	if (job == NULL) {
		log_debug("the helper reaped unknown child %ld", (long)pid);
		return;
	}
	job_dead(job, st);
}

/* The helper died, and its children with it (PR_SET_PDEATHSIG): none
 * of their statuses can come now. */
void
job_orphaned(struct manager *m)
{
	struct job	*job;

	/* From the top each time: a job's callback may start or end
	 * others. */
	for (;;) {
		LIST_FOREACH(job, &m->jobs, entry)
			if ((job->flags & JOB_SPAWNED) &&
			    !(job->flags & JOB_DEAD))
				break;
		if (job == NULL)
			return;
		kill(-job->pid, SIGKILL);
		job_dead(job, SIGKILL);
	}
}

/*
 * At exit: TERM our own forked workers (dumps), which are cleaned up at
 * the next start.  Commands such as "xl create" are left to finish: killing
 * one half-way could leave a guest half-built, and their step is already
 * recorded as started, so a restarted daemon does not run them twice.
 */
void
job_kill_all(struct manager *m)
{
	struct job	*job;

	LIST_FOREACH(job, &m->jobs, entry)
		if ((job->flags & JOB_FORKED) && !(job->flags & JOB_DEAD))
			job_signal(job, SIGTERM);
}

unsigned
job_commands(const struct manager *m)
{
	const struct job	*job;
	unsigned		 n = 0;

	LIST_FOREACH(job, &m->jobs, entry)
		if (job->pid > 0 &&
		    !(job->flags & (JOB_FORKED | JOB_DEAD | JOB_LEAVE)))
			n++;
	return n;
}

void
job_slot_take(struct manager *m)
{
	m->njobs++;
}

void
job_slot_give(struct manager *m)
{
	struct timeval	now = { 0, 0 };

	if (m->njobs == 0)
		return;
	m->njobs--;
	/* A free slot: crashes waiting for one may be taken up. */
	if (m->ev_admit != NULL && !TAILQ_EMPTY(&m->domains.pending))
		evtimer_add(m->ev_admit, &now);
}

void
job_free(struct job *job)
{

	LIST_REMOVE(job, entry);
	if (job->pid > 0)
		job_slot_give(job->m);
	if (job->ev_read != NULL)
		event_free(job->ev_read);
	if (job->ev_deadline != NULL)
		event_free(job->ev_deadline);
	if (job->ev_grace != NULL)
		event_free(job->ev_grace);
	if (job->fd != -1)
		close(job->fd);
	if (job->release != NULL)
		job->release(job->release_arg);
	free(job->unit);
	free(job->why);
	free(job->what);
	free(job->out);
	free(job);
}

/* What a failed command said, so the operator sees why. */
void
job_log_output(const struct job *job)
{
	if (job->unit != NULL)
		log_warnx("%s: its output is in the journal: journalctl -u %s",
		    job->what, job->unit);
	else if (job->outlen > 0)
		log_warnx("%s said: %.*s", job->what,
		    (int)(job->outlen > 1024 ? 1024 : job->outlen), job->out);
}

bool
job_ok(const struct job *job)
{
	return (job->flags & JOB_DEAD) && !(job->flags & JOB_TERMED) &&
	    job->why == NULL && WIFEXITED(job->status) && WEXITSTATUS(job->status) == 0;
}

/* Why a job ended, in words an operator reads. */
const char *
job_cause(const struct job *job, char *buf, size_t len)
{
	const char	*late = (job->flags & JOB_TERMED) ?
			    " after passing its deadline" : "";

	if (!(job->flags & JOB_DEAD))
		snprintf(buf, len, "still running");
	else if (job->why != NULL)
		snprintf(buf, len, "%s", job->why);
	else if (WIFEXITED(job->status))
		snprintf(buf, len, "exited %d%s", WEXITSTATUS(job->status),
		    late);
	else if (WIFSIGNALED(job->status))
		snprintf(buf, len, "killed by SIG%s%s",
		    sigabbrev_np(WTERMSIG(job->status)) != NULL ?
		    sigabbrev_np(WTERMSIG(job->status)) : "?", late);
	else
		snprintf(buf, len, "ended with status %d", job->status);
	return buf;
}
