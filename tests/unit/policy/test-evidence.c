/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-evidence.c: guest text made safe, the line that says why, and
 * which of Xen's lines are about a domain.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

/* Hostile bytes: newline, a journal field, ANSI escapes, bad UTF-8. */
static void
test_escape_hostile(void **state)
{
	static const char	in[] = "a\nMESSAGE=forged\x1b[2J\xff\xfe\\b\r\n";
	char			out[256];
	size_t			n;

	(void)state;
	n = text_escape(in, sizeof in - 1, false, out, sizeof out);
	assert_string_equal(out,
	    "a\\x0aMESSAGE=forged\\x1b[2J\\xff\\xfe\\\\b\\x0d\\x0a");
	assert_int_equal(n, strlen(out));
	/* Lines kept: "\r\n" is one newline, a lone '\r' is escaped. */
	text_escape("x\r\ny\rz\n", 7, true, out, sizeof out);
	assert_string_equal(out, "x\ny\\x0dz\n");
	/* NUL bytes are data, not the end. */
	text_escape("a\0b", 3, true, out, sizeof out);
	assert_string_equal(out, "a\\x00b");
}

/* Cut before a whole escape, always terminated, never past OUTLEN. */
static void
test_escape_cut(void **state)
{
	char	out[8];

	(void)state;
	memset(out, 'Z', sizeof out);
	assert_int_equal(text_escape("abcd\x01", 5, true, out, 8), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(text_escape("abcdefghij", 10, true, out, 8), 7);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(text_escape("abc", 3, true, out, 0), 0);
	assert_int_equal(out[0], 'a');	/* untouched */
}

static void
check_panic(const char *text, const char *want)
{
	const char	*p;
	size_t		 n = 0;

	p = panic_line(text, &n);
	if (want == NULL) {
		assert_null(p);
		return;
	}
	assert_non_null(p);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(p, want, n);
}

/* The panic wins over the oops before it; time stamps go. */
static void
test_panic_after_oops(void **state)
{
	(void)state;
	check_panic("[    1.000000] BUG: kernel NULL pointer dereference, "
	    "address: 0000000000000000\n[    1.000100] Oops: 0002 [#1] SMP\n"
	    "[    1.000200] RIP: 0010:sysrq_handle_crash+0x16/0x20\n"
	    "[    1.100000] Kernel panic - not syncing: Fatal exception in "
	    "interrupt\n[    1.100001] Kernel Offset: disabled\n",
	    "Kernel panic - not syncing: Fatal exception in interrupt");
	check_panic("  Kernel panic - not syncing: sysrq triggered crash",
	    "Kernel panic - not syncing: sysrq triggered crash");
	/* A ring that wrapped in the middle of the time stamp (seen on a
	 * PVH guest under real Xen). */
	check_panic("12.454097] Kernel panic - not syncing: sysrq triggered "
	    "crash\n[   12.460000] Kernel Offset: disabled\n",
	    "Kernel panic - not syncing: sysrq triggered crash");
}

/* Without a panic: the last oops, BUG, GPF or bug check line. */
static void
test_other_reasons(void **state)
{
	(void)state;
	check_panic("[ 22.1] watchdog: BUG: soft lockup - CPU#0 stuck for "
	    "22s! [stress:99]\nModules linked in:\n",
	    "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [stress:99]");
	check_panic("x\n[ 3.0] general protection fault, probably for "
	    "non-canonical address 0xdead: 0000 [#1]\nCPU: 0\n",
	    "general protection fault, probably for non-canonical address "
	    "0xdead: 0000 [#1]");
	check_panic("*** STOP: 0x0000007E (0xC0000005,0x8A4F2B10)\n",
	    "*** STOP: 0x0000007E (0xC0000005,0x8A4F2B10)");
	check_panic("login: \nreboot: Power down\n", NULL);
	check_panic("", NULL);
	check_panic(NULL, NULL);
	check_panic("[ 1.0] \n", NULL);
}

/* The panic's caller from its trace, when the line itself is gone. */
static void
test_panic_caller(void **state)
{
	static const char trace[] = "it Not tainted 6.1.0-57-amd64 #1\n"
	    "[    7.349110] Call Trace:\n[    7.351907]  <TASK>\n"
	    "[    7.352350]  dump_stack_lvl+0x44/0x5c\n"
	    "[    7.352741]  panic+0x118/0x2f4\n"
	    "[    7.352780]  ? _printk+0x68/0x83\n"
	    "[    7.352806]  sysrq_handle_crash+0x16/0x20\n"
	    "[    7.352844]  __handle_sysrq.cold+0x44/0x11c\n"
	    "[    7.354760] Kernel Offset: disabled\n";
	const char	*p;
	size_t		 n = 0;

	(void)state;
	p = panic_caller(trace, &n);
	assert_non_null(p);
	assert_int_equal(n, strlen("sysrq_handle_crash+0x16/0x20"));
	assert_memory_equal(p, "sysrq_handle_crash+0x16/0x20", n);
	assert_null(panic_caller("panic+0x1/0x2\n? x+0x1/0x2\n"
	    "Kernel Offset: disabled\n", &n));
	assert_null(panic_caller("a\nb\n", &n));
	assert_null(panic_caller(NULL, &n));
	/* A line that names no panic: not a summary. */
	assert_null(panic_line(trace, &n));
	/* What is left after the panic's line and stack scrolled out. */
	assert_true(panic_seen(trace));
	assert_true(panic_seen("RIP: 0033:0x7f\n[ 8.1] Kernel Offset: 0x1e0 "
	    "from 0xffffffff81000000\n"));
	assert_true(panic_seen("x\n---[ end Kernel panic - not syncing: "
	    "Attempted to kill init! ]---\n"));
	assert_false(panic_seen("[ 8.1] Kernel Offset disabled\nlogin:\n"));
	assert_false(panic_seen(NULL));
}

/* The panic line in a guest's memory: printk's record text, with the
 * bytes around it that are no text; not the format, not the end marker. */
static void
test_kmsg_panic(void **state)
{
	static const char mem[] = "\x01\0\0\0\0\0\0\0"
	    "Kernel panic - not syncing: %s\n\0"
	    "---[ end Kernel panic - not syncing: old ]---\0"
	    "Kernel panic - not syncing: \0\0"
	    "\x17\x04\0\0\0\0\0\x80"
	    "Kernel panic - not syncing: VFS: Unable to mount root fs\0\0\0"
	    "Kernel panic - not syncing: a later one\0";
	const char	*p;
	size_t		 n = 0, at;

	(void)state;
	p = kmsg_panic(mem, sizeof mem - 1, sizeof mem - 1, 240, &n);
	assert_non_null(p);
	assert_int_equal(n, strlen("Kernel panic - not syncing: VFS: Unable "
	    "to mount root fs"));
	assert_memory_equal(p, "Kernel panic - not syncing: VFS: Unable to "
	    "mount root fs", n);
	/* MAX bounds the message, not the mark. */
	p = kmsg_panic(mem, sizeof mem - 1, sizeof mem - 1, 3, &n);
	assert_non_null(p);
	assert_int_equal(n, strlen("Kernel panic - not syncing: VFS"));
	/* A match from LIMIT on belongs to the next page's batch; the bytes
	 * after LIMIT still finish one that started before it. */
	p = memmem(mem, sizeof mem - 1, "syncing: VFS", 12);
	assert_non_null(p);
	at = (size_t)(p - mem) - strlen("Kernel panic - not ");
	assert_null(kmsg_panic(mem, sizeof mem - 1, at, 240, &n));
	p = kmsg_panic(mem, sizeof mem - 1, at + 1, 240, &n);
	assert_non_null(p);
	assert_int_equal(n, strlen("Kernel panic - not syncing: VFS: Unable "
	    "to mount root fs"));
	/* A line cut by the end of the memory read: what there is. */
	p = kmsg_panic(mem, at + 35, at + 35, 240, &n);
	assert_non_null(p);
	assert_int_equal(n, 35);
	assert_null(kmsg_panic("no panic here", 13, 13, 240, &n));
	/* The record's padding after the message, and panic()'s copy. */
	{
		static const char pad[] = "Kernel panic - not syncing: "
		    "sysrq triggered crashsh\xff\0\0xx\0sysrq triggered crash\0";
		const char	*msg = pad + 28;

		assert_int_equal(kmsg_confirm(pad, sizeof pad - 1,
		    sizeof pad - 1, msg, 23, 8), 21);
		/* The record itself (after its mark) is no copy. */
		assert_int_equal(kmsg_confirm(pad, 60, 60, msg, 23, 8), 0);
		assert_int_equal(kmsg_confirm("Kernel panic - not syncing: "
		    "sysrq triggered crashsh\0", 52, 52, msg, 23, 8), 0);
		/* A copy from LIMIT on (it starts at 57) is another
		 * batch's. */
		assert_int_equal(kmsg_confirm(pad, sizeof pad - 1, 57, msg,
		    23, 8), 0);
		assert_int_equal(kmsg_confirm(pad, sizeof pad - 1, 58, msg,
		    23, 8), 21);
	}
	assert_null(kmsg_panic("Kernel panic - not syncing: ", 28, 28, 240,
	    &n));
}

/* Xen's words about d7, not about d70, dom7 or d7x. */
static void
test_xenlog_names(void **state)
{
	static const struct {
		const char	*line;
		bool		 about7;
	} cases[] = {
		{ "(XEN) d7v0 Triple fault - invoking HVM shutdown action 1",
		  true },
		{ "(XEN) [  12.3] d7 crashed", true },
		{ "(XEN) Domain 7 (vcpu#0) crashed on cpu#1:", true },
		{ "(XEN) Watchdog timer fired for domain 7", true },
		{ "(XEN) d7: L1TF-vulnerable L1e", true },
		{ "(XEN) d70v0 Triple fault", false },
		{ "(XEN) Domain 70 (vcpu#0) crashed", false },
		{ "(XEN) dd7 d7x 0xd7 _d7", false },
		{ "(XEN) Dom0 7 d17", false },
		{ "d7", true },
		/* A guest's own words to Xen speak for that guest only. */
		{ "(d5) (XEN) d7v0 Triple fault", false },
		{ "(d7) Kernel panic - not syncing", true },
		{ "(d70) d7", false },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(xenlog_names(cases[i].line,
		    strlen(cases[i].line), 7), cases[i].about7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_hostile),
		cmocka_unit_test(test_escape_cut),
		cmocka_unit_test(test_panic_after_oops),
		cmocka_unit_test(test_other_reasons),
		cmocka_unit_test(test_panic_caller),
		cmocka_unit_test(test_kmsg_panic),
		cmocka_unit_test(test_xenlog_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
