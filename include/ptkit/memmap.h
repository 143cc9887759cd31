/* SPDX-License-Identifier: MIT */
/*
 * Memory maps as input: the physical layout of a machine (which ranges are
 * RAM, which are reserved) read from the forms people already have at hand.
 *
 *   ptk_memmap_parse_ranges  "ram=" / "reserve=" values: comma-separated
 *                            items, each BASE+SIZE (ptkit's machine line),
 *                            SIZE@BASE (Linux memmap=nn@ss) or BASE-END
 *                            with END inclusive (as /proc/iomem prints).  Numbers are hex (0x...) or decimal,
 *                            with an optional K/M/G/T/P/E suffix (binary,
 *                            as the kernel's memparse(); unlike memparse, a
 *                            leading 0 does not mean octal).  RAM items must
 *                            be page-aligned; reserved items may be
 *                            byte-granular.
 *   ptk_memmap_parse_e820    the kernel's boot-time e820 table, verbatim
 *                            from dmesg (arch/x86/kernel/e820.c,
 *                            e820__print_table): every line containing
 *                            "BIOS-e820:", "BIOS-e801:" or "BIOS-88:" is an
 *                            entry and must be well-formed; anything before
 *                            that word (a "[    0.000000] " timestamp, a
 *                            syslog prefix) and every other line is ignored,
 *                            so a whole dmesg may be pasted.  Ends are
 *                            inclusive.  "usable" ranges are trimmed inward
 *                            to page boundaries (a sub-page tail is not
 *                            usable by a page allocator, as memblock later
 *                            decides in the kernel); a range that trims to
 *                            nothing is dropped.  Everything else is
 *                            reserved, keeping its e820 type.
 *   ptk_memmap_parse_dt_reg  a device-tree memory node's reg property as
 *                            written in DTS, e.g. <0x0 0x40000000 0x0
 *                            0x80000000>; RAM, trimmed inward to pages as
 *                            early_init_dt_add_memory_arch() does.
 *   ptk_memmap_preset        a named board's layout (sources in memmap.c):
 *                            "qemu-pc" (i440fx) and "qemu-q35": SeaBIOS's
 *                            e820 under KVM, low RAM split at 3 GiB (pc,
 *                            RAM >= 3.5 GiB) or 2 GiB (q35, RAM >= 2.75
 *                            GiB), the rest from 4 GiB; default 2 GiB.
 *                            "qemu-virt" (arm64): RAM at 1 GiB, default
 *                            1 GiB.  "vexpress-a15" (ARMv7 LPAE, RAM at
 *                            PHYS_OFFSET 0x80000000): default 1 GiB.
 *
 * Every entry point adds to the map; the result is validated as a whole
 * and on any error the map is left exactly as it was.  Within a kind,
 * ranges may not overlap (they may abut); RAM is checked as trimmed, so
 * e820 "usable" entries sharing a partial page are accepted.  A reserved range may overlap
 * RAM: reserved is memblock_reserve()'s sense, memory that exists but is
 * not free, as well as e820's holes that are not RAM at all.
 *
 * Errors name the place: "ram= item 2: ...", "line 3, column 14: ...",
 * "reg entry 1: ...".
 */
#ifndef PTKIT_MEMMAP_H
#define PTKIT_MEMMAP_H

#include <stdint.h>
#include <stdio.h>

#include <ptkit/phys.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_error;

enum ptk_memmap_kind {
	PTK_MEMMAP_RAM,
	PTK_MEMMAP_RESERVED,
	/* memblock_reserve()s the kernel makes of its own accord while it
	 * takes the map in (x86's first MiB), RAM or not: neither layout nor
	 * e820, so not in /proc/iomem or the e820 listing; they may overlap
	 * the reserved ranges. */
	PTK_MEMMAP_MEMBLOCK,
	PTK_MEMMAP_NR_KINDS
};

/* e820 types, numbered as arch/x86/include/asm/e820/types.h. */
#define PTK_E820_RAM		1u
#define PTK_E820_RESERVED	2u
#define PTK_E820_ACPI		3u
#define PTK_E820_NVS		4u
#define PTK_E820_UNUSABLE	5u
#define PTK_E820_PMEM		7u
#define PTK_E820_PRAM		12u
#define PTK_E820_SOFT_RESERVED	0xefffffffu

struct ptk_memmap_range {
	uint64_t base, size;	/* [base, base + size), size > 0 */
	uint32_t type;		/* PTK_E820_*: RAM ranges are PTK_E820_RAM */
	/* The range as the firmware gave it, before RAM was trimmed to whole
	 * pages: what /proc/iomem shows.  Equal to base/size otherwise. */
	uint64_t fw_base, fw_size;
};

/* Caller-allocated; treat the fields as private and use the accessors. */
struct ptk_memmap {
	struct ptk_memmap_range *ranges[PTK_MEMMAP_NR_KINDS];
	size_t nr[PTK_MEMMAP_NR_KINDS];
};

void ptk_memmap_init(struct ptk_memmap *map);
void ptk_memmap_free(struct ptk_memmap *map);	/* leaves it empty, reusable */

int ptk_memmap_parse_ranges(struct ptk_memmap *map, enum ptk_memmap_kind kind,
			    const char *text, unsigned pa_bits, struct ptk_error *err);
int ptk_memmap_parse_e820(struct ptk_memmap *map, const char *text, unsigned pa_bits,
			  struct ptk_error *err);
int ptk_memmap_parse_dt_reg(struct ptk_memmap *map, const char *text,
			    unsigned address_cells, unsigned size_cells, unsigned pa_bits,
			    struct ptk_error *err);
/* name: "qemu-pc", "qemu-q35", "qemu-virt", "vexpress-a15"; ram_size 0 is
 * the preset's default. */
int ptk_memmap_preset(struct ptk_memmap *map, const char *name, uint64_t ram_size,
		      struct ptk_error *err);

/*
 * What x86's setup_arch() does to the firmware's table before it becomes
 * memblock (arch/x86/kernel/setup.c, 6.1): trim_bios_range() makes the
 * first page reserved (the BIOS data area) and removes [640K, 1M) from RAM
 * (the VGA and BIOS ROM window), and reserve_real_mode() memblock-reserves
 * the whole first MiB (PTK_MEMMAP_MEMBLOCK), which BIOSes are known to
 * scribble on.  So the first
 * MiB never reaches the page allocator, and ZONE_DMA starts at pfn 1.
 */
int ptk_memmap_x86_trim_bios_range(struct ptk_memmap *map, unsigned pa_bits,
				   struct ptk_error *err);

/* Sorted by base. */
size_t ptk_memmap_nr(const struct ptk_memmap *map, enum ptk_memmap_kind kind);
struct ptk_memmap_range ptk_memmap_at(const struct ptk_memmap *map,
				      enum ptk_memmap_kind kind, size_t i);

/* Copy up to max ranges of a kind, in the form ptk_phys_create() and a
 * machine's reserved list take; returns the number of such ranges (call
 * with max 0 to size the array).  _ram_ranges: the RAM ones. */
size_t ptk_memmap_phys_ranges(const struct ptk_memmap *map, enum ptk_memmap_kind kind,
			      struct ptk_phys_range *out, size_t max);
size_t ptk_memmap_ram_ranges(const struct ptk_memmap *map, struct ptk_phys_range *out,
			     size_t max);

/* Both lists merged by base, one "BIOS-e820: [mem 0x...-0x...] type" line
 * each, which ptk_memmap_parse_e820() reads back to the same map.
 * Returns 0 or -EIO. */
int ptk_memmap_print_e820(const struct ptk_memmap *map, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
