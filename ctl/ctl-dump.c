/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-dump.c: "dump" and "debug": a core as the plain ELF file that
 * "xl dump-core" writes, whatever the daemon stored (zstd undone with
 * libzstd's streaming API), with runs of zero pages written as holes
 * when the output can seek, so a 4 GiB guest's mostly empty core takes
 * little room; then, for "debug", crash(8) on it.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "ctl.h"

#define BLOCK	4096

/* OUT gets LEN bytes of BUF; zero blocks become holes if SPARSE. */
static int
put(int out, const unsigned char *buf, size_t len, bool sparse,
    off_t *pos, off_t *end)
{
	static const unsigned char	zero[BLOCK];
	size_t				n;
	ssize_t				w;

	while (len > 0) {
		n = len < BLOCK ? len : BLOCK;
		if (sparse && n == BLOCK && memcmp(buf, zero, BLOCK) == 0) {
			if (lseek(out, (off_t)n, SEEK_CUR) == -1)
				return -errno;
		} else {
			for (size_t done = 0; done < n; done += (size_t)w) {
				w = write(out, buf + done, n - done);
				if (w == -1 && errno == EINTR) {
					w = 0;
					continue;
				}
				if (w <= 0)
					return w == 0 ? -EIO : -errno;
			}
		}
		*pos += (off_t)n;
		if (*pos > *end)
			*end = *pos;
		buf += n;
		len -= n;
	}
	return 0;
}

int
core_copy(const struct rec *r, int out, const char *outname)
{
	ZSTD_DStream	*z = NULL;
	unsigned char	*in = NULL, *obuf = NULL;
	size_t		 inlen, olen, ret;
	struct stat	 st;
	off_t		 pos = 0, end = 0;
	ssize_t		 n;
	bool		 sparse;
	int		 fd, err = 0;

	if (r->core_state == CORE_HIDDEN) {
		ctl_warn("%s: cores hold guest memory: run as root", r->core);
		return -EACCES;
	}
	if (r->core_state != CORE_PRESENT) {
		ctl_warn("incident %s has %s core", r->id,
		    r->core_state == CORE_NONE ? "no" : "a missing");
		return -ENOENT;
	}
	if ((fd = open(r->core, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		err = errno;
		ctl_warn("%s: %s%s", r->core, strerror(err), err == EACCES ?
		    " (cores hold guest memory: run as root)" : "");
		return -err;
	}
	sparse = fstat(out, &st) == 0 && S_ISREG(st.st_mode);
	inlen = ZSTD_DStreamInSize();
	olen = ZSTD_DStreamOutSize();
	if ((in = malloc(inlen)) == NULL || (obuf = malloc(olen)) == NULL ||
	    (r->core_zstd && (z = ZSTD_createDStream()) == NULL)) {
		err = ENOMEM;
		goto done;
	}
	for (;;) {
		n = read(fd, in, inlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = errno;
			break;
		}
		if (n == 0)
			break;
		if (!r->core_zstd) {
			if ((err = -put(out, in, (size_t)n, sparse, &pos, &end))
			    != 0)
				break;
			continue;
		}
		ZSTD_inBuffer	zi = { in, (size_t)n, 0 };

		while (zi.pos < zi.size) {
			ZSTD_outBuffer zo = { obuf, olen, 0 };

			ret = ZSTD_decompressStream(z, &zo, &zi);
			if (ZSTD_isError(ret)) {
				ctl_warn("%s: not sound zstd: %s", r->core,
				    ZSTD_getErrorName(ret));
				err = EINVAL;
				goto done;
			}
			if ((err = -put(out, obuf, zo.pos, sparse, &pos, &end))
			    != 0)
				goto done;
		}
	}
	/* A hole at the end is not a size: set it. */
	if (err == 0 && sparse && ftruncate(out, end) == -1)
		err = errno;
done:
	if (err != 0 && err != EINVAL)
		ctl_warn("%s: %s", outname, strerror(err));
	ZSTD_freeDStream(z);
	free(in);
	free(obuf);
	close(fd);
	return -err;
}

int
cmd_dump(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const struct rec	*r;
	struct recs		 rs;
	const char		*path = NULL;
	int			 ch, out, rc;

	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (ch != 'o')
			return CTL_USAGE;
		path = optarg;
	}
	if (path == NULL && isatty(STDOUT_FILENO)) {
		ctl_warn("refusing to write a core to a terminal: give -o FILE "
		    "or redirect the output");
		return CTL_USAGE;
	}
	if ((r = ctl_one(c, argc, argv, "dump", &rs)) == NULL)
		return argc - optind != 1 ? CTL_USAGE : CTL_NOMATCH;
	out = STDOUT_FILENO;
	if (path != NULL && (out = open(path, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600)) == -1) {
		ctl_warn("%s: %s", path, strerror(errno));
		recs_free(&rs);
		return CTL_NOMATCH;
	}
	rc = core_copy(r, out, path != NULL ? path : "standard output") == 0 ?
	    CTL_OK : CTL_NOMATCH;
	if (path != NULL) {
		if (close(out) == -1 && rc == CTL_OK) {
			ctl_warn("%s: %s", path, strerror(errno));
			rc = CTL_NOMATCH;
		}
		if (rc != CTL_OK)
			unlink(path);
		else
			fprintf(stderr, "%s: core of %s (%s) written to %s\n",
			    CTL_NAME, r->name, r->id, path);
	}
	recs_free(&rs);
	return rc;
}

/* PROG found in $PATH (or a path that is executable)? */
static bool
in_path(const char *prog)
{
	const char	*path = getenv("PATH");
	char		 buf[4096];
	const char	*p, *colon;

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	for (p = path != NULL ? path : "/usr/bin:/bin"; ; p = colon + 1) {
		colon = strchr(p, ':');
		snprintf(buf, sizeof buf, "%.*s/%s", colon != NULL ?
		    (int)(colon - p) : (int)strlen(p), p, prog);
		if (access(buf, X_OK) == 0)
			return true;
		if (colon == NULL)
			return false;
	}
}

int
cmd_debug(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "debugger", required_argument, NULL, 'd' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const struct rec	*r;
	struct recs		 rs;
	const char		*debugger = "crash", *vmlinux = NULL, *tmpdir;
	char			 tmp[4096];
	pid_t			 pid;
	int			 ch, fd, st, rc = CTL_NOMATCH;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			debugger = optarg;
			break;
		case 'k':
			vmlinux = optarg;
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (argc - optind != 1) {
		ctl_warn("debug takes one incident ID or MATCH");
		return CTL_USAGE;
	}
	if (!in_path(debugger)) {
		ctl_warn("%s is not installed: apt install crash, or pass "
		    "--debugger PROGRAM", debugger);
		return CTL_NOMATCH;
	}
	if (vmlinux == NULL || access(vmlinux, R_OK) != 0) {
		ctl_warn("%s%s: pass --vmlinux FILE, the guest kernel with its "
		    "debug symbols (Debian: linux-image-VERSION-dbg, "
		    "/usr/lib/debug/boot/vmlinux-VERSION)", vmlinux != NULL ?
		    vmlinux : "no vmlinux", vmlinux != NULL ?
		    ": cannot read it" : "");
		return CTL_NOMATCH;
	}
	if ((r = ctl_one(c, argc, argv, "debug", &rs)) == NULL)
		return CTL_NOMATCH;
	/* Large and sparse: beside other big files, not in a small /tmp. */
	if ((tmpdir = getenv("TMPDIR")) == NULL)
		tmpdir = "/var/tmp";
	snprintf(tmp, sizeof tmp, "%s/xen-crashwatch-%.12s.XXXXXX.core",
	    tmpdir, r->id);
	if ((fd = mkstemps(tmp, 5)) == -1) {
		ctl_warn("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (core_copy(r, fd, tmp) != 0) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		execlp(debugger, debugger, vmlinux, tmp, (char *)NULL);
		ctl_warn("%s: %s", debugger, strerror(errno));
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	rc = pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? CTL_OK :
	    CTL_NOMATCH;
	unlink(tmp);
out:
	recs_free(&rs);
	return rc;
}
