#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kill drill.  For every action and every step boundary it passes,
# SIGKILL the daemon exactly there (XCW_KILL_AT names the point; the
# points exist in the test build only), start it again, and check from
# the simulator's history, the files and the journal that the crash was
# handled exactly once: one crash alert, one complete core file and no
# partial one for a dump action, one destroy for a destroying action, one
# restart for a restarting one, one run of the hook at detection and
# one at the end.  It runs beside a
# journald of its own: a crash alerted just before the kill is known by
# its journal record, the only trace such an alert leaves.

. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"
journald_start
itest_start
trap 'itest_cleanup; journald_stop' EXIT

restart_standin
cat >"$T/hook.sh" <<SH
#!/bin/sh
echo "\$XCW_NAME \$XCW_INCIDENT \$XCW_EVENT" >>"$T/hooked"
SH
chmod +x "$T/hook.sh"

ACTIONS="preserve destroy restart rename-restart coredump-destroy
coredump-restart coredump-preserve"
POINTS="evidence-read crash-alerted plan-begun dump-started dump-renamed dump-done destroy-started
destroy-done rename-named rename-done restart-started restart-done hooks-started
state-saved:1 state-saved:2 state-saved:3 finished"

{
	echo 'state_dir = "@T@/state";'
	echo 'dump: { directory = "@T@/dump"; keep_free = "0"; };'
	echo 'restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 1000; interval = 60; };'
	echo 'hooks = ( { command = [ "@T@/hook.sh" ]; timeout = 30; } );'
	echo 'domains = ('
	for a in $ACTIONS; do
		echo "  { match = \"$a-*\"; on_crash = \"$a\"; },"
	done
	echo '  { match = "*"; on_crash = "preserve"; }'
	echo ');'
} | write_conf

# Does ACTION pass POINT at all?
passes() {
	case "$2" in
	dump-*) case "$1" in coredump-*) return 0 ;; esac; return 1 ;;
	destroy-*) case "$1" in destroy|restart|coredump-destroy|coredump-restart)
		return 0 ;; esac; return 1 ;;
	rename-*) [ "$1" = rename-restart ] ;;
	restart-*) case "$1" in restart|rename-restart|coredump-restart)
		return 0 ;; esac; return 1 ;;
	*) return 0 ;;
	esac
}

notify_listen
unset WATCHDOG_USEC WATCHDOG_PID

runs=0 killed=0
for a in $ACTIONS; do
	for p in $POINTS; do
		passes "$a" "$p" || continue
		runs=$((runs + 1))
		name="$a-$runs"
		what="$a killed at $p"
		id=$(simctl create "$name" --mem 4) || fail "create $name"
		drill_start "$p"
		simctl crash "$id" || fail "crash $name"
		await_settled "$what" 1
		if ! drill_stop "$what"; then
			killed=$((killed + 1))
			drill_start
			await_settled "$what, after the restart"
			drill_stop "$what, after the restart" ||
				fail "$what: killed again without a kill point"
		fi

		# Exactly once, from the world.
		sleep 0.1	# journald takes its last datagrams
		check_eq "$(alerts "$name")" 1 "$what: crash alerts"
		check_eq "$(count_history "xc_domain_destroy domid=$id ")" \
		    "$(case $a in destroy|restart|coredump-destroy|coredump-restart)
		    echo 1 ;; *) echo 0 ;; esac)" "$what: destroys"
		check_eq "$(cat "$T/restarted" 2>/dev/null | grep -cx "$name")" \
		    "$(case $a in *restart) echo 1 ;; *) echo 0 ;; esac)" \
		    "$what: restarts"
		[ -n "${XCW_DRILL_DEBUG:-}" ] && { grep -n "($name)" "$DAEMON_LOG"; cat "$T/state/state"; } >&2
		check_eq "$(cat "$T/hooked" 2>/dev/null | grep -c "^$name .* crash-detected$")" 1 \
		    "$what: hook runs at detection"
		check_eq "$(cat "$T/hooked" 2>/dev/null | grep -c "^$name .* crash-handled$")" 1 \
		    "$what: hook runs at the end"
		check_eq "$(ls "$T/dump" | grep -c "^$name-.*\.core$")" \
		    "$(case $a in coredump-*) echo 1 ;; *) echo 0 ;; esac)" \
		    "$what: core files"
		check_eq "$(ls -A "$T/dump" | grep -c 'partial')" 0 \
		    "$what: partial files"
		grep -q "state\.[A-Za-z0-9]\{6\}$" <(ls "$T/state") &&
			fail "$what: a temporary state file was left"
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
		    "$DAEMON_LOG"; then
			cat "$DAEMON_LOG" >&2
			fail "$what: the sanitizers reported a problem"
		fi
	done
done

# Every complete core has the size of the image: none is cut short.
sizes=$(stat -c %s "$T"/dump/*.core | sort -u | wc -l)
check_eq "$sizes" 1 "sizes of the core files"
[ "$killed" -gt $((runs / 2)) ] ||
	fail "only $killed of $runs runs were killed: kill points not reached"
pass "kill drill: $runs runs, $killed killed at their point, each crash handled once"
