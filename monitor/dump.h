/*
 * dump.h: writing one guest core file, run in a child process.
 *
 * The daemon forks; the child opens its own xc handle, makes room under
 * the limits, streams the ELF image through
 * xc_domain_dumpcore_via_callback into "<dir>/.<final>.partial" (sparse,
 * optionally zstd), fsyncs, renames it to its final name and reports to
 * the parent over a pipe, one line per fact:
 *
 *	evicted <path> <bytes>		a file removed to make room
 *	done <path> <guest_bytes> <disk_bytes> <usec>
 *	failed <reason> <errno> <message>	reason: enospc, limit,
 *					hypervisor, io, exists
 *
 * Paths never contain spaces or newlines (names are sanitised).  The
 * parent keeps the deadline and kills the child; the child never touches
 * the parent's handles or event base.
 */
#ifndef CW_DUMP_H
#define CW_DUMP_H

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

/* Child side: do the whole dump, report on fd, return the exit status. */
int		 dump_child_main(const struct dump_req *, int fd);

/* Start-up: create DIR (0700) if missing, remove "*.partial" left by a
 * killed daemon, reporting each through CB.  0 or -errno. */
int		 dump_dir_prepare(const char *dir,
		     void (*cb)(const char *path, void *arg), void *arg);

/* "<safe-name>-<uuid>-<yyyymmddThhmmssZ>.core[.zst]" into out. */
int		 dump_file_name(const char *name, const char *uuid, time_t when,
		     enum dump_compress, char *out, size_t outlen);

#endif
