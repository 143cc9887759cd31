/* SPDX-License-Identifier: MIT */
/*
 * The kernel's /proc views of physical memory, column for column as Linux
 * 6.1 prints them, and one parser for the same files, which reads ptkit's
 * output and a real kernel's alike (tests/data/proc holds real samples).
 *
 *   /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo   mm/vmstat.c
 *   /proc/meminfo                                         fs/proc/meminfo.c
 *   /proc/vmstat                                          mm/vmstat.c
 *   /proc/iomem                                           kernel/resource.c
 *
 * Only what the model keeps is printed: a counter ptkit does not maintain
 * (page cache, slab, swap, NUMA events) is left out, never printed as 0.
 * The configuration this matches is one node, one CPU, no CMA, with
 * memory isolation (the Isolate migratetype).
 */
#ifndef PTKIT_PROCFS_H
#define PTKIT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <ptkit/buddy.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_machine;
struct ptk_error;

/* ---- the views ---- */

/* Everything the memory views read, taken at one moment. */
struct ptk_proc_mem {
	unsigned int nr_zones;
	struct ptk_zone_info zone[PTK_MM_MAX_ZONES];
	struct ptk_buddy_stats st;
};

int ptk_proc_mem_snapshot(const struct ptk_buddy *b, struct ptk_proc_mem *s);

/* Each returns 0, or -EIO if the stream failed. */
int ptk_proc_buddyinfo(const struct ptk_proc_mem *s, FILE *out);
int ptk_proc_pagetypeinfo(const struct ptk_proc_mem *s, FILE *out);
int ptk_proc_zoneinfo(const struct ptk_proc_mem *s, FILE *out);
int ptk_proc_meminfo(const struct ptk_proc_mem *s, FILE *out);
int ptk_proc_vmstat(const struct ptk_proc_mem *s, FILE *out);

/* A node of the iomem resource tree, in print order (parents first). */
struct ptk_resource {
	uint64_t start, end;		/* inclusive */
	unsigned int depth;
	char name[40];
};

/* The machine's physical resources as e820__reserve_resources() registers
 * them: each RAM range "System RAM", each reserved range outside RAM
 * "Reserved", by address.  Fills up to max, returns how many there are. */
size_t ptk_iomem_resources(const struct ptk_machine *m, struct ptk_resource *out, size_t max);
/* The same from the firmware's memory map, with its ranges as the firmware
 * gave them (e820 RAM is not page-aligned) and e820_type_to_string()'s
 * names for the reserved types. */
struct ptk_memmap;
size_t ptk_iomem_resources_from_memmap(const struct ptk_memmap *map, struct ptk_resource *out,
				       size_t max);
/* arm64's reserve_memblock_reserved_regions(): under each "System RAM"
 * resource of top (depth 0, sorted), a "reserved" child for every part of
 * memblock's reserved list inside it, rounded out to pages and clipped to
 * the RAM, later ones trimmed where an earlier one already covers them
 * (reserve_region_with_split).  Writes up to max into out; returns how
 * many there are. */
struct ptk_memblock;
size_t ptk_iomem_add_memblock_reserved(const struct ptk_resource *top, size_t n,
				       const struct ptk_memblock *mb, struct ptk_resource *out,
				       size_t max);
int ptk_proc_iomem(const struct ptk_resource *r, size_t n, FILE *out);

/* ---- the parser ---- */

#define PTK_PROC_NAME_MAX	40
#define PTK_PROC_MAX_ZONES	32	/* zones of all nodes */
#define PTK_PROC_MAX_KV		256

struct ptk_proc_kv {
	char key[PTK_PROC_NAME_MAX];
	uint64_t value;
};

/* /proc/buddyinfo: one row per populated zone. */
struct ptk_proc_buddyinfo_row {
	unsigned int node;
	char zone[PTK_PROC_NAME_MAX];
	uint64_t nr_free[PTK_MAX_ORDER];
};

struct ptk_proc_buddyinfo {
	size_t nr_rows;
	unsigned int nr_orders;		/* columns, the same on every row */
	struct ptk_proc_buddyinfo_row row[PTK_PROC_MAX_ZONES];
};

/* Up to 7 migratetypes: 6.1's five, CMA and one more for later kernels. */
#define PTK_PROC_MAX_TYPES	(PTK_MIGRATE_TYPES + 2)

struct ptk_proc_pagetype_zone {
	unsigned int node;
	char zone[PTK_PROC_NAME_MAX];
	uint64_t nr_free[PTK_PROC_MAX_TYPES][PTK_MAX_ORDER];
	uint16_t capped[PTK_PROC_MAX_TYPES];	/* bit per order */
	uint64_t nr_blocks[PTK_PROC_MAX_TYPES];
};

/* /proc/pagetypeinfo.  A count the kernel capped (">100000") has its bit
 * set in capped. */
struct ptk_proc_pagetypeinfo {
	unsigned int pageblock_order;
	uint64_t pages_per_block;
	unsigned int nr_orders;
	unsigned int nr_types;
	char type[PTK_PROC_MAX_TYPES][PTK_PROC_NAME_MAX];	/* header order */
	size_t nr_zones;
	struct ptk_proc_pagetype_zone zone[PTK_PROC_MAX_ZONES];
};

/* /proc/zoneinfo: every "key value" line of a zone; per-CPU fields as
 * "cpuN.count" etc., the protection list on its own. */
struct ptk_proc_zoneinfo_zone {
	unsigned int node;
	char zone[PTK_PROC_NAME_MAX];
	size_t nr_kv;
	struct ptk_proc_kv kv[PTK_PROC_MAX_KV];
	size_t nr_protection;
	uint64_t protection[PTK_MM_MAX_ZONES];
};

struct ptk_proc_zoneinfo {
	size_t nr_zones;
	struct ptk_proc_zoneinfo_zone zone[PTK_PROC_MAX_ZONES];
};

/* /proc/meminfo (values in kB, or pages for the HugePages_ counts) and
 * /proc/vmstat: "key value" lists in file order. */
struct ptk_proc_kvfile {
	size_t nr_kv;
	struct ptk_proc_kv kv[PTK_PROC_MAX_KV];
};

struct ptk_proc_iomem {
	size_t nr;
	struct ptk_resource res[PTK_PROC_MAX_KV];
};

/* Parse a whole file's text.  On a malformed line: -EINVAL with "line N:
 * what is wrong" in err, and *out unspecified. */
int ptk_proc_parse_buddyinfo(const char *text, struct ptk_proc_buddyinfo *out,
			     struct ptk_error *err);
int ptk_proc_parse_pagetypeinfo(const char *text, struct ptk_proc_pagetypeinfo *out,
				struct ptk_error *err);
int ptk_proc_parse_zoneinfo(const char *text, struct ptk_proc_zoneinfo *out,
			    struct ptk_error *err);
int ptk_proc_parse_meminfo(const char *text, struct ptk_proc_kvfile *out,
			   struct ptk_error *err);
int ptk_proc_parse_vmstat(const char *text, struct ptk_proc_kvfile *out,
			  struct ptk_error *err);
int ptk_proc_parse_iomem(const char *text, struct ptk_proc_iomem *out,
			 struct ptk_error *err);

/* The value of key in a parsed list; false when absent. */
bool ptk_proc_kv_get(const struct ptk_proc_kv *kv, size_t n, const char *key, uint64_t *value);

#ifdef __cplusplus
}
#endif
#endif
