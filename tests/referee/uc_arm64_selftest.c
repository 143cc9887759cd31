/* SPDX-License-Identifier: MIT */
/*
 * Self-test of the unicorn/QEMU AArch64 stage 1 referee (uc_arm64.c).
 *
 * Builds tables by hand for the 4K, 16K and 64K granules, asks the referee,
 * and compares with the architecturally expected outcome (Arm ARM D5/D8,
 * ARMv8.0 plus PAN and HPD): fault or not, fault status code and level,
 * physical address, block size, and the exact descriptors the walker read.
 * QEMU's known departures (blocks at level 0/1) are checked to be flagged.
 * Then a random cross-check against a small independent model of the
 * architecture, per-query isolation checks and the cost of a query.
 *
 * Build (from the repository root):
 *   gcc -std=c17 -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       tests/referee/uc_arm64*.c -lunicorn -o selftest
 *   ./selftest [number of random queries, default 20000]
 */
#define _POSIX_C_SOURCE 200809L
#include "uc_arm64.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "selftest_pool.h"
#include "selftest_report.h"

/* ------------------------------------------------------------ page pool */

static size_t gsize; /* granule of the tables being built */

static void set_e(struct pool *p, uint64_t table, unsigned idx, uint64_t val)
{
	uint8_t *t = page(p, table, gsize);
	for (int i = 0; i < 8; i++)
		t[idx * 8 + (unsigned)i] = (uint8_t)(val >> (8 * i));
}

static int load(struct uca *x, const struct pool *p)
{
	struct uca_page pg[MAXPG];
	for (size_t i = 0; i < p->n; i++) {
		pg[i].pa = p->pa[i];
		pg[i].bytes = p->b[i];
		pg[i].size = p->size[i];
	}
	return uca_set_memory(x, pg, p->n);
}

/* ---------------------------------------------------------- descriptors */

#define TBL   3ULL                 /* table descriptor */
#define PAGE  (3ULL | AF)          /* level 3 page, AF=1 */
#define BLOCK (1ULL | AF)          /* block, AF=1 */
#define AF    (1ULL << 10)
#define AP_EL1RW 0ULL
#define AP_RW    (1ULL << 6)       /* AP[2:1] = 01: EL1 and EL0 read/write */
#define AP_EL1RO (2ULL << 6)       /* 10: EL1 read-only, no EL0 access */
#define AP_RO    (3ULL << 6)       /* 11: read-only at both */
#define PXN   (1ULL << 53)
#define UXN   (1ULL << 54)
#define PXNT  (1ULL << 59)         /* PXNTable */
#define UXNT  (1ULL << 60)         /* UXNTable */
#define APT0  (1ULL << 61)         /* APTable[0]: no EL0 access below */
#define APT1  (1ULL << 62)         /* APTable[1]: read-only below */

/* TCR_EL1 fields */
#define T0SZ(n) ((uint64_t)(n))
#define T1SZ(n) ((uint64_t)(n) << 16)
#define TG0_4K  (0ULL << 14)
#define TG0_64K (1ULL << 14)
#define TG0_16K (2ULL << 14)
#define TG1_16K (1ULL << 30)
#define TG1_4K  (2ULL << 30)
#define TG1_64K (3ULL << 30)
#define EPD0    (1ULL << 7)
#define EPD1    (1ULL << 23)
#define IPS48   (5ULL << 32)
#define IPS44   (4ULL << 32)
#define TBI0    (1ULL << 37)
#define TBI1    (1ULL << 38)
#define HPD0    (1ULL << 41)
#define HPD1    (1ULL << 42)
#define TBID0   (1ULL << 51)

#define SCTLR   0x30d00981ULL      /* M=1, RES1 bits; EE=E0E=0 */
#define WXN     (1ULL << 19)

/* fault status codes */
#define FT(l)   (0x04u | (l))      /* translation */
#define FAF(l)  (0x08u | (l))      /* access flag */
#define FP(l)   (0x0cu | (l))      /* permission */

/* ---------------------------------------------------------- checking */

struct want {
	int rc;
	bool fault;
	unsigned fsc;
	uint64_t pa;
	unsigned shift;
	int nwalk;         /* -1: don't check */
	uint64_t walk[4];  /* checked if walk[0] != 0 */
	unsigned dev;
};

#define OK(pa_, sh_, nw_, ...) ((struct want){ .pa = (pa_), .shift = (sh_), .nwalk = (nw_), .walk = { __VA_ARGS__ } })
#define FLT(fsc_, nw_, ...) ((struct want){ .fault = true, .fsc = (fsc_), .nwalk = (nw_), .walk = { __VA_ARGS__ } })
#define ERR(rc_) ((struct want){ .rc = (rc_), .nwalk = -1 })

static const char *accname(enum uca_access a)
{
	return a == UCA_READ ? "read" : a == UCA_WRITE ? "write" : "fetch";
}

static void show(const struct uca_result *r)
{
	if (r->fault)
		printf("%s fault L%d (fsc %#x)", uca_fault_type_name(r->type), r->level, r->fsc);
	else
		printf("ok pa=%#" PRIx64 " size=2^%u", r->pa, r->page_shift);
	show_walk(r->nwalk, r->walk_pa);
	if (r->deviation)
		printf(" dev=%#x", r->deviation);
	if (r->unlisted)
		printf(" unlisted=%#" PRIx64, r->unlisted_pa);
}

static bool check(const char *name, struct uca *x, const struct uca_state *st, uint64_t va,
		  enum uca_access acc, bool el0, struct want w, struct uca_result *rout)
{
	struct uca_result r;
	int rc = uca_query(x, st, va, acc, el0, &r);
	char why[200] = "";
	if (rc != w.rc) {
		snprintf(why, sizeof why, "rc=%d, want %d", rc, w.rc);
	} else if (rc == 0) {
		if (r.fault != w.fault) {
			snprintf(why, sizeof why, "fault=%d, want %d", r.fault, w.fault);
		} else if (w.fault && (r.fsc != w.fsc || r.level != (int)(w.fsc & 3))) {
			snprintf(why, sizeof why, "fsc %#x level %d, want %#x", r.fsc, r.level, w.fsc);
		} else if (!w.fault && (r.pa != w.pa || r.page_shift != w.shift || r.access_pa != w.pa)) {
			snprintf(why, sizeof why, "pa %#" PRIx64 " (access %#" PRIx64 ") shift %u, want %#" PRIx64 " shift %u",
				 r.pa, r.access_pa, r.page_shift, w.pa, w.shift);
		} else if (w.nwalk >= 0 && (int)r.nwalk != w.nwalk) {
			snprintf(why, sizeof why, "%u walk reads, want %d", r.nwalk, w.nwalk);
		} else if (r.deviation != w.dev) {
			snprintf(why, sizeof why, "deviation %#x, want %#x", r.deviation, w.dev);
		} else if (w.nwalk > 0 && w.walk[0]) {
			for (int i = 0; i < w.nwalk; i++)
				if (r.walk_pa[i] != w.walk[i])
					snprintf(why, sizeof why, "walk[%d]=%#" PRIx64 ", want %#" PRIx64, i,
						 r.walk_pa[i], w.walk[i]);
		}
		/* the raw observations must agree with the summary */
		if (!why[0] && r.fault && acc != UCA_FETCH &&
		    (!(r.par & 1) || ((r.par >> 1) & 0x3f) != r.fsc || (r.esr & 0x3f) != r.fsc))
			snprintf(why, sizeof why, "PAR %#" PRIx64 " / ESR %#x disagree with fsc", r.par, r.esr);
		if (!why[0] && r.fault && acc == UCA_FETCH &&
		    ((r.esr & 0x3f) != r.fsc || (r.esr >> 26) != (el0 ? 0x20u : 0x21u)))
			snprintf(why, sizeof why, "ESR %#x disagrees with fsc", r.esr);
	}
	printf("%s %-56s %s %-5s va=%#-18" PRIx64 " -> ", pass_fail(why), name,
	       el0 ? "EL0" : "EL1", accname(acc), va);
	if (rc)
		show_rc(rc);
	else
		show(&r);
	if (rout)
		*rout = r;
	return check_done(why);
}

/* ---------------------------------------------------------- 4K granule */

/* table pages */
#define R0   0x100000ULL /* TTBR0 level 0 */
#define L1A  0x101000ULL
#define L2A  0x102000ULL
#define L3A  0x103000ULL
#define L1B  0x104000ULL /* shared by R0[2..6] (hierarchical attributes) */
#define L2B  0x105000ULL
#define L3B  0x106000ULL
#define R1   0x107000ULL /* TTBR1 level 0 */
#define L1K  0x108000ULL
#define L2K  0x109000ULL
#define L3K  0x10a000ULL
#define UNL  0x3f0000ULL /* referenced as a table, never listed */

static void build4k(struct pool *p)
{
	pool_reset(p);
	gsize = 4096;
	set_e(p, R0, 0, L1A | TBL);
	set_e(p, L1A, 0, L2A | TBL);
	set_e(p, L2A, 0, L3A | TBL);
	set_e(p, L3A, 1, 0x201000 | PAGE | AP_EL1RW);
	set_e(p, L3A, 2, 0x202000 | PAGE | AP_RW);
	set_e(p, L3A, 3, 0x203000 | 3 | AP_RW);          /* AF = 0 */
	set_e(p, L3A, 4, 0x204000 | PAGE | AP_EL1RO);
	set_e(p, L3A, 5, 0x205000 | PAGE | AP_RO);
	set_e(p, L3A, 6, 0x206000 | PAGE | AP_RW | UXN);
	set_e(p, L3A, 7, 0x207000 | PAGE | AP_EL1RW | PXN);
	/* L3A[8] not present */
	set_e(p, L3A, 9, 0x209000 | 1 | AF);               /* 0b01 at level 3: reserved */
	set_e(p, L3A, 10, 0xFFFFFFFF6000ULL | PAGE);       /* maps the referee's stub page */
	set_e(p, L3A, 11, 0x00000FFFFFFFF000ULL | PAGE);   /* PA bit 43: highest valid */
	set_e(p, L3A, 12, 0x0000100000000000ULL | PAGE);   /* PA bit 44: address size */
	set_e(p, L3A, 13, 0xFFFFFFFF6000ULL | PAGE | UXN); /* the stub page again, UXN */
	set_e(p, L2A, 1, 0x40000000 | BLOCK | AP_RW);      /* 2M block at VA 2M */
	/* L2A[2] not present */
	set_e(p, L2A, 3, 0x40600000 | (1ULL << 16) | BLOCK); /* 2M block, RES0 bit 16 set */
	set_e(p, L2A, 4, UNL | TBL);                       /* unlisted table */
	set_e(p, L2A, 5, 0xFFFFFFFF0000ULL | TBL);         /* table in the reserved range */
	set_e(p, L1A, 1, 0x80000000 | BLOCK | AP_EL1RW);   /* 1G block at VA 1G */
	/* L1A[2] not present */
	set_e(p, R0, 1, 0x8000000000ULL | BLOCK);          /* level 0 block (QEMU only) */
	set_e(p, R0, 2, L1B | TBL | APT0);
	set_e(p, R0, 3, L1B | TBL | APT1);
	set_e(p, R0, 4, L1B | TBL | PXNT);
	set_e(p, R0, 5, L1B | TBL | UXNT);
	set_e(p, L1B, 0, L2B | TBL);
	set_e(p, L2B, 0, L3B | TBL);
	set_e(p, L3B, 0, 0x210000 | PAGE | AP_RW);
	set_e(p, L3B, 1, 0x211000 | PAGE | AP_RO);
	set_e(p, L3B, 2, 0x212000 | PAGE | AP_EL1RW);
	set_e(p, L3B, 3, 0x213000 | PAGE | AP_RW | UXN | PXN);
	set_e(p, R0, 7, R0 | TBL | AF);                    /* recursive slot (AF: usable as a page) */
	/* TTBR1: VA 0xFFFFFFFFFFE00000 */
	set_e(p, R1, 511, L1K | TBL);
	set_e(p, L1K, 511, L2K | TBL);
	set_e(p, L2K, 511, L3K | TBL);
	set_e(p, L3K, 0, 0x220000 | PAGE | AP_EL1RW | UXN);
	set_e(p, L3K, 1, 0x221000 | 3 | AP_EL1RW);        /* AF = 0 */
	set_e(p, L3K, 2, 0x222000 | PAGE | AP_RW | UXN | PXN);
}

static void test4k(struct uca *x, struct pool *pool)
{
	build4k(pool);
	if (load(x, pool))
		expect("load 4K tables", false, "uca_set_memory failed");
	const struct uca_state s = { .ttbr0 = R0, .ttbr1 = R1, .tcr = T0SZ(16) | T1SZ(16) | TG0_4K | TG1_4K | IPS48,
				     .mair = 0xff, .sctlr = SCTLR };
	struct uca_state st;
	struct uca_result r;
	printf("--- 4K granule, 48-bit VA (start level 0)\n");
	check("page, EL1 read", x, &s, 0x1123, UCA_READ, false,
	      OK(0x201123, 12, 4, R0, L1A, L2A, L3A + 8), NULL);
	check("page, EL1 write", x, &s, 0x1fff, UCA_WRITE, false, OK(0x201fff, 12, 4, 0), NULL);
	check("page, EL1 fetch", x, &s, 0x1ffc, UCA_FETCH, false, OK(0x201ffc, 12, 4, 0), NULL);
	check("EL1-only page, EL0 read", x, &s, 0x1123, UCA_READ, true, FLT(FP(3), 4, 0), NULL);
	check("EL1-only page, EL0 write", x, &s, 0x1123, UCA_WRITE, true, FLT(FP(3), 4, 0), NULL);
	check("EL1-only page (UXN=0), EL0 fetch: execute-only", x, &s, 0x1000, UCA_FETCH, true,
	      OK(0x201000, 12, 4, 0), NULL);
	check("EL0 RW page, EL0 read", x, &s, 0x2abc, UCA_READ, true, OK(0x202abc, 12, 4, 0), NULL);
	check("EL0 RW page, EL0 write", x, &s, 0x2abc, UCA_WRITE, true, OK(0x202abc, 12, 4, 0), NULL);
	check("EL0 RW page, EL0 fetch", x, &s, 0x2000, UCA_FETCH, true, OK(0x202000, 12, 4, 0), NULL);
	check("EL0-writable page, EL1 fetch (implicit PXN)", x, &s, 0x2000, UCA_FETCH, false,
	      FLT(FP(3), 4, 0), NULL);
	check("AF=0, EL1 read: access flag fault", x, &s, 0x3000, UCA_READ, false, FLT(FAF(3), 4, 0), NULL);
	check("AF=0, EL0 write", x, &s, 0x3000, UCA_WRITE, true, FLT(FAF(3), 4, 0), NULL);
	check("AF=0, EL1 fetch", x, &s, 0x3000, UCA_FETCH, false, FLT(FAF(3), 4, 0), NULL);
	check("AP=10 (EL1 RO), EL1 read", x, &s, 0x4001, UCA_READ, false, OK(0x204001, 12, 4, 0), NULL);
	check("AP=10 (EL1 RO), EL1 write", x, &s, 0x4001, UCA_WRITE, false, FLT(FP(3), 4, 0), NULL);
	check("AP=10 (EL1 RO), EL0 read", x, &s, 0x4001, UCA_READ, true, FLT(FP(3), 4, 0), NULL);
	check("AP=11 (RO), EL0 read", x, &s, 0x5001, UCA_READ, true, OK(0x205001, 12, 4, 0), NULL);
	check("AP=11 (RO), EL0 write", x, &s, 0x5001, UCA_WRITE, true, FLT(FP(3), 4, 0), NULL);
	check("AP=11 (RO), EL1 write", x, &s, 0x5001, UCA_WRITE, false, FLT(FP(3), 4, 0), NULL);
	check("AP=11 (RO), EL1 fetch", x, &s, 0x5000, UCA_FETCH, false, OK(0x205000, 12, 4, 0), NULL);
	check("UXN, EL0 fetch", x, &s, 0x6000, UCA_FETCH, true, FLT(FP(3), 4, 0), NULL);
	check("UXN, EL0 read", x, &s, 0x6000, UCA_READ, true, OK(0x206000, 12, 4, 0), NULL);
	check("PXN, EL1 fetch", x, &s, 0x7000, UCA_FETCH, false, FLT(FP(3), 4, 0), NULL);
	check("PXN (EL1-only page), EL0 fetch", x, &s, 0x7000, UCA_FETCH, true, OK(0x207000, 12, 4, 0), NULL);
	check("not present at level 3", x, &s, 0x8000, UCA_READ, false, FLT(FT(3), 4, R0, L1A, L2A, L3A + 64), NULL);
	check("not present at level 3, fetch", x, &s, 0x8000, UCA_FETCH, true, FLT(FT(3), 4, 0), NULL);
	check("reserved 0b01 encoding at level 3", x, &s, 0x9000, UCA_WRITE, false, FLT(FT(3), 4, 0), NULL);
	check("not present at level 2", x, &s, 0x400000, UCA_READ, true, FLT(FT(2), 3, R0, L1A, L2A + 16), NULL);
	check("not present at level 1", x, &s, 0x80000000ULL, UCA_WRITE, false, FLT(FT(1), 2, R0, L1A + 16), NULL);
	check("not present at level 0", x, &s, 0x48000000000ULL, UCA_READ, false, FLT(FT(0), 1, R0 + 9 * 8), NULL);
	check("2M block at level 2", x, &s, 0x212345, UCA_READ, true, OK(0x40012345, 21, 3, R0, L1A, L2A + 8), NULL);
	check("2M block, EL0 fetch", x, &s, 0x3ffffc, UCA_FETCH, true, OK(0x401ffffc, 21, 3, 0), NULL);
	check("1G block at level 1", x, &s, 0x7fedcba9ULL, UCA_WRITE, false, OK(0xbfedcba9ULL, 30, 2, R0, L1A + 8), NULL);
	check("1G block at level 1, EL0 read", x, &s, 0x40000000ULL, UCA_READ, true, FLT(FP(1), 2, 0), NULL);
	{
		struct want w = OK(0x8012345678ULL, 39, 1, R0 + 8);
		w.dev = UCA_DEV_BLOCK_LEVEL;
		check("level 0 block: QEMU maps 512G (flagged deviation)", x, &s, 0x8012345678ULL, UCA_READ,
		      false, w, NULL);
		w = OK(0x40602345 | (1ULL << 16), 21, 3, 0);
		w.dev = UCA_DEV_BLOCK_RES0;
		check("2M block with RES0 bit 16: QEMU ORs it in (flagged)", x, &s, 0x602345, UCA_READ, false,
		      w, NULL);
	}
	check("PA bit 43 (PARange 44) is valid", x, &s, 0xb123, UCA_READ, false,
	      OK(0xFFFFFFFF123ULL, 12, 4, 0), NULL);
	{
		struct want w = OK(0x100000000123ULL, 12, 4, 0);
		w.dev = UCA_DEV_ADDR_SIZE;
		check("PA bit 44: no address size fault in QEMU (flagged)", x, &s, 0xc123, UCA_READ, false, w, NULL);
		st = s;
		st.tcr = (s.tcr & ~(7ULL << 32)) | (2ULL << 32); /* IPS = 40 bits */
		w = OK(0xFFFFFFFF123ULL, 12, 4, 0);
		w.dev = UCA_DEV_ADDR_SIZE;
		check("PA bit 43 with IPS=40 bits (flagged)", x, &st, 0xb123, UCA_READ, false, w, NULL);
	}
	check("recursive slot: root read as L1, L2 and (AF set) as a page", x, &s,
	      (7ULL << 39) | (7ULL << 30) | (7ULL << 21) | (7ULL << 12) | 0x123, UCA_READ, false,
	      OK(R0 + 0x123, 12, 4, R0 + 7 * 8, R0 + 7 * 8, R0 + 7 * 8, R0 + 7 * 8), NULL);
	check("missing table page (reads as zeros)", x, &s, 0x800000, UCA_READ, false,
	      FLT(FT(3), 4, R0, L1A, L2A + 32, UNL), &r);
	expect("  ... and is reported as unlisted", r.unlisted && r.unlisted_pa == UNL, "unlisted flag not set");

	printf("--- 4K: hierarchical attributes (APTable, UXNTable, PXNTable) and HPD\n");
	check("APTable=01 (no EL0), EL0 read of EL0 RW page", x, &s, 0x10000000000ULL, UCA_READ, true,
	      FLT(FP(3), 4, R0 + 16, L1B, L2B, L3B), NULL);
	check("APTable=01 (no EL0), EL1 write of EL0 RW page", x, &s, 0x10000000000ULL, UCA_WRITE, false,
	      OK(0x210000, 12, 4, 0), NULL);
	check("APTable=01: page no longer EL0-writable, EL1 fetch ok", x, &s, 0x10000000000ULL, UCA_FETCH, false,
	      OK(0x210000, 12, 4, 0), NULL);
	check("APTable=10 (read-only), EL1 write", x, &s, 0x18000000000ULL, UCA_WRITE, false, FLT(FP(3), 4, 0), NULL);
	check("APTable=10 (read-only), EL0 write", x, &s, 0x18000000000ULL, UCA_WRITE, true, FLT(FP(3), 4, 0), NULL);
	check("APTable=10 (read-only), EL0 read", x, &s, 0x18000000000ULL, UCA_READ, true, OK(0x210000, 12, 4, 0), NULL);
	check("APTable=10: page no longer EL0-writable, EL1 fetch ok", x, &s, 0x18000000000ULL, UCA_FETCH, false,
	      OK(0x210000, 12, 4, 0), NULL);
	check("PXNTable, EL1 fetch", x, &s, 0x20000002000ULL, UCA_FETCH, false, FLT(FP(3), 4, 0), NULL);
	check("PXNTable, EL0 fetch of EL1-only page", x, &s, 0x20000002000ULL, UCA_FETCH, true,
	      OK(0x212000, 12, 4, 0), NULL);
	check("PXNTable, EL1 read", x, &s, 0x20000002000ULL, UCA_READ, false, OK(0x212000, 12, 4, 0), NULL);
	check("UXNTable, EL0 fetch", x, &s, 0x28000001000ULL, UCA_FETCH, true, FLT(FP(3), 4, 0), NULL);
	check("UXNTable, EL1 fetch", x, &s, 0x28000001000ULL, UCA_FETCH, false, OK(0x211000, 12, 4, 0), NULL);
	check("no table attributes: EL0 RW page, EL0 fetch", x, &s, 0x2000, UCA_FETCH, true,
	      OK(0x202000, 12, 4, 0), NULL);
	st = s;
	st.tcr |= HPD0;
	check("HPD0=1: APTable ignored, EL0 read", x, &st, 0x10000000000ULL, UCA_READ, true,
	      OK(0x210000, 12, 4, 0), NULL);
	check("HPD0=1: PXNTable ignored, EL1 fetch", x, &st, 0x20000002000ULL, UCA_FETCH, false,
	      OK(0x212000, 12, 4, 0), NULL);
	check("HPD0=1: UXNTable ignored, EL0 fetch", x, &st, 0x28000001000ULL, UCA_FETCH, true,
	      OK(0x211000, 12, 4, 0), NULL);

	printf("--- 4K: PAN and WXN\n");
	st = s;
	st.pan = true;
	check("PAN=1: EL1 read of EL0-accessible page", x, &st, 0x5000, UCA_READ, false, FLT(FP(3), 4, 0), NULL);
	check("PAN=1: EL1 write of EL0-accessible page", x, &st, 0x2000, UCA_WRITE, false, FLT(FP(3), 4, 0), NULL);
	check("PAN=1: EL1 fetch of EL0-readable page (PAN is data only)", x, &st, 0x5000, UCA_FETCH, false,
	      OK(0x205000, 12, 4, 0), NULL);
	check("PAN=1: EL0 read (LDTRB) unaffected", x, &st, 0x5000, UCA_READ, true, OK(0x205000, 12, 4, 0), NULL);
	check("PAN=1: EL1 read of EL1-only page", x, &st, 0x1000, UCA_READ, false, OK(0x201000, 12, 4, 0), NULL);
	check("PAN=1: EL1 read of EL0 execute-only page (no EL0 data access)", x, &st, 0x1000, UCA_READ, false,
	      OK(0x201000, 12, 4, 0), NULL);
	check("PAN=1: APTable=01 makes the page EL1-only: EL1 write ok", x, &st, 0x10000000000ULL, UCA_WRITE,
	      false, OK(0x210000, 12, 4, 0), NULL);
	check("PAN=1: 1G block EL1-only, EL1 read", x, &st, 0x40000000ULL, UCA_READ, false, OK(0x80000000ULL, 30, 2, 0), NULL);
	st = s;
	st.sctlr |= WXN;
	check("WXN=1: EL1 fetch of EL1-writable page", x, &st, 0x1000, UCA_FETCH, false, FLT(FP(3), 4, 0), NULL);
	check("WXN=1: EL1 fetch of EL1 read-only page", x, &st, 0x4000, UCA_FETCH, false, OK(0x204000, 12, 4, 0), NULL);
	check("WXN=1: EL0 fetch of EL0-writable page", x, &st, 0x2000, UCA_FETCH, true, FLT(FP(3), 4, 0), NULL);
	check("WXN=1: EL0 fetch of read-only page", x, &st, 0x5000, UCA_FETCH, true, OK(0x205000, 12, 4, 0), NULL);

	printf("--- 4K: TTBR1, address ranges, TBI, EPD\n");
	check("TTBR1 page, EL1 read", x, &s, 0xFFFFFFFFFFE00123ULL, UCA_READ, false,
	      OK(0x220123, 12, 4, R1 + 511 * 8, L1K + 511 * 8, L2K + 511 * 8, L3K), NULL);
	check("TTBR1 page, EL1 fetch", x, &s, 0xFFFFFFFFFFE00040ULL, UCA_FETCH, false, OK(0x220040, 12, 4, 0), NULL);
	check("TTBR1 page, EL0 read", x, &s, 0xFFFFFFFFFFE00123ULL, UCA_READ, true, FLT(FP(3), 4, 0), NULL);
	check("TTBR1 AF=0", x, &s, 0xFFFFFFFFFFE01123ULL, UCA_WRITE, false, FLT(FAF(3), 4, 0), NULL);
	check("TTBR1 EL0 RW page with UXN+PXN, EL0 fetch", x, &s, 0xFFFFFFFFFFE02000ULL, UCA_FETCH, true,
	      FLT(FP(3), 4, 0), NULL);
	check("TTBR1 EL0 RW page, EL0 write", x, &s, 0xFFFFFFFFFFE02fffULL, UCA_WRITE, true,
	      OK(0x222fff, 12, 4, 0), NULL);
	check("TTBR1 not present at level 0", x, &s, 0xFFFF000000000000ULL, UCA_READ, false,
	      FLT(FT(0), 1, R1), NULL);
	check("VA between the ranges (bit 48 != bit 55): level 0 fault", x, &s, 0x0001000000000000ULL,
	      UCA_READ, false, FLT(FT(0), 0, 0), NULL);
	check("VA between the ranges, fetch", x, &s, 0xFF00000000001000ULL, UCA_FETCH, false, FLT(FT(0), 0, 0), NULL);
	check("tagged VA, TBI0=0: level 0 fault", x, &s, 0x5A00000000001123ULL, UCA_READ, false, FLT(FT(0), 0, 0), NULL);
	st = s;
	st.tcr |= TBI0;
	check("tagged VA, TBI0=1: tag ignored", x, &st, 0x5A00000000001123ULL, UCA_READ, false,
	      OK(0x201123, 12, 4, 0), NULL);
	check("tagged VA, TBI0=1: fetch", x, &st, 0x5A00000000001120ULL, UCA_FETCH, false,
	      OK(0x201120, 12, 4, 0), NULL);
	st.tcr |= TBID0;
	check("tagged VA, TBI0=1 TBID0=1: data ok", x, &st, 0x5A00000000001123ULL, UCA_WRITE, false,
	      OK(0x201123, 12, 4, 0), NULL);
	check("tagged VA, TBI0=1 TBID0=1: fetch faults (level 0)", x, &st, 0x5A00000000001120ULL, UCA_FETCH,
	      false, FLT(FT(0), 0, 0), NULL);
	st = s;
	st.tcr |= TBI1;
	check("tagged TTBR1 VA, TBI1=1", x, &st, 0x80FFFFFFFFE00123ULL, UCA_READ, false, OK(0x220123, 12, 4, 0), NULL);
	st = s;
	st.tcr |= EPD0;
	check("EPD0=1: TTBR0 walk disabled", x, &st, 0x1000, UCA_READ, false, FLT(FT(0), 0, 0), NULL);
	check("EPD0=1: TTBR1 unaffected", x, &st, 0xFFFFFFFFFFE00123ULL, UCA_READ, false, OK(0x220123, 12, 4, 0), NULL);
	st = s;
	st.tcr |= EPD1;
	check("EPD1=1: TTBR1 walk disabled", x, &st, 0xFFFFFFFFFFE00123ULL, UCA_READ, false, FLT(FT(0), 0, 0), NULL);
	st = s;
	st.ttbr0 = L1A;
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(25);
	check("T0SZ=25 (39-bit): start at level 1", x, &st, 0x1123, UCA_READ, false,
	      OK(0x201123, 12, 3, L1A, L2A, L3A + 8), &r);
	expect("  ... start_level 1, leaf_level 3", r.start_level == 1 && r.leaf_level == 3, "wrong levels");
	check("T0SZ=25: VA bit 39 set: level 1 region fault", x, &st, 0x8000001000ULL, UCA_READ, false,
	      FLT(FT(0), 0, 0), NULL);
	st.ttbr0 = L2A;
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(34); /* 30-bit VA: start at level 2 */
	check("T0SZ=34 (30-bit): start at level 2", x, &st, 0x1123, UCA_READ, false,
	      OK(0x201123, 12, 2, L2A, L3A + 8), NULL);
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(12); /* out of range: QEMU clamps to 16 */
	st.ttbr0 = R0;
	{
		struct want w = OK(0x201123, 12, 4, 0);
		w.dev = UCA_DEV_TXSZ;
		check("T0SZ=12 (out of range): QEMU clamps to 16 (flagged)", x, &st, 0x1123, UCA_READ, false, w, NULL);
	}
	st = s;
	st.ttbr0 = R0 | 0x8;
	{
		struct want w = OK(0x201123, 12, 4, R0, L1A, L2A, L3A + 8);
		w.dev = UCA_DEV_TTBR_ALIGN;
		check("TTBR0 base not aligned: QEMU clears the bits (flagged)", x, &st, 0x1123, UCA_READ, false, w, NULL);
	}
	st = s;
	st.tcr &= ~(3ULL << 30); /* TG1 = 00: reserved */
	{
		struct want w = OK(0x220123, 12, 4, 0);
		w.dev = UCA_DEV_TG;
		check("TG1=00 (reserved): QEMU uses 4K (flagged)", x, &st, 0xFFFFFFFFFFE00123ULL, UCA_READ, false, w, NULL);
	}
	check("TG1=00 does not concern TTBR0 addresses", x, &st, 0x1123, UCA_READ, false, OK(0x201123, 12, 4, 0), NULL);
	st = s;
	st.sctlr = ~(WXN | 1ULL << 24 | 1ULL << 25); /* every other SCTLR bit set */
	check("SCTLR: all bits but WXN/EE/E0E set: EL1 read", x, &st, 0x1123, UCA_READ, false,
	      OK(0x201123, 12, 4, 0), NULL);
	check("SCTLR: all bits but WXN/EE/E0E set: EL0 fetch", x, &st, 0x2000, UCA_FETCH, true,
	      OK(0x202000, 12, 4, 0), NULL);
	check("SCTLR: all bits but WXN/EE/E0E set: EL1 fetch", x, &st, 0x1000, UCA_FETCH, false,
	      OK(0x201000, 12, 4, 0), NULL);
	check("SCTLR: all bits but WXN/EE/E0E set: EL0 write", x, &st, 0x5000, UCA_WRITE, true, FLT(FP(3), 4, 0), NULL);
	st = s;
	st.ttbr0 = R0 | (0xabcdULL << 48) | 1; /* ASID and CnP */
	check("TTBR0 with ASID and CnP set", x, &st, 0x1123, UCA_READ, false,
	      OK(0x201123, 12, 4, R0, L1A, L2A, L3A + 8), NULL);
}

/* ---------------------------------------------------------- 16K granule */

#define G16_R0  0x400000ULL  /* L0: 2 entries */
#define G16_L1  0x404000ULL
#define G16_L2  0x408000ULL
#define G16_L3  0x40c000ULL
#define G16_R1  0x410000ULL
#define G16_L1K 0x414000ULL
#define G16_L2K 0x418000ULL
#define G16_L3K 0x41c000ULL

static void build16k(struct pool *p)
{
	pool_reset(p);
	gsize = 16384;
	set_e(p, G16_R0, 0, G16_L1 | TBL);
	set_e(p, G16_L1, 0, G16_L2 | TBL);
	set_e(p, G16_L2, 0, G16_L3 | TBL);
	set_e(p, G16_L3, 1, 0x1004000 | PAGE | AP_EL1RW);           /* VA 16K */
	set_e(p, G16_L3, 2, 0x1008000 | PAGE | AP_RW | UXN);
	set_e(p, G16_L3, 3, 0x100c000 | 3 | AP_RW);                 /* AF = 0 */
	set_e(p, G16_L3, 4, 0x1010000 | PAGE | AP_RO);
	set_e(p, G16_L3, 5, 0x1014000 | PAGE | AP_EL1RW | PXN);
	set_e(p, G16_L2, 1, 0x4000000 | BLOCK | AP_RW);             /* 32M block at VA 32M */
	set_e(p, G16_L2, 2, G16_L3 | TBL | APT0 | PXNT);
	set_e(p, G16_L1, 1, 0x1000000000ULL | BLOCK);               /* 64G block at level 1 (QEMU only) */
	set_e(p, G16_R1, 1, G16_L1K | TBL);
	set_e(p, G16_L1K, 2047, G16_L2K | TBL);
	set_e(p, G16_L2K, 2047, G16_L3K | TBL);
	set_e(p, G16_L3K, 0, 0x2000000 | PAGE | AP_EL1RW);
	set_e(p, G16_L3K, 1, 0x2004000 | PAGE | AP_RW | UXN | PXN);
}

static void test16k(struct uca *x, struct pool *pool)
{
	build16k(pool);
	if (load(x, pool))
		expect("load 16K tables", false, "uca_set_memory failed");
	const struct uca_state s = { .ttbr0 = G16_R0, .ttbr1 = G16_R1,
				     .tcr = T0SZ(16) | T1SZ(16) | TG0_16K | TG1_16K | IPS48,
				     .mair = 0xff, .sctlr = SCTLR };
	struct uca_state st;
	struct uca_result r;
	printf("--- 16K granule, 48-bit VA (level 0 has 2 entries)\n");
	check("16K page, EL1 read", x, &s, 0x4123, UCA_READ, false,
	      OK(0x1004123, 14, 4, G16_R0, G16_L1, G16_L2, G16_L3 + 8), &r);
	expect("  ... start_level 0, leaf_level 3", r.start_level == 0 && r.leaf_level == 3, "wrong levels");
	check("16K page, offset above 4K", x, &s, 0x7ffd, UCA_WRITE, false, OK(0x1007ffd, 14, 4, 0), NULL);
	check("16K page, EL1 fetch", x, &s, 0x6000, UCA_FETCH, false, OK(0x1006000, 14, 4, 0), NULL);
	check("16K EL1-only page, EL0 read", x, &s, 0x4123, UCA_READ, true, FLT(FP(3), 4, 0), NULL);
	check("16K EL0 RW page, EL0 write", x, &s, 0x8001, UCA_WRITE, true, OK(0x1008001, 14, 4, 0), NULL);
	check("16K UXN, EL0 fetch", x, &s, 0x8000, UCA_FETCH, true, FLT(FP(3), 4, 0), NULL);
	check("16K AF=0", x, &s, 0xc000, UCA_READ, true, FLT(FAF(3), 4, 0), NULL);
	check("16K AP=11 write", x, &s, 0x10000, UCA_WRITE, false, FLT(FP(3), 4, 0), NULL);
	check("16K PXN, EL1 fetch", x, &s, 0x14000, UCA_FETCH, false, FLT(FP(3), 4, 0), NULL);
	check("16K not present at level 3", x, &s, 0x18000, UCA_READ, false, FLT(FT(3), 4, 0), NULL);
	check("16K not present at level 2", x, &s, 0x6000000, UCA_READ, false,
	      FLT(FT(2), 3, G16_R0, G16_L1, G16_L2 + 24), NULL);
	check("16K not present at level 1", x, &s, 0x2000000000ULL, UCA_READ, false,
	      FLT(FT(1), 2, G16_R0, G16_L1 + 16), NULL);
	check("16K not present at level 0 (VA bit 47)", x, &s, 0x800000000000ULL, UCA_READ, false,
	      FLT(FT(0), 1, G16_R0 + 8), NULL);
	check("16K 32M block at level 2", x, &s, 0x3456789, UCA_READ, true,
	      OK(0x5456789, 25, 3, G16_R0, G16_L1, G16_L2 + 8), NULL);
	{
		struct want w = OK(0x1012345678ULL, 36, 2, G16_R0, G16_L1 + 8);
		w.dev = UCA_DEV_BLOCK_LEVEL;
		check("16K level 1 block: QEMU maps 64G (flagged)", x, &s, 0x1012345678ULL, UCA_READ, false, w, NULL);
	}
	check("16K APTable=01: EL0 read", x, &s, 0x4004000, UCA_READ, true, FLT(FP(3), 4, 0), NULL);
	check("16K PXNTable: EL1 fetch", x, &s, 0x4004000, UCA_FETCH, false, FLT(FP(3), 4, 0), NULL);
	check("16K PXNTable: EL1 read", x, &s, 0x4004000, UCA_READ, false, OK(0x1004000, 14, 4, 0), NULL);
	st = s;
	st.pan = true;
	check("16K PAN=1: EL1 read of EL0 page", x, &st, 0x8000, UCA_READ, false, FLT(FP(3), 4, 0), NULL);
	check("16K TTBR1 page", x, &s, 0xFFFFFFFFFE001234ULL, UCA_READ, false,
	      OK(0x2001234, 14, 4, G16_R1 + 8, G16_L1K + 2047 * 8, G16_L2K + 2047 * 8, G16_L3K), NULL);
	check("16K TTBR1 EL0 page with UXN+PXN, EL1 fetch", x, &s, 0xFFFFFFFFFE004000ULL, UCA_FETCH, false,
	      FLT(FP(3), 4, 0), NULL);
	check("16K TTBR1 not present at level 0", x, &s, 0xFFFF700000000000ULL, UCA_READ, false,
	      FLT(FT(0), 1, G16_R1), NULL);
	st = s;
	st.ttbr0 = G16_L1;
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(17); /* 47-bit: start at level 1 (2048 entries) */
	check("16K T0SZ=17: start at level 1", x, &st, 0x4123, UCA_READ, false,
	      OK(0x1004123, 14, 3, G16_L1, G16_L2, G16_L3 + 8), NULL);
	st.ttbr0 = G16_L2;
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(28); /* 36-bit: start at level 2 */
	check("16K T0SZ=28: start at level 2", x, &st, 0x4123, UCA_READ, false,
	      OK(0x1004123, 14, 2, G16_L2, G16_L3 + 8), NULL);
}

/* ---------------------------------------------------------- 64K granule */

#define G64_R0  0x1000000ULL /* L1: 64 entries */
#define G64_L2  0x1010000ULL
#define G64_L3  0x1020000ULL
#define G64_R1  0x1030000ULL
#define G64_L2K 0x1040000ULL
#define G64_L3K 0x1050000ULL
#define G64_4K_R1 0x1060000ULL /* 4K tables for TTBR1 in a mixed configuration */

static void build64k(struct pool *p)
{
	pool_reset(p);
	gsize = 65536;
	set_e(p, G64_R0, 0, G64_L2 | TBL);
	set_e(p, G64_L2, 0, G64_L3 | TBL);
	set_e(p, G64_L3, 1, 0x3010000 | PAGE | AP_EL1RW);           /* VA 64K */
	set_e(p, G64_L3, 2, 0x3020000 | PAGE | AP_RW | UXN);
	set_e(p, G64_L3, 3, 0x3030000 | 3 | AP_RW);                 /* AF = 0 */
	set_e(p, G64_L3, 4, 0x3040000 | PAGE | AP_EL1RO | PXN);
	set_e(p, G64_L3, 5, 0x3050000 | (0xfULL << 12) | PAGE);     /* bits 15:12 (OA[51:48] with LPA) */
	set_e(p, G64_L2, 1, 0x20000000 | BLOCK | AP_RW);            /* 512M block at VA 512M */
	set_e(p, G64_L2, 2, G64_L3 | TBL | APT1 | UXNT);
	set_e(p, G64_R0, 1, 0x40000000000ULL | BLOCK | AP_EL1RW);   /* 4T block at level 1 (QEMU only) */
	set_e(p, G64_R1, 63, G64_L2K | TBL);
	set_e(p, G64_L2K, 8191, G64_L3K | TBL);
	set_e(p, G64_L3K, 0, 0x4000000 | PAGE | AP_EL1RW);
	set_e(p, G64_L3K, 1, 0x4010000 | PAGE | AP_RO | UXN);
	/* a 4K-granule table (the first 4K of a listed 64K page) for TG1 = 4K */
	set_e(p, G64_4K_R1, 511, G64_4K_R1 | TBL);                  /* recursive, down to level 3 */
	set_e(p, G64_4K_R1, 0, 0x5000000 | PAGE | AP_EL1RW);
}

static void test64k(struct uca *x, struct pool *pool)
{
	build64k(pool);
	if (load(x, pool))
		expect("load 64K tables", false, "uca_set_memory failed");
	const struct uca_state s = { .ttbr0 = G64_R0, .ttbr1 = G64_R1,
				     .tcr = T0SZ(16) | T1SZ(16) | TG0_64K | TG1_64K | IPS48,
				     .mair = 0xff, .sctlr = SCTLR };
	struct uca_state st;
	printf("--- 64K granule, 48-bit VA (start level 1, 64 entries)\n");
	check("64K page, EL1 read", x, &s, 0x1abcd, UCA_READ, false,
	      OK(0x301abcd, 16, 3, G64_R0, G64_L2, G64_L3 + 8), NULL);
	check("64K page, EL1 write high offset", x, &s, 0x1ffff, UCA_WRITE, false, OK(0x301ffff, 16, 3, 0), NULL);
	check("64K page, EL1 fetch", x, &s, 0x1f000, UCA_FETCH, false, OK(0x301f000, 16, 3, 0), NULL);
	check("64K EL1-only page, EL0 write", x, &s, 0x10000, UCA_WRITE, true, FLT(FP(3), 3, 0), NULL);
	check("64K EL0 RW page, EL0 read", x, &s, 0x2fedc, UCA_READ, true, OK(0x302fedc, 16, 3, 0), NULL);
	check("64K UXN, EL0 fetch", x, &s, 0x20000, UCA_FETCH, true, FLT(FP(3), 3, 0), NULL);
	check("64K AF=0", x, &s, 0x30000, UCA_FETCH, true, FLT(FAF(3), 3, 0), NULL);
	check("64K AP=10 EL1 write", x, &s, 0x40000, UCA_WRITE, false, FLT(FP(3), 3, 0), NULL);
	check("64K PXN EL1 fetch", x, &s, 0x40000, UCA_FETCH, false, FLT(FP(3), 3, 0), NULL);
	check("64K page, bits 15:12 set (ignored by QEMU)", x, &s, 0x51234, UCA_READ, false,
	      OK(0x3051234, 16, 3, 0), NULL);
	check("64K not present at level 3", x, &s, 0x60000, UCA_READ, false, FLT(FT(3), 3, 0), NULL);
	check("64K not present at level 2", x, &s, 0x60000000, UCA_READ, false,
	      FLT(FT(2), 2, G64_R0, G64_L2 + 24), NULL);
	check("64K not present at level 1", x, &s, 0x80000000000ULL, UCA_READ, false, FLT(FT(1), 1, G64_R0 + 16), NULL);
	check("64K 512M block at level 2", x, &s, 0x2abcdef0, UCA_READ, true,
	      OK(0x2abcdef0, 29, 2, G64_R0, G64_L2 + 8), NULL);
	{
		struct want w = OK(0x40012345678ULL, 42, 1, G64_R0 + 8);
		w.dev = UCA_DEV_BLOCK_LEVEL;
		check("64K level 1 block: QEMU maps 4T (flagged)", x, &s, 0x40012345678ULL, UCA_READ, false, w, NULL);
	}
	check("64K APTable=10: EL1 write", x, &s, 0x40010000, UCA_WRITE, false, FLT(FP(3), 3, 0), NULL);
	check("64K UXNTable: EL0 fetch of EL1-only page", x, &s, 0x40010000, UCA_FETCH, true, FLT(FP(3), 3, 0), NULL);
	check("64K UXNTable, EL1 fetch", x, &s, 0x40010000, UCA_FETCH, false, OK(0x3010000, 16, 3, 0), NULL);
	st = s;
	st.pan = true;
	check("64K PAN=1: EL1 write of EL0 page", x, &st, 0x20000, UCA_WRITE, false, FLT(FP(3), 3, 0), NULL);
	check("64K TTBR1 page", x, &s, 0xFFFFFFFFE0001234ULL, UCA_READ, false,
	      OK(0x4001234, 16, 3, G64_R1 + 63 * 8, G64_L2K + 8191 * 8, G64_L3K), NULL);
	check("64K TTBR1 RO page, EL0 write", x, &s, 0xFFFFFFFFE0011234ULL, UCA_WRITE, true, FLT(FP(3), 3, 0), NULL);
	check("64K TTBR1 RO page with UXN, EL1 fetch", x, &s, 0xFFFFFFFFE0010000ULL, UCA_FETCH, false,
	      OK(0x4010000, 16, 3, 0), NULL);
	st = s;
	st.ttbr0 = G64_L2;
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(22); /* 42-bit: start at level 2 */
	check("64K T0SZ=22: start at level 2", x, &st, 0x1abcd, UCA_READ, false,
	      OK(0x301abcd, 16, 2, G64_L2, G64_L3 + 8), NULL);
	st.ttbr0 = G64_L3;
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(39); /* 25-bit: start at level 3 */
	check("64K T0SZ=39: start at level 3", x, &st, 0x1abcd, UCA_READ, false, OK(0x301abcd, 16, 1, G64_L3 + 8), NULL);
	st = s;
	st.tcr |= 3ULL << 14; /* TG0 = 11: reserved */
	{
		struct want w = OK(0x301abcd, 16, 3, G64_R0, G64_L2, G64_L3 + 8);
		w.dev = UCA_DEV_TG;
		check("TG0=11 (reserved): QEMU uses 64K (flagged)", x, &st, 0x1abcd, UCA_READ, false, w, NULL);
	}
	/* granules differ between the halves */
	st = s;
	st.ttbr1 = G64_4K_R1;
	st.tcr = (s.tcr & ~(3ULL << 30)) | TG1_4K;
	check("TG0=64K with TG1=4K: TTBR0 page", x, &st, 0x1abcd, UCA_READ, false, OK(0x301abcd, 16, 3, 0), NULL);
	check("TG0=64K with TG1=4K: TTBR1 page (recursive 4K table)", x, &st, 0xFFFFFFFFFFE00123ULL, UCA_READ,
	      false, OK(0x5000123, 12, 4, G64_4K_R1 + 511 * 8, G64_4K_R1 + 511 * 8, G64_4K_R1 + 511 * 8,
			G64_4K_R1), NULL);
	st.tcr = (st.tcr & ~(3ULL << 14)) | TG0_4K;
	st.ttbr0 = G64_4K_R1;
	check("TG0=4K, TG1=4K on the same 4K table", x, &st, 0xFFFFFFE00123ULL, UCA_READ, false,
	      OK(0x5000123, 12, 4, 0), NULL);
}

/* ------------------------------------------- referee limits and isolation */

static void test_limits(struct uca *x, struct pool *pool)
{
	build4k(pool);
	if (load(x, pool))
		expect("reload 4K tables", false, "uca_set_memory failed");
	const struct uca_state s = { .ttbr0 = R0, .ttbr1 = R1, .tcr = T0SZ(16) | T1SZ(16) | TG0_4K | TG1_4K | IPS48,
				     .mair = 0xff, .sctlr = SCTLR };
	struct uca_state st;
	printf("--- referee limits and per-query isolation\n");
	check("va in the referee's TTBR0-half page", x, &s, UCA_STUB_VA0 + 0x10, UCA_READ, false, ERR(-EADDRINUSE), NULL);
	check("va in the referee's TTBR1-half page", x, &s, UCA_STUB_VA1 + 0xffc, UCA_FETCH, true, ERR(-EADDRINUSE), NULL);
	check("va in a referee page, with a tag", x, &s, UCA_STUB_VA0 | 0x7700000000000000ULL, UCA_WRITE, false,
	      ERR(-EADDRINUSE), NULL);
	check("the page below the referee's page is fine", x, &s, UCA_STUB_VA1 - 0x1000, UCA_READ, false,
	      FLT(FT(3), 4, 0), NULL);
	check("leaf maps the referee's stub page: read", x, &s, 0xa000, UCA_READ, false, ERR(-EINVAL), NULL);
	check("leaf maps the referee's stub page: fetch", x, &s, 0xa000, UCA_FETCH, false, ERR(-EINVAL), NULL);
	check("leaf maps the referee's stub page: EL1 write", x, &s, 0xa000, UCA_WRITE, false, ERR(-EINVAL), NULL);
	check("... with UXN, EL0 fetch: refused too (translation is screened)", x, &s, 0xd000, UCA_FETCH, true,
	      ERR(-EINVAL), NULL);
	{
		struct want w = FLT(FP(3), 4, 0);
		w.dev = UCA_DEV_ADDR_SIZE;
		check("... EL0 write faults before any access: answered", x, &s, 0xa000, UCA_WRITE, true, w, NULL);
	}
	check("table descriptor into the reserved range", x, &s, 0xa00000, UCA_READ, false, ERR(-EINVAL), NULL);
	st = s;
	st.ttbr0 = UCA_RESERVED_PA;
	check("TTBR0 in the reserved range", x, &st, 0x1000, UCA_READ, false, ERR(-EINVAL), NULL);
	st.ttbr0 = 0x900000;
	check("TTBR0 root not listed", x, &st, 0x1000, UCA_READ, false, ERR(-ENOENT), NULL);
	st.tcr |= EPD0;
	check("TTBR0 root not listed but EPD0=1", x, &st, 0x1000, UCA_READ, false, FLT(FT(0), 0, 0), NULL);
	st = s;
	st.sctlr &= ~1ULL;
	check("SCTLR.M=0 refused", x, &st, 0x1000, UCA_READ, false, ERR(-EINVAL), NULL);
	st = s;
	st.sctlr |= 1ULL << 25;
	check("SCTLR.EE=1 refused", x, &st, 0x1000, UCA_READ, false, ERR(-EINVAL), NULL);
	check("unaligned fetch refused", x, &s, 0x1002, UCA_FETCH, false, ERR(-EINVAL), NULL);
	{
		bool all = true;
		for (int i = 0; i < 6; i++) {
			struct uca_result q;
			all &= uca_query(x, &s, 0x8000 + (uint64_t)i * 4, (enum uca_access)(i % 3), i & 1, &q) == 0 &&
			       q.fault && q.fsc == FT(3) && q.nwalk == 4;
		}
		expect("6 faults in a row, mixed access and EL, stay plain translation faults", all,
		       "a fault changed");
	}
	/* TLB: the same VA, tables changed between queries */
	check("TLB: VA 0x1000 EL1 RW", x, &s, 0x1000, UCA_READ, false, OK(0x201000, 12, 4, 0), NULL);
	check("TLB: ... executable", x, &s, 0x1000, UCA_FETCH, false, OK(0x201000, 12, 4, 0), NULL);
	check("TLB: ... EL0 execute-only", x, &s, 0x1000, UCA_FETCH, true, OK(0x201000, 12, 4, 0), NULL);
	set_e(pool, L3A, 1, 0x2f1000 | PAGE | AP_RO | PXN);
	load(x, pool);
	check("TLB: remapped RO to 0x2f1000: read sees the new frame", x, &s, 0x1000, UCA_READ, true,
	      OK(0x2f1000, 12, 4, 0), NULL);
	check("TLB: remapped RO: write faults", x, &s, 0x1000, UCA_WRITE, false, FLT(FP(3), 4, 0), NULL);
	check("TLB: remapped PXN: EL1 fetch faults", x, &s, 0x1000, UCA_FETCH, false, FLT(FP(3), 4, 0), NULL);
	set_e(pool, L3A, 1, 0);
	load(x, pool);
	check("TLB: unmapped: EL0 fetch faults", x, &s, 0x1000, UCA_FETCH, true, FLT(FT(3), 4, 0), NULL);
	check("TLB: unmapped: read faults", x, &s, 0x1000, UCA_READ, false, FLT(FT(3), 4, 0), NULL);
	build4k(pool);
	load(x, pool);
	check("TLB: restored", x, &s, 0x1000, UCA_READ, false, OK(0x201000, 12, 4, 0), NULL);
	st = s;
	st.ttbr0 = L1A;
	st.tcr = (s.tcr & ~0x3fULL) | T0SZ(25);
	check("TLB: other TTBR0 and T0SZ right after", x, &st, 0x1000, UCA_READ, false, OK(0x201000, 12, 3, 0), NULL);
	check("TLB: queries in the TTBR1 half, then TTBR0", x, &s, 0xFFFFFFFFFFE00000ULL, UCA_FETCH, false,
	      OK(0x220000, 12, 4, 0), NULL);
	check("TLB: ... back to TTBR0", x, &s, 0x1000, UCA_FETCH, true, OK(0x201000, 12, 4, 0), NULL);
	{
		static uint8_t z[65536];
		struct uca_page bad[2] = { { 0x1000, z, 8192 }, { 0, NULL, 0 } };
		int e1 = uca_set_memory(x, bad, 1);
		bad[0] = (struct uca_page){ 0x4000, z, 16384 };
		int e2 = uca_set_memory(x, bad, 1);
		bad[0] = (struct uca_page){ 0x10000, z, 65536 };
		bad[1] = (struct uca_page){ 0x14000, NULL, 16384 };
		int e3 = uca_set_memory(x, bad, 2);
		bad[0] = (struct uca_page){ UCA_RESERVED_PA - 0x10000, z, 65536 };
		int e4 = uca_set_memory(x, bad, 1);
		bad[0] = (struct uca_page){ UCA_RESERVED_PA, NULL, 4096 };
		int e5 = uca_set_memory(x, bad, 1);
		bad[0] = (struct uca_page){ 0x8000, NULL, 16384 };
		int e6 = uca_set_memory(x, bad, 1);
		expect("uca_set_memory: bad size, unaligned, overlap, reserved rejected; valid accepted",
		       e1 == -EINVAL && e2 == 0 && e3 == -EINVAL && e4 == 0 && e5 == -EINVAL && e6 == 0,
		       "wrong return codes");
	}
	{
		/* two engines used in turn */
		struct uca *y = NULL;
		int ry = uca_open(&y);
		struct uca_result a, b;
		bool ok = ry == 0 && load(y, pool) == 0 && load(x, pool) == 0;
		ok = ok && uca_query(x, &s, 0x2000, UCA_FETCH, true, &a) == 0 &&
		     uca_query(y, &s, 0x2000, UCA_WRITE, false, &b) == 0 && !a.fault && !b.fault &&
		     a.pa == 0x202000 && b.pa == 0x202000 &&
		     uca_query(x, &s, 0x3000, UCA_READ, true, &a) == 0 && a.fault && a.fsc == FAF(3);
		expect("two engines interleaved", ok, "engines interfere");
		uca_close(y);
	}
}

/* ------------------------------------------ random cross-check vs Arm ARM */

/*
 * A deliberately small model of AArch64 stage 1 translation for the EL1&0
 * regime (Arm ARM D5.2-D5.5, ARMv8.0 + PAN + HPD), independent of the
 * referee, used to cross-check it on random tables and random state.  The
 * only places where it follows QEMU instead of the architecture are the ones
 * the referee flags (blocks at levels 0/1, no address size fault, RES0 bits
 * in a block's address ORed in, TxSZ clamped), and it computes those flags
 * itself.
 */
struct model {
	bool fault;
	unsigned fsc;
	uint64_t pa;
	unsigned shift;
	unsigned nwalk;
	uint64_t walk[4];
	unsigned dev;
};

#define RNP 12
static uint8_t *rmem;     /* RNP pages of the current granule at RBASE + k * granule */
static size_t rgran;
#define RBASE 0x10000000ULL
static uint64_t rmem_q(uint64_t pa)
{
	if (pa < RBASE || pa >= RBASE + RNP * rgran)
		return 0;
	uint64_t v;
	memcpy(&v, rmem + (pa - RBASE), 8);
	return v;
}

static uint64_t fld(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((2ULL << (hi - lo)) - 1);
}

static struct model arm_walk(const struct uca_state *s, uint64_t va, enum uca_access acc, bool el0)
{
	struct model m = { 0 };
	const bool fetch = acc == UCA_FETCH, write = acc == UCA_WRITE;
	const unsigned half = (unsigned)fld(va, 55, 55);
	const uint64_t tcr = s->tcr;
	unsigned tsz, gran_bits, tbi, epd, hpd;
	if (!half) {
		tsz = (unsigned)fld(tcr, 5, 0);
		unsigned tg = (unsigned)fld(tcr, 15, 14);
		gran_bits = tg == 0 ? 12 : tg == 1 ? 16 : tg == 2 ? 14 : 16;
		if (tg == 3)
			m.dev |= UCA_DEV_TG;
		tbi = (unsigned)fld(tcr, 37, 37) & !(fetch && fld(tcr, 51, 51));
		epd = (unsigned)fld(tcr, 7, 7);
		hpd = (unsigned)fld(tcr, 41, 41);
	} else {
		tsz = (unsigned)fld(tcr, 21, 16);
		unsigned tg = (unsigned)fld(tcr, 31, 30);
		gran_bits = tg == 1 ? 14 : tg == 3 ? 16 : 12;
		if (tg == 0)
			m.dev |= UCA_DEV_TG;
		tbi = (unsigned)fld(tcr, 38, 38) & !(fetch && fld(tcr, 52, 52));
		epd = (unsigned)fld(tcr, 23, 23);
		hpd = (unsigned)fld(tcr, 42, 42);
	}
	if (tsz < 16 || tsz > 39) {
		m.dev |= UCA_DEV_TXSZ;
		tsz = tsz < 16 ? 16 : 39;
	}
	const unsigned in_bits = 64 - tsz, top = tbi ? 55 : 63;
	const uint64_t want = half ? fld(~0ULL, top, in_bits) : 0;
	if (fld(va, top, in_bits) != want || epd) {
		m.fault = true;
		m.fsc = FT(0);
		return m;
	}
	const unsigned stride = gran_bits - 3;
	int level = 3 - (int)((in_bits - 1 - gran_bits) / stride);
	const unsigned ps_bits = (unsigned[]){ 32, 36, 40, 42, 44, 48, 52, 52 }[fld(tcr, 34, 32)];
	const unsigned pa_bits = ps_bits < UCA_PA_BITS ? ps_bits : UCA_PA_BITS;
	const uint64_t ttbr = half ? s->ttbr1 : s->ttbr0;
	/* root table: 2^(in_bits - (gran_bits + stride*(3-level))) entries */
	const unsigned root_idx_bits = in_bits - gran_bits - stride * (unsigned)(3 - level);
	const uint64_t root_bytes_mask = (8ULL << root_idx_bits) - 1;
	uint64_t table = fld(ttbr, 47, 1) << 1 & ~root_bytes_mask;
	if (ttbr & root_bytes_mask & ~1ULL)
		m.dev |= UCA_DEV_TTBR_ALIGN;
	if (fld(ttbr, 47, pa_bits))
		m.dev |= UCA_DEV_ADDR_SIZE;
	bool apt_ro = false, apt_noel0 = false, uxnt = false, pxnt = false;
	uint64_t d = 0;
	for (bool first = true;; level++, first = false) {
		unsigned shift = gran_bits + stride * (unsigned)(3 - level);
		unsigned nidx = first ? root_idx_bits : stride;
		uint64_t epa = table + (fld(va, shift + nidx - 1, shift) << 3);
		d = rmem_q(epa);
		m.walk[m.nwalk++] = epa;
		if (!(d & 1) || (level == 3 && !(d & 2))) {
			m.fault = true;
			m.fsc = FT((unsigned)level);
			return m;
		}
		uint64_t addr = fld(d, 47, gran_bits) << gran_bits;
		if (fld(addr, 47, pa_bits))
			m.dev |= UCA_DEV_ADDR_SIZE;
		if (level < 3 && (d & 2)) {
			if (!hpd) {
				apt_ro |= fld(d, 62, 62);
				apt_noel0 |= fld(d, 61, 61);
				uxnt |= fld(d, 60, 60);
				pxnt |= fld(d, 59, 59);
			}
			table = addr;
			continue;
		}
		/* a block (levels 0..2) or a page */
		if (level < 3) {
			if (level == 0 || (level == 1 && gran_bits != 12))
				m.dev |= UCA_DEV_BLOCK_LEVEL;
			if (fld(d, shift - 1, gran_bits))
				m.dev |= UCA_DEV_BLOCK_RES0; /* QEMU ORs them into the PA */
		}
		m.shift = shift;
		m.pa = addr | (va & ((1ULL << shift) - 1));
		break;
	}
	if (!(d & AF)) {
		m.fault = true;
		m.fsc = FAF((unsigned)level);
		return m;
	}
	bool ap2 = fld(d, 7, 7) || apt_ro;       /* read-only */
	bool ap1 = fld(d, 6, 6) && !apt_noel0;   /* EL0 access */
	bool uxn = fld(d, 54, 54) || uxnt, pxn = fld(d, 53, 53) || pxnt;
	bool wxn = s->sctlr & WXN;
	bool ok;
	if (el0) {
		if (fetch)
			ok = !uxn && !(wxn && ap1 && !ap2);
		else
			ok = ap1 && (!write || !ap2);
	} else {
		if (fetch)
			ok = !pxn && !(ap1 && !ap2) && !(wxn && !ap2);
		else
			ok = !(s->pan && ap1) && (!write || !ap2);
	}
	if (!ok) {
		m.fault = true;
		m.fsc = FP((unsigned)level);
	}
	return m;
}

/* A random entry for a table page of the given level; the pages are at
 * RBASE + k * rgran and page k serves level k % 4. */
static uint64_t rand_entry(unsigned gran_bits, unsigned level)
{
	uint64_t k = rnd() % 100, e;
	if (k < 4)
		return rnd() & ~1ULL; /* invalid, garbage */
	e = 1;
	e |= rnd() % 10 ? AF : 0;
	e |= (rnd() & 3) << 6;     /* AP */
	e |= rnd() % 6 == 0 ? UXN : 0;
	e |= rnd() % 6 == 0 ? PXN : 0;
	e |= rnd() & (0xfULL << 55 | 1ULL << 52 | 1ULL << 11 | 0x3ULL << 8 | 0x1fULL << 2); /* ignored */
	if (rnd() % 5 == 0)
		e |= rnd() & (0xfULL << 59); /* table attributes (ignored in leaves) */
	if (level < 3 && k < 66) {
		/* a table: mostly a page of the next level, sometimes any page
		 * (recursion, aliasing) or an unlisted one */
		uint64_t pg = (level + 1) % 4 + 4 * (rnd() % (RNP / 4));
		if (rnd() % 12 == 0)
			pg = rnd() % RNP;
		return e | 2 | (rnd() % 24 ? RBASE + rgran * pg : 0x7000000000ULL);
	}
	if (level == 3 && k < 12)
		return e & ~2ULL; /* 0b01 at level 3: reserved */
	uint64_t oa = rnd() & 0x00000ffffffff000ULL;
	if (rnd() % 25 == 0)
		oa |= 1ULL << (44 + rnd() % 4);  /* beyond PARange */
	if (level < 3) { /* a block */
		unsigned lo = gran_bits + (gran_bits - 3) * (3 - level);
		if (rnd() % 12)
			oa &= ~((1ULL << (lo > 47 ? 47 : lo)) - 1); /* mostly aligned */
		e &= ~2ULL;
	} else {
		e |= 2;
	}
	return e | (oa & ~((1ULL << gran_bits) - 1));
}

static void cross_check(struct uca *x, int n)
{
	int mism = 0, errs = 0, faults = 0, devs = 0, inuse = 0, resv = 0;
	int ftype[6] = { 0 }, nblock = 0, nacc[3][2] = { { 0 } };
	unsigned idx[4][6];
	struct uca_state s = { 0 };
	unsigned gb = 12;
	for (int it = 0; it < n; it++) {
		if (it % 250 == 0) {
			/* new granule, new tables */
			gb = (unsigned[]){ 12, 14, 16 }[rnd() % 3];
			rgran = 1ULL << gb;
			free(rmem);
			rmem = calloc(RNP, rgran);
			if (!rmem) {
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
			struct uca_page pg[RNP];
			unsigned nent = (unsigned)(rgran / 8);
			for (unsigned l = 0; l < 4; l++) {
				/* interesting indices per level: low, high, random */
				idx[l][0] = 0;
				idx[l][1] = 1;
				idx[l][2] = nent - 1;
				idx[l][3] = nent - 2;
				idx[l][4] = (unsigned)(rnd() % nent);
				idx[l][5] = (unsigned)(rnd() % 64);
			}
			for (int p = 0; p < RNP; p++) {
				for (unsigned l = 0; l < 4; l++)
					for (unsigned j = 0; j < 6; j++) {
						uint64_t v = rand_entry(gb, (unsigned)p % 4);
						memcpy(rmem + (size_t)p * rgran + idx[l][j] * 8, &v, 8);
					}
				pg[p].pa = RBASE + (uint64_t)p * rgran;
				pg[p].bytes = rmem + (size_t)p * rgran;
				pg[p].size = rgran;
			}
			if (uca_set_memory(x, pg, RNP))
				errs++;
		}
		if (it % 25 == 0) {
			/* new control state */
			uint64_t tcr = IPS48;
			unsigned tg0 = gb == 12 ? 0 : gb == 16 ? 1 : 2, tg1 = gb == 12 ? 2 : gb == 14 ? 1 : 3;
			tcr |= (uint64_t)tg0 << 14 | (uint64_t)tg1 << 30;
			tcr |= 16 + rnd() % 24;
			tcr |= (16 + rnd() % 24) << 16;
			if (rnd() % 20 == 0)
				tcr = (tcr & ~0x3fULL) | (rnd() % 64); /* any T0SZ */
			tcr |= rnd() % 2 ? TBI0 : 0;
			tcr |= rnd() % 2 ? TBI1 : 0;
			tcr |= rnd() % 4 == 0 ? TBID0 | (1ULL << 52) : 0;
			tcr |= rnd() % 5 == 0 ? HPD0 : 0;
			tcr |= rnd() % 5 == 0 ? HPD1 : 0;
			tcr |= rnd() % 40 == 0 ? EPD0 : 0;
			tcr |= rnd() % 40 == 0 ? EPD1 : 0;
			if (rnd() % 6 == 0)
				tcr = (tcr & ~(7ULL << 32)) | (rnd() % 8) << 32;
			s.tcr = tcr;
			/* roots: a page of the start level, sometimes any page */
			for (unsigned h = 0; h < 2; h++) {
				unsigned tsz = (unsigned)fld(tcr, h ? 21 : 5, h ? 16 : 0);
				unsigned in_bits = 64 - (tsz < 16 ? 16 : tsz > 39 ? 39 : tsz);
				unsigned start = 3 - (in_bits - 1 - gb) / (gb - 3);
				uint64_t pg = rnd() % 6 ? start + 4 * (rnd() % (RNP / 4)) : rnd() % RNP;
				*(h ? &s.ttbr1 : &s.ttbr0) = RBASE + rgran * pg;
			}
			if (rnd() % 4 == 0)
				s.ttbr0 |= (rnd() & 0xffff) << 48;      /* ASID */
			s.sctlr = SCTLR | (rnd() % 4 == 0 ? WXN : 0);
			s.pan = rnd() & 1;
			s.mair = rnd();
		}
		/* an address made of interesting indices */
		const unsigned half = rnd() & 1;
		const unsigned tsz = half ? (unsigned)fld(s.tcr, 21, 16) : (unsigned)fld(s.tcr, 5, 0);
		const unsigned in_bits = 64 - (tsz < 16 ? 16 : tsz > 39 ? 39 : tsz);
		uint64_t va = 0;
		for (unsigned l = 0; l < 4; l++)
			va |= (uint64_t)idx[l][rnd() % 6] << (gb + (gb - 3) * (3 - l));
		va |= rnd() & ((1ULL << gb) - 1);
		va &= (1ULL << in_bits) - 1;
		if (half)
			va |= ~((1ULL << in_bits) - 1);
		if (rnd() % 12 == 0)
			va ^= (rnd() & 0xff) << 56;             /* tag */
		if (rnd() % 40 == 0)
			va ^= 1ULL << (in_bits + rnd() % (64 - in_bits)); /* outside the range */
		const enum uca_access acc = (enum uca_access)(rnd() % 3);
		if (acc == UCA_FETCH)
			va &= ~3ULL;
		const bool el0 = rnd() & 1;
		struct uca_result r;
		int rc = uca_query(x, &s, va, acc, el0, &r);
		if (rc == -EADDRINUSE) {
			inuse++;
			continue;
		}
		struct model m = arm_walk(&s, va, acc, el0);
		/* documented refusal: the translation ends in the reserved range
		 * (for a fetch even when the fetch itself would not be allowed) */
		if (rc == -EINVAL && m.nwalk && m.pa >= UCA_RESERVED_PA &&
		    m.pa < UCA_RESERVED_PA + UCA_RESERVED_PA_SIZE &&
		    (!m.fault || (acc == UCA_FETCH && (m.fsc >> 2) == 3))) {
			resv++;
			continue;
		}
		if (rc) {
			errs++;
			if (errs <= 5)
				printf("     random #%d: rc=%d va=%#" PRIx64 " acc=%s el0=%d tcr=%#" PRIx64 "\n", it, rc,
				       va, accname(acc), el0, s.tcr);
			continue;
		}
		bool same = r.fault == m.fault && r.nwalk == m.nwalk && r.deviation == m.dev &&
			    (m.fault ? r.fsc == m.fsc : r.pa == m.pa && r.page_shift == m.shift);
		for (unsigned i = 0; same && i < m.nwalk; i++)
			same = r.walk_pa[i] == m.walk[i];
		faults += r.fault;
		devs += r.deviation != 0;
		ftype[r.type]++;
		nblock += !r.fault && r.leaf_level < 3;
		nacc[acc][el0] += !r.fault;
		if (!same) {
			mism++;
			if (mism <= 10) {
				printf("     MISMATCH #%d: va=%#" PRIx64 " %s %s tcr=%#" PRIx64 " ttbr0=%#" PRIx64 " ttbr1=%#" PRIx64
				       " wxn=%d pan=%d\n       referee: ", it, va, el0 ? "EL0" : "EL1", accname(acc), s.tcr,
				       s.ttbr0, s.ttbr1, (s.sctlr & WXN) != 0, s.pan);
				show(&r);
				printf("\n       model:   fault=%d fsc=%#x pa=%#" PRIx64 " shift=%u dev=%#x", m.fault,
				       m.fsc, m.pa, m.shift, m.dev);
				show_walk(m.nwalk, m.walk);
				printf("\n");
			}
		}
	}
	printf("RANDOM %d queries: %d translations, %d faults, %d flagged deviations, %d in referee pages, "
	       "%d into the reserved range; %d mismatches, %d errors\n",
	       n, n - faults - errs - inuse - resv - mism, faults, devs, inuse, resv, mism, errs);
	printf("RANDOM faults: %d translation, %d access flag, %d permission, %d other; translations: %d via blocks,"
	       " EL1/EL0 read %d/%d, write %d/%d, fetch %d/%d\n",
	       ftype[UCA_FT_TRANSLATION], ftype[UCA_FT_ACCESS_FLAG], ftype[UCA_FT_PERMISSION],
	       ftype[UCA_FT_ADDRESS_SIZE] + ftype[UCA_FT_OTHER], nblock, nacc[0][0], nacc[0][1], nacc[1][0],
	       nacc[1][1], nacc[2][0], nacc[2][1]);
	expect("random cross-check against the Arm ARM model", mism == 0 && errs == 0, "mismatches or errors");
	free(rmem);
	rmem = NULL;
}

/* ---------------------------------------------------------- timing */

static void timing(struct uca *x, struct pool *pool, unsigned gran)
{
	const struct uca_state *sp;
	static const uint64_t va4[] = { 0x1123, 0x2abc, 0x3456, 0x4000, 0x5008, 0x6010, 0x7770, 0x212340,
					0x7fedcba8ULL, 0xFFFFFFFFFFE00120ULL };
	static const uint64_t va16[] = { 0x4123, 0x8000, 0xc000, 0x10000, 0x14000, 0x3456788, 0x4004000,
					 0x18000, 0xFFFFFFFFFE001234ULL, 0xFFFFFFFFFE004000ULL };
	static const uint64_t va64[] = { 0x1abcc, 0x20000, 0x30000, 0x40000, 0x51234, 0x60000, 0x2abcdef0,
					 0x40010000, 0xFFFFFFFFE0001234ULL, 0xFFFFFFFFE0011234ULL };
	const uint64_t *vas;
	static struct uca_state s4, s16, s64;
	s4 = (struct uca_state){ .ttbr0 = R0, .ttbr1 = R1, .tcr = T0SZ(16) | T1SZ(16) | TG0_4K | TG1_4K | IPS48,
				 .mair = 0xff, .sctlr = SCTLR };
	s16 = (struct uca_state){ .ttbr0 = G16_R0, .ttbr1 = G16_R1, .tcr = T0SZ(16) | T1SZ(16) | TG0_16K | TG1_16K | IPS48,
				  .mair = 0xff, .sctlr = SCTLR };
	s64 = (struct uca_state){ .ttbr0 = G64_R0, .ttbr1 = G64_R1, .tcr = T0SZ(16) | T1SZ(16) | TG0_64K | TG1_64K | IPS48,
				  .mair = 0xff, .sctlr = SCTLR };
	if (gran == 4) {
		build4k(pool);
		sp = &s4;
		vas = va4;
	} else if (gran == 16) {
		build16k(pool);
		sp = &s16;
		vas = va16;
	} else {
		build64k(pool);
		sp = &s64;
		vas = va64;
	}
	if (load(x, pool))
		expect("timing: load tables", false, "uca_set_memory failed");
	struct uca_state st = *sp;
	const int n = 10000;
	int errors = 0, faults = 0;
	double t0 = clock_us(CLOCK_MONOTONIC), c0 = clock_us(CLOCK_PROCESS_CPUTIME_ID);
	for (int i = 0; i < n; i++) {
		struct uca_result r;
		st.pan = i & 8;
		enum uca_access acc = (enum uca_access)(i % 3);
		uint64_t va = vas[i % 10] & (acc == UCA_FETCH ? ~3ULL : ~0ULL);
		if (uca_query(x, &st, va, acc, (i / 3) & 1, &r))
			errors++;
		else
			faults += r.fault;
	}
	double us = (clock_us(CLOCK_MONOTONIC) - t0) / n, cpu = (clock_us(CLOCK_PROCESS_CPUTIME_ID) - c0) / n;
	printf("TIME %2uK granule: %d queries (%d faulted), %.2f us/query wall, %.2f us/query CPU\n", gran, n, faults,
	       us, cpu);
	char name[64];
	snprintf(name, sizeof name, "timing run, %uK granule: no referee errors", gran);
	expect(name, errors == 0, "some queries returned an error");
}

/* ---------------------------------------------------------- main */

int main(int argc, char **argv)
{
	int nrandom = argc > 1 ? atoi(argv[1]) : 20000;
	struct pool *pool = calloc(1, sizeof(*pool));
	struct uca *x = NULL;
	double t0 = clock_us(CLOCK_MONOTONIC);
	int rc = pool ? uca_open(&x) : -ENOMEM;
	if (rc) {
		printf("FAIL uca_open: %d (%s)\n0 passed, 1 failed\n", rc, strerror(-rc));
		free(pool);
		return 1;
	}
	printf("uca_open: %.0f us\n", clock_us(CLOCK_MONOTONIC) - t0);
	test4k(x, pool);
	test16k(x, pool);
	test64k(x, pool);
	test_limits(x, pool);
	printf("--- random cross-check against a minimal Arm ARM model\n");
	cross_check(x, nrandom);
	printf("--- cost\n");
	timing(x, pool, 4);
	timing(x, pool, 16);
	timing(x, pool, 64);
	uca_close(x);
	pool_reset(pool);
	free(pool);
	return selftest_summary();
}
