#!/bin/bash
# A crash is acted on only once its record is on disk.  Killed just as
# the plan begins, with no journal to remember the alert by, the daemon
# must find the crash in its state file when it comes back: it resumes
# the plan where it stood, without a second alert or a second decision.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "coredump-destroy"; };
EOF2
d=$(simctl create victim --mem 16)
XCW_KILL_AT=plan-begun daemon_start
simctl crash "$d"
wait_for sh -c "! kill -0 $DAEMON_PID" || fail "not killed at plan-begun"
wait "$DAEMON_PID"
check_eq "$?" 137 "exit status at the kill point"
DAEMON_PID=""
check_eq "$(count_log "domain $d \(victim\) crashed")" 1 "crash alerts before the kill"
grep -q 'victim' "$T/state/state" || fail "the crash's record was not on disk when its plan began"

: >"$DAEMON_LOG"
daemon_start
expect_log "domain $d \(victim\): coredump-destroy done" 20 || fail "crash not handled after restart"
check_eq "$(count_log "domain $d \(victim\) crashed")" 0 "crash alerts after the restart"
check_eq "$(count_log "domain $d \(victim\): resuming coredump-destroy at its dump step")" 1 \
    "resumed at the dump"
check_eq "$(count_history "xc_domain_destroy domid=$d ")" 1 "destroys"
check_eq "$(ls "$T/dump" | grep -c '^victim-.*\.core$')" 1 "core files"
daemon_stop
pass "the record is on disk before the plan acts"
