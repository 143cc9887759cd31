// SPDX-License-Identifier: MIT
/*
 * /proc/vmstat as vmstat_show() in mm/vmstat.c (Linux 6.1) prints it, in
 * vmstat_text order, with the counters the model maintains: the free and
 * page-table page counts, the per-zone allocation events and pgfree.
 */
#include <string.h>
#include <ptkit/procfs.h>
#include "views/proc_priv.h"

/* TEXTS_FOR_ZONES(): the event suffix of each zone type. */
static const struct { const char *zone, *suffix; } zone_event_suffix[] = {
	{ "DMA", "dma" }, { "DMA32", "dma32" }, { "Normal", "normal" },
	{ "HighMem", "high" }, { "Movable", "movable" }, { "Device", "device" },
};

static const char *event_suffix(const char *zone)
{
	for (size_t i = 0; i < sizeof(zone_event_suffix) / sizeof(zone_event_suffix[0]); i++)
		if (!strcmp(zone_event_suffix[i].zone, zone))
			return zone_event_suffix[i].suffix;
	return zone;
}

int ptk_proc_vmstat(const struct ptk_proc_mem *s, FILE *out)
{
	fprintf(out, "nr_free_pages %llu\n", ull(s->st.nr_free_pages));
	fprintf(out, "nr_page_table_pages %llu\n", ull(s->st.nr_page_table_pages));
	for (unsigned int z = 0; z < s->nr_zones; z++)
		fprintf(out, "pgalloc_%s %llu\n", event_suffix(s->zone[z].name),
			ull(s->zone[z].pgalloc));
	fprintf(out, "pgfree %llu\n", ull(s->st.pgfree));
	return proc_stream_status(out);
}
