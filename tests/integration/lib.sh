# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/lib.sh: drive the real daemon against the simulator.
#
#	. "$CW_SOURCE_DIR/tests/integration/lib.sh"
#	itest_start			simulator + a scratch dir $T
#	write_conf <<EOF ... EOF	$T/crashwatch.conf (state/dump in $T)
#	daemon_start [args]		daemon in the background, waits for READY
#	expect_log REGEX [secs]		wait for a line in the daemon's output
#	expect_history REGEX [secs]	wait for a call the daemon made
#	count_history REGEX		how many calls matched
#	restart_standin			$T/restart.sh, a stand-in for xl create
#	daemon_stop			TERM, expect exit 0 and no sanitizer report
#	notify_listen			systemd's end of NOTIFY_SOCKET, in
#					$T/notify.log, one message a line
#
# XCW_DAEMON names the binary under test (the sanitized build by default).

: "${CW_SOURCE_DIR:=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)}"
. "$CW_SOURCE_DIR/tests/sim/lib.sh"
: "${CW_SAN_BIN:=$(dirname "$CW_BIN")/san/bin}"
: "${XCW_DAEMON:=$CW_SAN_BIN/xen-crashwatchd}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=66}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=67}"

T=""
DAEMON_PID=""
DAEMON_LOG=""
LISTEN_PID=""

itest_cleanup() {
	if [ -n "$LISTEN_PID" ]; then
		kill "$LISTEN_PID" 2>/dev/null
		wait "$LISTEN_PID" 2>/dev/null
		LISTEN_PID=""
	fi
	if [ -n "$DAEMON_PID" ]; then
		kill -KILL "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
		DAEMON_PID=""
	fi
	sim_stop
	[ -n "$T" ] && rm -rf "$T"
}

itest_start() {
	[ -x "$XCW_DAEMON" ] || fail "no daemon at $XCW_DAEMON: build it first"
	sim_start
	trap 'itest_cleanup' EXIT
	T=$(mktemp -d "${TMPDIR:-/tmp}/xcw-test.XXXXXX") || fail "mktemp"
	mkdir -p "$T/state" "$T/dump"
	CONF="$T/crashwatch.conf"
	DAEMON_LOG="$T/daemon.log"
	: >"$DAEMON_LOG"
}

# Stand in for systemd: bind $T/notify and export NOTIFY_SOCKET.
notify_listen() {
	[ -x "$CW_BIN/notify-listen" ] || fail "no $CW_BIN/notify-listen: build it"
	"$CW_BIN/notify-listen" "$T/notify" >"$T/notify.log" 2>&1 &
	LISTEN_PID=$!
	wait_for test -S "$T/notify" || fail "notify-listen did not bind $T/notify"
	export NOTIFY_SOCKET="$T/notify"
}

# restart_standin: $T/restart.sh NAME, the tests' "xl create": records
# NAME in $T/restarted and starts a guest of that name on the simulator,
# as the real one does (the daemon waits for the guest to run).
restart_standin() {
	cat >"$T/restart.sh" <<SH
#!/bin/sh
echo "\$1" >>"$T/restarted"
exec "$CW_BIN/xensimctl" create "\$1" --mem 4 >/dev/null
SH
	chmod +x "$T/restart.sh"
}

# The configuration from stdin, with @T@ replaced by the scratch dir.
write_conf() {
	sed "s|@T@|$T|g" >"$CONF"
}

daemon_start() {
	"$XCW_DAEMON" -v -c "$CONF" "$@" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	expect_log 'watching [0-9]+ domains' 10 ||
		fail "daemon did not finish its first scan"
}

# Stop with TERM; the exit status must be 0 and no sanitizer spoke.
daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID"
	_st=$?
	DAEMON_PID=""
	[ -n "${XCW_SHOW_LOG:-}" ] && cat "$DAEMON_LOG" >&2
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$DAEMON_LOG"; then
		cat "$DAEMON_LOG" >&2
		fail "the sanitizers reported a problem"
	fi
	[ "$_st" -eq 0 ] || { tail -20 "$DAEMON_LOG" >&2; fail "daemon exited $_st"; }
}

# expect_log REGEX [SECONDS]: 0 once the daemon printed a matching line.
expect_log() {
	_n=$(( ${2:-10} * 20 ))
	while [ "$_n" -gt 0 ]; do
		grep -qE -- "$1" "$DAEMON_LOG" && return 0
		if [ -n "$DAEMON_PID" ] && ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			break
		fi
		sleep 0.05
		_n=$((_n - 1))
	done
	echo "--- daemon output ---" >&2
	tail -40 "$DAEMON_LOG" >&2
	echo "expected a line matching: $1" >&2
	return 1
}

expect_history() {
	_n=$(( ${2:-10} * 20 ))
	while [ "$_n" -gt 0 ]; do
		simctl history | grep -qE -- "$1" && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	echo "--- simulator history ---" >&2
	simctl history | tail -30 >&2
	echo "expected a call matching: $1" >&2
	return 1
}

count_history() {
	simctl history | grep -cE -- "$1"
}

count_log() {
	grep -cE -- "$1" "$DAEMON_LOG"
}

# The state a domain is in, from the simulator's list.
dom_state() {
	simctl list | awk -v d="$1" '$1 == d { print $4 }'
}

# Assert equality with a message.
check_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

pass() {
	echo "PASS: $*"
}

# journald_isolate "$0" "$@": re-execute the test in a private mount
# namespace (unshare -m, as root), where journald_start may mount and
# start what it needs without touching the host's journal.
journald_isolate() {
	[ -z "${XCW_JOURNAL_NS:-}" ] || return 0
	[ "$(id -u)" -eq 0 ] ||
		fail "$(basename "$1") needs root (a private mount namespace and a journald of its own); run it as root"
	command -v unshare >/dev/null || fail "unshare (util-linux) is missing"
	export XCW_JOURNAL_NS=1
	exec unshare -m bash "$@"
}

# journald_start: a systemd-journald of the test's own, in the private
# mount namespace the test re-executed itself in (unshare -m, as root):
# tmpfs on /run/systemd and /run/log, volatile storage, no rate limit.
# journald_stop ends it.
journald_start() {
	JOURNALD=""
	for p in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do
		[ -x "$p" ] && { JOURNALD=$p; break; }
	done
	[ -n "$JOURNALD" ] || fail "systemd-journald is missing (Debian package systemd)"
	command -v journalctl >/dev/null || fail "journalctl is missing"
	command -v jq >/dev/null || fail "jq is missing (tests/install-deps installs it)"

	# Our own /run/systemd and /run/log, seen by nobody else; nothing may
	# reach the host's persistent journal either.
	mount --make-rprivate / || fail "cannot make the mounts private"
	mkdir -p /run/systemd /run/log || fail "cannot create /run/systemd, /run/log"
	mount -t tmpfs tmpfs /run/systemd || fail "cannot mount a tmpfs on /run/systemd"
	mount -t tmpfs tmpfs /run/log || fail "cannot mount a tmpfs on /run/log"
	if [ -d /var/log/journal ]; then
		mount -t tmpfs tmpfs /var/log/journal ||
			fail "cannot hide /var/log/journal"
	fi
	if [ -f /etc/systemd/journald.conf ]; then
		printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\n' \
		    >/run/log/journald.conf
		mount --bind /run/log/journald.conf /etc/systemd/journald.conf ||
			fail "cannot replace journald.conf"
	fi
	SYSTEMD_LOG_TARGET=console "$JOURNALD" >/run/log/journald.out 2>&1 &
	JOURNALD_PID=$!
	_i=0
	while [ ! -S /run/systemd/journal/socket ]; do
		if ! kill -0 "$JOURNALD_PID" 2>/dev/null || [ "$_i" -ge 100 ]; then
			cat /run/log/journald.out >&2
			journald_stop
			fail "systemd-journald did not create /run/systemd/journal/socket"
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
}

journald_stop() {
	[ -n "${JOURNALD_PID:-}" ] || return 0
	kill -TERM "$JOURNALD_PID" 2>/dev/null
	wait "$JOURNALD_PID" 2>/dev/null
	JOURNALD_PID=""
}

# systemd_start: a service manager of the test's own ("systemd --user",
# as root), after journald_start in the private mount namespace: it
# believes systemd is the init system there (/run/systemd/system), and
# listens on $XDG_RUNTIME_DIR/systemd/private, which XCW_SYSTEMD_SOCKET
# gives the daemon in place of /run/systemd/private.  systemctl --user
# and journalctl reach it.  systemd_stop ends it.
systemd_start() {
	SYSTEMD=""
	for p in /lib/systemd/systemd /usr/lib/systemd/systemd; do
		[ -x "$p" ] && { SYSTEMD=$p; break; }
	done
	[ -n "$SYSTEMD" ] || fail "systemd is missing (Debian package systemd)"
	command -v systemctl >/dev/null || fail "systemctl is missing"
	[ -S /run/systemd/journal/socket ] || fail "systemd_start needs journald_start first"
	mkdir -p /run/systemd/system || fail "cannot create /run/systemd/system"
	# A service whose /proc or /sys is remounted (ProtectProc=,
	# ProtectKernelTunables=) gets a fresh tmpfs on /run unless /run is
	# a mount point, as it is on any host systemd boots; a container's
	# may be a plain directory.
	mount --rbind /run /run || fail "cannot make /run a mount point"
	export XDG_RUNTIME_DIR=/run/systemd/user-run
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
	"$SYSTEMD" --user --log-target=journal >/run/log/systemd.out 2>&1 &
	SYSTEMD_PID=$!
	_i=0
	while ! systemctl --user is-system-running >/dev/null 2>&1 &&
	    [ "$(systemctl --user is-system-running 2>/dev/null)" != degraded ]; do
		if ! kill -0 "$SYSTEMD_PID" 2>/dev/null || [ "$_i" -ge 200 ]; then
			cat /run/log/systemd.out >&2
			fail "systemd --user did not come up"
		fi
		sleep 0.05
		_i=$((_i + 1))
	done
	# Sandboxed services hide paths behind the init system's empty
	# nodes, which this manager made in its own runtime directory.
	if [ -d "$XDG_RUNTIME_DIR/systemd/inaccessible" ]; then
		mkdir -p /run/systemd/inaccessible &&
		mount --bind "$XDG_RUNTIME_DIR/systemd/inaccessible" \
		    /run/systemd/inaccessible ||
			fail "cannot provide /run/systemd/inaccessible"
	fi
	export XCW_SYSTEMD_SOCKET="$XDG_RUNTIME_DIR/systemd/private"
}

systemd_stop() {
	[ -n "${SYSTEMD_PID:-}" ] || return 0
	kill -TERM "$SYSTEMD_PID" 2>/dev/null
	wait "$SYSTEMD_PID" 2>/dev/null
	SYSTEMD_PID=""
}

# The drills' daemon: started and stopped many times, killed on purpose.
# They need notify_listen (READY=1, STATUS=) and $T/state.
# alive PID: running, not a zombie waiting to be reaped.
alive() {
	[ -r "/proc/$1/stat" ] && ! awk '{ sub(/.*\) /, ""); exit $1 != "Z" }' \
	    "/proc/$1/stat"
}
# drill_start [POINT]: the daemon, killed at POINT if given; waits for READY.
drill_start() {
	_ready=$(grep -c '^READY=1$' "$T/notify.log")
	XCW_KILL_AT="${1:-}" "$XCW_DAEMON" -v -c "$CONF" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	_n=400
	while [ "$(grep -c '^READY=1$' "$T/notify.log")" -le "$_ready" ]; do
		alive "$DAEMON_PID" || return 0	# killed early
		_n=$((_n - 1))
		[ $_n -gt 0 ] || fail "no READY=1 from the daemon"
		sleep 0.05
	done
}
# settled [N]: the daemon is dead, or its last STATUS= since its last
# READY=1 says nothing is being handled and at least N crashes were, and
# its state file holds no unfinished plan (a domain still being torn
# down is waited for).
settled() {
	alive "$DAEMON_PID" || return 0
	grep -qs 'done = false' "$T/state/state" && return 1
	awk -v want="${1:-0}" '/^READY=1$/ { r = 1; s = 0; next }
	    r && /^STATUS=/ {
		s = 0
		if (match($0, /, [0-9]+ being handled, [0-9]+ handled/)) {
			split(substr($0, RSTART + 2, RLENGTH - 2), f, " ")
			s = f[1] == 0 && f[4] >= want
		}
	    }
	    END { exit !s }' "$T/notify.log"
}
# await_settled WHAT [N]
await_settled() {
	_n=600
	until settled "${2:-0}"; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || { tail -20 "$DAEMON_LOG" >&2; fail "$1: never settled"; }
		sleep 0.05
	done
}
# drill_stop: TERM the daemon and reap it: 0 if it stopped cleanly, 1 if its
# kill point got it first (SIGKILL), failing on anything else.
drill_stop() {
	kill -TERM "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID"
	_st=$?
	DAEMON_PID=""
	case $_st in
	0) return 0 ;;
	137) return 1 ;;
	esac
	tail -20 "$DAEMON_LOG" >&2
	fail "$1: the daemon exited $_st"
}


# journal_json: every record of ours in the test's journal, one JSON
# object a line.
journal_json() {
	journalctl -D /run/log/journal -o json --no-pager \
	    SYSLOG_IDENTIFIER=xen-crashwatchd 2>/dev/null
}

# alerts NAME: the crash alerts for domain NAME in the test's journal.
alerts() {
	journalctl -D /run/log/journal -o cat --no-pager \
	    MESSAGE_ID=0f21d7aa4f614dc198a085d560609371 DOMAIN_NAME="$1" \
	    2>/dev/null | grep -c .
}
