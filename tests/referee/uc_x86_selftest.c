/* SPDX-License-Identifier: MIT */
/*
 * Self-test of the unicorn/QEMU page-walk referee (uc_x86.c).
 *
 * Builds 4-level and 5-level tables by hand, asks the referee, and compares
 * with the architecturally expected outcome (Intel SDM vol. 3A, ch. 4):
 * fault or not, #PF error code, physical address, page size, and the exact
 * sequence of entries the walker read.  Also checks per-query isolation
 * (TLB flush, no #DF after faults, A/D updates undone) and measures the
 * cost of a query.
 *
 * Build (all .c files of tests/referee, from the repository root):
 *   gcc -std=c17 -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       tests/referee/uc_x86.c tests/referee/uc_x86_selftest.c -lunicorn -o selftest
 */
#define _POSIX_C_SOURCE 200809L
#include "uc_x86.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "selftest_report.h"

/* ------------------------------------------------------------ page pool */

#define MAXPG 64

struct pool {
	size_t n;
	uint64_t pa[MAXPG];
	uint8_t b[MAXPG][4096];
};

static uint8_t *page(struct pool *p, uint64_t pa)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->pa[i] == pa)
			return p->b[i];
	if (p->n == MAXPG) {
		fprintf(stderr, "pool full\n");
		exit(2);
	}
	p->pa[p->n] = pa;
	memset(p->b[p->n], 0, 4096);
	return p->b[p->n++];
}

static void set_e(struct pool *p, uint64_t table, unsigned idx, uint64_t val)
{
	uint8_t *t = page(p, table);
	for (int i = 0; i < 8; i++)
		t[idx * 8 + (unsigned)i] = (uint8_t)(val >> (8 * i));
}

static int load(struct ucx *x, struct pool *p)
{
	struct ucx_page pg[MAXPG];
	for (size_t i = 0; i < p->n; i++) {
		pg[i].pa = p->pa[i];
		pg[i].bytes = p->b[i];
	}
	return ucx_set_memory(x, pg, p->n);
}

/* ---------------------------------------------------------- the tables */

#define P   (1ULL << 0)
#define RW  (1ULL << 1)
#define US  (1ULL << 2)
#define A_  (1ULL << 5)
#define D_  (1ULL << 6)
#define PS  (1ULL << 7)
#define XD  (1ULL << 63)
#define PK(k) ((uint64_t)(k) << 59)
#define T   (P | RW | US) /* table entry, fully permissive */

/* page-table pages */
#define R4     0x100000ULL /* PML4 (4-level root) */
#define PDPT   0x101000ULL
#define PD     0x102000ULL
#define PT     0x103000ULL
#define PDPT_S 0x104000ULL /* under a supervisor-only PML4E */
#define PD_S   0x105000ULL
#define PT_S   0x106000ULL
#define PDPT_K 0x107000ULL /* kernel half, PML4[511] */
#define PD_K   0x108000ULL
#define PT_K   0x109000ULL
#define R5     0x10a000ULL /* PML5 (5-level root) */
#define PML4_B 0x10b000ULL /* PML5[1] branch */
#define PDPT_B 0x10c000ULL
#define PD_B   0x10d000ULL
#define PT_B   0x10e000ULL
#define PDPT_H 0x10f000ULL /* PML4[255]: top of the user half */
#define PD_H   0x110000ULL
#define PT_H   0x111000ULL
#define UNLISTED 0x300000ULL /* referenced as a table, never given */

/* error-code bits */
#define EC_P    0x01u
#define EC_W    0x02u
#define EC_U    0x04u
#define EC_RSVD 0x08u
#define EC_I    0x10u
#define EC_PK   0x20u

static void build(struct pool *p)
{
	p->n = 0;
	/* 4-level: PML4[0] -> PDPT -> PD -> PT */
	set_e(p, R4, 0, PDPT | T);
	set_e(p, PDPT, 0, PD | T);
	set_e(p, PDPT, 1, 0x40000000 | T | PS);                 /* 1G page at VA 1G */
	set_e(p, PDPT, 2, UNLISTED | T);                        /* VA 2G: missing table */
	set_e(p, PDPT, 3, 0xC0000000 | (1ULL << 13) | T | PS);  /* 1G page, bit 13 reserved */
	set_e(p, PD, 0, PT | T);
	set_e(p, PD, 1, 0x400000 | T | PS);                     /* 2M page at VA 2M */
	set_e(p, PD, 2, 0x600000 | (1ULL << 13) | T | PS);      /* 2M page, bit 13 reserved */
	set_e(p, PD, 3, 0x800000 | (1ULL << 12) | T | PS);      /* 2M page, PAT bit */
	set_e(p, PD, 4, UCX_RESERVED_PA | T);                   /* table in reserved range */
	set_e(p, PT, 1, 0x201000 | P | RW | US);                /* user RW */
	set_e(p, PT, 2, 0x202000 | P | US);                     /* user RO */
	set_e(p, PT, 3, 0x203000 | P | RW);                     /* supervisor RW */
	set_e(p, PT, 4, 0x204000 | P | RW | US | XD);           /* user, XD */
	/* PT[5] not present */
	set_e(p, PT, 6, 0x206000 | P | RW | US | (1ULL << 51)); /* reserved bit 51 */
	set_e(p, PT, 7, 0x207000 | P | RW | US | PK(5));        /* protection key 5 */
	set_e(p, PT, 8, 0x208000 | P | RW | US | (1ULL << 40)); /* bit 40 = MAXPHYADDR: reserved */
	set_e(p, PT, 9, 0x7FFFFFF000ULL | P | RW | US);         /* bit 39: highest valid PA bit */
	set_e(p, PT, 10, 0x20a000 | P);                         /* supervisor RO */
	/* PML4[1] not present */
	set_e(p, R4, 2, PDPT_S | P | RW);                       /* U=0 at PML4 level */
	set_e(p, PDPT_S, 0, PD_S | T);
	set_e(p, PD_S, 0, PT_S | T);
	set_e(p, PT_S, 0, 0x210000 | P | RW | US);
	set_e(p, R4, 3, PDPT | T | PS);                         /* PS in a PML4E: reserved */
	set_e(p, R4, 255, PDPT_H | T);                          /* VA 0x7fffffff f000 */
	set_e(p, PDPT_H, 511, PD_H | T);
	set_e(p, PD_H, 511, PT_H | T);
	set_e(p, PT_H, 511, 0x240000 | P | RW | US);
	set_e(p, R4, 400, R4 | P | RW);                         /* recursive slot */
	set_e(p, R4, 511, PDPT_K | P | RW);                     /* kernel half */
	set_e(p, PDPT_K, 511, PD_K | P | RW);
	set_e(p, PD_K, 511, PT_K | P | RW);
	set_e(p, PT_K, 1, 0x220000 | P | RW);
	/* 5-level: PML5[0] and PML5[511] -> the 4-level PML4 above */
	set_e(p, R5, 0, R4 | T);
	set_e(p, R5, 1, PML4_B | T);
	set_e(p, PML4_B, 0, PDPT_B | T);
	set_e(p, PDPT_B, 0, PD_B | T);
	set_e(p, PD_B, 0, PT_B | T);
	set_e(p, PT_B, 0, 0x230000 | P | RW | US);
	set_e(p, R5, 2, R4 | T | PS);                           /* PS in a PML5E: reserved */
	set_e(p, R5, 255, R4 | T);
	set_e(p, R5, 511, R4 | T);
}

/* ---------------------------------------------------------- checking */

struct want {
	int rc;            /* expected return code (0 unless an error is expected) */
	bool fault, gp;
	uint32_t ec;       /* for #PF */
	uint64_t pa;       /* for success */
	unsigned shift;    /* for success */
	int nwalk;         /* -1: don't check */
	uint64_t walk[6];  /* checked if walk[0] != 0 */
};

#define OK(pa_, sh_, nw_, ...) ((struct want){ .pa = (pa_), .shift = (sh_), .nwalk = (nw_), .walk = { __VA_ARGS__ } })
#define PF(ec_, nw_, ...) ((struct want){ .fault = true, .ec = (ec_), .nwalk = (nw_), .walk = { __VA_ARGS__ } })
#define GP() ((struct want){ .fault = true, .gp = true, .nwalk = 0 })
#define ERR(rc_) ((struct want){ .rc = (rc_), .nwalk = -1 })

static const char *accname(enum ucx_access a)
{
	return a == UCX_READ ? "read" : a == UCX_WRITE ? "write" : "fetch";
}

static void show(const struct ucx_result *r)
{
	if (r->fault && r->gp)
		printf("#GP");
	else if (r->fault)
		printf("#PF ec=%#x%s cr2=%#" PRIx64, r->error_code, r->error_code_valid ? "" : "(n/a)", r->cr2);
	else
		printf("ok pa=%#" PRIx64 " page=%uK", r->pa, r->page_shift ? (1u << r->page_shift) >> 10 : 0);
	show_walk(r->nwalk, r->walk_pa);
	if (r->unlisted)
		printf(" unlisted=%#" PRIx64, r->unlisted_pa);
}

static bool check(const char *name, struct ucx *x, const struct ucx_state *st, uint64_t va,
		  enum ucx_access acc, bool user, struct want w, struct ucx_result *rout)
{
	struct ucx_result r;
	int rc = ucx_query(x, st, va, acc, user, &r);
	char why[160] = "";
	if (rc != w.rc) {
		snprintf(why, sizeof why, "rc=%d, want %d", rc, w.rc);
	} else if (rc == 0) {
		if (r.fault != w.fault || r.gp != w.gp) {
			snprintf(why, sizeof why, "fault=%d gp=%d, want fault=%d gp=%d", r.fault, r.gp, w.fault, w.gp);
		} else if (w.fault && !w.gp && !r.error_code_valid) {
			snprintf(why, sizeof why, "error code not available");
		} else if (w.fault && !w.gp && r.error_code != w.ec) {
			snprintf(why, sizeof why, "error code %#x, want %#x", r.error_code, w.ec);
		} else if (w.fault && !w.gp && r.cr2 != va) {
			snprintf(why, sizeof why, "cr2 %#" PRIx64 ", want va", r.cr2);
		} else if (!w.fault && (r.pa != w.pa || r.page_shift != w.shift)) {
			snprintf(why, sizeof why, "pa %#" PRIx64 " shift %u, want %#" PRIx64 " shift %u",
				 r.pa, r.page_shift, w.pa, w.shift);
		} else if (w.nwalk >= 0 && (int)r.nwalk != w.nwalk) {
			snprintf(why, sizeof why, "%u walk reads, want %d", r.nwalk, w.nwalk);
		} else if (w.nwalk > 0 && w.walk[0]) {
			for (int i = 0; i < w.nwalk; i++)
				if (r.walk_pa[i] != w.walk[i])
					snprintf(why, sizeof why, "walk[%d]=%#" PRIx64 ", want %#" PRIx64, i,
						 r.walk_pa[i], w.walk[i]);
		}
	}
	printf("%s %-58s %s %-5s va=%#-18" PRIx64 " -> ", pass_fail(why), name,
	       user ? "U" : "S", accname(acc), va);
	if (rc)
		show_rc(rc);
	else
		show(&r);
	if (rout)
		*rout = r;
	return check_done(why);
}

/* ---------------------------------------------------------- timing */

static double now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

static void timing(struct ucx *x, bool la57)
{
	static const uint64_t vas[] = { 0x1123, 0x2abc, 0x3456, 0x4000, 0x5008, 0x6010,
					0x7777, 0x2abcde, 0x41234567, 0x80000000ULL };
	struct ucx_state st = { .cr3 = la57 ? R5 : R4, .cr0_wp = 1, .la57 = la57, .nxe = true,
				.smep = true, .smap = true, .pke = true, .pkru = 0x400 };
	const int n = 10000;
	int errors = 0, faults = 0;
	double t0 = now_us(), c0 = clock_us(CLOCK_PROCESS_CPUTIME_ID);
	for (int i = 0; i < n; i++) {
		struct ucx_result r;
		st.ac = i & 8;
		if (ucx_query(x, &st, vas[i % 10], (enum ucx_access)(i % 3), (i / 3) & 1, &r))
			errors++;
		else
			faults += r.fault;
	}
	double us = (now_us() - t0) / n, cpu = (clock_us(CLOCK_PROCESS_CPUTIME_ID) - c0) / n;
	printf("TIME %d-level: %d queries (%d faulted), %.2f us/query wall, %.2f us/query CPU\n",
	       la57 ? 5 : 4, n, faults, us, cpu);
	expect(la57 ? "timing run, 5-level: no referee errors" : "timing run, 4-level: no referee errors",
	       errors == 0, "some queries returned an error");
}

/* ------------------------------------------ random cross-check vs SDM */

/*
 * A deliberately small model of Intel SDM vol. 3A sections 4.5-4.7 (4/5-level
 * paging), independent of the referee, used to cross-check it on random
 * tables and random CPU state.
 */
struct model {
	bool fault, gp;
	uint32_t ec;
	uint64_t pa;
	unsigned nwalk;
	uint64_t walk[6];
};

#define RNP 14 /* random table pages at 0x1000 .. 0xe000 */
static uint8_t rmem[RNP][4096];
static const unsigned RIDX[8] = { 0, 1, 2, 3, 255, 256, 400, 511 };
static uint64_t rmem_q(uint64_t pa)
{
	uint64_t pg = pa >> 12, v = 0;
	if (pg >= 1 && pg <= RNP)
		memcpy(&v, &rmem[pg - 1][pa & 0xff8], 8);
	return v;
}

static struct model sdm_walk(const struct ucx_state *s, uint64_t va, enum ucx_access acc, bool user)
{
	struct model r = { 0 };
	const unsigned levels = s->la57 ? 5 : 4, top = s->la57 ? 56 : 47;
	const int64_t sx = (int64_t)va >> top;
	if (sx != 0 && sx != -1) {
		r.fault = r.gp = true;
		return r;
	}
	const bool fetch = acc == UCX_FETCH, write = acc == UCX_WRITE;
	const uint32_t base = (write ? EC_W : 0) | (user ? EC_U : 0) | (fetch && (s->nxe || s->smep) ? EC_I : 0);
	uint64_t table = s->cr3 & 0x000ffffffffff000ULL, leaf = 0;
	bool us = true, rw = true, xd = false;
	unsigned shift = 12;
	for (unsigned l = levels; l >= 1; l--) {
		uint64_t epa = table + (((va >> (12 + 9 * (l - 1))) & 511) << 3), e = rmem_q(epa);
		r.walk[r.nwalk++] = epa;
		if (!(e & P)) {
			r.fault = true;
			r.ec = base;
			return r;
		}
		uint64_t rsvd = 0x000fff0000000000ULL | (s->nxe ? 0 : XD); /* MAXPHYADDR 40 */
		bool large = (l == 2 || l == 3) && (e & PS);
		if (l >= 4)
			rsvd |= PS;
		if (large) /* bits 20:13 (2M) / 29:13 (1G); bit 12 is PAT */
			rsvd |= ((1ULL << (12 + 9 * (l - 1))) - 1) & ~0x1fffULL;
		if (e & rsvd) {
			r.fault = true;
			r.ec = base | EC_P | EC_RSVD;
			return r;
		}
		us &= (e & US) != 0;
		rw &= (e & RW) != 0;
		xd |= s->nxe && (e & XD);
		if (large || l == 1) {
			leaf = e;
			shift = 12 + 9 * (l - 1);
			break;
		}
		table = e & 0x000ffffffffff000ULL;
	}
	bool ok = true, pk = false;
	if (user && !us) {
		ok = false;
	} else if (fetch) {
		ok = !xd && !(!user && us && s->smep);
	} else {
		if (!user && us && s->smap && !s->ac)
			ok = false;
		if (write && !rw && (user || s->cr0_wp))
			ok = false;
		if (s->pke && us) {
			unsigned k = (unsigned)(leaf >> 59) & 15;
			bool ad = (s->pkru >> (2 * k)) & 1, wd = (s->pkru >> (2 * k + 1)) & 1;
			if (ad || (write && wd && (user || s->cr0_wp)))
				ok = false, pk = true;
		}
	}
	if (!ok) {
		r.fault = true;
		r.ec = base | EC_P | (pk ? EC_PK : 0);
		return r;
	}
	uint64_t size = 1ULL << shift;
	r.pa = (leaf & 0x000ffffffffff000ULL & ~(size - 1)) | (va & (size - 1));
	return r;
}

/* A random present/non-present entry; the same page can serve at any level. */
static uint64_t rand_entry(void)
{
	uint64_t k = rnd() % 100;
	if (k < 5)
		return rnd() & ~P; /* not present, garbage */
	uint64_t e = P;
	e |= rnd() % 12 ? RW : 0;
	e |= rnd() % 12 ? US : 0;
	e |= rnd() % 12 == 0 ? XD : 0;
	e |= rnd() % 4 == 0 ? A_ : 0;
	e |= rnd() % 4 == 0 ? D_ : 0;
	if (rnd() % 40 == 0)
		e |= 1ULL << (40 + rnd() % 12); /* reserved: above MAXPHYADDR */
	if (rnd() % 4 == 0)
		e |= PK(rnd() % 16);
	if (k < 70)
		return e | (0x1000ULL * (1 + rnd() % RNP)); /* next table (or a 4K leaf) */
	if (k < 85) { /* PS: 2M/1G leaf at PD/PDPT level, PAT in a PTE, reserved above */
		uint64_t fr = (rnd() & 0xffffffffffULL) & ~((1ULL << (rnd() % 2 ? 21 : 30)) - 1);
		if (rnd() % 10 == 0)
			fr |= 1ULL << (13 + rnd() % 8);
		if (rnd() % 3 == 0)
			fr |= 0x1000; /* PAT */
		return e | PS | fr;
	}
	return e | (rnd() & 0xfffffff000ULL); /* 4K leaf anywhere */
}

static void cross_check(struct ucx *x, int n)
{
	int mism = 0, errs = 0, faults = 0;
	for (int it = 0; it < n; it++) {
		if (it % 200 == 0) {
			struct ucx_page pg[RNP];
			memset(rmem, 0, sizeof rmem);
			for (int p = 0; p < RNP; p++) {
				for (unsigned j = 0; j < 8; j++) {
					uint64_t v = rand_entry();
					memcpy(&rmem[p][RIDX[j] * 8], &v, 8);
				}
				pg[p].pa = 0x1000ULL * (uint64_t)(p + 1);
				pg[p].bytes = rmem[p];
			}
			if (ucx_set_memory(x, pg, RNP))
				errs++;
		}
		struct ucx_state s = { .la57 = rnd() & 1, .cr3 = 0x1000ULL * (1 + rnd() % RNP),
				       .cr0_wp = rnd() & 1, .nxe = rnd() & 1, .smep = rnd() & 1,
				       .smap = rnd() & 1, .ac = rnd() & 1, .pke = rnd() & 1 };
		if (rnd() & 1)
			s.pkru = (uint32_t)rnd() & (uint32_t)rnd();
		const unsigned levels = s.la57 ? 5 : 4, top = s.la57 ? 56 : 47;
		uint64_t va = rnd() & 0xfff;
		for (unsigned l = levels; l >= 1; l--)
			va |= (uint64_t)RIDX[rnd() % 8] << (12 + 9 * (l - 1));
		if (rnd() % 8 == 0)
			va |= rnd() & 0x1fffff;
		if (va & (1ULL << top))
			va |= ~((1ULL << top) - 1);
		if (rnd() % 40 == 0)
			va ^= 1ULL << (top + 1 + rnd() % (63 - top)); /* non-canonical */
		enum ucx_access acc = (enum ucx_access)(rnd() % 3);
		bool user = rnd() & 1;
		struct ucx_result r;
		if (ucx_query(x, &s, va, acc, user, &r)) {
			errs++;
			continue;
		}
		struct model m = sdm_walk(&s, va, acc, user);
		bool bad = r.fault != m.fault || r.gp != m.gp ||
			   (m.fault && !m.gp && (!r.error_code_valid || r.error_code != m.ec)) ||
			   (!m.fault && r.pa != m.pa) || (!m.gp && r.nwalk != m.nwalk);
		for (unsigned i = 0; !bad && i < m.nwalk; i++)
			bad = r.walk_pa[i] != m.walk[i];
		faults += r.fault;
		if (bad && ++mism <= 5) {
			printf("     ** mismatch: la57=%d va=%#" PRIx64 " %s %s wp=%d nxe=%d smep=%d smap=%d ac=%d "
			       "pke=%d pkru=%#x\n        qemu: ", s.la57, va, user ? "U" : "S", accname(acc),
			       (int)s.cr0_wp, s.nxe, s.smep, s.smap, s.ac, s.pke, s.pkru);
			show(&r);
			printf("\n        sdm:  fault=%d gp=%d ec=%#x pa=%#" PRIx64 " nwalk=%u\n", m.fault, m.gp,
			       m.ec, m.pa, m.nwalk);
		}
	}
	printf("     %d random queries (%d translated, %d faulted), %d referee errors, %d mismatches\n", n,
	       n - errs - faults, faults, errs, mism);
	expect("random tables/state: QEMU agrees with the SDM model", mism == 0 && errs == 0,
	       "see the mismatches above");
}

/* ---------------------------------------------------------- tests */

int main(int argc, char **argv)
{
	/* optional argument: number of random cross-check queries */
	int nrandom = argc > 1 ? atoi(argv[1]) : 5000;
	struct ucx *x;
	double t0 = now_us();
	int rc = ucx_open(&x);
	if (rc) {
		printf("FAIL ucx_open: %s\n0 passed, 1 failed\n", strerror(-rc));
		return 1;
	}
	printf("ucx_open: %.0f us\n", now_us() - t0);
	struct pool *pool = calloc(1, sizeof *pool);
	if (!pool)
		return 2;
	build(pool);
	if ((rc = load(x, pool))) {
		printf("FAIL ucx_set_memory: %s\n0 passed, 1 failed\n", strerror(-rc));
		return 1;
	}

	const struct ucx_state s4 = { .cr3 = R4, .cr0_wp = 1, .nxe = true };
	struct ucx_state st;
	struct ucx_result r;

	printf("--- 4-level paging\n");
	check("4K page, user read", x, &s4, 0x1123, UCX_READ, true,
	      OK(0x201123, 12, 4, R4, PDPT, PD, PT + 8), NULL);
	check("4K page, user write", x, &s4, 0x1fff, UCX_WRITE, true, OK(0x201fff, 12, 4, 0), &r);
	expect("  write set A on all levels and D on the leaf (reported, not kept)",
	       r.nad == 4 && r.ad_pa[3] == PT + 8 && r.ad_val[3] == (0x201000 | P | RW | US | A_ | D_),
	       "unexpected A/D updates");
	check("4K page, user fetch", x, &s4, 0x1000, UCX_FETCH, true, OK(0x201000, 12, 4, 0), NULL);
	check("4K page, supervisor read (CR3 PCD/PWT ignored)", x,
	      &(struct ucx_state){ .cr3 = R4 | 0x18, .cr0_wp = 1 }, 0x1123, UCX_READ, false,
	      OK(0x201123, 12, 4, 0), NULL);
	check("2M page", x, &s4, 0x2abcde, UCX_READ, true,
	      OK(0x4abcde, 21, 3, R4, PDPT, PD + 8), NULL);
	check("2M page with PAT bit (bit 12) set", x, &s4, 0x612345, UCX_READ, true,
	      OK(0x812345, 21, 3, 0), NULL);
	check("2M page with reserved bit 13 -> RSVD", x, &s4, 0x400000, UCX_READ, true,
	      PF(EC_RSVD | EC_U | EC_P, 3, 0), NULL);
	check("1G page", x, &s4, 0x41234567, UCX_WRITE, false,
	      OK(0x41234567, 30, 2, R4, PDPT + 8), NULL);
	check("1G page with reserved bit 13 -> RSVD", x, &s4, 0xC0000000ULL, UCX_READ, false,
	      PF(EC_RSVD | EC_P, 2, 0), NULL);
	check("not-present PTE", x, &s4, 0x5008, UCX_READ, true, PF(EC_U, 4, R4, PDPT, PD, PT + 40), NULL);
	check("not-present PTE, supervisor write", x, &s4, 0x5008, UCX_WRITE, false, PF(EC_W, 4, 0), NULL);
	check("not-present PTE, user fetch (NXE=1: I/D bit)", x, &s4, 0x5008, UCX_FETCH, true,
	      PF(EC_I | EC_U, 4, 0), NULL);
	check("not-present PML4E", x, &s4, 0x8000000000ULL, UCX_READ, false, PF(0, 1, R4 + 8), NULL);
	check("PS=1 in a PML4E -> RSVD", x, &s4, 0x18000000000ULL, UCX_READ, true,
	      PF(EC_RSVD | EC_U | EC_P, 1, R4 + 24), NULL);
	check("supervisor page, user read", x, &s4, 0x3000, UCX_READ, true, PF(EC_U | EC_P, 4, 0), NULL);
	check("supervisor page, supervisor read", x, &s4, 0x3000, UCX_READ, false, OK(0x203000, 12, 4, 0), NULL);
	check("U=0 only in the PML4E, user read", x, &s4, 0x10000000000ULL, UCX_READ, true,
	      PF(EC_U | EC_P, 4, R4 + 16, PDPT_S, PD_S, PT_S), NULL);
	check("U=0 only in the PML4E, supervisor read", x, &s4, 0x10000000000ULL, UCX_READ, false,
	      OK(0x210000, 12, 4, 0), NULL);
	check("read-only page, user write", x, &s4, 0x2000, UCX_WRITE, true,
	      PF(EC_W | EC_U | EC_P, 4, 0), NULL);
	check("read-only user page, supervisor write, WP=1", x, &s4, 0x2000, UCX_WRITE, false,
	      PF(EC_W | EC_P, 4, 0), NULL);
	st = s4; st.cr0_wp = 0;
	check("read-only user page, supervisor write, WP=0", x, &st, 0x2000, UCX_WRITE, false,
	      OK(0x202000, 12, 4, 0), NULL);
	check("read-only supervisor page, supervisor write, WP=1", x, &s4, 0xa000, UCX_WRITE, false,
	      PF(EC_W | EC_P, 4, 0), NULL);
	check("read-only supervisor page, supervisor write, WP=0", x, &st, 0xa000, UCX_WRITE, false,
	      OK(0x20a000, 12, 4, 0), NULL);
	check("read-only page, user write, WP=0 (WP is supervisor-only)", x, &st, 0x2000, UCX_WRITE, true,
	      PF(EC_W | EC_U | EC_P, 4, 0), NULL);
	check("XD page, NXE=1, user fetch", x, &s4, 0x4000, UCX_FETCH, true,
	      PF(EC_I | EC_U | EC_P, 4, 0), NULL);
	check("XD page, NXE=1, supervisor fetch", x, &s4, 0x4000, UCX_FETCH, false,
	      PF(EC_I | EC_P, 4, 0), NULL);
	check("XD page, NXE=1, user read", x, &s4, 0x4000, UCX_READ, true, OK(0x204000, 12, 4, 0), NULL);
	st = s4; st.nxe = false;
	check("XD page, NXE=0: bit 63 reserved", x, &st, 0x4000, UCX_READ, true,
	      PF(EC_RSVD | EC_U | EC_P, 4, 0), NULL);
	check("not-present, NXE=0, user fetch (no I/D bit)", x, &st, 0x5000, UCX_FETCH, true,
	      PF(EC_U, 4, 0), NULL);
	check("reserved bit 51 (MAXPHYADDR 40)", x, &s4, 0x6000, UCX_READ, true,
	      PF(EC_RSVD | EC_U | EC_P, 4, 0), NULL);
	check("reserved bit 40 (= MAXPHYADDR)", x, &s4, 0x8000, UCX_READ, false,
	      PF(EC_RSVD | EC_P, 4, 0), NULL);
	check("PA bit 39 is valid (leaf frame not listed: not needed)", x, &s4, 0x9abc, UCX_READ, true,
	      OK(0x7FFFFFFABCULL, 12, 4, 0), NULL);
	check("kernel half, supervisor read", x, &s4, 0xFFFFFFFFFFE01234ULL, UCX_READ, false,
	      OK(0x220234, 12, 4, R4 + 511 * 8, PDPT_K + 511 * 8, PD_K + 511 * 8, PT_K + 8), NULL);
	check("kernel half, user read", x, &s4, 0xFFFFFFFFFFE01234ULL, UCX_READ, true,
	      PF(EC_U | EC_P, 4, 0), NULL);
	check("top user page (PML4 slot 255: referee uses slot 254)", x, &s4, 0x7FFFFFFFF123ULL, UCX_READ, true,
	      OK(0x240123, 12, 4, R4 + 255 * 8, PDPT_H + 511 * 8, PD_H + 511 * 8, PT_H + 511 * 8), NULL);
	check("recursive PML4 slot (root read as PDPT/PD/PT)", x, &s4, 0xFFFFC86432000123ULL, UCX_READ, false,
	      OK(PDPT + 0x123, 12, 4, R4 + 400 * 8, R4 + 400 * 8, R4 + 400 * 8, R4), NULL);
	check("non-canonical (bit 47 != 63)", x, &s4, 0x0000800000000000ULL, UCX_READ, true, GP(), NULL);
	check("non-canonical, supervisor write", x, &s4, 0xFFF0000000000000ULL, UCX_WRITE, false, GP(), NULL);
	check("non-canonical, user fetch", x, &s4, 0x0000800000001000ULL, UCX_FETCH, true, GP(), NULL);
	check("missing table page (reads as zeros)", x, &s4, 0x80000000ULL, UCX_READ, true,
	      PF(EC_U, 3, R4, PDPT + 16, UNLISTED), &r);
	expect("  ... and is reported as unlisted", r.unlisted && r.unlisted_pa == UNLISTED,
	       "unlisted flag not set");

	printf("--- SMEP / SMAP\n");
	st = s4; st.smep = true;
	check("SMEP=1: supervisor fetch from user page", x, &st, 0x1000, UCX_FETCH, false,
	      PF(EC_I | EC_P, 4, 0), NULL);
	check("SMEP=1: supervisor read of user page", x, &st, 0x1000, UCX_READ, false,
	      OK(0x201000, 12, 4, 0), NULL);
	check("SMEP=1: user fetch from user page", x, &st, 0x1000, UCX_FETCH, true, OK(0x201000, 12, 4, 0), NULL);
	check("SMEP=0: supervisor fetch from user page", x, &s4, 0x1000, UCX_FETCH, false,
	      OK(0x201000, 12, 4, 0), NULL);
	st = s4; st.smap = true;
	check("SMAP=1 AC=0: supervisor read of user page", x, &st, 0x1000, UCX_READ, false,
	      PF(EC_P, 4, 0), NULL);
	check("SMAP=1 AC=0: supervisor write of user page", x, &st, 0x1000, UCX_WRITE, false,
	      PF(EC_W | EC_P, 4, 0), NULL);
	check("SMAP=1 AC=0: supervisor fetch from user page (SMAP is data only)", x, &st, 0x1000,
	      UCX_FETCH, false, OK(0x201000, 12, 4, 0), NULL);
	check("SMAP=1 AC=0: supervisor read of supervisor page", x, &st, 0x3000, UCX_READ, false,
	      OK(0x203000, 12, 4, 0), NULL);
	check("SMAP=1 AC=0: user read of user page", x, &st, 0x1000, UCX_READ, true, OK(0x201000, 12, 4, 0), NULL);
	st.ac = true;
	check("SMAP=1 AC=1: supervisor read of user page", x, &st, 0x1000, UCX_READ, false,
	      OK(0x201000, 12, 4, 0), NULL);
	check("SMAP=1 AC=1: supervisor write of user page", x, &st, 0x1000, UCX_WRITE, false,
	      OK(0x201000, 12, 4, 0), NULL);

	printf("--- protection keys (PTE key 5 at 0x7000, key 0 elsewhere)\n");
	st = s4; st.pke = true; st.pkru = 1u << 10; /* AD5 */
	check("PKE=1 AD5: user read of key-5 page", x, &st, 0x7000, UCX_READ, true,
	      PF(EC_PK | EC_U | EC_P, 4, 0), NULL);
	check("PKE=1 AD5: user write of key-5 page", x, &st, 0x7000, UCX_WRITE, true,
	      PF(EC_PK | EC_W | EC_U | EC_P, 4, 0), NULL);
	check("PKE=1 AD5: supervisor read of key-5 user page", x, &st, 0x7000, UCX_READ, false,
	      PF(EC_PK | EC_P, 4, 0), NULL);
	check("PKE=1 AD5: user fetch of key-5 page (keys are data only)", x, &st, 0x7000, UCX_FETCH,
	      true, OK(0x207000, 12, 4, 0), NULL);
	check("PKE=1 AD5: user read of key-0 page", x, &st, 0x1000, UCX_READ, true, OK(0x201000, 12, 4, 0), NULL);
	st.pkru = 1u << 11; /* WD5 */
	check("PKE=1 WD5: user read of key-5 page", x, &st, 0x7000, UCX_READ, true, OK(0x207000, 12, 4, 0), NULL);
	check("PKE=1 WD5: user write of key-5 page", x, &st, 0x7000, UCX_WRITE, true,
	      PF(EC_PK | EC_W | EC_U | EC_P, 4, 0), NULL);
	check("PKE=1 WD5 WP=1: supervisor write of key-5 user page", x, &st, 0x7000, UCX_WRITE, false,
	      PF(EC_PK | EC_W | EC_P, 4, 0), NULL);
	st.cr0_wp = 0;
	check("PKE=1 WD5 WP=0: supervisor write of key-5 user page", x, &st, 0x7000, UCX_WRITE, false,
	      OK(0x207000, 12, 4, 0), NULL);
	st = s4; st.pke = true; st.pkru = 1u; /* AD0 */
	check("PKE=1 AD0: user read of key-0 user page", x, &st, 0x1000, UCX_READ, true,
	      PF(EC_PK | EC_U | EC_P, 4, 0), NULL);
	check("PKE=1 AD0: supervisor read of key-0 supervisor page", x, &st, 0x3000, UCX_READ, false,
	      OK(0x203000, 12, 4, 0), NULL);
	st.pke = false;
	check("PKE=0 AD0: user read of key-0 user page (PKRU ignored)", x, &st, 0x1000, UCX_READ, true,
	      OK(0x201000, 12, 4, 0), NULL);

	printf("--- 5-level paging\n");
	const struct ucx_state s5 = { .cr3 = R5, .cr0_wp = 1, .nxe = true, .la57 = true };
	check("5-level 4K page, user read", x, &s5, 0x1123, UCX_READ, true,
	      OK(0x201123, 12, 5, R5, R4, PDPT, PD, PT + 8), NULL);
	check("5-level 2M page", x, &s5, 0x2abcde, UCX_WRITE, true, OK(0x4abcde, 21, 4, R5, R4, PDPT, PD + 8), NULL);
	check("5-level 1G page", x, &s5, 0x41234567, UCX_FETCH, false, OK(0x41234567, 30, 3, R5, R4, PDPT + 8), NULL);
	check("5-level, PML5 slot 1", x, &s5, 0x0001000000000567ULL, UCX_READ, true,
	      OK(0x230567, 12, 5, R5 + 8, PML4_B, PDPT_B, PD_B, PT_B), NULL);
	check("5-level, PML5 slot 255 (referee uses slot 254)", x, &s5, 0x00FF000000001123ULL, UCX_READ, true,
	      OK(0x201123, 12, 5, R5 + 255 * 8, R4, PDPT, PD, PT + 8), NULL);
	check("5-level: 2^47 is canonical, PML4E not present", x, &s5, 0x0000800000000000ULL, UCX_READ, true,
	      PF(EC_U, 2, R5, R4 + 256 * 8), NULL);
	check("5-level: non-canonical (bit 56 != 63)", x, &s5, 0x0100000000000000ULL, UCX_READ, true, GP(), NULL);
	check("5-level kernel half, supervisor read", x, &s5, 0xFFFFFFFFFFE01234ULL, UCX_READ, false,
	      OK(0x220234, 12, 5, R5 + 511 * 8, R4 + 511 * 8, PDPT_K + 511 * 8, PD_K + 511 * 8, PT_K + 8), NULL);
	check("5-level: PS=1 in a PML5E -> RSVD", x, &s5, 0x0002000000000000ULL, UCX_READ, true,
	      PF(EC_RSVD | EC_U | EC_P, 1, R5 + 16), NULL);
	check("5-level: not-present PML5E", x, &s5, 0x0003000000000000ULL, UCX_WRITE, false, PF(EC_W, 1, R5 + 24), NULL);
	check("5-level: XD page, user fetch", x, &s5, 0x4000, UCX_FETCH, true, PF(EC_I | EC_U | EC_P, 5, 0), NULL);
	st = s5; st.smep = true;
	check("5-level: SMEP supervisor fetch from user page", x, &st, 0x1000, UCX_FETCH, false,
	      PF(EC_I | EC_P, 5, 0), NULL);
	st = s5; st.smap = true;
	check("5-level: SMAP supervisor write of user page", x, &st, 0x1000, UCX_WRITE, false,
	      PF(EC_W | EC_P, 5, 0), NULL);
	st = s5; st.pke = true; st.pkru = 2u << 10;
	check("5-level: PK WD5 user write", x, &st, 0x7000, UCX_WRITE, true,
	      PF(EC_PK | EC_W | EC_U | EC_P, 5, 0), NULL);
	check("5-level: reserved bit 51", x, &s5, 0x6000, UCX_READ, false, PF(EC_RSVD | EC_P, 5, 0), NULL);

	printf("--- referee limits and per-query isolation\n");
	check("va in the referee's 4-level stub range (4-level)", x, &s4, UCX_STUB_VA_4L_254 + 0x10,
	      UCX_READ, true, ERR(-EADDRINUSE), NULL);
	check("va in the referee's 4-level stub range (5-level)", x, &s5, UCX_STUB_VA_4L_255 + 0x1000,
	      UCX_WRITE, false, ERR(-EADDRINUSE), NULL);
	check("va in the referee's 5-level stub range (4-level: just #GP)", x, &s4, UCX_STUB_VA_5L_255,
	      UCX_READ, false, GP(), NULL);
	check("table entry pointing into the reserved range", x, &s4, 0x800000, UCX_READ, false,
	      ERR(-EINVAL), NULL);
	check("cr3 page not listed", x, &(struct ucx_state){ .cr3 = 0x900000 }, 0x1000, UCX_READ, false,
	      ERR(-ENOENT), NULL);
	{
		bool all = true;
		for (int i = 0; i < 4; i++) {
			struct ucx_result q;
			all &= ucx_query(x, &s4, 0x5000 + (uint64_t)i, UCX_READ, i & 1, &q) == 0 && q.fault &&
			       !q.gp && q.error_code == (i & 1 ? EC_U : 0);
		}
		expect("4 faults in a row stay #PF (no #DF escalation)", all, "a fault was not a plain #PF");
	}
	{
		struct ucx_result a, b;
		int ra = ucx_query(x, &s4, 0x1123, UCX_READ, true, &a);
		int rb = ucx_query(x, &s4, 0x1123, UCX_READ, true, &b);
		expect("A bits set by a query are undone before the next one",
		       !ra && !rb && a.nad == 4 && b.nad == 4, "second query saw A bits already set");
	}
	/* TLB: the same VA, tables changed between queries */
	check("TLB: VA 0x1000 cached as user RW", x, &s4, 0x1000, UCX_READ, true, OK(0x201000, 12, 4, 0), NULL);
	check("TLB: ... and as executable", x, &s4, 0x1000, UCX_FETCH, false, OK(0x201000, 12, 4, 0), NULL);
	set_e(pool, PT, 1, 0x2f1000 | P | US);
	load(x, pool);
	check("TLB: remapped read-only to 0x2f1000: read sees new frame", x, &s4, 0x1000, UCX_READ, true,
	      OK(0x2f1000, 12, 4, 0), NULL);
	check("TLB: remapped read-only: write faults", x, &s4, 0x1000, UCX_WRITE, true,
	      PF(EC_W | EC_U | EC_P, 4, 0), NULL);
	set_e(pool, PT, 1, 0);
	load(x, pool);
	check("TLB: unmapped: fetch faults", x, &s4, 0x1000, UCX_FETCH, false, PF(EC_I, 4, 0), NULL);
	check("TLB: unmapped: read faults", x, &s4, 0x1000, UCX_READ, true, PF(EC_U, 4, 0), NULL);
	build(pool);
	load(x, pool);
	check("TLB: restored", x, &s4, 0x1000, UCX_READ, true, OK(0x201000, 12, 4, 0), NULL);
	check("TLB: other root (5-level) right after", x, &s5, 0x1000, UCX_READ, true, OK(0x201000, 12, 5, 0), NULL);
	check("TLB: back to 4-level", x, &s4, 0x1000, UCX_READ, true, OK(0x201000, 12, 4, 0), NULL);

	printf("--- random cross-check against a minimal SDM model\n");
	cross_check(x, nrandom);

	printf("--- cost\n");
	build(pool);
	if (load(x, pool))
		expect("reload the hand-built tables", false, "ucx_set_memory failed");
	timing(x, false);
	timing(x, true);

	ucx_close(x);
	free(pool);
	return selftest_summary();
}
