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

/* NPAGES of the format's smallest page, translated at random (EL1 / CPL 0
 * reads of a kernel mapping). */
static double translate_ns(const char *fmt)
{
	struct ptk_machine *m = bench_machine(fmt, 1ull << 30);
	const struct ptk_format *f = ptk_machine_format(m);
	uint64_t page = ptk_level_size(f, f->nlevels - 1u);
	struct ptk_pgtable *pt;
	struct ptk_prot p = bench_prot(m, "rwa");
	uint64_t base = f->nroots > 1 ? f->root_base[f->nroots - 1] :
			ptk_va_canonical(f, 1ull << (f->va_bits - 1)) & ~((1ull << 30) - 1);
	uint64_t *vas = malloc(ITERS * sizeof(*vas)), seed = 7, sink = 0;
	unsigned npages = (unsigned)(((uint64_t)NPAGES << 12) / page);
	double runs[BENCH_RUNS];

	if (ptk_pgd_alloc(m, "b", &pt) ||
	    ptk_map_range(pt, base, 0x10000000, (uint64_t)npages * page, &p, page)) {
		fprintf(stderr, "bench: %s\n", ptk_machine_errmsg(m));
		exit(1);
	}
	for (unsigned i = 0; i < ITERS; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		vas[i] = base + ((seed >> 20) % npages) * page + (seed & (page - 8));
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

	static const char *const fmts[] = {
		"x86_64-4level", "x86_64-5level", "aarch64-4K-48", "aarch64-4K-39",
		"aarch64-16K-47", "aarch64-64K-42", "aarch64-4K-52", "arm32-lpae", "arm32",
	};
	char name[96];

	printf("translate: median of %d runs of %u random translations in 64 MiB of the smallest "
	       "pages (target <= 15 ns)\n", BENCH_RUNS, ITERS);
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(name, sizeof(name), "translate %s", fmts[i]);
		bench_report(name, translate_ns(fmts[i]), "dependent load", host);
	}
	return 0;
}
