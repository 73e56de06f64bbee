#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Restarts of more domain names than the state keeps (32768), all within
# the interval: those restarted longest ago are forgotten, with a word,
# so that the file stays bounded.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
restart: { interval = 86400; };
defaults: { on_crash = "preserve"; };
EOF2
# n-1 restarted longest ago, n-33000 last.
now=$(date +%s)
awk -v now="$now" 'BEGIN {
	print "version = 1;"
	print "incidents = ( );"
	print "restarts = ("
	for (i = 1; i <= 33000; i++)
		printf "{ name = \"n-%d\"; times = [ %dL ]; }%s\n", i,
		    now - 40000 + i, i < 33000 ? "," : ""
	print ");"
}' >"$T/state/state"
d=$(simctl create other --mem 8)
"$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
expect_log 'watching [0-9]+ domains' 60 || fail "not ready with 33,000 names"
expect_log "restarts of more than 32768 domain names; forgot those of the 232 restarted longest ago" ||
	fail "no word of names forgotten"
simctl crash "$d"
expect_log "domain $d \(other\): preserve done" || fail "crash"
wait_for grep -q other "$T/state/state" || fail "no save"
daemon_stop
check_eq "$(grep -c 'name = "n-' "$T/state/state")" 32768 "names saved"
grep -qx ' *name = "n-232";' "$T/state/state" && fail "n-232 kept"
grep -qx ' *name = "n-233";' "$T/state/state" || fail "n-233 forgotten"
pass "the names in the restart history are bounded"
