/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf-literal.c: integer literals libconfig would silently truncate.
 *
 * libconfig 1.5 reads a decimal literal without the L suffix with atoi(),
 * so "max_use = 5368709120;" (5G) becomes 1073741824 (1G) with no error,
 * and hex literals are cut to 32 bits the same way.  Before parsing, we scan
 * the text with libconfig's own lexical rules and remember every integer
 * literal that does not fit, with its line and the 32-bit value libconfig
 * will report; a setting read later with that line and that value is an
 * error.  The text is the main file with every include spliced in (see
 * conf-file.c), so included files are checked the same way.  A libconfig that promotes such literals to int64 gives them type
 * CONFIG_TYPE_INT64, and then nothing is reported.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf-internal.h"

static int
name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '*';
}

/* Remember one too-large literal of LEN bytes at P. */
static void
literal_add(struct conf_ctx *ctx, int line, const char *p, size_t len,
    uint64_t v)
{
	struct conf_bigint	*b;

	b = reallocarray(ctx->bigints, ctx->nbigints + 1, sizeof *b);
	if (b == NULL) {
		conf_nomem(ctx);
		return;
	}
	ctx->bigints = b;
	b += ctx->nbigints++;
	b->line = line;
	b->value = (int32_t)(uint32_t)v;
	if (len >= sizeof b->text)
		len = sizeof b->text - 1;
	memcpy(b->text, p, len);
	b->text[len] = '\0';
}

/*
 * One number starting at P (a digit or a sign then a digit, as libconfig's
 * integer token): its end, noting it if too large for 32 bits.
 */
static const char *
literal_number(struct conf_ctx *ctx, int line, const char *p)
{
	const char	*s = p;
	uint64_t	 v = 0, max = INT32_MAX;
	int		 over = 0, neg = 0, d;

	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		max = neg ? UINT64_C(2147483648) : INT32_MAX;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; isxdigit((unsigned char)*p); p++) {
			d = isdigit((unsigned char)*p) ? *p - '0' :
			    tolower((unsigned char)*p) - 'a' + 10;
			if (v > (UINT64_MAX >> 4))
				over = 1;
			v = (v << 4) | (unsigned)d;
		}
	} else {
		for (; isdigit((unsigned char)*p); p++) {
			d = *p - '0';
			if (v > (UINT64_MAX - (unsigned)d) / 10)
				over = 1;
			v = v * 10 + (unsigned)d;
		}
		/* A float: libconfig keeps those as doubles. */
		if (*p == '.' || *p == 'e' || *p == 'E') {
			while (isdigit((unsigned char)*p) || *p == '.' ||
			    *p == 'e' || *p == 'E' || ((*p == '-' ||
			    *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
				p++;
			return p;
		}
	}
	if (*p == 'L')
		return p + 1;
	if (!over && v <= max)
		return p;
	/* What libconfig's strtol/strtoul, then a cast to int, will give. */
	if (over)
		v = neg ? 0 : UINT64_MAX;
	else if (neg)
		v = 0 - v;
	literal_add(ctx, line, s, (size_t)(p - s), v);
	return p;
}

void
conf_literal_scan(struct conf_ctx *ctx, const char *text)
{
	const char	*p = text;
	int		 line = 1;

	while (*p != '\0') {
		if (*p == '\n') {
			line++;
			p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/') ||
		    *p == '@') {
			/* Comments, and @include "file" (a string). */
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p != '\0' && !(p[0] == '*' &&
			    p[1] == '/'); p++)
				line += *p == '\n';
			if (*p != '\0')
				p += 2;
		} else if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				line += *p == '\n';
			}
			if (*p != '\0')
				p++;
		} else if (isalpha((unsigned char)*p) || *p == '*') {
			while (name_char((unsigned char)*p))
				p++;
		} else if (isdigit((unsigned char)*p) || ((*p == '-' ||
		    *p == '+') && isdigit((unsigned char)p[1]))) {
			p = literal_number(ctx, line, p);
		} else if (*p == '.' && isdigit((unsigned char)p[1])) {
			/* ".5" and the like: a float. */
			for (p++; isdigit((unsigned char)*p) || *p == 'e' ||
			    *p == 'E'; p++)
				;
		} else
			p++;
	}
}

/*
 * Was S, an integer setting, truncated by libconfig?  Reports it and
 * returns -ERANGE if so.
 */
int
conf_literal_check(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path)
{
	const struct conf_bigint	*b;
	size_t				 i;

	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return 0;
	for (i = 0; i < ctx->nbigints; i++) {
		b = &ctx->bigints[i];
		if (b->line == (int)config_setting_source_line(s) &&
		    b->value == config_setting_get_int(s)) {
			conf_error(ctx, s, "%s: %s does not fit a plain "
			    "integer (valid: up to 2147483647; write larger "
			    "values with an L suffix, as %sL)", path, b->text,
			    b->text);
			return -ERANGE;
		}
	}
	return 0;
}
