/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ratelimit.c: the restart burst across the window boundary.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy.h"

#define T0 ((time_t)1700000000)

static const struct conf_restart limit = {
	.burst = 3, .interval = 600, .fallback = ACTION_PRESERVE
};

static void
test_empty(void **state)
{
	struct restart_history	none = { NULL, 0 };

	(void)state;
	assert_true(ratelimit_allow(&limit, &none, T0));
	assert_true(ratelimit_allow(&limit, NULL, T0));
}

/*
 * Restarts at t, t+1, t+2 use up a burst of 3 in 600 s.  The window is
 * (now - 600, now]: at t+599 all three are in it, at t+600 the one at t
 * has just left (exactly now - interval is outside), so one is allowed.
 */
static void
test_burst_boundary(void **state)
{
	const time_t		t[] = { T0, T0 + 1, T0 + 2 };
	struct restart_history	h1 = { t, 1 }, h2 = { t, 2 }, h3 = { t, 3 };

	(void)state;
	assert_true(ratelimit_allow(&limit, &h1, T0 + 1));
	assert_true(ratelimit_allow(&limit, &h2, T0 + 2));
	assert_false(ratelimit_allow(&limit, &h3, T0 + 3));
	assert_false(ratelimit_allow(&limit, &h3, T0 + 599));
	assert_true(ratelimit_allow(&limit, &h3, T0 + 600));
	assert_true(ratelimit_allow(&limit, &h3, T0 + 601));
	assert_true(ratelimit_allow(&limit, &h3, T0 + 100000));
}

/* One restart in the window against a burst of 1, at the exact edge. */
static void
test_edge_exact(void **state)
{
	const struct conf_restart	one = { 1, 600, ACTION_DESTROY };
	const time_t			t[] = { T0 };
	struct restart_history		h = { t, 1 };

	(void)state;
	assert_false(ratelimit_allow(&one, &h, T0));
	assert_false(ratelimit_allow(&one, &h, T0 + 599));
	assert_true(ratelimit_allow(&one, &h, T0 + 600));
}

/* A clock stepped back must not reopen the burst. */
static void
test_future_counts(void **state)
{
	const time_t		t[] = { T0 + 1000, T0 + 2000, T0 + 3000 };
	struct restart_history	h = { t, 3 };

	(void)state;
	assert_false(ratelimit_allow(&limit, &h, T0));
	assert_false(ratelimit_allow(&limit, &h, T0 - 100000));
}

static void
test_burst_zero(void **state)
{
	const struct conf_restart	never = { 0, 600, ACTION_PRESERVE };

	(void)state;
	assert_false(ratelimit_allow(&never, NULL, T0));
}

/* Extreme times must neither overflow nor count wrongly. */
static void
test_extremes(void **state)
{
	const time_t		t[] = { INT64_MIN, 0 };
	struct restart_history	h = { t, 2 };
	const struct conf_restart one = { 1, 600, ACTION_PRESERVE };

	(void)state;
	assert_true(ratelimit_allow(&one, &h, INT64_MAX));
	assert_false(ratelimit_allow(&one, &h, 599));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_burst_boundary),
		cmocka_unit_test(test_edge_exact),
		cmocka_unit_test(test_future_counts),
		cmocka_unit_test(test_burst_zero),
		cmocka_unit_test(test_extremes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
