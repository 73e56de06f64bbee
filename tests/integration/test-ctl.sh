#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xen-crashwatchctl after a scripted run: crashes under every action, a
# watchdog, a destroy that fails once, a restart that fails, one the
# limit suppresses, a hook that fails.  list, list --json, info (with the
# journal's records, from a journald of the test's own), dump (a zstd
# core back to the plain image, sparse), vacuum, status and check print
# what the run did; hostile report files are skipped with a warning that
# names them, never followed and never crash the tool.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"
journald_start
itest_start
trap 'itest_cleanup; journald_stop' EXIT
CTL=${XCW_CTL:-$CW_SAN_BIN/xen-crashwatchctl}
DRIVER=$CW_BIN/dump-driver
[ -x "$CTL" ] || fail "no $CTL: build the xen-crashwatchctl target"
[ -x "$DRIVER" ] || fail "no $DRIVER: build the dump-driver target"
command -v jq >/dev/null || fail "jq is missing (tests/install-deps installs it)"
ctl() { "$CTL" -c "$CONF" "$@"; }

cat >"$T/restart.sh" <<SH
#!/bin/sh
[ "\$1" = r-broken ] && { echo "no such configuration" >&2; exit 3; }
exec "$CW_BIN/xensimctl" create "\$1" --mem 4 >/dev/null
SH
# Runs for "handled" and "failed": not for the suppressed crash.
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
[ "$XCW_NAME" = cp-hookfail ] && exit 2
exit 0
SH
chmod +x "$T/restart.sh" "$T/hook.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; compress = "zstd"; };
metrics: { textfile = "@T@/metrics/xen-crashwatch.prom"; };
restart: { command = [ "@T@/restart.sh", "%n" ]; wait = 2; burst = 1; interval = 600; };
hooks = ( { command = [ "@T@/hook.sh" ]; events = [ "handled", "failed" ]; } );
defaults: { on_crash = "preserve"; on_watchdog = "preserve"; };
domains = (
  { match = "p-*"; on_crash = "preserve"; },
  { match = "d-*"; on_crash = "destroy"; },
  { match = "r-*"; on_crash = "restart"; },
  { match = "rr-*"; on_crash = "rename-restart"; },
  { match = "cd-*"; on_crash = "coredump-destroy"; },
  { match = "cr-*"; on_crash = "coredump-restart"; restart = { burst = 1; interval = 600; fallback = "preserve"; }; },
  { match = "cp-*"; on_crash = "coredump-preserve"; }
);
EOF2
mkdir -p "$T/metrics"
# The reports as the package's tmpfiles.d snippet lays them out, with a
# group of the test's own in place of adm: the directory setgid, so that
# the daemon's 0640 reports are the group's.
GID=4242
chmod 0755 "$T"
mkdir -p "$T/state/incidents"
chgrp "$GID" "$T/state" "$T/state/incidents" || fail "chgrp"
chmod 0750 "$T/state"
chmod 2750 "$T/state/incidents"
command -v setpriv >/dev/null || fail "setpriv (util-linux) is missing"
started=$(date +%s)
names="p-1 d-1 r-1 r-broken rr-1 cd-1 cr-1 cp-1 cp-hookfail w-1"
for n in $names; do
	eval "id_${n//-/_}=\$(simctl create $n --mem 16 --zero-pct 50 --random-pct 20)" ||
		fail "create $n"
done
daemon_start
simctl fail libxl_domain_destroy EIO 1 || fail "inject"
simctl crash "$id_d_1"
expect_log "domain $id_d_1 \(d-1\): destroy done" 20 || fail "d-1"
for n in p-1 r-1 r-broken rr-1 cd-1 cr-1 cp-1 cp-hookfail; do
	eval "simctl crash \$id_${n//-/_}"
done
simctl watchdog "$id_w_1"
for n in p-1 r-1 rr-1 cd-1 cr-1 cp-1 w-1; do
	expect_log "\($n\): [a-z-]+ done" 30 || fail "$n not handled"
done
expect_log "\(r-broken\): restart finished with failures" 30 || fail "r-broken"
expect_log "\(cp-hookfail\): coredump-preserve done" 30 || fail "cp-hookfail"
# cr-1 comes back and crashes again: the limit suppresses its restart.
cr2=$(simctl list | awk '$2 == "cr-1" && $4 != "crashed" { print $1 }' | tail -1)
[ -n "$cr2" ] || fail "cr-1 was not restarted"
simctl crash "$cr2"
expect_log "domain $cr2 \(cr-1\): 1 restarts within 600 s; not restarting again" 30 || fail "no suppressed restart"
expect_log "domain $cr2 \(cr-1\): preserve done" 30 || fail "the suppressed crash was not handled"
sleep 1	# the last reports reach the disk
total=11

# The metrics file: sound by the exposition format's rules, and its
# counters are the run's.  PROM is the file.
prom_check() {
	awk '
	function bad(why) { printf "%s:%d: %s: %s\n", FILENAME, NR, why, $0; err = 1 }
	/^# HELP / { if ($3 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) bad("bad name"); help[$3]++; next }
	/^# TYPE / {
		if ($4 !~ /^(counter|gauge|histogram|summary|untyped)$/) bad("bad type")
		if ($3 in type) bad("second TYPE"); if ($3 in seen) bad("TYPE after samples")
		type[$3] = $4; next
	}
	/^#/ || /^$/ { next }
	{
		line = $0
		if (!match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) { bad("bad sample name"); next }
		name = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
		labels = ""
		if (substr(rest, 1, 1) == "{") {
			if (!match(rest, /^\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*")*)?\}/)) {
				bad("bad labels"); next
			}
			labels = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
		}
		if (rest !~ /^ ([-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|[-+]Inf|NaN)$/) bad("bad value")
		family = name; sub(/_(bucket|sum|count)$/, "", family)
		if (!(family in type) && !(name in type)) bad("no TYPE for " name)
		if (family in type && type[family] == "counter" && family !~ /_total$/) bad("counter not _total")
		if (last != "" && family != last && (family in seen)) bad("family not contiguous")
		seen[family] = 1; last = family
		if ((name labels) in series) bad("duplicate series"); series[name labels] = 1
		v = substr(rest, 2)
		if (name ~ /_bucket$/) {
			if (v + 0 < prev_bucket) bad("buckets not cumulative"); prev_bucket = v + 0
			if (labels ~ /le="\+Inf"/) inf[family] = v
		} else prev_bucket = 0
		if (name ~ /_count$/ && (family in inf) && inf[family] != v) bad("+Inf bucket differs from _count")
	}
	END { exit err }' "$1"
}
metric() {
	awk -v k="$2" 'index($0, k " ") == 1 { print substr($0, length(k) + 2) }' "$1"
}
PROM=$T/metrics/xen-crashwatch.prom
wait_for test -s "$PROM" || fail "no metrics file"
sleep 1.2	# the last change is written within a second
prom_check "$PROM" || { cat "$PROM" >&2; fail "the metrics file breaks the exposition format"; }
# And as Prometheus's own linter reads it (tests/install-deps unpacks it).
PROMTOOL=${XCW_PROMTOOL:-/usr/local/libexec/xen-crashwatch-tests/promtool}
[ -x "$PROMTOOL" ] || fail "promtool is missing at $PROMTOOL: run tests/install-deps"
"$PROMTOOL" check metrics <"$PROM" >"$T/promtool.out" 2>&1 ||
	{ cat "$T/promtool.out" >&2; fail "promtool check metrics rejects the metrics file"; }
[ ! -s "$T/promtool.out" ] || { cat "$T/promtool.out" >&2; fail "promtool check metrics has remarks"; }
check_metrics() {
	for want in \
	    'xen_crashwatch_up 1' \
	    'xen_crashwatch_crashes_total{reason="crash"} 10' \
	    'xen_crashwatch_crashes_total{reason="watchdog"} 1' \
	    'xen_crashwatch_actions_total{action="preserve",result="ok"} 3' \
	    'xen_crashwatch_actions_total{action="destroy",result="ok"} 1' \
	    'xen_crashwatch_actions_total{action="restart",result="ok"} 1' \
	    'xen_crashwatch_actions_total{action="restart",result="failed"} 1' \
	    'xen_crashwatch_actions_total{action="rename-restart",result="ok"} 1' \
	    'xen_crashwatch_actions_total{action="coredump-destroy",result="ok"} 1' \
	    'xen_crashwatch_actions_total{action="coredump-restart",result="ok"} 1' \
	    'xen_crashwatch_actions_total{action="coredump-preserve",result="ok"} 2' \
	    'xen_crashwatch_restarts_suppressed_total 1' \
	    'xen_crashwatch_dumps_total{result="ok"} 4' \
	    'xen_crashwatch_dumps_total{result="failed"} 0' \
	    'xen_crashwatch_dump_seconds_count 4' \
	    'xen_crashwatch_hooks_total{result="ok"} 9' \
	    'xen_crashwatch_hooks_total{result="failed"} 1' \
	    'xen_crashwatch_incidents_in_progress 0'; do
		grep -qxF "$want" "$PROM" || { cat "$PROM" >&2; fail "metrics ($1): no line '$want'"; }
	done
	[ "$(metric "$PROM" xen_crashwatch_dump_bytes_total)" -gt 1000000 ] ||
		fail "metrics ($1): dump_bytes_total is $(metric "$PROM" xen_crashwatch_dump_bytes_total)"
	[ "$(metric "$PROM" xen_crashwatch_last_crash_timestamp_seconds)" -ge "$started" ] ||
		fail "metrics ($1): last_crash_timestamp_seconds is before the run"
	check_eq "$(metric "$PROM" xen_crashwatch_domains_watched)" "$(simctl list | wc -l)" \
		"metrics ($1): domains_watched"
}
check_metrics "after the run"
cp "$PROM" "$T/before-restart.prom"
daemon_stop
check_eq "$(metric "$PROM" xen_crashwatch_up)" 0 "metrics: up once stopped"
: >"$DAEMON_LOG"
daemon_start
wait_for sh -c "grep -qx 'xen_crashwatch_up 1' '$PROM'" || fail "metrics: not written again after the restart"
check_metrics "after a restart of the daemon"

# list: one line per incident and a header, oldest first.
ctl list >"$T/list" 2>"$T/list.err" || { cat "$T/list.err" >&2; fail "list exited $?"; }
cat "$T/list"
check_eq "$(head -1 "$T/list" | awk '{ print $1, $2, $3, $4, $5, $6 }')" \
    "TIME INCIDENT DOMID NAME REASON ACTION" "list's header"
check_eq "$(tail -n +2 "$T/list" | wc -l)" $total "list's lines"
check_eq "$(awk '$5 == "w-1" { print $6, $7 }' "$T/list")" "watchdog preserve" "w-1's reason"
check_eq "$(awk '$5 == "cp-1" { print $7, $8, $9 }' "$T/list" | cut -d' ' -f1-3)" \
    "coredump-preserve ok present" "cp-1's line"
check_eq "$(awk '$5 == "r-broken" { print $8 }' "$T/list")" "failed" "r-broken's result"
check_eq "$(awk '$5 == "d-1" { print $7, $8, $9 }' "$T/list")" "destroy ok none" "d-1's line"
[ ! -s "$T/list.err" ] || { cat "$T/list.err" >&2; fail "list warned about sound reports"; }

# A member of the reports' group reads them without root; anyone else
# is told what to do; cores stay root's.
as_group() { setpriv --reuid=65534 --regid=65534 --groups="$GID" "$CTL" -c "$CONF" "$@"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$CTL" -c "$CONF" "$@"; }
check_eq "$(as_group list 2>&1 | tail -n +2 | wc -l)" $total "incidents a group member sees"
check_eq "$(as_group list cp-1 | awk '$5 == "cp-1" { print $9 }')" root-only \
	"cp-1's core, to a group member"
as_nobody list >/dev/null 2>"$T/err"; rc=$?
check_eq "$rc" 1 "list by a stranger: exit status"
grep -q 'Permission denied (run as root, or as a member of the group the package gives the reports to, adm)' "$T/err" ||
	fail "a stranger was told: $(cat "$T/err")"
as_group dump cp-1 -o /tmp/xcw-nobody.core 2>"$T/err" && fail "a group member dumped a core"
grep -q 'cores hold guest memory: run as root' "$T/err" || fail "dump by a group member said: $(cat "$T/err")"
rm -f /tmp/xcw-nobody.core

# list --json: the same incidents, with the fields the man page lists.
ctl list --json >"$T/list.json" || fail "list --json"
check_eq "$(jq length "$T/list.json")" $total "list --json entries"
check_eq "$(jq -r '[.[] | select(.name == "cp-1")][0] | [.reason, .action, .result, .core.state, .core.compression] | join(" ")' "$T/list.json")" \
    "crash coredump-preserve ok present zstd" "cp-1 in JSON"
check_eq "$(jq -r '[.[] | select(.name == "cr-1")] | map(.restart_suppressed) | join(" ")' "$T/list.json")" \
    "false true" "cr-1's two crashes"
check_eq "$(jq -r '[.[] | select(.name == "r-broken")][0].result' "$T/list.json")" "failed" "r-broken in JSON"

# Matching and order.
check_eq "$(ctl list 'c?-*' | tail -n +2 | wc -l)" 5 "list c?-*"
check_eq "$(ctl list --reason watchdog | tail -n +2 | awk '{ print $5 }')" "w-1" "list --reason watchdog"
check_eq "$(ctl list -r | sed -n 2p | awk '{ print $5 }')" "cr-1" "list -r: newest first"
uuid=$(jq -r '[.[] | select(.name == "p-1")][0].uuid' "$T/list.json")
check_eq "$(ctl list "$uuid" | tail -n +2 | awk '{ print $5 }')" "p-1" "list by UUID"
ctl list 'nosuch-*' >/dev/null 2>"$T/err"; rc=$?
check_eq "$rc" 1 "list with no match: exit status"
grep -q 'no incident matches' "$T/err" || fail "list with no match said: $(cat "$T/err")"

# info: the evidence, the steps, the core, and the journal's records.
cp1=$(jq -r '[.[] | select(.name == "cp-1")][0].incident' "$T/list.json")
ctl info "${cp1:0:8}" >"$T/info" || fail "info by a short ID"
cat "$T/info"
for want in "Incident: $cp1" "Domain:   $id_cp_1 (cp-1)" "Action:   coredump-preserve" \
    "Result:   ok" "zstd-compressed" "Steps:" "Journal:"; do
	grep -qF -- "$want" "$T/info" || fail "info lacks: $want"
done
grep -qE '^    dump +[0-9T:.-]+Z \.\. [0-9T:.-]+Z  ok' "$T/info" || fail "info lacks the dump step"
grep -qE "^    [0-9-]+ [0-9:]+  domain $id_cp_1 \(cp-1\) crashed" "$T/info" ||
	fail "info lacks the crash record read back from the journal"
ctl info --json cp-1 >"$T/info.json" || fail "info --json"
check_eq "$(jq -r .incident "$T/info.json")" "$cp1" "info --json's incident"
[ "$(jq '.journal | length' "$T/info.json")" -ge 2 ] || fail "info --json has no journal records"
ctl info hook >/dev/null 2>&1 && fail "info with no match exited 0"
d1=$(jq -r '[.[] | select(.name == "d-1")][0].incident' "$T/list.json")
ctl info "$d1" | grep -q 'destroy failed: libxenlight: FAIL (attempt 1' ||
	fail "d-1's info does not show its failed first destroy"

# dump: the zstd core back to the plain image, byte for byte, and sparse.
"$DRIVER" plain "$id_cp_1" "$T/plain.core" || fail "plain dump of cp-1"
ctl dump cp-1 -o "$T/out.core" 2>"$T/err" || fail "dump -o: $(cat "$T/err")"
cmp "$T/out.core" "$T/plain.core" || fail "dump differs from the plain image"
blocks=$(stat -c %b "$T/out.core"); size=$(stat -c %s "$T/out.core")
echo "dump: $size bytes, $((blocks * 512)) on disk"
[ $((blocks * 512)) -lt "$size" ] || fail "dump wrote no holes ($blocks blocks, $size bytes)"
ctl dump "$cp1" >"$T/stdout.core" || fail "dump to standard output"
cmp "$T/stdout.core" "$T/plain.core" || fail "dump to standard output differs"
ctl dump p-1 -o "$T/none.core" 2>"$T/err" && fail "dump of a core-less incident exited 0"
grep -q 'has no core' "$T/err" || fail "dump of p-1 said: $(cat "$T/err")"
[ ! -e "$T/none.core" ] || fail "a failed dump left its output"

# debug: says what is missing; runs the debugger on the plain core, in a
# temporary file it removes afterwards.
PATH=/nonexistent ctl debug cp-1 --vmlinux /dev/null 2>"$T/err" && fail "debug without crash exited 0"
grep -q 'crash is not installed: apt install crash' "$T/err" || fail "debug said: $(cat "$T/err")"
ctl debug cp-1 --debugger true 2>"$T/err" && fail "debug without --vmlinux exited 0"
grep -q 'pass --vmlinux FILE' "$T/err" || fail "debug without --vmlinux said: $(cat "$T/err")"
cat >"$T/fake-crash" <<SH
#!/bin/sh
echo "\$1 \$2" >"$T/debugged"
cmp -s "\$2" "$T/plain.core" && echo same >>"$T/debugged"
SH
chmod +x "$T/fake-crash"
: >"$T/vmlinux"
mkdir "$T/tmp"
TMPDIR=$T/tmp ctl debug cp-1 --vmlinux "$T/vmlinux" --debugger "$T/fake-crash" || fail "debug"
grep -q "^$T/vmlinux $T/tmp/xen-crashwatch-${cp1:0:12}\..*\.core\$" "$T/debugged" ||
	fail "the debugger got: $(head -1 "$T/debugged")"
check_eq "$(sed -n 2p "$T/debugged")" same "the core the debugger got"
check_eq "$(ls "$T/tmp" | wc -l)" 0 "files debug left behind"

# status and check while the daemon runs.
ctl status >"$T/status" || fail "status"
cat "$T/status"
grep -q "^Daemon: *running, pid $DAEMON_PID" "$T/status" || fail "status does not see the daemon"
grep -q "^Incidents: *$total on record, 0 in progress" "$T/status" || fail "status's incidents"
grep -q "^Domains: *$(simctl list | wc -l) watched" "$T/status" || fail "status's domains watched"
grep -qE "^Dumps: *$T/dump: [0-9.]+[KMG] in 4 cores" "$T/status" || fail "status's dumps"
out=$(ctl check); rc=$?
echo "$out"
check_eq "$rc" 2 "check: CRITICAL for $total crashes"
case $out in
"CRASHWATCH CRITICAL - $total crashes in the last 1h, 1 failed action, 1 restart suppressed | crashes=$total;1;5;0 "*) ;;
*) fail "check said: $out" ;;
esac
out=$(ctl check --warn-crashes 100 --crit-crashes 200 --window 2h); rc=$?
check_eq "$rc" 1 "check: WARNING for the failed action"
out=$(ctl check --window 1s) ; rc=$?
check_eq "$rc" 0 "check: OK for a quiet second ($out)"

cp "$T/state/incidents/$cp1.json" "$T/cp1.json"	# vacuum may take it

# vacuum: the oldest finished incidents go, with their cores; files that
# are not ours stay.
echo keep >"$T/dump/notes.txt"
ctl vacuum --keep 8 >"$T/vac" || fail "vacuum --keep 8"
cat "$T/vac"
check_eq "$(grep -c '^removed report ' "$T/vac")" $((total - 8)) "reports removed by --keep 8"
check_eq "$(ctl list | tail -n +2 | wc -l)" 8 "incidents left by --keep 8"
for f in $(sed -n 's/^removed core \([^ ]*\) .*/\1/p' "$T/vac"); do
	[ ! -e "$f" ] || fail "vacuum said it removed $f, which is there"
done
grep -q '^freed ' "$T/vac" || fail "vacuum did not say what it freed"
ctl vacuum --max-use 1 >"$T/vac2" || fail "vacuum --max-use 1"
cat "$T/vac2"
check_eq "$(ls "$T"/dump/*.core* 2>/dev/null | wc -l)" 0 "cores left by --max-use 1"
check_eq "$(ctl list | tail -n +2 | wc -l)" 8 "incidents left by --max-use 1 (cores only)"
check_eq "$(cat "$T/dump/notes.txt")" keep "a file not ours"
ctl vacuum >/dev/null 2>"$T/err" && fail "vacuum with nothing to do exited 0"
grep -q 'say what to remove' "$T/err" || fail "vacuum without options said: $(cat "$T/err")"

# Hostile report files: skipped with a warning, never followed or fatal.
inc=$T/state/incidents
printf 'not json' >"$inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"
head -c 100 "$T/cp1.json" >"$inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json"
ln -s /etc/passwd "$inc/cccccccccccccccccccccccccccccccc.json"
mkfifo "$inc/dddddddddddddddddddddddddddddddd.json"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$inc/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.json"
jq --arg id ffffffffffffffffffffffffffffffff '.incident = $id | .domain.name = "evil\u001b[31m" | .core.path = "/etc/passwd"' \
    "$T/cp1.json" >"$inc/ffffffffffffffffffffffffffffffff.json"
jq '.domain.id = "seven"' "$T/cp1.json" >"$inc/1111111111111111111111111111111f.json"
echo '{}' >"$inc/notes.txt"
timeout 10 "$CTL" -c "$CONF" list >"$T/list2" 2>"$T/list2.err"; rc=$?
check_eq "$rc" 0 "list beside hostile files"
cat "$T/list2.err"
for f in aaaa bbbb cccc dddd eeee 1111; do
	grep -q "incidents/$f[0-9a-f]*\.json: skipped: " "$T/list2.err" || fail "no warning naming $f..."
done
grep -q 'incidents/notes.txt: skipped: not a report' "$T/list2.err" || fail "no warning about notes.txt"
grep -q 'cccc.*symbolic link' "$T/list2.err" || fail "the symlink was not refused as one"
grep -q 'eeee.*larger than 1 MiB' "$T/list2.err" || fail "the large file was not refused as one"
check_eq "$(tail -n +2 "$T/list2" | wc -l)" 9 "incidents listed beside hostile files"
grep -q 'evil?\[31m' "$T/list2" || fail "a control character reached the terminal"
! grep -q $'\033' "$T/list2" || fail "an escape sequence was printed"
# An incident in progress (no result yet) and its core are never
# removed; a core path outside the dump directory neither.
echo partial >"$T/dump/busy-1-x-20261203T000000Z.core"
jq --arg id 2222222222222222222222222222222f --arg core "$T/dump/busy-1-x-20261203T000000Z.core" \
    '.incident = $id | .result = null | .finished = null | .domain.name = "busy-1" | .core.path = $core' \
    "$T/cp1.json" >"$inc/2222222222222222222222222222222f.json"
ctl vacuum --keep 0 >"$T/vac0" 2>"$T/vac0.err"
[ -e "$T/dump/busy-1-x-20261203T000000Z.core" ] || fail "vacuum removed the core of an incident in progress"
[ -e "$inc/2222222222222222222222222222222f.json" ] || fail "vacuum removed the report of an incident in progress"
grep -q '/etc/passwd: not a core in' "$T/vac0.err" || fail "vacuum did not refuse /etc/passwd"
[ -s /etc/passwd ] || fail "/etc/passwd is gone"
rm -f "$inc"/[a-f12]*.json "$inc/notes.txt"

daemon_stop
out=$(ctl check --crit-crashes 0 --warn-crashes 0); rc=$?
check_eq "$rc" 2 "check with the daemon stopped"
case $out in *"daemon not running"*) ;; *) fail "check said: $out" ;; esac
ctl status | grep -q '^Daemon: *not running' || fail "status with the daemon stopped"
pass "xen-crashwatchctl shows what the run did"
