/*
 * evidence-kmsg.c: the panic line from the guest kernel's own log, in
 * its memory, for when the console ring no longer holds it.
 *
 * The console ring keeps a guest's last 2 KiB, and Linux prints its
 * stack and registers after the panic line (about 2.3 KiB for a panic
 * from a system call on 6.1), so on a host where xenconsoled logs
 * nothing the line is often gone by the time the guest stops.  The
 * kernel still has it: printk keeps every line's text in its log buffer,
 * a static array of the kernel image unless the guest has many CPUs or
 * log_buf_len= (then it lies elsewhere and is not found here).
 *
 * x86-64 Linux maps its image in the gigabyte at 0xffffffff80000000
 * (KASLR moves it within that gigabyte), so the walk follows the guest's
 * own page tables from a vCPU's CR3 there: PML4 entry 511, PDPT entry
 * 510, and every page present below, read-only, at most KMSG_PAGES_MAX
 * of them.  The frames in a PV guest's tables are machine frames, in a
 * PVH or HVM guest's guest frames: either way what a foreign mapping of
 * that guest takes.  A page the guest could not hand over is skipped,
 * never touched (a failed page of a mapping is a SIGBUS).
 */
#include <sys/mman.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>

#include "crashwatchd.h"

#define PAGE_SIZE	4096
#define PTE_PRESENT	0x1ull
#define PTE_LARGE	0x80ull			/* PS: a 1 GiB or 2 MiB page */
#define PTE_FRAME(e)	((uint64_t)(((e) & 0x000ffffffffff000ull) >> 12))
#define PTE_FRAME_2M(e)	(((e) & 0x000fffffffe00000ull) >> 12)
#define PTE_FRAME_1G(e)	(((e) & 0x000fffffc0000000ull) >> 12)
#define KIMG_PML4	511	/* 0xffffff8000000000.. */
#define KIMG_PDPT	510	/* 0xffffffff80000000..0xffffffffc0000000 */
#define KMSG_PAGES_MAX	32768	/* 128 MiB: Linux's image is 20-60 MiB */
#define KMSG_BATCH	256	/* pages a mapping */

struct kmsg_walk {
	xenforeignmemory_handle	*fm;
	unsigned		 domid;
	uint64_t		*frame;	/* the image's pages, in address order */
	uint32_t		*vpn;	/* each one's page in the gigabyte */
	size_t			 n;
	unsigned		 tables_lost;	/* page tables not mapped */
};

/* The page table at FRAME, copied into T: 0 or an errno. */
static int
table(struct kmsg_walk *w, uint64_t frame, uint64_t t[512])
{
	xen_pfn_t	 pfn = frame;
	void		*p;
	int		 err = 0;

	p = xenforeignmemory_map(w->fm, w->domid, PROT_READ, 1, &pfn, &err);
	if (p == NULL || err != 0) {
		err = err != 0 ? err : errno;
		if (p != NULL)
			xenforeignmemory_unmap(w->fm, p, 1);
		return err != 0 ? err : EFAULT;
	}
	memcpy(t, p, PAGE_SIZE);
	xenforeignmemory_unmap(w->fm, p, 1);
	return 0;
}

static void
add(struct kmsg_walk *w, uint64_t frame, uint32_t vpn)
{
	if (w->n < KMSG_PAGES_MAX) {
		w->frame[w->n] = frame;
		w->vpn[w->n++] = vpn;
	}
}

/* Every present page of the kernel image's gigabyte below PDPT entry E. */
static void
collect(struct kmsg_walk *w, uint64_t e)
{
	uint64_t	 pd[512], pt[512];
	uint32_t	 i, j;

	if (e & PTE_LARGE) {
		for (j = 0; j < 512 * 512 && w->n < KMSG_PAGES_MAX; j++)
			add(w, PTE_FRAME_1G(e) + j, j);
		return;
	}
	if (table(w, PTE_FRAME(e), pd) != 0) {
		w->tables_lost++;
		return;
	}
	for (i = 0; i < 512 && w->n < KMSG_PAGES_MAX; i++) {
		if (!(pd[i] & PTE_PRESENT))
			continue;
		if (pd[i] & PTE_LARGE) {
			for (j = 0; j < 512; j++)
				add(w, PTE_FRAME_2M(pd[i]) + j, i * 512 + j);
			continue;
		}
		if (table(w, PTE_FRAME(pd[i]), pt) != 0) {
			w->tables_lost++;
			continue;
		}
		for (j = 0; j < 512; j++)
			if (pt[j] & PTE_PRESENT)
				add(w, PTE_FRAME(pt[j]), i * 512 + j);
	}
}

/* The panic line in pages [I, I + CNT) of the walk, read with the page
 * after them when it follows in the guest's addresses; 1 if found. */
static int
scan(struct kmsg_walk *w, size_t i, size_t cnt, char *line, size_t linelen)
{
	xen_pfn_t	 pfn[KMSG_BATCH + 1];
	int		 err[KMSG_BATCH + 1];
	size_t		 k, a, b, extra, n;
	const char	*base, *p;

	extra = i + cnt < w->n && w->vpn[i + cnt] == w->vpn[i + cnt - 1] + 1;
	for (k = 0; k < cnt + extra; k++) {
		pfn[k] = w->frame[i + k];
		err[k] = 0;
	}
	base = xenforeignmemory_map(w->fm, w->domid, PROT_READ, cnt + extra,
	    pfn, err);
	if (base == NULL)
		return 0;
	/* Runs of pages that were mapped: the others are not to be read. */
	for (a = 0; a < cnt; a = b) {
		for (; a < cnt && err[a] != 0; a++)
			;
		for (b = a; b < cnt + extra && err[b] == 0; b++)
			;
		if (a >= cnt)
			break;
		p = kmsg_panic(base + a * PAGE_SIZE, (b - a) * PAGE_SIZE,
		    ((b < cnt ? b : cnt) - a) * PAGE_SIZE, EVIDENCE_SUMMARY_MAX,
		    &n);
		if (p != NULL) {
			text_escape(p, n, false, line, linelen);
			xenforeignmemory_unmap(w->fm, (void *)base, cnt + extra);
			return 1;
		}
	}
	xenforeignmemory_unmap(w->fm, (void *)base, cnt + extra);
	return 0;
}

/*
 * The panic line of the Linux kernel of DOMID, whose top page table (its
 * PML4) is at frame ROOT: 1 with the line in LINE (escaped), 0 if none
 * is found, -1 with why in WHY.
 */
int
kmsg_find(xenforeignmemory_handle *fm, unsigned domid, uint64_t root,
    char *line, size_t linelen, char *why, size_t whylen)
{
	struct kmsg_walk	 w = { .fm = fm, .domid = domid };
	uint64_t		 t[512];
	size_t			 i, cnt;
	int			 err, found = 0;

	if ((err = table(&w, root, t)) != 0) {
		snprintf(why, whylen, "cannot map the page table at frame "
		    "%#" PRIx64 ": %s", root, strerror(err));
		return -1;
	}
	if (!(t[KIMG_PML4] & PTE_PRESENT) || (t[KIMG_PML4] & PTE_LARGE))
		return 0;	/* no kernel of ours up there */
	if ((err = table(&w, PTE_FRAME(t[KIMG_PML4]), t)) != 0) {
		snprintf(why, whylen, "cannot map the page table at frame "
		    "%#" PRIx64 ": %s", PTE_FRAME(t[KIMG_PML4]),
		    strerror(err));
		return -1;
	}
	if (!(t[KIMG_PDPT] & PTE_PRESENT))
		return 0;
	w.frame = malloc(KMSG_PAGES_MAX * sizeof *w.frame);
	w.vpn = malloc(KMSG_PAGES_MAX * sizeof *w.vpn);
	if (w.frame == NULL || w.vpn == NULL) {
		snprintf(why, whylen, "out of memory");
		free(w.frame);
		free(w.vpn);
		return -1;
	}
	collect(&w, t[KIMG_PDPT]);
	/* Batches of pages that follow each other in the guest's addresses,
	 * so that a line crossing a page is read whole. */
	for (i = 0; i < w.n && !found; i += cnt) {
		for (cnt = 1; cnt < KMSG_BATCH && i + cnt < w.n &&
		    w.vpn[i + cnt] == w.vpn[i + cnt - 1] + 1; cnt++)
			;
		found = scan(&w, i, cnt, line, linelen);
	}
	if (!found && w.tables_lost > 0) {
		snprintf(why, whylen, "%u of the kernel's page tables could "
		    "not be mapped", w.tables_lost);
		found = -1;
	}
	free(w.frame);
	free(w.vpn);
	return found;
}
