// SPDX-License-Identifier: MIT
/*
 * Range operations: map 1 GiB with 4K pages (ns per page), against the host
 * kernel populating 1 GiB with mmap(MAP_POPULATE) in the same run; map 1 TiB
 * with 1G pages; unmap and protect 1 GiB of 4K pages; host memory used per
 * simulated GiB mapped with 4K pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bench.h"

#define GiB (1ull << 30)
#define TiB (1ull << 40)

typedef double (*op_fn)(const char *fmt);

static double median_of(op_fn fn, const char *fmt)
{
	double runs[BENCH_RUNS];

	for (int r = 0; r < BENCH_RUNS; r++)
		runs[r] = fn(fmt);
	return bench_median(runs, BENCH_RUNS);
}

static struct ptk_pgtable *fresh(struct ptk_machine *m)
{
	struct ptk_pgtable *pt;

	if (ptk_pgd_alloc(m, "b", &pt)) {
		fprintf(stderr, "bench: %s\n", ptk_machine_errmsg(m));
		exit(1);
	}
	return pt;
}

static void must(struct ptk_machine *m, int rc)
{
	if (rc) {
		fprintf(stderr, "bench: %s\n", ptk_machine_errmsg(m));
		exit(1);
	}
}

/* Time one operation on a fresh tree, optionally after a prepared mapping. */
enum what { MAP_4K, MAP_1T, UNMAP_4K, PROTECT_4K };

/* The start of the kernel half, where Linux puts its linear map. */
static uint64_t kernel_va(const struct ptk_format *f)
{
	if (f->nroots > 1)
		return f->root_base[f->nroots - 1];	/* TTBR1's region */
	return ptk_va_canonical(f, 1ull << (f->va_bits - 1)) & ~(GiB - 1);
}

static double timed(const char *fmt, enum what w)
{
	struct ptk_machine *m = bench_machine(fmt, 2 * TiB);
	const struct ptk_format *f = ptk_machine_format(m);
	uint64_t page = ptk_level_size(f, f->nlevels - 1u), va = kernel_va(f), n = 0;
	struct ptk_pgtable *pt = fresh(m);
	struct ptk_prot rw = bench_prot(m, "rwa"), ro = bench_prot(m, "ra");
	double t0 = 0, dt;

	if (w == UNMAP_4K || w == PROTECT_4K)
		must(m, ptk_map_range(pt, va, 0, GiB, &rw, page));
	t0 = bench_now();
	switch (w) {
	case MAP_4K: must(m, ptk_map_range(pt, va, 0, GiB, &rw, page)); n = GiB / page; break;
	case MAP_1T: must(m, ptk_map_range(pt, va, 0, TiB, &rw, GiB)); n = TiB >> 30; break;
	case UNMAP_4K: must(m, ptk_unmap_range(pt, va, GiB)); n = GiB / page; break;
	case PROTECT_4K: must(m, ptk_protect_range(pt, va, GiB, &ro)); n = GiB / page; break;
	}
	dt = (bench_now() - t0) / (double)n;
	ptk_machine_destroy(m);
	return dt;
}

static double map_4k(const char *fmt) { return timed(fmt, MAP_4K); }
static double map_1t(const char *fmt) { return timed(fmt, MAP_1T); }
static double unmap_4k(const char *fmt) { return timed(fmt, UNMAP_4K); }
static double protect_4k(const char *fmt) { return timed(fmt, PROTECT_4K); }

static double host_populate(const char *unused)
{
	double t0 = bench_now(), dt;
	void *p = mmap(NULL, GiB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	(void)unused;
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	dt = (bench_now() - t0) / (double)(GiB >> 12);
	munmap(p, GiB);
	return dt;
}

static void host_memory_per_gib(const char *fmt)
{
	struct ptk_machine *m = bench_machine(fmt, 2 * TiB);
	struct ptk_pgtable *pt = fresh(m);
	struct ptk_prot rw = bench_prot(m, "rw");
	uint64_t before = bench_rss(), after;

	must(m, ptk_map_range(pt, kernel_va(ptk_machine_format(m)), 0, GiB, &rw, 4096));
	after = bench_rss();
	printf("%-44s %10.2f MiB host RSS per GiB mapped (page tables: %llu pages = %.2f MiB)\n",
	       fmt, (double)(after - before) / (1 << 20),
	       (unsigned long long)ptk_pgtable_nr_tables(pt),
	       (double)ptk_pgtable_nr_tables(pt) * 4096 / (1 << 20));
	ptk_machine_destroy(m);
}

int main(void)
{
	static const char *const fmts[] = {
		"x86_64-4level", "x86_64-5level", "aarch64-4K-48", "aarch64-16K-47", "aarch64-64K-42",
		"arm32-lpae", "arm32",
	};
	double host = median_of(host_populate, NULL);
	char name[96];

	printf("range operations: median of %d runs, per page of the format's smallest size "
	       "(target map 4K <= 10 ns/page)\n", BENCH_RUNS);
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(name, sizeof(name), "map 1 GiB, smallest pages, %s", fmts[i]);
		bench_report(name, median_of(map_4k, fmts[i]), "mmap(MAP_POPULATE) 1 GiB", host);
		if (i < 3) {	/* formats with 1G pages where the kernel half starts */
			snprintf(name, sizeof(name), "map 1 TiB, 1G pages, %s (per page)", fmts[i]);
			bench_report(name, median_of(map_1t, fmts[i]), NULL, 0);
		}
		snprintf(name, sizeof(name), "unmap 1 GiB of smallest pages, %s", fmts[i]);
		bench_report(name, median_of(unmap_4k, fmts[i]), NULL, 0);
		snprintf(name, sizeof(name), "protect 1 GiB of smallest pages, %s", fmts[i]);
		bench_report(name, median_of(protect_4k, fmts[i]), NULL, 0);
	}
	for (size_t i = 0; i < 3; i++)
		host_memory_per_gib(fmts[i]);
	return 0;
}
