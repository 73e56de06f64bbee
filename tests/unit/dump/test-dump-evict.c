/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dump-evict.c: file names, eviction of our oldest dumps under each
 * limit, and start-up clean-up; another program's files are never touched.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "dump-test.h"
#include "policy.h"

#define UUID1	"0b4a3c2d-1e2f-4a5b-8c7d-6e5f4a3b2c1d"
#define UUID2	"f00dbabe-0000-4000-8000-000000000002"
#define T0	((time_t)1700000000)	/* 20231114T221320Z */
#define KB	1024ULL

static void
test_file_name(void **state)
{
	char	out[256];

	(void)state;
	assert_int_equal(dump_file_name("web-1", UUID1, T0,
	    DUMP_COMPRESS_NONE, out, sizeof out), 0);
	assert_string_equal(out, "web-1-" UUID1 "-20231114T221320Z.core");
	assert_int_equal(dump_file_name("web-1", UUID1, T0,
	    DUMP_COMPRESS_ZSTD, out, sizeof out), 0);
	assert_string_equal(out, "web-1-" UUID1 "-20231114T221320Z.core.zst");
	assert_true(dump_name_is_ours(out));

	/* Upper-case uuids are written the canonical way. */
	assert_int_equal(dump_file_name("a", "0B4A3C2D-1E2F-4A5B-8C7D-"
	    "6E5F4A3B2C1D", T0, DUMP_COMPRESS_NONE, out, sizeof out), 0);
	assert_string_equal(out, "a-" UUID1 "-20231114T221320Z.core");

	/* A uuid is part of the path too: it must be one. */
	assert_int_equal(dump_file_name("a", "../../../../etc/passwd-xxxxxxx",
	    T0, DUMP_COMPRESS_NONE, out, sizeof out), -EINVAL);
	assert_int_equal(dump_file_name("a", "0b4a3c2d/1e2f-4a5b-8c7d-"
	    "6e5f4a3b2c1d", T0, DUMP_COMPRESS_NONE, out, sizeof out),
	    -EINVAL);
	assert_int_equal(dump_file_name("a", NULL, T0, DUMP_COMPRESS_NONE,
	    out, sizeof out), -EINVAL);
	assert_int_equal(dump_file_name("a", UUID1, T0, DUMP_COMPRESS_NONE,
	    out, 20), -ENAMETOOLONG);
}

/* Guest-chosen names stay one component inside the directory, and ours. */
static void
test_file_name_hostile(void **state)
{
	static const char *names[] = {
		"../../etc/passwd", "/", "..", ".", "", "a/../../b",
		".hidden", "x\ny z", "$(reboot)", "-", "--", "\xff\xfe",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	char	out[256];
	size_t	i, j;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(dump_file_name(names[i], UUID1, T0,
		    DUMP_COMPRESS_ZSTD, out, sizeof out), 0);
		assert_null(strchr(out, '/'));
		assert_true(out[0] != '.');
		assert_true(strlen(out) < 255);
		for (j = 0; out[j] != '\0'; j++)
			assert_true((unsigned char)out[j] > ' ' &&
			    (unsigned char)out[j] < 0x7f);
		assert_true(dump_name_is_ours(out));
	}
	assert_int_equal(dump_file_name(NULL, UUID1, T0, DUMP_COMPRESS_NONE,
	    out, sizeof out), 0);
	assert_string_equal(out, "_~cbf29ce484222325-" UUID1
	    "-20231114T221320Z.core");
}

static void
test_name_is_ours(void **state)
{
	(void)state;
	assert_true(dump_name_is_ours("web-" UUID1 "-20231114T221320Z.core"));
	assert_true(dump_name_is_ours("web-" UUID1 "-20231114T221320Z-3.core"));
	assert_true(dump_name_is_ours("a-b-c-" UUID1
	    "-20231114T221320Z-12.core.zst"));
	assert_false(dump_name_is_ours("foo.core"));
	assert_false(dump_name_is_ours("notes.txt"));
	assert_false(dump_name_is_ours(UUID1 "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("-" UUID1 "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours(".web-" UUID1 "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("web-" UUID1 "-20231114T221320Z.core.bak"));
	assert_false(dump_name_is_ours("web-" UUID1 "-20231114T221320Z.zst"));
	assert_false(dump_name_is_ours("web-" UUID1 "-20231114T221320Z-0.core"));
	assert_false(dump_name_is_ours("web-" UUID1 "-20231114T221320Z-.core"));
	assert_false(dump_name_is_ours("web-" UUID1 "-2023111xT221320Z.core"));
	assert_false(dump_name_is_ours("web-" UUID1 "-20231114T221320.core"));
	assert_false(dump_name_is_ours("we b-" UUID1 "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("web-0b4a3c2d-1e2f-4a5b-8c7d-6e5f4a3b2c1"
	    "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("web-0b4a3c2dx1e2f-4a5b-8c7d-"
	    "6e5f4a3b2c1d-20231114T221320Z.core"));
	assert_false(dump_name_is_ours(""));

	/* Changed names: a safe prefix, the mark, 16 lowercase hex digits. */
	assert_true(dump_name_is_ours("_rf~df312917deb4b268-" UUID1
	    "-20231114T221320Z.core"));
	assert_true(dump_name_is_ours("a_b~e620c3190468cf61-" UUID1
	    "-20231114T221320Z-2.core.zst"));
	assert_false(dump_name_is_ours("-rf~df312917deb4b268-" UUID1
	    "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours(".rf~df312917deb4b268-" UUID1
	    "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("~df312917deb4b268-" UUID1
	    "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("rf~DF312917DEB4B268-" UUID1
	    "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("rf~df312917deb4b26-" UUID1
	    "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("r~f~df312917deb4b268-" UUID1
	    "-20231114T221320Z.core"));
	assert_false(dump_name_is_ours("rf~df312917deb4b268x-" UUID1
	    "-20231114T221320Z.core"));

	/* Names of the old scheme stay ours, so their files are evicted. */
	assert_true(dump_name_is_ours("-rf-" UUID1 "-20231114T221320Z.core"));
	assert_true(dump_name_is_ours("_-" UUID1 "-20231114T221320Z.core"));
	assert_true(dump_name_is_ours("_._.._etc_passwd-" UUID1
	    "-20231114T221320Z.core"));
}

/* A directory holding our dumps and other people's files. */
struct fixture {
	char	*dir;
	int	 dirfd;
	char	 removed[16][256];	/* reported, in order */
	size_t	 nremoved;
};

/* One dump of ours, BYTES of data (not sparse), made at T0 + MIN minutes. */
static void
own_file(struct fixture *fx, const char *name, const char *uuid, int min,
    size_t bytes, char *out)
{
	char	 path[512], *buf;
	int	 fd;

	assert_int_equal(dump_file_name(name, uuid, T0 + min * 60,
	    DUMP_COMPRESS_NONE, out, 256), 0);
	snprintf(path, sizeof path, "%s/%s", fx->dir, out);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	buf = malloc(bytes);
	assert_non_null(buf);
	memset(buf, 'x', bytes);
	assert_int_equal(write(fd, buf, bytes), (ssize_t)bytes);
	assert_int_equal(fsync(fd), 0);
	free(buf);
	close(fd);
}

static const char *foreign[] = {
	"notes.txt", "foo.core",
	"link-" UUID2 "-20000101T000000Z.core",		/* symlink */
	"dir-" UUID2 "-20000101T000000Z.core",		/* directory */
	"web-" UUID1 "-20000101T000000Z.core.bak",
	".web-" UUID1 "-20000101T000000Z.core.partial",	/* being written */
};

/* Other programs' files, all older than ours and named nearly like ours. */
static void
foreign_files(struct fixture *fx, const char *link_to)
{
	char	path[512];
	size_t	i;
	int	fd;

	for (i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", fx->dir, foreign[i]);
		if (i == 2)
			assert_int_equal(symlink(link_to, path), 0);
		else if (i == 3)
			assert_int_equal(mkdir(path, 0700), 0);
		else {
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
			assert_true(fd >= 0);
			assert_int_equal(write(fd, "keep me\n", 8), 8);
			close(fd);
		}
	}
}

static void
foreign_survive(struct fixture *fx)
{
	char	path[512];
	size_t	i;

	for (i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", fx->dir, foreign[i]);
		if (!file_exists(path))
			fail_msg("another program's file was removed: %s",
			    foreign[i]);
	}
}

static int
fx_setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->dir = scratch_make();
	fx->dirfd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fx->dirfd >= 0);
	*state = fx;
	return (0);
}

static int
fx_teardown(void **state)
{
	struct fixture	*fx = *state;

	close(fx->dirfd);
	scratch_remove(fx->dir);
	free(fx);
	return (0);
}

static void
removed_cb(const char *path, uint64_t bytes, void *arg)
{
	struct fixture	*fx = arg;
	const char	*slash = strrchr(path, '/');

	assert_true(bytes > 0);
	assert_memory_equal(path, fx->dir, strlen(fx->dir));
	assert_true(fx->nremoved < 16);
	snprintf(fx->removed[fx->nremoved++], 256, "%s", slash + 1);
}

static int
in_dir(struct fixture *fx, const char *name)
{
	char	path[512];

	snprintf(path, sizeof path, "%s/%s", fx->dir, name);
	return (file_exists(path));
}

static uint64_t
disk_of(struct fixture *fx, const char *name)
{
	char	path[512];

	snprintf(path, sizeof path, "%s/%s", fx->dir, name);
	return ((uint64_t)file_disk(path));
}

/* max_per_domain = 3: two old "web" files stay, so three after the dump. */
static void
test_evict_per_domain(void **state)
{
	struct fixture		*fx = *state;
	struct conf_dump	 conf = { .max_per_domain = 3 };
	char			 w[5][256], db[2][256];
	uint64_t		 own;
	int			 i;

	/* Made out of order: age comes from the name, not creation. */
	own_file(fx, "web", UUID1, 30, 4 * KB, w[3]);
	own_file(fx, "web", UUID1, 10, 4 * KB, w[1]);
	own_file(fx, "web", UUID1, 40, 4 * KB, w[4]);
	own_file(fx, "web", UUID1, 0, 4 * KB, w[0]);
	own_file(fx, "web", UUID1, 20, 4 * KB, w[2]);
	own_file(fx, "db", UUID2, -100, 4 * KB, db[0]);
	own_file(fx, "web-2", UUID2, -100, 4 * KB, db[1]);
	foreign_files(fx, w[0]);

	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "web", 1024 * KB,
	    &conf, NULL, removed_cb, fx, &own), 0);
	assert_int_equal(fx->nremoved, 3);
	for (i = 0; i < 3; i++) {
		assert_string_equal(fx->removed[i], w[i]);
		assert_false(in_dir(fx, w[i]));
	}
	assert_true(in_dir(fx, w[3]) && in_dir(fx, w[4]));
	assert_true(in_dir(fx, db[0]) && in_dir(fx, db[1]));
	assert_int_equal(own, disk_of(fx, w[3]) + disk_of(fx, w[4]) +
	    disk_of(fx, db[0]) + disk_of(fx, db[1]));
	foreign_survive(fx);

	/* max_per_domain = 1 keeps none of that name. */
	conf.max_per_domain = 1;
	fx->nremoved = 0;
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "web", 1024 * KB,
	    &conf, NULL, removed_cb, fx, &own), 0);
	assert_int_equal(fx->nremoved, 2);
	assert_string_equal(fx->removed[0], w[3]);
	assert_string_equal(fx->removed[1], w[4]);
	assert_true(in_dir(fx, db[0]) && in_dir(fx, db[1]));
	foreign_survive(fx);
}

/* max_use: the oldest of all names go first, until ours + new fit. */
static void
test_evict_max_use(void **state)
{
	struct fixture		*fx = *state;
	struct conf_dump	 conf = { 0 };
	char			 f[5][256], path[512];
	uint64_t		 one, own;
	int			 i;

	own_file(fx, "b", UUID1, 3, 64 * KB, f[3]);
	own_file(fx, "a", UUID1, 1, 64 * KB, f[1]);
	own_file(fx, "c", UUID2, 0, 64 * KB, f[0]);
	own_file(fx, "a", UUID1, 4, 64 * KB, f[4]);
	own_file(fx, "b", UUID2, 2, 64 * KB, f[2]);
	foreign_files(fx, f[1]);
	snprintf(path, sizeof path, "%s/%s", fx->dir, f[0]);
	one = (uint64_t)file_disk(path);
	assert_true(one >= 64 * KB);

	/* Five files and a new one of the same size; room for four. */
	conf.max_use = 4 * one;
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "a", one, &conf,
	    NULL, removed_cb, fx, &own), 0);
	assert_int_equal(fx->nremoved, 2);
	assert_string_equal(fx->removed[0], f[0]);
	assert_string_equal(fx->removed[1], f[1]);
	assert_int_equal(own, 3 * one);
	for (i = 2; i < 5; i++)
		assert_true(in_dir(fx, f[i]));
	foreign_survive(fx);

	/* Already fits: nothing goes. */
	fx->nremoved = 0;
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "a", one, &conf,
	    NULL, removed_cb, fx, &own), 0);
	assert_int_equal(fx->nremoved, 0);

	/* Cannot fit even alone: nothing is removed for nothing. */
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "a", 5 * one, &conf,
	    NULL, removed_cb, fx, &own), -EDQUOT);
	assert_int_equal(fx->nremoved, 0);
	for (i = 2; i < 5; i++)
		assert_true(in_dir(fx, f[i]));
	foreign_survive(fx);
}

static unsigned long long	fake_avail;

static int
fake_statvfs(int fd, struct statvfs *sv)
{
	(void)fd;
	memset(sv, 0, sizeof *sv);
	sv->f_frsize = sv->f_bsize = 512;
	sv->f_bavail = sv->f_bfree = fake_avail / 512;
	return (0);
}

/* keep_free with a stand-in statvfs: exact arithmetic. */
static void
test_evict_keep_free(void **state)
{
	struct fixture		*fx = *state;
	struct conf_dump	 conf = { 0 };
	char			 f[4][256], path[512];
	uint64_t		 one, own;

	own_file(fx, "x", UUID1, 2, 64 * KB, f[2]);
	own_file(fx, "x", UUID1, 0, 64 * KB, f[0]);
	own_file(fx, "y", UUID2, 1, 64 * KB, f[1]);
	own_file(fx, "y", UUID2, 3, 64 * KB, f[3]);
	foreign_files(fx, f[0]);
	snprintf(path, sizeof path, "%s/%s", fx->dir, f[0]);
	one = (uint64_t)file_disk(path);

	/* Free: keep_free + 0.5 file; the new file needs 2: free 2 files. */
	conf.keep_free = 1024 * KB;
	fake_avail = conf.keep_free + one / 2;
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "z", 2 * one, &conf,
	    fake_statvfs, removed_cb, fx, &own), 0);
	assert_int_equal(fx->nremoved, 2);
	assert_string_equal(fx->removed[0], f[0]);
	assert_string_equal(fx->removed[1], f[1]);
	assert_true(in_dir(fx, f[2]) && in_dir(fx, f[3]));
	foreign_survive(fx);

	/* More than all our files could free: -EDQUOT, nothing removed. */
	fx->nremoved = 0;
	fake_avail = conf.keep_free;
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "z", 3 * one, &conf,
	    fake_statvfs, removed_cb, fx, &own), -EDQUOT);
	assert_int_equal(fx->nremoved, 0);
	assert_true(in_dir(fx, f[2]) && in_dir(fx, f[3]));
	foreign_survive(fx);
}

/* keep_free against a real small file system. */
static void
test_evict_keep_free_tmpfs(void **state)
{
	struct fixture		*fx = *state;
	struct conf_dump	 conf = { 0 };
	char			 f[6][256];
	uint64_t		 own;
	int			 i;

	close(fx->dirfd);
	tmpfs_mount(fx->dir, "4m");
	fx->dirfd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fx->dirfd >= 0);
	for (i = 0; i < 6; i++)
		own_file(fx, "t", UUID1, i, 512 * KB, f[i]);	/* 3 MiB */
	foreign_files(fx, f[0]);

	/* 1 MiB free at most; keep 1 MiB free after a 1 MiB dump. */
	conf.keep_free = 1024 * KB;
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "t", 1024 * KB,
	    &conf, NULL, removed_cb, fx, &own), 0);
	assert_true(fx->nremoved >= 2 && fx->nremoved <= 3);
	for (i = 0; i < (int)fx->nremoved; i++)
		assert_string_equal(fx->removed[i], f[i]);
	for (; i < 6; i++)
		assert_true(in_dir(fx, f[i]));
	foreign_survive(fx);
}

/* Set NAME's mtime to T0 + MIN minutes, as a clock set back would. */
static void
set_mtime(struct fixture *fx, const char *name, int min)
{
	struct timespec	ts[2];

	ts[0].tv_sec = ts[1].tv_sec = T0 + min * 60;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(fx->dirfd, name, ts, AT_SYMLINK_NOFOLLOW),
	    0);
}

/* What the dump child does for one dump: make room, then write. */
static void
one_dump(struct fixture *fx, const struct conf_dump *conf, const char *name,
    int min, char *out)
{
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, name, 4 * KB, conf,
	    NULL, removed_cb, fx, NULL), 0);
	own_file(fx, name, UUID1, min, 4 * KB, out);
	set_mtime(fx, out, min);
}

/* A daemon restart, or a reboot: nothing is kept but the directory. */
static void
reopen_dir(struct fixture *fx)
{
	close(fx->dirfd);
	fx->dirfd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fx->dirfd >= 0);
}

/*
 * The clock is set back by ten hours after two dumps, across a reboot.
 * The dumps after that have older stamps and mtimes than those before,
 * yet the oldest dump written is the one evicted, never the newest.
 */
static void
test_evict_clock_back(void **state)
{
	struct fixture		*fx = *state;
	struct conf_dump	 conf = { .max_per_domain = 2 };
	char			 f[5][256];

	one_dump(fx, &conf, "web", 60, f[0]);
	one_dump(fx, &conf, "web", 120, f[1]);
	assert_int_equal(fx->nremoved, 0);

	reopen_dir(fx);
	one_dump(fx, &conf, "web", -600, f[2]);
	assert_int_equal(fx->nremoved, 1);
	assert_string_equal(fx->removed[0], f[0]);

	/* f[1] has the newest stamp and mtime, but is the oldest dump. */
	one_dump(fx, &conf, "web", -590, f[3]);
	assert_int_equal(fx->nremoved, 2);
	assert_string_equal(fx->removed[1], f[1]);
	assert_true(in_dir(fx, f[2]) && in_dir(fx, f[3]));

	/* The clock jumps forward again: still in the order written. */
	reopen_dir(fx);
	one_dump(fx, &conf, "web", 30, f[4]);
	assert_int_equal(fx->nremoved, 3);
	assert_string_equal(fx->removed[2], f[2]);
	assert_true(in_dir(fx, f[3]) && in_dir(fx, f[4]));

	/* max_use goes by the same order. */
	conf.max_per_domain = 0;
	conf.max_use = 1;
	fx->nremoved = 0;
	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "db", 0, &conf, NULL,
	    removed_cb, fx, NULL), 0);
	assert_int_equal(fx->nremoved, 2);
	assert_string_equal(fx->removed[0], f[3]);
	assert_string_equal(fx->removed[1], f[4]);
}

/*
 * The list of our files in the directory is advice: a damaged one, or
 * one naming files that are not ours, never makes another program's file
 * ours; with none left, there is no list either.
 */
static void
test_evict_order_file(void **state)
{
	struct fixture		*fx = *state;
	struct conf_dump	 conf = { .max_use = 1 };
	char			 f[3][256], path[512];
	FILE			*fp;
	size_t			 i;

	own_file(fx, "a", UUID1, 2, 4 * KB, f[2]);
	own_file(fx, "a", UUID1, 0, 4 * KB, f[0]);
	own_file(fx, "a", UUID1, 1, 4 * KB, f[1]);
	foreign_files(fx, f[0]);

	/* Foreign names first, then two of ours against their stamps. */
	snprintf(path, sizeof path, "%s/.xen-crashwatch-order", fx->dir);
	assert_non_null(fp = fopen(path, "w"));
	for (i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
		fprintf(fp, "%s\n", foreign[i]);
	fprintf(fp, "../%s\n\n%s\n%s\n", f[0], f[2], f[1]);
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(dump_evict(fx->dirfd, fx->dir, "a", 0, &conf, NULL,
	    removed_cb, fx, NULL), 0);
	/* Listed first, in the list's order; the unlisted one is newest. */
	assert_int_equal(fx->nremoved, 3);
	assert_string_equal(fx->removed[0], f[2]);
	assert_string_equal(fx->removed[1], f[1]);
	assert_string_equal(fx->removed[2], f[0]);
	foreign_survive(fx);
	assert_false(in_dir(fx, ".xen-crashwatch-order"));
	assert_false(in_dir(fx, ".xen-crashwatch-order.new"));
	assert_false(dump_name_is_ours(".xen-crashwatch-order"));
}

static void
partial_cb(const char *path, void *arg)
{
	removed_cb(path, 1, arg);
}

/* Start-up: partial files of ours go, and are reported; nothing else. */
static void
test_dir_prepare(void **state)
{
	struct fixture	*fx = *state;
	char		 f[256], p1[512], p2[512], keep[512];
	int		 fd;

	own_file(fx, "web", UUID1, 0, 4 * KB, f);
	snprintf(p1, sizeof p1, "%s/.web-" UUID1 "-20231114T221320Z.core"
	    ".partial", fx->dir);
	snprintf(p2, sizeof p2, "%s/.db-" UUID2 "-20231114T221320Z-2.core.zst"
	    ".partial", fx->dir);
	assert_true((fd = open(p1, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_true((fd = open(p2, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	snprintf(keep, sizeof keep, "%s/.foo.core.partial", fx->dir);
	assert_true((fd = open(keep, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	/* foreign_files' ".web-...-20000101T000000Z.core.partial" is ours. */
	foreign_files(fx, f);

	assert_int_equal(dump_dir_prepare(fx->dir, partial_cb, fx), 0);
	assert_int_equal(fx->nremoved, 3);
	assert_false(file_exists(p1));
	assert_false(file_exists(p2));
	assert_true(file_exists(keep));
	assert_true(in_dir(fx, f));
	assert_true(in_dir(fx, "notes.txt") && in_dir(fx, "foo.core"));
	assert_int_equal(partials_in(fx->dir), 1);
}

static void
test_dir_make(void **state)
{
	struct fixture	*fx = *state;
	struct stat	 st;
	char		 d[512], l[512], f[512];
	int		 fd;

	umask(022);
	snprintf(d, sizeof d, "%s/a/b/dump/", fx->dir);
	assert_int_equal(dump_dir_make(d), 0);
	assert_int_equal(lstat(d, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(dump_dir_make(d), 0);		/* again: fine */
	assert_int_equal(dump_dir_prepare(d, NULL, NULL), 0);

	snprintf(l, sizeof l, "%s/link", fx->dir);
	assert_int_equal(symlink(d, l), 0);
	assert_int_equal(dump_dir_make(l), -ELOOP);
	strcat(l, "/");
	assert_int_equal(dump_dir_make(l), -ELOOP);
	assert_int_equal(dump_dir_prepare(l, NULL, NULL), -ELOOP);

	snprintf(f, sizeof f, "%s/file", fx->dir);
	assert_true((fd = open(f, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_int_equal(dump_dir_make(f), -ENOTDIR);
	strcat(f, "/sub");
	assert_int_equal(dump_dir_make(f), -ENOTDIR);
	assert_int_equal(dump_dir_make(""), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_file_name_hostile),
		cmocka_unit_test(test_name_is_ours),
		cmocka_unit_test_setup_teardown(test_evict_per_domain,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_evict_max_use,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_evict_keep_free,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_evict_clock_back,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_evict_order_file,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_evict_keep_free_tmpfs,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_dir_prepare,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_dir_make,
		    fx_setup, fx_teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
