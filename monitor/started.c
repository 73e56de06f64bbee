/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * started.c: proof that a command which must run at most once began.
 *
 * A restart command or a hook is started with a marker path; the process
 * that will run it creates the file just before exec, or exits if it is
 * there already (started_claim: in our forked child, or in the
 * "--run-once" wrapper that systemd runs for a transient unit).  So a
 * marker exists exactly when the command began, whenever the daemon was
 * killed: a daemon that comes back and finds it knows not to run the
 * command again.  The marker holds the process's pid and its start time
 * (field 22 of /proc/PID/stat), which say whether it still runs: a
 * reused pid has another start time.  Unlike its environment, a
 * process's stat is readable without ptrace rights, which the daemon's
 * bounded capabilities lack over commands that systemd started.
 * Markers live in <state_dir>/started/<ID>/.
 *
 * They outlive the incident's record for a while: a record removed from
 * memory may still be on disk when the daemon is killed, and the next
 * run must find the markers then.  So they are removed only at start-up,
 * for incidents that neither the state file nor this boot's journal
 * speak of any more.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crashwatchd.h"

/* <state_dir>/started/<ID>/<WHAT> into OUT: 0 or -ENAMETOOLONG. */
static int
started_name(const struct incident *inc, const char *what, char *out,
    size_t len)
{
	int	n;

	n = snprintf(out, len, "%s/started/%s/%s", inc->m->state->dir,
	    inc->id, what);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The marker's path into OUT, for a command about to start: its
 * directories are made (the child only creates the file). */
int
started_path(const struct incident *inc, const char *what, char *out,
    size_t len)
{
	const char	*dir = inc->m->state->dir;
	int		 n;

	n = snprintf(out, len, "%s/started", dir);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdir(out, 0700) == -1 && errno != EEXIST)
		return -errno;
	n = snprintf(out, len, "%s/started/%s", dir, inc->id);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdir(out, 0700) == -1 && errno != EEXIST)
		return -errno;
	return started_name(inc, what, out, len);
}

/* Did WHAT begin for this incident, in this run or an earlier one? */
bool
started_before(const struct incident *inc, const char *what)
{
	char	path[4096];

	return started_name(inc, what, path, sizeof path) == 0 &&
	    access(path, F_OK) == 0;
}

/*
 * The start time of process PID (from FD, its /proc/PID/stat open), in
 * clock ticks since boot; 0 if unreadable.  Only read(2) and arithmetic:
 * started_claim calls it between fork and exec.
 */
static unsigned long long
started_stat_time(int fd)
{
	char			 buf[1024];
	ssize_t			 n;
	size_t			 i, close_paren = 0, field;
	unsigned long long	 t = 0;

	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return 0;
	/* The name, field 2, is in parentheses and may hold anything:
	 * count fields after its last ')'. */
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] == ')')
			close_paren = i + 1;
	if (close_paren == 0)
		return 0;
	for (i = close_paren, field = 2; i < (size_t)n && field < 22; i++)
		if (buf[i] == ' ')
			field++;
	for (; i < (size_t)n && buf[i] >= '0' && buf[i] <= '9'; i++)
		t = t * 10 + (unsigned long long)(buf[i] - '0');
	return field == 22 ? t : 0;
}

/* N in decimal at P, backwards from its end; returns where it begins. */
static char *
started_digits(char *end, unsigned long long n)
{
	do {
		*--end = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	return end;
}

/*
 * Claim the start of a command, in the process that is about to exec it:
 * create MARK holding "PID STARTTIME".  0, -EEXIST when it began before
 * (the marker is there: run nothing), or -errno.  Async-signal-safe.
 */
int
started_claim(const char *mark)
{
	char			 buf[64], *p = buf + sizeof buf;
	unsigned long long	 t;
	int			 fd, sfd;

	fd = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -errno;
	sfd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	t = started_stat_time(sfd);
	if (sfd != -1)
		close(sfd);
	*--p = '\n';
	p = started_digits(p, t);
	*--p = ' ';
	p = started_digits(p, (unsigned long long)getpid());
	/* Short or not, the marker exists: the command began. */
	(void)!write(fd, p, (size_t)(buf + sizeof buf - p));
	close(fd);
	return 0;
}

/*
 * "xen-crashwatchd --run-once MARK -- ARGV", what a transient unit runs
 * (units.c): claim MARK, then become the command.  Returns only when it
 * is not run: JOB_EXIT_STARTED, JOB_EXIT_NOMARK or 127.
 */
int
started_run_once(const char *mark, char **argv)
{
	int	r;

	if ((r = started_claim(mark)) == -EEXIST) {
		fprintf(stderr, "%s: started before: not run again\n", mark);
		return JOB_EXIT_STARTED;
	}
	if (r != 0) {
		fprintf(stderr, "%s: cannot record the start: %s; not run\n",
		    mark, strerror(-r));
		return JOB_EXIT_NOMARK;
	}
	execvp(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	return 127;
}

/* Does the process that began WHAT still run?  The pid and start time
 * from its marker; a marker without a start time counts as ended. */
bool
started_running(const struct incident *inc, const char *what)
{
	char			 path[4096];
	FILE			*f;
	long			 pid;
	unsigned long long	 t;
	int			 fd;
	bool			 same;

	if (started_name(inc, what, path, sizeof path) != 0 ||
	    (f = fopen(path, "re")) == NULL)
		return false;
	same = fscanf(f, "%ld %llu", &pid, &t) == 2 && pid > 1 && t > 0;
	fclose(f);
	if (!same)
		return false;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	same = started_stat_time(fd) == t;
	if (fd != -1)
		close(fd);
	return same;
}

/* Is ID among the NIDS incident IDs in IDS (33 bytes each)? */
static bool
started_listed(const char *id, const char (*ids)[33], size_t nids)
{
	size_t	i;

	for (i = 0; i < nids; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* The markers of incidents no longer spoken of (see above), removed. */
void
started_sweep(struct manager *m, const char (*ids)[33], size_t nids)
{
	struct state_incident	*si;
	char			 path[4096];
	DIR			*d, *sub;
	struct dirent		*de, *se;
	bool			 live;
	int			 dfd;

	snprintf(path, sizeof path, "%s/started", m->state->dir);
	if ((d = opendir(path)) == NULL)
		return;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		live = started_listed(de->d_name, ids, nids);
		TAILQ_FOREACH(si, &m->state->incidents, entry)
			live = live || strcmp(si->id, de->d_name) == 0;
		if (live)
			continue;
		if ((sub = fdopendir(openat(dfd, de->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))) == NULL)
			continue;
		while ((se = readdir(sub)) != NULL)
			if (se->d_name[0] != '.')
				unlinkat(dirfd(sub), se->d_name, 0);
		closedir(sub);
		unlinkat(dfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}
