/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-dump: one guest dumped several ways, timed, in one run.
 *
 *	bench-dump [-r ROUNDS] [-t THREADS[,THREADS...]] DOMID UUID
 *	    GUEST_BYTES DIR
 *
 * Each round dumps the guest, one way after another: 1. plain:
 * xc_domain_dumpcore to DIR/plain.core, what "xl dump-core" does and the
 * baseline: libxenguest drops the file's cache every 16 MiB batch and
 * fsyncs it before returning (xg_core.c:984-988, 1012), so its time
 * includes the data reaching the disk and no fsync is added here (the
 * simulator's stand-in writes the same way, tests/sim/xg-dumpcore.c),
 * 2. our sparse dump into DIR/sparse/, 3. our zstd dump into
 * DIR/zstd-tN/ for each dump.compress_threads N given (default 1), all of
 * ours through dump_child_main as the daemon's child runs it (they fsync
 * the file and the directory themselves).  A round's files are removed
 * before the next round; the last round's stay for checking.
 *
 * Prints a line per dump (seconds, MB/s of image, bytes on disk as
 * st_blocks * 512, the ratios to that round's plain dump) and under each
 * of ours the child's profile (where the time went); then a "median"
 * line per way over the rounds, with the speed ratio of the medians.
 * Exit 0 unless a dump failed.  Every way ends with its data on disk.  On real Xen (the e2e boot runs
 * it in dom0) the ways read the same guest with nothing else running;
 * rounds show how much one dump's time varies there.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#include "dump-child.h"

#define BENCH_MAX_WAYS	10	/* plain, sparse, zstd with up to 8 */
#define BENCH_MAX_ROUNDS 9

struct run {
	char			 what[32];
	double			 secs;
	uint64_t		 image;
	uint64_t		 disk;
	bool			 has_profile;
	struct dump_profile	 prof;
	char			 path[4096];
};

static double
now(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ((double)t.tv_sec + (double)t.tv_nsec / 1e9);
}

static int
run_plain(unsigned domid, const char *dir, struct run *r)
{
	xc_interface	*xch;
	struct stat	 st;
	double		 t0;
	int		 fd, rc;

	snprintf(r->path, sizeof r->path, "%s/plain.core", dir);
	t0 = now();
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		fprintf(stderr, "bench-dump: xc_interface_open: %s\n",
		    strerror(errno));
		return (-1);
	}
	rc = xc_domain_dumpcore(xch, domid, r->path);
	xc_interface_close(xch);
	if (rc < 0) {
		fprintf(stderr, "bench-dump: xc_domain_dumpcore: %d\n", rc);
		return (-1);
	}
	r->secs = now() - t0;
	if ((fd = open(r->path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		fprintf(stderr, "bench-dump: %s: %s\n", r->path,
		    strerror(errno));
		return (-1);
	}
	close(fd);
	r->image = (uint64_t)st.st_size;
	r->disk = (uint64_t)st.st_blocks * 512;
	return (0);
}

static int
run_ours(const struct dump_req *req, struct run *r)
{
	struct dump_report	 dr;
	char			 rep[8192];
	double			 t0;
	ssize_t			 n;
	int			 fd, st;

	if ((fd = memfd_create("report", MFD_CLOEXEC)) < 0)
		return (-1);
	t0 = now();
	st = dump_child_main(req, fd);
	r->secs = now() - t0;
	n = pread(fd, rep, sizeof rep - 1, 0);
	close(fd);
	rep[n > 0 ? n : 0] = '\0';
	if (dump_report_parse(rep, &dr) != 0 || st != 0 || !dr.done) {
		fprintf(stderr, "bench-dump: %s dump: status %d: %s", r->what,
		    st, rep);
		dump_report_free(&dr);
		return (-1);
	}
	snprintf(r->path, sizeof r->path, "%s", dr.path);
	r->image = dr.guest_bytes;
	r->disk = dr.disk_bytes;
	r->has_profile = dr.has_profile;
	r->prof = dr.profile;
	dump_report_free(&dr);
	return (0);
}

static void
print(const struct run *r, const struct run *plain)
{
	printf("%-8s %8.2f s %9.1f MB/s %14llu bytes on disk   "
	    "speed %5.2fx   disk %5.3fx   %s\n", r->what, r->secs,
	    (double)r->image / r->secs / 1e6, (unsigned long long)r->disk,
	    plain->secs / r->secs, (double)r->disk / (double)plain->disk,
	    r->path);
	if (!r->has_profile)
		return;
	printf("%-8s profile: reading %.2f s, copying %.2f s, waiting %.2f s, "
	    "zero scan %.2f s, compressing %.2f s, writing %.2f s, "
	    "writeback %.2f s, flush %.2f s\n", r->what,
	    r->prof.read_us / 1e6, r->prof.feed_us / 1e6,
	    r->prof.wait_us / 1e6, r->prof.scan_us / 1e6,
	    r->prof.compress_us / 1e6, r->prof.write_us / 1e6,
	    r->prof.sync_us / 1e6, r->prof.flush_us / 1e6);
	fflush(stdout);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof v[0], cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

/* Remove DIR/plain.core and every file in our ways' directories. */
static void
clean(const char *dir, const struct conf_dump *ways, size_t nways)
{
	char	path[4096];
	size_t	i;
	DIR	*d;
	struct dirent *e;

	snprintf(path, sizeof path, "%s/plain.core", dir);
	unlink(path);
	for (i = 0; i < nways; i++) {
		if ((d = opendir(ways[i].directory)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s",
			    ways[i].directory, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
}

static int
usage(void)
{
	fprintf(stderr, "usage: bench-dump [-r ROUNDS] [-t THREADS[,THREADS"
	    "...]] DOMID UUID GUEST_BYTES DIR\n");
	return (2);
}

int
main(int argc, char **argv)
{
	struct conf_dump	ways[BENCH_MAX_WAYS];
	char			names[BENCH_MAX_WAYS][32];
	char			dirs[BENCH_MAX_WAYS][4096];
	double			secs[BENCH_MAX_WAYS][BENCH_MAX_ROUNDS];
	double			reads[BENCH_MAX_WAYS][BENCH_MAX_ROUNDS];
	double			med[BENCH_MAX_WAYS];
	uint64_t		disk[BENCH_MAX_WAYS];
	struct run		plain, r;
	struct dump_req		req;
	unsigned		threads[BENCH_MAX_WAYS - 1];
	unsigned long		t, rounds = 1;
	size_t			i, k, nz = 0, nways;
	char			*p, *e;
	int			c;

	while ((c = getopt(argc, argv, "r:t:")) != -1) {
		switch (c) {
		case 'r':
			errno = 0;
			rounds = strtoul(optarg, &e, 10);
			if (*e != '\0' || errno != 0 || rounds < 1 ||
			    rounds > BENCH_MAX_ROUNDS)
				return (usage());
			break;
		case 't':
			for (p = optarg; *p != '\0';
			    p = *e == ',' ? e + 1 : e) {
				errno = 0;
				t = strtoul(p, &e, 10);
				if (e == p || errno != 0 || t > 64 ||
				    (*e != ',' && *e != '\0') ||
				    nz == BENCH_MAX_WAYS - 2)
					return (usage());
				threads[nz++] = (unsigned)t;
			}
			break;
		default:
			return (usage());
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 4)
		return (usage());
	if (nz == 0)
		threads[nz++] = 1;		/* the default */

	/* Way 0 is plain; then sparse; then zstd with each thread count. */
	nways = 2 + nz;
	memset(ways, 0, sizeof ways);
	for (i = 0; i < nways; i++) {
		ways[i].compress_level = 3;	/* the default */
		ways[i].compress = i < 2 ? DUMP_COMPRESS_NONE :
		    DUMP_COMPRESS_ZSTD;
		if (i >= 2)
			ways[i].compress_threads = threads[i - 2];
		if (i == 0)
			snprintf(names[i], sizeof names[i], "plain");
		else if (i == 1)
			snprintf(names[i], sizeof names[i], "sparse");
		else
			snprintf(names[i], sizeof names[i], "zstd-t%u",
			    threads[i - 2]);
		snprintf(dirs[i], sizeof dirs[i], "%s/%s", argv[3], names[i]);
		ways[i].directory = dirs[i];
	}
	memset(&req, 0, sizeof req);
	req.domid = (unsigned)strtoul(argv[0], NULL, 10);
	req.name = "bench";
	req.uuid = argv[1];
	req.when = time(NULL);
	req.guest_bytes = strtoull(argv[2], NULL, 10);

	for (k = 0; k < rounds; k++) {
		if (k > 0)
			clean(argv[3], ways + 1, nways - 1);
		if (rounds > 1)
			printf("round %zu of %lu\n", k + 1, rounds);
		memset(&plain, 0, sizeof plain);
		snprintf(plain.what, sizeof plain.what, "plain");
		if (run_plain(req.domid, argv[3], &plain) != 0)
			return (1);
		print(&plain, &plain);
		secs[0][k] = plain.secs;
		reads[0][k] = 0;
		disk[0] = plain.disk;
		for (i = 1; i < nways; i++) {
			memset(&r, 0, sizeof r);
			snprintf(r.what, sizeof r.what, "%s", names[i]);
			req.conf = &ways[i];
			if (run_ours(&req, &r) != 0)
				return (1);
			if (r.image != plain.image) {
				fprintf(stderr, "bench-dump: %s image is %llu "
				    "bytes, plain %llu\n", r.what,
				    (unsigned long long)r.image,
				    (unsigned long long)plain.image);
				return (1);
			}
			print(&r, &plain);
			secs[i][k] = r.secs;
			reads[i][k] = r.prof.read_us / 1e6;
			disk[i] = r.disk;
		}
	}
	printf("guest image %llu bytes (%.0f MiB), %lu round(s), medians:\n",
	    (unsigned long long)plain.image, (double)plain.image / 1048576,
	    rounds);
	for (i = 0; i < nways; i++)
		med[i] = median(secs[i], rounds);
	for (i = 0; i < nways; i++)
		printf("median %-8s %8.2f s %14llu B   speed %5.2fx   "
		    "disk %5.3fx   reading %.2f s\n", names[i], med[i],
		    (unsigned long long)disk[i], med[0] / med[i],
		    (double)disk[i] / (double)disk[0],
		    median(reads[i], rounds));
	return (0);
}
