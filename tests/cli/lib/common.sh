# Shared by the tests/cli/*.sh scripts: sourced with the script's arguments.
# Gives PTKIT, SRC, a private TMP, pass/fail counting and output checks.
PTKIT=${1:?usage: $0 /path/to/ptkit}
SRC=${PTK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local name=$1; shift; if "$@"; then ok; else bad "$name"; fi; }
# run ARGS...: stdout, stderr and status into $TMP/{out,err,rc}
run() { local rc=0; "$PTKIT" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?; echo "$rc" >"$TMP/rc"; }
rc_is() { [ "$(cat "$TMP/rc")" = "$1" ]; }
out_has() { grep -qF -- "$1" "$TMP/out"; }
out_lacks() { ! grep -qF -- "$1" "$TMP/out"; }
err_has() { grep -qF -- "$1" "$TMP/err"; }
err_empty() { [ ! -s "$TMP/err" ]; }
# finish: the closing line test runners read, and the exit status.
finish() { echo "$(basename "$0"): $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
