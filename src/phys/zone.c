// SPDX-License-Identifier: MIT
/*
 * The zones of node 0 as free_area_init() lays them out in Linux 6.1
 * (mm/page_alloc.c: zone_spanned_pages_in_node, zone_absent_pages_in_node,
 * calculate_node_totalpages), and what the /proc views read of them.
 */
#include <string.h>

#include "phys/buddy_priv.h"

static const char *const zone_kind_name[ZK_NR] = {
	[ZK_DMA] = "DMA", [ZK_DMA32] = "DMA32", [ZK_NORMAL] = "Normal",
	[ZK_HIGHMEM] = "HighMem", [ZK_MOVABLE] = "Movable",
};

static enum zone_kind kind_of(const char *name)
{
	for (int k = 0; k < ZK_NR; k++)
		if (name && !strcmp(name, zone_kind_name[k]))
			return (enum zone_kind)k;
	return ZK_NR;
}

bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

/* Pages of memblock.memory inside [start, end). */
static uint64_t memory_pages_in(const struct ptk_memblock *mb, uint64_t start, uint64_t end)
{
	size_t n = ptk_memblock_count(mb, PTK_MEMBLOCK_MEMORY);
	uint64_t pages = 0;

	for (size_t i = 0; i < n; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(mb, PTK_MEMBLOCK_MEMORY, i);
		uint64_t lo = (r.base + PTK_PAGE_SIZE - 1) >> PTK_PAGE_SHIFT;
		uint64_t hi = (r.base + r.size) >> PTK_PAGE_SHIFT;

		lo = lo > start ? lo : start;
		hi = hi < end ? hi : end;
		if (hi > lo)
			pages += hi - lo;
	}
	return pages;
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Zone z may hold [lowest, highest): from the previous zone's end to its
 * own limit (arch_zone_lowest/highest_possible_pfn), clipped to the node.
 * An empty zone starts at 0, as calculate_node_totalpages() leaves it.
 */
static void zone_span(struct zone *z, uint64_t lowest, uint64_t highest, uint64_t node_start,
		      uint64_t node_end)
{
	uint64_t start = clamp_u64(node_start, lowest, highest);
	uint64_t end = clamp_u64(node_end, lowest, highest);

	if (end < node_start || start > node_end || end <= start) {
		z->zone_start_pfn = 0;
		z->spanned_pages = 0;
		return;
	}
	z->zone_start_pfn = start;
	z->spanned_pages = end - start;
}

int buddy_zones_init(struct ptk_buddy *b)
{
	const struct ptk_mm_params *p = ptk_mm_params_of(b->mm);
	uint64_t node_start = (ptk_memblock_start_of_DRAM(b->mb) + PTK_PAGE_SIZE - 1) >> PTK_PAGE_SHIFT;
	uint64_t node_end = ptk_memblock_end_of_DRAM(b->mb) >> PTK_PAGE_SHIFT;
	uint64_t lowest = 0;

	b->nr_zones = p->nr_zones;
	for (int k = 0; k < ZK_NR; k++)
		b->zone_of_kind[k] = -1;
	for (unsigned int i = 0; i < p->nr_zones; i++) {
		struct zone *z = &b->zones[i];
		uint64_t highest = p->zone_end_pfn[i] > lowest ? p->zone_end_pfn[i] : lowest;

		z->name = p->zone_name[i];
		z->idx = i;
		z->kind = kind_of(z->name);
		if (z->kind != ZK_NR && b->zone_of_kind[z->kind] < 0)
			b->zone_of_kind[z->kind] = (int)i;
		zone_span(z, lowest, highest, node_start, node_end);
		z->present_pages = memory_pages_in(b->mb, z->zone_start_pfn, zone_end_pfn(z));
		lowest = highest;
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				plist_init(&z->free_area[o].free_list[mt]);
		for (unsigned int l = 0; l < NR_PCP_LISTS; l++)
			plist_init(&z->pcp.lists[l]);
	}
	if (b->zone_of_kind[ZK_NORMAL] < 0)
		return ptk_err(&b->err, -EINVAL, "the memory model has no Normal zone");
	build_all_zonelists(b);
	return 0;
}

/* build_all_zonelists() for node 0: the zonelist holds the zones with
 * managed pages, highest first, so an allocation's walk starts at the
 * highest such zone its gfp allows and never meets an empty one above. */
void build_all_zonelists(struct ptk_buddy *b)
{
	int preferred = -1;

	for (unsigned int i = 0; i < PTK_MM_MAX_ZONES; i++) {
		if (i < b->nr_zones && b->zones[i].managed_pages)
			preferred = (int)i;
		b->preferred_zone[i] = (int8_t)preferred;
	}
}

/* page_zone(), checked against the zone's span: NULL for a pfn without a
 * struct page or outside the zone its links name. */
struct zone *buddy_pfn_zone(struct ptk_buddy *b, uint64_t pfn)
{
	uint8_t *page = pfn_to_page(b, pfn);
	unsigned int zi;

	if (!page)
		return NULL;
	zi = flags_zonenum(b, PG_FLAGS(page));
	if (zi >= b->nr_zones || !zone_spans_pfn(&b->zones[zi], pfn))
		return NULL;
	return &b->zones[zi];
}

unsigned int ptk_buddy_nr_zones(const struct ptk_buddy *b)
{
	return b->nr_zones;
}

/* pagetypeinfo_showblockitem_print(): from zone_start_pfn in pageblock
 * steps, the blocks whose first page exists and belongs to the zone. */
static void count_blocks(const struct ptk_buddy *b, const struct zone *z, uint64_t *nr)
{
	struct ptk_buddy *mb = (struct ptk_buddy *)b;	/* lookups only */

	for (uint64_t pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn += b->pageblock_nr_pages) {
		if (buddy_pfn_zone(mb, pfn) != z)
			continue;
		nr[get_pageblock_migratetype(b, pfn)]++;
	}
}

int ptk_buddy_zone_info(const struct ptk_buddy *b, unsigned int zone, struct ptk_zone_info *zi)
{
	const struct zone *z;

	if (zone >= b->nr_zones)
		return -EINVAL;
	z = &b->zones[zone];
	memset(zi, 0, sizeof(*zi));
	zi->name = z->name;
	zi->populated = populated_zone(z);
	zi->highmem = z->kind == ZK_HIGHMEM;
	zi->zone_start_pfn = z->zone_start_pfn;
	zi->spanned_pages = z->spanned_pages;
	zi->present_pages = z->present_pages;
	zi->managed_pages = z->managed_pages;
	memcpy(zi->watermark, z->watermark, sizeof(zi->watermark));
	memcpy(zi->lowmem_reserve, z->lowmem_reserve, sizeof(zi->lowmem_reserve));
	zi->nr_zones = b->nr_zones;
	zi->nr_free_pages = z->nr_free_pages > 0 ? (uint64_t)z->nr_free_pages : 0;
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		zi->nr_free[o] = z->free_area[o].nr_free;
		memcpy(zi->nr_free_mt[o], z->free_area[o].nr_mt, sizeof(zi->nr_free_mt[o]));
	}
	count_blocks(b, z, zi->nr_blocks);
	zi->pcp_count = (uint64_t)z->pcp.count;
	zi->pcp_high = (uint64_t)z->pcp.high;
	zi->pcp_batch = (uint64_t)z->pcp.batch;
	zi->pgalloc = z->pgalloc;
	return 0;
}

void ptk_buddy_stats(const struct ptk_buddy *b, struct ptk_buddy_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->min_free_kbytes = b->min_free_kbytes;
	st->pageblock_order = b->pageblock_order;
	st->totalreserve_pages = b->totalreserve_pages;
	for (unsigned int i = 0; i < b->nr_zones; i++) {
		const struct zone *z = &b->zones[i];

		st->totalram_pages += z->managed_pages;
		if (z->kind == ZK_HIGHMEM)
			st->totalhigh_pages += z->managed_pages;
		st->nr_free_pages += z->nr_free_pages > 0 ? (uint64_t)z->nr_free_pages : 0;
		st->nr_allocated_pages += z->nr_allocated;
	}
	st->nr_page_table_pages = b->nr_page_table_pages;
	st->pgfree = b->pgfree;
	st->pgalloc_fail = b->pgalloc_fail;
	st->nr_online_sections_added = b->sections_added;
	st->nr_sections_removed = b->sections_removed;
}

int ptk_buddy_pageblock_migratetype(const struct ptk_buddy *b, uint64_t pfn,
				    enum ptk_migratetype *mt)
{
	if (!pfn_bsec(b, pfn))
		return -EINVAL;
	*mt = (enum ptk_migratetype)get_pageblock_migratetype(b, pfn);
	return 0;
}

struct ptk_error *ptk_buddy_error(struct ptk_buddy *b)
{
	return &b->err;
}
