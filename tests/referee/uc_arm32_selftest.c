/* SPDX-License-Identifier: MIT */
/*
 * Self-test of the unicorn/QEMU ARMv7-A stage 1 referee (uc_arm32.c).
 *
 * Builds short-descriptor and long-descriptor (LPAE) tables by hand, asks
 * the referee, and compares with the architecturally expected outcome
 * (ARMv7-A ARM B3.5-B3.7, B3.12-B3.13): fault or not, fault status and
 * level, domain, physical address, mapping size, and the exact descriptors
 * the walker read.  QEMU's known departures are checked to be flagged.
 * Then a random cross-check against a small independent model of the
 * architecture (with QEMU's flagged departures), per-query isolation checks
 * and the cost of a query.
 *
 * Build (from the repository root):
 *   gcc -std=c17 -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       tests/referee/uc_arm32*.c -lunicorn -o selftest
 *   ./selftest [number of random queries, default 20000] [random seed]
 */
#define _POSIX_C_SOURCE 200809L
#include "uc_arm32.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "selftest_pool.h"
#include "selftest_report.h"

/* ------------------------------------------------------------ page pool */

static uint64_t rd(const struct pool *p, uint64_t pa, unsigned size)
{
	const uint8_t *b = pool_at(p, pa);
	uint64_t v = 0;
	for (unsigned i = 0; b && i < size; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

/* 32-bit entry idx of the table (of tsize bytes) at 'table' */
static void set32(struct pool *p, uint64_t table, size_t tsize, unsigned idx, uint32_t val)
{
	uint8_t *t = page(p, table, tsize);
	for (int i = 0; i < 4; i++)
		t[idx * 4 + (unsigned)i] = (uint8_t)(val >> (8 * i));
}

static void set64(struct pool *p, uint64_t table, unsigned idx, uint64_t val)
{
	uint8_t *t = page(p, table, 4096);
	for (int i = 0; i < 8; i++)
		t[idx * 8 + (unsigned)i] = (uint8_t)(val >> (8 * i));
}

static int load(struct ucb *x, const struct pool *p)
{
	struct ucb_page pg[MAXPG];
	for (size_t i = 0; i < p->n; i++) {
		pg[i].pa = p->pa[i];
		pg[i].bytes = p->b[i];
		pg[i].size = p->size[i];
	}
	return ucb_set_memory(x, pg, p->n);
}

/* ---------------------------------------------------------- descriptors */

/* short-descriptor format */
static uint32_t SEC(uint32_t pa, unsigned ap, unsigned dom)
{
	return pa | (ap & 3) << 10 | (ap >> 2) << 15 | dom << 5 | 2;
}
#define S_XN   (1u << 4)
#define S_PXN  1u          /* section: bits[1:0] = 0b11 */
static uint32_t SUPER(uint64_t pa, unsigned ap)
{
	return (uint32_t)(pa & 0xff000000u) | (uint32_t)((pa >> 32) & 0xf) << 20 |
	       (uint32_t)((pa >> 36) & 0xf) << 5 | 1u << 18 | (ap & 3) << 10 | (ap >> 2) << 15 | 2;
}
static uint32_t PT(uint32_t l2, unsigned dom, unsigned pxn)
{
	return l2 | dom << 5 | pxn << 2 | 1;
}
static uint32_t SMALL(uint32_t pa, unsigned ap, unsigned xn)
{
	return pa | (ap & 3) << 4 | (ap >> 2) << 9 | 2 | xn;
}
static uint32_t LARGE(uint32_t pa, unsigned ap, unsigned xn)
{
	return pa | (ap & 3) << 4 | (ap >> 2) << 9 | xn << 15 | 1;
}

/* long-descriptor format */
#define AF    (1ULL << 10)
#define L_XN  (1ULL << 54)
#define L_PXN (1ULL << 53)
#define PXNT  (1ULL << 59)
#define XNT   (1ULL << 60)
#define APT0  (1ULL << 61)  /* APTable[0]: no PL0 access below */
#define APT1  (1ULL << 62)  /* APTable[1]: read-only below */
static uint64_t TBL(uint64_t a) { return a | 3; }
static uint64_t BLK(uint64_t pa, unsigned ap) { return pa | AF | (uint64_t)ap << 6 | 1; }
static uint64_t PG(uint64_t pa, unsigned ap) { return pa | AF | (uint64_t)ap << 6 | 3; }

#define SCTLR 0x00c50079u   /* Cortex-A15 reset value with M = 1 */
#define AFE   (1u << 29)
#define TRE   (1u << 28)
#define WXN   (1u << 19)
#define UWXN  (1u << 20)
#define EAE   (1u << 31)
#define PD0   (1u << 4)
#define PD1   (1u << 5)
#define EPD0  (1u << 7)
#define EPD1  (1u << 23)

/* short fault status codes */
#define FT1 0x05u
#define FT2 0x07u
#define FA1 0x03u
#define FA2 0x06u
#define FD1 0x09u
#define FD2 0x0bu
#define FP1 0x0du
#define FP2 0x0fu
/* long ones */
#define LT(l) (0x04u | (l))
#define LA(l) (0x08u | (l))
#define LP(l) (0x0cu | (l))

/* ---------------------------------------------------------- checking */

struct want {
	int rc;
	bool fault;
	unsigned fs;
	uint64_t pa;
	unsigned shift;
	int nwalk;         /* -1: don't check */
	uint64_t walk[3];  /* checked if walk[0] != 0 */
	unsigned dev;
	int domain;        /* -2: don't check */
	int real;          /* -1: don't check, else real_access */
	uint32_t stub;     /* 0: don't check */
};

#define OK(pa_, sh_, nw_, ...) ((struct want){ .pa = (pa_), .shift = (sh_), .nwalk = (nw_), .domain = -2, .real = 1, .walk = { __VA_ARGS__ } })
#define FLT(fs_, nw_, ...) ((struct want){ .fault = true, .fs = (fs_), .nwalk = (nw_), .domain = -2, .real = 1, .walk = { __VA_ARGS__ } })
#define ERR(rc_) ((struct want){ .rc = (rc_), .nwalk = -1, .domain = -2, .real = -1 })

static struct want D(struct want w, unsigned dev) { w.dev = dev; return w; }
static struct want DOM(struct want w, int d) { w.domain = d; return w; }
static struct want STUB(struct want w, uint32_t s) { w.stub = s; return w; }
static struct want NOREAL(struct want w) { w.real = 0; return w; }

static const char *accname(enum ucb_access a)
{
	return a == UCB_READ ? "read" : a == UCB_WRITE ? "write" : "fetch";
}

static void show(const struct ucb_result *r)
{
	if (r->fault)
		printf("%s fault L%d (fs %#x)", ucb_fault_type_name(r->type), r->level, r->fs);
	else
		printf("ok pa=%#" PRIx64 " size=2^%u", r->pa, r->page_shift);
	if (r->domain >= 0)
		printf(" dom=%d", r->domain);
	show_walk(r->nwalk, r->walk_pa);
	if (r->real_access)
		printf(" stub=%#x", r->stub_va);
	else
		printf(" AT-only");
	if (r->deviation)
		printf(" dev=%#x", r->deviation);
	if (r->unlisted)
		printf(" unlisted=%#" PRIx64, r->unlisted_pa);
}

static bool check(const char *name, struct ucb *x, const struct ucb_state *st, uint32_t va,
		  enum ucb_access acc, bool user, struct want w, struct ucb_result *rout)
{
	struct ucb_result r;
	int rc = ucb_query(x, st, va, acc, user, &r);
	char why[200] = "";
	const bool lpae = st->lpae;
	if (rc != w.rc) {
		snprintf(why, sizeof why, "rc=%d, want %d", rc, w.rc);
	} else if (rc == 0) {
		if (r.fault != w.fault) {
			snprintf(why, sizeof why, "fault=%d, want %d", r.fault, w.fault);
		} else if (w.fault && r.fs != w.fs) {
			snprintf(why, sizeof why, "fs %#x, want %#x", r.fs, w.fs);
		} else if (!w.fault && (r.pa != w.pa || r.page_shift != w.shift)) {
			snprintf(why, sizeof why, "pa %#" PRIx64 " shift %u, want %#" PRIx64 " shift %u", r.pa,
				 r.page_shift, w.pa, w.shift);
		} else if (w.nwalk >= 0 && (int)r.nwalk != w.nwalk) {
			snprintf(why, sizeof why, "%u walk reads, want %d", r.nwalk, w.nwalk);
		} else if (r.deviation != w.dev) {
			snprintf(why, sizeof why, "deviation %#x, want %#x", r.deviation, w.dev);
		} else if (w.domain != -2 && r.domain != w.domain) {
			snprintf(why, sizeof why, "domain %d, want %d", r.domain, w.domain);
		} else if (w.real >= 0 && r.real_access != (w.real != 0)) {
			snprintf(why, sizeof why, "real_access %d, want %d", r.real_access, w.real);
		} else if (w.stub && r.stub_va != w.stub) {
			snprintf(why, sizeof why, "stub at %#x, want %#x", r.stub_va, w.stub);
		} else if (w.nwalk > 0 && w.walk[0]) {
			for (int i = 0; i < w.nwalk; i++)
				if (r.walk_pa[i] != w.walk[i])
					snprintf(why, sizeof why, "walk[%d]=%#" PRIx64 ", want %#" PRIx64, i,
						 r.walk_pa[i], w.walk[i]);
		}
		/* the raw observations must agree with the summary */
		unsigned pfs = lpae ? (unsigned)((r.par >> 1) & 0x3f)
				    : (unsigned)(((r.par >> 1) & 0xf) | ((r.par >> 1) & 0x10));
		unsigned ffs = lpae ? r.fsr & 0x3f : (r.fsr & 0xf) | ((r.fsr >> 6) & 0x10);
		int lvl = r.level;
		if (!why[0] && r.fault && acc != UCB_FETCH && (!(r.par & 1) || pfs != r.fs))
			snprintf(why, sizeof why, "PAR %#" PRIx64 " disagrees with fs", r.par);
		if (!why[0] && r.fault && r.real_access &&
		    (ffs != r.fs || r.far != va || ((r.fsr >> 11) & 1) != (acc == UCB_WRITE)))
			snprintf(why, sizeof why, "FSR %#x / FAR %#x disagree", r.fsr, r.far);
		if (!why[0] && !r.fault && r.real_access && r.access_pa != r.pa)
			snprintf(why, sizeof why, "access_pa %#" PRIx64 " != pa", r.access_pa);
		if (!why[0] && r.fault && (lvl < 1 || lvl > 3))
			snprintf(why, sizeof why, "level %d", lvl);
		if (!why[0] && !lpae && r.fault && r.real_access &&
		    (r.type == UCB_FT_DOMAIN || r.type == UCB_FT_PERMISSION) &&
		    (int)((r.fsr >> 4) & 0xf) != r.domain)
			snprintf(why, sizeof why, "FSR domain %u != %d", (r.fsr >> 4) & 0xf, r.domain);
	}
	printf("%s %-58s %s %-5s va=%#010x -> ", pass_fail(why), name, user ? "PL0" : "PL1",
	       accname(acc), va);
	if (rc)
		show_rc(rc);
	else
		show(&r);
	if (rout)
		*rout = r;
	return check_done(why);
}

/* ---------------------------------------------------- short descriptors */

#define SR0  0x00100000u /* L1, 16 KiB */
#define SL2A 0x00104000u /* L2, 1 KiB */
#define SL2B 0x00104400u
#define SR1  0x00108000u /* TTBR1 L1 */
#define SUNL 0x003f0000u /* referenced as an L2 table, never listed */
/* DACR: D0, D1 Client, D2 No access, D3 Manager, D4 reserved (0b10), rest Client */
#define DACR_T 0x555556c5u

static void build_short(struct pool *p)
{
	pool_reset(p);
	const size_t L1 = 16384, L2 = 1024;
	set32(p, SR0, L1, 0x000, SEC(0x80000000u, 3, 0));
	set32(p, SR0, L1, 0x001, SEC(0x80100000u, 1, 0));
	set32(p, SR0, L1, 0x002, SEC(0x80200000u, 2, 0));
	set32(p, SR0, L1, 0x003, SEC(0x80300000u, 5, 0));
	set32(p, SR0, L1, 0x004, SEC(0x80400000u, 6, 0));
	set32(p, SR0, L1, 0x005, SEC(0x80500000u, 7, 0));
	set32(p, SR0, L1, 0x006, SEC(0x80600000u, 0, 0));
	set32(p, SR0, L1, 0x007, SEC(0x80700000u, 4, 0));
	set32(p, SR0, L1, 0x008, SEC(0x80800000u, 3, 0) | S_XN);
	set32(p, SR0, L1, 0x009, SEC(0x80900000u, 3, 0) | S_PXN);
	set32(p, SR0, L1, 0x00a, SEC(0x80a00000u, 3, 2));
	set32(p, SR0, L1, 0x00b, SEC(0x80b00000u, 0, 3) | S_XN);
	set32(p, SR0, L1, 0x00c, SEC(0x80c00000u, 3, 4));
	/* 0x00d not present */
	set32(p, SR0, L1, 0x00e, SEC(0x80e00000u, 3, 15));
	for (unsigned i = 0x010; i < 0x020; i++)
		set32(p, SR0, L1, i, SUPER(0x1245000000ULL, 3));
	for (unsigned i = 0x020; i < 0x030; i++)
		set32(p, SR0, L1, i, SUPER(0x0147000000ULL, i == 0x021 ? 1 : 3));
	set32(p, SR0, L1, 0x030, PT(SL2A, 1, 0));
	set32(p, SR0, L1, 0x031, PT(SL2B, 1, 1));
	set32(p, SR0, L1, 0x032, PT(SL2A, 2, 0));
	set32(p, SR0, L1, 0x033, PT(SL2A, 3, 0));
	set32(p, SR0, L1, 0x034, PT(SUNL, 1, 0));
	set32(p, SR0, L1, 0x035, PT(0xffff0400u, 1, 0));        /* table in the reserved range */
	set32(p, SR0, L1, 0x036, SEC(0xfff00000u, 3, 0));       /* covers the reserved range */
	set32(p, SR0, L1, 0x037, PT(SR0, 1, 0));                /* recursive: L1 read as L2 */
	/* for SCTLR.AFE = 1 */
	set32(p, SR0, L1, 0x040, SEC(0x84000000u, 1, 0));
	set32(p, SR0, L1, 0x041, SEC(0x84100000u, 2, 0));
	set32(p, SR0, L1, 0x042, SEC(0x84200000u, 3, 0));
	set32(p, SR0, L1, 0x043, SEC(0x84300000u, 7, 0));
	set32(p, SR0, L1, 0x044, SEC(0x84400000u, 5, 0));
	set32(p, SR0, L1, 0x045, SEC(0x84500000u, 2, 0) | S_XN);
	set32(p, SR0, L1, 0x046, SEC(0x84600000u, 0, 3));
	set32(p, SR0, L1, 0x047, SEC(0x84700000u, 0, 2));
	set32(p, SR0, L1, 0xffe, SEC(0x91000000u, 3, 0));
	set32(p, SR0, L1, 0xfff, SEC(0x90000000u, 3, 0));

	set32(p, SL2A, L2, 0x00, SMALL(0x00200000u, 3, 0));
	set32(p, SL2A, L2, 0x01, SMALL(0x00201000u, 1, 0));
	set32(p, SL2A, L2, 0x02, SMALL(0x00202000u, 2, 0));
	set32(p, SL2A, L2, 0x03, SMALL(0x00203000u, 3, 1));
	/* 0x04 not present */
	set32(p, SL2A, L2, 0x05, SMALL(0x00205000u, 5, 0));
	set32(p, SL2A, L2, 0x06, SMALL(0x00206000u, 0, 0));
	for (unsigned i = 0x10; i < 0x20; i++)
		set32(p, SL2A, L2, i, LARGE(0x30000000u, 3, 0));
	for (unsigned i = 0x20; i < 0x30; i++)
		set32(p, SL2A, L2, i, LARGE(0x30010000u, 3, 1));
	for (unsigned i = 0x30; i < 0x40; i++)
		set32(p, SL2A, L2, i, LARGE(0x30020000u, i == 0x35 ? 3 : 2, 0));
	set32(p, SL2B, L2, 0x00, SMALL(0x00210000u, 3, 0));

	set32(p, SR1, L1, 0xc00, SEC(0xa0000000u, 3, 0));
	set32(p, SR1, L1, 0x400, SEC(0xa1000000u, 1, 0));
	set32(p, SR1, L1, 0xfff, SEC(0xa2000000u, 3, 0));
}

static void test_short(struct ucb *x, struct pool *pool)
{
	build_short(pool);
	if (load(x, pool))
		expect("load short-descriptor tables", false, "ucb_set_memory failed");
	const struct ucb_state s = { .ttbr0 = SR0, .ttbr1 = SR0, .dacr = DACR_T, .sctlr = SCTLR };
	struct ucb_state st;
	struct ucb_result r;
	const uint32_t L1E = SR0; /* + 4 * index */
	printf("--- short descriptors, TTBCR.N = 0: sections and AP[2:0] (SCTLR.AFE = 0)\n");
	check("section, full access, PL1 read", x, &s, 0x00012345, UCB_READ, false,
	      DOM(OK(0x80012345, 20, 1, L1E), 0), NULL);
	check("section, full access, PL0 write", x, &s, 0x000fffff, UCB_WRITE, true, OK(0x800fffff, 20, 1, 0), NULL);
	check("section, full access, PL0 fetch", x, &s, 0x00000100, UCB_FETCH, true, OK(0x80000100, 20, 1, 0), NULL);
	check("section, full access, PL1 fetch", x, &s, 0x00000100, UCB_FETCH, false, OK(0x80000100, 20, 1, 0), NULL);
	check("AP=001 (PL1 RW), PL0 read", x, &s, 0x00100000, UCB_READ, true, DOM(FLT(FP1, 1, L1E + 4), 0), NULL);
	check("AP=001 (PL1 RW), PL1 write", x, &s, 0x00100000, UCB_WRITE, false, OK(0x80100000, 20, 1, 0), NULL);
	check("AP=001 (PL1 RW), PL0 fetch", x, &s, 0x00100000, UCB_FETCH, true, FLT(FP1, 1, 0), NULL);
	check("AP=010 (PL0 RO), PL0 read", x, &s, 0x00200001, UCB_READ, true, OK(0x80200001, 20, 1, 0), NULL);
	check("AP=010 (PL0 RO), PL0 write", x, &s, 0x00200001, UCB_WRITE, true, FLT(FP1, 1, 0), NULL);
	check("AP=010 (PL0 RO), PL1 write", x, &s, 0x00200001, UCB_WRITE, false, OK(0x80200001, 20, 1, 0), NULL);
	check("AP=010 (PL0 RO), PL0 fetch", x, &s, 0x00200000, UCB_FETCH, true, OK(0x80200000, 20, 1, 0), NULL);
	check("AP=101 (PL1 RO), PL1 write", x, &s, 0x00300000, UCB_WRITE, false, FLT(FP1, 1, 0), NULL);
	check("AP=101 (PL1 RO), PL1 read", x, &s, 0x00300000, UCB_READ, false, OK(0x80300000, 20, 1, 0), NULL);
	check("AP=101 (PL1 RO), PL0 read", x, &s, 0x00300000, UCB_READ, true, FLT(FP1, 1, 0), NULL);
	check("AP=110 (RO, deprecated), PL0 read", x, &s, 0x00400000, UCB_READ, true, OK(0x80400000, 20, 1, 0), NULL);
	check("AP=110 (RO, deprecated), PL1 write", x, &s, 0x00400000, UCB_WRITE, false, FLT(FP1, 1, 0), NULL);
	check("AP=111 (RO), PL1 write", x, &s, 0x00500000, UCB_WRITE, false, FLT(FP1, 1, 0), NULL);
	check("AP=111 (RO), PL0 fetch", x, &s, 0x00500000, UCB_FETCH, true, OK(0x80500000, 20, 1, 0), NULL);
	check("AP=000 (no access), PL1 read", x, &s, 0x00600000, UCB_READ, false, FLT(FP1, 1, 0), NULL);
	check("AP=000 (no access), PL1 fetch", x, &s, 0x00600000, UCB_FETCH, false, FLT(FP1, 1, 0), NULL);
	check("AP=100 (reserved): QEMU no access (flagged)", x, &s, 0x00700000, UCB_READ, false,
	      D(FLT(FP1, 1, 0), UCB_DEV_AP_RESERVED), NULL);
	check("XN section, PL1 fetch", x, &s, 0x00800000, UCB_FETCH, false, FLT(FP1, 1, 0), NULL);
	check("XN section, PL0 fetch", x, &s, 0x00800000, UCB_FETCH, true, FLT(FP1, 1, 0), NULL);
	check("XN section, PL0 read", x, &s, 0x00800000, UCB_READ, true, OK(0x80800000, 20, 1, 0), NULL);
	check("PXN section (bits[1:0]=11), PL1 fetch", x, &s, 0x00900000, UCB_FETCH, false, FLT(FP1, 1, 0), NULL);
	check("PXN section, PL0 fetch", x, &s, 0x00900000, UCB_FETCH, true, OK(0x80900000, 20, 1, 0), NULL);
	check("PXN section, PL1 write", x, &s, 0x00900000, UCB_WRITE, false, OK(0x80900000, 20, 1, 0), NULL);
	check("not present at level 1", x, &s, 0x00d00000, UCB_READ, false, DOM(FLT(FT1, 1, L1E + 0x34), -1), NULL);
	check("not present at level 1, PL0 fetch", x, &s, 0x00d00000, UCB_FETCH, true, FLT(FT1, 1, 0), NULL);

	printf("--- short: domains and DACR\n");
	check("section in a No access domain (2): section domain fault", x, &s, 0x00a00000, UCB_READ, false,
	      DOM(FLT(FD1, 1, L1E + 0x28), 2), NULL);
	check("No access domain, PL0 write", x, &s, 0x00a00000, UCB_WRITE, true, FLT(FD1, 1, 0), NULL);
	check("No access domain, fetch", x, &s, 0x00a00000, UCB_FETCH, false, FLT(FD1, 1, 0), NULL);
	check("Manager domain (3): AP=000 not checked, PL0 write", x, &s, 0x00b00000, UCB_WRITE, true,
	      DOM(OK(0x80b00000, 20, 1, 0), 3), NULL);
	check("Manager domain: XN not checked, PL0 fetch", x, &s, 0x00b00000, UCB_FETCH, true,
	      OK(0x80b00000, 20, 1, 0), NULL);
	check("reserved DACR value 0b10 (domain 4): domain fault (flagged)", x, &s, 0x00c00000, UCB_READ, false,
	      D(DOM(FLT(FD1, 1, 0), 4), UCB_DEV_DACR_RESERVED), NULL);
	st = s;
	st.dacr = 0;
	check("DACR = 0: every domain No access (stub in a Manager domain 15)", x, &st, 0x00012345, UCB_READ,
	      false, DOM(FLT(FD1, 1, L1E), 0), NULL);
	check("DACR = 0: page table, page domain fault (flagged)", x, &st, 0x03000000, UCB_WRITE, true,
	      D(DOM(FLT(FD2, 1, L1E + 0xc0), 1), UCB_DEV_DOMAIN_ORDER), NULL);
	st.dacr = 0xc0000000u; /* only domain 15, Manager: the stub must use 14 */
	check("DACR: only domain 15 Manager, query in domain 15", x, &st, 0x00e00abc, UCB_WRITE, true,
	      DOM(OK(0x80e00abc, 20, 1, 0), 15), NULL);
	check("DACR: only domain 15 Manager, query in domain 0", x, &st, 0x00000abc, UCB_READ, false,
	      FLT(FD1, 1, 0), NULL);
	st.dacr = 0x55555555u;
	check("Client domain 15", x, &st, 0x00e00abc, UCB_WRITE, true, OK(0x80e00abc, 20, 1, 0), NULL);

	printf("--- short: supersections (PA[39:32] from the extended base address)\n");
	check("supersection, PA 0x12_45xx_xxxx", x, &s, 0x01234567, UCB_READ, false,
	      DOM(OK(0x1245234567ULL, 24, 1, L1E + 0x48), 0), NULL);
	check("supersection, PL0 write", x, &s, 0x01fffffe, UCB_WRITE, true, OK(0x1245fffffeULL, 24, 1, L1E + 0x7c), NULL);
	check("supersection, PL1 fetch", x, &s, 0x01fffffc, UCB_FETCH, false, OK(0x1245fffffcULL, 24, 1, 0), NULL);
	check("supersection not replicated (flagged)", x, &s, 0x02000000, UCB_READ, true,
	      D(OK(0x0147000000ULL, 24, 1, L1E + 0x80), UCB_DEV_NOT_REPLICATED), NULL);
	check("  ... QEMU reads the entry indexed by the VA", x, &s, 0x02100000, UCB_READ, true,
	      D(FLT(FP1, 1, L1E + 0x84), UCB_DEV_NOT_REPLICATED), NULL);

	printf("--- short: page tables, small and large pages\n");
	check("small page, PL1 read", x, &s, 0x03000123, UCB_READ, false,
	      DOM(OK(0x00200123, 12, 2, L1E + 0xc0, SL2A), 1), NULL);
	check("small page, PL0 write", x, &s, 0x03000fff, UCB_WRITE, true, OK(0x00200fff, 12, 2, 0), NULL);
	check("small page, PL0 fetch", x, &s, 0x03000ffc, UCB_FETCH, true, OK(0x00200ffc, 12, 2, 0), NULL);
	check("small page AP=001, PL0 read", x, &s, 0x03001000, UCB_READ, true,
	      DOM(FLT(FP2, 2, L1E + 0xc0, SL2A + 4), 1), NULL);
	check("small page AP=010, PL0 write", x, &s, 0x03002000, UCB_WRITE, true, FLT(FP2, 2, 0), NULL);
	check("small page AP=010, PL0 read", x, &s, 0x03002000, UCB_READ, true, OK(0x00202000, 12, 2, 0), NULL);
	check("small page XN, PL1 fetch", x, &s, 0x03003000, UCB_FETCH, false, FLT(FP2, 2, 0), NULL);
	check("small page XN, PL0 read", x, &s, 0x03003000, UCB_READ, true, OK(0x00203000, 12, 2, 0), NULL);
	check("not present at level 2", x, &s, 0x03004000, UCB_READ, false,
	      FLT(FT2, 2, L1E + 0xc0, SL2A + 0x10), NULL);
	check("not present at level 2, PL0 fetch", x, &s, 0x03004000, UCB_FETCH, true, FLT(FT2, 2, 0), NULL);
	check("small page AP=101, PL1 write", x, &s, 0x03005000, UCB_WRITE, false, FLT(FP2, 2, 0), NULL);
	check("large page (64K)", x, &s, 0x0301abcd, UCB_READ, true,
	      OK(0x3000abcd, 16, 2, L1E + 0xc0, SL2A + 0x1a * 4), NULL);
	check("large page, PL1 fetch", x, &s, 0x0301fffc, UCB_FETCH, false, OK(0x3000fffc, 16, 2, 0), NULL);
	check("large page XN (bit 15), PL0 fetch", x, &s, 0x03020000, UCB_FETCH, true, FLT(FP2, 2, 0), NULL);
	check("large page XN, PL0 write", x, &s, 0x0302f000, UCB_WRITE, true, OK(0x3001f000, 16, 2, 0), NULL);
	check("large page not replicated (flagged)", x, &s, 0x03030000, UCB_WRITE, true,
	      D(FLT(FP2, 2, 0), UCB_DEV_NOT_REPLICATED), NULL);
	check("PXN in the L1 page-table descriptor, PL1 fetch", x, &s, 0x03100000, UCB_FETCH, false,
	      FLT(FP2, 2, L1E + 0xc4, SL2B), NULL);
	check("PXN in the page-table descriptor, PL0 fetch", x, &s, 0x03100000, UCB_FETCH, true,
	      OK(0x00210000, 12, 2, 0), NULL);
	check("PXN page table, PL1 read", x, &s, 0x03100000, UCB_READ, false, OK(0x00210000, 12, 2, 0), NULL);
	check("page table in a No access domain: QEMU skips L2 (flagged)", x, &s, 0x03200000, UCB_READ, false,
	      D(DOM(FLT(FD2, 1, L1E + 0xc8), 2), UCB_DEV_DOMAIN_ORDER), NULL);
	check("  ... invalid L2 entry: QEMU page domain, ARM translation", x, &s, 0x03204000, UCB_READ, false,
	      D(FLT(FD2, 1, L1E + 0xc8), UCB_DEV_DOMAIN_ORDER), NULL);
	check("page table in a Manager domain, PL0 write of AP=001", x, &s, 0x03301000, UCB_WRITE, true,
	      DOM(OK(0x00201000, 12, 2, 0), 3), NULL);
	check("Manager domain, PL0 fetch of XN page", x, &s, 0x03303000, UCB_FETCH, true, OK(0x00203000, 12, 2, 0), NULL);
	check("Manager domain, invalid L2 entry", x, &s, 0x03304000, UCB_READ, false, FLT(FT2, 2, 0), NULL);
	check("missing L2 table (reads as zeros)", x, &s, 0x03400000, UCB_READ, false,
	      FLT(FT2, 2, L1E + 0xd0, SUNL), &r);
	expect("  ... and is reported as unlisted", r.unlisted && r.unlisted_pa == SUNL, "unlisted flag not set");
	check("L2 table in the reserved range", x, &s, 0x03500000, UCB_READ, false, ERR(-EINVAL), NULL);
	check("section maps the reserved range: refused", x, &s, 0x036f6000, UCB_WRITE, false, ERR(-EINVAL), NULL);
	check("  ... fetch refused", x, &s, 0x036f6000, UCB_FETCH, true, ERR(-EINVAL), NULL);
	check("  ... outside the reserved 64K: fine", x, &s, 0x03612345, UCB_READ, false, OK(0xfff12345, 20, 1, 0), NULL);
	/* recursive: L2 table = the first KiB of the L1 table; entry 0x30 of
	 * the L1 (0x00104021) read as an L2 entry is a large page at PA
	 * 0x00100000 (AP=010, not replicated) */
	check("recursive: the L1 table read as an L2 table", x, &s, 0x03730123, UCB_READ, false,
	      D(OK(0x00100123, 16, 2, L1E + 0xdc, L1E + 0xc0), UCB_DEV_NOT_REPLICATED), NULL);

	printf("--- short: where the stub runs (no VA is reserved)\n");
	check("top section (slot 4095): stub moves to slot 4094", x, &s, 0xfff00123, UCB_READ, false,
	      STUB(OK(0x90000123, 20, 1, L1E + 0x3ffc), 0xffef6000), NULL);
	check("query at the default stub VA itself", x, &s, 0xffff6000, UCB_WRITE, true,
	      STUB(OK(0x900f6000, 20, 1, 0), 0xffef6000), NULL);
	check("  ... and fetch there", x, &s, 0xffff6000, UCB_FETCH, false, OK(0x900f6000, 20, 1, 0), NULL);
	check("slot 4094: stub in slot 4095", x, &s, 0xffe00000, UCB_READ, false,
	      STUB(OK(0x91000000, 20, 1, 0), 0xffff6000), NULL);

	printf("--- short: SCTLR.TRE, SCTLR.WXN/UWXN\n");
	st = s;
	st.sctlr |= TRE;
	st.prrr = 0xff0a81a8u;
	st.nmrr = 0x40e040e0u;
	check("TRE=1: no effect on translation (section)", x, &st, 0x00012345, UCB_READ, false,
	      OK(0x80012345, 20, 1, 0), NULL);
	check("TRE=1: small page XN, fetch", x, &st, 0x03003000, UCB_FETCH, false, FLT(FP2, 2, 0), NULL);
	check("TRE=1: AP=101, PL1 write", x, &st, 0x00300000, UCB_WRITE, false, FLT(FP1, 1, 0), NULL);
	st = s;
	st.sctlr |= WXN;
	check("WXN=1: PL1 fetch of a writable section: QEMU allows (flagged)", x, &st, 0x00000100, UCB_FETCH,
	      false, D(OK(0x80000100, 20, 1, 0), UCB_DEV_WXN_SHORT), NULL);
	check("WXN=1: fetch of a read-only section", x, &st, 0x00500000, UCB_FETCH, false,
	      OK(0x80500000, 20, 1, 0), NULL);
	st = s;
	st.sctlr |= UWXN;
	check("UWXN=1: PL1 fetch of a PL0-writable section (flagged)", x, &st, 0x00000100, UCB_FETCH, false,
	      D(OK(0x80000100, 20, 1, 0), UCB_DEV_WXN_SHORT), NULL);
	check("UWXN=1: PL0 fetch of a PL0-writable section", x, &st, 0x00000100, UCB_FETCH, true,
	      OK(0x80000100, 20, 1, 0), NULL);

	printf("--- short: SCTLR.AFE = 1 (AP[0] is the access flag, AP[2:1] the simplified model)\n");
	st = s;
	st.sctlr |= AFE;
	check("AFE: AP[2:1]=00 (PL1 RW), PL0 read", x, &st, 0x04000000, UCB_READ, true, FLT(FP1, 1, 0), NULL);
	check("AFE: AP[2:1]=00, PL1 write", x, &st, 0x04000000, UCB_WRITE, false, OK(0x84000000, 20, 1, 0), NULL);
	check("AFE: AF=0, PL1 read: access flag fault (section)", x, &st, 0x04100000, UCB_READ, false,
	      FLT(FA1, 1, L1E + 0x104), NULL);
	check("AFE: AF=0, PL0 fetch", x, &st, 0x04100000, UCB_FETCH, true, FLT(FA1, 1, 0), NULL);
	check("AFE: AP[2:1]=01 (RW), PL0 write", x, &st, 0x04200000, UCB_WRITE, true, OK(0x84200000, 20, 1, 0), NULL);
	check("AFE: AP[2:1]=11 (RO), PL0 write", x, &st, 0x04300000, UCB_WRITE, true, FLT(FP1, 1, 0), NULL);
	check("AFE: AP[2:1]=11 (RO), PL0 read", x, &st, 0x04300000, UCB_READ, true, OK(0x84300000, 20, 1, 0), NULL);
	check("AFE: AP[2:1]=10 (PL1 RO), PL1 write", x, &st, 0x04400000, UCB_WRITE, false, FLT(FP1, 1, 0), NULL);
	check("AFE: AF=0 + XN, read: access flag", x, &st, 0x04500000, UCB_READ, false, FLT(FA1, 1, 0), NULL);
	check("AFE: AF=0 + XN, fetch: QEMU permission (flagged)", x, &st, 0x04500000, UCB_FETCH, false,
	      D(FLT(FP1, 1, 0), UCB_DEV_AF_PRIORITY), NULL);
	check("AFE: AF=0 in a Manager domain: QEMU allows (flagged)", x, &st, 0x04600000, UCB_WRITE, true,
	      D(OK(0x84600000, 20, 1, 0), UCB_DEV_AF_PRIORITY), NULL);
	check("AFE: AF=0 in a No access domain: QEMU domain (flagged)", x, &st, 0x04700000, UCB_READ, false,
	      D(FLT(FD1, 1, 0), UCB_DEV_AF_PRIORITY), NULL);
	check("AFE: small page AF=0: access flag fault (page)", x, &st, 0x03006000, UCB_READ, false,
	      FLT(FA2, 2, L1E + 0xc0, SL2A + 0x18), NULL);
	check("AFE: small page AP=011 (AF=1, RW), PL0 write", x, &st, 0x03000000, UCB_WRITE, true,
	      OK(0x00200000, 12, 2, 0), NULL);
	check("AFE: small page AP=001 (AF=1, PL1 RW), PL0 read", x, &st, 0x03001000, UCB_READ, true,
	      FLT(FP2, 2, 0), NULL);
	st.sctlr |= TRE;
	check("AFE+TRE: access flag fault unchanged", x, &st, 0x04100000, UCB_WRITE, false, FLT(FA1, 1, 0), NULL);

	printf("--- short: TTBCR.N, TTBR1, PD0/PD1\n");
	st = s;
	st.ttbcr = 2; /* TTBR0: [0, 1 GiB), TTBR1: the rest */
	st.ttbr1 = SR1;
	check("N=2: TTBR0 address", x, &st, 0x00012345, UCB_READ, false,
	      STUB(OK(0x80012345, 20, 1, SR0), 0xffff6000), NULL);
	check("N=2: TTBR1 section", x, &st, 0xc0001234, UCB_WRITE, true,
	      STUB(OK(0xa0001234, 20, 1, SR1 + 0xc00 * 4), 0xffff6000), NULL);
	check("N=2: TTBR1 slot 4095: stub in 4094", x, &st, 0xfff00abc, UCB_READ, true,
	      STUB(OK(0xa2000abc, 20, 1, SR1 + 0x3ffc), 0xffef6000), NULL);
	check("N=2: TTBR1 first slot (0x40000000), PL0 read of AP=001", x, &st, 0x40000000, UCB_READ, true,
	      FLT(FP1, 1, SR1 + 0x1000), NULL);
	check("N=2: TTBR1 not present", x, &st, 0x80000000, UCB_READ, false, FLT(FT1, 1, SR1 + 0x2000), NULL);
	check("N=2: TTBR1 fetch", x, &st, 0xc0000000, UCB_FETCH, true, OK(0xa0000000, 20, 1, 0), NULL);
	st.ttbcr = 2 | PD1;
	check("N=2, PD1: TTBR1 walk disabled (stub in TTBR0 slot 0)", x, &st, 0xc0001234, UCB_READ, false,
	      STUB(FLT(FT1, 0, 0), 0x000f6000), NULL);
	check("N=2, PD1: fetch", x, &st, 0xc0001234 & ~3u, UCB_FETCH, false, FLT(FT1, 0, 0), NULL);
	check("N=2, PD1: TTBR0 unaffected (stub in TTBR1 with PD1 cleared)", x, &st, 0x00012345, UCB_WRITE, false,
	      STUB(OK(0x80012345, 20, 1, SR0), 0xffff6000), NULL);
	st.ttbcr = 2 | PD0;
	check("N=2, PD0: TTBR0 walk disabled", x, &st, 0x00012345, UCB_READ, true, FLT(FT1, 0, 0), NULL);
	st.ttbcr = PD0;
	check("N=0, PD0: no walk anywhere, no slot for the stub (AT only)", x, &st, 0x00012345, UCB_READ, false,
	      NOREAL(FLT(FT1, 0, 0)), NULL);
	check("N=0, PD0: fetch", x, &st, 0x00012344, UCB_FETCH, true, FLT(FT1, 0, 0), NULL);
	st.ttbcr = 7; /* TTBR0: 32 MiB, 128-byte table */
	check("N=7: TTBR0 address", x, &st, 0x01234567, UCB_READ, false, OK(0x1245234567ULL, 24, 1, SR0 + 0x48), NULL);
	check("N=7: 0x02000000 is TTBR1", x, &st, 0x02000000, UCB_READ, false, FLT(FT1, 1, SR1 + 0x80), NULL);
	st.ttbcr = 1;
	st.ttbr1 = SR0;
	check("N=1: TTBR1 table indexed by VA[31:20] (top slot)", x, &st, 0xfff00000, UCB_READ, false,
	      OK(0x90000000, 20, 1, SR0 + 0x3ffc), NULL);
}

/* ----------------------------------------------------- long descriptors */

#define LR0  0x00200000u /* L1 root, 4 entries */
#define LL2A 0x00201000u
#define LL3A 0x00202000u
#define LL3B 0x00203000u
#define LL2B 0x00204000u
#define LL2C 0x00205000u
#define LR1  0x00206000u /* TTBR1 root with T1SZ = 2 (level 2) */
#define LL3K 0x00207000u
#define LUNL 0x00300000u
#define LHI  0x1200000000ULL /* tables above 4 GiB */

static void build_lpae(struct pool *p)
{
	pool_reset(p);
	set64(p, LR0, 0, TBL(LL2A));
	set64(p, LR0, 1, BLK(0x40000000, 1));                /* 1G block, RW */
	set64(p, LR0, 2, TBL(LL2B) | APT0);
	set64(p, LR0, 3, TBL(LL2C));
	set64(p, LL2A, 0, TBL(LL3A));
	set64(p, LL2A, 1, BLK(0x1234600000ULL, 0));           /* 2M block, 40-bit PA */
	set64(p, LL2A, 2, BLK(0x1234800000ULL, 0) & ~AF);
	/* LL2A[3] not present */
	set64(p, LL2A, 4, BLK(0x00a00000, 1) | (1ULL << 16)); /* RES0 bit in a block */
	set64(p, LL2A, 5, TBL(LL3B) | APT1);
	set64(p, LL2A, 6, TBL(LL3B) | XNT);
	set64(p, LL2A, 7, TBL(LL3B) | PXNT);
	set64(p, LL2A, 8, BLK(0x1234a00000ULL, 1) | (1ULL << 40)); /* bit 40 of the OA */
	set64(p, LL2A, 9, TBL(LUNL));
	set64(p, LL2A, 10, TBL(0xffff0000u));                /* table in the reserved range */
	set64(p, LL2A, 11, BLK(0xffe00000u, 1));             /* covers the reserved range */
	set64(p, LL2A, 12, TBL(LHI));                        /* table above 4 GiB */
	set64(p, LHI, 3, PG(0xabc000, 1));
	set64(p, LL3A, 0, PG(0xfedcba9000ULL, 1));
	set64(p, LL3A, 1, PG(0x501000, 0));
	set64(p, LL3A, 2, PG(0x502000, 2));
	set64(p, LL3A, 3, PG(0x503000, 3));
	set64(p, LL3A, 4, PG(0x504000, 1) | L_XN);
	set64(p, LL3A, 5, PG(0x505000, 1) | L_PXN);
	set64(p, LL3A, 6, PG(0x506000, 1) & ~AF);
	/* LL3A[7] not present */
	set64(p, LL3A, 8, PG(0x508000, 1) & ~2ULL);           /* 0b01 at level 3: reserved */
	set64(p, LL3A, 9, PG(0x509000, 0) | L_PXN);
	set64(p, LL3B, 0, PG(0x600000, 1));
	set64(p, LL2B, 0, BLK(0x80000000u, 1));
	set64(p, LL2C, 0, BLK(0x90000000u, 1));
	set64(p, LL2C, 511, BLK(0x91e00000u, 0));
	set64(p, LR1, 0, BLK(0xb0000000u, 1));
	set64(p, LR1, 511, TBL(LL3K));
	set64(p, LL3K, 0x1f6, PG(0xb1000000u, 1));
	set64(p, LL3K, 0, PG(0xb1001000u, 2));
}

static void test_lpae(struct ucb *x, struct pool *pool)
{
	build_lpae(pool);
	if (load(x, pool))
		expect("load LPAE tables", false, "ucb_set_memory failed");
	const struct ucb_state s = { .lpae = true, .ttbr0 = LR0, .ttbr1 = LR1, .ttbcr = EAE, .sctlr = SCTLR,
				     .mair0 = 0xeeaa4400u, .mair1 = 0xff };
	struct ucb_state st;
	struct ucb_result r;
	printf("--- LPAE, T0SZ = T1SZ = 0 (TTBR0 for everything, start level 1)\n");
	check("4K page, PL1 read", x, &s, 0x00000123, UCB_READ, false,
	      DOM(OK(0xfedcba9123ULL, 12, 3, LR0, LL2A, LL3A), -1), &r);
	expect("  ... start_level 1, leaf_level 3", r.start_level == 1 && r.leaf_level == 3, "wrong levels");
	check("4K page, PL0 write", x, &s, 0x00000fff, UCB_WRITE, true, OK(0xfedcba9fffULL, 12, 3, 0), NULL);
	check("4K page, PL0 fetch", x, &s, 0x00000000, UCB_FETCH, true, OK(0xfedcba9000ULL, 12, 3, 0), NULL);
	check("AP[2:1]=00 (PL1 RW), PL0 read", x, &s, 0x00001000, UCB_READ, true,
	      FLT(LP(3), 3, LR0, LL2A, LL3A + 8), NULL);
	check("AP[2:1]=00, PL1 write", x, &s, 0x00001000, UCB_WRITE, false, OK(0x501000, 12, 3, 0), NULL);
	check("AP[2:1]=00, PL1 fetch", x, &s, 0x00001000, UCB_FETCH, false, OK(0x501000, 12, 3, 0), NULL);
	check("AP[2:1]=00, PL0 fetch (not PL0-readable)", x, &s, 0x00001000, UCB_FETCH, true, FLT(LP(3), 3, 0), NULL);
	check("AP[2:1]=10 (PL1 RO), PL1 write", x, &s, 0x00002000, UCB_WRITE, false, FLT(LP(3), 3, 0), NULL);
	check("AP[2:1]=10, PL1 read", x, &s, 0x00002000, UCB_READ, false, OK(0x502000, 12, 3, 0), NULL);
	check("AP[2:1]=10, PL0 read", x, &s, 0x00002000, UCB_READ, true, FLT(LP(3), 3, 0), NULL);
	check("AP[2:1]=11 (RO), PL0 read", x, &s, 0x00003000, UCB_READ, true, OK(0x503000, 12, 3, 0), NULL);
	check("AP[2:1]=11, PL0 write", x, &s, 0x00003000, UCB_WRITE, true, FLT(LP(3), 3, 0), NULL);
	check("AP[2:1]=11, PL1 write", x, &s, 0x00003000, UCB_WRITE, false, FLT(LP(3), 3, 0), NULL);
	check("XN, PL0 fetch", x, &s, 0x00004000, UCB_FETCH, true, FLT(LP(3), 3, 0), NULL);
	check("XN, PL1 fetch", x, &s, 0x00004000, UCB_FETCH, false, FLT(LP(3), 3, 0), NULL);
	check("XN, PL0 read", x, &s, 0x00004000, UCB_READ, true, OK(0x504000, 12, 3, 0), NULL);
	check("PXN, PL1 fetch", x, &s, 0x00005000, UCB_FETCH, false, FLT(LP(3), 3, 0), NULL);
	check("PXN, PL0 fetch", x, &s, 0x00005000, UCB_FETCH, true, OK(0x505000, 12, 3, 0), NULL);
	check("AF=0, PL1 read: access flag fault", x, &s, 0x00006000, UCB_READ, false,
	      FLT(LA(3), 3, LR0, LL2A, LL3A + 0x30), NULL);
	check("AF=0, PL0 write", x, &s, 0x00006000, UCB_WRITE, true, FLT(LA(3), 3, 0), NULL);
	check("AF=0, PL1 fetch", x, &s, 0x00006000, UCB_FETCH, false, FLT(LA(3), 3, 0), NULL);
	check("not present at level 3", x, &s, 0x00007000, UCB_READ, false, FLT(LT(3), 3, LR0, LL2A, LL3A + 0x38), NULL);
	check("reserved 0b01 encoding at level 3", x, &s, 0x00008000, UCB_WRITE, false, FLT(LT(3), 3, 0), NULL);
	check("PL1-only PXN page, PL0 fetch", x, &s, 0x00009000, UCB_FETCH, true, FLT(LP(3), 3, 0), NULL);
	check("2M block, 40-bit PA", x, &s, 0x00212345, UCB_READ, false, OK(0x1234612345ULL, 21, 2, LR0, LL2A + 8), &r);
	expect("  ... leaf_level 2", r.leaf_level == 2, "wrong leaf level");
	check("2M block, PL1 fetch", x, &s, 0x003ffffc, UCB_FETCH, false, OK(0x12347ffffcULL, 21, 2, 0), NULL);
	check("2M block AF=0", x, &s, 0x00412345, UCB_WRITE, false, FLT(LA(2), 2, LR0, LL2A + 0x10), NULL);
	check("not present at level 2", x, &s, 0x00600000, UCB_READ, false, FLT(LT(2), 2, LR0, LL2A + 0x18), NULL);
	check("1G block at level 1, PL0 write", x, &s, 0x7fedcba9, UCB_WRITE, true, OK(0x7fedcba9, 30, 1, LR0 + 8), NULL);
	check("1G block, PL0 fetch", x, &s, 0x40000000, UCB_FETCH, true, OK(0x40000000, 30, 1, 0), NULL);
	check("block with a RES0 bit: QEMU ORs it in (flagged)", x, &s, 0x00802345, UCB_READ, false,
	      D(OK(0x00a12345, 21, 2, 0), UCB_DEV_BLOCK_RES0), NULL);
	check("OA bit 40 set: QEMU ignores it (flagged)", x, &s, 0x01000123, UCB_READ, false,
	      D(OK(0x1234a00123ULL, 21, 2, 0), UCB_DEV_ADDR_BITS), NULL);
	check("table above 4 GiB", x, &s, 0x01803456, UCB_READ, true,
	      OK(0xabc456, 12, 3, LR0, LL2A + 0x60, LHI + 0x18), NULL);

	printf("--- LPAE: hierarchical attributes\n");
	check("APTable[1] (read-only), PL1 write", x, &s, 0x00a00000, UCB_WRITE, false,
	      FLT(LP(3), 3, LR0, LL2A + 0x28, LL3B), NULL);
	check("APTable[1], PL0 read", x, &s, 0x00a00000, UCB_READ, true, OK(0x600000, 12, 3, 0), NULL);
	check("APTable[1], PL0 write", x, &s, 0x00a00000, UCB_WRITE, true, FLT(LP(3), 3, 0), NULL);
	check("XNTable, PL0 fetch", x, &s, 0x00c00000, UCB_FETCH, true, FLT(LP(3), 3, 0), NULL);
	check("XNTable, PL1 fetch", x, &s, 0x00c00000, UCB_FETCH, false, FLT(LP(3), 3, 0), NULL);
	check("XNTable, PL0 write", x, &s, 0x00c00000, UCB_WRITE, true, OK(0x600000, 12, 3, 0), NULL);
	check("PXNTable, PL1 fetch", x, &s, 0x00e00000, UCB_FETCH, false, FLT(LP(3), 3, 0), NULL);
	check("PXNTable, PL0 fetch", x, &s, 0x00e00000, UCB_FETCH, true, OK(0x600000, 12, 3, 0), NULL);
	check("no table attributes, PL1 fetch", x, &s, 0x00000000, UCB_FETCH, false, OK(0xfedcba9000ULL, 12, 3, 0), NULL);
	check("APTable[0] (no PL0) in L1, PL0 read of RW block", x, &s, 0x80000000, UCB_READ, true,
	      FLT(LP(2), 2, LR0 + 0x10, LL2B), NULL);
	check("APTable[0], PL1 write", x, &s, 0x80000000, UCB_WRITE, false, OK(0x80000000, 21, 2, 0), NULL);
	check("APTable[0], PL1 fetch", x, &s, 0x80000000, UCB_FETCH, false, OK(0x80000000, 21, 2, 0), NULL);
	check("missing L3 table (reads as zeros)", x, &s, 0x01200000, UCB_READ, false,
	      FLT(LT(3), 3, LR0, LL2A + 0x48, LUNL), &r);
	expect("  ... and is reported as unlisted", r.unlisted && r.unlisted_pa == LUNL, "unlisted flag not set");
	check("table in the reserved range", x, &s, 0x01400000, UCB_READ, false, ERR(-EINVAL), NULL);
	check("block maps the reserved range: refused", x, &s, 0x017f6000, UCB_READ, false, ERR(-EINVAL), NULL);
	check("  ... outside the reserved 64K: fine", x, &s, 0x01612345, UCB_READ, false, OK(0xffe12345, 21, 2, 0), NULL);

	printf("--- LPAE: where the stub runs, SCTLR.WXN/UWXN\n");
	check("top GiB (slot 3): stub moves to slot 2", x, &s, 0xffe00123, UCB_READ, false,
	      STUB(OK(0x91e00123, 21, 2, LR0 + 0x18, LL2C + 0xff8), 0xbfff6000), NULL);
	check("query at the default stub VA itself", x, &s, 0xffff6000, UCB_READ, false,
	      STUB(OK(0x91ff6000, 21, 2, 0), 0xbfff6000), NULL);
	check("not present at level 2 (top GiB)", x, &s, 0xc0200000, UCB_READ, true, FLT(LT(2), 2, LR0 + 0x18, LL2C + 8), NULL);
	check("low address: stub in slot 3", x, &s, 0x00000123, UCB_READ, false,
	      STUB(OK(0xfedcba9123ULL, 12, 3, 0), 0xffff6000), NULL);
	st = s;
	st.sctlr |= WXN;
	check("WXN=1: PL1 fetch of a PL1-writable page", x, &st, 0x00000000, UCB_FETCH, false, FLT(LP(3), 3, 0), NULL);
	check("WXN=1: PL0 fetch of a PL0-writable page", x, &st, 0x00000000, UCB_FETCH, true, FLT(LP(3), 3, 0), NULL);
	check("WXN=1: PL1 fetch of a read-only page", x, &st, 0x00003000, UCB_FETCH, false, OK(0x503000, 12, 3, 0), NULL);
	st = s;
	st.sctlr |= UWXN;
	check("UWXN=1: PL1 fetch of a PL0-writable page", x, &st, 0x00000000, UCB_FETCH, false, FLT(LP(3), 3, 0), NULL);
	check("UWXN=1: PL1 fetch of a PL1-only writable page", x, &st, 0x00001000, UCB_FETCH, false,
	      OK(0x501000, 12, 3, 0), NULL);
	check("UWXN=1: PL0 fetch of a PL0-writable page", x, &st, 0x00000000, UCB_FETCH, true,
	      OK(0xfedcba9000ULL, 12, 3, 0), NULL);
	st = s;
	st.sctlr |= AFE | TRE;
	st.dacr = 0;
	check("AFE, TRE and DACR have no effect with LPAE", x, &st, 0x00000123, UCB_WRITE, true,
	      OK(0xfedcba9123ULL, 12, 3, 0), NULL);

	printf("--- LPAE: T0SZ/T1SZ, TTBR1, EPD0/EPD1, address-range gap\n");
	st = s;
	st.ttbcr = EAE | 2u << 16; /* TTBR1: top GiB, start level 2; TTBR0 the rest */
	check("T1SZ=2: TTBR1 2M block", x, &st, 0xc0001234, UCB_READ, false,
	      STUB(OK(0xb0001234, 21, 1, LR1), 0xffff6000), &r);
	expect("  ... start_level 2, leaf_level 2", r.start_level == 2 && r.leaf_level == 2, "wrong levels");
	check("T1SZ=2: TTBR1 page at 0xffff6000 (stub in slot 510)", x, &st, 0xffff6123, UCB_WRITE, true,
	      STUB(OK(0xb1000123, 12, 2, LR1 + 0xff8, LL3K + 0x1f6 * 8), 0xffdf6000), NULL);
	check("T1SZ=2: TTBR1 page, fetch", x, &st, 0xffff6000, UCB_FETCH, true, OK(0xb1000000, 12, 2, 0), NULL);
	check("T1SZ=2: TTBR1 PL1 RO page, PL1 write", x, &st, 0xffe00000, UCB_WRITE, false,
	      FLT(LP(3), 2, LR1 + 0xff8, LL3K), NULL);
	check("T1SZ=2: TTBR1 not present", x, &st, 0xc0400000, UCB_READ, false, FLT(LT(2), 1, LR1 + 0x10), NULL);
	check("T1SZ=2: TTBR0 address", x, &st, 0x00000123, UCB_READ, true,
	      STUB(OK(0xfedcba9123ULL, 12, 3, LR0, LL2A, LL3A), 0xffff6000), NULL);
	check("T1SZ=2: TTBR0 1G block", x, &st, 0x40000000, UCB_READ, true, OK(0x40000000, 30, 1, LR0 + 8), NULL);
	check("T1SZ=2: TTBR0 slot 2 (APTable[0])", x, &st, 0x80000000, UCB_READ, false, OK(0x80000000, 21, 2, 0), NULL);
	st.ttbcr = EAE | 2u << 16 | EPD1;
	check("EPD1: TTBR1 walk disabled (stub in TTBR0)", x, &st, 0xc0001234, UCB_READ, false,
	      STUB(FLT(LT(1), 0, 0), 0x3fff6000), NULL);
	check("EPD1: fetch", x, &st, 0xc0001234, UCB_FETCH, true, FLT(LT(1), 0, 0), NULL);
	check("EPD1: TTBR0 unaffected (stub in TTBR1, EPD1 cleared)", x, &st, 0x00000123, UCB_READ, false,
	      STUB(OK(0xfedcba9123ULL, 12, 3, 0), 0xffff6000), NULL);
	st.ttbcr = EAE | 2u << 16 | EPD0;
	check("EPD0: TTBR0 walk disabled", x, &st, 0x00000123, UCB_WRITE, true, FLT(LT(1), 0, 0), NULL);
	st.ttbcr = EAE | EPD0;
	check("T0SZ=T1SZ=0, EPD0: nothing walks, no stub slot (AT only)", x, &st, 0x00000123, UCB_WRITE, true,
	      NOREAL(FLT(LT(1), 0, 0)), NULL);
	st.ttbcr = EAE | 2u << 16 | 1; /* TTBR0: [0, 2 GiB), TTBR1: top GiB */
	check("T0SZ=1, T1SZ=2: the gap is a translation fault", x, &st, 0x80000000, UCB_READ, false,
	      FLT(LT(1), 0, 0), NULL);
	check("  ... fetch", x, &st, 0xbffffffc, UCB_FETCH, true, FLT(LT(1), 0, 0), NULL);
	check("T0SZ=1: TTBR0 root has 2 entries", x, &st, 0x7fffffff, UCB_READ, false, OK(0x7fffffff, 30, 1, LR0 + 8), NULL);
	st.ttbcr = EAE | 2; /* TTBR0: first GiB at level 2; TTBR1 (T1SZ=0) the rest */
	st.ttbr0 = LL2A;
	st.ttbr1 = LR0;
	check("T0SZ=2: TTBR0 starts at level 2", x, &st, 0x00212345, UCB_READ, false,
	      OK(0x1234612345ULL, 21, 1, LL2A + 8), &r);
	expect("  ... start_level 2", r.start_level == 2, "wrong start level");
	check("T0SZ=2, T1SZ=0: TTBR1 covers 0x40000000 up", x, &st, 0x40000000, UCB_READ, false,
	      OK(0x40000000, 30, 1, LR0 + 8), NULL);
	st = s;
	st.ttbr0 = LR0 | 0x10;
	check("misaligned TTBR0: QEMU clears the low bits (flagged)", x, &st, 0x00000123, UCB_READ, false,
	      D(OK(0xfedcba9123ULL, 12, 3, LR0, LL2A, LL3A), UCB_DEV_TTBR_ALIGN), NULL);
	st.ttbr0 = LR0 | 0x00ab000000000000ULL;
	check("ASID in TTBR0 is ignored", x, &st, 0x00000123, UCB_READ, false, OK(0xfedcba9123ULL, 12, 3, 0), NULL);
}

/* ---------------------------------------------------- limits, isolation */

static void test_limits(struct ucb *x, struct pool *pool)
{
	printf("--- arguments, constraints, isolation\n");
	build_short(pool);
	load(x, pool);
	const struct ucb_state s = { .ttbr0 = SR0, .ttbr1 = SR0, .dacr = DACR_T, .sctlr = SCTLR };
	struct ucb_state st;
	struct ucb_result r;
	st = s;
	st.sctlr &= ~1u;
	check("SCTLR.M = 0", x, &st, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	st = s;
	st.sctlr |= 1u << 25;
	check("SCTLR.EE = 1", x, &st, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	st = s;
	st.lpae = true;
	check("lpae without TTBCR.EAE", x, &st, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	st = s;
	st.ttbcr = 1u << 8;
	check("short TTBCR with a bit other than N/PD0/PD1", x, &st, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	st = s;
	st.ttbr0 = 0x100000000ULL | SR0;
	check("short TTBR0 above 32 bits", x, &st, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	check("unaligned fetch", x, &s, 0x1002, UCB_FETCH, false, ERR(-EINVAL), NULL);
	check("bad access type", x, &s, 0x1000, (enum ucb_access)7, false, ERR(-EINVAL), NULL);
	st = s;
	st.ttbr0 = 0x00400000;
	check("root table not listed", x, &st, 0x1000, UCB_READ, false, ERR(-ENOENT), NULL);
	st.ttbcr = PD0;
	check("root not listed but walk disabled: fine", x, &st, 0x1000, UCB_READ, false, NOREAL(FLT(FT1, 0, 0)), NULL);
	st = s;
	st.ttbr0 = UCB_RESERVED_PA;
	check("root table in the reserved range", x, &st, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	const struct ucb_state l = { .lpae = true, .ttbr0 = LR0 | 1ULL << 40, .ttbcr = EAE, .sctlr = SCTLR };
	check("LPAE TTBR0 bit 40", x, &l, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	st = l;
	st.ttbr0 = LR0;
	st.ttbcr |= 1u << 3;
	check("LPAE TTBCR bit 3 (UNK/SBZP)", x, &st, 0x1000, UCB_READ, false, ERR(-EINVAL), NULL);
	expect("ucb_query(NULL state)", ucb_query(x, NULL, 0, UCB_READ, false, &r) == -EINVAL, "accepted");
	{
		uint8_t b[4096] = { 0 };
		struct ucb_page bad[] = {
			{ 0x1000, b, 2048 }, { 0x1400, b, 4096 }, { UCB_RESERVED_PA, b, 4096 },
			{ UCB_RESERVED_PA - 1024, b, 4096 }, { 1ULL << 40, b, 1024 },
		};
		int nbad = 0;
		for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
			nbad += ucb_set_memory(x, &bad[i], 1) == -EINVAL;
		struct ucb_page ovl[] = { { 0x4000, b, 4096 }, { 0x4400, b, 1024 } };
		nbad += ucb_set_memory(x, ovl, 2) == -EINVAL;
		struct ucb_page good[] = { { 0xfffec000ULL, NULL, 16384 }, { 0xfffffffc00ULL, b, 1024 },
					   { 1024, NULL, 1024 } };
		expect("ucb_set_memory refuses bad pages; accepts pages next to the reserved range and up to 2^40",
		       nbad == 6 && ucb_set_memory(x, good, 3) == 0, "wrong answer");
	}
	/* SCTLR bits without an effect on stage 1 permissions (A, C, Z, I, V,
	 * RR, HA, FI, U, VE, NMFI, TE), each alone and all together */
	{
		static const unsigned sb[] = { 1, 2, 11, 12, 13, 14, 17, 21, 22, 24, 27, 30 };
		static const uint32_t vs[] = { 0x00012345, 0x00100000, 0x00800000, 0x00a00000, 0x00b00000,
					       0x01234567, 0x03000123, 0x03001000, 0x03100000, 0x03200000 };
		int diff = 0, n = 0;
		for (unsigned f = 0; f < 2; f++) {
			if (f)
				build_lpae(pool);
			else
				build_short(pool);
			load(x, pool);
			const struct ucb_state b = f ? (struct ucb_state){ .lpae = true, .ttbr0 = LR0, .ttbcr = EAE,
									   .sctlr = SCTLR }
						     : s;
			for (unsigned k = 0; k <= sizeof sb / sizeof sb[0]; k++) {
				st = b;
				if (k < sizeof sb / sizeof sb[0])
					st.sctlr |= 1u << sb[k];
				else
					for (unsigned j = 0; j < sizeof sb / sizeof sb[0]; j++)
						st.sctlr |= 1u << sb[j];
				for (unsigned i = 0; i < sizeof vs / sizeof vs[0]; i++)
					for (int a = 0; a < 3; a++)
						for (int u = 0; u < 2; u++) {
							struct ucb_result r0, r1;
							uint32_t va = f ? vs[i] & 0x00ffffffu : vs[i];
							va &= a == UCB_FETCH ? ~3u : ~0u;
							int c0 = ucb_query(x, &b, va, (enum ucb_access)a, u, &r0);
							int c1 = ucb_query(x, &st, va, (enum ucb_access)a, u, &r1);
							n++;
							diff += c0 != c1 || (!c0 && (r0.fault != r1.fault || r0.fs != r1.fs ||
										     r0.pa != r1.pa));
						}
			}
		}
		char msg[120];
		snprintf(msg, sizeof msg, "SCTLR A/C/Z/I/V/RR/HA/FI/U/VE/NMFI/TE change nothing (%d query pairs)", n);
		expect(msg, diff == 0, "some answers changed");
	}
	/* isolation: a table change is seen by the next query (TLB flushed) */
	build_short(pool);
	load(x, pool);
	check("isolation: before", x, &s, 0x00012345, UCB_READ, false, OK(0x80012345, 20, 1, 0), NULL);
	set32(pool, SR0, 16384, 0, SEC(0x88000000u, 3, 0));
	load(x, pool);
	check("isolation: same VA after the table changed", x, &s, 0x00012345, UCB_READ, false,
	      OK(0x88012345, 20, 1, 0), NULL);
	set32(pool, SR0, 16384, 0, 0);
	load(x, pool);
	check("isolation: and after it was removed", x, &s, 0x00012344, UCB_FETCH, false, FLT(FT1, 1, 0), NULL);
	/* two engines used in turn */
	struct ucb *y = NULL;
	if (ucb_open(&y)) {
		expect("second engine", false, "ucb_open failed");
		return;
	}
	build_short(pool);
	load(x, pool);
	load(y, pool);
	bool same = true;
	for (uint32_t va = 0; va < 0x04800000 && same; va += 0x00100000 + 0x1000) {
		struct ucb_result a, b;
		int ra = ucb_query(x, &s, va, UCB_READ, va & 0x1000, &a);
		int rb = ucb_query(y, &s, va, UCB_READ, va & 0x1000, &b);
		same = ra == rb && (ra || (a.fault == b.fault && a.fs == b.fs && a.pa == b.pa));
	}
	expect("two engines used in turn agree", same, "they differ");
	ucb_close(y);
}

/* ------------------------------------------- random cross-check (model) */

/* A small model of ARMv7-A stage 1 translation (B3.5-B3.7, B3.12), written
 * independently of the referee, with QEMU 5.0's known departures applied
 * where the referee flags them. */
struct model {
	bool fault, leaf;
	unsigned fs;
	uint64_t pa;
	unsigned shift;
	unsigned nwalk;
	uint64_t walk[3];
	unsigned dev;
	int domain;
};

static const struct pool *mpool;

static uint64_t fld(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((2ULL << (hi - lo)) - 1);
}

static bool replicated(uint64_t pa, uint32_t d)
{
	pa &= ~0x3fULL;
	for (unsigned i = 0; i < 16; i++)
		if ((uint32_t)rd(mpool, pa + 4 * i, 4) != d)
			return false;
	return true;
}

static struct model short_walk(const struct ucb_state *s, uint32_t va, enum ucb_access acc, bool user)
{
	struct model m = { .domain = -1 };
	const bool fetch = acc == UCB_FETCH, write = acc == UCB_WRITE;
	const unsigned n = s->ttbcr & 7;
	const bool hi = n && (va >> (32 - n));
	if (s->ttbcr & (hi ? PD1 : PD0)) {
		m.fault = true;
		m.fs = FT1;
		return m;
	}
	const uint32_t base = hi ? (uint32_t)s->ttbr1 & 0xffffc000u : (uint32_t)s->ttbr0 & ~(0x3fffu >> n);
	const uint64_t a1 = base + (va >> 20) * 4;
	const uint32_t d1 = (uint32_t)rd(mpool, a1, 4);
	m.walk[m.nwalk++] = a1;
	if (!(d1 & 3)) {
		m.fault = true;
		m.fs = FT1;
		return m;
	}
	const bool afe = s->sctlr & AFE;
	unsigned ap, dom, level;
	bool xn, pxn;
	uint32_t leaf;
	if ((d1 & 3) == 1) {
		dom = (unsigned)fld(d1, 8, 5);
		m.domain = (int)dom;
		const unsigned dp = (s->dacr >> (2 * dom)) & 3;
		const uint64_t a2 = (d1 & 0xfffffc00u) + ((va >> 12) & 0xff) * 4;
		const uint32_t d2 = (uint32_t)rd(mpool, a2, 4);
		if (dp == 0 || dp == 2) {
			/* QEMU: Page domain fault before the L2 fetch */
			m.fault = true;
			m.fs = FD2;
			m.dev |= UCB_DEV_DOMAIN_ORDER | (dp == 2 ? UCB_DEV_DACR_RESERVED : 0);
			if (d2 & 3) {
				if (afe && !(fld(d2, 4, 4)))
					m.dev |= UCB_DEV_AF_PRIORITY;
				if ((d2 & 3) == 1 && !replicated(a2, d2))
					m.dev |= UCB_DEV_NOT_REPLICATED;
			}
			return m;
		}
		m.walk[m.nwalk++] = a2;
		if (!(d2 & 3)) {
			m.fault = true;
			m.fs = FT2;
			return m;
		}
		leaf = d2;
		level = 2;
		ap = (unsigned)(fld(d2, 5, 4) | fld(d2, 9, 9) << 2);
		pxn = fld(d1, 2, 2);
		if ((d2 & 3) == 1) {
			xn = fld(d2, 15, 15);
			m.shift = 16;
			m.pa = (d2 & 0xffff0000u) | (va & 0xffffu);
			if (!replicated(a2, d2))
				m.dev |= UCB_DEV_NOT_REPLICATED;
		} else {
			xn = d2 & 1;
			m.shift = 12;
			m.pa = (d2 & 0xfffff000u) | (va & 0xfffu);
		}
		m.domain = (int)dom;
	} else {
		leaf = d1;
		level = 1;
		ap = (unsigned)(fld(d1, 11, 10) | fld(d1, 15, 15) << 2);
		xn = fld(d1, 4, 4);
		pxn = d1 & 1;
		if (d1 & (1u << 18)) {
			dom = 0;
			m.shift = 24;
			m.pa = (d1 & 0xff000000u) | fld(d1, 23, 20) << 32 | fld(d1, 8, 5) << 36 | (va & 0xffffffu);
			if (!replicated(a1, d1))
				m.dev |= UCB_DEV_NOT_REPLICATED;
		} else {
			dom = (unsigned)fld(d1, 8, 5);
			m.shift = 20;
			m.pa = (d1 & 0xfff00000u) | (va & 0xfffffu);
		}
		m.domain = (int)dom;
	}
	(void)leaf;
	m.leaf = true;
	const unsigned fp = level == 1 ? FP1 : FP2, fa = level == 1 ? FA1 : FA2;
	const bool af0 = afe && !(ap & 1);
	const unsigned dp = (s->dacr >> (2 * dom)) & 3;
	if (dp == 2)
		m.dev |= UCB_DEV_DACR_RESERVED;
	if (dp == 0 || dp == 2) {
		m.fault = true;
		m.fs = level == 1 ? FD1 : FD2;
		if (af0)
			m.dev |= UCB_DEV_AF_PRIORITY;
		return m;
	}
	bool pl1r, pl1w, pl0r, pl0w;
	if (dp == 3) {
		/* Manager: no permission, XN or (QEMU) access flag check */
		if (af0)
			m.dev |= UCB_DEV_AF_PRIORITY;
		pl1r = pl1w = pl0r = pl0w = true;
	} else {
		if (!afe && ap == 4)
			m.dev |= UCB_DEV_AP_RESERVED;
		if (fetch && (xn || (pxn && !user))) {
			/* QEMU checks XN before the access flag */
			m.fault = true;
			m.fs = fp;
			if (af0)
				m.dev |= UCB_DEV_AF_PRIORITY;
			return m;
		}
		if (af0) {
			m.fault = true;
			m.fs = fa;
			return m;
		}
		if (afe) {
			const unsigned a = ap >> 1;
			pl1r = true;
			pl1w = !(a & 2);
			pl0r = a & 1;
			pl0w = a == 1;
		} else {
			static const bool t[8][4] = { /* PL1 R, W, PL0 R, W */
				{ 0, 0, 0, 0 }, { 1, 1, 0, 0 }, { 1, 1, 1, 0 }, { 1, 1, 1, 1 },
				{ 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 1, 0, 1, 0 }, { 1, 0, 1, 0 },
			};
			pl1r = t[ap][0], pl1w = t[ap][1], pl0r = t[ap][2], pl0w = t[ap][3];
		}
	}
	const bool r = user ? pl0r : pl1r, w = user ? pl0w : pl1w;
	bool ok = fetch ? (r || w) : write ? w : r;
	if (!ok) {
		m.fault = true;
		m.fs = fp;
		return m;
	}
	if (fetch && (((s->sctlr & WXN) && w) || ((s->sctlr & UWXN) && !user && pl0w)))
		m.dev |= UCB_DEV_WXN_SHORT;  /* QEMU ignores WXN/UWXN here */
	return m;
}

static struct model lpae_walk(const struct ucb_state *s, uint32_t va, enum ucb_access acc, bool user)
{
	struct model m = { .domain = -1 };
	const bool fetch = acc == UCB_FETCH, write = acc == UCB_WRITE;
	const unsigned t0 = s->ttbcr & 7, t1 = (s->ttbcr >> 16) & 7;
	/* B3.6.1: which TTBR, and the gap between the ranges */
	int h;
	if (t0 == 0 && t1 == 0)
		h = 0;
	else if (t1 == 0)
		h = va >= (1ULL << (32 - t0));
	else if (t0 == 0)
		h = va >= 0x100000000ULL - (1ULL << (32 - t1));
	else
		h = va < (1ULL << (32 - t0)) ? 0 : va >= 0x100000000ULL - (1ULL << (32 - t1)) ? 1 : -1;
	if (h < 0 || (s->ttbcr & (h ? EPD1 : EPD0))) {
		m.fault = true;
		m.fs = LT(1);
		return m;
	}
	/* input size: the region size when both TxSZ are zero'd out above */
	const unsigned tsz = h ? t1 : t0;
	const unsigned in_bits = 32 - tsz;
	const uint32_t addr = in_bits < 32 ? va & ((1u << in_bits) - 1) : va;
	int level = tsz <= 1 ? 1 : 2;
	const uint64_t ttbr = h ? s->ttbr1 : s->ttbr0;
	const unsigned root_bits = in_bits - (level == 1 ? 30 : 21);     /* index bits */
	const uint64_t root_mask = (8ULL << root_bits) - 1;               /* table bytes */
	uint64_t table = fld(ttbr, 39, 0) & ~root_mask;
	if (ttbr & root_mask)
		m.dev |= UCB_DEV_TTBR_ALIGN;
	bool apt1 = false, apt0 = false, xnt = false, pxnt = false;
	uint64_t d;
	for (bool first = true;; level++, first = false) {
		const unsigned shift = 12 + 9 * (unsigned)(3 - level);
		const unsigned nidx = first ? root_bits : 9;
		const uint64_t a = table + fld(addr, shift + nidx - 1, shift) * 8;
		d = rd(mpool, a, 8);
		m.walk[m.nwalk++] = a;
		if (!(d & 1) || (level == 3 && !(d & 2))) {
			m.fault = true;
			m.fs = LT((unsigned)level);
			return m;
		}
		if (fld(d, 47, 40))
			m.dev |= UCB_DEV_ADDR_BITS;
		if (level < 3 && (d & 2)) {
			apt1 |= fld(d, 62, 62);
			apt0 |= fld(d, 61, 61);
			xnt |= fld(d, 60, 60);
			pxnt |= fld(d, 59, 59);
			table = fld(d, 39, 12) << 12;
			continue;
		}
		m.shift = shift;
		m.pa = (fld(d, 39, 12) << 12) | (addr & ((1ULL << shift) - 1));
		if (level < 3 && fld(d, shift - 1, 12)) {
			m.dev |= UCB_DEV_BLOCK_RES0;
			m.pa |= fld(d, shift - 1, 12) << 12;  /* QEMU ORs them in */
		}
		break;
	}
	m.leaf = true;
	if (!(d & AF)) {
		m.fault = true;
		m.fs = LA((unsigned)level);
		return m;
	}
	const bool ro = fld(d, 7, 7) || apt1, el0 = fld(d, 6, 6) && !apt0;
	const bool xn = fld(d, 54, 54) || xnt, pxn = fld(d, 53, 53) || pxnt;
	const bool pl0r = el0, pl0w = el0 && !ro, pl1w = !ro;
	bool ok;
	if (fetch) {
		if (user)
			ok = !xn && pl0r && !((s->sctlr & WXN) && pl0w);
		else
			ok = !xn && !pxn && !((s->sctlr & UWXN) && pl0w) && !((s->sctlr & WXN) && pl1w);
	} else if (user) {
		ok = write ? pl0w : pl0r;
	} else {
		ok = !write || pl1w;
	}
	if (!ok) {
		m.fault = true;
		m.fs = LP((unsigned)level);
	}
	return m;
}

#define RB 0x10000000u
/* short: L1 tables T0/T1 (16K), 8 L2 tables (1K); LPAE: 12 4K pages */
#define ST0 (RB + 0x0000)
#define ST1 (RB + 0x4000)
#define SL2(k) (RB + 0x8000 + 0x400 * (k))
#define LPG(k) (RB + 0x10000 + 0x1000 * (k))

static uint32_t rand_short_l1(void)
{
	uint64_t k = rnd() % 100;
	uint32_t e;
	if (k < 8)
		return (uint32_t)rnd() & ~3u;                        /* invalid */
	if (k < 45) {                                           /* page table */
		uint32_t l2 = rnd() % 16 ? SL2(rnd() % 8) : 0x3e000000u + (uint32_t)(rnd() % 64) * 0x400;
		return l2 | (uint32_t)(rnd() & 0x1e0) | (uint32_t)(rnd() & 4) | (uint32_t)(rnd() & 0x218) | 1;
	}
	/* section or supersection: any attribute bits */
	e = (uint32_t)rnd() & 0x000bfffcu;                        /* B C XN dom IMP AP TEX APX S nG NS */
	e |= (uint32_t)(rnd() % 3 ? 2 : 3);
	if (k < 80)
		return e | ((uint32_t)rnd() & 0xfff00000u);          /* section */
	return (e | 1u << 18) | ((uint32_t)rnd() & 0xfff00000u); /* supersection (bits 23:20 = PA[35:32]) */
}

static uint32_t rand_short_l2(void)
{
	uint64_t k = rnd() % 100;
	uint32_t e = (uint32_t)rnd() & 0xffeu;                    /* XN? B C AP TEX APX S nG */
	if (k < 10)
		return (uint32_t)rnd() & ~3u;
	if (k < 35)
		return ((uint32_t)rnd() & 0xffff0000u) | (e & 0xffc) | ((uint32_t)rnd() & 0x8000) | 1; /* large */
	return ((uint32_t)rnd() & 0xfffff000u) | (e & 0xffe) | ((uint32_t)rnd() & 1) | 2;        /* small */
}

static uint64_t rand_lpae(unsigned level, unsigned npg)
{
	uint64_t k = rnd() % 100, e;
	if (k < 6)
		return rnd() & ~1ULL;
	e = 1;
	e |= rnd() % 10 ? AF : 0;
	e |= (rnd() & 3) << 6;                                  /* AP[2:1] */
	e |= rnd() % 6 == 0 ? L_XN : 0;
	e |= rnd() % 6 == 0 ? L_PXN : 0;
	e |= rnd() & (0xfULL << 55 | 1ULL << 52 | 1ULL << 11 | 3ULL << 8 | 1ULL << 5 | 7ULL << 2);
	if (rnd() % 4 == 0)
		e |= rnd() & (0x1fULL << 59);                   /* table attributes */
	if (level < 3 && k < 62) {
		uint64_t pg = rnd() % 12 ? (level % 3) + 3 * (rnd() % (npg / 3)) : rnd() % npg;
		uint64_t t = rnd() % 20 ? LPG(pg) : 0x3f000000ULL + 0x1000 * (rnd() % 16);
		if (rnd() % 30 == 0)
			t |= 1ULL << (40 + rnd() % 8);          /* bits 47:40 */
		return e | 2 | t;
	}
	if (level == 3 && k < 12)
		return e & ~2ULL;                               /* 0b01 at level 3 */
	uint64_t oa = rnd() & 0xfffffff000ULL;
	if (rnd() % 30 == 0)
		oa |= 1ULL << (40 + rnd() % 8);
	if (rnd() % 40 == 0)
		oa = 0xffff0000ULL | (rnd() & 0xf000);              /* the reserved range */
	if (level < 3) {
		unsigned lo = level == 1 ? 30 : 21;
		if (rnd() % 10)
			oa &= ~((1ULL << lo) - 1);
		return (e & ~2ULL) | oa;
	}
	return e | 2 | oa;
}

static bool reserved_hit(const struct model *m, bool lpae)
{
	if (!m->leaf)
		return false;
	if (lpae || m->shift != 24)
		return (m->pa >> 16) == 0xffff;
	return ((m->pa >> 16) & 0xffff) == 0xffff; /* supersection: PAR has no PA[39:32] */
}

static void cross_check(struct ucb *x, int n)
{
	int mism = 0, errs = 0, faults = 0, devs = 0, resv = 0, noreal = 0;
	int ftype[7] = { 0 }, nacc[2][3][2] = { { { 0 } } }, nshift[32] = { 0 }, ndev[9] = { 0 };
	struct pool *p = calloc(1, sizeof(*p));
	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	mpool = p;
	struct ucb_state s = { 0 };
	unsigned l1idx[24], l2idx[12], lidx[4][8];
	bool lpae = false;
	for (int it = 0; it < n; it++) {
		if (it % 400 == 0) {
			/* new format, new tables */
			lpae = (it / 400) & 1;
			pool_reset(p);
			if (!lpae) {
				for (unsigned i = 0; i < 24; i++)
					l1idx[i] = (unsigned)(i < 6 ? (unsigned[]){ 0, 1, 0xfff, 0xffe, 0x800, 0x7ff }[i]
								     : rnd() % 4096);
				for (unsigned i = 0; i < 12; i++)
					l2idx[i] = (unsigned)(i < 3 ? (unsigned[]){ 0, 0xff, 0xf6 }[i] : rnd() % 256);
				for (unsigned t = 0; t < 2; t++)
					for (unsigned i = 0; i < 24; i++) {
						uint32_t e = rand_short_l1();
						unsigned j = l1idx[i];
						bool super = (e & 3) >= 2 && (e & (1u << 18));
						if (super && rnd() % 8) /* replicate */
							for (unsigned k = j & ~15u; k < (j & ~15u) + 16; k++)
								set32(p, t ? ST1 : ST0, 16384, k, e);
						else
							set32(p, t ? ST1 : ST0, 16384, j, e);
					}
				for (unsigned t = 0; t < 8; t++)
					for (unsigned i = 0; i < 12; i++) {
						uint32_t e = rand_short_l2();
						unsigned j = l2idx[i];
						if ((e & 3) == 1 && rnd() % 8)
							for (unsigned k = j & ~15u; k < (j & ~15u) + 16; k++)
								set32(p, SL2(t), 1024, k, e);
						else
							set32(p, SL2(t), 1024, j, e);
					}
			} else {
				for (unsigned l = 0; l < 4; l++)
					for (unsigned i = 0; i < 8; i++)
						lidx[l][i] = i < 4 ? (l == 1 ? i : (unsigned[]){ 0, 1, 511, 510 }[i])
								   : (unsigned)(rnd() % 512);
				for (unsigned pg = 0; pg < 12; pg++) {
					unsigned level = pg % 3 + 1;
					for (unsigned i = 0; i < 8; i++)
						set64(p, LPG(pg), lidx[level][i], rand_lpae(level, 12));
				}
			}
			if (load(x, p))
				errs++;
		}
		if (it % 25 == 0) {
			/* new control state */
			memset(&s, 0, sizeof s);
			s.lpae = lpae;
			s.sctlr = SCTLR | (rnd() % 3 == 0 ? AFE : 0) | (rnd() % 3 == 0 ? TRE : 0) |
				  (rnd() % 6 == 0 ? WXN : 0) | (rnd() % 6 == 0 ? UWXN : 0);
			s.prrr = s.mair0 = (uint32_t)rnd();
			s.nmrr = s.mair1 = (uint32_t)rnd();
			s.dacr = (uint32_t)rnd();
			if (rnd() % 2)
				s.dacr = (s.dacr & 0xaaaaaaaau) >> 1 | 0x55555555u; /* Client or Manager */
			if (!lpae) {
				s.ttbcr = rnd() % 2 ? 0 : (uint32_t)(rnd() % 8);
				s.ttbcr |= rnd() % 20 == 0 ? PD0 : 0;
				s.ttbcr |= rnd() % 20 == 0 ? PD1 : 0;
				s.ttbr0 = rnd() % 2 ? ST0 : ST1;
				s.ttbr1 = rnd() % 2 ? ST1 : ST0;
				s.ttbr0 |= rnd() & 0x5b;     /* IRGN, S, RGN, NOS */
			} else {
				unsigned t0 = rnd() % 3 ? (unsigned)(rnd() % 3) : (unsigned)(rnd() % 8);
				unsigned t1 = rnd() % 3 ? (unsigned)(rnd() % 3) : (unsigned)(rnd() % 8);
				/* with random IRGN/ORGN/SH fields and A1 (no effect) */
				s.ttbcr = EAE | t0 | t1 << 16 | (uint32_t)(rnd() & (0x3f00u | 0x3f000000u | 1u << 22)) |
					  (rnd() % 30 == 0 ? EPD0 : 0) | (rnd() % 30 == 0 ? EPD1 : 0);
				for (unsigned h = 0; h < 2; h++) {
					unsigned tsz = h ? t1 : t0;
					unsigned level = tsz <= 1 ? 1 : 2;
					uint64_t pg = rnd() % 6 ? (level - 1) + 3 * (rnd() % 4) : rnd() % 12;
					uint64_t t = LPG(pg);
					if (rnd() % 25 == 0)
						t |= rnd() & 0xff8;   /* misaligned */
					t |= (rnd() & 0xff) << 48;    /* ASID */
					*(h ? &s.ttbr1 : &s.ttbr0) = t;
				}
			}
		}
		/* an address made of interesting indices */
		uint32_t va;
		if (!lpae) {
			va = l1idx[rnd() % 24] << 20 | l2idx[rnd() % 12] << 12 | (uint32_t)(rnd() & 0xfff);
			if (rnd() % 8 == 0)
				va ^= (uint32_t)(rnd() & 0xff) << 12;
		} else {
			va = (uint32_t)(rnd() & 3) << 30 | lidx[2][rnd() % 8] << 21 | lidx[3][rnd() % 8] << 12 |
			     (uint32_t)(rnd() & 0xfff);
		}
		const enum ucb_access acc = (enum ucb_access)(rnd() % 3);
		if (acc == UCB_FETCH)
			va &= ~3u;
		const bool user = rnd() & 1;
		struct ucb_result r;
		int rc = ucb_query(x, &s, va, acc, user, &r);
		struct model m = lpae ? lpae_walk(&s, va, acc, user) : short_walk(&s, va, acc, user);
		/* documented refusal: the translation ends in the reserved range
		 * (for a fetch when a PL1 read would be allowed) */
		if (rc == -EINVAL) {
			/* a table descriptor points into the reserved range */
			bool tbl = false;
			for (unsigned i = 0; i < m.nwalk; i++)
				tbl |= m.walk[i] >= UCB_RESERVED_PA && m.walk[i] < UCB_RESERVED_PA + UCB_RESERVED_PA_SIZE;
			if (tbl) {
				resv++;
				continue;
			}
			struct model rm = lpae ? lpae_walk(&s, va, UCB_READ, false) : short_walk(&s, va, UCB_READ, false);
			if (reserved_hit(acc == UCB_FETCH ? &rm : &m, lpae) &&
			    !(acc == UCB_FETCH ? rm.fault : m.fault)) {
				resv++;
				continue;
			}
		}
		if (rc) {
			errs++;
			if (errs <= 5)
				printf("     random #%d: rc=%d %s va=%#x acc=%s user=%d ttbcr=%#x ttbr0=%#" PRIx64
				       " ttbr1=%#" PRIx64 "; model: fault=%d fs=%#x pa=%#" PRIx64 " walk[%u]\n", it, rc,
				       lpae ? "LPAE" : "short", va, accname(acc), user, s.ttbcr, s.ttbr0, s.ttbr1,
				       m.fault, m.fs, m.pa, m.nwalk);
			continue;
		}
		/* the real access runs unless the query's walk is disabled
		 * and no other half can hold the stub */
		bool same = (r.real_access || (r.nwalk == 0 && acc != UCB_FETCH)) &&
			    r.fault == m.fault && r.nwalk == m.nwalk && r.deviation == m.dev &&
			    (m.fault ? r.fs == m.fs : r.pa == m.pa && r.page_shift == m.shift) &&
			    (lpae || r.domain == m.domain);
		for (unsigned i = 0; same && i < m.nwalk; i++)
			same = r.walk_pa[i] == m.walk[i];
		faults += r.fault;
		devs += r.deviation != 0;
		for (unsigned b = 0; b < 9; b++)
			ndev[b] += (r.deviation >> b) & 1;
		noreal += !r.real_access;
		ftype[r.type]++;
		nacc[lpae][acc][user] += !r.fault;
		nshift[r.page_shift & 31] += !r.fault;
		if (!same) {
			mism++;
			if (mism <= 10) {
				printf("     MISMATCH #%d: %s va=%#x %s %s ttbcr=%#x ttbr0=%#" PRIx64 " ttbr1=%#" PRIx64
				       " dacr=%#x sctlr=%#x\n       referee: ", it, lpae ? "LPAE" : "short", va,
				       user ? "PL0" : "PL1", accname(acc), s.ttbcr, s.ttbr0, s.ttbr1, s.dacr, s.sctlr);
				show(&r);
				printf("\n       model:   fault=%d fs=%#x pa=%#" PRIx64 " shift=%u dom=%d dev=%#x",
				       m.fault, m.fs, m.pa, m.shift, m.domain, m.dev);
				show_walk(m.nwalk, m.walk);
				printf("\n");
			}
		}
	}
	printf("RANDOM %d queries: %d translations, %d faults, %d flagged deviations, %d AT-only, "
	       "%d refused (reserved range); %d mismatches, %d errors\n",
	       n, n - faults - errs - resv - mism, faults, devs, noreal, resv, mism, errs);
	printf("RANDOM faults: %d translation, %d access flag, %d domain, %d permission, %d other; "
	       "translations: 4K %d, 64K %d, 1M %d, 16M %d, 2M %d, 1G %d\n",
	       ftype[UCB_FT_TRANSLATION], ftype[UCB_FT_ACCESS_FLAG], ftype[UCB_FT_DOMAIN],
	       ftype[UCB_FT_PERMISSION], ftype[UCB_FT_ADDRESS_SIZE] + ftype[UCB_FT_OTHER], nshift[12],
	       nshift[16], nshift[20], nshift[24], nshift[21], nshift[30]);
	printf("RANDOM translations short/LPAE, PL1/PL0: read %d/%d %d/%d, write %d/%d %d/%d, fetch %d/%d %d/%d\n",
	       nacc[0][0][0], nacc[0][0][1], nacc[1][0][0], nacc[1][0][1], nacc[0][1][0], nacc[0][1][1],
	       nacc[1][1][0], nacc[1][1][1], nacc[0][2][0], nacc[0][2][1], nacc[1][2][0], nacc[1][2][1]);
	printf("RANDOM deviation flags: DOMAIN_ORDER %d, DACR_RESERVED %d, AP_RESERVED %d, AF_PRIORITY %d, "
	       "WXN_SHORT %d, NOT_REPLICATED %d, BLOCK_RES0 %d, ADDR_BITS %d, TTBR_ALIGN %d\n",
	       ndev[0], ndev[1], ndev[2], ndev[3], ndev[4], ndev[5], ndev[6], ndev[7], ndev[8]);
	expect("random cross-check against the ARMv7 model", mism == 0 && errs == 0, "mismatches or errors");
	pool_reset(p);
	free(p);
	mpool = NULL;
}

/* ---------------------------------------------------------- timing */

static void timing(struct ucb *x, struct pool *pool)
{
	static const uint32_t vas_short[] = { 0x00012345, 0x00100000, 0x00a00000, 0x01234567, 0x03000123,
					      0x0301abcd, 0x03004000, 0x03200000, 0x00d00000, 0xfff00120 };
	static const uint32_t vas_lpae[] = { 0x00000123, 0x00001000, 0x00006000, 0x00212345, 0x00412345,
					     0x7fedcba8, 0x00a00000, 0x80000000, 0xc0001234, 0xffff6120 };
	struct cfg {
		const char *name;
		struct ucb_state st;
	} cfg[] = {
		{ "short N=0", { .ttbr0 = SR0, .ttbr1 = SR0, .dacr = DACR_T, .sctlr = SCTLR } },
		{ "short N=2 (TTBR1)", { .ttbr0 = SR0, .ttbr1 = SR1, .ttbcr = 2, .dacr = DACR_T, .sctlr = SCTLR } },
		{ "short AFE+TRE", { .ttbr0 = SR0, .ttbr1 = SR0, .dacr = DACR_T, .sctlr = SCTLR | AFE | TRE } },
		{ "LPAE T0SZ=0", { .lpae = true, .ttbr0 = LR0, .ttbr1 = LR1, .ttbcr = EAE, .sctlr = SCTLR } },
		{ "LPAE T1SZ=2 (TTBR1)", { .lpae = true, .ttbr0 = LR0, .ttbr1 = LR1, .ttbcr = EAE | 2u << 16, .sctlr = SCTLR } },
		{ "LPAE WXN", { .lpae = true, .ttbr0 = LR0, .ttbr1 = LR1, .ttbcr = EAE, .sctlr = SCTLR | WXN } },
	};
	double tot_wall = 0, tot_cpu = 0;
	for (unsigned c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
		const bool lpae = cfg[c].st.lpae;
		if (lpae)
			build_lpae(pool);
		else
			build_short(pool);
		if (load(x, pool))
			expect("timing: load tables", false, "ucb_set_memory failed");
		const uint32_t *vas = lpae ? vas_lpae : vas_short;
		const int n = 10000;
		int errors = 0, faults = 0, real = 0;
		double t0 = clock_us(CLOCK_MONOTONIC), c0 = clock_us(CLOCK_PROCESS_CPUTIME_ID);
		for (int i = 0; i < n; i++) {
			struct ucb_result r;
			enum ucb_access acc = (enum ucb_access)(i % 3);
			uint32_t va = vas[i % 10] & (acc == UCB_FETCH ? ~3u : ~0u);
			if (ucb_query(x, &cfg[c].st, va, acc, (i / 3) & 1, &r))
				errors++;
			else
				faults += r.fault, real += r.real_access;
		}
		double wall = clock_us(CLOCK_MONOTONIC) - t0, cpu = clock_us(CLOCK_PROCESS_CPUTIME_ID) - c0;
		tot_wall += wall;
		tot_cpu += cpu;
		printf("TIME %-20s %d queries (%d faulted, %d real accesses), %.2f us/query wall, %.2f us/query CPU\n",
		       cfg[c].name, n, faults, real, wall / n, cpu / n);
		char name[80];
		snprintf(name, sizeof name, "timing run, %s: no referee errors", cfg[c].name);
		expect(name, errors == 0, "some queries returned an error");
	}
	printf("TIME total for 6 x 10000 queries: %.2f s wall, %.2f s CPU\n", tot_wall / 1e6, tot_cpu / 1e6);
}

/* ---------------------------------------------------------- main */

int main(int argc, char **argv)
{
	int nrandom = argc > 1 ? atoi(argv[1]) : 20000;
	if (argc > 2)
		rstate = strtoull(argv[2], NULL, 0) | 1;
	struct pool *pool = calloc(1, sizeof(*pool));
	struct ucb *x = NULL;
	double t0 = clock_us(CLOCK_MONOTONIC);
	int rc = pool ? ucb_open(&x) : -ENOMEM;
	if (rc) {
		printf("FAIL ucb_open: %d (%s)\n0 passed, 1 failed\n", rc, strerror(-rc));
		free(pool);
		return 1;
	}
	printf("ucb_open: %.0f us\n", clock_us(CLOCK_MONOTONIC) - t0);
	test_short(x, pool);
	test_lpae(x, pool);
	test_limits(x, pool);
	printf("--- random cross-check against a minimal ARMv7 model\n");
	cross_check(x, nrandom);
	printf("--- cost\n");
	timing(x, pool);
	ucb_close(x);
	pool_reset(pool);
	free(pool);
	return selftest_summary();
}
