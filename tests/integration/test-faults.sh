#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The outside world failing: a destroy that fails twice then works, and
# xenstored going away and coming back.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "destroy"; };
EOF2
d=$(simctl create flaky --mem 8)
daemon_start
simctl fail domain_destroy EIO 2
simctl crash "$d"
# The toolstack's destroy says why in its own line, then fails.
expect_log "libxl: Domain $d:xc_domain_destroy failed: Input/output error" || fail "libxl's reason"
expect_log "destroy failed: libxenlight: FAIL \(attempt 1, retrying in 1 s\)" || fail "first failure"
expect_log "destroy failed: libxenlight: FAIL \(attempt 2, retrying in 2 s\)" || fail "second failure"
expect_log "domain $d \(flaky\): destroy done" 15 || fail "never destroyed"
check_eq "$(count_history "xc_domain_destroy domid=$d -> -EIO")" 2 "failed destroys"
check_eq "$(count_history "xc_domain_destroy domid=$d -> 0")" 1 "good destroys"

# xenstored stops: the daemon notices, reconnects, and handles what
# crashed meanwhile, once.
simctl xenstored stop
expect_log "xenstore connection lost" 15 || fail "loss not noticed"
d2=$(simctl create meanwhile --mem 8)
simctl crash "$d2"
sleep 1
simctl xenstored start
expect_log "xenstore connection restored" 30 || fail "no reconnect"
expect_log "domain $d2 \(meanwhile\): destroy done" 15 || fail "crash during outage"
# Dropped connections, too.
simctl drop-connections
d3=$(simctl create after-drop --mem 8)
sleep 0.5
simctl crash "$d3"
expect_log "domain $d3 \(after-drop\): destroy done" 20 || fail "after a dropped connection"
check_eq "$(count_history "xc_domain_destroy domid=$d2 ")" 1 "destroys of meanwhile"
check_eq "$(count_history "xc_domain_destroy domid=$d3 ")" 1 "destroys of after-drop"
daemon_stop
pass "faults"
