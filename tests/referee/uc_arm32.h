/* SPDX-License-Identifier: MIT */
/*
 * uc_arm32 - a referee for ARMv7-A stage 1 translation in the Non-secure
 * PL1&0 regime, for both translation table formats: it asks QEMU's AArch32
 * MMU (through libunicorn 2.0.1, QEMU 5.0 inside, CPU model Cortex-A15) how
 * it translates one virtual address, so that tests can compare ptkit's
 * software walker against QEMU.  Test-only code; see tests/referee/README.md
 * for what QEMU can and cannot check.
 *
 *   short-descriptor format (TTBCR.EAE = 0, ARMv7-A ARM B3.5): TTBCR.N and
 *     PD0/PD1, 1 MiB sections, 16 MiB supersections (PA[39:32] from the
 *     extended base address fields), coarse L2 tables with 4K small and 64K
 *     large pages, AP[2:0], XN, PXN, domains and DACR, SCTLR.AFE, SCTLR.TRE.
 *   long-descriptor format (TTBCR.EAE = 1, LPAE, B3.6): T0SZ/T1SZ and
 *     EPD0/EPD1, three levels, 40-bit PA, 1 GiB and 2 MiB blocks, AF,
 *     AP[2:1], XN/PXN, APTable/XNTable/PXNTable.
 *
 * How each query is answered.  A stub runs in Monitor mode (Secure, its own
 * MMU off), so it never depends on the caller's tables.  It loads the
 * caller's state into the Non-secure copies of TTBR0/TTBR1/TTBCR/DACR/
 * SCTLR/PRRR/NMRR, flushes the TLB (TLBIALL; DSB; ISB) and then:
 *   read/write: ATS12NSOPR/ATS12NSOPW (PL1) or ATS12NSOUR/ATS12NSOUW (PL0),
 *               which is exactly QEMU's Non-secure PL1/PL0 stage 1 walk, and
 *               reads PAR; then returns (MOVS PC, LR) to Non-secure SVC and
 *               performs the real access there: LDRB/STRB (PL1) or
 *               LDRBT/STRBT (PL0).  The AT result and the real access must
 *               agree (same fault status, same walk, same page), or -EIO.
 *   fetch:      ATS12NSOPR (only to keep the fetch out of the referee's own
 *               memory), then an exception return straight to the address,
 *               in Non-secure SVC (PL1) or USR (PL0) mode.
 * The real data access needs the stub's code to be mapped in the caller's
 * translation regime: the referee points one TTBR at a private alias of the
 * caller's root table in which one root slot (not the query's) maps its
 * code page (see "stub slot" below).  Where no such slot exists the answer
 * comes from AT alone and real_access is false.
 *
 * What comes from QEMU and what is derived:
 *   observed: fault, fs, par, fsr, far, pa (see pa_derived), access_pa,
 *             nwalk, walk_pa[], walk_val[], unlisted
 *             (fs: the fault status QEMU computed for the real access or
 *             fetch, equal to PAR's for read/write; with AT alone, PAR's.)
 *   derived:  type and level (decoded from fs), domain, start_level,
 *             leaf_level, page_shift, stub_va, deviation.
 *
 * Constraints the caller (test generator) must respect:
 *
 *  - The 64 KiB physical range [UCB_RESERVED_PA, +UCB_RESERVED_PA_SIZE)
 *    (just below 4 GiB) holds the referee's code and private tables: do not
 *    list pages there, do not point a TTBR or a table descriptor there
 *    (-EINVAL), and an access or fetch whose translation ends there is
 *    refused (-EINVAL).
 *  - No virtual address is reserved and no table slot has to be kept free.
 *    For a real read/write access the referee needs one root-table slot
 *    that the queried address does not use (normally the last one, which
 *    covers 0xFFF00000 (short) / 0xC0000000 or 0xFFE00000 (LPAE), else the
 *    one before it, else slot 0 of the TTBR0 table): it serves that slot
 *    from a private alias of the root table, clears PD/EPD of the half the
 *    slot is in if that is not the query's half, and (short format) makes
 *    one domain that the query does not use a Manager domain.  None of
 *    this can change the queried translation, and the caller's pages are
 *    never modified.  result.stub_va shows where the stub ran.
 *  - lpae must equal TTBCR.EAE.  SCTLR.M must be 1 and SCTLR.EE 0.
 *    Short format: TTBCR bits other than N, PD0, PD1 must be 0; TTBR0/1 are
 *    32-bit values.  LPAE: TTBCR bits 30, 21:19, 15:14 and 6:3 must be 0;
 *    TTBR bits 47:40 must be 0 (ASID and bits 63:56 are ignored).
 *  - Fetch queries need a 4-byte aligned va (ARM state).
 *  - List every table page the walks need; data pages are never needed.
 *    The root table of the queried half must be listed (-ENOENT) unless
 *    the walk is disabled (PD0/PD1, EPD0/EPD1, LPAE address-range gap).  A
 *    table page the walk reads that is not listed reads as zeros and is
 *    reported in ucb_result.unlisted.
 *  - Accesses are 1-byte reads and writes, or 4-byte ARM instruction
 *    fetches.  Page-crossing accesses are not modelled.
 */
#ifndef PTKIT_TESTS_REFEREE_UC_ARM32_H
#define PTKIT_TESTS_REFEREE_UC_ARM32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Physical address size of the Cortex-A15 (ID_MMFR0.VMSA = 5: LPAE). */
#define UCB_PA_BITS 40
/* Physical range reserved for the referee (the top 64 KiB below 4 GiB). */
#define UCB_RESERVED_PA      0xFFFF0000ULL
#define UCB_RESERVED_PA_SIZE 0x10000ULL

/* Physical memory given to the referee: pages with contents, copied.
 * size is 1024, 4096 or 16384 and pa is a multiple of it.  bytes == NULL
 * means a zero-filled page.  Every table page a query may touch should be
 * given; data pages are never accessed and need not be. */
struct ucb_page { uint64_t pa; const uint8_t *bytes; size_t size; };

/* Non-secure PL1&0 translation state. */
struct ucb_state {
	bool lpae;              /* long-descriptor format: must equal TTBCR.EAE */
	uint64_t ttbr0, ttbr1;  /* short: 32-bit; LPAE: 64-bit (ASID ignored) */
	uint32_t ttbcr, dacr, sctlr;
	uint32_t prrr, nmrr;    /* short format (used with SCTLR.TRE) */
	uint32_t mair0, mair1;  /* LPAE (the same registers as PRRR/NMRR) */
};

enum ucb_access { UCB_READ, UCB_WRITE, UCB_FETCH };

/* Fault types, decoded from the fault status. */
enum ucb_fault_type {
	UCB_FT_NONE = 0,
	UCB_FT_TRANSLATION,    /* short 0b00101/0b00111, LPAE 0b0001LL */
	UCB_FT_ACCESS_FLAG,    /* short 0b00011/0b00110, LPAE 0b0010LL */
	UCB_FT_DOMAIN,         /* short 0b01001/0b01011 */
	UCB_FT_PERMISSION,     /* short 0b01101/0b01111, LPAE 0b0011LL */
	UCB_FT_ADDRESS_SIZE,   /* LPAE 0b0000LL (QEMU 5.0 never raises it) */
	UCB_FT_OTHER           /* anything else (never seen) */
};

/* ucb_result.deviation: the query involved something where QEMU 5.0 is
 * known to depart from the architecture (ARMv7-A with the Virtualization
 * Extensions, as in a Cortex-A15), or where the architecture leaves the
 * result UNPREDICTABLE.  The result is what QEMU did; a test should skip
 * such cases or check them by hand.  All flags are derived by the referee
 * from the tables and state (the descriptors QEMU did not read come from
 * the referee's copy of the caller's memory). */
#define UCB_DEV_DOMAIN_ORDER  0x001u /* short: L1 page-table descriptor in a
				      * No access/reserved domain: QEMU reports a
				      * Page domain fault without reading the L2
				      * descriptor.  Architecturally the L2
				      * descriptor is fetched first (an invalid
				      * one gives a Page translation fault) */
#define UCB_DEV_DACR_RESERVED 0x002u /* short: the domain's DACR field is the
				      * reserved value 0b10 (QEMU: No access) */
#define UCB_DEV_AP_RESERVED   0x004u /* short, AFE=0, Client domain: reserved
				      * AP[2:0] = 0b100 (QEMU: no access) */
#define UCB_DEV_AF_PRIORITY   0x008u /* short, AFE=1, AF (AP[0]) = 0, and QEMU
				      * did not report an Access flag fault: it
				      * checks the domain (a Manager domain
				      * skips the check) and, for fetches,
				      * XN/PXN first.  The architecture gives
				      * Access flag faults priority over Domain
				      * and Permission faults */
#define UCB_DEV_WXN_SHORT     0x010u /* short, fetch allowed by QEMU although
				      * SCTLR.WXN/UWXN forbid it: QEMU ignores
				      * WXN and UWXN with short descriptors */
#define UCB_DEV_NOT_REPLICATED 0x020u /* short: supersection or large page whose
				      * 16 replicated entries differ
				      * (UNPREDICTABLE; QEMU reads only the entry
				      * indexed by the VA) */
#define UCB_DEV_BLOCK_RES0    0x040u /* LPAE: block descriptor with non-zero bits
				      * in its output address field below the
				      * block size: QEMU ORs them into the PA */
#define UCB_DEV_ADDR_BITS     0x080u /* LPAE: a table or output address in a
				      * descriptor QEMU used has bits 47:40 set:
				      * QEMU ignores them (ARMv7 UNK/SBZP,
				      * ARMv8 an Address size fault) */
#define UCB_DEV_TTBR_ALIGN    0x100u /* LPAE: TTBR base not aligned to the root
				      * table size: QEMU clears the low bits */

#define UCB_WALK_MAX 3

struct ucb_result {
	bool fault;
	uint64_t pa;          /* when !fault: PA of the byte at va */
	bool pa_derived;      /* pa was computed from the descriptor, not
			       * observed: only for a supersection answered by
			       * AT alone (QEMU's 32-bit PAR omits PA[39:32]) */
	int level;            /* when fault: 1..2 (short), 1..3 (LPAE); -1 otherwise */
	unsigned fs;          /* when fault: short: the 5-bit FS (DFSR[10] as
			       * bit 4, DFSR[3:0]); LPAE: the 6-bit STATUS */
	enum ucb_fault_type type; /* decoded from fs */
	int domain;           /* short: domain of the L1 descriptor (0 for a
			       * supersection); -1 if none or LPAE (derived) */

	/* Raw observations. */
	uint64_t par;         /* PAR after the stub's AT (32-bit format for
			       * short descriptors, 64-bit for LPAE) */
	bool real_access;     /* the real access or fetch was performed */
	uint32_t fsr;         /* DFSR/IFSR value QEMU computed for the real
			       * access's abort (env->exception.fsr: FS, WnR,
			       * LPAE bit 9); 0 if it did not abort */
	uint32_t far;         /* the abort's fault address (DFAR/IFAR); 0 if none */
	uint64_t access_pa;   /* PA the real access or fetch reached; 0 if none */
	/* The descriptors QEMU's walker read, in order: physical address and
	 * value (zero-extended 32-bit values for short descriptors).  Queries
	 * walk twice (AT, then the access or fetch); the walks must be
	 * identical and one is shown.  A read of the referee's root alias is
	 * shown at the caller's address it stands for. */
	unsigned nwalk;
	uint64_t walk_pa[UCB_WALK_MAX], walk_val[UCB_WALK_MAX];
	/* The walk read a page that is not listed (it read as zeros). */
	bool unlisted;
	uint64_t unlisted_pa;

	/* Derived from the walk and the state. */
	int start_level;      /* level of the first descriptor (-1: no walk) */
	int leaf_level;       /* level of the section/page/block descriptor; -1 if none */
	unsigned page_shift;  /* log2 of the mapping size when !fault:
			       * short 12/16/20/24, LPAE 12/21/30 */
	uint32_t stub_va;     /* where the stub's real access ran (0: none) */
	unsigned deviation;   /* UCB_DEV_* */
};

struct ucb;   /* opaque: one unicorn engine, reusable for many queries */
int  ucb_open(struct ucb **out);   /* 0 or negative errno */
void ucb_close(struct ucb *);
/* Load physical memory (replaces previous contents).  Returns 0, -EINVAL
 * (bad size, unaligned, overlapping, in the reserved range or at/above
 * 2^40) or -ENOMEM. */
int  ucb_set_memory(struct ucb *, const struct ucb_page *pages, size_t n);
/* Translate one 1-byte access (or a 4-byte instruction fetch) at PL1 or
 * PL0 (user).  Every query starts from a flushed TLB.  Returns 0 with *out
 * filled (fault or not), or a negative errno when the referee could not
 * answer: -EINVAL (bad argument or state, see the constraints above; a
 * table address in the reserved range; or the translation ends in the
 * reserved range: for read/write when the access is allowed, for fetch
 * whenever a PL1 read of the address would be; for a supersection whenever
 * PA[31:16] = 0xFFFF, as QEMU's 32-bit PAR lacks PA[39:32]), -ENOENT (root table not
 * listed), -EIO (unexpected emulator behaviour, including AT and the real
 * access disagreeing). */
int  ucb_query(struct ucb *, const struct ucb_state *, uint32_t va, enum ucb_access acc,
	       bool user, struct ucb_result *out);

/* Names for messages. */
const char *ucb_fault_type_name(enum ucb_fault_type t);

#ifdef __cplusplus
}
#endif

#endif
