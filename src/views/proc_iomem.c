// SPDX-License-Identifier: MIT
/*
 * /proc/iomem: the machine's physical resources as x86's
 * e820__reserve_resources() registers them, printed as r_show() in
 * kernel/resource.c (Linux 6.1) prints the iomem tree.
 */
#include <stdlib.h>
#include <string.h>
#include <ptkit/machine.h>
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
	if (n && max)
		qsort(out, n < max ? n : max, sizeof(*out), cmp_resource);
	return n;
}

int ptk_proc_iomem(const struct ptk_resource *r, size_t n, FILE *out)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%*s%0*llx-%0*llx : %s\n", (int)(r[i].depth * 2), "",
			IOMEM_ADDR_WIDTH, ull(r[i].start), IOMEM_ADDR_WIDTH, ull(r[i].end),
			r[i].name);
	return proc_stream_status(out);
}
