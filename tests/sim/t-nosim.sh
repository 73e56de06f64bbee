#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Without LD_LIBRARY_PATH the same binary loads the real libraries, and on
# a machine without Xen xc_interface_open fails with their error.
set -u
. "$(dirname "$0")/lib.sh"
unset LD_LIBRARY_PATH XENSIM_SOCKET
lib=$(ldd "$SIM_TEST_BIN/sim-test-xc" | awk '/libxenctrl.so/ { print $3 }')
check_that "sim-test-xc resolves libxenctrl to '$lib'" \
    'case "$lib" in "$CW_SIM_LIB"/*|"") false ;; esac'
if [ -e /proc/xen/privcmd ] || [ -e /dev/xen/privcmd ]; then
	# On a Xen host the real library opens: only the stand-in part runs.
	echo "note: this machine runs on Xen; real-library failure not checked"
else
	err=$(LD_BIND_NOW=1 "$SIM_TEST_BIN/sim-test-xc" nosim 2>&1 >/dev/null)
	st=$?
	echo "real library said: $err"
	check_that "nosim: $err" '[ "$st" = 0 ]'
	check_that "the stand-in answered: $err" \
	    '! echo "$err" | grep -q xensim'
	check_that "the real library printed no error" '[ -n "$err" ]'
fi

# The stand-in without a simulator: NULL, ENOENT and a message.
out=$(LD_LIBRARY_PATH="$CW_SIM_LIB" LD_BIND_NOW=1 \
    "$SIM_TEST_BIN/sim-test-xc" nosim 2>"${TMPDIR:-/tmp}/nosim.$$")
st=$?
err=$(cat "${TMPDIR:-/tmp}/nosim.$$"); rm -f "${TMPDIR:-/tmp}/nosim.$$"
check_that "stand-in nosim: $out" '[ "$st" = 0 ]'
check_that "stand-in said: $err" \
    'echo "$err" | grep -q "XENSIM_SOCKET is not set"'
check_that "stand-in errno: $out" 'echo "$out" | grep -q "errno 2:"'
checks_done sim.xc-nosim
