#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest whose xl configuration does not say on_crash = "preserve" is
# xl's to handle: its monitor acts on the crash itself.  The daemon says
# so once (what to change), only observes its crash (ACTION=observe, the
# evidence and the alert, no step), and "xen-crashwatchd -n" lists it.
# Guests whose xl configuration preserves, and domains xl did not make,
# are handled as configured.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
defaults: { on_crash = "destroy"; on_watchdog = "destroy"; };
EOF2

cfg() { # cfg NAME ON_CRASH ON_WATCHDOG: libxl-json as xl create stores it
	printf '{"c_info": {"type": "pv", "name": "%s"}, "b_info": {}, "on_poweroff": "destroy", "on_reboot": "restart", "on_watchdog": "%s", "on_crash": "%s"}' "$1" "$3" "$2"
}
xlg=$(simctl create xlg --mem 4) || fail "create xlg"
simctl xl-config "$xlg" "$(cfg xlg destroy preserve)" || fail "xl-config xlg"
wdg=$(simctl create wdg --mem 4) || fail "create wdg"
simctl xl-config "$wdg" "$(cfg wdg preserve restart)" || fail "xl-config wdg"
ours=$(simctl create ours --mem 4) || fail "create ours"
simctl xl-config "$ours" "$(cfg ours preserve preserve)" || fail "xl-config ours"
plain=$(simctl create plain --mem 4) || fail "create plain"

# -n: the configuration, then the guests xl handles.
out=$("$XCW_DAEMON" -n -c "$CONF" 2>&1) || fail "-n failed: $out"
check_eq "$(echo "$out" | head -n 1)" "configuration OK" "-n first line"
echo "$out" | grep -qx "  domain $xlg (xlg): on_crash \"destroy\", on_watchdog \"preserve\"" ||
	fail "-n does not list xlg: $out"
echo "$out" | grep -qx "  domain $wdg (wdg): on_crash \"preserve\", on_watchdog \"restart\"" ||
	fail "-n does not list wdg: $out"
echo "$out" | grep -qE "\((ours|plain)\)" && fail "-n lists a guest it handles: $out"

daemon_start
expect_log "domain $xlg \(xlg\): xl's own on_crash is \"destroy\" and on_watchdog \"preserve\": xl acts on its crashes itself, so this daemon only observes those \(ACTION=observe\).  To have them handled here, set on_crash = \"preserve\" in its xl configuration" 5 ||
	fail "no warning for xlg"
expect_log "domain $wdg \(wdg\): .*xl acts on its watchdog expiries itself.*set on_watchdog = \"preserve\" in its xl configuration" 5 ||
	fail "no warning for wdg"
check_eq "$(count_log "\((ours|plain)\): xl's own")" 0 "warnings for guests we handle"

# xl stores a guest's configuration only as "xl create" ends, after
# the domain appeared: one seen before that is looked at again when it
# crashes.
late=$(simctl create late --mem 4) || fail "create late"
expect_log "watch @introduceDomain fired" 5 || fail "no introduce event"
sleep 0.3
simctl xl-config "$late" "$(cfg late restart preserve)" || fail "xl-config late"
simctl crash "$late"
expect_log "domain $late \(late\) crashed; action observe" 10 ||
	fail "late: its xl configuration, stored after it appeared, was not read"
expect_log "domain $late \(late\): xl's own on_crash is \"restart\"" 1 ||
	fail "late: no warning"

simctl crash "$xlg"
simctl watchdog "$wdg"
simctl crash "$ours"
simctl crash "$plain"
expect_log "domain $xlg \(xlg\) crashed; action observe" 10 || fail "xlg not observed"
expect_log "domain $xlg \(xlg\): observe done" 10 || fail "xlg's observation did not end"
expect_log "domain $wdg \(wdg\) was stopped by its watchdog; action observe" 10 ||
	fail "wdg not observed"
expect_log "domain $ours \(ours\): destroy done" 10 || fail "ours not destroyed"
expect_log "domain $plain \(plain\): destroy done" 10 || fail "plain not destroyed"
for d in $xlg $wdg $late; do
	check_eq "$(count_history "(xc_domain_destroy|libxl_domain_destroy|xc_domain_dumpcore[a-z_]*) domid=$d ")" 0 \
	    "calls that act on domain $d"
done
check_eq "$(dom_state "$xlg")" "shutdown:crash" "xlg left to xl"
# The evidence was still read, and the report says observe.
f=$(for x in "$T"/state/incidents/*.json; do [ "$(jq -r .domain.name "$x")" = xlg ] && echo "$x"; done | head -n 1)
[ -n "$f" ] || fail "no report for xlg"
check_eq "$(jq -r .action "$f")" "observe" "xlg's report action"
check_eq "$(count_history "xc_vcpu_getcontext domid=$xlg ")" 1 "xlg's vCPUs read"
# Restarted, the daemon does not act on the observed crash either.
daemon_stop
: >"$DAEMON_LOG"
daemon_start
sleep 0.5
check_eq "$(count_log "\(xlg\) crashed")" 0 "xlg alerted again after a restart"
check_eq "$(count_history "(xc_domain_destroy|libxl_domain_destroy) domid=$xlg ")" 0 \
    "destroys of xlg after a restart"
daemon_stop
pass "guests xl handles are observed, not acted on"
