#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A state directory that turns read-only: the daemon says so once, at
# CRIT, with what it means, however many changes follow; it keeps
# handling crashes, and says when saving works again, which saves
# everything it could not.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
[ "$(id -u)" -eq 0 ] || fail "needs root (a tmpfs in a private mount namespace)"
if [ -z "${XCW_IN_NS:-}" ]; then
	XCW_IN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
itest_start
# Root ignores permission bits: a read-only mount is what refuses root.
mount -t tmpfs -o size=1m tmpfs "$T/state" || fail "cannot mount a tmpfs"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "preserve"; };
EOF2
for n in first ro-1 ro-2 ro-3 last; do
	simctl create "$n" --mem 8 >"$T/id-$n"
done
daemon_start
d=$(cat "$T/id-first")
simctl crash "$d"
expect_log "domain $d \(first\): preserve done" || fail "first crash"
wait_for grep -q first "$T/state/state" || fail "first crash not saved"

mount -o remount,ro "$T/state" || fail "cannot make the state read-only"
for n in ro-1 ro-2 ro-3; do
	d=$(cat "$T/id-$n")
	simctl crash "$d"
	expect_log "domain $d \($n\): preserve done" || fail "crash of $n"
	expect_log "cannot save the state" || fail "no word of the failure"
done
sleep 1
check_eq "$(count_log 'cannot save the state')" 1 "failures said"
expect_log "cannot save the state: Read-only file system\. Until it can, a restarted daemon forgets" ||
	fail "the failure does not say what it means"
grep -q ro-1 "$T/state/state" && fail "saved on a read-only file system?"

mount -o remount,rw "$T/state" || fail "cannot make the state writable"
d=$(cat "$T/id-last")
simctl crash "$d"
expect_log "domain $d \(last\): preserve done" || fail "last crash"
expect_log "state saved again" || fail "no word that saving works again"
daemon_stop
for n in first ro-1 ro-2 ro-3 last; do
	grep -q "name = \"$n\"" "$T/state/state" || fail "$n missing from the state"
done
check_eq "$(count_log 'cannot save the state')" 1 "failures said"
check_eq "$(ls -A "$T/state" | grep -v -x -e state -e incidents)" "" \
    "temporary files left"
check_eq "$(ls -A "$T/state/incidents" | grep -vxE '[0-9a-f]{32}\.json')" "" \
    "temporary report files left"
umount "$T/state"
pass "a read-only state directory is said once, and its end too"
