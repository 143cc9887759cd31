// SPDX-License-Identifier: MIT
/*
 * Failure injection: for every step of a scenario, make the n-th page-table
 * allocation fail, for every n until the step needs fewer.  Each failed
 * attempt must report -ENOMEM and leave the tree exactly as it was: the same
 * mappings, entry for entry, the same tables, and no frame leaked.
 */
#include <stdio.h>
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

#define NR_STEPS 9

/* The smallest leaf, the next one up, and the largest up to 1 GiB. */
struct sizes {
	uint64_t small, mid, big, lo, hi, top;
};

static struct sizes format_sizes(const struct ptk_format *f)
{
	struct sizes z = { 0 };
	uint64_t base[2], size[2], half;
	int big_lvl = -1, first = 0;

	ptk_test_regions(f, base, size);
	half = size[0] < size[1] ? size[0] : size[1];
	/* Leaf sizes every root reaches. */
	for (unsigned r = 0; r < f->nroots; r++)
		if (f->root_level[r] > first)
			first = f->root_level[r];
	for (int l = f->nlevels - 1; l >= first; l--) {
		uint64_t sz = ptk_level_size(f, (unsigned)l);

		if (!f->level[l].leaf || sz > GiB || sz > half / 16)
			continue;
		if (!z.small)
			z.small = sz;
		else if (!z.mid)
			z.mid = sz;
		z.big = sz;
		big_lvl = l;
	}
	if (!z.mid)
		z.mid = z.small;
	z.lo = base[0];
	z.hi = base[1];
	/* What one table of big leaves spans, twice, within a quarter of a half. */
	z.top = 2 * z.big * ptk_entries_per_table(f, (unsigned)big_lvl);
	if (z.top > half / 4)
		z.top = half / 4 & ~(z.big - 1);
	return z;
}

/* Each step needs several table pages, and splits or frees some. */
static void make_scenario(const struct ptk_format *f, struct step *st)
{
	struct sizes z = format_sizes(f);
	uint64_t b2 = z.hi + 2 * z.big, m3 = z.lo + 4 * z.big;

	st[0] = (struct step){ "map small pages across two tables", MAP, z.lo + z.mid - z.small,
			       0x5 * z.small, 2 * z.small, 0, "rwua" };
	st[1] = (struct step){ "map a big page", MAP, b2, 0, z.big, 0, "rwga" };
	st[2] = (struct step){ "map mid pages + small tail", MAP, m3, 2 * z.big,
			       3 * z.mid + 3 * z.small, 0, "rxa" };
	st[3] = (struct step){ "map forced small pages over two mid", MAP, z.hi + 8 * z.big,
			       4 * z.big, 2 * z.mid, z.small, "rwa" };
	st[4] = (struct step){ "protect cuts the big page", PROTECT, b2 + z.big / 2 + z.small, 0,
			       z.small, 0, "ra" };
	st[5] = (struct step){ "unmap cuts a mid page", UNMAP, m3 + z.mid / 2, 0, 2 * z.small, 0,
			       NULL };
	st[6] = (struct step){ "protect across mid pages", PROTECT, m3 + z.mid - z.small, 0,
			       2 * z.mid, 0, "rwxa" };
	st[7] = (struct step){ "unmap everything of the big page", UNMAP, b2, 0, z.big, 0, NULL };
	st[8] = (struct step){ "map whole tables of big pages", MAP, z.lo + z.top, 0, z.top, z.big,
			       "ra" };
}

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

/* Every frame the engine holds is an allocated PG_table page of the buddy
 * allocator, counted in NR_PAGETABLE, and the allocator is consistent. */
static void check_buddy_frames(struct ptk_machine *m)
{
	struct ptk_buddy *b = ptk_machine_buddy(m);
	struct ptk_buddy_stats st;

	ptk_buddy_stats(b, &st);
	assert_int_equal(st.nr_page_table_pages, ptk_frames_in_use(m));
	assert_int_equal(st.nr_allocated_pages, ptk_frames_in_use(m));
	if (ptk_buddy_check(b))
		fail_msg("ptk_buddy_check: %s", ptk_buddy_error(b)->msg);
}

static void inject_every_allocation(const char *fmt, bool buddy)
{
	struct ptk_format f;
	struct ptk_phys_range ram[] = { { 0, 64 * GiB } };
	struct ptk_machine *m;
	struct step scenario[NR_STEPS];
	struct ptk_pgtable *pt;
	uint64_t injected = 0;

	/* RAM within the format's default width, which the machine takes;
	 * with buddy a smaller RAM, since every struct page is written */
	assert_int_equal(ptk_format_build(fmt, &f, NULL), 0);
	if (f.default_pa_bits < 36)
		ram[0].size = 1ull << f.default_pa_bits;
	if (buddy && ram[0].size > GiB)
		ram[0].size = GiB;
	m = ptk_test_machine(fmt, ram, 1, 0);
	if (buddy)
		assert_int_equal(ptk_machine_memblock_free_all(m), 0);
	make_scenario(ptk_machine_format(m), scenario);
	/* pgd_alloc itself, at each of its roots. */
	for (unsigned n = 1; n <= ptk_machine_format(m)->nroots; n++) {
		ptk_machine_fail_nth_alloc(m, n);
		assert_int_equal(ptk_pgd_alloc(m, "t", &pt), -ENOMEM);
		assert_null(ptk_pgtable_find(m, "t"));
		assert_int_equal(ptk_frames_in_use(m), 0);
	}
	ptk_machine_fail_nth_alloc(m, 0);
	assert_int_equal(ptk_pgd_alloc(m, "t", &pt), 0);

	for (size_t i = 0; i < NR_STEPS; i++) {
		struct snapshot before = take(pt);
		int rc;

		for (uint64_t n = 1;; n++) {
			struct snapshot after;

			ptk_machine_fail_nth_alloc(m, n);
			rc = run_step(pt, &scenario[i]);
			if (rc == 0)
				break;
			if (rc != -ENOMEM)
				fail_msg("%s: %s: %s", fmt, scenario[i].what,
					 ptk_machine_errmsg(m));
			injected++;
			after = take(pt);
			assert_same(&before, &after, scenario[i].what, n);
			ptk_test_check_tree(pt);
			free(after.maps);
		}
		ptk_machine_fail_nth_alloc(m, 0);
		ptk_test_check_tree(pt);
		free(before.maps);
		if (buddy)
			check_buddy_frames(m);
	}
	/* Most steps above need allocations: at least one table per map step. */
	assert_true(injected >= 5);
	printf("%s%s: %llu injected failures, the tree unchanged after each\n", fmt,
	       buddy ? " (buddy)" : "", (unsigned long long)injected);
	ptk_machine_destroy(m);
}

static const char *const configs[] = {
	"x86_64-4level", "x86_64-5level", "aarch64-4K-39", "aarch64-4K-48", "aarch64-16K-47",
	"aarch64-64K-42", "aarch64-4K-52", "arm32-lpae", "arm32-lpae-2g", "arm32", "arm32-n2",
};

static void failinject_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		inject_every_allocation(configs[i], false);
}

static void failinject_buddy(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		inject_every_allocation(configs[i], true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failinject_all),
		cmocka_unit_test(failinject_buddy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
