// SPDX-License-Identifier: MIT
/* phys/buddy: zones, watermarks, the buddy lists, pcp lists, fallbacks,
 * GFP zone selection, bad frees, hotplug, page-table pages of a machine. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptk_test.h"
#include "ptk_test_buddy.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

enum { DMA, DMA32, NORMAL, MOVABLE };	/* x86-64's zones */

static struct ptk_zone_info zinfo(const struct ptk_buddy *b, unsigned int z)
{
	struct ptk_zone_info zi;

	assert_int_equal(ptk_buddy_zone_info(b, z, &zi), 0);
	return zi;
}

static void x86_mem(struct ptk_test_mem *t, uint64_t ram, enum ptk_mm_kind kind)
{
	struct ptk_mm_params p;

	ptk_mm_params_x86_64(&p, kind, false);
	ptk_test_mem_preset(t, "qemu-pc", ram, &p);
}

static uint64_t alloc_ok(struct ptk_buddy *b, uint32_t gfp, unsigned int order)
{
	uint64_t pfn;

	if (ptk_alloc_pages(b, gfp, order, &pfn))
		fail_msg("alloc order %u: %s", order, ptk_buddy_error(b)->msg);
	return pfn;
}

/*
 * qemu-pc with 2 GiB, SPARSEMEM_VMEMMAP.  RAM: pfns [0, 0x9f) and
 * [0x100, 0x7ffe0).  ZONE_DMA [0, 0x1000): spanned 4096, present
 * 0x9f + 0xf00 = 3999, all managed.  ZONE_DMA32 [0x1000, 0x7ffe0): 520160
 * present; the 16 sections' struct pages (2 MiB each, 8192 pages) are
 * memblock reservations in it: managed 511968.
 *
 * min_free_kbytes = int_sqrt((3999 + 511968) * 4 * 16) = int_sqrt(33021888)
 *   = 5746 (5746^2 = 33016516, 5747^2 = 33028009); pages_min = 5746 / 4 = 1436.
 * DMA:   min = 1436 * 3999 / 515967 = 11; gap = max(11 / 4, 3999 * 10 / 10000)
 *        = max(2, 3) = 3: low 14, high 17.
 * DMA32: min = 1436 * 511968 / 515967 = 1424; gap = max(356, 511) = 511:
 *        low 1935, high 2446.
 * lowmem_reserve: DMA against DMA32 and up: 511968 / 256 = 1999; DMA32
 *        against Normal: 0 / 256 = 0.
 * totalreserve = (1999 + 17) + (0 + 2446) = 4462.
 * pcp: DMA32 batch = min(511968 >> 10, 256) / 4 = 64 -> rounddown_pow_of_two
 *        (64 + 32) - 1 = 63, high = low = 1935; DMA batch 1, high 14.
 */
static void watermarks_qemu_pc_2g(void **state)
{
	struct ptk_test_mem t;
	struct ptk_buddy_stats st;
	struct ptk_zone_info dma, dma32, normal, movable;

	(void)state;
	x86_mem(&t, 0, PTK_MM_SPARSEMEM_VMEMMAP);
	ptk_buddy_stats(t.b, &st);
	dma = zinfo(t.b, DMA);
	dma32 = zinfo(t.b, DMA32);
	normal = zinfo(t.b, NORMAL);
	assert_int_equal(ptk_buddy_nr_zones(t.b), 4);
	assert_string_equal(dma.name, "DMA");
	assert_int_equal(dma.zone_start_pfn, 0);
	assert_int_equal(dma.spanned_pages, 4096);
	assert_int_equal(dma.present_pages, 3999);
	assert_int_equal(dma.managed_pages, 3999);
	assert_int_equal(dma32.zone_start_pfn, 0x1000);
	assert_int_equal(dma32.spanned_pages, 520160);
	assert_int_equal(dma32.present_pages, 520160);
	assert_int_equal(dma32.managed_pages, 511968);
	assert_false(normal.populated);
	assert_int_equal(st.min_free_kbytes, 5746);
	assert_int_equal(dma.watermark[PTK_WMARK_MIN], 11);
	assert_int_equal(dma.watermark[PTK_WMARK_LOW], 14);
	assert_int_equal(dma.watermark[PTK_WMARK_HIGH], 17);
	assert_int_equal(dma32.watermark[PTK_WMARK_MIN], 1424);
	assert_int_equal(dma32.watermark[PTK_WMARK_LOW], 1935);
	assert_int_equal(dma32.watermark[PTK_WMARK_HIGH], 2446);
	assert_int_equal(dma.lowmem_reserve[DMA32], 1999);
	assert_int_equal(dma.lowmem_reserve[NORMAL], 1999);
	assert_int_equal(dma32.lowmem_reserve[NORMAL], 0);
	/* 6.1's is_highmem() is false for every zone without CONFIG_HIGHMEM,
	 * Movable included: its min is its share of min_free_kbytes, 0 of
	 * 0 managed pages, not the highmem floor of SWAP_CLUSTER_MAX (32) */
	movable = zinfo(t.b, MOVABLE);
	assert_int_equal(movable.watermark[PTK_WMARK_MIN], 0);
	assert_int_equal(movable.watermark[PTK_WMARK_LOW], 0);
	assert_int_equal(movable.watermark[PTK_WMARK_HIGH], 0);
	assert_int_equal(st.totalreserve_pages, 4462);
	assert_int_equal(st.totalram_pages, 515967);
	assert_int_equal(st.nr_free_pages, 515967);
	assert_int_equal(dma32.pcp_batch, 63);
	assert_int_equal(dma32.pcp_high, 1935);
	assert_int_equal(dma.pcp_batch, 1);
	assert_int_equal(dma.pcp_high, 14);
	assert_int_equal(st.pageblock_order, 9);
	assert_int_equal(dma32.nr_blocks[PTK_MIGRATE_MOVABLE], 1016);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* An order-4 movable block comes from the smallest free block (order 5
 * at 0x7ffc0, the top of DMA32) split once: lower half out, upper half
 * free; freeing it merges everything back. */
static void split_and_merge(void **state)
{
	struct ptk_test_mem t;
	struct ptk_zone_info before, mid, after;
	uint64_t pfn;

	(void)state;
	x86_mem(&t, 0, PTK_MM_SPARSEMEM_VMEMMAP);
	before = zinfo(t.b, DMA32);
	assert_int_equal(before.nr_free[5], 1);
	assert_int_equal(before.nr_free[4], 0);
	pfn = alloc_ok(t.b, PTK_GFP_HIGHUSER_MOVABLE, 4);
	assert_int_equal(pfn, 0x7ffc0);
	mid = zinfo(t.b, DMA32);
	assert_int_equal(mid.nr_free[5], 0);
	assert_int_equal(mid.nr_free[4], 1);	/* the upper half, 0x7ffd0 */
	assert_int_equal(mid.nr_free_pages, before.nr_free_pages - 16);
	ptk_test_buddy_check(t.b);
	assert_int_equal(ptk_free_pages(t.b, pfn, 4), 0);
	after = zinfo(t.b, DMA32);
	assert_memory_equal(after.nr_free, before.nr_free, sizeof(before.nr_free));
	assert_memory_equal(after.nr_free_mt, before.nr_free_mt, sizeof(before.nr_free_mt));
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* An unmovable request with only movable blocks steals the largest one:
 * an order-10 block, both its pageblocks become unmovable; the pcp list
 * gets a batch of 63 pages from its low end. */
static void fallback_steals_pageblocks(void **state)
{
	struct ptk_test_mem t;
	struct ptk_zone_info zi;
	enum ptk_migratetype mt;
	uint64_t pfn;

	(void)state;
	x86_mem(&t, 0, PTK_MM_SPARSEMEM_VMEMMAP);
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL, 0);
	assert_int_equal(pfn, 0x1000);
	zi = zinfo(t.b, DMA32);
	assert_int_equal(zi.nr_blocks[PTK_MIGRATE_UNMOVABLE], 2);
	assert_int_equal(zi.pcp_count, 62);
	assert_int_equal(zi.nr_free_mt[9][PTK_MIGRATE_UNMOVABLE], 1);
	assert_int_equal(ptk_buddy_pageblock_migratetype(t.b, 0x1200, &mt), 0);
	assert_int_equal(mt, PTK_MIGRATE_UNMOVABLE);
	/* a reclaimable request looks for the largest block on its
	 * fallback lists first: the next movable order-10 block, claimed */
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL | PTK___GFP_RECLAIMABLE, 0);
	assert_int_equal(pfn, 0x1400);
	assert_int_equal(zinfo(t.b, DMA32).nr_blocks[PTK_MIGRATE_RECLAIMABLE], 2);
	ptk_test_buddy_check(t.b);
	ptk_drain_all_pages(t.b);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* Per-CPU lists: an order-0 free stays on the list; drain gives it back. */
static void pcp_lists(void **state)
{
	struct ptk_test_mem t;
	uint64_t a, b2, free_before;

	(void)state;
	x86_mem(&t, 0, PTK_MM_SPARSEMEM_VMEMMAP);
	a = alloc_ok(t.b, PTK_GFP_HIGHUSER_MOVABLE, 0);
	free_before = zinfo(t.b, DMA32).nr_free_pages;
	assert_int_equal(zinfo(t.b, DMA32).pcp_count, 62);
	assert_int_equal(ptk_free_pages(t.b, a, 0), 0);
	assert_int_equal(zinfo(t.b, DMA32).pcp_count, 63);
	assert_int_equal(zinfo(t.b, DMA32).nr_free_pages, free_before);
	b2 = alloc_ok(t.b, PTK_GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(b2, a);	/* LIFO: the cache-hot page again */
	assert_int_equal(ptk_free_pages(t.b, b2, 0), 0);
	ptk_drain_all_pages(t.b);
	assert_int_equal(zinfo(t.b, DMA32).pcp_count, 0);
	assert_int_equal(zinfo(t.b, DMA32).nr_free_pages, 511968);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* gfp_zone(): DMA, DMA32, Normal (falling back down the zonelist), bad
 * combinations; arm32's HighMem. */
static void gfp_zones(void **state)
{
	struct ptk_test_mem t;
	struct ptk_mm_params p;
	uint64_t pfn;

	(void)state;
	x86_mem(&t, 6 * GiB, PTK_MM_SPARSEMEM_VMEMMAP);
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL | PTK___GFP_DMA, 0);
	assert_true(pfn < 0x1000);
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL | PTK_GFP_DMA32, 2);
	assert_true(pfn >= 0x1000 && pfn < 0x100000);
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL, 0);
	assert_true(pfn >= 0x100000);
	pfn = alloc_ok(t.b, PTK_GFP_HIGHUSER_MOVABLE, 9);	/* Movable is empty: Normal */
	assert_true(pfn >= 0x100000);
	assert_int_equal(ptk_alloc_pages(t.b, PTK___GFP_DMA | PTK___GFP_HIGHMEM, 0, &pfn), -EINVAL);
	assert_int_equal(ptk_alloc_pages(t.b, PTK___GFP_DMA | PTK___GFP_DMA32, 0, &pfn), -EINVAL);
	assert_int_equal(ptk_alloc_pages(t.b, PTK___GFP_MOVABLE | PTK___GFP_RECLAIMABLE, 0, &pfn),
			 -EINVAL);
	assert_int_equal(ptk_alloc_pages(t.b, PTK_GFP_KERNEL, PTK_MAX_ORDER, &pfn), -EINVAL);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);

	/* vexpress-a15, 1 GiB at 0x80000000, short-descriptor FLATMEM:
	 * Normal is the low 768 MiB, HighMem the rest; pageblocks max-order */
	ptk_mm_params_arm32(&p, PTK_MM_FLATMEM, false, 0x80000000);
	ptk_test_mem_preset(&t, "vexpress-a15", 0, &p);
	assert_string_equal(zinfo(t.b, 1).name, "HighMem");
	assert_true(zinfo(t.b, 1).highmem);
	assert_int_equal(zinfo(t.b, 1).spanned_pages, 65536);
	pfn = alloc_ok(t.b, PTK_GFP_HIGHUSER, 0);
	assert_true(pfn >= 0xb0000);
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL, 0);
	assert_true(pfn >= 0x80000 && pfn < 0xb0000);
	pfn = alloc_ok(t.b, PTK_GFP_DMA, 0);	/* no ZONE_DMA: Normal */
	assert_true(pfn < 0xb0000);
	{
		struct ptk_buddy_stats st;

		ptk_buddy_stats(t.b, &st);
		assert_int_equal(st.pageblock_order, 10);
		/* the 16 MiB mem_map is memblock's top-down first fit (the
		 * fixture sets no lowmem limit): 65536 - 4096 pages managed */
		assert_int_equal(st.totalhigh_pages, 61440);
		/* highmem min: 61440 / 1024 = 60 in [32, 128] */
		assert_int_equal(zinfo(t.b, 1).watermark[PTK_WMARK_MIN], 60);
		/* HighMem spans memory, so ZONE_MOVABLE would be carved from
		 * it (movable_zone): is_highmem(), min at the floor of 32 */
		assert_string_equal(zinfo(t.b, 2).name, "Movable");
		assert_int_equal(zinfo(t.b, 2).watermark[PTK_WMARK_MIN], 32);
	}
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);

	/* 512 MiB, all lowmem: HighMem is empty, still highmem (min 32);
	 * movable_zone is Normal, so Movable counts as lowmem (min 0) */
	ptk_test_mem_preset(&t, "vexpress-a15", 512 * MiB, &p);
	assert_false(zinfo(t.b, 1).populated);
	assert_int_equal(zinfo(t.b, 1).watermark[PTK_WMARK_MIN], 32);
	assert_int_equal(zinfo(t.b, 2).watermark[PTK_WMARK_MIN], 0);
	assert_int_equal(zinfo(t.b, 2).watermark[PTK_WMARK_HIGH], 0);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* Allocate until the watermarks stop GFP_KERNEL, then GFP_ATOMIC goes on
 * to the lower min of ALLOC_HIGH | ALLOC_HARDER. */
static void watermarks_stop_allocations(void **state)
{
	struct ptk_test_mem t;
	struct ptk_zone_info dma, dma32;
	uint64_t pfn, n = 0;

	(void)state;
	x86_mem(&t, 256 * MiB, PTK_MM_SPARSEMEM_VMEMMAP);
	while (!ptk_alloc_pages(t.b, PTK_GFP_KERNEL, 0, &pfn))
		n++;
	dma = zinfo(t.b, DMA);
	dma32 = zinfo(t.b, DMA32);
	/* failed: free <= min + lowmem_reserve[Normal] in both zones */
	assert_true(dma32.nr_free_pages <= dma32.watermark[PTK_WMARK_MIN]);
	assert_true(dma32.nr_free_pages + 1 >= dma32.watermark[PTK_WMARK_MIN]);
	assert_true(dma.nr_free_pages <= dma.watermark[PTK_WMARK_MIN] + dma.lowmem_reserve[NORMAL]);
	assert_int_equal(dma32.pcp_count, 0);	/* drained before failing */
	assert_true(n > 0);
	/* GFP_ATOMIC: min - min/2 - (min - min/2)/4 */
	while (!ptk_alloc_pages(t.b, PTK_GFP_ATOMIC, 0, &pfn))
		n++;
	dma32 = zinfo(t.b, DMA32);
	{
		uint64_t min = dma32.watermark[PTK_WMARK_MIN];
		uint64_t atomic_min = (min - min / 2) - (min - min / 2) / 4;

		assert_true(dma32.nr_free_pages <= atomic_min);
		/* a pcp refill takes a batch after the check */
		assert_true(dma32.nr_free_pages + dma32.pcp_batch >= atomic_min);
	}
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* Bad frees: -EINVAL and nothing changed. */
static void bad_frees(void **state)
{
	struct ptk_test_mem t;
	struct ptk_buddy_stats before, after;
	uint64_t a, b2;

	(void)state;
	x86_mem(&t, 256 * MiB, PTK_MM_FLATMEM);
	a = alloc_ok(t.b, PTK_GFP_KERNEL, 2);
	b2 = alloc_ok(t.b, PTK_GFP_KERNEL, 0);
	ptk_buddy_stats(t.b, &before);
	assert_int_equal(ptk_free_pages(t.b, a, 1), -EINVAL);		/* wrong order */
	assert_int_equal(ptk_free_pages(t.b, a + 1, 0), -EINVAL);	/* a tail page */
	assert_int_equal(ptk_free_pages(t.b, 0xa0, 0), -EINVAL);	/* a hole */
	assert_int_equal(ptk_free_pages(t.b, 0x10000000, 0), -EINVAL);	/* beyond RAM */
	assert_int_equal(ptk_free_pages(t.b, a, PTK_MAX_ORDER), -EINVAL);
	assert_int_equal(ptk_free_reserved_page(t.b, b2), -EINVAL);	/* not reserved */
	assert_int_equal(ptk_buddy_set_page_table(t.b, a + 1, true), -EINVAL);
	ptk_buddy_stats(t.b, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	ptk_test_buddy_check(t.b);
	assert_int_equal(ptk_free_pages(t.b, b2, 0), 0);
	assert_int_equal(ptk_free_pages(t.b, b2, 0), -EINVAL);		/* double free */
	ptk_drain_all_pages(t.b);
	assert_int_equal(ptk_free_pages(t.b, b2, 0), -EINVAL);		/* now PG_buddy */
	assert_int_equal(ptk_free_pages(t.b, a, 2), 0);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* PG_table and NR_PAGETABLE; a page table cannot be freed as a page. */
static void page_table_pages(void **state)
{
	struct ptk_test_mem t;
	struct ptk_buddy_stats st;
	struct ptk_page pg;
	uint64_t pfn;

	(void)state;
	x86_mem(&t, 256 * MiB, PTK_MM_SPARSEMEM);
	pfn = alloc_ok(t.b, PTK_GFP_PGTABLE_KERNEL, 0);
	assert_int_equal(ptk_buddy_set_page_table(t.b, pfn, true), 0);
	assert_int_equal(ptk_buddy_set_page_table(t.b, pfn, true), -EINVAL);
	assert_int_equal(ptk_mm_read_page(t.mm, pfn, &pg), 0);
	assert_true(ptk_page_has_type(&pg, PTK_PG_table));
	assert_int_equal(pg.refcount, 1);
	ptk_buddy_stats(t.b, &st);
	assert_int_equal(st.nr_page_table_pages, 1);
	assert_int_equal(ptk_free_pages(t.b, pfn, 0), -EINVAL);
	assert_int_equal(ptk_buddy_set_page_table(t.b, pfn, false), 0);
	assert_int_equal(ptk_free_pages(t.b, pfn, 0), 0);
	ptk_buddy_stats(t.b, &st);
	assert_int_equal(st.nr_page_table_pages, 0);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/* __GFP_ZERO zeroes the simulated RAM. */
static void gfp_zero(void **state)
{
	struct ptk_test_mem t;
	uint8_t buf[64];
	uint64_t pfn;

	(void)state;
	x86_mem(&t, 256 * MiB, PTK_MM_SPARSEMEM_VMEMMAP);
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL, 1);
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(ptk_phys_write(t.ph, (pfn << 12) + 4096, buf, sizeof(buf)), 0);
	assert_int_equal(ptk_free_pages(t.b, pfn, 1), 0);
	ptk_drain_all_pages(t.b);
	pfn = alloc_ok(t.b, PTK_GFP_KERNEL | PTK___GFP_ZERO, 1);
	assert_int_equal(ptk_phys_read(t.ph, (pfn << 12) + 4096, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	ptk_test_mem_destroy(&t);
}

/* Highatomic: a high-order GFP_ATOMIC allocation that needed the slow
 * path (ALLOC_HARDER) reserves its pageblock. */
static void highatomic_reserve(void **state)
{
	struct ptk_test_mem t;
	enum ptk_migratetype mt;
	uint64_t pfn;

	(void)state;
	x86_mem(&t, 256 * MiB, PTK_MM_SPARSEMEM_VMEMMAP);
	pfn = alloc_ok(t.b, PTK_GFP_ATOMIC, 2);		/* above low: no reserve */
	assert_int_equal(ptk_buddy_pageblock_migratetype(t.b, pfn, &mt), 0);
	assert_int_not_equal(mt, PTK_MIGRATE_HIGHATOMIC);
	assert_int_equal(ptk_free_pages(t.b, pfn, 2), 0);
	while (!ptk_alloc_pages(t.b, PTK_GFP_KERNEL, 0, &pfn))
		;
	pfn = alloc_ok(t.b, PTK_GFP_ATOMIC, 2);
	assert_int_equal(ptk_buddy_pageblock_migratetype(t.b, pfn, &mt), 0);
	assert_int_equal(mt, PTK_MIGRATE_HIGHATOMIC);
	assert_int_equal(zinfo(t.b, DMA32).nr_blocks[PTK_MIGRATE_HIGHATOMIC], 1);
	ptk_test_buddy_check(t.b);
	assert_int_equal(ptk_free_pages(t.b, pfn, 2), 0);
	ptk_drain_all_pages(t.b);
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/*
 * Hotplug: section 8 (pfns 0x40000-0x47fff, 1-1.125 GiB) of qemu-pc 2G is
 * all free at boot.  Offline refuses while a page in it is allocated, then
 * takes it out of DMA32 (span unchanged: it is in the middle); online puts
 * it back into DMA32 with its struct pages from the buddy allocator.
 */
static void hotplug_section(void **state)
{
	struct ptk_test_mem t;
	struct ptk_zone_info before, off, on;
	struct ptk_buddy_stats st;
	uint64_t pfn[1024], memmap_pages = (32768 * PTK_STRUCT_PAGE_SIZE) >> 12;
	enum ptk_migratetype mt;
	size_t n = 0;

	(void)state;
	x86_mem(&t, 0, PTK_MM_SPARSEMEM_VMEMMAP);
	before = zinfo(t.b, DMA32);
	do	/* until one block is inside section 8 */
		pfn[n] = alloc_ok(t.b, PTK_GFP_HIGHUSER_MOVABLE, 9);
	while ((pfn[n] < 0x40000 || pfn[n] >= 0x48000) && ++n < 1024);
	n++;
	assert_int_equal(ptk_buddy_offline_section(t.b, 8), -EBUSY);
	ptk_test_buddy_check(t.b);
	while (n)
		assert_int_equal(ptk_free_pages(t.b, pfn[--n], 9), 0);
	ptk_drain_all_pages(t.b);
	if (ptk_buddy_offline_section(t.b, 8))
		fail_msg("offline: %s", ptk_buddy_error(t.b)->msg);
	assert_int_equal(ptk_buddy_offline_section(t.b, 8), -ENOENT);
	off = zinfo(t.b, DMA32);
	assert_int_equal(off.spanned_pages, before.spanned_pages);
	assert_int_equal(off.present_pages, before.present_pages - 32768);
	/* the boot mem_map of the section came back to the allocator */
	assert_int_equal(off.managed_pages, before.managed_pages - 32768 + memmap_pages);
	assert_false(ptk_mm_valid_section_nr(t.mm, 8));
	ptk_test_buddy_check(t.b);
	assert_int_equal(ptk_buddy_online_section(t.b, 8), 0);
	assert_int_equal(ptk_buddy_online_section(t.b, 8), -EEXIST);
	assert_int_equal(ptk_buddy_online_section(t.b, 40), -EINVAL);	/* not RAM */
	on = zinfo(t.b, DMA32);
	assert_int_equal(on.present_pages, before.present_pages);
	assert_int_equal(on.managed_pages, off.managed_pages + 32768);
	assert_int_equal(ptk_buddy_pageblock_migratetype(t.b, 0x40000, &mt), 0);
	assert_int_equal(mt, PTK_MIGRATE_MOVABLE);
	ptk_buddy_stats(t.b, &st);
	assert_int_equal(st.nr_online_sections_added, 1);
	assert_int_equal(st.nr_sections_removed, 1);
	assert_int_equal(st.nr_allocated_pages, memmap_pages);	/* the new mem_map */
	ptk_test_buddy_check(t.b);
	ptk_test_mem_destroy(&t);
}

/*
 * Hotplug when the allocator cannot give the section its struct pages:
 * with every other page handed out, online fails with -ENOMEM and changes
 * nothing (the section stays absent, the counts and lists as they were);
 * once memory is back it succeeds.
 */
static void hotplug_online_without_memory(void **state)
{
	struct ptk_test_mem t;
	struct ptk_buddy_stats before, after;
	uint64_t *pfn = malloc(sizeof(*pfn) << 20), pf;
	size_t n = 0;

	(void)state;
	assert_non_null(pfn);
	x86_mem(&t, 0, PTK_MM_SPARSEMEM_VMEMMAP);
	assert_int_equal(ptk_buddy_offline_section(t.b, 8), 0);
	for (unsigned int order = PTK_MAX_ORDER; order-- > 0;)
		while (ptk_alloc_pages(t.b, PTK_GFP_ATOMIC | PTK___GFP_MOVABLE, order, &pf) == 0)
			pfn[n++] = pf << 4 | order;
	ptk_drain_all_pages(t.b);
	ptk_buddy_stats(t.b, &before);
	assert_int_equal(ptk_buddy_online_section(t.b, 8), -ENOMEM);
	ptk_buddy_stats(t.b, &after);
	assert_int_equal(after.nr_free_pages, before.nr_free_pages);
	assert_int_equal(after.nr_allocated_pages, before.nr_allocated_pages);
	assert_false(ptk_mm_valid_section_nr(t.mm, 8));
	ptk_test_buddy_check(t.b);
	while (n--)
		assert_int_equal(ptk_free_pages(t.b, pfn[n] >> 4, (unsigned int)(pfn[n] & 15)), 0);
	assert_int_equal(ptk_buddy_online_section(t.b, 8), 0);
	ptk_test_buddy_check(t.b);
	free(pfn);
	ptk_test_mem_destroy(&t);
}

/*
 * A machine's page tables: those built before memblock_free_all() come
 * from memblock and are PG_reserved; after it, from the buddy allocator as
 * PG_table pages counted in NR_PAGETABLE.  Freeing the tree gives the early
 * ones to the buddy allocator (free_reserved_page: managed grows).
 */
static void machine_page_tables(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, GiB } };
	struct ptk_machine *m = ptk_test_machine("x86_64-4level", ram, 1, 0);
	struct ptk_prot rw;
	struct ptk_pgtable *early, *late;
	struct ptk_buddy_stats st0, st1, st2;
	struct ptk_buddy *b;
	uint64_t early_frames;

	(void)state;
	assert_null(ptk_machine_buddy(m));
	assert_int_equal(ptk_prot_parse(ptk_machine_format(m), "rwa", &rw), 0);
	assert_int_equal(ptk_pgd_alloc(m, "early", &early), 0);
	assert_int_equal(ptk_map_range(early, 0xffff888000000000ull, 0, 8 * MiB, &rw, 4096), 0);
	early_frames = ptk_frames_in_use(m);
	assert_int_equal(ptk_machine_memblock_free_all(m), 0);
	assert_int_equal(ptk_machine_memblock_free_all(m), -EEXIST);
	b = ptk_machine_buddy(m);
	assert_non_null(b);
	assert_int_equal(ptk_mm_kind(ptk_machine_mm(m)), PTK_MM_SPARSEMEM_VMEMMAP);
	ptk_buddy_stats(b, &st0);
	assert_int_equal(st0.nr_page_table_pages, 0);
	assert_int_equal(ptk_pgd_alloc(m, "late", &late), 0);
	assert_int_equal(ptk_map_range(late, 0x7f0000000000ull, 0, 4 * MiB, &rw, 4096), 0);
	ptk_buddy_stats(b, &st1);
	assert_int_equal(st1.nr_page_table_pages, ptk_frames_in_use(m) - early_frames);
	assert_int_equal(st1.nr_allocated_pages, st1.nr_page_table_pages);
	ptk_test_buddy_check(b);
	ptk_pgd_free(early);
	ptk_buddy_stats(b, &st2);
	assert_int_equal(st2.totalram_pages, st0.totalram_pages + early_frames);
	ptk_pgd_free(late);
	ptk_buddy_stats(b, &st2);
	assert_int_equal(st2.nr_page_table_pages, 0);
	assert_int_equal(st2.nr_allocated_pages, 0);
	ptk_test_buddy_check(b);
	ptk_machine_destroy(m);
}

/* GFP names as %pGg prints them, and back. */
static void gfp_names(void **state)
{
	char buf[128];
	uint32_t gfp;

	(void)state;
	ptk_gfp_format(PTK_GFP_KERNEL | PTK___GFP_ZERO, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL|__GFP_ZERO");
	ptk_gfp_format(PTK_GFP_HIGHUSER_MOVABLE, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_HIGHUSER_MOVABLE");
	/* 6.1's __def_gfpflag_names ends with __GFP_ZEROTAGS (0x800000);
	 * bits past it (KASAN, lockdep: 0 in this configuration) stay hex */
	ptk_gfp_format(PTK_GFP_KERNEL | PTK___GFP_ZEROTAGS | 0x1000000u, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL|__GFP_ZEROTAGS|0x1000000");
	assert_int_equal(ptk_gfp_parse("__GFP_ZEROTAGS", &gfp, NULL), 0);
	assert_int_equal(gfp, 0x800000u);
	assert_int_equal(ptk_gfp_parse("GFP_USER | __GFP_ZERO", &gfp, NULL), 0);
	assert_int_equal(gfp, PTK_GFP_USER | PTK___GFP_ZERO);
	assert_int_equal(ptk_gfp_parse("0xcc0", &gfp, NULL), 0);
	assert_int_equal(gfp, PTK_GFP_KERNEL);
	assert_int_equal(ptk_gfp_parse("GFP_BOGUS", &gfp, NULL), -EINVAL);
	assert_string_equal(ptk_migratetype_name(PTK_MIGRATE_RECLAIMABLE), "Reclaimable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(watermarks_qemu_pc_2g),
		cmocka_unit_test(split_and_merge),
		cmocka_unit_test(fallback_steals_pageblocks),
		cmocka_unit_test(pcp_lists),
		cmocka_unit_test(gfp_zones),
		cmocka_unit_test(watermarks_stop_allocations),
		cmocka_unit_test(bad_frees),
		cmocka_unit_test(page_table_pages),
		cmocka_unit_test(gfp_zero),
		cmocka_unit_test(highatomic_reserve),
		cmocka_unit_test(gfp_names),
		cmocka_unit_test(machine_page_tables),
		cmocka_unit_test(hotplug_section),
		cmocka_unit_test(hotplug_online_without_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
