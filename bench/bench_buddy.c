// SPDX-License-Identifier: MIT
/*
 * The buddy allocator: an order-0 alloc+free pair (the per-CPU list path),
 * an order-9 pair (THP's pcp list), and a random mix of orders 0..10 over
 * a ring of live blocks; against the host's malloc/free of 4 KiB and
 * mmap + first touch + munmap of one page in the same run.  The machine is
 * x86-64 with 2 GiB of RAM and SPARSEMEM_VMEMMAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define GiB		(1ull << 30)
#define PAIRS		4000000u
#define PAIRS_ORDER9	400000u
#define MIX_OPS		2000000u
#define MIX_RING	1024u
#define HOST_OPS	2000000u
#define HOST_MMAP_OPS	200000u

typedef double (*op_fn)(struct ptk_buddy *b);

static void must(struct ptk_buddy *b, int rc)
{
	if (rc) {
		fprintf(stderr, "bench: %s\n", ptk_buddy_error(b)->msg);
		exit(1);
	}
}

static double pair(struct ptk_buddy *b, unsigned int order, unsigned int n)
{
	double t0 = bench_now();
	uint64_t pfn;

	for (unsigned int i = 0; i < n; i++) {
		must(b, ptk_alloc_pages(b, PTK_GFP_KERNEL, order, &pfn));
		must(b, ptk_free_pages(b, pfn, order));
	}
	return (bench_now() - t0) / n;
}

static double pair0(struct ptk_buddy *b) { return pair(b, 0, PAIRS); }
static double pair9(struct ptk_buddy *b) { return pair(b, 9, PAIRS_ORDER9); }

/* splitmix64, as the tests use */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Orders mostly small, as real allocations are: 0 (60%), 1-3, 4-8, 9-10. */
static unsigned int mix_order(uint64_t r)
{
	unsigned int x = (unsigned int)(r % 100), y = (unsigned int)(r >> 32);

	return x < 60 ? 0 : x < 85 ? 1 + y % 3 : x < 96 ? 4 + y % 5 : 9 + y % 2;
}

/* One op = free the oldest block of the ring and allocate a new one. */
static double mix(struct ptk_buddy *b)
{
	static const uint32_t gfps[] = { PTK_GFP_KERNEL, PTK_GFP_HIGHUSER_MOVABLE,
					 PTK_GFP_KERNEL | PTK___GFP_RECLAIMABLE, PTK_GFP_USER };
	uint64_t pfn[MIX_RING], seed = 42;
	unsigned int order[MIX_RING];
	double t0;

	for (unsigned int i = 0; i < MIX_RING; i++) {
		order[i] = mix_order(next(&seed));
		must(b, ptk_alloc_pages(b, gfps[i % 4], order[i], &pfn[i]));
	}
	t0 = bench_now();
	for (unsigned int i = 0; i < MIX_OPS; i++) {
		unsigned int s = i % MIX_RING;
		uint64_t r = next(&seed);

		must(b, ptk_free_pages(b, pfn[s], order[s]));
		order[s] = mix_order(r);
		must(b, ptk_alloc_pages(b, gfps[(r >> 16) % 4], order[s], &pfn[s]));
	}
	t0 = (bench_now() - t0) / MIX_OPS;
	for (unsigned int i = 0; i < MIX_RING; i++)
		must(b, ptk_free_pages(b, pfn[i], order[i]));
	return t0;
}

static double timed(op_fn fn)
{
	struct ptk_machine *m = bench_machine("x86_64-4level", 2 * GiB);
	double ns;

	if (ptk_machine_memblock_free_all(m)) {
		fprintf(stderr, "bench: %s\n", ptk_machine_errmsg(m));
		exit(1);
	}
	ns = fn(ptk_machine_buddy(m));
	ptk_machine_destroy(m);
	return ns;
}

static double median_of(op_fn fn)
{
	double runs[BENCH_RUNS];

	for (int r = 0; r < BENCH_RUNS; r++)
		runs[r] = timed(fn);
	return bench_median(runs, BENCH_RUNS);
}

static double host_malloc(void)
{
	double t0 = bench_now();

	for (unsigned int i = 0; i < HOST_OPS; i++) {
		void *volatile p = malloc(4096);

		free(p);
	}
	return (bench_now() - t0) / HOST_OPS;
}

/* The host kernel allocating and freeing a page: mmap, first touch, munmap. */
static double host_mmap(void)
{
	double t0 = bench_now();

	for (unsigned int i = 0; i < HOST_MMAP_OPS; i++) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			exit(1);
		*(volatile char *)p = 1;
		munmap(p, 4096);
	}
	return (bench_now() - t0) / HOST_MMAP_OPS;
}

static double host_median(double (*fn)(void))
{
	double runs[BENCH_RUNS];

	for (int r = 0; r < BENCH_RUNS; r++)
		runs[r] = fn();
	return bench_median(runs, BENCH_RUNS);
}

static void report(const char *name, double ns, double host_m, double host_p)
{
	bench_report(name, ns, "malloc+free 4 KiB", host_m);
	bench_report("", ns, "mmap+touch+munmap 1 page", host_p);
}

int main(void)
{
	double host_m = host_median(host_malloc), host_p = host_median(host_mmap);

	printf("buddy allocator, x86-64 2 GiB SPARSEMEM_VMEMMAP: median of %d runs "
	       "(target order-0 pair <= 30 ns)\n", BENCH_RUNS);
	report("alloc+free order 0 (pcp), GFP_KERNEL", median_of(pair0), host_m, host_p);
	report("alloc+free order 9 (THP pcp list)", median_of(pair9), host_m, host_p);
	report("random mix orders 0-10, free+alloc", median_of(mix), host_m, host_p);
	return 0;
}
