#!/bin/bash
# run-storm.sh [N] [ACTION]: N simulated guests (default 2000) crash at
# once under ACTION (default destroy).  The daemon is asked for a watchdog
# ping every 100 ms; prints the time until every crash is handled and the
# worst gap between pings (systemd's WatchdogSec= must stay above it).
# Figures only: fails only if a crash is missed or handled twice.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"
N=${1:-2000}
ACTION=${2:-destroy}
D="$CW_BIN/xen-crashwatchd"
L="${NOTIFY_LISTEN:-$CW_BIN/notify-listen}"
[ -x "$D" ] || fail "no $D: build it first"
[ -x "$L" ] || fail "no $L: build it first"

sim_start
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-storm.XXXXXX") || fail "mktemp"
trap 'kill -TERM $DPID $LPID 2>/dev/null; wait $DPID $LPID 2>/dev/null; rm -rf "$W"; sim_stop' EXIT
cat >"$W/c.conf" <<EOF2
state_dir = "$W/state";
dump: { directory = "$W/dump"; };
defaults: { on_crash = "$ACTION"; };
EOF2
simctl create-many "$N" g --mem 1 >/dev/null || fail "create-many"
"$L" -t "$W/notify" >"$W/pings" &
LPID=$!
sleep 0.2
NOTIFY_SOCKET="$W/notify" WATCHDOG_USEC=200000 "$D" -c "$W/c.conf" \
    >"$W/log" 2>&1 &
DPID=$!
n=0
until grep -q watching "$W/log"; do
	sleep 0.05; n=$((n + 1)); [ $n -lt 2400 ] || fail "no first scan"
done
ms() { date +%s%3N; }
t0=$(ms)
simctl crash-every 1 >/dev/null || fail "crash-every"
n=0
while [ "$(grep -c "$ACTION done" "$W/log")" -lt "$N" ]; do
	sleep 0.1; n=$((n + 1))
	[ $n -lt 6000 ] || fail "not all $N crashes handled: $(grep -c "$ACTION done" "$W/log")"
done
t1=$(ms)
kill -TERM $DPID; wait $DPID 2>/dev/null
kill -TERM $LPID; wait $LPID 2>/dev/null
handled=$(grep -c "$ACTION done" "$W/log")
[ "$handled" -eq "$N" ] || fail "$handled crashes handled, expected $N"
printf 'storm benchmark: %d crashes at once, %s\n' "$N" "$ACTION"
printf '  all handled in %d ms\n' $((t1 - t0))
awk '/WATCHDOG=1/ { if (p) { g = $1 - p; if (g > max) max = g } p = $1 }
	END { printf "  worst gap between watchdog pings: %.0f ms " \
	    "(asked for every 100 ms)\n", max / 1000 }' "$W/pings"
