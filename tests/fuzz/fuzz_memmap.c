// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the memory-map parsers.  The input, as text, goes
 * to every parser in turn (ram=, reserve=, e820, and reg with each cell
 * combination), all adding to one map.  A refusal must come with a message
 * and leave the map exactly as it was; whatever is accepted must be
 * sorted, non-overlapping, page-aligned RAM, and survive an e820 round
 * trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/ptkit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PA_BITS 48

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

static struct ptk_memmap_range *snapshot(const struct ptk_memmap *map,
					 enum ptk_memmap_kind k)
{
	size_t n = ptk_memmap_nr(map, k);
	struct ptk_memmap_range *r = malloc((n + 1) * sizeof(*r));

	check(r != NULL);
	for (size_t i = 0; i < n; i++)
		r[i] = ptk_memmap_at(map, k, i);
	return r;
}

static int same_kind(const struct ptk_memmap *map, enum ptk_memmap_kind k,
		     const struct ptk_memmap_range *r, size_t n)
{
	if (ptk_memmap_nr(map, k) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct ptk_memmap_range x = ptk_memmap_at(map, k, i);

		if (x.base != r[i].base || x.size != r[i].size || x.type != r[i].type)
			return 0;
	}
	return 1;
}

static void check_invariants(const struct ptk_memmap *map)
{
	for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++) {
		for (size_t i = 0; i < ptk_memmap_nr(map, k); i++) {
			struct ptk_memmap_range r = ptk_memmap_at(map, k, i);

			check(r.size > 0 && r.base + r.size <= 1ull << FUZZ_PA_BITS);
			if (k == PTK_MEMMAP_RAM)
				check(!((r.base | r.size) & (PTK_PAGE_SIZE - 1)));
			if (i)
				check(ptk_memmap_at(map, k, i - 1).base +
				      ptk_memmap_at(map, k, i - 1).size <= r.base);
		}
	}
}

/* Print as e820 and parse back: the same map. */
static void check_round_trip(const struct ptk_memmap *map)
{
	struct ptk_memmap back;
	struct ptk_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	check(f != NULL);
	check(ptk_memmap_print_e820(map, f) == 0);
	fclose(f);
	ptk_memmap_init(&back);
	if (ptk_memmap_nr(map, PTK_MEMMAP_RAM) + ptk_memmap_nr(map, PTK_MEMMAP_RESERVED)) {
		check(ptk_memmap_parse_e820(&back, buf, FUZZ_PA_BITS, &err) == 0);
		for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++) {
			struct ptk_memmap_range *r = snapshot(map, k);

			check(same_kind(&back, k, r, ptk_memmap_nr(map, k)));
			free(r);
		}
	}
	ptk_memmap_free(&back);
	free(buf);
}

/* One parser call: on failure, a message and the map untouched. */
static void run(struct ptk_memmap *map, int which, const char *text)
{
	static const unsigned cells[][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 2, 2 } };
	struct ptk_memmap_range *before[PTK_MEMMAP_NR_KINDS];
	size_t nr[PTK_MEMMAP_NR_KINDS];
	struct ptk_error err = { 0 };
	int rc;

	for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++) {
		before[k] = snapshot(map, k);
		nr[k] = ptk_memmap_nr(map, k);
	}
	if (which < PTK_MEMMAP_NR_KINDS)
		rc = ptk_memmap_parse_ranges(map, which, text, FUZZ_PA_BITS, &err);
	else if (which == PTK_MEMMAP_NR_KINDS)
		rc = ptk_memmap_parse_e820(map, text, FUZZ_PA_BITS, &err);
	else
		rc = ptk_memmap_parse_dt_reg(map, text, cells[which - 3][0],
					     cells[which - 3][1], FUZZ_PA_BITS, &err);
	if (rc) {
		check(rc < 0 && err.msg[0] && err.code == rc);
		for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++)
			check(same_kind(map, k, before[k], nr[k]));
	}
	for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++)
		free(before[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ptk_memmap map;

	check(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	ptk_memmap_init(&map);
	for (int which = 0; which < 7; which++)
		run(&map, which, text);
	check_invariants(&map);
	check_round_trip(&map);
	ptk_memmap_free(&map);
	free(text);
	return 0;
}
