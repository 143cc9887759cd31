/* SPDX-License-Identifier: MIT */
/*
 * The default page-frame allocator: memblock, as the kernel allocates its
 * own page tables before the buddy allocator exists.  memblock.memory is
 * the machine's RAM, memblock.reserved its reserved ranges plus every frame
 * handed out, so a memblock dump shows the boot allocator's real state.
 * The buddy allocator replaces it behind struct ptk_frame_ops.
 */
#ifndef PTK_PHYS_FRAME_MEMBLOCK_H
#define PTK_PHYS_FRAME_MEMBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include <ptkit/memblock.h>
#include <ptkit/phys.h>

struct ptk_frame_ops;
struct ptk_error;

struct frame_memblock {
	struct ptk_memblock *mb;
	uint64_t mark;		/* lowest frame ever handed out (or end of RAM) */
};

int frame_memblock_init(struct frame_memblock *fm, const struct ptk_phys *phys,
			const struct ptk_phys_range *reserved, size_t nr_reserved,
			const struct ptk_phys_range *mb_reserved, size_t nr_mb_reserved,
			struct ptk_error *err);
void frame_memblock_release(struct frame_memblock *fm);
/* Frames from the mark up (in RAM) may be in use. */
uint64_t frame_memblock_mark(const struct frame_memblock *fm);
/* Treat everything from mark up as in use (a loaded image's tables). */
int frame_memblock_set_mark(struct frame_memblock *fm, uint64_t mark);
extern const struct ptk_frame_ops frame_memblock_ops;

#endif
