#!/usr/bin/env bash
# ptkit demo: runs, exits 0, stays short, shows what it promises, and is
# the same tour as examples/demo.ptk run with --echo.
# Usage: bash demo.sh /path/to/ptkit   (PTK_SOURCE_DIR: the source tree)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

out_has() { grep -qF -- "$1" "$TMP/demo"; }

rc=0
"$PTKIT" demo >"$TMP/demo" 2>"$TMP/err" || rc=$?
check "demo exits 0" [ "$rc" -eq 0 ]
check "demo: no stderr" [ ! -s "$TMP/err" ]
check "memblock dump" out_has " reserved[0x1]	[0x000000007ffdc000-0x000000007ffdffff]"
check "demo is short" [ "$(wc -l <"$TMP/demo")" -le 270 ]
check "echoes commands" out_has "ptkit> machine x86_64 paging=4 ram=0+1G,0x100000000+3G"
check "narration not echoed" [ "$(grep -c '^ptkit> echo' "$TMP/demo")" -eq 0 ]
check "4K map chain" out_has "trace: 3 x 4K: pgd_offset -> p4d_alloc (folded) -> pud_alloc -> pmd_alloc -> pte_alloc -> set_pte"
check "2M page" out_has "(2M page, effective r-x-g--)"
check "1G page" out_has "(1G page, effective rw--g--)"
check "write fault" out_has "=> fault: write to read-only page at pte (level 3), error code 0x7"
check "SMEP fault" out_has "=> fault: SMEP: supervisor fetch from user page"
check "split by protect" out_has "pte  PT   [  0] @"
check "ptdump" out_has "---[ High Kernel Mapping ]---"
check "5-level walk" out_has "p4d  PML4 [  0]"
check "data read back" out_has "|....hello, page |"
check "arm64 machine" out_has "ptkit> machine arm64 granule=4K va_bits=48"
check "arm64 EL0 walk" out_has "pte  L3   [  0] @"
check "arm64 PAN fault" out_has "=> fault: SMAP/PAN: privileged access to user page at pte (level 3), ESR 0x9600004f"
check "arm64 ptdump" out_has "---[ Linear Mapping start ]---"
check "buddy hand-over" out_has "DMA      pfn 0x1-0x1000 present 3998 managed 3840"
check "GFP_DMA" out_has "order 0 (1 pages, zone DMA, GFP_DMA)"
check "buddyinfo" out_has "Node 0, zone    DMA32 "
check "page table counted" out_has "PageTables:            4 kB"
check "arm32 section" out_has "SECTION DOMAIN=0 AP=001 TEX=1 C B S -> page 0x60000000 (1M)"
check "arm32 paired pte page" out_has "TABLE DOMAIN=1 PXN           -> table 0x6fffb000"

rc=0
"$PTKIT" run --echo "$SRC/examples/demo.ptk" >"$TMP/file" 2>&1 || rc=$?
check "example script runs" [ "$rc" -eq 0 ]
check "example script == built-in demo" diff "$TMP/demo" "$TMP/file"

finish
