#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# xensimctl's output formats, and xensim's start and stop.
set -u
. "$(dirname "$0")/lib.sh"
sim_start
unlisted() { ! simctl list | grep -q "^$1 "; }

d=$(simctl create "we ird" --mem 8 --uuid 01234567-89ab-4cde-8f01-23456789abcd) ||
	fail create
check_that "first domid $d" '[ "$d" = 1 ]'
check_that "list: $(simctl list)" \
    'simctl list | grep -qx "1 we%20ird 01234567-89ab-4cde-8f01-23456789abcd running"'
check_that "dom0 in list" \
    'simctl list | grep -qx "0 Domain-0 00000000-0000-0000-0000-000000000000 running"'
check_that "read name" '[ "$(simctl read /local/domain/1/name)" = "we ird" ]'
check_that "vm path" \
    '[ "$(simctl read /local/domain/1/vm)" = /vm/01234567-89ab-4cde-8f01-23456789abcd ]'
check_that "rename" 'simctl write /local/domain/1/name "renamed"'
check_that "list shows the xenstore name" 'simctl list | grep -q "^1 renamed "'
simctl write /local/domain/1/name "we ird"
check_that write 'simctl write /x/y "a value"'
check_that "read back" '[ "$(simctl read /x/y)" = "a value" ]'
check_that rm 'simctl rm /x'
check_that "read after rm" '! simctl read /x/y 2>/dev/null'

check_that paused 'simctl pause 1 && simctl list | grep -q "^1 .* paused$"'
simctl unpause 1
simctl shutdown 1 suspend
check_that "shutdown:suspend" 'simctl list | grep -q "^1 .* shutdown:suspend$"'
check_that "crash of a shut-down domain" '! simctl crash 1 2>/dev/null'
simctl destroy-delay 500
simctl destroy 1
check_that dying 'simctl list | grep -q "^1 .* dying$"'
check_that reaped 'wait_for unlisted 1'
check_that "store kept /local/domain/1" \
    '! simctl read /local/domain/1/name 2>/dev/null'

for bad in "crash 77" "crash x" "destroy 99999" "shutdown 1 nap" \
    "create" "create a --mem" "create a --zero-pct 80 --random-pct 30" \
    "fail destroy" "delay destroy x" "history x" "xenstored pause" "frob" \
    "list x" "create-many x p" "crash-every 0" "xs-history maybe" \
    "fire x" "history count x"; do
	# shellcheck disable=SC2086
	out=$(simctl $bad 2>&1)
	st=$?
	check_that "'$bad' succeeded" '[ "$st" != 0 ]'
	check_that "'$bad': no message: $out" \
	    'case "$out" in xensimctl:?*) ;; *) false ;; esac'
done
check_that "fire" 'simctl fire @releaseDomain'
simctl history clear
check_that "history count after clear" '[ -z "$(simctl history count)" ]'
check_that "bad socket" '! simctl -s /nonexistent list 2>/dev/null'
# A chosen domid: taken once, refused while it is in use or reserved.
check_that "create --domid" '[ "$(simctl create pinned --domid 700 --mem 8)" = 700 ]'
check_that "domid 700 in use" '! simctl create again --domid 700 --mem 8 2>/dev/null'
check_that "reserved domid" '! simctl create r --domid 32752 --mem 8 2>/dev/null'
simctl destroy 700
# The help lists what xensim accepts: every command in it is known.
for cmd in $(simctl --help 2>&1 | awk '/^  [a-z]/ { print $1 }'); do
	out=$(simctl "$cmd" 2>&1)
	check_that "'$cmd' from --help is unknown to xensim: $out" \
	    'case "$out" in *"unknown command"*) false ;; esac'
done

# SIGTERM: clean exit, sockets removed.
dir=$SIM_DIR
pid=$SIM_PID
kill -TERM "$pid"
wait "$pid"
rc=$?
SIM_PID=""
check_that "xensim exit status $rc" '[ "$rc" = 0 ]'
check_that "xenstored.sock left behind" '[ ! -e "$dir/xenstored.sock" ]'
check_that "control.sock left behind" '[ ! -e "$dir/control.sock" ]'
checks_done sim.ctl
