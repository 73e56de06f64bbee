/* SPDX-License-Identifier: GPL-2.0-or-later */
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
 *
 * printk pads each record to 8 bytes with whatever its buffer held, so
 * an older line's bytes may follow the message; panic() keeps the
 * message NUL-terminated in a static buffer of its own, and a second
 * pass finds that copy to cut the line where the kernel ended it.
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
	size_t			 pages_lost;	/* pages not mapped, a pass */
	unsigned		 tables_lost;	/* page tables not mapped */
};

/* Why a one-page foreign map failed: privcmd gives a page's error
 * negative; with none, the call's errno (read at once). */
int
fmem_errno(int err)
{
	return err < 0 ? -err : err != 0 ? err : errno;
}

/* The page table at FRAME, copied into T: 0 or an errno. */
static int
table(struct kmsg_walk *w, uint64_t frame, uint64_t t[512])
{
	xen_pfn_t	 pfn = frame;
	void		*p;
	int		 err = 0;

	p = xenforeignmemory_map(w->fm, w->domid, PROT_READ, 1, &pfn, &err);
	if (p == NULL || err != 0) {
		err = fmem_errno(err);
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

/* What a pass over the pages looks for: a panic line (the first pass),
 * then the message's own copy (the second). */
struct kmsg_pass {
	char		 raw[EVIDENCE_SUMMARY_MAX + 32];	/* the line */
	size_t		 len;
	size_t		 msg;		/* where its message begins */
	size_t		 confirmed;	/* of the message, bytes the kernel meant */
	bool		 second;
};

/* Look at BUF (LEN bytes, matches from LIMIT on are the next batch's):
 * true when the pass is done. */
static bool
look(struct kmsg_pass *k, const char *buf, size_t len, size_t limit)
{
	const char	*p;
	size_t		 n, lo;

	if (!k->second) {
		p = kmsg_panic(buf, len, limit, EVIDENCE_SUMMARY_MAX, &n);
		if (p == NULL)
			return false;
		memcpy(k->raw, p, n);
		k->len = n;
		k->msg = strlen(PANIC_PREFIX);
		return true;
	}
	/* At most 7 bytes of padding and 8 of the next record's id. */
	n = k->len - k->msg;
	lo = n > 15 ? n - 15 : 1;
	if ((n = kmsg_confirm(buf, len, limit, k->raw + k->msg, n,
	    k->confirmed > lo ? k->confirmed : lo)) > k->confirmed)
		k->confirmed = n;
	return k->confirmed == k->len - k->msg;
}

/* Pages [I, I + CNT) of the walk, with the page after them when it
 * follows in the guest's addresses, to K; true when K is done. */
static bool
batch(struct kmsg_walk *w, size_t i, size_t cnt, struct kmsg_pass *k)
{
	xen_pfn_t	 pfn[KMSG_BATCH + 1];
	int		 err[KMSG_BATCH + 1];
	size_t		 j, a, b, extra;
	const char	*base;
	bool		 done = false;

	extra = i + cnt < w->n && w->vpn[i + cnt] == w->vpn[i + cnt - 1] + 1;
	for (j = 0; j < cnt + extra; j++) {
		pfn[j] = w->frame[i + j];
		err[j] = 0;
	}
	base = xenforeignmemory_map(w->fm, w->domid, PROT_READ, cnt + extra,
	    pfn, err);
	if (base == NULL) {
		w->pages_lost += cnt;
		return false;
	}
	for (j = 0; j < cnt; j++)
		w->pages_lost += err[j] != 0;
	/* Runs of pages that were mapped: the others are not to be read. */
	for (a = 0; a < cnt && !done; a = b) {
		for (; a < cnt && err[a] != 0; a++)
			;
		for (b = a; b < cnt + extra && err[b] == 0; b++)
			;
		if (a >= cnt)
			break;
		done = look(k, base + a * PAGE_SIZE, (b - a) * PAGE_SIZE,
		    ((b < cnt ? b : cnt) - a) * PAGE_SIZE);
	}
	xenforeignmemory_unmap(w->fm, (void *)base, cnt + extra);
	return done;
}

/* Every page of the walk to K, in batches of pages that follow each
 * other in the guest's addresses, so that a line crossing a page is read
 * whole: true when K is done. */
static bool
pass(struct kmsg_walk *w, struct kmsg_pass *k)
{
	size_t	 i, cnt;

	w->pages_lost = 0;
	for (i = 0; i < w->n; i += cnt) {
		for (cnt = 1; cnt < KMSG_BATCH && i + cnt < w->n &&
		    w->vpn[i + cnt] == w->vpn[i + cnt - 1] + 1; cnt++)
			;
		if (batch(w, i, cnt, k))
			return true;
	}
	return false;
}

/*
 * The panic line of the Linux kernel of DOMID, whose top page table (its
 * PML4) is at frame ROOT: 1 with the line in LINE (escaped), -1 with why
 * there is none in WHY.
 */
int
kmsg_find(xenforeignmemory_handle *fm, unsigned domid, uint64_t root,
    char *line, size_t linelen, char *why, size_t whylen)
{
	struct kmsg_walk	 w = { .fm = fm, .domid = domid };
	struct kmsg_pass	 k = { .second = false };
	uint64_t		 t[512];
	int			 err;

	if ((err = table(&w, root, t)) != 0) {
		snprintf(why, whylen, "cannot map the page table at frame "
		    "%#" PRIx64 ": %s", root, strerror(err));
		return -1;
	}
	if (!(t[KIMG_PML4] & PTE_PRESENT) || (t[KIMG_PML4] & PTE_LARGE)) {
		snprintf(why, whylen, "no kernel mapped at 0xffffff8000000000 "
		    "(PML4 entry %#" PRIx64 ")", t[KIMG_PML4]);
		return -1;
	}
	if ((err = table(&w, PTE_FRAME(t[KIMG_PML4]), t)) != 0) {
		snprintf(why, whylen, "cannot map the page table at frame "
		    "%#" PRIx64 ": %s", PTE_FRAME(t[KIMG_PML4]),
		    strerror(err));
		return -1;
	}
	if (!(t[KIMG_PDPT] & PTE_PRESENT)) {
		snprintf(why, whylen, "no kernel image mapped at "
		    "0xffffffff80000000 (PDPT entry %#" PRIx64 ")",
		    t[KIMG_PDPT]);
		return -1;
	}
	w.frame = malloc(KMSG_PAGES_MAX * sizeof *w.frame);
	w.vpn = malloc(KMSG_PAGES_MAX * sizeof *w.vpn);
	if (w.frame == NULL || w.vpn == NULL) {
		snprintf(why, whylen, "out of memory");
		free(w.frame);
		free(w.vpn);
		return -1;
	}
	collect(&w, t[KIMG_PDPT]);
	if (!pass(&w, &k)) {
		snprintf(why, whylen, "no panic line in the %zu pages of the "
		    "kernel's image (%zu of them and %u page tables could not "
		    "be mapped)", w.n, w.pages_lost, w.tables_lost);
		free(w.frame);
		free(w.vpn);
		return -1;
	}
	/* The record's padding may follow the message: panic()'s own copy
	 * says where it ends.  Without one, the line stays as read. */
	k.second = true;
	(void)pass(&w, &k);
	if (k.confirmed > 0)
		k.len = k.msg + k.confirmed;
	text_escape(k.raw, k.len, false, line, linelen);
	free(w.frame);
	free(w.vpn);
	return 1;
}
