// SPDX-License-Identifier: MIT
/*
 * 'cat /proc/FILE': the kernel's memory views of this machine.  With
 * --json the text is read back by the same parser that reads a real
 * kernel's files, and printed as one JSON object.
 */
#include <stdlib.h>
#include <string.h>

#include <ptkit/procfs.h>
#include "cli/cli.h"

typedef int (*mem_view_fn)(const struct ptk_proc_mem *s, FILE *out);

/* From the machine line's firmware map when there is one (exact e820
 * ranges), else from the machine (a loaded image). */
static size_t iomem_resources(struct cli *c, struct ptk_resource *r, size_t max)
{
	if (ptk_memmap_nr(&c->memmap, PTK_MEMMAP_RAM))
		return ptk_iomem_resources_from_memmap(&c->memmap, r, max);
	return ptk_iomem_resources(c->m, r, max);
}

/* The architecture's own additions to the firmware's resources. */
static struct ptk_resource *arch_iomem_resources(struct cli *c, struct ptk_resource *top,
						 size_t *n)
{
	const struct cli_arch *ar = cli_arch_find(ptk_machine_format(c->m)->arch);
	const struct ptk_memblock *mb = ptk_machine_memblock(c->m);
	struct ptk_resource *all;
	size_t total;

	if (!ar || !ar->iomem_memblock_reserved)
		return top;
	total = ptk_iomem_add_memblock_reserved(top, *n, mb, NULL, 0);
	all = calloc(total ? total : 1, sizeof(*all));
	if (all)
		ptk_iomem_add_memblock_reserved(top, *n, mb, all, total);
	free(top);
	*n = total;
	return all;
}

static int render_iomem(struct cli *c, FILE *out)
{
	size_t n = iomem_resources(c, NULL, 0);
	struct ptk_resource *r = calloc(n ? n : 1, sizeof(*r));
	int rc;

	if (r) {
		iomem_resources(c, r, n);
		r = arch_iomem_resources(c, r, &n);
	}
	if (!r)
		return cli_error(c, "out of host memory");
	rc = ptk_proc_iomem(r, n, out);
	free(r);
	return rc;
}

static int render_mem_view(struct cli *c, mem_view_fn view, FILE *out)
{
	struct ptk_buddy *b = ptk_machine_buddy(c->m);
	struct ptk_proc_mem *s;
	int rc;

	if (!b)
		return cli_error(c, "the buddy allocator is not running yet: run "
				 "memblock_free_all first");
	s = malloc(sizeof(*s));
	if (!s)
		return cli_error(c, "out of host memory");
	rc = ptk_proc_mem_snapshot(b, s);
	if (!rc)
		rc = view(s, out);
	free(s);
	return rc ? cli_error(c, "cannot render the view: %s", strerror(-rc)) : 0;
}

/* ---- JSON from the parsed text ---- */

static void json_kv_list(struct json *j, const char *key, const struct ptk_proc_kv *kv, size_t n)
{
	json_obj_begin(j, key);
	for (size_t i = 0; i < n; i++)
		json_u64(j, kv[i].key, kv[i].value);
	json_obj_end(j);
}

static void json_u64_array(struct json *j, const char *key, const uint64_t *v, size_t n)
{
	json_arr_begin(j, key);
	for (size_t i = 0; i < n; i++)
		json_u64(j, NULL, v[i]);
	json_arr_end(j);
}

static int json_buddyinfo(struct json *j, const char *text, struct ptk_error *err)
{
	struct ptk_proc_buddyinfo *p = calloc(1, sizeof(*p));
	int rc = p ? ptk_proc_parse_buddyinfo(text, p, err) : -ENOMEM;

	json_arr_begin(j, "zones");
	for (size_t z = 0; !rc && z < p->nr_rows; z++) {
		json_obj_begin(j, NULL);
		json_u64(j, "node", p->row[z].node);
		json_str(j, "zone", p->row[z].zone);
		json_u64_array(j, "nr_free", p->row[z].nr_free, p->nr_orders);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(p);
	return rc;
}

static int json_pagetypeinfo(struct json *j, const char *text, struct ptk_error *err)
{
	struct ptk_proc_pagetypeinfo *p = calloc(1, sizeof(*p));
	int rc = p ? ptk_proc_parse_pagetypeinfo(text, p, err) : -ENOMEM;

	json_u64(j, "pageblock_order", rc ? 0 : p->pageblock_order);
	json_arr_begin(j, "zones");
	for (size_t z = 0; !rc && z < p->nr_zones; z++) {
		json_obj_begin(j, NULL);
		json_u64(j, "node", p->zone[z].node);
		json_str(j, "zone", p->zone[z].zone);
		json_obj_begin(j, "nr_free");
		for (unsigned int t = 0; t < p->nr_types; t++)
			json_u64_array(j, p->type[t], p->zone[z].nr_free[t], p->nr_orders);
		json_obj_end(j);
		json_obj_begin(j, "nr_blocks");
		for (unsigned int t = 0; t < p->nr_types; t++)
			json_u64(j, p->type[t], p->zone[z].nr_blocks[t]);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(p);
	return rc;
}

static int json_zoneinfo(struct json *j, const char *text, struct ptk_error *err)
{
	struct ptk_proc_zoneinfo *p = calloc(1, sizeof(*p));
	int rc = p ? ptk_proc_parse_zoneinfo(text, p, err) : -ENOMEM;

	json_arr_begin(j, "zones");
	for (size_t z = 0; !rc && z < p->nr_zones; z++) {
		json_obj_begin(j, NULL);
		json_u64(j, "node", p->zone[z].node);
		json_str(j, "zone", p->zone[z].zone);
		json_kv_list(j, "fields", p->zone[z].kv, p->zone[z].nr_kv);
		json_u64_array(j, "protection", p->zone[z].protection, p->zone[z].nr_protection);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(p);
	return rc;
}

static int json_kvfile(struct json *j, const char *text, struct ptk_error *err, bool kb)
{
	struct ptk_proc_kvfile *p = calloc(1, sizeof(*p));
	int rc = !p ? -ENOMEM : kb ? ptk_proc_parse_meminfo(text, p, err)
				   : ptk_proc_parse_vmstat(text, p, err);

	if (!rc)
		json_kv_list(j, kb ? "kB" : "counters", p->kv, p->nr_kv);
	free(p);
	return rc;
}

static int json_meminfo(struct json *j, const char *text, struct ptk_error *err)
{
	return json_kvfile(j, text, err, true);
}

static int json_vmstat(struct json *j, const char *text, struct ptk_error *err)
{
	return json_kvfile(j, text, err, false);
}

static int json_iomem(struct json *j, const char *text, struct ptk_error *err)
{
	struct ptk_proc_iomem *p = calloc(1, sizeof(*p));
	int rc = p ? ptk_proc_parse_iomem(text, p, err) : -ENOMEM;

	json_arr_begin(j, "resources");
	for (size_t i = 0; !rc && i < p->nr; i++) {
		json_obj_begin(j, NULL);
		json_hex(j, "start", p->res[i].start);
		json_hex(j, "end", p->res[i].end);
		json_u64(j, "depth", p->res[i].depth);
		json_str(j, "name", p->res[i].name);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(p);
	return rc;
}

static const struct proc_file {
	const char *path;
	mem_view_fn view;	/* NULL: iomem, from the machine */
	int (*json)(struct json *j, const char *text, struct ptk_error *err);
} proc_files[] = {
	{ "/proc/buddyinfo", ptk_proc_buddyinfo, json_buddyinfo },
	{ "/proc/pagetypeinfo", ptk_proc_pagetypeinfo, json_pagetypeinfo },
	{ "/proc/zoneinfo", ptk_proc_zoneinfo, json_zoneinfo },
	{ "/proc/meminfo", ptk_proc_meminfo, json_meminfo },
	{ "/proc/vmstat", ptk_proc_vmstat, json_vmstat },
	{ "/proc/iomem", NULL, json_iomem },
};

static const struct proc_file *find_proc_file(const char *path)
{
	for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++)
		if (!strcmp(proc_files[i].path, path))
			return &proc_files[i];
	return NULL;
}

static int render(struct cli *c, const struct proc_file *pf, FILE *out)
{
	return pf->view ? render_mem_view(c, pf->view, out) : render_iomem(c, out);
}

static int cat_json(struct cli *c, const struct proc_file *pf)
{
	struct ptk_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct json j;
	int rc;

	if (!mem)
		return cli_error(c, "out of host memory");
	rc = render(c, pf, mem);
	fclose(mem);
	if (!rc) {
		json_init(&j, c->out);
		json_obj_begin(&j, NULL);
		json_str(&j, "cmd", "cat");
		json_str(&j, "file", pf->path);
		rc = pf->json(&j, text, &err);
		json_obj_end(&j);
		if (rc)
			rc = cli_error(c, "%s: ptkit's own output does not parse: %s", pf->path,
				       err.msg);
	}
	free(text);
	return rc;
}

int cmd_cat(struct cli *c, const struct cli_args *a)
{
	const struct proc_file *pf = find_proc_file(a->pos[0].s);

	if (!pf)
		return cli_error(c, "%s: not a file ptkit models (try /proc/buddyinfo, "
				 "/proc/pagetypeinfo, /proc/zoneinfo, /proc/meminfo, "
				 "/proc/vmstat or /proc/iomem)", a->pos[0].s);
	if (a->flags & CLI_F_JSON)
		return cat_json(c, pf);
	return render(c, pf, c->out);
}
