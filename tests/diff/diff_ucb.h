/* SPDX-License-Identifier: MIT */
/*
 * The ARMv7 referee (tests/referee/uc_arm32) as the shared diff driver
 * (tests/support/ptk_diff.h) sees it, for the two ARMv7 diff tests: long
 * and short descriptors ask the same referee the same way.  Header-only:
 * it needs both ptkit's test support and the referee, which only the diff
 * tests link together.
 */
#ifndef DIFF_UCB_H
#define DIFF_UCB_H

#include "ptk_diff.h"
#include "uc_arm32.h"

_Static_assert(UCB_WALK_MAX <= PTK_DIFF_WALK_MAX, "a referee walk fits an answer");

static inline int ucb_diff_open(void **referee)
{
	struct ucb *uc = NULL;
	int rc = ucb_open(&uc);

	*referee = uc;
	return rc;
}

static inline void ucb_diff_close(void *referee)
{
	ucb_close(referee);
}

static inline int ucb_diff_load(struct ptk_diff_round *d)
{
	struct ucb_page *pages = calloc(d->ntables, sizeof(*pages));
	int rc;

	assert_non_null(pages);
	for (size_t i = 0; i < d->ntables; i++)
		pages[i] = (struct ucb_page){ d->tables[i].pa, d->tables[i].bytes, d->tables[i].size };
	rc = ucb_set_memory(d->referee, pages, d->ntables);
	free(pages);
	return rc;
}

/* Ask about one 32-bit address at PL1 or PL0 (pl0).  Queries where QEMU
 * departs from the manual, or its walk read a page not listed, are set
 * aside; a PA QEMU did not observe (pa_derived) is not compared. */
static inline int ucb_diff_ask(struct ptk_diff_round *d, const struct ucb_state *st, uint64_t va,
			       enum ptk_access acc, bool pl0, struct ptk_diff_answer *a)
{
	static const enum ucb_access uacc[] = { UCB_READ, UCB_WRITE, UCB_FETCH };
	struct ucb_result ur;
	int rc = ucb_query(d->referee, st, (uint32_t)va, uacc[acc], pl0, &ur);

	if (rc)
		return rc;
	a->set_aside = ur.deviation || ur.unlisted;
	a->fault = ur.fault;
	a->type = ur.type;
	a->type_name = ucb_fault_type_name(ur.type);
	a->level = ur.level;
	a->status = ur.fs;
	a->syndrome_valid = ur.fsr != 0;	/* 0: no real access aborted */
	a->syndrome = ur.fsr;
	a->pa_valid = !ur.pa_derived;
	a->pa = ur.pa;
	a->page_shift = ur.page_shift;
	a->walk_valid = ur.nwalk != 0;
	ptk_diff_answer_walk(a, ur.nwalk, ur.walk_pa, ur.walk_val);
	return 0;
}

#endif
