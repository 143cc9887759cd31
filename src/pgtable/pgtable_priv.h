/* SPDX-License-Identifier: MIT */
/* The page-table engine's internals, shared by its files. */
#ifndef PTK_PGTABLE_PRIV_H
#define PTK_PGTABLE_PRIV_H

#include <ptkit/pgtable.h>
#include "phys/machine_priv.h"
#include "pgtable/ptcount.h"

struct ptk_pgtable {
	struct ptk_machine *m;
	const struct ptk_format *f;
	char name[32];
	uint64_t root[PTK_MAX_ROOTS];
	unsigned nroots;
	bool owned;			/* false for trees attached from an image */
	struct ptcount counts;		/* live entries per table page */
	ptk_tlb_flush_fn flush;
	void *flush_ctx;
	uint64_t nr_flushes;
	struct ptk_pgtable *next;
};

static inline unsigned entry_bytes(const struct ptk_format *f)
{
	return 1u << f->entry_shift;
}

static inline uint64_t table_bytes(const struct ptk_format *f)
{
	return 1ull << f->table_shift;
}

/* Tables of 16K and 64K granules take 2^order 4 KiB frames. */
static inline unsigned table_order(const struct ptk_format *f)
{
	return f->table_shift > PTK_PAGE_SHIFT ? f->table_shift - PTK_PAGE_SHIFT : 0;
}

static inline uint8_t *table_for_write(const struct ptk_pgtable *pt, uint64_t table_pa)
{
	return phys_bytes_for_write(pt->m->phys, table_pa, table_bytes(pt->f));
}

static inline const uint8_t *table_for_read(const struct ptk_pgtable *pt, uint64_t table_pa)
{
	return phys_bytes_for_read(pt->m->phys, table_pa, table_bytes(pt->f));
}

static inline uint64_t entry_pa(const struct ptk_format *f, uint64_t table_pa,
				unsigned lvl, uint64_t va)
{
	return table_pa + ((uint64_t)ptk_level_index(f, lvl, va) << f->entry_shift);
}

/* Entries are little-endian in simulated RAM, 4 or 8 bytes wide. */
static inline uint64_t table_get(const struct ptk_format *f, const uint8_t *t, unsigned i)
{
	uint64_t v;
	uint32_t w;

	if (f->entry_shift == 3) {
		memcpy(&v, t + ((size_t)i << 3), sizeof(v));
		return v;
	}
	memcpy(&w, t + ((size_t)i << 2), sizeof(w));
	return w;
}

static inline void table_put(const struct ptk_format *f, uint8_t *t, unsigned i, uint64_t v)
{
	uint32_t w = (uint32_t)v;

	if (f->entry_shift == 3)
		memcpy(t + ((size_t)i << 3), &v, sizeof(v));
	else
		memcpy(t + ((size_t)i << 2), &w, sizeof(w));
}

/* End of the entry at lvl that contains va, clamped to end (exclusive). */
static inline uint64_t level_next(const struct ptk_format *f, unsigned lvl, uint64_t va,
				  uint64_t end)
{
	uint64_t next = (va | (ptk_level_size(f, lvl) - 1)) + 1;

	return (next - 1 < end - 1) ? next : end;
}

static inline void pgtable_flush(struct ptk_pgtable *pt, uint64_t va, uint64_t size)
{
	pt->nr_flushes++;
	if (pt->flush)
		pt->flush(pt->flush_ctx, va, size);
}

/* Allocate and zero one table page, registering it with the tree. */
int pgtable_alloc_table(struct ptk_pgtable *pt, uint64_t *pa);
void pgtable_free_table(struct ptk_pgtable *pt, uint64_t pa);
/* Which root and VA range checks shared by the range operations. */
int pgtable_check_range(struct ptk_pgtable *pt, uint64_t va, uint64_t size, unsigned *root);

#endif
