// SPDX-License-Identifier: MIT
/*
 * The buddy allocator from the command line: memblock_free_all (the hand-
 * over from the boot allocator), alloc_pages, free_pages and memory
 * add|remove (section hotplug).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/buddy.h>
#include "cli/cli.h"

static struct ptk_buddy *need_buddy(struct cli *c)
{
	struct ptk_buddy *b = ptk_machine_buddy(c->m);

	if (!b)
		cli_error(c, "the buddy allocator is not running yet: run memblock_free_all first");
	return b;
}

static int buddy_fail(struct cli *c, struct ptk_buddy *b, int rc)
{
	return cli_error(c, "%s", ptk_strerror(ptk_buddy_error(b), rc));
}

static void print_zone_summary(struct cli *c, const struct ptk_zone_info *zi)
{
	fprintf(c->out, "  %-8s pfn 0x%" PRIx64 "-0x%" PRIx64 " present %" PRIu64
		" managed %" PRIu64 "  watermarks min %" PRIu64 " low %" PRIu64
		" high %" PRIu64 "\n", zi->name, zi->zone_start_pfn,
		zi->zone_start_pfn + zi->spanned_pages, zi->present_pages, zi->managed_pages,
		zi->watermark[PTK_WMARK_MIN], zi->watermark[PTK_WMARK_LOW],
		zi->watermark[PTK_WMARK_HIGH]);
}

int cmd_memblock_free_all(struct cli *c, const struct cli_args *a)
{
	struct ptk_buddy_stats st;
	struct ptk_buddy *b;
	int rc = ptk_machine_memblock_free_all(c->m);

	(void)a;
	if (rc)
		return cli_lib_error(c, rc);
	b = ptk_machine_buddy(c->m);
	ptk_buddy_stats(b, &st);
	fprintf(c->out, "memblock_free_all: %" PRIu64 " pages (%" PRIu64 " KiB) to the buddy "
		"allocator; min_free_kbytes %" PRIu64 "\n", st.nr_free_pages,
		(uint64_t)(st.nr_free_pages * (PTK_PAGE_SIZE / 1024)), st.min_free_kbytes);
	for (unsigned int z = 0; z < ptk_buddy_nr_zones(b); z++) {
		struct ptk_zone_info zi;

		if (!ptk_buddy_zone_info(b, z, &zi) && zi.populated)
			print_zone_summary(c, &zi);
	}
	return 0;
}

/* The zone a frame belongs to, from its struct page's flags. */
static const char *pfn_zone_name(struct cli *c, struct ptk_buddy *b, uint64_t pfn)
{
	struct ptk_mm_model *mm = ptk_machine_mm(c->m);
	struct ptk_zone_info zi;
	struct ptk_page page;

	if (!mm || ptk_mm_read_page(mm, pfn, &page) ||
	    ptk_buddy_zone_info(b, ptk_page_zonenum(ptk_mm_page_layout(mm), &page), &zi))
		return "?";
	return zi.name;
}

static int remember_alloc(struct cli *c, uint64_t pfn, unsigned int order)
{
	if (c->nr_allocs == c->allocs_cap) {
		size_t cap = c->allocs_cap ? 2 * c->allocs_cap : 64;
		struct cli_alloc *v = realloc(c->allocs, cap * sizeof(*v));

		if (!v)
			return -1;
		c->allocs = v;
		c->allocs_cap = cap;
	}
	c->allocs[c->nr_allocs++] = (struct cli_alloc){ pfn, order };
	return 0;
}

static void print_alloc_json(struct cli *c, struct ptk_buddy *b, const char *cmd, uint64_t pfn,
			     uint64_t order, const char *gfp_name, const uint64_t *addr)
{
	struct json j;

	json_init(&j, c->out);
	json_obj_begin(&j, NULL);
	json_str(&j, "cmd", cmd);
	if (addr)
		json_hex(&j, "addr", *addr);
	json_hex(&j, "pfn", pfn);
	json_u64(&j, "order", order);
	json_str(&j, "gfp", gfp_name);
	json_str(&j, "zone", pfn_zone_name(c, b, pfn));
	json_obj_end(&j);
}

/* alloc_pages and __get_free_pages: the block's first pfn, or its address. */
static int alloc_cmd(struct cli *c, const struct cli_args *a, bool want_addr)
{
	struct ptk_buddy *b = need_buddy(c);
	const char *gfp_s = a->npos > 1 ? a->pos[1].s : "GFP_KERNEL";
	struct ptk_error err = { 0 };
	uint64_t order, pfn, addr = 0;
	uint32_t gfp;
	char gfp_name[128];
	int rc;

	if (!b || cli_num(c, "ORDER", &a->pos[0], &order))
		return -1;
	if (order >= PTK_MAX_ORDER)
		return cli_error(c, "ORDER %" PRIu64 ": at most %d", order, PTK_MAX_ORDER - 1);
	rc = ptk_gfp_parse(gfp_s, &gfp, &err);
	if (rc)
		return cli_error(c, "%s", ptk_strerror(&err, rc));
	rc = want_addr ? ptk_get_free_pages(b, gfp, (unsigned int)order, &addr)
		       : ptk_alloc_pages(b, gfp, (unsigned int)order, &pfn);
	if (rc)
		return buddy_fail(c, b, rc);
	if (want_addr)
		(void)ptk_mm_virt_to_pfn(ptk_machine_mm(c->m), addr, &pfn);
	if (remember_alloc(c, pfn, (unsigned int)order)) {
		ptk_free_pages(b, pfn, (unsigned int)order);
		return cli_error(c, "out of host memory");
	}
	ptk_gfp_format(gfp, gfp_name, sizeof(gfp_name));
	if (a->flags & CLI_F_JSON) {
		print_alloc_json(c, b, a->cmd->name, pfn, order, gfp_name, want_addr ? &addr : NULL);
		return 0;
	}
	if (want_addr)
		fprintf(c->out, "0x%" PRIx64 " = page_address(pfn 0x%" PRIx64 ") ", addr, pfn);
	else
		fprintf(c->out, "pfn 0x%" PRIx64 " ", pfn);
	fprintf(c->out, "order %" PRIu64 " (%llu pages, zone %s, %s)\n", order, 1ull << order,
		pfn_zone_name(c, b, pfn), gfp_name);
	return 0;
}

int cmd_alloc_pages(struct cli *c, const struct cli_args *a)
{
	return alloc_cmd(c, a, false);
}

int cmd_get_free_pages(struct cli *c, const struct cli_args *a)
{
	return alloc_cmd(c, a, true);
}

static int free_all(struct cli *c, struct ptk_buddy *b)
{
	uint64_t pages = 0;
	size_t blocks = c->nr_allocs;

	while (c->nr_allocs) {
		struct cli_alloc *x = &c->allocs[c->nr_allocs - 1];
		int rc = ptk_free_pages(b, x->pfn, x->order);

		if (rc)
			return buddy_fail(c, b, rc);
		pages += 1ull << x->order;
		c->nr_allocs--;
	}
	fprintf(c->out, "freed %zu blocks (%" PRIu64 " pages)\n", blocks, pages);
	return 0;
}

int cmd_free_pages(struct cli *c, const struct cli_args *a)
{
	struct ptk_buddy *b = need_buddy(c);
	uint64_t pfn, order;
	size_t i;
	int rc;

	if (!b)
		return -1;
	if (!strcmp(a->pos[0].s, "all") && a->npos == 1)
		return free_all(c, b);
	if (a->npos != 2)
		return cli_error(c, "usage: %s", a->cmd->usage);
	if (cli_num(c, "PFN", &a->pos[0], &pfn) || cli_num(c, "ORDER", &a->pos[1], &order))
		return -1;
	for (i = 0; i < c->nr_allocs; i++)
		if (c->allocs[i].pfn == pfn && c->allocs[i].order == order)
			break;
	if (i == c->nr_allocs)
		return cli_error(c, "pfn 0x%" PRIx64 " order %" PRIu64 " is not a block this "
				 "script allocated with alloc_pages", pfn, order);
	rc = ptk_free_pages(b, pfn, (unsigned int)order);
	if (rc)
		return buddy_fail(c, b, rc);
	memmove(&c->allocs[i], &c->allocs[i + 1], (c->nr_allocs - i - 1) * sizeof(*c->allocs));
	c->nr_allocs--;
	return 0;
}

int cmd_memory(struct cli *c, const struct cli_args *a)
{
	struct ptk_buddy *b = need_buddy(c);
	struct ptk_mm_model *mm = ptk_machine_mm(c->m);
	bool add = !strcmp(a->pos[0].s, "add");
	uint64_t nr, start, end;
	int rc;

	if (!b || cli_num(c, "SECTION", &a->pos[1], &nr))
		return -1;
	if (!add && strcmp(a->pos[0].s, "remove"))
		return cli_error(c, "'%s': expected add or remove", a->pos[0].s);
	rc = add ? ptk_buddy_online_section(b, nr) : ptk_buddy_offline_section(b, nr);
	if (rc)
		return buddy_fail(c, b, rc);
	start = ptk_mm_section_nr_to_pfn(mm, nr) << PTK_PAGE_SHIFT;
	end = ptk_mm_section_nr_to_pfn(mm, nr + 1) << PTK_PAGE_SHIFT;
	fprintf(c->out, "section %" PRIu64 " [mem 0x%016" PRIx64 "-0x%016" PRIx64 "] %s\n", nr,
		start, end - 1, add ? "online" : "offline and removed");
	return 0;
}
