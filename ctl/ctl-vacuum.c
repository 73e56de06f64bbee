/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-vacuum.c: "vacuum", room made by removing old cores and reports.
 *
 * Only what the daemon made: a core is removed only if a finished
 * incident's report names it and it is a regular file of ours
 * (NAME-...core or .core.zst) directly in the configured dump directory;
 * an incident still in progress (no "finished" result) is never touched,
 * nor is its core, which the daemon may be writing.
 *   --keep N          keep the newest N incidents, remove the others
 *   --older-than AGE  remove incidents that crashed longer ago
 *   --max-use SIZE    remove the oldest cores until they use at most SIZE
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

/* Is R's core a file of ours, directly in the dump directory? */
static bool
core_is_ours(const struct ctl *c, const struct rec *r)
{
	char		dir[PATH_MAX], want[PATH_MAX], copy[PATH_MAX];
	const char	*base;
	size_t		len;

	if (r->core == NULL || realpath(c->conf->dump.directory, want) == NULL)
		return false;
	snprintf(copy, sizeof copy, "%s", r->core);
	base = strrchr(r->core, '/') + 1;
	if (realpath(dirname(copy), dir) == NULL || strcmp(dir, want) != 0)
		return false;
	len = strlen(base);
	return (len > 5 && strcmp(base + len - 5, ".core") == 0) ||
	    (len > 9 && strcmp(base + len - 9, ".core.zst") == 0);
}

static int
remove_core(const struct ctl *c, struct rec *r, uint64_t *freed)
{
	char	sz[32];

	if (r->core_state != CORE_PRESENT)
		return 0;
	if (!core_is_ours(c, r)) {
		ctl_warn("%s: not a core in %s, left alone", r->core,
		    c->conf->dump.directory);
		return 0;
	}
	if (unlink(r->core) == -1) {
		ctl_warn("%s: %s", r->core, strerror(errno));
		return -1;
	}
	printf("removed core %s (%s, %s)\n", r->core, r->name,
	    fmt_size(r->core_disk, sz, sizeof sz));
	*freed += r->core_disk;
	r->core_state = CORE_MISSING;
	return 0;
}

static int
remove_report(struct rec *r)
{
	if (unlink(r->file) == -1) {
		ctl_warn("%s: %s", r->file, strerror(errno));
		return -1;
	}
	printf("removed report %s (%s)\n", r->id, r->name);
	return 0;
}

int
cmd_vacuum(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-use", required_argument, NULL, 'M' },
		{ "keep", required_argument, NULL, 'K' },
		{ "older-than", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct recs	 rs;
	uint64_t	 max_use = 0, used = 0, freed = 0;
	time_t		 age = 0, now = time(NULL);
	long		 keep = -1;
	size_t		 i, finished = 0, seen = 0;
	bool		 by_use = false;
	char		*end, sz[32];
	int		 ch, bad = 0;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'M':
			if (conf_parse_size(optarg, &max_use) != 0) {
				ctl_warn("--max-use %s: not a size (10G, "
				    "512M)", optarg);
				return CTL_USAGE;
			}
			by_use = true;
			break;
		case 'K':
			errno = 0;
			keep = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || keep < 0) {
				ctl_warn("--keep %s: not a count", optarg);
				return CTL_USAGE;
			}
			break;
		case 'O':
			if (ctl_parse_age(optarg, &age) != 0 || age == 0) {
				ctl_warn("--older-than %s: not an age (12h, "
				    "30d, 2w)", optarg);
				return CTL_USAGE;
			}
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (optind != argc || (!by_use && keep < 0 && age == 0)) {
		ctl_warn("say what to remove: --max-use SIZE, --keep N or "
		    "--older-than AGE");
		return CTL_USAGE;
	}
	if (recs_load(c, &rs) != 0)
		return CTL_NOMATCH;
	for (i = 0; i < rs.n; i++)
		if (rs.v[i].result != NULL)
			finished++;
	/* Oldest first: keep the newest KEEP finished ones. */
	for (i = 0; i < rs.n; i++) {
		struct rec *r = &rs.v[i];

		if (r->result == NULL)
			continue;	/* in progress: never */
		seen++;
		if ((keep >= 0 && finished - seen >= (size_t)keep) ||
		    (age > 0 && r->crashed < now - age)) {
			bad |= remove_core(c, r, &freed);
			bad |= remove_report(r);
			r->result = NULL;	/* gone: not counted below */
			r->core_state = CORE_MISSING;
		}
	}
	if (by_use) {
		for (i = 0; i < rs.n; i++)
			if (rs.v[i].core_state == CORE_PRESENT)
				used += rs.v[i].core_disk;
		for (i = 0; i < rs.n && used > max_use; i++) {
			struct rec *r = &rs.v[i];
			uint64_t before = freed;

			if (r->result == NULL || r->core_state != CORE_PRESENT)
				continue;
			bad |= remove_core(c, r, &freed);
			used -= freed - before;
		}
	}
	printf("freed %s\n", fmt_size(freed, sz, sizeof sz));
	recs_free(&rs);
	return bad ? CTL_NOMATCH : CTL_OK;
}
