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

/* Append to buf as snprintf would at offset n; returns the new length. */
__attribute__((format(printf, 4, 5)))
int format_cat(char *buf, size_t len, int n, const char *fmt, ...);

/* A row of a Linux ptdump's prot_bits[]: set when (val & mask) == v. */
struct prot_bits {
	uint64_t mask, val;
	const char *set, *clear;
};

/* dump_prot(): " %s" of each row's set or clear string, when there is one. */
int format_dump_prot(char *buf, size_t len, int n, uint64_t prot, const struct prot_bits *bits,
		     size_t nbits);

#endif
