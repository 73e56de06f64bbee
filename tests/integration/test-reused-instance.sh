#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest whose configuration pins its domid and UUID is destroyed and
# created again while xenstored is down, and crashes again: no event
# told the daemon, and the next scan shows the same domid and UUID
# crashed as before.  Its CPU time went back, so it is a new instance,
# and its crash is a new crash, not one already handled.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "preserve"; };
EOF2
U=5b0e7d2c-1f4a-4c3b-9e8d-7a6b5c4d3e2f
D=42
# 512 vCPUs: its CPU time runs 512 times faster than the one-vCPU
# instance that replaces it, so the replacement's is lower whenever seen.
d=$(simctl create pinned --domid $D --uuid $U --vcpus 512 --mem 8) || fail "create"
check_eq "$d" "$D" "chosen domid"
daemon_start
sleep 1
simctl crash $D
expect_log "domain $D \(pinned\): preserve done" 20 || fail "first crash"

simctl xenstored stop
expect_log "xenstore connection lost" 15 || fail "loss not noticed"
simctl destroy $D
wait_for sh -c "! \"$CW_BIN/xensimctl\" list | awk '\$1 == $D' | grep -q ." ||
	fail "domain $D not gone"
d=$(simctl create pinned --domid $D --uuid $U --vcpus 1 --mem 8) ||
	fail "create again"
simctl crash $D
simctl xenstored start
expect_log "xenstore connection restored" 30 || fail "no reconnect"

_n=200
while [ "$(count_log "domain $D \(pinned\) crashed; action preserve")" -lt 2 ] &&
    [ $_n -gt 0 ]; do
	sleep 0.05
	_n=$((_n - 1))
done
check_eq "$(count_log "domain $D \(pinned\) crashed; action preserve")" 2 \
    "crash alerts for domid $D"
check_eq "$(count_history "xc_domain_destroy domid=$D ")" 0 "destroys by the daemon"
daemon_stop
pass "a reused domid and UUID is a new instance"
