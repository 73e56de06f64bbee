#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# 10,000 domains, every tenth crashed, one batched walk (its speed is a
# figure for "make bench": tests/bench/run-sim.sh).
set -u
. "$(dirname "$0")/lib.sh"
sim_start
check_that "sim-test-xc scale" '"$SIM_TEST_BIN/sim-test-xc" scale 10000'
checks_done sim.scale
