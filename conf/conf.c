/*
 * conf.c: loading a configuration file into a struct conf, collecting every
 * error on the way, and freeing the result.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-internal.h"

/* Record one problem at the line of setting S (or of its nearest parent). */
void
conf_error(struct conf_ctx *ctx, const config_setting_t *s, const char *fmt,
    ...)
{
	struct conf_msg	*m;
	const char	*file = NULL;
	char		*text, *msg;
	int		 line = 0, r;
	va_list		 ap;

	/* Elements of arrays may carry no line of their own. */
	for (; s != NULL; s = config_setting_parent(s)) {
		line = config_setting_source_line(s);
		file = config_setting_source_file(s);
		if (line != 0)
			break;
	}
	if (file == NULL)
		file = ctx->name;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1) {
		va_end(ap);
		conf_nomem(ctx);
		return;
	}
	va_end(ap);
	/* An included file is named as written: say where it really is. */
	if (file != ctx->name && *file != '/' && ctx->include_dir != NULL)
		r = asprintf(&msg, "%s/%s:%d: %s", ctx->include_dir, file,
		    line, text);
	else
		r = asprintf(&msg, "%s:%d: %s", file, line, text);
	if (r == -1) {
		free(text);
		conf_nomem(ctx);
		return;
	}
	free(text);

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
static void __attribute__((format(printf, 2, 3)))
errors_add(struct conf_errors *errs, const char *fmt, ...)
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
conf_new(const char *name)
{
	struct conf	*c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->path = strdup(name);
	c->state_dir = strdup("/var/lib/xen-crashwatch");
	c->dump.directory = strdup("/var/lib/xen/dump");
	if (c->path == NULL || c->state_dir == NULL ||
	    c->dump.directory == NULL) {
		conf_free(c);
		return NULL;
	}
	c->dump.timeout = 900;
	c->dump.compress = DUMP_COMPRESS_NONE;
	c->dump.compress_level = 3;
	c->dump.max_parallel = 1;
	c->dump.max_use = 0;
	c->dump.keep_free = UINT64_C(1) << 30;
	c->dump.max_per_domain = 5;
	c->destroy_argv = NULL;
	c->destroy_timeout = 60;
	c->restart_argv = NULL;
	c->restart_timeout = 60;
	c->restart.burst = 3;
	c->restart.interval = 600;
	c->restart.fallback = ACTION_PRESERVE;
	c->on_crash = ACTION_PRESERVE;
	c->on_watchdog = ACTION_PRESERVE;
	return c;
}

/* Turn a parsed (or failed) config_t of TEXT into a struct conf or errors. */
static int
conf_finish(config_t *cfg, int ok, const char *text, const char *name,
    struct conf **out, struct conf_errors *errs)
{
	struct conf_ctx	 ctx;
	struct conf	*c;
	const char	*file;

	*out = NULL;
	if (ok != CONFIG_TRUE) {
		file = config_error_file(cfg);
		errors_add(errs, "%s:%d: %s", file != NULL ? file : name,
		    config_error_line(cfg), config_error_text(cfg) != NULL ?
		    config_error_text(cfg) : "syntax error");
		config_destroy(cfg);
		return -EINVAL;
	}
	if ((c = conf_new(name)) == NULL) {
		config_destroy(cfg);
		errors_add(errs, "%s: out of memory", name);
		return -ENOMEM;
	}

	memset(&ctx, 0, sizeof ctx);
	ctx.name = name;
	ctx.include_dir = cfg->include_dir;
	ctx.conf = c;
	conf_literal_scan(&ctx, text);
	conf_parse(&ctx, config_root_setting(cfg));
	config_destroy(cfg);
	free(ctx.bigints);

	if (ctx.nomem) {
		errors_move(&ctx, NULL);
		conf_free(c);
		errors_add(errs, "%s: out of memory", name);
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

/*
 * Resolve relative @include paths against the file's own directory rather
 * than the daemon's working directory (/ under systemd).
 */
static void
include_dir(config_t *cfg, const char *path)
{
	const char	*slash;
	char		*dir;

	if ((slash = strrchr(path, '/')) == NULL)
		return;
	if ((dir = strndup(path, slash == path ? 1 : (size_t)(slash - path)))
	    == NULL)
		return;
	config_set_include_dir(cfg, dir);
	free(dir);
}

/* Parse TEXT; PATH, if not NULL, is the file it came from. */
static int
conf_read_text(const char *text, const char *name, const char *path,
    struct conf **out, struct conf_errors *errs)
{
	config_t	cfg;
	int		ok;

	config_init(&cfg);
	if (path != NULL)
		include_dir(&cfg, path);
	ok = config_read_string(&cfg, text);
	return conf_finish(&cfg, ok, text, name, out, errs);
}

/*
 * The whole of F as a string in *OUT.  A NUL byte would make libconfig
 * silently ignore the rest of the file, so it is an error (-EINVAL, with
 * its line in *LINE).
 */
static int
read_all(FILE *f, char **out, int *line)
{
	char	*buf = NULL, *nb, *nul;
	size_t	 len = 0, cap = 0, n;

	for (;;) {
		if (cap - len < 2) {
			if (cap >= CONF_MAX_SIZE) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		free(buf);
		return -EIO;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return -ENOMEM;
	buf[len] = '\0';
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		*line = 1;
		for (n = 0; buf + n < nul; n++)
			*line += buf[n] == '\n';
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	return 0;
}

/* Messages are appended to ERRS; the caller clears it. */
int
conf_load(const char *path, struct conf **out, struct conf_errors *errs)
{
	struct stat	 st;
	FILE		*f;
	char		*text;
	int		 r, line = 0;

	*out = NULL;
	if ((f = fopen(path, "re")) == NULL) {
		r = errno;
		errors_add(errs, "%s: cannot open: %s", path, strerror(r));
		return -r;
	}
	/* fopen(3) opens directories; reading one then fails obscurely. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errors_add(errs, "%s: cannot open: %s", path,
		    strerror(EISDIR));
		return -EISDIR;
	}
	r = read_all(f, &text, &line);
	fclose(f);
	if (r == -EINVAL) {
		errors_add(errs, "%s:%d: contains a NUL byte (valid: text)",
		    path, line);
		return r;
	}
	if (r == -EFBIG) {
		errors_add(errs, "%s: larger than %d bytes: not a "
		    "configuration file", path, CONF_MAX_SIZE);
		return r;
	}
	if (r != 0) {
		errors_add(errs, "%s: cannot read: %s", path, strerror(-r));
		return r;
	}
	r = conf_read_text(text, path, path, out, errs);
	free(text);
	return r;
}

int
conf_load_string(const char *text, const char *name, struct conf **out,
    struct conf_errors *errs)
{
	*out = NULL;
	return conf_read_text(text, name, NULL, out, errs);
}

void
conf_free(struct conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->state_dir);
	free(c->dump.directory);
	conf_argv_free(c->destroy_argv);
	conf_argv_free(c->restart_argv);
	for (i = 0; i < c->nhooks; i++)
		conf_argv_free(c->hooks[i].argv);
	free(c->hooks);
	for (i = 0; i < c->nrules; i++) {
		free(c->rules[i].match);
		free(c->rules[i].uuid);
	}
	free(c->rules);
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
