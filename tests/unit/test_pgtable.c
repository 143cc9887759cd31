// SPDX-License-Identifier: MIT
/* pgtable/: the kernel-named primitives and the range operations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/x86_64.h>
#include "pgtable/range.h"
#include "ptk_test.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct fixture {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
};

static int setup_fmt(void **state, const char *fmt)
{
	static const struct ptk_phys_range ram[] = { { 0, 4 * GiB }, { 1ull << 36, 64 * GiB } };
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->m = ptk_test_machine(fmt, ram, 2, 40);
	fx->f = ptk_machine_format(fx->m);
	assert_int_equal(ptk_pgd_alloc(fx->m, "pt", &fx->pt), 0);
	*state = fx;
	return 0;
}

static int setup4(void **state) { return setup_fmt(state, "x86_64-4level"); }
static int setup5(void **state) { return setup_fmt(state, "x86_64-5level"); }

static int teardown(void **state)
{
	struct fixture *fx = *state;

	ptk_test_check_tree(fx->pt);
	ptk_machine_destroy(fx->m);
	free(fx);
	return 0;
}

static struct ptk_prot prot(const struct fixture *fx, const char *s)
{
	struct ptk_prot p;

	assert_int_equal(ptk_prot_parse(fx->f, s, &p), 0);
	return p;
}

static int xlate(struct fixture *fx, uint64_t va, enum ptk_access acc, bool user,
		 struct ptk_walk_result *res)
{
	struct ptk_walk_req req = { .va = va, .access = acc, .user = user, .no_update = true };

	return ptk_translate(fx->m, fx->pt, &req, res);
}

static uint64_t pa_of(struct fixture *fx, uint64_t va)
{
	struct ptk_walk_result res;

	if (xlate(fx, va, PTK_ACC_READ, false, &res))
		return ~0ull;
	return res.pa;
}

/* The seed-000 chain by hand: pgd_offset, p4d_alloc (folded on 4-level),
 * pud_alloc, pmd_alloc, pte_alloc, set_pte(mk_pte()). */
static void primitives_build_a_mapping(void **state)
{
	struct fixture *fx = *state;
	uint64_t va = 0x7f1234567000ull, pte;
	struct ptk_prot p = prot(fx, "rw");
	ptk_ptep_t pgd, p4d, pud, pmd, ptep;

	pgd = ptk_pgd_offset(fx->pt, va);
	assert_int_equal(pgd.pa, ptk_pgtable_root(fx->pt, 0) + 8 * ptk_level_index(fx->f, 0, va));
	assert_int_equal(ptk_p4d_alloc(fx->pt, pgd, va, &p4d), 0);
	if (fx->f->hwlevel_of[PTK_P4D] < 0)
		assert_true(p4d.pa == pgd.pa && p4d.level == pgd.level);	/* folded */
	assert_int_equal(ptk_pud_alloc(fx->pt, p4d, va, &pud), 0);
	assert_int_equal(ptk_pmd_alloc(fx->pt, pud, va, &pmd), 0);
	assert_int_equal(ptk_pte_alloc(fx->pt, pmd, va, &ptep), 0);
	assert_true(ptk_entry_none(fx->pt, ptep, ptk_entry_read(fx->pt, ptep)));
	assert_int_equal(ptk_mk_pte(fx->f, 0x3000, &p, &pte), 0);
	assert_int_equal(pte, 0x8000000000003003ull);
	assert_int_equal(ptk_pte_pfn(fx->f, pte), 3);
	assert_int_equal(ptk_set_pte(fx->pt, ptep, pte), 0);
	assert_int_equal(pa_of(fx, va + 0x123), 0x3123);
	/* The offsets find what the allocations made. */
	assert_int_equal(ptk_pte_offset(fx->pt, ptk_pmd_offset(fx->pt, ptk_pud_offset(fx->pt,
			 ptk_p4d_offset(fx->pt, pgd, va), va), va), va).pa, ptep.pa);
	assert_int_equal(ptk_pgtable_nr_tables(fx->pt), fx->f->nlevels);
	assert_int_equal(ptk_unmap_range(fx->pt, va, 4 * KiB), 0);
	assert_int_equal(ptk_pgtable_nr_tables(fx->pt), 1);
}

struct level_count {
	uint64_t n[PTK_MAX_LEVELS];
};

static int count_levels(void *ctx, const struct ptk_mapping *map)
{
	((struct level_count *)ctx)->n[map->level]++;
	return 0;
}

static struct level_count leaves(struct fixture *fx)
{
	struct level_count c = { { 0 } };

	ptk_for_each_mapping(fx->pt, 0, ~0ull, count_levels, &c);
	return c;
}

/* Auto page size: the largest that VA and PA alignment allow, as
 * alloc_init_pud() tries 1 GiB blocks before 2 MiB before 4 KiB. */
static void auto_picks_largest_pages(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot p = prot(fx, "rw");
	unsigned pud = (unsigned)fx->f->hwlevel_of[PTK_PUD];
	struct level_count c;

	/* 4K + 2M + 1G + 2M + 4K, laid out so each piece is aligned. */
	assert_int_equal(ptk_map_range(fx->pt, GiB - 2 * MiB - 4 * KiB, GiB - 2 * MiB - 4 * KiB,
				       GiB + 4 * MiB + 8 * KiB, &p, 0), 0);
	c = leaves(fx);
	assert_int_equal(c.n[pud], 1);
	assert_int_equal(c.n[pud + 1], 2);
	assert_int_equal(c.n[pud + 2], 2);
	assert_int_equal(pa_of(fx, GiB + 12345), GiB + 12345);
	/* Misaligned VA and PA modulo 2 MiB: only 4K pages are possible. */
	assert_int_equal(ptk_map_range(fx->pt, 8 * GiB, 8 * GiB + 4 * KiB, 4 * MiB, &p, 0), 0);
	c = leaves(fx);
	assert_int_equal(c.n[pud + 2], 2 + 1024);
}

static void forced_page_sizes(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot p = prot(fx, "rw");
	unsigned pud = (unsigned)fx->f->hwlevel_of[PTK_PUD];
	struct level_count c;

	assert_int_equal(ptk_map_range(fx->pt, 0, 0, 2 * GiB, &p, 2 * MiB), 0);
	c = leaves(fx);
	assert_int_equal(c.n[pud + 1], 1024);
	assert_int_equal(c.n[pud], 0);
	assert_int_equal(ptk_map_range(fx->pt, 4 * GiB, 4 * GiB, 8 * MiB, &p, 4 * KiB), 0);
	assert_int_equal(leaves(fx).n[pud + 2], 2048);
	/* A size that is not a page of this format, and misalignment to it. */
	assert_int_equal(ptk_map_range(fx->pt, 8 * GiB, 0, 4 * MiB, &p, 4 * MiB), -EINVAL);
	assert_non_null(strstr(ptk_machine_errmsg(fx->m), "no 4096 KiB pages"));
	assert_int_equal(ptk_map_range(fx->pt, 8 * GiB + 4 * KiB, 0, 2 * MiB, &p, 2 * MiB), -EINVAL);
}

static void bad_ranges_change_nothing(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot p = prot(fx, "rw");
	uint64_t tables;

	assert_int_equal(ptk_map_range(fx->pt, 0x200000, 0x200000, 0x400000, &p, 0), 0);
	tables = ptk_pgtable_nr_tables(fx->pt);
	/* Overlap: the range's tail is mapped, so nothing at all is written. */
	assert_int_equal(ptk_map_range(fx->pt, 0, 0x10000000, 0x201000, &p, 0), -EEXIST);
	assert_non_null(strstr(ptk_machine_errmsg(fx->m), "existing mapping at 0x200000"));
	assert_int_equal(pa_of(fx, 0), ~0ull);
	assert_int_equal(ptk_pgtable_nr_tables(fx->pt), tables);
	assert_int_equal(ptk_map_range(fx->pt, 0x1001, 0, 0x1000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx->pt, 0x1000, 0, 0, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx->pt, 0x1000, 1ull << 40, 0x1000, &p, 0), -ERANGE);
	assert_non_null(strstr(ptk_machine_errmsg(fx->m), "40-bit physical width"));
	/* Non-canonical, and a range that would cross the canonical hole. */
	assert_int_equal(ptk_map_range(fx->pt, 1ull << 60, 0, 0x1000, &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx->pt, (1ull << (fx->f->va_bits - 1)) - 0x1000, 0, 0x2000,
				       &p, 0), -EINVAL);
	assert_int_equal(ptk_map_range(fx->pt, ~0ull - 0xfff, 0, 0x2000, &p, 0), -ERANGE);
	assert_int_equal(ptk_protect_range(fx->pt, 0x100000, 0x200000, &p), -ENOENT);
	assert_int_equal(ptk_pgtable_nr_tables(fx->pt), tables);
}

/* Unmapping 4K out of a 1G page splits 1G -> 2M -> 4K and nothing else. */
static void unmap_splits_only_where_cut(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot p = prot(fx, "rwg");
	unsigned pud = (unsigned)fx->f->hwlevel_of[PTK_PUD];
	struct level_count c;

	assert_int_equal(ptk_map_range(fx->pt, 0xffff888000000000ull, 0, GiB, &p, 0), 0);
	assert_int_equal(ptk_unmap_range(fx->pt, 0xffff888000201000ull, 4 * KiB), 0);
	c = leaves(fx);
	assert_int_equal(c.n[pud], 0);
	assert_int_equal(c.n[pud + 1], 511);
	assert_int_equal(c.n[pud + 2], 511);
	assert_int_equal(pa_of(fx, 0xffff888000201000ull), ~0ull);
	assert_int_equal(pa_of(fx, 0xffff888000202000ull), 0x202000);
	assert_int_equal(pa_of(fx, 0xffff888000200fffull), 0x200fff);
	assert_int_equal(pa_of(fx, 0xffff88803fffffffull), 0x3fffffff);
	/* The split kept every attribute: global, writable, NX. */
	{
		struct ptk_walk_result res;

		assert_int_equal(xlate(fx, 0xffff888000202000ull, PTK_ACC_WRITE, false, &res), 0);
		assert_true(res.acc.perm & PTK_PROT_GLOBAL);
		assert_int_equal(xlate(fx, 0xffff888000202000ull, PTK_ACC_EXEC, false, &res), -EFAULT);
	}
	/* Unmapping the rest frees every table below the root. */
	assert_int_equal(ptk_unmap_range(fx->pt, 0xffff888000000000ull, GiB), 0);
	assert_int_equal(ptk_pgtable_nr_tables(fx->pt), 1);
	assert_int_equal(ptk_frames_in_use(fx->m), 1);
}

static void protect_splits_and_keeps_ad(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot rw = prot(fx, "rwu"), ro = prot(fx, "ru");
	unsigned pmd = (unsigned)fx->f->hwlevel_of[PTK_PMD];
	struct ptk_walk_result res;
	struct ptk_walk_req wr = { .va = 0x600000, .access = PTK_ACC_WRITE, .user = true };

	assert_int_equal(ptk_map_range(fx->pt, 0x400000, 0x400000, 4 * MiB, &rw, 0), 0);
	assert_int_equal(ptk_translate(fx->m, fx->pt, &wr, &res), 0);	/* sets A and D */
	assert_int_equal(ptk_protect_range(fx->pt, 0x600000, 8 * KiB, &ro), 0);
	assert_int_equal(leaves(fx).n[pmd], 1);		/* the other 2M stays whole */
	assert_int_equal(xlate(fx, 0x600000, PTK_ACC_WRITE, true, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_WRITE);
	assert_true(res.step[res.nsteps - 1].entry & PTK_X86_PAGE_DIRTY);
	assert_int_equal(xlate(fx, 0x602000, PTK_ACC_WRITE, true, &res), 0);
	assert_int_equal(xlate(fx, 0x400000, PTK_ACC_WRITE, true, &res), 0);
}

/* Bits the processor ignores are software's (Linux's _PAGE_SOFTW*): a split
 * and a protection change keep them, as split_huge_pmd() and pte_modify()
 * do. */
static void split_and_protect_keep_software_bits(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot rw = prot(fx, "rw"), ro = prot(fx, "r");
	const uint64_t sw = PTK_X86_PAGE_SW_MASK;
	struct ptk_walk_result res;
	struct ptk_walk_step leaf;
	uint64_t tagged;

	assert_int_equal(ptk_map_range(fx->pt, 0x400000, 0x400000, 2 * MiB, &rw, 0), 0);
	assert_int_equal(xlate(fx, 0x400000, PTK_ACC_READ, false, &res), 0);
	leaf = res.step[res.nsteps - 1];
	tagged = leaf.entry | sw;
	assert_int_equal(ptk_phys_write(ptk_machine_phys(fx->m), leaf.entry_pa, &tagged, 8), 0);
	assert_int_equal(ptk_protect_range(fx->pt, 0x401000, 4 * KiB, &ro), 0);
	for (uint64_t va = 0x400000; va < 0x600000; va += 4 * KiB) {
		assert_int_equal(xlate(fx, va, PTK_ACC_READ, false, &res), 0);
		assert_int_equal(res.page_size, 4 * KiB);
		assert_int_equal(res.step[res.nsteps - 1].entry & sw, sw);
	}
	assert_int_equal(xlate(fx, 0x401000, PTK_ACC_WRITE, false, &res), -EFAULT);
	assert_int_equal(xlate(fx, 0x402000, PTK_ACC_WRITE, false, &res), 0);
}

struct flush_probe {
	struct fixture *fx;
	unsigned calls, saw_invalid;
};

static void on_flush(void *ctx, uint64_t va, uint64_t size)
{
	struct flush_probe *pr = ctx;
	struct ptk_walk_result res;

	(void)size;
	pr->calls++;
	if (xlate(pr->fx, va, PTK_ACC_READ, false, &res) == -EFAULT &&
	    res.fault.kind == PTK_FAULT_NOT_PRESENT)
		pr->saw_invalid++;
}

/* Break-before-make: when a block is replaced by a table the TLB hook runs
 * while the entry is invalid, never with the old and new both visible. */
static void split_is_break_before_make(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot p = prot(fx, "rw");
	struct flush_probe pr = { fx, 0, 0 };

	assert_int_equal(ptk_map_range(fx->pt, 0, 0, 2 * MiB, &p, 0), 0);
	ptk_pgtable_set_tlb_flush(fx->pt, on_flush, &pr);
	assert_int_equal(ptk_protect_range(fx->pt, 0x1000, 4 * KiB, &p), 0);
	assert_true(pr.calls >= 1);
	assert_int_equal(pr.saw_invalid, 1);
	ptk_pgtable_set_tlb_flush(fx->pt, NULL, NULL);
}

static void decide_per_entry(void **state)
{
	struct fixture *fx = *state;
	struct range_ctx c = { .pt = fx->pt, .f = fx->f, .op = RANGE_MAP, .va0 = 0, .pa0 = 0 };
	struct ptk_desc none = { .type = PTK_DESC_INVALID }, table = { .type = PTK_DESC_TABLE },
			leaf = { .type = PTK_DESC_LEAF };
	unsigned pud = (unsigned)fx->f->hwlevel_of[PTK_PUD];

	assert_int_equal(range_decide(&c, pud, &none, 0, GiB - 1), RA_LEAF);
	assert_int_equal(range_decide(&c, pud, &none, 0, GiB - 4097), RA_NEW_TABLE);
	c.pa0 = 2 * MiB;	/* PA not 1G-aligned: no block */
	assert_int_equal(range_decide(&c, pud, &none, 0, GiB - 1), RA_NEW_TABLE);
	assert_int_equal(range_decide(&c, pud, &table, 0, GiB - 1), RA_DESCEND);
	assert_int_equal(range_decide(&c, pud, &leaf, 0, GiB - 1), RA_CONFLICT);
	assert_int_equal(range_decide(&c, 0, &none, 0, (1ull << 39) - 1), RA_NEW_TABLE);
	c.op = RANGE_UNMAP;
	assert_int_equal(range_decide(&c, pud, &leaf, 0, GiB - 1), RA_CLEAR);
	assert_int_equal(range_decide(&c, pud, &leaf, 4096, GiB - 1), RA_SPLIT);
	assert_int_equal(range_decide(&c, pud, &none, 0, GiB - 1), RA_SKIP);
	c.op = RANGE_PROTECT;
	assert_int_equal(range_decide(&c, pud, &leaf, 0, GiB - 1), RA_REPROTECT);
	assert_int_equal(range_decide(&c, pud, &none, 0, GiB - 1), RA_HOLE);
}

static void translate_sets_accessed_and_dirty(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot p = prot(fx, "rw");
	struct ptk_walk_req rd = { .va = 0x5000, .access = PTK_ACC_READ };
	struct ptk_walk_req wr = { .va = 0x5000, .access = PTK_ACC_WRITE };
	struct ptk_walk_result res;

	assert_int_equal(ptk_map_range(fx->pt, 0x5000, 0x9000, 4 * KiB, &p, 0), 0);
	assert_int_equal(ptk_translate(fx->m, fx->pt, &rd, &res), 0);
	assert_int_equal(xlate(fx, 0x5000, PTK_ACC_READ, false, &res), 0);
	for (unsigned i = 0; i < res.nsteps; i++)
		assert_true(res.step[i].entry & PTK_X86_PAGE_ACCESSED);
	assert_false(res.step[res.nsteps - 1].entry & PTK_X86_PAGE_DIRTY);
	assert_int_equal(ptk_translate(fx->m, fx->pt, &wr, &res), 0);
	assert_int_equal(xlate(fx, 0x5000, PTK_ACC_READ, false, &res), 0);
	assert_true(res.step[res.nsteps - 1].entry & PTK_X86_PAGE_DIRTY);
}

static void walk_reports_tables_outside_ram(void **state)
{
	struct fixture *fx = *state;
	struct ptk_walk_result res;
	ptk_ptep_t pgd = ptk_pgd_offset(fx->pt, 0);

	/* A hostile root entry pointing at a hole in RAM. */
	assert_int_equal(ptk_set_pgd(fx->pt, pgd, fx->f->ops->mk_table(fx->f, 0, 8 * GiB, NULL)), 0);
	assert_int_equal(xlate(fx, 0x1000, PTK_ACC_READ, false, &res), -EFAULT);
	assert_int_equal(res.fault.kind, PTK_FAULT_BUS);
	assert_int_equal(res.fault.level, 1);
	assert_int_equal(ptk_set_pgd(fx->pt, pgd, 0), 0);
}

static void names_and_lookup(void **state)
{
	struct fixture *fx = *state;
	struct ptk_pgtable *other;

	assert_ptr_equal(ptk_pgtable_find(fx->m, "pt"), fx->pt);
	assert_int_equal(ptk_pgd_alloc(fx->m, "pt", &other), -EEXIST);
	assert_int_equal(ptk_pgd_alloc(fx->m, "b", &other), 0);
	assert_ptr_equal(ptk_pgtable_next(ptk_pgtable_first(fx->m)), other);
	ptk_pgd_free(other);
	assert_null(ptk_pgtable_find(fx->m, "b"));
}

static int count_maps(void *ctx, const struct ptk_mapping *map)
{
	(void)map;
	++*(uint64_t *)ctx;
	return 0;
}

/* A recursive slot (the root mapping itself, as Windows and some
 * hypervisors do) is walked a bounded number of times by every tree walk. */
static void recursive_slot_terminates(void **state)
{
	struct fixture *fx = *state;
	struct ptk_prot p = prot(fx, "rw");
	uint64_t root = ptk_pgtable_root(fx->pt, 0), n = 0;
	ptk_ptep_t slot = { root + 8 * 300, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(ptk_map_range(fx->pt, 0x1000, 0x1000, 4 * KiB, &p, 0), 0);
	assert_int_equal(ptk_set_pgd(fx->pt, slot, fx->f->ops->mk_table(fx->f, 0, root, NULL)), 0);
	assert_int_equal(ptk_for_each_mapping(fx->pt, 0, ~0ull, count_maps, &n), 0);
	assert_true(n >= 2);
	assert_int_equal(ptk_ptdump(fx->pt, out), 0);
	fclose(out);
	assert_non_null(strstr(buf, "User Space"));
	free(buf);
	assert_int_equal(ptk_set_pgd(fx->pt, slot, 0), 0);
}

/* Bottom-up from PA 0, one order-0 frame at a time, never reused.  (memblock
 * keeps page 0 back, as the kernel's does; other allocators need not.) */
static int from_zero_alloc(void *ctx, unsigned order, uint64_t *pa)
{
	uint64_t *next = ctx;

	if (order)
		return -ENOMEM;
	*pa = *next;
	*next += 4 * KiB;
	return 0;
}

static void from_zero_free(void *ctx, uint64_t pa, unsigned order)
{
	(void)ctx, (void)pa, (void)order;
}

/* A table may sit at physical address 0: nothing may take 0 for "none". */
static void table_at_pa_zero(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 16 * KiB } };
	static const struct ptk_frame_ops from_zero = { from_zero_alloc, from_zero_free };
	struct ptk_machine *m = ptk_test_machine("x86_64-4level", ram, 1, 40);
	struct ptk_pgtable *pt;
	struct ptk_prot p;
	struct ptk_walk_req req = { .va = 0x5000, .no_update = true };
	struct ptk_walk_result res;
	uint64_t next = 0;

	(void)state;
	ptk_machine_set_frame_ops(m, &from_zero, &next);
	assert_int_equal(ptk_prot_parse(ptk_machine_format(m), "rw", &p), 0);
	assert_int_equal(ptk_pgd_alloc(m, "t", &pt), 0);
	assert_int_equal(ptk_map_range(pt, 0x5000, 0x9000, 4 * KiB, &p, 0), 0);
	ptk_test_check_tree(pt);
	assert_int_equal(ptk_translate(m, pt, &req, &res), 0);
	assert_int_equal(res.step[0].entry_pa & ~0xfffull, 0);	/* the PML4 is at PA 0 */
	assert_int_equal(res.pa, 0x9000);
	assert_int_equal(ptk_unmap_range(pt, 0x5000, 4 * KiB), 0);
	assert_int_equal(ptk_pgtable_nr_tables(pt), 1);
	ptk_machine_destroy(m);
}

/*
 * EFLAGS.AC lifts SMAP for explicit supervisor accesses only: an implicit
 * one (a descriptor-table read, SDM §4.6.1) to a user page still faults.
 * The fast path's plan knows only AC, so implicit accesses must not be
 * answered by it.
 */
static void smap_implicit_ignores_ac(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 16 * MiB } };
	struct ptk_machine *m = ptk_test_machine("x86_64-4level", ram, 1, 40);
	struct ptk_walk_req req = { .va = 0x400000, .no_update = true };
	struct ptk_walk_result res;
	struct ptk_pgtable *pt;
	struct ptk_prot p;

	(void)state;
	assert_int_equal(ptk_prot_parse(ptk_machine_format(m), "rwu", &p), 0);
	assert_int_equal(ptk_pgd_alloc(m, "t", &pt), 0);
	assert_int_equal(ptk_map_range(pt, 0x400000, 0x200000, 4 * KiB, &p, 0), 0);
	ptk_machine_cpu(m)->x86.ac = 1;
	assert_int_equal(ptk_translate(m, pt, &req, &res), 0);	/* explicit: AC allows */
	assert_int_equal(res.fault.kind, PTK_FAULT_NONE);
	req.implicit = true;
	for (int slow = 0; slow < 2; slow++) {
		req.slow = slow;
		assert_int_equal(ptk_translate(m, pt, &req, &res), -EFAULT);
		assert_int_equal(res.fault.kind, PTK_FAULT_SMAP);
	}
	ptk_machine_destroy(m);
}

#define BOTH(t) cmocka_unit_test_setup_teardown(t, setup4, teardown), \
		cmocka_unit_test_setup_teardown(t, setup5, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(primitives_build_a_mapping),
		BOTH(auto_picks_largest_pages),
		BOTH(forced_page_sizes),
		BOTH(bad_ranges_change_nothing),
		BOTH(unmap_splits_only_where_cut),
		BOTH(protect_splits_and_keeps_ad),
		BOTH(split_and_protect_keep_software_bits),
		BOTH(split_is_break_before_make),
		BOTH(decide_per_entry),
		BOTH(translate_sets_accessed_and_dirty),
		BOTH(walk_reports_tables_outside_ram),
		BOTH(names_and_lookup),
		BOTH(recursive_slot_terminates),
		cmocka_unit_test(table_at_pa_zero),
		cmocka_unit_test(smap_implicit_ignores_ac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
