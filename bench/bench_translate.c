// SPDX-License-Identifier: MIT
/*
 * Translation with hot tables (no TLB model yet): ns per ptk_translate of a
 * random 4K page among 16384 mapped, 4- and 5-level.  For scale, the host
 * doing a chain of dependent random 8-byte loads over the same 64 MiB of
 * data: a software walk is several such loads.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define NPAGES 16384u
#define ITERS  2000000u

static double host_dependent_loads(void)
{
	uint64_t *chain = malloc((size_t)NPAGES * 512 * sizeof(uint64_t));
	double runs[BENCH_RUNS];
	uint64_t seed = 42, idx = 0;

	/* A random cyclic permutation of page-sized strides. */
	for (uint64_t i = 0; i < NPAGES; i++)
		chain[i * 512] = i * 512;
	for (uint64_t i = NPAGES - 1; i > 0; i--) {
		uint64_t j = (seed = seed * 6364136223846793005ull + 1) % i, t;

		t = chain[i * 512], chain[i * 512] = chain[j * 512], chain[j * 512] = t;
	}
	for (int r = 0; r < BENCH_RUNS; r++) {
		double t0 = bench_now();

		for (unsigned i = 0; i < ITERS; i++)
			idx = chain[idx];
		runs[r] = (bench_now() - t0) / ITERS;
	}
	if (idx == 1)
		printf("(unlikely)\n");
	free(chain);
	return bench_median(runs, BENCH_RUNS);
}

static double translate_ns(const char *fmt)
{
	struct ptk_machine *m = bench_machine(fmt, 1ull << 30);
	struct ptk_pgtable *pt;
	struct ptk_prot p = bench_prot(m, "rw");
	uint64_t base = 0x7f0000000000ull, *vas = malloc(ITERS * sizeof(*vas)), seed = 7, sink = 0;
	double runs[BENCH_RUNS];

	if (ptk_pgd_alloc(m, "b", &pt) ||
	    ptk_map_range(pt, base, 0x10000000, (uint64_t)NPAGES << 12, &p, 4096)) {
		fprintf(stderr, "bench: %s\n", ptk_machine_errmsg(m));
		exit(1);
	}
	for (unsigned i = 0; i < ITERS; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		vas[i] = base + ((seed >> 20) % NPAGES) * 4096 + (seed & 0xff8);
	}
	for (int r = 0; r < BENCH_RUNS; r++) {
		struct ptk_walk_req req = { .access = PTK_ACC_READ };
		struct ptk_walk_result res;
		double t0 = bench_now();

		for (unsigned i = 0; i < ITERS; i++) {
			req.va = vas[i];
			ptk_translate(m, pt, &req, &res);
			sink += res.pa;
		}
		runs[r] = (bench_now() - t0) / ITERS;
	}
	if (sink == 1)
		printf("(unlikely)\n");
	free(vas);
	ptk_machine_destroy(m);
	return bench_median(runs, BENCH_RUNS);
}

int main(void)
{
	double host = host_dependent_loads();

	printf("translate: median of %d runs of %u random 4K-page translations (target <= 15 ns)\n",
	       BENCH_RUNS, ITERS);
	bench_report("translate x86_64-4level 4K", translate_ns("x86_64-4level"),
		     "dependent load", host);
	bench_report("translate x86_64-5level 4K", translate_ns("x86_64-5level"),
		     "dependent load", host);
	return 0;
}
