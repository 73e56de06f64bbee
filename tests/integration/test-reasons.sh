#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash goes to on_crash, watchdog expiry to on_watchdog, and the other
# shutdown reasons are the toolstack's: never acted on.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "destroy"; on_watchdog = "preserve"; };
EOF2
c=$(simctl create crashy --mem 8)
w=$(simctl create dog --mem 8)
others=""
for r in poweroff reboot suspend soft_reset; do
	others="$others $(simctl create "q-$r" --mem 8)"
done
daemon_start
simctl crash "$c"
simctl watchdog "$w"
set -- $others
for r in poweroff reboot suspend soft_reset; do
	simctl shutdown "$1" "$r"
	shift
done
expect_log "domain $c \(crashy\): destroy done" || fail "crash not destroyed"
expect_log "domain $w \(dog\) was stopped by its watchdog; action preserve" ||
	fail "watchdog not told apart"
expect_log "domain $w \(dog\): preserve done" || fail "watchdog preserve"
# Give the other reasons time to be (wrongly) acted on, then check.
sleep 1
check_eq "$(count_history 'xc_domain_destroy')" 1 "destroy calls"
check_eq "$(count_history "xc_domain_destroy domid=$c ")" 1 "destroy of the crashed one"
check_eq "$(dom_state "$w")" "shutdown:watchdog" "watchdog domain kept"
for d in $others; do
	st=$(dom_state "$d")
	case "$st" in shutdown:*) ;; *) fail "domain $d: $st" ;; esac
	grep -q "domain $d (.*) crashed" "$DAEMON_LOG" && fail "acted on $d ($st)"
done
check_eq "$(count_log 'crashed; action')" 1 "crash alerts"
daemon_stop
pass "crash, watchdog and other reasons"
