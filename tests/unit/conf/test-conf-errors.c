/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-conf-errors.c: every kind of bad configuration is an error (never a
 * warning), at the line of the offending setting, saying what is valid.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf-test.h"

#define ROOT_KEYS "state_dir, dump, evidence, incidents, metrics, destroy, restart, " \
	"hooks, defaults, domains"
#define DUMP_KEYS "directory, timeout, compress, compress_level, " \
	"compress_threads, " \
	"max_parallel, max_use, keep_free, max_per_domain"
#define ACTIONS "preserve, destroy, hard-shutdown, restart, " \
	"rename-restart, coredump-destroy, coredump-restart, coredump-preserve"
#define SIZES "(valid: bytes, or a whole number with a K, M, G or T " \
	"suffix, such as \"10G\")"
#define ESCAPES "(valid: %n %u %d %r %c %%)"
#define GLOB "(valid: a name glob such as \"web-*\" or \"db[0-9]\")"
#define RESTART "restart: { command = [ \"xl\", \"create\", \"%n\" ]; };\n"

static void
test_syntax_error(void **state)
{
	(void)state;
	expect_error("dump: {\n  timeout = 5;\n  compress = ;\n};\n",
	    "t.conf:3: syntax error");
	expect_error("state_dir = \"/x\";\nstate_dir = \"/y\";\n",
	    "t.conf:2: duplicate setting name");
	/* Arrays hold scalars of one type only: libconfig says so. */
	expect_error("restart: {\n command = [ \"a\", 1 ];\n};\n",
	    "t.conf:2: mismatched element type in array");
}

static void
test_unknown_keys(void **state)
{
	(void)state;
	expect_error("\nstate_dri = \"/x\";\n",
	    "t.conf:2: state_dri: unknown setting (valid: " ROOT_KEYS ")");
	expect_error("dump: {\n  timeout = 5;\n  zip = true;\n};\n",
	    "t.conf:3: dump.zip: unknown setting (valid: " DUMP_KEYS ")");
	expect_error(RESTART "restart2 = 1;\n",
	    "t.conf:2: restart2: unknown setting (valid: " ROOT_KEYS ")");
	expect_error("restart: {\n  retries = 3;\n};\n",
	    "t.conf:2: restart.retries: unknown setting (valid: command, "
	    "timeout, wait, burst, interval, fallback)");
	expect_error("hooks = (\n { command = [ \"/bin/true\" ];\n"
	    "   shell = true; }\n);\n",
	    "t.conf:3: hooks[0].shell: unknown setting (valid: command, "
	    "timeout, events)");
	expect_error("defaults: {\n on_reboot = \"destroy\";\n};\n",
	    "t.conf:2: defaults.on_reboot: unknown setting (valid: "
	    "on_crash, on_watchdog)");
	expect_error("domains = (\n { match = \"a\";\n   name = \"b\"; }\n);\n",
	    "t.conf:3: domains[0].name: unknown setting (valid: match, uuid, "
	    "on_crash, on_watchdog, restart)");
	/* command and timeout are global only. */
	expect_error(RESTART "domains = (\n { match = \"a\";\n"
	    "   restart = { timeout = 5; }; }\n);\n",
	    "t.conf:4: domains[0].restart.timeout: unknown setting (valid: "
	    "burst, interval, fallback)");
}

static void
test_wrong_types(void **state)
{
	(void)state;
	expect_error("\nstate_dir = 5;\n",
	    "t.conf:2: state_dir: expected a string, not an integer");
	expect_error("dump = \"/var\";\n",
	    "t.conf:1: dump: expected a group { ... }, not a string");
	expect_error("dump: {\n  timeout = \"x\";\n};\n",
	    "t.conf:2: dump.timeout: expected an integer, not a string");
	expect_error("dump: {\n  timeout = 1.5;\n};\n",
	    "t.conf:2: dump.timeout: expected an integer, not a float");
	expect_error("dump: {\n\n  max_parallel = true;\n};\n",
	    "t.conf:3: dump.max_parallel: expected an integer, not a boolean");
	expect_error("dump: {\n  compress = 1;\n};\n",
	    "t.conf:2: dump.compress: expected a string, not an integer");
	expect_error("dump: {\n  keep_free = 1.5;\n};\n",
	    "t.conf:2: dump.keep_free: expected a size (an integer or a "
	    "string such as \"10G\"), not a float");
	expect_error("restart: {\n  command = \"xl\";\n};\n",
	    "t.conf:2: restart.command: expected a list of strings such as "
	    "[ \"xl\", \"create\", \"/etc/xen/%n.cfg\" ], not a string");
	expect_error("restart: {\n  command = ( \"xl\",\n 5 );\n};\n",
	    "t.conf:3: restart.command[1]: expected a string, not an integer");
	expect_error("destroy: {\n  command = [ \"xl\", \"destroy\", \"%z\" ];"
	    "\n};\n", "t.conf:2: destroy.command[2]: unknown %z in \"%z\" "
	    "(valid: %n %u %d %r %c %%)");
	expect_error("destroy: {\n  timeout = \"x\";\n};\n",
	    "t.conf:2: destroy.timeout: expected an integer, not a string");
	expect_error("destroy: {\n  command = \"xl\";\n};\n",
	    "t.conf:2: destroy.command: expected a list of strings such as "
	    "[ \"xl\", \"create\", \"/etc/xen/%n.cfg\" ], not a string");
	expect_error("hooks = {\n};\n",
	    "t.conf:1: hooks: expected a list ( { command = [ ... ]; }, ... ), "
	    "not a group");
	expect_error("hooks = ( \"/bin/true\" );\n",
	    "t.conf:1: hooks[0]: expected a group { ... }, not a string");
	expect_error("\ndomains = \"web-*\";\n",
	    "t.conf:2: domains: expected a list ( { match = \"...\"; ... }, "
	    "... ), not a single value");
	expect_error("domains = (\n { match = \"a\"; },\n [ \"b\" ]\n);\n",
	    "t.conf:3: domains[1]: expected a group { ... }, not an array");
	expect_error("defaults: {\n on_crash = 1;\n};\n",
	    "t.conf:2: defaults.on_crash: expected a string, not an integer");
	expect_error("domains = ( {\n match = 7; } );\n",
	    "t.conf:2: domains[0].match: expected a string, not an integer");
	expect_error("domains = ( {\n uuid = [ \"x\" ]; } );\n",
	    "t.conf:2: domains[0].uuid: expected a string, not an array");
	expect_error(RESTART "domains = ( { match = \"a\";\n"
	    " restart = 1; } );\n",
	    "t.conf:3: domains[0].restart: expected a group { ... }, not an "
	    "integer");
}

static void
test_bad_enums(void **state)
{
	(void)state;
	expect_error("dump: {\n  timeout = 5;\n\n\n\n\n  compress = \"gzip\";\n"
	    "};\n", "t.conf:7: dump.compress: \"gzip\" is not one of none, "
	    "zstd");
	expect_error("dump: { compress = \"ZSTD\"; };\n",
	    "t.conf:1: dump.compress: \"ZSTD\" is not one of none, zstd");
	expect_error("defaults: {\n  on_crash = \"reboot\";\n};\n",
	    "t.conf:2: defaults.on_crash: \"reboot\" is not one of " ACTIONS);
	/* The daemon's own word for a guest xl handles, not a setting. */
	expect_error("defaults: {\n  on_crash = \"observe\";\n};\n",
	    "t.conf:2: defaults.on_crash: \"observe\" is not one of " ACTIONS);
	expect_error("defaults: {\n\n  on_watchdog = \"\";\n};\n",
	    "t.conf:3: defaults.on_watchdog: \"\" is not one of " ACTIONS);
	expect_error("domains = (\n { match = \"a\";\n"
	    "   on_crash = \"coredump\"; }\n);\n",
	    "t.conf:3: domains[0].on_crash: \"coredump\" is not one of "
	    ACTIONS);
	expect_error("restart: {\n  fallback = \"nothing\";\n};\n",
	    "t.conf:2: restart.fallback: \"nothing\" is not one of " ACTIONS);
	expect_error("hooks = (\n { command = [ \"/bin/true\" ];\n"
	    "   events = [ \"detected\", \"crashed\" ]; }\n);\n",
	    "t.conf:3: hooks[0].events[1]: \"crashed\" is not an event "
	    "(valid: detected, handled, suppressed, failed)");
	expect_error("hooks = (\n { command = [ \"/bin/true\" ];\n"
	    "   events = [ ]; }\n);\n",
	    "t.conf:3: hooks[0].events: is empty, so it would never run "
	    "(valid: detected, handled, suppressed, failed)");
	expect_error("hooks = (\n { command = [ \"/bin/true\" ];\n"
	    "   events = \"detected\"; }\n);\n",
	    "t.conf:3: hooks[0].events: is not a list [ \"...\", ... ] "
	    "(valid: a list of detected, handled, suppressed, failed)");
}

static void
test_numbers(void **state)
{
	(void)state;
	expect_error("dump: {\n  timeout = -5;\n};\n",
	    "t.conf:2: dump.timeout: -5 is out of range (valid: 1 or more)");
	expect_error("dump: {\n  timeout = 0;\n};\n",
	    "t.conf:2: dump.timeout: 0 is out of range (valid: 1 or more)");
	expect_error("dump: {\n  timeout = 4294967296L;\n};\n",
	    "t.conf:2: dump.timeout: 4294967296 is out of range (valid: 1 or "
	    "more)");
	expect_error("dump: {\n  compress_level = 0;\n};\n",
	    "t.conf:2: dump.compress_level: 0 is out of range (valid: 1 to 19)");
	expect_error("dump: {\n  compress_level = 20;\n};\n",
	    "t.conf:2: dump.compress_level: 20 is out of range (valid: 1 to "
	    "19)");
	expect_error("dump: {\n  max_parallel = 0;\n};\n",
	    "t.conf:2: dump.max_parallel: 0 is out of range (valid: 1 to 64)");
	expect_error("dump: {\n  max_per_domain = -1;\n};\n",
	    "t.conf:2: dump.max_per_domain: -1 is out of range (valid: 0 or "
	    "more)");
}

static void
test_numbers_all_reported(void **state)
{
	const char *const want[] = {
		"t.conf:2: restart.timeout: 0 is out of range (valid: 1 or "
		    "more)",
		"t.conf:3: restart.burst: -1 is out of range (valid: 1 or more)",
		"t.conf:4: restart.interval: 0 is out of range (valid: 1 or "
		    "more)",
		"t.conf:7: hooks[0].timeout: 0 is out of range (valid: 1 or "
		    "more)",
		"t.conf:9: domains[0].restart.burst: 0 is out of range (valid: "
		    "1 or more)",
		"t.conf:10: domains[0].restart.interval: -3 is out of range "
		    "(valid: 1 or more)",
		NULL
	};

	(void)state;
	expect_errors("restart: {\n timeout = 0;\n burst = -1;\n"
	    " interval = 0;\n};\n"
	    "hooks = ( { command = [ \"/bin/true\" ];\n timeout = 0; } );\n"
	    "domains = ( { match = \"a\"; restart = {\n burst = 0;\n"
	    " interval = -3; }; } );\n", want);
}

#define PLAIN "does not fit a plain integer (valid: up to 2147483647; " \
	"write larger values with an L suffix, as "

/* libconfig 1.5 cuts plain integer literals to 32 bits without a word. */
static void
test_truncated_literals(void **state)
{
	const char *const one_line[] = {
		"t.conf:1: dump.max_use: 99999999999 " PLAIN "99999999999L)",
		NULL
	};
	struct conf	*c;

	(void)state;
	/* 5G in bytes would otherwise silently become 1G. */
	expect_error("dump: {\n  max_use = 5368709120;\n};\n",
	    "t.conf:2: dump.max_use: 5368709120 " PLAIN "5368709120L)");
	expect_error("dump: {\n\n  timeout = 99999999999;\n};\n",
	    "t.conf:3: dump.timeout: 99999999999 " PLAIN "99999999999L)");
	expect_error("dump: {\n  keep_free = -5000000000;\n};\n",
	    "t.conf:2: dump.keep_free: -5000000000 " PLAIN "-5000000000L)");
	expect_error("dump: {\n  max_use = 0x140000000;\n};\n",
	    "t.conf:2: dump.max_use: 0x140000000 " PLAIN "0x140000000L)");
	expect_error("hooks = ( { command = [ \"x\" ];\n"
	    "  timeout = 4294967297; } );\n",
	    "t.conf:2: hooks[0].timeout: 4294967297 " PLAIN "4294967297L)");
	/* Only the literal that was cut is blamed, not its neighbours. */
	expect_errors("dump: { timeout = 5; max_use = 99999999999; "
	    "max_per_domain = 7; };\n", one_line);

	/* With the L suffix, or in strings and comments, all is well. */
	c = must_load("# max_use = 99999999999;\n"
	    "/* 99999999999\n 99999999999 */\n"
	    "state_dir = \"/x/99999999999\"; // 99999999999\n"
	    "dump: { max_use = 5368709120L; keep_free = 2147483647;\n"
	    "  timeout = 0x7fffffff; max_per_domain = 2147483647; };\n");
	assert_true(c->dump.max_use == UINT64_C(5) << 30);
	assert_true(c->dump.keep_free == 2147483647);
	assert_int_equal(c->dump.timeout, 2147483647);
	assert_string_equal(c->state_dir, "/x/99999999999");
	conf_free(c);
	/* Floats stay floats, and are the wrong type. */
	expect_error("dump: {\n  timeout = 1e10;\n};\n",
	    "t.conf:2: dump.timeout: expected an integer, not a float");
}

static void
test_sizes(void **state)
{
	(void)state;
	expect_error("dump: {\n  max_use = \"1.5G\";\n};\n",
	    "t.conf:2: dump.max_use: \"1.5G\" is not a size " SIZES);
	expect_error("dump: {\n  max_use = \"12X\";\n};\n",
	    "t.conf:2: dump.max_use: \"12X\" is not a size " SIZES);
	expect_error("dump: {\n  keep_free = \"\";\n};\n",
	    "t.conf:2: dump.keep_free: \"\" is not a size " SIZES);
	expect_error("dump: {\n  keep_free = \"-1\";\n};\n",
	    "t.conf:2: dump.keep_free: \"-1\" is not a size " SIZES);
	expect_error("dump: {\n  keep_free = -1;\n};\n",
	    "t.conf:2: dump.keep_free: -1 is negative (valid: bytes, 0 or "
	    "more, or a string such as \"10G\")");
	expect_error("dump: {\n  max_use = \"99999999T\";\n};\n",
	    "t.conf:2: dump.max_use: \"99999999T\" is too large (valid: up to "
	    "16383P)");
}

static void
test_paths(void **state)
{
	(void)state;
	expect_error("\nstate_dir = \"var/lib/cw\";\n",
	    "t.conf:2: state_dir: \"var/lib/cw\" is not an absolute path "
	    "(valid: a path starting with /)");
	expect_error("state_dir = \"\";\n",
	    "t.conf:1: state_dir: \"\" is not an absolute path (valid: a path "
	    "starting with /)");
	expect_error("dump: {\n  directory = \"/var/lib/../../etc\";\n};\n",
	    "t.conf:2: dump.directory: \"/var/lib/../../etc\" contains a "
	    "\"..\" component (valid: a path without \"..\")");
	expect_error("dump: {\n  directory = \"/var/..\";\n};\n",
	    "t.conf:2: dump.directory: \"/var/..\" contains a \"..\" component "
	    "(valid: a path without \"..\")");
	expect_error("dump: {\n  directory = \"./dumps\";\n};\n",
	    "t.conf:2: dump.directory: \"./dumps\" is not an absolute path "
	    "(valid: a path starting with /)");
}

/* Directories leave room under PATH_MAX for the files put in them. */
static void
test_path_length(void **state)
{
	char		text[2200], dir[1100];
	struct conf	*c;

	(void)state;
	memset(dir, 'a', sizeof dir);
	dir[0] = '/';
	dir[1024] = '\0';
	snprintf(text, sizeof text, "dump: {\n directory = \"%s\";\n};\n",
	    dir);
	c = must_load(text);
	assert_int_equal(strlen(c->dump.directory), 1024);
	conf_free(c);
	dir[1024] = 'a';
	dir[1025] = '\0';
	snprintf(text, sizeof text, "\nstate_dir = \"%s\";\n", dir);
	expect_error(text, "t.conf:2: state_dir: is 1025 bytes long (valid: "
	    "at most 1024)");
}

/* Names like "..x" or "x.." are ordinary components. */
static void
test_paths_ok(void **state)
{
	struct conf	*c;

	(void)state;
	c = must_load("state_dir = \"/srv/..cw/x../.\";\n");
	assert_string_equal(c->state_dir, "/srv/..cw/x../.");
	conf_free(c);
}

static void
test_control_bytes(void **state)
{
	(void)state;
	expect_error("\nstate_dir = \"/var/lib/\\n\";\n",
	    "t.conf:2: state_dir: contains the control byte 0x0a (valid: "
	    "printable text)");
	expect_error("domains = (\n { match = \"web\\t*\"; }\n);\n",
	    "t.conf:2: domains[0].match: contains the control byte 0x09 "
	    "(valid: printable text)");
	expect_error("restart: {\n command = [ \"xl\",\n \"\\x1b[2J\" ];\n};\n",
	    "t.conf:3: restart.command[1]: contains the control byte 0x1b "
	    "(valid: printable text)");
	expect_error("defaults: {\n on_crash = \"destroy\\x7f\";\n};\n",
	    "t.conf:2: defaults.on_crash: contains the control byte 0x7f "
	    "(valid: printable text)");
}

static void
test_commands(void **state)
{
	const char *const two[] = {
		"t.conf:3: restart.command[1]: is an empty string (valid: a "
		    "program name or argument)",
		"t.conf:4: restart.command[2]: unknown %x in \"%x\" " ESCAPES,
		NULL
	};

	(void)state;
	expect_error("restart: {\n  command = [ ];\n};\n",
	    "t.conf:2: restart.command: is empty (valid: a program and its "
	    "arguments)");
	expect_error("hooks = (\n { command = ( ); }\n);\n",
	    "t.conf:2: hooks[0].command: is empty (valid: a program and its "
	    "arguments)");
	expect_errors("restart: {\n  command = [ \"xl\",\n \"\",\n \"%x\" ];\n"
	    "};\n", two);
	expect_error("restart: {\n  command = [ \"xl\", \"create\", "
	    "\"/etc/xen/%N.cfg\" ];\n};\n",
	    "t.conf:2: restart.command[2]: unknown %N in \"/etc/xen/%N.cfg\" "
	    ESCAPES);
	expect_error("hooks = ( {\n command = [ \"/bin/echo\", \"100%\" ]; } );\n",
	    "t.conf:2: hooks[0].command[1]: \"100%\" ends with a lone % "
	    ESCAPES);
	expect_error("hooks = (\n { timeout = 5; }\n);\n",
	    "t.conf:2: hooks[0]: command is missing (valid: command = "
	    "[ \"/path/to/program\", \"%n\" ])");
}

static void
test_rules(void **state)
{
	(void)state;
	expect_error("domains = (\n { match = \"a\"; },\n"
	    " { on_crash = \"destroy\"; }\n);\n",
	    "t.conf:3: domains[1]: matches nothing (valid: one of match = "
	    "\"glob\" or uuid = \"...\")");
	expect_error("domains = (\n {\n   match = \"a\";\n"
	    "   uuid = \"6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a11\";\n }\n);\n",
	    "t.conf:2: domains[0]: has both match and uuid (valid: exactly one "
	    "of them; write two rules)");
	expect_error("domains = (\n { match = \"\"; }\n);\n",
	    "t.conf:2: domains[0].match: \"\" is empty " GLOB);
	expect_error("domains = (\n { match = \"web-[0-9\"; }\n);\n",
	    "t.conf:2: domains[0].match: \"web-[0-9\" has an unbalanced [ "
	    GLOB);
	expect_error("domains = (\n { match = \"[[:alpha:]\"; }\n);\n",
	    "t.conf:2: domains[0].match: \"[[:alpha:]\" has an unbalanced [ "
	    GLOB);
	expect_error("domains = (\n { match = \"web\\\\\"; }\n);\n",
	    "t.conf:2: domains[0].match: \"web\\\" ends with a lone backslash "
	    GLOB);
}

static void
test_uuids(void **state)
{
	static const char *const bad[] = { "", "6a9e6f1c3c2e4d5b9d0b2f8c1d1e7a11",
	    "6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a1",
	    "6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a111",
	    "6a9e6f1c-3c2e-4d5b-9d0b_2f8c1d1e7a11",
	    "6a9e6f1g-3c2e-4d5b-9d0b-2f8c1d1e7a11",
	    "{6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a11}",
	    " 6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a11" };
	char	text[256], want[512];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "domains = (\n\n { uuid = \"%s\"; }"
		    "\n);\n", bad[i]);
		snprintf(want, sizeof want, "t.conf:3: domains[0].uuid: \"%s\" "
		    "is not a UUID (valid: 8-4-4-4-12 hex digits such as "
		    "\"6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a11\")", bad[i]);
		expect_error(text, want);
	}
}

/* Restarting without a way to restart is an error at the action's line. */
static void
test_restart_needs_command(void **state)
{
	const char *const want[] = {
		"t.conf:2: defaults.on_crash: restart.command is required by "
		    "on_crash = \"restart\"",
		"t.conf:3: defaults.on_watchdog: restart.command is required "
		    "by on_watchdog = \"rename-restart\"",
		"t.conf:6: domains[0].on_crash: restart.command is required by "
		    "on_crash = \"coredump-restart\"",
		NULL
	};
	struct conf	*c;

	(void)state;
	expect_errors("defaults: {\n on_crash = \"restart\";\n"
	    " on_watchdog = \"rename-restart\";\n};\n"
	    "domains = ( { match = \"a\";\n on_crash = \"coredump-restart\";\n"
	    " on_watchdog = \"coredump-destroy\"; } );\n", want);
	/* With a command, the same file is fine, whatever the order. */
	c = must_load("defaults: {\n on_crash = \"restart\";\n};\n" RESTART);
	assert_int_equal(c->on_crash, ACTION_RESTART);
	conf_free(c);
	/* An invalid command is reported once, not once per action. */
	expect_error("restart: {\n command = [ ];\n};\n"
	    "defaults: { on_crash = \"restart\"; };\n",
	    "t.conf:2: restart.command: is empty (valid: a program and its "
	    "arguments)");
}

static void
test_fallback_must_not_restart(void **state)
{
	(void)state;
	expect_error("restart: {\n command = [ \"true\" ];\n"
	    " fallback = \"coredump-restart\";\n};\n",
	    "t.conf:3: restart.fallback: \"coredump-restart\" restarts, but the "
	    "fallback is used when restarts are exhausted (valid: preserve, "
	    "destroy, coredump-destroy, coredump-preserve)");
	expect_error(RESTART "domains = (\n { match = \"a\";\n"
	    "   restart = { fallback = \"restart\"; }; }\n);\n",
	    "t.conf:4: domains[0].restart.fallback: \"restart\" restarts, but "
	    "the fallback is used when restarts are exhausted (valid: "
	    "preserve, destroy, coredump-destroy, coredump-preserve)");
}

/* One pass reports everything, in line order, and returns no conf. */
static void
test_all_errors_collected(void **state)
{
	const char *const want[] = {
		"t.conf:1: state_dir: \"rel\" is not an absolute path (valid: a "
		    "path starting with /)",
		"t.conf:3: dump.compress: \"gzip\" is not one of none, zstd",
		"t.conf:4: dump.bogus: unknown setting (valid: " DUMP_KEYS ")",
		"t.conf:6: defaults.on_crash: restart.command is required by "
		    "on_crash = \"restart\"",
		"t.conf:8: domains[0]: matches nothing (valid: one of match = "
		    "\"glob\" or uuid = \"...\")",
		"t.conf:9: domains[1].uuid: \"nope\" is not a UUID (valid: "
		    "8-4-4-4-12 hex digits such as "
		    "\"6a9e6f1c-3c2e-4d5b-9d0b-2f8c1d1e7a11\")",
		"t.conf:11: extra: unknown setting (valid: " ROOT_KEYS ")",
		NULL
	};

	(void)state;
	expect_errors(
	    "state_dir = \"rel\";\n"
	    "dump: {\n"
	    "  compress = \"gzip\";\n"
	    "  bogus = 1;\n"
	    "};\n"
	    "defaults: { on_crash = \"restart\"; };\n"
	    "domains = (\n"
	    "  { on_watchdog = \"destroy\"; },\n"
	    "  { uuid = \"nope\"; }\n"
	    ");\nextra = 1;\n", want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_bad_enums),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_all_reported),
		cmocka_unit_test(test_truncated_literals),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_paths_ok),
		cmocka_unit_test(test_path_length),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_uuids),
		cmocka_unit_test(test_restart_needs_command),
		cmocka_unit_test(test_fallback_must_not_restart),
		cmocka_unit_test(test_all_errors_collected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
