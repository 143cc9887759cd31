/* SPDX-License-Identifier: MIT */
/*
 * uc_arm64 - stage 1 (EL1&0) translation referee built on libunicorn 2.0.1
 * (QEMU 5.0 AArch64 MMU, CPU model 'max').
 *
 * Facts about unicorn 2.0.1 this is built around (all checked, see README):
 *
 *  1. Unlike x86, the AArch64 TLB fill is real: QEMU's get_phys_addr() walks
 *     the tables (reading descriptors at their physical addresses: MMIO
 *     callbacks see them as two 4-byte reads) and the access goes to the
 *     translated physical address.  So the PA of a real access or of an
 *     instruction fetch is observable with an MMIO callback.
 *  2. Before an access unicorn also looks the *virtual* address up among its
 *     physical regions (*_UNMAPPED / FETCH_PROT hooks).  The whole 64-bit
 *     space is therefore mapped and the hooks answer "handled".
 *  3. Exceptions are not delivered: UC_HOOK_INTR gets the QEMU exception
 *     number (3 prefetch abort, 4 data abort, 7 BRK), ESR/FAR/ELR are not
 *     written and the PC stays on the faulting instruction.  The syndrome
 *     QEMU computed (env->exception.syndrome, .vaddress) is read from a CPU
 *     context saved in the hook, at an offset calibrated at uca_open().
 *  4. The reset CPU is in *Secure* EL1 with AArch32 EL1 (SCR_EL3.NS = RW = 0,
 *     HCR_EL2.RW = 0): QEMU then walks with the AArch32 LPAE rules.  The
 *     referee sets SCR_EL3 = NS|RW and HCR_EL2 = RW once, at open.
 *  5. uc_reg_write (also of system registers through UC_ARM64_REG_CP_REG)
 *     and uc_context_restore() do not flush QEMU's TLB, and writing PSTATE
 *     does not rebuild QEMU's cached hflags (so the EL cannot be changed from
 *     outside).  The stub therefore loads MAIR/TCR/TTBR0/TTBR1/SCTLR/PAN with
 *     MSR (QEMU's write functions: TLB flush, hflags rebuild) followed by
 *     TLBI VMALLE1; DSB; ISB, and its own two virtual pages are never
 *     queried (a cached mapping there could be hit before the flush).
 *
 * The stub runs at EL1 from one of two virtual pages, UCA_STUB_VA0 (TTBR0
 * half) or UCA_STUB_VA1 (TTBR1 half): the one in the half the queried
 * address does *not* use.  That half's TTBR and TCR fields are replaced by
 * the referee's (4K granule, 48-bit, private tables); they cannot affect the
 * queried translation, so the caller's tables are used unmodified.
 *
 * Physical layout:
 *   [0, UCA_RESERVED_PA)   MMIO, mmio_*(): the caller's pages (private copy).
 *                          Walker reads, the 1-byte data accesses and the
 *                          4-byte instruction fetch arrive here.
 *   UCA_RESERVED_PA +64K   RAM: private tables (L0..L3 at +0..+0x3000), stub
 *                          code page at +0x6000 (== UCA_STUB_VA0: VA == PA).
 *   [2^48, 2^64 - 64K)     MMIO, shadow_*(): only there for unicorn's
 *                          virtual-address region check; never accessed.
 *   [2^64 - 64K, 2^64)     RAM, the same for UCA_STUB_VA1 (a copy of the stub
 *                          at +0x6000, executable so that its TBs are cached).
 */
#include "uc_arm64.h"
#include "uc_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef UCA_DEBUG
#include <stdio.h>
#endif

#include <unicorn/unicorn.h>

#define CHUNK 4096u
#define PA48  (1ULL << 48)
#define OA_MASK 0x0000fffffffff000ULL /* descriptor bits 47:12 */

/* private physical pages (RAM, inside the reserved 64 KiB) */
#define PRIV_L0  (UCA_RESERVED_PA + 0x0000)
#define PRIV_L1  (UCA_RESERVED_PA + 0x1000)
#define PRIV_L2  (UCA_RESERVED_PA + 0x2000)
#define PRIV_L3  (UCA_RESERVED_PA + 0x3000)
#define STUB_PA  (UCA_RESERVED_PA + 0x6000)
#define TOP_RAM  (0ULL - UCA_RESERVED_PA_SIZE) /* VA alias region for UCA_STUB_VA1 */
_Static_assert(STUB_PA == UCA_STUB_VA0, "stub page: VA0 == PA");
_Static_assert((UCA_STUB_VA1 & (PA48 - 1)) == UCA_STUB_VA0, "one set of private tables for both halves");
_Static_assert(UCA_STUB_VA1 - TOP_RAM == STUB_PA - UCA_RESERVED_PA, "alias offset");

/* descriptor bits */
#define D_VALID (1ULL << 0)
#define D_TABLE (1ULL << 1)
#define D_AP_RO (2ULL << 6)  /* AP[2:1] = 10: EL1 read-only, no EL0 access */
#define D_SH_IS (3ULL << 8)
#define D_AF    (1ULL << 10)
#define D_UXN   (1ULL << 54)

/* TCR_EL1: per-half fields, and the referee's values for its half
 * (4K granule, T*SZ = 16, walks cacheable, inner shareable). */
#define TCR_HALF0 (0xffffULL | 1ULL << 37 | 1ULL << 41 | 0xfULL << 43 | 1ULL << 51 | \
		   1ULL << 53 | 1ULL << 55 | 1ULL << 57)
#define TCR_HALF1 (0xffbf0000ULL | 1ULL << 38 | 1ULL << 42 | 0xfULL << 47 | 1ULL << 52 | \
		   1ULL << 54 | 1ULL << 56 | 1ULL << 58)
#define TCR_PRIV0 0x00003510ULL /* T0SZ 16, IRGN0/ORGN0 WB, SH0 inner, TG0 4K */
#define TCR_PRIV1 0xb5100000ULL /* T1SZ 16, IRGN1/ORGN1 WB, SH1 inner, TG1 4K */
#define TCR_IPS48 (5ULL << 32)

#define SCTLR_M   (1ULL << 0)
#define SCTLR_E0E (1ULL << 24)
#define SCTLR_EE  (1ULL << 25)
#define PSTATE_PAN (1ULL << 22)
#define PSTATE_EL1H_MASKED 0x3c5ULL

/* QEMU exception numbers seen by UC_HOOK_INTR */
#define EXCP_PREFETCH_ABORT 3
#define EXCP_DATA_ABORT     4
#define EXCP_BKPT           7

/* ------------------------------------------------------------- the stub */

/* A64 encodings (checked against clang's assembler) */
#define I_MSR_MAIR_X5   0xd518a205u
#define I_MSR_TCR_X2    0xd5182042u
#define I_MSR_TTBR0_X3  0xd5182003u
#define I_MSR_TTBR1_X4  0xd5182024u
#define I_MSR_SCTLR_X6  0xd5181006u
#define I_MSR_PAN_X7    0xd5184267u /* msr S3_0_C4_C2_3 (PAN), x7 */
#define I_TLBI_VMALLE1  0xd508871fu
#define I_DSB_ISH       0xd5033b9fu
#define I_ISB           0xd5033fdfu
#define I_BR_X8         0xd61f0100u
#define I_AT_S1E1R_X1   0xd5087801u
#define I_AT_S1E1W_X1   0xd5087821u
#define I_AT_S1E1RP_X1  0xd5087901u
#define I_AT_S1E1WP_X1  0xd5087921u
#define I_AT_S1E0R_X1   0xd5087841u
#define I_AT_S1E0W_X1   0xd5087861u
#define I_MRS_X0_PAR    0xd5387400u
#define I_TBNZ_W0_0_P16 0x37000080u /* tbnz w0, #0, .+16 */
#define I_UBFX_X11      0xd350bc0bu /* ubfx x11, x0, #16, #32 */
#define I_CMP_X11_X12   0xeb0c017fu
#define I_BEQ           0x54000000u /* b.eq, imm19 at bit 5 */
#define I_LDRB_W10_X1   0x3940002au
#define I_STRB_WZR_X1   0x3900003fu
#define I_LDTRB_W10_X1  0x3840082au
#define I_STTRB_WZR_X1  0x3800083fu
#define I_RET_X1        0xd65f0020u
#define I_MSR_ELR_X1    0xd5184021u
#define I_MSR_SPSR_X9   0xd5184009u
#define I_ERET          0xd69f03e0u
#define I_BRK(n)        (0xd4200000u | ((uint32_t)(n) << 5))

#define BRK_DONE 1
#define BRK_SKIP 3
#define SENTINEL I_BRK(0x5ca)   /* what an instruction fetch of the queried VA reads */
#define FILL     I_BRK(0xbad)

/* stub page layout */
#define OFF_ENTRY  0x000
#define OFF_OPS    0x100
#define OP_STRIDE  0x40
#define OP_ACCESS  0x1c  /* offset of the access instruction in an op block */
#define OP_DONE    0x20  /* brk #DONE after a data access */
#define OFF_SKIP   0xf00 /* brk #SKIP: the access would reach the reserved range */
#define OFF_UNTIL  0xff0 /* uc_emu_start "until": never reached */

enum op {
	OP_R_EL1, OP_R_EL1_PAN, OP_W_EL1, OP_W_EL1_PAN, OP_R_EL0, OP_W_EL0,
	OP_X_EL1, OP_X_EL0, NOPS
};

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void build_stub(uint8_t *pg)
{
	for (unsigned i = 0; i < CHUNK; i += 4)
		put32(pg + i, FILL);
	static const uint32_t entry[] = {
		I_MSR_MAIR_X5, I_MSR_TCR_X2, I_MSR_TTBR0_X3, I_MSR_TTBR1_X4, I_MSR_SCTLR_X6,
		I_MSR_PAN_X7, I_TLBI_VMALLE1, I_DSB_ISH, I_ISB, I_BR_X8,
	};
	for (unsigned i = 0; i < sizeof entry / sizeof entry[0]; i++)
		put32(pg + OFF_ENTRY + 4 * i, entry[i]);
	static const uint32_t at[NOPS] = {
		I_AT_S1E1R_X1, I_AT_S1E1RP_X1, I_AT_S1E1W_X1, I_AT_S1E1WP_X1,
		I_AT_S1E0R_X1, I_AT_S1E0W_X1, I_AT_S1E1R_X1, I_AT_S1E1R_X1,
	};
	static const uint32_t access[NOPS] = {
		I_LDRB_W10_X1, I_LDRB_W10_X1, I_STRB_WZR_X1, I_STRB_WZR_X1,
		I_LDTRB_W10_X1, I_STTRB_WZR_X1, I_RET_X1, I_MSR_ELR_X1,
	};
	for (unsigned k = 0; k < NOPS; k++) {
		uint8_t *b = pg + OFF_OPS + OP_STRIDE * k;
		uint32_t beq_at = OFF_OPS + OP_STRIDE * k + 0x18;
		put32(b + 0x00, at[k]);
		put32(b + 0x04, I_ISB);
		put32(b + 0x08, I_MRS_X0_PAR);
		put32(b + 0x0c, I_TBNZ_W0_0_P16);  /* AT faulted: the access faults too */
		put32(b + 0x10, I_UBFX_X11);       /* PAR.PA[47:16] */
		put32(b + 0x14, I_CMP_X11_X12);    /* x12 = UCA_RESERVED_PA >> 16 */
		put32(b + 0x18, I_BEQ | (((OFF_SKIP - beq_at) / 4) << 5));
		put32(b + OP_ACCESS, access[k]);
		if (k == OP_X_EL0) {
			put32(b + 0x20, I_MSR_SPSR_X9); /* x9 = 0: EL0t */
			put32(b + 0x24, I_ERET);
		} else {
			put32(b + OP_DONE, I_BRK(BRK_DONE));
		}
	}
	put32(pg + OFF_SKIP, I_BRK(BRK_SKIP));
}

/* ---------------------------------------------------------------- state */

struct chunk {
	uint64_t pa;
	uint8_t b[CHUNK];
};

/* QEMU 5.0's walk parameters (get_phys_addr_lpae + aa64_va_parameters)
 * for one access kind; used to recognise the walker's reads. */
struct walkp {
	bool walks;        /* false: fault before any read (range check or EPD) */
	bool epd;
	int half;          /* VA bit 55 */
	unsigned tsz_raw, tsz, stride, inputsize;
	int start;         /* start level */
	uint64_t addr;     /* va reduced to inputsize bits */
	uint64_t root;     /* root table address */
	uint64_t imask0, imaskg, dmask;
	unsigned tg_dev;   /* UCA_DEV_TG if the TG encoding is reserved */
};

struct walkrec {
	unsigned n;
	uint64_t pa[UCA_WALK_MAX], val[UCA_WALK_MAX];
	int level;         /* level of the next / last descriptor */
	uint64_t next;     /* address of the next descriptor */
	bool done, leaf;
	uint64_t leaf_oa;  /* QEMU's output address for va (leaf) */
};

struct uca {
	uc_engine *uc;
	uc_hook h_intr, h_inval;
	uc_context *pristine, *scratch;
	size_t ctx_size;
	long exc_off;      /* offset of env->exception.syndrome in a context, or -1 */
	uint64_t sctlr0;   /* SCTLR_EL1 of the pristine state */

	/* caller's physical memory, 4 KiB chunks + open-addressing hash */
	struct chunk *chunks;
	size_t nchunks;
	uint32_t *hash;
	size_t hmask;

	/* per-query state, used by the callbacks */
	enum uca_access acc;
	struct walkp wp[2]; /* walk 1: the stub's AT, walk 2: the access */
	struct walkrec w[2];
	unsigned nw;
	bool half_pending;  /* low half of a descriptor read, high half due */
	uint64_t half_pa;
	unsigned naccess;   /* 1-byte data accesses / 4-byte fetch reads */
	uint64_t access_pa;
	bool unlisted;
	uint64_t unlisted_pa;
	bool got_intr, stopped;
	uint32_t intno;
	uint64_t pc;
	int cb_err;
	unsigned long nhook; /* statistics: unicorn region-check hooks */
};

/* ---------------------------------------------------------------- helpers */

static bool in_reserved(uint64_t pa)
{
	return pa >= UCA_RESERVED_PA && pa < UCA_RESERVED_PA + UCA_RESERVED_PA_SIZE;
}

/* The address as QEMU uses it after top-byte cleaning: bit 55 copied up. */
static uint64_t clean_tbi(uint64_t va)
{
	return (va & (1ULL << 55)) ? va | 0xff00000000000000ULL : va & 0x00ffffffffffffffULL;
}

const char *uca_fault_type_name(enum uca_fault_type t)
{
	switch (t) {
	case UCA_FT_NONE: return "none";
	case UCA_FT_ADDRESS_SIZE: return "address size";
	case UCA_FT_TRANSLATION: return "translation";
	case UCA_FT_ACCESS_FLAG: return "access flag";
	case UCA_FT_PERMISSION: return "permission";
	default: return "other";
	}
}

static enum uca_fault_type fsc_type(unsigned fsc)
{
	switch (fsc >> 2) {
	case 0: return UCA_FT_ADDRESS_SIZE;
	case 1: return UCA_FT_TRANSLATION;
	case 2: return UCA_FT_ACCESS_FLAG;
	case 3: return UCA_FT_PERMISSION;
	default: return UCA_FT_OTHER;
	}
}

/* ---------------------------------------------------------------- memory */

static const uint8_t *chunk_of(const struct uca *x, uint64_t pa)
{
	if (!x->hash)
		return NULL;
	uint64_t pfn = pa >> 12;
	for (size_t i = hslot(pfn, x->hmask);; i = (i + 1) & x->hmask) {
		uint32_t v = x->hash[i];
		if (!v)
			return NULL;
		if (x->chunks[v - 1].pa >> 12 == pfn)
			return x->chunks[v - 1].b;
	}
}

int uca_set_memory(struct uca *x, const struct uca_page *pages, size_t n)
{
	if (!x || (n && !pages))
		return -EINVAL;
	size_t total = 0;
	for (size_t k = 0; k < n; k++) {
		size_t sz = pages[k].size;
		uint64_t pa = pages[k].pa;
		if ((sz != 4096 && sz != 16384 && sz != 65536) || (pa & (sz - 1)) ||
		    pa >= UCA_RESERVED_PA || UCA_RESERVED_PA - pa < sz)
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
			size_t i = hslot(pa >> 12, cap - 1);
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

/*
 * The parameters with which QEMU 5.0 (target/arm/helper.c,
 * aa64_va_parameters and get_phys_addr_lpae) walks for va.  'data' selects
 * TBI for data accesses (TBIn) or for instruction fetches (TBIn && !TBIDn).
 * This only serves to recognise and check the walker's reads and to derive
 * levels; the answers themselves come from QEMU.
 */
static void walk_params(const struct uca_state *st, uint64_t ttbr_q, uint64_t va, bool data,
			struct walkp *p)
{
	uint64_t tcr = st->tcr;
	memset(p, 0, sizeof(*p));
	p->half = (int)bits(va, 55, 55);
	bool u16, u64;
	unsigned tbi, tbid;
	if (p->half == 0) {
		p->tsz_raw = (unsigned)bits(tcr, 5, 0);
		u64 = bits(tcr, 14, 14);
		u16 = bits(tcr, 15, 15);
		p->epd = bits(tcr, 7, 7);
		tbi = (unsigned)bits(tcr, 37, 37);
		tbid = (unsigned)bits(tcr, 51, 51);
		p->tg_dev = bits(tcr, 15, 14) == 3 ? UCA_DEV_TG : 0;
	} else {
		unsigned tg = (unsigned)bits(tcr, 31, 30);
		p->tsz_raw = (unsigned)bits(tcr, 21, 16);
		u16 = tg == 1;
		u64 = tg == 3;
		p->epd = bits(tcr, 23, 23);
		tbi = (unsigned)bits(tcr, 38, 38);
		tbid = (unsigned)bits(tcr, 52, 52);
		p->tg_dev = tg == 0 ? UCA_DEV_TG : 0;
	}
	p->tsz = p->tsz_raw < 16 ? 16 : p->tsz_raw > 39 ? 39 : p->tsz_raw;
	if (!data)
		tbi &= !tbid;
	p->inputsize = 64 - p->tsz;
	unsigned addrsize = 64 - 8 * tbi;
	p->stride = u64 ? 13 : u16 ? 11 : 9;
	p->start = 4 - (int)((p->inputsize - 4) / p->stride);
	/* region check: bits [addrsize-1:inputsize] must all equal the half */
	uint64_t top = bits(va, addrsize - 1, p->inputsize);
	uint64_t ones = (2ULL << (addrsize - 1 - p->inputsize)) - 1;
	p->walks = !p->epd && top == (p->half ? ones : 0);
	p->addr = va & ((1ULL << p->inputsize) - 1);
	p->imaskg = (1ULL << (p->stride + 3)) - 1;
	p->imask0 = (1ULL << (p->inputsize - p->stride * (unsigned)(4 - p->start))) - 1;
	p->dmask = (PA48 - 1) & ~p->imaskg;
	p->root = (ttbr_q & (PA48 - 1)) & ~p->imask0;
}

static uint64_t desc_addr(const struct walkp *p, uint64_t base, int level, uint64_t imask)
{
	unsigned shift = p->stride * (unsigned)(4 - level);
	return (base | ((p->addr >> shift) & imask)) & ~7ULL;
}

/* ------------------------------------------------------------- callbacks */

static void fail(struct uca *x, int err)
{
	if (!x->cb_err)
		x->cb_err = err;
}

/* One descriptor read by QEMU's walker (the low half, or all 8 bytes). */
static uint64_t walker_read(struct uca *x, uint64_t pa)
{
	struct walkrec *w = x->nw ? &x->w[x->nw - 1] : NULL;
	if (!w || w->done) {
		/* must be the first descriptor of the next expected walk */
		if (x->nw >= 2 || !x->wp[x->nw].walks) {
			fail(x, -EIO);
			return 0;
		}
		const struct walkp *p = &x->wp[x->nw];
		w = &x->w[x->nw++];
		memset(w, 0, sizeof(*w));
		w->level = p->start;
		w->next = desc_addr(p, p->root, p->start, p->imask0);
	}
	const struct walkp *p = &x->wp[x->nw - 1];
	if (pa != w->next || w->n >= UCA_WALK_MAX) {
		fail(x, -EIO);   /* not the read our model of QEMU's walk expects */
		return 0;
	}
	const uint8_t *c = chunk_of(x, pa);
	uint64_t d = 0;
	if (c) {
		d = ld_le(c + (pa & (CHUNK - 1)), 8);
	} else if (!x->unlisted) {
		x->unlisted = true;
		x->unlisted_pa = pa;
	}
	w->pa[w->n] = pa;
	w->val[w->n] = d;
	w->n++;
	if (!(d & D_VALID) || (!(d & D_TABLE) && w->level == 3)) {
		w->done = true;  /* translation fault at this level */
	} else if ((d & D_TABLE) && w->level < 3) {
		uint64_t base = d & p->dmask;
		if (in_reserved(base))
			fail(x, -EINVAL);  /* the caller's table points at the referee */
		w->level++;
		w->next = desc_addr(p, base, w->level, p->imaskg);
	} else {
		unsigned shift = p->stride * (unsigned)(4 - w->level) + 3;
		w->done = true;
		w->leaf = true;
		w->leaf_oa = (d & p->dmask) | (p->addr & ((1ULL << shift) - 1));
	}
	return d;
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct uca *x = ud;
	uint64_t pa = off;
	(void)uc;
	if (x->stopped)
		return 0;
	if (size == 1 && x->acc != UCA_FETCH && x->nw == 2 && x->w[1].leaf && !x->half_pending) {
		/* the queried 1-byte load (LDRB/LDTRB) */
		if (x->naccess++ && x->access_pa != pa)
			fail(x, -EIO);
		x->access_pa = pa;
		return 0;
	}
	if (size == 4 && x->acc == UCA_FETCH && x->nw == 2 && x->w[1].leaf && !x->half_pending) {
		/* the instruction fetch of the queried address */
		if (x->naccess++ && x->access_pa != pa)
			fail(x, -EIO);
		x->access_pa = pa;
		return SENTINEL;
	}
	if (size == 8 && !(pa & 7) && !x->half_pending)
		return walker_read(x, pa);
	if (size == 4 && !(pa & 7) && !x->half_pending) {
		x->half_pending = true;
		x->half_pa = pa;
		return walker_read(x, pa) & 0xffffffffu;
	}
	if (size == 4 && (pa & 7) == 4 && x->half_pending && x->half_pa + 4 == pa) {
		x->half_pending = false;
		if (!x->nw || !x->w[x->nw - 1].n)
			return 0; /* the low half already failed the query */
		const struct walkrec *w = &x->w[x->nw - 1];
		return w->val[w->n - 1] >> 32;
	}
	fail(x, -EIO);
	return 0;
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
	struct uca *x = ud;
	(void)uc;
	(void)value;
	if (x->stopped)
		return;
	if (size == 1 && x->acc == UCA_WRITE && x->nw == 2 && x->w[1].leaf) {
		/* the queried 1-byte store (STRB/STTRB): not applied */
		if (x->naccess++ && x->access_pa != off)
			fail(x, -EIO);
		x->access_pa = off;
		return;
	}
	fail(x, -EIO); /* QEMU 5.0 never writes descriptors (no hardware AF/DBM) */
}

/* Above 2^48 only unicorn's virtual-address region checks look. */
static uint64_t shadow_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	(void)uc; (void)off; (void)size;
	fail(ud, -EIO);
	return 0;
}

static void shadow_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
	(void)uc; (void)off; (void)size; (void)value;
	fail(ud, -EIO);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct uca *x = ud;
	if (!x->got_intr) {
		x->got_intr = true;
		x->intno = intno;
		if (uc_reg_read(uc, UC_ARM64_REG_PC, &x->pc))
			fail(x, -EIO);
		/* the syndrome QEMU computed (not delivered to ESR_EL1) */
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
	struct uca *x = ud;
	(void)uc; (void)type; (void)addr; (void)size; (void)value;
	x->nhook++;
	return true;
}

/* ---------------------------------------------------------------- set-up */

static int wreg(uc_engine *uc, int id, uint64_t v)
{
	return uerr(uc_reg_write(uc, id, &v));
}

static int sysreg(uc_engine *uc, bool write, unsigned op0, unsigned op1, unsigned crn,
		  unsigned crm, unsigned op2, uint64_t *v)
{
	uc_arm64_cp_reg r = { .crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2,
			      .val = write ? *v : 0 };
	int e = uerr(write ? uc_reg_write(uc, UC_ARM64_REG_CP_REG, &r)
			   : uc_reg_read(uc, UC_ARM64_REG_CP_REG, &r));
	if (!write)
		*v = r.val;
	return e;
}

static int map_memory(struct uca *x)
{
	int r;
	uint8_t *ram = calloc(1, UCA_RESERVED_PA_SIZE);
	if (!ram)
		return -ENOMEM;
	const uint64_t tbl = D_VALID | D_TABLE;
	const uint64_t l3i = bits(STUB_PA, 20, 12);
	st_le(ram + (PRIV_L0 - UCA_RESERVED_PA) + 8 * bits(STUB_PA, 47, 39), 8, PRIV_L1 | tbl);
	st_le(ram + (PRIV_L1 - UCA_RESERVED_PA) + 8 * bits(STUB_PA, 38, 30), 8, PRIV_L2 | tbl);
	st_le(ram + (PRIV_L2 - UCA_RESERVED_PA) + 8 * bits(STUB_PA, 29, 21), 8, PRIV_L3 | tbl);
	st_le(ram + (PRIV_L3 - UCA_RESERVED_PA) + 8 * l3i, 8,
	      STUB_PA | D_VALID | D_TABLE | D_AP_RO | D_SH_IS | D_AF | D_UXN);
	build_stub(ram + (STUB_PA - UCA_RESERVED_PA));

	if ((r = uerr(uc_mmio_map(x->uc, 0, (size_t)UCA_RESERVED_PA, mmio_read, x, mmio_write, x))))
		goto out;
	if ((r = uerr(uc_mem_map(x->uc, UCA_RESERVED_PA, UCA_RESERVED_PA_SIZE, UC_PROT_ALL))) ||
	    (r = uerr(uc_mem_write(x->uc, UCA_RESERVED_PA, ram, UCA_RESERVED_PA_SIZE))))
		goto out;
	if ((r = uerr(uc_mmio_map(x->uc, PA48, (size_t)(TOP_RAM - PA48), shadow_read, x,
				  shadow_write, x))))
		goto out;
	/* VA alias of the TTBR1-half stub page: only the stub page is filled */
	memset(ram, 0, UCA_RESERVED_PA_SIZE);
	build_stub(ram + (STUB_PA - UCA_RESERVED_PA));
	if ((r = uerr(uc_mem_map(x->uc, TOP_RAM, UCA_RESERVED_PA_SIZE, UC_PROT_ALL))) ||
	    (r = uerr(uc_mem_write(x->uc, TOP_RAM, ram, UCA_RESERVED_PA_SIZE))))
		goto out;
out:
	free(ram);
	return r;
}

/* Non-secure EL1 in AArch64 with the MMU on and the private tables in both
 * halves; saved as the pristine context every query starts from. */
static int setup_cpu(struct uca *x)
{
	uc_engine *uc = x->uc;
	uint64_t v, sctlr = 0, mmfr1 = 0;
	int r;
	/* ID_AA64MMFR1_EL1.PAN >= 2: PAN and AT S1E1RP/S1E1WP */
	if ((r = sysreg(uc, false, 3, 0, 0, 7, 1, &mmfr1)))
		return r;
	if (bits(mmfr1, 23, 20) < 2)
		return -ENOTSUP;
	v = 0x401; /* SCR_EL3: NS | RW (Non-secure, EL2/EL1 AArch64) */
	if ((r = sysreg(uc, true, 3, 6, 1, 1, 0, &v)))
		return r;
	v = 1ULL << 31; /* HCR_EL2: RW (EL1 AArch64), no stage 2 */
	if ((r = sysreg(uc, true, 3, 4, 1, 1, 0, &v)))
		return r;
	v = 0xff; /* MAIR_EL1 */
	if ((r = sysreg(uc, true, 3, 0, 10, 2, 0, &v)))
		return r;
	v = TCR_PRIV0 | TCR_PRIV1 | TCR_IPS48;
	if ((r = sysreg(uc, true, 3, 0, 2, 0, 2, &v)))
		return r;
	if ((r = wreg(uc, UC_ARM64_REG_TTBR0_EL1, PRIV_L0)) ||
	    (r = wreg(uc, UC_ARM64_REG_TTBR1_EL1, PRIV_L0)))
		return r;
	if ((r = sysreg(uc, false, 3, 0, 1, 0, 0, &sctlr)))
		return r;
	sctlr = (sctlr | SCTLR_M) & ~(SCTLR_EE | SCTLR_E0E);
	x->sctlr0 = sctlr;
	if ((r = sysreg(uc, true, 3, 0, 1, 0, 0, &sctlr)))
		return r;
	v = PSTATE_EL1H_MASKED;
	if ((r = uerr(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &v))))
		return r;
	uint64_t ps = 0;
	if ((r = uerr(uc_reg_read(uc, UC_ARM64_REG_PSTATE, &ps))) || (ps & 0xf) != 5)
		return r ? r : -EIO;
	/* Run the stub's MSR sequence once: QEMU's cached hflags (EL, security
	 * state, MMU index, TBI...) still describe the reset state (Secure
	 * EL1) until an MSR rebuilds them.  The pristine context is saved after
	 * that, so that it is consistent. */
	if ((r = wreg(uc, UC_ARM64_REG_X2, TCR_PRIV0 | TCR_PRIV1 | TCR_IPS48)) ||
	    (r = wreg(uc, UC_ARM64_REG_X3, PRIV_L0)) || (r = wreg(uc, UC_ARM64_REG_X4, PRIV_L0)) ||
	    (r = wreg(uc, UC_ARM64_REG_X5, 0xff)) || (r = wreg(uc, UC_ARM64_REG_X6, sctlr)) ||
	    (r = wreg(uc, UC_ARM64_REG_X7, 0)) || (r = wreg(uc, UC_ARM64_REG_X8, UCA_STUB_VA0 + OFF_SKIP)))
		return r;
	x->got_intr = x->stopped = false;
	x->cb_err = 0;
	uc_err e = uc_emu_start(uc, UCA_STUB_VA0 + OFF_ENTRY, UCA_STUB_VA0 + OFF_UNTIL, 0, 0);
	if (e != UC_ERR_OK || x->cb_err || !x->got_intr || x->intno != EXCP_BKPT ||
	    x->pc != UCA_STUB_VA0 + OFF_SKIP)
		return -EIO;
	/* constants the stub uses */
	if ((r = wreg(uc, UC_ARM64_REG_X12, UCA_RESERVED_PA >> 16)) ||
	    (r = wreg(uc, UC_ARM64_REG_X9, 0)))
		return r;
	return uerr(uc_context_save(uc, x->pristine));
}

static int run_query(struct uca *x, const struct uca_state *st, uint64_t va,
		     enum uca_access acc, bool el0, struct uca_result *out);

/* Find env->exception {syndrome, fsr, vaddress} in the context blob: three
 * data aborts at distinct addresses with distinct fault status codes. */
static int find_exception(struct uca *x)
{
	uint8_t (*t)[CHUNK] = calloc(3, CHUNK);
	uc_context *c[3] = { NULL, NULL, NULL };
	int r = -EIO;
	if (!t)
		return -ENOMEM;
	/* T0SZ 25 (39-bit), 4K: root (level 1) 0x1000 -> L2 0x2000 -> L3 0x3000 */
	const uint64_t tbl = D_VALID | D_TABLE;
	st_le(t[0] + 8, 8, 0x2000 | tbl);
	st_le(t[1] + 8, 8, 0x3000 | tbl);
	st_le(t[2] + 0, 8, 0x7000 | D_VALID | D_TABLE); /* AF = 0 */
	const struct uca_page pg[3] = {
		{ 0x1000, t[0], CHUNK }, { 0x2000, t[1], CHUNK }, { 0x3000, t[2], CHUNK },
	};
	static const struct { uint64_t va; unsigned fsc; } cal[3] = {
		{ 0x0000001234567ab8ULL, 0x05 },  /* translation, level 1 */
		{ 0x0000000040012345ULL, 0x06 },  /* translation, level 2 */
		{ 0x0000000040200abcULL, 0x0b },  /* access flag, level 3 */
	};
	const struct uca_state st = { .ttbr0 = 0x1000, .ttbr1 = 0x1000,
				      .tcr = 25 | TCR_PRIV1 | TCR_IPS48, .mair = 0xff,
				      .sctlr = x->sctlr0 };
	if ((r = uca_set_memory(x, pg, 3)))
		goto out;
	r = -EIO;
	for (int k = 0; k < 3; k++) {
		struct uca_result res;
		if (uc_context_alloc(x->uc, &c[k]))
			goto out;
		if (run_query(x, &st, cal[k].va, UCA_READ, false, &res) || !res.fault ||
		    res.fsc != cal[k].fsc || x->intno != EXCP_DATA_ABORT)
			goto out;
		memcpy(c[k], x->scratch, x->ctx_size); /* saved by on_intr at the abort */
	}
	long found = -1;
	for (size_t i = 8; i + 8 <= x->ctx_size; i += 8) {
		bool all = true;
		for (int k = 0; k < 3 && all; k++) {
			const uint8_t *b = (const uint8_t *)c[k];
			uint32_t syn = (uint32_t)ld_le(b + i - 8, 4), fsr = (uint32_t)ld_le(b + i - 4, 4);
			all = ld_le(b + i, 8) == cal[k].va && (syn >> 26) == 0x25 &&
			      (syn & 0x3f) == cal[k].fsc && (fsr & 0x3f) == cal[k].fsc;
		}
		if (all) {
			if (found >= 0) {
				found = -1;
				break;
			}
			found = (long)(i - 8);
		}
	}
	if (found >= 0) {
		x->exc_off = found;
		r = 0;
	}
out:
	for (int k = 0; k < 3; k++)
		if (c[k])
			uc_context_free(c[k]);
	(void)uca_set_memory(x, NULL, 0);
	free(t);
	return r;
}

int uca_open(struct uca **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	struct uca *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->exc_off = -1;
	int r = -EIO;
	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &x->uc)) {
		x->uc = NULL;
		goto fail;
	}
	/* 'max': PAN, ATS1E1 (AT S1E1RP/WP), HPDS, all three granules */
	if (uc_ctl_set_cpu_model(x->uc, UC_CPU_ARM64_MAX))
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
	uca_close(x);
	return r ? r : -EIO;
}

void uca_close(struct uca *x)
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

static unsigned ips_bits(uint64_t tcr)
{
	static const unsigned b[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	unsigned v = b[bits(tcr, 34, 32)];
	return v < UCA_PA_BITS ? v : UCA_PA_BITS;
}

/* Where QEMU's walk (shown in out) departs from the architecture. */
static unsigned deviations(const struct uca_state *st, uint64_t ttbr_q, const struct walkp *p,
			   const struct walkrec *w)
{
	unsigned dev = p->tg_dev;
	if (p->tsz_raw != p->tsz)
		dev |= UCA_DEV_TXSZ;
	if (!w || !w->n)
		return dev;
	const uint64_t above = (PA48 - 1) & ~((1ULL << ips_bits(st->tcr)) - 1);
	if (ttbr_q & above)
		dev |= UCA_DEV_ADDR_SIZE;
	if (ttbr_q & p->imask0 & ~1ULL)
		dev |= UCA_DEV_TTBR_ALIGN;
	int level = p->start;
	for (unsigned i = 0; i < w->n; i++, level++) {
		uint64_t d = w->val[i];
		if (!(d & D_VALID) || (!(d & D_TABLE) && level == 3))
			break;
		if (d & p->dmask & above)
			dev |= UCA_DEV_ADDR_SIZE;
		if (!(d & D_TABLE)) { /* block */
			unsigned shift = p->stride * (unsigned)(4 - level) + 3;
			if (level == 0 || (level == 1 && p->stride != 9))
				dev |= UCA_DEV_BLOCK_LEVEL;
			if (d & ((1ULL << shift) - 1) & ~p->imaskg)
				dev |= UCA_DEV_BLOCK_RES0;
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

static int run_query(struct uca *x, const struct uca_state *st, uint64_t va,
		     enum uca_access acc, bool el0, struct uca_result *out)
{
	memset(out, 0, sizeof(*out));
	out->level = out->start_level = out->leaf_level = -1;
	if (!(st->sctlr & SCTLR_M) || (st->sctlr & (SCTLR_EE | SCTLR_E0E)))
		return -EINVAL;
	if (acc == UCA_FETCH && (va & 3))
		return -EINVAL;
	/* the stub's pages, with any top byte (cached TLB entries there would
	 * be used by the stub before it flushes) */
	const uint64_t m = 0x00fffffffffff000ULL;
	if ((va & m) == (UCA_STUB_VA0 & m) || (va & m) == (UCA_STUB_VA1 & m))
		return -EADDRINUSE;

	const int qh = (int)bits(va, 55, 55); /* the half the query uses */
	const uint64_t ttbr_q = qh ? st->ttbr1 : st->ttbr0;
	walk_params(st, ttbr_q, va, true, &x->wp[0]);
	walk_params(st, ttbr_q, va, acc != UCA_FETCH, &x->wp[1]);
	const struct walkp *p = &x->wp[1];
	if (!p->epd) {
		if (in_reserved(p->root))
			return -EINVAL;
		if (!chunk_of(x, p->root))
			return -ENOENT;
	}

	/* the stub runs in the other half, with the referee's TTBR and TCR fields */
	uint64_t tcr = qh ? (st->tcr & ~TCR_HALF0) | TCR_PRIV0 : (st->tcr & ~TCR_HALF1) | TCR_PRIV1;
	uint64_t ttbr0 = qh ? PRIV_L0 : st->ttbr0, ttbr1 = qh ? st->ttbr1 : PRIV_L0;
	uint64_t stub = qh ? UCA_STUB_VA0 : UCA_STUB_VA1;
	enum op op;
	switch (acc) {
	case UCA_READ: op = el0 ? OP_R_EL0 : st->pan ? OP_R_EL1_PAN : OP_R_EL1; break;
	case UCA_WRITE: op = el0 ? OP_W_EL0 : st->pan ? OP_W_EL1_PAN : OP_W_EL1; break;
	default: op = el0 ? OP_X_EL0 : OP_X_EL1; break;
	}
	const uint64_t opva = stub + OFF_OPS + OP_STRIDE * (unsigned)op;

	x->acc = acc;
	x->nw = 0;
	memset(x->w, 0, sizeof x->w);
	x->half_pending = false;
	x->naccess = 0;
	x->access_pa = 0;
	x->unlisted = false;
	x->unlisted_pa = 0;
	x->got_intr = x->stopped = false;
	x->intno = 0;
	x->pc = 0;
	x->cb_err = 0;

	int r = -EIO;
	uc_engine *uc = x->uc;
	if (uc_context_restore(uc, x->pristine))
		return -EIO;
	if ((r = wreg(uc, UC_ARM64_REG_X1, va)) || (r = wreg(uc, UC_ARM64_REG_X2, tcr)) ||
	    (r = wreg(uc, UC_ARM64_REG_X3, ttbr0)) || (r = wreg(uc, UC_ARM64_REG_X4, ttbr1)) ||
	    (r = wreg(uc, UC_ARM64_REG_X5, st->mair)) || (r = wreg(uc, UC_ARM64_REG_X6, st->sctlr)) ||
	    (r = wreg(uc, UC_ARM64_REG_X7, st->pan ? PSTATE_PAN : 0)) ||
	    (r = wreg(uc, UC_ARM64_REG_X8, opva)))
		return r;

	uc_err e = uc_emu_start(uc, stub + OFF_ENTRY, stub + OFF_UNTIL, 0, 0);

	uint64_t par = 0;
	(void)uc_reg_read(uc, UC_ARM64_REG_X0, &par);
#ifdef UCA_DEBUG
	fprintf(stderr, "uca dbg: e=%d intr=%d intno=%u pc=%llx par=%llx nw=%u n=%u/%u naccess=%u apa=%llx cb_err=%d hooks=%lu\n",
		e, x->got_intr, x->intno, (unsigned long long)x->pc, (unsigned long long)par, x->nw,
		x->w[0].n, x->w[1].n, x->naccess, (unsigned long long)x->access_pa, x->cb_err, x->nhook);
#endif
	if (x->cb_err)
		return x->cb_err;
	r = -EIO;
	if (e != UC_ERR_OK || !x->got_intr || x->half_pending)
		return r;
	if (x->intno == EXCP_BKPT && x->pc == stub + OFF_SKIP)
		return -EINVAL; /* the address maps into the referee's reserved range */

	/* the walks: one for the stub's AT, one for the access or fetch */
	unsigned want_nw = (x->wp[0].walks ? 1u : 0u) + (x->wp[1].walks ? 1u : 0u);
	if (x->nw != want_nw || (x->nw && !x->w[x->nw - 1].done))
		return r;
	if (x->nw == 2 && !same_walk(&x->w[0], &x->w[1]))
		return r;
	/* the walk of the access or fetch itself (a fetch of a tagged address
	 * with TBIDn = 1 has none, although the AT walked) */
	const struct walkrec *w = x->wp[1].walks ? &x->w[x->nw - 1] : NULL;
	out->par = par;
	out->unlisted = x->unlisted;
	out->unlisted_pa = x->unlisted_pa;
	if (w) {
		out->nwalk = w->n;
		memcpy(out->walk_pa, w->pa, sizeof out->walk_pa);
		memcpy(out->walk_val, w->val, sizeof out->walk_val);
	}
	out->start_level = p->walks ? p->start : -1;
	out->deviation = deviations(st, ttbr_q, p, w);

	const bool par_f = par & 1;
	const unsigned par_fst = (unsigned)bits(par, 6, 1);
	const uint64_t par_pa = par & OA_MASK;
	const uint64_t low56 = 0x00ffffffffffffffULL;
	bool fault;
	unsigned fsc = 0;
	if (acc != UCA_FETCH) {
		if (x->intno == EXCP_BKPT && x->pc == opva + OP_DONE) {
			/* the access went through: AT must agree, to the byte */
			if (par_f || x->naccess != 1 || x->access_pa != (par_pa | (va & 0xfff)))
				return r;
			fault = false;
		} else if (x->intno == EXCP_DATA_ABORT && x->pc == opva + OP_ACCESS) {
			const uint8_t *b = (const uint8_t *)x->scratch + x->exc_off;
			out->esr = x->exc_off >= 0 ? (uint32_t)ld_le(b, 4) : 0;
			out->far = x->exc_off >= 0 ? ld_le(b + 8, 8) : 0;
			fsc = par_fst;
			if (!par_f || x->naccess)
				return r;
			if (x->exc_off >= 0 &&
			    ((out->esr >> 26) != 0x25 || (out->esr & 0x3f) != fsc ||
			     ((out->esr >> 6) & 1) != (acc == UCA_WRITE) || (out->far & low56) != (va & low56)))
				return r;
			fault = true;
		} else {
			return r;
		}
	} else {
		const bool at_pc = x->pc == va || x->pc == clean_tbi(va);
		if (x->intno == EXCP_BKPT && at_pc && x->naccess >= 1) {
			/* the sentinel was fetched from the translated address */
			if (!par_f && par_pa != (x->access_pa & OA_MASK))
				return r;
			fault = false;
		} else if (x->intno == EXCP_PREFETCH_ABORT && at_pc && !x->naccess) {
			if (x->exc_off < 0)
				return r;
			const uint8_t *b = (const uint8_t *)x->scratch + x->exc_off;
			out->esr = (uint32_t)ld_le(b, 4);
			out->far = ld_le(b + 8, 8);
			fsc = out->esr & 0x3f;
			if ((out->esr >> 26) != (el0 ? 0x20u : 0x21u) || out->far != x->pc)
				return r;
			/* a translation/access flag fault at AT S1E1R is the same for
			 * the fetch; if AT succeeded only a permission fault remains.
			 * (TBIDn = 1: the fetch of a tagged address fails the range
			 * check, a level 0 translation fault, whatever AT saw.) */
			if (!x->wp[1].walks) {
				if (fsc != 0x04)
					return r;
			} else if (par_f ? fsc != par_fst : fsc_type(fsc) != UCA_FT_PERMISSION) {
				return r;
			}
			fault = true;
		} else {
			return r;
		}
	}
	out->fault = fault;
	if (fault) {
		out->fsc = fsc;
		out->type = fsc_type(fsc);
		out->level = out->type == UCA_FT_OTHER ? -1 : (int)(fsc & 3);
		if (w && w->leaf)
			out->leaf_level = p->start + (int)w->n - 1;
	} else {
		if (!w || !w->leaf)
			return r;
		out->leaf_level = p->start + (int)w->n - 1;
		out->page_shift = p->stride * (unsigned)(4 - out->leaf_level) + 3;
		out->access_pa = x->access_pa;
		out->pa = acc == UCA_FETCH ? x->access_pa : par_pa | (va & 0xfff);
		/* our model of QEMU's walk must give the same output address */
		if (out->pa != w->leaf_oa)
			return r;
	}
	return 0;
}

int uca_query(struct uca *x, const struct uca_state *st, uint64_t va, enum uca_access acc,
	      bool el0, struct uca_result *out)
{
	if (!x || !st || !out || (acc != UCA_READ && acc != UCA_WRITE && acc != UCA_FETCH))
		return -EINVAL;
	return run_query(x, st, va, acc, el0, out);
}
