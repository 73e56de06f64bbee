#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# With -v the daemon's lines go to stderr one write(2) each, so that its
# lines and its children's never interleave mid-line: count the writes
# on fd 2 under strace against the lines that came out.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
command -v strace >/dev/null || fail "strace is missing (tests/install-deps installs it)"
itest_start
write_conf <<'EOF2'
state_dir = "@T@/state";
dump: { directory = "@T@/dump"; };
defaults: { on_crash = "destroy"; };
EOF2
d=$(simctl create chatty --mem 8) || fail "create"

# LeakSanitizer cannot run under ptrace: leaks are test-valgrind's and
# every other test's business.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=66 strace -f -qq -e trace=write -o "$T/strace" \
    "$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
STRACE_PID=$!
expect_log 'watching [0-9]+ domains' 20 || fail "daemon did not finish its first scan"
simctl crash "$d"
expect_log "domain $d \(chatty\): destroy done" 20 || fail "crash not handled"

# TERM the daemon itself (strace's child), then let strace finish.
daemon=$(pgrep -P "$STRACE_PID" | head -1)
[ -n "$daemon" ] || fail "no daemon under strace"
kill -TERM "$daemon"
wait "$STRACE_PID"
check_eq "$?" 0 "exit status"
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DAEMON_LOG"; then
	cat "$DAEMON_LOG" >&2
	fail "the sanitizers reported a problem"
fi

lines=$(wc -l <"$DAEMON_LOG")
# "PID write(2, ..." and, when two threads met, "PID write(2, ... <unfinished ...>".
writes=$(grep -cE '^[0-9]+ +write\(2, ' "$T/strace")
[ "$lines" -ge 6 ] || fail "only $lines lines on stderr: $(cat "$DAEMON_LOG")"
# A small margin for anything the sanitizer runtime says on its own.
[ "$writes" -le $((lines + 2)) ] ||
	fail "$writes writes to stderr for $lines lines"
pass "$lines lines on stderr in $writes writes"
