/* SPDX-License-Identifier: MIT */
/* Shared by the /proc views and their parser. */
#ifndef PTK_VIEWS_PROC_PRIV_H
#define PTK_VIEWS_PROC_PRIV_H

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <ptkit/phys.h>

static inline unsigned long long ull(uint64_t v) { return (unsigned long long)v; }

static inline int proc_stream_status(FILE *out)
{
	return ferror(out) ? -EIO : 0;
}

/* pages to kB, as the kernel's K() / show_val_kb() shift by PAGE_SHIFT - 10 */
static inline uint64_t pages_to_kb(uint64_t pages) { return pages << (PTK_PAGE_SHIFT - 10); }

#endif
