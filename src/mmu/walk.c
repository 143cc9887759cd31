// SPDX-License-Identifier: MIT
/*
 * The software page walker: one loop for every format.  The format judges
 * each entry (walk_entry) and the final access (check_access); this file
 * only reads entries, follows tables and applies the accessed/dirty updates
 * the hardware would make.
 */
#include <ptkit/mmu.h>
#include "pgtable/pgtable_priv.h"

static int walk_fault(struct ptk_walk_result *res)
{
	res->pa = 0;
	return -EFAULT;
}

/* Hardware A/D updates: tables as they are used, the leaf once allowed. */
static void walk_update(struct ptk_machine *m, const struct ptk_walk_step *s, uint64_t upd)
{
	if (upd == s->entry)
		return;
	if (entry_bytes(m->fmt) == 8)
		phys_write64(m->phys, s->entry_pa, upd);
	else
		ptk_phys_write(m->phys, s->entry_pa, &upd, entry_bytes(m->fmt));
}

static int read_entry(const struct ptk_machine *m, uint64_t pa, uint64_t *e)
{
	*e = 0;
	if (entry_bytes(m->fmt) == 8)
		return phys_read64(m->phys, pa, e);
	return ptk_phys_read(m->phys, pa, e, entry_bytes(m->fmt));
}

/* The full rules, level by level: any entry, any fault. */
static int walk_slow(struct ptk_machine *m, const struct ptk_pgtable *pt,
		     const struct ptk_walk_req *req, struct ptk_walk_result *res)
{
	const struct ptk_format *f = m->fmt;
	const struct ptk_cpu *cpu = &m->cpu;
	uint64_t table = pt->root[res->root];

	res->nsteps = 0;
	res->acc = (struct ptk_walk_acc){ .perm = PTK_PROT_READ | PTK_PROT_WRITE |
						  PTK_PROT_EXEC | PTK_PROT_USER };
	for (unsigned lvl = f->root_level[res->root]; lvl < f->nlevels; lvl++) {
		struct ptk_walk_step *s = &res->step[res->nsteps++];
		enum ptk_desc_type t;
		struct ptk_walk_out out = { .page_shift = 0 };

		s->level = (int)lvl;
		s->index = ptk_level_index(f, lvl, req->va);
		s->entry_pa = table + ((uint64_t)s->index << f->entry_shift);
		if (read_entry(m, s->entry_pa, &s->entry)) {
			if (f->ops->bus_fault)
				f->ops->bus_fault(f, req, lvl, &res->fault);
			else
				res->fault = (struct ptk_fault){ PTK_FAULT_BUS, (int)lvl, 0 };
			return walk_fault(res);
		}
		t = f->ops->walk_entry(f, cpu, lvl, s->entry, req, &res->acc, &out, &res->fault);
		if (t == PTK_DESC_INVALID)
			return walk_fault(res);
		if (t == PTK_DESC_TABLE) {
			if (!req->no_update)
				walk_update(m, s, out.updated);
			table = out.addr;
			continue;
		}
		res->level = (int)lvl;
		res->page_size = out.page_shift ? 1ull << out.page_shift : ptk_level_size(f, lvl);
		if (!f->ops->check_access(f, cpu, req, &res->acc, lvl, &res->fault))
			return walk_fault(res);
		if (!req->no_update)
			walk_update(m, s, out.updated);
		res->pa = out.addr | (req->va & (res->page_size - 1));
		return 0;
	}
	/* A format whose last level is not a leaf would end here. */
	res->fault = (struct ptk_fault){ PTK_FAULT_NOT_PRESENT, f->nlevels - 1, 0 };
	return walk_fault(res);
}

/* An entry's two conditions, mask and value, can hold together. */
static bool plan_overlap(uint64_t mask_a, uint64_t value_a, uint64_t mask_b, uint64_t value_b)
{
	bool a = !(value_a & ~mask_a), b = !(value_b & ~mask_b);

	return a && b && !(mask_a & mask_b & (value_a ^ value_b));
}

/*
 * What the walker adds to the format's plan.  A level's tables must leave
 * its next table's entries within the chunk of RAM the table starts in
 * (aligned to the table's size, as every format's are) and no entry may be
 * both a plain table and a plain leaf: the walker tests the one when the
 * other fails.  A level that breaks either takes the full rules.
 */
static void walk_plan_levels(const struct ptk_format *f, struct ptk_walk_plan *plan)
{
	for (unsigned l = 0; l < f->nlevels; l++) {
		plan->lv[l].shift = f->level[l].shift;
		plan->lv[l].level = (uint8_t)l;
		plan->lv[l].index_mask = (1ull << f->level[l].bits) - 1;
		plan->lv[l].page_size = ptk_level_size(f, l);
		plan->lv[l].offset_mask = plan->lv[l].page_size - 1;
	}
	/* The last level holds no tables, so the walk's loop ends there. */
	plan->lv[f->nlevels - 1].table_mask = 0;
	plan->lv[f->nlevels - 1].table_value = 1;
	for (unsigned l = 0; l < f->nlevels; l++) {
		struct ptk_walk_level *lv = &plan->lv[l];
		uint64_t below = l + 1u < f->nlevels ? lv[1].index_mask << f->entry_shift : 0;
		uint64_t chunk_bits = lv->table_addr & ~(PTK_CHUNK_SIZE - 1);

		/* A mask of every bit would leave walk_table_value() no value
		 * that no entry has: such a level takes the full rules too. */
		if ((lv->table_addr & (below | 7)) || (lv->table_mask | chunk_bits) == ~0ull ||
		    plan_overlap(lv->table_mask, lv->table_value, lv->leaf_mask, lv->leaf_value)) {
			lv->table_mask = lv->leaf_mask = 0;
			lv->table_value = lv->leaf_value = 1;
		}
		lv->table_chunk_mask = lv->table_mask | chunk_bits;
	}
}

/* The leaf memo, emptied: keys start as all ones, which disjoint bits that
 * leave one bit out never make; overlapping bits would give different
 * leaves one key, and a format that names no bits (its plan predates
 * attr_*) has not said which it reads: then there is no memo, every key
 * is 0 (the plan reads no bit) and a filled slot holds key 1, a miss. */
static void walk_memo_reset(struct ptk_walk_cache *w, struct ptk_walk_plan *plan,
			    unsigned nlevels)
{
	uint64_t all = plan->attr_and | plan->attr_or;

	w->memo = !(plan->attr_and & plan->attr_or);
	for (unsigned l = 0; l < nlevels; l++) {
		uint64_t leaf = plan->lv[l].attr_leaf;

		w->memo = w->memo && !(leaf & (plan->attr_and | plan->attr_or)) &&
			  (all | leaf) != ~0ull && (all | leaf) != 0;
		plan->lv[l].memo.key = ~0ull;
	}
	if (!w->memo) {
		plan->attr_and = plan->attr_or = 0;
		for (unsigned l = 0; l < PTK_MAX_LEVELS; l++)
			plan->lv[l].attr_leaf = 0;
	}
}

/*
 * What e & table_chunk_mask must be for a plain table in the chunk: the
 * two tests are one where they agree on the bits both read.  A chunk
 * beyond the table address field, or with bits the table test wants
 * clear (above a small output-address size), passes no entry: ~mask is
 * no value of e & mask.  Such walks find their tables one at a time.
 */
static uint64_t walk_table_value(const struct ptk_walk_level *lv, uint64_t chunk)
{
	uint64_t tm = lv->table_mask, tv = lv->table_value;
	uint64_t chunk_bits = lv->table_addr & ~(PTK_CHUNK_SIZE - 1);

	if (!(tv & ~tm) && !(chunk & ~chunk_bits) && (chunk & tm) == (tv & chunk_bits))
		return tv | chunk;
	return ~lv->table_chunk_mask;
}

/* Made again after ptk_machine_cpu(), whose caller may change registers.
 * The walker forgets its chunk (the table values are the plan's): the
 * next walk enters one. */
static __attribute__((noinline)) void walk_plan_build(struct ptk_machine *m)
{
	const struct ptk_format *f = m->fmt;
	struct ptk_walk_cache *w = &m->walk;

	m->plan = (struct ptk_walk_plan){ .lo_last = 0 };
	f->ops->walk_plan(f, &m->cpu, &m->plan);
	walk_plan_levels(f, &m->plan);
	walk_memo_reset(w, &m->plan, f->nlevels);
	w->chunk = ~0ull;
	w->root_room[0] = w->root_room[1] = 0;
	w->root[0] = m->plan.lo_root;
	w->root[1] = m->plan.hi_root;
	for (unsigned h = 0; h < 2; h++) {
		w->start[h] = (uint8_t)f->root_level[w->root[h]];
		w->first[h] = &m->plan.lv[w->start[h]];
	}
	w->entry_shift = (uint8_t)f->entry_shift;
	m->plan_valid = true;
}

/*
 * Move the walker to the chunk of RAM holding pa.  A chunk not wholly RAM,
 * or never written (its entries all zero, none plain), is left to the
 * full rules: false.
 */
static __attribute__((noinline)) bool walk_chunk_enter(struct ptk_machine *m, uint64_t pa)
{
	const struct ptk_format *f = m->fmt;
	struct ptk_walk_cache *w = &m->walk;
	uint64_t chunk = pa & ~(PTK_CHUNK_SIZE - 1);
	uintptr_t slot = phys_slot(m->phys, chunk);

	if (!slot || (slot & PTK_SLOT_PARTIAL) || (const uint8_t *)slot == m->phys->zero_chunk)
		return false;
	w->chunk = chunk;
	w->bias = slot - chunk;
	for (unsigned l = 0; l < f->nlevels; l++)
		m->plan.lv[l].chunk_value = walk_table_value(&m->plan.lv[l], chunk);
	/* A root table larger than the chunk is never in it. */
	for (unsigned h = 0; h < 2; h++) {
		uint64_t span = m->plan.lv[w->start[h]].index_mask << f->entry_shift;

		w->root_room[h] = span < PTK_CHUNK_SIZE ? PTK_CHUNK_SIZE - span : 0;
	}
	return true;
}

/* Anything the fast path does not take: the full rules from the start. */
static __attribute__((noinline)) int translate_slow(struct ptk_machine *m,
						    const struct ptk_pgtable *pt,
						    const struct ptk_walk_req *req,
						    struct ptk_walk_result *res)
{
	const struct ptk_format *f = m->fmt;
	int r;

	res->va = req->va;
	res->level = -1;
	res->nsteps = 0;
	res->root = 0;
	res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
	r = f->ops->walk_root ? f->ops->walk_root(f, &m->cpu, req, &res->fault)
			      : f->ops->select_root(f, &m->cpu, req->va, &res->fault);
	if (r < 0)
		return walk_fault(res);
	res->root = (unsigned)r;
	return walk_slow(m, pt, req, res);
}

/* A plain leaf the allow conditions did not clear: the format's full rules. */
static __attribute__((noinline)) int fast_leaf_rules(struct ptk_machine *m,
						     const struct ptk_walk_req *req,
						     struct ptk_walk_result *res, unsigned lvl,
						     uint64_t and_bits, uint64_t or_bits,
						     const struct ptk_walk_step *s)
{
	const struct ptk_format *f = m->fmt;
	struct ptk_walk_out out;

	if (!f->ops->fast_leaf(f, &m->cpu, req, lvl, and_bits, or_bits, s->entry, &res->acc, &out,
			       &res->fault))
		return walk_fault(res);
	if (!req->no_update)
		walk_update(m, s, out.updated);
	return 0;
}

/* Which of the plan's allow conditions a plain leaf meets: bit i for allow[i]. */
static uint8_t walk_allowed(const struct ptk_walk_plan *plan, uint64_t and_bits, uint64_t or_bits,
			    uint64_t e, const struct ptk_walk_acc *acc)
{
	uint8_t allowed = 0;

	for (unsigned i = 0; i < sizeof(plan->allow) / sizeof(plan->allow[0]); i++) {
		const struct ptk_walk_allow *a = &plan->allow[i];

		if ((and_bits & a->and_mask) == a->and_value && !(or_bits & a->or_forbid) &&
		    (e & a->leaf_need) == a->leaf_need && (acc->perm & a->perm_need) == a->perm_need)
			allowed |= (uint8_t)(1u << i);
	}
	return allowed;
}

/* leaf_attrs() and the allow conditions, for a key not seen last at this
 * level.  Without a memo the slot is filled all the same, with key 1. */
static __attribute__((noinline)) void leaf_memo_fill(struct ptk_machine *m, unsigned lvl,
						     uint64_t and_bits, uint64_t or_bits,
						     uint64_t e, uint64_t key)
{
	struct ptk_walk_memo *memo = &m->plan.lv[lvl].memo;

	m->fmt->ops->leaf_attrs(&m->plan, lvl, and_bits, or_bits, e, &memo->acc);
	memo->allowed = walk_allowed(&m->plan, and_bits, or_bits, e, &memo->acc);
	memo->key = m->walk.memo ? key : 1;
}

/*
 * A plain leaf: what its bits grant and whether they allow the access,
 * the same as last time for the same bits at this level; an access they
 * do not clear goes to the format's full rules.
 */
static inline int walk_fast_leaf(struct ptk_machine *m, const struct ptk_walk_level *lv,
				 const struct ptk_walk_req *req, struct ptk_walk_result *restrict res,
				 uint64_t and_bits, uint64_t or_bits, const struct ptk_walk_step *s,
				 uint64_t e)
{
	const struct ptk_walk_plan *plan = &m->plan;
	uint64_t key = (and_bits & plan->attr_and) | (or_bits & plan->attr_or) |
		       (e & lv->attr_leaf);
	unsigned lvl = lv->level;

	res->level = (int)lvl;
	res->page_size = lv->page_size;
	res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
	if (key != lv->memo.key)
		leaf_memo_fill(m, lvl, and_bits, or_bits, e, key);
	if (!(lv->memo.allowed & (1u << PTK_WALK_ALLOW_INDEX(req->access, req->user)))) {
		if (fast_leaf_rules(m, req, res, lvl, and_bits, or_bits, s))
			return -EFAULT;
	} else {
		res->acc = lv->memo.acc;
		if (req->access == PTK_ACC_WRITE && !req->no_update)
			walk_update(m, s, (e | plan->leaf_set_on_write) & ~plan->leaf_clear_on_write);
	}
	res->pa = (e & lv->leaf_addr) | (req->va & lv->offset_mask);
	return 0;
}

/* The half's root table lies in the walker's chunk, entries and all:
 * one compare, as chunk is aligned and root_room leaves room for them. */
static inline bool walk_root_in_chunk(const struct ptk_walk_cache *w, uint64_t table,
				      unsigned half)
{
	return table - w->chunk < w->root_room[half];
}

/* The same after moving to the root's chunk if need be.  Roots are the
 * caller's (an image's CR3 or TTBR): one that straddles two chunks is left
 * to the full rules, which read entry by entry. */
static inline bool walk_root_reachable(struct ptk_machine *m, uint64_t table, unsigned half)
{
	if (__builtin_expect(walk_root_in_chunk(&m->walk, table, half), 1))
		return true;
	return walk_chunk_enter(m, table) && walk_root_in_chunk(&m->walk, table, half);
}

/* An entry of 2^eshift bytes at host address p, zero-extended. */
static inline uint64_t walk_read(uintptr_t p, const unsigned eshift)
{
	uint32_t e32;
	uint64_t e;

	if (eshift == 2) {
		memcpy(&e32, (const uint8_t *)p, sizeof(e32));
		return e32;
	}
	memcpy(&e, (const uint8_t *)p, sizeof(e));
	return e;
}

/* Where a level's entry goes in or_bits (struct ptk_walk_allow). */
static inline unsigned walk_lane(unsigned lvl, const unsigned eshift)
{
	return (lvl << (eshift + 3)) & 63;
}

/*
 * Plain entries only: tables followed by mask and value, their bits folded
 * for the leaf's rules.  Tables are read in one chunk of RAM at a time:
 * bias turns their PAs into host addresses, and table_chunk_mask tests "a
 * plain table in this chunk" as one.  A plain table elsewhere moves the
 * chunk.  lv walks the plan's levels beside s, so that a level's fields
 * are at fixed offsets from one pointer; the result is restrict, so the
 * stores to its steps do not make the loop read the plan again.  eshift,
 * log2 of the entry bytes, is a constant in each caller, so that each
 * width gets its own loop.  Returns 1 when the walk met something it
 * leaves to the full rules.
 */
static inline __attribute__((always_inline)) int
walk_fast(struct ptk_machine *m, uint64_t table, unsigned half, const struct ptk_walk_req *req,
	  struct ptk_walk_result *restrict res, const unsigned eshift)
{
	const uint64_t va = req->va;
	const struct ptk_walk_level *lv = m->walk.first[half];
	uint64_t and_bits = ~0ull, or_bits = 0, e, bias = m->walk.bias;
	struct ptk_walk_step *restrict s = res->step;

	for (;;) {
		unsigned n;

		/* Unrolled, lv and s advance by constant offsets, not adds. */
		_Static_assert(PTK_MAX_LEVELS == 6, "the unroll count");
#pragma GCC unroll 6
		for (n = 0; n < PTK_MAX_LEVELS; n++) {
			uint64_t idx = (va >> lv->shift) & lv->index_mask;
			uint64_t pa = table + (idx << eshift);

			s->entry_pa = pa;
			s->level = lv->level;
			s->index = (unsigned)idx;
			e = walk_read((uintptr_t)(pa + bias), eshift);
			s->entry = e;
			and_bits &= e;
			or_bits |= e << walk_lane(lv->level, eshift);
			if ((e & lv->table_chunk_mask) != lv->chunk_value)
				break;
			table = e & lv->table_addr;
			s++, lv++;
		}
		/* Never: the last level holds no tables (walk_plan_levels). */
		if (n == PTK_MAX_LEVELS)
			return 1;
		if ((e & lv->leaf_mask) == lv->leaf_value)
			break;
		if ((e & lv->table_mask) != lv->table_value)
			return 1;
		table = e & lv->table_addr;
		if (!walk_chunk_enter(m, table))
			return 1;
		bias = m->walk.bias;
		s++, lv++;
	}
	/* The first step holds the start: read back, it needs no register
	 * through the loop. */
	res->nsteps = lv->level + 1u - (unsigned)res->step[0].level;
	return walk_fast_leaf(m, lv, req, res, and_bits, or_bits, s, e);
}

/* Before the plan is made, or when the caller asks for the full rules. */
static __attribute__((noinline)) int translate_unplanned(struct ptk_machine *m,
							 const struct ptk_pgtable *pt,
							 const struct ptk_walk_req *req,
							 struct ptk_walk_result *res)
{
	if (m->fast_walk && !m->plan_valid) {
		walk_plan_build(m);
		if (!req->slow)
			return ptk_translate(m, pt, req, res);
	}
	return translate_slow(m, pt, req, res);
}

int ptk_translate(struct ptk_machine *m, const struct ptk_pgtable *pt,
		  const struct ptk_walk_req *req, struct ptk_walk_result *res)
{
	const struct ptk_walk_plan *plan = &m->plan;
	uint64_t va = req->va, table;
	unsigned half, root;
	int rc;

	if (__builtin_expect(!m->plan_valid || req->slow, 0))
		return translate_unplanned(m, pt, req, res);
	if (va <= plan->lo_last)
		half = 0;
	else if (va >= plan->hi_first && va <= plan->hi_last)
		half = 1;
	else
		return translate_slow(m, pt, req, res);
	root = m->walk.root[half];
	table = pt->root[root];
	if (!walk_root_reachable(m, table, half))
		return translate_slow(m, pt, req, res);
	res->va = va;
	res->root = root;
	if (m->walk.entry_shift == 3)
		rc = walk_fast(m, table, half, req, res, 3);
	else
		rc = walk_fast(m, table, half, req, res, 2);
	return rc <= 0 ? rc : translate_slow(m, pt, req, res);
}
