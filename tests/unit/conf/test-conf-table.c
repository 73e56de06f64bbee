/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-conf-table.c: the key table is sound, its defaults are what a load
 * of an empty file gives, every number is range-checked at its bounds, and
 * the example file and crashwatch.conf(5) name every key.
 *
 * Run as "test-conf-table --example conf/crashwatch.conf" it rewrites the
 * example's generated key list from the table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf-internal.h"
#include "conf-test.h"

#define LIST_BEGIN	"# Every key, its default and what is valid"
#define LIST_END	"# (end of the generated key list)"

/* Append S to the growing string *BUF. */
static void
grow(char **buf, const char *s)
{
	size_t	old = *buf != NULL ? strlen(*buf) : 0;
	char	*nb;

	nb = realloc(*buf, old + strlen(s) + 1);
	if (nb == NULL)
		abort();
	memcpy(nb + old, s, strlen(s) + 1);
	*buf = nb;
}

/* The example's key list, as the table says it should read. */
static char *
key_list(void)
{
	const struct conf_key	*k;
	char			 line[512], path[128], dflt[128], valid[128];
	char			*out = NULL;

	grow(&out, LIST_BEGIN " (generated from\n"
	    "# the table in conf/conf-parse.c of the source tree):\n");
	for (k = conf_keys; k->name != NULL; k++) {
		if (k->type == CONF_GROUP || k->type == CONF_LIST)
			continue;
		conf_key_path(k, path, sizeof path);
		conf_key_default(k, dflt, sizeof dflt);
		conf_key_valid(k, valid, sizeof valid);
		if (k->flags & CONF_REQUIRED)
			snprintf(line, sizeof line, "#   %s  (required; %s)\n",
			    path, valid);
		else
			snprintf(line, sizeof line, "#   %s = %s  (%s)\n", path,
			    dflt, valid);
		grow(&out, line);
	}
	grow(&out, LIST_END "\n");
	return out;
}

/* The whole of PATH, or NULL. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* SRCDIR/REL read whole; the test fails without the source tree. */
static char *
source_file(const char *rel, char *path, size_t len)
{
	const char	*src = getenv("CW_SOURCE_DIR");
	char		*text;

	if (src == NULL || *src == '\0') {
		print_error("CW_SOURCE_DIR is not set: it must name the source "
		    "tree (ctest sets it)\n");
		fail();
	}
	snprintf(path, len, "%s/%s", src, rel);
	if ((text = slurp(path)) == NULL) {
		print_error("cannot read %s\n", path);
		fail();
	}
	return text;
}

/* Where the struct holding key K's value lives in C (lists: element 0). */
static char *
key_base(struct conf *c, const struct conf_key *k)
{
	const struct conf_key	*l;
	char			*arr, list[128];
	size_t			 n;

	if (strstr(k->scope, "[]") == NULL)
		return (char *)c;
	n = strcspn(k->scope, "[");
	snprintf(list, sizeof list, "%.*s", (int)n, k->scope);
	assert_non_null(l = conf_key_find(list));
	memcpy(&arr, (char *)c + l->off, sizeof arr);
	assert_non_null(arr);
	return arr;
}

/* Key K's value in C, as a number. */
static long long
key_value(struct conf *c, const struct conf_key *k)
{
	const char	*at = key_base(c, k) + k->off;

	switch (k->type) {
	case CONF_INT:
	case CONF_ENUM:
		return *(const int *)at;
	case CONF_UINT:
	case CONF_WORDS:
		return *(const unsigned *)at;
	case CONF_SIZE:
		return (long long)*(const uint64_t *)at;
	case CONF_POLICY:
	case CONF_FALLBACK:
		return *(const enum action *)at;
	default:
		fail_msg("key %s has no numeric value", k->name);
	}
	return 0;
}

/*
 * A one-line file setting key K to VALUE, with what its list element needs
 * besides (a hook's command, a rule's match).
 */
static void
key_text(const struct conf_key *k, const char *value, char *buf, size_t len)
{
	const char	*rest, *fill;
	int		 n;

	if (*k->scope == '\0') {
		snprintf(buf, len, "%s = %s;\n", k->name, value);
		return;
	}
	if ((rest = strstr(k->scope, "[]")) == NULL) {
		snprintf(buf, len, "%s: { %s = %s; };\n", k->scope, k->name,
		    value);
		return;
	}
	n = (int)(rest - k->scope);
	rest += 2;
	fill = strncmp(k->scope, "hooks", 5) == 0 ? "command = [ \"x\" ]; " :
	    "match = \"a\"; ";
	if (*rest == '\0')
		snprintf(buf, len, "%.*s = ( { %s%s = %s; } );\n", n, k->scope,
		    fill, k->name, value);
	else
		snprintf(buf, len, "%.*s = ( { %s%s = { %s = %s; }; } );\n", n,
		    k->scope, fill, rest + 1, k->name, value);
}

/* Every key is well formed, and the defaults fit their own ranges. */
static void
test_table_sound(void **state)
{
	const struct conf_key	*k, *j, *f;
	char			 path[128], other[128];
	size_t			 n;

	(void)state;
	for (k = conf_keys; k->name != NULL; k++) {
		conf_key_path(k, path, sizeof path);
		assert_non_null(k->doc);
		for (j = k + 1; j->name != NULL; j++) {
			conf_key_path(j, other, sizeof other);
			if (strcmp(path, other) == 0)
				fail_msg("%s is in the table twice", path);
		}
		/* A scope is a group or a list described before its keys. */
		if (*k->scope != '\0') {
			snprintf(other, sizeof other, "%s", k->scope);
			if ((n = strlen(other)) > 2 &&
			    strcmp(other + n - 2, "[]") == 0)
				other[n - 2] = '\0';
			f = conf_key_find(other);
			if (f == NULL || f > k || (f->type != CONF_GROUP &&
			    f->type != CONF_LIST))
				fail_msg("%s: scope %s is not a group or list "
				    "above it", path, k->scope);
		}
		if (k->type == CONF_INT || k->type == CONF_UINT) {
			assert_true(k->min <= k->max);
			if (k->from == NULL && (k->dflt < k->min ||
			    k->dflt > k->max))
				fail_msg("%s: default %lld is out of its range",
				    path, k->dflt);
		}
		if (k->type == CONF_ENUM) {
			assert_non_null(k->words);
			assert_true(k->dflt >= 0);
		}
		if (k->type == CONF_DIR)
			assert_true(k->dflt_str == NULL || k->dflt_str[0] == '/');
		if (k->type == CONF_FALLBACK && k->from == NULL)
			assert_false(action_restarts((enum action)k->dflt));
		if (k->type == CONF_LIST)
			assert_true(k->size != 0 && k->example != NULL);
		if (k->flags & CONF_REQUIRED)
			assert_non_null(k->example);
		if (k->from != NULL) {
			if ((f = conf_key_find(k->from)) == NULL ||
			    f->type != k->type || f->from != NULL)
				fail_msg("%s: default from %s, which is not a "
				    "plain key of the same type", path,
				    k->from);
		}
	}
}

/* What an empty file gives is what the table says, key by key. */
static void
test_table_defaults(void **state)
{
	const struct conf_key	*k, *f;
	struct conf		*c;
	char			 path[128];
	const char		*at;

	(void)state;
	/* One hook and one rule, so that element defaults are there too. */
	c = must_load("hooks = ( { command = [ \"x\" ]; } );\n"
	    "domains = ( { match = \"a\"; } );\n");
	for (k = conf_keys; k->name != NULL; k++) {
		conf_key_path(k, path, sizeof path);
		at = key_base(c, k) + k->off;
		switch (k->type) {
		case CONF_DIR:
			if (k->dflt_str == NULL)
				assert_null(*(char *const *)at);
			else
				assert_string_equal(*(char *const *)at,
				    k->dflt_str);
			break;
		case CONF_ARGV:
		case CONF_GLOB:
		case CONF_UUID:
			/* Unset unless the element needed it. */
			if (strcmp(path, "hooks[].command") != 0 &&
			    strcmp(path, "domains[].match") != 0)
				assert_null(*(void *const *)at);
			break;
		case CONF_GROUP:
		case CONF_LIST:
			break;
		default:
			f = k->from != NULL ? conf_key_find(k->from) : k;
			if (key_value(c, k) != f->dflt)
				fail_msg("%s is %lld, the table says %lld",
				    path, key_value(c, k), f->dflt);
		}
	}
	conf_free(c);
}

/* Every integer key: its bounds are accepted, one beyond them is not. */
static void
test_table_ranges(void **state)
{
	const struct conf_key	*k;
	struct conf		*c;
	char			 text[512], value[64], want[512], path[128],
				 valid[64], *p;
	long long		 bounds[2], bad[2];
	int			 i;

	(void)state;
	for (k = conf_keys; k->name != NULL; k++) {
		if (k->type != CONF_INT && k->type != CONF_UINT)
			continue;
		conf_key_path(k, path, sizeof path);
		/* Messages name list elements by index. */
		while ((p = strstr(path, "[]")) != NULL) {
			memmove(p + 3, p + 2, strlen(p + 2) + 1);
			memcpy(p, "[0]", 3);
		}
		conf_key_valid(k, valid, sizeof valid);
		bounds[0] = k->min;
		bounds[1] = k->max;
		bad[0] = k->min - 1;
		bad[1] = k->max + 1;
		for (i = 0; i < 2; i++) {
			snprintf(value, sizeof value, "%lldL", bounds[i]);
			key_text(k, value, text, sizeof text);
			c = must_load(text);
			assert_int_equal(key_value(c, k), bounds[i]);
			conf_free(c);

			snprintf(value, sizeof value, "%lldL", bad[i]);
			key_text(k, value, text, sizeof text);
			snprintf(want, sizeof want, "t.conf:1: %s: %lld is out "
			    "of range (valid: %s)", path, bad[i], valid);
			expect_error(text, want);
		}
	}
}

/* Each line of A that is not a line of B, said to be WHAT. */
static void
report_lines(const char *a, const char *b, const char *what)
{
	const char	*p, *nl, *q;
	size_t		 len;

	for (p = a; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		for (q = b; (q = strstr(q, "\n")) != NULL; q++)
			if (strncmp(q + 1, p, len) == 0 &&
			    (q[len + 1] == '\n' || q[len + 1] == '\0'))
				break;
		if (q == NULL && strncmp(b, p, len) != 0)
			fprintf(stderr, "%s: %.*s\n", what, (int)len, p);
		if (*nl == '\0')
			break;
	}
}

/* The example's key list is the one the table gives. */
static void
test_example_names_every_key(void **state)
{
	char	 path[4096], *text, *list, *begin, *end;

	(void)state;
	text = source_file("conf/crashwatch.conf", path, sizeof path);
	list = key_list();
	begin = strstr(text, LIST_BEGIN);
	end = begin != NULL ? strstr(begin, LIST_END "\n") : NULL;
	if (end == NULL || (size_t)(end + strlen(LIST_END) + 1 - begin) !=
	    strlen(list) || strncmp(begin, list, strlen(list)) != 0) {
		if (end != NULL) {
			end[strlen(LIST_END) + 1] = '\0';
			report_lines(list, begin, "missing from the example");
			report_lines(begin, list, "not in the table");
		}
		/* print_error() cuts long messages short. */
		fprintf(stderr, "%s: the key list differs from the table; it "
		    "should read:\n%s\nRewrite it with: build/san/bin/"
		    "test-conf-table --example %s\n", path, list, path);
		free(list);
		free(text);
		fail();
	}
	free(list);
	free(text);
}

/*
 * Each key is described in crashwatch.conf(5): a group or list at the top
 * level has its own subsection, any other key appears as "Cm name" in the
 * subsection of the group it belongs to ("Top level" for the top).
 */
static void
test_man_names_every_key(void **state)
{
	const struct conf_key	*k;
	char			 path[4096], section[128], want[160], *text, *s,
				 *e, *p;
	int			 bad = 0;

	(void)state;
	text = source_file("conf/crashwatch.conf.5", path, sizeof path);
	for (k = conf_keys; k->name != NULL; k++) {
		if (*k->scope == '\0' && (k->type == CONF_GROUP ||
		    k->type == CONF_LIST)) {
			snprintf(want, sizeof want, "\n.Ss %s\n", k->name);
			if (strstr(text, want) == NULL) {
				print_error("%s: no \".Ss %s\"\n", path,
				    k->name);
				bad = 1;
			}
			continue;
		}
		if (*k->scope == '\0')
			snprintf(section, sizeof section, "\n.Ss Top level\n");
		else
			snprintf(section, sizeof section, "\n.Ss %.*s\n",
			    (int)strcspn(k->scope, ".["), k->scope);
		if ((s = strstr(text, section)) == NULL) {
			print_error("%s: no section%s", path, section);
			bad = 1;
			continue;
		}
		s += strlen(section);
		/* The subsection ends at the next one, or at a section. */
		if ((e = strstr(s, "\n.Ss ")) == NULL)
			e = s + strlen(s);
		if ((p = strstr(s, "\n.Sh ")) != NULL && p < e)
			e = p;
		snprintf(want, sizeof want, "Cm %s", k->name);
		for (p = s; (p = strstr(p, want)) != NULL && p < e; p++) {
			if (strchr(" \n;,", p[strlen(want)]) != NULL)
				break;
		}
		if (p == NULL || p >= e) {
			print_error("%s: key %s (scope \"%s\") is not described "
			    "in%s", path, k->name, k->scope, section);
			bad = 1;
		}
	}
	free(text);
	assert_false(bad);
}

/* Replace the key list in the example PATH by the table's. */
static int
write_example(const char *path)
{
	char	*text, *list, *begin, *end;
	FILE	*f;

	if ((text = slurp(path)) == NULL) {
		perror(path);
		return 1;
	}
	begin = strstr(text, LIST_BEGIN);
	end = begin != NULL ? strstr(begin, LIST_END "\n") : NULL;
	if (end == NULL) {
		fprintf(stderr, "%s: no key list (from \"%s\" to \"%s\")\n",
		    path, LIST_BEGIN, LIST_END);
		free(text);
		return 1;
	}
	end += strlen(LIST_END) + 1;
	list = key_list();
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	fprintf(f, "%.*s%s%s", (int)(begin - text), text, list, end);
	free(list);
	free(text);
	return fclose(f) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sound),
		cmocka_unit_test(test_table_defaults),
		cmocka_unit_test(test_table_ranges),
		cmocka_unit_test(test_example_names_every_key),
		cmocka_unit_test(test_man_names_every_key),
	};

	if (argc == 3 && strcmp(argv[1], "--example") == 0)
		return write_example(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
