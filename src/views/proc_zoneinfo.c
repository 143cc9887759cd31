// SPDX-License-Identifier: MIT
/*
 * /proc/zoneinfo as zoneinfo_show_print() in mm/vmstat.c (Linux 6.1) prints
 * it, for every zone, populated or not, because lowmem_reserve_ratio acts
 * on all of them.  The counters are the ones the model keeps: of the node
 * stats nr_page_table_pages, of the zone stats nr_free_pages; the NUMA
 * events are left out as on a kernel without CONFIG_NUMA.
 */
#include <ptkit/procfs.h>
#include "views/proc_priv.h"

/* The line format of every counter: "\n      %-12s %lu". */
static void print_stat(FILE *out, const char *name, uint64_t value)
{
	fprintf(out, "\n      %-12s %llu", name, ull(value));
}

static bool is_first_populated(const struct ptk_proc_mem *s, unsigned int z)
{
	for (unsigned int i = 0; i < s->nr_zones; i++)
		if (s->zone[i].populated)
			return i == z;
	return false;
}

static void print_watermarks(const struct ptk_zone_info *zi, FILE *out)
{
	fprintf(out, "\n  pages free     %llu", ull(zi->nr_free_pages));
	fprintf(out, "\n        boost    %llu", ull(zi->watermark_boost));
	fprintf(out, "\n        min      %llu", ull(zi->watermark[PTK_WMARK_MIN]));
	fprintf(out, "\n        low      %llu", ull(zi->watermark[PTK_WMARK_LOW]));
	fprintf(out, "\n        high     %llu", ull(zi->watermark[PTK_WMARK_HIGH]));
	fprintf(out, "\n        spanned  %llu", ull(zi->spanned_pages));
	fprintf(out, "\n        present  %llu", ull(zi->present_pages));
	fprintf(out, "\n        managed  %llu", ull(zi->managed_pages));
	fprintf(out, "\n        cma      %llu", 0ull);	/* no CONFIG_CMA */
	fprintf(out, "\n        protection: (%llu", ull(zi->lowmem_reserve[0]));
	for (unsigned int i = 1; i < zi->nr_zones; i++)
		fprintf(out, ", %llu", ull(zi->lowmem_reserve[i]));
	fputc(')', out);
}

static unsigned int fls64(uint64_t x)
{
	return x ? 64u - (unsigned int)__builtin_clzll(x) : 0;
}

/* calculate_normal_threshold() with one online CPU: the per-CPU counter
 * slack, growing with the zone's size in 128 MiB units. */
static unsigned int stat_threshold(const struct ptk_zone_info *zi)
{
	unsigned int t = 2 * fls64(1) * (1 + fls64(zi->managed_pages >> (27 - PTK_PAGE_SHIFT)));

	return t < 125 ? t : 125;
}

static void print_pagesets(const struct ptk_zone_info *zi, FILE *out)
{
	fprintf(out, "\n  pagesets");
	fprintf(out, "\n    cpu: %d", 0);
	fprintf(out, "\n              count: %llu", ull(zi->pcp_count));
	fprintf(out, "\n              high:  %llu", ull(zi->pcp_high));
	fprintf(out, "\n              batch: %llu", ull(zi->pcp_batch));
	fprintf(out, "\n  vm stats threshold: %u", stat_threshold(zi));
}

static void print_zone(const struct ptk_proc_mem *s, unsigned int z, FILE *out)
{
	const struct ptk_zone_info *zi = &s->zone[z];

	fprintf(out, "Node %u, zone %8s", zi->nid, zi->name);
	if (is_first_populated(s, z)) {
		fprintf(out, "\n  per-node stats");
		print_stat(out, "nr_page_table_pages", s->st.nr_page_table_pages);
	}
	print_watermarks(zi, out);
	if (!zi->populated) {
		fputc('\n', out);
		return;
	}
	print_stat(out, "nr_free_pages", zi->nr_free_pages);
	print_pagesets(zi, out);
	/* no reclaim is modelled, so kswapd never gives up on the node */
	fprintf(out, "\n  node_unreclaimable:  %u", 0u);
	fprintf(out, "\n  start_pfn:           %llu", ull(zi->zone_start_pfn));
	fputc('\n', out);
}

int ptk_proc_zoneinfo(const struct ptk_proc_mem *s, FILE *out)
{
	for (unsigned int z = 0; z < s->nr_zones; z++)
		print_zone(s, z, out);
	return proc_stream_status(out);
}
