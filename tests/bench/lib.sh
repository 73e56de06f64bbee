# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/lib.sh: what the daemon benchmarks share.
#
#	. "$here/lib.sh"; bench_start NAME	$D, $L, the simulator, $W
#	bench_daemon WATCHDOG_USEC [args]	daemon with pings to $W/pings
#	ping_gaps SKIP ASKED			"worst gap between watchdog pings"
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"

DPID=""
LPID=""

# The daemon and notify-listen, the simulator and a scratch dir $W.
bench_start() {
	D="$CW_BIN/xen-crashwatchd"
	L="${NOTIFY_LISTEN:-$CW_BIN/notify-listen}"
	[ -x "$D" ] || fail "no $D: build it first"
	[ -x "$L" ] || fail "no $L: build it first"
	sim_start
	W=$(mktemp -d "${TMPDIR:-/tmp}/bench-$1.XXXXXX") || fail "mktemp"
	trap 'kill -TERM $DPID $LPID 2>/dev/null; wait $DPID $LPID 2>/dev/null; rm -rf "$W"; sim_stop' EXIT
}

# The daemon on $W/c.conf, asked for a ping every WATCHDOG_USEC / 2,
# which notify-listen stamps into $W/pings; until its first scan.
bench_daemon() {
	_usec=$1
	shift
	"$L" -t "$W/notify" >"$W/pings" &
	LPID=$!
	sleep 0.2
	NOTIFY_SOCKET="$W/notify" WATCHDOG_USEC=$_usec "$D" "$@" \
	    -c "$W/c.conf" >"$W/log" 2>&1 &
	DPID=$!
	_n=0
	until grep -q watching "$W/log"; do
		sleep 0.05; _n=$((_n + 1)); [ $_n -lt 2400 ] || fail "no first scan"
	done
}

# Stop both; print the worst gap between the pings after the first SKIP
# (asked for every ASKED ms).
ping_gaps() {
	kill -TERM $DPID; wait $DPID 2>/dev/null
	kill -TERM $LPID; wait $LPID 2>/dev/null
	awk -v skip="$1" -v asked="$2" 'NR > skip && /WATCHDOG=1/ {
		if (p) { g = $1 - p; if (g > max) max = g; n++ } p = $1 }
		END { printf "  worst gap between watchdog pings: %.1f ms over " \
		    "%d (asked for every %d ms)\n", max / 1000, n, asked }' \
	    "$W/pings"
}
