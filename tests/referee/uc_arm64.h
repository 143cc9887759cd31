/* SPDX-License-Identifier: MIT */
/*
 * uc_arm64 - a referee for AArch64 stage 1 translation in the EL1&0 regime:
 * asks QEMU's AArch64 MMU (through libunicorn 2.0.1, QEMU 5.0 inside) how it
 * translates one virtual address, so that tests can compare ptkit's
 * software walker against QEMU.  Test-only code; see tests/referee/README.md
 * for what QEMU can and cannot check.
 *
 * How each query is answered (CPU model 'max', Non-secure EL1, AArch64):
 *   read/write: AT S1E1R/S1E1W (S1E1RP/S1E1WP when pan), AT S1E0R/S1E0W for
 *               EL0, then the real access: LDRB/STRB, or LDTRB/STTRB for
 *               EL0.  The two must agree (same walk, same outcome, same PA),
 *               or the query fails with -EIO.
 *   fetch:      AT S1E1R (only to keep the fetch out of the referee's own
 *               memory), then a real instruction fetch: RET to the address
 *               at EL1, or ERET to it at EL0.
 *
 * What comes from QEMU and what is derived:
 *   observed: fault, fsc, pa, par, esr, far, access_pa, nwalk, walk_pa[],
 *             walk_val[], unlisted
 *             (fsc: PAR_EL1.FST for read/write, equal to the DFSC of the real
 *             access; the IFSC of the instruction abort for fetch.
 *             pa: PAR_EL1.PA | va[11:0] for read/write, equal to the PA the
 *             real access reached; for fetch, the PA of the instruction read.)
 *   derived:  type and level (decoded from fsc), start_level, leaf_level,
 *             page_shift, deviation (computed from the observed walk).
 *
 * Constraints the caller (test generator) must respect:
 *
 *  - The 64 KiB physical range [UCA_RESERVED_PA, +UCA_RESERVED_PA_SIZE)
 *    (the top of QEMU's 48-bit physical space, above the CPU's 44-bit
 *    PARange) holds the referee's code and private tables: do not list pages
 *    there, do not point TTBRs or table descriptors there (-EINVAL), and do
 *    not map an address you query into it (-EINVAL).
 *  - Two virtual pages are the referee's: UCA_STUB_VA0 (TTBR0 half) and
 *    UCA_STUB_VA1 (TTBR1 half).  Querying an address in either page, with any
 *    top byte, fails with -EADDRINUSE.  Nothing else is reserved: the referee
 *    replaces the TTBR and TCR fields of the half the queried address does
 *    not use (they cannot affect its translation), so no table slot has to
 *    be kept free and the caller's pages are never modified.
 *  - SCTLR.M must be 1, SCTLR.EE and SCTLR.E0E 0 (-EINVAL otherwise).
 *  - Fetch queries need a 4-byte aligned va (-EINVAL otherwise).
 *  - Physical addresses: the CPU has PARange = 44 bits.  QEMU 5.0 never
 *    raises address size faults and uses descriptor bits 47:12; results
 *    that depend on it are flagged in uca_result.deviation.
 *  - TxSZ in [16, 39], valid TGn encodings (QEMU clamps or guesses, flagged).
 *  - List every table page the walks need; data pages are never needed.
 *    The root table of the queried half must be listed (-ENOENT) unless
 *    that half has EPDn = 1.  A table page the walk reads that is not listed
 *    reads as zeros and is reported in uca_result.unlisted.
 */
#ifndef PTKIT_TESTS_REFEREE_UC_ARM64_H
#define PTKIT_TESTS_REFEREE_UC_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ID_AA64MMFR0_EL1.PARange of the 'max' CPU of QEMU 5.0 (0b0100: 44 bits). */
#define UCA_PA_BITS 44
/* Physical range reserved for the referee (top 64 KiB of 2^48). */
#define UCA_RESERVED_PA      0x0000FFFFFFFF0000ULL
#define UCA_RESERVED_PA_SIZE 0x10000ULL
/* The referee's two virtual pages (4 KiB each). */
#define UCA_STUB_VA0 0x0000FFFFFFFF6000ULL
#define UCA_STUB_VA1 0xFFFFFFFFFFFF6000ULL

/* Physical memory given to the referee: pages with contents, copied.
 * size is 4096, 16384 or 65536 and pa is a multiple of it.  bytes == NULL
 * means a zero-filled page.  Every table page a query may touch should be
 * given; data pages are never accessed and need not be. */
struct uca_page { uint64_t pa; const uint8_t *bytes; size_t size; };

/* EL1 translation state.  TTBRn_EL1 (ASID ignored: the TLB is flushed),
 * TCR_EL1, MAIR_EL1, SCTLR_EL1 and PSTATE.PAN. */
struct uca_state {
	uint64_t ttbr0, ttbr1;
	uint64_t tcr, mair, sctlr;
	bool pan;
};

enum uca_access { UCA_READ, UCA_WRITE, UCA_FETCH };

/* Fault types, decoded from the 6-bit FSC (Arm ARM, ESR_ELx.DFSC). */
enum uca_fault_type {
	UCA_FT_NONE = 0,
	UCA_FT_ADDRESS_SIZE,   /* 0b0000LL */
	UCA_FT_TRANSLATION,    /* 0b0001LL */
	UCA_FT_ACCESS_FLAG,    /* 0b0010LL */
	UCA_FT_PERMISSION,     /* 0b0011LL */
	UCA_FT_OTHER           /* anything else (never seen) */
};

/* uca_result.deviation: the walk used something where QEMU 5.0 is known to
 * depart from the architecture (ARMv8.0 + the features of 'max'), or made
 * an IMPLEMENTATION DEFINED choice.  The result is what QEMU did; a test
 * should skip such cases or check them by hand. */
#define UCA_DEV_BLOCK_LEVEL 0x01u /* block descriptor at a level with no blocks
				   * (4K: level 0; 16K/64K: level 0 or 1):
				   * architecturally a translation fault */
#define UCA_DEV_ADDR_SIZE   0x02u /* TTBR base, table or output address has bits
				   * at or above min(TCR.IPS, 44): architecturally
				   * an address size fault, QEMU uses bits 47:0 */
#define UCA_DEV_BLOCK_RES0  0x04u /* block descriptor with non-zero RES0 bits
				   * in its output address field: QEMU ORs them
				   * into the PA */
#define UCA_DEV_TXSZ        0x08u /* TxSZ outside [16, 39]: QEMU clamps */
#define UCA_DEV_TG          0x10u /* reserved TGn encoding: QEMU picks a size */
#define UCA_DEV_TTBR_ALIGN  0x20u /* TTBR base not aligned to the root table
				   * size: QEMU clears the low bits */

#define UCA_WALK_MAX 4

struct uca_result {
	bool fault;
	uint64_t pa;          /* when !fault: PA of the byte at va (observed) */
	int level;            /* when fault: FSC[1:0] (0..3); -1 otherwise */
	unsigned fsc;         /* when fault: 6-bit fault status code (observed) */
	enum uca_fault_type type; /* decoded from fsc */

	/* Raw observations. */
	uint64_t par;         /* PAR_EL1 after the stub's AT (see above) */
	uint32_t esr;         /* syndrome of the real access's abort, in ESR_EL1
			       * format (EC, IL, WnR, xFSC); 0 if it did not abort */
	uint64_t far;         /* the abort's fault address; 0 if none */
	uint64_t access_pa;   /* PA the real access or fetch reached; 0 if it faulted */
	/* The descriptors QEMU's walker read, in order: physical address and
	 * value.  Read/write queries walk twice (AT and access), fetch queries
	 * too (AT and fetch); the walks must be identical and one is shown. */
	unsigned nwalk;
	uint64_t walk_pa[UCA_WALK_MAX], walk_val[UCA_WALK_MAX];
	/* The walk read a page that is not listed (it read as zeros). */
	bool unlisted;
	uint64_t unlisted_pa;

	/* Derived from the walk and the TCR. */
	int start_level;      /* level of the first descriptor (-1: no walk) */
	int leaf_level;       /* level of the block/page descriptor; -1 if none */
	unsigned page_shift;  /* log2 of the block/page size when !fault */
	unsigned deviation;   /* UCA_DEV_* */
};

struct uca;   /* opaque: one unicorn engine, reusable for many queries */
int  uca_open(struct uca **out);   /* 0 or negative errno */
void uca_close(struct uca *);
/* Load physical memory (replaces previous contents).  Returns 0, -EINVAL
 * (bad size, unaligned, overlapping, or in/above the reserved range) or
 * -ENOMEM. */
int  uca_set_memory(struct uca *, const struct uca_page *pages, size_t n);
/* Translate one 1-byte access (or a 4-byte instruction fetch) at EL1 or EL0.
 * Every query starts from a flushed TLB.  Returns 0 with *out filled (fault
 * or not), or a negative errno when the referee could not answer: -EINVAL
 * (bad argument or state; a table address in the reserved range; or the
 * translation ends in the reserved range: for read/write when the access
 * is allowed, for fetch whenever AT S1E1R succeeds, since the fetch is only
 * tried once its target is known to be outside the referee's memory),
 * -ENOENT (root table not listed), -EADDRINUSE (va in a referee page),
 * -EIO (unexpected emulator behaviour, including AT and access disagreeing). */
int  uca_query(struct uca *, const struct uca_state *, uint64_t va, enum uca_access acc,
	       bool el0, struct uca_result *out);

/* Names for messages. */
const char *uca_fault_type_name(enum uca_fault_type t);

#ifdef __cplusplus
}
#endif

#endif
