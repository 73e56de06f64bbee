#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plain build under valgrind: a coredump-destroy, a restart and a
# hook, then TERM; exit 0, no memory errors, no definite or indirect leaks.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"

command -v valgrind >/dev/null ||
	fail "valgrind is missing (Debian package valgrind, in tests/install-deps)"
XCW_DAEMON="$CW_BIN/xen-crashwatchd"
itest_start

restart_standin
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
echo "$XCW_DOMID $XCW_ACTION" >>"$(dirname "$0")/hooked"
SH
chmod +x "$T/hook.sh"

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 5; interval = 600; };
hooks = ( { command = [ "@T@/hook.sh", "%n" ]; timeout = 30;
  events = [ "handled", "failed" ]; } );
defaults: { on_crash = "preserve"; };
domains = (
  { match = "cd"; on_crash = "coredump-destroy"; },
  { match = "rest"; on_crash = "restart"; }
);
EOF2
id_cd=$(simctl create cd --mem 16) || fail "create cd"
id_rest=$(simctl create rest --mem 16) || fail "create rest"

# valgrind also follows children that fork without exec (the dump
# workers) and leak-checks them at their _exit, where the parent's heap is
# unreachable by design; with --error-exitcode they would exit 99 and fail
# the dump.  So each process logs to its own file: the daemon's must show
# no errors and no definite or indirect leaks, the workers' no memory
# errors.  Children that exec (restart, hook) are not traced.
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --track-fds=no --trace-children=no --log-file="$T/vg.%p" \
    "$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
expect_log 'watching [0-9]+ domains' 60 ||
	fail "the daemon under valgrind did not finish its first scan"

simctl crash "$id_cd"
simctl crash "$id_rest"
expect_log "domain $id_cd \(cd\): coredump-destroy done" 60 || fail "cd"
expect_log "domain $id_rest \(rest\): restart done" 60 || fail "rest"
check_eq "$(count_history "xc_domain_destroy domid=$id_cd ")" 1 "destroys of cd"
check_eq "$(count_history "xc_domain_destroy domid=$id_rest ")" 1 "destroys of rest"
check_eq "$(ls "$T"/dump/cd-*.core 2>/dev/null | wc -l)" 1 "core files of cd"
check_eq "$(cat "$T/restarted" 2>/dev/null)" rest "restarts"
check_eq "$(sort "$T/hooked" 2>/dev/null | tr '\n' ' ')" \
    "$id_cd coredump-destroy $id_rest restart " "hooks run"

pid=$DAEMON_PID
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
st=$?
DAEMON_PID=""
[ -n "${XCW_SHOW_LOG:-}" ] && cat "$DAEMON_LOG" "$T"/vg.* >&2
vg() {
	cat "$T/vg.$1"
}
[ -f "$T/vg.$pid" ] || fail "no valgrind log for the daemon (pid $pid)"
if [ "$st" -ne 0 ]; then
	vg "$pid" | tail -60 >&2
	fail "the daemon under valgrind exited $st"
fi
vg "$pid" | grep -q 'ERROR SUMMARY: 0 errors' ||
	{ vg "$pid" >&2; fail "valgrind reported errors in the daemon"; }
vg "$pid" | grep -qE '(definitely|indirectly) lost: [1-9]' &&
	{ vg "$pid" >&2; fail "valgrind found leaks in the daemon"; }
vg "$pid" | grep -qE 'All heap blocks were freed|definitely lost: 0 bytes' ||
	{ vg "$pid" >&2; fail "no leak summary from valgrind"; }
# The dump workers: memory errors are bugs, their leaks are not.
n=0
for f in "$T"/vg.*; do
	[ "$f" = "$T/vg.$pid" ] && continue
	n=$((n + 1))
	grep -qE 'Invalid (read|write|free)|uninitialised|Conditional jump|Mismatched free|overlap' "$f" &&
		{ cat "$f" >&2; fail "valgrind found memory errors in a dump worker"; }
done
[ "$n" -ge 1 ] || fail "no valgrind log for the dump worker"
pass "valgrind: no memory errors, no leaks"
