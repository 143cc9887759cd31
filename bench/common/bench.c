// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t bench_rss(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

void bench_report(const char *name, double ns, const char *host_name, double host_ns)
{
	printf("%-44s %10.2f ns/op", name, ns);
	if (host_name && host_ns > 0)
		printf("   host %-28s %10.2f ns/op   ratio %.3gx", host_name, host_ns, ns / host_ns);
	printf("\n");
	fflush(stdout);
}

struct ptk_machine *bench_machine(const char *fmt, uint64_t ram_bytes)
{
	struct ptk_phys_range ram = { 0, ram_bytes };
	struct ptk_format f;
	struct ptk_machine_config cfg = { .fmt = &f, .ram = &ram, .nr_ram = 1 };
	struct ptk_error err = { 0 };
	struct ptk_machine *m = NULL;

	if (!ptk_format_build(fmt, &f, &err) && ram.size > (1ull << f.default_pa_bits) / 2)
		ram.size = (1ull << f.default_pa_bits) / 2;	/* 40-bit ARMv7 LPAE */
	if (ptk_format_build(fmt, &f, &err) || ptk_machine_create(&m, &cfg, &err)) {
		fprintf(stderr, "bench: machine %s: %s\n", fmt, err.msg);
		exit(1);
	}
	return m;
}

struct ptk_prot bench_prot(const struct ptk_machine *m, const char *letters)
{
	struct ptk_prot p;

	if (ptk_prot_parse(ptk_machine_format(m), letters, &p)) {
		fprintf(stderr, "bench: bad prot %s\n", letters);
		exit(1);
	}
	return p;
}
