/* SPDX-License-Identifier: MIT */
/*
 * Software translation: one walker for every format, driven by the format's
 * geometry and fault rules.  The request names the access; the result carries
 * the physical address and every entry read, or a typed fault as the hardware
 * would report it.
 */
#ifndef PTKIT_MMU_H
#define PTKIT_MMU_H

#include <ptkit/pgtable.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_walk_step {
	uint64_t entry_pa;	/* where the walker read */
	uint64_t entry;		/* what it read (before any A/D update) */
	int level;
	unsigned index;
};

struct ptk_walk_result {
	uint64_t va;
	uint64_t pa;		/* valid when fault.kind == PTK_FAULT_NONE */
	uint64_t page_size;
	int level;		/* leaf hardware level, -1 if none */
	unsigned root;		/* which root served the VA */
	struct ptk_walk_acc acc; /* effective permissions */
	unsigned nsteps;
	struct ptk_walk_step step[PTK_MAX_LEVELS];
	struct ptk_fault fault;
};

/* 0 when translated, -EFAULT when the access faults (see res->fault). */
int ptk_translate(struct ptk_machine *m, const struct ptk_pgtable *pt,
		  const struct ptk_walk_req *req, struct ptk_walk_result *res);

#ifdef __cplusplus
}
#endif
#endif
