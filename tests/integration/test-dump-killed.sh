#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon SIGKILLed in the middle of a dump: the dump child dies with
# it, the restarted daemon removes the partial file, reports it, and
# handles the crash once: one core file, one destroy.  Then killed just
# as a plan begins, before the dump, with no journal to remember the
# alert by: the crash's record must be on disk already, so that the next
# run resumes it without a second alert or a second decision.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "coredump-destroy"; };
EOF2
d=$(simctl create victim --mem 16)
daemon_start
simctl delay dumpcore 30
simctl crash "$d"
expect_log "started dump of victim" || fail "no dump"
wait_for sh -c "ls -A '$T/dump' | grep -q partial" || fail "no partial file while dumping"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
# The child must not outlive the daemon and finish the dump on its own.
wait_for sh -c "! pgrep -f '[x]en-crashwatchd -v -c $CONF'" ||
	fail "a dump child outlived the daemon"
ls -A "$T/dump" | grep -q partial || fail "expected the killed dump's partial file"

simctl delay dumpcore 0
: >"$DAEMON_LOG"
daemon_start
expect_log "removed .*\.partial, an unfinished core dump left by an earlier run" ||
	fail "partial not reported"
expect_log "domain $d \(victim\): coredump-destroy done" 20 || fail "crash not handled after restart"
sleep 1
check_eq "$(count_history "xc_domain_destroy domid=$d ")" 1 "destroys"
# Alerted once, by the first run: the second resumes without a new page.
check_eq "$(count_log "domain $d \(victim\) crashed")" 0 "crash alerts after the restart"
check_eq "$(count_log "domain $d \(victim\): resuming coredump-destroy at its dump step")" 1 \
    "resumed at the dump"
check_eq "$(ls -A "$T/dump" | grep -c partial)" 0 "partial files"
check_eq "$(ls "$T/dump" | grep -c '^victim-.*\.core$')" 1 "core files"
daemon_stop

d=$(simctl create early --mem 16)
: >"$DAEMON_LOG"
XCW_KILL_AT=plan-begun daemon_start
simctl crash "$d"
wait_for sh -c "! kill -0 $DAEMON_PID" || fail "not killed at plan-begun"
wait "$DAEMON_PID"
check_eq "$?" 137 "exit status at the kill point"
DAEMON_PID=""
check_eq "$(count_log "domain $d \(early\) crashed")" 1 "crash alerts before the kill"
grep -q '"early"' "$T/state/state" ||
	fail "the crash's record was not on disk when its plan began"
: >"$DAEMON_LOG"
daemon_start
expect_log "domain $d \(early\): coredump-destroy done" 20 || fail "early not handled after restart"
check_eq "$(count_log "domain $d \(early\) crashed")" 0 "crash alerts after the restart"
check_eq "$(count_log "domain $d \(early\): resuming coredump-destroy at its dump step")" 1 \
    "resumed before the dump"
check_eq "$(count_history "xc_domain_destroy domid=$d ")" 1 "destroys of early"
check_eq "$(ls "$T/dump" | grep -c '^early-.*\.core$')" 1 "core files of early"
daemon_stop
pass "killed mid-dump, and as the plan began"
