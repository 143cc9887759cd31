// SPDX-License-Identifier: MIT
/*
 * __get_free_pages() and free_pages(): the page allocator seen through
 * kernel virtual addresses, page_address() of lowmem frames in the linear
 * map (mm/page_alloc.c, 6.1).
 */
#include "phys/buddy_priv.h"

int ptk_get_free_pages(struct ptk_buddy *b, uint32_t gfp, unsigned int order, uint64_t *addr)
{
	uint64_t pfn;
	int rc;

	/* the kernel's VM_BUG_ON: a highmem page may have no address */
	if (gfp & PTK___GFP_HIGHMEM)
		return ptk_err(&b->err, -EINVAL,
			       "__GFP_HIGHMEM: a highmem page has no permanent address");
	rc = ptk_alloc_pages(b, gfp, order, &pfn);
	if (rc)
		return rc;
	rc = ptk_mm_page_address(b->mm, pfn, addr);
	if (rc) {
		b->err = *ptk_mm_error(b->mm);
		(void)ptk_free_pages(b, pfn, order);
	}
	return rc;
}

int ptk_free_pages_addr(struct ptk_buddy *b, uint64_t addr, unsigned int order)
{
	uint64_t pfn;
	int rc = ptk_mm_virt_to_pfn(b->mm, addr, &pfn);

	if (rc) {
		b->err = *ptk_mm_error(b->mm);
		return rc;
	}
	return ptk_free_pages(b, pfn, order);
}
