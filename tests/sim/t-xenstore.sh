#!/bin/sh
# The real libxenstore, and raw bytes, against xensim's xenstored.
set -u
. "$(dirname "$0")/lib.sh"
sim_start
"$SIM_TEST_BIN/sim-test-wire" || fail "wire protocol"
"$SIM_TEST_BIN/sim-test-xs" || fail "libxenstore client"
echo "ok sim.xenstore"
