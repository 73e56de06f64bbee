/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-table.c: xensimctl's commands, their arguments and help, in one
 * place.  Built into xensim with the handlers (XENSIM_CTL_HANDLERS) and
 * into xensimctl without them.
 */
#include <stddef.h>
#include <string.h>

#include "ctl.h"

#ifdef XENSIM_CTL_HANDLERS
#define H(fn)	fn
#else
#define H(fn)	NULL
#endif

const struct ctl_cmd ctl_cmds[] = {
	{ "create", 1, CTL_ARGS_ANY, H(cmd_create),
	  "NAME [--mem MiB] [--uuid U] [--domid D] [--vcpus N] "
	  "[--zero-pct P] [--random-pct P] [--hvm] [--offline-vcpus N] "
	  "[--unnamed]",
	  "a domain; prints its domid" },
	{ "create-many", 2, CTL_ARGS_ANY, H(cmd_create),
	  "N PREFIX [--mem MiB] [--vcpus N] [--zero-pct P] [--random-pct P]",
	  "PREFIX-1..PREFIX-N; prints the domids" },
	{ "crash", 1, 1, H(cmd_shutdown), "D",
	  "shut D down as crashed; fires @releaseDomain" },
	{ "watchdog", 1, 1, H(cmd_shutdown), "D",
	  "shut D down by its watchdog" },
	{ "shutdown", 2, 2, H(cmd_shutdown),
	  "D poweroff|reboot|suspend|crash|watchdog|soft_reset",
	  "shut D down for that reason" },
	{ "crash-every", 1, 1, H(cmd_crash_every), "K",
	  "crash every K-th domain; one event" },
	{ "console", 2, 2, H(cmd_console), "D TEXT",
	  "TEXT printed to D's console ring (wraps at 2 KiB)" },
	{ "console-fill", 2, 2, H(cmd_console), "D BYTE",
	  "D's console ring full of one byte (0-255)" },
	{ "console-index", 3, 3, H(cmd_console), "D PROD CONS",
	  "set the ring's out_prod and out_cons as a broken guest may" },
	{ "kernel-log", 2, 2, H(cmd_console), "D TEXT",
	  "TEXT as a line of the log D's kernel keeps in its memory" },
	{ "kernel-panic", 2, 2, H(cmd_console), "D MSG",
	  "D's kernel panics: its log line, and panic()'s copy of MSG" },
	{ "xen-log", 1, 1, H(cmd_console), "TEXT",
	  "a line in Xen's console ring (xl dmesg)" },
	{ "destroy", 1, 1, H(cmd_domain_op), "D",
	  "dying at once, gone after destroy-delay" },
	{ "devices", 1, 1, H(cmd_devices), "D",
	  "a console and a disk through a loop device (DIR/loop), as "
	  "xl create makes them" },
	{ "xl-config", 2, 2, H(cmd_xl_config), "D JSON",
	  "the configuration xl create stored for D (libxl-json)" },
	{ "libxl", 1, 1, H(cmd_libxl), "on|off",
	  "whether the stand-in libxenlight opens (default on)" },
	{ "pause", 1, 1, H(cmd_domain_op), "D", "pause D" },
	{ "unpause", 1, 1, H(cmd_domain_op), "D", "unpause D" },
	{ "list", 0, 0, H(cmd_list), "", "domid name uuid state" },
	{ "info", 1, 1, H(cmd_info), "D", "flags=0x.. mem=MiB vcpus=N" },
	{ "read", 1, 1, H(cmd_store), "PATH", "a xenstore value" },
	{ "write", 2, 2, H(cmd_store), "PATH VALUE",
	  "write a value, firing watches" },
	{ "rm", 1, 1, H(cmd_store), "PATH",
	  "remove a subtree, firing watches" },
	{ "ls", 1, 1, H(cmd_ls), "PATH",
	  "every node under PATH: path = value, depth first" },
	{ "history", 0, 1, H(cmd_history), "[clear|count]",
	  "the calls the stand-ins made, or forget them, or how many "
	  "of each function" },
	{ "fire", 1, 1, H(cmd_fire), "@NAME|PATH",
	  "fire its watches with nothing changed (a spurious event)" },
	{ "fail", 2, 3, H(cmd_fault), "OP ERRNO [COUNT] | fail OP off",
	  "fail the next COUNT (1; 0: all) OP calls" },
	{ "delay", 2, 2, H(cmd_fault), "OP SECONDS",
	  "answer OP calls that much later" },
	{ "destroy-delay", 1, 1, H(cmd_destroy_delay), "MS",
	  "from dying to gone (default 20)" },
	{ "release-event", 1, 1, H(cmd_release_event), "early|late",
	  "@releaseDomain at dying (Xen 4.17) or when gone" },
	{ "drop-connections", 0, 0, H(cmd_drop_connections), "",
	  "xenstored drops every client" },
	{ "xenstored", 1, 2, H(cmd_xenstored), "stop [xenbus]|start",
	  "close or reopen it; the store stays.  With xenbus, a xenbus "
	  "device stands in its place, whose requests wait for start" },
	{ "xs-restrict", 1, 1, H(cmd_xs_restrict), "DOMID",
	  "the next xenstore client is DOMID" },
	{ "xs-history", 1, 1, H(cmd_xs_history), "on|off",
	  "record xenstore requests too" },
	{ "ping", 0, 0, H(cmd_ping), "", "is the simulator there?" },
	{ NULL, 0, 0, NULL, NULL, NULL }
};

const struct ctl_cmd *
ctl_find(const char *name)
{
	const struct ctl_cmd *cmd;

	for (cmd = ctl_cmds; cmd->name != NULL; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	return NULL;
}
