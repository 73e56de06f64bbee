#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.tree: "make install" with DESTDIR and PREFIX puts exactly the
# expected files in place with the right modes, configures the unit for the
# prefix, keeps an operator's existing configuration, and its tmpfiles.d
# snippet creates the dump and state directories root-only.
#   tree.sh SRCDIR BUILDDIR
set -u
. "$(dirname "$0")/lib.sh"
src=$1
build=$2
need systemd-tmpfiles systemd
scratch
[ -x "$build/bin/xen-crashwatchd" ] ||
    fail "$build/bin/xen-crashwatchd is missing: build the xen-crashwatchd target first"

unitdir=$(sed -n 's/^CW_SYSTEMD_UNITDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
unitdir=${unitdir:-lib/systemd/system}

# check_tree DESTDIR PREFIX: the files of one installation, and only them.
check_tree() {
	d=$1
	p=$2
	case $unitdir in
	/*)	u=$unitdir ;;
	*)	u=$p/$unitdir ;;
	esac
	cat >"$SCRATCH/want" <<-END
	755 $p/sbin/xen-crashwatchd
	755 $p/bin/xen-crashwatchctl
	644 $p/share/man/man1/xen-crashwatchctl.1
	644 $p/share/bash-completion/completions/xen-crashwatchctl
	644 $u/xen-crashwatch.service
	644 $p/lib/systemd/catalog/xen-crashwatch.catalog
	644 $p/lib/tmpfiles.d/xen-crashwatch.conf
	644 $p/share/man/man8/xen-crashwatchd.8
	644 $p/share/man/man5/crashwatch.conf.5
	644 /etc/xen/crashwatch.conf
	END
	sort -k2 "$SCRATCH/want" >"$SCRATCH/want.sorted"
	(cd "$d" && find . -type f -printf '%m /%P\n' -o ! -type d -printf '%m /%P\n') |
	    sort -k2 >"$SCRATCH/have"
	cmp -s "$SCRATCH/want.sorted" "$SCRATCH/have" || {
		echo "--- expected (mode path), +++ installed under $d:" >&2
		diff "$SCRATCH/want.sorted" "$SCRATCH/have" >&2
		fail "PREFIX=$p installs another tree than expected"
	}
	cmp -s "$d/etc/xen/crashwatch.conf" "$src/conf/crashwatch.conf" ||
	    fail "/etc/xen/crashwatch.conf is not the example conf/crashwatch.conf"
	cmp -s "$d$p/lib/systemd/catalog/xen-crashwatch.catalog" \
	    "$src/systemd/xen-crashwatch.catalog" || fail "catalog differs from source"
	grep -q -x -F "ExecStart=$p/sbin/xen-crashwatchd -c /etc/xen/crashwatch.conf" \
	    "$d$u/xen-crashwatch.service" ||
	    fail "PREFIX=$p: ExecStart= does not name $p/sbin/xen-crashwatchd"
	grep -q -x -F "ExecStartPre=$p/sbin/xen-crashwatchd -n -c /etc/xen/crashwatch.conf" \
	    "$d$u/xen-crashwatch.service" ||
	    fail "PREFIX=$p: ExecStartPre= does not check the config with $p/sbin/xen-crashwatchd -n"
	! grep -q '@[A-Z_]*@' "$d$u/xen-crashwatch.service" ||
	    fail "unfilled @PLACEHOLDER@ in the installed unit"
}

# A packager's install: PREFIX=/usr into an empty DESTDIR.
install_tree "$build" "$SCRATCH/usr" /usr
check_tree "$SCRATCH/usr" /usr

# The installed daemon accepts the installed example configuration.
out=$("$SCRATCH/usr/usr/sbin/xen-crashwatchd" -n \
    -c "$SCRATCH/usr/etc/xen/crashwatch.conf" 2>&1) ||
    fail "installed daemon rejects the installed configuration: $out"
[ "$out" = "configuration OK" ] || fail "-n printed '$out', not 'configuration OK'"

# An administrator's install: PREFIX=/usr/local; /etc stays /etc.
install_tree "$build" "$SCRATCH/local" /usr/local
check_tree "$SCRATCH/local" /usr/local

# An existing configuration survives, whether it predates the first
# install or was edited after it.
mkdir -p "$SCRATCH/pre/etc/xen"
printf '# site configuration\ndefaults: { on_crash = "destroy"; };\n' \
    >"$SCRATCH/pre/etc/xen/crashwatch.conf"
chmod 600 "$SCRATCH/pre/etc/xen/crashwatch.conf"
cp -p "$SCRATCH/pre/etc/xen/crashwatch.conf" "$SCRATCH/site.conf"
install_tree "$build" "$SCRATCH/pre" /usr
cmp -s "$SCRATCH/pre/etc/xen/crashwatch.conf" "$SCRATCH/site.conf" ||
    fail "make install overwrote an existing /etc/xen/crashwatch.conf"
[ "$(stat -c %a "$SCRATCH/pre/etc/xen/crashwatch.conf")" = 600 ] ||
    fail "make install changed the mode of an existing /etc/xen/crashwatch.conf"
grep -q 'Keeping existing' "$SCRATCH/install.log" ||
    fail "make install did not say it kept the existing configuration"
echo '# edited' >>"$SCRATCH/usr/etc/xen/crashwatch.conf"
cp "$SCRATCH/usr/etc/xen/crashwatch.conf" "$SCRATCH/edited.conf"
install_tree "$build" "$SCRATCH/usr" /usr
cmp -s "$SCRATCH/usr/etc/xen/crashwatch.conf" "$SCRATCH/edited.conf" ||
    fail "a second make install overwrote the edited configuration"

# The tmpfiles.d snippet makes the directories: the dumps' root-only, the
# reports' readable by group adm (which a Debian root has).
mkdir -p "$SCRATCH/root/etc"
cp /etc/passwd /etc/group "$SCRATCH/root/etc/"
systemd-tmpfiles --root="$SCRATCH/root" --create \
    "$SCRATCH/usr/usr/lib/tmpfiles.d/xen-crashwatch.conf" >"$SCRATCH/tmpfiles.log" 2>&1 ||
    { cat "$SCRATCH/tmpfiles.log" >&2; fail "systemd-tmpfiles rejects the snippet"; }
[ ! -s "$SCRATCH/tmpfiles.log" ] ||
    { cat "$SCRATCH/tmpfiles.log" >&2; fail "systemd-tmpfiles warns about the snippet"; }
for want in "/var/lib/xen/dump 700 root root" \
    "/var/lib/xen-crashwatch 750 root adm" \
    "/var/lib/xen-crashwatch/incidents 2750 root adm"; do
	dir=${want%% *}
	[ -d "$SCRATCH/root$dir" ] || fail "tmpfiles.d did not create $dir"
	m=$(stat -c '%a %U %G' "$SCRATCH/root$dir")
	[ "$dir $m" = "$want" ] || [ "$(id -u)" -ne 0 ] ||
	    fail "$dir is '$m', want '${want#* }'"
	[ "${m%% *}" = "$(echo "$want" | cut -d' ' -f2)" ] ||
	    fail "$dir has mode ${m%% *}, want $(echo "$want" | cut -d' ' -f2)"
done
echo "install tree: /usr and /usr/local layouts, configuration kept, tmpfiles OK"
