/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-sim: how fast the simulated Xen answers, the figures its tests
 * used to assert on.  Linked against the real libxenctrl/libxenguest and
 * run on the stand-ins (run-sim.sh sets that up).
 *
 *	bench-sim walk RUNS		getinfolist walks of every domain
 *	bench-sim gen DOMID RUNS	core images generated to a callback
 *
 * Each prints min, median and max over RUNS runs.  Exit 0 unless a call
 * failed: a slow run is a figure, never a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>
#include <xenguest.h>

#define BATCH		1024
#define RUNS_MAX	1000

static double
now(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts V in place; the median of an even count is the lower middle. */
static void
print_stats(const char *what, const char *unit, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("  %-34s min %9.3f  median %9.3f  max %9.3f %s (%d runs)\n",
	    what, v[0], v[(n - 1) / 2], v[n - 1], unit, n);
}

/* One walk in batches, as the daemon's rescan does it: domains seen, or
 * -1 with errno. */
static int
walk(xc_interface *xch, unsigned *calls)
{
	static xc_domaininfo_t	info[BATCH];
	unsigned		first = 0;
	int			got, total = 0;

	*calls = 0;
	for (;;) {
		got = xc_domain_getinfolist(xch, first, BATCH, info);
		(*calls)++;
		if (got < 0)
			return -1;
		total += got;
		if (got < BATCH)
			return total;
		first = info[got - 1].domain + 1;
	}
}

static int
bench_walk(xc_interface *xch, int runs)
{
	double		ms[RUNS_MAX], per[RUNS_MAX], t;
	unsigned	calls = 0;
	int		i, n = 0;

	for (i = 0; i < runs; i++) {
		t = now();
		if ((n = walk(xch, &calls)) < 0) {
			fprintf(stderr, "bench-sim: getinfolist: %s\n",
			    strerror(errno));
			return 1;
		}
		ms[i] = (now() - t) * 1e3;
		per[i] = ms[i] * 1e3 / n;
	}
	printf("getinfolist walk: %d domains, %u calls of up to %d\n", n,
	    calls, BATCH);
	print_stats("whole walk", "ms", ms, runs);
	print_stats("per domain", "us", per, runs);
	return 0;
}

static int
count_cb(xc_interface *x, void *arg, char *buf, unsigned int len)
{
	(void)x;
	(void)buf;
	*(unsigned long long *)arg += len;
	return 0;
}

static int
bench_gen(xc_interface *xch, unsigned domid, int runs)
{
	double			gbs[RUNS_MAX], secs[RUNS_MAX], t;
	unsigned long long	bytes = 0;
	int			i;

	for (i = 0; i < runs; i++) {
		bytes = 0;
		t = now();
		if (xc_domain_dumpcore_via_callback(xch, domid, &bytes,
		    count_cb) != 0) {
			fprintf(stderr, "bench-sim: dump of %u: %s\n", domid,
			    strerror(errno));
			return 1;
		}
		secs[i] = now() - t;
		gbs[i] = (double)bytes / secs[i] / 1e9;
	}
	printf("core image generation: domain %u, %llu bytes to a callback "
	    "(no disk)\n", domid, bytes);
	print_stats("time", "s", secs, runs);
	print_stats("rate", "GB/s", gbs, runs);
	return 0;
}

int
main(int argc, char **argv)
{
	xc_interface	*xch;
	int		 runs, rc;

	if (argc < 3 || (strcmp(argv[1], "walk") != 0 &&
	    strcmp(argv[1], "gen") != 0) ||
	    (strcmp(argv[1], "gen") == 0 && argc < 4)) {
		fprintf(stderr, "usage: bench-sim walk RUNS | "
		    "bench-sim gen DOMID RUNS\n");
		return 2;
	}
	runs = atoi(argv[argc - 1]);
	if (runs < 1 || runs > RUNS_MAX) {
		fprintf(stderr, "bench-sim: RUNS from 1 to %d\n", RUNS_MAX);
		return 2;
	}
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		fprintf(stderr, "bench-sim: xc_interface_open: %s\n",
		    strerror(errno));
		return 1;
	}
	if (strcmp(argv[1], "walk") == 0)
		rc = bench_walk(xch, runs);
	else
		rc = bench_gen(xch, (unsigned)atoi(argv[2]), runs);
	xc_interface_close(xch);
	return rc;
}
