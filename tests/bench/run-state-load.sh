#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-state-load.sh [N...]: time from start to READY ("watching") with a
# state file holding the restart history of N domain names (default
# 10000 40000), once with every restart long past (pruned at load) and
# once with every restart recent (all kept, up to the bound on names).
# Figures only: fails only if the daemon never becomes ready.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"
D="${XCW_DAEMON:-$CW_BIN/xen-crashwatchd}"
[ -x "$D" ] || fail "no $D: build it first"
[ $# -gt 0 ] || set -- 10000 40000

sim_start
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-state.XXXXXX") || fail "mktemp"
DPID=""
trap '[ -n "$DPID" ] && { kill -TERM $DPID; wait $DPID; } 2>/dev/null; rm -rf "$W"; sim_stop' EXIT
cat >"$W/c.conf" <<EOF2
state_dir = "$W/state";
dump: { directory = "$W/dump"; };
defaults: { on_crash = "preserve"; };
EOF2
ms() { date +%s%3N; }

# state N AGE: N names, each with two restarts AGE seconds ago.
state() {
	mkdir -p "$W/state"
	awk -v n="$1" -v t=$(($(date +%s) - $2)) 'BEGIN {
		print "version = 1;"
		print "incidents = ( );"
		print "restarts = ("
		for (i = 1; i <= n; i++)
			printf "{ name = \"guest-%d\"; times = [ %dL, %dL ]; }%s\n",
			    i, t, t, i < n ? "," : ""
		print ");"
	}' >"$W/state/state"
}

# ready: ms from start to the first full scan.
ready() {
	: >"$W/log"
	t0=$(ms)
	"$D" -c "$W/c.conf" >"$W/log" 2>&1 &
	DPID=$!
	i=0
	while ! grep -q watching "$W/log"; do
		sleep 0.01; i=$((i + 1))
		[ $i -gt 60000 ] && fail "not ready after 10 minutes"
	done
	t1=$(ms)
	kill -TERM $DPID; wait $DPID; DPID=""
	echo $((t1 - t0))
}

printf 'state load benchmark: time to READY\n'
for n in "$@"; do
	state "$n" 86400
	size=$(stat -c %s "$W/state/state")
	printf '  %6d names, all restarted a day ago (%d KiB): %d ms\n' \
	    "$n" $((size / 1024)) "$(ready)"
	state "$n" 10
	printf '  %6d names, all restarted 10 s ago (%d KiB): %d ms\n' \
	    "$n" $((size / 1024)) "$(ready)"
done
