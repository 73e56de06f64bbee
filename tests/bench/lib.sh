# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/lib.sh: what the daemon benchmarks share.
#
#	. "$here/lib.sh"; bench_start NAME	$D, $L, the simulator, $W
#	bench_daemon WATCHDOG_USEC [args]	daemon with pings to $W/pings,
#						its log stamped in $W/log
#	bench_kill				stop them (and $W/pids)
#	ping_gaps SKIP ASKED			"worst gap between watchdog pings"
#	cpu_ns PID...				CPU time of every thread, ns
#	pss_kib PID...				summed Pss, KiB
#	calls					hypercalls since "history clear"
#	quiet					until the hypercall count is still
#	latencies CRASHES SEEN			"count p50 p99 max" in ms
#	ratio A B				"12x", "0.5x" or "-"
#	positive NAME=VALUE...			fail unless each is a number > 0
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"

DPID=""
LPID=""
SPID=""

# The daemon, notify-listen and bench-drive, the simulator and a scratch
# dir $W.  Processes whose pids are in $W/pids are killed at exit too.
bench_start() {
	D="$CW_BIN/xen-crashwatchd"
	L="${NOTIFY_LISTEN:-$CW_BIN/notify-listen}"
	B="$CW_BIN/bench-drive"
	[ -x "$D" ] || fail "no $D: build it first"
	[ -x "$L" ] || fail "no $L: build it first"
	[ -x "$B" ] || fail "no $B: build it first (target bench-drive)"
	sim_start
	W=$(mktemp -d "${TMPDIR:-/tmp}/bench-$1.XXXXXX") || fail "mktemp"
	trap 'bench_kill; rm -rf "$W"; sim_stop' EXIT
}

# Stop what bench_start and bench_daemon started, and the pids listed in
# $W/pids.
bench_kill() {
	_pids=$(echo $DPID $LPID $SPID $(cat "$W/pids" 2>/dev/null))
	if [ -n "$_pids" ]; then
		# shellcheck disable=SC2086
		kill -TERM $_pids 2>/dev/null
		# shellcheck disable=SC2086
		wait $_pids 2>/dev/null
	fi
	DPID=""
	LPID=""
	SPID=""
	rm -f "$W/pids"
}

# The daemon on $W/c.conf, asked for a ping every WATCHDOG_USEC / 2
# (none if "-"), which notify-listen stamps into $W/pings; its stderr,
# each line after the CLOCK_MONOTONIC microsecond it came at, in $W/log.
# Until its first scan; $FIRST_SCAN_MS is how long that took from exec.
bench_daemon() {
	_usec=$1
	shift
	"$L" -t "$W/notify" >"$W/pings" &
	LPID=$!
	sleep 0.2
	rm -f "$W/dfifo"
	mkfifo "$W/dfifo" || fail "mkfifo"
	: >"$W/log"
	"$B" stamp >"$W/log" <"$W/dfifo" &
	SPID=$!
	_t0=$("$B" now)
	if [ "$_usec" = - ]; then
		NOTIFY_SOCKET="$W/notify" "$D" "$@" -c "$W/c.conf" \
		    >"$W/dfifo" 2>&1 &
	else
		NOTIFY_SOCKET="$W/notify" WATCHDOG_USEC=$_usec "$D" "$@" \
		    -c "$W/c.conf" >"$W/dfifo" 2>&1 &
	fi
	DPID=$!
	_n=0
	until grep -q watching "$W/log"; do
		sleep 0.05; _n=$((_n + 1)); [ $_n -lt 2400 ] || fail "no first scan"
	done
	FIRST_SCAN_MS=$(awk -v t0="$_t0" '/watching/ {
	    printf "%.0f\n", ($1 - t0) / 1000; exit }' "$W/log")
}

# Stop both; print the worst gap between the pings after the first SKIP
# (asked for every ASKED ms).
ping_gaps() {
	kill -TERM $DPID; wait $DPID 2>/dev/null
	kill -TERM $LPID; wait $LPID 2>/dev/null
	wait $SPID 2>/dev/null
	DPID=""
	LPID=""
	SPID=""
	awk -v skip="$1" -v asked="$2" 'NR > skip && /WATCHDOG=1/ {
		if (p) { g = $1 - p; if (g > max) max = g; n++ } p = $1 }
		END { printf "  worst gap between watchdog pings: %.1f ms over " \
		    "%d (asked for every %d ms)\n", max / 1000, n, asked }' \
	    "$W/pings"
}

# CPU time (ns) of every thread of the PIDs so far, from schedstat: exact
# where /proc/PID/stat counts in 10 ms ticks, which 1,000 processes of a
# few ms each would round away.  Threads or processes that exited are
# not counted: read it while they live.
cpu_ns() {
	# shellcheck disable=SC2046
	awk '{ s += $1 } END { printf "%.0f\n", s }' \
	    $(printf '/proc/%s/task/*/schedstat ' "$@") 2>/dev/null
}

# Proportional set size of the PIDs, summed (KiB): shared pages (the
# libraries, a forked parent's) are counted once over all of them.
pss_kib() {
	# shellcheck disable=SC2046
	awk '/^Pss:/ { s += $2 } END { print s + 0 }' \
	    $(printf '/proc/%s/smaps_rollup ' "$@") 2>/dev/null
}

# The stand-ins' calls (hypercalls, on Xen) since the last history clear.
calls() {
	simctl history count | awk '{ s += $2 } END { print s + 0 }'
}

# Until no hypercall was made for 300 ms (at most 120 s): the events
# fired so far have all been handled.
quiet() {
	_last=-1
	_still=0
	_n=0
	while [ $_still -lt 3 ] && [ $_n -lt 1200 ]; do
		sleep 0.1
		_c=$(calls)
		if [ "$_c" = "$_last" ]; then
			_still=$((_still + 1))
		else
			_still=0
		fi
		_last=$_c
		_n=$((_n + 1))
	done
}

# CRASHES: "DOMID USEC" per crash (bench-drive crash); SEEN: "DOMID USEC"
# per detection.  Prints "count p50 p99 max" of detection - crash in ms
# (nearest rank), over the domains in both.
latencies() {
	awk 'NR == FNR { t[$1] = $2; next }
	    ($1 in t) { print ($2 - t[$1]) / 1000 }' "$1" "$2" | sort -n |
	    awk '{ v[NR] = $1 }
	    END {
		if (NR == 0) { print "0 0 0 0"; exit }
		i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
		i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
		printf "%d %.2f %.2f %.2f\n", NR, v[i50], v[i99], v[NR]
	    }'
}

# A / B as "12x" (or "0.52x"); "-" when B is 0.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b + 0 == 0) print "-"
		else if (a / b >= 10) printf "%.0fx\n", a / b
		else printf "%.2fx\n", a / b }'
}

# positive NAME=VALUE...: every figure was produced (smoke tests rely on
# it): a number above 0, else fail naming it.
positive() {
	for _f in "$@"; do
		awk -v v="${_f#*=}" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 > 0) }' ||
			fail "no figure for ${_f%%=*} (got '${_f#*=}')"
	done
}

# bench_conf [ACTION]: $W/c.conf, state and dumps in $W, every crash
# given ACTION (default preserve).
bench_conf() {
	cat >"$W/c.conf" <<EOF2
state_dir = "$W/state";
dump: { directory = "$W/dump"; };
defaults: { on_crash = "${1:-preserve}"; };
EOF2
}
