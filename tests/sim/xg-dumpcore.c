/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xg-dumpcore.c: the stand-in libxenguest.so.4.17's core dumps.  The
 * simulator is asked for the domain's parameters (and any injected fault)
 * once; the image itself is generated here, in the caller's process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core-image.h"
#include "proto.h"
#include "xc-handle.h"

struct cb_arg {
	xc_interface	*xch;
	void		*arg;
	dumpcore_rtn_t	*rtn;
};

static int
parse_params(char *line, struct core_params *p)
{
	char uuid[40];
	unsigned long long pages;
	unsigned i;
	int hi, lo;

	memset(p, 0, sizeof(*p));
	if (sscanf(line, "uuid=%39s pages=%llu vcpus=%u zero=%u random=%u "
	    "fail=%d delay=%lf", uuid, &pages, &p->vcpus, &p->zero_pct,
	    &p->random_pct, &p->fail_err, &p->delay) != 7)
		return -EPROTO;
	p->pages = pages;
	for (i = 0; i < 16; i++) {
		const char *s = uuid + 2 * i + (i >= 4) + (i >= 6) + (i >= 8) +
		    (i >= 10);

		if (sscanf(s, "%1x%1x", (unsigned *)&hi, (unsigned *)&lo) != 2)
			return -EPROTO;
		p->uuid[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int
via_cb(void *arg, char *buf, unsigned int len)
{
	struct cb_arg *a = arg;

	return a->rtn(a->xch, a->arg, buf, len);
}

/* Ask, stream, report: one history record per dump. */
static int
dump(xc_interface *xch, const char *fn, uint32_t domid, const char *path,
    core_sink sink, void *arg)
{
	char lines[512], enc[3 * 4096 + 1], res[32];
	struct core_params p;
	uint64_t bytes = 0;
	int rc, err;

	xcs_check(xch);
	if (path != NULL)
		rc = xcs_call(xch, lines, sizeof(lines), NULL, 0, NULL,
		    "xc_dump_begin %s %u %s", fn, domid,
		    proto_encode(path, enc, sizeof(enc)));
	else
		rc = xcs_call(xch, lines, sizeof(lines), NULL, 0, NULL,
		    "xc_dump_begin %s %u", fn, domid);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	if (rc != 1 || parse_params(lines, &p) != 0) {
		errno = EPROTO;
		return -1;
	}
	rc = core_stream(&p, sink, arg, &bytes);
	err = errno;
	if (rc == 0)
		snprintf(res, sizeof(res), "0");
	else if (rc < 0)
		snprintf(res, sizeof(res), "-%s",
		    proto_errname(rc == -1 ? err : -rc));
	else
		snprintf(res, sizeof(res), "%d", rc);
	(void)xcs_call(xch, NULL, 0, NULL, 0, NULL,
	    "xc_dump_end %s %u %s %llu%s%s", fn, domid, res,
	    (unsigned long long)bytes, path != NULL ? " " : "",
	    path != NULL ? enc : "");
	errno = err;
	return rc;
}

int
xc_domain_dumpcore_via_callback(xc_interface *xch, uint32_t domid, void *arg,
    dumpcore_rtn_t dump_rtn)
{
	struct cb_arg a = { xch, arg, dump_rtn };

	return dump(xch, "xc_domain_dumpcore_via_callback", domid, NULL, via_cb,
	    &a);
}

static int
file_cb(void *arg, char *buf, unsigned int len)
{
	int fd = *(int *)arg;
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (unsigned)n;
	}
	return 0;
}

int
xc_domain_dumpcore(xc_interface *xch, uint32_t domid, const char *corename)
{
	int fd, rc, err;

	xcs_check(xch);
	fd = open(corename, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "xensim: could not open %s: %s\n", corename,
		    strerror(err));
		errno = err;
		return -err;
	}
	rc = dump(xch, "xc_domain_dumpcore", domid, corename, file_cb, &fd);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}
