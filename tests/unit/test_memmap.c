// SPDX-License-Identifier: MIT
/* phys/memmap: memory maps from ram=/reserve=, e820, device-tree reg, presets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptk_test.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* The e820 table SeaBIOS gives a 4 GiB QEMU pc guest under KVM with
 * max-ram-below-4g=2G (2 GiB low, 2 GiB above 4 GiB). */
static const char qemu_e820[] =
	"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
	"BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
	"BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
	"BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable\n"
	"BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] reserved\n"
	"BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n"
	"BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
	"BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] usable\n";

struct want {
	uint64_t base, end;	/* end inclusive, as printed */
};

static const struct want qemu_ram[] = {
	{ 0, 0x9efff }, { 0x100000, 0x7ffdffff }, { 0x100000000, 0x17fffffff },
};
static const struct want qemu_reserved[] = {
	{ 0x9fc00, 0x9ffff }, { 0xf0000, 0xfffff }, { 0x7ffe0000, 0x7fffffff },
	{ 0xfeffc000, 0xfeffffff }, { 0xfffc0000, 0xffffffff },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void assert_kind(const struct ptk_memmap *map, enum ptk_memmap_kind k,
			const struct want *w, size_t n)
{
	assert_int_equal(ptk_memmap_nr(map, k), n);
	for (size_t i = 0; i < n; i++) {
		struct ptk_memmap_range r = ptk_memmap_at(map, k, i);

		assert_int_equal(r.base, w[i].base);
		assert_int_equal(r.base + r.size - 1, w[i].end);
	}
}

static void assert_qemu_map(const struct ptk_memmap *map)
{
	assert_kind(map, PTK_MEMMAP_RAM, qemu_ram, N(qemu_ram));
	assert_kind(map, PTK_MEMMAP_RESERVED, qemu_reserved, N(qemu_reserved));
}

static void assert_words(const struct ptk_error *err, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n && words[i]; i++)
		if (!strstr(err->msg, words[i]))
			fail_msg("\"%s\" not in \"%s\"", words[i], err->msg);
}

/* A call that must fail: the code, key words of the message, map unchanged. */
#define REFUSED(map, call, want, ...)                                         \
	do {                                                                  \
		struct ptk_error err = { 0 };                                 \
		size_t nram = ptk_memmap_nr(map, PTK_MEMMAP_RAM);              \
		size_t nres = ptk_memmap_nr(map, PTK_MEMMAP_RESERVED);         \
		const char *const words[] = { __VA_ARGS__, NULL };            \
									      \
		assert_int_equal(call, want);                                 \
		assert_int_equal(err.code, want);                             \
		assert_words(&err, words, N(words));                          \
		assert_int_equal(ptk_memmap_nr(map, PTK_MEMMAP_RAM), nram);    \
		assert_int_equal(ptk_memmap_nr(map, PTK_MEMMAP_RESERVED), nres); \
	} while (0)

static void ok(int rc, const struct ptk_error *err)
{
	if (rc)
		fail_msg("rc %d: %s", rc, err->msg);
}

/* One refused input: the code and key words of the message (place first). */
struct bad_input {
	int kind;		/* ram=/reserve=, or dt cells (ac * 10 + sc) */
	const char *text;
	unsigned pa_bits;
	int code;
	const char *words[3];
};

typedef int (*parse_fn)(struct ptk_memmap *map, const struct bad_input *in,
			struct ptk_error *err);

/* Each input refused as described, and the map (one RAM page at 1 MiB)
 * left as it was. */
static void assert_all_refused(parse_fn parse, const struct bad_input *in, size_t n)
{
	struct ptk_memmap map;
	struct ptk_error err = { 0 };

	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_ranges(&map, PTK_MEMMAP_RAM, "1M@1M", 40, &err), &err);
	for (size_t i = 0; i < n; i++) {
		int rc = parse(&map, &in[i], &err);

		if (rc != in[i].code)
			fail_msg("\"%s\": rc %d, expected %d (%s)", in[i].text, rc, in[i].code,
				 err.msg);
		assert_int_equal(err.code, rc);
		assert_words(&err, in[i].words, N(in[i].words));
		assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RAM), 1);
		assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RESERVED), 0);
	}
	ptk_memmap_free(&map);
}

static int parse_ranges(struct ptk_memmap *map, const struct bad_input *in,
			struct ptk_error *err)
{
	return ptk_memmap_parse_ranges(map, in->kind, in->text, in->pa_bits, err);
}

static void e820_excerpt_parses(void **state)
{
	struct ptk_memmap map;
	struct ptk_error err = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_e820(&map, qemu_e820, 36, &err), &err);
	assert_qemu_map(&map);
	for (size_t i = 0; i < N(qemu_reserved); i++)
		assert_int_equal(ptk_memmap_at(&map, PTK_MEMMAP_RESERVED, i).type,
				 PTK_E820_RESERVED);
	ptk_memmap_free(&map);
}

/* A whole dmesg: timestamps and the other lines (even "e820: update
 * [mem ...]") are skipped, the firmware table is read. */
static void e820_from_dmesg_with_timestamps(void **state)
{
	char *text = ptk_test_read_source_file("tests/data/e820/qemu-pc-2g.dmesg");
	struct ptk_memmap map;
	struct ptk_error err = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_e820(&map, text, 36, &err), &err);
	assert_qemu_map(&map);
	ptk_memmap_free(&map);
	free(text);
}

/* x86's edits (trim_bios_range, reserve_real_mode) of a real guest's table:
 * RAM starts at page 1 and keeps its firmware end (0x9fbff, not page
 * aligned) for /proc/iomem; page 0 becomes reserved; memblock reserves the
 * whole first MiB; nothing else moves.  A second pass finds its work done
 * and refuses, leaving the map as it was. */
static void x86_trim_bios_range_on_real_e820(void **state)
{
	char *text = ptk_test_read_source_file("tests/data/e820/firecracker-6.18.dmesg");
	struct ptk_memmap map;
	struct ptk_memmap_range r;
	struct ptk_error err = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_e820(&map, text, 46, &err), &err);
	ok(ptk_memmap_x86_trim_bios_range(&map, 46, &err), &err);
	r = ptk_memmap_at(&map, PTK_MEMMAP_RAM, 0);
	assert_int_equal(r.base, 0x1000);
	assert_int_equal(r.base + r.size, 0x9f000);
	assert_int_equal(r.fw_base, 0x1000);
	assert_int_equal(r.fw_base + r.fw_size, 0x9fc00);
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RAM), 3);
	r = ptk_memmap_at(&map, PTK_MEMMAP_RESERVED, 0);
	assert_int_equal(r.base, 0);
	assert_int_equal(r.size, 0x1000);
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RESERVED), 3);
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_MEMBLOCK), 1);
	r = ptk_memmap_at(&map, PTK_MEMMAP_MEMBLOCK, 0);
	assert_int_equal(r.base, 0);
	assert_int_equal(r.size, 0x100000);
	assert_int_equal(ptk_memmap_x86_trim_bios_range(&map, 46, &err), -EINVAL);
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_MEMBLOCK), 1);
	/* the kernel's own reservations have no ranges= syntax */
	assert_int_equal(ptk_memmap_parse_ranges(&map, PTK_MEMMAP_MEMBLOCK, "4K@0", 46, &err),
			 -EINVAL);
	ptk_memmap_free(&map);
	free(text);
}

static void e820_types_and_crlf(void **state)
{
	static const char text[] =
		"x BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] ACPI data\r\n"
		"BIOS-e820: [mem 0x0000000000001000-0x0000000000001fff] ACPI NVS\n"
		"\n"
		"BIOS-e820: [mem 0x0000000000002000-0x0000000000002fff] unusable\n"
		"BIOS-e820: [mem 0x0000000000003000-0x0000000000003fff] persistent (type 7)\n"
		"BIOS-e820: [mem 0x0000000000004000-0x0000000000004fff] soft reserved\n"
		"BIOS-e820: [mem 0x0000000000005000-0x0000000000005fff] type 20   \n"
		"BIOS-e820: [mem 0x0000000000006100-0x0000000000006fff] usable";
	static const uint32_t types[] = { PTK_E820_ACPI, PTK_E820_NVS, PTK_E820_UNUSABLE,
					  PTK_E820_PMEM, PTK_E820_SOFT_RESERVED, 20 };
	struct ptk_memmap map;
	struct ptk_error err = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_e820(&map, text, 36, &err), &err);
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RESERVED), N(types));
	for (size_t i = 0; i < N(types); i++)
		assert_int_equal(ptk_memmap_at(&map, PTK_MEMMAP_RESERVED, i).type, types[i]);
	/* 0x6100-0x6fff has no whole page: dropped. */
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RAM), 0);
	ptk_memmap_free(&map);
}

static int parse_e820(struct ptk_memmap *map, const struct bad_input *in,
		      struct ptk_error *err)
{
	return ptk_memmap_parse_e820(map, in->text, in->pa_bits, err);
}

static void e820_errors_name_line_and_column(void **state)
{
	static const struct bad_input bad[] = {
		{ 0, "hello\nworld\n", 36, -EINVAL, { "no BIOS-e820 lines" } },
		{ 0, "\n[ 0.0] BIOS-e820: [mem 0x1000-0x1fff] bogus\n", 36, -EINVAL,
		  { "line 2, column 39", "unknown e820 type" } },
		{ 0, "BIOS-e820: [mem 0x2000-0x1fff] usable", 36, -EINVAL,
		  { "line 1, column 30", "end is below start" } },
		{ 0, "BIOS-e820: [mem 1000-0x1fff] usable", 36, -EINVAL,
		  { "line 1, column 17", "0x hex address" } },
		{ 0, "BIOS-e820: [mem 0x10000000000000000-0x1] usable", 36, -EINVAL,
		  { "column 17", "64 bits" } },
		{ 0, "BIOS-e820: (mem 0x0-0x1] usable", 36, -EINVAL,
		  { "line 1, column 12", "[mem" } },
		{ 0, "BIOS-e820: [mem 0x0-0x1fff] usable\nBIOS-e820: [mem 0x1000-0x2fff] usable\n",
		  36, -EINVAL, { "line 2", "RAM range", "overlaps" } },
		{ 0, "BIOS-e820: [mem 0x1000000000-0x1000000fff] reserved", 36, -ERANGE,
		  { "line 1", "36-bit" } },
	};

	(void)state;
	assert_all_refused(parse_e820, bad, N(bad));
}

static void ranges_parse_every_syntax(void **state)
{
	static const struct want ram[] = {
		{ 0, 0x9ffff }, { 0x100000, 0x7fffffff }, { 4 * GiB, 4 * GiB + 512 * MiB - 1 },
	};
	static const struct want res[] = { { 0x9fc00, 0x9ffff }, { 0x40000123, 0x40000123 } };
	struct ptk_memmap map;
	struct ptk_error err = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_ranges(&map, PTK_MEMMAP_RAM,
				   " 640K@0, 0x100000-0x7fffffff ,4G+512m", 40, &err), &err);
	ok(ptk_memmap_parse_ranges(&map, PTK_MEMMAP_RESERVED, "1k@0x9fc00,0x40000123-0x40000123",
				   40, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, ram, N(ram));
	assert_kind(&map, PTK_MEMMAP_RESERVED, res, N(res));
	assert_int_equal(ptk_memmap_at(&map, PTK_MEMMAP_RESERVED, 0).type, PTK_E820_RESERVED);
	ptk_memmap_free(&map);
}

static void ranges_errors_name_the_item(void **state)
{
	static const struct bad_input bad[] = {
		{ PTK_MEMMAP_RAM, "4K@0,4K@0x1234", 40, -EINVAL,
		  { "ram= item 2: base 0x1234 is not page-aligned" } },
		{ PTK_MEMMAP_RAM, "0x1000-0x1fff,0x2000-0x2ffe", 40, -EINVAL,
		  { "ram= item 2", "size 0xfff", "whole number of pages" } },
		{ PTK_MEMMAP_RAM, "0@0", 40, -EINVAL, { "ram= item 1", "empty" } },
		{ PTK_MEMMAP_RAM, "0x2000-0x1000", 40, -EINVAL, { "ram= item 1", "below base" } },
		{ PTK_MEMMAP_RAM, "4K@0,2M@0x180000", 40, -EINVAL,
		  { "ram= item 2", "overlaps 0x100000-0x1fffff" } },
		{ PTK_MEMMAP_RAM, "4K@1T", 40, -ERANGE, { "ram= item 1", "40-bit" } },
		{ PTK_MEMMAP_RAM, "99999999999999999999@0", 40, -ERANGE,
		  { "ram= item 1", "64 bits" } },
		{ PTK_MEMMAP_RAM, "17179869184E@0", 40, -ERANGE, { "ram= item 1", "64 bits" } },
		{ PTK_MEMMAP_RESERVED, "4K@0,,", 40, -EINVAL,
		  { "reserve= item 2", "expected a number" } },
		{ PTK_MEMMAP_RESERVED, "4K@0 junk", 40, -EINVAL,
		  { "reserve= item 1", "unexpected 'j'" } },
		{ PTK_MEMMAP_RESERVED, "4K", 40, -EINVAL,
		  { "reserve= item 1", "BASE+SIZE, SIZE@BASE or BASE-END" } },
		{ PTK_MEMMAP_RESERVED, "  ", 40, -EINVAL, { "no ranges" } },
		{ PTK_MEMMAP_RAM, "4K@0", 53, -EINVAL, { "pa_bits 53" } },
	};

	(void)state;
	assert_all_refused(parse_ranges, bad, N(bad));
}

/* Reserved may lie inside RAM (memblock_reserve) or outside it (holes). */
static void reserved_may_overlap_ram(void **state)
{
	struct ptk_memmap map;
	struct ptk_error e = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_ranges(&map, PTK_MEMMAP_RAM, "0-0xfffff", 36, &e), &e);
	ok(ptk_memmap_parse_ranges(&map, PTK_MEMMAP_RESERVED, "0x1000-0x1fff,0xff000-0x100fff",
				   36, &e), &e);
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RESERVED), 2);
	REFUSED(&map, ptk_memmap_parse_ranges(&map, PTK_MEMMAP_RESERVED, "0x1800-0x2fff", 36, &err),
		-EINVAL, "reserve= item 1", "reserved range", "overlaps");
	ptk_memmap_free(&map);
}

static void dt_reg_parses(void **state)
{
	static const struct want two_two[] = {
		{ 0x40000000, 0xbfffffff }, { 0x880000000, 0x8bfffffff },
	};
	static const struct want one_one[] = { { 0x80000000, 0xbfffffff } };
	static const struct want trimmed[] = { { 0x1000, 0x2fff } };
	struct ptk_memmap map;
	struct ptk_error err = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_parse_dt_reg(&map, "reg = <0x0 0x40000000 0x0 0x80000000>,\n"
				   "\t<0x8 0x80000000 0x0 0x40000000>;", 2, 2, 40, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, two_two, N(two_two));
	ptk_memmap_free(&map);

	ok(ptk_memmap_parse_dt_reg(&map, "<0x80000000 1073741824>", 1, 1, 32, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, one_one, N(one_one));
	ptk_memmap_free(&map);

	/* Unaligned edges trimmed inward, as early_init_dt_add_memory_arch(). */
	ok(ptk_memmap_parse_dt_reg(&map, "<0x0 0x800 0x0 0x2900>", 2, 2, 32, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, trimmed, N(trimmed));
	ptk_memmap_free(&map);

	/* One group, two entries; 2 address cells, 1 size cell. */
	ok(ptk_memmap_parse_dt_reg(&map, "<0x0 0x0 0x1000 0x1 0x0 0x2000>", 2, 1, 36, &err), &err);
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RAM), 2);
	assert_int_equal(ptk_memmap_at(&map, PTK_MEMMAP_RAM, 1).base, 0x100000000);
	ptk_memmap_free(&map);
}

static int parse_dt_reg(struct ptk_memmap *map, const struct bad_input *in,
			struct ptk_error *err)
{
	return ptk_memmap_parse_dt_reg(map, in->text, (unsigned)in->kind / 10,
				       (unsigned)in->kind % 10, in->pa_bits, err);
}

static void dt_reg_errors(void **state)
{
	static const struct bad_input bad[] = {
		{ 22, "<0x0 0x1000 0x0>", 36, -EINVAL,
		  { "reg column 17", "ends inside an entry" } },
		{ 11, "<0x100000000 0x1000>", 36, -EINVAL, { "reg column 2", "32 bits" } },
		{ 11, "<0x1000 0x1000", 36, -EINVAL, { "missing '>'" } },
		{ 11, "0x1000 0x1000", 36, -EINVAL, { "reg column 1", "expected '<'" } },
		{ 11, "<0x1000 zz>", 36, -EINVAL, { "reg column 9", "expected a cell" } },
		{ 11, "<0x1000 0>", 36, -EINVAL, { "reg entry 1", "empty" } },
		{ 11, "<0x1000 0x2000 0x2000 0x1000>", 36, -EINVAL, { "reg entry 2", "overlaps" } },
		{ 22, "<0x10 0x0 0x1 0x0>", 36, -ERANGE, { "reg entry 1", "36-bit" } },
		{ 11, "<>", 36, -EINVAL, { "no entries" } },
		{ 31, "<0 0x1000>", 36, -EINVAL, { "#address-cells 3" } },
	};

	(void)state;
	assert_all_refused(parse_dt_reg, bad, N(bad));
}

static bool same_range(struct ptk_memmap_range a, struct ptk_memmap_range b)
{
	return a.base == b.base && a.size == b.size && a.type == b.type;
}

static char *print_map(const struct ptk_memmap *map)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ptk_memmap_print_e820(map, f), 0);
	fclose(f);
	return buf;
}

static void print_round_trips(void **state)
{
	struct ptk_memmap map, back;
	struct ptk_error err = { 0 };
	char *text, *again;

	(void)state;
	ptk_memmap_init(&map);
	ptk_memmap_init(&back);
	ok(ptk_memmap_parse_e820(&map, qemu_e820, 36, &err), &err);
	ok(ptk_memmap_parse_e820(&map, "BIOS-e820: [mem 0x200000000-0x200000fff] persistent (type 12)\n"
				 "BIOS-e820: [mem 0x200001000-0x200001fff] type 99\n", 36, &err),
	   &err);
	text = print_map(&map);
	assert_non_null(strstr(text, "BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable\n"
				     "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"));
	assert_non_null(strstr(text, "] persistent (type 12)\n"));
	ok(ptk_memmap_parse_e820(&back, text, 36, &err), &err);
	again = print_map(&back);
	assert_string_equal(text, again);
	for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++) {
		assert_int_equal(ptk_memmap_nr(&back, k), ptk_memmap_nr(&map, k));
		for (size_t i = 0; i < ptk_memmap_nr(&map, k); i++)
			assert_true(same_range(ptk_memmap_at(&map, k, i),
					       ptk_memmap_at(&back, k, i)));
	}
	free(text);
	free(again);
	ptk_memmap_free(&map);
	ptk_memmap_free(&back);
}

static void preset_qemu_pc_matches_seabios(void **state)
{
	struct ptk_memmap map;
	struct ptk_error err = { 0 };
	static const struct want ram_3g[] = { { 0, 0x9efff }, { 0x100000, 0xbffdffff } };
	static const struct want ram_4g[] = {
		{ 0, 0x9efff }, { 0x100000, 0xbffdffff }, { 4 * GiB, 5 * GiB - 1 },
	};

	(void)state;
	ptk_memmap_init(&map);
	/* q35 with 4 GiB splits 2 + 2 like the excerpt, plus MMCONFIG... */
	ok(ptk_memmap_preset(&map, "qemu-q35", 4 * GiB, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, qemu_ram, N(qemu_ram));
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RESERVED), N(qemu_reserved) + 1);
	assert_int_equal(ptk_memmap_at(&map, PTK_MEMMAP_RESERVED, 3).base, 0xb0000000);
	ptk_memmap_free(&map);

	/* ...and the default pc, 2 GiB, is the excerpt without its high RAM. */
	ok(ptk_memmap_preset(&map, "qemu-pc", 0, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, qemu_ram, 2);
	assert_kind(&map, PTK_MEMMAP_RESERVED, qemu_reserved, N(qemu_reserved));
	ptk_memmap_free(&map);

	/* pc: below 0xe0000000 all RAM is low; from there, 3 GiB low. */
	ok(ptk_memmap_preset(&map, "qemu-pc", 3 * GiB, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, ram_3g, N(ram_3g));
	ptk_memmap_free(&map);
	ok(ptk_memmap_preset(&map, "qemu-pc", 4 * GiB, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, ram_4g, N(ram_4g));
	ptk_memmap_free(&map);
}

static void preset_arm_boards(void **state)
{
	static const struct want virt[] = { { 0x40000000, 0x7fffffff } };
	static const struct want virt_4g[] = { { 0x40000000, 0x13fffffff } };
	static const struct want vexpress[] = { { 0x80000000, 0xbfffffff } };
	struct ptk_memmap map;
	struct ptk_error err = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_preset(&map, "qemu-virt", 0, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, virt, N(virt));
	assert_int_equal(ptk_memmap_nr(&map, PTK_MEMMAP_RESERVED), 0);
	ptk_memmap_free(&map);
	ok(ptk_memmap_preset(&map, "qemu-virt", 4 * GiB, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, virt_4g, N(virt_4g));
	ptk_memmap_free(&map);
	ok(ptk_memmap_preset(&map, "vexpress-a15", 0, &err), &err);
	assert_kind(&map, PTK_MEMMAP_RAM, vexpress, N(vexpress));
	ptk_memmap_free(&map);
}

static void preset_errors(void **state)
{
	struct ptk_memmap map;
	struct ptk_error e = { 0 };

	(void)state;
	ptk_memmap_init(&map);
	REFUSED(&map, ptk_memmap_preset(&map, "pdp-11", 0, &err), -ENOENT, "pdp-11", "qemu-pc");
	REFUSED(&map, ptk_memmap_preset(&map, "vexpress-a15", 31 * GiB, &err), -ERANGE,
		"vexpress-a15", "outside");
	REFUSED(&map, ptk_memmap_preset(&map, "qemu-pc", MiB, &err), -ERANGE, "qemu-pc",
		"outside");
	REFUSED(&map, ptk_memmap_preset(&map, "qemu-virt", GiB + 1, &err), -EINVAL,
		"not page-aligned");
	/* Adds to what is there, with the same checks. */
	ok(ptk_memmap_parse_ranges(&map, PTK_MEMMAP_RAM, "4K@0x40000000", 40, &e), &e);
	REFUSED(&map, ptk_memmap_preset(&map, "qemu-virt", 0, &err), -EINVAL, "preset qemu-virt",
		"overlaps");
	ptk_memmap_free(&map);
}

static void ram_list_builds_phys(void **state)
{
	struct ptk_memmap map;
	struct ptk_error err = { 0 };
	struct ptk_phys_range r[4];
	struct ptk_phys *ph = NULL;
	size_t n;

	(void)state;
	ptk_memmap_init(&map);
	ok(ptk_memmap_preset(&map, "qemu-pc", 4 * GiB, &err), &err);
	n = ptk_memmap_ram_ranges(&map, NULL, 0);
	assert_int_equal(n, 3);
	assert_int_equal(ptk_memmap_ram_ranges(&map, r, 4), 3);
	ok(ptk_phys_create(&ph, 36, r, n, &err), &err);
	assert_int_equal(ptk_phys_ram_bytes(ph), 4 * GiB - 0x1000 - 0x60000 - 0x20000);
	assert_true(ptk_phys_is_ram(ph, 0x100000000, PTK_PAGE_SIZE));
	assert_false(ptk_phys_is_ram(ph, 0x9f000, 1));
	ptk_phys_destroy(ph);
	ptk_memmap_free(&map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e820_excerpt_parses),
		cmocka_unit_test(e820_from_dmesg_with_timestamps),
		cmocka_unit_test(x86_trim_bios_range_on_real_e820),
		cmocka_unit_test(e820_types_and_crlf),
		cmocka_unit_test(e820_errors_name_line_and_column),
		cmocka_unit_test(ranges_parse_every_syntax),
		cmocka_unit_test(ranges_errors_name_the_item),
		cmocka_unit_test(reserved_may_overlap_ram),
		cmocka_unit_test(dt_reg_parses),
		cmocka_unit_test(dt_reg_errors),
		cmocka_unit_test(print_round_trips),
		cmocka_unit_test(preset_qemu_pc_matches_seabios),
		cmocka_unit_test(preset_arm_boards),
		cmocka_unit_test(preset_errors),
		cmocka_unit_test(ram_list_builds_phys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
