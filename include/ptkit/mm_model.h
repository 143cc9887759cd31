/* SPDX-License-Identifier: MIT */
/*
 * struct page and the memory models of Linux 6.1 (FLATMEM, SPARSEMEM with
 * SPARSEMEM_EXTREME, SPARSEMEM_VMEMMAP) over simulated RAM.
 *
 * A struct page is a 64-byte little-endian record in simulated RAM with the
 * x86-64 6.1 layout of include/linux/mm_types.h.  A "page pointer" is what
 * the kernel's struct page * would hold: for FLATMEM and classic SPARSEMEM
 * the physical address of the record (we model no direct map), for
 * SPARSEMEM_VMEMMAP the virtual address vmemmap + pfn * 64, whose backing
 * pages ptk_mm_vmemmap_for_each() lists for a page-table engine to map.
 *
 * The mem_map arrays are memblock reservations, so they show in a memblock
 * dump; they are never given back except by ptk_mm_section_remove().
 * Every call that can fail returns 0 or a negative errno, leaves the model
 * (and the memblock) unchanged, and keeps the message in ptk_mm_error().
 */
#ifndef PTKIT_MM_MODEL_H
#define PTKIT_MM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_memblock;
struct ptk_phys;
struct ptk_error;
struct ptk_mm_model;

/* ---- struct page (include/linux/mm_types.h, 6.1, x86-64) ---- */

#define PTK_STRUCT_PAGE_SIZE	64u
#define PTK_PAGE_OFF_FLAGS	0u
#define PTK_PAGE_OFF_LRU_NEXT	8u
#define PTK_PAGE_OFF_LRU_PREV	16u
#define PTK_PAGE_OFF_MAPPING	24u
#define PTK_PAGE_OFF_INDEX	32u
#define PTK_PAGE_OFF_PRIVATE	40u
#define PTK_PAGE_OFF_MAPCOUNT	48u	/* union with page_type */
#define PTK_PAGE_OFF_REFCOUNT	52u
#define PTK_PAGE_OFF_MEMCG	56u

/* enum pageflags, include/linux/page-flags.h (6.1): the bits every
 * configuration has.  Later ones (PG_uncached, PG_hwpoison, PG_young,
 * PG_idle, PG_arch_2, PG_skip_kasan_poison) move with the config and are
 * not modelled. */
enum ptk_pageflags {
	PTK_PG_locked,
	PTK_PG_referenced,
	PTK_PG_uptodate,
	PTK_PG_dirty,
	PTK_PG_lru,
	PTK_PG_active,
	PTK_PG_workingset,
	PTK_PG_waiters,
	PTK_PG_error,
	PTK_PG_slab,
	PTK_PG_owner_priv_1,
	PTK_PG_arch_1,
	PTK_PG_reserved,
	PTK_PG_private,
	PTK_PG_private_2,
	PTK_PG_writeback,
	PTK_PG_head,
	PTK_PG_mappedtodisk,
	PTK_PG_reclaim,
	PTK_PG_swapbacked,
	PTK_PG_unevictable,
	PTK_PG_mlocked,
	PTK_NR_PAGEFLAGS	/* __NR_PAGEFLAGS of the modelled bits */
};

/* The flag's name as the kernel's %pGp prints it ("locked", "reserved"),
 * NULL past the modelled bits. */
const char *ptk_pageflag_name(unsigned int bit);

/* page_type (include/linux/page-flags.h, 6.1): stored inverted in the
 * _mapcount word; a type is set when its bit is clear under the base. */
#define PTK_PAGE_TYPE_BASE		0xf0000000u
#define PTK_PAGE_MAPCOUNT_RESERVE	(-128)
#define PTK_PG_buddy			0x00000080u
#define PTK_PG_offline			0x00000100u
#define PTK_PG_table			0x00000200u
#define PTK_PG_guard			0x00000400u

struct ptk_page {
	uint64_t flags;
	uint64_t lru_next, lru_prev;
	uint64_t mapping;
	uint64_t index;
	uint64_t private_;
	union {
		int32_t mapcount;	/* _mapcount, -1 when unmapped */
		uint32_t page_type;
	};
	int32_t refcount;		/* _refcount */
	uint64_t memcg_data;
};

/* Decode / encode the record at pa.  -EFAULT (message in err) if the 64
 * bytes are not RAM. */
int ptk_page_read(const struct ptk_phys *ph, uint64_t pa, struct ptk_page *page,
		  struct ptk_error *err);
int ptk_page_write(struct ptk_phys *ph, uint64_t pa, const struct ptk_page *page,
		   struct ptk_error *err);
void ptk_page_encode(const struct ptk_page *page, uint8_t out[PTK_STRUCT_PAGE_SIZE]);
void ptk_page_decode(const uint8_t in[PTK_STRUCT_PAGE_SIZE], struct ptk_page *page);

bool ptk_page_test_flag(const struct ptk_page *page, enum ptk_pageflags bit);
void ptk_page_set_flag(struct ptk_page *page, enum ptk_pageflags bit);
void ptk_page_clear_flag(struct ptk_page *page, enum ptk_pageflags bit);

/* PageType / __SetPageType / __ClearPageType for PTK_PG_buddy etc. */
bool ptk_page_has_type(const struct ptk_page *page, uint32_t type);
void ptk_page_set_type(struct ptk_page *page, uint32_t type);
void ptk_page_clear_type(struct ptk_page *page, uint32_t type);

/*
 * The upper bits of page->flags (include/linux/page-flags-layout.h and
 * include/linux/mm.h, 6.1), from the top: SECTIONS_WIDTH (classic
 * SPARSEMEM only), NODES_WIDTH, ZONES_WIDTH.  LAST_CPUPID and KASAN tag
 * fields are not modelled (width 0).
 */
struct ptk_page_layout {
	unsigned int bits_per_long;
	unsigned int sections_width, nodes_width, zones_width;
	unsigned int sections_pgoff, nodes_pgoff, zones_pgoff;
	unsigned int pfn_section_shift;	/* SECTION_SIZE_BITS - PAGE_SHIFT */
};

unsigned int ptk_page_zonenum(const struct ptk_page_layout *l, const struct ptk_page *page);
unsigned int ptk_page_to_nid(const struct ptk_page_layout *l, const struct ptk_page *page);
uint64_t ptk_page_to_section(const struct ptk_page_layout *l, const struct ptk_page *page);
/* set_page_links(page, zone, node, pfn) */
void ptk_set_page_links(const struct ptk_page_layout *l, struct ptk_page *page,
			unsigned int zone, unsigned int nid, uint64_t pfn);

/* ---- memory models ---- */

enum ptk_mm_kind {
	PTK_MM_FLATMEM,
	PTK_MM_SPARSEMEM,		/* with SPARSEMEM_EXTREME */
	PTK_MM_SPARSEMEM_VMEMMAP,
};

#define PTK_MM_MAX_ZONES	8	/* ZONES_SHIFT 3 at most */

struct ptk_mm_params {
	enum ptk_mm_kind kind;
	unsigned int bits_per_long;	/* 64, or 32 (arm32) */
	unsigned int section_size_bits;	/* SECTION_SIZE_BITS */
	unsigned int max_physmem_bits;	/* MAX_PHYSMEM_BITS */
	unsigned int nodes_shift;	/* NODES_SHIFT (CONFIG_NODES_SHIFT) */
	unsigned int nr_zones;		/* MAX_NR_ZONES */
	/* zone z holds pfns below zone_end_pfn[z] not in an earlier zone */
	uint64_t zone_end_pfn[PTK_MM_MAX_ZONES];
	const char *zone_name[PTK_MM_MAX_ZONES];
	uint64_t vmemmap_start;		/* VMEMMAP_START */
	/* PHYS_OFFSET: ARCH_PFN_OFFSET for FLATMEM; memstart_addr, which
	 * arm64 subtracts from vmemmap, for SPARSEMEM_VMEMMAP */
	uint64_t phys_offset;
	/* PAGE_OFFSET, where the linear map of RAM begins (without KASLR's
	 * memory randomisation): __va(pa) = PAGE_OFFSET + (pa - PHYS_OFFSET),
	 * for pfns below max_low_pfn; above it (arm32 highmem) pages have no
	 * permanent address. */
	uint64_t page_offset;
	uint64_t max_low_pfn;
	/* pageblock_order (include/linux/pageblock-flags.h, 6.1): HUGETLB_PAGE_ORDER
	 * = 9 with 4K pages where the architecture has huge pages (x86-64,
	 * arm64, arm32 LPAE), else MAX_ORDER - 1 = 10 (arm32 short-descriptor).
	 * 0 in hand-made params means 9. */
	unsigned int pageblock_order;
};

/* Presets.  x86-64: SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS 46 (52 with
 * la57), VMEMMAP_START 0xffffea0000000000 (0xffd4000000000000 with la57),
 * zones DMA < 16 MiB, DMA32 < 4 GiB, Normal, Movable; NODES_SHIFT 6. */
void ptk_mm_params_x86_64(struct ptk_mm_params *p, enum ptk_mm_kind kind, bool la57);
/* arm64 4K pages: SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS = pa_bits (48 or
 * 52), VMEMMAP_START = -(1 << (va_bits - VMEMMAP_SHIFT)), VMEMMAP_SHIFT =
 * PAGE_SHIFT - STRUCT_PAGE_MAX_SHIFT = 6; NODES_SHIFT 4; zones DMA < 4 GiB
 * (zone_dma_bits 32), DMA32 (empty), Normal, Movable. */
void ptk_mm_params_arm64(struct ptk_mm_params *p, enum ptk_mm_kind kind, unsigned int va_bits,
			 unsigned int pa_bits, uint64_t memstart_addr);
/* arm32: SECTION_SIZE_BITS 28, MAX_PHYSMEM_BITS 36 with LPAE, 32 without
 * (arch/arm/include/asm/sparsemem.h); 32-bit flags; no NUMA; zones Normal,
 * HighMem, Movable; PAGE_OFFSET 0xc0000000 (3G/1G split) and lowmem up to
 * vmalloc_min 0xf0000000, i.e. 768 MiB above PHYS_OFFSET, as the kernel
 * works it out at boot (ptk_mm_params_for: 0x80000000 and 1792 MiB for
 * the arm32-lpae-2g format). */
void ptk_mm_params_arm32(struct ptk_mm_params *p, enum ptk_mm_kind kind, bool lpae,
			 uint64_t phys_offset);

/* The preset of a machine's format: its architecture's constants, with
 * VA size, LA57, LPAE and PHYS_OFFSET/memstart_addr taken from the format,
 * the physical width and where DRAM starts.  -EINVAL for an architecture
 * without constants. */
struct ptk_format;
int ptk_mm_params_for(struct ptk_mm_params *p, enum ptk_mm_kind kind,
		      const struct ptk_format *f, unsigned pa_bits, uint64_t dram_start,
		      struct ptk_error *err);

/* The model the architecture's defconfig selects. */
enum ptk_mm_kind ptk_mm_default_kind(const struct ptk_format *f);

/* Build the model from memblock's memory: allocate the mem_map arrays from
 * memblock and initialise every struct page (see mm_model.c). */
int ptk_mm_create(struct ptk_mm_model **out, const struct ptk_mm_params *p,
		  struct ptk_memblock *mb, struct ptk_phys *ph, struct ptk_error *err);
/* Host memory only: the reservations stay in memblock, as in the kernel. */
void ptk_mm_destroy(struct ptk_mm_model *m);
struct ptk_error *ptk_mm_error(struct ptk_mm_model *m);
const struct ptk_page_layout *ptk_mm_page_layout(const struct ptk_mm_model *m);
enum ptk_mm_kind ptk_mm_kind(const struct ptk_mm_model *m);
/* The parameters the model was built with. */
const struct ptk_mm_params *ptk_mm_params_of(const struct ptk_mm_model *m);

bool ptk_mm_pfn_valid(const struct ptk_mm_model *m, uint64_t pfn);
/* page pointer (see above) of pfn; -EINVAL unless pfn_valid */
int ptk_mm_pfn_to_page(struct ptk_mm_model *m, uint64_t pfn, uint64_t *page);
int ptk_mm_page_to_pfn(struct ptk_mm_model *m, uint64_t page, uint64_t *pfn);
/* page_to_phys(): page_to_pfn(page) << PAGE_SHIFT */
int ptk_mm_page_to_phys(struct ptk_mm_model *m, uint64_t page, uint64_t *phys);
/* Where in simulated RAM the struct page of pfn is, and its contents. */
int ptk_mm_pfn_to_page_pa(struct ptk_mm_model *m, uint64_t pfn, uint64_t *pa);
int ptk_mm_read_page(struct ptk_mm_model *m, uint64_t pfn, struct ptk_page *page);
/* The formula pfn_to_page used, with its values; snprintf semantics. */
int ptk_mm_explain_pfn_to_page(struct ptk_mm_model *m, uint64_t pfn, char *buf, size_t len);

/* FLATMEM view: mem_map, ARCH_PFN_OFFSET, max_mapnr. */
uint64_t ptk_mm_mem_map(const struct ptk_mm_model *m);
uint64_t ptk_mm_arch_pfn_offset(const struct ptk_mm_model *m);
uint64_t ptk_mm_max_mapnr(const struct ptk_mm_model *m);
/* The vmemmap base (struct page of pfn 0) for SPARSEMEM_VMEMMAP. */
uint64_t ptk_mm_vmemmap(const struct ptk_mm_model *m);

/* ---- sections (include/linux/mmzone.h, 6.1) ---- */
#define PTK_SECTION_MARKED_PRESENT	(1ull << 0)
#define PTK_SECTION_HAS_MEM_MAP		(1ull << 1)
#define PTK_SECTION_IS_ONLINE		(1ull << 2)
#define PTK_SECTION_IS_EARLY		(1ull << 3)
#define PTK_SECTION_TAINT_ZONE_DEVICE	(1ull << 4)	/* CONFIG_ZONE_DEVICE */
#define PTK_SECTION_MAP_LAST_BIT	5
#define PTK_SECTION_MAP_MASK		(~((1ull << PTK_SECTION_MAP_LAST_BIT) - 1))
/* sizeof(struct mem_section) in longs without CONFIG_PAGE_EXTENSION:
 * 16 bytes on 64-bit, 8 on 32-bit */
#define PTK_MEM_SECTION_LONGS		2u

uint64_t ptk_mm_nr_mem_sections(const struct ptk_mm_model *m);	/* NR_MEM_SECTIONS */
uint64_t ptk_mm_sections_per_root(const struct ptk_mm_model *m);
uint64_t ptk_mm_pfn_to_section_nr(const struct ptk_mm_model *m, uint64_t pfn);
uint64_t ptk_mm_section_nr_to_pfn(const struct ptk_mm_model *m, uint64_t nr);
/* The raw section_mem_map word, 0 for an absent section. */
uint64_t ptk_mm_section_mem_map(const struct ptk_mm_model *m, uint64_t nr);
bool ptk_mm_present_section_nr(const struct ptk_mm_model *m, uint64_t nr);
bool ptk_mm_valid_section_nr(const struct ptk_mm_model *m, uint64_t nr);
bool ptk_mm_online_section_nr(const struct ptk_mm_model *m, uint64_t nr);
/* Memory hotplug of one whole section (sparse models only). */
int ptk_mm_section_add(struct ptk_mm_model *m, uint64_t nr);
int ptk_mm_section_remove(struct ptk_mm_model *m, uint64_t nr);

/* Where hot-added sections' struct pages come from once a page allocator
 * owns the memory (memblock_free_all has run): alloc as vmemmap_populate()
 * allocates them; free gets them back, and also (boot_memmap true) a
 * boot-time mem_map that has just been given back to memblock, for the
 * allocator to take over (free_map_bootmem).  NULL ops: memblock again. */
struct ptk_mm_memmap_ops {
	int (*alloc)(void *ctx, uint64_t size, uint64_t align, uint64_t *pa);
	void (*free)(void *ctx, uint64_t pa, uint64_t size, bool boot_memmap);
};
void ptk_mm_set_memmap_ops(struct ptk_mm_model *m, const struct ptk_mm_memmap_ops *ops, void *ctx);

/* SPARSEMEM_VMEMMAP backing, in address order, one call per present
 * section; stops at and returns a non-zero return. */
typedef int (*ptk_mm_vmemmap_fn)(void *ctx, uint64_t va, uint64_t pa, uint64_t size);
int ptk_mm_vmemmap_for_each(const struct ptk_mm_model *m, ptk_mm_vmemmap_fn fn, void *ctx);

/* ---- nodes (pg_data_t) and accounting ---- */
struct ptk_mm_node {
	uint64_t node_start_pfn;
	uint64_t node_spanned_pages;	/* end - start, holes included */
	uint64_t node_present_pages;	/* pages that exist */
};

unsigned int ptk_mm_nr_nodes(const struct ptk_mm_model *m);
int ptk_mm_node(struct ptk_mm_model *m, unsigned int nid, struct ptk_mm_node *node);
/* page_address() of a lowmem frame: its linear-map address.  -EINVAL
 * (message kept) for a highmem frame, which has none until kmap(). */
int ptk_mm_page_address(struct ptk_mm_model *m, uint64_t pfn, uint64_t *va);
/* virt_to_pfn(): the inverse, for a page-aligned lowmem linear-map address;
 * -EINVAL otherwise. */
int ptk_mm_virt_to_pfn(struct ptk_mm_model *m, uint64_t va, uint64_t *pfn);

/* Bytes of simulated RAM the struct page arrays take. */
uint64_t ptk_mm_memmap_bytes(const struct ptk_mm_model *m);

#ifdef __cplusplus
}
#endif
#endif
