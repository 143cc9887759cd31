/* SPDX-License-Identifier: MIT */
/*
 * ARMv7-A VMSA, stage 1 of the Non-secure PL1&0 translation regime
 * (ARMv7-A ARM, DDI 0406C, chapter B3; ARMv8 ARM, DDI 0487, chapter G5, for
 * the AArch32 pseudocode): descriptor bits, the control-register fields
 * that steer a walk, and the DFSR/IFSR encodings of the faults.  Names
 * follow Linux's arch/arm/include/asm/pgtable-3level-hwdef.h and
 * pgtable-3level.h where Linux has one.
 *
 * The long-descriptor format (TTBCR.EAE = 1, LPAE) is built from its name,
 * "arm32-lpae[-3g|-2g]" (docs/arm32.md): ptk_format_build("arm32-lpae",
 * &fmt, &err).  The short-descriptor format (TTBCR.EAE = 0) with Linux's
 * 2-level layout (pgtable-2level.h) is "arm32" (TTBCR.N = 0, one root, as
 * Linux uses it) or "arm32-n1".."arm32-n7" (TTBR0 below 2^(32-N), TTBR1
 * above); its constants are PTK_ARM32_SD_* and PTK_ARM32_L_PTE_*.
 */
#ifndef PTKIT_ARM32_H
#define PTKIT_ARM32_H

#include <stdint.h>

#include <ptkit/arch.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- long-descriptor (LPAE) descriptors, B3.6.1 -------------------------- */

#define PTK_ARM32_LPAE_VALID          (1ull << 0)
#define PTK_ARM32_LPAE_TABLE_BIT      (1ull << 1)	/* table at levels 1-2, page at 3; 0 = block */
#define PTK_ARM32_LPAE_TYPE_MASK      (3ull << 0)
#define PTK_ARM32_LPAE_TYPE_BLOCK     (1ull << 0)	/* PMD_TYPE_SECT; reserved at level 3 */
#define PTK_ARM32_LPAE_TYPE_TABLE     (3ull << 0)	/* PMD_TYPE_TABLE */
#define PTK_ARM32_LPAE_TYPE_PAGE      (3ull << 0)	/* PTE_TYPE_PAGE */

/* Block and page descriptors: lower attributes. */
#define PTK_ARM32_LPAE_ATTRINDX_SHIFT 2
#define PTK_ARM32_LPAE_ATTRINDX_MASK  (7ull << 2)	/* index into MAIR0/MAIR1 */
#define PTK_ARM32_LPAE_ATTRINDX(i)    ((uint64_t)(i) << 2)
#define PTK_ARM32_LPAE_NS             (1ull << 5)	/* ignored in Non-secure state */
#define PTK_ARM32_LPAE_USER           (1ull << 6)	/* AP[1]: PL0 access (L_PTE_USER) */
#define PTK_ARM32_LPAE_RDONLY         (1ull << 7)	/* AP[2]: read-only (PTE_AP2) */
#define PTK_ARM32_LPAE_SH_SHIFT       8
#define PTK_ARM32_LPAE_SH_MASK        (3ull << 8)
#define PTK_ARM32_LPAE_SHARED         (3ull << 8)	/* L_PTE_SHARED: Inner Shareable */
#define PTK_ARM32_LPAE_AF             (1ull << 10)	/* L_PTE_YOUNG */
#define PTK_ARM32_LPAE_NG             (1ull << 11)
/* Block and page descriptors: upper attributes. */
#define PTK_ARM32_LPAE_CONT           (1ull << 52)	/* Contiguous hint (Linux never sets it) */
#define PTK_ARM32_LPAE_PXN            (1ull << 53)	/* PL1 execute-never */
#define PTK_ARM32_LPAE_XN             (1ull << 54)	/* execute-never at PL0 and PL1 */
/* Bits 58:55 are for software; Linux's (pgtable-3level.h): */
#define PTK_ARM32_LPAE_SW_DIRTY       (1ull << 55)	/* L_PTE_DIRTY, L_PMD_SECT_DIRTY */
#define PTK_ARM32_LPAE_SW_SPECIAL     (1ull << 56)	/* L_PTE_SPECIAL */
#define PTK_ARM32_LPAE_SW_NONE        (1ull << 57)	/* L_PTE_NONE: PROT_NONE */
#define PTK_ARM32_LPAE_SW_RDONLY      (1ull << 58)	/* L_PTE_RDONLY, L_PMD_SECT_RDONLY */
#define PTK_ARM32_LPAE_SW_MASK        (0xfull << 55)
/* Table descriptors: hierarchical attributes, ORed down the walk. */
#define PTK_ARM32_LPAE_PXNTABLE       (1ull << 59)	/* PMD_PXNTABLE */
#define PTK_ARM32_LPAE_XNTABLE        (1ull << 60)
#define PTK_ARM32_LPAE_APTABLE_NOPL0  (1ull << 61)	/* APTable[0]: no PL0 access below */
#define PTK_ARM32_LPAE_APTABLE_RDONLY (1ull << 62)	/* APTable[1]: no write below */
#define PTK_ARM32_LPAE_NSTABLE        (1ull << 63)	/* ignored in Non-secure state */
#define PTK_ARM32_LPAE_TABLE_ATTRS    (0xfull << 59)	/* the four that restrict access */

/* The address field is bits 39:12 (a block's below its size are ignored).
 * Bits 47:40 must be zero: ARMv7 calls them UNK/SBZP, the ARMv8 AArch32
 * pseudocode raises an Address size fault, and so does this model. */
#define PTK_ARM32_LPAE_ADDR_MASK      0x000000fffffff000ull
#define PTK_ARM32_LPAE_OA_HIGH_MASK   0x0000ff0000000000ull

/* ptk_prot.memtype of the format, in Linux's MAIR order rotated so that 0
 * is Linux's normal memory (L_PTE_MT_WRITEALLOC): AttrIndx = memtype - 1
 * mod 8. */
#define PTK_ARM32_MT_NORMAL        0u	/* AttrIndx 7: L_PTE_MT_WRITEALLOC, 0xff */
#define PTK_ARM32_MT_UNCACHED      1u	/* AttrIndx 0: strongly ordered, 0x00 */
#define PTK_ARM32_MT_BUFFERABLE    2u	/* AttrIndx 1: Normal NC (also DEV_WC), 0x44 */
#define PTK_ARM32_MT_WRITETHROUGH  3u	/* AttrIndx 2: 0xaa */
#define PTK_ARM32_MT_WRITEBACK     4u	/* AttrIndx 3: WB read-allocate (also DEV_CACHED), 0xee */
#define PTK_ARM32_MT_DEV_SHARED    5u	/* AttrIndx 4: Device, 0x04 */

static inline unsigned ptk_arm32_lpae_attrindx(unsigned memtype) { return (memtype + 7) & 7; }
static inline unsigned ptk_arm32_lpae_memtype(unsigned attrindx) { return (attrindx + 1) & 7; }

/*
 * ptk_walk_acc.perm after a walk, beyond the letters: r always; w = PL1
 * may write (AP[2] and APTable[1]); u = PL0 may read (AP[1] and
 * APTable[0]); x = the page's owner may execute (PL0 if u, else PL1);
 * g = nG clear.  The execute rules for each privilege level:
 */
#define PTK_ARM32_ACC_PX       (1u << 16)	/* PL1 may execute: XN, PXN, WXN, UWXN */
#define PTK_ARM32_ACC_UX       (1u << 17)	/* PL0 may execute: PL0 read, XN, WXN */
/* Short format only: PL0 may write (AP[2:0] = 011, or 01x with AFE); 'w'
 * is PL1's, and 'r' PL1 may read (not under AP[2:0] = 000). */
#define PTK_ARM32_ACC_UW       (1u << 18)

/* --- short-descriptor format (TTBCR.EAE = 0), B3.5.1 ------------------------ */

/* First-level descriptors; Linux's names (pgtable-2level-hwdef.h) after. */
#define PTK_ARM32_SD_L1_TYPE_MASK   3u
#define PTK_ARM32_SD_L1_FAULT       0u
#define PTK_ARM32_SD_L1_TABLE       1u		/* PMD_TYPE_TABLE */
#define PTK_ARM32_SD_L1_SECT        2u		/* PMD_TYPE_SECT; 3 = section with PXN */
#define PTK_ARM32_SD_DOMAIN_SHIFT   5
#define PTK_ARM32_SD_DOMAIN_MASK    (0xfu << 5)	/* PMD_DOMAIN_MASK */
#define PTK_ARM32_SD_DOMAIN(d)      ((uint32_t)(d) << 5)
/* Page-table descriptor */
#define PTK_ARM32_SD_TBL_PXN        (1u << 2)	/* PMD_PXNTABLE */
#define PTK_ARM32_SD_TBL_NS         (1u << 3)
#define PTK_ARM32_SD_TBL_BIT4       (1u << 4)	/* PMD_BIT4: SBZ on v7, Linux sets it */
#define PTK_ARM32_SD_TBL_ADDR_MASK  0xfffffc00u	/* a 1 KiB second-level table */
/* Section and supersection descriptors */
#define PTK_ARM32_SD_SECT_PXN       (1u << 0)	/* PMD_SECT_PXN */
#define PTK_ARM32_SD_SECT_B         (1u << 2)	/* PMD_SECT_BUFFERABLE */
#define PTK_ARM32_SD_SECT_C         (1u << 3)	/* PMD_SECT_CACHEABLE */
#define PTK_ARM32_SD_SECT_XN        (1u << 4)	/* PMD_SECT_XN */
#define PTK_ARM32_SD_SECT_AP0       (1u << 10)	/* PMD_SECT_AP_WRITE; the AF under SCTLR.AFE */
#define PTK_ARM32_SD_SECT_AP1       (1u << 11)	/* PMD_SECT_AP_READ: PL0 access */
#define PTK_ARM32_SD_SECT_TEX_SHIFT 12		/* PMD_SECT_TEX(x) */
#define PTK_ARM32_SD_SECT_TEX0      (1u << 12)
#define PTK_ARM32_SD_SECT_APX       (1u << 15)	/* PMD_SECT_APX: AP[2], read-only */
#define PTK_ARM32_SD_SECT_S         (1u << 16)	/* PMD_SECT_S */
#define PTK_ARM32_SD_SECT_NG        (1u << 17)	/* PMD_SECT_nG */
#define PTK_ARM32_SD_SECT_SUPER     (1u << 18)	/* PMD_SECT_SUPER */
#define PTK_ARM32_SD_SECT_NS        (1u << 19)
#define PTK_ARM32_SD_SECT_ADDR_MASK  0xfff00000u
#define PTK_ARM32_SD_SUPER_ADDR_MASK 0xff000000u
/* Supersection extended base address: PA[35:32] in bits 23:20, PA[39:36]
 * in bits 8:5 (where a section has its domain: supersections are domain 0). */
#define PTK_ARM32_SD_SUPER_PA35_SHIFT 20
#define PTK_ARM32_SD_SUPER_PA39_SHIFT 5

/* Second-level (hardware) descriptors */
#define PTK_ARM32_SD_L2_TYPE_MASK   3u
#define PTK_ARM32_SD_L2_FAULT       0u
#define PTK_ARM32_SD_L2_LARGE       1u		/* PTE_TYPE_LARGE: 64 KiB */
#define PTK_ARM32_SD_L2_SMALL       2u		/* PTE_TYPE_SMALL: 4 KiB; bit 0 is its XN */
#define PTK_ARM32_SD_PTE_XN         (1u << 0)	/* PTE_EXT_XN (small pages) */
#define PTK_ARM32_SD_PTE_B          (1u << 2)	/* PTE_BUFFERABLE */
#define PTK_ARM32_SD_PTE_C          (1u << 3)	/* PTE_CACHEABLE */
#define PTK_ARM32_SD_PTE_AP0        (1u << 4)	/* PTE_EXT_AP0; the AF under SCTLR.AFE */
#define PTK_ARM32_SD_PTE_AP1        (1u << 5)	/* PTE_EXT_AP1: PL0 access */
#define PTK_ARM32_SD_PTE_TEX0       (1u << 6)	/* PTE_EXT_TEX(1) (small pages) */
#define PTK_ARM32_SD_PTE_APX        (1u << 9)	/* PTE_EXT_APX: AP[2] */
#define PTK_ARM32_SD_PTE_S          (1u << 10)	/* PTE_EXT_SHARED */
#define PTK_ARM32_SD_PTE_NG         (1u << 11)	/* PTE_EXT_NG */
#define PTK_ARM32_SD_LARGE_TEX0     (1u << 12)	/* large pages: TEX in bits 14:12 */
#define PTK_ARM32_SD_LARGE_XN       (1u << 15)
#define PTK_ARM32_SD_SMALL_ADDR_MASK 0xfffff000u
#define PTK_ARM32_SD_LARGE_ADDR_MASK 0xffff0000u

/* Linux's pte (pgtable-2level.h): the entry Linux reads and writes; the
 * hardware's is made from it by set_pte_ext(), 2048 bytes above. */
#define PTK_ARM32_L_PTE_PRESENT     (1u << 0)
#define PTK_ARM32_L_PTE_YOUNG       (1u << 1)
#define PTK_ARM32_L_PTE_MT_SHIFT    2
#define PTK_ARM32_L_PTE_MT_MASK     (0xfu << 2)
#define PTK_ARM32_L_PTE_DIRTY       (1u << 6)
#define PTK_ARM32_L_PTE_RDONLY      (1u << 7)
#define PTK_ARM32_L_PTE_USER        (1u << 8)
#define PTK_ARM32_L_PTE_XN          (1u << 9)
#define PTK_ARM32_L_PTE_SHARED      (1u << 10)
#define PTK_ARM32_L_PTE_NONE        (1u << 11)
/* L_PTE_MT_* values (the field's value, before the shift) */
#define PTK_ARM32_L_MT_UNCACHED      0x0u
#define PTK_ARM32_L_MT_BUFFERABLE    0x1u
#define PTK_ARM32_L_MT_WRITETHROUGH  0x2u
#define PTK_ARM32_L_MT_WRITEBACK     0x3u
#define PTK_ARM32_L_MT_DEV_SHARED    0x4u
#define PTK_ARM32_L_MT_MINICACHE     0x6u
#define PTK_ARM32_L_MT_WRITEALLOC    0x7u
#define PTK_ARM32_L_MT_DEV_WC        0x9u
#define PTK_ARM32_L_MT_DEV_CACHED    0xbu
#define PTK_ARM32_L_MT_DEV_NONSHARED 0xcu
#define PTK_ARM32_L_MT_VECTORS       0xfu
/* Linux's pte page: Linux's two tables, then the hardware's (PTE_HWTABLE_OFF). */
#define PTK_ARM32_PTE_HWTABLE_OFF   2048u

/* Domains (asm/domain.h, without CONFIG_IO_36) and DACR fields (B4.1.43) */
#define PTK_ARM32_DOMAIN_KERNEL     0u
#define PTK_ARM32_DOMAIN_USER       1u
#define PTK_ARM32_DOMAIN_IO         2u
#define PTK_ARM32_DOMAIN_VECTORS    3u
#define PTK_ARM32_DACR_NOACCESS     0u
#define PTK_ARM32_DACR_CLIENT       1u
#define PTK_ARM32_DACR_MANAGER      3u
static inline unsigned ptk_arm32_dacr_field(uint32_t dacr, unsigned domain)
{
	return (dacr >> (2 * domain)) & 3;
}
/* Linux 6.1 on ARMv7 (CPU_SW_DOMAIN_PAN, no CPU_USE_DOMAINS, so
 * DOMAIN_MANAGER is Client): every domain Client while user space runs or
 * the kernel is inside a uaccess section (DACR_UACCESS_ENABLE); DACR_INIT
 * (the kernel otherwise) makes DOMAIN_USER No access. */
#define PTK_ARM32_DACR_LINUX_USER   0x55u
#define PTK_ARM32_DACR_LINUX_INIT   0x51u
/* Linux's TEX remap registers without LPAE (proc-v7-2level.S) */
#define PTK_ARM32_PRRR_LINUX        0xff0a81a8u
#define PTK_ARM32_NMRR_LINUX        0x40e040e0u

/* DFSR/IFSR, short-descriptor format (B4.1.52): FS[3:0] in bits 3:0,
 * FS[4] in bit 10, the domain in bits 7:4, WnR in bit 11. */
#define PTK_ARM32_SFS_AF_SECT       0x03u
#define PTK_ARM32_SFS_TRANS_SECT    0x05u
#define PTK_ARM32_SFS_AF_PAGE       0x06u
#define PTK_ARM32_SFS_TRANS_PAGE    0x07u
#define PTK_ARM32_SFS_DOMAIN_SECT   0x09u
#define PTK_ARM32_SFS_DOMAIN_PAGE   0x0bu
#define PTK_ARM32_SFS_SEA_TTW_L1    0x0cu
#define PTK_ARM32_SFS_PERM_SECT     0x0du
#define PTK_ARM32_SFS_SEA_TTW_L2    0x0eu
#define PTK_ARM32_SFS_PERM_PAGE     0x0fu
#define PTK_ARM32_FSR_DOMAIN_SHIFT  4

static inline uint32_t ptk_arm32_sfsr(unsigned fs, unsigned domain, int write)
{
	return (fs & 0xfu) | ((fs >> 4) & 1u) << 10 | (domain & 0xfu) << 4 |
	       (write ? 1u << 11 : 0)	/* WnR, PTK_ARM32_FSR_WNR */;
}

/* The short format's FS, from a DFSR/IFSR. */
static inline unsigned ptk_arm32_sfsr_fs(uint64_t fsr)
{
	return ((unsigned)fsr & 0xfu) | (((unsigned)fsr >> 10) & 1u) << 4;
}

/* Descriptors by kind.  attr: the TEX[2:0], C, B, S, nG, XN and PXN bits
 * of the kind, in place; ap: AP[2:0] as a number. */
static inline uint32_t ptk_arm32_sd_ap_sect(unsigned ap)
{
	return ((ap & 3u) << 10) | ((ap & 4u) ? PTK_ARM32_SD_SECT_APX : 0);
}

static inline uint32_t ptk_arm32_sd_ap_page(unsigned ap)
{
	return ((ap & 3u) << 4) | ((ap & 4u) ? PTK_ARM32_SD_PTE_APX : 0);
}

static inline uint32_t ptk_arm32_sd_table(uint32_t l2_pa, unsigned domain, uint32_t attr)
{
	return (l2_pa & PTK_ARM32_SD_TBL_ADDR_MASK) | PTK_ARM32_SD_DOMAIN(domain) | attr |
	       PTK_ARM32_SD_L1_TABLE;
}

static inline uint32_t ptk_arm32_sd_section(uint32_t pa, unsigned domain, unsigned ap,
					    uint32_t attr)
{
	return (pa & PTK_ARM32_SD_SECT_ADDR_MASK) | PTK_ARM32_SD_DOMAIN(domain) |
	       ptk_arm32_sd_ap_sect(ap) | attr | PTK_ARM32_SD_L1_SECT;
}

static inline uint32_t ptk_arm32_sd_supersection(uint64_t pa, unsigned ap, uint32_t attr)
{
	return ((uint32_t)pa & PTK_ARM32_SD_SUPER_ADDR_MASK) |
	       (uint32_t)((pa >> 32) & 0xf) << PTK_ARM32_SD_SUPER_PA35_SHIFT |
	       (uint32_t)((pa >> 36) & 0xf) << PTK_ARM32_SD_SUPER_PA39_SHIFT |
	       PTK_ARM32_SD_SECT_SUPER | ptk_arm32_sd_ap_sect(ap) | attr | PTK_ARM32_SD_L1_SECT;
}

static inline uint64_t ptk_arm32_sd_supersection_pa(uint32_t e)
{
	return (e & PTK_ARM32_SD_SUPER_ADDR_MASK) |
	       (uint64_t)((e >> PTK_ARM32_SD_SUPER_PA35_SHIFT) & 0xf) << 32 |
	       (uint64_t)((e >> PTK_ARM32_SD_SUPER_PA39_SHIFT) & 0xf) << 36;
}

static inline uint32_t ptk_arm32_sd_small(uint32_t pa, unsigned ap, uint32_t attr)
{
	return (pa & PTK_ARM32_SD_SMALL_ADDR_MASK) | ptk_arm32_sd_ap_page(ap) | attr |
	       PTK_ARM32_SD_L2_SMALL;
}

static inline uint32_t ptk_arm32_sd_large(uint32_t pa, unsigned ap, uint32_t attr)
{
	return (pa & PTK_ARM32_SD_LARGE_ADDR_MASK) | ptk_arm32_sd_ap_page(ap) | attr |
	       PTK_ARM32_SD_L2_LARGE;
}

/* --- TTBCR with EAE = 1 (B4.1.153) ----------------------------------------- */

#define PTK_ARM32_TTBCR_T0SZ_SHIFT  0
#define PTK_ARM32_TTBCR_T0SZ_MASK   (7u << 0)
#define PTK_ARM32_TTBCR_T2E         (1u << 6)	/* ARMv8.2 TTBCR2; must be 0 here */
#define PTK_ARM32_TTBCR_EPD0        (1u << 7)
#define PTK_ARM32_TTBCR_IRGN0_SHIFT 8
#define PTK_ARM32_TTBCR_ORGN0_SHIFT 10
#define PTK_ARM32_TTBCR_SH0_SHIFT   12
#define PTK_ARM32_TTBCR_T1SZ_SHIFT  16
#define PTK_ARM32_TTBCR_T1SZ_MASK   (7u << 16)
#define PTK_ARM32_TTBCR_A1          (1u << 22)
#define PTK_ARM32_TTBCR_EPD1        (1u << 23)
#define PTK_ARM32_TTBCR_IRGN1_SHIFT 24
#define PTK_ARM32_TTBCR_ORGN1_SHIFT 26
#define PTK_ARM32_TTBCR_SH1_SHIFT   28
#define PTK_ARM32_TTBCR_IMP         (1u << 30)
#define PTK_ARM32_TTBCR_EAE         (1u << 31)
#define PTK_ARM32_TTBCR_RGN_WBWA    1u	/* IRGNn/ORGNn: Write-Back Write-Allocate */
#define PTK_ARM32_TTBCR_SH_IS       3u
/* Short-descriptor format (EAE = 0) */
#define PTK_ARM32_TTBCR_N_MASK      (7u << 0)
#define PTK_ARM32_TTBCR_PD0         (1u << 4)
#define PTK_ARM32_TTBCR_PD1         (1u << 5)

static inline unsigned ptk_arm32_ttbcr_t0sz(uint32_t ttbcr) { return ttbcr & 7; }
static inline unsigned ptk_arm32_ttbcr_t1sz(uint32_t ttbcr) { return (ttbcr >> 16) & 7; }

/* --- SCTLR (B4.1.130), the bits translation reads ---------------------------- */

#define PTK_ARM32_SCTLR_M     (1u << 0)	/* not modelled: the format always translates */
#define PTK_ARM32_SCTLR_A     (1u << 1)
#define PTK_ARM32_SCTLR_C     (1u << 2)
#define PTK_ARM32_SCTLR_Z     (1u << 11)
#define PTK_ARM32_SCTLR_I     (1u << 12)
#define PTK_ARM32_SCTLR_V     (1u << 13)	/* high vectors, 0xffff0000 */
#define PTK_ARM32_SCTLR_HA    (1u << 17)	/* not in ARMv7-A: no hardware AF update */
#define PTK_ARM32_SCTLR_WXN   (1u << 19)	/* writable implies XN, at that PL */
#define PTK_ARM32_SCTLR_UWXN  (1u << 20)	/* PL0-writable implies PL1 XN */
#define PTK_ARM32_SCTLR_EE    (1u << 25)
#define PTK_ARM32_SCTLR_TRE   (1u << 28)	/* short format: TEX remap (ignored by LPAE) */
#define PTK_ARM32_SCTLR_AFE   (1u << 29)	/* short format: AP[0] is an AF (LPAE always has AF) */

/* --- MAIR0/MAIR1: Linux's (proc-v7-3level.S, "PRRR"/"NMRR") ----------------- */

#define PTK_ARM32_MAIR0_LINUX 0xeeaa4400u	/* AttrIndx 3..0: 0xee 0xaa 0x44 0x00 */
#define PTK_ARM32_MAIR1_LINUX 0xff000004u	/* AttrIndx 7..4: 0xff 0x00 0x00 0x04 */

static inline unsigned ptk_arm32_mair_attr(uint32_t mair0, uint32_t mair1, unsigned idx)
{
	return ((idx & 4) ? mair1 : mair0) >> (8 * (idx & 3)) & 0xff;
}

/* --- DFSR / IFSR, long-descriptor format (B4.1.52, B4.1.96) ------------------ */

#define PTK_ARM32_FSR_STATUS_MASK 0x3fu	/* STATUS[5:0] */
#define PTK_ARM32_FSR_LPAE        (1u << 9)	/* the long-descriptor format */
#define PTK_ARM32_FSR_WNR         (1u << 11)	/* DFSR only: the access was a write */
#define PTK_ARM32_FSR_EXT         (1u << 12)	/* external abort type (IMPLEMENTATION DEFINED) */
#define PTK_ARM32_FSR_CM          (1u << 13)	/* DFSR: cache maintenance */

/* STATUS codes; the low two bits are the lookup level 1..3. */
#define PTK_ARM32_LFSC_ADDR_SIZE  0x00u
#define PTK_ARM32_LFSC_TRANS      0x04u
#define PTK_ARM32_LFSC_ACCESS     0x08u
#define PTK_ARM32_LFSC_PERM       0x0cu
#define PTK_ARM32_LFSC_SEA_TTW    0x14u	/* Synchronous external abort on a table walk */

static inline unsigned ptk_arm32_fsr_status(uint64_t fsr) { return (unsigned)fsr & 0x3f; }

/* --- a built long-descriptor format ------------------------------------------ */

/* Whether f is an arm32-lpae format. */
int ptk_arm32_is_lpae(const struct ptk_format *f);
/* Whether f is a short-descriptor format ("arm32", "arm32-nN"). */
int ptk_arm32_is_short(const struct ptk_format *f);
/* TTBCR.T1SZ of the split the format's name chose (2 for 3G/1G, 1 for 2G/2G). */
unsigned ptk_arm32_lpae_t1sz(const struct ptk_format *f);
/*
 * The value of TTBR<r> under TTBCR for the root table at root_pa.  The
 * engine indexes a root table with the bits of its level (VA[31:30] at
 * level 1, VA[29:21] at level 2); the hardware with the VA bits below the
 * half's input size only, so a half that does not start at index 0 (2G:
 * TTBR1 = root + 16, Linux's TTBR1_OFFSET) points its TTBR into the table.
 * -EINVAL when TTBCR's TnSZ gives the half a start level other than the
 * format's (so the tree cannot be walked as it is).
 */
int ptk_arm32_lpae_ttbr(const struct ptk_format *f, uint32_t ttbcr, unsigned r,
			uint64_t root_pa, uint64_t *ttbr);

#ifdef __cplusplus
}
#endif
#endif
