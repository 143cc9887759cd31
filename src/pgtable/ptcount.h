/* SPDX-License-Identifier: MIT */
/*
 * Live-entry counts per table page: the engine notices an empty table in
 * O(1) and frees it, and the count of table pages falls out (pgtables_bytes).
 * An open-addressing hash keyed by the table's page frame number.
 */
#ifndef PTK_PGTABLE_PTCOUNT_H
#define PTK_PGTABLE_PTCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ptcount_slot {
	uint64_t pfn_plus1;	/* 0 = empty */
	uint32_t live;
};

struct ptcount {
	struct ptcount_slot *slots;
	size_t cap;		/* power of two */
	size_t used;		/* tables registered */
	size_t tombs;
};

void ptcount_init(struct ptcount *c);
void ptcount_release(struct ptcount *c);
int ptcount_insert(struct ptcount *c, uint64_t table_pa);
void ptcount_remove(struct ptcount *c, uint64_t table_pa);
/* The live count of a table, or NULL if it is not one of the tree's. */
uint32_t *ptcount_find(const struct ptcount *c, uint64_t table_pa);
/* Reserve room for n more tables so that inserts cannot fail. */
int ptcount_reserve(struct ptcount *c, size_t n);

#endif
