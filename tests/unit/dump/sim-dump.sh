#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dump.sim-files: the dump child against the simulated Xen.  Its sparse
# file is byte for byte what xc_domain_dumpcore writes, in fewer blocks;
# its zstd file decompresses to the same; a failing hypervisor gives
# "failed hypervisor" and leaves no partial file.
#
# Environment: CW_SOURCE_DIR, CW_BIN, CW_SIM_LIB, DUMP_DRIVER.
set -u
. "$CW_SOURCE_DIR/tests/sim/lib.sh"
[ -x "${DUMP_DRIVER:-}" ] || fail "DUMP_DRIVER is not set to dump-driver"
command -v zstd >/dev/null || fail "the zstd tool is needed (package zstd)"

sim_start
W=$(mktemp -d "${TMPDIR:-/tmp}/dump-sim.XXXXXX") || fail "mktemp"
trap 'rm -rf "$W"; sim_stop' EXIT

MEM=32
domid=$(simctl create web-1 --mem $MEM --zero-pct 50 --random-pct 20) ||
	fail "simctl create"
uuid=$(simctl list | awk -v d="$domid" '$1 == d { print $3 }')
[ -n "$uuid" ] || fail "no uuid for domain $domid"
simctl crash "$domid" || fail "simctl crash"
bytes=$((MEM * 1024 * 1024))

"$DUMP_DRIVER" plain "$domid" "$W/plain.core" || fail "plain dump failed"

# done GUEST DISK USEC PATH -> the path, after checking the figures.
done_path() {
	line=$(grep '^done ' "$1") || fail "no done line: $(cat "$1")"
	set -- $line
	[ "$2" -eq "$(stat -c %s "$W/plain.core")" ] ||
		fail "guest bytes $2, plain file is $(stat -c %s "$W/plain.core")"
	[ "$3" -eq $(($(stat -c %b "$5") * $(stat -c %B "$5"))) ] ||
		fail "disk bytes $3 differ from stat"
	echo "$5"
}

"$DUMP_DRIVER" dump "$domid" "$W/dumps" web-1 "$uuid" none "$bytes" \
    >"$W/r1" || fail "sparse dump exited $?: $(cat "$W/r1")"
sparse=$(done_path "$W/r1") || exit 1
case "$sparse" in "$W/dumps/web-1-$uuid-"*Z.core) ;;
*) fail "unexpected file name $sparse" ;; esac
cmp "$W/plain.core" "$sparse" || fail "sparse dump differs from the plain one"
pb=$(stat -c %b "$W/plain.core")
sb=$(stat -c %b "$sparse")
[ "$sb" -lt "$pb" ] || fail "sparse dump uses $sb blocks, plain $pb"
[ "$(stat -c %a "$sparse")" = 600 ] || fail "dump mode $(stat -c %a "$sparse")"
[ "$(stat -c %a "$W/dumps")" = 700 ] || fail "dir mode $(stat -c %a "$W/dumps")"

"$DUMP_DRIVER" dump "$domid" "$W/dumps" web-1 "$uuid" zstd "$bytes" \
    >"$W/r2" || fail "zstd dump exited $?: $(cat "$W/r2")"
zst=$(done_path "$W/r2") || exit 1
case "$zst" in *.core.zst) ;; *) fail "zstd file named $zst" ;; esac
zstd -q -d -c "$zst" | cmp "$W/plain.core" - ||
	fail "zstd -d does not give the plain dump"

simctl fail dumpcore EIO || fail "simctl fail"
"$DUMP_DRIVER" dump "$domid" "$W/dumps" web-1 "$uuid" none "$bytes" \
    >"$W/r3"
st=$?
[ "$st" -eq 13 ] || fail "exit $st after a hypervisor error, want 13"
grep -q '^failed hypervisor 5 ' "$W/r3" ||
	fail "report after EIO: $(cat "$W/r3")"
ls -a "$W/dumps" | grep -q '\.partial$' && fail "partial file left behind"
[ "$(ls "$W/dumps" | wc -l)" -eq 2 ] || fail "files: $(ls "$W/dumps")"
simctl fail dumpcore off

echo "ok: sparse $sb blocks vs plain $pb, zstd $(stat -c %b "$zst")"
