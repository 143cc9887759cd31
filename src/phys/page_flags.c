// SPDX-License-Identifier: MIT
/*
 * struct page as Linux 6.1 lays it out on x86-64 (include/linux/mm_types.h)
 * and the helpers of include/linux/page-flags.h and include/linux/mm.h
 * that read it.  See include/ptkit/mm_model.h.
 */
#include <string.h>

#include <ptkit/error.h>
#include <ptkit/mm_model.h>
#include <ptkit/phys.h>

_Static_assert(PTK_PAGE_OFF_MEMCG + sizeof(uint64_t) == PTK_STRUCT_PAGE_SIZE,
	       "struct page encodes to 64 bytes, as on x86-64");

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void ptk_page_encode(const struct ptk_page *page, uint8_t out[PTK_STRUCT_PAGE_SIZE])
{
	put_le(out + PTK_PAGE_OFF_FLAGS, page->flags, 8);
	put_le(out + PTK_PAGE_OFF_LRU_NEXT, page->lru_next, 8);
	put_le(out + PTK_PAGE_OFF_LRU_PREV, page->lru_prev, 8);
	put_le(out + PTK_PAGE_OFF_MAPPING, page->mapping, 8);
	put_le(out + PTK_PAGE_OFF_INDEX, page->index, 8);
	put_le(out + PTK_PAGE_OFF_PRIVATE, page->private_, 8);
	put_le(out + PTK_PAGE_OFF_MAPCOUNT, page->page_type, 4);
	put_le(out + PTK_PAGE_OFF_REFCOUNT, (uint32_t)page->refcount, 4);
	put_le(out + PTK_PAGE_OFF_MEMCG, page->memcg_data, 8);
}

void ptk_page_decode(const uint8_t in[PTK_STRUCT_PAGE_SIZE], struct ptk_page *page)
{
	memset(page, 0, sizeof(*page));
	page->flags = get_le(in + PTK_PAGE_OFF_FLAGS, 8);
	page->lru_next = get_le(in + PTK_PAGE_OFF_LRU_NEXT, 8);
	page->lru_prev = get_le(in + PTK_PAGE_OFF_LRU_PREV, 8);
	page->mapping = get_le(in + PTK_PAGE_OFF_MAPPING, 8);
	page->index = get_le(in + PTK_PAGE_OFF_INDEX, 8);
	page->private_ = get_le(in + PTK_PAGE_OFF_PRIVATE, 8);
	page->page_type = (uint32_t)get_le(in + PTK_PAGE_OFF_MAPCOUNT, 4);
	page->refcount = (int32_t)(uint32_t)get_le(in + PTK_PAGE_OFF_REFCOUNT, 4);
	page->memcg_data = get_le(in + PTK_PAGE_OFF_MEMCG, 8);
}

int ptk_page_read(const struct ptk_phys *ph, uint64_t pa, struct ptk_page *page,
		  struct ptk_error *err)
{
	uint8_t raw[PTK_STRUCT_PAGE_SIZE];
	int ret = ptk_phys_read(ph, pa, raw, sizeof(raw));

	if (ret)
		return ptk_err(err, ret, "struct page at 0x%llx is not in RAM",
			       (unsigned long long)pa);
	ptk_page_decode(raw, page);
	return 0;
}

int ptk_page_write(struct ptk_phys *ph, uint64_t pa, const struct ptk_page *page,
		   struct ptk_error *err)
{
	uint8_t raw[PTK_STRUCT_PAGE_SIZE];
	int ret;

	ptk_page_encode(page, raw);
	ret = ptk_phys_write(ph, pa, raw, sizeof(raw));
	if (ret)
		return ptk_err(err, ret, "cannot write struct page at 0x%llx",
			       (unsigned long long)pa);
	return 0;
}

bool ptk_page_test_flag(const struct ptk_page *page, enum ptk_pageflags bit)
{
	return (page->flags >> bit) & 1;
}

void ptk_page_set_flag(struct ptk_page *page, enum ptk_pageflags bit)
{
	page->flags |= 1ull << bit;
}

void ptk_page_clear_flag(struct ptk_page *page, enum ptk_pageflags bit)
{
	page->flags &= ~(1ull << bit);
}

/* PageType(): the type bits are inverted so that a _mapcount of -1 (all
 * ones) means "no type" (include/linux/page-flags.h, 6.1). */
bool ptk_page_has_type(const struct ptk_page *page, uint32_t type)
{
	return (page->page_type & (PTK_PAGE_TYPE_BASE | type)) == PTK_PAGE_TYPE_BASE;
}

void ptk_page_set_type(struct ptk_page *page, uint32_t type)
{
	page->page_type &= ~type;
}

void ptk_page_clear_type(struct ptk_page *page, uint32_t type)
{
	page->page_type |= type;
}

static uint64_t field_mask(unsigned int width)
{
	return width ? (~0ull >> (64 - width)) : 0;
}

/* A field of width 0 sits at pgoff BITS_PER_LONG: never shift by it. */
static uint64_t get_field(const struct ptk_page *page, unsigned int pgoff, unsigned int width)
{
	return width ? (page->flags >> pgoff) & field_mask(width) : 0;
}

static void set_field(struct ptk_page *page, unsigned int pgoff, unsigned int width,
		      uint64_t val)
{
	uint64_t mask = field_mask(width);

	if (!width)
		return;
	page->flags &= ~(mask << pgoff);
	page->flags |= (val & mask) << pgoff;
}

/* page_zonenum(), include/linux/mm.h */
unsigned int ptk_page_zonenum(const struct ptk_page_layout *l, const struct ptk_page *page)
{
	return (unsigned int)get_field(page, l->zones_pgoff, l->zones_width);
}

/* page_to_nid() with NODES_WIDTH > 0 */
unsigned int ptk_page_to_nid(const struct ptk_page_layout *l, const struct ptk_page *page)
{
	return (unsigned int)get_field(page, l->nodes_pgoff, l->nodes_width);
}

/* page_to_section(): only classic SPARSEMEM keeps the section here. */
uint64_t ptk_page_to_section(const struct ptk_page_layout *l, const struct ptk_page *page)
{
	return get_field(page, l->sections_pgoff, l->sections_width);
}

/* set_page_links(), include/linux/mm.h: zone, node and (classic
 * SPARSEMEM) section of the page. */
void ptk_set_page_links(const struct ptk_page_layout *l, struct ptk_page *page,
			unsigned int zone, unsigned int nid, uint64_t pfn)
{
	set_field(page, l->zones_pgoff, l->zones_width, zone);
	set_field(page, l->nodes_pgoff, l->nodes_width, nid);
	set_field(page, l->sections_pgoff, l->sections_width, pfn >> l->pfn_section_shift);
}

/* include/trace/events/mmflags.h names them for %pGp. */
static const char *const pageflag_names[PTK_NR_PAGEFLAGS] = {
	[PTK_PG_locked] = "locked",		[PTK_PG_referenced] = "referenced",
	[PTK_PG_uptodate] = "uptodate",		[PTK_PG_dirty] = "dirty",
	[PTK_PG_lru] = "lru",			[PTK_PG_active] = "active",
	[PTK_PG_workingset] = "workingset",	[PTK_PG_waiters] = "waiters",
	[PTK_PG_error] = "error",		[PTK_PG_slab] = "slab",
	[PTK_PG_owner_priv_1] = "owner_priv_1",	[PTK_PG_arch_1] = "arch_1",
	[PTK_PG_reserved] = "reserved",		[PTK_PG_private] = "private",
	[PTK_PG_private_2] = "private_2",	[PTK_PG_writeback] = "writeback",
	[PTK_PG_head] = "head",			[PTK_PG_mappedtodisk] = "mappedtodisk",
	[PTK_PG_reclaim] = "reclaim",		[PTK_PG_swapbacked] = "swapbacked",
	[PTK_PG_unevictable] = "unevictable",	[PTK_PG_mlocked] = "mlocked",
};

const char *ptk_pageflag_name(unsigned int bit)
{
	return bit < PTK_NR_PAGEFLAGS ? pageflag_names[bit] : NULL;
}
