/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-status.c: "status" for people and "check" for Nagios or Icinga:
 * whether the daemon runs (systemd's view of xen-crashwatch.service, its
 * sd_notify status; without systemd, a xen-crashwatchd process using
 * this configuration), the incidents on record and in progress, and the
 * dump directory against its limits.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "ctl.h"

#define UNIT_PATH	"/org/freedesktop/systemd1/unit/xen_2dcrashwatch_2eservice"

/* Nagios plugin exit statuses. */
#define CHECK_OK	0
#define CHECK_WARNING	1
#define CHECK_CRITICAL	2
#define CHECK_UNKNOWN	3

/* The service as systemd sees it: true if systemd answered. */
static bool
daemon_systemd(struct daemon_state *ds)
{
	sd_bus		*bus = NULL;
	char		*active = NULL, *status = NULL;
	uint32_t	 pid = 0;
	bool		 ok = false;
	int		 r;

	/* As systemctl: the manager's own socket for root, else the bus. */
	if (geteuid() == 0 && access("/run/systemd/private", F_OK) == 0) {
		if ((r = sd_bus_new(&bus)) < 0 ||
		    (r = sd_bus_set_address(bus,
		    "unix:path=/run/systemd/private")) < 0 ||
		    (r = sd_bus_start(bus)) < 0)
			bus = sd_bus_unref(bus);
	}
	if (bus == NULL && sd_bus_open_system(&bus) < 0)
		return false;
	if (sd_bus_get_property_string(bus, "org.freedesktop.systemd1",
	    UNIT_PATH, "org.freedesktop.systemd1.Unit", "ActiveState", NULL,
	    &active) < 0)
		goto out;
	ok = true;
	ds->how = "systemd";
	ds->running = strcmp(active, "active") == 0 ||
	    strcmp(active, "reloading") == 0;
	if (sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1",
	    UNIT_PATH, "org.freedesktop.systemd1.Service", "MainPID", NULL,
	    'u', &pid) >= 0)
		ds->pid = (long)pid;
	if (sd_bus_get_property_string(bus, "org.freedesktop.systemd1",
	    UNIT_PATH, "org.freedesktop.systemd1.Service", "StatusText", NULL,
	    &status) >= 0)
		snprintf(ds->status, sizeof ds->status, "%s", status);
out:
	free(active);
	free(status);
	sd_bus_flush_close_unref(bus);
	return ok;
}

/* Does /proc/PID run xen-crashwatchd with configuration CONF? */
static bool
proc_is_daemon(const char *pid, const char *conf)
{
	char		 path[64], buf[8192];
	const char	*a, *prev = "", *end;
	bool		 want_default = strcmp(conf, "/etc/xen/crashwatch.conf")
			    == 0, has_c = false;
	ssize_t		 n;
	int		 fd;

	snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	end = buf + n;
	a = strrchr(buf, '/') != NULL ? strrchr(buf, '/') + 1 : buf;
	if (strcmp(a, "xen-crashwatchd") != 0)
		return false;
	for (a = buf; a < end; a += strlen(a) + 1) {
		if (strcmp(prev, "-c") == 0 || strcmp(prev, "--config") == 0) {
			has_c = true;
			if (strcmp(a, conf) == 0)
				return true;
		}
		if (strcmp(a, "-n") == 0 || strcmp(a, "--run-once") == 0)
			return false;
		prev = a;
	}
	return !has_c && want_default;
}

void
daemon_state(struct daemon_state *ds, const char *conf)
{
	struct dirent	*de;
	DIR		*d;

	memset(ds, 0, sizeof *ds);
	if (daemon_systemd(ds))
		return;
	ds->how = "process table";
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (proc_is_daemon(de->d_name, conf)) {
			ds->running = true;
			ds->pid = atol(de->d_name);
			break;
		}
	}
	closedir(d);
}

int
dump_dir_use(const struct ctl *c, uint64_t *used, uint64_t *avail,
    unsigned *count)
{
	const char	*dir = c->conf->dump.directory;
	struct dirent	*de;
	struct statvfs	 sv;
	struct stat	 st;
	size_t		 len;
	DIR		*d;

	*used = *avail = 0;
	*count = 0;
	if ((d = opendir(dir)) == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (!((len > 5 && strcmp(de->d_name + len - 5, ".core") == 0) ||
		    (len > 9 && strcmp(de->d_name + len - 9, ".core.zst") ==
		    0)))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    0 && S_ISREG(st.st_mode)) {
			*used += (uint64_t)st.st_blocks * 512;
			(*count)++;
		}
	}
	if (fstatvfs(dirfd(d), &sv) == 0)
		*avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	closedir(d);
	return 0;
}

/* Is the dump directory near its limits?  Says why into WHY. */
static bool
dump_near_limit(const struct ctl *c, uint64_t used, uint64_t avail,
    char *why, size_t len)
{
	const struct conf_dump	*dc = &c->conf->dump;
	char			 a[32], b[32];

	if (dc->max_use > 0 && used >= dc->max_use / 10 * 9) {
		snprintf(why, len, "dumps use %s of max_use %s",
		    fmt_size(used, a, sizeof a), fmt_size(dc->max_use, b,
		    sizeof b));
		return true;
	}
	if (dc->keep_free > 0 && avail <= dc->keep_free + dc->keep_free / 10) {
		snprintf(why, len, "%s free, keep_free is %s",
		    fmt_size(avail, a, sizeof a), fmt_size(dc->keep_free, b,
		    sizeof b));
		return true;
	}
	return false;
}

/* Domains the daemon watches, as its metrics file says; -1 if unknown. */
static long
domains_watched(const struct ctl *c)
{
	static const char	 key[] = "xen_crashwatch_domains_watched ";
	char			 line[256];
	long			 n = -1;
	FILE			*f;

	if (c->conf->metrics_textfile == NULL ||
	    (f = fopen(c->conf->metrics_textfile, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, sizeof key - 1) == 0) {
			n = strtol(line + sizeof key - 1, NULL, 10);
			break;
		}
	fclose(f);
	return n;
}

int
cmd_status(struct ctl *c, int argc, char **argv)
{
	struct daemon_state	 ds;
	struct recs		 rs;
	json_object		*o;
	uint64_t		 used, avail;
	unsigned		 ncores;
	size_t			 i, busy = 0;
	long			 watched;
	const struct rec	*last = NULL;
	char			 a[32], b[32], t[64], why[128], name[64];
	int			 dr;

	(void)argv;
	if (argc > 1) {
		ctl_warn("status takes no arguments");
		return CTL_USAGE;
	}
	daemon_state(&ds, c->conf_path);
	if (recs_load(c, &rs) != 0)
		return CTL_NOMATCH;
	for (i = 0; i < rs.n; i++)
		if (rs.v[i].result == NULL)
			busy++;
	if (rs.n > 0)
		last = &rs.v[rs.n - 1];
	dr = dump_dir_use(c, &used, &avail, &ncores);
	watched = ds.running ? domains_watched(c) : -1;
	if (c->json) {
		o = json_object_new_object();
		json_object_object_add(o, "running",
		    json_object_new_boolean(ds.running));
		json_object_object_add(o, "pid", ds.pid > 0 ?
		    json_object_new_int64(ds.pid) : NULL);
		json_object_object_add(o, "status", ds.status[0] != '\0' ?
		    json_object_new_string(ds.status) : NULL);
		json_object_object_add(o, "seen_by",
		    json_object_new_string(ds.how));
		json_object_object_add(o, "configuration",
		    json_object_new_string(c->conf_path));
		json_object_object_add(o, "domains_watched", watched >= 0 ?
		    json_object_new_int64(watched) : NULL);
		json_object_object_add(o, "incidents",
		    json_object_new_int64((int64_t)rs.n));
		json_object_object_add(o, "in_progress",
		    json_object_new_int64((int64_t)busy));
		json_object_object_add(o, "last_crash", last != NULL ?
		    json_object_new_int64((int64_t)last->crashed) : NULL);
		json_object_object_add(o, "dump_directory",
		    json_object_new_string(c->conf->dump.directory));
		json_object_object_add(o, "dump_bytes",
		    json_object_new_uint64(used));
		json_object_object_add(o, "dump_files",
		    json_object_new_int64(ncores));
		json_object_object_add(o, "dump_free_bytes",
		    json_object_new_uint64(avail));
		json_object_object_add(o, "max_use_bytes",
		    json_object_new_uint64(c->conf->dump.max_use));
		json_object_object_add(o, "keep_free_bytes",
		    json_object_new_uint64(c->conf->dump.keep_free));
		out_json(o);
		json_object_put(o);
		recs_free(&rs);
		return CTL_OK;
	}
	if (ds.running)
		printf("Daemon:        running, pid %ld (%s)\n", ds.pid,
		    ds.how);
	else
		printf("Daemon:        not running (%s)\n", ds.how);
	if (ds.status[0] != '\0') {
		fputs("Status:        ", stdout);
		put_safe(ds.status);
	}
	printf("Configuration: %s\n", c->conf_path);
	if (watched >= 0)
		printf("Domains:       %ld watched (metrics.textfile)\n",
		    watched);
	printf("Incidents:     %zu on record, %zu in progress\n", rs.n, busy);
	if (last != NULL) {
		printf("Last crash:    %s, %s (%.12s)\n", fmt_time(last->crashed,
		    t, sizeof t), fmt_safe(last->name, name, sizeof name),
		    last->id);
	}
	if (dr != 0)
		printf("Dumps:         %s: %s\n", c->conf->dump.directory,
		    strerror(-dr));
	else {
		printf("Dumps:         %s: %s in %u cores, %s free",
		    c->conf->dump.directory, fmt_size(used, a, sizeof a),
		    ncores, fmt_size(avail, b, sizeof b));
		if (c->conf->dump.max_use > 0)
			printf("; max_use %s", fmt_size(c->conf->dump.max_use,
			    a, sizeof a));
		if (c->conf->dump.keep_free > 0)
			printf("; keep_free %s", fmt_size(
			    c->conf->dump.keep_free, a, sizeof a));
		printf("\n");
		if (dump_near_limit(c, used, avail, why, sizeof why))
			printf("               near its limit: %s\n", why);
	}
	recs_free(&rs);
	return CTL_OK;
}

int
cmd_check(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "warn-crashes", required_argument, NULL, 'w' },
		{ "crit-crashes", required_argument, NULL, 'c' },
		{ "window", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const words[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	struct daemon_state	 ds;
	struct recs		 rs;
	time_t			 window = 3600, since;
	long			 warn = 1, crit = 5;
	uint64_t		 used, avail;
	unsigned		 ncores;
	size_t			 i, crashes = 0, failed = 0, suppressed = 0;
	char			*end, why[128], msg[512], w[32];
	int			 ch, rc = CHECK_OK;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'w':
		case 'c':
			errno = 0;
			*(ch == 'w' ? &warn : &crit) = strtol(optarg, &end,
			    10);
			if (errno != 0 || *end != '\0' || optarg[0] == '-') {
				printf("CRASHWATCH UNKNOWN - --%s-crashes %s: "
				    "not a count\n", ch == 'w' ? "warn" :
				    "crit", optarg);
				return CHECK_UNKNOWN;
			}
			break;
		case 'W':
			if (ctl_parse_age(optarg, &window) != 0 ||
			    window == 0) {
				printf("CRASHWATCH UNKNOWN - --window %s: not "
				    "an age (15m, 1h, 1d)\n", optarg);
				return CHECK_UNKNOWN;
			}
			break;
		default:
			printf("CRASHWATCH UNKNOWN - bad usage\n");
			return CHECK_UNKNOWN;
		}
	}
	if (recs_load(c, &rs) != 0) {
		printf("CRASHWATCH UNKNOWN - cannot read the incident "
		    "reports\n");
		return CHECK_UNKNOWN;
	}
	since = time(NULL) - window;
	for (i = 0; i < rs.n; i++) {
		if (rs.v[i].crashed < since)
			continue;
		crashes++;
		failed += rs.v[i].failed;
		suppressed += rs.v[i].suppressed;
	}
	recs_free(&rs);
	daemon_state(&ds, c->conf_path);
	snprintf(w, sizeof w, "%s", window % 3600 == 0 ? "h" :
	    window % 60 == 0 ? "m" : "s");
	snprintf(msg, sizeof msg, "%zu crash%s in the last %lld%s", crashes,
	    crashes == 1 ? "" : "es", (long long)(window % 3600 == 0 ?
	    window / 3600 : window % 60 == 0 ? window / 60 : window), w);
	if (crit > 0 && crashes >= (size_t)crit)
		rc = CHECK_CRITICAL;
	else if (warn > 0 && crashes >= (size_t)warn)
		rc = CHECK_WARNING;
	if (failed > 0) {
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
		    ", %zu failed action%s", failed, failed == 1 ? "" : "s");
		if (rc < CHECK_WARNING)
			rc = CHECK_WARNING;
	}
	if (suppressed > 0) {
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
		    ", %zu restart%s suppressed", suppressed,
		    suppressed == 1 ? "" : "s");
		if (rc < CHECK_WARNING)
			rc = CHECK_WARNING;
	}
	if (dump_dir_use(c, &used, &avail, &ncores) == 0 &&
	    dump_near_limit(c, used, avail, why, sizeof why)) {
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg), ", %s",
		    why);
		if (rc < CHECK_WARNING)
			rc = CHECK_WARNING;
	}
	if (!ds.running) {
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
		    ", daemon not running");
		rc = CHECK_CRITICAL;
	}
	printf("CRASHWATCH %s - %s | crashes=%zu;%ld;%ld;0 failed=%zu "
	    "suppressed=%zu dump_bytes=%lluB\n", words[rc], msg, crashes,
	    warn, crit, failed, suppressed, (unsigned long long)used);
	return rc;
}
