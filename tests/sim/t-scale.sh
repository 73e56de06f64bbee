#!/bin/sh
# 10,000 domains, every tenth crashed, one batched walk.
set -u
. "$(dirname "$0")/lib.sh"
sim_start
"$SIM_TEST_BIN/sim-test-xc" scale 10000 || fail "scale"
