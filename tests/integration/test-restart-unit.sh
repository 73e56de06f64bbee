#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Restart commands run outside the daemon, as transient services that
# systemd starts (a service manager of the test's own, "systemd --user"
# as root): not in the daemon's cgroup, not with its OOM protection, left
# running when the daemon stops, their output in the journal.  A daemon
# killed just after systemd started the command's unit, or just after
# asking for it, runs it once all the same.  Without systemd the daemon
# says that commands are its children.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"
journald_start
itest_start
trap 'itest_cleanup; systemd_stop; journald_stop' EXIT

# restart.sh NAME: "xl create", whose monitor of the guest (here a sleep)
# outlives it.  It runs under systemd's environment, not ours: the
# simulator's socket is written in.
cat >"$T/restart.sh" <<SH
#!/bin/sh
export XENSIM_SOCKET="$XENSIM_SOCKET"
echo "\$1" >>"$T/restarted"
{ echo "oom \$(cat /proc/self/oom_score_adj)"; cat /proc/self/cgroup; } >"$T/info-\$1"
case "\$1" in
reexec) sleep 2 ;;
broken) echo "xl: cannot create broken: no such configuration" >&2; exit 3 ;;
slow*) sleep 1 ;;
esac
sleep 300 </dev/null >/dev/null 2>&1 &
echo \$! >"$T/monitor-\$1"
exec "$CW_BIN/xensimctl" create "\$1" --mem 4 >/dev/null
SH
chmod +x "$T/restart.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; wait = 3; burst = 100; interval = 60; };
defaults: { on_crash = "restart"; };
EOF2

# No systemd as init: commands are the daemon's children, and it says so.
daemon_start
expect_log 'systemd is not the init system: restart commands run as the daemon.s children' 5 ||
	fail "no word that restart commands run as children"
daemon_stop
: >"$DAEMON_LOG"

systemd_start
# The unit makes the daemon OOM-protected (-900); its commands must have
# the system's default instead.  Lowering needs CAP_SYS_RESOURCE, which a
# container may lack; raising does not, and proves the same.
sys_oom=$(cat /proc/$SYSTEMD_PID/oom_score_adj)
echo 500 >/proc/self/oom_score_adj || fail "cannot set the test's oom_score_adj"
web=$(simctl create web --mem 4) || fail "create web"
broken=$(simctl create broken --mem 4) || fail "create broken"
daemon_start
pid=$DAEMON_PID
simctl crash "$web"
simctl crash "$broken"
expect_log "domain $web \(web\): restart command exited 0; domain [0-9]+ \(web\) runs" 20 ||
	fail "web: not restarted"
expect_log "domain $broken \(broken\): restart failed: the command exited 3, and no domain named broken runs after 3 s" 20 ||
	fail "broken: the failure is not reported"
expect_log "restart of broken: its output is in the journal: journalctl -u xen-crashwatch-restart-[0-9a-f]{32}-$pid\.service" 5 ||
	fail "broken: no word where its output is"
unit=$(grep -E "restart of broken: its output" "$DAEMON_LOG" | grep -oE "xen-crashwatch-restart-[0-9a-f]{32}-$pid\.service" | head -1)

check_eq "$(cat /proc/$pid/oom_score_adj)" 500 "the daemon's oom_score_adj"
check_eq "$(head -1 "$T/info-web")" "oom $sys_oom" "the command's oom_score_adj (the system's, not the daemon's)"
grep -qE "/xen-crashwatch-restart-[0-9a-f]{32}-$pid\.service\$" "$T/info-web" ||
	{ cat "$T/info-web" >&2; fail "the command did not run in a unit of its own"; }
wait_for sh -c "journalctl -u '$unit' -o cat | grep -q 'no such configuration'" ||
	{ journalctl -o json | grep -E "restart|configuration" | jq -c "{MESSAGE,_SYSTEMD_UNIT,USER_UNIT}" | tail -20 >&2; fail "the failed command's words are not in the journal under $unit"; }

daemon_stop
monitor=$(cat "$T/monitor-web")
kill -0 "$monitor" 2>/dev/null || fail "the restarted guest's monitor died with the daemon"
kill "$monitor"
check_eq "$(sort "$T/restarted" | tr '\n' ' ')" "broken web " "commands run (once each)"

# systemd re-executes while a command runs (as on its upgrades): the
# daemon loses its connection, connects again, follows the same unit to
# its end, and reaches systemd for the next command.
reexec=$(simctl create reexec --mem 4) || fail "create reexec"
again=$(simctl create again --mem 4) || fail "create again"
: >"$DAEMON_LOG"
daemon_start
simctl crash "$reexec"
wait_for test -e "$T/info-reexec" || fail "reexec: the command did not start"
systemctl --user daemon-reexec || fail "daemon-reexec"
expect_log "lost the connection to systemd \(unix:path=$XCW_SYSTEMD_SOCKET\): .*; connecting again" 20 ||
	fail "reexec: the lost connection went unsaid"
expect_log "domain $reexec \(reexec\): restart command exited 0; domain [0-9]+ \(reexec\) runs" 20 ||
	fail "reexec: the unit was not followed through the re-execution"
simctl crash "$again"
expect_log "domain $again \(again\): restart command exited 0; domain [0-9]+ \(again\) runs" 20 ||
	fail "again: no restart after systemd came back"
grep -qE "/xen-crashwatch-restart-[0-9a-f]{32}-[0-9]+\.service\$" "$T/info-again" ||
	fail "again: not run as a unit after the reconnection"
daemon_stop
kill "$(cat "$T/monitor-reexec")" "$(cat "$T/monitor-again")" 2>/dev/null
check_eq "$(grep -cxE 'reexec|again' "$T/restarted")" 2 "commands run across the re-execution"

# Killed just after systemd started the unit, and just after asking for
# it: the next run runs the command no second time, and sees the guest.
notify_listen
unset WATCHDOG_USEC WATCHDOG_PID
for point in restart-unit-started restart-started; do
	name=slow-${point%%-started}
	id=$(simctl create "$name" --mem 4) || fail "create $name"
	drill_start "$point"
	simctl crash "$id"
	wait_for sh -c "! kill -0 $DAEMON_PID 2>/dev/null" || fail "$point: not killed there"
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=""
	drill_start
	expect_log "domain $id \($name\): restart (command started by the previous run; $name runs|command exited 0; domain [0-9]+ \($name\) runs)" 20 ||
		fail "$point: the restart was not seen through"
	sleep 1.5
	check_eq "$(grep -c "^$name\$" "$T/restarted")" 1 "$point: command runs"
	check_eq "$(simctl list | awk -v n="$name" '$2 == n' | wc -l)" 1 "$point: guests of that name"
	drill_stop
	kill "$(cat "$T/monitor-$name")" 2>/dev/null
done
[ -n "${XCW_SHOW_LOG:-}" ] && grep -E "slow|unit|run-once|started before" "$DAEMON_LOG" >&2
pass "restart commands run as systemd's transient services, once"
