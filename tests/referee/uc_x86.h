/* SPDX-License-Identifier: MIT */
/*
 * uc_x86 - a referee for x86-64 page walks: asks QEMU's x86-64 MMU (through
 * libunicorn 2.0.1) how it translates one virtual address, so that tests can
 * compare ptkit's software walker against QEMU.  Test-only code; see
 * tests/referee/README.md for what QEMU can and cannot check.
 *
 * What comes from QEMU and what is derived:
 *   fault, gp, error_code, cr2, walk_pa[], walk_val[], ad_*[]  -- observed
 *   pa, page_shift -- derived: unicorn 2.0.1 runs QEMU's real page walk but
 *   then maps the access itself VA -> VA, so the physical address of the
 *   access is computed from the leaf entry QEMU read (walk_val[nwalk-1]) and
 *   the level where QEMU's walk stopped (page_shift).
 *
 * Constraints the caller (test generator) must respect:
 *
 *  - Physical addresses are limited to MAXPHYADDR = 40 bits (QEMU's TCG
 *    value); ucx_set_memory() rejects pages at or above 2^40.
 *  - The 64 KiB physical range [UCX_RESERVED_PA, +UCX_RESERVED_PA_SIZE)
 *    holds the referee's private tables: do not list pages there and do not
 *    let a non-leaf paging entry point there (the query fails with -EINVAL).
 *    Leaf entries may point anywhere (data pages are never accessed).
 *  - No page-table slot has to be kept free: the referee reaches its code
 *    through a private alias of the root table with one slot replaced (255,
 *    or 254 if the queried address is in slot 255); the caller's pages are
 *    never modified (QEMU's A/D updates are undone after each query).
 *  - The referee's code lives at fixed virtual (== physical) addresses,
 *    8 KiB each: UCX_STUB_VA_4L_254/255 and UCX_STUB_VA_5L_254/255.  Querying
 *    an address in one of those ranges that is canonical in the current
 *    paging mode fails with -EADDRINUSE.
 *  - The root table page (cr3) must be listed.  A table page the walk reads
 *    that is not listed reads as zeros and is reported in ucx_result.unlisted.
 */
#ifndef PTKIT_TESTS_REFEREE_UC_X86_H
#define PTKIT_TESTS_REFEREE_UC_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MAXPHYADDR of the emulated CPU. */
#define UCX_PA_BITS 40
/* Physical range reserved for the referee itself (top 64 KiB below 2^40). */
#define UCX_RESERVED_PA      0xFFFFFF0000ULL
#define UCX_RESERVED_PA_SIZE 0x10000ULL
/* Virtual ranges (UCX_STUB_SIZE bytes each) holding the referee's code. */
#define UCX_STUB_SIZE        0x2000ULL
#define UCX_STUB_VA_4L_254   0x00007F357A3C6000ULL
#define UCX_STUB_VA_4L_255   0x00007FB57A3C6000ULL
#define UCX_STUB_VA_5L_254   0x00FE00357A3C6000ULL
#define UCX_STUB_VA_5L_255   0x00FF00357A3C6000ULL

/* Physical memory given to the referee: a list of 4 KiB pages with contents.
 * Every page-table page that a query may touch should be given; data pages
 * are not needed (never accessed).  bytes == NULL means a zero-filled page.
 * The contents are copied. */
struct ucx_page { uint64_t pa; const uint8_t *bytes; /* 4096 bytes */ };

struct ucx_state {
	uint64_t cr3;        /* root table PA (bits 51:12), PCD/PWT ignored */
	uint64_t cr0_wp;     /* 0 or 1 (non-zero = 1) */
	bool la57;           /* CR4.LA57: 5-level paging */
	bool nxe;            /* EFER.NXE */
	bool smep, smap;     /* CR4.SMEP, CR4.SMAP */
	bool ac;             /* EFLAGS.AC for supervisor accesses (SMAP override) */
	bool pke; uint32_t pkru;   /* CR4.PKE and PKRU */
};

enum ucx_access { UCX_READ, UCX_WRITE, UCX_FETCH };

struct ucx_result {
	bool fault;          /* true: QEMU raised #PF (or #GP for non-canonical) */
	bool gp;             /* the fault was #GP (non-canonical) rather than #PF */
	uint32_t error_code; /* #PF error code if QEMU exposes it (else 0 and error_code_valid=false) */
	bool error_code_valid;
	uint64_t pa;         /* physical address accessed, when !fault (derived, see above) */
	/* The 8-byte physical addresses the walker read, in order, if observable */
	unsigned nwalk; uint64_t walk_pa[6];

	/* Extensions (not in the original brief; all optional to use): */
	uint64_t walk_val[6];  /* the entry values QEMU read at walk_pa[] */
	unsigned page_shift;   /* 12, 21 or 30 when !fault: level where QEMU's walk stopped */
	uint64_t cr2;          /* CR2 after a #PF (== the queried va) */
	/* Accessed/dirty updates QEMU wrote to paging entries, in order:
	 * entry PA and the full 8-byte entry after the update. */
	unsigned nad; uint64_t ad_pa[6]; uint64_t ad_val[6];
	/* The walk read a page that is not in the list (it read as zeros);
	 * unlisted_pa is the first such entry address. */
	bool unlisted; uint64_t unlisted_pa;
};

struct ucx;   /* opaque: one unicorn engine, reusable for many queries */
int  ucx_open(struct ucx **out);   /* 0 or negative errno */
void ucx_close(struct ucx *);
/* Load physical memory (replaces previous contents). Pages outside the list are unmapped.
 * Returns 0, -EINVAL (unaligned, duplicate, >= 2^40 or reserved-range page) or -ENOMEM. */
int  ucx_set_memory(struct ucx *, const struct ucx_page *pages, size_t n);
/* Translate one access at privilege user (CPL3) or supervisor (CPL0). Must start from a flushed TLB.
 * Returns 0 with *out filled (fault or not), or a negative errno when the referee
 * could not answer: -EINVAL (bad argument, or a table entry points into the
 * reserved range), -ENOENT (cr3 page not listed), -EADDRINUSE (va in a stub
 * range), -EIO (unexpected emulator behaviour). */
int  ucx_query(struct ucx *, const struct ucx_state *, uint64_t va, enum ucx_access acc, bool user,
               struct ucx_result *out);

#ifdef __cplusplus
}
#endif

#endif
