/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawner.c: the children that run our own code (the evidence reader,
 * the destroy hypercall), forked by a small helper process rather than
 * by the daemon.
 *
 * A fork costs in proportion to the process that forks: its page tables
 * are copied, and every page it writes while a child still shares it is
 * copied again, each time with a TLB shootdown to every CPU its threads
 * ran on.  In a storm of a thousand crashes, with dozens of children
 * alive at any moment, that was two thirds of the daemon's CPU.  So at
 * start-up, before any thread, table or connection exists, the daemon
 * forks this helper: one thread, a few pages of its own.  For each child
 * the daemon sends it a request (struct spawn_req, flat) with the child's
 * end of the output pipe (SCM_RIGHTS) over a SOCK_SEQPACKET pair; the
 * helper forks, answers with the pid at once, and with the wait status
 * when the child ends.  The daemon's job machinery is otherwise the same
 * (job.c): it keeps the deadline, signals the child's process group
 * itself, and reads the pipe.
 *
 * Commands (hooks, restarts) are not run here: they are exec'd, and the
 * daemon's own fork of them is brief (job_exec).  Dumps are few and long,
 * and read the whole configuration; they are forked as before.
 *
 * The helper dies with the daemon (PR_SET_PDEATHSIG), and its children
 * with it, so a destroy hypercall never outlives the daemon that asked
 * for it (step-destroy.c).  A child is killed with its whole process
 * group before it is reaped, while the group id cannot be reused: our
 * children start nothing of their own, and a TERMed one must leave
 * nothing behind.  If the helper is gone or does not answer within
 * SPAWNER_WAIT_MS, the daemon says so once and forks the child itself.
 */
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crashwatchd.h"

#define SPAWNER_WAIT_MS	2000	/* for the helper's answer to a request */

/* From the helper: a child started (pid, or -errno) or ended. */
struct spawn_note {
	int32_t		 type;
#define SPAWN_STARTED	1
#define SPAWN_ENDED	2
	int32_t		 pid;
	int32_t		 status;	/* SPAWN_ENDED: from waitpid */
};

struct spawner {
	pid_t		 pid;		/* the helper */
	int		 fd;		/* our end of the pair */
	struct event	*ev;
	struct event_base *base;
	spawner_ended_cb *ended;	/* a child's status, for the loop */
	spawner_lost_cb	*lost;		/* the helper is gone */
	void		*arg;
	struct spawn_note *early;	/* endings read while waiting */
	size_t		 nearly;
	bool		 broken;	/* said so: fork ourselves now */
	bool		 reaped;	/* its pid is no longer its own */
};

/*
 * In the child, before its work: it dies with PARENT, and if PARENT is
 * already gone it does nothing.  Its own process group, fd 3 for its
 * report, stdin from /dev/null.
 */
static bool
spawn_child_setup(pid_t parent, int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		return false;
	setsid();
	child_fds(fd);
	return true;
}

/*
 * The destroy hypercall, with a handle of the child's own: destroying a
 * large guest lasts as long as Xen takes to free its memory, which must
 * not stall the loop.  Exits 0, or the errno (ESRCH: gone, or the domid
 * now names another domain).  It dies with the daemon (PDEATHSIG, through
 * the helper): the one that comes back finds the domain crashed, dying or
 * gone, and never races a destroy of ours.
 */
static int
spawn_destroy(const struct spawn_req *req)
{
	xc_interface	*xch;
	int		 r;

	if ((xch = hv_open()) == NULL)
		return errno != 0 ? errno & 0xff : EIO;
	r = hv_destroy(xch, req->domid, req->uuid);
	hv_close(xch);
	return -r & 0xff;
}

/* A child's work, by kind: its exit status. */
int
spawn_req_run(const struct spawn_req *req, pid_t parent, int fd)
{
	if (!spawn_child_setup(parent, fd))
		return EINTR;
	switch (req->kind) {
	case SPAWN_EVIDENCE:
		return evidence_child_main(req, 3);
	case SPAWN_DESTROY:
		return spawn_destroy(req);
	}
	return EINVAL;
}

/* In the helper: every signal back to its default, none blocked. */
static void
spawn_child_signals(void)
{
	sigset_t	none;
	int		sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
spawner_note(int sock, int type, pid_t pid, int status)
{
	struct spawn_note	n = { type, pid, status };

	/* A full pair means a daemon that reads nothing: it is dying. */
	(void)!send(sock, &n, sizeof n, MSG_NOSIGNAL);
}

/* One request: fork its child and say which. */
static void
spawner_request(int sock)
{
	struct spawn_req	 req;
	struct msghdr		 msg;
	struct iovec		 iov = { &req, sizeof req };
	struct cmsghdr		*cm;
	union {
		char		 buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	 align;
	}			 cbuf;
	ssize_t			 n;
	pid_t			 pid, self = getpid();
	int			 fd = -1;

	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof cbuf.buf;
	if ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			_exit(0);	/* the daemon is gone or closed us */
		return;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	if (fd == -1 || (size_t)n != sizeof req ||
	    (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (fd != -1)
			close(fd);
		spawner_note(sock, SPAWN_STARTED, -EPROTO, 0);
		return;
	}
	if ((pid = fork()) == 0) {
		close(sock);
		spawn_child_signals();
		_exit(spawn_req_run(&req, self, fd));
	}
	if (pid == -1)
		pid = -errno;
	close(fd);
	spawner_note(sock, SPAWN_STARTED, pid, 0);
}

/* Our children start nothing of their own: a group left is a leak. */
static bool
spawner_always(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return true;
}

/* Children that ended: their groups killed, then reaped and said. */
static void
spawner_reap(int sock)
{
	pid_t	pid;
	int	st;

	while ((pid = child_reap_one(&st, spawner_always, NULL)) > 0)
		spawner_note(sock, SPAWN_ENDED, pid, st);
}

/* The helper's whole life: requests and endings until the daemon goes. */
static void __attribute__((noreturn))
spawner_main(int sock, pid_t daemon)
{
	struct signalfd_siginfo	 ssi;
	struct pollfd		 pfd[2];
	sigset_t		 chld;
	int			 sfd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != daemon)
		_exit(0);
	/* 15 characters: the kernel keeps no more of a name. */
	(void)!prctl(PR_SET_NAME, "crashwatch-fork");
	/* A terminal's ^C or a stop is the daemon's to handle: the helper
	 * goes when the daemon closes the pair, or dies. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if ((sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		_exit(1);
	pfd[0].fd = sock;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (pfd[1].revents & POLLIN) {
			while (read(sfd, &ssi, sizeof ssi) == sizeof ssi)
				;
			spawner_reap(sock);
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			spawner_request(sock);
	}
}

/* Endings, as they come (and those read while waiting for a start). */
static void
spawner_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct spawner		*sp = arg;
	struct spawn_note	 n;
	ssize_t			 r;
	size_t			 i;

	(void)what;
	for (i = 0; i < sp->nearly; i++)
		sp->ended(sp->early[i].pid, sp->early[i].status, sp->arg);
	sp->nearly = 0;
	for (;;) {
		r = recv(fd, &n, sizeof n, MSG_DONTWAIT);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN)
			return;
		if (r != (ssize_t)sizeof n) {
			spawner_broken(sp, r == 0 ? "it exited" :
			    r == -1 ? strerror(errno) : "a short message");
			return;
		}
		if (n.type == SPAWN_ENDED)
			sp->ended(n.pid, n.status, sp->arg);
	}
}

/*
 * Fork the helper: called first thing, while the daemon is small and has
 * one thread.  NULL (and errno) if it cannot be: children are forked by
 * the daemon then.
 */
struct spawner *
spawner_start(void)
{
	struct spawner	*sp;
	pid_t		 self = getpid();
	int		 sv[2];

	if ((sp = calloc(1, sizeof *sp)) == NULL)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		free(sp);
		return NULL;
	}
	if ((sp->pid = fork()) == 0) {
		close(sv[0]);
		spawner_main(sv[1], self);
	}
	close(sv[1]);
	if (sp->pid == -1) {
		close(sv[0]);
		free(sp);
		return NULL;
	}
	sp->fd = sv[0];
	return sp;
}

/* Endings are read in BASE's loop from now on: ENDED(pid, status, ARG)
 * for each, LOST(ARG) if the helper goes. */
int
spawner_attach(struct spawner *sp, struct event_base *base,
    spawner_ended_cb *ended, spawner_lost_cb *lost, void *arg)
{
	sp->base = base;
	sp->ended = ended;
	sp->lost = lost;
	sp->arg = arg;
	sp->ev = event_new(base, sp->fd, EV_READ | EV_PERSIST,
	    spawner_read_cb, sp);
	if (sp->ev == NULL || event_add(sp->ev, NULL) != 0)
		return -ENOMEM;
	return 0;
}

/*
 * The helper failed us: say so once, and fork ourselves from now on.
 * Its children, if it died, died with it (PR_SET_PDEATHSIG): their jobs
 * end now, as killed, rather than wait for a status that cannot come.
 */
void
spawner_broken(struct spawner *sp, const char *why)
{
	if (sp->broken)
		return;
	sp->broken = true;
	log_warnx("the spawning helper (pid %ld) failed: %s; forking "
	    "children from the daemon itself from now on", (long)sp->pid, why);
	if (sp->ev != NULL)
		event_del(sp->ev);
	if (!sp->reaped)
		kill(sp->pid, SIGKILL);
	if (sp->lost != NULL)
		sp->lost(sp->arg);
}

/*
 * Start REQ's child with FD as its report pipe: its pid, or -errno (the
 * caller forks it itself).  Waits for the helper's answer, which is a
 * fork away; endings read meanwhile are kept for the loop.
 */
pid_t
spawner_run(struct spawner *sp, const struct spawn_req *req, int fd)
{
	struct spawn_note	 n, *early;
	struct msghdr		 msg;
	struct iovec		 iov = { (void *)req, sizeof *req };
	struct cmsghdr		*cm;
	struct pollfd		 pfd;
	union {
		char		 buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	 align;
	}			 cbuf;
	ssize_t			 r;
	int			 left = SPAWNER_WAIT_MS;
	uint64_t		 t0;

	if (sp == NULL || sp->broken)
		return -ENOTCONN;
	memset(&msg, 0, sizeof msg);
	memset(&cbuf, 0, sizeof cbuf);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof cbuf.buf;
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	while (sendmsg(sp->fd, &msg, MSG_NOSIGNAL) == -1) {
		if (errno == EINTR)
			continue;
		spawner_broken(sp, strerror(errno));
		return -ENOTCONN;
	}
	t0 = monotonic_ms();
	pfd.fd = sp->fd;
	pfd.events = POLLIN;
	for (;;) {
		r = poll(&pfd, 1, left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			spawner_broken(sp, r == 0 ? "no answer" :
			    strerror(errno));
			return -ENOTCONN;
		}
		r = recv(sp->fd, &n, sizeof n, MSG_DONTWAIT);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r != (ssize_t)sizeof n) {
			spawner_broken(sp, r == 0 ? "it exited" :
			    r == -1 ? strerror(errno) : "a short message");
			return -ENOTCONN;
		}
		if (n.type == SPAWN_STARTED)
			return n.pid;
		/* An earlier child's end: for the loop, not from in here,
		 * where a job's callback could start another. */
		if ((early = reallocarray(sp->early, sp->nearly + 1,
		    sizeof *early)) != NULL) {
			sp->early = early;
			early[sp->nearly++] = n;
			event_active(sp->ev, EV_READ, 0);
		} else
			log_warnx("out of memory: the end of child %ld is "
			    "lost", (long)n.pid);
		left = SPAWNER_WAIT_MS - (int)(monotonic_ms() - t0);
		if (left < 0)
			left = 0;
	}
}

/* The daemon's SIGCHLD reaped PID: true if it was the helper. */
bool
spawner_reaped(struct spawner *sp, pid_t pid, int status)
{
	char	why[64];

	if (sp == NULL || pid != sp->pid)
		return false;
	sp->reaped = true;
	if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "it was killed by SIG%s",
		    sigabbrev_np(WTERMSIG(status)) != NULL ?
		    sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(why, sizeof why, "it exited %d",
		    WEXITSTATUS(status));
	spawner_broken(sp, why);
	return true;
}

/* At exit: the helper goes, and its children with it. */
void
spawner_stop(struct spawner *sp)
{
	if (sp == NULL)
		return;
	if (sp->ev != NULL)
		event_free(sp->ev);
	close(sp->fd);
	/* It exits when it reads the end of the pair; it is waited for so
	 * that no zombie stays with a daemon that runs on (tests). */
	while (!sp->reaped && waitpid(sp->pid, NULL, 0) == -1 &&
	    errno == EINTR)
		;
	free(sp->early);
	free(sp);
}
