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
#include <string.h>

#include <ptkit/arm32.h>
#include "ptk_test.h"
#include "uc_arm32.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

#define ROUNDS 12
#define QUERIES_PER_ROUND 900
#define MAX_TABLES 1024

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
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	struct rng *rng;
	struct ptk_mapping leaves[1024];
	unsigned nleaves;
	uint64_t seen_leaves;
	struct ucb_page pages[MAX_TABLES];
	uint8_t *bytes[MAX_TABLES];
	size_t npages;
};

static const char *const prots[] = {
	"ra", "rwa", "rxa", "rwxa", "rua", "rwua", "rxua", "rwxua", "rwga", "r", "rwu", "rxga",
};

static void build_mappings(struct round *rd)
{
	static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, 2 * MiB, 32 * MiB, GiB };

	for (unsigned i = 0; i < 24; i++) {
		uint64_t size = sizes[rng_below(rd->rng, 5)];
		uint64_t va = rng_below(rd->rng, 1ull << 32) & ~(size - 1);
		/* PAs below 40 bits, away from the referee's range under 4 GiB. */
		uint64_t pa = rng_below(rd->rng, 1ull << 39) & ~(size - 1);
		struct ptk_prot p;

		if (pa < (1ull << 32) && pa + size > 0xFFFF0000ull)
			pa -= 1ull << 31;
		assert_int_equal(ptk_prot_parse(rd->f, prots[rng_below(rd->rng, 12)], &p), 0);
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
	rd->bytes[k] = malloc(4096);
	assert_int_equal(ptk_phys_read(ptk_machine_phys(rd->m), table, rd->bytes[k], 4096), 0);
	rd->pages[k] = (struct ucb_page){ table, rd->bytes[k], 4096 };
	rd->npages++;
	for (unsigned i = 0; lvl + 1 < f->nlevels && i < ptk_entries_per_table(f, lvl); i++) {
		uint64_t e;
		struct ptk_desc d;

		memcpy(&e, rd->bytes[k] + 8 * i, 8);
		f->ops->decode(f, lvl, e, &d);
		if (d.type == PTK_DESC_TABLE && ptk_phys_is_ram(ptk_machine_phys(rd->m), d.addr, 4096))
			collect(rd, d.addr, lvl + 1);
	}
}

static void damage(struct round *rd)
{
	static const uint64_t bits[] = {
		D_VALID, D_TABLE, D_AF, D_AP1, D_AP2, D_XN, D_PXN, D_PXNTAB, D_XNTAB, D_APTAB0,
		D_APTAB1, D_NG, D_CONT,
	};

	for (unsigned n = 0; n < 40 && rd->npages; n++) {
		size_t k = rng_below(rd->rng, rd->npages);
		unsigned i = (unsigned)rng_below(rd->rng, 512);
		uint64_t e;

		memcpy(&e, rd->bytes[k] + 8 * i, 8);
		if (!e && rng_chance(rd->rng, 80))
			continue;
		e ^= bits[rng_below(rd->rng, sizeof(bits) / sizeof(bits[0]))];
		memcpy(rd->bytes[k] + 8 * i, &e, 8);
		assert_int_equal(ptk_phys_write(ptk_machine_phys(rd->m), rd->pages[k].pa + 8 * i,
						&e, 8), 0);
	}
}

static void random_cpu(struct round *rd, struct ucb_state *st)
{
	struct ptk_cpu *cpu = ptk_machine_cpu(rd->m);

	rd->f->ops->cpu_defaults(rd->f, cpu);
	cpu->pa_bits = UCB_PA_BITS;
	if (rng_chance(rd->rng, 25))
		cpu->arm32.sctlr |= SCTLR_WXN;
	if (rng_chance(rd->rng, 25))
		cpu->arm32.sctlr |= SCTLR_UWXN;
	*st = (struct ucb_state){
		.lpae = true,
		.ttbcr = cpu->arm32.ttbcr, .sctlr = cpu->arm32.sctlr, .dacr = cpu->arm32.dacr,
		.mair0 = cpu->arm32.mair0, .mair1 = cpu->arm32.mair1,
	};
	/* What the TTBRs hold: under the 2G split TTBR1 points into its root,
	 * at the entry of its first VA (Linux's TTBR1_OFFSET). */
	assert_int_equal(ptk_arm32_lpae_ttbr(rd->f, st->ttbcr, 0, ptk_pgtable_root(rd->pt, 0),
					     &st->ttbr0), 0);
	assert_int_equal(ptk_arm32_lpae_ttbr(rd->f, st->ttbcr, 1, ptk_pgtable_root(rd->pt, 1),
					     &st->ttbr1), 0);
}

static uint32_t query_va(struct round *rd, bool *pl0)
{
	struct rng *r = rd->rng;

	*pl0 = rng_chance(r, 50);
	if (rng_chance(r, 70) && rd->nleaves) {
		const struct ptk_mapping *l = &rd->leaves[rng_below(r, rd->nleaves)];

		if (rng_chance(r, 75))
			*pl0 = !!(l->prot.flags & PTK_PROT_USER);
		return (uint32_t)(l->va + (rng_below(r, l->size) & ~3ull));
	}
	return (uint32_t)rng_next(r) & ~3u;
}

static enum ucb_fault_type kind_to_type(enum ptk_fault_kind k)
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

struct tally {
	uint64_t checks, faults, deviations, walks_compared, by_kind[PTK_NR_FAULT_KINDS];
};

static void compare_one(struct round *rd, struct ucb *uc, const struct ucb_state *st,
			uint32_t va, enum ptk_access acc, bool pl0, struct tally *t)
{
	static const enum ucb_access uacc[] = { UCB_READ, UCB_WRITE, UCB_FETCH };
	struct ptk_walk_req req = { .va = va, .access = acc, .user = pl0, .no_update = true };
	struct ptk_walk_result res;
	struct ucb_result ur;
	int rc = ucb_query(uc, st, va, uacc[acc], pl0, &ur), mine;

	if (rc == -EINVAL)
		return;		/* a translation into the referee's own range */
	assert_int_equal(rc, 0);
	mine = ptk_translate(rd->m, rd->pt, &req, &res);
	ptk_test_check_fast_path(rd->m, rd->pt, &req, &res);
	if (ur.deviation || ur.unlisted) {
		t->deviations++;
		return;
	}
	t->checks++;
	if ((mine != 0) != ur.fault || kind_to_type(res.fault.kind) != ur.type ||
	    (ur.fault && res.fault.level != ur.level))
		fail_msg("%s va %#x %s %s: ptkit %s level %d, QEMU %s level %d (fs %#x)",
			 rd->f->name, va, ptk_access_name(acc), pl0 ? "PL0" : "PL1",
			 mine ? ptk_fault_name(res.fault.kind) : "ok", res.fault.level,
			 ucb_fault_type_name(ur.type), ur.level, ur.fs);
	if (mine) {
		t->faults++;
		t->by_kind[res.fault.kind]++;
		if (ur.fsr && res.fault.syndrome != ur.fsr)
			fail_msg("%s va %#x %s %s: %s, FSR ptkit %#llx QEMU %#x", rd->f->name, va,
				 ptk_access_name(acc), pl0 ? "PL0" : "PL1",
				 ptk_fault_name(res.fault.kind),
				 (unsigned long long)res.fault.syndrome, ur.fsr);
	} else if (!ur.pa_derived && res.pa != ur.pa) {
		fail_msg("%s va %#x: pa ptkit %#llx QEMU %#llx", rd->f->name, va,
			 (unsigned long long)res.pa, (unsigned long long)ur.pa);
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

static void run_round(struct round *rd, struct ucb *uc, struct tally *t, uint64_t queries)
{
	struct ucb_state st;

	build_mappings(rd);
	assert_int_equal(ptk_for_each_mapping(rd->pt, 0, ~0ull, sample_leaf, rd), 0);
	for (unsigned r = 0; r < rd->f->nroots; r++)
		collect(rd, ptk_pgtable_root(rd->pt, r), rd->f->root_level[r]);
	damage(rd);
	assert_int_equal(ucb_set_memory(uc, rd->pages, rd->npages), 0);
	for (uint64_t q = 0; q < queries; q++) {
		bool pl0;
		uint32_t va = query_va(rd, &pl0);

		if (q % 100 == 0)
			random_cpu(rd, &st);
		compare_one(rd, uc, &st, va, (enum ptk_access)rng_below(rd->rng, 3), pl0, t);
	}
}

static void diff_config(const char *name, uint64_t seed)
{
	static const struct ptk_phys_range ram[] = { { 0x40000000, 2 * GiB } };
	struct rng rng = { seed };
	struct tally t = { 0 };
	struct ucb *uc;

	assert_int_equal(ucb_open(&uc), 0);
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct round *rd = calloc(1, sizeof(*rd));

		rd->rng = &rng;
		rd->m = ptk_test_machine(name, ram, 1, UCB_PA_BITS);
		rd->f = ptk_machine_format(rd->m);
		assert_int_equal(ptk_pgd_alloc(rd->m, "diff", &rd->pt), 0);
		run_round(rd, uc, &t, ptk_test_scale(QUERIES_PER_ROUND));
		for (size_t i = 0; i < rd->npages; i++)
			free(rd->bytes[i]);
		ptk_machine_destroy(rd->m);
		free(rd);
	}
	ucb_close(uc);
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

static const char *const configs[] = { "arm32-lpae", "arm32-lpae-2g" };

static void diff_all(void **state)
{
	uint64_t seed = ptk_test_seed("diff-arm32", 0xa32);

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
