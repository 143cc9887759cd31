// SPDX-License-Identifier: MIT
/*
 * The memory models of Linux 6.1: where the struct page of a pfn lives.
 * See include/ptkit/mm_model.h.
 *
 *   FLATMEM          one mem_map over [ARCH_PFN_OFFSET, end of DRAM), as
 *                    alloc_node_mem_map() (mm/page_alloc.c) allocates it;
 *                    include/asm-generic/memory_model.h for the formulas.
 *   SPARSEMEM        SPARSEMEM_EXTREME's two-level mem_section[][] with the
 *                    section_mem_map encoding of mm/sparse.c.
 *   SPARSEMEM_VMEMMAP  one virtual array at vmemmap, backed section by
 *                    section (mm/sparse-vmemmap.c).
 *
 * Simplifications, each for a smaller model with the same formulas: every
 * sparse section gets its own memblock allocation (the kernel carves them
 * from one sparse_buffer per node), so a hot-removed section gives back
 * exactly its own pages; subsections are not modelled (a section is valid
 * as a whole); FLATMEM's mem_map ends at the end of DRAM rather than at the
 * next MAX_ORDER boundary; the mem_section root arrays live in host memory.
 *
 * Struct pages are initialised as memmap_init() leaves them in 6.1: every
 * page by __init_single_page() (zone/node/section links, _refcount 1,
 * _mapcount -1, lru pointing at itself), then PG_reserved on holes
 * (init_unavailable_range()) and on memblock.reserved, which includes the
 * mem_map arrays themselves (reserve_bootmem_region()).  Hot-added sections
 * are initialised as MEMINIT_HOTPLUG does: all PG_reserved.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/error.h>
#include <ptkit/memblock.h>
#include <ptkit/mm_model.h>
#include <ptkit/phys.h>

#define PAGE_SHIFT		PTK_PAGE_SHIFT
#define PAGE_SIZE		PTK_PAGE_SIZE
#define STRUCT_PAGE_SIZE	PTK_STRUCT_PAGE_SIZE
#define SMP_CACHE_BYTES		64ull		/* alloc_node_mem_map()'s align */
#define PMD_SIZE		(1ull << 21)	/* vmemmap_populate_hugepages() */
#define INIT_BATCH		64u		/* struct pages per RAM write */
#define NR_NODES_MAX		PTK_MEMBLOCK_NO_NODE
#define LRU_OFFSET		PTK_PAGE_OFF_LRU_NEXT

struct mm_section {
	uint64_t section_mem_map;	/* as struct mem_section */
	uint64_t memmap_pa;		/* simulated RAM backing the mem_map */
	uint64_t memmap_size;
	bool from_allocator;		/* mem_map from the page allocator, not memblock */
};

struct ptk_mm_model {
	struct ptk_mm_params p;
	struct ptk_page_layout layout;
	struct ptk_memblock *mb;
	struct ptk_phys *ph;
	uint64_t mem_map, arch_pfn_offset, max_mapnr;	/* FLATMEM */
	uint64_t vmemmap;				/* SPARSEMEM_VMEMMAP */
	struct mm_section **mem_section;		/* [NR_SECTION_ROOTS] */
	uint64_t nr_roots;
	struct ptk_mm_node node[NR_NODES_MAX];
	unsigned int nr_nodes;
	uint64_t memmap_bytes;
	const struct ptk_mm_memmap_ops *memmap_ops;	/* after memblock_free_all() */
	void *memmap_ctx;
	struct ptk_error err;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t pfn_up(uint64_t pa) { return align_up(pa, PAGE_SIZE) >> PAGE_SHIFT; }
static uint64_t pfn_down(uint64_t pa) { return pa >> PAGE_SHIFT; }

static bool is_sparse(const struct ptk_mm_model *m)
{
	return m->p.kind != PTK_MM_FLATMEM;
}

/* ZONES_SHIFT from MAX_NR_ZONES, include/linux/page-flags-layout.h */
static int zones_shift(unsigned int nr_zones)
{
	if (nr_zones < 2)
		return nr_zones ? 0 : -1;
	if (nr_zones <= 2)
		return 1;
	if (nr_zones <= 4)
		return 2;
	return nr_zones <= PTK_MM_MAX_ZONES ? 3 : -1;
}

/* The widths and offsets of page-flags-layout.h and mm.h.  A NODES_SHIFT
 * that does not fit would need NODE_NOT_IN_PAGE_FLAGS: not modelled. */
static int page_flags_layout(struct ptk_page_layout *l, const struct ptk_mm_params *p,
			     struct ptk_error *err)
{
	int zs = zones_shift(p->nr_zones);
	unsigned int room = p->bits_per_long - PTK_NR_PAGEFLAGS;

	if (zs < 0)
		return ptk_err(err, -EINVAL, "MAX_NR_ZONES %u is not in 1..%d",
			       p->nr_zones, PTK_MM_MAX_ZONES);
	memset(l, 0, sizeof(*l));
	l->bits_per_long = p->bits_per_long;
	l->pfn_section_shift = p->section_size_bits - PAGE_SHIFT;
	if (p->kind == PTK_MM_SPARSEMEM)
		l->sections_width = p->max_physmem_bits - p->section_size_bits;
	l->zones_width = (unsigned int)zs;
	l->nodes_width = p->nodes_shift;
	if (l->sections_width + l->zones_width + l->nodes_width > room)
		return ptk_err(err, -EINVAL,
			       "SECTIONS_WIDTH %u + NODES_WIDTH %u + ZONES_WIDTH %u > BITS_PER_LONG %u - NR_PAGEFLAGS %d",
			       l->sections_width, l->nodes_width, l->zones_width,
			       p->bits_per_long, PTK_NR_PAGEFLAGS);
	l->sections_pgoff = p->bits_per_long - l->sections_width;
	l->nodes_pgoff = l->sections_pgoff - l->nodes_width;
	l->zones_pgoff = l->nodes_pgoff - l->zones_width;
	return 0;
}

static int check_params(const struct ptk_mm_params *p, struct ptk_error *err)
{
	if (p->kind > PTK_MM_SPARSEMEM_VMEMMAP)
		return ptk_err(err, -EINVAL, "unknown memory model %d", (int)p->kind);
	if (p->bits_per_long != 32 && p->bits_per_long != 64)
		return ptk_err(err, -EINVAL, "BITS_PER_LONG %u is not 32 or 64",
			       p->bits_per_long);
	if (p->max_physmem_bits > PTK_PHYS_MAX_BITS)
		return ptk_err(err, -EINVAL, "MAX_PHYSMEM_BITS %u is above %d",
			       p->max_physmem_bits, PTK_PHYS_MAX_BITS);
	if (p->section_size_bits <= PAGE_SHIFT || p->section_size_bits > p->max_physmem_bits)
		return ptk_err(err, -EINVAL,
			       "SECTION_SIZE_BITS %u is not in (PAGE_SHIFT %d, MAX_PHYSMEM_BITS %u]",
			       p->section_size_bits, PAGE_SHIFT, p->max_physmem_bits);
	if (p->phys_offset & (PAGE_SIZE - 1))
		return ptk_err(err, -EINVAL, "PHYS_OFFSET 0x%" PRIx64 " is not page-aligned",
			       p->phys_offset);
	if (p->nodes_shift > 6)
		return ptk_err(err, -EINVAL, "NODES_SHIFT %u is above 6", p->nodes_shift);
	return 0;
}

/* ---- what memblock says exists ---- */

static unsigned int region_nid(const struct ptk_memblock_region *r)
{
	return r->nid == PTK_MEMBLOCK_NO_NODE ? 0 : (unsigned int)r->nid;
}

/* early_pfn_to_nid(): the node of the memory region holding pfn, or of the
 * last one before it for a hole. */
static unsigned int pfn_to_nid(const struct ptk_mm_model *m, uint64_t pfn)
{
	size_t n = ptk_memblock_count(m->mb, PTK_MEMBLOCK_MEMORY);
	unsigned int nid = 0;

	for (size_t i = 0; i < n; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(m->mb, PTK_MEMBLOCK_MEMORY, i);

		if (pfn_down(r.base) > pfn)
			break;
		nid = region_nid(&r);
	}
	return nid;
}

static bool pfn_in(const struct ptk_mm_model *m, enum ptk_memblock_type type, uint64_t pfn)
{
	size_t n = ptk_memblock_count(m->mb, type);

	for (size_t i = 0; i < n; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(m->mb, type, i);

		if (pfn >= pfn_down(r.base) && pfn < pfn_up(r.base + r.size))
			return true;
	}
	return false;
}

static unsigned int pfn_to_zone(const struct ptk_mm_model *m, uint64_t pfn)
{
	unsigned int z;

	for (z = 0; z + 1 < m->p.nr_zones; z++)
		if (pfn < m->p.zone_end_pfn[z])
			break;
	return z;
}

static void node_add_range(struct ptk_mm_node *nd, uint64_t start, uint64_t end)
{
	uint64_t old_end = nd->node_start_pfn + nd->node_spanned_pages;

	if (!nd->node_present_pages) {
		nd->node_start_pfn = start;
		old_end = end;
	}
	if (start < nd->node_start_pfn)
		nd->node_start_pfn = start;
	if (end > old_end)
		old_end = end;
	nd->node_spanned_pages = old_end - nd->node_start_pfn;
	nd->node_present_pages += end - start;
}

/* free_area_init()'s per-node view: start, spanned and present pages. */
static int init_nodes(struct ptk_mm_model *m)
{
	size_t n = ptk_memblock_count(m->mb, PTK_MEMBLOCK_MEMORY);

	for (size_t i = 0; i < n; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(m->mb, PTK_MEMBLOCK_MEMORY, i);
		unsigned int nid = region_nid(&r);
		uint64_t start = pfn_up(r.base), end = pfn_down(r.base + r.size);

		if (nid >= (1u << m->p.nodes_shift))
			return ptk_err(&m->err, -EINVAL,
				       "memory 0x%" PRIx64 "+0x%" PRIx64 " is on node %u, above MAX_NUMNODES %u",
				       r.base, r.size, nid, 1u << m->p.nodes_shift);
		if (end > start)
			node_add_range(&m->node[nid], start, end);
		if (nid + 1 > m->nr_nodes)
			m->nr_nodes = nid + 1;
	}
	if (!m->nr_nodes)
		return ptk_err(&m->err, -EINVAL, "memblock has no memory");
	return 0;
}

/* ---- struct page initialisation ---- */

/* __init_single_page() plus the PG_reserved of reserve_bootmem_region()
 * and init_unavailable_range(). */
static void init_single_page(const struct ptk_mm_model *m, struct ptk_page *page,
			     uint64_t pfn, uint64_t ptr, bool hotplug)
{
	memset(page, 0, sizeof(*page));
	ptk_set_page_links(&m->layout, page, pfn_to_zone(m, pfn), pfn_to_nid(m, pfn), pfn);
	page->refcount = 1;		/* init_page_count() */
	page->mapcount = -1;		/* page_mapcount_reset() */
	page->lru_next = ptr + LRU_OFFSET;	/* INIT_LIST_HEAD(&page->lru) */
	page->lru_prev = ptr + LRU_OFFSET;
	if (hotplug || !pfn_in(m, PTK_MEMBLOCK_MEMORY, pfn) ||
	    pfn_in(m, PTK_MEMBLOCK_RESERVED, pfn))
		ptk_page_set_flag(page, PTK_PG_reserved);
}

/* Initialise the struct pages of [pfn, end): the records at pa, whose page
 * pointers start at ptr.  Written INIT_BATCH at a time. */
static int memmap_init_range(struct ptk_mm_model *m, uint64_t pfn, uint64_t end,
			     uint64_t pa, uint64_t ptr, bool hotplug)
{
	uint8_t buf[INIT_BATCH * STRUCT_PAGE_SIZE];

	while (pfn < end) {
		unsigned int n = end - pfn < INIT_BATCH ? (unsigned int)(end - pfn) : INIT_BATCH;
		struct ptk_page page;
		int ret;

		for (unsigned int i = 0; i < n; i++) {
			init_single_page(m, &page, pfn + i, ptr + (uint64_t)i * STRUCT_PAGE_SIZE,
					 hotplug);
			ptk_page_encode(&page, buf + i * STRUCT_PAGE_SIZE);
		}
		ret = ptk_phys_write(m->ph, pa, buf, (size_t)n * STRUCT_PAGE_SIZE);
		if (ret)
			return ptk_err(&m->err, ret, "cannot write struct pages at 0x%" PRIx64, pa);
		pfn += n;
		pa += (uint64_t)n * STRUCT_PAGE_SIZE;
		ptr += (uint64_t)n * STRUCT_PAGE_SIZE;
	}
	return 0;
}

/* memmap_alloc(): a reservation in memblock, accounted; from the page
 * allocator once one owns the memory (memory hotplug's vmemmap_populate). */
static int memmap_alloc(struct ptk_mm_model *m, uint64_t size, uint64_t align, uint64_t *pa)
{
	int ret;

	if (m->memmap_ops) {
		ret = m->memmap_ops->alloc(m->memmap_ctx, size, align, pa);
		if (ret)
			return ptk_err(&m->err, ret,
				       "cannot allocate 0x%" PRIx64 " bytes of struct pages", size);
		m->memmap_bytes += size;
		return 0;
	}
	ret = ptk_memblock_phys_alloc_range(m->mb, size, align, 0, PTK_MEMBLOCK_ALLOC_ACCESSIBLE, pa);

	if (ret)
		return ptk_err(&m->err, ret,
			       "cannot allocate 0x%" PRIx64 " bytes of struct pages from memblock: %s",
			       size, ptk_strerror(ptk_memblock_error(m->mb), ret));
	m->memmap_bytes += size;
	return 0;
}

/* The other way; a boot-time mem_map goes back to memblock and, once the
 * page allocator runs, to it too (free_map_bootmem). */
static void memmap_free(struct ptk_mm_model *m, uint64_t pa, uint64_t size, bool from_allocator)
{
	if (!from_allocator)
		ptk_memblock_free(m->mb, pa, size);
	if (m->memmap_ops)
		m->memmap_ops->free(m->memmap_ctx, pa, size, !from_allocator);
	m->memmap_bytes -= size;
}

/* ---- FLATMEM (include/asm-generic/memory_model.h) ---- */

static int flat_init(struct ptk_mm_model *m)
{
	uint64_t start = pfn_down(ptk_memblock_start_of_DRAM(m->mb));
	uint64_t end = pfn_down(ptk_memblock_end_of_DRAM(m->mb));
	uint64_t size;
	int ret;

	m->arch_pfn_offset = m->p.phys_offset >> PAGE_SHIFT;	/* ARCH_PFN_OFFSET */
	if (start < m->arch_pfn_offset)
		return ptk_err(&m->err, -EINVAL,
			       "RAM at 0x%" PRIx64 " is below PHYS_OFFSET 0x%" PRIx64,
			       start << PAGE_SHIFT, m->p.phys_offset);
	m->max_mapnr = end - m->arch_pfn_offset;
	size = m->max_mapnr * STRUCT_PAGE_SIZE;
	ret = memmap_alloc(m, size, SMP_CACHE_BYTES, &m->mem_map);
	if (ret)
		return ret;
	ret = memmap_init_range(m, m->arch_pfn_offset, end, m->mem_map, m->mem_map, false);
	if (ret)
		memmap_free(m, m->mem_map, size, false);
	return ret;
}

/* ---- SPARSEMEM (include/linux/mmzone.h, mm/sparse.c) ---- */

static uint64_t pages_per_section(const struct ptk_mm_model *m)
{
	return 1ull << m->layout.pfn_section_shift;
}

uint64_t ptk_mm_nr_mem_sections(const struct ptk_mm_model *m)
{
	return 1ull << (m->p.max_physmem_bits - m->p.section_size_bits);
}

/* SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct mem_section): two longs
 * (section_mem_map, usage) without CONFIG_PAGE_EXTENSION, so 256 on
 * 64-bit and 512 on 32-bit. */
uint64_t ptk_mm_sections_per_root(const struct ptk_mm_model *m)
{
	return PAGE_SIZE / (PTK_MEM_SECTION_LONGS * (m->p.bits_per_long / 8));
}

uint64_t ptk_mm_pfn_to_section_nr(const struct ptk_mm_model *m, uint64_t pfn)
{
	return pfn >> m->layout.pfn_section_shift;
}

uint64_t ptk_mm_section_nr_to_pfn(const struct ptk_mm_model *m, uint64_t nr)
{
	return nr << m->layout.pfn_section_shift;
}

/* __nr_to_section(): NULL when the root was never allocated. */
static struct mm_section *__nr_to_section(const struct ptk_mm_model *m, uint64_t nr)
{
	uint64_t per_root = ptk_mm_sections_per_root(m);
	struct mm_section *root;

	if (!is_sparse(m) || nr >= ptk_mm_nr_mem_sections(m))
		return NULL;
	root = m->mem_section[nr / per_root];	/* SECTION_NR_TO_ROOT() */
	return root ? &root[nr & (per_root - 1)] : NULL;	/* SECTION_ROOT_MASK */
}

/* sparse_index_init(): allocate the root holding nr on first use. */
static int sparse_index_init(struct ptk_mm_model *m, uint64_t nr)
{
	uint64_t per_root = ptk_mm_sections_per_root(m);
	struct mm_section **root = &m->mem_section[nr / per_root];

	if (*root)
		return 0;
	*root = calloc(per_root, sizeof(**root));
	if (!*root)
		return ptk_err(&m->err, -ENOMEM, "out of host memory for mem_section root");
	return 0;
}

/* sparse_encode_mem_map(): the map minus the section's first pfn, so that
 * decoding plus any pfn of the section gives its struct page. */
static uint64_t sparse_encode_mem_map(const struct ptk_mm_model *m, uint64_t map, uint64_t nr)
{
	return map - ptk_mm_section_nr_to_pfn(m, nr) * STRUCT_PAGE_SIZE;
}

static uint64_t __section_mem_map_addr(const struct mm_section *ms)
{
	return ms->section_mem_map & PTK_SECTION_MAP_MASK;
}

static bool section_flag(const struct ptk_mm_model *m, uint64_t nr, uint64_t flag)
{
	const struct mm_section *ms = __nr_to_section(m, nr);

	return ms && (ms->section_mem_map & flag);
}

bool ptk_mm_present_section_nr(const struct ptk_mm_model *m, uint64_t nr)
{
	return section_flag(m, nr, PTK_SECTION_MARKED_PRESENT);
}

bool ptk_mm_valid_section_nr(const struct ptk_mm_model *m, uint64_t nr)
{
	return section_flag(m, nr, PTK_SECTION_HAS_MEM_MAP);
}

bool ptk_mm_online_section_nr(const struct ptk_mm_model *m, uint64_t nr)
{
	return section_flag(m, nr, PTK_SECTION_IS_ONLINE);
}

uint64_t ptk_mm_section_mem_map(const struct ptk_mm_model *m, uint64_t nr)
{
	const struct mm_section *ms = __nr_to_section(m, nr);

	return ms ? ms->section_mem_map : 0;
}

/* The page pointer of a section's first struct page: the physical mem_map
 * for classic SPARSEMEM, its slice of vmemmap otherwise. */
static uint64_t section_map_ptr(const struct ptk_mm_model *m, uint64_t nr, uint64_t pa)
{
	if (m->p.kind == PTK_MM_SPARSEMEM_VMEMMAP)
		return m->vmemmap + ptk_mm_section_nr_to_pfn(m, nr) * STRUCT_PAGE_SIZE;
	return pa;
}

/* section_map_size(): PMD-aligned for vmemmap's huge mappings. */
static uint64_t section_map_size(const struct ptk_mm_model *m, uint64_t *align)
{
	uint64_t size = align_up(pages_per_section(m) * STRUCT_PAGE_SIZE, PAGE_SIZE);

	*align = PAGE_SIZE;
	if (m->p.kind == PTK_MM_SPARSEMEM_VMEMMAP && size % PMD_SIZE == 0)
		*align = PMD_SIZE;
	return size;
}

/* sparse_init_nid() / section_activate() for one section: allocate and
 * initialise its mem_map, then publish it (sparse_init_one_section()). */
static int sparse_init_one_section(struct ptk_mm_model *m, uint64_t nr, uint64_t flags)
{
	uint64_t align, size = section_map_size(m, &align);
	uint64_t pfn = ptk_mm_section_nr_to_pfn(m, nr), pa, map;
	struct mm_section *ms;
	int ret = sparse_index_init(m, nr);

	if (!ret)
		ret = memmap_alloc(m, size, align, &pa);
	if (ret)
		return ret;
	map = section_map_ptr(m, nr, pa);
	ret = memmap_init_range(m, pfn, pfn + pages_per_section(m), pa, map,
				!(flags & PTK_SECTION_IS_EARLY));
	if (ret) {
		memmap_free(m, pa, size, m->memmap_ops != NULL);
		return ret;
	}
	ms = __nr_to_section(m, nr);
	ms->from_allocator = m->memmap_ops != NULL;
	ms->section_mem_map = sparse_encode_mem_map(m, map, nr) | flags;
	ms->memmap_pa = pa;
	ms->memmap_size = size;
	return 0;
}

static void sparse_remove_one_section(struct ptk_mm_model *m, uint64_t nr)
{
	struct mm_section *ms = __nr_to_section(m, nr);

	memmap_free(m, ms->memmap_pa, ms->memmap_size, ms->from_allocator);
	memset(ms, 0, sizeof(*ms));
}

static void sparse_remove_all(struct ptk_mm_model *m)
{
	for (uint64_t r = 0; r < m->nr_roots; r++)
		for (uint64_t i = 0; m->mem_section[r] && i < ptk_mm_sections_per_root(m); i++)
			if (m->mem_section[r][i].memmap_size)
				sparse_remove_one_section(m, r * ptk_mm_sections_per_root(m) + i);
}

#define EARLY_SECTION_FLAGS	(PTK_SECTION_MARKED_PRESENT | PTK_SECTION_HAS_MEM_MAP | \
				 PTK_SECTION_IS_ONLINE | PTK_SECTION_IS_EARLY)

/* memblocks_present() + sparse_init(): every section memory touches. */
static int sparse_init_range(struct ptk_mm_model *m, uint64_t start, uint64_t end)
{
	for (uint64_t nr = ptk_mm_pfn_to_section_nr(m, start);
	     nr <= ptk_mm_pfn_to_section_nr(m, end - 1); nr++) {
		int ret;

		if (ptk_mm_present_section_nr(m, nr))
			continue;
		ret = sparse_init_one_section(m, nr, EARLY_SECTION_FLAGS);
		if (ret)
			return ret;
	}
	return 0;
}

static int sparse_init(struct ptk_mm_model *m)
{
	size_t n = ptk_memblock_count(m->mb, PTK_MEMBLOCK_MEMORY);
	uint64_t per_root = ptk_mm_sections_per_root(m);
	int ret = 0;

	/* NR_SECTION_ROOTS = DIV_ROUND_UP(NR_MEM_SECTIONS, SECTIONS_PER_ROOT) */
	m->nr_roots = (ptk_mm_nr_mem_sections(m) + per_root - 1) / per_root;
	m->mem_section = calloc(m->nr_roots, sizeof(*m->mem_section));
	if (!m->mem_section)
		return ptk_err(&m->err, -ENOMEM, "out of host memory for mem_section");
	/* arm64's vmemmap starts memstart_addr's worth of pages early. */
	m->vmemmap = m->p.vmemmap_start - (m->p.phys_offset >> PAGE_SHIFT) * STRUCT_PAGE_SIZE;
	for (size_t i = 0; i < n && !ret; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(m->mb, PTK_MEMBLOCK_MEMORY, i);
		uint64_t start = pfn_up(r.base), end = pfn_down(r.base + r.size);

		if (end > ptk_mm_section_nr_to_pfn(m, ptk_mm_nr_mem_sections(m)))
			ret = ptk_err(&m->err, -EINVAL,
				      "memory 0x%" PRIx64 "+0x%" PRIx64 " is above MAX_PHYSMEM_BITS %u",
				      r.base, r.size, m->p.max_physmem_bits);
		else if (end > start)
			ret = sparse_init_range(m, start, end);
	}
	if (ret)
		sparse_remove_all(m);
	return ret;
}

/* ---- create / destroy ---- */

static void free_host(struct ptk_mm_model *m)
{
	for (uint64_t r = 0; m->mem_section && r < m->nr_roots; r++)
		free(m->mem_section[r]);
	free(m->mem_section);
	free(m);
}

int ptk_mm_create(struct ptk_mm_model **out, const struct ptk_mm_params *p,
		  struct ptk_memblock *mb, struct ptk_phys *ph, struct ptk_error *err)
{
	struct ptk_mm_model *m;
	int ret = check_params(p, err);

	if (ret)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m)
		return ptk_err(err, -ENOMEM, "out of host memory for a memory model");
	m->p = *p;
	m->mb = mb;
	m->ph = ph;
	ret = page_flags_layout(&m->layout, p, &m->err);
	if (!ret)
		ret = init_nodes(m);
	if (!ret)
		ret = is_sparse(m) ? sparse_init(m) : flat_init(m);
	if (ret) {
		ptk_err(err, ret, "%s", m->err.msg);
		free_host(m);
		return ret;
	}
	*out = m;
	return 0;
}

void ptk_mm_destroy(struct ptk_mm_model *m)
{
	if (m)
		free_host(m);
}

struct ptk_error *ptk_mm_error(struct ptk_mm_model *m) { return &m->err; }
enum ptk_mm_kind ptk_mm_kind(const struct ptk_mm_model *m) { return m->p.kind; }
const struct ptk_mm_params *ptk_mm_params_of(const struct ptk_mm_model *m) { return &m->p; }

void ptk_mm_set_memmap_ops(struct ptk_mm_model *m, const struct ptk_mm_memmap_ops *ops, void *ctx)
{
	m->memmap_ops = ops;
	m->memmap_ctx = ctx;
}
uint64_t ptk_mm_mem_map(const struct ptk_mm_model *m) { return m->mem_map; }
uint64_t ptk_mm_arch_pfn_offset(const struct ptk_mm_model *m) { return m->arch_pfn_offset; }
uint64_t ptk_mm_max_mapnr(const struct ptk_mm_model *m) { return m->max_mapnr; }
uint64_t ptk_mm_vmemmap(const struct ptk_mm_model *m) { return m->vmemmap; }
uint64_t ptk_mm_memmap_bytes(const struct ptk_mm_model *m) { return m->memmap_bytes; }

const struct ptk_page_layout *ptk_mm_page_layout(const struct ptk_mm_model *m)
{
	return &m->layout;
}

int ptk_mm_page_address(struct ptk_mm_model *m, uint64_t pfn, uint64_t *va)
{
	if (pfn >= m->p.max_low_pfn)
		return ptk_err(&m->err, -EINVAL, "pfn 0x%" PRIx64 " is highmem (from 0x%" PRIx64
			       "): no permanent address until kmap()", pfn, m->p.max_low_pfn);
	*va = m->p.page_offset + ((pfn << PTK_PAGE_SHIFT) - m->p.phys_offset);
	return 0;
}

int ptk_mm_virt_to_pfn(struct ptk_mm_model *m, uint64_t va, uint64_t *pfn)
{
	*pfn = (va - m->p.page_offset + m->p.phys_offset) >> PTK_PAGE_SHIFT;
	if (va < m->p.page_offset || va & (PTK_PAGE_SIZE - 1) || *pfn >= m->p.max_low_pfn)
		return ptk_err(&m->err, -EINVAL, "0x%" PRIx64 " is not a page address in the "
			       "linear map", va);
	return 0;
}

/* ---- hotplug ---- */

static int check_hotplug(struct ptk_mm_model *m, uint64_t nr)
{
	if (!is_sparse(m))
		return ptk_err(&m->err, -EOPNOTSUPP, "memory hotplug needs SPARSEMEM");
	if (nr >= ptk_mm_nr_mem_sections(m))
		return ptk_err(&m->err, -EINVAL, "section %" PRIu64 " is beyond NR_MEM_SECTIONS %" PRIu64,
			       nr, ptk_mm_nr_mem_sections(m));
	return 0;
}

/* sparse_add_section(); the section is onlined at once. */
int ptk_mm_section_add(struct ptk_mm_model *m, uint64_t nr)
{
	int ret = check_hotplug(m, nr);

	if (ret)
		return ret;
	if (ptk_mm_present_section_nr(m, nr))
		return ptk_err(&m->err, -EEXIST, "section %" PRIu64 " is already present", nr);
	return sparse_init_one_section(m, nr, PTK_SECTION_MARKED_PRESENT |
				       PTK_SECTION_HAS_MEM_MAP | PTK_SECTION_IS_ONLINE);
}

/* sparse_remove_section(): give the mem_map back to memblock. */
int ptk_mm_section_remove(struct ptk_mm_model *m, uint64_t nr)
{
	int ret = check_hotplug(m, nr);

	if (ret)
		return ret;
	if (!ptk_mm_present_section_nr(m, nr))
		return ptk_err(&m->err, -ENOENT, "section %" PRIu64 " is not present", nr);
	sparse_remove_one_section(m, nr);
	return 0;
}

/* ---- pfn <-> page ---- */

bool ptk_mm_pfn_valid(const struct ptk_mm_model *m, uint64_t pfn)
{
	if (!is_sparse(m))
		return pfn - m->arch_pfn_offset < m->max_mapnr;
	return ptk_mm_valid_section_nr(m, ptk_mm_pfn_to_section_nr(m, pfn));
}

static int pfn_invalid(struct ptk_mm_model *m, uint64_t pfn)
{
	if (!is_sparse(m) && pfn < m->arch_pfn_offset)
		return ptk_err(&m->err, -EINVAL,
			       "pfn 0x%" PRIx64 " is not valid: below ARCH_PFN_OFFSET 0x%" PRIx64,
			       pfn, m->arch_pfn_offset);
	if (!is_sparse(m))
		return ptk_err(&m->err, -EINVAL,
			       "pfn 0x%" PRIx64 " is not valid: at or above ARCH_PFN_OFFSET + max_mapnr 0x%" PRIx64,
			       pfn, m->arch_pfn_offset + m->max_mapnr);
	return ptk_err(&m->err, -EINVAL,
		       "pfn 0x%" PRIx64 " is not valid: section %" PRIu64 " has no mem_map",
		       pfn, ptk_mm_pfn_to_section_nr(m, pfn));
}

static const struct mm_section *pfn_section(const struct ptk_mm_model *m, uint64_t pfn)
{
	return __nr_to_section(m, ptk_mm_pfn_to_section_nr(m, pfn));
}

/* pfn_to_page() of a valid pfn, per model. */
static uint64_t __pfn_to_page(const struct ptk_mm_model *m, uint64_t pfn)
{
	switch (m->p.kind) {
	case PTK_MM_FLATMEM:
		return m->mem_map + (pfn - m->arch_pfn_offset) * STRUCT_PAGE_SIZE;
	case PTK_MM_SPARSEMEM:
		return __section_mem_map_addr(pfn_section(m, pfn)) + pfn * STRUCT_PAGE_SIZE;
	default:
		return m->vmemmap + pfn * STRUCT_PAGE_SIZE;
	}
}

int ptk_mm_pfn_to_page(struct ptk_mm_model *m, uint64_t pfn, uint64_t *page)
{
	if (!ptk_mm_pfn_valid(m, pfn))
		return pfn_invalid(m, pfn);
	*page = __pfn_to_page(m, pfn);
	return 0;
}

int ptk_mm_pfn_to_page_pa(struct ptk_mm_model *m, uint64_t pfn, uint64_t *pa)
{
	const struct mm_section *ms;

	if (!ptk_mm_pfn_valid(m, pfn))
		return pfn_invalid(m, pfn);
	if (m->p.kind != PTK_MM_SPARSEMEM_VMEMMAP) {
		*pa = __pfn_to_page(m, pfn);
		return 0;
	}
	ms = pfn_section(m, pfn);
	*pa = ms->memmap_pa + (pfn & (pages_per_section(m) - 1)) * STRUCT_PAGE_SIZE;
	return 0;
}

int ptk_mm_read_page(struct ptk_mm_model *m, uint64_t pfn, struct ptk_page *page)
{
	uint64_t pa;
	int ret = ptk_mm_pfn_to_page_pa(m, pfn, &pa);

	return ret ? ret : ptk_page_read(m->ph, pa, page, &m->err);
}

static int bad_page(struct ptk_mm_model *m, uint64_t page, const char *why)
{
	return ptk_err(&m->err, -EINVAL, "page 0x%" PRIx64 " is not a struct page: %s", page, why);
}

/* __page_to_pfn() for classic SPARSEMEM: the section number comes from
 * page->flags (page_to_section()), as in include/asm-generic/memory_model.h. */
static int sparse_page_to_pfn(struct ptk_mm_model *m, uint64_t page, uint64_t *pfn)
{
	struct ptk_page pg;
	const struct mm_section *ms;
	uint64_t nr;

	if (ptk_page_read(m->ph, page, &pg, &m->err))
		return bad_page(m, page, "not in RAM");
	nr = ptk_page_to_section(&m->layout, &pg);
	ms = __nr_to_section(m, nr);
	if (!ms || !(ms->section_mem_map & PTK_SECTION_HAS_MEM_MAP) ||
	    page < ms->memmap_pa || page - ms->memmap_pa >= pages_per_section(m) * STRUCT_PAGE_SIZE)
		return bad_page(m, page, "outside the mem_map of the section in its flags");
	*pfn = (page - __section_mem_map_addr(ms)) / STRUCT_PAGE_SIZE;
	return 0;
}

int ptk_mm_page_to_pfn(struct ptk_mm_model *m, uint64_t page, uint64_t *pfn)
{
	uint64_t base = m->p.kind == PTK_MM_FLATMEM ? m->mem_map : m->vmemmap;
	uint64_t p;

	if (m->p.kind == PTK_MM_SPARSEMEM)
		return sparse_page_to_pfn(m, page, pfn);
	if ((page - base) % STRUCT_PAGE_SIZE)
		return bad_page(m, page, "not 64-byte aligned in the array");
	p = (page - base) / STRUCT_PAGE_SIZE;
	if (m->p.kind == PTK_MM_FLATMEM)
		p += m->arch_pfn_offset;
	if (page < base || !ptk_mm_pfn_valid(m, p))
		return bad_page(m, page, "outside the memory map");
	*pfn = p;
	return 0;
}

int ptk_mm_page_to_phys(struct ptk_mm_model *m, uint64_t page, uint64_t *phys)
{
	uint64_t pfn;
	int ret = ptk_mm_page_to_pfn(m, page, &pfn);

	if (!ret)
		*phys = pfn << PAGE_SHIFT;
	return ret;
}

int ptk_mm_explain_pfn_to_page(struct ptk_mm_model *m, uint64_t pfn, char *buf, size_t len)
{
	uint64_t page, nr = ptk_mm_pfn_to_section_nr(m, pfn);
	uint64_t per_root = ptk_mm_sections_per_root(m);
	int ret = ptk_mm_pfn_to_page(m, pfn, &page);

	if (ret)
		return ret;
	switch (m->p.kind) {
	case PTK_MM_FLATMEM:
		return snprintf(buf, len,
				"pfn_to_page(0x%" PRIx64 ") = mem_map 0x%" PRIx64 " + (0x%" PRIx64
				" - ARCH_PFN_OFFSET 0x%" PRIx64 ") * 64 = 0x%" PRIx64,
				pfn, m->mem_map, pfn, m->arch_pfn_offset, page);
	case PTK_MM_SPARSEMEM:
		return snprintf(buf, len,
				"pfn_to_page(0x%" PRIx64 ") = (mem_section[%" PRIu64 "][%" PRIu64
				"].section_mem_map 0x%" PRIx64 " & SECTION_MAP_MASK) + 0x%" PRIx64
				" * 64 = 0x%" PRIx64,
				pfn, nr / per_root, nr & (per_root - 1),
				ptk_mm_section_mem_map(m, nr), pfn, page);
	default:
		return snprintf(buf, len,
				"pfn_to_page(0x%" PRIx64 ") = vmemmap 0x%" PRIx64 " + 0x%" PRIx64
				" * 64 = 0x%" PRIx64,
				pfn, m->vmemmap, pfn, page);
	}
}

/* ---- vmemmap backing, nodes ---- */

int ptk_mm_vmemmap_for_each(const struct ptk_mm_model *m, ptk_mm_vmemmap_fn fn, void *ctx)
{
	uint64_t per_root = ptk_mm_sections_per_root(m);

	if (m->p.kind != PTK_MM_SPARSEMEM_VMEMMAP)
		return 0;
	for (uint64_t r = 0; r < m->nr_roots; r++) {
		for (uint64_t i = 0; m->mem_section[r] && i < per_root; i++) {
			const struct mm_section *ms = &m->mem_section[r][i];
			uint64_t nr = r * per_root + i;
			int ret;

			if (!ms->memmap_size)
				continue;
			ret = fn(ctx, section_map_ptr(m, nr, 0), ms->memmap_pa, ms->memmap_size);
			if (ret)
				return ret;
		}
	}
	return 0;
}

unsigned int ptk_mm_nr_nodes(const struct ptk_mm_model *m)
{
	return m->nr_nodes;
}

int ptk_mm_node(struct ptk_mm_model *m, unsigned int nid, struct ptk_mm_node *node)
{
	if (nid >= m->nr_nodes)
		return ptk_err(&m->err, -EINVAL, "node %u does not exist (%u nodes)",
			       nid, m->nr_nodes);
	*node = m->node[nid];
	return 0;
}
