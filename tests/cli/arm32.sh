#!/usr/bin/env bash
# ptkit on an ARMv7 machine with short descriptors and Linux's 2-level
# tables: the machine line, a section, a walk through Linux's paired pte
# page, PL0/PL1 faults with their FSR, domains, Linux's arm ptdump.
# Usage: bash arm32.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

script() { printf '%s\n' "$@" >"$TMP/s.ptk"; run run "$TMP/s.ptk"; }

script 'machine arm32 ram=0x60000000+256M' 'pgd_alloc k' \
       'map k 0xc0000000 0x60000000 8M prot=rwxgad' \
       'map k 0x00010000 0x61000000 64K prot=rwua' \
       'map k 0x00100000 0x61100000 4K prot=rwuad' \
       'translate k 0xc0123456 w' 'translate k 0x00012345 r user' \
       'translate k 0x00012345 w user' 'translate k 0xc0123456 r user' \
       'translate k 0x00100004 w user' \
       'ptdump k'
check "arm32 script: exit 0" rc_is 0
check "machine line: two levels, pmd folded" out_has "machine arm32: 2 levels (pgd=L1 p4d=folded pud=folded pmd=folded pte=L2), 32-bit VA, 32-bit PA"
check "pgd_alloc: one 16K root" out_has "root 0 = 0x6fffc000 (L1)"
check "section walk" out_has "SECTION DOMAIN=0 AP=001 TEX=1 C B S -> page 0x60100000 (1M)"
check "section translation" out_has "=> pa 0x60123456 (1M page"
check "table entry: hardware table 2048 bytes into the pte page" out_has "= 0x000000006fffb835  TABLE DOMAIN=1 PXN"
check "hardware pte of a clean page: read-only (AP[2])" out_has "SMALL AP=111 TEX=1 C B XN S nG"
check "PL0 read" out_has "=> pa 0x61002345 (4K page"
check "clean page: write fault, page permission, domain 1, WnR" out_has "=> fault: write to read-only page at pte (level 2), FSR 0x81f"
check "PL0 read of a kernel section: section permission fault" out_has "=> fault: user access to supervisor page at pgd (level 1), FSR 0xd"
check "dirty page: PL0 write" out_has "=> pa 0x61100004 (4K page"
check "ptdump: section line, domain" out_has "0xc0000000-0xc0800000           8M PGD KERNEL      RW x  SHD"
check "ptdump: pte line" out_has "0x00010000-0x00020000          64K PTE USER    USR RW NX SHD MEM/CACHED/WBWA"
check "ptdump: markers" out_has "---[ Kernel Mapping ]---"

# Domains: DACR=0x51 (Linux's DACR_INIT) makes DOMAIN_USER No access.
script 'machine arm32 ram=0x60000000+256M dacr=0x51' 'pgd_alloc k' \
       'map k 0x00010000 0x61000000 4K prot=rwuad' 'translate k 0x00010000 r'
check "domain fault on a page" out_has "=> fault: domain at pte (level 2), FSR 0x1b"
# Linux's pte and the hardware's: not young -> no hardware entry.
script 'machine arm32 ram=0x60000000+256M' 'pgd_alloc k' \
       'map k 0x00010000 0x61000000 4K prot=rwu' 'translate k 0x00010000 r user'
check "old page: translation fault" out_has "=> fault: not present at pte (level 2), FSR 0x17"
# TTBCR.PD0: no walk.
script 'machine arm32 ram=0x60000000+256M ttbcr=0x10' 'pgd_alloc k' 'translate k 0x1000 r'
check "PD0: section translation fault" out_has "=> fault: not present, FSR 0x5"
script 'machine arm32 foo ram=0x60000000+256M'
check "unknown variant refused" err_has "arm32 foo: the variant is 'lpae'"

# A hand-written supersection (16 replicated L1 entries, 0xc00..0xc0f):
# protect and unmap inside it unfold it into 16 sections first, then split.
ss=$(printf ' 0x6004040e%.0s' $(seq 16))
script 'machine arm32 ram=0x60000000+256M' 'pgd_alloc k' \
       "write 0x6ffff000$ss width=4" \
       'translate k 0xc0123456 r' \
       'protect k 0xc0100000 4K prot=rgad' \
       'translate k 0xc0100000 r' 'translate k 0xc0100000 w' \
       'unmap k 0xc0200000 4K' \
       'translate k 0xc0200000 r' 'translate k 0xc0201000 w' 'translate k 0xc0f00000 r'
check "supersection script: exit 0" rc_is 0
check "supersection: 16M page" out_has "=> pa 0x60123456 (16M page"
check "protect inside it: read-only 4K" out_has "=> pa 0x60100000 (4K page, effective r---g--)"
check "protect inside it: write faults" out_has "=> fault: write to read-only page at pte (level 2), FSR 0x80f"
check "unmap inside it: that 4K gone" out_has "=> fault: not present at pte (level 2), FSR 0x7"
check "unmap inside it: the next 4K stays" out_has "=> pa 0x60201000 (4K page"
check "unfolded: entry 15 a section at +15M" out_has "= 0x0000000060f0040e  SECTION DOMAIN=0 AP=001 TEX=0 C B -> page 0x60f00000 (1M)"
# Above 4 GiB (PA[35:32] = 1): no section can say it; refused, unchanged.
ss=$(printf ' 0x6014040e%.0s' $(seq 16))
script 'machine arm32 ram=0x60000000+256M' 'pgd_alloc k' \
       "write 0x6ffff000$ss width=4" 'protect k 0xc0100000 4K prot=rgad'
check "high supersection: refused" err_has "the supersection at 0xc0000000 (PA 0x160000000) cannot be unfolded into smaller leaves: its PA[39:32] is not 0"

finish
