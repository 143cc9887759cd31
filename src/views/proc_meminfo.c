// SPDX-License-Identifier: MIT
/*
 * /proc/meminfo as meminfo_proc_show() in fs/proc/meminfo.c (Linux 6.1)
 * prints it, with the fields the model keeps: the totals, MemAvailable, the
 * highmem split where there is a HighMem zone (CONFIG_HIGHMEM), and
 * PageTables.  Everything else (page cache, slab, swap...) is left out.
 */
#include <ptkit/procfs.h>
#include "views/proc_priv.h"

/* show_val_kb(): the label padded to 16 columns, the value to 8. */
static void show_val_kb(FILE *out, const char *label, uint64_t pages)
{
	fprintf(out, "%-16s%8llu kB\n", label, ull(pages_to_kb(pages)));
}

/*
 * si_mem_available(): free pages less the reserves userspace cannot have,
 * plus the reclaimable page cache and slab, of which the model has none
 * (so the kernel's low-watermark trim of those terms is 0 too).
 */
static uint64_t si_mem_available(const struct ptk_proc_mem *s)
{
	return s->st.nr_free_pages > s->st.totalreserve_pages ?
	       s->st.nr_free_pages - s->st.totalreserve_pages : 0;
}

static bool has_highmem(const struct ptk_proc_mem *s)
{
	for (unsigned int z = 0; z < s->nr_zones; z++)
		if (s->zone[z].highmem)
			return true;
	return false;
}

static uint64_t free_highpages(const struct ptk_proc_mem *s)
{
	uint64_t sum = 0;

	for (unsigned int z = 0; z < s->nr_zones; z++)
		if (s->zone[z].highmem)
			sum += s->zone[z].nr_free_pages;
	return sum;
}

int ptk_proc_meminfo(const struct ptk_proc_mem *s, FILE *out)
{
	show_val_kb(out, "MemTotal:", s->st.totalram_pages);
	show_val_kb(out, "MemFree:", s->st.nr_free_pages);
	show_val_kb(out, "MemAvailable:", si_mem_available(s));
	if (has_highmem(s)) {
		uint64_t freehigh = free_highpages(s);

		show_val_kb(out, "HighTotal:", s->st.totalhigh_pages);
		show_val_kb(out, "HighFree:", freehigh);
		show_val_kb(out, "LowTotal:", s->st.totalram_pages - s->st.totalhigh_pages);
		show_val_kb(out, "LowFree:", s->st.nr_free_pages - freehigh);
	}
	show_val_kb(out, "PageTables:", s->st.nr_page_table_pages);
	return proc_stream_status(out);
}
