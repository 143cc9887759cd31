// SPDX-License-Identifier: MIT
/*
 * A table that lies outside RAM (a hostile image, a wild entry): on arm64
 * the walk takes a Synchronous External abort on a translation table walk,
 * reported with the level of the table read (Arm ARM D8.15, ESR_EL1.DFSC
 * 0b0101LL; 0b010011 for level -1).
 */
#include <ptkit/aarch64.h>
#include "ptk_test.h"

static void check(const char *name, uint64_t va, int want_level, unsigned want_fsc)
{
	static const struct ptk_phys_range ram[] = { { 0x40000000, 1ull << 30 } };
	struct ptk_machine *m = ptk_test_machine(name, ram, 1, 0);
	const struct ptk_format *f = ptk_machine_format(m);
	struct ptk_walk_req req = { .va = va, .access = PTK_ACC_WRITE, .no_update = true };
	struct ptk_walk_result res;
	struct ptk_pgtable *pt;
	ptk_ptep_t pgd;

	assert_int_equal(ptk_pgd_alloc(m, "t", &pt), 0);
	pgd = ptk_pgd_offset(pt, va);
	/* The root's entry points at a table in a hole of the physical space. */
	assert_int_equal(ptk_set_pgd(pt, pgd, f->ops->mk_table(f, 0, 0x1000000, NULL)), 0);
	assert_int_equal(ptk_translate(m, pt, &req, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_BUS);
	assert_int_equal(res.fault.level, want_level);
	assert_int_equal(res.fault.syndrome & PTK_A64_ESR_FSC_MASK, want_fsc);
	assert_true(res.fault.syndrome & PTK_A64_ESR_WNR);
	assert_int_equal(ptk_set_pgd(pt, pgd, 0), 0);
	ptk_machine_destroy(m);
}

static void external_abort_on_table_walk(void **state)
{
	(void)state;
	check("aarch64-4K-48", 0xffff000000001000ull, 1, 0x15);	/* L0 entry -> L1 read */
	check("aarch64-4K-39", 0x1000, 2, 0x16);			/* start L1 -> L2 read */
	check("aarch64-4K-52", 0xfff0000000001000ull, 0, 0x14);	/* L-1 entry -> L0 read */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(external_abort_on_table_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
