/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal-find.c: reading our own records back from the journal.
 *
 * The crash alert and the state file cannot change together: a daemon
 * killed after it alerted a crash, before the state said so, comes back
 * to a crashed domain it has no record of.  The journal is the proof
 * that the alert went out; reading it (sd_journal, as coredumpctl does)
 * keeps one crash from paging twice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include "journal.h"

/* FIELD=value of the current entry into OUT (LEN bytes): 0 or -errno. */
static int
journal_field(sd_journal *j, const char *field, char *out, size_t len)
{
	const void	*data;
	size_t		 n, flen = strlen(field);
	int		 r;

	if ((r = sd_journal_get_data(j, field, &data, &n)) < 0)
		return r;
	if (n <= flen + 1 || n - flen - 1 >= len)
		return -EINVAL;
	memcpy(out, (const char *)data + flen + 1, n - flen - 1);
	out[n - flen - 1] = '\0';
	return 0;
}

/* The matches common to both look-ups: our crash records, this boot. */
static int
journal_match_crashes(sd_journal *j)
{
	sd_id128_t	boot;
	char		m[128];
	int		r;

	if ((r = sd_id128_get_boot(&boot)) < 0)
		return r;
	snprintf(m, sizeof m, "MESSAGE_ID=%s", MSGID_CRASH_DETECTED);
	if ((r = sd_journal_add_match(j, m, 0)) < 0)
		return r;
	/* Trusted fields: only our own process wrote these. */
	if ((r = sd_journal_add_match(j, "_COMM=xen-crashwatchd", 0)) < 0)
		return r;
	snprintf(m, sizeof m, "_BOOT_ID=" SD_ID128_FORMAT_STR,
	    SD_ID128_FORMAT_VAL(boot));
	return sd_journal_add_match(j, m, 0);
}

/* The current entry as a crash record: 0, or -EINVAL if it is not one. */
static int
journal_read_crash(sd_journal *j, struct journal_crash *c)
{
	char	domid[16], *end;

	memset(c, 0, sizeof *c);
	if (journal_field(j, "INCIDENT_ID", c->id, sizeof c->id) < 0 ||
	    strlen(c->id) != 32 || strspn(c->id, "0123456789abcdef") != 32 ||
	    journal_field(j, "DOMID", domid, sizeof domid) < 0 ||
	    journal_field(j, "DOMAIN_UUID", c->uuid, sizeof c->uuid) < 0 ||
	    strlen(c->uuid) != 36 ||
	    journal_field(j, "DOMAIN_NAME", c->name, sizeof c->name) < 0 ||
	    journal_field(j, "SHUTDOWN_REASON", c->reason,
	    sizeof c->reason) < 0 ||
	    journal_field(j, "ACTION", c->action, sizeof c->action) < 0 ||
	    sd_journal_get_realtime_usec(j, &c->usec) < 0)
		return -EINVAL;
	c->domid = (unsigned)strtoul(domid, &end, 10);
	return *end == '\0' ? 0 : -EINVAL;
}

/* Every crash record of ours in this boot, oldest first, to CB. */
int
journal_recent_crashes(void (*cb)(const struct journal_crash *, void *),
    void *arg)
{
	sd_journal		*j;
	struct journal_crash	 c;
	int			 r;

	if ((r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0)
		return r;
	if ((r = journal_match_crashes(j)) >= 0 &&
	    (r = sd_journal_seek_head(j)) >= 0) {
		while ((r = sd_journal_next(j)) > 0)
			if (journal_read_crash(j, &c) == 0)
				cb(&c, arg);
	}
	sd_journal_close(j);
	return r < 0 ? r : 0;
}

/*
 * The newest crash record of this instance of a domain: DOMID, UUID and
 * the CPU time it had when it crashed (a crashed domain's CPU time stands
 * still, and a new instance's differs).
 */
int
journal_find_crash(unsigned domid, const char *uuid, uint64_t cpu_time,
    struct journal_crash *c)
{
	sd_journal	*j;
	char		 m[128];
	int		 r;

	if ((r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0)
		return r;
	r = journal_match_crashes(j);
	if (r >= 0) {
		snprintf(m, sizeof m, "DOMAIN_UUID=%s", uuid);
		r = sd_journal_add_match(j, m, 0);
	}
	if (r >= 0) {
		snprintf(m, sizeof m, "DOMID=%u", domid);
		r = sd_journal_add_match(j, m, 0);
	}
	if (r >= 0) {
		snprintf(m, sizeof m, "DOMAIN_CPU_TIME_NS=%llu",
		    (unsigned long long)cpu_time);
		r = sd_journal_add_match(j, m, 0);
	}
	if (r >= 0 && (r = sd_journal_seek_tail(j)) >= 0)
		r = sd_journal_previous(j);
	if (r == 0)
		r = -ENOENT;
	if (r > 0)
		r = journal_read_crash(j, c);
	sd_journal_close(j);
	return r < 0 ? r : 0;
}

/* Is a record of incident ID with MATCH there?  1, 0, or -errno. */
static int
journal_incident_has(const char *id, const char *match)
{
	sd_journal	*j;
	char		 m[64];
	int		 r;

	if ((r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0)
		return r;
	snprintf(m, sizeof m, "INCIDENT_ID=%s", id);
	if ((r = sd_journal_add_match(j, m, 0)) >= 0 &&
	    (r = sd_journal_add_match(j, match, 0)) >= 0 &&
	    (r = sd_journal_add_match(j, "_COMM=xen-crashwatchd", 0)) >= 0 &&
	    (r = sd_journal_seek_head(j)) >= 0)
		r = sd_journal_next(j);
	sd_journal_close(j);
	return r < 0 ? r : r > 0;
}

/* Did incident ID finish: is its STEP=complete record there? */
int
journal_incident_done(const char *id)
{
	return journal_incident_has(id, "STEP=complete");
}

/* Was incident ID's crash record sent by a run killed before it said
 * so in its state file? */
int
journal_incident_alerted(const char *id)
{
	return journal_incident_has(id, "MESSAGE_ID=" MSGID_CRASH_DETECTED);
}

/*
 * Wait until journald has stored everything sent to it before now, for
 * at most TIMEOUT_USEC: records travel as datagrams and are stored a
 * little later.  Journald reads its socket in order, so once a record
 * we send now can be read back, so can the last ones of a run killed a
 * moment ago.  0, or -errno (-ETIMEDOUT) and the caller reads anyway.
 */
int
journal_barrier(uint64_t timeout_usec)
{
	sd_journal	*j;
	sd_id128_t	 token;
	char		 m[64];
	uint64_t	 waited = 0;
	int		 r;

	if ((r = sd_id128_randomize(&token)) < 0)
		return r;
	snprintf(m, sizeof m, "XCW_BARRIER=" SD_ID128_FORMAT_STR,
	    SD_ID128_FORMAT_VAL(token));
	if ((r = sd_journal_send("MESSAGE=reading our own records back",
	    "PRIORITY=7", "SYSLOG_IDENTIFIER=xen-crashwatchd", m, NULL)) < 0)
		return r;
	if ((r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0)
		return r;
	if ((r = sd_journal_add_match(j, m, 0)) < 0)
		goto out;
	for (;;) {
		if ((r = sd_journal_seek_head(j)) < 0)
			break;
		if ((r = sd_journal_next(j)) > 0) {
			r = 0;
			break;
		}
		if (r < 0)
			break;
		r = sd_journal_wait(j, 50000);
		if (r < 0)
			break;
		waited += 50000;
		if (waited >= timeout_usec) {
			r = -ETIMEDOUT;
			break;
		}
	}
out:
	sd_journal_close(j);
	return r;
}
