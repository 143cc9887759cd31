// SPDX-License-Identifier: MIT
/*
 * A translation shown level by level, for people: how the VA splits into
 * indices, and at each level the entry's address, value and decoded bits.
 */
#include <stdio.h>
#include <string.h>

#include <ptkit/views.h>
#include "pgtable/pgtable_priv.h"

static unsigned long long ull(uint64_t v) { return (unsigned long long)v; }

/* From the level where the serving root starts. */
static void print_split(const struct ptk_format *f, unsigned first, uint64_t va, FILE *out)
{
	unsigned last = f->nlevels - 1u;

	fprintf(out, "  va 0x%016llx:", ull(va));
	for (unsigned l = first; l < f->nlevels; l++)
		fprintf(out, " %s[%u:%u]=%u", ptk_pglevel_name(f->level[l].pglevel),
			f->level[l].shift + f->level[l].bits - 1, f->level[l].shift,
			ptk_level_index(f, l, va));
	fprintf(out, " offset[%u:0]=%#llx\n", f->level[last].shift - 1,
		ull(va & (ptk_level_size(f, last) - 1)));
}

static void print_size(uint64_t size, FILE *out)
{
	static const char units[] = "KMGT";
	unsigned u = 0;

	size >>= 10;
	while (size >= 1024 && !(size & 1023) && units[u + 1]) {
		size >>= 10;
		u++;
	}
	fprintf(out, "%llu%c", ull(size), units[u]);
}

static void print_step(const struct ptk_format *f, const struct ptk_walk_step *s, FILE *out)
{
	struct ptk_desc d;
	char bits[128];

	f->ops->describe(f, (unsigned)s->level, s->entry, bits, sizeof(bits));
	if (!s->entry)
		snprintf(bits, sizeof(bits), "(none)");
	f->ops->decode(f, (unsigned)s->level, s->entry, &d);
	fprintf(out, "  %-4s %-4s [%3u] @ 0x%012llx = 0x%016llx  %-28s",
		ptk_pglevel_name(f->level[s->level].pglevel), f->level[s->level].hw_name,
		s->index, ull(s->entry_pa), ull(s->entry), bits);
	if (d.type == PTK_DESC_TABLE)
		fprintf(out, " -> table 0x%llx\n", ull(d.addr));
	else if (d.type == PTK_DESC_LEAF) {
		fprintf(out, " -> page 0x%llx (", ull(d.addr));
		print_size(ptk_level_size(f, (unsigned)s->level), out);
		fprintf(out, ")\n");
	} else
		fprintf(out, "\n");
}

static void print_fault(const struct ptk_pgtable *pt, const struct ptk_walk_result *res,
			FILE *out)
{
	const struct ptk_format *f = pt->f;
	const struct ptk_fault *ft = &res->fault;

	fprintf(out, "  => fault: %s", ptk_fault_name(ft->kind));
	/* At the entry read last; the level as the architecture numbers it. */
	if (res->nsteps)
		fprintf(out, " at %s (level %d)",
			ptk_pglevel_name(f->level[res->step[res->nsteps - 1].level].pglevel),
			ft->level);
	if (ft->kind != PTK_FAULT_NON_CANONICAL && f->syndrome_name)
		fprintf(out, ", %s %#llx", f->syndrome_name, ull(ft->syndrome));
	fprintf(out, "\n");
}

int ptk_print_walk(const struct ptk_pgtable *pt, const struct ptk_walk_req *req,
		   const struct ptk_walk_result *res, FILE *out)
{
	const struct ptk_format *f = pt->f;
	char prot[64];
	struct ptk_prot p;

	fprintf(out, "translate 0x%016llx %s %s (root %u = 0x%llx)\n", ull(req->va),
		ptk_access_name(req->access), req->user ? "user" : "kernel", res->root,
		ull(pt->root[res->root]));
	if (res->fault.kind != PTK_FAULT_NON_CANONICAL)
		print_split(f, f->root_level[res->root], req->va, out);
	for (unsigned i = 0; i < res->nsteps; i++)
		print_step(f, &res->step[i], out);
	if (res->fault.kind != PTK_FAULT_NONE) {
		print_fault(pt, res, out);
		return 0;
	}
	p = (struct ptk_prot){ res->acc.perm, res->acc.memtype, res->acc.pkey };
	ptk_prot_format(f, &p, prot, sizeof(prot));
	fprintf(out, "  => pa 0x%llx (", ull(res->pa));
	print_size(res->page_size, out);
	fprintf(out, " page, effective %s)\n", prot);
	return 0;
}
