/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xg-dumpcore.c: the stand-in libxenguest.so.4.17's core dumps.  The
 * simulator is asked for the domain's parameters (and any injected fault)
 * once; the image itself is generated here, in the caller's process
 * (core-image.c), handed over in libxenguest's batches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core-image.h"
#include "proto.h"
#include "xc-handle.h"

struct cb_arg {
	xc_interface	*xch;
	void		*arg;
	dumpcore_rtn_t	*rtn;
};

static int
parse_params(char *line, struct core_params *p)
{
	char uuid[40];
	unsigned long long pages;
	unsigned i;
	int hi, lo;

	memset(p, 0, sizeof(*p));
	if (sscanf(line, "uuid=%39s pages=%llu vcpus=%u zero=%u random=%u "
	    "fail=%d delay=%lf", uuid, &pages, &p->vcpus, &p->zero_pct,
	    &p->random_pct, &p->fail_err, &p->delay) != 7)
		return -EPROTO;
	p->pages = pages;
	for (i = 0; i < 16; i++) {
		const char *s = uuid + 2 * i + (i >= 4) + (i >= 6) + (i >= 8) +
		    (i >= 10);

		if (sscanf(s, "%1x%1x", (unsigned *)&hi, (unsigned *)&lo) != 2)
			return -EPROTO;
		p->uuid[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int
via_cb(void *arg, char *buf, unsigned int len)
{
	struct cb_arg *a = arg;

	return a->rtn(a->xch, a->arg, buf, len);
}

/* Ask, stream, report: one history record per dump. */
static int
dump(xc_interface *xch, const char *fn, uint32_t domid, const char *path,
    core_sink sink, void *arg)
{
	char lines[512], enc[3 * 4096 + 1], res[32];
	struct core_params p;
	uint64_t bytes = 0;
	int rc, err;

	xcs_check(xch);
	if (path != NULL)
		rc = xcs_call(xch, lines, sizeof(lines), NULL, 0, NULL,
		    "xc_dump_begin %s %u %s", fn, domid,
		    proto_encode(path, enc, sizeof(enc)));
	else
		rc = xcs_call(xch, lines, sizeof(lines), NULL, 0, NULL,
		    "xc_dump_begin %s %u", fn, domid);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	if (rc != 1 || parse_params(lines, &p) != 0) {
		errno = EPROTO;
		return -1;
	}
	rc = core_stream(&p, sink, arg, &bytes);
	err = errno;
	if (rc == 0)
		snprintf(res, sizeof(res), "0");
	else if (rc < 0)
		snprintf(res, sizeof(res), "-%s",
		    proto_errname(rc == -1 ? err : -rc));
	else
		snprintf(res, sizeof(res), "%d", rc);
	(void)xcs_call(xch, NULL, 0, NULL, 0, NULL,
	    "xc_dump_end %s %u %s %llu%s%s", fn, domid, res,
	    (unsigned long long)bytes, path != NULL ? " " : "",
	    path != NULL ? enc : "");
	errno = err;
	return rc;
}

int
xc_domain_dumpcore_via_callback(xc_interface *xch, uint32_t domid, void *arg,
    dumpcore_rtn_t dump_rtn)
{
	struct cb_arg a = { xch, arg, dump_rtn };

	return dump(xch, "xc_domain_dumpcore_via_callback", domid, NULL, via_cb,
	    &a);
}

/*
 * The plain dump's file, written as libxenguest 4.17 writes it, so that
 * "xl dump-core" on the simulator costs what it costs on Xen: no more
 * (no fsync of its own per batch) and no less (no page cache left full of
 * dirty pages for someone else to write back).
 *
 * local_file_dump (tools/libs/guest/xg_core.c:973-991) write_exact()s
 * each piece (a write() loop, tools/libs/ctrl/xc_private.c:681-697) and,
 * after a piece of DUMP_INCREMENT pages or more, calls
 * discard_file_cache(xch, fd, 0) (tools/libs/ctrl/xc_linux.c:23-50):
 * lseek(fd, 0, SEEK_CUR) rounded down to a page, then
 * posix_fadvise64(fd, 0, cur, POSIX_FADV_DONTNEED), with no flush.  On
 * Linux that advice starts writeback of the dirty range and drops what is
 * clean, so the file's cache stays about one batch deep and is written as
 * it grows.  xc_domain_dumpcore (xg_core.c:994-1015) opens with
 * O_CREAT|O_RDWR|O_TRUNC, 0600, and at the end calls
 * discard_file_cache(xch, fd, 1): fsync(fd), then
 * posix_fadvise64(fd, 0, 0, POSIX_FADV_DONTNEED) on the whole file;
 * then close.  Errors of both calls are ignored (errno is restored).
 */
#define DUMP_INCREMENT_BYTES	(4096u * 4096u)	/* xg_core.c:71 */

static void
discard_file_cache(int fd, int flush)
{
	off_t	cur = 0;
	int	saved_errno = errno;

	if (flush && fsync(fd) < 0)
		goto out;
	if (!flush) {
		if ((cur = lseek(fd, 0, SEEK_CUR)) == (off_t)-1)
			cur = 0;
		cur &= ~(off_t)(4096 - 1);
	}
	(void)posix_fadvise(fd, 0, cur, POSIX_FADV_DONTNEED);
out:
	errno = saved_errno;
}

static int
file_cb(void *arg, char *buf, unsigned int len)
{
	int fd = *(int *)arg;
	unsigned int left = len;
	ssize_t n;

	while (left > 0) {
		n = write(fd, buf, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -(n < 0 ? errno : EIO);
		buf += n;
		left -= (unsigned)n;
	}
	if (len >= DUMP_INCREMENT_BYTES)
		discard_file_cache(fd, 0);
	return 0;
}

int
xc_domain_dumpcore(xc_interface *xch, uint32_t domid, const char *corename)
{
	int fd, rc, err;

	xcs_check(xch);
	fd = open(corename, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "xensim: could not open %s: %s\n", corename,
		    strerror(err));
		errno = err;
		return -err;
	}
	rc = dump(xch, "xc_domain_dumpcore", domid, corename, file_cb, &fd);
	err = errno;
	discard_file_cache(fd, 1);
	close(fd);
	errno = err;
	return rc;
}
