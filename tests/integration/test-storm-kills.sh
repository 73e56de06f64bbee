#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A storm with SIGKILLs at random times: 150 guests under every action
# crash at once, and the daemon is killed 15 times at random moments
# while it handles them, then started again each time; twice, with two
# seeds.  In the end every crash was handled exactly once: one crash
# alert, one complete core for a dump action, one destroy for a
# destroying one, one restart for a restarting one, one hook run.
# (test-kill-drill.sh kills at each named point, one crash at a time.)

. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"
journald_start
itest_start
trap 'itest_cleanup; journald_stop' EXIT

GUESTS=${XCW_STORM_GUESTS:-150}
KILLS=${XCW_STORM_KILLS:-15}
SEEDS=${XCW_STORM_SEEDS:-"1 2"}

cat >"$T/restart.sh" <<SH
#!/bin/sh
echo "\$1" >>"$T/restarted"
exec "$CW_BIN/xensimctl" create "\$1" --mem 2 >/dev/null
SH
cat >"$T/hook.sh" <<SH
#!/bin/sh
echo "\$XCW_NAME \$XCW_EVENT" >>"$T/hooked"
SH
chmod +x "$T/restart.sh" "$T/hook.sh"

# Short words, so that no rule's glob matches another's guests.
KINDS="pres dest rest ren cdd cdr cdp"
action_of() {
	case $1 in
	pres) echo preserve ;; dest) echo destroy ;; rest) echo restart ;;
	ren) echo rename-restart ;; cdd) echo coredump-destroy ;;
	cdr) echo coredump-restart ;; cdp) echo coredump-preserve ;;
	esac
}
{
	echo 'state_dir = "@T@/state";'
	echo 'dump: { directory = "@T@/dump"; keep_free = "0"; max_parallel = 2; };'
	echo 'restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 1000; interval = 60; };'
	echo 'hooks = ( { command = [ "@T@/hook.sh" ]; timeout = 30; } );'
	echo 'domains = ('
	for k in $KINDS; do
		echo "  { match = \"*-$k-*\"; on_crash = \"$(action_of $k)\"; },"
	done
	echo '  { match = "*"; on_crash = "preserve"; }'
	echo ');'
} | write_conf

notify_listen
unset WATCHDOG_USEC WATCHDOG_PID
total_kills=0
for seed in $SEEDS; do
	RANDOM=$seed
	: >"$T/ids"
	i=0
	while [ $i -lt "$GUESTS" ]; do
		set -- $KINDS
		shift $((i % 7))
		name="s$seed-$1-$i"
		echo "$(simctl create "$name" --mem 2) $name $1" >>"$T/ids" ||
			fail "create $name"
		i=$((i + 1))
	done
	drill_start
	while read -r id name kind; do
		simctl crash "$id" || fail "crash $name"
	done <"$T/ids"
	k=0
	while [ $k -lt "$KILLS" ]; do
		# 20 to 400 ms into the work, then SIGKILL, then again.
		usleep=$((20000 + RANDOM % 380000))
		sleep "$(printf '0.%06d' $usleep)"
		kill -KILL "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
		drill_start
		k=$((k + 1))
	done
	total_kills=$((total_kills + KILLS))
	await_settled "seed $seed"
	drill_stop "seed $seed" || fail "seed $seed: killed without a kill point"
	sleep 0.2	# journald takes its last datagrams

	while read -r id name kind; do
		a=$(action_of "$kind")
		# On a failure, what the daemon said about this guest.
		trap 'grep -n "($name)\|$name" "$DAEMON_LOG" >&2; ls -la "$T/state/started" >&2; itest_cleanup; journald_stop' EXIT
		check_eq "$(alerts "$name")" 1 "$name ($a): crash alerts"
		check_eq "$(count_history "xc_domain_destroy domid=$id ")" \
		    "$(case $a in destroy|restart|coredump-destroy|coredump-restart)
		    echo 1 ;; *) echo 0 ;; esac)" "$name ($a): destroys"
		check_eq "$(cat "$T/restarted" 2>/dev/null | grep -cx "$name")" \
		    "$(case $a in *restart) echo 1 ;; *) echo 0 ;; esac)" \
		    "$name ($a): restarts"
		check_eq "$(cat "$T/hooked" 2>/dev/null | grep -cx "$name crash-detected")" 1 \
		    "$name ($a): hook runs at detection"
		check_eq "$(cat "$T/hooked" 2>/dev/null | grep -cx "$name crash-handled")" 1 \
		    "$name ($a): hook runs at the end"
		check_eq "$(ls "$T/dump" | grep -c "^$name-.*\.core$")" \
		    "$(case $a in coredump-*) echo 1 ;; *) echo 0 ;; esac)" \
		    "$name ($a): core files"
	done <"$T/ids"
	trap 'itest_cleanup; journald_stop' EXIT
	check_eq "$(ls -A "$T/dump" | grep -c partial)" 0 "seed $seed: partial files"
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DAEMON_LOG"; then
		cat "$DAEMON_LOG" >&2
		fail "seed $seed: the sanitizers reported a problem"
	fi
done
check_eq "$(stat -c %s "$T"/dump/*.core | sort -u | wc -l)" 1 \
    "sizes of the core files (none cut short)"
pass "$GUESTS crashes, $total_kills SIGKILLs at random times, seeds $SEEDS: each crash handled once"
