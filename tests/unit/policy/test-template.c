/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-template.c: argv templates filled in, one argument per element.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

#define UUID "0d4ba7c3-9b1e-4f5a-8e2d-6c1f0a9b3e71"

static const struct template_vars vars = {
	.name = "web-1",
	.uuid = UUID,
	.domid = 42,
	.reason = "crash",
	.coredump = "/var/lib/xen/dump/web-1.core",
};

/* Expand TMPL and compare with the NULL-terminated WANT. */
static void
check(char *const *tmpl, const struct template_vars *v,
    const char *const *want)
{
	char	**out = NULL;
	size_t	  i;

	assert_int_equal(template_expand(tmpl, v, &out), 0);
	assert_non_null(out);
	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(out[i]);
		assert_string_equal(out[i], want[i]);
	}
	assert_null(out[i]);
	template_free(out);
}

static void
test_all_escapes(void **state)
{
	char *const		 tmpl[] = { "hook", "%n", "%u", "%d", "%r",
	    "%c", "%%", "100%%", "name=%n,id=%d%%", "plain", NULL };
	const char *const	 want[] = { "hook", "web-1", UUID, "42",
	    "crash", "/var/lib/xen/dump/web-1.core", "%", "100%",
	    "name=web-1,id=42%", "plain", NULL };

	(void)state;
	check(tmpl, &vars, want);
}

static void
test_empty(void **state)
{
	char *const		 none[] = { NULL };
	const char *const	 want_none[] = { NULL };
	char *const		 blank[] = { "", "%c", NULL };
	const char *const	 want_blank[] = { "", "", NULL };
	struct template_vars	 v = vars;

	(void)state;
	check(none, &vars, want_none);
	v.coredump = NULL;	/* no dump was taken */
	check(blank, &v, want_blank);
}

/* A bad template is -EINVAL and *out is left as it was. */
static void
test_bad_escape(void **state)
{
	char *const	 unknown[] = { "ok", "%x", NULL };
	char *const	 trailing[] = { "xl", "create", "/etc/xen/%n.cfg%",
	    NULL };
	char *const	 lone[] = { "%", NULL };
	char *const	 upper[] = { "%N", NULL };
	char		*sentinel[] = { "untouched", NULL };
	char		**out = sentinel;

	(void)state;
	assert_int_equal(template_expand(unknown, &vars, &out), -EINVAL);
	assert_ptr_equal(out, sentinel);
	assert_int_equal(template_expand(trailing, &vars, &out), -EINVAL);
	assert_ptr_equal(out, sentinel);
	assert_int_equal(template_expand(lone, &vars, &out), -EINVAL);
	assert_ptr_equal(out, sentinel);
	assert_int_equal(template_expand(upper, &vars, &out), -EINVAL);
	assert_ptr_equal(out, sentinel);
}

/*
 * Hostile names: %n is the sanitised name, so it can neither leave the
 * directory nor add arguments; each element stays one argument.
 */
static void
test_hostile_names(void **state)
{
	static const struct {
		const char	*name;
		const char	*safe;
	} cases[] = {
		{ "../../etc/passwd", "_._.._etc_passwd~2bef2c0bbbdefdfa" },
		{ "a/b", "a_b~e620c3190468cf61" },
		{ "$(rm -rf /)", "__rm_-rf___~e7b8529a16c17155" },
		{ "name;reboot", "name_reboot~e0ba46f2106ce87a" },
		{ "`x`", "_x_~ee97c219092654bf" },
		{ "\n\x01", "__~08548307b5084dd4" },
		{ "", "_~cbf29ce484222325" },
		{ ".", "_~af63a34c86018bb1" },
		{ "..", "_.~07da1a07b4a03f2d" },
		{ ".hidden", "_hidden~28280da0cdcb6865" },
		{ "caf\xc3\xa9 \xe2\x9c\x93", "caf______~1eab29a4b5d1d7b2" },
		{ "web 1 --force", "web_1_--force~2ed0cf232adce0c3" },
		/* Never an option of the command. */
		{ "-rf", "_rf~df312917deb4b268" },
		{ "--help", "_-help~5daaf2e4c8a8bf3c" },
		/* Safe names are kept, so /etc/xen/%n.cfg keeps working. */
		{ "web-1", "web-1" },
		{ "_rf", "_rf" },
	};
	char *const		 tmpl[] = { "xl", "create", "/etc/xen/%n.cfg",
	    "%n", NULL };
	struct template_vars	 v = vars;
	char			 path[128];
	const char		*want[] = { "xl", "create", path, NULL, NULL };
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(path, sizeof path, "/etc/xen/%s.cfg", cases[i].safe);
		want[3] = cases[i].safe;
		v.name = cases[i].name;
		check(tmpl, &v, want);
	}
}

/*
 * Long names are cut, and marked so that names equal for their first 63
 * bytes (or 300) still give different %n.
 */
static void
test_long_name(void **state)
{
	char *const		 tmpl[] = { "%n", NULL };
	char			 name[301], want0[NAME_SAFE_MAX];
	const char *const	 want[] = { want0, NULL };
	struct template_vars	 v = vars;

	(void)state;
	memset(name, 'x', 300);
	name[300] = '\0';
	memset(want0, 'x', 46);
	snprintf(want0 + 46, sizeof want0 - 46, "~e78ddf9f1ba85555");
	v.name = name;
	check(tmpl, &v, want);

	name[64] = '\0';	/* one byte too long to be kept */
	snprintf(want0 + 46, sizeof want0 - 46, "~b96a5acbb56db825");
	check(tmpl, &v, want);

	name[63] = '\0';	/* kept as it is */
	memset(want0, 'x', 63);
	want0[63] = '\0';
	check(tmpl, &v, want);
}

/* Values are never expanded again: a '%' in a value stays literal. */
static void
test_no_reexpansion(void **state)
{
	char *const		 tmpl[] = { "%c", "%r", NULL };
	const char *const	 want[] = { "/dump/%n%%", "%d", NULL };
	struct template_vars	 v = vars;

	(void)state;
	v.coredump = "/dump/%n%%";
	v.reason = "%d";
	check(tmpl, &v, want);
}

static void
test_domid_range(void **state)
{
	char *const		 tmpl[] = { "%d", NULL };
	const char *const	 want0[] = { "0", NULL };
	const char *const	 wantmax[] = { "4294967295", NULL };
	struct template_vars	 v = vars;

	(void)state;
	v.domid = 0;
	check(tmpl, &v, want0);
	v.domid = UINT32_MAX;
	check(tmpl, &v, wantmax);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_escapes),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_escape),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_no_reexpansion),
		cmocka_unit_test(test_domid_range),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
