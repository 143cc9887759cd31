/* SPDX-License-Identifier: MIT */
/* Renderers in the kernel's own formats. */
#ifndef PTKIT_VIEWS_H
#define PTKIT_VIEWS_H

#include <stdio.h>
#include <ptkit/mmu.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ptdump, column for column as the architecture's Linux dumper prints it
 * (x86: arch/x86/mm/dump_pagetables.c). */
int ptk_ptdump(const struct ptk_pgtable *pt, FILE *out);

/* A walk level by level: index bits, entry address, value, decoded bits. */
int ptk_print_walk(const struct ptk_pgtable *pt, const struct ptk_walk_req *req,
		   const struct ptk_walk_result *res, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
