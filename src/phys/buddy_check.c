// SPDX-License-Identifier: MIT
/*
 * ptk_buddy_check(): the allocator's invariants, for tests.  Every free
 * list and per-CPU list is walked through the struct pages, every page of
 * every zone is classified (free, on a pcp list, allocated, reserved), and
 * the counters are recomputed from what was found.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "phys/buddy_priv.h"

enum page_state { ST_NONE, ST_FREE_HEAD, ST_FREE, ST_PCP, ST_ALLOC };

struct check {
	struct ptk_buddy *b;
	struct zone *z;
	uint8_t *state;		/* per pfn of the zone's span */
	uint64_t free_counted, free_isolated, pcp_pages, alloc_pages;
};

static int bad(struct check *c, uint64_t pfn, const char *what)
{
	return ptk_err(&c->b->err, -EIO, "zone %s, pfn %#" PRIx64 ": %s", c->z->name, pfn, what);
}

/* Claim [pfn, pfn + n) for a state; -EIO if outside the zone or taken. */
static int claim(struct check *c, uint64_t pfn, uint64_t n, enum page_state head,
		 enum page_state rest)
{
	if (!zone_spans_pfn(c->z, pfn) || !zone_spans_pfn(c->z, pfn + n - 1))
		return bad(c, pfn, "block outside the zone's span");
	for (uint64_t i = 0; i < n; i++) {
		uint8_t *s = &c->state[pfn + i - c->z->zone_start_pfn];

		if (*s != ST_NONE)
			return bad(c, pfn + i, "page in two places (free, pcp or allocated)");
		*s = (uint8_t)(i ? rest : head);
	}
	return 0;
}

/* Walk one list: links both ways, ends, and a per-entry check. */
typedef int (*entry_fn)(struct check *c, uint64_t pfn, uint8_t *page, unsigned int order, int mt);

static int walk(struct check *c, const struct plist *l, unsigned int order, int mt, entry_fn fn,
		uint64_t *count)
{
	struct ptk_buddy *b = c->b;
	uint64_t prev = PFN_NONE, pfn = l->head;

	*count = 0;
	if (l->head_page != (pfn == PFN_NONE ? NULL : pfn_to_page(b, pfn)))
		return bad(c, pfn, "the list's cached first struct page is not its head's");
	while (pfn != PFN_NONE) {
		uint8_t *page = pfn_bsec(b, pfn) ? pfn_to_page(b, pfn) : NULL;
		int ret;

		if (!page || ++*count > c->z->spanned_pages)
			return bad(c, pfn, "list runs outside the memory map or loops");
		if (pfn_of_link(b, pg_get64(page, PTK_PAGE_OFF_LRU_PREV)) != prev)
			return bad(c, pfn, "lru.prev does not point at the previous entry");
		ret = fn(c, pfn, page, order, mt);
		if (ret)
			return ret;
		prev = pfn;
		pfn = pfn_of_link(b, pg_get64(page, PTK_PAGE_OFF_LRU_NEXT));
	}
	if (l->tail != prev)
		return bad(c, prev, "list tail is not the last entry");
	return 0;
}

static int free_entry(struct check *c, uint64_t pfn, uint8_t *page, unsigned int order, int mt)
{
	if (pfn & ((1ull << order) - 1))
		return bad(c, pfn, "free block not aligned to its order");
	if (!PageBuddy(page) || buddy_order(page) != order)
		return bad(c, pfn, "free list entry without PG_buddy of its order");
	if ((int)pg_get64(page, PTK_PAGE_OFF_INDEX) != mt)
		return bad(c, pfn, "free block's index is not its list's migratetype");
	if ((mt == MIGRATE_ISOLATE) != (get_pageblock_migratetype(c->b, pfn) == MIGRATE_ISOLATE))
		return bad(c, pfn, "isolated list and isolated pageblock disagree");
	if (mt == MIGRATE_ISOLATE)
		c->free_isolated += 1ull << order;
	else
		c->free_counted += 1ull << order;
	return claim(c, pfn, 1ull << order, ST_FREE_HEAD, ST_FREE);
}

static int pcp_entry(struct check *c, uint64_t pfn, uint8_t *page, unsigned int order, int mt)
{
	uint64_t pmt = pg_get64(page, PTK_PAGE_OFF_INDEX);

	(void)mt;
	if (PageBuddy(page) || PG_REFCOUNT(page) != 0)
		return bad(c, pfn, "pcp page with PG_buddy or a reference");
	if (pmt >= MIGRATE_TYPES || pmt == MIGRATE_ISOLATE)
		return bad(c, pfn, "pcp page with a bad migratetype in index");
	c->pcp_pages += 1ull << order;
	return claim(c, pfn, 1ull << order, ST_PCP, ST_PCP);
}

static int check_lists(struct check *c)
{
	struct zone *z = c->z;
	uint64_t n;
	int ret;

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		uint64_t sum = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			ret = walk(c, &z->free_area[o].free_list[mt], o, mt, free_entry, &n);
			if (ret)
				return ret;
			if (n != z->free_area[o].nr_mt[mt])
				return bad(c, o, "free list length differs from its count (pfn = order)");
			sum += n;
		}
		if (sum != z->free_area[o].nr_free)
			return bad(c, o, "nr_free differs from the lists (pfn = order)");
	}
	for (unsigned int l = 0; l < pcp_nr_lists(c->b); l++) {
		ret = walk(c, &z->pcp.lists[l], pindex_to_order(c->b, l), 0, pcp_entry, &n);
		if (ret)
			return ret;
	}
	return 0;
}

/* A free block below pageblock_order whose buddy is free with the same
 * order should have merged. */
static int check_merged(struct check *c, uint64_t pfn, const uint8_t *page)
{
	unsigned int order = buddy_order(page);
	uint64_t bp = pfn ^ (1ull << order);
	uint8_t *buddy;

	if (order >= c->b->pageblock_order || !zone_spans_pfn(c->z, bp) ||
	    c->state[bp - c->z->zone_start_pfn] != ST_FREE_HEAD)
		return 0;
	buddy = pfn_to_page(c->b, bp);
	if (buddy_order(buddy) == order)
		return bad(c, pfn, "free buddies of one order left unmerged");
	return 0;
}

static int check_pages(struct check *c)
{
	struct ptk_buddy *b = c->b;
	struct zone *z = c->z;

	for (uint64_t pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn++) {
		uint8_t *page = pfn_bsec(b, pfn) ? pfn_to_page(b, pfn) : NULL;
		uint8_t *st = &c->state[pfn - z->zone_start_pfn];
		unsigned int ord;
		int ret;

		if (!page)
			continue;
		ord = *pfn_ord(b, pfn);
		if (ord) {
			if (PG_REFCOUNT(page) < 1)
				return bad(c, pfn, "allocated page without a reference");
			ret = claim(c, pfn, 1ull << (ord - 1), ST_ALLOC, ST_ALLOC);
			if (ret)
				return ret;
			c->alloc_pages += 1ull << (ord - 1);
		}
		if (PageBuddy(page) != (*st == ST_FREE_HEAD))
			return bad(c, pfn, "PG_buddy on a page that heads no free block, or missing");
		if (*st == ST_FREE_HEAD && (ret = check_merged(c, pfn, page)))
			return ret;
		if (*st == ST_NONE && buddy_pfn_zone(b, pfn) == z && !PageReserved(page))
			return bad(c, pfn, "page neither free, allocated nor reserved (leaked)");
	}
	return 0;
}

static int check_counters(struct check *c)
{
	struct zone *z = c->z;

	if (z->nr_free_pages != (int64_t)c->free_counted)
		return bad(c, c->free_counted, "NR_FREE_PAGES differs from the lists (pfn = lists)");
	if ((uint64_t)z->pcp.count != c->pcp_pages)
		return bad(c, c->pcp_pages, "pcp count differs from its lists (pfn = lists)");
	if (z->nr_allocated != c->alloc_pages)
		return bad(c, c->alloc_pages, "allocated count differs from the pages (pfn = pages)");
	if (z->managed_pages != c->free_counted + c->free_isolated + c->pcp_pages + c->alloc_pages)
		return bad(c, z->managed_pages, "managed pages are not free + pcp + allocated (pfn = managed)");
	return 0;
}

static int check_zone(struct ptk_buddy *b, struct zone *z)
{
	struct check c = { .b = b, .z = z };
	int ret;

	if (!z->spanned_pages)
		return 0;
	c.state = calloc(z->spanned_pages, 1);
	if (!c.state)
		return ptk_err(&b->err, -ENOMEM, "out of host memory for the check");
	ret = check_lists(&c);
	if (!ret)
		ret = check_pages(&c);
	if (!ret)
		ret = check_counters(&c);
	free(c.state);
	return ret;
}

/* The zonelist's first zones are those build_all_zonelists() would pick. */
static int check_zonelists(struct ptk_buddy *b)
{
	int preferred = -1;

	for (unsigned int i = 0; i < b->nr_zones; i++) {
		if (b->zones[i].managed_pages)
			preferred = (int)i;
		if (b->preferred_zone[i] != preferred)
			return ptk_err(&b->err, -EIO,
				       "zonelist: the first zone up to %s is not the highest with managed pages",
				       b->zones[i].name);
	}
	return 0;
}

int ptk_buddy_check(struct ptk_buddy *b)
{
	int err = check_zonelists(b);

	if (err)
		return err;
	for (unsigned int i = 0; i < b->nr_zones; i++) {
		int ret = check_zone(b, &b->zones[i]);

		if (ret)
			return ret;
	}
	return 0;
}
