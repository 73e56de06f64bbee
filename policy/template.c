/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * template.c: argv templates (restart command, hooks) filled in per domain.
 *
 * Each template element becomes exactly one argument: values are never
 * split on spaces and never seen by a shell, so a hostile domain name
 * cannot add arguments or run commands.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* The values of the escapes, computed once per expansion. */
struct template_values {
	char		 name[NAME_SAFE_MAX];
	char		 domid[16];
	const char	*uuid;
	const char	*reason;
	const char	*coredump;
};

/* The text of escape C, or NULL if C is not one. */
static const char *
template_value(const struct template_values *v, char c)
{
	switch (c) {
	case 'n':
		return v->name;
	case 'u':
		return v->uuid;
	case 'd':
		return v->domid;
	case 'r':
		return v->reason;
	case 'c':
		return v->coredump;
	case '%':
		return "%";
	}
	return NULL;
}

/*
 * Expand one element into a new string.  The first pass measures and
 * checks every escape, so that nothing is allocated for a bad template.
 */
static int
template_expand_one(const char *in, const struct template_values *v,
    char **out)
{
	const char	*p, *val;
	char		*s, *q;
	size_t		 len = 0, vlen;

	for (p = in; *p != '\0'; p++) {
		if (*p != '%') {
			len++;
			continue;
		}
		if ((val = template_value(v, p[1])) == NULL)
			return -EINVAL;	/* unknown, or a trailing '%' */
		vlen = strlen(val);
		if (len > SIZE_MAX - 1 - vlen)
			return -ENOMEM;
		len += vlen;
		p++;
	}

	if ((s = malloc(len + 1)) == NULL)
		return -ENOMEM;
	for (p = in, q = s; *p != '\0'; p++) {
		if (*p != '%') {
			*q++ = *p;
			continue;
		}
		val = template_value(v, p[1]);
		vlen = strlen(val);
		memcpy(q, val, vlen);
		q += vlen;
		p++;
	}
	*q = '\0';
	*out = s;
	return 0;
}

/*
 * Expand a NULL-terminated argv template into a new NULL-terminated argv.
 * On error *OUT is left as it was and nothing is allocated.
 */
int
template_expand(char *const *tmpl, const struct template_vars *vars,
    char ***out)
{
	struct template_values	  v;
	char			**argv;
	size_t			  argc, i;
	int			  error;

	name_sanitize(vars->name, v.name, sizeof v.name);
	snprintf(v.domid, sizeof v.domid, "%u", vars->domid);
	v.uuid = vars->uuid != NULL ? vars->uuid : "";
	v.reason = vars->reason != NULL ? vars->reason : "";
	v.coredump = vars->coredump != NULL ? vars->coredump : "";

	for (argc = 0; tmpl[argc] != NULL; argc++)
		;
	if ((argv = calloc(argc + 1, sizeof *argv)) == NULL)
		return -ENOMEM;
	for (i = 0; i < argc; i++) {
		error = template_expand_one(tmpl[i], &v, &argv[i]);
		if (error != 0) {
			template_free(argv);
			return error;
		}
	}
	*out = argv;
	return 0;
}

/* Free an argv from template_expand; NULL is fine. */
void
template_free(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}
