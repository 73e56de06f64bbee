/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxl.c: the stand-in libxenlight.so.4.17: a context, the application's
 * event hooks, and libxl_domain_destroy as an asynchronous operation
 * shaped like the real one.
 *
 * Like libxl 4.17 (tools/libs/light/libxl_domain.c), a destroy runs the
 * hotplug scripts of the guest's disks ("remove": here a child that
 * deletes the loop device files), removes the guest's xenstore nodes, then
 * forks a child for the destroy hypercall, and completes when it is
 * reaped.  The children are reported through the application's SIGCHLD
 * handling (libxl_sigchld_owner_mainloop, the only mode the stand-in
 * takes); the hotplug child's pipe through fd_register; a deadline
 * through timeout_register.  A domain that is not there completes the
 * operation inside the call, as libxl can.
 *
 * It checks the application keeps the API's rules, and aborts with a
 * message when it does not: no occurrence call from inside libxl, no
 * call for an fd or timeout that is not registered.
 */
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxl.h>

#include "proto.h"
#include "xc-handle.h"

#define OP_DEADLINE_SECS	10

/* An operation's timeout, which may occur after the operation is over. */
struct tmo {
	struct op		*op;		/* NULL: over */
	void			*reg;		/* the application's */
};

struct op {
	struct libxl__ctx	*ctx;
	uint32_t		 domid;
	libxl_asyncop_how	 how;
	pid_t			 hotplug;	/* running, or 0 */
	pid_t			 destroyer;
	int			 pipe;		/* the hotplug child's, or -1 */
	void			*fd_reg;
	struct tmo		*tmo;
	bool			 timed_out;
	int			 rc;
	struct op		*next;
};

struct libxl__ctx {
	struct xc_interface_core	 xc;
	xentoollog_logger		*lg;
	const libxl_osevent_hooks	*hooks;
	void				*hooks_user;
	const libxl_childproc_hooks	*chld;
	void				*chld_user;
	const libxl_event_hooks		*events;
	void				*events_user;
	bool				 inside;	/* in a libxl function */
	struct op			*ops;
};

static void __attribute__((noreturn, format(printf, 1, 2)))
broken(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "stand-in libxenlight: the application broke the "
	    "API's rules: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void
enter(libxl_ctx *ctx, const char *fn)
{
	if (ctx->inside)
		broken("%s called from inside libxl (from a hook)", fn);
	ctx->inside = true;
}

/* A line in the application's logger; ERR as libxl's LOGE (-1: none). */
static void __attribute__((format(printf, 4, 5)))
say(libxl_ctx *ctx, xentoollog_level level, int err, const char *fmt, ...)
{
	va_list	ap;

	if (ctx->lg == NULL || ctx->lg->vmessage == NULL)
		return;
	va_start(ap, fmt);
	ctx->lg->vmessage(ctx->lg, level, err, "libxl", fmt, ap);
	va_end(ap);
}

int
libxl_ctx_alloc(libxl_ctx **pctx, int version, unsigned flags,
    xentoollog_logger *lg)
{
	libxl_ctx	*ctx;
	int		 fd, rc;

	(void)flags;
	*pctx = NULL;
	if (version != LIBXL_VERSION)
		return ERROR_VERSION;
	if ((fd = xcs_connect()) < 0)
		return ERROR_FAIL;
	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		close(fd);
		return ERROR_NOMEM;
	}
	ctx->xc.fd = fd;
	ctx->xc.pid = getpid();
	ctx->lg = lg;
	if ((rc = xcs_call(&ctx->xc, NULL, 0, NULL, 0, NULL,
	    "xc_libxl_open")) < 0) {
		say(ctx, XTL_ERROR, -1, "cannot open the toolstack: %s",
		    strerror(-rc));
		close(fd);
		free(ctx);
		return ERROR_FAIL;
	}
	*pctx = ctx;
	return 0;
}

int
libxl_ctx_free(libxl_ctx *ctx)
{
	if (ctx == NULL)
		return 0;
	if (ctx->ops != NULL)
		broken("libxl_ctx_free with an operation in progress");
	close(ctx->xc.fd);
	free(ctx);
	return 0;
}

void
libxl_osevent_register_hooks(libxl_ctx *ctx, const libxl_osevent_hooks *h,
    void *user)
{
	if (ctx->hooks != NULL)
		broken("libxl_osevent_register_hooks called twice");
	ctx->hooks = h;
	ctx->hooks_user = user;
}

void
libxl_event_register_callbacks(libxl_ctx *ctx, const libxl_event_hooks *h,
    void *user)
{
	ctx->events = h;
	ctx->events_user = user;
}

void
libxl_childproc_setmode(libxl_ctx *ctx, const libxl_childproc_hooks *h,
    void *user)
{
	if (h == NULL || h->chldowner != libxl_sigchld_owner_mainloop) {
		fprintf(stderr, "stand-in libxenlight: only "
		    "libxl_sigchld_owner_mainloop is simulated\n");
		abort();
	}
	ctx->chld = h;
	ctx->chld_user = user;
}

const char *
libxl_error_to_string(libxl_error e)
{
	switch (e) {
	case ERROR_FAIL:		return "FAIL";
	case ERROR_NOMEM:		return "NOMEM";
	case ERROR_INVAL:		return "INVAL";
	case ERROR_TIMEDOUT:		return "TIMEDOUT";
	case ERROR_DOMAIN_NOTFOUND:	return "DOMAIN_NOTFOUND";
	case ERROR_OSEVENT_REG_FAIL:	return "OSEVENT_REG_FAIL";
	default:			return NULL;
	}
}

static pid_t
op_fork(libxl_ctx *ctx)
{
	if (ctx->chld->fork_replacement != NULL)
		return ctx->chld->fork_replacement(ctx->chld_user);
	return fork();
}

/* The operation is over: say so, and let its timeout be dropped. */
static void
op_complete(libxl_ctx *ctx, struct op *op)
{
	struct op	**pp;
	struct timeval	  now = { 0, 0 };

	for (pp = &ctx->ops; *pp != op; pp = &(*pp)->next)
		;
	*pp = op->next;
	/* As libxl does: the timeout is made to occur now, and its
	 * occurrence finds the operation over. */
	if (op->tmo != NULL) {
		op->tmo->op = NULL;
		if (ctx->hooks->timeout_modify(ctx->hooks_user,
		    &op->tmo->reg, now) != 0)
			broken("timeout_modify failed");
	}
	if (op->pipe >= 0) {
		ctx->hooks->fd_deregister(ctx->hooks_user, op->pipe,
		    op->fd_reg);
		close(op->pipe);
	}
	op->how.callback(ctx, op->rc, op->how.u.for_callback);
	free(op);
}

/* The hotplug scripts are done: nodes, then the hypercall in a child. */
static void
op_hypercall(libxl_ctx *ctx, struct op *op)
{
	xc_interface	 xc;
	int		 rc;
	pid_t		 pid;

	if ((rc = xcs_call(&ctx->xc, NULL, 0, NULL, 0, NULL,
	    "xc_libxl_teardown %u", op->domid)) < 0) {
		say(ctx, XTL_ERROR, -1, "removing domain %u's nodes: %s",
		    op->domid, strerror(-rc));
		op->rc = ERROR_FAIL;
		op_complete(ctx, op);
		return;
	}
	if ((pid = op_fork(ctx)) < 0) {
		op->rc = ERROR_FAIL;
		op_complete(ctx, op);
		return;
	}
	if (pid == 0) {
		memset(&xc, 0, sizeof xc);
		if ((xc.fd = xcs_connect()) < 0)
			_exit(EIO);
		xc.pid = getpid();
		rc = xcs_call(&xc, NULL, 0, NULL, 0, NULL,
		    "xc_interface_open %ld", (long)xc.pid);
		if (rc >= 0)
			rc = xcs_call(&xc, NULL, 0, NULL, 0, NULL,
			    "xc_domain_destroy %u", op->domid);
		_exit(rc < 0 ? -rc & 0x7f : 0);
	}
	op->destroyer = pid;
}

static struct op *
op_find_pid(libxl_ctx *ctx, pid_t pid)
{
	struct op	*op;

	for (op = ctx->ops; op != NULL; op = op->next)
		if (op->hotplug == pid || op->destroyer == pid)
			return op;
	return NULL;
}

static void
op_step(libxl_ctx *ctx, struct op *op)
{
	if (op->hotplug != 0 || op->pipe >= 0 || op->destroyer != 0)
		return;
	if (op->timed_out || op->rc != 0) {
		op_complete(ctx, op);
		return;
	}
	op_hypercall(ctx, op);
}

int
libxl_childproc_reaped(libxl_ctx *ctx, pid_t pid, int status)
{
	struct op	*op;

	enter(ctx, "libxl_childproc_reaped");
	if ((op = op_find_pid(ctx, pid)) == NULL) {
		ctx->inside = false;
		return ERROR_UNKNOWN_CHILD;
	}
	if (op->hotplug == pid) {
		op->hotplug = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			say(ctx, XTL_ERROR, -1, "hotplug script for domain %u "
			    "failed", op->domid);
			op->rc = ERROR_FAIL;
		}
		op_step(ctx, op);
	} else {
		op->destroyer = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			say(ctx, XTL_ERROR, WIFEXITED(status) ?
			    WEXITSTATUS(status) : -1,
			    "Domain %u:xc_domain_destroy failed", op->domid);
			/* As libxl's domain_destroy_domid_cb: any failure
			 * of the hypercall's child, ESRCH included. */
			op->rc = ERROR_FAIL;
		}
		op_complete(ctx, op);
	}
	ctx->inside = false;
	return 0;
}

void
libxl_osevent_occurred_fd(libxl_ctx *ctx, void *for_libxl, int fd,
    short events, short revents)
{
	struct op	*op;
	char		 buf[64];
	ssize_t		 n;

	(void)events;
	enter(ctx, "libxl_osevent_occurred_fd");
	for (op = ctx->ops; op != NULL && op != for_libxl; op = op->next)
		;
	if (op == NULL || op->pipe != fd)
		broken("fd %d is not registered", fd);
	if (revents & (POLLIN | POLLHUP)) {
		while ((n = read(fd, buf, sizeof buf)) < 0 && errno == EINTR)
			;
		if (n <= 0) {
			ctx->hooks->fd_deregister(ctx->hooks_user, fd,
			    op->fd_reg);
			close(fd);
			op->pipe = -1;
			op_step(ctx, op);
		}
	}
	ctx->inside = false;
}

void
libxl_osevent_occurred_timeout(libxl_ctx *ctx, void *for_libxl)
{
	struct tmo	*tmo = for_libxl;
	struct op	*op = tmo->op;

	enter(ctx, "libxl_osevent_occurred_timeout");
	free(tmo);
	/* NULL: the operation is over, the timeout was only dropped. */
	if (op != NULL) {
		op->tmo = NULL;
		op->timed_out = true;
		op->rc = ERROR_TIMEDOUT;
		say(ctx, XTL_ERROR, -1, "destroy of domain %u timed out",
		    op->domid);
		if (op->hotplug != 0)
			kill(op->hotplug, SIGKILL);
		if (op->destroyer != 0)
			kill(op->destroyer, SIGKILL);
	}
	ctx->inside = false;
}

/* The hotplug child: "losetup -d" for each loop device (lines). */
static void
hotplug_child(char *lines, int wfd)
{
	char	*l, *save = NULL;

	for (l = strtok_r(lines, "\n", &save); l != NULL;
	    l = strtok_r(NULL, "\n", &save)) {
		proto_decode(l);
		if (unlink(l) != 0 && errno != ENOENT)
			_exit(1);
	}
	if (write(wfd, "ok\n", 3) != 3)
		_exit(1);
	_exit(0);
}

int
libxl_domain_destroy(libxl_ctx *ctx, uint32_t domid,
    const libxl_asyncop_how *how)
{
	struct op	*op;
	struct timeval	 abs;
	char		 lines[8192];
	int		 p[2], rc;
	pid_t		 pid;

	if (how == NULL || how->callback == NULL || ctx->hooks == NULL ||
	    ctx->chld == NULL) {
		fprintf(stderr, "stand-in libxenlight: only an asynchronous "
		    "destroy with a callback, osevent and childproc hooks "
		    "is simulated\n");
		abort();
	}
	enter(ctx, "libxl_domain_destroy");
	if ((op = calloc(1, sizeof *op)) == NULL) {
		ctx->inside = false;
		return ERROR_NOMEM;
	}
	op->ctx = ctx;
	op->domid = domid;
	op->how = *how;
	op->pipe = -1;
	op->next = ctx->ops;
	ctx->ops = op;
	rc = xcs_call(&ctx->xc, lines, sizeof lines, NULL, 0, NULL,
	    "xc_libxl_domain_destroy %u", domid);
	if (rc == -ENOTRECOVERABLE) {
		/* "fail libxl_domain_destroy ENOTRECOVERABLE": libxl's event
		 * machinery breaks; the operation never completes.  Without
		 * a disaster hook libxl would exit() the application. */
		if (ctx->events == NULL || ctx->events->disaster == NULL) {
			fprintf(stderr, "stand-in libxenlight: disaster, and "
			    "no disaster hook: exit(-1)\n");
			exit(-1);
		}
		ctx->events->disaster(ctx->events_user, 0,
		    "simulated event handling failure", ENOTRECOVERABLE);
		ctx->inside = false;
		return 0;
	}
	if (rc < 0) {
		if (rc == -ESRCH)
			say(ctx, XTL_ERROR, -1, "Domain %u:Non-existant domain",
			    domid);
		else
			say(ctx, XTL_ERROR, -rc, "Domain %u:cannot look it up",
			    domid);
		op->rc = rc == -ESRCH ? ERROR_DOMAIN_NOTFOUND : ERROR_FAIL;
		/* Over inside the call: the callback comes now. */
		op_complete(ctx, op);
		ctx->inside = false;
		return 0;
	}
	gettimeofday(&abs, NULL);
	abs.tv_sec += OP_DEADLINE_SECS;
	if ((op->tmo = calloc(1, sizeof *op->tmo)) == NULL)
		goto fail;
	op->tmo->op = op;
	if (ctx->hooks->timeout_register(ctx->hooks_user, &op->tmo->reg,
	    abs, op->tmo) != 0) {
		free(op->tmo);
		op->tmo = NULL;
		goto fail;
	}
	if (pipe2(p, O_CLOEXEC) != 0)
		goto fail;
	if ((pid = op_fork(ctx)) < 0) {
		close(p[0]);
		close(p[1]);
		goto fail;
	}
	if (pid == 0) {
		close(p[0]);
		hotplug_child(lines, p[1]);
	}
	close(p[1]);
	op->hotplug = pid;
	op->pipe = p[0];
	if (ctx->hooks->fd_register(ctx->hooks_user, op->pipe, &op->fd_reg,
	    POLLIN, op) != 0) {
		/* The child runs on; its reaping ends the operation. */
		close(op->pipe);
		op->pipe = -1;
		op->rc = ERROR_OSEVENT_REG_FAIL;
	}
	ctx->inside = false;
	return 0;
fail:
	op->rc = ERROR_FAIL;
	op_complete(ctx, op);
	ctx->inside = false;
	return 0;
}

/*
 * The configuration xl create stored for a domain ("libxl-json"): the
 * simulator keeps it per domain ("xl-config D JSON"); none is ENOENT,
 * which libxl reports as success with no data.
 */
int
libxl_userdata_retrieve(libxl_ctx *ctx, uint32_t domid,
    const char *userid, uint8_t **data_r, int *len_r)
{
	char	*buf;
	size_t	 n = 0;
	int	 rc;

	*data_r = NULL;
	*len_r = 0;
	if (strcmp(userid, "libxl-json") != 0)
		return 0;
	if ((buf = malloc(65536)) == NULL)
		return ERROR_NOMEM;
	rc = xcs_call(&ctx->xc, NULL, 0, buf, 65535, &n,
	    "xc_libxl_userdata %u", domid);
	if (rc == -ENOENT || (rc >= 0 && n == 0)) {
		free(buf);
		return 0;
	}
	if (rc < 0) {
		free(buf);
		return ERROR_FAIL;
	}
	buf[n] = '\0';
	*data_r = (uint8_t *)buf;
	*len_r = (int)n + 1;
	return 0;
}

void
libxl_domain_config_init(libxl_domain_config *p)
{
	memset(p, 0, sizeof(*p));
}

void
libxl_domain_config_dispose(libxl_domain_config *p)
{
	free(p->c_info.name);
	memset(p, 0, sizeof(*p));
}

static const char *const action_words[] = {
	[LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
	[LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
	[LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename_restart",
	[LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
	[LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump_destroy",
	[LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump_restart",
	[LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET] = "soft_reset",
};

const char *
libxl_action_on_shutdown_to_string(libxl_action_on_shutdown a)
{
	if ((unsigned)a >= sizeof(action_words) / sizeof(action_words[0]))
		return NULL;
	return action_words[a];
}

/* "KEY": "word" at the top level of S, as an action; absent: destroy,
 * xl's default. */
static int
json_action(const char *s, const char *key, libxl_action_on_shutdown *out)
{
	char		 pat[64], word[32];
	const char	*p;
	size_t		 i;

	*out = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	if ((p = strstr(s, pat)) == NULL)
		return 0;
	p += strlen(pat);
	if (sscanf(p, " : \"%31[a-z_]\"", word) != 1)
		return ERROR_INVAL;
	for (i = 0; i < sizeof(action_words) / sizeof(action_words[0]); i++)
		if (action_words[i] != NULL && strcmp(action_words[i], word) == 0) {
			*out = (libxl_action_on_shutdown)i;
			return 0;
		}
	return ERROR_INVAL;
}

/* Only what the daemon reads of it: on_crash, on_watchdog and the name. */
int
libxl_domain_config_from_json(libxl_ctx *ctx, libxl_domain_config *p,
    const char *s)
{
	const char	*n;
	char		 name[256];

	(void)ctx;
	if (s[0] != '{')
		return ERROR_INVAL;
	if (json_action(s, "on_crash", &p->on_crash) != 0 ||
	    json_action(s, "on_watchdog", &p->on_watchdog) != 0)
		return ERROR_INVAL;
	if ((n = strstr(s, "\"c_info\"")) != NULL &&
	    (n = strstr(n, "\"name\"")) != NULL &&
	    sscanf(n, "\"name\" : \"%255[^\"]\"", name) == 1 &&
	    (p->c_info.name = strdup(name)) == NULL)
		return ERROR_NOMEM;
	return 0;
}
