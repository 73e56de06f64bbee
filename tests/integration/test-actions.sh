#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every on_crash action, each on its own domain, in one daemon run: the
# calls made to the hypervisor, the core files and the xenstore names.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

restart_standin

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; burst = 5; interval = 600; };
defaults: { on_crash = "preserve"; };
domains = (
  { match = "pres"; on_crash = "preserve"; },
  { match = "dest"; on_crash = "destroy"; },
  { match = "hard"; on_crash = "hard-shutdown"; },
  { match = "rest"; on_crash = "restart"; },
  { match = "ren"; on_crash = "rename-restart"; },
  { match = "cd-dest"; on_crash = "coredump-destroy"; },
  { match = "cd-rest"; on_crash = "coredump-restart"; },
  { match = "cd-pres"; on_crash = "coredump-preserve"; }
);
EOF2

for n in pres dest hard rest ren cd-dest cd-rest cd-pres; do
	id=$(simctl create "$n" --mem 16) || fail "create $n"
	eval "id_$(echo "$n" | tr - _)=$id"
done
# What libxl keeps for a domain; the daemon removes it after its destroy.
simctl write "/libxl/$id_dest/type" pv
simctl write "/libxl/$id_pres/type" pv
daemon_start

for n in pres dest hard rest ren cd-dest cd-rest cd-pres; do
	eval "simctl crash \$id_$(echo "$n" | tr - _)"
done

expect_log "domain $id_cd_pres \(cd-pres\): coredump-preserve done" 20 || fail "cd-pres"
expect_log "domain $id_cd_rest \(cd-rest\): coredump-restart done" 20 || fail "cd-rest"
expect_log "domain $id_cd_dest \(cd-dest\): coredump-destroy done" 20 || fail "cd-dest"
expect_log "domain $id_ren \(ren\): rename-restart done" 20 || fail "ren"
expect_log "domain $id_rest \(rest\): restart done" 20 || fail "rest"
expect_log "domain $id_dest \(dest\): destroy done" 20 || fail "dest"
expect_log "domain $id_hard \(hard\): destroy done" 20 || fail "hard"
expect_log "domain $id_pres \(pres\): preserve done" 20 || fail "pres"

# Hypervisor calls: destroyed exactly the ones whose action destroys.
for v in dest hard rest cd_dest cd_rest; do
	eval "d=\$id_$v"
	check_eq "$(count_history "xc_domain_destroy domid=$d ")" 1 "destroys of $v"
done
for v in pres ren cd_pres; do
	eval "d=\$id_$v"
	check_eq "$(count_history "xc_domain_destroy domid=$d ")" 0 "destroys of $v"
	check_eq "$(dom_state "$d")" "shutdown:crash" "state of $v"
done
# Core files: one per coredump action, in the dump directory, mode 0600.
for n in cd-dest cd-rest cd-pres; do
	f=$(ls "$T/dump" | grep -E "^$n-[0-9a-f-]{36}-[0-9]{8}T[0-9]{6}Z\.core$") ||
		fail "no core file for $n: $(ls -la "$T/dump")"
	check_eq "$(stat -c %a "$T/dump/$f")" 600 "mode of $f"
	head -c 4 "$T/dump/$f" | grep -q ELF || fail "$f is not an ELF file"
done
check_eq "$(ls "$T/dump" | wc -l)" 3 "files in the dump directory"
# Restart commands: rest, ren and cd-rest, with the name.
check_eq "$(sort "$T/restarted" | tr '\n' ' ')" "cd-rest ren rest " "restarts"
# rename-restart: both name nodes carry the crashed name.
new=$(simctl read "/local/domain/$id_ren/name")
echo "$new" | grep -qE '^ren-crashed-[0-9]{8}T[0-9]{6}Z$' || fail "renamed to '$new'"
uuid=$(simctl list | awk -v d="$id_ren" '$1 == d { print $3 }')
check_eq "$(simctl read "/vm/$uuid/name")" "$new" "/vm name"

# After destroying, no toolstack node is left; a preserved one keeps its.
wait_for sh -c "! \"$CW_BIN/xensimctl\" read /libxl/$id_dest/type" ||
	fail "/libxl/$id_dest left behind after destroy"
simctl read "/libxl/$id_pres/type" >/dev/null || fail "/libxl of a preserved domain removed"

daemon_stop
# The writer's timing of its saves (make bench reads it): a save that
# crossed a second once came out as 2^64/1000 us.
worst=$(sed -n 's/.*slowest write so far \([0-9]*\) us.*/\1/p' "$DAEMON_LOG" |
    sort -n | tail -n 1)
[ -n "$worst" ] || fail "no state save timed in the log"
[ "${#worst}" -le 8 ] || fail "slowest state save: $worst us"
pass "every action"
