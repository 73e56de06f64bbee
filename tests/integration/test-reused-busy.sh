#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A guest whose configuration pins its domid and UUID crashes, and while
# its hook still runs it is destroyed, created again and crashes again.
# The second crash is a crash of its own, with its own record: the
# first incident still works on the first record, and if the second took
# that record over, the first would write to it after the second's end
# and the domain's going let it go (heap-use-after-free).
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
# Holds each hook until the test lets them all go.
dir=$(dirname "$0")
echo "$XCW_INCIDENT $XCW_DOMID" >>"$dir/hooked"
while [ ! -e "$dir/release" ]; do sleep 0.05; done
SH
chmod +x "$T/hook.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
hooks = ( { command = [ "@T@/hook.sh" ]; timeout = 60; events = [ "handled" ]; } );
defaults: { on_crash = "preserve"; };
EOF2
U=5b0e7d2c-1f4a-4c3b-9e8d-7a6b5c4d3e2f
D=42
hooked() {
	[ -e "$T/hooked" ] && wc -l <"$T/hooked" || echo 0
}
d=$(simctl create pinned --domid $D --uuid $U --mem 8) || fail "create"
daemon_start

# The first instance crashes; its hook runs and is held.
simctl crash $D
wait_for sh -c "[ \$(wc -l <\"$T/hooked\") -ge 1 ]" || fail "first hook"
simctl destroy $D
expect_log "domain $D \(pinned\) is gone" 10 || fail "first instance not gone"

# A new instance, same domid and UUID, crashes while that hook runs.
simctl create pinned --domid $D --uuid $U --mem 8 >/dev/null ||
	fail "create again"
simctl crash $D
_n=200
while [ "$(count_log "domain $D \(pinned\) crashed; action preserve")" -lt 2 ] &&
    [ $_n -gt 0 ]; do
	sleep 0.05
	_n=$((_n - 1))
done
# Its own hook (if it were taken for the first crash resumed, the
# first one's start marker would keep it from running).
wait_for sh -c "[ \$(wc -l <\"$T/hooked\") -ge 2 ]"

# The new instance goes too, then the hooks end.
simctl destroy $D
_n=200
while [ "$(count_log "domain $D \(pinned\) is gone")" -lt 2 ] && [ $_n -gt 0 ]; do
	sleep 0.05
	_n=$((_n - 1))
done
touch "$T/release"
_n=200
while [ "$(count_log "domain $D \(pinned\): preserve done")" -lt 2 ] &&
    [ $_n -gt 0 ]; do
	if ! kill -0 "$DAEMON_PID" 2>/dev/null; then break; fi
	sleep 0.05
	_n=$((_n - 1))
done
daemon_stop
check_eq "$(count_log "domain $D \(pinned\) crashed; action preserve")" 2 \
    "crash alerts for domid $D"
check_eq "$(count_log "resuming")" 0 "crashes taken for a resumed one"
check_eq "$(count_log "domain $D \(pinned\): preserve done")" 2 "incidents done"
check_eq "$(cut -d' ' -f1 "$T/hooked" | sort -u | wc -l)" 2 "incident IDs"
grep -q 'done = false' "$T/state/state" && fail "an unfinished record was saved"
pass "a pinned domid and UUID that crashes again while its first crash is handled"
