#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.deb: "make deb" builds the Debian package, lintian finds no error
# in it, and dpkg installs it into an empty root where it puts the files in
# place, creates the directories, and enables and starts nothing.
#   deb.sh SRCDIR
set -u
. "$(dirname "$0")/lib.sh"
src=$1
need dpkg-buildpackage dpkg-dev
need dh debhelper
need lintian lintian
need unshare util-linux
need systemctl systemd
need git git
scratch

# 1. Build, as "make deb" does, into a scratch build directory.
DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
    make -C "$src" deb BUILD="$SCRATCH/b" >"$SCRATCH/build.log" 2>&1 ||
    { tail -n 60 "$SCRATCH/build.log" >&2; fail "make deb failed (log above)"; }
deb=$(ls "$SCRATCH"/b/deb/xen-crashwatch_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "make deb produced no xen-crashwatch_*.deb in $SCRATCH/b/deb"
changes=$(ls "$SCRATCH"/b/deb/xen-crashwatch_*.changes | head -n 1)

# 2. lintian: errors fail, the rest is shown.
lintian --pedantic --display-info "$changes" >"$SCRATCH/lintian.log" 2>&1
lrc=$?
grep -v '^running with root privileges' "$SCRATCH/lintian.log" >&2
! grep -q '^E: ' "$SCRATCH/lintian.log" || fail "lintian reports errors"
[ $lrc -eq 0 ] || fail "lintian failed (exit status $lrc)"

# 3. Control data.
dpkg-deb -f "$deb" Package | grep -qx xen-crashwatch || fail "package name"
dpkg-deb -e "$deb" "$SCRATCH/control"
grep -qx /etc/xen/crashwatch.conf "$SCRATCH/control/conffiles" ||
    fail "/etc/xen/crashwatch.conf is not a conffile"

# 4. dpkg -i into an empty root.  Scripts run outside a chroot with
#    DPKG_ROOT set, inside a mount namespace that pretends systemd is
#    running, and systemctl logs what it is asked, answering is-enabled
#    from the fake root, so that any enable or start is seen.
r=$SCRATCH/root
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$SCRATCH/stub" "$r/etc"
# The users and groups of a Debian root (tmpfiles.d names adm).
cp /etc/passwd /etc/group "$r/etc/"
: >"$r/var/lib/dpkg/status"
real_systemctl=$(command -v systemctl)
cat >"$SCRATCH/stub/systemctl" <<-END
	#!/bin/sh
	echo "systemctl \$*" >>"$SCRATCH/systemctl.log"
	case " \$* " in
	*" is-enabled "*) shift \$((\$# - 1))
		exec $real_systemctl --root="\$DPKG_ROOT" is-enabled "\$1" ;;
	*" is-active "*) exit 3 ;;
	esac
	exit 0
END
chmod +x "$SCRATCH/stub/systemctl"
: >"$SCRATCH/systemctl.log"
[ -e /proc/xen/capabilities ] &&
    echo "note: this host has /proc/xen; the package must not enable the service anyway" >&2
dpkg_root() {
	unshare --mount sh -c 'mount -t tmpfs tmpfs /run &&
	    mkdir -p /run/systemd/system && exec "$@"' sh \
	    env PATH="$SCRATCH/stub:$PATH" \
	    dpkg --root="$r" --force-script-chrootless --force-depends "$@"
}
dpkg_root -i "$deb" >"$SCRATCH/dpkg.log" 2>&1 ||
    { cat "$SCRATCH/dpkg.log" >&2; fail "dpkg -i into an empty root failed"; }
dpkg --root="$r" -s xen-crashwatch 2>/dev/null | grep -qx 'Status: install ok installed' ||
    fail "xen-crashwatch is not 'install ok installed' in the fake root"

# 5. The installed tree.
check_file "$r/usr/sbin/xen-crashwatchd" 755
check_file "$r/lib/systemd/system/xen-crashwatch.service" 644
check_file "$r/usr/lib/systemd/catalog/xen-crashwatch.catalog" 644
check_file "$r/usr/lib/tmpfiles.d/xen-crashwatch.conf" 644
check_file "$r/usr/share/man/man8/xen-crashwatchd.8.gz" 644
check_file "$r/usr/share/man/man5/crashwatch.conf.5.gz" 644
check_file "$r/etc/xen/crashwatch.conf" 644
check_file "$r/usr/share/doc/xen-crashwatch/copyright" 644
cmp -s "$r/etc/xen/crashwatch.conf" "$src/conf/crashwatch.conf" ||
    fail "the packaged /etc/xen/crashwatch.conf is not conf/crashwatch.conf"
grep -qx 'ExecStart=/usr/sbin/xen-crashwatchd -c /etc/xen/crashwatch.conf' \
    "$r/lib/systemd/system/xen-crashwatch.service" ||
    fail "the packaged unit does not run /usr/sbin/xen-crashwatchd"
out=$("$r/usr/sbin/xen-crashwatchd" -n -c "$r/etc/xen/crashwatch.conf" 2>&1) ||
    fail "packaged daemon rejects the packaged configuration: $out"
for want in "/var/lib/xen/dump 700" "/var/lib/xen-crashwatch 750" \
    "/var/lib/xen-crashwatch/incidents 2750"; do
	dir=${want% *}
	[ -d "$r$dir" ] || fail "postinst (tmpfiles) did not create $dir"
	[ "$(stat -c %a "$r$dir")" = "${want#* }" ] ||
	    fail "$dir is not mode ${want#* }"
done
check_file "$r/usr/bin/xen-crashwatchctl" 755
check_file "$r/usr/share/man/man1/xen-crashwatchctl.1.gz" 644
check_file "$r/usr/share/bash-completion/completions/xen-crashwatchctl" 644

# 6. Enabled and started nothing.
for w in "$r"/etc/systemd/system/*.wants/xen-crashwatch.service; do
	[ ! -e "$w" ] && [ ! -L "$w" ] || fail "postinst enabled the service: $w"
done
[ "$($real_systemctl --root="$r" is-enabled xen-crashwatch.service 2>&1)" = disabled ] ||
    fail "xen-crashwatch.service is not 'disabled' after installation"
! grep -E 'systemctl( .*)? (enable|reenable|start|restart|try-restart|reload-or-restart)( |$)' \
    "$SCRATCH/systemctl.log" >&2 ||
    fail "postinst asked systemctl to enable or start something (above)"
grep -q 'is-enabled' "$SCRATCH/systemctl.log" ||
    fail "the postinst's start path was not exercised (no is-enabled query)"

# 7. An operator can enable it, and purging removes every file.
$real_systemctl --root="$r" enable xen-crashwatch.service >/dev/null 2>&1 ||
    fail "systemctl enable fails on the installed unit"
[ -L "$r/etc/systemd/system/multi-user.target.wants/xen-crashwatch.service" ] ||
    fail "enabling did not hook the unit into multi-user.target"
$real_systemctl --root="$r" disable xen-crashwatch.service >/dev/null 2>&1
dpkg_root --purge xen-crashwatch >"$SCRATCH/purge.log" 2>&1 ||
    { cat "$SCRATCH/purge.log" >&2; fail "dpkg --purge failed"; }
for f in /usr/sbin/xen-crashwatchd /lib/systemd/system/xen-crashwatch.service \
    /etc/xen/crashwatch.conf /usr/lib/tmpfiles.d/xen-crashwatch.conf; do
	[ ! -e "$r$f" ] || fail "$f is left after purge"
done
echo "deb: $(basename "$deb") built, lintian without errors, installs into an empty root enabling nothing"
