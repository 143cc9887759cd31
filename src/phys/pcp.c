// SPDX-License-Identifier: MIT
/*
 * The per-CPU page lists of Linux 6.1 (mm/page_alloc.c), for the one CPU
 * modelled: small orders are allocated from and freed to a per-zone cache
 * that is refilled (rmqueue_bulk) and trimmed (free_pcppages_bulk) in
 * batches, so that most allocations never touch the buddy lists.  The
 * push and pop themselves (rmqueue_pcplist, free_unref_page) are inline in
 * buddy_priv.h, in the callers' fast paths; here are the batch refill and
 * trim.
 */
#include "phys/buddy_priv.h"

unsigned int pindex_to_order(const struct ptk_buddy *b, unsigned int pindex)
{
	return pindex == NR_LOWORDER_PCP_LISTS ? b->pageblock_order : pindex / MIGRATE_PCPTYPES;
}

unsigned int pcp_nr_lists(const struct ptk_buddy *b)
{
	return b->pcp_thp ? NR_PCP_LISTS : NR_LOWORDER_PCP_LISTS;
}

/* rmqueue_bulk(): count blocks from the buddy lists onto a pcp list, in
 * the order expand() returns them (physical order). */
int rmqueue_bulk(struct ptk_buddy *b, struct zone *z, unsigned int order, int count,
		 struct plist *list, int mt, unsigned int alloc_flags)
{
	int i;

	for (i = 0; i < count; i++) {
		uint64_t pfn = __rmqueue(b, z, order, mt, alloc_flags);

		if (pfn == PFN_NONE)
			break;
		plist_add_tail(b, list, pfn, pfn_to_page(b, pfn));
	}
	z->nr_free_pages -= (int64_t)i << order;
	return i;
}

/*
 * free_pcppages_bulk(): count pages back to the buddy lists, round-robin
 * over the lists from the one just freed to, oldest pages first.
 */
void free_pcppages_bulk(struct ptk_buddy *b, struct zone *z, int count, int pindex)
{
	struct per_cpu_pages *pcp = &z->pcp;
	int min_pindex = 0, max_pindex = (int)pcp_nr_lists(b) - 1;
	bool isolated_pageblocks = z->nr_isolate_pageblock != 0;

	if (count > pcp->count)
		count = pcp->count;
	pindex--;
	while (count > 0) {
		struct plist *list;
		unsigned int order;
		int nr_pages;

		for (;;) {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			list = &pcp->lists[pindex];
			if (!plist_empty(list))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		}
		order = pindex_to_order(b, (unsigned int)pindex);
		nr_pages = 1 << order;
		do {
			uint64_t pfn = list->tail;
			uint8_t *page = pfn_to_page(b, pfn);
			int mt = (int)pg_get64(page, PTK_PAGE_OFF_INDEX);

			plist_del(b, list, pfn, page);
			count -= nr_pages;
			pcp->count -= nr_pages;
			if (isolated_pageblocks)
				mt = get_pageblock_migratetype(b, pfn);
			__free_one_page(b, pfn, z, order, mt, false);
		} while (count > 0 && !plist_empty(list));
	}
}

void drain_zone_pages(struct ptk_buddy *b, struct zone *z)
{
	if (z->pcp.count)
		free_pcppages_bulk(b, z, z->pcp.count, 0);
}

/* nr_pcp_free(): how many to trim, doubling while frees keep coming. */
int nr_pcp_free(struct per_cpu_pages *pcp, int high, int batch, bool free_high)
{
	int min_nr_free, max_nr_free;

	if (free_high)
		return pcp->count;
	if (high < batch)
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free)
		pcp->free_factor++;
	return batch < min_nr_free ? min_nr_free : batch > max_nr_free ? max_nr_free : batch;
}
