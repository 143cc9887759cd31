// SPDX-License-Identifier: MIT
/*
 * AArch64 formats built from their names: "aarch64-<G>-<VA>[-lpa2|-lpa]".
 *
 * The name gives the translation granule (4K, 16K, 64K) and the VA size of
 * each half, 64 - TnSZ; both halves (TTBR0_EL1, TTBR1_EL1) use the same, as
 * Linux configures them.  The start level follows from the VA size
 * (AArch64.S1StartLevel), and the root table indexes only the bits left
 * above it.  "-lpa2" asks for TCR.DS = 1 (FEAT_LPA2: 52-bit output, level-0
 * blocks with 4K, level-1 blocks with 16K) and is implied by a VA above 48
 * with those granules; "-lpa" asks for FEAT_LPA with the 64K granule
 * (52-bit output, 4 TiB level-1 blocks).
 *
 * Everything a format points to lives in static tables below, so that a
 * built format is plain data the caller may copy anywhere.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arch/aarch64_priv.h"

#define A64_VA_MIN 25	/* TnSZ = 39, the largest without FEAT_TTST */
#define A64_VA_MAX 52
#define A64_NVA    (A64_VA_MAX - A64_VA_MIN + 1)

/* X(arg, va) for every VA size. */
#define A64_FOR_VA(X, a)                                                       \
	X(a, 25) X(a, 26) X(a, 27) X(a, 28) X(a, 29) X(a, 30) X(a, 31)        \
	X(a, 32) X(a, 33) X(a, 34) X(a, 35) X(a, 36) X(a, 37) X(a, 38)        \
	X(a, 39) X(a, 40) X(a, 41) X(a, 42) X(a, 43) X(a, 44) X(a, 45)        \
	X(a, 46) X(a, 47) X(a, 48) X(a, 49) X(a, 50) X(a, 51) X(a, 52)

/* --- canonical names ----------------------------------------------------- */

#define A64_NAME(g, va)      "aarch64-" g "-" #va,
#define A64_NAME_LPA2(g, va) "aarch64-" g "-" #va "-lpa2",
#define A64_NAME_LPA(g, va)  "aarch64-" g "-" #va "-lpa",

static const char *const a64_names[3][A64_NVA] = {
	{ A64_FOR_VA(A64_NAME, "4K") },
	{ A64_FOR_VA(A64_NAME, "16K") },
	{ A64_FOR_VA(A64_NAME, "64K") },
};
static const char *const a64_names_lpa2[2][A64_NVA] = {
	{ A64_FOR_VA(A64_NAME_LPA2, "4K") },
	{ A64_FOR_VA(A64_NAME_LPA2, "16K") },
};
static const char *const a64_names_lpa[A64_NVA] = { A64_FOR_VA(A64_NAME_LPA, "64K") };

static const char *a64_canonical_name(const struct a64_config *c)
{
	unsigned g = (c->granule - 12) / 2, v = c->va_bits - A64_VA_MIN;

	if (c->lpa)
		return a64_names_lpa[v];
	/* DS is implied above 48 bits, so those names carry no suffix. */
	if (c->ds && c->va_bits <= 48)
		return a64_names_lpa2[g][v];
	return a64_names[g][v];
}

/* --- Linux 6.1's kernel VA layout, for ptdump ---------------------------- */

/*
 * arch/arm64/include/asm/memory.h, pgtable.h and fixmap.h of Linux 6.1,
 * without KASAN, for a kernel built with VA_BITS = the format's VA size.
 * FIXADDR_SIZE depends on the configuration; this is a distribution kernel's
 * (ACPI_APEI_GHES, ARM_SDE_INTERFACE, UNMAP_KERNEL_AT_EL0, RELOCATABLE):
 * 2 MiB for the FDT plus 13 pages.
 */
#define SZ_2M   (2ull << 20)
#define SZ_8M   (8ull << 20)
#define SZ_16M  (16ull << 20)
#define SZ_32M  (32ull << 20)
#define SZ_128M (128ull << 20)
#define SZ_256M (256ull << 20)

#define L_PAGE_OFFSET(va)       (0ull - (1ull << (va)))
#define L_VA_BITS_MIN(va)       ((va) > 48 ? 48 : (va))
#define L_PAGE_END(va)          (0ull - (1ull << (L_VA_BITS_MIN(va) - 1)))
#define L_MODULES_VADDR(va)     L_PAGE_END(va)
#define L_MODULES_END(va)       (L_MODULES_VADDR(va) + SZ_128M)
#define L_VMEMMAP_SHIFT(ps)     ((ps) - 6)	/* STRUCT_PAGE_MAX_SHIFT = 6 */
#define L_VMEMMAP_START(ps, va) (0ull - (1ull << ((va) - L_VMEMMAP_SHIFT(ps))))
#define L_VMEMMAP_SIZE(ps, va)  ((L_PAGE_END(va) - L_PAGE_OFFSET(va)) >> L_VMEMMAP_SHIFT(ps))
#define L_VMALLOC_END(ps, va)   (L_VMEMMAP_START(ps, va) - SZ_256M)
#define L_FIXADDR_TOP(ps, va)   (L_VMEMMAP_START(ps, va) - SZ_32M)
#define L_FIX_PAGES(ps)         ((SZ_2M >> (ps)) + 13)
#define L_FIXADDR_START(ps, va) (L_FIXADDR_TOP(ps, va) - (L_FIX_PAGES(ps) << (ps)))
#define L_PCI_IO_END(ps, va)    (L_VMEMMAP_START(ps, va) - SZ_8M)
#define L_PCI_IO_START(ps, va)  (L_PCI_IO_END(ps, va) - SZ_16M)

#define A64_NMARKERS 13

/* address_markers[] of arch/arm64/mm/ptdump.c (6.1), in its order. */
#define A64_MARKERS(ps, va) {                                                  \
	{ L_PAGE_OFFSET(va), "Linear Mapping start", 0 },                     \
	{ L_PAGE_END(va), "Linear Mapping end", 0 },                          \
	{ L_MODULES_VADDR(va), "Modules start", 0 },                          \
	{ L_MODULES_END(va), "Modules end", 0 },                              \
	{ L_MODULES_END(va), "vmalloc() area", 0 },                           \
	{ L_VMALLOC_END(ps, va), "vmalloc() end", 0 },                        \
	{ L_FIXADDR_START(ps, va), "Fixmap start", 0 },                       \
	{ L_FIXADDR_TOP(ps, va), "Fixmap end", 0 },                           \
	{ L_PCI_IO_START(ps, va), "PCI I/O start", 0 },                       \
	{ L_PCI_IO_END(ps, va), "PCI I/O end", 0 },                           \
	{ L_VMEMMAP_START(ps, va), "vmemmap start", 0 },                      \
	{ L_VMEMMAP_START(ps, va) + L_VMEMMAP_SIZE(ps, va), "vmemmap end", 0 }, \
	{ ~0ull, NULL, 0 } },

static const struct ptk_marker a64_markers[3][A64_NVA][A64_NMARKERS] = {
	{ A64_FOR_VA(A64_MARKERS, 12) },
	{ A64_FOR_VA(A64_MARKERS, 14) },
	{ A64_FOR_VA(A64_MARKERS, 16) },
};

/* Where the layout's regions do not fit in order (VA sizes too small for
 * Linux), only the linear map is named. */
#define A64_LINEAR(a, va) {                                                    \
	{ L_PAGE_OFFSET(va), "Linear Mapping start", 0 },                     \
	{ L_PAGE_END(va), "Linear Mapping end", 0 },                          \
	{ ~0ull, NULL, 0 } },

static const struct ptk_marker a64_markers_linear[A64_NVA][3] = { A64_FOR_VA(A64_LINEAR, 0) };

/* kernel_page_tables walks init_mm from PAGE_OFFSET to the top: TTBR1. */
#define A64_DUMP(a, va) { { L_PAGE_OFFSET(va), ~0ull }, { 0, 0 } },

static const struct ptk_va_range a64_dump[A64_NVA][2] = { A64_FOR_VA(A64_DUMP, 0) };

static const struct ptk_marker *a64_pick_markers(const struct a64_config *c)
{
	const struct ptk_marker *m = a64_markers[(c->granule - 12) / 2][c->va_bits - A64_VA_MIN];

	for (unsigned i = 1; m[i].name; i++)
		if (m[i].start < m[i - 1].start)
			return a64_markers_linear[c->va_bits - A64_VA_MIN];
	return m;
}

/* --- geometry -------------------------------------------------------------- */

static const char *const a64_level_names[] = { "L-1", "L0", "L1", "L2", "L3" };

/* Linux's levels on n hardware levels (CONFIG_PGTABLE_LEVELS = n), the
 * folded ones as asm-generic/pgtable-nop4d.h, -nopud.h, -nopmd.h do. */
static const int8_t a64_hwlevel_of[6][PTK_NR_PGLEVELS] = {
	[1] = { 0, -1, -1, -1, -1 },
	[2] = { 0, -1, -1, -1, 1 },
	[3] = { 0, -1, -1, 1, 2 },
	[4] = { 0, -1, 1, 2, 3 },
	[5] = { 0, 1, 2, 3, 4 },
};

static const char *const a64_memtypes[] = {
	"normal", "normal_tagged", "normal_nc", "device_ngnrne", "device_ngnre",
	"attr5", "attr6", "attr7",
};

/* arch/arm64/mm/ptdump.c pte_bits[]: the bits note_page() compares. */
#define A64_PTDUMP_MASK (PTK_A64_VALID | PTK_A64_USER | PTK_A64_RDONLY | PTK_A64_PXN |     \
			 PTK_A64_SHARED | PTK_A64_AF | PTK_A64_NG | PTK_A64_CONT |         \
			 PTK_A64_TABLE_BIT | PTK_A64_UXN | PTK_A64_GP | PTK_A64_ATTRINDX_MASK)

static void a64_fill(const struct a64_config *c, struct ptk_format *f)
{
	unsigned stride = c->granule - 3;
	/* AArch64.S1StartLevel: 3 - ((VA size - 1 - granule) / stride). */
	int start = 3 - (int)((c->va_bits - 1 - c->granule) / stride);
	unsigned n = (unsigned)(4 - start);
	bool wide = c->ds || c->lpa;

	*f = (struct ptk_format){
		.name = a64_canonical_name(c),
		.arch = "arm64",
		.nlevels = (uint8_t)n,
		.entry_shift = 3,
		.table_shift = (uint8_t)c->granule,
		.va_bits = (uint8_t)c->va_bits,
		/* 64K with FEAT_LPA: the implementation's PA size is 52 bits,
		 * which is what makes level-1 blocks valid. */
		.max_pa_bits = wide ? 52 : 48,
		.min_pa_bits = c->lpa ? 52 : 32,
		.default_pa_bits = wide ? 52 : 48,
		.nroots = 2,
		/* TTBR0 from 0 up, TTBR1 from the top of the space down. */
		.root_base = { 0, ~0ull << c->va_bits },
		.ptdump_mask = A64_PTDUMP_MASK,
		/* bit 55 is Linux's PTE_DIRTY, which mk_leaf writes */
		.leaf_sw_keep = PTK_A64_SW_MASK & ~PTK_A64_SW_DIRTY,
		.ptdump_flags = PTK_PTDUMP_LEVEL_IN_PROT | PTK_PTDUMP_NO_EFFECTIVE |
				PTK_PTDUMP_MARKER_TWICE,
		.memtype_names = a64_memtypes,
		.nr_memtypes = 8,
		.nr_pkeys = 0,
		.syndrome_name = "ESR",
		.markers = a64_pick_markers(c),
		.dump_ranges = a64_dump[c->va_bits - A64_VA_MIN],
		.ops = &ptk_a64_ops,
	};
	memcpy(f->hwlevel_of, a64_hwlevel_of[n], sizeof(f->hwlevel_of));
	for (unsigned i = 0; i < n; i++) {
		int al = start + (int)i;
		struct ptk_level_geom *g = &f->level[i];

		g->hw_name = a64_level_names[al + 1];
		g->shift = (uint8_t)(c->granule + (unsigned)(3 - al) * stride);
		g->bits = (uint8_t)(i ? stride : c->va_bits - g->shift);
		g->leaf = al == 3 || a64_block_ok(c, al);
		for (int p = PTK_NR_PGLEVELS - 1; p >= 0; p--)
			if (f->hwlevel_of[p] == (int)i)
				g->pglevel = (enum ptk_pglevel)p;
	}
}

/* --- the name -------------------------------------------------------------- */

#define A64_USAGE "aarch64-<4K|16K|64K>-<VA bits>[-lpa2|-lpa]"

static int a64_parse(const char *name, struct a64_config *c, struct ptk_error *err)
{
	static const struct { const char *word; unsigned shift; } granules[] = {
		{ "4K-", 12 }, { "16K-", 14 }, { "64K-", 16 },
	};
	const char *p = name + strlen("aarch64-");
	char *end;
	unsigned long va;

	*c = (struct a64_config){ 0 };
	for (size_t i = 0; i < sizeof(granules) / sizeof(granules[0]); i++)
		if (!strncmp(p, granules[i].word, strlen(granules[i].word))) {
			c->granule = granules[i].shift;
			p += strlen(granules[i].word);
		}
	if (!c->granule)
		return ptk_err(err, -EINVAL, "%s: the granule must be 4K, 16K or 64K (" A64_USAGE ")",
			       name);
	if (!isdigit((unsigned char)p[0]) || (isdigit((unsigned char)p[1]) &&
					       isdigit((unsigned char)p[2])))
		return ptk_err(err, -EINVAL, "%s: expected the VA size in bits (" A64_USAGE ")", name);
	va = strtoul(p, &end, 10);
	if (!strcmp(end, "-lpa2"))
		c->ds = true;
	else if (!strcmp(end, "-lpa"))
		c->lpa = true;
	else if (*end)
		return ptk_err(err, -EINVAL, "%s: unknown suffix '%s' (" A64_USAGE ")", name, end);
	if (va < A64_VA_MIN || va > A64_VA_MAX)
		return ptk_err(err, -EINVAL,
			       "%s: a %lu-bit VA is outside 25..52 (TnSZ 12..39; smaller "
			       "spaces need FEAT_TTST, which is not modelled)", name, va);
	c->va_bits = (unsigned)va;
	if (c->granule == 16 && c->ds)
		return ptk_err(err, -EINVAL,
			       "%s: TCR.DS (FEAT_LPA2) applies to the 4K and 16K granules; "
			       "64K reaches 52-bit output addresses with FEAT_LPA: -lpa", name);
	if (c->granule != 16 && c->lpa)
		return ptk_err(err, -EINVAL,
			       "%s: FEAT_LPA's 52-bit output needs the 64K granule; "
			       "4K and 16K have it with FEAT_LPA2: -lpa2", name);
	/* Above 48 bits: 4K and 16K need TCR.DS = 1, 64K needs FEAT_LVA. */
	if (c->granule != 16 && va > 48)
		c->ds = true;
	return 0;
}

int ptk_a64_build(const char *name, struct ptk_format *out, struct ptk_error *err)
{
	struct a64_config c;
	int rc = a64_parse(name, &c, err);

	if (rc)
		return rc;
	a64_fill(&c, out);
	return 0;
}
