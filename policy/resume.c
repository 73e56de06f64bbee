/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resume.c: going on with a plan that was interrupted or held up.
 */

#include "policy.h"

/*
 * An interrupted plan whose domain is gone goes on from any step it had
 * not finished: a dump cannot be taken any more and says so, a destroy
 * or a rename has nothing left to do, and the restart and the hooks are
 * still owed.  A destroy that went on after the daemon was killed ends
 * exactly so: the domain gone, the record at the destroy step.
 */
bool
plan_resumable(enum action action, unsigned step)
{
	enum step	steps[PLAN_MAX_STEPS];

	return step < plan_steps(action, steps, PLAN_MAX_STEPS);
}

/*
 * The domain outlived the wait after its destroy: restarting now would
 * clash with it, so the step after the wait is skipped if it is the
 * restart.  Returns the index of the step to go on with.
 */
size_t
plan_after_wait_timeout(const struct plan *plan, size_t step)
{
	size_t	next = step + 1;

	if (next < plan->nsteps && plan->steps[next] == STEP_RESTART)
		next++;
	return next;
}
