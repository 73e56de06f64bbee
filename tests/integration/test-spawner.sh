#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The spawning helper (spawner.c): the evidence reader and the destroy
# hypercall are its children, not the daemon's; it dies with the daemon;
# when it is killed the daemon says so once, forks its children itself,
# and every crash is still handled once.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
simctl libxl off >/dev/null	# the destroy by the hypercall, in a child
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "destroy"; };
EOF2
a=$(simctl create one --mem 8)
b=$(simctl create two --mem 8)
c=$(simctl create three --mem 8)
daemon_start
expect_log 'watching [0-9]+ domains' || fail "no first scan"

helper=$(pgrep -P "$DAEMON_PID" -x crashwatch-fork)
[ -n "$helper" ] || fail "no crashwatch-fork child of the daemon (pid $DAEMON_PID)"
check_eq "$(awk '/^PPid:/ { print $2 }' /proc/"$helper"/status)" \
    "$DAEMON_PID" "the helper's parent"

# Its children, not the daemon's: the "started" lines name their pids.
simctl crash "$a"
expect_log "domain $a \(one\): destroy done" || fail "one not destroyed"
pid=$(sed -n 's/.*started evidence of domain '"$a"', pid \([0-9]*\).*/\1/p' \
    "$DAEMON_LOG" | head -1)
[ -n "$pid" ] || fail "no pid said for the evidence of one"
check_eq "$(count_log 'the spawning helper .* failed')" 0 \
    "helper failures before it is killed"
check_eq "$(count_history "xc_domain_destroy domid=$a ")" 1 "destroys of one"

# Killed: said once, then the daemon forks; crashes are still handled.
kill -KILL "$helper"
simctl crash "$b"
expect_log "domain $b \(two\): destroy done" || fail "two not destroyed"
simctl crash "$c"
expect_log "domain $c \(three\): destroy done" || fail "three not destroyed"
check_eq "$(count_log 'the spawning helper \(pid '"$helper"'\) failed')" 1 \
    "helper failures said"
check_eq "$(count_history "xc_domain_destroy domid=$b ")" 1 "destroys of two"
check_eq "$(count_history "xc_domain_destroy domid=$c ")" 1 "destroys of three"
check_eq "$(count_log 'reaped unknown child')" 0 "children reaped by nobody's"

# A new daemon has a new helper, which goes when the daemon is killed.
daemon_stop
: >"$DAEMON_LOG"
daemon_start
expect_log 'watching [0-9]+ domains' || fail "no first scan after restart"
helper=$(pgrep -P "$DAEMON_PID" -x crashwatch-fork)
[ -n "$helper" ] || fail "no helper after the restart"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
n=0
while kill -0 "$helper" 2>/dev/null; do
	sleep 0.1
	n=$((n + 1))
	[ $n -lt 50 ] || fail "the helper (pid $helper) outlived the daemon by 5 s"
done
pass "spawning helper"
