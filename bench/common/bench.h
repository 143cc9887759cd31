/* SPDX-License-Identifier: MIT */
/* Benchmark helpers: monotonic time, medians, host comparisons. */
#ifndef PTK_BENCH_H
#define PTK_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <ptkit/ptkit.h>

#define BENCH_RUNS 11	/* odd, so the median is one run */

double bench_now(void);
double bench_median(double *v, size_t n);
/* Resident set size of this process in bytes (from /proc/self/statm). */
uint64_t bench_rss(void);
/* "name   12.3 ns/op" plus a host comparison and its ratio when host > 0. */
void bench_report(const char *name, double ns, const char *host_name, double host_ns);

struct ptk_machine *bench_machine(const char *fmt, uint64_t ram_bytes);
struct ptk_prot bench_prot(const struct ptk_machine *m, const char *letters);

#endif
