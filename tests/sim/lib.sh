# SPDX-License-Identifier: GPL-2.0-or-later
# tests/sim/lib.sh: helpers for shell tests that run against xensim.
# Source it from sh or bash:
#
#	. "$(dirname "$0")/../sim/lib.sh"	(or any path to it)
#	sim_start			start a simulator, export its env
#	simctl create web1 --mem 64	run xensimctl against it
#	wait_for CMD ARGS...		retry CMD for up to 10 s
#	fail "message"			print FAIL: message, exit 1
#	check_that DESC 'CODE'		one check: a failure is counted and
#					the script goes on
#	checks_done NAME		"ok NAME (M checks)", or "N of M
#					checks failed" and exit 1
#	sim_stop			(also run by the EXIT trap)
#
# CW_BIN and CW_SIM_LIB default to <repo>/build/bin and <repo>/build/sim-lib.

_sim_here=$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE:-$0}")" 2>/dev/null && pwd)
# When sourced from plain sh, $0 is the test script: look for the repo root
# from there as well.
_sim_root=""
for _d in "$_sim_here/../.." "$(dirname -- "$0")/../.." \
    "$(dirname -- "$0")/../../.." "${CW_SOURCE_DIR:-/nonexistent}"; do
	if [ -f "$_d/tests/sim/lib.sh" ]; then
		_sim_root=$(CDPATH= cd -- "$_d" && pwd)
		break
	fi
done
# Last resort: the nearest parent of the working directory that has it.
if [ -z "$_sim_root" ]; then
	_d=$PWD
	while [ -n "$_d" ] && [ "$_d" != / ]; do
		if [ -f "$_d/tests/sim/lib.sh" ]; then
			_sim_root=$_d
			break
		fi
		_d=$(dirname -- "$_d")
	done
fi
: "${CW_BIN:=${_sim_root:-.}/build/bin}"
: "${CW_SIM_LIB:=${_sim_root:-.}/build/sim-lib}"
export CW_BIN CW_SIM_LIB

SIM_PID=""
SIM_DIR=""

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

CHECKS_RUN=0
CHECKS_FAILED=0

# check_that DESC CODE: eval CODE in a subshell (single-quote it: it may
# hold pipes and $x, but not $1..$9, which are check_that's own); 0 if it
# held, else report DESC, count it and return 1.
check_that() {
	CHECKS_RUN=$((CHECKS_RUN + 1))
	if (eval "$2"); then
		return 0
	fi
	CHECKS_FAILED=$((CHECKS_FAILED + 1))
	echo "FAIL: $1" >&2
	return 1
}

# checks_done NAME: the summary line, and exit 1 if any check failed.
checks_done() {
	if [ "$CHECKS_FAILED" -gt 0 ]; then
		echo "FAIL $1: $CHECKS_FAILED of $CHECKS_RUN checks failed" >&2
		exit 1
	fi
	echo "ok $1 ($CHECKS_RUN checks)"
}

simctl() {
	"$CW_BIN/xensimctl" "$@"
}

# wait_for CMD...: retry every 50 ms for up to 10 s; 0 once CMD succeeds.
wait_for() {
	_i=0
	while [ "$_i" -lt 200 ]; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.05
		_i=$((_i + 1))
	done
	echo "wait_for: timed out after 10 s: $*" >&2
	return 1
}

sim_stop() {
	if [ -n "$SIM_PID" ]; then
		kill -TERM "$SIM_PID" 2>/dev/null
		_i=0
		while kill -0 "$SIM_PID" 2>/dev/null && [ "$_i" -lt 100 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		kill -KILL "$SIM_PID" 2>/dev/null
		wait "$SIM_PID" 2>/dev/null
		SIM_PID=""
	fi
	if [ -n "$SIM_DIR" ]; then
		rm -rf "$SIM_DIR"
		SIM_DIR=""
	fi
}

sim_start() {
	[ -x "$CW_BIN/xensim" ] || fail "no $CW_BIN/xensim: build the sim target first"
	for l in libxenctrl.so.4.17 libxenguest.so.4.17 libxenforeignmemory.so.1 \
	    libxenlight.so.4.17; do
		[ -e "$CW_SIM_LIB/$l" ] ||
			fail "no stand-in $l in $CW_SIM_LIB: build the sim target first"
	done
	SIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xensim.XXXXXX") ||
		fail "mktemp failed"
	mkfifo "$SIM_DIR/ready" || fail "mkfifo failed"
	"$CW_BIN/xensim" --dir "$SIM_DIR" >"$SIM_DIR/ready" 2>"$SIM_DIR/stderr" &
	SIM_PID=$!
	trap 'sim_stop' EXIT
	trap 'exit 130' INT TERM
	# Read READY with a 10 s deadline; the reader dies with the timeout.
	_line=$(timeout 10 head -n 1 "$SIM_DIR/ready") || true
	if [ "$_line" != READY ]; then
		cat "$SIM_DIR/stderr" >&2
		fail "xensim did not print READY within 10 s"
	fi
	export SIM_DIR
	export XENSTORED_PATH="$SIM_DIR/xenstored.sock"
	export XENSIM_SOCKET="$SIM_DIR/control.sock"
	export LD_LIBRARY_PATH="$CW_SIM_LIB"
	export LD_BIND_NOW=1
}
