/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * step-dump.c: the core dump step.  The dump queue (dump.c) runs the
 * child; this step asks for the dump, says how it went and removes what
 * a failed child left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "crashwatchd.h"
#include "killpoint.h"
#include "dump-child.h"

static enum incident_wait
step_dump_start(struct incident *inc)
{
	char	*path;

	if (inc->m->dry_run) {
		incident_ok(inc, "would dump the core (dry run)");
		return WAIT_NONE;
	}
	/* Killed after the rename, before the state said so: the file is
	 * the proof, and the crash is not dumped twice. */
	if (inc->resumed && (path = dump_find(inc->m, inc->name, inc->uuid,
	    inc->when)) != NULL) {
		free(inc->coredump);
		inc->coredump = path;
		incident_ok(inc, "core dumped to %s by the previous run", path);
		return WAIT_NONE;
	}
	if (inc->gone) {
		metrics_dump(inc->m, false, 0, 0);
		incident_failed(inc, MSGID_COREDUMP_FAILED, "gone", "core dump "
		    "failed: gone: the domain went away before its dump");
		return WAIT_NONE;
	}
	inc->dump = dump_start(inc->m, inc->domid, inc->name, inc->uuid,
	    inc->when, inc->mem_bytes, inc->dump_done, inc);
	if (inc->dump == NULL) {
		metrics_dump(inc->m, false, 0, 0);
		incident_failed(inc, MSGID_COREDUMP_FAILED, "error",
		    "core dump failed: out of memory");
		return WAIT_NONE;
	}
	return WAIT_DUMP;
}

/* Each file the child removed to make room: an alert of its own. */
static void
step_dump_evicted(const struct incident *inc,
    const struct dump_report_evicted *ev)
{
	struct journal_fields	f;

	incident_fields(inc, &f);
	f.message_id = MSGID_DUMP_EVICTED;
	f.coredump = ev->path;
	journal_send(LOG_NOTICE, &f, "removed old core dump %s (%llu bytes) "
	    "to make room for domain %u (%s)", ev->path,
	    (unsigned long long)ev->bytes, inc->domid, inc->name);
}

/*
 * Where the dump's time went, for whoever tunes the host: reading is
 * libxenguest mapping and copying guest pages; the writer's figures run
 * beside it.
 */
static void
step_dump_profile(struct incident *inc, const struct dump_result *res)
{
	const struct dump_profile	*p = res->profile;
	size_t				 n = strlen(res->path);
	bool				 zst;

	zst = n > 4 && strcmp(res->path + n - 4, ".zst") == 0;
	log_debug("domain %u (%s): dump profile: reading guest memory %.2f s, "
	    "copying %.2f s, waiting for the writer %.2f s, %s %.2f s, "
	    "writing %.2f s, writeback %.2f s, final flush %.2f s",
	    inc->domid, inc->name, p->read_us / 1e6, p->feed_us / 1e6,
	    p->wait_us / 1e6, zst ? "compressing" : "zero scan",
	    (zst ? p->compress_us : p->scan_us) / 1e6, p->write_us / 1e6,
	    p->sync_us / 1e6, p->flush_us / 1e6);
}

static enum incident_wait
step_dump_done(struct incident *inc, const struct dump_result *res)
{
	char		 e[4][64];
	const char	*extra[] = { e[0], e[1], e[2], e[3], NULL };
	size_t		 i;

	for (i = 0; i < res->nevicted; i++)
		step_dump_evicted(inc, &res->evicted[i]);
	if (!res->ok) {
		metrics_dump(inc->m, false, 0, 0);
		incident_failed(inc, MSGID_COREDUMP_FAILED, res->reason,
		    "core dump failed: %s%s%s", res->reason,
		    res->detail != NULL ? ": " : "",
		    res->detail != NULL ? res->detail : "");
		return WAIT_NONE;
	}
	free(inc->coredump);
	inc->coredump = strdup(res->path);
	report_core(inc, res);
	snprintf(e[0], sizeof e[0], "GUEST_MEMORY_BYTES=%llu",
	    (unsigned long long)res->guest_bytes);
	snprintf(e[1], sizeof e[1], "DISK_BYTES=%llu",
	    (unsigned long long)res->disk_bytes);
	snprintf(e[2], sizeof e[2], "DURATION_USEC=%llu",
	    (unsigned long long)res->usec);
	snprintf(e[3], sizeof e[3], "THROUGHPUT_BPS=%llu",
	    res->usec > 0 ? (unsigned long long)(res->guest_bytes *
	    1000000ULL / res->usec) : 0ULL);
	incident_log(inc, LOG_NOTICE, MSGID_COREDUMP_DONE, "ok", extra,
	    "domain %u (%s): core dumped to %s (%llu bytes of guest image, "
	    "%llu on disk, %.1f s, %.0f MB/s)", inc->domid, inc->name,
	    res->path, (unsigned long long)res->guest_bytes,
	    (unsigned long long)res->disk_bytes, (double)res->usec / 1e6,
	    res->usec > 0 ? (double)res->guest_bytes / (double)res->usec :
	    0.0);
	metrics_dump(inc->m, true, res->disk_bytes, res->usec);
	if (res->profile != NULL)
		step_dump_profile(inc, res);
	KILL_POINT("dump-done");
	return WAIT_NONE;
}

/* Gone while its dump waited in the queue: nothing left to dump. */
static enum incident_wait
step_dump_gone(struct incident *inc)
{
	if (inc->dump == NULL || !dump_waiting(inc->dump))
		return inc->wait;	/* a running child finds out itself */
	dump_cancel(inc->m, inc->dump);
	inc->dump = NULL;
	metrics_dump(inc->m, false, 0, 0);
	incident_failed(inc, MSGID_COREDUMP_FAILED, "gone", "core dump "
	    "failed: gone: the domain went away while its dump waited");
	return WAIT_NONE;
}

const struct step_kind step_dump = {
	.start = step_dump_start,
	.dump_done = step_dump_done,
	.gone = step_dump_gone,
};
