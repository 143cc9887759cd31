#!/usr/bin/env bash
# struct page and the memory models on the machine line: pfn_to_page with
# each model's formula, its inverses, the decoded struct page, and errors.
# Usage: bash page.sh /path/to/ptkit
set -euo pipefail
. "$(dirname "$0")/lib/common.sh" "$@"

# SPARSEMEM_VMEMMAP on QEMU's PC: vmemmap + pfn * 64, arrays from memblock.
printf '%s\n' 'machine x86_64 preset=qemu-pc mem=4G memory_model=vmemmap' \
	'pfn_to_page 0x1234' 'page_to_pfn 0xffffea0000048d00' 'page_to_phys 0xffffea0000048d00' \
	'page 0x1234' 'page 0x9f' 'memblock dump' >"$TMP/vm.ptk"
run run "$TMP/vm.ptk"
check "vmemmap formula" out_has "pfn_to_page(0x1234) = vmemmap 0xffffea0000000000 + 0x1234 * 64 = 0xffffea0000048d00"
check "page_to_pfn" out_has "page_to_pfn(0xffffea0000048d00) = 0x1234"
check "page_to_phys" out_has "page_to_phys(0xffffea0000048d00) = pfn 0x1234 << PAGE_SHIFT = 0x1234000"
check "ZONE_DMA32 above 16 MiB" out_has "links    zone 1 node 0 section 0x0"
check "hole page reserved" out_has "flags    0x1000(reserved)"
check "fresh page counts" out_has "refcount 1 mapcount 0 page_type 0xffffffff"
check "arrays are memblock reservations" out_has " reserved[0x1]	[0x000000013c000000-0x000000013fffffff]"

# vmemmap_populate: the arrays mapped into the kernel's vmemmap with 2M
# pages; the MMU then takes pfn_to_page(pfn) to the struct page in RAM.
printf '%s\n' 'machine x86_64 preset=qemu-pc mem=4G memory_model=vmemmap' 'pgd_alloc init_mm' \
	'vmemmap_populate init_mm' 'translate init_mm 0xffffea000048d140 r' 'vmemmap_populate init_mm' \
	>"$TMP/vmm.ptk"
run run "$TMP/vmm.ptk"
check "vmemmap populated" out_has "vmemmap 0xffffea0000000000: 65536 KiB of struct page mapped for 32 present sections"
check "vmemmap by 2M pages" out_has "PS G XD             -> page 0x13fa00000 (2M)"
check "struct page of pfn 0x12345 in RAM" out_has "=> pa 0x13fa8d140 (2M page"
check "twice: already mapped" err_has ":5: vmemmap_populate: "

# FLATMEM: mem_map + (pfn - ARCH_PFN_OFFSET), mem_map at the top of RAM.
printf '%s\n' 'machine x86_64 ram=0+1G memory_model=flatmem' 'pfn_to_page 0x100' >"$TMP/flat.ptk"
run run "$TMP/flat.ptk"
check "flatmem formula" out_has "pfn_to_page(0x100) = mem_map 0x3f000000 + (0x100 - ARCH_PFN_OFFSET 0x0) * 64 = 0x3f004000"

# Classic SPARSEMEM on an ARM32 board with PHYS_OFFSET 0x80000000.
printf '%s\n' 'machine arm32 lpae preset=vexpress-a15 memory_model=sparsemem' 'pfn_to_page 0x80001' \
	'page 0x80001' >"$TMP/sp.ptk"
run run "$TMP/sp.ptk"
check "sparse formula" out_has "pfn_to_page(0x80001) = (mem_section[0][8].section_mem_map 0xbdc0000f & SECTION_MAP_MASK) + 0x80001 * 64 = 0xbfc00040"
check "sparse section in flags" out_has "section 0x8"

# Errors: no model, unknown model, invalid pfn.
printf '%s\n' 'machine x86_64 ram=0+1G' 'pfn_to_page 1' >"$TMP/e1.ptk"
run run "$TMP/e1.ptk"
check "no model" err_has "pfn_to_page: this machine has no memory model: give memory_model= on the machine line"
printf '%s\n' 'machine x86_64 ram=0+1G memory_model=discontig' >"$TMP/e2.ptk"
run run "$TMP/e2.ptk"
check "unknown model" err_has "memory_model=discontig: expected flatmem, sparsemem or vmemmap"
printf '%s\n' 'machine x86_64 ram=0+1G memory_model=flatmem' 'pfn_to_page 0x40000' >"$TMP/e3.ptk"
run run "$TMP/e3.ptk"
check "pfn beyond mem_map" err_has "pfn_to_page: "
check "names the pfn" err_has "0x40000"

finish
