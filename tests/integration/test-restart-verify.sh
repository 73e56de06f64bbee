#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A restart is judged by the guest, not by the command's exit status: a
# command that fails after the guest started is reported as "guest
# running"; one that exits 0 and starts nothing is a failure once
# restart.wait has passed; a guest that shows up late, within it, is a
# success, and so is one the toolstack names a moment after making it,
# with no event to say so (seen on real Xen in a storm).  The report's
# restart step says the same.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

# restart.sh NAME: what each guest's "xl create" does.
cat >"$T/restart.sh" <<SH
#!/bin/sh
echo "\$1" >>"$T/restarted"
case "\$1" in
late) # the guest appears a second after the command returns
	( sleep 1; "$CW_BIN/xensimctl" create "\$1" --mem 4 >/dev/null ) &
	exit 0 ;;
nothing) exit 0 ;;
unnamed) # made, then named a second later with no event, as xl may
	id=\$("$CW_BIN/xensimctl" create "\$1" --mem 4 --unnamed)
	( sleep 1; "$CW_BIN/xensimctl" write /local/domain/\$id/name "\$1" ) &
	exit 0 ;;
broken) exit 3 ;;
aborts) "$CW_BIN/xensimctl" create "\$1" --mem 4 >/dev/null
	echo "libxl: error: the guest started, then xl gave up" >&2
	exit 1 ;;
esac
SH
chmod +x "$T/restart.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; wait = 3; burst = 5; interval = 600; };
defaults: { on_crash = "restart"; };
EOF2

for n in aborts nothing broken late unnamed; do
	eval "id_$n=\$(simctl create $n --mem 4)" || fail "create $n"
done
daemon_start
for n in aborts nothing broken late unnamed; do
	eval "simctl crash \$id_$n"
done

expect_log "domain $id_aborts \(aborts\): restart command exited 1, but the guest is running: domain [0-9]+ \(aborts\)" 20 ||
	fail "aborts: not reported as running"
expect_log "domain $id_aborts \(aborts\): restart done" 20 || fail "aborts: not done"
expect_log "domain $id_nothing \(nothing\): restart failed: the command exited 0, but no domain named nothing runs after 3 s" 20 ||
	fail "nothing: not reported as failed"
expect_log "domain $id_broken \(broken\): restart failed: the command exited 3, and no domain named broken runs after 3 s" 20 ||
	fail "broken: not reported as failed"
expect_log "domain $id_late \(late\): restart command exited 0; domain [0-9]+ \(late\) runs" 20 ||
	fail "late: the guest that came late was not seen"
expect_log "domain $id_late \(late\): restart done" 20 || fail "late: not done"
expect_log "domain $id_unnamed \(unnamed\): restart command exited 0; domain [0-9]+ \(unnamed\) runs" 20 ||
	fail "unnamed: the guest named after it was first seen was not found"

# The reports say it too.
result_of() {
	for f in "$T"/state/incidents/*.json; do
		[ "$(jq -r .domain.name "$f")" = "$1" ] || continue
		jq -r '.steps[] | select(.step == "restart") | .result' "$f"
	done
}
wait_for sh -c "[ \$(ls '$T/state/incidents' | wc -l) -ge 5 ]" || fail "reports"
sleep 0.5
check_eq "$(result_of aborts)" "guest running" "aborts: report"
check_eq "$(result_of nothing)" "guest not running" "nothing: report"
check_eq "$(result_of broken)" "exited 3" "broken: report"
check_eq "$(result_of late)" "ok" "late: report"
check_eq "$(sort "$T/restarted" | tr '\n' ' ')" "aborts broken late nothing unnamed " \
	"commands run (once each)"
daemon_stop
pass "restarts are judged by the guest"
