/* SPDX-License-Identifier: MIT */
/*
 * AArch64 VMSAv8-64 stage 1, EL1&0 translation regime (Arm ARM DDI 0487,
 * chapter D8): descriptor bits, the control-register fields that steer a
 * walk, and the ESR_EL1 encodings of the faults.  Names follow Linux's
 * arch/arm64/include/asm/pgtable-hwdef.h and esr.h where Linux has one.
 *
 * Formats are built from their names, "aarch64-<granule>-<VA bits>[-lpa2|-lpa]"
 * (docs/aarch64.md): ptk_format_build("aarch64-4K-48", &fmt, &err).
 */
#ifndef PTKIT_AARCH64_H
#define PTKIT_AARCH64_H

#include <stdint.h>

#include <ptkit/arch.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- descriptors (D8.3) ------------------------------------------------- */

#define PTK_A64_VALID          (1ull << 0)
#define PTK_A64_TABLE_BIT      (1ull << 1)	/* table below level 3, page at 3; 0 = block */
#define PTK_A64_TYPE_MASK      (3ull << 0)
#define PTK_A64_TYPE_BLOCK     (1ull << 0)
#define PTK_A64_TYPE_TABLE     (3ull << 0)
#define PTK_A64_TYPE_PAGE      (3ull << 0)

/* Block and page descriptors: lower attributes. */
#define PTK_A64_ATTRINDX_SHIFT 2
#define PTK_A64_ATTRINDX_MASK  (7ull << 2)	/* index into MAIR_EL1 */
#define PTK_A64_ATTRINDX(i)    ((uint64_t)(i) << 2)
#define PTK_A64_NS             (1ull << 5)	/* IGNORED in Non-secure state */
#define PTK_A64_USER           (1ull << 6)	/* AP[1]: EL0 access */
#define PTK_A64_RDONLY         (1ull << 7)	/* AP[2]: read-only */
#define PTK_A64_SH_SHIFT       8		/* SH[1:0]; OA[51:50] when TCR.DS = 1 */
#define PTK_A64_SH_MASK        (3ull << 8)
#define PTK_A64_SH_NS          0u
#define PTK_A64_SH_OS          2u
#define PTK_A64_SH_IS          3u
#define PTK_A64_SHARED         (3ull << 8)	/* Linux PTE_SHARED: Inner Shareable */
#define PTK_A64_AF             (1ull << 10)
#define PTK_A64_NG             (1ull << 11)
/* Block and page descriptors: upper attributes. */
#define PTK_A64_GP             (1ull << 50)	/* BTI guarded page */
#define PTK_A64_DBM            (1ull << 51)	/* Linux PTE_WRITE; no effect without TCR.HD */
#define PTK_A64_CONT           (1ull << 52)	/* Contiguous hint */
#define PTK_A64_PXN            (1ull << 53)
#define PTK_A64_UXN            (1ull << 54)
#define PTK_A64_SW_DIRTY       (1ull << 55)	/* Linux PTE_DIRTY: software, IGNORED */
#define PTK_A64_SW_MASK        (0xfull << 55)	/* bits 58:55, reserved for software */
#define PTK_A64_PBHA_MASK      (0xfull << 59)	/* IGNORED without FEAT_HPDS2 */
/* Table descriptors: hierarchical attributes, ANDed/ORed down the walk. */
#define PTK_A64_PXNTABLE       (1ull << 59)
#define PTK_A64_UXNTABLE       (1ull << 60)
#define PTK_A64_APTABLE_NOEL0  (1ull << 61)	/* APTable[0]: no EL0 access below */
#define PTK_A64_APTABLE_RDONLY (1ull << 62)	/* APTable[1]: no write below */
#define PTK_A64_NSTABLE        (1ull << 63)	/* IGNORED in Non-secure state */
#define PTK_A64_TABLE_ATTRS    (0xfull << 59)	/* the four that restrict access */

/* Where the top bits of a 52-bit output address go.  The address field is
 * bits 47:granule, 49:granule with TCR.DS = 1. */
#define PTK_A64_OA_DS_SHIFT    8	/* DS = 1: OA[51:50] in bits 9:8 */
#define PTK_A64_OA_LPA_SHIFT   12	/* 64K granule with FEAT_LPA: OA[51:48] in bits 15:12 */

/* ptk_prot.flags, beyond the common letters: set the Contiguous bit
 * (mk_leaf) / the Contiguous bit is set (decode).  The caller maps whole
 * aligned runs: ptk_a64_contig_entries() says how many entries. */
#define PTK_A64_PROT_CONT      PTK_PROT_CONT

/*
 * ptk_walk_acc.perm after a walk, beyond the letters: r always; w = EL1 may
 * write (AP[2] and APTable[1]); u = EL0 may read (AP[1] and APTable[0]);
 * x = the page's owner may execute (EL0 if u, else EL1); g = nG clear.
 * The rules of D8.4 for each Exception level:
 */
#define PTK_A64_ACC_PX         (1u << 16)	/* EL1 may execute: PXN, PXNTable, EL0-writable, WXN */
#define PTK_A64_ACC_UX         (1u << 17)	/* EL0 may execute: UXN, UXNTable, WXN */
#define PTK_A64_ACC_PAN        (1u << 18)	/* PSTATE.PAN = 1 denies EL1 data accesses */

/* --- TCR_EL1 (D19.2) ---------------------------------------------------- */

#define PTK_A64_TCR_T0SZ_SHIFT  0
#define PTK_A64_TCR_EPD0        (1ull << 7)
#define PTK_A64_TCR_IRGN0_SHIFT 8
#define PTK_A64_TCR_ORGN0_SHIFT 10
#define PTK_A64_TCR_SH0_SHIFT   12
#define PTK_A64_TCR_TG0_SHIFT   14	/* 0b00 4K, 0b01 64K, 0b10 16K */
#define PTK_A64_TCR_T1SZ_SHIFT  16
#define PTK_A64_TCR_A1          (1ull << 22)
#define PTK_A64_TCR_EPD1        (1ull << 23)
#define PTK_A64_TCR_IRGN1_SHIFT 24
#define PTK_A64_TCR_ORGN1_SHIFT 26
#define PTK_A64_TCR_SH1_SHIFT   28
#define PTK_A64_TCR_TG1_SHIFT   30	/* 0b01 16K, 0b10 4K, 0b11 64K */
#define PTK_A64_TCR_IPS_SHIFT   32	/* 0..6: 32, 36, 40, 42, 44, 48, 52 bits */
#define PTK_A64_TCR_IPS_MASK    (7ull << 32)
#define PTK_A64_TCR_AS          (1ull << 36)
#define PTK_A64_TCR_TBI0        (1ull << 37)
#define PTK_A64_TCR_TBI1        (1ull << 38)
#define PTK_A64_TCR_HA          (1ull << 39)	/* not modelled: no hardware AF update */
#define PTK_A64_TCR_HD          (1ull << 40)	/* not modelled: no hardware dirty state */
#define PTK_A64_TCR_HPD0        (1ull << 41)
#define PTK_A64_TCR_HPD1        (1ull << 42)
#define PTK_A64_TCR_TBID0       (1ull << 51)
#define PTK_A64_TCR_TBID1       (1ull << 52)
#define PTK_A64_TCR_NFD0        (1ull << 53)
#define PTK_A64_TCR_NFD1        (1ull << 54)
#define PTK_A64_TCR_E0PD0       (1ull << 55)
#define PTK_A64_TCR_E0PD1       (1ull << 56)
#define PTK_A64_TCR_DS          (1ull << 59)
#define PTK_A64_TCR_RGN_WBWA    1u	/* IRGNn/ORGNn: Write-Back Read/Write-Allocate */

#define PTK_A64_TCR_T0SZ(va)    ((uint64_t)(64u - (va)) << PTK_A64_TCR_T0SZ_SHIFT)
#define PTK_A64_TCR_T1SZ(va)    ((uint64_t)(64u - (va)) << PTK_A64_TCR_T1SZ_SHIFT)

static inline unsigned ptk_a64_tcr_t0sz(uint64_t tcr) { return (unsigned)(tcr & 0x3f); }
static inline unsigned ptk_a64_tcr_t1sz(uint64_t tcr) { return (unsigned)((tcr >> 16) & 0x3f); }
static inline unsigned ptk_a64_tcr_ips(uint64_t tcr) { return (unsigned)((tcr >> 32) & 7); }
/* The output-address size an IPS encoding names (0b111: reserved, read as 52). */
static inline unsigned ptk_a64_ips_bits(unsigned ips)
{
	static const uint8_t bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

	return bits[ips & 7];
}

/* --- SCTLR_EL1 (the bits translation reads) ------------------------------ */

#define PTK_A64_SCTLR_M         (1ull << 0)	/* not modelled: the format always translates */
#define PTK_A64_SCTLR_C         (1ull << 2)
#define PTK_A64_SCTLR_I         (1ull << 12)
#define PTK_A64_SCTLR_WXN       (1ull << 19)
#define PTK_A64_SCTLR_SPAN      (1ull << 23)
#define PTK_A64_SCTLR_EPAN      (1ull << 57)	/* FEAT_PAN3 */

/* --- MAIR_EL1: Linux 6.1's indices and attributes (asm/memory.h) -------- */

#define PTK_A64_MT_NORMAL        0u
#define PTK_A64_MT_NORMAL_TAGGED 1u
#define PTK_A64_MT_NORMAL_NC     2u
#define PTK_A64_MT_DEVICE_nGnRnE 3u
#define PTK_A64_MT_DEVICE_nGnRE  4u
#define PTK_A64_MAIR_DEVICE_nGnRnE 0x00u
#define PTK_A64_MAIR_DEVICE_nGnRE  0x04u
#define PTK_A64_MAIR_NORMAL_NC     0x44u
#define PTK_A64_MAIR_NORMAL_TAGGED 0xf0u
#define PTK_A64_MAIR_NORMAL        0xffu
/* MAIR_EL1_SET: MT_NORMAL_TAGGED reads as Normal until MTE is found. */
#define PTK_A64_MAIR_LINUX      0x000000040044ffffull

static inline unsigned ptk_a64_mair_attr(uint64_t mair, unsigned idx)
{
	return (unsigned)(mair >> (8 * (idx & 7))) & 0xff;
}

/* Attr<7:4> = 0000 is Device memory.  (An instruction fetch from it that
 * is not execute-never is CONSTRAINED UNPREDICTABLE; the model fetches as
 * from Normal memory, as QEMU does: docs/aarch64.md.) */
static inline int ptk_a64_mair_is_device(uint64_t mair, unsigned idx)
{
	return (ptk_a64_mair_attr(mair, idx) & 0xf0) == 0;
}

/* --- ESR_EL1 of a Data or Instruction Abort (D19.2, ESR_EL1) ----------- */

#define PTK_A64_ESR_EC_SHIFT    26
#define PTK_A64_ESR_EC_IABT_LOW 0x20u	/* Instruction Abort from EL0 */
#define PTK_A64_ESR_EC_IABT_CUR 0x21u	/* Instruction Abort from EL1 */
#define PTK_A64_ESR_EC_DABT_LOW 0x24u	/* Data Abort from EL0 */
#define PTK_A64_ESR_EC_DABT_CUR 0x25u	/* Data Abort from EL1 */
#define PTK_A64_ESR_IL          (1u << 25)	/* 32-bit instruction; 1 when ISV is 0 */
#define PTK_A64_ESR_WNR         (1u << 6)	/* Data Abort: the access was a write */
#define PTK_A64_ESR_FSC_MASK    0x3fu		/* DFSC / IFSC */

/* Fault status codes; the low two bits are the level 0..3. */
#define PTK_A64_FSC_ADDR_SIZE   0x00u
#define PTK_A64_FSC_TRANS       0x04u
#define PTK_A64_FSC_ACCESS      0x08u	/* level 0 only with FEAT_LPA2 */
#define PTK_A64_FSC_PERM        0x0cu	/* level 0 only with FEAT_LPA2 */
#define PTK_A64_FSC_SEA_TTW     0x14u	/* Synchronous External abort on a table walk */
/* Level -1 (FEAT_LPA2, 4K granule, 52-bit VA). */
#define PTK_A64_FSC_ADDR_SIZE_LM1 0x29u
#define PTK_A64_FSC_TRANS_LM1   0x2bu
#define PTK_A64_FSC_SEA_TTW_LM1 0x13u

/* The status code of a fault of type base (PTK_A64_FSC_*) at level -1..3.
 * (There is no leaf at level -1: no Access flag or Permission fault.) */
static inline unsigned ptk_a64_fsc(unsigned base, int level)
{
	if (level >= 0)
		return base | (unsigned)level;
	switch (base) {
	case PTK_A64_FSC_ADDR_SIZE: return PTK_A64_FSC_ADDR_SIZE_LM1;
	case PTK_A64_FSC_TRANS: return PTK_A64_FSC_TRANS_LM1;
	case PTK_A64_FSC_SEA_TTW: return PTK_A64_FSC_SEA_TTW_LM1;
	default: return base;
	}
}

static inline unsigned ptk_a64_esr_ec(uint64_t esr) { return (unsigned)(esr >> 26) & 0x3f; }
static inline unsigned ptk_a64_esr_fsc(uint64_t esr) { return (unsigned)esr & 0x3f; }

/* --- a built format ------------------------------------------------------ */

/* The architectural level of the format's hardware level index lvl (the
 * first index is the start level the VA size sets: -1..3). */
int ptk_a64_level(const struct ptk_format *f, unsigned lvl);
/* Translation granule: 12, 14 or 16 (log2 bytes). */
unsigned ptk_a64_granule_shift(const struct ptk_format *f);
/* TCR.DS = 1 (FEAT_LPA2, 4K/16K), and FEAT_LPA's 52-bit output (64K). */
int ptk_a64_ds(const struct ptk_format *f);
int ptk_a64_lpa(const struct ptk_format *f);
/* Contiguous bit: how many adjacent entries at hardware level lvl form one
 * run (16, 32 or 128), 0 where the bit is not defined.  A run covers
 * entries x level size bytes and must be aligned to that in VA and PA. */
unsigned ptk_a64_contig_entries(const struct ptk_format *f, unsigned lvl);
/* The output-address size in force: min(TCR.IPS, the machine's PA width,
 * 48 unless TCR.DS = 1 or the 64K granule). */
unsigned ptk_a64_oa_bits(const struct ptk_format *f, const struct ptk_cpu *cpu);

#ifdef __cplusplus
}
#endif
#endif
