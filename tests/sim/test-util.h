/*
 * test-util.h: small helpers for the simulator's C tests (header only).
 */
#ifndef XENSIM_TEST_UTIL_H
#define XENSIM_TEST_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__,	\
		    #cond);						\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	}								\
} while (0)

static inline double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run xensimctl with ARGS (a shell-free word list is overkill here: the
 * arguments are test constants) and return its stdout; exit on failure
 * unless allow_fail. */
static inline char *
ctl_run(int allow_fail, int *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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
	CHECK((f = popen(cmd, "r")) != NULL, "popen %s", cmd);
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
