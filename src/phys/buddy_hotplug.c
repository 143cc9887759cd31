// SPDX-License-Identifier: MIT
/*
 * Memory hotplug of one section, as mm/memory_hotplug.c and
 * mm/page_isolation.c do it in Linux 6.1: online_pages() moves the range
 * into a zone with its pageblocks isolated, frees it in max-order blocks
 * and then un-isolates it; offline_pages() isolates the range, takes its
 * free pages off the lists and shrinks the zone.  Nothing is migrated, so a
 * section with a page in use cannot go offline (-EBUSY).
 */
#include <inttypes.h>

#include "phys/buddy_priv.h"

static uint64_t sec_pages(const struct ptk_buddy *b)
{
	return 1ull << b->sec_shift;
}

static int check_sparse(struct ptk_buddy *b)
{
	if (b->kind == PTK_MM_FLATMEM)
		return ptk_err(&b->err, -EOPNOTSUPP, "memory hotplug needs a SPARSEMEM model");
	return 0;
}

/* default_kernel_zone_for_pfn(): a zone below Normal that the range
 * intersects, else Normal. */
static struct zone *zone_for_pfn_range(struct ptk_buddy *b, uint64_t start, uint64_t n)
{
	int normal = b->zone_of_kind[ZK_NORMAL];

	for (int zi = 0; zi < normal; zi++) {
		struct zone *z = &b->zones[zi];

		if (z->spanned_pages && start < zone_end_pfn(z) && start + n > z->zone_start_pfn)
			return z;
	}
	return &b->zones[normal];
}

/* resize_zone_range(): grow the span to cover [start, end). */
static void resize_zone_range(struct zone *z, uint64_t start, uint64_t end)
{
	uint64_t old_end = zone_end_pfn(z);

	if (!z->spanned_pages) {
		z->zone_start_pfn = start;
		z->spanned_pages = end - start;
		return;
	}
	if (start < z->zone_start_pfn)
		z->zone_start_pfn = start;
	z->spanned_pages = (end > old_end ? end : old_end) - z->zone_start_pfn;
}

/* unset_migratetype_isolate() for each pageblock of the range. */
static void undo_isolate_page_range(struct ptk_buddy *b, struct zone *z, uint64_t start,
				    uint64_t end, int mt)
{
	for (uint64_t pfn = start; pfn < end; pfn += b->pageblock_nr_pages) {
		uint64_t n = move_freepages_block(b, z, pfn, mt, NULL);

		__mod_zone_freepage_state(z, (int64_t)n, mt);
		set_pageblock_migratetype(b, pfn, mt);
		z->nr_isolate_pageblock--;
	}
}

/* start_isolate_page_range() once every page is known to be free. */
static void isolate_page_range(struct ptk_buddy *b, struct zone *z, uint64_t start, uint64_t end)
{
	for (uint64_t pfn = start; pfn < end; pfn += b->pageblock_nr_pages) {
		uint64_t n = move_freepages_block(b, z, pfn, MIGRATE_ISOLATE, NULL);

		__mod_zone_freepage_state(z, -(int64_t)n, MIGRATE_ISOLATE);
		set_pageblock_migratetype(b, pfn, MIGRATE_ISOLATE);
		z->nr_isolate_pageblock++;
	}
}

/* The order of a block of at least size bytes aligned to align. */
static unsigned int memmap_order(uint64_t size, uint64_t align)
{
	unsigned int order = 0;

	while ((PTK_PAGE_SIZE << order) < size || (PTK_PAGE_SIZE << order) < align)
		order++;
	return order;
}

/* vmemmap_populate() of a hot-added section: its struct pages come from
 * the buddy allocator (GFP_KERNEL, naturally aligned blocks). */
static int memmap_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
	struct ptk_buddy *b = ctx;
	unsigned int order = memmap_order(size, align);
	uint64_t pfn;
	int ret;

	if (order >= MAX_ORDER)
		return -ENOMEM;
	ret = ptk_alloc_pages(b, PTK_GFP_KERNEL, order, &pfn);
	if (!ret)
		*pa = pfn << PTK_PAGE_SHIFT;
	return ret;
}

/* A removed section's struct pages back to the allocator: blocks it gave,
 * or a boot-time mem_map's reserved pages (free_map_bootmem). */
static void memmap_free(void *ctx, uint64_t pa, uint64_t size, bool boot_memmap)
{
	struct ptk_buddy *b = ctx;
	uint64_t pfn = pa >> PTK_PAGE_SHIFT;

	if (!boot_memmap) {
		(void)ptk_free_pages(b, pfn, memmap_order(size, 0));
		return;
	}
	for (uint64_t i = 0; i < (size + PTK_PAGE_SIZE - 1) >> PTK_PAGE_SHIFT; i++)
		(void)ptk_free_reserved_page(b, pfn + i);
}

const struct ptk_mm_memmap_ops buddy_memmap_ops = {
	.alloc = memmap_alloc,
	.free = memmap_free,
};

int ptk_buddy_online_section(struct ptk_buddy *b, uint64_t section_nr)
{
	uint64_t start = section_nr << b->sec_shift, end = start + sec_pages(b);
	struct zone *z;
	int ret = check_sparse(b);

	if (ret)
		return ret;
	if (!ptk_phys_is_ram(b->ph, start << PTK_PAGE_SHIFT, sec_pages(b) << PTK_PAGE_SHIFT))
		return ptk_err(&b->err, -EINVAL, "section %" PRIu64 " is not all RAM", section_nr);
	ret = ptk_mm_section_add(b->mm, section_nr);
	if (ret)
		return ptk_err(&b->err, ret, "%s", ptk_mm_error(b->mm)->msg);
	ret = buddy_sec_add(b, section_nr);
	if (ret) {
		ptk_mm_section_remove(b->mm, section_nr);
		return ret;
	}
	z = zone_for_pfn_range(b, start, sec_pages(b));
	resize_zone_range(z, start, end);	/* move_pfn_range_to_zone() */
	buddy_memmap_init_range(b, z, start, end);
	for (uint64_t pfn = start; pfn < end; pfn += b->pageblock_nr_pages)
		set_pageblock_migratetype(b, pfn, MIGRATE_ISOLATE);
	z->nr_isolate_pageblock += sec_pages(b) >> b->pageblock_order;
	z->present_pages += sec_pages(b);
	for (uint64_t pfn = start; pfn < end; pfn += 1ull << (MAX_ORDER - 1))
		__free_pages_core(b, z, pfn, MAX_ORDER - 1);	/* generic_online_page() */
	undo_isolate_page_range(b, z, start, end, MIGRATE_MOVABLE);
	init_per_zone_wmark_min(b);
	b->sections_added++;
	return 0;
}

/* Every page of the range free in the buddy lists of zone z. */
static int check_all_free(struct ptk_buddy *b, struct zone *z, uint64_t start, uint64_t end)
{
	for (uint64_t pfn = start; pfn < end;) {
		uint8_t *page = pfn_to_page(b, pfn);

		if (buddy_pfn_zone(b, pfn) != z || !PageBuddy(page))
			return ptk_err(&b->err, -EBUSY,
				       "section %" PRIu64 ": pfn %#" PRIx64 " is in use or reserved",
				       start >> b->sec_shift, pfn);
		pfn += 1ull << buddy_order(page);
	}
	return 0;
}

/* __offline_isolated_pages(): the free blocks off the isolate lists. */
static void offline_isolated_pages(struct ptk_buddy *b, struct zone *z, uint64_t start,
				   uint64_t end)
{
	for (uint64_t pfn = start; pfn < end;) {
		uint8_t *page = pfn_to_page(b, pfn);
		unsigned int order = buddy_order(page);

		del_page_from_free_list(b, z, pfn, page, order, MIGRATE_ISOLATE);
		pfn += 1ull << order;
	}
	z->nr_isolate_pageblock -= (end - start) >> b->pageblock_order;
}

/* shrink_zone_span(): the span over the sections still holding the zone. */
static void shrink_zone_span(struct ptk_buddy *b, struct zone *z)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (uint64_t pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);
	     pfn = ((pfn >> b->sec_shift) + 1) << b->sec_shift) {
		uint64_t sec_end = ((pfn >> b->sec_shift) + 1) << b->sec_shift;

		if (!pfn_bsec(b, pfn))
			continue;
		if (lo == UINT64_MAX)
			lo = pfn;
		hi = sec_end < zone_end_pfn(z) ? sec_end : zone_end_pfn(z);
	}
	z->zone_start_pfn = lo == UINT64_MAX ? 0 : lo;
	z->spanned_pages = lo == UINT64_MAX ? 0 : hi - lo;
}

int ptk_buddy_offline_section(struct ptk_buddy *b, uint64_t section_nr)
{
	uint64_t start = section_nr << b->sec_shift, end = start + sec_pages(b);
	struct zone *z;
	int ret = check_sparse(b);

	if (ret)
		return ret;
	if (!ptk_mm_present_section_nr(b->mm, section_nr) || !pfn_bsec(b, start))
		return ptk_err(&b->err, -ENOENT, "section %" PRIu64 " is not present", section_nr);
	z = buddy_pfn_zone(b, start);
	if (!z)
		return ptk_err(&b->err, -EBUSY, "section %" PRIu64 " starts outside a zone",
			       section_nr);
	drain_zone_pages(b, z);		/* zone_pcp_disable() */
	ret = check_all_free(b, z, start, end);
	if (ret)
		return ret;
	isolate_page_range(b, z, start, end);
	offline_isolated_pages(b, z, start, end);
	adjust_managed_page_count(b, z, -(int64_t)sec_pages(b));
	z->present_pages -= sec_pages(b);
	ptk_mm_section_remove(b->mm, section_nr);
	buddy_sec_remove(b, section_nr);
	shrink_zone_span(b, z);
	init_per_zone_wmark_min(b);
	b->sections_removed++;
	return 0;
}
