// SPDX-License-Identifier: MIT
/*
 * Setting the allocator up as Linux 6.1 boots it: free_area_init() lays out
 * the zones and initialises every struct page (memmap_init: zone links,
 * PG_reserved, pageblocks MIGRATE_MOVABLE), memblock_free_all() hands the
 * free memory over, init_per_zone_wmark_min() sets the watermarks.  Also
 * the host bookkeeping per section (where its struct pages are in the host,
 * the pageblock types, the allocation orders).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "phys/buddy_priv.h"
#include "phys/store.h"

#define DEFAULT_PAGEBLOCK_ORDER	9u
#define GROUP_BYTES		(PAGES_PER_GROUP * PTK_STRUCT_PAGE_SIZE)

static uint64_t pfn_up(uint64_t pa) { return (pa + PTK_PAGE_SIZE - 1) >> PTK_PAGE_SHIFT; }
static uint64_t pfn_down(uint64_t pa) { return pa >> PTK_PAGE_SHIFT; }

/* ---- host bookkeeping of sections ---- */

uint8_t *buddy_page_slow(struct ptk_buddy *b, uint64_t pfn)
{
	uint64_t pa;

	if (!ptk_mm_pfn_valid(b->mm, pfn) || ptk_mm_pfn_to_page_pa(b->mm, pfn, &pa))
		return NULL;
	return phys_bytes_for_write(b->ph, pa, PTK_STRUCT_PAGE_SIZE);
}

/* Classic SPARSEMEM's page pointer is the record's physical address; the
 * section is in its flags, as page_to_pfn() finds it. */
uint64_t buddy_ptr_to_pfn_sparse(struct ptk_buddy *b, uint64_t ptr)
{
	const struct ptk_page_layout *l = b->layout;
	uint64_t flags = 0, nr;

	(void)phys_read64(b->ph, ptr, &flags);
	nr = (flags >> l->sections_pgoff) & ((1ull << l->sections_width) - 1);
	return (ptr - b->sec[nr]->ptr_base) / PTK_STRUCT_PAGE_SIZE;
}

static uint64_t pages_per_sec(const struct ptk_buddy *b)
{
	return 1ull << b->sec_shift;
}

/* Whether every pfn of [pfn, pfn + n) has a struct page. */
static bool has_memmap(struct ptk_buddy *b, uint64_t pfn, uint64_t n)
{
	if (b->kind == PTK_MM_FLATMEM) {
		uint64_t off = ptk_mm_arch_pfn_offset(b->mm);

		return pfn >= off && pfn + n <= off + ptk_mm_max_mapnr(b->mm);
	}
	return ptk_mm_valid_section_nr(b->mm, pfn >> b->sec_shift);
}

static uint64_t sec_ptr_base(struct ptk_buddy *b, uint64_t nr)
{
	if (b->kind == PTK_MM_SPARSEMEM)
		return ptk_mm_section_mem_map(b->mm, nr) & PTK_SECTION_MAP_MASK;
	return b->flat_ptr_base;
}

static int grow_secs(struct ptk_buddy *b, uint64_t nr)
{
	struct bsec **s;

	if (nr < b->nr_secs)
		return 0;
	s = realloc(b->sec, (nr + 1) * sizeof(*s));
	if (!s)
		return ptk_err(&b->err, -ENOMEM, "out of host memory for section bookkeeping");
	for (uint64_t i = b->nr_secs; i <= nr; i++)
		s[i] = NULL;
	b->sec = s;
	b->nr_secs = nr + 1;
	return 0;
}

static void free_bsec(struct bsec *s)
{
	if (s) {
		free(s->mt);
		free(s->ord);
		free(s);
	}
}

/* Cache the host address of each 64 struct pages that lie whole in one
 * 2 MiB chunk of simulated RAM; the others take the slow path. */
static void map_groups(struct ptk_buddy *b, struct bsec *s, uint64_t nr)
{
	uint64_t groups = pages_per_sec(b) / PAGES_PER_GROUP;

	for (uint64_t g = 0; g < groups; g++) {
		uint64_t pfn = (nr << b->sec_shift) + g * PAGES_PER_GROUP, pa;

		s->host[g] = NULL;
		if (has_memmap(b, pfn, PAGES_PER_GROUP) && !ptk_mm_pfn_to_page_pa(b->mm, pfn, &pa))
			s->host[g] = phys_bytes_for_write(b->ph, pa, GROUP_BYTES);
	}
}

int buddy_sec_add(struct ptk_buddy *b, uint64_t nr)
{
	uint64_t groups = pages_per_sec(b) / PAGES_PER_GROUP;
	struct bsec *s;
	int ret = grow_secs(b, nr);

	if (ret)
		return ret;
	s = calloc(1, sizeof(*s) + groups * sizeof(s->host[0]));
	if (s) {
		s->mt = calloc(pages_per_sec(b) >> b->pageblock_order, 1);
		s->ord = calloc(pages_per_sec(b), 1);
	}
	if (!s || !s->mt || !s->ord) {
		free_bsec(s);
		return ptk_err(&b->err, -ENOMEM, "out of host memory for section bookkeeping");
	}
	s->ptr_base = sec_ptr_base(b, nr);
	map_groups(b, s, nr);
	b->sec[nr] = s;
	return 0;
}

void buddy_sec_remove(struct ptk_buddy *b, uint64_t nr)
{
	free_bsec(b->sec[nr]);
	b->sec[nr] = NULL;
}

static int init_secs(struct ptk_buddy *b)
{
	uint64_t end = pfn_down(ptk_memblock_end_of_DRAM(b->mb));

	for (uint64_t nr = 0; nr <= (end ? end - 1 : 0) >> b->sec_shift; nr++) {
		uint64_t pfn = nr << b->sec_shift;
		bool any = b->kind == PTK_MM_FLATMEM ?
			   pfn + pages_per_sec(b) > ptk_mm_arch_pfn_offset(b->mm) &&
			   pfn < ptk_mm_arch_pfn_offset(b->mm) + ptk_mm_max_mapnr(b->mm) :
			   has_memmap(b, pfn, 1);
		int ret = any ? buddy_sec_add(b, nr) : 0;

		if (ret)
			return ret;
	}
	return 0;
}

/* ---- memmap_init ---- */

/* __init_single_page() for a page of zone z, keeping its node and section
 * links: refcount 1, no mapcount, lru pointing at itself, PG_reserved
 * until memory says otherwise. */
static void init_single_page(struct ptk_buddy *b, uint8_t *raw, uint64_t pfn, unsigned int zone)
{
	struct ptk_page old, page = { 0 };
	uint64_t self = pfn_to_ptr(b, pfn) + PTK_PAGE_OFF_LRU_NEXT;

	ptk_page_decode(raw, &old);
	ptk_set_page_links(b->layout, &page, zone, ptk_page_to_nid(b->layout, &old), pfn);
	page.refcount = 1;
	page.mapcount = -1;
	page.lru_next = page.lru_prev = self;
	ptk_page_set_flag(&page, PTK_PG_reserved);
	ptk_page_encode(&page, raw);
}

void buddy_memmap_init_range(struct ptk_buddy *b, struct zone *z, uint64_t start, uint64_t end)
{
	for (uint64_t pfn = start; pfn < end; pfn++) {
		uint8_t *page = pfn_bsec(b, pfn) ? pfn_to_page(b, pfn) : NULL;

		if (page)
			init_single_page(b, page, pfn, z->idx);
	}
}

static void set_reserved(struct ptk_buddy *b, uint64_t start, uint64_t end, bool reserved)
{
	for (uint64_t pfn = start; pfn < end; pfn++) {
		uint8_t *page = pfn_bsec(b, pfn) && buddy_pfn_zone(b, pfn) ? pfn_to_page(b, pfn) : NULL;
		uint64_t bit = 1ull << PTK_PG_reserved;

		if (page)
			pg_set64(page, PTK_PAGE_OFF_FLAGS,
				 reserved ? PG_FLAGS(page) | bit : PG_FLAGS(page) & ~bit);
	}
}

/* memmap_init_range(): pageblocks whose first page is memory start out
 * MIGRATE_MOVABLE (those starting in a hole stay 0, unmovable). */
static void init_pageblocks(struct ptk_buddy *b, uint64_t start, uint64_t end)
{
	uint64_t pfn = (start + b->pageblock_nr_pages - 1) & ~(b->pageblock_nr_pages - 1);

	for (; pfn < end; pfn += b->pageblock_nr_pages)
		if (buddy_pfn_zone(b, pfn))
			set_pageblock_migratetype(b, pfn, MIGRATE_MOVABLE);
}

/* memmap_init() and reserve_bootmem_region(): every page of every zone,
 * then memory made ordinary, then memblock.reserved marked again. */
static void memmap_init(struct ptk_buddy *b)
{
	size_t nmem = ptk_memblock_count(b->mb, PTK_MEMBLOCK_MEMORY);
	size_t nres = ptk_memblock_count(b->mb, PTK_MEMBLOCK_RESERVED);

	for (unsigned int i = 0; i < b->nr_zones; i++)
		buddy_memmap_init_range(b, &b->zones[i], b->zones[i].zone_start_pfn,
					zone_end_pfn(&b->zones[i]));
	for (size_t i = 0; i < nmem; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(b->mb, PTK_MEMBLOCK_MEMORY, i);

		set_reserved(b, pfn_up(r.base), pfn_down(r.base + r.size), false);
		init_pageblocks(b, pfn_up(r.base), pfn_down(r.base + r.size));
	}
	for (size_t i = 0; i < nres; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(b->mb, PTK_MEMBLOCK_RESERVED, i);

		set_reserved(b, pfn_down(r.base), pfn_up(r.base + r.size), true);
	}
}

/* ---- memblock_free_all ---- */

/* The zone spanning pfn (zone spans do not overlap). */
static struct zone *zone_spanning(struct ptk_buddy *b, uint64_t pfn)
{
	for (unsigned int i = 0; i < b->nr_zones; i++)
		if (zone_spans_pfn(&b->zones[i], pfn))
			return &b->zones[i];
	return NULL;
}

/* Free [pfn, end) in the largest naturally aligned blocks that stay in
 * one zone, as __free_pages_memory() does. */
void buddy_free_range(struct ptk_buddy *b, uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		struct zone *z = zone_spanning(b, pfn);
		uint64_t stop = end;
		unsigned int order = 0;

		if (!z) {
			pfn++;
			continue;
		}
		if (zone_end_pfn(z) < stop)
			stop = zone_end_pfn(z);
		while (order + 1 < MAX_ORDER && !(pfn & ((2ull << order) - 1)) &&
		       pfn + (2ull << order) <= stop)
			order++;
		__free_pages_core(b, z, pfn, order);
		pfn += 1ull << order;
	}
}

static void free_all_cb(void *ctx, uint64_t pfn, unsigned int order)
{
	buddy_free_range(ctx, pfn, pfn + (1ull << order));
}

/* build_all_zonelists(): grouping by mobility is off when there are fewer
 * pages than one pageblock per migratetype. */
static void set_mobility(struct ptk_buddy *b)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < b->nr_zones; i++)
		total += b->zones[i].managed_pages;
	b->mobility_disabled = total < b->pageblock_nr_pages * MIGRATE_TYPES;
}

/* ---- create / destroy ---- */

static void init_constants(struct ptk_buddy *b)
{
	const struct ptk_mm_params *p = ptk_mm_params_of(b->mm);
	const struct ptk_page_layout *l = b->layout;
	unsigned int w = l->zones_width + l->nodes_width;

	b->kind = p->kind;
	b->pageblock_order = p->pageblock_order ? p->pageblock_order : DEFAULT_PAGEBLOCK_ORDER;
	if (b->pageblock_order > MAX_ORDER - 1)
		b->pageblock_order = MAX_ORDER - 1;
	b->pageblock_nr_pages = 1ull << b->pageblock_order;
	b->pcp_thp = b->pageblock_order < MAX_ORDER - 1;
	b->poison1 = p->bits_per_long == 64 ? LIST_POISON1_64 : LIST_POISON1_32;
	b->poison2 = p->bits_per_long == 64 ? LIST_POISON2_64 : LIST_POISON2_32;
	b->zoneid_mask = w ? ((1ull << w) - 1) << l->zones_pgoff : 0;
	/* without zone bits, ZONES_PGOFF may be BITS_PER_LONG: no shift by it */
	b->zones_pgoff = l->zones_width ? l->zones_pgoff : 0;
	b->zones_mask = l->zones_width ? (1ull << l->zones_width) - 1 : 0;
	b->sec_shift = p->section_size_bits - PTK_PAGE_SHIFT;
	b->sec_mask = (1ull << b->sec_shift) - 1;
	if (b->kind == PTK_MM_FLATMEM)
		b->flat_ptr_base = ptk_mm_mem_map(b->mm) -
				   ptk_mm_arch_pfn_offset(b->mm) * PTK_STRUCT_PAGE_SIZE;
	else
		b->flat_ptr_base = ptk_mm_vmemmap(b->mm);
}

int ptk_buddy_create(struct ptk_buddy **out, struct ptk_mm_model *mm, struct ptk_memblock *mb,
		     struct ptk_phys *ph, struct ptk_error *err)
{
	struct ptk_buddy *b = calloc(1, sizeof(*b));
	int ret;

	if (!b)
		return ptk_err(err, -ENOMEM, "out of host memory for the buddy allocator");
	b->mm = mm;
	b->mb = mb;
	b->ph = ph;
	b->layout = ptk_mm_page_layout(mm);
	init_constants(b);
	ret = buddy_zones_init(b);
	if (!ret)
		gfp_zone_table_init(b);
	if (!ret)
		ret = init_secs(b);
	if (ret) {
		ptk_err(err, ret, "%s", b->err.msg);
		ptk_buddy_destroy(b);
		return ret;
	}
	memmap_init(b);
	ptk_memblock_free_all(mb, free_all_cb, b);
	set_mobility(b);
	init_per_zone_wmark_min(b);
	ptk_mm_set_memmap_ops(mm, &buddy_memmap_ops, b);
	*out = b;
	return 0;
}

void ptk_buddy_destroy(struct ptk_buddy *b)
{
	if (!b)
		return;
	ptk_mm_set_memmap_ops(b->mm, NULL, NULL);
	for (uint64_t nr = 0; nr < b->nr_secs; nr++)
		free_bsec(b->sec[nr]);
	free(b->sec);
	free(b);
}
