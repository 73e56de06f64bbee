/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * name.c: domain names made safe for file names, and crashed-domain names.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

#define NAME_HASH_HEX	16	/* hex digits after NAME_MARK */
#define NAME_PREFIX_MAX	(NAME_SAFE_MAX - 1 - 1 - NAME_HASH_HEX)

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

/* A name that is its own safe form: nothing to replace, cut or mark. */
static bool
name_is_safe(const char *in, size_t len)
{
	size_t	i;

	if (len == 0 || len > NAME_SAFE_MAX - 1 || in[0] == '.' ||
	    in[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		if (!name_byte_safe((unsigned char)in[i]))
			return false;
	}
	return true;
}

/* FNV-1a, 64 bits: small, and every byte of the raw name counts. */
static uint64_t
name_hash(const char *in, size_t len)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)in[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * A domain name made safe as one file-name component, and as one
 * argument that no program takes for an option.
 *
 * A name that is already safe (bytes in [A-Za-z0-9._+-], not starting
 * with '.' or '-', at most NAME_SAFE_MAX - 1 bytes) is kept as it is, so
 * that "/etc/xen/%n.cfg" finds "web-1.cfg".  Any other name is changed:
 * its unsafe bytes and a leading '.' or '-' become '_', it is cut to
 * NAME_PREFIX_MAX bytes ("_" if that leaves nothing), and NAME_MARK and
 * the 64-bit FNV-1a hash of the raw name in hex are appended.
 *
 * Why distinct names give distinct results: an unchanged name is the
 * name itself and never contains NAME_MARK, which is not a safe byte; a
 * changed name always contains it.  So an unchanged name never meets a
 * changed one, two unchanged names differ as their raw names do, and two
 * changed names agree only if their raw names' 64-bit hashes do.  That
 * last case cannot be ruled out, since names of any length map to a
 * bounded result, but it takes a hash collision, not a '/' against a
 * '_' or a difference after byte 63.  The marker is '~': it is not in the
 * safe set (that is what makes the argument work), it is an ordinary
 * byte in file names and argv, and the result never starts with it.
 *
 * The result never starts with '.', '-' or '~', never contains '/', and
 * is never "." or "..".  It is cut to what OUT holds: OUTLEN 0 writes
 * nothing, OUTLEN 1 can only hold "", and a cut result is no longer
 * distinct, so callers pass NAME_SAFE_MAX.
 */
void
name_sanitize(const char *in, char *out, size_t outlen)
{
	char	buf[NAME_SAFE_MAX];
	size_t	len, i, n;

	if (outlen == 0)
		return;
	if (in == NULL)
		in = "";
	len = strlen(in);
	if (name_is_safe(in, len))
		memcpy(buf, in, len + 1);
	else {
		n = len < NAME_PREFIX_MAX ? len : NAME_PREFIX_MAX;
		for (i = 0; i < n; i++) {
			if (i == 0 && (in[i] == '.' || in[i] == '-'))
				buf[i] = '_';
			else if (name_byte_safe((unsigned char)in[i]))
				buf[i] = in[i];
			else
				buf[i] = '_';
		}
		if (n == 0)
			buf[n++] = '_';
		snprintf(buf + n, sizeof buf - n, "%c%016llx", NAME_MARK,
		    (unsigned long long)name_hash(in, len));
	}
	_Static_assert(NAME_PREFIX_MAX + 1 + NAME_HASH_HEX < NAME_SAFE_MAX,
	    "a changed name fits");
	snprintf(out, outlen, "%s", buf);
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
