#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.man: the man pages format cleanly with Debian's mandoc and groff,
# and crashwatch.conf(5) documents every key, action, template sequence and
# hook variable the code knows.
#   man.sh SRCDIR
set -u
. "$(dirname "$0")/lib.sh"
src=$1
need mandoc mandoc
need groff groff-base
scratch
page8=$src/monitor/xen-crashwatchd.8
page5=$src/conf/crashwatch.conf.5
page1=$src/ctl/xen-crashwatchctl.1
[ -f "$page8" ] || fail "missing $page8"
[ -f "$page5" ] || fail "missing $page5"

# Pages outside this project that a build host need not have: xl's come
# with Xen's tools, ours are not installed yet.
outside='Xr (xl 1|xl\.cfg 5|xen-crashwatchd 8|crashwatch\.conf 5|coredumpctl 1|crash 8|gdb 1)( |$)'
for p in "$page8" "$page5" "$page1"; do
	mandoc -Tlint -Wstyle "$p" >"$SCRATCH/lint" 2>&1
	grep -v -e 'outdated mandoc.db' "$SCRATCH/lint" |
	    grep -v -E "STYLE: referenced manual not found: $outside" \
	    >"$SCRATCH/lint.left"
	[ ! -s "$SCRATCH/lint.left" ] ||
	    { cat "$SCRATCH/lint.left" >&2; fail "mandoc -Tlint complains about $p"; }
	groff -mandoc -ww -z "$p" >"$SCRATCH/groff" 2>&1
	[ ! -s "$SCRATCH/groff" ] ||
	    { cat "$SCRATCH/groff" >&2; fail "groff warns about $p"; }
	mandoc -Tutf8 "$p" >"$SCRATCH/out" 2>/dev/null && [ -s "$SCRATCH/out" ] ||
	    fail "mandoc cannot format $p"
done

# Every key conf/ accepts (its *_keys[] tables) is described.
sed -n '/_keys\[\] = {/,/};/p' "$src"/conf/conf-parse.c |
    grep -o '"[a-z_]*"' | tr -d '"' | sort -u >"$SCRATCH/keys"
[ -s "$SCRATCH/keys" ] || fail "found no key tables in conf/conf-parse.c"
rc=0
for k in $(cat "$SCRATCH/keys"); do
	grep -q -E "^\.It Cm $k( |$)|^\.Ss $k$" "$page5" || {
		echo "FAIL: key $k is not described in $page5" >&2; rc=1; }
done

# Every action word, the xl alias included.
for a in preserve destroy hard-shutdown restart rename-restart \
    coredump-destroy coredump-restart coredump-preserve; do
	grep -q -E "^\.(It )?Cm $a( ,)?$" "$page5" || {
		echo "FAIL: action $a is not described in $page5" >&2; rc=1; }
	grep -q "\"$a\"" "$src"/conf/*.c || {
		echo "FAIL: action $a documented but unknown to conf/" >&2; rc=1; }
done
for t in n u d r c %; do
	grep -q -E "^\.It Cm %$t$" "$page5" || {
		echo "FAIL: template %$t is not described in $page5" >&2; rc=1; }
done

# Hook environment variables the code sets (killpoint.c reads the kill
# drills' variable, which only test builds know), and those the daemon
# itself reads with getenv(), which its own page describes.
code=$(ls "$src"/policy/*.c "$src"/monitor/*.c | grep -v killpoint |
    xargs cat 2>/dev/null)
own=$(printf '%s\n' "$code" | grep -o 'getenv("XCW_[A-Z_]*' | cut -d'"' -f2 |
    sort -u)
for v in $(printf '%s\n' "$code" | grep -o '"XCW_[A-Z_]*' | tr -d '"' |
    sort -u); do
	if printf '%s\n' "$own" | grep -qx "$v"; then
		grep -q "Ev $v\$" "$page8" || {
			echo "FAIL: variable $v is not described in $page8" >&2; rc=1; }
	else
		grep -q "Ev $v\$" "$page5" || {
			echo "FAIL: hook variable $v is not described in $page5" >&2; rc=1; }
	fi
done

# Every command of xen-crashwatchctl is described in its page.
cmds=$(sed -n 's/^	{ "\([a-z]*\)", cmd_[a-z]*, .*/\1/p' "$src"/ctl/main.c)
[ -n "$cmds" ] || fail "found no command table in ctl/main.c"
for c in $cmds; do
	grep -q "^\.It Cm $c\( \|\$\)" "$page1" || {
		echo "FAIL: command $c is not described in $page1" >&2; rc=1; }
done

# The crash MESSAGE_ID quoted in the examples is the real one.
id=$(sed -n 's/^#define[[:space:]]*MSGID_CRASH_DETECTED[[:space:]]*"\(.*\)"/\1/p' \
    "$src"/systemd/journal.h)
[ -n "$id" ] || fail "MSGID_CRASH_DETECTED not found in systemd/journal.h"
grep -q "MESSAGE_ID=$id" "$page8" ||
    { echo "FAIL: $page8 quotes another crash MESSAGE_ID than $id" >&2; rc=1; }
[ $rc -eq 0 ] || exit 1
echo "man pages: lint clean, $(wc -l <"$SCRATCH/keys") keys documented"
