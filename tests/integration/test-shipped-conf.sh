#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The configuration the package installs acts on no crash: a crashed
# guest whose name its commented examples mention is preserved and
# reported, with no dump, no destroy and no restart; so is a watchdog
# expiry.  Only its paths are moved into the test's scratch directory.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

sed -e "s|\"/var/lib/xen-crashwatch\"|\"$T/state\"|" \
    -e "s|\"/var/lib/xen/dump\"|\"$T/dump\"|" \
    "$CW_SOURCE_DIR/conf/crashwatch.conf" >"$CONF"
grep -q "$T/state" "$CONF" && grep -q "$T/dump" "$CONF" ||
	fail "the shipped configuration's state_dir or dump.directory moved: update this test"

web=$(simctl create web-1 --mem 16) || fail "create web-1"
tst=$(simctl create test-1 --mem 16) || fail "create test-1"
wd=$(simctl create db-1 --mem 16) || fail "create db-1"
daemon_start
simctl history clear
simctl crash "$web"
simctl crash "$tst"
simctl watchdog "$wd"
expect_log "domain $web \(web-1\) crashed.*; action preserve" 10 ||
	fail "web-1 was not preserved"
expect_log "domain $tst \(test-1\) crashed.*; action preserve" 10 ||
	fail "test-1 was not preserved"
expect_log "domain $wd \(db-1\) was stopped by its watchdog.*; action preserve" 10 ||
	fail "db-1 was not preserved"
acted=$(simctl history | grep -E "xc_domain_(destroy|dumpcore_via_callback|shutdown|pause)|exec " || true)
check_eq "$acted" "" "calls that act on a domain"
check_eq "$(ls -A "$T/dump")" "" "files in the dump directory"
for d in "$web" "$tst" "$wd"; do
	simctl list | grep -qE "^ *$d " || fail "domain $d is gone"
done
daemon_stop
pass "shipped configuration"
