// SPDX-License-Identifier: MIT
/*
 * Page-table commands: map, unmap, protect, translate, ptdump, and their
 * --trace output.  Every call chain shown is derived from the format's
 * geometry (level[].pglevel, hwlevel_of), never from the architecture.
 */
#include <string.h>

#include "cli/cli.h"

struct range_args {
	struct ptk_pgtable *pt;
	uint64_t va, pa, size;
	struct ptk_prot prot;
};

/* "rwu,wc,pkey=3" with a message that lists what the format accepts. */
static int parse_prot(struct cli *c, const char *s, struct ptk_prot *p)
{
	const struct ptk_format *f = ptk_machine_format(c->m);
	char types[128] = "";
	size_t n = 0;

	if (!ptk_prot_parse(f, s, p))
		return 0;
	for (unsigned i = 0; i < f->nr_memtypes && n < sizeof(types); i++) {
		const char *t = f->memtype_names[i];
		bool dup = false;

		for (unsigned k = 0; k < i; k++)
			dup |= !strcmp(f->memtype_names[k], t);
		if (!dup)
			n += (size_t)snprintf(types + n, sizeof(types) - n, " %s", t);
	}
	if (f->nr_pkeys)
		return cli_error(c, "prot '%s': expected letters from %s, then ,MEMTYPE (%s) "
				 "and ,pkey=N (0..%u)", s, PTK_PROT_LETTERS,
				 n ? types + 1 : "none", f->nr_pkeys - 1u);
	return cli_error(c, "prot '%s': expected letters from %s, then ,MEMTYPE (%s)", s,
			 PTK_PROT_LETTERS, n ? types + 1 : "none");
}

/* NAME VA [PA] SIZE, in the order the command takes them. */
static int parse_range(struct cli *c, const struct cli_args *a, bool with_pa,
		       struct range_args *r)
{
	unsigned i = 2;

	*r = (struct range_args){ 0 };
	if (cli_need_table(c, a->pos[0].s, &r->pt) || cli_num(c, "VA", &a->pos[1], &r->va) ||
	    (with_pa && cli_num(c, "PA", &a->pos[i++], &r->pa)) ||
	    cli_num(c, "SIZE", &a->pos[i], &r->size))
		return -1;
	return 0;
}

/* --- traces ------------------------------------------------------------------ */

/* pgd_offset -> p4d_alloc (folded) -> pud_alloc -> ... -> set_pte */
static void print_map_chain(struct cli *c, const struct ptk_format *f, int leaf_lvl)
{
	enum ptk_pglevel leaf = f->level[leaf_lvl].pglevel;

	fprintf(c->out, "pgd_offset");
	for (int p = PTK_P4D; p <= (int)leaf; p++)
		fprintf(c->out, " -> %s_alloc%s", ptk_pglevel_name((enum ptk_pglevel)p),
			f->hwlevel_of[p] < 0 ? " (folded)" : "");
	fprintf(c->out, " -> set_%s\n", ptk_pglevel_name(leaf));
}

struct leaf_count {
	uint64_t n[PTK_MAX_LEVELS];
};

static int count_leaf(void *ctx, const struct ptk_mapping *map)
{
	struct leaf_count *lc = ctx;

	if (map->level >= 0 && map->level < PTK_MAX_LEVELS)
		lc->n[map->level]++;
	return 0;
}

static void trace_map(struct cli *c, const struct range_args *r, uint64_t tables_before)
{
	const struct ptk_format *f = ptk_machine_format(c->m);
	struct leaf_count lc = { { 0 } };
	char sz[32];

	ptk_for_each_mapping(r->pt, r->va, r->va + r->size - 1, count_leaf, &lc);
	for (int l = 0; l < f->nlevels; l++) {
		if (!lc.n[l])
			continue;
		fmt_size(ptk_level_size(f, (unsigned)l), sz, sizeof(sz));
		fprintf(c->out, "trace: %llu x %s: ", (unsigned long long)lc.n[l], sz);
		print_map_chain(c, f, l);
	}
	fprintf(c->out, "trace: table pages %llu -> %llu, frames in use %llu\n",
		(unsigned long long)tables_before,
		(unsigned long long)ptk_pgtable_nr_tables(r->pt),
		(unsigned long long)ptk_frames_in_use(c->m));
}

static void trace_change(struct cli *c, const struct ptk_pgtable *pt, uint64_t tables_before,
			 uint64_t flushes_before)
{
	fprintf(c->out, "trace: table pages %llu -> %llu, TLB flushes +%llu, frames in use %llu\n",
		(unsigned long long)tables_before, (unsigned long long)ptk_pgtable_nr_tables(pt),
		(unsigned long long)(ptk_pgtable_nr_flushes(pt) - flushes_before),
		(unsigned long long)ptk_frames_in_use(c->m));
}

/* pgd_offset [PML4] -> p4d_offset (folded) -> pud_offset [PDPT] -> ... */
static void trace_walk(struct cli *c, const struct ptk_format *f,
		       const struct ptk_walk_result *res)
{
	int last;

	fprintf(c->out, "trace:");
	if (!res->nsteps) {
		fprintf(c->out, " no level visited\n");
		return;
	}
	last = f->level[res->step[res->nsteps - 1].level].pglevel;
	for (int p = PTK_PGD; p <= last; p++) {
		int hw = f->hwlevel_of[p];

		fprintf(c->out, "%s %s_offset", p == PTK_PGD ? "" : " ->",
			ptk_pglevel_name((enum ptk_pglevel)p));
		if (hw < 0)
			fprintf(c->out, " (folded)");
		else
			fprintf(c->out, " [%s]", f->level[hw].hw_name);
	}
	fprintf(c->out, "%s\n", res->fault.kind ? " => fault" : " => page");
}

/* --- map, unmap, protect --------------------------------------------------- */

/* Leaves a map would create, counting no further than limit + 1. */
static uint64_t count_pages(const struct ptk_format *f, const struct range_args *r,
			    uint64_t page, uint64_t limit)
{
	uint64_t va = r->va, pa = r->pa, left = r->size, n = 0;

	if (page)
		return r->size / page;
	while (left && n <= limit) {
		uint64_t step = ptk_level_size(f, f->nlevels - 1u);

		for (unsigned l = 0; l < f->nlevels; l++) {
			uint64_t s = ptk_level_size(f, l);

			if (f->level[l].leaf && s <= left && !((va | pa) & (s - 1))) {
				step = s;
				break;
			}
		}
		va += step, pa += step, left -= step < left ? step : left;
		n++;
	}
	return n;
}

static int parse_page(struct cli *c, const char *s, uint64_t *page)
{
	*page = 0;
	if (!s || !strcmp(s, "auto"))
		return 0;
	return cli_num_str(c, "page", s, page);
}

int cmd_map(struct cli *c, const struct cli_args *a)
{
	const char *prot = cli_key(a, "prot");
	struct range_args r;
	uint64_t page, before, max = c->opt.max_map_pages;
	int rc;

	if (parse_range(c, a, true, &r) || parse_prot(c, prot ? prot : "rw", &r.prot) ||
	    parse_page(c, cli_key(a, "page"), &page))
		return -1;
	if (max && count_pages(ptk_machine_format(c->m), &r, page, max) > max)
		return cli_error(c, "more than %llu pages in one map", (unsigned long long)max);
	before = ptk_pgtable_nr_tables(r.pt);
	rc = ptk_map_range(r.pt, r.va, r.pa, r.size, &r.prot, page);
	if (rc)
		return cli_lib_error(c, rc);
	if (a->flags & CLI_F_TRACE)
		trace_map(c, &r, before);
	return 0;
}

int cmd_unmap(struct cli *c, const struct cli_args *a)
{
	struct range_args r;
	uint64_t tables, flushes;
	int rc;

	if (parse_range(c, a, false, &r))
		return -1;
	tables = ptk_pgtable_nr_tables(r.pt);
	flushes = ptk_pgtable_nr_flushes(r.pt);
	rc = ptk_unmap_range(r.pt, r.va, r.size);
	if (rc)
		return cli_lib_error(c, rc);
	if (a->flags & CLI_F_TRACE)
		trace_change(c, r.pt, tables, flushes);
	return 0;
}

int cmd_protect(struct cli *c, const struct cli_args *a)
{
	const char *prot = cli_key(a, "prot");
	struct range_args r;
	uint64_t tables, flushes;
	int rc;

	if (!prot)
		return cli_error(c, "missing prot=P (usage: %s)", a->cmd->usage);
	if (parse_range(c, a, false, &r) || parse_prot(c, prot, &r.prot))
		return -1;
	tables = ptk_pgtable_nr_tables(r.pt);
	flushes = ptk_pgtable_nr_flushes(r.pt);
	rc = ptk_protect_range(r.pt, r.va, r.size, &r.prot);
	if (rc)
		return cli_lib_error(c, rc);
	if (a->flags & CLI_F_TRACE)
		trace_change(c, r.pt, tables, flushes);
	return 0;
}

/* --- translate ---------------------------------------------------------------- */

static int parse_access(struct cli *c, const struct cli_args *a, struct ptk_walk_req *req)
{
	static const struct { const char *word; int access, user; } words[] = {
		{ "r", PTK_ACC_READ, -1 }, { "read", PTK_ACC_READ, -1 },
		{ "w", PTK_ACC_WRITE, -1 }, { "write", PTK_ACC_WRITE, -1 },
		{ "x", PTK_ACC_EXEC, -1 }, { "exec", PTK_ACC_EXEC, -1 },
		{ "user", -1, 1 }, { "kernel", -1, 0 },
	};
	bool seen_access = false, seen_mode = false;

	for (unsigned i = 2; i < a->npos; i++) {
		size_t k = 0;

		while (k < sizeof(words) / sizeof(words[0]) && strcmp(words[k].word, a->pos[i].s))
			k++;
		if (k == sizeof(words) / sizeof(words[0]) || a->pos[i].quoted ||
		    (words[k].access >= 0 && seen_access) || (words[k].user >= 0 && seen_mode))
			return cli_error(c, "'%s': expected one access (r|w|x) and one mode "
					 "(user|kernel)", a->pos[i].s);
		if (words[k].access >= 0)
			req->access = (enum ptk_access)words[k].access, seen_access = true;
		else
			req->user = words[k].user, seen_mode = true;
	}
	return 0;
}

static void json_walk_steps(struct json *j, const struct ptk_format *f,
			    const struct ptk_walk_result *res)
{
	char bits[128];

	json_arr_begin(j, "steps");
	for (unsigned i = 0; i < res->nsteps; i++) {
		const struct ptk_walk_step *s = &res->step[i];

		f->ops->describe(f, (unsigned)s->level, s->entry, bits, sizeof(bits));
		json_obj_begin(j, NULL);
		json_int(j, "level", s->level);
		json_str(j, "pglevel", ptk_pglevel_name(f->level[s->level].pglevel));
		json_str(j, "hw_name", f->level[s->level].hw_name);
		json_u64(j, "index", s->index);
		json_hex(j, "entry_pa", s->entry_pa);
		json_hex(j, "entry", s->entry);
		json_str(j, "bits", bits);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_walk(struct cli *c, const struct ptk_pgtable *pt,
		      const struct ptk_walk_req *req, const struct ptk_walk_result *res)
{
	const struct ptk_format *f = ptk_machine_format(c->m);
	struct ptk_prot p = { res->acc.perm, res->acc.memtype, res->acc.pkey };
	char perms[64];
	struct json j;

	json_init(&j, c->out);
	json_obj_begin(&j, NULL);
	json_str(&j, "cmd", "translate");
	json_str(&j, "table", ptk_pgtable_name(pt));
	json_hex(&j, "va", req->va);
	json_str(&j, "access", ptk_access_name(req->access));
	json_bool(&j, "user", req->user);
	json_u64(&j, "root", res->root);
	json_walk_steps(&j, f, res);
	if (res->fault.kind == PTK_FAULT_NONE) {
		ptk_prot_format(f, &p, perms, sizeof(perms));
		json_obj_begin(&j, "result");
		json_hex(&j, "pa", res->pa);
		json_hex(&j, "page_size", res->page_size);
		json_str(&j, "perms", perms);
	} else {
		json_obj_begin(&j, "fault");
		json_str(&j, "kind", ptk_fault_id(res->fault.kind));
		json_str(&j, "description", ptk_fault_name(res->fault.kind));
		json_int(&j, "level", res->fault.level);
		json_hex(&j, "syndrome", res->fault.syndrome);
	}
	json_obj_end(&j);
	json_obj_end(&j);
}

int cmd_translate(struct cli *c, const struct cli_args *a)
{
	struct ptk_walk_req req = { .access = PTK_ACC_READ };
	struct ptk_walk_result res;
	struct ptk_pgtable *pt;

	if (cli_need_table(c, a->pos[0].s, &pt) || cli_num(c, "VA", &a->pos[1], &req.va) ||
	    parse_access(c, a, &req))
		return -1;
	req.no_update = a->flags & CLI_F_NO_UPDATE;
	memset(&res, 0, sizeof(res));
	ptk_translate(c->m, pt, &req, &res);
	if ((a->flags & CLI_F_TRACE) && !(a->flags & CLI_F_JSON))
		trace_walk(c, ptk_machine_format(c->m), &res);
	if (a->flags & CLI_F_JSON)
		json_walk(c, pt, &req, &res);
	else
		ptk_print_walk(pt, &req, &res, c->out);
	return 0;
}

/* --- ptdump ---------------------------------------------------------------------- */

struct dump_ctx {
	struct json *j;
	const struct ptk_format *f;
};

static int json_mapping(void *ctx, const struct ptk_mapping *map)
{
	struct dump_ctx *d = ctx;
	char prot[64];

	ptk_prot_format(d->f, &map->prot, prot, sizeof(prot));
	json_obj_begin(d->j, NULL);
	json_hex(d->j, "va", map->va);
	json_hex(d->j, "pa", map->pa);
	json_hex(d->j, "size", map->size);
	json_int(d->j, "level", map->level);
	json_str(d->j, "pglevel", ptk_pglevel_name(d->f->level[map->level].pglevel));
	json_hex(d->j, "entry_pa", map->entry_pa);
	json_hex(d->j, "entry", map->entry);
	json_str(d->j, "prot", prot);
	json_obj_end(d->j);
	return 0;
}

int cmd_ptdump(struct cli *c, const struct cli_args *a)
{
	struct ptk_pgtable *pt;
	struct dump_ctx d;
	struct json j;
	int rc;

	if (cli_need_table(c, a->pos[0].s, &pt))
		return -1;
	if (!(a->flags & CLI_F_JSON)) {
		rc = ptk_ptdump(pt, c->out);
		return rc ? cli_lib_error(c, rc) : 0;
	}
	d = (struct dump_ctx){ &j, ptk_machine_format(c->m) };
	json_init(&j, c->out);
	json_obj_begin(&j, NULL);
	json_str(&j, "cmd", "ptdump");
	json_str(&j, "table", ptk_pgtable_name(pt));
	json_arr_begin(&j, "mappings");
	rc = ptk_for_each_mapping(pt, 0, UINT64_MAX, json_mapping, &d);
	json_arr_end(&j);
	json_obj_end(&j);
	return rc ? cli_lib_error(c, rc) : 0;
}
