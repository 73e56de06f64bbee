/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-conf.c: the config parser against arbitrary bytes.  Built with
 * libFuzzer (-fsanitize=fuzzer) it explores; built with CW_FUZZ_REPLAY it
 * is a plain program that feeds each file (or each file of each directory)
 * named on the command line, so the corpus is replayed under ASan/UBSan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors	 errs = { 0 };
	struct conf		*c = NULL;
	char			*text;

	/* libconfig reads C strings: stop at the first NUL as it would. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* A load either succeeds silently or fails and says why. */
	if (conf_load_string(text, "fuzz.conf", &c, &errs) == 0) {
		if (c == NULL || errs.n != 0)
			abort();
	} else if (c != NULL || errs.n == 0)
		abort();
	conf_free(c);
	conf_errors_clear(&errs);
	free(text);
	return 0;
}

#ifdef CW_FUZZ_REPLAY
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>

/* Feed one file; 0 or -1 after saying why. */
static int
replay_file(const char *path)
{
	FILE	*f;
	uint8_t	*buf = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((buf = realloc(buf, cap)) == NULL) {
				fclose(f);
				return -1;
			}
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %s\n", path);
	return 0;
}

/* Feed every regular file in DIR; the count fed, or -1. */
static int
replay_dir(const char *dir)
{
	struct dirent	**ents;
	char		 *path;
	int		  i, n, count = 0, bad = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    asprintf(&path, "%s/%s", dir, ents[i]->d_name) != -1) {
			if (replay_file(path) == 0)
				count++;
			else
				bad = 1;
			free(path);
		}
		free(ents[i]);
	}
	free(ents);
	return bad ? -1 : count;
}

int
main(int argc, char **argv)
{
	struct stat	st;
	int		i, n, total = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	/* An empty corpus would make this test pass without testing. */
	if (total == 0) {
		fprintf(stderr, "usage: fuzz-conf FILE|DIR...: no input fed\n");
		return 1;
	}
	printf("%d inputs replayed\n", total);
	return 0;
}
#endif
