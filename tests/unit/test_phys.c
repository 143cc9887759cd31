// SPDX-License-Identifier: MIT
/* phys/: the sparse simulated RAM and the default frame allocator. */
#include <string.h>
#include <time.h>

#include "ptk_test.h"

#define GiB (1ull << 30)
#define TiB (1ull << 40)

static struct ptk_phys *make(const struct ptk_phys_range *r, size_t n, unsigned bits)
{
	struct ptk_phys *ph = NULL;
	struct ptk_error err = { 0 };

	if (ptk_phys_create(&ph, bits, r, n, &err))
		fail_msg("%s", err.msg);
	return ph;
}

static void untouched_reads_zero(void **state)
{
	struct ptk_phys_range r[] = { { 0x40000000, GiB } };
	struct ptk_phys *ph = make(r, 1, 40);
	uint8_t buf[64];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(ptk_phys_read(ph, 0x40001000, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(ptk_phys_backed_bytes(ph), 0);
	ptk_phys_destroy(ph);
}

static void write_across_chunks_and_ranges(void **state)
{
	/* Two abutting ranges: a write may cross from one into the other. */
	struct ptk_phys_range r[] = { { 0, 0x200000 + 0x1000 }, { 0x201000, 0x400000 } };
	struct ptk_phys *ph = make(r, 2, 36);
	uint8_t in[10000], out[10000];

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(ptk_phys_write(ph, 0x1ff000 - 17, in, sizeof(in)), 0);
	assert_int_equal(ptk_phys_read(ph, 0x1ff000 - 17, out, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(in));
	ptk_phys_destroy(ph);
}

static void outside_ram_faults_and_changes_nothing(void **state)
{
	struct ptk_phys_range r[] = { { 0x100000, 0x100000 }, { 0x400000, 0x100000 } };
	struct ptk_phys *ph = make(r, 2, 36);
	uint8_t buf[32] = { 1 };
	uint64_t v = 0;

	(void)state;
	assert_int_equal(ptk_phys_read(ph, 0, buf, 1), -EFAULT);
	assert_int_equal(ptk_phys_read(ph, 0x1ffff0, buf, 32), -EFAULT);	/* runs into the hole */
	assert_int_equal(ptk_phys_write(ph, 0x1ffff0, buf, 32), -EFAULT);
	assert_int_equal(ptk_phys_read(ph, 0x1ffff0, &v, 8), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ptk_phys_read(ph, ~0ull - 4, buf, 8), -EFAULT);	/* wraps */
	assert_false(ptk_phys_is_ram(ph, 0x1fffff, 2));
	assert_true(ptk_phys_is_ram(ph, 0x4fffff, 1));
	ptk_phys_destroy(ph);
}

static void bad_ranges_are_named(void **state)
{
	struct ptk_phys *ph = NULL;
	struct ptk_error err = { 0 };
	struct ptk_phys_range unaligned[] = { { 0x1001, 0x1000 } };
	struct ptk_phys_range empty[] = { { 0x1000, 0 } };
	struct ptk_phys_range overlap[] = { { 0, 0x3000 }, { 0x2000, 0x1000 } };
	struct ptk_phys_range beyond[] = { { 1ull << 40, 0x1000 } };

	(void)state;
	assert_int_equal(ptk_phys_create(&ph, 40, unaligned, 1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "aligned"));
	assert_int_equal(ptk_phys_create(&ph, 40, empty, 1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(ptk_phys_create(&ph, 40, overlap, 2, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "overlap"));
	assert_int_equal(ptk_phys_create(&ph, 40, beyond, 1, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "40-bit"));
	assert_null(ph);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A terabyte machine anywhere in the 52-bit space is created quickly and
 * costs host memory only for what is written. */
static void terabyte_machine_is_cheap(void **state)
{
	struct ptk_phys_range r[] = { { 0x000f000000000000ull, TiB } };
	double t0 = now();
	struct ptk_phys *ph = make(r, 1, 52);
	double dt = now() - t0;
	uint64_t v = 0x1122334455667788ull, back = 0;

	(void)state;
	/* Generous for sanitizer builds; the bench reports the real figure. */
	assert_true(dt < 0.5);
	assert_int_equal(ptk_phys_write(ph, r[0].base + TiB - 8, &v, 8), 0);
	assert_int_equal(ptk_phys_read(ph, r[0].base + TiB - 8, &back, 8), 0);
	assert_int_equal(back, v);
	assert_int_equal(ptk_phys_backed_bytes(ph), 2ull << 20);
	ptk_phys_destroy(ph);
}

static int count_backed(void *ctx, uint64_t pa, const void *host, size_t len)
{
	uint64_t *n = ctx;

	(void)pa, (void)host;
	*n += len;
	return 0;
}

static void backed_iteration_is_sparse(void **state)
{
	struct ptk_phys_range r[] = { { 0, 64 * GiB } };
	struct ptk_phys *ph = make(r, 1, 40);
	uint64_t seen = 0, v = 1;

	(void)state;
	ptk_phys_write(ph, 5 * GiB + 123, &v, 1);
	ptk_phys_write(ph, 40 * GiB, &v, 1);
	assert_int_equal(ptk_phys_for_each_backed(ph, count_backed, &seen), 0);
	assert_int_equal(seen, 2 * (2ull << 20));
	assert_int_equal(ptk_phys_zero(ph, 5 * GiB, 4096), 0);
	assert_int_equal(ptk_phys_read(ph, 5 * GiB + 123, &v, 1), 0);
	assert_int_equal(v & 0xff, 0);
	ptk_phys_destroy(ph);
}

static void frames_come_top_down_and_recycle(void **state)
{
	struct ptk_phys_range r[] = { { 0, 0x10000 }, { 0x100000, 0x3000 } };
	struct ptk_machine *m = ptk_test_machine("x86_64-4level", r, 2, 0);
	uint64_t a, b, c, d, e;

	(void)state;
	assert_int_equal(ptk_alloc_frames(m, 0, &a), 0);
	assert_int_equal(a, 0x102000);
	assert_int_equal(ptk_alloc_frames(m, 0, &b), 0);
	assert_int_equal(ptk_alloc_frames(m, 0, &c), 0);
	assert_int_equal(c, 0x100000);
	/* The high range is used up: the next frame comes from the low one. */
	assert_int_equal(ptk_alloc_frames(m, 1, &d), 0);
	assert_int_equal(d, 0xe000);
	assert_int_equal(ptk_frames_in_use(m), 5);
	ptk_free_frames(m, b, 0);
	assert_int_equal(ptk_alloc_frames(m, 0, &e), 0);
	assert_int_equal(e, b);
	/* Failure injection: the 2nd call from now fails, once. */
	ptk_machine_fail_nth_alloc(m, 2);
	assert_int_equal(ptk_alloc_frames(m, 0, &e), 0);
	assert_int_equal(ptk_alloc_frames(m, 0, &e), -ENOMEM);
	assert_non_null(strstr(ptk_machine_errmsg(m), "injected"));
	assert_int_equal(ptk_alloc_frames(m, 0, &e), 0);
	ptk_machine_destroy(m);
}

static void allocator_runs_dry_cleanly(void **state)
{
	struct ptk_phys_range r[] = { { 0x1000, 0x2000 } };
	struct ptk_machine *m = ptk_test_machine("x86_64-4level", r, 1, 0);
	uint64_t a;

	(void)state;
	assert_int_equal(ptk_alloc_frames(m, 0, &a), 0);
	assert_int_equal(ptk_alloc_frames(m, 0, &a), 0);
	assert_int_equal(ptk_alloc_frames(m, 0, &a), -ENOMEM);
	assert_int_equal(ptk_frames_in_use(m), 2);
	ptk_machine_destroy(m);
}

/* Reserved RAM is skipped as memblock's top-down search skips it, across
 * range boundaries too; bad reservations are refused by name. */
static void frames_skip_reserved_ranges(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 0x10000 }, { 0x100000, 0x4000 } };
	/* Given unsorted: the top page, a page low down, and one from below
	 * the high range's base into its first page. */
	static const struct ptk_phys_range res[] = {
		{ 0x103000, 0x1000 }, { 0xf0000, 0x11000 }, { 0xe000, 0x1000 },
	};
	struct ptk_machine_config cfg = { .fmt = ptk_format_find("x86_64-4level"), .ram = ram,
					  .nr_ram = 2, .reserved = res, .nr_reserved = 3 };
	struct ptk_error err = { 0 };
	struct ptk_machine *m;
	uint64_t a;

	(void)state;
	assert_int_equal(ptk_machine_create(&m, &cfg, &err), 0);
	assert_int_equal(ptk_machine_nr_reserved(m), 3);
	assert_int_equal(ptk_machine_reserved_at(m, 0).base, 0xe000);	/* sorted */
	assert_int_equal(ptk_alloc_frames(m, 0, &a), 0);
	assert_int_equal(a, 0x102000);
	assert_int_equal(ptk_alloc_frames(m, 0, &a), 0);
	assert_int_equal(a, 0x101000);
	assert_int_equal(ptk_alloc_frames(m, 0, &a), 0);
	assert_int_equal(a, 0xf000);	/* 0x100000 is reserved: the low range */
	assert_int_equal(ptk_alloc_frames(m, 0, &a), 0);
	assert_int_equal(a, 0xd000);	/* 0xe000 is reserved */
	ptk_machine_destroy(m);

	cfg.nr_reserved = 2;
	cfg.reserved = (const struct ptk_phys_range[]){ { 0x1000, 0x2000 }, { 0x2000, 0x1000 } };
	assert_int_equal(ptk_machine_create(&m, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "overlap"));
	cfg.reserved = (const struct ptk_phys_range[]){ { 0x1000, 0 }, { 1ull << 50, 0x1000 } };
	assert_int_equal(ptk_machine_create(&m, &cfg, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "reserved range 0x1000+0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(untouched_reads_zero),
		cmocka_unit_test(write_across_chunks_and_ranges),
		cmocka_unit_test(outside_ram_faults_and_changes_nothing),
		cmocka_unit_test(bad_ranges_are_named),
		cmocka_unit_test(terabyte_machine_is_cheap),
		cmocka_unit_test(backed_iteration_is_sparse),
		cmocka_unit_test(frames_come_top_down_and_recycle),
		cmocka_unit_test(allocator_runs_dry_cleanly),
		cmocka_unit_test(frames_skip_reserved_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
