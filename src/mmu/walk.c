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
		struct ptk_walk_out out;

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
		res->page_size = ptk_level_size(f, lvl);
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

/* Made again after ptk_machine_cpu(), whose caller may change registers. */
static __attribute__((noinline)) void walk_plan_build(struct ptk_machine *m)
{
	const struct ptk_format *f = m->fmt;

	f->ops->walk_plan(f, &m->cpu, &m->plan);
	for (unsigned l = 0; l < f->nlevels; l++) {
		m->plan.shift[l] = f->level[l].shift;
		m->plan.index_mask[l] = (1ull << f->level[l].bits) - 1;
	}
	m->plan_valid = true;
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

/* A plain leaf the allow masks did not clear: the format's full rules. */
static __attribute__((noinline)) int fast_leaf_rules(struct ptk_machine *m,
						     const struct ptk_walk_req *req,
						     struct ptk_walk_result *res, unsigned lvl,
						     uint64_t and_bits, uint64_t or_bits, uint64_t e,
						     struct ptk_walk_out *out)
{
	const struct ptk_format *f = m->fmt;

	if (f->ops->fast_leaf(f, &m->cpu, req, lvl, and_bits, or_bits, e, &res->acc, out,
			      &res->fault))
		return 0;
	return walk_fault(res);
}

/*
 * Plain entries only: tables followed by mask and value, their bits folded
 * for the leaf's rules.  The plan and the result never alias (restrict), so
 * the loop keeps the plan in registers.  Returns 1 when the walk met
 * something it leaves to the full rules.
 */
static inline int walk_fast(struct ptk_machine *m, const struct ptk_walk_plan *restrict plan,
			    uint64_t table, unsigned start, const struct ptk_walk_req *req,
			    struct ptk_walk_result *restrict res)
{
	const unsigned n = m->fmt->nlevels;
	const uint64_t va = req->va;
	uint64_t and_bits = ~0ull, or_bits = 0, e = 0;
	uint64_t chunk = m->walk_chunk, bias = m->walk_bias;	/* tables cluster */
	struct ptk_walk_step *restrict s = res->step;
	const struct ptk_walk_allow *allow;
	struct ptk_walk_out out;
	unsigned lvl;

	for (lvl = start; lvl < n; lvl++, s++) {
		unsigned idx = (unsigned)((va >> plan->shift[lvl]) & plan->index_mask[lvl]);
		uint64_t pa = table + (uint64_t)idx * 8;

		/* bias turns a PA inside the cached chunk into a host address;
		 * keeping it apart from the index shortens the load chain. */
		if ((pa & ~(PTK_CHUNK_SIZE - 1)) != chunk) {
			uintptr_t slot = phys_slot(m->phys, pa);

			if (!slot || (slot & PTK_SLOT_PARTIAL))
				return 1;
			chunk = pa & ~(PTK_CHUNK_SIZE - 1);
			bias = slot - chunk;
			/* Remember it for the next walk unless it is the shared
			 * zero chunk, which a first write replaces. */
			if ((const uint8_t *)slot != m->phys->zero_chunk)
				m->walk_chunk = chunk, m->walk_bias = bias;
		}
		memcpy(&e, (const uint8_t *)(uintptr_t)(pa + bias), sizeof(e));
		*s = (struct ptk_walk_step){ pa, e, (int)lvl, idx };
		and_bits &= e;
		or_bits |= e;
		if ((e & plan->table_mask[lvl]) != plan->table_value[lvl])
			break;
		table = e & plan->table_addr[lvl];
	}
	if (lvl == n || (e & plan->leaf_mask[lvl]) != plan->leaf_value[lvl])
		return 1;
	res->nsteps = lvl + 1 - start;
	res->level = (int)lvl;
	res->page_size = 1ull << plan->shift[lvl];
	res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
	allow = &plan->allow[PTK_WALK_ALLOW_INDEX(req->access, req->user)];
	if ((and_bits & allow->and_mask) == allow->and_value && !(or_bits & allow->or_forbid) &&
	    (e & allow->leaf_need) == allow->leaf_need) {
		m->fmt->ops->leaf_attrs(plan, lvl, and_bits, or_bits, e, &res->acc);
		out.addr = e & plan->leaf_addr[lvl];
		out.updated = req->access != PTK_ACC_WRITE ? e :
			      (e | plan->leaf_set_on_write) & ~plan->leaf_clear_on_write;
	} else if (fast_leaf_rules(m, req, res, lvl, and_bits, or_bits, e, &out)) {
		return -EFAULT;
	}
	if (!req->no_update && out.updated != e)
		walk_update(m, s, out.updated);
	res->pa = out.addr | (va & (res->page_size - 1));
	return 0;
}

int ptk_translate(struct ptk_machine *m, const struct ptk_pgtable *pt,
		  const struct ptk_walk_req *req, struct ptk_walk_result *res)
{
	const struct ptk_walk_plan *plan = &m->plan;
	uint64_t va = req->va;
	unsigned root;
	int rc;

	if (!m->fast_walk || req->slow)
		return translate_slow(m, pt, req, res);
	if (!m->plan_valid)
		walk_plan_build(m);
	if (va <= plan->lo_last)
		root = plan->lo_root;
	else if (va >= plan->hi_first && va <= plan->hi_last)
		root = plan->hi_root;
	else
		return translate_slow(m, pt, req, res);
	res->va = va;
	res->root = root;
	rc = walk_fast(m, plan, pt->root[root], m->fmt->root_level[root], req, res);
	return rc <= 0 ? rc : translate_slow(m, pt, req, res);
}
