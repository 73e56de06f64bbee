/* SPDX-License-Identifier: GPL-2.0-or-later */
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

/* What every result must be, whatever the name. */
static void
check_shape(const char *out)
{
	assert_true(strlen(out) > 0 && strlen(out) < NAME_SAFE_MAX);
	assert_null(strchr(out, '/'));
	assert_true(strcmp(out, ".") != 0 && strcmp(out, "..") != 0);
	assert_true(out[0] != '.' && out[0] != '-' && out[0] != NAME_MARK);
	assert_int_equal(strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._+-~"), strlen(out));
}

/* name_sanitize(IN) into a full-size buffer, compared with WANT. */
static void
check(const char *in, const char *want)
{
	char	out[NAME_SAFE_MAX];

	memset(out, 'Z', sizeof out);
	name_sanitize(in, out, sizeof out);
	assert_string_equal(out, want);
	check_shape(out);
}

/*
 * A changed name: PREFIX, the marker, 16 lowercase hex digits.  The hash
 * is not spelled out here (test_hash_pinned does that once): what matters
 * is that the readable part is right and the mark is there.
 */
static void
check_changed(const char *in, const char *prefix)
{
	char	out[NAME_SAFE_MAX];
	size_t	plen = strlen(prefix), i;

	name_sanitize(in, out, sizeof out);
	check_shape(out);
	assert_int_equal(strlen(out), plen + 1 + 16);
	assert_memory_equal(out, prefix, plen);
	assert_int_equal(out[plen], NAME_MARK);
	for (i = plen + 1; i < plen + 17; i++)
		assert_non_null(strchr("0123456789abcdef", out[i]));
}

/* Safe names are kept as they are: /etc/xen/%n.cfg keeps working. */
static void
test_plain(void **state)
{
	char	in[NAME_SAFE_MAX];

	(void)state;
	check("web-1", "web-1");
	check("A.b_c+d-9", "A.b_c+d-9");
	check("x.", "x.");
	check("a..b", "a..b");
	check("_", "_");
	check("_rf", "_rf");
	memset(in, 'a', NAME_SAFE_MAX - 1);
	in[NAME_SAFE_MAX - 1] = '\0';
	check(in, in);
}

static void
test_hostile(void **state)
{
	(void)state;
	check_changed("../../etc/passwd", "_._.._etc_passwd");
	check_changed("a/b", "a_b");
	check_changed("$(rm -rf /)", "__rm_-rf___");
	check_changed("name;reboot", "name_reboot");
	check_changed("`x`", "_x_");
	check_changed("\n\x01", "__");
	check_changed("a b\tc", "a_b_c");
	check_changed("*?[]'\"\\|&<>", "___________");
	check_changed("", "_");
	check_changed(NULL, "_");
	check_changed(".", "_");
	check_changed("..", "_.");
	check_changed(".hidden", "_hidden");
	check_changed("/", "_");
	check_changed("~", "_");
	check_changed("a~0123456789abcdef", "a_0123456789abcdef");
}

/* A leading '-' would make %n an option of the command it is given to. */
static void
test_leading_dash(void **state)
{
	(void)state;
	check_changed("-rf", "_rf");
	check_changed("--force", "_-force");
	check_changed("-", "_");
}

/* Every byte of a multi-byte character is replaced, none is kept. */
static void
test_utf8(void **state)
{
	(void)state;
	check_changed("caf\xc3\xa9", "caf__");		/* café */
	check_changed("\xe2\x9c\x93ok", "___ok");	/* check mark */
	check_changed("\xff\xfe", "__");		/* not UTF-8 at all */
}

/* The hash is part of file names on disk: it must not change. */
static void
test_hash_pinned(void **state)
{
	(void)state;
	/* FNV-1a 64 of nothing is its offset basis. */
	check("", "_~cbf29ce484222325");
	check("a/b", "a_b~e620c3190468cf61");
	check("-rf", "_rf~df312917deb4b268");
}

/* Pairs that the old scheme mapped to one result must differ. */
static void
test_distinct(void **state)
{
	static const char *const names[] = {
		"", ".", "..", "_", "_.", "/", "a/b", "a_b", "a:b", "a b",
		"-rf", "_rf", "rf", ".rf", "caf\xc3\xa9", "caf\xc3\xa8",
		"caf__", "\n", "\x01", "\t", "~", "a~b", "a_b~e620c3190468cf61",
		"x\x7f", "x\x80", "x\xff",
	};
	char	out[sizeof names / sizeof names[0]][NAME_SAFE_MAX];
	size_t	i, j, n = sizeof names / sizeof names[0];

	(void)state;
	for (i = 0; i < n; i++) {
		name_sanitize(names[i], out[i], sizeof out[i]);
		check_shape(out[i]);
	}
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (strcmp(out[i], out[j]) == 0)
				fail_msg("name %zu and name %zu both give %s",
				    i, j, out[i]);
		}
	}
}

/* Long names: equal for 63 bytes or more, then different. */
static void
test_long(void **state)
{
	char	a[301], b[301], c[NAME_SAFE_MAX + 1], sa[NAME_SAFE_MAX],
		sb[NAME_SAFE_MAX], sc[NAME_SAFE_MAX], big[NAME_SAFE_MAX + 8];
	char	prefix[NAME_SAFE_MAX];

	(void)state;
	memset(a, 'a', 300);
	a[300] = '\0';
	memcpy(b, a, sizeof b);
	b[299] = 'b';
	memcpy(c, a, NAME_SAFE_MAX);
	c[NAME_SAFE_MAX] = '\0';	/* 64 bytes: one too many */
	name_sanitize(a, sa, sizeof sa);
	name_sanitize(b, sb, sizeof sb);
	name_sanitize(c, sc, sizeof sc);
	check_shape(sa);
	check_shape(sb);
	check_shape(sc);
	assert_string_not_equal(sa, sb);
	assert_string_not_equal(sa, sc);
	assert_string_not_equal(sb, sc);

	/* The readable part is the start of the name, unsafe bytes too. */
	a[10] = '/';
	memset(prefix, 'a', 46);
	prefix[10] = '_';
	prefix[46] = '\0';
	check_changed(a, prefix);

	/* A bigger buffer does not lift the limit. */
	memset(big, 'Z', sizeof big);
	name_sanitize(a, big, sizeof big);
	check_shape(big);
	assert_int_equal(strlen(big), NAME_SAFE_MAX - 1);
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
		cmocka_unit_test(test_leading_dash),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_hash_pinned),
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_rename_too_small),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
