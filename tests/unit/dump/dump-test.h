/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-test.h: synthetic core images, scratch directories and tmpfs
 * mounts shared by the dump tests.
 */
#ifndef CW_DUMP_TEST_H
#define CW_DUMP_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "dump-child.h"

#define TEST_PAGE	4096

/* An ELF-like image: odd header, pages (zero/text/random), odd tail. */
struct image {
	unsigned char	*p;
	size_t		 len;
};
void		 image_make(struct image *, size_t pages, unsigned zero_pct,
		     unsigned random_pct, size_t head, size_t tail,
		     uint32_t seed);
void		 image_free(struct image *);

uint32_t	 test_rand(uint32_t *);
/* Feed IMG to the sink in chunks of odd sizes and alignments. */
int		 image_feed(struct dump_sink *, const struct image *,
		     uint32_t seed);

/* A fresh directory under $TMPDIR (or /tmp); removed with its contents. */
char		*scratch_make(void);
void		 scratch_remove(char *);
/*
 * Mount a tmpfs of SIZE ("2m") on DIR, in a mount namespace of our own so
 * nothing outlives the test.  Fails the test, saying that root is needed,
 * where it cannot.
 */
void		 tmpfs_mount(const char *dir, const char *size);

/* Whole file; NULL if it cannot be read. */
unsigned char	*file_slurp(const char *path, size_t *len);
/* Does PATH hold exactly P[0..len)? */
int		 file_is(const char *path, const void *p, size_t len);
/* st_blocks * 512, or -1. */
long long	 file_disk(const char *path);
int		 file_exists(const char *path);
/* Regular files (and others) in DIR whose name ends in ".partial". */
int		 partials_in(const char *dir);
/* PATH decompressed with libzstd (fails the test if it is not zstd). */
unsigned char	*zstd_slurp(const char *path, size_t *len);

#endif
