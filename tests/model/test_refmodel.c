// SPDX-License-Identifier: MIT
/*
 * Randomized reference-model test: long random sequences of map, unmap and
 * protect, each checked against a deliberately plain model (a sorted list
 * of VA intervals), with sampled translations after every step and the
 * tree's invariants checked as it goes.  At the end everything is unmapped
 * and only the root may remain.
 *
 * PTK_SEED=random for a new seed (printed); PTK_SCALE=N for N times more ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/arm32.h>
#include "ptk_test.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct interval {
	uint64_t va, end, pa;	/* [va, end) -> pa */
	uint32_t flags;
};

struct model {
	struct interval *iv;
	size_t n, cap;
};

static void model_insert(struct model *md, struct interval x)
{
	size_t i = md->n;

	if (md->n == md->cap) {
		md->cap = md->cap ? 2 * md->cap : 64;
		md->iv = realloc(md->iv, md->cap * sizeof(*md->iv));
		assert_non_null(md->iv);
	}
	/* Usually appended in order: look from the end. */
	while (i > 0 && md->iv[i - 1].va > x.va)
		i--;
	memmove(&md->iv[i + 1], &md->iv[i], (md->n - i) * sizeof(*md->iv));
	md->iv[i] = x;
	md->n++;
}

static const struct interval *model_find(const struct model *md, uint64_t va)
{
	for (size_t i = 0; i < md->n; i++)
		if (va >= md->iv[i].va && va < md->iv[i].end)
			return &md->iv[i];
	return NULL;
}

static bool model_overlaps(const struct model *md, uint64_t va, uint64_t end)
{
	for (size_t i = 0; i < md->n; i++)
		if (md->iv[i].va < end && va < md->iv[i].end)
			return true;
	return false;
}

static bool model_covers(const struct model *md, uint64_t va, uint64_t end)
{
	const struct interval *x;

	while (va < end) {
		x = model_find(md, va);
		if (!x)
			return false;
		va = x->end;
	}
	return true;
}

/* Cut [va, end) out of every interval; apply fn to the parts inside. */
static void model_carve(struct model *md, uint64_t va, uint64_t end, bool keep, uint32_t flags)
{
	struct model out = { 0 };

	for (size_t i = 0; i < md->n; i++) {
		struct interval x = md->iv[i];

		if (x.end <= va || x.va >= end) {
			model_insert(&out, x);
			continue;
		}
		if (x.va < va)
			model_insert(&out, (struct interval){ x.va, va, x.pa, x.flags });
		if (keep) {
			uint64_t s = x.va > va ? x.va : va, e = x.end < end ? x.end : end;

			model_insert(&out, (struct interval){ s, e, x.pa + (s - x.va), flags });
		}
		if (x.end > end)
			model_insert(&out, (struct interval){ end, x.end, x.pa + (end - x.va), x.flags });
	}
	free(md->iv);
	*md = out;
}

/* --- the random workload -------------------------------------------------- */

struct run {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	struct model md;
	struct rng rng;
	uint64_t maps, unmaps, protects, refused, checks;
	/* From the format: VA windows at both ends of each half, so that ops
	 * collide and reach different top-level slots; its page sizes. */
	uint64_t windows[4], window;
	uint64_t page[3];	/* the smallest leaf, and up to two larger ones <= 1 GiB */
	unsigned npage;
	uint64_t pa_span;	/* PAs drawn below this: the RAM's end */
	bool dirty;		/* map dirty (see pick_prot) */
};

/* The VA windows: both ends of each region (tests/support), a window at
 * most 4 GiB and a quarter of the region. */
static void derive_geometry(struct run *ru)
{
	const struct ptk_format *f = ru->f;
	uint64_t base[2], size[2];

	ptk_test_regions(f, base, size);
	ru->window = 4 * GiB;
	for (int i = 0; i < 2; i++)
		if (size[i] / 4 < ru->window)
			ru->window = size[i] / 4;
	/* The top window stops short of 2^64: the model's ends must not wrap. */
	for (int i = 0; i < 2; i++) {
		ru->windows[2 * i] = base[i];
		ru->windows[2 * i + 1] = base[i] + size[i] - 2 * ru->window;
	}
	for (int l = f->nlevels - 1; l >= 0 && ru->npage < 3; l--)
		if (f->level[l].leaf && ptk_level_size(f, (unsigned)l) <= ru->window / 4)
			ru->page[ru->npage++] = ptk_level_size(f, (unsigned)l);
}

static uint64_t pick_size(struct run *ru)
{
	uint64_t r = rng_below(&ru->rng, 10), big = ru->page[ru->npage - 1], s;

	if (r == 0)
		s = (1 + rng_below(&ru->rng, 3)) * big;
	else if (r <= 2 && ru->npage > 1)
		s = (1 + rng_below(&ru->rng, 8)) * ru->page[1];
	else
		s = (1 + rng_below(&ru->rng, 64)) * ru->page[0];
	return s <= ru->window / 2 ? s : ru->page[0];
}

static uint64_t pick_align(struct run *ru)
{
	return ru->page[rng_below(&ru->rng, ru->npage)];
}

static void pick_range(struct run *ru, uint64_t *va, uint64_t *size)
{
	uint64_t align = pick_align(ru);

	*size = pick_size(ru);
	*va = ru->windows[rng_below(&ru->rng, 4)] +
	      (rng_below(&ru->rng, ru->window - *size) & ~(align - 1));
}

/* 'a': Arm maps with the access flag set, as Linux always does. */
static const char *const prots[] = { "ra", "rwa", "rxa", "rwxa", "rua", "rwua", "rxua", "rwxuga" };

/* 'd' too where the format withholds write from clean pages (Linux's arm
 * 2-level ptes: set_pte_ext() makes a clean page read-only), so that 'w'
 * means writable there as everywhere. */
static struct ptk_prot pick_prot(struct run *ru)
{
	struct ptk_prot p;

	assert_int_equal(ptk_prot_parse(ru->f, prots[rng_below(&ru->rng, 8)], &p), 0);
	if (ru->dirty)
		p.flags |= PTK_PROT_DIRTY;
	return p;
}

static uint64_t pick_page(struct run *ru, uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t p = rng_chance(&ru->rng, 40) ? 0 : pick_align(ru);

	return p && ((va | pa | size) & (p - 1)) ? 0 : p;
}

static void do_map(struct run *ru)
{
	uint64_t va, size, pa;
	struct ptk_prot p = pick_prot(ru);
	bool clash;
	int rc;

	pick_range(ru, &va, &size);
	pa = (rng_below(&ru->rng, ru->pa_span) & ~(pick_align(ru) - 1)) |
	     (va & (GiB - 1) & (pick_align(ru) - 1));
	pa &= ~(ru->page[0] - 1);
	clash = model_overlaps(&ru->md, va, va + size);
	rc = ptk_map_range(ru->pt, va, pa, size, &p, pick_page(ru, va, pa, size));
	if (clash) {
		assert_int_equal(rc, -EEXIST);
		ru->refused++;
		return;
	}
	if (rc)
		fail_msg("map %#llx+%#llx -> %#llx: %s", (unsigned long long)va,
			 (unsigned long long)size, (unsigned long long)pa, ptk_machine_errmsg(ru->m));
	model_insert(&ru->md, (struct interval){ va, va + size, pa, p.flags });
	ru->maps++;
}

static void do_unmap(struct run *ru)
{
	uint64_t va, size;

	pick_range(ru, &va, &size);
	assert_int_equal(ptk_unmap_range(ru->pt, va, size), 0);
	model_carve(&ru->md, va, va + size, false, 0);
	ru->unmaps++;
}

static void do_protect(struct run *ru)
{
	uint64_t va, size;
	struct ptk_prot p = pick_prot(ru);
	int rc;

	pick_range(ru, &va, &size);
	if (ru->md.n && rng_chance(&ru->rng, 70)) {
		/* Aim inside an existing interval so that protect mostly succeeds. */
		const struct interval *x = &ru->md.iv[rng_below(&ru->rng, ru->md.n)];
		uint64_t pages = (x->end - x->va) / ru->page[0];
		uint64_t first = rng_below(&ru->rng, pages);

		va = x->va + first * ru->page[0];
		size = (1 + rng_below(&ru->rng, pages - first)) * ru->page[0];
	}
	rc = ptk_protect_range(ru->pt, va, size, &p);
	if (!model_covers(&ru->md, va, va + size)) {
		assert_int_equal(rc, -ENOENT);
		ru->refused++;
		return;
	}
	assert_int_equal(rc, 0);
	model_carve(&ru->md, va, va + size, true, p.flags);
	ru->protects++;
}

/* One sampled VA: the walker must agree with the model on the PA and on
 * read/write/execute permission. */
static void check_va(struct run *ru, uint64_t va)
{
	const struct interval *x = model_find(&ru->md, va);
	bool user = x && (x->flags & PTK_PROT_USER);
	struct ptk_walk_req req = { .va = va, .user = user, .no_update = true };
	struct ptk_walk_result res;
	int rc;

	for (int acc = PTK_ACC_READ; acc <= PTK_ACC_EXEC; acc++) {
		uint32_t need = acc == PTK_ACC_WRITE ? PTK_PROT_WRITE :
				acc == PTK_ACC_EXEC ? PTK_PROT_EXEC : PTK_PROT_READ;

		req.access = (enum ptk_access)acc;
		rc = ptk_translate(ru->m, ru->pt, &req, &res);
		ptk_test_check_fast_path(ru->m, ru->pt, &req, &res);
		ru->checks++;
		if (!x) {
			if (rc != -EFAULT || res.fault.kind != PTK_FAULT_NOT_PRESENT)
				fail_msg("%#llx: unmapped in the model, walker says %s",
					 (unsigned long long)va, ptk_fault_name(res.fault.kind));
			return;
		}
		if ((x->flags & need) ? rc != 0 : rc != -EFAULT)
			fail_msg("%#llx %s: model prot %#x, walker %s", (unsigned long long)va,
				 ptk_access_name(req.access), x->flags, ptk_fault_name(res.fault.kind));
		if (!rc && res.pa != x->pa + (va - x->va))
			fail_msg("%#llx: pa %#llx, model %#llx", (unsigned long long)va,
				 (unsigned long long)res.pa,
				 (unsigned long long)(x->pa + (va - x->va)));
	}
}

static void sample(struct run *ru)
{
	for (int i = 0; i < 4; i++) {
		uint64_t va = ru->windows[rng_below(&ru->rng, 4)] + (rng_below(&ru->rng, ru->window) & ~7ull);

		if (ru->md.n && (i & 1)) {
			const struct interval *x = &ru->md.iv[rng_below(&ru->rng, ru->md.n)];

			va = rng_chance(&ru->rng, 50) ? x->va : x->end - 8;
			if (rng_chance(&ru->rng, 30))
				va = x->end;	/* just past the end */
		}
		check_va(ru, va);
	}
}

static void run_model(const char *fmt, uint64_t ops, uint64_t seed)
{
	struct ptk_phys_range ram[] = { { 0, 1ull << 38 } };
	struct run ru = { .rng = { seed } };
	struct ptk_format f;

	/* RAM and PAs below 2^38, or the format's widest address if less. */
	assert_int_equal(ptk_format_build(fmt, &f, NULL), 0);
	if (f.max_pa_bits < 38)
		ram[0].size = 1ull << f.max_pa_bits;
	ru.m = ptk_test_machine(fmt, ram, 1, f.max_pa_bits < 40 ? f.max_pa_bits : 40);
	ru.f = ptk_machine_format(ru.m);
	derive_geometry(&ru);
	/* where the RAM is smaller, leave room for the range above its PA */
	ru.pa_span = f.max_pa_bits < 38 ? ram[0].size / 2 : ram[0].size;
	ru.dirty = ptk_arm32_is_short(ru.f);
	assert_int_equal(ptk_pgd_alloc(ru.m, "model", &ru.pt), 0);
	for (uint64_t i = 0; i < ops; i++) {
		unsigned r = (unsigned)rng_below(&ru.rng, 100);

		if (r < 45)
			do_map(&ru);
		else if (r < 75)
			do_unmap(&ru);
		else
			do_protect(&ru);
		sample(&ru);
		if (i % 2048 == 0 || getenv("PTK_CHECK_EVERY"))
			ptk_test_check_tree(ru.pt);
	}
	ptk_test_check_tree(ru.pt);
	for (size_t w = 0; w < 4; w++)
		assert_int_equal(ptk_unmap_range(ru.pt, ru.windows[w], ru.window), 0);
	/* Only the roots are left. */
	assert_int_equal(ptk_pgtable_nr_tables(ru.pt), ru.f->nroots);
	assert_int_equal(ptk_frames_in_use(ru.m),
			 ru.f->nroots * (ptk_table_alloc_bytes(ru.f, ru.f->root_level[0]) >> 12));
	printf("%s: %llu maps, %llu unmaps, %llu protects, %llu refused, %llu translations checked\n",
	       fmt, (unsigned long long)ru.maps, (unsigned long long)ru.unmaps,
	       (unsigned long long)ru.protects, (unsigned long long)ru.refused,
	       (unsigned long long)ru.checks);
	free(ru.md.iv);
	ptk_machine_destroy(ru.m);
}

/* Every configuration the differential tests cover, and one with level -1. */
static const char *const configs[] = {
	"x86_64-4level", "x86_64-5level", "aarch64-4K-39", "aarch64-4K-48", "aarch64-16K-47",
	"aarch64-64K-42", "aarch64-4K-52", "arm32-lpae", "arm32-lpae-2g", "arm32", "arm32-n2",
};

static void model_all(void **state)
{
	uint64_t seed = ptk_test_seed("refmodel", 4);

	(void)state;
	const char *only = getenv("PTK_CONFIG");

	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		if (!only || !strcmp(only, configs[i]))
			run_model(configs[i], ptk_test_scale(100000), seed + i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(model_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
