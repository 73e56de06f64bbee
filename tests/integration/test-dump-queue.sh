#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Three crashes with dump.max_parallel = 1 are dumped one after another,
# and while they wait their turn the loop keeps handling other domains.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; max_parallel = 1; keep_free = "0"; };
defaults: { on_crash = "coredump-destroy"; };
domains = ( { match = "other-*"; on_crash = "destroy"; } );
EOF2
a=$(simctl create q-a --mem 8)
b=$(simctl create q-b --mem 8)
c=$(simctl create q-c --mem 8)
o=$(simctl create other-1 --mem 8)
daemon_start
simctl delay dumpcore 1
simctl crash "$a"; simctl crash "$b"; simctl crash "$c"
# Which one runs first depends on whose evidence was read first; the
# other two wait their turn.
wait_for sh -c "[ \$(grep -c 'core dump queued behind' '$DAEMON_LOG') -ge 2 ]" ||
	fail "not queued: $(grep -E 'queued|started dump' "$DAEMON_LOG")"
simctl crash "$o"
expect_log "domain $o \(other-1\): destroy done" 3 || fail "other domain waited for the dumps"
grep -q "core dumped" "$DAEMON_LOG" && fail "first dump finished too early for this test"
for n in q-a q-b q-c; do
	expect_log "\($n\): coredump-destroy done" 20 || fail "$n"
done
# One after another: each dump starts after the previous one ended.
grep -nE "started dump of|core dumped to" "$DAEMON_LOG" |
	sed -E 's/^([0-9]+):.*(started dump of|core dumped).*/\2/' | tr '\n' ',' >"$T/order"
check_eq "$(cat "$T/order")" "started dump of,core dumped,started dump of,core dumped,started dump of,core dumped," "dump order"
# The queued domains stayed crashed (not destroyed) until dumped.
for n in $(sed -n 's/.*(\(q-.\)): core dump queued behind.*/\1/p' "$DAEMON_LOG"); do
	grep -nE "\($n\): (core dumped|destroyed)" "$DAEMON_LOG" | head -1 |
	    grep -q "core dumped" || fail "$n destroyed before its dump"
done
check_eq "$(ls "$T/dump" | grep -c '\.core$')" 3 "core files"
daemon_stop
pass "dumps queue behind max_parallel"
