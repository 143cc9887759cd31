// SPDX-License-Identifier: MIT
/*
 * The kernel's page-table primitives over any format: pXd_offset walks one
 * level, pXd_alloc allocates a missing table and populates its parent
 * (__pud_alloc -> pud_alloc_one -> p4d_populate), set_pXd writes an entry.
 * A folded level returns its parent's entry, as pgtable-nop4d.h does.
 */
#include "pgtable/pgtable_priv.h"

uint64_t ptk_entry_read(const struct ptk_pgtable *pt, ptk_ptep_t p)
{
	uint64_t v = 0;

	if (entry_bytes(pt->f) == 8)
		phys_read64(pt->m->phys, p.pa, &v);
	else
		ptk_phys_read(pt->m->phys, p.pa, &v, entry_bytes(pt->f));
	return v;
}

bool ptk_entry_none(const struct ptk_pgtable *pt, ptk_ptep_t p, uint64_t val)
{
	(void)pt, (void)p;
	return val == 0;
}

/* The table a present non-leaf entry points to, or 0. */
static uint64_t entry_table(const struct ptk_pgtable *pt, ptk_ptep_t p)
{
	struct ptk_desc d;

	pt->f->ops->decode(pt->f, (unsigned)p.level, ptk_entry_read(pt, p), &d);
	return d.type == PTK_DESC_TABLE ? d.addr : 0;
}

ptk_ptep_t ptk_pgd_offset(const struct ptk_pgtable *pt, uint64_t va)
{
	struct ptk_fault fault;
	int r = pt->f->ops->select_root(pt->f, &pt->m->cpu, va, &fault);
	unsigned rl;

	r = r < 0 ? 0 : r;
	rl = pt->f->root_level[r];
	return (ptk_ptep_t){ entry_pa(pt->f, pt->root[r], rl, va), (int)rl };
}

/* Step from a parent entry to the entry of Linux level pl below it. */
static ptk_ptep_t level_offset(const struct ptk_pgtable *pt, ptk_ptep_t parent,
			       enum ptk_pglevel pl, uint64_t va)
{
	int hw = pt->f->hwlevel_of[pl];
	uint64_t table;

	if (hw < 0 || hw <= parent.level)
		return parent;		/* folded, or below where this root starts */
	table = entry_table(pt, parent);
	if (!table)
		return (ptk_ptep_t){ 0, -1 };
	return (ptk_ptep_t){ entry_pa(pt->f, table, (unsigned)hw, va), hw };
}

ptk_ptep_t ptk_p4d_offset(const struct ptk_pgtable *pt, ptk_ptep_t pgdp, uint64_t va)
{
	return level_offset(pt, pgdp, PTK_P4D, va);
}

ptk_ptep_t ptk_pud_offset(const struct ptk_pgtable *pt, ptk_ptep_t p4dp, uint64_t va)
{
	return level_offset(pt, p4dp, PTK_PUD, va);
}

ptk_ptep_t ptk_pmd_offset(const struct ptk_pgtable *pt, ptk_ptep_t pudp, uint64_t va)
{
	return level_offset(pt, pudp, PTK_PMD, va);
}

ptk_ptep_t ptk_pte_offset(const struct ptk_pgtable *pt, ptk_ptep_t pmdp, uint64_t va)
{
	return level_offset(pt, pmdp, PTK_PTE, va);
}

/* The parent table holding an entry, for the live counts. */
static uint64_t entry_table_pa(const struct ptk_pgtable *pt, ptk_ptep_t p)
{
	return p.pa & ~(table_bytes(pt->f, (unsigned)p.level) - 1);
}

static int write_entry(struct ptk_pgtable *pt, uint64_t pa, uint64_t val)
{
	if (entry_bytes(pt->f) == 8)
		return phys_write64(pt->m->phys, pa, val);
	return ptk_phys_write(pt->m->phys, pa, &val, entry_bytes(pt->f));
}

/* set_pte_ext(): the entry, then the hardware's copy where the level
 * keeps one. */
int ptk_set_entry(struct ptk_pgtable *pt, ptk_ptep_t p, uint64_t val)
{
	const struct ptk_format *f = pt->f;
	uint64_t old = ptk_entry_read(pt, p);
	uint32_t *live = ptcount_find(&pt->counts, entry_table_pa(pt, p));
	unsigned hw_off = p.level >= 0 ? f->level[p.level].hw_off : 0;
	int rc = write_entry(pt, p.pa, val);

	if (!rc && hw_off)
		rc = write_entry(pt, p.pa + hw_off, f->ops->hw_entry(f, (unsigned)p.level, val));
	if (rc)
		return ptk_err(&pt->m->err, rc, "cannot write entry at %#llx",
			       (unsigned long long)p.pa);
	if (live)
		*live += (val != 0) - (old != 0);
	return 0;
}

/*
 * pmd_populate(): link the new allocation at base into the parent entry,
 * and into the empty entries beside it that share the allocation (Linux's
 * arm links both entries of its pmd pair).  A sibling that is in use
 * keeps what it has; its table in the allocation stays empty.
 */
static int populate(struct ptk_pgtable *pt, ptk_ptep_t parent, unsigned lvl, uint64_t base)
{
	const struct ptk_format *f = pt->f;
	unsigned n = table_share(f, lvl);
	uint64_t first = parent.pa & ~((uint64_t)n * entry_bytes(f) - 1);

	for (unsigned k = 0; k < n; k++) {
		ptk_ptep_t sib = { first + (uint64_t)k * entry_bytes(f), parent.level };
		int rc;

		if (sib.pa != parent.pa && ptk_entry_read(pt, sib))
			continue;
		rc = ptk_set_entry(pt, sib, f->ops->mk_table(f, (unsigned)parent.level,
							      table_in_alloc(f, lvl, base, k), NULL));
		if (rc)
			return rc;
	}
	return 0;
}

/* __pXd_alloc: allocate the table below parent if it is none, populate the
 * parent with it, then return the entry of level pl for va. */
static int level_alloc(struct ptk_pgtable *pt, ptk_ptep_t parent, enum ptk_pglevel pl,
		       uint64_t va, ptk_ptep_t *out)
{
	int hw = pt->f->hwlevel_of[pl];
	uint64_t table;
	int rc;

	if (hw < 0 || hw <= parent.level) {
		*out = parent;		/* folded, or below where this root starts */
		return 0;
	}
	if (ptk_entry_read(pt, parent) == 0) {
		rc = pgtable_alloc_table(pt, (unsigned)hw, &table);
		if (rc)
			return rc;
		rc = populate(pt, parent, (unsigned)hw, table);
		if (rc) {
			pgtable_free_table(pt, (unsigned)hw, table);
			return rc;
		}
	}
	*out = level_offset(pt, parent, pl, va);
	if (out->level < 0)
		return ptk_err(&pt->m->err, -EEXIST, "%s entry for %#llx is a leaf, not a table",
			       ptk_pglevel_name(pl - 1), (unsigned long long)va);
	return 0;
}

int ptk_p4d_alloc(struct ptk_pgtable *pt, ptk_ptep_t pgdp, uint64_t va, ptk_ptep_t *p4dp)
{
	return level_alloc(pt, pgdp, PTK_P4D, va, p4dp);
}

int ptk_pud_alloc(struct ptk_pgtable *pt, ptk_ptep_t p4dp, uint64_t va, ptk_ptep_t *pudp)
{
	return level_alloc(pt, p4dp, PTK_PUD, va, pudp);
}

int ptk_pmd_alloc(struct ptk_pgtable *pt, ptk_ptep_t pudp, uint64_t va, ptk_ptep_t *pmdp)
{
	return level_alloc(pt, pudp, PTK_PMD, va, pmdp);
}

int ptk_pte_alloc(struct ptk_pgtable *pt, ptk_ptep_t pmdp, uint64_t va, ptk_ptep_t *ptep)
{
	return level_alloc(pt, pmdp, PTK_PTE, va, ptep);
}

int ptk_pfn_to_pte(const struct ptk_format *f, uint64_t pfn, const struct ptk_prot *prot,
		   uint64_t *pte)
{
	return f->ops->mk_leaf(f, f->nlevels - 1u, pfn << PTK_PAGE_SHIFT, prot, pte);
}

int ptk_mk_pte(const struct ptk_format *f, uint64_t page_pa, const struct ptk_prot *prot,
	       uint64_t *pte)
{
	return ptk_pfn_to_pte(f, page_pa >> PTK_PAGE_SHIFT, prot, pte);
}

uint64_t ptk_pte_pfn(const struct ptk_format *f, uint64_t pte)
{
	struct ptk_desc d;

	f->ops->decode(f, f->nlevels - 1u, pte, &d);
	return d.addr >> PTK_PAGE_SHIFT;
}
