/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * console.c: what a crashed guest leaves to read: its console ring (one
 * shared page, xen/io/console.h), Xen's own console ring (xl dmesg) and
 * its vCPUs' registers.
 *
 * A guest's page exists once something was written to it; before, it
 * reads as zeros, as a fresh ring does.  Its frame is CONS_FRAME_BASE +
 * domid, named by /local/domain/N/console/ring-ref as xl writes it.
 * Xen's ring keeps the last XENLOG_SIZE bytes; its indexes only grow,
 * as Xen's do, so a reader that asks incrementally gets each byte once.
 *
 * A guest's kernel keeps its log in memory as Linux's printk does: each
 * line's text after an 8-byte record header, padded to 8 bytes with
 * what an older line left there ('q'), in a KMSG_SIZE buffer that wraps;
 * a panic's message is also kept NUL-terminated in a page of its own, as
 * panic() keeps it.  The buffer is four pages of the kernel's image at
 * 0xffffffff81000000, reached through the guest's own page tables from
 * its vCPUs' CR3: PML4 PT_FRAME_BASE + domid, then KMEM_FRAME_BASE + 16 *
 * domid + 0 (PDPT), + 1 (page directory), + 2 (page table), + 3..6 (the
 * buffer), + 7 (panic's copy).  The page table maps six pages in a row;
 * the third's frame (+ 8) does not exist (a mapping of it fails, as a
 * page a guest ballooned out does), so the buffer's pages are the first,
 * second, fourth and fifth, and the sixth is panic's.  The buffer starts
 * 24 bytes before a page ends, so its first line crosses a page.  A guest
 * whose kernel logged nothing has a PML4 of zeros: no kernel there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#include <xen/io/console.h>

#define XENLOG_SIZE	16384		/* Xen's default conring_size */

static char	 xenlog[XENLOG_SIZE];
static uint32_t	 xenlog_prod;		/* bytes ever written */

static struct xencons_interface *
cons_get(struct sim_dom *d)
{
	if (d->cons == NULL && (d->cons = calloc(1, 4096)) == NULL)
		abort();
	return d->cons;
}

/* TEXT goes to D's ring as the guest would print it, wrapping. */
int
cons_append(unsigned domid, const char *text, size_t len)
{
	struct sim_dom *d = dom_get(domid);
	struct xencons_interface *c;
	size_t i;

	if (d == NULL)
		return -ESRCH;
	c = cons_get(d);
	for (i = 0; i < len; i++)
		c->out[MASK_XENCONS_IDX(c->out_prod++, c->out)] = text[i];
	/* xenconsoled keeps up: it consumed what was there. */
	c->out_cons = c->out_prod;
	return 0;
}

/* The whole ring of one byte (NUL, ESC, ...), as written just now. */
int
cons_fill(unsigned domid, int byte)
{
	struct sim_dom *d = dom_get(domid);
	struct xencons_interface *c;

	if (d == NULL)
		return -ESRCH;
	c = cons_get(d);
	memset(c->out, byte, sizeof(c->out));
	c->out_prod += sizeof(c->out);
	c->out_cons = c->out_prod;
	return 0;
}

/* Indexes as a broken or hostile guest may leave them. */
int
cons_set_index(unsigned domid, uint32_t prod, uint32_t cons)
{
	struct sim_dom *d = dom_get(domid);
	struct xencons_interface *c;

	if (d == NULL)
		return -ESRCH;
	c = cons_get(d);
	c->out_prod = prod;
	c->out_cons = cons;
	return 0;
}

static int kmem_page(struct sim_dom *, uint64_t, uint64_t *);

/* The page at FRAME of D, into OUT (4096 bytes): 0, or -EFAULT when D
 * has no such frame (its console's, its kernel's page tables and log
 * are all it has). */
int
cons_page(unsigned domid, uint64_t frame, void *out)
{
	struct sim_dom *d = dom_get(domid);

	if (d == NULL)
		return -ESRCH;
	if (frame != CONS_FRAME_BASE + domid)
		return kmem_page(d, frame, out) ? 0 : -EFAULT;
	if (d->cons != NULL)
		memcpy(out, d->cons, 4096);
	else
		memset(out, 0, 4096);
	return 0;
}

void
xenlog_append(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		xenlog[xenlog_prod++ % XENLOG_SIZE] = text[i];
}

/*
 * As Xen's read_console_ring: from the oldest byte still there, or from
 * *INDEX when incremental and it is newer; at most MAX bytes.  *INDEX
 * becomes the index after the last byte read.
 */
size_t
xenlog_read(uint32_t *index, int incremental, char *out, size_t max)
{
	uint32_t c = xenlog_prod > XENLOG_SIZE ? xenlog_prod - XENLOG_SIZE : 0;
	size_t n = 0;

	if (incremental && (int32_t)(*index - c) > 0)
		c = *index;
	while (c != xenlog_prod && (int32_t)(xenlog_prod - c) > 0 && n < max)
		out[n++] = xenlog[c++ % XENLOG_SIZE];
	*index = c;
	return n;
}

/*
 * The registers of D's vCPU V: made up, but each a function of the two,
 * so a test can tell them apart.  Returns -ESRCH or -EINVAL as Xen would.
 */
int
vcpu_regs(unsigned domid, unsigned vcpu, struct sim_regs *r)
{
	struct sim_dom *d = dom_get(domid);

	if (d == NULL)
		return -ESRCH;
	if (vcpu >= d->vcpus)
		return -EINVAL;
	r->ip = 0xffffffff81000000ull + domid * 0x1000ull + vcpu * 0x10ull;
	r->sp = 0xffffc90000000000ull + domid * 0x10000ull + vcpu * 0x1000ull;
	r->flags = 0x246;
	r->cr3 = (0x100000ull + domid) << 12;
	r->online = vcpu < d->vcpus - d->offline_vcpus;
	return 0;
}

#define KMSG_SIZE	(4 * 4096)
#define KMSG_START	(4096 - 24)
#define PTE(frame)	(((uint64_t)(frame) << 12) | 0x63)	/* P RW A D */

static uint64_t
kmem_frame(unsigned domid, unsigned k)
{
	return KMEM_FRAME_BASE + 16ull * domid + k;
}

/* TEXT as one more line of D's kernel log. */
int
kmsg_append(unsigned domid, const char *text, size_t len)
{
	struct sim_dom *d = dom_get(domid);
	uint64_t id;
	size_t i, rec;

	if (d == NULL)
		return -ESRCH;
	if (d->kmsg == NULL) {
		if ((d->kmsg = calloc(1, KMSG_SIZE)) == NULL)
			abort();
		d->kmsg_pos = KMSG_START;
	}
	id = 0x3fffffffffff0000ull | 'r';	/* a printable low byte */
	rec = (8 + len + 7) & ~(size_t)7;
	for (i = 0; i < rec; i++)
		d->kmsg[(d->kmsg_pos + i) % KMSG_SIZE] = i < 8 ?
		    (char)(id >> (8 * i)) : i < 8 + len ? text[i - 8] : 'q';
	d->kmsg_pos += rec;
	return 0;
}

/* The page at FRAME of D's kernel memory into OUT: 1, or 0 when FRAME
 * is none of its page tables or log pages. */
static int
kmem_page(struct sim_dom *d, uint64_t frame, uint64_t *out)
{
	unsigned domid = d->domid, k;

	memset(out, 0, 4096);
	if (frame == PT_FRAME_BASE + domid) {
		if (d->kmsg != NULL)
			out[511] = PTE(kmem_frame(domid, 0));
		return 1;
	}
	if (d->kmsg == NULL || frame < kmem_frame(domid, 0) ||
	    frame > kmem_frame(domid, 7))
		return 0;
	switch (k = (unsigned)(frame - kmem_frame(domid, 0))) {
	case 0:
		out[510] = PTE(kmem_frame(domid, 1));
		break;
	case 1:
		out[8] = PTE(kmem_frame(domid, 2));	/* 0xffffffff81000000 */
		break;
	case 2:
		out[0] = PTE(kmem_frame(domid, 3));
		out[1] = PTE(kmem_frame(domid, 4));
		out[2] = PTE(kmem_frame(domid, 8));	/* no such frame */
		out[3] = PTE(kmem_frame(domid, 5));
		out[4] = PTE(kmem_frame(domid, 6));
		out[5] = PTE(kmem_frame(domid, 7));
		break;
	case 7:
		if (d->kpanic != NULL)
			memcpy((char *)out + 1000, d->kpanic,
			    strlen(d->kpanic) + 1);
		break;
	default:
		memcpy(out, d->kmsg + (k - 3) * 4096, 4096);
		break;
	}
	return 1;
}

/* MSG as the message of D's kernel panic: its log line, and panic()'s
 * own copy. */
int
kmsg_panic_copy(unsigned domid, const char *msg)
{
	struct sim_dom *d = dom_get(domid);
	char line[1100];
	int rc;

	if (d == NULL)
		return -ESRCH;
	if (strlen(msg) > 1000)
		return -EINVAL;
	snprintf(line, sizeof(line), "Kernel panic - not syncing: %s", msg);
	if ((rc = kmsg_append(domid, line, strlen(line))) != 0)
		return rc;
	free(d->kpanic);
	if ((d->kpanic = strdup(msg)) == NULL)
		abort();
	return 0;
}
