/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.h: the daemon's configuration as plain C.
 *
 * conf_load() turns a libconfig file into a struct conf; nothing outside
 * conf/ ever sees a config_t.  A struct conf is immutable once loaded: a
 * reload builds a new one and swaps it in only on success.
 */
#ifndef CW_CONF_H
#define CW_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What to do with a crashed (or watchdog-expired) domain: xl's words. */
enum action {
	ACTION_PRESERVE,
	ACTION_DESTROY,
	ACTION_RESTART,
	ACTION_RENAME_RESTART,
	ACTION_COREDUMP_DESTROY,
	ACTION_COREDUMP_RESTART,
	ACTION_COREDUMP_PRESERVE,
	/* Not for configurations: the toolstack acts on this guest's crash
	 * itself (xl's on_crash), so we only look (policy_decide). */
	ACTION_OBSERVE,
};
#define ACTION_COUNT 8

enum dump_compress {
	DUMP_COMPRESS_NONE,
	DUMP_COMPRESS_ZSTD,
};

struct conf_restart {
	unsigned	 burst;		/* restarts allowed per interval */
	unsigned	 interval;	/* seconds */
	enum action	 fallback;	/* when the burst is used up */
};

/* The events of a crash a hook may run for (hooks[].events). */
#define HOOK_EVENT_DETECTED	0x1	/* crash-detected: evidence read */
#define HOOK_EVENT_HANDLED	0x2	/* crash-handled: the plan went well */
#define HOOK_EVENT_SUPPRESSED	0x4	/* restart-suppressed: limit reached */
#define HOOK_EVENT_FAILED	0x8	/* crash-failed: a step failed */
#define HOOK_EVENTS_ALL		0xf

struct conf_hook {
	char		**argv;		/* NULL-terminated template */
	unsigned	  timeout;	/* seconds */
	unsigned	  events;	/* HOOK_EVENT_* */
};

/* One entry of "domains": matched by name glob or by UUID, in file order. */
struct conf_rule {
	char			*match;		/* fnmatch(3) glob, or NULL */
	char			*uuid;		/* lower-case canonical, or NULL */
	int			 line;		/* where it was defined */
	bool			 has_on_crash;
	enum action		 on_crash;
	bool			 has_on_watchdog;
	enum action		 on_watchdog;
	struct conf_restart	 restart;	/* resolved: global, then overrides */
};

struct conf_dump {
	char			*directory;
	unsigned		 timeout;	/* seconds */
	enum dump_compress	 compress;
	int			 compress_level;
	unsigned		 compress_threads; /* beside the reader, 0: none */
	unsigned		 max_parallel;
	uint64_t		 max_use;	/* bytes, 0: no limit */
	uint64_t		 keep_free;	/* bytes, 0: no limit */
	unsigned		 max_per_domain; /* files, 0: no limit */
};

struct conf_evidence {
	char			*console_log_dir; /* xenconsoled's guest logs */
	unsigned		 timeout;	/* seconds */
};

struct conf {
	char			*state_dir;
	struct conf_dump	 dump;
	struct conf_evidence	 evidence;
	unsigned		 incidents_max;	/* report files kept */
	char			*metrics_textfile; /* NULL: none written */
	char			**destroy_argv;	/* NULL: libxenlight's */
	unsigned		 destroy_timeout; /* seconds */
	char			**restart_argv;	/* NULL-terminated template */
	unsigned		 restart_timeout; /* seconds */
	unsigned		 restart_wait;	/* seconds for the guest to show */
	struct conf_restart	 restart;
	struct conf_hook	*hooks;
	size_t			 nhooks;
	enum action		 on_crash;	/* defaults */
	enum action		 on_watchdog;
	struct conf_rule	*rules;
	size_t			 nrules;
};

/* Every problem found in one file, each "file:line: message". */
struct conf_errors {
	char	**msgs;
	size_t	  n;
};

/* Load and validate PATH. 0 and *out set, or -errno with errs filled. */
int		 conf_load(const char *path, struct conf **out,
		     struct conf_errors *errs);
/* The same from memory; NAME is used in messages (tests, fuzzer). */
int		 conf_load_string(const char *text, const char *name,
		     struct conf **out, struct conf_errors *errs);
void		 conf_free(struct conf *);
void		 conf_errors_clear(struct conf_errors *);

const char	*action_name(enum action);
/* Accepts xl's words and "hard-shutdown"; 0 or -EINVAL. */
int		 action_parse(const char *, enum action *);
bool		 action_dumps(enum action);
bool		 action_restarts(enum action);

/* "10G", "512M", "4096": 0 or -EINVAL/-ERANGE. */
int		 conf_parse_size(const char *, uint64_t *);

#endif
