/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * killpoint.c: SIGKILL at a named place, for the kill drills.
 *
 * Compiled into the test builds only (CW_KILL_POINTS): the shipped daemon
 * has no such code.  XCW_KILL_AT=NAME kills the daemon the first time it
 * passes NAME; NAME:N the N-th time.  A point in a child (the dump child
 * after its rename) kills the daemon, its parent, and then itself.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "killpoint.h"

#ifdef CW_KILL_POINTS

static unsigned	killpoint_hits;

/* Does this pass of NAME match XCW_KILL_AT? */
static bool
killpoint_due(const char *name)
{
	const char	*at = getenv("XCW_KILL_AT"), *colon;
	size_t		 len;
	unsigned long	 n = 1;

	if (at == NULL || *at == '\0')
		return false;
	colon = strchr(at, ':');
	len = colon != NULL ? (size_t)(colon - at) : strlen(at);
	if (strlen(name) != len || strncmp(at, name, len) != 0)
		return false;
	if (colon != NULL)
		n = strtoul(colon + 1, NULL, 10);
	return ++killpoint_hits == n;
}

void
killpoint(const char *name)
{
	if (killpoint_due(name))
		kill(getpid(), SIGKILL);
}

void
killpoint_parent(const char *name)
{
	if (killpoint_due(name)) {
		kill(getppid(), SIGKILL);
		kill(getpid(), SIGKILL);
	}
}

#endif
