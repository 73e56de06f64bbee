#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rename-restart of a guest whose configuration pins its UUID, as xl's
# rename-restart does it: the crashed domain is renamed and given a new
# UUID (the incident's ID), with /vm/<new> written and /vm/<old> gone;
# the restarted guest keeps the configured UUID.  A run killed between
# the rename and the new UUID, or after both, finishes the one and never
# repeats the restart; with the state file lost, the journal still tells
# the kept domain for one of ours.  Beside a journald of its own.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"
journald_start
itest_start
trap 'itest_cleanup; journald_stop' EXIT

# Stands in for "xl create" of a configuration with "uuid = ...".
cat >"$T/restart.sh" <<SH
#!/bin/sh
echo "\$1" >>"$T/restarted"
exec "$CW_BIN/xensimctl" create "\$1" --mem 4 --uuid "\$(cat "$T/uuid-\$1")" >/dev/null
SH
chmod +x "$T/restart.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 10; interval = 600; };
defaults: { on_crash = "rename-restart"; };
EOF2
notify_listen
unset WATCHDOG_USEC WATCHDOG_PID

# uuid_of DOMID: the hypervisor's handle, as "xl list -v" shows it.
uuid_of() {
	simctl list | awk -v d="$1" '$1 == d { print $3 }'
}

# One guest, crashed and rename-restarted, the daemon killed at POINT
# (none: not killed).  Checks what "xl list -v" and xenstore show.
run_one() {
	name=$1 point=$2 pinned=$3
	echo "$pinned" >"$T/uuid-$name"
	id=$(simctl create "$name" --mem 4 --uuid "$pinned") || fail "create $name"
	drill_start "${point#-}"
	simctl crash "$id" || fail "crash $name"
	await_settled "$name" 1
	if ! drill_stop "$name"; then
		[ "$point" != - ] || fail "$name: killed with no kill point"
		drill_start
		await_settled "$name, after the restart"
		drill_stop "$name, after the restart" ||
			fail "$name: killed again without a kill point"
	elif [ "$point" != - ]; then
		fail "$name: not killed at $point"
	fi
	check_eq "$(grep -cx "$name" "$T/restarted")" 1 "$name: restarts"
	check_eq "$(alerts "$name")" 1 "$name: crash alerts"
	new=$(uuid_of "$id")
	kept=$(simctl read "/local/domain/$id/name")
	echo "$kept" | grep -qE "^$name-crashed-[0-9]{8}T[0-9]{6}Z$" ||
		fail "$name: kept domain named '$kept'"
	[ "$new" != "$pinned" ] || fail "$name: the kept domain still has $pinned"
	# Its new UUID is its incident's ID.
	incident=$(journalctl -D /run/log/journal -o json --no-pager \
	    MESSAGE_ID=0f21d7aa4f614dc198a085d560609371 DOMAIN_NAME="$name" |
	    jq -r .INCIDENT_ID | head -n 1)
	check_eq "$(echo "$new" | tr -d -)" "$incident" "$name: new UUID vs INCIDENT_ID"
	check_eq "$(simctl read "/local/domain/$id/vm")" "/vm/$new" "$name: its vm path"
	check_eq "$(simctl read "/vm/$new/name")" "$kept" "$name: /vm/<new>/name"
	check_eq "$(simctl read "/vm/$new/uuid")" "$new" "$name: /vm/<new>/uuid"
	# The restarted guest: the name and the pinned UUID, its own /vm.
	rid=$(simctl list | awk -v n="$name" '$2 == n { print $1 }')
	[ -n "$rid" ] && [ "$rid" != "$id" ] || fail "$name: no restarted domain"
	check_eq "$(uuid_of "$rid")" "$pinned" "$name: restarted guest's UUID"
	check_eq "$(simctl read "/vm/$pinned/name")" "$name" "$name: /vm/<pinned>/name"
	check_eq "$(count_history "xc_domain_sethandle domid=$id uuid=$new -> 0")" 1 \
	    "$name: handles set"
	check_eq "$(simctl list | awk -v u="$pinned" '$3 == u' | wc -l)" 1 \
	    "$name: domains with the pinned UUID"
}

run_one pin - 6f0b2b4e-3b1e-4c8e-9a51-2d0b6c1a7e01
pass "rename-restart gives the kept domain a new UUID"
run_one pinnamed rename-named 6f0b2b4e-3b1e-4c8e-9a51-2d0b6c1a7e02
grep -q 'pinnamed): renamed to pinnamed-crashed-.*, UUID ' "$DAEMON_LOG" ||
	fail "the run after the kill did not set the UUID"
pass "killed between the rename and the UUID: finished once"
run_one pindone rename-done 6f0b2b4e-3b1e-4c8e-9a51-2d0b6c1a7e03
grep -qE 'pindone\): already renamed to pindone-crashed-[0-9T]+Z, UUID ' "$DAEMON_LOG" ||
	fail "the run after the kill at rename-done redid the rename"
pass "killed after the UUID: the domain is known by it"

# The state file lost: the kept domains are still ours (the journal
# holds their incidents), and nothing is done to them again.
rm -f "$T/state/state"
n=$(count_log 'crashed; action')
drill_start
await_settled "state lost"
drill_stop "state lost"
check_eq "$(count_log 'crashed; action')" "$n" "crash alerts after the state was lost"
check_eq "$(count_log 'was kept by an earlier run.s rename-restart')" 3 \
    "kept domains recognised"
check_eq "$(cat "$T/restarted" | wc -l)" 3 "restarts in all"
pass "with the state lost, kept domains are left alone"
