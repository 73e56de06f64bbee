#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build.no-testing: what a package builds (BUILD_TESTING=OFF, WERROR=OFF,
# as debian/rules configures it) looks for no cmocka, builds the daemon
# and xen-crashwatchctl and nothing of the tests, and installs.
#   no-testing.sh SRCDIR
set -u
. "$(dirname "$0")/../lib.sh"
src=$1
need cmake cmake
need make make
scratch
b=$SCRATCH/b

cmake -G "Unix Makefiles" -S "$src" -B "$b" -DBUILD_TESTING=OFF -DWERROR=OFF \
    >"$SCRATCH/configure.log" 2>&1 ||
    { cat "$SCRATCH/configure.log" >&2; fail "configuring with BUILD_TESTING=OFF failed"; }
! grep -qi cmocka "$b/CMakeCache.txt" ||
    fail "BUILD_TESTING=OFF still looks for cmocka: $(grep -i cmocka "$b/CMakeCache.txt" | head -n 3)"
[ ! -e "$b/tests" ] || fail "BUILD_TESTING=OFF still configures tests/"
cmake --build "$b" -j "${CW_BUILD_JOBS:-2}" >"$SCRATCH/build.log" 2>&1 ||
    { tail -n 60 "$SCRATCH/build.log" >&2; fail "building with BUILD_TESTING=OFF failed"; }
[ -x "$b/bin/xen-crashwatchd" ] || fail "no bin/xen-crashwatchd"
[ -x "$b/bin/xen-crashwatchctl" ] || fail "no bin/xen-crashwatchctl"
built=$(find "$b/bin" "$b/san" "$b/tsan" "$b/sim-lib" -type f 2>/dev/null |
    sed "s|^$b/||" | grep -vx -e bin/xen-crashwatchd -e bin/xen-crashwatchctl)
[ -z "$built" ] || fail "BUILD_TESTING=OFF built more than the daemon and the tool: $built"
install_tree "$b" "$SCRATCH/root" /usr
check_file "$SCRATCH/root/usr/sbin/xen-crashwatchd" 755
check_file "$SCRATCH/root/usr/bin/xen-crashwatchctl" 755
echo "BUILD_TESTING=OFF: the daemon and xen-crashwatchctl alone, no cmocka"
