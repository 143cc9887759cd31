/* SPDX-License-Identifier: MIT */
/*
 * Internal view of the simulated RAM, for the layers above that need the hot
 * path: 8-byte entry reads and writes in a few loads.
 *
 * Layout: RAM is cut into 2 MiB chunks.  A directory indexed by PA >> 30
 * points at leaf arrays of 512 chunk slots.  A slot holds the host address
 * of the chunk's bytes: a private mapping once written, else the shared
 * read-only zero chunk, so untouched RAM reads as zeros without a branch.
 * Slot 0 means "not RAM"; bit 0 marks a chunk that is only partly RAM and
 * sends accesses to the slow path, which checks the ranges.
 */
#ifndef PTK_PHYS_STORE_H
#define PTK_PHYS_STORE_H

#include <string.h>
#include <ptkit/phys.h>

#define PTK_CHUNK_SHIFT 21
#define PTK_CHUNK_SIZE  (1ull << PTK_CHUNK_SHIFT)
#define PTK_DIR_SHIFT   30
#define PTK_LEAF_SLOTS  (1u << (PTK_DIR_SHIFT - PTK_CHUNK_SHIFT))
#define PTK_SLOT_PARTIAL ((uintptr_t)1)

struct ptk_phys {
	unsigned pa_bits;
	size_t nr_ranges;
	struct ptk_phys_range *ranges;	/* sorted by base */
	uint64_t ram_bytes;
	uint64_t nr_dir;
	uintptr_t **dir;
	uint8_t *zero_chunk;
	uint64_t backed_chunks;
};

static inline uintptr_t phys_slot(const struct ptk_phys *ph, uint64_t pa)
{
	uint64_t d = pa >> PTK_DIR_SHIFT;
	const uintptr_t *leaf;

	if (__builtin_expect(d >= ph->nr_dir, 0))
		return 0;
	leaf = ph->dir[d];
	if (__builtin_expect(!leaf, 0))
		return 0;
	return leaf[(pa >> PTK_CHUNK_SHIFT) & (PTK_LEAF_SLOTS - 1)];
}

int phys_read64_slow(const struct ptk_phys *ph, uint64_t pa, uint64_t *val);
int phys_write64_slow(struct ptk_phys *ph, uint64_t pa, uint64_t val);

/* Naturally aligned 8-byte read: the walker's entry fetch. */
static inline int phys_read64(const struct ptk_phys *ph, uint64_t pa, uint64_t *val)
{
	uintptr_t s = phys_slot(ph, pa);

	if (__builtin_expect(!s || (s & PTK_SLOT_PARTIAL) || (pa & 7), 0))
		return phys_read64_slow(ph, pa, val);
	memcpy(val, (const uint8_t *)s + (pa & (PTK_CHUNK_SIZE - 1)), 8);
	return 0;
}

static inline int phys_write64(struct ptk_phys *ph, uint64_t pa, uint64_t val)
{
	uintptr_t s = phys_slot(ph, pa);

	if (__builtin_expect(!s || (s & PTK_SLOT_PARTIAL) || (pa & 7) ||
			     (uint8_t *)s == ph->zero_chunk, 0))
		return phys_write64_slow(ph, pa, val);
	memcpy((uint8_t *)s + (pa & (PTK_CHUNK_SIZE - 1)), &val, 8);
	return 0;
}

/* Host address of len bytes at pa, which must be RAM inside one 2 MiB chunk
 * (a page-table page of any granule is): for writing (backing the chunk
 * first) or for reading (may be the shared zero chunk).  NULL otherwise. */
uint8_t *phys_bytes_for_write(struct ptk_phys *ph, uint64_t pa, uint64_t len);
const uint8_t *phys_bytes_for_read(const struct ptk_phys *ph, uint64_t pa, uint64_t len);

#endif
