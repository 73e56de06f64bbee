#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Dumps: deterministic, the right size and shares, Xen notes readable.
set -u
. "$(dirname "$0")/lib.sh"
sim_start
command -v readelf >/dev/null || fail "readelf (binutils) is not installed"
check_that "sim-test-xc dump" '"$SIM_TEST_BIN/sim-test-xc" dump "$SIM_DIR"'
check_that "two dumps differ" 'cmp "$SIM_DIR/a.core" "$SIM_DIR/b.core"'
notes=$(readelf -n "$SIM_DIR/a.core")
check_that "readelf -n" '[ -n "$notes" ]'
for t in 0x02000000 0x02000001 0x02000002 0x02000003; do
	check_that "note $t missing" 'echo "$notes" | grep -q "Xen.*$t"'
done
checks_done sim.dump
