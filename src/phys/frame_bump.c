// SPDX-License-Identifier: MIT
/* The default page-frame allocator; see frame_bump.h. */
#include <stdlib.h>

#include <ptkit/machine.h>
#include "phys/frame_bump.h"

void frame_bump_init(struct frame_bump *b, const struct ptk_phys *phys,
		     const struct ptk_phys_range *reserved, size_t nr_reserved)
{
	size_t n = ptk_phys_nr_ranges(phys);
	struct ptk_phys_range r = ptk_phys_range_at(phys, n - 1);

	*b = (struct frame_bump){ .phys = phys, .reserved = reserved,
				  .nr_reserved = nr_reserved, .range = n - 1,
				  .top = r.base + r.size };
}

/* The highest reserved range that [pa, pa + bytes) touches, or NULL. */
static const struct ptk_phys_range *reserved_hit(const struct frame_bump *b, uint64_t pa,
						 uint64_t bytes)
{
	for (size_t i = b->nr_reserved; i-- > 0;) {
		const struct ptk_phys_range *r = &b->reserved[i];

		if (r->base < pa + bytes && pa < r->base + r->size)
			return r;
	}
	return NULL;
}

void frame_bump_release(struct frame_bump *b)
{
	free(b->freed);
	b->freed = NULL;
	b->nr_freed = b->cap_freed = 0;
}

uint64_t frame_bump_mark(const struct frame_bump *b)
{
	return b->top;
}

/* Resume carving below mark: the range holding it, or the last one under it. */
void frame_bump_set_mark(struct frame_bump *b, uint64_t mark)
{
	for (size_t i = ptk_phys_nr_ranges(b->phys); i-- > 0;) {
		struct ptk_phys_range r = ptk_phys_range_at(b->phys, i);

		if (r.base < mark || i == 0) {
			b->range = i;
			b->top = mark < r.base + r.size ? (mark > r.base ? mark : r.base)
							: r.base + r.size;
			b->nr_freed = 0;
			return;
		}
	}
}

/* Carve 2^order frames, naturally aligned, moving down through the ranges. */
static int bump_carve(struct frame_bump *b, unsigned order, uint64_t *pa)
{
	uint64_t bytes = PTK_PAGE_SIZE << order;

	for (;;) {
		struct ptk_phys_range r = ptk_phys_range_at(b->phys, b->range);
		uint64_t cand = (b->top - bytes) & ~(bytes - 1);
		const struct ptk_phys_range *hit;

		if (b->top >= r.base + bytes && cand >= r.base) {
			/* Step below a reservation, as memblock's top-down
			 * search steps from one free range to the next. */
			hit = reserved_hit(b, cand, bytes);
			if (hit) {
				b->top = hit->base;
				continue;
			}
			*pa = cand;
			b->top = cand;
			return 0;
		}
		if (b->range == 0)
			return -ENOMEM;
		b->range--;
		r = ptk_phys_range_at(b->phys, b->range);
		b->top = r.base + r.size;
	}
}

static int bump_alloc(void *ctx, unsigned order, uint64_t *pa)
{
	struct frame_bump *b = ctx;

	if (order == 0 && b->nr_freed) {
		*pa = b->freed[--b->nr_freed];
		return 0;
	}
	return bump_carve(b, order, pa);
}

static void bump_free(void *ctx, uint64_t pa, unsigned order)
{
	struct frame_bump *b = ctx;
	size_t n = (size_t)1 << order;

	if (b->nr_freed + n > b->cap_freed) {
		size_t cap = (b->cap_freed + n) * 2;
		uint64_t *p = realloc(b->freed, cap * sizeof(*p));

		if (!p)
			return;	/* the frames leak from the pool, not from accounting */
		b->freed = p;
		b->cap_freed = cap;
	}
	for (size_t i = 0; i < n; i++)
		b->freed[b->nr_freed++] = pa + i * PTK_PAGE_SIZE;
}

const struct ptk_frame_ops frame_bump_ops = {
	.alloc = bump_alloc,
	.free = bump_free,
};
