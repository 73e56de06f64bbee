/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xensimctl: drive a running xensim from tests.
 *
 *	xensimctl [-s SOCKET] COMMAND [ARGS...]
 *
 * The socket defaults to $XENSIM_SOCKET.  Output lines are printed as the
 * simulator sends them, decoded; errors go to stderr with a non-zero exit.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "proto.h"

/* The help, from the table xensim dispatches through. */
static void
usage(void)
{
	const struct ctl_cmd *cmd;
	int n;

	fprintf(stderr, "usage: xensimctl [-s SOCKET] COMMAND [ARGS...]\n");
	for (cmd = ctl_cmds; cmd->name != NULL; cmd++) {
		n = fprintf(stderr, "  %s%s%s", cmd->name,
		    cmd->args[0] != '\0' ? " " : "", cmd->args);
		if (n > 30)
			fprintf(stderr, "\n%32s", "");
		else
			fprintf(stderr, "%*s", 32 - n, "");
		fprintf(stderr, "%s\n", cmd->help);
	}
	exit(2);
}

/* Commands whose output lines are decoded (values, not tables). */
static int
decoded_output(const char *cmd)
{
	return strcmp(cmd, "read") == 0;
}

int
main(int argc, char **argv)
{
	const char *path = getenv("XENSIM_SOCKET");
	struct sockaddr_un sun;
	char *req, enc[PROTO_LINE_MAX], line[PROTO_LINE_MAX * 4], *p;
	size_t len = 0, cap = 1024;
	unsigned long n = 0, i;
	FILE *f;
	int fd, a;

	if (argc >= 3 && strcmp(argv[1], "-s") == 0) {
		path = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)
		usage();
	if (path == NULL || *path == '\0') {
		fprintf(stderr, "xensimctl: no socket: use -s or set "
		    "XENSIM_SOCKET\n");
		return 1;
	}
	if ((req = malloc(cap)) == NULL)
		return 1;
	for (a = 1; a < argc; a++) {
		proto_encode(argv[a], enc, sizeof(enc));
		if (len + strlen(enc) + 2 > cap) {
			cap = (len + strlen(enc) + 2) * 2;
			if ((req = realloc(req, cap)) == NULL)
				return 1;
		}
		len += (size_t)sprintf(req + len, "%s%s", a > 1 ? " " : "",
		    enc);
	}
	req[len++] = '\n';
	if (len > PROTO_LINE_MAX) {
		fprintf(stderr, "xensimctl: request too long\n");
		return 1;
	}

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "xensimctl: socket path too long\n");
		return 1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "xensimctl: cannot connect to %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	if (write(fd, req, len) != (ssize_t)len) {
		fprintf(stderr, "xensimctl: write: %s\n", strerror(errno));
		return 1;
	}
	free(req);
	if ((f = fdopen(fd, "r")) == NULL)
		return 1;
	if (fgets(line, sizeof(line), f) == NULL) {
		fprintf(stderr, "xensimctl: no reply from %s\n", path);
		return 1;
	}
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "ERR ", 4) == 0) {
		p = strchr(line + 4, ' ');
		fprintf(stderr, "xensimctl: %s: %s\n", argv[1],
		    p != NULL ? p + 1 : line + 4);
		fclose(f);
		return 1;
	}
	if (sscanf(line, "OK %lu", &n) != 1) {
		fprintf(stderr, "xensimctl: bad reply '%s'\n", line);
		fclose(f);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (fgets(line, sizeof(line), f) == NULL) {
			fprintf(stderr, "xensimctl: short reply\n");
			fclose(f);
			return 1;
		}
		if (decoded_output(argv[1])) {
			line[strcspn(line, "\n")] = '\0';
			len = proto_decode(line);
			fwrite(line, 1, len, stdout);
			fputc('\n', stdout);
		} else
			fputs(line, stdout);
	}
	fclose(f);
	if (fflush(stdout) != 0)
		return 1;
	return 0;
}
