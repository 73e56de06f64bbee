/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * started.c: proof that a command which must run at most once began.
 *
 * A restart command or a hook is started with a marker path; the child
 * creates the file (holding its pid) just before exec, or exits if it
 * is there already (job.c).  So a marker exists exactly when the command
 * began, whenever the daemon was killed: a daemon that comes back and
 * finds it knows not to run the command again, and can see from the pid
 * whether it still runs.  Markers live in <state_dir>/started/<ID>/.
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

/* Does the process that began WHAT still run?  Its pid from the marker,
 * and our incident in its environment, so a reused pid is not taken
 * for it. */
bool
started_running(const struct incident *inc, const char *what)
{
	char	path[4096], env[64], *buf = NULL;
	FILE	*f;
	size_t	 len = 0, n, want;
	long	 pid;
	bool	 found = false;

	if (started_name(inc, what, path, sizeof path) != 0 ||
	    (f = fopen(path, "re")) == NULL)
		return false;
	n = fscanf(f, "%ld", &pid) == 1 && pid > 1;
	fclose(f);
	if (!n)
		return false;
	snprintf(path, sizeof path, "/proc/%ld/environ", pid);
	snprintf(env, sizeof env, "XCW_INCIDENT=%s", inc->id);
	want = strlen(env) + 1;
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (getdelim(&buf, &len, '\0', f) != -1) {
		if (strlen(buf) + 1 == want && strcmp(buf, env) == 0) {
			found = true;
			break;
		}
	}
	free(buf);
	fclose(f);
	return found;
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
