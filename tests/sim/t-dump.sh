#!/bin/sh
# Dumps: deterministic, the right size and shares, Xen notes readable.
set -u
. "$(dirname "$0")/lib.sh"
sim_start
command -v readelf >/dev/null || fail "readelf (binutils) is not installed"
"$SIM_TEST_BIN/sim-test-xc" dump "$SIM_DIR" || fail "dump"
cmp "$SIM_DIR/a.core" "$SIM_DIR/b.core" || fail "two dumps differ"
notes=$(readelf -n "$SIM_DIR/a.core") || fail "readelf -n"
for t in 0x02000000 0x02000001 0x02000002 0x02000003; do
	echo "$notes" | grep -q "Xen.*$t" || fail "note $t missing:
$notes"
done
echo "ok sim.dump"
