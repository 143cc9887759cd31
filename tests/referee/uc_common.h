/* SPDX-License-Identifier: MIT */
/*
 * Small helpers every unicorn referee shares: little-endian loads and
 * stores, bit fields, the page hash, and the glue to unicorn's C API.
 * Header-only (static inline), so each referee stays one translation unit.
 */
#ifndef UC_COMMON_H
#define UC_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unicorn/unicorn.h>

static inline uint64_t ld_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void st_le(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Bits hi..lo of v, as the Arm ARM writes them (v<hi:lo>). */
static inline uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((2ULL << (hi - lo)) - 1);
}

/* Open-addressing slot of a frame number in a power-of-two table. */
static inline size_t hslot(uint64_t pfn, size_t mask)
{
	return (size_t)((pfn * 0x9E3779B97F4A7C15ULL) >> 20) & mask;
}

/* uc_hook_add() takes callbacks as void *; convert without a (non-ISO)
 * function-to-object pointer cast. */
typedef void (*generic_fn)(void);
_Static_assert(sizeof(generic_fn) == sizeof(void *), "function pointers fit in void *");
static inline void *fn_ptr(generic_fn f)
{
	void *p;
	memcpy(&p, &f, sizeof p);
	return p;
}

static inline int uerr(uc_err e)
{
	switch (e) {
	case UC_ERR_OK: return 0;
	case UC_ERR_NOMEM: return -ENOMEM;
	case UC_ERR_ARG: return -EINVAL;
	default: return -EIO;
	}
}

#endif
