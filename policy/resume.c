/*
 * resume.c: going on with a plan that was interrupted or held up.
 */

#include "policy.h"

/*
 * An interrupted plan whose domain is gone can go on only from a step
 * that does not need the domain: after our destroy, the restart and the
 * hooks are still owed.
 */
bool
plan_resumable(enum action action, unsigned step)
{
	enum step	steps[PLAN_MAX_STEPS];
	size_t		n;

	n = plan_steps(action, steps, PLAN_MAX_STEPS);
	if (step >= n)
		return false;
	return steps[step] == STEP_WAIT_GONE || steps[step] == STEP_RESTART ||
	    steps[step] == STEP_HOOKS;
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
