#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A dump directory with a space in its name (accepted by -n) works like
# any other: the dump is reported done, under its full path, in the log
# and to the hooks, and the file is there.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start
mkdir -p "$T/my dumps"
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
printf '%s\n' "$XCW_COREDUMP" >>"$(dirname "$0")/hook-coredump"
SH
chmod +x "$T/hook.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/my dumps"; keep_free = "0"; };
defaults: { on_crash = "coredump-destroy"; };
hooks = ( { command = [ "@T@/hook.sh" ]; timeout = 20; events = [ "handled" ]; } );
EOF2
"$XCW_DAEMON" -n -c "$CONF" >/dev/null 2>&1 || fail "-n rejects the configuration"
d=$(simctl create spaced --mem 8) || fail "create"
daemon_start
simctl crash "$d"
expect_log "domain $d \(spaced\): coredump-destroy done" 20 || fail "not handled"

f=$(ls "$T/my dumps")
echo "$f" | grep -qE '^spaced-[0-9a-f-]{36}-[0-9]{8}T[0-9]{6}Z\.core$' ||
	fail "no core file: '$f'"
path="$T/my dumps/$f"
head -c 4 "$path" | grep -q ELF || fail "$path is not an ELF file"
grep -qF "domain $d (spaced): core dumped to $path (" "$DAEMON_LOG" ||
	fail "no 'core dumped to $path' line"
check_eq "$(count_log 'dump failed|failed')" 0 "failures reported"
wait_for test -s "$T/hook-coredump" || fail "the hook did not run"
check_eq "$(sort -u "$T/hook-coredump")" "$path" "XCW_COREDUMP"
daemon_stop
pass "a dump directory with a space"
