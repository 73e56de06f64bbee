#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Started on a dom0 before xenstored answers: the socket is absent, so
# libxenstore falls back to the xenbus device, whose first request waits
# until xenstored answers (xensim's "xenstored stop xenbus").  The daemon
# says once that it waits for xenstored and what to check, says so in
# STATUS=, keeps its loop going (watchdog pings, TERM stops it with exit
# 0), and once xenstored answers it connects by itself, scans, and handles
# the crashes made while it waited and after.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
notify_listen
unset WATCHDOG_PID
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "destroy"; };
EOF2
WAITING='waiting for xenstored: .*xenbus device.*Check that xenstored'

count_notify() {
	grep -cxE -- "$1" "$T/notify.log"
}
# expect_notify_count REGEX N: wait until at least N messages match.
expect_notify_count() {
	_n=200
	while [ "$(count_notify "$1")" -lt "$2" ]; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || { cat "$T/notify.log" >&2; return 1; }
		sleep 0.05
	done
}

simctl xenstored stop xenbus || fail "cannot stop xenstored"
[ -c "$XENSTORED_PATH" ] || fail "no xenbus device at $XENSTORED_PATH"

# 1. Waiting for xenstored, then TERM.
WATCHDOG_USEC=1000000 "$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
expect_log "$WAITING" || fail "no line saying that it waits for xenstored"
expect_log 'watching [0-9]+ domains' || fail "no first scan while waiting"
expect_notify_count '^STATUS=waiting for xenstored; .*' 1 ||
	fail "STATUS= does not say that it waits for xenstored"
expect_notify_count 'READY=1' 1 || fail "no READY=1 while waiting"
# The loop runs: watchdog pings go on after the wait began.
w=$(count_notify 'WATCHDOG=1')
expect_notify_count 'WATCHDOG=1' $((w + 3)) || fail "no watchdog pings while waiting"
kill -TERM "$DAEMON_PID"
# Wait for it to end however long that takes; ctest's timeout is the limit.
wait "$DAEMON_PID"
st=$?
DAEMON_PID=""
check_eq "$st" 0 "exit status on TERM while waiting for xenstored"
grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DAEMON_LOG" &&
	{ cat "$DAEMON_LOG" >&2; fail "the sanitizers reported a problem"; }
expect_log 'stopping on SIGTERM' 1 || fail "TERM was not handled by the loop"
check_eq "$(count_log 'waiting for xenstored')" 1 "lines saying that it waits"

# 2. xenstored comes: the daemon connects, scans and handles crashes.
# A new device: the first run's unanswered request stays in the old one.
simctl xenstored start && simctl xenstored stop xenbus ||
	fail "cannot restart xenstored"
a=$(simctl create early --mem 8)
b=$(simctl create later --mem 8)
: >"$DAEMON_LOG"
"$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
expect_log "$WAITING" || fail "no line saying that it waits (second run)"
expect_log 'watching [0-9]+ domains' || fail "no first scan while waiting"
# Unseen until xenstored fires @releaseDomain: the watch's first event
# after connecting is a rescan that finds it.
simctl crash "$a"
simctl xenstored start || fail "cannot start xenstored"
expect_log 'connected to xenstored, which answers now' 20 ||
	fail "did not connect by itself"
expect_log "domain $a \(early\): destroy done" ||
	fail "the crash made while waiting was not handled"
simctl crash "$b"
expect_log "domain $b \(later\): destroy done" ||
	fail "a crash made after connecting was not handled"
expect_notify_count '^STATUS=[0-9]+ domains, .*' 1 ||
	fail "STATUS= still says that it waits"
daemon_stop
check_eq "$(count_log 'waiting for xenstored')" 1 "lines saying that it waits"
pass "waits for xenstored without blocking; TERM works; connects by itself"
