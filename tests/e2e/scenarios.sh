#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The scenarios, run by dom0's /init on one boot.  Each check prints an
# E2E PASS or E2E FAIL line; figures are E2E FIGURE lines; the last line is
# "E2E DONE failures=N".  The standard set (make test) has guests xlcd
# and early (xl alone), then, with
# the daemon: early again (crashed before it started), cd
# (coredump-destroy), pres (preserve), rs (restart until the burst is used
# up), cz (coredump-restart with zstd), and kd (a 256 MiB
# coredump-destroy whose daemon is SIGKILLed mid-dump and started again),
# kr (the same, SIGKILLed the moment its core got its final name);
# then, with the daemon started once more: wd and xwd (watchdogs), a storm
# of seven st-* guests in two waves, and pvh (a PVH guest).  The long set
# (make e2e-long) has early, dumped by bench-dump four ways in three
# rounds, and pvhd, a PVH guest dumped by xl dump-core and the daemon.
. /e2e/lib.sh

CONF=/etc/xen/crashwatch.conf
DLOG=/var/log/crashwatch.log
STATE=/var/lib/xen-crashwatch/state
DUMPS=/var/lib/xen/dump
HOOKS=/run/hooks.log
DPID=""
DSTOPPING=""
EARLY_ID=""

# xl's own on_crash="coredump-destroy", timed from the guest's last clock
# reading before its panic to the domain's disappearance: the reference
# for the daemon's figure.
xl_reference() {
	tc=$(now)
	guest_start xlcd coredump-destroy || return
	figure xl_create_s "$(elapsed "$tc" "$(now)")" s
	id=$(domid_of xlcd)
	if ! wait_for 120 domid_gone "$id"; then
		fail xl-coredump-destroy "domain $id still there after 120 s: $(state_of xlcd)"
		return
	fi
	t1=$(now)
	t0=$(crash_time xlcd)
	core=$(ls -t $DUMPS/xlcd* 2>/dev/null | head -n 1)
	if [ -z "$t0" ] || [ -z "$core" ]; then
		fail xl-coredump-destroy "no crash time ($t0) or no core ($core)"
		return
	fi
	left=""
	for p in /local/domain/$id /libxl/$id; do
		xenstore-exists "$p" 2>/dev/null && left="$left $p"
	done
	[ -z "$left" ] || echo "E2E NOTE left in xenstore after xl destroyed xlcd:$left"
	pass xl-coredump-destroy "$core"
	timed xl_crash_to_destroy_s "$tc" "$t0" "$t1"
	figure xl_coredump_disk_bytes "$(disk_bytes "$core")" B
	figure xl_coredump_file_bytes "$(file_bytes "$core")" B
	rm -f "$core"
}

# xl_crash_dump NAME WAIT CRASHED DUMPED PREFIX: guest NAME crashes and is
# left by xl (on_crash="preserve"), within WAIT seconds (check CRASHED);
# xl dump-core writes /var/tmp/xl/NAME.core (check DUMPED), timed as the
# figures PREFIX_s, PREFIX_disk_bytes and PREFIX_file_bytes.  XL_ID is
# the domain's id once it crashed.
xl_crash_dump() {
	XL_ID=""
	guest_start "$1" preserve || return 1
	if ! wait_for "$2" is_crashed "$1"; then
		fail "$3" "$1 not crashed after $2 s: $(state_of "$1")"
		return 1
	fi
	XL_ID=$(domid_of "$1")
	pass "$3" "$1 ($XL_ID) is $(state_of "$1")"
	mkdir -p /var/tmp/xl
	t0=$(now)
	if ! xl dump-core "$1" "/var/tmp/xl/$1.core" >"/var/log/xen/dump-$1.log" 2>&1; then
		fail "$4" "$(tail -n 3 "/var/log/xen/dump-$1.log")"
		return 1
	fi
	figure "${5}_s" "$(elapsed "$t0" "$(now)")" s
	figure "${5}_disk_bytes" "$(disk_bytes "/var/tmp/xl/$1.core")" B
	figure "${5}_file_bytes" "$(file_bytes "/var/tmp/xl/$1.core")" B
	check "$4" "ELF core with Xen notes" has_xen_notes "/var/tmp/xl/$1.core"
}

# like_xl CHECK CORE XLCORE: check CHECK passes when CORE has the size and
# the ELF layout of XLCORE (xl dump-core's), and shows the difference
# when not.
like_xl() {
	elf_layout "$2" >/tmp/ours.layout
	elf_layout "$3" >/tmp/xl.layout
	if [ "$(file_bytes "$2")" = "$(file_bytes "$3")" ] &&
	    cmp -s /tmp/ours.layout /tmp/xl.layout; then
		pass "$1" "$2: $(file_bytes "$2") B, same size and ELF layout as xl dump-core"
	else
		fail "$1" "$2: $(file_bytes "$2") B vs xl dump-core $(file_bytes "$3") B"
		diff /tmp/xl.layout /tmp/ours.layout | head -n 20
	fi
}

# early: its xl dump-core is the reference image the daemon's dumps are
# compared with.  The daemon, started later, finds it crashed.
xl_preserve() {
	xl_crash_dump early 120 xl-preserve xl-dump-core xl_dump_core
	st=$?
	EARLY_ID=$XL_ID
	return $st
}

# The same crashed guest (early) dumped one way after another with nothing
# else running, by bench-dump (tests/bench/dump.c) in $1 rounds:
# xc_domain_dumpcore, which is what xl dump-core runs (libxenguest's own
# write path, its fsync included, and nothing added), then our sparse
# dump and our zstd dump with 0 and 1 compressing threads
# (dump.compress_threads), each with its profile; the medians and their
# ratios to xc_domain_dumpcore's (speed, bytes on disk) become figures.
# Ours must hold the plain image byte for byte.
bench_dumps() {
	[ -n "$EARLY_ID" ] || { fail bench-dump "early was not there"; return; }
	uuid=$(xl list -v early 2>/dev/null | awk 'NR == 2 { print $7 }')
	b=/var/tmp/bench
	rm -rf $b && mkdir -p $b
	if ! bench-dump -r "$1" -t 0,1 "$EARLY_ID" "$uuid" \
	    "$(file_bytes /var/tmp/xl/early.core)" $b >/var/log/bench-dump.log 2>&1; then
		fail bench-dump "$(tail -n 3 /var/log/bench-dump.log)"
		rm -rf $b
		return
	fi
	sed 's/^/E2E-BENCH /' /var/log/bench-dump.log
	awk '$1 == "median" { printf "E2E FIGURE bench_%s_s %s s\n", $2, $3
		printf "E2E FIGURE bench_%s_disk_bytes %s B\n", $2, $5
		printf "E2E FIGURE bench_%s_read_s %s s\n", $2, $(NF - 1)
		printf "E2E FIGURE bench_%s_speed %s x\n", $2, $8 + 0
		printf "E2E FIGURE bench_%s_disk %s x\n", $2, $10 + 0 }' \
	    /var/log/bench-dump.log | tr - _
	same=""
	cmp -s $b/plain.core $b/sparse/*.core || same="$same sparse"
	for t in 0 1; do
		zstd -q -d -c $b/zstd-t$t/*.core.zst | cmp -s $b/plain.core - ||
		    same="$same zstd-t$t"
	done
	check bench-dump "sparse, zstd-t0, zstd-t1 equal xc_domain_dumpcore's image${same:+; differ:$same}" \
	    [ -z "$same" ]
	rm -rf $b
}

# The seconds the daemon's dump of NAME took, from its log line
# "... core dumped to F (N bytes of guest image, M on disk, S s, R MB/s)".
dump_secs() {
	grep -E "\\($1\\): core dumped to" $DLOG | tail -n 1 |
	    sed -n 's/.* on disk, \([0-9.]*\) s,.*/\1/p'
}

# The daemon's profile of NAME's dump (its -v line "... dump profile:
# reading guest memory R s, copying F s, waiting for the writer W s, zero
# scan Z s (or compressing C s), writing P s, writeback B s, final flush
# L s"), as figures PREFIX_read_s and so on (PREFIX_work_s for the zero
# scan or the compression).
dump_profile() {
	line=$(grep -E "\\($1\\): dump profile:" $DLOG | tail -n 1)
	if [ -z "$line" ]; then
		fail dump-profile "no dump profile for $1 in the daemon's log"
		return
	fi
	prefix=$2
	set -- $(echo "${line#*dump profile:}" | sed 's/[^0-9.][^0-9.]*/ /g')
	[ $# -eq 7 ] || { fail dump-profile "unreadable: $line"; return; }
	for part in read feed wait work write sync flush; do
		figure "${prefix}_${part}_s" "$1" s
		shift
	done
}

daemon_alive() {
	[ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null
}

# The daemon has exited: gone, or a zombie the shell has not reaped yet.
daemon_dead() {
	! kill -0 "$DPID" 2>/dev/null ||
	    grep -q '^[0-9]* (.*) Z' "/proc/$DPID/stat" 2>/dev/null
}

# The newest incident report of the guest NAME, or nothing.
report_of() {
	# shellcheck disable=SC2012
	grep -l "\"name\":\"$1\"" /var/lib/xen-crashwatch/incidents/*.json \
	    2>/dev/null | xargs -r ls -t | head -n 1
}

# evidence_check CHECK NAME: NAME's crash record says why it died: the
# sysrq panic line, from its console ring or, when Linux's stack and
# register dump after that line filled the 2 KiB ring (about 2.3 KiB for
# a panic from a system call on Linux 6.1), from the log its kernel
# keeps in memory (the check says which).  The record holds the last line it printed, read from its
# console ring; a vCPU has a non-zero instruction pointer; the
# crash-detected hook ran, with the report there and the summary, before
# any core file of NAME.
evidence_check() {
	want='Kernel panic - not syncing: sysrq triggered crash'
	r=$(report_of "$2")
	if [ -z "$r" ]; then
		fail "$1" "no report of $2: $(ls /var/lib/xen-crashwatch/incidents 2>&1 | head -n 3)"
		return
	fi
	last=$(tr -d '\r' <"/var/log/xen/console/guest-$2.log" | grep -v '^ *$' | tail -n 1)
	ip=$(grep -oE '"vcpu0 online ip=0x[0-9a-f]+' "$r" | head -n 1)
	# The hook's line of the same crash as the report (PVH crashes twice).
	rid=$(grep -oE '"id":[0-9]+' "$r" | head -n 1 | cut -d: -f2)
	hook=$(grep -E "^crash-detected name=$2 domid=$rid " $HOOKS | head -n 1)
	summary=$(sed -n 's/^ *"summary":"\(.*\)",$/\1/p' "$r" | head -n 1)
	bad=""
	if [ "$summary" != "$want" ]; then
		how="an unexpected summary"
		bad="$bad summary($summary)"
	elif grep -q '"kernel_log":' "$r"; then
		how="the kernel's log in its memory (the line had left the ring)"
	else
		how="its console ring"
	fi
	if [ -n "$summary" ]; then
		grep -qF "($2) crashed: $summary; action" $DLOG ||
		    grep -qF "($2) was stopped by its watchdog: $summary; action" $DLOG ||
		    bad="$bad message"
	else
		logged "\\($2\\) crashed; action" || bad="$bad message"
	fi
	grep -q '"HVM d[0-9]*[v0-9]* save: ' "$r" && bad="$bad xen-log-noise"
	[ -n "$last" ] && grep -qF "\"$last\"" "$r" || bad="$bad last-line($last)"
	case $ip in
	*ip=0x|*ip=0x0|"") bad="$bad vcpu($ip)" ;;
	esac
	case $hook in
	*core-present=no*report=yes*"summary=$summary") ;;
	*) bad="$bad hook($hook)" ;;
	esac
	[ -z "$bad" ] || echo "E2E-LOG report of $2: $(tr -d '\n' <"$r" | cut -c1-1500); its errors: $(tr -d '\n' <"$r" | grep -o '"errors":{[^}]*}')"
	check "$1" "$(basename "$r"): says why by $how: '$summary'; last line '$last'; ${ip#\"}; ${hook%% reason=*}${bad:+; wrong:$bad}" \
	    [ -z "$bad" ]
}

# The daemon's log has a line matching the extended regex.
logged() {
	grep -qE "$1" $DLOG 2>/dev/null
}

daemon_start() {
	out=$(xen-crashwatchd -n -c $CONF 2>&1)
	check check-config "$out" [ "$(echo "$out" | head -n 1)" = "configuration OK" ]
	xen-crashwatchd -v -c $CONF 2>$DLOG &
	DPID=$!
	DSTOPPING=""
	if ! wait_for 30 logged 'started'; then
		fail daemon-start "no start-up line in 30 s: $(tail -n 5 $DLOG)"
		return 1
	fi
	daemon_alive || { fail daemon-start "exited: $(tail -n 5 $DLOG)"; return 1; }
	pass daemon-start "pid $DPID: $(grep started $DLOG | head -n 1)"
}

# early crashed while no daemon ran: the start-up scan must handle it.
startup_crashed() {
	id=$EARLY_ID
	[ -n "$id" ] || { fail startup-crashed "early was not there to begin with"; return; }
	if ! wait_for 60 domid_gone "$id"; then
		fail startup-crashed "early ($id) still there 60 s after start-up: $(state_of early)"
		return
	fi
	check startup-crashed "early ($id) destroyed at start-up" \
	    logged "domain $id \(early\) crashed(: .*)?; action destroy"
}

# coredump-destroy, timed like xl's: the dump is an ELF core with Xen's
# notes, the same size and layout as xl dump-core's, and the domain goes.
coredump_destroy() {
	tc=$(now)
	guest_start cd preserve || return
	id=$(domid_of cd)
	uuid=$(xl list -v cd 2>/dev/null | awk 'NR == 2 { print $7 }')
	if ! wait_for 120 domid_gone "$id"; then
		fail coredump-destroy "cd ($id) still there after 120 s: $(state_of cd); $(tail -n 5 $DLOG)"
		return
	fi
	t1=$(now)
	t0=$(crash_time cd)
	timed daemon_crash_to_destroy_s "$tc" "$t0" "$t1"
	core=$(ls $DUMPS/cd-*.core 2>/dev/null | head -n 1)
	if [ -z "$core" ]; then
		fail coredump-destroy "no cd-*.core in $DUMPS: $(ls -l $DUMPS)"
		return
	fi
	pass coredump-destroy "domain $id gone, $core"
	case $(basename "$core") in
	cd-$uuid-[0-9]*T[0-9]*Z.core)
		pass dump-name "$(basename "$core") has the name, uuid $uuid and UTC time" ;;
	*)	fail dump-name "$(basename "$core") is not cd-$uuid-<yyyymmddThhmmssZ>.core" ;;
	esac
	# The file's mode is the daemon's; the directory's comes from the
	# tmpfiles rule, as on an installed system.
	mode=$(stat -c %a "$core") dmode=$(stat -c %a $DUMPS)
	ok=false
	[ "$mode" = 600 ] && [ "$dmode" = 700 ] && ok=true
	check dump-mode "file mode $mode, directory $dmode" $ok
	check dump-notes "ELF core with Xen notes" has_xen_notes "$core"
	figure daemon_coredump_s "$(dump_secs cd)" s
	dump_profile cd daemon_coredump
	figure daemon_coredump_disk_bytes "$(disk_bytes "$core")" B
	figure daemon_coredump_file_bytes "$(file_bytes "$core")" B
	like_xl dump-layout "$core" /var/tmp/xl/early.core
	check dump-logged "coredump-destroy done logged" \
	    logged "domain $id \(cd\): coredump-destroy done"
	evidence_check evidence-pv cd
	# What the toolstack removes with the domain (libxenlight's destroy
	# removes it before the hypercall).
	left=""
	for p in /local/domain/$id /libxl/$id /vm/$uuid; do
		xenstore-exists "$p" 2>/dev/null && left="$left $p"
	done
	[ -z "$left" ] ||
	    echo "E2E-LOG left in xenstore after the daemon destroyed cd:$left"
	check xenstore-clean "nothing left of domain $id in xenstore" [ -z "$left" ]
	# The operator's copy: xen-crashwatchctl dump gives the core back as
	# the daemon wrote it, xl dump-core's layout.
	if xen-crashwatchctl dump cd -o /var/tmp/ctl-cd.core >/tmp/ctl.err 2>&1 &&
	    cmp -s /var/tmp/ctl-cd.core "$core"; then
		like_xl ctl-dump /var/tmp/ctl-cd.core /var/tmp/xl/early.core
	else
		fail ctl-dump "xen-crashwatchctl dump cd: $(cat /tmp/ctl.err)"
	fi
	rm -f "$core" /var/tmp/ctl-cd.core
}

# What xen-crashwatchctl shows of the crashes so far: a line for each,
# and for cd the panic that the guest printed.
ctl_check() {
	xen-crashwatchctl list >/tmp/ctl.list 2>&1
	sed 's/^/E2E-LOG ctl: /' /tmp/ctl.list
	if awk '$5 == "cd" && $7 == "coredump-destroy" && $8 == "ok"' /tmp/ctl.list | grep -q . &&
	    awk '$5 == "early" && $7 == "destroy"' /tmp/ctl.list | grep -q . &&
	    awk '$5 == "pres" && $7 == "preserve"' /tmp/ctl.list | grep -q .; then
		pass ctl-list "$(($(wc -l </tmp/ctl.list) - 1)) incidents listed, early, cd and pres among them"
	else
		fail ctl-list "early, cd or pres missing from xen-crashwatchctl list"
	fi
	xen-crashwatchctl --no-pager info cd >/tmp/ctl.info 2>&1
	check ctl-info "info cd shows its panic and its steps" sh -c \
	    "grep -q '^Why: *Kernel panic - not syncing: sysrq triggered crash' /tmp/ctl.info &&
	    grep -qE '^    dump .* ok\$' /tmp/ctl.info && grep -q '^vCPUs:' /tmp/ctl.info"
	grep -q '^Why:' /tmp/ctl.info || sed 's/^/E2E-LOG ctl info: /' /tmp/ctl.info
}

# teardown NAME CHECK HOW: guest NAME has a console and a file-backed
# disk (a loop device, through the block hotplug script); it crashes and
# the daemon destroys it (HOW: what the daemon says it destroys with).
# Afterwards xenstore is what it was before the guest was created
# (xenstore-ls -f, compared whole) and its loop device is gone, as after
# "xl destroy".
teardown() {
	xenstore-ls -f >/run/xs-before-$1 2>&1
	losetup -a >/run/loop-before-$1 2>&1
	if ! GUEST_DISK=1 guest_start "$1" preserve; then
		tail -n 20 /var/log/xen/xen-hotplug.log 2>&1 | sed "s/^/E2E-LOG hotplug: /"
		return
	fi
	id=$(domid_of "$1")
	losetup -a >/run/loop-during-$1 2>&1
	if cmp -s /run/loop-before-$1 /run/loop-during-$1; then
		fail "$2" "$1 ($id) holds no loop device: nothing to tear down ($(xenstore-ls -f /local/domain/0/backend 2>&1 | head -n 5 | tr '\n' ' '))"
		return
	fi
	# Timed from the daemon saying it destroys (0.2 s steps): libxl in
	# the daemon against an xl destroy process.
	wait_for 120 logged "domain $id \\($1\\): $3"
	t0=$(now)
	if ! wait_for 120 domid_gone "$id"; then
		fail "$2" "$1 ($id) still there after 120 s: $(state_of "$1"); $(tail -n 5 $DLOG)"
		return
	fi
	figure "$(echo "$2" | tr - _)_s" "$(elapsed "$t0" "$(now)")" s
	xenstore-ls -f >/run/xs-after-$1 2>&1
	losetup -a >/run/loop-after-$1 2>&1
	left=$(diff /run/xs-before-$1 /run/xs-after-$1 | grep '^[-+]/' | head -n 20)
	loops=$(diff /run/loop-before-$1 /run/loop-after-$1 | grep '^[-+]/')
	[ -z "$left" ] || echo "$left" | sed "s/^/E2E-LOG xenstore after $1: /"
	ok=false
	[ -z "$left" ] && [ -z "$loops" ] && logged "domain $id \\($1\\): $3" && ok=true
	check "$2" "$1 ($id), $3: xenstore as before it was created, loop devices $(grep -c . /run/loop-after-$1) (during: $(grep -c . /run/loop-during-$1))${loops:+; left: $loops}" $ok
	rm -f /var/lib/xen/images/$1.img
}

# Ask the running daemon to reload CONF after changing it with sed.
reload_with() {
	sed -i "$1" $CONF
	n=$(count $DLOG 'configuration reloaded')
	kill -HUP "$DPID"
	if wait_for 20 more_than "$n" $DLOG 'configuration reloaded'; then
		pass reload "$2"
	else
		fail reload "$2: $(tail -n 5 $DLOG)"
	fi
}

# restart: every restart crashes again, so after "burst" (2) restarts the
# fallback (destroy) and its alert come.
restart_wait() {
	if ! wait_for 240 logged '\(rs\): [0-9]+ restarts within'; then
		fail restart-burst "no fallback for rs after 240 s: $(grep '(rs)' $DLOG | tail -n 5)"
		return
	fi
	wait_for 60 name_gone rs ||
	    { fail restart-burst "rs still there after its fallback: $(state_of rs)"; return; }
	crashes=$(count $DLOG '\(rs\) crashed(: .*)?; action')
	ids=$(grep -E '\(rs\) crashed(: .*)?; action' $DLOG | awk '{ print $3 }' | sort -u | wc -l)
	restarts=$(count $DLOG '\(rs\): restart command')
	ok=false
	[ "$crashes" = 3 ] && [ "$ids" = 3 ] && [ "$restarts" = 2 ] && ok=true
	check restart-burst "crashes $crashes (domids $ids), restarts $restarts, then destroy" $ok
	check xl-destroy "rs destroyed by destroy.command (xl destroy)" \
	    logged '\(rs\): destroying with xl'
	check restart-alert "$(grep -E '\(rs\): [0-9]+ restarts within' $DLOG | head -n 1)" \
	    logged '\(rs\): 2 restarts within 600 s; not restarting again, falling back to destroy \(was restart\)'
	handled=$(count $HOOKS '^crash-handled name=rs ')
	suppressed=$(count $HOOKS '^restart-suppressed name=rs ')
	ok=false
	[ "$handled" = 2 ] && [ "$suppressed" = 1 ] && ok=true
	check restart-hooks "hook runs: $handled crash-handled, $suppressed restart-suppressed" $ok
}

# coredump-restart with zstd: one dump and restart, then (burst 1) the
# fallback; the decompressed dump matches xl dump-core's size and layout.
coredump_restart_wait() {
	if ! wait_for 240 logged '\(cz\): [0-9]+ restarts within'; then
		fail coredump-restart "no fallback for cz after 240 s: $(grep '(cz)' $DLOG | tail -n 5)"
		return
	fi
	wait_for 60 name_gone cz ||
	    { fail coredump-restart "cz still there after its fallback: $(state_of cz)"; return; }
	core=$(ls $DUMPS/cz-*.core.zst 2>/dev/null)
	n=$(echo "$core" | grep -c .)
	restarted=$(count $DLOG '\(cz\): restart command')
	ok=false
	[ "$n" = 1 ] && [ "$restarted" = 1 ] && ok=true
	check coredump-restart "$n dump(s) $core, $restarted restart(s), crash, destroy" $ok
	check restart-running "$(grep -E '\(cz\): restart command' $DLOG | head -n 1)" \
	    logged '\(cz\): restart command exited 1, but the guest is running: domain [0-9]+ \(cz\)'
	[ "$n" = 1 ] || return
	figure daemon_zstd_s "$(dump_secs cz)" s
	dump_profile cz daemon_zstd
	figure daemon_zstd_disk_bytes "$(disk_bytes "$core")" B
	figure daemon_zstd_file_bytes "$(file_bytes "$core")" B
	if ! zstd -q -d "$core" -o /var/tmp/cz.core 2>/tmp/zstd.err; then
		fail zstd-dump "zstd -d: $(cat /tmp/zstd.err)"
		return
	fi
	like_xl zstd-dump /var/tmp/cz.core /var/tmp/xl/early.core
	check zstd-notes "ELF core with Xen notes" has_xen_notes /var/tmp/cz.core
	rm -f /var/tmp/cz.core
}

# preserve: crashed, left crashed, recorded once however many rescans the
# other guests caused and across the reload.
preserve_check() {
	id=$(domid_of pres)
	n=$(count $DLOG '\(pres\) crashed(: .*)?; action preserve')
	recs=$(count $STATE 'name = "pres"')
	st=$(state_of pres)
	ok=false
	[ -n "$id" ] && [ "$st" = "---sc-" ] && [ "$n" = 1 ] && [ "$recs" = 1 ] && ok=true
	check preserve "pres ($id) is $st; logged $n time(s), $recs state record(s)" $ok
}

# The daemon in the shipped unit, sandbox and all (the one a Debian
# package installs), under a systemd manager of our own: dom0 is not
# booted with systemd.  The manager runs as root, and reaches /proc/xen,
# /dev/xen and the cgroups as PID 1's would; restart commands then run
# as its transient services.  The drop-in keeps the daemon's -v log in
# DLOG for the checks, and lets the test's hook write /run/hooks.log (an
# operator's hook outside the unit's paths needs the same).
SANDBOX=""
sandbox_start() {
	export XDG_RUNTIME_DIR=/run/sd-user
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
	mkdir -p /run/systemd/system
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts ||
	    mount -t cgroup2 cgroup2 /sys/fs/cgroup ||
	    { fail sandbox "cannot mount cgroup2"; return 1; }
	/lib/systemd/systemd --user --log-target=console \
	    >/var/log/systemd-user.log 2>&1 &
	if ! wait_for 60 [ -S "$XDG_RUNTIME_DIR/systemd/private" ]; then
		fail sandbox "systemd --user did not start: $(tail -n 5 /var/log/systemd-user.log)"
		return 1
	fi
	# Sandboxes hide paths behind the init system's empty nodes, which
	# this manager made in its runtime directory.
	mkdir -p /run/systemd/inaccessible
	mount --bind "$XDG_RUNTIME_DIR/systemd/inaccessible" \
	    /run/systemd/inaccessible ||
	    { fail sandbox "cannot provide /run/systemd/inaccessible"; return 1; }
	# Transient services get the manager's environment: on a real host
	# xl is in systemd's default PATH (/usr/sbin/xl); here it lives only
	# in Xen's own directory, which dom0's PATH names.
	systemctl --user import-environment PATH
	units=$XDG_RUNTIME_DIR/systemd/user
	mkdir -p "$units/xen-crashwatch.service.d"
	sed 's|@SBINDIR@|/usr/sbin|' /e2e/xen-crashwatch.service \
	    >"$units/xen-crashwatch.service"
	touch $HOOKS
	cat >"$units/xen-crashwatch.service.d/e2e.conf" <<-EOF
	[Service]
	ExecStart=
	ExecStart=/usr/sbin/xen-crashwatchd -v -c $CONF
	StandardError=append:$DLOG
	Environment=XCW_SYSTEMD_SOCKET=$XDG_RUNTIME_DIR/systemd/private
	ReadWritePaths=$HOOKS
	EOF
	systemctl --user daemon-reload
	if ! systemctl --user start xen-crashwatch.service; then
		fail sandbox "the unit did not start: $(systemctl --user status xen-crashwatch.service 2>&1 | tail -n 8 | tr '\n' ' ') $(tail -n 5 /var/log/systemd-user.log)"
		return 1
	fi
	DPID=$(systemctl --user show -P MainPID xen-crashwatch.service)
	SANDBOX=1
	DSTOPPING=""
	st=/proc/$DPID/status
	check sandbox "pid $DPID in the shipped unit: $(grep -E '^(Seccomp|NoNewPrivs|CapBnd):' $st | tr '\n\t' '  ')" \
	    sh -c "grep -q '^Seccomp:[[:space:]]*2\$' $st && grep -q '^NoNewPrivs:[[:space:]]*1\$' $st"
	wait_for 30 logged 'watching [0-9]+ domains' ||
	    fail sandbox "no first scan: $(tail -n 5 $DLOG)"
}

daemon_stop() {
	if [ -n "$SANDBOX" ]; then
		DSTOPPING=1
		SANDBOX=""
		systemctl --user stop xen-crashwatch.service
		r=$(systemctl --user show -P Result xen-crashwatch.service)
		st=$(systemctl --user show -P ExecMainStatus xen-crashwatch.service)
		check daemon-stop "the unit stopped: result $r, exit status $st" \
		    [ "$r/$st" = success/0 ]
		return
	fi
	daemon_alive || { fail daemon-stop "daemon is not running: $(tail -n 5 $DLOG)"; return; }
	DSTOPPING=1
	kill -TERM "$DPID"
	wait "$DPID"
	st=$?
	check daemon-stop "exit status $st on SIGTERM" [ $st = 0 ]
}

# SIGKILL in the middle of a dump, on real Xen: the dump child dies with
# the daemon, and the daemon started again resumes the crash from its
# state file.  The end: one complete core, no partial file, one destroy,
# one crash alert.  256 MiB, so that the dump lasts long enough to be
# caught; a plain dump, the quicker kind under TCG.
partial_dump() {
	ls -a $DUMPS | grep -q "^\.$1-.*\.partial\$"
}

kill_mid_dump() {
	xl destroy pres >/dev/null 2>&1
	rm -f /var/tmp/xl/early.core $DUMPS/xlcd*
	sed -i 's/compress = "zstd"/compress = "none"/' $CONF
	log1=/var/log/crashwatch-kill1.log log2=/var/log/crashwatch-kill2.log
	DLOG=$log1
	daemon_start || return
	mem=$GUEST_MEM
	GUEST_MEM=256
	guest_start kd preserve
	r=$?
	GUEST_MEM=$mem
	[ $r = 0 ] || return
	id=$(domid_of kd)
	if ! wait_for 120 partial_dump kd; then
		fail kill-mid-dump "no partial dump of kd ($id) seen: $(grep '(kd)' $DLOG | tail -n 3)"
		return
	fi
	DSTOPPING=1
	kill -KILL "$DPID"
	wait "$DPID" 2>/dev/null
	pass kill-mid-dump "SIGKILL while $(ls -a $DUMPS | grep '^\.kd-.*\.partial$') was written"
	DLOG=$log2
	daemon_start || return
	if ! wait_for 240 domid_gone "$id"; then
		fail kill-resume "kd ($id) still there after the restart: $(state_of kd); $(grep '(kd)' $DLOG | tail -n 5)"
		return
	fi
	check kill-resume "$(grep -E '\(kd\): resuming' $DLOG | head -n 1)" \
	    logged "domain $id \(kd\): resuming coredump-destroy"
	cores=$(ls $DUMPS/kd-*.core 2>/dev/null)
	n=$(echo $cores | wc -w)
	partials=$(ls -a $DUMPS | grep -c '^\.kd-.*\.partial$')
	alerts=$(cat $log1 $log2 | grep -cE "domain $id \(kd\) crashed(: .*)?; action")
	destroys=$(cat $log1 $log2 | grep -cE '\(kd\): destroying with')
	dumped=$(cat $log1 $log2 | grep -cE '\(kd\): core dumped to')
	ok=false
	[ "$n" = 1 ] && [ "$partials" = 0 ] && [ "$alerts" = 1 ] &&
	    [ "$destroys" = 1 ] && [ "$dumped" = 1 ] && ok=true
	check kill-once "$n core(s), $partials partial(s), $alerts crash alert(s), $dumped dump(s) logged, $destroys destroy(s)" $ok
	if [ "$n" = 1 ]; then
		ok=false
		core_complete "$cores" && has_xen_notes "$cores" &&
		    [ "$(file_bytes "$cores")" -gt $((256 * 1048576)) ] && ok=true
		check kill-core-whole "$(basename "$cores"): $(file_bytes "$cores") B" $ok
		rm -f "$cores"
	else
		fail kill-core-whole "not one core: $cores"
	fi
	daemon_stop
}

# SIGKILL at the moment the dump child has renamed the finished core to
# its final name, before the daemon heard of it: the test build's kill
# point dump-renamed (the child kills the daemon, then itself).  The
# plain daemon started again must know the core by its recorded name and
# size and not dump again: one core, one dump, one alert, one destroy.
kill_at_rename() {
	drill=/usr/sbin/xen-crashwatchd-drill
	if [ ! -x $drill ]; then
		fail kill-rename "no $drill in dom0: give run.sh the test build (san/bin/xen-crashwatchd) as its third argument"
		return
	fi
	log1=/var/log/crashwatch-rename1.log log2=/var/log/crashwatch-rename2.log
	DLOG=$log1
	XCW_KILL_AT=dump-renamed $drill -v -c $CONF 2>$DLOG &
	DPID=$!
	# It is meant to die: daemon_check must not end the run for that.
	DSTOPPING=1
	if ! wait_for 60 logged 'started'; then
		fail kill-rename "the drill daemon did not start: $(tail -n 5 $DLOG)"
		return
	fi
	guest_start kr preserve || return
	id=$(domid_of kr)
	if ! wait_for 240 daemon_dead; then
		fail kill-rename "not killed at dump-renamed: $(grep '(kr)' $DLOG | tail -n 3)"
		return
	fi
	wait "$DPID"
	st=$?
	core=$(ls $DUMPS/kr-*.core 2>/dev/null)
	partials=$(ls -a $DUMPS | grep -c '^\.kr-.*\.partial$')
	ok=false
	[ "$st" = 137 ] && [ -n "$core" ] && [ "$partials" = 0 ] && ok=true
	check kill-rename "status $st at dump-renamed; $(basename "${core:-none}"), $partials partial(s)" $ok
	DLOG=$log2
	daemon_start || return
	if ! wait_for 120 domid_gone "$id"; then
		fail kill-rename-once "kr ($id) still there: $(grep '(kr)' $DLOG | tail -n 3)"
		return
	fi
	n=$(ls $DUMPS/kr-*.core 2>/dev/null | wc -l)
	dumps=$(cat $log1 $log2 | grep -cE '\(kr\): dumping core')
	alerts=$(cat $log1 $log2 | grep -cE "domain $id \(kr\) crashed(: .*)?; action")
	destroys=$(cat $log1 $log2 | grep -cE '\(kr\): destroying with')
	ok=false
	[ "$n" = 1 ] && [ "$dumps" = 1 ] && [ "$alerts" = 1 ] && [ "$destroys" = 1 ] &&
	    logged '\(kr\): core dumped to .* by the previous run' && ok=true
	check kill-rename-once "$n core(s), $dumps dump(s) started, $alerts alert(s), $destroys destroy(s); $(grep -E '\(kr\): core dumped to' $log2 | head -n 1)" $ok
	[ "$n" = 1 ] && { core_complete $DUMPS/kr-*.core ||
	    fail kill-rename-once "the core is not whole: $(file_bytes $DUMPS/kr-*.core) B"; }
	rm -f $DUMPS/kr-*.core
	daemon_stop
}

# The last daemon run: two watchdogs and a PVH guest side by side, then a
# storm.
# Guests that wait (guest-init's xcw=wait) are crashed from dom0 through
# their control/sysrq node, as "xl sysrq NAME c" does.
STORM="st-pres1 st-dest1 st-dest2 st-rest1 st-rest2 st-ren1 st-cdd1"
REN_UUID=5e1f2a3b-7c4d-4e8f-9a0b-1c2d3e4f5a6b

# NAME's kernel watches control/sysrq: it says so with the shutdown
# features it writes in the same breath (Linux's manage.c).
sysrq_ready() {
	for _g in "$@"; do
		_id=$(domid_of "$_g")
		[ -n "$_id" ] &&
		    xenstore-exists "/local/domain/$_id/control/feature-poweroff" 2>/dev/null ||
		    return 1
	done
}

# Crash the named guests at once: "c" written to each one's control/sysrq,
# as "xl sysrq NAME c" does.
sysrq_crash() {
	_args=""
	for _g in "$@"; do
		_args="$_args /local/domain/$(domid_of "$_g")/control/sysrq c"
	done
	# One process, one connection: the writes follow each other within
	# milliseconds (a process each takes a quarter second under TCG).
	# SYSRQ_T0 and SYSRQ_T1 bracket the writes alone.
	SYSRQ_T0=$(now)
	# shellcheck disable=SC2086
	xenstore-write $_args
	SYSRQ_T1=$(now)
}

names_gone() {
	for _g in "$@"; do
		name_gone "$_g" || return 1
	done
}

# Lines of the daemon's log saying NAME crashed.
alerts() {
	count $DLOG "\\($1\\) crashed(: .*)?; action"
}

more_start() {
	daemon_alive && daemon_stop
	# The daemon's own destroy again: the storm is about the daemon.
	sed -i 's/^destroy: .*/#destroy-command/' $CONF
	DLOG=/var/log/crashwatch-more.log
	# The rest (watchdog, observe, PVH, the storm of every action) in
	# the shipped unit's sandbox.
	sandbox_start || return
	GUEST_MODE=watchdog
	guest_start wd preserve
	GUEST_ON_WATCHDOG=destroy guest_start xwd preserve
	# xo: xl's own on_crash dumps and destroys it (the dump gives the
	# daemon's scan ample time to see the crash); the daemon observes.
	GUEST_MODE=crash
	guest_start xo coredump-destroy
	GUEST_TYPE=pvh
	guest_start pvh preserve
	GUEST_MODE="" GUEST_TYPE=""
}

# wd: Xen stops it (SHUTDOWN_watchdog); the daemon says watchdog, not
# crash, and applies on_watchdog.  xwd: xl's own on_watchdog; its log
# gives the reason code Xen reported (4, watchdog), the same for both.
watchdog_check() {
	if ! wait_for 120 logged '\(wd\) was stopped by its watchdog; action destroy'; then
		fail watchdog "no watchdog alert for wd: $(grep '(wd)' $DLOG | tail -n 3); $(tail -n 3 /var/log/xen/console/guest-wd.log)"
		return
	fi
	wait_for 60 name_gone wd ||
	    { fail watchdog "wd still there: $(state_of wd)"; return; }
	check watchdog "$(grep '(wd) was stopped' $DLOG | head -n 1); crash alerts $(alerts wd)" \
	    [ "$(alerts wd)" = 0 ]
	if ! wait_for 120 name_gone xwd; then
		fail watchdog-xl "xwd still there: $(state_of xwd)"
		return
	fi
	check watchdog-xl "xl: $(grep -E 'reason code|Action for' /var/log/xen/xl-xwd.log | tr '\n' ' ')" \
	    grep -q 'shut down, reason code 4 ' /var/log/xen/xl-xwd.log
}

# xo's xl configuration says on_crash = "coredump-destroy": xl's monitor
# dumps and destroys it; the daemon warned when it appeared, alerts the
# crash as observed, and never acts on it.
observe_check() {
	if ! wait_for 120 logged '\(xo\) crashed(: .*)?; action observe'; then
		fail observe "no observed crash of xo: $(grep '(xo)' $DLOG | tail -n 3)"
		return
	fi
	wait_for 180 name_gone xo || { fail observe "xl did not destroy xo: $(state_of xo)"; return; }
	rm -f $DUMPS/xo*
	warned=$(count $DLOG "\\(xo\\): xl's own on_crash is \"coredump_destroy\"")
	acted=$(count $DLOG '\(xo\): (destroying|core dump|restart command|renamed)')
	ok=false
	[ "$warned" = 1 ] && [ "$acted" = 0 ] && ok=true
	check observe "$(grep -E '\(xo\) crashed' $DLOG | head -n 1 | cut -c1-160); warned $warned, acted $acted" $ok
}

# Seven guests under five policies crashed in the same second, then the
# three restarted ones again: each crash alerted once, each handled by
# its policy, and the second crash of a restarted guest is over its
# limit (burst 1).
storm() {
	# 96 MiB each, as the others: a PV guest's unpacked kernel and its
	# page tables need more than 64.  Started once the watchdog and PVH
	# guests are gone: dom0 leaves Xen about 900 MiB.
	echo "E2E NOTE Xen's free memory before the storm: $(xl info | awk '$1 == "free_memory" { print $3 }') MiB"
	GUEST_MODE=wait
	for g in $STORM; do
		# st-ren1 pins its UUID: its rename-restart must leave two.
		u=""
		[ "$g" = st-ren1 ] && u=$REN_UUID
		GUEST_UUID=$u guest_start "$g" preserve || return
	done
	GUEST_MODE=""
	echo "E2E NOTE storm guests created [$(up)]"
	if ! wait_for 180 sysrq_ready $STORM; then
		fail storm-boot "not all ready: $(for g in $STORM; do sysrq_ready $g || printf '%s (%s: %s) ' $g "$(state_of $g)" "$(tail -n 1 /var/log/xen/console/guest-$g.log 2>/dev/null)"; done)"
		return
	fi
	echo "E2E NOTE storm guests waiting [$(up)]"
	sysrq_crash $STORM
	t0=$SYSRQ_T0
	figure storm_crash_spread_s "$(elapsed "$SYSRQ_T0" "$SYSRQ_T1")" s
	echo "E2E NOTE storm crashed: $(xl list | awk 'NR > 2 { printf "%s %s, ", $1, $5 }') [$(up)]"
	storm_wave1 || return
	figure storm_wave1_s "$(elapsed "$t0" "$(now)")" s
	sysrq_crash st-rest1 st-rest2 st-ren1
	t0=$SYSRQ_T0
	storm_wave2 || return
	figure storm_wave2_s "$(elapsed "$t0" "$(now)")" s
}

wave1_done() {
	is_crashed st-pres1 && name_gone st-dest1 && name_gone st-dest2 &&
	    [ -n "$(ls $DUMPS/st-cdd1-*.core 2>/dev/null)" ] && name_gone st-cdd1 &&
	    sysrq_ready st-rest1 st-rest2 st-ren1 &&
	    ! is_crashed st-rest1 && ! is_crashed st-rest2 && ! is_crashed st-ren1
}

# What the daemon said about the storm, and what xl shows, on a failure.
storm_said() {
	xl list | sed 's/^/E2E-XL-LIST /'
	grep -E '\(st-' $DLOG | tail -n 40 | sed 's/^/E2E-LOG /'
}

storm_wave1() {
	if ! wait_for 120 wave1_done; then
		fail storm-wave1 "not handled: $(xl list | awk 'NR > 1 { printf "%s %s, ", $1, $5 }')"
		storm_said
		return 1
	fi
	bad=""
	for g in $STORM; do
		[ "$(alerts $g)" = 1 ] || bad="$bad $g:$(alerts $g)-alerts"
	done
	for g in st-rest1 st-rest2 st-ren1; do
		[ "$(count $DLOG "\\($g\\): restart command")" = 1 ] ||
		    bad="$bad $g:restarts"
	done
	renamed=$(xl list | awk '$1 ~ /^st-ren1-crashed-/ { print $1 }')
	[ -n "$renamed" ] && is_crashed "$renamed" || bad="$bad st-ren1:not-renamed"
	# Two domains, two UUIDs: the restarted guest has the pinned one, the
	# kept one a new one that its /vm entry agrees with.
	kuuid=$(xl list -v "$renamed" 2>/dev/null | awk 'NR == 2 { print $7 }')
	kid=$(domid_of "$renamed")
	ruuid=$(xl list -v st-ren1 2>/dev/null | awk 'NR == 2 { print $7 }')
	uuids="kept $renamed ($kid) $kuuid (xl list -l: $(xl list -l "$renamed" 2>/dev/null | grep -c .) lines; userdata $(ls /var/lib/xen/userdata-d.$kid.* 2>/dev/null | sed 's|.*/||' | tr '\n' ' ')), /local/domain/$kid/vm $(xenstore-read /local/domain/$kid/vm 2>&1), its name $(xenstore-read /vm/$kuuid/name 2>&1), /vm/$REN_UUID/name $(xenstore-read /vm/$REN_UUID/name 2>&1); restarted st-ren1 $ruuid"
	ok=false
	[ -n "$kuuid" ] && [ "$kuuid" != "$REN_UUID" ] &&
	    [ "$ruuid" = "$REN_UUID" ] &&
	    [ "$(xenstore-read /local/domain/$kid/vm 2>/dev/null)" = "/vm/$kuuid" ] &&
	    [ "$(xenstore-read /vm/$kuuid/name 2>/dev/null)" = "$renamed" ] &&
	    [ "$(xenstore-read /vm/$REN_UUID/name 2>/dev/null)" = st-ren1 ] &&
	    xl list -l "$renamed" 2>/dev/null | grep -q '"c_info"' &&
	    [ -z "$(ls /var/lib/xen/userdata-d.$kid.$REN_UUID.* 2>/dev/null)" ] &&
	    ok=true
	check rename-uuid "$uuids" $ok
	[ "$(ls $DUMPS/st-cdd1-*.core | wc -l)" = 1 ] || bad="$bad st-cdd1:cores"
	check storm-wave1 "7 crashes: 1 preserved, 2 destroyed, 2 restarted, 1 renamed ($renamed) and restarted, 1 dumped and destroyed${bad:+; wrong:$bad}" \
	    [ -z "$bad" ]
	rm -f $DUMPS/st-cdd1-*.core
}

storm_wave2() {
	if ! wait_for 120 names_gone st-rest1 st-rest2 st-ren1; then
		fail storm-wave2 "not destroyed: $(xl list | awk 'NR > 1 { printf "%s %s, ", $1, $5 }')"
		storm_said
		return 1
	fi
	bad=""
	for g in st-rest1 st-rest2 st-ren1; do
		[ "$(alerts $g)" = 2 ] || bad="$bad $g:$(alerts $g)-alerts"
		[ "$(count $DLOG "\\($g\\): restart command")" = 1 ] ||
		    bad="$bad $g:restarts"
		[ "$(count $DLOG "\\($g\\): 1 restarts within 600 s; not restarting again, falling back to destroy")" = 1 ] ||
		    bad="$bad $g:fallback"
	done
	check storm-wave2 "3 restarted guests crashed again: over the limit, destroyed, each alerted once more${bad:+; wrong:$bad}" \
	    [ -z "$bad" ]
}

# pvh: a PVH guest crashes, is restarted, crashes again, and is destroyed
# (burst 1).
pvh_check() {
	if ! wait_for 300 logged '\(pvh\): 1 restarts within 600 s'; then
		fail pvh "no second crash of pvh: $(grep '(pvh)' $DLOG | tail -n 3)"
		return
	fi
	wait_for 60 name_gone pvh || { fail pvh "pvh still there: $(state_of pvh)"; return; }
	n=$(alerts pvh)
	r=$(count $DLOG '\(pvh\): restart command')
	ok=false
	[ "$n" = 2 ] && [ "$r" = 1 ] && ok=true
	check pvh "type pvh: $n crashes, $r restart, then destroyed" $ok
	evidence_check evidence-pvh pvh
}

# The long set (make e2e-long): a PVH guest's core, by xl dump-core and
# by the daemon, timed.  libxenguest reads a PVH guest by trying every
# frame number below its highest one (the special pages just under
# 4 GiB), one map hypercall each, so the time hardly depends on the
# guest's memory; under TCG it is minutes.
pvh_dump() {
	GUEST_TYPE=pvh xl_crash_dump pvhd 300 pvh-crash pvh-xl-dump-core \
	    pvh_xl_dump_core || return
	id=$XL_ID
	daemon_start || return
	# The start-up scan finds pvhd crashed; its rule is coredump-destroy.
	if ! wait_for 1800 domid_gone "$id"; then
		fail pvh-coredump "pvhd ($id) still there after 1800 s: $(tail -n 5 $DLOG)"
		daemon_stop
		return
	fi
	core=$(ls $DUMPS/pvhd-*.core 2>/dev/null | head -n 1)
	if [ -z "$core" ]; then
		fail pvh-coredump "no pvhd-*.core in $DUMPS: $(tail -n 5 $DLOG)"
		daemon_stop
		return
	fi
	figure pvh_daemon_dump_s "$(dump_secs pvhd)" s
	dump_profile pvhd pvh_daemon
	figure pvh_daemon_disk_bytes "$(disk_bytes "$core")" B
	like_xl pvh-coredump "$core" /var/tmp/xl/pvhd.core
	rm -f "$core" /var/tmp/xl/pvhd.core
	daemon_stop
}

more_end() {
	for d in $(xl list | awk 'NR > 2 { print $1 }'); do
		xl destroy "$d" >/dev/null 2>&1
	done
	daemon_stop
}

# The standard set, in make test.
standard() {
	xl_reference
	xl_preserve
	daemon_start || return
	startup_crashed
	coredump_destroy
	teardown td teardown "destroying through libxenlight"
	reload_with 's/compress = "none"/compress = "zstd"/; s/^#destroy-command/destroy: { command = [ "xl", "destroy", "%d" ]; };/' \
	    'dump.compress = "zstd", destroy.command = xl destroy'
	teardown tx teardown-command "destroying with xl"
	# The rest run side by side to save time.
	pres=false rs=false cz=false
	guest_start pres preserve && pres=true
	guest_start rs preserve && rs=true
	touch /run/restart-fails-cz
	guest_start cz preserve && cz=true
	if $pres && ! wait_for 120 is_crashed pres; then
		fail preserve "pres not crashed after 120 s"
		pres=false
	fi
	! $rs || restart_wait
	! $cz || coredump_restart_wait
	! $pres || preserve_check
	ctl_check
	daemon_stop
	kill_mid_dump
	kill_at_rename
	if more_start; then
		watchdog_check
		observe_check
		pvh_check
		storm
	fi
	more_end
}

# The dump set: bench-dump alone; the long set: it, then the PVH guest.
dump_set() {
	xl_preserve && bench_dumps 3
	xl destroy early >/dev/null 2>&1
	rm -f /var/tmp/xl/early.core
}

case ${1:-standard} in
dump)	dump_set ;;
long)	dump_set
	pvh_dump ;;
*)	standard ;;
esac
xl list
for l in /var/log/crashwatch.log /var/log/crashwatch-kill1.log \
    /var/log/crashwatch-kill2.log /var/log/crashwatch-more.log; do
	[ -f $l ] || continue
	echo "E2E-LOG --- $l"
	sed 's/^/E2E-LOG /' $l
done
sed 's/^/E2E-HOOK /' $HOOKS 2>/dev/null
echo "E2E DONE failures=$FAILS"
