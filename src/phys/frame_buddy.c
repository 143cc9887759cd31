// SPDX-License-Identifier: MIT
/*
 * The machine's page-table pages from the buddy allocator, once
 * memblock_free_all() has run (mem_init()): allocated with
 * GFP_PGTABLE_KERNEL, marked PG_table and counted in NR_PAGETABLE as
 * pgtable_pte_page_ctor() does.  A frame the engine took from memblock
 * before is PG_reserved and goes back through free_reserved_page(), as
 * the kernel frees its early page tables.
 */

#include "phys/buddy_priv.h"
#include "phys/machine_priv.h"

static int buddy_frames_alloc(void *ctx, unsigned order, uint64_t *pa)
{
	struct ptk_buddy *b = ctx;
	uint64_t pfn;
	int rc = ptk_alloc_pages(b, PTK_GFP_PGTABLE_KERNEL, order, &pfn);

	if (rc)
		return rc;
	buddy_mark_table(b, pfn, order, true);
	*pa = pfn << PTK_PAGE_SHIFT;
	return 0;
}

static void buddy_frames_free(void *ctx, uint64_t pa, unsigned order)
{
	struct ptk_buddy *b = ctx;
	uint64_t pfn = pa >> PTK_PAGE_SHIFT;
	uint8_t *page = pfn_bsec(b, pfn) ? pfn_to_page(b, pfn) : NULL;

	if (page && PageReserved(page)) {
		for (uint64_t i = 0; i < 1ull << order; i++)
			(void)ptk_free_reserved_page(b, pfn + i);
		return;
	}
	if (page && *pfn_ord(b, pfn) == order + 1) {
		buddy_mark_table(b, pfn, order, false);
		(void)ptk_free_pages(b, pfn, order);
	}
}

static const struct ptk_frame_ops frame_buddy_ops = {
	.alloc = buddy_frames_alloc,
	.free = buddy_frames_free,
};

int ptk_machine_memblock_free_all(struct ptk_machine *m)
{
	int rc;

	if (m->buddy)
		return ptk_err(&m->err, -EEXIST, "memblock_free_all() has already run");
	if (!m->mm) {
		rc = ptk_machine_init_memory_model(m, ptk_mm_default_kind(m->fmt));
		if (rc)
			return rc;
	}
	rc = ptk_buddy_create(&m->buddy, m->mm, m->boot.mb, m->phys, &m->err);
	if (rc)
		return rc;
	ptk_machine_set_frame_ops(m, &frame_buddy_ops, m->buddy);
	return 0;
}

struct ptk_buddy *ptk_machine_buddy(struct ptk_machine *m)
{
	return m->buddy;
}
