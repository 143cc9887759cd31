// SPDX-License-Identifier: MIT
/*
 * The buddy allocator against a deliberately simple model: a host bitmap
 * of the frames handed out.  Long random sequences of allocations and
 * frees of mixed orders and GFP flags on qemu-pc (holes below 1 MiB and
 * between 3 and 4 GiB, three populated zones), with waves of memory
 * pressure down to the watermarks.  No frame is handed out twice, every
 * block is aligned, RAM and in a zone the GFP flags allow; free counts are
 * conserved; ptk_buddy_check() passes periodically; bad frees change
 * nothing; when everything is freed and drained, buddyinfo is back to
 * where it started.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptk_test.h"
#include "ptk_test_buddy.h"

#define MiB		(1ull << 20)
#define GiB		(1ull << 30)
#define PC_RAM		(3584 * MiB)	/* 3 GiB below 4 GiB, 512 MiB above */
#define DMA_END_PFN	0x1000ull
#define DMA32_END_PFN	0x100000ull
#define NR_OPS		2000000ull
#define NR_OPS_MOVABLE	200000ull
#define CHECK_EVERY	100000ull
#define FILL_PERCENT	80	/* allocations' share of ops while filling */
#define DRAIN_PERCENT	25	/* ... while draining */
#define DRAIN_TO	4	/* drain until live pages are managed / DRAIN_TO */
#define BAD_FREE_PERCENT 1

struct block {
	uint64_t pfn;
	unsigned int order;
};

struct ref {
	struct ptk_test_mem t;
	struct rng rng;
	uint8_t *used;		/* one byte per pfn up to max_pfn */
	uint64_t max_pfn;
	struct block *live;
	size_t nr_live, cap;
	uint64_t live_pages, total_pages;
	bool filling;
	uint64_t allocs, frees, failures, bad_frees;
};

struct gfp_choice {
	uint32_t gfp;
	uint64_t zone_end;	/* pfns must be below (highest allowed zone's end) */
	unsigned int max_order;
};

static const struct gfp_choice mixed[] = {
	{ PTK_GFP_KERNEL, UINT64_MAX, 10 },
	{ PTK_GFP_HIGHUSER_MOVABLE, UINT64_MAX, 10 },
	{ PTK_GFP_USER, UINT64_MAX, 10 },
	{ PTK_GFP_KERNEL | PTK___GFP_RECLAIMABLE, UINT64_MAX, 10 },
	{ PTK_GFP_KERNEL | PTK___GFP_ZERO, UINT64_MAX, 2 },
	{ PTK_GFP_NOWAIT, UINT64_MAX, 10 },
	{ PTK_GFP_ATOMIC, UINT64_MAX, 0 },	/* high-order atomics: test_buddy */
	{ PTK_GFP_KERNEL | PTK___GFP_DMA, DMA_END_PFN, 3 },
	{ PTK_GFP_KERNEL | PTK_GFP_DMA32, DMA32_END_PFN, 10 },
	{ PTK_GFP_PGTABLE_KERNEL, UINT64_MAX, 1 },
};

static const struct gfp_choice movable_only[] = {
	{ PTK_GFP_HIGHUSER_MOVABLE, UINT64_MAX, 10 },
	{ PTK_GFP_USER | PTK___GFP_MOVABLE, UINT64_MAX, 10 },
	{ PTK_GFP_KERNEL | PTK_GFP_DMA32 | PTK___GFP_MOVABLE, DMA32_END_PFN, 10 },
};

static unsigned int random_order(struct rng *r, unsigned int max)
{
	uint64_t x = rng_below(r, 100);
	unsigned int o = x < 60 ? 0 : x < 85 ? 1 + (unsigned int)rng_below(r, 3) :
			 x < 96 ? 4 + (unsigned int)rng_below(r, 5) : 9 + (unsigned int)rng_below(r, 2);

	return o > max ? max : o;
}

static void ref_init(struct ref *f, uint64_t seed)
{
	struct ptk_mm_params p;
	struct ptk_buddy_stats st;

	memset(f, 0, sizeof(*f));
	ptk_mm_params_x86_64(&p, PTK_MM_SPARSEMEM_VMEMMAP, false);
	ptk_test_mem_preset(&f->t, "qemu-pc", PC_RAM, &p);
	f->rng.s = seed;
	f->max_pfn = (4 * GiB + PC_RAM - 3 * GiB) >> PTK_PAGE_SHIFT;
	f->used = calloc(f->max_pfn, 1);
	assert_non_null(f->used);
	ptk_buddy_stats(f->t.b, &st);
	f->total_pages = st.totalram_pages;
	f->filling = true;
}

static void ref_fini(struct ref *f)
{
	free(f->used);
	free(f->live);
	ptk_test_mem_destroy(&f->t);
}

static void record_alloc(struct ref *f, const struct gfp_choice *c, uint64_t pfn,
			 unsigned int order)
{
	uint64_t n = 1ull << order;

	if (pfn & (n - 1))
		fail_msg("pfn %#" PRIx64 " not aligned to order %u", pfn, order);
	if (pfn + n > c->zone_end || pfn + n > f->max_pfn)
		fail_msg("pfn %#" PRIx64 " order %u outside the zones gfp %#x allows", pfn, order,
			 c->gfp);
	if (!ptk_phys_is_ram(f->t.ph, pfn << PTK_PAGE_SHIFT, n << PTK_PAGE_SHIFT))
		fail_msg("pfn %#" PRIx64 " order %u is not all RAM", pfn, order);
	for (uint64_t i = 0; i < n; i++) {
		if (f->used[pfn + i])
			fail_msg("pfn %#" PRIx64 " handed out twice (block %#" PRIx64 " order %u)",
				 pfn + i, pfn, order);
		f->used[pfn + i] = 1;
	}
	if (f->nr_live == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 4096;
		f->live = realloc(f->live, f->cap * sizeof(*f->live));
		assert_non_null(f->live);
	}
	f->live[f->nr_live++] = (struct block){ pfn, order };
	f->live_pages += n;
	f->allocs++;
}

static void do_alloc(struct ref *f, const struct gfp_choice *set, size_t nset)
{
	const struct gfp_choice *c = &set[rng_below(&f->rng, nset)];
	unsigned int order = random_order(&f->rng, c->max_order);
	uint64_t pfn;
	int rc = ptk_alloc_pages(f->t.b, c->gfp, order, &pfn);

	if (rc == -ENOMEM) {
		f->failures++;
		f->filling = false;	/* pressure reached: drain for a while */
		return;
	}
	if (rc)
		fail_msg("alloc gfp %#x order %u: %d %s", c->gfp, order, rc,
			 ptk_buddy_error(f->t.b)->msg);
	record_alloc(f, c, pfn, order);
}

static void do_free(struct ref *f)
{
	size_t i = (size_t)rng_below(&f->rng, f->nr_live);
	struct block blk = f->live[i];
	int rc = ptk_free_pages(f->t.b, blk.pfn, blk.order);

	if (rc)
		fail_msg("free pfn %#" PRIx64 " order %u: %s", blk.pfn, blk.order,
			 ptk_buddy_error(f->t.b)->msg);
	memset(&f->used[blk.pfn], 0, (size_t)1 << blk.order);
	f->live[i] = f->live[--f->nr_live];
	f->live_pages -= 1ull << blk.order;
	f->frees++;
	if (f->live_pages < f->total_pages / DRAIN_TO)
		f->filling = true;
}

/* A free that must be refused: a wrong order of a live block, a page
 * inside one, or a pfn nobody holds.  Nothing may change. */
static void do_bad_free(struct ref *f)
{
	struct ptk_buddy_stats before, after;
	uint64_t pfn = rng_below(&f->rng, f->max_pfn);
	unsigned int order = (unsigned int)rng_below(&f->rng, PTK_MAX_ORDER);

	if (f->nr_live && rng_chance(&f->rng, 50)) {
		struct block blk = f->live[rng_below(&f->rng, f->nr_live)];

		pfn = blk.pfn + (blk.order ? rng_below(&f->rng, 1ull << blk.order) : 0);
		order = pfn == blk.pfn ? (blk.order + 1) % PTK_MAX_ORDER : 0;
	} else if (f->used[pfn]) {
		return;		/* may be a live head: not a bad free */
	}
	ptk_buddy_stats(f->t.b, &before);
	assert_int_equal(ptk_free_pages(f->t.b, pfn, order), -EINVAL);
	ptk_buddy_stats(f->t.b, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	f->bad_frees++;
}

/* Conservation: managed = buddy free + pcp + allocated, allocated = model. */
static void check_counts(struct ref *f)
{
	struct ptk_buddy_stats st;
	uint64_t pcp = 0;

	ptk_buddy_stats(f->t.b, &st);
	for (unsigned int z = 0; z < ptk_buddy_nr_zones(f->t.b); z++) {
		struct ptk_zone_info zi;

		assert_int_equal(ptk_buddy_zone_info(f->t.b, z, &zi), 0);
		pcp += zi.pcp_count;
	}
	assert_int_equal(st.nr_allocated_pages, f->live_pages);
	assert_int_equal(st.nr_free_pages + pcp + st.nr_allocated_pages, st.totalram_pages);
	assert_int_equal(st.totalram_pages, f->total_pages);
	ptk_test_buddy_check(f->t.b);
}

static void run(struct ref *f, const struct gfp_choice *set, size_t nset, uint64_t ops,
		bool bad)
{
	for (uint64_t i = 1; i <= ops; i++) {
		unsigned int share = f->filling ? FILL_PERCENT : DRAIN_PERCENT;

		if (bad && rng_chance(&f->rng, BAD_FREE_PERCENT))
			do_bad_free(f);
		else if (!f->nr_live || rng_chance(&f->rng, share))
			do_alloc(f, set, nset);
		else
			do_free(f);
		if (i % CHECK_EVERY == 0)
			check_counts(f);
	}
	while (f->nr_live)
		do_free(f);
	ptk_drain_all_pages(f->t.b);
	check_counts(f);
}

static void snapshot(const struct ptk_buddy *b, struct ptk_zone_info *zi)
{
	for (unsigned int z = 0; z < ptk_buddy_nr_zones(b); z++)
		assert_int_equal(ptk_buddy_zone_info(b, z, &zi[z]), 0);
}

/* Mixed GFP flags: pageblocks change hands (fallback stealing), so only
 * the per-order counts come back; every pageblock is of a pcp type. */
static void mixed_gfp(void **state)
{
	struct ref f;
	struct ptk_zone_info before[PTK_MM_MAX_ZONES], after[PTK_MM_MAX_ZONES];
	uint64_t ops = ptk_test_scale(NR_OPS);

	(void)state;
	ref_init(&f, ptk_test_seed("buddy_refmodel_mixed", 0xb0dd1e5eedull));
	snapshot(f.t.b, before);
	run(&f, mixed, sizeof(mixed) / sizeof(mixed[0]), ops, true);
	snapshot(f.t.b, after);
	for (unsigned int z = 0; z < ptk_buddy_nr_zones(f.t.b); z++) {
		assert_memory_equal(after[z].nr_free, before[z].nr_free, sizeof(before[z].nr_free));
		assert_int_equal(after[z].nr_free_pages, before[z].nr_free_pages);
		assert_int_equal(after[z].nr_blocks[PTK_MIGRATE_HIGHATOMIC], 0);
		assert_int_equal(after[z].nr_blocks[PTK_MIGRATE_ISOLATE], 0);
	}
	printf("mixed: %" PRIu64 " allocs, %" PRIu64 " frees, %" PRIu64 " -ENOMEM, %" PRIu64
	       " bad frees refused\n", f.allocs, f.frees, f.failures, f.bad_frees);
	assert_true(f.failures > 0);	/* the watermarks were reached */
	ref_fini(&f);
}

/* Movable requests only: no pageblock changes type, so every list of
 * every order is back exactly where it started. */
static void movable_gfp(void **state)
{
	struct ref f;
	struct ptk_zone_info before[PTK_MM_MAX_ZONES], after[PTK_MM_MAX_ZONES];

	(void)state;
	ref_init(&f, ptk_test_seed("buddy_refmodel_movable", 0x5eedb0dd1eull));
	snapshot(f.t.b, before);
	run(&f, movable_only, sizeof(movable_only) / sizeof(movable_only[0]),
	    ptk_test_scale(NR_OPS_MOVABLE), false);
	snapshot(f.t.b, after);
	for (unsigned int z = 0; z < ptk_buddy_nr_zones(f.t.b); z++) {
		assert_memory_equal(after[z].nr_free_mt, before[z].nr_free_mt,
				    sizeof(before[z].nr_free_mt));
		assert_memory_equal(after[z].nr_blocks, before[z].nr_blocks,
				    sizeof(before[z].nr_blocks));
	}
	ref_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mixed_gfp),
		cmocka_unit_test(movable_gfp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
