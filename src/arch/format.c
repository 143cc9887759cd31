// SPDX-License-Identifier: MIT
/* The table of known formats and the names shared by all of them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ptkit/arch.h>
#include <ptkit/error.h>
#include "arch/format_util.h"

static const struct ptk_format *const formats[] = {
	&ptk_format_x86_64_4level,
	&ptk_format_x86_64_5level,
};

const struct ptk_format *ptk_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

int ptk_a64_build(const char *name, struct ptk_format *out, struct ptk_error *err);
int ptk_arm32_lpae_build(const char *name, struct ptk_format *out, struct ptk_error *err);
int ptk_arm32_short_build(const char *name, struct ptk_format *out, struct ptk_error *err);

/* Families built from parameters in their names, tried in order. */
static const struct format_family {
	const char *prefix;
	int (*build)(const char *name, struct ptk_format *out, struct ptk_error *err);
} families[] = {
	{ "aarch64-", ptk_a64_build },
	{ "arm32-lpae", ptk_arm32_lpae_build },
	{ "arm32", ptk_arm32_short_build },	/* after arm32-lpae: a prefix of it */
	{ NULL, NULL },
};

int ptk_format_build(const char *name, struct ptk_format *out, struct ptk_error *err)
{
	const struct ptk_format *f = ptk_format_find(name);

	if (f) {
		*out = *f;
		return 0;
	}
	for (const struct format_family *fam = families; fam->prefix; fam++)
		if (!strncmp(name, fam->prefix, strlen(fam->prefix)))
			return fam->build(name, out, err);
	return ptk_err(err, -EINVAL, "unknown format '%s'", name);
}

const char *ptk_pglevel_name(enum ptk_pglevel l)
{
	static const char *const names[] = { "pgd", "p4d", "pud", "pmd", "pte" };

	return (unsigned)l < PTK_NR_PGLEVELS ? names[l] : "?";
}

const char *ptk_fault_name(enum ptk_fault_kind k)
{
	static const char *const names[PTK_NR_FAULT_KINDS] = {
		[PTK_FAULT_NONE] = "none",
		[PTK_FAULT_NOT_PRESENT] = "not present",
		[PTK_FAULT_RESERVED] = "reserved bit set",
		[PTK_FAULT_WRITE] = "write to read-only page",
		[PTK_FAULT_USER] = "user access to supervisor page",
		[PTK_FAULT_EXEC] = "fetch from no-execute page",
		[PTK_FAULT_SMEP] = "SMEP: supervisor fetch from user page",
		[PTK_FAULT_SMAP] = "SMAP/PAN: privileged access to user page",
		[PTK_FAULT_PKEY] = "protection key",
		[PTK_FAULT_NON_CANONICAL] = "non-canonical address",
		[PTK_FAULT_ADDRESS_SIZE] = "address size",
		[PTK_FAULT_ACCESS_FLAG] = "access flag",
		[PTK_FAULT_DOMAIN] = "domain",
		[PTK_FAULT_BUS] = "table outside RAM",
	};

	return (unsigned)k < PTK_NR_FAULT_KINDS ? names[k] : "?";
}

/* Stable identifiers for programs (JSON): never reworded. */
const char *ptk_fault_id(enum ptk_fault_kind k)
{
	static const char *const ids[PTK_NR_FAULT_KINDS] = {
		[PTK_FAULT_NONE] = "none",
		[PTK_FAULT_NOT_PRESENT] = "not_present",
		[PTK_FAULT_RESERVED] = "reserved",
		[PTK_FAULT_WRITE] = "write",
		[PTK_FAULT_USER] = "user",
		[PTK_FAULT_EXEC] = "exec",
		[PTK_FAULT_SMEP] = "smep",
		[PTK_FAULT_SMAP] = "smap",
		[PTK_FAULT_PKEY] = "pkey",
		[PTK_FAULT_NON_CANONICAL] = "non_canonical",
		[PTK_FAULT_ADDRESS_SIZE] = "address_size",
		[PTK_FAULT_ACCESS_FLAG] = "access_flag",
		[PTK_FAULT_DOMAIN] = "domain",
		[PTK_FAULT_BUS] = "bus",
	};

	return (unsigned)k < PTK_NR_FAULT_KINDS ? ids[k] : "unknown";
}

const struct ptk_format *ptk_format_at(size_t i)
{
	return i < sizeof(formats) / sizeof(formats[0]) ? formats[i] : NULL;
}

const char *ptk_access_name(enum ptk_access a)
{
	static const char *const names[] = { "read", "write", "exec" };

	return (unsigned)a < 3 ? names[a] : "?";
}

int format_bitnames(char *buf, size_t len, uint64_t val, const struct bitname *rows,
		    size_t nrows)
{
	int n = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < nrows; i++) {
		if (!rows[i].mask || (val & rows[i].mask) != rows[i].mask)
			continue;
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "%s%s", n ? " " : "",
			      rows[i].name);
	}
	return n;
}

int format_cat(char *buf, size_t len, int n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(buf + n, len > (size_t)n ? len - n : 0, fmt, ap);
	va_end(ap);
	return n;
}

int format_dump_prot(char *buf, size_t len, int n, uint64_t prot, const struct prot_bits *bits,
		     size_t nbits)
{
	for (size_t i = 0; i < nbits; i++) {
		const char *s = (prot & bits[i].mask) == bits[i].val ? bits[i].set : bits[i].clear;

		if (s)
			n = format_cat(buf, len, n, " %s", s);
	}
	return n;
}
