// SPDX-License-Identifier: MIT
/*
 * ARMv7-A short-descriptor translation (TTBCR.EAE = 0), stage 1 of the
 * Non-secure PL1&0 regime (ARMv7-A ARM B3.5, B3.7, B3.12; ARMv8 ARM G5,
 * AArch32.TranslationTableWalkSD, AArch32.CheckDomain,
 * AArch32.CheckPermission), with Linux's 2-level layout
 * (arch/arm/include/asm/pgtable-2level.h):
 *
 *  - the first-level table is 4096 four-byte entries (16 KiB), each 1 MiB;
 *    Linux's pgd entry is a pair of them (PGDIR_SHIFT = PMD_SHIFT = 21),
 *    the pmd folded into it;
 *  - one 4 KiB page holds the second-level tables of both entries of a
 *    pair: Linux's own ptes at +0 and +1024 ("Linux PT 0/1"), the
 *    hardware's at +2048 and +3072 ("H/W PT 0/1"); the first-level entries
 *    point at the hardware tables.  The engine sees Linux's (decode() of a
 *    table entry gives the Linux table, mk_table() links the hardware one)
 *    and writes the hardware copy with set_pte_ext()'s rules (hw_entry).
 *
 * Levels: index 0 is the first level, 1 the second; faults carry the
 * architectural level 1 (section) or 2 (page) and the DFSR/IFSR the abort
 * would report in the short format, domain included.
 * Not modelled: SCTLR.M = 0, TTBR attributes, Secure state (NS ignored),
 * stage 2, TLB, alignment faults, the pre-PXN reading of type 0b11, and
 * hardware Access flag management (ARMv7 has none, so neither has QEMU).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/arm32_lpae_priv.h"
#include "arch/format_util.h"

#define SD_LEVELS 2
#define SD_SUPERSECTION_SHIFT 24	/* 16 MiB */
#define SD_LARGE_SHIFT        16	/* 64 KiB */

static int sd_level(unsigned lvl)
{
	return (int)lvl + 1;
}

/* --- memory types -------------------------------------------------------------- */

/*
 * ptk_prot.memtype: Linux's L_PTE_MT_* types, rotated so that 0 is its
 * normal memory (WRITEALLOC) as in the LPAE format; the values Linux does
 * not name come last.  With SCTLR.TRE (Linux sets it) the hardware's
 * TEX[0], C, B are the type's low three bits, an index into PRRR/NMRR.
 */
static const uint8_t sd_mt_of[16] = {
	PTK_ARM32_L_MT_WRITEALLOC, PTK_ARM32_L_MT_UNCACHED, PTK_ARM32_L_MT_BUFFERABLE,
	PTK_ARM32_L_MT_WRITETHROUGH, PTK_ARM32_L_MT_WRITEBACK, PTK_ARM32_L_MT_DEV_SHARED,
	PTK_ARM32_L_MT_MINICACHE, PTK_ARM32_L_MT_DEV_NONSHARED, PTK_ARM32_L_MT_DEV_WC,
	PTK_ARM32_L_MT_DEV_CACHED, PTK_ARM32_L_MT_VECTORS, 5, 8, 10, 13, 14,
};

static const char *const sd_memtypes[16] = {
	"normal", "uncached", "bufferable", "writethrough", "writeback", "dev_shared",
	"minicache", "dev_nonshared", "dev_wc", "dev_cached", "vectors",
	"mt5", "mt8", "mt10", "mt13", "mt14",
};

static uint8_t sd_memtype_of(unsigned mt)
{
	uint8_t i = 0;

	while (sd_mt_of[i] != (mt & 0xf))
		i++;
	return i;
}

static bool sd_memtype_is_device(unsigned memtype)
{
	unsigned mt = sd_mt_of[memtype];

	return mt == PTK_ARM32_L_MT_DEV_SHARED || mt == PTK_ARM32_L_MT_DEV_NONSHARED ||
	       mt == PTK_ARM32_L_MT_DEV_WC || mt == PTK_ARM32_L_MT_DEV_CACHED;
}

/* TEX[0], C, B of a hardware descriptor as the TRE index 0..7. */
static unsigned sd_tre_index(uint32_t e, uint32_t tex0)
{
	return ((e & tex0) ? 4u : 0u) | ((e & PTK_ARM32_SD_SECT_C) ? 2u : 0u) |
	       ((e & PTK_ARM32_SD_SECT_B) ? 1u : 0u);
}

/* --- faults ------------------------------------------------------------------- */

static void sd_fault(struct ptk_fault *fault, enum ptk_fault_kind kind, int level, unsigned fs,
		     unsigned domain, const struct ptk_walk_req *req)
{
	*fault = (struct ptk_fault){
		.kind = kind, .level = level,
		.syndrome = ptk_arm32_sfsr(fs, domain, req->access == PTK_ACC_WRITE) };
}

/* The FS of each fault kind at level 1 (section) and 2 (page). */
static unsigned sd_fs(enum ptk_fault_kind kind, int level)
{
	bool sect = level == 1;

	switch (kind) {
	case PTK_FAULT_NOT_PRESENT:
		return sect ? PTK_ARM32_SFS_TRANS_SECT : PTK_ARM32_SFS_TRANS_PAGE;
	case PTK_FAULT_ACCESS_FLAG:
		return sect ? PTK_ARM32_SFS_AF_SECT : PTK_ARM32_SFS_AF_PAGE;
	case PTK_FAULT_DOMAIN:
		return sect ? PTK_ARM32_SFS_DOMAIN_SECT : PTK_ARM32_SFS_DOMAIN_PAGE;
	case PTK_FAULT_BUS:
		return sect ? PTK_ARM32_SFS_SEA_TTW_L1 : PTK_ARM32_SFS_SEA_TTW_L2;
	default:
		return sect ? PTK_ARM32_SFS_PERM_SECT : PTK_ARM32_SFS_PERM_PAGE;
	}
}

static void sd_fault_at(struct ptk_fault *fault, enum ptk_fault_kind kind, int level,
			unsigned domain, const struct ptk_walk_req *req)
{
	sd_fault(fault, kind, level, sd_fs(kind, level), domain, req);
}

/* A descriptor read outside RAM: Synchronous external abort on a
 * translation table walk (FS 0b01100 first level, 0b01110 second). */
static void sd_bus_fault(const struct ptk_format *f, const struct ptk_walk_req *req,
			 unsigned lvl, struct ptk_fault *fault)
{
	(void)f;
	sd_fault_at(fault, PTK_FAULT_BUS, sd_level(lvl), 0, req);
}

/* --- the VA ------------------------------------------------------------------- */

/* B3.5.4: with TTBCR.N = 0 TTBR0 maps everything; otherwise TTBR1 maps
 * the VAs with any of bits 31:32-N set. */
static unsigned sd_half(uint32_t ttbcr, uint64_t va)
{
	unsigned n = ttbcr & PTK_ARM32_TTBCR_N_MASK;

	return n && (va >> (32 - n)) ? 1 : 0;
}

/* A one-root format ("arm32", Linux's N = 0) serves TTBR1 with its root
 * too, as Linux loads TTBR1 with swapper_pg_dir. */
static int sd_root(const struct ptk_format *f, unsigned half)
{
	return half < f->nroots ? (int)half : 0;
}

static int sd_select_root(const struct ptk_format *f, const struct ptk_cpu *cpu, uint64_t va,
			  struct ptk_fault *fault)
{
	if (va >> 32) {
		*fault = (struct ptk_fault){ .kind = PTK_FAULT_NON_CANONICAL, .level = -1 };
		return -1;
	}
	return sd_root(f, sd_half(cpu->arm32.ttbcr, va));
}

/* TTBCR.PDn: the half's walks are Section translation faults, no walk. */
static int sd_walk_root(const struct ptk_format *f, const struct ptk_cpu *cpu,
			const struct ptk_walk_req *req, struct ptk_fault *fault)
{
	uint32_t ttbcr = cpu->arm32.ttbcr;
	unsigned half;

	if (req->va >> 32) {
		*fault = (struct ptk_fault){ .kind = PTK_FAULT_NON_CANONICAL, .level = -1 };
		return -1;
	}
	half = sd_half(ttbcr, req->va);
	if (ttbcr & (half ? PTK_ARM32_TTBCR_PD1 : PTK_ARM32_TTBCR_PD0)) {
		sd_fault_at(fault, PTK_FAULT_NOT_PRESENT, 1, 0, req);
		return -1;
	}
	return sd_root(f, half);
}

/* --- permissions (B3.7; AArch32.CheckDomain, AArch32.CheckPermission) ------------ */

/* What a walk carries from the first level to the second in acc->perm,
 * and keeps after the leaf for the fault syndrome: the domain. */
#define SD_ACC_DOMAIN_SHIFT 24
#define SD_ACC_DOMAIN_MASK  (0xfu << SD_ACC_DOMAIN_SHIFT)
#define SD_ACC_PXNTABLE     (1u << 28)

static unsigned sd_acc_domain(const struct ptk_walk_acc *acc)
{
	return (acc->perm & SD_ACC_DOMAIN_MASK) >> SD_ACC_DOMAIN_SHIFT;
}

/* A leaf's permission bits, gathered from either descriptor kind. */
struct sd_leaf {
	unsigned ap;		/* AP[2:0] */
	bool xn, pxn, ng;
	unsigned tre;		/* TEX[0]:C:B */
	uint64_t addr;		/* output address: the page's base */
	uint8_t page_shift;	/* a supersection's or large page's size, else 0 */
};

/*
 * AP[2:0] for a Client domain (B3.7.1, Table B3-8): PL1 read, PL1 write,
 * PL0 read, PL0 write.  0b100 is reserved: no access, as QEMU does.  With
 * SCTLR.AFE (the simplified model, Table B3-9) AP[0] is the Access flag
 * and AP[2:1] say read-only and PL0 access.
 */
static void sd_ap_rights(unsigned ap, bool afe, bool r[4])
{
	static const bool full[8][4] = {
		{ 0, 0, 0, 0 }, { 1, 1, 0, 0 }, { 1, 1, 1, 0 }, { 1, 1, 1, 1 },
		{ 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 1, 0, 1, 0 }, { 1, 0, 1, 0 },
	};

	if (afe) {
		bool ro = ap & 4, pl0 = ap & 2;

		r[0] = true, r[1] = !ro, r[2] = pl0, r[3] = pl0 && !ro;
		return;
	}
	memcpy(r, full[ap & 7], sizeof(full[0]));
}

/*
 * The effective rights: a Manager domain checks nothing, XN included;
 * a Client one AP[2:0], then execute: PL0 where it reads, unless XN or
 * (WXN and PL0 may write); PL1 unless XN, PXN (the leaf's or the
 * table's), WXN and PL1 may write, or UWXN and PL0 may write.  SCTLR.WXN
 * and UWXN apply to this format too (Virtualization Extensions); QEMU 5
 * ignores them here.
 */
static uint32_t sd_perm(uint32_t sctlr, const struct sd_leaf *l, bool manager, bool pxntable)
{
	bool r[4] = { true, true, true, true }, px = true, ux = true;

	if (!manager) {
		bool wxn = sctlr & PTK_ARM32_SCTLR_WXN, uwxn = sctlr & PTK_ARM32_SCTLR_UWXN;

		sd_ap_rights(l->ap, sctlr & PTK_ARM32_SCTLR_AFE, r);
		ux = r[2] && !l->xn && !(wxn && r[3]);
		px = r[0] && !l->xn && !l->pxn && !pxntable && !(wxn && r[1]) && !(uwxn && r[3]);
	}
	return (r[0] ? PTK_PROT_READ : 0) | (r[1] ? PTK_PROT_WRITE : 0) |
	       (r[2] ? PTK_PROT_USER : 0) | (r[3] ? PTK_ARM32_ACC_UW : 0) |
	       ((r[2] ? ux : px) ? PTK_PROT_EXEC : 0) | (px ? PTK_ARM32_ACC_PX : 0) |
	       (ux ? PTK_ARM32_ACC_UX : 0) | (l->ng ? 0 : PTK_PROT_GLOBAL);
}

/*
 * One Permission fault, with the rule that denied the access as its kind:
 * a PL0 access (fetches too) where PL0 may not read, or any access where
 * AP[2:0] gives the PL no access at all: USER; a write where the PL may
 * not: WRITE; a fetch XN, PXN, WXN or UWXN forbid: EXEC.
 */
static bool sd_check_access(const struct ptk_format *f, const struct ptk_cpu *cpu,
			    const struct ptk_walk_req *req, const struct ptk_walk_acc *acc,
			    unsigned leaf_lvl, struct ptk_fault *fault)
{
	uint32_t p = acc->perm;
	bool user = req->user;
	enum ptk_fault_kind k = PTK_FAULT_NONE;

	(void)f, (void)cpu;
	if (!(p & (user ? PTK_PROT_USER : PTK_PROT_READ)))
		k = PTK_FAULT_USER;
	else if (req->access == PTK_ACC_EXEC)
		k = (p & (user ? PTK_ARM32_ACC_UX : PTK_ARM32_ACC_PX)) ? PTK_FAULT_NONE
								       : PTK_FAULT_EXEC;
	else if (req->access == PTK_ACC_WRITE)
		k = (p & (user ? PTK_ARM32_ACC_UW : PTK_PROT_WRITE)) ? PTK_FAULT_NONE
								     : PTK_FAULT_WRITE;
	if (k == PTK_FAULT_NONE)
		return true;
	sd_fault_at(fault, k, sd_level(leaf_lvl), sd_acc_domain(acc), req);
	return false;
}

/* --- the walk ------------------------------------------------------------------- */

/* A section or supersection: its rights and its output address.  A
 * supersection is 16 MiB (B3.5.1), its entry replicated in 16 consecutive
 * first-level entries: the walk reports that size and base, as QEMU's
 * page size does. */
static void sd_section(uint32_t e, struct sd_leaf *l)
{
	l->ap = ((e >> 10) & 3) | ((e & PTK_ARM32_SD_SECT_APX) ? 4 : 0);
	l->xn = e & PTK_ARM32_SD_SECT_XN;
	l->pxn = e & PTK_ARM32_SD_SECT_PXN;
	l->ng = e & PTK_ARM32_SD_SECT_NG;
	l->tre = sd_tre_index(e, PTK_ARM32_SD_SECT_TEX0);
	if (e & PTK_ARM32_SD_SECT_SUPER) {
		l->addr = ptk_arm32_sd_supersection_pa(e);
		l->page_shift = SD_SUPERSECTION_SHIFT;
	} else {
		l->addr = e & PTK_ARM32_SD_SECT_ADDR_MASK;
		l->page_shift = 0;
	}
}

/* A large (64 KiB, replicated in 16 second-level entries) or small page,
 * the same way. */
static void sd_page(uint32_t e, struct sd_leaf *l)
{
	bool large = (e & PTK_ARM32_SD_L2_TYPE_MASK) == PTK_ARM32_SD_L2_LARGE;

	l->ap = ((e >> 4) & 3) | ((e & PTK_ARM32_SD_PTE_APX) ? 4 : 0);
	l->xn = e & (large ? PTK_ARM32_SD_LARGE_XN : PTK_ARM32_SD_PTE_XN);
	l->pxn = false;
	l->ng = e & PTK_ARM32_SD_PTE_NG;
	l->tre = sd_tre_index(e, large ? PTK_ARM32_SD_LARGE_TEX0 : PTK_ARM32_SD_PTE_TEX0);
	l->addr = e & (large ? PTK_ARM32_SD_LARGE_ADDR_MASK : PTK_ARM32_SD_SMALL_ADDR_MASK);
	l->page_shift = large ? SD_LARGE_SHIFT : 0;
}

/*
 * What a leaf grants in its domain under DACR (B3.7.3): false for No
 * access and the reserved 0b10 (QEMU: a Domain fault), else the rights
 * (a Manager's unchecked), the domain kept for the syndrome, the memory
 * type.
 */
static bool sd_leaf_acc(uint32_t sctlr, uint32_t dacr, unsigned domain, const struct sd_leaf *l,
			bool pxntable, struct ptk_walk_acc *acc)
{
	unsigned field = ptk_arm32_dacr_field(dacr, domain);

	if (field == PTK_ARM32_DACR_NOACCESS || field == 2)
		return false;
	acc->perm = sd_perm(sctlr, l, field == PTK_ARM32_DACR_MANAGER, pxntable) |
		    domain << SD_ACC_DOMAIN_SHIFT;
	acc->memtype = sd_memtype_of(l->tre);
	acc->pkey = 0;
	return true;
}

/*
 * The end of a walk at a leaf, in the order of the ARMv8 pseudocode: the
 * Access flag (AFE and AP[0] = 0) in the walk, then the domain (Domain
 * fault), then the rights, which check_access applies.
 */
static enum ptk_desc_type sd_leaf_end(const struct ptk_cpu *cpu, unsigned lvl, unsigned domain,
				      const struct sd_leaf *l, const struct ptk_walk_req *req,
				      struct ptk_walk_acc *acc, struct ptk_walk_out *out,
				      struct ptk_fault *fault)
{
	bool pxntable = acc->perm & SD_ACC_PXNTABLE;

	if ((cpu->arm32.sctlr & PTK_ARM32_SCTLR_AFE) && !(l->ap & 1)) {
		sd_fault_at(fault, PTK_FAULT_ACCESS_FLAG, sd_level(lvl), domain, req);
		return PTK_DESC_INVALID;
	}
	if (!sd_leaf_acc(cpu->arm32.sctlr, cpu->arm32.dacr, domain, l, pxntable, acc)) {
		sd_fault_at(fault, PTK_FAULT_DOMAIN, sd_level(lvl), domain, req);
		return PTK_DESC_INVALID;
	}
	out->addr = l->addr;
	out->page_shift = l->page_shift;
	return PTK_DESC_LEAF;
}

/*
 * AArch32.TranslationTableWalkSD: first level type 0b00 is a Section
 * translation fault, 0b01 a page table (its domain and PXN carried on),
 * 0b1x a section (bit 18: supersection, domain 0), bit 0 its PXN; second
 * level 0b00 a Page translation fault (with the first level's domain),
 * 0b01 a large page, 0b1x a small page.  No descriptor is ever rewritten.
 */
static enum ptk_desc_type sd_walk_entry(const struct ptk_format *f, const struct ptk_cpu *cpu,
					unsigned lvl, uint64_t raw, const struct ptk_walk_req *req,
					struct ptk_walk_acc *acc, struct ptk_walk_out *out,
					struct ptk_fault *fault)
{
	uint32_t e = (uint32_t)raw;
	unsigned domain = lvl ? sd_acc_domain(acc) : (e >> PTK_ARM32_SD_DOMAIN_SHIFT) & 0xf;
	struct sd_leaf l;

	(void)f;
	out->updated = raw;
	if (!(e & 3)) {
		sd_fault_at(fault, PTK_FAULT_NOT_PRESENT, sd_level(lvl), lvl ? domain : 0, req);
		return PTK_DESC_INVALID;
	}
	if (lvl) {
		sd_page(e, &l);
		return sd_leaf_end(cpu, lvl, domain, &l, req, acc, out, fault);
	}
	if ((e & PTK_ARM32_SD_L1_TYPE_MASK) == PTK_ARM32_SD_L1_TABLE) {
		acc->perm = (acc->perm & ~(SD_ACC_DOMAIN_MASK | SD_ACC_PXNTABLE)) |
			    domain << SD_ACC_DOMAIN_SHIFT |
			    ((e & PTK_ARM32_SD_TBL_PXN) ? SD_ACC_PXNTABLE : 0);
		out->addr = e & PTK_ARM32_SD_TBL_ADDR_MASK;
		return PTK_DESC_TABLE;
	}
	if (e & PTK_ARM32_SD_SECT_SUPER)
		domain = 0;
	sd_section(e, &l);
	return sd_leaf_end(cpu, lvl, domain, &l, req, acc, out, fault);
}

/* --- the walker's fast path ------------------------------------------------------ */

/*
 * Plain entries (B3.5.1): first-level tables (0b01), sections (0b1x,
 * bit 18 clear) and small pages (0b1x), with AP[0] set under SCTLR.AFE.
 * Supersections, large pages, faults and TTBCR.PDn take the full rules.
 * The walker ORs the first-level entry into or_bits' bits 31:0 and the
 * second-level one into 63:32 (struct ptk_walk_allow): a page's domain
 * and PXNTable are its table's bits 8:5 and 2 there, a section's its own.
 * What a leaf grants depends on DACR, which no mask of entry bits can
 * say: leaf_attrs() gives a No-access domain no rights and the allow
 * conditions are the rights sd_check_access() needs, so such walks go to
 * fast_leaf(), which raises the Domain fault.
 */
#define SD_LANE2 32
#define SD_TBL_ATTR_BITS  (PTK_ARM32_SD_TBL_PXN | 0xfu << PTK_ARM32_SD_DOMAIN_SHIFT)
/* What sd_section() reads besides those (a section's B is the table's PXN bit) */
#define SD_SECT_ATTR_BITS (PTK_ARM32_SD_SECT_PXN | PTK_ARM32_SD_SECT_C | PTK_ARM32_SD_SECT_XN | \
			   PTK_ARM32_SD_SECT_AP0 | PTK_ARM32_SD_SECT_AP1 | PTK_ARM32_SD_SECT_TEX0 | \
			   PTK_ARM32_SD_SECT_APX | PTK_ARM32_SD_SECT_NG)
/* and sd_page() of a small page */
#define SD_PTE_ATTR_BITS  (PTK_ARM32_SD_PTE_XN | PTK_ARM32_SD_PTE_B | PTK_ARM32_SD_PTE_C | \
			   PTK_ARM32_SD_PTE_AP0 | PTK_ARM32_SD_PTE_AP1 | PTK_ARM32_SD_PTE_TEX0 | \
			   PTK_ARM32_SD_PTE_APX | PTK_ARM32_SD_PTE_NG)

/* The leaf of a plain walk ending at level lvl, and from the first-level
 * entry its domain and PXNTable. */
static unsigned sd_plain_leaf(unsigned lvl, uint64_t or_bits, struct sd_leaf *l, bool *pxntable)
{
	uint32_t l1 = (uint32_t)or_bits;

	if (lvl)
		sd_page((uint32_t)(or_bits >> SD_LANE2), l);
	else
		sd_section(l1, l);
	*pxntable = lvl && (l1 & PTK_ARM32_SD_TBL_PXN);
	return (l1 >> PTK_ARM32_SD_DOMAIN_SHIFT) & 0xf;
}

/* plan->arch[0] is SCTLR, arch[1] DACR. */
static void sd_leaf_attrs(const struct ptk_walk_plan *plan, unsigned lvl, uint64_t and_bits,
			  uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc)
{
	struct sd_leaf l;
	bool pxntable;
	unsigned domain = sd_plain_leaf(lvl, or_bits, &l, &pxntable);

	(void)and_bits, (void)e;
	if (!sd_leaf_acc((uint32_t)plan->arch[0], (uint32_t)plan->arch[1], domain, &l, pxntable,
			 acc))
		*acc = (struct ptk_walk_acc){ .perm = 0 };	/* a Domain fault: fast_leaf */
}

static bool sd_fast_leaf(const struct ptk_format *f, const struct ptk_cpu *cpu,
			 const struct ptk_walk_req *req, unsigned lvl, uint64_t and_bits,
			 uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc,
			 struct ptk_walk_out *out, struct ptk_fault *fault)
{
	struct sd_leaf l;
	bool pxntable;
	unsigned domain = sd_plain_leaf(lvl, or_bits, &l, &pxntable);

	(void)and_bits;
	acc->perm = pxntable ? SD_ACC_PXNTABLE : 0;
	out->updated = e;
	return sd_leaf_end(cpu, lvl, domain, &l, req, acc, out, fault) == PTK_DESC_LEAF &&
	       sd_check_access(f, cpu, req, acc, lvl, fault);
}

/* The rights of acc->perm each access needs: sd_check_access() restated. */
static void sd_plan_allow(struct ptk_walk_plan *plan)
{
	static const uint32_t need[2][3] = {
		/* PL1: read, write, execute */
		{ PTK_PROT_READ, PTK_PROT_READ | PTK_PROT_WRITE, PTK_PROT_READ | PTK_ARM32_ACC_PX },
		/* PL0 */
		{ PTK_PROT_USER, PTK_PROT_USER | PTK_ARM32_ACC_UW,
		  PTK_PROT_USER | PTK_ARM32_ACC_UX },
	};

	for (unsigned user = 0; user < 2; user++)
		for (unsigned a = PTK_ACC_READ; a <= PTK_ACC_EXEC; a++)
			plan->allow[PTK_WALK_ALLOW_INDEX(a, user)] =
				(struct ptk_walk_allow){ .perm_need = need[user][a] };
}

/*
 * The VAs each root takes without walk_root() (B3.5.4): with N = 0 TTBR0
 * all; else TTBR0 below 2^(32-N), TTBR1 above.  TTBCR.PDn makes its
 * half's walks Section translation faults: PD1 empties TTBR1's range,
 * PD0 makes no first-level entry plain (the full rules for every walk).
 */
static void sd_walk_plan(const struct ptk_format *f, const struct ptk_cpu *cpu,
			 struct ptk_walk_plan *plan)
{
	uint32_t ttbcr = cpu->arm32.ttbcr, sctlr = cpu->arm32.sctlr;
	unsigned n = ttbcr & PTK_ARM32_TTBCR_N_MASK;
	bool afe = sctlr & PTK_ARM32_SCTLR_AFE;
	uint64_t sect = PTK_ARM32_SD_L1_SECT | (afe ? PTK_ARM32_SD_SECT_AP0 : 0);
	uint64_t small = PTK_ARM32_SD_L2_SMALL | (afe ? PTK_ARM32_SD_PTE_AP0 : 0);

	plan->lv[0].table_mask = PTK_ARM32_SD_L1_TYPE_MASK;
	plan->lv[0].table_value = PTK_ARM32_SD_L1_TABLE;
	plan->lv[0].table_addr = PTK_ARM32_SD_TBL_ADDR_MASK;
	plan->lv[0].leaf_mask = sect | PTK_ARM32_SD_SECT_SUPER;
	plan->lv[0].leaf_value = sect;
	plan->lv[0].leaf_addr = PTK_ARM32_SD_SECT_ADDR_MASK;
	plan->lv[1].leaf_mask = plan->lv[1].leaf_value = small;
	plan->lv[1].leaf_addr = PTK_ARM32_SD_SMALL_ADDR_MASK;
	if (ttbcr & PTK_ARM32_TTBCR_PD0) {
		plan->lv[0].table_mask = plan->lv[0].leaf_mask = 0;
		plan->lv[0].table_value = plan->lv[0].leaf_value = 1;
	}
	sd_plan_allow(plan);
	plan->lo_root = 0;
	plan->lo_last = n ? (1ull << (32 - n)) - 1 : 0xffffffffull;
	plan->hi_root = (uint8_t)sd_root(f, 1);
	plan->hi_first = n && !(ttbcr & PTK_ARM32_TTBCR_PD1) ? 1ull << (32 - n) : ~0ull;
	plan->hi_last = n && !(ttbcr & PTK_ARM32_TTBCR_PD1) ? 0xffffffffull : 0;
	plan->arch[0] = sctlr;
	plan->arch[1] = cpu->arm32.dacr;
	plan->attr_and = 0;
	plan->attr_or = SD_TBL_ATTR_BITS | (uint64_t)SD_PTE_ATTR_BITS << SD_LANE2;
	plan->lv[0].attr_leaf = SD_SECT_ATTR_BITS;
	plan->lv[1].attr_leaf = 0;
}

/* --- encode / decode ----------------------------------------------------------- */

/* Linux's domain for a mapping: user memory DOMAIN_USER, device memory
 * DOMAIN_IO (mem_types[MT_DEVICE*].domain), the rest DOMAIN_KERNEL. */
static unsigned sd_domain_of(const struct ptk_prot *prot)
{
	if (prot->flags & PTK_PROT_USER)
		return PTK_ARM32_DOMAIN_USER;
	return sd_memtype_is_device(prot->memtype) ? PTK_ARM32_DOMAIN_IO
						   : PTK_ARM32_DOMAIN_KERNEL;
}

/*
 * pmd_populate(): the hardware table 2048 bytes above Linux's.  A table
 * made for user pages is _PAGE_USER_TABLE: DOMAIN_USER and PMD_PXNTABLE
 * (build_mem_type_table() adds it on an ARMv7 whose ID_MMFR0.VMSA >= 4,
 * the LPAE-capable cores that have PXN: PL1 never executes what a user
 * table maps); else pmd_populate_kernel()'s _PAGE_KERNEL_TABLE:
 * DOMAIN_KERNEL.  Both carry PMD_BIT4, which ARMv7 ignores.  As in Linux,
 * a table serves one kind: a kernel page put under a user table loses PL1
 * execute.
 */
static uint64_t sd_mk_table(const struct ptk_format *f, unsigned lvl, uint64_t table_pa,
			    const struct ptk_prot *below)
{
	bool user = below && (below->flags & PTK_PROT_USER);

	return ptk_arm32_sd_table((uint32_t)(table_pa + f->level[lvl + 1].hw_off),
				  user ? PTK_ARM32_DOMAIN_USER : PTK_ARM32_DOMAIN_KERNEL,
				  PTK_ARM32_SD_TBL_BIT4 | (user ? PTK_ARM32_SD_TBL_PXN : 0));
}

#define SD_PROT_KNOWN (((1u << (sizeof(PTK_PROT_LETTERS) - 1)) - 1u) | PTK_PROT_CONT)

/*
 * A section as Linux's mem_types[] and build_mem_type_table() make one on
 * an SMP ARMv7 with TEX remap: PMD_TYPE_SECT, PMD_SECT_AP_WRITE (AP[0],
 * always), PMD_SECT_AP_READ for 'u', PMD_SECT_APX without 'w',
 * PMD_SECT_XN without 'x', PMD_SECT_S, PMD_SECT_nG without 'g', TEX[0]:C:B
 * the memory type's index, the domain by sd_domain_of(); PXN for user
 * sections as for user tables.  With PTK_PROT_CONT: a supersection (the
 * 16 MiB around pa; domain 0, PA[39:32] in the extended base).
 */
static int sd_mk_section(unsigned fl, uint64_t pa, const struct ptk_prot *prot, uint64_t *raw)
{
	unsigned tre = sd_mt_of[prot->memtype] & 7;
	unsigned ap = 1 | ((fl & PTK_PROT_USER) ? 2 : 0) | ((fl & PTK_PROT_WRITE) ? 0 : 4);
	uint32_t attr = PTK_ARM32_SD_SECT_S | ((tre & 4) ? PTK_ARM32_SD_SECT_TEX0 : 0) |
			((tre & 2) ? PTK_ARM32_SD_SECT_C : 0) | ((tre & 1) ? PTK_ARM32_SD_SECT_B : 0);

	attr |= (fl & PTK_PROT_EXEC) ? 0 : PTK_ARM32_SD_SECT_XN;
	attr |= (fl & PTK_PROT_GLOBAL) ? 0 : PTK_ARM32_SD_SECT_NG;
	attr |= (fl & PTK_PROT_USER) ? PTK_ARM32_SD_SECT_PXN : 0;
	if (fl & PTK_PROT_CONT) {
		*raw = ptk_arm32_sd_supersection(pa & ~0xffffffull, ap, attr);
		return 0;
	}
	if (pa >> 32)
		return -EINVAL;
	*raw = ptk_arm32_sd_section((uint32_t)pa, sd_domain_of(prot), ap, attr);
	return 0;
}

/*
 * A Linux pte (pgtable-2level.h): L_PTE_PRESENT, L_PTE_YOUNG for 'a',
 * L_PTE_DIRTY for 'd', L_PTE_RDONLY without 'w', L_PTE_USER for 'u',
 * L_PTE_XN without 'x', L_PTE_SHARED (SMP), L_PTE_MT_* the memory type.
 * A Linux pte has no global bit: set_pte_at() makes user pages nG, so 'g'
 * is read back as "not user".
 */
static uint64_t sd_mk_linux_pte(unsigned fl, uint64_t pa, unsigned memtype)
{
	uint32_t e = (uint32_t)pa | PTK_ARM32_L_PTE_PRESENT | PTK_ARM32_L_PTE_SHARED |
		     (uint32_t)sd_mt_of[memtype] << PTK_ARM32_L_PTE_MT_SHIFT;

	e |= (fl & PTK_PROT_ACCESSED) ? PTK_ARM32_L_PTE_YOUNG : 0;
	e |= (fl & PTK_PROT_DIRTY) ? PTK_ARM32_L_PTE_DIRTY : 0;
	e |= (fl & PTK_PROT_WRITE) ? 0 : PTK_ARM32_L_PTE_RDONLY;
	e |= (fl & PTK_PROT_USER) ? PTK_ARM32_L_PTE_USER : 0;
	e |= (fl & PTK_PROT_EXEC) ? 0 : PTK_ARM32_L_PTE_XN;
	return e;
}

static int sd_mk_leaf(const struct ptk_format *f, unsigned lvl, uint64_t pa,
		      const struct ptk_prot *prot, uint64_t *raw)
{
	uint32_t fl = prot->flags;

	if (lvl >= f->nlevels || (pa & (ptk_level_size(f, lvl) - 1)) || (pa >> f->max_pa_bits))
		return -EINVAL;
	if (!(fl & PTK_PROT_READ) || (fl & ~SD_PROT_KNOWN) || prot->memtype >= f->nr_memtypes ||
	    prot->pkey)
		return -EINVAL;
	if (!lvl)
		return sd_mk_section(fl, pa, prot, raw);
	if ((fl & PTK_PROT_CONT) || (pa >> 32))
		return -EINVAL;	/* a Linux pte has no large pages, no PA above 4 GiB */
	*raw = sd_mk_linux_pte(fl, pa, prot->memtype);
	return 0;
}

/*
 * cpu_v7_set_pte_ext() (proc-v7-2level.S): the hardware small page from
 * Linux's pte.  Address and L_PTE_SHARED (S) stay; C, B from the memory
 * type's bits 1:0, TEX[0] from its bit 2; AP[0] always; AP[1] for
 * L_PTE_USER; AP[2] (read-only) for L_PTE_RDONLY or a clean page (not
 * L_PTE_DIRTY), so that the first write faults; XN for L_PTE_XN; nG for a
 * user page (set_pte_at's ext).  Not present, not young, or PROT_NONE
 * (L_PTE_NONE): 0, so that any access faults.
 */
static uint64_t sd_set_pte_ext(uint32_t l)
{
	unsigned mt = (l & PTK_ARM32_L_PTE_MT_MASK) >> PTK_ARM32_L_PTE_MT_SHIFT;
	uint32_t hw;

	if (!(l & PTK_ARM32_L_PTE_PRESENT) || !(l & PTK_ARM32_L_PTE_YOUNG) ||
	    (l & PTK_ARM32_L_PTE_NONE))
		return 0;
	hw = (l & (PTK_ARM32_SD_SMALL_ADDR_MASK | PTK_ARM32_SD_PTE_S | PTK_ARM32_SD_PTE_C |
		   PTK_ARM32_SD_PTE_B)) |
	     PTK_ARM32_SD_L2_SMALL | PTK_ARM32_SD_PTE_AP0 | ((mt & 4) ? PTK_ARM32_SD_PTE_TEX0 : 0);
	if ((l & PTK_ARM32_L_PTE_RDONLY) || !(l & PTK_ARM32_L_PTE_DIRTY))
		hw |= PTK_ARM32_SD_PTE_APX;
	if (l & PTK_ARM32_L_PTE_USER)
		hw |= PTK_ARM32_SD_PTE_AP1 | PTK_ARM32_SD_PTE_NG;
	if (l & PTK_ARM32_L_PTE_XN)
		hw |= PTK_ARM32_SD_PTE_XN;
	return hw;
}

static uint64_t sd_hw_entry(const struct ptk_format *f, unsigned lvl, uint64_t raw)
{
	(void)f;
	return lvl ? sd_set_pte_ext((uint32_t)raw) : raw;
}

/*
 * Supersections and large pages (ARMv7-A ARM B3.5.1) are replicated: the
 * same descriptor in 16 consecutive entries, each holding the 16 MiB (64
 * KiB) base, and a TLB may hold the whole page from any of them, so the
 * engine cannot change one entry alone.  It unfolds the run first: entry
 * i becomes the plain leaf of what it translates, base + i x its span.
 *
 * A supersection's entry i: the section at base + i MiB with every other
 * bit kept (AP, TEX, C, B, XN, PXN, S, nG, NS and bit 9): a supersection
 * is in domain 0 (B3.7.3), which the section gets from bits 8:5 = 0, and
 * bits 23:20 become PA[23:20].  A section encodes 32 bits of PA only: a
 * supersection whose PA[39:32] (bits 23:20 and 8:5) is not 0 has no
 * sections.
 *
 * A large page's entry i, hand-written in the hardware table under an
 * empty Linux pte: the Linux pte whose set_pte_ext() is the small page of
 * the same attributes at base + i x 4 KiB (XN from bit 15 to bit 0, TEX
 * from 14:12 to 8:6), young and dirty as a section decodes, L_PTE_RDONLY
 * for AP[2].  Linux's ptes say only part of what a hardware page can
 * (AP[0] always, TEX[2:1] = 0, nG exactly for PL0 access): a large page
 * outside that has no Linux ptes.
 */
static unsigned sd_unreplicate(const struct ptk_format *f, unsigned lvl, unsigned idx,
			       uint64_t raw, uint64_t hw, struct ptk_replica *rep)
{
	uint32_t e = (uint32_t)raw, h = (uint32_t)hw, pa, small, l;
	const uint32_t same = PTK_ARM32_SD_PTE_B | PTK_ARM32_SD_PTE_C | PTK_ARM32_SD_PTE_AP0 |
			      PTK_ARM32_SD_PTE_AP1 | PTK_ARM32_SD_PTE_APX | PTK_ARM32_SD_PTE_S |
			      PTK_ARM32_SD_PTE_NG;

	(void)f;
	*rep = (struct ptk_replica){ 0 };
	if (!lvl) {
		if (!(e & PTK_ARM32_SD_L1_SECT) || !(e & PTK_ARM32_SD_SECT_SUPER))
			return 0;
		rep->kind = "supersection";
		rep->pa = ptk_arm32_sd_supersection_pa(e);
		if (rep->pa >> 32) {
			rep->why = "its PA[39:32] is not 0 and a section cannot map a PA above "
				   "4 GiB";
			return 16;
		}
		rep->plain = (e & ~(PTK_ARM32_SD_SUPER_ADDR_MASK | PTK_ARM32_SD_SECT_SUPER)) |
			     (uint32_t)(rep->pa + ((uint64_t)(idx & 15) << 20));
		return 16;
	}
	/* A Linux pte rules its hardware copy; only an empty one may sit
	 * over a hand-written large page. */
	if (e || (h & PTK_ARM32_SD_L2_TYPE_MASK) != PTK_ARM32_SD_L2_LARGE)
		return 0;
	rep->kind = "large page";
	rep->pa = h & PTK_ARM32_SD_LARGE_ADDR_MASK;
	pa = (uint32_t)rep->pa + ((idx & 15u) << 12);
	small = pa | PTK_ARM32_SD_L2_SMALL | (h & same) | ((h >> 12) & 7u) << 6 |
		((h & PTK_ARM32_SD_LARGE_XN) ? PTK_ARM32_SD_PTE_XN : 0);
	l = pa | PTK_ARM32_L_PTE_PRESENT | PTK_ARM32_L_PTE_YOUNG | PTK_ARM32_L_PTE_DIRTY |
	    (uint32_t)sd_tre_index(h, PTK_ARM32_SD_LARGE_TEX0) << PTK_ARM32_L_PTE_MT_SHIFT |
	    ((h & PTK_ARM32_SD_PTE_APX) ? PTK_ARM32_L_PTE_RDONLY : 0) |
	    ((h & PTK_ARM32_SD_PTE_AP1) ? PTK_ARM32_L_PTE_USER : 0) |
	    ((h & PTK_ARM32_SD_LARGE_XN) ? PTK_ARM32_L_PTE_XN : 0) |
	    ((h & PTK_ARM32_SD_PTE_S) ? PTK_ARM32_L_PTE_SHARED : 0);
	if (sd_set_pte_ext(l) != small) {
		rep->why = "a Linux pte cannot say its attributes (AP[0] clear, TEX[2:1] set, "
			   "or nG not exactly for PL0 access)";
		return 16;
	}
	rep->plain = l;
	return 16;
}

static void sd_decode_section(uint32_t e, struct ptk_desc *d)
{
	struct sd_leaf l;
	uint32_t fl = PTK_PROT_READ | PTK_PROT_ACCESSED | PTK_PROT_DIRTY;
	bool user;

	sd_section(e, &l);
	user = l.ap & 2;
	fl |= (l.ap & 4) ? 0 : PTK_PROT_WRITE;
	fl |= user ? PTK_PROT_USER : 0;
	fl |= !l.xn && (user || !l.pxn) ? PTK_PROT_EXEC : 0;
	fl |= l.ng ? 0 : PTK_PROT_GLOBAL;
	fl |= (e & PTK_ARM32_SD_SECT_SUPER) ? PTK_PROT_CONT : 0;
	d->type = PTK_DESC_LEAF;
	d->addr = l.addr;
	d->page_shift = l.page_shift;
	d->prot.flags = fl;
	d->prot.memtype = sd_memtype_of(l.tre);
}

static void sd_decode(const struct ptk_format *f, unsigned lvl, uint64_t raw, struct ptk_desc *d)
{
	uint32_t e = (uint32_t)raw, fl = PTK_PROT_READ;

	*d = (struct ptk_desc){ .type = PTK_DESC_INVALID };
	if (!lvl) {
		if ((e & PTK_ARM32_SD_L1_TYPE_MASK) == PTK_ARM32_SD_L1_TABLE) {
			/* Linux's table, below the hardware one the entry holds */
			d->type = PTK_DESC_TABLE;
			d->addr = (e & PTK_ARM32_SD_TBL_ADDR_MASK) - f->level[1].hw_off;
			d->prot.flags = PTK_PROT_READ | PTK_PROT_WRITE | PTK_PROT_USER | PTK_PROT_EXEC;
		} else if (e & 2) {
			sd_decode_section(e, d);
		}
		return;
	}
	if (!(e & PTK_ARM32_L_PTE_PRESENT))
		return;
	fl |= (e & PTK_ARM32_L_PTE_RDONLY) ? 0 : PTK_PROT_WRITE;
	fl |= (e & PTK_ARM32_L_PTE_USER) ? PTK_PROT_USER : PTK_PROT_GLOBAL;
	fl |= (e & PTK_ARM32_L_PTE_XN) ? 0 : PTK_PROT_EXEC;
	fl |= (e & PTK_ARM32_L_PTE_YOUNG) ? PTK_PROT_ACCESSED : 0;
	fl |= (e & PTK_ARM32_L_PTE_DIRTY) ? PTK_PROT_DIRTY : 0;
	d->type = PTK_DESC_LEAF;
	d->addr = e & PTK_ARM32_SD_SMALL_ADDR_MASK;
	d->prot.flags = fl;
	d->prot.memtype = sd_memtype_of((e & PTK_ARM32_L_PTE_MT_MASK) >> PTK_ARM32_L_PTE_MT_SHIFT);
}

/* --- rendering ------------------------------------------------------------------- */

static int sd_describe_attrs(char *buf, size_t len, int n, unsigned ap, unsigned tex, uint32_t e,
			     const struct bitname *names, size_t nnames)
{
	char more[64];

	n = format_cat(buf, len, n, " AP=%u%u%u TEX=%u", (ap >> 2) & 1, (ap >> 1) & 1, ap & 1,
		       tex);
	if (format_bitnames(more, sizeof(more), e, names, nnames))
		n = format_cat(buf, len, n, " %s", more);
	return n;
}

/* The hardware descriptor, as the walk reads it: "SECTION DOMAIN=0
 * AP=001 TEX=1 C B XN S", "SMALL AP=011 TEX=1 C B S nG". */
static int sd_describe(const struct ptk_format *f, unsigned lvl, uint64_t raw, char *buf,
		       size_t len)
{
	uint32_t e = (uint32_t)raw;
	unsigned dom = (e >> PTK_ARM32_SD_DOMAIN_SHIFT) & 0xf;

	(void)f;
	if (!(e & 3))
		return snprintf(buf, len, "FAULT");
	if (!lvl && (e & 3) == PTK_ARM32_SD_L1_TABLE)
		return snprintf(buf, len, "TABLE DOMAIN=%u%s%s", dom,
				(e & PTK_ARM32_SD_TBL_PXN) ? " PXN" : "",
				(e & PTK_ARM32_SD_TBL_NS) ? " NS" : "");
	if (!lvl) {
		const struct bitname names[] = {
			{ PTK_ARM32_SD_SECT_C, "C" }, { PTK_ARM32_SD_SECT_B, "B" },
			{ PTK_ARM32_SD_SECT_XN, "XN" }, { PTK_ARM32_SD_SECT_PXN, "PXN" },
			{ PTK_ARM32_SD_SECT_S, "S" }, { PTK_ARM32_SD_SECT_NG, "nG" },
			{ PTK_ARM32_SD_SECT_NS, "NS" },
		};
		bool super = e & PTK_ARM32_SD_SECT_SUPER;
		int n = super ? snprintf(buf, len, "SUPERSECTION PA[39:32]=%#x",
					 (unsigned)(ptk_arm32_sd_supersection_pa(e) >> 32))
			      : snprintf(buf, len, "SECTION DOMAIN=%u", dom);

		return sd_describe_attrs(buf, len, n, ((e >> 10) & 3) | ((e >> 13) & 4),
					 (e >> 12) & 7, e, names, sizeof(names) / sizeof(names[0]));
	}
	if ((e & 3) == PTK_ARM32_SD_L2_LARGE) {
		const struct bitname names[] = {
			{ PTK_ARM32_SD_PTE_C, "C" }, { PTK_ARM32_SD_PTE_B, "B" },
			{ PTK_ARM32_SD_LARGE_XN, "XN" }, { PTK_ARM32_SD_PTE_S, "S" },
			{ PTK_ARM32_SD_PTE_NG, "nG" },
		};

		return sd_describe_attrs(buf, len, snprintf(buf, len, "LARGE"),
					 ((e >> 4) & 3) | ((e >> 7) & 4), (e >> 12) & 7, e, names,
					 sizeof(names) / sizeof(names[0]));
	} else {
		const struct bitname names[] = {
			{ PTK_ARM32_SD_PTE_C, "C" }, { PTK_ARM32_SD_PTE_B, "B" },
			{ PTK_ARM32_SD_PTE_XN, "XN" }, { PTK_ARM32_SD_PTE_S, "S" },
			{ PTK_ARM32_SD_PTE_NG, "nG" },
		};

		return sd_describe_attrs(buf, len, snprintf(buf, len, "SMALL"),
					 ((e >> 4) & 3) | ((e >> 7) & 4), (e >> 6) & 7, e, names,
					 sizeof(names) / sizeof(names[0]));
	}
}

/* Where ptdump_val() puts the domain (get_domain_name() reads bits 8:5 of
 * the first-level entry) beside the compared bits. */
#define SD_DUMP_DOMAIN_SHIFT 32
#define SD_DUMP_HAS_DOMAIN   (1ull << 36)
#define SD_DUMP_SECT_MASK (PTK_ARM32_SD_SECT_APX | PTK_ARM32_SD_SECT_AP1 |                  \
			   PTK_ARM32_SD_SECT_AP0 | PTK_ARM32_SD_SECT_XN | PTK_ARM32_SD_SECT_S)
#define SD_DUMP_PTE_MASK (PTK_ARM32_L_PTE_USER | PTK_ARM32_L_PTE_RDONLY | PTK_ARM32_L_PTE_XN |  \
			  PTK_ARM32_L_PTE_SHARED | PTK_ARM32_L_PTE_MT_MASK)

/*
 * note_page() of arch/arm/mm/dump.c without LPAE: it compares section_bits
 * (AP, XN, S) of a first-level entry or pte_bits (Linux's USER, RDONLY,
 * XN, SHARED, MT) of a Linux pte, and also breaks runs where the domain
 * changes: a pte's is its first-level entry's.  A value whose compared
 * bits are 0 stays 0 (it is not printed).
 */
static uint64_t sd_ptdump_val(const struct ptk_format *f, int pglevel, uint64_t raw,
			      uint64_t table_entry)
{
	bool pte = pglevel == PTK_PTE;
	uint64_t v = raw & (pte ? SD_DUMP_PTE_MASK : SD_DUMP_SECT_MASK);
	uint64_t dom = ((pte ? table_entry : raw) >> PTK_ARM32_SD_DOMAIN_SHIFT) & 0xf;

	(void)f;
	return v ? v | dom << SD_DUMP_DOMAIN_SHIFT | SD_DUMP_HAS_DOMAIN : 0;
}

/*
 * Its line after the size: the level name ("PGD" for a section: Linux's
 * arm has two page-table levels; "PTE"), the domain name, then " %s" for
 * each row of section_bits[] (ARMv6+: four AP rows, NX, SHD) or
 * pte_bits[] (with the pre-LPAE MINICACHE and DEV/NONSHARED rows).
 */
static int sd_ptdump_prot(const struct ptk_format *f, int pglevel, uint64_t prot, char *buf,
			  size_t len)
{
	static const char *const domains[] = { "KERNEL ", "USER   ", "IO     ", "VECTORS" };
	const uint64_t ap = PTK_ARM32_SD_SECT_APX | PTK_ARM32_SD_SECT_AP1 | PTK_ARM32_SD_SECT_AP0;
	static const struct prot_bits section_bits[] = {
		{ ap, PTK_ARM32_SD_SECT_APX | PTK_ARM32_SD_SECT_AP0, "    ro", NULL },
		{ ap, PTK_ARM32_SD_SECT_AP0, "    RW", NULL },
		{ ap, PTK_ARM32_SD_SECT_AP1, "USR ro", NULL },
		{ ap, PTK_ARM32_SD_SECT_AP1 | PTK_ARM32_SD_SECT_AP0, "USR RW", NULL },
		{ PTK_ARM32_SD_SECT_XN, PTK_ARM32_SD_SECT_XN, "NX", "x " },
		{ PTK_ARM32_SD_SECT_S, PTK_ARM32_SD_SECT_S, "SHD", "   " },
	};
#define MT(v) PTK_ARM32_L_PTE_MT_MASK, (uint64_t)(v) << PTK_ARM32_L_PTE_MT_SHIFT
	static const struct prot_bits pte_bits[] = {
		{ PTK_ARM32_L_PTE_USER, PTK_ARM32_L_PTE_USER, "USR", "   " },
		{ PTK_ARM32_L_PTE_RDONLY, PTK_ARM32_L_PTE_RDONLY, "ro", "RW" },
		{ PTK_ARM32_L_PTE_XN, PTK_ARM32_L_PTE_XN, "NX", "x " },
		{ PTK_ARM32_L_PTE_SHARED, PTK_ARM32_L_PTE_SHARED, "SHD", "   " },
		{ MT(PTK_ARM32_L_MT_UNCACHED), "SO/UNCACHED", NULL },
		{ MT(PTK_ARM32_L_MT_BUFFERABLE), "MEM/BUFFERABLE/WC", NULL },
		{ MT(PTK_ARM32_L_MT_WRITETHROUGH), "MEM/CACHED/WT", NULL },
		{ MT(PTK_ARM32_L_MT_WRITEBACK), "MEM/CACHED/WBRA", NULL },
		{ MT(PTK_ARM32_L_MT_MINICACHE), "MEM/MINICACHE", NULL },
		{ MT(PTK_ARM32_L_MT_WRITEALLOC), "MEM/CACHED/WBWA", NULL },
		{ MT(PTK_ARM32_L_MT_DEV_SHARED), "DEV/SHARED", NULL },
		{ MT(PTK_ARM32_L_MT_DEV_NONSHARED), "DEV/NONSHARED", NULL },
		{ MT(PTK_ARM32_L_MT_DEV_WC), "DEV/WC", NULL },
		{ MT(PTK_ARM32_L_MT_DEV_CACHED), "DEV/CACHED", NULL },
	};
#undef MT
	bool pte = pglevel == PTK_PTE;
	unsigned dom = (unsigned)(prot >> SD_DUMP_DOMAIN_SHIFT) & 0xf;
	int n = snprintf(buf, len, "%s", pte ? "PTE" : "PGD");

	(void)f;
	if (prot & SD_DUMP_HAS_DOMAIN)
		n = format_cat(buf, len, n, " %s", dom < 4 ? domains[dom] : "unknown");
	if (!prot)
		return n;
	if (pte)
		return format_dump_prot(buf, len, n, prot, pte_bits,
					sizeof(pte_bits) / sizeof(pte_bits[0]));
	return format_dump_prot(buf, len, n, prot, section_bits,
				sizeof(section_bits) / sizeof(section_bits[0]));
}

/* --- control state ------------------------------------------------------------------- */

/* TTBCR.N of the format: 0 for one root, else the split its roots serve. */
static unsigned sd_format_n(const struct ptk_format *f)
{
	return f->nroots == 1 ? 0 : 32u - (unsigned)__builtin_ctzll(f->dump_ranges[1].start);
}

/*
 * Linux 6.1 on an SMP ARMv7 without LPAE (proc-v7.S, proc-v7-2level.S):
 * TTBCR = 0 (N = 0: TTBR0 for everything; the TTBR attributes live in the
 * TTBRs); SCTLR = v7_crval's mmuset over the reset value, 0x10c53c7d:
 * TRE = 1 (TEX remap with PRRR 0xff0a81a8, NMRR 0x40e040e0), AFE = 0
 * (Linux's ptes always set AP[0]), WXN = UWXN = 0; DACR = every domain
 * Client, as while user space runs (DACR_INIT, 0x51, makes DOMAIN_USER No
 * access in the kernel outside uaccess sections).
 */
static void sd_cpu_defaults(const struct ptk_format *f, struct ptk_cpu *cpu)
{
	cpu->arm32 = (struct ptk_cpu_arm32){
		.ttbcr = sd_format_n(f),
		.sctlr = 0x10c53c7du,
		.dacr = PTK_ARM32_DACR_LINUX_USER,
		.prrr = PTK_ARM32_PRRR_LINUX,
		.nmrr = PTK_ARM32_NMRR_LINUX,
	};
}

const struct ptk_format_ops ptk_sd_ops = {
	.select_root = sd_select_root,
	.walk_root = sd_walk_root,
	.walk_entry = sd_walk_entry,
	.walk_plan = sd_walk_plan,
	.leaf_attrs = sd_leaf_attrs,
	.fast_leaf = sd_fast_leaf,
	.check_access = sd_check_access,
	.mk_table = sd_mk_table,
	.mk_leaf = sd_mk_leaf,
	.decode = sd_decode,
	.hw_entry = sd_hw_entry,
	.unreplicate = sd_unreplicate,
	.bus_fault = sd_bus_fault,
	.describe = sd_describe,
	.ptdump_val = sd_ptdump_val,
	.ptdump_prot = sd_ptdump_prot,
	.cpu_defaults = sd_cpu_defaults,
};

/* --- the formats ------------------------------------------------------------------- */

/* What ptdump walks: everything, through each root's half. */
static const struct ptk_va_range sd_dump[8][3] = {
	{ { 0, 0xffffffffu }, { 0, 0 } },
#define SD_DUMP(n) { { 0, (1ull << (32 - (n))) - 1 }, { 1ull << (32 - (n)), 0xffffffffu }, { 0, 0 } }
	SD_DUMP(1), SD_DUMP(2), SD_DUMP(3), SD_DUMP(4), SD_DUMP(5), SD_DUMP(6), SD_DUMP(7),
#undef SD_DUMP
};

static const char *const sd_names[8] = {
	"arm32", "arm32-n1", "arm32-n2", "arm32-n3", "arm32-n4", "arm32-n5", "arm32-n6", "arm32-n7",
};

static void sd_fill(struct ptk_format *f, unsigned n)
{
	*f = (struct ptk_format){
		.name = sd_names[n],
		.arch = "arm32",
		.nlevels = SD_LEVELS,
		.entry_shift = 2,
		.table_shift = 12,
		.va_bits = 32,
		/* Sections, pages and tables reach 32 bits (supersections
		 * 40, but Linux without LPAE has a 32-bit phys_addr_t: its
		 * RAM and its tables lie below 4 GiB). */
		.max_pa_bits = 32,
		.min_pa_bits = 32,
		.default_pa_bits = 32,
		.nroots = n ? 2 : 1,
		.va_unsigned = true,
		.ptdump_flags = PTK_PTDUMP_LEVEL_IN_PROT | PTK_PTDUMP_NO_EFFECTIVE |
				PTK_PTDUMP_SKIP_EMPTY | PTK_PTDUMP_ADDR32,
		.level = {
			/* 4096 x 1 MiB, 16 KiB (both TTBR0's, whatever N, and
			 * TTBR1's are allocated whole: TTBR0 indexes its first
			 * 16K >> N bytes). */
			{ "L1", 20, 12, true, PTK_PGD, .table_shift = 14, .alloc_shift = 14,
			  .replica_mask = PTK_ARM32_SD_L1_SECT | PTK_ARM32_SD_SECT_SUPER,
			  .replica_value = PTK_ARM32_SD_L1_SECT | PTK_ARM32_SD_SECT_SUPER },
			/* 256 x 4 KiB, 1 KiB; a page holds a pair of them and
			 * their hardware copies (PTE_HWTABLE_OFF). */
			{ "L2", 12, 8, true, PTK_PTE, .table_shift = 10, .alloc_shift = 12,
			  .share_shift = 1, .hw_off = PTK_ARM32_PTE_HWTABLE_OFF,
			  /* a large page only under an empty Linux pte */
			  .replica_mask = UINT32_MAX, .replica_value = 0,
			  .replica_hw_mask = PTK_ARM32_SD_L2_TYPE_MASK,
			  .replica_hw_value = PTK_ARM32_SD_L2_LARGE },
		},
		/* pgtable-2level.h: pgd = the first level (in pairs), p4d, pud
		 * and pmd folded into it, pte = the second level. */
		.hwlevel_of = { 0, -1, -1, -1, 1 },
		.memtype_names = sd_memtypes,
		.nr_memtypes = 16,
		.syndrome_name = "FSR",
		.markers = ptk_arm32_markers_3g,
		.dump_ranges = sd_dump[n],
		.ops = &ptk_sd_ops,
	};
}

#define SD_USAGE "arm32 or arm32-n1 .. arm32-n7"

int ptk_arm32_short_build(const char *name, struct ptk_format *out, struct ptk_error *err)
{
	for (unsigned n = 0; n < 8; n++)
		if (!strcmp(name, sd_names[n])) {
			sd_fill(out, n);
			return 0;
		}
	return ptk_err(err, -EINVAL, "unknown format '%s' (" SD_USAGE ")", name);
}

int ptk_arm32_is_short(const struct ptk_format *f)
{
	return f->ops == &ptk_sd_ops;
}
