// SPDX-License-Identifier: MIT
/*
 * What the image layer knows per architecture: the ELF machine number the
 * core file carries, and names for the control registers held in the raw
 * struct ptk_cpu union, so that the note can say "cpu.cr4=..." and not only
 * "cpu.reg1=...".  Keyed by ptk_format.arch, so a new format of a known
 * architecture needs nothing here.
 */
#include <gelf.h>
#include <stddef.h>
#include <string.h>

#include "image/image_priv.h"

#define X86_FIELD(member, bool_) {                                        \
	#member, offsetof(struct ptk_cpu_x86, member),                   \
	sizeof(((struct ptk_cpu_x86 *)0)->member), bool_ }

static const struct image_cpu_field x86_fields[] = {
	X86_FIELD(cr0, false),
	X86_FIELD(cr4, false),
	X86_FIELD(efer, false),
	X86_FIELD(pkru, false),
	X86_FIELD(ac, true),
};

#define A64_FIELD(member, bool_) {                                        \
	#member, offsetof(struct ptk_cpu_arm64, member),                 \
	sizeof(((struct ptk_cpu_arm64 *)0)->member), bool_ }

static const struct image_cpu_field a64_fields[] = {
	A64_FIELD(tcr, false),
	A64_FIELD(mair, false),
	A64_FIELD(sctlr, false),
	A64_FIELD(pan, true),
};

#define A32_FIELD(member) {                                              \
	#member, offsetof(struct ptk_cpu_arm32, member),                 \
	sizeof(((struct ptk_cpu_arm32 *)0)->member), false }

static const struct image_cpu_field a32_fields[] = {
	A32_FIELD(ttbcr), A32_FIELD(sctlr), A32_FIELD(dacr), A32_FIELD(prrr),
	A32_FIELD(nmrr), A32_FIELD(mair0), A32_FIELD(mair1),
};

static const struct image_arch arches[] = {
	{ "x86_64", EM_X86_64, x86_fields, sizeof(x86_fields) / sizeof(x86_fields[0]) },
	{ "arm64", EM_AARCH64, a64_fields, sizeof(a64_fields) / sizeof(a64_fields[0]) },
	{ "arm32", EM_ARM, a32_fields, sizeof(a32_fields) / sizeof(a32_fields[0]) },
};

_Static_assert(sizeof(x86_fields) / sizeof(x86_fields[0]) <= IMAGE_MAX_FIELDS,
	       "image_note.field[] too small");

const struct image_arch *image_arch_by_name(const char *arch)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(arches[i].arch, arch))
			return &arches[i];
	return NULL;
}

const struct image_arch *image_arch_by_machine(unsigned e_machine)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].e_machine == e_machine)
			return &arches[i];
	return NULL;
}
