#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.licence: the project is GPL-2.0-or-later, and says so everywhere:
# COPYING holds the GPL version 2, every tracked source file (C, headers,
# scripts, build files, units, man pages, configuration) carries the SPDX
# identifier, and debian/copyright is in the machine-readable format with
# that licence.
SRC=${1:?usage: licence.sh SOURCE_DIR}
cd "$SRC" || exit 1
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

grep -q 'GNU GENERAL PUBLIC LICENSE' COPYING 2>/dev/null &&
    grep -q 'Version 2, June 1991' COPYING ||
	bad "COPYING is not the GPL version 2"
command -v git >/dev/null || { echo "FAIL: git is missing" >&2; exit 1; }
[ -d .git ] || [ -f .git ] || { echo "FAIL: $SRC is not a git checkout: cannot list the tracked files" >&2; exit 1; }
n=0
for f in $(git ls-files); do
	case $f in
	*/corpus/*|*.md|.gitignore|COPYING|debian/changelog|debian/control|\
	debian/copyright|debian/source/format) continue ;;
	esac
	n=$((n + 1))
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-or-later' ||
		bad "$f: no SPDX-License-Identifier: GPL-2.0-or-later in its first lines"
done
[ "$n" -gt 200 ] || bad "only $n files looked at: the listing is wrong"
head -n 1 debian/copyright |
    grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
	bad "debian/copyright: not the machine-readable format"
grep -qx 'License: GPL-2+' debian/copyright || bad "debian/copyright: no License: GPL-2+"
grep -q '/usr/share/common-licenses/GPL-2' debian/copyright ||
	bad "debian/copyright: does not point at the GPL's text"
[ "$fails" -eq 0 ] || { echo "$fails problem(s)" >&2; exit 1; }
echo "ok install.licence ($n files)"
