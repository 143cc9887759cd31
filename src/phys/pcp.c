// SPDX-License-Identifier: MIT
/*
 * The per-CPU page lists of Linux 6.1 (mm/page_alloc.c), for the one CPU
 * modelled: small orders are allocated from and freed to a per-zone cache
 * that is refilled (rmqueue_bulk) and trimmed (free_pcppages_bulk) in
 * batches, so that most allocations never touch the buddy lists.
 */
#include "phys/buddy_priv.h"

/* order_to_pindex(): one list per (order, pcp type); THP's order shares one. */
static unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS;
	return MIGRATE_PCPTYPES * order + (unsigned int)mt;
}

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
static int rmqueue_bulk(struct ptk_buddy *b, struct zone *z, unsigned int order, int count,
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

static uint64_t __rmqueue_pcplist(struct ptk_buddy *b, struct zone *z, unsigned int order,
				  int mt, unsigned int alloc_flags, struct plist *list)
{
	struct per_cpu_pages *pcp = &z->pcp;
	uint64_t pfn;

	if (plist_empty(list)) {
		int batch = pcp->batch;

		/* scale the batch by order when the lists may hold pages */
		if (batch > 1)
			batch = (batch >> order) > 2 ? batch >> order : 2;
		pcp->count += rmqueue_bulk(b, z, order, batch, list, mt, alloc_flags) << order;
		if (plist_empty(list))
			return PFN_NONE;
	}
	pfn = list->head;
	plist_del(b, list, pfn, pfn_to_page(b, pfn));
	pcp->count -= 1 << order;
	return pfn;
}

/* rmqueue_pcplist(): an allocation lowers the next trim's batch. */
uint64_t rmqueue_pcplist(struct ptk_buddy *b, struct zone *z, unsigned int order, int mt,
			 unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp = &z->pcp;

	pcp->free_factor >>= 1;
	return __rmqueue_pcplist(b, z, order, mt, alloc_flags,
				 &pcp->lists[order_to_pindex(mt, order)]);
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

/* nr_pcp_high(): no reclaim is ever active, so just high (0 when trimming
 * high-order pages freed without allocations in between). */
static int nr_pcp_high(const struct per_cpu_pages *pcp, bool free_high)
{
	return free_high ? 0 : pcp->high;
}

/* nr_pcp_free(): how many to trim, doubling while frees keep coming. */
static int nr_pcp_free(struct per_cpu_pages *pcp, int high, int batch, bool free_high)
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

static void free_unref_page_commit(struct ptk_buddy *b, struct zone *z, uint64_t pfn,
				   uint8_t *page, int mt, unsigned int order)
{
	struct per_cpu_pages *pcp = &z->pcp;
	unsigned int pindex = order_to_pindex(mt, order);
	bool free_high;
	int high;

	plist_add(b, &pcp->lists[pindex], pfn, page);
	pcp->count += 1 << order;
	free_high = pcp->free_factor && order && order <= PAGE_ALLOC_COSTLY_ORDER;
	high = nr_pcp_high(pcp, free_high);
	if (pcp->count >= high)
		free_pcppages_bulk(b, z, nr_pcp_free(pcp, high, pcp->batch, free_high),
				   (int)pindex);
}

/*
 * free_unref_page(): to the pcp list of the pageblock's type; highatomic
 * pages go on the movable list (keeping their type in index), isolated
 * ones straight to the buddy lists.
 */
void free_unref_page(struct ptk_buddy *b, struct zone *z, uint64_t pfn, uint8_t *page,
		     unsigned int order)
{
	int mt = get_pageblock_migratetype(b, pfn);

	pg_set64(page, PTK_PAGE_OFF_INDEX, (uint64_t)mt);	/* set_pcppage_migratetype() */
	if (mt >= MIGRATE_PCPTYPES) {
		if (is_migrate_isolate(mt)) {
			__free_one_page(b, pfn, z, order, mt, false);
			return;
		}
		mt = MIGRATE_MOVABLE;
	}
	free_unref_page_commit(b, z, pfn, page, mt, order);
}
