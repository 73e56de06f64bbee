/*
 * bench-dump: one guest dumped three ways, timed, in one run.
 *
 *	bench-dump DOMID UUID GUEST_BYTES DIR
 *
 * 1. plain: xc_domain_dumpcore to DIR/plain.core, then fsync (what
 *    "xl dump-core" leaves), 2. our sparse dump into DIR/sparse/, 3. our
 * zstd dump into DIR/zstd/, both through dump_child_main as the daemon's
 * child runs it (they fsync the file and the directory themselves).
 * Prints seconds, MB/s of image, bytes on disk (st_blocks * 512) and the
 * ratios to the plain dump; exit 0 unless a dump failed.  Page caches
 * cannot be dropped here, so every run ends with its data on disk.
 */

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

struct run {
	const char	*what;
	double		 secs;
	uint64_t	 image;
	uint64_t	 disk;
	char		 path[4096];
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
	if ((fd = open(r->path, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0 ||
	    fstat(fd, &st) != 0) {
		fprintf(stderr, "bench-dump: %s: %s\n", r->path,
		    strerror(errno));
		return (-1);
	}
	close(fd);
	r->secs = now() - t0;
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
}

int
main(int argc, char **argv)
{
	struct run		plain = { .what = "plain" };
	struct run		sparse = { .what = "sparse" };
	struct run		zst = { .what = "zstd" };
	struct conf_dump	conf;
	struct dump_req		req;
	char			sdir[4096], zdir[4096];

	if (argc != 5) {
		fprintf(stderr, "usage: bench-dump DOMID UUID GUEST_BYTES "
		    "DIR\n");
		return (2);
	}
	memset(&conf, 0, sizeof conf);
	conf.compress_level = 3;		/* the default */
	memset(&req, 0, sizeof req);
	req.domid = (unsigned)strtoul(argv[1], NULL, 10);
	req.name = "bench";
	req.uuid = argv[2];
	req.when = time(NULL);
	req.guest_bytes = strtoull(argv[3], NULL, 10);
	req.conf = &conf;
	snprintf(sdir, sizeof sdir, "%s/sparse", argv[4]);
	snprintf(zdir, sizeof zdir, "%s/zstd", argv[4]);

	if (run_plain(req.domid, argv[4], &plain) != 0)
		return (1);
	conf.directory = sdir;
	conf.compress = DUMP_COMPRESS_NONE;
	if (run_ours(&req, &sparse) != 0)
		return (1);
	conf.directory = zdir;
	conf.compress = DUMP_COMPRESS_ZSTD;
	if (run_ours(&req, &zst) != 0)
		return (1);

	printf("guest image %llu bytes (%.0f MiB)\n",
	    (unsigned long long)plain.image, (double)plain.image / 1048576);
	print(&plain, &plain);
	print(&sparse, &plain);
	print(&zst, &plain);
	if (sparse.image != plain.image || zst.image != plain.image) {
		fprintf(stderr, "bench-dump: image sizes differ\n");
		return (1);
	}
	return (0);
}
