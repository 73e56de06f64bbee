/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proto.h: the simulator's control protocol, shared by xensim, xensimctl
 * and the stand-in libraries.
 *
 * A request is one line of space-separated tokens.  Tokens are
 * percent-encoded (bytes <= 0x20, '%' and >= 0x7f become %XX) so names
 * with spaces, newlines or control bytes travel intact.  A reply is
 *
 *	OK <nlines> [<nbytes>]\n	then nlines encoded lines, then nbytes raw
 *	ERR <ERRNO-NAME> <message>\n
 *
 * The raw part carries binary records (xc_domaininfo_t arrays) that would
 * be slow to print and parse.
 */
#ifndef XENSIM_PROTO_H
#define XENSIM_PROTO_H

#include <stddef.h>

#define PROTO_LINE_MAX	32768
#define PROTO_TOKENS_MAX 32

/* Percent-encode src into dst (dstlen >= 3 * strlen + 1); returns dst. */
char		*proto_encode(const char *src, char *dst, size_t dstlen);
/* Decode in place; returns the new length. */
size_t		 proto_decode(char *s);
/* Split a line into decoded tokens; returns the count or -1. */
int		 proto_split(char *line, char **argv, int max);

/* "ENOENT" for ENOENT, "E<n>" for unknown numbers. */
const char	*proto_errname(int err);
/* The errno for a name ("ENOENT" or "-ENOENT" or a number); 0 if unknown. */
int		 proto_errnum(const char *name);

#endif
