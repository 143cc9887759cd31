/* SPDX-License-Identifier: MIT */
/*
 * Zones and the buddy allocator of Linux 6.1 (mm/page_alloc.c), over the
 * struct page arrays of a memory model in simulated RAM.
 *
 * One node, one CPU.  The allocator's state lives where the kernel keeps
 * it: each free block's first struct page carries PG_buddy in page_type,
 * its order in private, its free-list links in lru and the migratetype of
 * the list it is on in index; a page on the per-CPU list carries its
 * migratetype in index (set_pcppage_migratetype).  The list heads, the
 * pageblock migratetype bitmap and the counters are host memory (the
 * kernel's struct zone is not modelled in simulated RAM); a list end's link
 * reads as 0.
 *
 * Not modelled: reclaim, compaction and kswapd (an allocation below the
 * min watermark fails; watermark boosting never happens), CMA, compound
 * pages (__GFP_COMP is accepted and ignored), memory cgroups, NUMA
 * zonelists across nodes.
 *
 * Every call that can fail returns 0 or a negative errno, leaves the
 * allocator unchanged and keeps the message in ptk_buddy_error().
 */
#ifndef PTKIT_BUDDY_H
#define PTKIT_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ptkit/mm_model.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_buddy;
struct ptk_memblock;
struct ptk_phys;
struct ptk_error;

/* MAX_ORDER in 6.1 is the number of orders: blocks of 2^0 .. 2^10 pages. */
#define PTK_MAX_ORDER			11
#define PTK_PAGE_ALLOC_COSTLY_ORDER	3

/* enum migratetype (include/linux/mmzone.h, 6.1, without CONFIG_CMA, with
 * CONFIG_MEMORY_ISOLATION): the order /proc/pagetypeinfo prints. */
enum ptk_migratetype {
	PTK_MIGRATE_UNMOVABLE,
	PTK_MIGRATE_MOVABLE,
	PTK_MIGRATE_RECLAIMABLE,
	PTK_MIGRATE_PCPTYPES,
	PTK_MIGRATE_HIGHATOMIC = PTK_MIGRATE_PCPTYPES,
	PTK_MIGRATE_ISOLATE,
	PTK_MIGRATE_TYPES
};
/* migratetype_names[]: "Unmovable", "Movable", ... */
const char *ptk_migratetype_name(enum ptk_migratetype mt);

/* gfp_t bits (include/linux/gfp_types.h, 6.1, without KASAN/lockdep). */
#define PTK___GFP_DMA			0x01u
#define PTK___GFP_HIGHMEM		0x02u
#define PTK___GFP_DMA32			0x04u
#define PTK___GFP_MOVABLE		0x08u
#define PTK___GFP_RECLAIMABLE		0x10u
#define PTK___GFP_HIGH			0x20u
#define PTK___GFP_IO			0x40u
#define PTK___GFP_FS			0x80u
#define PTK___GFP_ZERO			0x100u
#define PTK___GFP_ATOMIC		0x200u
#define PTK___GFP_DIRECT_RECLAIM	0x400u
#define PTK___GFP_KSWAPD_RECLAIM	0x800u
#define PTK___GFP_WRITE			0x1000u
#define PTK___GFP_NOWARN		0x2000u
#define PTK___GFP_RETRY_MAYFAIL		0x4000u
#define PTK___GFP_NOFAIL		0x8000u
#define PTK___GFP_NORETRY		0x10000u
#define PTK___GFP_MEMALLOC		0x20000u
#define PTK___GFP_COMP			0x40000u
#define PTK___GFP_NOMEMALLOC		0x80000u
#define PTK___GFP_HARDWALL		0x100000u
#define PTK___GFP_THISNODE		0x200000u
#define PTK___GFP_ACCOUNT		0x400000u
#define PTK___GFP_ZEROTAGS		0x800000u

#define PTK___GFP_RECLAIM	(PTK___GFP_DIRECT_RECLAIM | PTK___GFP_KSWAPD_RECLAIM)
#define PTK_GFP_ATOMIC		(PTK___GFP_HIGH | PTK___GFP_ATOMIC | PTK___GFP_KSWAPD_RECLAIM)
#define PTK_GFP_NOWAIT		(PTK___GFP_KSWAPD_RECLAIM)
#define PTK_GFP_KERNEL		(PTK___GFP_RECLAIM | PTK___GFP_IO | PTK___GFP_FS)
#define PTK_GFP_KERNEL_ACCOUNT	(PTK_GFP_KERNEL | PTK___GFP_ACCOUNT)
#define PTK_GFP_USER		(PTK_GFP_KERNEL | PTK___GFP_HARDWALL)
#define PTK_GFP_DMA		(PTK___GFP_DMA)
#define PTK_GFP_DMA32		(PTK___GFP_DMA32)
#define PTK_GFP_HIGHUSER	(PTK_GFP_USER | PTK___GFP_HIGHMEM)
#define PTK_GFP_HIGHUSER_MOVABLE (PTK_GFP_HIGHUSER | PTK___GFP_MOVABLE)
/* GFP_PGTABLE_KERNEL / GFP_PGTABLE_USER (asm-generic/pgalloc.h) */
#define PTK_GFP_PGTABLE_KERNEL	(PTK_GFP_KERNEL | PTK___GFP_ZERO)
#define PTK_GFP_PGTABLE_USER	(PTK_GFP_PGTABLE_KERNEL | PTK___GFP_ACCOUNT)

/* Parse "GFP_KERNEL", "GFP_USER|__GFP_ZERO", "0xcc0" (names as the
 * kernel's %pGg prints them); -EINVAL with the bad word in err. */
int ptk_gfp_parse(const char *s, uint32_t *gfp, struct ptk_error *err);
/* Format as %pGg does: "GFP_KERNEL|__GFP_ZERO"; snprintf semantics. */
int ptk_gfp_format(uint32_t gfp, char *buf, size_t len);

/* enum zone_watermarks */
enum ptk_wmark { PTK_WMARK_MIN, PTK_WMARK_LOW, PTK_WMARK_HIGH, PTK_NR_WMARK };

/* ---- set-up ---- */

/*
 * free_area_init() and memblock_free_all(): build the zones of node 0 from
 * the model's zone limits and memblock's memory, initialise every struct
 * page (set_page_links, PG_reserved for memblock's reservations, pageblocks
 * MIGRATE_MOVABLE as memmap_init_range does), derive min_free_kbytes and the
 * watermarks (init_per_zone_wmark_min), size the per-CPU lists, then hand
 * every free range to the buddy lists in the largest naturally aligned
 * blocks (__free_pages_memory).  memblock is left as the kernel leaves it
 * (its reserved list still describes the reserved pages).
 */
int ptk_buddy_create(struct ptk_buddy **out, struct ptk_mm_model *mm,
		     struct ptk_memblock *mb, struct ptk_phys *ph, struct ptk_error *err);
void ptk_buddy_destroy(struct ptk_buddy *b);
struct ptk_error *ptk_buddy_error(struct ptk_buddy *b);

/* ---- allocation ---- */

/* alloc_pages(gfp, order): the first pfn of 2^order pages; -ENOMEM when no
 * zone the gfp allows has the block above its watermark, -EINVAL for an
 * order >= MAX_ORDER or contradictory zone bits. */
int ptk_alloc_pages(struct ptk_buddy *b, uint32_t gfp, unsigned int order, uint64_t *pfn);
/* __free_pages(page, order).  -EINVAL (nothing changed) when pfn is not an
 * allocated block of that order: a double free, a free of a reserved or
 * free page, a wrong order, a pfn outside every zone. */
int ptk_free_pages(struct ptk_buddy *b, uint64_t pfn, unsigned int order);
/* __get_free_pages(gfp, order): page_address() of the block, its address
 * in the linear map (PAGE_OFFSET + pa - PHYS_OFFSET, see mm_model.h);
 * -EINVAL for __GFP_HIGHMEM.  free_pages(addr, order) is its inverse. */
int ptk_get_free_pages(struct ptk_buddy *b, uint32_t gfp, unsigned int order, uint64_t *addr);
int ptk_free_pages_addr(struct ptk_buddy *b, uint64_t addr, unsigned int order);
/* free_reserved_page(): give a PG_reserved page (e.g. an early page table
 * from memblock) to the buddy allocator; -EINVAL if not reserved. */
int ptk_free_reserved_page(struct ptk_buddy *b, uint64_t pfn);
/* drain_all_pages(): the per-CPU lists back to the buddy lists. */
void ptk_drain_all_pages(struct ptk_buddy *b);

/* __SetPageTable/__ClearPageTable with the NR_PAGETABLE count, as
 * pgtable_pte_page_ctor/dtor do; -EINVAL unless allocated (and, for clear,
 * a page table). */
int ptk_buddy_set_page_table(struct ptk_buddy *b, uint64_t pfn, bool table);

/* ---- memory hotplug of one section (sparse models) ---- */

/* online_pages(): add the section (ptk_mm_section_add) and free its pages
 * into the zone that covers it (ZONE_NORMAL when none does, spans grown). */
int ptk_buddy_online_section(struct ptk_buddy *b, uint64_t section_nr);
/* offline_pages(): isolate the section's pageblocks (MIGRATE_ISOLATE), take
 * its free pages off the lists and remove it; -EBUSY, nothing changed, if
 * any page in it is allocated (nothing is migrated). */
int ptk_buddy_offline_section(struct ptk_buddy *b, uint64_t section_nr);

/* ---- what the /proc views read ---- */

struct ptk_zone_info {
	const char *name;		/* "DMA", "DMA32", "Normal", "HighMem", "Movable" */
	unsigned int nid;
	bool populated;			/* populated_zone(): present pages */
	bool highmem;
	uint64_t zone_start_pfn;
	uint64_t spanned_pages, present_pages, managed_pages;
	uint64_t watermark[PTK_NR_WMARK];	/* _watermark[] */
	uint64_t watermark_boost;
	uint64_t lowmem_reserve[PTK_MM_MAX_ZONES];	/* "protection:" */
	unsigned int nr_zones;		/* entries of lowmem_reserve in use */
	uint64_t nr_free_pages;		/* NR_FREE_PAGES: buddy lists only */
	uint64_t nr_free[PTK_MAX_ORDER];			/* free_area[o].nr_free */
	uint64_t nr_free_mt[PTK_MAX_ORDER][PTK_MIGRATE_TYPES];	/* list lengths */
	uint64_t nr_blocks[PTK_MIGRATE_TYPES];	/* pageblocks per type */
	/* per_cpu_pages of cpu 0 */
	uint64_t pcp_count, pcp_high, pcp_batch;
	/* vm events of this zone: pgalloc_<zone> */
	uint64_t pgalloc;
};

struct ptk_buddy_stats {
	uint64_t min_free_kbytes;
	unsigned int pageblock_order;
	uint64_t totalram_pages;	/* sum of managed pages */
	uint64_t totalreserve_pages;	/* calculate_totalreserve_pages() */
	uint64_t totalhigh_pages;
	uint64_t nr_free_pages;		/* all zones, NR_FREE_PAGES */
	uint64_t nr_page_table_pages;	/* NR_PAGETABLE (node stat) */
	uint64_t nr_allocated_pages;	/* pages handed out and not freed */
	/* vm events (include/linux/vm_event_item.h) */
	uint64_t pgfree;		/* pages freed */
	uint64_t pgalloc_fail;		/* allocations that failed (not a kernel counter) */
	/* memory hotplug */
	uint64_t nr_online_sections_added, nr_sections_removed;
};

unsigned int ptk_buddy_nr_zones(const struct ptk_buddy *b);	/* MAX_NR_ZONES */
int ptk_buddy_zone_info(const struct ptk_buddy *b, unsigned int zone, struct ptk_zone_info *zi);
void ptk_buddy_stats(const struct ptk_buddy *b, struct ptk_buddy_stats *st);
/* The migratetype of the pageblock holding pfn (get_pageblock_migratetype). */
int ptk_buddy_pageblock_migratetype(const struct ptk_buddy *b, uint64_t pfn,
				    enum ptk_migratetype *mt);

/*
 * Consistency check for tests: walks every free list and pcp list and every
 * struct page of every zone; checks PG_buddy/order/list agreement, that no
 * two free blocks overlap or are mergeable buddies left unmerged, that the
 * counters match the lists, and pageblock migratetypes.  0 or -EIO with
 * the first inconsistency in err.
 */
int ptk_buddy_check(struct ptk_buddy *b);

#ifdef __cplusplus
}
#endif
#endif
