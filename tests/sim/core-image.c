/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core-image.c: the ELF core image the stand-in libxenguest streams.
 *
 * Layout (as libxenguest's xg_core.c, with the pfn table moved before
 * the pages so that size = .xen_pages offset + pages * 4096, and a PT_NOTE
 * program header so tools find the notes either way):
 *
 *	Elf64_Ehdr | Elf64_Phdr (PT_NOTE) | Elf64_Shdr[6] | .note.Xen |
 *	.xen_prstatus (zeroed) | .shstrtab | .xen_pfn | pad to 4 KiB |
 *	.xen_pages
 *
 * Page i is a function of (uuid, i) only: zero, random (incompressible)
 * or text-like (compressible) in the domain's proportions.  xorshift and
 * memcpy keep generation well above 2 GB/s.
 *
 * The pages go to the sink as libxenguest 4.17 hands them over: copied
 * into one buffer of DUMP_INCREMENT (4096) pages, 16 MiB, passed on when
 * full and once more for the rest (tools/libs/guest/xg_core.c:70-71,
 * 465, 873-888, 902).  The plain dump's cache dropping depends on that
 * size (xg-dumpcore.c), and so does the hand-over our sink sees.
 *
 * Pages take their class in runs of RUN_PAGES, as in a real guest, whose
 * zero pages are mostly never-touched or freed memory in runs rather than
 * lone pages.  Run r gets class (offset + 37 r) mod 100: 37 is prime to
 * 100, so every 100 runs hold each class exactly once and the shares are
 * exact, not only on average, even for small guests.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>
#include <xen/elfnote.h>
#include <xen/version.h>

#include "core-image.h"

#define PAGE		4096u
#define CHUNK_PAGES	256u		/* 1 MiB, for the headers */
#define DUMP_INCREMENT	4096u		/* pages per hand-over, xg_core.c:71 */
#define RUN_PAGES	16u		/* 64 KiB of one class */
#define PRSTATUS_SIZE	5168u		/* sizeof(vcpu_guest_context) x86_64 */

struct note_hdr {
	Elf64_Nhdr	 n;
	char		 name[4];	/* "Xen\0" */
};

struct header_desc {
	uint64_t	 magic, nr_vcpus, nr_pages, page_size;
};

struct version_desc {
	uint64_t			 major, minor;
	xen_extraversion_t		 extra;
	xen_compile_info_t		 compile;
	xen_capabilities_info_t		 caps;
	xen_changeset_info_t		 changeset;
	xen_platform_parameters_t	 platform;
	uint64_t			 pagesize;
};

static const char shstrtab[] =
    "\0.shstrtab\0.note.Xen\0.xen_prstatus\0.xen_pfn\0.xen_pages";
enum { S_NULL, S_SHSTRTAB, S_NOTE, S_PRSTATUS, S_PFN, S_PAGES, S_NUM };

struct layout {
	uint64_t	 notes_off, notes_len;
	uint64_t	 prstatus_off, prstatus_len;
	uint64_t	 strtab_off;
	uint64_t	 pfn_off, pfn_len;
	uint64_t	 pages_off;
};

static uint64_t
notes_size(void)
{
	return 4 * sizeof(struct note_hdr) + sizeof(struct header_desc) +
	    sizeof(struct version_desc) + sizeof(uint64_t);
}

static void
layout(const struct core_params *p, struct layout *l)
{
	l->notes_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) +
	    S_NUM * sizeof(Elf64_Shdr);
	l->notes_len = notes_size();
	l->prstatus_off = l->notes_off + l->notes_len;
	l->prstatus_len = (uint64_t)p->vcpus * PRSTATUS_SIZE;
	l->strtab_off = l->prstatus_off + l->prstatus_len;
	l->pfn_off = (l->strtab_off + sizeof(shstrtab) + 7) & ~7ull;
	l->pfn_len = p->pages * 8;
	l->pages_off = (l->pfn_off + l->pfn_len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

uint64_t
core_pages_offset(const struct core_params *p)
{
	struct layout l;

	layout(p, &l);
	return l.pages_off;
}

static uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t
seed_of(const uint8_t *uuid)
{
	uint64_t a, b;

	memcpy(&a, uuid, 8);
	memcpy(&b, uuid + 8, 8);
	return splitmix(a ^ splitmix(b));
}

static const char *const words[] = {
	"kernel: ", "systemd[1]: ", "Started ", "session ", "of user ",
	"root. ", "eth0: link up ", "EXT4-fs (xvda1): ", "mounted ",
	"filesystem ", "with ordered ", "data mode. ", "GET /index.html ",
	"HTTP/1.1 200 ", "lorem ipsum ", "dolor sit amet ",
};

/* One page of guest memory. */
static void
gen_page(uint64_t seed, uint64_t idx, const struct core_params *p, char *pg)
{
	uint64_t h = splitmix(seed ^ (idx * 0xd1342543de82ef95ull));
	unsigned cls = (unsigned)((seed % 100 + (idx / RUN_PAGES) * 37) % 100);
	uint64_t x, *w;
	size_t n, len, i;

	if (cls < p->zero_pct) {
		memset(pg, 0, PAGE);
		return;
	}
	if (cls < p->zero_pct + p->random_pct) {
		x = h | 1;
		w = (uint64_t *)(void *)pg;
		for (i = 0; i < PAGE / 8; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			w[i] = x;
		}
		return;
	}
	/* Text: a short log-like line, repeated to fill the page. */
	len = 0;
	for (i = 0; i < 6; i++) {
		const char *s = words[(h >> (i * 4)) & 15];

		n = strlen(s);
		memcpy(pg + len, s, n);
		len += n;
	}
	for (i = 0; i < 16; i++)
		pg[len++] = "0123456789abcdef"[(idx >> (i * 4)) & 15];
	pg[len++] = '\n';
	while (len < PAGE) {
		n = len < PAGE - len ? len : PAGE - len;
		memcpy(pg + len, pg, n);
		len += n;
	}
}

static void
build_headers(const struct core_params *p, const struct layout *l,
    Elf64_Ehdr *eh, Elf64_Phdr *ph, Elf64_Shdr *sh)
{
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_SYSV;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = sizeof(*eh) + sizeof(*ph);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = S_NUM;
	eh->e_shstrndx = S_SHSTRTAB;

	memset(ph, 0, sizeof(*ph));
	ph->p_type = PT_NOTE;
	ph->p_offset = l->notes_off;
	ph->p_filesz = l->notes_len;
	ph->p_align = 4;

	memset(sh, 0, S_NUM * sizeof(*sh));
	sh[S_SHSTRTAB].sh_name = 1;
	sh[S_SHSTRTAB].sh_type = SHT_STRTAB;
	sh[S_SHSTRTAB].sh_offset = l->strtab_off;
	sh[S_SHSTRTAB].sh_size = sizeof(shstrtab);
	sh[S_SHSTRTAB].sh_addralign = 1;
	sh[S_NOTE].sh_name = 11;
	sh[S_NOTE].sh_type = SHT_NOTE;
	sh[S_NOTE].sh_offset = l->notes_off;
	sh[S_NOTE].sh_size = l->notes_len;
	sh[S_NOTE].sh_addralign = 4;
	sh[S_PRSTATUS].sh_name = 21;
	sh[S_PRSTATUS].sh_type = SHT_PROGBITS;
	sh[S_PRSTATUS].sh_offset = l->prstatus_off;
	sh[S_PRSTATUS].sh_size = l->prstatus_len;
	sh[S_PRSTATUS].sh_entsize = PRSTATUS_SIZE;
	sh[S_PRSTATUS].sh_addralign = 8;
	sh[S_PFN].sh_name = 35;
	sh[S_PFN].sh_type = SHT_PROGBITS;
	sh[S_PFN].sh_offset = l->pfn_off;
	sh[S_PFN].sh_size = l->pfn_len;
	sh[S_PFN].sh_entsize = 8;
	sh[S_PFN].sh_addralign = 8;
	sh[S_PAGES].sh_name = 44;
	sh[S_PAGES].sh_type = SHT_PROGBITS;
	sh[S_PAGES].sh_offset = l->pages_off;
	sh[S_PAGES].sh_size = p->pages * PAGE;
	sh[S_PAGES].sh_entsize = PAGE;
	sh[S_PAGES].sh_addralign = PAGE;
}

static void
note(struct note_hdr *n, uint32_t type, size_t descsz)
{
	n->n.n_namesz = 4;
	n->n.n_descsz = (uint32_t)descsz;
	n->n.n_type = type;
	memcpy(n->name, "Xen", 4);
}

static void
sleep_for(double secs)
{
	struct timespec ts;

	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

#define EMIT(p, n) do {							\
	if ((rc = sink(arg, (char *)(p), (unsigned)(n))) != 0)		\
		goto out;						\
	*bytes += (n);							\
} while (0)

int
core_stream(const struct core_params *p, core_sink sink, void *arg,
    uint64_t *bytes)
{
	struct layout l;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	Elf64_Shdr sh[S_NUM];
	struct note_hdr nh;
	struct header_desc hd;
	struct version_desc *vd = NULL;
	uint64_t fmt = 1, seed, i, k, pos, n, *pfn;
	char *buf = NULL;
	int rc = 0;

	*bytes = 0;
	layout(p, &l);
	build_headers(p, &l, &eh, &ph, sh);
	seed = seed_of(p->uuid);
	n = p->pages < DUMP_INCREMENT ? p->pages : DUMP_INCREMENT;
	if (n < CHUNK_PAGES)
		n = CHUNK_PAGES;
	if ((buf = calloc(n, PAGE)) == NULL ||
	    (vd = calloc(1, sizeof(*vd))) == NULL) {
		rc = -1;
		errno = ENOMEM;
		goto out;
	}

	/* Headers in small pieces, as xg_core.c writes them. */
	EMIT(&eh, sizeof(eh));
	EMIT(&ph, sizeof(ph));
	EMIT(sh, sizeof(sh));
	note(&nh, XEN_ELFNOTE_DUMPCORE_NONE, 0);
	EMIT(&nh, sizeof(nh));
	note(&nh, XEN_ELFNOTE_DUMPCORE_HEADER, sizeof(hd));
	EMIT(&nh, sizeof(nh));
	hd.magic = XC_CORE_MAGIC;
	hd.nr_vcpus = p->vcpus;
	hd.nr_pages = p->pages;
	hd.page_size = PAGE;
	EMIT(&hd, sizeof(hd));
	note(&nh, XEN_ELFNOTE_DUMPCORE_XEN_VERSION, sizeof(*vd));
	EMIT(&nh, sizeof(nh));
	vd->major = 4;
	vd->minor = 17;
	strcpy(vd->extra, ".0-sim");
	strcpy(vd->compile.compiler, "xensim");
	strcpy(vd->caps, "xen-3.0-x86_64 hvm-3.0-x86_64");
	strcpy(vd->changeset, "simulated");
	vd->pagesize = PAGE;
	EMIT(vd, sizeof(*vd));
	note(&nh, XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION, sizeof(fmt));
	EMIT(&nh, sizeof(nh));
	EMIT(&fmt, sizeof(fmt));
	/* .xen_prstatus, .shstrtab, padding and .xen_pfn from zeroed buf. */
	for (pos = l.prstatus_off; pos < l.strtab_off; pos += n) {
		n = l.strtab_off - pos;
		if (n > CHUNK_PAGES * PAGE)
			n = CHUNK_PAGES * PAGE;
		EMIT(buf, n);
	}
	EMIT(shstrtab, sizeof(shstrtab));
	EMIT(buf, l.pfn_off - (l.strtab_off + sizeof(shstrtab)));
	pfn = (uint64_t *)(void *)buf;
	for (i = 0; i < p->pages; i += n) {
		n = p->pages - i;
		if (n > CHUNK_PAGES * PAGE / 8)
			n = CHUNK_PAGES * PAGE / 8;
		for (k = 0; k < n; k++)
			pfn[k] = i + k;
		EMIT(buf, n * 8);
	}
	memset(buf, 0, PAGE);
	EMIT(buf, l.pages_off - (l.pfn_off + l.pfn_len));

	if (p->delay > 0)
		sleep_for(p->delay);

	/* Pages, DUMP_INCREMENT at a time and then the rest. */
	for (i = 0; i < p->pages; i += n) {
		if (p->fail_err != 0 && i >= p->pages / 2) {
			rc = -1;
			errno = p->fail_err;
			goto out;
		}
		n = DUMP_INCREMENT;
		if (n > p->pages - i)
			n = p->pages - i;
		/* An injected fault strikes half way, even inside a batch. */
		if (p->fail_err != 0 && n > p->pages / 2 - i)
			n = p->pages / 2 - i;
		for (k = 0; k < n; k++)
			gen_page(seed, i + k, p, buf + k * PAGE);
		EMIT(buf, n * PAGE);
	}
	if (p->fail_err != 0) {
		rc = -1;
		errno = p->fail_err;
	}
out:
	free(buf);
	free(vd);
	return rc;
}
