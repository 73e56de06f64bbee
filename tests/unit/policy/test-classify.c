/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-classify.c: which shutdowns are ours.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy.h"

/* Crash and watchdog are ours, with the matching reason. */
static void
test_ours(void **state)
{
	enum reason	r = REASON_WATCHDOG;

	(void)state;
	assert_int_equal(policy_classify(7, true, SHUTDOWN_CODE_CRASH, &r), 0);
	assert_int_equal(r, REASON_CRASH);
	assert_int_equal(policy_classify(7, true, SHUTDOWN_CODE_WATCHDOG, &r),
	    0);
	assert_int_equal(r, REASON_WATCHDOG);
}

/* Every other shutdown code, and garbage codes, are the toolstack's. */
static void
test_toolstack(void **state)
{
	static const unsigned	codes[] = { SHUTDOWN_CODE_POWEROFF,
	    SHUTDOWN_CODE_REBOOT, SHUTDOWN_CODE_SUSPEND,
	    SHUTDOWN_CODE_SOFT_RESET, 6, 255, 0xffffffffu };
	enum reason		r = REASON_CRASH;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		assert_int_equal(policy_classify(7, true, codes[i], &r), -1);
		assert_int_equal(r, REASON_CRASH);	/* untouched */
	}
}

/* Running domains are not ours whatever the code says; dom0 never is. */
static void
test_not_shut_down_or_dom0(void **state)
{
	enum reason	r;

	(void)state;
	assert_int_equal(policy_classify(7, false, SHUTDOWN_CODE_CRASH, &r),
	    -1);
	assert_int_equal(policy_classify(0, true, SHUTDOWN_CODE_CRASH, &r),
	    -1);
	assert_int_equal(policy_classify(0, true, SHUTDOWN_CODE_WATCHDOG, &r),
	    -1);
	assert_int_equal(policy_classify(32751, true, SHUTDOWN_CODE_CRASH,
	    &r), 0);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(shutdown_code_name(SHUTDOWN_CODE_POWEROFF),
	    "poweroff");
	assert_string_equal(shutdown_code_name(SHUTDOWN_CODE_SOFT_RESET),
	    "soft_reset");
	assert_string_equal(shutdown_code_name(SHUTDOWN_CODE_CRASH), "crash");
	assert_string_equal(shutdown_code_name(6), "unknown");
	assert_string_equal(shutdown_code_name(0xffffffffu), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ours),
		cmocka_unit_test(test_toolstack),
		cmocka_unit_test(test_not_shut_down_or_dom0),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
