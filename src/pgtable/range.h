/* SPDX-License-Identifier: MIT */
/*
 * Range operations (map, unmap, protect) share one recursive walker that
 * runs twice: a planning pass that decides per entry what to do and counts
 * the table pages it will need, then, once those are allocated, an acting
 * pass that does it.  Nothing is written before everything is secured, so
 * an operation either completes or leaves the tree as it was.
 */
#ifndef PTK_PGTABLE_RANGE_H
#define PTK_PGTABLE_RANGE_H

#include "pgtable/pgtable_priv.h"

enum range_op { RANGE_MAP, RANGE_UNMAP, RANGE_PROTECT };

/* What to do with one entry: the decision, testable on its own. */
enum range_action {
	RA_SKIP,		/* nothing to do here (a hole under unmap) */
	RA_LEAF,		/* write a leaf (map) */
	RA_NEW_TABLE,		/* allocate a table, link it, descend (map) */
	RA_DESCEND,		/* descend into the existing table */
	RA_SPLIT,		/* replace a huge leaf by a table of smaller leaves */
	RA_CLEAR,		/* clear a leaf the range covers whole (unmap) */
	RA_REPROTECT,		/* rewrite a leaf the range covers whole (protect) */
	RA_CONFLICT,		/* map over an existing mapping */
	RA_HOLE,		/* protect over a hole */
};

struct range_ctx {
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	enum range_op op;
	uint64_t va0, pa0;	/* map: the PA of va is pa0 + (va - va0) */
	struct ptk_prot prot;
	uint64_t page_size;	/* map: 0 = largest that fits */
	bool planning;
	size_t need;		/* planning: table pages the act pass will take */
	uint64_t *pool;		/* acting: the pre-allocated table pages */
	size_t pool_used;
	bool diverged;		/* the act pass met what planning did not */
	uint64_t fail_va;	/* where planning found a conflict or hole */
};

enum range_action range_decide(const struct range_ctx *c, unsigned lvl,
			       const struct ptk_desc *d, uint64_t va, uint64_t last);

/* Run a prepared context over [va, va + size) of root r: plan, allocate, act. */
int range_run(struct range_ctx *c, unsigned r, uint64_t va, uint64_t size);

#endif
