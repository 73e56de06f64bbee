/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-list.c: "list", one line per incident, newest last, as coredumpctl
 * lists cores.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define SHORT_ID	12	/* hex digits shown; any unique prefix works */

/* One incident as "list --json" gives it; the fields are in the man page. */
static json_object *
rec_json(const struct rec *r)
{
	json_object	*o = json_object_new_object(), *core;
	char		 t[64];

	json_object_object_add(o, "incident", json_object_new_string(r->id));
	json_object_object_add(o, "time", json_object_new_string(
	    fmt_time(r->crashed, t, sizeof t)));
	json_object_object_add(o, "crashed",
	    json_object_new_int64((int64_t)r->crashed));
	json_object_object_add(o, "domid", json_object_new_int((int)r->domid));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "uuid", json_object_new_string(r->uuid));
	json_object_object_add(o, "reason", json_object_new_string(r->reason));
	json_object_object_add(o, "action", json_object_new_string(r->action));
	json_object_object_add(o, "restart_suppressed",
	    json_object_new_boolean(r->suppressed));
	json_object_object_add(o, "result", r->result != NULL ?
	    json_object_new_string(r->result) : NULL);
	json_object_object_add(o, "summary", r->summary != NULL ?
	    json_object_new_string(r->summary) : NULL);
	core = json_object_new_object();
	json_object_object_add(core, "state", json_object_new_string(
	    core_state_name(r->core_state)));
	json_object_object_add(core, "path", r->core != NULL ?
	    json_object_new_string(r->core) : NULL);
	if (r->core_state == CORE_PRESENT) {
		json_object_object_add(core, "disk_bytes",
		    json_object_new_uint64(r->core_disk));
		json_object_object_add(core, "apparent_bytes",
		    json_object_new_uint64(r->core_size));
		json_object_object_add(core, "compression",
		    json_object_new_string(r->core_zstd ? "zstd" : "none"));
	}
	json_object_object_add(o, "core", core);
	return o;
}

/* The CORE column: "present 12.3M", "missing", "none". */
static const char *
core_cell(const struct rec *r, char *buf, size_t len)
{
	char	sz[32];

	if (r->core_state == CORE_PRESENT)
		snprintf(buf, len, "present %s", fmt_size(r->core_disk, sz,
		    sizeof sz));
	else
		snprintf(buf, len, "%s", core_state_name(r->core_state));
	return buf;
}

int
cmd_list(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "reason", required_argument, NULL, 'R' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct recs	 rs;
	json_object	*arr = NULL;
	const char	*reason = NULL;
	time_t		 since = 0, until = 0;
	size_t		 i, k, *pick, n = 0, wname = 4;
	char		 t[64], core[64], name[33], rsn[16], act[32], res[64];
	int		 ch;

	while ((ch = getopt_long(argc, argv, "rj", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
		case 'U':
			if (ctl_parse_time(optarg, ch == 'S' ? &since :
			    &until) != 0) {
				ctl_warn("--%s %s: not a time (2026-12-03, "
				    "\"2026-12-03 14:00\", -2h, @EPOCH, today)",
				    ch == 'S' ? "since" : "until", optarg);
				return CTL_USAGE;
			}
			break;
		case 'R':
			if (strcmp(optarg, "crash") != 0 &&
			    strcmp(optarg, "watchdog") != 0) {
				ctl_warn("--reason %s: crash or watchdog",
				    optarg);
				return CTL_USAGE;
			}
			reason = optarg;
			break;
		case 'r':
			c->reverse = true;
			break;
		case 'j':
			c->json = true;
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (recs_load(c, &rs) != 0)
		return CTL_NOMATCH;
	if ((pick = calloc(rs.n + 1, sizeof *pick)) == NULL) {
		recs_free(&rs);
		return CTL_NOMATCH;
	}
	for (i = 0; i < rs.n; i++) {
		const struct rec *r = &rs.v[i];

		if ((since != 0 && r->crashed < since) ||
		    (until != 0 && r->crashed > until) ||
		    (reason != NULL && strcmp(r->reason, reason) != 0) ||
		    !rec_matches(r, (const char *const *)argv + optind,
		    argc - optind))
			continue;
		pick[n++] = i;
		if (strlen(r->name) > wname)
			wname = strlen(r->name);
	}
	if (n == 0) {
		ctl_warn(rs.n == 0 ? "no incidents on record" :
		    "no incident matches");
		free(pick);
		recs_free(&rs);
		return CTL_NOMATCH;
	}
	if (wname > 32)
		wname = 32;
	if (c->json)
		arr = json_object_new_array();
	else
		printf("%-19s  %-*s  %5s  %-*s  %-8s  %-17s  %-18s  %s\n",
		    "TIME", SHORT_ID, "INCIDENT", "DOMID", (int)wname, "NAME",
		    "REASON", "ACTION", "RESULT", "CORE");
	for (k = 0; k < n; k++) {
		const struct rec *r = &rs.v[pick[c->reverse ? n - 1 - k : k]];

		if (c->json) {
			json_object_array_add(arr, rec_json(r));
			continue;
		}
		printf("%-19s  %.*s  %5u  %-*.*s  %-8s  %-17s  %-18s  %s\n",
		    fmt_time(r->crashed, t, sizeof t), SHORT_ID, r->id,
		    r->domid, (int)wname, (int)wname,
		    fmt_safe(r->name, name, sizeof name),
		    fmt_safe(r->reason, rsn, sizeof rsn),
		    fmt_safe(r->action, act, sizeof act),
		    fmt_safe(r->result != NULL ? r->result : "in progress",
		    res, sizeof res),
		    core_cell(r, core, sizeof core));
	}
	if (c->json) {
		out_json(arr);
		json_object_put(arr);
	}
	free(pick);
	recs_free(&rs);
	return CTL_OK;
}
