// SPDX-License-Identifier: MIT
/* Live-entry counts per table page; see ptcount.h. */
#include <errno.h>
#include <stdlib.h>

#include "pgtable/ptcount.h"

#define TOMB UINT64_MAX

static size_t hash_pfn(uint64_t pfn, size_t cap)
{
	return (size_t)((pfn * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

void ptcount_init(struct ptcount *c)
{
	*c = (struct ptcount){ 0 };
}

void ptcount_release(struct ptcount *c)
{
	free(c->slots);
	ptcount_init(c);
}

static void place(struct ptcount_slot *slots, size_t cap, uint64_t key, uint32_t live)
{
	size_t i = hash_pfn(key, cap);

	while (slots[i].pfn_plus1)
		i = (i + 1) & (cap - 1);
	slots[i] = (struct ptcount_slot){ key, live };
}

static int rehash(struct ptcount *c, size_t cap)
{
	struct ptcount_slot *n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].pfn_plus1 && c->slots[i].pfn_plus1 != TOMB)
			place(n, cap, c->slots[i].pfn_plus1, c->slots[i].live);
	free(c->slots);
	c->slots = n;
	c->cap = cap;
	c->tombs = 0;
	return 0;
}

int ptcount_reserve(struct ptcount *c, size_t n)
{
	size_t need = c->used + c->tombs + n, cap = c->cap ? c->cap : 64;

	if (need * 4 < c->cap * 3)
		return 0;
	while (cap * 3 <= (c->used + n) * 4 + 3)
		cap *= 2;
	return rehash(c, cap);
}

uint32_t *ptcount_find(const struct ptcount *c, uint64_t table_pa)
{
	uint64_t key = (table_pa >> 12) + 1;

	if (!c->cap)
		return NULL;
	for (size_t i = hash_pfn(key, c->cap);; i = (i + 1) & (c->cap - 1)) {
		if (c->slots[i].pfn_plus1 == key)
			return &c->slots[i].live;
		if (!c->slots[i].pfn_plus1)
			return NULL;
	}
}

int ptcount_insert(struct ptcount *c, uint64_t table_pa)
{
	int rc = ptcount_reserve(c, 1);

	if (rc)
		return rc;
	place(c->slots, c->cap, (table_pa >> 12) + 1, 0);
	c->used++;
	return 0;
}

void ptcount_remove(struct ptcount *c, uint64_t table_pa)
{
	uint32_t *live = ptcount_find(c, table_pa);

	if (!live)
		return;
	((struct ptcount_slot *)((char *)live - offsetof(struct ptcount_slot, live)))->pfn_plus1 =
		TOMB;
	c->used--;
	c->tombs++;
}
