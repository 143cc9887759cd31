/* SPDX-License-Identifier: MIT */
/*
 * memblock: the boot-time physical memory manager of Linux (mm/memblock.c,
 * as of 6.1) as a user-space object.  Two sorted arrays of disjoint regions,
 * "memory" (what exists) and "reserved" (what is taken); free memory is
 * memory minus reserved.  Allocation carves from free memory, top-down by
 * default, and records the result in reserved.
 *
 * Every call that can fail returns 0 or a negative errno and leaves the
 * memblock unchanged; the message is in ptk_memblock_error().  Nothing here
 * prints unless handed a FILE.
 */
#ifndef PTKIT_MEMBLOCK_H
#define PTKIT_MEMBLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_memblock;
struct ptk_error;

/* Region flags, as enum memblock_flags. */
#define PTK_MEMBLOCK_NONE		0x0u	/* no special request */
#define PTK_MEMBLOCK_HOTPLUG		0x1u	/* hotpluggable region */
#define PTK_MEMBLOCK_MIRROR		0x2u	/* mirrored region */
#define PTK_MEMBLOCK_NOMAP		0x4u	/* not in the direct map: never free */
#define PTK_MEMBLOCK_DRIVER_MANAGED	0x8u	/* added by a driver: never free */

/* The node of regions added without one (MAX_NUMNODES in the kernel). */
#define PTK_MEMBLOCK_NO_NODE		64

/* Orders handed out by ptk_memblock_free_all() are 0..MAX_ORDER-1. */
#define PTK_MEMBLOCK_MAX_ORDER		11

/* Allocation end limits, as MEMBLOCK_ALLOC_ACCESSIBLE / _ANYWHERE. */
#define PTK_MEMBLOCK_ALLOC_ACCESSIBLE	0ull		/* up to the current limit */
#define PTK_MEMBLOCK_ALLOC_ANYWHERE	(~0ull)		/* no limit at all */

enum ptk_memblock_type {
	PTK_MEMBLOCK_MEMORY,
	PTK_MEMBLOCK_RESERVED,
};

struct ptk_memblock_region {
	uint64_t base, size;
	unsigned int flags;
	int nid;
};

int ptk_memblock_create(struct ptk_memblock **out, struct ptk_error *err);
void ptk_memblock_destroy(struct ptk_memblock *mb);
struct ptk_error *ptk_memblock_error(struct ptk_memblock *mb);

/* Sizes are capped so that base + size does not wrap; size 0 does nothing. */
int ptk_memblock_add(struct ptk_memblock *mb, uint64_t base, uint64_t size);
int ptk_memblock_add_node(struct ptk_memblock *mb, uint64_t base, uint64_t size,
			  int nid, unsigned int flags);
int ptk_memblock_remove(struct ptk_memblock *mb, uint64_t base, uint64_t size);
int ptk_memblock_reserve(struct ptk_memblock *mb, uint64_t base, uint64_t size);
/* memblock_phys_free(): give back (part of) a reservation. */
int ptk_memblock_free(struct ptk_memblock *mb, uint64_t base, uint64_t size);
/* memblock_mark_nomap() / memblock_clear_nomap() on memory. */
int ptk_memblock_mark_nomap(struct ptk_memblock *mb, uint64_t base, uint64_t size);
int ptk_memblock_clear_nomap(struct ptk_memblock *mb, uint64_t base, uint64_t size);

void ptk_memblock_set_bottom_up(struct ptk_memblock *mb, bool enable);
bool ptk_memblock_bottom_up(const struct ptk_memblock *mb);
/* Highest address + 1 that PTK_MEMBLOCK_ALLOC_ACCESSIBLE may use. */
void ptk_memblock_set_current_limit(struct ptk_memblock *mb, uint64_t limit);
uint64_t ptk_memblock_get_current_limit(const struct ptk_memblock *mb);

/*
 * Reserve size bytes aligned to align (a power of two) inside [start, end)
 * and return the base in *pa.  As in the kernel, the first page is never
 * handed out.  -ENOMEM when nothing fits, -EINVAL for a bad size or align.
 */
int ptk_memblock_phys_alloc_range(struct ptk_memblock *mb, uint64_t size, uint64_t align,
				  uint64_t start, uint64_t end, uint64_t *pa);
int ptk_memblock_phys_alloc(struct ptk_memblock *mb, uint64_t size, uint64_t align,
			    uint64_t *pa);

/* Free ranges (memory minus reserved, NOMAP skipped), [start, end). */
struct ptk_memblock_iter {
	const struct ptk_memblock *mb;
	long idx_a, idx_b;	/* next memory region, next reserved gap */
	bool reverse;
};

void ptk_memblock_free_iter_init(struct ptk_memblock_iter *it,
				 const struct ptk_memblock *mb, bool reverse);
bool ptk_memblock_free_iter_next(struct ptk_memblock_iter *it,
				 uint64_t *start, uint64_t *end);

/* Calls fn for each free range, stopping at (and returning) a non-zero return. */
typedef int (*ptk_memblock_range_fn)(void *ctx, uint64_t start, uint64_t end);
int ptk_memblock_for_each_free_range(const struct ptk_memblock *mb, bool reverse,
				     ptk_memblock_range_fn fn, void *ctx);

/*
 * memblock_free_all(): hand every free page to cb as naturally aligned
 * blocks of order up to PTK_MEMBLOCK_MAX_ORDER - 1.  The regions are left
 * as they are.  Returns the number of pages handed out.
 */
typedef void (*ptk_memblock_pages_fn)(void *ctx, uint64_t pfn, unsigned int order);
uint64_t ptk_memblock_free_all(const struct ptk_memblock *mb, ptk_memblock_pages_fn cb,
			       void *ctx);

uint64_t ptk_memblock_phys_mem_size(const struct ptk_memblock *mb);
uint64_t ptk_memblock_reserved_size(const struct ptk_memblock *mb);
/* First and last+1 address of memory; 0 when there is none. */
uint64_t ptk_memblock_start_of_DRAM(const struct ptk_memblock *mb);
uint64_t ptk_memblock_end_of_DRAM(const struct ptk_memblock *mb);

/* The regions of a type, in address order; i must be below the count. */
size_t ptk_memblock_count(const struct ptk_memblock *mb, enum ptk_memblock_type type);
struct ptk_memblock_region ptk_memblock_region_at(const struct ptk_memblock *mb,
						  enum ptk_memblock_type type, size_t i);

/* __memblock_dump_all() with memblock=debug, CONFIG_NUMA form. */
void ptk_memblock_dump(const struct ptk_memblock *mb, FILE *out);

/* Testing: make the nth host allocation from now fail (1 = the next one);
 * 0 turns it off. */
void ptk_memblock_fail_nth_alloc(struct ptk_memblock *mb, unsigned int n);

#ifdef __cplusplus
}
#endif
#endif
