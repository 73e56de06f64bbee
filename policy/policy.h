/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h: what to do about a crashed domain, decided without I/O.
 *
 * Everything here is a pure function of (configuration, domain, history,
 * time): no libevent, no Xen, no files.  The daemon turns a plan into
 * work; the unit tests call these on struct literals.
 */
#ifndef CW_POLICY_H
#define CW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"

enum reason {
	REASON_CRASH,		/* SHUTDOWN_crash */
	REASON_WATCHDOG,	/* SHUTDOWN_watchdog */
};
const char	*reason_name(enum reason);

/*
 * Xen's SHUTDOWN_* codes (xen/sched.h), repeated here so that policy/
 * needs no Xen headers; monitor/hv.c checks at compile time that they
 * match.
 */
#define SHUTDOWN_CODE_POWEROFF		0
#define SHUTDOWN_CODE_REBOOT		1
#define SHUTDOWN_CODE_SUSPEND		2
#define SHUTDOWN_CODE_CRASH		3
#define SHUTDOWN_CODE_WATCHDOG		4
#define SHUTDOWN_CODE_SOFT_RESET	5

/* classify.c: 0 and *REASON for a crash or watchdog of a guest, else -1. */
int		 policy_classify(unsigned domid, bool shut_down, unsigned code,
		     enum reason *reason);
const char	*shutdown_code_name(unsigned code);

/* What the policy knows of a domain: copied strings owned by the caller. */
struct policy_domain {
	unsigned	 domid;
	const char	*name;
	const char	*uuid;		/* lower-case canonical */
	enum reason	 reason;
	bool		 toolstack_acts; /* xl's own on_crash/on_watchdog */
};

/* Past restarts of one domain name, oldest first. */
struct restart_history {
	const time_t	*times;
	size_t		 n;
};

enum step {
	STEP_DUMP,		/* core dump in a child */
	STEP_DESTROY,		/* xc_domain_destroy, retried with backoff */
	STEP_WAIT_GONE,		/* until a rescan no longer sees the domain */
	STEP_RENAME,		/* <name>-crashed-<UTC stamp> in xenstore */
	STEP_RESTART,		/* the restart argv, in a child */
	STEP_HOOKS,		/* every hook, in children */
};
#define PLAN_MAX_STEPS 8
const char	*step_name(enum step);

struct plan {
	enum action		 requested;	/* what the rules said */
	enum action		 action;	/* what will be done */
	bool			 suppressed;	/* restart burst used up */
	const struct conf_rule	*rule;		/* NULL: the defaults */
	const struct conf_restart *restart;	/* limits that applied */
	enum step		 steps[PLAN_MAX_STEPS];
	size_t			 nsteps;
};

/* First rule matching NAME (glob) or UUID, in file order; NULL if none. */
const struct conf_rule *policy_match(const struct conf *, const char *name,
		     const char *uuid);

/* Restarts in (now - interval, now] below burst? */
bool		 ratelimit_allow(const struct conf_restart *,
		     const struct restart_history *, time_t now);

/* The plan for one crashed domain. Always succeeds. */
void		 policy_decide(const struct conf *, const struct policy_domain *,
		     const struct restart_history *, time_t now, struct plan *);

/* The steps that carry out ACTION, in order. Returns the count. */
size_t		 plan_steps(enum action, enum step *steps, size_t max);

/* resume.c: may a plan whose domain is gone go on at STEP? */
bool		 plan_resumable(enum action, unsigned step);
/* The wait-gone at STEP timed out: the step to go on with. */
size_t		 plan_after_wait_timeout(const struct plan *, size_t step);
/* Seconds the wait-gone step waits for the destroyed domain to go. */
#define WAIT_GONE_SECS		60

/* backoff.c: seconds before retrying a destroy that failed TRIES times. */
#define DESTROY_BACKOFF_MAX	60
unsigned	 destroy_backoff(unsigned tries);

/* Values for argv templates: %n %u %d %r %c %%. */
struct template_vars {
	const char	*name;		/* raw domain name, sanitised on use */
	const char	*uuid;
	unsigned	 domid;
	const char	*reason;
	const char	*coredump;	/* path, or "" */
};

/*
 * Expand a NULL-terminated argv template into a new NULL-terminated argv
 * (free with template_free).  %n gives the sanitised name (name_sanitize),
 * so that it is safe in a path, never an option, and distinct for
 * distinct names; an unknown %x is -EINVAL.
 */
int		 template_expand(char *const *tmpl, const struct template_vars *,
		     char ***out);
void		 template_free(char **);

/*
 * A domain name made safe as one file-name component (%n, dump files):
 * a name of bytes in [A-Za-z0-9._+-] not starting with '.' or '-' and
 * shorter than NAME_SAFE_MAX is kept; any other has its unsafe bytes and
 * a leading '.' or '-' replaced by '_', is cut, and gets NAME_MARK and 16
 * hex digits of a hash of the raw name, so distinct names stay distinct.
 * Never starts with '.', '-' or '~', never contains '/', never "." or "..",
 * shorter than NAME_SAFE_MAX.
 */
#define NAME_SAFE_MAX 64
#define NAME_MARK '~'	/* only in changed names: never a safe byte */
void		 name_sanitize(const char *in, char *out, size_t outlen);

/* "<name>-crashed-<UTC yyyymmddThhmmssZ>" into out; -ENAMETOOLONG. */
int		 rename_crashed(const char *name, time_t when, char *out,
		     size_t outlen);

/* evidence.c: a guest's and Xen's words about a crash, made safe. */
/* What Linux's panic() prints before its message. */
#define PANIC_MARK	"Kernel panic - not syncing"
#define PANIC_PREFIX	PANIC_MARK ": "
size_t		 text_escape(const char *in, size_t len, bool keep_nl,
		     char *out, size_t outlen);
const char	*panic_line(const char *text, size_t *len);
const char	*panic_caller(const char *text, size_t *len);
bool		 panic_seen(const char *text);
const char	*kmsg_panic(const char *buf, size_t len, size_t limit,
		     size_t max, size_t *n);
size_t		 kmsg_confirm(const char *buf, size_t len, size_t limit,
		     const char *msg, size_t mlen, size_t lo);
bool		 xenlog_names(const char *line, size_t len, unsigned domid);

#endif
