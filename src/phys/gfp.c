// SPDX-License-Identifier: MIT
/*
 * GFP flags of Linux 6.1: which zone and migratetype an allocation asks
 * for (include/linux/gfp.h: gfp_zone's GFP_ZONE_TABLE, gfp_migratetype),
 * and their names as %pGg prints them (include/trace/events/mmflags.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phys/buddy_priv.h"

static const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};

const char *ptk_migratetype_name(enum ptk_migratetype mt)
{
	return (unsigned int)mt < MIGRATE_TYPES ? migratetype_names[mt] : "?";
}

/* The zone of a kind, or Normal where the architecture has none
 * (OPT_ZONE_DMA, OPT_ZONE_DMA32, OPT_ZONE_HIGHMEM). */
static int opt_zone(const struct ptk_buddy *b, enum zone_kind k)
{
	return b->zone_of_kind[k] >= 0 ? b->zone_of_kind[k] : b->zone_of_kind[ZK_NORMAL];
}

/*
 * GFP_ZONE_TABLE's answer for the four zone bits, -EINVAL for the
 * combinations GFP_ZONE_BAD lists (two zone modifiers at once, or
 * __GFP_MOVABLE with __GFP_HIGHMEM and another).
 */
static int gfp_zone_slow(const struct ptk_buddy *b, uint32_t gfp)
{
	switch (gfp & GFP_ZONEMASK) {
	case 0:
	case PTK___GFP_MOVABLE:
		return b->zone_of_kind[ZK_NORMAL];
	case PTK___GFP_DMA:
	case PTK___GFP_DMA | PTK___GFP_MOVABLE:
		return opt_zone(b, ZK_DMA);
	case PTK___GFP_HIGHMEM:
		return opt_zone(b, ZK_HIGHMEM);
	case PTK___GFP_DMA32:
	case PTK___GFP_DMA32 | PTK___GFP_MOVABLE:
		return opt_zone(b, ZK_DMA32);
	case PTK___GFP_HIGHMEM | PTK___GFP_MOVABLE:
		return opt_zone(b, ZK_MOVABLE);
	default:
		return -EINVAL;
	}
}

/* The table of the architecture's zones, as the kernel builds it at
 * compile time. */
void gfp_zone_table_init(struct ptk_buddy *b)
{
	for (uint32_t bits = 0; bits <= GFP_ZONEMASK; bits++)
		b->gfp_zone_table[bits] = (int8_t)gfp_zone_slow(b, bits);
}

#define GFP_NOFS	(PTK___GFP_RECLAIM | PTK___GFP_IO)
#define GFP_NOIO	(PTK___GFP_RECLAIM)
#define GFP_TRANSHUGE_LIGHT \
	((PTK_GFP_HIGHUSER_MOVABLE | PTK___GFP_COMP | PTK___GFP_NOMEMALLOC | PTK___GFP_NOWARN) & \
	 ~PTK___GFP_RECLAIM)
#define GFP_TRANSHUGE	(GFP_TRANSHUGE_LIGHT | PTK___GFP_DIRECT_RECLAIM)

struct gfp_name {
	uint32_t mask;
	const char *name;
};

/* __def_gfpflag_names, in its order: composite names first. */
static const struct gfp_name gfp_names[] = {
	{ GFP_TRANSHUGE, "GFP_TRANSHUGE" },
	{ GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT" },
	{ PTK_GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ PTK_GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ PTK_GFP_USER, "GFP_USER" },
	{ PTK_GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT" },
	{ PTK_GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ PTK_GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ PTK_GFP_NOWAIT, "GFP_NOWAIT" },
	{ PTK_GFP_DMA, "GFP_DMA" },
	{ PTK___GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ PTK_GFP_DMA32, "GFP_DMA32" },
	{ PTK___GFP_HIGH, "__GFP_HIGH" },
	{ PTK___GFP_ATOMIC, "__GFP_ATOMIC" },
	{ PTK___GFP_IO, "__GFP_IO" },
	{ PTK___GFP_FS, "__GFP_FS" },
	{ PTK___GFP_NOWARN, "__GFP_NOWARN" },
	{ PTK___GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL" },
	{ PTK___GFP_NOFAIL, "__GFP_NOFAIL" },
	{ PTK___GFP_NORETRY, "__GFP_NORETRY" },
	{ PTK___GFP_COMP, "__GFP_COMP" },
	{ PTK___GFP_ZERO, "__GFP_ZERO" },
	{ PTK___GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ PTK___GFP_MEMALLOC, "__GFP_MEMALLOC" },
	{ PTK___GFP_HARDWALL, "__GFP_HARDWALL" },
	{ PTK___GFP_THISNODE, "__GFP_THISNODE" },
	{ PTK___GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },
	{ PTK___GFP_MOVABLE, "__GFP_MOVABLE" },
	{ PTK___GFP_ACCOUNT, "__GFP_ACCOUNT" },
	{ PTK___GFP_WRITE, "__GFP_WRITE" },
	{ PTK___GFP_RECLAIM, "__GFP_RECLAIM" },
	{ PTK___GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ PTK___GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
	{ PTK___GFP_ZEROTAGS, "__GFP_ZEROTAGS" },
};

#define NR_GFP_NAMES (sizeof(gfp_names) / sizeof(gfp_names[0]))

/* format_flags(): each name whose bits are all still set, then what is
 * left in hex. */
int ptk_gfp_format(uint32_t gfp, char *buf, size_t len)
{
	size_t used = 0;
	const char *sep = "";

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; gfp && i < NR_GFP_NAMES; i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		used += (size_t)snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
					 "%s%s", sep, gfp_names[i].name);
		gfp &= ~gfp_names[i].mask;
		sep = "|";
	}
	if (gfp)
		used += (size_t)snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
					 "%s%#x", sep, gfp);
	return (int)used;
}

static int parse_word(const char *w, size_t n, uint32_t *bits)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < NR_GFP_NAMES; i++) {
		if (strlen(gfp_names[i].name) == n && !strncmp(w, gfp_names[i].name, n)) {
			*bits = gfp_names[i].mask;
			return 0;
		}
	}
	if (n > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
		v = strtoul(w, &end, 16);
		if ((size_t)(end - w) == n && v <= UINT32_MAX) {
			*bits = (uint32_t)v;
			return 0;
		}
	}
	return -EINVAL;
}

int ptk_gfp_parse(const char *s, uint32_t *gfp, struct ptk_error *err)
{
	uint32_t acc = 0;

	if (!s || !*s)
		return ptk_err(err, -EINVAL, "empty GFP flags");
	for (;;) {
		const char *w, *e;
		uint32_t bits;

		while (isspace((unsigned char)*s))
			s++;
		w = s;
		while (*s && *s != '|' && !isspace((unsigned char)*s))
			s++;
		e = s;
		if (e == w || parse_word(w, (size_t)(e - w), &bits))
			return ptk_err(err, -EINVAL, "unknown GFP flag \"%.*s\"", (int)(e - w), w);
		acc |= bits;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (*s++ != '|')
			return ptk_err(err, -EINVAL, "expected '|' before \"%s\"", s - 1);
	}
	*gfp = acc;
	return 0;
}
