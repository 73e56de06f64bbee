/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dump-report.c: the dump child's report, written by the child's
 * own function and read back by the daemon's.
 */

#include <sys/mman.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dump-child.h"

/* What dump_report_line wrote, as one string. */
static void
written(int fd, char *buf, size_t len)
{
	ssize_t	n;

	n = pread(fd, buf, len - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
}

static int
report_fd(void)
{
	int	fd = memfd_create("report", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return (fd);
}

/* A directory with spaces: the path comes back whole, figures too. */
static void
test_spaces_in_path(void **state)
{
	struct dump_report	dr;
	char			buf[8192];
	int			fd = report_fd();

	(void)state;
	dump_report_line(fd, "evicted %llu %s", 4096ULL,
	    "/srv/my dumps/old one.core");
	dump_report_line(fd, "done %llu %llu %llu %s", 2147483648ULL,
	    1073741824ULL, 1500000ULL, "/srv/my dumps/web 1-x.core.zst");
	written(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal(dump_report_parse(buf, &dr), 0);
	assert_int_equal(dr.bad, 0);
	assert_true(dr.done);
	assert_string_equal(dr.path, "/srv/my dumps/web 1-x.core.zst");
	assert_int_equal(dr.guest_bytes, 2147483648ULL);
	assert_int_equal(dr.disk_bytes, 1073741824ULL);
	assert_int_equal(dr.usec, 1500000ULL);
	assert_int_equal(dr.nevicted, 1);
	assert_string_equal(dr.evicted[0].path, "/srv/my dumps/old one.core");
	assert_int_equal(dr.evicted[0].bytes, 4096);
	assert_null(dr.reason);
	dump_report_free(&dr);
}

/* "failed": the reason, the errno and the message to the end. */
static void
test_failed(void **state)
{
	struct dump_report	dr;

	(void)state;
	assert_int_equal(dump_report_parse("failed enospc 28 writing: No "
	    "space left on device\n", &dr), 0);
	assert_false(dr.done);
	assert_string_equal(dr.reason, "enospc");
	assert_int_equal(dr.err, 28);
	assert_string_equal(dr.message, "writing: No space left on device");
	dump_report_free(&dr);

	/* No message at all, and no final newline. */
	assert_int_equal(dump_report_parse("failed gone 3", &dr), 0);
	assert_string_equal(dr.reason, "gone");
	assert_int_equal(dr.err, 3);
	assert_null(dr.message);
	assert_int_equal(dr.bad, 0);
	dump_report_free(&dr);
}

/* A newline in a name cannot make a second line, nor forge a "done". */
static void
test_control_bytes(void **state)
{
	struct dump_report	dr;
	char			buf[8192];
	int			fd = report_fd();

	(void)state;
	dump_report_line(fd, "evicted %llu %s", 1ULL,
	    "/d/x\ndone 1 2 3 /etc/passwd\x1b[2J");
	written(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal((int)(strchr(buf, '\n') - buf), (int)strlen(buf) - 1);
	assert_int_equal(dump_report_parse(buf, &dr), 0);
	assert_false(dr.done);
	assert_null(dr.path);
	assert_int_equal(dr.nevicted, 1);
	assert_string_equal(dr.evicted[0].path,
	    "/d/x?done 1 2 3 /etc/passwd?[2J");
	dump_report_free(&dr);
}

/* Garbled lines are counted and skipped; the good ones still count. */
static void
test_garbage(void **state)
{
	static const char *const bad[] = {
		"done", "done ", "done 1 2 3", "done 1 2 3 ", "done x 2 3 /p",
		"done 1 2 3x /p", "done -1 2 3 /p",
		"done 99999999999999999999999 2 3 /p",
		"evicted /p 12", "evicted 12", "evicted 12 ",
		"failed", "failed ", "failed io", "failed io x msg",
		"failed  5 msg", "failed io 99999999999 msg", "what is this",
		"profile", "profile 1 2 3 4 5 6", "profile 1 2 3 4 5 6 7 8 9",
		"profile 1 2 3 4 5 6 7 x",
	};
	struct dump_report	 dr;
	char			 text[4096];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(dump_report_parse(bad[i], &dr), 0);
		if (dr.bad != 1 || dr.done || dr.nevicted != 0 ||
		    dr.reason != NULL || dr.has_profile)
			fail_msg("\"%s\" was read", bad[i]);
		dump_report_free(&dr);
	}
	snprintf(text, sizeof text, "garbage\n\n%s\ndone 10 20 30 /d/a.core\n"
	    "\x01\x02\n", bad[4]);
	assert_int_equal(dump_report_parse(text, &dr), 0);
	assert_true(dr.done);
	assert_string_equal(dr.path, "/d/a.core");
	assert_int_equal(dr.bad, 3);
	dump_report_free(&dr);

	assert_int_equal(dump_report_parse("", &dr), 0);
	assert_false(dr.done);
	assert_int_equal(dr.bad, 0);
	dump_report_free(&dr);
}

/* "profile": eight figures, written and read back in their fields. */
static void
test_profile(void **state)
{
	struct dump_profile	 in = { 9000001, 2, 3, 4, 5, 6, 7, 8 };
	struct dump_report	 dr;
	char			 buf[4096];
	int			 fd = report_fd();

	(void)state;
	dump_report_profile(fd, &in);
	dump_report_line(fd, "done %llu %llu %llu %s", 1ULL, 2ULL, 3ULL,
	    "/d/a.core");
	written(fd, buf, sizeof buf);
	close(fd);
	assert_string_equal(buf, "profile 9000001 2 3 4 5 6 7 8\n"
	    "done 1 2 3 /d/a.core\n");
	assert_int_equal(dump_report_parse(buf, &dr), 0);
	assert_int_equal(dr.bad, 0);
	assert_true(dr.has_profile);
	assert_memory_equal(&dr.profile, &in, sizeof in);
	assert_true(dr.done);
	dump_report_free(&dr);
}

/* A line longer than the report allows is cut, still one line. */
static void
test_long_line(void **state)
{
	struct dump_report	 dr;
	static char		 path[8192], buf[16384];
	int			 fd = report_fd();

	(void)state;
	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	dump_report_line(fd, "evicted %llu %s", 7ULL, path);
	written(fd, buf, sizeof buf);
	close(fd);
	assert_true(strlen(buf) < sizeof path);
	assert_true(buf[strlen(buf) - 1] == '\n');
	assert_int_equal(dump_report_parse(buf, &dr), 0);
	assert_int_equal(dr.nevicted, 1);
	assert_int_equal(dr.evicted[0].bytes, 7);
	dump_report_free(&dr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spaces_in_path),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
