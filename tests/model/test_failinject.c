// SPDX-License-Identifier: MIT
/*
 * Failure injection: for every step of a scenario, make the n-th page-table
 * allocation fail, for every n until the step needs fewer.  Each failed
 * attempt must report -ENOMEM and leave the tree exactly as it was: the same
 * mappings, entry for entry, the same tables, and no frame leaked.
 */
#include <stdlib.h>
#include <string.h>

#include "ptk_test.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct snapshot {
	struct ptk_mapping *maps;
	size_t n, cap;
	uint64_t tables, frames;
};

static int snap_one(void *ctx, const struct ptk_mapping *map)
{
	struct snapshot *s = ctx;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->maps = realloc(s->maps, s->cap * sizeof(*s->maps));
		assert_non_null(s->maps);
	}
	s->maps[s->n++] = *map;
	return 0;
}

static struct snapshot take(struct ptk_pgtable *pt)
{
	struct snapshot s = { 0 };

	assert_int_equal(ptk_for_each_mapping(pt, 0, ~0ull, snap_one, &s), 0);
	s.tables = ptk_pgtable_nr_tables(pt);
	s.frames = ptk_frames_in_use(ptk_pgtable_machine(pt));
	return s;
}

static bool same_mapping(const struct ptk_mapping *a, const struct ptk_mapping *b)
{
	return a->va == b->va && a->pa == b->pa && a->size == b->size && a->level == b->level &&
	       a->entry_pa == b->entry_pa && a->entry == b->entry;
}

static bool same_maps(const struct snapshot *a, const struct snapshot *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!same_mapping(&a->maps[i], &b->maps[i]))
			return false;
	return true;
}

static void assert_same(const struct snapshot *a, const struct snapshot *b, const char *what,
			uint64_t n)
{
	if (a->n != b->n || a->tables != b->tables || a->frames != b->frames ||
	    !same_maps(a, b))
		fail_msg("%s with allocation #%llu failing changed the tree "
			 "(%zu/%zu mappings, %llu/%llu tables, %llu/%llu frames)",
			 what, (unsigned long long)n, a->n, b->n, (unsigned long long)a->tables,
			 (unsigned long long)b->tables, (unsigned long long)a->frames,
			 (unsigned long long)b->frames);
}

enum step_op { MAP, UNMAP, PROTECT };

struct step {
	const char *what;
	enum step_op op;
	uint64_t va, pa, size, page;
	const char *prot;
};

/* Each step needs several table pages, and splits or frees some. */
static const struct step scenario[] = {
	{ "map 4K pages across two PMDs", MAP, 0x1ff000, 0x5000, 8 * KiB, 0, "rwu" },
	{ "map 1G page", MAP, 0xffff888000000000ull, 0, GiB, 0, "rwg" },
	{ "map 2M pages + 4K tail", MAP, 0x7f0000000000ull, 0x40000000, 6 * MiB + 12 * KiB, 0, "rx" },
	{ "map forced 4K over 4M", MAP, 0xffffc90000000000ull, 0x80000000, 4 * MiB, 4 * KiB, "rw" },
	{ "protect cuts a 1G page", PROTECT, 0xffff888000201000ull, 0, 4 * KiB, 0, "r" },
	{ "unmap cuts a 2M page", UNMAP, 0x7f0000100000ull, 0, 8 * KiB, 0, NULL },
	{ "protect across 2M pages", PROTECT, 0x7f00001ff000ull, 0, 3 * MiB, 0, "rwx" },
	{ "unmap everything of the 1G", UNMAP, 0xffff888000000000ull, 0, GiB, 0, NULL },
	{ "map 5 top-level slots", MAP, 0x0000100000000000ull, 0, 5 * 512 * GiB, GiB, "r" },
};

static int run_step(struct ptk_pgtable *pt, const struct step *s)
{
	struct ptk_prot p;

	if (s->prot)
		assert_int_equal(ptk_prot_parse(ptk_machine_format(ptk_pgtable_machine(pt)),
						s->prot, &p), 0);
	switch (s->op) {
	case MAP: return ptk_map_range(pt, s->va, s->pa, s->size, &p, s->page);
	case UNMAP: return ptk_unmap_range(pt, s->va, s->size);
	default: return ptk_protect_range(pt, s->va, s->size, &p);
	}
}

static void inject_every_allocation(const char *fmt)
{
	static const struct ptk_phys_range ram[] = { { 0, 64 * GiB } };
	struct ptk_machine *m = ptk_test_machine(fmt, ram, 1, 46);
	struct ptk_pgtable *pt;
	uint64_t injected = 0;

	/* pgd_alloc itself. */
	ptk_machine_fail_nth_alloc(m, 1);
	assert_int_equal(ptk_pgd_alloc(m, "t", &pt), -ENOMEM);
	assert_null(ptk_pgtable_find(m, "t"));
	assert_int_equal(ptk_frames_in_use(m), 0);
	ptk_machine_fail_nth_alloc(m, 0);
	assert_int_equal(ptk_pgd_alloc(m, "t", &pt), 0);

	for (size_t i = 0; i < sizeof(scenario) / sizeof(scenario[0]); i++) {
		struct snapshot before = take(pt);
		int rc;

		for (uint64_t n = 1;; n++) {
			struct snapshot after;

			ptk_machine_fail_nth_alloc(m, n);
			rc = run_step(pt, &scenario[i]);
			if (rc == 0)
				break;
			assert_int_equal(rc, -ENOMEM);
			injected++;
			after = take(pt);
			assert_same(&before, &after, scenario[i].what, n);
			ptk_test_check_tree(pt);
			free(after.maps);
		}
		ptk_machine_fail_nth_alloc(m, 0);
		ptk_test_check_tree(pt);
		free(before.maps);
	}
	/* Every step above needs at least one allocation except pure unmaps. */
	assert_true(injected >= 12);
	ptk_machine_destroy(m);
}

static void failinject_4level(void **state)
{
	(void)state;
	inject_every_allocation("x86_64-4level");
}

static void failinject_5level(void **state)
{
	(void)state;
	inject_every_allocation("x86_64-5level");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failinject_4level),
		cmocka_unit_test(failinject_5level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
