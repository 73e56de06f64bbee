#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-evidence.sh [N] [K]: of N simulated guests (default 10000), K
# (default 100) crash at once, each having printed a panic.  The daemon
# reads each one's evidence (vCPUs, console ring, Xen's lines) before
# acting, and is asked for a watchdog ping every 10 ms.  Prints how long
# until every crash record said why, and the worst gap between pings:
# the loop's worst pass while the evidence is read (plus 10 ms).
# Figures only: fails only if a crash record lacks its panic line.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "$here/lib.sh"
N=${1:-10000}
K=${2:-100}
[ $((N % K)) -eq 0 ] || fail "N ($N) must be a multiple of K ($K)"
bench_start evidence
bench_conf
simctl create-many "$N" g --mem 1 >/dev/null || fail "create-many"
# crash-every crashes domids K, 2K, ...: they print their panics first.
step=$((N / K))
d=$step
while [ $d -le "$N" ]; do
	simctl console $d "[    9.000000] Kernel panic - not syncing: bench $d
" || fail "console $d"
	simctl xen-log "(XEN) d${d}v0 crashed in the benchmark"
	d=$((d + step))
done
bench_daemon 20000 -v
sleep 0.5
skip=$(wc -l <"$W/pings")	# pings before the crashes
ms() { date +%s%3N; }
t0=$(ms)
simctl crash-every "$step" >/dev/null || fail "crash-every"
n=0
while [ "$(grep -c 'crashed: Kernel panic - not syncing: bench' "$W/log")" -lt "$K" ]; do
	sleep 0.01; n=$((n + 1))
	[ $n -lt 6000 ] || fail "$(grep -c 'crashed: Kernel panic' "$W/log") of $K crash records said why"
done
t1=$(ms)
n=0
while [ "$(grep -c 'preserve done' "$W/log")" -lt "$K" ]; do
	sleep 0.05; n=$((n + 1)); [ $n -lt 1200 ] || fail "not all handled"
done
printf 'evidence benchmark: %d of %d domains crash at once\n' "$K" "$N"
printf '  every crash record said why within %d ms of the crashes\n' $((t1 - t0))
ping_gaps "$skip" 10
