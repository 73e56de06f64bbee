#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.man-daemon: the man pages agree with the daemon that is built:
# every option --help lists is documented and the other way round, the
# configuration examples they show are accepted by "-n", and the exit
# statuses are the documented ones.
#   man-daemon.sh SRCDIR BINDIR
set -u
. "$(dirname "$0")/lib.sh"
src=$1
daemon=$2/xen-crashwatchd
scratch
[ -x "$daemon" ] || fail "$daemon is missing: build the xen-crashwatchd target first"
page8=$src/monitor/xen-crashwatchd.8
page5=$src/conf/crashwatch.conf.5

"$daemon" --help >"$SCRATCH/help" 2>&1 || fail "$daemon --help failed"
grep -o -- '--[a-z][a-z-]*' "$SCRATCH/help" | sort -u >"$SCRATCH/help.long"
grep -o -E -- '(^|[ ,[])-[a-zA-Z]([ ,]|$)' "$SCRATCH/help" | tr -d ' ,[' |
    sort -u >"$SCRATCH/help.short"
[ -s "$SCRATCH/help.long" ] || fail "--help lists no long options"
# Options in the page: ".It Fl x , Fl Fl long ..." lines.
grep '^\.It Fl' "$page8" | grep -o 'Fl Fl [a-z-]*' | sed 's/Fl Fl /--/' |
    sort -u >"$SCRATCH/man.long"
grep '^\.It Fl' "$page8" | grep -o -E 'Fl [a-zA-Z]( |$)' | sed 's/Fl /-/; s/ $//' |
    sort -u >"$SCRATCH/man.short"
rc=0
for o in $(comm -23 "$SCRATCH/help.long" "$SCRATCH/man.long") \
    $(comm -23 "$SCRATCH/help.short" "$SCRATCH/man.short"); do
	echo "FAIL: option $o (in --help) is not described in $page8" >&2; rc=1
done
for o in $(comm -13 "$SCRATCH/help.long" "$SCRATCH/man.long") \
    $(comm -13 "$SCRATCH/help.short" "$SCRATCH/man.short"); do
	echo "FAIL: option $o is described in $page8 but not in --help" >&2; rc=1
done
[ $rc -eq 0 ] || exit 1

# check CONFIG: "-n" accepts it.
check() {
	out=$("$daemon" -n -c "$1" 2>&1) ||
	    { echo "$out" >&2; fail "-n rejects $2"; }
	[ "$out" = "configuration OK" ] || fail "-n on $2 printed '$out'"
}
check "$src/conf/crashwatch.conf" "the example conf/crashwatch.conf"
# The example in crashwatch.conf(5): the .Bd -literal block after EXAMPLES.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page5" |
    sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed '1d;$d' |
    sed 's/\\(dq/"/g; s/\\&//g; s/\\e/\\/g' >"$SCRATCH/example.conf"
[ -s "$SCRATCH/example.conf" ] || fail "no example found in $page5"
check "$SCRATCH/example.conf" "the example in crashwatch.conf(5)"

# The documented exit status for a bad configuration, with FILE:LINE.
printf 'dump: {\n\ttimeout = 0;\n};\n' >"$SCRATCH/bad.conf"
"$daemon" -n -c "$SCRATCH/bad.conf" >"$SCRATCH/bad.out" 2>&1
st=$?
[ $st -eq 1 ] || fail "-n on a bad file exits $st, the page says 1"
grep -q "bad.conf:2: " "$SCRATCH/bad.out" ||
    fail "-n does not report the error as FILE:LINE: $(cat "$SCRATCH/bad.out")"
# Exit status 3 off a dom0, which the unit's RestartPreventExitStatus=3
# relies on.  Only a host without the hypervisor interface can show it.
if [ -e /dev/xen/privcmd ]; then
	echo "note: /dev/xen/privcmd exists; exit status 3 not checked here" >&2
else
	printf 'state_dir = "%s";\ndump: { directory = "%s"; };\n' \
	    "$SCRATCH/state" "$SCRATCH/dump" >"$SCRATCH/nodom0.conf"
	XENSTORED_PATH=$SCRATCH/nosocket timeout 30 "$daemon" \
	    -c "$SCRATCH/nodom0.conf" >"$SCRATCH/nodom0.out" 2>&1
	st=$?
	[ $st -eq 3 ] || { cat "$SCRATCH/nodom0.out" >&2
	    fail "off a dom0 the daemon exits $st, the page and the unit say 3"; }
fi
echo "man pages agree with the daemon: options, examples, exit statuses"
