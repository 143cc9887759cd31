/* SPDX-License-Identifier: MIT */
/*
 * Simulated physical memory.  RAM ranges anywhere in a 52-bit physical
 * space, backed lazily: untouched RAM reads as zeros and costs nothing, so a
 * machine with a terabyte of RAM is created in microseconds.
 */
#ifndef PTKIT_PHYS_H
#define PTKIT_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTK_PAGE_SHIFT 12
#define PTK_PAGE_SIZE  (1ull << PTK_PAGE_SHIFT)
#define PTK_PHYS_MAX_BITS 52

struct ptk_phys;
struct ptk_error;

struct ptk_phys_range {
	uint64_t base, size;
};

/* Ranges must be page-aligned, non-empty, non-overlapping and below 2^pa_bits. */
int ptk_phys_create(struct ptk_phys **out, unsigned pa_bits,
		    const struct ptk_phys_range *ram, size_t nr_ram,
		    struct ptk_error *err);
void ptk_phys_destroy(struct ptk_phys *ph);

unsigned ptk_phys_pa_bits(const struct ptk_phys *ph);
size_t ptk_phys_nr_ranges(const struct ptk_phys *ph);
struct ptk_phys_range ptk_phys_range_at(const struct ptk_phys *ph, size_t i);
uint64_t ptk_phys_ram_bytes(const struct ptk_phys *ph);
/* Host memory committed to back written RAM (chunk granularity). */
uint64_t ptk_phys_backed_bytes(const struct ptk_phys *ph);

bool ptk_phys_is_ram(const struct ptk_phys *ph, uint64_t pa, uint64_t len);

/* Any size, across page boundaries.  -EFAULT if any byte is not RAM,
 * -ENOMEM if the host cannot back a write.  Nothing is written on error. */
int ptk_phys_read(const struct ptk_phys *ph, uint64_t pa, void *buf, size_t len);
int ptk_phys_write(struct ptk_phys *ph, uint64_t pa, const void *buf, size_t len);
/* Zero a range; untouched memory stays untouched. */
int ptk_phys_zero(struct ptk_phys *ph, uint64_t pa, uint64_t len);

/* Visit, in address order, the parts of RAM that have ever been written
 * (the rest reads as zeros).  Stops at the first non-zero return. */
typedef int (*ptk_phys_backed_fn)(void *ctx, uint64_t pa, const void *host, size_t len);
int ptk_phys_for_each_backed(const struct ptk_phys *ph, ptk_phys_backed_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
