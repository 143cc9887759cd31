/* SPDX-License-Identifier: MIT */
/*
 * The referee self-tests build their page tables in a small pool of
 * zeroed pages of any size, keyed by physical address.  A full pool or a
 * failed allocation ends the self-test: it is a bug in the test.
 */
#ifndef SELFTEST_POOL_H
#define SELFTEST_POOL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXPG 64

struct pool {
	size_t n;
	uint64_t pa[MAXPG];
	size_t size[MAXPG];
	uint8_t *b[MAXPG];
};

static inline void pool_reset(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->b[i]);
	p->n = 0;
}

/* The page of 'size' bytes at 'pa' (created zeroed). */
static inline uint8_t *page(struct pool *p, uint64_t pa, size_t size)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->pa[i] == pa)
			return p->b[i];
	if (p->n == MAXPG) {
		fprintf(stderr, "pool full\n");
		exit(2);
	}
	p->pa[p->n] = pa;
	p->size[p->n] = size;
	if (!(p->b[p->n] = calloc(1, size))) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return p->b[p->n++];
}

/* The byte at pa in the pool, or NULL. */
static inline const uint8_t *pool_at(const struct pool *p, uint64_t pa)
{
	for (size_t i = 0; i < p->n; i++)
		if (pa >= p->pa[i] && pa - p->pa[i] < p->size[i])
			return p->b[i] + (pa - p->pa[i]);
	return NULL;
}

#endif
