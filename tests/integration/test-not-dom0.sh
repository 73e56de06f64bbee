#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Not a Xen dom0: with the real Xen libraries on a host without
# /dev/xen/privcmd the daemon says so once and exits 3 at once (the unit
# does not restart on 3); with a hypervisor but no xenstored, it waits.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"

[ -x "$XCW_DAEMON" ] || fail "no daemon at $XCW_DAEMON: build it first"
if grep -qs control_d /proc/xen/capabilities || [ -e /dev/xen/privcmd ]; then
	fail "this host is a Xen dom0 (/dev/xen/privcmd exists): the test" \
	    "needs a host that is not"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/xcw-test.XXXXXX") || fail "mktemp"
trap 'rm -rf "$T"' EXIT
CONF="$T/crashwatch.conf"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
EOF2

# The real libraries, nothing pointing at a simulator.
(
	unset LD_LIBRARY_PATH LD_PRELOAD XENSTORED_PATH XENSIM_SOCKET LD_BIND_NOW
	exec timeout 20 "$XCW_DAEMON" -c "$CONF" >"$T/out" 2>"$T/err"
)
st=$?
[ "$st" -eq 124 ] && fail "the daemon was still running after 20 s"
check_eq "$st" 3 "exit status without a hypervisor ($(cat "$T/err"))"
env -u LD_LIBRARY_PATH ldd "$XCW_DAEMON" | grep -q "libxenctrl.*$CW_SIM_LIB" &&
	fail "the daemon is linked against the stand-in libraries"
msgs=$(grep -c '^xen-crashwatchd: ' "$T/err")
check_eq "$msgs" 1 "the daemon's messages ($(cat "$T/err"))"
grep '^xen-crashwatchd: ' "$T/err" | grep -q 'hypervisor interface' ||
	fail "the message does not name the hypervisor interface: $(cat "$T/err")"
grep '^xen-crashwatchd: ' "$T/err" | grep -q 'dom0' ||
	fail "the message does not mention dom0: $(cat "$T/err")"
grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/err" &&
	fail "the sanitizers reported a problem: $(cat "$T/err")"
[ -s "$T/out" ] && fail "output on stdout: $(cat "$T/out")"
[ -e "$T/state" ] && fail "the state directory was created"
[ -e "$T/dump" ] && fail "the dump directory was created"

# A hypervisor (the simulator's) whose xenstored is late: this is a dom0,
# so the daemon waits for xenstored instead of exiting, and handles the
# crash that happened meanwhile once xenstored is there.
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "destroy"; };
EOF2
d=$(simctl create early --mem 8)
simctl xenstored stop
"$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
expect_log 'waiting for xenstored: .*No such file or directory' ||
	fail "no message saying that it waits"
expect_log 'watching [0-9]+ domains' || fail "no first scan without xenstored"
simctl crash "$d"
sleep 1
check_eq "$(count_history "xc_domain_destroy")" 0 "acted without knowing the name"
kill -0 "$DAEMON_PID" || fail "the daemon exited while xenstored was late"
simctl xenstored start
expect_log "connected to xenstored, which answers now" 20 || fail "no reconnect"
expect_log "domain $d \(early\): destroy done" 10 || fail "crash not handled"
daemon_stop
check_eq "$(count_log 'waiting for xenstored')" 1 "lines saying that it waits"
pass "not a dom0: exit 3, one message; a late xenstored is waited for"
