#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-loop.sh [MIB]: how long the daemon's loop is away while a guest of
# MIB MiB (default 1024) is dumped to the disk that also holds the state
# file, and small guests crash meanwhile so that the state keeps being
# saved.  The daemon is asked for a watchdog ping every 10 ms; the worst
# gap between two pings is the loop's worst pass (plus 10 ms).  Prints
# that and the slowest state save (fsync of the file and its directory).
# Figures only: fails only if a crash is not handled.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"
MIB=${1:-1024}
SMALL=${2:-20}
D="$CW_BIN/xen-crashwatchd"
L="${NOTIFY_LISTEN:-$CW_BIN/notify-listen}"
[ -x "$D" ] || fail "no $D: build it first"
[ -x "$L" ] || fail "no $L: build it first"

sim_start
W=$(mktemp -d "${TMPDIR:-/var/tmp}/bench-loop.XXXXXX") || fail "mktemp"
trap 'kill -TERM $DPID $LPID 2>/dev/null; wait $DPID $LPID 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$W"; sim_stop' EXIT
cat >"$W/c.conf" <<EOF2
state_dir = "$W/state";
dump: { directory = "$W/dump"; keep_free = "0"; };
defaults: { on_crash = "preserve"; };
domains = ( { match = "big"; on_crash = "coredump-destroy"; } );
EOF2
big=$(simctl create big --mem "$MIB") || fail "create big"
i=0
while [ $i -lt "$SMALL" ]; do
	simctl create "s-$i" --mem 1 >>"$W/small" || fail "create s-$i"
	i=$((i + 1))
done
"$L" -t "$W/notify" >"$W/pings" &
LPID=$!
sleep 0.2
NOTIFY_SOCKET="$W/notify" WATCHDOG_USEC=20000 "$D" -v -c "$W/c.conf" \
    >"$W/log" 2>&1 &
DPID=$!
# until PATTERN is in the daemon's log, for at most SECS seconds
await() {
	_n=0
	while ! grep -q "$1" "$W/log"; do
		sleep 0.05
		_n=$((_n + 1))
		[ $_n -lt $(($2 * 20)) ] || return 1
	done
}
await watching 30 || fail "no first scan"
simctl crash "$big" >/dev/null || fail "crash big"
# One small crash every 0.1 s while the dump runs: saves under load.
while read -r id; do
	grep -q "core dumped\|core dump failed" "$W/log" && break
	simctl crash "$id" >/dev/null
	sleep 0.1
done <"$W/small"
await "coredump-destroy done" 600 ||
	fail "the big guest's crash was not handled: $(tail -5 "$W/log")"
sleep 0.1
kill -TERM $DPID; wait $DPID 2>/dev/null
kill -TERM $LPID; wait $LPID 2>/dev/null
small=$(grep -c "preserve done" "$W/log")
awk '/WATCHDOG=1/ { if (p) { g = $1 - p; if (g > max) max = g;
	n++; s += g } p = $1 }
	END { printf "  pings: %d, mean gap %.1f ms, worst gap %.1f ms " \
	    "(asked: 10 ms)\n", n, s / (n ? n : 1) / 1000, max / 1000 }' \
	"$W/pings" >"$W/gaps"
saves=$(grep -c "state written;" "$W/log")
worst=$(sed -n 's/.*slowest write so far \([0-9]*\) us.*/\1/p' "$W/log" |
	sort -n | tail -1)
printf 'loop benchmark: a %d MiB core dump, %d small crashes meanwhile\n' \
    "$MIB" "$small"
grep "core dumped" "$W/log" | sed 's/.*core dumped to [^ ]* /  dump: /'
cat "$W/gaps"
printf '  state saves (by the writer thread): %d, slowest %.1f ms\n' "$saves" \
    "$(awk -v u="${worst:-0}" 'BEGIN { print u / 1000 }')"
