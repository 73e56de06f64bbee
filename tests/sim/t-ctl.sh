#!/bin/sh
# xensimctl's output formats, and xensim's start and stop.
set -u
. "$(dirname "$0")/lib.sh"
sim_start

d=$(simctl create "we ird" --mem 8 --uuid 01234567-89ab-4cde-8f01-23456789abcd) ||
	fail create
[ "$d" = 1 ] || fail "first domid $d"
simctl list | grep -qx "1 we%20ird 01234567-89ab-4cde-8f01-23456789abcd running" ||
	fail "list: $(simctl list)"
simctl list | grep -qx "0 Domain-0 00000000-0000-0000-0000-000000000000 running" ||
	fail "dom0 in list"
[ "$(simctl read /local/domain/1/name)" = "we ird" ] || fail "read name"
[ "$(simctl read /local/domain/1/vm)" = /vm/01234567-89ab-4cde-8f01-23456789abcd ] ||
	fail "vm path"
simctl write /local/domain/1/name "renamed" || fail "rename"
simctl list | grep -q "^1 renamed " || fail "list shows the xenstore name"
simctl write /local/domain/1/name "we ird"
simctl write /x/y "a value" || fail write
[ "$(simctl read /x/y)" = "a value" ] || fail "read back"
simctl rm /x || fail rm
simctl read /x/y 2>/dev/null && fail "read after rm"

simctl pause 1 && simctl list | grep -q "^1 .* paused$" || fail paused
simctl unpause 1
simctl shutdown 1 suspend
simctl list | grep -q "^1 .* shutdown:suspend$" || fail "shutdown:suspend"
simctl crash 1 2>/dev/null && fail "crash of a shut-down domain"
simctl destroy-delay 500
simctl destroy 1
simctl list | grep -q "^1 .* dying$" || fail dying
wait_for sh -c '! "$CW_BIN/xensimctl" list | grep -q "^1 "' || fail "reaped"
simctl read /local/domain/1/name 2>/dev/null && fail "store kept /local/domain/1"

for bad in "crash 77" "crash x" "destroy 99999" "shutdown 1 nap" \
    "create" "create a --mem" "create a --zero-pct 80 --random-pct 30" \
    "fail destroy" "delay destroy x" "history x" "xenstored pause" "frob"; do
	# shellcheck disable=SC2086
	out=$(simctl $bad 2>&1) && fail "'$bad' succeeded"
	case "$out" in xensimctl:*) ;; *) fail "'$bad': no message: $out" ;; esac
done
simctl -s /nonexistent list 2>/dev/null && fail "bad socket"

# SIGTERM: clean exit, sockets removed.
dir=$SIM_DIR
pid=$SIM_PID
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] || fail "xensim exit status $rc"
[ -e "$dir/xenstored.sock" ] && fail "xenstored.sock left behind"
[ -e "$dir/control.sock" ] && fail "control.sock left behind"
SIM_PID=""
echo "ok sim.ctl"
