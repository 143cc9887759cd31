// SPDX-License-Identifier: MIT
/*
 * The differential tests' shared driver (ptk_diff.h).  The order in which
 * it draws random numbers is part of each test's coverage: a given seed
 * must keep building the same trees and asking the same questions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptk_diff.h"

/* Reservoir-sample the leaves, so queries can aim inside real mappings. */
static int sample_leaf(void *ctx, const struct ptk_mapping *map)
{
	struct ptk_diff_round *rd = ctx;
	uint64_t slot = rd->seen_leaves++;

	if (rd->nleaves < PTK_DIFF_MAX_LEAVES)
		rd->leaves[rd->nleaves++] = *map;
	else if ((slot = rng_below(rd->rng, slot + 1)) < PTK_DIFF_MAX_LEAVES)
		rd->leaves[slot] = *map;
	return 0;
}

uint64_t ptk_diff_va_in_leaf(struct ptk_diff_round *rd, bool *user)
{
	const struct ptk_mapping *l = &rd->leaves[rng_below(rd->rng, rd->nleaves)];

	if (rng_chance(rd->rng, 75))
		*user = !!(l->prot.flags & PTK_PROT_USER);
	return l->va + rng_below(rd->rng, l->size);
}

void ptk_diff_copy_table(struct ptk_diff_round *rd, uint64_t pa, size_t size)
{
	size_t k = rd->ntables;

	for (size_t i = 0; i < k; i++)
		if (rd->tables[i].pa == pa)
			return;		/* damage and aliases can share tables */
	assert_true(k < rd->max_tables);
	rd->tables[k] = (struct ptk_diff_table){ pa, malloc(size), size };
	assert_non_null(rd->tables[k].bytes);
	assert_int_equal(ptk_phys_read(ptk_machine_phys(rd->m), pa, rd->tables[k].bytes, size), 0);
	rd->ntables++;
}

static void copy_subtree(struct ptk_diff_round *rd, uint64_t table, unsigned lvl)
{
	const struct ptk_format *f = rd->f;
	size_t size = (size_t)1 << f->table_shift, k = rd->ntables;

	ptk_diff_copy_table(rd, table, size);
	if (rd->ntables == k)
		return;		/* copied before */
	for (unsigned i = 0; lvl + 1 < f->nlevels && i < ptk_entries_per_table(f, lvl); i++) {
		uint64_t e;
		struct ptk_desc d;

		memcpy(&e, rd->tables[k].bytes + 8 * i, 8);
		f->ops->decode(f, lvl, e, &d);
		if (d.type == PTK_DESC_TABLE && ptk_phys_is_ram(ptk_machine_phys(rd->m), d.addr, size))
			copy_subtree(rd, d.addr, lvl + 1);
	}
}

void ptk_diff_copy_tree(struct ptk_diff_round *rd)
{
	for (unsigned r = 0; r < rd->f->nroots; r++)
		copy_subtree(rd, ptk_pgtable_root(rd->pt, r), rd->f->root_level[r]);
}

void ptk_diff_damage(struct ptk_diff_round *rd, unsigned tries, const uint64_t *bits,
		     size_t nbits, bool (*refuse)(uint64_t entry))
{
	for (unsigned n = 0; n < tries && rd->ntables; n++) {
		struct ptk_diff_table *t = &rd->tables[rng_below(rd->rng, rd->ntables)];
		unsigned i = (unsigned)rng_below(rd->rng, t->size / 8);
		uint64_t e;

		memcpy(&e, t->bytes + 8 * i, 8);
		if (!e && rng_chance(rd->rng, 80))
			continue;
		e ^= bits[rng_below(rd->rng, nbits)];
		if (refuse && refuse(e))
			continue;
		memcpy(t->bytes + 8 * i, &e, 8);
		assert_int_equal(ptk_phys_write(ptk_machine_phys(rd->m), t->pa + 8 * i, &e, 8), 0);
	}
}

/* --- one query -------------------------------------------------------- */

/* Answers not compared are still counted; ptkit must report a walk that
 * left RAM as the bus fault it is. */
static bool set_aside(const struct ptk_diff_answer *a, const struct ptk_walk_result *res,
		      struct ptk_diff_tally *t)
{
	if (a->left_ram) {
		assert_int_equal(res->fault.kind, PTK_FAULT_BUS);
		t->outside_ram++;
		return true;
	}
	if (a->set_aside) {
		t->deviations++;
		return true;
	}
	return false;
}

/* Fault versus no fault; where the referee names it, the type and level. */
static bool same_outcome(const struct ptk_diff_ops *ops, int mine,
			 const struct ptk_walk_result *res, const struct ptk_diff_answer *a)
{
	if ((mine != 0) != a->fault)
		return false;
	return !ops->fault_type || (ops->fault_type(res->fault.kind) == a->type &&
				    (!a->fault || res->fault.level == a->level));
}

static void check_fault(const struct ptk_diff_ops *ops, const struct ptk_diff_round *rd,
			const struct ptk_walk_req *req, const struct ptk_walk_result *res,
			const struct ptk_diff_answer *a, struct ptk_diff_tally *t)
{
	uint64_t syndrome = res->fault.syndrome;

	t->faults++;
	t->by_kind[res->fault.kind]++;
	if (ops->non_canonical_is_gp) {
		assert_int_equal(res->fault.kind == PTK_FAULT_NON_CANONICAL, a->gp);
		t->gp += a->gp;
	}
	if (ops->as_referee_syndrome)
		syndrome = ops->as_referee_syndrome(syndrome, req);
	if ((ops->fault_status && ops->fault_status(res->fault.syndrome) != a->status) ||
	    (a->syndrome_valid && syndrome != a->syndrome))
		fail_msg("%s va %#llx %s %s: %s, %s ptkit %#llx QEMU %#llx (%s %#x)", rd->f->name,
			 (unsigned long long)req->va, ptk_access_name(req->access),
			 ops->who[req->user], ptk_fault_name(res->fault.kind), rd->f->syndrome_name,
			 (unsigned long long)res->fault.syndrome, (unsigned long long)a->syndrome,
			 ops->status_name, a->status);
}

static void check_translation(const struct ptk_diff_round *rd, const struct ptk_walk_req *req,
			      const struct ptk_walk_result *res, const struct ptk_diff_answer *a,
			      struct ptk_diff_tally *t)
{
	if (a->pa_valid && res->pa != a->pa)
		fail_msg("%s va %#llx: pa ptkit %#llx QEMU %#llx", rd->f->name,
			 (unsigned long long)req->va, (unsigned long long)res->pa,
			 (unsigned long long)a->pa);
	if (!a->page_shift_valid)
		return;
	if (res->page_size != 1ull << a->page_shift)
		fail_msg("%s va %#llx: page size ptkit %#llx QEMU %#llx", rd->f->name,
			 (unsigned long long)req->va, (unsigned long long)res->page_size,
			 1ull << a->page_shift);
	t->by_page_shift[a->page_shift]++;
}

/* The same entries, read from the same places, in the same order. */
static void check_walk(const struct ptk_walk_result *res, const struct ptk_diff_answer *a,
		       struct ptk_diff_tally *t)
{
	assert_int_equal(res->nsteps, a->nwalk);
	for (unsigned i = 0; i < res->nsteps; i++) {
		assert_int_equal(res->step[i].entry_pa, a->walk_pa[i]);
		assert_int_equal(res->step[i].entry, a->walk_val[i]);
	}
	t->walks_compared++;
}

static void compare_one(const struct ptk_diff_ops *ops, struct ptk_diff_round *rd, uint64_t va,
			enum ptk_access acc, bool user, struct ptk_diff_tally *t)
{
	struct ptk_walk_req req = { .va = va, .access = acc, .user = user, .no_update = true };
	struct ptk_walk_result res;
	struct ptk_diff_answer a = { 0 };
	int rc = ops->ask(rd, va, acc, user, &a), mine;

	if (rc == ops->unanswerable)
		return;
	assert_int_equal(rc, 0);
	mine = ptk_translate(rd->m, rd->pt, &req, &res);
	/* The walker's fast path and its full rules must agree on everything. */
	ptk_test_check_fast_path(rd->m, rd->pt, &req, &res);
	if (set_aside(&a, &res, t))
		return;
	t->checks++;
	if (!same_outcome(ops, mine, &res, &a))
		fail_msg("%s va %#llx %s %s: ptkit %s level %d, QEMU %s level %d (%s %#x)",
			 rd->f->name, (unsigned long long)va, ptk_access_name(acc),
			 ops->who[user], mine ? ptk_fault_name(res.fault.kind) : "ok",
			 res.fault.level, a.type_name, a.level, ops->status_name, a.status);
	if (mine)
		check_fault(ops, rd, &req, &res, &a, t);
	else
		check_translation(rd, &req, &res, &a, t);
	if (a.walk_valid)
		check_walk(&res, &a, t);
}

/* --- rounds ----------------------------------------------------------- */

static void run_round(const struct ptk_diff_ops *ops, struct ptk_diff_round *rd,
		      struct ptk_diff_tally *t, uint64_t queries)
{
	ops->map(rd);
	assert_int_equal(ptk_for_each_mapping(rd->pt, 0, ~0ull, sample_leaf, rd), 0);
	ops->prepare(rd);
	assert_int_equal(ops->load(rd), 0);
	for (uint64_t q = 0; q < queries; q++) {
		bool user;
		uint64_t va = ops->random_va(rd, &user);

		if (q % 100 == 0)
			ops->new_cpu(rd);
		if (ops->in_stub && ops->in_stub(va))
			continue;
		compare_one(ops, rd, va, (enum ptk_access)rng_below(rd->rng, 3), user, t);
	}
}

static struct ptk_diff_round *round_new(const struct ptk_diff_ops *ops, const char *name,
					struct rng *rng, void *referee)
{
	struct ptk_diff_round *rd = calloc(1, ops->round_size);

	assert_non_null(rd);
	rd->rng = rng;
	rd->referee = referee;
	rd->max_tables = ops->max_tables;
	rd->tables = calloc(ops->max_tables, sizeof(*rd->tables));
	assert_non_null(rd->tables);
	rd->m = ptk_test_machine(name, ops->ram, ops->nr_ram, ops->pa_bits);
	rd->f = ptk_machine_format(rd->m);
	assert_int_equal(ptk_pgd_alloc(rd->m, "diff", &rd->pt), 0);
	return rd;
}

static void round_free(struct ptk_diff_round *rd)
{
	for (size_t i = 0; i < rd->ntables; i++)
		free(rd->tables[i].bytes);
	free(rd->tables);
	ptk_machine_destroy(rd->m);
	free(rd);
}

void ptk_diff_run(const struct ptk_diff_ops *ops, const char *name, uint64_t seed,
		  struct ptk_diff_tally *t)
{
	struct rng rng = { seed };
	void *referee;

	*t = (struct ptk_diff_tally){ 0 };
	assert_int_equal(ops->open(&referee), 0);
	for (unsigned r = 0; r < ops->rounds; r++) {
		struct ptk_diff_round *rd = round_new(ops, name, &rng, referee);

		run_round(ops, rd, t, ptk_test_scale(ops->queries_per_round));
		round_free(rd);
	}
	ops->close(referee);
	ops->summary(name, t);
	for (int k = 1; k < PTK_NR_FAULT_KINDS; k++)
		if (t->by_kind[k])
			printf("  %-40s %llu\n", ptk_fault_name((enum ptk_fault_kind)k),
			       (unsigned long long)t->by_kind[k]);
}

void ptk_diff_print_checks(const char *name, const struct ptk_diff_tally *t)
{
	printf("%s: %llu checks agree with QEMU (%llu faults, %llu walks compared; "
	       "%llu queries where QEMU departs from the manual)\n",
	       name, (unsigned long long)t->checks, (unsigned long long)t->faults,
	       (unsigned long long)t->walks_compared, (unsigned long long)t->deviations);
}

void ptk_diff_assert_coverage(const struct ptk_diff_tally *t, uint64_t min_checks)
{
	assert_true(t->checks >= min_checks);
	assert_true(t->checks - t->faults >= t->checks / 5);
}
