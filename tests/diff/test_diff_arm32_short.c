// SPDX-License-Identifier: MIT
/*
 * Differential test: ptkit's ARMv7 short-descriptor walker against QEMU's
 * (libunicorn, tests/referee/uc_arm32), shaped like test_diff_arm32.c.
 * Random trees built by the engine in Linux's 2-level layout (sections
 * and Linux's paired pte pages, whose hardware halves the walk reads),
 * plus hand-written supersections (PA[39:32] from the extended base) and
 * 64 KiB large pages, which Linux never makes; then damaged at random
 * (descriptor types, AP[2:0], XN, PXN, domains, TEX/C/B, S, nG); random
 * DACR (every kind in every domain), TTBCR.PD0/PD1, SCTLR.AFE, WXN, UWXN;
 * random 32-bit addresses read, written and fetched at PL1 and PL0
 * (LDRBT/STRBT in the referee).  Both must agree on fault versus no fault,
 * the fault type and level, the DFSR/IFSR (FS, domain, WnR), the physical
 * address and every descriptor the walk reads.  Where QEMU 5.0 departs from
 * the manual the referee flags the query (see tests/referee/README.md:
 * domain check before the L2 fetch, reserved DACR 0b10 and AP 0b100,
 * Access flag priority, WXN/UWXN ignored, unreplicated entries); those are
 * counted and left to tests/unit/test_arm32_short_format.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/arm32.h>
#include "ptk_test.h"
#include "uc_arm32.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)

#define ROUNDS 14
#define QUERIES_PER_ROUND 2500
#define MAX_PAGES 512

struct round {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	struct rng *rng;
	struct ptk_mapping leaves[1024];
	unsigned nleaves;
	uint64_t seen_leaves;
	struct ucb_page pages[MAX_PAGES];
	uint8_t *bytes[MAX_PAGES];
	size_t npages;
	uint32_t extra_va[64];	/* hand-written supersections and large pages */
	unsigned nextra;
};

static const char *const prots[] = {
	"rad", "rwad", "rxad", "rwxad", "ruad", "rwuad", "rxuad", "rwxuad", "rwgad", "rwa",
	"rwua", "rxgad", "r", "rwu",
};

/* Linux's mappings through the engine: sections where 1 MiB alignment
 * allows, else small pages in paired pte pages. */
static void build_mappings(struct round *rd)
{
	static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, MiB, 2 * MiB, 8 * MiB };

	for (unsigned i = 0; i < 40; i++) {
		uint64_t size = sizes[rng_below(rd->rng, 5)];
		uint64_t va = rng_below(rd->rng, 1ull << 32) & ~(size - 1);
		uint64_t pa = rng_below(rd->rng, 0xf0000000ull) & ~(size - 1);
		struct ptk_prot p;

		assert_int_equal(ptk_prot_parse(rd->f, prots[rng_below(rd->rng, 14)], &p), 0);
		if (rng_chance(rd->rng, 20))
			p.memtype = (uint8_t)rng_below(rd->rng, 16);
		ptk_map_range(rd->pt, va, pa, size, &p, 0);	/* overlaps are refused: fine */
	}
}

static uint32_t rd32(struct round *rd, uint64_t pa)
{
	uint32_t v = 0;

	assert_int_equal(ptk_phys_read(ptk_machine_phys(rd->m), pa, &v, 4), 0);
	return v;
}

static void wr32(struct round *rd, uint64_t pa, uint32_t v)
{
	assert_int_equal(ptk_phys_write(ptk_machine_phys(rd->m), pa, &v, 4), 0);
}

static uint32_t random_attr(struct round *rd, bool sect)
{
	uint32_t a = (uint32_t)rng_next(rd->rng);

	return sect ? a & (0x7u << 12 | PTK_ARM32_SD_SECT_C | PTK_ARM32_SD_SECT_B |
			   PTK_ARM32_SD_SECT_XN | PTK_ARM32_SD_SECT_PXN | PTK_ARM32_SD_SECT_S |
			   PTK_ARM32_SD_SECT_NG)
		    : a & (0x7u << 12 | PTK_ARM32_SD_PTE_C | PTK_ARM32_SD_PTE_B |
			   PTK_ARM32_SD_LARGE_XN | PTK_ARM32_SD_PTE_S | PTK_ARM32_SD_PTE_NG);
}

/* A supersection in 16 free first-level entries of a root, replicated. */
static void add_supersection(struct round *rd, unsigned r)
{
	uint64_t root = ptk_pgtable_root(rd->pt, r);
	unsigned first = (unsigned)rng_below(rd->rng, 256) * 16;
	uint64_t pa = rng_below(rd->rng, 1ull << 40) & ~0xffffffull;
	uint32_t e;

	for (unsigned i = 0; i < 16; i++)
		if (rd32(rd, root + 4 * (first + i)))
			return;
	if (pa < (1ull << 32) && pa + 16 * MiB > UCB_RESERVED_PA)
		pa -= 1ull << 30;
	e = ptk_arm32_sd_supersection(pa, (unsigned)rng_below(rd->rng, 8), random_attr(rd, true));
	for (unsigned i = 0; i < 16; i++)
		wr32(rd, root + 4 * (first + i), e);
	rd->extra_va[rd->nextra++] = (uint32_t)first << 20;
}

/* Large pages over the hardware half of a pte page Linux's tables use:
 * 16 replicated entries where the Linux table is empty. */
static void add_large_pages(struct round *rd)
{
	const struct ptk_mapping *l;
	uint64_t hw;
	unsigned first;

	if (!rd->nleaves)
		return;
	l = &rd->leaves[rng_below(rd->rng, rd->nleaves)];
	if (l->level != 1)
		return;
	first = (unsigned)rng_below(rd->rng, 16) * 16;
	hw = (l->entry_pa & ~1023ull) + PTK_ARM32_PTE_HWTABLE_OFF;
	for (unsigned i = 0; i < 16; i++)
		if (rd32(rd, hw + 4 * (first + i)))
			return;
	for (unsigned i = 0; i < 16; i++)
		wr32(rd, hw + 4 * (first + i),
		     ptk_arm32_sd_large((uint32_t)rng_below(rd->rng, 0xf0000000ull),
					(unsigned)rng_below(rd->rng, 8), random_attr(rd, false)));
	/* replicated: the same value 16 times */
	for (unsigned i = 1; i < 16; i++)
		wr32(rd, hw + 4 * (first + i), rd32(rd, hw + 4 * first));
	rd->extra_va[rd->nextra++] = (uint32_t)((l->va & ~(MiB - 1)) | (uint64_t)first << 12);
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

static void add_page(struct round *rd, uint64_t pa, size_t size)
{
	size_t k = rd->npages;

	for (size_t i = 0; i < k; i++)
		if (rd->pages[i].pa == pa)
			return;
	assert_true(k < MAX_PAGES);
	rd->bytes[k] = malloc(size);
	assert_int_equal(ptk_phys_read(ptk_machine_phys(rd->m), pa, rd->bytes[k], size), 0);
	rd->pages[k] = (struct ucb_page){ pa, rd->bytes[k], size };
	rd->npages++;
}

/* The referee's copy: each root (16 KiB) and each pte page (4 KiB) its
 * page-table descriptors point into. */
static void collect(struct round *rd)
{
	for (unsigned r = 0; r < rd->f->nroots; r++) {
		uint64_t root = ptk_pgtable_root(rd->pt, r);

		add_page(rd, root, 16 * KiB);
		for (unsigned i = 0; i < 4096; i++) {
			uint32_t e = rd32(rd, root + 4 * i);
			uint64_t page = e & ~0xfffull;

			if ((e & 3) == PTK_ARM32_SD_L1_TABLE &&
			    ptk_phys_is_ram(ptk_machine_phys(rd->m), page, 4096))
				add_page(rd, page, 4 * KiB);
		}
	}
}

/* Flip descriptor bits in the copies and in the machine alike. */
static void damage(struct round *rd)
{
	static const uint32_t bits[] = {
		1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7, 1u << 9,
		1u << 10, 1u << 11, 1u << 12, 1u << 15, 1u << 16, 1u << 17, 1u << 18,
	};

	for (unsigned n = 0; n < 60 && rd->npages; n++) {
		size_t k = rng_below(rd->rng, rd->npages);
		size_t words = rd->pages[k].size / 4;
		/* pte pages: the hardware half only (the walk reads it) */
		unsigned i = (unsigned)(words == 1024 ? 512 + rng_below(rd->rng, 512)
						      : rng_below(rd->rng, words));
		uint32_t e, flip;

		memcpy(&e, rd->bytes[k] + 4 * i, 4);
		if (!e && rng_chance(rd->rng, 80))
			continue;
		flip = bits[rng_below(rd->rng, sizeof(bits) / sizeof(bits[0]))];
		/* keep tables pointing at listed pages: a table may lose its
		 * type or change its PXN, NS, domain bits, not its address */
		if (words == 4096 && ((e ^ flip) & 3) == PTK_ARM32_SD_L1_TABLE &&
		    ((e & 3) != PTK_ARM32_SD_L1_TABLE || flip >= 1u << 10))
			continue;
		e ^= flip;
		memcpy(rd->bytes[k] + 4 * i, &e, 4);
		wr32(rd, rd->pages[k].pa + 4 * i, e);
	}
}

static void random_cpu(struct round *rd, struct ucb_state *st)
{
	struct ptk_cpu *cpu = ptk_machine_cpu(rd->m);
	struct rng *r = rd->rng;

	rd->f->ops->cpu_defaults(rd->f, cpu);
	if (rng_chance(r, 60))
		cpu->arm32.dacr = (uint32_t)rng_next(r);
	if (rng_chance(r, 10))
		cpu->arm32.ttbcr |= rng_chance(r, 50) ? PTK_ARM32_TTBCR_PD0 : PTK_ARM32_TTBCR_PD1;
	if (rng_chance(r, 25))
		cpu->arm32.sctlr |= PTK_ARM32_SCTLR_AFE;
	if (rng_chance(r, 15))
		cpu->arm32.sctlr |= PTK_ARM32_SCTLR_WXN;
	if (rng_chance(r, 15))
		cpu->arm32.sctlr |= PTK_ARM32_SCTLR_UWXN;
	*st = (struct ucb_state){
		.lpae = false,
		.ttbr0 = ptk_pgtable_root(rd->pt, 0),
		.ttbr1 = ptk_pgtable_root(rd->pt, rd->f->nroots - 1u),
		.ttbcr = cpu->arm32.ttbcr, .sctlr = cpu->arm32.sctlr, .dacr = cpu->arm32.dacr,
		.prrr = cpu->arm32.prrr, .nmrr = cpu->arm32.nmrr,
	};
}

static uint32_t query_va(struct round *rd, bool *pl0)
{
	struct rng *r = rd->rng;

	*pl0 = rng_chance(r, 50);
	if (rng_chance(r, 15) && rd->nextra)
		return (rd->extra_va[rng_below(r, rd->nextra)] + (uint32_t)rng_below(r, 64 * KiB)) &
		       ~3u;
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
	case PTK_FAULT_DOMAIN: return UCB_FT_DOMAIN;
	case PTK_FAULT_WRITE: case PTK_FAULT_USER: case PTK_FAULT_EXEC:
		return UCB_FT_PERMISSION;
	default: return UCB_FT_OTHER;
	}
}

struct tally {
	uint64_t checks, faults, deviations, walks_compared, by_kind[PTK_NR_FAULT_KINDS];
	uint64_t sizes[4];	/* 4K, 64K, 1M, 16M leaves agreed on */
};

static void tally_size(struct tally *t, unsigned shift)
{
	t->sizes[shift == 12 ? 0 : shift == 16 ? 1 : shift == 20 ? 2 : 3]++;
}

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
		if (ptk_arm32_sfsr_fs(res.fault.syndrome) != ur.fs ||
		    (ur.fsr && res.fault.syndrome != ur.fsr))
			fail_msg("%s va %#x %s %s: %s, FSR ptkit %#llx QEMU %#x (fs %#x)",
				 rd->f->name, va, ptk_access_name(acc), pl0 ? "PL0" : "PL1",
				 ptk_fault_name(res.fault.kind),
				 (unsigned long long)res.fault.syndrome, ur.fsr, ur.fs);
	} else if (!ur.pa_derived && res.pa != ur.pa) {
		fail_msg("%s va %#x: pa ptkit %#llx QEMU %#llx", rd->f->name, va,
			 (unsigned long long)res.pa, (unsigned long long)ur.pa);
	} else if (res.page_size != 1ull << ur.page_shift) {
		fail_msg("%s va %#x: page size ptkit %#llx QEMU %#llx", rd->f->name, va,
			 (unsigned long long)res.page_size, 1ull << ur.page_shift);
	} else {
		tally_size(t, ur.page_shift);
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
	for (unsigned i = 0; i < 4; i++) {
		add_supersection(rd, (unsigned)rng_below(rd->rng, rd->f->nroots));
		add_large_pages(rd);
	}
	collect(rd);
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
	static const struct ptk_phys_range ram[] = { { 0x40000000, 1ull << 30 } };
	struct rng rng = { seed };
	struct tally t = { 0 };
	struct ucb *uc;

	assert_int_equal(ucb_open(&uc), 0);
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct round *rd = calloc(1, sizeof(*rd));

		rd->rng = &rng;
		rd->m = ptk_test_machine(name, ram, 1, 32);
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
	       "%llu queries where QEMU departs from the manual)\n"
	       "  leaves: %llu small, %llu large, %llu sections, %llu supersections\n",
	       name, (unsigned long long)t.checks, (unsigned long long)t.faults,
	       (unsigned long long)t.walks_compared, (unsigned long long)t.deviations,
	       (unsigned long long)t.sizes[0], (unsigned long long)t.sizes[1],
	       (unsigned long long)t.sizes[2], (unsigned long long)t.sizes[3]);
	for (int k = 1; k < PTK_NR_FAULT_KINDS; k++)
		if (t.by_kind[k])
			printf("  %-40s %llu\n", ptk_fault_name((enum ptk_fault_kind)k),
			       (unsigned long long)t.by_kind[k]);
	assert_true(t.checks >= 10000 * ptk_test_scale(1));
	assert_true(t.checks - t.faults >= t.checks / 5);
	for (int i = 0; i < 4; i++)
		assert_true(t.sizes[i] > 0);
}

/* TTBCR.N = 0 (Linux's), and TTBR0/TTBR1 splits. */
static const char *const configs[] = { "arm32", "arm32-n2", "arm32-n5" };

static void diff_all(void **state)
{
	uint64_t seed = ptk_test_seed("diff-arm32-short", 0x5d);

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
