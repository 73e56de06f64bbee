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
 */
#include <errno.h>
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

/* The page at FRAME of D, into OUT (4096 bytes): 0, or -EFAULT when D
 * has no such frame (the only frame we have is the console's). */
int
cons_page(unsigned domid, uint64_t frame, void *out)
{
	struct sim_dom *d = dom_get(domid);

	if (d == NULL)
		return -ESRCH;
	if (frame != CONS_FRAME_BASE + domid)
		return -EFAULT;
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
