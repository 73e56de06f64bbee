#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rename-restart: three domains of one name crash together, so their
# crashed names share a second.  Each ends with a name of its own: the
# first gets "<name>-crashed-<stamp>", the others "-2" and "-3" after it.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

restart_standin

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 10; interval = 600; };
defaults: { on_crash = "rename-restart"; };
EOF2

a=$(simctl create twin --mem 8) || fail "create a"
b=$(simctl create twin --mem 8) || fail "create b"
c=$(simctl create twin --mem 8) || fail "create c"
daemon_start
# All three in one event: one scan sees them, one second names them (the
# check below says so, else this run proved nothing).
check_eq "$(simctl crash-every 1)" 3 "domains crashed"
for d in $a $b $c; do
	expect_log "domain $d \(twin\): rename-restart done" 20 ||
		fail "rename-restart of $d"
done

names=""
for d in $a $b $c; do
	n=$(simctl read "/local/domain/$d/name") || fail "no name for $d"
	uuid=$(simctl list | awk -v d="$d" '$1 == d { print $3 }')
	check_eq "$(simctl read "/vm/$uuid/name")" "$n" "/vm name of $d"
	check_eq "$(dom_state "$d")" "shutdown:crash" "state of $d"
	names="$names$n
"
done
base=$(printf '%s' "$names" | sort | head -1)
echo "$base" | grep -qE '^twin-crashed-[0-9]{8}T[0-9]{6}Z$' ||
	fail "first crashed name '$base'"
stamps=$(printf '%s' "$names" | sed -E 's/^twin-crashed-([0-9]{8}T[0-9]{6}Z).*/\1/' |
    sort -u | wc -l)
[ "$stamps" -eq 1 ] || fail "the crashes were named in different seconds: $names"
check_eq "$(printf '%s' "$names" | sort | tr '\n' ' ')" \
    "$base $base-2 $base-3 " "crashed names"
check_eq "$(count_log 'renamed to ')" 3 "renames"
check_eq "$(sort "$T/restarted" | tr '\n' ' ')" "twin twin twin " "restarts"

daemon_stop
pass "crashed names are unique"
