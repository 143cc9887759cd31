// SPDX-License-Identifier: MIT
/*
 * The engine on AArch64 formats: pgd_alloc, map (auto and forced sizes),
 * unmap and protect in both halves (TTBR0_EL1, TTBR1_EL1), translate, the
 * tree invariants; every granule, level -1 (4K, 52-bit VA), 64 KiB tables;
 * and the walker's fast path against its full rules on damaged trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/aarch64.h>
#include "ptk_test.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct fx {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
};

static const struct ptk_phys_range ram_low[] = { { 0, 4 * GiB } };
/* For 52-bit output: tables come from the top of RAM, above 2^50, so their
 * addresses need descriptor bits 9:8 (DS) or 15:12 (FEAT_LPA). */
static const struct ptk_phys_range ram_wide[] = { { 0, 1 * GiB }, { 0x000c000000000000ull, 1 * GiB } };

static struct fx setup(const char *name, const struct ptk_phys_range *ram, size_t nram,
		       unsigned pa_bits)
{
	struct ptk_format f;
	struct ptk_error err = { 0 };
	struct ptk_machine_config cfg = { .fmt = &f, .ram = ram, .nr_ram = nram, .pa_bits = pa_bits };
	struct fx fx = { 0 };

	if (ptk_format_build(name, &f, &err) || ptk_machine_create(&fx.m, &cfg, &err))
		fail_msg("%s: %s", name, err.msg);
	fx.f = ptk_machine_format(fx.m);
	assert_int_equal(ptk_pgd_alloc(fx.m, "pt", &fx.pt), 0);
	return fx;
}

static void teardown(struct fx *fx)
{
	ptk_test_check_tree(fx->pt);
	ptk_machine_destroy(fx->m);
}

static struct ptk_prot prot(const struct fx *fx, const char *s)
{
	struct ptk_prot p;

	assert_int_equal(ptk_prot_parse(fx->f, s, &p), 0);
	return p;
}

static int xlate(struct fx *fx, uint64_t va, enum ptk_access acc, bool user,
		 struct ptk_walk_result *res)
{
	struct ptk_walk_req req = { .va = va, .access = acc, .user = user, .no_update = true };

	return ptk_translate(fx->m, fx->pt, &req, res);
}

static uint64_t pa_of(struct fx *fx, uint64_t va)
{
	struct ptk_walk_result res;

	return xlate(fx, va, PTK_ACC_READ, false, &res) ? ~0ull : res.pa;
}

struct level_count {
	uint64_t n[PTK_MAX_LEVELS];
};

static int count_levels(void *ctx, const struct ptk_mapping *map)
{
	((struct level_count *)ctx)->n[map->level]++;
	return 0;
}

static struct level_count leaves(struct fx *fx)
{
	struct level_count c = { { 0 } };

	assert_int_equal(ptk_for_each_mapping(fx->pt, 0, ~0ull, count_levels, &c), 0);
	return c;
}

static uint64_t half_base(const struct ptk_format *f, int root)
{
	return root ? 0ull - (1ull << f->va_bits) : 0;
}

static const char *const configs[] = {
	"aarch64-4K-39", "aarch64-4K-48", "aarch64-4K-48-lpa2", "aarch64-4K-52",
	"aarch64-16K-36", "aarch64-16K-47", "aarch64-16K-48", "aarch64-16K-52",
	"aarch64-64K-42", "aarch64-64K-48", "aarch64-64K-52-lpa", "aarch64-4K-30",
	"aarch64-16K-25",
};

/* Tables above 2^44, for the output-address size of tables to matter. */
static const struct ptk_phys_range ram_high[] = { { 0, 1 * GiB }, { 1ull << 44, 1 * GiB } };

static struct fx setup_config(const char *name)
{
	struct ptk_format f;

	assert_int_equal(ptk_format_build(name, &f, NULL), 0);
	if (f.max_pa_bits == 52)
		return setup(name, ram_wide, 2, 52);
	return setup(name, ram_low, 1, 48);
}

static struct fx setup_config_high(const char *name)
{
	struct ptk_format f;

	assert_int_equal(ptk_format_build(name, &f, NULL), 0);
	if (f.max_pa_bits == 52)
		return setup(name, ram_wide, 2, 52);
	return setup(name, ram_high, 2, 48);
}

/* The leaf levels whose size fits a quarter of the VA space, largest first. */
static unsigned leaf_levels(const struct ptk_format *f, unsigned *lv)
{
	unsigned n = 0;

	for (unsigned l = 0; l < f->nlevels; l++)
		if (f->level[l].leaf && f->level[l].shift + 2 <= f->va_bits)
			lv[n++] = l;
	return n;
}

/*
 * Auto page size in each half: pieces of every leaf size, small ones on
 * both sides of one of the largest, laid out so that each is aligned
 * (alloc_init_pud/pmd/cont_pte choose the largest that fits).  Then every
 * piece translates, in TTBR1 with kernel rights, in TTBR0 with user rights.
 */
static void auto_sizes_in_both_halves(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		struct fx fx = setup_config(configs[c]);
		unsigned lv[PTK_MAX_LEVELS] = { 0 }, n = leaf_levels(fx.f, lv);
		uint64_t big = ptk_level_size(fx.f, lv[0]), left = 0, total = big;

		for (unsigned i = 1; i < n; i++) {
			left += ptk_level_size(fx.f, lv[i]);
			total += 2 * ptk_level_size(fx.f, lv[i]);
		}
		for (int root = 1; root >= 0; root--) {
			/* 2 x big into the half: aligned, and away from its ends */
			uint64_t va = half_base(fx.f, root) + 2 * big - left;
			uint64_t pa = 2 * big - left;
			struct ptk_prot p = prot(&fx, root ? "rwag" : "rwxua");
			struct level_count cnt;
			struct ptk_walk_result res;

			if (ptk_map_range(fx.pt, va, pa, total, &p, 0))
				fail_msg("%s: %s", configs[c], ptk_machine_errmsg(fx.m));
			cnt = leaves(&fx);
			assert_int_equal(cnt.n[lv[0]], root ? 1 : 2);
			for (unsigned i = 1; i < n; i++)
				assert_int_equal(cnt.n[lv[i]], root ? 2 : 4);
			for (uint64_t off = 0; off < total; off += total / 7 + 4096) {
				struct ptk_walk_req req = { .va = va + off, .access = PTK_ACC_WRITE,
							    .user = !root, .no_update = true };

				if (ptk_translate(fx.m, fx.pt, &req, &res))
					fail_msg("%s %#llx: %s level %d", configs[c],
						 (unsigned long long)req.va, ptk_fault_name(res.fault.kind),
						 res.fault.level);
				assert_int_equal(res.pa, pa + off);
				assert_int_equal(res.root, (unsigned)root);
			}
			/* Kernel pages: EL0 may not read; user pages: PAN keeps EL1 out. */
			assert_int_equal(xlate(&fx, va, PTK_ACC_READ, root, &res), -EFAULT);
			assert_int_equal(res.fault.kind, root ? PTK_FAULT_USER : PTK_FAULT_SMAP);
			assert_int_equal(ptk_a64_esr_fsc(res.fault.syndrome),
					 PTK_A64_FSC_PERM | (unsigned)res.fault.level);
			assert_int_equal(res.fault.level, ptk_a64_level(fx.f, res.step[res.nsteps - 1].level));
		}
		teardown(&fx);
	}
}

/* Every leaf size forced; sizes the format lacks and misalignment refused. */
static void forced_sizes(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		struct fx fx = setup_config(configs[c]);
		unsigned lv[PTK_MAX_LEVELS] = { 0 }, n = leaf_levels(fx.f, lv);
		struct ptk_prot p = prot(&fx, "rwag");
		uint64_t va = half_base(fx.f, 1);

		for (unsigned i = 0; i < n; i++) {
			uint64_t s = ptk_level_size(fx.f, lv[i]);

			va += 4 * ptk_level_size(fx.f, lv[0]);
			assert_int_equal(ptk_map_range(fx.pt, va, va - half_base(fx.f, 1), 2 * s, &p, s), 0);
			assert_int_equal(leaves(&fx).n[lv[i]], 2);
			assert_int_equal(ptk_map_range(fx.pt, va + 2 * s + s / 2, 0, s, &p, s), -EINVAL);
		}
		assert_int_equal(ptk_map_range(fx.pt, va + 8 * ptk_level_size(fx.f, lv[0]), 0,
					       8192 * KiB, &p, 8192 * KiB), -EINVAL);
		assert_non_null(strstr(ptk_machine_errmsg(fx.m), "no 8192 KiB pages"));
		teardown(&fx);
	}
}

/* Unmapping one page out of the largest block splits it level by level
 * and nothing else; unmapping the rest frees every table but the roots. */
static void unmap_splits_only_where_cut(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		struct fx fx = setup_config(configs[c]);
		unsigned lv[PTK_MAX_LEVELS] = { 0 }, n = leaf_levels(fx.f, lv);
		uint64_t big = ptk_level_size(fx.f, lv[0]), va = half_base(fx.f, 1) + 2 * big;
		uint64_t page = ptk_level_size(fx.f, fx.f->nlevels - 1), cut = va + 3 * page;
		struct ptk_prot p = prot(&fx, "rwadg");
		struct level_count cnt;
		struct ptk_walk_result res;

		if (n < 2) {		/* one level: no block to split */
			teardown(&fx);
			continue;
		}
		assert_int_equal(ptk_map_range(fx.pt, va, 2 * big, big, &p, 0), 0);
		assert_int_equal(ptk_unmap_range(fx.pt, cut, page), 0);
		cnt = leaves(&fx);
		assert_int_equal(cnt.n[lv[0]], 0);
		for (unsigned i = 1; i < n; i++)
			assert_int_equal(cnt.n[lv[i]], ptk_entries_per_table(fx.f, lv[i]) - 1);
		assert_int_equal(pa_of(&fx, cut), ~0ull);
		assert_int_equal(pa_of(&fx, cut + page), 2 * big + 4 * page);
		assert_int_equal(pa_of(&fx, va + big - 1), 3 * big - 1);
		/* The split kept every attribute. */
		assert_int_equal(xlate(&fx, cut + page, PTK_ACC_WRITE, false, &res), 0);
		assert_true(res.acc.perm & PTK_PROT_GLOBAL);
		assert_int_equal(xlate(&fx, cut + page, PTK_ACC_EXEC, false, &res), -EFAULT);
		assert_int_equal(res.fault.kind, PTK_FAULT_EXEC);
		assert_int_equal(ptk_unmap_range(fx.pt, va, big), 0);
		assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2);
		assert_int_equal(ptk_frames_in_use(fx.m), 2ull << (fx.f->table_shift - 12));
		teardown(&fx);
	}
}

/* Protect: splits only the cut block, keeps AF and the software dirty bit. */
static void protect_in_both_halves(void **state)
{
	struct fx fx = setup("aarch64-4K-48", ram_low, 1, 48);
	struct ptk_prot rw = prot(&fx, "rwuad"), ro = prot(&fx, "rua");
	uint64_t lo = 0x400000, hi = 0xffff800000400000ull;
	struct ptk_walk_result res;

	(void)state;
	assert_int_equal(ptk_map_range(fx.pt, lo, 0x400000, 4 * MiB, &rw, 0), 0);
	assert_int_equal(ptk_map_range(fx.pt, hi, 0x400000, 4 * MiB, &rw, 0), 0);
	assert_int_equal(ptk_protect_range(fx.pt, lo + 2 * MiB, 8 * KiB, &ro), 0);
	assert_int_equal(ptk_protect_range(fx.pt, hi, 2 * MiB, &ro), 0);
	assert_int_equal(leaves(&fx).n[2], 3);		/* 2 + 1 blocks whole */
	assert_int_equal(xlate(&fx, lo + 2 * MiB, PTK_ACC_WRITE, true, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_WRITE);
	assert_int_equal(res.fault.level, 3);
	assert_int_equal(res.fault.syndrome, 0x9200004f);
	assert_true(res.step[3].entry & PTK_A64_AF);
	assert_true(res.step[3].entry & PTK_A64_SW_DIRTY);
	assert_int_equal(xlate(&fx, lo + 2 * MiB + 8 * KiB, PTK_ACC_WRITE, true, &res), 0);
	assert_int_equal(xlate(&fx, hi + 4096, PTK_ACC_WRITE, true, &res), -EFAULT);
	assert_int_equal(res.fault.level, 2);
	assert_int_equal(res.fault.syndrome, 0x9200004e);
	assert_int_equal(xlate(&fx, hi + 2 * MiB, PTK_ACC_WRITE, true, &res), 0);
	assert_int_equal(res.root, 1);
	/* The halves are independent: unmap one, the other stays. */
	assert_int_equal(ptk_unmap_range(fx.pt, lo, 4 * MiB), 0);
	assert_int_equal(xlate(&fx, hi + 5, PTK_ACC_READ, true, &res), 0);
	assert_int_equal(res.pa, 0x400005);
	assert_int_equal(xlate(&fx, lo + 5, PTK_ACC_READ, true, &res), -EFAULT);
	teardown(&fx);
}

static void bad_ranges(void **state)
{
	struct fx fx = setup("aarch64-4K-48", ram_low, 1, 48);
	struct ptk_prot p = prot(&fx, "rwag");

	(void)state;
	/* A TTBR0 range across bit 47 is one half (each half spans va_bits). */
	assert_int_equal(ptk_map_range(fx.pt, 0x00007ffffffff000ull, 0x1000, 0x2000, &p, 0), 0);
	assert_int_equal(pa_of(&fx, 0x0000800000000123ull), 0x2123);
	/* Out of either half, across the gap, tagged. */
	assert_int_equal(ptk_map_range(fx.pt, 0x0000fffffffff000ull, 0, 0x2000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0x0001000000000000ull, 0, 0x1000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0x5a00000000000000ull, 0, 0x1000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0xfffefffffffff000ull, 0, 0x2000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0x1000, 1ull << 48, 0x1000, &p, 0), -ERANGE);
	/* No writable-only page, no key. */
	p.flags &= ~PTK_PROT_READ;
	assert_int_equal(ptk_map_range(fx.pt, 0x10000, 0, 0x1000, &p, 0), -EINVAL);
	teardown(&fx);
}

/* 4K granule, 52-bit VA (FEAT_LPA2): five levels from -1, 512G blocks at
 * level 0, output addresses above 2^50. */
static void level_minus_one(void **state)
{
	struct fx fx = setup("aarch64-4K-52", ram_wide, 2, 52);
	struct ptk_prot p = prot(&fx, "rwag");
	uint64_t lo = 0x000f000000000000ull, hi = 0xfff0008000000000ull;
	uint64_t pa_hi = 0x000c008000000000ull;
	struct ptk_walk_result res;

	(void)state;
	assert_int_equal(ptk_level_index(fx.f, 0, lo), 15);
	assert_int_equal(ptk_map_range(fx.pt, lo, pa_hi, 512 * GiB, &p, 0), 0);
	assert_int_equal(ptk_map_range(fx.pt, hi, 0, 1 * GiB + 4 * KiB, &p, 0), 0);
	assert_int_equal(leaves(&fx).n[1], 1);		/* the 512G block at level 0 */
	assert_int_equal(xlate(&fx, lo + 0x123456789ull, PTK_ACC_WRITE, false, &res), 0);
	assert_int_equal(res.pa, pa_hi + 0x123456789ull);
	assert_int_equal(res.nsteps, 2);
	assert_int_equal(res.level, 1);
	/* The level -1 table sits above 2^50: OA[51:50] in bits 9:8. */
	assert_int_equal(res.step[0].entry & 0x300, 0x300);
	assert_int_equal(xlate(&fx, hi + GiB, PTK_ACC_READ, false, &res), 0);
	assert_int_equal(res.pa, GiB);
	assert_int_equal(res.nsteps, 5);
	/* An empty level -1 entry: Translation fault, level -1. */
	assert_int_equal(xlate(&fx, 0x0001000000000000ull, PTK_ACC_READ, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_NOT_PRESENT);
	assert_int_equal(res.fault.level, -1);
	assert_int_equal(res.fault.syndrome, 0x9600002b);
	/* Beyond 52 bits: level 0, not -1. */
	assert_int_equal(xlate(&fx, 0x0010000000000000ull, PTK_ACC_READ, false, &res), -EFAULT);
	assert_int_equal(res.fault.level, 0);
	assert_int_equal(res.nsteps, 0);
	/* The machine narrows the output: an address-size fault at level -1. */
	ptk_machine_cpu(fx.m)->arm64.tcr &= ~PTK_A64_TCR_IPS_MASK;
	ptk_machine_cpu(fx.m)->arm64.tcr |= 5ull << PTK_A64_TCR_IPS_SHIFT;	/* 48 bits */
	assert_int_equal(xlate(&fx, lo, PTK_ACC_READ, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_ADDRESS_SIZE);
	assert_int_equal(res.fault.level, -1);
	assert_int_equal(res.fault.syndrome, 0x96000029);
	teardown(&fx);
}

/* 64K granule: 64 KiB tables, order-4 frames, 64 KiB aligned. */
static void sixty_four_k_tables(void **state)
{
	struct fx fx = setup("aarch64-64K-48", ram_low, 1, 48);
	struct ptk_prot p = prot(&fx, "rwuag");
	struct ptk_walk_result res;

	(void)state;
	assert_int_equal(ptk_frames_in_use(fx.m), 2 * 16);
	assert_int_equal(ptk_pgtable_root(fx.pt, 0) & 0xffff, 0);
	assert_int_equal(ptk_pgtable_root(fx.pt, 1) & 0xffff, 0);
	assert_int_equal(ptk_map_range(fx.pt, 0x7f0000010000ull, 0x20000, 64 * KiB, &p, 0), 0);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 4);
	assert_int_equal(ptk_frames_in_use(fx.m), 4 * 16);
	assert_int_equal(xlate(&fx, 0x7f000001ffffull, PTK_ACC_READ, true, &res), 0);
	assert_int_equal(res.pa, 0x2ffff);
	assert_int_equal(res.page_size, 64 * KiB);
	assert_int_equal(res.step[0].entry_pa - 8 * res.step[0].index, ptk_pgtable_root(fx.pt, 0));
	for (unsigned i = 0; i < res.nsteps; i++)
		assert_int_equal((res.step[i].entry_pa - 8 * res.step[i].index) & 0xffff, 0);
	assert_int_equal(ptk_unmap_range(fx.pt, 0x7f0000010000ull, 64 * KiB), 0);
	assert_int_equal(ptk_frames_in_use(fx.m), 2 * 16);
	teardown(&fx);
}

/* The primitives' chain, pgd_offset .. set_pte, on 3 levels (pud folded). */
static void primitives_fold(void **state)
{
	struct fx fx = setup("aarch64-4K-39", ram_low, 1, 48);
	struct ptk_prot p = prot(&fx, "rwag");
	uint64_t va = 0xffffff8012345000ull, pte;
	ptk_ptep_t pgd, p4d, pud, pmd, ptep;

	(void)state;
	pgd = ptk_pgd_offset(fx.pt, va);
	assert_int_equal(pgd.pa, ptk_pgtable_root(fx.pt, 1) + 8 * 0);
	assert_int_equal(ptk_p4d_alloc(fx.pt, pgd, va, &p4d), 0);
	assert_int_equal(ptk_pud_alloc(fx.pt, p4d, va, &pud), 0);
	assert_int_equal(pud.pa, pgd.pa);		/* folded, as pgtable-nopud.h */
	assert_int_equal(pud.level, pgd.level);
	assert_int_equal(ptk_pmd_alloc(fx.pt, pud, va, &pmd), 0);
	assert_int_equal(ptk_pte_alloc(fx.pt, pmd, va, &ptep), 0);
	assert_int_equal(ptk_mk_pte(fx.f, 0x7000, &p, &pte), 0);
	assert_int_equal(pte, 0x0068000000007703ull);
	assert_int_equal(ptk_set_pte(fx.pt, ptep, pte), 0);
	assert_int_equal(pa_of(&fx, va + 0x45), 0x7045);
	teardown(&fx);
}

/* The level-by-level print names the Linux level and the Arm level. */
static void print_walk(void **state)
{
	struct fx fx = setup("aarch64-4K-39", ram_low, 1, 48);
	struct ptk_prot p = prot(&fx, "rwag");
	struct ptk_walk_req req = { .va = 0xffffff8000201000ull, .no_update = true };
	struct ptk_walk_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(ptk_map_range(fx.pt, 0xffffff8000000000ull, 0, 4 * KiB, &p, 0), 0);
	assert_int_equal(ptk_translate(fx.m, fx.pt, &req, &res), -EFAULT);
	ptk_print_walk(fx.pt, &req, &res, out);
	fclose(out);
	if (!strstr(buf, "pmd  L2   [  1]") || !strstr(buf, "=> fault: not present at pmd (level 2), ESR 0x96000006"))
		fail_msg("%s", buf);
	free(buf);
	teardown(&fx);
}

/* --- the fast path against the full rules ------------------------------------ */

/* Bits whose change the rules notice. */
static const uint64_t damage_bits[] = {
	PTK_A64_VALID, PTK_A64_TABLE_BIT, PTK_A64_AF, PTK_A64_USER, PTK_A64_RDONLY,
	PTK_A64_PXN, PTK_A64_UXN, PTK_A64_NG, PTK_A64_CONT, 3ull << 2, 1ull << 4,
	PTK_A64_PXNTABLE, PTK_A64_UXNTABLE, PTK_A64_APTABLE_NOEL0, PTK_A64_APTABLE_RDONLY,
	PTK_A64_NSTABLE, 1ull << 8, 1ull << 9, 1ull << 12, 1ull << 15, 1ull << 40, 1ull << 44,
	1ull << 47, 1ull << 48, 1ull << 49, 1ull << 51, PTK_A64_SW_DIRTY,
};

static void random_cpu(struct rng *r, struct ptk_cpu *cpu, const struct ptk_cpu *def)
{
	static const uint64_t tcr_bits[] = {
		PTK_A64_TCR_TBI0, PTK_A64_TCR_TBI1, PTK_A64_TCR_TBID0, PTK_A64_TCR_TBID1,
		PTK_A64_TCR_HPD0, PTK_A64_TCR_HPD1, PTK_A64_TCR_EPD0, PTK_A64_TCR_EPD1,
		PTK_A64_TCR_E0PD0, PTK_A64_TCR_E0PD1,
	};

	cpu->arm64 = def->arm64;
	for (size_t i = 0; i < sizeof(tcr_bits) / sizeof(tcr_bits[0]); i++)
		if (rng_chance(r, 15))
			cpu->arm64.tcr ^= tcr_bits[i];
	if (rng_chance(r, 30)) {
		cpu->arm64.tcr &= ~PTK_A64_TCR_IPS_MASK;
		cpu->arm64.tcr |= rng_below(r, 8) << PTK_A64_TCR_IPS_SHIFT;
	}
	cpu->arm64.pan = rng_chance(r, 50);
	if (rng_chance(r, 30))
		cpu->arm64.sctlr |= PTK_A64_SCTLR_WXN;
	if (rng_chance(r, 30))
		cpu->arm64.sctlr |= PTK_A64_SCTLR_EPAN;
	if (rng_chance(r, 20))
		cpu->arm64.mair = rng_next(r);
}

static void compare(struct fx *fx, const struct ptk_walk_req *req, uint64_t *checks)
{
	struct ptk_walk_req sreq = *req;
	struct ptk_walk_result fast, slow;
	int rf = ptk_translate(fx->m, fx->pt, req, &fast), rs;

	sreq.slow = true;
	rs = ptk_translate(fx->m, fx->pt, &sreq, &slow);
	if (rf != rs || fast.fault.kind != slow.fault.kind || fast.fault.level != slow.fault.level ||
	    fast.fault.syndrome != slow.fault.syndrome || fast.nsteps != slow.nsteps ||
	    fast.root != slow.root ||
	    (!rf && (fast.pa != slow.pa || fast.page_size != slow.page_size ||
		     fast.acc.perm != slow.acc.perm || fast.acc.memtype != slow.acc.memtype ||
		     fast.level != slow.level)))
		fail_msg("%s va %#llx %s %s: fast %s/%d/%#llx pa %#llx perm %#x, slow %s/%d/%#llx "
			 "pa %#llx perm %#x", fx->f->name, (unsigned long long)req->va,
			 ptk_access_name(req->access), req->user ? "EL0" : "EL1",
			 ptk_fault_name(fast.fault.kind), fast.fault.level,
			 (unsigned long long)fast.fault.syndrome, (unsigned long long)fast.pa,
			 fast.acc.perm, ptk_fault_name(slow.fault.kind), slow.fault.level,
			 (unsigned long long)slow.fault.syndrome, (unsigned long long)slow.pa,
			 slow.acc.perm);
	for (unsigned i = 0; i < fast.nsteps; i++)
		assert_int_equal(fast.step[i].entry, slow.step[i].entry);
	/* Nothing is ever written back (no hardware AF or dirty updates). */
	if (!rs && !req->no_update)
		assert_int_equal(slow.step[slow.nsteps - 1].entry,
				 ptk_entry_read(fx->pt, (ptk_ptep_t){ slow.step[slow.nsteps - 1].entry_pa,
								      slow.step[slow.nsteps - 1].level }));
	++*checks;
}

static const char *const random_prots[] = {
	"ra", "rwa", "rxa", "rwxa", "rua", "rwua", "rxua", "rwxua", "rwga", "r", "rwu", "rxug",
	"rwad,device_ngnre", "rxa,normal_nc", "rwuag,attr6",
};

static void fast_path_equals_full_rules(void **state)
{
	uint64_t seed = ptk_test_seed("aarch64 fast vs full", 0xa64), checks = 0;
	struct rng r = { seed };

	(void)state;
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		struct fx fx = setup_config_high(configs[c]);
		struct ptk_cpu def = *ptk_machine_cpu(fx.m);
		unsigned lv[PTK_MAX_LEVELS] = { 0 }, n = leaf_levels(fx.f, lv);
		uint64_t mapped[64], page = ptk_level_size(fx.f, fx.f->nlevels - 1);
		struct { uint64_t pa, e; } undo[1024];
		unsigned nmapped = 0, nundo = 0;

		/* Mappings of every leaf size and many rights, in both halves. */
		for (unsigned i = 0; i < 48; i++) {
			int root = (int)(i & 1);
			uint64_t s = ptk_level_size(fx.f, lv[rng_below(&r, n)]);
			uint64_t span = 1ull << (fx.f->va_bits - 1);
			uint64_t off = (rng_below(&r, span / s - 1) * s);
			uint64_t va = half_base(fx.f, root) + off;
			struct ptk_prot p = prot(&fx, random_prots[rng_below(&r, 15)]);

			if (!ptk_map_range(fx.pt, va, off & ((1ull << 40) - 1) & ~(s - 1), s, &p, s))
				mapped[nmapped++] = va;
		}
		assert_true(nmapped > 20);
		ptk_test_check_tree(fx.pt);
		for (uint64_t q = 0; q < ptk_test_scale(4000); q++) {
			struct ptk_walk_req req = { .access = (enum ptk_access)rng_below(&r, 3),
						    .user = rng_chance(&r, 50),
						    .no_update = rng_chance(&r, 50) };
			struct ptk_walk_result res;
			uint64_t va = mapped[rng_below(&r, nmapped)] + (rng_next(&r) & (page - 1) & ~7ull);

			if (q % 97 == 0)
				random_cpu(&r, ptk_machine_cpu(fx.m), &def);
			/* Damage an entry on the way to a mapped address. */
			if (rng_chance(&r, 10) && nundo < 1024) {
				struct ptk_walk_req s = { .va = va, .slow = true, .no_update = true };

				ptk_translate(fx.m, fx.pt, &s, &res);
				if (res.nsteps && res.fault.kind != PTK_FAULT_BUS) {
					const struct ptk_walk_step *st = &res.step[rng_below(&r, res.nsteps)];
					uint64_t e = st->entry ^ damage_bits[rng_below(&r,
						sizeof(damage_bits) / sizeof(damage_bits[0]))];

					undo[nundo].pa = st->entry_pa;
					undo[nundo++].e = st->entry;
					assert_int_equal(ptk_phys_write(ptk_machine_phys(fx.m), st->entry_pa,
									&e, 8), 0);
				}
			}
			if (rng_chance(&r, 10))
				va ^= rng_next(&r) & (0xffull << 56);		/* tags */
			if (rng_chance(&r, 5))					/* out of range */
				va ^= 1ull << (fx.f->va_bits + rng_below(&r, 64 - fx.f->va_bits));
			if (rng_chance(&r, 5))
				va = rng_next(&r);				/* anywhere */
			req.va = va;
			compare(&fx, &req, &checks);
		}
		/* Undo the damage, newest first; then the tree is whole again. */
		while (nundo--)
			ptk_phys_write(ptk_machine_phys(fx.m), undo[nundo].pa, &undo[nundo].e, 8);
		teardown(&fx);
	}
	printf("aarch64 fast vs full: %llu translations agree\n", (unsigned long long)checks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_sizes_in_both_halves),
		cmocka_unit_test(forced_sizes),
		cmocka_unit_test(unmap_splits_only_where_cut),
		cmocka_unit_test(protect_in_both_halves),
		cmocka_unit_test(bad_ranges),
		cmocka_unit_test(level_minus_one),
		cmocka_unit_test(sixty_four_k_tables),
		cmocka_unit_test(primitives_fold),
		cmocka_unit_test(print_walk),
		cmocka_unit_test(fast_path_equals_full_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
