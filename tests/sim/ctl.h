/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h: the commands of the control socket, described once in
 * ctl-table.c: xensim dispatches through the table, xensimctl prints its
 * help from it.  (The stand-ins' xc_* calls have their own table in
 * control.c.)
 */
#ifndef XENSIM_CTL_H
#define XENSIM_CTL_H

#define CTL_ARGS_ANY	(-1)	/* max_args: no upper limit */

struct ctl_conn;
struct reply;

/* A command: argv[0] is its name; reply through c, lines into r. */
typedef void	 ctl_fn(struct ctl_conn *c, int argc, char **argv,
		     struct reply *r);

struct ctl_cmd {
	const char	*name;
	int		 min_args;	/* counted after the name */
	int		 max_args;	/* or CTL_ARGS_ANY */
	ctl_fn		*fn;		/* NULL in xensimctl */
	const char	*args;		/* for "usage: NAME ARGS" */
	const char	*help;
};

/* The table, ended by a NULL name. */
extern const struct ctl_cmd ctl_cmds[];
const struct ctl_cmd *ctl_find(const char *name);

/* control.c */
ctl_fn	cmd_create, cmd_shutdown, cmd_domain_op, cmd_crash_every, cmd_list,
	cmd_info, cmd_store, cmd_history, cmd_fault, cmd_destroy_delay,
	cmd_release_event, cmd_drop_connections, cmd_xenstored,
	cmd_xs_history, cmd_xs_restrict, cmd_ping, cmd_console, cmd_devices,
	cmd_ls, cmd_libxl, cmd_xl_config, cmd_fire;

#endif
