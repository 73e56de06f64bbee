/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-child.c: one core dump, from start to report, in a child process.
 *
 * The daemon forks and calls dump_child_main; nothing of the parent is
 * used here but the request and the pipe.  Steps: make the directory,
 * open our own xc handle, evict old dumps until this one fits, write
 * "<dir>/.<final>.partial", fsync, rename it to a final name that no file
 * has (never replacing one), fsync the directory, report.  Any failure
 * removes the partial file; a kill leaves it to the parent, which finds
 * it by its name (dump_dir_prepare).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "dump-child.h"
#include "killpoint.h"
#include "policy.h"

#define CHILD_TRIES	100	/* final names tried: stem, stem-1 .. stem-99 */

struct child {
	const struct dump_req	*req;
	int			 fd;		/* report pipe, or -1 */
	int			 dirfd;
	int			 outfd;
	const char		*dir;
	char			 final[NAME_MAX + 1];
	char			 partial[NAME_MAX + 1];
	bool			 have_partial;
};

/* Report a failure; the exit status says the same. */
static int
child_fail(struct child *c, enum dump_reason r, int err, const char *what)
{
	if (err <= 0)
		err = EIO;
	dump_report_line(c->fd, "failed %s %d %s: %s", dump_reason_name(r),
	    err, what, strerror(err));
	return DUMP_EXIT(r);
}

static void
child_evicted(const char *path, uint64_t bytes, void *arg)
{
	struct child	*c = arg;

	dump_report_line(c->fd, "evicted %llu %s", (unsigned long long)bytes,
	    path);
}

/* FINAL with "-N" before ".core": the names tried after the first. */
static int
child_name(struct child *c, const char *stem, unsigned n)
{
	const char	*ext = strstr(stem, ".core");
	int		 len;

	if (n == 0)
		len = snprintf(c->final, sizeof c->final, "%s", stem);
	else
		len = snprintf(c->final, sizeof c->final, "%.*s-%u%s",
		    (int)(ext - stem), stem, n, ext);
	if (len < 0 || (size_t)len >= sizeof c->final)
		return -ENAMETOOLONG;
	len = snprintf(c->partial, sizeof c->partial, ".%s.partial", c->final);
	if (len < 0 || (size_t)len >= sizeof c->partial)
		return -ENAMETOOLONG;
	return 0;
}

/* Does NAME exist in the directory (as anything, even a dangling link)? */
static int
child_exists(struct child *c, const char *name)
{
	struct stat	st;

	return fstatat(c->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT;
}

/*
 * Create the partial file.  Its name comes from the first-choice final
 * name even when that one is taken, so that the parent, which knows only
 * that name, can remove it after killing us; the final name is chosen at
 * the rename.  Other names are tried only if that partial exists.
 */
static int
child_create(struct child *c, const char *stem)
{
	unsigned	n;
	int		r;

	for (n = 0; n < CHILD_TRIES; n++) {
		if ((r = child_name(c, stem, n)) != 0)
			return r;
		c->outfd = openat(c->dirfd, c->partial, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (c->outfd >= 0) {
			c->have_partial = true;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Rename without replacing; link+unlink where the FS has no NOREPLACE. */
static int
child_link(struct child *c)
{
	if (renameat2(c->dirfd, c->partial, c->dirfd, c->final,
	    RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -errno;
	if (linkat(c->dirfd, c->partial, c->dirfd, c->final, 0) != 0)
		return -errno;
	unlinkat(c->dirfd, c->partial, 0);
	return 0;
}

/* Give the partial file a final name; another name if one appeared. */
static int
child_publish(struct child *c, const char *stem)
{
	char		partial[NAME_MAX + 1];
	unsigned	n;
	int		r;

	strcpy(partial, c->partial);
	for (n = 0; n < CHILD_TRIES; n++) {
		if ((r = child_name(c, stem, n)) != 0)
			break;
		/* The partial keeps the name it was created with. */
		strcpy(c->partial, partial);
		if (child_exists(c, c->final))
			continue;
		if ((r = child_link(c)) == 0) {
			c->have_partial = false;
			return 0;
		}
		if (r != -EEXIST)
			return r;
	}
	strcpy(c->partial, partial);
	return r != 0 ? r : -EEXIST;
}

static uint64_t
child_usec(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000 +
	    (uint64_t)((t1.tv_nsec - t0->tv_nsec) / 1000);
}

/* Everything after the directory is open; the caller cleans up. */
static int
child_dump(struct child *c, const struct dump_source *src, bool *opened)
{
	const struct dump_req	*req = c->req;
	const struct conf_dump	*conf = req->conf;
	struct dump_sink_limits	 lim;
	struct dump_sink	*sink = NULL;
	struct dump_profile	 prof;
	struct timespec		 t0, ts;
	struct stat		 st;
	enum dump_reason	 why;
	char			 stem[NAME_MAX + 1], safe[NAME_SAFE_MAX];
	uint64_t		 own = 0, image, stream_us, cb_us;
	int			 r, err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = dump_file_name(req->name, req->uuid, req->when, conf->compress,
	    stem, sizeof stem);
	if (r != 0)
		return child_fail(c, DUMP_FAIL_IO, -r, "file name");
	if (src->open != NULL && (r = src->open(src->arg)) != 0)
		return child_fail(c, DUMP_FAIL_HYPERVISOR, -r,
		    "opening the hypervisor interface");
	*opened = true;

	/*
	 * Room for the whole guest, compressed or not: how well it will
	 * compress is not known before, and running out of room halfway
	 * wastes the dump.  The sink still enforces the limits as it writes.
	 */
	name_sanitize(req->name, safe, sizeof safe);
	r = dump_evict(c->dirfd, c->dir, safe, req->guest_bytes, conf, NULL,
	    child_evicted, c, &own);
	if (r == -EDQUOT)
		return child_fail(c, DUMP_FAIL_LIMIT, EDQUOT,
		    "no room within max_use/keep_free");
	if (r != 0)
		return child_fail(c, DUMP_FAIL_IO, -r, "making room");

	if ((r = child_create(c, stem)) != 0)
		return child_fail(c, r == -EEXIST ? DUMP_FAIL_EXISTS :
		    r == -ENOSPC || r == -EDQUOT ? DUMP_FAIL_ENOSPC :
		    DUMP_FAIL_IO, -r, "creating the file");

	memset(&lim, 0, sizeof lim);
	lim.max_use = conf->max_use;
	lim.others = own;
	lim.keep_free = conf->keep_free;
	if ((r = dump_sink_open(&sink, c->outfd, conf->compress,
	    conf->compress_level, conf->compress_threads, &lim)) != 0)
		return child_fail(c, DUMP_FAIL_IO, -r, "setting up");

	clock_gettime(CLOCK_MONOTONIC, &ts);
	r = src->stream(src->arg, req->domid, sink);
	stream_us = child_usec(&ts);
	if ((why = dump_sink_failure(sink, &err)) != DUMP_OK) {
		dump_sink_free(sink);
		return child_fail(c, why, err, why == DUMP_FAIL_LIMIT ?
		    "writing: over max_use/keep_free" : "writing");
	}
	if (r < 0) {
		dump_sink_free(sink);
		return child_fail(c, DUMP_FAIL_HYPERVISOR, -r,
		    "reading guest memory");
	}
	r = dump_sink_finish(sink);
	why = dump_sink_failure(sink, &err);
	image = dump_sink_image_bytes(sink);
	dump_sink_profile(sink, &prof, &cb_us);
	dump_sink_free(sink);
	if (r != 0)
		return child_fail(c, why, err, "flushing");
	prof.read_us = stream_us > cb_us ? stream_us - cb_us : 0;

	if ((r = child_publish(c, stem)) != 0)
		return child_fail(c, r == -EEXIST ? DUMP_FAIL_EXISTS :
		    DUMP_FAIL_IO, -r, "renaming");
	if (fsync(c->dirfd) != 0)
		return child_fail(c, DUMP_FAIL_IO, errno, "syncing the dir");
	KILL_PARENT_POINT("dump-renamed");
	if (fstat(c->outfd, &st) != 0)
		return child_fail(c, DUMP_FAIL_IO, errno, "stat");
	dump_report_profile(c->fd, &prof);
	dump_report_line(c->fd, "done %llu %llu %llu %s/%s",
	    (unsigned long long)image, (unsigned long long)st.st_blocks * 512,
	    (unsigned long long)child_usec(&t0), c->dir, c->final);
	return 0;
}

int
dump_child_run(const struct dump_req *req, int fd,
    const struct dump_source *src)
{
	struct child	c;
	int		r, status;
	bool		opened = false;

	memset(&c, 0, sizeof c);
	c.req = req;
	c.fd = fd;
	c.dirfd = c.outfd = -1;
	c.dir = req->conf->directory;
	if ((r = dump_dir_make(c.dir)) != 0)
		return child_fail(&c, DUMP_FAIL_IO, -r, "making the dir");
	c.dirfd = open(c.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c.dirfd < 0)
		return child_fail(&c, DUMP_FAIL_IO, errno, "opening the dir");

	status = child_dump(&c, src, &opened);

	if (c.have_partial)
		unlinkat(c.dirfd, c.partial, 0);
	if (c.outfd >= 0)
		close(c.outfd);
	close(c.dirfd);
	if (opened && src->close != NULL)
		src->close(src->arg);
	return status;
}

/* The hypervisor as source: our own handle, never the parent's. */
struct xc_source {
	xc_interface	*xch;
};

static int
xc_source_open(void *arg)
{
	struct xc_source	*x = arg;

	errno = 0;
	if ((x->xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		return errno != 0 ? -errno : -EACCES;
	return 0;
}

static int
xc_source_write(xc_interface *xch, void *arg, char *buf, unsigned int len)
{
	(void)xch;
	return dump_sink_write(arg, buf, len);
}

/* xc_domain_dumpcore gives -errno, or -1 with errno set (or not). */
static int
xc_source_stream(void *arg, unsigned domid, struct dump_sink *sink)
{
	struct xc_source	*x = arg;
	int			 r;

	errno = 0;
	r = xc_domain_dumpcore_via_callback(x->xch, domid, sink,
	    xc_source_write);
	if (r >= 0)
		return 0;
	if (r < -1)
		return r;
	return errno != 0 ? -errno : -EIO;
}

static void
xc_source_close(void *arg)
{
	struct xc_source	*x = arg;

	xc_interface_close(x->xch);
	x->xch = NULL;
}

int
dump_child_main(const struct dump_req *req, int fd)
{
	struct xc_source	x = { NULL };
	struct dump_source	src = {
		xc_source_open, xc_source_stream, xc_source_close, &x
	};

	return dump_child_run(req, fd, &src);
}
