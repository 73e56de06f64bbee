#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sd_notify on a NOTIFY_SOCKET the test binds: READY=1 only once the
# first scan is done, STATUS= with counts, WATCHDOG=1 at half of
# WATCHDOG_USEC (and none without it), STOPPING=1 on TERM.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

notify_listen
unset WATCHDOG_PID

count_notify() {
	grep -cxE -- "$1" "$T/notify.log"
}
expect_notify() {
	_n=$(( ${2:-10} * 20 ))
	while [ "$_n" -gt 0 ]; do
		grep -qxE -- "$1" "$T/notify.log" && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	echo "--- notify messages ---" >&2
	cat "$T/notify.log" >&2
	echo "expected a message matching: $1" >&2
	return 1
}

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "destroy"; };
EOF2
id_a=$(simctl create a --mem 16) || fail "create a"
id_b=$(simctl create b --mem 16) || fail "create b"

# A slow first scan: READY=1 must wait for it.  The delay is long so
# that the check below runs while the scan is still held up, however
# slow the machine.
simctl delay xc_domain_getinfolist 8 || fail "cannot delay the scan"
export WATCHDOG_USEC=1000000
"$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
sleep 1
grep -q 'watching [0-9]* domains' "$DAEMON_LOG" &&
	fail "the first scan was not slowed down; the test proves nothing"
check_eq "$(count_notify 'READY=1')" 0 "READY=1 during the first scan"
simctl delay xc_domain_getinfolist 0
expect_notify 'READY=1' 20 || fail "no READY=1"
# The scan's line was written before READY=1 was sent.
grep -q 'watching 3 domains, 0 crashed' "$DAEMON_LOG" ||
	fail "READY=1 came before the first scan's result: $(cat "$DAEMON_LOG")"
check_eq "$(count_notify 'READY=1')" 1 "READY=1 messages at start"
expect_notify 'STATUS=3 domains, 0 being handled, 0 handled, 0 dumps running' 5 ||
	fail "no STATUS= after the first scan"

# The watchdog: every 0.5 s for WATCHDOG_USEC=1000000.  Six more pings
# come, and not sooner than five intervals: a slow machine can only make
# them later, so neither check depends on the load.
w0=$(count_notify 'WATCHDOG=1')
t0=$(date +%s%N)
_n=600
while [ "$(count_notify 'WATCHDOG=1')" -lt $((w0 + 6)) ]; do
	_n=$((_n - 1))
	[ $_n -gt 0 ] || fail "fewer than 6 WATCHDOG=1 pings in 30 s"
	sleep 0.05
done
t1=$(date +%s%N)
[ $(((t1 - t0) / 1000000)) -ge 2400 ] ||
	fail "6 WATCHDOG=1 pings in $(((t1 - t0) / 1000000)) ms: faster than every 0.5 s"

# STATUS= follows what happens.
simctl crash "$id_a"
expect_log "domain $id_a \(a\): destroy done" 10 || fail "a"
expect_notify 'STATUS=2 domains, 0 being handled, 1 handled, 0 dumps running' 5 ||
	fail "STATUS= does not count the handled crash"

check_eq "$(count_notify 'STOPPING=1')" 0 "STOPPING=1 before TERM"
daemon_stop
expect_notify 'STOPPING=1' 2 || fail "no STOPPING=1 on TERM"
check_eq "$(count_notify 'STOPPING=1')" 1 "STOPPING=1 messages"
# Nothing after STOPPING=1 announces readiness again.
tail -n +"$(grep -nx 'STOPPING=1' "$T/notify.log" | cut -d: -f1)" \
    "$T/notify.log" | grep -qx 'READY=1' && fail "READY=1 after STOPPING=1"

# Without WATCHDOG_USEC there are no pings.
unset WATCHDOG_USEC
: >"$T/notify.log"
: >"$DAEMON_LOG"
daemon_start
expect_notify 'READY=1' 5 || fail "no READY=1 on the second start"
sleep 1.5
check_eq "$(count_notify 'WATCHDOG=1')" 0 "pings without WATCHDOG_USEC"
daemon_stop
pass "sd_notify READY, STATUS, WATCHDOG and STOPPING"
