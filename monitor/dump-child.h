/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-child.h: writing one guest core file, run in a child process.
 *
 * The daemon forks; the child opens its own xc handle, makes room under
 * the limits, streams the ELF image through
 * xc_domain_dumpcore_via_callback into "<dir>/.<final>.partial" (sparse,
 * optionally zstd), fsyncs, renames it to its final name and reports to
 * the parent over a pipe, one line per fact (dump-report.c):
 *
 *	evicted <bytes> <path>			a file removed to make room
 *	done <guest_bytes> <disk_bytes> <usec> <path>
 *	failed <reason> <errno> <message>	reason: io, enospc, limit,
 *						hypervisor, exists, gone
 *
 * A path runs to the end of its line, so it may hold spaces; control
 * bytes are written as '?'.  The parent keeps the deadline and kills the
 * child; the child never touches the parent's handles or event base.
 *
 * In "done", <guest_bytes> is the size of the uncompressed image (what a
 * plain xc_domain_dumpcore writes) and <disk_bytes> the final file's
 * st_blocks * 512.  In "failed", <errno> is a positive errno value
 * (EDQUOT for "limit", EEXIST for "exists", ESRCH for "gone") and
 * <message> runs to the end of the line.
 *
 * The child's exit status repeats the outcome, so that a parent that lost
 * the pipe still knows: 0 done, otherwise 9 + enum dump_reason (10 io,
 * 11 enospc, 12 limit, 13 hypervisor, 14 exists, 15 gone).  Statuses
 * below 10 are left to the runtime (1 is what the sanitizers use); a
 * child killed at its deadline leaves its ".<final>.partial" to the
 * parent.
 */
#ifndef CW_DUMP_CHILD_H
#define CW_DUMP_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"

struct dump_req {
	unsigned		 domid;
	const char		*name;		/* raw; sanitised for the file */
	const char		*uuid;
	time_t			 when;		/* crash time, for the file name */
	uint64_t		 guest_bytes;	/* expected image size */
	const struct conf_dump	*conf;
};

/*
 * Where a dump's time went, in microseconds of wall time.  The reader
 * (libxenguest's thread) reads and feeds the writer thread (plain: only
 * the blocks that are not zero, which the reader finds), which
 * compresses, writes and syncs beside it, so the figures overlap.
 * Without a writer (zstd, compress_threads = 0) the reader compresses.
 */
struct dump_profile {
	uint64_t	 read_us;	/* libxenguest: mapping, copying pages */
	uint64_t	 feed_us;	/* the reader copying into batches */
	uint64_t	 wait_us;	/* the reader waiting for the writer */
	uint64_t	 scan_us;	/* the reader looking for zero blocks */
	uint64_t	 compress_us;	/* in zstd, whichever thread */
	uint64_t	 write_us;	/* pwrite */
	uint64_t	 sync_us;	/* writeback and cache drop on the way */
	uint64_t	 flush_us;	/* the last batches, the size, fsync */
};

/* dump-report.c: the report lines, written and read. */
struct dump_report_evicted {
	char		*path;
	uint64_t	 bytes;
};
struct dump_report {
	bool		 done;		/* a "done" line came */
	char		*path;		/* done: the core file */
	uint64_t	 guest_bytes;
	uint64_t	 disk_bytes;
	uint64_t	 usec;
	bool		 has_profile;	/* a "profile" line came */
	struct dump_profile profile;
	char		*reason;	/* failed: "io", "enospc", ...; or NULL */
	int		 err;
	char		*message;	/* failed: the rest of the line, or NULL */
	struct dump_report_evicted *evicted;
	size_t		 nevicted;
	unsigned	 bad;		/* lines that could not be read */
};
void		 dump_report_line(int fd, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
void		 dump_report_profile(int fd, const struct dump_profile *);
int		 dump_report_parse(const char *text, struct dump_report *);
void		 dump_report_free(struct dump_report *);

/* Child side: do the whole dump, report on fd, return the exit status. */
int		 dump_child_main(const struct dump_req *, int fd);

/* Start-up: create DIR (0700) if missing, remove "*.partial" left by a
 * killed daemon, reporting each through CB.  0 or -errno. */
int		 dump_dir_prepare(const char *dir,
		     void (*cb)(const char *path, void *arg), void *arg);

/* "<safe-name>-<uuid>-<yyyymmddThhmmssZ>.core[.zst]" into out. */
int		 dump_file_name(const char *name, const char *uuid, time_t when,
		     enum dump_compress, char *out, size_t outlen);

/*
 * Below: the parts of the child, for the child itself, the benchmark and
 * the unit tests.  The daemon needs only the three functions above.
 */

/* Why a dump ended; the child exits with DUMP_EXIT(reason). */
enum dump_reason {
	DUMP_OK,
	DUMP_FAIL_IO,
	DUMP_FAIL_ENOSPC,	/* ENOSPC or EDQUOT from the file system */
	DUMP_FAIL_LIMIT,	/* dump.max_use or dump.keep_free */
	DUMP_FAIL_HYPERVISOR,	/* xc_interface_open or the dump call */
	DUMP_FAIL_EXISTS,	/* no free final name */
	DUMP_FAIL_GONE,		/* the domid no longer names the domain */
};
#define DUMP_EXIT(r)	((r) == DUMP_OK ? 0 : 9 + (int)(r))
/* "io", "enospc", ...: the word used in "failed" lines. */
const char	*dump_reason_name(enum dump_reason);

struct statvfs;
/* fstatvfs(2), or a test's stand-in. */
typedef int	 dump_statvfs_fn(int fd, struct statvfs *);

/* dump-sink.c: the callback target, sparse or zstd. */
struct dump_sink;
struct dump_sink_limits {
	uint64_t	 max_use;	/* this file + others, 0: none */
	uint64_t	 others;	/* bytes on disk of our other dumps */
	uint64_t	 keep_free;	/* 0: none */
	dump_statvfs_fn	*statvfs;	/* NULL: fstatvfs */
};
/* A sink writing to FD (empty, opened for writing); zstd at LEVEL,
 * compressed by THREADS threads beside the caller's (0: in the caller's
 * thread; 1: our writer; more: libzstd's workers fed by it).  0 or
 * -errno. */
int		 dump_sink_open(struct dump_sink **, int fd, enum dump_compress,
		     int level, unsigned threads,
		     const struct dump_sink_limits *);
/* Any size, any alignment.  0, or -1 once the sink has failed. */
int		 dump_sink_write(struct dump_sink *, const void *, size_t);
/* Flush, set the size, fsync.  0 or -1 (see dump_sink_failure). */
int		 dump_sink_finish(struct dump_sink *);
/* DUMP_OK, or why the sink stopped and the errno. */
enum dump_reason dump_sink_failure(struct dump_sink *, int *err);
/* Bytes of the uncompressed image received so far. */
uint64_t	 dump_sink_image_bytes(const struct dump_sink *);
/* After dump_sink_finish: all but read_us (the caller's to measure), and
 * the time spent inside dump_sink_write in *CALLBACK_US. */
void		 dump_sink_profile(const struct dump_sink *,
		     struct dump_profile *, uint64_t *callback_us);
void		 dump_sink_free(struct dump_sink *);

/* dump-evict.c: our own files, and room for a new one. */
/* Is NAME one of ours: "<safe>-<uuid>-<stamp>[-N].core[.zst]"? */
bool		 dump_name_is_ours(const char *name);
/*
 * Remove our oldest files in DIRFD (DIR for the reports) until a new dump
 * of SAFE name and EXPECTED bytes fits CONF's limits; each removal goes
 * to CB.  *OWN gets the bytes our remaining files use.  0, -EDQUOT when
 * it cannot fit even with all our files gone (nothing is removed then),
 * or -errno.  Oldest means first seen by an earlier call, whatever the
 * clock said: each call keeps the order in DIRFD/.xen-crashwatch-order.
 */
int		 dump_evict(int dirfd, const char *dir, const char *safe,
		     uint64_t expected, const struct conf_dump *,
		     dump_statvfs_fn *,
		     void (*cb)(const char *path, uint64_t bytes, void *),
		     void *arg, uint64_t *own);
/* mkdir -p DIR, the last component 0700; -ENOTDIR/-ELOOP if not a dir. */
int		 dump_dir_make(const char *dir);

/* dump-child.c: where the image comes from (the hypervisor, or a test). */
struct dump_source {
	int	(*open)(void *arg);	/* 0 or -errno */
	/* Stream domain DOMID into the sink; < 0 on failure. */
	int	(*stream)(void *arg, unsigned domid, struct dump_sink *);
	void	(*close)(void *arg);
	void	 *arg;
};
/* dump_child_main with another source.  Returns the exit status. */
int		 dump_child_run(const struct dump_req *, int fd,
		     const struct dump_source *);

#endif
