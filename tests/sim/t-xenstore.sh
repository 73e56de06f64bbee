#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real libxenstore, and raw bytes, against xensim's xenstored.
set -u
. "$(dirname "$0")/lib.sh"
sim_start
check_that "wire protocol" '"$SIM_TEST_BIN/sim-test-wire"'
check_that "libxenstore client" '"$SIM_TEST_BIN/sim-test-xs"'
checks_done sim.xenstore
