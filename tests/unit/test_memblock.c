// SPDX-License-Identifier: MIT
/* phys/memblock: regions, allocation, iteration, free_all, dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptk_test.h"

#define PAGE		PTK_PAGE_SIZE
#define NO_NODE		PTK_MEMBLOCK_NO_NODE
#define MEM		PTK_MEMBLOCK_MEMORY
#define RSV		PTK_MEMBLOCK_RESERVED

static struct ptk_memblock *make(void)
{
	struct ptk_memblock *mb = NULL;
	struct ptk_error err = { 0 };

	if (ptk_memblock_create(&mb, &err))
		fail_msg("%s", err.msg);
	return mb;
}

/* Assert that a region type holds exactly the n [base, end) pairs given. */
static void expect_regions(const struct ptk_memblock *mb, enum ptk_memblock_type type,
			   const uint64_t (*want)[2], size_t n)
{
	assert_int_equal(ptk_memblock_count(mb, type), n);
	for (size_t i = 0; i < n; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(mb, type, i);

		assert_int_equal(r.base, want[i][0]);
		assert_int_equal(r.base + r.size, want[i][1]);
	}
}

static void adds_merge_adjacent_and_overlapping(void **state)
{
	struct ptk_memblock *mb = make();
	const uint64_t apart[][2] = { { 0x1000, 0x2000 }, { 0x3000, 0x4000 } };
	const uint64_t joined[][2] = { { 0x1000, 0x5000 } };
	const uint64_t by_node[][2] = { { 0x1000, 0x5000 }, { 0x5000, 0x6000 } };

	(void)state;
	assert_int_equal(ptk_memblock_add(mb, 0x3000, 0x1000), 0);
	assert_int_equal(ptk_memblock_add(mb, 0x1000, 0x1000), 0);
	expect_regions(mb, MEM, apart, 2);
	assert_int_equal(ptk_memblock_add(mb, 0x2000, 0x1000), 0);	/* fills the hole */
	assert_int_equal(ptk_memblock_add(mb, 0x1800, 0x3800), 0);	/* overlaps all */
	expect_regions(mb, MEM, joined, 1);
	assert_int_equal(ptk_memblock_phys_mem_size(mb), 0x4000);
	/* Abutting but on another node: kept apart. */
	assert_int_equal(ptk_memblock_add_node(mb, 0x5000, 0x1000, 1, PTK_MEMBLOCK_NONE), 0);
	expect_regions(mb, MEM, by_node, 2);
	assert_int_equal(ptk_memblock_region_at(mb, MEM, 1).nid, 1);
	/* What is already there keeps its node. */
	assert_int_equal(ptk_memblock_add_node(mb, 0x1000, 0x5000, 2, PTK_MEMBLOCK_NONE), 0);
	expect_regions(mb, MEM, by_node, 2);
	assert_int_equal(ptk_memblock_region_at(mb, MEM, 0).nid, NO_NODE);
	assert_int_equal(ptk_memblock_start_of_DRAM(mb), 0x1000);
	assert_int_equal(ptk_memblock_end_of_DRAM(mb), 0x6000);
	ptk_memblock_destroy(mb);
}

static void remove_and_reserve_split_in_the_middle(void **state)
{
	struct ptk_memblock *mb = make();
	const uint64_t split[][2] = { { 0, 0x4000 }, { 0x6000, 0x10000 } };
	const uint64_t rsv[][2] = { { 0x2000, 0x3000 }, { 0x7000, 0x9000 } };
	const uint64_t freed[][2] = { { 0x2000, 0x2800 }, { 0x7000, 0x7100 },
				      { 0x8000, 0x9000 } };

	(void)state;
	assert_int_equal(ptk_memblock_add(mb, 0, 0x10000), 0);
	assert_int_equal(ptk_memblock_remove(mb, 0x4000, 0x2000), 0);
	expect_regions(mb, MEM, split, 2);
	assert_int_equal(ptk_memblock_phys_mem_size(mb), 0xe000);
	assert_int_equal(ptk_memblock_reserve(mb, 0x2000, 0x1000), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x7000, 0x2000), 0);
	expect_regions(mb, RSV, rsv, 2);
	/* memblock_phys_free() of part of a reservation, and across a gap. */
	assert_int_equal(ptk_memblock_free(mb, 0x7100, 0xf00), 0);
	assert_int_equal(ptk_memblock_free(mb, 0x2800, 0x4000), 0);
	expect_regions(mb, RSV, freed, 3);
	assert_int_equal(ptk_memblock_reserved_size(mb), 0x800 + 0x100 + 0x1000);
	/* Reserving is independent of memory, and removing memory of reserved. */
	expect_regions(mb, MEM, split, 2);
	ptk_memblock_destroy(mb);
}

static void sizes_are_capped_and_zero_is_a_noop(void **state)
{
	struct ptk_memblock *mb = make();
	const uint64_t top[][2] = { { ~0ull - 0xfff, ~0ull } };

	(void)state;
	assert_int_equal(ptk_memblock_add(mb, 0x1000, 0), 0);
	assert_int_equal(ptk_memblock_remove(mb, 0x1000, 0), 0);
	assert_int_equal(ptk_memblock_count(mb, MEM), 0);
	assert_int_equal(ptk_memblock_start_of_DRAM(mb), 0);
	assert_int_equal(ptk_memblock_end_of_DRAM(mb), 0);
	assert_int_equal(ptk_memblock_add(mb, ~0ull - 0xfff, 0x10000), 0);
	expect_regions(mb, MEM, top, 1);
	assert_int_equal(ptk_memblock_phys_mem_size(mb), 0xfff);
	assert_int_equal(ptk_memblock_remove(mb, 0, ~0ull), 0);
	assert_int_equal(ptk_memblock_count(mb, MEM), 0);
	assert_int_equal(ptk_memblock_phys_mem_size(mb), 0);
	ptk_memblock_destroy(mb);
}

static void alloc_top_down_and_bottom_up(void **state)
{
	struct ptk_memblock *mb = make();
	uint64_t pa = 0;

	(void)state;
	assert_int_equal(ptk_memblock_add(mb, 0x100000, 0x100000), 0);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, PAGE, &pa), 0);
	assert_int_equal(pa, 0x1ff000);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, PAGE, &pa), 0);
	assert_int_equal(pa, 0x1fe000);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, 0x10000, &pa), 0);
	assert_int_equal(pa, 0x1f0000);
	/* Limits: the current limit for ALLOC_ACCESSIBLE, else the end given. */
	ptk_memblock_set_current_limit(mb, 0x180000);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x800, 0x800, &pa), 0);
	assert_int_equal(pa, 0x17f800);
	assert_int_equal(ptk_memblock_phys_alloc_range(mb, 0x1000, PAGE, 0x120000,
						       PTK_MEMBLOCK_ALLOC_ANYWHERE, &pa), 0);
	assert_int_equal(pa, 0x1fd000);
	assert_int_equal(ptk_memblock_phys_alloc_range(mb, 0x1000, PAGE, 0x120000,
						       0x130000, &pa), 0);
	assert_int_equal(pa, 0x12f000);
	ptk_memblock_set_bottom_up(mb, true);
	assert_true(ptk_memblock_bottom_up(mb));
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, PAGE, &pa), 0);
	assert_int_equal(pa, 0x100000);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x100, 0x10000, &pa), 0);
	assert_int_equal(pa, 0x110000);
	assert_int_equal(ptk_memblock_phys_alloc_range(mb, 0x1000, PAGE, 0x12f000,
						       0x140000, &pa), 0);
	assert_int_equal(pa, 0x130000);
	assert_int_equal(ptk_memblock_reserved_size(mb), 0x5800 + 0x100 + 0x1000 + 0x1000);
	ptk_memblock_destroy(mb);
}

static void alloc_fails_cleanly(void **state)
{
	struct ptk_memblock *mb = make();
	struct ptk_error *err = ptk_memblock_error(mb);
	uint64_t pa = 0x1234;

	(void)state;
	/* The first page is never handed out, as in the kernel. */
	assert_int_equal(ptk_memblock_add(mb, 0, 0x4000), 0);
	ptk_memblock_set_bottom_up(mb, true);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, PAGE, &pa), 0);
	assert_int_equal(pa, 0x1000);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x3000, PAGE, &pa), -ENOMEM);
	assert_non_null(strstr(err->msg, "no free"));
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, 0, &pa), -EINVAL);
	assert_non_null(strstr(err->msg, "power of two"));
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, 0x3000, &pa), -EINVAL);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0, PAGE, &pa), -EINVAL);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x2000, PAGE, &pa), 0);
	assert_int_equal(pa, 0x2000);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 1, 1, &pa), -ENOMEM);
	assert_int_equal(pa, 0x2000);
	assert_int_equal(ptk_memblock_reserved_size(mb), 0x3000);
	ptk_memblock_destroy(mb);
}

struct ranges {
	uint64_t r[16][2];
	size_t n, stop_after;
};

static int collect_range(void *ctx, uint64_t start, uint64_t end)
{
	struct ranges *rs = ctx;

	rs->r[rs->n][0] = start;
	rs->r[rs->n][1] = end;
	return ++rs->n == rs->stop_after ? 7 : 0;
}

static void free_ranges_both_ways(void **state)
{
	struct ptk_memblock *mb = make();
	const uint64_t want[][2] = { { 0x1000, 0x2000 }, { 0x3000, 0x8000 },
				     { 0x12000, 0x20000 }, { 0x30000, 0x31000 } };
	struct ranges rs = { 0 };
	struct ptk_memblock_iter it;
	uint64_t s, e;
	size_t n = 4;

	(void)state;
	assert_int_equal(ptk_memblock_add(mb, 0x1000, 0x8000), 0);
	assert_int_equal(ptk_memblock_add(mb, 0x10000, 0x10000), 0);
	assert_int_equal(ptk_memblock_add(mb, 0x30000, 0x2000), 0);
	assert_int_equal(ptk_memblock_mark_nomap(mb, 0x31000, 0x1000), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x2000, 0x1000), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x8000, 0xa000), 0);
	assert_int_equal(ptk_memblock_for_each_free_range(mb, false, collect_range, &rs), 0);
	assert_int_equal(rs.n, 4);
	assert_memory_equal(rs.r, want, sizeof(want));
	ptk_memblock_free_iter_init(&it, mb, true);
	while (ptk_memblock_free_iter_next(&it, &s, &e)) {
		n--;
		assert_int_equal(s, want[n][0]);
		assert_int_equal(e, want[n][1]);
	}
	assert_int_equal(n, 0);
	/* A non-zero return stops the walk and is passed on. */
	rs = (struct ranges){ .stop_after = 2 };
	assert_int_equal(ptk_memblock_for_each_free_range(mb, true, collect_range, &rs), 7);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.r[1][0], 0x12000);
	/* Clearing NOMAP merges the memory back and frees the page. */
	assert_int_equal(ptk_memblock_clear_nomap(mb, 0x30000, 0x2000), 0);
	assert_int_equal(ptk_memblock_count(mb, MEM), 3);
	rs = (struct ranges){ 0 };
	ptk_memblock_for_each_free_range(mb, false, collect_range, &rs);
	assert_int_equal(rs.r[3][1], 0x32000);
	ptk_memblock_destroy(mb);
}

struct blocks {
	uint64_t pfn[64];
	unsigned int order[64];
	size_t n;
};

static void collect_block(void *ctx, uint64_t pfn, unsigned int order)
{
	struct blocks *b = ctx;

	assert_true(b->n < 64);
	assert_int_equal(pfn & ((1ull << order) - 1), 0);
	b->pfn[b->n] = pfn;
	b->order[b->n++] = order;
}

static void free_all_hands_out_aligned_orders(void **state)
{
	struct ptk_memblock *mb = make();
	struct blocks b = { 0 };
	const unsigned int orders[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10 };
	const uint64_t pfns[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3072 };

	(void)state;
	/* pfn 1 up to 4096: orders grow with alignment, capped at MAX_ORDER-1. */
	assert_int_equal(ptk_memblock_add(mb, PAGE, 4095 * PAGE), 0);
	assert_int_equal(ptk_memblock_free_all(mb, collect_block, &b), 4095);
	assert_int_equal(b.n, 13);
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(b.pfn[i], pfns[i]);
		assert_int_equal(b.order[i], orders[i]);
	}
	/* Partial pages at the edges of a free range are not handed out, and
	 * blocks shrink to fit the end; the regions stay as they were. */
	assert_int_equal(ptk_memblock_reserve(mb, PAGE, 0x800), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x6800, 4089 * PAGE), 0);
	b = (struct blocks){ 0 };
	assert_int_equal(ptk_memblock_free_all(mb, collect_block, &b), 4);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.pfn[0], 2);
	assert_int_equal(b.order[0], 1);
	assert_int_equal(b.pfn[1], 4);
	assert_int_equal(b.order[1], 1);
	assert_int_equal(ptk_memblock_count(mb, RSV), 2);
	ptk_memblock_destroy(mb);
}

static void dump_matches_the_kernel(void **state)
{
	struct ptk_memblock *mb = make();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const char *want =
		"MEMBLOCK configuration:\n"
		" memory size = 0x000000000019e000 reserved size = 0x0000000000001000\n"
		" memory.cnt  = 0x2\n"
		" memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0\n"
		" memory[0x1]\t[0x0000000000100000-0x00000000001fffff], 0x0000000000100000 bytes on node 0 flags: 0x4\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[0x0000000000001000-0x0000000000001fff], 0x0000000000001000 bytes flags: 0x0\n";

	(void)state;
	assert_non_null(f);
	assert_int_equal(ptk_memblock_add(mb, 0x1000, 0x9e000), 0);
	assert_int_equal(ptk_memblock_add_node(mb, 0x100000, 0x100000, 0,
					       PTK_MEMBLOCK_NOMAP), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x1000, 0x1000), 0);
	ptk_memblock_dump(mb, f);
	fclose(f);
	assert_string_equal(text, want);
	free(text);
	ptk_memblock_destroy(mb);
}

/* Pages of the random test's space, and at most a region for every other. */
#define REF_PAGES	1024
#define REF_MAX_REGIONS	(REF_PAGES / 2)

/* A copy of both region arrays, to show that a failed call changed nothing. */
struct snapshot {
	struct ptk_memblock_region r[2][REF_MAX_REGIONS];
	size_t n[2];
	uint64_t total[2];
};

static void take_snapshot(const struct ptk_memblock *mb, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	for (int t = MEM; t <= RSV; t++) {
		s->n[t] = ptk_memblock_count(mb, t);
		assert_true(s->n[t] <= REF_MAX_REGIONS);
		for (size_t i = 0; i < s->n[t]; i++)
			s->r[t][i] = ptk_memblock_region_at(mb, t, i);
	}
	s->total[MEM] = ptk_memblock_phys_mem_size(mb);
	s->total[RSV] = ptk_memblock_reserved_size(mb);
}

static void expect_unchanged(const struct ptk_memblock *mb, const struct snapshot *before)
{
	struct snapshot now;

	take_snapshot(mb, &now);
	assert_memory_equal(&now, before, sizeof(now));
}

typedef int (*range_op)(struct ptk_memblock *mb, uint64_t a, uint64_t b);

/* Fail the next host allocation: op must give -ENOMEM and change nothing. */
static void fail_once_changes_nothing(struct ptk_memblock *mb, range_op op, uint64_t a,
				      uint64_t b)
{
	struct snapshot before;

	take_snapshot(mb, &before);
	ptk_memblock_fail_nth_alloc(mb, 1);
	assert_int_equal(op(mb, a, b), -ENOMEM);
	expect_unchanged(mb, &before);
	ptk_memblock_fail_nth_alloc(mb, 0);
}

static int alloc_op(struct ptk_memblock *mb, uint64_t size, uint64_t align)
{
	uint64_t pa;

	return ptk_memblock_phys_alloc(mb, size, align, &pa);
}

static void injected_alloc_failures_change_nothing(void **state)
{
	struct ptk_memblock *mb = make();
	struct snapshot before;
	uint64_t pa = 0;

	(void)state;
	fail_once_changes_nothing(mb, ptk_memblock_add, 0x100000, 0x1000);
	assert_non_null(strstr(ptk_memblock_error(mb)->msg, "memblock.memory"));
	assert_int_equal(ptk_memblock_count(mb, MEM), 0);
	/* Fill the first array exactly, then fail the growth each call needs. */
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(ptk_memblock_add(mb, i * 0x10000, 0x8000), 0);
	fail_once_changes_nothing(mb, ptk_memblock_add, 0x200000, 0x1000);
	fail_once_changes_nothing(mb, ptk_memblock_add, 0x4000, 0x20000);
	fail_once_changes_nothing(mb, ptk_memblock_remove, 0x1000, 0x1000);
	fail_once_changes_nothing(mb, ptk_memblock_mark_nomap, 0x1000, 0x1000);
	fail_once_changes_nothing(mb, alloc_op, 0x1000, PAGE);
	/* Adding what is already there needs no room, so nothing can fail. */
	take_snapshot(mb, &before);
	ptk_memblock_fail_nth_alloc(mb, 1);
	assert_int_equal(ptk_memblock_add(mb, 0x1000, 0x1000), 0);
	expect_unchanged(mb, &before);
	ptk_memblock_fail_nth_alloc(mb, 0);
	assert_int_equal(ptk_memblock_phys_alloc(mb, 0x1000, PAGE, &pa), 0);
	assert_int_equal(pa, 0x77000);
	ptk_memblock_destroy(mb);
}

/*
 * The reference: one entry per page of a 4 MiB space (REF_PAGES).  Memory pages carry
 * their node (or -1 when absent) and flags; reserved is a bit.
 */
struct ref {
	int nid[REF_PAGES];
	unsigned int flags[REF_PAGES];
	bool rsv[REF_PAGES];
	uint64_t limit;		/* in pages */
};

static void ref_add(struct ref *m, uint64_t p, uint64_t n, int nid, unsigned int flags)
{
	for (uint64_t i = p; i < p + n; i++)
		if (m->nid[i] < 0) {
			m->nid[i] = nid;
			m->flags[i] = flags;
		}
}

static void ref_remove(struct ref *m, uint64_t p, uint64_t n)
{
	for (uint64_t i = p; i < p + n; i++)
		m->nid[i] = -1;
}

static void ref_set_rsv(struct ref *m, uint64_t p, uint64_t n, bool on)
{
	for (uint64_t i = p; i < p + n; i++)
		m->rsv[i] = on;
}

static void ref_setclr_nomap(struct ref *m, uint64_t p, uint64_t n, bool set)
{
	for (uint64_t i = p; i < p + n; i++)
		if (m->nid[i] >= 0)
			m->flags[i] = set ? m->flags[i] | PTK_MEMBLOCK_NOMAP
					  : m->flags[i] & ~PTK_MEMBLOCK_NOMAP;
}

static bool ref_free(const struct ref *m, uint64_t p)
{
	return m->nid[p] >= 0 && !m->rsv[p] && !(m->flags[p] & PTK_MEMBLOCK_NOMAP);
}

/* Free runs are cut where the memory region (its node) changes. */
static void ref_runs(const struct ref *m, int run[REF_PAGES])
{
	int id = -1;

	for (uint64_t p = 0; p < REF_PAGES; p++) {
		if (!ref_free(m, p)) {
			run[p] = -1;
			continue;
		}
		if (!p || run[p - 1] < 0 || m->nid[p - 1] != m->nid[p])
			id++;
		run[p] = id;
	}
}

/* The page the allocator must pick, or -1: the highest (top-down) or
 * lowest fitting aligned start inside one free run and [lo, hi). */
static int64_t ref_alloc(const struct ref *m, uint64_t n, uint64_t align, uint64_t lo,
			 uint64_t hi, bool bottom_up)
{
	int run[REF_PAGES];
	int64_t best = -1;

	ref_runs(m, run);
	lo = lo ? lo : 1;	/* the first page is never used */
	for (uint64_t c = (lo + align - 1) / align * align; c + n <= hi; c += align) {
		if (run[c] < 0 || run[c] != run[c + n - 1])
			continue;
		best = (int64_t)c;
		if (bottom_up)
			break;
	}
	return best;
}

static void check_type(const struct ptk_memblock *mb, const struct ref *m,
		       enum ptk_memblock_type type)
{
	size_t n = ptk_memblock_count(mb, type);
	uint64_t covered = 0, total = 0;
	bool seen[REF_PAGES] = { false };

	for (size_t i = 0; i < n; i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(mb, type, i);

		assert_true(r.size && !(r.base % PAGE) && !(r.size % PAGE));
		assert_true(r.base + r.size <= REF_PAGES * PAGE);
		if (i) {
			struct ptk_memblock_region q = ptk_memblock_region_at(mb, type, i - 1);

			assert_true(q.base + q.size <= r.base);
			assert_false(q.base + q.size == r.base && q.nid == r.nid &&
				     q.flags == r.flags);
		}
		for (uint64_t p = r.base / PAGE; p < (r.base + r.size) / PAGE; p++) {
			seen[p] = true;
			if (type == MEM) {
				assert_int_equal(m->nid[p], r.nid);
				assert_int_equal(m->flags[p], r.flags);
			}
		}
		total += r.size;
	}
	for (uint64_t p = 0; p < REF_PAGES; p++) {
		bool want = type == MEM ? m->nid[p] >= 0 : m->rsv[p];

		assert_int_equal(seen[p], want);
		covered += want * PAGE;
	}
	assert_int_equal(total, covered);
	assert_int_equal(type == MEM ? ptk_memblock_phys_mem_size(mb)
				     : ptk_memblock_reserved_size(mb), covered);
}

/* Free ranges, both ways, are the free runs of the reference. */
static void check_free_ranges(const struct ptk_memblock *mb, const struct ref *m)
{
	for (int reverse = 0; reverse < 2; reverse++) {
		bool seen[REF_PAGES] = { false };
		struct ptk_memblock_iter it;
		uint64_t s, e, last = reverse ? ~0ull : 0;

		ptk_memblock_free_iter_init(&it, mb, reverse);
		while (ptk_memblock_free_iter_next(&it, &s, &e)) {
			assert_true(s < e);
			assert_true(reverse ? e <= last : s >= last);
			last = reverse ? s : e;
			for (uint64_t p = s / PAGE; p < e / PAGE; p++)
				seen[p] = true;
		}
		for (uint64_t p = 0; p < REF_PAGES; p++)
			assert_int_equal(seen[p], ref_free(m, p));
	}
}

/* One random operation on both; returns the memblock's result. */
static int random_op(struct rng *r, struct ptk_memblock *mb, struct ref *m, bool *applied)
{
	uint64_t p = rng_below(r, REF_PAGES), n = 1 + rng_below(r, 64);
	unsigned int op = (unsigned int)rng_below(r, 8);
	int rc, nid = (int)rng_below(r, 3);

	if (p + n > REF_PAGES)
		n = REF_PAGES - p;
	*applied = false;
	switch (op) {
	case 0:
		rc = ptk_memblock_add(mb, p * PAGE, n * PAGE);
		if (!rc)
			ref_add(m, p, n, NO_NODE, PTK_MEMBLOCK_NONE);
		break;
	case 1:
		rc = ptk_memblock_add_node(mb, p * PAGE, n * PAGE, nid, PTK_MEMBLOCK_NONE);
		if (!rc)
			ref_add(m, p, n, nid, PTK_MEMBLOCK_NONE);
		break;
	case 2:
		rc = ptk_memblock_remove(mb, p * PAGE, n * PAGE);
		if (!rc)
			ref_remove(m, p, n);
		break;
	case 3:
		rc = ptk_memblock_reserve(mb, p * PAGE, n * PAGE);
		if (!rc)
			ref_set_rsv(m, p, n, true);
		break;
	case 4:
		rc = ptk_memblock_free(mb, p * PAGE, n * PAGE);
		if (!rc)
			ref_set_rsv(m, p, n, false);
		break;
	case 5: {
		bool set = rng_chance(r, 50);

		rc = set ? ptk_memblock_mark_nomap(mb, p * PAGE, n * PAGE)
			 : ptk_memblock_clear_nomap(mb, p * PAGE, n * PAGE);
		if (!rc)
			ref_setclr_nomap(m, p, n, set);
		break;
	}
	default: {
		uint64_t align = 1ull << rng_below(r, 5), pa = 0, lo = 0, hi = m->limit;
		uint64_t end = PTK_MEMBLOCK_ALLOC_ACCESSIBLE;
		bool bu = rng_chance(r, 50);
		int64_t want;

		n = 1 + rng_below(r, 16);
		if (rng_chance(r, 50)) {
			lo = rng_below(r, REF_PAGES);
			hi = lo + 1 + rng_below(r, REF_PAGES - lo);
			end = hi * PAGE;
		}
		ptk_memblock_set_bottom_up(mb, bu);
		want = ref_alloc(m, n, align, lo, hi, bu);
		rc = ptk_memblock_phys_alloc_range(mb, n * PAGE, align * PAGE, lo * PAGE, end,
						   &pa);
		if (want < 0)
			assert_int_equal(rc, -ENOMEM);
		if (!rc) {
			assert_int_equal(pa, (uint64_t)want * PAGE);
			ref_set_rsv(m, (uint64_t)want, n, true);
		}
		break;
	}
	}
	*applied = !rc;
	return rc;
}

/* Random operations against the page reference, with injected failures. */
static void random_ops_match_reference(void **state)
{
	struct rng r = { ptk_test_seed("memblock_random", 0x6d656d626c6f636bull) };
	uint64_t nr_ops = ptk_test_scale(20000), nr_injected = 0;
	struct ptk_memblock *mb = make();
	struct ref *m = calloc(1, sizeof(*m));
	struct snapshot *before = malloc(sizeof(*before));

	(void)state;
	assert_non_null(m);
	assert_non_null(before);
	for (uint64_t p = 0; p < REF_PAGES; p++)
		m->nid[p] = -1;
	m->limit = REF_PAGES / 2 + rng_below(&r, REF_PAGES / 2);
	ptk_memblock_set_current_limit(mb, m->limit * PAGE);
	for (uint64_t i = 0; i < nr_ops; i++) {
		bool inject = rng_chance(&r, 5), applied;
		int rc;

		take_snapshot(mb, before);
		ptk_memblock_fail_nth_alloc(mb, inject);
		rc = random_op(&r, mb, m, &applied);
		ptk_memblock_fail_nth_alloc(mb, 0);
		if (rc) {
			assert_int_equal(rc, -ENOMEM);
			expect_unchanged(mb, before);
			nr_injected += inject;
		}
		check_type(mb, m, MEM);
		check_type(mb, m, RSV);
		if (i % 16 == 0)
			check_free_ranges(mb, m);
	}
	/* Growth happens only now and then, so few injections can fire. */
	assert_true(nr_injected > 0);
	free(before);
	free(m);
	ptk_memblock_destroy(mb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(adds_merge_adjacent_and_overlapping),
		cmocka_unit_test(remove_and_reserve_split_in_the_middle),
		cmocka_unit_test(sizes_are_capped_and_zero_is_a_noop),
		cmocka_unit_test(alloc_top_down_and_bottom_up),
		cmocka_unit_test(alloc_fails_cleanly),
		cmocka_unit_test(free_ranges_both_ways),
		cmocka_unit_test(free_all_hands_out_aligned_orders),
		cmocka_unit_test(dump_matches_the_kernel),
		cmocka_unit_test(injected_alloc_failures_change_nothing),
		cmocka_unit_test(random_ops_match_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
