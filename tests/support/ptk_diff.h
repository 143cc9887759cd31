/* SPDX-License-Identifier: MIT */
/*
 * What the differential tests (tests/diff) share: rounds of random trees
 * built by the engine, copies of their table pages for a referee, random
 * damage, and the comparison of ptkit's walk with the referee's, counted
 * and summed up.
 *
 * Referee-neutral on purpose: the referees (tests/referee) must not depend
 * on ptkit, and this file must not depend on unicorn.  Each test turns its
 * referee's result into a struct ptk_diff_answer and passes what differs
 * per architecture as data and small callbacks (struct ptk_diff_ops).
 */
#ifndef PTK_DIFF_H
#define PTK_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptk_test.h"

#define PTK_DIFF_MAX_LEAVES 1024
#define PTK_DIFF_WALK_MAX 8

/* One table page of the tree, copied as the referee is given it. */
struct ptk_diff_table {
	uint64_t pa;
	uint8_t *bytes;
	size_t size;
};

/* One round: a fresh machine, one tree in it, and what queries aim at.
 * A test that needs more per round embeds this as the first member of its
 * own struct (ptk_diff_ops.round_size) and converts the pointer back. */
struct ptk_diff_round {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	const struct ptk_format *f;
	struct rng *rng;
	void *referee;
	struct ptk_mapping leaves[PTK_DIFF_MAX_LEAVES];	/* a sample of the leaf mappings */
	unsigned nleaves;
	uint64_t seen_leaves;
	struct ptk_diff_table *tables;	/* every table page the walks read */
	size_t ntables, max_tables;
};

/* A referee's answer to one access, in the terms all referees share. */
struct ptk_diff_answer {
	bool fault;
	/* Counted, not compared: QEMU departs from the manual here, or its
	 * walk read a page it was not given. */
	bool set_aside;
	/* The walk left RAM: the referee read zeros, ptkit must report the
	 * bus fault a real bus would raise.  Counted, not compared. */
	bool left_ram;
	bool gp;		/* x86: #GP (non-canonical) rather than #PF */
	int type;		/* the referee's fault type, for ptk_diff_ops.fault_type */
	const char *type_name;
	int level;		/* the faulting level, compared with fault_type */
	unsigned status;	/* the raw fault status (FS, FSC, ...), for messages */
	bool syndrome_valid;
	uint64_t syndrome;	/* DFSR/IFSR, ESR or #PF error code */
	bool pa_valid;
	uint64_t pa;
	bool page_shift_valid;
	unsigned page_shift;	/* log2 of the leaf's size */
	bool walk_valid;
	unsigned nwalk;		/* the entries the walk read, in order */
	uint64_t walk_pa[PTK_DIFF_WALK_MAX], walk_val[PTK_DIFF_WALK_MAX];
};

struct ptk_diff_tally {
	uint64_t checks, faults, walks_compared, by_kind[PTK_NR_FAULT_KINDS];
	uint64_t deviations;		/* answers set aside */
	uint64_t gp, outside_ram;	/* x86: #GP, walks that left RAM */
	uint64_t by_page_shift[64];	/* leaves agreed on, where the referee sizes them */
};

struct ptk_diff_ops {
	/* Each round's machine, and how many rounds of how many queries
	 * (scaled by PTK_SCALE). */
	const struct ptk_phys_range *ram;
	size_t nr_ram;
	unsigned pa_bits;
	unsigned rounds;
	uint64_t queries_per_round;
	size_t round_size;	/* sizeof the test's round (>= struct ptk_diff_round) */
	size_t max_tables;	/* table pages one round may copy */
	const char *who[2];	/* a supervisor and a user access, in messages */
	const char *status_name;	/* the raw fault status, in messages */

	int (*open)(void **referee);
	void (*close)(void *referee);
	/* Map at random through the engine; the leaves are then sampled. */
	void (*map)(struct ptk_diff_round *rd);
	/* Copy the tables for the referee (ptk_diff_copy_tree) and damage them. */
	void (*prepare)(struct ptk_diff_round *rd);
	int (*load)(struct ptk_diff_round *rd);	/* give the referee rd->tables */
	void (*new_cpu)(struct ptk_diff_round *rd);	/* random control state */
	uint64_t (*random_va)(struct ptk_diff_round *rd, bool *user);
	bool (*in_stub)(uint64_t va);	/* optional: addresses not to ask about */
	/* Ask the referee; 0 with *a filled, or its negative errno.  An
	 * access the referee cannot answer (unanswerable) is skipped. */
	int (*ask)(struct ptk_diff_round *rd, uint64_t va, enum ptk_access acc, bool user,
		   struct ptk_diff_answer *a);
	int unanswerable;
	/* Optional: the referee names fault types; they and the level must agree. */
	int (*fault_type)(enum ptk_fault_kind k);
	/* Optional: ptkit's syndrome as this referee reports it. */
	uint64_t (*as_referee_syndrome)(uint64_t syndrome, const struct ptk_walk_req *req);
	/* Optional: the fault status in ptkit's syndrome, to agree with a.status. */
	unsigned (*fault_status)(uint64_t syndrome);
	bool non_canonical_is_gp;	/* a non-canonical fault must be the referee's #GP */
	/* The summary's first line(s); the fault kinds follow. */
	void (*summary)(const char *name, const struct ptk_diff_tally *t);
};

/* Rounds of the configuration named (a format name) from seed: the test's
 * assertions on *t follow. */
void ptk_diff_run(const struct ptk_diff_ops *ops, const char *name, uint64_t seed,
		  struct ptk_diff_tally *t);

/* The leaf mapping a query aims at, at random; *user, mostly, the access its
 * protection suggests (so that many succeed).  Returns an address in it. */
uint64_t ptk_diff_va_in_leaf(struct ptk_diff_round *rd, bool *user);

/* Copy the table page at pa (once) for the referee. */
void ptk_diff_copy_table(struct ptk_diff_round *rd, uint64_t pa, size_t size);
/* Copy every table reachable from the roots (tables in RAM only). */
void ptk_diff_copy_tree(struct ptk_diff_round *rd);

/* Flip one of bits[] in 8-byte entries of the copies and the machine
 * alike, tries times (empty entries mostly spared); a flip refuse() says
 * no to is not made. */
void ptk_diff_damage(struct ptk_diff_round *rd, unsigned tries, const uint64_t *bits,
		     size_t nbits, bool (*refuse)(uint64_t entry));

/* The Arm tests' summary line: checks, faults, walks, departures. */
void ptk_diff_print_checks(const char *name, const struct ptk_diff_tally *t);
/* At least min_checks checks, and at least a fifth of them translations. */
void ptk_diff_assert_coverage(const struct ptk_diff_tally *t, uint64_t min_checks);

/* Copy a referee's walk into an answer (walk_valid is the caller's). */
static inline void ptk_diff_answer_walk(struct ptk_diff_answer *a, unsigned nwalk,
					const uint64_t *walk_pa, const uint64_t *walk_val)
{
	assert_true(nwalk <= PTK_DIFF_WALK_MAX);
	a->nwalk = nwalk;
	for (unsigned i = 0; i < nwalk; i++) {
		a->walk_pa[i] = walk_pa[i];
		a->walk_val[i] = walk_val[i];
	}
}

#endif
