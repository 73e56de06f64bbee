#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -n / --check-config on the shipped example, on a file with several
# errors and on a missing file (only a valid file lets it read the domain
# list, for the guests xl handles); the daemon refusing a bad file before
# it touches the hypervisor; --version, --help and an unknown option.
. "$CW_SOURCE_DIR/tests/integration/lib.sh"
itest_start

D=$XCW_DAEMON
example="$CW_SOURCE_DIR/conf/crashwatch.conf"
[ -f "$example" ] || fail "no example configuration at $example"

# run CMD...: stdout to $T/out, stderr to $T/err, status in $st.
run() {
	"$@" >"$T/out" 2>"$T/err"
	st=$?
}

# The example is valid, said on stdout.
run "$D" -n -c "$example"
check_eq "$st" 0 "exit status of -n on the example ($(cat "$T/err"))"
check_eq "$(cat "$T/out")" "configuration OK" "-n output on the example"
run "$D" --check-config --config "$example"
check_eq "$st" 0 "exit status of --check-config on the example"
check_eq "$(cat "$T/out")" "configuration OK" "--check-config output"
# A valid file is followed by the guests xl handles (none here): for that
# -n only reads the domain list, and acts on nothing.
acting=$(simctl history | grep -E ' xc_' | grep -vE ' xc_(interface_open|interface_close|domain_getinfolist) ')
check_eq "$acting" "" "hypervisor calls other than reading the domain list"
n_read=$(count_history 'xc_')

# Three distinct errors, on lines 3, 6 and 9: each reported with its line.
cat >"$T/bad.conf" <<'EOF2'
state_dir = "/nonexistent/state";
dump: {
	compress = "lz4";
};

defaults: { on_crash = "explode"; };
domains = (
  { match = "a"; on_crash = "preserve"; },
  { match = "b"; on_crash = "preserve"; bogus = 1; }
);
EOF2
run "$D" -n -c "$T/bad.conf"
check_eq "$st" 1 "exit status of -n on a bad file"
grep -q "configuration OK" "$T/out" && fail "a bad file was called OK"
grep -qE "^$T/bad.conf:3: .*compress.*lz4" "$T/err" ||
	fail "no error for line 3 (compress): $(cat "$T/err")"
grep -qE "^$T/bad.conf:6: .*on_crash.*explode" "$T/err" ||
	fail "no error for line 6 (on_crash): $(cat "$T/err")"
grep -qE "^$T/bad.conf:9: .*bogus" "$T/err" ||
	fail "no error for line 9 (unknown setting): $(cat "$T/err")"
check_eq "$(grep -c "^$T/bad.conf:[0-9]*: " "$T/err")" 3 \
    "error lines for the bad file"

# A syntax error names its line too.
printf 'state_dir = "/x";\n\ndump: { timeout = ; };\n' >"$T/syntax.conf"
run "$D" -n -c "$T/syntax.conf"
check_eq "$st" 1 "exit status of -n on a syntax error"
grep -qE "^$T/syntax.conf:3: " "$T/err" ||
	fail "the syntax error is not reported at line 3: $(cat "$T/err")"

# A missing file: status 1 and the path in the message.
run "$D" -n -c "$T/missing.conf"
check_eq "$st" 1 "exit status of -n on a missing file"
grep -qF "$T/missing.conf" "$T/err" ||
	fail "the message does not name the missing file: $(cat "$T/err")"

# The bad files did not touch the hypervisor.
check_eq "$(count_history 'xc_')" "$n_read" "hypervisor calls made by -n on bad files"

# Without -n, a bad or missing file stops the daemon before it opens the
# hypervisor interface.
run timeout 10 "$D" -c "$T/bad.conf"
check_eq "$st" 1 "exit status of the daemon on a bad file"
grep -qE "^$T/bad.conf:3: " "$T/err" ||
	fail "the daemon did not report the error: $(cat "$T/err")"
run timeout 10 "$D" -c "$T/missing.conf"
check_eq "$st" 1 "exit status of the daemon on a missing file"
grep -qF "$T/missing.conf" "$T/err" || fail "no path in: $(cat "$T/err")"
check_eq "$(count_history 'xc_')" "$n_read" "hypervisor calls with a bad file"

# --version, --help, an unknown option, a stray argument.
run "$D" --version
check_eq "$st" 0 "exit status of --version"
grep -qE '^xen-crashwatchd [0-9]+\.[0-9]+' "$T/out" ||
	fail "--version printed '$(cat "$T/out")'"
run "$D" --help
check_eq "$st" 0 "exit status of --help"
grep -q -- "--check-config" "$T/out" || fail "--help does not list the options"
run "$D" --no-such-option
check_eq "$st" 1 "exit status with an unknown option"
grep -q "usage:" "$T/err" || fail "no usage on an unknown option"
run "$D" -c "$example" stray
check_eq "$st" 1 "exit status with a stray argument"
check_eq "$(count_history 'xc_')" "$n_read" "hypervisor calls from option handling"

pass "check-config, version, help and bad options"
