#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A "state.tmp" planted in the state directory (a symlink to a file
# elsewhere) neither stops saves nor gets written through: the state is
# written to a temporary file of its own, under a name nobody can know
# in advance.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "preserve"; };
EOF2
mkdir "$T/elsewhere"
echo precious >"$T/elsewhere/target"
ln -s "$T/elsewhere/target" "$T/state/state.tmp"
a=$(simctl create first --mem 8)
b=$(simctl create second --mem 8)
daemon_start
simctl crash "$a"
expect_log "domain $a \(first\): preserve done" || fail "first crash"
wait_for grep -q first "$T/state/state" || fail "first crash not saved"
simctl crash "$b"
expect_log "domain $b \(second\): preserve done" || fail "second crash"
wait_for grep -q second "$T/state/state" || fail "second crash not saved"
daemon_stop
check_eq "$(cat "$T/elsewhere/target")" precious "the symlink's target"
[ -L "$T/state/state.tmp" ] || fail "the planted symlink was removed"
[ -f "$T/state/state" ] && [ ! -L "$T/state/state" ] ||
	fail "the state is not a regular file"
check_eq "$(count_log 'cannot save')" 0 "save failures"
pass "a planted state.tmp does not stop saves"
