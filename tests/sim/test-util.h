/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-util.h: small helpers for the simulator's C tests (header only).
 *
 * CHECK records a failed check and carries on, so one run reports every
 * failure; REQUIRE is for the checks the rest cannot do without (an open
 * handle, a parsed header) and ends the run there.  A test returns
 * checks_done(), which prints "N of M checks failed" and gives the exit
 * status.
 */
#ifndef XENSIM_TEST_UTIL_H
#define XENSIM_TEST_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned	checks_run, checks_failed;
static const char *checks_name = "test";

/* Name the run for the summary line. */
static inline void
checks_begin(const char *name)
{
	checks_name = name;
}

/* The summary line, and the exit status for main to return. */
static inline int
checks_done(void)
{
	if (checks_failed > 0) {
		fprintf(stderr, "FAIL %s: %u of %u checks failed\n",
		    checks_name, checks_failed, checks_run);
		return 1;
	}
	printf("ok %s (%u checks)\n", checks_name, checks_run);
	return 0;
}

static inline bool
check_at(bool ok, const char *file, int line, const char *cond,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Count one check; say where and why when it failed.  Returns ok. */
static inline bool
check_at(bool ok, const char *file, int line, const char *cond,
    const char *fmt, ...)
{
	va_list ap;

	checks_run++;
	if (ok)
		return true;
	checks_failed++;
	fprintf(stderr, "FAIL %s:%d: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

/* The condition is evaluated before the message's arguments (the comma
 * is a sequence point), so they may show what it assigned and the errno
 * it left. */
static bool	check_ok;
#define CHECK(cond, ...)						\
	(check_ok = (cond) != 0,					\
	    check_at(check_ok, __FILE__, __LINE__, #cond, __VA_ARGS__))

#define REQUIRE(cond, ...) do {						\
	if (!CHECK(cond, __VA_ARGS__))					\
		exit(checks_done());					\
} while (0)

static inline double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline char *
ctl_run(int allow_fail, int *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Run xensimctl with ARGS (a shell-free word list is overkill here: the
 * arguments are test constants) and return its stdout; a failure is a
 * failed check unless allow_fail. */
static inline char *
ctl_run(int allow_fail, int *status, const char *fmt, ...)
{
	const char *bin = getenv("CW_BIN");
	char args[16384], cmd[16640];
	static char out[1 << 20];
	size_t n = 0, r;
	va_list ap;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s/xensimctl' %s", bin ? bin : ".",
	    args);
	REQUIRE((f = popen(cmd, "r")) != NULL, "popen %s", cmd);
	while ((r = fread(out + n, 1, sizeof(out) - 1 - n, f)) > 0)
		n += r;
	out[n] = '\0';
	st = pclose(f);
	if (status != NULL)
		*status = st;
	if (!allow_fail)
		CHECK(st == 0, "xensimctl %s failed (%d)", args, st);
	return out;
}

#define CTL(...)	ctl_run(0, NULL, __VA_ARGS__)

#endif
