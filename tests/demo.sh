#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: the daemon handling real crashes on the built-in simulator.
#
# Starts a simulated Xen host with a handful of guests under different
# rules, runs xen-crashwatchd in the foreground, crashes the guests (one
# of them keeps crashing after every restart), then shows the alerts, the
# core files and the final domain list, and stops everything.
set -u
BUILD=${1:-build}
SRC=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac
export CW_BIN="$BUILD/bin" CW_SIM_LIB="$BUILD/sim-lib"
. "$SRC/tests/sim/lib.sh"

DAEMON="$CW_BIN/xen-crashwatchd"
[ -x "$DAEMON" ] || fail "no $DAEMON: run make first"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

sim_start
DEMO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xen-crashwatch-demo.XXXXXX")
export DEMO_DIR
DPID=""
cleanup() {
	[ -n "$DPID" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	sim_stop
	rm -rf "$DEMO_DIR"
}
trap cleanup EXIT
mkdir -p "$DEMO_DIR/state"
sed -e "s|@T@|$DEMO_DIR|g" -e "s|@SRC@|$SRC|g" \
    "$SRC/tests/demo/crashwatch.conf" >"$DEMO_DIR/crashwatch.conf"

say "A simulated Xen host with five guests"
web=$(simctl create web-1 --mem 256 --zero-pct 60 --random-pct 10)
db=$(simctl create db-1 --mem 128 --zero-pct 40 --random-pct 20)
batch=$(simctl create batch-7 --mem 64 --zero-pct 80)
flappy=$(simctl create flappy --mem 64)
legacy=$(simctl create legacy --mem 64)
simctl list

say "xen-crashwatchd -n: checking the configuration"
"$DAEMON" -n -c "$DEMO_DIR/crashwatch.conf" || fail "configuration rejected"

say "Starting xen-crashwatchd in the foreground"
"$DAEMON" -c "$DEMO_DIR/crashwatch.conf" >"$DEMO_DIR/log" 2>&1 &
DPID=$!
tail -n +1 -f --pid="$DPID" "$DEMO_DIR/log" &
wait_for grep -q "watching" "$DEMO_DIR/log" || fail "daemon did not start"

say "web-1 crashes (coredump-restart), db-1 crashes (coredump-preserve)"
simctl crash "$web"
simctl crash "$db"
say "batch-7's watchdog fires (on_watchdog restart), legacy crashes (rename-restart)"
simctl watchdog "$batch"
simctl crash "$legacy"
say "flappy crashes, and again after every restart: burst is 2"
simctl crash "$flappy"

# Until every crash is handled: four guests, and flappy three times.
for _ in $(seq 1 300); do
	n=$(grep -cE ' (done|finished with failures)$' "$DEMO_DIR/log")
	[ "$n" -ge 7 ] && break
	sleep 0.1
done
sleep 1

say "Alerts (CRIT: crashes and the suppressed restart)"
grep -E 'crashed|watchdog;|not restarting' "$DEMO_DIR/log" | sed 's/^/  /'
say "Hooks run (what the pager got)"
sed 's/^/  /' "$DEMO_DIR/pages" 2>/dev/null
say "Core files (sparse or compressed: size on disk left, apparent size right)"
ls -ls "$DEMO_DIR/dump" | sed 's/^/  /'
say "Domains now"
simctl list | sed 's/^/  /'
say "Past crashes: xen-crashwatchctl list"
CTL="$CW_BIN/xen-crashwatchctl"
"$CTL" -c "$DEMO_DIR/crashwatch.conf" list | sed 's/^/  /' || fail "xen-crashwatchctl list failed"
say "One of them in full: xen-crashwatchctl info web-1"
"$CTL" -c "$DEMO_DIR/crashwatch.conf" --no-pager info web-1 | sed 's/^/  /' ||
	fail "xen-crashwatchctl info failed"
say "Stopping"
kill -TERM "$DPID"
wait "$DPID"
st=$?
DPID=""
[ "$st" -eq 0 ] || fail "xen-crashwatchd exited $st"
say "Done: every crash handled once, flappy left crashed after 2 restarts"
