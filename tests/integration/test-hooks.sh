#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hooks: the environment and the argv templates they get, hostile domain
# names that must never reach a shell or leave the dump directory, and a
# hook that outlives its timeout.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

# The hook records its environment and argv, one file per domid.
mkdir -p "$T/hooks"
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
out="$(dirname "$0")/hooks/$XCW_DOMID"
if [ "$XCW_EVENT" = crash-detected ]; then
	out=$out.detected
	[ -f "$XCW_REPORT" ] && cp "$XCW_REPORT" "$out.report"
fi
for v in XCW_EVENT XCW_DOMID XCW_NAME XCW_UUID XCW_REASON XCW_ACTION \
    XCW_COREDUMP XCW_RESULT XCW_SUMMARY XCW_REPORT XCW_INCIDENT; do
	eval "printf '%s=%s\n' $v \"\$$v\""
done >"$out.env"
for a in "$@"; do
	printf '[%s]\n' "$a"
done >"$out.argv"
if [ -n "$XCW_COREDUMP" ] && [ -f "$XCW_COREDUMP" ]; then
	echo yes >"$out.core-exists"
fi
SH
# Only for the domain named "slow": ignores TERM so that KILL is needed.
cat >"$T/slow.sh" <<'SH'
#!/bin/sh
[ "$XCW_NAME" = slow ] || exit 0
echo $$ >"$(dirname "$0")/slow.pid"
trap '' TERM
exec sleep 60
SH
chmod +x "$T/hook.sh" "$T/slow.sh"

write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
hooks = (
  { command = [ "@T@/hook.sh", "%n", "%u", "%d", "%r", "%c", "100%%d", "x%%%n" ];
    timeout = 20; },
  { command = [ "@T@/slow.sh", "%d" ]; timeout = 1; events = [ "handled" ]; }
);
defaults: { on_crash = "coredump-destroy"; on_watchdog = "preserve"; };
domains = (
  { match = "slow"; on_crash = "preserve"; }
);
EOF2

# Hostile names, set in xenstore as a guest or a careless toolstack could.
evil="x;touch $T/pwned1;\`touch $T/pwned2\`\$(touch $T/pwned3) | touch $T/pwned4 &"
dotdot="../../etc"
dash="-rf"
id_plain=$(simctl create plain --mem 16) || fail "create plain"
id_evil=$(simctl create evil --mem 16) || fail "create evil"
id_dot=$(simctl create dotdot --mem 16) || fail "create dotdot"
id_wd=$(simctl create wd --mem 16) || fail "create wd"
id_slow=$(simctl create slow --mem 16) || fail "create slow"
id_dash=$(simctl create dash --mem 16) || fail "create dash"
simctl write "/local/domain/$id_evil/name" "$evil" || fail "write evil name"
simctl write "/local/domain/$id_dot/name" "$dotdot" || fail "write .. name"
simctl write "/local/domain/$id_dash/name" "$dash" || fail "write -rf name"
check_eq "$(simctl read "/local/domain/$id_evil/name")" "$evil" \
    "the hostile name as stored"
uuid_of() {
	simctl list | awk -v d="$1" '$1 == d { print $3 }'
}
for v in plain evil dot wd slow dash; do
	eval "uuid_$v=\$(uuid_of \$id_$v)"
done
touch "$T/before"

daemon_start
simctl crash "$id_plain"
simctl crash "$id_evil"
simctl crash "$id_dot"
simctl watchdog "$id_wd"
simctl crash "$id_slow"
simctl crash "$id_dash"

expect_log "domain $id_plain \(plain\): coredump-destroy done" 20 || fail "plain"
expect_log "domain $id_evil \(.*\): coredump-destroy done" 20 || fail "evil"
expect_log "domain $id_dot \(.*\): coredump-destroy done" 20 || fail "dotdot"
expect_log "domain $id_wd \(wd\): preserve done" 20 || fail "wd"
expect_log "domain $id_dash \(-rf\): coredump-destroy done" 20 || fail "-rf"

# The environment, domain by domain.
env_of() {
	sed -n "s/^$2=//p" "$T/hooks/$1.env"
}
[ -f "$T/hooks/$id_plain.env" ] || fail "the hook did not run for plain"
core_plain=$(ls "$T"/dump/plain-*.core 2>/dev/null)
[ -n "$core_plain" ] || fail "no core file for plain: $(ls "$T/dump")"
check_eq "$(env_of "$id_plain" XCW_EVENT)" crash-handled "XCW_EVENT"
check_eq "$(env_of "$id_plain" XCW_DOMID)" "$id_plain" "XCW_DOMID"
check_eq "$(env_of "$id_plain" XCW_NAME)" plain "XCW_NAME"
check_eq "$(env_of "$id_plain" XCW_UUID)" "$uuid_plain" "XCW_UUID"
check_eq "$(env_of "$id_plain" XCW_REASON)" crash "XCW_REASON"
check_eq "$(env_of "$id_plain" XCW_ACTION)" coredump-destroy "XCW_ACTION"
check_eq "$(env_of "$id_plain" XCW_COREDUMP)" "$core_plain" "XCW_COREDUMP"
check_eq "$(env_of "$id_plain" XCW_RESULT)" ok "XCW_RESULT"
[ -f "$T/hooks/$id_plain.core-exists" ] ||
	fail "the core file was not there when the hook ran"
check_eq "$(tr '\n' ' ' <"$T/hooks/$id_plain.argv")" \
    "[plain] [$uuid_plain] [$id_plain] [crash] [$core_plain] [100%d] [x%plain] " \
    "argv of the hook for plain"

# The same hook at detection: before the dump, with the summary and the
# report file, there when it ran, which names this incident.
det() {
	sed -n "s/^$2=//p" "$T/hooks/$1.detected.env"
}
[ -f "$T/hooks/$id_plain.detected.env" ] || fail "no crash-detected hook run for plain"
check_eq "$(det "$id_plain" XCW_EVENT)" crash-detected "XCW_EVENT at detection"
check_eq "$(det "$id_plain" XCW_COREDUMP)" "" "XCW_COREDUMP at detection"
check_eq "$(det "$id_plain" XCW_RESULT)" "" "XCW_RESULT at detection"
check_eq "$(det "$id_plain" XCW_REPORT)" \
    "$T/state/incidents/$(det "$id_plain" XCW_INCIDENT).json" "XCW_REPORT"
[ -f "$T/hooks/$id_plain.detected.report" ] ||
	fail "the report file was not there when the crash-detected hook ran"
check_eq "$(jq -r .incident "$T/hooks/$id_plain.detected.report")" \
    "$(det "$id_plain" XCW_INCIDENT)" "the report the hook was given"
[ "$(det "$id_plain" XCW_INCIDENT)" = "$(env_of "$id_plain" XCW_INCIDENT)" ] ||
	fail "detected and handled hooks of plain got different incidents"

# A watchdog stop with preserve: no core, reason watchdog.
check_eq "$(env_of "$id_wd" XCW_REASON)" watchdog "XCW_REASON (watchdog)"
check_eq "$(env_of "$id_wd" XCW_ACTION)" preserve "XCW_ACTION (watchdog)"
check_eq "$(env_of "$id_wd" XCW_COREDUMP)" "" "XCW_COREDUMP without a dump"
check_eq "$(tr '\n' ' ' <"$T/hooks/$id_wd.argv")" \
    "[wd] [$uuid_wd] [$id_wd] [watchdog] [] [100%d] [x%wd] " \
    "argv of the hook for wd"

# The hostile name: raw in the environment, sanitised in argv and paths,
# and never run by a shell.  A name that needs changing becomes its safe
# bytes (a leading '.' or '-' too), cut to 46, then '~' and 16 hex digits
# of a hash of the raw name, so that distinct names stay distinct.
sanitize_prefix() {
	printf '%s' "$1" | sed 's/[^A-Za-z0-9._+-]/_/g; s/^[.-]/_/' | cut -c1-46
}
# check_changed GOT NAME WHAT: GOT is what NAME becomes once changed.
check_changed() {
	_p=$(sanitize_prefix "$2")
	case "$1" in
	"$_p~"*) ;;
	*) fail "$3: expected '$_p~<hash>', got '$1'" ;;
	esac
	printf '%s\n' "${1#"$_p~"}" | grep -qxE '[0-9a-f]{16}' ||
		fail "$3: no hash after '$_p~' in '$1'"
}
arg1() {
	sed -n '1s/^\[\(.*\)\]$/\1/p' "$T/hooks/$1.argv"
}
check_eq "$(env_of "$id_evil" XCW_NAME)" "$evil" "XCW_NAME (hostile)"
safe_evil=$(arg1 "$id_evil")
check_changed "$safe_evil" "$evil" "%n (hostile)"
for i in 1 2 3 4; do
	[ -e "$T/pwned$i" ] && fail "the hostile name ran a shell (pwned$i)"
done
check_eq "$(env_of "$id_dot" XCW_NAME)" "$dotdot" "XCW_NAME (../../etc)"
safe_dot=$(arg1 "$id_dot")
check_changed "$safe_dot" "$dotdot" "%n (../../etc)"

# A name starting with '-' never reaches a hook as an option.
check_eq "$(env_of "$id_dash" XCW_NAME)" "$dash" "XCW_NAME (-rf)"
safe_dash=$(arg1 "$id_dash")
check_changed "$safe_dash" "$dash" "%n (-rf)"
case "$safe_dash" in
-*) fail "%n starts with '-': $safe_dash" ;;
esac
core_dash=$(env_of "$id_dash" XCW_COREDUMP)
check_eq "$(basename "$core_dash" | cut -c1-${#safe_dash})" "$safe_dash" \
    "file name of the core of -rf"
[ -f "$core_dash" ] || fail "no core file at $core_dash"

# Every core file is in the dump directory, none escaped it.
core_dot=$(env_of "$id_dot" XCW_COREDUMP)
case "$core_dot" in
"$T/dump/$safe_dot"-*.core) ;;
*) fail "core file for ../../etc at '$core_dot'" ;;
esac
[ -f "$core_dot" ] || fail "no core file at $core_dot"
core_evil=$(env_of "$id_evil" XCW_COREDUMP)
check_eq "$(dirname "$core_evil")" "$T/dump" "directory of the hostile core"
check_eq "$(basename "$core_evil" | cut -c1-${#safe_evil})" "$safe_evil" \
    "file name of the hostile core"
check_eq "$(ls "$T/dump" | wc -l)" 4 "files in the dump directory"
# A core named after ../../etc would land in $T/dump/../../etc = /tmp/etc,
# or in /etc: look for its uuid anywhere near.
escaped=$(find "$T" "$(dirname "$T")" /etc -xdev -maxdepth 3 \
    \( -name "*$uuid_dot*" -o -name "*$uuid_evil*" \) 2>/dev/null |
    grep -v "^$T/dump/")
[ -z "$escaped" ] || fail "core files outside the dump directory: $escaped"

# The hook past its 1 s timeout: TERM (ignored), KILL, and logged.
expect_log "hook 2 \([^)]*\) \(pid [0-9]+\) passed its deadline, sending TERM" 10 ||
	fail "no deadline message for the slow hook"
expect_log "hook 2 \([^)]*\) \(pid [0-9]+\) ignored TERM, sending KILL" 10 ||
	fail "the slow hook was not KILLed"
expect_log "domain $id_slow \(slow\): hook 2 \([^)]*\) for crash-handled killed by SIGKILL after passing its deadline" 10 ||
	fail "the slow hook's end was not logged"
expect_log "domain $id_slow \(slow\): preserve done" 10 || fail "slow"
pid=$(cat "$T/slow.pid")
kill -0 "$pid" 2>/dev/null && fail "the slow hook (pid $pid) is still running"

daemon_stop
pass "hook environment, templates, hostile names, hook timeout"
