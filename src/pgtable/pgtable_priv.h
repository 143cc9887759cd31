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

static inline uint64_t table_bytes(const struct ptk_format *f, unsigned lvl)
{
	return ptk_table_bytes(f, lvl);
}

/* Tables of 16K and 64K granules, and ARM's 16 KiB first-level table,
 * take 2^order 4 KiB frames. */
static inline unsigned table_order(const struct ptk_format *f, unsigned lvl)
{
	uint64_t bytes = ptk_table_alloc_bytes(f, lvl);
	unsigned order = 0;

	while ((PTK_PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* The allocation a table of this level belongs to. */
static inline uint64_t table_alloc_base(const struct ptk_format *f, unsigned lvl, uint64_t pa)
{
	return pa & ~(ptk_table_alloc_bytes(f, lvl) - 1);
}

/* How many parent entries share one allocation of tables of this level. */
static inline unsigned table_share(const struct ptk_format *f, unsigned lvl)
{
	return 1u << f->level[lvl].share_shift;
}

/* The bytes of a table, with the hardware's copies above them. */
static inline uint64_t table_span(const struct ptk_format *f, unsigned lvl)
{
	return table_bytes(f, lvl) + f->level[lvl].hw_off;
}

static inline uint8_t *table_for_write(const struct ptk_pgtable *pt, unsigned lvl,
				       uint64_t table_pa)
{
	return phys_bytes_for_write(pt->m->phys, table_pa, table_span(pt->f, lvl));
}

static inline const uint8_t *table_for_read(const struct ptk_pgtable *pt, unsigned lvl,
					    uint64_t table_pa)
{
	return phys_bytes_for_read(pt->m->phys, table_pa, table_span(pt->f, lvl));
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

static inline void table_store(const struct ptk_format *f, uint8_t *t, unsigned i, uint64_t v)
{
	uint32_t w = (uint32_t)v;

	if (f->entry_shift == 3)
		memcpy(t + ((size_t)i << 3), &v, sizeof(v));
	else
		memcpy(t + ((size_t)i << 2), &w, sizeof(w));
}

/* Write entry i of a table of level lvl, and the hardware's copy of it
 * where the level keeps one (t maps table_span() bytes). */
static inline void table_put(const struct ptk_format *f, unsigned lvl, uint8_t *t, unsigned i,
			     uint64_t v)
{
	table_store(f, t, i, v);
	if (f->level[lvl].hw_off)
		table_store(f, t + f->level[lvl].hw_off, i, f->ops->hw_entry(f, lvl, v));
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

/* Allocate and zero the memory of a table of level lvl (with the tables
 * that share it), registering it with the tree; free it by any table in it. */
int pgtable_alloc_table(struct ptk_pgtable *pt, unsigned lvl, uint64_t *pa);
void pgtable_free_table(struct ptk_pgtable *pt, unsigned lvl, uint64_t pa);
/* The table of parent entry idx in the allocation at base, which serves
 * table_share() consecutive parent entries. */
static inline uint64_t table_in_alloc(const struct ptk_format *f, unsigned lvl, uint64_t base,
				      unsigned idx)
{
	return base + (uint64_t)(idx & (table_share(f, lvl) - 1)) * table_bytes(f, lvl);
}
/* Which root and VA range checks shared by the range operations. */
int pgtable_check_range(struct ptk_pgtable *pt, uint64_t va, uint64_t size, unsigned *root);

#endif
