#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What cannot be the state is refused before it is read, kept aside as
# state.corrupt, and the daemon starts empty: a FIFO (opening it would
# wait for a writer forever), a symlink (not followed: a save would
# replace the link, not write through it) and a file larger than any
# state the daemon writes.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "preserve"; };
EOF2
S="$T/state/state"

# A FIFO, with no writer.
mkfifo "$S"
d=$(simctl create first --mem 8)
daemon_start
expect_log "$S: the state is not a regular file; kept as $S.corrupt, starting empty" ||
	fail "the FIFO was not refused"
[ -p "$S.corrupt" ] || fail "the FIFO was not kept aside"
simctl crash "$d"
expect_log "domain $d \(first\): preserve done" || fail "crash not handled"
wait_for grep -q first "$S" || fail "no save after a FIFO"
[ -f "$S" ] && [ ! -L "$S" ] || fail "the state is not a regular file"
daemon_stop

# A symlink to a valid state elsewhere: refused, the target untouched.
mkdir "$T/elsewhere"
mv "$S" "$T/elsewhere/state"
cp "$T/elsewhere/state" "$T/elsewhere/copy"
ln -s "$T/elsewhere/state" "$S"
: >"$DAEMON_LOG"
daemon_start
expect_log "$S: the state is not a regular file" || fail "the symlink was not refused"
[ -L "$S.corrupt" ] || fail "the symlink was not kept aside"
daemon_stop
cmp "$T/elsewhere/state" "$T/elsewhere/copy" || fail "the symlink's target changed"

# Larger than any state we write (a sparse file, nothing to read).
rm -f "$S" "$S.corrupt"
truncate -s 65M "$S"
: >"$DAEMON_LOG"
daemon_start
expect_log "$S: the state is too large to be ours \(68157440 bytes" ||
	fail "the oversized state was not refused"
check_eq "$(stat -c %s "$S.corrupt")" 68157440 "the file kept aside"
daemon_stop
pass "a state that is not a regular file of sane size is refused"
