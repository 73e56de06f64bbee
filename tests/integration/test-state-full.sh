#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A full file system under the state: saving fails loudly and the last
# good state file stays whole, so a restarted daemon still knows what it
# handled before.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
[ "$(id -u)" -eq 0 ] || fail "needs root (a small tmpfs in a private mount namespace)"
if [ -z "${XCW_IN_NS:-}" ]; then
	XCW_IN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
itest_start
mount -t tmpfs -o size=256k tmpfs "$T/state" || fail "cannot mount a tmpfs"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "preserve"; };
EOF2
a=$(simctl create first --mem 8)
b=$(simctl create second --mem 8)
daemon_start
simctl crash "$a"
expect_log "domain $a \(first\): preserve done" || fail "first crash"
wait_for grep -q first "$T/state/state" || fail "first crash not saved"
cp "$T/state/state" "$T/good-state"
dd if=/dev/zero of="$T/state/filler" bs=4k 2>/dev/null
simctl crash "$b"
expect_log "domain $b \(second\): preserve done" || fail "second crash"
expect_log "cannot save the state: No space left on device" || fail "no error on a full disk"
daemon_stop
cmp "$T/state/state" "$T/good-state" || fail "the state file changed on a full disk"
check_eq "$(ls -A "$T/state" | grep -v -x -e state -e filler -e incidents)" "" \
    "temporary state files left"
check_eq "$(ls -A "$T/state/incidents" | grep -vxE '[0-9a-f]{32}\.json')" "" \
    "temporary report files left"
rm -f "$T/state/filler"
: >"$DAEMON_LOG"
daemon_start
sleep 1
check_eq "$(count_log "domain $a \(first\) crashed")" 0 "first crash handled again"
daemon_stop
umount "$T/state"
pass "state on a full disk"
