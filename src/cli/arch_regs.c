// SPDX-License-Identifier: MIT
/*
 * What the command line knows per architecture, in ONE place keyed by
 * fmt->arch: the 'machine' key that picks the format, and the control
 * registers of struct ptk_cpu (name, offset, width, bit names, and the bits
 * the format itself fixes).  Adding an architecture means adding a table
 * here; no other file of the CLI tests the architecture.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <ptkit/aarch64.h>
#include <ptkit/x86_64.h>
#include "cli/cli.h"

/* --- x86-64 -------------------------------------------------------------- */

#define LONG_MODE "the machine models IA-32e (long-mode) paging"

static const struct cli_bitname x86_cr0_bits[] = {
	{ PTK_X86_CR0_PE, "PE", LONG_MODE }, { PTK_X86_CR0_MP, "MP", NULL },
	{ PTK_X86_CR0_ET, "ET", NULL }, { PTK_X86_CR0_NE, "NE", NULL },
	{ PTK_X86_CR0_WP, "WP", NULL }, { PTK_X86_CR0_AM, "AM", NULL },
	{ PTK_X86_CR0_PG, "PG", LONG_MODE }, { 0, NULL, NULL },
};

static const struct cli_bitname x86_cr4_bits[] = {
	{ PTK_X86_CR4_PSE, "PSE", NULL }, { PTK_X86_CR4_PAE, "PAE", LONG_MODE },
	{ PTK_X86_CR4_PGE, "PGE", NULL }, { PTK_X86_CR4_OSFXSR, "OSFXSR", NULL },
	{ PTK_X86_CR4_OSXMMEXCPT, "OSXMMEXCPT", NULL }, { PTK_X86_CR4_UMIP, "UMIP", NULL },
	{ PTK_X86_CR4_LA57, "LA57", "paging= chooses 4- or 5-level paging" },
	{ PTK_X86_CR4_FSGSBASE, "FSGSBASE", NULL }, { PTK_X86_CR4_PCIDE, "PCIDE", NULL },
	{ PTK_X86_CR4_OSXSAVE, "OSXSAVE", NULL }, { PTK_X86_CR4_SMEP, "SMEP", NULL },
	{ PTK_X86_CR4_SMAP, "SMAP", NULL }, { PTK_X86_CR4_PKE, "PKE", NULL },
	{ 0, NULL, NULL },
};

static const struct cli_bitname x86_efer_bits[] = {
	{ PTK_X86_EFER_SCE, "SCE", NULL }, { PTK_X86_EFER_LME, "LME", LONG_MODE },
	{ PTK_X86_EFER_LMA, "LMA", LONG_MODE }, { PTK_X86_EFER_NXE, "NXE", NULL },
	{ 0, NULL, NULL },
};

#define X86_REG(field, kind, bits) { #field, offsetof(struct ptk_cpu, x86.field), kind, bits }

static const struct cli_reg x86_regs[] = {
	X86_REG(cr0, CLI_REG_U64, x86_cr0_bits),
	X86_REG(cr4, CLI_REG_U64, x86_cr4_bits),
	X86_REG(efer, CLI_REG_U64, x86_efer_bits),
	X86_REG(pkru, CLI_REG_U32, NULL),
	X86_REG(ac, CLI_REG_BOOL, NULL),
	{ NULL, 0, CLI_REG_U64, NULL },
};

static const char *const x86_keys[] = { "paging", NULL };

/* paging=4 (the default) or 5. */
static int x86_format_name(struct cli *c, const struct cli_args *a, char *name, size_t len)
{
	const char *paging = cli_key(a, "paging");

	if (!paging || !strcmp(paging, "4"))
		snprintf(name, len, "x86_64-4level");
	else if (!strcmp(paging, "5"))
		snprintf(name, len, "x86_64-5level");
	else
		return cli_error(c, "paging=%s: must be 4 or 5", paging);
	return 0;
}

/* --- AArch64 ------------------------------------------------------------- */

#define A64_GEOMETRY "granule= and va_bits= choose it (another format for another size)"
#define A64_FIELD(shift, width) (((1ull << (width)) - 1) << (shift))

static const struct cli_bitname a64_tcr_bits[] = {
	{ A64_FIELD(PTK_A64_TCR_T0SZ_SHIFT, 6), "T0SZ", A64_GEOMETRY },
	{ A64_FIELD(PTK_A64_TCR_TG0_SHIFT, 2), "TG0", A64_GEOMETRY },
	{ A64_FIELD(PTK_A64_TCR_T1SZ_SHIFT, 6), "T1SZ", A64_GEOMETRY },
	{ A64_FIELD(PTK_A64_TCR_TG1_SHIFT, 2), "TG1", A64_GEOMETRY },
	{ PTK_A64_TCR_DS, "DS", A64_GEOMETRY },
	{ PTK_A64_TCR_EPD0, "EPD0", NULL }, { PTK_A64_TCR_EPD1, "EPD1", NULL },
	{ PTK_A64_TCR_A1, "A1", NULL }, { PTK_A64_TCR_AS, "AS", NULL },
	{ PTK_A64_TCR_TBI0, "TBI0", NULL }, { PTK_A64_TCR_TBI1, "TBI1", NULL },
	{ PTK_A64_TCR_HA, "HA", NULL }, { PTK_A64_TCR_HD, "HD", NULL },
	{ PTK_A64_TCR_HPD0, "HPD0", NULL }, { PTK_A64_TCR_HPD1, "HPD1", NULL },
	{ PTK_A64_TCR_TBID0, "TBID0", NULL }, { PTK_A64_TCR_TBID1, "TBID1", NULL },
	{ PTK_A64_TCR_E0PD0, "E0PD0", NULL }, { PTK_A64_TCR_E0PD1, "E0PD1", NULL },
	{ 0, NULL, NULL },
};

static const struct cli_bitname a64_sctlr_bits[] = {
	{ PTK_A64_SCTLR_M, "M", "the machine models translation with the MMU on" },
	{ PTK_A64_SCTLR_C, "C", NULL }, { PTK_A64_SCTLR_I, "I", NULL },
	{ PTK_A64_SCTLR_WXN, "WXN", NULL }, { PTK_A64_SCTLR_SPAN, "SPAN", NULL },
	{ PTK_A64_SCTLR_EPAN, "EPAN", NULL }, { 0, NULL, NULL },
};

#define A64_REG(field, kind, bits) { #field, offsetof(struct ptk_cpu, arm64.field), kind, bits }

static const struct cli_reg a64_regs[] = {
	A64_REG(tcr, CLI_REG_U64, a64_tcr_bits),
	A64_REG(mair, CLI_REG_U64, NULL),
	A64_REG(sctlr, CLI_REG_U64, a64_sctlr_bits),
	A64_REG(pan, CLI_REG_BOOL, NULL),
	{ NULL, 0, CLI_REG_U64, NULL },
};

static const char *const a64_keys[] = { "granule", "va_bits", NULL };
static const char *const *a64_pgd_regs(const struct ptk_format *f)
{
	static const char *const regs[] = { "tcr", "mair", NULL };

	(void)f;
	return regs;
}

/* granule=4K|16K|64K (default 4K) va_bits=N (default 48): aarch64-4K-48.
 * The format builder judges the combination and names what is wrong. */
static int a64_format_name(struct cli *c, const struct cli_args *a, char *name, size_t len)
{
	const char *g = cli_key(a, "granule"), *v = cli_key(a, "va_bits");

	if (g && strcasecmp(g, "4K") && strcasecmp(g, "16K") && strcasecmp(g, "64K"))
		return cli_error(c, "granule=%s: must be 4K, 16K or 64K", g);
	if (v && (strspn(v, "0123456789") != strlen(v) || strlen(v) > 2))
		return cli_error(c, "va_bits=%s: must be a number of bits", v);
	snprintf(name, len, "aarch64-%c%s-%s", g ? (char)toupper((unsigned char)g[0]) : '4',
		 g ? g + 1 : "K", v ? v : "48");
	for (char *p = name; *p; p++)
		if (*p == 'k')
			*p = 'K';
	return 0;
}

/* --- ARMv7-A -------------------------------------------------------------- */

#define A32_REG(field, kind, bits) { #field, offsetof(struct ptk_cpu, arm32.field), kind, bits }

static const struct cli_reg a32_regs[] = {
	A32_REG(ttbcr, CLI_REG_U32, NULL),
	A32_REG(sctlr, CLI_REG_U32, NULL),
	A32_REG(dacr, CLI_REG_U32, NULL),
	A32_REG(prrr, CLI_REG_U32, NULL),
	A32_REG(nmrr, CLI_REG_U32, NULL),
	A32_REG(mair0, CLI_REG_U32, NULL),
	A32_REG(mair1, CLI_REG_U32, NULL),
	{ NULL, 0, CLI_REG_U64, NULL },
};

static const char *const a32_keys[] = { NULL };
/* Short descriptors take their memory types from TEX/C/B and their
 * access from DACR; LPAE from MAIR0/1. */
static const char *const *a32_pgd_regs(const struct ptk_format *f)
{
	static const char *const lpae[] = { "ttbcr", "mair0", "mair1", NULL };
	static const char *const short_desc[] = { "ttbcr", "dacr", NULL };

	return strncmp(f->name, "arm32-lpae", 10) ? short_desc : lpae;
}

/* 'machine arm32': the short-descriptor format with Linux's 2-level
 * tables (TTBCR.N = 0); 'machine arm32 lpae': the long-descriptor format
 * with Linux's 3G/1G split. */
static int a32_format_name(struct cli *c, const struct cli_args *a, char *name, size_t len)
{
	const char *v = a->npos > 1 ? a->pos[1].s : NULL;

	if (v && strcmp(v, "lpae"))
		return cli_error(c, "arm32 %s: the variant is 'lpae' (or none: short descriptors)", v);
	snprintf(name, len, v ? "arm32-lpae" : "arm32");
	return 0;
}

/* --- the table ----------------------------------------------------------- */

static const struct cli_arch arches[] = {
	{ "x86_64", "x86_64", x86_keys, "paging=4|5", x86_format_name, x86_regs, NULL, false,
	  ptk_memmap_x86_trim_bios_range },
	{ "arm64", "arm64", a64_keys, "granule=4K|16K|64K va_bits=N", a64_format_name, a64_regs,
	  a64_pgd_regs, false, NULL, true },
	{ "arm32", "arm32", a32_keys, "[lpae]", a32_format_name, a32_regs, a32_pgd_regs, true },
};

const struct cli_arch *cli_arch_at(size_t i)
{
	return i < sizeof(arches) / sizeof(arches[0]) ? &arches[i] : NULL;
}

const struct cli_arch *cli_arch_find(const char *arch)
{
	for (size_t i = 0; cli_arch_at(i); i++)
		if (!strcmp(arches[i].arch, arch))
			return &arches[i];
	return NULL;
}

const struct cli_arch *cli_arch_by_word(const char *word)
{
	for (size_t i = 0; cli_arch_at(i); i++)
		if (!strcmp(arches[i].word, word))
			return &arches[i];
	return NULL;
}

bool cli_arch_is_format_key(const struct cli_arch *ar, const char *key)
{
	for (const char *const *k = ar ? ar->format_keys : NULL; k && *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

const struct cli_reg *cli_reg_find(const struct cli_arch *ar, const char *name)
{
	for (const struct cli_reg *r = ar ? ar->regs : NULL; r && r->name; r++)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

/* --- register access and syntax ----------------------------------------------- */

uint64_t cli_reg_max(const struct cli_reg *r)
{
	return r->kind == CLI_REG_U64 ? UINT64_MAX : r->kind == CLI_REG_U32 ? UINT32_MAX : 1;
}

uint64_t cli_reg_get(const struct ptk_cpu *cpu, const struct cli_reg *r)
{
	const char *p = (const char *)cpu + r->offset;
	uint64_t v64;
	uint32_t v32;
	bool b;

	switch (r->kind) {
	case CLI_REG_U64: memcpy(&v64, p, sizeof(v64)); return v64;
	case CLI_REG_U32: memcpy(&v32, p, sizeof(v32)); return v32;
	default: memcpy(&b, p, sizeof(b)); return b;
	}
}

void cli_reg_set(struct ptk_cpu *cpu, const struct cli_reg *r, uint64_t v)
{
	char *p = (char *)cpu + r->offset;
	uint32_t v32 = (uint32_t)v;
	bool b = v != 0;

	switch (r->kind) {
	case CLI_REG_U64: memcpy(p, &v, sizeof(v)); break;
	case CLI_REG_U32: memcpy(p, &v32, sizeof(v32)); break;
	default: memcpy(p, &b, sizeof(b)); break;
	}
}

static const struct cli_bitname *bit_find(const struct cli_reg *r, const char *s, size_t n)
{
	for (const struct cli_bitname *b = r->bits; b && b->name; b++)
		if (strlen(b->name) == n && !strncasecmp(b->name, s, n))
			return b;
	return NULL;
}

/* "+SMEP,-SMAP": set or clear named bits of *v. */
static int parse_bit_edits(const struct cli_reg *r, const char *s, uint64_t *v,
			   const char **why)
{
	uint64_t nv = *v;

	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		const struct cli_bitname *b = n > 1 ? bit_find(r, s + 1, n - 1) : NULL;

		if ((s[0] != '+' && s[0] != '-') || !b) {
			*why = "is neither a number nor a list of +BIT/-BIT with known bit names";
			return -1;
		}
		nv = s[0] == '+' ? nv | b->mask : nv & ~b->mask;
		s += n + (comma ? 1 : 0);
		if (comma && !*s) {
			*why = "ends with ','";
			return -1;
		}
	}
	*v = nv;
	return 0;
}

int cli_reg_parse(const struct cli_reg *r, const char *s, uint64_t *v, const char **why)
{
	uint64_t n;

	if ((s[0] == '+' || s[0] == '-') && r->bits)
		return parse_bit_edits(r, s, v, why);
	if (parse_u64(s, &n, why))
		return -1;
	if (n > cli_reg_max(r)) {
		*why = r->kind == CLI_REG_BOOL ? "must be 0 or 1" : "is too wide for the register";
		return -1;
	}
	*v = n;
	return 0;
}

void cli_reg_decode(const struct cli_reg *r, uint64_t v, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (const struct cli_bitname *b = r->bits; b && b->name && n < len; b++)
		if ((v & b->mask) == b->mask)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", b->name);
}

/* The first bit the format fixes that v changes from the default, or NULL. */
static const struct cli_bitname *fixed_violation(const struct cli_reg *r, uint64_t v,
						 uint64_t def)
{
	for (const struct cli_bitname *b = r->bits; b && b->name; b++)
		if (b->fixed && ((v ^ def) & b->mask))
			return b;
	return NULL;
}

static int unknown_reg(struct cli *c, const struct ptk_format *f, const struct cli_arch *ar,
		       const char *key)
{
	char names[128] = "";
	size_t n = 0;

	for (const struct cli_reg *r = ar ? ar->regs : NULL; r && r->name && n < sizeof(names); r++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, " %s", r->name);
	return cli_error(c, "unknown key '%s' (%s registers:%s)", key, f->arch,
			 n ? names : " none");
}

int cli_apply_regs(struct cli *c, const struct ptk_format *f, const struct cli_kv *kv,
		   unsigned n, struct ptk_cpu *cpu)
{
	const struct cli_arch *ar = cli_arch_find(f->arch);
	struct ptk_cpu def = *cpu;

	f->ops->cpu_defaults(f, &def);
	for (unsigned i = 0; i < n; i++) {
		const struct cli_reg *r = cli_reg_find(ar, kv[i].key);
		const struct cli_bitname *bad;
		const char *why;
		uint64_t v;

		if (!r)
			return unknown_reg(c, f, ar, kv[i].key);
		v = cli_reg_get(cpu, r);
		if (cli_reg_parse(r, kv[i].val, &v, &why))
			return cli_error(c, "%s=%s: value %s", r->name, kv[i].val, why);
		bad = fixed_violation(r, v, cli_reg_get(&def, r));
		if (bad)
			return cli_error(c, "%s=%s: %s (bit %d) must be %d for %s: %s", r->name,
					 kv[i].val, bad->name, __builtin_ctzll(bad->mask),
					 (cli_reg_get(&def, r) & bad->mask) ? 1 : 0, f->name,
					 bad->fixed);
		cli_reg_set(cpu, r, v);
	}
	return 0;
}

void cli_print_arch_help(FILE *out)
{
	for (size_t i = 0; cli_arch_at(i); i++) {
		const struct cli_arch *ar = cli_arch_at(i);

		fprintf(out, "  %s %s; registers:", ar->word, ar->usage);
		for (const struct cli_reg *r = ar->regs; r->name; r++)
			fprintf(out, " %s", r->name);
		fputc('\n', out);
	}
}
