#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install.completion: bash completion of xen-crashwatchctl offers its
# commands, each command's options, and the incidents on record (short
# IDs and names, read with the tool itself from the configuration given
# with -c).  bash-completion's _init_completion is stood in for: the
# build host need not have the package.
#   completion.sh SRCDIR BINDIR
set -u
. "$(dirname "$0")/lib.sh"
src=$1
bin=$2
[ -x "$bin/xen-crashwatchctl" ] || fail "$bin/xen-crashwatchctl is missing: build it first"
scratch

# One incident on record, in a state directory of our own.
mkdir -p "$SCRATCH/state/incidents" "$SCRATCH/dump"
id=0123456789abcdef0123456789abcdef
cat >"$SCRATCH/state/incidents/$id.json" <<JSON
{ "version": 1, "incident": "$id",
  "domain": { "id": 7, "name": "web-1", "uuid": "11111111-2222-3333-4444-555555555555", "memory_bytes": 1 },
  "reason": "crash", "crashed": 1764770400, "action": "preserve", "requested": "preserve",
  "restart_suppressed": false, "resumed": false, "summary": null, "evidence": {},
  "steps": [], "core": null, "hooks": [], "result": "ok", "finished": null }
JSON
cat >"$SCRATCH/crashwatch.conf" <<CONF
state_dir = "$SCRATCH/state";
dump: { directory = "$SCRATCH/dump"; };
CONF

complete_line() {
	PATH="$bin:$PATH" bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
			cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
		}
		_filedir() { :; }
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_xen_crashwatchctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
	' sh "$src/ctl/xen-crashwatchctl.bash-completion" "$@"
}
check() {
	[ "$2" = "$3" ] || fail "$1: offered '$2', want '$3'"
}
check "commands" "$(complete_line xen-crashwatchctl '')" \
    "--config --help --json --no-pager -c -h -j check debug dump info list status vacuum "
check "list's options" "$(complete_line xen-crashwatchctl list --re)" "--reason --reverse "
check "--reason" "$(complete_line xen-crashwatchctl list --reason '')" "crash watchdog "
check "vacuum's options" "$(complete_line xen-crashwatchctl vacuum --)" \
    "--keep --max-use --older-than "
check "incidents" "$(complete_line xen-crashwatchctl -c "$SCRATCH/crashwatch.conf" info '')" \
    "${id:0:12} web-1 "
echo "completion: commands, options and incidents offered"
