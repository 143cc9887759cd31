/* SPDX-License-Identifier: MIT */
/*
 * uc_arm32 - ARMv7-A (short-descriptor and LPAE) stage 1 translation
 * referee built on libunicorn 2.0.1 (QEMU 5.0 AArch32 MMU, Cortex-A15).
 *
 * Facts about unicorn 2.0.1 this is built around (all checked, see README):
 *
 *  1. The CPU resets in Non-secure SVC mode (SCR.NS = 1) with EL2 and EL3
 *     (ID_PFR1 = 0x11011).  A Monitor-mode stub is reached by writing
 *     SCR := 0 through UC_ARM_REG_CP_REG and then CPSR := Monitor (unicorn
 *     refuses Monitor mode while SCR.NS = 1).  In Monitor mode the stub
 *     runs under the Secure translation regime, whose SCTLR.M stays 0: it
 *     is independent of the caller's tables.  With SCR.NS = 1 its MCR/MCRR
 *     write the Non-secure copies of the banked registers.
 *  2. ATS12NSO{P,U}{R,W} from Monitor mode use QEMU's mmu_idx for
 *     Non-secure PL1/PL0 (stage 2 is off): the very walk a Non-secure
 *     access would do.  QEMU writes the result to the *Secure* PAR (it
 *     banks on the current security state), so the stub reads PAR with
 *     SCR.NS = 0.
 *  3. Exceptions are not delivered: UC_HOOK_INTR gets QEMU's exception
 *     number (3 prefetch abort, 4 data abort, 7 BKPT); DFSR/IFSR/DFAR are
 *     not written and the PC stays on the faulting instruction.  The fault
 *     status QEMU computed (env->exception.fsr, .vaddress) is read from a
 *     CPU context saved in the hook, at an offset calibrated at ucb_open().
 *  4. MMIO callbacks get the offset in the region truncated to 32 bits
 *     (target_ulong): physical space above 4 GiB is mapped as 255 MMIO
 *     regions of 4 GiB each, each with its base in its user data.
 *  5. Walker reads arrive at their physical addresses (LPAE descriptors as
 *     two 4-byte reads), and the real access goes to the translated PA.
 *     After uc_emu_stop, unicorn translates the "until" address in the
 *     current (Non-secure) regime: reads after the stop are ignored.
 *  6. Before each fetch unicorn looks the *virtual* address up among its
 *     physical regions (FETCH_PROT for MMIO): the hook answers "handled".
 *
 * Physical layout:
 *   [0, UCB_RESERVED_PA)        MMIO, the caller's pages (private copy)
 *   UCB_RESERVED_PA + 0x0000    MMIO, 16 KiB: the root table alias (reads
 *                               serve the caller's root table, except the
 *                               stub slot)
 *   UCB_RESERVED_PA + 0x4000    RAM: Monitor stub (VA == PA, Secure MMU off)
 *                   + 0x5000    RAM: the query's parameter block
 *                   + 0x6000    RAM: Non-secure stub page (LDRB/STRB/LDRBT/STRBT)
 *   [2^32, 2^40)                MMIO, the caller's pages
 */
#include "uc_arm32.h"
#include "uc_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef UCB_DEBUG
#include <stdio.h>
#endif

#include <unicorn/unicorn.h>

#define CHUNK   1024u
#define PA32    (1ULL << 32)
#define PA40    (1ULL << 40)
#define RES_END (UCB_RESERVED_PA + UCB_RESERVED_PA_SIZE)
#define NREGIONS 257 /* [0, 4G - 64K), the alias, 255 x 4 GiB above 4 GiB */

#define ALIAS_PA   (UCB_RESERVED_PA + 0x0000)
#define ALIAS_SIZE 0x4000u
#define RAM_PA     (UCB_RESERVED_PA + 0x4000)
#define RAM_SIZE   0xc000u
#define MON_PA     (UCB_RESERVED_PA + 0x4000)
#define PARAM_PA   (UCB_RESERVED_PA + 0x5000)
#define NS_PA      (UCB_RESERVED_PA + 0x6000)
_Static_assert(RES_END == PA32, "the reserved range ends at 4 GiB");

/* Monitor stub entry points (offsets in its page) */
#define MON_AT_PL1R 0x06c
#define MON_AT_PL1W 0x074
#define MON_AT_PL0R 0x07c
#define MON_AT_PL0W 0x084
#define MON_NOREAL  0x140
#define MON_SKIP    0x144
#define MON_UNTIL   0xff0  /* uc_emu_start "until": never reached */
/* Non-secure stub: op k (0 LDRB, 1 STRB, 2 LDRBT, 3 STRBT) at 0x10 * k,
 * followed by BKPT #1 */
#define NS_OP_STRIDE 0x10u

/* parameter block (byte offsets) */
enum {
	P_VA = 0, P_TTBR0 = 4, P_TTBR1 = 12, P_TTBCR = 20, P_DACR = 24, P_SCTLR = 28,
	P_PRRR = 32, P_NMRR = 36, P_AT = 40, P_MODE = 44, P_ATTBR = 48, P_ATTBCR = 56,
	P_ADACR = 60, P_TARGET = 64, P_SPSR = 68, P_SIZE = 72
};
/* P_MODE */
#define MODE_NOREAL 0u /* AT only */
#define MODE_TTBR0  1u /* TTBR0 := alias, then the real access */
#define MODE_TTBR1  2u /* TTBR1 := alias, then the real access */
#define MODE_ASIS   3u /* unchanged state, then the real fetch */

/* CPSR values: mode with A, I, F masked */
#define CPSR_MON 0x1d6u
#define CPSR_SVC 0x1d3u
#define CPSR_USR 0x1d0u

/* QEMU exception numbers seen by UC_HOOK_INTR */
#define EXCP_PREFETCH_ABORT 3
#define EXCP_DATA_ABORT     4
#define EXCP_BKPT           7

#define SENTINEL 0xe1205c7au /* bkpt #0x5ca: what a fetch of the queried VA reads */
#define FILL     0xe120ba7du /* bkpt #0xbad */

/* short-descriptor bits */
#define TTBCR_PD0 (1u << 4)
#define TTBCR_PD1 (1u << 5)
#define TTBCR_EPD0 (1u << 7)
#define TTBCR_EPD1 (1u << 23)
#define TTBCR_EAE (1u << 31)
#define SCTLR_M   (1u << 0)
#define SCTLR_WXN (1u << 19)
#define SCTLR_UWXN (1u << 20)
#define SCTLR_EE  (1u << 25)
#define SCTLR_AFE (1u << 29)
#define LPAE_OA   0x000000fffffff000ULL /* descriptor bits 39:12 */

/* ------------------------------------------------------------- the stub */

/* Assembled with llvm-mc 14 (-triple=armv7a-none-eabi
 * -mattr=+virtualization,+trustzone); listing from llvm-objdump. */
static const uint32_t mon_code[] = {
	/* entry: */
	0xe305c000, /*   0: movw r12, #0x5000 */
	0xe34fcfff, /*   4: movt r12, #0xffff */
	0xe3a00001, /*   8: mov r0, #1 */
	0xee010f11, /*   c: mcr p15, #0, r0, c1, c1, #0 */
	0xf57ff06f, /*  10: isb sy */
	0xe1cc20d4, /*  14: ldrd r2, r3, [r12, #4] */
	0xec432f02, /*  18: mcrr p15, #0, r2, r3, c2 */
	0xe1cc20dc, /*  1c: ldrd r2, r3, [r12, #12] */
	0xec432f12, /*  20: mcrr p15, #1, r2, r3, c2 */
	0xe59c2014, /*  24: ldr r2, [r12, #20] */
	0xee022f50, /*  28: mcr p15, #0, r2, c2, c0, #2 */
	0xe59c2018, /*  2c: ldr r2, [r12, #24] */
	0xee032f10, /*  30: mcr p15, #0, r2, c3, c0, #0 */
	0xe59c2020, /*  34: ldr r2, [r12, #32] */
	0xee0a2f12, /*  38: mcr p15, #0, r2, c10, c2, #0 */
	0xe59c2024, /*  3c: ldr r2, [r12, #36] */
	0xee0a2f32, /*  40: mcr p15, #0, r2, c10, c2, #1 */
	0xe59c201c, /*  44: ldr r2, [r12, #28] */
	0xee012f10, /*  48: mcr p15, #0, r2, c1, c0, #0 */
	0xe3a00000, /*  4c: mov r0, #0 */
	0xee010f11, /*  50: mcr p15, #0, r0, c1, c1, #0 */
	0xf57ff06f, /*  54: isb sy */
	0xee080f17, /*  58: mcr p15, #0, r0, c8, c7, #0 */
	0xf57ff04f, /*  5c: dsb sy */
	0xf57ff06f, /*  60: isb sy */
	0xe59c1000, /*  64: ldr r1, [r12] */
	0xe59cf028, /*  68: ldr pc, [r12, #40] */
	/* at_pl1r: */
	0xee071f98, /*  6c: mcr p15, #0, r1, c7, c8, #4 */
	0xea000004, /*  70: b 0x88 <at_done> */
	/* at_pl1w: */
	0xee071fb8, /*  74: mcr p15, #0, r1, c7, c8, #5 */
	0xea000002, /*  78: b 0x88 <at_done> */
	/* at_pl0r: */
	0xee071fd8, /*  7c: mcr p15, #0, r1, c7, c8, #6 */
	0xea000000, /*  80: b 0x88 <at_done> */
	/* at_pl0w: */
	0xee071ff8, /*  84: mcr p15, #0, r1, c7, c8, #7 */
	/* at_done: */
	0xf57ff06f, /*  88: isb sy */
	0xec554f07, /*  8c: mrrc p15, #0, r4, r5, c7 */
	0xe3140001, /*  90: tst r4, #1 */
	0x1a000013, /*  94: bne 0xe8 <phase2> */
	0xe30f7fff, /*  98: movw r7, #0xffff */
	0xe3140b02, /*  9c: tst r4, #0x800 */
	0x0a000004, /*  a0: beq 0xb8 <par32> */
	0xe31500ff, /*  a4: tst r5, #0xff */
	0x1a00000e, /*  a8: bne 0xe8 <phase2> */
	0xe1570824, /*  ac: cmp r7, r4, lsr #16 */
	0x0a000023, /*  b0: beq 0x144 <skip> */
	0xea00000b, /*  b4: b 0xe8 <phase2> */
	/* par32: */
	0xe3140002, /*  b8: tst r4, #2 */
	0x1a000002, /*  bc: bne 0xcc <par32ss> */
	0xe1570824, /*  c0: cmp r7, r4, lsr #16 */
	0x0a00001e, /*  c4: beq 0x144 <skip> */
	0xea000006, /*  c8: b 0xe8 <phase2> */
	/* par32ss: */
	0xe1a06c24, /*  cc: lsr r6, r4, #24 */
	0xe35600ff, /*  d0: cmp r6, #0xff */
	0x1a000003, /*  d4: bne 0xe8 <phase2> */
	0xe1a06821, /*  d8: lsr r6, r1, #16 */
	0xe20660ff, /*  dc: and r6, r6, #0xff */
	0xe35600ff, /*  e0: cmp r6, #0xff */
	0x0a000016, /*  e4: beq 0x144 <skip> */
	/* phase2: */
	0xe59c202c, /*  e8: ldr r2, [r12, #44] */
	0xe3520000, /*  ec: cmp r2, #0 */
	0x0a000012, /*  f0: beq 0x140 <noreal> */
	0xe3a00001, /*  f4: mov r0, #1 */
	0xee010f11, /*  f8: mcr p15, #0, r0, c1, c1, #0 */
	0xf57ff06f, /*  fc: isb sy */
	0xe1cc83d0, /* 100: ldrd r8, r9, [r12, #48] */
	0xe3520001, /* 104: cmp r2, #1 */
	0x0c498f02, /* 108: mcrreq p15, #0, r8, r9, c2 */
	0xe3520002, /* 10c: cmp r2, #2 */
	0x0c498f12, /* 110: mcrreq p15, #1, r8, r9, c2 */
	0xe59c3038, /* 114: ldr r3, [r12, #56] */
	0xee023f50, /* 118: mcr p15, #0, r3, c2, c0, #2 */
	0xe59c303c, /* 11c: ldr r3, [r12, #60] */
	0xee033f10, /* 120: mcr p15, #0, r3, c3, c0, #0 */
	0xee080f17, /* 124: mcr p15, #0, r0, c8, c7, #0 */
	0xf57ff04f, /* 128: dsb sy */
	0xf57ff06f, /* 12c: isb sy */
	0xe59ce040, /* 130: ldr lr, [r12, #64] */
	0xe59c3044, /* 134: ldr r3, [r12, #68] */
	0xe16ff003, /* 138: msr SPSR_fsxc, r3 */
	0xe1b0f00e, /* 13c: movs pc, lr */
	/* noreal: */
	0xe1200074, /* 140: bkpt #4 */
	/* skip: */
	0xe1200073, /* 144: bkpt #3 */
};

static const uint32_t ns_code[] = {
	0xe5d10000, /*   0: ldrb r0, [r1] */
	0xe1200071, /*   4: bkpt #1 */
	0xe320f000, /*   8: nop */
	0xe320f000, /*   c: nop */
	0xe5c10000, /*  10: strb r0, [r1] */
	0xe1200071, /*  14: bkpt #1 */
	0xe320f000, /*  18: nop */
	0xe320f000, /*  1c: nop */
	0xe4f10000, /*  20: ldrbt r0, [r1], #0 */
	0xe1200071, /*  24: bkpt #1 */
	0xe320f000, /*  28: nop */
	0xe320f000, /*  2c: nop */
	0xe4e10000, /*  30: strbt r0, [r1], #0 */
	0xe1200071, /*  34: bkpt #1 */
};

_Static_assert(sizeof mon_code == MON_SKIP + 4, "Monitor stub layout");
_Static_assert(sizeof ns_code == 3 * NS_OP_STRIDE + 8, "Non-secure stub layout");

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The RAM part of the reserved range: Monitor stub, parameters, NS stub. */
static void build_ram(uint8_t *ram)
{
	for (unsigned i = 0; i < RAM_SIZE; i += 4)
		put32(ram + i, FILL);
	memset(ram + (PARAM_PA - RAM_PA), 0, 0x1000);
	for (unsigned i = 0; i < sizeof mon_code / 4; i++)
		put32(ram + (MON_PA - RAM_PA) + 4 * i, mon_code[i]);
	for (unsigned i = 0; i < sizeof ns_code / 4; i++)
		put32(ram + (NS_PA - RAM_PA) + 4 * i, ns_code[i]);
}

/* ---------------------------------------------------------------- state */

struct chunk {
	uint64_t pa;
	uint8_t b[CHUNK];
};

struct region {
	struct ucb *x;
	uint64_t base;
};

/* QEMU 5.0's walk of the queried address (get_phys_addr_v6 /
 * get_phys_addr_lpae for AArch32); used to recognise the walker's reads and
 * to derive levels.  The answers themselves come from QEMU. */
struct qwalk {
	bool lpae;
	bool walks;        /* false: translation fault before any read */
	int half;          /* TTBR used (0/1); -1: LPAE address in neither range */
	int start;         /* start level */
	uint64_t root;     /* root table base (QEMU's, low bits cleared) */
	uint64_t indexmask;/* LPAE: QEMU's first-level index mask */
	uint64_t first;    /* address of the first descriptor */
	unsigned slot;     /* root table index */
	uint32_t addr;     /* va (LPAE: reduced to the input size) */
};

struct walkrec {
	unsigned n;
	uint64_t pa[UCB_WALK_MAX], val[UCB_WALK_MAX];
	int level;         /* level of the next / last descriptor */
	uint64_t next;     /* caller address of the next descriptor */
	bool done, leaf;
	uint64_t leaf_oa;  /* QEMU's output address for va (leaf) */
	unsigned shift;
};

struct ucb {
	uc_engine *uc;
	uc_hook h_intr, h_inval;
	uc_context *pristine, *scratch;
	size_t ctx_size;
	long exc_off;      /* offset of env->exception.fsr in a context, or -1 */
	bool fsr_domain;   /* QEMU puts the domain in fsr[7:4] (calibrated) */
	struct region regions[NREGIONS];

	/* caller's physical memory, 1 KiB chunks + open-addressing hash */
	struct chunk *chunks;
	size_t nchunks;
	uint32_t *hash;
	size_t hmask;

	/* per-query state, used by the callbacks */
	enum ucb_access acc;
	uint32_t va, dacr;
	struct qwalk q;
	bool alias_on;      /* the alias root is in use for this query */
	unsigned alias_slot, alias_esize;
	uint64_t alias_base, alias_desc;
	bool alias_covers_q;/* the alias stands for the query's own root */
	unsigned want_walks;
	struct walkrec w[2]; /* walk 1: the stub's AT, walk 2: the access */
	unsigned nw;
	bool half_pending;  /* low half of an 8-byte descriptor read, high half due */
	uint64_t half_pa, half_val;
	unsigned naccess;   /* 1-byte data accesses / 4-byte fetch reads */
	uint64_t access_pa;
	unsigned nstub;     /* reads of the stub slot */
	bool unlisted;
	uint64_t unlisted_pa;
	bool got_intr, stopped;
	uint32_t intno, pc;
	int cb_err;
	unsigned long nhook; /* statistics: unicorn region-check hooks */
};

/* ---------------------------------------------------------------- helpers */

static bool in_reserved(uint64_t pa)
{
	return pa >= UCB_RESERVED_PA && pa < RES_END;
}

const char *ucb_fault_type_name(enum ucb_fault_type t)
{
	switch (t) {
	case UCB_FT_NONE: return "none";
	case UCB_FT_TRANSLATION: return "translation";
	case UCB_FT_ACCESS_FLAG: return "access flag";
	case UCB_FT_DOMAIN: return "domain";
	case UCB_FT_PERMISSION: return "permission";
	case UCB_FT_ADDRESS_SIZE: return "address size";
	default: return "other";
	}
}

/* Decode a fault status: type and level. */
static enum ucb_fault_type fs_decode(bool lpae, unsigned fs, int *level)
{
	if (lpae) {
		*level = (int)(fs & 3);
		switch (fs >> 2) {
		case 0: return UCB_FT_ADDRESS_SIZE;
		case 1: return UCB_FT_TRANSLATION;
		case 2: return UCB_FT_ACCESS_FLAG;
		case 3: return UCB_FT_PERMISSION;
		default: *level = -1; return UCB_FT_OTHER;
		}
	}
	switch (fs) {
	case 0x05: *level = 1; return UCB_FT_TRANSLATION;
	case 0x07: *level = 2; return UCB_FT_TRANSLATION;
	case 0x03: *level = 1; return UCB_FT_ACCESS_FLAG;
	case 0x06: *level = 2; return UCB_FT_ACCESS_FLAG;
	case 0x09: *level = 1; return UCB_FT_DOMAIN;
	case 0x0b: *level = 2; return UCB_FT_DOMAIN;
	case 0x0d: *level = 1; return UCB_FT_PERMISSION;
	case 0x0f: *level = 2; return UCB_FT_PERMISSION;
	default: *level = -1; return UCB_FT_OTHER;
	}
}

/* The FS field of a DFSR/IFSR value, and of a PAR after a failed AT. */
static unsigned fsr_fs(bool lpae, uint32_t fsr)
{
	return lpae ? fsr & 0x3f : (fsr & 0xf) | ((fsr >> 6) & 0x10);
}

static unsigned par_fs(bool lpae, uint64_t par)
{
	return lpae ? (unsigned)bits(par, 6, 1)
		    : (unsigned)(bits(par, 4, 1) | (bits(par, 5, 5) << 4));
}

/* ---------------------------------------------------------------- memory */

static const uint8_t *chunk_of(const struct ucb *x, uint64_t pa)
{
	if (!x->hash)
		return NULL;
	uint64_t pfn = pa / CHUNK;
	for (size_t i = hslot(pfn, x->hmask);; i = (i + 1) & x->hmask) {
		uint32_t v = x->hash[i];
		if (!v)
			return NULL;
		if (x->chunks[v - 1].pa / CHUNK == pfn)
			return x->chunks[v - 1].b;
	}
}

/* A descriptor of 4 or 8 bytes from the caller's memory (0 if unlisted). */
static uint64_t mem_desc(const struct ucb *x, uint64_t pa, unsigned size, bool *listed)
{
	const uint8_t *c = chunk_of(x, pa);
	if (listed)
		*listed = c != NULL;
	return c ? ld_le(c + (pa & (CHUNK - 1)), size) : 0;
}

int ucb_set_memory(struct ucb *x, const struct ucb_page *pages, size_t n)
{
	if (!x || (n && !pages))
		return -EINVAL;
	size_t total = 0;
	for (size_t k = 0; k < n; k++) {
		size_t sz = pages[k].size;
		uint64_t pa = pages[k].pa;
		if ((sz != 1024 && sz != 4096 && sz != 16384) || (pa & (sz - 1)) || pa >= PA40 ||
		    PA40 - pa < sz || (pa < RES_END && pa + sz > UCB_RESERVED_PA))
			return -EINVAL;
		total += sz / CHUNK;
		if (total > 0x3fffffffu)
			return -EINVAL;
	}
	size_t cap = 16;
	while (cap < 2 * total)
		cap <<= 1;
	struct chunk *nc = NULL;
	if (total && !(nc = malloc(total * sizeof(*nc))))
		return -ENOMEM;
	uint32_t *nh = calloc(cap, sizeof(*nh));
	if (!nh) {
		free(nc);
		return -ENOMEM;
	}
	size_t used = 0;
	for (size_t k = 0; k < n; k++) {
		for (size_t off = 0; off < pages[k].size; off += CHUNK) {
			uint64_t pa = pages[k].pa + off;
			size_t i = hslot(pa / CHUNK, cap - 1);
			while (nh[i]) {
				if (nc[nh[i] - 1].pa == pa) {
					free(nc);
					free(nh);
					return -EINVAL; /* overlap */
				}
				i = (i + 1) & (cap - 1);
			}
			nc[used].pa = pa;
			if (pages[k].bytes)
				memcpy(nc[used].b, pages[k].bytes + off, CHUNK);
			else
				memset(nc[used].b, 0, CHUNK);
			nh[i] = (uint32_t)(++used);
		}
	}
	free(x->chunks);
	free(x->hash);
	x->chunks = nc;
	x->nchunks = used;
	x->hash = nh;
	x->hmask = cap - 1;
	return 0;
}

/* ----------------------------------------------------- QEMU's walk model */

/* LPAE: which TTBR QEMU 5.0 selects for va (aa32_va_parameters). */
static int lpae_select(uint32_t ttbcr, uint32_t va)
{
	unsigned t0 = ttbcr & 7, t1 = (ttbcr >> 16) & 7;
	if (t1 == 0)
		return va > (0xffffffffu >> t0);
	return va >= ~(0xffffffffu >> t1);
}

/* LPAE: parameters of half h. */
static void lpae_half(const struct ucb_state *st, int h, unsigned *inputsize, int *start,
		      uint64_t *indexmask, uint64_t *root)
{
	unsigned tsz = h ? (st->ttbcr >> 16) & 7 : st->ttbcr & 7;
	*inputsize = 32 - tsz;
	*start = 4 - (int)((*inputsize - 4) / 9);
	*indexmask = (1ULL << (*inputsize - 9 * (unsigned)(4 - *start))) - 1;
	*root = ((h ? st->ttbr1 : st->ttbr0) & 0xffffffffffffULL) & ~*indexmask;
}

/* LPAE: is va inside the range of half h (QEMU's top-bits check)? */
static bool lpae_in_range(const struct ucb_state *st, int h, uint32_t va)
{
	unsigned tsz = h ? (st->ttbcr >> 16) & 7 : st->ttbcr & 7;
	if (lpae_select(st->ttbcr, va) != h)
		return false;
	if (tsz == 0)
		return true;
	uint32_t top = va >> (32 - tsz);
	return top == (h ? (1u << tsz) - 1 : 0);
}

static void model_query(const struct ucb_state *st, uint32_t va, struct qwalk *q)
{
	memset(q, 0, sizeof(*q));
	q->lpae = st->lpae;
	q->start = 1;
	if (!st->lpae) {
		unsigned n = st->ttbcr & 7;
		uint32_t mask = n ? ~(0xffffffffu >> n) : 0;
		q->half = (va & mask) ? 1 : 0;
		if (q->half) {
			q->walks = !(st->ttbcr & TTBCR_PD1);
			q->root = st->ttbr1 & 0xffffc000u;
		} else {
			q->walks = !(st->ttbcr & TTBCR_PD0);
			q->root = st->ttbr0 & ~(0x3fffu >> n) & 0xffffffffu;
		}
		q->first = q->root | ((va >> 18) & 0x3ffc);
		q->slot = va >> 20;
		q->addr = va;
		return;
	}
	int h = lpae_select(st->ttbcr, va);
	unsigned inputsize;
	lpae_half(st, h, &inputsize, &q->start, &q->indexmask, &q->root);
	q->half = lpae_in_range(st, h, va) ? h : -1;
	q->walks = q->half >= 0 && !(st->ttbcr & (h ? TTBCR_EPD1 : TTBCR_EPD0));
	q->addr = inputsize < 32 ? va & (uint32_t)((1ULL << inputsize) - 1) : va;
	unsigned shift = 9 * (unsigned)(4 - q->start);
	q->first = (q->root | (((uint64_t)q->addr >> shift) & q->indexmask)) & ~7ULL;
	q->slot = q->addr >> (shift + 3);
}

/* ------------------------------------------------------------- callbacks */

static void fail(struct ucb *x, int err)
{
	if (!x->cb_err)
		x->cb_err = err;
}

/* One descriptor read by QEMU's walker, at the caller's address pa. */
static uint64_t walker_read(struct ucb *x, uint64_t pa, bool via_alias)
{
	struct walkrec *w = x->nw ? &x->w[x->nw - 1] : NULL;
	if (!w || w->done) {
		/* must be the first descriptor of the next expected walk */
		if (x->nw >= x->want_walks) {
			fail(x, -EIO);
			return 0;
		}
		w = &x->w[x->nw++];
		memset(w, 0, sizeof(*w));
		w->level = x->q.start;
		w->next = x->q.first;
	}
	if (pa != w->next || w->n >= UCB_WALK_MAX ||
	    via_alias != (w->n == 0 && x->nw == 2 && x->alias_covers_q)) {
		fail(x, -EIO);   /* not the read our model of QEMU's walk expects */
		return 0;
	}
	bool listed;
	const unsigned esize = x->q.lpae ? 8 : 4;
	uint64_t d = mem_desc(x, pa, esize, &listed);
	if (!listed && !x->unlisted) {
		x->unlisted = true;
		x->unlisted_pa = pa;
	}
	w->pa[w->n] = pa;
	w->val[w->n] = d;
	w->n++;
	const uint32_t va = x->va;
	if (!x->q.lpae) {
		if (w->level == 1) {
			unsigned type = d & 3;
			if (type == 0) {
				w->done = true;
			} else if (type == 1) {
				unsigned dp = (x->dacr >> (2 * bits(d, 8, 5))) & 3;
				if (dp == 0 || dp == 2) {
					w->done = true; /* domain fault: QEMU skips the L2 read */
				} else {
					w->next = (d & 0xfffffc00u) | ((va >> 10) & 0x3fc);
					if (in_reserved(w->next))
						fail(x, -EINVAL);
					w->level = 2;
				}
			} else if (d & (1u << 18)) {
				w->done = w->leaf = true;
				w->shift = 24;
				w->leaf_oa = (d & 0xff000000u) | (bits(d, 23, 20) << 32) |
					     (bits(d, 8, 5) << 36) | (va & 0xffffffu);
			} else {
				w->done = w->leaf = true;
				w->shift = 20;
				w->leaf_oa = (d & 0xfff00000u) | (va & 0xfffffu);
			}
		} else {
			w->done = true;
			if (d & 3) {
				w->leaf = true;
				w->shift = (d & 3) == 1 ? 16 : 12;
				w->leaf_oa = (d & ~((1ULL << w->shift) - 1) & 0xffffffffu) |
					     (va & ((1u << w->shift) - 1));
			}
		}
		return d;
	}
	if (!(d & 1) || (!(d & 2) && w->level == 3)) {
		w->done = true;   /* translation fault at this level */
	} else if ((d & 2) && w->level < 3) {
		uint64_t base = d & LPAE_OA;
		if (in_reserved(base))
			fail(x, -EINVAL);  /* the caller's table points at the referee */
		w->level++;
		w->next = base | (((uint64_t)x->q.addr >> (9 * (unsigned)(4 - w->level))) & 0xff8);
	} else {
		w->done = w->leaf = true;
		w->shift = 9 * (unsigned)(4 - w->level) + 3;
		w->leaf_oa = (d & LPAE_OA) | (x->q.addr & ((1ULL << w->shift) - 1));
	}
	return d;
}

/* The walk of the real access or fetch is complete and found a mapping. */
static bool access_phase(const struct ucb *x)
{
	return x->nw == x->want_walks && x->nw == 2 && x->w[1].done && x->w[1].leaf &&
	       !x->half_pending;
}

/* A descriptor-sized read at MMIO address mpa standing for the caller's
 * address pa (or the stub slot): 4-byte short descriptors, LPAE ones as
 * one 8-byte or two 4-byte reads. */
static uint64_t desc_read(struct ucb *x, uint64_t mpa, uint64_t pa, unsigned size, bool stub,
			  bool via_alias)
{
	if (!x->q.lpae) {
		if (size != 4 || (mpa & 3) || x->half_pending) {
			fail(x, -EIO);
			return 0;
		}
		if (stub) {
			x->nstub++;
			return x->alias_desc & 0xffffffffu;
		}
		return walker_read(x, pa, via_alias);
	}
	if ((size == 8 || size == 4) && !(mpa & 7) && !x->half_pending) {
		uint64_t v;
		if (stub) {
			x->nstub++;
			v = x->alias_desc;
		} else {
			v = walker_read(x, pa, via_alias);
		}
		if (size == 8)
			return v;
		x->half_pending = true;
		x->half_pa = mpa;
		x->half_val = v >> 32;
		return v & 0xffffffffu;
	}
	if (size == 4 && (mpa & 7) == 4 && x->half_pending && x->half_pa + 4 == mpa) {
		x->half_pending = false;
		return x->half_val;
	}
	fail(x, -EIO);
	return 0;
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	const struct region *rg = ud;
	struct ucb *x = rg->x;
	const uint64_t pa = rg->base + off;
	(void)uc;
	if (x->stopped)
		return 0;
	if (pa >= ALIAS_PA && pa < ALIAS_PA + ALIAS_SIZE) {
		uint64_t o = pa - ALIAS_PA;
		if (!x->alias_on) {
			fail(x, -EIO);
			return 0;
		}
		bool stub = o / x->alias_esize == x->alias_slot;
		return desc_read(x, pa, x->alias_base + o, size, stub, true);
	}
	if (size == 1 && x->acc != UCB_FETCH && access_phase(x)) {
		/* the queried 1-byte load (LDRB/LDRBT) */
		if (x->naccess++ && x->access_pa != pa)
			fail(x, -EIO);
		x->access_pa = pa;
		return 0;
	}
	if (size == 4 && x->acc == UCB_FETCH && access_phase(x)) {
		/* the instruction fetch of the queried address */
		if (x->naccess++ && x->access_pa != pa)
			fail(x, -EIO);
		x->access_pa = pa;
		return SENTINEL;
	}
	return desc_read(x, pa, pa, size, false, false);
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
	const struct region *rg = ud;
	struct ucb *x = rg->x;
	const uint64_t pa = rg->base + off;
	(void)uc;
	(void)value;
	if (x->stopped)
		return;
	if (size == 1 && x->acc == UCB_WRITE && access_phase(x) && !in_reserved(pa)) {
		/* the queried 1-byte store (STRB/STRBT): not applied */
		if (x->naccess++ && x->access_pa != pa)
			fail(x, -EIO);
		x->access_pa = pa;
		return;
	}
	fail(x, -EIO); /* QEMU 5.0 never writes descriptors (no hardware AF) */
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct ucb *x = ud;
	if (!x->got_intr) {
		x->got_intr = true;
		x->intno = intno;
		if (uc_reg_read(uc, UC_ARM_REG_PC, &x->pc))
			fail(x, -EIO);
		/* the fault status QEMU computed (not delivered to DFSR/IFSR) */
		if ((intno == EXCP_PREFETCH_ABORT || intno == EXCP_DATA_ABORT) &&
		    uc_context_save(uc, x->scratch))
			fail(x, -EIO);
	}
	x->stopped = true;
	uc_emu_stop(uc);
}

/* unicorn's check of the *virtual* address against its physical regions
 * (FETCH_PROT for code in MMIO): meaningless with the MMU on. */
static bool on_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
		       int64_t value, void *ud)
{
	struct ucb *x = ud;
	(void)uc; (void)type; (void)addr; (void)size; (void)value;
	x->nhook++;
	return true;
}

/* ---------------------------------------------------------------- set-up */

static int cpreg(uc_engine *uc, bool write, unsigned crn, unsigned crm, unsigned opc1,
		 unsigned opc2, bool sec, bool is64, uint64_t *v)
{
	uc_arm_cp_reg r = { .cp = 15, .is64 = is64, .sec = sec, .crn = crn, .crm = crm,
			    .opc1 = opc1, .opc2 = opc2, .val = write ? *v : 0 };
	int e = uerr(write ? uc_reg_write(uc, UC_ARM_REG_CP_REG, &r)
			   : uc_reg_read(uc, UC_ARM_REG_CP_REG, &r));
	if (!write)
		*v = r.val;
	return e;
}

static int map_memory(struct ucb *x)
{
	int r;
	uint8_t *ram = malloc(RAM_SIZE);
	if (!ram)
		return -ENOMEM;
	build_ram(ram);
	for (unsigned i = 0; i < NREGIONS; i++)
		x->regions[i].x = x;
	x->regions[0].base = 0;
	x->regions[1].base = ALIAS_PA;
	if ((r = uerr(uc_mmio_map(x->uc, 0, (size_t)UCB_RESERVED_PA, mmio_read, &x->regions[0],
				  mmio_write, &x->regions[0]))) ||
	    (r = uerr(uc_mmio_map(x->uc, ALIAS_PA, ALIAS_SIZE, mmio_read, &x->regions[1], mmio_write,
				  &x->regions[1]))) ||
	    (r = uerr(uc_mem_map(x->uc, RAM_PA, RAM_SIZE, UC_PROT_ALL))) ||
	    (r = uerr(uc_mem_write(x->uc, RAM_PA, ram, RAM_SIZE))))
		goto out;
	for (unsigned i = 2; i < NREGIONS; i++) {
		struct region *rg = &x->regions[i];
		rg->base = (uint64_t)(i - 1) << 32;
		if ((r = uerr(uc_mmio_map(x->uc, rg->base, (size_t)PA32, mmio_read, rg, mmio_write, rg))))
			goto out;
	}
out:
	free(ram);
	return r;
}

/* Monitor mode (Secure, Secure SCTLR.M = 0), saved as the pristine context
 * every query starts from. */
static int setup_cpu(struct ucb *x)
{
	uc_engine *uc = x->uc;
	uint64_t v, mmfr0 = 0, pfr1 = 0, sctlr_s = 0;
	int r;
	/* ID_MMFR0.VMSA = 5 (VMSAv7 with PXN and LPAE); ID_PFR1: Security and
	 * Virtualization Extensions */
	if ((r = cpreg(uc, false, 0, 1, 0, 4, false, false, &mmfr0)) ||
	    (r = cpreg(uc, false, 0, 1, 0, 1, false, false, &pfr1)))
		return r;
	if (bits(mmfr0, 3, 0) < 5 || bits(pfr1, 7, 4) == 0)
		return -ENOTSUP;
	v = 0; /* SCR: Secure; unicorn refuses Monitor mode while SCR.NS = 1 */
	if ((r = cpreg(uc, true, 1, 1, 0, 0, false, false, &v)))
		return r;
	uint32_t cpsr = CPSR_MON, got = 0;
	if ((r = uerr(uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr))) ||
	    (r = uerr(uc_reg_read(uc, UC_ARM_REG_CPSR, &got))))
		return r;
	if ((got & 0x1f) != (CPSR_MON & 0x1f))
		return -EIO;
	/* the Monitor's own translation regime: MMU off (reset value) */
	if ((r = cpreg(uc, false, 1, 0, 0, 0, true, false, &sctlr_s)))
		return r;
	if (sctlr_s & (SCTLR_M | SCTLR_EE))
		return -EIO;
	return uerr(uc_context_save(uc, x->pristine));
}

static int run_query(struct ucb *x, const struct ucb_state *st, uint32_t va,
		     enum ucb_access acc, bool user, struct ucb_result *out);

/* Find env->exception {syndrome, fsr, vaddress} in the context blob: three
 * data aborts at distinct addresses with distinct fault status codes. */
static int find_exception(struct ucb *x)
{
	uint8_t (*t)[4096] = calloc(2, 4096);
	uint8_t *l1 = calloc(1, 16384);
	uc_context *c[3] = { NULL, NULL, NULL };
	int r = -EIO;
	if (!t || !l1) {
		r = -ENOMEM;
		goto out;
	}
	/* short descriptors, N = 0, L1 at 0x4000: VA 0x00100000 invalid;
	 * 0x00200000 -> L2 at 0x8000 (domain 1), empty; 0x00300000 a section
	 * with AP = 000 (domain 2).  All domains Client. */
	put32(l1 + 4 * 2, 0x8000 | (1u << 5) | 1);
	put32(l1 + 4 * 3, 0x12300000u | (2u << 5) | 2);
	const struct ucb_page pg[2] = { { 0x4000, l1, 16384 }, { 0x8000, t[0], 4096 } };
	static const struct { uint32_t va; unsigned fs, dom; } cal[3] = {
		{ 0x00100abc, 0x05, 0 },  /* translation, section */
		{ 0x00201234, 0x07, 1 },  /* translation, page */
		{ 0x00345678, 0x0d, 2 },  /* permission, section */
	};
	const struct ucb_state st = { .ttbr0 = 0x4000, .ttbr1 = 0x4000, .dacr = 0x55555555u,
				      .sctlr = 0x00c50079u };
	if ((r = ucb_set_memory(x, pg, 2)))
		goto out;
	r = -EIO;
	for (int k = 0; k < 3; k++) {
		struct ucb_result res;
		if (uc_context_alloc(x->uc, &c[k]))
			goto out;
		if (run_query(x, &st, cal[k].va, UCB_READ, false, &res) || !res.fault ||
		    res.fs != cal[k].fs || x->intno != EXCP_DATA_ABORT)
			goto out;
		memcpy(c[k], x->scratch, x->ctx_size); /* saved by on_intr at the abort */
	}
	long found = -1;
	unsigned ndom = 0;
	for (size_t i = 0; i + 16 <= x->ctx_size; i += 4) {
		bool all = true;
		unsigned dom = 0;
		for (int k = 0; k < 3 && all; k++) {
			const uint8_t *b = (const uint8_t *)c[k];
			uint32_t syn = (uint32_t)ld_le(b + i, 4), fsr = (uint32_t)ld_le(b + i + 4, 4);
			all = ld_le(b + i + 8, 8) == cal[k].va && (syn >> 26) == 0x25 &&
			      fsr_fs(false, fsr) == cal[k].fs && !(fsr & (1u << 9));
			dom += bits(fsr, 7, 4) == cal[k].dom;
		}
		if (all) {
			if (found >= 0) {
				found = -1;
				break;
			}
			found = (long)(i + 4);
			ndom = dom;
		}
	}
	if (found >= 0) {
		x->exc_off = found;
		x->fsr_domain = ndom == 3;
		r = 0;
	}
out:
	for (int k = 0; k < 3; k++)
		if (c[k])
			uc_context_free(c[k]);
	if (x->uc)
		(void)ucb_set_memory(x, NULL, 0);
	free(t);
	free(l1);
	return r;
}

int ucb_open(struct ucb **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	struct ucb *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->exc_off = -1;
	int r = -EIO;
	if (uc_open(UC_ARCH_ARM, UC_MODE_ARM, &x->uc)) {
		x->uc = NULL;
		goto fail;
	}
	/* Cortex-A15: LPAE, PXN, Security and Virtualization Extensions */
	if (uc_ctl_set_cpu_model(x->uc, UC_CPU_ARM_CORTEX_A15))
		goto fail;
	if ((r = map_memory(x)))
		goto fail;
	r = -EIO;
	if (uc_hook_add(x->uc, &x->h_intr, UC_HOOK_INTR, fn_ptr((generic_fn)on_intr), x, 1, 0))
		goto fail;
	if (uc_hook_add(x->uc, &x->h_inval, UC_HOOK_MEM_INVALID, fn_ptr((generic_fn)on_invalid), x,
			1, 0))
		goto fail;
	x->ctx_size = uc_context_size(x->uc);
	if (uc_context_alloc(x->uc, &x->pristine) || uc_context_alloc(x->uc, &x->scratch))
		goto fail;
	if ((r = setup_cpu(x)))
		goto fail;
	if ((r = find_exception(x)))
		goto fail;
	*out = x;
	return 0;
fail:
	ucb_close(x);
	return r ? r : -EIO;
}

void ucb_close(struct ucb *x)
{
	if (!x)
		return;
	if (x->pristine)
		uc_context_free(x->pristine);
	if (x->scratch)
		uc_context_free(x->scratch);
	if (x->uc)
		uc_close(x->uc);
	free(x->chunks);
	free(x->hash);
	free(x);
}

/* ----------------------------------------------------------------- query */

/* Where the stub's real data access runs: a root slot the query does not
 * use, served by the private alias of that root table. */
struct placement {
	bool ok;
	int half;
	unsigned slot, esize;
	uint32_t stub_va;
	uint64_t alias_ttbr, alias_base, desc;
	uint32_t ttbcr, dacr;
};

static void place_stub(const struct ucb *x, const struct ucb_state *st, const struct qwalk *q,
		       struct placement *p)
{
	memset(p, 0, sizeof(*p));
	p->ttbcr = st->ttbcr;
	p->dacr = st->dacr;
	struct { int h; unsigned slot; } cand[3];
	unsigned nc = 0;
	if (!st->lpae) {
		const unsigned n = st->ttbcr & 7;
		const int top = n ? 1 : 0;
		cand[nc].h = top, cand[nc++].slot = 4095;
		cand[nc].h = top, cand[nc++].slot = 4094;
		if (n)
			cand[nc].h = 0, cand[nc++].slot = 0;
		for (unsigned i = 0; i < nc; i++) {
			const int h = cand[i].h;
			const uint32_t pd = h ? TTBCR_PD1 : TTBCR_PD0;
			if (q->half == h && (q->slot == cand[i].slot || (st->ttbcr & pd)))
				continue;
			const uint32_t base_mask = h ? 0xffffc000u : ~(0x3fffu >> n);
			const uint32_t ttbr = (uint32_t)(h ? st->ttbr1 : st->ttbr0);
			p->ok = true;
			p->half = h;
			p->slot = cand[i].slot;
			p->esize = 4;
			p->stub_va = (cand[i].slot << 20) | (uint32_t)(NS_PA & 0xfffff);
			p->alias_ttbr = (ttbr & ~base_mask) | (uint32_t)ALIAS_PA;
			p->alias_base = ttbr & base_mask;
			if (q->half != h)
				p->ttbcr &= ~pd;
			/* a Manager domain the queried translation does not use */
			unsigned qdom = 0;
			if (q->walks) {
				uint32_t d1 = (uint32_t)mem_desc(x, q->first, 4, NULL);
				if ((d1 & 3) == 1 || ((d1 & 3) >= 2 && !(d1 & (1u << 18))))
					qdom = (unsigned)bits(d1, 8, 5);
			}
			const unsigned dom = qdom == 15 ? 14 : 15;
			p->dacr |= 3u << (2 * dom);
			/* section, AP[2:0] = 101 (PL1 read-only; with AFE: AF = 1) */
			p->desc = (NS_PA & 0xfff00000u) | (1u << 15) | (1u << 10) | (dom << 5) | 2;
			return;
		}
		return;
	}
	const int top = lpae_select(st->ttbcr, 0xffffffffu);
	/* the last slot of the top half, the one before, slot 0 of TTBR0 */
	for (int k = 0; k < 3; k++) {
		const int h = k < 2 ? top : 0;
		unsigned inputsize;
		int start;
		uint64_t indexmask, root;
		if (k == 2 && top == 0)
			break;
		lpae_half(st, h, &inputsize, &start, &indexmask, &root);
		const unsigned shift = 9 * (unsigned)(4 - start) + 3;
		const uint64_t region = (h && inputsize < 32) ? PA32 - (1ULL << inputsize) : 0;
		const uint64_t entries = 1ULL << (inputsize - shift);
		unsigned slot = k == 2 ? 0 : (unsigned)(entries - 1 - (unsigned)k);
		const uint64_t sva = region + ((uint64_t)slot << shift) + (NS_PA & ((1ULL << shift) - 1));
		if (sva >= PA32 || !lpae_in_range(st, h, (uint32_t)sva))
			continue;
		const uint32_t epd = h ? TTBCR_EPD1 : TTBCR_EPD0;
		if (q->half == h && (q->slot == slot || (st->ttbcr & epd)))
			continue;
		const uint64_t ttbr = h ? st->ttbr1 : st->ttbr0;
		p->ok = true;
		p->half = h;
		p->slot = slot;
		p->esize = 8;
		p->stub_va = (uint32_t)sva;
		p->alias_ttbr = (ttbr & 0xffff000000000000ULL) | ALIAS_PA;
		p->alias_base = root;
		if (q->half != h)
			p->ttbcr &= ~epd;
		/* block, AF, AP[2:1] = 10 (PL1 read-only), XN = PXN = 0 */
		p->desc = (NS_PA & ~((1ULL << shift) - 1)) | (1u << 10) | (1u << 7) | 1;
		return;
	}
}

/* Where QEMU's walk departs from the architecture (derived). */
static unsigned deviations(const struct ucb *x, const struct ucb_state *st, const struct qwalk *q,
			   const struct walkrec *w, const struct ucb_result *out, enum ucb_access acc,
			   bool user)
{
	unsigned dev = 0;
	if (st->lpae) {
		if (q->walks && ((q->half ? st->ttbr1 : st->ttbr0) & q->indexmask))
			dev |= UCB_DEV_TTBR_ALIGN;
		if (!w)
			return dev;
		int level = q->start;
		for (unsigned i = 0; i < w->n; i++, level++) {
			uint64_t d = w->val[i];
			if (!(d & 1) || (!(d & 2) && level == 3))
				break;
			if (bits(d, 47, 40))
				dev |= UCB_DEV_ADDR_BITS;
			if (!(d & 2)) { /* block */
				unsigned shift = 9 * (unsigned)(4 - level) + 3;
				if (d & ((1ULL << shift) - 1) & ~0xfffULL)
					dev |= UCB_DEV_BLOCK_RES0;
			}
		}
		return dev;
	}
	if (!w || !w->n)
		return dev;
	const uint32_t d1 = (uint32_t)w->val[0];
	const unsigned t1 = d1 & 3;
	if (!t1)
		return dev;
	const bool super = t1 >= 2 && (d1 & (1u << 18));
	const unsigned dom = super ? 0 : (unsigned)bits(d1, 8, 5);
	const unsigned dp = (st->dacr >> (2 * dom)) & 3;
	if (dp == 2)
		dev |= UCB_DEV_DACR_RESERVED;
	/* the leaf descriptor: from the walk, or (page domain fault) from memory */
	uint32_t leaf = 0;
	bool have_leaf = false, small_table = t1 == 1;
	if (!small_table) {
		leaf = d1;
		have_leaf = true;
	} else if (w->n >= 2) {
		leaf = (uint32_t)w->val[1];
		have_leaf = (leaf & 3) != 0;
	} else if (dp == 0 || dp == 2) {
		dev |= UCB_DEV_DOMAIN_ORDER;
		leaf = (uint32_t)mem_desc(x, (d1 & 0xfffffc00u) | ((x->va >> 10) & 0x3fc), 4, NULL);
		have_leaf = (leaf & 3) != 0;
	}
	if (!have_leaf)
		return dev;
	/* AP[2:0] of the leaf */
	const unsigned ap = small_table ? (unsigned)(bits(leaf, 5, 4) | (bits(leaf, 9, 9) << 2))
					: (unsigned)(bits(leaf, 11, 10) | (bits(leaf, 15, 15) << 2));
	const bool afe = st->sctlr & SCTLR_AFE;
	if (!afe && dp == 1 && ap == 4)
		dev |= UCB_DEV_AP_RESERVED;
	if (afe && !(ap & 1) && !(out->fault && out->type == UCB_FT_ACCESS_FLAG))
		dev |= UCB_DEV_AF_PRIORITY;
	if (acc == UCB_FETCH && !out->fault && (st->sctlr & (SCTLR_WXN | SCTLR_UWXN))) {
		bool pl1w, pl0w;
		if (dp == 3) {
			pl1w = pl0w = true;
		} else if (afe) {
			pl1w = !(ap & 4);
			pl0w = (ap >> 1) == 1;
		} else {
			pl1w = ap == 1 || ap == 2 || ap == 3;
			pl0w = ap == 3;
		}
		if (((st->sctlr & SCTLR_WXN) && (user ? pl0w : pl1w)) ||
		    ((st->sctlr & SCTLR_UWXN) && !user && pl0w))
			dev |= UCB_DEV_WXN_SHORT;
	}
	/* replication of supersections and large pages */
	if (super) {
		const uint64_t b = (q->first & ~0x3fULL);
		for (unsigned i = 0; i < 16; i++)
			if ((uint32_t)mem_desc(x, b + 4 * i, 4, NULL) != d1) {
				dev |= UCB_DEV_NOT_REPLICATED;
				break;
			}
	} else if (small_table && (leaf & 3) == 1) {
		const uint64_t b = ((d1 & 0xfffffc00u) | ((x->va >> 10) & 0x3fc)) & ~0x3fULL;
		for (unsigned i = 0; i < 16; i++)
			if ((uint32_t)mem_desc(x, b + 4 * i, 4, NULL) != leaf) {
				dev |= UCB_DEV_NOT_REPLICATED;
				break;
			}
	}
	return dev;
}

static bool same_walk(const struct walkrec *a, const struct walkrec *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n; i++)
		if (a->pa[i] != b->pa[i] || a->val[i] != b->val[i])
			return false;
	return true;
}

static void st_param(uint8_t *p, unsigned off, uint32_t v)
{
	put32(p + off, v);
}

static int check_state(const struct ucb_state *st)
{
	if (!(st->sctlr & SCTLR_M) || (st->sctlr & SCTLR_EE))
		return -EINVAL;
	if (st->lpae != !!(st->ttbcr & TTBCR_EAE))
		return -EINVAL;
	if (!st->lpae) {
		if ((st->ttbcr & ~(7u | TTBCR_PD0 | TTBCR_PD1)) || st->ttbr0 >= PA32 || st->ttbr1 >= PA32)
			return -EINVAL;
	} else {
		if (st->ttbcr & (1u << 30 | 7u << 19 | 3u << 14 | 0xfu << 3))
			return -EINVAL;
		if (bits(st->ttbr0, 47, 40) || bits(st->ttbr1, 47, 40))
			return -EINVAL;
	}
	return 0;
}

static int run_query(struct ucb *x, const struct ucb_state *st, uint32_t va,
		     enum ucb_access acc, bool user, struct ucb_result *out)
{
	memset(out, 0, sizeof(*out));
	out->level = out->start_level = out->leaf_level = out->domain = -1;
	int r = check_state(st);
	if (r)
		return r;
	if (acc == UCB_FETCH && (va & 3))
		return -EINVAL;

	struct qwalk *q = &x->q;
	model_query(st, va, q);
	if (q->walks) {
		if (in_reserved(q->root))
			return -EINVAL;
		if (!chunk_of(x, q->first))
			return -ENOENT;
	}
	struct placement pl;
	if (acc != UCB_FETCH)
		place_stub(x, st, q, &pl);
	else
		memset(&pl, 0, sizeof pl);

	/* the parameter block */
	uint8_t prm[P_SIZE];
	static const uint32_t at_rw[2][2] = { { MON_AT_PL1R, MON_AT_PL1W }, { MON_AT_PL0R, MON_AT_PL0W } };
	uint32_t mode;
	st_param(prm, P_VA, va);
	st_param(prm, P_TTBR0, (uint32_t)st->ttbr0);
	st_param(prm, P_TTBR0 + 4, (uint32_t)(st->ttbr0 >> 32));
	st_param(prm, P_TTBR1, (uint32_t)st->ttbr1);
	st_param(prm, P_TTBR1 + 4, (uint32_t)(st->ttbr1 >> 32));
	st_param(prm, P_TTBCR, st->ttbcr);
	st_param(prm, P_DACR, st->dacr);
	st_param(prm, P_SCTLR, st->sctlr);
	st_param(prm, P_PRRR, st->lpae ? st->mair0 : st->prrr);
	st_param(prm, P_NMRR, st->lpae ? st->mair1 : st->nmrr);
	st_param(prm, P_AT, (uint32_t)MON_PA +
		 (acc == UCB_FETCH ? MON_AT_PL1R : at_rw[user][acc == UCB_WRITE]));
	if (acc == UCB_FETCH) {
		mode = MODE_ASIS;
		st_param(prm, P_ATTBR, 0);
		st_param(prm, P_ATTBR + 4, 0);
		st_param(prm, P_ATTBCR, st->ttbcr);
		st_param(prm, P_ADACR, st->dacr);
		st_param(prm, P_TARGET, va);
		st_param(prm, P_SPSR, user ? CPSR_USR : CPSR_SVC);
	} else {
		mode = !pl.ok ? MODE_NOREAL : pl.half ? MODE_TTBR1 : MODE_TTBR0;
		st_param(prm, P_ATTBR, (uint32_t)pl.alias_ttbr);
		st_param(prm, P_ATTBR + 4, (uint32_t)(pl.alias_ttbr >> 32));
		st_param(prm, P_ATTBCR, pl.ttbcr);
		st_param(prm, P_ADACR, pl.dacr);
		st_param(prm, P_TARGET, pl.stub_va + NS_OP_STRIDE * ((user ? 2u : 0u) + (acc == UCB_WRITE)));
		st_param(prm, P_SPSR, CPSR_SVC);
	}
	st_param(prm, P_MODE, mode);

	x->acc = acc;
	x->va = va;
	x->dacr = st->dacr;
	x->alias_on = mode == MODE_TTBR0 || mode == MODE_TTBR1;
	x->alias_slot = pl.slot;
	x->alias_esize = pl.esize ? pl.esize : 4;
	x->alias_base = pl.alias_base;
	x->alias_desc = pl.desc;
	x->alias_covers_q = x->alias_on && q->walks && q->half == pl.half;
	x->want_walks = q->walks ? (mode == MODE_NOREAL ? 1u : 2u) : 0u;
	x->nw = 0;
	memset(x->w, 0, sizeof x->w);
	x->half_pending = false;
	x->naccess = 0;
	x->access_pa = 0;
	x->nstub = 0;
	x->unlisted = false;
	x->unlisted_pa = 0;
	x->got_intr = x->stopped = false;
	x->intno = 0;
	x->pc = 0;
	x->cb_err = 0;

	uc_engine *uc = x->uc;
	if (uc_context_restore(uc, x->pristine) || uc_mem_write(uc, PARAM_PA, prm, sizeof prm))
		return -EIO;
	uc_err e = uc_emu_start(uc, MON_PA, MON_PA + MON_UNTIL, 0, 0);

	uint32_t r4 = 0, r5 = 0;
	(void)uc_reg_read(uc, UC_ARM_REG_R4, &r4);
	(void)uc_reg_read(uc, UC_ARM_REG_R5, &r5);
	const uint64_t par = r4 | (uint64_t)r5 << 32;
#ifdef UCB_DEBUG
	fprintf(stderr, "ucb dbg: va=%#x acc=%d user=%d mode=%u stub=%#x e=%d intr=%d intno=%u pc=%#x par=%#llx nw=%u/%u n=%u/%u naccess=%u apa=%#llx nstub=%u cb_err=%d hooks=%lu\n",
		va, acc, user, mode, pl.stub_va, e, x->got_intr, x->intno, x->pc, (unsigned long long)par,
		x->nw, x->want_walks, x->w[0].n, x->w[1].n, x->naccess, (unsigned long long)x->access_pa,
		x->nstub, x->cb_err, x->nhook);
#endif
	if (x->cb_err)
		return x->cb_err;
	r = -EIO;
	if (e != UC_ERR_OK || !x->got_intr || x->half_pending)
		return r;
	if (x->intno == EXCP_BKPT && x->pc == MON_PA + MON_SKIP)
		return -EINVAL; /* the address maps into the referee's reserved range */

	/* the walks: one for the stub's AT, one for the access or fetch */
	if (x->nw != x->want_walks || (x->nw && !x->w[x->nw - 1].done))
		return r;
	if (x->nw == 2 && !same_walk(&x->w[0], &x->w[1]))
		return r;
	if (x->alias_on && !x->nstub)
		return r; /* the stub's own walk must have used the alias slot */
	const struct walkrec *w = x->nw ? &x->w[x->nw - 1] : NULL;
	out->par = par;
	out->unlisted = x->unlisted;
	out->unlisted_pa = x->unlisted_pa;
	if (w) {
		out->nwalk = w->n;
		memcpy(out->walk_pa, w->pa, sizeof out->walk_pa);
		memcpy(out->walk_val, w->val, sizeof out->walk_val);
	}
	out->start_level = q->walks ? q->start : -1;

	const bool lpae = st->lpae;
	const bool par_f = par & 1;
	if (!!(par & (1u << 11)) != lpae)
		return r; /* PAR format: 64-bit exactly with LPAE */
	bool fault;
	unsigned fs = 0;
	uint64_t pa = 0;
	const uint8_t *exc = (const uint8_t *)x->scratch + (x->exc_off >= 0 ? x->exc_off : 0);
	if (acc != UCB_FETCH && mode == MODE_NOREAL) {
		if (x->intno != EXCP_BKPT || x->pc != MON_PA + MON_NOREAL || x->naccess)
			return r;
		fault = par_f;
		fs = par_fs(lpae, par);
	} else if (acc != UCB_FETCH) {
		const uint32_t opva = pl.stub_va + NS_OP_STRIDE * ((user ? 2u : 0u) + (acc == UCB_WRITE));
		out->real_access = true;
		out->stub_va = pl.stub_va;
		if (x->intno == EXCP_BKPT && x->pc == opva + 4) {
			/* the access went through: AT must agree */
			if (par_f || x->naccess != 1)
				return r;
			fault = false;
			out->access_pa = x->access_pa;
		} else if (x->intno == EXCP_DATA_ABORT && x->pc == opva) {
			fs = par_fs(lpae, par);
			if (!par_f || x->naccess)
				return r;
			if (x->exc_off >= 0) { /* (not yet during the calibration) */
				out->fsr = (uint32_t)ld_le(exc, 4);
				out->far = (uint32_t)ld_le(exc + 4, 8);
				if (fsr_fs(lpae, out->fsr) != fs || out->far != va ||
				    !!(out->fsr & (1u << 9)) != lpae ||
				    !!(out->fsr & (1u << 11)) != (acc == UCB_WRITE))
					return r;
			}
			fault = true;
		} else {
			return r;
		}
	} else {
		out->real_access = true;
		if (x->intno == EXCP_BKPT && x->pc == va && x->naccess >= 1) {
			fault = false;
			out->access_pa = x->access_pa;
		} else if (x->intno == EXCP_PREFETCH_ABORT && x->pc == va && !x->naccess &&
			   x->exc_off >= 0) {
			out->fsr = (uint32_t)ld_le(exc, 4);
			out->far = (uint32_t)ld_le(exc + 4, 8);
			fs = fsr_fs(lpae, out->fsr);
			if (out->far != va || !!(out->fsr & (1u << 9)) != lpae)
				return r;
			fault = true;
		} else {
			return r;
		}
		/* consistency with the PL1 read AT: translation, domain and
		 * permission faults are the same for the fetch; after an access flag
		 * fault the fetch may take a permission fault instead (QEMU checks
		 * XN first); a page readable at PL1 can only add a permission fault */
		int lf, la;
		const enum ucb_fault_type tf = fault ? fs_decode(lpae, fs, &lf) : UCB_FT_NONE;
		const enum ucb_fault_type ta = par_f ? fs_decode(lpae, par_fs(lpae, par), &la) : UCB_FT_NONE;
		bool consistent;
		switch (ta) {
		case UCB_FT_NONE:
			consistent = !fault || tf == UCB_FT_PERMISSION;
			break;
		case UCB_FT_ACCESS_FLAG:
			consistent = fault && lf == la && (tf == UCB_FT_ACCESS_FLAG || tf == UCB_FT_PERMISSION);
			break;
		case UCB_FT_TRANSLATION:
		case UCB_FT_DOMAIN:
		case UCB_FT_PERMISSION:
			consistent = fault && fs == par_fs(lpae, par);
			break;
		default:
			consistent = false;
		}
		if (!consistent)
			return r;
	}
	out->fault = fault;
	out->deviation = 0;
	if (fault) {
		out->fs = fs;
		out->type = fs_decode(lpae, fs, &out->level);
		if (w && w->leaf)
			out->leaf_level = q->start + (int)w->n - 1;
	} else {
		if (!w || !w->leaf)
			return r;
		out->leaf_level = q->start + (int)w->n - 1;
		out->page_shift = w->shift;
		if (out->real_access) {
			pa = x->access_pa;
		} else if (!lpae && (par & 2)) {
			pa = w->leaf_oa;   /* QEMU's 32-bit PAR lacks PA[39:32] */
			out->pa_derived = true;
		} else {
			pa = (lpae ? par & LPAE_OA : par & 0xfffff000u) | (va & 0xfff);
		}
		/* PAR (when the AT succeeded) and our model must agree with it */
		if (!par_f) {
			uint64_t pp = lpae ? par & LPAE_OA : (par & 2) ? par & 0xff000000u : par & 0xfffff000u;
			uint64_t mask = lpae ? LPAE_OA : (par & 2) ? 0xff000000u : 0xfffff000u;
			if ((pa & mask) != pp || (!lpae && !(par & 2) && pa >= PA32))
				return r;
		}
		if (pa != w->leaf_oa)
			return r;
		out->pa = pa;
	}
	if (!lpae && w && w->n) {
		const uint32_t d1 = (uint32_t)w->val[0];
		if ((d1 & 3) == 1 || ((d1 & 3) >= 2 && !(d1 & (1u << 18))))
			out->domain = (int)bits(d1, 8, 5);
		else if ((d1 & 3) >= 2)
			out->domain = 0;
		if (fault && out->fsr && x->fsr_domain && out->domain >= 0 &&
		    (out->type == UCB_FT_DOMAIN || out->type == UCB_FT_PERMISSION) &&
		    bits(out->fsr, 7, 4) != (unsigned)out->domain)
			return r;
	}
	out->deviation = deviations(x, st, q, w, out, acc, user);
	return 0;
}

int ucb_query(struct ucb *x, const struct ucb_state *st, uint32_t va, enum ucb_access acc,
	      bool user, struct ucb_result *out)
{
	if (!x || !st || !out || (acc != UCB_READ && acc != UCB_WRITE && acc != UCB_FETCH))
		return -EINVAL;
	return run_query(x, st, va, acc, user, out);
}
