/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-plan.c: the plan of every action, the choice of action, and the
 * fallback once the restart burst is used up.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "policy.h"

#define T0 ((time_t)1700000000)
#define UUID_DB "5f2e8a10-3c4d-4e6f-9a7b-1d2c3b4a5f60"

/* The plan of ACTION as step names joined by spaces. */
static const char *
steps_string(const enum step *steps, size_t n, char *buf, size_t len)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, step_name(steps[i]), len - strlen(buf) - 1);
	}
	return (buf);
}

static const char *
action_plan(enum action a, char *buf, size_t len)
{
	enum step	steps[PLAN_MAX_STEPS];
	size_t		n;

	n = plan_steps(a, steps, PLAN_MAX_STEPS);
	return (steps_string(steps, n, buf, len));
}

static void
test_plan_every_action(void **state)
{
	char	buf[256];

	(void)state;
	assert_string_equal(action_plan(ACTION_PRESERVE, buf, sizeof buf),
	    "hooks");
	assert_string_equal(action_plan(ACTION_DESTROY, buf, sizeof buf),
	    "destroy hooks");
	assert_string_equal(action_plan(ACTION_RESTART, buf, sizeof buf),
	    "destroy wait-gone restart hooks");
	assert_string_equal(action_plan(ACTION_RENAME_RESTART, buf,
	    sizeof buf), "rename restart hooks");
	assert_string_equal(action_plan(ACTION_COREDUMP_DESTROY, buf,
	    sizeof buf), "dump destroy hooks");
	assert_string_equal(action_plan(ACTION_COREDUMP_RESTART, buf,
	    sizeof buf), "dump destroy wait-gone restart hooks");
	assert_string_equal(action_plan(ACTION_COREDUMP_PRESERVE, buf,
	    sizeof buf), "dump hooks");
}

/* A plan dumps exactly when conf says the action dumps, same for restart. */
static void
test_plan_agrees_with_conf(void **state)
{
	enum step	steps[PLAN_MAX_STEPS];
	size_t		i, n;
	int		a;
	bool		dumps, restarts;

	(void)state;
	for (a = 0; a < ACTION_COUNT; a++) {
		n = plan_steps((enum action)a, steps, PLAN_MAX_STEPS);
		assert_true(n > 0);
		assert_int_equal(steps[n - 1], STEP_HOOKS);
		dumps = restarts = false;
		for (i = 0; i < n; i++) {
			if (steps[i] == STEP_DUMP)
				dumps = true;
			if (steps[i] == STEP_RESTART)
				restarts = true;
		}
		assert_int_equal(dumps, action_dumps((enum action)a));
		assert_int_equal(restarts, action_restarts((enum action)a));
	}
}

/* A corrupt action plans nothing rather than something destructive. */
static void
test_plan_bad_action(void **state)
{
	enum step	steps[PLAN_MAX_STEPS];

	(void)state;
	assert_int_equal(plan_steps((enum action)ACTION_COUNT, steps,
	    PLAN_MAX_STEPS), 0);
	assert_int_equal(plan_steps((enum action)-1, steps, PLAN_MAX_STEPS),
	    0);
}

/* A short array gets the first steps, never more than it holds. */
static void
test_plan_short_array(void **state)
{
	enum step	steps[3] = { STEP_HOOKS, STEP_HOOKS, STEP_HOOKS };

	(void)state;
	assert_int_equal(plan_steps(ACTION_COREDUMP_RESTART, steps, 2), 2);
	assert_int_equal(steps[0], STEP_DUMP);
	assert_int_equal(steps[1], STEP_DESTROY);
	assert_int_equal(steps[2], STEP_HOOKS);
	assert_int_equal(plan_steps(ACTION_RESTART, steps, 0), 0);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(step_name(STEP_DUMP), "dump");
	assert_string_equal(step_name(STEP_DESTROY), "destroy");
	assert_string_equal(step_name(STEP_WAIT_GONE), "wait-gone");
	assert_string_equal(step_name(STEP_RENAME), "rename");
	assert_string_equal(step_name(STEP_RESTART), "restart");
	assert_string_equal(step_name(STEP_HOOKS), "hooks");
	assert_string_equal(step_name((enum step)99), "unknown");
	assert_string_equal(reason_name(REASON_CRASH), "crash");
	assert_string_equal(reason_name(REASON_WATCHDOG), "watchdog");
	assert_string_equal(reason_name((enum reason)99), "unknown");
}

/*
 * Defaults: crash -> coredump-destroy, watchdog -> restart, burst 3 in
 * 600 s then preserve.  "web-*" overrides both actions and its own limit;
 * the db UUID overrides only on_watchdog; "only-crash" only on_crash.
 */
static struct conf_rule rules[] = {
	{ .match = "web-*", .has_on_crash = true,
	  .on_crash = ACTION_COREDUMP_RESTART, .has_on_watchdog = true,
	  .on_watchdog = ACTION_RENAME_RESTART,
	  .restart = { 1, 60, ACTION_COREDUMP_DESTROY } },
	{ .uuid = UUID_DB, .has_on_watchdog = true,
	  .on_watchdog = ACTION_COREDUMP_PRESERVE,
	  .restart = { 3, 600, ACTION_PRESERVE } },
	{ .match = "only-crash", .has_on_crash = true,
	  .on_crash = ACTION_RESTART,
	  .restart = { 2, 100, ACTION_DESTROY } },
};

static struct conf conf = {
	.on_crash = ACTION_COREDUMP_DESTROY,
	.on_watchdog = ACTION_RESTART,
	.restart = { 3, 600, ACTION_PRESERVE },
	.rules = rules,
	.nrules = 3,
};

static void
test_decide_defaults(void **state)
{
	struct policy_domain	d = { 7, "other", "0d4ba7c3-0000-4000-8000-"
	    "000000000000", REASON_CRASH, false };
	struct plan		p;
	char			buf[256];

	(void)state;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_null(p.rule);
	assert_ptr_equal(p.restart, &conf.restart);
	assert_int_equal(p.requested, ACTION_COREDUMP_DESTROY);
	assert_int_equal(p.action, ACTION_COREDUMP_DESTROY);
	assert_false(p.suppressed);
	assert_string_equal(steps_string(p.steps, p.nsteps, buf, sizeof buf),
	    "dump destroy hooks");

	d.reason = REASON_WATCHDOG;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_int_equal(p.requested, ACTION_RESTART);
	assert_int_equal(p.action, ACTION_RESTART);
	assert_false(p.suppressed);
	assert_string_equal(steps_string(p.steps, p.nsteps, buf, sizeof buf),
	    "destroy wait-gone restart hooks");
}

static void
test_decide_watchdog_vs_crash(void **state)
{
	struct policy_domain	d = { 3, "web-1", NULL, REASON_CRASH, false };
	struct plan		p;
	char			buf[256];

	(void)state;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_ptr_equal(p.rule, &rules[0]);
	assert_ptr_equal(p.restart, &rules[0].restart);
	assert_int_equal(p.action, ACTION_COREDUMP_RESTART);
	assert_string_equal(steps_string(p.steps, p.nsteps, buf, sizeof buf),
	    "dump destroy wait-gone restart hooks");

	d.reason = REASON_WATCHDOG;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_int_equal(p.action, ACTION_RENAME_RESTART);
	assert_string_equal(steps_string(p.steps, p.nsteps, buf, sizeof buf),
	    "rename restart hooks");
}

/* A rule without on_crash (or on_watchdog) falls back to the default. */
static void
test_decide_partial_rule(void **state)
{
	struct policy_domain	d = { 4, "db", UUID_DB, REASON_CRASH, false };
	struct plan		p;

	(void)state;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_ptr_equal(p.rule, &rules[1]);
	assert_int_equal(p.action, ACTION_COREDUMP_DESTROY);
	d.reason = REASON_WATCHDOG;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_int_equal(p.action, ACTION_COREDUMP_PRESERVE);

	d.name = "only-crash";
	d.uuid = NULL;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_ptr_equal(p.rule, &rules[2]);
	assert_int_equal(p.action, ACTION_RESTART);	/* default watchdog */
	assert_ptr_equal(p.restart, &rules[2].restart);
	d.reason = REASON_CRASH;
	policy_decide(&conf, &d, NULL, T0, &p);
	assert_int_equal(p.action, ACTION_RESTART);
}

/*
 * Restarts at t, t+1, t+2 against the default burst of 3 in 600 s: the
 * fourth at t+3 becomes the fallback (preserve), flagged; at t+600 the
 * first has left the window and the restart is allowed again.
 */
static void
test_decide_fallback(void **state)
{
	const time_t		t[] = { T0, T0 + 1, T0 + 2 };
	struct restart_history	h = { t, 0 };
	struct policy_domain	d = { 9, "loop", NULL, REASON_WATCHDOG, false };
	struct plan		p;
	char			buf[256];
	size_t			i;

	(void)state;
	for (i = 0; i < 3; i++) {
		h.n = i;
		policy_decide(&conf, &d, &h, t[i], &p);
		assert_int_equal(p.action, ACTION_RESTART);
		assert_false(p.suppressed);
	}
	h.n = 3;
	policy_decide(&conf, &d, &h, T0 + 3, &p);
	assert_int_equal(p.requested, ACTION_RESTART);
	assert_int_equal(p.action, ACTION_PRESERVE);
	assert_true(p.suppressed);
	assert_string_equal(steps_string(p.steps, p.nsteps, buf, sizeof buf),
	    "hooks");

	policy_decide(&conf, &d, &h, T0 + 599, &p);
	assert_true(p.suppressed);
	policy_decide(&conf, &d, &h, T0 + 600, &p);
	assert_false(p.suppressed);
	assert_int_equal(p.action, ACTION_RESTART);
	policy_decide(&conf, &d, &h, T0 + 601, &p);
	assert_false(p.suppressed);
	assert_int_equal(p.action, ACTION_RESTART);
}

/* The rule's own limit and fallback apply, with the fallback's plan. */
static void
test_decide_rule_fallback(void **state)
{
	const time_t		t[] = { T0 };
	struct restart_history	h = { t, 1 };
	struct policy_domain	d = { 3, "web-1", NULL, REASON_CRASH, false };
	struct plan		p;
	char			buf[256];

	(void)state;
	policy_decide(&conf, &d, &h, T0 + 59, &p);
	assert_int_equal(p.requested, ACTION_COREDUMP_RESTART);
	assert_int_equal(p.action, ACTION_COREDUMP_DESTROY);
	assert_true(p.suppressed);
	assert_string_equal(steps_string(p.steps, p.nsteps, buf, sizeof buf),
	    "dump destroy hooks");
	policy_decide(&conf, &d, &h, T0 + 60, &p);
	assert_int_equal(p.action, ACTION_COREDUMP_RESTART);
	assert_false(p.suppressed);
}

/* Actions that do not restart are never limited, however full the burst. */
static void
test_decide_no_restart_not_limited(void **state)
{
	const time_t		t[] = { T0, T0, T0, T0 };
	struct restart_history	h = { t, 4 };
	struct policy_domain	d = { 5, "x", NULL, REASON_CRASH, false };
	struct plan		p;

	(void)state;
	policy_decide(&conf, &d, &h, T0, &p);
	assert_int_equal(p.action, ACTION_COREDUMP_DESTROY);
	assert_false(p.suppressed);
}

/* xl acts on the guest's crash itself: we only look, whatever the rule,
 * and the look counts against no restart limit. */
static void
test_decide_toolstack_acts(void **state)
{
	const time_t		t[] = { T0, T0, T0, T0 };
	struct restart_history	h = { t, 4 };
	struct policy_domain	d = { 3, "web-1", NULL, REASON_CRASH, true };
	struct plan		p;
	char			buf[256];

	(void)state;
	policy_decide(&conf, &d, &h, T0, &p);
	assert_int_equal(p.requested, ACTION_OBSERVE);
	assert_int_equal(p.action, ACTION_OBSERVE);
	assert_false(p.suppressed);
	assert_string_equal(action_name(p.action), "observe");
	assert_string_equal(steps_string(p.steps, p.nsteps, buf, sizeof buf),
	    "hooks");
	d.reason = REASON_WATCHDOG;
	policy_decide(&conf, &d, &h, T0, &p);
	assert_int_equal(p.action, ACTION_OBSERVE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_every_action),
		cmocka_unit_test(test_plan_agrees_with_conf),
		cmocka_unit_test(test_plan_bad_action),
		cmocka_unit_test(test_plan_short_array),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_decide_defaults),
		cmocka_unit_test(test_decide_watchdog_vs_crash),
		cmocka_unit_test(test_decide_partial_rule),
		cmocka_unit_test(test_decide_fallback),
		cmocka_unit_test(test_decide_rule_fallback),
		cmocka_unit_test(test_decide_no_restart_not_limited),
		cmocka_unit_test(test_decide_toolstack_acts),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
