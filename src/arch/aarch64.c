// SPDX-License-Identifier: MIT
/*
 * AArch64 VMSAv8-64 stage 1, EL1&0 regime (Arm ARM DDI 0487, chapter D8).
 *
 * One set of operations for every granule and VA size; each reads the
 * configuration back from the format's geometry (aarch64_priv.h).  The
 * geometry itself, the names and Linux's layout are in aarch64_build.c.
 *
 * Levels: hardware index 0 is the start level the VA size sets, so the
 * architectural level of index i is 4 - nlevels + i (-1..3).  Faults carry
 * the architectural level and the ESR_EL1 a Data or Instruction Abort would
 * report.  The rules follow the Arm ARM pseudocode: AArch64.S1Walk
 * (descriptor types, block levels, output-address size), the Access flag,
 * then AArch64.S1DirectBasePermissions and AArch64.S1CheckPermissions.
 * Not modelled: hardware Access flag and dirty state (TCR.HA/HD; QEMU 5 has
 * neither), SCTLR_EL1.M = 0, TTBR address-size faults (the roots belong to
 * the engine), stage 2, Secure state (NS and NSTable are ignored, as in
 * Non-secure EL1&0), FEAT_S1PIE/S1POE, FEAT_TTST.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "arch/aarch64_priv.h"
#include "arch/format_util.h"

/* --- configuration -------------------------------------------------------- */

int ptk_a64_level(const struct ptk_format *f, unsigned lvl)
{
	return 4 - (int)f->nlevels + (int)lvl;
}

unsigned ptk_a64_granule_shift(const struct ptk_format *f) { return f->table_shift; }
int ptk_a64_ds(const struct ptk_format *f) { return a64_config_of(f).ds; }
int ptk_a64_lpa(const struct ptk_format *f) { return a64_config_of(f).lpa; }

static bool a64_last(const struct ptk_format *f, unsigned lvl)
{
	return lvl + 1u == f->nlevels;
}

/* ContiguousSize() of the pseudocode: 4K 16 entries at levels 1-3; 16K 32
 * at level 2, 128 at level 3; 64K 32 at levels 2 and 3. */
unsigned ptk_a64_contig_entries(const struct ptk_format *f, unsigned lvl)
{
	int al = ptk_a64_level(f, lvl);

	if (lvl >= f->nlevels || !f->level[lvl].leaf)
		return 0;
	switch (f->table_shift) {
	case 12: return al >= 1 ? 16 : 0;
	case 14: return al == 3 ? 128 : al == 2 ? 32 : 0;
	default: return al >= 2 ? 32 : 0;
	}
}

/* AArch64.PhysicalAddressSize: TCR.IPS capped by the implementation (the
 * machine's PA width) and by 48 bits unless the format encodes 52. */
unsigned ptk_a64_oa_bits(const struct ptk_format *f, const struct ptk_cpu *cpu)
{
	unsigned n = ptk_a64_ips_bits(ptk_a64_tcr_ips(cpu->arm64.tcr));

	if (n > cpu->pa_bits)
		n = cpu->pa_bits;
	return n < f->max_pa_bits ? n : f->max_pa_bits;
}

/* --- addresses ------------------------------------------------------------ */

/* The address field: bits 47:granule, 49:granule with TCR.DS = 1. */
static uint64_t a64_field(const struct ptk_format *f)
{
	unsigned top = a64_config_of(f).ds ? 50 : 48;

	return ((1ull << top) - 1) & ~((1ull << f->table_shift) - 1);
}

/* AArch64.NextTableBase / AArch64.LeafBase before alignment: the field,
 * and OA[51:50] from bits 9:8 (DS) or OA[51:48] from bits 15:12 (64K with
 * FEAT_LPA).  Elsewhere those bits are not address bits. */
static uint64_t a64_desc_addr(const struct ptk_format *f, uint64_t e)
{
	struct a64_config c = a64_config_of(f);
	uint64_t a = e & a64_field(f);

	if (c.ds)
		a |= ((e >> PTK_A64_OA_DS_SHIFT) & 3) << 50;
	else if (c.lpa)
		a |= ((e >> PTK_A64_OA_LPA_SHIFT) & 0xf) << 48;
	return a;
}

static uint64_t a64_leaf_addr(const struct ptk_format *f, unsigned lvl, uint64_t e)
{
	return a64_desc_addr(f, e) & ~(ptk_level_size(f, lvl) - 1);
}

static uint64_t a64_addr_bits(const struct ptk_format *f, uint64_t pa)
{
	struct a64_config c = a64_config_of(f);
	uint64_t e = pa & a64_field(f);

	if (c.ds)
		e |= ((pa >> 50) & 3) << PTK_A64_OA_DS_SHIFT;
	else if (c.lpa)
		e |= ((pa >> 48) & 0xf) << PTK_A64_OA_LPA_SHIFT;
	return e;
}

static unsigned a64_attrindx(uint64_t e)
{
	return (unsigned)(e >> PTK_A64_ATTRINDX_SHIFT) & 7;
}

/* --- faults ----------------------------------------------------------------- */

/* ESR_EL1: EC by access and Exception level, IL (no instruction syndrome),
 * WnR for a write, the status code. */
static uint64_t a64_esr(const struct ptk_walk_req *req, unsigned fsc)
{
	unsigned ec;

	if (req->access == PTK_ACC_EXEC)
		ec = req->user ? PTK_A64_ESR_EC_IABT_LOW : PTK_A64_ESR_EC_IABT_CUR;
	else
		ec = req->user ? PTK_A64_ESR_EC_DABT_LOW : PTK_A64_ESR_EC_DABT_CUR;
	return ((uint64_t)ec << PTK_A64_ESR_EC_SHIFT) | PTK_A64_ESR_IL |
	       (req->access == PTK_ACC_WRITE ? PTK_A64_ESR_WNR : 0) | fsc;
}

static void a64_fault(struct ptk_fault *fault, enum ptk_fault_kind kind, int level,
		      const struct ptk_walk_req *req)
{
	unsigned base;

	switch (kind) {
	case PTK_FAULT_NOT_PRESENT: base = PTK_A64_FSC_TRANS; break;
	case PTK_FAULT_ADDRESS_SIZE: base = PTK_A64_FSC_ADDR_SIZE; break;
	case PTK_FAULT_ACCESS_FLAG: base = PTK_A64_FSC_ACCESS; break;
	default: base = PTK_A64_FSC_PERM; break;	/* the Permission fault's causes */
	}
	*fault = (struct ptk_fault){ .kind = kind, .level = level,
				     .syndrome = a64_esr(req, ptk_a64_fsc(base, level)) };
}

/* A descriptor read outside RAM: Synchronous External abort on a
 * translation table walk, at the level of the table read (D8.15). */
static void a64_bus_fault(const struct ptk_format *f, const struct ptk_walk_req *req,
			  unsigned lvl, struct ptk_fault *fault)
{
	int level = ptk_a64_level(f, lvl);
	unsigned fsc = level < 0 ? PTK_A64_FSC_SEA_TTW_LM1 : PTK_A64_FSC_SEA_TTW + (unsigned)level;

	*fault = (struct ptk_fault){ .kind = PTK_FAULT_BUS, .level = level,
				     .syndrome = a64_esr(req, fsc) };
}

/* --- the VA ----------------------------------------------------------------- */

/* AArch64.VAIsOutOfRange for a regime with two ranges: VA[55] picks the
 * half, and the bits from the top (63, or 55 under TBI) down to the VA size
 * must all equal it. */
static bool a64_va_in_range(const struct ptk_format *f, uint64_t va, unsigned root, bool tbi)
{
	uint64_t mask = ~0ull << f->va_bits;

	if (tbi)
		mask &= (1ull << 56) - 1;
	return (va & mask) == (root ? mask : 0);
}

/* For the engine (map, unmap, ptdump): untagged VAs only. */
static int a64_select_root(const struct ptk_format *f, const struct ptk_cpu *cpu,
			   uint64_t va, struct ptk_fault *fault)
{
	unsigned root = (unsigned)(va >> 63);
	struct ptk_walk_req rd = { .va = va };

	(void)cpu;
	if (a64_va_in_range(f, va, root, false))
		return (int)root;
	a64_fault(fault, PTK_FAULT_NOT_PRESENT, 0, &rd);
	return -1;
}

/* For a translation: TBI per half, but not for instruction fetches when
 * TBIDn is set; EPDn disables the half's walks; E0PDn denies EL0 the half
 * (FEAT_E0PD).  All are Translation faults at level 0 whatever the start
 * level (AArch64.S1Translate). */
static int a64_walk_root(const struct ptk_format *f, const struct ptk_cpu *cpu,
			 const struct ptk_walk_req *req, struct ptk_fault *fault)
{
	uint64_t tcr = cpu->arm64.tcr, va = req->va;
	unsigned root = (unsigned)(va >> 55) & 1;
	bool tbi = tcr & (root ? PTK_A64_TCR_TBI1 : PTK_A64_TCR_TBI0);

	if (tbi && req->access == PTK_ACC_EXEC &&
	    (tcr & (root ? PTK_A64_TCR_TBID1 : PTK_A64_TCR_TBID0)))
		tbi = false;
	if (a64_va_in_range(f, va, root, tbi) &&
	    !(tcr & (root ? PTK_A64_TCR_EPD1 : PTK_A64_TCR_EPD0)) &&
	    !(req->user && (tcr & (root ? PTK_A64_TCR_E0PD1 : PTK_A64_TCR_E0PD0))))
		return (int)root;
	a64_fault(fault, PTK_FAULT_NOT_PRESENT, 0, req);
	return -1;
}

/* --- permissions (D8.4) ------------------------------------------------------ */

/* Control state the permissions depend on, packed for the walk plan. */
#define A64_CTL_WXN       (1u << 0)
#define A64_CTL_EPAN      (1u << 1)

static unsigned a64_ctl(const struct ptk_cpu *cpu)
{
	uint64_t sctlr = cpu->arm64.sctlr;

	return ((sctlr & PTK_A64_SCTLR_WXN) ? A64_CTL_WXN : 0) |
	       ((sctlr & PTK_A64_SCTLR_EPAN) ? A64_CTL_EPAN : 0);
}

/* Table attributes gathered during a slow walk, in ptk_walk_acc.perm until
 * the leaf replaces it: bits 62:59 of the tables, ORed. */
#define A64_ACC_TATTR_SHIFT 24

/*
 * AArch64.S1DirectBasePermissions for both Exception levels, for each
 * combination of the effective AP[1] (bit 0 of i), AP[2] (bit 1), PXN
 * (bit 2) and UXN (bit 3), the table attributes already applied
 * (APTable[0] clears AP[1], APTable[1] sets AP[2], PXNTable and UXNTable
 * set PXN and UXN), and of SCTLR_EL1.WXN (w) and .EPAN (p):
 */
#define A64_UR(i)     ((i) & 1)				/* EL0 read: AP[1] */
#define A64_PW(i)     (!((i) & 2))			/* EL1 write: !AP[2] (EL1 always reads) */
#define A64_UW(i)     (A64_UR(i) && A64_PW(i))		/* EL0 write: AP[2:1] = 01 */
/* EL1 execute: !PXN, and memory writable at EL0 is PXN at EL1; WXN. */
#define A64_PX(i, w)  (!((i) & 4) && !A64_UW(i) && !((w) && A64_PW(i)))
/* EL0 execute: !UXN; WXN. */
#define A64_UX(i, w)  (!((i) & 8) && !((w) && A64_UW(i)))
/* PAN denies EL1 data accesses where EL0 may read or write (or, with
 * EPAN, execute: UXN before WXN). */
#define A64_PAN(i, p) (A64_UR(i) || ((p) && !((i) & 8)))
#define A64_PERM(i, w, p)                                                       \
	(PTK_PROT_READ | (A64_PW(i) ? PTK_PROT_WRITE : 0) |                       \
	 (A64_UR(i) ? PTK_PROT_USER : 0) |                                        \
	 ((A64_UR(i) ? A64_UX(i, w) : A64_PX(i, w)) ? PTK_PROT_EXEC : 0) |        \
	 (A64_PX(i, w) ? PTK_A64_ACC_PX : 0) | (A64_UX(i, w) ? PTK_A64_ACC_UX : 0) | \
	 (A64_PAN(i, p) ? PTK_A64_ACC_PAN : 0))
/* Index: AP[2:1] (bits 1:0), PXN, UXN (3:2) of the leaf, then PXNTable,
 * UXNTable, APTable (7:4) of the tables, applied as said above. */
#define A64_EFF(j)  ((((j) & 0xf) | (((j) >> 4) & 3) << 2 | (((j) >> 6) & 2)) & ~(((j) >> 6) & 1))
#define A64_P(j, w, p) A64_PERM(A64_EFF(j), w, p)
#define A64_P16(j, w, p)                                                                \
	A64_P(j + 0, w, p), A64_P(j + 1, w, p), A64_P(j + 2, w, p), A64_P(j + 3, w, p),   \
	A64_P(j + 4, w, p), A64_P(j + 5, w, p), A64_P(j + 6, w, p), A64_P(j + 7, w, p),   \
	A64_P(j + 8, w, p), A64_P(j + 9, w, p), A64_P(j + 10, w, p), A64_P(j + 11, w, p), \
	A64_P(j + 12, w, p), A64_P(j + 13, w, p), A64_P(j + 14, w, p), A64_P(j + 15, w, p)
#define A64_P256(w, p)                                                                  \
	{ A64_P16(0, w, p), A64_P16(16, w, p), A64_P16(32, w, p), A64_P16(48, w, p),      \
	  A64_P16(64, w, p), A64_P16(80, w, p), A64_P16(96, w, p), A64_P16(112, w, p),    \
	  A64_P16(128, w, p), A64_P16(144, w, p), A64_P16(160, w, p), A64_P16(176, w, p), \
	  A64_P16(192, w, p), A64_P16(208, w, p), A64_P16(224, w, p), A64_P16(240, w, p) }

/* [A64_CTL_WXN | A64_CTL_EPAN][index] */
static const uint32_t a64_perm_tab[4][256] = {
	A64_P256(0, 0), A64_P256(1, 0), A64_P256(0, 1), A64_P256(1, 1),
};

_Static_assert(A64_CTL_WXN == 1 && A64_CTL_EPAN == 2, "a64_perm_tab's index");

static inline unsigned a64_perm_idx(uint64_t tattr, uint64_t e)
{
	return ((unsigned)(e >> 6) & 3) | ((unsigned)(e >> 51) & 0xc) | (unsigned)(tattr >> 55);
}

/*
 * The effective permissions of a leaf under table attributes tattr (bits
 * 62:59): the table above, and g from nG.  An instruction fetch from Device
 * memory that is not execute-never is CONSTRAINED UNPREDICTABLE (Arm ARM
 * B2.7.2: a Permission fault, or a fetch as from Normal Non-cacheable);
 * this model takes the second choice, as QEMU does, so the memory type
 * plays no part here.
 */
static inline uint32_t a64_perm(uint64_t tattr, uint64_t e, unsigned ctl)
{
	return a64_perm_tab[ctl & 3][a64_perm_idx(tattr, e)] |
	       ((e & PTK_A64_NG) ? 0 : PTK_PROT_GLOBAL);
}

static void a64_leaf_acc(uint64_t tattr, uint64_t e, unsigned ctl, struct ptk_walk_acc *acc)
{
	acc->perm = a64_perm(tattr, e, ctl);
	acc->memtype = (uint8_t)a64_attrindx(e);
	acc->pkey = 0;
}

/* One Permission fault, with the rule that denied the access as its kind. */
static bool a64_check_access(const struct ptk_format *f, const struct ptk_cpu *cpu,
			     const struct ptk_walk_req *req, const struct ptk_walk_acc *acc,
			     unsigned leaf_lvl, struct ptk_fault *fault)
{
	uint32_t p = acc->perm;
	enum ptk_fault_kind k = PTK_FAULT_NONE;

	if (req->user) {
		if (req->access == PTK_ACC_EXEC)
			k = (p & PTK_A64_ACC_UX) ? PTK_FAULT_NONE : PTK_FAULT_EXEC;
		else if (!(p & PTK_PROT_USER))
			k = PTK_FAULT_USER;
		else if (req->access == PTK_ACC_WRITE && !(p & PTK_PROT_WRITE))
			k = PTK_FAULT_WRITE;
	} else {
		if (req->access == PTK_ACC_EXEC)
			k = (p & PTK_A64_ACC_PX) ? PTK_FAULT_NONE : PTK_FAULT_EXEC;
		else if (cpu->arm64.pan && (p & PTK_A64_ACC_PAN))
			k = PTK_FAULT_SMAP;	/* PAN: EL1 data access to EL0 memory */
		else if (req->access == PTK_ACC_WRITE && !(p & PTK_PROT_WRITE))
			k = PTK_FAULT_WRITE;
	}
	if (k == PTK_FAULT_NONE)
		return true;
	a64_fault(fault, k, ptk_a64_level(f, leaf_lvl), req);
	return false;
}

/* --- the walk ------------------------------------------------------------------ */

/*
 * AArch64.DecodeDescriptorType, then the output-address size of the next
 * table or the leaf, then the Access flag.  Table attributes gather unless
 * TCR.HPDn disables them for the half.  No hardware updates: the entry is
 * never rewritten.
 */
static enum ptk_desc_type a64_walk_entry(const struct ptk_format *f, const struct ptk_cpu *cpu,
					 unsigned lvl, uint64_t e, const struct ptk_walk_req *req,
					 struct ptk_walk_acc *acc, struct ptk_walk_out *out,
					 struct ptk_fault *fault)
{
	int al = ptk_a64_level(f, lvl);
	bool last = a64_last(f, lvl);
	unsigned oas = ptk_a64_oa_bits(f, cpu);
	uint64_t tcr = cpu->arm64.tcr, addr, tattr;

	if (!(e & PTK_A64_VALID) ||
	    (!(e & PTK_A64_TABLE_BIT) && (last || !f->level[lvl].leaf))) {
		a64_fault(fault, PTK_FAULT_NOT_PRESENT, al, req);
		return PTK_DESC_INVALID;
	}
	out->updated = e;
	if (!last && (e & PTK_A64_TABLE_BIT)) {
		addr = a64_desc_addr(f, e);
		if (addr >> oas) {
			a64_fault(fault, PTK_FAULT_ADDRESS_SIZE, al, req);
			return PTK_DESC_INVALID;
		}
		if (!(tcr & (((req->va >> 55) & 1) ? PTK_A64_TCR_HPD1 : PTK_A64_TCR_HPD0)))
			acc->perm |= (uint32_t)((e & PTK_A64_TABLE_ATTRS) >> 59) << A64_ACC_TATTR_SHIFT;
		out->addr = addr;
		return PTK_DESC_TABLE;
	}
	addr = a64_leaf_addr(f, lvl, e);
	if (addr >> oas) {
		a64_fault(fault, PTK_FAULT_ADDRESS_SIZE, al, req);
		return PTK_DESC_INVALID;
	}
	if (!(e & PTK_A64_AF)) {
		a64_fault(fault, PTK_FAULT_ACCESS_FLAG, al, req);
		return PTK_DESC_INVALID;
	}
	tattr = (uint64_t)((acc->perm >> A64_ACC_TATTR_SHIFT) & 0xf) << 59;
	a64_leaf_acc(tattr, e, a64_ctl(cpu), acc);
	out->addr = addr;
	return PTK_DESC_LEAF;
}

/* --- the walker's fast path ------------------------------------------------- */

/*
 * Plain entries: a table's attributes are folded into or_bits, a leaf's
 * are read from the leaf.  So plain leaves have bits 62:59 clear (there
 * they are PBHA, not table attributes), and under TCR.HPDn plain tables
 * have them clear too.  The address is e & mask: plain entries keep the
 * top address bits that live elsewhere (9:8 with DS, 15:12 with FEAT_LPA)
 * clear, and the field bits at or above the output-address size clear.
 */
/* What a64_leaf_acc() reads of a leaf: a64_perm_idx(), nG, AttrIndx. */
#define A64_LEAF_ATTR_BITS (PTK_A64_USER | PTK_A64_RDONLY | PTK_A64_PXN | PTK_A64_UXN | \
			    PTK_A64_NG | PTK_A64_ATTRINDX_MASK)

static void a64_leaf_attrs(const struct ptk_walk_plan *plan, unsigned lvl, uint64_t and_bits,
			   uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc)
{
	(void)lvl, (void)and_bits;
	a64_leaf_acc(or_bits & PTK_A64_TABLE_ATTRS, e, (unsigned)plan->arch[0], acc);
}

static bool a64_fast_leaf(const struct ptk_format *f, const struct ptk_cpu *cpu,
			  const struct ptk_walk_req *req, unsigned lvl, uint64_t and_bits,
			  uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc,
			  struct ptk_walk_out *out, struct ptk_fault *fault)
{
	(void)and_bits;
	a64_leaf_acc(or_bits & PTK_A64_TABLE_ATTRS, e, a64_ctl(cpu), acc);
	out->addr = a64_leaf_addr(f, lvl, e);
	out->updated = e;
	return a64_check_access(f, cpu, req, acc, lvl, fault);
}

/*
 * The allow masks restate a64_perm() and a64_check_access() as bits that
 * must be clear in every entry of the walk (or_forbid).  Conditions that
 * need a leaf bit set (EL0 data: AP[1]; anything under EPAN, or an EL1
 * fetch under WXN) cannot be said that way, since tables leave those bits
 * clear: there the full rules decide (never matches).
 */
static void a64_plan_allow(const struct ptk_cpu *cpu, unsigned ctl, struct ptk_walk_plan *plan)
{
	const uint64_t AP1 = PTK_A64_USER;
	const struct ptk_walk_allow never = { 0, 1, 0 };
	struct ptk_walk_allow *a = plan->allow;
	bool pan = cpu->arm64.pan, epan = ctl & A64_CTL_EPAN, wxn = ctl & A64_CTL_WXN;

	/* EL0 data: AP[1] in the leaf, no APTable[0] (and for a write no
	 * AP[2] or APTable[1]) anywhere down the walk.  PAN is for EL1. */
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, true)] = (struct ptk_walk_allow){
		0, 0, PTK_A64_APTABLE_NOEL0, AP1 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, true)] = (struct ptk_walk_allow){
		0, 0, PTK_A64_APTABLE_NOEL0 | PTK_A64_APTABLE_RDONLY | PTK_A64_RDONLY, AP1 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_EXEC, true)] = (struct ptk_walk_allow){
		0, 0, PTK_A64_UXN | PTK_A64_UXNTABLE | (wxn ? AP1 : 0) };
	if (pan && epan) {
		a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, false)] = never;
		a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, false)] = never;
	} else {
		a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, false)] =
			(struct ptk_walk_allow){ 0, 0, pan ? AP1 : 0 };
		a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, false)] = (struct ptk_walk_allow){
			0, 0, PTK_A64_RDONLY | PTK_A64_APTABLE_RDONLY | (pan ? AP1 : 0) };
	}
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_EXEC, false)] = wxn ? never :
		(struct ptk_walk_allow){ 0, 0, PTK_A64_PXN | PTK_A64_PXNTABLE | AP1 };
}

static void a64_walk_plan(const struct ptk_format *f, const struct ptk_cpu *cpu,
			  struct ptk_walk_plan *plan)
{
	struct a64_config c = a64_config_of(f);
	uint64_t tcr = cpu->arm64.tcr, field = a64_field(f);
	unsigned oas = ptk_a64_oa_bits(f, cpu), ctl = a64_ctl(cpu);
	uint64_t elsewhere = c.ds ? 3ull << PTK_A64_OA_DS_SHIFT :
			     c.lpa ? 0xfull << PTK_A64_OA_LPA_SHIFT : 0;
	uint64_t too_high = field & ~((1ull << oas) - 1);
	bool hpd = tcr & (PTK_A64_TCR_HPD0 | PTK_A64_TCR_HPD1);
	/* Faults decided before the walk by the half or the Exception level:
	 * the full rules, from the first entry on. */
	bool off = tcr & (PTK_A64_TCR_EPD0 | PTK_A64_TCR_EPD1 | PTK_A64_TCR_E0PD0 |
			  PTK_A64_TCR_E0PD1);

	for (unsigned l = 0; l < f->nlevels; l++) {
		bool last = a64_last(f, l);
		uint64_t below = ptk_level_size(f, l) - 1;
		struct ptk_walk_level *lv = &plan->lv[l];

		lv->table_mask = last ? 0 : PTK_A64_TYPE_MASK | elsewhere | too_high |
					       (hpd ? PTK_A64_TABLE_ATTRS : 0);
		lv->table_value = last ? 1 : PTK_A64_TYPE_TABLE;
		lv->table_addr = field;
		lv->leaf_mask = f->level[l].leaf ? PTK_A64_TYPE_MASK | PTK_A64_AF | elsewhere |
				(too_high & ~below) | PTK_A64_PBHA_MASK : 0;
		lv->leaf_value = !f->level[l].leaf ? 1 :
				 (last ? PTK_A64_TYPE_PAGE : PTK_A64_TYPE_BLOCK) | PTK_A64_AF;
		lv->leaf_addr = field & ~below;
		lv->attr_leaf = A64_LEAF_ATTR_BITS;
	}
	if (off) {
		plan->lv[0].table_mask = plan->lv[0].leaf_mask = 0;
		plan->lv[0].table_value = plan->lv[0].leaf_value = 1;
	}
	a64_plan_allow(cpu, ctl, plan);
	/* Untagged VAs of each half; tagged ones take select_root's way. */
	plan->lo_last = (1ull << f->va_bits) - 1;
	plan->hi_first = ~plan->lo_last;
	plan->hi_last = ~0ull;
	plan->lo_root = 0;
	plan->hi_root = 1;
	plan->leaf_set_on_write = plan->leaf_clear_on_write = 0;
	plan->arch[0] = ctl;
	plan->arch[1] = 0;
	plan->attr_and = 0;
	plan->attr_or = PTK_A64_TABLE_ATTRS;
}

/* --- encode / decode ------------------------------------------------------------ */

/* A table descriptor as Linux's p?d_populate writes one, without the
 * PXNTable (user) or UXNTable (kernel) Linux 6.1 adds: the engine does not
 * know which half a table serves, and the leaves carry the same
 * restrictions, so the leaf decides. */
static uint64_t a64_mk_table(const struct ptk_format *f, unsigned lvl, uint64_t table_pa,
			     const struct ptk_prot *below)
{
	(void)lvl, (void)below;
	return a64_addr_bits(f, table_pa) | PTK_A64_TYPE_TABLE;
}

#define A64_PROT_KNOWN ((1u << (sizeof(PTK_PROT_LETTERS) - 1)) - 1u)

/*
 * Linux's PAGE_* choices: page or block type, AF for 'a', SH = Inner
 * Shareable (from TCR.SH with DS = 1), AttrIndx = memtype, AP[2] clear and
 * DBM (PTE_WRITE) for 'w', AP[1] for 'u', nG without 'g', PTE_DIRTY (bit 55,
 * software) for 'd'; executable user pages are PXN, executable kernel pages
 * UXN, the others both.  Every page grants EL1 read: 'r' is required.
 */
static int a64_mk_leaf(const struct ptk_format *f, unsigned lvl, uint64_t pa,
		       const struct ptk_prot *prot, uint64_t *raw)
{
	uint32_t fl = prot->flags;
	uint64_t e;

	if (lvl >= f->nlevels || !f->level[lvl].leaf || (pa & (ptk_level_size(f, lvl) - 1)) ||
	    (pa >> f->max_pa_bits))
		return -EINVAL;
	if (!(fl & PTK_PROT_READ) || (fl & ~(A64_PROT_KNOWN | PTK_A64_PROT_CONT)) ||
	    prot->memtype >= f->nr_memtypes || prot->pkey ||
	    ((fl & PTK_A64_PROT_CONT) && !ptk_a64_contig_entries(f, lvl)))
		return -EINVAL;
	e = a64_addr_bits(f, pa) | (a64_last(f, lvl) ? PTK_A64_TYPE_PAGE : PTK_A64_TYPE_BLOCK) |
	    PTK_A64_ATTRINDX(prot->memtype);
	e |= a64_config_of(f).ds ? 0 : PTK_A64_SHARED;
	e |= (fl & PTK_PROT_WRITE) ? PTK_A64_DBM : PTK_A64_RDONLY;
	e |= (fl & PTK_PROT_USER) ? PTK_A64_USER : 0;
	e |= (fl & PTK_PROT_GLOBAL) ? 0 : PTK_A64_NG;
	e |= (fl & PTK_PROT_ACCESSED) ? PTK_A64_AF : 0;
	e |= (fl & PTK_PROT_DIRTY) ? PTK_A64_SW_DIRTY : 0;
	e |= (fl & PTK_A64_PROT_CONT) ? PTK_A64_CONT : 0;
	if (!(fl & PTK_PROT_EXEC))
		e |= PTK_A64_PXN | PTK_A64_UXN;
	else
		e |= (fl & PTK_PROT_USER) ? PTK_A64_PXN : PTK_A64_UXN;
	*raw = e;
	return 0;
}

static void a64_decode(const struct ptk_format *f, unsigned lvl, uint64_t e, struct ptk_desc *d)
{
	bool last = a64_last(f, lvl), user = e & PTK_A64_USER;
	uint32_t fl = PTK_PROT_READ;

	*d = (struct ptk_desc){ .type = PTK_DESC_INVALID };
	if (!(e & PTK_A64_VALID))
		return;
	if (!last && (e & PTK_A64_TABLE_BIT)) {
		/* What the table still allows below it. */
		d->type = PTK_DESC_TABLE;
		d->addr = a64_desc_addr(f, e);
		fl |= (e & PTK_A64_APTABLE_RDONLY) ? 0 : PTK_PROT_WRITE;
		fl |= (e & PTK_A64_APTABLE_NOEL0) ? 0 : PTK_PROT_USER;
		fl |= ((e & PTK_A64_UXNTABLE) && (e & PTK_A64_PXNTABLE)) ? 0 : PTK_PROT_EXEC;
		d->prot.flags = fl;
		return;
	}
	if (!(e & PTK_A64_TABLE_BIT) && (last || !f->level[lvl].leaf))
		return;		/* reserved encoding, or a block where none may be */
	d->type = PTK_DESC_LEAF;
	d->addr = a64_leaf_addr(f, lvl, e);
	fl |= (e & PTK_A64_RDONLY) ? 0 : PTK_PROT_WRITE;
	fl |= user ? PTK_PROT_USER : 0;
	fl |= !(e & (user ? PTK_A64_UXN : PTK_A64_PXN)) ? PTK_PROT_EXEC : 0;
	fl |= (e & PTK_A64_NG) ? 0 : PTK_PROT_GLOBAL;
	fl |= (e & PTK_A64_AF) ? PTK_PROT_ACCESSED : 0;
	fl |= (e & PTK_A64_SW_DIRTY) ? PTK_PROT_DIRTY : 0;
	fl |= ((e & PTK_A64_CONT) && ptk_a64_contig_entries(f, lvl)) ? PTK_A64_PROT_CONT : 0;
	d->prot.flags = fl;
	d->prot.memtype = (uint8_t)a64_attrindx(e);
}

/* --- rendering ------------------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static int a64_cat(char *buf, size_t len, int n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(buf + n, len > (size_t)n ? len - n : 0, fmt, ap);
	va_end(ap);
	return n;
}

/* "VALID TABLE PXNTable", "VALID PAGE AF SH=IS AttrIndx=0(normal) AP=RW_EL1 PXN UXN nG DBM". */
static int a64_describe(const struct ptk_format *f, unsigned lvl, uint64_t e, char *buf,
			size_t len)
{
	static const char *const ap[] = { "RW_EL1", "RW", "RO_EL1", "RO" };
	static const char *const sh[] = { "NS", "RSV", "OS", "IS" };
	static const char *const apt[] = { "", " APTable=NoEL0", " APTable=RO", " APTable=RO,NoEL0" };
	bool last = a64_last(f, lvl);
	int n;

	if (!(e & PTK_A64_VALID))
		return snprintf(buf, len, "INVALID");
	if (!last && (e & PTK_A64_TABLE_BIT)) {
		struct bitname names[] = {
			{ PTK_A64_UXNTABLE, "UXNTable" }, { PTK_A64_PXNTABLE, "PXNTable" },
			{ PTK_A64_NSTABLE, "NSTable" },
		};

		n = snprintf(buf, len, "VALID TABLE%s", apt[(e >> 61) & 3]);
		if (e & (PTK_A64_UXNTABLE | PTK_A64_PXNTABLE | PTK_A64_NSTABLE)) {
			n = a64_cat(buf, len, n, " ");
			n += format_bitnames(buf + n, len > (size_t)n ? len - n : 0, e, names, 3);
		}
		return n;
	}
	if (!(e & PTK_A64_TABLE_BIT) && last)
		return snprintf(buf, len, "RESERVED (type 01 at level 3)");
	if (!(e & PTK_A64_TABLE_BIT) && !f->level[lvl].leaf)
		return snprintf(buf, len, "BLOCK (none at level %d)", ptk_a64_level(f, lvl));
	n = snprintf(buf, len, "VALID %s", last ? "PAGE" : "BLOCK");
	if (e & PTK_A64_AF)
		n = a64_cat(buf, len, n, " AF");
	if (!a64_config_of(f).ds)
		n = a64_cat(buf, len, n, " SH=%s", sh[(e >> PTK_A64_SH_SHIFT) & 3]);
	n = a64_cat(buf, len, n, " AttrIndx=%u(%s) AP=%s", a64_attrindx(e),
		    f->memtype_names[a64_attrindx(e)], ap[(e >> 6) & 3]);
	{
		struct bitname names[] = {
			{ PTK_A64_PXN, "PXN" }, { PTK_A64_UXN, "UXN" }, { PTK_A64_NG, "nG" },
			{ ptk_a64_contig_entries(f, lvl) ? PTK_A64_CONT : 0, "CONT" },
			{ PTK_A64_DBM, "DBM" }, { PTK_A64_GP, "GP" }, { PTK_A64_NS, "NS" },
			{ PTK_A64_SW_DIRTY, "SW_DIRTY" },
		};
		char more[96];

		if (format_bitnames(more, sizeof(more), e, names, sizeof(names) / sizeof(names[0])))
			n = a64_cat(buf, len, n, " %s", more);
	}
	return n;
}

/*
 * The level name Linux prints.  A hole is reported at its real depth
 * (mm/pagewalk.c real_depth(): the highest Linux level folded into that
 * hardware level); an entry at the lowest of them, where the walk's
 * pXd_leaf() test fires.  pg_level[] names folded PUD and PMD "PGD".
 */
static const char *a64_ptdump_level_name(const struct ptk_format *f, int pglevel, bool hole)
{
	int nl = pglevel;

	if (pglevel < 0 || pglevel >= PTK_NR_PGLEVELS)
		return "?";
	while (!hole && nl + 1 < PTK_NR_PGLEVELS && f->hwlevel_of[nl + 1] < 0)
		nl++;
	switch (nl) {
	case PTK_PGD: return "PGD";
	case PTK_P4D: return "P4D";
	case PTK_PUD: return f->nlevels > 3 ? "PUD" : "PGD";
	case PTK_PMD: return f->nlevels > 2 ? "PMD" : "PGD";
	default: return "PTE";
	}
}

/* note_page() of arch/arm64/mm/ptdump.c (Linux 6.1): the level name, then
 * for an entry with any of the bits pte_bits[] knows, " set" or " clear"
 * of each row of pte_bits[] (ptdump_flags makes ptdump.c leave the level
 * name to this). */
static int a64_ptdump_prot(const struct ptk_format *f, int pglevel, uint64_t prot, char *buf,
			   size_t len)
{
	static const struct {
		uint64_t mask, val;
		const char *set, *clear;
	} bits[] = {
		{ PTK_A64_VALID, PTK_A64_VALID, " ", "F" },
		{ PTK_A64_USER, PTK_A64_USER, "USR", "   " },
		{ PTK_A64_RDONLY, PTK_A64_RDONLY, "ro", "RW" },
		{ PTK_A64_PXN, PTK_A64_PXN, "NX", "x " },
		{ PTK_A64_SHARED, PTK_A64_SHARED, "SHD", "   " },
		{ PTK_A64_AF, PTK_A64_AF, "AF", "  " },
		{ PTK_A64_NG, PTK_A64_NG, "NG", "  " },
		{ PTK_A64_CONT, PTK_A64_CONT, "CON", "   " },
		{ PTK_A64_TABLE_BIT, PTK_A64_TABLE_BIT, "   ", "BLK" },
		{ PTK_A64_UXN, PTK_A64_UXN, "UXN", "   " },
		{ PTK_A64_GP, PTK_A64_GP, "GP", "  " },
		{ PTK_A64_ATTRINDX_MASK, PTK_A64_ATTRINDX(PTK_A64_MT_DEVICE_nGnRnE), "DEVICE/nGnRnE", NULL },
		{ PTK_A64_ATTRINDX_MASK, PTK_A64_ATTRINDX(PTK_A64_MT_DEVICE_nGnRE), "DEVICE/nGnRE", NULL },
		{ PTK_A64_ATTRINDX_MASK, PTK_A64_ATTRINDX(PTK_A64_MT_NORMAL_NC), "MEM/NORMAL-NC", NULL },
		{ PTK_A64_ATTRINDX_MASK, PTK_A64_ATTRINDX(PTK_A64_MT_NORMAL), "MEM/NORMAL", NULL },
		{ PTK_A64_ATTRINDX_MASK, PTK_A64_ATTRINDX(PTK_A64_MT_NORMAL_TAGGED), "MEM/NORMAL-TAGGED", NULL },
	};
	int n = snprintf(buf, len, "%s", a64_ptdump_level_name(f, pglevel, prot == 0));

	prot &= f->ptdump_mask;
	for (size_t i = 0; prot && i < sizeof(bits) / sizeof(bits[0]); i++) {
		const char *s = (prot & bits[i].mask) == bits[i].val ? bits[i].set : bits[i].clear;

		if (s)
			n = a64_cat(buf, len, n, " %s", s);
	}
	return n;
}

/* --- control state ------------------------------------------------------------------- */

/* INIT_SCTLR_EL1_MMU_ON of Linux 6.1 (little-endian) without EPAN, which a
 * CPU without FEAT_PAN3 (as QEMU 5's) reads as 0: M, C, SA, SA0, SED, I,
 * DZE, UCT, nTWE, IESB, SPAN, ITFSB, UCI and the RES1 bits EOS, TSCXT, EIS,
 * nTLSMD, LSMAOE. */
#define A64_SCTLR_LINUX                                                              \
	(PTK_A64_SCTLR_M | PTK_A64_SCTLR_C | (1ull << 3) | (1ull << 4) | (1ull << 8) |    \
	 (1ull << 11) | PTK_A64_SCTLR_I | (1ull << 14) | (1ull << 15) | (1ull << 18) |   \
	 (1ull << 20) | (1ull << 21) | (1ull << 22) | PTK_A64_SCTLR_SPAN | (1ull << 26) | \
	 (1ull << 28) | (1ull << 29) | (1ull << 37))

/*
 * __cpu_setup of Linux 6.1 for this configuration: T0SZ = T1SZ = 64 - VA,
 * walks Inner Shareable Write-Back, the granule in TG0/TG1, A1, AS, TBI0,
 * TBI1 and TBID1 (CONFIG_ARM64_MTE), NFD1 (KASLR), DS for the LPA2 formats;
 * no HA/HD.  IPS names the widest size the format encodes: the size in
 * force is min(IPS, the machine's PA width), the same as Linux's
 * IPS = PARange.  MAIR_EL1_SET; PSTATE.PAN = 1, as in the kernel outside
 * uaccess.
 */
static void a64_cpu_defaults(const struct ptk_format *f, struct ptk_cpu *cpu)
{
	struct a64_config c = a64_config_of(f);
	uint64_t tg0 = c.granule == 12 ? 0 : c.granule == 16 ? 1 : 2;
	uint64_t tg1 = c.granule == 12 ? 2 : c.granule == 16 ? 3 : 1;
	uint64_t wbwa = PTK_A64_TCR_RGN_WBWA, is = PTK_A64_SH_IS;

	cpu->arm64 = (struct ptk_cpu_arm64){
		.tcr = PTK_A64_TCR_T0SZ(c.va_bits) | PTK_A64_TCR_T1SZ(c.va_bits) |
		       wbwa << PTK_A64_TCR_IRGN0_SHIFT | wbwa << PTK_A64_TCR_ORGN0_SHIFT |
		       is << PTK_A64_TCR_SH0_SHIFT | tg0 << PTK_A64_TCR_TG0_SHIFT |
		       wbwa << PTK_A64_TCR_IRGN1_SHIFT | wbwa << PTK_A64_TCR_ORGN1_SHIFT |
		       is << PTK_A64_TCR_SH1_SHIFT | tg1 << PTK_A64_TCR_TG1_SHIFT |
		       PTK_A64_TCR_A1 | PTK_A64_TCR_AS | PTK_A64_TCR_TBI0 | PTK_A64_TCR_TBI1 |
		       PTK_A64_TCR_TBID1 | PTK_A64_TCR_NFD1 |
		       (uint64_t)(f->max_pa_bits == 52 ? 6 : 5) << PTK_A64_TCR_IPS_SHIFT |
		       (c.ds ? PTK_A64_TCR_DS : 0),
		.mair = PTK_A64_MAIR_LINUX,
		.sctlr = A64_SCTLR_LINUX,
		.pan = true,
	};
}

const struct ptk_format_ops ptk_a64_ops = {
	.select_root = a64_select_root,
	.walk_root = a64_walk_root,
	.walk_entry = a64_walk_entry,
	.check_access = a64_check_access,
	.walk_plan = a64_walk_plan,
	.leaf_attrs = a64_leaf_attrs,
	.fast_leaf = a64_fast_leaf,
	.mk_table = a64_mk_table,
	.mk_leaf = a64_mk_leaf,
	.decode = a64_decode,
	.contig_entries = ptk_a64_contig_entries,
	.bus_fault = a64_bus_fault,
	.describe = a64_describe,
	.ptdump_prot = a64_ptdump_prot,
	.cpu_defaults = a64_cpu_defaults,
};
