/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.c: the control socket.  The stand-in libraries send "xc_*"
 * requests (recorded in the history); xensimctl sends the test's commands
 * (not recorded).  The protocol is described in proto.h.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "ctl.h"
#include "proto.h"
#include "sim.h"

struct ctl_conn {
	struct bufferevent *bev;
	long		 pid;
	char		*deferred;	/* a delayed request line */
	struct event	*timer;
	bool		 dumping;	/* between dump_begin and dump_end */
	char		 dump_fn[48];
	unsigned	 dump_domid;
	struct ctl_conn	*next;
};

struct reply {
	struct evbuffer	*data;		/* encoded lines */
	size_t		 nlines;
	const void	*raw;
	size_t		 rawlen;
};

static struct evconnlistener	*listener;
static struct ctl_conn		*conns;
static char			*listen_path;

static void	ctl_process(struct ctl_conn *, char *line);

static int
line(struct reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Add one data line to the reply (the caller encodes what needs it). */
static int
line(struct reply *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(r->data, fmt, ap);
	va_end(ap);
	evbuffer_add(r->data, "\n", 1);
	r->nlines++;
	return 0;
}

static void
send_err(struct ctl_conn *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
send_err(struct ctl_conn *c, int err, const char *fmt, ...)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	char msg[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; msg[i] != '\0'; i++)
		if (msg[i] == '\n')
			msg[i] = ' ';
	evbuffer_add_printf(out, "ERR %s %s\n", proto_errname(err), msg);
}

static void
send_reply(struct ctl_conn *c, struct reply *r)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (r->rawlen > 0)
		evbuffer_add_printf(out, "OK %zu %zu\n", r->nlines, r->rawlen);
	else
		evbuffer_add_printf(out, "OK %zu\n", r->nlines);
	evbuffer_add_buffer(out, r->data);
	if (r->rawlen > 0)
		evbuffer_add(out, r->raw, r->rawlen);
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_domid(struct ctl_conn *c, const char *s, unsigned *domid)
{
	unsigned long v;

	if (parse_uint(s, SIM_MAX_DOMID - 1, &v) != 0) {
		send_err(c, EINVAL, "bad domid '%s'", s ? s : "");
		return -1;
	}
	*domid = (unsigned)v;
	return 0;
}

/* "usage: NAME ARGS" from the table. */
static void
send_usage(struct ctl_conn *c, const char *name)
{
	const struct ctl_cmd *cmd = ctl_find(name);

	send_err(c, EINVAL, "usage: %s %s", name, cmd != NULL ? cmd->args : "");
}

static const char *shutdown_names[] = { "poweroff", "reboot", "suspend",
    "crash", "watchdog", "soft_reset", NULL };

static int
parse_reason(const char *s)
{
	int i;

	for (i = 0; shutdown_names[i] != NULL; i++)
		if (strcmp(shutdown_names[i], s) == 0)
			return i;
	return -1;
}

static const char *
result(int rc)
{
	static char buf[32];

	if (rc >= 0) {
		snprintf(buf, sizeof(buf), "%d", rc);
		return buf;
	}
	snprintf(buf, sizeof(buf), "-%s", proto_errname(-rc));
	return buf;
}

/* Send the result of a stand-in call: its reply, or its errno. */
static void
xc_reply(struct ctl_conn *c, struct reply *r, int rc)
{
	if (rc < 0)
		send_err(c, -rc, "%s", strerror(-rc));
	else
		send_reply(c, r);
}

/* xc_interface_open PID: the caller's pid names its later dumps. */
static void
xc_open(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned long pid;
	int err;

	(void)argc;
	if (parse_uint(argv[1], 1ul << 31, &pid)) {
		send_err(c, EINVAL, "usage: xc_interface_open PID");
		return;
	}
	c->pid = (long)pid;
	err = fault_take_fail(argv[0]);
	history_add("xc_interface_open pid=%ld -> %s", c->pid, result(-err));
	if (err)
		send_err(c, err, "injected failure");
	else
		send_reply(c, r);
}

static void
xc_close(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	(void)argc;
	(void)argv;
	history_add("xc_interface_close pid=%ld -> 0", c->pid);
	send_reply(c, r);
}

/* xc_domain_getinfolist|xc_domain_getinfo FIRST MAX: raw records. */
static void
xc_getinfo(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[0];
	unsigned long first, max;
	xc_domaininfo_t *info;
	unsigned n;
	int err;

	(void)argc;
	if (parse_uint(argv[1], UINT32_MAX, &first) ||
	    parse_uint(argv[2], UINT32_MAX, &max)) {
		send_err(c, EINVAL, "usage: %s FIRST MAX", fn);
		return;
	}
	if ((err = fault_take_fail(fn)) != 0) {
		history_add("%s first=%lu max=%lu -> %s", fn, first, max,
		    result(-err));
		send_err(c, err, "injected failure");
		return;
	}
	if (max > SIM_MAX_DOMID)
		max = SIM_MAX_DOMID;
	if ((info = calloc(max ? max : 1, sizeof(*info))) == NULL)
		abort();
	n = dom_getinfo((unsigned)first, (unsigned)max, info);
	history_add("%s first=%lu max=%lu -> %u", fn, first, max, n);
	r->raw = info;
	r->rawlen = n * sizeof(*info);
	send_reply(c, r);
	free(info);
}

/* xc_dump_begin FN DOMID [PATH]: the parameters the caller generates
 * the image from; the dump is recorded when it ends. */
static void
xc_dump_begin(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[1];
	struct sim_dom *d;
	unsigned domid;
	char uuid[37];
	int err;

	(void)argc;
	if (parse_domid(c, argv[2], &domid))
		return;
	d = dom_get(domid);
	if (d == NULL || (d->flags & XEN_DOMINF_dying)) {
		history_add("%s domid=%u -> -ESRCH", fn, domid);
		send_err(c, ESRCH, "no domain %u", domid);
		return;
	}
	err = fault_take_fail(fn);
	uuid_format(d->uuid, uuid);
	line(r, "uuid=%s pages=%llu vcpus=%u zero=%u random=%u fail=%d "
	    "delay=%g", uuid, (unsigned long long)d->mem_mib * 256, d->vcpus,
	    d->zero_pct, d->random_pct, err, fault_delay(fn));
	c->dumping = true;
	snprintf(c->dump_fn, sizeof(c->dump_fn), "%s", fn);
	c->dump_domid = domid;
	send_reply(c, r);
}

/* xc_dump_end FN DOMID RESULT BYTES [PATH] */
static void
xc_dump_end(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	char enc[PROTO_LINE_MAX];
	unsigned domid;

	if (parse_domid(c, argv[2], &domid))
		return;
	c->dumping = false;
	if (argc > 5)
		history_add("%s domid=%u path=%s bytes=%s -> %s", argv[1],
		    domid, proto_encode(argv[5], enc, sizeof(enc)), argv[4],
		    argv[3]);
	else
		history_add("%s domid=%u bytes=%s -> %s", argv[1], domid,
		    argv[4], argv[3]);
	send_reply(c, r);
}

/* xc_readconsolering INDEX INCREMENTAL MAX: Xen's console ring as raw
 * bytes; the line is the index after them. */
static void
xc_readcons(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[0];
	unsigned long index, incr, max;
	uint32_t idx;
	char *buf;
	size_t n;
	int err;

	(void)argc;
	if (parse_uint(argv[1], UINT32_MAX, &index) ||
	    parse_uint(argv[2], 1, &incr) ||
	    parse_uint(argv[3], 1ul << 20, &max)) {
		send_err(c, EINVAL, "usage: %s INDEX INCREMENTAL MAX", fn);
		return;
	}
	if ((err = fault_take_fail(fn)) != 0) {
		history_add("%s -> %s", fn, result(-err));
		send_err(c, err, "injected failure");
		return;
	}
	if ((buf = malloc(max ? max : 1)) == NULL)
		abort();
	idx = (uint32_t)index;
	n = xenlog_read(&idx, (int)incr, buf, max);
	history_add("%s index=%lu incremental=%lu -> %zu", fn, index, incr, n);
	line(r, "%u", idx);
	r->raw = buf;
	r->rawlen = n;
	send_reply(c, r);
	free(buf);
}

/*
 * xc_vcpu_getinfo D V | xc_vcpu_getcontext D V |
 * xc_domain_hvm_getcontext_partial D V | xc_domain_get_guest_width D 0:
 * a vCPU's registers as "ip sp flags cr3 online" (hex), or the width.
 * The HVM save record is there for HVM guests only, as in Xen.
 */
static void
xc_vcpu(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[0];
	struct sim_regs regs;
	struct sim_dom *d;
	unsigned long vcpu;
	unsigned domid;
	int rc, err;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if (parse_uint(argv[2], 4096, &vcpu)) {
		send_err(c, EINVAL, "usage: %s D V", fn);
		return;
	}
	d = dom_get(domid);
	if ((err = fault_take_fail(fn)) != 0)
		rc = -err;
	else if (d == NULL || (d->flags & XEN_DOMINF_dying))
		rc = -ESRCH;
	else if (strcmp(fn, "xc_domain_hvm_getcontext_partial") == 0 &&
	    !d->hvm)
		rc = -EINVAL;
	else if (strcmp(fn, "xc_domain_get_guest_width") == 0)
		rc = line(r, "8");
	else if ((rc = vcpu_regs(domid, (unsigned)vcpu, &regs)) == 0)
		line(r, "%llx %llx %llx %llx %d", (unsigned long long)regs.ip,
		    (unsigned long long)regs.sp,
		    (unsigned long long)regs.flags,
		    (unsigned long long)regs.cr3, regs.online);
	history_add("%s domid=%u vcpu=%lu -> %s", fn, domid, vcpu, result(rc));
	xc_reply(c, r, rc);
}

/* xc_xenforeignmemory_map D FRAME: the page, raw (read-only mappings
 * only: the caller has no way to write it back). */
static void
xc_fmem_map(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[0];
	static char page[4096];
	unsigned long frame;
	unsigned domid;
	int rc, err;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if (parse_uint(argv[2], ULONG_MAX, &frame)) {
		send_err(c, EINVAL, "usage: %s D FRAME", fn);
		return;
	}
	if ((err = fault_take_fail(fn)) != 0)
		rc = -err;
	else
		rc = cons_page(domid, frame, page);
	history_add("%s domid=%u frame=%lu -> %s", fn + 3, domid, frame,
	    result(rc));
	r->raw = page;
	r->rawlen = rc == 0 ? sizeof(page) : 0;
	xc_reply(c, r, rc);
}

/* xc_domain_shutdown D REASON */
static void
xc_shutdown(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[0];
	unsigned long reason;
	unsigned domid;
	int rc, err;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if (parse_uint(argv[2], 255, &reason)) {
		send_err(c, EINVAL, "usage: xc_domain_shutdown D REASON");
		return;
	}
	if ((err = fault_take_fail(fn)) != 0)
		rc = -err;
	else if (dom_get(domid) == NULL)
		rc = -ESRCH;
	else if (reason > SHUTDOWN_MAX)
		rc = -EINVAL;
	else {
		/* Shutting down a shut-down domain changes nothing. */
		rc = dom_shutdown(domid, (unsigned)reason, true);
		if (rc == -EALREADY)
			rc = 0;
	}
	history_add("%s domid=%u reason=%lu -> %s", fn, domid, reason,
	    result(rc));
	xc_reply(c, r, rc);
}

static void	libxl_loop_line(const char *, void *);

/*
 * xc_domain_destroy|pause|unpause D, and the stand-in libxenlight's
 * destroy: xc_libxl_domain_destroy D (it starts; the loop devices its
 * hotplug scripts are to remove, one a line) and xc_libxl_teardown D
 * (its xenstore nodes go, before the hypercall), recorded as libxl_*.
 */
static void
xc_domain_op(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[0];
	unsigned domid;
	int rc, err;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if ((err = fault_take_fail(fn)) != 0)
		rc = -err;
	else if (strcmp(fn, "xc_domain_destroy") == 0)
		rc = dom_destroy(domid);
	else if (strcmp(fn, "xc_libxl_domain_destroy") == 0)
		rc = dev_loops(domid, libxl_loop_line, r);
	else if (strcmp(fn, "xc_libxl_teardown") == 0)
		rc = dev_teardown(domid);
	else
		rc = dom_pause(domid, strcmp(fn, "xc_domain_pause") == 0);
	history_add("%s domid=%u -> %s", strncmp(fn, "xc_libxl_", 9) == 0 ?
	    fn + 3 : fn, domid, result(rc));
	xc_reply(c, r, rc);
}

static void
libxl_loop_line(const char *path, void *arg)
{
	struct reply	*r = arg;
	char		*enc;

	if ((enc = malloc(3 * strlen(path) + 8)) == NULL)
		abort();
	line(r, "%s", proto_encode(path, enc, 3 * strlen(path) + 8));
	free(enc);
}

/* xc_libxl_userdata D: the libxl-json xl stored for D, raw. */
static void
xc_libxl_userdata(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	struct sim_dom *d;
	unsigned domid;
	int rc = 0;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if ((d = dom_get(domid)) == NULL)
		rc = -ESRCH;
	else if (d->xl_json == NULL)
		rc = -ENOENT;
	else {
		r->raw = d->xl_json;
		r->rawlen = strlen(d->xl_json);
	}
	xc_reply(c, r, rc);
}

/* xc_libxl_open: the stand-in libxenlight's context. */
static void
xc_libxl_open(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	int rc = dev_libxl_on() ? 0 : -EOPNOTSUPP;

	(void)argc;
	(void)argv;
	history_add("libxl_ctx_alloc -> %s", result(rc));
	xc_reply(c, r, rc);
}


/* xc_domain_sethandle D UUID: the domain's handle, as toolstacks
 * preserving a crashed domain set it. */
static void
xc_sethandle(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	const char *fn = argv[0];
	struct sim_dom *d;
	uint8_t uuid[16];
	unsigned domid;
	int rc, err;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if (uuid_parse(argv[2], uuid) != 0) {
		send_err(c, EINVAL, "usage: %s D UUID", fn);
		return;
	}
	if ((err = fault_take_fail(fn)) != 0)
		rc = -err;
	else if ((d = dom_get(domid)) == NULL || domid == 0)
		rc = -ESRCH;
	else {
		memcpy(d->uuid, uuid, sizeof(uuid));
		rc = 0;
	}
	history_add("%s domid=%u uuid=%s -> %s", fn, domid, argv[2],
	    result(rc));
	xc_reply(c, r, rc);
}

/* The stand-ins' calls.  Arguments are counted after the name. */
static const struct xc_cmd {
	const char	*name;
	int		 min_args;
	int		 max_args;
	ctl_fn		*fn;
	const char	*args;
} xc_cmds[] = {
	{ "xc_interface_open", 1, 1, xc_open, "PID" },
	{ "xc_interface_close", 0, 0, xc_close, "" },
	{ "xc_domain_getinfolist", 2, 2, xc_getinfo, "FIRST MAX" },
	{ "xc_domain_getinfo", 2, 2, xc_getinfo, "FIRST MAX" },
	{ "xc_dump_begin", 2, 3, xc_dump_begin, "FN DOMID [PATH]" },
	{ "xc_dump_end", 4, 5, xc_dump_end, "FN DOMID RESULT BYTES [PATH]" },
	{ "xc_domain_shutdown", 2, 2, xc_shutdown, "D REASON" },
	{ "xc_domain_destroy", 1, 1, xc_domain_op, "D" },
	{ "xc_domain_sethandle", 2, 2, xc_sethandle, "D UUID" },
	{ "xc_libxl_open", 0, 0, xc_libxl_open, "" },
	{ "xc_libxl_userdata", 1, 1, xc_libxl_userdata, "D" },
	{ "xc_libxl_domain_destroy", 1, 1, xc_domain_op, "D" },
	{ "xc_libxl_teardown", 1, 1, xc_domain_op, "D" },
	{ "xc_domain_pause", 1, 1, xc_domain_op, "D" },
	{ "xc_domain_unpause", 1, 1, xc_domain_op, "D" },
	{ "xc_readconsolering", 3, 3, xc_readcons,
	  "INDEX INCREMENTAL MAX" },
	{ "xc_vcpu_getinfo", 2, 2, xc_vcpu, "D V" },
	{ "xc_vcpu_getcontext", 2, 2, xc_vcpu, "D V" },
	{ "xc_domain_hvm_getcontext_partial", 2, 2, xc_vcpu, "D V" },
	{ "xc_domain_get_guest_width", 2, 2, xc_vcpu, "D 0" },
	{ "xc_xenforeignmemory_map", 2, 2, xc_fmem_map, "D FRAME" },
};

/* Stand-in calls: check for an injected failure, act, record. */
static void
xc_call(struct ctl_conn *c, int argc, char **argv)
{
	struct reply r = { .data = evbuffer_new() };
	const struct xc_cmd *x;
	size_t i;

	for (i = 0; i < sizeof(xc_cmds) / sizeof(xc_cmds[0]); i++) {
		x = &xc_cmds[i];
		if (strcmp(x->name, argv[0]) != 0)
			continue;
		if (argc - 1 < x->min_args || argc - 1 > x->max_args)
			send_err(c, EINVAL, "usage: %s %s", x->name, x->args);
		else
			x->fn(c, argc, argv, &r);
		evbuffer_free(r.data);
		return;
	}
	send_err(c, ENOSYS, "unknown call %s", argv[0]);
	evbuffer_free(r.data);
}


static int
opt_value(int *i, int argc, char **argv, const char *name,
    unsigned long max, unsigned long *out)
{
	if (strcmp(argv[*i], name) != 0)
		return 0;
	if (*i + 1 >= argc || parse_uint(argv[*i + 1], max, out) != 0)
		return -1;
	(*i)++;
	return 1;
}

/* create NAME [options] | create-many N PREFIX [options]: the table
 * has checked that NAME, or N and PREFIX, are there. */
void
cmd_create(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	struct dom_spec s = { .mem_mib = 64, .vcpus = 1 };
	unsigned long v, count = 1;
	uint8_t uuid[16];
	unsigned domid, k;
	int i, o, rc;
	bool many = strcmp(argv[0], "create-many") == 0;
	const char *prefix;
	char name[256];

	i = 1;
	if (many) {
		if (parse_uint(argv[1], SIM_MAX_DOMID, &count)) {
			send_usage(c, argv[0]);
			return;
		}
		i = 2;
	}
	prefix = argv[i++];
	for (; i < argc; i++) {
		if ((o = opt_value(&i, argc, argv, "--mem", 1ul << 24, &v))) {
			if (o < 0 || v == 0)
				goto bad;
			s.mem_mib = v;
		} else if ((o = opt_value(&i, argc, argv, "--vcpus", 512,
		    &v))) {
			if (o < 0 || v == 0)
				goto bad;
			s.vcpus = (unsigned)v;
		} else if ((o = opt_value(&i, argc, argv, "--zero-pct", 100,
		    &v))) {
			if (o < 0)
				goto bad;
			s.zero_pct = (unsigned)v;
		} else if ((o = opt_value(&i, argc, argv, "--random-pct", 100,
		    &v))) {
			if (o < 0)
				goto bad;
			s.random_pct = (unsigned)v;
		} else if ((o = opt_value(&i, argc, argv, "--offline-vcpus",
		    511, &v))) {
			if (o < 0)
				goto bad;
			s.offline_vcpus = (unsigned)v;
		} else if (strcmp(argv[i], "--hvm") == 0) {
			s.hvm = true;
		} else if (strcmp(argv[i], "--unnamed") == 0) {
			s.unnamed = true;
		} else if (!many && (o = opt_value(&i, argc, argv, "--domid",
		    SIM_MAX_DOMID - 1, &v))) {
			if (o < 0 || v == 0)
				goto bad;
			s.domid = (unsigned)v;
		} else if (strcmp(argv[i], "--uuid") == 0 && !many) {
			if (i + 1 >= argc || uuid_parse(argv[i + 1], uuid)) {
				send_err(c, EINVAL, "bad uuid");
				return;
			}
			s.uuid = uuid;
			i++;
		} else
			goto bad;
	}
	if (s.zero_pct + s.random_pct > 100) {
		send_err(c, EINVAL, "--zero-pct + --random-pct > 100");
		return;
	}
	for (k = 1; k <= count; k++) {
		if (many) {
			snprintf(name, sizeof(name), "%s-%u", prefix, k);
			s.name = name;
		} else
			s.name = prefix;
		if ((rc = dom_create(&s, &domid)) != 0) {
			send_err(c, -rc, "cannot create domain: %s",
			    strerror(-rc));
			return;
		}
		line(r, "%u", domid);
	}
	send_reply(c, r);
	return;
bad:
	send_err(c, EINVAL, "bad option '%s'", argv[i]);
}

/* Like "xl list": the name is whatever xenstore says now (a toolstack
 * may have renamed the domain), the rest is the hypervisor's. */
void
cmd_list(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	char uuid[37], st[32], path[64], *enc;
	const char *name;
	struct sim_dom *d;
	struct node *n;
	unsigned id;

	(void)argc;
	(void)argv;
	for (id = 0; id < SIM_MAX_DOMID; id++) {
		if ((d = dom_get(id)) == NULL)
			continue;
		snprintf(path, sizeof(path), "/local/domain/%u/name", id);
		n = store_get(path);
		name = n != NULL && n->value[0] != '\0' ? n->value : d->name;
		if ((enc = malloc(3 * strlen(name) + 8)) == NULL)
			abort();
		uuid_format(d->uuid, uuid);
		line(r, "%u %s %s %s", id, proto_encode(name, enc,
		    3 * strlen(name) + 8), uuid, dom_state(d, st, sizeof(st)));
		free(enc);
	}
	send_reply(c, r);
}

/* crash-every K: a storm, every K-th domain at once. */
void
cmd_crash_every(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned long k;
	unsigned id, i = 0, n = 0;
	struct sim_dom *d;

	(void)argc;
	if (parse_uint(argv[1], SIM_MAX_DOMID, &k) || k == 0) {
		send_err(c, EINVAL, "usage: crash-every K (K >= 1)");
		return;
	}
	for (id = 1; id < SIM_MAX_DOMID; id++) {
		if ((d = dom_get(id)) == NULL)
			continue;
		if (++i % k == 0 && dom_shutdown(id, SHUTDOWN_crash, false) == 0)
			n++;
	}
	/* xenstored fires once per cleanup pass, not once per domain. */
	if (n > 0)
		xs_fire("@releaseDomain");
	line(r, "%u", n);
	send_reply(c, r);
}

/* read PATH | write PATH VALUE | rm PATH */
void
cmd_store(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	struct node *n;
	char *enc;
	int rc;

	(void)argc;
	if (strcmp(argv[0], "read") == 0) {
		if ((n = store_get(argv[1])) == NULL) {
			send_err(c, ENOENT, "no node %s", argv[1]);
			return;
		}
		if ((enc = malloc(3 * n->vlen + 8)) == NULL)
			abort();
		line(r, "%s", proto_encode(n->value, enc, 3 * n->vlen + 8));
		free(enc);
	} else if (strcmp(argv[0], "write") == 0) {
		if ((rc = store_write(argv[1], argv[2], strlen(argv[2]), 0))) {
			send_err(c, -rc, "cannot write %s", argv[1]);
			return;
		}
		xs_fire(argv[1]);
	} else {
		if ((rc = store_rm(argv[1])) < 0) {
			send_err(c, -rc, "cannot remove %s", argv[1]);
			return;
		}
		if (rc == 0)
			xs_fire_rm(argv[1]);
	}
	send_reply(c, r);
}

/* xl-config D JSON: what xl create stores for D (libxl-json). */
void
cmd_xl_config(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	struct sim_dom *d;
	unsigned domid;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if ((d = dom_get(domid)) == NULL || domid == 0) {
		send_err(c, ESRCH, "no domain %u", domid);
		return;
	}
	free(d->xl_json);
	if ((d->xl_json = strdup(argv[2])) == NULL)
		abort();
	send_reply(c, r);
}

/* devices D */
void
cmd_devices(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned domid;
	int rc;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if ((rc = dev_attach(domid)) != 0) {
		send_err(c, -rc, "cannot give domain %u devices", domid);
		return;
	}
	send_reply(c, r);
}

/* libxl on|off */
void
cmd_libxl(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	(void)argc;
	if (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0) {
		send_usage(c, argv[0]);
		return;
	}
	dev_set_libxl(strcmp(argv[1], "on") == 0);
	send_reply(c, r);
}

static void
ls_line(const struct node *n, void *arg)
{
	struct reply *r = arg;
	char *enc;

	if ((enc = malloc(3 * n->vlen + 8)) == NULL)
		abort();
	line(r, "%s = %s", n->path, n->value != NULL ?
	    proto_encode(n->value, enc, 3 * n->vlen + 8) : "");
	free(enc);
}

/* ls PATH */
void
cmd_ls(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	struct node *n;

	(void)argc;
	if ((n = store_get(argv[1])) == NULL) {
		send_err(c, ENOENT, "no node %s", argv[1]);
		return;
	}
	dev_list(n, ls_line, r);
	send_reply(c, r);
}

/* fail OP ERRNO [COUNT] | fail OP off | delay OP SECONDS */
void
cmd_fault(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned long count = 1;
	double secs;
	char *end;
	int err, rc;

	if (strcmp(argv[0], "fail") == 0) {
		if (strcmp(argv[2], "off") == 0)
			err = 0;
		else if ((err = proto_errnum(argv[2])) == 0) {
			send_err(c, EINVAL, "unknown errno '%s'", argv[2]);
			return;
		}
		if (argc == 4 && parse_uint(argv[3], 1u << 30, &count)) {
			send_err(c, EINVAL, "bad count '%s'", argv[3]);
			return;
		}
		rc = fault_set_fail(argv[1], err, (unsigned)count);
	} else {
		secs = strtod(argv[2], &end);
		if (end == argv[2] || *end != '\0') {
			send_err(c, EINVAL, "bad seconds '%s'", argv[2]);
			return;
		}
		rc = fault_set_delay(argv[1], secs);
	}
	if (rc != 0) {
		send_err(c, -rc, "unknown operation '%s' or bad value",
		    argv[1]);
		return;
	}
	send_reply(c, r);
}

/*
 * console D TEXT | console-fill D BYTE | console-index D PROD CONS |
 * kernel-log D TEXT | kernel-panic D MSG | xen-log TEXT: what a guest
 * printed to its console ring, the ring full of one byte, indexes as a
 * hostile guest may set them, a line its kernel logged in memory, its
 * kernel's panic, and a line of Xen's own (a newline is added to TEXT
 * when it has none).
 */
void
cmd_console(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned long v, w;
	unsigned domid = 0;
	size_t len;
	int rc;

	if (strcmp(argv[0], "xen-log") == 0) {
		len = strlen(argv[1]);
		xenlog_append(argv[1], len);
		if (len == 0 || argv[1][len - 1] != '\n')
			xenlog_append("\n", 1);
		send_reply(c, r);
		return;
	}
	if (parse_domid(c, argv[1], &domid))
		return;
	if (strcmp(argv[0], "console") == 0)
		rc = cons_append(domid, argv[2], strlen(argv[2]));
	else if (strcmp(argv[0], "kernel-log") == 0)
		rc = kmsg_append(domid, argv[2], strlen(argv[2]));
	else if (strcmp(argv[0], "kernel-panic") == 0)
		rc = kmsg_panic_copy(domid, argv[2]);
	else if (strcmp(argv[0], "console-fill") == 0) {
		if (parse_uint(argv[2], 255, &v)) {
			send_usage(c, argv[0]);
			return;
		}
		rc = cons_fill(domid, (int)v);
	} else {
		if (argc != 4 || parse_uint(argv[2], UINT32_MAX, &v) ||
		    parse_uint(argv[3], UINT32_MAX, &w)) {
			send_usage(c, argv[0]);
			return;
		}
		rc = cons_set_index(domid, (uint32_t)v, (uint32_t)w);
	}
	if (rc == -ESRCH)
		send_err(c, ESRCH, "no domain %u", domid);
	else if (rc < 0)
		send_err(c, -rc, "%s: %s", argv[0], strerror(-rc));
	else
		send_reply(c, r);
}

/* crash D | watchdog D | shutdown D REASON */
void
cmd_shutdown(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned domid;
	int rc, reason;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if (strcmp(argv[0], "crash") == 0)
		reason = SHUTDOWN_crash;
	else if (strcmp(argv[0], "watchdog") == 0)
		reason = SHUTDOWN_watchdog;
	else if ((reason = parse_reason(argv[2])) < 0) {
		send_err(c, EINVAL, "unknown reason '%s' (poweroff reboot "
		    "suspend crash watchdog soft_reset)", argv[2]);
		return;
	}
	if (domid == 0) {
		send_err(c, EINVAL, "domain 0 cannot be shut down here");
		return;
	}
	rc = dom_shutdown(domid, (unsigned)reason, true);
	if (rc == -ESRCH)
		send_err(c, ESRCH, "no domain %u", domid);
	else if (rc == -EALREADY)
		send_err(c, EALREADY, "domain %u is already shut down or dying",
		    domid);
	else if (rc != 0)
		send_err(c, -rc, "cannot shut down %u", domid);
	else
		send_reply(c, r);
}

/* destroy D | pause D | unpause D */
void
cmd_domain_op(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned domid;
	int rc;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if (strcmp(argv[0], "destroy") == 0)
		rc = dom_destroy(domid);
	else
		rc = dom_pause(domid, strcmp(argv[0], "pause") == 0);
	if (rc == -ESRCH)
		send_err(c, ESRCH, "no domain %u", domid);
	else if (rc != 0)
		send_err(c, -rc, "cannot %s domain %u", argv[0], domid);
	else
		send_reply(c, r);
}

void
cmd_info(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	struct sim_dom *d;
	unsigned domid;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	if ((d = dom_get(domid)) == NULL) {
		send_err(c, ESRCH, "no domain %u", domid);
		return;
	}
	line(r, "flags=0x%x mem=%llu vcpus=%u", d->flags,
	    (unsigned long long)d->mem_mib, d->vcpus);
	send_reply(c, r);
}

void
cmd_history(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	if (argc == 2 && strcmp(argv[1], "clear") == 0)
		history_clear();
	else if (argc == 2 && strcmp(argv[1], "count") == 0)
		history_count(r->data, &r->nlines);
	else if (argc == 1)
		history_dump(r->data, &r->nlines);
	else {
		send_usage(c, argv[0]);
		return;
	}
	send_reply(c, r);
}

void
cmd_destroy_delay(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned long ms;

	(void)argc;
	if (parse_uint(argv[1], 3600000, &ms)) {
		send_usage(c, argv[0]);
		return;
	}
	dom_set_destroy_delay((unsigned)ms);
	send_reply(c, r);
}

void
cmd_release_event(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	(void)argc;
	if (strcmp(argv[1], "early") != 0 && strcmp(argv[1], "late") != 0) {
		send_usage(c, argv[0]);
		return;
	}
	dom_set_release_early(strcmp(argv[1], "early") == 0);
	send_reply(c, r);
}

void
cmd_drop_connections(struct ctl_conn *c, int argc, char **argv,
    struct reply *r)
{
	(void)argc;
	(void)argv;
	xs_drop_all();
	send_reply(c, r);
}

/*
 * xenstored stop [xenbus] | start: the socket goes and comes back, the
 * store stays.  With "xenbus" a dom0 kernel's xenbus device stands in
 * its place meanwhile, and what clients ask through it waits for start.
 */
void
cmd_xenstored(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	int rc;

	if (strcmp(argv[1], "stop") == 0 && (argc == 2 ||
	    strcmp(argv[2], "xenbus") == 0)) {
		xs_unlisten();
		if (argc == 3 && (rc = xs_xenbus_open(sim.xs_path)) != 0) {
			send_err(c, -rc, "cannot make a xenbus device at %s",
			    sim.xs_path);
			return;
		}
	} else if (strcmp(argv[1], "start") == 0 && argc == 2) {
		if (!xs_listening() && (rc = xs_listen(sim.xs_path))) {
			send_err(c, -rc, "cannot listen on %s", sim.xs_path);
			return;
		}
	} else {
		send_usage(c, argv[0]);
		return;
	}
	send_reply(c, r);
}

void
cmd_xs_history(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	(void)argc;
	if (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0) {
		send_usage(c, argv[0]);
		return;
	}
	xs_set_history(strcmp(argv[1], "on") == 0);
	send_reply(c, r);
}

void
cmd_xs_restrict(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	unsigned domid;

	(void)argc;
	if (parse_domid(c, argv[1], &domid))
		return;
	xs_restrict_next(domid);
	send_reply(c, r);
}

/* fire PATH: PATH's watches fire with nothing changed, as xenstored's
 * spurious @releaseDomain events do. */
void
cmd_fire(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	(void)argc;
	if (argv[1][0] != '@' && argv[1][0] != '/') {
		send_err(c, EINVAL, "usage: fire @NAME|/PATH");
		return;
	}
	xs_fire(argv[1]);
	send_reply(c, r);
}

void
cmd_ping(struct ctl_conn *c, int argc, char **argv, struct reply *r)
{
	(void)argc;
	(void)argv;
	send_reply(c, r);
}

/* The commands of xensimctl, through the table in ctl-table.c. */
static void
ctl_command(struct ctl_conn *c, int argc, char **argv)
{
	struct reply r = { .data = evbuffer_new() };
	const struct ctl_cmd *cmd;

	if ((cmd = ctl_find(argv[0])) == NULL)
		send_err(c, EINVAL, "unknown command %s (see xensimctl --help)",
		    argv[0]);
	else if (argc - 1 < cmd->min_args || (cmd->max_args != CTL_ARGS_ANY &&
	    argc - 1 > cmd->max_args))
		send_usage(c, argv[0]);
	else
		cmd->fn(c, argc, argv, &r);
	evbuffer_free(r.data);
}


static void
defer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_conn *c = arg;
	char *l = c->deferred;

	(void)fd;
	(void)what;
	c->deferred = NULL;
	ctl_process(c, l);
	free(l);
	bufferevent_enable(c->bev, EV_READ);
	/* Requests that queued up meanwhile. */
	bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
}

/* Stand-in calls with a "delay" hang here: the reply (and the effect)
 * comes later, and only this client waits. */
static bool
maybe_defer(struct ctl_conn *c, const char *l, const char *fn)
{
	struct timeval tv;
	double secs;

	if (strncmp(fn, "xc_", 3) != 0 || strcmp(fn, "xc_dump_begin") == 0 ||
	    strcmp(fn, "xc_dump_end") == 0 || (secs = fault_delay(fn)) <= 0)
		return false;
	if ((c->deferred = strdup(l)) == NULL)
		abort();
	if (c->timer == NULL)
		c->timer = evtimer_new(sim.base, defer_cb, c);
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	evtimer_add(c->timer, &tv);
	bufferevent_disable(c->bev, EV_READ);
	return true;
}

static void
ctl_process(struct ctl_conn *c, char *l)
{
	char *argv[PROTO_TOKENS_MAX];
	int argc;

	argc = proto_split(l, argv, PROTO_TOKENS_MAX);
	if (argc <= 0) {
		send_err(c, EINVAL, argc < 0 ? "too many arguments" :
		    "empty request");
		return;
	}
	if (strncmp(argv[0], "xc_", 3) == 0)
		xc_call(c, argc, argv);
	else
		ctl_command(c, argc, argv);
}

static void
conn_free(struct ctl_conn *c)
{
	struct ctl_conn **pp;

	for (pp = &conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	/* A caller killed in the middle of a dump leaves a trace. */
	if (c->dumping)
		history_add("%s domid=%u -> killed", c->dump_fn,
		    c->dump_domid);
	if (c->timer != NULL)
		event_free(c->timer);
	free(c->deferred);
	bufferevent_free(c->bev);
	free(c);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *l, *copy, *sp;
	size_t len;

	while (c->deferred == NULL &&
	    (l = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
		if ((copy = strdup(l)) == NULL)
			abort();
		sp = strchr(copy, ' ');
		if (sp != NULL)
			*sp = '\0';
		if (!maybe_defer(c, l, copy))
			ctl_process(c, l);
		free(copy);
		free(l);
	}
	if (evbuffer_get_length(in) > PROTO_LINE_MAX * 4) {
		send_err(c, E2BIG, "request line too long");
		conn_free(c);
	}
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(arg);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct ctl_conn *c;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		abort();
	c->bev = bufferevent_socket_new(sim.base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		abort();
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = conns;
	conns = c;
}

int
control_listen(const char *path, struct event_base *base)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	unlink(path);
	listener = evconnlistener_new_bind(base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 128,
	    (struct sockaddr *)&sun, sizeof(sun));
	if (listener == NULL)
		return -errno;
	listen_path = strdup(path);
	return 0;
}

void
control_shutdown(void)
{
	while (conns != NULL) {
		conns->dumping = false;
		conn_free(conns);
	}
	if (listener != NULL) {
		evconnlistener_free(listener);
		listener = NULL;
		unlink(listen_path);
	}
	free(listen_path);
	listen_path = NULL;
}
