#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon stopped while a restart command runs: the command finishes
# on its own, and the daemon started again neither runs it a second time
# nor alerts the crash again; it waits for the command it finds running,
# sees the guest under its name, and goes on with the plan.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
cat >"$T/slow-create.sh" <<SH
#!/bin/sh
sleep 2
"$CW_BIN/xensimctl" create "\$1" --mem 8 >/dev/null
echo "\$1" >>"\$(dirname "\$0")/created"
SH
chmod +x "$T/slow-create.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
restart: { command = [ "@T@/slow-create.sh", "%n" ]; };
defaults: { on_crash = "restart"; };
EOF2
d=$(simctl create slow --mem 8)
daemon_start
simctl crash "$d"
expect_log "started restart of slow" || fail "restart not started"
daemon_stop
: >"$DAEMON_LOG"
daemon_start
wait_for test -s "$T/created" || fail "the restart command never finished"
check_eq "$(cat "$T/created" 2>/dev/null)" "slow" "restart commands run"
check_eq "$(count_log 'crashed; (action|resuming)')" 0 "crash alerted again"
expect_log "domain $d \(slow\): resuming restart at its restart step" ||
	fail "the plan was not resumed"
expect_log "domain $d \(slow\): restart command started by the previous run; slow runs" ||
	fail "the running command was not recognised"
expect_log "domain $d \(slow\): restart done" || fail "incident not completed"
check_eq "$(count_history "xc_domain_destroy domid=$d ")" 1 "destroys"
daemon_stop
check_eq "$(wc -l <"$T/created")" 1 "restart commands run in all"
pass "stopped mid-restart"
