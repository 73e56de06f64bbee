#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --dry-run: every crash is decided and logged as "would ...", and nothing
# is done: no destroy, no dump, no core file, no restart command, no
# rename, no hook, no state file.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

cat >"$T/restart.sh" <<'SH'
#!/bin/sh
echo "$1" >>"$(dirname "$0")/restarted"
SH
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
echo "$XCW_DOMID" >>"$(dirname "$0")/hooked"
SH
chmod +x "$T/restart.sh" "$T/hook.sh"

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 5; interval = 600; };
hooks = ( { command = [ "@T@/hook.sh", "%n" ]; timeout = 10; } );
defaults: { on_crash = "preserve"; };
domains = (
  { match = "cd-dest"; on_crash = "coredump-destroy"; },
  { match = "cd-rest"; on_crash = "coredump-restart"; },
  { match = "rest"; on_crash = "restart"; },
  { match = "ren"; on_crash = "rename-restart"; }
);
EOF2

for n in cd-dest cd-rest rest ren; do
	id=$(simctl create "$n" --mem 16) || fail "create $n"
	eval "id_$(echo "$n" | tr - _)=$id"
done
# One whose xl configuration destroys it: xl's, observed in a dry run too.
id_xlg=$(simctl create xlg --mem 16) || fail "create xlg"
simctl xl-config "$id_xlg" '{"c_info": {"name": "xlg"}, "on_crash": "destroy", "on_watchdog": "preserve"}' ||
	fail "xl-config xlg"
daemon_start --dry-run
expect_log "started in dry-run mode" 1 || fail "no dry-run banner"
simctl crash "$id_xlg"
expect_log "domain $id_xlg \(xlg\) crashed; action observe \(dry run\)" 10 ||
	fail "a dry run did not say xlg's crash is only observed"
for v in cd_dest cd_rest rest ren; do
	eval "simctl crash \$id_$v"
done

expect_log "domain $id_cd_dest \(cd-dest\): coredump-destroy done \(dry run\)" 10 ||
	fail "cd-dest"
expect_log "domain $id_cd_rest \(cd-rest\): coredump-restart done \(dry run\)" 10 ||
	fail "cd-rest"
expect_log "domain $id_rest \(rest\): restart done \(dry run\)" 10 || fail "rest"
expect_log "domain $id_ren \(ren\): rename-restart done \(dry run\)" 10 || fail "ren"
# Give anything that was started by mistake the time to show.
sleep 1

# What it says it would do.
expect_log "domain $id_cd_dest \(cd-dest\) crashed; action coredump-destroy \(dry run\)" 1 ||
	fail "the crash line does not say dry run"
expect_log "domain $id_cd_dest \(cd-dest\): would dump the core \(dry run\)" 1 ||
	fail "no 'would dump'"
expect_log "domain $id_cd_dest \(cd-dest\): would destroy \(dry run\)" 1 ||
	fail "no 'would destroy'"
expect_log "domain $id_rest \(rest\): would run the restart command \(dry run\)" 1 ||
	fail "no 'would run the restart command'"
expect_log "domain $id_ren \(ren\): would rename to ren-crashed-[0-9]{8}T[0-9]{6}Z, UUID [0-9a-f-]{36} \(dry run\)" 1 ||
	fail "no 'would rename'"
expect_log "domain $id_ren \(ren\): would run hook 1 \($T/hook.sh\) for crash-handled \(dry run\)" 1 ||
	fail "no 'would run hook'"
check_eq "$(count_log 'would run the restart command \(dry run\)')" 3 \
    "restarts it would run"
check_eq "$(count_log 'would dump the core \(dry run\)')" 2 "dumps it would take"

# What it did: nothing.
check_eq "$(count_history 'xc_domain_destroy')" 0 "xc_domain_destroy calls"
check_eq "$(count_history 'dumpcore|xc_dump')" 0 "dump calls"
check_eq "$(count_history 'xc_domain_(shutdown|pause|unpause)')" 0 \
    "other domain calls"
for v in cd_dest cd_rest rest ren; do
	eval "d=\$id_$v"
	check_eq "$(dom_state "$d")" "shutdown:crash" "state of $v"
done
check_eq "$(simctl read "/local/domain/$id_ren/name")" ren "name of ren"
check_eq "$(ls -A "$T/dump")" "" "files in the dump directory"
[ -e "$T/restarted" ] && fail "a restart command ran: $(cat "$T/restarted")"
[ -e "$T/hooked" ] && fail "a hook ran: $(cat "$T/hooked")"
grep -q 'started .*, pid' "$DAEMON_LOG" &&
	fail "a child was started: $(grep 'started .*, pid' "$DAEMON_LOG")"

daemon_stop
check_eq "$(ls -A "$T/state")" "" "files in the state directory"
pass "dry run performs nothing"
