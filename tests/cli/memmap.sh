#!/usr/bin/env bash
# The machine line's memory map: ram=/reserve= lists in every syntax, an
# e820 table pasted from dmesg, board presets; reserved RAM is never used
# for page tables.
# Usage: bash memmap.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# Reserved at the top of RAM: the top-down frame allocator steps below it.
printf '%s\n' 'machine x86_64 ram=0+1G reserve=0x3ff00000+1M' 'pgd_alloc k' >"$TMP/res.ptk"
run run "$TMP/res.ptk"
check "reserved counted" out_has "RAM 1G in 1 range, 1 reserved"
check "pgd below the reservation" out_has "k: root 0 = 0x3feff000 (PML4)"

# Every item syntax at once; the map is sorted.
printf '%s\n' 'machine x86_64 ram=0x100000000+1G,640K@0,0x100000-0x3fffffff' info >"$TMP/syn.ptk"
run run "$TMP/syn.ptk"
check "three RAM ranges" out_has "RAM 2096768K in 3 ranges"
check "BASE-END inclusive" out_has "0x000000100000-0x00003fffffff  1023M"

# The kernel's e820 lines, verbatim, with dmesg timestamps around them.
run run - <<SCRIPT
machine x86_64 e820=$SRC/tests/data/e820/qemu-pc-2g.dmesg
info
memblock dump
SCRIPT
check "e820: usable ranges are RAM" out_has "0x000000100000-0x00007ffdffff"
# x86's own edits of the firmware's table (trim_bios_range, reserve_real_mode):
# page 0 is reserved, not RAM; memblock reserves the whole first MiB, holes
# included, as memblock_reserve(0, SZ_1M) does.
check "e820: sub-page tail trimmed, page 0 not RAM" out_has "ram      0x000000001000-0x00000009efff  632K"
check "e820: page 0 reserved" out_has "reserved 0x000000000000-0x000000000fff  4K"
check "e820: the first MiB memblock-reserved" out_has " reserved[0x0]	[0x0000000000000000-0x00000000000fffff], 0x0000000000100000 bytes"
check "e820: reserved listed" out_has "         0x00000009fc00-0x00000009ffff  1K"

# A real boot log's table (a Firecracker guest, Linux 6.18): 24 GiB less the
# legacy hole, the sub-page tail trimmed.
run run - <<SCRIPT
machine x86_64 e820=$SRC/tests/data/e820/firecracker-6.18.dmesg
info
SCRIPT
check "real e820: 24 GiB in 3 ranges" out_has "RAM 25165432K in 3 ranges, 3 reserved"
check "real e820: PCI hole reserved" out_has "0x0000eec00000-0x0000febfffff"

# A device-tree memory node (a DTS fragment), #address-cells/#size-cells 2,2.
printf '%s\n' "machine arm64 dt=$SRC/tests/data/dt/qemu-virt-2g.dts" info >"$TMP/dt.ptk"
run run "$TMP/dt.ptk"
check "dt: RAM from reg" out_has "0x000040000000-0x0000bfffffff  2G"
printf '%s\n' "machine arm32 lpae dt=$SRC/tests/data/dt/qemu-virt-2g.dts dt_cells=1,1" >"$TMP/dt1.ptk"
run run "$TMP/dt1.ptk"
check "dt: wrong cells give overlapping entries, named" err_has "reg entry 2: RAM range 0-0x7fffffff overlaps 0-0x3fffffff"
printf '%s\n' "machine arm64 dt_cells=1,1 ram=0+1G" >"$TMP/dt2.ptk"
run run "$TMP/dt2.ptk"
check "dt_cells without dt" err_has "dt_cells= goes with dt=FILE"

# Presets: QEMU's PC below and above 4 GiB, arm64 virt at 1 GiB.
printf '%s\n' 'machine x86_64 preset=qemu-pc mem=4G' 'machine arm64 preset=qemu-virt' \
	'machine arm32 lpae preset=vexpress-a15' >"$TMP/pre.ptk"
run run "$TMP/pre.ptk"
check "qemu-pc 4G" out_has "RAM 4193784K in 3 ranges, 6 reserved"
check "qemu-virt" out_has "RAM 1G in 1 range"
run --json run "$TMP/pre.ptk"
check "json: virt RAM at 1 GiB" out_has '"ram":[{"base":"0x40000000","size":"0x40000000"}],"reserved":[]'
check "json: vexpress PHYS_OFFSET" out_has '"ram":[{"base":"0x80000000","size":"0x40000000"}]'
check "json: pc reserved" out_has '{"base":"0xfffc0000","size":"0x40000"}]'

# memblock: memory is the RAM, reserved the reservations in RAM plus the frames
# the page tables took (top-down from the end of RAM, merged).
printf '%s\n' 'machine x86_64 ram=0+1G,0x100000000+1G reserve=0x9fc00+1K,0xfec00000+4K' 'pgd_alloc k' \
	'map k 0x400000 0x400000 8K' 'memblock dump' >"$TMP/mb.ptk"
run run "$TMP/mb.ptk"
check "memblock header" out_has "MEMBLOCK configuration:"
check "memblock sizes" out_has " memory size = 0x0000000080000000 reserved size = 0x0000000000004400"
check "memblock memory" out_has " memory[0x1]	[0x0000000100000000-0x000000013fffffff], 0x0000000040000000 bytes flags: 0x0"
check "memblock reserved frames" out_has " reserved[0x1]	[0x000000013fffc000-0x000000013fffffff], 0x0000000000004000 bytes flags: 0x0"
printf '%s\n' 'machine x86_64 ram=0+1G' 'pgd_alloc k' 'map k 0x400000 0x400000 8K' \
	'unmap k 0x400000 8K' 'memblock dump' >"$TMP/mb2.ptk"
run run "$TMP/mb2.ptk"
run --json run "$TMP/mb.ptk"
check "memblock json" out_has '{"cmd":"memblock","memory_size":"0x80000000","reserved_size":"0x4400","memory":[{"base":"0x0","size":"0x40000000","flags":0},'
run run "$TMP/mb2.ptk"
check "freed tables leave memblock" out_has " reserved[0x0]	[0x000000003ffff000-0x000000003fffffff], 0x0000000000001000 bytes flags: 0x0"

finish
