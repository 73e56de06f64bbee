/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-info.c: "info", everything about one incident: its summary line,
 * the evidence (console tail, Xen's lines, vCPUs, the kernel's panic
 * line), each step with its times and result, the hooks, the core, and
 * the journal records that carry its INCIDENT_ID, read with sd_journal
 * as coredumpctl reads them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-journal.h>

#include "ctl.h"

#define JOURNAL_MAX	200	/* records shown */

static const char *
str_of(json_object *o, const char *key)
{
	json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* A list of lines under a heading, each indented. */
static void
print_lines(const char *title, json_object *arr, const char *err)
{
	size_t	i, n;

	if (err != NULL) {
		printf("%s: ", title);
		put_safe(err);
		return;
	}
	if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0)
		return;
	printf("%s:\n", title);
	for (i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(arr, i);

		if (l == NULL || !json_object_is_type(l, json_type_string))
			continue;
		fputs("    ", stdout);
		put_safe(json_object_get_string(l));
	}
}

/* The journal's records of ID: printed, or as JSON into ARR.  A missing
 * journal is said, not an error: the report holds the rest. */
static void
journal_records(const char *id, json_object *arr)
{
	sd_journal	*j;
	const void	*data;
	size_t		 len, n = 0;
	uint64_t	 usec;
	char		 match[64], t[64], line[1024];
	int		 r;

	if ((r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0) {
		if (arr == NULL)
			printf("Journal: cannot open: %s\n", strerror(-r));
		return;
	}
	snprintf(match, sizeof match, "INCIDENT_ID=%s", id);
	if (sd_journal_add_match(j, match, 0) < 0) {
		sd_journal_close(j);
		return;
	}
	if (arr == NULL)
		printf("Journal:\n");
	SD_JOURNAL_FOREACH(j) {
		const char *msg = "", *prio = "";
		char *m = NULL, *p = NULL;

		if (n++ >= JOURNAL_MAX)
			break;
		if (sd_journal_get_data(j, "MESSAGE", &data, &len) >= 0 &&
		    len > 8)
			m = strndup((const char *)data + 8, len - 8);
		if (sd_journal_get_data(j, "PRIORITY", &data, &len) >= 0 &&
		    len > 9)
			p = strndup((const char *)data + 9, len - 9);
		msg = m != NULL ? m : "";
		prio = p != NULL ? p : "";
		if (sd_journal_get_realtime_usec(j, &usec) < 0)
			usec = 0;
		fmt_time((time_t)(usec / 1000000), t, sizeof t);
		if (arr != NULL) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "time",
			    json_object_new_string(t));
			json_object_object_add(o, "realtime_usec",
			    json_object_new_uint64(usec));
			json_object_object_add(o, "priority",
			    json_object_new_int(atoi(prio)));
			json_object_object_add(o, "message",
			    json_object_new_string(msg));
			json_object_array_add(arr, o);
		} else {
			snprintf(line, sizeof line, "    %s  %s", t, msg);
			put_safe(line);
		}
		free(m);
		free(p);
	}
	if (n == 0 && arr == NULL)
		printf("    (no records of this incident in the journal)\n");
	sd_journal_close(j);
}

static void
print_steps(json_object *o)
{
	json_object	*steps, *s;
	char		 buf[512];
	size_t		 i, n;

	if (!json_object_object_get_ex(o, "steps", &steps) ||
	    (n = json_object_array_length(steps)) == 0)
		return;
	printf("Steps:\n");
	for (i = 0; i < n; i++) {
		if ((s = json_object_array_get_idx(steps, i)) == NULL ||
		    !json_object_is_type(s, json_type_object))
			continue;
		snprintf(buf, sizeof buf, "    %-10s %s .. %s  %s",
		    str_of(s, "step") ? str_of(s, "step") : "?",
		    str_of(s, "started") ? str_of(s, "started") : "?",
		    str_of(s, "ended") ? str_of(s, "ended") : "(running)",
		    str_of(s, "result") ? str_of(s, "result") : "");
		put_safe(buf);
	}
}

static void
print_hooks(json_object *o)
{
	json_object	*hooks, *h;
	char		 buf[1024];
	size_t		 i, n;

	if (!json_object_object_get_ex(o, "hooks", &hooks) ||
	    (n = json_object_array_length(hooks)) == 0)
		return;
	printf("Hooks:\n");
	for (i = 0; i < n; i++) {
		if ((h = json_object_array_get_idx(hooks, i)) == NULL ||
		    !json_object_is_type(h, json_type_object))
			continue;
		snprintf(buf, sizeof buf, "    %-18s %s: %s  (%s)",
		    str_of(h, "event") ? str_of(h, "event") : "?",
		    str_of(h, "hook") ? str_of(h, "hook") : "?",
		    str_of(h, "result") ? str_of(h, "result") : "?",
		    str_of(h, "ended") ? str_of(h, "ended") : "?");
		put_safe(buf);
	}
}

static void
print_core(const struct rec *r)
{
	char	a[32], b[32];

	if (r->core == NULL) {
		printf("Core: none\n");
		return;
	}
	fputs("Core: ", stdout);
	put_safe(r->core);
	if (r->core_state != CORE_PRESENT) {
		printf("    missing (removed for room, or by vacuum?)\n");
		return;
	}
	printf("    %s on disk, %s apparent, %s\n",
	    fmt_size(r->core_disk, a, sizeof a),
	    fmt_size(r->core_size, b, sizeof b),
	    r->core_zstd ? "zstd-compressed (xen-crashwatchctl dump "
	    "undoes it)" : "plain ELF, sparse");
}

static void
print_info(const struct rec *r)
{
	json_object	*ev = NULL, *errs = NULL, *v;
	char		 t[64], buf[1024];
	static const struct {
		const char *key, *title;
	} parts[] = {
		{ "kernel_log", "Kernel's panic line" },
		{ "console_tail", "Console (last lines)" },
		{ "console_log", "Console log (xenconsoled)" },
		{ "xen_log", "Xen's lines" },
		{ "vcpus", "vCPUs" },
	};
	size_t		 i;

	snprintf(buf, sizeof buf, "Incident: %s", r->id);
	put_safe(buf);
	snprintf(buf, sizeof buf, "Domain:   %u (%s), UUID %s", r->domid,
	    r->name, r->uuid);
	put_safe(buf);
	snprintf(buf, sizeof buf, "Crashed:  %s, %s", fmt_time(r->crashed, t,
	    sizeof t), r->reason);
	put_safe(buf);
	snprintf(buf, sizeof buf, "Action:   %s%s%s%s", r->action,
	    r->suppressed ? " (the restart limit replaced " : "",
	    r->suppressed && r->requested ? r->requested : "",
	    r->suppressed ? ")" : "");
	put_safe(buf);
	snprintf(buf, sizeof buf, "Result:   %s", r->result != NULL ?
	    r->result : "in progress");
	put_safe(buf);
	if (r->summary != NULL) {
		snprintf(buf, sizeof buf, "Why:      %s", r->summary);
		put_safe(buf);
	}
	if (json_object_object_get_ex(r->o, "evidence", &ev) && ev != NULL &&
	    json_object_is_type(ev, json_type_object))
		json_object_object_get_ex(ev, "errors", &errs);
	else
		ev = NULL;
	for (i = 0; ev != NULL && i < sizeof parts / sizeof parts[0]; i++) {
		v = NULL;
		json_object_object_get_ex(ev, parts[i].key, &v);
		print_lines(parts[i].title, v, str_of(errs, parts[i].key));
	}
	print_steps(r->o);
	print_hooks(r->o);
	print_core(r);
	fputs("Report:   ", stdout);
	put_safe(r->file);
	journal_records(r->id, NULL);
}

int
cmd_info(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-pager", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	const struct rec	*r;
	struct recs		 rs;
	json_object		*o, *j;
	int			 ch;

	while ((ch = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			c->json = true;
			break;
		case 'P':
			c->pager = false;
			break;
		default:
			return CTL_USAGE;
		}
	}
	if ((r = ctl_one(c, argc, argv, "info", &rs)) == NULL)
		return argc - optind != 1 ? CTL_USAGE : CTL_NOMATCH;
	if (c->json) {
		/* The report as the daemon wrote it, and the journal's. */
		o = json_object_get(r->o);
		j = json_object_new_array();
		journal_records(r->id, j);
		json_object_object_add(o, "journal", j);
		out_json(o);
		json_object_put(o);
	} else {
		pager_start(c->pager);
		print_info(r);
		pager_end();
	}
	recs_free(&rs);
	return CTL_OK;
}
