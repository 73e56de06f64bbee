# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the scenarios that dom0's /init runs: markers, clocks, guests.
# Markers are whole console lines that run.sh greps:
#	E2E PASS <check>: <detail>
#	E2E FAIL <check>: <detail>
#	E2E FIGURE <name> <value> <unit>

FAILS=0
GUEST_MEM=${GUEST_MEM:-96}

# Seconds since dom0 booted, to see where the time goes.
up() {
	cut -d' ' -f1 /proc/uptime
}

pass() {
	echo "E2E PASS $1: $2 [$(up)]"
}

fail() {
	echo "E2E FAIL $1: $2 [$(up)]"
	FAILS=$((FAILS + 1))
}

# check NAME DETAIL COMMAND...: PASS or FAIL by the command's status.
check() {
	_n=$1 _d=$2
	shift 2
	if "$@"; then pass "$_n" "$_d"; else fail "$_n" "$_d"; fi
}

figure() {
	echo "E2E FIGURE $1 $2 $3"
}

# Wall clock with microseconds (busybox date has no %N); Xen gives dom0
# and the guests the same clock.
now() {
	adjtimex | awk '/tv_sec/ { s = $2 } /tv_usec/ { u = $2 }
	    END { printf "%d.%06d\n", s, u }'
}

# Seconds between two now() values, with millisecond precision.
elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'
}

# guest_cfg NAME ON_CRASH: an xl config for a guest of GUEST_TYPE (pv or
# pvh) that does what GUEST_MODE says (guest-init: crash, wait or
# watchdog), with xl's on_watchdog GUEST_ON_WATCHDOG.  Debian's kernel
# allows no crash from sysrq by default (kernel.sysrq = 438), and Xen's
# control/sysrq goes through that mask: sysrq_always_enabled opens it.
# A PVH guest is given no RDTSCP: Xen intercepts it and, under QEMU's
# TCG (an SVM without next-RIP saving), cannot decode its length, so it
# injects #GP into a guest that then faults again while reporting it and
# dies at boot (Xen's log: "SVM Insn len emulation failed"), before its
# console shows more than its first lines and long before any sysrq;
# without RDTSCP Linux reads the clock with LFENCE; RDTSC.
# With GUEST_UUID set, its configuration pins that UUID.
# With GUEST_DISK set, the guest has a disk: an 8 MiB sparse file, which
# the toolstack attaches through a loop device (phy backend, "block"
# hotplug script).
guest_cfg() {
	cpuid=""
	[ "${GUEST_TYPE:-pv}" = pvh ] && cpuid='cpuid = "host,rdtscp=0"'
	uuid=""
	[ -n "${GUEST_UUID:-}" ] && uuid="uuid = \"$GUEST_UUID\""
	disk=""
	if [ -n "${GUEST_DISK:-}" ]; then
		dd if=/dev/zero of=/var/lib/xen/images/$1.img bs=1M seek=8 \
		    count=0 2>/dev/null
		disk="disk = [ \"format=raw,vdev=xvda,access=rw,target=/var/lib/xen/images/$1.img\" ]"
	fi
	cat >/etc/xen/$1.cfg <<CFG
name = "$1"
type = "${GUEST_TYPE:-pv}"
kernel = "/boot/vmlinux"
ramdisk = "/boot/guest.cpio.gz"
extra = "console=hvc0 quiet panic=0 sysrq_always_enabled xcw=${GUEST_MODE:-crash}"
memory = $GUEST_MEM
vcpus = 1
on_crash = "$2"
on_watchdog = "${GUEST_ON_WATCHDOG:-preserve}"
$cpuid
$disk
$uuid
CFG
}

# guest_start NAME ON_CRASH: write its config and create it.
guest_start() {
	guest_cfg "$1" "$2"
	xl create /etc/xen/$1.cfg >/var/log/xen/create-$1.log 2>&1 && return 0
	# xl itself has been seen to abort under TCG (a glibc robust-mutex
	# assertion) while another xl ran: say so, clean up, try once more.
	sed "s/^/E2E-XL /" /var/log/xen/create-$1.log | head -n 20
	echo "E2E NOTE xl create $1 failed once; retrying"
	xl destroy "$1" >/dev/null 2>&1
	xl create /etc/xen/$1.cfg >/var/log/xen/create-$1.log 2>&1 || {
		sed "s/^/E2E-XL /" /var/log/xen/create-$1.log | head -n 20
		fail "create-$1" "xl create failed twice"
		return 1
	}
}

domid_of() {
	xl domid "$1" 2>/dev/null
}

# State flags of domain NAME as xl shows them ("---sc-" when crashed).
state_of() {
	xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'
}

is_crashed() {
	case $(state_of "$1") in
	*c*) return 0 ;;
	esac
	return 1
}

# wait_for SECONDS COMMAND...: poll until the command succeeds.  Every
# 200 ms: each xl call costs dom0's only vCPU about that much under TCG,
# and polling faster would slow down what is being timed.  SECONDS is what
# an idle build machine needs; the wait allows four times as much, since
# a busy host slows TCG down and a wait that passes ends at once anyway.
wait_for() {
	_end=$(($(cut -d. -f1 /proc/uptime) + $1 * 4))
	shift
	until "$@"; do
		daemon_check
		[ "$(cut -d. -f1 /proc/uptime)" -lt $_end ] || return 1
		usleep 200000
	done
}

# The daemon the scenarios started died without being asked to: nothing
# after this can pass, and waiting out every scenario's limit only hides
# why.  Its last words and the kernel's (a fault's "traps:" line) go to
# the console, then the run ends.  A zombie counts as dead: the shell
# has not reaped it yet.  DPID, DLOG and DSTOPPING are the scenarios'.
daemon_check() {
	[ -n "${DPID:-}" ] && [ -z "${DSTOPPING:-}" ] || return 0
	if kill -0 "$DPID" 2>/dev/null &&
	    ! grep -q '^[0-9]* (.*) Z' "/proc/$DPID/stat" 2>/dev/null; then
		return 0
	fi
	tail -n 80 "$DLOG" | sed 's/^/E2E-LOG /'
	dmesg | grep -E 'crashwatchd|traps:' | sed 's/^/E2E-KERNEL /'
	echo "E2E FATAL: the daemon (pid $DPID) died: $(tail -n 1 "$DLOG")"
	poweroff -f
	sleep 60
}

# No domain is called NAME.
name_gone() {
	[ -z "$(domid_of "$1")" ]
}

# more_than N FILE REGEX: FILE has more than N lines matching.
more_than() {
	[ "$(count "$2" "$3")" -gt "$1" ]
}

# The domain with this id no longer exists in the hypervisor.  With
# E2E_TRACE set, each change of its state is printed with the time.
domid_gone() {
	_s=$(xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }')
	if [ -n "${E2E_TRACE:-}" ] && [ "$_s" != "${_last_state:-}" ]; then
		echo "E2E-TRACE domain $1 $(now) ${_s:-gone}"
		_last_state=$_s
	fi
	[ -z "$_s" ]
}

# The wall-clock time the guest NAME printed just before its last panic.
crash_time() {
	grep 'E2E-GUEST crashing at' /var/log/xen/console/guest-$1.log 2>/dev/null |
	    tail -n 1 | awk '{ print $4 }'
}

# Count of lines in FILE matching the extended regex.
count() {
	grep -cE "$2" "$1" 2>/dev/null || true
}

# timed NAME CREATED CRASHED GONE: the figure GONE - CRASHED, if the
# guest's clock reading lies between dom0's two (one clock for all).
timed() {
	if awk -v a="$2" -v b="$3" -v c="$4" 'BEGIN { exit !(a < b && b < c) }'; then
		figure "$1" "$(elapsed "$3" "$4")" s
	else
		fail "$1" "guest clock $3 not between dom0's $2 and $4"
	fi
}

# Bytes a file takes on disk (sparse files count only what is allocated).
disk_bytes() {
	echo $(($(du -k "$1" | cut -f1) * 1024))
}

file_bytes() {
	stat -c %s "$1"
}

# The types of the ELF notes named "Xen" in section .note.Xen of core
# file $1, in hex.  readelf -n cannot show them: it reads a core's notes
# from program headers, and Xen's dumpcore writes sections only.
xen_note_types() {
	set -- "$1" $(readelf -SW "$1" | awk '{ for (i = 1; i < NF; i++)
	    if ($i == ".note.Xen") print $(i + 3), $(i + 4) }')
	[ $# -eq 3 ] || return 1
	tail -c +$(($(printf %d "0x$2") + 1)) "$1" | head -c "$(printf %d "0x$3")" |
	    od -An -v -t u4 | awk '
	    { for (i = 1; i <= NF; i++) w[n++] = $i }
	    END {
		# namesz descsz type name... desc..., each padded to 4 bytes
		for (i = 0; i + 3 <= n; ) {
			nw = int((w[i] + 3) / 4); dw = int((w[i + 1] + 3) / 4)
			# "Xen\0" as a little-endian word
			if (w[i] == 4 && w[i + 3] == 7234904)
				printf "0x%x\n", w[i + 2]
			i += 3 + nw + dw
		}
	    }'
}

# Core file $1 is whole: no section reaches past its end, and the last
# one ends exactly there (a dump cut short by a kill is shorter).
core_complete() {
	_size=$(file_bytes "$1")
	_end=0
	# busybox awk has no strtonum: the shell reads the hex.
	for _s in $(readelf -SW "$1" 2>/dev/null | awk '
	    /^ *\[ *[0-9]+\]/ {
		sub(/^.*\] */, "")
		if ($2 != "NOBITS" && $2 != "NULL")
			print $4 ":" $5
	    }'); do
		_e=$((0x${_s%%:*} + 0x${_s##*:}))
		[ "$_e" -gt "$_end" ] && _end=$_e
	done
	echo "E2E-CORE $1: $_size bytes, sections end at $_end"
	[ "$_end" -gt 0 ] && [ "$_end" = "$_size" ]
}

# Core file $1 is an ELF core with the notes Xen's dumpcore writes: none,
# header, xen_version and format_version, and the guest's pages.
has_xen_notes() {
	readelf -hSW "$1" >/tmp/readelf.out 2>&1 || {
		sed 's/^/E2E-READELF /' /tmp/readelf.out | head -n 20
		return 1
	}
	grep -q 'Type:[ \t]*CORE' /tmp/readelf.out &&
	    grep -q '\.xen_pages' /tmp/readelf.out || {
		sed 's/^/E2E-READELF /' /tmp/readelf.out | head -n 40
		return 1
	}
	t=$(xen_note_types "$1" | tr '\n' ' ')
	echo "E2E-NOTES $1: $t"
	[ "$t" = "0x2000000 0x2000001 0x2000002 0x2000003 " ]
}

# ELF layout without the contents: header fields, sections, segments.
elf_layout() {
	readelf -hSlW "$1" | grep -v -e 'File:' -e '^$'
}
