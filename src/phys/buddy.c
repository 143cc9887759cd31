// SPDX-License-Identifier: MIT
/*
 * The buddy lists of Linux 6.1 (mm/page_alloc.c): free_area per order with
 * a list per migratetype, merging on free (__free_one_page), splitting on
 * allocation (expand, __rmqueue_smallest) and moving free pages between
 * lists (move_freepages_block).  Free block heads carry PG_buddy and their
 * order in private, as the kernel's do.
 */
#include "phys/buddy_priv.h"

void __mod_zone_freepage_state(struct zone *z, int64_t nr, int mt)
{
	(void)mt;	/* no CMA: nothing else to count */
	z->nr_free_pages += nr;
}

static void set_buddy_order(uint8_t *page, unsigned int order)
{
	pg_set64(page, PTK_PAGE_OFF_PRIVATE, order);
	page_type_set(page, PTK_PG_buddy);
}

/* add_to_free_list() / add_to_free_list_tail(), with the order set. */
void add_to_free_list(struct ptk_buddy *b, struct zone *z, uint64_t pfn, uint8_t *page,
		      unsigned int order, int mt, bool tail)
{
	struct free_area *area = &z->free_area[order];

	set_buddy_order(page, order);
	if (tail)
		plist_add_tail(b, &area->free_list[mt], pfn, page);
	else
		plist_add(b, &area->free_list[mt], pfn, page);
	area->nr_free++;
	area->nr_mt[mt]++;
}

/* move_to_free_list(): to the tail of another migratetype's list.  The
 * list a page is on is not stored in it; callers know it. */
void move_to_free_list(struct ptk_buddy *b, struct zone *z, uint64_t pfn, uint8_t *page,
		       unsigned int order, int mt)
{
	struct free_area *area = &z->free_area[order];
	int from = (int)pg_get64(page, PTK_PAGE_OFF_INDEX);

	plist_del(b, &area->free_list[from], pfn, page);
	area->nr_mt[from]--;
	plist_add_tail(b, &area->free_list[mt], pfn, page);
	area->nr_mt[mt]++;
	pg_set64(page, PTK_PAGE_OFF_INDEX, (uint64_t)mt);
}

void del_page_from_free_list(struct ptk_buddy *b, struct zone *z, uint64_t pfn, uint8_t *page,
			     unsigned int order, int mt)
{
	struct free_area *area = &z->free_area[order];

	plist_del(b, &area->free_list[mt], pfn, page);
	page_type_clear(page, PTK_PG_buddy);
	pg_set64(page, PTK_PAGE_OFF_PRIVATE, 0);
	area->nr_free--;
	area->nr_mt[mt]--;
}

/* page_zone_id() equal: the same zone (and node) in page->flags. */
static bool same_zone_id(const struct ptk_buddy *b, const uint8_t *a, const uint8_t *c)
{
	return ((PG_FLAGS(a) ^ PG_FLAGS(c)) & b->zoneid_mask) == 0;
}

/* page_is_buddy(): free, of this order, in the same zone. */
static bool page_is_buddy(const struct ptk_buddy *b, const uint8_t *page, const uint8_t *buddy,
			  unsigned int order)
{
	return buddy && PageBuddy(buddy) && buddy_order(buddy) == order &&
	       same_zone_id(b, page, buddy);
}

/* find_buddy_page_pfn(): the buddy of a block is at pfn ^ (1 << order). */
static uint8_t *find_buddy_page_pfn(struct ptk_buddy *b, const uint8_t *page, uint64_t pfn,
				    unsigned int order, uint64_t *buddy_pfn)
{
	uint64_t bp = pfn ^ (1ull << order);
	uint8_t *buddy = pfn_to_page(b, bp);

	if (buddy_pfn)
		*buddy_pfn = bp;
	return page_is_buddy(b, page, buddy, order) ? buddy : NULL;
}

/*
 * buddy_merge_likely(): if the block one order up is itself about to merge
 * (its buddy is free), put this one at the tail, so that it is less likely
 * to be allocated before its buddy comes back.
 */
static bool buddy_merge_likely(struct ptk_buddy *b, uint64_t pfn, uint64_t buddy_pfn,
			       const uint8_t *page, unsigned int order)
{
	uint64_t higher_pfn = buddy_pfn & pfn;
	uint8_t *higher;

	if (order >= MAX_ORDER - 2)
		return false;
	higher = pfn_to_page(b, higher_pfn);
	(void)page;
	return higher && find_buddy_page_pfn(b, higher, higher_pfn, order + 1, NULL) != NULL;
}

/*
 * __free_one_page(): merge with free buddies up to MAX_ORDER - 1, then put
 * the block on its list.  From pageblock_order up, a block never merges
 * with one of another migratetype when either cannot merge at all
 * (highatomic, isolate): 6.1's rule that keeps isolated and reserved
 * pageblocks whole.  The list entry is the head of a free block; the
 * pages' "index" remembers which list, for move_to_free_list().
 */
void __free_one_page(struct ptk_buddy *b, uint64_t pfn, struct zone *z, unsigned int order,
		     int mt, bool to_tail)
{
	uint8_t *page = pfn_to_page(b, pfn), *buddy;
	uint64_t buddy_pfn = 0;
	bool tail;

	if (!is_migrate_isolate(mt))
		__mod_zone_freepage_state(z, (int64_t)1 << order, mt);
	while (order < MAX_ORDER - 1) {
		buddy = find_buddy_page_pfn(b, page, pfn, order, &buddy_pfn);
		if (!buddy)
			break;
		if (order >= b->pageblock_order) {
			int buddy_mt = get_pageblock_migratetype(b, buddy_pfn);

			if (mt != buddy_mt &&
			    (!migratetype_is_mergeable(mt) || !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		del_page_from_free_list(b, z, buddy_pfn, buddy, order,
					(int)pg_get64(buddy, PTK_PAGE_OFF_INDEX));
		/* the merged block starts at the lower of the two */
		if (buddy_pfn < pfn)
			page = buddy;
		pfn &= buddy_pfn;
		order++;
	}
	/* shuffle_pick_tail() is off by default (page_alloc.shuffle=0). */
	tail = to_tail || buddy_merge_likely(b, pfn, buddy_pfn, page, order);
	pg_set64(page, PTK_PAGE_OFF_INDEX, (uint64_t)mt);
	add_to_free_list(b, z, pfn, page, order, mt, tail);
}

/*
 * expand(): a block of order high split down to order low: the upper half
 * goes back on the free list at each step, the lower half is kept.
 */
static void expand(struct ptk_buddy *b, struct zone *z, uint64_t pfn, unsigned int low,
		   unsigned int high, int mt)
{
	uint64_t size = 1ull << high;

	while (high > low) {
		uint8_t *half;

		high--;
		size >>= 1;
		half = pfn_to_page(b, pfn + size);
		pg_set64(half, PTK_PAGE_OFF_INDEX, (uint64_t)mt);
		add_to_free_list(b, z, pfn + size, half, high, mt, false);
	}
}

/* __rmqueue_smallest(): the smallest free block of this migratetype that
 * is large enough, split to size.  The page's index records the list it
 * came from, as set_pcppage_migratetype() does. */
uint64_t __rmqueue_smallest(struct ptk_buddy *b, struct zone *z, unsigned int order, int mt)
{
	for (unsigned int current_order = order; current_order < MAX_ORDER; current_order++) {
		struct free_area *area = &z->free_area[current_order];
		uint64_t pfn = area->free_list[mt].head;
		uint8_t *page;

		if (pfn == PFN_NONE)
			continue;
		page = area->free_list[mt].head_page;
		del_page_from_free_list(b, z, pfn, page, current_order, mt);
		expand(b, z, pfn, order, current_order, mt);
		pg_set64(page, PTK_PAGE_OFF_INDEX, (uint64_t)mt);
		return pfn;
	}
	return PFN_NONE;
}

/* __rmqueue(): this migratetype, else steal from another (no CMA). */
uint64_t __rmqueue(struct ptk_buddy *b, struct zone *z, unsigned int order, int mt,
		   unsigned int alloc_flags)
{
	uint64_t pfn;

	for (;;) {
		pfn = __rmqueue_smallest(b, z, order, mt);
		if (pfn != PFN_NONE || !__rmqueue_fallback(b, z, order, mt, alloc_flags))
			return pfn;
	}
}

/*
 * move_freepages(): every free block in [start, end] to mt's list; the
 * pages in use that could be migrated are counted (PageLRU or movable:
 * none here, as no page is on an LRU).
 */
static uint64_t move_freepages(struct ptk_buddy *b, struct zone *z, uint64_t start,
			       uint64_t end, int mt)
{
	uint64_t moved = 0;

	for (uint64_t pfn = start; pfn <= end;) {
		uint8_t *page = pfn_to_page(b, pfn);
		unsigned int order;

		if (!page || !PageBuddy(page)) {
			pfn++;
			continue;
		}
		order = buddy_order(page);
		move_to_free_list(b, z, pfn, page, order, mt);
		pfn += 1ull << order;
		moved += 1ull << order;
	}
	return moved;
}

/* move_freepages_block(): the pageblock of pfn, not crossing the zone. */
uint64_t move_freepages_block(struct ptk_buddy *b, struct zone *z, uint64_t pfn, int mt,
			      uint64_t *num_movable)
{
	uint64_t start = pageblock_start_pfn(b, pfn);
	uint64_t end = start + b->pageblock_nr_pages - 1;

	if (num_movable)
		*num_movable = 0;
	if (!zone_spans_pfn(z, start))
		start = pfn;
	if (!zone_spans_pfn(z, end))
		return 0;
	return move_freepages(b, z, start, end, mt);
}
