#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A stop lets the daemon's own commands end: on TERM it begins no new
# step and waits for a destroy command under way (which systemd's
# KillMode=mixed would otherwise KILL when the daemon exits); the next
# start goes on with the plan from the next step.  A second TERM stops
# it at once.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
restart_standin
cat >"$T/destroy.sh" <<SH
#!/bin/sh
echo "\$2" >>"$T/began"
sleep \$( [ "\$2" = stubborn ] && echo 60 || echo 2 )
"$CW_BIN/xensimctl" destroy "\$1"
echo "\$2" >>"$T/ended"
SH
chmod +x "$T/destroy.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
destroy: { command = [ "@T@/destroy.sh", "%d", "%n" ]; timeout = 120; };
restart: { command = [ "@T@/restart.sh", "%n" ]; };
defaults: { on_crash = "restart"; };
EOF2
# exited: wait for the daemon, which must exit 0 with no sanitizer report.
exited() {
	wait "$DAEMON_PID"
	check_eq "$?" 0 "the daemon's exit status"
	DAEMON_PID=""
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DAEMON_LOG" ||
		fail "the sanitizers reported a problem"
}

d=$(simctl create patient --mem 8) || fail "create"
daemon_start
simctl crash "$d"
wait_for grep -qx patient "$T/began" || fail "the destroy command did not start"
kill -TERM "$DAEMON_PID"
expect_log "stopping: waiting up to 15 s for 1 command and no teardowns to end" 5 ||
	fail "no word of waiting for the destroy command"
exited
check_eq "$(cat "$T/ended" 2>/dev/null)" patient "the destroy command ended before the daemon"
[ ! -e "$T/restarted" ] || fail "the restart step began while stopping"
: >"$DAEMON_LOG"
daemon_start
expect_log "domain $d \(patient\): restart done" 20 || fail "the plan did not go on after the stop"
check_eq "$(grep -cx patient "$T/began")" 1 "runs of the destroy command"
check_eq "$(grep -cx patient "$T/restarted")" 1 "runs of the restart command"
daemon_stop

s=$(simctl create stubborn --mem 8) || fail "create"
: >"$DAEMON_LOG"
daemon_start
simctl crash "$s"
wait_for grep -qx stubborn "$T/began" || fail "the stubborn command did not start"
kill -TERM "$DAEMON_PID"
expect_log "stopping: waiting up to 15 s" 5 || fail "no word of waiting"
kill -TERM "$DAEMON_PID"
expect_log "stopping at once on a second SIGTERM" 5 || fail "a second TERM did not stop it"
exited
pkill -f "$T/destroy.sh" 2>/dev/null
pass "a stop waits for the daemon's commands, a second one does not"
