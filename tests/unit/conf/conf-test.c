/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conf-test.c: loading helpers that print every message on failure. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf-test.h"

static void
print_all(const struct conf_errors *errs)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		print_error("  got: %s\n", errs->msgs[i]);
}

struct conf *
must_load(const char *text)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	int			 r;

	r = conf_load_string(text, "t.conf", &c, &errs);
	if (r != 0 || c == NULL || errs.n != 0) {
		print_error("conf_load_string returned %d for:\n%s\n", r, text);
		print_all(&errs);
		conf_errors_clear(&errs);
		conf_free(c);
		fail();
	}
	return c;
}

void
expect_errors(const char *text, const char *const *want)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	size_t			 i, n;
	int			 r, ok;

	for (n = 0; want[n] != NULL; n++)
		;
	r = conf_load_string(text, "t.conf", &c, &errs);
	ok = r == -EINVAL && c == NULL && errs.n == n;
	for (i = 0; ok && i < n; i++)
		ok = strcmp(errs.msgs[i], want[i]) == 0;
	if (!ok) {
		print_error("conf_load_string returned %d for:\n%s\n", r, text);
		for (i = 0; i < n; i++)
			print_error(" want: %s\n", want[i]);
		print_all(&errs);
	}
	conf_errors_clear(&errs);
	conf_free(c);
	assert_true(ok);
}

void
expect_error(const char *text, const char *want)
{
	const char *const	v[] = { want, NULL };

	expect_errors(text, v);
}
