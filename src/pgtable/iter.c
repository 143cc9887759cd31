// SPDX-License-Identifier: MIT
/* Iteration over the leaf mappings of a tree, in VA order. */
#include "pgtable/pgtable_priv.h"

struct iter_ctx {
	const struct ptk_pgtable *pt;
	ptk_mapping_fn fn;
	void *ctx;
	uint64_t visits;
};

static int iter_table(struct iter_ctx *it, unsigned lvl, uint64_t table_pa, uint64_t base,
		      uint64_t start, uint64_t last)
{
	const struct ptk_format *f = it->pt->f;
	const uint8_t *t = table_for_read(it->pt, lvl, table_pa);
	uint64_t span = ptk_level_size(f, lvl);

	if (!t)
		return ptk_err(&it->pt->m->err, -EFAULT, "table at %#llx is outside RAM",
			       (unsigned long long)table_pa);
	for (unsigned i = 0; i < ptk_entries_per_table(f, lvl); i++) {
		uint64_t va = ptk_va_canonical(f, base + (uint64_t)i * span);
		uint64_t raw = table_get(f, t, i);
		struct ptk_desc d;
		int rc = 0;

		if (va + span - 1 < start || va > last)
			continue;
		if (++it->visits > PTK_WALK_MAX_VISITS)
			return ptk_err(&it->pt->m->err, -ELOOP,
				       "more than %llu entries: tables loop or are shared",
				       PTK_WALK_MAX_VISITS);
		f->ops->decode(f, lvl, raw, &d);
		if (d.type == PTK_DESC_TABLE && lvl + 1 < f->nlevels) {
			rc = iter_table(it, lvl + 1, d.addr, va, start, last);
		} else if (d.type == PTK_DESC_LEAF) {
			/* One entry of a larger page (a supersection's) maps its
			 * own span, at its offset in that page. */
			uint64_t off = d.page_shift ? va & ((1ull << d.page_shift) - 1) : 0;
			struct ptk_mapping map = {
				.va = va, .pa = d.addr + off, .size = span, .level = (int)lvl,
				.entry_pa = table_pa + ((uint64_t)i << f->entry_shift),
				.entry = raw, .prot = d.prot,
			};
			rc = it->fn(it->ctx, &map);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int ptk_for_each_mapping(const struct ptk_pgtable *pt, uint64_t start, uint64_t end,
			 ptk_mapping_fn fn, void *ctx)
{
	struct iter_ctx it = { pt, fn, ctx, 0 };
	int rc = 0;

	for (unsigned r = 0; r < pt->nroots && !rc; r++) {
		rc = iter_table(&it, pt->f->root_level[r], pt->root[r], pt->f->root_base[r], start,
				end);
	}
	return rc;
}
