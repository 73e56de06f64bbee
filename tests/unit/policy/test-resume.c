/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-resume.c: which interrupted plans go on, what a timed-out wait
 * skips, and the destroy backoff.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy.h"

/*
 * With the domain gone, a plan goes on from every step it had not
 * finished (a destroy that outlived a killed daemon leaves its record at
 * the destroy step, and the restart is still owed); a step past the end
 * is finished, and a corrupt action has no steps at all.
 */
static void
test_resumable(void **state)
{
	enum step	steps[PLAN_MAX_STEPS];
	size_t		n, i;
	int		a;

	(void)state;
	for (a = 0; a < ACTION_COUNT; a++) {
		n = plan_steps((enum action)a, steps, PLAN_MAX_STEPS);
		assert_true(n > 0);
		for (i = 0; i < n; i++)
			assert_true(plan_resumable((enum action)a,
			    (unsigned)i));
		assert_false(plan_resumable((enum action)a, (unsigned)n));
		assert_false(plan_resumable((enum action)a, 1000));
	}
	/* Spelled out for the plan that matters most. */
	assert_true(plan_resumable(ACTION_COREDUMP_RESTART, 0));	/* dump */
	assert_true(plan_resumable(ACTION_COREDUMP_RESTART, 1));	/* destroy */
	assert_true(plan_resumable(ACTION_COREDUMP_RESTART, 4));	/* hooks */
	assert_false(plan_resumable(ACTION_COREDUMP_RESTART, 5));
	assert_false(plan_resumable((enum action)ACTION_COUNT, 0));
}

/* A domain that outlived its wait: the restart after it is skipped. */
static void
test_after_wait_timeout(void **state)
{
	struct plan	p = { 0 };

	(void)state;
	p.nsteps = plan_steps(ACTION_RESTART, p.steps, PLAN_MAX_STEPS);
	assert_int_equal(p.steps[1], STEP_WAIT_GONE);
	assert_int_equal(plan_after_wait_timeout(&p, 1), 3);
	assert_int_equal(p.steps[3], STEP_HOOKS);

	p.nsteps = plan_steps(ACTION_COREDUMP_RESTART, p.steps,
	    PLAN_MAX_STEPS);
	assert_int_equal(p.steps[2], STEP_WAIT_GONE);
	assert_int_equal(plan_after_wait_timeout(&p, 2), 4);

	/* Nothing after the wait, or no restart after it: just the next. */
	p.steps[0] = STEP_WAIT_GONE;
	p.nsteps = 1;
	assert_int_equal(plan_after_wait_timeout(&p, 0), 1);
	p.steps[1] = STEP_HOOKS;
	p.nsteps = 2;
	assert_int_equal(plan_after_wait_timeout(&p, 0), 1);
}

/* 1, 2, 4, ... 32 seconds, then the cap for good, never 0. */
static void
test_backoff(void **state)
{
	unsigned	t, prev = 0;

	(void)state;
	assert_int_equal(destroy_backoff(1), 1);
	assert_int_equal(destroy_backoff(2), 2);
	assert_int_equal(destroy_backoff(3), 4);
	assert_int_equal(destroy_backoff(6), 32);
	assert_int_equal(destroy_backoff(7), DESTROY_BACKOFF_MAX);
	assert_int_equal(destroy_backoff(0), 1);
	assert_int_equal(destroy_backoff(0xffffffffu), DESTROY_BACKOFF_MAX);
	for (t = 1; t < 100; t++) {
		assert_true(destroy_backoff(t) >= prev);
		assert_true(destroy_backoff(t) <= DESTROY_BACKOFF_MAX);
		prev = destroy_backoff(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resumable),
		cmocka_unit_test(test_after_wait_timeout),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
