// SPDX-License-Identifier: MIT
/*
 * Control state in the note: the raw words of struct ptk_cpu's union
 * (cpu.reg0..7, any architecture) and the architecture's names for its
 * members (cpu.cr4...).  A saved note carries both; the loader accepts
 * either and insists they agree when both are given.
 */
#include "image/image_priv.h"

/* Members never straddle a word: the union is an array of u64 too. */
static size_t field_word(const struct image_cpu_field *f)
{
	return f->offset / sizeof(uint64_t);
}

uint64_t image_cpu_field_get(const struct ptk_cpu *cpu, const struct image_cpu_field *f)
{
	const uint8_t *u = (const uint8_t *)cpu->reg + f->offset;
	uint8_t v8;
	uint32_t v32;
	uint64_t v64;

	switch (f->size) {
	case 1:
		memcpy(&v8, u, 1);
		return v8;
	case 4:
		memcpy(&v32, u, 4);
		return v32;
	default:
		memcpy(&v64, u, 8);
		return v64;
	}
}

static void field_set(struct ptk_cpu *cpu, const struct image_cpu_field *f, uint64_t v)
{
	uint8_t *u = (uint8_t *)cpu->reg + f->offset;
	uint8_t v8 = (uint8_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (f->size) {
	case 1:
		memcpy(u, &v8, 1);
		break;
	case 4:
		memcpy(u, &v32, 4);
		break;
	default:
		memcpy(u, &v, 8);
		break;
	}
}

void image_cpu_regs(const struct ptk_cpu *cpu, const struct image_arch *a,
		    uint64_t reg[IMAGE_NR_REGS])
{
	struct ptk_cpu clean;

	if (!a || !a->nr_fields) {
		memcpy(reg, cpu->reg, IMAGE_NR_REGS * sizeof(uint64_t));
		return;
	}
	memset(&clean, 0, sizeof(clean));
	for (size_t i = 0; i < a->nr_fields; i++)
		field_set(&clean, &a->fields[i], image_cpu_field_get(cpu, &a->fields[i]));
	memcpy(reg, clean.reg, IMAGE_NR_REGS * sizeof(uint64_t));
}

static int apply_field(const struct image_note *n, const struct image_cpu_field *f,
		       size_t i, struct ptk_cpu *c, const char *where, struct ptk_error *err)
{
	size_t w = field_word(f);
	uint64_t raw = image_cpu_field_get(c, f);

	if ((n->have_reg >> w & 1) && raw != n->field[i])
		return ptk_err(err, -EINVAL,
			       "%s: PTKIT note: cpu.%s=%#llx disagrees with cpu.reg%zu=%#llx",
			       where, f->name, (unsigned long long)n->field[i], w,
			       (unsigned long long)n->reg[w]);
	field_set(c, f, n->field[i]);
	return 0;
}

/* A bool member holding any byte but 0 or 1 would be undefined to read. */
static int check_bools(const struct image_arch *a, const struct ptk_cpu *c,
		       const char *where, struct ptk_error *err)
{
	for (size_t i = 0; i < a->nr_fields; i++) {
		const struct image_cpu_field *f = &a->fields[i];
		uint64_t v = image_cpu_field_get(c, f);

		if (f->is_bool && v > 1)
			return ptk_err(err, -EINVAL,
				       "%s: PTKIT note: cpu.reg%zu sets %s to %llu, not 0 or 1",
				       where, field_word(f), f->name, (unsigned long long)v);
	}
	return 0;
}

int image_note_apply_cpu(const struct image_note *n, struct ptk_cpu *cpu,
			 const char *where, struct ptk_error *err)
{
	const struct image_arch *a = image_arch_by_name(n->fmt->arch);
	struct ptk_cpu c = *cpu;
	int rc;

	for (size_t i = 0; i < IMAGE_NR_REGS; i++)
		if (n->have_reg >> i & 1)
			c.reg[i] = n->reg[i];
	for (size_t i = 0; a && i < a->nr_fields; i++) {
		if (!(n->have_field >> i & 1))
			continue;
		rc = apply_field(n, &a->fields[i], i, &c, where, err);
		if (rc)
			return rc;
	}
	rc = a ? check_bools(a, &c, where, err) : 0;
	if (rc)
		return rc;
	if (n->cpu_pa_bits)
		c.pa_bits = n->cpu_pa_bits;
	*cpu = c;
	return 0;
}
