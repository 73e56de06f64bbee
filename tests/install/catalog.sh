#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.catalog: every MESSAGE_ID the daemon can log has a catalog entry,
# every entry belongs to an id the daemon defines and logs, and journalctl
# accepts the file.
#   catalog.sh SRCDIR
set -u
. "$(dirname "$0")/lib.sh"
src=$1
need journalctl systemd
scratch
header=$src/systemd/journal.h
catalog=$src/systemd/xen-crashwatch.catalog
[ -f "$header" ] || fail "missing $header"
[ -f "$catalog" ] || fail "missing $catalog"

# Ids defined as MSGID_* macros.
sed -n 's/^#define[[:space:]]*MSGID_[A-Z0-9_]*[[:space:]]*"\([^"]*\)".*/\1/p' \
    "$header" >"$SCRATCH/defined.all"
sort -u "$SCRATCH/defined.all" >"$SCRATCH/defined"
[ -s "$SCRATCH/defined" ] || fail "no MSGID_* macros found in $header"
n=$(grep -c '^#define[[:space:]]*MSGID_' "$header")
[ "$n" -eq "$(wc -l <"$SCRATCH/defined.all")" ] ||
    fail "a MSGID_* macro in $header is not a plain string literal"
bad=$(grep -v -x '[0-9a-f]\{32\}' "$SCRATCH/defined")
[ -z "$bad" ] || fail "not a 128-bit lower-case hex id in $header: $bad"
dup=$(sort "$SCRATCH/defined.all" | uniq -d)
[ -z "$dup" ] || fail "two MSGID_* macros share the id $dup"

# Ids written as literals in the code rather than through the macros.
cat "$src"/monitor/*.c "$src"/systemd/*.c 2>/dev/null |
    grep -o '"[0-9a-fA-F]\{32\}"' | tr -d '"' | sort -u >"$SCRATCH/literal"

# Ids with a catalog entry.
sed -n 's/^-- *\([^ ]*\).*/\1/p' "$catalog" >"$SCRATCH/entries.all"
sort -u "$SCRATCH/entries.all" >"$SCRATCH/entries"
dup=$(sort "$SCRATCH/entries.all" | uniq -d)
[ -z "$dup" ] || fail "catalog has more than one entry for $dup"

rc=0
for id in $(comm -23 "$SCRATCH/defined" "$SCRATCH/entries"); do
	name=$(grep "\"$id\"" "$header" | awk '{print $2}')
	echo "FAIL: $name ($id) has no entry in $catalog" >&2
	rc=1
done
for id in $(comm -13 "$SCRATCH/defined" "$SCRATCH/entries"); do
	echo "FAIL: catalog entry $id is not a MSGID_* in $header" >&2
	rc=1
done
for id in $(comm -23 "$SCRATCH/literal" "$SCRATCH/defined"); do
	echo "FAIL: MESSAGE_ID literal $id in the code is not a MSGID_* in $header" >&2
	rc=1
done
# An entry for an id the daemon never logs documents nothing.
for name in $(sed -n 's/^#define[[:space:]]*\(MSGID_[A-Z0-9_]*\).*/\1/p' "$header"); do
	cat "$src"/monitor/*.c "$src"/systemd/*.c 2>/dev/null | grep -q -w "$name" || {
		echo "FAIL: $name is defined and catalogued but never logged" >&2
		rc=1
	}
done
[ $rc -eq 0 ] || exit 1

# Every entry says what it is about.
awk '/^-- /{ if (id != "" && !subj) print id; id = $2; subj = 0 }
    /^Subject: ./{ subj = 1 }
    END { if (id != "" && !subj) print id }' "$catalog" >"$SCRATCH/nosubj"
[ ! -s "$SCRATCH/nosubj" ] || fail "entries without Subject: $(cat "$SCRATCH/nosubj")"

# journalctl itself must compile the file and list exactly these ids.
mkdir -p "$SCRATCH/root/usr/lib/systemd/catalog" "$SCRATCH/root/var/lib/systemd"
cp "$catalog" "$SCRATCH/root/usr/lib/systemd/catalog/"
journalctl --root="$SCRATCH/root" --update-catalog >"$SCRATCH/update.log" 2>&1 ||
    { cat "$SCRATCH/update.log" >&2; fail "journalctl --update-catalog rejects $catalog"; }
[ ! -s "$SCRATCH/update.log" ] ||
    { cat "$SCRATCH/update.log" >&2; fail "journalctl --update-catalog complains about $catalog"; }
journalctl --root="$SCRATCH/root" --list-catalog 2>&1 | awk '{print $1}' |
    sort >"$SCRATCH/listed"
cmp -s "$SCRATCH/listed" "$SCRATCH/entries" ||
    { diff "$SCRATCH/entries" "$SCRATCH/listed" >&2; fail "journalctl lists other ids than the catalog holds"; }

echo "catalog: $(wc -l <"$SCRATCH/entries") entries, all MSGID_* covered"
