/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-test.c: helpers for the dump tests.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <zstd.h>

#include "dump-test.h"

/* xorshift32: the same image for the same seed, everywhere. */
uint32_t
test_rand(uint32_t *s)
{
	uint32_t	x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return (*s = x);
}

static void
fill_random(unsigned char *p, size_t n, uint32_t *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)test_rand(s);
}

/* Log-like text: compresses well, is not zero. */
static void
fill_text(unsigned char *p, size_t n, size_t page, uint32_t *s)
{
	char	line[128];
	size_t	i = 0, l;
	int	k;

	while (i < n) {
		k = snprintf(line, sizeof line,
		    "[%8zu.%06u] page %zu: kernel: eth0: link up %u\n",
		    page, test_rand(s) % 1000000, page, test_rand(s) % 4);
		l = (size_t)k < n - i ? (size_t)k : n - i;
		memcpy(p + i, line, l);
		i += l;
	}
}

void
image_make(struct image *img, size_t pages, unsigned zero_pct,
    unsigned random_pct, size_t head, size_t tail, uint32_t seed)
{
	static const unsigned char elf[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	unsigned char	*p;
	uint32_t	 s = seed ? seed : 1;
	size_t		 i;
	unsigned	 pick;

	img->len = head + pages * TEST_PAGE + tail;
	img->p = p = calloc(1, img->len ? img->len : 1);
	assert_non_null(p);
	fill_random(p, head, &s);
	if (head >= sizeof elf)
		memcpy(p, elf, sizeof elf);
	p += head;
	for (i = 0; i < pages; i++, p += TEST_PAGE) {
		pick = test_rand(&s) % 100;
		if (pick < zero_pct)
			continue;
		if (pick < zero_pct + random_pct)
			fill_random(p, TEST_PAGE, &s);
		else
			fill_text(p, TEST_PAGE, i, &s);
	}
	fill_random(p, tail, &s);
}

void
image_free(struct image *img)
{
	free(img->p);
	img->p = NULL;
}

/*
 * Chunks as libxenguest makes them and worse: tiny odd pieces, page runs,
 * and now and then more than a batch at once.
 */
int
image_feed(struct dump_sink *sink, const struct image *img, uint32_t seed)
{
	uint32_t	s = seed ? seed : 7;
	size_t		off = 0, n;

	while (off < img->len) {
		switch (test_rand(&s) % 4) {
		case 0:
			n = 1 + test_rand(&s) % 97;
			break;
		case 1:
			n = (1 + test_rand(&s) % 64) * TEST_PAGE;
			break;
		case 2:
			n = 1 + test_rand(&s) % (300 * 1024);
			break;
		default:
			n = (1 + test_rand(&s) % 3) * 1024 * 1024 +
			    test_rand(&s) % 5000;
			break;
		}
		if (n > img->len - off)
			n = img->len - off;
		if (dump_sink_write(sink, img->p + off, n) != 0)
			return (-1);
		off += n;
	}
	return (0);
}

char *
scratch_make(void)
{
	const char	*t = getenv("TMPDIR");
	char		*d;

	if (t == NULL || *t == '\0')
		t = "/tmp";
	assert_true(asprintf(&d, "%s/cw-dump-test.XXXXXX", t) > 0);
	assert_non_null(mkdtemp(d));
	return (d);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP) {
		/* A tmpfs a test mounted anywhere below goes first. */
		umount2(path, MNT_DETACH);
		return (rmdir(path));
	}
	return (unlink(path));
}

void
scratch_remove(char *d)
{
	if (d == NULL)
		return;
	if (nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "could not remove all of %s: %s\n", d,
		    strerror(errno));
	free(d);
}

void
tmpfs_mount(const char *dir, const char *size)
{
	static int	 unshared;
	char		 opts[64];

	if (!unshared) {
		if (unshare(CLONE_NEWNS) != 0)
			fail_msg("this test needs root (CAP_SYS_ADMIN) to "
			    "mount a small tmpfs: unshare: %s", strerror(errno));
		/* Our mounts must not propagate to the host. */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
			fail_msg("mount --make-rprivate /: %s",
			    strerror(errno));
		unshared = 1;
	}
	snprintf(opts, sizeof opts, "size=%s,mode=0755", size);
	if (mount("tmpfs", dir, "tmpfs", 0, opts) != 0)
		fail_msg("this test needs root to mount a tmpfs on %s: %s",
		    dir, strerror(errno));
}

unsigned char *
file_slurp(const char *path, size_t *len)
{
	unsigned char	*p;
	struct stat	 st;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (NULL);
	if (fstat(fd, &st) != 0 || (p = malloc((size_t)st.st_size + 1)) ==
	    NULL) {
		close(fd);
		return (NULL);
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, p + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return (p);
}

int
file_is(const char *path, const void *want, size_t len)
{
	unsigned char	*p;
	size_t		 n;
	int		 same;

	if ((p = file_slurp(path, &n)) == NULL)
		return (0);
	same = n == len && memcmp(p, want, len) == 0;
	free(p);
	return (same);
}

long long
file_disk(const char *path)
{
	struct stat	st;

	if (lstat(path, &st) != 0)
		return (-1);
	return ((long long)st.st_blocks * 512);
}

int
file_exists(const char *path)
{
	struct stat	st;

	return (lstat(path, &st) == 0);
}

int
partials_in(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 l;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l >= 8 && strcmp(de->d_name + l - 8, ".partial") == 0)
			n++;
	}
	closedir(d);
	return (n);
}

/* Decompress PATH with libzstd. */
unsigned char *
zstd_slurp(const char *path, size_t *outlen)
{
	ZSTD_DCtx	*dc = ZSTD_createDCtx();
	unsigned char	*z, *out = NULL;
	size_t		 zlen, cap = 0, r;
	ZSTD_inBuffer	 in;
	ZSTD_outBuffer	 o;

	assert_non_null(dc);
	z = file_slurp(path, &zlen);
	assert_non_null(z);
	in.src = z;
	in.size = zlen;
	in.pos = 0;
	*outlen = 0;
	do {
		if (cap - *outlen < ZSTD_DStreamOutSize()) {
			cap = cap * 2 + ZSTD_DStreamOutSize();
			out = realloc(out, cap);
			assert_non_null(out);
		}
		o.dst = out;
		o.size = cap;
		o.pos = *outlen;
		r = ZSTD_decompressStream(dc, &o, &in);
		assert_false(ZSTD_isError(r));
		*outlen = o.pos;
	} while (r != 0 || in.pos < in.size);
	ZSTD_freeDCtx(dc);
	free(z);
	return (out);
}
