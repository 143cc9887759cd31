// SPDX-License-Identifier: MIT
/*
 * The engine on the ARMv7-A long-descriptor formats: pgd_alloc (TTBR0's
 * level-1 table, TTBR1's level-2 table under the 3G split), map (auto and
 * forced sizes: 1G and 2M blocks, 4K pages), unmap and protect in both
 * halves, translate, the primitives, the tree invariants, a table outside
 * RAM; and the walker's fast path against its full rules on damaged trees
 * under random control state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/arm32.h>
#include "ptk_test.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct fx {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
};

/* Tables come from the top of RAM: above 4 GiB here, as LPAE allows. */
static const struct ptk_phys_range ram[] = { { 0, 1 * GiB }, { 0x3f00000000ull, 64 * MiB } };

static struct fx setup(const char *name)
{
	struct ptk_format f;
	struct ptk_error err = { 0 };
	struct ptk_machine_config cfg = { .fmt = &f, .ram = ram, .nr_ram = 2, .pa_bits = 0 };
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

static void map(struct fx *fx, uint64_t va, uint64_t pa, uint64_t size, const char *p,
		uint64_t page)
{
	struct ptk_prot pr = prot(fx, p);

	if (ptk_map_range(fx->pt, va, pa, size, &pr, page))
		fail_msg("map %#llx+%#llx: %s", (unsigned long long)va, (unsigned long long)size,
			 ptk_machine_errmsg(fx->m));
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

struct leaves {
	uint64_t n[PTK_MAX_LEVELS];
	uint64_t first_va[PTK_MAX_LEVELS];
};

static int count_leaf(void *ctx, const struct ptk_mapping *map)
{
	struct leaves *c = ctx;

	if (!c->n[map->level]++)
		c->first_va[map->level] = map->va;
	return 0;
}

static struct leaves leaves(struct fx *fx)
{
	struct leaves c = { { 0 }, { 0 } };

	assert_int_equal(ptk_for_each_mapping(fx->pt, 0, ~0ull, count_leaf, &c), 0);
	return c;
}

/* Two roots: TTBR0's L1 table (4 entries used) and, under the 3G split,
 * TTBR1's L2 table; both empty pages. */
static void two_roots(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_walk_result res;

	(void)state;
	assert_int_equal(ptk_pgtable_nroots(fx.pt), 2);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2);
	assert_int_equal(ptk_frames_in_use(fx.m), 2);
	assert_true(ptk_pgtable_root(fx.pt, 0) >= 0x3f00000000ull);	/* tables above 4 GiB */
	/* An empty TTBR1 walk reads one L2 entry: level 2. */
	assert_int_equal(xlate(&fx, 0xc0001000u, PTK_ACC_READ, false, &res), -EFAULT);
	assert_int_equal(res.root, 1);
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(res.step[0].entry_pa, ptk_pgtable_root(fx.pt, 1));
	assert_int_equal(res.fault.kind, PTK_FAULT_NOT_PRESENT);
	assert_int_equal(res.fault.level, 2);
	assert_int_equal(res.fault.syndrome, 0x206);
	assert_int_equal(xlate(&fx, 0xbffff000u, PTK_ACC_WRITE, true, &res), -EFAULT);
	assert_int_equal(res.root, 0);
	assert_int_equal(res.step[0].entry_pa, ptk_pgtable_root(fx.pt, 0) + 2 * 8);
	assert_int_equal(res.fault.level, 1);
	assert_int_equal(res.fault.syndrome, 0xa05);
	teardown(&fx);
}

/*
 * Auto page sizes, as alloc_init_pud/pmd: TTBR0 takes a 1G block at L1,
 * 2M blocks and 4K pages; TTBR1 (starting at L2) 2M blocks and pages.
 */
static void auto_sizes_in_both_halves(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_walk_result res;
	struct leaves c;

	(void)state;
	/* [1G - 8K, 2G + 2M + 4K): 2 pages, a 1G block, a 2M block, a page */
	map(&fx, GiB - 8 * KiB, GiB - 8 * KiB, GiB + 2 * MiB + 12 * KiB, "rwxua", 0);
	/* kernel: [0xc0000000, +4M+8K) at PA 0x40000000: 2 blocks, 2 pages */
	map(&fx, 0xc0000000u, 0x40000000u, 4 * MiB + 8 * KiB, "rwadg", 0);
	c = leaves(&fx);
	assert_int_equal(c.n[0], 1);
	assert_int_equal(c.first_va[0], GiB);
	assert_int_equal(c.n[1], 3);
	assert_int_equal(c.first_va[1], 2 * GiB);
	assert_int_equal(c.n[2], 5);
	assert_int_equal(c.first_va[2], GiB - 8 * KiB);
	/* 1G block: one step from TTBR0 */
	assert_int_equal(xlate(&fx, GiB + 0x12345678u, PTK_ACC_EXEC, true, &res), 0);
	assert_int_equal(res.pa, GiB + 0x12345678u);
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(res.level, 0);
	assert_int_equal(res.page_size, GiB);
	/* TTBR1 2M block: one step (L2), a page: two (L2, L3) */
	assert_int_equal(xlate(&fx, 0xc0000000u + 3 * MiB + 5, PTK_ACC_WRITE, false, &res), 0);
	assert_int_equal(res.pa, 0x40000000u + 3 * MiB + 5);
	assert_int_equal(res.root, 1);
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(res.level, 1);
	assert_int_equal(res.page_size, 2 * MiB);
	assert_int_equal(res.step[0].entry_pa, ptk_pgtable_root(fx.pt, 1) + 8);
	assert_int_equal(xlate(&fx, 0xc0401004u, PTK_ACC_READ, false, &res), 0);
	assert_int_equal(res.pa, 0x40401004u);
	assert_int_equal(res.nsteps, 2);
	assert_int_equal(res.level, 2);
	assert_true(res.acc.perm & PTK_PROT_GLOBAL);
	/* kernel data: PL0 may not, PL1 may not execute (XN) */
	assert_int_equal(xlate(&fx, 0xc0401004u, PTK_ACC_READ, true, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_USER);
	assert_int_equal(res.fault.syndrome, 0x20f);
	assert_int_equal(xlate(&fx, 0xc0000000u, PTK_ACC_EXEC, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_EXEC);
	assert_int_equal(res.fault.level, 2);
	assert_int_equal(res.fault.syndrome, 0x20e);
	/* user code: PXN keeps PL1 out */
	assert_int_equal(xlate(&fx, GiB, PTK_ACC_EXEC, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_EXEC);
	assert_int_equal(res.fault.level, 1);
	assert_int_equal(res.fault.syndrome, 0x20d);
	assert_int_equal(xlate(&fx, GiB - 4 * KiB, PTK_ACC_WRITE, false, &res), 0);	/* no PAN */
	/* tables: 2 roots, TTBR0: L2 for [0,1G) + L3, L2 for [2G,3G) + L3; TTBR1: L3 */
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2 + 4 + 1);
	teardown(&fx);
}

/* Every leaf size forced; 1G blocks cannot sit in TTBR1's L2 root. */
static void forced_sizes(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_prot p = prot(&fx, "rwag");

	(void)state;
	/* No 1G block where the half's walk starts at level 2. */
	assert_true(ptk_map_range(fx.pt, 0xc0000000u, 0, GiB, &p, GiB) < 0);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2);
	map(&fx, 0, 0, 2 * GiB, "rwag", GiB);
	map(&fx, 0xc0000000u, 0, 4 * MiB, "rwag", 2 * MiB);
	map(&fx, 0xd0000000u, 0, 8 * KiB, "rwag", 4 * KiB);
	assert_int_equal(leaves(&fx).n[0], 2);
	assert_int_equal(leaves(&fx).n[1], 2);
	assert_int_equal(leaves(&fx).n[2], 2);
	assert_int_equal(ptk_map_range(fx.pt, 0xe0000000u, 0, 2 * MiB, &p, 2 * MiB + 4096), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0xe0001000u, 0, 2 * MiB, &p, 2 * MiB), -EINVAL);
	teardown(&fx);
}

/* Unmapping one page of a 1G block splits it down to L3 and nothing else;
 * unmapping the rest frees every table but the roots. */
static void unmap_splits_only_where_cut(void **state)
{
	struct fx fx = setup("arm32-lpae");
	uint64_t va = 2 * GiB, cut = va + 3 * 4096;
	struct ptk_walk_result res;
	struct leaves c;

	(void)state;
	map(&fx, va, 3 * GiB, GiB, "rwadg", 0);
	assert_int_equal(leaves(&fx).n[0], 1);
	assert_int_equal(ptk_unmap_range(fx.pt, cut, 4096), 0);
	c = leaves(&fx);
	assert_int_equal(c.n[0], 0);
	assert_int_equal(c.n[1], 511);
	assert_int_equal(c.n[2], 511);
	assert_int_equal(pa_of(&fx, cut), ~0ull);
	assert_int_equal(pa_of(&fx, cut + 4096), 3 * GiB + 4 * 4096);
	assert_int_equal(pa_of(&fx, va + GiB - 1), 4 * GiB - 1);
	/* The split kept every attribute. */
	assert_int_equal(xlate(&fx, cut + 4096, PTK_ACC_WRITE, false, &res), 0);
	assert_true(res.acc.perm & PTK_PROT_GLOBAL);
	assert_true(res.step[2].entry & PTK_ARM32_LPAE_SW_DIRTY);
	assert_int_equal(xlate(&fx, cut + 4096, PTK_ACC_EXEC, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_EXEC);
	assert_int_equal(res.fault.syndrome, 0x20f);
	assert_int_equal(ptk_unmap_range(fx.pt, va, GiB), 0);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2);
	assert_int_equal(ptk_frames_in_use(fx.m), 2);
	/* The same in TTBR1: a 2M block split into pages of its L3 table. */
	map(&fx, 0xffe00000u, 0x200000, 2 * MiB, "rwag", 0);
	assert_int_equal(ptk_unmap_range(fx.pt, 0xfffff000u, 4096), 0);
	assert_int_equal(leaves(&fx).n[2], 511);
	assert_int_equal(pa_of(&fx, 0xffffefffu), 0x3fefff);
	assert_int_equal(ptk_unmap_range(fx.pt, 0xffe00000u, 2 * MiB), 0);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2);
	teardown(&fx);
}

/* Protect: splits only the cut block, keeps AF and the software dirty bit. */
static void protect_in_both_halves(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_prot ro = prot(&fx, "rua");
	uint64_t lo = 0x400000, hi = 0xc0400000u;
	struct ptk_walk_result res;

	(void)state;
	map(&fx, lo, 0x400000, 4 * MiB, "rwuad", 0);
	map(&fx, hi, 0x400000, 4 * MiB, "rwuad", 0);
	assert_int_equal(ptk_protect_range(fx.pt, lo + 2 * MiB, 8 * KiB, &ro), 0);
	assert_int_equal(ptk_protect_range(fx.pt, hi, 2 * MiB, &ro), 0);
	assert_int_equal(leaves(&fx).n[1], 3);		/* 2 + 1 blocks whole */
	assert_int_equal(xlate(&fx, lo + 2 * MiB, PTK_ACC_WRITE, true, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_WRITE);
	assert_int_equal(res.fault.level, 3);
	assert_int_equal(res.fault.syndrome, 0xa0f);
	assert_true(res.step[2].entry & PTK_ARM32_LPAE_AF);
	assert_true(res.step[2].entry & PTK_ARM32_LPAE_SW_DIRTY);
	assert_true(res.step[2].entry & PTK_ARM32_LPAE_SW_RDONLY);
	assert_int_equal(xlate(&fx, lo + 2 * MiB + 8 * KiB, PTK_ACC_WRITE, true, &res), 0);
	assert_int_equal(xlate(&fx, hi + 4096, PTK_ACC_WRITE, true, &res), -EFAULT);
	assert_int_equal(res.fault.level, 2);
	assert_int_equal(res.fault.syndrome, 0xa0e);
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
	struct fx fx = setup("arm32-lpae");
	struct ptk_prot p = prot(&fx, "rwag");
	struct ptk_walk_result res;

	(void)state;
	/* Across the split, past 32 bits, beyond the 40-bit PA. */
	assert_int_equal(ptk_map_range(fx.pt, 0xbffff000u, 0, 0x2000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0xfffff000u, 0, 0x2000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0x100000000ull, 0, 0x1000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0x1000, 1ull << 40, 0x1000, &p, 0), -ERANGE);
	/* T0SZ = 1: [2G, 3G) belongs to neither half. */
	ptk_machine_cpu(fx.m)->arm32.ttbcr |= 1;
	assert_int_equal(ptk_map_range(fx.pt, 0x80000000u, 0, 0x1000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx.pt, 0x7ffff000u, 0, 0x1000, &p, 0), 0);
	assert_int_equal(xlate(&fx, 0x80000000u, PTK_ACC_READ, false, &res), -EFAULT);
	assert_int_equal(res.nsteps, 0);
	assert_int_equal(res.fault.level, 1);
	assert_int_equal(res.fault.syndrome, 0x205);
	/* A wider VA: no syndrome, no walk. */
	assert_int_equal(xlate(&fx, 0x17ffff000ull, PTK_ACC_READ, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_NON_CANONICAL);
	assert_int_equal(res.nsteps, 0);
	/* No writable-only page, no key. */
	p.flags &= ~PTK_PROT_READ;
	assert_int_equal(ptk_map_range(fx.pt, 0x10000, 0, 0x1000, &p, 0), -EINVAL);
	teardown(&fx);
}

/* EPDn: the half's walks fault at level 1 without reading a descriptor;
 * the engine still maps there. */
static void walks_disabled(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_walk_result res;

	(void)state;
	map(&fx, 0x1000, 0x1000, 4096, "rwag", 0);
	map(&fx, 0xc0001000u, 0x1000, 4096, "rwag", 0);
	ptk_machine_cpu(fx.m)->arm32.ttbcr |= PTK_ARM32_TTBCR_EPD1;
	assert_int_equal(xlate(&fx, 0xc0001000u, PTK_ACC_WRITE, false, &res), -EFAULT);
	assert_int_equal(res.nsteps, 0);
	assert_int_equal(res.fault.level, 1);
	assert_int_equal(res.fault.syndrome, 0xa05);
	assert_int_equal(xlate(&fx, 0x1000, PTK_ACC_WRITE, false, &res), 0);
	map(&fx, 0xc0002000u, 0x2000, 4096, "rwag", 0);
	ptk_machine_cpu(fx.m)->arm32.ttbcr ^= PTK_ARM32_TTBCR_EPD1 | PTK_ARM32_TTBCR_EPD0;
	assert_int_equal(xlate(&fx, 0x1000, PTK_ACC_EXEC, true, &res), -EFAULT);
	assert_int_equal(res.fault.syndrome, 0x205);
	assert_int_equal(xlate(&fx, 0xc0002000u, PTK_ACC_READ, false, &res), 0);
	assert_int_equal(res.pa, 0x2000);
	teardown(&fx);
}

/* The 2G split: both roots start at L1; TTBR1's entries are its root's 2
 * and 3, and its TTBR points 16 bytes in. */
static void two_g_split(void **state)
{
	struct fx fx = setup("arm32-lpae-2g");
	struct ptk_walk_result res;
	uint64_t ttbr;

	(void)state;
	map(&fx, 0x80000000u, 0, GiB, "rwadg", 0);
	map(&fx, 0x7fe00000u, 0, 2 * MiB, "rwuad", 0);
	assert_int_equal(leaves(&fx).n[0], 1);
	assert_int_equal(leaves(&fx).first_va[0], 0x80000000u);
	assert_int_equal(xlate(&fx, 0x80000010u, PTK_ACC_READ, false, &res), 0);
	assert_int_equal(res.root, 1);
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(res.step[0].entry_pa, ptk_pgtable_root(fx.pt, 1) + 16);
	assert_int_equal(ptk_arm32_lpae_ttbr(fx.f, ptk_machine_cpu(fx.m)->arm32.ttbcr, 1,
					     ptk_pgtable_root(fx.pt, 1), &ttbr), 0);
	assert_int_equal(ttbr, ptk_pgtable_root(fx.pt, 1) + 16);
	assert_int_equal(xlate(&fx, 0x7fe00010u, PTK_ACC_WRITE, true, &res), 0);
	assert_int_equal(res.root, 0);
	assert_int_equal(res.nsteps, 2);
	assert_int_equal(ptk_map_range(fx.pt, 0x7ffff000u, 0, 0x2000, &(struct ptk_prot){ 1, 0, 0 }, 0),
			 -EINVAL);
	teardown(&fx);
}

/* The primitives' chain: pgd = L1 (p4d, pud folded), pmd = L2, pte = L3;
 * in TTBR1 (3G) the chain starts at the L2 root. */
static void primitives_fold(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_prot p = prot(&fx, "rwag");
	uint64_t pte;
	ptk_ptep_t pgd, p4d, pud, pmd, ptep;

	(void)state;
	for (int half = 0; half < 2; half++) {
		uint64_t va = half ? 0xc1234000u : 0x41234000u;

		pgd = ptk_pgd_offset(fx.pt, va);
		assert_int_equal(pgd.pa, ptk_pgtable_root(fx.pt, (unsigned)half) +
				 8 * (half ? (va >> 21) & 511 : va >> 30));
		assert_int_equal(pgd.level, half);
		assert_int_equal(ptk_p4d_alloc(fx.pt, pgd, va, &p4d), 0);
		assert_int_equal(ptk_pud_alloc(fx.pt, p4d, va, &pud), 0);
		assert_int_equal(pud.pa, pgd.pa);		/* folded, as pgtable-nopud.h */
		assert_int_equal(ptk_pmd_alloc(fx.pt, pud, va, &pmd), 0);
		assert_int_equal(pmd.level, 1);
		if (half)
			assert_int_equal(pmd.pa, pgd.pa);	/* TTBR1's root is the pmd table */
		assert_int_equal(ptk_pte_alloc(fx.pt, pmd, va, &ptep), 0);
		assert_int_equal(ptep.level, 2);
		assert_int_equal(ptk_mk_pte(fx.f, 0x7000, &p, &pte), 0);
		assert_int_equal(pte, 0x004000000000771full);
		assert_int_equal(ptk_set_pte(fx.pt, ptep, pte), 0);
		assert_int_equal(pa_of(&fx, va + 0x45), 0x7045);
	}
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2 + 3);
	teardown(&fx);
}

/* A table outside RAM: Synchronous external abort on the walk, STATUS
 * 0b0101LL at the level of the table read. */
static void table_outside_ram(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_walk_result res;
	uint64_t e = 0x8000000003ull;		/* a table at 512 GiB: no RAM there */

	(void)state;
	map(&fx, 0xc0000000u, 0, 4096, "rwag", 0);
	assert_int_equal(ptk_phys_write(ptk_machine_phys(fx.m), ptk_pgtable_root(fx.pt, 1) + 8, &e, 8), 0);
	assert_int_equal(xlate(&fx, 0xc0200000u, PTK_ACC_WRITE, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_BUS);
	assert_int_equal(res.fault.level, 3);
	assert_int_equal(res.fault.syndrome, 0xa17);
	e = 0;
	assert_int_equal(ptk_phys_write(ptk_machine_phys(fx.m), ptk_pgtable_root(fx.pt, 1) + 8, &e, 8), 0);
	teardown(&fx);
}

/* The level-by-level print names the Linux level, the Arm level and the FSR. */
static void print_walk(void **state)
{
	struct fx fx = setup("arm32-lpae");
	struct ptk_walk_req req = { .va = 0x00201000u, .access = PTK_ACC_WRITE, .no_update = true };
	struct ptk_walk_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	map(&fx, 0, 0, 4 * KiB, "rwag", 0);
	assert_int_equal(ptk_translate(fx.m, fx.pt, &req, &res), -EFAULT);
	ptk_print_walk(fx.pt, &req, &res, out);
	fclose(out);
	if (!strstr(buf, "pmd  L2   [  1]") ||
	    !strstr(buf, "=> fault: not present at pmd (level 2), FSR 0xa06"))
		fail_msg("%s", buf);
	free(buf);
	teardown(&fx);
}

/* --- the fast path against the full rules ------------------------------------ */

/* Bits whose change the rules notice. */
static const uint64_t damage_bits[] = {
	PTK_ARM32_LPAE_VALID, PTK_ARM32_LPAE_TABLE_BIT, PTK_ARM32_LPAE_AF, PTK_ARM32_LPAE_USER,
	PTK_ARM32_LPAE_RDONLY, PTK_ARM32_LPAE_PXN, PTK_ARM32_LPAE_XN, PTK_ARM32_LPAE_NG,
	PTK_ARM32_LPAE_CONT, 3ull << 2, 1ull << 4, PTK_ARM32_LPAE_NS, PTK_ARM32_LPAE_PXNTABLE,
	PTK_ARM32_LPAE_XNTABLE, PTK_ARM32_LPAE_APTABLE_NOPL0, PTK_ARM32_LPAE_APTABLE_RDONLY,
	PTK_ARM32_LPAE_NSTABLE, 1ull << 8, 1ull << 12, 1ull << 21, 1ull << 29, 1ull << 39,
	1ull << 40, 1ull << 44, 1ull << 47, 1ull << 48, 1ull << 51, PTK_ARM32_LPAE_SW_DIRTY,
	PTK_ARM32_LPAE_SW_RDONLY,
};

static void random_cpu(struct rng *r, struct ptk_cpu *cpu, const struct ptk_cpu *def)
{
	cpu->arm32 = def->arm32;
	if (rng_chance(r, 15))
		cpu->arm32.ttbcr ^= PTK_ARM32_TTBCR_EPD0;
	if (rng_chance(r, 15))
		cpu->arm32.ttbcr ^= PTK_ARM32_TTBCR_EPD1;
	if (rng_chance(r, 20))
		cpu->arm32.ttbcr |= 1;		/* T0SZ = 1: a gap under the 3G split */
	if (rng_chance(r, 10))			/* T1SZ: 3G 2..7, 2G 0..1 */
		cpu->arm32.ttbcr = (cpu->arm32.ttbcr & ~PTK_ARM32_TTBCR_T1SZ_MASK) |
				   (uint32_t)(def->arm32.ttbcr & (1u << 17) ? 2 + rng_below(r, 6)
									    : rng_below(r, 2)) << 16;
	if (rng_chance(r, 5))
		cpu->arm32.ttbcr &= ~PTK_ARM32_TTBCR_T1SZ_MASK;	/* all TTBR0 */
	if (rng_chance(r, 30))
		cpu->arm32.sctlr |= PTK_ARM32_SCTLR_WXN;
	if (rng_chance(r, 30))
		cpu->arm32.sctlr |= PTK_ARM32_SCTLR_UWXN;
	if (rng_chance(r, 20)) {
		cpu->arm32.mair0 = (uint32_t)rng_next(r);
		cpu->arm32.mair1 = (uint32_t)rng_next(r);
	}
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
		fail_msg("%s va %#llx %s %s ttbcr %#x sctlr %#x: fast %s/%d/%#llx pa %#llx perm %#x, "
			 "slow %s/%d/%#llx pa %#llx perm %#x", fx->f->name, (unsigned long long)req->va,
			 ptk_access_name(req->access), req->user ? "PL0" : "PL1",
			 ptk_machine_cpu(fx->m)->arm32.ttbcr, ptk_machine_cpu(fx->m)->arm32.sctlr,
			 ptk_fault_name(fast.fault.kind), fast.fault.level,
			 (unsigned long long)fast.fault.syndrome, (unsigned long long)fast.pa,
			 fast.acc.perm, ptk_fault_name(slow.fault.kind), slow.fault.level,
			 (unsigned long long)slow.fault.syndrome, (unsigned long long)slow.pa,
			 slow.acc.perm);
	for (unsigned i = 0; i < fast.nsteps; i++)
		assert_int_equal(fast.step[i].entry, slow.step[i].entry);
	/* Nothing is ever written back (no hardware AF updates in ARMv7). */
	if (!rs && !req->no_update)
		assert_int_equal(slow.step[slow.nsteps - 1].entry,
				 ptk_entry_read(fx->pt, (ptk_ptep_t){ slow.step[slow.nsteps - 1].entry_pa,
								      slow.step[slow.nsteps - 1].level }));
	++*checks;
}

static const char *const random_prots[] = {
	"ra", "rwa", "rxa", "rwxa", "rua", "rwua", "rxua", "rwxua", "rwga", "r", "rwu", "rxug",
	"rwad,dev_shared", "rxa,uncached", "rwuag,attr6",
};

static void fast_path_equals_full_rules(void **state)
{
	static const char *const configs[] = { "arm32-lpae", "arm32-lpae-2g" };
	uint64_t seed = ptk_test_seed("arm32-lpae fast vs full", 0xa32), checks = 0;
	struct rng r = { seed };

	(void)state;
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		struct fx fx = setup(configs[c]);
		struct ptk_cpu def = *ptk_machine_cpu(fx.m);
		uint64_t mapped[64];
		struct { uint64_t pa, e; } undo[1024];
		unsigned nmapped = 0, nundo = 0;

		/* Mappings of every leaf size and many rights, in both halves. */
		for (unsigned i = 0; i < 48; i++) {
			static const uint64_t sizes[] = { 4 * KiB, 2 * MiB, 1 * GiB };
			uint64_t s = sizes[rng_below(&r, i % 8 ? 2 : 3)];
			uint64_t va = rng_below(&r, 1ull << 32) & ~(s - 1);
			uint64_t pa = rng_below(&r, 1ull << 40) & ~(s - 1);
			struct ptk_prot p;

			assert_int_equal(ptk_prot_parse(fx.f, random_prots[rng_below(&r, 15)], &p), 0);
			if (!ptk_map_range(fx.pt, va, pa, s, &p, s))
				mapped[nmapped++] = va;
		}
		assert_true(nmapped > 20);
		ptk_test_check_tree(fx.pt);
		for (uint64_t q = 0; q < ptk_test_scale(20000); q++) {
			struct ptk_walk_req req = { .access = (enum ptk_access)rng_below(&r, 3),
						    .user = rng_chance(&r, 50),
						    .no_update = rng_chance(&r, 50) };
			struct ptk_walk_result res;
			uint64_t va = mapped[rng_below(&r, nmapped)] + (rng_below(&r, 2 * MiB) & ~3ull);

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
			if (rng_chance(&r, 5))			/* beyond 32 bits */
				va ^= 1ull << (32 + rng_below(&r, 32));
			if (rng_chance(&r, 5))
				va = rng_below(&r, 1ull << 32);		/* anywhere */
			/* Not ~0: the plan's high range cannot end below it, so the
			 * fast path walks it (docs/arm32.md, "The fast path"). */
			if (rng_chance(&r, 1))
				va = ~0ull - 1 - rng_below(&r, 1ull << 32);
			req.va = va;
			compare(&fx, &req, &checks);
		}
		/* Undo the damage, newest first; then the tree is whole again. */
		*ptk_machine_cpu(fx.m) = def;
		while (nundo--)
			ptk_phys_write(ptk_machine_phys(fx.m), undo[nundo].pa, &undo[nundo].e, 8);
		teardown(&fx);
	}
	printf("arm32-lpae fast vs full: %llu translations agree\n", (unsigned long long)checks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_roots),
		cmocka_unit_test(auto_sizes_in_both_halves),
		cmocka_unit_test(forced_sizes),
		cmocka_unit_test(unmap_splits_only_where_cut),
		cmocka_unit_test(protect_in_both_halves),
		cmocka_unit_test(bad_ranges),
		cmocka_unit_test(walks_disabled),
		cmocka_unit_test(two_g_split),
		cmocka_unit_test(primitives_fold),
		cmocka_unit_test(table_outside_ram),
		cmocka_unit_test(print_walk),
		cmocka_unit_test(fast_path_equals_full_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
