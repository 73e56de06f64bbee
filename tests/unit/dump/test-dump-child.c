/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dump-child.c: a whole dump as the daemon's child runs it, with a
 * synthetic image in place of the hypervisor: the file it leaves, the
 * lines it reports, its exit status, and no partial file after a failure.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dump-test.h"

#define UUID	"5e1f0c3a-9b8d-4c7e-a6f5-0d1c2b3a4f5e"
#define WHEN	((time_t)1764028800)	/* 20251125T000000Z */
#define STEM	"web-1-" UUID "-20251125T000000Z"

/* The hypervisor as a test sees it: an image, and faults on demand. */
struct fake {
	struct image	 img;
	int		 open_err;	/* open() returns this */
	size_t		 fail_at;	/* stream fails after this many bytes */
	int		 fail_err;
	int		 opened, closed;
	const char	*partial;	/* must exist while streaming */
};

static int
fake_open(void *arg)
{
	struct fake	*f = arg;

	if (f->open_err != 0)
		return (f->open_err);
	f->opened++;
	return (0);
}

/* Like libxenguest: stops at the first callback error, returns < 0. */
static int
fake_stream(void *arg, unsigned domid, struct dump_sink *s)
{
	struct fake	*f = arg;
	struct image	 part = f->img;

	assert_int_equal(domid, 7);
	if (f->partial != NULL && !file_exists(f->partial))
		fail_msg("no %s while dumping", f->partial);
	if (f->fail_at != 0) {
		part.len = f->fail_at;
		if (image_feed(s, &part, 3) != 0)
			return (-1);
		return (f->fail_err);
	}
	return (image_feed(s, &part, 3) != 0 ? -1 : 0);
}

static void
fake_close(void *arg)
{
	((struct fake *)arg)->closed++;
}

struct fixture {
	char			*root;		/* scratch */
	char			 dir[512];	/* dump directory in it */
	struct conf_dump	 conf;
	struct dump_req		 req;
	struct fake		 fake;
	int			 report;	/* memfd */
	char			 lines[8192];
};

static int
fx_setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->root = scratch_make();
	snprintf(fx->dir, sizeof fx->dir, "%s/var/dump", fx->root);
	fx->conf.directory = fx->dir;
	fx->conf.compress_level = 3;
	fx->conf.compress_threads = 1;
	fx->req.domid = 7;
	fx->req.name = "web-1";
	fx->req.uuid = UUID;
	fx->req.when = WHEN;
	fx->req.conf = &fx->conf;
	image_make(&fx->fake.img, 1024, 50, 20, 2222, 333, 17);
	fx->req.guest_bytes = fx->fake.img.len;
	fx->report = memfd_create("report", MFD_CLOEXEC);
	assert_true(fx->report >= 0);
	*state = fx;
	return (0);
}

static int
fx_teardown(void **state)
{
	struct fixture	*fx = *state;

	close(fx->report);
	image_free(&fx->fake.img);
	scratch_remove(fx->root);
	free(fx);
	return (0);
}

/* Run the child's code; the report lines land in fx->lines. */
static int
run(struct fixture *fx)
{
	struct dump_source	src = {
		fake_open, fake_stream, fake_close, &fx->fake
	};
	ssize_t			n;
	int			status;

	assert_int_equal(ftruncate(fx->report, 0), 0);
	assert_int_equal(lseek(fx->report, 0, SEEK_SET), 0);
	status = dump_child_run(&fx->req, fx->report, &src);
	n = pread(fx->report, fx->lines, sizeof fx->lines - 1, 0);
	assert_true(n >= 0);
	fx->lines[n] = '\0';
	assert_int_equal(fx->fake.opened, fx->fake.closed);
	return (status);
}

static char *
in_dir(struct fixture *fx, const char *name)
{
	static char	path[1024];

	snprintf(path, sizeof path, "%s/%s", fx->dir, name);
	return (path);
}

/* "done <image> <disk> <usec> <path>\n" for NAME, read as the daemon does. */
static void
assert_done(struct fixture *fx, const char *name)
{
	struct dump_report	 dr;
	const char		*last;

	last = strstr(fx->lines, "done ");
	if (last == NULL)
		fail_msg("no done line in: %s", fx->lines);
	assert_true(last[strlen(last) - 1] == '\n');
	assert_int_equal(dump_report_parse(fx->lines, &dr), 0);
	assert_true(dr.done);
	assert_int_equal(dr.bad, 0);
	assert_string_equal(dr.path, in_dir(fx, name));
	assert_int_equal(dr.guest_bytes, fx->fake.img.len);
	assert_int_equal(dr.disk_bytes, file_disk(dr.path));
	/* The reader's parts are pieces of the dump's time, not more. */
	assert_true(dr.has_profile);
	assert_true(dr.profile.read_us + dr.profile.feed_us +
	    dr.profile.wait_us <= dr.usec);
	assert_true(dr.profile.flush_us <= dr.usec);
	dump_report_free(&dr);
}

static void
test_done_sparse(void **state)
{
	struct fixture	*fx = *state;
	struct stat	 st;
	char		*p;

	assert_int_equal(run(fx), 0);
	assert_done(fx, STEM ".core");
	p = in_dir(fx, STEM ".core");
	assert_true(file_is(p, fx->fake.img.p, fx->fake.img.len));
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(st.st_blocks * 512 < (long long)fx->fake.img.len);
	assert_int_equal(lstat(fx->dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(partials_in(fx->dir), 0);
}

static void
test_done_zstd(void **state)
{
	struct fixture	*fx = *state;
	unsigned char	*out;
	size_t		 len;

	fx->conf.compress = DUMP_COMPRESS_ZSTD;
	assert_int_equal(run(fx), 0);
	assert_done(fx, STEM ".core.zst");
	out = zstd_slurp(in_dir(fx, STEM ".core.zst"), &len);
	assert_int_equal(len, fx->fake.img.len);
	assert_memory_equal(out, fx->fake.img.p, len);
	free(out);
	assert_int_equal(partials_in(fx->dir), 0);
}

/* Somebody's file under our name stays; we take the next free name. */
static void
test_never_replaces(void **state)
{
	struct fixture	*fx = *state;
	char		 partial[1024];
	int		 fd;

	assert_int_equal(dump_dir_make(fx->dir), 0);
	fd = open(in_dir(fx, STEM ".core"), O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "first\n", 6), 6);
	close(fd);
	assert_int_equal(symlink("/etc/passwd", in_dir(fx, STEM "-1.core")),
	    0);
	/* The partial has the first-choice name: the parent knows it. */
	snprintf(partial, sizeof partial, "%s", in_dir(fx, "." STEM
	    ".core.partial"));
	fx->fake.partial = partial;
	assert_int_equal(run(fx), 0);
	assert_done(fx, STEM "-2.core");
	assert_true(file_is(in_dir(fx, STEM ".core"), "first\n", 6));
	assert_true(file_is(in_dir(fx, STEM "-2.core"), fx->fake.img.p,
	    fx->fake.img.len));

	/* And again: -3. */
	assert_int_equal(run(fx), 0);
	assert_done(fx, STEM "-3.core");

	/* A stale partial under that name is left for dump_dir_prepare. */
	fd = open(partial, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	fx->fake.partial = in_dir(fx, "." STEM "-1.core.partial");
	assert_int_equal(run(fx), 0);
	assert_done(fx, STEM "-4.core");
	assert_true(file_exists(partial));
	assert_int_equal(partials_in(fx->dir), 1);
}

static void
test_hypervisor_error(void **state)
{
	struct fixture	*fx = *state;

	fx->fake.fail_at = fx->fake.img.len / 2;
	fx->fake.fail_err = -EIO;
	assert_int_equal(run(fx), DUMP_EXIT(DUMP_FAIL_HYPERVISOR));
	assert_int_equal(run(fx), 13);
	assert_true(strncmp(fx->lines, "failed hypervisor 5 ", 20) == 0);
	assert_int_equal(partials_in(fx->dir), 0);
	assert_false(file_exists(in_dir(fx, STEM ".core")));

	/* No hypervisor interface at all. */
	fx->fake.open_err = -EACCES;
	assert_int_equal(run(fx), 13);
	assert_true(strncmp(fx->lines, "failed hypervisor 13 ", 21) == 0);
	assert_int_equal(partials_in(fx->dir), 0);
}

/* A full disk: "failed enospc", and the partial file is gone. */
static void
test_enospc(void **state)
{
	struct fixture	*fx = *state;

	assert_int_equal(dump_dir_make(fx->dir), 0);
	tmpfs_mount(fx->dir, "1m");
	assert_int_equal(run(fx), DUMP_EXIT(DUMP_FAIL_ENOSPC));
	assert_int_equal(DUMP_EXIT(DUMP_FAIL_ENOSPC), 11);
	if (strncmp(fx->lines, "failed enospc 28 ", 17) != 0)
		fail_msg("report: %s", fx->lines);
	assert_int_equal(partials_in(fx->dir), 0);
	assert_false(file_exists(in_dir(fx, STEM ".core")));

	fx->conf.compress = DUMP_COMPRESS_ZSTD;
	image_free(&fx->fake.img);
	image_make(&fx->fake.img, 1024, 0, 100, 0, 0, 5);
	assert_int_equal(run(fx), 11);
	assert_int_equal(partials_in(fx->dir), 0);
}

/* Limits: evict the oldest and report it; or refuse before writing. */
static void
test_limits(void **state)
{
	struct fixture	*fx = *state;
	char		 old1[256], old2[256], want[1200];
	int		 fd;

	assert_int_equal(dump_dir_make(fx->dir), 0);
	assert_int_equal(dump_file_name("web-1", UUID, WHEN - 7200,
	    DUMP_COMPRESS_NONE, old1, sizeof old1), 0);
	assert_int_equal(dump_file_name("web-1", UUID, WHEN - 3600,
	    DUMP_COMPRESS_ZSTD, old2, sizeof old2), 0);
	fd = open(in_dir(fx, old1), O_CREAT | O_WRONLY, 0600);
	assert_int_equal(write(fd, "old\n", 4), 4);
	fsync(fd);
	close(fd);
	fd = open(in_dir(fx, old2), O_CREAT | O_WRONLY, 0600);
	close(fd);

	/* Cannot fit at all: nothing removed, nothing written. */
	fx->conf.max_use = fx->fake.img.len / 2;
	assert_int_equal(run(fx), DUMP_EXIT(DUMP_FAIL_LIMIT));
	assert_int_equal(run(fx), 12);
	assert_true(strncmp(fx->lines, "failed limit 122 ", 17) == 0);
	assert_true(file_exists(in_dir(fx, old1)));
	assert_int_equal(partials_in(fx->dir), 0);

	/* Fits once the older file of that domain is gone. */
	fx->conf.max_use = 0;
	fx->conf.max_per_domain = 2;
	assert_int_equal(run(fx), 0);
	snprintf(want, sizeof want, "evicted 4096 %s\n", in_dir(fx, old1));
	if (strncmp(fx->lines, want, strlen(want)) != 0)
		fail_msg("want \"%s\" first, got: %s", want, fx->lines);
	assert_done(fx, STEM ".core");
	assert_false(file_exists(in_dir(fx, old1)));
	assert_true(file_exists(in_dir(fx, old2)));
}

/* The estimate was low: the limit stops the dump while writing. */
static void
test_limit_while_writing(void **state)
{
	struct fixture	*fx = *state;

	image_free(&fx->fake.img);
	image_make(&fx->fake.img, 2048, 0, 100, 0, 0, 9);	/* 8 MiB */
	fx->req.guest_bytes = 1024 * 1024;
	fx->conf.max_use = 4 * 1024 * 1024;
	assert_int_equal(run(fx), 12);
	assert_true(strncmp(fx->lines, "failed limit 122 ", 17) == 0);
	assert_int_equal(partials_in(fx->dir), 0);
	assert_false(file_exists(in_dir(fx, STEM ".core")));
}

/* A hostile name cannot put the file anywhere but the dump directory. */
static void
test_hostile_name(void **state)
{
	struct fixture	*fx = *state;
	char		 name[256], root_var[600];

	fx->req.name = "../../../x\n/../.y z";
	assert_int_equal(run(fx), 0);
	assert_int_equal(dump_file_name(fx->req.name, UUID, WHEN,
	    DUMP_COMPRESS_NONE, name, sizeof name), 0);
	assert_string_equal(name, "_._.._.._x__.._.y_z~40ae38b3ff3cc37f-" UUID
	    "-20251125T000000Z.core");
	assert_done(fx, name);
	/* Nothing after "<dir>/" in the reported path has a '/'. */
	assert_non_null(strstr(fx->lines, fx->dir));
	assert_null(strchr(strstr(fx->lines, fx->dir) + strlen(fx->dir) + 1,
	    '/'));
	snprintf(root_var, sizeof root_var, "%s/x", fx->root);
	assert_false(file_exists(root_var));

	/* A bad uuid fails cleanly. */
	fx->req.uuid = "../../../../../../../../tmp/evil";
	assert_int_equal(run(fx), DUMP_EXIT(DUMP_FAIL_IO));
	assert_true(strncmp(fx->lines, "failed io 22 ", 13) == 0);
}

/* The dump directory being a symlink is refused, not followed. */
static void
test_dir_symlink(void **state)
{
	struct fixture	*fx = *state;
	char		 real[600];

	snprintf(real, sizeof real, "%s/elsewhere", fx->root);
	assert_int_equal(mkdir(real, 0700), 0);
	snprintf(real, sizeof real, "%s/var", fx->root);
	assert_int_equal(mkdir(real, 0755), 0);
	snprintf(real, sizeof real, "%s/elsewhere", fx->root);
	assert_int_equal(symlink(real, fx->dir), 0);
	assert_int_equal(run(fx), DUMP_EXIT(DUMP_FAIL_IO));
	assert_true(strncmp(fx->lines, "failed io 40 ", 13) == 0);
	assert_int_equal(fx->fake.opened, 0);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_done_sparse),
		T(test_done_zstd),
		T(test_never_replaces),
		T(test_hypervisor_error),
		T(test_limits),
		T(test_limit_while_writing),
		T(test_hostile_name),
		T(test_dir_symlink),
		T(test_enospc),
	};
#undef T

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
