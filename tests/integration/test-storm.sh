#!/bin/bash
# 200 domains crash at once: each is handled exactly once.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "destroy"; };
domains = ( { match = "keep-*"; on_crash = "preserve"; } );
EOF2
simctl create-many 100 storm --mem 8 >/dev/null || fail "create-many"
simctl create-many 100 keep- --mem 8 >/dev/null || fail "create-many"
daemon_start
simctl crash-every 1 >/dev/null || fail "crash-every"
expect_log "storm" 10
n=0
while [ "$(count_log 'destroy done|preserve done')" -lt 200 ] && [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
sleep 1
check_eq "$(count_log 'destroy done|preserve done')" 200 "incidents finished"
check_eq "$(count_log 'crashed; action')" 200 "crash alerts"
check_eq "$(count_history 'xc_domain_destroy')" 100 "destroys"
check_eq "$(simctl history | grep xc_domain_destroy | awk '{print $3}' | sort | uniq -d | wc -l)" 0 "domains destroyed twice"
# Rescans stay batched: far fewer getinfolist calls than domains x events.
calls=$(count_history 'xc_domain_getinfolist')
echo "getinfolist calls for 200 crashes and 100 destroys: $calls"
daemon_stop
pass "200 crashes at once"
