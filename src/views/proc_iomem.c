// SPDX-License-Identifier: MIT
/*
 * /proc/iomem: the machine's physical resources as x86's
 * e820__reserve_resources() registers them, printed as r_show() in
 * kernel/resource.c (Linux 6.1) prints the iomem tree.
 */
#include <stdlib.h>
#include <string.h>
#include <ptkit/machine.h>
#include <ptkit/memblock.h>
#include <ptkit/memmap.h>
#include <ptkit/procfs.h>
#include "views/proc_priv.h"

/* iomem_resource ends at ~0, so every address is printed with at least 8
 * hex digits (4 only for trees that end below 64 KiB, i.e. ioport). */
#define IOMEM_ADDR_WIDTH	8

static void put_resource(struct ptk_resource *out, size_t max, size_t n,
			 struct ptk_phys_range r, const char *name)
{
	if (n >= max)
		return;
	out[n] = (struct ptk_resource){ .start = r.base, .end = r.base + r.size - 1 };
	snprintf(out[n].name, sizeof(out[n].name), "%s", name);
}


static bool reserved_is_ram(const struct ptk_machine *m, struct ptk_phys_range r)
{
	return ptk_phys_is_ram(ptk_machine_phys_const(m), r.base, r.size);
}

static int cmp_resource(const void *a, const void *b)
{
	const struct ptk_resource *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static size_t sort_resources(struct ptk_resource *out, size_t max, size_t n)
{
	if (n && max)
		qsort(out, n < max ? n : max, sizeof(*out), cmp_resource);
	return n;
}

/*
 * RAM ranges and reserved ranges outside RAM do not overlap (the machine
 * refuses that), so the tree is flat: every entry at depth 0.  Reservations
 * inside RAM are memblock's business and, on x86, not resources.
 */
size_t ptk_iomem_resources(const struct ptk_machine *m, struct ptk_resource *out, size_t max)
{
	const struct ptk_phys *ph = ptk_machine_phys_const(m);
	size_t n = 0;

	for (size_t i = 0; i < ptk_phys_nr_ranges(ph); i++)
		put_resource(out, max, n++, ptk_phys_range_at(ph, i), "System RAM");
	for (size_t i = 0; i < ptk_machine_nr_reserved(m); i++) {
		struct ptk_phys_range r = ptk_machine_reserved_at(m, i);

		if (!reserved_is_ram(m, r))
			put_resource(out, max, n++, r, "Reserved");
	}
	return sort_resources(out, max, n);
}


/* e820_type_to_string() */
static const char *e820_resource_name(uint32_t type)
{
	switch (type) {
	case PTK_E820_RAM:		return "System RAM";
	case PTK_E820_ACPI:		return "ACPI Tables";
	case PTK_E820_NVS:		return "ACPI Non-volatile Storage";
	case PTK_E820_UNUSABLE:		return "Unusable memory";
	case PTK_E820_PRAM:		return "Persistent Memory (legacy)";
	case PTK_E820_PMEM:		return "Persistent Memory";
	case PTK_E820_RESERVED:		return "Reserved";
	case PTK_E820_SOFT_RESERVED:	return "Soft Reserved";
	default:			return "Unknown E820 type";
	}
}

static bool memmap_range_is_ram(const struct ptk_memmap *map, struct ptk_memmap_range r)
{
	for (size_t i = 0; i < ptk_memmap_nr(map, PTK_MEMMAP_RAM); i++) {
		struct ptk_memmap_range ram = ptk_memmap_at(map, PTK_MEMMAP_RAM, i);

		if (ram.base < r.base + r.size && r.base < ram.base + ram.size)
			return true;
	}
	return false;
}

size_t ptk_iomem_resources_from_memmap(const struct ptk_memmap *map, struct ptk_resource *out,
				       size_t max)
{
	size_t n = 0;

	for (int k = PTK_MEMMAP_RAM; k <= PTK_MEMMAP_RESERVED; k++)	/* the layout */
		for (size_t i = 0; i < ptk_memmap_nr(map, (enum ptk_memmap_kind)k); i++) {
			struct ptk_memmap_range r = ptk_memmap_at(map, (enum ptk_memmap_kind)k, i);
			struct ptk_phys_range fw = { r.fw_base, r.fw_size };

			if (k == PTK_MEMMAP_RESERVED && memmap_range_is_ram(map, r))
				continue;	/* memblock's, not a resource */
			put_resource(out, max, n++, fw, e820_resource_name(
					     k == PTK_MEMMAP_RAM ? PTK_E820_RAM : r.type));
		}
	return sort_resources(out, max, n);
}

static void put_child(struct ptk_resource *out, size_t max, size_t n, uint64_t start,
		      uint64_t end, const char *name)
{
	if (n >= max)
		return;
	out[n] = (struct ptk_resource){ .start = start, .end = end, .depth = 1 };
	snprintf(out[n].name, sizeof(out[n].name), "%s", name);
}

/* The reserved children of one RAM resource; returns the new count. */
static size_t reserved_children(const struct ptk_resource *ram, const struct ptk_memblock *mb,
				struct ptk_resource *out, size_t max, size_t n)
{
	uint64_t covered = 0;	/* first byte no child covers yet */
	bool any = false;

	for (size_t i = 0; i < ptk_memblock_count(mb, PTK_MEMBLOCK_RESERVED); i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(mb, PTK_MEMBLOCK_RESERVED, i);
		uint64_t start = r.base & ~(PTK_PAGE_SIZE - 1);
		uint64_t end = ((r.base + r.size + PTK_PAGE_SIZE - 1) & ~(PTK_PAGE_SIZE - 1)) - 1;

		if (start < ram->start)
			start = ram->start;
		if (end > ram->end)
			end = ram->end;
		if (any && start < covered)
			start = covered;
		if (start > end || start > ram->end || end < ram->start)
			continue;
		put_child(out, max, n++, start, end, "reserved");
		covered = end + 1;
		any = true;
	}
	return n;
}

size_t ptk_iomem_add_memblock_reserved(const struct ptk_resource *top, size_t n,
				       const struct ptk_memblock *mb, struct ptk_resource *out,
				       size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k < max)
			out[k] = top[i];
		k++;
		if (top[i].depth == 0 && !strcmp(top[i].name, "System RAM"))
			k = reserved_children(&top[i], mb, out, max, k);
	}
	return k;
}

int ptk_proc_iomem(const struct ptk_resource *r, size_t n, FILE *out)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%*s%0*llx-%0*llx : %s\n", (int)(r[i].depth * 2), "",
			IOMEM_ADDR_WIDTH, ull(r[i].start), IOMEM_ADDR_WIDTH, ull(r[i].end),
			r[i].name);
	return proc_stream_status(out);
}
