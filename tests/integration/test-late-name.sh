#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A scan can see a domain that the toolstack made a moment ago and has
# not named yet (xl writes the name after xc_domain_create; any rescan
# in between finds it nameless).  When it crashes later, its rule by
# name applies: the name is read again at the crash, not kept from the
# first look.  Seen on real Xen: "domain 3 (): preserve done" for a
# guest whose rule said coredump-destroy.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "preserve"; };
domains = ( { match = "web"; on_crash = "destroy"; } );
EOF2
d=$(simctl create web --mem 8) || fail "create"
simctl rm /local/domain/$d/name || fail "rm name"
# Its first scan (which daemon_start waits for) sees it nameless.
daemon_start
simctl write /local/domain/$d/name web || fail "write name"
simctl crash $d
expect_log "domain $d \(web\): destroy done" 20 ||
	fail "rule by name not applied: $(grep "domain $d " "$DAEMON_LOG" | tail -n 3)"
check_eq "$(count_log "domain $d \(\) crashed")" 0 "crash alerts without the name"
check_eq "$(count_history "xc_domain_destroy domid=$d ")" 1 "destroys of domain $d"
daemon_stop
pass "a domain named after the daemon first saw it gets its rule"
