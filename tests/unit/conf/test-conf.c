/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-conf.c: every setting reaches struct conf, defaults fill the gaps,
 * rules inherit and override restart limits, and files are found (or not).
 */
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf-test.h"

static void
assert_argv(char **argv, const char *const *want)
{
	size_t	i;

	assert_non_null(argv);
	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
}

static void
test_defaults(void **state)
{
	struct conf	*c = must_load("");

	(void)state;
	assert_string_equal(c->state_dir, "/var/lib/xen-crashwatch");
	assert_string_equal(c->dump.directory, "/var/lib/xen/dump");
	assert_int_equal(c->dump.timeout, 900);
	assert_int_equal(c->dump.compress, DUMP_COMPRESS_NONE);
	assert_int_equal(c->dump.compress_level, 3);
	assert_int_equal(c->dump.max_parallel, 1);
	assert_true(c->dump.max_use == 0);
	assert_true(c->dump.keep_free == UINT64_C(1) << 30);
	assert_int_equal(c->dump.max_per_domain, 5);
	assert_null(c->destroy_argv);
	assert_int_equal(c->destroy_timeout, 60);
	assert_null(c->restart_argv);
	assert_int_equal(c->restart_timeout, 60);
	assert_int_equal(c->restart.burst, 3);
	assert_int_equal(c->restart.interval, 600);
	assert_int_equal(c->restart.fallback, ACTION_PRESERVE);
	assert_int_equal(c->nhooks, 0);
	assert_null(c->hooks);
	assert_int_equal(c->on_crash, ACTION_PRESERVE);
	assert_int_equal(c->on_watchdog, ACTION_PRESERVE);
	assert_int_equal(c->nrules, 0);
	assert_null(c->rules);
	conf_free(c);
}

/* destroy.command: the toolstack's destroy instead of the hypercall. */
static void
test_destroy_command(void **state)
{
	static const char *const want[] = { "xl", "destroy", "%d", NULL };
	struct conf	*c = must_load("destroy: {\n"
	    "  command = [ \"xl\", \"destroy\", \"%d\" ];\n"
	    "  timeout = 120;\n};\n");

	(void)state;
	assert_argv(c->destroy_argv, want);
	assert_int_equal(c->destroy_timeout, 120);
	conf_free(c);
}

/* Empty groups and lists are the defaults too. */
static void
test_empty_sections(void **state)
{
	struct conf	*c = must_load("dump: { };\nrestart: { };\n"
	    "hooks = ( );\ndefaults: { };\ndomains = ( );\n");

	(void)state;
	assert_int_equal(c->dump.timeout, 900);
	assert_int_equal(c->nhooks, 0);
	assert_int_equal(c->nrules, 0);
	assert_int_equal(c->on_crash, ACTION_PRESERVE);
	conf_free(c);
}

static const char full[] =
	"state_dir = \"/srv/cw/state\";\n"
	"dump: {\n"
	"  directory = \"/srv/dumps/\";\n"
	"  timeout = 1200;\n"
	"  compress = \"zstd\";\n"
	"  compress_level = 19;\n"
	"  max_parallel = 4;\n"
	"  max_use = \"20G\";\n"
	"  keep_free = 1048576;\n"
	"  max_per_domain = 0;\n"
	"};\n"
	"restart: {\n"
	"  command = [ \"xl\", \"create\", \"/etc/xen/%n.cfg\", \"100%%\" ];\n"
	"  timeout = 90;  burst = 5;  interval = 3600;  fallback = \"hard-shutdown\";\n"
	"};\n"
	"hooks = (\n"
	"  { command = [ \"/usr/local/bin/page-oncall\", \"%n\", \"%u\", \"%d\", \"%r\", \"%c\" ]; timeout = 7; },\n"
	"  { command = ( \"/bin/logger\", \"crash\" ); }\n"
	");\n"
	"defaults: { on_crash = \"coredump-destroy\"; on_watchdog = \"rename-restart\"; };\n"
	"domains = (\n"
	"  { match = \"web-*\"; on_crash = \"coredump-restart\"; },\n"
	"  { uuid = \"6A9E6F1C-3C2E-4D5B-9D0B-2F8C1D1E7A11\"; on_crash = \"preserve\";\n"
	"    on_watchdog = \"destroy\"; restart = { burst = 1; }; },\n"
	"  { match = \"db[0-9]\"; on_watchdog = \"coredump-preserve\";\n"
	"    restart = { burst = 2; interval = 60; fallback = \"coredump-destroy\"; }; }\n"
	");\n";

static void
test_every_setting(void **state)
{
	const char *const	 restart[] = { "xl", "create", "/etc/xen/%n.cfg",
	    "100%%", NULL };
	const char *const	 hook0[] = { "/usr/local/bin/page-oncall", "%n",
	    "%u", "%d", "%r", "%c", NULL };
	const char *const	 hook1[] = { "/bin/logger", "crash", NULL };
	struct conf		*c = must_load(full);
	struct conf_rule	*r;

	(void)state;
	assert_string_equal(c->state_dir, "/srv/cw/state");
	assert_string_equal(c->dump.directory, "/srv/dumps/");
	assert_int_equal(c->dump.timeout, 1200);
	assert_int_equal(c->dump.compress, DUMP_COMPRESS_ZSTD);
	assert_int_equal(c->dump.compress_level, 19);
	assert_int_equal(c->dump.max_parallel, 4);
	assert_true(c->dump.max_use == UINT64_C(20) << 30);
	assert_true(c->dump.keep_free == 1048576);
	assert_int_equal(c->dump.max_per_domain, 0);

	assert_argv(c->restart_argv, restart);
	assert_int_equal(c->restart_timeout, 90);
	assert_int_equal(c->restart.burst, 5);
	assert_int_equal(c->restart.interval, 3600);
	assert_int_equal(c->restart.fallback, ACTION_DESTROY);

	assert_int_equal(c->nhooks, 2);
	assert_argv(c->hooks[0].argv, hook0);
	assert_int_equal(c->hooks[0].timeout, 7);
	assert_argv(c->hooks[1].argv, hook1);
	assert_int_equal(c->hooks[1].timeout, 30);

	assert_int_equal(c->on_crash, ACTION_COREDUMP_DESTROY);
	assert_int_equal(c->on_watchdog, ACTION_RENAME_RESTART);

	assert_int_equal(c->nrules, 3);
	r = &c->rules[0];
	assert_string_equal(r->match, "web-*");
	assert_null(r->uuid);
	assert_int_equal(r->line, 22);
	assert_true(r->has_on_crash);
	assert_int_equal(r->on_crash, ACTION_COREDUMP_RESTART);
	assert_false(r->has_on_watchdog);

	r = &c->rules[1];
	assert_null(r->match);
	assert_string_equal(r->uuid, "6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a11");
	assert_int_equal(r->line, 23);
	assert_true(r->has_on_crash);
	assert_int_equal(r->on_crash, ACTION_PRESERVE);
	assert_true(r->has_on_watchdog);
	assert_int_equal(r->on_watchdog, ACTION_DESTROY);

	r = &c->rules[2];
	assert_string_equal(r->match, "db[0-9]");
	assert_int_equal(r->line, 25);
	assert_false(r->has_on_crash);
	assert_true(r->has_on_watchdog);
	assert_int_equal(r->on_watchdog, ACTION_COREDUMP_PRESERVE);
	conf_free(c);
}

/* A rule's restart limits: global values, then only what it overrides. */
static void
test_rule_restart_resolution(void **state)
{
	struct conf	*c = must_load(full);

	(void)state;
	/* No override at all: the global limits, whatever the file order. */
	assert_int_equal(c->rules[0].restart.burst, 5);
	assert_int_equal(c->rules[0].restart.interval, 3600);
	assert_int_equal(c->rules[0].restart.fallback, ACTION_DESTROY);
	/* burst only. */
	assert_int_equal(c->rules[1].restart.burst, 1);
	assert_int_equal(c->rules[1].restart.interval, 3600);
	assert_int_equal(c->rules[1].restart.fallback, ACTION_DESTROY);
	/* Everything. */
	assert_int_equal(c->rules[2].restart.burst, 2);
	assert_int_equal(c->rules[2].restart.interval, 60);
	assert_int_equal(c->rules[2].restart.fallback,
	    ACTION_COREDUMP_DESTROY);
	conf_free(c);
}

/* domains before restart in the file: rules still inherit the globals. */
static void
test_rule_restart_order(void **state)
{
	struct conf	*c = must_load(
	    "domains = ( { match = \"a\"; restart = { interval = 5; }; },\n"
	    "  { match = \"b\"; } );\n"
	    "restart: { command = [ \"true\" ]; burst = 9; interval = 99;"
	    " fallback = \"destroy\"; };\n");

	(void)state;
	assert_int_equal(c->rules[0].restart.burst, 9);
	assert_int_equal(c->rules[0].restart.interval, 5);
	assert_int_equal(c->rules[0].restart.fallback, ACTION_DESTROY);
	assert_int_equal(c->rules[1].restart.burst, 9);
	assert_int_equal(c->rules[1].restart.interval, 99);
	/* Built-in restart limits when there is no restart section. */
	conf_free(c);
	c = must_load("domains = ( { match = \"*\"; } );\n");
	assert_int_equal(c->rules[0].restart.burst, 3);
	assert_int_equal(c->rules[0].restart.interval, 600);
	assert_int_equal(c->rules[0].restart.fallback, ACTION_PRESERVE);
	conf_free(c);
}

/* Integers may be written as int64 (L suffix) or in hex. */
static void
test_int64_and_hex(void **state)
{
	struct conf	*c = must_load("dump: { timeout = 30L; "
	    "max_use = 10737418240L; keep_free = 0x1000; "
	    "max_per_domain = 0x10; compress_level = 2L; };\n");

	(void)state;
	assert_int_equal(c->dump.timeout, 30);
	assert_true(c->dump.max_use == UINT64_C(10) << 30);
	assert_true(c->dump.keep_free == 4096);
	assert_int_equal(c->dump.max_per_domain, 16);
	assert_int_equal(c->dump.compress_level, 2);
	conf_free(c);
}

/* Glob forms fnmatch accepts are accepted, as written. */
static void
test_good_globs(void **state)
{
	static const char *const globs[] = { "*", "web-?", "db[0-9]",
	    "x[!a-c]y", "[]]", "[[:alpha:]]*", "a\\*b", "a\\[", "[a\\]]" };
	struct conf	*c;
	char		 text[128], esc[64];
	size_t		 i, j, k;

	(void)state;
	for (i = 0; i < sizeof globs / sizeof globs[0]; i++) {
		/* libconfig strings need the backslash doubled. */
		for (j = k = 0; globs[i][j] != '\0'; j++) {
			if (globs[i][j] == '\\')
				esc[k++] = '\\';
			esc[k++] = globs[i][j];
		}
		esc[k] = '\0';
		snprintf(text, sizeof text,
		    "domains = ( { match = \"%s\"; } );\n", esc);
		c = must_load(text);
		assert_string_equal(c->rules[0].match, globs[i]);
		conf_free(c);
	}
}

static void
test_example_file(void **state)
{
	const char	*src = getenv("CW_SOURCE_DIR");
	struct conf_errors errs = { 0 };
	struct conf	*c = NULL;
	char		 path[4096];
	size_t		 i;
	int		 r;

	(void)state;
	if (src == NULL || *src == '\0') {
		print_error("CW_SOURCE_DIR is not set: it must name the source "
		    "tree holding conf/crashwatch.conf (ctest sets it)\n");
		fail();
	}
	snprintf(path, sizeof path, "%s/conf/crashwatch.conf", src);
	r = conf_load(path, &c, &errs);
	for (i = 0; i < errs.n; i++)
		print_error("%s\n", errs.msgs[i]);
	assert_int_equal(r, 0);
	assert_int_equal(errs.n, 0);
	/* As installed it acts on no crash: preserve, no rules; the
	 * restart command is xl's, ready for rules that restart. */
	assert_int_equal(c->on_crash, ACTION_PRESERVE);
	assert_int_equal(c->on_watchdog, ACTION_PRESERVE);
	assert_non_null(c->restart_argv);
	assert_string_equal(c->restart_argv[0], "xl");
	assert_string_equal(c->restart_argv[1], "create");
	assert_string_equal(c->restart_argv[2], "/etc/xen/%n.cfg");
	assert_null(c->restart_argv[3]);
	assert_int_equal(c->nrules, 0);
	conf_free(c);
}

/* Write TEXT to a new temporary file; its path in BUF. */
static void
write_temp(char *buf, size_t len, const char *text)
{
	FILE	*f;
	int	 fd;

	snprintf(buf, len, "/tmp/test-conf-XXXXXX");
	fd = mkstemp(buf);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void
test_load_file(void **state)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	char			 path[64], want[128];

	(void)state;
	write_temp(path, sizeof path, "dump: { timeout = 5; };\n");
	assert_int_equal(conf_load(path, &c, &errs), 0);
	assert_int_equal(c->dump.timeout, 5);
	conf_free(c);

	/* Semantic errors name the file by its path. */
	unlink(path);
	write_temp(path, sizeof path, "\n\ndump: { timeout = 0; };\n");
	assert_int_equal(conf_load(path, &c, &errs), -EINVAL);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof want, "%s:3: dump.timeout: 0 is out of range "
	    "(valid: 1 or more)", path);
	assert_string_equal(errs.msgs[0], want);
	conf_errors_clear(&errs);
	assert_int_equal(errs.n, 0);
	assert_null(errs.msgs);

	/* So do libconfig's syntax errors. */
	unlink(path);
	write_temp(path, sizeof path, "dump: {\n timeout = ;\n};\n");
	assert_int_equal(conf_load(path, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof want, "%s:2: syntax error", path);
	assert_string_equal(errs.msgs[0], want);
	conf_errors_clear(&errs);
	unlink(path);
}

/* @include is relative to the including file; errors name the part. */
static void
test_include(void **state)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	char			 dir[] = "/tmp/test-conf-XXXXXX", path[64],
				 part[64], want[160];
	FILE			*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/main.conf", dir);
	snprintf(part, sizeof part, "%s/part.inc", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("state_dir = \"/srv\";\n@include \"part.inc\"\n", f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(f = fopen(part, "w"));
	fputs("dump: {\n  timeout = 0;\n};\n", f);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(conf_load(path, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof want, "%s:2: dump.timeout: 0 is out of range "
	    "(valid: 1 or more)", part);
	assert_string_equal(errs.msgs[0], want);
	conf_errors_clear(&errs);

	assert_non_null(f = fopen(part, "w"));
	fputs("dump: {\n  timeout = 10;\n};\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(conf_load(path, &c, &errs), 0);
	assert_int_equal(c->dump.timeout, 10);
	assert_string_equal(c->state_dir, "/srv");
	conf_free(c);
	unlink(part);
	unlink(path);
	rmdir(dir);
}

/* A scratch directory and the files put in it, removed by tmp_clean. */
struct tmp {
	char	dir[64];
	char	names[8][64];
	int	n;
};

static void
tmp_init(struct tmp *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/test-conf-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	t->n = 0;
}

/* DIR/NAME holding TEXT; its path in PATH. */
static void
tmp_put(struct tmp *t, const char *name, const char *text, char *path,
    size_t len)
{
	FILE	*f;

	snprintf(path, len, "%s/%s", t->dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_true(t->n < 8);
	snprintf(t->names[t->n++], sizeof t->names[0], "%s", name);
}

static void
tmp_clean(struct tmp *t)
{
	char	path[160];
	int	i;

	for (i = t->n - 1; i >= 0; i--) {
		snprintf(path, sizeof path, "%s/%s", t->dir, t->names[i]);
		if (unlink(path) != 0)
			rmdir(path);
	}
	rmdir(t->dir);
}

/* PATH must fail to load with the one message WANT. */
static void
expect_load_error(const char *path, int rv, const char *want)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	size_t			 i;
	int			 r;

	r = conf_load(path, &c, &errs);
	if (r != rv || errs.n != 1 || strcmp(errs.msgs[0], want) != 0) {
		print_error("conf_load(%s) returned %d, want %d\n", path, r,
		    rv);
		print_error(" want: %s\n", want);
		for (i = 0; i < errs.n; i++)
			print_error("  got: %s\n", errs.msgs[i]);
		fail();
	}
	assert_null(c);
	conf_errors_clear(&errs);
}

/* PATH must load without a message. */
static struct conf *
must_load_file(const char *path)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	size_t			 i;

	if (conf_load(path, &c, &errs) != 0 || errs.n != 0) {
		for (i = 0; i < errs.n; i++)
			print_error("  got: %s\n", errs.msgs[i]);
		fail();
	}
	return c;
}

/*
 * libconfig 1.5 cuts a plain 5368709120 to 1 GiB in an included file as
 * in the main one: the guard covers both, at the included file's line.
 */
static void
test_include_big_literal(void **state)
{
	struct tmp	 t;
	struct conf	*c;
	char		 path[160], part[160], want[512];

	(void)state;
	tmp_init(&t);
	tmp_put(&t, "main.conf", "state_dir = \"/srv\";\n"
	    "@include \"part.inc\"\n", path, sizeof path);
	tmp_put(&t, "part.inc", "dump: {\n  max_use = 5368709120;\n};\n", part,
	    sizeof part);
	snprintf(want, sizeof want, "%s:2: dump.max_use: 5368709120 does not "
	    "fit a plain integer (valid: up to 2147483647; write larger "
	    "values with an L suffix, as 5368709120L)", part);
	expect_load_error(path, -EINVAL, want);

	tmp_put(&t, "part.inc", "dump: {\n  max_use = 5368709120L;\n};\n",
	    part, sizeof part);
	c = must_load_file(path);
	assert_true(c->dump.max_use == UINT64_C(5368709120));
	conf_free(c);
	tmp_clean(&t);
}

/*
 * Relative names are found in the main file's directory (as libconfig
 * does, for nested includes too); absolute names as written, even when
 * the main file's path is absolute.
 */
static void
test_include_absolute_and_relative(void **state)
{
	struct tmp	 t, u;
	struct conf	*c;
	char		 path[160], abs[160], other[160], text[512], want[512];

	(void)state;
	tmp_init(&t);
	tmp_init(&u);
	tmp_put(&u, "abs.inc", "destroy: {\n  timeout = 7;\n};\n", abs,
	    sizeof abs);
	assert_int_equal(mkdir(strcat(strcpy(other, t.dir), "/sub"), 0700), 0);
	snprintf(t.names[t.n++], sizeof t.names[0], "sub");
	tmp_put(&t, "sub/a.inc", "dump: { timeout = 11; };\n"
	    "@include \"b.inc\"\n", other, sizeof other);
	tmp_put(&t, "b.inc", "hooks = ( { command = [ \"x\" ]; } );\n", other,
	    sizeof other);
	snprintf(text, sizeof text, "@include \"%s\"\n"
	    "  @include \"sub/a.inc\"  // spaced, with a comment after\n"
	    "state_dir = \"/srv\";\n", abs);
	tmp_put(&t, "main.conf", text, path, sizeof path);
	assert_true(path[0] == '/');
	c = must_load_file(path);
	assert_int_equal(c->destroy_timeout, 7);
	assert_int_equal(c->dump.timeout, 11);
	assert_int_equal(c->nhooks, 1);
	assert_string_equal(c->state_dir, "/srv");
	conf_free(c);

	/* Lines after an include are the main file's own. */
	snprintf(text, sizeof text, "@include \"%s\"\n\nstate_dir = \"x\";\n",
	    abs);
	tmp_put(&t, "main.conf", text, path, sizeof path);
	snprintf(want, sizeof want, "%s:3: state_dir: \"x\" is not an absolute "
	    "path (valid: a path starting with /)", path);
	expect_load_error(path, -EINVAL, want);

	/* Syntax errors name the included file by its real path. */
	tmp_put(&u, "abs.inc", "destroy: {\n  timeout = ;\n};\n", abs,
	    sizeof abs);
	snprintf(want, sizeof want, "%s:2: syntax error", abs);
	expect_load_error(path, -EINVAL, want);
	tmp_clean(&t);
	tmp_clean(&u);
}

/* A missing file, a loop and a FIFO each get a clear message. */
static void
test_include_errors(void **state)
{
	struct tmp	 t;
	char		 path[160], fifo[160], want[512];

	(void)state;
	tmp_init(&t);
	tmp_put(&t, "main.conf", "\n@include \"nope.inc\"\n", path,
	    sizeof path);
	snprintf(want, sizeof want, "%s:2: @include: %s/nope.inc: cannot open: "
	    "No such file or directory", path, t.dir);
	expect_load_error(path, -ENOENT, want);

	tmp_put(&t, "main.conf", "@include \"main.conf\"\n", path, sizeof path);
	snprintf(want, sizeof want, "%s:1: @include: \"main.conf\" is nested "
	    "more than 10 deep (does a file include itself?)", path);
	expect_load_error(path, -ELOOP, want);

	tmp_put(&t, "main.conf", "@include \"part.inc\n", path, sizeof path);
	snprintf(want, sizeof want, "%s:1: @include: the file name has no "
	    "closing quote (valid: @include \"file\")", path);
	expect_load_error(path, -EINVAL, want);

	/* A FIFO would block the daemon: refused before any read. */
	snprintf(fifo, sizeof fifo, "%s/fifo", t.dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(t.names[t.n++], sizeof t.names[0], "fifo");
	tmp_put(&t, "main.conf", "@include \"fifo\"\n", path, sizeof path);
	snprintf(want, sizeof want, "%s:1: @include: %s: is a FIFO, not a "
	    "regular file (valid: a configuration file)", path, fifo);
	expect_load_error(path, -EINVAL, want);
	snprintf(want, sizeof want, "%s: is a FIFO, not a regular file "
	    "(valid: a configuration file)", fifo);
	expect_load_error(fifo, -EINVAL, want);
	tmp_clean(&t);
}

/* In comments and strings, @include is text, as libconfig reads it. */
static void
test_include_not_there(void **state)
{
	struct conf	*c;

	(void)state;
	c = must_load("# @include \"nope\"\n"
	    "/*\n@include \"nope\"\n*/\n"
	    "dump: { timeout = 9; };\n");
	assert_int_equal(c->dump.timeout, 9);
	conf_free(c);
	/* The string keeps its line: only its newline is wrong. */
	expect_error("\nstate_dir = \"/x\n@include \\\"nope\\\"\";\n",
	    "t.conf:2: state_dir: contains the control byte 0x0a (valid: "
	    "printable text)");
	/* Not at the start of a line: libconfig's syntax error. */
	expect_error("\nstate_dir = \"/x\"; @include \"nope\"\n",
	    "t.conf:2: syntax error");
}

static void
test_missing_file(void **state)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = (struct conf *)&errs;

	(void)state;
	assert_int_equal(conf_load("/nonexistent/crashwatch.conf", &c, &errs),
	    -ENOENT);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0], "/nonexistent/crashwatch.conf: "
	    "cannot open: No such file or directory");
	conf_errors_clear(&errs);
}

static void
test_directory(void **state)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;

	(void)state;
	assert_int_equal(conf_load("/", &c, &errs), -EISDIR);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0], "/: cannot open: Is a directory");
	conf_errors_clear(&errs);
}

/* A NUL byte would make libconfig ignore the rest of the file. */
static void
test_nul_byte(void **state)
{
	static const char text[] = "\n\nstate_dir = \"/x\";\0\n"
	    "dump: { timeout = 0; };\n";
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	char			 path[64], want[128];
	FILE			*f;
	int			 fd;

	(void)state;
	snprintf(path, sizeof path, "/tmp/test-conf-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(conf_load(path, &c, &errs), -EINVAL);
	unlink(path);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof want, "%s:3: contains a NUL byte (valid: text)",
	    path);
	assert_string_equal(errs.msgs[0], want);
	conf_errors_clear(&errs);
}

/* Whatever the path names, a huge file is refused before parsing. */
static void
test_huge_file(void **state)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	char			 path[64], want[128];
	FILE			*f;
	int			 fd, i;

	(void)state;
	snprintf(path, sizeof path, "/tmp/test-conf-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	for (i = 0; i < 2 * 1024; i++)
		assert_true(fprintf(f, "%1023s\n", "#") > 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(conf_load(path, &c, &errs), -EFBIG);
	unlink(path);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof want, "%s: larger than 1048576 bytes: not a "
	    "configuration file", path);
	assert_string_equal(errs.msgs[0], want);
	conf_errors_clear(&errs);
}

/* Needs an unprivileged user: root reads a mode 000 file anyway. */
static void
test_unreadable_file(void **state)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	char			 path[64], want[128];

	(void)state;
	if (geteuid() == 0) {
		print_message("running as root, mode 000 does not stop root: "
		    "unreadable-file case not checked\n");
		skip();
	}
	write_temp(path, sizeof path, "");
	assert_int_equal(chmod(path, 0), 0);
	assert_int_equal(conf_load(path, &c, &errs), -EACCES);
	unlink(path);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof want, "%s: cannot open: Permission denied",
	    path);
	assert_string_equal(errs.msgs[0], want);
	conf_errors_clear(&errs);
}

/* Messages accumulate across loads until the caller clears them. */
static void
test_errors_accumulate(void **state)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;

	(void)state;
	assert_int_equal(conf_load_string("a = 1;", "one", &c, &errs), -EINVAL);
	assert_int_equal(conf_load_string("b = 1;", "two", &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 2);
	assert_non_null(strstr(errs.msgs[0], "one:1: a:"));
	assert_non_null(strstr(errs.msgs[1], "two:1: b:"));
	conf_errors_clear(&errs);
	conf_errors_clear(&errs);
	conf_free(NULL);
	/* A caller that does not want the messages may pass NULL. */
	assert_int_equal(conf_load_string("a = 1;", "x", &c, NULL), -EINVAL);
	assert_int_equal(conf_load_string("a = ;", "x", &c, NULL), -EINVAL);
	assert_int_equal(conf_load("/nonexistent", &c, NULL), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_destroy_command),
		cmocka_unit_test(test_empty_sections),
		cmocka_unit_test(test_every_setting),
		cmocka_unit_test(test_rule_restart_resolution),
		cmocka_unit_test(test_rule_restart_order),
		cmocka_unit_test(test_int64_and_hex),
		cmocka_unit_test(test_good_globs),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_big_literal),
		cmocka_unit_test(test_include_absolute_and_relative),
		cmocka_unit_test(test_include_errors),
		cmocka_unit_test(test_include_not_there),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_huge_file),
		cmocka_unit_test(test_errors_accumulate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
