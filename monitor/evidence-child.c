/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * evidence-child.c: what a crashed guest left behind, read in a child
 * process before any step touches the domain.
 *
 * The spawning helper (spawner.c) forks and calls evidence_child_main;
 * the child opens its
 * own handles (xenctrl, xenstore, foreign memory), checks that the
 * domain is still the one that crashed, and writes what it read to the
 * pipe, one line each, every line escaped (text_escape):
 *
 *	c LINE			the guest's console ring, line by line
 *	l LINE			the end of xenconsoled's log of the guest
 *	v N ONLINE IP SP FLAGS CR3	a vCPU (hex registers)
 *	k LINE			the panic line from the kernel's log in the
 *				guest's memory (evidence-kmsg.c), read only
 *				when the ring and the log have none
 *	e PART WHY		PART (console, log, vcpus, kmsg) could not be
 *				read
 *
 * A slow xenstore or disk stalls only this child, whose deadline the
 * parent keeps.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xen/hvm/save.h>
#include <xen/io/console.h>

#include "crashwatchd.h"

#define LOG_TAIL_MAX	16384	/* bytes of xenconsoled's log read */
#define LOG_SAID_MAX	24576	/* of them, escaped, to the parent: with
				   the rest, well within JOB_OUTPUT_MAX */
#define VCPUS_MAX	64	/* vCPUs reported; the rest are counted */

/* Where a vCPU's kernel page tables begin, for evidence-kmsg.c. */
struct kmsg_root {
	uint64_t	 frame;
	const char	*why;	/* NULL, or why there is none */
};

static void	 out(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* One line to the parent (short writes to a pipe are its loss only). */
static void
out(int fd, const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	(void)!write(fd, line, (size_t)n);
}

/* TEXT (LEN bytes from the guest) escaped, as lines starting with TAG,
 * at most MAX bytes of them: the newest lines. */
static void
out_lines(int fd, char tag, const char *text, size_t len, size_t max)
{
	char	*esc, *line, *end;
	size_t	 cap = 4 * len + 1, n;

	if ((esc = malloc(cap)) == NULL) {
		out(fd, "e %s out of memory", tag == 'c' ? "console" : "log");
		return;
	}
	n = text_escape(text, len, true, esc, cap);
	line = esc;
	if (n > max) {
		line = esc + n - max;
		if ((end = strchr(line, '\n')) != NULL)
			line = end + 1;	/* a whole line first */
	}
	for (; *line != '\0'; line = end) {
		if ((end = strchr(line, '\n')) != NULL)
			*end++ = '\0';
		else
			end = line + strlen(line);
		out(fd, "%c %s", tag, line);
	}
	free(esc);
}

/*
 * The console ring, as xenconsoled maps it: the frame named by
 * console/ring-ref, read-only.  The bytes before out_prod are there
 * whether or not xenconsoled consumed them; out_cons is not trusted.
 */
static bool
read_console(int fd, struct xs_handle *xs, xenforeignmemory_handle *fm,
    unsigned domid)
{
	struct xencons_interface	*ring;
	char				 path[64], *ref, *end, tail[2048];
	xen_pfn_t			 pfn;
	uint32_t			 prod, n, i;
	unsigned int			 len;
	int				 err = 0;

	snprintf(path, sizeof path, "/local/domain/%u/console/ring-ref", domid);
	if (xs == NULL) {	/* errno: why */
		out(fd, "e console cannot connect to xenstore: %s",
		    strerror(errno));
		return false;
	}
	if ((ref = xs_read(xs, XBT_NULL, path, &len)) == NULL) {
		out(fd, "e console cannot read %s: %s", path, strerror(errno));
		return false;
	}
	errno = 0;
	pfn = strtoull(ref, &end, 10);
	if (ref[0] < '0' || ref[0] > '9' || *end != '\0' || errno != 0 ||
	    len > 20) {
		out(fd, "e console %s is not a frame number", path);
		free(ref);
		return false;
	}
	free(ref);
	if (fm == NULL) {	/* errno: why */
		out(fd, "e console cannot open foreign memory: %s",
		    strerror(errno));
		return false;
	}
	ring = xenforeignmemory_map(fm, domid, PROT_READ, 1, &pfn, &err);
	if (ring == NULL || err != 0) {
		out(fd, "e console cannot map frame %#" PRIx64 ": %s",
		    (uint64_t)pfn, strerror(fmem_errno(err)));
		if (ring != NULL)
			xenforeignmemory_unmap(fm, ring, 1);
		return false;
	}
	/* One read of the index: the guest may still write (another vCPU
	 * of a crashing guest), and the ring is copied once. */
	prod = *(volatile uint32_t *)&ring->out_prod;
	n = prod < sizeof tail ? prod : sizeof tail;
	for (i = 0; i < n; i++)
		tail[i] = ring->out[MASK_XENCONS_IDX(prod - n + i, ring->out)];
	xenforeignmemory_unmap(fm, ring, 1);
	out_lines(fd, 'c', tail, n, 4 * sizeof tail);
	return memmem(tail, n, PANIC_MARK, strlen(PANIC_MARK)) != NULL;
}

/*
 * The end of xenconsoled's log of NAME (guest-NAME.log in DIR), when it
 * writes one: none is no error.  A name that is no plain file name is
 * refused: the guest's toolstack chose it, it must not lead elsewhere.
 */
static bool
read_log(int fd, const char *dir, const char *name)
{
	char		 path[4096], *buf;
	struct stat	 st;
	ssize_t		 got;
	off_t		 from;
	int		 lfd;
	const char	*p;
	bool		 panic;

	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL) {
		out(fd, "e log the domain's name is no file name");
		return false;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/guest-%s.log", dir,
	    name) >= sizeof path) {
		out(fd, "e log the log's path is too long");
		return false;
	}
	lfd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (lfd == -1) {
		if (errno != ENOENT)
			out(fd, "e log cannot open %s: %s", path,
			    strerror(errno));
		return false;
	}
	if (fstat(lfd, &st) != 0 || !S_ISREG(st.st_mode)) {
		out(fd, "e log %s is not a regular file", path);
		close(lfd);
		return false;
	}
	from = st.st_size > LOG_TAIL_MAX ? st.st_size - LOG_TAIL_MAX : 0;
	if ((buf = malloc(LOG_TAIL_MAX)) == NULL) {
		close(lfd);
		return false;
	}
	got = pread(lfd, buf, LOG_TAIL_MAX, from);
	close(lfd);
	if (got < 0) {
		out(fd, "e log cannot read %s: %s", path, strerror(errno));
		free(buf);
		return false;
	}
	p = buf;
	/* Begun mid-line: from the next whole one. */
	if (from > 0 && (p = memchr(buf, '\n', (size_t)got)) != NULL)
		p++;
	else
		p = buf;
	out_lines(fd, 'l', p, (size_t)(buf + got - p), LOG_SAID_MAX);
	panic = memmem(p, (size_t)(buf + got - p), PANIC_MARK,
	    strlen(PANIC_MARK)) != NULL;
	free(buf);
	return panic;
}

/* Each vCPU's registers: PV from its context, PVH/HVM from its save
 * record, as a debugger reads them; the first one's page tables into
 * ROOT. */
static void
read_vcpus(int fd, xc_interface *xch, const xc_domaininfo_t *info,
    struct kmsg_root *root)
{
	vcpu_guest_context_any_t	 ctx;
	struct hvm_hw_cpu		 cpu;
	xc_vcpuinfo_t			 vi;
	unsigned			 v, nv, width = 8;
	uint64_t			 r[4];
	bool				 hvm;

	hvm = (info->flags & XEN_DOMINF_hvm_guest) != 0;
	nv = info->max_vcpu_id + 1;
	root->why = "no vCPU could be read";
	if (!hvm && xc_domain_get_guest_width(xch, info->domain, &width) != 0)
		width = 8;
	for (v = 0; v < nv && v < VCPUS_MAX; v++) {
		if (xc_vcpu_getinfo(xch, info->domain, v, &vi) != 0) {
			out(fd, "e vcpus vCPU %u: %s", v, strerror(errno));
			continue;
		}
		if (hvm) {
			if (xc_domain_hvm_getcontext_partial(xch,
			    info->domain, HVM_SAVE_CODE(CPU), (uint16_t)v,
			    &cpu, sizeof cpu) != 0) {
				out(fd, "e vcpus vCPU %u: %s", v,
				    strerror(errno));
				continue;
			}
			r[0] = cpu.rip;
			r[1] = cpu.rsp;
			r[2] = cpu.rflags;
			r[3] = cpu.cr3;
			if (root->why == NULL)
				;
			else if (!(cpu.cr0 & 0x80000000u) ||
			    !(cpu.msr_efer & 0x400u))	/* PG, LMA */
				root->why = "the vCPU is not in long mode";
			else if (cpu.cr4 & 0x1000u)	/* LA57 */
				root->why = "5-level paging is not read";
			else {
				root->frame = (cpu.cr3 &
				    0x000ffffffffff000ull) >> 12;
				root->why = NULL;
			}
		} else {
			if (xc_vcpu_getcontext(xch, info->domain, v, &ctx) !=
			    0) {
				out(fd, "e vcpus vCPU %u: %s", v,
				    strerror(errno));
				continue;
			}
			if (width == 4) {
				r[0] = ctx.x32.user_regs.eip;
				r[1] = ctx.x32.user_regs.esp;
				r[2] = ctx.x32.user_regs.eflags;
				r[3] = ctx.x32.ctrlreg[3];
				root->why = "a 32-bit guest's memory is not "
				    "read";
			} else {
				r[0] = ctx.x64.user_regs.rip;
				r[1] = ctx.x64.user_regs.rsp;
				r[2] = ctx.x64.user_regs.rflags;
				r[3] = ctx.x64.ctrlreg[3];
				/* A 64-bit PV guest's kernel page tables
				 * (ctrlreg[1] holds the user ones). */
				if (root->why != NULL && vi.online &&
				    r[3] >> 12 != 0) {
					root->frame = r[3] >> 12;
					root->why = NULL;
				}
			}
		}
		out(fd, "v %u %d %" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64,
		    v, vi.online ? 1 : 0, r[0], r[1], r[2], r[3]);
	}
	if (nv > VCPUS_MAX)
		out(fd, "e vcpus %u more vCPUs not read", nv - VCPUS_MAX);
}

/* The panic line from the kernel's log in the guest's memory. */
static void
read_kmsg(int fd, xenforeignmemory_handle *fm, unsigned domid,
    const struct kmsg_root *root)
{
	char	 line[4 * EVIDENCE_SUMMARY_MAX + 1], why[256];

	if (root->why != NULL) {
		out(fd, "e kmsg %s", root->why);
		return;
	}
	if (fm == NULL) {
		out(fd, "e kmsg cannot open foreign memory: %s",
		    strerror(errno));
		return;
	}
	if (kmsg_find(fm, domid, root->frame, line, sizeof line, why,
	    sizeof why) == 1)
		out(fd, "k %s", line);
	else
		out(fd, "e kmsg %s", why);
}

int
evidence_child_main(const struct spawn_req *req, int fd)
{
	xenforeignmemory_handle		*fm;
	struct xs_handle		*xs;
	xc_domaininfo_t			 info;
	xc_interface			*xch;
	struct kmsg_root		 root = { 0, NULL };
	int				 r, xs_err, fm_err;
	bool				 panic;

	if ((xch = hv_open()) == NULL) {
		out(fd, "e all cannot open the hypervisor: %s",
		    strerror(errno));
		return 1;
	}
	if ((r = hv_lookup(xch, req->domid, req->uuid, &info)) <= 0) {
		out(fd, "e all %s", r == 0 ? "the domain is gone" :
		    strerror(-r));
		hv_close(xch);
		return 1;
	}
	xs = xs_open(0);
	xs_err = errno;
	fm = xenforeignmemory_open(NULL, 0);
	fm_err = errno;
	/* Hypercalls first: a hung xenstore or map leaves them said. */
	read_vcpus(fd, xch, &info, &root);
	errno = xs == NULL ? xs_err : fm == NULL ? fm_err : 0;
	panic = read_console(fd, xs, fm, req->domid);
	if (req->too_long)
		out(fd, "e log the log's path is too long");
	else
		panic |= read_log(fd, req->log_dir, req->name);
	if (!panic) {
		errno = fm_err;
		read_kmsg(fd, fm, req->domid, &root);
	}
	if (fm != NULL)
		xenforeignmemory_close(fm);
	if (xs != NULL)
		xs_close(xs);
	hv_close(xch);
	return 0;
}
