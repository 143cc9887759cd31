/* SPDX-License-Identifier: MIT */
/*
 * How every referee self-test reports: one PASS or FAIL line a check,
 * counted, and "N passed, M failed" last (the line CTest's exit status and
 * the README's examples go by); a reproducible xorshift for the random
 * cross-checks; the clocks of the TIME lines.  Header-only, as each
 * self-test is one program of its own.
 */
#ifndef SELFTEST_REPORT_H
#define SELFTEST_REPORT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int npass, nfail;

static inline const char *pass_fail(const char *why)
{
	return why[0] ? "FAIL" : "PASS";
}

/* A query the referee refused, where its answer would stand. */
static inline void show_rc(int rc)
{
	printf("rc=%d (%s)", rc, strerror(-rc));
}

/* The entries a walk read, by physical address. */
static inline void show_walk(unsigned nwalk, const uint64_t *walk_pa)
{
	printf(" walk[%u]={", nwalk);
	for (unsigned i = 0; i < nwalk; i++)
		printf("%s%#" PRIx64, i ? "," : "", walk_pa[i]);
	printf("}");
}

/* Ends a check's line, which the caller began (pass_fail(why), what was
 * asked, what the referee answered): why the check failed, if it did.
 * Counts the check; returns whether it passed. */
static inline bool check_done(const char *why)
{
	bool ok = !why[0];

	if (!ok)
		printf("\n     ** %s", why);
	printf("\n");
	ok ? npass++ : nfail++;
	return ok;
}

static inline void expect(const char *name, bool cond, const char *detail)
{
	printf("%s %s%s%s\n", cond ? "PASS" : "FAIL", name, cond ? "" : "\n     ** ", cond ? "" : detail);
	cond ? npass++ : nfail++;
}

/* The last line, and main's exit status. */
static inline int selftest_summary(void)
{
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}

/* xorshift64 from a fixed seed, so a random cross-check can be rerun. */
static uint64_t rstate = 88172645463325252ULL;

static inline uint64_t rnd(void)
{
	rstate ^= rstate << 13;
	rstate ^= rstate >> 7;
	rstate ^= rstate << 17;
	return rstate;
}

static inline double clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

#endif
