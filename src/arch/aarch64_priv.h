/* SPDX-License-Identifier: MIT */
/* AArch64 formats: what the builder (aarch64_build.c) and the descriptor
 * rules (aarch64.c) share. */
#ifndef PTK_ARCH_AARCH64_PRIV_H
#define PTK_ARCH_AARCH64_PRIV_H

#include <ptkit/aarch64.h>
#include <ptkit/error.h>

/* One set of operations serves every granule and VA size: each reads the
 * configuration back from the geometry of the format it is given. */
extern const struct ptk_format_ops ptk_a64_ops;

/* The family builder of src/arch/format.c: "aarch64-<G>-<VA>[-lpa2|-lpa]". */
int ptk_a64_build(const char *name, struct ptk_format *out, struct ptk_error *err);

/* What the name selects. */
struct a64_config {
	unsigned granule;	/* 12, 14, 16 */
	unsigned va_bits;	/* 25..52 */
	bool ds;		/* TCR.DS = 1 (FEAT_LPA2), 4K/16K */
	bool lpa;		/* FEAT_LPA 52-bit output, 64K */
};

/* Is a block descriptor valid at architectural level al
 * (AArch64.BlockDescSupported)? */
static inline bool a64_block_ok(const struct a64_config *c, int al)
{
	switch (c->granule) {
	case 12: return al == 1 || al == 2 || (al == 0 && c->ds);
	case 14: return al == 2 || (al == 1 && c->ds);
	default: return al == 2 || (al == 1 && c->lpa);
	}
}

/* The configuration of a built format, from its geometry. */
static inline struct a64_config a64_config_of(const struct ptk_format *f)
{
	struct a64_config c = {
		.granule = f->table_shift, .va_bits = f->va_bits,
		.ds = f->max_pa_bits == 52 && f->table_shift != 16,
		.lpa = f->max_pa_bits == 52 && f->table_shift == 16,
	};

	return c;
}

#endif
