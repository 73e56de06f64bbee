#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-dump.sh [MiB]: the dump benchmark against the simulated Xen.  A
# guest of MiB (default 2048) with 50% zero pages, 20% random and 30%
# compressible is dumped plain, sparse and zstd with 0 and 1 compressing
# threads, in rounds (bench-dump prints the figures and their medians); then the outputs are checked: the sparse file and the
# decompressed zstd file must equal the plain dump.  Fails only if a dump
# fails or the outputs differ, never on speed.
#
# Environment: CW_SOURCE_DIR (or run from the tree), CW_BIN, CW_SIM_LIB;
# BENCH_DIR for the files (default $TMPDIR or /tmp; needs about 1.9x MiB),
# BENCH_ROUNDS (default 2) for bench-dump's rounds.
set -u
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "${CW_SOURCE_DIR:-$here/../..}/tests/sim/lib.sh"
MEM=${1:-2048}
[ -x "$CW_BIN/bench-dump" ] || fail "no $CW_BIN/bench-dump: build it first"
command -v zstd >/dev/null || fail "the zstd tool is needed (package zstd)"

sim_start
W=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/bench-dump.XXXXXX") ||
	fail "mktemp"
trap 'rm -rf "$W"; sim_stop' EXIT

domid=$(simctl create bench --mem "$MEM" --zero-pct 50 --random-pct 20) ||
	fail "simctl create"
uuid=$(simctl list | awk -v d="$domid" '$1 == d { print $3 }')
[ -n "$uuid" ] || fail "no uuid for domain $domid"
simctl crash "$domid" || fail "simctl crash"

echo "dump benchmark: $MEM MiB guest, 50% zero, 20% random, 30% text pages"
"$CW_BIN/bench-dump" -r "${BENCH_ROUNDS:-2}" -t 0,1 "$domid" "$uuid" \
    $((MEM * 1048576)) "$W" >"$W/out" || { cat "$W/out"; fail "bench-dump failed"; }
cat "$W/out"
[ "$(grep -c '^median ' "$W/out")" = 4 ] ||
	fail "bench-dump printed no median for each of plain, sparse, zstd-t0, zstd-t1"

# The last round's files stay; each way holds exactly one.
[ "$(ls "$W"/sparse | grep -c '\.core$')" = 1 ] || fail "sparse/ does not hold one core: $(ls "$W"/sparse)"
sparse=$(ls "$W"/sparse/*.core) || fail "no sparse dump"
cmp "$W/plain.core" "$sparse" || fail "sparse dump differs from the plain one"
for t in 0 1; do
	[ "$(ls "$W"/zstd-t$t | grep -c '\.core\.zst$')" = 1 ] ||
		fail "zstd-t$t/ does not hold one core: $(ls "$W"/zstd-t$t)"
	zstd -q -d -c "$W"/zstd-t$t/*.core.zst | cmp "$W/plain.core" - ||
		fail "zstd -d of zstd-t$t does not give the plain dump"
done
echo "outputs check: sparse == plain, zstd -d == plain (0 and 1 compressing threads)"
