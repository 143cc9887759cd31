/* SPDX-License-Identifier: MIT */
/* Shared test helpers: seeded randomness and machine fixtures. */
#ifndef PTK_TEST_H
#define PTK_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ptkit/ptkit.h>

/* splitmix64: small, fast, and reproducible from one 64-bit seed. */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static inline int rng_chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

/* The seed for a randomized test: PTK_SEED unset -> the fixed default (CI),
 * PTK_SEED=random -> from the clock, else the number given.  Printed. */
uint64_t ptk_test_seed(const char *test, uint64_t fixed_default);
/* A count scaled by PTK_SCALE (default 1), for longer local runs. */
uint64_t ptk_test_scale(uint64_t n);

/* A file under the source tree (PTK_SOURCE_DIR), NUL-terminated, malloc'd;
 * fails the test if it cannot be read. */
char *ptk_test_read_source_file(const char *rel);

/* A machine of the given format with the given RAM ranges; asserts on failure. */
struct ptk_machine *ptk_test_machine(const char *format, const struct ptk_phys_range *ram,
				     size_t nr_ram, unsigned pa_bits);

/* Ask the full rules the question the fast path answered (req must not
 * update A/D bits) and fail the test unless every field agrees. */
void ptk_test_check_fast_path(struct ptk_machine *m, const struct ptk_pgtable *pt,
			      const struct ptk_walk_req *req, const struct ptk_walk_result *fast);

/* A walk that updates nothing, checked against the full rules
 * (ptk_test_check_fast_path); ptk_translate's return. */
int ptk_test_walk(struct ptk_machine *m, const struct ptk_pgtable *pt, uint64_t va,
		  enum ptk_access acc, bool user, struct ptk_walk_result *res);

/* A 32-bit word of simulated RAM (ARM's short descriptors), read or
 * written; fails the test if the address is not RAM. */
uint32_t ptk_test_rd32(struct ptk_machine *m, uint64_t pa);
void ptk_test_wr32(struct ptk_machine *m, uint64_t pa, uint32_t v);

/* The two VA regions a format's trees map: each root's (a root's ends where
 * the next root's begins, as ARMv7 LPAE's TTBR0 at 0xC0000000), or the two
 * canonical halves of a single root (x86). */
void ptk_test_regions(const struct ptk_format *f, uint64_t base[2], uint64_t size[2]);

/* Invariants of a tree: every table's live count equals its non-zero
 * entries, the tree's table count equals the tables reachable from its
 * roots.  Returns the number of reachable table pages; fails the test on a
 * violation. */
uint64_t ptk_test_check_tree(const struct ptk_pgtable *pt);
#endif
