/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf-file.c: the text libconfig parses, read from the file and from every
 * file it includes.
 *
 * libconfig would open @include files itself: with no check that they are
 * regular files (a FIFO blocks the daemon), with no size limit, with the
 * include directory glued even in front of an absolute path (libconfig
 * 1.5), and without our scan for integer literals it truncates (see
 * conf-literal.c).  So we follow @include ourselves, exactly where
 * libconfig's scanner would (a line starting with optional blanks, then
 * @include, blanks and a quoted name, outside comments and strings), and
 * splice each file's text in its place.  libconfig then parses one string;
 * a map from its lines to (file, line) keeps every message pointing at the
 * file the operator wrote.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf-internal.h"

/* As deep as libconfig itself allows. */
#define CONF_INCLUDE_DEPTH	10

/* Append LEN bytes at P to the text; 0 or -ENOMEM. */
static int
text_add(struct conf_text *t, const char *p, size_t len)
{
	char	*nb;
	size_t	 cap;

	if (t->cap - t->len <= len) {
		cap = t->cap ? t->cap : 8192;
		while (cap - t->len <= len)
			cap *= 2;
		if ((nb = realloc(t->text, cap)) == NULL)
			return -ENOMEM;
		t->text = nb;
		t->cap = cap;
	}
	memcpy(t->text + t->len, p, len);
	t->len += len;
	t->text[t->len] = '\0';
	return 0;
}

/* The text's next line came from line LINE of FILE. */
static int
text_line(struct conf_text *t, const char *file, int line)
{
	struct conf_src	*s;

	s = reallocarray(t->src, t->nsrc + 1, sizeof *t->src);
	if (s == NULL)
		return -ENOMEM;
	t->src = s;
	s[t->nsrc].file = file;
	s[t->nsrc].line = line;
	t->nsrc++;
	return 0;
}

/* Keep NAME for as long as the text: the map points at it. */
static const char *
text_name(struct conf_text *t, const char *name)
{
	char	**f, *d;

	if ((d = strdup(name)) == NULL)
		return NULL;
	if ((f = reallocarray(t->files, t->nfiles + 1, sizeof *f)) == NULL) {
		free(d);
		return NULL;
	}
	t->files = f;
	f[t->nfiles++] = d;
	return d;
}

void
conf_text_free(struct conf_text *t)
{
	size_t	i;

	free(t->text);
	free(t->src);
	for (i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->files);
	free(t->include_dir);
	memset(t, 0, sizeof *t);
}

static const char *
file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/*
 * The whole of the regular file PATH in *OUT.  A FIFO or a device is
 * refused before a read can block; a NUL byte would make libconfig
 * silently ignore the rest of the file.  Messages start with AT (where
 * the file was named, or "").
 */
static int
file_read(const char *path, const char *at, struct conf_errors *errs,
    char **out)
{
	struct stat	 st;
	char		*buf = NULL, *nb, *nul;
	size_t		 len = 0, cap = 0, n;
	ssize_t		 got;
	int		 fd, line, r;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1) {
		r = errno;
		conf_errors_add(errs, "%s%s: cannot open: %s", at, path,
		    strerror(r));
		return -r;
	}
	if (fstat(fd, &st) == -1) {
		r = errno;
		close(fd);
		conf_errors_add(errs, "%s%s: cannot open: %s", at, path,
		    strerror(r));
		return -r;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		conf_errors_add(errs, "%s%s: cannot open: %s", at, path,
		    strerror(EISDIR));
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		conf_errors_add(errs, "%s%s: is %s, not a regular file (valid: "
		    "a configuration file)", at, path, file_kind(st.st_mode));
		return -EINVAL;
	}
	for (;;) {
		if (cap - len < 2) {
			if (cap >= CONF_MAX_SIZE) {
				free(buf);
				close(fd);
				conf_errors_add(errs, "%s%s: larger than %d "
				    "bytes: not a configuration file", at, path,
				    CONF_MAX_SIZE);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				close(fd);
				conf_errors_add(errs, "%s: out of memory", path);
				return -ENOMEM;
			}
			buf = nb;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			r = errno;
			free(buf);
			close(fd);
			conf_errors_add(errs, "%s%s: cannot read: %s", at, path,
			    strerror(r));
			return -r;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		line = 1;
		for (n = 0; buf + n < nul; n++)
			line += buf[n] == '\n';
		free(buf);
		conf_errors_add(errs, "%s%s:%d: contains a NUL byte (valid: text)",
		    at, path, line);
		return -EINVAL;
	}
	*out = buf;
	return 0;
}

/*
 * Does an @include start at P, the start of a line?  libconfig's scanner:
 * ^[ \t]*@include[ \t]+\"  Returns what follows the quote, or NULL.
 */
static const char *
include_at(const char *p)
{
	p += strspn(p, " \t");
	if (strncmp(p, "@include", 8) != 0 || (p[8] != ' ' && p[8] != '\t'))
		return NULL;
	p += 8;
	p += strspn(p, " \t");
	return *p == '"' ? p + 1 : NULL;
}

static int	expand(struct conf_text *, const char *, const char *, int,
		    struct conf_errors *);

/*
 * The @include whose name starts at *P, on line LINE of FILE: read the
 * file and splice it in.  *P is left after the closing quote.
 */
static int
include(struct conf_text *t, const char *file, int line, const char **p,
    int depth, struct conf_errors *errs)
{
	const char	*q = *p, *name;
	char		 at[64 + 2 * CONF_DIR_MAX], *n, *path = NULL, *text;
	size_t		 len = 0;
	int		 r;

	/* The name, with libconfig's two escapes \\ and \". */
	if ((n = malloc(strlen(q) + 1)) == NULL)
		return -ENOMEM;
	for (; *q != '"'; q++) {
		if (*q == '\0' || *q == '\n') {
			free(n);
			conf_errors_add(errs, "%s:%d: @include: the file name "
			    "has no closing quote (valid: @include \"file\")",
			    file, line);
			return -EINVAL;
		}
		if (*q == '\\' && (q[1] == '\\' || q[1] == '"'))
			q++;
		n[len++] = *q;
	}
	n[len] = '\0';
	*p = q + 1;

	snprintf(at, sizeof at, "%s:%d: @include: ", file, line);
	if (depth >= CONF_INCLUDE_DEPTH) {
		conf_errors_add(errs, "%s\"%s\" is nested more than %d deep "
		    "(does a file include itself?)", at, n, CONF_INCLUDE_DEPTH);
		free(n);
		return -ELOOP;
	}
	/* Relative to the main file's directory, as libconfig does. */
	if (n[0] == '/' || t->include_dir == NULL)
		r = (path = strdup(n)) == NULL ? -1 : 0;
	else
		r = asprintf(&path, "%s%s%s", t->include_dir,
		    t->include_dir[strlen(t->include_dir) - 1] == '/' ? "" : "/",
		    n);
	free(n);
	if (r == -1)
		return -ENOMEM;
	if ((r = file_read(path, at, errs, &text)) != 0) {
		free(path);
		return r;
	}
	name = text_name(t, path);
	free(path);
	if (name == NULL) {
		free(text);
		return -ENOMEM;
	}
	r = expand(t, text, name, depth + 1, errs);
	free(text);
	if (r == 0 && t->len > CONF_MAX_SIZE) {
		conf_errors_add(errs, "%s%s makes the configuration larger than "
		    "%d bytes", at, name, CONF_MAX_SIZE);
		r = -EFBIG;
	}
	return r;
}

/*
 * Append TEXT, read from FILE, with its includes spliced in.  Comments and
 * strings are skipped by libconfig's rules: an @include there is not one.
 */
static int
expand(struct conf_text *t, const char *text, const char *file, int depth,
    struct conf_errors *errs)
{
	const char	*p = text, *from = text, *q;
	int		 line = 1, bol = 1, r;

	while (*p != '\0') {
		if (bol && (q = include_at(p)) != NULL) {
			if ((r = text_add(t, from, (size_t)(p - from))) != 0)
				return r;
			if ((r = include(t, file, line, &q, depth, errs)) != 0)
				return r;
			p = from = q;
			bol = 0;
			continue;
		}
		bol = 0;
		if (*p == '\n') {
			if ((r = text_line(t, file, line++)) != 0)
				return r;
			bol = 1;
			p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/'))
			p += strcspn(p, "\n");
		else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p != '\0' && !(p[0] == '*' &&
			    p[1] == '/'); p++) {
				if (*p == '\n' &&
				    (r = text_line(t, file, line++)) != 0)
					return r;
			}
			if (*p != '\0')
				p += 2;
		} else if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				if (*p == '\n' &&
				    (r = text_line(t, file, line++)) != 0)
					return r;
			}
			if (*p != '\0')
				p++;
		} else
			p++;
	}
	if ((r = text_add(t, from, (size_t)(p - from))) != 0)
		return r;
	/* End a last line without a newline, so the next file starts afresh. */
	if (p != text && p[-1] != '\n') {
		if ((r = text_add(t, "\n", 1)) != 0 ||
		    (r = text_line(t, file, line)) != 0)
			return r;
	}
	return 0;
}

/*
 * TEXT, named NAME in messages, with its includes; relative ones are
 * found in INCLUDE_DIR (or the working directory if NULL).
 */
int
conf_text_string(struct conf_text *t, const char *text, const char *name,
    const char *include_dir, struct conf_errors *errs)
{
	const char	*n;
	int		 r;

	memset(t, 0, sizeof *t);
	if ((include_dir != NULL &&
	    (t->include_dir = strdup(include_dir)) == NULL) ||
	    (n = text_name(t, name)) == NULL ||
	    text_add(t, "", 0) != 0)
		r = -ENOMEM;
	else
		r = expand(t, text, n, 0, errs);
	if (r == -ENOMEM)
		conf_errors_add(errs, "%s: out of memory", name);
	if (r != 0)
		conf_text_free(t);
	return r;
}

/*
 * The file PATH with its includes; relative ones are found in its own
 * directory rather than the daemon's working directory (/ under systemd).
 */
int
conf_text_file(struct conf_text *t, const char *path,
    struct conf_errors *errs)
{
	const char	*slash;
	char		*dir = NULL, *text;
	int		 r;

	if ((r = file_read(path, "", errs, &text)) != 0)
		return r;
	if ((slash = strrchr(path, '/')) != NULL &&
	    (dir = strndup(path, slash == path ? 1 : (size_t)(slash - path)))
	    == NULL) {
		free(text);
		conf_errors_add(errs, "%s: out of memory", path);
		return -ENOMEM;
	}
	r = conf_text_string(t, text, path, dir, errs);
	free(dir);
	free(text);
	return r;
}
