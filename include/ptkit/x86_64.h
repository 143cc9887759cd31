/* SPDX-License-Identifier: MIT */
/*
 * x86-64 paging-structure entries, Intel SDM vol. 3A §4.5 (tables 4-15 to
 * 4-20) and the control bits that steer translation (§2.5, §4.1.3).
 * Names follow Linux's arch/x86/include/asm/pgtable_types.h.
 */
#ifndef PTKIT_X86_64_H
#define PTKIT_X86_64_H

#include <stdint.h>

#define PTK_X86_PAGE_PRESENT   (1ull << 0)	/* P */
#define PTK_X86_PAGE_RW        (1ull << 1)	/* R/W */
#define PTK_X86_PAGE_USER      (1ull << 2)	/* U/S */
#define PTK_X86_PAGE_PWT       (1ull << 3)
#define PTK_X86_PAGE_PCD       (1ull << 4)
#define PTK_X86_PAGE_ACCESSED  (1ull << 5)	/* A */
#define PTK_X86_PAGE_DIRTY     (1ull << 6)	/* D, leaf only */
#define PTK_X86_PAGE_PSE       (1ull << 7)	/* PS in PDPTE/PDE */
#define PTK_X86_PAGE_PAT       (1ull << 7)	/* PAT in a 4 KiB PTE */
#define PTK_X86_PAGE_GLOBAL    (1ull << 8)	/* G, leaf only */
#define PTK_X86_PAGE_PAT_LARGE (1ull << 12)	/* PAT in a 2 MiB / 1 GiB leaf */
#define PTK_X86_PAGE_PKEY_SHIFT 59		/* bits 62:59, leaf only */
#define PTK_X86_PAGE_PKEY_MASK (0xfull << PTK_X86_PAGE_PKEY_SHIFT)
#define PTK_X86_PAGE_NX        (1ull << 63)	/* XD, needs EFER.NXE */
/* Ignored by the processor in every entry (SDM Tables 4-15..4-20): Linux
 * keeps _PAGE_SOFTW1..4 and friends here. */
#define PTK_X86_PAGE_SW_MASK   ((0x7ull << 9) | (0x7full << 52))

/* Address field of an entry: bits 51:12 (the architectural maximum). */
#define PTK_X86_ADDR_MASK      0x000ffffffffff000ull
/* What Linux's ptdump compares: ~PTE_PFN_MASK, so PAT_LARGE is never seen. */
#define PTK_X86_FLAGS_MASK     (~PTK_X86_ADDR_MASK)

#define PTK_X86_CR0_PE    (1ull << 0)
#define PTK_X86_CR0_MP    (1ull << 1)
#define PTK_X86_CR0_ET    (1ull << 4)
#define PTK_X86_CR0_NE    (1ull << 5)
#define PTK_X86_CR0_WP    (1ull << 16)
#define PTK_X86_CR0_AM    (1ull << 18)
#define PTK_X86_CR0_PG    (1ull << 31)

#define PTK_X86_CR4_PSE        (1ull << 4)
#define PTK_X86_CR4_PAE        (1ull << 5)
#define PTK_X86_CR4_PGE        (1ull << 7)
#define PTK_X86_CR4_OSFXSR     (1ull << 9)
#define PTK_X86_CR4_OSXMMEXCPT (1ull << 10)
#define PTK_X86_CR4_UMIP       (1ull << 11)
#define PTK_X86_CR4_LA57       (1ull << 12)
#define PTK_X86_CR4_FSGSBASE   (1ull << 16)
#define PTK_X86_CR4_PCIDE      (1ull << 17)
#define PTK_X86_CR4_OSXSAVE    (1ull << 18)
#define PTK_X86_CR4_SMEP       (1ull << 20)
#define PTK_X86_CR4_SMAP       (1ull << 21)
#define PTK_X86_CR4_PKE        (1ull << 22)

#define PTK_X86_EFER_SCE  (1ull << 0)
#define PTK_X86_EFER_LME  (1ull << 8)
#define PTK_X86_EFER_LMA  (1ull << 10)
#define PTK_X86_EFER_NXE  (1ull << 11)

/* PKRU: two bits per key, AD (access disable) then WD (write disable). */
static inline int ptk_x86_pkru_ad(uint32_t pkru, unsigned key) { return (pkru >> (2 * key)) & 1; }
static inline int ptk_x86_pkru_wd(uint32_t pkru, unsigned key) { return (pkru >> (2 * key + 1)) & 1; }

#endif
