/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xc-client.c: the stand-in libraries' side of the control socket.
 * Each handle has its own connection; calls are synchronous.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"
#include "xc-handle.h"

void
xcs_check(xc_interface *xch)
{
	if (xch == NULL) {
		fprintf(stderr, "xensim: NULL xc handle\n");
		abort();
	}
	if (xch->pid != getpid()) {
		fprintf(stderr, "xensim: xc handle used after fork "
		    "(opened by pid %ld, used by pid %ld)\n",
		    (long)xch->pid, (long)getpid());
		abort();
	}
}

int
xcs_connect(void)
{
	struct sockaddr_un sun;
	const char *path = getenv("XENSIM_SOCKET");
	int fd, err;

	if (path == NULL || *path == '\0') {
		fprintf(stderr, "xensim: XENSIM_SOCKET is not set: the "
		    "stand-in libxenctrl needs a running xensim\n");
		return -ENOENT;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		err = errno;
		fprintf(stderr, "xensim: cannot connect to %s: %s\n", path,
		    strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

static int
fill(xc_interface *xch)
{
	ssize_t n;

	if (xch->roff > 0) {
		memmove(xch->rbuf, xch->rbuf + xch->roff,
		    xch->rlen - xch->roff);
		xch->rlen -= xch->roff;
		xch->roff = 0;
	}
	if (xch->rlen == sizeof(xch->rbuf))
		return -E2BIG;
	do
		n = read(xch->fd, xch->rbuf + xch->rlen,
		    sizeof(xch->rbuf) - xch->rlen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;
	xch->rlen += (size_t)n;
	return 0;
}

/* One '\n'-terminated line, NUL-terminated in place (valid until the next
 * read). */
static int
read_line(xc_interface *xch, char **out)
{
	char *nl;
	int rc;

	for (;;) {
		nl = memchr(xch->rbuf + xch->roff, '\n', xch->rlen - xch->roff);
		if (nl != NULL) {
			*nl = '\0';
			*out = xch->rbuf + xch->roff;
			xch->roff = (size_t)(nl - xch->rbuf) + 1;
			return 0;
		}
		if ((rc = fill(xch)) != 0)
			return rc;
	}
}

static int
read_raw(xc_interface *xch, char *dst, size_t len)
{
	size_t avail, n;
	ssize_t r;

	avail = xch->rlen - xch->roff;
	n = avail < len ? avail : len;
	memcpy(dst, xch->rbuf + xch->roff, n);
	xch->roff += n;
	dst += n;
	len -= n;
	while (len > 0) {
		r = read(xch->fd, dst, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ECONNRESET;
		dst += r;
		len -= (size_t)r;
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
transport_error(int rc)
{
	fprintf(stderr, "xensim: lost the simulator: %s\n", strerror(-rc));
	return -EIO;
}

int
xcs_call(xc_interface *xch, char *lines, size_t linescap, void *raw,
    size_t rawcap, size_t *rawlen, const char *fmt, ...)
{
	char req[PROTO_LINE_MAX], *l, *p;
	unsigned long nlines = 0, nbytes = 0, i;
	size_t off = 0, len;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(req, sizeof(req) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(req) - 1)
		return -E2BIG;
	req[n++] = '\n';
	if ((rc = write_all(xch->fd, req, (size_t)n)) != 0)
		return transport_error(rc);
	if ((rc = read_line(xch, &l)) != 0)
		return transport_error(rc);
	if (strncmp(l, "ERR ", 4) == 0) {
		p = strchr(l + 4, ' ');
		if (p != NULL)
			*p = '\0';
		rc = proto_errnum(l + 4);
		return -(rc ? rc : EIO);
	}
	if (sscanf(l, "OK %lu %lu", &nlines, &nbytes) < 1)
		return transport_error(-EPROTO);
	if (lines != NULL && linescap > 0)
		lines[0] = '\0';
	for (i = 0; i < nlines; i++) {
		if ((rc = read_line(xch, &l)) != 0)
			return transport_error(rc);
		len = strlen(l);
		if (lines != NULL && off + len + 2 <= linescap) {
			memcpy(lines + off, l, len);
			off += len;
			lines[off++] = '\n';
			lines[off] = '\0';
		}
	}
	if (nbytes > 0) {
		if (raw == NULL || nbytes > rawcap)
			return transport_error(-EPROTO);
		if ((rc = read_raw(xch, raw, nbytes)) != 0)
			return transport_error(rc);
	}
	if (rawlen != NULL)
		*rawlen = nbytes;
	return (int)nlines;
}

void
xcs_set_error(xc_interface *xch, int err, const char *what)
{
	xch->last_error.code = XC_INTERNAL_ERROR;
	snprintf(xch->last_error.message, sizeof(xch->last_error.message),
	    "%s: %s", what, strerror(err));
}
