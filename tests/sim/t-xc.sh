#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A binary linked against the real libxenctrl/libxenguest, on the
# stand-ins: t-xc.sh states|faults|fork
set -u
. "$(dirname "$0")/lib.sh"
mode=$1
sim_start
check_that "sim-test-xc $mode" '"$SIM_TEST_BIN/sim-test-xc" "$mode"'
checks_done "sim.xc-$mode"
