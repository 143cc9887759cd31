/* SPDX-License-Identifier: MIT */
/*
 * uc_x86 - page-walk referee built on libunicorn 2.0.x (QEMU 5.0 x86-64 MMU).
 *
 * How it works (details and caveats in README.md):
 *
 *  - Physical memory [0, UCX_RESERVED_PA + 4 KiB) is ONE unicorn MMIO region
 *    served by mmio_read()/mmio_write() from a private copy of the caller's
 *    pages.  Every physical access QEMU makes there goes through these
 *    callbacks with its physical address: 8-byte page-walk reads (split by
 *    QEMU into two 4-byte reads), 4-byte accessed/dirty updates, and the
 *    final 1-byte data access or the first instruction-byte fetch.  That is
 *    how walk_pa[], ad_*[] and pa are observed rather than recomputed.
 *  - CR3 points at UCX_RESERVED_PA, an alias of the caller's root page in
 *    which one slot (255, or 254) points to a private branch (plain unicorn
 *    RAM in the reserved range, so invisible to the callbacks) that maps two
 *    code pages: a supervisor stub and a user stub.
 *  - CPL3 is reached with SYSRET.  Each path ends with INT3; unicorn does not
 *    deliver exceptions, it calls the UC_HOOK_INTR hook, which records the
 *    vector and stops emulation.  A fetch of the queried address returns
 *    0xCC (INT3) from the callback, so no arbitrary bytes are decoded.
 *  - unicorn 2.0.1's reset hard-codes CPUID.80000001H:EDX without NX and
 *    SYSCALL, so WRMSR(EFER) cannot set NXE/SCE.  EFER is instead patched in
 *    a saved CPU context (uc_context_save/restore), at an offset found at
 *    ucx_open() by diffing two contexts that differ only in EFER.LME, and
 *    verified by reading EFER back.
 *  - Every query restores that pristine context first (which also resets
 *    QEMU's "exception in flight" state that would turn the next #PF into a
 *    #DF), then writes CR4, CR0 and CR3 (CR3 write = full TLB flush).
 *  - The #PF error code is not exposed by the unicorn API; it is read from a
 *    context saved after the fault, at an offset calibrated at ucx_open()
 *    with four faults of known error codes.  If calibration fails,
 *    error_code_valid is false.
 */
#include "uc_x86.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <unicorn/unicorn.h>

#define PG_SIZE 4096u

/* paging-entry bits */
#define E_P   (1ULL << 0)
#define E_RW  (1ULL << 1)
#define E_US  (1ULL << 2)
#define E_A   (1ULL << 5)
#define E_D   (1ULL << 6)

/* private physical layout (inside the reserved 64 KiB) */
#define PRIV_ROOT  (UCX_RESERVED_PA + 0x0000) /* MMIO: alias of caller's root */
#define PRIV_RAM   (UCX_RESERVED_PA + 0x1000) /* unicorn RAM from here on */
#define PRIV_PML4  (UCX_RESERVED_PA + 0x1000)
#define PRIV_PDPT  (UCX_RESERVED_PA + 0x2000)
#define PRIV_PD    (UCX_RESERVED_PA + 0x3000)
#define PRIV_PT    (UCX_RESERVED_PA + 0x4000)
#define PRIV_KCODE (UCX_RESERVED_PA + 0x5000)
#define PRIV_UCODE (UCX_RESERVED_PA + 0x6000)
#define PRIV_RAM_SIZE (UCX_RESERVED_PA_SIZE - 0x1000)
#define MMIO_SIZE  (PRIV_RAM)                 /* [0, PRIV_RAM) is MMIO */
/* Shadow region above MAXPHYADDR, see on_unmapped() */
#define SHADOW_BASE (1ULL << UCX_PA_BITS)
#define SHADOW_SIZE ((size_t)(0ULL - SHADOW_BASE - PG_SIZE))

/* stub entry points (offsets in both code pages) */
#define OFF_PKRU   0x00  /* K: wrpkru; jmp r14 */
#define OFF_READ   0x10  /* mov al,[rbx]; int3 */
#define OFF_WRITE  0x20  /* mov [rbx],al; int3 */
#define OFF_FETCH  0x30  /* jmp rbx */
#define OFF_SYSRET 0x40  /* K: mov rcx,r12; sysretq */

/* uc_emu_start's "until" address, never reached (emulation ends on INT3 or
 * a fault).  unicorn 2.0.1 translates it (VA -> PA, through the MMU) when
 * emulation ends, so it must be mapped by our private branch: it is in the
 * supervisor stub page, which is all INT3 there. */
#define OFF_UNTIL  0xFF0

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
	uc_hook h_intr, h_unmapped;

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
	uint64_t slot_entry;
	bool final_seen;
	uint64_t final_pa;
	bool got_intr;
	uint32_t intno;
	unsigned long nunmapped; /* spurious VA-based unmapped checks (statistics) */
	int cb_err;
	unsigned nundo;
	struct undo undo[UNDO_MAX];
};

/* ---------------------------------------------------------------- memory */

static size_t hslot(uint64_t pfn, size_t mask)
{
	return (size_t)((pfn * 0x9E3779B97F4A7C15ULL) >> 20) & mask;
}

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

static uint64_t ld_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void st_le(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void note_unlisted(struct ucx *x, uint64_t pa)
{
	if (x->res && !x->res->unlisted) {
		x->res->unlisted = true;
		x->res->unlisted_pa = pa;
	}
}

int ucx_set_memory(struct ucx *x, const struct ucx_page *pages, size_t n)
{
	if (!x || (n && !pages))
		return -EINVAL;
	if (n > 0x7fffffffu)
		return -EINVAL;
	struct mpage *np = NULL;
	uint32_t *nh = NULL;
	size_t cap = 16;
	while (cap < 2 * n)
		cap <<= 1;
	if (n) {
		np = malloc(n * sizeof(*np));
		if (!np)
			return -ENOMEM;
	}
	nh = calloc(cap, sizeof(*nh));
	if (!nh) {
		free(np);
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		uint64_t pa = pages[k].pa;
		if ((pa & (PG_SIZE - 1)) || (pa >> UCX_PA_BITS) ||
		    (pa >= UCX_RESERVED_PA && pa < UCX_RESERVED_PA + UCX_RESERVED_PA_SIZE))
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

/* Map an access to the private root alias onto the caller's root page.
 * Returns false if the access is to the referee's own slot entry. */
static bool unalias(const struct ucx *x, uint64_t *pa)
{
	if ((*pa >> 12) != (PRIV_ROOT >> 12))
		return true;
	if (((*pa & 0xfff) >> 3) == x->slot)
		return false;
	*pa = x->cr3pa | (*pa & 0xfff);
	return true;
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
	if (!unalias(x, &pa)) {
		uint8_t e[8];
		st_le(e, 8, x->slot_entry);
		return ld_le(e + (off & 7), size);
	}
	const uint8_t *p = page_of(x, pa);
	if (size >= 4) {
		/* page-structure read by the walker (8 bytes, maybe split) */
		if (x->res && (pa & 7) == 0) {
			if (x->res->nwalk < 6)
				x->res->walk_pa[x->res->nwalk++] = pa;
			else
				x->cb_err = -EIO;
		}
	} else {
		/* the queried access itself (1-byte load or first code byte) */
		if (!x->final_seen) {
			x->final_seen = true;
			x->final_pa = pa;
		}
		if (x->acc == UCX_FETCH)
			return 0xCCCCCCCCCCCCCCCCULL >> (64 - 8 * size);
	}
	if (!p) {
		note_unlisted(x, pa);
		return 0;
	}
	return ld_le(p + (pa & 0xfff), size);
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
	if (!unalias(x, &pa))
		return;
	if (size < 4) {
		/* the queried 1-byte store: record, do not apply */
		if (!x->final_seen) {
			x->final_seen = true;
			x->final_pa = pa;
		}
		if (!page_of(x, pa))
			note_unlisted(x, pa);
		return;
	}
	/* accessed/dirty update of a paging entry */
	uint8_t *p = page_of(x, pa);
	if (!p) {
		note_unlisted(x, pa);
		return;
	}
	uint8_t *q = p + (pa & 0xff8);
	if (x->nundo >= UNDO_MAX) {
		x->cb_err = -EIO;
		return;
	}
	x->undo[x->nundo].where = q;
	x->undo[x->nundo].old = ld_le(q, 8);
	x->nundo++;
	st_le(p + (pa & 0xfff), size, value);
	if (x->res) {
		struct ucx_result *r = x->res;
		if (r->nad < 6) {
			r->ad_pa[r->nad] = pa & ~7ULL;
			r->ad_val[r->nad] = ld_le(q, 8);
			r->nad++;
		}
	}
}

/* The shadow region is never accessed for real (the walker cannot produce a
 * physical address >= 2^40 without a reserved-bit fault). */
static uint64_t shadow_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct ucx *x = ud;
	(void)uc; (void)off; (void)size;
	x->cb_err = -EIO;
	return 0;
}

static void shadow_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
	struct ucx *x = ud;
	(void)uc; (void)off; (void)size; (void)value;
	x->cb_err = -EIO;
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct ucx *x = ud;
	if (!x->got_intr) {
		x->got_intr = true;
		x->intno = intno;
	}
	uc_emu_stop(uc);
}

/*
 * unicorn 2.0.1 looks the *virtual* address of every load/store/fetch up in
 * its table of physical regions before the real (MMU) access and calls the
 * *_UNMAPPED hooks when it is not there (i.e. for any VA >= MMIO+RAM end).
 * That check is meaningless with paging on: report "handled" so that QEMU
 * goes on with the real translation.  Every physical address below 2^40 is
 * mapped (MMIO + private RAM) and the walker cannot produce larger ones, so
 * no genuine unmapped access is hidden by this.
 */
static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			int64_t value, void *ud)
{
	struct ucx *x = ud;
	(void)uc; (void)type; (void)addr; (void)size; (void)value;
	x->nunmapped++;
	return true;
}

/* ---------------------------------------------------------------- set-up */

static int uerr(uc_err e)
{
	switch (e) {
	case UC_ERR_OK: return 0;
	case UC_ERR_NOMEM: return -ENOMEM;
	case UC_ERR_ARG: return -EINVAL;
	default: return -EIO;
	}
}

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

static int write_private(struct ucx *x)
{
	uint8_t *img = malloc(PRIV_RAM_SIZE);
	if (!img)
		return -ENOMEM;
	memset(img, 0xCC, PRIV_RAM_SIZE);
	/* tables (4 KiB each), then code pages */
	uint8_t *pml4 = img + (PRIV_PML4 - PRIV_RAM);
	uint8_t *pdpt = img + (PRIV_PDPT - PRIV_RAM);
	uint8_t *pd = img + (PRIV_PD - PRIV_RAM);
	uint8_t *pt = img + (PRIV_PT - PRIV_RAM);
	uint8_t *kc = img + (PRIV_KCODE - PRIV_RAM);
	uint8_t *uc = img + (PRIV_UCODE - PRIV_RAM);
	memset(pml4, 0, PG_SIZE);
	memset(pdpt, 0, PG_SIZE);
	memset(pd, 0, PG_SIZE);
	memset(pt, 0, PG_SIZE);
	const uint64_t up = E_P | E_RW | E_US | E_A;
	st_le(pml4, 8, PRIV_PDPT | up);
	st_le(pdpt, 8, PRIV_PD | up);
	st_le(pd, 8, PRIV_PT | up);
	st_le(pt + 0, 8, PRIV_KCODE | E_P | E_RW | E_A | E_D);        /* supervisor */
	st_le(pt + 8, 8, PRIV_UCODE | E_P | E_RW | E_US | E_A | E_D); /* user */

	static const uint8_t k_pkru[] = { 0x0f, 0x01, 0xef, 0x41, 0xff, 0xe6 }; /* wrpkru; jmp r14 */
	static const uint8_t rd[] = { 0x8a, 0x03, 0xcc };                       /* mov al,[rbx]; int3 */
	static const uint8_t wr[] = { 0x88, 0x03, 0xcc };                       /* mov [rbx],al; int3 */
	static const uint8_t fe[] = { 0xff, 0xe3 };                             /* jmp rbx */
	static const uint8_t k_sysret[] = { 0x4c, 0x89, 0xe1, 0x48, 0x0f, 0x07 }; /* mov rcx,r12; sysretq */
	memcpy(kc + OFF_PKRU, k_pkru, sizeof k_pkru);
	memcpy(kc + OFF_READ, rd, sizeof rd);
	memcpy(kc + OFF_WRITE, wr, sizeof wr);
	memcpy(kc + OFF_FETCH, fe, sizeof fe);
	memcpy(kc + OFF_SYSRET, k_sysret, sizeof k_sysret);
	memcpy(uc + OFF_READ, rd, sizeof rd);
	memcpy(uc + OFF_WRITE, wr, sizeof wr);
	memcpy(uc + OFF_FETCH, fe, sizeof fe);
	int r = uerr(uc_mem_write(x->uc, PRIV_RAM, img, PRIV_RAM_SIZE));
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

/* Save the current CPU state into pristine[nxe] with EFER patched. */
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
	x->errcode_off = -1;
	if (!t)
		return;
	/* root 0x1000 -> pdpt 0x2000 -> pd 0x3000 -> pt 0x4000; data 0x5000 */
	const uint64_t up = E_P | E_RW | E_US;
	st_le(t[0], 8, 0x2000 | up);
	st_le(t[1], 8, 0x3000 | up);
	st_le(t[2], 8, 0x4000 | up);
	st_le(t[3] + 0, 8, 0x5000 | E_P | E_US);                /* va 0x0000: user RO */
	/* va 0x1000: not present */
	st_le(t[3] + 16, 8, 0x5000 | E_P | E_RW | (1ULL << 51)); /* va 0x2000: rsvd */
	struct ucx_page pg[5];
	for (int i = 0; i < 5; i++) {
		pg[i].pa = 0x1000u * (uint64_t)(i + 1);
		pg[i].bytes = t[i];
	}
	struct {
		uint64_t va; enum ucx_access acc; bool user; uint32_t code;
	} cal[4] = {
		{ 0x1000, UCX_READ, true, 0x4 },
		{ 0x1000, UCX_WRITE, false, 0x2 },
		{ 0x0000, UCX_WRITE, true, 0x7 },
		{ 0x2000, UCX_READ, false, 0x9 },
	};
	uc_context *c[4] = { NULL, NULL, NULL, NULL };
	if (ucx_set_memory(x, pg, 5))
		goto out;
	struct ucx_state st = { .cr3 = 0x1000, .cr0_wp = 1 };
	for (int k = 0; k < 4; k++) {
		struct ucx_result r;
		if (uc_context_alloc(x->uc, &c[k]))
			goto out;
		if (run_query(x, &st, cal[k].va, cal[k].acc, cal[k].user, &r) || !r.fault || r.gp)
			goto out;
		if (uc_context_save(x->uc, c[k]))
			goto out;
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
	ucx_set_memory(x, NULL, 0);
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
	/* Icelake-Server: the only model with CPUID LA57 and PKU in 2.0.1. */
	if (uc_ctl_set_cpu_model(x->uc, UC_CPU_X86_ICELAKE_SERVER))
		goto fail;
	if ((r = uerr(uc_mmio_map(x->uc, 0, MMIO_SIZE, mmio_read, x, mmio_write, x))))
		goto fail;
	if ((r = uerr(uc_mem_map(x->uc, PRIV_RAM, PRIV_RAM_SIZE, UC_PROT_ALL))))
		goto fail;
	if ((r = uerr(uc_mmio_map(x->uc, SHADOW_BASE, SHADOW_SIZE, shadow_read, x, shadow_write, x))))
		goto fail;
	if ((r = write_private(x)))
		goto fail;
	r = -EIO;
	if (uc_hook_add(x->uc, &x->h_intr, UC_HOOK_INTR, (void *)on_intr, x, 1, 0))
		goto fail;
	if (uc_hook_add(x->uc, &x->h_unmapped, UC_HOOK_MEM_INVALID, (void *)on_unmapped, x, 1, 0))
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

static int run_query(struct ucx *x, const struct ucx_state *st, uint64_t va,
		     enum ucx_access acc, bool user, struct ucx_result *out)
{
	memset(out, 0, sizeof(*out));
	uint64_t cr3pa = st->cr3 & 0x000ffffffffff000ULL;
	if (cr3pa >> UCX_PA_BITS)
		return -EINVAL;
	if (!page_of(x, cr3pa))
		return -ENOENT;

	unsigned shift = st->la57 ? 48 : 39;
	unsigned vidx = (unsigned)(va >> shift) & 511;
	unsigned slot = vidx == 255 ? 254 : 255;
	uint64_t kbase = (uint64_t)slot << shift;   /* bit 47/56 clear: canonical */
	uint64_t ubase = kbase + PG_SIZE;
	uint64_t off = acc == UCX_READ ? OFF_READ : acc == UCX_WRITE ? OFF_WRITE : OFF_FETCH;

	x->res = out;
	x->acc = acc;
	x->cr3pa = cr3pa;
	x->slot = slot;
	x->slot_entry = (st->la57 ? PRIV_PML4 : PRIV_PDPT) | E_P | E_RW | E_US | E_A;
	x->final_seen = false;
	x->final_pa = 0;
	x->got_intr = false;
	x->intno = 0;
	x->cb_err = 0;
	x->nundo = 0;

	int r = -EIO;
	uc_engine *uc = x->uc;
	if (uc_context_restore(uc, x->pristine[st->nxe ? 1 : 0]))
		goto out;
	uint64_t cr4 = CR4_PAE | (st->la57 ? CR4_LA57 : 0) | (st->smep ? CR4_SMEP : 0) |
		       (st->smap ? CR4_SMAP : 0) | (st->pke ? CR4_PKE : 0);
	uint64_t cr0 = CR0_PE | CR0_ET | CR0_PG | (st->cr0_wp ? CR0_WP : 0);
	uint64_t cont = user ? kbase + OFF_SYSRET : kbase + off;
	if ((r = wreg(uc, UC_X86_REG_CR4, cr4)) || (r = wreg(uc, UC_X86_REG_CR0, cr0)) ||
	    (r = wreg(uc, UC_X86_REG_CR3, PRIV_ROOT)) ||   /* CR3 write = TLB flush */
	    (r = wreg(uc, UC_X86_REG_EFLAGS, RFLAGS_FIXED | (st->ac && !user ? RFLAGS_AC : 0))) ||
	    (r = wreg(uc, UC_X86_REG_RBX, va)) ||
	    (r = wreg(uc, UC_X86_REG_RAX, st->pkru)) ||
	    (r = wreg(uc, UC_X86_REG_RCX, 0)) || (r = wreg(uc, UC_X86_REG_RDX, 0)) ||
	    (r = wreg(uc, UC_X86_REG_R11, RFLAGS_FIXED)) ||
	    (r = wreg(uc, UC_X86_REG_R12, ubase + off)) ||
	    (r = wreg(uc, UC_X86_REG_R14, cont)))
		goto out;
	uint64_t begin = st->pke ? kbase + OFF_PKRU : cont;

	uc_err e = uc_emu_start(uc, begin, kbase + OFF_UNTIL, 0, 0);

	r = -EIO;
	if (getenv("UCX_DEBUG")) {
		uint64_t rip = 0; uc_reg_read(uc, UC_X86_REG_RIP, &rip);
		fprintf(stderr, "dbg: e=%d(%s) intr=%d intno=%u unmapped=%lu cb_err=%d final=%d rip=%llx begin=%llx\n", e, uc_strerror(e), x->got_intr, x->intno, x->nunmapped, x->cb_err, x->final_seen, (unsigned long long)rip, (unsigned long long)begin);
	}
	if (x->cb_err) {
		r = x->cb_err;
		goto out;
	}
	if (!x->got_intr || (e != UC_ERR_OK && e != UC_ERR_EXCEPTION))
		goto out;
	switch (x->intno) {
	case EXC_BP:
		if (!x->final_seen)
			goto out;
		out->pa = x->final_pa;
		break;
	case EXC_PF:
	case EXC_GP:
		if (x->final_seen)
			goto out;
		out->fault = true;
		out->gp = x->intno == EXC_GP;
		if (out->gp) {
			/* a #GP can come only from the queried address */
			out->nwalk = 0;
		} else {
			uint64_t cr2 = 0;
			if (uc_reg_read(uc, UC_X86_REG_CR2, &cr2) || cr2 != va)
				goto out; /* the fault was not on the queried address */
			out->cr2 = cr2;
		}
		if (x->errcode_off >= 0) {
			if (uc_context_save(uc, x->scratch))
				goto out;
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
