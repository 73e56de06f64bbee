/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv.c: the hypervisor, through libxenctrl.
 *
 * Only xc_domain_getinfolist is used to read domains: it is in Xen 4.17
 * and still in current Xen, where xc_domain_getinfo is gone.  One scan is
 * a walk in batches of SCAN_BATCH, never one hypercall per domain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-id128.h>

#include "crashwatchd.h"

/* policy/ speaks of shutdown codes without Xen's headers. */
_Static_assert(SHUTDOWN_CODE_POWEROFF == SHUTDOWN_poweroff, "poweroff");
_Static_assert(SHUTDOWN_CODE_REBOOT == SHUTDOWN_reboot, "reboot");
_Static_assert(SHUTDOWN_CODE_SUSPEND == SHUTDOWN_suspend, "suspend");
_Static_assert(SHUTDOWN_CODE_CRASH == SHUTDOWN_crash, "crash");
_Static_assert(SHUTDOWN_CODE_WATCHDOG == SHUTDOWN_watchdog, "watchdog");
_Static_assert(SHUTDOWN_CODE_SOFT_RESET == SHUTDOWN_soft_reset, "soft_reset");

xc_interface *
hv_open(void)
{
	return xc_interface_open(NULL, NULL, 0);
}

void
hv_close(xc_interface *xch)
{
	if (xch != NULL)
		xc_interface_close(xch);
}

/* Walk every domain in domid order, in batches. */
int
hv_scan(xc_interface *xch, void (*cb)(const struct hv_info *, void *),
    void *arg)
{
	xc_domaininfo_t		*buf;
	struct hv_info		 hi;
	unsigned		 first = 0, prev = 0;
	int			 n, i;
	bool			 any = false;
	int			 r = 0;

	if ((buf = calloc(SCAN_BATCH, sizeof *buf)) == NULL)
		return -ENOMEM;
	for (;;) {
		n = xc_domain_getinfolist(xch, first, SCAN_BATCH, buf);
		if (n < 0) {
			r = errno != 0 ? -errno : -EIO;
			break;
		}
		if (n > SCAN_BATCH) {
			r = -EPROTO;
			break;
		}
		for (i = 0; i < n; i++) {
			/* The hypervisor's answer is checked like any input:
			 * in range and strictly increasing. */
			if (buf[i].domain >= DOMID_LIMIT ||
			    (any && buf[i].domain <= prev) ||
			    buf[i].domain < first) {
				free(buf);
				return -EPROTO;
			}
			prev = buf[i].domain;
			any = true;
			memset(&hi, 0, sizeof hi);
			hi.domid = buf[i].domain;
			hi.flags = buf[i].flags;
			hi.tot_pages = buf[i].tot_pages;
			hi.cpu_time = buf[i].cpu_time;
			memcpy(hi.handle, buf[i].handle, sizeof hi.handle);
			cb(&hi, arg);
		}
		if (n < SCAN_BATCH || prev + 1 >= DOMID_LIMIT)
			break;
		first = prev + 1;
	}
	free(buf);
	return r;
}

/*
 * Is DOMID still the domain with UUID?  1 yes (and INFO, if given, is
 * what Xen says of it), 0 no (gone, or the domid was reused), -errno if
 * the hypervisor did not say.  Acting on a bare domid could hit an
 * innocent guest that took it over.
 */
int
hv_lookup(xc_interface *xch, unsigned domid, const char *uuid,
    xc_domaininfo_t *info)
{
	xc_domaininfo_t	own;
	char		u[37];
	int		n;

	if (info == NULL)
		info = &own;
	n = xc_domain_getinfolist(xch, domid, 1, info);
	if (n < 0)
		return errno != 0 ? -errno : -EIO;
	if (n == 0 || info->domain != domid)
		return 0;
	uuid_format(info->handle, u);
	return strcmp(u, uuid) == 0;
}

int
hv_same(xc_interface *xch, unsigned domid, const char *uuid)
{
	return hv_lookup(xch, domid, uuid, NULL);
}

/* Destroy DOMID if it is still UUID: 0, or -errno (-ESRCH: gone). */
int
hv_destroy(xc_interface *xch, unsigned domid, const char *uuid)
{
	int	r;

	if ((r = hv_same(xch, domid, uuid)) <= 0)
		return r == 0 ? -ESRCH : r;
	if (xc_domain_destroy(xch, domid) != 0)
		return errno != 0 ? -errno : -EIO;
	return 0;
}

/* Give DOMID the handle UUID, as "xl list -v" shows it: 0 or -errno. */
int
hv_sethandle(xc_interface *xch, unsigned domid, const char *uuid)
{
	xen_domain_handle_t	h;
	sd_id128_t		id;

	if (sd_id128_from_string(uuid, &id) < 0)
		return -EINVAL;
	memcpy(h, id.bytes, sizeof h);
	if (xc_domain_sethandle(xch, domid, h) != 0)
		return errno != 0 ? -errno : -EIO;
	return 0;
}

/* What the flags say; CODE gets the shutdown reason when shut down. */
enum dom_state
hv_state(uint32_t flags, unsigned *code)
{
	*code = 0;
	if (flags & XEN_DOMINF_dying)
		return DOM_DYING;
	if (flags & XEN_DOMINF_shutdown) {
		*code = (flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask;
		return DOM_SHUTDOWN;
	}
	if (flags & XEN_DOMINF_paused)
		return DOM_PAUSED;
	return DOM_RUNNING;
}
