// SPDX-License-Identifier: MIT
/*
 * The engine on ARMv7-A short descriptors over replicated leaves: 16 MiB
 * supersections (16 first-level entries) and 64 KiB large pages (16
 * second-level entries in the hardware table under empty Linux ptes),
 * written by hand as Linux never makes them (ARMv7-A ARM B3.5.1).  Map,
 * unmap and protect that touch part of one unfold it into sections or
 * small pages first (break-before-make), then act; an unmap covering one
 * whole clears it whole; one that cannot be unfolded (a supersection above
 * 4 GiB, a large page a Linux pte cannot say) is refused with nothing
 * changed.  Every expected entry and translation below is worked out by
 * hand; every step also runs with each of its allocations failing in turn,
 * which must leave the tree byte for byte as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/arm32.h>
#include "ptk_test.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)

/* Tables come from the top of RAM (memblock allocates top-down): the
 * snapshot of a tree is the last TABLES_SPAN bytes. */
#define RAM_BASE    0x60000000ull
#define RAM_SIZE    (256 * MiB)
#define TABLES_SPAN (1 * MiB)

struct fx {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	uint64_t root;
};

static struct fx setup(void)
{
	static const struct ptk_phys_range ram[] = { { RAM_BASE, RAM_SIZE } };
	struct fx fx = { 0 };

	fx.m = ptk_test_machine("arm32", ram, 1, 0);
	fx.f = ptk_machine_format(fx.m);
	assert_int_equal(ptk_pgd_alloc(fx.m, "k", &fx.pt), 0);
	fx.root = ptk_pgtable_root(fx.pt, 0);
	return fx;
}

static void teardown(struct fx *fx)
{
	ptk_test_check_tree(fx->pt);
	ptk_machine_destroy(fx->m);
}

static uint32_t rd(struct fx *fx, uint64_t pa)
{
	return ptk_test_rd32(fx->m, pa);
}

static void wr(struct fx *fx, uint64_t pa, uint32_t v)
{
	ptk_test_wr32(fx->m, pa, v);
}

static uint32_t l1(struct fx *fx, uint32_t va)
{
	return rd(fx, fx->root + 4 * (va >> 20));
}

/* The hardware second-level table of va's first-level entry. */
static uint64_t hw_table(struct fx *fx, uint32_t va)
{
	uint32_t e = l1(fx, va);

	assert_int_equal(e & 3, PTK_ARM32_SD_L1_TABLE);
	return e & PTK_ARM32_SD_TBL_ADDR_MASK;
}

static uint32_t hw_pte(struct fx *fx, uint32_t va)
{
	return rd(fx, hw_table(fx, va) + 4 * ((va >> 12) & 0xff));
}

static uint32_t linux_pte(struct fx *fx, uint32_t va)
{
	return rd(fx, hw_table(fx, va) - PTK_ARM32_PTE_HWTABLE_OFF + 4 * ((va >> 12) & 0xff));
}

/* A supersection by hand: its 16 first-level entries through set_pmd, so
 * that the root's live count knows them. */
static void put_super(struct fx *fx, uint32_t va, uint32_t e)
{
	for (unsigned i = 0; i < 16; i++) {
		ptk_ptep_t p = { fx->root + 4 * ((va >> 20) + i), 0 };

		assert_int_equal(ptk_set_entry(fx->pt, p, e), 0);
	}
}

/* A large page by hand: 16 hardware entries under empty Linux ptes, in
 * the pte page of a 4 KiB page mapped in the same MiB. */
static void put_large(struct fx *fx, uint32_t va, uint32_t e)
{
	for (unsigned i = 0; i < 16; i++) {
		uint32_t v = va + (uint32_t)i * 4096;

		assert_int_equal(linux_pte(fx, v), 0);
		wr(fx, hw_table(fx, v) + 4 * ((v >> 12) & 0xff), e);
	}
}

static struct ptk_prot prot(struct fx *fx, const char *s)
{
	struct ptk_prot p;

	assert_int_equal(ptk_prot_parse(fx->f, s, &p), 0);
	return p;
}

/* --- translations checked by hand ------------------------------------------------ */

static int walk(struct fx *fx, uint32_t va, enum ptk_access acc, bool user,
		struct ptk_walk_result *res)
{
	return ptk_test_walk(fx->m, fx->pt, va, acc, user, res);
}

static void expect_pa(struct fx *fx, uint32_t va, enum ptk_access acc, bool user, uint64_t pa,
		      uint64_t page_size)
{
	struct ptk_walk_result res;

	if (walk(fx, va, acc, user, &res) || res.pa != pa || res.page_size != page_size)
		fail_msg("va %#x: %s, pa %#llx (%llu), by hand %#llx (%llu)", va,
			 ptk_fault_name(res.fault.kind), (unsigned long long)res.pa,
			 (unsigned long long)res.page_size, (unsigned long long)pa,
			 (unsigned long long)page_size);
}

static void expect_fault(struct fx *fx, uint32_t va, enum ptk_access acc, bool user,
			 enum ptk_fault_kind kind, int level)
{
	struct ptk_walk_result res;

	if (walk(fx, va, acc, user, &res) != -EFAULT || res.fault.kind != kind ||
	    res.fault.level != level)
		fail_msg("va %#x: %s at level %d, by hand %s at level %d", va,
			 ptk_fault_name(res.fault.kind), res.fault.level, ptk_fault_name(kind),
			 level);
}

/* --- steps, each under failure injection ------------------------------------------ */

struct snapshot {
	uint8_t *tables;
	uint64_t nr_tables, frames;
};

static struct snapshot take(struct fx *fx)
{
	struct snapshot s = { malloc(TABLES_SPAN), ptk_pgtable_nr_tables(fx->pt),
			      ptk_frames_in_use(fx->m) };

	assert_non_null(s.tables);
	assert_int_equal(ptk_phys_read(ptk_machine_phys(fx->m), RAM_BASE + RAM_SIZE - TABLES_SPAN,
				       s.tables, TABLES_SPAN), 0);
	return s;
}

static void assert_unchanged(struct fx *fx, const struct snapshot *before, const char *what)
{
	struct snapshot now = take(fx);

	if (now.nr_tables != before->nr_tables || now.frames != before->frames ||
	    memcmp(now.tables, before->tables, TABLES_SPAN))
		fail_msg("%s changed the tree (%llu/%llu tables, %llu/%llu frames)", what,
			 (unsigned long long)before->nr_tables, (unsigned long long)now.nr_tables,
			 (unsigned long long)before->frames, (unsigned long long)now.frames);
	free(now.tables);
	ptk_test_check_tree(fx->pt);
}

enum op { UNMAP, PROTECT, MAP };

static int run_op(struct fx *fx, enum op op, uint32_t va, uint64_t size, const char *p)
{
	struct ptk_prot pr;

	if (op == UNMAP)
		return ptk_unmap_range(fx->pt, va, size);
	pr = prot(fx, p);
	if (op == PROTECT)
		return ptk_protect_range(fx->pt, va, size, &pr);
	return ptk_map_range(fx->pt, va, 0x68000000, size, &pr, 0);
}

/*
 * One step: with allocation 1, 2, ... failing until it succeeds, each
 * failure is -ENOMEM with the tree byte for byte as before; then the step
 * returns rc (0, or a refusal, which must change nothing either).  Returns
 * how many allocations failed.
 */
static unsigned step(struct fx *fx, enum op op, uint32_t va, uint64_t size, const char *p,
		     int rc_want)
{
	struct snapshot before = take(fx);
	unsigned injected = 0;
	int rc;

	for (uint64_t n = 1;; n++) {
		ptk_machine_fail_nth_alloc(fx->m, n);
		rc = run_op(fx, op, va, size, p);
		if (rc != -ENOMEM || rc_want == -ENOMEM)
			break;
		injected++;
		assert_unchanged(fx, &before, "a failed allocation");
	}
	ptk_machine_fail_nth_alloc(fx->m, 0);
	if (rc != rc_want)
		fail_msg("op %d at %#x+%#llx: %d (%s), wanted %d", op, va, (unsigned long long)size,
			 rc, ptk_machine_errmsg(fx->m), rc_want);
	if (rc)
		assert_unchanged(fx, &before, "a refused operation");
	ptk_test_check_tree(fx->pt);
	free(before.tables);
	return injected;
}

/* --- supersections ------------------------------------------------------------------ */

/* The supersection: PA 0x60000000, AP=001 (PL1 RW), C B, domain
 * bits 0 (PA[39:36]), at L1 entries 0xc00..0xc0f. */
#define SS_ENTRY 0x6004040eu
/* Its entry i unfolded, by hand: the same bits as a section at +i MiB. */
static uint32_t ss_section(unsigned i)
{
	return 0x6000040eu + ((uint32_t)i << 20);
}

static void supersection_protect_middle(void **state)
{
	struct fx fx = setup();

	(void)state;
	put_super(&fx, 0xc0000000, SS_ENTRY);
	expect_pa(&fx, 0xc0123456, PTK_ACC_WRITE, false, 0x60123456, 16 * MiB);
	/* One 4K read-only in the second MiB: the run becomes 16 sections,
	 * the second split into a pte page (one allocation). */
	assert_int_equal(step(&fx, PROTECT, 0xc0100000, 4 * KiB, "rgad", 0), 1);
	for (unsigned i = 0; i < 16; i++)
		if (i != 1 && l1(&fx, 0xc0000000 + (uint32_t)i * MiB) != ss_section(i))
			fail_msg("entry %#x: %#x, by hand %#x", 0xc00 + i,
				 l1(&fx, 0xc0000000 + (uint32_t)i * MiB), ss_section(i));
	expect_pa(&fx, 0xc0100000, PTK_ACC_READ, false, 0x60100000, 4 * KiB);
	expect_fault(&fx, 0xc0100000, PTK_ACC_WRITE, false, PTK_FAULT_WRITE, 2);
	expect_pa(&fx, 0xc0101234, PTK_ACC_WRITE, false, 0x60101234, 4 * KiB);
	expect_pa(&fx, 0xc01fffff, PTK_ACC_EXEC, false, 0x601fffff, 4 * KiB);
	expect_pa(&fx, 0xc0123456, PTK_ACC_WRITE, false, 0x60123456, 4 * KiB);
	expect_pa(&fx, 0xc0000000, PTK_ACC_WRITE, false, 0x60000000, 1 * MiB);
	expect_pa(&fx, 0xc0fedcba, PTK_ACC_WRITE, false, 0x60fedcba, 1 * MiB);
	expect_fault(&fx, 0xc0000000, PTK_ACC_READ, true, PTK_FAULT_USER, 1);
	expect_fault(&fx, 0xc1000000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 1);
	/* The split's ptes carry the section's attributes as Linux's ptes
	 * say them (ptk_prot): C B (L_PTE_MT 3, WRITEBACK), young, dirty,
	 * not user: the hardware copy AP=001; and L_PTE_SHARED, which every
	 * Linux pte has (a split section's S is not kept: pre-existing). */
	assert_int_equal(hw_pte(&fx, 0xc0101000),
			 ptk_arm32_sd_small(0x60101000, 1, PTK_ARM32_SD_PTE_C | PTK_ARM32_SD_PTE_B |
					    PTK_ARM32_SD_PTE_S));
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2);
	teardown(&fx);
}

static void supersection_unmap_4k(void **state)
{
	struct fx fx = setup();

	(void)state;
	put_super(&fx, 0xc0000000, SS_ENTRY);
	assert_int_equal(step(&fx, UNMAP, 0xc0200000, 4 * KiB, NULL, 0), 1);
	expect_fault(&fx, 0xc0200000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 2);
	expect_pa(&fx, 0xc0201000, PTK_ACC_WRITE, false, 0x60201000, 4 * KiB);
	expect_pa(&fx, 0xc0300000, PTK_ACC_WRITE, false, 0x60300000, 1 * MiB);
	assert_int_equal(l1(&fx, 0xc0f00000), ss_section(15));
	/* Across the end of one run into the next: both unfolded, two
	 * splits, two allocations, each made to fail. */
	put_super(&fx, 0xc1000000, 0x6104040eu);
	assert_int_equal(step(&fx, UNMAP, 0xc0fff000, 8 * KiB, NULL, 0), 2);
	expect_fault(&fx, 0xc0fff000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 2);
	expect_fault(&fx, 0xc1000fff, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 2);
	expect_pa(&fx, 0xc0ffe000, PTK_ACC_READ, false, 0x60ffe000, 4 * KiB);
	expect_pa(&fx, 0xc1001000, PTK_ACC_READ, false, 0x61001000, 4 * KiB);
	expect_pa(&fx, 0xc1f00000, PTK_ACC_READ, false, 0x61f00000, 1 * MiB);
	assert_int_equal(l1(&fx, 0xc1f00000), 0x6104040eu - PTK_ARM32_SD_SECT_SUPER + 0xf00000);
	teardown(&fx);
}

static void supersection_whole(void **state)
{
	struct fx fx = setup();

	(void)state;
	/* Unmap of the whole aligned 16 MiB: cleared as a whole. */
	put_super(&fx, 0xc0000000, SS_ENTRY);
	assert_int_equal(step(&fx, UNMAP, 0xc0000000, 16 * MiB, NULL, 0), 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(l1(&fx, 0xc0000000 + (uint32_t)i * MiB), 0);
	expect_fault(&fx, 0xc0abcdef, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 1);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 1);

	/* Protect of the whole 16 MiB: unfolded, then each section
	 * reprotected: read-only (APX), XN, normal memory (TEX[0] C B),
	 * S, global, domain 0. */
	put_super(&fx, 0xc0000000, SS_ENTRY);
	assert_int_equal(step(&fx, PROTECT, 0xc0000000, 16 * MiB, "rgad", 0), 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(l1(&fx, 0xc0000000 + (uint32_t)i * MiB),
				 ptk_arm32_sd_section(0x60000000 + (uint32_t)i * MiB, 0, 5,
						      PTK_ARM32_SD_SECT_S | PTK_ARM32_SD_SECT_TEX0 |
						      PTK_ARM32_SD_SECT_C | PTK_ARM32_SD_SECT_B |
						      PTK_ARM32_SD_SECT_XN));
	expect_pa(&fx, 0xc0abcdef, PTK_ACC_READ, false, 0x60abcdef, 1 * MiB);
	expect_fault(&fx, 0xc0abcdef, PTK_ACC_WRITE, false, PTK_FAULT_WRITE, 1);
	expect_fault(&fx, 0xc0abcdef, PTK_ACC_EXEC, false, PTK_FAULT_EXEC, 1);

	/* A map over a supersection conflicts, changing nothing. */
	put_super(&fx, 0xd0000000, 0x6204040eu);
	assert_int_equal(step(&fx, MAP, 0xd0400000, 4 * KiB, "rwad", -EEXIST), 0);
	assert_int_equal(step(&fx, MAP, 0xcff00000, 2 * MiB, "rwad", -EEXIST), 0);
	expect_pa(&fx, 0xd0400000, PTK_ACC_READ, false, 0x62400000, 16 * MiB);
	teardown(&fx);
}

/* A supersection at PA 0xab_c5000000: no section can say it. */
static void supersection_above_4g(void **state)
{
	struct fx fx = setup();
	uint32_t e = ptk_arm32_sd_supersection(0xabc5000000ull, 1, 0);

	(void)state;
	put_super(&fx, 0x01000000, e);
	expect_pa(&fx, 0x01234567, PTK_ACC_READ, false, 0xabc5234567ull, 16 * MiB);
	assert_int_equal(step(&fx, PROTECT, 0x01100000, 4 * KiB, "rgad", -EINVAL), 0);
	assert_non_null(strstr(ptk_machine_errmsg(fx.m), "supersection at 0x1000000"));
	assert_non_null(strstr(ptk_machine_errmsg(fx.m), "above 4 GiB"));
	assert_int_equal(step(&fx, PROTECT, 0x01000000, 16 * MiB, "rgad", -EINVAL), 0);
	assert_int_equal(step(&fx, UNMAP, 0x01f00000, 1 * MiB, NULL, -EINVAL), 0);
	assert_int_equal(step(&fx, UNMAP, 0x01000000, 4 * KiB, NULL, -EINVAL), 0);
	/* an unmap that starts before it, a hole, and cuts it */
	assert_int_equal(step(&fx, UNMAP, 0x00f00000, 2 * MiB, NULL, -EINVAL), 0);
	expect_pa(&fx, 0x01234567, PTK_ACC_READ, false, 0xabc5234567ull, 16 * MiB);
	/* Unmapping it whole needs no section: it goes. */
	assert_int_equal(step(&fx, UNMAP, 0x00f00000, 18 * MiB, NULL, 0), 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(l1(&fx, 0x01000000 + (uint32_t)i * MiB), 0);
	expect_fault(&fx, 0x01234567, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 1);
	teardown(&fx);
}

/* --- large pages ------------------------------------------------------------------------ */

/* A large page at PA 0x63010000: AP=011 (PL0 RW), C B, S, nG, as a user
 * page would be; and its entry i unfolded, the small page set_pte_ext()
 * makes of the Linux pte young, dirty, user, shared, L_PTE_MT 3. */
#define LP_ATTR (PTK_ARM32_SD_PTE_C | PTK_ARM32_SD_PTE_B | PTK_ARM32_SD_PTE_S | PTK_ARM32_SD_PTE_NG)
#define LP_PA   0x63010000u

static uint32_t lp_small(unsigned i)
{
	return ptk_arm32_sd_small(LP_PA + (uint32_t)i * 4096, 3, LP_ATTR);
}

static uint32_t lp_linux(unsigned i)
{
	return (LP_PA + (uint32_t)i * 4096) | PTK_ARM32_L_PTE_PRESENT | PTK_ARM32_L_PTE_YOUNG |
	       PTK_ARM32_L_PTE_DIRTY | PTK_ARM32_L_MT_WRITEBACK << PTK_ARM32_L_PTE_MT_SHIFT |
	       PTK_ARM32_L_PTE_USER | PTK_ARM32_L_PTE_SHARED;
}

/* A pte page at 0x00100000 (one 4K page mapped) with large pages at
 * 0x00110000, 0x00120000 and 0x00130000. */
static struct fx large_setup(void)
{
	struct fx fx = setup();
	struct ptk_prot p = prot(&fx, "rwuad");

	assert_int_equal(ptk_map_range(fx.pt, 0x00100000, 0x61100000, 4 * KiB, &p, 0), 0);
	for (uint32_t va = 0x00110000; va <= 0x00130000; va += 0x10000)
		put_large(&fx, va, ptk_arm32_sd_large(LP_PA, 3, LP_ATTR));
	expect_pa(&fx, 0x00112345, PTK_ACC_WRITE, true, 0x63012345, 64 * KiB);
	return fx;
}

static void large_page_cut(void **state)
{
	struct fx fx = large_setup();
	uint64_t l2 = hw_table(&fx, 0x00100000) - PTK_ARM32_PTE_HWTABLE_OFF;

	(void)state;
	assert_int_equal(ptk_pgtable_live_entries(fx.pt, l2), 1);
	/* Protect one 4K read-only: the page becomes 16 small pages. */
	assert_int_equal(step(&fx, PROTECT, 0x00114000, 4 * KiB, "ruad", 0), 0);
	for (unsigned i = 0; i < 16; i++) {
		uint32_t va = 0x00110000 + (uint32_t)i * 4096;

		if (i == 4)
			continue;
		assert_int_equal(linux_pte(&fx, va), lp_linux(i));
		assert_int_equal(hw_pte(&fx, va), lp_small(i));
	}
	/* the protected one: Linux's normal memory now, read-only, XN */
	assert_int_equal(hw_pte(&fx, 0x00114000),
			 ptk_arm32_sd_small(0x63014000, 7, PTK_ARM32_SD_PTE_C | PTK_ARM32_SD_PTE_B |
					    PTK_ARM32_SD_PTE_TEX0 | PTK_ARM32_SD_PTE_S |
					    PTK_ARM32_SD_PTE_NG | PTK_ARM32_SD_PTE_XN));
	expect_pa(&fx, 0x00114000, PTK_ACC_READ, true, 0x63014000, 4 * KiB);
	expect_fault(&fx, 0x00114000, PTK_ACC_WRITE, true, PTK_FAULT_WRITE, 2);
	expect_pa(&fx, 0x00115678, PTK_ACC_WRITE, true, 0x63015678, 4 * KiB);
	expect_pa(&fx, 0x00110000, PTK_ACC_EXEC, true, 0x63010000, 4 * KiB);
	assert_int_equal(ptk_pgtable_live_entries(fx.pt, l2), 17);

	/* Unmap one 4K of the next. */
	assert_int_equal(step(&fx, UNMAP, 0x00128000, 4 * KiB, NULL, 0), 0);
	expect_fault(&fx, 0x00128000, PTK_ACC_READ, true, PTK_FAULT_NOT_PRESENT, 2);
	assert_int_equal(hw_pte(&fx, 0x00128000), 0);
	expect_pa(&fx, 0x00127000, PTK_ACC_READ, true, 0x63017000, 4 * KiB);
	expect_pa(&fx, 0x00129000, PTK_ACC_READ, true, 0x63019000, 4 * KiB);
	assert_int_equal(ptk_pgtable_live_entries(fx.pt, l2), 32);
	/* A map over the third conflicts. */
	assert_int_equal(step(&fx, MAP, 0x0013f000, 4 * KiB, "rwuad", -EEXIST), 0);
	expect_pa(&fx, 0x0013f000, PTK_ACC_READ, true, 0x6301f000, 64 * KiB);
	teardown(&fx);
}

static void large_page_whole(void **state)
{
	struct fx fx = large_setup();
	uint64_t l2 = hw_table(&fx, 0x00100000) - PTK_ARM32_PTE_HWTABLE_OFF;

	(void)state;
	/* Unmapped whole: its hardware entries cleared, no Linux pte made. */
	assert_int_equal(step(&fx, UNMAP, 0x00120000, 64 * KiB, NULL, 0), 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(hw_pte(&fx, 0x00120000 + (uint32_t)i * 4096), 0);
	expect_fault(&fx, 0x00121000, PTK_ACC_READ, true, PTK_FAULT_NOT_PRESENT, 2);
	assert_int_equal(ptk_pgtable_live_entries(fx.pt, l2), 1);
	/* Protected whole: 16 small pages, read-only. */
	assert_int_equal(step(&fx, PROTECT, 0x00130000, 64 * KiB, "ruxad", 0), 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(hw_pte(&fx, 0x00130000 + (uint32_t)i * 4096),
				 ptk_arm32_sd_small(LP_PA + (uint32_t)i * 4096, 7,
						    PTK_ARM32_SD_PTE_C | PTK_ARM32_SD_PTE_B |
						    PTK_ARM32_SD_PTE_TEX0 | PTK_ARM32_SD_PTE_S |
						    PTK_ARM32_SD_PTE_NG));
	expect_pa(&fx, 0x0013abcd, PTK_ACC_EXEC, true, 0x6301abcd, 4 * KiB);
	expect_fault(&fx, 0x0013abcd, PTK_ACC_WRITE, true, PTK_FAULT_WRITE, 2);
	assert_int_equal(ptk_pgtable_live_entries(fx.pt, l2), 17);
	/* The range covering all of them and the 4K page: the tree empties. */
	assert_int_equal(step(&fx, UNMAP, 0x00100000, 1 * MiB, NULL, 0), 0);
	expect_fault(&fx, 0x00112345, PTK_ACC_READ, true, PTK_FAULT_NOT_PRESENT, 1);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 1);
	teardown(&fx);
}

/* Large pages no Linux pte can say: AP[0] clear, TEX[2:1] set, nG on a
 * page PL0 cannot reach. */
static void large_page_refused(void **state)
{
	static const uint32_t odd[] = {
		0x63010000u | (2u << 4) | PTK_ARM32_SD_L2_LARGE | PTK_ARM32_SD_PTE_NG,
		0x63010000u | (3u << 4) | PTK_ARM32_SD_L2_LARGE | PTK_ARM32_SD_PTE_NG | (2u << 12),
		0x63010000u | (1u << 4) | PTK_ARM32_SD_L2_LARGE | PTK_ARM32_SD_PTE_NG,
	};

	(void)state;
	for (unsigned k = 0; k < 3; k++) {
		struct fx fx = setup();
		struct ptk_prot p = prot(&fx, "rwuad");

		assert_int_equal(ptk_map_range(fx.pt, 0x00100000, 0x61100000, 4 * KiB, &p, 0), 0);
		put_large(&fx, 0x00110000, odd[k]);
		assert_int_equal(step(&fx, PROTECT, 0x00110000, 64 * KiB, "ruad", -EINVAL), 0);
		assert_non_null(strstr(ptk_machine_errmsg(fx.m), "large page at 0x110000"));
		assert_int_equal(step(&fx, UNMAP, 0x0011f000, 4 * KiB, NULL, -EINVAL), 0);
		/* whole, it can go */
		assert_int_equal(step(&fx, UNMAP, 0x00110000, 64 * KiB, NULL, 0), 0);
		expect_fault(&fx, 0x00110000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 2);
		teardown(&fx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(supersection_protect_middle),
		cmocka_unit_test(supersection_unmap_4k),
		cmocka_unit_test(supersection_whole),
		cmocka_unit_test(supersection_above_4g),
		cmocka_unit_test(large_page_cut),
		cmocka_unit_test(large_page_whole),
		cmocka_unit_test(large_page_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
