# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: shared by the install tests (sourced, POSIX sh).

# Report a failed check and stop the test.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Stop the test when a tool it needs is missing, saying which package has it.
need() {
	command -v "$1" >/dev/null 2>&1 ||
	    fail "$1 not found: install the Debian package $2 (tests/install-deps)"
}

# A fresh scratch directory, removed when the test exits.
scratch() {
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/cw-install.XXXXXX") ||
	    fail "mktemp"
	trap 'rm -rf "$SCRATCH"' EXIT
}

# install_tree BUILD DESTDIR PREFIX: what "make install" does.
install_tree() {
	DESTDIR="$2" cmake --install "$1" --prefix "$3" >"$SCRATCH/install.log" 2>&1 ||
	    { cat "$SCRATCH/install.log" >&2; fail "cmake --install $1 --prefix $3 failed"; }
}

# Check that PATH exists as a regular file with octal MODE.
check_file() {
	[ -f "$1" ] || fail "not installed: $1"
	m=$(stat -c %a "$1")
	[ "$m" = "$2" ] || fail "$1 has mode $m, want $2"
}
