#!/usr/bin/env bash
# ptkit shell driven through a pipe: no prompt, errors as <shell>:N, the
# session goes on after an error, 'quit' ends it.
# Usage: bash shell.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"
export HOME=$TMP	# never touch the real ~/.ptkit_history

rc=0
"$PTKIT" shell >"$TMP/out" 2>"$TMP/err" <<'IN' || rc=$?
machine x86_64 ram=0+1G
pgd_alloc k
map k 0x1000 0x2000 4K prot=rwu
nosuchcommand
translate k 0x1234 r user
help
quit
echo after quit
IN
check "shell: exit 1 after an error" [ "$rc" -eq 1 ]
check "shell: no prompt without a terminal" [ "$(grep -c 'ptkit>' "$TMP/out")" -eq 0 ]
check "shell: error line" [ "$(cat "$TMP/err")" = "<shell>:4: unknown command 'nosuchcommand' (try 'help')" ]
check "shell: goes on after an error" out_has "=> pa 0x2234 (4K page, effective rw-u---)"
check "shell: help" out_has "'help COMMAND' or 'COMMAND --help' shows one in detail."
check "shell: quit" [ "$(grep -c 'after quit' "$TMP/out")" -eq 0 ]

rc=0
printf 'machine x86_64 ram=0+1G\ninfo\n' | "$PTKIT" shell >"$TMP/out" 2>"$TMP/err" || rc=$?
check "shell: clean session exits 0" [ "$rc" -eq 0 ]
check "shell: info" out_has "frames   0 in use"

rc=0
printf 'translate --json k 0\n' | "$PTKIT" --json shell >"$TMP/out" 2>"$TMP/err" || rc=$?
check "shell: no machine" grep -qF "<shell>:1: translate: no machine: start with 'machine ...'" "$TMP/err"

finish
