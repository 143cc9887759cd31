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
#include <string.h>

#include <ptkit/aarch64.h>
#include "ptk_test.h"
#include "uc_arm64.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

#define ROUNDS 12
#define QUERIES_PER_ROUND 900
#define MAX_TABLES 2048

struct round {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	struct rng *rng;
	struct ptk_mapping leaves[1024];
	unsigned nleaves;
	uint64_t seen_leaves;
	struct uca_page pages[MAX_TABLES];
	uint8_t *bytes[MAX_TABLES];
	size_t npages;
};

static const char *const prots[] = {
	"ra", "rwa", "rxa", "rwxa", "rua", "rwua", "rxua", "rwxua", "rwga", "r", "rwu",
	"rxu", "rxga", "rwa,normal_nc", "rwa,device_ngnre",
};

static uint64_t table_size(const struct round *rd)
{
	return 1ull << rd->f->table_shift;
}

/* Bases in both halves, in different top-level slots. */
static uint64_t random_va(struct round *rd, bool high)
{
	uint64_t span = 1ull << rd->f->va_bits;
	uint64_t va = rng_below(rd->rng, span) & ~(4 * KiB - 1);

	return high ? va | ~(span - 1) : va;
}

static void build_mappings(struct round *rd)
{
	static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, 2 * MiB, 32 * MiB, 512 * MiB, GiB };
	uint64_t gran = table_size(rd);

	for (unsigned i = 0; i < 24; i++) {
		uint64_t size = sizes[rng_below(rd->rng, 6)], va, pa;
		struct ptk_prot p;

		size = (size + gran - 1) & ~(gran - 1);
		va = random_va(rd, rng_chance(rd->rng, 40)) & ~(size - 1);
		/* PAs below QEMU's 44 bits, away from the referee's range. */
		pa = rng_below(rd->rng, (1ull << 43)) & ~(size - 1);
		assert_int_equal(ptk_prot_parse(rd->f, prots[rng_below(rd->rng, 15)], &p), 0);
		ptk_map_range(rd->pt, va, pa, size, &p, 0);	/* overlaps are refused: fine */
	}
}

static int sample_leaf(void *ctx, const struct ptk_mapping *map)
{
	struct round *rd = ctx;
	uint64_t slot = rd->seen_leaves++;

	if (rd->nleaves < 1024)
		rd->leaves[rd->nleaves++] = *map;
	else if ((slot = rng_below(rd->rng, slot + 1)) < 1024)
		rd->leaves[slot] = *map;
	return 0;
}

static void collect(struct round *rd, uint64_t table, unsigned lvl)
{
	const struct ptk_format *f = rd->f;
	size_t k = rd->npages;

	for (size_t i = 0; i < k; i++)
		if (rd->pages[i].pa == table)
			return;
	assert_true(k < MAX_TABLES);
	rd->bytes[k] = malloc(table_size(rd));
	assert_int_equal(ptk_phys_read(ptk_machine_phys(rd->m), table, rd->bytes[k],
				       table_size(rd)), 0);
	rd->pages[k] = (struct uca_page){ table, rd->bytes[k], table_size(rd) };
	rd->npages++;
	for (unsigned i = 0; lvl + 1 < f->nlevels && i < ptk_entries_per_table(f, lvl); i++) {
		uint64_t e;
		struct ptk_desc d;

		memcpy(&e, rd->bytes[k] + 8 * i, 8);
		f->ops->decode(f, lvl, e, &d);
		if (d.type == PTK_DESC_TABLE &&
		    ptk_phys_is_ram(ptk_machine_phys(rd->m), d.addr, table_size(rd)))
			collect(rd, d.addr, lvl + 1);
	}
}

static uint64_t damage_bit(struct rng *r)
{
	static const uint64_t bits[] = {
		PTK_A64_VALID, PTK_A64_TABLE_BIT, PTK_A64_AF, PTK_A64_USER, PTK_A64_RDONLY,
		PTK_A64_UXN, PTK_A64_PXN, PTK_A64_PXNTABLE, PTK_A64_UXNTABLE,
		PTK_A64_APTABLE_NOEL0, PTK_A64_APTABLE_RDONLY, PTK_A64_NG, PTK_A64_CONT,
	};

	return bits[rng_below(r, sizeof(bits) / sizeof(bits[0]))];
}

static void damage(struct round *rd)
{
	for (unsigned n = 0; n < 40 && rd->npages; n++) {
		size_t k = rng_below(rd->rng, rd->npages);
		unsigned i = (unsigned)rng_below(rd->rng, table_size(rd) / 8);
		uint64_t e;

		memcpy(&e, rd->bytes[k] + 8 * i, 8);
		if (!e && rng_chance(rd->rng, 80))
			continue;
		e ^= damage_bit(rd->rng);
		memcpy(rd->bytes[k] + 8 * i, &e, 8);
		assert_int_equal(ptk_phys_write(ptk_machine_phys(rd->m), rd->pages[k].pa + 8 * i,
						&e, 8), 0);
	}
}

static void random_cpu(struct round *rd, struct uca_state *st)
{
	struct ptk_cpu *cpu = ptk_machine_cpu(rd->m);

	rd->f->ops->cpu_defaults(rd->f, cpu);
	cpu->pa_bits = UCA_PA_BITS;
	if (rng_chance(rd->rng, 25))
		cpu->arm64.sctlr |= PTK_A64_SCTLR_WXN;
	cpu->arm64.pan = rng_chance(rd->rng, 30);
	*st = (struct uca_state){
		.ttbr0 = ptk_pgtable_root(rd->pt, 0), .ttbr1 = ptk_pgtable_root(rd->pt, 1),
		.tcr = cpu->arm64.tcr, .mair = cpu->arm64.mair, .sctlr = cpu->arm64.sctlr,
		.pan = cpu->arm64.pan,
	};
}

static uint64_t query_va(struct round *rd, bool *el0)
{
	struct rng *r = rd->rng;

	*el0 = rng_chance(r, 50);
	if (rng_chance(r, 65) && rd->nleaves) {
		const struct ptk_mapping *l = &rd->leaves[rng_below(r, rd->nleaves)];

		if (rng_chance(r, 75))
			*el0 = !!(l->prot.flags & PTK_PROT_USER);
		return l->va + (rng_below(r, l->size) & ~3ull);
	}
	if (rng_chance(r, 85))
		return random_va(rd, rng_chance(r, 50)) + (rng_below(r, 4096) & ~3ull);
	return rng_next(r) & ~3ull;	/* mostly outside both halves */
}

static bool in_stub(uint64_t va)
{
	uint64_t low = va & ((1ull << 56) - 1);	/* any top byte */

	return (low & ~0xfffull) == (UCA_STUB_VA0 & ((1ull << 56) - 1)) ||
	       (low & ~0xfffull) == (UCA_STUB_VA1 & ((1ull << 56) - 1));
}

static enum uca_fault_type kind_to_type(enum ptk_fault_kind k)
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

struct tally {
	uint64_t checks, faults, deviations, walks_compared, by_kind[PTK_NR_FAULT_KINDS];
};

/*
 * The referee makes EL0 data accesses as LDTR/STTR from EL1, so QEMU
 * reports a Data Abort taken from the current EL (EC 0x25); ptkit models an
 * access made at EL0, which takes EC 0x24.  Everything else in the ESR must
 * match.  (EL0 fetches really run at EL0, through ERET.)
 */
static uint64_t as_referee_esr(uint64_t esr, enum ptk_access acc, bool el0)
{
	uint64_t ec = (esr >> PTK_A64_ESR_EC_SHIFT) & 0x3f;

	if (el0 && acc != PTK_ACC_EXEC && ec == PTK_A64_ESR_EC_DABT_LOW)
		esr = (esr & ~(0x3full << PTK_A64_ESR_EC_SHIFT)) |
		      ((uint64_t)PTK_A64_ESR_EC_DABT_CUR << PTK_A64_ESR_EC_SHIFT);
	return esr;
}

static void compare_one(struct round *rd, struct uca *uc, const struct uca_state *st,
			uint64_t va, enum ptk_access acc, bool el0, struct tally *t)
{
	static const enum uca_access uacc[] = { UCA_READ, UCA_WRITE, UCA_FETCH };
	struct ptk_walk_req req = { .va = va, .access = acc, .user = el0, .no_update = true };
	struct ptk_walk_result res;
	struct uca_result ur;
	int rc = uca_query(uc, st, va, uacc[acc], el0, &ur), mine;

	if (rc == -EADDRINUSE)
		return;
	assert_int_equal(rc, 0);
	mine = ptk_translate(rd->m, rd->pt, &req, &res);
	ptk_test_check_fast_path(rd->m, rd->pt, &req, &res);
	if (ur.deviation || ur.unlisted) {
		t->deviations++;	/* QEMU departs from the manual here */
		return;
	}
	t->checks++;
	if ((mine != 0) != ur.fault || kind_to_type(res.fault.kind) != ur.type ||
	    (ur.fault && res.fault.level != ur.level))
		fail_msg("%s va %#llx %s %s: ptkit %s level %d, QEMU %s level %d (fsc %#x)",
			 rd->f->name, (unsigned long long)va, ptk_access_name(acc),
			 el0 ? "EL0" : "EL1", mine ? ptk_fault_name(res.fault.kind) : "ok",
			 res.fault.level, uca_fault_type_name(ur.type), ur.level, ur.fsc);
	if (mine) {
		t->faults++;
		t->by_kind[res.fault.kind]++;
		if (ur.esr && as_referee_esr(res.fault.syndrome, acc, el0) != ur.esr)
			fail_msg("%s va %#llx %s %s: %s, ESR ptkit %#llx QEMU %#x", rd->f->name,
				 (unsigned long long)va, ptk_access_name(acc), el0 ? "EL0" : "EL1",
				 ptk_fault_name(res.fault.kind),
				 (unsigned long long)res.fault.syndrome, ur.esr);
	} else if (res.pa != ur.pa) {
		fail_msg("%s va %#llx: pa ptkit %#llx QEMU %#llx", rd->f->name,
			 (unsigned long long)va, (unsigned long long)res.pa,
			 (unsigned long long)ur.pa);
	}
	if (!ur.nwalk)
		return;
	assert_int_equal(res.nsteps, ur.nwalk);
	for (unsigned i = 0; i < res.nsteps; i++) {
		assert_int_equal(res.step[i].entry_pa, ur.walk_pa[i]);
		assert_int_equal(res.step[i].entry, ur.walk_val[i]);
	}
	t->walks_compared++;
}

static void run_round(struct round *rd, struct uca *uc, struct tally *t, uint64_t queries)
{
	struct uca_state st;

	build_mappings(rd);
	assert_int_equal(ptk_for_each_mapping(rd->pt, 0, ~0ull, sample_leaf, rd), 0);
	collect(rd, ptk_pgtable_root(rd->pt, 0), 0);
	collect(rd, ptk_pgtable_root(rd->pt, 1), 0);
	damage(rd);
	assert_int_equal(uca_set_memory(uc, rd->pages, rd->npages), 0);
	for (uint64_t q = 0; q < queries; q++) {
		bool el0;
		uint64_t va = query_va(rd, &el0);

		if (q % 100 == 0)
			random_cpu(rd, &st);
		if (in_stub(va))
			continue;
		compare_one(rd, uc, &st, va, (enum ptk_access)rng_below(rd->rng, 3), el0, t);
	}
}

static struct ptk_machine *arm64_machine(const char *name, struct ptk_format *f)
{
	static const struct ptk_phys_range ram[] = { { 0x40000000, 4 * GiB } };
	struct ptk_machine_config cfg = { .fmt = f, .ram = ram, .nr_ram = 1,
					  .pa_bits = UCA_PA_BITS };
	struct ptk_error err = { 0 };
	struct ptk_machine *m = NULL;

	if (ptk_format_build(name, f, &err) || ptk_machine_create(&m, &cfg, &err))
		fail_msg("%s: %s", name, err.msg);
	return m;
}

static void diff_config(const char *name, uint64_t seed)
{
	struct rng rng = { seed };
	struct tally t = { 0 };
	struct uca *uc;
	struct ptk_format f;

	assert_int_equal(uca_open(&uc), 0);
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct round *rd = calloc(1, sizeof(*rd));

		rd->rng = &rng;
		rd->m = arm64_machine(name, &f);
		rd->f = ptk_machine_format(rd->m);
		assert_int_equal(ptk_pgd_alloc(rd->m, "diff", &rd->pt), 0);
		run_round(rd, uc, &t, ptk_test_scale(QUERIES_PER_ROUND));
		for (size_t i = 0; i < rd->npages; i++)
			free(rd->bytes[i]);
		ptk_machine_destroy(rd->m);
		free(rd);
	}
	uca_close(uc);
	printf("%s: %llu checks agree with QEMU (%llu faults, %llu walks compared; "
	       "%llu queries where QEMU departs from the manual)\n",
	       name, (unsigned long long)t.checks, (unsigned long long)t.faults,
	       (unsigned long long)t.walks_compared, (unsigned long long)t.deviations);
	for (int k = 1; k < PTK_NR_FAULT_KINDS; k++)
		if (t.by_kind[k])
			printf("  %-40s %llu\n", ptk_fault_name((enum ptk_fault_kind)k),
			       (unsigned long long)t.by_kind[k]);
	assert_true(t.checks >= 10000 * ptk_test_scale(1));
	assert_true(t.checks - t.faults >= t.checks / 5);
}

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
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		diff_config(configs[i], seed + i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diff_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
