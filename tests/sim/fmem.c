/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fmem.c: the stand-in libxenforeignmemory.so.1.  A mapping is a private
 * copy of the page the simulator holds at that moment, read-only, as a
 * reader that maps with PROT_READ sees it; unmap frees it.  Only the
 * calls of VERS_1.0 are here.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc-handle.h"

#include <xenforeignmemory.h>

#define PAGE	4096

struct xenforeignmemory_handle {
	struct xc_interface_core c;
};

xenforeignmemory_handle *
xenforeignmemory_open(struct xentoollog_logger *logger, unsigned flags)
{
	xenforeignmemory_handle *h;
	int fd;

	(void)logger;
	(void)flags;
	if ((fd = xcs_connect()) < 0) {
		errno = -fd;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	h->c.fd = fd;
	h->c.pid = getpid();
	return h;
}

int
xenforeignmemory_close(xenforeignmemory_handle *h)
{
	if (h == NULL)
		return 0;
	close(h->c.fd);
	free(h);
	return 0;
}

void *
xenforeignmemory_map(xenforeignmemory_handle *h, uint32_t dom, int prot,
    size_t pages, const xen_pfn_t arr[], int err[])
{
	char *p;
	size_t i, got;
	int rc, failed = 0;

	xcs_check(&h->c);
	if (pages == 0 || (prot & PROT_WRITE)) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	for (i = 0; i < pages; i++) {
		got = 0;
		rc = xcs_call(&h->c, NULL, 0, p + i * PAGE, PAGE, &got,
		    "xc_xenforeignmemory_map %u %lu", dom,
		    (unsigned long)arr[i]);
		/* As privcmd: a page's error negative. */
		if (err != NULL)
			err[i] = rc < 0 ? rc : 0;
		if (rc < 0 && failed == 0)
			failed = -rc;
	}
	/* As the real library: one bad page fails the call when the caller
	 * gave no err array to say which. */
	if (failed != 0 && err == NULL) {
		munmap(p, pages * PAGE);
		errno = failed;
		return NULL;
	}
	mprotect(p, pages * PAGE, PROT_READ);
	/* A page that failed is not there: reading it faults, as the
	 * SIGBUS of a real mapping does. */
	for (i = 0; err != NULL && i < pages; i++)
		if (err[i] != 0)
			mprotect(p + i * PAGE, PAGE, PROT_NONE);
	return p;
}

int
xenforeignmemory_unmap(xenforeignmemory_handle *h, void *addr, size_t pages)
{
	(void)h;
	return munmap(addr, pages * PAGE);
}
