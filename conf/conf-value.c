/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf-value.c: reading one setting of a given kind, checking it and saying
 * what would have been valid when it is not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-internal.h"

/* "parent.key", or "key" at the top. */
void
conf_path(char *buf, size_t len, const char *parent, const char *key)
{
	if (parent == NULL || *parent == '\0')
		snprintf(buf, len, "%s", key);
	else
		snprintf(buf, len, "%s.%s", parent, key);
}

/* "parent[i]" for the elements of lists and arrays. */
void
conf_path_index(char *buf, size_t len, const char *parent, unsigned i)
{
	snprintf(buf, len, "%s[%u]", parent, i);
}

static const char *
type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	}
	return "nothing";
}

/* "path: expected WANT, not a string". */
void
conf_type_error(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, const char *want)
{
	conf_error(ctx, s, "%s: expected %s, not %s", path, want,
	    type_name(config_setting_type(s)));
}

/* An integer, written plainly or with the L suffix, within [MIN, MAX]. */
int
conf_value_int(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, long long min, long long max, long long *out)
{
	long long	v;
	int		type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
		conf_type_error(ctx, s, path, "an integer");
		return -EINVAL;
	}
	if (conf_literal_check(ctx, s, path) != 0)
		return -ERANGE;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		if (max == CONF_NOMAX)
			conf_error(ctx, s, "%s: %lld is out of range "
			    "(valid: %lld or more)", path, v, min);
		else
			conf_error(ctx, s, "%s: %lld is out of range "
			    "(valid: %lld to %lld)", path, v, min, max);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

int
conf_value_uint(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, long long min, long long max, unsigned *out)
{
	long long	v;
	int		r;

	if ((r = conf_value_int(ctx, s, path, min, max, &v)) != 0)
		return r;
	*out = (unsigned)v;
	return 0;
}

/* A string with no control bytes: these end up in logs, paths and argv. */
int
conf_value_string(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, const char **out)
{
	const unsigned char	*p;
	const char		*v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_type_error(ctx, s, path, "a string");
		return -EINVAL;
	}
	if ((v = config_setting_get_string(s)) == NULL)
		v = "";
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			conf_error(ctx, s, "%s: contains the control byte "
			    "0x%02x (valid: printable text)", path, *p);
			return -EINVAL;
		}
	}
	*out = v;
	return 0;
}

/* *out = a copy of V, freeing what was there. */
int
conf_replace(struct conf_ctx *ctx, char **out, const char *v)
{
	char	*d;

	if ((d = strdup(v)) == NULL) {
		conf_nomem(ctx);
		return -ENOMEM;
	}
	free(*out);
	*out = d;
	return 0;
}

/* An absolute directory with no ".." component, so it means what it says. */
int
conf_value_dir(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, char **out)
{
	const char	*v, *p;
	size_t		 len;

	if (conf_value_string(ctx, s, path, &v) != 0)
		return -EINVAL;
	if (v[0] != '/') {
		conf_error(ctx, s, "%s: \"%.128s\" is not an absolute path "
		    "(valid: a path starting with /)", path, v);
		return -EINVAL;
	}
	/* Room for the file names the daemon puts inside it. */
	if (strlen(v) > CONF_DIR_MAX) {
		conf_error(ctx, s, "%s: is %zu bytes long (valid: at most %d)",
		    path, strlen(v), CONF_DIR_MAX);
		return -EINVAL;
	}
	for (p = v; *p != '\0'; p += len) {
		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			conf_error(ctx, s, "%s: \"%.128s\" contains a \"..\" "
			    "component (valid: a path without \"..\")", path,
			    v);
			return -EINVAL;
		}
	}
	return conf_replace(ctx, out, v);
}

/* Bytes: an integer, or a string such as "512M" (see conf_parse_size). */
int
conf_value_size(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, uint64_t *out)
{
	const char	*v;
	long long	 n;
	int		 r;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (conf_literal_check(ctx, s, path) != 0)
			return -ERANGE;
		n = config_setting_get_int64(s);
		if (n < 0) {
			conf_error(ctx, s, "%s: %lld is negative (valid: "
			    "bytes, 0 or more, or a string such as \"10G\")",
			    path, n);
			return -ERANGE;
		}
		*out = (uint64_t)n;
		return 0;
	case CONFIG_TYPE_STRING:
		if (conf_value_string(ctx, s, path, &v) != 0)
			return -EINVAL;
		r = conf_parse_size(v, out);
		if (r == -ERANGE)
			conf_error(ctx, s, "%s: \"%.64s\" is too large "
			    "(valid: up to 16383P)", path, v);
		else if (r != 0)
			conf_error(ctx, s, "%s: \"%.64s\" is not a size "
			    "(valid: bytes, or a whole number with a K, M, G "
			    "or T suffix, such as \"10G\")", path, v);
		return r;
	}
	conf_type_error(ctx, s, path, "a size (an integer or a string such as "
	    "\"10G\")");
	return -EINVAL;
}

int
conf_value_action(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, enum action *out)
{
	const char	*v;

	if (conf_value_string(ctx, s, path, &v) != 0)
		return -EINVAL;
	if (action_parse(v, out) != 0 || *out == ACTION_OBSERVE) {
		conf_error(ctx, s, "%s: \"%.64s\" is not one of %s", path, v,
		    CONF_ACTION_WORDS);
		return -EINVAL;
	}
	return 0;
}

/* Each % in an argv template must be one the executor expands. */
static int
check_template(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, const char *v)
{
	const char	*p;

	for (p = v; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] == '\0') {
			conf_error(ctx, s, "%s: \"%.128s\" ends with a lone %% "
			    "(valid: %%n %%u %%d %%r %%c %%%%)", path, v);
			return -EINVAL;
		}
		if (strchr("nudrc%", p[1]) == NULL) {
			if ((unsigned char)p[1] < 0x80)
				conf_error(ctx, s, "%s: unknown %%%c in "
				    "\"%.128s\" (valid: %%n %%u %%d %%r %%c "
				    "%%%%)", path, p[1], v);
			else
				conf_error(ctx, s, "%s: unknown %% escape in "
				    "\"%.128s\" (valid: %%n %%u %%d %%r %%c "
				    "%%%%)", path, v);
			return -EINVAL;
		}
	}
	return 0;
}

/* A non-empty array or list of non-empty strings: a command, no shell. */
int
conf_value_argv(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, char ***out)
{
	const config_setting_t	 *e;
	const char		 *v;
	char			**argv, p[256];
	int			  i, n, type, bad = 0;

	type = config_setting_type(s);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_type_error(ctx, s, path, "a list of strings such as "
		    "[ \"xl\", \"create\", \"/etc/xen/%n.cfg\" ]");
		return -EINVAL;
	}
	if ((n = config_setting_length(s)) == 0) {
		conf_error(ctx, s, "%s: is empty (valid: a program and its "
		    "arguments)", path);
		return -EINVAL;
	}
	if ((argv = calloc((size_t)n + 1, sizeof *argv)) == NULL) {
		conf_nomem(ctx);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		conf_path_index(p, sizeof p, path, (unsigned)i);
		if (conf_value_string(ctx, e, p, &v) != 0) {
			bad = 1;
			continue;
		}
		if (*v == '\0') {
			conf_error(ctx, e, "%s: is an empty string (valid: a "
			    "program name or argument)", p);
			bad = 1;
			continue;
		}
		if (check_template(ctx, e, p, v) != 0) {
			bad = 1;
			continue;
		}
		if (bad)
			continue;
		if ((argv[i] = strdup(v)) == NULL) {
			conf_nomem(ctx);
			bad = 1;
		}
	}
	if (bad) {
		conf_argv_free(argv);
		return -EINVAL;
	}
	conf_argv_free(*out);
	*out = argv;
	return 0;
}
