// SPDX-License-Identifier: MIT
/* The buddy allocator fixture; see ptk_test_buddy.h. */
#include <stdlib.h>
#include <string.h>

#include "ptk_test.h"
#include "ptk_test_buddy.h"

#define MAX_RANGES 16

static void must(int rc, const struct ptk_error *err)
{
	if (rc)
		fail_msg("fixture: %s", err->msg);
}

/* The part of a reservation inside RAM, as the machine reserves it. */
static void reserve_in_ram(struct ptk_test_mem *t, const struct ptk_phys_range *ram,
			   size_t nr_ram, const struct ptk_phys_range *r)
{
	for (size_t i = 0; i < nr_ram; i++) {
		uint64_t lo = ram[i].base > r->base ? ram[i].base : r->base;
		uint64_t hi = ram[i].base + ram[i].size < r->base + r->size ?
			      ram[i].base + ram[i].size : r->base + r->size;

		if (lo < hi)
			assert_int_equal(ptk_memblock_reserve(t->mb, lo, hi - lo), 0);
	}
}

void ptk_test_mem_create(struct ptk_test_mem *t, const struct ptk_phys_range *ram, size_t nr_ram,
			 const struct ptk_phys_range *res, size_t nr_res,
			 const struct ptk_mm_params *p)
{
	struct ptk_error err = { 0 };

	memset(t, 0, sizeof(*t));
	must(ptk_phys_create(&t->ph, 52, ram, nr_ram, &err), &err);
	must(ptk_memblock_create(&t->mb, &err), &err);
	for (size_t i = 0; i < nr_ram; i++)
		assert_int_equal(ptk_memblock_add(t->mb, ram[i].base, ram[i].size), 0);
	for (size_t i = 0; i < nr_res; i++)
		reserve_in_ram(t, ram, nr_ram, &res[i]);
	must(ptk_mm_create(&t->mm, p, t->mb, t->ph, &err), &err);
	must(ptk_buddy_create(&t->b, t->mm, t->mb, t->ph, &err), &err);
}

void ptk_test_mem_preset(struct ptk_test_mem *t, const char *preset, uint64_t ram,
			 const struct ptk_mm_params *p)
{
	struct ptk_phys_range r[MAX_RANGES], res[MAX_RANGES];
	struct ptk_error err = { 0 };
	struct ptk_memmap map;
	size_t nr, nres;

	ptk_memmap_init(&map);
	must(ptk_memmap_preset(&map, preset, ram, &err), &err);
	nr = ptk_memmap_ram_ranges(&map, r, MAX_RANGES);
	nres = ptk_memmap_phys_ranges(&map, PTK_MEMMAP_RESERVED, res, MAX_RANGES);
	ptk_memmap_free(&map);
	ptk_test_mem_create(t, r, nr, res, nres, p);
}

void ptk_test_mem_destroy(struct ptk_test_mem *t)
{
	ptk_buddy_destroy(t->b);
	ptk_mm_destroy(t->mm);
	ptk_memblock_destroy(t->mb);
	ptk_phys_destroy(t->ph);
}

void ptk_test_buddy_check(struct ptk_buddy *b)
{
	if (ptk_buddy_check(b))
		fail_msg("ptk_buddy_check: %s", ptk_buddy_error(b)->msg);
}
