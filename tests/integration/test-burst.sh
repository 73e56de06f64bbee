#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest that crashes again after every restart: the burst of restarts
# is used up, then the fallback action and a CRIT alert follow.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
cat >"$T/recreate.sh" <<'SH'
#!/bin/sh
# stands in for "xl create": the new guest crashes at once
d=$("$CW_BIN/xensimctl" create "$1" --mem 8) || exit 1
echo "$d" >>"$T_DIR/created"
"$CW_BIN/xensimctl" crash "$d"
SH
chmod +x "$T/recreate.sh"
export T_DIR="$T"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
restart: { command = [ "@T@/recreate.sh", "%n" ]; burst = 3; interval = 600; fallback = "preserve"; };
defaults: { on_crash = "restart"; };
domains = ( { match = "solo"; restart = { burst = 1; fallback = "destroy"; }; } );
EOF2
d=$(simctl create loop --mem 8)
daemon_start
simctl crash "$d"
expect_log "\(loop\): 3 restarts within 600 s; not restarting again, falling back to preserve \(was restart\)" 30 ||
	fail "no suppression alert"
sleep 1
check_eq "$(wc -l <"$T/created")" 3 "restarts run"
check_eq "$(count_log 'restart-loop|falling back')" 1 "suppression alerts"
last=$(tail -1 "$T/created")
check_eq "$(dom_state "$last")" "shutdown:crash" "the last one is preserved"
# 4 crashed domains seen: the first and three restarts; 3 destroyed.
check_eq "$(count_history 'xc_domain_destroy')" 3 "destroys"

# A rule's own burst and fallback.
s=$(simctl create solo --mem 8)
simctl crash "$s"
expect_log "\(solo\): 1 restarts within 600 s; not restarting again, falling back to destroy" 30 ||
	fail "rule burst not applied"
daemon_stop
pass "restart storms are bounded"
