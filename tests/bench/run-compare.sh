#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-compare.sh [N] [CRASHES] [EVENTS]: the daemon side by side with
# what xl runs today, on one simulated host of N running guests (default
# 1000): one bench-xl-model process per guest (xl's per-domain monitor:
# a @releaseDomain watch and a getinfolist of its own domain on every
# event; see xl-model.c).  Each side runs alone on the same simulator,
# the daemon first (on_crash "preserve"); between them the crashed
# guests are destroyed and as many new ones created.  For each side:
#
#   CPU per event	EVENTS (default 20) spurious @releaseDomain events
#			spaced out; CPU time of every thread of the side
#			(schedstat) over them / EVENTS; "host-wide" adds
#			xensim's (it is xenstored and Xen here)
#   hypercalls		the stand-ins' calls over the same events / EVENTS
#   total PSS		summed over the side's processes, before crashes
#   detection		CRASHES (default 50) crashes, spaced out; from just
#			before the crash request (bench-drive) to the
#			side's first word of it: the model's record (where
#			xl logs the shutdown), the daemon's first log line
#			(-v) naming the domain as it reached a pipe; and
#			for the daemon, its crash record (the alert,
#			written once the evidence is read)
#
# Prints each figure for both and the ratio xl model / daemon.  Figures
# only: fails only if a crash is missed or seen twice, or a side is short
# of processes.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "$here/lib.sh"
N=${1:-1000}
C=${2:-50}
K=${3:-20}
M="$CW_BIN/bench-xl-model"
[ -x "$M" ] || fail "no $M: build it first (target bench-xl-model)"
[ "$C" -le $((N / 2)) ] || fail "CRASHES ($C) must be at most N/2"
# Each model holds a xenstore and a control connection of xensim's.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((2 * N + 256)) ]; then
	ulimit -n $((2 * N + 256)) 2>/dev/null ||
	    fail "xensim needs $((2 * N + 256)) open files: raise ulimit -n"
fi
# Spaced so that each side has handled one event or crash before the
# next: the model's processes take about 0.3 ms each per event.
SPACE=$((N / 2 > 100 ? N / 2 : 100))
bench_start compare
bench_conf
simctl create-many "$N" g --mem 1 >/dev/null || fail "create-many"

# once_each WHO SIDE: $W/SIDE.seen holds each crash of $W/SIDE.set once.
once_each() {
	_dup=$(awk '{ n[$1]++ } END { for (d in n) if (n[d] > 1) print d }' "$W/$2.seen")
	[ "$(wc -l <"$W/$2.seen")" -eq "$C" ] && [ -z "$_dup" ] ||
		fail "$1: $(wc -l <"$W/$2.seen") crash records for $C crashes"
	[ "$(cut -d' ' -f1 "$W/$2.seen" | sort -n)" = "$(sort -n "$W/$2.set")" ] ||
		fail "$1: the crashes seen are not those made"
}

# crash_set: CRASHES running domains spread over the host, one a line.
crash_set() {
	simctl list | awk -v n="$N" -v c="$C" '$1 != 0 && $4 == "running" {
	    d[m++] = $1 } END { for (i = 0; i < c; i++) print d[int(i * m / c)] }'
}

# measure SIDE PID...: the event burst and the crashes; the crashes'
# records ("DOMID USEC") are in $W/SIDE.seen once the call returns.
# Sets cpu, hcpu (ms per event), hyp (per event), pss (KiB).
measure() {
	_side=$1
	shift
	sleep 0.5
	simctl history clear
	_c0=$(cpu_ns "$@")
	_s0=$(cpu_ns "$SIM_PID")
	"$B" fire "$K" "$SPACE" || fail "bench-drive fire"
	quiet
	_c1=$(cpu_ns "$@")
	_s1=$(cpu_ns "$SIM_PID")
	_calls=$(calls)
	cpu=$(awk -v a="$_c0" -v b="$_c1" -v k="$K" 'BEGIN { printf "%.3f", (b - a) / k / 1e6 }')
	hcpu=$(awk -v a="$_c0" -v b="$_c1" -v s="$_s0" -v t="$_s1" -v k="$K" \
	    'BEGIN { printf "%.3f", (b - a + t - s) / k / 1e6 }')
	hyp=$(awk -v a="$_calls" -v k="$K" 'BEGIN { printf "%.1f", a / k }')
	pss=$(pss_kib "$@")
	crash_set >"$W/$_side.set"
	# shellcheck disable=SC2046
	"$B" crash "$SPACE" $(cat "$W/$_side.set") >"$W/$_side.crashes" ||
	    fail "bench-drive crash"
}

# until COUNT lines match PATTERN in FILE (120 s at most)
await_lines() {
	_n=0
	while [ "$(grep -c "$1" "$3")" -lt "$2" ]; do
		sleep 0.05; _n=$((_n + 1))
		[ $_n -lt 2400 ] || fail "$(grep -c "$1" "$3") of $2 '$1' in $3"
	done
}

# (a) the daemon
bench_daemon - -v
measure daemon "$DPID"
await_lines 'domain [0-9]* .*crashed' "$C" "$W/log"
sleep 0.2
d_cpu=$cpu d_hcpu=$hcpu d_hyp=$hyp d_pss=$pss
sed -n 's/^\([0-9]*\) xen-crashwatchd: domain \([0-9]*\) .*crashed.*/\2 \1/p' \
    "$W/log" >"$W/daemon.seen"
sed -n 's/^\([0-9]*\) .*domain \([0-9][0-9]*\)[^0-9].*/\2 \1/p' "$W/log" |
    awk '!($1 in s) { s[$1]; print }' >"$W/daemon.noticed"
bench_kill
d_lat=$(latencies "$W/daemon.crashes" "$W/daemon.noticed")
d_alert=$(latencies "$W/daemon.crashes" "$W/daemon.seen")
once_each daemon daemon

# As many running guests again for the model.
while read -r d; do simctl destroy "$d" >/dev/null || fail "destroy $d"; done <"$W/daemon.set"
simctl create-many "$C" h --mem 1 >/dev/null || fail "create-many"
sleep 0.2

# (b) the xl model: one process per running guest
: >"$W/model.rec"
for d in $(simctl list | awk '$1 != 0 && $4 == "running" { print $1 }'); do
	"$M" -o "$W/model.rec" "$d" 2>>"$W/xl.log" &
	echo $! >>"$W/pids"
done
[ "$(wc -l <"$W/pids")" -eq "$N" ] || fail "$(wc -l <"$W/pids") models for $N guests"
await_lines " ready " "$N" "$W/model.rec"
# shellcheck disable=SC2046
measure model $(cat "$W/pids")
m_cpu=$cpu m_hcpu=$hcpu m_hyp=$hyp m_pss=$pss
await_lines " shutdown " "$C" "$W/model.rec"
awk '$3 == "shutdown" { print $1, $2 }' "$W/model.rec" >"$W/model.seen"
bench_kill
m_lat=$(latencies "$W/model.crashes" "$W/model.seen")
once_each "xl model" model

positive "daemon CPU=$d_cpu" "daemon hypercalls=$d_hyp" "daemon PSS=$d_pss" \
    "model CPU=$m_cpu" "model hypercalls=$m_hyp" "model PSS=$m_pss"
# shellcheck disable=SC2086
set -- $d_alert
a_p50=$2 a_p99=$3
# shellcheck disable=SC2086
set -- $d_lat
d_n=$1 d_p50=$2 d_p99=$3 d_max=$4
# shellcheck disable=SC2086
set -- $m_lat
m_n=$1 m_p50=$2 m_p99=$3 m_max=$4
positive "daemon detection=$d_p50" "model detection=$m_p50"
printf 'compare N=%d: xl model (%d processes) against the daemon, %d events and %d crashes %d ms apart\n' \
    "$N" "$N" "$K" "$C" "$SPACE"
printf '  CPU per event, the side alone: xl model %s ms, daemon %s ms, ratio %s\n' \
    "$m_cpu" "$d_cpu" "$(ratio "$m_cpu" "$d_cpu")"
printf '  CPU per event, host-wide (with xensim): xl model %s ms, daemon %s ms, ratio %s\n' \
    "$m_hcpu" "$d_hcpu" "$(ratio "$m_hcpu" "$d_hcpu")"
printf '  hypercalls per event: xl model %s, daemon %s, ratio %s\n' \
    "$m_hyp" "$d_hyp" "$(ratio "$m_hyp" "$d_hyp")"
printf '  total PSS: xl model %d KiB (%d processes; xl maps libxl too), daemon %d KiB, ratio %s\n' \
    "$m_pss" "$N" "$d_pss" "$(ratio "$m_pss" "$d_pss")"
printf '  detection p50: xl model %s ms, daemon %s ms, ratio %s\n' \
    "$m_p50" "$d_p50" "$(ratio "$m_p50" "$d_p50")"
printf '  detection p99: xl model %s ms, daemon %s ms, ratio %s (max %s, %s ms)\n' \
    "$m_p99" "$d_p99" "$(ratio "$m_p99" "$d_p99")" "$m_max" "$d_max"
printf '  daemon crash record (after the evidence): p50 %s ms, p99 %s ms\n' \
    "$a_p50" "$a_p99"
printf '  crashes seen once each: xl model %d of %d, daemon %d of %d\n' \
    "$m_n" "$C" "$d_n" "$C"
