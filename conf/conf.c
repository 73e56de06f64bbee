/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.c: loading a configuration file into a struct conf, collecting every
 * error on the way, and freeing the result.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-internal.h"

/* Hand the collected messages to ERRS in line order (stable). */
static void
errors_move(struct conf_ctx *ctx, struct conf_errors *errs)
{
	struct conf_msg	 t;
	char		**m;
	size_t		  i, j;

	for (i = 1; i < ctx->nmsgs; i++) {
		t = ctx->msgs[i];
		for (j = i; j > 0 && ctx->msgs[j - 1].line > t.line; j--)
			ctx->msgs[j] = ctx->msgs[j - 1];
		ctx->msgs[j] = t;
	}
	m = NULL;
	if (errs != NULL && ctx->nmsgs != 0)
		m = reallocarray(errs->msgs, errs->n + ctx->nmsgs, sizeof *m);
	for (i = 0; i < ctx->nmsgs; i++) {
		if (m != NULL)
			m[errs->n + i] = ctx->msgs[i].text;
		else
			free(ctx->msgs[i].text);
	}
	if (m != NULL) {
		errs->msgs = m;
		errs->n += ctx->nmsgs;
	}
	free(ctx->msgs);
	ctx->msgs = NULL;
	ctx->nmsgs = 0;
}

/* A struct conf holding the built-in defaults, or NULL. */
static struct conf *
conf_new(void)
{
	struct conf	*c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if (conf_defaults(c) != 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* Parse T, the text of NAME with its includes: a struct conf or errors. */
static int
conf_parse_text(struct conf_text *t, const char *name, struct conf **out,
    struct conf_errors *errs)
{
	struct conf_ctx	 ctx;
	struct conf	*c;
	config_t	 cfg;
	const char	*file;
	int		 line;

	memset(&ctx, 0, sizeof ctx);
	ctx.name = name;
	ctx.src = t->src;
	ctx.nsrc = t->nsrc;

	config_init(&cfg);
	if (config_read_string(&cfg, t->text) != CONFIG_TRUE) {
		conf_where(&ctx, config_error_line(&cfg), &file, &line);
		conf_errors_add(errs, "%s:%d: %s", file, line,
		    config_error_text(&cfg) != NULL ? config_error_text(&cfg) :
		    "syntax error");
		config_destroy(&cfg);
		return -EINVAL;
	}
	if ((c = conf_new()) == NULL) {
		config_destroy(&cfg);
		conf_errors_add(errs, "%s: out of memory", name);
		return -ENOMEM;
	}

	ctx.conf = c;
	conf_literal_scan(&ctx, t->text);
	conf_parse(&ctx, config_root_setting(&cfg));
	config_destroy(&cfg);
	free(ctx.bigints);

	if (ctx.nomem) {
		errors_move(&ctx, NULL);
		conf_free(c);
		conf_errors_add(errs, "%s: out of memory", name);
		return -ENOMEM;
	}
	if (ctx.nmsgs != 0) {
		errors_move(&ctx, errs);
		conf_free(c);
		return -EINVAL;
	}
	*out = c;
	return 0;
}

/* Messages are appended to ERRS; the caller clears it. */
int
conf_load(const char *path, struct conf **out, struct conf_errors *errs)
{
	struct conf_text	t;
	int			r;

	*out = NULL;
	if ((r = conf_text_file(&t, path, errs)) != 0)
		return r;
	r = conf_parse_text(&t, path, out, errs);
	conf_text_free(&t);
	return r;
}

/* Relative @include names are taken from the working directory. */
int
conf_load_string(const char *text, const char *name, struct conf **out,
    struct conf_errors *errs)
{
	struct conf_text	t;
	int			r;

	*out = NULL;
	if ((r = conf_text_string(&t, text, name, NULL, errs)) != 0)
		return r;
	r = conf_parse_text(&t, name, out, errs);
	conf_text_free(&t);
	return r;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	conf_values_free(c);
	free(c);
}

void
conf_errors_clear(struct conf_errors *errs)
{
	size_t	i;

	if (errs == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->n = 0;
}
