// SPDX-License-Identifier: MIT
/*
 * libptkit in thirty lines: build an x86-64 4-level tree in simulated RAM,
 * map a 2 MiB page and a 4 KiB page, walk an address, print the tree.
 *
 *   cc walk.c $(pkg-config --cflags --libs ptkit) -o walk && ./walk
 */
#include <stdio.h>

#include <ptkit/ptkit.h>

int main(void)
{
	struct ptk_phys_range ram[] = { { 0, 1ull << 30 } };
	struct ptk_machine_config cfg = { .fmt = &ptk_format_x86_64_4level, .ram = ram,
					  .nr_ram = 1 };
	struct ptk_walk_req req = { .va = 0x7f0000200234, .access = PTK_ACC_WRITE, .user = true };
	struct ptk_error err = { 0 };
	struct ptk_walk_result res;
	struct ptk_machine *m;
	struct ptk_pgtable *pt;
	struct ptk_prot prot;

	if (ptk_machine_create(&m, &cfg, &err)) {
		fprintf(stderr, "machine: %s\n", err.msg);
		return 1;
	}
	ptk_prot_parse(ptk_machine_format(m), "rwu", &prot);
	if (ptk_pgd_alloc(m, "user", &pt) ||
	    ptk_map_range(pt, 0x7f0000000000, 0x200000, 0x200000, &prot, 0) ||
	    ptk_map_range(pt, 0x7f0000200000, 0x5000, 0x1000, &prot, 0)) {
		fprintf(stderr, "%s\n", ptk_machine_errmsg(m));
		ptk_machine_destroy(m);
		return 1;
	}
	ptk_translate(m, pt, &req, &res);
	ptk_print_walk(pt, &req, &res, stdout);
	ptk_ptdump(pt, stdout);
	ptk_machine_destroy(m);
	return 0;
}
