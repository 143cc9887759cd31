#!/usr/bin/env bash
# The buddy allocator from the command line: memblock_free_all, alloc_pages
# and free_pages, page tables drawn from the buddy allocator, section
# hotplug, the /proc views (text and --json), and errors.
# Usage: bash buddy.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

script() { printf '%s\n' "$@" >"$TMP/s.ptk"; run run "$TMP/s.ptk"; }

# QEMU's PC with 2 GiB: ZONE_DMA (from pfn 1: x86 reserves the first MiB)
# and ZONE_DMA32.  managed = 3840 + 511968 pages = 2063232 kB, so
# min_free_kbytes = int_sqrt(2063232 * 16) = 5745, pages_min = 1436;
# DMA32 min = 1436 * 511968 / 515808 = 1425, low = min + max(min / 4,
# managed * 10 / 10000 = 511) = 1936, high = min + 2 * 511 = 2447.
script 'machine x86_64 preset=qemu-pc mem=2G' 'pgd_alloc mm' \
       'map mm 0x400000 0x2000000 2M prot=rwu page=4K' 'memblock_free_all' \
       'map mm 0x800000 0x3000000 2M prot=rwu page=4K' \
       'alloc_pages 9 GFP_DMA' 'alloc_pages 3 GFP_HIGHUSER_MOVABLE' \
       'alloc_pages 0 GFP_KERNEL|__GFP_ZERO' \
       'cat /proc/buddyinfo' 'cat /proc/meminfo' 'cat /proc/vmstat' 'cat /proc/pagetypeinfo' \
       'free_pages all' 'cat /proc/zoneinfo'
check "buddy script: exit 0" rc_is 0
check "hand-over" out_has "memblock_free_all: "
check "min_free_kbytes" out_has "min_free_kbytes 5745"
check "DMA32 watermarks" out_has "DMA32    pfn 0x1000-0x7ffe0 present 520160"
check "DMA32 min/low/high" out_has "watermarks min 1425 low 1936 high 2447"
check "GFP_DMA from ZONE_DMA" out_has "order 9 (512 pages, zone DMA, GFP_DMA)"
check "movable user page" out_has "(8 pages, zone DMA32, GFP_HIGHUSER_MOVABLE)"
check "flags printed as %pGg" out_has "GFP_KERNEL|__GFP_ZERO)"
check "buddyinfo row" out_has "Node 0, zone    DMA32 "
check "page table from buddy counted" out_has "PageTables:            4 kB"
check "vmstat counts the page table" out_has "nr_page_table_pages 1"
check "vmstat pgalloc_dma" out_has "pgalloc_dma 512"
check "pagetypeinfo header" out_has "Free pages count per migrate type at order       0      1"
check "pagetypeinfo blocks" out_has "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate "
check "free_pages all" out_has "freed 3 blocks (521 pages)"
check "zoneinfo protection" out_has "        protection: (0, 1999, 1999, 1999)"
check "zoneinfo pageset" out_has "              batch: 63"
check "empty zone still listed" out_has "Node 0, zone  Movable"

# --json: the views read back by the parser that reads a kernel's files.
printf '%s\n' 'machine x86_64 preset=qemu-pc mem=2G' 'memblock_free_all' 'cat /proc/buddyinfo' \
	'cat /proc/meminfo' 'cat /proc/zoneinfo' 'cat /proc/iomem' >"$TMP/j.ptk"
run --json run "$TMP/j.ptk"
check "json: exit 0" rc_is 0
check "json buddyinfo" out_has '"file":"/proc/buddyinfo","zones":[{"node":0,"zone":"DMA","nr_free":['
check "json meminfo" out_has '"kB":{"MemTotal":'
check "json zoneinfo" out_has '"protection":[0,1999,1999,1999]'
check "json iomem" out_has '"name":"System RAM"'

# Hotplug: a section with pages in use cannot go; a free one can, and comes back.
script 'machine x86_64 preset=qemu-pc mem=2G memory_model=sparsemem' 'memblock_free_all' \
       'memory remove 10' 'cat /proc/meminfo' 'memory add 10' 'cat /proc/meminfo' \
       'memory remove 15'
check "hotplug: exit 1 at the busy section" rc_is 1
check "section holding the struct pages refused" err_has ":7: memory: section 15: pfn 0x7dfe0 is in use or reserved"
check "offline" out_has "section 10 [mem 0x0000000050000000-0x0000000057ffffff] offline and removed"
check "online" out_has "section 10 [mem 0x0000000050000000-0x0000000057ffffff] online"
script 'machine x86_64 preset=qemu-pc mem=2G memory_model=sparsemem' 'memblock_free_all' \
       'memory remove 0'
check "section outside the zones refused" err_has "memory: section 0 starts outside a zone"

# ARM32 with LPAE: ZONE_HIGHMEM above 768 MiB of lowmem; meminfo's split.
script 'machine arm32 lpae preset=vexpress-a15 mem=2G' 'memblock_free_all' \
       'alloc_pages 0 GFP_HIGHUSER_MOVABLE' 'cat /proc/meminfo'
check "highmem zone" out_has "HighMem  pfn 0xb0000-0x100000"
check "highmem allocation" out_has "zone HighMem, GFP_HIGHUSER_MOVABLE"
check "LowTotal" out_has "LowTotal:         786432 kB"

# __get_free_pages: the address in the linear map, as page_address() gives it.
script 'machine x86_64 preset=qemu-pc mem=2G' 'memblock_free_all' '__get_free_pages 1' \
       'machine arm32 ram=0x60000000+1G' 'memblock_free_all' '__get_free_pages 0' \
       '__get_free_pages 0 GFP_HIGHUSER'
check "x86-64 PAGE_OFFSET" out_has "0xffff888001000000 = page_address(pfn 0x1000) order 1"
check "arm32 PAGE_OFFSET - PHYS_OFFSET" out_has "0xc0000000 = page_address(pfn 0x60000) order 0"
check "highmem has no address" err_has ":7: __get_free_pages: __GFP_HIGHMEM: a highmem page has no permanent address"

# A real machine: Firecracker's e820 as its Linux 6.18 guest printed it.  The
# kernel's edits of the map (trim_bios_range, reserve_real_mode) give every
# /proc/iomem line and the zone spans that guest's kernel shows, byte for byte.
REAL=$SRC/tests/data/proc/firecracker-6.18
script "machine x86_64 e820=$SRC/tests/data/e820/firecracker-6.18.dmesg" 'memblock_free_all' \
       'cat /proc/iomem' 'cat /proc/zoneinfo'
check "firecracker: exit 0" rc_is 0
grep -E '^ *[0-9a-f]+-[0-9a-f]+ : ' "$TMP/out" >"$TMP/iomem"
check "iomem: six resources" [ "$(wc -l <"$TMP/iomem")" -eq 6 ]
while IFS= read -r line; do
	check "iomem line in the kernel's: $line" grep -qxF -- "$line" "$REAL/iomem"
done <"$TMP/iomem"
for f in "spanned  4095" "present  3998" "managed  3840" "start_pfn:           1" \
	 "spanned  1044480" "present  782336" "spanned  5505024" "start_pfn:           1048576"; do
	check "zoneinfo '$f' as the kernel's" grep -qF -- "$f" "$REAL/zoneinfo"
	check "zoneinfo '$f' from ptkit" out_has "$f"
done

# arm64 lists memblock's reservations as "reserved" under System RAM.
script 'machine arm64 preset=qemu-virt mem=2G reserve=0x48000000+0x100000' 'pgd_alloc mm' \
       'cat /proc/iomem'
check "arm64 iomem RAM" out_has "40000000-bfffffff : System RAM"
check "arm64 iomem reserved child" out_has "  48000000-480fffff : reserved"
check "arm64 iomem: the pgd from memblock" out_has "  bfffe000-bfffffff : reserved"

# Errors: each names the problem, the script stops at it.
script 'machine x86_64 ram=0+1G' 'alloc_pages 0'
check "before the hand-over" err_has "alloc_pages: the buddy allocator is not running yet: run memblock_free_all first"
script 'machine x86_64 ram=0+1G' 'memblock_free_all' 'alloc_pages 0 GFP_BOGUS'
check "bad gfp" err_has ":3: alloc_pages: unknown GFP flag"
script 'machine x86_64 ram=0+1G' 'memblock_free_all' 'alloc_pages 11'
check "order too big" err_has "alloc_pages: ORDER 11: at most 10"
script 'machine x86_64 ram=0+1G' 'memblock_free_all' 'free_pages 0x1234 0'
check "foreign free" err_has "free_pages: pfn 0x1234 order 0 is not a block this script allocated"
script 'machine x86_64 ram=0+1G' 'memblock_free_all' 'memblock_free_all'
check "second hand-over" err_has ":3: memblock_free_all: "
script 'machine x86_64 ram=0+1G' 'cat /proc/slabinfo'
check "unknown file" err_has "cat: /proc/slabinfo: not a file ptkit models"
script 'machine x86_64 ram=0+16M' 'memblock_free_all' 'alloc_pages 10' 'alloc_pages 10' \
       'alloc_pages 10' 'alloc_pages 10'
check "exhaustion is an error, not a crash" err_has "alloc_pages: "
check "exhaustion: exit 1" rc_is 1

finish
