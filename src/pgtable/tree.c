// SPDX-License-Identifier: MIT
/*
 * Page-table trees: pgd_alloc/pgd_free, the machine's list of trees, and the
 * allocation of table pages (pud_alloc_one and friends all end here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgtable/pgtable_priv.h"

int pgtable_alloc_table(struct ptk_pgtable *pt, unsigned lvl, uint64_t *pa)
{
	struct ptk_machine *m = pt->m;
	int rc = ptcount_reserve(&pt->counts, 1);

	if (rc)
		return ptk_err(&m->err, rc, "out of host memory");
	rc = ptk_alloc_frames(m, table_order(pt->f, lvl), pa);
	if (rc)
		return rc;
	/* A table page must be reachable as bytes before it is linked in. */
	if (ptk_phys_zero(m->phys, *pa, ptk_table_alloc_bytes(pt->f, lvl)) ||
	    !phys_bytes_for_write(m->phys, *pa, ptk_table_alloc_bytes(pt->f, lvl))) {
		ptk_free_frames(m, *pa, table_order(pt->f, lvl));
		return ptk_err(&m->err, -ENOMEM, "out of host memory backing RAM");
	}
	ptcount_insert(&pt->counts, *pa);
	return 0;
}

void pgtable_free_table(struct ptk_pgtable *pt, unsigned lvl, uint64_t pa)
{
	pa = table_alloc_base(pt->f, lvl, pa);
	ptcount_remove(&pt->counts, pa);
	ptk_free_frames(pt->m, pa, table_order(pt->f, lvl));
}

static void release_all(struct ptk_machine *m)
{
	while (m->pgtables)
		ptk_pgd_free(m->pgtables);
}

static int pgtable_new(struct ptk_machine *m, const char *name, struct ptk_pgtable **out)
{
	struct ptk_pgtable *pt;

	if (!name || !*name || strlen(name) >= sizeof(pt->name))
		return ptk_err(&m->err, -EINVAL, "table name must be 1..%zu characters",
			       sizeof(pt->name) - 1);
	if (ptk_pgtable_find(m, name))
		return ptk_err(&m->err, -EEXIST, "a table named '%s' exists already", name);
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return ptk_err(&m->err, -ENOMEM, "out of host memory");
	pt->m = m;
	pt->f = m->fmt;
	snprintf(pt->name, sizeof(pt->name), "%s", name);
	ptcount_init(&pt->counts);
	*out = pt;
	return 0;
}

static void pgtable_link(struct ptk_pgtable *pt)
{
	struct ptk_pgtable **pp = &pt->m->pgtables;

	while (*pp)
		pp = &(*pp)->next;
	*pp = pt;
	pt->m->release_pgtables = release_all;
}

int ptk_pgd_alloc(struct ptk_machine *m, const char *name, struct ptk_pgtable **out)
{
	struct ptk_pgtable *pt;
	int rc = pgtable_new(m, name, &pt);

	if (rc)
		return rc;
	pt->owned = true;
	for (pt->nroots = 0; pt->nroots < m->fmt->nroots; pt->nroots++) {
		rc = pgtable_alloc_table(pt, m->fmt->root_level[pt->nroots], &pt->root[pt->nroots]);
		if (rc) {
			while (pt->nroots) {
				pt->nroots--;
				pgtable_free_table(pt, m->fmt->root_level[pt->nroots],
						   pt->root[pt->nroots]);
			}
			ptcount_release(&pt->counts);
			free(pt);
			return rc;
		}
	}
	pgtable_link(pt);
	*out = pt;
	return 0;
}

int ptk_pgtable_attach(struct ptk_machine *m, const char *name, const uint64_t *roots,
		       unsigned nroots, struct ptk_pgtable **out)
{
	struct ptk_pgtable *pt;
	int rc;

	if (nroots != m->fmt->nroots)
		return ptk_err(&m->err, -EINVAL, "%s needs %u root(s), got %u", m->fmt->name,
			       m->fmt->nroots, nroots);
	for (unsigned i = 0; i < nroots; i++)
		if (!ptk_phys_is_ram(m->phys, roots[i], table_bytes(m->fmt, m->fmt->root_level[i])) ||
		    (roots[i] & (table_bytes(m->fmt, m->fmt->root_level[i]) - 1)))
			return ptk_err(&m->err, -EINVAL,
				       "root %#llx is not an aligned table in RAM",
				       (unsigned long long)roots[i]);
	rc = pgtable_new(m, name, &pt);
	if (rc)
		return rc;
	memcpy(pt->root, roots, nroots * sizeof(*roots));
	pt->nroots = nroots;
	pgtable_link(pt);
	*out = pt;
	return 0;
}

/* Free the tables below one table, bottom-up (free_pgd_range).  Tables
 * that share an allocation go together, with the first of them met: the
 * others then find no count. */
static void free_subtree(struct ptk_pgtable *pt, uint64_t table_pa, unsigned lvl)
{
	const struct ptk_format *f = pt->f;
	uint64_t base = table_alloc_base(f, lvl, table_pa);

	for (unsigned k = 0; lvl + 1 < f->nlevels && k < table_share(f, lvl); k++) {
		const uint8_t *t = table_for_read(pt, lvl, table_in_alloc(f, lvl, base, k));

		for (unsigned i = 0; t && i < ptk_entries_per_table(f, lvl); i++) {
			struct ptk_desc d;

			f->ops->decode(f, lvl, table_get(f, t, i), &d);
			if (d.type == PTK_DESC_TABLE && ptcount_find(&pt->counts, d.addr))
				free_subtree(pt, d.addr, lvl + 1);
		}
	}
	pgtable_free_table(pt, lvl, base);
}

void ptk_pgd_free(struct ptk_pgtable *pt)
{
	struct ptk_pgtable **pp;

	if (!pt)
		return;
	for (pp = &pt->m->pgtables; *pp && *pp != pt; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = pt->next;
	for (unsigned r = 0; pt->owned && r < pt->nroots; r++)
		free_subtree(pt, pt->root[r], pt->f->root_level[r]);
	ptcount_release(&pt->counts);
	free(pt);
}

struct ptk_pgtable *ptk_pgtable_find(struct ptk_machine *m, const char *name)
{
	for (struct ptk_pgtable *pt = m->pgtables; pt; pt = pt->next)
		if (!strcmp(pt->name, name))
			return pt;
	return NULL;
}

struct ptk_pgtable *ptk_pgtable_first(struct ptk_machine *m) { return m->pgtables; }
struct ptk_pgtable *ptk_pgtable_next(struct ptk_pgtable *pt) { return pt->next; }
struct ptk_machine *ptk_pgtable_machine(const struct ptk_pgtable *pt) { return pt->m; }
const char *ptk_pgtable_name(const struct ptk_pgtable *pt) { return pt->name; }
unsigned ptk_pgtable_nroots(const struct ptk_pgtable *pt) { return pt->nroots; }
uint64_t ptk_pgtable_root(const struct ptk_pgtable *pt, unsigned i) { return pt->root[i]; }
uint64_t ptk_pgtable_nr_tables(const struct ptk_pgtable *pt) { return pt->counts.used; }

unsigned ptk_pgtable_live_entries(const struct ptk_pgtable *pt, uint64_t table_pa)
{
	uint32_t *live = ptcount_find(&pt->counts, table_pa);

	return live ? *live : 0;
}

void ptk_pgtable_set_tlb_flush(struct ptk_pgtable *pt, ptk_tlb_flush_fn fn, void *ctx)
{
	pt->flush = fn;
	pt->flush_ctx = ctx;
}

uint64_t ptk_pgtable_nr_flushes(const struct ptk_pgtable *pt) { return pt->nr_flushes; }
