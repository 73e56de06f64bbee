/*
 * conf-internal.h: what the files of conf/ share.  Only conf/ includes it;
 * the rest of the daemon sees conf.h and never a config_setting_t.
 */
#ifndef CW_CONF_INTERNAL_H
#define CW_CONF_INTERNAL_H

#include <libconfig.h>

#include "conf.h"

/* A configuration is small; a huge file is a mistake (or /dev/zero). */
#define CONF_MAX_SIZE	(1 << 20)

/* Longest state_dir or dump.directory: well under PATH_MAX. */
#define CONF_DIR_MAX	1024

/* Largest value accepted where the file format says only "at least N". */
#define CONF_NOMAX	2147483647LL

#define CONF_ACTION_WORDS "preserve, destroy, hard-shutdown, restart, " \
	"rename-restart, coredump-destroy, coredump-restart, coredump-preserve"

/* One error, kept with its line so that they can be reported in order. */
struct conf_msg {
	int	 line;
	char	*text;
};

/* An integer literal libconfig will have truncated (see conf-literal.c). */
struct conf_bigint {
	int	 line;
	int32_t	 value;		/* what libconfig will report */
	char	 text[24];	/* as written, maybe cut short */
};

/* One load in progress: the struct being filled and what went wrong. */
struct conf_ctx {
	const char	*name;		/* file name used in messages */
	const char	*include_dir;	/* relative @include base, or NULL */
	struct conf	*conf;
	struct conf_msg	*msgs;
	size_t		 nmsgs;
	struct conf_bigint *bigints;
	size_t		 nbigints;
	int		 nomem;
	int		 restart_command_seen;
};

/* conf.c */
void	 conf_error(struct conf_ctx *, const config_setting_t *,
	     const char *, ...) __attribute__((format(printf, 3, 4)));
void	 conf_nomem(struct conf_ctx *);
void	 conf_argv_free(char **);

/* conf-parse.c */
void	 conf_parse(struct conf_ctx *, const config_setting_t *);

/* conf-value.c */
void	 conf_path(char *, size_t, const char *, const char *);
void	 conf_path_index(char *, size_t, const char *, unsigned);
int	 conf_value_group(struct conf_ctx *, const config_setting_t *,
	     const char *, const char *const *);
int	 conf_value_int(struct conf_ctx *, const config_setting_t *,
	     const char *, long long, long long, long long *);
int	 conf_value_uint(struct conf_ctx *, const config_setting_t *,
	     const char *, long long, long long, unsigned *);
int	 conf_value_string(struct conf_ctx *, const config_setting_t *,
	     const char *, const char **);
int	 conf_replace(struct conf_ctx *, char **, const char *);
int	 conf_value_dir(struct conf_ctx *, const config_setting_t *,
	     const char *, char **);
int	 conf_value_size(struct conf_ctx *, const config_setting_t *,
	     const char *, uint64_t *);
int	 conf_value_action(struct conf_ctx *, const config_setting_t *,
	     const char *, enum action *);
int	 conf_value_argv(struct conf_ctx *, const config_setting_t *,
	     const char *, char ***);

/* conf-literal.c */
void	 conf_literal_scan(struct conf_ctx *, const char *);
int	 conf_literal_check(struct conf_ctx *, const config_setting_t *,
	     const char *);

/* conf-match.c */
int	 conf_value_glob(struct conf_ctx *, const config_setting_t *,
	     const char *, char **);
int	 conf_value_uuid(struct conf_ctx *, const config_setting_t *,
	     const char *, char **);

#endif
