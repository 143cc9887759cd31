#!/usr/bin/env bash
# ptkit images from the command line: 'image save' writes an ELF core that
# readelf understands (one PT_LOAD per RAM range at its physical address)
# and that is sparse on disk; 'image load' brings back RAM, control state
# and tables; raw images are RAM back to back; bad files are refused with a
# message and leave the current machine alone.
# Usage: bash image.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# script LINES...: write them as $TMP/s.ptk and run it
script() { printf '%s\n' "$@" >"$TMP/s.ptk"; run run "$TMP/s.ptk"; }

# --- save --------------------------------------------------------------------
script 'machine x86_64 ram=0x100000+64M,0x100000000+1G,0x1000000000+16G cr4=-SMAP pkru=0x12345678' \
	'pgd_alloc mm' \
	'pgd_alloc init_mm' \
	'map mm 0x400000 0x200000 16K prot=rwu' \
	'map init_mm 0xffff888000000000 0x100000000 1G prot=rwg page=1G' \
	'map init_mm 0xffffffff80000000 0x1000000 4M prot=rxg page=2M' \
	'write 0x201234 "hello, image"' \
	'write 0x1234567890 "far up"' \
	"image save $TMP/vm.elf" \
	"image save $TMP/vm.raw raw"
check "save: exit 0" rc_is 0
check "save: ELF reported" out_has "saved $TMP/vm.elf (ELF core)"
check "save: raw reported" out_has "saved $TMP/vm.raw (raw)"

# readelf: the note first, then one LOAD per range at its physical address.
readelf -lW "$TMP/vm.elf" >"$TMP/out"
check "readelf: core file" out_has "Elf file type is CORE"
check "readelf: 3 LOADs" [ "$(grep -c '^ *LOAD' "$TMP/out")" = 3 ]
check "readelf: NOTE first" [ "$(grep -E '^ *(NOTE|LOAD)' "$TMP/out" | head -1 | awk '{print $1}')" = NOTE ]
check "readelf: range 1" grep -qE 'LOAD +0x[0-9a-f]+ 0x[0-9a-f]+ 0x0000000000100000 0x4000000 0x4000000' "$TMP/out"
check "readelf: range 2" grep -qE 'LOAD +0x[0-9a-f]+ 0x[0-9a-f]+ 0x0000000100000000 0x40000000 0x40000000' "$TMP/out"
check "readelf: range 3" grep -qE 'LOAD +0x[0-9a-f]+ 0x[0-9a-f]+ 0x0000001000000000 0x400000000 0x400000000' "$TMP/out"
readelf -nW "$TMP/vm.elf" >"$TMP/out"
check "readelf: PTKIT note" out_has "PTKIT"

# Sparse: 17 GiB of RAM, a few KiB on disk.
size=$(stat -c %s "$TMP/vm.elf")
check "ELF size covers RAM" [ "$size" -ge $((0x4000000 + 0x40000000 + 0x400000000)) ]
check "ELF sparse on disk" [ "$(du -k "$TMP/vm.elf" | cut -f1)" -lt 16384 ]
check "raw size = RAM" [ "$(stat -c %s "$TMP/vm.raw")" = $((0x4000000 + 0x40000000 + 0x400000000)) ]
check "raw sparse on disk" [ "$(du -k "$TMP/vm.raw" | cut -f1)" -lt 16384 ]
# Raw: 0x201234 is 0x101234 into the first range; 0x1234567890 is in the third.
check "raw: byte of range 1" [ "$(dd if="$TMP/vm.raw" bs=1 skip=$((0x101234)) count=12 status=none)" = "hello, image" ]
check "raw: byte of range 3" [ "$(dd if="$TMP/vm.raw" bs=1 skip=$((0x4000000 + 0x40000000 + 0x234567890)) count=6 status=none)" = "far up" ]

# --- load --------------------------------------------------------------------
script "image load $TMP/vm.elf" \
	'cpu' \
	'translate mm 0x401234 r user' \
	'read 0x201234 12' \
	'read 0x1234567890 6' \
	'translate init_mm 0xffff888000123456 w' \
	'translate init_mm 0xffffffff80201000 x'
check "load: exit 0" rc_is 0
check "load: machine line" out_has "machine x86_64-4level"
check "load: RAM" out_has "RAM 17472M in 3 ranges"
check "load: tables" out_has "table init_mm: root 0 ="
check "load: pkru" out_has "pkru     0x12345678"
check "load: SMAP stays off" out_lacks "SMAP"
check "load: 4K walk" out_has "=> pa 0x201234 (4K page"
check "load: 1G walk" out_has "=> pa 0x100123456 (1G page"
check "load: 2M walk" out_has "=> pa 0x1201000 (2M page"
check "load: RAM contents" out_has "|hello, image|"
check "load: RAM contents above 64G" out_has "|far up|"

run --json run "$TMP/s.ptk"
check "load --json" out_has '{"cmd":"image","format":"x86_64-4level"'

# A loaded machine saves again to an image that loads the same.
script "image load $TMP/vm.elf" "image save $TMP/again.elf" "image load $TMP/again.elf" \
	'read 0x201234 12'
check "save of a loaded machine" out_has "|hello, image|"

# --- ARMv7 short descriptors: a round trip ------------------------------------
# Linux's paired pte pages, user tables with PXNTable, a hand-written
# supersection (PA 0x62000000, AP=011, in TTBR1's L1 entries 0x500..0x50f,
# VA 0x50000000), TTBCR.N = 2
# and a DACR with domain 2 (DOMAIN_IO) No access: translations and ptdump after a load are
# those before the save.
a32_queries=('translate k 0xc0123456 w' 'translate k 0x00012345 r user'
	     'translate k 0x00012345 w user' 'translate k 0x00100004 x'
	     'translate k 0x50345678 r' 'translate k 0x00100004 r' 'ptdump k')
script 'machine arm32-n2 ram=0x60000000+256M dacr=0x45' 'pgd_alloc k' \
	'map k 0xc0000000 0x60000000 8M prot=rwxgad' \
	'map k 0x00010000 0x61000000 64K prot=rwua' \
	'map k 0x00100000 0x61100000 4K prot=rwxuad' \
	"write 0x6fff9400 $(printf '0x62040c02 %.0s' {1..16})width=4" \
	"${a32_queries[@]}" "image save $TMP/a32.elf"
check "arm32 save: exit 0" rc_is 0
cp "$TMP/out" "$TMP/a32.before"
script "image load $TMP/a32.elf" "${a32_queries[@]}" 'cpu'
check "arm32 load: exit 0" rc_is 0
check "arm32 load: format" out_has "arm32-n2"
grep -E '=>|^0x|---| L[12] ' "$TMP/a32.before" >"$TMP/a32.b"
grep -E '=>|^0x|---| L[12] ' "$TMP/out" >"$TMP/a32.a"
check "arm32 load: translations and ptdump as before" cmp -s "$TMP/a32.b" "$TMP/a32.a"
check "arm32 load: something compared" [ "$(wc -l <"$TMP/a32.a")" -ge 16 ]
check "arm32 load: the supersection" out_has "=> pa 0x62345678 (16M page"
check "arm32 load: a user table" out_has "TABLE DOMAIN=1 PXN"
check "arm32 load: the DACR" out_has "dacr     0x00000045"

# --- refusals ------------------------------------------------------------------
expect_refused() {	# FILE MESSAGE
	script 'machine x86_64 ram=0+16M' "image load $1" 'info'
	check "refuse $1: exit 1" rc_is 1
	check "refuse $1: message" err_has "$2"
	check "refuse $1: old machine kept" out_lacks "pa_bits  46"	# info not reached
}
expect_refused "$TMP/vm.raw" "not an ELF file (raw images carry no metadata"
expect_refused "$TMP/none.elf" "cannot open"
head -c 8192 /dev/urandom >"$TMP/garbage"
expect_refused "$TMP/garbage" "not an ELF"
head -c 100 "$TMP/vm.elf" >"$TMP/short.elf"
expect_refused "$TMP/short.elf" "runs past the end of the file"
: >"$TMP/empty.elf"
expect_refused "$TMP/empty.elf" "not an ELF"

script 'machine x86_64 ram=0+16M' "image load $TMP/vm.raw" 'info'
run --keep-going run "$TMP/s.ptk"
check "failed load keeps the machine" out_has "16M total"

script 'machine x86_64 ram=0+16M' 'pgd_alloc "a b"' "image save $TMP/bad.elf"
check "unstorable table name: exit 1" rc_is 1
check "unstorable table name: message" err_has "table name 'a b'"
check "unstorable table name: no file left" [ ! -e "$TMP/bad.elf" ]

script 'machine x86_64 ram=0+16M' "image save $TMP/no/such/dir.elf"
check "unwritable path: message" err_has "cannot create"

finish
