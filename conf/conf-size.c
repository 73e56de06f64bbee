/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conf-size.c: byte counts written as "4096", "512K", "10G". */
#include <errno.h>
#include <stdint.h>

#include "conf.h"

/*
 * Digits, then at most one of K, M, G, T (either case, powers of 1024).
 * The syntax is checked in full before the value, so that "1.5G" is
 * -EINVAL and only a well-formed but huge number is -ERANGE.
 */
int
conf_parse_size(const char *s, uint64_t *out)
{
	const char	*p;
	uint64_t	 v = 0, mult = 1;
	unsigned	 d;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++)
		;
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = UINT64_C(1) << 10;
		break;
	case 'm': case 'M':
		mult = UINT64_C(1) << 20;
		break;
	case 'g': case 'G':
		mult = UINT64_C(1) << 30;
		break;
	case 't': case 'T':
		mult = UINT64_C(1) << 40;
		break;
	default:
		return -EINVAL;
	}
	if (*p != '\0' && p[1] != '\0')
		return -EINVAL;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}
