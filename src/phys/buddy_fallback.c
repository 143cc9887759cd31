// SPDX-License-Identifier: MIT
/*
 * Fragmentation avoidance of Linux 6.1 (mm/page_alloc.c): when a
 * migratetype's lists are empty, take a block from another type's list
 * (__rmqueue_fallback), preferably the largest, and claim its whole
 * pageblock when enough of it is free or alike (steal_suitable_fallback);
 * and the highatomic reserve that high-order atomic allocations set aside.
 */
#include "phys/buddy_priv.h"

#define NR_FALLBACKS 3

/* fallbacks[] (6.1): which lists a migratetype may take from, in order. */
static const int fallbacks[MIGRATE_TYPES][NR_FALLBACKS] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_TYPES },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_TYPES },
	[MIGRATE_HIGHATOMIC] = { MIGRATE_TYPES },	/* never used */
	[MIGRATE_ISOLATE] = { MIGRATE_TYPES },		/* never used */
};

/*
 * can_steal_fallback(): a whole pageblock may be claimed for a block of at
 * least half a pageblock, or for unmovable and reclaimable requests (which
 * would otherwise scatter over many blocks), or when grouping is off.
 */
static bool can_steal_fallback(const struct ptk_buddy *b, unsigned int order, int start_mt)
{
	if (order >= b->pageblock_order)
		return true;
	return order >= b->pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE || b->mobility_disabled;
}

/* find_suitable_fallback(): the first fallback type with a free block of
 * this order; *can_steal says whether its pageblock may be claimed. */
static int find_suitable_fallback(const struct ptk_buddy *b, const struct free_area *area,
				  unsigned int order, int mt, bool only_stealable,
				  bool *can_steal)
{
	if (!area->nr_free)
		return -1;
	*can_steal = false;
	for (int i = 0; i < NR_FALLBACKS; i++) {
		int fallback_mt = fallbacks[mt][i];

		if (fallback_mt == MIGRATE_TYPES)
			break;
		if (plist_empty(&area->free_list[fallback_mt]))
			continue;
		if (can_steal_fallback(b, order, mt))
			*can_steal = true;
		if (!only_stealable || *can_steal)
			return fallback_mt;
	}
	return -1;
}

/* change_pageblock_range(): every pageblock of a block >= pageblock_order. */
static void change_pageblock_range(struct ptk_buddy *b, uint64_t pfn, unsigned int order, int mt)
{
	for (uint64_t n = 1ull << (order - b->pageblock_order); n; n--) {
		set_pageblock_migratetype(b, pfn, mt);
		pfn += b->pageblock_nr_pages;
	}
}

/*
 * steal_suitable_fallback(): move the block to start_type's list; with
 * whole_block, also every free page of its pageblock, and claim the block
 * when at least half of it is free or of a compatible kind.  Watermark
 * boosting is not modelled (see buddy.h).
 */
static void steal_suitable_fallback(struct ptk_buddy *b, struct zone *z, uint64_t pfn,
				    int start_type, bool whole_block)
{
	uint8_t *page = pfn_to_page(b, pfn);
	unsigned int current_order = buddy_order(page);
	int old_block_type = get_pageblock_migratetype(b, pfn);
	uint64_t free_pages, movable_pages, alike_pages;

	if (old_block_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= b->pageblock_order) {
		change_pageblock_range(b, pfn, current_order, start_type);
		goto single_page;
	}
	if (!whole_block)
		goto single_page;
	free_pages = move_freepages_block(b, z, pfn, start_type, &movable_pages);
	if (!free_pages)	/* the pageblock crosses the zone's edge */
		goto single_page;
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_block_type == MIGRATE_MOVABLE)
		alike_pages = b->pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages >= (b->pageblock_nr_pages >> 1) || b->mobility_disabled)
		set_pageblock_migratetype(b, pfn, start_type);
	return;

single_page:
	move_to_free_list(b, z, pfn, page, current_order, start_type);
}

/*
 * __rmqueue_fallback(): the largest block on a fallback list (roughly the
 * pageblock with most free pages), or for a movable request that may not
 * claim the block, the smallest one that fits, so that a movable
 * allocation fragments as little as it can.  ALLOC_NOFRAGMENT allows only
 * whole pageblocks to a request smaller than one; a larger request keeps
 * its own order as the floor.
 */
bool __rmqueue_fallback(struct ptk_buddy *b, struct zone *z, unsigned int order, int start_mt,
			unsigned int alloc_flags)
{
	unsigned int min_order = order;
	int current_order, fallback_mt = -1;
	bool can_steal = false;

	if (order < b->pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = b->pageblock_order;
	for (current_order = MAX_ORDER - 1; current_order >= (int)min_order; current_order--) {
		fallback_mt = find_suitable_fallback(b, &z->free_area[current_order],
						     (unsigned int)current_order, start_mt, false,
						     &can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (fallback_mt == -1)
		return false;
	if (!can_steal && start_mt == MIGRATE_MOVABLE && current_order > (int)order) {
		for (current_order = (int)order; current_order < MAX_ORDER; current_order++) {
			fallback_mt = find_suitable_fallback(b, &z->free_area[current_order],
							     (unsigned int)current_order, start_mt,
							     false, &can_steal);
			if (fallback_mt != -1)
				break;
		}
	}
	steal_suitable_fallback(b, z, z->free_area[current_order].free_list[fallback_mt].head,
				start_mt, can_steal);
	return true;
}

/*
 * reserve_highatomic_pageblock(): after a high-order atomic allocation,
 * set its pageblock aside for such allocations, up to about 1% of the
 * zone plus one pageblock.
 */
void reserve_highatomic_pageblock(struct ptk_buddy *b, uint64_t pfn, struct zone *z)
{
	uint64_t max_managed = z->managed_pages / 100 + b->pageblock_nr_pages;
	int mt;

	if (z->nr_reserved_highatomic >= max_managed)
		return;
	mt = get_pageblock_migratetype(b, pfn);
	if (!migratetype_is_mergeable(mt))
		return;
	z->nr_reserved_highatomic += b->pageblock_nr_pages;
	set_pageblock_migratetype(b, pfn, MIGRATE_HIGHATOMIC);
	move_freepages_block(b, z, pfn, MIGRATE_HIGHATOMIC, NULL);
}

/*
 * unreserve_highatomic_pageblock(): give a reserved pageblock to the
 * migratetype that failed to allocate, keeping one pageblock per zone
 * unless forced.  Returns whether free pages moved.
 */
bool unreserve_highatomic_pageblock(struct ptk_buddy *b, int highest_zoneidx, int mt, bool force)
{
	for (int zi = highest_zoneidx; zi >= 0; zi--) {
		struct zone *z = &b->zones[zi];

		if (!z->managed_pages)	/* not on the zonelist */
			continue;
		if (!force && z->nr_reserved_highatomic <= b->pageblock_nr_pages)
			continue;
		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			uint64_t pfn = z->free_area[order].free_list[MIGRATE_HIGHATOMIC].head;

			if (pfn == PFN_NONE)
				continue;
			if (get_pageblock_migratetype(b, pfn) == MIGRATE_HIGHATOMIC)
				z->nr_reserved_highatomic -=
					b->pageblock_nr_pages < z->nr_reserved_highatomic ?
					b->pageblock_nr_pages : z->nr_reserved_highatomic;
			set_pageblock_migratetype(b, pfn, mt);
			if (move_freepages_block(b, z, pfn, mt, NULL))
				return true;
		}
	}
	return false;
}
