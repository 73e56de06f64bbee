#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A state file with the restart history of 40,000 domain names, nearly all
# restarted long ago: the daemon becomes ready, forgets what the longest
# restart.interval no longer counts, saves only what is left, and the
# restart rate limit still holds for the names that were kept.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
cat >"$T/recreate.sh" <<'SH'
#!/bin/sh
# stands in for "xl create"
"$CW_BIN/xensimctl" create "$1" --mem 8 >/dev/null || exit 1
echo "$1" >>"$T_DIR/created"
SH
chmod +x "$T/recreate.sh"
export T_DIR="$T"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
restart: { command = [ "@T@/recreate.sh", "%n" ]; burst = 2; interval = 600; fallback = "preserve"; };
defaults: { on_crash = "restart"; };
domains = ( { match = "long-*"; restart = { interval = 7200; }; } );
EOF2

# 40,000 names: old-* restarted a day ago, 5 long-* within their rule's
# longer interval only, 8 recent-* and "warm" (one restart left of its
# burst) and "hot" (its burst used up) within the default interval.
now=$(date +%s)
awk -v now="$now" 'BEGIN {
	print "version = 1;"
	print "incidents = ( );"
	print "restarts = ("
	for (i = 1; i <= 39985; i++)
		printf "{ name = \"old-%d\"; times = [ %dL, %dL ]; },\n", i,
		    now - 90000, now - 86400
	for (i = 1; i <= 5; i++)
		printf "{ name = \"long-%d\"; times = [ %dL, %dL ]; },\n", i,
		    now - 86400, now - 3000
	for (i = 1; i <= 8; i++)
		printf "{ name = \"recent-%d\"; times = [ %dL ]; },\n", i,
		    now - 100
	printf "{ name = \"warm\"; times = [ %dL, %dL ]; },\n", now - 5000,
	    now - 20
	printf "{ name = \"hot\"; times = [ %dL, %dL ]; }\n", now - 60,
	    now - 30
	print ");"
}' >"$T/state/state"
check_eq "$(grep -c 'name = ' "$T/state/state")" 40000 "names written"

hot=$(simctl create hot --mem 8)
warm=$(simctl create warm --mem 8)
"$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
expect_log 'watching [0-9]+ domains' 60 || fail "not ready with 40,000 names"

# "hot" used its burst before the daemon started.
simctl crash "$hot"
expect_log "\(hot\): 2 restarts within 600 s; not restarting again, falling back to preserve" 30 ||
	fail "the rate limit forgot a name kept in the state"
# "warm" has one restart left.
simctl crash "$warm"
wait_for grep -qx warm "$T/created" || fail "warm was not restarted"
wait_for grep -q 'name = "warm"' "$T/state/state" || fail "no save"
wait_for sh -c "! grep -q 'name = \"old-' '$T/state/state'" ||
	fail "restarts older than every interval were saved again"
daemon_stop

check_eq "$(grep -c 'name = "old-' "$T/state/state")" 0 "old names saved"
check_eq "$(grep -c 'name = "long-' "$T/state/state")" 5 \
    "names kept by a rule's longer interval"
check_eq "$(grep -c 'name = "recent-' "$T/state/state")" 8 "recent names"
check_eq "$(grep -c 'falling back' "$DAEMON_LOG")" 1 "suppression alerts"
check_eq "$(wc -l <"$T/created")" 1 "restarts run"
[ -e "$T/state/state.corrupt" ] && fail "the state was set aside"
pass "a long restart history loads, is pruned and still limits restarts"
