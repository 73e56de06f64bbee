/*
 * conf-stub.c: the action helpers of conf.c, until conf.c provides them.
 */

#include "conf.h"

bool
action_restarts(enum action a)
{
	return (a == ACTION_RESTART || a == ACTION_RENAME_RESTART ||
	    a == ACTION_COREDUMP_RESTART);
}

bool
action_dumps(enum action a)
{
	return (a == ACTION_COREDUMP_DESTROY || a == ACTION_COREDUMP_RESTART ||
	    a == ACTION_COREDUMP_PRESERVE);
}
