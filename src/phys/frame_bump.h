/* SPDX-License-Identifier: MIT */
/*
 * The default page-frame allocator: frames handed out top-down from the
 * highest RAM range (as memblock allocates by default), freed order-0 frames
 * recycled first.  Simple on purpose; the buddy allocator replaces it behind
 * struct ptk_frame_ops.
 */
#ifndef PTK_PHYS_FRAME_BUMP_H
#define PTK_PHYS_FRAME_BUMP_H

#include <stddef.h>
#include <stdint.h>

struct ptk_phys;
struct ptk_frame_ops;

struct frame_bump {
	const struct ptk_phys *phys;
	const struct ptk_phys_range *reserved;	/* sorted by base; never handed out */
	size_t nr_reserved;
	size_t range;		/* index of the range being carved */
	uint64_t top;		/* frames below this address are still free */
	uint64_t *freed;	/* recycled order-0 frames */
	size_t nr_freed, cap_freed;
};

void frame_bump_init(struct frame_bump *b, const struct ptk_phys *phys,
		     const struct ptk_phys_range *reserved, size_t nr_reserved);
void frame_bump_release(struct frame_bump *b);
/* Frames from the mark up (in RAM) have been handed out at some point. */
uint64_t frame_bump_mark(const struct frame_bump *b);
void frame_bump_set_mark(struct frame_bump *b, uint64_t mark);
extern const struct ptk_frame_ops frame_bump_ops;

#endif
