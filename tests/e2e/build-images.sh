#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build what the end-to-end test boots in QEMU: a Xen 4.17 hypervisor, a
# Debian kernel, a dom0 initramfs (busybox, the Xen tools, the daemon and
# bench-dump from the daemon's directory, the scenarios) and a guest
# initramfs (guest-init: panic, wait, or arm the watchdog).
#
#   build-images.sh OUTDIR DAEMON [DRILL]
#
# DRILL, when given, is the daemon's test build (kill points, see
# monitor/killpoint.h), installed as xen-crashwatchd-drill for the kill
# drill that needs an exact moment.
#
# Everything comes from Debian 12 packages fetched with apt-get download
# into OUTDIR/cache and unpacked there; nothing is installed on the host.
# Downloads, the unpacked tree, xen.elf, vmlinuz and the guest image are
# kept; the dom0 image is rebuilt whenever the daemon binary or a file of
# tests/e2e is newer than it.
set -eu

die() { echo "build-images: $*" >&2; exit 1; }

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: build-images.sh OUTDIR DAEMON [DRILL]"
OUT=$1
DAEMON=$2
DRILL=${3:-}
# The dump benchmark, built beside the daemon (tests/bench/dump.c).
BENCH=$(dirname "$DAEMON")/bench-dump
CTL=$(dirname "$DAEMON")/xen-crashwatchctl
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=$OUT/cache
DEBS=$CACHE/debs
ROOT=$CACHE/root
XEN=4.17
MULTIARCH=x86_64-linux-gnu
TMPFILES=$HERE/../../systemd/xen-crashwatch.tmpfiles
UNIT=$HERE/../../systemd/xen-crashwatch.service

[ -x "$DAEMON" ] || die "daemon binary $DAEMON is missing: build the xen-crashwatchd target first"
[ -x "$BENCH" ] || die "$BENCH is missing: build the bench-dump target (BUILD_TESTING on)"
[ -x "$CTL" ] || die "$CTL is missing: build the xen-crashwatchctl target"
[ -z "$DRILL" ] || [ -x "$DRILL" ] ||
    die "test build $DRILL is missing: build with BUILD_TESTING on (the xen-crashwatchd-san target)"
for t in apt-get apt-cache dpkg-deb cpio gzip xz ldd readelf zstd; do
	command -v $t >/dev/null 2>&1 || die "$t is missing on the host (see tests/install-deps)"
done
mkdir -p "$OUT" "$DEBS"

# The runtime of the Xen tools: the real Debian libraries, not the
# simulator's stand-ins.
PKGS="xen-hypervisor-$XEN-amd64 xen-utils-$XEN xen-utils-common xenstore-utils
libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1
libxengnttab1 libxenhypfs1 libxenmisc$XEN libxenstore4 libxentoolcore1
libxentoollog1 libyajl2 busybox-static"

# linux-image-amd64 is a metapackage: the image is its dependency.
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
	    awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

fetch() {
	[ -f "$DEBS/.done" ] && return 0
	kpkg=$(kernel_package)
	if [ -z "$kpkg" ]; then
		apt-get update -q >&2 || die "apt-get update failed"
		kpkg=$(kernel_package)
		[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 to an image package"
	fi
	echo "build-images: downloading $kpkg and the Xen $XEN packages" >&2
	# shellcheck disable=SC2086
	(cd "$DEBS" && apt-get download -q $PKGS "$kpkg" 2>&1 |
	    grep -v 'unsandboxed as root' >&2) || true
	for p in $PKGS "$kpkg"; do
		ls "$DEBS/${p}_"*.deb >/dev/null 2>&1 ||
		    die "apt-get download $p failed (run apt-get update?)"
	done
	echo "$kpkg" >"$DEBS/.kernel"
	touch "$DEBS/.done"
}

unpack() {
	[ -f "$ROOT/.done" ] && return 0
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	kpkg=$(cat "$DEBS/.kernel")
	for p in $PKGS; do
		dpkg -x "$DEBS/${p}_"*.deb "$ROOT"
	done
	# Of the kernel only the image and the Xen modules are needed.
	dpkg-deb --fsys-tarfile "$DEBS/${kpkg}_"*.deb |
	    tar -x -C "$ROOT" --wildcards './boot/vmlinuz-*' \
	    './lib/modules/*/kernel/drivers/xen/*'
	touch "$ROOT/.done"
}

# unpack_modules WHAT FILE PATTERN...: kernel modules beyond the Xen ones
# (kept apart from unpack so that a tree unpacked before gets them too);
# FILE says whether they are there already.
unpack_modules() {
	what=$1 file=$2
	shift 2
	[ -n "$(find "$ROOT/lib/modules" -name "$file" 2>/dev/null)" ] &&
	    return 0
	kpkg=$(cat "$DEBS/.kernel")
	dpkg-deb --fsys-tarfile "$DEBS/${kpkg}_"*.deb |
	    tar -x -C "$ROOT" --wildcards "$@" ||
	    die "$what is not in $kpkg"
}

# Copy FILE into the staging tree STAGE at the same path.
put() {
	mkdir -p "$STAGE$(dirname "$2")"
	cp -L "$1" "$STAGE$2"
}

# Every shared library the ELF files need, resolved with the unpacked Xen
# libraries first, copied to /lib/$MULTIARCH.
put_libs() {
	LD_LIBRARY_PATH=$ROOT/usr/lib/$MULTIARCH:$ROOT/usr/lib/xen-$XEN/lib/$MULTIARCH \
	    ldd "$@" >"$OUT/ldd.out" 2>&1 || true
	if grep -q 'not found' "$OUT/ldd.out"; then
		grep 'not found' "$OUT/ldd.out" >&2
		die "libraries missing for the dom0 image"
	fi
	# mawk: no \s, so spell whitespace out.
	awk '/=>[ \t]*\// { print $3 } /^[ \t]*\/lib64\// { print $1 }' \
	    "$OUT/ldd.out" | sort -u >"$OUT/libs.list"
	while read -r l; do
		case $l in
		/lib64/*) put "$l" "$l" ;;
		*) put "$l" "/lib/$MULTIARCH/$(basename "$l")" ;;
		esac
	done <"$OUT/libs.list"
}

build_xen() {
	[ -f "$OUT/xen.elf" ] || gunzip -c "$ROOT/boot/xen-$XEN-amd64.gz" >"$OUT/xen.elf"
	[ -f "$OUT/vmlinuz" ] || cp "$ROOT"/boot/vmlinuz-* "$OUT/vmlinuz"
	# Guests boot the ELF inside the bzImage: xl create would otherwise
	# unpack that xz stream every time, seconds under TCG.
	[ -f "$OUT/vmlinux" ] || {
		off=$(LC_ALL=C grep -obUa "$(printf '\3757zXZ')" "$OUT/vmlinuz" |
		    head -n 1 | cut -d: -f1)
		[ -n "$off" ] || die "no xz stream in $OUT/vmlinuz"
		tail -c +$((off + 1)) "$OUT/vmlinuz" | xz -dc --single-stream \
		    >"$OUT/vmlinux.tmp" 2>/dev/null || true
		readelf -n "$OUT/vmlinux.tmp" 2>/dev/null | grep -q Xen ||
		    die "could not unpack the kernel's ELF image from $OUT/vmlinuz"
		mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
	}
}

# cpio newc of directory $1 into gzip file $2, owned by root.
mkcpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	    gzip -6 >"$2.tmp"
	mv "$2.tmp" "$2"
}

build_guest() {
	[ "$OUT/guest.cpio.gz" -nt "$HERE/guest-init" ] && return 0
	STAGE=$OUT/guest-root
	rm -rf "$STAGE"
	mkdir -p "$STAGE/bin" "$STAGE/proc" "$STAGE/dev" "$STAGE/lib"
	cp "$ROOT/bin/busybox" "$STAGE/bin/busybox"
	cp "$HERE/guest-init" "$STAGE/init"
	for m in watchdog xen_wdt; do
		f=$(find "$ROOT/lib/modules" -name "$m.ko" | head -n 1)
		[ -n "$f" ] || die "kernel module $m.ko not found in the image package"
		cp "$f" "$STAGE/lib/"
	done
	chmod 755 "$STAGE/init"
	mkcpio "$STAGE" "$OUT/guest.cpio.gz"
}

dom0_fresh() {
	[ -f "$OUT/dom0.cpio.gz" ] || return 1
	[ "$OUT/dom0.cpio.gz" -nt "$DAEMON" ] || return 1
	[ "$OUT/dom0.cpio.gz" -nt "$BENCH" ] || return 1
	[ "$OUT/dom0.cpio.gz" -nt "$CTL" ] || return 1
	[ -z "$DRILL" ] || [ "$OUT/dom0.cpio.gz" -nt "$DRILL" ] || return 1
	# Built with or without the drill daemon, as asked now.
	if [ -n "$DRILL" ]; then
		[ -f "$OUT/dom0-root/usr/sbin/xen-crashwatchd-drill" ] || return 1
	else
		[ ! -f "$OUT/dom0-root/usr/sbin/xen-crashwatchd-drill" ] || return 1
	fi
	[ "$OUT/dom0.cpio.gz" -nt "$OUT/guest.cpio.gz" ] || return 1
	[ "$OUT/dom0.cpio.gz" -nt "$TMPFILES" ] || return 1
	[ "$OUT/dom0.cpio.gz" -nt "$UNIT" ] || return 1
	[ -z "$(find "$HERE" -newer "$OUT/dom0.cpio.gz" -type f)" ]
}

build_dom0() {
	dom0_fresh && return 0
	STAGE=$OUT/dom0-root
	rm -rf "$STAGE"
	mkdir -p "$STAGE/bin" "$STAGE/sbin" "$STAGE/usr/bin" "$STAGE/usr/sbin" \
	    "$STAGE/lib/modules" "$STAGE/proc" "$STAGE/sys" "$STAGE/dev" \
	    "$STAGE/run" "$STAGE/tmp" "$STAGE/etc/xen" "$STAGE/var/lib" \
	    "$STAGE/var/log" "$STAGE/boot" "$STAGE/e2e"
	cp "$ROOT/bin/busybox" "$STAGE/bin/busybox"
	for a in $("$ROOT/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$STAGE/bin/$a"
	done
	xbin=/usr/lib/xen-$XEN/bin
	elfs=""
	for b in xl xenstored xenconsoled xen-init-dom0 xenconsole; do
		put "$ROOT$xbin/$b" "$xbin/$b"
		elfs="$elfs $ROOT$xbin/$b"
	done
	put "$ROOT/usr/bin/xenstore" /usr/bin/xenstore
	for b in read write exists list ls rm watch chmod; do
		ln -s xenstore "$STAGE/usr/bin/xenstore-$b"
	done
	# The hotplug scripts (xen-utils-common) are bash, and lock with
	# flock(1), which busybox lacks: both from the host's Debian.
	mkdir -p "$STAGE/etc/xen"
	cp -a "$ROOT/etc/xen/scripts" "$STAGE/etc/xen/scripts"
	rm -f "$STAGE/bin/bash" "$STAGE/usr/bin/flock" "$STAGE/bin/flock"
	put "$(command -v bash)" /bin/bash
	put "$(command -v flock)" /usr/bin/flock
	elfs="$elfs $(command -v bash) $(command -v flock)"
	put "$(command -v readelf)" /usr/bin/readelf
	put "$(command -v zstd)" /usr/bin/zstd
	put "$DAEMON" /usr/sbin/xen-crashwatchd
	put "$BENCH" /usr/bin/bench-dump
	put "$CTL" /usr/bin/xen-crashwatchctl
	elfs="$elfs $ROOT/usr/bin/xenstore $(command -v readelf) $(command -v zstd) $DAEMON $BENCH $CTL"
	# A systemd manager of the scenarios' own, to run the daemon in the
	# shipped unit's sandbox (scenarios.sh, sandbox_start): dom0 itself
	# is not booted with systemd.  The host's (Debian's) manager,
	# systemctl, and the user units a manager starts with.
	put /lib/systemd/systemd /lib/systemd/systemd
	put "$(command -v systemctl)" /usr/bin/systemctl
	elfs="$elfs /lib/systemd/systemd $(command -v systemctl)"
	mkdir -p "$STAGE/usr/lib/systemd/user"
	for u in /usr/lib/systemd/user/*.target /usr/lib/systemd/user/*.slice \
	    /usr/lib/systemd/user/systemd-exit.service; do
		[ -f "$u" ] && cp "$u" "$STAGE/usr/lib/systemd/user/"
	done
	if [ -n "$DRILL" ]; then
		put "$DRILL" /usr/sbin/xen-crashwatchd-drill
		elfs="$elfs $DRILL"
	fi
	# shellcheck disable=SC2086
	put_libs $elfs
	# glibc dlopens libgcc_s for pthread_cancel; xl create aborts without.
	gcc_s=$(ls /lib/$MULTIARCH/libgcc_s.so.1 /usr/lib/$MULTIARCH/libgcc_s.so.1 2>/dev/null | head -n 1)
	[ -n "$gcc_s" ] || die "libgcc_s.so.1 not found on the host"
	put "$gcc_s" /lib/$MULTIARCH/libgcc_s.so.1
	for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc \
	    loop xen-blkback; do
		f=$(find "$ROOT/lib/modules" -name "$m.ko*" | head -n 1)
		[ -n "$f" ] || die "kernel module $m not found in the image package"
		cp "$f" "$STAGE/lib/modules/"
	done
	cp "$OUT/vmlinux" "$STAGE/boot/vmlinux"
	cp "$OUT/guest.cpio.gz" "$STAGE/boot/guest.cpio.gz"
	cp "$HERE/dom0-init" "$STAGE/init"
	cp "$HERE/scenarios.sh" "$HERE/lib.sh" "$HERE/hook" "$HERE/restart" "$STAGE/e2e/"
	cp "$HERE/crashwatch.conf" "$STAGE/etc/xen/crashwatch.conf"
	cp "$TMPFILES" "$STAGE/e2e/xen-crashwatch.tmpfiles"
	cp "$UNIT" "$STAGE/e2e/xen-crashwatch.service"
	echo "root:x:0:0:root:/root:/bin/sh" >"$STAGE/etc/passwd"
	# adm: the reports' group (systemd/xen-crashwatch.tmpfiles), gid 4 as
	# on Debian.
	printf 'root:x:0:\nadm:x:4:\n' >"$STAGE/etc/group"
	cp "$ROOT/etc/xen/xl.conf" "$STAGE/etc/xen/xl.conf"
	chmod 755 "$STAGE/init" "$STAGE/e2e/scenarios.sh" "$STAGE/e2e/hook" \
	    "$STAGE/e2e/restart"
	mkcpio "$STAGE" "$OUT/dom0.cpio.gz"
}

fetch
unpack
# The guests' watchdog driver, xen_wdt, and the watchdog core it needs.
unpack_modules xen_wdt 'xen_wdt.ko*' \
    './lib/modules/*/kernel/drivers/watchdog/watchdog.ko*' \
    './lib/modules/*/kernel/drivers/watchdog/xen_wdt.ko*'
# A disk for a guest: the loop driver and the block backend, which the
# toolstack's "block" hotplug script uses for a file-backed vbd.
unpack_modules "loop or xen-blkback" 'xen-blkback.ko*' \
    './lib/modules/*/kernel/drivers/block/loop.ko*' \
    './lib/modules/*/kernel/drivers/block/xen-blkback/xen-blkback.ko*'
build_xen
build_guest
build_dom0
echo "build-images: $OUT/xen.elf $OUT/vmlinuz $OUT/dom0.cpio.gz ready" >&2
