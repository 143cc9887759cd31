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
	for (unsigned lvl = 0; lvl < f->nlevels; lvl++) {
		struct ptk_walk_step *s = &res->step[res->nsteps++];
		enum ptk_desc_type t;
		struct ptk_walk_out out;

		s->level = (int)lvl;
		s->index = ptk_level_index(f, lvl, req->va);
		s->entry_pa = table + ((uint64_t)s->index << f->entry_shift);
		if (read_entry(m, s->entry_pa, &s->entry)) {
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

/* The plan for the current control state; ptk_machine_cpu() invalidates it
 * since its caller may change registers. */
static const struct ptk_walk_plan *walk_plan(struct ptk_machine *m)
{
	if (!m->plan_valid) {
		const struct ptk_format *f = m->fmt;

		f->ops->walk_plan(f, &m->cpu, &m->plan);
		for (unsigned l = 0; l < f->nlevels; l++) {
			m->plan.shift[l] = f->level[l].shift;
			m->plan.index_mask[l] = (1ull << f->level[l].bits) - 1;
		}
		m->plan_valid = true;
	}
	return &m->plan;
}

/*
 * Plain entries only: tables followed by mask and value, their bits folded
 * for the leaf's rules.  The plan and the result never alias (restrict), so
 * the loop keeps the plan in registers.  Returns 1 when the walk met
 * something it leaves to walk_slow().
 */
static int walk_fast(struct ptk_machine *m, const struct ptk_walk_plan *restrict plan,
		     const struct ptk_pgtable *pt, const struct ptk_walk_req *req,
		     struct ptk_walk_result *restrict res)
{
	const struct ptk_format *f = m->fmt;
	const unsigned n = f->nlevels;
	const uint64_t va = req->va;
	uint64_t table = pt->root[res->root], and_bits = ~0ull, or_bits = 0, e = 0;
	uint64_t chunk = ~0ull;
	const uint8_t *host = NULL;	/* tables cluster: remember the last chunk */
	struct ptk_walk_step *restrict s = res->step;
	const struct ptk_walk_allow *allow;
	struct ptk_walk_out out;
	unsigned lvl;

	for (lvl = 0; lvl < n; lvl++, s++) {
		unsigned idx = (unsigned)((va >> plan->shift[lvl]) & plan->index_mask[lvl]);
		uint64_t pa = table + (uint64_t)idx * 8;

		if ((pa & ~(PTK_CHUNK_SIZE - 1)) != chunk) {
			uintptr_t slot = phys_slot(m->phys, pa);

			if (!slot || (slot & PTK_SLOT_PARTIAL))
				return 1;
			chunk = pa & ~(PTK_CHUNK_SIZE - 1);
			host = (const uint8_t *)slot;
		}
		memcpy(&e, host + (pa & (PTK_CHUNK_SIZE - 1)), sizeof(e));
		*s = (struct ptk_walk_step){ pa, e, (int)lvl, idx };
		and_bits &= e;
		or_bits |= e;
		if ((e & plan->table_mask[lvl]) != plan->table_value[lvl])
			break;
		table = e & plan->table_addr[lvl];
	}
	if (lvl == n || (e & plan->leaf_mask[lvl]) != plan->leaf_value[lvl])
		return 1;
	res->nsteps = lvl + 1;
	res->level = (int)lvl;
	res->page_size = 1ull << plan->shift[lvl];
	allow = &plan->allow[PTK_WALK_ALLOW_INDEX(req->access, req->user)];
	if ((and_bits & allow->and_mask) == allow->and_value && !(or_bits & allow->or_forbid)) {
		f->ops->leaf_attrs(f, &m->cpu, lvl, and_bits, or_bits, e, &res->acc);
		out.addr = e & plan->leaf_addr[lvl];
		out.updated = req->access != PTK_ACC_WRITE ? e :
			      (e | plan->leaf_set_on_write) & ~plan->leaf_clear_on_write;
	} else if (!f->ops->fast_leaf(f, &m->cpu, req, lvl, and_bits, or_bits, e, &res->acc,
				    &out, &res->fault))
		return walk_fault(res);
	if (!req->no_update && out.updated != e)
		walk_update(m, s, out.updated);
	res->pa = out.addr | (va & (res->page_size - 1));
	return 0;
}

int ptk_translate(struct ptk_machine *m, const struct ptk_pgtable *pt,
		  const struct ptk_walk_req *req, struct ptk_walk_result *res)
{
	const struct ptk_format *f = m->fmt;
	int r, rc;

	res->va = req->va;
	res->level = -1;
	res->nsteps = 0;
	res->root = 0;
	res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
	/* The fast path reads 8-byte entries; 4-byte formats take the rules. */
	if (f->ops->walk_plan && f->entry_shift == 3 && !req->slow) {
		const struct ptk_walk_plan *plan = walk_plan(m);

		if (req->va <= plan->lo_last || req->va >= plan->hi_first) {
			res->root = req->va <= plan->lo_last ? plan->lo_root : plan->hi_root;
			rc = walk_fast(m, plan, pt, req, res);
			if (rc <= 0)
				return rc;
			res->level = -1;
			res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
		}
	}
	r = f->ops->select_root(f, &m->cpu, req->va, &res->fault);
	if (r < 0)
		return walk_fault(res);
	res->root = (unsigned)r;
	return walk_slow(m, pt, req, res);
}
