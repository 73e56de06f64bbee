/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xc-domain.c: the stand-in libxenctrl.so.4.17.  Every call goes to the
 * simulator, which acts on its domain table and records the call.
 * Failures look like the real library's: -1 with errno set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc-handle.h"

#include <xen/hvm/save.h>

static int
fail(xc_interface *xch, int rc, const char *what)
{
	xcs_set_error(xch, -rc, what);
	errno = -rc;
	return -1;
}

xc_interface *
xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dlogger,
    unsigned flags)
{
	xc_interface *xch;
	int fd, rc;

	(void)logger;
	(void)dlogger;
	(void)flags;
	if ((fd = xcs_connect()) < 0) {
		errno = -fd;
		return NULL;
	}
	if ((xch = calloc(1, sizeof(*xch))) == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	xch->fd = fd;
	xch->pid = getpid();
	rc = xcs_call(xch, NULL, 0, NULL, 0, NULL, "xc_interface_open %ld",
	    (long)xch->pid);
	if (rc < 0) {
		fprintf(stderr, "xensim: xc_interface_open failed: %s\n",
		    strerror(-rc));
		close(fd);
		free(xch);
		errno = -rc;
		return NULL;
	}
	return xch;
}

int
xc_interface_close(xc_interface *xch)
{
	if (xch == NULL)
		return 0;
	xcs_check(xch);
	(void)xcs_call(xch, NULL, 0, NULL, 0, NULL, "xc_interface_close");
	close(xch->fd);
	free(xch);
	return 0;
}

int
xc_domain_getinfolist(xc_interface *xch, uint32_t first, unsigned int max,
    xc_domaininfo_t *info)
{
	size_t got = 0;
	int rc;

	xcs_check(xch);
	rc = xcs_call(xch, NULL, 0, info, (size_t)max * sizeof(*info), &got,
	    "xc_domain_getinfolist %u %u", first, max);
	if (rc < 0)
		return fail(xch, rc, "getinfolist");
	return (int)(got / sizeof(*info));
}

/* The pre-4.18 interface, built on the same records. */
int
xc_domain_getinfo(xc_interface *xch, uint32_t first, unsigned int max,
    xc_dominfo_t *out)
{
	xc_domaininfo_t *info;
	size_t got = 0;
	unsigned i, n;
	int rc;

	xcs_check(xch);
	if ((info = calloc(max ? max : 1, sizeof(*info))) == NULL)
		return fail(xch, -ENOMEM, "getinfo");
	rc = xcs_call(xch, NULL, 0, info, (size_t)max * sizeof(*info), &got,
	    "xc_domain_getinfo %u %u", first, max);
	if (rc < 0) {
		free(info);
		return fail(xch, rc, "getinfo");
	}
	n = (unsigned)(got / sizeof(*info));
	for (i = 0; i < n; i++) {
		xc_dominfo_t *o = &out[i];
		const xc_domaininfo_t *d = &info[i];

		memset(o, 0, sizeof(*o));
		o->domid = d->domain;
		o->ssidref = d->ssidref;
		o->dying = !!(d->flags & XEN_DOMINF_dying);
		o->shutdown = !!(d->flags & XEN_DOMINF_shutdown);
		o->paused = !!(d->flags & XEN_DOMINF_paused);
		o->blocked = !!(d->flags & XEN_DOMINF_blocked);
		o->running = !!(d->flags & XEN_DOMINF_running);
		o->hvm = !!(d->flags & XEN_DOMINF_hvm_guest);
		o->shutdown_reason = (d->flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask;
		o->crashed = o->shutdown &&
		    o->shutdown_reason == SHUTDOWN_crash;
		o->nr_pages = d->tot_pages;
		o->shared_info_frame = d->shared_info_frame;
		o->cpu_time = d->cpu_time;
		o->max_memkb = d->max_pages << 2;
		o->nr_online_vcpus = d->nr_online_vcpus;
		o->max_vcpu_id = d->max_vcpu_id;
		memcpy(o->handle, d->handle, sizeof(o->handle));
		o->cpupool = d->cpupool;
	}
	free(info);
	return (int)n;
}

static int
domain_op(xc_interface *xch, const char *fn, uint32_t domid)
{
	int rc;

	xcs_check(xch);
	rc = xcs_call(xch, NULL, 0, NULL, 0, NULL, "%s %u", fn, domid);
	return rc < 0 ? fail(xch, rc, fn) : 0;
}

int
xc_domain_pause(xc_interface *xch, uint32_t domid)
{
	return domain_op(xch, "xc_domain_pause", domid);
}

int
xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
	return domain_op(xch, "xc_domain_unpause", domid);
}

int
xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
	return domain_op(xch, "xc_domain_destroy", domid);
}

int
xc_domain_sethandle(xc_interface *xch, uint32_t domid,
    xen_domain_handle_t handle)
{
	char	u[37];
	int	rc;

	xcs_check(xch);
	snprintf(u, sizeof u, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", handle[0], handle[1], handle[2],
	    handle[3], handle[4], handle[5], handle[6], handle[7], handle[8],
	    handle[9], handle[10], handle[11], handle[12], handle[13],
	    handle[14], handle[15]);
	rc = xcs_call(xch, NULL, 0, NULL, 0, NULL, "xc_domain_sethandle %u %s",
	    domid, u);
	return rc < 0 ? fail(xch, rc, "sethandle") : 0;
}

int
xc_domain_shutdown(xc_interface *xch, uint32_t domid, int reason)
{
	int rc;

	xcs_check(xch);
	if (reason < 0)
		return fail(xch, -EINVAL, "shutdown");
	rc = xcs_call(xch, NULL, 0, NULL, 0, NULL, "xc_domain_shutdown %u %d",
	    domid, reason);
	return rc < 0 ? fail(xch, rc, "shutdown") : 0;
}

const xc_error *
xc_get_last_error(xc_interface *xch)
{
	return &xch->last_error;
}

void
xc_clear_last_error(xc_interface *xch)
{
	xch->last_error.code = XC_ERROR_NONE;
	xch->last_error.message[0] = '\0';
}

const char *
xc_error_code_to_desc(int code)
{
	switch (code) {
	case XC_ERROR_NONE:
		return "No error details";
	case XC_INTERNAL_ERROR:
		return "Internal error";
	case XC_INVALID_KERNEL:
		return "Invalid kernel";
	case XC_INVALID_PARAM:
		return "Invalid configuration";
	case XC_OUT_OF_MEMORY:
		return "Out of memory";
	}
	return "Unknown error code";
}

const char *
xc_strerror(xc_interface *xch, int errcode)
{
	(void)xch;
	return strerror(errcode);
}

/* "ip sp flags cr3 online" of a vCPU, from FN D V. */
static int
vcpu_call(xc_interface *xch, const char *fn, uint32_t domid, uint32_t vcpu,
    unsigned long long *v, int *online)
{
	char line[256];
	int rc;

	xcs_check(xch);
	rc = xcs_call(xch, line, sizeof(line), NULL, 0, NULL, "%s %u %u", fn,
	    domid, vcpu);
	if (rc < 0)
		return fail(xch, rc, fn);
	if (sscanf(line, "%llx %llx %llx %llx %d", &v[0], &v[1], &v[2], &v[3],
	    online) != 5)
		return fail(xch, -EPROTO, fn);
	return 0;
}

int
xc_vcpu_getinfo(xc_interface *xch, uint32_t domid, uint32_t vcpu,
    xc_vcpuinfo_t *info)
{
	unsigned long long v[4];
	int online;

	if (vcpu_call(xch, "xc_vcpu_getinfo", domid, vcpu, v, &online) != 0)
		return -1;
	memset(info, 0, sizeof(*info));
	info->vcpu = vcpu;
	info->online = (uint8_t)online;
	return 0;
}

/* A 64-bit PV guest's context, as Xen's getvcpucontext fills it. */
int
xc_vcpu_getcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
    vcpu_guest_context_any_t *ctxt)
{
	unsigned long long v[4];
	int online;

	if (vcpu_call(xch, "xc_vcpu_getcontext", domid, vcpu, v, &online) != 0)
		return -1;
	memset(ctxt, 0, sizeof(*ctxt));
	ctxt->x64.user_regs.rip = v[0];
	ctxt->x64.user_regs.rsp = v[1];
	ctxt->x64.user_regs.rflags = v[2];
	ctxt->x64.ctrlreg[3] = v[3];
	ctxt->x64.flags = online ? VGCF_online : 0;
	return 0;
}

/* Only the CPU record (HVM_SAVE_CODE(CPU) is 2), as a debugger asks. */
int
xc_domain_hvm_getcontext_partial(xc_interface *xch, uint32_t domid,
    uint16_t typecode, uint16_t instance, void *buf, uint32_t size)
{
	struct hvm_hw_cpu *cpu = buf;
	unsigned long long v[4];
	int online;

	if (typecode != 2 || size < sizeof(*cpu))
		return fail(xch, -EINVAL, "hvm_getcontext_partial");
	if (vcpu_call(xch, "xc_domain_hvm_getcontext_partial", domid, instance,
	    v, &online) != 0)
		return -1;
	memset(cpu, 0, sizeof(*cpu));
	cpu->rip = v[0];
	cpu->rsp = v[1];
	cpu->rflags = v[2];
	cpu->cr3 = v[3];
	/* A 64-bit kernel's: paging on, long mode, 4-level tables. */
	cpu->cr0 = 0x80050033;
	cpu->cr4 = 0x3606e0;
	cpu->msr_efer = 0xd01;
	return 0;
}

int
xc_domain_get_guest_width(xc_interface *xch, uint32_t domid,
    unsigned int *width)
{
	char line[32];
	int rc;

	xcs_check(xch);
	rc = xcs_call(xch, line, sizeof(line), NULL, 0, NULL,
	    "xc_domain_get_guest_width %u 0", domid);
	if (rc < 0)
		return fail(xch, rc, "get_guest_width");
	*width = (unsigned)strtoul(line, NULL, 10);
	return 0;
}

/* Xen's console ring: from *INDEX when incremental, else the oldest. */
int
xc_readconsolering(xc_interface *xch, char *buffer, unsigned int *pnr_chars,
    int clear, int incremental, uint32_t *pindex)
{
	char line[32];
	size_t got = 0;
	int rc;

	(void)clear;
	xcs_check(xch);
	rc = xcs_call(xch, line, sizeof(line), buffer, *pnr_chars, &got,
	    "xc_readconsolering %u %d %u", incremental ? *pindex : 0,
	    incremental ? 1 : 0, *pnr_chars);
	if (rc < 0)
		return fail(xch, rc, "readconsolering");
	*pnr_chars = (unsigned)got;
	if (incremental)
		*pindex = (uint32_t)strtoul(line, NULL, 10);
	return 0;
}
