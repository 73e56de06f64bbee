/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-conf-size.c: size strings and the action vocabulary. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conf.h"

static void
test_sizes(void **state)
{
	static const struct {
		const char	*in;
		uint64_t	 want;
	} ok[] = {
		{ "0", 0 },
		{ "4096", 4096 },
		{ "512K", UINT64_C(512) << 10 },
		{ "512k", UINT64_C(512) << 10 },
		{ "10M", UINT64_C(10) << 20 },
		{ "10m", UINT64_C(10) << 20 },
		{ "20G", UINT64_C(20) << 30 },
		{ "20g", UINT64_C(20) << 30 },
		{ "1T", UINT64_C(1) << 40 },
		{ "1t", UINT64_C(1) << 40 },
		{ "0G", 0 },
		{ "007", 7 },
		{ "18446744073709551615", UINT64_MAX },
		{ "16777215T", UINT64_C(16777215) << 40 },
	};
	uint64_t	v;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		v = 12345;
		if (conf_parse_size(ok[i].in, &v) != 0 || v != ok[i].want)
			fail_msg("\"%s\" gave %llu", ok[i].in,
			    (unsigned long long)v);
	}
}

static void
test_bad_sizes(void **state)
{
	static const char *const inval[] = { "", "-1", "+1", " 1", "1 ",
	    "1.5G", "12X", "G", "1GB", "1KK", "0x10", "1e3", "1_000" };
	static const char *const range[] = { "18446744073709551616",
	    "99999999999999999999999", "16777216T", "17179869184G" };
	uint64_t	v = 7;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof inval / sizeof inval[0]; i++)
		if (conf_parse_size(inval[i], &v) != -EINVAL)
			fail_msg("\"%s\" was not -EINVAL", inval[i]);
	for (i = 0; i < sizeof range / sizeof range[0]; i++)
		if (conf_parse_size(range[i], &v) != -ERANGE)
			fail_msg("\"%s\" was not -ERANGE", range[i]);
	assert_int_equal(conf_parse_size(NULL, &v), -EINVAL);
	/* Failures leave the output alone. */
	assert_true(v == 7);
}

static void
test_actions(void **state)
{
	static const struct {
		const char	*word;
		enum action	 a;
		bool		 dumps, restarts;
	} t[] = {
		{ "preserve", ACTION_PRESERVE, false, false },
		{ "destroy", ACTION_DESTROY, false, false },
		{ "restart", ACTION_RESTART, false, true },
		{ "rename-restart", ACTION_RENAME_RESTART, false, true },
		{ "coredump-destroy", ACTION_COREDUMP_DESTROY, true, false },
		{ "coredump-restart", ACTION_COREDUMP_RESTART, true, true },
		{ "coredump-preserve", ACTION_COREDUMP_PRESERVE, true, false },
		{ "observe", ACTION_OBSERVE, false, false },
	};
	enum action	a;
	size_t		i;

	(void)state;
	assert_int_equal(sizeof t / sizeof t[0], ACTION_COUNT);
	for (i = 0; i < ACTION_COUNT; i++) {
		a = ACTION_COUNT;
		assert_int_equal(action_parse(t[i].word, &a), 0);
		assert_int_equal(a, t[i].a);
		assert_string_equal(action_name(t[i].a), t[i].word);
		assert_int_equal(action_dumps(t[i].a), t[i].dumps);
		assert_int_equal(action_restarts(t[i].a), t[i].restarts);
	}
	assert_int_equal(action_parse("hard-shutdown", &a), 0);
	assert_int_equal(a, ACTION_DESTROY);
	a = ACTION_RESTART;
	assert_int_equal(action_parse("Destroy", &a), -EINVAL);
	assert_int_equal(action_parse("", &a), -EINVAL);
	assert_int_equal(action_parse("coredump", &a), -EINVAL);
	assert_int_equal(action_parse("destroy ", &a), -EINVAL);
	assert_int_equal(action_parse(NULL, &a), -EINVAL);
	assert_int_equal(a, ACTION_RESTART);
	assert_string_equal(action_name((enum action)ACTION_COUNT), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
