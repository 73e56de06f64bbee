/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim.h: the Xen simulator (xensim), one process, one libevent loop.
 *
 * It plays xenstored (the real wire protocol on DIR/xenstored.sock) and the
 * hypervisor's domain table, which the stand-in libxenctrl/libxenguest
 * reach over DIR/control.sock.  Everything is single-threaded.
 */
#ifndef XENSIM_SIM_H
#define XENSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <xenctrl.h>

#define SIM_MAX_DOMID	DOMID_FIRST_RESERVED

struct evbuffer;

/* store.c: the xenstore tree */
struct sim_perm {
	char		 type;		/* n r w b */
	unsigned	 id;
};
struct node {
	char		*path;
	char		*value;
	size_t		 vlen;
	struct sim_perm	*perms;
	unsigned	 nperms;
	struct node	*parent;
	struct node	**kids;
	size_t		 nkids;
	size_t		 kcap;
	uint64_t	 gen;
	struct node	*hnext;
};
void		 store_init(void);
void		 store_free(void);
struct node	*store_get(const char *path);
int		 store_valid_path(const char *path);
int		 store_can(const struct node *, unsigned domid, char what);
int		 store_write(const char *path, const void *val, size_t len,
		     unsigned domid);
int		 store_mkdir(const char *path, unsigned domid);
int		 store_rm(const char *path);
int		 store_set_perms(struct node *, const struct sim_perm *,
		     unsigned n);
/* Children as "a\0b\0"; caller frees. */
char		*store_children(const struct node *, size_t *len);
/* Bumped by every change. */
uint64_t	 store_generation(void);

/* xs-tx.c: transactions (a log over the live store) */
struct xs_tx;
struct xs_tx	*tx_new(uint32_t id);
void		 tx_free(struct xs_tx *);
uint32_t	 tx_id(const struct xs_tx *);
uint64_t	 tx_start_gen(const struct xs_tx *);
int		 tx_read(struct xs_tx *, const char *path, const char **val,
		     size_t *len);
int		 tx_directory(struct xs_tx *, const char *path, char **out,
		     size_t *len);
int		 tx_log_write(struct xs_tx *, const char *path, const void *,
		     size_t, unsigned domid);
int		 tx_log_mkdir(struct xs_tx *, const char *path, unsigned domid);
int		 tx_log_rm(struct xs_tx *, const char *path, unsigned domid);
int		 tx_log_perms(struct xs_tx *, const char *path,
		     const struct sim_perm *, unsigned n, unsigned domid);
int		 tx_commit(struct xs_tx *, unsigned domid);

/* xs-server.c: the xenstored socket */
int		 xs_listen(const char *path);
void		 xs_unlisten(void);
bool		 xs_listening(void);
void		 xs_drop_all(void);
/* The kernel's xenbus device at PATH, while xenstored is stopped. */
int		 xs_xenbus_open(const char *path);
/* A change at PATH: fire watches at or above it (or exactly, for @). */
void		 xs_fire(const char *path);
/* A removal of PATH: also fire watches below it. */
void		 xs_fire_rm(const char *path);
void		 xs_restrict_next(unsigned domid);
void		 xs_shutdown(void);
void		 xs_set_history(bool on);

/* domain.c: the hypervisor's domain table */
struct sim_dom {
	unsigned	 domid;
	char		*name;
	uint8_t		 uuid[16];
	uint64_t	 mem_mib;
	unsigned	 vcpus;
	uint32_t	 flags;		/* XEN_DOMINF_* incl. shutdown code */
	unsigned	 zero_pct;
	unsigned	 random_pct;
	uint64_t	 created_ns;
	uint64_t	 stopped_ns;	/* shut down: its vCPUs ran no more */
	struct event	*reap;
	bool		 hvm;		/* XEN_DOMINF_hvm_guest (PVH or HVM) */
	bool		 unnamed;	/* made without its name node */
	unsigned	 offline_vcpus;	/* the last ones are offline */
	void		*cons;		/* console page, once written */
	char		*kmsg;		/* its kernel's log, once written */
	char		*kpanic;	/* panic()'s copy of its message */
	size_t		 kmsg_pos;	/* bytes ever written to it */
	char		*xl_json;	/* the configuration xl stored, or NULL */
};
struct dom_spec {
	const char	*name;
	uint64_t	 mem_mib;
	unsigned	 vcpus;
	const uint8_t	*uuid;		/* NULL: random */
	unsigned	 domid;		/* 0: the next from the rover */
	unsigned	 zero_pct;
	unsigned	 random_pct;
	bool		 hvm;
	unsigned	 offline_vcpus;
	bool		 unnamed;	/* no /local/domain/N/name yet, and no
					   @introduceDomain: as xl between
					   creating a domain and naming it */
};
void		 dom_init(struct event_base *);
void		 dom_free_all(void);
struct sim_dom	*dom_get(unsigned domid);
int		 dom_create(const struct dom_spec *, unsigned *domid);
/* reason SHUTDOWN_*; fire says whether to fire @releaseDomain now. */
int		 dom_shutdown(unsigned domid, unsigned reason, bool fire);
int		 dom_destroy(unsigned domid);
int		 dom_pause(unsigned domid, bool pause);
unsigned	 dom_getinfo(unsigned first, unsigned max, xc_domaininfo_t *);
void		 dom_set_destroy_delay(unsigned ms);
void		 dom_set_release_early(bool);
unsigned	 dom_count(void);
void		 uuid_format(const uint8_t *, char *out /* 37 */);
int		 uuid_parse(const char *, uint8_t *);
const char	*dom_state(const struct sim_dom *, char *buf, size_t len);
uint64_t	 now_ns(void);

/* console.c: console rings and vCPU registers */
#define CONS_FRAME_BASE	0x80000u	/* + domid: its console/ring-ref */
#define PT_FRAME_BASE	0x100000u	/* + domid: its vCPUs' CR3 (PML4) */
#define KMEM_FRAME_BASE	0x200000u	/* + 16 * domid: kernel pages */
struct sim_regs {
	uint64_t	 ip, sp, flags, cr3;
	bool		 online;
};
int		 cons_append(unsigned domid, const char *, size_t);
int		 cons_fill(unsigned domid, int byte);
int		 cons_set_index(unsigned domid, uint32_t prod, uint32_t cons);
int		 cons_page(unsigned domid, uint64_t frame, void *out);
int		 kmsg_append(unsigned domid, const char *, size_t);
int		 kmsg_panic_copy(unsigned domid, const char *);
void		 xenlog_append(const char *, size_t);
size_t		 xenlog_read(uint32_t *index, int incremental, char *out,
		     size_t max);
int		 vcpu_regs(unsigned domid, unsigned vcpu, struct sim_regs *);

/* devices.c: backends, loop devices, libxenlight's teardown */
int		 dev_attach(unsigned domid);
int		 dev_loops(unsigned domid, void (*)(const char *, void *),
		     void *);
int		 dev_teardown(unsigned domid);
void		 dev_list(const struct node *,
		     void (*)(const struct node *, void *), void *);
void		 dev_set_libxl(bool on);
bool		 dev_libxl_on(void);

/* history.c: every call the stand-ins made */
void		 history_add(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));
void		 history_clear(void);
void		 history_dump(struct evbuffer *out, size_t *nlines);
void		 history_count(struct evbuffer *out, size_t *nlines);
void		 history_free(void);

/* fault.c: injected failures and delays */
int		 fault_set_fail(const char *op, int err, unsigned count);
int		 fault_set_delay(const char *op, double secs);
/* The errno to fail this call with (consumes one), or 0. */
int		 fault_take_fail(const char *fn);
double		 fault_delay(const char *fn);
void		 fault_clear(void);

/* control.c: the control socket */
int		 control_listen(const char *path, struct event_base *);
void		 control_shutdown(void);

struct sim {
	struct event_base *base;
	char		*dir;
	char		*xs_path;
	char		*ctl_path;
};
extern struct sim sim;

void		 sim_log(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));

#endif
