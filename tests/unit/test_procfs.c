// SPDX-License-Identifier: MIT
/*
 * The /proc views and their parser: real kernel files (tests/data/proc)
 * parse to the values they show, ptkit's views parse back to the state they
 * print, the files agree with each other, and bad lines are named.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ptkit/memblock.h>
#include <ptkit/procfs.h>
#include "ptk_test.h"

#define SAMPLE "tests/data/proc/firecracker-6.18/"

static void ok(int rc, const struct ptk_error *err)
{
	if (rc)
		fail_msg("%d: %s", rc, err->msg);
}

static uint64_t kv(const struct ptk_proc_kv *list, size_t n, const char *key)
{
	uint64_t v;

	if (!ptk_proc_kv_get(list, n, key, &v))
		fail_msg("no '%s'", key);
	return v;
}

static const struct ptk_proc_zoneinfo_zone *zoneinfo_zone(const struct ptk_proc_zoneinfo *zi,
							  const char *name)
{
	for (size_t i = 0; i < zi->nr_zones; i++)
		if (!strcmp(zi->zone[i].zone, name))
			return &zi->zone[i];
	fail_msg("no zone %s", name);
	return NULL;
}

/* Sum over migratetypes of pagetypeinfo's free lists = buddyinfo's count,
 * for every zone and order: the two files describe one free_area. */
static void assert_frag_files_agree(const struct ptk_proc_buddyinfo *bi,
				    const struct ptk_proc_pagetypeinfo *pi)
{
	assert_int_equal(bi->nr_rows, pi->nr_zones);
	assert_int_equal(bi->nr_orders, pi->nr_orders);
	for (size_t z = 0; z < bi->nr_rows; z++) {
		assert_string_equal(bi->row[z].zone, pi->zone[z].zone);
		for (unsigned int o = 0; o < bi->nr_orders; o++) {
			uint64_t sum = 0;

			for (unsigned int t = 0; t < pi->nr_types; t++)
				sum += pi->zone[z].nr_free[t][o];
			assert_int_equal(sum, bi->row[z].nr_free[o]);
		}
	}
}

/* ---- real files ---- */

static void test_sample_buddyinfo_pagetypeinfo(void **state)
{
	char *b = ptk_test_read_source_file(SAMPLE "buddyinfo");
	char *p = ptk_test_read_source_file(SAMPLE "pagetypeinfo");
	struct ptk_proc_buddyinfo *bi = calloc(1, sizeof(*bi));
	struct ptk_proc_pagetypeinfo *pi = calloc(1, sizeof(*pi));
	struct ptk_error err = { 0 };

	(void)state;
	ok(ptk_proc_parse_buddyinfo(b, bi, &err), &err);
	assert_int_equal(bi->nr_rows, 3);
	assert_int_equal(bi->nr_orders, 11);
	assert_string_equal(bi->row[1].zone, "DMA32");
	assert_int_equal(bi->row[1].nr_free[10], 752);
	assert_int_equal(bi->row[2].nr_free[0], 10403);

	ok(ptk_proc_parse_pagetypeinfo(p, pi, &err), &err);
	assert_int_equal(pi->pageblock_order, 9);
	assert_int_equal(pi->pages_per_block, 512);
	assert_int_equal(pi->nr_types, 5);
	assert_string_equal(pi->type[3], "HighAtomic");
	assert_int_equal(pi->zone[2].nr_free[1][0], 10069);	/* Normal Movable */
	assert_int_equal(pi->zone[2].nr_blocks[0], 172);	/* Normal Unmovable */
	assert_int_equal(pi->zone[1].nr_blocks[1], 1528);
	assert_frag_files_agree(bi, pi);
	free(b), free(p), free(bi), free(pi);
}

static void test_sample_zoneinfo(void **state)
{
	char *t = ptk_test_read_source_file(SAMPLE "zoneinfo");
	struct ptk_proc_zoneinfo *zi = calloc(1, sizeof(*zi));
	const struct ptk_proc_zoneinfo_zone *dma;
	struct ptk_error err = { 0 };

	(void)state;
	ok(ptk_proc_parse_zoneinfo(t, zi, &err), &err);
	assert_int_equal(zi->nr_zones, 5);	/* DMA DMA32 Normal Movable Device */
	dma = zoneinfo_zone(zi, "DMA");
	assert_int_equal(kv(dma->kv, dma->nr_kv, "pages free"), 3840);
	assert_int_equal(kv(dma->kv, dma->nr_kv, "min"), 36);
	assert_int_equal(kv(dma->kv, dma->nr_kv, "high"), 54);
	assert_int_equal(kv(dma->kv, dma->nr_kv, "spanned"), 4095);
	assert_int_equal(kv(dma->kv, dma->nr_kv, "start_pfn"), 1);
	assert_int_equal(kv(dma->kv, dma->nr_kv, "nr_page_table_pages"), 393);
	assert_int_equal(dma->nr_protection, 5);
	assert_int_equal(dma->protection[1], 3017);
	assert_true(kv(dma->kv, dma->nr_kv, "cpu0.batch") >= 1);
	free(t), free(zi);
}

static void test_sample_meminfo_vmstat(void **state)
{
	char *m = ptk_test_read_source_file(SAMPLE "meminfo");
	char *v = ptk_test_read_source_file(SAMPLE "vmstat");
	struct ptk_proc_kvfile *mi = calloc(1, sizeof(*mi)), *vm = calloc(1, sizeof(*vm));
	struct ptk_error err = { 0 };

	(void)state;
	ok(ptk_proc_parse_meminfo(m, mi, &err), &err);
	assert_int_equal(mi->nr_kv, 54);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "MemTotal"), 24682416);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "PageTables"), 1772);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "HugePages_Total"), 0);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "Active(anon)"), 1512);

	ok(ptk_proc_parse_vmstat(v, vm, &err), &err);
	assert_int_equal(vm->nr_kv, 192);
	assert_int_equal(kv(vm->kv, vm->nr_kv, "nr_free_pages"), 1122752);
	assert_int_equal(kv(vm->kv, vm->nr_kv, "nr_page_table_pages"), 493);
	free(m), free(v), free(mi), free(vm);
}

static void test_sample_iomem(void **state)
{
	char *t = ptk_test_read_source_file(SAMPLE "iomem");
	struct ptk_proc_iomem *io = calloc(1, sizeof(*io));
	struct ptk_error err = { 0 };

	(void)state;
	ok(ptk_proc_parse_iomem(t, io, &err), &err);
	assert_int_equal(io->nr, 27);
	assert_int_equal(io->res[1].start, 0x1000);
	assert_int_equal(io->res[1].end, 0x9fbff);
	assert_string_equal(io->res[1].name, "System RAM");
	assert_int_equal(io->res[5].depth, 0);
	assert_string_equal(io->res[5].name, "System RAM");
	assert_int_equal(io->res[5].end, 0xbfffffff);
	assert_int_equal(io->res[6].depth, 1);
	assert_string_equal(io->res[6].name, "Kernel code");
	assert_int_equal(io->res[13].depth, 2);
	assert_string_equal(io->res[13].name, "PCI Bus 0000:00");
	free(t), free(io);
}

/* ---- ptkit's views, column for column ---- */

static char *render(int (*view)(const struct ptk_proc_mem *, FILE *), const struct ptk_proc_mem *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(view(s, f), 0);
	fclose(f);
	return buf;
}

static const char *const sample_zone_names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };

/* A snapshot holding a real kernel's free-area numbers. */
static struct ptk_proc_mem *snapshot_from_sample(void)
{
	char *b = ptk_test_read_source_file(SAMPLE "buddyinfo");
	char *p = ptk_test_read_source_file(SAMPLE "pagetypeinfo");
	struct ptk_proc_buddyinfo *bi = calloc(1, sizeof(*bi));
	struct ptk_proc_pagetypeinfo *pi = calloc(1, sizeof(*pi));
	struct ptk_proc_mem *s = calloc(1, sizeof(*s));
	struct ptk_error err = { 0 };

	ok(ptk_proc_parse_buddyinfo(b, bi, &err), &err);
	ok(ptk_proc_parse_pagetypeinfo(p, pi, &err), &err);
	s->nr_zones = 5;
	s->st.pageblock_order = pi->pageblock_order;
	for (unsigned int z = 0; z < s->nr_zones; z++) {
		struct ptk_zone_info *zi = &s->zone[z];

		zi->name = sample_zone_names[z];
		zi->nr_zones = s->nr_zones;
		zi->populated = z < bi->nr_rows;
		if (!zi->populated)
			continue;
		memcpy(zi->nr_free, bi->row[z].nr_free, sizeof(zi->nr_free));
		for (unsigned int t = 0; t < PTK_MIGRATE_TYPES; t++) {
			zi->nr_blocks[t] = pi->zone[z].nr_blocks[t];
			for (unsigned int o = 0; o < PTK_MAX_ORDER; o++)
				zi->nr_free_mt[o][t] = pi->zone[z].nr_free[t][o];
		}
	}
	free(b), free(p), free(bi), free(pi);
	return s;
}

static void test_views_reproduce_kernel_files(void **state)
{
	struct ptk_proc_mem *s = snapshot_from_sample();
	char *want_b = ptk_test_read_source_file(SAMPLE "buddyinfo");
	char *want_p = ptk_test_read_source_file(SAMPLE "pagetypeinfo");
	char *got_b = render(ptk_proc_buddyinfo, s), *got_p = render(ptk_proc_pagetypeinfo, s);

	(void)state;
	assert_string_equal(got_b, want_b);
	assert_string_equal(got_p, want_p);
	free(s), free(want_b), free(want_p), free(got_b), free(got_p);
}

static void test_iomem_reproduces_kernel_file(void **state)
{
	char *want = ptk_test_read_source_file(SAMPLE "iomem");
	struct ptk_proc_iomem *io = calloc(1, sizeof(*io));
	struct ptk_error err = { 0 };
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	(void)state;
	ok(ptk_proc_parse_iomem(want, io, &err), &err);
	assert_int_equal(ptk_proc_iomem(io->res, io->nr, f), 0);
	fclose(f);
	assert_string_equal(got, want);
	free(want), free(io), free(got);
}

/* Every line the view prints appears, byte for byte, in the kernel's file
 * when it prints the kernel's values. */
static void assert_lines_in(const char *got, const char *kernel_file, const char *skip)
{
	for (const char *line = got; *line; line += strcspn(line, "\n") + 1) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%.*s\n", (int)strcspn(line, "\n"), line);
		if (skip && !strncmp(buf, skip, strlen(skip)))
			continue;
		if (!strstr(kernel_file, buf))
			fail_msg("line not in the kernel's file: %s", buf);
	}
}

static void test_meminfo_lines_match_kernel(void **state)
{
	char *want = ptk_test_read_source_file(SAMPLE "meminfo");
	struct ptk_proc_mem *s = calloc(1, sizeof(*s));
	char *got;

	(void)state;
	s->st.totalram_pages = 24682416 / 4;
	s->st.nr_free_pages = 22004784 / 4;
	s->st.nr_page_table_pages = 1772 / 4;
	s->st.totalreserve_pages = 1000;
	got = render(ptk_proc_meminfo, s);
	/* the sample's MemAvailable counts page cache the model does not have */
	assert_lines_in(got, want, "MemAvailable:");
	assert_non_null(strstr(got, "MemAvailable:   22000784 kB\n"));
	free(s), free(want), free(got);
}

static void test_zoneinfo_lines_match_kernel(void **state)
{
	char *want = ptk_test_read_source_file(SAMPLE "zoneinfo");
	struct ptk_proc_mem *s = calloc(1, sizeof(*s));
	struct ptk_zone_info *dma = &s->zone[0];
	static const uint64_t protection[] = { 0, 3017, 6985, 6985, 6985 };
	char *got, *cut;

	(void)state;
	s->nr_zones = 1;
	*dma = (struct ptk_zone_info){
		.name = "DMA", .populated = true, .nr_free_pages = 3840,
		.watermark = { 36, 45, 54 }, .spanned_pages = 4095, .present_pages = 3998,
		.managed_pages = 3840, .nr_zones = 5, .zone_start_pfn = 1,
	};
	memcpy(dma->lowmem_reserve, protection, sizeof(protection));
	s->st.nr_page_table_pages = 393;
	got = render(ptk_proc_zoneinfo, s);
	/* 6.18 prints four per-CPU fields and the promo watermark that 6.1
	 * does not; the lines up to the pagesets are 6.1's and 6.18's alike */
	cut = strstr(got, "  pagesets");
	assert_non_null(cut);
	*cut = '\0';
	assert_lines_in(got, want, NULL);
	free(s), free(want), free(got);
}

/* What the views print parses back to what they were given. */
static void test_views_parse_back(void **state)
{
	struct ptk_proc_mem *s = snapshot_from_sample();
	struct ptk_proc_zoneinfo *zi = calloc(1, sizeof(*zi));
	struct ptk_proc_pagetypeinfo *pi = calloc(1, sizeof(*pi));
	struct ptk_proc_kvfile *vm = calloc(1, sizeof(*vm));
	struct ptk_error err = { 0 };
	char *z, *p, *v;

	(void)state;
	s->zone[2].nr_free_mt[0][1] = 250000;	/* beyond pagetypeinfo's cap */
	s->zone[2].pcp_count = 17, s->zone[2].pcp_high = 42, s->zone[2].pcp_batch = 63;
	s->zone[1].pgalloc = 5, s->st.pgfree = 9;
	z = render(ptk_proc_zoneinfo, s), p = render(ptk_proc_pagetypeinfo, s);
	v = render(ptk_proc_vmstat, s);
	ok(ptk_proc_parse_zoneinfo(z, zi, &err), &err);
	assert_int_equal(zi->nr_zones, 5);
	assert_int_equal(kv(zi->zone[2].kv, zi->zone[2].nr_kv, "cpu0.count"), 17);
	assert_int_equal(kv(zi->zone[2].kv, zi->zone[2].nr_kv, "cpu0.high"), 42);
	assert_int_equal(kv(zi->zone[2].kv, zi->zone[2].nr_kv, "cpu0.batch"), 63);
	assert_int_equal(zi->zone[3].nr_kv, 9);	/* unpopulated: watermarks only */
	assert_int_equal(zi->zone[3].nr_protection, 5);
	ok(ptk_proc_parse_pagetypeinfo(p, pi, &err), &err);
	assert_int_equal(pi->zone[2].nr_free[1][0], 100000);
	assert_int_equal(pi->zone[2].capped[1], 1);
	ok(ptk_proc_parse_vmstat(v, vm, &err), &err);
	assert_int_equal(kv(vm->kv, vm->nr_kv, "pgalloc_dma32"), 5);
	assert_int_equal(kv(vm->kv, vm->nr_kv, "pgalloc_device"), 0);
	assert_int_equal(kv(vm->kv, vm->nr_kv, "pgfree"), 9);
	free(s), free(zi), free(pi), free(vm), free(z), free(p), free(v);
}

static void test_meminfo_highmem_split(void **state)
{
	struct ptk_proc_mem *s = calloc(1, sizeof(*s));
	struct ptk_proc_kvfile *mi = calloc(1, sizeof(*mi));
	struct ptk_error err = { 0 };
	char *m;

	(void)state;
	s->nr_zones = 2;
	s->zone[0] = (struct ptk_zone_info){ .name = "Normal", .nr_free_pages = 100 };
	s->zone[1] = (struct ptk_zone_info){ .name = "HighMem", .highmem = true,
					     .nr_free_pages = 30 };
	s->st = (struct ptk_buddy_stats){ .totalram_pages = 1000, .totalhigh_pages = 400,
					  .nr_free_pages = 130, .totalreserve_pages = 200 };
	m = render(ptk_proc_meminfo, s);
	ok(ptk_proc_parse_meminfo(m, mi, &err), &err);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "HighTotal"), 1600);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "HighFree"), 120);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "LowTotal"), 2400);
	assert_int_equal(kv(mi->kv, mi->nr_kv, "LowFree"), 400);
	/* free below the reserves: nothing is available, never a wrap-around */
	assert_int_equal(kv(mi->kv, mi->nr_kv, "MemAvailable"), 0);
	free(s), free(mi), free(m);
}

/* arm64's "reserved" children: rounded out to pages, clipped to their RAM,
 * the second of two reservations sharing a page trimmed to what is left. */
static void test_iomem_memblock_reserved_children(void **state)
{
	static const struct ptk_resource top[] = {
		{ 0x40000000, 0x7fffffff, 0, "System RAM" },
		{ 0x90000000, 0x9fffffff, 0, "Reserved" },
		{ 0xc0000000, 0xc0ffffff, 0, "System RAM" },
	};
	struct ptk_resource out[16];
	struct ptk_memblock *mb;
	struct ptk_error err = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(ptk_memblock_create(&mb, &err), 0);
	assert_int_equal(ptk_memblock_add(mb, 0x40000000, 0x40000000), 0);
	assert_int_equal(ptk_memblock_add(mb, 0xc0000000, 0x1000000), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x40000100, 0x100), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x40000800, 0x1000), 0);	/* shares a page */
	assert_int_equal(ptk_memblock_reserve(mb, 0x48000800, 0x10), 0);
	assert_int_equal(ptk_memblock_reserve(mb, 0x48000f00, 0x1200), 0);	/* shares a page */
	assert_int_equal(ptk_memblock_reserve(mb, 0xc0fff000, 0x1000), 0);
	n = ptk_iomem_add_memblock_reserved(top, 3, mb, out, 16);
	assert_int_equal(n, 8);
	assert_int_equal(out[1].start, 0x40000000);
	assert_int_equal(out[1].end, 0x40000fff);
	assert_int_equal(out[1].depth, 1);
	assert_string_equal(out[1].name, "reserved");
	assert_int_equal(out[2].start, 0x40001000);	/* what the first left */
	assert_int_equal(out[2].end, 0x40001fff);
	assert_int_equal(out[3].start, 0x48000000);
	assert_int_equal(out[3].end, 0x48000fff);
	assert_int_equal(out[4].start, 0x48001000);
	assert_int_equal(out[4].end, 0x48002fff);
	assert_string_equal(out[5].name, "Reserved");	/* not RAM: no children */
	assert_int_equal(out[6].depth, 0);
	assert_int_equal(out[7].start, 0xc0fff000);
	assert_int_equal(out[7].end, 0xc0ffffff);
	/* counting only */
	assert_int_equal(ptk_iomem_add_memblock_reserved(top, 3, mb, NULL, 0), 8);
	ptk_memblock_destroy(mb);
}

/* ---- bad input ---- */

static void expect_bad(int rc, const struct ptk_error *err, const char *where)
{
	assert_int_equal(rc, -EINVAL);
	if (!strstr(err->msg, where))
		fail_msg("'%s' does not name '%s'", err->msg, where);
}

static void test_bad_lines_are_named(void **state)
{
	struct ptk_proc_buddyinfo *bi = calloc(1, sizeof(*bi));
	struct ptk_proc_pagetypeinfo *pi = calloc(1, sizeof(*pi));
	struct ptk_proc_zoneinfo *zi = calloc(1, sizeof(*zi));
	struct ptk_proc_kvfile *kvf = calloc(1, sizeof(*kvf));
	struct ptk_proc_iomem *io = calloc(1, sizeof(*io));
	struct ptk_error err = { 0 };
	char longline[2048];

	(void)state;
	expect_bad(ptk_proc_parse_buddyinfo("Node 0, zone DMA 1 2 3\nNode 0, zone Normal 1 2\n",
					    bi, &err), &err, "line 2");
	expect_bad(ptk_proc_parse_buddyinfo("Node 0, zone DMA 1 x 3\n", bi, &err), &err, "line 1");
	expect_bad(ptk_proc_parse_pagetypeinfo("Page block order: 9\n\nNode 0, zone DMA\n",
					       pi, &err), &err, "line 3");
	expect_bad(ptk_proc_parse_pagetypeinfo("Page block order: 9\n", pi, &err), &err,
		   "no free-page");
	expect_bad(ptk_proc_parse_zoneinfo("  pages free 3\n", zi, &err), &err, "line 1");
	expect_bad(ptk_proc_parse_zoneinfo("Node 0, zone DMA\n  protection: (0, x)\n", zi, &err),
		   &err, "line 2");
	expect_bad(ptk_proc_parse_meminfo("MemTotal: 12 kB\nMemFree kB\n", kvf, &err), &err,
		   "line 2");
	expect_bad(ptk_proc_parse_vmstat("nr_free_pages\n", kvf, &err), &err, "line 1");
	expect_bad(ptk_proc_parse_iomem("00000000-00000fff : Reserved\n      00001000-1 : x\n",
					io, &err), &err, "line 2");
	expect_bad(ptk_proc_parse_iomem("2000-1000 : backwards\n", io, &err), &err, "line 1");
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	expect_bad(ptk_proc_parse_vmstat(longline, kvf, &err), &err, "too long");
	free(bi), free(pi), free(zi), free(kvf), free(io);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_buddyinfo_pagetypeinfo),
		cmocka_unit_test(test_sample_zoneinfo),
		cmocka_unit_test(test_sample_meminfo_vmstat),
		cmocka_unit_test(test_sample_iomem),
		cmocka_unit_test(test_views_reproduce_kernel_files),
		cmocka_unit_test(test_iomem_reproduces_kernel_file),
		cmocka_unit_test(test_meminfo_lines_match_kernel),
		cmocka_unit_test(test_zoneinfo_lines_match_kernel),
		cmocka_unit_test(test_views_parse_back),
		cmocka_unit_test(test_meminfo_highmem_split),
		cmocka_unit_test(test_iomem_memblock_reserved_children),
		cmocka_unit_test(test_bad_lines_are_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
