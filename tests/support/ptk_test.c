// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ptk_test.h"

uint64_t ptk_test_seed(const char *test, uint64_t fixed_default)
{
	const char *env = getenv("PTK_SEED");
	uint64_t seed = fixed_default;

	if (env && !strcmp(env, "random")) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec;
	} else if (env && *env) {
		seed = strtoull(env, NULL, 0);
	}
	printf("%s: seed %llu (rerun with PTK_SEED=%llu)\n", test, (unsigned long long)seed,
	       (unsigned long long)seed);
	fflush(stdout);
	return seed;
}

uint64_t ptk_test_scale(uint64_t n)
{
	const char *env = getenv("PTK_SCALE");
	uint64_t k = env ? strtoull(env, NULL, 0) : 1;

	return n * (k ? k : 1);
}

struct ptk_machine *ptk_test_machine(const char *format, const struct ptk_phys_range *ram,
				     size_t nr_ram, unsigned pa_bits)
{
	struct ptk_format fmt;
	struct ptk_machine_config cfg = {
		.fmt = &fmt, .ram = ram, .nr_ram = nr_ram, .pa_bits = pa_bits,
	};
	struct ptk_error err = { 0 };
	struct ptk_machine *m = NULL;

	if (ptk_format_build(format, &fmt, &err) || ptk_machine_create(&m, &cfg, &err))
		fail_msg("machine: %s", err.msg);
	return m;
}

static void region_of(const struct ptk_format *f, unsigned r, uint64_t *base, uint64_t *size)
{
	unsigned rl = f->root_level[r];

	*base = f->root_base[r];
	*size = ptk_level_size(f, rl) << f->level[rl].bits;
	if (r + 1 < f->nroots && r + 1 < PTK_MAX_ROOTS && f->root_base[r + 1] > *base &&
	    f->root_base[r + 1] - *base < *size)
		*size = f->root_base[r + 1] - *base;
}

void ptk_test_regions(const struct ptk_format *f, uint64_t base[2], uint64_t size[2])
{
	if (f->va_unsigned) {
		size[0] = size[1] = 1ull << (f->va_bits - 1);
		base[0] = 0;
		base[1] = size[0];
		return;
	}
	if (f->nroots > 1) {
		region_of(f, 0, &base[0], &size[0]);
		region_of(f, 1, &base[1], &size[1]);
		return;
	}
	size[0] = size[1] = 1ull << (f->va_bits - 1);
	base[0] = 0;
	base[1] = -size[1];
}

/* Table allocations met in a tree: the engine counts live entries per
 * allocation, which tables of a level may share (ARM's pte pair). */
struct tree_allocs {
	uint64_t base[8192];
	unsigned live[8192];
	bool root[8192];
	size_t n;
};

static void tally_alloc(struct tree_allocs *a, uint64_t base, unsigned live, bool root)
{
	size_t i = 0;

	while (i < a->n && a->base[i] != base)
		i++;
	if (i == a->n) {
		assert_true(a->n < sizeof(a->base) / sizeof(a->base[0]));
		a->base[a->n] = base;
		a->live[a->n] = 0;
		a->root[a->n++] = false;
	}
	a->live[i] += live;
	a->root[i] |= root;
}

static void check_table(const struct ptk_pgtable *pt, uint64_t table, unsigned lvl, bool root,
			struct tree_allocs *a)
{
	struct ptk_machine *m = ptk_pgtable_machine(pt);
	const struct ptk_format *f = ptk_machine_format(m);
	unsigned n = ptk_entries_per_table(f, lvl), live = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t e = 0;
		struct ptk_desc d;

		assert_int_equal(ptk_phys_read(ptk_machine_phys(m), table + ((uint64_t)i << f->entry_shift),
					       &e, 1u << f->entry_shift), 0);
		if (!e)
			continue;
		live++;
		f->ops->decode(f, lvl, e, &d);
		if (d.type == PTK_DESC_TABLE && lvl + 1 < f->nlevels)
			check_table(pt, d.addr, lvl + 1, false, a);
	}
	tally_alloc(a, table & ~(ptk_table_alloc_bytes(f, lvl) - 1), live, root);
}

uint64_t ptk_test_check_tree(const struct ptk_pgtable *pt)
{
	struct tree_allocs *a = calloc(1, sizeof(*a));
	uint64_t tables;

	assert_non_null(a);
	for (unsigned r = 0; r < ptk_pgtable_nroots(pt); r++)
		check_table(pt, ptk_pgtable_root(pt, r),
			    ptk_machine_format(ptk_pgtable_machine(pt))->root_level[r], true, a);
	for (size_t i = 0; i < a->n; i++) {
		if (a->live[i] != ptk_pgtable_live_entries(pt, a->base[i]))
			fail_msg("table %#llx: %u live entries, engine counts %u",
				 (unsigned long long)a->base[i], a->live[i],
				 ptk_pgtable_live_entries(pt, a->base[i]));
		/* Only roots may be empty: the engine frees empty tables. */
		if (!a->live[i] && !a->root[i])
			fail_msg("empty table %#llx left", (unsigned long long)a->base[i]);
	}
	tables = a->n;
	free(a);
	assert_int_equal(tables, ptk_pgtable_nr_tables(pt));
	return tables;
}

void ptk_test_check_fast_path(struct ptk_machine *m, const struct ptk_pgtable *pt,
			      const struct ptk_walk_req *req, const struct ptk_walk_result *fast)
{
	struct ptk_walk_req sreq = *req;
	struct ptk_walk_result slow;

	sreq.slow = true;
	ptk_translate(m, pt, &sreq, &slow);
	if (slow.fault.kind != fast->fault.kind || slow.fault.syndrome != fast->fault.syndrome ||
	    slow.fault.level != fast->fault.level || slow.nsteps != fast->nsteps ||
	    (slow.fault.kind == PTK_FAULT_NONE &&
	     (slow.pa != fast->pa || slow.acc.perm != fast->acc.perm ||
	      slow.acc.pkey != fast->acc.pkey || slow.acc.memtype != fast->acc.memtype ||
	      slow.page_size != fast->page_size)))
		fail_msg("va %#llx: fast path %s/%#llx/pa %#llx, full rules %s/%#llx/pa %#llx",
			 (unsigned long long)req->va, ptk_fault_name(fast->fault.kind),
			 (unsigned long long)fast->fault.syndrome, (unsigned long long)fast->pa,
			 ptk_fault_name(slow.fault.kind), (unsigned long long)slow.fault.syndrome,
			 (unsigned long long)slow.pa);
}

int ptk_test_walk(struct ptk_machine *m, const struct ptk_pgtable *pt, uint64_t va,
		  enum ptk_access acc, bool user, struct ptk_walk_result *res)
{
	struct ptk_walk_req req = { .va = va, .access = acc, .user = user, .no_update = true };
	int rc = ptk_translate(m, pt, &req, res);

	ptk_test_check_fast_path(m, pt, &req, res);
	return rc;
}

uint32_t ptk_test_rd32(struct ptk_machine *m, uint64_t pa)
{
	uint32_t v = 0;

	assert_int_equal(ptk_phys_read(ptk_machine_phys(m), pa, &v, 4), 0);
	return v;
}

void ptk_test_wr32(struct ptk_machine *m, uint64_t pa, uint32_t v)
{
	assert_int_equal(ptk_phys_write(ptk_machine_phys(m), pa, &v, 4), 0);
}

char *ptk_test_read_source_file(const char *rel)
{
	const char *dir = getenv("PTK_SOURCE_DIR");
	char path[512];
	FILE *f;
	char *buf;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}
