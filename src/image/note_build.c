// SPDX-License-Identifier: MIT
/*
 * The PTKIT note's descriptor: key=value lines, one per fact, so that the
 * format can grow by adding keys and stays readable with a hex dump.
 */
#include <stdio.h>
#include <stdlib.h>

#include "image/image_priv.h"

/* Names go on a line of their own and end at the first space. */
static bool name_storable(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (*name < '!' || *name > '~')
			return false;
	return true;
}

static void put_cpu(FILE *f, const struct ptk_cpu *cpu, const struct image_arch *a)
{
	uint64_t reg[IMAGE_NR_REGS];

	fprintf(f, "cpu.pa_bits=%u\n", cpu->pa_bits);
	image_cpu_regs(cpu, a, reg);
	for (size_t i = 0; i < IMAGE_NR_REGS; i++)
		fprintf(f, "cpu.reg%zu=0x%016llx\n", i, (unsigned long long)reg[i]);
	for (size_t i = 0; a && i < a->nr_fields; i++) {
		const struct image_cpu_field *fd = &a->fields[i];
		unsigned long long v = image_cpu_field_get(cpu, fd);

		if (fd->is_bool)
			fprintf(f, "cpu.%s=%llu\n", fd->name, v);
		else
			fprintf(f, "cpu.%s=0x%llx\n", fd->name, v);
	}
}

static int put_tables(FILE *f, struct ptk_machine *m)
{
	for (struct ptk_pgtable *pt = ptk_pgtable_first(m); pt; pt = ptk_pgtable_next(pt)) {
		if (!name_storable(ptk_pgtable_name(pt)))
			return ptk_err(ptk_machine_error(m), -EINVAL,
				       "table name '%s' has a space or control character; the image note cannot hold it",
				       ptk_pgtable_name(pt));
		fprintf(f, "table=%s roots=", ptk_pgtable_name(pt));
		for (unsigned r = 0; r < ptk_pgtable_nroots(pt); r++)
			fprintf(f, "%s0x%llx", r ? "," : "",
				(unsigned long long)ptk_pgtable_root(pt, r));
		fputc('\n', f);
	}
	return 0;
}

static void put_machine(FILE *f, struct ptk_machine *m)
{
	const struct ptk_format *fmt = ptk_machine_format(m);
	uint64_t mark;

	fprintf(f, "version=%d\n", IMAGE_NOTE_VERSION);
	fprintf(f, "format=%s\n", fmt->name);
	fprintf(f, "pa_bits=%u\n", ptk_phys_pa_bits(ptk_machine_phys(m)));
	/* Where the frame allocator stands: a loaded machine allocates below. */
	if (!ptk_machine_frames_mark(m, &mark))
		fprintf(f, "frames.mark=0x%llx\n", (unsigned long long)mark);
	put_cpu(f, ptk_machine_cpu(m), image_arch_by_name(fmt->arch));
}

int image_note_build(struct ptk_machine *m, char **text, size_t *len)
{
	struct ptk_error *err = ptk_machine_error(m);
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int rc;

	if (!f)
		return ptk_err(err, -ENOMEM, "out of host memory for the image note");
	put_machine(f, m);
	rc = put_tables(f, m);
	if (ferror(f) && !rc)
		rc = ptk_err(err, -ENOMEM, "out of host memory for the image note");
	if (fclose(f) && !rc)
		rc = ptk_err(err, -ENOMEM, "out of host memory for the image note");
	if (!rc && n > IMAGE_NOTE_MAX)
		rc = ptk_err(err, -E2BIG, "image note would be %zu bytes, more than the %u a loader accepts",
			     n, IMAGE_NOTE_MAX);
	if (rc) {
		free(buf);
		return rc;
	}
	*text = buf;
	*len = n;
	return 0;
}
