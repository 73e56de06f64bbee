#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shipped unit, with all its hardening (system call filter, bounded
# capabilities, read-only system, private /tmp, closed devices), run by a
# service manager of the test's own against the simulator: the daemon
# handles a crash under every action, and a watchdog, end to end inside
# it (evidence, core, libxenlight's destroy, rename, hook, restart) with
# no call refused; the
# restart command runs outside the sandbox; the daemon killed while one
# runs sees it through once, from inside the sandbox; a stop leaves the
# restarted guests' processes alone and ends the service cleanly.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"
# PrivateTmp= hides the host's /tmp and /var/tmp from the service: the
# scratch and simulator directories go beside the build.
export TMPDIR="$(dirname "$CW_BIN")/test-tmp"
mkdir -p "$TMPDIR" || fail "cannot create $TMPDIR"
journald_start
itest_start
trap 'systemctl --user stop xen-crashwatch.service 2>/dev/null; itest_cleanup; systemd_stop; journald_stop' EXIT
systemd_start
daemon=$CW_BIN/xen-crashwatchd
[ -x "$daemon" ] || fail "no $daemon: build it first"

cat >"$T/restart.sh" <<SH
#!/bin/sh
export XENSIM_SOCKET="$XENSIM_SOCKET"
echo "\$1" >>"$T/restarted"
[ "\$1" = slow ] && sleep 3
sleep 300 </dev/null >/dev/null 2>&1 &
echo \$! >"$T/monitor-\$1"
exec "$CW_BIN/xensimctl" create "\$1" --mem 4 >/dev/null
SH
cat >"$T/hook.sh" <<SH
#!/bin/sh
echo "\$XCW_EVENT \$XCW_NAME" >>"$T/hooked"
SH
chmod +x "$T/restart.sh" "$T/hook.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 10; interval = 60; };
hooks = ( { command = [ "@T@/hook.sh" ]; } );
defaults: { on_crash = "coredump-restart"; on_watchdog = "destroy"; };
domains = (
  { match = "p-*"; on_crash = "preserve"; },
  { match = "d-*"; on_crash = "destroy"; },
  { match = "r-*"; on_crash = "restart"; },
  { match = "rr-*"; on_crash = "rename-restart"; },
  { match = "cd-*"; on_crash = "coredump-destroy"; },
  { match = "cp-*"; on_crash = "coredump-preserve"; }
);
EOF2

# The unit as "make install" writes it, pointed at the build and at the
# simulator; no /proc/xen here.  Lowering OOMScoreAdjust needs
# CAP_SYS_RESOURCE, which a container's root may lack: the drop-in keeps
# the manager's.
units=$XDG_RUNTIME_DIR/systemd/user
mkdir -p "$units/xen-crashwatch.service.d"
sed -e "s|@SBINDIR@/xen-crashwatchd|$daemon|" \
    -e "s|-c /etc/xen/crashwatch.conf|-c $CONF|" \
    -e '/^ConditionPathExists=/d' \
    "$CW_SOURCE_DIR/systemd/xen-crashwatch.service" >"$units/xen-crashwatch.service"
grep -q '^SystemCallFilter=' "$units/xen-crashwatch.service" ||
	fail "the unit has no system call filter"
cat >"$units/xen-crashwatch.service.d/test.conf" <<EOF2
[Service]
Environment=XENSTORED_PATH=$XENSTORED_PATH XENSIM_SOCKET=$XENSIM_SOCKET
Environment=LD_LIBRARY_PATH=$LD_LIBRARY_PATH LD_BIND_NOW=1
Environment=XCW_SYSTEMD_SOCKET=$XCW_SYSTEMD_SOCKET
ReadWritePaths=$T $SIM_DIR
OOMScoreAdjust=
RestartSec=1
EOF2
systemctl --user daemon-reload || fail "daemon-reload"
web=$(simctl create web --mem 8) || fail "create web"
systemctl --user start xen-crashwatch.service ||
	{ journalctl -u xen-crashwatch.service -o cat | tail -20 >&2; fail "the service did not start"; }
jlog() { journalctl -u xen-crashwatch.service -o cat; }
wait_for sh -c "journalctl -u xen-crashwatch.service -o cat | grep -qE 'watching [0-9]+ domains'" ||
	{ jlog | tail -20 >&2; fail "the service did not finish its first scan"; }

# The sandbox is in force: a system call filter, no new privileges, and
# a bounding set without, say, CAP_SYS_MODULE (bit 16) or CAP_SETUID (7).
main=$(systemctl --user show -P MainPID xen-crashwatch.service)
status=/proc/$main/status
grep -qx 'Seccomp:[[:space:]]*2' "$status" || fail "the daemon runs without a system call filter"
grep -qx 'NoNewPrivs:[[:space:]]*1' "$status" || fail "the daemon may gain privileges"
bnd=$((0x$(awk '$1 == "CapBnd:" { print $2 }' "$status")))
[ $((bnd & (1 << 16))) -eq 0 ] && [ $((bnd & (1 << 7))) -eq 0 ] ||
	fail "the daemon's bounding set is not the unit's: $(grep CapBnd "$status")"

simctl crash "$web"
wait_for sh -c "journalctl -u xen-crashwatch.service -o cat | grep -q 'domain $web (web): coredump-restart done'" 30 ||
	{ jlog | tail -30 >&2; fail "the crash was not handled inside the sandbox"; }
jlog | grep -qE "domain $web \(web\): restart command exited 0; domain [0-9]+ \(web\) runs" ||
	{ jlog | tail -30 >&2; fail "web was not restarted"; }
ls "$T"/dump/*web* >/dev/null 2>&1 || fail "no core of web in $T/dump"
grep -q "^crash-handled web" "$T/hooked" || fail "the hook did not run: $(cat "$T/hooked" 2>&1)"
! jlog | grep -qiE 'bad system call|operation not permitted|SIGSYS|failed' ||
	{ jlog | grep -iE 'bad system call|operation not permitted|SIGSYS|failed' >&2; fail "a call was refused in the sandbox"; }

# Every other action, and a watchdog, inside the same sandbox.
for n in p-1 d-1 r-1 rr-1 cd-1 cp-1 w-1; do
	eval "id_${n//-/_}=\$(simctl create $n --mem 8)" || fail "create $n"
done
for n in p-1 d-1 r-1 rr-1 cd-1 cp-1; do
	eval "simctl crash \$id_${n//-/_}"
done
simctl watchdog "$id_w_1"
for w in "p-1: preserve" "d-1: destroy" "r-1: restart" "rr-1: rename-restart" \
    "cd-1: coredump-destroy" "cp-1: coredump-preserve" "w-1: destroy"; do
	n=${w%%:*}
	wait_for sh -c "journalctl -u xen-crashwatch.service -o cat | grep -q '($n):${w#*:} done'" 30 ||
		{ jlog | tail -30 >&2; fail "$n was not handled inside the sandbox"; }
done
ls "$T"/dump/cd-1-* "$T"/dump/cp-1-* >/dev/null 2>&1 || fail "no cores of cd-1 and cp-1"
! jlog | grep -qiE 'bad system call|operation not permitted|SIGSYS|failed' ||
	{ jlog | grep -iE 'bad system call|operation not permitted|SIGSYS|failed' >&2; fail "a call was refused in the sandbox"; }
check_eq "$(systemctl --user show -P ActiveState xen-crashwatch.service)" active "the service"
check_eq "$(systemctl --user show -P NRestarts xen-crashwatch.service)" 0 "service restarts"
kill $(cat "$T"/monitor-r-1 "$T"/monitor-rr-1) 2>/dev/null

# Killed while a restart command runs: the command, in a unit of its
# own, goes on; the daemon that systemd starts again sees, from inside
# the sandbox, that it runs, waits for it, and does not run it twice.
slow=$(simctl create slow --mem 8) || fail "create slow"
simctl crash "$slow"
wait_for grep -qx slow "$T/restarted" || fail "slow: the command did not start"
systemctl --user kill -s KILL xen-crashwatch.service || fail "kill"
wait_for sh -c "journalctl -u xen-crashwatch.service -o cat | grep -q 'domain $slow (slow): restart command started by the previous run; slow runs'" 30 ||
	{ jlog | tail -30 >&2; fail "slow: the restarted daemon did not see the command through"; }
check_eq "$(systemctl --user show -P NRestarts xen-crashwatch.service)" 1 "service restarts after the kill"
kill "$(cat "$T/monitor-slow")"

systemctl --user stop xen-crashwatch.service || fail "stop"
check_eq "$(systemctl --user show -P Result xen-crashwatch.service)" success "how the service ended"
monitor=$(cat "$T/monitor-web")
kill -0 "$monitor" 2>/dev/null || fail "the restarted guest's monitor died with the service"
kill "$monitor"
check_eq "$(sort "$T/restarted" | tr '\n' ' ')" "r-1 rr-1 slow web " "commands run"
pass "the shipped unit's sandbox lets the daemon do its work"
