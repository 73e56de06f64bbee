#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# max_per_domain and max_use evict the oldest of our own dumps through the
# daemon, never another program's file; a full file system (ENOSPC) stops
# the dump, leaves no partial file, and the follow-up action still runs.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
[ "$(id -u)" -eq 0 ] || fail "needs root (a small tmpfs in a private mount namespace)"
if [ -z "${XCW_IN_NS:-}" ]; then
	XCW_IN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
itest_start
mkdir -p "$T/small"
mount -t tmpfs -o size=12m tmpfs "$T/small" || fail "cannot mount a tmpfs"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; max_per_domain = 2; };
defaults: { on_crash = "coredump-destroy"; };
EOF2
mkdir -p "$T/dump" && chmod 700 "$T/dump"
echo "operator notes" >"$T/dump/notes.txt"
echo "someone else's" >"$T/dump/rep-00000000-0000-0000-0000-000000000000.core.bak"
daemon_start
for i in 1 2 3; do
	d=$(simctl create rep --mem 4)
	simctl crash "$d"
	expect_log "domain $d \(rep\): coredump-destroy done" 20 || fail "dump $i"
	sleep 1.1	# a new second, so names differ by time
done
expect_log "removed old core dump .*rep-" || fail "no eviction reported"
check_eq "$(ls "$T/dump" | grep -c '^rep-.*\.core$')" 2 "rep files kept (max_per_domain = 2)"
[ -f "$T/dump/notes.txt" ] || fail "a foreign file was removed"
[ -f "$T/dump/rep-00000000-0000-0000-0000-000000000000.core.bak" ] || fail "a look-alike was removed"
daemon_stop

# max_use: 3 dumps of 4 MiB guests with room for two.
sed -i 's/max_per_domain = 2;/max_per_domain = 0; max_use = "9M";/' "$CONF"
rm -f "$T"/dump/rep-*.core
: >"$DAEMON_LOG"
daemon_start
for i in 1 2 3; do
	d=$(simctl create mu --mem 4)
	simctl crash "$d"
	expect_log "domain $d \(mu\): coredump-destroy done" 20 || fail "max_use dump $i"
	sleep 1.1
done
check_eq "$(ls "$T/dump" | grep -c '^mu-.*\.core$')" 2 "files within max_use"
[ -f "$T/dump/notes.txt" ] || fail "a foreign file was removed"
daemon_stop

# ENOSPC: the dump directory on a 12 MiB tmpfs, a 32 MiB guest.
sed -i "s|directory = \"$T/dump\"|directory = \"$T/small/dump\"|; s/max_use = \"9M\";//" "$CONF"
: >"$DAEMON_LOG"
daemon_start
d=$(simctl create big --mem 32 --random-pct 100)
simctl crash "$d"
expect_log "domain $d \(big\): core dump failed: (enospc|limit).*continuing with destroy" 20 ||
	fail "ENOSPC not reported"
expect_log "domain $d \(big\): coredump-destroy finished with failures" 10 || fail "follow-up"
check_eq "$(count_history "xc_domain_destroy domid=$d ")" 1 "destroy after ENOSPC"
check_eq "$(ls -A "$T/small/dump" | wc -l)" 0 "files left on the full file system"
grep -E "\(big\): core dump failed" "$DAEMON_LOG"
daemon_stop
umount "$T/small"
pass "limits and ENOSPC"
