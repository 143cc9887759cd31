// SPDX-License-Identifier: MIT
/* phys/mm_model: struct page, page->flags links, FLATMEM, SPARSEMEM,
 * SPARSEMEM_VMEMMAP, hotplug, nodes, failure atomicity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/mm_model.h>

#include "ptk_test.h"

#define GiB		(1ull << 30)
#define MiB		(1ull << 20)
#define PAGE		PTK_PAGE_SIZE
#define SP		PTK_STRUCT_PAGE_SIZE
#define SECTION_PAGES	(1ull << (27 - PTK_PAGE_SHIFT))	/* x86-64, arm64 */
#define ROUND_TRIPS	2000

struct fx {
	struct ptk_phys *ph;
	struct ptk_memblock *mb;
	struct ptk_mm_model *mm;
};

/* The x86 machine with holes: 0-0x9efff, 1 MiB-3 GiB, 4-5 GiB. */
static const struct ptk_phys_range pc_ram[] = {
	{ 0, 0x9f000 }, { MiB, 3 * GiB - MiB }, { 4 * GiB, GiB },
};

/* Simulated RAM and a memblock of the same ranges, node nid[i] (NULL: none). */
static void machine(struct fx *f, const struct ptk_phys_range *ram, size_t n, const int *nid)
{
	struct ptk_error err = { 0 };

	memset(f, 0, sizeof(*f));
	if (ptk_phys_create(&f->ph, 52, ram, n, &err) || ptk_memblock_create(&f->mb, &err))
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ptk_memblock_add_node(f->mb, ram[i].base, ram[i].size,
						       nid ? nid[i] : PTK_MEMBLOCK_NO_NODE,
						       PTK_MEMBLOCK_NONE), 0);
}

static void model(struct fx *f, const struct ptk_mm_params *p)
{
	struct ptk_error err = { 0 };

	if (ptk_mm_create(&f->mm, p, f->mb, f->ph, &err))
		fail_msg("%s", err.msg);
}

static void teardown(struct fx *f)
{
	ptk_mm_destroy(f->mm);
	ptk_memblock_destroy(f->mb);
	ptk_phys_destroy(f->ph);
}

static void pc_machine(struct fx *f, enum ptk_mm_kind kind)
{
	struct ptk_mm_params p;

	ptk_mm_params_x86_64(&p, kind, false);
	machine(f, pc_ram, 3, NULL);
	model(f, &p);
}

/* A board with one RAM range and the model p over it. */
static void board(struct fx *f, const struct ptk_mm_params *p, uint64_t base, uint64_t size)
{
	const struct ptk_phys_range ram = { base, size };

	machine(f, &ram, 1, NULL);
	model(f, p);
}

static bool pfn_is_ram(const struct fx *f, uint64_t pfn)
{
	return ptk_phys_is_ram(f->ph, pfn * PAGE, PAGE);
}

/* pfn_to_page / page_to_pfn / page_to_phys round trips at random RAM pfns,
 * and the struct page there carries the links of its pfn. */
static void round_trips(struct fx *f, const char *name, uint64_t end_pfn)
{
	struct rng r = { ptk_test_seed(name, 0x6d6d) };
	const struct ptk_page_layout *l = ptk_mm_page_layout(f->mm);

	for (uint64_t i = 0; i < ptk_test_scale(ROUND_TRIPS); i++) {
		uint64_t pfn = rng_below(&r, end_pfn), page, back, phys;
		struct ptk_page pg;

		if (!pfn_is_ram(f, pfn))
			continue;
		assert_true(ptk_mm_pfn_valid(f->mm, pfn));
		assert_int_equal(ptk_mm_pfn_to_page(f->mm, pfn, &page), 0);
		assert_int_equal(ptk_mm_page_to_pfn(f->mm, page, &back), 0);
		assert_int_equal(back, pfn);
		assert_int_equal(ptk_mm_page_to_phys(f->mm, page, &phys), 0);
		assert_int_equal(phys, pfn * PAGE);
		assert_int_equal(ptk_mm_read_page(f->mm, pfn, &pg), 0);
		assert_int_equal(pg.refcount, 1);
		assert_int_equal(pg.mapcount, -1);
		assert_int_equal(pg.lru_next, page + PTK_PAGE_OFF_LRU_NEXT);
		if (l->sections_width)
			assert_int_equal(ptk_page_to_section(l, &pg), pfn >> 15);
	}
}

static void struct_page_round_trip_and_layout(void **state)
{
	struct ptk_page a = { 0 }, b;
	uint8_t raw[SP];
	struct rng r = { ptk_test_seed("struct_page", 1) };
	const struct ptk_phys_range ram = { 0, MiB };
	struct fx f;

	(void)state;
	assert_int_equal(sizeof(raw), 64);
	a.flags = 0x0102030405060708ull;
	a.lru_next = 0x1111;
	a.mapping = 0x3333;
	a.page_type = 0xabcdef01u;
	a.refcount = -2;
	a.memcg_data = 0x77;
	ptk_page_encode(&a, raw);
	assert_int_equal(raw[0], 0x08);				/* little-endian */
	assert_int_equal(raw[PTK_PAGE_OFF_LRU_NEXT], 0x11);
	assert_int_equal(raw[PTK_PAGE_OFF_MAPPING + 1], 0x33);
	assert_int_equal(raw[PTK_PAGE_OFF_MAPCOUNT], 0x01);
	assert_int_equal(raw[PTK_PAGE_OFF_REFCOUNT], 0xfe);
	assert_int_equal(raw[PTK_PAGE_OFF_MEMCG], 0x77);
	machine(&f, &ram, 1, NULL);
	for (int i = 0; i < 200; i++) {
		a.flags = rng_next(&r);
		a.lru_next = rng_next(&r);
		a.lru_prev = rng_next(&r);
		a.mapping = rng_next(&r);
		a.index = rng_next(&r);
		a.private_ = rng_next(&r);
		a.page_type = (uint32_t)rng_next(&r);
		a.refcount = (int32_t)(uint32_t)rng_next(&r);
		a.memcg_data = rng_next(&r);
		assert_int_equal(ptk_page_write(f.ph, 0x1000 + SP * (uint64_t)i, &a, NULL), 0);
		assert_int_equal(ptk_page_read(f.ph, 0x1000 + SP * (uint64_t)i, &b, NULL), 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	teardown(&f);
}

static void page_flags_and_types(void **state)
{
	struct ptk_page p = { 0 };

	(void)state;
	assert_int_equal(PTK_PG_reserved, 12);
	assert_int_equal(PTK_PG_head, 16);
	assert_int_equal(PTK_PG_mlocked, 21);
	ptk_page_set_flag(&p, PTK_PG_reserved);
	assert_int_equal(p.flags, 1ull << 12);
	assert_true(ptk_page_test_flag(&p, PTK_PG_reserved));
	ptk_page_clear_flag(&p, PTK_PG_reserved);
	assert_int_equal(p.flags, 0);
	p.mapcount = -1;
	assert_false(ptk_page_has_type(&p, PTK_PG_buddy));
	ptk_page_set_type(&p, PTK_PG_buddy);
	assert_int_equal(p.page_type, 0xffffff7fu);
	assert_true(ptk_page_has_type(&p, PTK_PG_buddy));
	assert_false(ptk_page_has_type(&p, PTK_PG_table));
	ptk_page_clear_type(&p, PTK_PG_buddy);
	assert_int_equal(p.mapcount, -1);
	p.mapcount = 0;		/* a mapped page has no type */
	assert_false(ptk_page_has_type(&p, PTK_PG_table));
}

/* Every small zone/node/section combination survives, flag bits too. */
static void check_links(const struct ptk_page_layout *l, unsigned int nr_zones)
{
	unsigned int nodes = l->nodes_width ? 8 : 1;
	uint64_t sections = l->sections_width ? 16 : 1;

	for (unsigned int z = 0; z < nr_zones; z++)
		for (unsigned int n = 0; n < nodes; n++)
			for (uint64_t s = 0; s < sections; s++) {
				struct ptk_page p = { .flags = 0x2fffff };

				ptk_set_page_links(l, &p, z, n, s << l->pfn_section_shift | 5);
				assert_int_equal(ptk_page_zonenum(l, &p), z);
				assert_int_equal(ptk_page_to_nid(l, &p), n);
				assert_int_equal(ptk_page_to_section(l, &p), s);
				assert_int_equal(p.flags & 0x3fffff, 0x2fffff);
			}
}

static void flags_packing_round_trip(void **state)
{
	struct fx f;
	struct ptk_mm_params p;
	const struct ptk_page_layout *l;

	(void)state;
	pc_machine(&f, PTK_MM_SPARSEMEM);
	l = ptk_mm_page_layout(f.mm);
	assert_int_equal(l->sections_width, 19);	/* 46 - 27 */
	assert_int_equal(l->sections_pgoff, 45);
	assert_int_equal(l->nodes_pgoff, 39);
	assert_int_equal(l->zones_pgoff, 37);
	check_links(l, 4);
	teardown(&f);
	pc_machine(&f, PTK_MM_SPARSEMEM_VMEMMAP);
	l = ptk_mm_page_layout(f.mm);
	assert_int_equal(l->sections_width, 0);		/* not with VMEMMAP */
	assert_int_equal(l->nodes_pgoff, 58);
	check_links(l, 4);
	teardown(&f);
	ptk_mm_params_arm32(&p, PTK_MM_SPARSEMEM, true, 0x80000000ull);
	board(&f, &p, 0x80000000ull, 256 * MiB);
	l = ptk_mm_page_layout(f.mm);
	assert_int_equal(l->sections_width, 8);		/* 36 - 28 */
	assert_int_equal(l->zones_pgoff, 22);
	assert_int_equal(ptk_mm_sections_per_root(f.mm), 512);	/* 8-byte mem_section */
	check_links(l, 3);
	teardown(&f);
}

static void flatmem_pc_with_holes(void **state)
{
	struct fx f;
	uint64_t rsv, page;
	char buf[256];
	struct ptk_page pg;
	struct ptk_mm_node nd;
	struct ptk_mm_params p;

	(void)state;
	ptk_mm_params_x86_64(&p, PTK_MM_FLATMEM, false);
	machine(&f, pc_ram, 3, NULL);
	rsv = ptk_memblock_reserved_size(f.mb);
	model(&f, &p);
	assert_int_equal(ptk_mm_arch_pfn_offset(f.mm), 0);
	assert_int_equal(ptk_mm_max_mapnr(f.mm), 0x140000);
	assert_int_equal(ptk_mm_memmap_bytes(f.mm), 0x140000 * SP);
	assert_int_equal(ptk_memblock_reserved_size(f.mb), rsv + 0x140000 * SP);
	assert_true(ptk_mm_pfn_valid(f.mm, 0));
	assert_true(ptk_mm_pfn_valid(f.mm, 0xa0));		/* a hole, but mapped */
	assert_true(ptk_mm_pfn_valid(f.mm, 0x13ffff));
	assert_false(ptk_mm_pfn_valid(f.mm, 0x140000));
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0x140000, &page), -EINVAL);
	assert_non_null(strstr(ptk_mm_error(f.mm)->msg, "ARCH_PFN_OFFSET + max_mapnr 0x140000"));
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0x100, &page), 0);
	assert_int_equal(page, ptk_mm_mem_map(f.mm) + 0x100 * SP);
	assert_true(ptk_mm_explain_pfn_to_page(f.mm, 0x100, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "- ARCH_PFN_OFFSET 0x0) * 64"));
	/* zones, holes reserved, free RAM not */
	assert_int_equal(ptk_mm_read_page(f.mm, 0xa0, &pg), 0);
	assert_true(ptk_page_test_flag(&pg, PTK_PG_reserved));
	assert_int_equal(ptk_page_zonenum(ptk_mm_page_layout(f.mm), &pg), 0);
	assert_int_equal(ptk_mm_read_page(f.mm, 0x1000, &pg), 0);
	assert_false(ptk_page_test_flag(&pg, PTK_PG_reserved));
	assert_int_equal(ptk_page_zonenum(ptk_mm_page_layout(f.mm), &pg), 1);
	assert_int_equal(ptk_mm_read_page(f.mm, 0x100000, &pg), 0);
	assert_int_equal(ptk_page_zonenum(ptk_mm_page_layout(f.mm), &pg), 2);
	/* the mem_map's own pages are reserved */
	assert_int_equal(ptk_mm_read_page(f.mm, ptk_mm_mem_map(f.mm) / PAGE, &pg), 0);
	assert_true(ptk_page_test_flag(&pg, PTK_PG_reserved));
	assert_int_equal(ptk_mm_page_to_pfn(f.mm, ptk_mm_mem_map(f.mm) - SP, &page), -EINVAL);
	assert_int_equal(ptk_mm_page_to_pfn(f.mm, ptk_mm_mem_map(f.mm) + 1, &page), -EINVAL);
	assert_int_equal(ptk_mm_node(f.mm, 0, &nd), 0);
	assert_int_equal(nd.node_start_pfn, 0);
	assert_int_equal(nd.node_spanned_pages, 0x140000);
	assert_int_equal(nd.node_present_pages, 0x9f + 0xbff00 + 0x40000);
	round_trips(&f, "flatmem_pc", 0x140000);
	teardown(&f);
}

static void flatmem_arm32_phys_offset(void **state)
{
	struct fx f;
	struct ptk_mm_params p;
	uint64_t page;
	char buf[256];

	(void)state;
	ptk_mm_params_arm32(&p, PTK_MM_FLATMEM, false, 0x80000000ull);
	board(&f, &p, 0x80000000ull, GiB);
	assert_int_equal(ptk_mm_arch_pfn_offset(f.mm), 0x80000);
	assert_int_equal(ptk_mm_max_mapnr(f.mm), 0x40000);
	assert_false(ptk_mm_pfn_valid(f.mm, 0x7ffff));
	assert_true(ptk_mm_pfn_valid(f.mm, 0x80000));
	assert_true(ptk_mm_pfn_valid(f.mm, 0xbffff));
	assert_false(ptk_mm_pfn_valid(f.mm, 0xc0000));
	assert_false(ptk_mm_pfn_valid(f.mm, 0));
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0x123, &page), -EINVAL);
	assert_string_equal(ptk_mm_error(f.mm)->msg,
			    "pfn 0x123 is not valid: below ARCH_PFN_OFFSET 0x80000");
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0x80000, &page), 0);
	assert_int_equal(page, ptk_mm_mem_map(f.mm));
	ptk_mm_explain_pfn_to_page(f.mm, 0x80000, buf, sizeof(buf));
	assert_non_null(strstr(buf, "(0x80000 - ARCH_PFN_OFFSET 0x80000) * 64"));
	round_trips(&f, "flatmem_arm32", 0xc0000);
	teardown(&f);
}

/* page_address(): PAGE_OFFSET + (pa - PHYS_OFFSET), values by hand from
 * asm/page_64_types.h (x86-64), _PAGE_OFFSET(VA_BITS) (arm64) and
 * CONFIG_VMSPLIT_3G (arm32); arm32 highmem starts at vmalloc_min. */
static void page_address_linear_map(void **state)
{
	struct fx f;
	struct ptk_mm_params p;
	uint64_t va, pfn;

	(void)state;
	pc_machine(&f, PTK_MM_SPARSEMEM_VMEMMAP);
	assert_int_equal(ptk_mm_page_address(f.mm, 0x12345, &va), 0);
	assert_int_equal(va, 0xffff888012345000ull);
	assert_int_equal(ptk_mm_virt_to_pfn(f.mm, va, &pfn), 0);
	assert_int_equal(pfn, 0x12345);
	assert_int_equal(ptk_mm_virt_to_pfn(f.mm, va + 8, &pfn), -EINVAL);
	teardown(&f);

	ptk_mm_params_arm64(&p, PTK_MM_SPARSEMEM_VMEMMAP, 48, 48, 0x40000000ull);
	board(&f, &p, 0x40000000ull, GiB);
	assert_int_equal(ptk_mm_page_address(f.mm, 0x40001, &va), 0);
	assert_int_equal(va, 0xffff000000001000ull);
	teardown(&f);

	/* 0x80000000 + 768 MiB = 0xb0000000: pfn 0xb0000 is the first highmem */
	ptk_mm_params_arm32(&p, PTK_MM_FLATMEM, true, 0x80000000ull);
	board(&f, &p, 0x80000000ull, 2 * GiB);
	assert_int_equal(ptk_mm_page_address(f.mm, 0xaffff, &va), 0);
	assert_int_equal(va, 0xeffff000ull);
	assert_int_equal(ptk_mm_page_address(f.mm, 0xb0000, &va), -EINVAL);
	assert_non_null(strstr(ptk_mm_error(f.mm)->msg, "highmem"));
	assert_int_equal(ptk_mm_virt_to_pfn(f.mm, 0xbfff0000ull, &pfn), -EINVAL);
	teardown(&f);
}

static void flatmem_ram_below_phys_offset_fails(void **state)
{
	struct fx f;
	struct ptk_mm_params p;
	const struct ptk_phys_range ram = { 0, 64 * MiB };
	struct ptk_error err = { 0 };

	(void)state;
	ptk_mm_params_arm32(&p, PTK_MM_FLATMEM, false, 0x80000000ull);
	machine(&f, &ram, 1, NULL);
	assert_int_equal(ptk_mm_create(&f.mm, &p, f.mb, f.ph, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "below PHYS_OFFSET 0x80000000"));
	f.mm = NULL;
	teardown(&f);
}

static void check_present_sections(struct fx *f)
{
	for (uint64_t nr = 0; nr < 48; nr++) {
		bool present = nr < 24 || (nr >= 32 && nr < 40);
		uint64_t smm = ptk_mm_section_mem_map(f->mm, nr);

		assert_int_equal(ptk_mm_present_section_nr(f->mm, nr), present);
		assert_int_equal(ptk_mm_valid_section_nr(f->mm, nr), present);
		assert_int_equal(ptk_mm_online_section_nr(f->mm, nr), present);
		assert_int_equal(smm & ~PTK_SECTION_MAP_MASK, present ? 0xf : 0);
	}
}

static void sparsemem_pc_with_holes(void **state)
{
	struct fx f;
	uint64_t page, pa, smm;
	char buf[256];

	(void)state;
	pc_machine(&f, PTK_MM_SPARSEMEM);
	assert_int_equal(ptk_mm_sections_per_root(f.mm), 256);
	assert_int_equal(ptk_mm_nr_mem_sections(f.mm), 1ull << 19);
	assert_int_equal(ptk_mm_pfn_to_section_nr(f.mm, 0x100000), 32);
	check_present_sections(&f);
	assert_int_equal(ptk_mm_memmap_bytes(f.mm), 32 * SECTION_PAGES * SP);
	assert_true(ptk_mm_pfn_valid(f.mm, 0xbffff));
	assert_false(ptk_mm_pfn_valid(f.mm, 0xc0000));
	assert_true(ptk_mm_pfn_valid(f.mm, 0x100000));
	assert_true(ptk_mm_pfn_valid(f.mm, 0x13ffff));
	assert_false(ptk_mm_pfn_valid(f.mm, 0x140000));
	assert_false(ptk_mm_pfn_valid(f.mm, 1ull << 40));
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0xc0000, &page), -EINVAL);
	assert_non_null(strstr(ptk_mm_error(f.mm)->msg, "section 24 has no mem_map"));
	/* sparse_encode_mem_map(): map - first pfn, decoded + pfn = page */
	smm = ptk_mm_section_mem_map(f.mm, 33);
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0x108000, &page), 0);
	assert_int_equal((smm & PTK_SECTION_MAP_MASK) + 0x108000 * SP, page);
	assert_int_equal(ptk_mm_pfn_to_page_pa(f.mm, 0x108000, &pa), 0);
	assert_int_equal(pa, page);
	assert_int_equal(page % PAGE, 0);
	ptk_mm_explain_pfn_to_page(f.mm, 0x108000, buf, sizeof(buf));
	assert_non_null(strstr(buf, "mem_section[0][33]"));
	round_trips(&f, "sparsemem_pc", 0x140000);
	teardown(&f);
}

static void sparsemem_hotplug(void **state)
{
	struct fx f;
	const struct ptk_phys_range ram[] = { { 0, 3 * GiB }, { 5 * GiB, 128 * MiB } };
	struct ptk_mm_params p;
	uint64_t rsv, cnt, page, pfn = 40 * SECTION_PAGES;
	struct ptk_page pg;

	(void)state;
	ptk_mm_params_x86_64(&p, PTK_MM_SPARSEMEM, false);
	machine(&f, ram, 1, NULL);	/* 5 GiB is RAM but not in memblock */
	model(&f, &p);
	rsv = ptk_memblock_reserved_size(f.mb);
	cnt = ptk_memblock_count(f.mb, PTK_MEMBLOCK_RESERVED);
	assert_false(ptk_mm_pfn_valid(f.mm, pfn));
	assert_int_equal(ptk_mm_section_add(f.mm, 40), 0);
	assert_true(ptk_mm_pfn_valid(f.mm, pfn));
	assert_true(ptk_mm_online_section_nr(f.mm, 40));
	assert_int_equal(ptk_mm_section_mem_map(f.mm, 40) & ~PTK_SECTION_MAP_MASK, 0x7);
	assert_int_equal(ptk_memblock_reserved_size(f.mb), rsv + SECTION_PAGES * SP);
	assert_int_equal(ptk_mm_read_page(f.mm, pfn + 7, &pg), 0);
	assert_true(ptk_page_test_flag(&pg, PTK_PG_reserved));
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, pfn + 7, &page), 0);
	assert_int_equal(ptk_mm_page_to_pfn(f.mm, page, &page), 0);
	assert_int_equal(page, pfn + 7);
	assert_int_equal(ptk_mm_section_add(f.mm, 40), -EEXIST);
	assert_int_equal(ptk_mm_section_remove(f.mm, 40), 0);
	assert_false(ptk_mm_pfn_valid(f.mm, pfn));
	assert_false(ptk_mm_present_section_nr(f.mm, 40));
	assert_int_equal(ptk_memblock_reserved_size(f.mb), rsv);
	assert_int_equal(ptk_memblock_count(f.mb, PTK_MEMBLOCK_RESERVED), cnt);
	assert_int_equal(ptk_mm_section_remove(f.mm, 40), -ENOENT);
	assert_int_equal(ptk_mm_section_add(f.mm, 1ull << 19), -EINVAL);
	teardown(&f);
}

struct cover {
	uint64_t nr[64], pa[64], size[64];
	size_t n;
};

static int collect(void *ctx, uint64_t va, uint64_t pa, uint64_t size)
{
	struct cover *c = ctx;

	assert_true(c->n < 64);
	c->nr[c->n] = (va - 0xffffea0000000000ull) / (SECTION_PAGES * SP);
	c->pa[c->n] = pa;
	c->size[c->n++] = size;
	return 0;
}

static void vmemmap_pc_with_holes(void **state)
{
	struct fx f;
	struct cover c = { .n = 0 };
	uint64_t page, pa;
	struct ptk_page pg;

	(void)state;
	pc_machine(&f, PTK_MM_SPARSEMEM_VMEMMAP);
	assert_int_equal(ptk_mm_vmemmap(f.mm), 0xffffea0000000000ull);
	check_present_sections(&f);
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0x100000, &page), 0);
	assert_int_equal(page, 0xffffea0000000000ull + 0x100000 * SP);
	assert_int_equal(ptk_mm_vmemmap_for_each(f.mm, collect, &c), 0);
	assert_int_equal(c.n, 32);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(c.nr[i], i < 24 ? i : i + 8);
		assert_int_equal(c.size[i], 2 * MiB);
		assert_int_equal(c.pa[i] % (2 * MiB), 0);
		assert_int_equal(ptk_mm_pfn_to_page_pa(f.mm, c.nr[i] * SECTION_PAGES + 3, &pa), 0);
		assert_int_equal(pa, c.pa[i] + 3 * SP);
	}
	assert_int_equal(ptk_mm_read_page(f.mm, 0x100000, &pg), 0);
	assert_int_equal(pg.lru_prev, page + PTK_PAGE_OFF_LRU_NEXT);
	assert_int_equal(ptk_mm_page_to_pfn(f.mm, page + 1, &pa), -EINVAL);
	assert_int_equal(ptk_mm_page_to_pfn(f.mm, page - 0x40000 * SP, &pa), -EINVAL);
	round_trips(&f, "vmemmap_pc", 0x140000);
	teardown(&f);
}

static void vmemmap_arm64_memstart(void **state)
{
	struct fx f;
	struct ptk_mm_params p;
	uint64_t page;

	(void)state;
	ptk_mm_params_arm64(&p, PTK_MM_SPARSEMEM_VMEMMAP, 48, 48, 0x40000000ull);
	assert_int_equal(p.vmemmap_start, 0xfffffc0000000000ull);
	board(&f, &p, 0x40000000ull, GiB);
	assert_int_equal(ptk_mm_pfn_to_page(f.mm, 0x40000, &page), 0);
	assert_int_equal(page, 0xfffffc0000000000ull);
	round_trips(&f, "vmemmap_arm64", 0x80000);
	teardown(&f);
}

static void nodes_from_memblock(void **state)
{
	struct fx f;
	const struct ptk_phys_range ram[] = { { 0, 2 * GiB }, { 4 * GiB, 2 * GiB } };
	const int nid[] = { 0, 1 };
	struct ptk_mm_params p;
	struct ptk_mm_node nd;
	struct ptk_page pg;

	(void)state;
	ptk_mm_params_x86_64(&p, PTK_MM_SPARSEMEM, false);
	machine(&f, ram, 2, nid);
	model(&f, &p);
	assert_int_equal(ptk_mm_nr_nodes(f.mm), 2);
	assert_int_equal(ptk_mm_node(f.mm, 1, &nd), 0);
	assert_int_equal(nd.node_start_pfn, 0x100000);
	assert_int_equal(nd.node_spanned_pages, 0x80000);
	assert_int_equal(nd.node_present_pages, 0x80000);
	assert_int_equal(ptk_mm_node(f.mm, 2, &nd), -EINVAL);
	assert_int_equal(ptk_mm_read_page(f.mm, 0x100001, &pg), 0);
	assert_int_equal(ptk_page_to_nid(ptk_mm_page_layout(f.mm), &pg), 1);
	assert_int_equal(ptk_mm_read_page(f.mm, 0x1001, &pg), 0);
	assert_int_equal(ptk_page_to_nid(ptk_mm_page_layout(f.mm), &pg), 0);
	teardown(&f);
}

/* Reserve [0, end - left): with the second range taken too, only `left`
 * bytes below end (and what was free above it) stay free. */
static void squeeze(struct fx *f, uint64_t end, uint64_t left)
{
	assert_int_equal(ptk_memblock_reserve(f->mb, 0, end - left), 0);
	assert_int_equal(ptk_memblock_reserve(f->mb, 256 * MiB, 128 * MiB), 0);
}

static void expect_create_fails(struct fx *f, enum ptk_mm_kind kind)
{
	struct ptk_mm_params p;
	struct ptk_error err = { 0 };
	uint64_t rsv = ptk_memblock_reserved_size(f->mb);
	size_t cnt = ptk_memblock_count(f->mb, PTK_MEMBLOCK_RESERVED);

	ptk_mm_params_x86_64(&p, kind, false);
	f->mm = NULL;
	assert_int_equal(ptk_mm_create(&f->mm, &p, f->mb, f->ph, &err), -ENOMEM);
	assert_null(f->mm);
	assert_non_null(strstr(err.msg, "cannot allocate"));
	assert_int_equal(ptk_memblock_reserved_size(f->mb), rsv);
	assert_int_equal(ptk_memblock_count(f->mb, PTK_MEMBLOCK_RESERVED), cnt);
}

static void allocation_failure_leaves_state_unchanged(void **state)
{
	struct fx f;
	const struct ptk_phys_range ram[] = { { 0, 128 * MiB }, { 256 * MiB, 128 * MiB } };
	struct ptk_mm_params p;

	(void)state;
	machine(&f, ram, 2, NULL);
	squeeze(&f, 128 * MiB, 3 * MiB);	/* one 2 MiB section map fits, not two */
	expect_create_fails(&f, PTK_MM_FLATMEM);
	expect_create_fails(&f, PTK_MM_SPARSEMEM);
	expect_create_fails(&f, PTK_MM_SPARSEMEM_VMEMMAP);
	assert_int_equal(ptk_memblock_free(f.mb, 0, 32 * MiB), 0);
	ptk_mm_params_x86_64(&p, PTK_MM_SPARSEMEM, false);
	model(&f, &p);
	squeeze(&f, 32 * MiB, 0);
	assert_int_equal(ptk_mm_section_add(f.mm, 5), -ENOMEM);
	assert_false(ptk_mm_present_section_nr(f.mm, 5));
	teardown(&f);
}

static void bad_parameters(void **state)
{
	struct fx f;
	struct ptk_mm_params p;
	struct ptk_error err = { 0 };

	(void)state;
	machine(&f, pc_ram, 3, NULL);
	ptk_mm_params_x86_64(&p, PTK_MM_SPARSEMEM, false);
	p.nr_zones = 0;
	assert_int_equal(ptk_mm_create(&f.mm, &p, f.mb, f.ph, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "MAX_NR_ZONES"));
	ptk_mm_params_x86_64(&p, PTK_MM_SPARSEMEM, false);
	p.max_physmem_bits = 32;		/* 4-5 GiB is beyond */
	assert_int_equal(ptk_mm_create(&f.mm, &p, f.mb, f.ph, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "above MAX_PHYSMEM_BITS 32"));
	ptk_mm_params_x86_64(&p, PTK_MM_SPARSEMEM, false);
	p.max_physmem_bits = 52;
	p.bits_per_long = 32;			/* 25 section bits cannot fit */
	assert_int_equal(ptk_mm_create(&f.mm, &p, f.mb, f.ph, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "SECTIONS_WIDTH 25"));
	assert_int_equal(ptk_memblock_reserved_size(f.mb), 0);
	f.mm = NULL;
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(struct_page_round_trip_and_layout),
		cmocka_unit_test(page_flags_and_types),
		cmocka_unit_test(flags_packing_round_trip),
		cmocka_unit_test(flatmem_pc_with_holes),
		cmocka_unit_test(flatmem_arm32_phys_offset),
		cmocka_unit_test(flatmem_ram_below_phys_offset_fails),
		cmocka_unit_test(page_address_linear_map),
		cmocka_unit_test(sparsemem_pc_with_holes),
		cmocka_unit_test(sparsemem_hotplug),
		cmocka_unit_test(vmemmap_pc_with_holes),
		cmocka_unit_test(vmemmap_arm64_memstart),
		cmocka_unit_test(nodes_from_memblock),
		cmocka_unit_test(allocation_failure_leaves_state_unchanged),
		cmocka_unit_test(bad_parameters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
