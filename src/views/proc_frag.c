// SPDX-License-Identifier: MIT
/*
 * /proc/buddyinfo and /proc/pagetypeinfo as mm/vmstat.c (Linux 6.1) prints
 * them: frag_show_print(), pagetypeinfo_showfree_print() and
 * pagetypeinfo_showblockcount_print(), over the populated zones only.
 */
#include <ptkit/procfs.h>
#include "views/proc_priv.h"

/* pagetypeinfo_showfree_print() stops counting a free list here, so that
 * reading the file never holds zone->lock for long. */
#define PAGETYPEINFO_FREE_CAP	100000u

int ptk_proc_buddyinfo(const struct ptk_proc_mem *s, FILE *out)
{
	for (unsigned int z = 0; z < s->nr_zones; z++) {
		const struct ptk_zone_info *zi = &s->zone[z];

		if (!zi->populated)
			continue;
		fprintf(out, "Node %u, zone %8s ", zi->nid, zi->name);
		for (unsigned int o = 0; o < PTK_MAX_ORDER; o++)
			fprintf(out, "%6llu ", ull(zi->nr_free[o]));
		fputc('\n', out);
	}
	return proc_stream_status(out);
}

static void showfree_zone(const struct ptk_zone_info *zi, FILE *out)
{
	for (unsigned int mt = 0; mt < PTK_MIGRATE_TYPES; mt++) {
		fprintf(out, "Node %4u, zone %8s, type %12s ", zi->nid, zi->name,
			ptk_migratetype_name((enum ptk_migratetype)mt));
		for (unsigned int o = 0; o < PTK_MAX_ORDER; o++) {
			uint64_t n = zi->nr_free_mt[o][mt];
			bool capped = n >= PAGETYPEINFO_FREE_CAP;

			fprintf(out, "%s%6llu ", capped ? ">" : "",
				ull(capped ? PAGETYPEINFO_FREE_CAP : n));
		}
		fputc('\n', out);
	}
}

static void showblockcount_zone(const struct ptk_zone_info *zi, FILE *out)
{
	fprintf(out, "Node %u, zone %8s ", zi->nid, zi->name);
	for (unsigned int mt = 0; mt < PTK_MIGRATE_TYPES; mt++)
		fprintf(out, "%12llu ", ull(zi->nr_blocks[mt]));
	fputc('\n', out);
}

int ptk_proc_pagetypeinfo(const struct ptk_proc_mem *s, FILE *out)
{
	fprintf(out, "Page block order: %u\n", s->st.pageblock_order);
	fprintf(out, "Pages per block:  %llu\n\n", 1ull << s->st.pageblock_order);

	fprintf(out, "%-43s ", "Free pages count per migrate type at order");
	for (unsigned int o = 0; o < PTK_MAX_ORDER; o++)
		fprintf(out, "%6u ", o);
	fputc('\n', out);
	for (unsigned int z = 0; z < s->nr_zones; z++)
		if (s->zone[z].populated)
			showfree_zone(&s->zone[z], out);

	fprintf(out, "\n%-23s", "Number of blocks type ");
	for (unsigned int mt = 0; mt < PTK_MIGRATE_TYPES; mt++)
		fprintf(out, "%12s ", ptk_migratetype_name((enum ptk_migratetype)mt));
	fputc('\n', out);
	for (unsigned int z = 0; z < s->nr_zones; z++)
		if (s->zone[z].populated)
			showblockcount_zone(&s->zone[z], out);
	return proc_stream_status(out);
}
