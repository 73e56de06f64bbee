#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 1,000 domains crash at once: each is handled exactly once, and each
# has its own incident and its own report.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "destroy"; };
domains = ( { match = "keep-*"; on_crash = "preserve"; } );
EOF2
N=500	# of each kind
simctl create-many $N storm --mem 8 >/dev/null || fail "create-many"
simctl create-many $N keep- --mem 8 >/dev/null || fail "create-many"
daemon_start
simctl history clear
s0=$SECONDS
simctl crash-every 1 >/dev/null || fail "crash-every"
expect_log "domain [0-9]+ \(storm-[0-9]+\) crashed" 10 ||
	fail "no crash of a storm-* domain reported"
n=0
while [ "$(count_log 'destroy done|preserve done')" -lt $((2 * N)) ] && [ $n -lt 1200 ]; do
	sleep 0.1
	n=$((n + 1))
done
sleep 1
check_eq "$(count_log 'destroy done|preserve done')" $((2 * N)) "incidents finished"
check_eq "$(count_log 'crashed; action')" $((2 * N)) "crash alerts"
check_eq "$(count_history 'xc_domain_destroy')" $N "destroys"
check_eq "$(simctl history | grep xc_domain_destroy | awk '{print $3}' | sort | uniq -d | wc -l)" 0 "domains destroyed twice"

# Rescans stay batched and coalesced, counted from one snapshot of the
# history (the figures do not depend on the machine's speed):
# - a rescan is a walk from domid 0 in batches of 1024, so with 1,001
#   domains each one is a single "first=0 max=1024" call;
# - rescans come from @releaseDomain, one per loop pass however many
#   arrived: the sim fired it once for the 200 crashes and once per
#   reaped domain (at most one per destroy), and the first firing of the
#   daemon's two watches may fall after the history was cleared;
#   besides those, the daemon rescans at most once a second on a timer
#   while domains are dying (s0..now in whole seconds, plus one);
# - apart from walks, only one-domain identity checks: one before each
#   destroy and one before each crash's evidence is read.
simctl history >"$T/history" || fail "history"
secs=$((SECONDS - s0 + 1))
calls=$(grep -c ' xc_domain_getinfolist ' "$T/history")
walks=$(grep -c ' xc_domain_getinfolist first=0 max=1024 ' "$T/history")
batches=$(((2 * N + 1 + 1023) / 1024))
destroys=$(grep -c ' xc_domain_destroy ' "$T/history")
events=$((2 + 1 + destroys))
echo "getinfolist calls: $calls; rescans: $walks (at most $events events + $secs timer rescans)"
[ "$walks" -le $((events + secs)) ] ||
	fail "$walks rescans for at most $events watch events in $secs s: not one per loop pass"
[ "$calls" -le $(((events + secs) * batches + destroys + 2 * N)) ] ||
	fail "$calls getinfolist calls: rescans are not batched by 1024"
daemon_stop
# Every report written, each its own incident, each finished.
ls "$T/state/incidents" >"$T/reports"
check_eq "$(grep -cE '^[0-9a-f]{32}\.json$' "$T/reports")" $((2 * N)) "report files"
check_eq "$(cd "$T/state/incidents" && jq -r .incident *.json | sort -u | wc -l)" \
    $((2 * N)) "distinct incident IDs in the reports"
check_eq "$(cd "$T/state/incidents" && jq -r .result *.json | sort | uniq -c |
    awk '{ print $2 "=" $1 }')" "ok=$((2 * N))" "results in the reports"
pass "$((2 * N)) crashes at once"
