#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# restart.burst = 1 and two domains of one name crash together: both
# decisions come in one pass, and only the first may restart; the second
# falls back, because a restart counts from the moment it is decided.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
restart_standin
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 1; interval = 600; fallback = "preserve"; };
defaults: { on_crash = "restart"; };
EOF2
a=$(simctl create pair --mem 8) || fail "create a"
b=$(simctl create pair --mem 8) || fail "create b"
daemon_start
check_eq "$(simctl crash-every 1)" 2 "domains crashed"
expect_log "\(pair\): 1 restarts within 600 s; not restarting again, falling back to preserve \(was restart\)" 20 ||
	fail "no fallback for the second crash"
expect_log "\(pair\): restart done" 20 || fail "the first crash was not restarted"
expect_log "\(pair\): preserve done" 20 || fail "the second crash was not preserved"
check_eq "$(wc -l <"$T/restarted")" 1 "restart commands run"
check_eq "$(count_log 'falling back')" 1 "fallbacks"
check_eq "$(count_history 'xc_domain_destroy')" 1 "destroys"
# One of the two is kept, crashed, as the fallback says.
kept=0
for d in $a $b; do
	[ "$(dom_state "$d")" = shutdown:crash ] && kept=$((kept + 1))
done
check_eq "$kept" 1 "crashed domains preserved"
daemon_stop
pass "a burst of 1 restarts one of two crashes together"
