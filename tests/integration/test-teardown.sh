#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The default destroy is the toolstack's own (libxenlight's, through the
# stand-in): nothing of the crashed guest is left, not in xenstore, not a
# loop device.  Without libxenlight the daemon says so and keeps the
# hypercall; a failed teardown is retried; a domain libxenlight no longer
# finds counts as gone.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "destroy"; };
EOF2

loops() { ls "$SIM_DIR/loop" 2>/dev/null | wc -l; }

# A host with a guest already running, with its devices.
keep=$(simctl create keep --mem 16) || fail "create keep"
simctl devices "$keep" || fail "devices keep"
simctl ls / | sort >"$T/before"

guest=$(simctl create disk1 --mem 16) || fail "create disk1"
simctl devices "$guest" || fail "devices disk1"
check_eq "$(loops)" 2 "loop devices with both guests"
simctl read "/local/domain/0/backend/vbd/$guest/51712/state" >/dev/null ||
	fail "no vbd backend for disk1"
simctl read "/local/domain/0/backend/console/$guest/0/state" >/dev/null ||
	fail "no console backend for disk1"

daemon_start
simctl crash "$guest"
expect_log "domain $guest \(disk1\): destroying through libxenlight" 20 ||
	fail "the destroy did not go through libxenlight"
expect_log "domain $guest \(disk1\): destroy done" 20 || fail "destroy"
wait_for sh -c "! \"$CW_BIN/xensimctl\" list | awk '\$1 == $guest' | grep -q ." ||
	fail "disk1 is still there"
simctl ls / | sort >"$T/after"
diff -u "$T/before" "$T/after" >"$T/diff" ||
	fail "xenstore differs from before disk1 was created: $(cat "$T/diff")"
check_eq "$(loops)" 1 "loop devices left (keep's only)"
check_eq "$(count_history "^[0-9]+ libxl_domain_destroy domid=$guest -> 0")" 1 \
	"libxl_domain_destroy calls for disk1"
check_eq "$(count_history "^[0-9]+ libxl_teardown domid=$guest -> 0")" 1 \
	"teardowns of disk1"
check_eq "$(count_history "^[0-9]+ xc_domain_destroy domid=$guest -> 0")" 1 \
	"destroy hypercalls for disk1"
check_eq "$(count_history "domid=$keep ")" 0 "calls about keep"
pass "the default destroy leaves nothing"

# A teardown that fails is retried, and says why.
g2=$(simctl create retry1 --mem 16) || fail "create retry1"
simctl devices "$g2" || fail "devices retry1"
simctl fail libxl_domain_destroy EIO 1 || fail "inject"
simctl crash "$g2"
expect_log "domain $g2 \(retry1\): destroy failed: libxenlight: FAIL \(attempt 1, retrying in 1 s\)" 20 ||
	fail "no retry message"
expect_log "domain $g2 \(retry1\): destroy done" 20 || fail "retry1 not destroyed"
check_eq "$(count_history "^[0-9]+ libxl_domain_destroy domid=$g2 ")" 2 \
	"libxl_domain_destroy calls for retry1"
check_eq "$(count_history "^[0-9]+ xc_domain_destroy domid=$g2 -> 0")" 1 \
	"destroy hypercalls for retry1"
pass "a failed teardown is retried"

# libxenlight finds no such domain (it went between our check and its
# own): the operation ends inside the call; the destroy is "already gone".
g3=$(simctl create gone1 --mem 16) || fail "create gone1"
simctl fail libxl_domain_destroy ESRCH 1 || fail "inject"
simctl crash "$g3"
expect_log "domain $g3 \(gone1\): destroy done" 20 || fail "gone1"
grep -E "domain $g3 \(gone1\).*already gone" "$DAEMON_LOG" >/dev/null ||
	fail "gone1's destroy did not say 'already gone'"
pass "a domain libxenlight does not find is gone"

# Someone else destroys it while libxenlight tears it down: libxl then
# just fails; the domain is gone, and that is what is said, no retry.
g6=$(simctl create raced1 --mem 16) || fail "create raced1"
simctl delay libxl_teardown 1 || fail "delay"
simctl crash "$g6"
expect_log "domain $g6 \(raced1\): destroying through libxenlight" 10 ||
	fail "raced1: no destroy"
simctl destroy "$g6" || fail "the other destroy"
expect_log "domain $g6 \(raced1\): destroy done" 10 || fail "raced1 not done"
grep -E "domain $g6 \(raced1\).*already gone" "$DAEMON_LOG" >/dev/null ||
	fail "raced1's destroy did not say 'already gone'"
check_eq "$(count_log "domain $g6 \(raced1\): destroy failed")" 0 \
	"failures said for raced1"
simctl delay libxl_teardown 0 || fail "undelay"
pass "a domain destroyed by someone else meanwhile is gone, not failed"
daemon_stop

# Without libxenlight: said once, the hypercall destroys, backends stay
# (what destroy.command is for).
simctl libxl off || fail "libxl off"
g4=$(simctl create plain1 --mem 16) || fail "create plain1"
simctl devices "$g4" || fail "devices plain1"
: >"$DAEMON_LOG"
daemon_start
check_eq "$(count_log 'cannot use libxenlight .*; destroying with the hypercall')" 1 \
	"messages about libxenlight"
simctl crash "$g4"
expect_log "domain $g4 \(plain1\): destroy done" 20 || fail "plain1"
check_eq "$(count_history "^[0-9]+ libxl_domain_destroy domid=$g4 ")" 0 \
	"libxl_domain_destroy calls for plain1"
check_eq "$(count_history "^[0-9]+ xc_domain_destroy domid=$g4 -> 0")" 1 \
	"destroy hypercalls for plain1"
simctl read "/local/domain/0/backend/vbd/$g4/51712/state" >/dev/null ||
	fail "the hypercall path was expected to leave the vbd backend"
daemon_stop
pass "without libxenlight, the hypercall"

# Stopped while libxenlight's destroy is in flight: the stop waits for
# it (up to 15 s), so the teardown ends whole in this run.
simctl libxl on || fail "libxl on"
g6=$(simctl create drained1 --mem 16) || fail "create drained1"
simctl devices "$g6" || fail "devices drained1"
simctl delay domain_destroy 2 || fail "delay"
: >"$DAEMON_LOG"
daemon_start
simctl crash "$g6"
expect_history "libxl_teardown domid=$g6 -> 0" 10 ||
	fail "drained1: its teardown did not reach the hypercall"
kill -TERM "$DAEMON_PID"
expect_log "stopping: waiting up to 15 s for 0 commands and a teardown to end" 5 ||
	fail "drained1: no word of waiting for the teardown"
expect_log "domain $g6 \(drained1\): destroyed" 10 || fail "drained1: not destroyed while stopping"
wait "$DAEMON_PID" || fail "drained1: the daemon exited $?"
DAEMON_PID=""
simctl read "/local/domain/0/backend/vbd/$g6/51712/state" >/dev/null 2>&1 &&
	fail "drained1's vbd backend is left"

# Stopped at once (a second TERM) while libxenlight's destroy is in
# flight (its hypercall's child is slow; the daemon's loop is not held):
# the daemon exits cleanly without freeing what libxl still uses, the
# child dies with it, and the next run finishes the teardown.
g5=$(simctl create inflight1 --mem 16) || fail "create inflight1"
simctl devices "$g5" || fail "devices inflight1"
simctl delay domain_destroy 30 || fail "delay"
: >"$DAEMON_LOG"
daemon_start
simctl crash "$g5"
expect_history "libxl_teardown domid=$g5 -> 0" 10 ||
	fail "inflight1: its teardown did not reach the hypercall"
kill -TERM "$DAEMON_PID"
expect_log "stopping: waiting up to 15 s" 5 || fail "inflight1: no word of waiting"
daemon_stop
check_eq "$(count_log 'leaving 1 toolstack destroy\(s\) unfinished')" 1 \
	"destroys left in flight at the stop"
simctl delay domain_destroy 0 || fail "undelay"
daemon_start
wait_for sh -c "! \"$CW_BIN/xensimctl\" list | awk '\$1 == $g5' | grep -q ." ||
	fail "inflight1 is still there after the next run"
expect_log "domain $g5 \(inflight1\): destroy done" 10 ||
	fail "the next run did not finish inflight1's destroy"
simctl read "/local/domain/0/backend/vbd/$g5/51712/state" >/dev/null 2>&1 &&
	fail "inflight1's vbd backend is left"
daemon_stop
pass "a destroy in flight at a stop is finished by the next run"

# libxl's event handling breaks (a disaster): the daemon does not exit,
# as libxl would make it without a hook; the destroy under way ends
# failed and is retried by the hypercall, and so are later ones.
: >"$DAEMON_LOG"
daemon_start
g7=$(simctl create broken1 --mem 16) || fail "create broken1"
g8=$(simctl create broken2 --mem 16) || fail "create broken2"
simctl fail libxl_domain_destroy ENOTRECOVERABLE 1 || fail "inject"
simctl crash "$g7"
expect_log "libxenlight failed: simulated event handling failure: State not recoverable; destroying with the hypercall from now on" 10 ||
	fail "no disaster message"
expect_log "domain $g7 \(broken1\): destroy done" 15 || fail "broken1 not destroyed"
simctl crash "$g8"
expect_log "domain $g8 \(broken2\): destroy done" 15 || fail "broken2 not destroyed"
check_eq "$(count_history "^[0-9]+ libxl_domain_destroy domid=$g8 ")" 0 \
	"libxl_domain_destroy calls after the disaster"
check_eq "$(count_history "^[0-9]+ xc_domain_destroy domid=$g8 -> 0")" 1 \
	"destroy hypercalls for broken2"
daemon_stop
pass "a libxenlight disaster falls back to the hypercall"
