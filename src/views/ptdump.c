// SPDX-License-Identifier: MIT
/*
 * ptdump: the kernel's page-table dump (mm/ptdump.c driving the
 * architecture's note_page()), line for line.  Runs of entries with equal
 * attributes, equal effective permissions and equal level are merged; a
 * marker line opens each named region of the address space.
 */
#include <stdio.h>

#include <ptkit/views.h>
#include "pgtable/pgtable_priv.h"


struct pg_state {
	const struct ptk_pgtable *pt;
	FILE *out;
	int level;			/* -1 before the first entry */
	uint64_t current_prot, effective_prot;
	uint32_t eff_at[PTK_MAX_LEVELS];
	uint64_t start_address;
	const struct ptk_marker *marker;
	unsigned long lines;
	uint64_t visits;
};

static void print_run(struct pg_state *st, uint64_t addr)
{
	static const char units[] = "BKMGTPE";
	const char *unit = units;
	bool a32 = st->pt->f->ptdump_flags & PTK_PTDUMP_ADDR32;
	uint64_t delta = (addr - st->start_address) & (a32 ? 0xffffffffull : ~0ull);
	char prot[96];

	if (a32)
		fprintf(st->out, "0x%08llx-0x%08llx   ", (unsigned long long)st->start_address,
			(unsigned long long)(addr & 0xffffffffull));
	else
		fprintf(st->out, "0x%016llx-0x%016llx   ", (unsigned long long)st->start_address,
			(unsigned long long)addr);
	while (!(delta & 1023) && unit[1]) {
		delta >>= 10;
		unit++;
	}
	st->pt->f->ops->ptdump_prot(st->pt->f, st->level, st->current_prot, prot, sizeof(prot));
	if (st->pt->f->ptdump_flags & PTK_PTDUMP_LEVEL_IN_PROT)
		fprintf(st->out, "%9llu%c %s\n", (unsigned long long)delta, *unit, prot);
	else
		fprintf(st->out, "%9llu%c %s%s\n", (unsigned long long)delta, *unit, prot,
			ptk_pglevel_name((enum ptk_pglevel)st->level));
}

static void next_marker(struct pg_state *st)
{
	if (st->marker->max_lines && st->lines > st->marker->max_lines) {
		unsigned long nskip = st->lines - st->marker->max_lines;

		fprintf(st->out, "... %lu entr%s skipped ... \n", nskip, nskip == 1 ? "y" : "ies");
	}
	st->marker++;
	st->lines = 0;
	fprintf(st->out, "---[ %s ]---\n", st->marker->name);
}

static bool past_next_marker(const struct pg_state *st, uint64_t addr)
{
	return st->marker[1].name && addr >= st->marker[1].start;
}

/* note_page() of arch/x86/mm/dump_pagetables.c, format-neutral; the
 * format's flags make it arch/arm64/mm/ptdump.c's. */
static void note_page(struct pg_state *st, uint64_t addr, int level, uint64_t val,
		      uint64_t eff, uint64_t table_entry)
{
	const struct ptk_format *f = st->pt->f;
	unsigned flags = f->ptdump_flags;
	uint64_t new_prot = !val ? 0 : f->ops->ptdump_val
				       ? f->ops->ptdump_val(f, level, val, table_entry)
				       : val & f->ptdump_mask;
	uint64_t new_eff = val && !(flags & PTK_PTDUMP_NO_EFFECTIVE)
			   ? eff & (PTK_PROT_WRITE | PTK_PROT_USER | PTK_PROT_EXEC) : 0;

	if (st->level == -1) {
		st->current_prot = new_prot;
		st->effective_prot = new_eff;
		st->level = level;
		st->start_address = addr;	/* x86 dumps from 0: the same */
		st->marker = st->pt->f->markers;
		st->lines = 0;
		fprintf(st->out, "---[ %s ]---\n", st->marker->name);
		if ((flags & PTK_PTDUMP_MARKER_TWICE) && past_next_marker(st, addr))
			next_marker(st);
		return;
	}
	if (new_prot == st->current_prot && new_eff == st->effective_prot &&
	    level == st->level && !past_next_marker(st, addr))
		return;
	if ((flags & PTK_PTDUMP_SKIP_EMPTY) && !st->current_prot)
		;	/* arm's note_page(): if (st->current_prot) print */
	else if (!st->marker->max_lines || st->lines < st->marker->max_lines)
		print_run(st, addr);
	st->lines++;
	if (past_next_marker(st, addr))
		next_marker(st);
	if ((flags & PTK_PTDUMP_MARKER_TWICE) && past_next_marker(st, addr))
		next_marker(st);
	st->start_address = addr;
	st->current_prot = new_prot;
	st->effective_prot = new_eff;
	st->level = level;
}

static int dump_table(struct pg_state *st, unsigned lvl, uint64_t table_pa, uint64_t table_entry,
		      uint64_t base, uint64_t start, uint64_t last)
{
	const struct ptk_format *f = st->pt->f;
	const uint8_t *t = table_for_read(st->pt, lvl, table_pa);
	uint64_t span = ptk_level_size(f, lvl);
	int pl = (int)f->level[lvl].pglevel;

	if (!t)
		return ptk_err(&st->pt->m->err, -EFAULT, "table at %#llx is outside RAM",
			       (unsigned long long)table_pa);
	for (unsigned i = 0; i < ptk_entries_per_table(f, lvl); i++) {
		uint64_t va = ptk_va_canonical(f, base + (uint64_t)i * span);
		uint64_t raw = table_get(f, t, i);
		struct ptk_desc d;
		int rc;

		if (va + span - 1 < start || va > last)
			continue;
		if (++st->visits > PTK_WALK_MAX_VISITS)
			return ptk_err(&st->pt->m->err, -ELOOP,
				       "more than %llu entries: tables loop or are shared",
				       PTK_WALK_MAX_VISITS);
		f->ops->decode(f, lvl, raw, &d);
		st->eff_at[lvl] = (lvl ? st->eff_at[lvl - 1] : ~0u) & d.prot.flags;
		if (va < start)
			va = start;
		if (d.type == PTK_DESC_TABLE && lvl + 1 < f->nlevels) {
			rc = dump_table(st, lvl + 1, d.addr, raw, va & ~(span - 1), start, last);
			if (rc)
				return rc;
			continue;
		}
		note_page(st, va, pl, raw, st->eff_at[lvl], table_entry);
	}
	return 0;
}

int ptk_ptdump(const struct ptk_pgtable *pt, FILE *out)
{
	const struct ptk_format *f = pt->f;
	struct pg_state st = { .pt = pt, .out = out, .level = -1 };

	for (const struct ptk_va_range *r = f->dump_ranges; r->end; r++) {
		struct ptk_fault fault;
		int root = f->ops->select_root(f, &pt->m->cpu, r->start, &fault);
		int rc;

		if (root < 0)
			continue;
		rc = dump_table(&st, f->root_level[root], pt->root[root], 0, f->root_base[root],
				r->start, r->end);
		if (rc)
			return rc;
	}
	/* Flush out the last run, as ptdump_walk_pgd() does with addr 0. */
	if (st.level != -1)
		note_page(&st, 0, -1, 0, 0, 0);
	return 0;
}
