#!/bin/sh
# A binary linked against the real libxenctrl/libxenguest, on the
# stand-ins: t-xc.sh states|faults|fork
set -u
. "$(dirname "$0")/lib.sh"
sim_start
"$SIM_TEST_BIN/sim-test-xc" "$1" || fail "sim-test-xc $1"
