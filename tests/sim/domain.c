/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domain.c: the hypervisor's domain table and what xenstored does when it
 * changes.
 *
 * Like Xen: domids are handed out from a rover that only wraps at
 * DOMID_FIRST_RESERVED; shutdown (crash included) sets XEN_DOMINF_shutdown
 * with the code in the flags and fires @releaseDomain once; destroy marks
 * the domain dying at once and only later (destroy-delay, 20 ms by
 * default) removes it, removes /local/domain/N and /vm/<uuid>, and fires
 * @releaseDomain again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

static struct sim_dom	*doms[SIM_MAX_DOMID];
static unsigned		 rover;
static unsigned		 ndoms;
static unsigned		 destroy_delay_ms = 20;
/*
 * "early": as Xen 4.17 with xenstored really behave.  xenstored fires
 * @releaseDomain when it lets go of a dying domain; Xen frees the domain
 * afterwards with no event, and the toolstack, not xenstored, removes
 * its nodes.  "late" (the default): one event once the domain is gone,
 * its nodes removed, which keeps simple tests simple.
 */
static bool		 release_early;
static struct event_base *base;

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
uuid_format(const uint8_t *u, char *out)
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int
uuid_parse(const char *s, uint8_t *u)
{
	unsigned i, n = 0;
	int hi, lo;

	if (strlen(s) != 36)
		return -EINVAL;
	for (i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -EINVAL;
			continue;
		}
		if (sscanf(s + i, "%1x%1x", (unsigned *)&hi,
		    (unsigned *)&lo) != 2)
			return -EINVAL;
		u[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return 0;
}

static void
uuid_random(uint8_t *u)
{
	static uint64_t s;
	int i;

	if (s == 0)
		s = now_ns() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15u;
	for (i = 0; i < 16; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		u[i] = (uint8_t)(s >> 24);
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
}

struct sim_dom *
dom_get(unsigned domid)
{
	return domid < SIM_MAX_DOMID ? doms[domid] : NULL;
}

unsigned
dom_count(void)
{
	return ndoms;
}

static void
xs_write_str(const char *path, const char *val)
{
	if (store_write(path, val, strlen(val), 0) == 0)
		xs_fire(path);
}

/* What xl and xenstored leave in the store for a new domain. */
static void
dom_store(struct sim_dom *d)
{
	char path[128], uuid[37], val[64];

	uuid_format(d->uuid, uuid);
	snprintf(path, sizeof(path), "/vm/%s/name", uuid);
	xs_write_str(path, d->name);
	snprintf(path, sizeof(path), "/vm/%s/uuid", uuid);
	xs_write_str(path, uuid);
	snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
	if (!d->unnamed)
		xs_write_str(path, d->name);
	snprintf(path, sizeof(path), "/local/domain/%u/domid", d->domid);
	snprintf(val, sizeof(val), "%u", d->domid);
	xs_write_str(path, val);
	snprintf(path, sizeof(path), "/local/domain/%u/vm", d->domid);
	snprintf(val, sizeof(val), "/vm/%s", uuid);
	xs_write_str(path, val);
	snprintf(path, sizeof(path), "/local/domain/%u/console/ring-ref",
	    d->domid);
	snprintf(val, sizeof(val), "%u", CONS_FRAME_BASE + d->domid);
	xs_write_str(path, val);
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target",
	    d->domid);
	snprintf(val, sizeof(val), "%llu",
	    (unsigned long long)d->mem_mib * 1024);
	xs_write_str(path, val);
}

static struct sim_dom *
dom_new(unsigned domid, const struct dom_spec *s)
{
	struct sim_dom *d;

	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->name = strdup(s->name)) == NULL)
		abort();
	d->domid = domid;
	d->mem_mib = s->mem_mib;
	d->vcpus = s->vcpus ? s->vcpus : 1;
	d->zero_pct = s->zero_pct;
	d->random_pct = s->random_pct;
	d->hvm = s->hvm;
	d->unnamed = s->unnamed;
	d->offline_vcpus = s->offline_vcpus < d->vcpus ? s->offline_vcpus : 0;
	if (d->hvm)
		d->flags |= XEN_DOMINF_hvm_guest;
	if (s->uuid != NULL)
		memcpy(d->uuid, s->uuid, 16);
	else if (domid != 0)
		uuid_random(d->uuid);
	d->created_ns = now_ns();
	doms[domid] = d;
	ndoms++;
	return d;
}

int
dom_create(const struct dom_spec *s, unsigned *domid)
{
	unsigned i, id;
	struct sim_dom *d;

	if (s->name == NULL || s->name[0] == '\0')
		return -EINVAL;
	if (s->zero_pct + s->random_pct > 100 || s->mem_mib == 0 ||
	    s->mem_mib > (1u << 24))
		return -EINVAL;
	if (s->domid != 0) {
		/* Chosen by the caller, as a toolstack may: the rover stays. */
		if (s->domid >= SIM_MAX_DOMID)
			return -EINVAL;
		if (doms[s->domid] != NULL)
			return -EEXIST;
		d = dom_new(s->domid, s);
		dom_store(d);
		if (!s->unnamed)
			xs_fire("@introduceDomain");
		*domid = d->domid;
		return 0;
	}
	for (i = 0; i < SIM_MAX_DOMID - 1; i++) {
		id = rover + 1;
		if (id >= SIM_MAX_DOMID)
			id = 1;
		rover = id;
		if (doms[id] == NULL)
			break;
	}
	if (doms[rover] != NULL)
		return -ENOSPC;
	d = dom_new(rover, s);
	dom_store(d);
	if (!s->unnamed)
		xs_fire("@introduceDomain");
	*domid = d->domid;
	return 0;
}

int
dom_shutdown(unsigned domid, unsigned reason, bool fire)
{
	struct sim_dom *d = dom_get(domid);

	if (d == NULL)
		return -ESRCH;
	if (reason > SHUTDOWN_MAX)
		return -EINVAL;
	if (d->flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying))
		return -EALREADY;
	d->flags |= XEN_DOMINF_shutdown | (reason << XEN_DOMINF_shutdownshift);
	d->stopped_ns = now_ns();
	if (fire)
		xs_fire("@releaseDomain");
	return 0;
}

static void
dom_free(struct sim_dom *d)
{
	doms[d->domid] = NULL;
	ndoms--;
	if (d->reap != NULL)
		event_free(d->reap);
	free(d->name);
	free(d->cons);
	free(d->kmsg);
	free(d->kpanic);
	free(d->xl_json);
	free(d);
}

/* The second phase of destroy: the domain is gone for good. */
static void
reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sim_dom *d = arg;
	char path[64], uuid[37];

	(void)fd;
	(void)what;
	if (release_early) {
		dom_free(d);
		return;
	}
	uuid_format(d->uuid, uuid);
	snprintf(path, sizeof(path), "/local/domain/%u", d->domid);
	if (store_rm(path) == 0)
		xs_fire_rm(path);
	snprintf(path, sizeof(path), "/vm/%s", uuid);
	if (store_rm(path) == 0)
		xs_fire_rm(path);
	dom_free(d);
	xs_fire("@releaseDomain");
}

int
dom_destroy(unsigned domid)
{
	struct sim_dom *d = dom_get(domid);
	struct timeval tv;

	if (d == NULL)
		return -ESRCH;
	if (domid == 0)
		return -EINVAL;
	if (d->flags & XEN_DOMINF_dying)
		return 0;
	d->flags |= XEN_DOMINF_dying;
	if (release_early)
		xs_fire("@releaseDomain");
	d->reap = evtimer_new(base, reap_cb, d);
	tv.tv_sec = destroy_delay_ms / 1000;
	tv.tv_usec = (destroy_delay_ms % 1000) * 1000;
	evtimer_add(d->reap, &tv);
	return 0;
}

int
dom_pause(unsigned domid, bool pause)
{
	struct sim_dom *d = dom_get(domid);

	if (d == NULL)
		return -ESRCH;
	if (domid == 0)
		return -EINVAL;
	if (pause)
		d->flags |= XEN_DOMINF_paused;
	else
		d->flags &= ~XEN_DOMINF_paused;
	return 0;
}

void
dom_set_destroy_delay(unsigned ms)
{
	destroy_delay_ms = ms;
}

void
dom_set_release_early(bool early)
{
	release_early = early;
}

static void
fill_info(const struct sim_dom *d, xc_domaininfo_t *i)
{
	uint64_t pages = d->mem_mib * 256;

	memset(i, 0, sizeof(*i));
	i->domain = (domid_t)d->domid;
	i->flags = d->flags;
	if (!(d->flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying |
	    XEN_DOMINF_paused | XEN_DOMINF_running)))
		i->flags |= XEN_DOMINF_blocked;
	if (d->flags & XEN_DOMINF_dying)
		pages = 0;
	i->tot_pages = pages;
	i->max_pages = d->mem_mib * 256 + 256;
	i->shared_info_frame = 0x1000 + d->domid;
	/* As Xen: a shut-down domain's vCPUs are paused, its time stands. */
	i->cpu_time = ((d->stopped_ns != 0 ? d->stopped_ns : now_ns()) -
	    d->created_ns) / 100 * d->vcpus;
	i->nr_online_vcpus = (d->flags & XEN_DOMINF_dying) ? 0 :
	    d->vcpus - d->offline_vcpus;
	i->max_vcpu_id = d->vcpus - 1;
	i->ssidref = 0;
	memcpy(i->handle, d->uuid, 16);
	i->cpupool = 0;
	i->gpaddr_bits = 40;
}

unsigned
dom_getinfo(unsigned first, unsigned max, xc_domaininfo_t *out)
{
	unsigned id, n = 0;

	for (id = first; id < SIM_MAX_DOMID && n < max; id++)
		if (doms[id] != NULL)
			fill_info(doms[id], &out[n++]);
	return n;
}

const char *
dom_state(const struct sim_dom *d, char *buf, size_t len)
{
	static const char *reasons[] = { "poweroff", "reboot", "suspend",
	    "crash", "watchdog", "soft_reset" };
	unsigned code;

	if (d->flags & XEN_DOMINF_dying)
		return "dying";
	if (d->flags & XEN_DOMINF_shutdown) {
		code = (d->flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask;
		if (code <= SHUTDOWN_MAX)
			snprintf(buf, len, "shutdown:%s", reasons[code]);
		else
			snprintf(buf, len, "shutdown:%u", code);
		return buf;
	}
	if (d->flags & XEN_DOMINF_paused)
		return "paused";
	return "running";
}

void
dom_init(struct event_base *b)
{
	struct dom_spec s = { .name = "Domain-0", .mem_mib = 4096,
	    .vcpus = 4 };
	struct sim_dom *d;

	base = b;
	d = dom_new(0, &s);
	d->flags = XEN_DOMINF_running;
	xs_write_str("/local/domain/0/name", "Domain-0");
	xs_write_str("/local/domain/0/domid", "0");
	xs_write_str("/tool/xenstored", "");
}

void
dom_free_all(void)
{
	unsigned i;

	for (i = 0; i < SIM_MAX_DOMID; i++)
		if (doms[i] != NULL)
			dom_free(doms[i]);
}
