/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-drive: the scale benchmarks' clock, where a fork of xensimctl
 * per event would cost as much as what is measured.
 *
 *	bench-drive crash MS DOMID...	crash each, MS ms apart (0: a burst)
 *	bench-drive fire K MS		K spurious @releaseDomain, MS ms apart
 *	bench-drive stamp		copy stdin to stdout, each line after
 *					the time its first byte arrived
 *	bench-drive now			the time
 *
 * crash prints "DOMID USEC" per crash, USEC on CLOCK_MONOTONIC taken
 * just before the request goes to xensim ($XENSIM_SOCKET); stamp prints
 * "USEC line" on the same clock, so that a line of the daemon's log and
 * a line of an xl model's record compare with a crash's time.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_us(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void
sleep_ms(long ms)
{
	struct timespec	t;

	t.tv_sec = ms / 1000;
	t.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

static int
sim_connect(void)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("XENSIM_SOCKET");
	int			 fd;

	if (path == NULL || *path == '\0') {
		fprintf(stderr, "bench-drive: XENSIM_SOCKET is not set\n");
		exit(1);
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "bench-drive: socket path too long\n");
		exit(1);
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "bench-drive: %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

/* One request, one "OK 0" reply; xensim answers on one connection in
 * order, one line per reply without lines. */
static void
request(FILE *in, int fd, const char *req)
{
	char	line[512];
	size_t	len = strlen(req);

	if (write(fd, req, len) != (ssize_t)len) {
		fprintf(stderr, "bench-drive: write: %s\n", strerror(errno));
		exit(1);
	}
	if (fgets(line, sizeof(line), in) == NULL) {
		fprintf(stderr, "bench-drive: no reply to %s", req);
		exit(1);
	}
	if (strncmp(line, "OK 0", 4) != 0) {
		fprintf(stderr, "bench-drive: %.*s: %s", (int)len - 1, req,
		    line);
		exit(1);
	}
}

static long
number(const char *s, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 0 || v > max) {
		fprintf(stderr, "bench-drive: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int
stamp(void)
{
	char		buf[65536];
	ssize_t		n, i;
	int		bol = 1;
	long long	t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		t = now_us();
		for (i = 0; i < n; i++) {
			if (bol)
				printf("%lld ", t);
			putchar(buf[i]);
			bol = buf[i] == '\n';
		}
	}
	return fflush(stdout) != 0;
}

int
main(int argc, char **argv)
{
	char	 req[64];
	FILE	*in;
	long	 ms, k, i, d;
	int	 fd;

	if (argc == 2 && strcmp(argv[1], "stamp") == 0)
		return stamp();
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%lld\n", now_us());
		return fflush(stdout) != 0;
	}
	if (argc >= 3 && strcmp(argv[1], "crash") == 0) {
		ms = number(argv[2], 3600000);
		fd = sim_connect();
		if ((in = fdopen(dup(fd), "r")) == NULL)
			return 1;
		for (i = 3; i < argc; i++) {
			d = number(argv[i], 32751);
			if (i > 3 && ms > 0)
				sleep_ms(ms);
			snprintf(req, sizeof(req), "crash %ld\n", d);
			printf("%ld %lld\n", d, now_us());
			request(in, fd, req);
		}
		return fflush(stdout) != 0;
	}
	if (argc == 4 && strcmp(argv[1], "fire") == 0) {
		k = number(argv[2], 1000000);
		ms = number(argv[3], 3600000);
		fd = sim_connect();
		if ((in = fdopen(dup(fd), "r")) == NULL)
			return 1;
		for (i = 0; i < k; i++) {
			if (i > 0 && ms > 0)
				sleep_ms(ms);
			request(in, fd, "fire @releaseDomain\n");
		}
		return 0;
	}
	fprintf(stderr, "usage: bench-drive crash MS DOMID...\n"
	    "       bench-drive fire K MS\n"
	    "       bench-drive stamp\n"
	    "       bench-drive now\n");
	return 2;
}
