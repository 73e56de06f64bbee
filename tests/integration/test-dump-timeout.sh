#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A dump that hangs is killed at its deadline, leaves no partial file, and
# the follow-up action still runs; meanwhile other crashes are handled.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; timeout = 10; max_parallel = 1; keep_free = "0"; };
defaults: { on_crash = "coredump-destroy"; };
domains = ( { match = "quick-*"; on_crash = "destroy"; } );
EOF2
h=$(simctl create hung --mem 8)
a=$(simctl create quick-a --mem 8)
b=$(simctl create quick-b --mem 8)
daemon_start
simctl delay domain_dumpcore 60
simctl crash "$h"
expect_log "started dump of hung" || fail "dump not started"
# Two more crashes while the dump hangs: handled at once.
simctl crash "$a"
simctl crash "$b"
expect_log "domain $a \(quick-a\): destroy done" 9 || fail "quick-a waited for the dump"
expect_log "domain $b \(quick-b\): destroy done" 9 || fail "quick-b waited for the dump"
grep -q "core dump failed" "$DAEMON_LOG" && fail "dump ended before quick-* were handled"
expect_log "passed its deadline, sending TERM" 20 || fail "no deadline"
expect_log "domain $h \(hung\): core dump failed: timeout.*continuing with destroy" 15 ||
	fail "timeout not reported"
expect_log "domain $h \(hung\): coredump-destroy finished with failures" 10 ||
	fail "follow-up did not run"
check_eq "$(count_history "xc_domain_destroy domid=$h ")" 1 "destroy after the timeout"
check_eq "$(ls -A "$T/dump" | wc -l)" 0 "files left in the dump directory"
daemon_stop
pass "hung dump"
