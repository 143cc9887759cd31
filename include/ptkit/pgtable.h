/* SPDX-License-Identifier: MIT */
/*
 * The architecture-neutral page-table engine.  A page-table tree lives in the
 * machine's simulated RAM as real bytes and is reached only through physical
 * addresses, as the kernel reaches its tables through the linear map.
 *
 * The kernel-named primitives follow include/linux/pgtable.h and mm/memory.c:
 * pgd_offset .. pte_offset to find an entry, p4d_alloc .. pte_alloc to
 * allocate a missing table and populate its parent, set_pte and friends to
 * write one.  Levels a format lacks are folded into their parent exactly as
 * asm-generic/pgtable-nop4d.h does: p4d_offset(pgdp) == pgdp.
 */
#ifndef PTKIT_PGTABLE_H
#define PTKIT_PGTABLE_H

#include <ptkit/machine.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_pgtable;

/* The kernel's pXd_t *: where an entry lives and at which hardware level. */
typedef struct {
	uint64_t pa;
	int level;		/* hardware level of the entry */
} ptk_ptep_t;

/* --- trees ------------------------------------------------------------- */

/* Allocate the root table(s) of a new, empty tree (pgd_alloc). */
int ptk_pgd_alloc(struct ptk_machine *m, const char *name, struct ptk_pgtable **out);
/* A tree whose roots already exist in RAM (a loaded image): not owned, never freed. */
int ptk_pgtable_attach(struct ptk_machine *m, const char *name, const uint64_t *roots,
		       unsigned nroots, struct ptk_pgtable **out);
/* Free every table page of the tree, then the tree (pgd_free + free_pgtables). */
void ptk_pgd_free(struct ptk_pgtable *pt);

struct ptk_pgtable *ptk_pgtable_find(struct ptk_machine *m, const char *name);
/* Trees of a machine, in creation order: first(m), then next(pt) until NULL. */
struct ptk_pgtable *ptk_pgtable_first(struct ptk_machine *m);
struct ptk_pgtable *ptk_pgtable_next(struct ptk_pgtable *pt);

struct ptk_machine *ptk_pgtable_machine(const struct ptk_pgtable *pt);
const char *ptk_pgtable_name(const struct ptk_pgtable *pt);
unsigned ptk_pgtable_nroots(const struct ptk_pgtable *pt);
uint64_t ptk_pgtable_root(const struct ptk_pgtable *pt, unsigned i);
/* Table pages in the tree, roots included (pgtables_bytes / PAGE_SIZE). */
uint64_t ptk_pgtable_nr_tables(const struct ptk_pgtable *pt);
/* Live entries of one table page, as the engine counts them. */
unsigned ptk_pgtable_live_entries(const struct ptk_pgtable *pt, uint64_t table_pa);

/* Break-before-make: called after a valid entry was made invalid and before
 * a different one is written.  The TLB model hooks here. */
typedef void (*ptk_tlb_flush_fn)(void *ctx, uint64_t va, uint64_t size);
void ptk_pgtable_set_tlb_flush(struct ptk_pgtable *pt, ptk_tlb_flush_fn fn, void *ctx);
uint64_t ptk_pgtable_nr_flushes(const struct ptk_pgtable *pt);

/* --- the kernel's primitives ------------------------------------------ */

ptk_ptep_t ptk_pgd_offset(const struct ptk_pgtable *pt, uint64_t va);
ptk_ptep_t ptk_p4d_offset(const struct ptk_pgtable *pt, ptk_ptep_t pgdp, uint64_t va);
ptk_ptep_t ptk_pud_offset(const struct ptk_pgtable *pt, ptk_ptep_t p4dp, uint64_t va);
ptk_ptep_t ptk_pmd_offset(const struct ptk_pgtable *pt, ptk_ptep_t pudp, uint64_t va);
ptk_ptep_t ptk_pte_offset(const struct ptk_pgtable *pt, ptk_ptep_t pmdp, uint64_t va);

int ptk_p4d_alloc(struct ptk_pgtable *pt, ptk_ptep_t pgdp, uint64_t va, ptk_ptep_t *p4dp);
int ptk_pud_alloc(struct ptk_pgtable *pt, ptk_ptep_t p4dp, uint64_t va, ptk_ptep_t *pudp);
int ptk_pmd_alloc(struct ptk_pgtable *pt, ptk_ptep_t pudp, uint64_t va, ptk_ptep_t *pmdp);
int ptk_pte_alloc(struct ptk_pgtable *pt, ptk_ptep_t pmdp, uint64_t va, ptk_ptep_t *ptep);

/* pXd_val(*pXdp) */
uint64_t ptk_entry_read(const struct ptk_pgtable *pt, ptk_ptep_t p);
/* set_pgd/set_p4d/set_pud/set_pmd/set_pte: write one entry, keeping the
 * table's live-entry count. */
int ptk_set_entry(struct ptk_pgtable *pt, ptk_ptep_t p, uint64_t val);
#define ptk_set_pgd ptk_set_entry
#define ptk_set_p4d ptk_set_entry
#define ptk_set_pud ptk_set_entry
#define ptk_set_pmd ptk_set_entry
#define ptk_set_pte ptk_set_entry

bool ptk_entry_none(const struct ptk_pgtable *pt, ptk_ptep_t p, uint64_t val);
/* pfn_pte()/mk_pte(): a last-level entry for a frame.  Until struct page
 * exists, mk_pte takes the page by its physical address. */
int ptk_pfn_to_pte(const struct ptk_format *f, uint64_t pfn, const struct ptk_prot *prot,
		   uint64_t *pte);
int ptk_mk_pte(const struct ptk_format *f, uint64_t page_pa, const struct ptk_prot *prot,
	       uint64_t *pte);
uint64_t ptk_pte_pfn(const struct ptk_format *f, uint64_t pte);

/* --- ranges -------------------------------------------------------------- */

/* Map [va, va+size) to [pa, pa+size).  page_size 0 chooses the largest page
 * that alignment allows at each step, as alloc_init_pud/alloc_init_pmd do;
 * otherwise every page is exactly that size.  The range must be unmapped.
 * All-or-nothing: on any error (-EINVAL, -EEXIST, -ENOMEM) the tree is as
 * it was. */
int ptk_map_range(struct ptk_pgtable *pt, uint64_t va, uint64_t pa, uint64_t size,
		  const struct ptk_prot *prot, uint64_t page_size);
/* Unmap, splitting huge pages the range cuts through and freeing table
 * pages that become empty.  Holes are allowed. */
int ptk_unmap_range(struct ptk_pgtable *pt, uint64_t va, uint64_t size);
/* Change protection; the whole range must be mapped.  Huge pages are split
 * only where the range cuts through them. */
int ptk_protect_range(struct ptk_pgtable *pt, uint64_t va, uint64_t size,
		      const struct ptk_prot *prot);

struct ptk_mapping {
	uint64_t va, pa, size;
	int level;		/* hardware level of the leaf */
	uint64_t entry_pa, entry;
	struct ptk_prot prot;
};
typedef int (*ptk_mapping_fn)(void *ctx, const struct ptk_mapping *map);
/* Walks over a whole tree stop with -ELOOP after this many entries: a
 * hostile image can point every entry at one table (4 TiB of 4K pages is
 * the most a legitimate tree reaches within it). */
#define PTK_WALK_MAX_VISITS (1ull << 30)
/* Visit leaf mappings overlapping [start, end] in VA order: one per leaf
 * entry, its VA span and the PA it maps to (each of the 16 entries of an
 * ARM supersection is 1 MiB of it). */
int ptk_for_each_mapping(const struct ptk_pgtable *pt, uint64_t start, uint64_t end,
			 ptk_mapping_fn fn, void *ctx);

/* vmemmap_populate(): map the struct page arrays of a SPARSEMEM_VMEMMAP
 * model into the tree's vmemmap region, PAGE_KERNEL, with the largest pages
 * alignment allows.  All-or-nothing; *bytes (may be NULL) is how much of
 * struct page was mapped.  -EINVAL for another memory model. */
struct ptk_mm_model;
int ptk_vmemmap_populate(struct ptk_pgtable *pt, const struct ptk_mm_model *mm,
			 uint64_t *bytes);

/* Parse "rwxu" (+ format memtype name, pkey) into a prot. */
int ptk_prot_parse(const struct ptk_format *f, const char *letters, struct ptk_prot *prot);
int ptk_prot_format(const struct ptk_format *f, const struct ptk_prot *prot, char *buf,
		    size_t len);

#ifdef __cplusplus
}
#endif
#endif
