/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf-error.c: the leaf helpers every file of conf/ calls: recording an
 * error at the right file and line, running out of memory, freeing argv.
 * They call nothing else in conf/, so no file depends on itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf-internal.h"

/*
 * Where line LINE of the text libconfig parsed really is: the includes
 * were spliced in (see conf-file.c), so the map says which file and line.
 */
void
conf_where(const struct conf_ctx *ctx, int line, const char **file,
    int *fline)
{
	const struct conf_src	*last;

	*file = ctx->name;
	*fline = line;
	if (ctx->nsrc == 0 || line < 1)
		return;
	if ((size_t)line <= ctx->nsrc) {
		*file = ctx->src[line - 1].file;
		*fline = ctx->src[line - 1].line;
		return;
	}
	/* Past the last newline: the end of the main file. */
	last = &ctx->src[ctx->nsrc - 1];
	*file = last->file;
	*fline = last->line + (line - (int)ctx->nsrc);
}

/* Record one problem at the line of setting S (or of its nearest parent). */
void
conf_error(struct conf_ctx *ctx, const config_setting_t *s, const char *fmt,
    ...)
{
	struct conf_msg	*m;
	const char	*file;
	char		*text, *msg;
	int		 line = 0, fline, r;
	va_list		 ap;

	/* Elements of arrays may carry no line of their own. */
	for (; s != NULL; s = config_setting_parent(s)) {
		if ((line = (int)config_setting_source_line(s)) != 0)
			break;
	}
	conf_where(ctx, line, &file, &fline);

	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r == -1) {
		conf_nomem(ctx);
		return;
	}
	r = asprintf(&msg, "%s:%d: %s", file, fline, text);
	free(text);
	if (r == -1) {
		conf_nomem(ctx);
		return;
	}

	m = reallocarray(ctx->msgs, ctx->nmsgs + 1, sizeof *ctx->msgs);
	if (m == NULL) {
		free(msg);
		conf_nomem(ctx);
		return;
	}
	ctx->msgs = m;
	m[ctx->nmsgs].line = line;
	m[ctx->nmsgs].text = msg;
	ctx->nmsgs++;
}

void
conf_nomem(struct conf_ctx *ctx)
{
	ctx->nomem = 1;
}

void
conf_argv_free(char **argv)
{
	char	**p;

	if (argv == NULL)
		return;
	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

/* Append one formatted message to ERRS, which may be NULL. */
void
conf_errors_add(struct conf_errors *errs, const char *fmt, ...)
{
	char	**m, *msg;
	va_list	  ap;
	int	  r;

	if (errs == NULL)
		return;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r == -1)
		return;
	m = reallocarray(errs->msgs, errs->n + 1, sizeof *errs->msgs);
	if (m == NULL) {
		free(msg);
		return;
	}
	errs->msgs = m;
	errs->msgs[errs->n++] = msg;
}
