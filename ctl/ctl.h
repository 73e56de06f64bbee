/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h: xen-crashwatchctl's map.  One section per file.
 *
 * The tool reads what the daemon leaves: its configuration (where the
 * state and the dumps are), the incident reports in
 * <state_dir>/incidents/<ID>.json, the cores they name, and the journal.
 * It never talks to the daemon, so it works while the daemon is stopped.
 */
#ifndef CW_CTL_H
#define CW_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "conf.h"

#define CTL_NAME	"xen-crashwatchctl"

/* Exit statuses; "check" has Nagios's own (ctl-check.c). */
#define CTL_OK		0
#define CTL_NOMATCH	1	/* nothing matched, or a command failed */
#define CTL_USAGE	2	/* bad usage, unreadable configuration */

/* main.c: what every command gets. */
struct ctl {
	const char	*conf_path;
	struct conf	*conf;
	bool		 json;
	bool		 reverse;
	bool		 pager;		/* info: through $PAGER on a tty */
};
void		 ctl_warn(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
/* 0 and *OUT seconds since the epoch, or -1: "2026-12-03", "2026-12-03
 * 14:00[:00]", "@1764770400", "-2h", "now", "today", "yesterday". */
int		 ctl_parse_time(const char *, time_t *);
/* "30s", "15m", "2h", "7d", "1w": 0 and *OUT seconds, or -1. */
int		 ctl_parse_age(const char *, time_t *);

/* ctl-report.c: the incident reports. */
enum core_state {
	CORE_NONE,	/* the plan made none */
	CORE_PRESENT,
	CORE_MISSING,	/* named, but not there (removed for room?) */
	CORE_HIDDEN,	/* not ours to see: cores are root's */
};
struct rec {
	char		 id[33];
	char		*file;		/* the report's path */
	json_object	*o;		/* the whole report */
	unsigned	 domid;
	const char	*name, *uuid, *reason, *action, *requested;
	const char	*result;	/* NULL: in progress */
	const char	*summary;
	time_t		 crashed;
	bool		 suppressed;
	bool		 failed;	/* result is not "ok" */
	const char	*core;		/* its path, or NULL */
	enum core_state	 core_state;
	uint64_t	 core_disk;	/* bytes on disk */
	uint64_t	 core_size;	/* apparent size */
	bool		 core_zstd;
};
struct recs {
	struct rec	*v;
	size_t		 n;
};
/* Every sound report under the configured state_dir, oldest first; the
 * others are skipped with a warning naming them.  0, or -errno when the
 * directory cannot be read (said). */
int		 recs_load(const struct ctl *, struct recs *);
void		 recs_free(struct recs *);
/* Does REC match every one of the N words (incident ID or a unique
 * prefix of one, UUID, name glob)? */
bool		 rec_matches(const struct rec *, const char *const *, int);
/* The one incident that ID|MATCH names: the newest of its matches; NULL
 * after saying why. */
const struct rec *recs_pick(const struct recs *, const char *);
/* The one incident a command's operand (argv[optind]) names, loaded into
 * RS; NULL after saying why (RS then empty). */
const struct rec *ctl_one(struct ctl *, int argc, char **argv,
		     const char *cmd, struct recs *);
/* "present", "missing", "none", "root-only". */
const char	*core_state_name(enum core_state);
char		*ctl_incidents_dir(const struct ctl *);

/* ctl-out.c: columns, sizes, times, the pager. */
/* "2026-12-03 14:00:12", local time. */
const char	*fmt_time(time_t, char *, size_t);
/* "12.3M", "512B". */
const char	*fmt_size(uint64_t, char *, size_t);
void		 out_json(json_object *);
/* For a terminal: control bytes as '?'. */
const char	*fmt_safe(const char *, char *, size_t);
void		 put_safe(const char *);
/* Through $PAGER when asked and stdout is a terminal; pager_end waits. */
void		 pager_start(bool);
void		 pager_end(void);

/* The commands: argc/argv after the command's name. */
int		 cmd_list(struct ctl *, int, char **);
int		 cmd_info(struct ctl *, int, char **);
int		 cmd_dump(struct ctl *, int, char **);
int		 cmd_debug(struct ctl *, int, char **);
int		 cmd_vacuum(struct ctl *, int, char **);
int		 cmd_status(struct ctl *, int, char **);
int		 cmd_check(struct ctl *, int, char **);

/* ctl-dump.c: a core as a plain ELF file (zstd undone, zero pages as
 * holes when OUT is seekable).  0 or -errno, said. */
int		 core_copy(const struct rec *, int out, const char *outname);

/* ctl-status.c: the daemon as systemd or /proc sees it. */
struct daemon_state {
	bool		 running;
	long		 pid;
	char		 status[256];	/* its sd_notify STATUS=, or "" */
	const char	*how;		/* "systemd", "process table" */
};
/* CONF: the configuration a daemon without systemd must be using. */
void		 daemon_state(struct daemon_state *, const char *conf);
/* Bytes the dump directory's cores use, and free on its file system. */
int		 dump_dir_use(const struct ctl *, uint64_t *used,
		     uint64_t *avail, unsigned *count);

#endif
