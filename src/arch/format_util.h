/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the format files. */
#ifndef PTK_ARCH_FORMAT_UTIL_H
#define PTK_ARCH_FORMAT_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct bitname {
	uint64_t mask;		/* 0: skip this row */
	const char *name;
};

/* "P RW US A" for the rows whose bits are all set in val. */
int format_bitnames(char *buf, size_t len, uint64_t val, const struct bitname *rows,
		    size_t nrows);

#endif
