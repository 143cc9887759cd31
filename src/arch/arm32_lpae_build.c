// SPDX-License-Identifier: MIT
/*
 * ARMv7-A long-descriptor formats built from their names:
 * "arm32-lpae[-3g|-2g]".
 *
 * The name gives Linux's user/kernel split (CONFIG_VMSPLIT_3G, _2G), which
 * sets TTBCR.T1SZ (arch/arm/mm/proc-v7-3level.S, TTBR1_SIZE) and so where
 * TTBR1's walk starts; T0SZ is 0.  3G/1G (the default, "arm32-lpae"):
 * TTBR0 covers [0, 0xc0000000) from level 1, TTBR1 [0xc0000000, 2^32) from
 * level 2 (T1SZ = 2: a 512-entry table of 2 MiB).  2G/2G: both start at
 * level 1, TTBR1 (T1SZ = 1) with VA[30] only.  Linux's 1G/3G split leaves
 * T1SZ = T0SZ = 0, TTBR1 unused: one root spanning the whole 32-bit space,
 * which this engine's one-root formats (sign-extended, x86) do not model;
 * the name is refused with that reason.
 *
 * Everything a format points to lives in static tables below, so that a
 * built format is plain data the caller may copy anywhere.
 */
#include <string.h>

#include "arch/arm32_lpae_priv.h"

/* The bits note_page() of arch/arm/mm/dump.c compares: section_bits[]
 * (PMD_SECT_USER, L_PMD_SECT_RDONLY | PMD_SECT_AP2, PMD_SECT_XN,
 * PMD_SECT_S) and pte_bits[] (L_PTE_USER, L_PTE_RDONLY, L_PTE_XN,
 * L_PTE_SHARED, L_PTE_MT_MASK). */
#define LPAE_PTDUMP_MASK (PTK_ARM32_LPAE_USER | PTK_ARM32_LPAE_RDONLY |                  \
			  PTK_ARM32_LPAE_SW_RDONLY | PTK_ARM32_LPAE_XN |                 \
			  PTK_ARM32_LPAE_SHARED | PTK_ARM32_LPAE_ATTRINDX_MASK)

static const char *const lpae_memtypes[] = {
	"normal", "uncached", "bufferable", "writethrough", "writeback", "dev_shared",
	"attr5", "attr6",
};

/*
 * address_markers[] of arch/arm/mm/dump.c (Linux 6.1, without KASAN):
 * MODULES_VADDR = PAGE_OFFSET - 16M, PAGE_OFFSET, VMALLOC_START,
 * FDT_FIXED_BASE 0xff800000, FIXADDR_START 0xffc80000, VECTORS_BASE
 * 0xffff0000 and two pages past it.  VMALLOC_START follows the end of low
 * memory; it is the value of a machine whose low memory reaches
 * vmalloc_min (VMALLOC_END - 240M - 8M): (0xf0000000 + 8M) & ~(8M - 1).
 */
#define LPAE_MARKERS(page_offset) {                                            \
	{ (page_offset) - (16u << 20), "Modules", 0 },                         \
	{ (page_offset), "Kernel Mapping", 0 },                                \
	{ 0xf0800000u, "vmalloc() Area", 0 },                                  \
	{ 0xff800000u, "FDT Area", 0 },                                        \
	{ 0xffc80000u, "Fixmap Area", 0 },                                     \
	{ 0xffff0000u, "Vectors", 0 },                                         \
	{ 0xffff2000u, "Vectors End", 0 },                                     \
	{ ~0ull, NULL, 0 } }

const struct ptk_marker ptk_arm32_markers_3g[] = LPAE_MARKERS(0xc0000000u);
static const struct ptk_marker lpae_markers_2g[] = LPAE_MARKERS(0x80000000u);

/* kernel_page_tables walks init_mm's pgd from 0 to the top: both roots. */
static const struct ptk_va_range lpae_dump_3g[] = {
	{ 0, 0xbfffffffu }, { 0xc0000000u, 0xffffffffu }, { 0, 0 },
};
static const struct ptk_va_range lpae_dump_2g[] = {
	{ 0, 0x7fffffffu }, { 0x80000000u, 0xffffffffu }, { 0, 0 },
};

static void lpae_fill(struct ptk_format *f, bool split_2g)
{
	*f = (struct ptk_format){
		.name = split_2g ? "arm32-lpae-2g" : "arm32-lpae",
		.arch = "arm32",
		.nlevels = LPAE_LEVELS,
		.entry_shift = 3,
		.table_shift = 12,
		.va_bits = 32,
		/* ARMv7 LPAE: 40-bit physical addresses, always. */
		.max_pa_bits = 40,
		.min_pa_bits = 40,
		.default_pa_bits = 40,
		.nroots = 2,
		/* TTBR0 from level 1 at 0.  TTBR1: 3G, level 2, its entry 0
		 * maps 0xc0000000; 2G, level 1, indexed as TTBR0 is (entries
		 * 2 and 3; the TTBR points 16 bytes in, ptk_arm32_lpae_ttbr). */
		.root_level = { 0, split_2g ? 0 : 1 },
		.root_base = { 0, split_2g ? 0 : 0xc0000000u },
		.ptdump_mask = LPAE_PTDUMP_MASK,
		/* DIRTY and RDONLY are written by mk_leaf */
		.leaf_sw_keep = PTK_ARM32_LPAE_SW_SPECIAL | PTK_ARM32_LPAE_SW_NONE,
		.ptdump_flags = PTK_PTDUMP_LEVEL_IN_PROT | PTK_PTDUMP_NO_EFFECTIVE |
				PTK_PTDUMP_SKIP_EMPTY | PTK_PTDUMP_ADDR32,
		.level = {
			{ "L1", 30, 2, true, PTK_PGD },
			{ "L2", 21, 9, true, PTK_PMD },
			{ "L3", 12, 9, true, PTK_PTE },
		},
		/* pgtable-3level.h with pgtable-nopud.h: pgd = L1 (4
		 * entries), p4d and pud folded, pmd = L2, pte = L3. */
		.hwlevel_of = { 0, -1, -1, 1, 2 },
		.memtype_names = lpae_memtypes,
		.nr_memtypes = 8,
		.nr_pkeys = 0,
		.syndrome_name = "FSR",
		.markers = split_2g ? lpae_markers_2g : ptk_arm32_markers_3g,
		.dump_ranges = split_2g ? lpae_dump_2g : lpae_dump_3g,
		.ops = &ptk_lpae_ops,
	};
}

#define LPAE_USAGE "arm32-lpae[-3g|-2g]"

int ptk_arm32_lpae_build(const char *name, struct ptk_format *out, struct ptk_error *err)
{
	const char *p = name + strlen("arm32-lpae");

	if (!*p || !strcmp(p, "-3g")) {
		lpae_fill(out, false);
		return 0;
	}
	if (!strcmp(p, "-2g")) {
		lpae_fill(out, true);
		return 0;
	}
	if (!strcmp(p, "-1g"))
		return ptk_err(err, -EINVAL,
			       "%s: Linux's 1G/3G split sets TTBCR.T0SZ = T1SZ = 0, so TTBR0 maps "
			       "the whole 32-bit space and TTBR1 is unused; the engine has no "
			       "such one-root 32-bit format (" LPAE_USAGE ")", name);
	return ptk_err(err, -EINVAL, "%s: unknown split '%s' (" LPAE_USAGE ")", name, p);
}

/* --- the configuration of a built format ------------------------------------ */

int ptk_arm32_is_lpae(const struct ptk_format *f)
{
	return f->ops == &ptk_lpae_ops;
}

unsigned ptk_arm32_lpae_t1sz(const struct ptk_format *f)
{
	return f->root_level[1] ? 2 : 1;
}

/*
 * The start level of a half of input size n bits (32 - TnSZ): 1 for 31 and
 * 32, 2 below (B3.6.6; AArch32 pseudocode: 4 - (n - 4) / 9).  The hardware
 * indexes the start table with VA[n-1:shift]; the engine with the level's
 * own bits, so where those differ by VA bits that are constant in the half,
 * the TTBR points that many entries into the root table.
 */
int ptk_arm32_lpae_ttbr(const struct ptk_format *f, uint32_t ttbcr, unsigned r,
			uint64_t root_pa, uint64_t *ttbr)
{
	unsigned t0 = ptk_arm32_ttbcr_t0sz(ttbcr), t1 = ptk_arm32_ttbcr_t1sz(ttbcr);
	unsigned tsz = r ? t1 : t0, n = 32 - tsz, lvl, hw_bits;
	uint64_t first, eng_idx;

	if (r >= f->nroots)
		return -EINVAL;
	lvl = f->root_level[r];
	if (4 - (int)(n - 4) / 9 != lpae_level(lvl))
		return -EINVAL;
	/* The half's first VA: TTBR0 from 0; TTBR1 the top 2^n, or above
	 * TTBR0's range when T1SZ = 0. */
	first = !r ? 0 : t1 ? (1ull << 32) - (1ull << n) : t0 ? 1ull << (32 - t0) : 0;
	hw_bits = n - f->level[lvl].shift;
	eng_idx = (first >> f->level[lvl].shift) & ((1ull << f->level[lvl].bits) - 1);
	*ttbr = root_pa + ((eng_idx & ~((1ull << hw_bits) - 1)) << f->entry_shift);
	return 0;
}
