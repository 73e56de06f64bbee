#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# destroy.command instead of the hypercall ("xl destroy %d" on a real
# host): it gets the domid, the daemon makes no destroy hypercall itself,
# and a failing command is retried.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
cat >"$T/xl-destroy.sh" <<'SH'
#!/bin/sh
# stands in for "xl destroy DOMID"; fails while $T/refuse exists
dir=$(dirname "$0")
echo "$1" >>"$dir/asked"
[ -e "$dir/refuse" ] && { rm -f "$dir/refuse"; echo "busy" >&2; exit 1; }
exec "$CW_BIN/xensimctl" destroy "$1"
SH
chmod +x "$T/xl-destroy.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
destroy: { command = [ "@T@/xl-destroy.sh", "%d" ]; timeout = 10; };
defaults: { on_crash = "destroy"; };
EOF2
d=$(simctl create via-xl --mem 8)
daemon_start
touch "$T/refuse"
simctl crash "$d"
expect_log "domain $d \(via-xl\): destroy failed: exited 1 \(attempt 1, retrying in 1 s\)" ||
	fail "a failing command is not retried"
expect_log "domain $d \(via-xl\): destroy done" 10 || fail "not destroyed by the command"
check_eq "$(cat "$T/asked" | tr '\n' ' ')" "$d $d " "domids the command was given"
check_eq "$(count_history 'xc_domain_destroy')" 0 "hypercalls made by the daemon"
wait_for sh -c "! \"$CW_BIN/xensimctl\" list | awk '\$1 == $d' | grep -q ." ||
	fail "domain still listed"
daemon_stop
pass "destroy.command"
