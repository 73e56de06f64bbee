/*
 * test-name.c: guest-controlled names made safe, and crashed-domain names.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

/* name_sanitize(IN) into a full-size buffer, compared with WANT. */
static void
check(const char *in, const char *want)
{
	char	out[NAME_SAFE_MAX];

	memset(out, 'Z', sizeof out);
	name_sanitize(in, out, sizeof out);
	assert_string_equal(out, want);
	assert_null(strchr(out, '/'));
	assert_true(strcmp(out, ".") != 0 && strcmp(out, "..") != 0);
}

static void
test_plain(void **state)
{
	(void)state;
	check("web-1", "web-1");
	check("A.b_c+d-9", "A.b_c+d-9");
	check("x.", "x.");
	check("a..b", "a..b");
}

static void
test_hostile(void **state)
{
	(void)state;
	check("../../etc/passwd", "_._.._etc_passwd");
	check("a/b", "a_b");
	check("$(rm -rf /)", "__rm_-rf___");
	check("name;reboot", "name_reboot");
	check("`x`", "_x_");
	check("\n\x01", "__");
	check("a b\tc", "a_b_c");
	check("*?[]'\"\\|&<>", "___________");
	check("", "_");
	check(NULL, "_");
	check(".", "_");
	check("..", "_.");
	check(".hidden", "_hidden");
	check("/", "_");
}

/* Every byte of a multi-byte character is replaced, none is kept. */
static void
test_utf8(void **state)
{
	(void)state;
	check("caf\xc3\xa9", "caf__");		/* café */
	check("\xe2\x9c\x93ok", "___ok");	/* check mark */
	check("\xff\xfe", "__");		/* not UTF-8 at all */
}

/* A 300-byte name keeps its first NAME_SAFE_MAX - 1 bytes. */
static void
test_long(void **state)
{
	char	in[301], want[NAME_SAFE_MAX], out[NAME_SAFE_MAX + 8];

	(void)state;
	memset(in, 'a', 300);
	in[300] = '\0';
	in[10] = '/';
	memset(want, 'a', NAME_SAFE_MAX - 1);
	want[10] = '_';
	want[NAME_SAFE_MAX - 1] = '\0';
	check(in, want);

	/* A bigger buffer does not lift the limit. */
	memset(out, 'Z', sizeof out);
	name_sanitize(in, out, sizeof out);
	assert_int_equal(strlen(out), NAME_SAFE_MAX - 1);
	assert_string_equal(out, want);
}

/* A small buffer cuts the result and is never overrun. */
static void
test_small_buffer(void **state)
{
	char	out[8];

	(void)state;
	memset(out, 'Z', sizeof out);
	name_sanitize("../secret", out, 4);
	assert_string_equal(out, "_._");
	assert_int_equal(out[4], 'Z');

	memset(out, 'Z', sizeof out);
	name_sanitize("abc", out, 1);
	assert_string_equal(out, "");
	assert_int_equal(out[1], 'Z');

	memset(out, 'Z', sizeof out);
	name_sanitize("abc", out, 0);
	assert_int_equal(out[0], 'Z');
}

#define STAMP_T ((time_t)1700000000)	/* 2023-11-14 22:13:20 UTC */

static void
test_rename(void **state)
{
	char	out[128];

	(void)state;
	assert_int_equal(rename_crashed("web-1", STAMP_T, out, sizeof out), 0);
	assert_string_equal(out, "web-1-crashed-20231114T221320Z");
	assert_int_equal(rename_crashed("web-1", 0, out, sizeof out), 0);
	assert_string_equal(out, "web-1-crashed-19700101T000000Z");
	/* The raw name is kept: it goes to xenstore, not to a path. */
	assert_int_equal(rename_crashed("a b/c", STAMP_T, out, sizeof out),
	    0);
	assert_string_equal(out, "a b/c-crashed-20231114T221320Z");
}

/* Too small a buffer is -ENAMETOOLONG and leaves it untouched. */
static void
test_rename_too_small(void **state)
{
	const char	*want = "web-1-crashed-20231114T221320Z";
	char		 out[64];
	size_t		 len = strlen(want);

	(void)state;
	memset(out, 'Z', sizeof out);
	assert_int_equal(rename_crashed("web-1", STAMP_T, out, len),
	    -ENAMETOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(rename_crashed("web-1", STAMP_T, out, 0),
	    -ENAMETOOLONG);
	assert_int_equal(rename_crashed("web-1", STAMP_T, out, len + 1), 0);
	assert_string_equal(out, want);
	assert_int_equal(rename_crashed(NULL, STAMP_T, out, sizeof out),
	    -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_rename_too_small),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
