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

/* Only the registers the format uses: the rest cannot change its plan. */
static bool same_cpu(const struct ptk_format *f, const struct ptk_cpu *a,
		     const struct ptk_cpu *b)
{
	uint64_t diff = a->pa_bits ^ b->pa_bits;

	for (unsigned i = 0; i < f->nr_cpu_regs; i++)
		diff |= a->reg[i] ^ b->reg[i];
	return !diff;
}

/* The plan is remade whenever the control state differs from the one it
 * was made for, so callers may change registers freely. */
static const struct ptk_walk_plan *walk_plan(struct ptk_machine *m)
{
	if (!m->plan_valid || !same_cpu(m->fmt, &m->plan_cpu, &m->cpu)) {
		const struct ptk_format *f = m->fmt;

		f->ops->walk_plan(f, &m->cpu, &m->plan);
		for (unsigned l = 0; l < f->nlevels; l++) {
			m->plan.shift[l] = f->level[l].shift;
			m->plan.index_mask[l] = (1ull << f->level[l].bits) - 1;
		}
		m->plan_cpu = m->cpu;
		m->plan_valid = true;
	}
	return &m->plan;
}

/* Record what the fast walk read, once it is done. */
static void fast_steps(struct ptk_walk_result *res, const uint64_t *pa, const uint64_t *e,
		       const unsigned *idx, unsigned n)
{
	for (unsigned l = 0; l < n; l++)
		res->step[l] = (struct ptk_walk_step){ pa[l], e[l], (int)l, idx[l] };
	res->nsteps = n;
}

/*
 * Plain entries only: tables followed by mask and value, their bits folded
 * for the leaf's rules.  Everything lives in locals so that the compiler
 * keeps it in registers.  Returns 1 when the walk met something it leaves
 * to walk_slow().
 */
static int walk_fast(struct ptk_machine *m, const struct ptk_pgtable *pt,
		     const struct ptk_walk_req *req, struct ptk_walk_result *res)
{
	const struct ptk_format *f = m->fmt;
	const struct ptk_walk_plan *plan = walk_plan(m);
	const unsigned n = f->nlevels;
	const uint64_t va = req->va;
	uint64_t table = pt->root[res->root], and_bits = ~0ull, or_bits = 0;
	uint64_t chunk = ~0ull, epa[PTK_MAX_LEVELS], ent[PTK_MAX_LEVELS];
	unsigned idx[PTK_MAX_LEVELS];
	const uint8_t *host = NULL;	/* tables cluster: remember the last chunk */
	struct ptk_walk_out out;
	unsigned lvl;

	for (lvl = 0; lvl < n; lvl++) {
		uint64_t e, pa;

		idx[lvl] = (unsigned)((va >> plan->shift[lvl]) & plan->index_mask[lvl]);
		pa = table + (uint64_t)idx[lvl] * 8;

		if ((pa & ~(PTK_CHUNK_SIZE - 1)) != chunk) {
			uintptr_t slot = phys_slot(m->phys, pa);

			if (!slot || (slot & PTK_SLOT_PARTIAL))
				return 1;
			chunk = pa & ~(PTK_CHUNK_SIZE - 1);
			host = (const uint8_t *)slot;
		}
		memcpy(&e, host + (pa & (PTK_CHUNK_SIZE - 1)), sizeof(e));
		epa[lvl] = pa;
		ent[lvl] = e;
		and_bits &= e;
		or_bits |= e;
		if ((e & plan->table_mask[lvl]) != plan->table_value[lvl])
			break;
		table = e & plan->table_addr[lvl];
	}
	if (lvl == n || (ent[lvl] & plan->leaf_mask[lvl]) != plan->leaf_value[lvl])
		return 1;
	fast_steps(res, epa, ent, idx, lvl + 1);
	res->level = (int)lvl;
	res->page_size = 1ull << plan->shift[lvl];
	if (!f->ops->fast_leaf(f, &m->cpu, req, lvl, and_bits, or_bits, ent[lvl], &res->acc,
			       &out, &res->fault))
		return walk_fault(res);
	if (!req->no_update)
		walk_update(m, &res->step[lvl], out.updated);
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
	res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
	r = f->ops->select_root(f, &m->cpu, req->va, &res->fault);
	if (r < 0)
		return walk_fault(res);
	res->root = (unsigned)r;
	/* The fast path reads 8-byte entries; 4-byte formats take the rules. */
	if (f->ops->walk_plan && f->entry_shift == 3 && !req->slow) {
		rc = walk_fast(m, pt, req, res);
		if (rc <= 0)
			return rc;
		res->level = -1;
		res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
	}
	return walk_slow(m, pt, req, res);
}
