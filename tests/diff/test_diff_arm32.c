// SPDX-License-Identifier: MIT
/*
 * Differential test: ptkit's ARMv7 long-descriptor (LPAE) walker against
 * QEMU's (libunicorn, tests/referee/uc_arm32), shaped like the AArch64 test.
 * Random trees built by the engine in both halves (TTBR0 from level 1,
 * TTBR1 from level 2 under Linux's 3G/1G split), damaged at random (invalid
 * entries, block/table type, AF, AP, XN/PXN, APTable/XNTable/PXNTable, nG,
 * the contiguous hint), random WXN/UWXN, random 32-bit addresses read,
 * written and fetched at PL1 and PL0.  Both must agree on fault versus no
 * fault, the fault type and level, the DFSR/IFSR value, the physical
 * address, and every descriptor the walk reads.  Queries where QEMU 5.0
 * departs from the manual are flagged by the referee, counted and left to
 * the unit tests.  At least 10 000 checks per configuration.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ptkit/arm32.h>
#include "diff_ucb.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Long-descriptor bits (ARMv7-A ARM B3.6.1-2), named here so that the test
 * does not lean on the format's own constants. */
#define D_VALID   (1ull << 0)
#define D_TABLE   (1ull << 1)
#define D_AP1     (1ull << 6)	/* PL0 access */
#define D_AP2     (1ull << 7)	/* read-only */
#define D_AF      (1ull << 10)
#define D_NG      (1ull << 11)
#define D_CONT    (1ull << 52)
#define D_PXN     (1ull << 53)
#define D_XN      (1ull << 54)
#define D_PXNTAB  (1ull << 59)
#define D_XNTAB   (1ull << 60)
#define D_APTAB0  (1ull << 61)
#define D_APTAB1  (1ull << 62)
#define SCTLR_WXN  (1u << 19)
#define SCTLR_UWXN (1u << 20)

struct round {
	struct ptk_diff_round d;	/* first: the driver's view */
	struct ucb_state st;
};

static const char *const prots[] = {
	"ra", "rwa", "rxa", "rwxa", "rua", "rwua", "rxua", "rwxua", "rwga", "r", "rwu", "rxga",
};

static void map(struct ptk_diff_round *d)
{
	static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, 2 * MiB, 32 * MiB, GiB };

	for (unsigned i = 0; i < 24; i++) {
		uint64_t size = sizes[rng_below(d->rng, 5)];
		uint64_t va = rng_below(d->rng, 1ull << 32) & ~(size - 1);
		/* PAs below 40 bits, away from the referee's range under 4 GiB. */
		uint64_t pa = rng_below(d->rng, 1ull << 39) & ~(size - 1);
		struct ptk_prot p;

		if (pa < (1ull << 32) && pa + size > 0xFFFF0000ull)
			pa -= 1ull << 31;
		assert_int_equal(ptk_prot_parse(d->f, prots[rng_below(d->rng, 12)], &p), 0);
		ptk_map_range(d->pt, va, pa, size, &p, 0);	/* overlaps are refused: fine */
	}
}

static void prepare(struct ptk_diff_round *d)
{
	static const uint64_t bits[] = {
		D_VALID, D_TABLE, D_AF, D_AP1, D_AP2, D_XN, D_PXN, D_PXNTAB, D_XNTAB, D_APTAB0,
		D_APTAB1, D_NG, D_CONT,
	};

	ptk_diff_copy_tree(d);
	ptk_diff_damage(d, 40, bits, sizeof(bits) / sizeof(bits[0]), NULL);
}

static void new_cpu(struct ptk_diff_round *d)
{
	struct ptk_cpu *cpu = ptk_machine_cpu(d->m);
	struct ucb_state *st = &((struct round *)d)->st;

	d->f->ops->cpu_defaults(d->f, cpu);
	cpu->pa_bits = UCB_PA_BITS;
	if (rng_chance(d->rng, 25))
		cpu->arm32.sctlr |= SCTLR_WXN;
	if (rng_chance(d->rng, 25))
		cpu->arm32.sctlr |= SCTLR_UWXN;
	*st = (struct ucb_state){
		.lpae = true,
		.ttbcr = cpu->arm32.ttbcr, .sctlr = cpu->arm32.sctlr, .dacr = cpu->arm32.dacr,
		.mair0 = cpu->arm32.mair0, .mair1 = cpu->arm32.mair1,
	};
	/* What the TTBRs hold: under the 2G split TTBR1 points into its root,
	 * at the entry of its first VA (Linux's TTBR1_OFFSET). */
	assert_int_equal(ptk_arm32_lpae_ttbr(d->f, st->ttbcr, 0, ptk_pgtable_root(d->pt, 0),
					     &st->ttbr0), 0);
	assert_int_equal(ptk_arm32_lpae_ttbr(d->f, st->ttbcr, 1, ptk_pgtable_root(d->pt, 1),
					     &st->ttbr1), 0);
}

static uint64_t random_va(struct ptk_diff_round *d, bool *pl0)
{
	*pl0 = rng_chance(d->rng, 50);
	if (rng_chance(d->rng, 70) && d->nleaves)
		return (uint32_t)ptk_diff_va_in_leaf(d, pl0) & ~3u;
	return (uint32_t)rng_next(d->rng) & ~3u;
}

static int fault_type(enum ptk_fault_kind k)
{
	switch (k) {
	case PTK_FAULT_NONE: return UCB_FT_NONE;
	case PTK_FAULT_NOT_PRESENT: return UCB_FT_TRANSLATION;
	case PTK_FAULT_ACCESS_FLAG: return UCB_FT_ACCESS_FLAG;
	case PTK_FAULT_ADDRESS_SIZE: return UCB_FT_ADDRESS_SIZE;
	case PTK_FAULT_DOMAIN: return UCB_FT_DOMAIN;
	case PTK_FAULT_WRITE: case PTK_FAULT_USER: case PTK_FAULT_EXEC: case PTK_FAULT_SMAP:
		return UCB_FT_PERMISSION;
	default: return UCB_FT_OTHER;
	}
}

static int ask(struct ptk_diff_round *d, uint64_t va, enum ptk_access acc, bool pl0,
	       struct ptk_diff_answer *a)
{
	return ucb_diff_ask(d, &((struct round *)d)->st, va, acc, pl0, a);
}

static const struct ptk_phys_range ram[] = { { 0x40000000, 2 * GiB } };

static const struct ptk_diff_ops lpae_diff = {
	.ram = ram, .nr_ram = 1, .pa_bits = UCB_PA_BITS,
	.rounds = 12, .queries_per_round = 900,
	.round_size = sizeof(struct round), .max_tables = 1024,
	.who = { "PL1", "PL0" }, .status_name = "fs",
	.open = ucb_diff_open, .close = ucb_diff_close,
	.map = map, .prepare = prepare, .load = ucb_diff_load, .new_cpu = new_cpu,
	.random_va = random_va,
	.ask = ask, .unanswerable = -EINVAL,	/* a translation into the referee's own range */
	.fault_type = fault_type,
	.summary = ptk_diff_print_checks,
};

static const char *const configs[] = { "arm32-lpae", "arm32-lpae-2g" };

static void diff_all(void **state)
{
	uint64_t seed = ptk_test_seed("diff-arm32", 0xa32);

	(void)state;
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct ptk_diff_tally t;

		ptk_diff_run(&lpae_diff, configs[i], seed + i, &t);
		ptk_diff_assert_coverage(&t, 10000 * ptk_test_scale(1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diff_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
