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

#include "proto.h"

static void
usage(void)
{
	fprintf(stderr,
"usage: xensimctl [-s SOCKET] COMMAND [ARGS...]\n"
"  create NAME [--mem MiB] [--uuid U] [--vcpus N] [--zero-pct P]\n"
"         [--random-pct P]                     prints the domid\n"
"  create-many N PREFIX [--mem MiB]           prints the domids\n"
"  crash D | watchdog D | destroy D | pause D | unpause D\n"
"  shutdown D poweroff|reboot|suspend|crash|watchdog|soft_reset\n"
"  crash-every K                              crash every K-th domain\n"
"  list                                       domid name uuid state\n"
"  info D | read PATH | write PATH VALUE | rm PATH\n"
"  history | history clear\n"
"  fail OP ERRNO [COUNT] | fail OP off | delay OP SECONDS\n"
"  destroy-delay MS | drop-connections | xenstored stop|start\n"
"  release-event early|late    @releaseDomain as Xen 4.17 (early) or once\n"
"                              the domain is gone (late, the default)\n"
"  xs-restrict DOMID                          next xenstore client is DOMID\n"
"  xs-history on|off                          record xenstore requests too\n");
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
