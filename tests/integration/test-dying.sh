#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# As on real Xen 4.17: @releaseDomain fires when xenstored lets go of a
# dying domain, and the domain disappears later with no event of its own.
# The daemon still sees it go, restarts the guest without waiting for
# an unrelated event; nothing of the old domain is left in xenstore.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
cat >"$T/create.sh" <<SH
#!/bin/sh
echo "\$1" >>"$T/created"
exec "$CW_BIN/xensimctl" create "\$1" --mem 4 >/dev/null
SH
chmod +x "$T/create.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
restart: { command = [ "@T@/create.sh", "%n" ]; };
defaults: { on_crash = "restart"; };
EOF2
simctl release-event early
simctl destroy-delay 1500
d=$(simctl create slowgo --mem 8)
uuid=$(simctl list | awk -v d="$d" '$1 == d { print $3 }')
simctl write "/libxl/$d/type" pv
daemon_start
simctl crash "$d"
expect_log "domain $d \(slowgo\): destroyed" || fail "not destroyed"
# Gone 1.5 s after the destroy, silently: noticed within a few seconds.
expect_log "domain $d \(slowgo\): restart done" 6 || fail "the silent departure was not noticed"
check_eq "$(cat "$T/created")" "slowgo" "restart commands"
for p in "/local/domain/$d" "/libxl/$d" "/vm/$uuid"; do
	simctl read "$p/name" >/dev/null 2>&1 && fail "$p left behind"
	simctl read "$p/type" >/dev/null 2>&1 && fail "$p left behind"
done
daemon_stop
pass "a domain that goes without an event"
