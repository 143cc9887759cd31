#!/usr/bin/env bash
# ptkit on an AArch64 machine: the machine line, both roots, EL0/EL1 walks
# and faults with their ESR, Linux's arm64 ptdump, registers, images.
# Usage: bash arm64.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

script() { printf '%s\n' "$@" >"$TMP/s.ptk"; run run "$TMP/s.ptk"; }

script 'machine arm64 granule=4K va_bits=48 ram=0x40000000+1G' 'pgd_alloc mm' \
       'map mm 0x400000 0x40200000 2M prot=rwua' \
       'map mm 0xffff000000000000 0x40000000 1G prot=rwag' \
       'translate mm 0x401234 r user' 'translate mm 0x401234 w kernel' \
       'translate mm 0xffff000000123456 w' 'translate mm 0xffff000000123456 r user' \
       'ptdump mm'
check "arm64 script: exit 0" rc_is 0
check "machine line names the format" out_has "machine aarch64-4K-48: 4 levels"
check "pgd_alloc: both roots" out_has "root 0 = 0x7ffff000 (L0), root 1 = 0x7fffe000 (L0)"
check "pgd_alloc: TCR_EL1" out_has "tcr      0x"
check "pgd_alloc: MAIR_EL1 as Linux" out_has "mair     0x000000040044ffff"
check "EL0 read of a user block" out_has "=> pa 0x40201234 (2M page"
check "PAN: EL1 write to a user page faults" out_has "fault: SMAP/PAN: privileged access to user page at pmd (level 2), ESR 0x9600004e"
check "TTBR1 1G block" out_has "=> pa 0x40123456 (1G page"
check "EL0 read of a kernel page: permission fault, EC 0x24" out_has "fault: user access to supervisor page at pud (level 1), ESR 0x9200000d"
check "ptdump: arm64 line" out_has "0xffff000000000000-0xffff000040000000           1G PUD       RW NX SHD AF        BLK UXN    MEM/NORMAL"
check "ptdump: marker" out_has "---[ Linear Mapping start ]---"

# Granules and sizes: the start level follows TnSZ.
script 'machine arm64 granule=64K va_bits=42 ram=0x40000000+1G' 'pgd_alloc mm'
check "64K/42: 2 levels" out_has "machine aarch64-64K-42: 2 levels"
script 'machine arm64 granule=16k va_bits=36 ram=0x40000000+1G'
check "16K/36 (case-insensitive granule)" out_has "machine aarch64-16K-36"

# Bad input.
script 'machine arm64 granule=8K ram=0x40000000+1G'
check "granule=8K refused" err_has "granule=8K: must be 4K, 16K or 64K"
script 'machine arm64 va_bits=60 ram=0x40000000+1G'
check "va_bits=60 refused" err_has "s.ptk:1: machine:"
script 'machine arm64 ram=0x40000000+1G tcr=0'
check "tcr= may not change the geometry" err_has "T0SZ"
script 'machine arm64 ram=0x40000000+1G' 'cpu sctlr=+WXN' 'info'
check "cpu: WXN" out_has "WXN"

# Images keep the arm64 registers and both roots.
script 'machine arm64 ram=0x40000000+1G pan=0' 'pgd_alloc mm' \
       'map mm 0x400000 0x40200000 4K prot=rwua' "image save $TMP/a.core"
check "image save" rc_is 0
script "image load $TMP/a.core" 'translate mm 0x400000 w kernel' 'info'
check "image load: PAN off survives" out_has "=> pa 0x40200000 (4K page"
check "image load: registers" out_has "pan      0"

finish
