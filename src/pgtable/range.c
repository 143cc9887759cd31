// SPDX-License-Identifier: MIT
/*
 * The shared walker of map, unmap and protect; see range.h.  It follows the
 * shape of mm/memory.c and arch/arm64/mm/mmu.c: one function per table,
 * iterating the entries a range covers, deciding, then acting.
 */
#include <stdlib.h>

#include "pgtable/range.h"

static bool whole_entry(const struct ptk_format *f, unsigned lvl, uint64_t va, uint64_t last)
{
	uint64_t mask = ptk_level_size(f, lvl) - 1;

	return !(va & mask) && (last & mask) == mask;
}

/* May a map put a leaf at this level for [va, last]?  The largest page that
 * alignment allows, as alloc_init_pud()/alloc_init_pmd() choose, unless the
 * caller forced a size. */
static bool leaf_fits(const struct range_ctx *c, unsigned lvl, uint64_t va, uint64_t last)
{
	const struct ptk_format *f = c->f;
	uint64_t size = ptk_level_size(f, lvl);

	if (!f->level[lvl].leaf || !whole_entry(f, lvl, va, last))
		return false;
	if (c->page_size)
		return c->page_size == size;
	return !((c->pa0 + (va - c->va0)) & (size - 1));
}

enum range_action range_decide(const struct range_ctx *c, unsigned lvl,
			       const struct ptk_desc *d, uint64_t va, uint64_t last)
{
	bool whole = whole_entry(c->f, lvl, va, last);

	switch (c->op) {
	case RANGE_MAP:
		/* A table where a forced page size wants a leaf holds smaller
		 * mappings inside the range. */
		if (d->type == PTK_DESC_TABLE)
			return c->page_size >= ptk_level_size(c->f, lvl) ? RA_CONFLICT
									   : RA_DESCEND;
		if (d->type == PTK_DESC_LEAF)
			return RA_CONFLICT;
		if (leaf_fits(c, lvl, va, last))
			return RA_LEAF;
		return lvl + 1u < c->f->nlevels ? RA_NEW_TABLE : RA_CONFLICT;
	case RANGE_UNMAP:
		if (d->type == PTK_DESC_TABLE)
			return RA_DESCEND;
		if (d->type == PTK_DESC_LEAF)
			return whole ? RA_CLEAR : RA_SPLIT;
		return RA_SKIP;
	case RANGE_PROTECT:
		if (d->type == PTK_DESC_TABLE)
			return RA_DESCEND;
		if (d->type == PTK_DESC_LEAF)
			return whole ? RA_REPROTECT : RA_SPLIT;
		return RA_HOLE;
	}
	return RA_SKIP;
}

/*
 * A table as the walker sees it: real bytes, or (planning only) a table that
 * does not exist yet: empty, or about to be filled by splitting a leaf.
 */
struct table_view {
	uint64_t pa;
	uint8_t *bytes;		/* NULL: not allocated yet (planning) */
	const struct ptk_desc *split_of; /* planning a split: the leaf it replaces */
};

static void view_entry(const struct range_ctx *c, const struct table_view *tv,
		       unsigned lvl, unsigned idx, uint64_t *raw, struct ptk_desc *d)
{
	const struct ptk_format *f = c->f;

	if (tv->bytes) {
		*raw = table_get(f, tv->bytes, idx);
		f->ops->decode(f, lvl, *raw, d);
	} else if (tv->split_of) {
		*raw = 0;
		*d = *tv->split_of;
		d->addr += (uint64_t)idx << f->level[lvl].shift;
	} else {
		*raw = 0;
		*d = (struct ptk_desc){ .type = PTK_DESC_INVALID };
	}
}

static int range_table(struct range_ctx *c, unsigned lvl, struct table_view *tv,
		       uint64_t va, uint64_t last);

/* Will every entry a map covers at this level be a leaf? */
static bool plan_leaves_fit(const struct range_ctx *c, unsigned lvl, uint64_t va,
			    uint64_t last)
{
	uint64_t mask = ptk_level_size(c->f, lvl) - 1;

	return c->f->level[lvl].leaf && !(va & mask) && (last & mask) == mask &&
	       leaf_fits(c, lvl, va, va | mask);
}

/* Planning shortcut: an empty new table whose entries will all be leaves
 * needs no further tables; skip iterating them one by one. */
static bool plan_all_leaves(const struct range_ctx *c, unsigned lvl,
			    const struct table_view *tv, uint64_t va, uint64_t last)
{
	return c->planning && !tv->bytes && !tv->split_of && c->op == RANGE_MAP &&
	       plan_leaves_fit(c, lvl, va, last);
}

static bool entries_none(const struct ptk_format *f, const uint8_t *t, unsigned first,
			 unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (table_get(f, t, first + i))
			return false;
	return true;
}

/* Entries per contiguous run at this level, 0 if the format has none. */
static unsigned contig_entries(const struct ptk_format *f, unsigned lvl)
{
	return f->ops->contig_entries ? f->ops->contig_entries(f, lvl) : 0;
}

/* Fill entries [first, first + n) of a table with leaves for pa, pa + span...
 * Encode the first, second and last; where the encoding steps linearly with
 * the address, as it does in every format inside one table, fill by the step. */
static void fill_leaves(const struct ptk_format *f, uint8_t *t, unsigned lvl, unsigned first,
			unsigned n, uint64_t pa, const struct ptk_prot *prot)
{
	uint64_t span = ptk_level_size(f, lvl), e0, e1 = 0, en;

	f->ops->mk_leaf(f, lvl, pa, prot, &e0);
	f->ops->mk_leaf(f, lvl, pa + (n - 1) * span, prot, &en);
	if (n > 1)
		f->ops->mk_leaf(f, lvl, pa + span, prot, &e1);
	if (en == e0 + (n - 1) * (e1 - e0)) {
		for (unsigned i = 0; i < n; i++)
			table_put(f, lvl, t, first + i, e0 + i * (e1 - e0));
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		f->ops->mk_leaf(f, lvl, pa + i * span, prot, &e1);
		table_put(f, lvl, t, first + i, e1);
	}
}

/*
 * Acting on a run of leaves into empty entries (mapping a large range with
 * small pages).  With the page size left to the engine, whole aligned
 * groups get the contiguous hint, as alloc_init_cont_pte() and
 * alloc_init_cont_pmd() do on arm64.
 */
static bool act_leaf_run(struct range_ctx *c, unsigned lvl, struct table_view *tv,
			 uint64_t va, uint64_t last)
{
	const struct ptk_format *f = c->f;
	uint64_t span = ptk_level_size(f, lvl), pa = c->pa0 + (va - c->va0);
	unsigned first = ptk_level_index(f, lvl, va), n = (unsigned)((last - va) / span) + 1;
	unsigned cont = c->page_size ? 0 : contig_entries(f, lvl), i = 0;
	struct ptk_prot hinted = c->prot;

	if (c->planning || c->op != RANGE_MAP || !plan_leaves_fit(c, lvl, va, last) ||
	    !entries_none(f, tv->bytes, first, n))
		return false;
	hinted.flags |= PTK_PROT_CONT;
	while (i < n) {
		unsigned run = n - i;
		bool group = cont && !((first + i) % cont) && run >= cont &&
			     !((pa + i * span) & (cont * span - 1));

		if (group)
			run = cont;
		else if (cont)
			run = cont - (first + i) % cont < run ? cont - (first + i) % cont : run;
		fill_leaves(f, tv->bytes, lvl, first + i, run, pa + i * span,
			    group ? &hinted : &c->prot);
		i += run;
	}
	*ptcount_find(&c->pt->counts, tv->pa) += n;
	return true;
}

#define RUN_MAX 128	/* the longest contiguous or replicated run rewritten */

/*
 * Rewrite entries [first, first + n) of a table, whose VAs start at
 * run_va, with val[]: break-before-make (Arm ARM D8.14.1, ARMv7-A ARM
 * B3.10.1): every entry made invalid, the TLB flushed over the run, then
 * the new values written.  Returns the change in the table's live entries.
 */
static int rewrite_run(struct range_ctx *c, unsigned lvl, struct table_view *tv,
		       unsigned first, unsigned n, uint64_t run_va, const uint64_t *val)
{
	const struct ptk_format *f = c->f;
	int delta = 0;

	for (unsigned i = 0; i < n; i++) {
		delta -= table_get(f, tv->bytes, first + i) != 0;
		table_put(f, lvl, tv->bytes, first + i, 0);
	}
	pgtable_flush(c->pt, run_va, n * ptk_level_size(f, lvl));
	for (unsigned i = 0; i < n; i++) {
		delta += val[i] != 0;
		table_put(f, lvl, tv->bytes, first + i, val[i]);
	}
	return delta;
}

/*
 * Before unmap or protect change part of a contiguous group, the whole group
 * loses the hint: every entry of a group must agree (Arm ARM D8.7.1), and
 * replacing them goes through invalid entries and a TLB flush
 * (break-before-make), as arm64's contpte unfolding does.
 */
static void unfold_group(struct range_ctx *c, unsigned lvl, struct table_view *tv,
			 unsigned first, unsigned cont, uint64_t group_va)
{
	const struct ptk_format *f = c->f;
	uint64_t val[RUN_MAX];

	for (unsigned i = 0; i < cont; i++) {
		uint64_t e = table_get(f, tv->bytes, first + i);
		struct ptk_desc d;

		f->ops->decode(f, lvl, e, &d);
		val[i] = e;
		if (d.type == PTK_DESC_LEAF && (d.prot.flags & PTK_PROT_CONT)) {
			d.prot.flags &= ~PTK_PROT_CONT;
			f->ops->mk_leaf(f, lvl, d.addr, &d.prot, &val[i]);
			val[i] |= e & f->leaf_sw_keep;
		}
	}
	rewrite_run(c, lvl, tv, first, cont, group_va, val);
}

/* The groups at either end of [va, last] that the range cuts. */
static void unfold_cut_groups(struct range_ctx *c, unsigned lvl, struct table_view *tv,
			      uint64_t va, uint64_t last)
{
	const struct ptk_format *f = c->f;
	unsigned cont = contig_entries(f, lvl);
	uint64_t span = ptk_level_size(f, lvl), gsize, ends[2] = { va, last };

	if (c->planning || c->op == RANGE_MAP || !cont || cont > RUN_MAX)
		return;
	gsize = cont * span;
	for (int k = 0; k < 2; k++) {
		uint64_t g = ends[k] & ~(gsize - 1);
		unsigned first = ptk_level_index(f, lvl, g);
		struct ptk_desc d;

		f->ops->decode(f, lvl, table_get(f, tv->bytes, first), &d);
		if (d.type != PTK_DESC_LEAF || !(d.prot.flags & PTK_PROT_CONT))
			continue;
		if (g >= va && g + gsize - 1 <= last)
			continue;	/* covered whole: no cut */
		unfold_group(c, lvl, tv, first, cont, g);
	}
}

/* Entry idx of a real table as part of a replicated run: its length, 0 if
 * it is none (ops->unreplicate, with the hardware's copy of the entry). */
/* The geometry's cheap test on the entry itself (before its hardware
 * copy is read): may it be one of a replicated run? */
static inline bool may_replicate(const struct ptk_level_geom *g, uint64_t raw)
{
	return (g->replica_mask || g->replica_hw_mask) && (raw & g->replica_mask) == g->replica_value;
}

static unsigned replica_of(const struct range_ctx *c, unsigned lvl, const uint8_t *t,
			   unsigned idx, struct ptk_replica *rep)
{
	const struct ptk_format *f = c->f;
	const struct ptk_level_geom *g = &f->level[lvl];
	uint64_t raw = table_get(f, t, idx), hw = raw;
	unsigned n;

	if (!may_replicate(g, raw))
		return 0;
	if (g->hw_off) {
		hw = table_get(f, t + g->hw_off, idx);
		if ((hw & g->replica_hw_mask) != g->replica_hw_value)
			return 0;
	}
	n = f->ops->unreplicate(f, lvl, idx, raw, hw, rep);

	/* A run the format could not have meant: leave it alone. */
	if (n > RUN_MAX || (n & (n - 1)) || n > ptk_entries_per_table(f, lvl))
		return 0;
	return n;
}

/*
 * A supersection or a large page (ARMv7-A ARM B3.5.1: one descriptor
 * replicated in 16 aligned entries, each holding the whole page's base)
 * met at entry idx by an operation on [start, last].  No entry of such a
 * run may change alone: the TLB may hold the whole page from any of them.
 *
 *  - map: the run is a mapping; the map conflicts (*d made a leaf);
 *  - unmap covering the run whole: the run is cleared as a whole, every
 *    entry and its hardware copy, whatever its PA;
 *  - otherwise (unmap cutting it, protect): the run is unfolded first,
 *    each entry rewritten as the plain leaf of what it maps (the format's
 *    unreplicate()), through invalid entries and a TLB flush, then acted
 *    on as any leaf: a section or page covered whole is cleared or
 *    reprotected, one the range cuts is split.  When an entry of the run
 *    has no plain leaf (a supersection above 4 GiB), planning refuses
 *    with -EINVAL before anything is written.
 *
 * Planning sees the entry as the act pass will have made it (*raw, *d);
 * the act pass adds the change in live entries to *delta.
 */
static __attribute__((noinline, cold))
int replicated_run(struct range_ctx *c, unsigned lvl, struct table_view *tv, unsigned idx,
		   uint64_t va, uint64_t start, uint64_t last, uint64_t *raw, struct ptk_desc *d,
		   int *delta)
{
	const struct ptk_format *f = c->f;
	struct ptk_replica rep;
	unsigned n = replica_of(c, lvl, tv->bytes, idx, &rep), first = idx & ~(n - 1);
	uint64_t size = (uint64_t)n * ptk_level_size(f, lvl), run_va = va & ~(size - 1);
	uint64_t val[RUN_MAX];
	bool clear = c->op == RANGE_UNMAP && run_va >= start && run_va + size - 1 <= last;

	if (!n)
		return 0;
	if (c->op == RANGE_MAP) {
		if (!rep.why)
			f->ops->decode(f, lvl, rep.plain, d);
		d->type = PTK_DESC_LEAF;
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		struct ptk_replica r;

		val[i] = table_get(f, tv->bytes, first + i);
		if (!replica_of(c, lvl, tv->bytes, first + i, &r))
			continue;
		if (!clear && r.why)
			return ptk_err(&c->pt->m->err, -EINVAL,
				       "the %s at %#llx (PA %#llx) cannot be unfolded into "
				       "smaller leaves: %s", r.kind, (unsigned long long)run_va,
				       (unsigned long long)r.pa, r.why);
		val[i] = clear ? 0 : r.plain;
	}
	if (!c->planning)
		*delta += rewrite_run(c, lvl, tv, first, n, run_va, val);
	*raw = val[idx - first];
	f->ops->decode(f, lvl, *raw, d);
	return 0;
}

/*
 * The act pass takes exactly the tables planning counted, unless the tree
 * is not a tree: a table reached twice (entries written by hand, a hostile
 * image) changes under the act pass.  Then stop taking rather than run past
 * the pool; the operation reports it.
 */
static bool take_table(struct range_ctx *c, uint64_t *pa)
{
	if (c->pool_used == c->need) {
		c->diverged = true;
		return false;
	}
	*pa = c->pool[c->pool_used++];
	ptcount_insert(&c->pt->counts, *pa);
	return true;
}

/*
 * pmd_populate(): link the allocation at base into entry idx and into the
 * empty entries beside it that share it (Linux's arm pmd pair), with the
 * protection of what the tables are made for.  Returns how many entries
 * became live.
 */
static int link_table(struct range_ctx *c, struct table_view *tv, unsigned lvl,
		      unsigned idx, uint64_t base, const struct ptk_prot *below)
{
	const struct ptk_format *f = c->f;
	unsigned n = table_share(f, lvl + 1), first = idx & ~(n - 1);
	int linked = 0;

	for (unsigned k = 0; k < n; k++) {
		if (first + k != idx && table_get(f, tv->bytes, first + k))
			continue;
		table_put(f, lvl, tv->bytes, first + k,
			  f->ops->mk_table(f, lvl, table_in_alloc(f, lvl + 1, base, k), below));
		linked++;
	}
	return linked;
}

/*
 * A table entry may say whom its pages are for (mk_table's below: ARM's
 * domains and PXNTable, Linux's _PAGE_USER_TABLE).  Kernel pages put
 * under a table made for user pages make it a kernel table, as Linux
 * never mixes them and the kernel's pages need what a user table denies
 * (PL1 execute): the entry is rewritten and the span flushed.  Formats
 * whose tables do not depend on it never match.
 */
static void retable(struct range_ctx *c, unsigned lvl, struct table_view *tv, unsigned idx,
		    uint64_t child, uint64_t va)
{
	const struct ptk_format *f = c->f;
	uint64_t cur = table_get(f, tv->bytes, idx), span = ptk_level_size(f, lvl), mine;
	struct ptk_prot user = c->prot;

	if (c->op == RANGE_UNMAP || (c->prot.flags & PTK_PROT_USER))
		return;
	user.flags |= PTK_PROT_USER;
	mine = f->ops->mk_table(f, lvl, child, &c->prot);
	if (cur == mine || cur != f->ops->mk_table(f, lvl, child, &user))
		return;
	table_put(f, lvl, tv->bytes, idx, mine);
	pgtable_flush(c->pt, va & ~(span - 1), span);
}

/* Fill a new table with the leaves that together map what one leaf did
 * (raw: that leaf, whose software bits every new leaf inherits). */
static void fill_split(struct range_ctx *c, uint64_t table, unsigned lvl,
		       const struct ptk_desc *leaf, uint64_t raw_leaf)
{
	const struct ptk_format *f = c->f;
	uint8_t *t = table_for_write(c->pt, lvl, table);
	unsigned n = ptk_entries_per_table(f, lvl);

	for (unsigned i = 0; i < n; i++) {
		uint64_t raw = 0;

		f->ops->mk_leaf(f, lvl, leaf->addr + ((uint64_t)i << f->level[lvl].shift),
				&leaf->prot, &raw);
		table_put(f, lvl, t, i, raw | (raw_leaf & f->leaf_sw_keep));
	}
	*ptcount_find(&c->pt->counts, table) = n;
}

/* Into an existing table (any PA, 0 included). */
static int descend(struct range_ctx *c, unsigned lvl, uint64_t child, uint64_t va,
		   uint64_t last)
{
	struct table_view sub = { .pa = child };

	sub.bytes = table_for_write(c->pt, lvl, child);
	if (!sub.bytes)
		return ptk_err(&c->pt->m->err, -EFAULT, "table at %#llx (level %u) is outside RAM",
			       (unsigned long long)child, lvl);
	return range_table(c, lvl, &sub, va, last);
}

/* Planning: into a table that does not exist yet, empty or split from a leaf. */
static int descend_planned(struct range_ctx *c, unsigned lvl, const struct ptk_desc *split_of,
			   uint64_t va, uint64_t last)
{
	struct table_view sub = { .split_of = split_of };

	return range_table(c, lvl, &sub, va, last);
}

/* Act on one entry.  Returns the change in the table's live entries. */
static int act_entry(struct range_ctx *c, unsigned lvl, struct table_view *tv, unsigned idx,
		     enum range_action a, uint64_t old, const struct ptk_desc *d, uint64_t va,
		     uint64_t last)
{
	const struct ptk_format *f = c->f;
	uint64_t raw = 0, base, child;
	struct ptk_prot p;
	int linked;

	switch (a) {
	case RA_LEAF:
		f->ops->mk_leaf(f, lvl, c->pa0 + (va - c->va0), &c->prot, &raw);
		table_put(f, lvl, tv->bytes, idx, raw);
		return 1;
	case RA_NEW_TABLE:
		if (!take_table(c, &base))
			return 0;
		linked = link_table(c, tv, lvl, idx, base, &c->prot);
		descend(c, lvl + 1, table_in_alloc(f, lvl + 1, base, idx), va, last);
		return linked;
	case RA_SPLIT:
		/* Break-before-make (Arm ARM D8.14.1): invalidate, flush, relink. */
		if (!take_table(c, &base))
			return 0;
		child = table_in_alloc(f, lvl + 1, base, idx);
		fill_split(c, child, lvl + 1, d, old);
		table_put(f, lvl, tv->bytes, idx, 0);
		pgtable_flush(c->pt, va & ~(ptk_level_size(f, lvl) - 1), ptk_level_size(f, lvl));
		linked = link_table(c, tv, lvl, idx, base, &d->prot);
		retable(c, lvl, tv, idx, child, va);
		descend(c, lvl + 1, child, va, last);
		return linked - 1;
	case RA_CLEAR:
		table_put(f, lvl, tv->bytes, idx, 0);
		pgtable_flush(c->pt, va, last - va + 1);
		return -1;
	case RA_REPROTECT:
		p = c->prot;
		p.flags |= d->prot.flags & (PTK_PROT_ACCESSED | PTK_PROT_DIRTY | PTK_PROT_CONT);
		f->ops->mk_leaf(f, lvl, d->addr, &p, &raw);
		table_put(f, lvl, tv->bytes, idx, raw | (old & f->leaf_sw_keep));
		pgtable_flush(c->pt, va, last - va + 1);
		return 0;
	default:
		return 0;
	}
}

/* Unmap: a table left with no live entry is unlinked and freed
 * (free_pte_range and friends), with every entry beside it that links a
 * table of the same allocation (the live count is the allocation's). */
static int reap_if_empty(struct range_ctx *c, unsigned lvl, struct table_view *tv,
			 unsigned idx, uint64_t child, uint64_t va)
{
	const struct ptk_format *f = c->f;
	uint32_t *live = ptcount_find(&c->pt->counts, child);
	unsigned n = table_share(f, lvl + 1), first = idx & ~(n - 1);
	uint64_t span = ptk_level_size(f, lvl), base = table_alloc_base(f, lvl + 1, child);
	int unlinked = 0;

	if (c->op != RANGE_UNMAP || !live || *live)
		return 0;
	for (unsigned k = 0; k < n; k++) {
		struct ptk_desc d;

		f->ops->decode(f, lvl, table_get(f, tv->bytes, first + k), &d);
		if (d.type != PTK_DESC_TABLE || table_alloc_base(f, lvl + 1, d.addr) != base)
			continue;
		table_put(f, lvl, tv->bytes, first + k, 0);
		unlinked++;
	}
	pgtable_flush(c->pt, (va & ~(span - 1)) - (uint64_t)(idx - first) * span, n * span);
	pgtable_free_table(c->pt, lvl + 1, base);
	return -unlinked;
}

/*
 * A forced leaf may take the place of a table that only its allocation's
 * sharing put there (Linux's arm links both entries of a pmd pair to one
 * pte page): an empty table beside a live one.  The allocation goes when
 * no entry links it any more.
 */
static bool empty_shared_table(const struct range_ctx *c, unsigned lvl, const struct ptk_desc *d)
{
	const struct ptk_format *f = c->f;
	const uint8_t *t;

	if (c->op != RANGE_MAP || d->type != PTK_DESC_TABLE || lvl + 1u >= f->nlevels ||
	    table_share(f, lvl + 1) < 2 || c->page_size < ptk_level_size(f, lvl))
		return false;
	t = table_for_read(c->pt, lvl + 1, d->addr);
	return t && entries_none(f, t, 0, ptk_entries_per_table(f, lvl + 1));
}

static void release_if_unlinked(struct range_ctx *c, unsigned lvl, struct table_view *tv,
				unsigned idx, uint64_t table)
{
	const struct ptk_format *f = c->f;
	unsigned n = table_share(f, lvl + 1), first = idx & ~(n - 1);
	uint64_t base = table_alloc_base(f, lvl + 1, table);

	for (unsigned k = 0; k < n; k++) {
		struct ptk_desc d;

		f->ops->decode(f, lvl, table_get(f, tv->bytes, first + k), &d);
		if (d.type == PTK_DESC_TABLE && table_alloc_base(f, lvl + 1, d.addr) == base)
			return;
	}
	pgtable_free_table(c->pt, lvl + 1, base);
}

static int plan_entry(struct range_ctx *c, unsigned lvl, enum range_action a,
		      const struct ptk_desc *d, uint64_t va, uint64_t last)
{
	switch (a) {
	case RA_CONFLICT:
		c->fail_va = va;
		return ptk_err(&c->pt->m->err, -EEXIST,
			       "the range overlaps an existing mapping at %#llx",
			       (unsigned long long)va);
	case RA_HOLE:
		c->fail_va = va;
		return ptk_err(&c->pt->m->err, -ENOENT, "%#llx is not mapped",
			       (unsigned long long)va);
	case RA_NEW_TABLE:
		c->need++;
		return descend_planned(c, lvl + 1, NULL, va, last);
	case RA_SPLIT:
		c->need++;
		return descend_planned(c, lvl + 1, d, va, last);
	case RA_DESCEND:
		return descend(c, lvl + 1, d->addr, va, last);
	default:
		return 0;
	}
}

static int range_table(struct range_ctx *c, unsigned lvl, struct table_view *tv,
		       uint64_t va, uint64_t last)
{
	const struct ptk_format *f = c->f;
	int delta = 0, rc = 0;
	uint64_t start;

	if (plan_all_leaves(c, lvl, tv, va, last) || act_leaf_run(c, lvl, tv, va, last))
		return 0;
	unfold_cut_groups(c, lvl, tv, va, last);
	start = va;
	for (;;) {
		uint64_t sub_last = va | (ptk_level_size(f, lvl) - 1);
		unsigned idx = ptk_level_index(f, lvl, va);
		struct ptk_desc d;
		enum range_action a;
		uint64_t raw, stale;

		if (sub_last > last)
			sub_last = last;
		view_entry(c, tv, lvl, idx, &raw, &d);
		if (tv->bytes && may_replicate(&f->level[lvl], raw)) {
			rc = replicated_run(c, lvl, tv, idx, va, start, last, &raw, &d,
					    &delta);
			if (rc)
				return rc;
		}
		stale = empty_shared_table(c, lvl, &d) ? d.addr : 0;
		if (stale)
			d.type = PTK_DESC_INVALID;
		a = range_decide(c, lvl, &d, va, sub_last);
		if (c->planning) {
			rc = plan_entry(c, lvl, a, &d, va, sub_last);
			if (rc)
				return rc;
		} else if (a == RA_DESCEND) {
			retable(c, lvl, tv, idx, d.addr, va);
			descend(c, lvl + 1, d.addr, va, sub_last);
			delta += reap_if_empty(c, lvl, tv, idx, d.addr, va);
		} else {
			delta += act_entry(c, lvl, tv, idx, a, raw, &d, va, sub_last);
			if (stale && a == RA_LEAF) {
				delta--;	/* the entry was live already */
				release_if_unlinked(c, lvl, tv, idx, stale);
			}
		}
		if (sub_last == last)
			break;
		va = sub_last + 1;
	}
	if (delta)
		*ptcount_find(&c->pt->counts, tv->pa) += (uint32_t)delta;
	return 0;
}

/* The tables a range operation allocates are below the roots: every
 * format's levels below its roots share one allocation size. */
static unsigned pool_order(const struct range_ctx *c)
{
	return table_order(c->f, c->f->nlevels - 1u);
}

static void release_pool(struct range_ctx *c, size_t n)
{
	while (n--)
		ptk_free_frames(c->pt->m, c->pool[n], pool_order(c));
}

/* Take every table page the act pass needs, or none. */
static int fill_pool(struct range_ctx *c)
{
	struct ptk_machine *m = c->pt->m;
	int rc;

	if (!c->need)
		return 0;
	c->pool = malloc(c->need * sizeof(*c->pool));
	rc = c->pool ? ptcount_reserve(&c->pt->counts, c->need) : -ENOMEM;
	if (rc)
		return ptk_err(&m->err, -ENOMEM, "out of host memory");
	for (size_t i = 0; i < c->need; i++) {
		uint64_t bytes = ptk_table_alloc_bytes(c->f, c->f->nlevels - 1u);

		rc = ptk_alloc_frames(m, pool_order(c), &c->pool[i]);
		if (!rc && (ptk_phys_zero(m->phys, c->pool[i], bytes) ||
			    !phys_bytes_for_write(m->phys, c->pool[i], bytes))) {
			ptk_free_frames(m, c->pool[i], pool_order(c));
			rc = ptk_err(&m->err, -ENOMEM, "out of host memory backing RAM");
		}
		if (rc) {
			release_pool(c, i);
			return rc;
		}
	}
	return 0;
}

int range_run(struct range_ctx *c, unsigned r, uint64_t va, uint64_t size)
{
	struct table_view root = { .pa = c->pt->root[r] };
	int rc;

	root.bytes = table_for_write(c->pt, c->pt->f->root_level[r], root.pa);
	if (!root.bytes)
		return ptk_err(&c->pt->m->err, -EFAULT, "root table %#llx is outside RAM",
			       (unsigned long long)root.pa);
	c->f = c->pt->f;
	c->planning = true;
	rc = range_table(c, c->f->root_level[r], &root, va, va + size - 1);
	if (!rc)
		rc = fill_pool(c);
	if (!rc) {
		c->planning = false;
		range_table(c, c->f->root_level[r], &root, va, va + size - 1);
		/* A tree that is not a tree can leave planned tables unused. */
		while (c->pool_used < c->need)
			ptk_free_frames(c->pt->m, c->pool[--c->need], pool_order(c));
		if (c->diverged)
			rc = ptk_err(&c->pt->m->err, -EIO,
				     "the tree changed under the operation: a table is reached "
				     "twice (shared or looping entries)");
	}
	free(c->pool);
	return rc;
}
