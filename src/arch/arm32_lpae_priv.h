/* SPDX-License-Identifier: MIT */
/* ARMv7-A long-descriptor formats: what the builder (arm32_lpae_build.c)
 * and the descriptor rules (arm32_lpae.c) share. */
#ifndef PTK_ARCH_ARM32_LPAE_PRIV_H
#define PTK_ARCH_ARM32_LPAE_PRIV_H

#include <ptkit/arm32.h>
#include <ptkit/error.h>

/* Linux's arm ptdump markers under the 3G/1G split (arch/arm/mm/dump.c);
 * the short-descriptor format shares them. */
extern const struct ptk_marker ptk_arm32_markers_3g[];

/* One set of operations for both splits. */
extern const struct ptk_format_ops ptk_lpae_ops;

/* The short-descriptor formats (arm32_short.c): "arm32", "arm32-n1".."-n7". */
extern const struct ptk_format_ops ptk_sd_ops;
int ptk_arm32_short_build(const char *name, struct ptk_format *out, struct ptk_error *err);

/* The family builder of src/arch/format.c: "arm32-lpae[-3g|-2g]". */
int ptk_arm32_lpae_build(const char *name, struct ptk_format *out, struct ptk_error *err);

/* Three levels: index 0 is L1 (1 GiB entries), 1 L2 (2 MiB), 2 L3 (4 KiB);
 * the architectural level of index i is i + 1. */
#define LPAE_LEVELS 3

static inline int lpae_level(unsigned lvl)
{
	return (int)lvl + 1;
}

static inline bool lpae_last(unsigned lvl)
{
	return lvl + 1 == LPAE_LEVELS;
}

#endif
