#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGHUP: a good file replaces the running policy; a broken one is
# reported line by line and the running policy is kept.  systemd hears
# RELOADING=1 then READY=1 each time.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

notify_listen

# The READY=1/RELOADING=1 messages so far, on one line.
ready_seq() {
	grep -xE 'READY=1|RELOADING=1' "$T/notify.log" | tr '\n' ' '
}
expect_seq() {
	_n=100
	while [ "$_n" -gt 0 ]; do
		[ "$(ready_seq)" = "$1" ] && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	echo "--- notify messages ---" >&2
	cat "$T/notify.log" >&2
	fail "$2: expected '$1', got '$(ready_seq)'"
}

conf_with() {
	write_conf <<EOF2
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "$1"; };
EOF2
}

conf_with preserve
id_a=$(simctl create a --mem 16) || fail "create a"
id_b=$(simctl create b --mem 16) || fail "create b"
id_c=$(simctl create c --mem 16) || fail "create c"
daemon_start
expect_seq "READY=1 " "at start"

# The first policy: preserve.
simctl crash "$id_a"
expect_log "domain $id_a \(a\): preserve done" 10 || fail "a was not preserved"

# A good file: destroy from now on.
conf_with destroy
kill -HUP "$DAEMON_PID"
expect_log "configuration reloaded from $CONF" 10 || fail "no reload message"
expect_seq "READY=1 RELOADING=1 READY=1 " "after a good reload"
simctl crash "$id_b"
expect_log "domain $id_b \(b\) crashed; action destroy" 10 ||
	fail "the reloaded policy was not used"
expect_log "domain $id_b \(b\): destroy done" 10 || fail "b was not destroyed"
check_eq "$(count_history "xc_domain_destroy domid=$id_b ")" 1 "destroys of b"
check_eq "$(count_history "xc_domain_destroy domid=$id_a ")" 0 "destroys of a"

# A broken file: two errors, each with its line; the old policy stays.
cat >"$CONF" <<EOF2
state_dir = "$T/state";
dump: { directory = "$T/dump"; keep_free = "0";
	compress = "rar"; };
defaults: {
	on_crash = "implode";
};
EOF2
kill -HUP "$DAEMON_PID"
expect_log "reload failed: 2 errors; keeping the running configuration" 10 ||
	fail "no 'keeping the running configuration'"
expect_log "$CONF:3: .*compress" 1 || fail "no error for line 3"
expect_log "$CONF:5: .*on_crash" 1 || fail "no error for line 5"
expect_seq "READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 " \
    "after a failed reload"
check_eq "$(count_log 'configuration reloaded')" 1 "reloads accepted"
simctl crash "$id_c"
expect_log "domain $id_c \(c\) crashed; action destroy" 10 ||
	fail "the running policy was not kept"
expect_log "domain $id_c \(c\): destroy done" 10 || fail "c was not destroyed"
check_eq "$(count_history "xc_domain_destroy domid=$id_c ")" 1 "destroys of c"

daemon_stop
pass "SIGHUP with a good and a bad file"
