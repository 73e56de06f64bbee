#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build.*: the whole tree (daemon, tests, simulator, sanitizer builds)
# configured from scratch with CC and built with -Werror.  When that
# fails, a second build of the same tree without -Werror lists every
# diagnostic by file:line: make stops at a library that fails, so the
# first build alone would hide what depends on it.
#   build.sh SRCDIR CC [CMAKE_ARG...]
set -u
. "$(dirname "$0")/../lib.sh"
src=$1
cc=$2
shift 2
need cmake cmake
need make make
need "$cc" "$cc"
scratch
b=$SCRATCH/b
jobs=${CW_BUILD_JOBS:-2}

# diagnostics LOG: "file:line:col: error|warning: ..." lines, once each,
# paths relative to the source tree.
diagnostics() {
	grep -E '^[^ ]+:[0-9]+:[0-9]+: (fatal )?(error|warning):' "$1" |
	    sed "s|^$src/||" | sort -u
}

CC=$cc cmake -G "Unix Makefiles" -S "$src" -B "$b" -DWERROR=ON "$@" >"$SCRATCH/configure.log" 2>&1 ||
    { cat "$SCRATCH/configure.log" >&2; fail "configuring with CC=$cc failed"; }
if cmake --build "$b" -j "$jobs" -- -k >"$SCRATCH/build.log" 2>&1; then
	n=$(grep -c 'warning:' "$SCRATCH/build.log")
	[ "$n" -eq 0 ] ||
	    { diagnostics "$SCRATCH/build.log" >&2; fail "$n warnings with -Werror on"; }
	echo "CC=$cc: the whole tree builds with -Werror"
	exit 0
fi

echo "CC=$cc -Werror: these fail the build:" >&2
diagnostics "$SCRATCH/build.log" >&2
cmake -S "$src" -B "$b" -DWERROR=OFF >>"$SCRATCH/configure.log" 2>&1 ||
    { cat "$SCRATCH/configure.log" >&2; fail "reconfiguring without -Werror failed"; }
cmake --build "$b" -j "$jobs" -- -k >"$SCRATCH/build-nowerror.log" 2>&1
rc=$?
echo "CC=$cc without -Werror, all diagnostics (each an error with -Werror):" >&2
diagnostics "$SCRATCH/build-nowerror.log" >&2
if [ $rc -ne 0 ]; then
	grep -E 'error|undefined reference' "$SCRATCH/build-nowerror.log" |
	    grep -v ': warning:' | sort -u | head -n 40 >&2
	fail "CC=$cc: the tree does not build even without -Werror"
fi
fail "CC=$cc: the tree does not build with -Werror"
