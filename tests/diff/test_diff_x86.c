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
#include <string.h>

#include <ptkit/x86_64.h>
#include "ptk_test.h"
#include "uc_x86.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

#define ROUNDS 24
#define QUERIES_PER_ROUND 500

struct round {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	struct rng *rng;
	uint64_t mapped_va[64];
	unsigned nmapped;
	struct ptk_mapping leaves[1024];	/* a sample of the leaf mappings */
	unsigned nleaves;
	uint64_t seen_leaves;
	/* every table page of the tree, as the referee wants them */
	struct ucx_page pages[4096];
	uint8_t *bytes[4096];
	size_t npages;
};

static const char *const prots[] = {
	"r", "rw", "rx", "rwx", "ru", "rwu", "rxu", "rwxu", "rwg", "rwua", "rwuad",
	"ru,pkey=1", "rwu,pkey=2", "rwxu,pkey=3", "rwu,uc", "rx,wc",
};

/* Places in the VA space to map, in different top-level slots. */
static uint64_t random_region(struct round *rd)
{
	static const uint64_t bases[] = {
		0x0000000000000000ull, 0x0000000040000000ull, 0x00007fffc0000000ull,
		0xffff888000000000ull, 0xffffc90000000000ull, 0xffffffff80000000ull,
	};
	static const uint64_t bases5[] = { 0x00ff000000000000ull, 0xff11000000000000ull };
	uint64_t b;

	if (rd->f->nlevels == 5 && rng_chance(rd->rng, 30))
		b = bases5[rng_below(rd->rng, 2)];
	else
		b = bases[rng_below(rd->rng, 6)];
	return b + (rng_below(rd->rng, 64) << 21);
}

static void build_mappings(struct round *rd)
{
	static const uint64_t sizes[] = { 4 * KiB, 16 * KiB, 2 * MiB, 4 * MiB + 8 * KiB, GiB };
	static const uint64_t pages[] = { 0, 4 * KiB, 2 * MiB, GiB };

	for (unsigned i = 0; i < 24; i++) {
		struct ptk_prot p;
		uint64_t size = sizes[rng_below(rd->rng, 5)];
		uint64_t va = random_region(rd), pa, page = pages[rng_below(rd->rng, 4)];

		if (size == GiB)
			va &= ~(GiB - 1);
		/* PAs anywhere below 2^40 except the referee's reserved range. */
		pa = rng_below(rd->rng, UCX_RESERVED_PA - 2 * GiB) & ~(4 * KiB - 1);
		if (rng_chance(rd->rng, 60))
			pa = (pa & ~(GiB - 1)) | (va & (GiB - 1));	/* allow huge pages */
		if (page && ((va | pa | size) & (page - 1)))
			page = 0;
		assert_int_equal(ptk_prot_parse(rd->f, prots[rng_below(rd->rng, 16)], &p), 0);
		if (ptk_map_range(rd->pt, va, pa, size, &p, page) == 0 && rd->nmapped < 64)
			rd->mapped_va[rd->nmapped++] = va;
	}
}

/* --- collect the tree's table pages ------------------------------------ */

static void collect(struct round *rd, uint64_t table, unsigned lvl)
{
	const struct ptk_format *f = rd->f;
	size_t k = rd->npages;

	for (size_t i = 0; i < k; i++)
		if (rd->pages[i].pa == table)
			return;		/* damage can make tables shared */
	assert_true(k < 4096);
	rd->bytes[k] = malloc(4096);
	assert_int_equal(ptk_phys_read(ptk_machine_phys(rd->m), table, rd->bytes[k], 4096), 0);
	rd->pages[k] = (struct ucx_page){ table, rd->bytes[k] };
	rd->npages++;
	for (unsigned i = 0; lvl + 1 < f->nlevels && i < 512; i++) {
		uint64_t e;
		struct ptk_desc d;

		memcpy(&e, rd->bytes[k] + 8 * i, 8);
		f->ops->decode(f, lvl, e, &d);
		if (d.type == PTK_DESC_TABLE && ptk_phys_is_ram(ptk_machine_phys(rd->m), d.addr, 4096))
			collect(rd, d.addr, lvl + 1);
	}
}

/* --- damage: the walk rules QEMU and ptkit must agree on ---------------- */

static uint64_t damage_bit(struct rng *r)
{
	static const uint64_t bits[] = {
		PTK_X86_PAGE_PRESENT, PTK_X86_PAGE_RW, PTK_X86_PAGE_USER, PTK_X86_PAGE_PSE,
		PTK_X86_PAGE_NX, 1ull << 39, 1ull << 40, 1ull << 45, 1ull << 51, 1ull << 13,
		1ull << 20, 1ull << 29, PTK_X86_PAGE_PAT_LARGE, 1ull << 60,
	};

	return bits[rng_below(r, sizeof(bits) / sizeof(bits[0]))];
}

static void damage(struct round *rd)
{
	struct ptk_phys *ph = ptk_machine_phys(rd->m);

	for (unsigned n = 0; n < 24 && rd->npages; n++) {
		size_t k = rng_below(rd->rng, rd->npages);
		unsigned i = (unsigned)rng_below(rd->rng, 512);
		uint64_t e;

		memcpy(&e, rd->bytes[k] + 8 * i, 8);
		if (!e && rng_chance(rd->rng, 80))
			continue;
		e ^= damage_bit(rd->rng);
		/* Never lead the referee's walker into its own reserved range. */
		if ((e & PTK_X86_ADDR_MASK) >= UCX_RESERVED_PA)
			continue;
		memcpy(rd->bytes[k] + 8 * i, &e, 8);
		assert_int_equal(ptk_phys_write(ph, rd->pages[k].pa + 8 * i, &e, 8), 0);
	}
}

/* --- control state --------------------------------------------------------- */

static void random_cpu(struct round *rd, struct ucx_state *st)
{
	struct ptk_cpu *cpu = ptk_machine_cpu(rd->m);
	struct rng *r = rd->rng;

	rd->f->ops->cpu_defaults(rd->f, cpu);
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
	*st = (struct ucx_state){
		.cr3 = ptk_pgtable_root(rd->pt, 0),
		.cr0_wp = !!(cpu->x86.cr0 & PTK_X86_CR0_WP),
		.la57 = rd->f->nlevels == 5,
		.nxe = !!(cpu->x86.efer & PTK_X86_EFER_NXE),
		.smep = !!(cpu->x86.cr4 & PTK_X86_CR4_SMEP),
		.smap = !!(cpu->x86.cr4 & PTK_X86_CR4_SMAP),
		.ac = cpu->x86.ac,
		.pke = !!(cpu->x86.cr4 & PTK_X86_CR4_PKE),
		.pkru = cpu->x86.pkru,
	};
}

/* Reservoir-sample the leaves, so queries can aim inside real mappings. */
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

static uint64_t random_va(struct round *rd, bool *user)
{
	struct rng *r = rd->rng;
	unsigned k = (unsigned)rng_below(r, 10);

	*user = rng_chance(r, 50);
	if (k < 6 && rd->nleaves) {
		const struct ptk_mapping *l = &rd->leaves[rng_below(r, rd->nleaves)];

		/* Mostly the access its protection suggests, so that many succeed. */
		if (rng_chance(r, 75))
			*user = !!(l->prot.flags & PTK_PROT_USER);
		return l->va + rng_below(r, l->size);
	}
	if (k < 7 && rd->nmapped)
		return rd->mapped_va[rng_below(r, rd->nmapped)] + rng_below(r, 6 * MiB);
	if (k < 8)
		return random_region(rd) + rng_below(r, 2 * MiB);
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

struct tally {
	uint64_t checks, faults, gp, walks_compared, outside_ram, by_kind[PTK_NR_FAULT_KINDS];
};

/* The walker's fast path and its full rules must agree on everything. */
static void compare_one(struct round *rd, struct ucx *uc, const struct ucx_state *st,
			uint64_t va, enum ptk_access acc, bool user, struct tally *t)
{
	static const enum ucx_access uacc[] = { UCX_READ, UCX_WRITE, UCX_FETCH };
	struct ptk_walk_req req = { .va = va, .access = acc, .user = user, .no_update = true };
	struct ptk_walk_result res;
	struct ucx_result ur;
	int rc = ucx_query(uc, st, va, uacc[acc], user, &ur), mine;

	if (rc == -EADDRINUSE)
		return;
	assert_int_equal(rc, 0);
	mine = ptk_translate(rd->m, rd->pt, &req, &res);
	ptk_test_check_fast_path(rd->m, rd->pt, &req, &res);
	/* Damage can point a table outside RAM.  The referee reads such a page
	 * as zeros; ptkit reports the external abort a bus would raise.  Not a
	 * rule to compare, but ptkit must say so. */
	if (ur.unlisted && !ptk_phys_is_ram(ptk_machine_phys(rd->m), ur.unlisted_pa, 8)) {
		assert_int_equal(res.fault.kind, PTK_FAULT_BUS);
		t->outside_ram++;
		return;
	}
	t->checks++;
	if ((mine != 0) != ur.fault)
		fail_msg("va %#llx %s %s: ptkit %s, QEMU %s (ec %#x)", (unsigned long long)va,
			 ptk_access_name(acc), user ? "user" : "kernel",
			 mine ? ptk_fault_name(res.fault.kind) : "ok", ur.fault ? "fault" : "ok",
			 ur.error_code);
	if (mine) {
		t->faults++;
		t->by_kind[res.fault.kind]++;
		assert_int_equal(res.fault.kind == PTK_FAULT_NON_CANONICAL, ur.gp);
		t->gp += ur.gp;
		if (!ur.gp && ur.error_code_valid && res.fault.syndrome != ur.error_code)
			fail_msg("va %#llx %s %s: %s, error code ptkit %#llx QEMU %#x",
				 (unsigned long long)va, ptk_access_name(acc),
				 user ? "user" : "kernel", ptk_fault_name(res.fault.kind),
				 (unsigned long long)res.fault.syndrome, ur.error_code);
	} else if (res.pa != ur.pa) {
		fail_msg("va %#llx: pa ptkit %#llx QEMU %#llx", (unsigned long long)va,
			 (unsigned long long)res.pa, (unsigned long long)ur.pa);
	}
	if (ur.gp)
		return;
	/* The same entries, read from the same places, in the same order. */
	assert_int_equal(res.nsteps, ur.nwalk);
	for (unsigned i = 0; i < res.nsteps; i++) {
		assert_int_equal(res.step[i].entry_pa, ur.walk_pa[i]);
		assert_int_equal(res.step[i].entry, ur.walk_val[i]);
	}
	t->walks_compared++;
}

static void run_round(struct round *rd, struct ucx *uc, struct tally *t, uint64_t queries)
{
	struct ucx_state st;

	build_mappings(rd);
	assert_int_equal(ptk_for_each_mapping(rd->pt, 0, ~0ull, sample_leaf, rd), 0);
	collect(rd, ptk_pgtable_root(rd->pt, 0), 0);
	damage(rd);
	assert_int_equal(ucx_set_memory(uc, rd->pages, rd->npages), 0);
	for (uint64_t q = 0; q < queries; q++) {
		bool user;
		uint64_t va = random_va(rd, &user);

		if (q % 100 == 0)
			random_cpu(rd, &st);
		if (in_stub(va))
			continue;
		compare_one(rd, uc, &st, va, (enum ptk_access)rng_below(rd->rng, 3), user, t);
	}
}

static void diff_mode(const char *fmt, uint64_t seed)
{
	static const struct ptk_phys_range ram[] = { { 0, 4 * GiB }, { 1ull << 38, 8 * GiB } };
	struct rng rng = { seed };
	struct tally t = { 0 };
	struct ucx *uc;

	assert_int_equal(ucx_open(&uc), 0);
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct round *rd = calloc(1, sizeof(*rd));

		rd->rng = &rng;
		rd->m = ptk_test_machine(fmt, ram, 2, UCX_PA_BITS);
		rd->f = ptk_machine_format(rd->m);
		assert_int_equal(ptk_pgd_alloc(rd->m, "diff", &rd->pt), 0);
		run_round(rd, uc, &t, ptk_test_scale(QUERIES_PER_ROUND));
		for (size_t i = 0; i < rd->npages; i++)
			free(rd->bytes[i]);
		ptk_machine_destroy(rd->m);
		free(rd);
	}
	ucx_close(uc);
	printf("%s: %llu checks agree with QEMU (%llu faults, %llu #GP, %llu walks compared entry by entry; "
	       "%llu walks left RAM)\n",
	       fmt, (unsigned long long)t.checks, (unsigned long long)t.faults,
	       (unsigned long long)t.gp, (unsigned long long)t.walks_compared,
	       (unsigned long long)t.outside_ram);
	for (int k = 1; k < PTK_NR_FAULT_KINDS; k++)
		if (t.by_kind[k])
			printf("  %-40s %llu\n", ptk_fault_name((enum ptk_fault_kind)k),
			       (unsigned long long)t.by_kind[k]);
	assert_true(t.checks >= 10000 * ptk_test_scale(1) * 95 / 100);
	/* Enough of both outcomes and of every rule QEMU can referee. */
	assert_true(t.checks - t.faults >= t.checks / 5);
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
