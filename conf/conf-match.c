/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conf-match.c: what a rule matches on: a name glob or a UUID. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-internal.h"

/*
 * Why a glob is malformed, or NULL.  fnmatch(3) would quietly treat an
 * unclosed '[' as a literal, which is never what the operator meant.
 */
static const char *
glob_problem(const char *g)
{
	const char	*p = g;

	if (*g == '\0')
		return "is empty";
	while (*p != '\0') {
		if (*p == '\\') {
			if (p[1] == '\0')
				return "ends with a lone backslash";
			p += 2;
			continue;
		}
		if (*p != '[') {
			p++;
			continue;
		}
		/* A bracket expression: ']' first (after '!' or '^') is literal. */
		p++;
		if (*p == '!' || *p == '^')
			p++;
		if (*p == ']')
			p++;
		for (;;) {
			if (*p == '\0')
				return "has an unbalanced [";
			if (*p == ']')
				break;
			if (p[0] == '[' && (p[1] == ':' || p[1] == '.' ||
			    p[1] == '=')) {
				const char *end, close[3] = { p[1], ']', '\0' };

				if ((end = strstr(p + 2, close)) == NULL)
					return "has an unbalanced [";
				p = end + 2;
				continue;
			}
			if (*p == '\\' && p[1] != '\0')
				p++;
			p++;
		}
		p++;
	}
	return NULL;
}

int
conf_value_glob(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, char **out)
{
	const char	*v, *why;

	if (conf_value_string(ctx, s, path, &v) != 0)
		return -EINVAL;
	if ((why = glob_problem(v)) != NULL) {
		conf_error(ctx, s, "%s: \"%.128s\" %s (valid: a name glob such "
		    "as \"web-*\" or \"db[0-9]\")", path, v, why);
		return -EINVAL;
	}
	return conf_replace(ctx, out, v);
}

/* 8-4-4-4-12 hex digits, stored lower-case as xenstore writes them. */
int
conf_value_uuid(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, char **out)
{
	const char	*v;
	char		*d;
	size_t		 i;

	if (conf_value_string(ctx, s, path, &v) != 0)
		return -EINVAL;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (v[i] != '-')
				break;
		} else if (!isxdigit((unsigned char)v[i]))
			break;
	}
	if (i != 36 || v[36] != '\0') {
		conf_error(ctx, s, "%s: \"%.64s\" is not a UUID (valid: "
		    "8-4-4-4-12 hex digits such as "
		    "\"6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a11\")", path, v);
		return -EINVAL;
	}
	if ((d = strdup(v)) == NULL) {
		conf_nomem(ctx);
		return -ENOMEM;
	}
	for (i = 0; i < 36; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	free(*out);
	*out = d;
	return 0;
}
