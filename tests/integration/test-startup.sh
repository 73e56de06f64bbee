#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A crash that happened while the daemon was down is handled at start-up,
# and a crash handled with "preserve" is not handled again by the next
# daemon: the state file remembers it.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "preserve"; };
domains = ( { match = "gone-*"; on_crash = "destroy"; } );
EOF2
p=$(simctl create keep-1 --mem 8)
g=$(simctl create gone-1 --mem 8)
simctl crash "$p"
simctl crash "$g"
daemon_start
expect_log "domain $p \(keep-1\): preserve done" || fail "early crash not handled"
expect_log "domain $g \(gone-1\): destroy done" || fail "early crash not destroyed"
daemon_stop
[ -s "$T/state/state" ] || fail "no state file"
check_eq "$(stat -c %a "$T/state/state")" 600 "state file mode"
grep -q "keep-1" "$T/state/state" || fail "state does not record keep-1"

: >"$DAEMON_LOG"
daemon_start
sleep 1
simctl crash "$(simctl create later --mem 8)"
expect_log "\(later\): preserve done" || fail "new crash not handled"
check_eq "$(count_log "domain $p \(keep-1\) crashed")" 0 "keep-1 handled again"
check_eq "$(count_history "xc_domain_destroy domid=$g ")" 1 "destroys of gone-1"
daemon_stop
# The gone domain's record is dropped, the kept one stays.
grep -q "gone-1" "$T/state/state" && fail "record of a destroyed domain kept"
grep -q "keep-1" "$T/state/state" || fail "record of keep-1 lost"

# A corrupt state file is reported and treated as empty, never fatal.
echo 'incidents = ( { domid = "x" ' >"$T/state/state"
: >"$DAEMON_LOG"
daemon_start
expect_log "state file is corrupt" || fail "corrupt state not reported"
expect_log "domain $p \(keep-1\): preserve done" || fail "not handled after corrupt state"
daemon_stop
[ -f "$T/state/state.corrupt" ] || fail "corrupt state not kept aside"
pass "start-up crashes and exactly-once across restarts"
