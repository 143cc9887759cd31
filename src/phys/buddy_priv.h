/* SPDX-License-Identifier: MIT */
/*
 * The zones and the buddy allocator seen from inside the library: struct
 * zone, free_area and per_cpu_pages as host structures, and the fast access
 * to the struct pages they manage in simulated RAM.  See include/ptkit/buddy.h.
 */
#ifndef PTK_PHYS_BUDDY_PRIV_H
#define PTK_PHYS_BUDDY_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <ptkit/buddy.h>
#include <ptkit/error.h>
#include <ptkit/memblock.h>
#include <ptkit/mm_model.h>
#include <ptkit/phys.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "struct pages are little-endian records read in place"
#endif

#define MAX_ORDER		PTK_MAX_ORDER
#define PAGE_ALLOC_COSTLY_ORDER	PTK_PAGE_ALLOC_COSTLY_ORDER
#define MIGRATE_UNMOVABLE	PTK_MIGRATE_UNMOVABLE
#define MIGRATE_MOVABLE		PTK_MIGRATE_MOVABLE
#define MIGRATE_RECLAIMABLE	PTK_MIGRATE_RECLAIMABLE
#define MIGRATE_PCPTYPES	PTK_MIGRATE_PCPTYPES
#define MIGRATE_HIGHATOMIC	PTK_MIGRATE_HIGHATOMIC
#define MIGRATE_ISOLATE		PTK_MIGRATE_ISOLATE
#define MIGRATE_TYPES		PTK_MIGRATE_TYPES

/* NR_PCP_LISTS (include/linux/mmzone.h, 6.1): one list per pcp type and
 * order up to PAGE_ALLOC_COSTLY_ORDER, plus one for pageblock_order when
 * THP exists (NR_PCP_THP). */
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_LISTS		(NR_LOWORDER_PCP_LISTS + 1)

/* alloc_flags (mm/internal.h, 6.1) */
#define ALLOC_WMARK_MIN		PTK_WMARK_MIN
#define ALLOC_WMARK_LOW		PTK_WMARK_LOW
#define ALLOC_WMARK_HIGH	PTK_WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04u
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08u
#define ALLOC_HARDER		0x10u
#define ALLOC_HIGH		0x20u	/* == __GFP_HIGH */
#define ALLOC_CPUSET		0x40u
#define ALLOC_CMA		0x80u
#define ALLOC_NOFRAGMENT	0x100u
#define ALLOC_KSWAPD		0x800u	/* == __GFP_KSWAPD_RECLAIM */

/* struct list_head poison (include/linux/poison.h) with x86-64's
 * CONFIG_ILLEGAL_POINTER_VALUE; 32-bit kernels have no delta. */
#define LIST_POISON1_64		0xdead000000000100ull
#define LIST_POISON2_64		0xdead000000000122ull
#define LIST_POISON1_32		0x100ull
#define LIST_POISON2_32		0x122ull

#define PFN_NONE		UINT64_MAX
#define PAGES_PER_GROUP_SHIFT	6	/* 64 struct pages: one 4 KiB page of mem_map */
#define PAGES_PER_GROUP		(1u << PAGES_PER_GROUP_SHIFT)

/* Zone kinds by name: what gfp_zone() and the watermark rules ask. */
enum zone_kind { ZK_DMA, ZK_DMA32, ZK_NORMAL, ZK_HIGHMEM, ZK_MOVABLE, ZK_NR };

/* A list of free pages: its first and last pfn; the links between are in
 * the struct pages' lru words.  head_page caches the host address of the
 * first entry's struct page (NULL when empty): the pcp lists push and pop
 * there on every small allocation and free, and the lookup from pfn would
 * otherwise be most of the work. */
struct plist {
	uint64_t head, tail;
	uint8_t *head_page;
};

struct free_area {
	struct plist free_list[MIGRATE_TYPES];
	uint64_t nr_free;
	uint64_t nr_mt[MIGRATE_TYPES];	/* list lengths (the kernel counts them by walking) */
};

struct per_cpu_pages {
	int count;		/* pages on the lists */
	int high, batch;
	uint8_t free_factor;	/* batch scaling of nr_pcp_free() */
	struct plist lists[NR_PCP_LISTS];
};

struct zone {
	const char *name;
	unsigned int idx;
	enum zone_kind kind;	/* ZK_NR for a zone without a rule of its own */
	uint64_t zone_start_pfn, spanned_pages, present_pages, managed_pages;
	uint64_t watermark[PTK_NR_WMARK];
	uint64_t lowmem_reserve[PTK_MM_MAX_ZONES];
	uint64_t nr_reserved_highatomic;
	uint64_t nr_isolate_pageblock;
	int64_t nr_free_pages;	/* NR_FREE_PAGES */
	uint64_t nr_allocated;	/* pages handed out, for the checker */
	uint64_t pgalloc;
	struct free_area free_area[MAX_ORDER];
	struct per_cpu_pages pcp;
};

/*
 * Host bookkeeping per memory section (SECTION_SIZE_BITS of the model; FLATMEM
 * is cut the same way): where its struct pages are in the host, the
 * pageblock migratetypes (the kernel's usemap) and, per page, the order + 1
 * of an allocation that starts there (0 otherwise), which is how bad frees
 * are told from good ones.
 */
struct bsec {
	uint64_t ptr_base;	/* page pointer of pfn 0 through this section */
	uint8_t *mt;		/* [pageblocks per section] */
	uint8_t *ord;		/* [pages per section] */
	uint8_t *host[];	/* [pages per section / 64], NULL: use the slow path */
};

struct ptk_buddy {
	struct ptk_mm_model *mm;
	struct ptk_memblock *mb;
	struct ptk_phys *ph;
	const struct ptk_page_layout *layout;
	enum ptk_mm_kind kind;
	struct ptk_error err;

	unsigned int pageblock_order;
	uint64_t pageblock_nr_pages;
	bool pcp_thp;		/* CONFIG_TRANSPARENT_HUGEPAGE: a pcp list for pageblock_order */
	bool mobility_disabled;	/* page_group_by_mobility_disabled */
	int8_t gfp_zone_table[16];	/* GFP_ZONE_TABLE: zone per zone bits, -1 bad */
	uint64_t poison1, poison2;
	uint64_t zoneid_mask;	/* page->flags bits of page_zone_id() */
	unsigned int zones_pgoff;	/* page->flags: ZONES_PGOFF, */
	uint64_t zones_mask;		/* and ZONES_MASK (0 when no zone bits) */
	uint64_t flat_ptr_base;	/* FLATMEM / VMEMMAP: page pointer of pfn 0 */

	unsigned int sec_shift;	/* pfn bits per section */
	uint64_t sec_mask;	/* pfn bits inside a section: (1 << sec_shift) - 1 */
	uint64_t nr_secs;
	struct bsec **sec;

	unsigned int nr_zones;
	int zone_of_kind[ZK_NR];	/* index, -1 when the arch has no such zone */
	/* The zonelist's first zone for each highest_zoneidx
	 * (first_zones_zonelist, preferred_zoneref): the highest zone at or
	 * below it that has managed pages, -1 if none; build_all_zonelists()
	 * redoes it when a zone gains its first or loses its last page. */
	int8_t preferred_zone[PTK_MM_MAX_ZONES];
	struct zone zones[PTK_MM_MAX_ZONES];

	uint64_t min_free_kbytes;
	uint64_t totalreserve_pages;
	uint64_t nr_page_table_pages;
	uint64_t pgfree, pgalloc_fail;
	uint64_t sections_added, sections_removed;
};

/* ---- struct page fields, in place ---- */

static inline uint64_t pg_get64(const uint8_t *p, unsigned int off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

static inline void pg_set64(uint8_t *p, unsigned int off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static inline uint32_t pg_get32(const uint8_t *p, unsigned int off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static inline void pg_set32(uint8_t *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

#define PG_FLAGS(p)		pg_get64(p, PTK_PAGE_OFF_FLAGS)
#define PG_TYPE(p)		pg_get32(p, PTK_PAGE_OFF_MAPCOUNT)
#define PG_REFCOUNT(p)		((int32_t)pg_get32(p, PTK_PAGE_OFF_REFCOUNT))

static inline bool page_type_has(const uint8_t *p, uint32_t type)
{
	return (PG_TYPE(p) & (PTK_PAGE_TYPE_BASE | type)) == PTK_PAGE_TYPE_BASE;
}

static inline bool PageBuddy(const uint8_t *p) { return page_type_has(p, PTK_PG_buddy); }
static inline bool PageTable(const uint8_t *p) { return page_type_has(p, PTK_PG_table); }
static inline bool PageReserved(const uint8_t *p)
{
	return (PG_FLAGS(p) >> PTK_PG_reserved) & 1;
}

static inline void page_type_set(uint8_t *p, uint32_t type) { pg_set32(p, PTK_PAGE_OFF_MAPCOUNT, PG_TYPE(p) & ~type); }
static inline void page_type_clear(uint8_t *p, uint32_t type) { pg_set32(p, PTK_PAGE_OFF_MAPCOUNT, PG_TYPE(p) | type); }

/* page_zonenum() from the flags word of a struct page. */
static inline unsigned int flags_zonenum(const struct ptk_buddy *b, uint64_t flags)
{
	return (unsigned int)((flags >> b->zones_pgoff) & b->zones_mask);
}

static inline unsigned int buddy_order(const uint8_t *p)
{
	return (unsigned int)pg_get64(p, PTK_PAGE_OFF_PRIVATE);
}

/* ---- pfn -> struct page ---- */

uint8_t *buddy_page_slow(struct ptk_buddy *b, uint64_t pfn);

static inline struct bsec *pfn_bsec(const struct ptk_buddy *b, uint64_t pfn)
{
	uint64_t nr = pfn >> b->sec_shift;

	return nr < b->nr_secs ? b->sec[nr] : NULL;
}

/* The host address of pfn's struct page in its section s, NULL if it has none. */
static inline uint8_t *bsec_page(struct ptk_buddy *b, const struct bsec *s, uint64_t pfn)
{
	uint8_t *g = s->host[(pfn & b->sec_mask) >> PAGES_PER_GROUP_SHIFT];

	if (__builtin_expect(g != NULL, 1))
		return g + (pfn & (PAGES_PER_GROUP - 1)) * PTK_STRUCT_PAGE_SIZE;
	return buddy_page_slow(b, pfn);
}

/* The host address of pfn's struct page, NULL if it has none. */
static inline uint8_t *pfn_to_page(struct ptk_buddy *b, uint64_t pfn)
{
	struct bsec *s = pfn_bsec(b, pfn);

	if (__builtin_expect(!s, 0))
		return NULL;
	return bsec_page(b, s, pfn);
}

/* The kernel's struct page * of pfn (what lru links hold, minus the lru offset). */
static inline uint64_t pfn_to_ptr(const struct ptk_buddy *b, uint64_t pfn)
{
	if (__builtin_expect(b->kind != PTK_MM_SPARSEMEM, 1))
		return b->flat_ptr_base + pfn * PTK_STRUCT_PAGE_SIZE;
	return pfn_bsec(b, pfn)->ptr_base + pfn * PTK_STRUCT_PAGE_SIZE;
}

uint64_t buddy_ptr_to_pfn_sparse(struct ptk_buddy *b, uint64_t ptr);

static inline uint64_t ptr_to_pfn(struct ptk_buddy *b, uint64_t ptr)
{
	if (__builtin_expect(b->kind != PTK_MM_SPARSEMEM, 1))
		return (ptr - b->flat_ptr_base) / PTK_STRUCT_PAGE_SIZE;
	return buddy_ptr_to_pfn_sparse(b, ptr);
}

static inline uint8_t *bsec_ord(const struct ptk_buddy *b, const struct bsec *s, uint64_t pfn)
{
	return &s->ord[pfn & b->sec_mask];
}

static inline uint8_t *pfn_ord(const struct ptk_buddy *b, uint64_t pfn)
{
	return bsec_ord(b, pfn_bsec(b, pfn), pfn);
}

/* ---- lists through page->lru ---- */

/* &page->lru of a pfn that has a struct page; link_of() also takes PFN_NONE. */
static inline uint64_t lru_link(const struct ptk_buddy *b, uint64_t pfn)
{
	return pfn_to_ptr(b, pfn) + PTK_PAGE_OFF_LRU_NEXT;
}

static inline uint64_t link_of(const struct ptk_buddy *b, uint64_t pfn)
{
	return pfn == PFN_NONE ? 0 : lru_link(b, pfn);
}

static inline uint64_t pfn_of_link(struct ptk_buddy *b, uint64_t link)
{
	return link ? ptr_to_pfn(b, link - PTK_PAGE_OFF_LRU_NEXT) : PFN_NONE;
}

static inline void plist_init(struct plist *l)
{
	l->head = l->tail = PFN_NONE;
	l->head_page = NULL;
}

static inline bool plist_empty(const struct plist *l)
{
	return l->head == PFN_NONE;
}

static inline void plist_add(struct ptk_buddy *b, struct plist *l, uint64_t pfn, uint8_t *page)
{
	pg_set64(page, PTK_PAGE_OFF_LRU_NEXT, link_of(b, l->head));
	pg_set64(page, PTK_PAGE_OFF_LRU_PREV, 0);
	if (l->head != PFN_NONE)
		pg_set64(l->head_page, PTK_PAGE_OFF_LRU_PREV, lru_link(b, pfn));
	else
		l->tail = pfn;
	l->head = pfn;
	l->head_page = page;
}

static inline void plist_add_tail(struct ptk_buddy *b, struct plist *l, uint64_t pfn, uint8_t *page)
{
	pg_set64(page, PTK_PAGE_OFF_LRU_NEXT, 0);
	pg_set64(page, PTK_PAGE_OFF_LRU_PREV, link_of(b, l->tail));
	if (l->tail != PFN_NONE) {
		pg_set64(pfn_to_page(b, l->tail), PTK_PAGE_OFF_LRU_NEXT, lru_link(b, pfn));
	} else {
		l->head = pfn;
		l->head_page = page;
	}
	l->tail = pfn;
}

static inline void plist_poison(const struct ptk_buddy *b, uint8_t *page)
{
	pg_set64(page, PTK_PAGE_OFF_LRU_NEXT, b->poison1);
	pg_set64(page, PTK_PAGE_OFF_LRU_PREV, b->poison2);
}

/* list_del(): unlink and poison, as the kernel leaves a removed entry. */
static inline void plist_del(struct ptk_buddy *b, struct plist *l, uint64_t pfn, uint8_t *page)
{
	uint64_t next = pfn_of_link(b, pg_get64(page, PTK_PAGE_OFF_LRU_NEXT));
	uint64_t prev = pfn_of_link(b, pg_get64(page, PTK_PAGE_OFF_LRU_PREV));
	uint8_t *next_page = next == PFN_NONE ? NULL : pfn_to_page(b, next);

	(void)pfn;	/* the links say where it is */
	if (prev == PFN_NONE) {
		l->head = next;
		l->head_page = next_page;
	} else {
		pg_set64(pfn_to_page(b, prev), PTK_PAGE_OFF_LRU_NEXT, link_of(b, next));
	}
	if (next == PFN_NONE)
		l->tail = prev;
	else
		pg_set64(next_page, PTK_PAGE_OFF_LRU_PREV, link_of(b, prev));
	plist_poison(b, page);
}

/* list_del() of the first entry of a list that is not empty (list_first_entry
 * + list_del, as the pcp lists and __rmqueue_smallest take pages): there is
 * no previous entry to relink.  Returns the entry's struct page. */
static inline uint8_t *plist_del_first(struct ptk_buddy *b, struct plist *l)
{
	uint8_t *page = l->head_page;
	uint64_t next = pfn_of_link(b, pg_get64(page, PTK_PAGE_OFF_LRU_NEXT));

	l->head = next;
	if (next == PFN_NONE) {
		l->tail = PFN_NONE;
		l->head_page = NULL;
	} else {
		l->head_page = pfn_to_page(b, next);
		pg_set64(l->head_page, PTK_PAGE_OFF_LRU_PREV, 0);
	}
	plist_poison(b, page);
	return page;
}

/* ---- pageblocks (include/linux/pageblock-flags.h) ---- */

static inline uint8_t *bsec_pageblock_mt(const struct ptk_buddy *b, const struct bsec *s,
					 uint64_t pfn)
{
	return &s->mt[(pfn & b->sec_mask) >> b->pageblock_order];
}

static inline uint8_t *pageblock_mt(const struct ptk_buddy *b, uint64_t pfn)
{
	return bsec_pageblock_mt(b, pfn_bsec(b, pfn), pfn);
}

static inline int get_pageblock_migratetype(const struct ptk_buddy *b, uint64_t pfn)
{
	return *pageblock_mt(b, pfn);
}

static inline void set_pageblock_migratetype(struct ptk_buddy *b, uint64_t pfn, int mt)
{
	*pageblock_mt(b, pfn) = (uint8_t)mt;
}

static inline uint64_t pageblock_start_pfn(const struct ptk_buddy *b, uint64_t pfn)
{
	return pfn & ~(b->pageblock_nr_pages - 1);
}

static inline bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

static inline bool zone_spans_pfn(const struct zone *z, uint64_t pfn)
{
	return pfn - z->zone_start_pfn < z->spanned_pages;
}

static inline uint64_t zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool is_migrate_isolate(int mt) { return mt == MIGRATE_ISOLATE; }

/* ---- buddy.c: the free lists ---- */
void add_to_free_list(struct ptk_buddy *b, struct zone *z, uint64_t pfn, uint8_t *page,
		      unsigned int order, int mt, bool tail);
void move_to_free_list(struct ptk_buddy *b, struct zone *z, uint64_t pfn, uint8_t *page,
		       unsigned int order, int mt);
void del_page_from_free_list(struct ptk_buddy *b, struct zone *z, uint64_t pfn, uint8_t *page,
			     unsigned int order, int mt);
void __free_one_page(struct ptk_buddy *b, uint64_t pfn, struct zone *z, unsigned int order,
		     int mt, bool to_tail);
uint64_t __rmqueue_smallest(struct ptk_buddy *b, struct zone *z, unsigned int order, int mt);
uint64_t __rmqueue(struct ptk_buddy *b, struct zone *z, unsigned int order, int mt,
		   unsigned int alloc_flags);
uint64_t move_freepages_block(struct ptk_buddy *b, struct zone *z, uint64_t pfn, int mt,
			      uint64_t *num_movable);
void __mod_zone_freepage_state(struct zone *z, int64_t nr, int mt);

/* ---- buddy_fallback.c ---- */
bool __rmqueue_fallback(struct ptk_buddy *b, struct zone *z, unsigned int order, int start_mt,
			unsigned int alloc_flags);
void reserve_highatomic_pageblock(struct ptk_buddy *b, uint64_t pfn, struct zone *z);
bool unreserve_highatomic_pageblock(struct ptk_buddy *b, int highest_zoneidx, int mt, bool force);

/* ---- pcp.c ---- */
/* pcp_allowed_order(): up to PAGE_ALLOC_COSTLY_ORDER, and THP's order. */
static inline bool pcp_allowed_order(const struct ptk_buddy *b, unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || (b->pcp_thp && order == b->pageblock_order);
}

/* order_to_pindex(): one list per (order, pcp type); THP's order shares one. */
static inline unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS;
	return MIGRATE_PCPTYPES * order + (unsigned int)mt;
}

int rmqueue_bulk(struct ptk_buddy *b, struct zone *z, unsigned int order, int count,
		 struct plist *list, int mt, unsigned int alloc_flags);
void free_pcppages_bulk(struct ptk_buddy *b, struct zone *z, int count, int pindex);
int nr_pcp_free(struct per_cpu_pages *pcp, int high, int batch, bool free_high);
void drain_zone_pages(struct ptk_buddy *b, struct zone *z);
unsigned int pindex_to_order(const struct ptk_buddy *b, unsigned int pindex);
unsigned int pcp_nr_lists(const struct ptk_buddy *b);

/*
 * __rmqueue_pcplist(): the first page of the list, refilled from the buddy
 * lists in a batch (scaled down by order) when empty.  Inline: this is
 * most of every small allocation; the refill is the rare, out-of-line part.
 * *pagep is the page's struct page, so the caller need not look it up again.
 */
static inline uint64_t __rmqueue_pcplist(struct ptk_buddy *b, struct zone *z, unsigned int order,
					 int mt, unsigned int alloc_flags, struct plist *list,
					 uint8_t **pagep)
{
	struct per_cpu_pages *pcp = &z->pcp;
	uint64_t pfn;
	uint8_t *page;

	if (__builtin_expect(plist_empty(list), 0)) {
		int batch = pcp->batch;

		/* scale the batch by order when the lists may hold pages */
		if (batch > 1)
			batch = (batch >> order) > 2 ? batch >> order : 2;
		pcp->count += rmqueue_bulk(b, z, order, batch, list, mt, alloc_flags) << order;
		if (plist_empty(list))
			return PFN_NONE;
	}
	pfn = list->head;
	page = plist_del_first(b, list);
	pcp->count -= 1 << order;
	*pagep = page;
	return pfn;
}

/* rmqueue_pcplist(): an allocation lowers the next trim's batch. */
static inline uint64_t rmqueue_pcplist(struct ptk_buddy *b, struct zone *z, unsigned int order,
				       int mt, unsigned int alloc_flags, uint8_t **pagep)
{
	struct per_cpu_pages *pcp = &z->pcp;

	pcp->free_factor >>= 1;
	return __rmqueue_pcplist(b, z, order, mt, alloc_flags,
				 &pcp->lists[order_to_pindex(mt, order)], pagep);
}

/* nr_pcp_high(): no reclaim is ever active, so just high (0 when trimming
 * high-order pages freed without allocations in between). */
static inline int nr_pcp_high(const struct per_cpu_pages *pcp, bool free_high)
{
	return free_high ? 0 : pcp->high;
}

/* free_unref_page_commit(): onto the list's head (hot), then trim the
 * lists in a batch once they reach high. */
static inline void free_unref_page_commit(struct ptk_buddy *b, struct zone *z, uint64_t pfn,
					  uint8_t *page, int mt, unsigned int order)
{
	struct per_cpu_pages *pcp = &z->pcp;
	unsigned int pindex = order_to_pindex(mt, order);
	bool free_high;
	int high;

	plist_add(b, &pcp->lists[pindex], pfn, page);
	pcp->count += 1 << order;
	free_high = pcp->free_factor && order && order <= PAGE_ALLOC_COSTLY_ORDER;
	high = nr_pcp_high(pcp, free_high);
	if (__builtin_expect(pcp->count >= high, 0))
		free_pcppages_bulk(b, z, nr_pcp_free(pcp, high, pcp->batch, free_high),
				   (int)pindex);
}

/*
 * free_unref_page(): to the pcp list of the pageblock's type (mt, as
 * free_unref_page_prepare() read it); highatomic pages go on the movable
 * list (keeping their type in index), isolated ones straight to the buddy
 * lists.
 */
static inline void free_unref_page(struct ptk_buddy *b, struct zone *z, uint64_t pfn,
				   uint8_t *page, unsigned int order, int mt)
{
	pg_set64(page, PTK_PAGE_OFF_INDEX, (uint64_t)mt);	/* set_pcppage_migratetype() */
	if (__builtin_expect(mt >= MIGRATE_PCPTYPES, 0)) {
		if (is_migrate_isolate(mt)) {
			__free_one_page(b, pfn, z, order, mt, false);
			return;
		}
		mt = MIGRATE_MOVABLE;
	}
	free_unref_page_commit(b, z, pfn, page, mt, order);
}

/* ---- zone_wmark.c ---- */
void init_per_zone_wmark_min(struct ptk_buddy *b);
void zone_pcp_update(struct ptk_buddy *b, struct zone *z);

/* ---- zone.c ---- */
int buddy_zones_init(struct ptk_buddy *b);
void build_all_zonelists(struct ptk_buddy *b);

/* adjust_managed_page_count(): a zone that starts or stops having
 * managed pages joins or leaves the zonelists. */
static inline void adjust_managed_page_count(struct ptk_buddy *b, struct zone *z, int64_t nr)
{
	bool had = z->managed_pages != 0;

	z->managed_pages += (uint64_t)nr;
	if (had != (z->managed_pages != 0))
		build_all_zonelists(b);
}

struct zone *buddy_pfn_zone(struct ptk_buddy *b, uint64_t pfn);
bool populated_zone(const struct zone *z);

/* ---- gfp.c ---- */
#define GFP_ZONEMASK	(PTK___GFP_DMA | PTK___GFP_HIGHMEM | PTK___GFP_DMA32 | PTK___GFP_MOVABLE)
#define GFP_MOVABLE_MASK (PTK___GFP_RECLAIMABLE | PTK___GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

void gfp_zone_table_init(struct ptk_buddy *b);

/* gfp_zone(): the highest zone the flags allow, -EINVAL for GFP_ZONE_BAD. */
static inline int gfp_zone(const struct ptk_buddy *b, uint32_t gfp)
{
	int z = b->gfp_zone_table[gfp & GFP_ZONEMASK];

	return z < 0 ? -EINVAL : z;
}

/* gfp_migratetype(): __GFP_MOVABLE and __GFP_RECLAIMABLE are the type's
 * bits; both at once is a caller's bug (the kernel warns). */
static inline int gfp_migratetype(const struct ptk_buddy *b, uint32_t gfp)
{
	if (__builtin_expect((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK, 0))
		return -EINVAL;
	if (b->mobility_disabled)
		return MIGRATE_UNMOVABLE;
	return (int)((gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

/* ---- page_alloc.c ---- */
void __free_pages_core(struct ptk_buddy *b, struct zone *z, uint64_t pfn, unsigned int order);
void buddy_mark_table(struct ptk_buddy *b, uint64_t pfn, unsigned int order, bool table);

/* ---- buddy_hotplug.c ---- */
extern const struct ptk_mm_memmap_ops buddy_memmap_ops;

/* ---- buddy_create.c: host bookkeeping of sections ---- */
int buddy_sec_add(struct ptk_buddy *b, uint64_t nr);
void buddy_sec_remove(struct ptk_buddy *b, uint64_t nr);
void buddy_memmap_init_range(struct ptk_buddy *b, struct zone *z, uint64_t start, uint64_t end);
void buddy_free_range(struct ptk_buddy *b, uint64_t pfn, uint64_t end);

#endif
