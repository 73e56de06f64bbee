#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-idle.sh [N] [SECS]: how often the daemon wakes on an idle host of N
# simulated guests (default 1000), over SECS seconds (default 60), once
# with WATCHDOG_USEC=30000000 (the unit's WatchdogSec=30: a ping every
# 15 s) and once without.  A wake-up is a context switch of any of its
# threads: the sum of voluntary_ctxt_switches and
# nonvoluntary_ctxt_switches over /proc/PID/task/*/status (and the main
# thread's alone), from 2 s after the first scan to SECS later, scaled to
# a minute; the watchdog pings in that window are counted apart.  Figures only: fails only if the daemon dies.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "$here/lib.sh"
N=${1:-1000}
SECS=${2:-60}
bench_start idle
bench_conf
simctl create-many "$N" g --mem 1 >/dev/null || fail "create-many"

# switches PATTERN: of the threads /proc/PATTERN/status names
switches() {
	# shellcheck disable=SC2086
	awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }' \
	    /proc/$1/status 2>/dev/null
}

printf 'idle benchmark: %d domains, %d s each\n' "$N" "$SECS"
for usec in 30000000 -; do
	bench_daemon "$usec"
	sleep 2
	p0=$(grep -c WATCHDOG=1 "$W/pings")
	w0=$(switches "$DPID/task/*")
	m0=$(switches "$DPID/task/$DPID")
	sleep "$SECS"
	kill -0 "$DPID" 2>/dev/null || fail "the daemon died: $(tail -3 "$W/log")"
	w1=$(switches "$DPID/task/*")
	m1=$(switches "$DPID/task/$DPID")
	p1=$(grep -c WATCHDOG=1 "$W/pings")
	threads=$(ls /proc/"$DPID"/task | wc -l)
	positive "context switches=$w1" "threads=$threads"
	bench_kill
	if [ "$usec" = - ]; then
		what="no WATCHDOG_USEC"
	else
		what="WATCHDOG_USEC=$usec"
	fi
	awk -v a="$w0" -v b="$w1" -v s="$SECS" -v p=$((p1 - p0)) \
	    -v what="$what" -v t="$threads" -v m=$((m1 - m0)) 'BEGIN {
		printf "  %s: %.1f wake-ups per minute (%d in %d s over " \
		    "%d threads, %d of the main thread), %d watchdog " \
		    "pings\n", what, (b - a) * 60 / s, b - a, s, t, m, p }'
done
