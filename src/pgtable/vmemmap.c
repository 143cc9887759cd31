// SPDX-License-Identifier: MIT
/*
 * vmemmap_populate(): map the struct page arrays of a SPARSEMEM_VMEMMAP
 * model into a tree's vmemmap region, section by present section, as
 * sparse_init() has the architecture do at boot.  Each section's mem_map
 * is one physically contiguous memblock allocation (2 MiB for a 128 MiB
 * section with 4K pages), so the mapper's largest-page policy gives the
 * PMD-sized mappings x86's vmemmap_populate_hugepages() and arm64's
 * section maps use, and 4K pages where alignment does not allow them.
 */
#include <ptkit/machine.h>
#include <ptkit/mm_model.h>
#include <ptkit/pgtable.h>

struct populate_ctx {
	struct ptk_pgtable *pt;
	struct ptk_prot prot;
	uint64_t done;		/* bytes mapped so far, for the undo */
};

static int populate_section(void *arg, uint64_t va, uint64_t pa, uint64_t size)
{
	struct populate_ctx *ctx = arg;
	int rc = ptk_map_range(ctx->pt, va, pa, size, &ctx->prot, 0);

	if (!rc)
		ctx->done += size;
	return rc;
}

struct unpopulate_ctx {
	struct ptk_pgtable *pt;
	uint64_t left;		/* bytes still to unmap */
};

static int unpopulate_section(void *arg, uint64_t va, uint64_t pa, uint64_t size)
{
	struct unpopulate_ctx *ctx = arg;

	(void)pa;
	if (!ctx->left)
		return 1;
	(void)ptk_unmap_range(ctx->pt, va, size);
	ctx->left -= size < ctx->left ? size : ctx->left;
	return 0;
}

int ptk_vmemmap_populate(struct ptk_pgtable *pt, const struct ptk_mm_model *mm,
			 uint64_t *bytes)
{
	struct ptk_machine *m = ptk_pgtable_machine(pt);
	struct populate_ctx ctx = { .pt = pt };
	int rc;

	if (ptk_mm_kind(mm) != PTK_MM_SPARSEMEM_VMEMMAP)
		return ptk_err(ptk_machine_error(m), -EINVAL,
			       "vmemmap_populate needs the SPARSEMEM_VMEMMAP memory model");
	/* PAGE_KERNEL: read/write, no execute, global, young and dirty */
	rc = ptk_prot_parse(ptk_machine_format(m), "rwgad", &ctx.prot);
	if (rc)
		return ptk_err(ptk_machine_error(m), rc, "PAGE_KERNEL is not expressible here");
	rc = ptk_mm_vmemmap_for_each(mm, populate_section, &ctx);
	if (rc) {
		struct unpopulate_ctx undo = { .pt = pt, .left = ctx.done };

		(void)ptk_mm_vmemmap_for_each(mm, unpopulate_section, &undo);
		return rc;
	}
	if (bytes)
		*bytes = ctx.done;
	return 0;
}
