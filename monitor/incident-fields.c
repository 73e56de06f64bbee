/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * incident-fields.c: what is said about an incident.
 *
 * Every journal record about a crash goes through incident_log(), so
 * that each carries the domain's fields and the step it is about;
 * incident_ok() and incident_failed() are the two outcomes of a step.
 * incident_vars() gives the same facts to argv templates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "crashwatchd.h"

#define EXTRA_MAX	14	/* of journal_fields.extra, STEP= aside */

static void	incident_vlog(const struct incident *, int, const char *,
		    const char *, const char *const *, const char *, va_list)
		    __attribute__((format(printf, 6, 0)));
static char	*incident_vsay(const struct incident *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* The structured fields common to every record about this incident. */
void
incident_fields(const struct incident *inc, struct journal_fields *f)
{
	memset(f, 0, sizeof *f);
	f->domid = (int)inc->domid;
	f->name = inc->name;
	f->uuid = inc->uuid;
	f->reason = reason_name(inc->reason);
	f->action = action_name(inc->plan.action);
	f->coredump = inc->coredump;
	f->incident = inc->id;
}

/* Values for %n %u %d %r %c in commands and hooks. */
struct template_vars
incident_vars(const struct incident *inc)
{
	struct template_vars	v = {
		.name = inc->name,
		.uuid = inc->uuid,
		.domid = inc->domid,
		.reason = reason_name(inc->reason),
		.coredump = inc->coredump != NULL ? inc->coredump : "",
	};

	return v;
}

/* The step running now, for STEP=; "complete" once the plan is through. */
static const char *
incident_step_name(const struct incident *inc)
{
	return inc->step < inc->plan.nsteps ?
	    step_name(inc->plan.steps[inc->step]) : "complete";
}

static void
incident_vlog(const struct incident *inc, int prio, const char *msgid,
    const char *result, const char *const *extra, const char *fmt,
    va_list ap)
{
	struct journal_fields	 f;
	char			 stepf[64], *msg;
	size_t			 i;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	incident_fields(inc, &f);
	f.message_id = msgid;
	f.result = result;
	snprintf(stepf, sizeof stepf, "STEP=%s", incident_step_name(inc));
	f.extra[0] = stepf;
	for (i = 0; extra != NULL && extra[i] != NULL && i < EXTRA_MAX; i++)
		f.extra[i + 1] = extra[i];
	journal_send(prio, &f, "%s", msg != NULL ? msg : fmt);
	free(msg);
}

void
incident_log(const struct incident *inc, int prio, const char *msgid,
    const char *result, const char *const *extra, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	incident_vlog(inc, prio, msgid, result, extra, fmt, ap);
	va_end(ap);
}

/* "domain N (name): " and the rest, as one string; NULL without memory. */
static char *
incident_vsay(const struct incident *inc, const char *fmt, va_list ap)
{
	char	*what, *msg;

	if (vasprintf(&what, fmt, ap) == -1)
		return NULL;
	if (asprintf(&msg, "domain %u (%s): %s", inc->domid, inc->name,
	    what) == -1)
		msg = NULL;
	free(what);
	return msg;
}

void
incident_ok(const struct incident *inc, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = incident_vsay(inc, fmt, ap);
	va_end(ap);
	incident_log(inc, LOG_NOTICE, MSGID_ACTION_DONE, "ok", NULL, "%s",
	    msg != NULL ? msg : fmt);
	free(msg);
}

void
incident_failed(struct incident *inc, const char *msgid, const char *result,
    const char *fmt, ...)
{
	va_list		 ap;
	char		*msg;
	const char	*next;
	size_t		 n;

	inc->failed = true;
	snprintf(inc->step_result, sizeof inc->step_result, "%s", result);
	n = inc->skip_to > inc->step ? inc->skip_to : inc->step + 1;
	next = n < inc->plan.nsteps ? step_name(inc->plan.steps[n]) :
	    "nothing";
	va_start(ap, fmt);
	msg = incident_vsay(inc, fmt, ap);
	va_end(ap);
	incident_log(inc, LOG_ERR, msgid, result, NULL, "%s; continuing with "
	    "%s", msg != NULL ? msg : fmt, next);
	free(msg);
}
