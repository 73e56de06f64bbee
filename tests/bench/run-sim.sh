#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-sim.sh [N] [MiB] [RUNS]: how fast the simulated Xen answers, the
# figures the simulator's tests used to assert on (a walk of 10,000
# domains "under 10 ms", images "over 1 GB/s").  N domains (default
# 10000), every tenth crashed, walked with batched getinfolist; then a
# MiB guest (default 1024) with 50% random pages generated to a callback.
# Each is run RUNS times (default 5); min, median and max are printed.
# Fails only if a call fails, never on speed.
#
# Environment: CW_SOURCE_DIR (or run from the tree), CW_BIN.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"
N=${1:-10000}
MEM=${2:-1024}
RUNS=${3:-5}
[ -x "$CW_BIN/bench-sim" ] || fail "no $CW_BIN/bench-sim: build it first"

sim_start
simctl create-many "$N" s --mem 1 >/dev/null || fail "create-many"
simctl crash-every 10 >/dev/null || fail "crash-every"
echo "simulator benchmark: $N domains, a $MEM MiB guest, $RUNS runs each"
"$CW_BIN/bench-sim" walk "$RUNS" || fail "bench-sim walk failed"
domid=$(simctl create gen --mem "$MEM" --random-pct 50) ||
	fail "simctl create"
"$CW_BIN/bench-sim" gen "$domid" "$RUNS" || fail "bench-sim gen failed"
