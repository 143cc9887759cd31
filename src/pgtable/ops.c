// SPDX-License-Identifier: MIT
/*
 * The public range operations: argument checks that name the problem, then
 * the shared walker of range.c.
 */
#include "pgtable/range.h"

static unsigned long long ull(uint64_t v) { return (unsigned long long)v; }

/* The smallest page the format maps. */
static uint64_t min_page(const struct ptk_format *f)
{
	return ptk_level_size(f, f->nlevels - 1u);
}

int pgtable_check_range(struct ptk_pgtable *pt, uint64_t va, uint64_t size, unsigned *root)
{
	const struct ptk_format *f = pt->f;
	struct ptk_error *err = &pt->m->err;
	struct ptk_fault fault;
	uint64_t last = va + size - 1;
	int r0, r1;

	if (!pt->owned)
		return ptk_err(err, -EPERM, "table '%s' was loaded from an image and is read-only",
			       pt->name);
	if (size == 0)
		return ptk_err(err, -EINVAL, "size is zero");
	if ((va | size) & (min_page(f) - 1))
		return ptk_err(err, -EINVAL, "VA %#llx or size %#llx is not %llu-byte aligned",
			       ull(va), ull(size), ull(min_page(f)));
	if (last < va)
		return ptk_err(err, -ERANGE, "VA range %#llx+%#llx wraps around", ull(va), ull(size));
	r0 = f->ops->select_root(f, &pt->m->cpu, va, &fault);
	r1 = f->ops->select_root(f, &pt->m->cpu, last, &fault);
	/* One root (x86) maps both canonical halves: a range may not go from
	 * one to the other.  With a root per half, select_root() says. */
	if (r0 < 0 || r1 < 0 || r0 != r1 ||
	    (f->nroots == 1 && !f->va_unsigned && ((va ^ last) >> (f->va_bits - 1))))
		return ptk_err(err, -EINVAL,
			       "VA range %#llx-%#llx is not within one canonical half of the %u-bit space",
			       ull(va), ull(last), f->va_bits);
	*root = (unsigned)r0;
	return 0;
}

/* A page size the format has at a level this root reaches. */
static int check_page_size(struct ptk_pgtable *pt, unsigned root, uint64_t page_size)
{
	const struct ptk_format *f = pt->f;

	if (!page_size)
		return 0;
	for (unsigned l = f->root_level[root]; l < f->nlevels; l++)
		if (f->level[l].leaf && ptk_level_size(f, l) == page_size)
			return 0;
	return ptk_err(&pt->m->err, -EINVAL, "%s has no %llu KiB pages%s", f->name,
		       ull(page_size >> 10), f->root_level[root] ? " in this half" : "");
}

static int check_map_args(struct ptk_pgtable *pt, unsigned root, uint64_t va, uint64_t pa,
			  uint64_t size, const struct ptk_prot *prot, uint64_t page_size)
{
	const struct ptk_format *f = pt->f;
	struct ptk_error *err = &pt->m->err;
	unsigned pa_bits = pt->m->cpu.pa_bits;
	uint64_t align = page_size ? page_size : min_page(f), raw;

	if (check_page_size(pt, root, page_size))
		return -EINVAL;
	if ((va | pa | size) & (align - 1))
		return ptk_err(err, -EINVAL, "VA %#llx, PA %#llx or size %#llx is not %llu KiB aligned",
			       ull(va), ull(pa), ull(size), ull(align >> 10));
	if (pa >= (1ull << pa_bits) || size > (1ull << pa_bits) - pa)
		return ptk_err(err, -ERANGE, "PA range %#llx+%#llx is beyond the %u-bit physical width",
			       ull(pa), ull(size), pa_bits);
	if (f->ops->mk_leaf(f, f->nlevels - 1u, 0, prot, &raw))
		return ptk_err(err, -EINVAL, "%s cannot encode this protection", f->name);
	return 0;
}

int ptk_map_range(struct ptk_pgtable *pt, uint64_t va, uint64_t pa, uint64_t size,
		  const struct ptk_prot *prot, uint64_t page_size)
{
	struct range_ctx c = { .pt = pt, .op = RANGE_MAP, .va0 = va, .pa0 = pa,
			       .prot = *prot, .page_size = page_size };
	unsigned r;
	int rc = pgtable_check_range(pt, va, size, &r);

	if (!rc)
		rc = check_map_args(pt, r, va, pa, size, prot, page_size);
	return rc ? rc : range_run(&c, r, va, size);
}

int ptk_unmap_range(struct ptk_pgtable *pt, uint64_t va, uint64_t size)
{
	struct range_ctx c = { .pt = pt, .op = RANGE_UNMAP };
	unsigned r;
	int rc = pgtable_check_range(pt, va, size, &r);

	return rc ? rc : range_run(&c, r, va, size);
}

int ptk_protect_range(struct ptk_pgtable *pt, uint64_t va, uint64_t size,
		      const struct ptk_prot *prot)
{
	struct range_ctx c = { .pt = pt, .op = RANGE_PROTECT, .prot = *prot };
	unsigned r;
	uint64_t raw;
	int rc = pgtable_check_range(pt, va, size, &r);

	if (!rc && pt->f->ops->mk_leaf(pt->f, pt->f->nlevels - 1u, 0, prot, &raw))
		rc = ptk_err(&pt->m->err, -EINVAL, "%s cannot encode this protection",
			     pt->f->name);
	return rc ? rc : range_run(&c, r, va, size);
}
