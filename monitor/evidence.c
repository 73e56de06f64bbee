/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * evidence.c: the parent's side of reading a crash's evidence.
 *
 * A child (evidence-child.c) reads the guest's console ring, the end of
 * its console log and its vCPUs; the loop adds Xen's lines about the
 * domain (xenlog.c) and picks the line that says why it died.  Every
 * part that could not be read says why instead; nothing here can stop
 * the crash from being handled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashwatchd.h"

static const char *const part_names[EVIDENCE_PARTS] = {
	[EV_CONSOLE] = "console",
	[EV_LOG] = "log",
	[EV_XEN] = "xen",
	[EV_VCPUS] = "vcpus",
	[EV_KMSG] = "kmsg",
};

/* S, a line, added to *BUF (lines joined by '\n'). */
static void
add_line(char **buf, const char *s)
{
	size_t	 old = *buf != NULL ? strlen(*buf) : 0, n = strlen(s);
	char	*nb;

	if ((nb = realloc(*buf, old + n + 2)) == NULL)
		return;
	if (old > 0)
		nb[old++] = '\n';
	memcpy(nb + old, s, n + 1);
	*buf = nb;
}

/* One line of the child's report. */
static void
evidence_line(struct evidence *ev, char *line)
{
	unsigned long long	 ip, sp, fl, cr3;
	unsigned		 v;
	int			 online, i;
	char			 s[160], *why;

	/* "T rest": a tag, a blank; anything else is no line of ours. */
	if (line[0] == '\0' || (line[1] != ' ' && line[1] != '\0'))
		return;
	if (line[1] == '\0' && line[0] != 'c' && line[0] != 'l')
		return;
	switch (line[0]) {
	case 'c':
		add_line(&ev->part[EV_CONSOLE], line[1] != '\0' ? line + 2 : "");
		break;
	case 'l':
		add_line(&ev->part[EV_LOG], line[1] != '\0' ? line + 2 : "");
		break;
	case 'k':
		add_line(&ev->part[EV_KMSG], line + 2);
		break;
	case 'v':
		if (sscanf(line, "v %u %d %llx %llx %llx %llx", &v, &online,
		    &ip, &sp, &fl, &cr3) != 6)
			break;
		snprintf(s, sizeof s, "vcpu%u %s ip=%#llx sp=%#llx "
		    "flags=%#llx cr3=%#llx", v, online ? "online" : "offline",
		    ip, sp, fl, cr3);
		add_line(&ev->part[EV_VCPUS], s);
		break;
	case 'e':
		if ((why = strchr(line + 2, ' ')) == NULL)
			break;
		*why++ = '\0';
		for (i = 0; i < EVIDENCE_PARTS; i++)
			if (i == EV_XEN)
				continue;	/* the loop reads Xen's log */
			else if (strcmp(line + 2, part_names[i]) == 0 ||
			    (strcmp(line + 2, "all") == 0 &&
			    i != EV_LOG && i != EV_KMSG))
				add_line(&ev->error[i], why);
		break;
	}
}

static bool
panic_line_in(const char *text)
{
	return text != NULL && strstr(text, PANIC_MARK) != NULL;
}

/* The child's report, line by line; a child that did not finish left
 * the parts it did not reach without a word: they get CAUSE. */
void
evidence_parse(struct evidence *ev, const char *out, size_t len,
    const char *cause)
{
	char	*copy, *line, *next;
	int	 i;

	if ((copy = strndup(out != NULL ? out : "", len)) != NULL) {
		for (line = copy; *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			else
				next = line + strlen(line);
			evidence_line(ev, line);
		}
		free(copy);
	}
	for (i = 0; i < EVIDENCE_PARTS; i++)
		if (cause != NULL && i != EV_XEN && i != EV_LOG &&
		    i != EV_KMSG &&
		    ev->part[i] == NULL && ev->error[i] == NULL)
			add_line(&ev->error[i], cause);
	/* The kernel's log is read after a console without a panic line:
	 * a child that stopped then was stopped reading the guest's
	 * memory. */
	if (cause != NULL && ev->part[EV_CONSOLE] != NULL &&
	    ev->part[EV_KMSG] == NULL && ev->error[EV_KMSG] == NULL &&
	    !panic_line_in(ev->part[EV_CONSOLE]) &&
	    !panic_line_in(ev->part[EV_LOG]))
		add_line(&ev->error[EV_KMSG], cause);
}

/* The line that says why, from the console ring, else the log, else the
 * kernel's log in the guest's memory. */
void
evidence_summarize(struct evidence *ev)
{
	const char	*p;
	char		*nul;
	size_t		 n;

	if ((p = panic_line(ev->part[EV_CONSOLE], &n)) == NULL &&
	    (p = panic_line(ev->part[EV_LOG], &n)) == NULL &&
	    (p = panic_line(ev->part[EV_KMSG], &n)) == NULL) {
		/* Its line scrolled out of the ring (Linux prints its
		 * stack after it): what is left says what it can. */
		if ((p = panic_caller(ev->part[EV_CONSOLE], &n)) != NULL &&
		    n <= EVIDENCE_SUMMARY_MAX - 64) {
			if (asprintf(&ev->summary, "Kernel panic in %.*s (its "
			    "message is no longer in the console ring)",
			    (int)n, p) == -1)
				ev->summary = NULL;
		} else if (panic_seen(ev->part[EV_CONSOLE]))
			ev->summary = strdup("Kernel panic (its message is no "
			    "longer in the console ring)");
		return;
	}
	if (n > EVIDENCE_SUMMARY_MAX)
		n = EVIDENCE_SUMMARY_MAX;
	if ((ev->summary = strndup(p, n)) == NULL)
		return;
	/* A NUL ends what the guest meant to say (a torn ring); escapes
	 * are walked whole, so a printed "\x00" is no NUL. */
	for (nul = ev->summary; *nul != '\0'; nul++) {
		if (*nul != '\\')
			continue;
		if (strncmp(nul, "\\x00", 4) == 0) {
			*nul = '\0';
			break;
		}
		if (nul[1] == 'x' && nul[2] != '\0' && nul[3] != '\0')
			nul += 3;
		else if (nul[1] != '\0')
			nul++;
	}
}

/* "CONSOLE_TAIL=...", and the others, for the crash record. */
size_t
evidence_fields(const struct evidence *ev, char **fields, size_t max)
{
	static const char *const names[EVIDENCE_PARTS] = {
		[EV_CONSOLE] = "CONSOLE_TAIL",
		[EV_LOG] = "CONSOLE_LOG",
		[EV_XEN] = "XEN_LOG",
		[EV_VCPUS] = "VCPU_STATE",
		[EV_KMSG] = "KERNEL_LOG",
	};
	size_t	n = 0;
	int	i;

	if (ev->summary != NULL && n < max &&
	    asprintf(&fields[n], "CRASH_SUMMARY=%s", ev->summary) != -1)
		n++;
	for (i = 0; i < EVIDENCE_PARTS; i++) {
		if (ev->part[i] != NULL && n < max &&
		    asprintf(&fields[n], "%s=%s", names[i], ev->part[i]) != -1)
			n++;
		if (ev->error[i] != NULL && n < max &&
		    asprintf(&fields[n], "%s_ERROR=%s", names[i],
		    ev->error[i]) != -1)
			n++;
	}
	return n;
}

void
evidence_clear(struct evidence *ev)
{
	int	i;

	free(ev->summary);
	for (i = 0; i < EVIDENCE_PARTS; i++) {
		free(ev->part[i]);
		free(ev->error[i]);
	}
	memset(ev, 0, sizeof *ev);
}
