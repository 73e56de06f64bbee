/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-sink.c: where the core image goes, sparse or zstd-compressed.
 *
 * xc_domain_dumpcore_via_callback hands us the ELF image in chunks of any
 * size and alignment.  Plain dumps leave the image's all-zero 4 KiB
 * blocks as holes: the caller's thread looks at each block as it arrives
 * and copies only the others into a batch, with where they go (a list
 * of extents); the writer pwrites each extent at its offset.  The size is
 * set with ftruncate at the end, so reading the file gives the plain
 * image byte for byte.  Looking in the caller's thread costs little (a
 * non-zero block shows itself in its first bytes, a zero one is read
 * once) and saves copying the zero blocks, half of the benchmark's image:
 * the copy was the dearest thing the caller did besides reading.
 *
 * Compressed dumps are a sequence of zstd frames, one per 1 MiB of image
 * (a zstd file may hold any number; zstd -d and ZSTD_decompressStream
 * read them in turn), each made by ZSTD_compress2 straight from the batch.
 * libzstd's streaming API would first copy every input byte into its own
 * buffer: on a 2 GiB image that copy was a sixth of the compressing
 * thread's time, and that thread is what a zstd dump waits for.  The
 * frames lose little: zstd's window at the default level is 2 MiB
 * anyway, and each frame has its own checksum.  With more than one
 * compressing thread, libzstd's workers need the streaming API, which
 * makes one frame.
 *
 * The caller's thread reads guest memory (libxenguest maps every page by
 * itself, one hypercall each): on real Xen that is nearly all of a dump.
 * So it only copies each chunk into a ring of batches (plain: its
 * non-zero blocks) and goes back to reading, while a writer thread of
 * ours does the rest: writes (plain), or compresses and writes (zstd, with
 * dump.compress_threads = 1; with more, it feeds libzstd's own workers).
 * Skipping zero blocks makes many small extents, whose cost in the kernel
 * would otherwise add to the time spent reading.  compress_threads = 0
 * compresses in the caller's thread, with no writer.  The writer's
 * failure reaches the caller at its next hand-over, and the callback
 * then fails.
 *
 * Each part's wall time is kept for the report's "profile" line, which
 * shows whether anything but reading costs.
 *
 * Written pages are pushed to disk as we go and then dropped from the page
 * cache, as libxenguest does, so that a dump of a big guest does not push
 * everything else out of dom0's memory; the rest is dropped after the
 * last fsync, as libxenguest's xc_domain_dumpcore does.  With a writer,
 * a third thread (the flusher) does that pushing and dropping beside it:
 * starting writeback costs the kernel's block allocation, and waiting for
 * it costs the disk's time, and in the writer both came on top of its
 * pwrites (0.5-1 s of a 2 GiB plain dump's 1.2-1.7 s).  The limits (max_use, keep_free) are checked before each
 * write, free space with fstatvfs at the start and every 64 MiB.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>
#include <zstd_errors.h>

#include "dump-child.h"

#define SINK_BLOCK	4096
#define SINK_BATCH	(1024 * 1024)		/* bytes per write */
/*
 * Batches in flight: libxenguest hands over 16 MiB at a time (4096 pages)
 * and then reads for seconds, so the ring takes a whole hand-over and
 * more; with 8 the reader waited 2 s of a 16 s zstd dump on real Xen
 * while the writer compressed the rest of a hand-over.
 */
#define SINK_RING	24
#define SINK_WINDOW	(64ULL * 1024 * 1024)	/* free space checks */
#define SINK_WB_STEP	(8ULL * 1024 * 1024)	/* writeback started */
#define SINK_WB_LAG	(32ULL * 1024 * 1024)	/* in flight, then dropped */
/* Extents in a plain batch: each block adds at most one. */
#define SINK_EXTENTS	(SINK_BATCH / SINK_BLOCK + 1)

/* Where a plain batch's bytes go: LEN bytes at image offset OFF. */
struct sink_extent {
	uint64_t	 off;
	size_t		 len;
};

struct dump_sink {
	int			 fd;
	enum dump_compress	 compress;
	struct dump_sink_limits	 lim;
	ZSTD_CCtx		*zc;
	int			 frames;	/* one frame per batch */
	unsigned char		*stage;		/* frames without a writer */

	/*
	 * With a writer, the ring ring[head .. head+queued) is the writer's;
	 * the caller fills buf = ring[(head + queued) % SINK_RING], which it
	 * may only while queued < SINK_RING.  mu guards head, queued,
	 * closing, reason, err.  zbuf is zstd's output, the compressing
	 * thread's (the writer's, or the caller's when there is none or
	 * once it has been joined).
	 */
	unsigned char		*buf;
	size_t			 fill;
	unsigned char		*zbuf;
	size_t			 zcap;
	size_t			 zfill;
	unsigned char		*ring[SINK_RING];
	size_t			 len[SINK_RING];
	/* Plain: each batch's extents, and the image offset it reaches. */
	struct sink_extent	*ext[SINK_RING];
	unsigned		 next[SINK_RING];
	uint64_t		 upto[SINK_RING];
	struct sink_extent	*bext;		/* the filled batch's extents */
	unsigned		 nfill;		/* and how many */
	uint64_t		 bupto;		/* image offset it covers */
	unsigned char		 part[SINK_BLOCK]; /* an unfinished block */
	size_t			 partlen;
	unsigned		 head, queued;
	int			 closing;
	int			 failed;	/* caller's copy of reason != OK */
	pthread_t		 writer;
	int			 has_writer;
	pthread_t		 flusher;
	int			 has_flusher;
	int			 flush_stop;
	uint64_t		 written;	/* the writer's off, under mu */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;

	uint64_t		 image;	/* image bytes received (caller) */
	/* The writer's (or, for zstd, the caller's) alone: */
	uint64_t		 off;	/* file offset of the next batch */
	uint64_t		 disk;	/* bytes written (holes not counted) */

	uint64_t		 check_at;	/* fstatvfs again at this disk */
	uint64_t		 free_end;	/* disk may grow to this */
	/* The flusher's (the writer's or caller's without one): */
	uint64_t		 started;	/* writeback started below this */
	uint64_t		 dropped;	/* cache dropped below this */

	enum dump_reason	 reason;
	int			 err;

	/* Nanoseconds (struct dump_profile).  The caller's: cb, feed, wait,
	 * flush; the writer's (the caller's without one): scan, compress,
	 * write, sync. */
	uint64_t		 cb_ns, feed_ns, wait_ns, flush_ns;
	uint64_t		 scan_ns, compress_ns, write_ns, sync_ns;
};

static const unsigned char sink_zero[SINK_BLOCK];

static uint64_t
sink_ns(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000 + (uint64_t)t.tv_nsec;
}

const char *
dump_reason_name(enum dump_reason r)
{
	switch (r) {
	case DUMP_OK:
		return "ok";
	case DUMP_FAIL_IO:
		return "io";
	case DUMP_FAIL_ENOSPC:
		return "enospc";
	case DUMP_FAIL_LIMIT:
		return "limit";
	case DUMP_FAIL_HYPERVISOR:
		return "hypervisor";
	case DUMP_FAIL_EXISTS:
		return "exists";
	case DUMP_FAIL_GONE:
		return "gone";
	}
	return "io";
}

/* Remember the first failure only: later ones are its consequences. */
static int
sink_fail(struct dump_sink *s, enum dump_reason r, int err)
{
	pthread_mutex_lock(&s->mu);
	if (s->reason == DUMP_OK) {
		s->reason = r;
		s->err = err;
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return -1;
}

/* A write error's reason: a full file system (or quota) is not "io". */
static int
sink_fail_errno(struct dump_sink *s, int err)
{
	if (err == ENOSPC || err == EDQUOT)
		return sink_fail(s, DUMP_FAIL_ENOSPC, err);
	return sink_fail(s, DUMP_FAIL_IO, err);
}

/* Free bytes as seen now; limits the disk growth to stay above keep_free. */
static int
sink_check_free(struct dump_sink *s)
{
	struct statvfs	sv;
	uint64_t	avail;
	int		r;

	s->check_at = s->disk + SINK_WINDOW;
	if (s->lim.keep_free == 0)
		return 0;
	if (s->lim.statvfs != NULL)
		r = s->lim.statvfs(s->fd, &sv);
	else
		r = fstatvfs(s->fd, &sv);
	if (r != 0)
		return sink_fail(s, DUMP_FAIL_IO, r < -1 ? -r : errno);
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail < s->lim.keep_free)
		s->free_end = s->disk;
	else
		s->free_end = s->disk + (avail - s->lim.keep_free);
	return 0;
}

/* May N more bytes go to disk without breaking max_use or keep_free? */
static int
sink_account(struct dump_sink *s, size_t n)
{
	if (s->lim.max_use != 0 &&
	    s->lim.others + s->disk + n > s->lim.max_use)
		return sink_fail(s, DUMP_FAIL_LIMIT, EDQUOT);
	if (s->lim.keep_free != 0) {
		if (s->disk + n > s->check_at && sink_check_free(s) != 0)
			return -1;
		if (s->disk + n > s->free_end)
			return sink_fail(s, DUMP_FAIL_LIMIT, EDQUOT);
	}
	return 0;
}

/*
 * Every 8 MiB of file, start writeback of what was just written; what lies
 * more than 32 MiB behind is waited for and dropped from the page cache.
 * Small steps keep the disk busy while the next pages are read (one big
 * SYNC_FILE_RANGE_WRITE blocks until the whole range is queued), and the
 * lag leaves the writes in flight time to finish before we wait.  These
 * calls are advice; an I/O error they would show comes back from fsync.
 */
static void
sink_window(struct dump_sink *s, uint64_t end)
{
	uint64_t	t0;

	if (end - s->started < SINK_WB_STEP)
		return;
	t0 = sink_ns();
	sync_file_range(s->fd, (off_t)s->started, (off_t)(end - s->started),
	    SYNC_FILE_RANGE_WRITE);
	s->started = end;
	if (s->started - s->dropped < SINK_WB_LAG + SINK_WB_STEP) {
		s->sync_ns += sink_ns() - t0;
		return;
	}
	end = s->started - SINK_WB_LAG;
	sync_file_range(s->fd, (off_t)s->dropped, (off_t)(end - s->dropped),
	    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
	    SYNC_FILE_RANGE_WAIT_AFTER);
	posix_fadvise(s->fd, (off_t)s->dropped, (off_t)(end - s->dropped),
	    POSIX_FADV_DONTNEED);
	s->dropped = end;
	s->sync_ns += sink_ns() - t0;
}

/* All of P at offset OFF, within the limits. */
static int
sink_pwrite(struct dump_sink *s, const unsigned char *p, size_t n,
    uint64_t off)
{
	uint64_t	t0;
	ssize_t		w;

	if (sink_account(s, n) != 0)
		return -1;
	while (n > 0) {
		t0 = sink_ns();
		w = pwrite(s->fd, p, n, (off_t)off);
		s->write_ns += sink_ns() - t0;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return sink_fail_errno(s, errno);
		if (w == 0)
			return sink_fail(s, DUMP_FAIL_IO, EIO);
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
		s->disk += (uint64_t)w;
	}
	return 0;
}

/* Is this block (at most 4 KiB) all zero?  memcmp is vectorised. */
static int
block_zero(const unsigned char *p, size_t n)
{
	if (p[0] != 0 || p[n - 1] != 0)
		return 0;
	return memcmp(p, sink_zero, n) == 0;
}

/* A plain batch: each extent at its offset; holes between them. */
static int
sink_plain_out(struct dump_sink *s, const unsigned char *p,
    const struct sink_extent *ext, unsigned next, uint64_t upto)
{
	unsigned	i;

	for (i = 0; i < next; i++) {
		if (sink_pwrite(s, p, ext[i].len, ext[i].off) != 0)
			return -1;
		p += ext[i].len;
	}
	s->off = upto;
	if (!s->has_flusher)
		sink_window(s, s->off);
	return 0;
}

/* Compressed output is written in order; no holes. */
static int
sink_zstd_out(struct dump_sink *s)
{
	if (s->zfill == 0)
		return 0;
	if (sink_pwrite(s, s->zbuf, s->zfill, s->off) != 0)
		return -1;
	s->off += s->zfill;
	s->zfill = 0;
	if (!s->has_flusher)
		sink_window(s, s->off);
	return 0;
}

/* P[0..N), at most SINK_BATCH, as one whole frame. */
static int
sink_zstd_frame(struct dump_sink *s, const void *p, size_t n)
{
	uint64_t	t0 = sink_ns();
	size_t		r;

	r = ZSTD_compress2(s->zc, s->zbuf, s->zcap, p, n);
	s->compress_ns += sink_ns() - t0;
	if (ZSTD_isError(r))
		return sink_fail(s, DUMP_FAIL_IO, ZSTD_getErrorCode(r) ==
		    ZSTD_error_memory_allocation ? ENOMEM : EIO);
	s->zfill = r;
	return sink_zstd_out(s);
}

/*
 * Without a writer: whole batches straight from the caller's buffer,
 * pieces gathered in the stage first, so that frames start at multiples
 * of SINK_BATCH as they do with a writer.
 */
static int
sink_frames_write(struct dump_sink *s, const unsigned char *p, size_t n)
{
	size_t	take;

	while (n > 0) {
		if (s->fill == 0 && n >= SINK_BATCH) {
			take = SINK_BATCH;
			if (sink_zstd_frame(s, p, take) != 0)
				return -1;
		} else {
			take = SINK_BATCH - s->fill;
			if (take > n)
				take = n;
			memcpy(s->stage + s->fill, p, take);
			s->fill += take;
			if (s->fill == SINK_BATCH) {
				if (sink_zstd_frame(s, s->stage, s->fill) != 0)
					return -1;
				s->fill = 0;
			}
		}
		p += take;
		n -= take;
	}
	return 0;
}

/* Feed P to the compressor, writing each full output batch. */
static int
sink_zstd_stream(struct dump_sink *s, const void *p, size_t n,
    ZSTD_EndDirective end)
{
	ZSTD_inBuffer	in = { p, n, 0 };
	ZSTD_outBuffer	out;
	uint64_t	t0;
	size_t		left;

	for (;;) {
		out.dst = s->zbuf;
		out.size = SINK_BATCH;
		out.pos = s->zfill;
		t0 = sink_ns();
		left = ZSTD_compressStream2(s->zc, &out, &in, end);
		s->compress_ns += sink_ns() - t0;
		s->zfill = out.pos;
		if (ZSTD_isError(left))
			return sink_fail(s, DUMP_FAIL_IO,
			    ZSTD_getErrorCode(left) ==
			    ZSTD_error_memory_allocation ? ENOMEM : EIO);
		if (s->zfill == SINK_BATCH && sink_zstd_out(s) != 0)
			return -1;
		if (end == ZSTD_e_end ? left == 0 : in.pos == in.size)
			break;
	}
	return 0;
}

/* The writer thread: batches in order until the caller closes the ring;
 * written as they are (plain) or compressed. */
static void *
sink_writer(void *arg)
{
	struct dump_sink	*s = arg;
	struct sink_extent	*ext;
	unsigned char		*p;
	uint64_t		 upto;
	size_t			 n;
	unsigned		 next;
	int			 skip;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->queued == 0 && !s->closing)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->queued == 0)
			break;
		p = s->ring[s->head];
		n = s->len[s->head];
		ext = s->ext[s->head];
		next = s->next[s->head];
		upto = s->upto[s->head];
		/* After a failure, batches are only taken off the ring. */
		skip = s->reason != DUMP_OK || s->closing > 1;
		pthread_mutex_unlock(&s->mu);
		if (!skip && s->frames)
			(void)sink_zstd_frame(s, p, n);
		else if (!skip && s->compress == DUMP_COMPRESS_ZSTD)
			(void)sink_zstd_stream(s, p, n, ZSTD_e_continue);
		else if (!skip)
			(void)sink_plain_out(s, p, ext, next, upto);
		pthread_mutex_lock(&s->mu);
		s->written = s->off;
		s->head = (s->head + 1) % SINK_RING;
		s->queued--;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* The flusher thread: sink_window as the writer's file grows. */
static void *
sink_flusher(void *arg)
{
	struct dump_sink	*s = arg;
	uint64_t		 end;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->flush_stop && s->written - s->started < SINK_WB_STEP)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->flush_stop)
			break;
		end = s->written;
		pthread_mutex_unlock(&s->mu);
		sink_window(s, end);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Queue the batch being filled; wait for a free one.  -1 if failed. */
static int
sink_hand_over(struct dump_sink *s)
{
	uint64_t	t0 = sink_ns();

	pthread_mutex_lock(&s->mu);
	s->len[(s->head + s->queued) % SINK_RING] = s->fill;
	s->next[(s->head + s->queued) % SINK_RING] = s->nfill;
	s->upto[(s->head + s->queued) % SINK_RING] = s->bupto;
	s->queued++;
	pthread_cond_broadcast(&s->cv);
	while (s->queued == SINK_RING && s->reason == DUMP_OK)
		pthread_cond_wait(&s->cv, &s->mu);
	s->wait_ns += sink_ns() - t0;
	s->failed = s->reason != DUMP_OK;
	s->buf = s->ring[(s->head + s->queued) % SINK_RING];
	s->bext = s->ext[(s->head + s->queued) % SINK_RING];
	pthread_mutex_unlock(&s->mu);
	s->fill = 0;
	s->nfill = 0;
	return s->failed ? -1 : 0;
}

/* Copy into the current batch, handing each full one to the writer. */
static int
sink_ring_write(struct dump_sink *s, const unsigned char *p, size_t n)
{
	uint64_t	t0;
	size_t		take;

	while (n > 0) {
		take = SINK_BATCH - s->fill;
		if (take > n)
			take = n;
		t0 = sink_ns();
		memcpy(s->buf + s->fill, p, take);
		s->feed_ns += sink_ns() - t0;
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill == SINK_BATCH && sink_hand_over(s) != 0)
			return -1;
	}
	return 0;
}

/* N bytes at image offset OFF, not all zero, into the plain batch. */
static int
sink_plain_add(struct dump_sink *s, const unsigned char *p, size_t n,
    uint64_t off)
{
	struct sink_extent	*e;
	uint64_t		 t0;

	/* The batch covers the image up to here: what lies between its
	 * last extent and OFF is zero. */
	s->bupto = off;
	if (s->fill + n > SINK_BATCH && sink_hand_over(s) != 0)
		return -1;
	e = s->nfill > 0 ? &s->bext[s->nfill - 1] : NULL;
	if (e != NULL && e->off + e->len == off)
		e->len += n;
	else {
		e = &s->bext[s->nfill++];
		e->off = off;
		e->len = n;
	}
	t0 = sink_ns();
	memcpy(s->buf + s->fill, p, n);
	s->feed_ns += sink_ns() - t0;
	s->fill += n;
	s->bupto = off + n;
	if (s->fill == SINK_BATCH && sink_hand_over(s) != 0)
		return -1;
	return 0;
}

/*
 * Whole blocks P[0..N) at image offset OFF (a multiple of SINK_BLOCK):
 * in windows of one batch, find the zero blocks, then add each run of the
 * others in one piece.
 */
static int
sink_plain_blocks(struct dump_sink *s, const unsigned char *p, size_t n,
    uint64_t off)
{
	unsigned char	 zero[SINK_BATCH / SINK_BLOCK];
	size_t		 w, i, k, run;
	uint64_t	 t0;

	while (n > 0) {
		w = n < SINK_BATCH ? n : SINK_BATCH;
		t0 = sink_ns();
		for (k = 0; k * SINK_BLOCK < w; k++)
			zero[k] = (unsigned char)block_zero(p + k * SINK_BLOCK,
			    SINK_BLOCK);
		s->scan_ns += sink_ns() - t0;
		for (i = 0; i < k; i = run) {
			for (run = i; run < k && zero[run] == zero[i]; run++)
				;
			if (!zero[i] && sink_plain_add(s, p + i * SINK_BLOCK,
			    (run - i) * SINK_BLOCK, off + i * SINK_BLOCK) != 0)
				return -1;
		}
		p += w;
		n -= w;
		off += w;
	}
	return 0;
}

/* Plain: blocks as they complete, a piece of one kept in part. */
static int
sink_plain_write(struct dump_sink *s, const unsigned char *p, size_t n)
{
	uint64_t	off = s->image - n - s->partlen;	/* of part */
	size_t		take, whole;

	if (s->partlen > 0) {
		take = SINK_BLOCK - s->partlen;
		if (take > n)
			take = n;
		memcpy(s->part + s->partlen, p, take);
		s->partlen += take;
		p += take;
		n -= take;
		if (s->partlen < SINK_BLOCK)
			return 0;
		s->partlen = 0;
		if (!block_zero(s->part, SINK_BLOCK) &&
		    sink_plain_add(s, s->part, SINK_BLOCK, off) != 0)
			return -1;
		off += SINK_BLOCK;
	}
	whole = n - n % SINK_BLOCK;
	if (whole > 0 && sink_plain_blocks(s, p, whole, off) != 0)
		return -1;
	memcpy(s->part, p + whole, n - whole);
	s->partlen = n - whole;
	return 0;
}

/* Plain: the image's last bytes, less than a block. */
static int
sink_plain_tail(struct dump_sink *s)
{
	size_t	n = s->partlen;

	s->partlen = 0;
	if (n == 0 || block_zero(s->part, n))
		return 0;
	return sink_plain_add(s, s->part, n, s->image - n);
}

/* Stop the flusher, if there is one. */
static void
sink_flusher_stop(struct dump_sink *s)
{
	if (!s->has_flusher)
		return;
	pthread_mutex_lock(&s->mu);
	s->flush_stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->flusher, NULL);
	s->has_flusher = 0;
}

/* Hand over the last batch and wait for the writer; 0 or -1. */
static int
sink_ring_close(struct dump_sink *s, int abandon)
{
	if (!s->has_writer) {
		sink_flusher_stop(s);
		return 0;
	}
	pthread_mutex_lock(&s->mu);
	if (!abandon && (s->fill > 0 || s->compress != DUMP_COMPRESS_ZSTD) &&
	    s->queued < SINK_RING) {
		s->len[(s->head + s->queued) % SINK_RING] = s->fill;
		s->next[(s->head + s->queued) % SINK_RING] = s->nfill;
		s->upto[(s->head + s->queued) % SINK_RING] = s->image;
		s->queued++;
		s->fill = 0;
		s->nfill = 0;
	}
	s->closing = abandon ? 2 : 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer, NULL);
	s->has_writer = 0;
	sink_flusher_stop(s);
	s->failed = s->reason != DUMP_OK;
	return s->failed ? -1 : 0;
}

int
dump_sink_open(struct dump_sink **out, int fd, enum dump_compress compress,
    int level, unsigned threads, const struct dump_sink_limits *lim)
{
	struct dump_sink	*s;
	size_t			 r;
	unsigned		 i;
	int			 e;

	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return -ENOMEM;
	s->fd = fd;
	s->compress = compress;
	if (lim != NULL)
		s->lim = *lim;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (compress == DUMP_COMPRESS_ZSTD) {
		s->frames = threads <= 1;
		s->zcap = s->frames ? ZSTD_COMPRESSBOUND(SINK_BATCH) :
		    SINK_BATCH;
		if (posix_memalign((void **)&s->zbuf, SINK_BLOCK,
		    s->zcap) != 0) {
			dump_sink_free(s);
			return -ENOMEM;
		}
		if ((s->zc = ZSTD_createCCtx()) == NULL) {
			dump_sink_free(s);
			return -ENOMEM;
		}
		r = ZSTD_CCtx_setParameter(s->zc, ZSTD_c_compressionLevel,
		    level);
		if (!ZSTD_isError(r))
			r = ZSTD_CCtx_setParameter(s->zc, ZSTD_c_checksumFlag,
			    1);
		if (ZSTD_isError(r)) {
			dump_sink_free(s);
			return -EINVAL;
		}
		/* More than our writer: libzstd's workers.  Fails where it
		 * was built without threads: fine, the writer compresses. */
		if (threads > 1)
			(void)ZSTD_CCtx_setParameter(s->zc, ZSTD_c_nbWorkers,
			    (int)threads);
		if (threads == 0 && (s->stage = malloc(SINK_BATCH)) == NULL) {
			dump_sink_free(s);
			return -ENOMEM;
		}
	}
	if (sink_check_free(s) != 0) {
		r = (size_t)s->err;
		dump_sink_free(s);
		return -(int)r;
	}
	if (compress != DUMP_COMPRESS_ZSTD || threads > 0) {
		for (i = 0; i < SINK_RING; i++) {
			if (posix_memalign((void **)&s->ring[i], SINK_BLOCK,
			    SINK_BATCH) != 0 || (compress != DUMP_COMPRESS_ZSTD &&
			    (s->ext[i] = calloc(SINK_EXTENTS,
			    sizeof *s->ext[i])) == NULL)) {
				dump_sink_free(s);
				return -ENOMEM;
			}
		}
		s->buf = s->ring[0];
		s->bext = s->ext[0];
		if ((e = pthread_create(&s->flusher, NULL, sink_flusher,
		    s)) != 0) {
			dump_sink_free(s);
			return -e;
		}
		s->has_flusher = 1;
		if ((e = pthread_create(&s->writer, NULL, sink_writer,
		    s)) != 0) {
			dump_sink_free(s);
			return -e;
		}
		s->has_writer = 1;
	}
	*out = s;
	return 0;
}

int
dump_sink_write(struct dump_sink *s, const void *p, size_t n)
{
	uint64_t	t0 = sink_ns();
	int		r;

	if (s->buf == NULL) {
		/* zstd in this thread. */
		if (s->reason != DUMP_OK)
			return -1;
		s->image += n;
		if (s->frames)
			r = sink_frames_write(s, p, n);
		else
			r = n == 0 ? 0 : sink_zstd_stream(s, p, n,
			    ZSTD_e_continue);
	} else {
		if (s->failed || !s->has_writer)
			return -1;
		s->image += n;
		if (s->compress == DUMP_COMPRESS_ZSTD)
			r = sink_ring_write(s, p, n);
		else
			r = sink_plain_write(s, p, n);
	}
	s->cb_ns += sink_ns() - t0;
	return r;
}

static int
sink_finish(struct dump_sink *s)
{
	/* The writer's last batches; from here on this thread is alone. */
	if (s->buf != NULL && (s->failed || !s->has_writer ||
	    (s->compress != DUMP_COMPRESS_ZSTD && sink_plain_tail(s) != 0) ||
	    sink_ring_close(s, 0) != 0))
		return -1;
	if (s->frames) {
		if (s->reason != DUMP_OK)
			return -1;
		/* The stage's rest; an empty image is one empty frame. */
		if ((s->fill > 0 || s->off == 0) &&
		    sink_zstd_frame(s, s->stage != NULL ? s->stage :
		    sink_zero, s->fill) != 0)
			return -1;
		s->fill = 0;
	} else if (s->compress == DUMP_COMPRESS_ZSTD) {
		if (s->reason != DUMP_OK)
			return -1;
		if (sink_zstd_stream(s, NULL, 0, ZSTD_e_end) != 0 ||
		    sink_zstd_out(s) != 0)
			return -1;
	} else {
		/* A trailing hole exists only once the size says so. */
		if (ftruncate(s->fd, (off_t)s->off) != 0)
			return sink_fail_errno(s, errno);
	}
	if (fsync(s->fd) != 0)
		return sink_fail_errno(s, errno);
	/* What the window left in the cache, clean now (xg_core.c:1012). */
	(void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_DONTNEED);
	return 0;
}

int
dump_sink_finish(struct dump_sink *s)
{
	uint64_t	t0 = sink_ns();
	int		r;

	r = sink_finish(s);
	s->flush_ns = sink_ns() - t0;
	return r;
}

void
dump_sink_profile(const struct dump_sink *s, struct dump_profile *p,
    uint64_t *callback_us)
{
	memset(p, 0, sizeof *p);
	p->feed_us = s->feed_ns / 1000;
	p->wait_us = s->wait_ns / 1000;
	p->scan_us = s->scan_ns / 1000;
	p->compress_us = s->compress_ns / 1000;
	p->write_us = s->write_ns / 1000;
	p->sync_us = s->sync_ns / 1000;
	p->flush_us = s->flush_ns / 1000;
	*callback_us = s->cb_ns / 1000;
}

enum dump_reason
dump_sink_failure(struct dump_sink *s, int *err)
{
	enum dump_reason	r;

	pthread_mutex_lock(&s->mu);
	r = s->reason;
	if (err != NULL)
		*err = s->err;
	pthread_mutex_unlock(&s->mu);
	return r;
}

uint64_t
dump_sink_image_bytes(const struct dump_sink *s)
{
	return s->image;
}

void
dump_sink_free(struct dump_sink *s)
{
	unsigned	i;

	if (s == NULL)
		return;
	sink_ring_close(s, 1);
	ZSTD_freeCCtx(s->zc);
	free(s->zbuf);
	free(s->stage);
	for (i = 0; i < SINK_RING; i++) {
		free(s->ring[i]);
		free(s->ext[i]);
	}
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
