/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-evict.c: our dump files, their names, and making room for one more.
 *
 * Only files whose names we could have made are ours:
 * "<safe-name>-<uuid>-<yyyymmddThhmmssZ>[-N].core[.zst]", regular files,
 * never symlinks, never directories.  Anything else in the directory
 * belongs to someone else and is never counted or removed.
 *
 * Oldest first means first seen first, not by any clock.  The stamp in the
 * name and the mtime are both wall-clock time: after the clock is set back
 * a new dump looks older than the ones before it, and evicting "the
 * oldest" would remove the newest.  No clock that is both monotonic and
 * kept across reboots exists, so the order is kept on disk instead: every
 * eviction pass (one before each dump is written) writes the names of our
 * files, in order, to ORDER_FILE in the directory, and files it did not
 * list before go after those it did.  A dump is always written after the
 * pass before it, so it is always seen after every file that pass saw.
 * Only files first seen in the same pass (those there before this scheme,
 * dumps written in parallel, files copied in) are ordered among
 * themselves by the stamp in the name, then N, then mtime.  The list is
 * advisory: a missing or unreadable one means every file is new, and a
 * name in it that is not one of our files is ignored, so it can reorder
 * our files but never make another's file ours.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "dump-child.h"
#include "policy.h"

#define UUID_LEN	36
#define STAMP_LEN	16	/* yyyymmddThhmmssZ */
#define SUFFIX_MAX	9999
#define ORDER_FILE	".xen-crashwatch-order"
#define ORDER_TEMP	".xen-crashwatch-order.new"
#define ORDER_MAX	(4 << 20)	/* bytes of ORDER_FILE read, at most */

/* What a name of ours says. */
struct dump_name {
	size_t		 safe_len;	/* the name is its first safe_len bytes */
	const char	*stamp;		/* STAMP_LEN bytes */
	unsigned	 n;		/* the -N suffix, 0 if none */
};

/* One of our files as found in the directory. */
struct own_file {
	char		*name;
	struct dump_name dn;
	struct timespec	 mtime;
	uint64_t	 bytes;		/* on disk */
	uint64_t	 freed;		/* what removing it frees */
	size_t		 seq;		/* place in ORDER_FILE from 1, 0: new */
	int		 gone;
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* 8-4-4-4-12 hex digits. */
static bool
uuid_valid(const char *u, size_t len)
{
	size_t	i;

	if (len != UUID_LEN)
		return false;
	for (i = 0; i < UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (u[i] != '-')
				return false;
		} else if (!is_hex(u[i]))
			return false;
	}
	return true;
}

static bool
stamp_valid(const char *s)
{
	size_t	i;

	for (i = 0; i < STAMP_LEN; i++) {
		if (i == 8) {
			if (s[i] != 'T')
				return false;
		} else if (i == 15) {
			if (s[i] != 'Z')
				return false;
		} else if (!is_digit(s[i]))
			return false;
	}
	return true;
}

static bool
safe_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    is_digit((char)c) || c == '.' || c == '_' || c == '+' || c == '-';
}

/*
 * What name_sanitize can produce, and what it used to: bytes of the safe
 * set not starting with '.' (an unchanged name now, any name before
 * NAME_MARK existed, whose files must still be evicted), or such a prefix
 * not starting with '-' either, then NAME_MARK and 16 lowercase hex
 * digits (a changed name).
 */
static bool
safe_valid(const char *s, size_t len)
{
	size_t	i, plen;
	bool	marked;

	if (len == 0 || len > NAME_SAFE_MAX - 1 || s[0] == '.')
		return false;
	marked = len > 1 + 16 && s[len - 17] == NAME_MARK;
	plen = marked ? len - 17 : len;
	if (marked) {
		if (s[0] == '-')
			return false;
		for (i = plen + 1; i < len; i++) {
			if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
				return false;
		}
	}
	for (i = 0; i < plen; i++) {
		if (!safe_byte((unsigned char)s[i]))
			return false;
	}
	return true;
}

/*
 * Parse NAME[0..len) from the end: the extension, an optional "-N", the
 * stamp, the uuid; what is left must be a safe name.  The safe name may
 * itself contain '-', which is why the fixed-size parts come first.
 */
static bool
name_parse(const char *name, size_t len, struct dump_name *dn)
{
	const char	*end;
	size_t		 digits;
	unsigned long	 n;

	if (len > 9 && memcmp(name + len - 9, ".core.zst", 9) == 0)
		len -= 9;
	else if (len > 5 && memcmp(name + len - 5, ".core", 5) == 0)
		len -= 5;
	else
		return false;
	dn->n = 0;
	end = name + len;
	for (digits = 0; digits < len && is_digit(end[-1 - (long)digits]);
	    digits++)
		;
	if (digits > 0) {
		if (digits > 4 || digits + 1 > len ||
		    end[-1 - (long)digits] != '-' || end[-(long)digits] == '0')
			return false;
		n = strtoul(end - digits, NULL, 10);
		if (n == 0 || n > SUFFIX_MAX)
			return false;
		dn->n = (unsigned)n;
		len -= digits + 1;
	}
	if (len < 1 + 1 + UUID_LEN + 1 + STAMP_LEN)
		return false;
	dn->stamp = name + len - STAMP_LEN;
	if (!stamp_valid(dn->stamp) || name[len - STAMP_LEN - 1] != '-')
		return false;
	len -= STAMP_LEN + 1;
	if (!uuid_valid(name + len - UUID_LEN, UUID_LEN) ||
	    name[len - UUID_LEN - 1] != '-')
		return false;
	len -= UUID_LEN + 1;
	if (!safe_valid(name, len))
		return false;
	dn->safe_len = len;
	return true;
}

bool
dump_name_is_ours(const char *name)
{
	struct dump_name	dn;

	return name_parse(name, strlen(name), &dn);
}

/* ".<ours>.partial": what a killed dump leaves behind. */
static bool
partial_is_ours(const char *name)
{
	struct dump_name	dn;
	size_t			len = strlen(name);

	if (len < 1 + 8 || name[0] != '.' ||
	    strcmp(name + len - 8, ".partial") != 0)
		return false;
	return name_parse(name + 1, len - 1 - 8, &dn);
}

int
dump_file_name(const char *name, const char *uuid, time_t when,
    enum dump_compress compress, char *out, size_t outlen)
{
	char		safe[NAME_SAFE_MAX], lower[UUID_LEN + 1];
	struct tm	tm;
	size_t		i;
	int		n;

	if (uuid == NULL || !uuid_valid(uuid, strlen(uuid)))
		return -EINVAL;
	for (i = 0; i < UUID_LEN; i++)
		lower[i] = (uuid[i] >= 'A' && uuid[i] <= 'F') ?
		    (char)(uuid[i] - 'A' + 'a') : uuid[i];
	lower[UUID_LEN] = '\0';
	name_sanitize(name, safe, sizeof safe);
	if (gmtime_r(&when, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		return -EOVERFLOW;
	n = snprintf(out, outlen, "%s-%s-%04d%02d%02dT%02d%02d%02dZ.core%s",
	    safe, lower, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec,
	    compress == DUMP_COMPRESS_ZSTD ? ".zst" : "");
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

/*
 * Oldest first: files listed in ORDER_FILE in its order, then new ones by
 * stamp, suffix, mtime, and name for a total order.
 */
static int
own_cmp(const void *a, const void *b)
{
	const struct own_file	*x = a, *y = b;
	int			 c;

	if (x->seq != y->seq) {
		if (x->seq == 0 || y->seq == 0)
			return x->seq == 0 ? 1 : -1;
		return x->seq < y->seq ? -1 : 1;
	}
	if ((c = memcmp(x->dn.stamp, y->dn.stamp, STAMP_LEN)) != 0)
		return c;
	if (x->dn.n != y->dn.n)
		return x->dn.n < y->dn.n ? -1 : 1;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
own_name_cmp(const void *a, const void *b)
{
	const struct own_file	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * Number F[0..n) by their lines in ORDER_FILE.  Any failure leaves them
 * new: the order is advice, and losing it only falls back to the stamps.
 */
static void
order_load(int dirfd, struct own_file *f, size_t n)
{
	struct own_file	 key, *o;
	struct stat	 st;
	char		*buf, *line, *nl;
	size_t		 seq = 0;
	ssize_t		 r;
	int		 fd;

	if (n == 0)
		return;
	fd = openat(dirfd, ORDER_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > ORDER_MAX ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return;
	}
	r = pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	if (r != st.st_size) {
		free(buf);
		return;
	}
	buf[r] = '\0';

	qsort(f, n, sizeof *f, own_name_cmp);
	memset(&key, 0, sizeof key);
	for (line = buf; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;	/* a cut last line is not trusted */
		*nl = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		key.name = line;
		o = bsearch(&key, f, n, sizeof *f, own_name_cmp);
		if (o != NULL && o->seq == 0)
			o->seq = ++seq;
	}
	free(buf);
}

/*
 * Write the names of the files still there, oldest first, as the new
 * ORDER_FILE (through a temporary file and a rename, so that a reader
 * sees the old list or the new one); no files, no list.  0 or -errno.
 */
static int
order_save(int dirfd, const struct own_file *f, size_t n)
{
	static const char	 head[] = "# xen-crashwatch: our dump files, "
				    "oldest first; do not edit\n";
	FILE			*fp;
	size_t			 i, kept = 0;
	int			 fd, r = 0;

	for (i = 0; i < n; i++)
		if (!f[i].gone)
			kept++;
	if (kept == 0) {
		if (unlinkat(dirfd, ORDER_FILE, 0) != 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	fd = openat(dirfd, ORDER_TEMP, O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if ((fp = fdopen(fd, "w")) == NULL) {
		r = -errno;
		close(fd);
		unlinkat(dirfd, ORDER_TEMP, 0);
		return r;
	}
	fputs(head, fp);
	for (i = 0; i < n; i++)
		if (!f[i].gone)
			fprintf(fp, "%s\n", f[i].name);
	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0)
		r = errno != 0 ? -errno : -EIO;
	if (fclose(fp) != 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, ORDER_TEMP, dirfd, ORDER_FILE) != 0)
		r = -errno;
	if (r != 0)
		unlinkat(dirfd, ORDER_TEMP, 0);
	return r;
}

static void
own_free(struct own_file *f, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

/* Our files in DIRFD, oldest first. */
static int
own_scan(int dirfd, struct own_file **out, size_t *nout)
{
	struct own_file	*f = NULL, *nf;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 n = 0, cap = 0;
	int		 fd, r = 0;

	if ((fd = dup(dirfd)) < 0)
		return -errno;
	if ((d = fdopendir(fd)) == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	rewinddir(d);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (!dump_name_is_ours(de->d_name))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT)
				continue;
			r = -errno;
			break;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nf = reallocarray(f, cap, sizeof *f)) == NULL) {
				r = -ENOMEM;
				break;
			}
			f = nf;
		}
		memset(&f[n], 0, sizeof f[n]);
		if ((f[n].name = strdup(de->d_name)) == NULL) {
			r = -ENOMEM;
			break;
		}
		name_parse(f[n].name, strlen(f[n].name), &f[n].dn);
		f[n].mtime = st.st_mtim;
		f[n].bytes = (uint64_t)st.st_blocks * 512;
		/* A second link keeps the blocks in use. */
		f[n].freed = st.st_nlink == 1 ? f[n].bytes : 0;
		n++;
	}
	if (r == 0 && errno != 0)
		r = -errno;
	closedir(d);
	if (r != 0) {
		own_free(f, n);
		return r;
	}
	if (n > 0) {
		order_load(dirfd, f, n);
		qsort(f, n, sizeof *f, own_cmp);
	}
	*out = f;
	*nout = n;
	return 0;
}

/* Remove one file of ours and report it. */
static int
own_remove(int dirfd, const char *dir, struct own_file *f,
    void (*cb)(const char *, uint64_t, void *), void *arg)
{
	char	path[PATH_MAX];

	if (unlinkat(dirfd, f->name, 0) != 0 && errno != ENOENT)
		return -errno;
	f->gone = 1;
	snprintf(path, sizeof path, "%s/%s", dir, f->name);
	if (cb != NULL)
		cb(path, f->bytes, arg);
	return 0;
}

/* Is F a dump of the domain named SAFE? */
static int
own_named(const struct own_file *f, const char *safe)
{
	return f->dn.safe_len == strlen(safe) &&
	    memcmp(f->name, safe, f->dn.safe_len) == 0;
}

/* The oldest file still there, of name SAFE if SAFE is not NULL. */
static struct own_file *
own_oldest(struct own_file *f, size_t n, const char *safe)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!f[i].gone && (safe == NULL || own_named(&f[i], safe)))
			return &f[i];
	}
	return NULL;
}

int
dump_evict(int dirfd, const char *dir, const char *safe, uint64_t expected,
    const struct conf_dump *conf, dump_statvfs_fn *statfn,
    void (*cb)(const char *, uint64_t, void *), void *arg, uint64_t *own)
{
	struct own_file	*f = NULL, *o;
	struct statvfs	 sv;
	uint64_t	 total = 0, freeable = 0, avail = 0;
	size_t		 n = 0, i, same = 0;
	int		 r;
	bool		 locked;

	/* One pass at a time, so that parallel dumps keep one order. */
	locked = flock(dirfd, LOCK_EX) == 0;
	if ((r = own_scan(dirfd, &f, &n)) != 0)
		goto unlock;
	for (i = 0; i < n; i++) {
		total += f[i].bytes;
		freeable += f[i].freed;
		if (own_named(&f[i], safe))
			same++;
	}
	if (conf->keep_free != 0) {
		r = statfn != NULL ? statfn(dirfd, &sv) : fstatvfs(dirfd, &sv);
		if (r != 0) {
			r = r < -1 ? r : -errno;
			goto out;
		}
		avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	}

	/* Nothing is removed for a dump that would not fit anyway. */
	if ((conf->max_use != 0 && expected > conf->max_use) ||
	    (conf->keep_free != 0 &&
	    avail + freeable < expected + conf->keep_free)) {
		r = -EDQUOT;
		goto out;
	}

	if (conf->max_per_domain != 0) {
		while (same > conf->max_per_domain - 1 &&
		    (o = own_oldest(f, n, safe)) != NULL) {
			if ((r = own_remove(dirfd, dir, o, cb, arg)) != 0)
				goto out;
			same--;
			total -= o->bytes;
			avail += o->freed;
		}
	}
	while (conf->max_use != 0 && total + expected > conf->max_use &&
	    (o = own_oldest(f, n, NULL)) != NULL) {
		if ((r = own_remove(dirfd, dir, o, cb, arg)) != 0)
			goto out;
		total -= o->bytes;
		avail += o->freed;
	}
	while (conf->keep_free != 0 && avail < expected + conf->keep_free &&
	    (o = own_oldest(f, n, NULL)) != NULL) {
		if ((r = own_remove(dirfd, dir, o, cb, arg)) != 0)
			goto out;
		total -= o->bytes;
		avail += o->freed;
	}
	r = 0;
out:
	/* Advice only: a dump is not given up for want of it. */
	(void)order_save(dirfd, f, n);
	if (own != NULL)
		*own = total;
	own_free(f, n);
unlock:
	if (locked)
		flock(dirfd, LOCK_UN);
	return r;
}

/* mkdir(2) that is happy with an existing directory. */
static int
mkdir_one(const char *path, mode_t mode)
{
	struct stat	st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(path, &st) != 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int
dump_dir_make(const char *dir)
{
	struct stat	 st;
	char		*p, *s;
	size_t		 len;
	int		 r = 0;

	if (dir == NULL || *dir == '\0')
		return -EINVAL;
	if ((p = strdup(dir)) == NULL)
		return -ENOMEM;
	/* "dir/" would make lstat follow a symlink. */
	for (len = strlen(p); len > 1 && p[len - 1] == '/'; len--)
		p[len - 1] = '\0';
	/* Parents as mkdir -p makes them; only the last one is ours. */
	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		r = mkdir_one(p, 0755);
		*s = '/';
		if (r != 0)
			goto out;
	}
	if (mkdir(p, 0700) != 0 && errno != EEXIST) {
		r = -errno;
		goto out;
	}
	if (lstat(p, &st) != 0)
		r = -errno;
	else if (S_ISLNK(st.st_mode))
		r = -ELOOP;
	else if (!S_ISDIR(st.st_mode))
		r = -ENOTDIR;
out:
	free(p);
	return r;
}

int
dump_dir_prepare(const char *dir, void (*cb)(const char *, void *),
    void *arg)
{
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX];
	DIR		*d;
	int		 fd, r;

	if ((r = dump_dir_make(dir)) != 0)
		return r;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((d = fdopendir(fd)) == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!partial_is_ours(de->d_name))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(fd, de->d_name, 0) != 0) {
			if (errno == ENOENT)
				continue;
			r = -errno;
			break;
		}
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (cb != NULL)
			cb(path, arg);
	}
	if (r == 0 && errno != 0)
		r = -errno;
	closedir(d);
	return r;
}
