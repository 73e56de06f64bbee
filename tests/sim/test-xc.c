/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-xc: a program linked against the real libxenctrl/libxenguest
 * (-Wl,-z,now), run on the stand-ins.
 *
 *	test-xc nosim		real libraries, no Xen: open must fail
 *	test-xc states		every state change seen through getinfolist
 *	test-xc faults		injected failures and delays, history
 *	test-xc fork		a handle used in a forked child aborts
 *	test-xc scale N		N domains, crash every tenth, one walk
 *	test-xc dump DIR	dumps: deterministic, sized, shares
 *	test-xc console		console rings, Xen's ring, vCPU registers
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

#include <sys/mman.h>

#include <xenctrl.h>
#include <xenguest.h>
#include <xenforeignmemory.h>
#include <xen/io/console.h>
#include <xen/hvm/save.h>

#include "test-util.h"

#define BATCH	1024

static xc_interface *xch;

static uint32_t
flags_of(unsigned domid, bool *found)
{
	xc_domaininfo_t info[BATCH];
	int n, i;

	n = xc_domain_getinfolist(xch, 0, BATCH, info);
	*found = false;
	if (!CHECK(n > 0, "getinfolist: %d %s", n, strerror(errno)))
		return 0;
	for (i = 0; i < n; i++)
		if (info[i].domain == domid) {
			*found = true;
			return info[i].flags;
		}
	*found = false;
	return 0;
}

static uint32_t
must_flags(unsigned domid)
{
	bool found;
	uint32_t f = flags_of(domid, &found);

	CHECK(found, "domain %u not listed", domid);
	return f;
}

static unsigned
code(uint32_t f)
{
	return (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
}

static unsigned
create(const char *args)
{
	return (unsigned)atoi(CTL("create %s", args));
}

static void
has_line(const char *hist, const char *want)
{
	CHECK(strstr(hist, want) != NULL, "history lacks '%s':\n%s", want,
	    hist);
}

/* Poll for what the simulator does on its own timers: a loaded machine
 * makes it late, never wrong, so only a generous deadline fails. */
static bool
wait_gone(unsigned domid)
{
	bool found = true;
	int i;

	for (i = 0; i < 1000 && found; i++) {
		(void)flags_of(domid, &found);
		if (found)
			usleep(10000);
	}
	return !found;
}

/* The history once it has a line containing WANT (or after 10 s). */
static const char *
wait_history(const char *want)
{
	const char *h = CTL("history");
	int i;

	for (i = 0; i < 1000 && strstr(h, want) == NULL; i++) {
		usleep(10000);
		h = CTL("history");
	}
	return h;
}

static int
test_nosim(void)
{
	/* The real library, no hypervisor: NULL, and it said why. */
	checks_begin("nosim");
	xch = xc_interface_open(NULL, NULL, 0);
	CHECK(xch == NULL, "the real xc_interface_open succeeded without Xen");
	printf("errno %d: %s\n", errno, strerror(errno));
	return checks_done();
}

static int
test_states(void)
{
	xc_domaininfo_t info[4];
	unsigned d, e, r;
	uint32_t f;
	char want[128];
	const char *h;
	static const char *reasons[] = { "poweroff", "reboot", "suspend",
	    "crash", "watchdog", "soft_reset" };

	checks_begin("states");
	REQUIRE((xch = xc_interface_open(NULL, NULL, 0)) != NULL, "open: %s",
	    strerror(errno));
	d = create("st1 --mem 32 --vcpus 2 --uuid "
	    "11111111-2222-4333-8444-555555555555");
	CHECK(xc_domain_getinfolist(xch, d, 1, info) == 1, "one");
	CHECK(info[0].domain == d && info[0].tot_pages == 32 * 256 &&
	    info[0].nr_online_vcpus == 2 && info[0].max_vcpu_id == 1,
	    "fields");
	CHECK(info[0].handle[0] == 0x11 && info[0].handle[15] == 0x55,
	    "uuid in handle");
	CHECK(!(info[0].flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying |
	    XEN_DOMINF_paused)), "running: 0x%x", info[0].flags);

	CHECK(xc_domain_pause(xch, d) == 0, "pause");
	CHECK(must_flags(d) & XEN_DOMINF_paused, "paused");
	CHECK(xc_domain_unpause(xch, d) == 0, "unpause");
	CHECK(!(must_flags(d) & XEN_DOMINF_paused), "unpaused");
	CTL("pause %u", d);
	CHECK(must_flags(d) & XEN_DOMINF_paused, "paused by ctl");
	CTL("unpause %u", d);

	CTL("crash %u", d);
	f = must_flags(d);
	CHECK((f & XEN_DOMINF_shutdown) && code(f) == SHUTDOWN_crash,
	    "crashed: 0x%x", f);
	CHECK(strstr(CTL("list"), "shutdown:crash") != NULL, "list crash");

	for (r = 0; r <= SHUTDOWN_MAX; r++) {
		e = create("st2 --mem 1");
		CTL("shutdown %u %s", e, reasons[r]);
		f = must_flags(e);
		CHECK((f & XEN_DOMINF_shutdown) && code(f) == r,
		    "reason %u: 0x%x", r, f);
		CTL("destroy %u", e);
	}
	e = create("st3 --mem 1");
	CTL("watchdog %u", e);
	CHECK(code(must_flags(e)) == SHUTDOWN_watchdog, "watchdog");
	e = create("st4 --mem 1");
	CHECK(xc_domain_shutdown(xch, e, SHUTDOWN_reboot) == 0, "shutdown");
	CHECK(code(must_flags(e)) == SHUTDOWN_reboot, "xc shutdown");

	/* Destroy: dying at once, gone later. */
	CTL("destroy-delay 300");
	CHECK(xc_domain_destroy(xch, d) == 0, "destroy");
	f = must_flags(d);
	CHECK(f & XEN_DOMINF_dying, "dying: 0x%x", f);
	CHECK(strstr(CTL("list"), "dying") != NULL, "list dying");
	CHECK(wait_gone(d), "domain %u still listed 10 s after destroy", d);
	CTL("destroy-delay 20");

	/* Unknown domains. */
	errno = 0;
	CHECK(xc_domain_destroy(xch, 4000) == -1 && errno == ESRCH,
	    "ESRCH: %s", strerror(errno));
	CHECK(xc_domain_pause(xch, 4000) == -1 && errno == ESRCH, "ESRCH");
	CHECK(xc_domain_getinfolist(xch, 30000, 10, info) == 0, "none past");

	/* Domids are not reused. */
	e = create("st5 --mem 1");
	CHECK(e > d, "domid %u after %u", e, d);

	h = CTL("history");
	snprintf(want, sizeof(want), " xc_domain_destroy domid=%u -> 0\n", d);
	has_line(h, want);
	has_line(h, " xc_domain_destroy domid=4000 -> -ESRCH\n");
	snprintf(want, sizeof(want), " xc_domain_pause domid=%u -> 0\n", d);
	has_line(h, want);
	has_line(h, " xc_domain_getinfolist first=0 max=1024 -> ");
	has_line(h, " xc_domain_getinfolist first=30000 max=10 -> 0\n");
	CHECK(strstr(h, "xc_domain_crash") == NULL, "ctl not recorded");
	CHECK(xc_interface_close(xch) == 0, "close");
	return checks_done();
}

static double
timed_destroy(unsigned d, int *rc, int *err)
{
	double t = mono_s();

	errno = 0;
	*rc = xc_domain_destroy(xch, d);
	*err = errno;
	return mono_s() - t;
}

static int
count_cb(xc_interface *x, void *arg, char *buf, unsigned int len)
{
	(void)x;
	(void)buf;
	*(unsigned long long *)arg += len;
	return 0;
}

/* The first bytes of a dump: tell the parent through the pipe, once. */
static int
signal_cb(xc_interface *x, void *arg, char *buf, unsigned int len)
{
	int *fd = arg;
	ssize_t n;

	(void)x;
	(void)buf;
	(void)len;
	if (*fd >= 0) {
		n = write(*fd, "b", 1);
		(void)n;
		close(*fd);
		*fd = -1;
	}
	return 0;
}

static int
test_faults(void)
{
	xc_domaininfo_t info[4];
	unsigned d, i;
	int rc, err, st, p[2];
	double t;
	unsigned long long bytes = 0;
	char want[128];
	const char *h;
	pid_t pid;

	checks_begin("faults");
	REQUIRE((xch = xc_interface_open(NULL, NULL, 0)) != NULL, "open");
	d = create("f1 --mem 4");

	CTL("fail destroy EIO");
	timed_destroy(d, &rc, &err);
	CHECK(rc == -1 && err == EIO, "fail destroy EIO: %d %s", rc,
	    strerror(err));
	CHECK(!(must_flags(d) & XEN_DOMINF_dying), "failed destroy acted");

	CTL("fail xc_domain_destroy EBUSY 2");
	for (i = 0; i < 2; i++) {
		timed_destroy(d, &rc, &err);
		CHECK(rc == -1 && err == EBUSY, "count 2: #%u", i);
	}
	CTL("fail domain_pause EPERM 0");
	for (i = 0; i < 3; i++)
		CHECK(xc_domain_pause(xch, d) == -1 && errno == EPERM,
		    "forever #%u", i);
	CTL("fail pause off");
	CHECK(xc_domain_pause(xch, d) == 0, "fail off");
	CTL("unpause %u", d);

	CTL("fail getinfolist EAGAIN");
	CHECK(xc_domain_getinfolist(xch, 0, 4, info) == -1 &&
	    errno == EAGAIN, "getinfolist fault");
	CHECK(xc_domain_getinfolist(xch, 0, 4, info) > 0, "once only");

	CTL("fail interface_open EACCES");
	CHECK(xc_interface_open(NULL, NULL, 0) == NULL && errno == EACCES,
	    "open fault");

	CTL("delay destroy 0.4");
	t = timed_destroy(d, &rc, &err);
	CHECK(rc == 0 && t >= 0.35, "delay destroy: %.3f s", t);
	CTL("delay destroy 0");

	/* Dumps. */
	d = create("f2 --mem 4");
	CTL("fail dumpcore EIO");
	rc = xc_domain_dumpcore_via_callback(xch, d, &bytes, count_cb);
	CHECK(rc < 0 && errno == EIO, "dump fault: %d %s", rc,
	    strerror(errno));
	CHECK(bytes > 4096 && bytes < 4ull << 20, "failed mid-stream: %llu",
	    bytes);
	CTL("delay dumpcore 0.5");
	t = mono_s();
	bytes = 0;
	rc = xc_domain_dumpcore_via_callback(xch, d, &bytes, count_cb);
	t = mono_s() - t;
	CHECK(rc == 0 && t >= 0.45, "delayed dump: rc %d, %.3f s", rc, t);
	CHECK(xc_domain_dumpcore(xch, 4000, "/dev/null") < 0 &&
	    errno == ESRCH, "dump of no domain");

	/* A dump killed half way is recorded as such.  The headers come
	 * before the delay: the child's first callback says the simulator
	 * has begun the dump, so the kill lands in the middle of it. */
	CTL("delay dumpcore 30");
	REQUIRE(pipe(p) == 0, "pipe");
	if ((pid = fork()) == 0) {
		xc_interface *c = xc_interface_open(NULL, NULL, 0);

		close(p[0]);
		if (c == NULL)
			_exit(3);
		(void)xc_domain_dumpcore_via_callback(c, d, &p[1], signal_cb);
		_exit(4);
	}
	close(p[1]);
	CHECK(read(p[0], &st, 1) == 1, "the dump child sent nothing");
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st), "dump child was not killed");
	CTL("delay dumpcore 0");

	snprintf(want, sizeof(want),
	    " xc_domain_dumpcore_via_callback domid=%u -> killed\n", d);
	h = wait_history(want);
	snprintf(want, sizeof(want), " xc_domain_destroy domid=%u -> -EIO\n",
	    d - 1);
	has_line(h, want);
	has_line(h, " -> -EBUSY\n");
	has_line(h, " xc_domain_pause domid=");
	has_line(h, " -> -EPERM\n");
	has_line(h, " xc_domain_getinfolist first=0 max=4 -> -EAGAIN\n");
	has_line(h, " xc_interface_open pid=");
	has_line(h, " -> -EACCES\n");
	snprintf(want, sizeof(want),
	    " xc_domain_dumpcore_via_callback domid=%u bytes=", d);
	has_line(h, want);
	has_line(h, " -> -EIO\n");
	snprintf(want, sizeof(want),
	    " xc_domain_dumpcore_via_callback domid=%u -> killed\n", d);
	has_line(h, want);
	has_line(h, " xc_domain_dumpcore domid=4000 -> -ESRCH\n");

	/* Lines are "<seq> <function> ..."; seq counts up. */
	CHECK(atoi(h) >= 1, "seq");
	CTL("history clear");
	CHECK(CTL("history")[0] == '\0', "history clear");

	/* Bad input to the control tool. */
	ctl_run(1, &st, "crash 9999 2>/dev/null");
	CHECK(st != 0, "crash of an unknown domain must fail");
	ctl_run(1, &st, "fail frobnicate EIO 2>/dev/null");
	CHECK(st != 0, "unknown op must fail");
	ctl_run(1, &st, "fail destroy ENOTANERRNO 2>/dev/null");
	CHECK(st != 0, "unknown errno must fail");
	ctl_run(1, &st, "create x --mem abc 2>/dev/null");
	CHECK(st != 0, "bad number must fail");
	ctl_run(1, &st, "nosuchcommand 2>/dev/null");
	CHECK(st != 0, "unknown command must fail");
	xc_interface_close(xch);
	return checks_done();
}

static int
test_fork(void)
{
	xc_domaininfo_t info[4];
	int p[2], st;
	char buf[512] = "";
	ssize_t n;
	pid_t pid;

	checks_begin("fork");
	REQUIRE((xch = xc_interface_open(NULL, NULL, 0)) != NULL, "open");
	REQUIRE(pipe(p) == 0, "pipe");
	if ((pid = fork()) == 0) {
		dup2(p[1], 2);
		(void)xc_domain_getinfolist(xch, 0, 4, info);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
	    "child should abort, status 0x%x", st);
	CHECK(strstr(buf, "xensim: xc handle used after fork") != NULL,
	    "message: %s", buf);
	/* The parent's handle still works. */
	CHECK(xc_domain_getinfolist(xch, 0, 4, info) >= 1, "parent");
	xc_interface_close(xch);
	return checks_done();
}

/*
 * The walk's calls, from the history: every one but the last returned a
 * full batch, so N domains took N / BATCH + 1 calls (the last short or
 * empty), each starting past the one before.
 */
static void
check_walk_calls(unsigned ndoms)
{
	const char *h = CTL("history"), *l, *next;
	unsigned long seq, first, max, prev = 0;
	unsigned calls = 0, want = ndoms / BATCH + 1, got;

	for (l = h; l != NULL && *l != '\0'; l = next) {
		if ((next = strchr(l, '\n')) != NULL)
			next++;
		if (sscanf(l, "%lu xc_domain_getinfolist first=%lu max=%lu "
		    "-> %u", &seq, &first, &max, &got) != 4)
			continue;
		calls++;
		CHECK(max == BATCH, "call %u asked for %lu domains", calls,
		    max);
		CHECK(calls == 1 || first > prev, "call %u starts at %lu, "
		    "after %lu", calls, first, prev);
		CHECK(calls == want ? got < BATCH : got == BATCH,
		    "call %u of %u returned %u", calls, want, got);
		prev = first;
	}
	CHECK(calls == want, "%u getinfolist calls for %u domains, want %u",
	    calls, ndoms, want);
}

static int
test_scale(unsigned n)
{
	static xc_domaininfo_t info[BATCH];
	unsigned first = 0, total = 0, crashed = 0, idx = 0;
	unsigned domid;
	int got, i;
	bool want;

	checks_begin("scale");
	REQUIRE((xch = xc_interface_open(NULL, NULL, 0)) != NULL, "open");
	CTL("create-many %u s --mem 1 >/dev/null", n);
	CHECK(atoi(CTL("crash-every 10")) == (int)(n / 10), "crash-every");

	CTL("history clear");
	for (;;) {
		got = xc_domain_getinfolist(xch, first, BATCH, info);
		if (!CHECK(got >= 0, "getinfolist: %s", strerror(errno)))
			break;
		if (got == 0)
			break;
		for (i = 0; i < got; i++) {
			domid = info[i].domain;
			if (domid != 0) {
				idx++;
				want = idx % 10 == 0;
				CHECK(want == !!(info[i].flags &
				    XEN_DOMINF_shutdown), "domain %u flags 0x%x",
				    domid, info[i].flags);
				if (want) {
					CHECK(code(info[i].flags) ==
					    SHUTDOWN_crash, "code");
					crashed++;
				}
			}
		}
		total += (unsigned)got;
		first = info[got - 1].domain + 1;
		if (got < BATCH)
			break;
	}
	CHECK(total == n + 1, "walk saw %u of %u", total, n + 1);
	CHECK(crashed == n / 10, "crashed %u", crashed);
	check_walk_calls(n + 1);
	xc_interface_close(xch);
	return checks_done();
}

/* Check the file's layout and page shares. */
static void
check_core(const char *path, unsigned long long pages, unsigned zero_pct,
    unsigned random_pct)
{
	static char pg[4096];
	unsigned long long i, zero = 0, random = 0, pages_off = 0;
	Elf64_Ehdr eh;
	Elf64_Shdr sh[16];
	char strtab[256];
	struct stat sb;
	unsigned k;
	int fd;

	if (!CHECK((fd = open(path, O_RDONLY)) >= 0, "open %s", path))
		return;
	/* The rest reads through the headers: stop at the first bad one. */
	if (!CHECK(fstat(fd, &sb) == 0, "stat") ||
	    !CHECK(pread(fd, &eh, sizeof(eh), 0) == sizeof(eh), "ehdr") ||
	    !CHECK(memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh.e_type == ET_CORE && eh.e_shnum <= 16 &&
	    eh.e_shstrndx < eh.e_shnum, "ELF core") ||
	    !CHECK(pread(fd, sh, eh.e_shnum * sizeof(sh[0]),
	    (off_t)eh.e_shoff) == (ssize_t)(eh.e_shnum * sizeof(sh[0])),
	    "shdrs") ||
	    !CHECK(pread(fd, strtab, sizeof(strtab) - 1,
	    (off_t)sh[eh.e_shstrndx].sh_offset) > 0, "strtab")) {
		close(fd);
		return;
	}
	strtab[sizeof(strtab) - 1] = '\0';
	for (k = 0; k < eh.e_shnum; k++)
		if (strcmp(strtab + sh[k].sh_name, ".xen_pages") == 0) {
			pages_off = sh[k].sh_offset;
			CHECK(sh[k].sh_size == pages * 4096, ".xen_pages size");
		}
	CHECK(pages_off > 0 && pages_off % 4096 == 0, ".xen_pages offset");
	CHECK((unsigned long long)sb.st_size == pages_off + pages * 4096,
	    "size %lld != %llu + %llu * 4096", (long long)sb.st_size,
	    pages_off, pages);
	for (i = 0; i < pages; i++) {
		if (pread(fd, pg, sizeof(pg), (off_t)(pages_off + i * 4096)) !=
		    sizeof(pg))
			break;
		for (k = 0; k < sizeof(pg) && pg[k] == 0; k++)
			;
		if (k == sizeof(pg))
			zero++;
		else {
			/* Text pages are printable through and through. */
			for (k = 0; k < sizeof(pg) && (pg[k] == '\n' ||
			    (pg[k] >= 0x20 && pg[k] < 0x7f)); k++)
				;
			if (k < sizeof(pg))
				random++;
		}
	}
	close(fd);
	CHECK(i == pages, "page %llu of %llu cannot be read", i, pages);
	printf("%s: %llu pages, %llu%% zero, %llu%% random\n", path, pages,
	    zero * 100 / pages, random * 100 / pages);
	CHECK(zero * 100 / pages + 3 >= zero_pct &&
	    zero * 100 / pages <= zero_pct + 3, "zero share");
	CHECK(random * 100 / pages + 3 >= random_pct &&
	    random * 100 / pages <= random_pct + 3, "random share");
}

struct compare {
	int	fd;
	off_t	off;
	bool	same;
};

/* Compare a dump's stream with a file, chunk by chunk. */
static int
compare_cb(xc_interface *x, void *arg, char *buf, unsigned int len)
{
	static char file[1 << 20];
	struct compare *c = arg;
	unsigned int n;

	(void)x;
	while (c->same && len > 0) {
		n = len < sizeof(file) ? len : sizeof(file);
		if (pread(c->fd, file, n, c->off) != (ssize_t)n ||
		    memcmp(file, buf, n) != 0) {
			c->same = false;
			break;
		}
		c->off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int
test_dump(const char *dir)
{
	struct compare cmp = { .same = true };
	char a[512], b[512];
	struct stat sb;
	unsigned d;
	int rc;

	checks_begin("dump");
	REQUIRE((xch = xc_interface_open(NULL, NULL, 0)) != NULL, "open");
	d = create("dumpme --mem 64 --zero-pct 30 --random-pct 20 --uuid "
	    "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
	snprintf(a, sizeof(a), "%s/a.core", dir);
	snprintf(b, sizeof(b), "%s/b.core", dir);
	CHECK(xc_domain_dumpcore(xch, d, a) == 0, "dump a: %s",
	    strerror(errno));
	CTL("crash %u", d);
	CHECK(xc_domain_dumpcore(xch, d, b) == 0, "dump b (crashed)");
	check_core(a, 64 * 256, 30, 20);
	/* The callback gets the very bytes the file got.  (How fast they
	 * come is a figure for "make bench", not a check.) */
	REQUIRE((cmp.fd = open(a, O_RDONLY)) >= 0, "open %s", a);
	CHECK(fstat(cmp.fd, &sb) == 0, "stat %s", a);
	rc = xc_domain_dumpcore_via_callback(xch, d, &cmp, compare_cb);
	CHECK(rc == 0, "callback dump: %d %s", rc, strerror(errno));
	CHECK(cmp.same && cmp.off == sb.st_size, "the callback's %lld bytes "
	    "%s %s (%lld bytes)", (long long)cmp.off, cmp.same ? "end early "
	    "in" : "differ from", a, (long long)sb.st_size);
	close(cmp.fd);
	xc_interface_close(xch);
	return checks_done();
}

/* The console page of D as a reader maps it, or NULL. */
static struct xencons_interface *
map_console(xenforeignmemory_handle *fm, unsigned d, int *err)
{
	const char *ref = CTL("read /local/domain/%u/console/ring-ref", d);
	xen_pfn_t pfn = strtoull(ref, NULL, 10);

	*err = 0;
	return xenforeignmemory_map(fm, d, PROT_READ, 1, &pfn, err);
}

static int
test_console(void)
{
	xenforeignmemory_handle *fm;
	struct xencons_interface *c;
	vcpu_guest_context_any_t ctx;
	struct hvm_hw_cpu cpu;
	xc_vcpuinfo_t vi;
	char buf[65536], oops[2100], tail[64];
	unsigned d, h, n, width;
	uint32_t idx = 0;
	xen_pfn_t bad = 1;
	int err;

	checks_begin("console");
	REQUIRE((xch = xc_interface_open(NULL, NULL, 0)) != NULL, "open");
	REQUIRE((fm = xenforeignmemory_open(NULL, 0)) != NULL, "fmem open");
	d = create("pv --vcpus 2 --offline-vcpus 1");
	h = create("pvh --hvm");

	/* A fresh ring reads as zeros; text lands before out_prod,
	 * wrapping; xenconsoled's consumption does not hide it. */
	c = map_console(fm, d, &err);
	REQUIRE(c != NULL, "map: %s", strerror(errno));
	CHECK(c->out_prod == 0 && c->out[0] == '\0', "fresh ring");
	xenforeignmemory_unmap(fm, c, 1);
	memset(oops, 'x', sizeof(oops) - 1);
	oops[sizeof(oops) - 1] = '\0';
	CTL("console %u %s", d, oops);
	CTL("console %u 'Kernel panic - not syncing: test\n'", d);
	c = map_console(fm, d, &err);
	REQUIRE(c != NULL, "map again");
	n = sizeof(oops) - 1 + 33;
	CHECK(c->out_prod == n && c->out_cons == n, "indexes %u %u, want %u",
	    c->out_prod, c->out_cons, n);
	for (width = 0; width < 33; width++)
		tail[width] = c->out[MASK_XENCONS_IDX(n - 33 + width, c->out)];
	tail[33] = '\0';
	CHECK(strcmp(tail, "Kernel panic - not syncing: test\n") == 0,
	    "ring tail '%s'", tail);
	xenforeignmemory_unmap(fm, c, 1);
	CTL("console-index %u 4000000000 7", d);
	c = map_console(fm, d, &err);
	CHECK(c != NULL && c->out_prod == 4000000000u && c->out_cons == 7,
	    "garbage indexes");
	if (c != NULL)
		xenforeignmemory_unmap(fm, c, 1);
	/* A frame that is not the console's, and an injected failure. */
	CHECK(xenforeignmemory_map(fm, d, PROT_READ, 1, &bad, NULL) == NULL &&
	    errno == EFAULT, "other frame: errno %d", errno);
	CTL("fail xenforeignmemory_map EPERM");
	CHECK(map_console(fm, d, &err) != NULL && err == -EPERM,
	    "injected: err %d", err);

	/* Xen's ring: each byte once when read incrementally. */
	CTL("xen-log '(XEN) d1 first'");
	n = sizeof(buf);
	REQUIRE(xc_readconsolering(xch, buf, &n, 0, 1, &idx) == 0, "read");
	CHECK(n > 0 && memmem(buf, n, "d1 first\n", 9) != NULL, "first");
	CTL("xen-log '(XEN) d2v0 second'");
	n = sizeof(buf);
	REQUIRE(xc_readconsolering(xch, buf, &n, 0, 1, &idx) == 0, "again");
	CHECK(n == 18 && memcmp(buf, "(XEN) d2v0 second\n", 18) == 0,
	    "only the new line: %u '%.*s'", n, (int)n, buf);

	/* vCPUs: PV context, online flags, the HVM record for HVM only. */
	CHECK(xc_domain_get_guest_width(xch, d, &width) == 0 && width == 8,
	    "width");
	CHECK(xc_vcpu_getcontext(xch, d, 1, &ctx) == 0 &&
	    ctx.x64.user_regs.rip == 0xffffffff81000000ull + d * 0x1000 + 0x10,
	    "rip of vcpu 1");
	CHECK(xc_vcpu_getinfo(xch, d, 0, &vi) == 0 && vi.online, "vcpu 0");
	CHECK(xc_vcpu_getinfo(xch, d, 1, &vi) == 0 && !vi.online, "vcpu 1");
	CHECK(xc_vcpu_getcontext(xch, d, 2, &ctx) != 0 && errno == EINVAL,
	    "no vcpu 2");
	CHECK(xc_domain_hvm_getcontext_partial(xch, d, HVM_SAVE_CODE(CPU), 0,
	    &cpu, sizeof(cpu)) != 0, "PV has no HVM record");
	CHECK(xc_domain_hvm_getcontext_partial(xch, h, HVM_SAVE_CODE(CPU), 0,
	    &cpu, sizeof(cpu)) == 0 && cpu.rip != 0 && cpu.cr3 != 0, "HVM");
	has_line(CTL("history"), "xc_domain_hvm_getcontext_partial domid=");
	xenforeignmemory_close(fm);
	xc_interface_close(xch);
	return checks_done();
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "nosim") == 0)
		return test_nosim();
	if (argc >= 2 && strcmp(argv[1], "states") == 0)
		return test_states();
	if (argc >= 2 && strcmp(argv[1], "faults") == 0)
		return test_faults();
	if (argc >= 2 && strcmp(argv[1], "fork") == 0)
		return test_fork();
	if (argc >= 3 && strcmp(argv[1], "scale") == 0)
		return test_scale((unsigned)atoi(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "dump") == 0)
		return test_dump(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "console") == 0)
		return test_console();
	fprintf(stderr, "usage: test-xc nosim|states|faults|fork|"
	    "scale N|dump DIR|console\n");
	return 2;
}
