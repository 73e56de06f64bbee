/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history.c: every call the stand-in libraries made, in order, so tests
 * can assert on what the daemon did.  Sequence numbers keep counting
 * across "history clear".  Each function's calls are also counted (until
 * the next clear), so that the benchmarks need not fetch a long history
 * to know how many hypercalls a side made.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "sim.h"

static char		**lines;
static size_t		  nlines, cap;
static unsigned long	  seq;

/* Calls per function since the last clear, in order of first call. */
struct count {
	char		*fn;
	unsigned long	 n;
};
static struct count	 *counts;
static size_t		  ncounts, countcap;

static void
count_call(const char *body)
{
	size_t i, len = strcspn(body, " ");

	for (i = 0; i < ncounts; i++)
		if (strncmp(counts[i].fn, body, len) == 0 &&
		    counts[i].fn[len] == '\0') {
			counts[i].n++;
			return;
		}
	if (ncounts == countcap) {
		countcap = countcap ? countcap * 2 : 16;
		if ((counts = realloc(counts, countcap * sizeof(*counts))) ==
		    NULL)
			abort();
	}
	if ((counts[ncounts].fn = strndup(body, len)) == NULL)
		abort();
	counts[ncounts++].n = 1;
}

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
	count_call(body);
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
	for (i = 0; i < ncounts; i++)
		free(counts[i].fn);
	ncounts = 0;
}

void
history_dump(struct evbuffer *out, size_t *n)
{
	size_t i;

	for (i = 0; i < nlines; i++)
		evbuffer_add_printf(out, "%s\n", lines[i]);
	*n = nlines;
}

/* "FUNCTION CALLS" per function called since the last clear. */
void
history_count(struct evbuffer *out, size_t *n)
{
	size_t i;

	for (i = 0; i < ncounts; i++)
		evbuffer_add_printf(out, "%s %lu\n", counts[i].fn,
		    counts[i].n);
	*n = ncounts;
}

void
history_free(void)
{
	history_clear();
	free(lines);
	lines = NULL;
	cap = 0;
	free(counts);
	counts = NULL;
	countcap = 0;
}
