#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.unit-verify: systemd-analyze verify accepts the unit as
# "make install" writes it, its ExecStart= points at the installed daemon,
# and its Documentation= pages resolve to the installed man pages.
#   unit-verify.sh BUILDDIR
set -u
. "$(dirname "$0")/lib.sh"
build=$1
need systemd-analyze systemd
need man man-db
scratch

d=$SCRATCH/dest
install_tree "$build" "$d" /usr
unitdir=$(sed -n 's/^CW_SYSTEMD_UNITDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
case $unitdir in
/*)	unit=$d$unitdir/xen-crashwatch.service ;;
*)	unit=$d/usr/${unitdir:-lib/systemd/system}/xen-crashwatch.service ;;
esac
[ -f "$unit" ] || fail "unit not installed at $unit"
[ -x "$d/usr/sbin/xen-crashwatchd" ] ||
    fail "daemon not installed at /usr/sbin/xen-crashwatchd (is the xen-crashwatchd target built?)"

# What the issue asks of the unit, as an operator would read it.
for want in 'Type=notify' 'NotifyAccess=main' 'WatchdogSec=30' \
    'Restart=on-failure' 'RestartPreventExitStatus=3' \
    'ConditionPathExists=/proc/xen/capabilities' \
    'ExecStartPre=/usr/sbin/xen-crashwatchd -n -c /etc/xen/crashwatch.conf' \
    'ExecStart=/usr/sbin/xen-crashwatchd -c /etc/xen/crashwatch.conf' \
    'ExecReload=/bin/kill -HUP $MAINPID' 'NoNewPrivileges=yes' \
    'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
    'OOMScoreAdjust=-900' 'ReadWritePaths=-/var/lib/xen-crashwatch' \
    'WantedBy=multi-user.target' \
    'KillMode=mixed' 'SystemCallFilter=@system-service' \
    'SystemCallErrorNumber=EPERM'; do
	grep -q -x -F "$want" "$unit" || fail "$unit lacks the line: $want"
done
grep -q '^StartLimitBurst=' "$unit" && grep -q '^StartLimitIntervalSec=' "$unit" ||
    fail "$unit has no start limit"
grep -q '^ReadWritePaths=.*/var/lib/xen/dump' "$unit" ||
    fail "$unit does not make the dump directory writable"
! grep -q '@[A-Z_]*@' "$unit" || fail "$unit still holds a @PLACEHOLDER@"

# systemd-analyze checks that the binaries exist: point the copy at the
# DESTDIR tree, and let man(1) find the pages there.
mkdir "$SCRATCH/v"
sed "s|=/usr/sbin/xen-crashwatchd|=$d/usr/sbin/xen-crashwatchd|" "$unit" \
    >"$SCRATCH/v/xen-crashwatch.service"
verify() {
	MANPATH=$d/usr/share/man SYSTEMD_LOG_LEVEL=notice \
	    systemd-analyze verify "$1" >"$SCRATCH/verify.log" 2>&1
}
verify "$SCRATCH/v/xen-crashwatch.service" ||
    { cat "$SCRATCH/verify.log" >&2; fail "systemd-analyze verify rejects the unit"; }
[ ! -s "$SCRATCH/verify.log" ] ||
    { cat "$SCRATCH/verify.log" >&2; fail "systemd-analyze verify warns about the unit"; }

# Hardened as systemd-coredump's unit is (4.5): an exposure of at most 5.0.
score=$(SYSTEMD_LOG_LEVEL=err systemd-analyze security --offline=true \
    "$SCRATCH/v/xen-crashwatch.service" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p')
[ -n "$score" ] || fail "systemd-analyze security printed no exposure level"
echo "unit: systemd-analyze security exposure $score (at most 5.0)"
awk -v s="$score" 'BEGIN { exit !(s <= 5.0) }' ||
	fail "the unit's exposure is $score, over 5.0"

# The same check must notice a broken unit here, or it proves nothing.
mkdir "$SCRATCH/bad"
sed 's|^ExecStart=.*|ExecStart=/nonexistent/xen-crashwatchd|' \
    "$SCRATCH/v/xen-crashwatch.service" >"$SCRATCH/bad/xen-crashwatch.service"
! verify "$SCRATCH/bad/xen-crashwatch.service" ||
    fail "systemd-analyze verify accepts a unit whose ExecStart= is missing"
echo "unit: systemd-analyze verify clean"
