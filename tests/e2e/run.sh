#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot Xen 4.17 with a Debian dom0 in QEMU (TCG) and let dom0's /init run
# the crash scenarios against the real hypervisor; judge the run by the
# markers it prints on the serial console.
#
#   run.sh OUTDIR DAEMON [DRILL]
#
# Builds the images first (build-images.sh, cached in OUTDIR/cache).
# DRILL is the daemon's test build, with kill points: without it the kill
# drill at the dump's rename fails, saying so.
# Environment: E2E_STALL (seconds the scenarios may go without a new
# E2E line on the console, default 1000: longer than the longest wait of
# a scenario, 240 s allowed four times over) and E2E_TIMEOUT (seconds the
# whole boot may take, default 2400: beside stress-ng and two other
# QEMU boots, one boot passed 1500 s).  A busy machine makes TCG slow, not
# stuck: the run is judged stuck only when it stops making progress.
# E2E_CPU and E2E_ACCEL replace QEMU's -cpu (max,-smap) and -accel (tcg),
# to try the boot on other CPU models or with single-threaded TCG.
# E2E_DOM0_VCPUS sets dom0's vCPUs; QEMU always gives Xen two CPUs.  The
# standard set boots dom0 with 1: beside other work on a 2-core machine
# a dom0 of 2 vCPUs waits for whichever one the host has not scheduled
# (its boot took 1464 s beside stress-ng, against 285 s idle).  The dump
# and long sets boot it with 2, as real dom0s have several and the
# dump's writer thread needs one: their figures are the dump's.
# E2E_SET=long runs the long set (make e2e-long: bench-dump's rounds on a
# PV guest, then a PVH guest's core dump, minutes under TCG) in place of
# the standard one, with E2E_STALL 2400 and E2E_TIMEOUT 4800 by default;
# E2E_SET=dump runs only its first part, for whoever works on the dump.
# Exit 0 when every expected check passed and the machine powered itself
# off; otherwise 1, printing the console lines that matter.
set -u

die() { echo "e2e: $*" >&2; exit 1; }

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: run.sh OUTDIR DAEMON [DRILL]"
OUT=$1
DAEMON=$2
DRILL=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
SET=${E2E_SET:-standard}
case $SET in
standard) TIMEOUT=${E2E_TIMEOUT:-2400} STALL=${E2E_STALL:-1000}
	CHECKS=$HERE/expected-checks DOM0_VCPUS=${E2E_DOM0_VCPUS:-1} ;;
long|dump) TIMEOUT=${E2E_TIMEOUT:-4800} STALL=${E2E_STALL:-2400}
	CHECKS=$HERE/expected-checks-$SET DOM0_VCPUS=${E2E_DOM0_VCPUS:-2} ;;
*)	die "E2E_SET must be standard, long or dump: $SET" ;;
esac
LOG=$OUT/console.log
CPU=${E2E_CPU:-max,-smap}
ACCEL=${E2E_ACCEL:-tcg}

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
    die "qemu-system-x86_64 is missing: install Debian's qemu-system-x86 (tests/install-deps)"
[ -x "$DAEMON" ] || die "daemon binary $DAEMON is missing: build the xen-crashwatchd target first"
case $DOM0_VCPUS in
1|2) ;;
*) die "E2E_DOM0_VCPUS must be 1 or 2 (QEMU gives Xen two CPUs): $DOM0_VCPUS" ;;
esac
case $OUT in
*[,\ ]*) die "OUTDIR must not contain commas or spaces (QEMU's -initrd syntax): $OUT" ;;
esac

t_start=$(date +%s)
sh "$HERE/build-images.sh" "$OUT" "$DAEMON" $DRILL || die "building the images failed"
t_built=$(date +%s)

# Xen's console on COM1 (the file), dom0's on hvc0 through Xen.  smap is
# off because dom0 crashes at once with it under TCG; KVM is not used.
# spec-ctrl=eager-fpu: QEMU's TCG runs XSAVE, XSAVEOPT and XRSTOR
# without the #NM that CR0.TS asks for (7.2 here; the translator and
# helpers check only CR4.OSXSAVE and alignment).  On the AMD CPU that
# TCG shows, Xen switches FPU state lazily: it leaves TS set for a vCPU
# whose state is not loaded and loads it at the first #NM.  dom0's
# kernel then saves and restores its tasks' registers from whatever
# vCPU used the FPU last, and any dom0 process (the daemon, xl,
# busybox) may go on with other ymm registers: heap corruption and
# random faults, only while guests run beside dom0, more on a loaded
# host.  Eager switching never leaves TS set.
rm -f "$LOG"
: >"$LOG"
qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -m 2048 -smp 2 \
    -nodefaults -display none -no-reboot -monitor none \
    -serial "file:$LOG" \
    -kernel "$OUT/xen.elf" \
    -append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=$DOM0_VCPUS loglvl=all guest_loglvl=all console_timestamps=boot spec-ctrl=eager-fpu" \
    -initrd "$OUT/vmlinuz console=hvc0 earlyprintk=xen xcw_e2e=$SET,$OUT/dom0.cpio.gz" \
    >"$OUT/qemu.out" 2>&1 &
qpid=$!
# Never leave QEMU behind, whoever stops us (ctest's timeout included).
trap 'kill $qpid 2>/dev/null; exit 1' HUP INT TERM

# Lines that end the run at once: dom0 or Xen died, or /init gave up.
# Guest consoles go to xenconsoled's logs, not here.
FATAL='E2E FATAL|^(\[ *[0-9.]+\] )?Kernel panic - not syncing|Panic on CPU|FATAL TRAP|Attempted to kill init|\(XEN\) Reboot in'

verdict=""
elapsed=0
done_at=""
lines=0
progress_at=0
while kill -0 $qpid 2>/dev/null; do
	n=$(grep -c '^E2E ' "$LOG")
	if [ "$n" -ne "$lines" ]; then
		lines=$n
		progress_at=$elapsed
	fi
	if [ $((elapsed - progress_at)) -ge "$STALL" ]; then
		verdict="no progress for $STALL s"
		break
	fi
	if grep -qE "$FATAL" "$LOG"; then
		verdict="fatal console line"
		break
	fi
	if [ -z "$done_at" ] && grep -q '^E2E DONE' "$LOG"; then
		done_at=$elapsed
	fi
	if [ -n "$done_at" ] && [ $((elapsed - done_at)) -ge 30 ]; then
		verdict="scenarios finished but the machine did not power off within 30 s"
		break
	fi
	if [ $elapsed -ge "$TIMEOUT" ]; then
		verdict="timed out after $TIMEOUT s"
		break
	fi
	sleep 1
	elapsed=$(($(date +%s) - t_built))
done
if kill -0 $qpid 2>/dev/null; then
	kill $qpid 2>/dev/null
	sleep 1
	kill -9 $qpid 2>/dev/null
fi
wait $qpid 2>/dev/null
t_end=$(date +%s)
tr -d '\r' <"$LOG" >"$LOG.txt"

# Every check the scenarios must have passed, by name.
missing=""
for c in $(grep -v '^#' "$CHECKS"); do
	grep -q "^E2E PASS $c:" "$LOG.txt" || missing="$missing $c"
done
if [ -z "$verdict" ] && grep -qE "$FATAL" "$LOG.txt"; then
	verdict="fatal console line"
elif [ -z "$verdict" ] && grep -q '^E2E FAIL' "$LOG.txt"; then
	verdict="checks failed"
elif [ -z "$verdict" ] && ! grep -q '^E2E DONE failures=0$' "$LOG.txt"; then
	verdict="scenarios did not finish cleanly"
elif [ -z "$verdict" ] && [ -n "$missing" ]; then
	verdict="checks missing:$missing"
fi

echo "e2e: images $((t_built - t_start)) s, boot and scenarios $((t_end - t_built)) s, console log $LOG"
grep -E '^E2E (PASS|FAIL|FIGURE|DONE)' "$LOG.txt"
# The figures side by side: xl's own handling against the daemon's.
awk '$1 == "E2E" && $2 == "FIGURE" { f[$3] = $4 }
function v(k) { return k in f ? f[k] : "?" }
END {
	if ("daemon_coredump_s" in f) {
		printf "e2e: crash to destroyed: xl on_crash=coredump-destroy %s s, daemon coredump-destroy %s s\n",
		    v("xl_crash_to_destroy_s"), v("daemon_crash_to_destroy_s")
		printf "e2e: dump time, dom0 with %s vCPUs: xl dump-core %s s, daemon %s s, daemon zstd %s s (beside other guests)\n",
		    v("dom0_vcpus"), v("xl_dump_core_s"), v("daemon_coredump_s"), v("daemon_zstd_s")
		for (i = 1; i <= 2; i++) {
			p = i == 1 ? "daemon_coredump" : "daemon_zstd"
			printf "e2e: daemon %s dump profile (s): reading %s, copying %s, waiting %s, %s %s, writing %s, writeback %s, flush %s\n",
			    i == 1 ? "sparse" : "zstd", v(p "_read_s"),
			    v(p "_feed_s"), v(p "_wait_s"),
			    i == 1 ? "zero scan" : "compressing", v(p "_work_s"),
			    v(p "_write_s"), v(p "_sync_s"), v(p "_flush_s")
		}
		printf "e2e: bytes on disk: xl dump-core %s, xl coredump-destroy %s, daemon %s (sparse), daemon zstd %s\n",
		    v("xl_dump_core_disk_bytes"), v("xl_coredump_disk_bytes"),
		    v("daemon_coredump_disk_bytes"), v("daemon_zstd_disk_bytes")
	}
	if ("bench_plain_s" in f) {
		printf "e2e: one guest dumped one way after another (bench-dump, medians), dom0 with %s vCPUs: xc_domain_dumpcore %s s, sparse %s s (reading %s), zstd in the reading thread %s s (reading %s), zstd with 1 thread %s s (reading %s)\n",
		    v("dom0_vcpus"), v("bench_plain_s"), v("bench_sparse_s"),
		    v("bench_sparse_read_s"), v("bench_zstd_t0_s"),
		    v("bench_zstd_t0_read_s"), v("bench_zstd_t1_s"),
		    v("bench_zstd_t1_read_s")
		printf "e2e: bench-dump bytes on disk: xc_domain_dumpcore %s, sparse %s, zstd %s / %s\n",
		    v("bench_plain_disk_bytes"), v("bench_sparse_disk_bytes"),
		    v("bench_zstd_t0_disk_bytes"), v("bench_zstd_t1_disk_bytes")
		printf "e2e: bench-dump against xc_domain_dumpcore (speed, bytes on disk): sparse %sx, %sx; zstd in the reading thread %sx, %sx; zstd with 1 thread %sx, %sx\n",
		    v("bench_sparse_speed"), v("bench_sparse_disk"),
		    v("bench_zstd_t0_speed"), v("bench_zstd_t0_disk"),
		    v("bench_zstd_t1_speed"), v("bench_zstd_t1_disk")
	}
	if ("pvh_xl_dump_core_s" in f)
		printf "e2e: PVH guest core (%s B), dom0 with %s vCPUs: xl dump-core %s s, daemon %s s (reading %s s)\n",
		    v("pvh_xl_dump_core_file_bytes"), v("dom0_vcpus"),
		    v("pvh_xl_dump_core_s"), v("pvh_daemon_dump_s"),
		    v("pvh_daemon_read_s")
}' "$LOG.txt"
if [ -z "$verdict" ]; then
	echo "e2e: OK"
	exit 0
fi

echo "e2e: FAILED: $verdict"
[ -z "$missing" ] || echo "e2e: checks that never passed:$missing"
echo "e2e: --- console lines that matter ---"
grep -nE "$FATAL|^E2E (FAIL|FATAL)|^E2E-KERNEL|xen-crashwatchd" "$LOG.txt" | tail -n 60
echo "e2e: --- last 40 console lines ---"
tail -n 40 "$LOG.txt"
[ -s "$OUT/qemu.out" ] && { echo "e2e: --- qemu ---"; cat "$OUT/qemu.out"; }
exit 1
