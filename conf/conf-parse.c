/*
 * conf-parse.c: the layout of the file, section by section.  Sections are
 * read in a fixed order whatever their order in the file, so that rules see
 * the global restart settings they refine; errors are sorted by line later.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-internal.h"

static const char *const root_keys[] = {
	"state_dir", "dump", "destroy", "restart", "hooks", "defaults",
	"domains", NULL
};
static const char *const destroy_keys[] = { "command", "timeout", NULL };
static const char *const dump_keys[] = {
	"directory", "timeout", "compress", "compress_level", "max_parallel",
	"max_use", "keep_free", "max_per_domain", NULL
};
static const char *const restart_keys[] = {
	"command", "timeout", "burst", "interval", "fallback", NULL
};
static const char *const rule_restart_keys[] = {
	"burst", "interval", "fallback", NULL
};
static const char *const hook_keys[] = { "command", "timeout", NULL };
static const char *const defaults_keys[] = {
	"on_crash", "on_watchdog", NULL
};
static const char *const rule_keys[] = {
	"match", "uuid", "on_crash", "on_watchdog", "restart", NULL
};

/* The member KEY of group S and its dotted name, or NULL if absent. */
static const config_setting_t *
member(const config_setting_t *s, const char *parent, const char *key,
    char *p, size_t len)
{
	conf_path(p, len, parent, key);
	return config_setting_get_member(s, key);
}

static void
parse_dump(struct conf_ctx *ctx, const config_setting_t *s)
{
	struct conf_dump	*d = &ctx->conf->dump;
	const config_setting_t	*e;
	const char		*v;
	long long		 level;
	char			 p[64];

	if (conf_value_group(ctx, s, "dump", dump_keys) != 0)
		return;
	if ((e = member(s, "dump", "directory", p, sizeof p)) != NULL)
		conf_value_dir(ctx, e, p, &d->directory);
	if ((e = member(s, "dump", "timeout", p, sizeof p)) != NULL)
		conf_value_uint(ctx, e, p, 1, CONF_NOMAX, &d->timeout);
	if ((e = member(s, "dump", "compress", p, sizeof p)) != NULL &&
	    conf_value_string(ctx, e, p, &v) == 0) {
		if (strcmp(v, "none") == 0)
			d->compress = DUMP_COMPRESS_NONE;
		else if (strcmp(v, "zstd") == 0)
			d->compress = DUMP_COMPRESS_ZSTD;
		else
			conf_error(ctx, e, "%s: \"%.64s\" is not one of none, "
			    "zstd", p, v);
	}
	if ((e = member(s, "dump", "compress_level", p, sizeof p)) != NULL &&
	    conf_value_int(ctx, e, p, 1, 19, &level) == 0)
		d->compress_level = (int)level;
	if ((e = member(s, "dump", "max_parallel", p, sizeof p)) != NULL)
		conf_value_uint(ctx, e, p, 1, 64, &d->max_parallel);
	if ((e = member(s, "dump", "max_use", p, sizeof p)) != NULL)
		conf_value_size(ctx, e, p, &d->max_use);
	if ((e = member(s, "dump", "keep_free", p, sizeof p)) != NULL)
		conf_value_size(ctx, e, p, &d->keep_free);
	if ((e = member(s, "dump", "max_per_domain", p, sizeof p)) != NULL)
		conf_value_uint(ctx, e, p, 0, CONF_NOMAX, &d->max_per_domain);
}

/* A fallback is what happens when restarting is refused: it cannot restart. */
static void
parse_fallback(struct conf_ctx *ctx, const config_setting_t *e,
    const char *p, enum action *out)
{
	enum action	a;

	if (conf_value_action(ctx, e, p, &a) != 0)
		return;
	if (action_restarts(a)) {
		conf_error(ctx, e, "%s: \"%s\" restarts, but the fallback is "
		    "used when restarts are exhausted (valid: preserve, "
		    "destroy, coredump-destroy, coredump-preserve)", p,
		    action_name(a));
		return;
	}
	*out = a;
}

/* "destroy": a toolstack command instead of xc_domain_destroy. */
static void
parse_destroy(struct conf_ctx *ctx, const config_setting_t *s)
{
	struct conf		*c = ctx->conf;
	const config_setting_t	*e;
	char			 p[64];

	if (conf_value_group(ctx, s, "destroy", destroy_keys) != 0)
		return;
	if ((e = member(s, "destroy", "command", p, sizeof p)) != NULL)
		conf_value_argv(ctx, e, p, &c->destroy_argv);
	if ((e = member(s, "destroy", "timeout", p, sizeof p)) != NULL)
		conf_value_uint(ctx, e, p, 1, CONF_NOMAX, &c->destroy_timeout);
}

/* Global "restart" (RULE false) or a rule's overrides of it (RULE true). */
static void
parse_restart(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path, struct conf_restart *r, int rule)
{
	struct conf		*c = ctx->conf;
	const config_setting_t	*e;
	char			 p[128];

	if (conf_value_group(ctx, s, path,
	    rule ? rule_restart_keys : restart_keys) != 0)
		return;
	if (!rule) {
		if ((e = member(s, path, "command", p, sizeof p)) != NULL) {
			ctx->restart_command_seen = 1;
			conf_value_argv(ctx, e, p, &c->restart_argv);
		}
		if ((e = member(s, path, "timeout", p, sizeof p)) != NULL)
			conf_value_uint(ctx, e, p, 1, CONF_NOMAX,
			    &c->restart_timeout);
	}
	if ((e = member(s, path, "burst", p, sizeof p)) != NULL)
		conf_value_uint(ctx, e, p, 1, CONF_NOMAX, &r->burst);
	if ((e = member(s, path, "interval", p, sizeof p)) != NULL)
		conf_value_uint(ctx, e, p, 1, CONF_NOMAX, &r->interval);
	if ((e = member(s, path, "fallback", p, sizeof p)) != NULL)
		parse_fallback(ctx, e, p, &r->fallback);
}

/* on_crash/on_watchdog: a restarting action needs restart.command. */
static int
parse_policy(struct conf_ctx *ctx, const config_setting_t *e, const char *p,
    enum action *out)
{
	enum action	a;

	if (conf_value_action(ctx, e, p, &a) != 0)
		return -EINVAL;
	/* An invalid command was reported already; do not pile on. */
	if (action_restarts(a) && ctx->conf->restart_argv == NULL &&
	    !ctx->restart_command_seen) {
		conf_error(ctx, e, "%s: restart.command is required by %s = "
		    "\"%s\"", p, config_setting_name(e), action_name(a));
		return -EINVAL;
	}
	*out = a;
	return 0;
}

static void
parse_hooks(struct conf_ctx *ctx, const config_setting_t *s)
{
	struct conf		*c = ctx->conf;
	const config_setting_t	*h, *e;
	char			 path[32], p[64];
	int			 i, n, type;

	type = config_setting_type(s);
	if (type != CONFIG_TYPE_LIST && !(type == CONFIG_TYPE_ARRAY &&
	    config_setting_length(s) == 0)) {
		conf_error(ctx, s, "hooks: expected a list ( { command = "
		    "[ ... ]; }, ... ), not %s", type == CONFIG_TYPE_GROUP ?
		    "a group" : "a single value");
		return;
	}
	if ((n = config_setting_length(s)) == 0)
		return;
	if ((c->hooks = calloc((size_t)n, sizeof *c->hooks)) == NULL) {
		conf_nomem(ctx);
		return;
	}
	c->nhooks = (size_t)n;
	for (i = 0; i < n; i++) {
		h = config_setting_get_elem(s, (unsigned)i);
		conf_path_index(path, sizeof path, "hooks", (unsigned)i);
		c->hooks[i].timeout = 30;
		if (conf_value_group(ctx, h, path, hook_keys) != 0)
			continue;
		if ((e = member(h, path, "command", p, sizeof p)) != NULL)
			conf_value_argv(ctx, e, p, &c->hooks[i].argv);
		else
			conf_error(ctx, h, "%s: command is missing (valid: "
			    "command = [ \"/path/to/program\", \"%%n\" ])",
			    path);
		if ((e = member(h, path, "timeout", p, sizeof p)) != NULL)
			conf_value_uint(ctx, e, p, 1, CONF_NOMAX,
			    &c->hooks[i].timeout);
	}
}

static void
parse_defaults(struct conf_ctx *ctx, const config_setting_t *s)
{
	const config_setting_t	*e;
	char			 p[64];

	if (conf_value_group(ctx, s, "defaults", defaults_keys) != 0)
		return;
	if ((e = member(s, "defaults", "on_crash", p, sizeof p)) != NULL)
		parse_policy(ctx, e, p, &ctx->conf->on_crash);
	if ((e = member(s, "defaults", "on_watchdog", p, sizeof p)) != NULL)
		parse_policy(ctx, e, p, &ctx->conf->on_watchdog);
}

static void
parse_rule(struct conf_ctx *ctx, const config_setting_t *s, const char *path,
    struct conf_rule *r)
{
	const config_setting_t	*e, *m, *u;
	char			 p[64];

	r->line = config_setting_source_line(s);
	r->restart = ctx->conf->restart;
	if (conf_value_group(ctx, s, path, rule_keys) != 0)
		return;

	m = member(s, path, "match", p, sizeof p);
	if (m != NULL)
		conf_value_glob(ctx, m, p, &r->match);
	u = member(s, path, "uuid", p, sizeof p);
	if (u != NULL)
		conf_value_uuid(ctx, u, p, &r->uuid);
	if (m == NULL && u == NULL)
		conf_error(ctx, s, "%s: matches nothing (valid: one of "
		    "match = \"glob\" or uuid = \"...\")", path);
	else if (m != NULL && u != NULL)
		conf_error(ctx, s, "%s: has both match and uuid (valid: "
		    "exactly one of them; write two rules)", path);

	if ((e = member(s, path, "on_crash", p, sizeof p)) != NULL &&
	    parse_policy(ctx, e, p, &r->on_crash) == 0)
		r->has_on_crash = true;
	if ((e = member(s, path, "on_watchdog", p, sizeof p)) != NULL &&
	    parse_policy(ctx, e, p, &r->on_watchdog) == 0)
		r->has_on_watchdog = true;
	if ((e = member(s, path, "restart", p, sizeof p)) != NULL)
		parse_restart(ctx, e, p, &r->restart, 1);
}

static void
parse_domains(struct conf_ctx *ctx, const config_setting_t *s)
{
	struct conf	*c = ctx->conf;
	char		 path[32];
	int		 i, n, type;

	type = config_setting_type(s);
	if (type != CONFIG_TYPE_LIST && !(type == CONFIG_TYPE_ARRAY &&
	    config_setting_length(s) == 0)) {
		conf_error(ctx, s, "domains: expected a list ( { match = "
		    "\"...\"; ... }, ... ), not %s", type ==
		    CONFIG_TYPE_GROUP ? "a group" : "a single value");
		return;
	}
	if ((n = config_setting_length(s)) == 0)
		return;
	if ((c->rules = calloc((size_t)n, sizeof *c->rules)) == NULL) {
		conf_nomem(ctx);
		return;
	}
	c->nrules = (size_t)n;
	for (i = 0; i < n; i++) {
		conf_path_index(path, sizeof path, "domains", (unsigned)i);
		parse_rule(ctx, config_setting_get_elem(s, (unsigned)i), path,
		    &c->rules[i]);
	}
}

void
conf_parse(struct conf_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t	*e;

	if (conf_value_group(ctx, root, "", root_keys) != 0)
		return;
	if ((e = config_setting_get_member(root, "state_dir")) != NULL)
		conf_value_dir(ctx, e, "state_dir", &ctx->conf->state_dir);
	if ((e = config_setting_get_member(root, "dump")) != NULL)
		parse_dump(ctx, e);
	if ((e = config_setting_get_member(root, "destroy")) != NULL)
		parse_destroy(ctx, e);
	if ((e = config_setting_get_member(root, "restart")) != NULL)
		parse_restart(ctx, e, "restart", &ctx->conf->restart, 0);
	if ((e = config_setting_get_member(root, "hooks")) != NULL)
		parse_hooks(ctx, e);
	if ((e = config_setting_get_member(root, "defaults")) != NULL)
		parse_defaults(ctx, e);
	if ((e = config_setting_get_member(root, "domains")) != NULL)
		parse_domains(ctx, e);
}
