#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rename-restart, killed right after a rename that needed a suffix: the
# next run finds the domain already under its crashed name and leaves it
# so, instead of renaming it a second time.  Beside a journald of its
# own, as in the kill drill: an alert made just before the kill is known
# by its journal record.

if [ -z "${XCW_JOURNAL_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || {
		echo "FAIL: needs root (a private mount namespace and a" \
		    "journald of its own); run it as root" >&2
		exit 1
	}
	command -v unshare >/dev/null ||
		{ echo "FAIL: unshare (util-linux) is missing" >&2; exit 1; }
	export XCW_JOURNAL_NS=1
	exec unshare -m bash "$0" "$@"
fi

. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_start
itest_start
trap 'itest_cleanup; journald_stop' EXIT

restart_standin
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 10; interval = 600; };
defaults: { on_crash = "rename-restart"; };
EOF2

a=$(simctl create twin --mem 8) || fail "create a"
b=$(simctl create twin --mem 8) || fail "create b"
XCW_KILL_AT=rename-done:2 daemon_start
check_eq "$(simctl crash-every 1)" 2 "domains crashed"
# Killed after the second rename, the one that took the suffix.
wait_for sh -c "! kill -0 $DAEMON_PID" || fail "not killed at rename-done:2"
wait "$DAEMON_PID"
check_eq "$?" 137 "exit status at the kill point"
DAEMON_PID=""
check_eq "$(count_log '\): renamed to ')" 2 "renames before the kill"

daemon_start
for d in $a $b; do
	expect_log "domain $d \(twin\): rename-restart done" 20 ||
		fail "rename-restart of $d"
done
na=$(simctl read "/local/domain/$a/name")
nb=$(simctl read "/local/domain/$b/name")
base=$(printf '%s\n%s\n' "$na" "$nb" | sort | head -1)
echo "$base" | grep -qE '^twin-crashed-[0-9]{8}T[0-9]{6}Z$' ||
	fail "crashed names '$na' '$nb'"
check_eq "$(printf '%s\n%s\n' "$na" "$nb" | sort | tr '\n' ' ')" \
    "$base $base-2 " "crashed names"
check_eq "$(count_log '\): renamed to ')" 2 "renames in both runs"
expect_log "already renamed to $base-2" 1 || fail "the resumed rename was redone"
check_eq "$(sort "$T/restarted" | tr '\n' ' ')" "twin twin " "restarts"
daemon_stop
pass "a rename is not redone after a kill"
