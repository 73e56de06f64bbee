/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * evidence.c: what a crashed guest and Xen said about the crash, made
 * safe to pass on, and the one line that says why.
 *
 * Everything here comes from the guest (its console ring, its console
 * log) or from Xen's log, which quotes guests: any byte may be there.
 * Escaped text is printable ASCII alone, so it can forge no journal
 * field, no line of a log and no terminal escape.
 */
#include <stdio.h>
#include <string.h>

#include "policy.h"

/*
 * LEN bytes of IN into OUT (OUTLEN, NUL-terminated): printable ASCII
 * stays, '\' becomes "\\", "\r\n" becomes "\n" and every other byte
 * "\xNN"; with KEEP_NL a '\n' stays, else it is "\x0a" too.  Text that
 * does not fit is cut before a whole escape.  Returns OUT's length.
 */
size_t
text_escape(const char *in, size_t len, bool keep_nl, char *out,
    size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i, o = 0, need;
	char			 e[5];

	if (outlen == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] == '\r' && keep_nl && i + 1 < len && p[i + 1] == '\n')
			continue;
		if ((p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') ||
		    (p[i] == '\n' && keep_nl)) {
			e[0] = (char)p[i];
			need = 1;
		} else if (p[i] == '\\') {
			memcpy(e, "\\\\", 2);
			need = 2;
		} else {
			snprintf(e, sizeof e, "\\x%02x", p[i]);
			need = 4;
		}
		if (o + need >= outlen)
			break;
		memcpy(out + o, e, need);
		o += need;
	}
	out[o] = '\0';
	return o;
}

/* The line at LINE: *END gets where it ends (its '\n' or the NUL), and
 * the next line's start is returned. */
static const char *
line_next(const char *line, const char **end)
{
	const char	*nl = strchr(line, '\n');

	*end = nl != NULL ? nl : line + strlen(line);
	return nl != NULL ? nl + 1 : *end;
}

/* Where LINE, after a printk time stamp and blanks, begins. */
static const char *
line_body(const char *line, const char *end)
{
	const char	*p = line, *q;

	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '[' && (q = memchr(p, ']', (size_t)(end - p))) !=
	    NULL)
		p = q + 1;
	while (p < end && *p == ' ')
		p++;
	return p;
}

static const char *
find_in(const char *s, const char *end, const char *what)
{
	size_t	n = strlen(what);

	for (; s + n <= end; s++)
		if (memcmp(s, what, n) == 0)
			return s;
	return NULL;
}

/*
 * The line of TEXT (escaped, lines by '\n') that says why the guest
 * died: the last "Kernel panic - not syncing" line, else the last oops,
 * BUG, general protection fault or Windows bug check.  Returns where it
 * begins, past its time stamp (a panic line: at "Kernel panic"), and its
 * length in *LEN; NULL if none.
 */
const char *
panic_line(const char *text, size_t *len)
{
	static const char *const other[] = { "BUG: ", "Oops: ", "Oops#",
	    "general protection fault", "*** STOP: 0x", "BugCheck ",
	    "The computer has rebooted from a bugcheck", NULL };
	const char	*line, *end, *next, *body, *p, *panic = NULL;
	const char	*oops = NULL, *panic_end = NULL, *oops_end = NULL;
	size_t		 i;

	if (text == NULL)
		return NULL;
	for (line = text; *line != '\0'; line = next) {
		next = line_next(line, &end);
		body = line_body(line, end);
		/* From the mark itself: a ring that wrapped mid-line leaves
		 * the tail of the time stamp ("12.454097] ") before it. */
		if ((p = find_in(body, end, PANIC_MARK)) != NULL) {
			panic = p;
			panic_end = end;
			continue;
		}
		for (i = 0; other[i] != NULL; i++)
			if (find_in(body, end, other[i]) != NULL) {
				oops = body;
				oops_end = end;
				break;
			}
	}
	if (panic == NULL) {
		panic = oops;
		panic_end = oops_end;
	}
	if (panic == NULL || panic == panic_end)
		return NULL;
	*len = (size_t)(panic_end - panic);
	return panic;
}

/*
 * The function that called panic(), from the call trace in TEXT: the
 * first reliable frame (not "? ...") after the "panic+0x" one.  A
 * guest's console ring keeps only its last 2 KiB, and Linux prints its
 * stack after the panic line, so the line itself may be gone while the
 * trace says where the panic came from.  NULL if no trace says so.
 */
const char *
panic_caller(const char *text, size_t *len)
{
	const char	*line, *end, *next, *body;
	bool		 after = false;

	if (text == NULL)
		return NULL;
	for (line = text; *line != '\0'; line = next) {
		next = line_next(line, &end);
		body = line_body(line, end);
		if (body == end)
			continue;
		if (strncmp(body, "panic+0x", 8) == 0) {
			after = true;
			continue;
		}
		if (!after || *body == '?')
			continue;
		if (find_in(body, end, "+0x") == NULL)
			return NULL;	/* the trace ended */
		*len = (size_t)(end - body);
		while (*len > 0 && body[*len - 1] == ' ')
			(*len)--;
		return body;
	}
	return NULL;
}

/*
 * Did TEXT end in a Linux panic whose first line is gone?  panic()
 * prints its line, its stack and registers, then (x86) "Kernel Offset:"
 * from a panic notifier; "---[ end Kernel panic" comes last where the
 * kernel gets that far (Xen's own notifier stops a PV guest first).
 */
bool
panic_seen(const char *text)
{
	const char	*line, *end, *next, *body;

	if (text == NULL)
		return false;
	for (line = text; *line != '\0'; line = next) {
		next = line_next(line, &end);
		body = line_body(line, end);
		if ((size_t)(end - body) >= 15 &&
		    strncmp(body, "Kernel Offset: ", 15) == 0)
			return true;
		if (find_in(body, end, "---[ end Kernel panic") != NULL)
			return true;
	}
	return false;
}

/*
 * The message of a Linux panic in BUF, LEN bytes of a guest's memory:
 * printk keeps each line's text in its log buffer without time stamp or
 * newline, so "Kernel panic - not syncing: " and what follows up to the
 * first byte that is no printable ASCII (the record's end), at most MAX
 * bytes of the message.  The format string ("...: %s"), an empty message
 * and the closing "---[ end Kernel panic - not syncing: ..." line are
 * passed over.  Only a match that starts before LIMIT counts: the bytes
 * after it are there to finish a line that crosses a page.  Returns where
 * the line begins and its length in *N; NULL if none.
 */
const char *
kmsg_panic(const char *buf, size_t len, size_t limit, size_t max, size_t *n)
{
	static const char	 mark[] = PANIC_PREFIX;
	const size_t		 ml = sizeof mark - 1;
	const char		*p = buf, *end = buf + len, *s;
	size_t			 k;

	while (p < end &&
	    (p = memmem(p, (size_t)(end - p), mark, ml)) != NULL) {
		if ((size_t)(p - buf) >= limit)
			return NULL;
		s = p + ml;
		for (k = 0; s + k < end && k < max && s[k] >= 0x20 &&
		    s[k] < 0x7f; k++)
			;
		if (k > 0 && s[0] != '%' && !(p - buf >= 4 &&
		    memcmp(p - 4, "end ", 4) == 0)) {
			*n = ml + k;
			return p;
		}
		p++;
	}
	return NULL;
}

/*
 * How much of MSG (MLEN bytes, the message after a panic line's mark, as
 * kmsg_panic read it) the kernel meant: printk pads a record to 8 bytes
 * with whatever the buffer held, so up to 7 printable bytes of an older
 * line may follow the message.  panic() keeps the message itself in a
 * buffer of its own, NUL-terminated: the longest MSG[0..K), K in [LO,
 * MLEN], that BUF holds with a NUL after it and no mark before it (that
 * is the record again), starting before LIMIT.  0 if none.
 */
size_t
kmsg_confirm(const char *buf, size_t len, size_t limit, const char *msg,
    size_t mlen, size_t lo)
{
	static const char	 mark[] = PANIC_PREFIX;
	const size_t		 ml = sizeof mark - 1;
	const char		*p, *z, *end = buf + len;
	size_t			 k, best = 0;

	if (lo == 0)
		lo = 1;
	/* Anchored on the NULs that end text: each is tried once for each
	 * length, so memory a guest filled to slow this costs no more
	 * than 16 comparisons a byte. */
	for (z = buf + 1; z < end &&
	    (z = memchr(z, '\0', (size_t)(end - z))) != NULL; z++) {
		if (z[-1] == '\0')
			continue;
		for (k = mlen; k >= lo && k > best; k--) {
			if ((size_t)(z - buf) < k)
				continue;
			p = z - k;
			if ((size_t)(p - buf) >= limit || memcmp(p, msg, k) != 0)
				continue;
			if ((size_t)(p - buf) >= ml &&
			    memcmp(p - ml, mark, ml) == 0)
				continue;	/* the record itself */
			best = k;
			break;
		}
		if (best == mlen)
			break;
	}
	return best;
}

/*
 * Does LINE (LEN bytes) of Xen's log name DOMID?  Xen names a domain
 * "d7" or "d7v0" (gprintk, %pd, %pv), or "Domain 7" and "domain 7" in
 * older messages (domain_crash, the watchdog).
 */
bool
xenlog_names(const char *line, size_t len, unsigned domid)
{
	const char	*end = line + len, *p;
	char		 d[16], dom[24];
	size_t		 n;

	/* "(d5) ...": what guest 5 wrote to Xen's console.  It speaks for
	 * domain 5 alone, whatever domains its text names. */
	p = line;
	if (len > 5 && strncmp(p, "(XEN) ", 6) != 0 && p[0] == '(' &&
	    p[1] == 'd' && p[2] >= '0' && p[2] <= '9') {
		snprintf(d, sizeof d, "(d%u)", domid);
		return len >= strlen(d) && strncmp(line, d, strlen(d)) == 0;
	}
	snprintf(d, sizeof d, "d%u", domid);
	n = strlen(d);
	for (p = line; (p = find_in(p, end, d)) != NULL; p++) {
		if (p > line && (p[-1] == '_' || (p[-1] >= 'a' &&
		    p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
		    (p[-1] >= '0' && p[-1] <= '9')))
			continue;
		if (p + n == end || (p[n] == 'v' && p + n + 1 < end &&
		    p[n + 1] >= '0' && p[n + 1] <= '9') ||
		    !((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' &&
		    p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
		    p[n] == '_'))
			return true;
	}
	snprintf(dom, sizeof dom, "omain %u", domid);
	n = strlen(dom);
	for (p = line; (p = find_in(p, end, dom)) != NULL; p++)
		if (p > line && (p[-1] == 'D' || p[-1] == 'd') &&
		    (p + n == end || p[n] < '0' || p[n] > '9'))
			return true;
	return false;
}
