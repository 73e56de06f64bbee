/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenlog.c: Xen's own console ring (what "xl dmesg" shows), read
 * incrementally: each byte is read from Xen once, and each line that
 * names a crashed domain goes to that domain's incident once.
 *
 * Lines wait here (the last XENLOG_KEEP bytes) until an incident takes
 * those naming its domain; a line about a domain that never crashes
 * ages out.  At start-up the whole ring is read, so a crash found then
 * gets the lines Xen printed before.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crashwatchd.h"

#define XENLOG_CHUNK	16384		/* read from Xen at once */
#define XENLOG_KEEP	65536		/* lines kept for incidents */
#define XENLOG_LINE_MAX	512		/* of one line, escaped */

/* What Xen wrote since the last read; -errno if it would not say. */
static int
xenlog_read(struct manager *m)
{
	struct xenlog	*x = &m->xenlog;
	unsigned	 n, rounds;
	char		*nb;
	size_t		 drop;

	/* Until Xen has no more (its ring bounds it; the cap is for a
	 * hypervisor that says "full" for ever). */
	for (rounds = 0; rounds < 65536; rounds++) {
		if (x->len + XENLOG_CHUNK > x->cap) {
			if ((nb = realloc(x->buf, x->len + XENLOG_CHUNK)) ==
			    NULL)
				return -ENOMEM;
			x->buf = nb;
			x->cap = x->len + XENLOG_CHUNK;
		}
		n = XENLOG_CHUNK;
		if (xc_readconsolering(m->xch, x->buf + x->len, &n, 0, 1,
		    &x->index) != 0)
			return errno != 0 ? -errno : -EIO;
		if (n > XENLOG_CHUNK)
			return -EPROTO;
		x->len += n;
		/* Keep whole lines, the newest XENLOG_KEEP bytes of them. */
		if (x->len > XENLOG_KEEP) {
			drop = x->len - XENLOG_KEEP;
			while (drop < x->len && x->buf[drop - 1] != '\n')
				drop++;
			memmove(x->buf, x->buf + drop, x->len - drop);
			x->len -= drop;
		}
		if (n < XENLOG_CHUNK)
			break;
	}
	return 0;
}

/* "HVM d7v0 save: CPU": Xen saying that a save record was read, as our
 * own evidence child and every dump read them; noise, not evidence. */
static bool
xenlog_ours(const char *line, size_t len)
{
	const char	*p = line, *end = line + len;

	for (; p + 5 < end; p++)
		if (memcmp(p, "HVM d", 5) == 0)
			break;
	if (p + 5 >= end)
		return false;
	for (p += 5; p < end && *p != ' '; p++)
		;
	return (size_t)(end - p) >= 7 && memcmp(p, " save: ", 7) == 0;
}

/*
 * Xen's lines naming DOMID, escaped and joined by '\n', taken out so
 * they are said once; NULL if none.  *ERR gets why Xen's log could not
 * be read, or NULL.
 */
char *
xenlog_take(struct manager *m, unsigned domid, const char **err)
{
	struct xenlog	*x = &m->xenlog;
	char		*out = NULL, *no, esc[XENLOG_LINE_MAX];
	size_t		 outlen = 0, i, end, keep = 0, n;
	int		 r;

	*err = NULL;
	if (m->xch == NULL)
		return NULL;
	if ((r = xenlog_read(m)) != 0)
		*err = strerror(-r);
	for (i = 0; i < x->len; i = end + 1) {
		if ((no = memchr(x->buf + i, '\n', x->len - i)) == NULL)
			break;	/* not yet a whole line */
		end = (size_t)(no - x->buf);
		if (!xenlog_names(x->buf + i, end - i, domid)) {
			memmove(x->buf + keep, x->buf + i, end + 1 - i);
			keep += end + 1 - i;
			continue;
		}
		if (xenlog_ours(x->buf + i, end - i))
			continue;	/* taken out, not said */
		n = text_escape(x->buf + i, end - i, false, esc, sizeof esc);
		if ((no = realloc(out, outlen + n + 2)) == NULL)
			continue;
		out = no;
		if (outlen > 0)
			out[outlen++] = '\n';
		memcpy(out + outlen, esc, n + 1);
		outlen += n;
	}
	memmove(x->buf + keep, x->buf + i, x->len - i);
	x->len = keep + (x->len - i);
	return out;
}

void
xenlog_free(struct manager *m)
{
	free(m->xenlog.buf);
	memset(&m->xenlog, 0, sizeof m->xenlog);
}
