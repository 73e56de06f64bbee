/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.c: one JSON file per incident, <state_dir>/incidents/<ID>.json,
 * for people and for xen-crashwatchctl: the domain, the reason, the
 * evidence, the plan and each step's times and result, the core file,
 * the hooks and the outcome.  The format is in xen-crashwatchd(8),
 * REPORT FILES; "version" changes when a field changes meaning.
 *
 * The incident keeps its report as a json-c object and hands a copy of
 * its text to the writer thread (report-writer.c) after each change
 * that matters.  A resumed incident goes on with the report its earlier
 * run wrote.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "crashwatchd.h"
#include "report-file.h"

#define REPORT_VERSION	1

/* Now, UTC, to the microsecond: "2026-12-02T17:36:26.123456Z". */
static json_object *
report_now(void)
{
	struct timespec	ts;
	struct tm	tm;
	char		buf[64];
	size_t		n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof buf - n, ".%06uZ",
	    (unsigned)(ts.tv_nsec / 1000) % 1000000u);
	return json_object_new_string(buf);
}

/* "a\nb" as [ "a", "b" ]; NULL as null. */
static json_object *
report_lines(const char *text)
{
	json_object	*a;
	const char	*p, *nl;

	if (text == NULL)
		return NULL;
	a = json_object_new_array();
	for (p = text; ; p = nl + 1) {
		nl = strchr(p, '\n');
		json_object_array_add(a, json_object_new_string_len(p,
		    nl != NULL ? (int)(nl - p) : (int)strlen(p)));
		if (nl == NULL)
			break;
	}
	return a;
}

static json_object *
report_str(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* The report written by an earlier run of the daemon, if sound. */
static json_object *
report_read(const char *path, const char *id)
{
	json_object	*o, *v;
	const char	*why;

	if ((o = report_file_read(AT_FDCWD, path, &why)) == NULL)
		return NULL;
	if (!json_object_object_get_ex(o, "incident", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), id) != 0 ||
	    !json_object_object_get_ex(o, "steps", &v) ||
	    !json_object_is_type(v, json_type_array) ||
	    !json_object_object_get_ex(o, "hooks", &v) ||
	    !json_object_is_type(v, json_type_array)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

void
report_path(const struct incident *inc, char *out, size_t len)
{
	snprintf(out, len, "%s/incidents/%s.json", inc->m->state->dir,
	    inc->id);
}

/* The report of a new crash, with its evidence; or, for one an earlier
 * run began, the report it wrote: then true. */
bool
report_begin(struct incident *inc)
{
	json_object	*r, *d, *ev, *err;
	char		 path[4096];
	static const char *const names[EVIDENCE_PARTS] = {
		[EV_CONSOLE] = "console_tail",
		[EV_LOG] = "console_log",
		[EV_XEN] = "xen_log",
		[EV_VCPUS] = "vcpus",
		[EV_KMSG] = "kernel_log",
	};
	int		 i;

	if (inc->m->reports == NULL || inc->report != NULL)
		return false;
	report_path(inc, path, sizeof path);
	if (inc->resumed && (inc->report = report_read(path, inc->id)) !=
	    NULL)
		return true;
	r = json_object_new_object();
	json_object_object_add(r, "version",
	    json_object_new_int(REPORT_VERSION));
	json_object_object_add(r, "incident", json_object_new_string(inc->id));
	d = json_object_new_object();
	json_object_object_add(d, "id", json_object_new_int((int)inc->domid));
	json_object_object_add(d, "name", json_object_new_string(inc->name));
	json_object_object_add(d, "uuid", json_object_new_string(inc->uuid));
	json_object_object_add(d, "memory_bytes",
	    json_object_new_uint64(inc->mem_bytes));
	json_object_object_add(r, "domain", d);
	json_object_object_add(r, "reason",
	    json_object_new_string(reason_name(inc->reason)));
	json_object_object_add(r, "crashed",
	    json_object_new_int64((int64_t)inc->when));
	json_object_object_add(r, "detected", report_now());
	json_object_object_add(r, "action",
	    json_object_new_string(action_name(inc->plan.action)));
	json_object_object_add(r, "requested",
	    json_object_new_string(action_name(inc->plan.requested)));
	json_object_object_add(r, "restart_suppressed",
	    json_object_new_boolean(inc->plan.suppressed));
	json_object_object_add(r, "resumed",
	    json_object_new_boolean(inc->resumed));
	json_object_object_add(r, "summary", report_str(inc->ev.summary));
	ev = json_object_new_object();
	err = json_object_new_object();
	for (i = 0; i < EVIDENCE_PARTS; i++) {
		json_object_object_add(ev, names[i],
		    report_lines(inc->ev.part[i]));
		if (inc->ev.error[i] != NULL)
			json_object_object_add(err, names[i],
			    json_object_new_string(inc->ev.error[i]));
	}
	json_object_object_add(ev, "errors", err);
	json_object_object_add(r, "evidence", ev);
	json_object_object_add(r, "steps", json_object_new_array());
	json_object_object_add(r, "core", NULL);
	json_object_object_add(r, "hooks", json_object_new_array());
	json_object_object_add(r, "result", NULL);
	json_object_object_add(r, "finished", NULL);
	inc->report = r;
	return false;
}

/* The current step began (BEGIN) or ended with inc->step_result. */
void
report_step(struct incident *inc, bool begin)
{
	json_object	*steps, *s;
	size_t		 n;

	if (inc->report == NULL || inc->step >= inc->plan.nsteps ||
	    !json_object_object_get_ex(inc->report, "steps", &steps))
		return;
	n = json_object_array_length(steps);
	if (begin) {
		s = json_object_new_object();
		json_object_object_add(s, "step", json_object_new_string(
		    step_name(inc->plan.steps[inc->step])));
		json_object_object_add(s, "started", report_now());
		json_object_object_add(s, "ended", NULL);
		json_object_object_add(s, "result", NULL);
		json_object_array_add(steps, s);
		return;
	}
	if (n == 0 || (s = json_object_array_get_idx(steps, n - 1)) == NULL)
		return;
	json_object_object_add(s, "ended", report_now());
	json_object_object_add(s, "result",
	    json_object_new_string(inc->step_result));
}

void
report_core(struct incident *inc, const struct dump_result *res)
{
	json_object	*c;

	if (inc->report == NULL)
		return;
	c = json_object_new_object();
	json_object_object_add(c, "path", json_object_new_string(res->path));
	json_object_object_add(c, "guest_bytes",
	    json_object_new_uint64(res->guest_bytes));
	json_object_object_add(c, "disk_bytes",
	    json_object_new_uint64(res->disk_bytes));
	json_object_object_add(c, "usec", json_object_new_uint64(res->usec));
	json_object_object_add(inc->report, "core", c);
}

void
report_hook(struct incident *inc, const char *event, const char *what,
    const char *result)
{
	json_object	*hooks, *h;

	if (inc->report == NULL ||
	    !json_object_object_get_ex(inc->report, "hooks", &hooks))
		return;
	h = json_object_new_object();
	json_object_object_add(h, "event", json_object_new_string(event));
	json_object_object_add(h, "hook", json_object_new_string(what));
	json_object_object_add(h, "result", json_object_new_string(result));
	json_object_object_add(h, "ended", report_now());
	json_object_array_add(hooks, h);
}

void
report_end(struct incident *inc, const char *result)
{
	if (inc->report == NULL)
		return;
	if (inc->coredump != NULL) {
		json_object	*c;

		if (!json_object_object_get_ex(inc->report, "core", &c) ||
		    c == NULL) {
			c = json_object_new_object();
			json_object_object_add(c, "path",
			    json_object_new_string(inc->coredump));
			json_object_object_add(inc->report, "core", c);
		}
	}
	json_object_object_add(inc->report, "result",
	    json_object_new_string(result));
	json_object_object_add(inc->report, "finished", report_now());
}

/* Hand the report's text to the writer. */
void
report_save(struct incident *inc)
{
	const char	*s;
	char		*buf;
	size_t		 len;

	if (inc->report == NULL || inc->m->reports == NULL)
		return;
	s = json_object_to_json_string_ext(inc->report,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	if ((buf = malloc(len + 2)) == NULL)
		return;
	memcpy(buf, s, len);
	buf[len++] = '\n';
	buf[len] = '\0';
	if (report_writer_submit(inc->m->reports, inc->id, buf, len) == 0)
		inc->report_submitted = true;
}

void
report_free(struct incident *inc)
{
	json_object_put(inc->report);
	inc->report = NULL;
}
