// SPDX-License-Identifier: MIT
/*
 * AArch64 VMSAv8-64 stage-1 descriptors, geometry and fault rules, against
 * values worked out by hand from the Arm ARM (DDI 0487, chapter D8) and
 * Linux 6.1's arch/arm64 (pgtable-prot.h, proc.S, ptdump.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/aarch64.h>
#include "ptk_test.h"

static struct ptk_format build(const char *name)
{
	struct ptk_format f;
	struct ptk_error err = { 0 };

	if (ptk_format_build(name, &f, &err))
		fail_msg("%s: %s", name, err.msg);
	return f;
}

static uint64_t leaf(const struct ptk_format *f, unsigned lvl, uint64_t pa, const char *prot)
{
	struct ptk_prot p;
	uint64_t raw = 0;

	assert_int_equal(ptk_prot_parse(f, prot, &p), 0);
	if (f->ops->mk_leaf(f, lvl, pa, &p, &raw))
		fail_msg("%s: mk_leaf(%u, %#llx, %s) refused", f->name, lvl,
			 (unsigned long long)pa, prot);
	return raw;
}

/* --- names and geometry ------------------------------------------------- */

struct geom_case {
	const char *name, *canonical;
	unsigned nlevels;
	int start;			/* architectural level of index 0 */
	uint8_t shift[5], bits[5];
	bool leaf[5];
	unsigned min_pa, max_pa, def_pa;
	int8_t hwlevel_of[PTK_NR_PGLEVELS];
};

/* AArch64.S1StartLevel: 3 - (VA - 1 - granule) / (granule - 3). */
static const struct geom_case geoms[] = {
	{ "aarch64-4K-48", "aarch64-4K-48", 4, 0, { 39, 30, 21, 12 }, { 9, 9, 9, 9 },
	  { 0, 1, 1, 1 }, 32, 48, 48, { 0, -1, 1, 2, 3 } },
	{ "aarch64-4K-39", "aarch64-4K-39", 3, 1, { 30, 21, 12 }, { 9, 9, 9 },
	  { 1, 1, 1 }, 32, 48, 48, { 0, -1, -1, 1, 2 } },
	{ "aarch64-4K-42", "aarch64-4K-42", 4, 0, { 39, 30, 21, 12 }, { 3, 9, 9, 9 },
	  { 0, 1, 1, 1 }, 32, 48, 48, { 0, -1, 1, 2, 3 } },
	{ "aarch64-4K-31", "aarch64-4K-31", 3, 1, { 30, 21, 12 }, { 1, 9, 9 },
	  { 1, 1, 1 }, 32, 48, 48, { 0, -1, -1, 1, 2 } },
	{ "aarch64-4K-30", "aarch64-4K-30", 2, 2, { 21, 12 }, { 9, 9 },
	  { 1, 1 }, 32, 48, 48, { 0, -1, -1, -1, 1 } },
	{ "aarch64-4K-25", "aarch64-4K-25", 2, 2, { 21, 12 }, { 4, 9 },
	  { 1, 1 }, 32, 48, 48, { 0, -1, -1, -1, 1 } },
	/* DS = 1: a level-0 block; above 48 bits level -1 */
	{ "aarch64-4K-48-lpa2", "aarch64-4K-48-lpa2", 4, 0, { 39, 30, 21, 12 }, { 9, 9, 9, 9 },
	  { 1, 1, 1, 1 }, 32, 52, 52, { 0, -1, 1, 2, 3 } },
	{ "aarch64-4K-52", "aarch64-4K-52", 5, -1, { 48, 39, 30, 21, 12 }, { 4, 9, 9, 9, 9 },
	  { 0, 1, 1, 1, 1 }, 32, 52, 52, { 0, 1, 2, 3, 4 } },
	{ "aarch64-4K-52-lpa2", "aarch64-4K-52", 5, -1, { 48, 39, 30, 21, 12 }, { 4, 9, 9, 9, 9 },
	  { 0, 1, 1, 1, 1 }, 32, 52, 52, { 0, 1, 2, 3, 4 } },
	{ "aarch64-4K-49", "aarch64-4K-49", 5, -1, { 48, 39, 30, 21, 12 }, { 1, 9, 9, 9, 9 },
	  { 0, 1, 1, 1, 1 }, 32, 52, 52, { 0, 1, 2, 3, 4 } },
	{ "aarch64-16K-47", "aarch64-16K-47", 3, 1, { 36, 25, 14 }, { 11, 11, 11 },
	  { 0, 1, 1 }, 32, 48, 48, { 0, -1, -1, 1, 2 } },
	{ "aarch64-16K-48", "aarch64-16K-48", 4, 0, { 47, 36, 25, 14 }, { 1, 11, 11, 11 },
	  { 0, 0, 1, 1 }, 32, 48, 48, { 0, -1, 1, 2, 3 } },
	{ "aarch64-16K-36", "aarch64-16K-36", 2, 2, { 25, 14 }, { 11, 11 },
	  { 1, 1 }, 32, 48, 48, { 0, -1, -1, -1, 1 } },
	{ "aarch64-16K-48-lpa2", "aarch64-16K-48-lpa2", 4, 0, { 47, 36, 25, 14 }, { 1, 11, 11, 11 },
	  { 0, 1, 1, 1 }, 32, 52, 52, { 0, -1, 1, 2, 3 } },
	{ "aarch64-16K-52", "aarch64-16K-52", 4, 0, { 47, 36, 25, 14 }, { 5, 11, 11, 11 },
	  { 0, 1, 1, 1 }, 32, 52, 52, { 0, -1, 1, 2, 3 } },
	{ "aarch64-16K-25", "aarch64-16K-25", 1, 3, { 14 }, { 11 },
	  { 1 }, 32, 48, 48, { 0, -1, -1, -1, -1 } },
	{ "aarch64-64K-42", "aarch64-64K-42", 2, 2, { 29, 16 }, { 13, 13 },
	  { 1, 1 }, 32, 48, 48, { 0, -1, -1, -1, 1 } },
	{ "aarch64-64K-48", "aarch64-64K-48", 3, 1, { 42, 29, 16 }, { 6, 13, 13 },
	  { 0, 1, 1 }, 32, 48, 48, { 0, -1, -1, 1, 2 } },
	{ "aarch64-64K-52", "aarch64-64K-52", 3, 1, { 42, 29, 16 }, { 10, 13, 13 },
	  { 0, 1, 1 }, 32, 48, 48, { 0, -1, -1, 1, 2 } },
	/* FEAT_LPA: 4 TiB blocks at level 1, and the machine's PA is 52 bits */
	{ "aarch64-64K-48-lpa", "aarch64-64K-48-lpa", 3, 1, { 42, 29, 16 }, { 6, 13, 13 },
	  { 1, 1, 1 }, 52, 52, 52, { 0, -1, -1, 1, 2 } },
	{ "aarch64-64K-30", "aarch64-64K-30", 2, 2, { 29, 16 }, { 1, 13 },
	  { 1, 1 }, 32, 48, 48, { 0, -1, -1, -1, 1 } },
	{ "aarch64-64K-29", "aarch64-64K-29", 1, 3, { 16 }, { 13 },
	  { 1 }, 32, 48, 48, { 0, -1, -1, -1, -1 } },
};

static void geometry_by_hand(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(geoms) / sizeof(geoms[0]); i++) {
		const struct geom_case *c = &geoms[i];
		struct ptk_format f = build(c->name);

		if (strcmp(f.name, c->canonical))
			fail_msg("%s: named %s", c->name, f.name);
		assert_string_equal(f.arch, "arm64");
		assert_int_equal(f.nlevels, c->nlevels);
		assert_int_equal(f.nroots, 2);
		assert_int_equal(f.entry_shift, 3);
		assert_int_equal(f.table_shift, f.level[f.nlevels - 1].shift);
		assert_int_equal(ptk_a64_level(&f, 0), c->start);
		assert_int_equal(f.min_pa_bits, c->min_pa);
		assert_int_equal(f.max_pa_bits, c->max_pa);
		assert_int_equal(f.default_pa_bits, c->def_pa);
		for (unsigned l = 0; l < c->nlevels; l++) {
			char want[8];

			snprintf(want, sizeof(want), "L%d", c->start + (int)l);
			if (f.level[l].shift != c->shift[l] || f.level[l].bits != c->bits[l] ||
			    f.level[l].leaf != c->leaf[l] || strcmp(f.level[l].hw_name, want))
				fail_msg("%s level %u: %s shift %u bits %u leaf %d", c->name, l,
					 f.level[l].hw_name, f.level[l].shift, f.level[l].bits,
					 f.level[l].leaf);
		}
		assert_memory_equal(f.hwlevel_of, c->hwlevel_of, sizeof(f.hwlevel_of));
	}
}

/* Field by field: a struct's padding is not part of it. */
static void same_format(const struct ptk_format *a, struct ptk_format b)
{
	assert_ptr_equal(a->name, b.name);
	assert_int_equal(a->nlevels, b.nlevels);
	assert_int_equal(a->va_bits, b.va_bits);
	assert_int_equal(a->table_shift, b.table_shift);
	assert_int_equal(a->min_pa_bits, b.min_pa_bits);
	assert_int_equal(a->max_pa_bits, b.max_pa_bits);
	assert_ptr_equal(a->markers, b.markers);
	assert_ptr_equal(a->dump_ranges, b.dump_ranges);
	for (unsigned l = 0; l < a->nlevels; l++) {
		assert_int_equal(a->level[l].shift, b.level[l].shift);
		assert_int_equal(a->level[l].bits, b.level[l].bits);
		assert_int_equal(a->level[l].leaf, b.level[l].leaf);
		assert_int_equal(a->level[l].pglevel, b.level[l].pglevel);
	}
	assert_memory_equal(a->hwlevel_of, b.hwlevel_of, sizeof(a->hwlevel_of));
}

/* Every granule x VA size x suffix: built, or refused with a reason. */
static void every_configuration(void **state)
{
	static const char *const gran[] = { "4K", "16K", "64K" };
	static const char *const sfx[] = { "", "-lpa2", "-lpa" };

	(void)state;
	for (unsigned g = 0; g < 3; g++)
		for (unsigned va = 20; va <= 56; va++)
			for (unsigned s = 0; s < 3; s++) {
				unsigned gs = 12 + 2 * g, stride = gs - 3, sum = 0;
				char name[64];
				struct ptk_format f;
				struct ptk_error err = { 0 };
				bool ok = va >= 25 && va <= 52 && (s != 1 || g < 2) && (s != 2 || g == 2);
				int rc;

				snprintf(name, sizeof(name), "aarch64-%s-%u%s", gran[g], va, sfx[s]);
				rc = ptk_format_build(name, &f, &err);
				if (!ok) {
					if (rc != -EINVAL || !err.msg[0])
						fail_msg("%s: accepted", name);
					continue;
				}
				if (rc)
					fail_msg("%s: %s", name, err.msg);
				for (unsigned l = 0; l < f.nlevels; l++) {
					int al = ptk_a64_level(&f, l);

					sum += f.level[l].bits;
					assert_int_equal(f.level[l].shift, gs + (unsigned)(3 - al) * stride);
					assert_true(f.level[l].bits >= 1 && f.level[l].bits <= stride);
				}
				assert_int_equal(sum + gs, va);
				assert_int_equal(ptk_a64_level(&f, 0),
						 3 - (int)((va - 1 - gs) / stride));
				assert_int_equal(ptk_a64_ds(&f), g < 2 && (s == 1 || va > 48));
				assert_int_equal(ptk_a64_lpa(&f), s == 2);
				/* The canonical name builds the same format. */
				same_format(&f, build(f.name));
			}
}

static void impossible_names(void **state)
{
	static const struct { const char *name, *why; } bad[] = {
		{ "aarch64-8K-48", "granule must be 4K, 16K or 64K" },
		{ "aarch64-4k-48", "granule must be 4K, 16K or 64K" },
		{ "aarch64-4K-24", "outside 25..52" },
		{ "aarch64-4K-53", "outside 25..52" },
		{ "aarch64-64K-56", "outside 25..52" },
		{ "aarch64-4K-100", "expected the VA size" },
		{ "aarch64-4K-", "expected the VA size" },
		{ "aarch64-4K", "granule must be" },
		{ "aarch64-", "granule must be" },
		{ "aarch64-4K-48-x", "unknown suffix '-x'" },
		{ "aarch64-4K-4a", "unknown suffix 'a'" },
		{ "aarch64-64K-48-lpa2", "64K reaches 52-bit output addresses with FEAT_LPA" },
		{ "aarch64-4K-48-lpa", "needs the 64K granule" },
		{ "aarch64-16K-52-lpa", "needs the 64K granule" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ptk_format f;
		struct ptk_error err = { 0 };

		assert_int_equal(ptk_format_build(bad[i].name, &f, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].name, err.msg, bad[i].why);
	}
}

/* --- encodings ------------------------------------------------------------ */

struct enc_case {
	const char *fmt;
	unsigned lvl;			/* hardware level index */
	uint64_t pa;
	const char *prot;
	uint64_t want;
};

/*
 * Stage-1 block/page bits: type 0b11 page, 0b01 block; AttrIndx 4:2;
 * AP[1] (USER) 0x40, AP[2] (RDONLY) 0x80; SH 9:8 (0x300 Inner Shareable);
 * AF 0x400; nG 0x800; GP bit 50; DBM (PTE_WRITE) bit 51; Contiguous 52;
 * PXN 53; UXN 54; Linux's PTE_DIRTY 55.  So DBM|PXN|UXN = 0x0068 << 48,
 * PXN|UXN = 0x0060 << 48, DIRTY|DBM|PXN|UXN = 0x00e8 << 48.
 */
static const struct enc_case enc_cases[] = {
	{ "aarch64-4K-48", 3, 0x1000, "r", 0x0060000000001b83ull },
	{ "aarch64-4K-48", 3, 0x1000, "rwag", 0x0068000000001703ull },
	/* Linux PAGE_KERNEL with KPTI (PTE_MAYBE_NG): 0x00e8000000000f03 */
	{ "aarch64-4K-48", 3, 0x1000, "rwad", 0x00e8000000001f03ull },
	{ "aarch64-4K-48", 3, 0x1000, "rwxua", 0x0028000000001f43ull },	/* user exec: PXN */
	/* PAGE_READONLY_EXEC: USER | RDONLY | NG | PXN */
	{ "aarch64-4K-48", 3, 0x2000, "rxua", 0x0020000000002fc3ull },
	/* PAGE_KERNEL_ROX: RDONLY | UXN */
	{ "aarch64-4K-48", 3, 0x2000, "rxag", 0x0040000000002783ull },
	{ "aarch64-4K-48", 3, 0x2000, "rwag,normal_tagged", 0x0068000000002707ull },
	{ "aarch64-4K-48", 3, 0x2000, "rwag,normal_nc", 0x006800000000270bull },
	{ "aarch64-4K-48", 3, 0x2000, "rwag,device_ngnrne", 0x006800000000270full },
	/* PROT_DEVICE_nGnRE: 0x00e8000000000713 */
	{ "aarch64-4K-48", 3, 0x2000, "rwadg,device_ngnre", 0x00e8000000002713ull },
	{ "aarch64-4K-48", 3, 0x2000, "rwag,attr7", 0x006800000000271full },
	{ "aarch64-4K-48", 3, 0xfffffffff000ull, "ra", 0x0060ffffffffff83ull },
	{ "aarch64-4K-48", 2, 0x40200000, "rwag", 0x0068000040200701ull },	/* 2M block */
	{ "aarch64-4K-48", 1, 0x80000000, "ra", 0x0060000080000f81ull },	/* 1G block */
	{ "aarch64-4K-39", 0, 0x80000000, "ra", 0x0060000080000f81ull },	/* the same at the root */
	{ "aarch64-16K-47", 2, 0x4000, "rwag", 0x0068000000004703ull },
	{ "aarch64-16K-47", 1, 0x2000000, "ra", 0x0060000002000f81ull },	/* 32M block */
	{ "aarch64-64K-48", 2, 0x10000, "rxa", 0x0040000000010f83ull },
	{ "aarch64-64K-48", 1, 0x20000000, "rwa", 0x0068000020000f01ull },	/* 512M block */
	/* DS = 1: no SH; OA[51:50] in bits 9:8, OA[49:48] in 49:48 */
	{ "aarch64-16K-48-lpa2", 1, 0x000c001000000000ull, "rwag", 0x0068001000000701ull },
	{ "aarch64-4K-52", 1, 0x0004008000000000ull, "ra", 0x0060008000000d81ull },	/* 512G */
	{ "aarch64-4K-52", 4, 0x000ffffffffff000ull, "rwag", 0x006bfffffffff703ull },
	/* 64K with FEAT_LPA: OA[51:48] in bits 15:12; 4T block at level 1 */
	{ "aarch64-64K-48-lpa", 0, 0x000f040000000000ull, "rwag", 0x006804000000f701ull },
};

static void encode_every_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		const struct enc_case *c = &enc_cases[i];
		struct ptk_format f = build(c->fmt);
		uint64_t got = leaf(&f, c->lvl, c->pa, c->prot);

		if (got != c->want)
			fail_msg("case %zu (%s %s at %u): got %#018llx want %#018llx", i, c->fmt,
				 c->prot, c->lvl, (unsigned long long)got, (unsigned long long)c->want);
	}
}

static void contiguous_bit(void **state)
{
	struct ptk_format f4 = build("aarch64-4K-48"), f16 = build("aarch64-16K-48-lpa2"),
			  f64 = build("aarch64-64K-48-lpa"), f52 = build("aarch64-4K-52");
	struct ptk_prot p = { PTK_PROT_READ | PTK_PROT_WRITE | PTK_PROT_ACCESSED | PTK_PROT_GLOBAL |
			      PTK_A64_PROT_CONT, 0, 0 };
	struct ptk_desc d;
	uint64_t raw;

	(void)state;
	/* ContiguousSize(): 4K 16 at levels 1-3; 16K 32 at 2, 128 at 3; 64K 32 at 2 and 3 */
	assert_int_equal(ptk_a64_contig_entries(&f4, 0), 0);
	assert_int_equal(ptk_a64_contig_entries(&f4, 1), 16);
	assert_int_equal(ptk_a64_contig_entries(&f4, 2), 16);
	assert_int_equal(ptk_a64_contig_entries(&f4, 3), 16);
	assert_int_equal(ptk_a64_contig_entries(&f16, 1), 0);	/* the DS level-1 block */
	assert_int_equal(ptk_a64_contig_entries(&f16, 2), 32);
	assert_int_equal(ptk_a64_contig_entries(&f16, 3), 128);
	assert_int_equal(ptk_a64_contig_entries(&f64, 0), 0);
	assert_int_equal(ptk_a64_contig_entries(&f64, 1), 32);
	assert_int_equal(ptk_a64_contig_entries(&f64, 2), 32);
	assert_int_equal(ptk_a64_contig_entries(&f52, 0), 0);	/* level -1 */
	assert_int_equal(ptk_a64_contig_entries(&f52, 1), 0);	/* level 0 block */
	/* 16 x 4K = 64K, 16 x 2M = 32M, 32 x 512M = 16G, 128 x 16K = 2M */
	assert_int_equal(f4.ops->mk_leaf(&f4, 3, 0x10000, &p, &raw), 0);
	assert_int_equal(raw, 0x0078000000010703ull);
	f4.ops->decode(&f4, 3, raw, &d);
	assert_int_equal(d.prot.flags, p.flags);
	assert_int_equal(f4.ops->mk_leaf(&f4, 0, 0, &p, &raw), -EINVAL);
	assert_int_equal(f52.ops->mk_leaf(&f52, 1, 0, &p, &raw), -EINVAL);
	/* Where the bit means nothing, decode does not report it. */
	f52.ops->decode(&f52, 1, 0x0010000000000401ull, &d);
	assert_int_equal(d.type, PTK_DESC_LEAF);
	assert_false(d.prot.flags & PTK_A64_PROT_CONT);
}

/* decode(encode(x)) gives x back: every letter, memory type, leaf level. */
static void decode_round_trips(void **state)
{
	static const char *const fmts[] = {
		"aarch64-4K-48", "aarch64-4K-52", "aarch64-16K-47", "aarch64-16K-48-lpa2",
		"aarch64-64K-42", "aarch64-64K-52-lpa", "aarch64-16K-25",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct ptk_format f = build(fmts[i]);

		for (unsigned lvl = 0; lvl < f.nlevels; lvl++) {
			uint64_t pa = (0x123ull << f.level[lvl].shift) & ((1ull << f.max_pa_bits) - 1);

			if (!f.level[lvl].leaf)
				continue;
			for (unsigned letters = 0; letters < 128; letters++)
				for (unsigned mt = 0; mt < 8; mt++) {
					struct ptk_prot p = { letters | PTK_PROT_READ, (uint8_t)mt, 0 };
					struct ptk_desc d;
					uint64_t raw;

					assert_int_equal(f.ops->mk_leaf(&f, lvl, pa, &p, &raw), 0);
					f.ops->decode(&f, lvl, raw, &d);
					assert_int_equal(d.type, PTK_DESC_LEAF);
					assert_int_equal(d.addr, pa);
					assert_int_equal(d.prot.flags, p.flags);
					assert_int_equal(d.prot.memtype, mt);
					assert_int_equal(d.prot.pkey, 0);
				}
		}
	}
}

static void unencodable_is_refused(void **state)
{
	struct ptk_format f = build("aarch64-4K-48"), f52 = build("aarch64-4K-52");
	struct ptk_prot p = { PTK_PROT_WRITE, 0, 0 };
	uint64_t raw;

	(void)state;
	/* Every valid descriptor grants EL1 read: no write-only page. */
	assert_int_equal(f.ops->mk_leaf(&f, 3, 0x1000, &p, &raw), -EINVAL);
	p.flags = PTK_PROT_READ;
	assert_int_equal(f.ops->mk_leaf(&f, 3, 0x1800, &p, &raw), -EINVAL);	/* unaligned */
	assert_int_equal(f.ops->mk_leaf(&f, 2, 0x201000, &p, &raw), -EINVAL);
	assert_int_equal(f.ops->mk_leaf(&f, 0, 0, &p, &raw), -EINVAL);		/* no L0 block */
	assert_int_equal(f52.ops->mk_leaf(&f52, 0, 0, &p, &raw), -EINVAL);	/* no L-1 block */
	assert_int_equal(f.ops->mk_leaf(&f, 3, 1ull << 48, &p, &raw), -EINVAL);	/* 48-bit OA */
	assert_int_equal(f52.ops->mk_leaf(&f52, 4, 1ull << 51, &p, &raw), 0);
	assert_int_equal(f.ops->mk_leaf(&f, 4, 0, &p, &raw), -EINVAL);		/* no level */
	p.memtype = 8;
	assert_int_equal(f.ops->mk_leaf(&f, 3, 0x1000, &p, &raw), -EINVAL);
	p.memtype = 0;
	p.pkey = 1;
	assert_int_equal(f.ops->mk_leaf(&f, 3, 0x1000, &p, &raw), -EINVAL);
	p.pkey = 0;
	p.flags = PTK_PROT_READ | (1u << 20);
	assert_int_equal(f.ops->mk_leaf(&f, 3, 0x1000, &p, &raw), -EINVAL);
	assert_int_equal(ptk_prot_parse(&f, "r,pkey=0", &p), -EINVAL);
	assert_int_equal(ptk_prot_parse(&f, "r,wb", &p), -EINVAL);
}

/* PMD_TYPE_TABLE and the address, nothing else (the leaf decides). */
static void table_entries(void **state)
{
	struct ptk_format f4 = build("aarch64-4K-48"), f52 = build("aarch64-4K-52"),
			  f16 = build("aarch64-16K-48-lpa2"), f64 = build("aarch64-64K-48"),
			  lpa = build("aarch64-64K-48-lpa"), f47 = build("aarch64-16K-47");
	struct ptk_desc d;

	(void)state;
	assert_int_equal(f4.ops->mk_table(&f4, 0, 0x5000, NULL), 0x5003);
	assert_int_equal(f47.ops->mk_table(&f47, 0, 0x0000fffffffec000ull, NULL), 0x0000fffffffec003ull);
	assert_int_equal(f52.ops->mk_table(&f52, 0, 0x000c000000005000ull, NULL), 0x5303);
	assert_int_equal(f16.ops->mk_table(&f16, 1, 0x0004000000008000ull, NULL), 0x8103);
	assert_int_equal(f64.ops->mk_table(&f64, 0, 0x0000ffffffff0000ull, NULL), 0x0000ffffffff0003ull);
	assert_int_equal(lpa.ops->mk_table(&lpa, 0, 0x000a000000010000ull, NULL), 0x1a003);
	f52.ops->decode(&f52, 0, 0x5303, &d);
	assert_int_equal(d.type, PTK_DESC_TABLE);
	assert_int_equal(d.addr, 0x000c000000005000ull);
	lpa.ops->decode(&lpa, 0, 0x1a003, &d);
	assert_int_equal(d.addr, 0x000a000000010000ull);
	/* Without FEAT_LPA bits 15:12 are not address bits. */
	f64.ops->decode(&f64, 0, 0x1a003, &d);
	assert_int_equal(d.addr, 0x10000);
	/* Table attributes say what the table still allows. */
	f4.ops->decode(&f4, 0, 0x5003 | PTK_A64_APTABLE_RDONLY | PTK_A64_APTABLE_NOEL0, &d);
	assert_int_equal(d.prot.flags, PTK_PROT_READ | PTK_PROT_EXEC);
	/* Reserved and misplaced encodings decode as invalid. */
	f4.ops->decode(&f4, 3, 0x1401, &d);
	assert_int_equal(d.type, PTK_DESC_INVALID);
	f4.ops->decode(&f4, 0, 0x8000000401ull, &d);
	assert_int_equal(d.type, PTK_DESC_INVALID);
	f4.ops->decode(&f4, 1, 0x40000401ull, &d);
	assert_int_equal(d.type, PTK_DESC_LEAF);
}

/* --- the rules of a walk ------------------------------------------------------ */

#define T(a)   ((uint64_t)(a) | 3)	/* table descriptor */
#define PG(x)  (0x3000ull | 3 | PTK_A64_AF | (x))	/* page with AF */
#define U      PTK_A64_USER
#define RO     PTK_A64_RDONLY
#define PXN    PTK_A64_PXN
#define UXN    PTK_A64_UXN
#define AF     PTK_A64_AF
#define APT0   PTK_A64_APTABLE_NOEL0
#define APT1   PTK_A64_APTABLE_RDONLY
#define UXNT   PTK_A64_UXNTABLE
#define PXNT   PTK_A64_PXNTABLE
#define IDX(i) PTK_A64_ATTRINDX(i)
#define R_     PTK_ACC_READ
#define W_     PTK_ACC_WRITE
#define X_     PTK_ACC_EXEC
#define TTBR1  0xffff000000000000ull
#define NONE   PTK_FAULT_NONE

struct rule_case {
	const char *what, *fmt;
	unsigned pa_bits;		/* 0: 48 */
	uint64_t tcr_set, tcr_clear, sctlr_set, mair;	/* mair 0: Linux's */
	int pan;			/* -1: default (1) */
	uint64_t va;
	unsigned n;
	uint64_t e[5];
	enum ptk_access acc;
	bool user;
	enum ptk_fault_kind want;
	int level;
	uint64_t esr;
};

#define F4 "aarch64-4K-48"
#define D 0, 0, 0, 0, -1	/* default control state */

/* ESR_EL1: EC 0x25/0x24 (Data Abort, EL1/EL0) or 0x21/0x20 (Instruction
 * Abort), IL (bit 25), WnR (bit 6), DFSC: 0x00+l address size, 0x04+l
 * translation, 0x08+l access flag, 0x0c+l permission; level -1: 0x29,
 * 0x2b.  So EL1 read 0x96000000 | fsc, EL1 write 0x96000040 | fsc, EL0
 * read 0x92000000, EL0 write 0x92000040, EL1 fetch 0x86000000, EL0 fetch
 * 0x82000000. */
static const struct rule_case rules[] = {
	{ "invalid at level 0", F4, 0, D, 0, 1, { 0 }, R_, false, PTK_FAULT_NOT_PRESENT, 0, 0x96000004 },
	{ "invalid at level 3, EL0 write", F4, 0, D, 0, 4, { T(0x1000), T(0x2000), T(0x3000), 0x3000 },
	  W_, true, PTK_FAULT_NOT_PRESENT, 3, 0x92000047 },
	{ "invalid, EL1 fetch", F4, 0, D, 0, 3, { T(0), T(0), 0 }, X_, false, PTK_FAULT_NOT_PRESENT, 2, 0x86000006 },
	{ "invalid, EL0 fetch", F4, 0, D, 0, 2, { T(0), 0 }, X_, true, PTK_FAULT_NOT_PRESENT, 1, 0x82000005 },
	{ "type 01 at level 3 is reserved", F4, 0, D, 0, 4, { T(0), T(0), T(0), 0x3001 | AF },
	  R_, false, PTK_FAULT_NOT_PRESENT, 3, 0x96000007 },
	{ "no level-0 block with 4K, DS = 0", F4, 0, D, 0, 1, { 0x8000000001ull | AF },
	  R_, false, PTK_FAULT_NOT_PRESENT, 0, 0x96000004 },
	{ "a level-0 block with DS = 1", "aarch64-4K-48-lpa2", 0, D, 0, 1, { 0x8000000001ull | AF },
	  R_, false, NONE, 0, 0 },
	{ "1G block at level 1", F4, 0, D, 0, 2, { T(0), 0x40000001ull | AF }, R_, false, NONE, 0, 0 },
	{ "AF = 0", F4, 0, D, 0, 4, { T(0), T(0), T(0), 0x3003 }, R_, false, PTK_FAULT_ACCESS_FLAG, 3, 0x9600000b },
	{ "AF = 0, write", F4, 0, D, 0, 4, { T(0), T(0), T(0), 0x3003 }, W_, false, PTK_FAULT_ACCESS_FLAG, 3, 0x9600004b },
	{ "AF = 0 in a 2M block, EL0", F4, 0, D, 0, 3, { T(0), T(0), 0x200001 | U }, R_, true,
	  PTK_FAULT_ACCESS_FLAG, 2, 0x9200000a },
	{ "output address beyond 40 bits", F4, 40, D, 0, 4, { T(0), T(0), T(0), PG(1ull << 40) },
	  R_, false, PTK_FAULT_ADDRESS_SIZE, 3, 0x96000003 },
	{ "bit 39 fits 40 bits", F4, 40, D, 0, 4, { T(0), T(0), T(0), PG(1ull << 39) }, R_, false, NONE, 0, 0 },
	{ "next table beyond 40 bits", F4, 40, D, 0, 1, { T(1ull << 41) }, R_, false,
	  PTK_FAULT_ADDRESS_SIZE, 0, 0x96000000 },
	{ "address size before the Access flag", F4, 40, D, 0, 4, { T(0), T(0), T(0), (1ull << 40) | 0x3003 },
	  R_, false, PTK_FAULT_ADDRESS_SIZE, 3, 0x96000003 },
	{ "TCR.IPS = 32 bits", F4, 0, 0, PTK_A64_TCR_IPS_MASK, 0, 0, -1, 0, 4,
	  { T(0), T(0), T(0), PG(1ull << 32) }, R_, false, PTK_FAULT_ADDRESS_SIZE, 3, 0x96000003 },
	{ "bits 51:48 are RES0, not address, at DS = 0", F4, 0, D, 0, 4,
	  { T(0), T(0), T(0), PG(0xfull << 48) }, R_, false, NONE, 0, 0 },
	/* AP[2:1] */
	{ "EL0 read of an EL1 page", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(0) }, R_, true,
	  PTK_FAULT_USER, 3, 0x9200000f },
	{ "EL0 read of a user page", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U) }, R_, true, NONE, 0, 0 },
	{ "EL0 write to user read-only", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U | RO) }, W_, true,
	  PTK_FAULT_WRITE, 3, 0x9200004f },
	{ "EL0 write to EL1-only read-only", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(RO) }, W_, true,
	  PTK_FAULT_USER, 3, 0x9200004f },
	{ "EL0 write to user RW", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U) }, W_, true, NONE, 0, 0 },
	{ "EL1 write to read-only", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(RO) }, W_, false,
	  PTK_FAULT_WRITE, 3, 0x9600004f },
	/* PAN */
	{ "PAN: EL1 read of a user page", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U | RO) }, R_, false,
	  PTK_FAULT_SMAP, 3, 0x9600000f },
	{ "PAN off: EL1 reads a user page", F4, 0, 0, 0, 0, 0, 0, 0, 4, { T(0), T(0), T(0), PG(U | RO) },
	  R_, false, NONE, 0, 0 },
	{ "PAN: EL1 write to user RW", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U) }, W_, false,
	  PTK_FAULT_SMAP, 3, 0x9600004f },
	{ "PAN off: EL1 write to user RO", F4, 0, 0, 0, 0, 0, 0, 0, 4, { T(0), T(0), T(0), PG(U | RO) },
	  W_, false, PTK_FAULT_WRITE, 3, 0x9600004f },
	{ "PAN: APTable[0] makes the page EL1-only", F4, 0, D, 0, 4, { T(0) | APT0, T(0), T(0), PG(U) },
	  R_, false, NONE, 0, 0 },
	{ "EPAN: PAN covers EL0-executable", F4, 0, 0, 0, PTK_A64_SCTLR_EPAN, 0, -1, 0, 4,
	  { T(0), T(0), T(0), PG(PXN) }, R_, false, PTK_FAULT_SMAP, 3, 0x9600000f },
	{ "no EPAN: an EL1 page EL0 may execute", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(PXN) },
	  R_, false, NONE, 0, 0 },
	/* execute */
	{ "EL1 fetch, UXN page", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(UXN) }, X_, false, NONE, 0, 0 },
	{ "EL1 fetch, PXN", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(PXN | UXN) }, X_, false,
	  PTK_FAULT_EXEC, 3, 0x8600000f },
	{ "EL1 fetch from EL0-writable memory", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U) }, X_, false,
	  PTK_FAULT_EXEC, 3, 0x8600000f },
	{ "EL1 fetch from a user read-only page (PAN is for data)", F4, 0, D, 0, 4,
	  { T(0), T(0), T(0), PG(U | RO) }, X_, false, NONE, 0, 0 },
	{ "EL0 fetch", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U | RO | PXN) }, X_, true, NONE, 0, 0 },
	{ "EL0 fetch, UXN", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U | UXN | PXN) }, X_, true,
	  PTK_FAULT_EXEC, 3, 0x8200000f },
	{ "EL0 executes an EL1-only page without UXN", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(PXN) },
	  X_, true, NONE, 0, 0 },
	{ "WXN: EL1 fetch from a writable page", F4, 0, 0, 0, PTK_A64_SCTLR_WXN, 0, -1, 0, 4,
	  { T(0), T(0), T(0), PG(UXN) }, X_, false, PTK_FAULT_EXEC, 3, 0x8600000f },
	{ "WXN: a read-only page executes", F4, 0, 0, 0, PTK_A64_SCTLR_WXN, 0, -1, 0, 4,
	  { T(0), T(0), T(0), PG(RO | UXN) }, X_, false, NONE, 0, 0 },
	{ "WXN: EL0 fetch from user RW", F4, 0, 0, 0, PTK_A64_SCTLR_WXN, 0, -1, 0, 4,
	  { T(0), T(0), T(0), PG(U | PXN) }, X_, true, PTK_FAULT_EXEC, 3, 0x8200000f },
	{ "WXN: EL0 fetch where only EL1 writes", F4, 0, 0, 0, PTK_A64_SCTLR_WXN, 0, -1, 0, 4,
	  { T(0), T(0), T(0), PG(PXN) }, X_, true, NONE, 0, 0 },
	/* hierarchical attributes */
	{ "APTable[0]: no EL0 below", F4, 0, D, 0, 4, { T(0) | APT0, T(0), T(0), PG(U) }, R_, true,
	  PTK_FAULT_USER, 3, 0x9200000f },
	{ "APTable[1]: no EL1 write below", F4, 0, D, 0, 4, { T(0), T(0) | APT1, T(0), PG(0) }, W_, false,
	  PTK_FAULT_WRITE, 3, 0x9600004f },
	{ "APTable[1]: no EL0 write below", F4, 0, D, 0, 4, { T(0), T(0), T(0) | APT1, PG(U) }, W_, true,
	  PTK_FAULT_WRITE, 3, 0x9200004f },
	{ "APTable[1]: no longer EL0-writable, EL1 may fetch", F4, 0, D, 0, 4,
	  { T(0) | APT1, T(0), T(0), PG(U) }, X_, false, NONE, 0, 0 },
	{ "UXNTable", F4, 0, D, 0, 4, { T(0) | UXNT, T(0), T(0), PG(U | RO | PXN) }, X_, true,
	  PTK_FAULT_EXEC, 3, 0x8200000f },
	{ "PXNTable", F4, 0, D, 0, 4, { T(0), T(0) | PXNT, T(0), PG(UXN) }, X_, false,
	  PTK_FAULT_EXEC, 3, 0x8600000f },
	{ "PXNTable leaves EL0 alone", F4, 0, D, 0, 4, { T(0) | PXNT, T(0), T(0), PG(U | RO) }, X_, true,
	  NONE, 0, 0 },
	{ "HPD1: no table attributes under TTBR1", F4, 0, PTK_A64_TCR_HPD1, 0, 0, 0, -1, TTBR1, 4,
	  { T(0) | UXNT, T(0), T(0), PG(U | RO | PXN) }, X_, true, NONE, 0, 0 },
	{ "HPD1 leaves TTBR0 alone", F4, 0, PTK_A64_TCR_HPD1, 0, 0, 0, -1, 0, 4,
	  { T(0) | UXNT, T(0), T(0), PG(U | RO | PXN) }, X_, true, PTK_FAULT_EXEC, 3, 0x8200000f },
	/* memory types: a fetch from Device memory is CONSTRAINED UNPREDICTABLE;
	 * the model fetches as from Normal Non-cacheable, as QEMU 5 does */
	{ "fetch from Device memory", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(UXN | IDX(3)) }, X_, false,
	  NONE, 0, 0 },
	{ "EL0 fetch from Device memory", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(U | RO | PXN | IDX(4)) },
	  X_, true, NONE, 0, 0 },
	{ "Device memory, PXN", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(UXN | PXN | IDX(3)) }, X_, false,
	  PTK_FAULT_EXEC, 3, 0x8600000f },
	{ "Device memory reads", F4, 0, D, 0, 4, { T(0), T(0), T(0), PG(IDX(3)) }, R_, false, NONE, 0, 0 },
	/* level -1, LPA2, LPA */
	{ "invalid at level -1", "aarch64-4K-52", 52, D, 0, 1, { 0 }, R_, false,
	  PTK_FAULT_NOT_PRESENT, -1, 0x9600002b },
	{ "no block at level -1, EL0 write", "aarch64-4K-52", 52, D, 0, 1, { 0x1 | AF }, W_, true,
	  PTK_FAULT_NOT_PRESENT, -1, 0x9200006b },
	{ "level -1 table beyond 48 bits", "aarch64-4K-52", 48, D, 0, 1, { T(0x1000) | 0x100 }, R_, false,
	  PTK_FAULT_ADDRESS_SIZE, -1, 0x96000029 },
	{ "level -1 table in 52 bits", "aarch64-4K-52", 52, D, 0, 2, { T(0x1000) | 0x100, 0 }, R_, false,
	  PTK_FAULT_NOT_PRESENT, 0, 0x96000004 },
	{ "Access flag at level 0", "aarch64-4K-52", 52, D, 0, 2, { T(0), 0x8000000001ull }, R_, false,
	  PTK_FAULT_ACCESS_FLAG, 0, 0x96000008 },
	{ "Permission at level 0", "aarch64-4K-52", 52, D, 0, 2, { T(0), 0x8000000001ull | AF | RO }, W_,
	  false, PTK_FAULT_WRITE, 0, 0x9600004c },
	{ "no level-1 block with 64K without FEAT_LPA", "aarch64-64K-48", 0, D, 0, 1,
	  { 0x40000000001ull | AF }, R_, false, PTK_FAULT_NOT_PRESENT, 1, 0x96000005 },
	{ "a level-1 block with FEAT_LPA", "aarch64-64K-48-lpa", 52, D, 0, 1, { 0x40000000001ull | AF },
	  R_, false, NONE, 0, 0 },
	{ "FEAT_LPA table beyond IPS = 48", "aarch64-64K-48-lpa", 52, 5ull << 32, PTK_A64_TCR_IPS_MASK, 0, 0,
	  -1, 0, 1, { T(0x10000) | 0xf000 }, R_, false, PTK_FAULT_ADDRESS_SIZE, 1, 0x96000001 },
	{ "bits 15:12 are not address without FEAT_LPA", "aarch64-64K-48", 0, D, 0, 3,
	  { T(0x10000) | 0xf000, T(0x20000), 0x30003 | AF }, R_, false, NONE, 0, 0 },
	{ "no level-1 block with 16K, DS = 0", "aarch64-16K-47", 0, D, 0, 1, { 0x1000000001ull | AF },
	  R_, false, PTK_FAULT_NOT_PRESENT, 1, 0x96000005 },
	{ "a level-1 block with 16K, DS = 1", "aarch64-16K-48-lpa2", 52, D, 0, 2,
	  { T(0x4000), 0x1000000001ull | AF }, R_, false, NONE, 0, 0 },
	{ "16K/47 32M block", "aarch64-16K-47", 0, D, 0, 2, { T(0x4000), 0x2000001 | AF }, R_, false, NONE, 0, 0 },
};

static struct ptk_cpu rule_cpu(const struct ptk_format *f, const struct rule_case *c)
{
	struct ptk_cpu cpu = { 0 };

	f->ops->cpu_defaults(f, &cpu);
	cpu.pa_bits = c->pa_bits ? c->pa_bits : 48;
	cpu.arm64.tcr = (cpu.arm64.tcr & ~c->tcr_clear) | c->tcr_set;
	cpu.arm64.sctlr |= c->sctlr_set;
	if (c->mair)
		cpu.arm64.mair = c->mair;
	if (c->pan >= 0)
		cpu.arm64.pan = c->pan;
	return cpu;
}

/* The entries of one walk, level by level, then the access check. */
static enum ptk_fault_kind judge(const struct ptk_format *f, const struct ptk_cpu *cpu,
				 const struct rule_case *c, struct ptk_fault *fault)
{
	struct ptk_walk_req req = { .va = c->va, .access = c->acc, .user = c->user };
	struct ptk_walk_acc a = { .perm = PTK_PROT_READ | PTK_PROT_WRITE | PTK_PROT_EXEC |
					  PTK_PROT_USER };
	struct ptk_walk_out out;

	for (unsigned l = 0; l < c->n; l++) {
		enum ptk_desc_type t = f->ops->walk_entry(f, cpu, l, c->e[l], &req, &a, &out, fault);

		if (t == PTK_DESC_INVALID)
			return fault->kind;
		assert_int_equal(out.updated, c->e[l]);	/* no hardware updates */
		if (t == PTK_DESC_LEAF) {
			assert_int_equal(l, c->n - 1);
			return f->ops->check_access(f, cpu, &req, &a, l, fault) ? NONE : fault->kind;
		}
	}
	fail_msg("%s: the walk did not end", c->what);
	return NONE;
}

static void every_fault_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule_case *c = &rules[i];
		struct ptk_format f = build(c->fmt);
		struct ptk_cpu cpu = rule_cpu(&f, c);
		struct ptk_fault fault = { 0 };
		enum ptk_fault_kind k = judge(&f, &cpu, c, &fault);

		if (k != c->want || (k != NONE && (fault.level != c->level || fault.syndrome != c->esr)))
			fail_msg("%s: got %s level %d ESR %#llx, want %s level %d ESR %#llx", c->what,
				 ptk_fault_name(k), fault.level, (unsigned long long)fault.syndrome,
				 ptk_fault_name(c->want), c->level, (unsigned long long)c->esr);
	}
}

/* Effective permissions: the letters and the per-level execute bits. */
static void effective_permissions(void **state)
{
	struct ptk_format f = build(F4);
	struct rule_case c = { "perm", F4, 0, D, 0, 4, { T(0), T(0) | APT1, T(0), PG(U) }, R_, true,
			       NONE, 0, 0 };
	struct ptk_cpu cpu = rule_cpu(&f, &c);
	struct ptk_walk_req req = { .access = PTK_ACC_READ, .user = true };
	struct ptk_walk_acc a = { .perm = 0xf };
	struct ptk_walk_out out;
	struct ptk_fault fault;

	(void)state;
	for (unsigned l = 0; l < 4; l++)
		f.ops->walk_entry(&f, &cpu, l, c.e[l], &req, &a, &out, &fault);
	/* AP = 01 under APTable[1]: read-only for both, EL0 may execute, and
	 * the page is no longer EL0-writable, so EL1 may execute too. */
	assert_int_equal(a.perm, PTK_PROT_READ | PTK_PROT_USER | PTK_PROT_EXEC | PTK_PROT_GLOBAL |
				 PTK_A64_ACC_PX | PTK_A64_ACC_UX | PTK_A64_ACC_PAN);
	assert_int_equal(out.addr, 0x3000);
	assert_int_equal(a.memtype, 0);
}

/* --- the VA: which half, and the faults before the walk ---------------------- */

struct root_case {
	const char *fmt;
	uint64_t tcr_set, tcr_clear;
	uint64_t va;
	enum ptk_access acc;
	bool user;
	int root;			/* -1: fault */
	uint64_t esr;
};

static const struct root_case roots[] = {
	{ F4, 0, 0, 0x0000ffffffffffffull, R_, false, 0, 0 },
	{ F4, 0, 0, 0x0000800000000000ull, R_, false, 0, 0 },	/* bit 47 is the VA's own */
	{ F4, 0, 0, 0x0001000000000000ull, R_, false, -1, 0x96000004 },
	{ F4, 0, 0, 0xffff000000000000ull, R_, false, 1, 0 },
	{ F4, 0, 0, 0xfffeffffffffffffull, W_, false, -1, 0x96000044 },
	/* TBI0 (Linux sets it): the top byte of a TTBR0 address is ignored */
	{ F4, 0, 0, 0x5a00000000001000ull, R_, true, 0, 0 },
	{ F4, 0, 0, 0x5a00000000001000ull, X_, true, 0, 0 },	/* no TBID0 */
	{ F4, PTK_A64_TCR_TBID0, 0, 0x5a00000000001000ull, X_, true, -1, 0x82000004 },
	{ F4, 0, PTK_A64_TCR_TBI0, 0x5a00000000001000ull, R_, true, -1, 0x92000004 },
	/* TBI1 with TBID1 (CONFIG_ARM64_MTE): data only */
	{ F4, 0, 0, 0x12ffff8000000000ull, R_, false, 1, 0 },
	{ F4, 0, 0, 0x12ffff8000000000ull, X_, false, -1, 0x86000004 },
	/* VA[55] picks the half */
	{ F4, 0, 0, 0x0080000000001000ull, R_, false, -1, 0x96000004 },
	{ F4, 0, 0, 0x00ff000000001000ull, R_, false, 1, 0 },
	/* EPDn: no walks for the half; E0PDn: none for EL0 */
	{ F4, PTK_A64_TCR_EPD0, 0, 0x1000, R_, false, -1, 0x96000004 },
	{ F4, PTK_A64_TCR_EPD1, 0, 0x1000, R_, false, 0, 0 },
	{ F4, PTK_A64_TCR_E0PD1, 0, 0xffff000000001000ull, R_, true, -1, 0x92000004 },
	{ F4, PTK_A64_TCR_E0PD1, 0, 0xffff000000001000ull, R_, false, 1, 0 },
	/* level 0, whatever the start level */
	{ "aarch64-4K-39", 0, 0, 0x0000008000000000ull, W_, true, -1, 0x92000044 },
	{ "aarch64-64K-42", 0, 0, 0xfffff80000000000ull, X_, true, -1, 0x82000004 },
	{ "aarch64-4K-52", 0, 0, 0x000fffffffffffffull, R_, false, 0, 0 },
	{ "aarch64-4K-52", 0, 0, 0x0010000000000000ull, R_, false, -1, 0x96000004 },
	{ "aarch64-4K-52", 0, 0, 0xfff0000000000000ull, R_, false, 1, 0 },
};

static void select_the_half(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		const struct root_case *c = &roots[i];
		struct ptk_format f = build(c->fmt);
		struct ptk_cpu cpu = { 0 };
		struct ptk_walk_req req = { .va = c->va, .access = c->acc, .user = c->user };
		struct ptk_fault fault = { 0 };
		int r;

		f.ops->cpu_defaults(&f, &cpu);
		cpu.pa_bits = 48;
		cpu.arm64.tcr = (cpu.arm64.tcr & ~c->tcr_clear) | c->tcr_set;
		r = f.ops->walk_root(&f, &cpu, &req, &fault);
		if (r != c->root || (r < 0 && (fault.kind != PTK_FAULT_NOT_PRESENT || fault.level != 0 ||
					       fault.syndrome != c->esr)))
			fail_msg("case %zu (%s %#llx): root %d, %s level %d ESR %#llx", i, c->fmt,
				 (unsigned long long)c->va, r, ptk_fault_name(fault.kind), fault.level,
				 (unsigned long long)fault.syndrome);
	}
}

/* The engine's select_root: untagged addresses of either half. */
static void engine_halves(void **state)
{
	struct ptk_format f = build(F4);
	struct ptk_cpu cpu = { 0 };
	struct ptk_fault fault;

	(void)state;
	f.ops->cpu_defaults(&f, &cpu);
	assert_int_equal(f.ops->select_root(&f, &cpu, 0x0000ffffffffffffull, &fault), 0);
	assert_int_equal(f.ops->select_root(&f, &cpu, 0xffff000000000000ull, &fault), 1);
	assert_int_equal(f.ops->select_root(&f, &cpu, 0x5a00000000001000ull, &fault), -1);
	assert_int_equal(f.ops->select_root(&f, &cpu, 0x0001000000000000ull, &fault), -1);
	/* VAs assembled from indices: each half spans va_bits. */
	assert_int_equal(ptk_va_canonical(&f, 0x0000800000000000ull), 0x0000800000000000ull);
	assert_int_equal(ptk_va_canonical(&f, 0xffff000000000000ull), 0xffff000000000000ull);
	assert_int_equal(ptk_va_canonical(&f, 0x8000123400000000ull), 0xffff123400000000ull);
}

/* --- control state --------------------------------------------------------------- */

static void linux_control_state(void **state)
{
	static const struct { const char *fmt; uint64_t tcr; } tcrs[] = {
		/* T0SZ = T1SZ = 16, IRGN/ORGN WBWA, SH IS, TG0 4K, TG1 4K (0b10),
		 * A1, IPS 48 (5), AS, TBI0, TBI1, TBID1, NFD1 */
		{ "aarch64-4K-48", 0x00500075b5503510ull },
		/* TG0 64K (0b01), TG1 64K (0b11) */
		{ "aarch64-64K-48", 0x00500075f5507510ull },
		/* TxSZ 12, IPS 52 (6), DS */
		{ "aarch64-4K-52", 0x08500076b54c350cull },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tcrs) / sizeof(tcrs[0]); i++) {
		struct ptk_format f = build(tcrs[i].fmt);
		struct ptk_cpu cpu = { 0 };

		f.ops->cpu_defaults(&f, &cpu);
		if (cpu.arm64.tcr != tcrs[i].tcr)
			fail_msg("%s: TCR %#018llx", tcrs[i].fmt, (unsigned long long)cpu.arm64.tcr);
		assert_int_equal(cpu.arm64.mair, 0x000000040044ffffull);	/* MAIR_EL1_SET */
		assert_int_equal(cpu.arm64.sctlr, 0x0000002034f4d91dull);
		assert_true(cpu.arm64.pan);
		assert_int_equal(ptk_a64_tcr_t0sz(cpu.arm64.tcr), 64 - f.va_bits);
		assert_int_equal(ptk_a64_tcr_t1sz(cpu.arm64.tcr), 64 - f.va_bits);
	}
	{
		struct ptk_format f = build("aarch64-4K-48");
		struct ptk_cpu cpu = { 0 };

		f.ops->cpu_defaults(&f, &cpu);
		cpu.pa_bits = 40;
		assert_int_equal(ptk_a64_oa_bits(&f, &cpu), 40);	/* min(IPS, PARange) */
		cpu.arm64.tcr &= ~PTK_A64_TCR_IPS_MASK;
		assert_int_equal(ptk_a64_oa_bits(&f, &cpu), 32);
		cpu.pa_bits = 52;
		cpu.arm64.tcr |= PTK_A64_TCR_IPS_MASK;
		assert_int_equal(ptk_a64_oa_bits(&f, &cpu), 48);	/* DS = 0 */
	}
}

/* --- rendering ---------------------------------------------------------------------- */

static void describe_entries(void **state)
{
	static const struct { const char *fmt; unsigned lvl; uint64_t e; const char *want; } cases[] = {
		{ F4, 0, 0, "INVALID" },
		{ F4, 0, 0x5003, "VALID TABLE" },
		{ F4, 1, 0x5003 | APT1 | APT0 | PXNT | UXNT,
		  "VALID TABLE APTable=RO,NoEL0 UXNTable PXNTable" },
		{ F4, 2, 0x0068000040200701ull,
		  "VALID BLOCK AF SH=IS AttrIndx=0(normal) AP=RW_EL1 PXN UXN DBM" },
		{ F4, 3, 0x00e8000000001f13ull,
		  "VALID PAGE AF SH=IS AttrIndx=4(device_ngnre) AP=RW_EL1 PXN UXN nG DBM SW_DIRTY" },
		{ F4, 3, 0x0030000000001fc3ull,
		  "VALID PAGE AF SH=IS AttrIndx=0(normal) AP=RO PXN nG CONT" },
		{ F4, 3, 0x1401, "RESERVED (type 01 at level 3)" },
		{ F4, 0, 0x8000000401ull, "BLOCK (none at level 0)" },
		{ "aarch64-4K-52", 1, 0x0060008000000d81ull,
		  "VALID BLOCK AF AttrIndx=0(normal) AP=RO_EL1 PXN UXN nG" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ptk_format f = build(cases[i].fmt);
		char buf[160];

		f.ops->describe(&f, cases[i].lvl, cases[i].e, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want))
			fail_msg("case %zu: \"%s\", want \"%s\"", i, buf, cases[i].want);
	}
}

static char *dump(struct ptk_pgtable *pt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(ptk_ptdump(pt, out), 0);
	fclose(out);
	return buf;
}

static struct ptk_machine *machine(const char *fmt, unsigned pa_bits)
{
	static const struct ptk_phys_range ram[] = { { 0, 1ull << 32 } };
	struct ptk_format f = build(fmt);
	struct ptk_machine_config cfg = { .fmt = &f, .ram = ram, .nr_ram = 1, .pa_bits = pa_bits };
	struct ptk_error err = { 0 };
	struct ptk_machine *m = NULL;

	if (ptk_machine_create(&m, &cfg, &err))
		fail_msg("machine: %s", err.msg);
	return m;
}

static void map(struct ptk_pgtable *pt, uint64_t va, uint64_t pa, uint64_t size, const char *prot)
{
	struct ptk_prot p;

	assert_int_equal(ptk_prot_parse(ptk_machine_format(ptk_pgtable_machine(pt)), prot, &p), 0);
	if (ptk_map_range(pt, va, pa, size, &p, 0))
		fail_msg("map %#llx: %s", (unsigned long long)va,
			 ptk_machine_errmsg(ptk_pgtable_machine(pt)));
}

/*
 * arch/arm64/mm/ptdump.c's note_page(), line by line: "0x%016lx-0x%016lx   ",
 * the size "%9lu%c" in K/M/G/T, " " and the level name, then for an entry
 * " %s" of each pte_bits[] row; the markers of Linux 6.1's 48-bit layout,
 * two at one address opening together.
 */
static void ptdump_as_linux(void **state)
{
	struct ptk_machine *m = machine(F4, 0);
	struct ptk_pgtable *pt;
	char *out;
	const char *want =
		"---[ Linear Mapping start ]---\n"
		"0xffff000000000000-0xffff000000400000           4M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL\n"
		"0xffff000000400000-0xffff000000402000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL\n"
		"0xffff000000402000-0xffff000000600000        2040K PTE\n"
		"0xffff000000600000-0xffff000040000000        1018M PMD\n"
		"0xffff000040000000-0xffff008000000000         511G PUD\n"
		"0xffff008000000000-0xffff800000000000      130560G PGD\n"
		"---[ Linear Mapping end ]---\n"
		"---[ Modules start ]---\n"
		"0xffff800000000000-0xffff800008000000         128M PMD\n"
		"---[ Modules end ]---\n"
		"---[ vmalloc() area ]---\n"
		"0xffff800008000000-0xffff800008001000           4K PTE       RW NX SHD AF            UXN    DEVICE/nGnRE\n"
		"0xffff800008001000-0xffff800008010000          60K PTE\n"
		"0xffff800008010000-0xffff800008020000          64K PTE   USR ro NX SHD AF NG CON            MEM/NORMAL\n"
		"0xffff800008020000-0xffff800008200000        1920K PTE\n"
		"0xffff800008200000-0xffff800040000000         894M PMD\n"
		"0xffff800040000000-0xffff808000000000         511G PUD\n"
		"0xffff808000000000-0xfffffc0000000000      126464G PGD\n"
		"---[ vmalloc() end ]---\n"
		"---[ Fixmap start ]---\n"
		"0xfffffc0000000000-0xfffffc8000000000         512G PGD\n"
		"---[ Fixmap end ]---\n"
		"---[ PCI I/O start ]---\n"
		"0xfffffc8000000000-0xfffffd0000000000         512G PGD\n"
		"---[ PCI I/O end ]---\n"
		"---[ vmemmap start ]---\n"
		"0xfffffd0000000000-0xfffffe0000000000           1T PGD\n"
		"---[ vmemmap end ]---\n"
		"0xfffffe0000000000-0x0000000000000000           2T PGD\n";
	struct ptk_prot p = { PTK_PROT_READ | PTK_PROT_EXEC | PTK_PROT_USER | PTK_PROT_ACCESSED |
			      PTK_A64_PROT_CONT, 0, 0 };

	(void)state;
	assert_int_equal(ptk_pgd_alloc(m, "k", &pt), 0);
	map(pt, 0xffff000000000000ull, 0x40000000, (4ull << 20) + 0x2000, "rwadg");
	map(pt, 0xffff800008000000ull, 0x9000000, 0x1000, "rwadg,device_ngnre");
	/* A contiguous run of 16 user pages (64K). */
	assert_int_equal(ptk_map_range(pt, 0xffff800008010000ull, 0x50000000, 0x10000, &p, 0), 0);
	/* TTBR0 is not part of the kernel's dump. */
	map(pt, 0x400000, 0x400000, 0x1000, "rwua");
	out = dump(pt);
	if (strcmp(out, want))
		fail_msg("ptdump:\n%s\nwant:\n%s", out, want);
	free(out);
	ptk_machine_destroy(m);
}

/* With fewer levels the folded ones take the name Linux gives them. */
static void ptdump_level_names(void **state)
{
	static const struct { const char *fmt, *want; } cases[] = {
		/* 3 levels: the root (L1) is "PGD" in a block and in a hole */
		{ "aarch64-4K-39", "0xffffff8000000000-0xffffff8040000000           1G PGD       RW NX SHD AF        BLK UXN    MEM/NORMAL\n"
				   "0xffffff8040000000-0xffffffc000000000         255G PGD\n" },
		/* 2 levels: PMD folded into PGD */
		{ "aarch64-64K-42", "0xfffffc0000000000-0xfffffc0040000000           1G PGD       RW NX SHD AF        BLK UXN    MEM/NORMAL\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ptk_machine *m = machine(cases[i].fmt, 0);
		const struct ptk_format *f = ptk_machine_format(m);
		struct ptk_pgtable *pt;
		char *out;

		assert_int_equal(ptk_pgd_alloc(m, "k", &pt), 0);
		map(pt, 0ull - (1ull << f->va_bits), 0x40000000, 1ull << 30, "rwadg");
		out = dump(pt);
		if (!strstr(out, cases[i].want))
			fail_msg("%s:\n%s", cases[i].fmt, out);
		free(out);
		ptk_machine_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geometry_by_hand),
		cmocka_unit_test(every_configuration),
		cmocka_unit_test(impossible_names),
		cmocka_unit_test(encode_every_field),
		cmocka_unit_test(contiguous_bit),
		cmocka_unit_test(decode_round_trips),
		cmocka_unit_test(unencodable_is_refused),
		cmocka_unit_test(table_entries),
		cmocka_unit_test(every_fault_rule),
		cmocka_unit_test(effective_permissions),
		cmocka_unit_test(select_the_half),
		cmocka_unit_test(engine_halves),
		cmocka_unit_test(linux_control_state),
		cmocka_unit_test(describe_entries),
		cmocka_unit_test(ptdump_as_linux),
		cmocka_unit_test(ptdump_level_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
