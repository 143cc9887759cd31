/* SPDX-License-Identifier: MIT */
/*
 * uc_x86 - page-walk referee built on libunicorn 2.0.1 (QEMU 5.0 x86-64 MMU).
 *
 * Facts about unicorn 2.0.1 this is built around (all checked, see README):
 *
 *  1. QEMU's page walk (handle_mmu_fault) is real: it reads the paging
 *     entries at their physical addresses, checks P/RW/US/NX/rsvd/SMEP/SMAP/
 *     PKRU, sets A/D bits, and raises #PF/#GP.  But unicorn then installs the
 *     TLB entry as vaddr -> vaddr (identity), so the access itself goes to
 *     physical address == virtual address.  The translated physical address
 *     is therefore NOT observable; ucx_result.pa is computed from the leaf
 *     entry QEMU read and the level at which its walk stopped.
 *  2. Before every access unicorn looks the *virtual* address up in its table
 *     of physical regions and calls the UC_HOOK_MEM_*_UNMAPPED / *_PROT hooks
 *     if it is not there (or not executable).  So the whole 64-bit physical
 *     space is mapped (see the layout below) and the hooks answer "handled".
 *  3. unicorn's CPU reset hard-codes CPUID.80000001H:EDX without NX and
 *     SYSCALL, so WRMSR(EFER) silently drops NXE and SCE.  EFER is patched in
 *     a saved CPU context instead (offset found by diffing two contexts).
 *  4. Exceptions are not delivered: UC_HOOK_INTR is called and execution
 *     would resume at the faulting instruction; QEMU's "exception in flight"
 *     state persists (the next #PF would become #DF).  Every query therefore
 *     restores a pristine context first.  The #PF error code is read from a
 *     context saved after the fault, at an offset calibrated at ucx_open().
 *  5. uc_emu_start translates its "until" address through the MMU, at the
 *     CPL the CPU is in, when it returns; a #PF there would clobber CR2 and
 *     the error code.  "until" is therefore in the stub page of that CPL,
 *     and CR2/RIP/error code are captured inside the UC_HOOK_INTR hook.
 *  6. uc_reg_write(CR3) does not flush QEMU's TLB (stale translations from
 *     a previous query answered the next one).  The stub therefore loads
 *     CR4, CR0 and CR3 itself with MOV CRn (QEMU's helpers: hflags update
 *     for SMAP/WP, full TLB flush) before the queried access.
 *
 * Physical layout:
 *   [0, 2^40)            MMIO, mmio_*(): the caller's pages (private copy),
 *                        the root-table alias and private paging tables at
 *                        UCX_RESERVED_PA.  Walker reads (8 bytes, split by
 *                        QEMU into two 4-byte reads) and A/D updates (4-byte
 *                        writes) arrive here with their physical address.
 *   4 stub areas         RAM, 8 KiB each, at PA == VA of the stub code
 *                        (supervisor page + user page), one per (paging mode,
 *                        root slot 255 or 254).
 *   rest of [2^40, 2^64) MMIO, shadow_*(): target of the identity-mapped
 *                        final access of queried addresses >= 2^40.
 * Any 1-byte access reaching MMIO is the queried access itself (the stubs use
 * byte accesses); a fetch gets 0xCC (INT3) so no arbitrary code is decoded.
 *
 * CR3 points at the root alias (UCX_RESERVED_PA): it reads as the caller's
 * root page except for one slot (255, or 254 when the queried address is in
 * slot 255) that leads to the private tables mapping the stub area.  So the
 * caller's tables are never modified and no slot has to be kept free.
 */
#include "uc_x86.h"
#include "uc_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef UCX_DEBUG
#include <stdio.h>
#endif

#include <unicorn/unicorn.h>

#define PG_SIZE 4096u
#define PA_LIMIT (1ULL << UCX_PA_BITS)
#define ADDR_MASK 0x000ffffffffff000ULL /* bits 51:12 */

/* paging-entry bits */
#define E_P   (1ULL << 0)
#define E_RW  (1ULL << 1)
#define E_US  (1ULL << 2)
#define E_A   (1ULL << 5)
#define E_D   (1ULL << 6)
#define E_PS  (1ULL << 7)

/* private physical pages (inside the reserved 64 KiB), all served by mmio_read */
#define PRIV_ROOT  (UCX_RESERVED_PA + 0x0000) /* alias of the caller's root */
#define PRIV_PML4  (UCX_RESERVED_PA + 0x1000) /* 5-level only */
#define PRIV_PDPT  (UCX_RESERVED_PA + 0x2000)
#define PRIV_PD    (UCX_RESERVED_PA + 0x3000)
#define PRIV_PT    (UCX_RESERVED_PA + 0x4000)
#define PRIV_FRAME (UCX_RESERVED_PA + 0x5000) /* leaf frame: never accessed (identity map) */
#define UE_TABLE   (E_P | E_RW | E_US | E_A)

/* Stub area: VA (== PA) = sign-extended (slot << 39|48) + STUB_OFF.  The
 * odd offset keeps it away from "interesting" addresses tests may pick. */
#define STUB_OFF   0x357A3C6000ULL   /* < 2^39: PML4 index 0 inside a PML5 slot */
#define NAREA      4
#define AREA_SIZE  UCX_STUB_SIZE     /* +0: supervisor page, +4K: user page */
_Static_assert(AREA_SIZE == 2 * PG_SIZE, "stub area = 2 pages");
_Static_assert(UCX_STUB_VA_4L_254 == (254ULL << 39) + STUB_OFF, "header constant");
_Static_assert(UCX_STUB_VA_4L_255 == (255ULL << 39) + STUB_OFF, "header constant");
_Static_assert(UCX_STUB_VA_5L_254 == (254ULL << 48) + STUB_OFF, "header constant");
_Static_assert(UCX_STUB_VA_5L_255 == (255ULL << 48) + STUB_OFF, "header constant");
_Static_assert(((STUB_OFF >> 12) & 511) != 511, "K and U pages share a page table");
#define PT_IDX_K   ((unsigned)((STUB_OFF >> 12) & 511))
#define PT_IDX_U   (PT_IDX_K + 1)

/* stub entry points (offsets in both code pages) */
#define OFF_ENTRY  0x00  /* K: mov cr4,r8; mov cr0,r9; mov cr3,r15 (TLB flush); jmp r14 */
#define OFF_PKRU   0x20  /* K: wrpkru; jmp r13 */
#define OFF_READ   0x30  /* mov al,[rbx]; int3 */
#define OFF_WRITE  0x40  /* mov [rbx],al; int3 */
#define OFF_FETCH  0x50  /* jmp rbx */
#define OFF_SYSRET 0x60  /* K: mov rcx,r12; sysretq */
#define OFF_UNTIL  0xFF0 /* uc_emu_start "until": never reached (INT3 fill) */

#define MSR_EFER 0xC0000080u
#define MSR_STAR 0xC0000081u
#define EFER_SCE 0x001ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL
#define EFER_NXE 0x800ULL

#define CR0_PE (1ULL << 0)
#define CR0_ET (1ULL << 4)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define CR4_PKE  (1ULL << 22)
#define RFLAGS_FIXED 0x2ULL
#define RFLAGS_AC    (1ULL << 18)

#define EXC_BP 3
#define EXC_GP 13
#define EXC_PF 14

#define UNDO_MAX 32
#define WALK_MAX 6

enum owner { OWN_NONE, OWN_STUB, OWN_TARGET };

struct mpage {
	uint64_t pa;
	uint8_t b[PG_SIZE];
};

struct undo {
	uint8_t *where;
	uint64_t old;
};

struct ucx {
	uc_engine *uc;
	uc_hook h_intr, h_inval;

	/* contexts: pristine[nxe] and a scratch one for reading error codes */
	uc_context *pristine[2];
	uc_context *scratch;
	size_t ctx_size;
	long efer_off;     /* byte offset of EFER in a context blob */
	long errcode_off;  /* byte offset of error_code, or -1 */

	/* physical memory copy + open-addressing hash pfn -> index+1 */
	struct mpage *pages;
	size_t npages;
	uint32_t *hash;
	size_t hmask;

	/* per-query state, used by the callbacks */
	struct ucx_result *res;
	enum ucx_access acc;
	uint64_t cr3pa;
	unsigned slot;
	bool la57;
	enum owner owner;
	unsigned nwalk;
	uint64_t walk_pa[WALK_MAX], walk_val[WALK_MAX];
	unsigned nwalks;     /* target walks started */
	bool final_seen;
	bool got_intr;
	uint32_t intno;
	uint64_t cr2, rip;
	int cb_err;
	unsigned nundo;
	struct undo undo[UNDO_MAX];
	unsigned long nhook; /* statistics: spurious unmapped/prot hook calls */
};

/* ---------------------------------------------------------------- helpers */

/* sign-extend from bit 'bit' (47 or 56) */
static uint64_t sext(uint64_t v, unsigned bit)
{
	uint64_t low = v & ((2ULL << bit) - 1);
	return (v & (1ULL << bit)) ? low | ~((2ULL << bit) - 1) : low;
}

static uint64_t area_va(bool la57, unsigned slot)
{
	return la57 ? sext((uint64_t)slot << 48, 56) + STUB_OFF
		    : sext((uint64_t)slot << 39, 47) + STUB_OFF;
}

static uint64_t extract(uint64_t qword, unsigned byte_off, unsigned size)
{
	uint64_t v = qword >> (8 * byte_off);
	return size >= 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

static bool in_reserved(uint64_t pa)
{
	return pa >= UCX_RESERVED_PA && pa < UCX_RESERVED_PA + UCX_RESERVED_PA_SIZE;
}

/* ---------------------------------------------------------------- memory */

static uint8_t *page_of(const struct ucx *x, uint64_t pa)
{
	if (!x->hash)
		return NULL;
	uint64_t pfn = pa >> 12;
	for (size_t i = hslot(pfn, x->hmask);; i = (i + 1) & x->hmask) {
		uint32_t v = x->hash[i];
		if (!v)
			return NULL;
		if (x->pages[v - 1].pa >> 12 == pfn)
			return x->pages[v - 1].b;
	}
}

int ucx_set_memory(struct ucx *x, const struct ucx_page *pages, size_t n)
{
	if (!x || (n && !pages) || n > 0x7fffffffu)
		return -EINVAL;
	size_t cap = 16;
	while (cap < 2 * n)
		cap <<= 1;
	struct mpage *np = NULL;
	if (n && !(np = malloc(n * sizeof(*np))))
		return -ENOMEM;
	uint32_t *nh = calloc(cap, sizeof(*nh));
	if (!nh) {
		free(np);
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		uint64_t pa = pages[k].pa;
		if ((pa & (PG_SIZE - 1)) || pa >= PA_LIMIT || in_reserved(pa))
			goto bad;
		size_t i = hslot(pa >> 12, cap - 1);
		while (nh[i]) {
			if (np[nh[i] - 1].pa == pa)
				goto bad; /* duplicate */
			i = (i + 1) & (cap - 1);
		}
		np[k].pa = pa;
		if (pages[k].bytes)
			memcpy(np[k].b, pages[k].bytes, PG_SIZE);
		else
			memset(np[k].b, 0, PG_SIZE);
		nh[i] = (uint32_t)(k + 1);
	}
	free(x->pages);
	free(x->hash);
	x->pages = np;
	x->npages = n;
	x->hash = nh;
	x->hmask = cap - 1;
	return 0;
bad:
	free(np);
	free(nh);
	return -EINVAL;
}

/* ------------------------------------------------------------- callbacks */

/* The queried access itself reached memory (identity-mapped, PA == VA). */
static uint64_t final_access(struct ucx *x, unsigned size)
{
	x->final_seen = true;
	if (x->acc == UCX_FETCH)
		return 0xCCCCCCCCCCCCCCCCULL >> (64 - 8 * size); /* INT3 */
	return 0;
}

/* Entry of a private paging table (only the stub walks use them). */
static uint64_t priv_entry(uint64_t pa)
{
	uint64_t page = pa & ~0xfffULL;
	unsigned idx = (unsigned)((pa & 0xfff) >> 3);
	if (page == PRIV_PML4)
		return PRIV_PDPT | UE_TABLE;
	if (page == PRIV_PDPT)
		return PRIV_PD | UE_TABLE;
	if (page == PRIV_PD)
		return PRIV_PT | UE_TABLE;
	if (page == PRIV_PT) {
		if (idx == PT_IDX_K)
			return PRIV_FRAME | E_P | E_RW | E_A | E_D;        /* supervisor */
		if (idx == PT_IDX_U)
			return PRIV_FRAME | E_P | E_RW | E_US | E_A | E_D; /* user */
	}
	return 0;
}

static bool entry_is_table(const struct ucx *x, unsigned pos, uint64_t e)
{
	unsigned levels = x->la57 ? 5 : 4;
	if (!(e & E_P) || pos + 1 >= levels)
		return false;
	/* PS is a leaf at PDPT/PD level, reserved above (then QEMU faults) */
	return !(e & E_PS) || pos + 3 < levels;
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct ucx *x = ud;
	uint64_t pa = off;
	(void)uc;
	if (size == 0 || size > 8 || ((pa & 0xfff) + size) > PG_SIZE) {
		x->cb_err = -EIO;
		return 0;
	}
	if (size < 4)
		return final_access(x, size);

	/* from here on: the page walker (8-byte entries, read as 2 x 4 bytes) */
	bool first_half = (pa & 7) == 0;
	uint64_t q; /* the full entry */
	if ((pa >> 12) == (PRIV_ROOT >> 12)) {
		unsigned idx = (unsigned)((pa & 0xfff) >> 3);
		if (idx == x->slot) {
			if (first_half)
				x->owner = OWN_STUB;
			q = (x->la57 ? PRIV_PML4 : PRIV_PDPT) | UE_TABLE;
			return extract(q, (unsigned)(pa & 7), size);
		}
		if (first_half) {
			x->owner = OWN_TARGET;
			x->nwalks++;
			x->nwalk = 0; /* a new walk of the queried address */
		}
		pa = x->cr3pa | (pa & 0xfff);
	} else if (in_reserved(pa)) {
		if (x->owner != OWN_STUB)
			x->cb_err = -EINVAL; /* a caller's table points into the reserved range */
		return extract(priv_entry(pa & ~7ULL), (unsigned)(pa & 7), size);
	} else if (x->owner != OWN_TARGET) {
		x->cb_err = -EIO;
	}

	const uint8_t *p = page_of(x, pa);
	if (p) {
		q = ld_le(p + (pa & 0xff8), 8);
	} else {
		q = 0;
		if (x->res && !x->res->unlisted) {
			x->res->unlisted = true;
			x->res->unlisted_pa = pa & ~7ULL;
		}
	}
	if (first_half) {
		if (x->nwalk < WALK_MAX) {
			if (x->nwalk > 0 && !entry_is_table(x, x->nwalk - 1, x->walk_val[x->nwalk - 1]))
				x->cb_err = -EIO; /* QEMU walked on past a leaf?! */
			if (entry_is_table(x, x->nwalk, q) && in_reserved(q & ADDR_MASK))
				x->cb_err = -EINVAL; /* table entry points into reserved range */
			x->walk_pa[x->nwalk] = pa;
			x->walk_val[x->nwalk] = q;
			x->nwalk++;
		} else {
			x->cb_err = -EIO;
		}
	}
	return extract(q, (unsigned)(pa & 7), size);
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
	struct ucx *x = ud;
	uint64_t pa = off;
	(void)uc;
	if (size == 0 || size > 8 || ((pa & 0xfff) + size) > PG_SIZE) {
		x->cb_err = -EIO;
		return;
	}
	if (size < 4) {
		(void)final_access(x, size); /* the queried 1-byte store: not applied */
		return;
	}
	/* accessed/dirty update of a paging entry */
	if ((pa >> 12) == (PRIV_ROOT >> 12)) {
		if (((pa & 0xfff) >> 3) == x->slot)
			return;
		pa = x->cr3pa | (pa & 0xfff);
	} else if (in_reserved(pa)) {
		return; /* private tables have A/D set; nothing to do */
	}
	if (x->owner != OWN_TARGET)
		x->cb_err = -EIO;
	uint8_t *p = page_of(x, pa);
	if (!p)
		return;
	uint8_t *q = p + (pa & 0xff8);
	if (x->nundo >= UNDO_MAX) {
		x->cb_err = -EIO;
		return;
	}
	x->undo[x->nundo].where = q;
	x->undo[x->nundo].old = ld_le(q, 8);
	x->nundo++;
	st_le(p + (pa & 0xfff), size, value);
	struct ucx_result *r = x->res;
	if (r && r->nad < WALK_MAX) {
		r->ad_pa[r->nad] = pa & ~7ULL;
		r->ad_val[r->nad] = ld_le(q, 8);
		r->nad++;
	}
}

/* Above 2^40 nothing but identity-mapped final accesses can arrive. */
static uint64_t shadow_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct ucx *x = ud;
	(void)uc; (void)off;
	if (size == 0 || size > 8 || size >= 4) {
		x->cb_err = -EIO;
		return 0;
	}
	return final_access(x, size);
}

static void shadow_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
	struct ucx *x = ud;
	(void)uc; (void)off; (void)value;
	if (size == 0 || size >= 4) {
		x->cb_err = -EIO;
		return;
	}
	(void)final_access(x, size);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct ucx *x = ud;
	if (!x->got_intr) {
		x->got_intr = true;
		x->intno = intno;
		/* capture CR2 and the CPU state (error code) right now */
		if (uc_reg_read(uc, UC_X86_REG_RIP, &x->rip))
			x->cb_err = -EIO;
		if (intno == EXC_PF && uc_reg_read(uc, UC_X86_REG_CR2, &x->cr2))
			x->cb_err = -EIO;
		if ((intno == EXC_PF || intno == EXC_GP) && uc_context_save(uc, x->scratch))
			x->cb_err = -EIO;
	}
	uc_emu_stop(uc);
}

/*
 * unicorn 2.0.1 looks the *virtual* address of every load/store/fetch up in
 * its table of physical regions before the real (MMU) access: *_UNMAPPED if
 * none, FETCH_PROT for code in MMIO.  Both are meaningless with paging on;
 * answer "handled" so that QEMU goes on with the real translation.  Every
 * 64-bit physical address is mapped, so nothing genuine is hidden.
 */
static bool on_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
		       int64_t value, void *ud)
{
	struct ucx *x = ud;
	(void)uc; (void)type; (void)addr; (void)size; (void)value;
	x->nhook++;
	return true;
}

/* ---------------------------------------------------------------- set-up */

static int wmsr(uc_engine *uc, uint32_t id, uint64_t v)
{
	uc_x86_msr m = { .rid = id, .value = v };
	return uerr(uc_reg_write(uc, UC_X86_REG_MSR, &m));
}

static int rmsr(uc_engine *uc, uint32_t id, uint64_t *v)
{
	uc_x86_msr m = { .rid = id, .value = 0 };
	int r = uerr(uc_reg_read(uc, UC_X86_REG_MSR, &m));
	*v = m.value;
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Map the stub areas (RAM) and the shadow MMIO around them. */
static int map_memory(struct ucx *x)
{
	int r;
	if ((r = uerr(uc_mmio_map(x->uc, 0, (size_t)PA_LIMIT, mmio_read, x, mmio_write, x))))
		return r;

	uint8_t *img = malloc(AREA_SIZE);
	if (!img)
		return -ENOMEM;
	memset(img, 0xCC, AREA_SIZE);
	static const uint8_t k_entry[] = {
		0x41, 0x0f, 0x22, 0xe0, /* mov cr4, r8 */
		0x41, 0x0f, 0x22, 0xc1, /* mov cr0, r9 */
		0x41, 0x0f, 0x22, 0xdf, /* mov cr3, r15: flushes the whole TLB */
		0x41, 0xff, 0xe6,       /* jmp r14 */
	};
	static const uint8_t k_pkru[] = { 0x0f, 0x01, 0xef, 0x41, 0xff, 0xe5 }; /* wrpkru; jmp r13 */
	static const uint8_t rd[] = { 0x8a, 0x03, 0xcc };                       /* mov al,[rbx]; int3 */
	static const uint8_t wr[] = { 0x88, 0x03, 0xcc };                       /* mov [rbx],al; int3 */
	static const uint8_t fe[] = { 0xff, 0xe3 };                             /* jmp rbx */
	static const uint8_t k_sysret[] = { 0x4c, 0x89, 0xe1, 0x48, 0x0f, 0x07 }; /* mov rcx,r12; sysretq */
	uint8_t *kc = img, *ucode = img + PG_SIZE;
	memcpy(kc + OFF_ENTRY, k_entry, sizeof k_entry);
	memcpy(kc + OFF_PKRU, k_pkru, sizeof k_pkru);
	memcpy(kc + OFF_READ, rd, sizeof rd);
	memcpy(kc + OFF_WRITE, wr, sizeof wr);
	memcpy(kc + OFF_FETCH, fe, sizeof fe);
	memcpy(kc + OFF_SYSRET, k_sysret, sizeof k_sysret);
	memcpy(ucode + OFF_READ, rd, sizeof rd);
	memcpy(ucode + OFF_WRITE, wr, sizeof wr);
	memcpy(ucode + OFF_FETCH, fe, sizeof fe);

	uint64_t a[NAREA] = { area_va(false, 254), area_va(false, 255),
			      area_va(true, 254), area_va(true, 255) };
	qsort(a, NAREA, sizeof a[0], cmp_u64);
	uint64_t from = PA_LIMIT;
	r = 0;
	for (int i = 0; i <= NAREA && !r; i++) {
		uint64_t to = i < NAREA ? a[i] : 0; /* 0: up to 2^64 */
		if (to != from)
			r = uerr(uc_mmio_map(x->uc, from, (size_t)(to - from), shadow_read, x,
					     shadow_write, x));
		if (!r && i < NAREA) {
			r = uerr(uc_mem_map(x->uc, a[i], AREA_SIZE, UC_PROT_ALL));
			if (!r)
				r = uerr(uc_mem_write(x->uc, a[i], img, AREA_SIZE));
			from = a[i] + AREA_SIZE;
		}
	}
	free(img);
	return r;
}

/* Find the byte offset of EFER inside a context blob, by saving two contexts
 * that differ only in EFER.LME. */
static int find_efer(struct ucx *x)
{
	uc_context *a = NULL, *b = NULL;
	int r = -EIO;
	if (uc_context_alloc(x->uc, &a) || uc_context_alloc(x->uc, &b))
		goto out;
	if (wmsr(x->uc, MSR_EFER, EFER_LMA) || uc_context_save(x->uc, a))
		goto out;
	if (wmsr(x->uc, MSR_EFER, EFER_LMA | EFER_LME) || uc_context_save(x->uc, b))
		goto out;
	const uint8_t *pa = (const uint8_t *)a, *pb = (const uint8_t *)b;
	long found = -1;
	for (size_t i = 0; i + 8 <= x->ctx_size; i += 8) {
		if (ld_le(pa + i, 8) == EFER_LMA && ld_le(pb + i, 8) == (EFER_LMA | EFER_LME)) {
			if (found >= 0) {
				found = -1;
				break;
			}
			found = (long)i;
		}
	}
	if (found >= 0) {
		x->efer_off = found;
		r = 0;
	}
out:
	if (a)
		uc_context_free(a);
	if (b)
		uc_context_free(b);
	return r;
}

/* Save the current CPU state into pristine[nxe] with EFER patched, and check
 * that the CPU really took the value. */
static int make_pristine(struct ucx *x, int nxe)
{
	uint64_t want = EFER_LMA | EFER_LME | EFER_SCE | (nxe ? EFER_NXE : 0), got = 0;
	uc_context *c = x->pristine[nxe];
	if (uc_context_save(x->uc, c))
		return -EIO;
	st_le((uint8_t *)c + x->efer_off, 8, want);
	if (uc_context_restore(x->uc, c))
		return -EIO;
	if (rmsr(x->uc, MSR_EFER, &got) || got != want)
		return -EIO;
	return 0;
}

static int run_query(struct ucx *x, const struct ucx_state *st, uint64_t va,
		     enum ucx_access acc, bool user, struct ucx_result *out);

/* Calibrate the offset of env->error_code in a context blob by provoking
 * four #PFs with known, distinct error codes. */
static void find_errcode(struct ucx *x)
{
	uint8_t (*t)[PG_SIZE] = calloc(5, PG_SIZE);
	uc_context *c[4] = { NULL, NULL, NULL, NULL };
	x->errcode_off = -1;
	if (!t)
		return;
	/* root 0x1000 -> pdpt 0x2000 -> pd 0x3000 -> pt 0x4000; data 0x5000 */
	const uint64_t up = E_P | E_RW | E_US;
	st_le(t[0], 8, 0x2000 | up);
	st_le(t[1], 8, 0x3000 | up);
	st_le(t[2], 8, 0x4000 | up);
	st_le(t[3] + 0, 8, 0x5000 | E_P | E_US);                 /* va 0x0000: user, RO */
	/* va 0x1000: not present */
	st_le(t[3] + 16, 8, 0x5000 | E_P | E_RW | (1ULL << 51)); /* va 0x2000: rsvd bit */
	struct ucx_page pg[5];
	for (int i = 0; i < 5; i++) {
		pg[i].pa = 0x1000u * (uint64_t)(i + 1);
		pg[i].bytes = t[i];
	}
	static const struct {
		uint64_t va; enum ucx_access acc; bool user; uint32_t code;
	} cal[4] = {
		{ 0x1000, UCX_READ, true, 0x4 },   /* U, not present */
		{ 0x1000, UCX_WRITE, false, 0x2 }, /* W, not present */
		{ 0x0000, UCX_WRITE, true, 0x7 },  /* U|W|P */
		{ 0x2000, UCX_READ, false, 0x9 },  /* RSVD|P */
	};
	if (ucx_set_memory(x, pg, 5))
		goto out;
	const struct ucx_state st = { .cr3 = 0x1000, .cr0_wp = 1 };
	for (int k = 0; k < 4; k++) {
		struct ucx_result r;
		if (uc_context_alloc(x->uc, &c[k]))
			goto out;
		if (run_query(x, &st, cal[k].va, cal[k].acc, cal[k].user, &r) || !r.fault || r.gp ||
		    r.cr2 != cal[k].va)
			goto out;
		memcpy(c[k], x->scratch, x->ctx_size); /* saved by on_intr at the fault */
	}
	long found = -1;
	for (size_t i = 0; i + 4 <= x->ctx_size; i += 4) {
		bool all = true;
		for (int k = 0; k < 4 && all; k++)
			all = ld_le((const uint8_t *)c[k] + i, 4) == cal[k].code;
		if (all) {
			if (found >= 0) {
				found = -1;
				break;
			}
			found = (long)i;
		}
	}
	x->errcode_off = found;
out:
	for (int k = 0; k < 4; k++)
		if (c[k])
			uc_context_free(c[k]);
	(void)ucx_set_memory(x, NULL, 0);
	free(t);
}

int ucx_open(struct ucx **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	struct ucx *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->efer_off = -1;
	x->errcode_off = -1;
	int r = -EIO;
	if (uc_open(UC_ARCH_X86, UC_MODE_64, &x->uc)) {
		x->uc = NULL;
		goto fail;
	}
	/* Icelake-Server: the only 2.0.1 model whose CPUID has both PKU and LA57
	 * (the MMU itself does not look at CPUID for SMEP or LA57). */
	if (uc_ctl_set_cpu_model(x->uc, UC_CPU_X86_ICELAKE_SERVER))
		goto fail;
	if ((r = map_memory(x)))
		goto fail;
	r = -EIO;
	if (uc_hook_add(x->uc, &x->h_intr, UC_HOOK_INTR, fn_ptr((generic_fn)on_intr), x, 1, 0))
		goto fail;
	if (uc_hook_add(x->uc, &x->h_inval, UC_HOOK_MEM_INVALID, fn_ptr((generic_fn)on_invalid), x, 1, 0))
		goto fail;
	/* SYSRET: CS = STAR[63:48]+16 | 3, SS = STAR[63:48]+8 | 3 */
	if (wmsr(x->uc, MSR_STAR, 0x0010000800000000ULL))
		goto fail;
	x->ctx_size = uc_context_size(x->uc);
	if (uc_context_alloc(x->uc, &x->pristine[0]) || uc_context_alloc(x->uc, &x->pristine[1]) ||
	    uc_context_alloc(x->uc, &x->scratch))
		goto fail;
	if ((r = find_efer(x)))
		goto fail;
	if ((r = make_pristine(x, 1)) || (r = make_pristine(x, 0)))
		goto fail;
	find_errcode(x);
	*out = x;
	return 0;
fail:
	ucx_close(x);
	return r ? r : -EIO;
}

void ucx_close(struct ucx *x)
{
	if (!x)
		return;
	for (int i = 0; i < 2; i++)
		if (x->pristine[i])
			uc_context_free(x->pristine[i]);
	if (x->scratch)
		uc_context_free(x->scratch);
	if (x->uc)
		uc_close(x->uc);
	free(x->pages);
	free(x->hash);
	free(x);
}

/* ----------------------------------------------------------------- query */

static int wreg(uc_engine *uc, int id, uint64_t v)
{
	return uerr(uc_reg_write(uc, id, &v));
}

static bool canonical(uint64_t va, bool la57)
{
	return sext(va, la57 ? 56 : 47) == va;
}

static int run_query(struct ucx *x, const struct ucx_state *st, uint64_t va,
		     enum ucx_access acc, bool user, struct ucx_result *out)
{
	memset(out, 0, sizeof(*out));
	uint64_t cr3pa = st->cr3 & ADDR_MASK;
	if (cr3pa >= PA_LIMIT)
		return -EINVAL;
	if (!page_of(x, cr3pa))
		return -ENOENT;

	unsigned levels = st->la57 ? 5 : 4;
	unsigned vidx = (unsigned)(va >> (st->la57 ? 48 : 39)) & 511;
	unsigned slot = vidx == 255 ? 254 : 255;
	uint64_t kbase = area_va(st->la57, slot);
	uint64_t ubase = kbase + PG_SIZE;
	/* The access itself goes to PA == VA: it must not land in a stub area. */
	if (canonical(va, st->la57)) {
		for (unsigned s = 254; s <= 255; s++) {
			for (int m = 0; m < 2; m++) {
				uint64_t a = area_va(m, s);
				if (va - a < AREA_SIZE)
					return -EADDRINUSE;
			}
		}
	}
	uint64_t off = acc == UCX_READ ? OFF_READ : acc == UCX_WRITE ? OFF_WRITE : OFF_FETCH;
	uint64_t access_ip = (user ? ubase : kbase) + off;

	x->res = out;
	x->acc = acc;
	x->cr3pa = cr3pa;
	x->slot = slot;
	x->la57 = st->la57;
	x->owner = OWN_NONE;
	x->nwalk = 0;
	x->nwalks = 0;
	x->final_seen = false;
	x->got_intr = false;
	x->intno = 0;
	x->cr2 = 0;
	x->rip = 0;
	x->cb_err = 0;
	x->nundo = 0;

	int r = -EIO;
	uc_engine *uc = x->uc;
	if (uc_context_restore(uc, x->pristine[st->nxe ? 1 : 0]))
		goto out;
	/* CR4/CR0/CR3 are loaded by the stub with MOV CRn (QEMU's helpers: hflags
	 * update, TLB flush); uc_reg_write only has to get paging going. */
	uint64_t cr4 = CR4_PAE | (st->la57 ? CR4_LA57 : 0);
	uint64_t cr4q = cr4 | (st->smep ? CR4_SMEP : 0) | (st->smap ? CR4_SMAP : 0) |
			(st->pke ? CR4_PKE : 0);
	uint64_t cr0 = CR0_PE | CR0_ET | CR0_PG;
	uint64_t cr0q = cr0 | (st->cr0_wp ? CR0_WP : 0);
	uint64_t cont = user ? kbase + OFF_SYSRET : kbase + off;
	if ((r = wreg(uc, UC_X86_REG_CR4, cr4)) || (r = wreg(uc, UC_X86_REG_CR0, cr0)) ||
	    (r = wreg(uc, UC_X86_REG_CR3, PRIV_ROOT)) ||
	    (r = wreg(uc, UC_X86_REG_EFLAGS, RFLAGS_FIXED | (st->ac && !user ? RFLAGS_AC : 0))) ||
	    (r = wreg(uc, UC_X86_REG_R8, cr4q)) || (r = wreg(uc, UC_X86_REG_R9, cr0q)) ||
	    (r = wreg(uc, UC_X86_REG_R15, PRIV_ROOT)) ||
	    (r = wreg(uc, UC_X86_REG_RBX, va)) ||
	    (r = wreg(uc, UC_X86_REG_RAX, st->pkru)) ||
	    (r = wreg(uc, UC_X86_REG_RCX, 0)) || (r = wreg(uc, UC_X86_REG_RDX, 0)) ||
	    (r = wreg(uc, UC_X86_REG_R11, RFLAGS_FIXED)) ||
	    (r = wreg(uc, UC_X86_REG_R12, ubase + off)) ||
	    (r = wreg(uc, UC_X86_REG_R13, cont)) ||
	    (r = wreg(uc, UC_X86_REG_R14, st->pke ? kbase + OFF_PKRU : cont)))
		goto out;
	/* unicorn translates "until" at the final CPL when emulation ends: it
	 * must be in the page of that privilege (else a stray #PF at the end). */
	uint64_t until = user ? ubase + OFF_UNTIL : kbase + OFF_UNTIL;

	uc_err e = uc_emu_start(uc, kbase + OFF_ENTRY, until, 0, 0);

	r = -EIO;
#ifdef UCX_DEBUG
	{
		uint64_t rip = 0, cr2 = 0;
		uc_reg_read(uc, UC_X86_REG_RIP, &rip);
		uc_reg_read(uc, UC_X86_REG_CR2, &cr2);
		fprintf(stderr, "ucx dbg: e=%d intr=%d intno=%u hooks=%lu cb_err=%d final=%d nwalks=%u nwalk=%u rip=%llx cr2=%llx hookrip=%llx\n",
			e, x->got_intr, x->intno, x->nhook, x->cb_err, x->final_seen, x->nwalks, x->nwalk,
			(unsigned long long)rip, (unsigned long long)cr2, (unsigned long long)x->rip);
	}
#endif
	if (x->cb_err) {
		r = x->cb_err;
		goto out;
	}
	if (!x->got_intr || (e != UC_ERR_OK && e != UC_ERR_EXCEPTION))
		goto out;
	out->nwalk = x->nwalk;
	memcpy(out->walk_pa, x->walk_pa, sizeof out->walk_pa);
	memcpy(out->walk_val, x->walk_val, sizeof out->walk_val);
	switch (x->intno) {
	case EXC_BP: {
		/* success: derive the PA from the leaf QEMU used */
		if (!x->final_seen || x->nwalks != 1 || x->nwalk > levels || x->nwalk + 2 < levels)
			goto out;
		unsigned shift = 12 + 9 * (levels - x->nwalk);
		uint64_t size = 1ULL << shift;
		uint64_t leaf = x->walk_val[x->nwalk - 1];
		out->page_shift = shift;
		out->pa = (leaf & ADDR_MASK & ~(size - 1)) | (va & (size - 1));
		break;
	}
	case EXC_PF:
	case EXC_GP:
		/* the faulting instruction must be the queried access */
		if (x->final_seen || x->nwalks > 1 ||
		    (acc == UCX_FETCH ? x->rip != va && !(x->intno == EXC_GP && x->rip == access_ip)
				      : x->rip != access_ip))
			goto out;
		out->fault = true;
		out->gp = x->intno == EXC_GP;
		if (out->gp) {
			if (x->nwalks)
				goto out; /* a #GP can only come from a non-canonical address */
		} else {
			if (x->cr2 != va || !x->nwalks)
				goto out; /* the fault was not on the queried address */
			out->cr2 = x->cr2;
		}
		if (x->errcode_off >= 0) {
			out->error_code = (uint32_t)ld_le((const uint8_t *)x->scratch + x->errcode_off, 4);
			out->error_code_valid = true;
		}
		break;
	default:
		goto out;
	}
	r = 0;
out:
	/* undo accessed/dirty updates: the next query sees the original memory */
	while (x->nundo) {
		x->nundo--;
		st_le(x->undo[x->nundo].where, 8, x->undo[x->nundo].old);
	}
	x->res = NULL;
	return r;
}

int ucx_query(struct ucx *x, const struct ucx_state *st, uint64_t va, enum ucx_access acc, bool user,
	      struct ucx_result *out)
{
	if (!x || !st || !out || (acc != UCX_READ && acc != UCX_WRITE && acc != UCX_FETCH))
		return -EINVAL;
	return run_query(x, st, va, acc, user, out);
}
