#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A crash's evidence in its crash record, read before anything touches
# the domain: the panic line of its console ring (after an oops that
# wrapped the ring), xenconsoled's log of it, Xen's lines naming it and
# its vCPUs; hostile bytes escaped; rings that cannot be read or hold
# garbage give a field saying why, and the crash is handled all the same.

. "$CW_SOURCE_DIR/tests/integration/lib.sh"
journald_isolate "$0" "$@"

journald_start
itest_start
trap 'itest_cleanup; journald_stop' EXIT

json() {
	journal_json
}
MSGID_CRASH=0f21d7aa4f614dc198a085d560609371
# crash_record DOMID: its crash record (waits for it), one JSON line.
crash_record() {
	_n=100
	while [ "$_n" -gt 0 ]; do
		_r=$(json | jq -c --arg m $MSGID_CRASH --arg d "$1" \
		    'select(.MESSAGE_ID == $m and .DOMID == $d)' | head -n 1)
		[ -n "$_r" ] && { printf '%s\n' "$_r"; return 0; }
		sleep 0.1
		_n=$((_n - 1))
	done
	fail "no crash record for domain $1"
}
# field JSON NAME: a field's value; journald gives a field that is not
# valid UTF-8 as an array of bytes, which no field of ours may be.
field() {
	printf '%s\n' "$1" | jq -r --arg f "$2" '.[$f] // "(absent)" |
	    if type == "string" then . else "(not text: \(.))" end'
}
has() {
	printf '%s\n' "$1" | grep -qF -- "$2" || fail "$3: no '$2' in: $1"
}
hasnt() {
	! printf '%s\n' "$1" | grep -qF -- "$2" || fail "$3: '$2' in: $1"
}

mkdir -p "$T/console" "$T/hooks"
# At detection: the summary the page carries, and whether the core file
# was there yet.
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
printf 'event=%s\nsummary=%s\nreport=%s\n' "$XCW_EVENT" "$XCW_SUMMARY" \
    "$XCW_REPORT" >"$(dirname "$0")/hooks/$XCW_DOMID"
SH
chmod +x "$T/hook.sh"
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; keep_free = "0"; };
hooks = ( { command = [ "@T@/hook.sh" ]; events = [ "detected" ]; } );
evidence: { console_log_dir = "@T@/console"; timeout = 2; };
incidents: { max = 5; };
defaults: { on_crash = "coredump-destroy"; };
EOF2

# 1. A panic after a 1.9 KiB oops, in a ring that wrapped.
id=$(simctl create web-1 --mem 16 --vcpus 2 --offline-vcpus 1) ||
	fail "create web-1"
other=$(simctl create other --mem 16) || fail "create other"
simctl console "$id" "$(head -c 3000 /dev/zero | tr '\0' '.')"
oops=$(for i in $(seq 1 35); do
	printf '[    1.%06d] Call Trace: frame %02d sysrq_handle_crash\r\n' "$i" "$i"
done)
simctl console "$id" "[    0.900000] BUG: kernel NULL pointer dereference, address: 0
$oops
[    1.100000] Kernel panic - not syncing: Fatal exception in interrupt
[    1.100001] Kernel Offset: disabled
"
[ "${#oops}" -ge 1900 ] || fail "the oops is ${#oops} bytes, want 1.9 KiB"
printf 'old line\nweb-1 login: the last line xenconsoled wrote\n' \
    >"$T/console/guest-web-1.log"
simctl xen-log "(XEN) d${id}v0 domain_crash called from traps.c:1234"
simctl xen-log "(XEN) d${other}v0 something about another domain"
simctl xen-log "(XEN) Domain ${id} (vcpu#0) crashed on cpu#1:"

daemon_start
simctl history clear
simctl crash "$id"
expect_log "domain $id \(web-1\): coredump-destroy done" 30 || fail "web-1"
r=$(crash_record "$id")
want="Kernel panic - not syncing: Fatal exception in interrupt"
check_eq "$(field "$r" MESSAGE)" \
    "domain $id (web-1) crashed: $want; action coredump-destroy" MESSAGE
check_eq "$(field "$r" CRASH_SUMMARY)" "$want" CRASH_SUMMARY
tail=$(field "$r" CONSOLE_TAIL)
has "$tail" "[    1.100000] $want" CONSOLE_TAIL
has "$tail" "Kernel Offset: disabled" CONSOLE_TAIL
has "$tail" "frame 35 sysrq_handle_crash" CONSOLE_TAIL
hasnt "$tail" '\x0d' "CONSOLE_TAIL (\\r\\n is a newline)"
[ "${#tail}" -le 2100 ] || fail "CONSOLE_TAIL is ${#tail} bytes: more than the ring"
check_eq "$(field "$r" CONSOLE_LOG)" \
    "old line
web-1 login: the last line xenconsoled wrote" CONSOLE_LOG
xen=$(field "$r" XEN_LOG)
check_eq "$xen" "(XEN) d${id}v0 domain_crash called from traps.c:1234
(XEN) Domain ${id} (vcpu#0) crashed on cpu#1:" XEN_LOG
vcpus=$(field "$r" VCPU_STATE)
printf '%s\n' "$vcpus" | grep -qE '^vcpu0 online ip=0xffffffff81[0-9a-f]+ sp=0x[0-9a-f]+ flags=0x246 cr3=0x[0-9a-f]+$' ||
	fail "VCPU_STATE vcpu0: $vcpus"
printf '%s\n' "$vcpus" | grep -qE '^vcpu1 offline ip=' ||
	fail "VCPU_STATE vcpu1: $vcpus"
for f in CONSOLE_TAIL_ERROR XEN_LOG_ERROR VCPU_STATE_ERROR CONSOLE_LOG_ERROR; do
	check_eq "$(field "$r" $f)" "(absent)" "$f"
done
hook_env() {
	sed -n "s/^$2=//p" "$T/hooks/$1" 2>/dev/null
}
wait_for test -s "$T/hooks/$id" || fail "no crash-detected hook for web-1"
check_eq "$(hook_env "$id" event)" crash-detected "XCW_EVENT of the hook"
check_eq "$(hook_env "$id" summary)" "$want" "XCW_SUMMARY of the hook"
# Read before the dump and before the destroy, from the simulator's
# own record of the calls.
seq_of() {
	simctl history | grep -E -- "$1" | head -n 1 | awk '{ print $1 }'
}
map=$(seq_of "^[0-9]+ xenforeignmemory_map domid=$id ")
ctx=$(seq_of "^[0-9]+ xc_vcpu_getcontext domid=$id ")
dump=$(seq_of "^[0-9]+ xc_domain_dumpcore_via_callback domid=$id ")
destroy=$(seq_of "^[0-9]+ xc_domain_destroy domid=$id ")
[ -n "$map" ] && [ -n "$ctx" ] && [ -n "$dump" ] && [ -n "$destroy" ] ||
	fail "calls missing: map '$map' context '$ctx' dump '$dump' destroy '$destroy'"
[ "$map" -lt "$dump" ] && [ "$ctx" -lt "$dump" ] && [ "$dump" -lt "$destroy" ] ||
	fail "order: map $map context $ctx dump $dump destroy $destroy"
# The report file: the evidence, each step, the core, the outcome.
incident=$(field "$r" INCIDENT_ID)
report="$T/state/incidents/$incident.json"
wait_for sh -c "jq -e '.result == \"ok\"' '$report' >/dev/null 2>&1" ||
	fail "no finished report $report: $(cat "$report" 2>&1)"
# 0640: the package gives the directory to group adm (xen-crashwatchctl).
check_eq "$(stat -c %a "$report")" 640 "mode of the report"
check_eq "$(jq -r '[.version, .incident, .domain.id, .domain.name,
    .domain.uuid, .reason, .action, .summary] | join(" ")' "$report")" \
    "1 $incident $id web-1 $(field "$r" DOMAIN_UUID) crash coredump-destroy $want" \
    "the report's head"
check_eq "$(jq -r '.evidence.console_tail | join("\n")' "$report")" "$tail" \
    "the report's console tail"
check_eq "$(jq -r '.evidence.vcpus | join("\n")' "$report")" "$vcpus" \
    "the report's vCPUs"
check_eq "$(jq -r '.evidence.xen_log | join("\n")' "$report")" "$xen" \
    "the report's lines of Xen"
check_eq "$(jq -r '[.steps[] | "\(.step)=\(.result)"] | join(" ")' "$report")" \
    "dump=ok destroy=ok hooks=ok" "the report's steps"
jq -e '[.steps[] | .started, .ended] | all(test("^20[0-9-]+T[0-9:.]+Z$"))' \
    "$report" >/dev/null || fail "step times: $(jq -c .steps "$report")"
core=$(jq -r .core.path "$report")
[ -f "$core" ] || fail "the report's core $core is not there"
check_eq "$(jq -r .core.disk_bytes "$report")" "$(du -B1 "$core" | cut -f1)" \
    "the report's core size on disk"
# Xen's lines are said once: a second crash gets none of the first's.
id2=$(simctl create web-2 --mem 16) || fail "create web-2"
simctl crash "$id2"
r2=$(crash_record "$id2")
check_eq "$(field "$r2" XEN_LOG)" "(absent)" "XEN_LOG of a crash Xen said nothing of"
check_eq "$(field "$r2" MESSAGE)" \
    "domain $id2 (web-2) crashed; action coredump-destroy" "MESSAGE with no panic"

# 1b. The panic line scrolled out of the ring (Linux prints its stack
# after it): read from the log the guest's kernel keeps in its memory,
# through the guest's own page tables, past a page that cannot be mapped
# and across a page boundary; the format string and an older end marker
# are no panic line, and the line ends where a byte is no text.
id=$(simctl create pv-1 --mem 16) || fail "create pv-1"
simctl console "$id" "$(for i in $(seq 1 60); do
	printf '[    7.%06d]  frame_%02d+0x16/0x20\n' "$i" "$i"
done)
[    7.400000] Kernel Offset: disabled
"
simctl kernel-log "$id" "Kernel panic - not syncing: %s"
simctl kernel-log "$id" "---[ end Kernel panic - not syncing: an older end ]---"
for i in 1 2 3 4 5; do	# 5 records of 1,616 bytes: the next crosses a page
	simctl kernel-log "$id" "$(head -c 1608 /dev/zero | tr '\0' x)"
done
kwant="Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b"
simctl kernel-log "$id" "$kwant$(printf '\033[2J')"
simctl kernel-log "$id" "CPU: 0 PID: 1 Comm: init Not tainted"
simctl history clear
simctl crash "$id"
r=$(crash_record "$id")
check_eq "$(field "$r" CRASH_SUMMARY)" "$kwant" "CRASH_SUMMARY from the kernel's log"
check_eq "$(field "$r" MESSAGE)" \
    "domain $id (pv-1) crashed: $kwant; action coredump-destroy" \
    "MESSAGE from the kernel's log"
check_eq "$(field "$r" KERNEL_LOG)" "$kwant" KERNEL_LOG
check_eq "$(field "$r" KERNEL_LOG_ERROR)" "(absent)" KERNEL_LOG_ERROR
has "$(field "$r" CONSOLE_TAIL)" "frame_60+0x16/0x20" "CONSOLE_TAIL of pv-1"
wait_for test -s "$T/hooks/$id" || fail "no crash-detected hook for pv-1"
check_eq "$(hook_env "$id" summary)" "$kwant" "XCW_SUMMARY from the kernel's log"
report_of() {
	echo "$T/state/incidents/$(field "$1" INCIDENT_ID).json"
}
wait_for sh -c "jq -e '.result == \"ok\"' '$(report_of "$r")' >/dev/null 2>&1" ||
	fail "no finished report of pv-1"
check_eq "$(jq -r '.evidence.kernel_log | join("\n")' "$(report_of "$r")")" \
    "$kwant" "the report's kernel log"
# The guest's page tables were walked from its vCPU's CR3 (the PML4 at
# frame 0x100000 + domid), before the dump.
pml4=$(seq_of "^[0-9]+ xenforeignmemory_map domid=$id frame=$((0x100000 + id)) ")
dump=$(seq_of "^[0-9]+ xc_domain_dumpcore_via_callback domid=$id ")
[ -n "$pml4" ] && [ -n "$dump" ] && [ "$pml4" -lt "$dump" ] ||
	fail "page tables read at '$pml4', dump at '$dump'"
# A record padded with an older line's bytes: cut where panic()'s own
# copy of the message ends.
id=$(simctl create pv-3 --mem 16) || fail "create pv-3"
simctl kernel-log "$id" "older line"
simctl kernel-panic "$id" "sysrq triggered crash"
simctl kernel-log "$id" "CPU: 0 PID: 77 Comm: sh Not tainted"
simctl crash "$id"
r=$(crash_record "$id")
check_eq "$(field "$r" CRASH_SUMMARY)" \
    "Kernel panic - not syncing: sysrq triggered crash" "summary past a record's padding"
# A page table that cannot be mapped: said, and the crash handled.
id=$(simctl create pv-2 --mem 16) || fail "create pv-2"
simctl kernel-log "$id" "Kernel panic - not syncing: unread"
simctl fail xenforeignmemory_map EPERM 2
simctl crash "$id"
r=$(crash_record "$id")
has "$(field "$r" KERNEL_LOG_ERROR)" \
    "cannot map the page table at frame $(printf '%#x' $((0x100000 + id)))" \
    "KERNEL_LOG_ERROR of a page table that cannot be mapped"
check_eq "$(field "$r" CRASH_SUMMARY)" "(absent)" "summary of pv-2"
expect_log "domain $id \(pv-2\): coredump-destroy done" 30 ||
	fail "pv-2, whose memory could not be read, was not handled"

# 2. Hostile bytes: a forged field on a line of its own, ANSI escapes,
# invalid UTF-8, backslashes.  Escaped everywhere, never a field.
id=$(simctl create evil --mem 16) || fail "create evil"
simctl console "$id" "$(printf 'MESSAGE=forged\nPRIORITY=0\n\033[2J\033]0;title\007\nKernel panic - not syncing: \033[31mred\377\376 \\\\x41\n')"
simctl crash "$id"
r=$(crash_record "$id")
check_eq "$(field "$r" CRASH_SUMMARY)" \
    'Kernel panic - not syncing: \x1b[31mred\xff\xfe \\\\x41' "hostile CRASH_SUMMARY"
tail=$(field "$r" CONSOLE_TAIL)
has "$tail" '\x1b[2J\x1b]0;title\x07' "escapes in CONSOLE_TAIL"
check_eq "$(field "$r" PRIORITY)" 2 "PRIORITY of the hostile crash record"
wait_for test -s "$T/hooks/$id" || fail "no crash-detected hook for evil"
check_eq "$(hook_env "$id" summary)" \
    'Kernel panic - not syncing: \x1b[31mred\xff\xfe \\\\x41' "hostile XCW_SUMMARY"
n=$(json | jq -r 'select(.MESSAGE == "forged") | .MESSAGE' | wc -l)
check_eq "$n" 0 "records whose MESSAGE the guest forged"
json | jq -e --arg d "$id" 'select(.DOMID == $d) | to_entries[] |
    select(.value | type != "string")' >/dev/null &&
	fail "a field of domain $id's records is not text"

# 3. Rings that cannot be read or hold garbage; a reader that hangs.
id=$(simctl create garbage --mem 16) || fail "create garbage"
simctl console "$id" "Kernel panic - not syncing: before the indexes broke"
simctl console-index "$id" 4000000000 4000100000
simctl crash "$id"
r=$(crash_record "$id")
check_eq "$(field "$r" CONSOLE_TAIL_ERROR)" "(absent)" "garbage indexes"
check_eq "$(field "$r" CRASH_SUMMARY)" \
    "Kernel panic - not syncing: before the indexes broke" "summary of a torn ring"
[ "$(field "$r" CONSOLE_TAIL)" != "(absent)" ] || fail "no tail of a garbage ring"

id=$(simctl create nul --mem 16) || fail "create nul"
simctl console-fill "$id" 0
simctl crash "$id"
r=$(crash_record "$id")
has "$(field "$r" CONSOLE_TAIL)" '\x00\x00\x00' "a ring of NUL"
check_eq "$(field "$r" CRASH_SUMMARY)" "(absent)" "summary of a ring of NUL"

id=$(simctl create esc --mem 16) || fail "create esc"
simctl console-fill "$id" 27
simctl crash "$id"
r=$(crash_record "$id")
tail=$(field "$r" CONSOLE_TAIL)
has "$tail" '\x1b\x1b\x1b' "a ring of ESC"
hasnt "$tail" "$(printf '\033')" "a raw ESC in CONSOLE_TAIL"

id=$(simctl create nomap --mem 16) || fail "create nomap"
simctl fail xenforeignmemory_map EPERM
simctl crash "$id"
r=$(crash_record "$id")
has "$(field "$r" CONSOLE_TAIL_ERROR)" "cannot map frame" "a map that fails"
has "$(field "$r" VCPU_STATE)" "vcpu0 online" "vCPUs when the map fails"

id=$(simctl create stuck --mem 16) || fail "create stuck"
simctl delay xenforeignmemory_map 30
simctl crash "$id"
r=$(crash_record "$id")
has "$(field "$r" CONSOLE_TAIL_ERROR)" "deadline" "a reader that hangs"
has "$(field "$r" VCPU_STATE)" "vcpu0 online" "vCPUs read before the console hung"
expect_log "domain $id \(stuck\): coredump-destroy done" 30 ||
	fail "the crash whose reader hung was not handled"
simctl delay xenforeignmemory_map 0
# Ten crashes, five reports kept: the newest; none left half-written.
wait_for sh -c "[ \$(ls '$T/state/incidents' | wc -l) -eq 5 ]" ||
	fail "reports kept: $(ls "$T/state/incidents" | wc -l), want 5"
[ -e "$report" ] && fail "the oldest report, web-1's, was kept beyond incidents.max"
check_eq "$(ls "$T/state/incidents" | grep -cvE '^[0-9a-f]{32}\.json$')" 0 \
    "files in incidents/ that are not reports"
daemon_stop
pass "evidence"
