/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf-internal.h: what the files of conf/ share.  Only conf/ (and its unit
 * tests) include it; the rest of the daemon sees conf.h and never a
 * config_setting_t.
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

/* What a key holds, and so how it is read, checked, defaulted and freed. */
enum conf_type {
	CONF_GROUP,	/* { ... }: the keys whose scope it is */
	CONF_LIST,	/* ( { ... }, ... ): an array of structs and a count */
	CONF_DIR,	/* char *: an absolute path (a directory, or
			   metrics.textfile's file); NULL default: unset */
	CONF_INT,	/* int within [min, max] */
	CONF_UINT,	/* unsigned within [min, max] */
	CONF_SIZE,	/* uint64_t bytes: an integer or "10G" */
	CONF_ENUM,	/* an int-sized enum: the index of one of words */
	CONF_POLICY,	/* enum action; one that restarts needs restart.command */
	CONF_FALLBACK,	/* enum action that does not restart */
	CONF_ARGV,	/* char **: a command template, no shell */
	CONF_GLOB,	/* char *: an fnmatch(3) glob */
	CONF_UUID,	/* char *: a UUID, stored lower-case */
	CONF_WORDS,	/* unsigned: a list of words, bit N for words[N] */
};

#define CONF_REQUIRED	0x1	/* a list element must have it */
#define CONF_HAS	0x2	/* sets the bool at .has when given */

struct conf_ctx;

/*
 * One key of the file.  Keys of a group have its dotted path as scope
 * ("" at the top, "dump"); keys of the elements of a list have the list's
 * path and "[]" ("hooks[]", "domains[].restart").  Offsets are into struct
 * conf, or into the list element for scopes under a list.
 */
struct conf_key {
	const char		*scope;
	const char		*name;
	enum conf_type		 type;
	int			 flags;
	long long		 min;		/* CONF_INT, CONF_UINT */
	long long		 max;
	long long		 dflt;		/* integers, enums, actions */
	const char		*dflt_str;	/* CONF_DIR */
	const char		*from;		/* default: this key's value */
	size_t			 off;
	size_t			 has;		/* CONF_HAS */
	const char *const	*words;		/* CONF_ENUM, CONF_WORDS */
	size_t			 count;		/* CONF_LIST: its size_t count */
	size_t			 size;		/* CONF_LIST: element size */
	/* CONF_LIST: checks that span the keys of one element. */
	void			(*check)(struct conf_ctx *,
				    const config_setting_t *, const char *,
				    void *);
	const char		*example;	/* how to write one, in messages */
	const char		*doc;		/* one line for people */
};

/* The table, ending with a NULL name (conf-parse.c). */
extern const struct conf_key conf_keys[];

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

/* Where one line of the text libconfig parsed came from. */
struct conf_src {
	const char	*file;
	int		 line;
};

/* The main file with its includes spliced in (conf-file.c). */
struct conf_text {
	char		 *text;
	size_t		  len;
	size_t		  cap;
	struct conf_src	 *src;		/* one per line of text */
	size_t		  nsrc;
	char		**files;	/* the names src points to */
	size_t		  nfiles;
	char		 *include_dir;	/* relative @include base, or NULL */
};

/* One load in progress: the struct being filled and what went wrong. */
struct conf_ctx {
	const char		*name;		/* file name used in messages */
	const struct conf_src	*src;		/* line map of the text */
	size_t			 nsrc;
	const config_setting_t	*root;
	struct conf		*conf;
	struct conf_msg		*msgs;
	size_t			 nmsgs;
	struct conf_bigint	*bigints;
	size_t			 nbigints;
	int			 nomem;
};

/* conf-error.c */
void	 conf_where(const struct conf_ctx *, int, const char **, int *);
void	 conf_error(struct conf_ctx *, const config_setting_t *,
	     const char *, ...) __attribute__((format(printf, 3, 4)));
void	 conf_nomem(struct conf_ctx *);
void	 conf_argv_free(char **);
void	 conf_errors_add(struct conf_errors *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));

/* conf-file.c */
int	 conf_text_file(struct conf_text *, const char *,
	     struct conf_errors *);
int	 conf_text_string(struct conf_text *, const char *, const char *,
	     const char *, struct conf_errors *);
void	 conf_text_free(struct conf_text *);

/* conf-parse.c */
void	 conf_parse(struct conf_ctx *, const config_setting_t *);
int	 conf_defaults(struct conf *);
void	 conf_values_free(struct conf *);
const struct conf_key *conf_key_find(const char *);
void	 conf_key_path(const struct conf_key *, char *, size_t);
void	 conf_key_default(const struct conf_key *, char *, size_t);
void	 conf_key_valid(const struct conf_key *, char *, size_t);

/* conf-value.c */
void	 conf_path(char *, size_t, const char *, const char *);
void	 conf_path_index(char *, size_t, const char *, unsigned);
void	 conf_type_error(struct conf_ctx *, const config_setting_t *,
	     const char *, const char *);
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
