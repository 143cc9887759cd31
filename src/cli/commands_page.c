// SPDX-License-Identifier: MIT
/*
 * struct page and the memory model: the machine line's memory_model=, and
 * the commands pfn_to_page, page_to_pfn, page_to_phys and page, which show
 * the kernel's formulas with the values this machine gives them.
 */
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	enum ptk_mm_kind kind;
} mm_kinds[] = {
	{ "flatmem", PTK_MM_FLATMEM },
	{ "sparsemem", PTK_MM_SPARSEMEM },
	{ "vmemmap", PTK_MM_SPARSEMEM_VMEMMAP },
};

/* memory_model=flatmem|sparsemem|vmemmap on a machine just created. */
int cli_machine_memory_model(struct cli *c, const struct cli_args *a, struct ptk_machine *m)
{
	const char *s = cli_key(a, "memory_model");
	int rc;

	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof(mm_kinds) / sizeof(mm_kinds[0]); i++) {
		if (strcmp(s, mm_kinds[i].name))
			continue;
		rc = ptk_machine_init_memory_model(m, mm_kinds[i].kind);
		return rc ? cli_error(c, "memory_model=%s: %s", s,
				      ptk_strerror(ptk_machine_error(m), rc)) : 0;
	}
	return cli_error(c, "memory_model=%s: expected flatmem, sparsemem or vmemmap", s);
}

static struct ptk_mm_model *need_model(struct cli *c)
{
	struct ptk_mm_model *mm = ptk_machine_mm(c->m);

	if (!mm)
		cli_error(c, "this machine has no memory model: give memory_model= on the "
			  "machine line");
	return mm;
}

/* The model and the command's one number; NULL after reporting why not. */
static struct ptk_mm_model *model_and_arg(struct cli *c, const struct cli_args *a,
					  const char *what, uint64_t *v)
{
	struct ptk_mm_model *mm = need_model(c);

	return mm && !cli_num(c, what, &a->pos[0], v) ? mm : NULL;
}

static int mm_fail(struct cli *c, struct ptk_mm_model *mm, int rc)
{
	return cli_error(c, "%s", ptk_strerror(ptk_mm_error(mm), rc));
}

int cmd_pfn_to_page(struct cli *c, const struct cli_args *a)
{
	char buf[256];
	uint64_t pfn, page;
	struct ptk_mm_model *mm = model_and_arg(c, a, "PFN", &pfn);
	int rc;

	if (!mm)
		return -1;
	rc = ptk_mm_pfn_to_page(mm, pfn, &page);
	if (rc)
		return mm_fail(c, mm, rc);
	ptk_mm_explain_pfn_to_page(mm, pfn, buf, sizeof(buf));
	fprintf(c->out, "%s\n", buf);
	return 0;
}

/* page_to_pfn and page_to_phys: the inverse, from a page pointer. */
static int page_inverse(struct cli *c, const struct cli_args *a, bool phys)
{
	uint64_t page, pfn;
	struct ptk_mm_model *mm = model_and_arg(c, a, "PAGE", &page);
	int rc;

	if (!mm)
		return -1;
	rc = ptk_mm_page_to_pfn(mm, page, &pfn);
	if (rc)
		return mm_fail(c, mm, rc);
	if (phys)
		fprintf(c->out, "page_to_phys(0x%llx) = pfn 0x%llx << PAGE_SHIFT = 0x%llx\n",
			(unsigned long long)page, (unsigned long long)pfn,
			(unsigned long long)(pfn << PTK_PAGE_SHIFT));
	else
		fprintf(c->out, "page_to_pfn(0x%llx) = 0x%llx\n", (unsigned long long)page,
			(unsigned long long)pfn);
	return 0;
}

int cmd_page_to_pfn(struct cli *c, const struct cli_args *a) { return page_inverse(c, a, false); }
int cmd_page_to_phys(struct cli *c, const struct cli_args *a) { return page_inverse(c, a, true); }

static void print_page_flags(FILE *out, uint64_t flags)
{
	const char *sep = "";

	fprintf(out, "flags    0x%llx(", (unsigned long long)flags);
	for (unsigned b = 0; ptk_pageflag_name(b); b++) {
		if (!(flags >> b & 1))
			continue;
		fprintf(out, "%s%s", sep, ptk_pageflag_name(b));
		sep = "|";
	}
	fputs(")\n", out);
}

/* The decoded struct page of a pfn, fields as dump_page() names them. */
int cmd_page(struct cli *c, const struct cli_args *a)
{
	const struct ptk_page_layout *l;
	struct ptk_page pg;
	uint64_t pfn, pa;
	struct ptk_mm_model *mm = model_and_arg(c, a, "PFN", &pfn);
	int rc;

	if (!mm)
		return -1;
	rc = ptk_mm_pfn_to_page_pa(mm, pfn, &pa);
	if (!rc)
		rc = ptk_mm_read_page(mm, pfn, &pg);
	if (rc)
		return mm_fail(c, mm, rc);
	l = ptk_mm_page_layout(mm);
	fprintf(c->out, "page     pfn 0x%llx, struct page at PA 0x%llx\n",
		(unsigned long long)pfn, (unsigned long long)pa);
	print_page_flags(c->out, pg.flags);
	fprintf(c->out, "links    zone %u node %u section 0x%llx\n", ptk_page_zonenum(l, &pg),
		ptk_page_to_nid(l, &pg), (unsigned long long)ptk_page_to_section(l, &pg));
	fprintf(c->out, "refcount %d mapcount %d page_type 0x%x%s%s\n", pg.refcount,
		pg.mapcount + 1, pg.page_type,
		ptk_page_has_type(&pg, PTK_PG_buddy) ? " buddy" : "",
		ptk_page_has_type(&pg, PTK_PG_table) ? " table" : "");
	fprintf(c->out, "lru      next 0x%llx prev 0x%llx private 0x%llx\n",
		(unsigned long long)pg.lru_next, (unsigned long long)pg.lru_prev,
		(unsigned long long)pg.private_);
	return 0;
}

/* vmemmap_populate NAME: the struct page arrays into the tree's vmemmap. */
int cmd_vmemmap_populate(struct cli *c, const struct cli_args *a)
{
	struct ptk_mm_model *mm = need_model(c);
	struct ptk_pgtable *pt;
	uint64_t bytes, page0;
	int rc;

	if (!mm || cli_need_table(c, a->pos[0].s, &pt))
		return -1;
	rc = ptk_vmemmap_populate(pt, mm, &bytes);
	if (rc)
		return cli_lib_error(c, rc);
	page0 = ptk_mm_vmemmap(mm);
	fprintf(c->out, "vmemmap 0x%llx: %llu KiB of struct page mapped for %llu present "
		"sections\n", (unsigned long long)page0, (unsigned long long)(bytes >> 10),
		(unsigned long long)(bytes / (PTK_STRUCT_PAGE_SIZE <<
					      (ptk_mm_page_layout(mm)->pfn_section_shift))));
	return 0;
}
