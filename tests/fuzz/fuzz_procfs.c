// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the /proc parsers.  The input, as text, goes to
 * every parser.  A refusal must name its line; what is accepted must stay
 * within the result's bounds, and an accepted iomem must print and parse
 * back to the same tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/ptkit.h>
#include <ptkit/procfs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

static void check_refusal(int rc, const struct ptk_error *err)
{
	check(rc == 0 || (rc == -EINVAL && !strncmp(err->msg, "line ", 5)));
}

static void check_iomem_round_trip(const struct ptk_proc_iomem *io)
{
	struct ptk_proc_iomem *again = calloc(1, sizeof(*again));
	struct ptk_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	check(again && f);
	check(ptk_proc_iomem(io->res, io->nr, f) == 0);
	fclose(f);
	check(ptk_proc_parse_iomem(text, again, &err) == 0);
	check(again->nr == io->nr);
	for (size_t i = 0; i < io->nr; i++)
		check(again->res[i].start == io->res[i].start &&
		      again->res[i].end == io->res[i].end &&
		      again->res[i].depth == io->res[i].depth);
	free(text);
	free(again);
}

static void fuzz_kv_parsers(const char *text)
{
	struct ptk_proc_kvfile *kv = calloc(1, sizeof(*kv));
	struct ptk_proc_zoneinfo *zi = calloc(1, sizeof(*zi));
	struct ptk_error err = { 0 };
	int rc;

	check(kv && zi);
	check_refusal(ptk_proc_parse_meminfo(text, kv, &err), &err);
	check_refusal(ptk_proc_parse_vmstat(text, kv, &err), &err);
	rc = ptk_proc_parse_zoneinfo(text, zi, &err);
	check_refusal(rc, &err);
	for (size_t i = 0; !rc && i < zi->nr_zones; i++)
		check(zi->zone[i].nr_kv <= PTK_PROC_MAX_KV &&
		      zi->zone[i].nr_protection <= PTK_MM_MAX_ZONES);
	free(kv);
	free(zi);
}

static void fuzz_table_parsers(const char *text)
{
	struct ptk_proc_buddyinfo *bi = calloc(1, sizeof(*bi));
	struct ptk_proc_pagetypeinfo *pi = calloc(1, sizeof(*pi));
	struct ptk_proc_iomem *io = calloc(1, sizeof(*io));
	struct ptk_error err = { 0 };
	int rc;

	check(bi && pi && io);
	rc = ptk_proc_parse_buddyinfo(text, bi, &err);
	check_refusal(rc, &err);
	check(rc || bi->nr_orders <= PTK_MAX_ORDER);
	rc = ptk_proc_parse_pagetypeinfo(text, pi, &err);
	check_refusal(rc, &err);
	check(rc || (pi->nr_orders <= PTK_MAX_ORDER && pi->nr_types <= PTK_PROC_MAX_TYPES));
	rc = ptk_proc_parse_iomem(text, io, &err);
	check_refusal(rc, &err);
	if (!rc)
		check_iomem_round_trip(io);
	free(bi);
	free(pi);
	free(io);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	check(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_kv_parsers(text);
	fuzz_table_parsers(text);
	free(text);
	return 0;
}
