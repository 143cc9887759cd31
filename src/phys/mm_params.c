// SPDX-License-Identifier: MIT
/*
 * Each architecture's memory-model constants, as a 6.1 defconfig kernel
 * has them (asm/sparsemem.h, asm/pgtable*.h, the zone limits of
 * paging_init()/zone_sizes_init()), and the choice among them for a
 * machine's format.  The boot layer's kernel layout will take these over.
 */
#include <string.h>

#include <ptkit/arch.h>
#include <ptkit/error.h>
#include <ptkit/mm_model.h>
#include <ptkit/phys.h>

/* PMD_SHIFT - PAGE_SHIFT with 4K pages, and MAX_ORDER - 1 of 6.1. */
#define HUGETLB_PAGE_ORDER	9u
#define MAX_ORDER_MINUS_1	10u

static void set_zones(struct ptk_mm_params *p, unsigned int n, const uint64_t *end,
		      const char *const *name)
{
	p->nr_zones = n;
	for (unsigned int z = 0; z < n; z++) {
		p->zone_end_pfn[z] = end[z];
		p->zone_name[z] = name[z];
	}
}

void ptk_mm_params_x86_64(struct ptk_mm_params *p, enum ptk_mm_kind kind, bool la57)
{
	static const uint64_t end[] = { 0x1000, 0x100000, UINT64_MAX, UINT64_MAX };
	static const char *const name[] = { "DMA", "DMA32", "Normal", "Movable" };

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->bits_per_long = 64;
	p->section_size_bits = 27;		/* asm/sparsemem.h */
	p->max_physmem_bits = la57 ? 52 : 46;
	p->nodes_shift = 6;			/* x86_64_defconfig NODES_SHIFT */
	p->vmemmap_start = la57 ? 0xffd4000000000000ull : 0xffffea0000000000ull;
	/* __PAGE_OFFSET_BASE_L4 / _L5 (asm/page_64_types.h) */
	p->page_offset = la57 ? 0xff11000000000000ull : 0xffff888000000000ull;
	p->max_low_pfn = UINT64_MAX;
	p->pageblock_order = HUGETLB_PAGE_ORDER;
	set_zones(p, 4, end, name);
}

void ptk_mm_params_arm64(struct ptk_mm_params *p, enum ptk_mm_kind kind, unsigned int va_bits,
			 unsigned int pa_bits, uint64_t memstart_addr)
{
	/* zone_dma_bits 32: ZONE_DMA is the low 4 GiB, ZONE_DMA32 empty */
	static const uint64_t end[] = { 0x100000, 0x100000, UINT64_MAX, UINT64_MAX };
	static const char *const name[] = { "DMA", "DMA32", "Normal", "Movable" };
	const unsigned int vmemmap_shift = PTK_PAGE_SHIFT - 6;	/* STRUCT_PAGE_MAX_SHIFT */

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->bits_per_long = 64;
	p->section_size_bits = 27;
	p->max_physmem_bits = pa_bits;
	p->nodes_shift = 4;			/* arch/arm64/Kconfig default */
	p->vmemmap_start = 0 - (1ull << (va_bits - vmemmap_shift));
	p->phys_offset = memstart_addr;
	p->page_offset = 0 - (1ull << va_bits);	/* _PAGE_OFFSET(VA_BITS) */
	p->max_low_pfn = UINT64_MAX;
	p->pageblock_order = HUGETLB_PAGE_ORDER;
	set_zones(p, 4, end, name);
}

/* The lowmem/highmem boundary: lowmem is what the linear map can hold
 * below vmalloc_min = VMALLOC_END - 240 MiB - VMALLOC_OFFSET = 0xf0000000
 * (arch/arm/mm/mmu.c), i.e. 768 MiB with the 3G/1G split. */
#define ARM32_VMALLOC_MIN	0xf0000000ull

static void arm32_set_page_offset(struct ptk_mm_params *p, uint64_t page_offset)
{
	p->page_offset = page_offset;
	p->max_low_pfn = (p->phys_offset + (ARM32_VMALLOC_MIN - page_offset)) >> PTK_PAGE_SHIFT;
	p->zone_end_pfn[0] = p->max_low_pfn;	/* ZONE_NORMAL ends there */
}

void ptk_mm_params_arm32(struct ptk_mm_params *p, enum ptk_mm_kind kind, bool lpae,
			 uint64_t phys_offset)
{
	static const char *const name[] = { "Normal", "HighMem", "Movable" };
	uint64_t end[] = { 0, UINT64_MAX, UINT64_MAX };	/* Normal's: set below */

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->bits_per_long = 32;
	p->section_size_bits = 28;
	p->max_physmem_bits = lpae ? 36 : 32;
	p->phys_offset = phys_offset;
	/* LPAE has 2 MiB PMD huge pages (HUGETLB_PAGE_ORDER 9); the
	 * short-descriptor kernel has no hugetlb, so pageblocks are max-order. */
	p->pageblock_order = lpae ? HUGETLB_PAGE_ORDER : MAX_ORDER_MINUS_1;
	set_zones(p, 3, end, name);
	arm32_set_page_offset(p, 0xc0000000ull);	/* CONFIG_VMSPLIT_3G */
}

/* memstart_addr: the start of DRAM rounded down to ARM64_MEMSTART_ALIGN,
 * 1 GiB with 4K pages (arch/arm64/mm/init.c). */
#define ARM64_MEMSTART_ALIGN (1ull << 30)

static void x86_64_params_for(struct ptk_mm_params *p, enum ptk_mm_kind kind,
			      const struct ptk_format *f, unsigned pa_bits, uint64_t dram_start)
{
	(void)pa_bits, (void)dram_start;
	ptk_mm_params_x86_64(p, kind, f->nlevels == 5);
}

static void arm64_params_for(struct ptk_mm_params *p, enum ptk_mm_kind kind,
			     const struct ptk_format *f, unsigned pa_bits, uint64_t dram_start)
{
	ptk_mm_params_arm64(p, kind, f->va_bits, pa_bits,
			    dram_start & ~(ARM64_MEMSTART_ALIGN - 1));
}

/* PHYS_OFFSET is where RAM starts (ARM_PATCH_PHYS_VIRT finds it at boot);
 * LPAE is the format with 8-byte descriptors. */
static void arm32_params_for(struct ptk_mm_params *p, enum ptk_mm_kind kind,
			     const struct ptk_format *f, unsigned pa_bits, uint64_t dram_start)
{
	size_t n = strlen(f->name);

	(void)pa_bits;
	ptk_mm_params_arm32(p, kind, f->entry_shift == 3, dram_start);
	if (n > 3 && !strcmp(f->name + n - 3, "-2g"))
		arm32_set_page_offset(p, 0x80000000ull);	/* CONFIG_VMSPLIT_2G */
}

/* default_kind: what the architecture's defconfig selects (x86_64 and
 * arm64 SPARSEMEM_VMEMMAP; arm32 multi_v7 FLATMEM). */
static const struct {
	const char *arch;
	void (*params_for)(struct ptk_mm_params *p, enum ptk_mm_kind kind,
			   const struct ptk_format *f, unsigned pa_bits, uint64_t dram_start);
	enum ptk_mm_kind default_kind;
} arch_params[] = {
	{ "x86_64", x86_64_params_for, PTK_MM_SPARSEMEM_VMEMMAP },
	{ "arm64", arm64_params_for, PTK_MM_SPARSEMEM_VMEMMAP },
	{ "arm32", arm32_params_for, PTK_MM_FLATMEM },
};

enum ptk_mm_kind ptk_mm_default_kind(const struct ptk_format *f)
{
	for (size_t i = 0; i < sizeof(arch_params) / sizeof(arch_params[0]); i++)
		if (!strcmp(arch_params[i].arch, f->arch))
			return arch_params[i].default_kind;
	return PTK_MM_FLATMEM;
}

int ptk_mm_params_for(struct ptk_mm_params *p, enum ptk_mm_kind kind,
		      const struct ptk_format *f, unsigned pa_bits, uint64_t dram_start,
		      struct ptk_error *err)
{
	for (size_t i = 0; i < sizeof(arch_params) / sizeof(arch_params[0]); i++) {
		if (strcmp(arch_params[i].arch, f->arch))
			continue;
		arch_params[i].params_for(p, kind, f, pa_bits, dram_start);
		return 0;
	}
	return ptk_err(err, -EINVAL, "%s: no memory-model constants for architecture %s",
		       f->name, f->arch);
}
