/*
 * name.c: domain names made safe for file names, and crashed-domain names.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

/*
 * Bytes kept as they are.  Everything else, including '/', whitespace,
 * shell metacharacters, control bytes and every byte of a multi-byte
 * UTF-8 sequence, becomes '_': the name is guest-controlled and ends up in
 * paths and in arguments of commands.
 */
static bool
name_byte_safe(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
	    c == '-';
}

/*
 * A domain name made safe as one file-name component.  A leading '.' is
 * replaced, which rules out ".", ".." and hidden files at once; an empty
 * name becomes "_".  The result is cut to NAME_SAFE_MAX - 1 bytes (or what
 * OUT holds) so that it fits in a path with room for a prefix and suffix.
 * OUTLEN 0 writes nothing; OUTLEN 1 can only hold "".
 */
void
name_sanitize(const char *in, char *out, size_t outlen)
{
	size_t	i, max;

	if (outlen == 0)
		return;
	max = outlen - 1;
	if (max > NAME_SAFE_MAX - 1)
		max = NAME_SAFE_MAX - 1;
	if (in == NULL || *in == '\0')
		in = "_";
	for (i = 0; i < max && in[i] != '\0'; i++) {
		if (i == 0 && in[i] == '.')
			out[i] = '_';
		else if (name_byte_safe((unsigned char)in[i]))
			out[i] = in[i];
		else
			out[i] = '_';
	}
	out[i] = '\0';
}

/*
 * "<name>-crashed-<UTC yyyymmddThhmmssZ>", the name a crashed domain is
 * given so that a new one can take its old name.  The raw name is kept:
 * it goes to xenstore, not to a path, and xenstore already accepted it.
 * OUT is written only if all of it fits.
 */
int
rename_crashed(const char *name, time_t when, char *out, size_t outlen)
{
	struct tm	tm;
	char		stamp[64];
	int		n;

	if (name == NULL)
		return -EINVAL;
	if (gmtime_r(&when, &tm) == NULL)
		return -EOVERFLOW;
	n = snprintf(stamp, sizeof stamp, "%04d%02d%02dT%02d%02d%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	if (n < 0 || (size_t)n >= sizeof stamp)
		return -EOVERFLOW;
	if (strlen(name) + strlen("-crashed-") + (size_t)n >= outlen)
		return -ENAMETOOLONG;
	snprintf(out, outlen, "%s-crashed-%s", name, stamp);
	return 0;
}
