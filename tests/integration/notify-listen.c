/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify-listen: stand in for systemd's end of NOTIFY_SOCKET in tests.
 * Binds a datagram socket at PATH and prints every message on one line
 * (newlines inside a message become " | ") until killed.  With -t, each
 * line starts with the CLOCK_MONOTONIC time it arrived, in microseconds,
 * for the benchmarks.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un	 sun;
	char			 buf[4096];
	ssize_t			 n, i;
	struct timespec		 ts;
	int			 fd, stamp = 0;

	if (argc == 3 && strcmp(argv[1], "-t") == 0) {
		stamp = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: notify-listen [-t] PATH\n");
		return 1;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof sun.sun_path) {
		fprintf(stderr, "notify-listen: path too long\n");
		return 1;
	}
	strcpy(sun.sun_path, argv[1]);
	unlink(argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		perror("notify-listen");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		n = recv(fd, buf, sizeof buf - 1, 0);
		if (n <= 0)
			continue;
		if (stamp) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			printf("%lld ", (long long)ts.tv_sec * 1000000 +
			    ts.tv_nsec / 1000);
		}
		while (n > 0 && buf[n - 1] == '\n')
			n--;
		for (i = 0; i < n; i++)
			if (buf[i] == '\n') {
				fputs(" | ", stdout);
			} else
				putchar(buf[i]);
		putchar('\n');
	}
}
