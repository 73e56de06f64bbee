/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * child.c: what the daemon's children and the spawning helper's
 * (spawner.c) have in common: their file descriptors, and their reaping.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "crashwatchd.h"

/* In a child: fd 0 at /dev/null, and only WANT (moved to fd 3) above 2. */
void
child_fds(int want)
{
	int	null;

	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	dup2(want, 3);
	closefrom(4);
}

/*
 * One exited child, or 0 when none has exited (-1 on an error), with its
 * wait status in *ST.
 *
 * A child is looked at before it is reaped (WNOWAIT): while it is a
 * zombie its pid, and so its process group id, cannot be reused.  That
 * is when KILL_GROUP(PID, ARG) may send KILL to all of its group: a job
 * past its deadline whose leader died of TERM may have a descendant that
 * ignores TERM, which would otherwise live on, holding the pipe until
 * the grace ends and then for ever, since the KILL timer goes with the
 * job.  The daemon's reaper (job.c) and the helper's (spawner.c).
 */
pid_t
child_reap_one(int *st, bool (*kill_group)(pid_t, void *), void *arg)
{
	siginfo_t	 si;
	pid_t		 pid;

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0)
			break;
		if (errno != EINTR)
			return -1;
	}
	if (si.si_pid == 0)
		return 0;
	if (kill_group(si.si_pid, arg))
		kill(-si.si_pid, SIGKILL);
	while ((pid = waitpid(si.si_pid, st, WNOHANG)) == -1 && errno == EINTR)
		;
	return pid;
}
