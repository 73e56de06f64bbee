#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-scale.sh [N]: the daemon on a host of N simulated domains (default
# 10000).  Prints: time to the first full scan (names read once), memory
# (RSS) of the daemon, time to handle N/10 crashes that arrive at once,
# and how many getinfolist calls that took.  Figures only: fails only if
# a crash is missed or handled twice.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"
N=${1:-10000}
D="$CW_BIN/xen-crashwatchd"
[ -x "$D" ] || fail "no $D: build it first"

sim_start
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-scale.XXXXXX") || fail "mktemp"
trap 'kill -TERM $DPID 2>/dev/null; wait $DPID 2>/dev/null; rm -rf "$W"; sim_stop' EXIT
cat >"$W/c.conf" <<EOF2
state_dir = "$W/state";
dump: { directory = "$W/dump"; };
defaults: { on_crash = "preserve"; };
EOF2
simctl create-many "$N" g --mem 1 >/dev/null || fail "create-many"
ms() { date +%s%3N; }
t0=$(ms)
"$D" -c "$W/c.conf" >"$W/log" 2>&1 &
DPID=$!
i=0
while ! grep -q watching "$W/log"; do
	sleep 0.01; i=$((i + 1)); [ $i -gt 6000 ] && fail "no first scan"
done
t1=$(ms)
rss0=$(awk '/VmRSS/ { print $2 }' /proc/$DPID/status)
simctl history clear
k=$((N / 10))
t2=$(ms)
simctl crash-every 10 >/dev/null || fail "crash-every"
i=0
while [ "$(grep -c 'preserve done' "$W/log")" -lt "$k" ]; do
	sleep 0.05; i=$((i + 1)); [ $i -gt 2400 ] && fail "not all $k crashes handled"
done
t3=$(ms)
rss1=$(awk '/VmRSS/ { print $2 }' /proc/$DPID/status)
calls=$(simctl history | grep -c xc_domain_getinfolist)
handled=$(grep -c 'preserve done' "$W/log")
[ "$handled" -eq "$k" ] || fail "$handled crashes handled, expected $k"
printf 'scale benchmark: %d domains\n' "$N"
printf '  first scan (getinfolist + one name read each): %d ms\n' $((t1 - t0))
printf '  daemon RSS after the first scan: %d KiB (%.2f KiB per domain)\n' "$rss0" "$(awk -v a="$rss0" -v b="$N" 'BEGIN { print a / b }')"
printf '  %d crashes at once, all handled: %d ms (%.3f ms per crash)\n' "$k" $((t3 - t2)) "$(awk -v a=$((t3 - t2)) -v b="$k" 'BEGIN { print a / b }')"
printf '  getinfolist calls for them: %d (batches of 1024: %d per rescan)\n' "$calls" $(((N + 1023) / 1024))
printf '  daemon RSS after: %d KiB\n' "$rss1"
