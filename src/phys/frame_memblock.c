// SPDX-License-Identifier: MIT
/* The default page-frame allocator; see frame_memblock.h. */
#include <ptkit/error.h>
#include <ptkit/machine.h>
#include "phys/frame_memblock.h"

/* memblock_reserve() the part of a reservation that lies in RAM. */
static int reserve_in_ram(struct frame_memblock *fm, const struct ptk_phys *phys,
			  const struct ptk_phys_range *res)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < ptk_phys_nr_ranges(phys); i++) {
		struct ptk_phys_range r = ptk_phys_range_at(phys, i);
		uint64_t lo = r.base > res->base ? r.base : res->base;
		uint64_t r_end = r.base + r.size, res_end = res->base + res->size;
		uint64_t hi = r_end < res_end ? r_end : res_end;

		if (lo < hi)
			rc = ptk_memblock_reserve(fm->mb, lo, hi - lo);
	}
	return rc;
}

/*
 * memblock_add() each RAM range, as e820__memblock_setup() adds the usable
 * entries; reservations inside RAM are memblock_reserve()d, while those
 * outside it (e820's reserved holes) stay out of memblock, as the kernel
 * leaves them out.
 */
static int frame_memblock_fill(struct frame_memblock *fm, const struct ptk_phys *phys,
			       const struct ptk_phys_range *reserved, size_t nr_reserved,
			       const struct ptk_phys_range *mb_reserved, size_t nr_mb_reserved)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < ptk_phys_nr_ranges(phys); i++) {
		struct ptk_phys_range r = ptk_phys_range_at(phys, i);

		rc = ptk_memblock_add(fm->mb, r.base, r.size);
	}
	for (size_t i = 0; !rc && i < nr_reserved; i++)
		rc = reserve_in_ram(fm, phys, &reserved[i]);
	for (size_t i = 0; !rc && i < nr_mb_reserved; i++)
		rc = ptk_memblock_reserve(fm->mb, mb_reserved[i].base, mb_reserved[i].size);
	return rc;
}

int frame_memblock_init(struct frame_memblock *fm, const struct ptk_phys *phys,
			const struct ptk_phys_range *reserved, size_t nr_reserved,
			const struct ptk_phys_range *mb_reserved, size_t nr_mb_reserved,
			struct ptk_error *err)
{
	int rc = ptk_memblock_create(&fm->mb, err);

	if (rc)
		return rc;
	rc = frame_memblock_fill(fm, phys, reserved, nr_reserved, mb_reserved, nr_mb_reserved);
	if (rc) {
		*err = *ptk_memblock_error(fm->mb);
		ptk_memblock_destroy(fm->mb);
		fm->mb = NULL;
		return rc;
	}
	fm->mark = ptk_memblock_end_of_DRAM(fm->mb);
	return 0;
}

void frame_memblock_release(struct frame_memblock *fm)
{
	ptk_memblock_destroy(fm->mb);
	fm->mb = NULL;
}

uint64_t frame_memblock_mark(const struct frame_memblock *fm)
{
	return fm->mark;
}

int frame_memblock_set_mark(struct frame_memblock *fm, uint64_t mark)
{
	uint64_t end = ptk_memblock_end_of_DRAM(fm->mb);
	int rc = 0;

	if (mark < end)
		rc = ptk_memblock_reserve(fm->mb, mark, end - mark);
	if (!rc && mark < fm->mark)
		fm->mark = mark;
	return rc;
}

/* Top-down and naturally aligned, as memblock_alloc() places the kernel's
 * early page tables. */
static int memblock_frames_alloc(void *ctx, unsigned order, uint64_t *pa)
{
	struct frame_memblock *fm = ctx;
	uint64_t bytes = PTK_PAGE_SIZE << order;
	int rc = ptk_memblock_phys_alloc_range(fm->mb, bytes, bytes, 0,
					       PTK_MEMBLOCK_ALLOC_ANYWHERE, pa);

	if (!rc && *pa < fm->mark)
		fm->mark = *pa;
	return rc;
}

/* A free that cannot grow memblock's arrays leaves the frames reserved:
 * they leak from the pool, not from the accounting. */
static void memblock_frames_free(void *ctx, uint64_t pa, unsigned order)
{
	struct frame_memblock *fm = ctx;

	(void)ptk_memblock_free(fm->mb, pa, PTK_PAGE_SIZE << order);
}

const struct ptk_frame_ops frame_memblock_ops = {
	.alloc = memblock_frames_alloc,
	.free = memblock_frames_free,
};
