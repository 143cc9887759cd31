// SPDX-License-Identifier: MIT
/*
 * ARMv7-A short-descriptor stage-1 descriptors, Linux's 2-level layout and
 * the fault rules, against values worked out by hand from the ARMv7-A ARM
 * (B3.5, B3.7, B3.12, B4.1.52), the ARMv8 AArch32 pseudocode
 * (TranslationTableWalkSD, CheckDomain, CheckPermission) and Linux 6.1's
 * arch/arm (pgtable-2level*.h, proc-v7-2level.S cpu_v7_set_pte_ext,
 * mm/mmu.c mem_types[], domain.h).  The rules QEMU 5 does not follow (the
 * differential test skips them) are checked here by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/arm32.h>
#include "ptk_test.h"

static struct ptk_format build(const char *name)
{
	struct ptk_format f;
	struct ptk_error err = { 0 };

	if (ptk_format_build(name, &f, &err))
		fail_msg("%s: %s", name, err.msg);
	return f;
}

static uint64_t leaf(const struct ptk_format *f, unsigned lvl, uint64_t pa, const char *prot,
		     unsigned memtype)
{
	struct ptk_prot p;
	uint64_t raw = 0;

	assert_int_equal(ptk_prot_parse(f, prot, &p), 0);
	p.memtype = (uint8_t)memtype;
	if (f->ops->mk_leaf(f, lvl, pa, &p, &raw))
		fail_msg("%s: mk_leaf(%u, %#llx, %s) refused", f->name, lvl,
			 (unsigned long long)pa, prot);
	return raw;
}

static void geometry_by_hand(void **state)
{
	struct ptk_format f = build("arm32"), n2 = build("arm32-n2");

	(void)state;
	assert_int_equal(f.nlevels, 2);
	assert_int_equal(f.entry_shift, 2);
	assert_int_equal(f.nroots, 1);
	assert_int_equal(n2.nroots, 2);
	assert_true(f.va_unsigned);
	/* L1: 4096 x 1 MiB in 16 KiB; L2: 256 x 4 KiB in 1 KiB, two to a page
	 * with the hardware copies 2048 bytes above (PTE_HWTABLE_OFF). */
	assert_int_equal(f.level[0].shift, 20);
	assert_int_equal(f.level[0].bits, 12);
	assert_int_equal(ptk_table_bytes(&f, 0), 16384);
	assert_int_equal(ptk_table_alloc_bytes(&f, 0), 16384);
	assert_int_equal(f.level[1].shift, 12);
	assert_int_equal(f.level[1].bits, 8);
	assert_int_equal(ptk_table_bytes(&f, 1), 1024);
	assert_int_equal(ptk_table_alloc_bytes(&f, 1), 4096);
	assert_int_equal(f.level[1].share_shift, 1);
	assert_int_equal(f.level[1].hw_off, 2048);
	assert_int_equal(f.hwlevel_of[PTK_PMD], -1);
	assert_int_equal(f.hwlevel_of[PTK_PTE], 1);
	assert_int_equal(ptk_format_build("arm32-n8", &f, NULL), -EINVAL);
}

/* Every descriptor kind, from the helpers and from the format. */
static void descriptors_by_hand(void **state)
{
	struct ptk_format f = build("arm32");
	struct ptk_prot user = { .flags = PTK_PROT_READ | PTK_PROT_USER };
	struct { uint64_t got, want; const char *what; } c[] = {
		/* kernel RWX section (MT_MEMORY_RWX): AP=001, TEX[0] C B (WBWA), S */
		{ leaf(&f, 0, 0x60100000, "rwxgad", 0), 0x6011140e, "kernel rwx section" },
		/* MT_MEMORY_RO-like: APX, XN */
		{ leaf(&f, 0, 0x60000000, "rg", 0), 0x6001941e, "kernel ro section" },
		/* user section: AP=011, XN, nG, PXN (type 0b11), DOMAIN_USER */
		{ leaf(&f, 0, 0x60000000, "rwu", 0), 0x60031c3f, "user section" },
		/* MT_DEVICE: TEX(1) only (DEV_SHARED under TRE), DOMAIN_IO */
		{ leaf(&f, 0, 0x10000000, "rwg", 5), 0x10011452, "device section" },
		/* supersection (CONT): its 16 MiB base, bit 18, domain bits = PA[39:36] */
		{ leaf(&f, 0, 0x81300000, "rwxg", 0), 0x8131140e, "section at 0x81300000" },
		{ ptk_arm32_sd_supersection(0xabc5000000ull, 0, 0), 0xc5b40142, "supersection helper" },
		{ ptk_arm32_sd_supersection_pa(0xc5b40142), 0xabc5000000ull, "supersection PA" },
		/* pmd_populate: the hardware table at +2048, PMD_BIT4, domain;
		 * PMD_PXNTABLE for user tables (_PAGE_USER_TABLE) */
		{ f.ops->mk_table(&f, 0, 0x6fffb000, &user), 0x6fffb835, "user table, pair 0" },
		{ f.ops->mk_table(&f, 0, 0x6fffb400, NULL), 0x6fffbc11, "kernel table, pair 1" },
		/* Linux ptes and set_pte_ext's hardware ptes */
		{ leaf(&f, 1, 0x61100000, "rwuad", 0), 0x6110075f, "Linux pte rwuad" },
		{ f.ops->hw_entry(&f, 1, 0x6110075f), 0x61100c7f, "hw pte, dirty: writable" },
		{ f.ops->hw_entry(&f, 1, 0x6110071f), 0x61100e7f, "hw pte, clean: APX" },
		{ f.ops->hw_entry(&f, 1, 0x6110071d), 0, "hw pte, old: none" },
		{ f.ops->hw_entry(&f, 1, 0x61100f5f), 0, "hw pte, L_PTE_NONE: none" },
		{ f.ops->hw_entry(&f, 1, 0x6110005f), 0x6110005e, "hw pte, kernel rwx dirty" },
		{ ptk_arm32_sd_large(0x12340000, 3, PTK_ARM32_SD_LARGE_XN | PTK_ARM32_SD_PTE_S |
					       PTK_ARM32_SD_PTE_NG), 0x12348c31, "large page" },
		{ ptk_arm32_sd_small(0x12345000, 7, PTK_ARM32_SD_PTE_XN), 0x12345233, "small page" },
		/* DFSR: FS[3:0], domain [7:4], FS[4] in bit 10, WnR */
		{ ptk_arm32_sfsr(PTK_ARM32_SFS_PERM_PAGE, 1, 1), 0x81f, "FSR permission page" },
		{ ptk_arm32_sfsr(0x16, 0, 0), 0x406, "FSR with FS[4]" },
	};
	struct ptk_prot p = { .flags = PTK_PROT_READ | PTK_PROT_WRITE | PTK_PROT_EXEC |
					PTK_PROT_GLOBAL | PTK_PROT_CONT };
	uint64_t raw;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i].got != c[i].want)
			fail_msg("%s: %#llx, by hand %#llx", c[i].what, (unsigned long long)c[i].got,
				 (unsigned long long)c[i].want);
	assert_int_equal(f.ops->mk_leaf(&f, 0, 0x81300000, &p, &raw), 0);
	assert_int_equal(raw, 0x8105140e);	/* the supersection around 0x81300000 */
	assert_int_equal(f.ops->mk_leaf(&f, 1, 0x1000, &p, &raw), -EINVAL);	/* no large ptes */
	p.flags &= ~PTK_PROT_CONT;
	assert_int_equal(f.ops->mk_leaf(&f, 0, 0x100000000ull, &p, &raw), -EINVAL);
}

/* --- walks on hand-written tables ------------------------------------------ */

struct fx {
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	uint64_t root, l2;	/* l2: a hardware table */
};

static struct fx setup(void)
{
	static const struct ptk_phys_range ram[] = { { 0x60000000, 64 << 20 } };
	struct fx fx;

	fx.m = ptk_test_machine("arm32", ram, 1, 32);
	assert_int_equal(ptk_pgd_alloc(fx.m, "t", &fx.pt), 0);
	fx.root = ptk_pgtable_root(fx.pt, 0);
	fx.l2 = 0x61000c00;
	return fx;
}

static void put(struct fx *fx, uint64_t pa, uint32_t v)
{
	ptk_test_wr32(fx->m, pa, v);
}

static int walk(struct fx *fx, uint32_t va, enum ptk_access acc, bool user,
		struct ptk_walk_result *res)
{
	return ptk_test_walk(fx->m, fx->pt, va, acc, user, res);
}

static void expect_size(struct fx *fx, uint32_t va, uint64_t page_size)
{
	struct ptk_walk_result res;

	assert_int_equal(walk(fx, va, PTK_ACC_READ, false, &res), 0);
	assert_int_equal(res.page_size, page_size);
}

static void expect_fault(struct fx *fx, uint32_t va, enum ptk_access acc, bool user,
			 enum ptk_fault_kind kind, int level, uint64_t fsr)
{
	struct ptk_walk_result res;

	assert_int_equal(walk(fx, va, acc, user, &res), -EFAULT);
	if (res.fault.kind != kind || res.fault.level != level || res.fault.syndrome != fsr)
		fail_msg("va %#x: %s level %d FSR %#llx, by hand %s level %d FSR %#llx", va,
			 ptk_fault_name(res.fault.kind), res.fault.level,
			 (unsigned long long)res.fault.syndrome, ptk_fault_name(kind), level,
			 (unsigned long long)fsr);
}

static void expect_pa(struct fx *fx, uint32_t va, enum ptk_access acc, bool user, uint64_t pa)
{
	struct ptk_walk_result res;

	if (walk(fx, va, acc, user, &res) || res.pa != pa)
		fail_msg("va %#x: %s, pa %#llx, by hand %#llx", va, ptk_fault_name(res.fault.kind),
			 (unsigned long long)res.pa, (unsigned long long)pa);
}

static int one_mapping(void *ctx, const struct ptk_mapping *map)
{
	*(struct ptk_mapping *)ctx = *map;
	return 0;
}

static void walks_by_hand(void **state)
{
	struct fx fx = setup();
	struct ptk_cpu *cpu;

	(void)state;
	/* 0x00000000: a page table in domain 3; 0x00100000: a section in
	 * domain 2 with XN; 0x01000000: a supersection at PA 0xab_c5000000. */
	put(&fx, fx.root + 0, ptk_arm32_sd_table((uint32_t)fx.l2, 3, 0));
	put(&fx, fx.l2 + 4, ptk_arm32_sd_small(0x62001000, 2, 0));	/* AP=010, AP[0] = 0 */
	put(&fx, fx.root + 4, ptk_arm32_sd_section(0x62100000, 2, 3, PTK_ARM32_SD_SECT_XN));
	for (unsigned i = 0; i < 16; i++)
		put(&fx, fx.root + 4 * (16 + i), ptk_arm32_sd_supersection(0xabc5000000ull, 1, 0));
	for (unsigned i = 0; i < 16; i++)
		put(&fx, fx.l2 + 4 * (16 + i), ptk_arm32_sd_large(0x63010000, 3, 0));

	expect_pa(&fx, 0x01234567, PTK_ACC_READ, false, 0xabc5234567ull);
	expect_pa(&fx, 0x0001abcd, PTK_ACC_WRITE, true, 0x6301abcd);	/* large page */
	/* their architectural sizes, QEMU's page sizes */
	expect_size(&fx, 0x01234567, 16 << 20);
	expect_size(&fx, 0x0001abcd, 64 << 10);
	expect_size(&fx, 0x00001004, 4 << 10);
	/* the iterator: each supersection entry maps its own 1 MiB */
	{
		struct ptk_mapping map = { 0 };

		assert_int_equal(ptk_for_each_mapping(fx.pt, 0x01300000, 0x013fffff, one_mapping,
						      &map), 0);
		assert_int_equal(map.va, 0x01300000);
		assert_int_equal(map.pa, 0xabc5300000ull);
		assert_int_equal(map.size, 1 << 20);
	}
	expect_pa(&fx, 0x00001004, PTK_ACC_WRITE, false, 0x62001004);	/* AP=010: PL1 RW */
	expect_fault(&fx, 0x00001004, PTK_ACC_WRITE, true, PTK_FAULT_WRITE, 2, 0x83f);
	expect_fault(&fx, 0x00100000, PTK_ACC_EXEC, false, PTK_FAULT_EXEC, 1, 0x2d);
	expect_fault(&fx, 0x00200000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 1, 0x5);
	expect_fault(&fx, 0x00002000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 2, 0x37);

	/* DACR: domain 2 No access, 3 Manager: XN and AP not checked. */
	cpu = ptk_machine_cpu(fx.m);
	cpu->arm32.dacr = 0xc0 | 0x01;
	expect_fault(&fx, 0x00100000, PTK_ACC_READ, false, PTK_FAULT_DOMAIN, 1, 0x29);
	expect_pa(&fx, 0x00001004, PTK_ACC_WRITE, true, 0x62001004);
	/* The reserved 0b10 is No access (as QEMU). */
	cpu = ptk_machine_cpu(fx.m);
	cpu->arm32.dacr = 0x80 | 0x20;
	expect_fault(&fx, 0x00001004, PTK_ACC_READ, false, PTK_FAULT_DOMAIN, 2, 0x3b);
	/* QEMU departs here: a page-table entry in a No access domain whose
	 * second-level entry is invalid is a Page translation fault (the L2
	 * fetch comes first); QEMU reports a Page domain fault. */
	expect_fault(&fx, 0x00002000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 2, 0x37);

	/* SCTLR.AFE: AP[0] is the Access flag, before the domain (QEMU: the
	 * domain first, and a Manager domain never faults). */
	cpu = ptk_machine_cpu(fx.m);
	cpu->arm32.dacr = 0xc0;
	cpu->arm32.sctlr |= PTK_ARM32_SCTLR_AFE;
	expect_fault(&fx, 0x00001004, PTK_ACC_READ, false, PTK_FAULT_ACCESS_FLAG, 2, 0x36);
	/* AFE's simplified model: AP[2:1] = 11 read-only at both levels */
	put(&fx, fx.l2 + 4, ptk_arm32_sd_small(0x62001000, 7, 0));
	cpu = ptk_machine_cpu(fx.m);
	cpu->arm32.dacr = 0x55;
	expect_pa(&fx, 0x00001004, PTK_ACC_READ, true, 0x62001004);
	expect_fault(&fx, 0x00001004, PTK_ACC_WRITE, false, PTK_FAULT_WRITE, 2, 0x83f);

	/* SCTLR.WXN (QEMU ignores it with short descriptors): a writable
	 * section is execute-never. */
	put(&fx, fx.root + 4, ptk_arm32_sd_section(0x62100000, 0, 1, 0));
	cpu = ptk_machine_cpu(fx.m);
	cpu->arm32.sctlr = 0x10c53c7du | PTK_ARM32_SCTLR_WXN;
	expect_fault(&fx, 0x00100000, PTK_ACC_EXEC, false, PTK_FAULT_EXEC, 1, 0xd);
	/* TTBCR.PD0: a Section translation fault without a walk */
	cpu = ptk_machine_cpu(fx.m);
	cpu->arm32.sctlr = 0x10c53c7du;
	cpu->arm32.ttbcr = PTK_ARM32_TTBCR_PD0;
	expect_fault(&fx, 0x00100000, PTK_ACC_READ, false, PTK_FAULT_NOT_PRESENT, 1, 0x5);
	/* PXNTable: PL1 may not execute the table's pages, PL0 may. */
	cpu = ptk_machine_cpu(fx.m);
	cpu->arm32.ttbcr = 0;
	put(&fx, fx.l2 + 4, ptk_arm32_sd_small(0x62001000, 3, 0));
	expect_pa(&fx, 0x00001004, PTK_ACC_EXEC, false, 0x62001004);
	put(&fx, fx.root + 0, ptk_arm32_sd_table((uint32_t)fx.l2, 3, PTK_ARM32_SD_TBL_PXN));
	expect_fault(&fx, 0x00001004, PTK_ACC_EXEC, false, PTK_FAULT_EXEC, 2, 0x3f);
	expect_pa(&fx, 0x00001004, PTK_ACC_EXEC, true, 0x62001004);
	ptk_machine_destroy(fx.m);
}

/* A kernel page put under a table made for user pages makes it a kernel
 * table (no PXNTable, DOMAIN_KERNEL): Linux never mixes them, and PL1
 * must be able to run the kernel's page. */
static void user_table_takes_kernel_page(void **state)
{
	struct fx fx = setup();
	struct ptk_prot u, k;
	struct ptk_walk_result res;
	uint32_t e0 = 0, e1 = 0;

	(void)state;
	assert_int_equal(ptk_prot_parse(ptk_machine_format(fx.m), "rwxuad", &u), 0);
	assert_int_equal(ptk_prot_parse(ptk_machine_format(fx.m), "rwxad", &k), 0);
	assert_int_equal(ptk_map_range(fx.pt, 0x00105000, 0x62005000, 4096, &u, 0), 0);
	assert_int_equal(walk(&fx, 0x00105000, PTK_ACC_EXEC, true, &res), 0);
	assert_int_equal(ptk_map_range(fx.pt, 0x00106000, 0x62006000, 4096, &k, 0), 0);
	ptk_phys_read(ptk_machine_phys(fx.m), fx.root + 0, &e0, 4);
	ptk_phys_read(ptk_machine_phys(fx.m), fx.root + 4, &e1, 4);
	assert_int_equal(e1 & 0xfff, 0xc11);		/* H/W PT 1 (0x001xxxxx): DOMAIN_KERNEL, BIT4 */
	assert_int_equal(e0 & 0xfff, 0x835);		/* H/W PT 0: still the user table */
	assert_int_equal(walk(&fx, 0x00106000, PTK_ACC_EXEC, false, &res), 0);
	assert_int_equal(walk(&fx, 0x00105000, PTK_ACC_EXEC, true, &res), 0);
	/* user pages under it change nothing */
	assert_int_equal(ptk_map_range(fx.pt, 0x00107000, 0x62007000, 4096, &u, 0), 0);
	ptk_phys_read(ptk_machine_phys(fx.m), fx.root + 4, &e1, 4);
	assert_int_equal(e1 & 0xfff, 0xc11);
	ptk_test_check_tree(fx.pt);
	ptk_machine_destroy(fx.m);
}

/* Linux's layout through the engine: a pte page holds Linux's tables at
 * +0/+1024 and the hardware's at +2048/+3072; both pmd entries of the
 * pair are populated; the page goes when both halves are empty. */
static void linux_pair_layout(void **state)
{
	struct fx fx = setup();
	struct ptk_prot p;
	uint32_t e0 = 0, e1 = 0, lp = 0, hw = 0;
	uint64_t page;

	(void)state;
	assert_int_equal(ptk_prot_parse(ptk_machine_format(fx.m), "rwuad", &p), 0);
	assert_int_equal(ptk_map_range(fx.pt, 0x00105000, 0x62005000, 4096, &p, 0), 0);
	ptk_phys_read(ptk_machine_phys(fx.m), fx.root + 0, &e0, 4);
	ptk_phys_read(ptk_machine_phys(fx.m), fx.root + 4, &e1, 4);
	page = e0 & ~0xfffu;
	assert_int_equal(e0 & 0xfff, 0x835);		/* H/W PT 0, DOMAIN_USER, PXN, BIT4 */
	assert_int_equal(e1, page + 0xc00 + 0x35);	/* H/W PT 1 */
	ptk_phys_read(ptk_machine_phys(fx.m), page + 1024 + 5 * 4, &lp, 4);
	ptk_phys_read(ptk_machine_phys(fx.m), page + 3072 + 5 * 4, &hw, 4);
	assert_int_equal(lp, 0x6200575f);		/* Linux PT 1 */
	assert_int_equal(hw, 0x62005c7f);		/* H/W PT 1 */
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 2);
	ptk_test_check_tree(fx.pt);
	/* a forced section over the empty half of the pair */
	assert_int_equal(ptk_map_range(fx.pt, 0, 0x62000000, 1 << 20, &p, 1 << 20), 0);
	ptk_test_check_tree(fx.pt);
	assert_int_equal(ptk_unmap_range(fx.pt, 0, 2 << 20), 0);
	assert_int_equal(ptk_pgtable_nr_tables(fx.pt), 1);
	ptk_test_check_tree(fx.pt);
	ptk_machine_destroy(fx.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geometry_by_hand),
		cmocka_unit_test(descriptors_by_hand),
		cmocka_unit_test(walks_by_hand),
		cmocka_unit_test(linux_pair_layout),
		cmocka_unit_test(user_table_takes_kernel_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
