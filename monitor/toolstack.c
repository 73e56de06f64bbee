/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toolstack.c: the host's toolstack library, libxenlight, for the default
 * destroy, done as "xl destroy" does it: device backends torn down and
 * their hotplug scripts run ("remove": loop devices detached, vifs
 * unplugged), the toolstack's records removed, the domain destroyed.
 * The bare hypercall leaves all of those behind.
 *
 * libxl runs inside our loop.  Its fds and timeouts are libevent events
 * (libxl_osevent_register_hooks); its children (the hotplug scripts, the
 * child that makes the destroy hypercall, which lasts as long as Xen
 * takes to free the memory) are reaped by our SIGCHLD handler and handed
 * over with libxl_childproc_reaped (libxl_sigchld_owner_mainloop), as
 * libvirt's libxl driver does.  An operation may complete inside the
 * call that starts it; its callback is always run from the loop, never
 * from inside libxl.
 *
 * The library is loaded with dlopen: on a host without it (another
 * toolstack) the daemon says so once and keeps the hypercall path.
 */
#include <sys/time.h>
#include <sys/queue.h>

#include <sys/prctl.h>

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libxl.h>

#include "crashwatchd.h"

#ifndef LIBXENLIGHT_SONAME
#error "LIBXENLIGHT_SONAME: the build sets it from the library it found"
#endif

struct tk_op {
	struct toolstack	*tk;
	libxl_asyncop_how	 how;
	struct event		*ev_done;	/* the result, from the loop */
	int			 rc;		/* libxl's */
	bool			 running;	/* libxl still has it */
	toolstack_cb		*cb;
	void			*arg;
	LIST_ENTRY(tk_op)	 entry;
};

/* One fd or timeout libxl asked for. */
struct tk_reg {
	struct toolstack	*tk;
	struct event		*ev;
	void			*for_libxl;
	int			 fd;
	short			 events;	/* poll(2)'s */
};

struct toolstack {
	struct event_base	*base;
	void			*dl;
	libxl_ctx		*ctx;
	xentoollog_logger	 logger;
	libxl_osevent_hooks	 hooks;
	libxl_childproc_hooks	 chld;
	libxl_event_hooks	 events;
	bool			 broken;	/* libxl reported a disaster */
	LIST_HEAD(, tk_op)	 ops;
	struct {
		__typeof__(libxl_ctx_alloc)		 *ctx_alloc;
		__typeof__(libxl_ctx_free)		 *ctx_free;
		__typeof__(libxl_osevent_register_hooks) *register_hooks;
		__typeof__(libxl_osevent_occurred_fd)	 *occurred_fd;
		__typeof__(libxl_osevent_occurred_timeout) *occurred_timeout;
		__typeof__(libxl_childproc_setmode)	 *setmode;
		__typeof__(libxl_event_register_callbacks) *register_callbacks;
		__typeof__(libxl_childproc_reaped)	 *reaped;
		__typeof__(libxl_domain_destroy)	 *destroy;
		__typeof__(libxl_error_to_string)	 *strerror;
		__typeof__(libxl_userdata_retrieve)	 *userdata;
		__typeof__(libxl_domain_config_init)	 *config_init;
		__typeof__(libxl_domain_config_dispose)	 *config_dispose;
		__typeof__(libxl_domain_config_from_json) *config_from_json;
		__typeof__(libxl_action_on_shutdown_to_string) *action_name;
	} fn;
};

/* libxl's name for RC, never NULL. */
static const char *
tk_strerror(struct toolstack *tk, int rc)
{
	static char	 buf[32];
	const char	*s = tk->fn.strerror((libxl_error)rc);

	if (s != NULL)
		return s;
	snprintf(buf, sizeof buf, "error %d", rc);
	return buf;
}

/* Closed with operations in flight (toolstack_close): kept reachable
 * (volatile: a store never read back is otherwise optimised away). */
static struct toolstack	*volatile tk_abandoned;

/* libxl's messages: its errors are worth a line; the rest is debug. */
static void __attribute__((format(printf, 5, 0)))
tk_vmessage(xentoollog_logger *lg, xentoollog_level level, int errnoval,
    const char *context, const char *fmt, va_list ap)
{
	char	*s;

	(void)lg;
	if (level < XTL_WARN && !log_is_verbose())
		return;
	if (vasprintf(&s, fmt, ap) == -1)
		return;
	if (level >= XTL_WARN)
		log_warnx("%s: %s%s%s", context != NULL ? context : "libxl", s,
		    errnoval >= 0 ? ": " : "",
		    errnoval >= 0 ? strerror(errnoval) : "");
	else
		log_debug("%s: %s", context != NULL ? context : "libxl", s);
	free(s);
}

static void
tk_destroy_logger(xentoollog_logger *lg)
{
	(void)lg;
}

static short
tk_ev_flags(short events)
{
	return (short)(((events & POLLIN) ? EV_READ : 0) |
	    ((events & POLLOUT) ? EV_WRITE : 0) | EV_PERSIST);
}

static void
tk_fd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tk_reg		*reg = arg;
	short			 revents = 0;

	if (what & EV_READ)
		revents |= POLLIN;
	if (what & EV_WRITE)
		revents |= POLLOUT;
	reg->tk->fn.occurred_fd(reg->tk->ctx, reg->for_libxl, (int)fd,
	    reg->events, revents & reg->events);
}

/* (Re)arm REG for EVENTS; none means registered but quiet. */
static int
tk_fd_arm(struct tk_reg *reg, short events)
{
	if (reg->ev != NULL)
		event_free(reg->ev);
	reg->ev = NULL;
	reg->events = events;
	if ((events & (POLLIN | POLLOUT)) == 0)
		return 0;
	reg->ev = event_new(reg->tk->base, reg->fd, tk_ev_flags(events),
	    tk_fd_cb, reg);
	if (reg->ev != NULL && event_add(reg->ev, NULL) == 0)
		return 0;
	if (reg->ev != NULL)
		event_free(reg->ev);
	reg->ev = NULL;
	return ERROR_OSEVENT_REG_FAIL;
}

static int
tk_fd_register(void *user, int fd, void **out, short events, void *for_libxl)
{
	struct tk_reg	*reg;

	if ((reg = calloc(1, sizeof *reg)) == NULL)
		return ERROR_OSEVENT_REG_FAIL;
	reg->tk = user;
	reg->fd = fd;
	reg->for_libxl = for_libxl;
	if (tk_fd_arm(reg, events) != 0) {
		free(reg);
		return ERROR_OSEVENT_REG_FAIL;
	}
	*out = reg;
	return 0;
}

static int
tk_fd_modify(void *user, int fd, void **update, short events)
{
	struct tk_reg	*reg = *update;
	short		 old = reg->events;

	(void)user;
	(void)fd;
	if (tk_fd_arm(reg, events) != 0) {
		/* A failed modify leaves the registration as it was. */
		tk_fd_arm(reg, old);
		return ERROR_OSEVENT_REG_FAIL;
	}
	return 0;
}

static void
tk_fd_deregister(void *user, int fd, void *registration)
{
	struct tk_reg	*reg = registration;

	(void)user;
	(void)fd;
	if (reg->ev != NULL)
		event_free(reg->ev);
	free(reg);
}

/* A timeout is deregistered by its occurrence: free it first. */
static void
tk_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tk_reg		*reg = arg;
	struct toolstack	*tk = reg->tk;
	void			*for_libxl = reg->for_libxl;

	(void)fd;
	(void)what;
	event_free(reg->ev);
	free(reg);
	tk->fn.occurred_timeout(tk->ctx, for_libxl);
}

static int
tk_timeout_register(void *user, void **out, struct timeval abs,
    void *for_libxl)
{
	struct toolstack	*tk = user;
	struct tk_reg		*reg;
	struct timeval		 now, tv = { 0, 0 };

	if ((reg = calloc(1, sizeof *reg)) == NULL)
		return ERROR_OSEVENT_REG_FAIL;
	reg->tk = tk;
	reg->fd = -1;
	reg->for_libxl = for_libxl;
	if ((reg->ev = evtimer_new(tk->base, tk_timeout_cb, reg)) == NULL) {
		free(reg);
		return ERROR_OSEVENT_REG_FAIL;
	}
	/* libxl's times are gettimeofday's. */
	gettimeofday(&now, NULL);
	if (timercmp(&abs, &now, >))
		timersub(&abs, &now, &tv);
	evtimer_add(reg->ev, &tv);
	*out = reg;
	return 0;
}

/* Only ever "now" ({0,0}); one already firing is left to fire. */
static int
tk_timeout_modify(void *user, void **update, struct timeval abs)
{
	struct tk_reg	*reg = *update;
	struct timeval	 now = { 0, 0 };

	(void)user;
	(void)abs;
	evtimer_add(reg->ev, &now);
	return 0;
}

static void
tk_timeout_deregister(void *user, void *registration)
{
	struct tk_reg	*reg = registration;

	(void)user;
	event_free(reg->ev);
	free(reg);
}

/*
 * libxl's children (hotplug scripts, the destroy hypercall's) die with
 * the daemon, as its own do: the one that comes back destroys again and
 * never races a teardown left running.
 */
static pid_t
tk_fork(void *user)
{
	pid_t	parent = getpid(), pid;

	(void)user;
	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
	}
	return pid;
}

/*
 * libxl's event handling broke (out of memory, a failed system call):
 * what it had under way will not finish.  Those destroys end failed and
 * are retried, and from now on by the hypercall (toolstack_usable).
 */
static void
tk_disaster(void *user, libxl_event_type type, const char *msg, int errnoval)
{
	struct toolstack	*tk = user;
	struct tk_op		*op;

	(void)type;
	log_crit("libxenlight failed: %s%s%s; destroying with the hypercall "
	    "from now on, which leaves device backends behind; restart the "
	    "service to use libxenlight again", msg != NULL ? msg : "?",
	    errnoval > 0 ? ": " : "", errnoval > 0 ? strerror(errnoval) : "");
	tk->broken = true;
	LIST_FOREACH(op, &tk->ops, entry)
		if (op->running) {
			op->running = false;
			op->rc = ERROR_FAIL;
			event_active(op->ev_done, 0, 0);
		}
}

/* Operations of ours under way in libxenlight. */
bool
toolstack_busy(const struct toolstack *tk)
{
	return tk != NULL && !LIST_EMPTY(&tk->ops);
}

bool
toolstack_usable(const struct toolstack *tk)
{
	return tk != NULL && !tk->broken;
}

static bool
tk_bind(struct toolstack *tk, const char **missing)
{
#define BIND(field, sym) do {						\
	*(void **)&tk->fn.field = dlsym(tk->dl, #sym);			\
	if (tk->fn.field == NULL) {					\
		*missing = #sym;					\
		return false;						\
	}								\
} while (0)
	BIND(ctx_alloc, libxl_ctx_alloc);
	BIND(ctx_free, libxl_ctx_free);
	BIND(register_hooks, libxl_osevent_register_hooks);
	BIND(occurred_fd, libxl_osevent_occurred_fd);
	BIND(occurred_timeout, libxl_osevent_occurred_timeout);
	BIND(setmode, libxl_childproc_setmode);
	BIND(register_callbacks, libxl_event_register_callbacks);
	BIND(reaped, libxl_childproc_reaped);
	BIND(destroy, libxl_domain_destroy);
	BIND(strerror, libxl_error_to_string);
	BIND(userdata, libxl_userdata_retrieve);
	BIND(config_init, libxl_domain_config_init);
	BIND(config_dispose, libxl_domain_config_dispose);
	BIND(config_from_json, libxl_domain_config_from_json);
	BIND(action_name, libxl_action_on_shutdown_to_string);
#undef BIND
	return true;
}

struct toolstack *
toolstack_open(struct event_base *base)
{
	struct toolstack	*tk;
	const char		*missing = NULL;
	int			 rc;

	if ((tk = calloc(1, sizeof *tk)) == NULL)
		return NULL;
	tk->base = base;
	LIST_INIT(&tk->ops);
	if ((tk->dl = dlopen(LIBXENLIGHT_SONAME, RTLD_NOW | RTLD_LOCAL)) ==
	    NULL) {
		log_info("no toolstack library (%s); destroying with the "
		    "hypercall, which leaves device backends and hotplug "
		    "state (loop devices, vifs) behind: set destroy.command "
		    "to your toolstack's destroy", dlerror());
		free(tk);
		return NULL;
	}
	if (!tk_bind(tk, &missing)) {
		log_warnx("%s lacks %s; destroying with the hypercall",
		    LIBXENLIGHT_SONAME, missing);
		goto fail;
	}
	tk->logger.vmessage = tk_vmessage;
	tk->logger.destroy = tk_destroy_logger;
	if ((rc = tk->fn.ctx_alloc(&tk->ctx, LIBXL_VERSION, 0,
	    &tk->logger)) != 0) {
		log_warnx("cannot use libxenlight (%s); destroying with the "
		    "hypercall, which leaves device backends behind",
		    tk_strerror(tk, rc));
		tk->ctx = NULL;
		goto fail;
	}
	tk->hooks.fd_register = tk_fd_register;
	tk->hooks.fd_modify = tk_fd_modify;
	tk->hooks.fd_deregister = tk_fd_deregister;
	tk->hooks.timeout_register = tk_timeout_register;
	tk->hooks.timeout_modify = tk_timeout_modify;
	tk->hooks.timeout_deregister = tk_timeout_deregister;
	tk->fn.register_hooks(tk->ctx, &tk->hooks, tk);
	/* Our SIGCHLD handler reaps every child; libxl gets its own. */
	tk->chld.chldowner = libxl_sigchld_owner_mainloop;
	tk->chld.fork_replacement = tk_fork;
	tk->fn.setmode(tk->ctx, &tk->chld, tk);
	/* Without a disaster hook, libxl calls exit() on one. */
	tk->events.disaster = tk_disaster;
	tk->fn.register_callbacks(tk->ctx, &tk->events, tk);
	log_debug("destroying through %s", LIBXENLIGHT_SONAME);
	return tk;
fail:
	dlclose(tk->dl);
	free(tk);
	return NULL;
}

static void
tk_op_free(struct tk_op *op)
{
	LIST_REMOVE(op, entry);
	if (op->ev_done != NULL)
		event_free(op->ev_done);
	free(op);
}

void
toolstack_close(struct toolstack *tk)
{
	struct tk_op	*op, *next;
	unsigned	 running = 0;

	if (tk == NULL)
		return;
	for (op = LIST_FIRST(&tk->ops); op != NULL; op = next) {
		next = LIST_NEXT(op, entry);
		if (op->running)
			running++;
		else
			tk_op_free(op);
	}
	if (running > 0 || tk->broken) {
		/* libxl may not be freed with operations in flight: it is
		 * kept, reachable, until the process ends.  The next start
		 * finds those domains and destroys them again. */
		if (running > 0)
			log_info("leaving %u toolstack destroy(s) unfinished",
			    running);
		tk_abandoned = tk;
		return;
	}
	tk->fn.ctx_free(tk->ctx);
	dlclose(tk->dl);
	free(tk);
}

/* From the loop: say how it went. */
static void
tk_op_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tk_op	*op = arg;
	toolstack_cb	*cb = op->cb;
	void		*cbarg = op->arg;
	int		 err;
	char		 why[96];

	(void)fd;
	(void)what;
	if (op->rc == 0)
		err = 0;
	else if (op->rc == ERROR_DOMAIN_NOTFOUND)
		err = ESRCH;
	else
		err = EIO;
	snprintf(why, sizeof why, "libxenlight: %s",
	    op->rc == 0 ? "done" : tk_strerror(op->tk, op->rc));
	/* After a disaster libxl may still hold the operation: it is kept
	 * (toolstack_close frees nothing then). */
	if (!op->tk->broken)
		tk_op_free(op);
	cb(err, why, cbarg);
}

/* libxl's: possibly from inside the call that started the operation. */
static void
tk_op_libxl_cb(libxl_ctx *ctx, int rc, void *arg)
{
	struct tk_op	*op = arg;

	(void)ctx;
	/* After a disaster, a late completion changes nothing. */
	if (!op->running)
		return;
	op->rc = rc;
	op->running = false;
	event_active(op->ev_done, 0, 0);
}

int
toolstack_destroy(struct toolstack *tk, unsigned domid, toolstack_cb *cb,
    void *arg)
{
	struct tk_op	*op;
	int		 rc;

	if ((op = calloc(1, sizeof *op)) == NULL)
		return -ENOMEM;
	if ((op->ev_done = event_new(tk->base, -1, 0, tk_op_done_cb, op)) ==
	    NULL) {
		free(op);
		return -ENOMEM;
	}
	op->tk = tk;
	op->cb = cb;
	op->arg = arg;
	op->how.callback = tk_op_libxl_cb;
	op->how.u.for_callback = op;
	op->running = true;
	LIST_INSERT_HEAD(&tk->ops, op, entry);
	if ((rc = tk->fn.destroy(tk->ctx, domid, &op->how)) != 0) {
		/* Not started: no callback will come. */
		op->running = false;
		op->rc = rc;
		event_active(op->ev_done, 0, 0);
	}
	return 0;
}

/* A child our SIGCHLD handler reaped: true when it was libxl's. */
bool
toolstack_reaped(struct toolstack *tk, pid_t pid, int status)
{
	if (tk == NULL)
		return false;
	return tk->fn.reaped(tk->ctx, pid, status) == 0;
}

static void
tk_action_word(struct toolstack *tk, libxl_action_on_shutdown a, char *out,
    size_t len)
{
	const char	*w = tk->fn.action_name(a);

	snprintf(out, len, "%s", w != NULL ? w : "unknown");
}

/*
 * What xl itself does when DOMID crashes or its watchdog fires: the
 * on_crash and on_watchdog of the configuration libxl stored for it (the
 * "libxl-json" userdata xl create writes, the one xl's own monitor acts
 * on).  0; -ENOENT: none stored (not a guest of xl's); -EIO: unreadable.
 * A small local file, read once when the domain is first seen.
 */
int
toolstack_xl_actions(struct toolstack *tk, unsigned domid,
    struct xl_actions *out)
{
	libxl_domain_config	 cfg;
	uint8_t			*data = NULL;
	int			 len = 0, rc;

	if (tk->fn.userdata(tk->ctx, domid, "libxl-json", &data, &len) != 0)
		return -EIO;
	if (data == NULL || len <= 0) {
		free(data);
		return -ENOENT;
	}
	/* libxl stores the JSON NUL-terminated; never trust that. */
	if (data[len - 1] != '\0') {
		free(data);
		return -EIO;
	}
	tk->fn.config_init(&cfg);
	rc = tk->fn.config_from_json(tk->ctx, &cfg, (const char *)data);
	free(data);
	if (rc != 0) {
		tk->fn.config_dispose(&cfg);
		return -EIO;
	}
	snprintf(out->name, sizeof out->name, "%s",
	    cfg.c_info.name != NULL ? cfg.c_info.name : "");
	tk_action_word(tk, cfg.on_crash, out->on_crash, sizeof out->on_crash);
	tk_action_word(tk, cfg.on_watchdog, out->on_watchdog,
	    sizeof out->on_watchdog);
	out->crash = cfg.on_crash != LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
	out->watchdog = cfg.on_watchdog != LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
	tk->fn.config_dispose(&cfg);
	return 0;
}

static void __attribute__((format(printf, 5, 0)))
tk_quiet(xentoollog_logger *lg, xentoollog_level level, int errnoval,
    const char *context, const char *fmt, va_list ap)
{
	(void)lg;
	(void)level;
	(void)errnoval;
	(void)context;
	(void)fmt;
	(void)ap;
}

struct tk_list {
	struct toolstack	*tk;
	FILE			*out;
	unsigned		 n;
};

static void
tk_list_cb(const struct hv_info *hi, void *arg)
{
	struct tk_list		*l = arg;
	struct xl_actions	 a;

	if (hi->domid == 0 || toolstack_xl_actions(l->tk, hi->domid, &a) != 0 ||
	    (!a.crash && !a.watchdog))
		return;
	if (l->n++ == 0)
		fprintf(l->out, "xl handles these guests' crashes itself; the "
		    "daemon only observes them (set on_crash and on_watchdog "
		    "to \"preserve\" in their xl configuration to change "
		    "that):\n");
	fprintf(l->out, "  domain %u (%s): on_crash \"%s\", on_watchdog "
	    "\"%s\"\n", hi->domid, a.name, a.on_crash, a.on_watchdog);
}

/*
 * For "xen-crashwatchd -n": where the hypervisor and libxenlight are
 * there (a dom0), the guests the daemon would only observe.  Elsewhere,
 * nothing: checking a configuration needs neither.
 */
void
toolstack_list_xl_guests(FILE *out)
{
	struct event_base	*base;
	struct tk_list		 l = { NULL, out, 0 };
	xentoollog_logger	 quiet = { .vmessage = tk_quiet };
	xc_interface		*xch;

	/* Not a dom0 is no error here: nothing to list, nothing said. */
	if ((xch = xc_interface_open(&quiet, &quiet, 0)) == NULL)
		return;
	if ((base = event_base_new()) != NULL &&
	    (l.tk = toolstack_open(base)) != NULL) {
		if (hv_scan(xch, tk_list_cb, &l) != 0)
			fprintf(out, "cannot list the domains\n");
		toolstack_close(l.tk);
	}
	if (base != NULL)
		event_base_free(base);
	hv_close(xch);
}
