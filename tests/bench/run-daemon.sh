#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-daemon.sh [N] [CRASHES] [EVENTS] [BURSTS]: the daemon alone on N
# simulated guests (default 10000), on_crash "preserve", with -v (its
# first log line naming a domain is when it noticed it).  Prints:
#
#   first scan		from exec to "watching" in its log
#   RSS			VmRSS after the first scan and at the end
#   CPU per event	EVENTS (default 20) spurious @releaseDomain, 100 ms
#			apart: CPU of its threads (schedstat) / EVENTS, and
#			with xensim's; hypercalls per event
#   detection, spaced	CRASHES (default 20) crashes 100 ms apart: p50/p99
#			from just before the crash request to the first log
#			line naming the domain, and to the crash record
#   detection, bursts	BURSTS (default 3) bursts of 10 crashes sent back
#			to back (each its own event), 1 s apart
#
# Figures only: fails only if a crash is missed or recorded twice.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "$here/lib.sh"
N=${1:-10000}
C=${2:-20}
K=${3:-20}
BURSTS=${4:-3}
[ $((C + 10 * BURSTS)) -le "$N" ] || fail "N too small for the crashes"
bench_start daemon
bench_conf
simctl create-many "$N" g --mem 1 >/dev/null || fail "create-many"
# The domains to crash, spread over the host.
simctl list | awk -v c=$((C + 10 * BURSTS)) '$1 != 0 { d[m++] = $1 }
    END { for (i = 0; i < c; i++) print d[int(i * m / c)] }' >"$W/set"

bench_daemon - -v
rss0=$(awk '/VmRSS/ { print $2 }' /proc/"$DPID"/status)
sleep 0.5
simctl history clear
c0=$(cpu_ns "$DPID")
s0=$(cpu_ns "$SIM_PID")
"$B" fire "$K" 100 || fail "bench-drive fire"
quiet
c1=$(cpu_ns "$DPID")
s1=$(cpu_ns "$SIM_PID")
hyp=$(calls)

# until COUNT crash records in the log (120 s at most)
await_records() {
	_n=0
	while [ "$(grep -c 'domain [0-9]* .*crashed' "$W/log")" -lt "$1" ]; do
		sleep 0.05; _n=$((_n + 1))
		[ $_n -lt 2400 ] || fail "$(grep -c 'domain [0-9]* .*crashed' "$W/log") of $1 crashes recorded"
	done
}
# shellcheck disable=SC2046
"$B" crash 100 $(head -n "$C" "$W/set") >"$W/spaced" || fail "bench-drive crash"
await_records "$C"
sleep 1
i=0
while [ $i -lt "$BURSTS" ]; do
	# shellcheck disable=SC2046
	"$B" crash 0 $(sed -n "$((C + 10 * i + 1)),$((C + 10 * i + 10))p" "$W/set") \
	    >>"$W/burst" || fail "bench-drive crash"
	i=$((i + 1))
	await_records $((C + 10 * i))
	sleep 1
done
rss1=$(awk '/VmRSS/ { print $2 }' /proc/"$DPID"/status)
bench_kill

sed -n 's/^\([0-9]*\) xen-crashwatchd: domain \([0-9]*\) .*crashed.*/\2 \1/p' \
    "$W/log" >"$W/records"
sed -n 's/^\([0-9]*\) .*domain \([0-9][0-9]*\)[^0-9].*/\2 \1/p' "$W/log" |
    awk '!($1 in s) { s[$1]; print }' >"$W/noticed"
[ "$(cut -d' ' -f1 "$W/records" | sort -n)" = "$(sort -n "$W/set")" ] ||
	fail "the crashes recorded ($(wc -l <"$W/records")) are not the $(wc -l <"$W/set") made, once each"
# shellcheck disable=SC2086
set -- $(latencies "$W/spaced" "$W/noticed")
sp50=$2 sp99=$3
# shellcheck disable=SC2086
set -- $(latencies "$W/spaced" "$W/records")
sr50=$2 sr99=$3
# shellcheck disable=SC2086
set -- $(latencies "$W/burst" "$W/noticed")
bp50=$2 bp99=$3
# shellcheck disable=SC2086
set -- $(latencies "$W/burst" "$W/records")
br50=$2 br99=$3

positive "first scan=$FIRST_SCAN_MS" "RSS=$rss0" "CPU=$((c1 - c0))" \
    "hypercalls=$hyp" "spaced detection=$sp50" "burst detection=$bp50"
printf 'daemon benchmark: %d domains\n' "$N"
printf '  first scan: %d ms; RSS after it %d KiB, at the end %d KiB\n' \
    "$FIRST_SCAN_MS" "$rss0" "$rss1"
awk -v a="$c0" -v b="$c1" -v s="$s0" -v t="$s1" -v k="$K" -v h="$hyp" -v n="$N" \
    'BEGIN { printf "  CPU per event (%d spurious @releaseDomain): %.3f ms, " \
	"host-wide with xensim %.3f ms; hypercalls per event %.1f\n",
	k, (b - a) / k / 1e6, (b - a + t - s) / k / 1e6, h / k }'
printf '  detection, %d crashes 100 ms apart: noticed p50 %s ms, p99 %s ms; recorded p50 %s ms, p99 %s ms\n' \
    "$C" "$sp50" "$sp99" "$sr50" "$sr99"
printf '  detection, %d bursts of 10 crashes: noticed p50 %s ms, p99 %s ms; recorded p50 %s ms, p99 %s ms\n' \
    "$BURSTS" "$bp50" "$bp99" "$br50" "$br99"
printf '  crashes recorded once each: %d of %d\n' "$(wc -l <"$W/records")" \
    "$(wc -l <"$W/set")"
