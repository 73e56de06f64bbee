/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xc-handle.h: the stand-in libraries' handle and their link to the
 * simulator's control socket (XENSIM_SOCKET).  Compiled into both
 * libxenctrl.so.4.17 and libxenguest.so.4.17; only xc_* symbols are
 * exported.
 */
#ifndef XENSIM_XC_HANDLE_H
#define XENSIM_XC_HANDLE_H

#include <stddef.h>
#include <sys/types.h>

#include <xenctrl.h>

struct xc_interface_core {
	int		 fd;
	pid_t		 pid;		/* the opener; children must not use it */
	char		 rbuf[65536];
	size_t		 rlen;
	size_t		 roff;
	xc_error	 last_error;
};

/* Abort loudly if used in a forked child. */
void		 xcs_check(xc_interface *);
/* Connect to the simulator; fd or -errno. */
int		 xcs_connect(void);
/*
 * Send one request (tokens already encoded, no newline) and read the
 * reply.  Data lines go to lines (NUL-terminated, '\n' separated), the
 * raw part to raw.  Returns the number of data lines, or -errno (from the
 * simulator's ERR or the transport).
 */
int		 xcs_call(xc_interface *, char *lines, size_t linescap,
		     void *raw, size_t rawcap, size_t *rawlen,
		     const char *fmt, ...)
		     __attribute__((format(printf, 7, 8)));
void		 xcs_set_error(xc_interface *, int err, const char *what);

#endif
