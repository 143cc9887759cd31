// SPDX-License-Identifier: MIT
/*
 * Differential test: ptkit's AArch64 walker against QEMU's (libunicorn,
 * tests/referee/uc_arm64).  For each configuration (granule x VA size, both
 * TTBRs; runs with the contiguous hint as the mapper makes them), random trees built by the engine are damaged at random (invalid
 * entries, block/table type, AF, AP, UXN/PXN, the hierarchical table bits,
 * nG), the control state varies (WXN, PAN), and random addresses are
 * accessed at EL1 and EL0 for read, write and fetch.  Both must agree on
 * fault versus no fault, the fault type and level and the abort syndrome,
 * the physical address, and every descriptor the walk reads.
 *
 * What QEMU 5.0 cannot referee is left to the hand-built cases of
 * tests/unit/test_aarch64_format.c: the referee flags each query where
 * QEMU departs from the architecture (blocks where none may be, no address
 * size faults, 52-bit addresses), and such queries are counted, not
 * compared.  At least 10 000 checks per configuration; PTK_SCALE=N for
 * more, PTK_SEED=random for a new seed.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ptkit/aarch64.h>
#include "ptk_diff.h"
#include "uc_arm64.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

_Static_assert(UCA_WALK_MAX <= PTK_DIFF_WALK_MAX, "a referee walk fits an answer");

struct round {
	struct ptk_diff_round d;	/* first: the driver's view */
	struct uca_state st;
};

static const char *const prots[] = {
	"ra", "rwa", "rxa", "rwxa", "rua", "rwua", "rxua", "rwxua", "rwga", "r", "rwu",
	"rxu", "rxga", "rwa,normal_nc", "rwa,device_ngnre",
};

/* Bases in both halves, in different top-level slots. */
static uint64_t random_half_va(struct ptk_diff_round *d, bool high)
{
	uint64_t span = 1ull << d->f->va_bits;
	uint64_t va = rng_below(d->rng, span) & ~(4 * KiB - 1);

	return high ? va | ~(span - 1) : va;
}

static void map(struct ptk_diff_round *d)
{
	static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, 2 * MiB, 32 * MiB, 512 * MiB, GiB };
	uint64_t gran = 1ull << d->f->table_shift;

	for (unsigned i = 0; i < 24; i++) {
		uint64_t size = sizes[rng_below(d->rng, 6)], va, pa;
		struct ptk_prot p;

		size = (size + gran - 1) & ~(gran - 1);
		va = random_half_va(d, rng_chance(d->rng, 40)) & ~(size - 1);
		/* PAs below QEMU's 44 bits, away from the referee's range. */
		pa = rng_below(d->rng, (1ull << 43)) & ~(size - 1);
		assert_int_equal(ptk_prot_parse(d->f, prots[rng_below(d->rng, 15)], &p), 0);
		ptk_map_range(d->pt, va, pa, size, &p, 0);	/* overlaps are refused: fine */
	}
}

static void prepare(struct ptk_diff_round *d)
{
	static const uint64_t bits[] = {
		PTK_A64_VALID, PTK_A64_TABLE_BIT, PTK_A64_AF, PTK_A64_USER, PTK_A64_RDONLY,
		PTK_A64_UXN, PTK_A64_PXN, PTK_A64_PXNTABLE, PTK_A64_UXNTABLE,
		PTK_A64_APTABLE_NOEL0, PTK_A64_APTABLE_RDONLY, PTK_A64_NG, PTK_A64_CONT,
	};

	ptk_diff_copy_tree(d);
	ptk_diff_damage(d, 40, bits, sizeof(bits) / sizeof(bits[0]), NULL);
}

static int load(struct ptk_diff_round *d)
{
	struct uca_page pages[2048];

	for (size_t i = 0; i < d->ntables; i++)
		pages[i] = (struct uca_page){ d->tables[i].pa, d->tables[i].bytes, d->tables[i].size };
	return uca_set_memory(d->referee, pages, d->ntables);
}

static void new_cpu(struct ptk_diff_round *d)
{
	struct ptk_cpu *cpu = ptk_machine_cpu(d->m);

	d->f->ops->cpu_defaults(d->f, cpu);
	cpu->pa_bits = UCA_PA_BITS;
	if (rng_chance(d->rng, 25))
		cpu->arm64.sctlr |= PTK_A64_SCTLR_WXN;
	cpu->arm64.pan = rng_chance(d->rng, 30);
	((struct round *)d)->st = (struct uca_state){
		.ttbr0 = ptk_pgtable_root(d->pt, 0), .ttbr1 = ptk_pgtable_root(d->pt, 1),
		.tcr = cpu->arm64.tcr, .mair = cpu->arm64.mair, .sctlr = cpu->arm64.sctlr,
		.pan = cpu->arm64.pan,
	};
}

static uint64_t random_va(struct ptk_diff_round *d, bool *el0)
{
	struct rng *r = d->rng;

	*el0 = rng_chance(r, 50);
	if (rng_chance(r, 65) && d->nleaves)
		return ptk_diff_va_in_leaf(d, el0) & ~3ull;
	if (rng_chance(r, 85))
		return random_half_va(d, rng_chance(r, 50)) + (rng_below(r, 4096) & ~3ull);
	return rng_next(r) & ~3ull;	/* mostly outside both halves */
}

static bool in_stub(uint64_t va)
{
	uint64_t low = va & ((1ull << 56) - 1);	/* any top byte */

	return (low & ~0xfffull) == (UCA_STUB_VA0 & ((1ull << 56) - 1)) ||
	       (low & ~0xfffull) == (UCA_STUB_VA1 & ((1ull << 56) - 1));
}

static int fault_type(enum ptk_fault_kind k)
{
	switch (k) {
	case PTK_FAULT_NONE: return UCA_FT_NONE;
	case PTK_FAULT_NOT_PRESENT: return UCA_FT_TRANSLATION;
	case PTK_FAULT_ACCESS_FLAG: return UCA_FT_ACCESS_FLAG;
	case PTK_FAULT_ADDRESS_SIZE: return UCA_FT_ADDRESS_SIZE;
	case PTK_FAULT_WRITE: case PTK_FAULT_USER: case PTK_FAULT_EXEC: case PTK_FAULT_SMAP:
		return UCA_FT_PERMISSION;
	default: return UCA_FT_OTHER;
	}
}

/*
 * The referee makes EL0 data accesses as LDTR/STTR from EL1, so QEMU
 * reports a Data Abort taken from the current EL (EC 0x25); ptkit models an
 * access made at EL0, which takes EC 0x24.  Everything else in the ESR must
 * match.  (EL0 fetches really run at EL0, through ERET.)
 */
static uint64_t as_referee_esr(uint64_t esr, const struct ptk_walk_req *req)
{
	uint64_t ec = (esr >> PTK_A64_ESR_EC_SHIFT) & 0x3f;

	if (req->user && req->access != PTK_ACC_EXEC && ec == PTK_A64_ESR_EC_DABT_LOW)
		esr = (esr & ~(0x3full << PTK_A64_ESR_EC_SHIFT)) |
		      ((uint64_t)PTK_A64_ESR_EC_DABT_CUR << PTK_A64_ESR_EC_SHIFT);
	return esr;
}

/* Queries where QEMU departs from the manual, or its walk read a page not
 * listed, are set aside. */
static int ask(struct ptk_diff_round *d, uint64_t va, enum ptk_access acc, bool el0,
	       struct ptk_diff_answer *a)
{
	static const enum uca_access uacc[] = { UCA_READ, UCA_WRITE, UCA_FETCH };
	struct uca_result ur;
	int rc = uca_query(d->referee, &((struct round *)d)->st, va, uacc[acc], el0, &ur);

	if (rc)
		return rc;
	a->set_aside = ur.deviation || ur.unlisted;
	a->fault = ur.fault;
	a->type = ur.type;
	a->type_name = uca_fault_type_name(ur.type);
	a->level = ur.level;
	a->status = ur.fsc;
	a->syndrome_valid = ur.esr != 0;	/* 0: no real access aborted */
	a->syndrome = ur.esr;
	a->pa_valid = true;
	a->pa = ur.pa;
	a->walk_valid = ur.nwalk != 0;
	ptk_diff_answer_walk(a, ur.nwalk, ur.walk_pa, ur.walk_val);
	return 0;
}

static int open_referee(void **referee)
{
	struct uca *uc = NULL;
	int rc = uca_open(&uc);

	*referee = uc;
	return rc;
}

static void close_referee(void *referee)
{
	uca_close(referee);
}

static const struct ptk_phys_range ram[] = { { 0x40000000, 4 * GiB } };

static const struct ptk_diff_ops arm64_diff = {
	.ram = ram, .nr_ram = 1, .pa_bits = UCA_PA_BITS,
	.rounds = 12, .queries_per_round = 900,
	.round_size = sizeof(struct round), .max_tables = 2048,
	.who = { "EL1", "EL0" }, .status_name = "fsc",
	.open = open_referee, .close = close_referee,
	.map = map, .prepare = prepare, .load = load, .new_cpu = new_cpu,
	.random_va = random_va, .in_stub = in_stub,
	.ask = ask, .unanswerable = -EADDRINUSE,
	.fault_type = fault_type, .as_referee_syndrome = as_referee_esr,
	.summary = ptk_diff_print_checks,
};

/* Each granule at VA sizes that give every start level QEMU implements
 * (T0SZ/T1SZ 16..39: 25..48 bits). */
static const char *const configs[] = {
	"aarch64-4K-25", "aarch64-4K-30", "aarch64-4K-39", "aarch64-4K-42", "aarch64-4K-48",
	"aarch64-16K-25", "aarch64-16K-36", "aarch64-16K-40", "aarch64-16K-47", "aarch64-16K-48",
	"aarch64-64K-25", "aarch64-64K-36", "aarch64-64K-42", "aarch64-64K-48",
};

static void diff_all(void **state)
{
	uint64_t seed = ptk_test_seed("diff-arm64", 0xa64);

	(void)state;
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct ptk_diff_tally t;

		ptk_diff_run(&arm64_diff, configs[i], seed + i, &t);
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
