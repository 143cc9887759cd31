// SPDX-License-Identifier: MIT
/*
 * x86-64 4-level and 5-level (LA57) paging, Intel SDM vol. 3A chapter 4.
 *
 * Geometry: 9 index bits per level over 4 KiB tables of 8-byte entries.
 * Leaves: 1 GiB at the PDPT, 2 MiB at the PD, 4 KiB at the PT.  PS is
 * reserved in PML5E/PML4E (SDM table 4-15).
 */
#include <errno.h>
#include <stdio.h>

#include <ptkit/arch.h>
#include <ptkit/x86_64.h>
#include "arch/format_util.h"

/* --- entry fields ------------------------------------------------------ */

static bool x86_is_present(uint64_t e) { return e & PTK_X86_PAGE_PRESENT; }

/* A leaf: the last level always, otherwise where PS=1. */
static bool x86_is_leaf(const struct ptk_format *f, unsigned lvl, uint64_t e)
{
	return lvl == f->nlevels - 1u || (e & PTK_X86_PAGE_PSE);
}

static bool x86_is_large(const struct ptk_format *f, unsigned lvl)
{
	return lvl != f->nlevels - 1u;
}

/* Output-address bits of an entry at this level. */
static uint64_t x86_addr_mask(const struct ptk_format *f, unsigned lvl, bool leaf)
{
	if (!leaf)
		return PTK_X86_ADDR_MASK;
	return PTK_X86_ADDR_MASK & ~(ptk_level_size(f, lvl) - 1);
}

static uint64_t x86_pat_bit(const struct ptk_format *f, unsigned lvl)
{
	return x86_is_large(f, lvl) ? PTK_X86_PAGE_PAT_LARGE : PTK_X86_PAGE_PAT;
}

/* PAT index = PAT:PCD:PWT (SDM §11.12.3). */
static unsigned x86_pat_index(const struct ptk_format *f, unsigned lvl, uint64_t e)
{
	return ((e & x86_pat_bit(f, lvl)) ? 4u : 0u) | ((e & PTK_X86_PAGE_PCD) ? 2u : 0u) |
	       ((e & PTK_X86_PAGE_PWT) ? 1u : 0u);
}

static uint64_t x86_pat_bits(const struct ptk_format *f, unsigned lvl, unsigned idx)
{
	return ((idx & 4) ? x86_pat_bit(f, lvl) : 0) | ((idx & 2) ? PTK_X86_PAGE_PCD : 0) |
	       ((idx & 1) ? PTK_X86_PAGE_PWT : 0);
}

static unsigned x86_pkey(uint64_t e)
{
	return (unsigned)((e & PTK_X86_PAGE_PKEY_MASK) >> PTK_X86_PAGE_PKEY_SHIFT);
}

/* Bits that must be zero in a present entry (SDM §4.5, tables 4-15..4-20). */
static uint64_t x86_reserved_mask(const struct ptk_format *f, const struct ptk_cpu *cpu,
				  unsigned lvl, uint64_t e)
{
	uint64_t rsvd = PTK_X86_ADDR_MASK & ~((1ull << cpu->pa_bits) - 1);

	if (!(cpu->x86.efer & PTK_X86_EFER_NXE))
		rsvd |= PTK_X86_PAGE_NX;
	if (!f->level[lvl].leaf)
		rsvd |= PTK_X86_PAGE_PSE;
	else if (x86_is_large(f, lvl) && (e & PTK_X86_PAGE_PSE))
		/* bits (page shift - 1):13 of a large leaf, between PAT and the address */
		rsvd |= (ptk_level_size(f, lvl) - 1) & ~((1ull << 13) - 1);
	return rsvd;
}

/* --- encode / decode --------------------------------------------------- */

/* Linux's _PAGE_TABLE: permissive, so that the leaf decides. */
static uint64_t x86_mk_table(const struct ptk_format *f, unsigned lvl, uint64_t table_pa,
			     const struct ptk_prot *below)
{
	(void)f, (void)lvl, (void)below;
	return (table_pa & PTK_X86_ADDR_MASK) | PTK_X86_PAGE_PRESENT | PTK_X86_PAGE_RW |
	       PTK_X86_PAGE_USER | PTK_X86_PAGE_ACCESSED | PTK_X86_PAGE_DIRTY;
}

static int x86_mk_leaf(const struct ptk_format *f, unsigned lvl, uint64_t pa,
		       const struct ptk_prot *prot, uint64_t *raw)
{
	uint32_t fl = prot->flags;
	uint64_t e = PTK_X86_PAGE_PRESENT;

	if (!f->level[lvl].leaf || (pa & ~x86_addr_mask(f, lvl, true)))
		return -EINVAL;
	/* A present x86 page is always readable (SDM §4.6): no w/x without r. */
	if (!(fl & PTK_PROT_READ) || prot->memtype >= f->nr_memtypes ||
	    prot->pkey >= f->nr_pkeys)
		return -EINVAL;
	e |= pa;
	e |= (fl & PTK_PROT_WRITE) ? PTK_X86_PAGE_RW : 0;
	e |= (fl & PTK_PROT_USER) ? PTK_X86_PAGE_USER : 0;
	e |= (fl & PTK_PROT_GLOBAL) ? PTK_X86_PAGE_GLOBAL : 0;
	e |= (fl & PTK_PROT_ACCESSED) ? PTK_X86_PAGE_ACCESSED : 0;
	e |= (fl & PTK_PROT_DIRTY) ? PTK_X86_PAGE_DIRTY : 0;
	e |= (fl & PTK_PROT_EXEC) ? 0 : PTK_X86_PAGE_NX;
	e |= x86_is_large(f, lvl) ? PTK_X86_PAGE_PSE : 0;
	e |= x86_pat_bits(f, lvl, prot->memtype);
	e |= (uint64_t)prot->pkey << PTK_X86_PAGE_PKEY_SHIFT;
	*raw = e;
	return 0;
}

static void x86_decode(const struct ptk_format *f, unsigned lvl, uint64_t e,
		       struct ptk_desc *d)
{
	bool leaf = x86_is_leaf(f, lvl, e) && f->level[lvl].leaf;
	uint32_t fl = PTK_PROT_READ;

	*d = (struct ptk_desc){ .type = PTK_DESC_INVALID };
	if (!x86_is_present(e))
		return;
	d->type = leaf ? PTK_DESC_LEAF : PTK_DESC_TABLE;
	d->addr = e & x86_addr_mask(f, lvl, leaf);
	fl |= (e & PTK_X86_PAGE_RW) ? PTK_PROT_WRITE : 0;
	fl |= (e & PTK_X86_PAGE_USER) ? PTK_PROT_USER : 0;
	fl |= (e & PTK_X86_PAGE_NX) ? 0 : PTK_PROT_EXEC;
	fl |= (e & PTK_X86_PAGE_ACCESSED) ? PTK_PROT_ACCESSED : 0;
	if (leaf) {
		fl |= (e & PTK_X86_PAGE_GLOBAL) ? PTK_PROT_GLOBAL : 0;
		fl |= (e & PTK_X86_PAGE_DIRTY) ? PTK_PROT_DIRTY : 0;
		d->prot.memtype = (uint8_t)x86_pat_index(f, lvl, e);
		d->prot.pkey = (uint8_t)x86_pkey(e);
	}
	d->prot.flags = fl;
}

/* --- translation: the fault rules of SDM §4.6 and §4.7 ------------------ */

static int x86_select_root(const struct ptk_format *f, const struct ptk_cpu *cpu,
			   uint64_t va, struct ptk_fault *fault)
{
	/* Canonical: bits 63:va_bits-1 all equal (SDM §3.3.7.1). */
	(void)cpu;
	if (ptk_va_canonical(f, va) != va) {
		*fault = (struct ptk_fault){ .kind = PTK_FAULT_NON_CANONICAL, .level = -1 };
		return -1;
	}
	return 0;
}

static uint32_t x86_error_code(const struct ptk_cpu *cpu, const struct ptk_walk_req *req,
			       bool present)
{
	uint32_t ec = present ? PTK_X86_PF_P : 0;
	bool id_reported = (cpu->x86.cr4 & PTK_X86_CR4_SMEP) ||
			   (cpu->x86.efer & PTK_X86_EFER_NXE);

	ec |= req->access == PTK_ACC_WRITE ? PTK_X86_PF_WR : 0;
	ec |= req->user ? PTK_X86_PF_US : 0;
	ec |= (req->access == PTK_ACC_EXEC && id_reported) ? PTK_X86_PF_ID : 0;
	return ec;
}

static void x86_fault(struct ptk_fault *fault, enum ptk_fault_kind kind, int lvl,
		      uint32_t ec)
{
	*fault = (struct ptk_fault){ .kind = kind, .level = lvl, .syndrome = ec };
}

static enum ptk_desc_type x86_walk_entry(const struct ptk_format *f,
					 const struct ptk_cpu *cpu, unsigned lvl,
					 uint64_t e, const struct ptk_walk_req *req,
					 struct ptk_walk_acc *acc, struct ptk_walk_out *out,
					 struct ptk_fault *fault)
{
	bool leaf;

	if (!x86_is_present(e)) {
		x86_fault(fault, PTK_FAULT_NOT_PRESENT, (int)lvl, x86_error_code(cpu, req, false));
		return PTK_DESC_INVALID;
	}
	if (e & x86_reserved_mask(f, cpu, lvl, e)) {
		x86_fault(fault, PTK_FAULT_RESERVED, (int)lvl,
			  x86_error_code(cpu, req, true) | PTK_X86_PF_RSVD);
		return PTK_DESC_INVALID;
	}
	/* R/W and U/S are ANDed down the walk, XD is ORed (SDM §4.6.1). */
	if (!(e & PTK_X86_PAGE_RW))
		acc->perm &= ~PTK_PROT_WRITE;
	if (!(e & PTK_X86_PAGE_USER))
		acc->perm &= ~PTK_PROT_USER;
	if ((e & PTK_X86_PAGE_NX) && (cpu->x86.efer & PTK_X86_EFER_NXE))
		acc->perm &= ~PTK_PROT_EXEC;
	/* The processor sets A in every entry it uses, D in the leaf of a
	 * write (SDM §4.8); the walker applies it once the access is allowed. */
	out->updated = e | PTK_X86_PAGE_ACCESSED;
	leaf = x86_is_leaf(f, lvl, e);
	out->addr = e & x86_addr_mask(f, lvl, leaf);
	if (!leaf)
		return PTK_DESC_TABLE;
	if (req->access == PTK_ACC_WRITE)
		out->updated |= PTK_X86_PAGE_DIRTY;
	acc->pkey = (uint8_t)x86_pkey(e);
	acc->memtype = (uint8_t)x86_pat_index(f, lvl, e);
	if (e & PTK_X86_PAGE_GLOBAL)
		acc->perm |= PTK_PROT_GLOBAL;
	return PTK_DESC_LEAF;
}

/* Protection keys govern data accesses to user-mode addresses (SDM §4.6.2). */
static bool x86_pkey_denies(const struct ptk_cpu *cpu, const struct ptk_walk_req *req,
			    const struct ptk_walk_acc *acc)
{
	uint32_t pkru = cpu->x86.pkru;
	bool wp = cpu->x86.cr0 & PTK_X86_CR0_WP;

	if (!(cpu->x86.cr4 & PTK_X86_CR4_PKE) || req->access == PTK_ACC_EXEC ||
	    !(acc->perm & PTK_PROT_USER))
		return false;
	if (ptk_x86_pkru_ad(pkru, acc->pkey))
		return true;
	return req->access == PTK_ACC_WRITE && ptk_x86_pkru_wd(pkru, acc->pkey) &&
	       (req->user || wp);
}

static enum ptk_fault_kind x86_user_rules(const struct ptk_walk_req *req, uint32_t perm)
{
	if (!(perm & PTK_PROT_USER))
		return PTK_FAULT_USER;
	if (req->access == PTK_ACC_WRITE && !(perm & PTK_PROT_WRITE))
		return PTK_FAULT_WRITE;
	if (req->access == PTK_ACC_EXEC && !(perm & PTK_PROT_EXEC))
		return PTK_FAULT_EXEC;
	return PTK_FAULT_NONE;
}

static enum ptk_fault_kind x86_supervisor_rules(const struct ptk_cpu *cpu,
						const struct ptk_walk_req *req,
						uint32_t perm)
{
	bool user_page = perm & PTK_PROT_USER;
	bool smap_on = (cpu->x86.cr4 & PTK_X86_CR4_SMAP) && (req->implicit || !cpu->x86.ac);

	if (req->access == PTK_ACC_EXEC) {
		if (user_page && (cpu->x86.cr4 & PTK_X86_CR4_SMEP))
			return PTK_FAULT_SMEP;
		return (perm & PTK_PROT_EXEC) ? PTK_FAULT_NONE : PTK_FAULT_EXEC;
	}
	if (user_page && smap_on)
		return PTK_FAULT_SMAP;
	if (req->access == PTK_ACC_WRITE && !(perm & PTK_PROT_WRITE) &&
	    (cpu->x86.cr0 & PTK_X86_CR0_WP))
		return PTK_FAULT_WRITE;
	return PTK_FAULT_NONE;
}

/*
 * The PK error-code bit reports the protection-key condition of SDM §4.7
 * whatever else went wrong with the access; the fault is a key fault only
 * when nothing else forbids the access.
 */
static bool x86_check_access(const struct ptk_format *f, const struct ptk_cpu *cpu,
			     const struct ptk_walk_req *req, const struct ptk_walk_acc *acc,
			     unsigned leaf_lvl, struct ptk_fault *fault)
{
	enum ptk_fault_kind k = req->user ? x86_user_rules(req, acc->perm)
					  : x86_supervisor_rules(cpu, req, acc->perm);
	bool pk = x86_pkey_denies(cpu, req, acc);

	(void)f;
	if (k == PTK_FAULT_NONE && !pk)
		return true;
	x86_fault(fault, k == PTK_FAULT_NONE ? PTK_FAULT_PKEY : k, (int)leaf_lvl,
		  x86_error_code(cpu, req, true) | (pk ? PTK_X86_PF_PK : 0));
	return false;
}

/* --- the walker's fast path ------------------------------------------- */

/* What the folded bits of a walk grant (SDM §4.6.1).  plan->arch[0] is XD
 * if EFER.NXE makes it count, else 0; arch[1] the last level. */
static void x86_leaf_attrs(const struct ptk_walk_plan *plan, unsigned lvl, uint64_t and_bits,
			   uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc)
{
	uint64_t pat = lvl == plan->arch[1] ? PTK_X86_PAGE_PAT : PTK_X86_PAGE_PAT_LARGE;

	acc->perm = PTK_PROT_READ | ((or_bits & plan->arch[0]) ? 0 : PTK_PROT_EXEC) |
		    ((and_bits & PTK_X86_PAGE_RW) ? PTK_PROT_WRITE : 0) |
		    ((and_bits & PTK_X86_PAGE_USER) ? PTK_PROT_USER : 0) |
		    ((e & PTK_X86_PAGE_GLOBAL) ? PTK_PROT_GLOBAL : 0);
	acc->pkey = (uint8_t)x86_pkey(e);
	acc->memtype = (uint8_t)(((e & pat) ? 4u : 0u) | ((e >> 3) & 3u));	/* PAT:PCD:PWT */
}

/* A plain leaf the allow masks did not clear: the full rules decide. */
static bool x86_fast_leaf(const struct ptk_format *f, const struct ptk_cpu *cpu,
			  const struct ptk_walk_req *req, unsigned lvl, uint64_t and_bits,
			  uint64_t or_bits, uint64_t e, struct ptk_walk_acc *acc,
			  struct ptk_walk_out *out, struct ptk_fault *fault)
{
	bool nx = (or_bits & PTK_X86_PAGE_NX) && (cpu->x86.efer & PTK_X86_EFER_NXE);

	acc->perm = PTK_PROT_READ | (nx ? 0 : PTK_PROT_EXEC) |
		    ((and_bits & PTK_X86_PAGE_RW) ? PTK_PROT_WRITE : 0) |
		    ((and_bits & PTK_X86_PAGE_USER) ? PTK_PROT_USER : 0) |
		    ((e & PTK_X86_PAGE_GLOBAL) ? PTK_PROT_GLOBAL : 0);
	acc->pkey = (uint8_t)x86_pkey(e);
	acc->memtype = (uint8_t)x86_pat_index(f, lvl, e);
	out->addr = e & x86_addr_mask(f, lvl, true);
	out->updated = e | (req->access == PTK_ACC_WRITE ? PTK_X86_PAGE_DIRTY : 0);
	return x86_check_access(f, cpu, req, acc, lvl, fault);
}

/*
 * The allow masks restate the rules of x86_user_rules() and
 * x86_supervisor_rules() as bit tests on the folded walk.  Protection keys
 * depend on the leaf's key, so with CR4.PKE set data accesses to user pages
 * are left to the full rules.
 */
static void x86_plan_allow(const struct ptk_cpu *cpu, struct ptk_walk_plan *plan)
{
	const uint64_t US = PTK_X86_PAGE_USER, RW = PTK_X86_PAGE_RW;
	uint64_t nx = (cpu->x86.efer & PTK_X86_EFER_NXE) ? PTK_X86_PAGE_NX : 0;
	bool smep = cpu->x86.cr4 & PTK_X86_CR4_SMEP, wp = cpu->x86.cr0 & PTK_X86_CR0_WP;
	bool smap = (cpu->x86.cr4 & PTK_X86_CR4_SMAP) && !cpu->x86.ac;
	bool pke = cpu->x86.cr4 & PTK_X86_CR4_PKE;
	struct ptk_walk_allow never = { 0, 1, 0 }, *a = plan->allow;

	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, true)] = (struct ptk_walk_allow){ US, US, 0 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, true)] = (struct ptk_walk_allow){ US | RW, US | RW, 0 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_EXEC, true)] = (struct ptk_walk_allow){ US, US, nx };
	/* Supervisor: SMAP forbids user pages (unless EFLAGS.AC), WP needs RW. */
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, false)] = (struct ptk_walk_allow){ smap ? US : 0, 0, 0 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, false)] = (struct ptk_walk_allow){
		(smap ? US : 0) | (wp ? RW : 0), wp ? RW : 0, 0 };
	a[PTK_WALK_ALLOW_INDEX(PTK_ACC_EXEC, false)] = (struct ptk_walk_allow){ smep ? US : 0, 0, nx };
	if (pke) {
		/* A key can forbid any data access to a user page. */
		for (int user = 0; user <= 1; user++) {
			a[PTK_WALK_ALLOW_INDEX(PTK_ACC_READ, user)] = never;
			a[PTK_WALK_ALLOW_INDEX(PTK_ACC_WRITE, user)] = never;
		}
	}
}

static void x86_walk_plan(const struct ptk_format *f, const struct ptk_cpu *cpu,
			  struct ptk_walk_plan *plan)
{
	for (unsigned l = 0; l < f->nlevels; l++) {
		bool last = l == f->nlevels - 1u, large = f->level[l].leaf && !last;
		uint64_t fixed = PTK_X86_PAGE_PRESENT | PTK_X86_PAGE_ACCESSED;
		uint64_t ps = last ? 0 : PTK_X86_PAGE_PSE;
		struct ptk_walk_level *lv = &plan->lv[l];

		lv->table_mask = last ? 0 : fixed | ps | x86_reserved_mask(f, cpu, l, 0);
		lv->table_value = last ? 1 : fixed;
		lv->table_addr = PTK_X86_ADDR_MASK;
		lv->leaf_mask = f->level[l].leaf ? fixed | ps |
				x86_reserved_mask(f, cpu, l, ps) : 0;
		lv->leaf_value = f->level[l].leaf ? fixed | (large ? ps : 0) : 1;
		lv->leaf_addr = x86_addr_mask(f, l, true);
		lv->attr_leaf = PTK_X86_PAGE_GLOBAL | PTK_X86_PAGE_PKEY_MASK | PTK_X86_PAGE_PCD |
				PTK_X86_PAGE_PWT | x86_pat_bit(f, l);
	}
	x86_plan_allow(cpu, plan);
	/* Canonical halves, both served by CR3 (SDM §3.3.7.1). */
	plan->lo_last = (1ull << (f->va_bits - 1)) - 1;
	plan->hi_first = ~plan->lo_last;
	plan->hi_last = ~0ull;
	plan->lo_root = plan->hi_root = 0;
	plan->leaf_set_on_write = PTK_X86_PAGE_DIRTY;
	plan->leaf_clear_on_write = 0;
	plan->arch[0] = (cpu->x86.efer & PTK_X86_EFER_NXE) ? PTK_X86_PAGE_NX : 0;
	plan->arch[1] = f->nlevels - 1u;
	plan->attr_and = PTK_X86_PAGE_RW | PTK_X86_PAGE_USER;
	plan->attr_or = plan->arch[0];
}

/* --- rendering --------------------------------------------------------- */

static int x86_describe(const struct ptk_format *f, unsigned lvl, uint64_t e, char *buf,
			size_t len)
{
	bool leaf = x86_is_present(e) && x86_is_leaf(f, lvl, e);
	struct bitname names[] = {
		{ PTK_X86_PAGE_PRESENT, "P" },  { PTK_X86_PAGE_RW, "RW" },
		{ PTK_X86_PAGE_USER, "US" },    { PTK_X86_PAGE_PWT, "PWT" },
		{ PTK_X86_PAGE_PCD, "PCD" },    { PTK_X86_PAGE_ACCESSED, "A" },
		{ leaf ? PTK_X86_PAGE_DIRTY : 0, "D" },
		{ (leaf && x86_is_large(f, lvl)) || !leaf ? PTK_X86_PAGE_PSE : 0, "PS" },
		{ leaf ? x86_pat_bit(f, lvl) : 0, "PAT" },
		{ leaf ? PTK_X86_PAGE_GLOBAL : 0, "G" }, { PTK_X86_PAGE_NX, "XD" },
	};
	int n = format_bitnames(buf, len, e, names, sizeof(names) / sizeof(names[0]));

	if (leaf && x86_pkey(e))
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " pkey=%u", x86_pkey(e));
	return n;
}

/* arch/x86/mm/dump_pagetables.c printk_prot(), column for column. */
static int x86_ptdump_prot(const struct ptk_format *f, int level, uint64_t pr, char *buf,
			   size_t len)
{
	(void)f;
	if (!(pr & PTK_X86_PAGE_PRESENT))
		return snprintf(buf, len, "%30s", "");
	return snprintf(buf, len, "%s%s%s%s%s%s%s%s",
			(pr & PTK_X86_PAGE_USER) ? "USR " : "    ",
			(pr & PTK_X86_PAGE_RW) ? "RW " : "ro ",
			(pr & PTK_X86_PAGE_PWT) ? "PWT " : "    ",
			(pr & PTK_X86_PAGE_PCD) ? "PCD " : "    ",
			(level <= 3 && (pr & PTK_X86_PAGE_PSE)) ? "PSE " : "    ",
			((level == 4 && (pr & PTK_X86_PAGE_PAT)) ||
			 ((level == 3 || level == 2) && (pr & PTK_X86_PAGE_PAT_LARGE)))
				? "PAT " : "    ",
			(pr & PTK_X86_PAGE_GLOBAL) ? "GLB " : "    ",
			(pr & PTK_X86_PAGE_NX) ? "NX " : "x  ");
}

/* Control state as Linux leaves it on a modern CPU: paging with WP, NXE,
 * SMEP and SMAP; LA57 for 5-level; PKRU as init_pkru_value. */
static void x86_cpu_defaults(const struct ptk_format *f, struct ptk_cpu *cpu)
{
	cpu->x86 = (struct ptk_cpu_x86){
		.cr0 = PTK_X86_CR0_PE | PTK_X86_CR0_MP | PTK_X86_CR0_ET | PTK_X86_CR0_NE |
		       PTK_X86_CR0_WP | PTK_X86_CR0_AM | PTK_X86_CR0_PG,
		.cr4 = PTK_X86_CR4_PSE | PTK_X86_CR4_PAE | PTK_X86_CR4_PGE |
		       PTK_X86_CR4_OSFXSR | PTK_X86_CR4_OSXMMEXCPT | PTK_X86_CR4_FSGSBASE |
		       PTK_X86_CR4_PCIDE | PTK_X86_CR4_OSXSAVE | PTK_X86_CR4_SMEP |
		       PTK_X86_CR4_SMAP | (f->nlevels == 5 ? PTK_X86_CR4_LA57 : 0),
		.efer = PTK_X86_EFER_SCE | PTK_X86_EFER_LME | PTK_X86_EFER_LMA |
			PTK_X86_EFER_NXE,
		.pkru = 0x55555554,
	};
}

static const struct ptk_format_ops x86_ops = {
	.select_root = x86_select_root,
	.walk_entry = x86_walk_entry,
	.check_access = x86_check_access,
	.walk_plan = x86_walk_plan,
	.leaf_attrs = x86_leaf_attrs,
	.fast_leaf = x86_fast_leaf,
	.mk_table = x86_mk_table,
	.mk_leaf = x86_mk_leaf,
	.decode = x86_decode,
	.describe = x86_describe,
	.ptdump_prot = x86_ptdump_prot,
	.cpu_defaults = x86_cpu_defaults,
};

/* Linux's default PAT (arch/x86/mm/pat/memtype.c pat_bp_init). */
static const char *const x86_memtypes[] = { "wb", "wc", "uc-", "uc", "wb", "wp", "uc-", "wt" };

/*
 * Documentation/arch/x86/x86_64/mm.rst.  Modules start at 0xffffffffc0000000:
 * the kernel image area is 1 GiB with KASLR, as distributions build.
 * The fixmap start depends on the kernel configuration and is left out.
 */
/* The top 8 TiB is laid out alike under 4- and 5-level paging. */
#define X86_MARKERS_TOP                                                      \
	{ 0xfffffe0000000000ull, "CPU entry Area", 0 },                     \
	{ 0xffffff0000000000ull, "ESPfix Area", 16 },                       \
	{ 0xffffffef00000000ull, "EFI Runtime Services", 0 },               \
	{ 0xffffffff80000000ull, "High Kernel Mapping", 0 },                \
	{ 0xffffffffc0000000ull, "Modules", 0 },                            \
	{ 0xffffffffff000000ull, "End Modules", 0 },                        \
	{ ~0ull, NULL, 0 }

static const struct ptk_marker x86_markers_l4[] = {
	{ 0x0000000000000000ull, "User Space", 0 },
	{ 0x8000000000000000ull, "Kernel Space", 0 },
	{ 0xffff880000000000ull, "LDT remap", 0 },
	{ 0xffff888000000000ull, "Low Kernel Mapping", 0 },
	{ 0xffffc90000000000ull, "vmalloc() Area", 0 },
	{ 0xffffea0000000000ull, "Vmemmap", 0 },
	X86_MARKERS_TOP,
};

static const struct ptk_marker x86_markers_l5[] = {
	{ 0x0000000000000000ull, "User Space", 0 },
	{ 0x8000000000000000ull, "Kernel Space", 0 },
	{ 0xff10000000000000ull, "LDT remap", 0 },
	{ 0xff11000000000000ull, "Low Kernel Mapping", 0 },
	{ 0xffa0000000000000ull, "vmalloc() Area", 0 },
	{ 0xffd4000000000000ull, "Vmemmap", 0 },
	X86_MARKERS_TOP,
};

/* ptdump_walk_pgd_level_core(): the lower half, then from the end of the
 * hypervisor guard hole (GUARD_HOLE_END_ADDR) to the top. */
static const struct ptk_va_range x86_dump_l4[] = {
	{ 0, (1ull << 47) - 1 }, { 0xffff880000000000ull, ~0ull }, { 0, 0 },
};
static const struct ptk_va_range x86_dump_l5[] = {
	{ 0, (1ull << 56) - 1 }, { 0xff10000000000000ull, ~0ull }, { 0, 0 },
};

#define X86_LEVEL(name, sh, lf, pl) { name, sh, 9, lf, pl }

#define X86_FORMAT_COMMON                                                   \
	.arch = "x86_64", .entry_shift = 3, .table_shift = 12,              \
	.max_pa_bits = 52, .min_pa_bits = 36, .default_pa_bits = 46,        \
	.nroots = 1, .ptdump_mask = PTK_X86_FLAGS_MASK,                     \
	.leaf_sw_keep = PTK_X86_PAGE_SW_MASK,                               \
	.memtype_names = x86_memtypes, .nr_memtypes = 8, .nr_pkeys = 16,    \
	.syndrome_name = "error code",                                     \
	.ops = &x86_ops

const struct ptk_format ptk_format_x86_64_4level = {
	.name = "x86_64-4level", .nlevels = 4, .va_bits = 48,
	.level = {
		X86_LEVEL("PML4", 39, false, PTK_PGD),
		X86_LEVEL("PDPT", 30, true, PTK_PUD),
		X86_LEVEL("PD", 21, true, PTK_PMD),
		X86_LEVEL("PT", 12, true, PTK_PTE),
	},
	.hwlevel_of = { 0, -1, 1, 2, 3 },
	.markers = x86_markers_l4, .dump_ranges = x86_dump_l4,
	X86_FORMAT_COMMON,
};

const struct ptk_format ptk_format_x86_64_5level = {
	.name = "x86_64-5level", .nlevels = 5, .va_bits = 57,
	.level = {
		X86_LEVEL("PML5", 48, false, PTK_PGD),
		X86_LEVEL("PML4", 39, false, PTK_P4D),
		X86_LEVEL("PDPT", 30, true, PTK_PUD),
		X86_LEVEL("PD", 21, true, PTK_PMD),
		X86_LEVEL("PT", 12, true, PTK_PTE),
	},
	.hwlevel_of = { 0, 1, 2, 3, 4 },
	.markers = x86_markers_l5, .dump_ranges = x86_dump_l5,
	X86_FORMAT_COMMON,
};
