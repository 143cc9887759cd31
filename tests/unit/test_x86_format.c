// SPDX-License-Identifier: MIT
/*
 * x86-64 descriptors and fault rules, against values worked out by hand
 * from the Intel SDM vol. 3A §4.5 (entry formats) and §4.6-4.7 (rules).
 */
#include <string.h>

#include <ptkit/x86_64.h>
#include "ptk_test.h"

static const struct ptk_format *F4 = &ptk_format_x86_64_4level;
static const struct ptk_format *F5 = &ptk_format_x86_64_5level;

static uint64_t leaf(const struct ptk_format *f, unsigned lvl, uint64_t pa, const char *prot)
{
	struct ptk_prot p;
	uint64_t raw = 0;

	assert_int_equal(ptk_prot_parse(f, prot, &p), 0);
	assert_int_equal(f->ops->mk_leaf(f, lvl, pa, &p, &raw), 0);
	return raw;
}

struct enc_case {
	unsigned lvl;
	uint64_t pa;
	const char *prot;
	uint64_t want;
};

/* Each row computed from the SDM tables: P=0x1 RW=0x2 US=0x4 PWT=0x8 PCD=0x10
 * A=0x20 D=0x40 PS=0x80 (PAT=0x80 in a PTE) G=0x100 PAT(large)=0x1000
 * PKEY=bits 62:59 XD=bit 63. */
static const struct enc_case enc_cases[] = {
	{ 3, 0x1000, "r", 0x8000000000001001ull },
	{ 3, 0x1000, "rx", 0x0000000000001001ull },
	{ 3, 0x1000, "rw", 0x8000000000001003ull },
	{ 3, 0x1000, "rwu", 0x8000000000001007ull },
	{ 3, 0x1000, "rwxuga", 0x0000000000001127ull },
	{ 3, 0x1000, "rwd", 0x8000000000001043ull },
	{ 3, 0xfffffffff000ull, "rx,wc", 0x0000fffffffff009ull },	/* PAT1: PWT */
	{ 3, 0x2000, "rx,uc-", 0x0000000000002011ull },		/* PAT2: PCD */
	{ 3, 0x2000, "rx,uc", 0x0000000000002019ull },		/* PAT3: PCD|PWT */
	{ 3, 0x2000, "rx,wp", 0x0000000000002089ull },		/* PAT5: PAT|PWT */
	{ 3, 0x2000, "rx,wt", 0x0000000000002099ull },		/* PAT7 */
	{ 3, 0x2000, "rxu,pkey=5", 0x2800000000002005ull },
	{ 3, 0x2000, "rxu,pkey=15", 0x7800000000002005ull },
	{ 2, 0x200000, "rw", 0x8000000000200083ull },		/* 2 MiB: PS */
	{ 2, 0x200000, "rx,wp", 0x0000000000201089ull },	/* PAT in bit 12 */
	{ 1, 0x40000000, "rwxg", 0x0000000040000183ull },	/* 1 GiB */
	{ 1, 0xfffffc0000000ull, "r", 0x800fffffc0000081ull },
};

static void encode_every_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		const struct enc_case *c = &enc_cases[i];
		uint64_t got = leaf(F4, c->lvl, c->pa, c->prot);

		if (got != c->want)
			fail_msg("case %zu (%s at level %u): got %#llx want %#llx", i, c->prot,
				 c->lvl, (unsigned long long)got, (unsigned long long)c->want);
	}
}

/* decode(encode(x)) gives x back for every letter, memtype and key. */
static void decode_round_trips(void **state)
{
	(void)state;
	for (unsigned lvl = 1; lvl < 4; lvl++)
		for (unsigned letters = 0; letters < 128; letters++)
			for (unsigned mt = 0; mt < 8; mt++) {
				struct ptk_prot p = { letters | PTK_PROT_READ, (uint8_t)mt,
						      (uint8_t)(letters & 15) };
				uint64_t raw, pa = 0x123ull << ptk_format_x86_64_4level.level[lvl].shift;
				struct ptk_desc d;

				assert_int_equal(F4->ops->mk_leaf(F4, lvl, pa, &p, &raw), 0);
				F4->ops->decode(F4, lvl, raw, &d);
				assert_int_equal(d.type, PTK_DESC_LEAF);
				assert_int_equal(d.addr, pa);
				assert_int_equal(d.prot.flags, p.flags);
				/* wb at 0 and 4 are the same type but distinct encodings */
				assert_int_equal(d.prot.memtype, mt);
				assert_int_equal(d.prot.pkey, p.pkey);
			}
}

static void unencodable_is_refused(void **state)
{
	struct ptk_prot p = { PTK_PROT_WRITE, 0, 0 };
	uint64_t raw;

	(void)state;
	/* No write-only or execute-only pages on x86 (SDM §4.6). */
	assert_int_equal(F4->ops->mk_leaf(F4, 3, 0x1000, &p, &raw), -EINVAL);
	p.flags = PTK_PROT_READ;
	assert_int_equal(F4->ops->mk_leaf(F4, 3, 0x1001, &p, &raw), -EINVAL);	/* unaligned */
	assert_int_equal(F4->ops->mk_leaf(F4, 2, 0x201000, &p, &raw), -EINVAL);
	assert_int_equal(F4->ops->mk_leaf(F4, 0, 0, &p, &raw), -EINVAL);		/* PML4 leaf */
	assert_int_equal(F5->ops->mk_leaf(F5, 1, 0, &p, &raw), -EINVAL);		/* PML4 leaf */
	p.pkey = 16;
	assert_int_equal(F4->ops->mk_leaf(F4, 3, 0x1000, &p, &raw), -EINVAL);
	assert_int_equal(ptk_prot_parse(F4, "rq", &p), -EINVAL);
	assert_int_equal(ptk_prot_parse(F4, "r,xx", &p), -EINVAL);
	assert_int_equal(ptk_prot_parse(F4, "r,pkey=16", &p), -EINVAL);
}

static void table_entries_are_permissive(void **state)
{
	(void)state;
	/* Linux's _PAGE_TABLE: P RW US A D */
	assert_int_equal(F4->ops->mk_table(F4, 0, 0x5000, NULL), 0x5067);
	assert_int_equal(F5->ops->mk_table(F5, 0, 0xabc000, NULL), 0xabc067);
}

/* --- walk rules, entry by entry ---------------------------------------- */

static struct ptk_cpu cpu_linux(const struct ptk_format *f)
{
	struct ptk_cpu cpu = { 0 };

	f->ops->cpu_defaults(f, &cpu);
	cpu.pa_bits = 46;
	return cpu;
}

static enum ptk_fault_kind judge(const struct ptk_cpu *cpu, unsigned lvl, uint64_t e,
				 enum ptk_access acc, bool user, uint32_t *ec)
{
	struct ptk_walk_req req = { .va = 0, .access = acc, .user = user };
	struct ptk_walk_acc a = { .perm = PTK_PROT_READ | PTK_PROT_WRITE | PTK_PROT_EXEC |
					  PTK_PROT_USER };
	struct ptk_fault fault = { 0 };
	struct ptk_walk_out out;
	enum ptk_desc_type t = F4->ops->walk_entry(F4, cpu, lvl, e, &req, &a, &out, &fault);

	if (t == PTK_DESC_LEAF && !F4->ops->check_access(F4, cpu, &req, &a, lvl, &fault))
		t = PTK_DESC_INVALID;
	*ec = (uint32_t)fault.syndrome;
	return t == PTK_DESC_INVALID ? fault.kind : PTK_FAULT_NONE;
}

struct rule_case {
	const char *what;
	uint64_t cr0_clear, cr4_set, cr4_clear, efer_clear;
	bool ac;
	uint32_t pkru;
	unsigned lvl;
	uint64_t entry;
	enum ptk_access acc;
	bool user;
	enum ptk_fault_kind want;
	uint32_t want_ec;
};

#define P   PTK_X86_PAGE_PRESENT
#define RW  PTK_X86_PAGE_RW
#define US  PTK_X86_PAGE_USER
#define XD  PTK_X86_PAGE_NX
#define PS  PTK_X86_PAGE_PSE
#define R_  PTK_ACC_READ
#define W_  PTK_ACC_WRITE
#define X_  PTK_ACC_EXEC
#define KEY(k) ((uint64_t)(k) << PTK_X86_PAGE_PKEY_SHIFT)
#define WP  PTK_X86_CR0_WP
#define SMEP PTK_X86_CR4_SMEP
#define SMAP PTK_X86_CR4_SMAP
#define PKE PTK_X86_CR4_PKE
#define NXE PTK_X86_EFER_NXE

/* Error codes: P=1 W=2 U=4 RSVD=8 I/D=16 PK=32 (SDM §4.7). */
static const struct rule_case rules[] = {
	{ "not present", 0, 0, 0, 0, 0, 0, 3, 0x1000, R_, false, PTK_FAULT_NOT_PRESENT, 0 },
	{ "not present, user write", 0, 0, 0, 0, 0, 0, 3, 0, W_, true, PTK_FAULT_NOT_PRESENT, 6 },
	{ "not present fetch reports I/D", 0, 0, 0, 0, 0, 0, 3, 0, X_, false, PTK_FAULT_NOT_PRESENT, 0x10 },
	{ "I/D not reported without NXE/SMEP", 0, 0, SMEP, NXE, 0, 0, 3, 0, X_, false, PTK_FAULT_NOT_PRESENT, 0 },
	{ "user read of user page", 0, 0, 0, 0, 0, 0, 3, P | US, R_, true, PTK_FAULT_NONE, 0 },
	{ "user read of supervisor page", 0, 0, 0, 0, 0, 0, 3, P, R_, true, PTK_FAULT_USER, 5 },
	{ "user write read-only", 0, 0, 0, 0, 0, 0, 3, P | US, W_, true, PTK_FAULT_WRITE, 7 },
	{ "user write read-only, WP=0 still faults", WP, 0, 0, 0, 0, 0, 3, P | US, W_, true, PTK_FAULT_WRITE, 7 },
	{ "user fetch XD", 0, 0, 0, 0, 0, 0, 3, P | US | XD, X_, true, PTK_FAULT_EXEC, 0x15 },
	{ "kernel write read-only WP=1", 0, 0, 0, 0, 0, 0, 3, P, W_, false, PTK_FAULT_WRITE, 3 },
	{ "kernel write read-only WP=0", WP, 0, 0, 0, 0, 0, 3, P, W_, false, PTK_FAULT_NONE, 0 },
	{ "kernel fetch XD", 0, 0, 0, 0, 0, 0, 3, P | XD, X_, false, PTK_FAULT_EXEC, 0x11 },
	{ "XD is reserved without NXE", 0, 0, 0, NXE, 0, 0, 3, P | XD, R_, false, PTK_FAULT_RESERVED, 9 },
	{ "SMEP: kernel fetch user page", 0, 0, 0, 0, 0, 0, 3, P | US, X_, false, PTK_FAULT_SMEP, 0x11 },
	{ "no SMEP: kernel fetch user page", 0, 0, SMEP, 0, 0, 0, 3, P | US, X_, false, PTK_FAULT_NONE, 0 },
	{ "SMAP: kernel read user page", 0, 0, 0, 0, 0, 0, 3, P | US, R_, false, PTK_FAULT_SMAP, 1 },
	{ "SMAP overridden by AC", 0, 0, 0, 0, 1, 0, 3, P | US, R_, false, PTK_FAULT_NONE, 0 },
	{ "SMAP off", 0, 0, SMAP, 0, 0, 0, 3, P | US, W_, false, PTK_FAULT_WRITE, 3 },
	{ "SMAP off, WP=0: kernel writes user RO", WP, 0, SMAP, 0, 0, 0, 3, P | US, W_, false, PTK_FAULT_NONE, 0 },
	{ "pkey AD blocks user read", 0, PKE, 0, 0, 0, 0x4, 3, P | US | KEY(1), R_, true, PTK_FAULT_PKEY, 0x25 },
	{ "pkey WD blocks user write", 0, PKE, 0, 0, 0, 0x8, 3, P | US | RW | KEY(1), W_, true, PTK_FAULT_PKEY, 0x27 },
	{ "pkey WD allows user read", 0, PKE, 0, 0, 0, 0x8, 3, P | US | KEY(1), R_, true, PTK_FAULT_NONE, 0 },
	{ "pkey ignores fetches", 0, PKE, 0, 0, 0, 0xc, 3, P | US | KEY(1), X_, true, PTK_FAULT_NONE, 0 },
	{ "pkey ignores supervisor pages", 0, PKE, 0, 0, 0, 0x3, 3, P, R_, false, PTK_FAULT_NONE, 0 },
	{ "pkey WD, kernel write WP=1", 0, PKE, SMAP, 0, 0, 0x8, 3, P | US | RW | KEY(1), W_, false, PTK_FAULT_PKEY, 0x23 },
	{ "pkey WD, kernel write WP=0", WP, PKE, SMAP, 0, 0, 0x8, 3, P | US | RW | KEY(1), W_, false, PTK_FAULT_NONE, 0 },
	{ "pkey bits ignored without PKE", 0, 0, 0, 0, 0, 0x4, 3, P | US | KEY(1), R_, true, PTK_FAULT_NONE, 0 },
	{ "address bit above MAXPHYADDR", 0, 0, 0, 0, 0, 0, 3, P | (1ull << 46), R_, false, PTK_FAULT_RESERVED, 9 },
	{ "address bit below MAXPHYADDR", 0, 0, 0, 0, 0, 0, 3, P | (1ull << 45), R_, false, PTK_FAULT_NONE, 0 },
	{ "PS in a PML4E is reserved", 0, 0, 0, 0, 0, 0, 0, P | PS, R_, false, PTK_FAULT_RESERVED, 9 },
	{ "2 MiB leaf bit 13 reserved", 0, 0, 0, 0, 0, 0, 2, P | PS | (1ull << 13), R_, false, PTK_FAULT_RESERVED, 9 },
	{ "2 MiB leaf bit 12 is PAT", 0, 0, 0, 0, 0, 0, 2, P | PS | (1ull << 12), R_, false, PTK_FAULT_NONE, 0 },
	{ "1 GiB leaf bit 29 reserved", 0, 0, 0, 0, 0, 0, 1, P | PS | (1ull << 29), R_, false, PTK_FAULT_RESERVED, 9 },
	{ "4 KiB PTE bit 7 is PAT", 0, 0, 0, 0, 0, 0, 3, P | (1ull << 7), R_, false, PTK_FAULT_NONE, 0 },
	{ "reserved wins over permission", 0, 0, 0, 0, 0, 0, 3, P | (1ull << 50), W_, true, PTK_FAULT_RESERVED, 0xf },
};

static void every_fault_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule_case *c = &rules[i];
		struct ptk_cpu cpu = cpu_linux(F4);
		uint32_t ec = 0;
		enum ptk_fault_kind k;

		cpu.x86.cr0 &= ~c->cr0_clear;
		cpu.x86.cr4 = (cpu.x86.cr4 | c->cr4_set) & ~c->cr4_clear;
		cpu.x86.efer &= ~c->efer_clear;
		cpu.x86.ac = c->ac;
		cpu.x86.pkru = c->pkru;
		k = judge(&cpu, c->lvl, c->entry, c->acc, c->user, &ec);
		if (k != c->want || (k != PTK_FAULT_NONE && ec != c->want_ec))
			fail_msg("%s: got %s ec %#x, want %s ec %#x", c->what, ptk_fault_name(k), ec,
				 ptk_fault_name(c->want), c->want_ec);
	}
}

/* Permissions combine across levels: R/W and U/S AND, XD OR (SDM §4.6.1). */
static void hierarchy_combines(void **state)
{
	struct ptk_cpu cpu = cpu_linux(F4);
	struct ptk_walk_req req = { .access = PTK_ACC_WRITE, .user = true };
	struct ptk_walk_acc a = { .perm = PTK_PROT_READ | PTK_PROT_WRITE | PTK_PROT_EXEC |
					  PTK_PROT_USER };
	struct ptk_fault fault;
	struct ptk_walk_out out;

	(void)state;
	assert_int_equal(F4->ops->walk_entry(F4, &cpu, 0, P | US | 0x1000, &req, &a, &out, &fault),
			 PTK_DESC_TABLE);	/* no RW here */
	assert_int_equal(F4->ops->walk_entry(F4, &cpu, 1, P | RW | US | XD | 0x2000, &req, &a,
					     &out, &fault), PTK_DESC_TABLE);
	assert_int_equal(F4->ops->walk_entry(F4, &cpu, 2, P | RW | US | 0x3000, &req, &a, &out, &fault),
			 PTK_DESC_TABLE);
	assert_int_equal(F4->ops->walk_entry(F4, &cpu, 3, P | RW | US | 0x4000, &req, &a, &out, &fault),
			 PTK_DESC_LEAF);
	assert_int_equal(a.perm & (PTK_PROT_WRITE | PTK_PROT_EXEC | PTK_PROT_USER), PTK_PROT_USER);
	assert_false(F4->ops->check_access(F4, &cpu, &req, &a, 3, &fault));
	assert_int_equal(fault.kind, PTK_FAULT_WRITE);
}

static void canonical_addresses(void **state)
{
	struct ptk_cpu cpu = cpu_linux(F4);
	struct ptk_fault fault;

	(void)state;
	assert_int_equal(F4->ops->select_root(F4, &cpu, 0x00007fffffffffffull, &fault), 0);
	assert_int_equal(F4->ops->select_root(F4, &cpu, 0xffff800000000000ull, &fault), 0);
	assert_int_equal(F4->ops->select_root(F4, &cpu, 0x0000800000000000ull, &fault), -1);
	assert_int_equal(fault.kind, PTK_FAULT_NON_CANONICAL);
	assert_int_equal(F4->ops->select_root(F4, &cpu, 0xfff0000000000000ull, &fault), -1);
	assert_int_equal(F5->ops->select_root(F5, &cpu, 0x00ffffffffffffffull, &fault), 0);
	assert_int_equal(F5->ops->select_root(F5, &cpu, 0xff00000000000000ull, &fault), 0);
	assert_int_equal(F5->ops->select_root(F5, &cpu, 0x0100000000000000ull, &fault), -1);
}

static void accessed_dirty_updates(void **state)
{
	struct ptk_cpu cpu = cpu_linux(F4);
	struct ptk_walk_acc a = { .perm = ~0u };
	struct ptk_walk_req rd = { .access = PTK_ACC_READ }, wr = { .access = PTK_ACC_WRITE };
	struct ptk_walk_out out;
	struct ptk_fault fault;

	(void)state;
	/* A on every entry used; D only on the leaf of a write (SDM §4.8). */
	F4->ops->walk_entry(F4, &cpu, 0, 0x1003, &wr, &a, &out, &fault);
	assert_int_equal(out.updated, 0x1023);
	assert_int_equal(out.addr, 0x1000);
	F4->ops->walk_entry(F4, &cpu, 3, 0x1003, &rd, &a, &out, &fault);
	assert_int_equal(out.updated, 0x1023);
	F4->ops->walk_entry(F4, &cpu, 3, 0x1003, &wr, &a, &out, &fault);
	assert_int_equal(out.updated, 0x1063);
	F4->ops->walk_entry(F4, &cpu, 2, 0x40200083, &wr, &a, &out, &fault);
	assert_int_equal(out.addr, 0x40200000);
}

static void geometry(void **state)
{
	(void)state;
	assert_int_equal(F4->nlevels, 4);
	assert_int_equal(F5->nlevels, 5);
	assert_int_equal(ptk_level_size(F4, 1), 1ull << 30);
	assert_int_equal(ptk_level_index(F4, 0, 0xffff888000000000ull), 273);
	assert_int_equal(ptk_level_index(F5, 0, 0xff11000000000000ull), 273);
	assert_int_equal(F4->hwlevel_of[PTK_P4D], -1);	/* folded, as pgtable-nop4d.h */
	assert_int_equal(F5->hwlevel_of[PTK_P4D], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encode_every_field),
		cmocka_unit_test(decode_round_trips),
		cmocka_unit_test(unencodable_is_refused),
		cmocka_unit_test(table_entries_are_permissive),
		cmocka_unit_test(every_fault_rule),
		cmocka_unit_test(hierarchy_combines),
		cmocka_unit_test(canonical_addresses),
		cmocka_unit_test(accessed_dirty_updates),
		cmocka_unit_test(geometry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
