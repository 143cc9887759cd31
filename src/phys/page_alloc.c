// SPDX-License-Identifier: MIT
/*
 * alloc_pages() and __free_pages() of Linux 6.1 (mm/page_alloc.c): the
 * zonelist walk with watermark checks (get_page_from_freelist,
 * zone_watermark_fast, __zone_watermark_ok), the slow path's lower
 * watermark for atomic and __GFP_HIGH callers, prep_new_page, and the
 * frees (free_the_page, __free_pages_ok, __free_pages_core,
 * free_reserved_page).  Reclaim and compaction are not modelled: an
 * allocation that fails at the min watermark fails with -ENOMEM.
 */
#include <inttypes.h>

#include "phys/buddy_priv.h"

struct alloc_context {
	int highest_zoneidx;
	int migratetype;
	struct zone *preferred;
};

/* PAGE_FLAGS_CHECK_AT_PREP: every page flag, cleared when a page is freed. */
#define PAGE_FLAGS_CHECK_AT_PREP	((1ull << PTK_NR_PAGEFLAGS) - 1)
#define PFMEMALLOC_LRU_NEXT		2ull	/* set_page_pfmemalloc(): BIT(1) in lru.next */

/* __zone_watermark_unusable_free(): the tail of the block beyond its
 * first page, and the highatomic reserve for callers not allowed it. */
static inline int64_t __zone_watermark_unusable_free(const struct zone *z, unsigned int order,
						     unsigned int alloc_flags)
{
	int64_t unusable = ((int64_t)1 << order) - 1;

	if (!(alloc_flags & (ALLOC_HARDER | ALLOC_OOM)))
		unusable += (int64_t)z->nr_reserved_highatomic;
	return unusable;
}

/* __zone_watermark_ok(): free pages above the mark (halved for
 * ALLOC_HIGH, cut by a quarter more for ALLOC_HARDER) plus the reserve
 * kept against this request's highest zone, and for order > 0 a free
 * block of that order on a list the caller may use.  Out of line, as in
 * the kernel: inlined, its free-list scan bloats the zonelist walk. */
static __attribute__((noinline)) bool __zone_watermark_ok(const struct zone *z,
							  unsigned int order, uint64_t mark,
							  int highest_zoneidx,
							  unsigned int alloc_flags,
							  int64_t free_pages)
{
	int64_t min = (int64_t)mark;
	bool alloc_harder = alloc_flags & (ALLOC_HARDER | ALLOC_OOM);

	free_pages -= __zone_watermark_unusable_free(z, order, alloc_flags);
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_harder)
		min -= (alloc_flags & ALLOC_OOM) ? min / 2 : min / 4;
	if (free_pages <= min + (int64_t)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		const struct free_area *area = &z->free_area[o];

		if (!area->nr_free)
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!plist_empty(&area->free_list[mt]))
				return true;
		if (alloc_harder && !plist_empty(&area->free_list[MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

/* zone_watermark_fast(): the order-0 shortcut first (no boosting). */
static inline bool zone_watermark_fast(const struct zone *z, unsigned int order, uint64_t mark,
				       int highest_zoneidx, unsigned int alloc_flags)
{
	int64_t free_pages = z->nr_free_pages;

	if (!order) {
		int64_t reserved = __zone_watermark_unusable_free(z, 0, alloc_flags);
		int64_t usable = free_pages - (reserved < free_pages ? reserved : free_pages);

		if (usable > (int64_t)(mark + z->lowmem_reserve[highest_zoneidx]))
			return true;
	}
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

/* rmqueue_buddy(): high-order atomic requests try the highatomic reserve
 * first; everyone else the lists of their type and its fallbacks. */
static __attribute__((noinline)) uint64_t rmqueue_buddy(struct ptk_buddy *b, struct zone *z,
							unsigned int order,
							unsigned int alloc_flags, int mt)
{
	uint64_t pfn = PFN_NONE;

	if (order > 0 && (alloc_flags & ALLOC_HARDER))
		pfn = __rmqueue_smallest(b, z, order, MIGRATE_HIGHATOMIC);
	if (pfn == PFN_NONE)
		pfn = __rmqueue(b, z, order, mt, alloc_flags);
	if (pfn != PFN_NONE)
		__mod_zone_freepage_state(z, -((int64_t)1 << order), mt);
	return pfn;
}

/* rmqueue(): the per-CPU list for small orders, else (or when it cannot
 * be refilled) the buddy lists; *pagep is the block's first struct page. */
static inline uint64_t rmqueue(struct ptk_buddy *b, struct zone *z, unsigned int order,
			       unsigned int alloc_flags, int mt, uint8_t **pagep)
{
	uint64_t pfn = PFN_NONE;

	if (pcp_allowed_order(b, order))
		pfn = rmqueue_pcplist(b, z, order, mt, alloc_flags, pagep);
	if (pfn == PFN_NONE) {
		pfn = rmqueue_buddy(b, z, order, alloc_flags, mt);
		if (pfn == PFN_NONE)
			return PFN_NONE;
		*pagep = pfn_to_page(b, pfn);
	}
	z->pgalloc += 1ull << order;	/* PGALLOC of the zone */
	return pfn;
}

/* prep_new_page() / post_alloc_hook(): refcount 1, private 0, pfmemalloc
 * in lru.next, zeroed for __GFP_ZERO. */
static inline void prep_new_page(struct ptk_buddy *b, struct zone *z, uint64_t pfn,
				 uint8_t *page, unsigned int order, uint32_t gfp,
				 unsigned int alloc_flags)
{
	pg_set64(page, PTK_PAGE_OFF_PRIVATE, 0);
	pg_set32(page, PTK_PAGE_OFF_REFCOUNT, 1);
	pg_set64(page, PTK_PAGE_OFF_LRU_NEXT,
		 (alloc_flags & ALLOC_NO_WATERMARKS) ? PFMEMALLOC_LRU_NEXT : 0);
	if (gfp & PTK___GFP_ZERO)
		(void)ptk_phys_zero(b->ph, pfn << PTK_PAGE_SHIFT, PTK_PAGE_SIZE << order);
	*pfn_ord(b, pfn) = (uint8_t)(order + 1);
	z->nr_allocated += 1ull << order;
}

/* get_page_from_freelist(): the first zone of the zonelist, from the
 * preferred one (the highest allowed that has pages) down, above its
 * watermark and able to give the block.  ALLOC_NOFRAGMENT is dropped for a
 * second pass on a one-node machine.  Inline: the first attempt is the
 * whole of most allocations. */
static inline uint64_t get_page_from_freelist(struct ptk_buddy *b, uint32_t gfp,
					      unsigned int order, unsigned int alloc_flags,
					      const struct alloc_context *ac)
{
	for (;;) {
		for (int zi = (int)ac->preferred->idx; zi >= 0; zi--) {
			struct zone *z = &b->zones[zi];
			uint64_t mark, pfn;
			uint8_t *page;

			if (!z->managed_pages)
				continue;
			mark = z->watermark[alloc_flags & ALLOC_WMARK_MASK];
			if (!zone_watermark_fast(z, order, mark, ac->highest_zoneidx, alloc_flags) &&
			    !(alloc_flags & ALLOC_NO_WATERMARKS))
				continue;
			pfn = rmqueue(b, z, order, alloc_flags, ac->migratetype, &page);
			if (pfn == PFN_NONE)
				continue;
			prep_new_page(b, z, pfn, page, order, gfp, alloc_flags);
			if (order && (alloc_flags & ALLOC_HARDER))
				reserve_highatomic_pageblock(b, pfn, z);
			return pfn;
		}
		if (!(alloc_flags & ALLOC_NOFRAGMENT))
			return PFN_NONE;
		alloc_flags &= ~ALLOC_NOFRAGMENT;
	}
}

/* alloc_flags_nofragment(): when the preferred zone is Normal and DMA32
 * exists below it, the first pass does not split foreign pageblocks. */
static unsigned int alloc_flags_nofragment(const struct ptk_buddy *b, const struct zone *z,
					   uint32_t gfp)
{
	unsigned int alloc_flags = gfp & PTK___GFP_KSWAPD_RECLAIM;

	if (b->zone_of_kind[ZK_DMA32] >= 0 && z->kind == ZK_NORMAL)
		alloc_flags |= ALLOC_NOFRAGMENT;
	return alloc_flags;
}

/* gfp_to_alloc_flags(): the slow path's min watermark, ALLOC_HIGH for
 * __GFP_HIGH and ALLOC_HARDER for __GFP_ATOMIC. */
static unsigned int gfp_to_alloc_flags(uint32_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	alloc_flags |= gfp & (PTK___GFP_HIGH | PTK___GFP_KSWAPD_RECLAIM);
	if (gfp & PTK___GFP_ATOMIC) {
		if (!(gfp & PTK___GFP_NOMEMALLOC))
			alloc_flags |= ALLOC_HARDER;
		alloc_flags &= ~ALLOC_CPUSET;
	}
	return alloc_flags;
}

/*
 * __alloc_pages_slowpath() without reclaim, compaction or the OOM killer:
 * the min watermark; __GFP_MEMALLOC callers below it; and for callers that
 * could reclaim, what follows a reclaim attempt: the highatomic reserve
 * given back and the per-CPU lists drained, then (as should_reclaim_retry
 * does before OOM) every highatomic pageblock unreserved.
 */
static __attribute__((noinline)) uint64_t __alloc_pages_slowpath(struct ptk_buddy *b,
								  uint32_t gfp, unsigned int order,
								  const struct alloc_context *ac)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp);
	uint64_t pfn = get_page_from_freelist(b, gfp, order, alloc_flags, ac);

	if (pfn != PFN_NONE)
		return pfn;
	if ((gfp & PTK___GFP_MEMALLOC) && !(gfp & PTK___GFP_NOMEMALLOC)) {
		alloc_flags = ALLOC_NO_WATERMARKS | (alloc_flags & ALLOC_KSWAPD);
		pfn = get_page_from_freelist(b, gfp, order, alloc_flags, ac);
		if (pfn != PFN_NONE)
			return pfn;
	}
	if (!(gfp & PTK___GFP_DIRECT_RECLAIM))
		return PFN_NONE;
	unreserve_highatomic_pageblock(b, ac->highest_zoneidx, ac->migratetype, false);
	ptk_drain_all_pages(b);
	pfn = get_page_from_freelist(b, gfp, order, alloc_flags, ac);
	while (pfn == PFN_NONE &&
	       unreserve_highatomic_pageblock(b, ac->highest_zoneidx, ac->migratetype, true))
		pfn = get_page_from_freelist(b, gfp, order, alloc_flags, ac);
	return pfn;
}

/* prepare_alloc_pages(): the highest zone, the migratetype and the first
 * zone of the zonelist that has pages (preferred_zoneref: the zonelist
 * walks start there). */
static inline int prepare_alloc_pages(struct ptk_buddy *b, uint32_t gfp, unsigned int order,
				      struct alloc_context *ac)
{
	int zi;

	ac->preferred = NULL;
	if (order >= MAX_ORDER)
		return ptk_err(&b->err, -EINVAL, "order %u is not below MAX_ORDER %d", order,
			       MAX_ORDER);
	ac->highest_zoneidx = gfp_zone(b, gfp);
	if (ac->highest_zoneidx < 0)
		return ptk_err(&b->err, -EINVAL, "gfp %#x asks for contradictory zones", gfp);
	ac->migratetype = gfp_migratetype(b, gfp);
	if (ac->migratetype < 0)
		return ptk_err(&b->err, -EINVAL,
			       "gfp %#x is both __GFP_MOVABLE and __GFP_RECLAIMABLE", gfp);
	zi = b->preferred_zone[ac->highest_zoneidx];
	ac->preferred = zi >= 0 ? &b->zones[zi] : NULL;
	return 0;
}

int ptk_alloc_pages(struct ptk_buddy *b, uint32_t gfp, unsigned int order, uint64_t *pfn)
{
	struct alloc_context ac;
	uint64_t p = PFN_NONE;
	int ret = prepare_alloc_pages(b, gfp, order, &ac);

	if (ret)
		return ret;
	if (ac.preferred) {
		p = get_page_from_freelist(b, gfp, order,
					   ALLOC_WMARK_LOW | alloc_flags_nofragment(b, ac.preferred, gfp),
					   &ac);
		if (p == PFN_NONE)
			p = __alloc_pages_slowpath(b, gfp, order, &ac);
	}
	if (p == PFN_NONE) {
		b->pgalloc_fail++;
		return ptk_err(&b->err, -ENOMEM,
			       "page allocation failure: order:%u, mode:%#x: no zone up to %s above its watermark",
			       order, gfp, b->zones[ac.highest_zoneidx].name);
	}
	*pfn = p;
	return 0;
}

/* ---- freeing ---- */

/* free_pages_prepare() for a page whose last reference went, then
 * free_the_page(): small orders through the per-CPU lists, the others
 * (__free_pages_ok) straight to the buddy lists.  mt is the pageblock's
 * migratetype, which both read; the caller has the section at hand. */
static inline void free_the_page(struct ptk_buddy *b, struct zone *z, uint64_t pfn,
				 uint8_t *page, unsigned int order, int mt)
{
	pg_set64(page, PTK_PAGE_OFF_FLAGS, PG_FLAGS(page) & ~PAGE_FLAGS_CHECK_AT_PREP);
	pg_set64(page, PTK_PAGE_OFF_MAPPING, 0);
	pg_set32(page, PTK_PAGE_OFF_REFCOUNT, 0);
	b->pgfree += 1ull << order;
	if (pcp_allowed_order(b, order))
		free_unref_page(b, z, pfn, page, order, mt);
	else
		__free_one_page(b, pfn, z, order, mt, false);
}

static int bad_free(struct ptk_buddy *b, uint64_t pfn, unsigned int order, const char *why)
{
	return ptk_err(&b->err, -EINVAL, "bad free of pfn %#" PRIx64 " order %u: %s", pfn,
		       order, why);
}

/* Why a free of pfn is not one of an allocation of this order (out of
 * line: only frees that the one-look check below refuses come here). */
static __attribute__((noinline)) int check_free(struct ptk_buddy *b, uint64_t pfn, unsigned int order, struct zone **zp,
		      uint8_t **pagep)
{
	struct zone *z = buddy_pfn_zone(b, pfn);
	uint8_t *page, ord;

	if (order >= MAX_ORDER)
		return bad_free(b, pfn, order, "order is not below MAX_ORDER");
	if (!z)
		return bad_free(b, pfn, order, "the pfn is in no zone");
	page = pfn_to_page(b, pfn);
	ord = *pfn_ord(b, pfn);
	if (PageReserved(page))
		return bad_free(b, pfn, order, "the page is reserved");
	if (PageBuddy(page))
		return bad_free(b, pfn, order, "the page is free (PG_buddy)");
	if (!ord)
		return bad_free(b, pfn, order, "no allocation starts there (a double free?)");
	if (ord != order + 1)
		return ptk_err(&b->err, -EINVAL,
			       "bad free of pfn %#" PRIx64 " order %u: it was allocated with order %u",
			       pfn, order, ord - 1u);
	if (PageTable(page))
		return bad_free(b, pfn, order, "the page is still a page table (PG_table)");
	if (PG_REFCOUNT(page) != 1)
		return bad_free(b, pfn, order, "its refcount is not 1");
	*zp = z;
	*pagep = page;
	return 0;
}

/* The common case in one look: an allocation of this order starts at pfn
 * (the order byte proves the pfn is in a zone) and its page is in order. */
static inline bool free_is_good(struct ptk_buddy *b, const struct bsec *s, uint64_t pfn,
				unsigned int order, struct zone **zp, uint8_t **pagep)
{
	uint8_t *page;
	unsigned int zi;

	if (!s || *bsec_ord(b, s, pfn) != order + 1)
		return false;
	page = bsec_page(b, s, pfn);
	zi = flags_zonenum(b, PG_FLAGS(page));
	if (PageReserved(page) || PageBuddy(page) || PageTable(page) || PG_REFCOUNT(page) != 1 ||
	    zi >= b->nr_zones)
		return false;
	*zp = &b->zones[zi];
	*pagep = page;
	return true;
}

int ptk_free_pages(struct ptk_buddy *b, uint64_t pfn, unsigned int order)
{
	const struct bsec *s = pfn_bsec(b, pfn);
	struct zone *z = NULL;
	uint8_t *page = NULL;

	if (__builtin_expect(!free_is_good(b, s, pfn, order, &z, &page), 0)) {
		int ret = check_free(b, pfn, order, &z, &page);

		if (ret)
			return ret;
	}
	/* a good free is of a page in a zone, so of a present section: s */
	*bsec_ord(b, s, pfn) = 0;
	z->nr_allocated -= 1ull << order;
	free_the_page(b, z, pfn, page, order, *bsec_pageblock_mt(b, s, pfn));
	return 0;
}

/*
 * __free_pages_core(): pages coming to the allocator for the first time
 * (memblock_free_all, memory online): no longer reserved, counted as
 * managed, and put at the tail of the lists so that they are used last.
 */
void __free_pages_core(struct ptk_buddy *b, struct zone *z, uint64_t pfn, unsigned int order)
{
	for (uint64_t i = 0; i < 1ull << order; i++) {
		uint8_t *p = pfn_to_page(b, pfn + i);

		pg_set64(p, PTK_PAGE_OFF_FLAGS, PG_FLAGS(p) & ~(1ull << PTK_PG_reserved));
		pg_set32(p, PTK_PAGE_OFF_REFCOUNT, 0);
	}
	adjust_managed_page_count(b, z, (int64_t)1 << order);
	b->pgfree += 1ull << order;
	/* __free_pages_ok(): straight to the buddy lists, with the pageblock's type */
	__free_one_page(b, pfn, z, order, get_pageblock_migratetype(b, pfn), true);
}

/* free_reserved_page(): a reserved page becomes an ordinary free page and
 * is managed from now on (adjust_managed_page_count). */
int ptk_free_reserved_page(struct ptk_buddy *b, uint64_t pfn)
{
	struct zone *z = buddy_pfn_zone(b, pfn);
	uint8_t *page;

	if (!z)
		return bad_free(b, pfn, 0, "the pfn is in no zone");
	page = pfn_to_page(b, pfn);
	if (!PageReserved(page) || !ptk_phys_is_ram(b->ph, pfn << PTK_PAGE_SHIFT, PTK_PAGE_SIZE))
		return bad_free(b, pfn, 0, "not a reserved page of RAM");
	if (PageTable(page)) {
		page_type_clear(page, PTK_PG_table);
		b->nr_page_table_pages--;
	}
	pg_set64(page, PTK_PAGE_OFF_FLAGS, PG_FLAGS(page) & ~(1ull << PTK_PG_reserved));
	adjust_managed_page_count(b, z, 1);
	free_the_page(b, z, pfn, page, 0, get_pageblock_migratetype(b, pfn));
	return 0;
}

void ptk_drain_all_pages(struct ptk_buddy *b)
{
	for (unsigned int i = 0; i < b->nr_zones; i++)
		drain_zone_pages(b, &b->zones[i]);
}

/* __SetPageTable / __ClearPageTable on the pages of a block, with
 * NR_PAGETABLE (pgtable_pte_page_ctor / dtor). */
void buddy_mark_table(struct ptk_buddy *b, uint64_t pfn, unsigned int order, bool table)
{
	for (uint64_t i = 0; i < 1ull << order; i++) {
		uint8_t *page = pfn_to_page(b, pfn + i);

		if (table)
			page_type_set(page, PTK_PG_table);
		else
			page_type_clear(page, PTK_PG_table);
	}
	if (table)
		b->nr_page_table_pages += 1ull << order;
	else
		b->nr_page_table_pages -= 1ull << order;
}

int ptk_buddy_set_page_table(struct ptk_buddy *b, uint64_t pfn, bool table)
{
	uint8_t *page = buddy_pfn_zone(b, pfn) ? pfn_to_page(b, pfn) : NULL;

	if (!page || !*pfn_ord(b, pfn))
		return ptk_err(&b->err, -EINVAL, "pfn %#" PRIx64 " is not an allocated page", pfn);
	if (PageTable(page) == table)
		return ptk_err(&b->err, -EINVAL, "pfn %#" PRIx64 " is %s a page table", pfn,
			       table ? "already" : "not");
	buddy_mark_table(b, pfn, 0, table);
	return 0;
}
