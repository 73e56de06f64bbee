#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-storm.sh [N] [ACTION]: N simulated guests (default 2000) crash at
# once under ACTION (default destroy).  The daemon is asked for a watchdog
# ping every 100 ms; prints the time until every crash is handled, the
# CPU the daemon and its children spent meanwhile (/proc/PID/stat's
# utime, stime, cutime and cstime: children are reaped as they end), its
# peak RSS (VmHWM, over its life) and the worst gap between pings
# (systemd's WatchdogSec= must stay above it).
# Figures only: fails only if a crash is missed or handled twice.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "$here/lib.sh"
N=${1:-2000}
ACTION=${2:-destroy}
bench_start storm
bench_conf "$ACTION"
simctl create-many "$N" g --mem 1 >/dev/null || fail "create-many"
bench_daemon 200000
ms() { date +%s%3N; }
# The daemon's CPU and its reaped children's, with its living children's
# (the spawning helper, whose own children are the evidence readers).
ticks() {
	# shellcheck disable=SC2046
	awk '{ s += $14 + $15 + $16 + $17 } END { print s }' /proc/"$DPID"/stat \
	    $(pgrep -P "$DPID" | sed 's|.*|/proc/&/stat|') 2>/dev/null
}
k0=$(ticks)
t0=$(ms)
simctl crash-every 1 >/dev/null || fail "crash-every"
n=0
while [ "$(grep -c "$ACTION done" "$W/log")" -lt "$N" ]; do
	sleep 0.1; n=$((n + 1))
	[ $n -lt 6000 ] || fail "not all $N crashes handled: $(grep -c "$ACTION done" "$W/log")"
done
t1=$(ms)
k1=$(ticks)
hwm=$(awk '/VmHWM/ { print $2 }' /proc/"$DPID"/status)
gaps=$(ping_gaps 0 100)	# stops the daemon: then count
handled=$(grep -c "$ACTION done" "$W/log")
[ "$handled" -eq "$N" ] || fail "$handled crashes handled, expected $N"
positive "peak RSS=$hwm" "time=$((t1 - t0))"
printf 'storm benchmark: %d crashes at once, %s\n' "$N" "$ACTION"
printf '  all handled in %d ms\n' $((t1 - t0))
awk -v k=$((k1 - k0)) -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN {
	printf "  CPU of the daemon and its children: %.0f ms (%.2f ms per " \
	    "crash)\n", k * 1000 / hz, k * 1000 / hz / n }'
printf '  peak RSS of the daemon (VmHWM): %d KiB\n' "$hwm"
printf '%s\n' "$gaps"
