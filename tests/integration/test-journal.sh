#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The journal records of a handled crash, on the real systemd-journald:
# the test starts its own journald in a private mount namespace (tmpfs on
# /run/systemd and /run/log, volatile storage), runs the simulator and the
# daemon there, and reads the records back with journalctl -o json.

. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"

journald_start
itest_start
trap 'itest_cleanup; journald_stop' EXIT

json() {
	journal_json
}
# record MSGID DOMID: the first record with that MESSAGE_ID for DOMID.
record() {
	json | jq -c --arg m "$1" --arg d "$2" \
	    'select(.MESSAGE_ID == $m and .DOMID == $d)' | head -n 1
}
expect_record() {
	_n=100
	while [ "$_n" -gt 0 ]; do
		[ -n "$(record "$1" "$2")" ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	json | jq -c '{MESSAGE_ID, DOMID, MESSAGE}' >&2
	fail "no journal record with MESSAGE_ID=$1 for domain $2"
}
# field JSON NAME: the value of a field (journald gives strings).
field() {
	printf '%s\n' "$1" | jq -r --arg f "$2" '.[$f] // "(absent)"'
}

MSGID_CRASH=0f21d7aa4f614dc198a085d560609371
MSGID_DUMPED=e77aca8309994721a572228059732b26
MSGID_DONE=9b053d490cd24a0ab740a2b9502f3d39

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "coredump-destroy"; on_watchdog = "preserve"; };
EOF2
id=$(simctl create web-j --mem 16) || fail "create web-j"
uuid=$(simctl list | awk -v d="$id" '$1 == d { print $3 }')
id_wd=$(simctl create wd-j --mem 16) || fail "create wd-j"
daemon_start
simctl crash "$id"
simctl watchdog "$id_wd"
expect_log "domain $id \(web-j\): coredump-destroy done" 20 || fail "web-j"
expect_log "domain $id_wd \(wd-j\): preserve done" 20 || fail "wd-j"
core=$(ls "$T"/dump/web-j-*.core 2>/dev/null)
[ -n "$core" ] || fail "no core file in $T/dump"

# Crash detected: PRIORITY=2 (crit) and every domain field.
expect_record $MSGID_CRASH "$id"
r=$(record $MSGID_CRASH "$id")
check_eq "$(field "$r" PRIORITY)" 2 "PRIORITY of the crash record"
check_eq "$(field "$r" DOMAIN_NAME)" web-j "DOMAIN_NAME"
check_eq "$(field "$r" DOMAIN_UUID)" "$uuid" "DOMAIN_UUID"
check_eq "$(field "$r" SHUTDOWN_REASON)" crash "SHUTDOWN_REASON"
check_eq "$(field "$r" ACTION)" coredump-destroy "ACTION"
check_eq "$(field "$r" SYSLOG_IDENTIFIER)" xen-crashwatchd "SYSLOG_IDENTIFIER"
check_eq "$(field "$r" _PID)" "$DAEMON_PID" "_PID of the crash record"
incident=$(field "$r" INCIDENT_ID)
printf '%s\n' "$incident" | grep -qxE '[0-9a-f]{32}' ||
	fail "INCIDENT_ID of the crash record: $incident"
# Every record about this crash carries the same INCIDENT_ID.
check_eq "$(json | jq -r --arg d "$id" 'select(.DOMID == $d) | .INCIDENT_ID' |
    sort -u)" "$incident" "INCIDENT_IDs of domain $id's records"
field "$r" MESSAGE | grep -q "domain $id (web-j) crashed" ||
	fail "MESSAGE of the crash record: $(field "$r" MESSAGE)"

# Core dumped: the file it names is the one on disk.
expect_record $MSGID_DUMPED "$id"
r=$(record $MSGID_DUMPED "$id")
check_eq "$(field "$r" COREDUMP_FILE)" "$core" "COREDUMP_FILE of the dump record"
check_eq "$(field "$r" DOMAIN_UUID)" "$uuid" "DOMAIN_UUID of the dump record"
check_eq "$(field "$r" ACTION)" coredump-destroy "ACTION of the dump record"

# Action done: the end of the plan, with its result and the core file.
expect_record $MSGID_DONE "$id"
r=$(json | jq -c --arg m $MSGID_DONE --arg d "$id" \
    'select(.MESSAGE_ID == $m and .DOMID == $d and .STEP == "complete")')
[ -n "$r" ] || fail "no action-done record with STEP=complete for $id"
check_eq "$(field "$r" RESULT)" ok "RESULT"
check_eq "$(field "$r" ACTION)" coredump-destroy "ACTION of the done record"
check_eq "$(field "$r" COREDUMP_FILE)" "$core" "COREDUMP_FILE of the done record"
check_eq "$(field "$r" DOMAIN_NAME)" web-j "DOMAIN_NAME of the done record"
check_eq "$(field "$r" SHUTDOWN_REASON)" crash "SHUTDOWN_REASON of the done record"
r=$(json | jq -c --arg m $MSGID_DONE --arg d "$id" \
    'select(.MESSAGE_ID == $m and .DOMID == $d and .STEP == "destroy")')
check_eq "$(field "$r" RESULT)" ok "RESULT of the destroy step"

# The watchdog stop: its reason, no core file field.
expect_record $MSGID_CRASH "$id_wd"
r=$(record $MSGID_CRASH "$id_wd")
check_eq "$(field "$r" SHUTDOWN_REASON)" watchdog "SHUTDOWN_REASON (watchdog)"
check_eq "$(field "$r" ACTION)" preserve "ACTION (watchdog)"
check_eq "$(field "$r" COREDUMP_FILE)" "(absent)" "COREDUMP_FILE (watchdog)"

daemon_stop
pass "journal records of a crash on the real journald"
