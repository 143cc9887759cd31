/* SPDX-License-Identifier: MIT */
/*
 * Descriptor formats.  A format is data (the geometry of its levels) plus a
 * small set of pure functions that encode, decode and judge entries.  The
 * generic engine (pgtable/), the walker (mmu/) and the views run one code
 * path for every format; nothing outside src/arch/ asks which one it is.
 */
#ifndef PTKIT_ARCH_H
#define PTKIT_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTK_MAX_LEVELS 6	/* AArch64 LPA2 has levels -1..3; x86 LA57 has 5 */
#define PTK_MAX_ROOTS  2	/* TTBR0/TTBR1; x86 uses one */

/* Linux's five software levels.  A format maps each onto a hardware level
 * or folds it into its parent, as include/asm-generic/pgtable-nop4d.h does. */
enum ptk_pglevel {
	PTK_PGD, PTK_P4D, PTK_PUD, PTK_PMD, PTK_PTE, PTK_NR_PGLEVELS
};

/* Protection and attributes, the same letters on every architecture. */
#define PTK_PROT_READ     (1u << 0)	/* r */
#define PTK_PROT_WRITE    (1u << 1)	/* w */
#define PTK_PROT_EXEC     (1u << 2)	/* x */
#define PTK_PROT_USER     (1u << 3)	/* u */
#define PTK_PROT_GLOBAL   (1u << 4)	/* g */
#define PTK_PROT_ACCESSED (1u << 5)	/* a */
#define PTK_PROT_DIRTY    (1u << 6)	/* d */
#define PTK_PROT_LETTERS  "rwxugad"
/* The entry is part of an aligned run the TLB may cache as one (Arm's
 * Contiguous hint).  Set by the mapper, never by a letter. */
#define PTK_PROT_CONT     (1u << 16)

struct ptk_prot {
	uint32_t flags;		/* PTK_PROT_* */
	uint8_t memtype;	/* index into the format's memtype table (x86 PAT index) */
	uint8_t pkey;		/* protection key, where the format has one */
};

enum ptk_desc_type { PTK_DESC_INVALID, PTK_DESC_TABLE, PTK_DESC_LEAF };

/* One entry decoded into architecture-neutral terms. */
struct ptk_desc {
	enum ptk_desc_type type;
	uint64_t addr;		/* next-level table or output address */
	struct ptk_prot prot;	/* leaf: its attributes; table: what it still allows */
	uint8_t page_shift;	/* leaf: as ptk_walk_out's, one of the replicated
				 * entries of a larger page whose base is addr */
};

/* Geometry of one hardware level.  Level 0 is the root. */
struct ptk_level_geom {
	const char *hw_name;	/* the manual's name: "PML4", "PDPT", "L1"... */
	uint8_t shift;		/* VA bit of the lowest index bit = log2(span of one entry) */
	uint8_t bits;		/* index width */
	bool leaf;		/* may hold a block/page mapping */
	enum ptk_pglevel pglevel; /* the Linux level it plays */
	/*
	 * How tables of this level sit in memory, for formats whose tables are
	 * not one page of 2^bits entries (0 everywhere: the format's
	 * table_shift, one table per allocation, no copy).  ARM's
	 * short-descriptor format under Linux: a 16 KiB first-level table; a
	 * 4 KiB page holding the second-level tables of two consecutive
	 * first-level entries (1 KiB each, Linux's ptes) and, 2 KiB above
	 * them, the hardware's copies (pgtable-2level.h).
	 */
	uint8_t table_shift;	/* log2 bytes of one table as the engine reads it */
	uint8_t alloc_shift;	/* log2 bytes allocated at once for such tables */
	uint8_t share_shift;	/* log2 of the tables in one allocation: consecutive
				 * parent entries, linked together (Linux's pmd pair) */
	uint16_t hw_off;	/* the hardware's copy of each entry, from
				 * ops->hw_entry(), lies hw_off bytes above it */
	/* Entries that may be one of a replicated run (ops->unreplicate):
	 * (e & replica_mask) == replica_value and, where the level keeps
	 * hardware copies, (hw & replica_hw_mask) == replica_hw_value.  A
	 * cheap filter on the entry first, so that the engine reads the copy
	 * and asks the format only about candidates; both masks 0: no such
	 * entries at this level (the only choice without ops->unreplicate). */
	uint32_t replica_mask, replica_value, replica_hw_mask, replica_hw_value;
};

/* Control state of the CPU that affects translation.  Root registers
 * (CR3, TTBRn) belong to the page-table tree, not here. */
struct ptk_cpu_x86 {
	uint64_t cr0, cr4, efer;
	uint32_t pkru;
	bool ac;		/* EFLAGS.AC: SMAP override for explicit accesses */
};				/* = reg[0..3] */

/* AArch64 EL1&0 stage 1 (Arm ARM D8).  PAN is PSTATE.PAN. */
struct ptk_cpu_arm64 {
	uint64_t tcr, mair, sctlr;
	bool pan;
};				/* = reg[0..3] */

/* ARMv7-A PL1&0 stage 1 (ARMv7-A ARM B3), both table formats: TTBCR.EAE
 * picks the long-descriptor (LPAE) or the short-descriptor format.  With
 * EAE = 1 MAIR0/MAIR1 are the registers PRRR/NMRR are with EAE = 0, and
 * DACR plays no part; the LPAE format reads mair0/mair1. */
struct ptk_cpu_arm32 {
	uint32_t ttbcr, sctlr, dacr, prrr, nmrr, mair0, mair1;
};				/* = 28 bytes of reg[] */

struct ptk_cpu {
	union {
		struct ptk_cpu_x86 x86;
		struct ptk_cpu_arm64 arm64;
		struct ptk_cpu_arm32 arm32;
		uint64_t reg[8];
	};
	unsigned pa_bits;	/* MAXPHYADDR / the output-address size */
};

/* An access as the walker sees it. */
enum ptk_access { PTK_ACC_READ, PTK_ACC_WRITE, PTK_ACC_EXEC };

/* Why a translation failed.  One kind per rule of the manuals. */
enum ptk_fault_kind {
	PTK_FAULT_NONE = 0,
	PTK_FAULT_NOT_PRESENT,	/* x86 P=0; Arm translation fault */
	PTK_FAULT_RESERVED,	/* a reserved bit is set (x86 RSVD) */
	PTK_FAULT_WRITE,	/* write to a read-only page */
	PTK_FAULT_USER,		/* user access to a supervisor page */
	PTK_FAULT_EXEC,		/* fetch from a no-execute page */
	PTK_FAULT_SMEP,		/* supervisor fetch from a user page */
	PTK_FAULT_SMAP,		/* supervisor data access to a user page */
	PTK_FAULT_PKEY,		/* protection key forbids the access */
	PTK_FAULT_NON_CANONICAL, /* VA outside the implemented space (#GP) */
	PTK_FAULT_ADDRESS_SIZE,	/* output address beyond the physical width */
	PTK_FAULT_ACCESS_FLAG,	/* Arm AF = 0 */
	PTK_FAULT_DOMAIN,	/* Arm32 domain no-access */
	PTK_FAULT_BUS,		/* a table lies outside RAM (external abort) */
	PTK_NR_FAULT_KINDS
};

struct ptk_fault {
	enum ptk_fault_kind kind;
	int level;		/* level where it was found, as the architecture numbers
				 * it: x86 0 = root, -1 if none; Arm the lookup level
				 * -1..3 that the ESR reports */
	uint64_t syndrome;	/* what the hardware reports: x86 #PF error code */
};

/* x86 #PF error code bits, SDM vol. 3 §4.7 */
#define PTK_X86_PF_P    (1u << 0)
#define PTK_X86_PF_WR   (1u << 1)
#define PTK_X86_PF_US   (1u << 2)
#define PTK_X86_PF_RSVD (1u << 3)
#define PTK_X86_PF_ID   (1u << 4)
#define PTK_X86_PF_PK   (1u << 5)

/* Permissions accumulated down a walk (hierarchical attributes). */
struct ptk_walk_acc {
	uint32_t perm;		/* PTK_PROT_* every level so far allows */
	uint8_t pkey;
	uint8_t memtype;
};

/* What the format makes of one entry during a walk. */
struct ptk_walk_out {
	uint64_t addr;		/* next table, or the leaf's output address */
	uint64_t updated;	/* the entry as the hardware rewrites it when used
				 * (accessed; dirty for a write to a leaf) */
	uint8_t page_shift;	/* leaf: log2 of the page it maps when that is not
				 * its level's span (ARM's supersections and large
				 * pages, replicated entries), addr then that page's
				 * base; 0 (the walker's default): the level's span */
};

struct ptk_walk_req {
	uint64_t va;
	enum ptk_access access;
	bool user;		/* CPL3 / EL0 */
	bool implicit;		/* supervisor implicit access (ignores EFLAGS.AC) */
	bool no_update;		/* do not set accessed/dirty bits */
	bool slow;		/* skip the fast path (tests compare the two) */
};

/*
 * The walker's fast path.  For one control state the format says, per
 * level, which entries are plain tables (present, nothing reserved, no
 * update due) and which are plain leaves, as mask/value pairs.  The walker
 * follows plain entries in a few instructions, folding their bits into an
 * AND and an OR, and hands anything else to the full rules (walk_entry).
 * A level where a kind cannot occur has mask 0 and value 1 (never matches).
 *
 * The AND (and_bits) is of the entries as read, zero-extended.  The OR
 * (or_bits) puts each entry in its level's lane: entries narrower than 64
 * bits are shifted left by (level * entry bits) mod 64 first, so a format
 * of 4-byte entries sees its first level's bits in 31:0 and its second's
 * in 63:32 (ARM's short descriptors: the table's domain and PXN beside
 * the page's own bits); 8-byte entries all share lane 0.
 */
struct ptk_walk_allow {
	uint64_t and_mask, and_value;	/* (AND of the walk & mask) == value */
	uint64_t or_forbid;		/* and no entry has any of these bits */
	uint64_t leaf_need;		/* and the leaf has all of these */
	uint32_t perm_need;		/* and the leaf's effective permissions
					 * (acc.perm from leaf_attrs) have all of
					 * these: for rules the entry bits cannot
					 * say alone (ARM's domains, under DACR) */
};

#define PTK_WALK_ALLOW_INDEX(access, user) ((unsigned)(access) * 2u + ((user) ? 1u : 0u))

/* The walker's memo of the last plain leaf at a level. */
struct ptk_walk_memo {
	uint64_t key;			/* the leaf's bits leaf_attrs() reads */
	struct ptk_walk_acc acc;	/* and what it made of them */
	uint8_t allowed;		/* the plan's allow[i] held: bit i */
};

/*
 * One level of the plan, its fields together so that the walk reaches a
 * level's at fixed offsets from one pointer, fewer address computations
 * than parallel arrays: the loop's first (40 bytes), then the leaf's.
 */
struct ptk_walk_level {
	/* the walker fills these from the geometry */
	uint8_t shift;
	uint8_t level;		/* this one's number, as steps report it */
	uint64_t index_mask;
	/* table_mask and the address bits above the simulated RAM's chunk:
	 * one test for "a plain table, in the chunk the walk reads" ... */
	uint64_t table_chunk_mask;
	/* ... which e & table_chunk_mask equals (the walker's, remade when
	 * the walk moves to another chunk). */
	uint64_t chunk_value;
	/* the format's */
	uint64_t table_addr;
	uint64_t leaf_mask, leaf_value;
	uint64_t table_mask, table_value;
	uint64_t leaf_addr;
	/* Every bit of the leaf that leaf_attrs() reads (see attr_and). */
	uint64_t attr_leaf;
	/* the walker's */
	uint64_t offset_mask, page_size;
	struct ptk_walk_memo memo;	/* of the last plain leaf at this level */
};

struct ptk_walk_plan {
	struct ptk_walk_level lv[PTK_MAX_LEVELS];
	/* A sufficient condition for an access to a plain leaf to be allowed,
	 * per access and privilege; when it does not hold the full rules
	 * decide (fast_leaf).  Never matching (mask 0, value 1) is correct.
	 * The walker evaluates it with leaf_attrs() and remembers the answer
	 * with the leaf's attributes (attr_* below): a condition must hold
	 * for every walk whose attr_* bits are those of one where it held,
	 * which it does where it reads only those bits or is only stricter
	 * (it sends more walks to fast_leaf). */
	struct ptk_walk_allow allow[6];
	/* VAs the walk accepts without select_root(): [0, lo_last] goes to
	 * lo_root, [hi_first, hi_last] to hi_root (hi_last is ~0 unless the
	 * space is narrower, as AArch32's 32 bits). */
	uint64_t lo_last, hi_first, hi_last;
	uint8_t lo_root, hi_root;
	/* How an allowed access rewrites a plain leaf (dirty state). */
	uint64_t leaf_set_on_write, leaf_clear_on_write;
	uint64_t arch[2];	/* the format's own, for leaf_attrs() */
	/* Every bit leaf_attrs() reads: of the AND, of the OR, of the leaf at
	 * each level (lv[].attr_leaf).  Disjoint, so that their union keys its
	 * answer and the walker calls it only when a leaf's key differs from
	 * the last one at that level.  A format whose bits overlap is called
	 * every time. */
	uint64_t attr_and, attr_or;
};

/* A VA range that Linux names in its ptdump ("---[ User Space ]---"). */
struct ptk_marker {
	uint64_t start;
	const char *name;
	unsigned max_lines;	/* 0 = unlimited */
};

struct ptk_va_range { uint64_t start, end; };	/* end inclusive */

struct ptk_format;

/*
 * One entry of a leaf replicated over an aligned run of entries that all
 * hold the same descriptor, the whole page's base (ARM's short
 * descriptors: a 16 MiB supersection is 16 first-level entries, a 64 KiB
 * large page 16 second-level ones; ARMv7-A ARM B3.5.1).  Unlike the
 * Contiguous hint, an entry of such a run does not say its own part, so
 * it cannot be changed alone: the engine rewrites the run as plain leaves
 * first (see ops->unreplicate).
 */
struct ptk_replica {
	uint64_t plain;		/* the leaf that maps just this entry's span, with
				 * the same attributes, as the engine writes it */
	uint64_t pa;		/* the whole page's base, for messages */
	const char *kind;	/* what the run is: "supersection" */
	const char *why;	/* no plain leaf can say it: why (plain is 0) */
};

struct ptk_format_ops {
	/* Which root serves this VA, or a fault (non-canonical, address size). */
	int (*select_root)(const struct ptk_format *f, const struct ptk_cpu *cpu,
			   uint64_t va, struct ptk_fault *fault);
	/* Judge one entry met by the walker: PTK_DESC_TABLE to descend,
	 * PTK_DESC_LEAF when translation ends here, PTK_DESC_INVALID with
	 * *fault filled.  Accumulates hierarchical permissions in *acc and
	 * says where to go next and how the hardware would update the entry. */
	enum ptk_desc_type (*walk_entry)(const struct ptk_format *f,
					 const struct ptk_cpu *cpu, unsigned lvl,
					 uint64_t raw, const struct ptk_walk_req *req,
					 struct ptk_walk_acc *acc, struct ptk_walk_out *out,
					 struct ptk_fault *fault);
	/* The fast path: the plan for a control state (called when it changes),
	 * and the permission rules applied to a plain leaf given the AND and OR
	 * of every entry of the walk, leaf included.  Optional (NULL). */
	void (*walk_plan)(const struct ptk_format *f, const struct ptk_cpu *cpu,
			  struct ptk_walk_plan *plan);
	/* What a plain leaf grants: effective permissions, memory type, key. */
	void (*leaf_attrs)(const struct ptk_walk_plan *plan, unsigned lvl, uint64_t and_bits,
			   uint64_t or_bits, uint64_t leaf, struct ptk_walk_acc *acc);
	bool (*fast_leaf)(const struct ptk_format *f, const struct ptk_cpu *cpu,
			  const struct ptk_walk_req *req, unsigned lvl, uint64_t and_bits,
			  uint64_t or_bits, uint64_t leaf, struct ptk_walk_acc *acc,
			  struct ptk_walk_out *out, struct ptk_fault *fault);
	/* Permission rules once the leaf is known.  True if allowed. */
	bool (*check_access)(const struct ptk_format *f, const struct ptk_cpu *cpu,
			     const struct ptk_walk_req *req,
			     const struct ptk_walk_acc *acc, unsigned leaf_lvl,
			     struct ptk_fault *fault);
	/* Encoders and decoder used by the engine.  mk_table() is told the
	 * protection of what the table is made for (NULL: not known), for
	 * formats whose table entries depend on it (ARM's domains). */
	uint64_t (*mk_table)(const struct ptk_format *f, unsigned lvl, uint64_t table_pa,
			     const struct ptk_prot *below);
	int (*mk_leaf)(const struct ptk_format *f, unsigned lvl, uint64_t pa,
		       const struct ptk_prot *prot, uint64_t *raw);
	void (*decode)(const struct ptk_format *f, unsigned lvl, uint64_t raw,
		       struct ptk_desc *d);

	/* Render the entry's bits for people: "P RW US A PS XD pkey=3". */
	int (*describe)(const struct ptk_format *f, unsigned lvl, uint64_t raw,
			char *buf, size_t len);
	/* ptdump: the bits Linux's note_page() compares for an entry at this
	 * Linux level (pg_level[].mask), given the table entry that led to it
	 * (0 at a root), which arm's dump takes the domain from.  Optional:
	 * raw & ptdump_mask. */
	uint64_t (*ptdump_val)(const struct ptk_format *f, int pglevel, uint64_t raw,
			       uint64_t table_entry);
	/* ptdump: the attribute columns of Linux's dumper for this entry. */
	int (*ptdump_prot)(const struct ptk_format *f, int pglevel, uint64_t raw,
			   char *buf, size_t len);
	/* Default control state, as Linux sets it. */
	void (*cpu_defaults)(const struct ptk_format *f, struct ptk_cpu *cpu);
	/* A table read that hit no RAM: the external abort the hardware
	 * raises for it (Arm: synchronous external abort on a table walk,
	 * with its level).  Optional: without it, PTK_FAULT_BUS at the
	 * hardware level and no syndrome (x86 has no #PF for it). */
	void (*bus_fault)(const struct ptk_format *f, const struct ptk_walk_req *req,
			  unsigned lvl, struct ptk_fault *fault);
	/* How many entries form one contiguous run at this level (Arm's
	 * ContiguousSize), 0 where there is no such hint.  Optional. */
	unsigned (*contig_entries)(const struct ptk_format *f, unsigned lvl);
	/* Which root serves a translation, or its fault: select_root() with the
	 * access known, for rules and syndromes that depend on it (Arm: TBI
	 * for data only under TBID, E0PD at EL0, the ESR's EC and WnR).
	 * Optional; without it the walker calls select_root(). */
	int (*walk_root)(const struct ptk_format *f, const struct ptk_cpu *cpu,
			 const struct ptk_walk_req *req, struct ptk_fault *fault);
	/* The hardware's copy of an entry the engine writes at a level with
	 * hw_off (Linux's set_pte_ext(): the hardware pte from Linux's). */
	uint64_t (*hw_entry)(const struct ptk_format *f, unsigned lvl, uint64_t raw);
	/* Entry idx of a table at level lvl, raw as the engine reads it and
	 * hw the hardware's copy (at a level with hw_off; else raw): 0 if it
	 * is not part of a replicated run; else the run's length in entries
	 * (a power of two, the run aligned to it), with *rep filled.
	 * Optional: formats without replicated leaves. */
	unsigned (*unreplicate)(const struct ptk_format *f, unsigned lvl, unsigned idx,
				uint64_t raw, uint64_t hw, struct ptk_replica *rep);
};

/* How a format's Linux ptdump (its note_page()) differs from x86's. */
#define PTK_PTDUMP_LEVEL_IN_PROT (1u << 0)	/* ptdump_prot() prints the level name
						 * first; none is appended (arm64) */
#define PTK_PTDUMP_NO_EFFECTIVE  (1u << 1)	/* runs break on entry bits and level
						 * only, not on effective permissions */
#define PTK_PTDUMP_MARKER_TWICE  (1u << 2)	/* after an entry the next marker is
						 * tested once more, so two markers at
						 * one address open together */
#define PTK_PTDUMP_SKIP_EMPTY    (1u << 3)	/* runs whose compared value is 0 are
						 * not printed, only their markers (arm) */
#define PTK_PTDUMP_ADDR32        (1u << 4)	/* 32-bit addresses: 0x%08lx, sizes
						 * modulo 2^32 (arm) */

struct ptk_format {
	const char *name;		/* "x86_64-4level" */
	const char *arch;		/* "x86_64" */
	uint8_t nlevels;
	uint8_t entry_shift;		/* log2 of entry bytes */
	uint8_t table_shift;		/* log2 of table bytes */
	uint8_t va_bits;		/* implemented VA width per root */
	uint8_t max_pa_bits;		/* widest output address the format encodes */
	uint8_t min_pa_bits;
	uint8_t default_pa_bits;
	uint8_t nroots;
	/* The VA space is [0, 2^va_bits), not two canonical halves: one root
	 * spans it unsigned (ARM's short descriptors with TTBCR.N = 0). */
	bool va_unsigned;
	/* Root r's table sits at hardware level root_level[r] and its entry 0
	 * maps root_base[r] (ARMv7 LPAE's TTBR1 starts at level 2 under a
	 * 3G/1G split).  Zero for roots that start at the top. */
	uint8_t root_level[PTK_MAX_ROOTS];
	uint64_t root_base[PTK_MAX_ROOTS];
	uint64_t ptdump_mask;		/* bits that must match for ptdump to merge runs */
	/* Bits of a leaf the hardware ignores and mk_leaf does not own:
	 * software's own (Linux's _PAGE_SOFTW*, PTE_SPECIAL...).  Splitting a
	 * leaf and changing its protection carry them over, as split_huge_pmd
	 * and pte_modify keep everything outside the protection bits. */
	uint64_t leaf_sw_keep;
	uint8_t ptdump_flags;		/* PTK_PTDUMP_* */
	struct ptk_level_geom level[PTK_MAX_LEVELS];
	int8_t hwlevel_of[PTK_NR_PGLEVELS];	/* -1: folded */
	const char *const *memtype_names;	/* index = ptk_prot.memtype */
	uint8_t nr_memtypes;
	uint8_t nr_pkeys;		/* 0 if the format has none */
	const char *syndrome_name;	/* what the fault syndrome is called: "error code" */
	const struct ptk_marker *markers;	/* Linux's ptdump markers, NULL-named last */
	const struct ptk_va_range *dump_ranges;	/* what ptdump walks, end {0,0} */
	const struct ptk_format_ops *ops;
};

/* Formats the library knows.  Fixed ones are found by name
 * ("x86_64-4level"); families with parameters (AArch64: granule, VA size)
 * are built from their name into caller storage.  ptk_format_build()
 * handles both: 0, or -EINVAL with a message in err. */
const struct ptk_format *ptk_format_find(const char *name);
struct ptk_error;
int ptk_format_build(const char *name, struct ptk_format *out, struct ptk_error *err);
extern const struct ptk_format ptk_format_x86_64_4level;
extern const struct ptk_format ptk_format_x86_64_5level;

static inline uint64_t ptk_level_size(const struct ptk_format *f, unsigned lvl)
{
	return 1ull << f->level[lvl].shift;
}

static inline unsigned ptk_level_index(const struct ptk_format *f, unsigned lvl,
				       uint64_t va)
{
	return (unsigned)(va >> f->level[lvl].shift) &
	       ((1u << f->level[lvl].bits) - 1);
}

/* A VA assembled from indices in the format's canonical form.  One root
 * (x86) spans both halves: sign-extend bit va_bits - 1; an unsigned
 * space zero-extends.  Two roots (Arm's
 * TTBR0/TTBR1) span va_bits each, the lower or the upper end of the
 * space: bit 63 says which. */
static inline uint64_t ptk_va_canonical(const struct ptk_format *f, uint64_t va)
{
	uint64_t high = ~0ull << f->va_bits;

	if (f->va_unsigned)
		return va & ~high;
	if (f->nroots > 1)
		return (va >> 63) ? va | high : va & ~high;
	return (uint64_t)((int64_t)(va << (64 - f->va_bits)) >> (64 - f->va_bits));
}

static inline unsigned ptk_entries_per_table(const struct ptk_format *f, unsigned lvl)
{
	return 1u << f->level[lvl].bits;
}

/* Bytes of one table of a level, as its entries are read. */
static inline uint64_t ptk_table_bytes(const struct ptk_format *f, unsigned lvl)
{
	return 1ull << (f->level[lvl].table_shift ? f->level[lvl].table_shift : f->table_shift);
}

/* Bytes allocated at once for tables of a level (and their copies). */
static inline uint64_t ptk_table_alloc_bytes(const struct ptk_format *f, unsigned lvl)
{
	return f->level[lvl].alloc_shift ? 1ull << f->level[lvl].alloc_shift
					 : ptk_table_bytes(f, lvl);
}

const char *ptk_pglevel_name(enum ptk_pglevel l);
const char *ptk_fault_name(enum ptk_fault_kind k);	/* for people */
const char *ptk_fault_id(enum ptk_fault_kind k);	/* for programs: "not_present" */
/* Formats the library knows, i = 0, 1, ... until NULL. */
const struct ptk_format *ptk_format_at(size_t i);
const char *ptk_access_name(enum ptk_access a);

#ifdef __cplusplus
}
#endif
#endif
