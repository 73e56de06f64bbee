/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-job.c: a job's last output survives a loop too busy to read it
 * (issue 11, item 4).
 *
 * The real job.c, driven by hand.  The command exits at once while a
 * grandchild keeps its pipe open, as "xl create" does; the test reaps it
 * as the SIGCHLD handler would, then takes its read event away, as on a
 * loop that does not get back to the pipe before the grace timer.  Each
 * wait is for an event (the child's exit, a FIFO rendezvous, the grace
 * timer), never for a length of time, so load cannot change the outcome.
 */

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "crashwatchd.h"

struct fixture {
	struct manager	 m;
	pid_t		 group;		/* the job's process group */
	char		*dir;
	char		*fifo;
	char		*fifo_env;	/* CW_FIFO=..., for the command */
	bool		 done;
	bool		 ok;
	char		 out[JOB_OUTPUT_MAX + 1];
};

/* job.c logs through log.c and the journal; here, to stderr. */
static void	test_vlog(const char *, va_list)
		    __attribute__((format(printf, 1, 0)));

static void
test_vlog(const char *fmt, va_list ap)
{
	fprintf(stderr, "job.c: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	test_vlog(fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	test_vlog(fmt, ap);
	va_end(ap);
}

/* No toolstack here: every child is a job's. */
bool
toolstack_reaped(struct toolstack *tk, pid_t pid, int status)
{
	(void)tk;
	(void)pid;
	(void)status;
	return false;
}

/* No spawning helper either: job_helper forks, as without one. */
pid_t
spawner_run(struct spawner *sp, const struct spawn_req *req, int fd)
{
	(void)sp;
	(void)req;
	(void)fd;
	return -ENOTCONN;
}

bool
spawner_reaped(struct spawner *sp, pid_t pid, int status)
{
	(void)sp;
	(void)pid;
	(void)status;
	return false;
}

int
spawn_req_run(const struct spawn_req *req, pid_t parent, int fd)
{
	(void)req;
	(void)parent;
	(void)fd;
	return 0;
}

static int
fx_setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	const char	*t = getenv("TMPDIR");

	assert_non_null(fx);
	assert_non_null(fx->m.base = event_base_new());
	LIST_INIT(&fx->m.jobs);
	TAILQ_INIT(&fx->m.domains.pending);
	if (t == NULL || *t == '\0')
		t = "/tmp";
	assert_true(asprintf(&fx->dir, "%s/cw-job-test.XXXXXX", t) > 0);
	assert_non_null(mkdtemp(fx->dir));
	assert_true(asprintf(&fx->fifo, "%s/fifo", fx->dir) > 0);
	assert_true(asprintf(&fx->fifo_env, "CW_FIFO=%s", fx->fifo) > 0);
	assert_int_equal(mkfifo(fx->fifo, 0600), 0);
	*state = fx;
	return (0);
}

/* Whatever happened, leave no process, job or file behind. */
static int
fx_teardown(void **state)
{
	struct fixture	*fx = *state;
	struct job	*job;

	if (fx->group > 0) {
		kill(-fx->group, SIGKILL);
		/* Reaps the leader if a failed test left it unreaped. */
		while (waitpid(fx->group, NULL, 0) == -1 && errno == EINTR)
			;
	}
	while ((job = LIST_FIRST(&fx->m.jobs)) != NULL)
		job_free(job);
	event_base_free(fx->m.base);
	unlink(fx->fifo);
	rmdir(fx->dir);
	free(fx->fifo_env);
	free(fx->fifo);
	free(fx->dir);
	free(fx);
	return (0);
}

/* What the manager's callback would see; the job is freed after it. */
static void
done_cb(struct job *job, void *arg)
{
	struct fixture	*fx = arg;

	fx->done = true;
	fx->ok = job_ok(job);
	memcpy(fx->out, job->out, job->outlen + 1);
}

/*
 * Run "sh -c SCRIPT" as a job and wait until the sh has exited, leaving
 * it unreaped (WNOWAIT) for job_reap, as when SIGCHLD is pending.
 */
static struct job *
start_exited(struct fixture *fx, const char *script)
{
	char		*argv[] = { "sh", "-c", (char *)script, NULL };
	char		*extra[] = { fx->fifo_env, NULL };
	struct job	*job;
	siginfo_t	 si;

	job = job_exec(&fx->m, "test job", NULL, argv, extra, 0, done_cb,
	    fx);
	assert_non_null(job);
	fx->group = job->pid;	/* the child calls setsid() */
	memset(&si, 0, sizeof si);
	while (waitid(P_PID, job->pid, &si, WEXITED | WNOWAIT) == -1)
		assert_int_equal(errno, EINTR);
	assert_int_equal(si.si_pid, job->pid);
	return (job);
}

/* Run the loop until nothing is left in it: here, the grace timer. */
static void
run_loop(struct fixture *fx)
{
	assert_int_not_equal(event_base_dispatch(fx->m.base), -1);
}

/*
 * The issue as reported: the report is in the pipe when the child is
 * reaped, the loop never reads it, the grace timer closes the pipe.
 */
static void
test_report_kept_when_loop_busy(void **state)
{
	struct fixture	*fx = *state;
	struct job	*job;

	job = start_exited(fx, "sleep 30 & echo report-line");
	job_reap(&fx->m);
	/* The sleep holds the pipe open: the job waits out the grace. */
	assert_false(fx->done);
	event_del(job->ev_read);
	run_loop(fx);
	assert_true(fx->done);
	assert_true(fx->ok);
	assert_non_null(strstr(fx->out, "report-line"));
}

/* The reaper itself takes what the child wrote, before any loop pass. */
static void
test_report_read_at_reap(void **state)
{
	struct fixture	*fx = *state;
	struct job	*job;

	job = start_exited(fx, "sleep 30 & echo report-line");
	job_reap(&fx->m);
	assert_false(fx->done);
	assert_non_null(strstr(job->out, "report-line"));

	/* Let the pipe reach its end so that the job finishes.  The group
	 * is then gone and its id free: teardown must not signal it. */
	kill(-fx->group, SIGKILL);
	fx->group = 0;
	run_loop(fx);
	assert_true(fx->done);
	assert_non_null(strstr(fx->out, "report-line"));
}

/*
 * Output that reaches the pipe after the reap and is never read by the
 * loop is taken by the grace timer before it closes the pipe.  The
 * grandchild writes when told to through the FIFO and says so through
 * it again: after that rendezvous its line is in the pipe.
 */
static void
test_late_output_read_at_grace(void **state)
{
	struct fixture	*fx = *state;
	struct job	*job;
	char		 buf[16];
	ssize_t		 n;
	int		 fd;

	job = start_exited(fx, "(read x <\"$CW_FIFO\"; echo late-line; "
	    "echo written >\"$CW_FIFO\"; exec sleep 30) & echo report-line");
	job_reap(&fx->m);
	assert_false(fx->done);
	event_del(job->ev_read);

	assert_true((fd = open(fx->fifo, O_WRONLY | O_CLOEXEC)) != -1);
	assert_int_equal(write(fd, "go\n", 3), 3);
	close(fd);
	assert_true((fd = open(fx->fifo, O_RDONLY | O_CLOEXEC)) != -1);
	while ((n = read(fd, buf, sizeof buf - 1)) == -1 && errno == EINTR)
		;
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "written\n");

	run_loop(fx);
	assert_true(fx->done);
	assert_non_null(strstr(fx->out, "report-line"));
	assert_non_null(strstr(fx->out, "late-line"));
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_report_kept_when_loop_busy),
		T(test_report_read_at_reap),
		T(test_late_output_read_at_grace),
	};
#undef T

	/* job_reap collects children: they must not be reaped for us. */
	signal(SIGCHLD, SIG_DFL);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
