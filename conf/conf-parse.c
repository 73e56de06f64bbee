/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf-parse.c: the keys of the file as one table, and the walk that reads
 * a parsed file by it.
 *
 * Every key is described once, below: where it lives, its type, range and
 * default, and a line of documentation.  Defaults, reading and checking,
 * the "unknown setting (valid: ...)" lists and freeing all follow from the
 * table; conf/crashwatch.conf's key list is generated from it, and a unit
 * test checks that the example and crashwatch.conf(5) name every key.
 *
 * Scopes are read in table order whatever their order in the file, so that
 * rules (domains) see the global restart settings and defaults they refine;
 * errors are sorted by line later.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-internal.h"

#define C(m)	offsetof(struct conf, m)
#define H(m)	offsetof(struct conf_hook, m)
#define R(m)	offsetof(struct conf_rule, m)

/* Indexed by enum dump_compress. */
static const char *const compress_words[] = { "none", "zstd", NULL };
/* Bit N is HOOK_EVENT_* 1 << N. */
static const char *const hook_event_words[] = { "detected", "handled",
    "suppressed", "failed", NULL };

static void	rule_check(struct conf_ctx *, const config_setting_t *,
		    const char *, void *);

const struct conf_key conf_keys[] = {
	{ .scope = "", .name = "state_dir", .type = CONF_DIR,
	  .off = C(state_dir), .dflt_str = "/var/lib/xen-crashwatch",
	  .doc = "Where the daemon keeps its state files." },

	{ .scope = "", .name = "dump", .type = CONF_GROUP,
	  .doc = "Core dumps: where, how and how many." },
	{ .scope = "dump", .name = "directory", .type = CONF_DIR,
	  .off = C(dump.directory), .dflt_str = "/var/lib/xen/dump",
	  .doc = "Where core dumps are written, one file per crash." },
	{ .scope = "dump", .name = "timeout", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .dflt = 900, .off = C(dump.timeout),
	  .doc = "Seconds a dump may take before it is abandoned." },
	{ .scope = "dump", .name = "compress", .type = CONF_ENUM,
	  .words = compress_words, .dflt = DUMP_COMPRESS_NONE,
	  .off = C(dump.compress),
	  .doc = "Compression of dump files." },
	{ .scope = "dump", .name = "compress_level", .type = CONF_INT,
	  .min = 1, .max = 19, .dflt = 3, .off = C(dump.compress_level),
	  .doc = "The zstd level, 1 (fast) to 19 (small)." },
	{ .scope = "dump", .name = "compress_threads", .type = CONF_UINT,
	  .min = 0, .max = 64, .dflt = 1, .off = C(dump.compress_threads),
	  .doc = "zstd threads beside the one reading guest memory." },
	{ .scope = "dump", .name = "max_parallel", .type = CONF_UINT,
	  .min = 1, .max = 64, .dflt = 1, .off = C(dump.max_parallel),
	  .doc = "Dumps written at the same time." },
	{ .scope = "dump", .name = "max_use", .type = CONF_SIZE,
	  .dflt = 0, .off = C(dump.max_use),
	  .doc = "Most space all dumps together may use, 0 for no limit." },
	{ .scope = "dump", .name = "keep_free", .type = CONF_SIZE,
	  .dflt = 1LL << 30, .off = C(dump.keep_free),
	  .doc = "Space always left free on the dump file system." },
	{ .scope = "dump", .name = "max_per_domain", .type = CONF_UINT,
	  .min = 0, .max = CONF_NOMAX, .dflt = 5, .off = C(dump.max_per_domain),
	  .doc = "Dump files kept per domain name, 0 for no limit." },

	{ .scope = "", .name = "evidence", .type = CONF_GROUP,
	  .doc = "What is read from a crashed guest before anything else." },
	{ .scope = "evidence", .name = "console_log_dir", .type = CONF_DIR,
	  .off = C(evidence.console_log_dir),
	  .dflt_str = "/var/log/xen/console",
	  .doc = "Where xenconsoled writes guest-NAME.log, if it does." },
	{ .scope = "evidence", .name = "timeout", .type = CONF_UINT,
	  .min = 1, .max = 60, .dflt = 5, .off = C(evidence.timeout),
	  .doc = "Seconds the reading may take before the plan goes on." },

	{ .scope = "", .name = "incidents", .type = CONF_GROUP,
	  .doc = "The report files of past crashes." },
	{ .scope = "incidents", .name = "max", .type = CONF_UINT,
	  .min = 1, .max = 1000000, .dflt = 1000, .off = C(incidents_max),
	  .doc = "Reports kept in state_dir/incidents, the newest." },

	{ .scope = "", .name = "metrics", .type = CONF_GROUP,
	  .doc = "Counters for Prometheus, through node_exporter." },
	{ .scope = "metrics", .name = "textfile", .type = CONF_DIR,
	  .off = C(metrics_textfile),
	  .example = "\"/var/lib/prometheus/node-exporter/xen-crashwatch.prom\"",
	  .doc = "A file for node_exporter's textfile collector; none if unset." },

	{ .scope = "", .name = "destroy", .type = CONF_GROUP,
	  .doc = "How a domain is destroyed." },
	{ .scope = "destroy", .name = "command", .type = CONF_ARGV,
	  .off = C(destroy_argv),
	  .doc = "A command instead of libxenlight's destroy." },
	{ .scope = "destroy", .name = "timeout", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .dflt = 60, .off = C(destroy_timeout),
	  .doc = "Seconds the command may run before it is killed." },

	{ .scope = "", .name = "restart", .type = CONF_GROUP,
	  .doc = "How a domain is started again, and how often." },
	{ .scope = "restart", .name = "command", .type = CONF_ARGV,
	  .off = C(restart_argv),
	  .doc = "The toolstack command that starts a domain again." },
	{ .scope = "restart", .name = "timeout", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .dflt = 60, .off = C(restart_timeout),
	  .doc = "Seconds the command may run before it is killed." },
	{ .scope = "restart", .name = "wait", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .dflt = 30, .off = C(restart_wait),
	  .doc = "Seconds to wait, after the command, for the guest to run." },
	{ .scope = "restart", .name = "burst", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .dflt = 3, .off = C(restart.burst),
	  .doc = "Restarts of one domain allowed per interval." },
	{ .scope = "restart", .name = "interval", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .dflt = 600, .off = C(restart.interval),
	  .doc = "The seconds over which restarts are counted." },
	{ .scope = "restart", .name = "fallback", .type = CONF_FALLBACK,
	  .dflt = ACTION_PRESERVE, .off = C(restart.fallback),
	  .doc = "The action for a crash beyond the limit." },

	{ .scope = "", .name = "hooks", .type = CONF_LIST,
	  .off = C(hooks), .count = C(nhooks), .size = sizeof(struct conf_hook),
	  .example = "( { command = [ ... ]; }, ... )",
	  .doc = "Programs run after every handled crash." },
	{ .scope = "hooks[]", .name = "command", .type = CONF_ARGV,
	  .flags = CONF_REQUIRED, .off = H(argv),
	  .example = "[ \"/path/to/program\", \"%n\" ]",
	  .doc = "The program and its arguments, a template." },
	{ .scope = "hooks[]", .name = "timeout", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .dflt = 30, .off = H(timeout),
	  .doc = "Seconds the hook may run before it is killed." },
	{ .scope = "hooks[]", .name = "events", .type = CONF_WORDS,
	  .words = hook_event_words, .dflt = HOOK_EVENTS_ALL, .off = H(events),
	  .doc = "The events the hook runs for." },

	{ .scope = "", .name = "defaults", .type = CONF_GROUP,
	  .doc = "What to do with a domain no rule matches." },
	{ .scope = "defaults", .name = "on_crash", .type = CONF_POLICY,
	  .dflt = ACTION_PRESERVE, .off = C(on_crash),
	  .doc = "The action when the guest kernel crashed." },
	{ .scope = "defaults", .name = "on_watchdog", .type = CONF_POLICY,
	  .dflt = ACTION_PRESERVE, .off = C(on_watchdog),
	  .doc = "The action when the guest's watchdog expired." },

	{ .scope = "", .name = "domains", .type = CONF_LIST,
	  .off = C(rules), .count = C(nrules), .size = sizeof(struct conf_rule),
	  .check = rule_check,
	  .example = "( { match = \"...\"; ... }, ... )",
	  .doc = "Rules, tried in order; the first that matches wins." },
	{ .scope = "domains[]", .name = "match", .type = CONF_GLOB,
	  .off = R(match),
	  .doc = "The domain name, a glob (or give uuid)." },
	{ .scope = "domains[]", .name = "uuid", .type = CONF_UUID,
	  .off = R(uuid),
	  .doc = "The domain UUID (or give match)." },
	{ .scope = "domains[]", .name = "on_crash", .type = CONF_POLICY,
	  .flags = CONF_HAS, .from = "defaults.on_crash", .off = R(on_crash),
	  .has = R(has_on_crash),
	  .doc = "This domain's action when its kernel crashed." },
	{ .scope = "domains[]", .name = "on_watchdog", .type = CONF_POLICY,
	  .flags = CONF_HAS, .from = "defaults.on_watchdog",
	  .off = R(on_watchdog), .has = R(has_on_watchdog),
	  .doc = "This domain's action when its watchdog expired." },
	{ .scope = "domains[]", .name = "restart", .type = CONF_GROUP,
	  .doc = "This domain's restart limits." },
	{ .scope = "domains[].restart", .name = "burst", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .from = "restart.burst",
	  .off = R(restart.burst),
	  .doc = "Restarts of this domain allowed per interval." },
	{ .scope = "domains[].restart", .name = "interval", .type = CONF_UINT,
	  .min = 1, .max = CONF_NOMAX, .from = "restart.interval",
	  .off = R(restart.interval),
	  .doc = "The seconds over which its restarts are counted." },
	{ .scope = "domains[].restart", .name = "fallback",
	  .type = CONF_FALLBACK, .from = "restart.fallback",
	  .off = R(restart.fallback),
	  .doc = "The action for its crashes beyond the limit." },

	{ .name = NULL }
};

/* Append S to the string in BUF, cutting it short to fit LEN. */
static void
append(char *buf, const char *s, size_t len)
{
	size_t	used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s", s);
}

/* The bytes a value of type TYPE occupies, for copying a default. */
static size_t
value_size(enum conf_type type)
{
	switch (type) {
	case CONF_INT:
	case CONF_ENUM:
		return sizeof(int);
	case CONF_UINT:
	case CONF_WORDS:
		return sizeof(unsigned);
	case CONF_SIZE:
		return sizeof(uint64_t);
	case CONF_POLICY:
	case CONF_FALLBACK:
		return sizeof(enum action);
	default:
		return 0;
	}
}

/* The dotted path of key K: "dump.timeout", "domains[].restart.burst". */
void
conf_key_path(const struct conf_key *k, char *buf, size_t len)
{
	conf_path(buf, len, k->scope, k->name);
}

const struct conf_key *
conf_key_find(const char *path)
{
	const struct conf_key	*k;
	char			 p[128];

	for (k = conf_keys; k->name != NULL; k++) {
		conf_key_path(k, p, sizeof p);
		if (strcmp(p, path) == 0)
			return k;
	}
	return NULL;
}

/*
 * Is a key of scope KSCOPE in the struct that holds SCOPE: SCOPE itself or
 * a group inside it, not the elements of a list inside it?
 */
static bool
under(const char *kscope, const char *scope)
{
	size_t	len = strlen(scope);

	if (strncmp(kscope, scope, len) != 0)
		return false;
	if (len != 0 && kscope[len] != '\0' && kscope[len] != '.')
		return false;
	return strstr(kscope + len, "[]") == NULL;
}

/* Give every key in the struct at BASE (holding SCOPE) its default. */
static int
defaults(const struct conf *c, const char *scope, void *base)
{
	const struct conf_key	*k, *f;
	char			*at, *d;

	for (k = conf_keys; k->name != NULL; k++) {
		if (!under(k->scope, scope))
			continue;
		at = (char *)base + k->off;
		if (k->from != NULL) {
			if ((f = conf_key_find(k->from)) == NULL ||
			    value_size(f->type) != value_size(k->type))
				return -EINVAL;
			memcpy(at, (const char *)c + f->off,
			    value_size(k->type));
			continue;
		}
		switch (k->type) {
		case CONF_DIR:
			if (k->dflt_str == NULL)
				break;
			if ((d = strdup(k->dflt_str)) == NULL)
				return -ENOMEM;
			free(*(char **)at);
			*(char **)at = d;
			break;
		case CONF_INT:
		case CONF_ENUM:
			*(int *)at = (int)k->dflt;
			break;
		case CONF_UINT:
		case CONF_WORDS:
			*(unsigned *)at = (unsigned)k->dflt;
			break;
		case CONF_SIZE:
			*(uint64_t *)at = (uint64_t)k->dflt;
			break;
		case CONF_POLICY:
		case CONF_FALLBACK:
			*(enum action *)at = (enum action)k->dflt;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The built-in defaults into C, freshly zeroed: 0 or -ENOMEM. */
int
conf_defaults(struct conf *c)
{
	return defaults(c, "", c);
}

/* Free what the keys of SCOPE own in the struct at BASE. */
static void
values_free(const char *scope, void *base)
{
	const struct conf_key	*k;
	char			*at, *arr, sub[128];
	size_t			 i, n;

	for (k = conf_keys; k->name != NULL; k++) {
		if (!under(k->scope, scope))
			continue;
		at = (char *)base + k->off;
		switch (k->type) {
		case CONF_DIR:
		case CONF_GLOB:
		case CONF_UUID:
			free(*(char **)at);
			break;
		case CONF_ARGV:
			conf_argv_free(*(char ***)at);
			break;
		case CONF_LIST:
			memcpy(&arr, at, sizeof arr);
			n = *(size_t *)((char *)base + k->count);
			conf_key_path(k, sub, sizeof sub);
			append(sub, "[]", sizeof sub);
			for (i = 0; i < n; i++)
				values_free(sub, arr + i * k->size);
			free(arr);
			break;
		default:
			break;
		}
	}
}

void
conf_values_free(struct conf *c)
{
	values_free("", c);
}

/* "900", "\"1G\"", "\"preserve\"": the default as the file would write it. */
void
conf_key_default(const struct conf_key *k, char *buf, size_t len)
{
	static const char	 units[] = "KMGT";
	const char *const	*w;
	uint64_t		 v;
	int			 u;

	if (k->from != NULL) {
		snprintf(buf, len, "as %s", k->from);
		return;
	}
	switch (k->type) {
	case CONF_DIR:
		if (k->dflt_str == NULL)
			snprintf(buf, len, "unset");
		else
			snprintf(buf, len, "\"%s\"", k->dflt_str);
		break;
	case CONF_INT:
	case CONF_UINT:
		snprintf(buf, len, "%lld", k->dflt);
		break;
	case CONF_SIZE:
		v = (uint64_t)k->dflt;
		for (u = -1; u < 3 && v != 0 && v % 1024 == 0; u++)
			v /= 1024;
		if (u < 0)
			snprintf(buf, len, "%llu", (unsigned long long)v);
		else
			snprintf(buf, len, "\"%llu%c\"", (unsigned long long)v,
			    units[u]);
		break;
	case CONF_ENUM:
		snprintf(buf, len, "\"%s\"", k->words[k->dflt]);
		break;
	case CONF_WORDS:
		snprintf(buf, len, "[");
		for (w = k->words; *w != NULL; w++) {
			if (!(k->dflt & (1LL << (w - k->words))))
				continue;
			append(buf, buf[1] == '\0' ? " \"" : ", \"", len);
			append(buf, *w, len);
			append(buf, "\"", len);
		}
		append(buf, " ]", len);
		break;
	case CONF_POLICY:
	case CONF_FALLBACK:
		snprintf(buf, len, "\"%s\"", action_name((enum action)k->dflt));
		break;
	default:
		snprintf(buf, len, "%s", (k->flags & CONF_REQUIRED) ?
		    "required" : "unset");
		break;
	}
}

/* What a value of K may be, in words: "1 to 19", "none, zstd". */
void
conf_key_valid(const struct conf_key *k, char *buf, size_t len)
{
	const char *const	*w;

	switch (k->type) {
	case CONF_GROUP:
		snprintf(buf, len, "a group { ... }");
		break;
	case CONF_LIST:
		snprintf(buf, len, "a list %s", k->example);
		break;
	case CONF_DIR:
		snprintf(buf, len, "an absolute path");
		break;
	case CONF_INT:
	case CONF_UINT:
		if (k->max == CONF_NOMAX)
			snprintf(buf, len, "%lld or more", k->min);
		else
			snprintf(buf, len, "%lld to %lld", k->min, k->max);
		break;
	case CONF_SIZE:
		snprintf(buf, len, "bytes, or a size such as \"10G\"");
		break;
	case CONF_ENUM:
	case CONF_WORDS:
		buf[0] = '\0';
		if (k->type == CONF_WORDS)
			append(buf, "a list of ", len);
		for (w = k->words; *w != NULL; w++) {
			if (w != k->words)
				append(buf, ", ", len);
			append(buf, *w, len);
		}
		break;
	case CONF_POLICY:
		snprintf(buf, len, "an action");
		break;
	case CONF_FALLBACK:
		snprintf(buf, len, "an action that does not restart");
		break;
	case CONF_ARGV:
		snprintf(buf, len, "a command template");
		break;
	case CONF_GLOB:
		snprintf(buf, len, "a name glob");
		break;
	case CONF_UUID:
		snprintf(buf, len, "a UUID");
		break;
	}
}

/* Was restart.command given at all?  An invalid one was reported already. */
static bool
restart_command_given(const struct conf_ctx *ctx)
{
	const config_setting_t	*g;

	g = config_setting_get_member(ctx->root, "restart");
	return g != NULL && config_setting_type(g) == CONFIG_TYPE_GROUP &&
	    config_setting_get_member(g, "command") != NULL;
}

/* on_crash/on_watchdog: a restarting action needs restart.command. */
static int
read_policy(struct conf_ctx *ctx, const config_setting_t *e, const char *p,
    enum action *out)
{
	enum action	a;

	if (conf_value_action(ctx, e, p, &a) != 0)
		return -EINVAL;
	if (action_restarts(a) && ctx->conf->restart_argv == NULL &&
	    !restart_command_given(ctx)) {
		conf_error(ctx, e, "%s: restart.command is required by %s = "
		    "\"%s\"", p, config_setting_name(e), action_name(a));
		return -EINVAL;
	}
	*out = a;
	return 0;
}

/* A fallback is what happens when restarting is refused: it cannot restart. */
static int
read_fallback(struct conf_ctx *ctx, const config_setting_t *e,
    const char *p, enum action *out)
{
	enum action	a;

	if (conf_value_action(ctx, e, p, &a) != 0)
		return -EINVAL;
	if (action_restarts(a)) {
		conf_error(ctx, e, "%s: \"%s\" restarts, but the fallback is "
		    "used when restarts are exhausted (valid: preserve, "
		    "destroy, coredump-destroy, coredump-preserve)", p,
		    action_name(a));
		return -EINVAL;
	}
	*out = a;
	return 0;
}

/* One of K's words, stored as its index. */
static int
read_enum(struct conf_ctx *ctx, const struct conf_key *k,
    const config_setting_t *e, const char *p, int *out)
{
	const char *const	*w;
	const char		*v;
	char			 valid[128];

	if (conf_value_string(ctx, e, p, &v) != 0)
		return -EINVAL;
	for (w = k->words; *w != NULL; w++) {
		if (strcmp(v, *w) == 0) {
			*out = (int)(w - k->words);
			return 0;
		}
	}
	conf_key_valid(k, valid, sizeof valid);
	conf_error(ctx, e, "%s: \"%.64s\" is not one of %s", p, v, valid);
	return -EINVAL;
}

/* A list of K's words, as a bit mask: ["detected", "failed"]. */
static int
read_words(struct conf_ctx *ctx, const struct conf_key *k,
    const config_setting_t *e, const char *p, unsigned *out)
{
	const config_setting_t	*w;
	const char *const	*word;
	const char		*v;
	char			 valid[128], ep[160];
	unsigned		 mask = 0;
	int			 i, n;

	if (config_setting_type(e) != CONFIG_TYPE_ARRAY) {
		conf_key_valid(k, valid, sizeof valid);
		conf_error(ctx, e, "%s: is not a list [ \"...\", ... ] "
		    "(valid: %s)", p, valid);
		return -EINVAL;
	}
	if ((n = config_setting_length(e)) == 0) {
		conf_key_valid(k, valid, sizeof valid);
		conf_error(ctx, e, "%s: is empty, so it would never run (valid: "
		    "%s)", p, valid + strlen("a list of "));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		w = config_setting_get_elem(e, (unsigned)i);
		snprintf(ep, sizeof ep, "%s[%d]", p, i);
		if (conf_value_string(ctx, w, ep, &v) != 0)
			return -EINVAL;
		for (word = k->words; *word != NULL; word++)
			if (strcmp(v, *word) == 0)
				break;
		if (*word == NULL) {
			conf_key_valid(k, valid, sizeof valid);
			conf_error(ctx, w, "%s: \"%.64s\" is not an event "
			    "(valid: %s)", ep, v, valid + strlen("a list of "));
			return -EINVAL;
		}
		mask |= 1u << (word - k->words);
	}
	*out = mask;
	return 0;
}

/* A rule matches on exactly one of match and uuid. */
static void
rule_check(struct conf_ctx *ctx, const config_setting_t *s, const char *path,
    void *elem)
{
	struct conf_rule	*r = elem;
	const char		*file;
	bool			 m, u;

	conf_where(ctx, (int)config_setting_source_line(s), &file, &r->line);
	m = config_setting_get_member(s, "match") != NULL;
	u = config_setting_get_member(s, "uuid") != NULL;
	if (!m && !u)
		conf_error(ctx, s, "%s: matches nothing (valid: one of "
		    "match = \"glob\" or uuid = \"...\")", path);
	else if (m && u)
		conf_error(ctx, s, "%s: has both match and uuid (valid: "
		    "exactly one of them; write two rules)", path);
}

/* Each member of group S must be a key of SCOPE. */
static void
unknown_keys(struct conf_ctx *ctx, const config_setting_t *s,
    const char *scope, const char *path)
{
	const struct conf_key	*k;
	const config_setting_t	*e;
	const char		*name;
	char			 list[256], p[256];
	int			 i, n;

	list[0] = '\0';
	for (k = conf_keys; k->name != NULL; k++) {
		if (strcmp(k->scope, scope) != 0)
			continue;
		if (list[0] != '\0')
			append(list, ", ", sizeof list);
		append(list, k->name, sizeof list);
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if ((name = config_setting_name(e)) == NULL)
			continue;
		for (k = conf_keys; k->name != NULL; k++)
			if (strcmp(k->scope, scope) == 0 &&
			    strcmp(k->name, name) == 0)
				break;
		if (k->name == NULL) {
			conf_path(p, sizeof p, path, name);
			conf_error(ctx, e, "%s: unknown setting (valid: %s)",
			    p, list);
		}
	}
}

static int	walk_group(struct conf_ctx *, const config_setting_t *,
		    const char *, const char *, void *);

/* List K, setting S: an array of structs, each element a group. */
static void
walk_list(struct conf_ctx *ctx, const struct conf_key *k,
    const config_setting_t *s, const char *path, void *base)
{
	const config_setting_t	*e;
	char			*arr, sub[128], p[128];
	int			 i, n, type;

	type = config_setting_type(s);
	if (type != CONFIG_TYPE_LIST && !(type == CONFIG_TYPE_ARRAY &&
	    config_setting_length(s) == 0)) {
		conf_error(ctx, s, "%s: expected a list %s, not %s", path,
		    k->example, type == CONFIG_TYPE_GROUP ? "a group" :
		    "a single value");
		return;
	}
	if ((n = config_setting_length(s)) == 0)
		return;
	if ((arr = calloc((size_t)n, k->size)) == NULL) {
		conf_nomem(ctx);
		return;
	}
	memcpy((char *)base + k->off, &arr, sizeof arr);
	*(size_t *)((char *)base + k->count) = (size_t)n;
	conf_key_path(k, sub, sizeof sub);
	append(sub, "[]", sizeof sub);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		conf_path_index(p, sizeof p, path, (unsigned)i);
		if (defaults(ctx->conf, sub, arr + (size_t)i * k->size) != 0) {
			conf_nomem(ctx);
			return;
		}
		if (walk_group(ctx, e, sub, p, arr + (size_t)i * k->size) == 0 &&
		    k->check != NULL)
			k->check(ctx, e, p, arr + (size_t)i * k->size);
	}
}

/* Key K, found as setting E (its dotted name PATH), into the struct BASE. */
static void
read_key(struct conf_ctx *ctx, const struct conf_key *k,
    const config_setting_t *e, const char *path, void *base)
{
	char		*at = (char *)base + k->off, sub[128];
	long long	 v;
	int		 r = -EINVAL;

	switch (k->type) {
	case CONF_GROUP:
		conf_key_path(k, sub, sizeof sub);
		r = walk_group(ctx, e, sub, path, base);
		break;
	case CONF_LIST:
		walk_list(ctx, k, e, path, base);
		break;
	case CONF_DIR:
		r = conf_value_dir(ctx, e, path, (char **)at);
		break;
	case CONF_INT:
		if ((r = conf_value_int(ctx, e, path, k->min, k->max, &v)) == 0)
			*(int *)at = (int)v;
		break;
	case CONF_UINT:
		r = conf_value_uint(ctx, e, path, k->min, k->max,
		    (unsigned *)at);
		break;
	case CONF_SIZE:
		r = conf_value_size(ctx, e, path, (uint64_t *)at);
		break;
	case CONF_ENUM:
		r = read_enum(ctx, k, e, path, (int *)at);
		break;
	case CONF_WORDS:
		r = read_words(ctx, k, e, path, (unsigned *)at);
		break;
	case CONF_POLICY:
		r = read_policy(ctx, e, path, (enum action *)at);
		break;
	case CONF_FALLBACK:
		r = read_fallback(ctx, e, path, (enum action *)at);
		break;
	case CONF_ARGV:
		r = conf_value_argv(ctx, e, path, (char ***)at);
		break;
	case CONF_GLOB:
		r = conf_value_glob(ctx, e, path, (char **)at);
		break;
	case CONF_UUID:
		r = conf_value_uuid(ctx, e, path, (char **)at);
		break;
	}
	if (r == 0 && (k->flags & CONF_HAS))
		*(bool *)((char *)base + k->has) = true;
}

/* Group S, at PATH, holding the keys of SCOPE, into the struct BASE. */
static int
walk_group(struct conf_ctx *ctx, const config_setting_t *s, const char *scope,
    const char *path, void *base)
{
	const struct conf_key	*k;
	const config_setting_t	*e;
	char			 p[128];

	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		conf_type_error(ctx, s, path, "a group { ... }");
		return -EINVAL;
	}
	unknown_keys(ctx, s, scope, path);
	for (k = conf_keys; k->name != NULL; k++) {
		if (strcmp(k->scope, scope) != 0)
			continue;
		conf_path(p, sizeof p, path, k->name);
		if ((e = config_setting_get_member(s, k->name)) != NULL)
			read_key(ctx, k, e, p, base);
		else if (k->flags & CONF_REQUIRED)
			conf_error(ctx, s, "%s: %s is missing (valid: %s = %s)",
			    path, k->name, k->name, k->example);
	}
	return 0;
}

void
conf_parse(struct conf_ctx *ctx, const config_setting_t *root)
{
	ctx->root = root;
	walk_group(ctx, root, "", "", ctx->conf);
}
