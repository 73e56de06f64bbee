/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history.c: every call the stand-in libraries made, in order, so tests
 * can assert on what the daemon did.  Sequence numbers keep counting
 * across "history clear".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "sim.h"

static char		**lines;
static size_t		  nlines, cap;
static unsigned long	  seq;

void
history_add(const char *fmt, ...)
{
	char *body, *line;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&line, "%lu %s", ++seq, body) < 0)
		abort();
	free(body);
	if (nlines == cap) {
		cap = cap ? cap * 2 : 256;
		if ((lines = realloc(lines, cap * sizeof(*lines))) == NULL)
			abort();
	}
	lines[nlines++] = line;
}

void
history_clear(void)
{
	size_t i;

	for (i = 0; i < nlines; i++)
		free(lines[i]);
	nlines = 0;
}

void
history_dump(struct evbuffer *out, size_t *n)
{
	size_t i;

	for (i = 0; i < nlines; i++)
		evbuffer_add_printf(out, "%s\n", lines[i]);
	*n = nlines;
}

void
history_free(void)
{
	history_clear();
	free(lines);
	lines = NULL;
	cap = 0;
}
