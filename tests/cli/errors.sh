#!/usr/bin/env bash
# ptkit scripts: every class of bad input is reported as FILE:LINE: with
# exit status 1, 'run' stops at the first error unless --keep-going, and a
# failing command changes nothing.
# Usage: bash errors.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

SETUP='machine x86_64 paging=4 ram=0+4G,0x100000000+60G
pgd_alloc k
map k 0x400000 0x1000000 8K prot=rwu'

# expect_error LINE MESSAGE: run SETUP + LINE as bad.ptk (line 4), expect
# exactly "bad.ptk:4: MESSAGE" on stderr and exit status 1.
expect_error() {
	local line=$1 msg=$2
	printf '%s\n%s\necho not reached\n' "$SETUP" "$line" >"$TMP/bad.ptk"
	(cd "$TMP" && run run bad.ptk)
	if ! rc_is 1; then bad "[$line] exit status $(cat "$TMP/rc"), want 1"; return; fi
	if [ "$(cat "$TMP/err")" != "bad.ptk:4: $msg" ]; then
		bad "[$line] got: $(cat "$TMP/err")  want: bad.ptk:4: $msg"
		return
	fi
	if grep -q "not reached" "$TMP/out"; then bad "[$line] did not stop"; return; fi
	ok
}

# expect_lib_error LINE "CMD: " SUBSTRING: a library message, loosely.
expect_lib_error() {
	local line=$1 prefix=$2 part=$3
	printf '%s\n%s\necho not reached\n' "$SETUP" "$line" >"$TMP/bad.ptk"
	(cd "$TMP" && run run bad.ptk)
	if ! rc_is 1; then bad "[$line] exit status $(cat "$TMP/rc"), want 1"; return; fi
	case "$(cat "$TMP/err")" in
	"bad.ptk:4: $prefix"*"$part"*) ok ;;
	*) bad "[$line] got: $(cat "$TMP/err")" ;;
	esac
}

USAGE_MAP='usage: map NAME VA PA SIZE [prot=P] [page=4K|2M|1G|auto]'
# Parser errors
expect_error 'frob k' "unknown command 'frob' (try 'help')"
expect_error 'map k 0x1000 0 4K colour=red' "map: unknown key 'colour' ($USAGE_MAP)"
expect_error 'map k 0x1000 0 4K --bogus' "map: unknown option '--bogus' ($USAGE_MAP)"
expect_error 'map k 0x1000 0' "map: missing argument SIZE ($USAGE_MAP)"
expect_error 'map k 0x1000 0 4K extra' "map: unexpected argument 'extra' ($USAGE_MAP)"
expect_error 'map k 0x1000 0 4K prot=r prot=w' "map: key 'prot' given twice"
expect_error 'map k 0x1ffffffffffffffff 0 4K' "map: VA '0x1ffffffffffffffff' overflows 64 bits"
expect_error 'map k 18446744073709551616 0 4K' "map: VA '18446744073709551616' overflows 64 bits"
expect_error 'map k 0x1000 0 99999999999T' "map: SIZE '99999999999T' overflows 64 bits"
expect_error 'map k 0x1000 0 17179869184G' "map: SIZE '17179869184G' overflows 64 bits"
expect_error 'map k 0x1000 0 4Kq' "map: SIZE '4Kq' is not a number"
expect_error 'map k 0x1000x 0 4K' "map: VA '0x1000x' is not a number"
expect_error 'map k 0x 0 4K' "map: VA '0x' is not a number"
expect_error 'map k -1 0 4K' "map: VA '-1' is not a number"
expect_error 'map k "0x1000" 0 4K' 'map: VA "0x1000" is a string, not a number'
expect_error 'map k 0x1000 0 4K prot=rq' "map: prot 'rq': expected letters from rwxugad, then ,MEMTYPE (wb wc uc- uc wp wt) and ,pkey=N (0..15)"
expect_error 'echo "open' "unterminated quoted string"
expect_error 'echo a"b"' "unexpected '\"' inside a word"
expect_error 'echo "a"b' "missing blank after closing quote"
expect_error 'echo "\q"' "unknown escape in quoted string"
expect_error 'translate k 0x1000 q' "translate: 'q': expected one access (r|w|x) and one mode (user|kernel)"
expect_error 'translate k 0x1000 user kernel' "translate: 'kernel': expected one access (r|w|x) and one mode (user|kernel)"
expect_error 'translate nosuch 0x1000' "translate: no table named 'nosuch' (see 'info')"
expect_error 'protect k 0x400000 4K' "protect: missing prot=P (usage: protect NAME VA SIZE prot=P)"
expect_error 'read 0x1000 0' "read: LEN must be 1..1048576 bytes"
expect_error 'read 0x1000 8 width=3' "read: width=3: must be 1, 2, 4 or 8"
expect_error 'write 0x1000 0x100' "write: VALUE 0x100 does not fit in 1 byte"
expect_error 'image frob x' "image: 'frob': expected 'save' or 'load' (usage: image save FILE [raw] | image load FILE)"
expect_error 'machine x86_64 ram=0+4G foo=1' "machine: unknown key 'foo' (x86_64 registers: cr0 cr4 efer pkru ac)"
expect_error 'machine x86_64 paging=6 ram=0+4G' "machine: paging=6: must be 4 or 5"
expect_error 'machine sparc ram=0+4G' "machine: unknown architecture or format 'sparc' (known: x86_64 (paging=4|5); arm64 (granule=4K|16K|64K va_bits=N); arm32 ([lpae]))"
expect_error 'machine x86_64' "machine: missing ram=BASE+SIZE[,...], e820=FILE, dt=FILE or preset=NAME"
expect_error 'machine x86_64 ram=0' "machine: ram= item 1: expected BASE+SIZE, SIZE@BASE or BASE-END"
expect_error 'machine x86_64 ram=0x1ffffffffffffffff+4G' "machine: ram= item 1: the first number does not fit in 64 bits"
expect_error 'machine x86_64 ram=0+4G,0x1234+4K' "machine: ram= item 2: base 0x1234 is not page-aligned"
expect_error 'machine x86_64 ram=0+4G mem=1G' "machine: mem= sizes a preset: give preset=NAME too"
expect_lib_error 'machine x86_64 ram=0+4G reserve=0x1000+4K,0x1800+4K' "machine: reserve= item 2" "overlaps"
expect_lib_error 'machine x86_64 preset=qemu-pc mem=3K' "machine: preset qemu-pc: " "page-aligned"
expect_lib_error 'machine x86_64 preset=atari' "machine: " "atari"
expect_lib_error 'machine x86_64 e820=/nonexistent/e820' "machine: e820=/nonexistent/e820: " "cannot open"
expect_error 'machine x86_64 ram=0+4G ac=2' "machine: ac=2: value must be 0 or 1"
expect_error 'machine x86_64 ram=0+4G pkru=0x100000000' "machine: pkru=0x100000000: value is too wide for the register"
expect_error 'machine x86_64 ram=0+4G cr4=-NOPE' "machine: cr4=-NOPE: value is neither a number nor a list of +BIT/-BIT with known bit names"
expect_error 'machine x86_64 paging=4 ram=0+4G cr4=+LA57' "machine: cr4=+LA57: LA57 (bit 12) must be 0 for x86_64-4level: paging= chooses 4- or 5-level paging"
expect_error 'machine x86_64 paging=5 ram=0+4G cr4=0x3606b0' "machine: cr4=0x3606b0: LA57 (bit 12) must be 1 for x86_64-5level: paging= chooses 4- or 5-level paging"
expect_error 'machine x86_64-4level paging=5 ram=0+4G' "machine: paging= is not allowed after a format name"
expect_error 'cpu cr0=-WP,-PG' "cpu: cr0=-WP,-PG: PG (bit 31) must be 1 for x86_64-4level: the machine models IA-32e (long-mode) paging"
# Library errors: the library's own message (checked loosely: the library
# owns its wording).
expect_lib_error 'map k 0x1234 0 4K' "map: " "0x1234"
expect_lib_error 'map k 0x400000 0 4K' "map: " "0x400000"
expect_lib_error 'map k 0x1000 0 4K page=3K' "map: " "3 KiB"
expect_lib_error 'map k 0x1000 0 4K prot=w' "map: " "protection"
expect_lib_error 'map k 0x800000000000 0 4K' "map: " "canonical"
expect_lib_error 'pgd_alloc k' "pgd_alloc: " "'k'"
expect_lib_error 'unmap k 0x400000 0x1001' "unmap: " "0x1001"
expect_lib_error 'protect k 0x400000 16K prot=r' "protect: " "0x402000"
expect_lib_error 'machine x86_64 ram=0+4G pa_bits=20' "machine: " "20"
expect_lib_error 'machine x86_64 ram=0+4G,0x1000+4K' "machine: " "overlap"
expect_error 'read 0xffffff000 0x2000' "read: PA range 0xffffff000+0x2000 is not all RAM"
expect_error 'write 0xffffffffc 1 2 3 4 5' "write: PA range 0xffffffffc+0x5 is not all RAM"

# Commands before 'machine'.
printf 'echo hi\npgd_alloc k\n' >"$TMP/nomach.ptk"
(cd "$TMP" && run run nomach.ptk)
check "no machine: status" rc_is 1
check "no machine: message" [ "$(cat "$TMP/err")" = "nomach.ptk:2: pgd_alloc: no machine: start with 'machine ...'" ]

# Source names: <stdin>, <shell>.
printf 'echo a\nbogus\n' | { "$PTKIT" run - >"$TMP/out" 2>"$TMP/err" || true; }
check "<stdin>:N" [ "$(cat "$TMP/err")" = "<stdin>:2: unknown command 'bogus' (try 'help')" ]
printf 'echo a\nbogus\necho b\n' | { "$PTKIT" shell >"$TMP/out" 2>"$TMP/err" || true; }
check "<shell>:N" [ "$(cat "$TMP/err")" = "<shell>:2: unknown command 'bogus' (try 'help')" ]
check "shell keeps going" out_has "b"

# A NUL byte and an over-long line.
printf 'echo a\x00b\n' >"$TMP/nul.ptk"
(cd "$TMP" && run run nul.ptk)
check "NUL byte" [ "$(cat "$TMP/err")" = "nul.ptk:1: line contains a NUL byte" ]
{ printf 'echo '; head -c 70000 /dev/zero | tr '\0' a; echo; } >"$TMP/long.ptk"
(cd "$TMP" && run run long.ptk)
check "long line" [ "$(cat "$TMP/err")" = "long.ptk:1: line is longer than 65536 bytes" ]

# --keep-going: every error reported, later lines run, status 1 at the end.
printf '%s\nbogus1\necho middle\nbogus2\necho end\n' "$SETUP" >"$TMP/kg.ptk"
(cd "$TMP" && run --keep-going run kg.ptk)
check "keep-going status" rc_is 1
check "keep-going runs on" out_has "end"
check "keep-going reports all" [ "$(wc -l <"$TMP/err")" -eq 2 ]
check "keep-going second error" grep -qF "kg.ptk:6: unknown command 'bogus2'" "$TMP/err"

# Errors change nothing: ptdump/info/read identical around failing commands.
cat >"$TMP/state.ptk" <<'EOF'
machine x86_64 paging=4 ram=0+4G,0x100000000+60G
pgd_alloc k
map k 0x400000 0x1000000 8K prot=rwu
map k 0xffff888000000000 0 1G prot=rwg page=1G
echo @@before
ptdump k
info
read 0xffffffff0 16
echo @@failing
map k 0x3fe000 0x2000000 16K prot=rw
map k 0x600000 0x2000000 0x200000 prot=rw page=1G
protect k 0x400000 16K prot=r
protect k 0x400000 8K prot=q
unmap k 0x1234 4K
write 0xffffffff0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17
machine x86_64 paging=4 ram=0+4G cr4=+LA57
machine x86_64 ram=0+4G,0x1000+4K
pgd_alloc k
image load /nonexistent/file.core
echo @@after
ptdump k
info
read 0xffffffff0 16
EOF
(cd "$TMP" && run --keep-going run state.ptk)
check "state: all errors reported" [ "$(wc -l <"$TMP/err")" -eq 10 ]
check "state: nothing printed by failing commands" \
	[ "$(sed -n '/^@@failing$/,/^@@after$/p' "$TMP/out" | wc -l)" -eq 2 ]
sed -n '/^@@before$/,/^@@failing$/p' "$TMP/out" | sed '1d;$d' >"$TMP/before"
sed -n '/^@@after$/,$p' "$TMP/out" | sed '1d' >"$TMP/after"
check "state: ptdump seen" grep -q "USR RW" "$TMP/before"
check "state: dump/info/read unchanged" diff "$TMP/before" "$TMP/after"

finish
