/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dump-sink.c: the sink writes what a plain dump writes, in fewer
 * blocks or compressed, and stops cleanly at a limit or a full disk.
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dump-test.h"

static char *
path_in(const char *dir, const char *name)
{
	char	*p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return (p);
}

/* What xc_domain_dumpcore leaves: every byte written, then fsync. */
static void
write_plain(const char *path, const struct image *img)
{
	size_t	off = 0;
	ssize_t	w;
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	while (off < img->len) {
		w = write(fd, img->p + off, img->len - off);
		assert_true(w > 0);
		off += (size_t)w;
	}
	assert_int_equal(fsync(fd), 0);
	close(fd);
}

/* zstd worker threads of the sinks made by sink_to. */
static unsigned	sink_threads = 1;

/* Run IMG through a sink into PATH; returns dump_sink_finish's result. */
static int
sink_to(const char *path, const struct image *img, enum dump_compress c,
    const struct dump_sink_limits *lim, enum dump_reason *why, int *err)
{
	struct dump_sink	*s;
	int			 fd, r;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(dump_sink_open(&s, fd, c, 3, sink_threads, lim), 0);
	r = image_feed(s, img, 11);
	if (r == 0)
		r = dump_sink_finish(s);
	else
		assert_int_equal(dump_sink_finish(s), -1);
	if (r == 0)
		assert_int_equal(dump_sink_image_bytes(s), img->len);
	*why = dump_sink_failure(s, err);
	dump_sink_free(s);
	close(fd);
	return (r);
}

/* Sparse output: the same bytes as plain, fewer blocks on disk. */
static void
check_sparse(size_t pages, size_t head, size_t tail, unsigned zero_pct)
{
	struct image		 img;
	enum dump_reason	 why;
	char			*d = scratch_make();
	char			*plain = path_in(d, "plain.core");
	char			*ours = path_in(d, "ours.core");
	int			 err;

	image_make(&img, pages, zero_pct, 20, head, tail, (uint32_t)pages);
	write_plain(plain, &img);
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_NONE, NULL, &why,
	    &err), 0);
	assert_int_equal(why, DUMP_OK);
	assert_true(file_is(ours, img.p, img.len));
	if (zero_pct > 0 && pages >= 16)
		assert_true(file_disk(ours) < file_disk(plain));
	else
		assert_true(file_disk(ours) <= file_disk(plain));
	image_free(&img);
	free(plain);
	free(ours);
	scratch_remove(d);
}

static void
test_sparse_equals_plain(void **state)
{
	(void)state;
	check_sparse(2048, 1234, 777, 50);	/* ~8 MiB, odd ends */
}

/* A trailing zero run only exists once ftruncate sizes the file. */
static void
test_sparse_trailing_zeros(void **state)
{
	struct image		 img;
	enum dump_reason	 why;
	char			*d = scratch_make();
	char			*ours = path_in(d, "ours.core");
	int			 err;

	(void)state;
	image_make(&img, 600, 50, 20, 4096, 0, 5);
	memset(img.p + img.len - 300 * TEST_PAGE, 0, 300 * TEST_PAGE);
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_NONE, NULL, &why,
	    &err), 0);
	assert_true(file_is(ours, img.p, img.len));
	assert_true(file_disk(ours) < (long long)(img.len - 300 * TEST_PAGE));
	image_free(&img);
	free(ours);
	scratch_remove(d);
}

static void
test_sparse_tiny_and_empty(void **state)
{
	(void)state;
	check_sparse(0, 100, 0, 50);		/* shorter than one block */
	check_sparse(0, 0, 0, 50);		/* empty image */
	check_sparse(3, 0, 4095, 0);		/* no zero page at all */
}

/* Past several 64 MiB windows: writeback and cache drop must not harm. */
static void
test_sparse_large(void **state)
{
	(void)state;
	check_sparse(160 * 256, 2000, 1000, 90);	/* 160 MiB */
}

static void
test_zstd_restores_plain(void **state)
{
	struct image		 img;
	enum dump_reason	 why;
	char			*d = scratch_make();
	char			*plain = path_in(d, "plain.core");
	char			*ours = path_in(d, "ours.core.zst");
	char			*back = path_in(d, "back.core");
	char			*cmd;
	unsigned char		*out;
	size_t			 outlen;
	int			 err, st;

	(void)state;
	/* 50% zero, 20% random, 30% text: the benchmark's mix. */
	image_make(&img, 4096, 50, 20, 3001, 555, 99);
	write_plain(plain, &img);
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_ZSTD, NULL, &why,
	    &err), 0);
	assert_true(file_disk(ours) < file_disk(plain) * 3 / 10);

	out = zstd_slurp(ours, &outlen);
	assert_int_equal(outlen, img.len);
	assert_memory_equal(out, img.p, img.len);
	free(out);

	/* And with the tool an operator would use. */
	if (system("command -v zstd >/dev/null 2>&1") != 0)
		fail_msg("the zstd command-line tool is needed (package zstd)");
	assert_true(asprintf(&cmd, "zstd -q -d -o '%s' '%s'", back, ours) > 0);
	st = system(cmd);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(file_is(back, img.p, img.len));
	free(cmd);

	image_free(&img);
	free(plain);
	free(ours);
	free(back);
	scratch_remove(d);
}

/* zstd in the caller's thread (compress_threads = 0), in our writer (1)
 * or in several: the same image comes back.  0 and 1 cut the same frames
 * (one per 1 MiB of image), so their files are the same bytes. */
static void
test_zstd_threads(void **state)
{
	static const unsigned	 threads[] = { 0, 1, 4 };
	struct image		 img;
	enum dump_reason	 why;
	char			*d = scratch_make();
	char			*ours, *t1 = NULL, name[32];
	unsigned char		*out, *t0 = NULL;
	size_t			 i, outlen, t0len = 0;
	int			 err;

	(void)state;
	image_make(&img, 4096, 50, 20, 3001, 555, 99);
	for (i = 0; i < sizeof threads / sizeof threads[0]; i++) {
		snprintf(name, sizeof name, "t%u.core.zst", threads[i]);
		ours = path_in(d, name);
		sink_threads = threads[i];
		assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_ZSTD, NULL,
		    &why, &err), 0);
		sink_threads = 1;
		out = zstd_slurp(ours, &outlen);
		assert_int_equal(outlen, img.len);
		assert_memory_equal(out, img.p, img.len);
		free(out);
		if (threads[i] == 0)
			t0 = file_slurp(ours, &t0len);
		if (threads[i] == 1)
			t1 = ours;
		else
			free(ours);
	}
	assert_non_null(t0);
	assert_true(file_is(t1, t0, t0len));
	free(t0);
	free(t1);
	image_free(&img);
	scratch_remove(d);
}

/* max_use counts our other dumps plus this one. */
static void
test_limit_max_use(void **state)
{
	struct dump_sink_limits	 lim = { 0 };
	struct image		 img;
	enum dump_reason	 why;
	char			*d = scratch_make();
	char			*ours = path_in(d, "ours.core");
	int			 err;

	(void)state;
	image_make(&img, 1024, 0, 100, 0, 0, 3);	/* 4 MiB, all data */
	lim.others = 1024 * 1024;
	lim.max_use = 3 * 1024 * 1024;
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_NONE, &lim, &why,
	    &err), -1);
	assert_int_equal(why, DUMP_FAIL_LIMIT);
	assert_int_equal(err, EDQUOT);
	assert_true(file_disk(ours) <= 2 * 1024 * 1024);

	/* The same for compressed output. */
	unlink(ours);
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_ZSTD, &lim, &why,
	    &err), -1);
	assert_int_equal(why, DUMP_FAIL_LIMIT);
	image_free(&img);
	free(ours);
	scratch_remove(d);
}

static unsigned long long	fake_avail;
static int			fake_calls;

static int
fake_statvfs(int fd, struct statvfs *sv)
{
	(void)fd;
	memset(sv, 0, sizeof *sv);
	sv->f_frsize = sv->f_bsize = 4096;
	sv->f_bavail = sv->f_bfree = fake_avail / 4096;
	fake_calls++;
	return (0);
}

/* keep_free: checked at the start and stops the dump before it is broken. */
static void
test_limit_keep_free(void **state)
{
	struct dump_sink_limits	 lim = { 0 };
	struct image		 img;
	enum dump_reason	 why;
	char			*d = scratch_make();
	char			*ours = path_in(d, "ours.core");
	int			 err;

	(void)state;
	image_make(&img, 1024, 0, 100, 0, 0, 4);
	lim.keep_free = 10 * 1024 * 1024;
	lim.statvfs = fake_statvfs;
	fake_avail = lim.keep_free + 1024 * 1024;	/* room for 1 MiB */
	fake_calls = 0;
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_NONE, &lim, &why,
	    &err), -1);
	assert_true(fake_calls >= 1);
	assert_int_equal(why, DUMP_FAIL_LIMIT);
	assert_true(file_disk(ours) <= 1024 * 1024);

	/* With room enough it goes through. */
	unlink(ours);
	fake_avail = lim.keep_free + 64 * 1024 * 1024;
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_NONE, &lim, &why,
	    &err), 0);
	assert_true(file_is(ours, img.p, img.len));
	image_free(&img);
	free(ours);
	scratch_remove(d);
}

/* A full file system is "enospc", not a generic I/O error. */
static void
test_enospc(void **state)
{
	struct image		 img;
	enum dump_reason	 why;
	char			*d = scratch_make();
	char			*ours = path_in(d, "ours.core");
	int			 err;

	(void)state;
	tmpfs_mount(d, "2m");
	image_make(&img, 2048, 10, 60, 100, 100, 8);
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_NONE, NULL, &why,
	    &err), -1);
	assert_int_equal(why, DUMP_FAIL_ENOSPC);
	assert_int_equal(err, ENOSPC);
	unlink(ours);
	assert_int_equal(sink_to(ours, &img, DUMP_COMPRESS_ZSTD, NULL, &why,
	    &err), -1);
	assert_int_equal(why, DUMP_FAIL_ENOSPC);
	image_free(&img);
	free(ours);
	scratch_remove(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparse_equals_plain),
		cmocka_unit_test(test_sparse_trailing_zeros),
		cmocka_unit_test(test_sparse_tiny_and_empty),
		cmocka_unit_test(test_sparse_large),
		cmocka_unit_test(test_zstd_restores_plain),
		cmocka_unit_test(test_zstd_threads),
		cmocka_unit_test(test_limit_max_use),
		cmocka_unit_test(test_limit_keep_free),
		cmocka_unit_test(test_enospc),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
