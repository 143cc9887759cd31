// SPDX-License-Identifier: MIT
/*
 * vmemmap_populate: after it, the MMU takes pfn_to_page(pfn) (vmemmap +
 * pfn) to the struct page's bytes in RAM, for every valid pfn, on x86-64
 * and arm64 machines with holes; with 2M pages where the arrays allow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ptkit/ptkit.h>
#include "ptk_test.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)

static void ok(int rc, struct ptk_machine *m)
{
	if (rc)
		fail_msg("%d: %s", rc, ptk_machine_errmsg(m));
}

/* Random valid pfns: each translates to where pfn_to_page's record is. */
static void check_random_pfns(struct ptk_machine *m, struct ptk_pgtable *pt, uint64_t max_pfn,
			      const char *test)
{
	struct ptk_mm_model *mm = ptk_machine_mm(m);
	struct rng r = { ptk_test_seed(test, 42) };
	unsigned checked = 0;

	for (unsigned i = 0; i < 20000; i++) {
		uint64_t pfn = rng_below(&r, max_pfn), page, pa;
		struct ptk_walk_req req = { .access = PTK_ACC_READ, .no_update = true };
		struct ptk_walk_result res;

		if (!ptk_mm_pfn_valid(mm, pfn))
			continue;
		ok(ptk_mm_pfn_to_page(mm, pfn, &page), m);
		ok(ptk_mm_pfn_to_page_pa(mm, pfn, &pa), m);
		req.va = page + (rng_below(&r, PTK_STRUCT_PAGE_SIZE) & ~7ull);
		ok(ptk_translate(m, pt, &req, &res), m);
		assert_int_equal(res.fault.kind, PTK_FAULT_NONE);
		assert_int_equal(res.pa, pa + (req.va - page));
		checked++;
	}
	assert_true(checked > 4000);	/* at least a fifth of the space is RAM */
}

static void populate_and_check(const char *format, const struct ptk_phys_range *ram, size_t nr,
			       uint64_t max_pfn, const char *test)
{
	struct ptk_machine *m = ptk_test_machine(format, ram, nr, 0);
	struct ptk_pgtable *pt;
	uint64_t bytes = 0, tables;

	ok(ptk_machine_init_memory_model(m, PTK_MM_SPARSEMEM_VMEMMAP), m);
	ok(ptk_pgd_alloc(m, "init_mm", &pt), m);
	ok(ptk_vmemmap_populate(pt, ptk_machine_mm(m), &bytes), m);
	assert_int_equal(bytes, ptk_mm_memmap_bytes(ptk_machine_mm(m)));
	check_random_pfns(m, pt, max_pfn, test);
	/* a second populate finds the region mapped and changes nothing */
	tables = ptk_test_check_tree(pt);
	assert_int_equal(ptk_vmemmap_populate(pt, ptk_machine_mm(m), NULL), -EEXIST);
	assert_int_equal(ptk_test_check_tree(pt), tables);
	ptk_machine_destroy(m);
}

static void test_x86_holes(void **state)
{
	/* QEMU's PC with 6 GiB: a PCI hole from 3 GiB to 4 GiB */
	static const struct ptk_phys_range ram[] = {
		{ 0x100000, 3 * GiB - 0x100000 }, { 4 * GiB, 3 * GiB },
	};

	(void)state;
	populate_and_check("x86_64-4level", ram, 2, (7 * GiB) >> PTK_PAGE_SHIFT, __func__);
}

static void test_arm64_ram_at_1g(void **state)
{
	static const struct ptk_phys_range ram[] = { { GiB, 2 * GiB }, { 8 * GiB, 512 * MiB } };

	(void)state;
	populate_and_check("aarch64-4K-48", ram, 2, (9 * GiB) >> PTK_PAGE_SHIFT, __func__);
}

/* With a 128 MiB section the mem_map is 2 MiB: PMD-mapped, as x86's
 * vmemmap_populate_hugepages() maps it. */
static void test_pmd_mappings(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 4 * GiB } };
	struct ptk_machine *m = ptk_test_machine("x86_64-4level", ram, 1, 0);
	struct ptk_walk_req req = { .access = PTK_ACC_READ, .no_update = true };
	struct ptk_walk_result res;
	struct ptk_pgtable *pt;
	uint64_t page;

	(void)state;
	ok(ptk_machine_init_memory_model(m, PTK_MM_SPARSEMEM_VMEMMAP), m);
	ok(ptk_pgd_alloc(m, "init_mm", &pt), m);
	ok(ptk_vmemmap_populate(pt, ptk_machine_mm(m), NULL), m);
	ok(ptk_mm_pfn_to_page(ptk_machine_mm(m), 0x12345, &page), m);
	req.va = page;
	ok(ptk_translate(m, pt, &req, &res), m);
	assert_int_equal(res.page_size, 2 * MiB);
	ptk_machine_destroy(m);
}

static void test_needs_vmemmap_model(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, GiB } };
	struct ptk_machine *m = ptk_test_machine("x86_64-4level", ram, 1, 0);
	struct ptk_pgtable *pt;

	(void)state;
	ok(ptk_machine_init_memory_model(m, PTK_MM_FLATMEM), m);
	ok(ptk_pgd_alloc(m, "init_mm", &pt), m);
	assert_int_equal(ptk_vmemmap_populate(pt, ptk_machine_mm(m), NULL), -EINVAL);
	ptk_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_holes),
		cmocka_unit_test(test_arm64_ram_at_1g),
		cmocka_unit_test(test_pmd_mappings),
		cmocka_unit_test(test_needs_vmemmap_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
