#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hook past its deadline is stopped with everything it started: TERM and
# KILL go to its process group, so neither a background child nor one
# that ignores TERM lives on.  A hook that exits at once, leaving a
# background child on its output, still ends (the pipe is given up on).
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
# Whatever the outcome, no sleeper of ours is left behind: each hook
# leads a process group, the others may have left it.
leftovers() {
	for f in "$T"/*.pid; do
		[ -f "$f" ] || continue
		_p=$(cat "$f")
		kill -KILL -- "-$_p" "$_p" 2>/dev/null
	done
	itest_cleanup
}
trap 'leftovers' EXIT

# For the domain "group": two background children, one deaf to TERM, and
# the hook itself waiting in the foreground, all past the 1 s deadline.
cat >"$T/group.sh" <<'SH'
#!/bin/sh
[ "$XCW_NAME" = group ] || exit 0
d=$(dirname "$0")
sleep 300 &
echo $! >"$d/bg.pid"
(trap '' TERM; exec sleep 301) &
echo $! >"$d/deaf.pid"
echo $$ >"$d/hook.pid"
echo ready >"$d/group.ready"
sleep 302
SH
# For the domain "quick": exits at once, its child keeps the output open.
cat >"$T/quick.sh" <<'SH'
#!/bin/sh
[ "$XCW_NAME" = quick ] || exit 0
sleep 303 &
echo $! >"$(dirname "$0")/quick-bg.pid"
exit 0
SH
chmod +x "$T/group.sh" "$T/quick.sh"

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
hooks = (
  { command = [ "@T@/group.sh" ]; timeout = 1; events = [ "handled" ]; },
  { command = [ "@T@/quick.sh" ]; timeout = 60; events = [ "handled" ]; }
);
defaults: { on_crash = "preserve"; on_watchdog = "preserve"; };
EOF2

# Alive: in /proc and not a zombie (an orphan's zombie waits for init).
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	_s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$_s" ] && [ "$_s" != Z ] && [ "$_s" != X ]
}
dead() {
	! alive "$1"
}

g=$(simctl create group --mem 4) || fail "create group"
q=$(simctl create quick --mem 4) || fail "create quick"
daemon_start
simctl crash "$g"
simctl crash "$q"

expect_log "domain $g \(group\): hook 1 \\([^)]*\\) for crash-handled killed by SIG(TERM|KILL) after passing its deadline" 20 ||
	fail "the hook's end past its deadline was not logged"
expect_log "domain $g \(group\): preserve done" 10 || fail "group"
[ -f "$T/group.ready" ] || fail "the hook did not start its children"
for f in hook bg deaf; do
	pid=$(cat "$T/$f.pid")
	wait_for dead "$pid" ||
		fail "the hook's $f process (pid $pid) outlived the deadline"
done

# The quick hook ended on its own, although its child holds the pipe.
expect_log "domain $q \(quick\): hook 2 \\([^)]*\\) for crash-handled exited 0" 20 ||
	fail "a hook whose child kept its output open never ended"
expect_log "domain $q \(quick\): preserve done" 10 || fail "quick"
daemon_stop
pass "hooks past their deadline leave no process behind"
