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

int ptk_translate(struct ptk_machine *m, const struct ptk_pgtable *pt,
		  const struct ptk_walk_req *req, struct ptk_walk_result *res)
{
	const struct ptk_format *f = m->fmt;
	const struct ptk_cpu *cpu = &m->cpu;
	uint64_t table;
	int r;

	res->va = req->va;
	res->level = -1;
	res->nsteps = 0;
	res->acc = (struct ptk_walk_acc){ .perm = PTK_PROT_READ | PTK_PROT_WRITE |
						  PTK_PROT_EXEC | PTK_PROT_USER };
	res->fault = (struct ptk_fault){ .kind = PTK_FAULT_NONE, .level = -1 };
	r = f->ops->select_root(f, cpu, req->va, &res->fault);
	if (r < 0)
		return walk_fault(res);
	res->root = (unsigned)r;
	table = pt->root[r];
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
