// SPDX-License-Identifier: MIT
/*
 * ARMv7-A long-descriptor translation (LPAE), stage 1 of the Non-secure
 * PL1&0 regime (ARMv7-A ARM B3.6, B3.7; ARMv8 ARM G5, the AArch32
 * long-descriptor pseudocode).  The geometry, the names and Linux's layout
 * are in arm32_lpae_build.c.
 *
 * Levels: hardware index 0 is L1, so the architectural level of index i is
 * i + 1.  Faults carry the architectural level and the DFSR (data) or
 * IFSR (fetch) the abort would report in the long-descriptor format.  The
 * rules follow the pseudocode: AArch32.TranslationTableWalkLD (the half,
 * descriptor types, the output-address size, the Access flag), then
 * AArch32.CheckPermission.
 * Not modelled: hardware Access flag updates (ARMv7 has none, so neither
 * does QEMU), SCTLR.M = 0, TTBR address-size faults (the roots belong to
 * the engine), TTBCR2/HPD (ARMv8.2), PAN (ARMv8.1), stage 2, Secure state
 * (NS and NSTable are ignored, as in Non-secure PL1&0), alignment faults.
 */
#include <errno.h>
#include <stdio.h>

#include "arch/arm32_lpae_priv.h"
#include "arch/format_util.h"

/* --- faults ----------------------------------------------------------------- */

/* DFSR/IFSR, long-descriptor format: STATUS, LPAE, and WnR for a write
 * (a DFSR bit: an instruction fetch never writes).  ExT and CM stay 0. */
static uint64_t lpae_fsr(const struct ptk_walk_req *req, unsigned status)
{
	return status | PTK_ARM32_FSR_LPAE |
	       (req->access == PTK_ACC_WRITE ? PTK_ARM32_FSR_WNR : 0);
}

static void lpae_fault(struct ptk_fault *fault, enum ptk_fault_kind kind, int level,
		       const struct ptk_walk_req *req)
{
	unsigned base;

	switch (kind) {
	case PTK_FAULT_NOT_PRESENT: base = PTK_ARM32_LFSC_TRANS; break;
	case PTK_FAULT_ADDRESS_SIZE: base = PTK_ARM32_LFSC_ADDR_SIZE; break;
	case PTK_FAULT_ACCESS_FLAG: base = PTK_ARM32_LFSC_ACCESS; break;
	default: base = PTK_ARM32_LFSC_PERM; break;	/* the Permission fault's causes */
	}
	*fault = (struct ptk_fault){ .kind = kind, .level = level,
				     .syndrome = lpae_fsr(req, base | (unsigned)level) };
}

/* A descriptor read outside RAM: Synchronous external abort on a
 * translation table walk, at the level of the table read. */
static void lpae_bus_fault(const struct ptk_format *f, const struct ptk_walk_req *req,
			   unsigned lvl, struct ptk_fault *fault)
{
	(void)f;
	*fault = (struct ptk_fault){
		.kind = PTK_FAULT_BUS, .level = lpae_level(lvl),
		.syndrome = lpae_fsr(req, PTK_ARM32_LFSC_SEA_TTW | (unsigned)lpae_level(lvl)) };
}

/* --- the VA ----------------------------------------------------------------- */

/*
 * Which TTBR serves a 32-bit VA under TTBCR (B3.6.4, Table B3-... "TTBR0
 * and TTBR1 ranges"): TTBR1 the top 2^(32-T1SZ) when T1SZ > 0; TTBR0 the
 * bottom 2^(32-T0SZ) (all the rest when T0SZ = 0); when T1SZ = 0 TTBR1 the
 * rest above TTBR0's; between the two, neither (-1).  A VA of more than
 * 32 bits has no half.
 */
static int lpae_half(uint32_t ttbcr, uint64_t va)
{
	unsigned t0 = ptk_arm32_ttbcr_t0sz(ttbcr), t1 = ptk_arm32_ttbcr_t1sz(ttbcr);

	if (va >> 32)
		return -1;
	if (t1 && va >= (1ull << 32) - (1ull << (32 - t1)))
		return 1;
	if (!t0 || va < (1ull << (32 - t0)))
		return 0;
	return t1 ? -1 : 1;
}

/* For the engine (map, unmap, ptdump): the half, whatever EPDn says. */
static int lpae_select_root(const struct ptk_format *f, const struct ptk_cpu *cpu,
			    uint64_t va, struct ptk_fault *fault)
{
	int r = lpae_half(cpu->arm32.ttbcr, va);
	struct ptk_walk_req rd = { .va = va };

	(void)f;
	if (r >= 0)
		return r;
	if (va >> 32)
		*fault = (struct ptk_fault){ .kind = PTK_FAULT_NON_CANONICAL, .level = -1 };
	else
		lpae_fault(fault, PTK_FAULT_NOT_PRESENT, 1, &rd);
	return -1;
}

/*
 * For a translation: a VA between the halves, or in a half whose walks
 * TTBCR.EPDn disables, is a Translation fault at level 1 without a walk,
 * whatever the start level (AArch32.TranslationTableWalkLD).  An AArch32
 * VA has 32 bits: wider ones are refused as non-canonical, with no
 * syndrome (the processor cannot issue them).
 */
static int lpae_walk_root(const struct ptk_format *f, const struct ptk_cpu *cpu,
			  const struct ptk_walk_req *req, struct ptk_fault *fault)
{
	uint32_t ttbcr = cpu->arm32.ttbcr;
	int r = lpae_half(ttbcr, req->va);

	(void)f;
	if (req->va >> 32) {
		*fault = (struct ptk_fault){ .kind = PTK_FAULT_NON_CANONICAL, .level = -1 };
		return -1;
	}
	if (r >= 0 && !(ttbcr & (r ? PTK_ARM32_TTBCR_EPD1 : PTK_ARM32_TTBCR_EPD0)))
		return r;
	lpae_fault(fault, PTK_FAULT_NOT_PRESENT, 1, req);
	return -1;
}

/* --- permissions (B3.7; AArch32.CheckPermission) -------------------------------- */

/* Control state the permissions depend on, packed for the walk plan. */
#define LPAE_CTL_WXN  (1u << 0)
#define LPAE_CTL_UWXN (1u << 1)

static unsigned lpae_ctl(const struct ptk_cpu *cpu)
{
	uint32_t sctlr = cpu->arm32.sctlr;

	return ((sctlr & PTK_ARM32_SCTLR_WXN) ? LPAE_CTL_WXN : 0) |
	       ((sctlr & PTK_ARM32_SCTLR_UWXN) ? LPAE_CTL_UWXN : 0);
}

/* Table attributes gathered during a slow walk, in ptk_walk_acc.perm until
 * the leaf replaces it: bits 62:59 of the tables, ORed. */
#define LPAE_ACC_TATTR_SHIFT 24

/*
 * The effective permissions of a leaf e under table attributes tattr (bits
 * 62:59 of the tables above, ORed): APTable[0] clears AP[1], APTable[1]
 * sets AP[2], XNTable and PXNTable set XN and PXN.  Then, for AP[2:1]:
 *   PL1 reads always, writes where AP[2] = 0;
 *   PL0 reads where AP[1] = 1, writes where also AP[2] = 0;
 *   PL0 executes where it reads, unless XN, or WXN and PL0 may write;
 *   PL1 executes unless XN, PXN, WXN and PL1 may write, or UWXN and PL0
 *   may write.
 * An instruction fetch from Device or Strongly-ordered memory that is not
 * execute-never is CONSTRAINED UNPREDICTABLE; the model fetches, as QEMU
 * does, so the memory type plays no part.
 */
static uint32_t lpae_perm(uint64_t tattr, uint64_t e, unsigned ctl)
{
	bool ap1 = (e & PTK_ARM32_LPAE_USER) && !(tattr & PTK_ARM32_LPAE_APTABLE_NOPL0);
	bool ap2 = (e & PTK_ARM32_LPAE_RDONLY) || (tattr & PTK_ARM32_LPAE_APTABLE_RDONLY);
	bool xn = (e & PTK_ARM32_LPAE_XN) || (tattr & PTK_ARM32_LPAE_XNTABLE);
	bool pxn = (e & PTK_ARM32_LPAE_PXN) || (tattr & PTK_ARM32_LPAE_PXNTABLE);
	bool pw = !ap2, ur = ap1, uw = ap1 && !ap2;
	bool wxn = ctl & LPAE_CTL_WXN, uwxn = ctl & LPAE_CTL_UWXN;
	bool ux = ur && !xn && !(wxn && uw);
	bool px = !xn && !pxn && !(wxn && pw) && !(uwxn && uw);

	return PTK_PROT_READ | (pw ? PTK_PROT_WRITE : 0) | (ur ? PTK_PROT_USER : 0) |
	       ((ur ? ux : px) ? PTK_PROT_EXEC : 0) | (px ? PTK_ARM32_ACC_PX : 0) |
	       (ux ? PTK_ARM32_ACC_UX : 0) | ((e & PTK_ARM32_LPAE_NG) ? 0 : PTK_PROT_GLOBAL);
}

static void lpae_leaf_acc(uint64_t tattr, uint64_t e, unsigned ctl, struct ptk_walk_acc *acc)
{
	acc->perm = lpae_perm(tattr, e, ctl);
	acc->memtype = (uint8_t)ptk_arm32_lpae_memtype((unsigned)(e >> 2) & 7);
	acc->pkey = 0;
}

/*
 * One Permission fault, with the rule that denied the access as its kind:
 * PL0 access (a fetch too: PL0 executes only what it may read) to memory
 * PL0 may not read: USER; a write where the level may not: WRITE; a fetch
 * that XN, PXN, WXN or UWXN forbids: EXEC.
 */
static bool lpae_check_access(const struct ptk_format *f, const struct ptk_cpu *cpu,
			      const struct ptk_walk_req *req, const struct ptk_walk_acc *acc,
			      unsigned leaf_lvl, struct ptk_fault *fault)
{
	uint32_t p = acc->perm;
	enum ptk_fault_kind k = PTK_FAULT_NONE;

	(void)f, (void)cpu;
	if (req->user) {
		if (!(p & PTK_PROT_USER))
			k = PTK_FAULT_USER;
		else if (req->access == PTK_ACC_EXEC)
			k = (p & PTK_ARM32_ACC_UX) ? PTK_FAULT_NONE : PTK_FAULT_EXEC;
		else if (req->access == PTK_ACC_WRITE && !(p & PTK_PROT_WRITE))
			k = PTK_FAULT_WRITE;
	} else if (req->access == PTK_ACC_EXEC) {
		k = (p & PTK_ARM32_ACC_PX) ? PTK_FAULT_NONE : PTK_FAULT_EXEC;
	} else if (req->access == PTK_ACC_WRITE && !(p & PTK_PROT_WRITE)) {
		k = PTK_FAULT_WRITE;
	}
	if (k == PTK_FAULT_NONE)
		return true;
	lpae_fault(fault, k, lpae_level(leaf_lvl), req);
	return false;
}

/* --- the walk ------------------------------------------------------------------ */

static uint64_t lpae_leaf_addr(const struct ptk_format *f, unsigned lvl, uint64_t e)
{
	return e & PTK_ARM32_LPAE_ADDR_MASK & ~(ptk_level_size(f, lvl) - 1);
}

/*
 * AArch32.TranslationTableWalkLD: bit 0 clear, or type 0b01 at level 3:
 * Translation fault; an address with bits 47:40 set: Address size fault
 * (ARMv8; ARMv7 says UNK/SBZP); a table gathers its attributes; a block
 * (levels 1 and 2) or page with AF = 0: Access flag fault.  No hardware
 * updates: the entry is never rewritten.
 */
static enum ptk_desc_type lpae_walk_entry(const struct ptk_format *f, const struct ptk_cpu *cpu,
					  unsigned lvl, uint64_t e, const struct ptk_walk_req *req,
					  struct ptk_walk_acc *acc, struct ptk_walk_out *out,
					  struct ptk_fault *fault)
{
	int al = lpae_level(lvl);
	bool last = lpae_last(lvl);
	uint64_t tattr;

	if (!(e & PTK_ARM32_LPAE_VALID) || (!(e & PTK_ARM32_LPAE_TABLE_BIT) && last)) {
		lpae_fault(fault, PTK_FAULT_NOT_PRESENT, al, req);
		return PTK_DESC_INVALID;
	}
	out->updated = e;
	if (e & PTK_ARM32_LPAE_OA_HIGH_MASK) {
		lpae_fault(fault, PTK_FAULT_ADDRESS_SIZE, al, req);
		return PTK_DESC_INVALID;
	}
	if (!last && (e & PTK_ARM32_LPAE_TABLE_BIT)) {
		acc->perm |= (uint32_t)((e & PTK_ARM32_LPAE_TABLE_ATTRS) >> 59) << LPAE_ACC_TATTR_SHIFT;
		out->addr = e & PTK_ARM32_LPAE_ADDR_MASK;
		return PTK_DESC_TABLE;
	}
	if (!(e & PTK_ARM32_LPAE_AF)) {
		lpae_fault(fault, PTK_FAULT_ACCESS_FLAG, al, req);
		return PTK_DESC_INVALID;
	}
	tattr = (uint64_t)((acc->perm >> LPAE_ACC_TATTR_SHIFT) & 0xf) << 59;
	lpae_leaf_acc(tattr, e, lpae_ctl(cpu), acc);
	out->addr = lpae_leaf_addr(f, lvl, e);
	return PTK_DESC_LEAF;
}

/* --- the walker's fast path ------------------------------------------------- */

/*
 * Plain entries: tables of type 0b11, leaves of their level's type with AF
 * set, both with bits 47:40 clear.  A table's attributes are folded into
 * or_bits, a leaf's read from the leaf, so plain leaves have bits 62:59
 * clear (IGNORED there, they would pass for table attributes).  The bits
 * a table ignores (58:52, 11:2) may be anything: only or_bits' 62:59 are
 * read for tables, and the allow masks below only ever send more walks to
 * fast_leaf.
 */
/* What lpae_leaf_acc() reads of a leaf: AP[2:1], XN, PXN, nG, AttrIndx. */
#define LPAE_LEAF_ATTR_BITS (PTK_ARM32_LPAE_USER | PTK_ARM32_LPAE_RDONLY | PTK_ARM32_LPAE_XN | \
			     PTK_ARM32_LPAE_PXN | PTK_ARM32_LPAE_NG | PTK_ARM32_LPAE_ATTRINDX_MASK)

static void lpae_leaf_attrs(const struct ptk_walk_plan *plan, unsigned lvl, uint64_t and_bits,
			    uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc)
{
	(void)lvl, (void)and_bits;
	lpae_leaf_acc(or_bits & PTK_ARM32_LPAE_TABLE_ATTRS, e, (unsigned)plan->arch[0], acc);
}

static bool lpae_fast_leaf(const struct ptk_format *f, const struct ptk_cpu *cpu,
			   const struct ptk_walk_req *req, unsigned lvl, uint64_t and_bits,
			   uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc,
			   struct ptk_walk_out *out, struct ptk_fault *fault)
{
	(void)and_bits;
	lpae_leaf_acc(or_bits & PTK_ARM32_LPAE_TABLE_ATTRS, e, lpae_ctl(cpu), acc);
	out->addr = lpae_leaf_addr(f, lvl, e);
	out->updated = e;
	return lpae_check_access(f, cpu, req, acc, lvl, fault);
}

/*
 * The allow masks restate lpae_perm() and lpae_check_access() as bits
 * that must be clear in every entry of the walk (or_forbid) and bits the
 * leaf must have (leaf_need); anything else goes to fast_leaf.
 */
static void lpae_plan_allow(unsigned ctl, struct ptk_walk_plan *plan)
{
	const uint64_t USER = PTK_ARM32_LPAE_USER, RO = PTK_ARM32_LPAE_RDONLY;
	const uint64_t XN = PTK_ARM32_LPAE_XN | PTK_ARM32_LPAE_XNTABLE;
	const uint64_t NOPL0 = PTK_ARM32_LPAE_APTABLE_NOPL0, ROT = PTK_ARM32_LPAE_APTABLE_RDONLY;
	bool wxn = ctl & LPAE_CTL_WXN, uwxn = ctl & LPAE_CTL_UWXN;
	struct ptk_walk_allow *a = plan->allow;

	/* PL1 reads everything; writes without AP[2] or APTable[1]; executes
	 * without XN, PXN (leaf or table), and under UWXN without AP[1]
	 * anywhere, under WXN only read-only leaves. */
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, false)] = (struct ptk_walk_allow){ 0, 0, 0, 0 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, false)] = (struct ptk_walk_allow){ 0, 0, RO | ROT, 0 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_EXEC, false)] = (struct ptk_walk_allow){
		0, 0, XN | PTK_ARM32_LPAE_PXN | PTK_ARM32_LPAE_PXNTABLE | (uwxn ? USER : 0),
		wxn ? RO : 0 };
	/* PL0: AP[1] in the leaf, no APTable[0]; a write also no AP[2] or
	 * APTable[1]; a fetch no XN, and under WXN a read-only leaf. */
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, true)] = (struct ptk_walk_allow){ 0, 0, NOPL0, USER };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, true)] = (struct ptk_walk_allow){
		0, 0, NOPL0 | RO | ROT, USER };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_EXEC, true)] = (struct ptk_walk_allow){
		0, 0, NOPL0 | XN, USER | (wxn ? RO : 0) };
}

/*
 * The VAs the fast path takes without walk_root(): TTBR0's range from 0,
 * TTBR1's up to 2^32 - 1, (lo_last, hi_first) the gap between the halves.
 * A half whose walks are disabled (EPDn) takes the full rules.
 */
static void lpae_plan_ranges(const struct ptk_format *f, const struct ptk_cpu *cpu,
			     struct ptk_walk_plan *plan)
{
	uint32_t ttbcr = cpu->arm32.ttbcr;
	unsigned t0 = ptk_arm32_ttbcr_t0sz(ttbcr), t1 = ptk_arm32_ttbcr_t1sz(ttbcr);
	uint64_t lo_end = t0 ? 1ull << (32 - t0) : 1ull << 32;

	(void)f;
	if (t1 && lo_end > (1ull << 32) - (1ull << (32 - t1)))
		lo_end = (1ull << 32) - (1ull << (32 - t1));
	plan->lo_last = lo_end - 1;
	plan->lo_root = 0;
	plan->hi_root = 1;
	if (t1 && !(ttbcr & PTK_ARM32_TTBCR_EPD1)) {
		plan->hi_first = (1ull << 32) - (1ull << (32 - t1));
		plan->hi_last = 0xffffffffull;
	} else {
		plan->hi_first = ~0ull;	/* an empty range */
		plan->hi_last = 0;
	}
}

static void lpae_walk_plan(const struct ptk_format *f, const struct ptk_cpu *cpu,
			   struct ptk_walk_plan *plan)
{
	const uint64_t type = PTK_ARM32_LPAE_TYPE_MASK, high = PTK_ARM32_LPAE_OA_HIGH_MASK;
	uint32_t ttbcr = cpu->arm32.ttbcr;
	unsigned ctl = lpae_ctl(cpu);

	for (unsigned l = 0; l < f->nlevels; l++) {
		bool last = lpae_last(l);
		uint64_t below = ptk_level_size(f, l) - 1;
		struct ptk_walk_level *lv = &plan->lv[l];

		lv->table_mask = last ? 0 : type | high;
		lv->table_value = last ? 1 : PTK_ARM32_LPAE_TYPE_TABLE;
		lv->table_addr = PTK_ARM32_LPAE_ADDR_MASK;
		lv->leaf_mask = type | PTK_ARM32_LPAE_AF | high | PTK_ARM32_LPAE_TABLE_ATTRS;
		lv->leaf_value = (last ? PTK_ARM32_LPAE_TYPE_PAGE : PTK_ARM32_LPAE_TYPE_BLOCK) |
				 PTK_ARM32_LPAE_AF;
		lv->leaf_addr = PTK_ARM32_LPAE_ADDR_MASK & ~below;
		lv->attr_leaf = LPAE_LEAF_ATTR_BITS;
	}
	/* EPDn: the half's walks are Translation faults before any read.  A
	 * root's first level never matches, so they take the full rules (with
	 * both roots at level 1, the 2G split, that is every walk). */
	for (unsigned r = 0; r < f->nroots; r++)
		if (ttbcr & (r ? PTK_ARM32_TTBCR_EPD1 : PTK_ARM32_TTBCR_EPD0)) {
			unsigned l = f->root_level[r];

			plan->lv[l].table_mask = plan->lv[l].leaf_mask = 0;
			plan->lv[l].table_value = plan->lv[l].leaf_value = 1;
		}
	lpae_plan_allow(ctl, plan);
	lpae_plan_ranges(f, cpu, plan);
	plan->leaf_set_on_write = plan->leaf_clear_on_write = 0;
	plan->arch[0] = ctl;
	plan->arch[1] = 0;
	plan->attr_and = 0;
	plan->attr_or = PTK_ARM32_LPAE_TABLE_ATTRS;
}

/* --- encode / decode ------------------------------------------------------------ */

/* A table descriptor as Linux's pud_populate/pmd_populate writes one
 * (PMD_TYPE_TABLE and the address), without the PMD_PXNTABLE Linux adds to
 * user page tables (_PAGE_USER_TABLE): the engine does not know whom a
 * table serves, and user leaves carry PXN themselves, so the leaf decides. */
static uint64_t lpae_mk_table(const struct ptk_format *f, unsigned lvl, uint64_t table_pa,
			      const struct ptk_prot *below)
{
	(void)f, (void)lvl, (void)below;
	return (table_pa & PTK_ARM32_LPAE_ADDR_MASK) | PTK_ARM32_LPAE_TYPE_TABLE;
}

#define LPAE_PROT_KNOWN ((1u << (sizeof(PTK_PROT_LETTERS) - 1)) - 1u)

/*
 * Linux's choices (pgtable-3level.h, mm/mmu.c build_mem_type_table() for
 * an SMP ARMv7): block or page type, SH = Inner Shareable (L_PTE_SHARED),
 * AttrIndx from the memtype, AF for 'a', AP[1] (L_PTE_USER) for 'u', nG
 * without 'g'; without 'w' AP[2] and Linux's L_PTE_RDONLY (bit 58, what
 * Linux's ptdump reads), as MT_MEMORY_RO's sections have both; 'd' is
 * L_PTE_DIRTY (bit 55).  XN without 'x'; PXN on every user page ("Set PXN
 * for user mappings", user_pgprot |= PTE_EXT_PXN).  'r' is required: every
 * valid descriptor grants PL1 read.
 *
 * Linux's set_pte_ext() and set_pmd_at() also set AP[2] on a writable page
 * that is not dirty, to catch the first write; 'w' here means what the
 * hardware allows, as on arm64, so a Linux clean writable page is written
 * without 'w' (docs/arm32.md).
 */
static int lpae_mk_leaf(const struct ptk_format *f, unsigned lvl, uint64_t pa,
			const struct ptk_prot *prot, uint64_t *raw)
{
	uint32_t fl = prot->flags;
	uint64_t e;

	if (lvl >= f->nlevels || !f->level[lvl].leaf || (pa & (ptk_level_size(f, lvl) - 1)) ||
	    (pa >> f->max_pa_bits))
		return -EINVAL;
	if (!(fl & PTK_PROT_READ) || (fl & ~LPAE_PROT_KNOWN) || prot->memtype >= f->nr_memtypes ||
	    prot->pkey)
		return -EINVAL;
	e = pa | (lpae_last(lvl) ? PTK_ARM32_LPAE_TYPE_PAGE : PTK_ARM32_LPAE_TYPE_BLOCK) |
	    PTK_ARM32_LPAE_ATTRINDX(ptk_arm32_lpae_attrindx(prot->memtype)) | PTK_ARM32_LPAE_SHARED;
	e |= (fl & PTK_PROT_WRITE) ? 0 : PTK_ARM32_LPAE_RDONLY | PTK_ARM32_LPAE_SW_RDONLY;
	e |= (fl & PTK_PROT_USER) ? PTK_ARM32_LPAE_USER | PTK_ARM32_LPAE_PXN : 0;
	e |= (fl & PTK_PROT_EXEC) ? 0 : PTK_ARM32_LPAE_XN;
	e |= (fl & PTK_PROT_GLOBAL) ? 0 : PTK_ARM32_LPAE_NG;
	e |= (fl & PTK_PROT_ACCESSED) ? PTK_ARM32_LPAE_AF : 0;
	e |= (fl & PTK_PROT_DIRTY) ? PTK_ARM32_LPAE_SW_DIRTY : 0;
	*raw = e;
	return 0;
}

static void lpae_decode(const struct ptk_format *f, unsigned lvl, uint64_t e, struct ptk_desc *d)
{
	bool last = lpae_last(lvl), user = e & PTK_ARM32_LPAE_USER;
	uint32_t fl = PTK_PROT_READ;

	*d = (struct ptk_desc){ .type = PTK_DESC_INVALID };
	if (!(e & PTK_ARM32_LPAE_VALID))
		return;
	if (!last && (e & PTK_ARM32_LPAE_TABLE_BIT)) {
		/* What the table still allows below it. */
		d->type = PTK_DESC_TABLE;
		d->addr = e & PTK_ARM32_LPAE_ADDR_MASK;
		fl |= (e & PTK_ARM32_LPAE_APTABLE_RDONLY) ? 0 : PTK_PROT_WRITE;
		fl |= (e & PTK_ARM32_LPAE_APTABLE_NOPL0) ? 0 : PTK_PROT_USER;
		fl |= ((e & PTK_ARM32_LPAE_XNTABLE) ||
		       ((e & PTK_ARM32_LPAE_PXNTABLE) && (e & PTK_ARM32_LPAE_APTABLE_NOPL0)))
			      ? 0 : PTK_PROT_EXEC;
		d->prot.flags = fl;
		return;
	}
	if (!(e & PTK_ARM32_LPAE_TABLE_BIT) && last)
		return;		/* reserved encoding */
	d->type = PTK_DESC_LEAF;
	d->addr = lpae_leaf_addr(f, lvl, e);
	fl |= (e & PTK_ARM32_LPAE_RDONLY) ? 0 : PTK_PROT_WRITE;
	fl |= user ? PTK_PROT_USER : 0;
	fl |= !(e & PTK_ARM32_LPAE_XN) && (user || !(e & PTK_ARM32_LPAE_PXN)) ? PTK_PROT_EXEC : 0;
	fl |= (e & PTK_ARM32_LPAE_NG) ? 0 : PTK_PROT_GLOBAL;
	fl |= (e & PTK_ARM32_LPAE_AF) ? PTK_PROT_ACCESSED : 0;
	fl |= (e & PTK_ARM32_LPAE_SW_DIRTY) ? PTK_PROT_DIRTY : 0;
	d->prot.flags = fl;
	d->prot.memtype = (uint8_t)ptk_arm32_lpae_memtype((unsigned)(e >> 2) & 7);
}

/* --- rendering ------------------------------------------------------------------- */

/* "VALID TABLE XNTable", "VALID PAGE AF SH=IS AttrIndx=7(normal) AP=RO_PL1 XN nG SW_RDONLY". */
static int lpae_describe(const struct ptk_format *f, unsigned lvl, uint64_t e, char *buf,
			 size_t len)
{
	static const char *const ap[] = { "RW_PL1", "RW", "RO_PL1", "RO" };
	static const char *const sh[] = { "NS", "RSV", "OS", "IS" };
	static const char *const apt[] = { "", " APTable=NoPL0", " APTable=RO", " APTable=RO,NoPL0" };
	bool last = lpae_last(lvl);
	unsigned idx = (unsigned)(e >> 2) & 7;
	int n;

	if (!(e & PTK_ARM32_LPAE_VALID))
		return snprintf(buf, len, "INVALID");
	if (!last && (e & PTK_ARM32_LPAE_TABLE_BIT)) {
		struct bitname names[] = {
			{ PTK_ARM32_LPAE_XNTABLE, "XNTable" }, { PTK_ARM32_LPAE_PXNTABLE, "PXNTable" },
			{ PTK_ARM32_LPAE_NSTABLE, "NSTable" },
		};
		char more[48];

		n = snprintf(buf, len, "VALID TABLE%s", apt[(e >> 61) & 3]);
		if (format_bitnames(more, sizeof(more), e, names, 3))
			n = format_cat(buf, len, n, " %s", more);
	} else if (!(e & PTK_ARM32_LPAE_TABLE_BIT) && last) {
		return snprintf(buf, len, "RESERVED (type 01 at level 3)");
	} else {
		struct bitname names[] = {
			{ PTK_ARM32_LPAE_XN, "XN" }, { PTK_ARM32_LPAE_PXN, "PXN" },
			{ PTK_ARM32_LPAE_NG, "nG" }, { PTK_ARM32_LPAE_CONT, "CONT" },
			{ PTK_ARM32_LPAE_NS, "NS" }, { PTK_ARM32_LPAE_SW_DIRTY, "SW_DIRTY" },
			{ PTK_ARM32_LPAE_SW_SPECIAL, "SW_SPECIAL" }, { PTK_ARM32_LPAE_SW_NONE, "SW_NONE" },
			{ PTK_ARM32_LPAE_SW_RDONLY, "SW_RDONLY" },
		};
		char more[96];

		n = snprintf(buf, len, "VALID %s", last ? "PAGE" : "BLOCK");
		if (e & PTK_ARM32_LPAE_AF)
			n = format_cat(buf, len, n, " AF");
		n = format_cat(buf, len, n, " SH=%s AttrIndx=%u(%s) AP=%s",
			     sh[(e >> PTK_ARM32_LPAE_SH_SHIFT) & 3], idx,
			     f->memtype_names[ptk_arm32_lpae_memtype(idx)], ap[(e >> 6) & 3]);
		if (format_bitnames(more, sizeof(more), e, names, sizeof(names) / sizeof(names[0])))
			n = format_cat(buf, len, n, " %s", more);
	}
	if (e & PTK_ARM32_LPAE_OA_HIGH_MASK)
		n = format_cat(buf, len, n, " OA[47:40]=%#llx",
			     (unsigned long long)((e >> 40) & 0xff));
	return n;
}

/* pg_level[].mask of arch/arm/mm/dump.c: what note_page() compares at a
 * Linux level.  A PTE's includes its memory type; a section's does not. */
static uint64_t lpae_ptdump_val(const struct ptk_format *f, int pglevel, uint64_t raw,
			       uint64_t table_entry)
{
	const uint64_t sect = PTK_ARM32_LPAE_USER | PTK_ARM32_LPAE_SW_RDONLY |
			      PTK_ARM32_LPAE_RDONLY | PTK_ARM32_LPAE_XN | PTK_ARM32_LPAE_SHARED;
	const uint64_t pte = PTK_ARM32_LPAE_USER | PTK_ARM32_LPAE_SW_RDONLY | PTK_ARM32_LPAE_XN |
			     PTK_ARM32_LPAE_SHARED | PTK_ARM32_LPAE_ATTRINDX_MASK;

	(void)f, (void)table_entry;
	return raw & (pglevel == PTK_PTE ? pte : sect);
}

/*
 * arch/arm/mm/dump.c (Linux 6.1, CONFIG_ARM_LPAE): note_page() prints the
 * level name (pg_level[]: "PMD" for a section, "PTE"), then " %s" for each
 * row of section_bits[] or pte_bits[] whose set or clear string exists
 * (ptdump_flags makes ptdump.c leave the level name to this).  Linux never
 * prints the pgd/pud level (its mask is 0) and never makes 1 GiB blocks;
 * a level-1 block prints here as "PGD" with the section rows.
 */
static int lpae_ptdump_prot(const struct ptk_format *f, int pglevel, uint64_t prot, char *buf,
			    size_t len)
{
	static const struct prot_bits section_bits[] = {
		{ PTK_ARM32_LPAE_USER, PTK_ARM32_LPAE_USER, "USR", NULL },
		{ PTK_ARM32_LPAE_SW_RDONLY | PTK_ARM32_LPAE_RDONLY,
		  PTK_ARM32_LPAE_SW_RDONLY | PTK_ARM32_LPAE_RDONLY, "ro", "RW" },
		{ PTK_ARM32_LPAE_XN, PTK_ARM32_LPAE_XN, "NX", "x " },
		{ PTK_ARM32_LPAE_SHARED, PTK_ARM32_LPAE_SHARED, "SHD", "   " },
	};
#define MT(i) PTK_ARM32_LPAE_ATTRINDX_MASK, PTK_ARM32_LPAE_ATTRINDX(i)
	static const struct prot_bits pte_bits[] = {
		{ PTK_ARM32_LPAE_USER, PTK_ARM32_LPAE_USER, "USR", "   " },
		{ PTK_ARM32_LPAE_SW_RDONLY, PTK_ARM32_LPAE_SW_RDONLY, "ro", "RW" },
		{ PTK_ARM32_LPAE_XN, PTK_ARM32_LPAE_XN, "NX", "x " },
		{ PTK_ARM32_LPAE_SHARED, PTK_ARM32_LPAE_SHARED, "SHD", "   " },
		{ MT(0), "SO/UNCACHED", NULL },		/* L_PTE_MT_UNCACHED */
		{ MT(1), "MEM/BUFFERABLE/WC", NULL },	/* L_PTE_MT_BUFFERABLE */
		{ MT(2), "MEM/CACHED/WT", NULL },	/* L_PTE_MT_WRITETHROUGH */
		{ MT(3), "MEM/CACHED/WBRA", NULL },	/* L_PTE_MT_WRITEBACK */
		{ MT(7), "MEM/CACHED/WBWA", NULL },	/* L_PTE_MT_WRITEALLOC */
		{ MT(4), "DEV/SHARED", NULL },		/* L_PTE_MT_DEV_SHARED */
		{ MT(1), "DEV/WC", NULL },		/* L_PTE_MT_DEV_WC */
		{ MT(3), "DEV/CACHED", NULL },		/* L_PTE_MT_DEV_CACHED */
	};
#undef MT
	const struct prot_bits *bits = section_bits;
	size_t nbits = sizeof(section_bits) / sizeof(section_bits[0]);
	const char *name = "PMD";
	int n;

	(void)f;
	if (pglevel == PTK_PTE) {
		bits = pte_bits;
		nbits = sizeof(pte_bits) / sizeof(pte_bits[0]);
		name = "PTE";
	} else if (pglevel != PTK_PMD) {
		name = "PGD";
	}
	n = snprintf(buf, len, "%s", name);
	return prot ? format_dump_prot(buf, len, n, prot, bits, nbits) : n;
}

/* --- control state ------------------------------------------------------------------- */

/*
 * Linux 6.1 on an SMP ARMv7 with LPAE (arch/arm/mm/proc-v7-3level.S,
 * proc-v7.S):
 *   TTBCR = TTB_EAE | TTB_FLAGS_SMP (IRGN0 WBWA, ORGN0 WBWA, SH0 IS) and
 *           the same for TTBR1 (<< 16) | TTBR1_SIZE (T1SZ), T0SZ = 0:
 *           0xb5023500 (3G), 0xb5013500 (2G);
 *   MAIR0/MAIR1 = "PRRR"/"NMRR" 0xeeaa4400/0xff000004, written to the
 *           registers PRRR/NMRR are without EAE (so prrr/nmrr hold them too);
 *   SCTLR = the reset value with v7_crval's mmuset (M, C, Z, I, V, U, TRE,
 *           SW, CP15BEN) over the RES1 bits: 0x10c53c7d (WXN = UWXN = 0,
 *           AFE = 0, which LPAE ignores);
 *   DACR is not written with LPAE (head.S loads it only without): 0.
 */
static void lpae_cpu_defaults(const struct ptk_format *f, struct ptk_cpu *cpu)
{
	uint32_t flags = PTK_ARM32_TTBCR_RGN_WBWA << PTK_ARM32_TTBCR_IRGN0_SHIFT |
			 PTK_ARM32_TTBCR_RGN_WBWA << PTK_ARM32_TTBCR_ORGN0_SHIFT |
			 PTK_ARM32_TTBCR_SH_IS << PTK_ARM32_TTBCR_SH0_SHIFT;

	cpu->arm32 = (struct ptk_cpu_arm32){
		.ttbcr = PTK_ARM32_TTBCR_EAE | flags | flags << 16 |
			 ptk_arm32_lpae_t1sz(f) << PTK_ARM32_TTBCR_T1SZ_SHIFT,
		.sctlr = 0x10c53c7du,
		.dacr = 0,
		.prrr = PTK_ARM32_MAIR0_LINUX,
		.nmrr = PTK_ARM32_MAIR1_LINUX,
		.mair0 = PTK_ARM32_MAIR0_LINUX,
		.mair1 = PTK_ARM32_MAIR1_LINUX,
	};
}

const struct ptk_format_ops ptk_lpae_ops = {
	.select_root = lpae_select_root,
	.walk_root = lpae_walk_root,
	.walk_entry = lpae_walk_entry,
	.check_access = lpae_check_access,
	.walk_plan = lpae_walk_plan,
	.leaf_attrs = lpae_leaf_attrs,
	.fast_leaf = lpae_fast_leaf,
	.mk_table = lpae_mk_table,
	.mk_leaf = lpae_mk_leaf,
	.decode = lpae_decode,
	.bus_fault = lpae_bus_fault,
	.describe = lpae_describe,
	.ptdump_prot = lpae_ptdump_prot,
	.ptdump_val = lpae_ptdump_val,
	.cpu_defaults = lpae_cpu_defaults,
};
