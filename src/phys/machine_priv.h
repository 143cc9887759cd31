/* SPDX-License-Identifier: MIT */
/* The machine context, seen from inside the library. */
#ifndef PTK_PHYS_MACHINE_PRIV_H
#define PTK_PHYS_MACHINE_PRIV_H

#include <ptkit/machine.h>
#include "phys/store.h"
#include "phys/frame_memblock.h"

struct ptk_pgtable;

/* What the walker (mmu/walk.c) remembers between translations. */
struct ptk_walk_cache {
	uint64_t chunk, bias;		/* backed chunk the tables were last in, host - PA */
	/* Per half of the plan (lo, hi): root tables starting less than
	 * root_room bytes into the chunk lie in it whole (0 until a chunk is
	 * entered); the half's root and its first level. */
	uint64_t root_room[2];
	const struct ptk_walk_level *first[2];	/* = &plan.lv[start] */
	uint8_t root[2], start[2];
	uint8_t entry_shift;		/* the format's, at hand */
	bool memo;			/* the plan's attr_* bits key leaf_attrs() */
};

struct ptk_machine {
	const struct ptk_format *fmt;	/* = &fmt_copy */
	struct ptk_format fmt_copy;	/* built formats need not outlive the config */
	struct ptk_phys *phys;
	struct ptk_cpu cpu;
	struct ptk_error err;

	/* The walker's fast path for the current control state. */
	struct ptk_walk_plan plan;
	bool plan_valid;
	bool fast_walk;			/* the format has a plan, 4- or 8-byte entries */
	struct ptk_walk_cache walk;

	const struct ptk_frame_ops *frame_ops;
	void *frame_ctx;
	struct frame_memblock boot;	/* default allocator until the buddy one */
	struct ptk_mm_model *mm;	/* NULL until a memory model is chosen */
	struct ptk_buddy *buddy;	/* NULL until memblock_free_all() */
	struct ptk_phys_range *reserved; /* sorted by base */
	size_t nr_reserved;
	uint64_t frames_in_use;
	uint64_t alloc_calls;
	uint64_t fail_at;		/* alloc_calls value that fails; 0 = never */

	/* Trees of this machine, owned by the pgtable layer, which installs
	 * the release hook so that this layer never calls up into it. */
	struct ptk_pgtable *pgtables;
	void (*release_pgtables)(struct ptk_machine *m);
};

#endif
