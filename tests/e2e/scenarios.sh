#!/bin/sh
# The scenarios, run by dom0's /init on one boot.  Each check prints an
# E2E PASS or E2E FAIL line; figures are E2E FIGURE lines; the last line is
# "E2E DONE failures=N".
. /e2e/lib.sh

# xl alone: a guest left crashed by on_crash="preserve", and xl's own
# on_crash="coredump-destroy" handling, timed as a reference.
xl_reference() {
	tc=$(now)
	guest_start xlcd coredump-destroy || return
	echo "E2E-DEBUG created at $tc, returned at $(now)"
	id=$(domid_of xlcd)
	if ! wait_for 120 domid_gone "$id"; then
		fail xl-coredump-destroy "domain $id still there after 120 s: $(state_of xlcd)"
		return
	fi
	t1=$(now)
	t0=$(crash_time xlcd)
	echo "E2E-DEBUG crash at $t0, gone at $t1"
	core=$(ls -t /var/lib/xen/dump/xlcd* 2>/dev/null | head -n 1)
	if [ -z "$t0" ] || [ -z "$core" ]; then
		fail xl-coredump-destroy "no crash time ($t0) or no core ($core)"
		return
	fi
	pass xl-coredump-destroy "$core"
	figure xl_crash_to_destroy_s "$(elapsed "$t0" "$t1")" s
	figure xl_core_disk_bytes "$(disk_bytes "$core")" B
	figure xl_core_file_bytes "$(file_bytes "$core")" B
	mkdir -p /var/tmp/xl
	mv "$core" /var/tmp/xl/xlcd.core
}

# A guest that crashes and is left for someone else; xl dump-core of it is
# the reference image the daemon's dumps are compared with.
xl_preserve() {
	guest_start early preserve || return
	if ! wait_for 120 is_crashed early; then
		fail xl-preserve "early not crashed after 120 s: $(state_of early)"
		return
	fi
	pass xl-preserve "early is $(state_of early)"
	t0=$(now)
	if ! xl dump-core early /var/tmp/xl/early.core >/var/log/xen/dump-early.log 2>&1; then
		fail xl-dump-core "$(tail -n 3 /var/log/xen/dump-early.log)"
		return
	fi
	t1=$(now)
	figure xl_dump_core_s "$(elapsed "$t0" "$t1")" s
	figure xl_dump_core_disk_bytes "$(disk_bytes /var/tmp/xl/early.core)" B
	figure xl_dump_core_file_bytes "$(file_bytes /var/tmp/xl/early.core)" B
	check xl-dump-core "ELF core with Xen notes" has_xen_notes /var/tmp/xl/early.core
}

xl_reference
xl_preserve
xl list
echo "E2E DONE failures=$FAILS"
