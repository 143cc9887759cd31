// SPDX-License-Identifier: MIT
/*
 * Checks on an image's layout that need the note or look at all program
 * headers together: the ELF machine matches the format, RAM fits the
 * physical width, and nothing overlaps, in RAM or in the file.
 */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>

#include "image/image_priv.h"

/* A byte range of the file and what occupies it, for overlap messages. */
struct extent {
	uint64_t start, len;
	char what[48];
};

static int cmp_extent(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_paddr(const void *a, const void *b)
{
	const struct image_load *x = a, *y = b;

	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

static int check_machine(const struct image_src *s, const struct image_layout *l,
			 const struct image_note *n, struct ptk_error *err)
{
	const struct image_arch *a = image_arch_by_name(n->fmt->arch);

	if (!a || a->e_machine != l->e_machine)
		return ptk_err(err, -EINVAL, "%s: e_machine %u does not match the note's format %s",
			       s->name, l->e_machine, n->fmt->name);
	return 0;
}

static int check_width(const struct image_src *s, const struct image_layout *l,
		       unsigned pa_bits, struct ptk_error *err)
{
	uint64_t limit = 1ull << pa_bits;

	for (size_t i = 0; i < l->nr_loads; i++) {
		const struct image_load *ld = &l->loads[i];

		if (ld->paddr >= limit || ld->size > limit - ld->paddr)
			return ptk_err(err, -ERANGE,
				       "%s: program header %u: PT_LOAD %#llx+%#llx lies beyond the note's pa_bits=%u",
				       s->name, ld->phdr, (unsigned long long)ld->paddr,
				       (unsigned long long)ld->size, pa_bits);
	}
	return 0;
}

static int check_ram_overlap(const struct image_src *s, const struct image_layout *l,
			     struct ptk_error *err)
{
	struct image_load *v = malloc(l->nr_loads * sizeof(*v));
	int rc = 0;

	if (!v)
		return ptk_err(err, -ENOMEM, "out of host memory");
	memcpy(v, l->loads, l->nr_loads * sizeof(*v));
	qsort(v, l->nr_loads, sizeof(*v), cmp_paddr);
	for (size_t i = 1; i < l->nr_loads && !rc; i++)
		if (v[i].paddr < v[i - 1].paddr + v[i - 1].size)
			rc = ptk_err(err, -EINVAL,
				     "%s: program headers %u and %u: PT_LOADs %#llx+%#llx and %#llx+%#llx overlap in physical memory",
				     s->name, v[i - 1].phdr, v[i].phdr,
				     (unsigned long long)v[i - 1].paddr,
				     (unsigned long long)v[i - 1].size,
				     (unsigned long long)v[i].paddr,
				     (unsigned long long)v[i].size);
	free(v);
	return rc;
}

static size_t file_extents(const struct image_layout *l, struct extent *x)
{
	size_t k = 0;

	x[k++] = (struct extent){ 0, sizeof(Elf64_Ehdr), "the ELF header" };
	x[k++] = (struct extent){ l->phoff, l->phnum * sizeof(Elf64_Phdr),
				  "the program header table" };
	x[k++] = (struct extent){ l->note_off, l->note_size, "the PT_NOTE" };
	for (size_t i = 0; i < l->nr_loads; i++, k++) {
		x[k] = (struct extent){ l->loads[i].offset, l->loads[i].size, "" };
		snprintf(x[k].what, sizeof(x[k].what), "PT_LOAD of program header %u",
			 l->loads[i].phdr);
	}
	return k;
}

/* Each byte of the file belongs to one thing: a PT_LOAD sharing bytes
 * with another or with the headers would alias RAM in ways ptkit never
 * writes. */
static int check_file_overlap(const struct image_src *s, const struct image_layout *l,
			      struct ptk_error *err)
{
	struct extent *x = malloc((l->nr_loads + 3) * sizeof(*x));
	size_t k;
	int rc = 0;

	if (!x)
		return ptk_err(err, -ENOMEM, "out of host memory");
	k = file_extents(l, x);
	qsort(x, k, sizeof(*x), cmp_extent);
	for (size_t i = 1; i < k && !rc; i++)
		if (x[i].start < x[i - 1].start + x[i - 1].len)
			rc = ptk_err(err, -EINVAL,
				     "%s: file bytes %#llx+%#llx (%s) and %#llx+%#llx (%s) overlap",
				     s->name, (unsigned long long)x[i - 1].start,
				     (unsigned long long)x[i - 1].len, x[i - 1].what,
				     (unsigned long long)x[i].start, (unsigned long long)x[i].len,
				     x[i].what);
	free(x);
	return rc;
}

int image_check_layout(const struct image_src *s, const struct image_layout *l,
		       const struct image_note *n, struct ptk_error *err)
{
	int rc = check_machine(s, l, n, err);

	if (!rc)
		rc = check_width(s, l, n->pa_bits, err);
	if (!rc)
		rc = check_ram_overlap(s, l, err);
	if (!rc)
		rc = check_file_overlap(s, l, err);
	return rc;
}
