/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal.h: structured log records and the daemon's stable MESSAGE_IDs.
 *
 * Each kind of event has one MESSAGE_ID, documented for operators in
 * xen-crashwatch.catalog (journalctl -x); a test keeps the two in step.
 */
#ifndef CW_JOURNAL_H
#define CW_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSGID_CRASH_DETECTED	"0f21d7aa4f614dc198a085d560609371"
#define MSGID_COREDUMP_DONE	"e77aca8309994721a572228059732b26"
#define MSGID_COREDUMP_FAILED	"0df452b1e07b4f188f64b93d70d0c58f"
#define MSGID_ACTION_DONE	"9b053d490cd24a0ab740a2b9502f3d39"
#define MSGID_ACTION_FAILED	"0babd90c186d41ce93428a190a12a071"
#define MSGID_RESTART_SUPPRESSED "e6b73c8972ce400f83da90691b91515a"
#define MSGID_HOOK_DONE		"0bfca7bbc1a840f6af54ba7683db1031"
#define MSGID_DUMP_EVICTED	"ac4cc164db624eb3aaf9b1954952217d"
#define MSGID_PARTIAL_REMOVED	"87bbe25a80164822a6f708f1a9c2d95c"
#define MSGID_XENSTORE_LOST	"44bc209e09094fcea7f7ce2dbc45d42f"

/* The structured fields of one record; NULL or -1 fields are left out. */
struct journal_fields {
	const char	*message_id;
	int		 domid;
	const char	*name;
	const char	*uuid;
	const char	*reason;
	const char	*action;
	const char	*coredump;
	const char	*result;
	const char	*incident;	/* INCIDENT_ID, 32 hex digits */
	const char	*extra[16];	/* more "KEY=value", NULL-terminated */
};

/* Use the journal if reachable; echo to stderr if not, or if asked. */
void		 journal_open(bool to_stderr, bool verbose);
/* One record at syslog priority PRIO. */
void		 journal_send(int prio, const struct journal_fields *,
		     const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));

/* journal-find.c: our own crash records, read back (this boot only). */
struct journal_crash {
	char		 id[33];	/* INCIDENT_ID */
	unsigned	 domid;
	char		 uuid[37];
	char		 name[256];
	char		 reason[16];
	char		 action[32];
	uint64_t	 usec;		/* CLOCK_REALTIME of the record */
};
/* The newest crash of DOMID and UUID at CPU_TIME: 0, -ENOENT, -errno. */
int		 journal_find_crash(unsigned domid, const char *uuid,
		     uint64_t cpu_time, struct journal_crash *);
/* Whether incident ID's STEP=complete record is there: 1, 0, -errno. */
int		 journal_incident_done(const char *id);
/* Whether incident ID's crash record is there: 1, 0, -errno. */
int		 journal_incident_alerted(const char *id);
/* Until journald stored what was sent before now: 0 or -errno. */
int		 journal_barrier(uint64_t timeout_usec);
/* Every crash record of ours in this boot, oldest first, to CB. */
int		 journal_recent_crashes(
		     void (*)(const struct journal_crash *, void *), void *);

#endif
