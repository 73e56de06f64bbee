/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * killpoint.h: named places where the kill drills SIGKILL the daemon
 * (tests/integration/test-kill-drill.sh).  Empty in the shipped build.
 */
#ifndef CW_KILLPOINT_H
#define CW_KILLPOINT_H

#include <stdbool.h>

#ifdef CW_KILL_POINTS
void	killpoint(const char *);
void	killpoint_parent(const char *);
#define KILL_POINT(name)	killpoint(name)
#define KILL_PARENT_POINT(name)	killpoint_parent(name)
#else
#define KILL_POINT(name)	((void)0)
#define KILL_PARENT_POINT(name)	((void)0)
#endif

#endif
