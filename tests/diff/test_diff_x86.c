// SPDX-License-Identifier: MIT
/*
 * Differential test: ptkit's walker against QEMU's x86-64 MMU (libunicorn,
 * tests/referee).  Random trees built by the engine, then damaged at random
 * (not-present entries, reserved bits, PS where it is reserved, XD with NXE
 * off, protection keys), random control state per round, random addresses
 * and accesses.  Both must agree on fault versus no fault, on the #PF error
 * code or #GP, on the physical address, and on every entry the walk reads.
 *
 * What QEMU cannot referee (see tests/referee/README.md) is covered by the
 * hand-built cases of tests/unit/test_x86_format.c: memory types, implicit
 * supervisor accesses, and the accessed physical address itself, which the
 * referee derives from the leaf QEMU read.
 *
 * At least 10 000 checks per paging mode; PTK_SCALE=N for more,
 * PTK_SEED=random for a new seed.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ptkit/x86_64.h>
#include "ptk_diff.h"
#include "uc_x86.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct round {
	struct ptk_diff_round d;	/* first: the driver's view */
	struct ucx_state st;
	uint64_t mapped_va[64];
	unsigned nmapped;
};

static const char *const prots[] = {
	"r", "rw", "rx", "rwx", "ru", "rwu", "rxu", "rwxu", "rwg", "rwua", "rwuad",
	"ru,pkey=1", "rwu,pkey=2", "rwxu,pkey=3", "rwu,uc", "rx,wc",
};

/* Places in the VA space to map, in different top-level slots. */
static uint64_t random_region(struct ptk_diff_round *d)
{
	static const uint64_t bases[] = {
		0x0000000000000000ull, 0x0000000040000000ull, 0x00007fffc0000000ull,
		0xffff888000000000ull, 0xffffc90000000000ull, 0xffffffff80000000ull,
	};
	static const uint64_t bases5[] = { 0x00ff000000000000ull, 0xff11000000000000ull };
	uint64_t b;

	if (d->f->nlevels == 5 && rng_chance(d->rng, 30))
		b = bases5[rng_below(d->rng, 2)];
	else
		b = bases[rng_below(d->rng, 6)];
	return b + (rng_below(d->rng, 64) << 21);
}

static void map(struct ptk_diff_round *d)
{
	static const uint64_t sizes[] = { 4 * KiB, 16 * KiB, 2 * MiB, 4 * MiB + 8 * KiB, GiB };
	static const uint64_t pages[] = { 0, 4 * KiB, 2 * MiB, GiB };
	struct round *rd = (struct round *)d;

	for (unsigned i = 0; i < 24; i++) {
		struct ptk_prot p;
		uint64_t size = sizes[rng_below(d->rng, 5)];
		uint64_t va = random_region(d), pa, page = pages[rng_below(d->rng, 4)];

		if (size == GiB)
			va &= ~(GiB - 1);
		/* PAs anywhere below 2^40 except the referee's reserved range. */
		pa = rng_below(d->rng, UCX_RESERVED_PA - 2 * GiB) & ~(4 * KiB - 1);
		if (rng_chance(d->rng, 60))
			pa = (pa & ~(GiB - 1)) | (va & (GiB - 1));	/* allow huge pages */
		if (page && ((va | pa | size) & (page - 1)))
			page = 0;
		assert_int_equal(ptk_prot_parse(d->f, prots[rng_below(d->rng, 16)], &p), 0);
		if (ptk_map_range(d->pt, va, pa, size, &p, page) == 0 && rd->nmapped < 64)
			rd->mapped_va[rd->nmapped++] = va;
	}
}

/* Never lead the referee's walker into its own reserved range. */
static bool into_referee_range(uint64_t e)
{
	return (e & PTK_X86_ADDR_MASK) >= UCX_RESERVED_PA;
}

/* Damage: the walk rules QEMU and ptkit must agree on. */
static void prepare(struct ptk_diff_round *d)
{
	static const uint64_t bits[] = {
		PTK_X86_PAGE_PRESENT, PTK_X86_PAGE_RW, PTK_X86_PAGE_USER, PTK_X86_PAGE_PSE,
		PTK_X86_PAGE_NX, 1ull << 39, 1ull << 40, 1ull << 45, 1ull << 51, 1ull << 13,
		1ull << 20, 1ull << 29, PTK_X86_PAGE_PAT_LARGE, 1ull << 60,
	};

	ptk_diff_copy_tree(d);
	ptk_diff_damage(d, 24, bits, sizeof(bits) / sizeof(bits[0]), into_referee_range);
}

static int load(struct ptk_diff_round *d)
{
	struct ucx_page pages[4096];

	for (size_t i = 0; i < d->ntables; i++)
		pages[i] = (struct ucx_page){ d->tables[i].pa, d->tables[i].bytes };
	return ucx_set_memory(d->referee, pages, d->ntables);
}

static void new_cpu(struct ptk_diff_round *d)
{
	struct ptk_cpu *cpu = ptk_machine_cpu(d->m);
	struct rng *r = d->rng;

	d->f->ops->cpu_defaults(d->f, cpu);
	cpu->pa_bits = UCX_PA_BITS;
	if (rng_chance(r, 25))
		cpu->x86.cr0 &= ~PTK_X86_CR0_WP;
	if (rng_chance(r, 20))
		cpu->x86.efer &= ~PTK_X86_EFER_NXE;
	if (rng_chance(r, 25))
		cpu->x86.cr4 &= ~PTK_X86_CR4_SMEP;
	if (rng_chance(r, 25))
		cpu->x86.cr4 &= ~PTK_X86_CR4_SMAP;
	if (rng_chance(r, 40)) {
		cpu->x86.cr4 |= PTK_X86_CR4_PKE;
		cpu->x86.pkru = (uint32_t)rng_next(r) & 0xfc;	/* keys 1..3 vary, key 0 open */
	}
	cpu->x86.ac = rng_chance(r, 30);
	((struct round *)d)->st = (struct ucx_state){
		.cr3 = ptk_pgtable_root(d->pt, 0),
		.cr0_wp = !!(cpu->x86.cr0 & PTK_X86_CR0_WP),
		.la57 = d->f->nlevels == 5,
		.nxe = !!(cpu->x86.efer & PTK_X86_EFER_NXE),
		.smep = !!(cpu->x86.cr4 & PTK_X86_CR4_SMEP),
		.smap = !!(cpu->x86.cr4 & PTK_X86_CR4_SMAP),
		.ac = cpu->x86.ac,
		.pke = !!(cpu->x86.cr4 & PTK_X86_CR4_PKE),
		.pkru = cpu->x86.pkru,
	};
}

static uint64_t random_va(struct ptk_diff_round *d, bool *user)
{
	struct round *rd = (struct round *)d;
	struct rng *r = d->rng;
	unsigned k = (unsigned)rng_below(r, 10);

	*user = rng_chance(r, 50);
	if (k < 6 && d->nleaves)
		return ptk_diff_va_in_leaf(d, user);
	if (k < 7 && rd->nmapped)
		return rd->mapped_va[rng_below(r, rd->nmapped)] + rng_below(r, 6 * MiB);
	if (k < 8)
		return random_region(d) + rng_below(r, 2 * MiB);
	return rng_next(r);	/* mostly non-canonical */
}

static bool in_stub(uint64_t va)
{
	static const uint64_t stubs[] = { UCX_STUB_VA_4L_254, UCX_STUB_VA_4L_255,
					  UCX_STUB_VA_5L_254, UCX_STUB_VA_5L_255 };

	for (int i = 0; i < 4; i++)
		if (va - stubs[i] < UCX_STUB_SIZE)
			return true;
	return false;
}

static int ask(struct ptk_diff_round *d, uint64_t va, enum ptk_access acc, bool user,
	       struct ptk_diff_answer *a)
{
	static const enum ucx_access uacc[] = { UCX_READ, UCX_WRITE, UCX_FETCH };
	struct ucx_result ur;
	int rc = ucx_query(d->referee, &((struct round *)d)->st, va, uacc[acc], user, &ur);

	if (rc)
		return rc;
	/* Damage can point a table outside RAM.  The referee reads such a page
	 * as zeros; ptkit reports the external abort a bus would raise.  Not a
	 * rule to compare, but ptkit must say so. */
	a->left_ram = ur.unlisted && !ptk_phys_is_ram(ptk_machine_phys(d->m), ur.unlisted_pa, 8);
	a->fault = ur.fault;
	a->gp = ur.gp;
	a->type_name = !ur.fault ? "ok" : ur.gp ? "#GP" : "#PF";
	a->level = -1;
	a->status = ur.error_code;
	a->syndrome_valid = !ur.gp && ur.error_code_valid;
	a->syndrome = ur.error_code;
	a->pa_valid = true;
	a->pa = ur.pa;
	/* A #GP is raised before any walk. */
	a->walk_valid = !ur.gp;
	ptk_diff_answer_walk(a, ur.nwalk, ur.walk_pa, ur.walk_val);
	return 0;
}

static int open_referee(void **referee)
{
	struct ucx *uc = NULL;
	int rc = ucx_open(&uc);

	*referee = uc;
	return rc;
}

static void close_referee(void *referee)
{
	ucx_close(referee);
}

static void summary(const char *fmt, const struct ptk_diff_tally *t)
{
	printf("%s: %llu checks agree with QEMU (%llu faults, %llu #GP, %llu walks compared entry by entry; "
	       "%llu walks left RAM)\n",
	       fmt, (unsigned long long)t->checks, (unsigned long long)t->faults,
	       (unsigned long long)t->gp, (unsigned long long)t->walks_compared,
	       (unsigned long long)t->outside_ram);
}

static const struct ptk_phys_range ram[] = { { 0, 4 * GiB }, { 1ull << 38, 8 * GiB } };

static const struct ptk_diff_ops x86_diff = {
	.ram = ram, .nr_ram = 2, .pa_bits = UCX_PA_BITS,
	.rounds = 24, .queries_per_round = 500,
	.round_size = sizeof(struct round), .max_tables = 4096,
	.who = { "kernel", "user" }, .status_name = "ec",
	.open = open_referee, .close = close_referee,
	.map = map, .prepare = prepare, .load = load, .new_cpu = new_cpu,
	.random_va = random_va, .in_stub = in_stub,
	.ask = ask, .unanswerable = -EADDRINUSE,
	.non_canonical_is_gp = true,
	.summary = summary,
};

static void diff_mode(const char *fmt, uint64_t seed)
{
	struct ptk_diff_tally t;

	ptk_diff_run(&x86_diff, fmt, seed, &t);
	/* Enough of both outcomes and of every rule QEMU can referee. */
	ptk_diff_assert_coverage(&t, 10000 * ptk_test_scale(1) * 95 / 100);
	for (int k = PTK_FAULT_NOT_PRESENT; k <= PTK_FAULT_NON_CANONICAL; k++)
		assert_true(t.by_kind[k] > 0);
}

static void diff_4level(void **state)
{
	(void)state;
	diff_mode("x86_64-4level", ptk_test_seed("diff-x86-4level", 0x4c4));
}

static void diff_5level(void **state)
{
	(void)state;
	diff_mode("x86_64-5level", ptk_test_seed("diff-x86-5level", 0x5c5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diff_4level),
		cmocka_unit_test(diff_5level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
