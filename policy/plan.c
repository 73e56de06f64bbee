/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.c: from a crashed domain to the steps that deal with it.
 */

#include "policy.h"

#define nitems(a) (sizeof (a) / sizeof ((a)[0]))

/*
 * The steps of each action.  Hooks come last so that they can report what
 * was done.  A restart waits until the old domain is gone, because the
 * toolstack refuses to create a second domain with the same name; a
 * rename-restart frees the name instead and keeps the crashed domain.
 */
static const enum step preserve_steps[] = { STEP_HOOKS };
static const enum step destroy_steps[] = { STEP_DESTROY, STEP_HOOKS };
static const enum step restart_steps[] = {
	STEP_DESTROY, STEP_WAIT_GONE, STEP_RESTART, STEP_HOOKS
};
static const enum step rename_restart_steps[] = {
	STEP_RENAME, STEP_RESTART, STEP_HOOKS
};
static const enum step coredump_destroy_steps[] = {
	STEP_DUMP, STEP_DESTROY, STEP_HOOKS
};
static const enum step coredump_restart_steps[] = {
	STEP_DUMP, STEP_DESTROY, STEP_WAIT_GONE, STEP_RESTART, STEP_HOOKS
};
static const enum step coredump_preserve_steps[] = { STEP_DUMP, STEP_HOOKS };

static const struct {
	const enum step	*steps;
	size_t		 n;
} action_steps[ACTION_COUNT] = {
	[ACTION_PRESERVE] = { preserve_steps, nitems(preserve_steps) },
	[ACTION_DESTROY] = { destroy_steps, nitems(destroy_steps) },
	[ACTION_RESTART] = { restart_steps, nitems(restart_steps) },
	[ACTION_RENAME_RESTART] = {
	    rename_restart_steps, nitems(rename_restart_steps) },
	[ACTION_COREDUMP_DESTROY] = {
	    coredump_destroy_steps, nitems(coredump_destroy_steps) },
	[ACTION_COREDUMP_RESTART] = {
	    coredump_restart_steps, nitems(coredump_restart_steps) },
	[ACTION_COREDUMP_PRESERVE] = {
	    coredump_preserve_steps, nitems(coredump_preserve_steps) },
	[ACTION_OBSERVE] = { preserve_steps, nitems(preserve_steps) },
};

static const char *const step_names[] = {
	[STEP_DUMP] = "dump",
	[STEP_DESTROY] = "destroy",
	[STEP_WAIT_GONE] = "wait-gone",
	[STEP_RENAME] = "rename",
	[STEP_RESTART] = "restart",
	[STEP_HOOKS] = "hooks",
};

const char *
step_name(enum step s)
{
	if ((unsigned)s >= nitems(step_names) || step_names[s] == NULL)
		return "unknown";
	return step_names[s];
}

const char *
reason_name(enum reason r)
{
	switch (r) {
	case REASON_CRASH:
		return "crash";
	case REASON_WATCHDOG:
		return "watchdog";
	}
	return "unknown";
}

/*
 * The steps that carry out ACTION, at most MAX of them, in order.  Returns
 * how many were written; an action outside the enum has none, so that a
 * corrupt value can never turn into a destructive step.
 */
size_t
plan_steps(enum action action, enum step *steps, size_t max)
{
	size_t	i, n;

	if ((unsigned)action >= ACTION_COUNT)
		return 0;
	n = action_steps[action].n;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		steps[i] = action_steps[action].steps[i];
	return n;
}

/*
 * The plan for one crashed domain: the matching rule's action for this
 * reason, else the defaults; a restart beyond the burst becomes the
 * fallback action, flagged so that the daemon can raise an alert.
 */
void
policy_decide(const struct conf *conf, const struct policy_domain *dom,
    const struct restart_history *hist, time_t now, struct plan *plan)
{
	const struct conf_rule	*rule;
	enum action		 requested;

	rule = policy_match(conf, dom->name, dom->uuid);
	if (dom->reason == REASON_WATCHDOG) {
		if (rule != NULL && rule->has_on_watchdog)
			requested = rule->on_watchdog;
		else
			requested = conf->on_watchdog;
	} else {
		if (rule != NULL && rule->has_on_crash)
			requested = rule->on_crash;
		else
			requested = conf->on_crash;
	}

	/* xl acts on this crash itself: two handlers would race (a restart
	 * twice, a dump of a domain xl destroys).  We only look. */
	if (dom->toolstack_acts)
		requested = ACTION_OBSERVE;
	plan->requested = requested;
	plan->action = requested;
	plan->suppressed = false;
	plan->rule = rule;
	plan->restart = rule != NULL ? &rule->restart : &conf->restart;
	if (action_restarts(requested) &&
	    !ratelimit_allow(plan->restart, hist, now)) {
		plan->action = plan->restart->fallback;
		plan->suppressed = true;
	}
	plan->nsteps = plan_steps(plan->action, plan->steps, PLAN_MAX_STEPS);
}
