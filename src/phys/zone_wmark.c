// SPDX-License-Identifier: MIT
/*
 * Watermarks and reserves of Linux 6.1 (mm/page_alloc.c):
 * init_per_zone_wmark_min() derives min_free_kbytes from the low memory,
 * __setup_per_zone_wmarks() spreads it over the zones as their min, low
 * and high watermarks, setup_per_zone_lowmem_reserve() protects lower
 * zones from allocations that could have used higher ones, and the
 * per-CPU lists are sized from the result (zone_batchsize, zone_highsize).
 */
#include "phys/buddy_priv.h"

#define MIN_FREE_KBYTES_MIN	128u
#define MIN_FREE_KBYTES_MAX	262144u
#define WATERMARK_SCALE_FACTOR	10u	/* vm.watermark_scale_factor default */
#define WATERMARK_SCALE_DIV	10000u
#define SWAP_CLUSTER_MAX	32u
#define HIGHMEM_MIN_MAX		128u	/* cap of a highmem zone's min */
#define PCP_BATCH_MAX_BYTES	(1u << 20)	/* zone_batchsize(): at most 1 MiB */
#define NR_ONLINE_CPUS		1

/* sysctl_lowmem_reserve_ratio[] defaults, by zone kind. */
static const unsigned int lowmem_reserve_ratio[ZK_NR] = {
	[ZK_DMA] = 256, [ZK_DMA32] = 256, [ZK_NORMAL] = 32, [ZK_HIGHMEM] = 0, [ZK_MOVABLE] = 0,
};

/* int_sqrt(): floor of the square root. */
static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* mult_frac(x, n, d) without overflow, as include/linux/math.h does it. */
static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + (x % d) * n / d;
}

/*
 * nr_free_zone_pages(): managed pages above the high watermark in the
 * zones an allocation for up to highest may use.
 */
static uint64_t nr_free_zone_pages(const struct ptk_buddy *b, int highest)
{
	uint64_t sum = 0;

	for (int i = highest; i >= 0; i--) {
		const struct zone *z = &b->zones[i];

		if (z->managed_pages > z->watermark[PTK_WMARK_HIGH])
			sum += z->managed_pages - z->watermark[PTK_WMARK_HIGH];
	}
	return sum;
}

/*
 * find_usable_zone_for_movable(): the zone ZONE_MOVABLE takes its pages
 * from, the highest other zone whose range holds any of the node's memory
 * (with the one node modelled, the highest one that spans pages); -1 if
 * none does.
 */
static int movable_zone(const struct ptk_buddy *b)
{
	for (int i = (int)b->nr_zones - 1; i >= 0; i--)
		if (b->zones[i].kind != ZK_MOVABLE && b->zones[i].spanned_pages)
			return i;
	return -1;
}

/*
 * is_highmem() of 6.1 (include/linux/mmzone.h, is_highmem_idx): HighMem,
 * and Movable when it is carved out of HighMem.  Only a kernel with
 * CONFIG_HIGHMEM has either; without it (x86-64, arm64) every zone,
 * Movable included, counts as lowmem.
 */
static bool is_highmem(const struct ptk_buddy *b, const struct zone *z)
{
	int m;

	if (z->kind == ZK_HIGHMEM)
		return true;
	if (z->kind != ZK_MOVABLE)
		return false;
	m = movable_zone(b);
	return m >= 0 && b->zones[m].kind == ZK_HIGHMEM;
}

/* calculate_totalreserve_pages(): per zone the largest lowmem_reserve
 * plus the high watermark, capped at the zone's managed pages. */
static void calculate_totalreserve_pages(struct ptk_buddy *b)
{
	uint64_t reserve = 0;

	for (unsigned int i = 0; i < b->nr_zones; i++) {
		const struct zone *z = &b->zones[i];
		uint64_t max = 0;

		for (unsigned int j = i; j < b->nr_zones; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		max += z->watermark[PTK_WMARK_HIGH];
		reserve += max > z->managed_pages ? z->managed_pages : max;
	}
	b->totalreserve_pages = reserve;
}

/*
 * __setup_per_zone_wmarks(): min_free_kbytes shared among the lowmem zones
 * in proportion to their size; highmem zones (is_highmem()) get a small
 * min (managed / 1024 in [SWAP_CLUSTER_MAX, 128]) since __GFP_HIGH and
 * PF_MEMALLOC allocations rarely need them.  low and high each add
 * max(share / 4, managed * watermark_scale_factor / 10000), share being
 * the zone's proportional part even where its min is the small one.
 */
static void __setup_per_zone_wmarks(struct ptk_buddy *b)
{
	uint64_t pages_min = b->min_free_kbytes >> (PTK_PAGE_SHIFT - 10);
	uint64_t lowmem_pages = 0;

	for (unsigned int i = 0; i < b->nr_zones; i++)
		if (!is_highmem(b, &b->zones[i]))
			lowmem_pages += b->zones[i].managed_pages;
	for (unsigned int i = 0; i < b->nr_zones; i++) {
		struct zone *z = &b->zones[i];
		uint64_t tmp = lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
		uint64_t gap;

		if (is_highmem(b, z)) {
			uint64_t min_pages = z->managed_pages / 1024;

			z->watermark[PTK_WMARK_MIN] = min_pages < SWAP_CLUSTER_MAX ? SWAP_CLUSTER_MAX :
						      min_pages > HIGHMEM_MIN_MAX ? HIGHMEM_MIN_MAX :
						      min_pages;
		} else {
			z->watermark[PTK_WMARK_MIN] = tmp;
		}
		gap = mult_frac(z->managed_pages, WATERMARK_SCALE_FACTOR, WATERMARK_SCALE_DIV);
		if (tmp >> 2 > gap)
			gap = tmp >> 2;
		z->watermark[PTK_WMARK_LOW] = z->watermark[PTK_WMARK_MIN] + gap;
		z->watermark[PTK_WMARK_HIGH] = z->watermark[PTK_WMARK_LOW] + gap;
	}
	calculate_totalreserve_pages(b);
}

/* setup_per_zone_lowmem_reserve(): zone i keeps back, against an
 * allocation that could have used up to zone j, the managed pages of the
 * zones above it up to j divided by its ratio. */
static void setup_per_zone_lowmem_reserve(struct ptk_buddy *b)
{
	for (unsigned int i = 0; i < b->nr_zones; i++) {
		struct zone *z = &b->zones[i];
		unsigned int ratio = z->kind < ZK_NR ? lowmem_reserve_ratio[z->kind] : 0;
		bool clear = !ratio || !z->managed_pages;
		uint64_t managed = 0;

		for (unsigned int j = i + 1; j < b->nr_zones; j++) {
			managed += b->zones[j].managed_pages;
			z->lowmem_reserve[j] = clear ? 0 : managed / ratio;
		}
	}
	calculate_totalreserve_pages(b);
}

/* rounddown_pow_of_two() of a positive value. */
static int rounddown_pow_of_two(int v)
{
	int p = 1;

	while (p <= v / 2)
		p <<= 1;
	return p;
}

/* zone_batchsize(): about 0.1% of the zone or 1 MiB, whichever is smaller,
 * a quarter of it, then 2^n - 1 (powers of two alias badly in caches). */
static int zone_batchsize(const struct zone *z)
{
	uint64_t pages = z->managed_pages >> 10;
	int batch;

	if (pages > PCP_BATCH_MAX_BYTES / PTK_PAGE_SIZE)
		pages = PCP_BATCH_MAX_BYTES / PTK_PAGE_SIZE;
	batch = (int)pages / 4;
	if (batch < 1)
		batch = 1;
	return rounddown_pow_of_two(batch + batch / 2) - 1;
}

/* zone_highsize(): the low watermark split over the node's CPUs (and
 * percpu_pagelist_high_fraction 0), at least four batches. */
static int zone_highsize(const struct zone *z, int batch)
{
	int high = (int)(z->watermark[PTK_WMARK_LOW] / NR_ONLINE_CPUS);

	return high > batch << 2 ? high : batch << 2;
}

/* zone_pcp_update() -> zone_set_pageset_high_and_batch(); a zone without
 * pages keeps the boot pageset (high 0, batch 1). */
void zone_pcp_update(struct ptk_buddy *b, struct zone *z)
{
	int batch = zone_batchsize(z);

	(void)b;
	if (!populated_zone(z)) {
		z->pcp.high = 0;
		z->pcp.batch = 1;
		return;
	}
	z->pcp.batch = batch > 1 ? batch : 1;
	z->pcp.high = zone_highsize(z, z->pcp.batch);
}

/* setup_per_zone_wmarks(): the watermarks, then the pcp sizes from them. */
static void setup_per_zone_wmarks(struct ptk_buddy *b)
{
	__setup_per_zone_wmarks(b);
	for (unsigned int i = 0; i < b->nr_zones; i++)
		zone_pcp_update(b, &b->zones[i]);
}

/*
 * init_per_zone_wmark_min(): min_free_kbytes = sqrt(lowmem_kbytes * 16)
 * in [128, 262144], lowmem being what GFP_USER may allocate
 * (nr_free_buffer_pages()).  With THP, khugepaged later raises it
 * (set_recommended_min_free_kbytes); that is not modelled.
 */
void init_per_zone_wmark_min(struct ptk_buddy *b)
{
	int highest = gfp_zone(b, PTK_GFP_USER);
	uint64_t lowmem_kbytes = nr_free_zone_pages(b, highest) * (PTK_PAGE_SIZE >> 10);
	uint64_t v = int_sqrt(lowmem_kbytes * 16);

	b->min_free_kbytes = v < MIN_FREE_KBYTES_MIN ? MIN_FREE_KBYTES_MIN :
			     v > MIN_FREE_KBYTES_MAX ? MIN_FREE_KBYTES_MAX : v;
	setup_per_zone_wmarks(b);
	setup_per_zone_lowmem_reserve(b);
}
