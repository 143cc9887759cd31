/* SPDX-License-Identifier: MIT */
/* Test fixture: simulated RAM, memblock, a memory model and the buddy
 * allocator over them, without a machine. */
#ifndef PTK_TEST_BUDDY_H
#define PTK_TEST_BUDDY_H

#include <ptkit/ptkit.h>

struct ptk_test_mem {
	struct ptk_phys *ph;
	struct ptk_memblock *mb;
	struct ptk_mm_model *mm;
	struct ptk_buddy *b;
};

/* RAM ranges (memblock_add), reservations memblock_reserve()d where they
 * are RAM, the model p, then ptk_buddy_create(); fails the test on error. */
void ptk_test_mem_create(struct ptk_test_mem *t, const struct ptk_phys_range *ram, size_t nr_ram,
			 const struct ptk_phys_range *res, size_t nr_res,
			 const struct ptk_mm_params *p);
/* The same from a memory-map preset ("qemu-pc", ram bytes or 0). */
void ptk_test_mem_preset(struct ptk_test_mem *t, const char *preset, uint64_t ram,
			 const struct ptk_mm_params *p);
void ptk_test_mem_destroy(struct ptk_test_mem *t);
/* ptk_buddy_check() or fail the test with its message. */
void ptk_test_buddy_check(struct ptk_buddy *b);

#endif
