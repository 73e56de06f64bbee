/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proto.c: token encoding and errno names for the control protocol.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static const struct {
	int		 num;
	const char	*name;
} errnames[] = {
#define E(x) { x, #x }
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(EBADF), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY),
	E(EEXIST), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE),
	E(EMFILE), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EPIPE),
	E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOSYS), E(ENOTEMPTY),
	E(ELOOP), E(ENODATA), E(ETIME), E(EOVERFLOW), E(EDQUOT), E(ETIMEDOUT),
	E(ECONNREFUSED), E(ECONNRESET), E(EISCONN), E(ENOTCONN),
	E(EOPNOTSUPP), E(ECANCELED), E(ERESTART), E(ENOTRECOVERABLE),
#undef E
};

/* Percent-encode so a token never holds a separator or a line break. */
char *
proto_encode(const char *src, char *dst, size_t dstlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0;

	for (; *s != '\0' && n + 4 < dstlen; s++) {
		if (*s <= 0x20 || *s == '%' || *s >= 0x7f) {
			dst[n++] = '%';
			dst[n++] = hex[*s >> 4];
			dst[n++] = hex[*s & 15];
		} else
			dst[n++] = (char)*s;
	}
	if (src[0] == '\0' && dstlen > 4) {
		/* An empty token would vanish between separators. */
		memcpy(dst, "%00", 3);
		n = 3;
	}
	dst[n] = '\0';
	return dst;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo proto_encode in place; "%00" alone means the empty string. */
size_t
proto_decode(char *s)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '%' && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			s[o] = (char)(hi << 4 | lo);
			if (s[o] != '\0')
				o++;
			i += 2;
		} else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/* Split on spaces and decode each token. */
int
proto_split(char *line, char **argv, int max)
{
	char *p, *save = NULL;
	int n = 0;

	for (p = strtok_r(line, " \t\r\n", &save); p != NULL;
	    p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return -1;
		proto_decode(p);
		argv[n++] = p;
	}
	return n;
}

const char *
proto_errname(int err)
{
	static __thread char buf[16];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].num == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

int
proto_errnum(const char *name)
{
	size_t i;
	char *end;
	long v;

	if (name[0] == '-')
		name++;
	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcasecmp(errnames[i].name, name) == 0)
			return errnames[i].num;
	if (name[0] == 'E' && name[1] >= '0' && name[1] <= '9')
		name++;
	v = strtol(name, &end, 10);
	if (*name != '\0' && *end == '\0' && v > 0 && v < 4096)
		return (int)v;
	return 0;
}
