/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report-file.c: reading one incident report back, for the daemon that
 * goes on with an earlier run's report and for xen-crashwatchctl.
 *
 * A report on disk is outside input: only a regular file (never through
 * a symbolic link, never a FIFO waited on) of at most REPORT_FILE_MAX
 * bytes, without NUL bytes, holding one JSON object, is taken.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report-file.h"

json_object *
report_file_read(int dfd, const char *name, const char **why)
{
	json_object	*o;
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	int		 fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		*why = errno == ELOOP ? "a symbolic link" : strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return NULL;
	}
	if (st.st_size > REPORT_FILE_MAX) {
		close(fd);
		*why = "larger than 1 MiB";
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		*why = strerror(ENOMEM);
		return NULL;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(buf);
		*why = "short read";
		return NULL;
	}
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n) {
		free(buf);
		*why = "holds a NUL byte";
		return NULL;
	}
	o = json_tokener_parse(buf);
	free(buf);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*why = "not a JSON object";
		return NULL;
	}
	return o;
}
