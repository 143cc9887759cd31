// SPDX-License-Identifier: MIT
/*
 * The contiguous hint (Arm ARM D8.7.1): the mapper sets it on whole aligned
 * runs when it chooses page sizes, as arm64's alloc_init_cont_pte() does;
 * unmap and protect that cut a run first clear it on the whole run, through
 * invalid entries and a TLB flush.
 */
#include <stdlib.h>

#include <ptkit/aarch64.h>
#include "ptk_test.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)

struct fx {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
};

static struct fx make(const char *name)
{
	static const struct ptk_phys_range ram[] = { { 0x40000000, 1ull << 31 } };
	struct ptk_format fmt;
	struct ptk_machine_config cfg = { .fmt = &fmt, .ram = ram, .nr_ram = 1 };
	struct ptk_error err = { 0 };
	struct fx fx = { 0 };

	if (ptk_format_build(name, &fmt, &err) || ptk_machine_create(&fx.m, &cfg, &err))
		fail_msg("%s: %s", name, err.msg);
	fx.f = ptk_machine_format(fx.m);
	assert_int_equal(ptk_pgd_alloc(fx.m, "t", &fx.pt), 0);
	return fx;
}

static void done(struct fx *fx)
{
	ptk_test_check_tree(fx->pt);
	ptk_machine_destroy(fx->m);
}

static void map(struct fx *fx, uint64_t va, uint64_t pa, uint64_t size, uint64_t page)
{
	struct ptk_prot p;

	assert_int_equal(ptk_prot_parse(fx->f, "rwa", &p), 0);
	if (ptk_map_range(fx->pt, va, pa, size, &p, page))
		fail_msg("map: %s", ptk_machine_errmsg(fx->m));
}

struct count {
	unsigned cont, plain;
	uint64_t size;
};

static int count_one(void *ctx, const struct ptk_mapping *m)
{
	struct count *c = ctx;

	if (m->entry & PTK_A64_CONT)
		c->cont++;
	else
		c->plain++;
	c->size = m->size;
	return 0;
}

static struct count count(struct fx *fx)
{
	struct count c = { 0, 0, 0 };

	assert_int_equal(ptk_for_each_mapping(fx->pt, 0, ~0ull, count_one, &c), 0);
	return c;
}

static uint64_t pa_of(struct fx *fx, uint64_t va)
{
	struct ptk_walk_req req = { .va = va, .no_update = true };
	struct ptk_walk_result res;

	return ptk_translate(fx->m, fx->pt, &req, &res) ? ~0ull : res.pa;
}

static void runs_get_the_hint(void **state)
{
	struct fx fx = make("aarch64-4K-48");
	struct count c;

	(void)state;
	map(&fx, 0xffff000000010000ull, 0x40010000, 68 * KiB, 0);	/* 16 + 1 pages */
	c = count(&fx);
	assert_int_equal(c.cont, 16);
	assert_int_equal(c.plain, 1);
	assert_int_equal(pa_of(&fx, 0xffff000000010000ull + 5 * 4096 + 7), 0x40015007);
	/* A forced size means just that size: no hint. */
	map(&fx, 0xffff000000100000ull, 0x40100000, 64 * KiB, 4 * KiB);
	c = count(&fx);
	assert_int_equal(c.plain, 17);
	/* PA not aligned to the run: no hint either. */
	map(&fx, 0xffff000000200000ull, 0x40201000, 64 * KiB, 0);
	assert_int_equal(count(&fx).cont, 16);
	done(&fx);
}

static void blocks_and_granules(void **state)
{
	struct fx a = make("aarch64-4K-48"), b = make("aarch64-16K-47");
	struct count c;

	(void)state;
	map(&a, 0xffff000000000000ull, 0x40000000, 32 * MiB, 0);	/* 16 x 2M blocks */
	c = count(&a);
	assert_int_equal(c.cont, 16);
	assert_int_equal(c.size, 2 * MiB);
	map(&b, 0xffff800000000000ull, 0x40000000, 2 * MiB, 16 * KiB);	/* forced: none */
	map(&b, 0xffff800000200000ull, 0x40200000, 2 * MiB, 0);	/* 128 x 16K */
	c = count(&b);
	assert_int_equal(c.cont, 128);
	assert_int_equal(c.plain, 128);
	done(&a);
	done(&b);
}

struct flushes {
	unsigned n;
};

static void on_flush(void *ctx, uint64_t va, uint64_t size)
{
	(void)va, (void)size;
	((struct flushes *)ctx)->n++;
}

static void cutting_a_run_unfolds_it(void **state)
{
	struct fx fx = make("aarch64-4K-48");
	uint64_t va = 0xffff000000010000ull;
	struct flushes fl = { 0 };
	struct ptk_prot ro;
	struct count c;

	(void)state;
	map(&fx, va, 0x40010000, 128 * KiB, 0);			/* two runs */
	ptk_pgtable_set_tlb_flush(fx.pt, on_flush, &fl);
	assert_int_equal(ptk_unmap_range(fx.pt, va + 4096, 4096), 0);
	c = count(&fx);
	assert_int_equal(c.cont, 16);		/* the other run keeps it */
	assert_int_equal(c.plain, 15);
	assert_true(fl.n >= 2);			/* the unfold, then the unmap */
	assert_int_equal(pa_of(&fx, va), 0x40010000);
	assert_int_equal(pa_of(&fx, va + 4096), ~0ull);
	assert_int_equal(pa_of(&fx, va + 15 * 4096), 0x4001f000);
	/* Protecting a whole run keeps the hint; cutting one drops it. */
	assert_int_equal(ptk_prot_parse(fx.f, "ra", &ro), 0);
	assert_int_equal(ptk_protect_range(fx.pt, va + 64 * KiB, 64 * KiB, &ro), 0);
	assert_int_equal(count(&fx).cont, 16);
	assert_int_equal(ptk_protect_range(fx.pt, va + 64 * KiB, 4096, &ro), 0);
	assert_int_equal(count(&fx).cont, 0);
	ptk_pgtable_set_tlb_flush(fx.pt, NULL, NULL);
	done(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_get_the_hint),
		cmocka_unit_test(blocks_and_granules),
		cmocka_unit_test(cutting_a_run_unfolds_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
