// SPDX-License-Identifier: MIT
/* Describing the machine: 'info', the line 'machine' prints, registers. */
#include <string.h>

#include "cli/cli.h"

static unsigned long long ull(uint64_t v) { return (unsigned long long)v; }

/* "pgd=PML4 p4d=folded pud=PDPT pmd=PD pte=PT" */
static void print_levels(FILE *out, const struct ptk_format *f)
{
	for (int p = PTK_PGD; p < PTK_NR_PGLEVELS; p++) {
		int hw = f->hwlevel_of[p];

		fprintf(out, "%s%s=%s", p ? " " : "", ptk_pglevel_name((enum ptk_pglevel)p),
			hw < 0 ? "folded" : f->level[hw].hw_name);
	}
}

void cli_print_machine_line(struct cli *c)
{
	const struct ptk_format *f = ptk_machine_format(c->m);
	const struct ptk_phys *ph = ptk_machine_phys_const(c->m);
	char sz[32];

	fmt_size(ptk_phys_ram_bytes(ph), sz, sizeof(sz));
	fprintf(c->out, "machine %s: %u levels (", f->name, f->nlevels);
	print_levels(c->out, f);
	fprintf(c->out, "), %u-bit VA, %u-bit PA, RAM %s in %zu range%s", f->va_bits,
		ptk_phys_pa_bits(ph), sz, ptk_phys_nr_ranges(ph),
		ptk_phys_nr_ranges(ph) == 1 ? "" : "s");
	if (ptk_machine_nr_reserved(c->m))
		fprintf(c->out, ", %zu reserved", ptk_machine_nr_reserved(c->m));
	fputc('\n', c->out);
}

void cli_print_table_line(struct cli *c, const struct ptk_pgtable *pt)
{
	const struct ptk_format *f = ptk_machine_format(c->m);

	fprintf(c->out, "%s:", ptk_pgtable_name(pt));
	for (unsigned r = 0; r < ptk_pgtable_nroots(pt); r++)
		fprintf(c->out, "%s root %u = 0x%llx (%s)", r ? "," : "", r,
			ull(ptk_pgtable_root(pt, r)), f->level[f->root_level[r]].hw_name);
}

/* --- registers ------------------------------------------------------------------ */

static void print_reg(FILE *out, const struct cli_reg *r, uint64_t v)
{
	char bits[256];

	switch (r->kind) {
	case CLI_REG_U64: fprintf(out, "%-8s 0x%016llx", r->name, ull(v)); break;
	case CLI_REG_U32: fprintf(out, "%-8s 0x%08llx", r->name, ull(v)); break;
	default: fprintf(out, "%-8s %llu", r->name, ull(v)); break;
	}
	cli_reg_decode(r, v, bits, sizeof(bits));
	fprintf(out, "%s%s\n", bits[0] ? "  " : "", bits);
}

/* The registers that go with a new tree's roots (arm64: TCR_EL1, MAIR_EL1). */
void cli_print_pgd_regs(struct cli *c)
{
	const struct ptk_format *f = ptk_machine_format(c->m);
	const struct cli_arch *ar = cli_arch_find(f->arch);

	for (const char *const *n = ar && ar->pgd_regs ? ar->pgd_regs(f) : NULL; n && *n; n++) {
		const struct cli_reg *r = cli_reg_find(ar, *n);

		fprintf(c->out, "  ");
		print_reg(c->out, r, cli_reg_get(ptk_machine_cpu(c->m), r));
	}
}

void cli_print_cpu(struct cli *c)
{
	const struct cli_arch *ar = cli_arch_find(ptk_machine_format(c->m)->arch);
	const struct ptk_cpu *cpu = ptk_machine_cpu(c->m);

	for (const struct cli_reg *r = ar ? ar->regs : NULL; r && r->name; r++)
		print_reg(c->out, r, cli_reg_get(cpu, r));
}

void cli_json_cpu(struct json *j, struct ptk_machine *m)
{
	const struct cli_arch *ar = cli_arch_find(ptk_machine_format(m)->arch);
	const struct ptk_cpu *cpu = ptk_machine_cpu(m);

	json_obj_begin(j, "cpu");
	for (const struct cli_reg *r = ar ? ar->regs : NULL; r && r->name; r++) {
		if (r->kind == CLI_REG_BOOL)
			json_u64(j, r->name, cli_reg_get(cpu, r));
		else
			json_hex(j, r->name, cli_reg_get(cpu, r));
	}
	json_obj_end(j);
}

/* --- JSON -------------------------------------------------------------------------- */

static void json_range(struct json *j, struct ptk_phys_range r)
{
	json_obj_begin(j, NULL);
	json_hex(j, "base", r.base);
	json_hex(j, "size", r.size);
	json_obj_end(j);
}

static void json_machine_body(struct json *j, struct ptk_machine *m)
{
	const struct ptk_format *f = ptk_machine_format(m);
	const struct ptk_phys *ph = ptk_machine_phys_const(m);

	json_str(j, "format", f->name);
	json_str(j, "arch", f->arch);
	json_u64(j, "levels", f->nlevels);
	json_u64(j, "va_bits", f->va_bits);
	json_u64(j, "pa_bits", ptk_phys_pa_bits(ph));
	json_arr_begin(j, "ram");
	for (size_t i = 0; i < ptk_phys_nr_ranges(ph); i++)
		json_range(j, ptk_phys_range_at(ph, i));
	json_arr_end(j);
	json_arr_begin(j, "reserved");
	for (size_t i = 0; i < ptk_machine_nr_reserved(m); i++)
		json_range(j, ptk_machine_reserved_at(m, i));
	json_arr_end(j);
	cli_json_cpu(j, m);
}

void cli_json_machine(struct cli *c, const char *cmd)
{
	struct json j;

	json_init(&j, c->out);
	json_obj_begin(&j, NULL);
	json_str(&j, "cmd", cmd);
	json_machine_body(&j, c->m);
	json_obj_end(&j);
}

void cli_json_info(struct cli *c, const char *cmd)
{
	struct json j;

	json_init(&j, c->out);
	json_obj_begin(&j, NULL);
	json_str(&j, "cmd", cmd);
	json_machine_body(&j, c->m);
	json_arr_begin(&j, "tables");
	for (struct ptk_pgtable *pt = ptk_pgtable_first(c->m); pt; pt = ptk_pgtable_next(pt)) {
		json_obj_begin(&j, NULL);
		json_str(&j, "name", ptk_pgtable_name(pt));
		json_arr_begin(&j, "roots");
		for (unsigned r = 0; r < ptk_pgtable_nroots(pt); r++)
			json_hex(&j, NULL, ptk_pgtable_root(pt, r));
		json_arr_end(&j);
		json_u64(&j, "table_pages", ptk_pgtable_nr_tables(pt));
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_u64(&j, "frames_in_use", ptk_frames_in_use(c->m));
	json_obj_end(&j);
}

/* --- info ------------------------------------------------------------------------------ */

/* One line of a range list: the label on the first line only. */
static void info_range(struct cli *c, const char *label, size_t i, struct ptk_phys_range r)
{
	char sz[32];

	fmt_size(r.size, sz, sizeof(sz));
	fprintf(c->out, "%-8s 0x%012llx-0x%012llx  %s\n", i ? "" : label, ull(r.base),
		ull(r.base + r.size - 1), sz);
}

static void info_ram(struct cli *c)
{
	const struct ptk_phys *ph = ptk_machine_phys_const(c->m);
	char sz[32], backed[32];

	for (size_t i = 0; i < ptk_phys_nr_ranges(ph); i++)
		info_range(c, "ram", i, ptk_phys_range_at(ph, i));
	fmt_size(ptk_phys_ram_bytes(ph), sz, sizeof(sz));
	fmt_size(ptk_phys_backed_bytes(ph), backed, sizeof(backed));
	fprintf(c->out, "%-8s %s total, %s backed by host memory\n", "", sz, backed);
	for (size_t i = 0; i < ptk_machine_nr_reserved(c->m); i++)
		info_range(c, "reserved", i, ptk_machine_reserved_at(c->m, i));
}

int cmd_info(struct cli *c, const struct cli_args *a)
{
	const struct ptk_format *f = ptk_machine_format(c->m);

	if (a->flags & CLI_F_JSON) {
		cli_json_info(c, "info");
		return 0;
	}
	fprintf(c->out, "%-8s %s (%s): ", "format", f->name, f->arch);
	print_levels(c->out, f);
	fprintf(c->out, ", %u-bit VA\n%-8s %u bits\n", f->va_bits, "pa_bits",
		ptk_phys_pa_bits(ptk_machine_phys_const(c->m)));
	info_ram(c);
	cli_print_cpu(c);
	for (struct ptk_pgtable *pt = ptk_pgtable_first(c->m); pt; pt = ptk_pgtable_next(pt)) {
		fprintf(c->out, "%-8s ", "table");
		cli_print_table_line(c, pt);
		fprintf(c->out, ", %llu table page%s\n", ull(ptk_pgtable_nr_tables(pt)),
			ptk_pgtable_nr_tables(pt) == 1 ? "" : "s");
	}
	if (!ptk_pgtable_first(c->m))
		fprintf(c->out, "%-8s none\n", "table");
	fprintf(c->out, "%-8s %llu in use\n", "frames", ull(ptk_frames_in_use(c->m)));
	return 0;
}

/* --- memblock ------------------------------------------------------------------------ */

static void json_memblock_type(struct json *j, const struct ptk_memblock *mb,
			       enum ptk_memblock_type type, const char *name)
{
	json_arr_begin(j, name);
	for (size_t i = 0; i < ptk_memblock_count(mb, type); i++) {
		struct ptk_memblock_region r = ptk_memblock_region_at(mb, type, i);

		json_obj_begin(j, NULL);
		json_hex(j, "base", r.base);
		json_hex(j, "size", r.size);
		json_u64(j, "flags", r.flags);
		if (r.nid != PTK_MEMBLOCK_NO_NODE)
			json_u64(j, "nid", (uint64_t)r.nid);
		json_obj_end(j);
	}
	json_arr_end(j);
}

int cmd_memblock(struct cli *c, const struct cli_args *a)
{
	const struct ptk_memblock *mb = ptk_machine_memblock(c->m);
	struct json j;

	if (strcmp(a->pos[0].s, "dump"))
		return cli_error(c, "'%s': expected 'dump' (usage: %s)", a->pos[0].s,
				 a->cmd->usage);
	if (!(a->flags & CLI_F_JSON)) {
		ptk_memblock_dump(mb, c->out);
		return 0;
	}
	json_init(&j, c->out);
	json_obj_begin(&j, NULL);
	json_str(&j, "cmd", "memblock");
	json_hex(&j, "memory_size", ptk_memblock_phys_mem_size(mb));
	json_hex(&j, "reserved_size", ptk_memblock_reserved_size(mb));
	json_memblock_type(&j, mb, PTK_MEMBLOCK_MEMORY, "memory");
	json_memblock_type(&j, mb, PTK_MEMBLOCK_RESERVED, "reserved");
	json_obj_end(&j);
	return 0;
}
