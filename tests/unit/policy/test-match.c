/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-match.c: which rule applies to a domain.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy.h"

#define UUID_A "0d4ba7c3-9b1e-4f5a-8e2d-6c1f0a9b3e71"
#define UUID_A_UPPER "0D4BA7C3-9B1E-4F5A-8E2D-6C1F0A9B3E71"
#define UUID_B "5f2e8a10-3c4d-4e6f-9a7b-1d2c3b4a5f60"

static struct conf_rule rules[] = {
	{ .match = "web-*" },
	{ .uuid = UUID_A },
	{ .match = "*", .uuid = NULL, .has_on_crash = true },
};

static struct conf conf_all = { .rules = rules, .nrules = 3 };
static struct conf conf_two = { .rules = rules, .nrules = 2 };
static struct conf conf_none = { .rules = NULL, .nrules = 0 };

static void
test_glob(void **state)
{
	(void)state;
	assert_ptr_equal(policy_match(&conf_two, "web-1", UUID_B), &rules[0]);
	assert_ptr_equal(policy_match(&conf_two, "web-", NULL), &rules[0]);
	assert_null(policy_match(&conf_two, "db-1", UUID_B));
	/* Case matters in names, as in xl. */
	assert_null(policy_match(&conf_two, "WEB-1", UUID_B));
}

/* A domain name is not a path: '*' crosses '/' and a leading '.'. */
static void
test_glob_crosses_slash(void **state)
{
	(void)state;
	assert_ptr_equal(policy_match(&conf_two, "web-a/b", NULL), &rules[0]);
	assert_ptr_equal(policy_match(&conf_all, ".hidden", NULL), &rules[2]);
	assert_ptr_equal(policy_match(&conf_all, "a/../b", NULL), &rules[2]);
}

static void
test_uuid_case(void **state)
{
	(void)state;
	assert_ptr_equal(policy_match(&conf_two, "db-1", UUID_A), &rules[1]);
	assert_ptr_equal(policy_match(&conf_two, "db-1", UUID_A_UPPER),
	    &rules[1]);
	assert_ptr_equal(policy_match(&conf_two, NULL, UUID_A), &rules[1]);
	assert_null(policy_match(&conf_two, "db-1", NULL));
}

static void
test_first_wins(void **state)
{
	(void)state;
	/* web-1 with UUID_A matches rules 0, 1 and 2: the first wins. */
	assert_ptr_equal(policy_match(&conf_all, "web-1", UUID_A), &rules[0]);
	assert_ptr_equal(policy_match(&conf_all, "db-1", UUID_A), &rules[1]);
	assert_ptr_equal(policy_match(&conf_all, "db-1", UUID_B), &rules[2]);
}

static void
test_no_match(void **state)
{
	(void)state;
	assert_null(policy_match(&conf_none, "web-1", UUID_A));
	assert_null(policy_match(&conf_two, "x", UUID_B));
	/* A NULL name never matches a glob, not even "*". */
	assert_null(policy_match(&conf_all, NULL, UUID_B));
	assert_null(policy_match(&conf_all, NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_crosses_slash),
		cmocka_unit_test(test_uuid_case),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_no_match),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
