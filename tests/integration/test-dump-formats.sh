#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's dumps, sparse and zstd, hold exactly what a plain
# xc_domain_dumpcore writes; the sparse one takes fewer disk blocks.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
DRIVER="$CW_BIN/dump-driver"
[ -x "$DRIVER" ] || fail "no $DRIVER: build the dump-driver target"
command -v zstd >/dev/null || fail "the zstd tool is needed (package zstd)"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; compress = "none"; };
defaults: { on_crash = "coredump-preserve"; };
EOF2
s=$(simctl create sparse-1 --mem 32 --zero-pct 50 --random-pct 20)
daemon_start
simctl crash "$s"
expect_log "\(sparse-1\): coredump-preserve done" 20 || fail "sparse dump"
# Where the time went, said with -v: reading, copying, the writer's parts.
grep -qE "\(sparse-1\): dump profile: reading guest memory [0-9.]+ s, copying [0-9.]+ s, waiting for the writer [0-9.]+ s, zero scan [0-9.]+ s, writing [0-9.]+ s" "$DAEMON_LOG" ||
	fail "no dump profile for sparse-1 in the -v log"
daemon_stop
"$DRIVER" plain "$s" "$T/plain.core" || fail "plain dump"
f=$(ls "$T"/dump/sparse-1-*.core) || fail "no sparse core file"
cmp "$f" "$T/plain.core" || fail "sparse dump differs from the plain one"
sb=$(stat -c %b "$f"); pb=$(stat -c %b "$T/plain.core")
echo "disk blocks: sparse $sb, plain $pb"
[ "$sb" -lt "$pb" ] || fail "sparse dump uses $sb blocks, plain $pb"

sed -i 's/compress = "none"/compress = "zstd"/' "$CONF"
z=$(simctl create zstd-1 --mem 32 --zero-pct 50 --random-pct 20)
: >"$DAEMON_LOG"
daemon_start
simctl crash "$z"
expect_log "\(zstd-1\): coredump-preserve done" 20 || fail "zstd dump"
grep -qE "\(zstd-1\): dump profile: reading guest memory [0-9.]+ s, copying [0-9.]+ s, waiting for the writer [0-9.]+ s, compressing [0-9.]+ s" "$DAEMON_LOG" ||
	fail "no dump profile for zstd-1 in the -v log"
daemon_stop
"$DRIVER" plain "$z" "$T/plain-z.core" || fail "plain dump"
f=$(ls "$T"/dump/zstd-1-*.core.zst) || fail "no .core.zst file"
zstd -q -d -c "$f" | cmp - "$T/plain-z.core" || fail "zstd -d differs from the plain dump"
echo "bytes: zstd $(stat -c %s "$f"), plain $(stat -c %s "$T/plain-z.core")"
pass "sparse and zstd dumps equal the plain one"
