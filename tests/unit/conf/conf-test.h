/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conf-test.h: helpers shared by the conf unit tests. */
#ifndef CW_CONF_TEST_H
#define CW_CONF_TEST_H

#include "conf.h"

/* TEXT must load without a single error; the test fails listing them. */
struct conf	*must_load(const char *text);
/* TEXT must fail with exactly the messages WANT (NULL-terminated), in order. */
void		 expect_errors(const char *text, const char *const *want);
/* Shorthand for a single expected message. */
void		 expect_error(const char *text, const char *want);

#endif
