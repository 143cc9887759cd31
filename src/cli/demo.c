// SPDX-License-Identifier: MIT
/*
 * 'ptkit demo': a guided tour run through the ordinary interpreter, each
 * command echoed before its output.  The same lines are in
 * examples/demo.ptk ('ptkit run --echo' on it prints the same tour;
 * tests/cli/demo.sh checks that they stay identical).
 */
#include <string.h>

#include "cli/cli.h"

const char *const cli_demo_script[] = {
	"# ptkit demo: Linux page tables and physical memory on simulated x86-64, arm64 and arm32 machines.",
	"# Run it with 'ptkit demo', or 'ptkit run --echo examples/demo.ptk'.",
	"",
	"echo == 1. A machine: 4-level paging, RAM in two ranges (lazily backed, so 4 GiB costs nothing)",
	"machine x86_64 paging=4 ram=0+1G,0x100000000+3G",
	"echo == 2. A page-table tree: pgd_alloc takes one page for the PML4",
	"pgd_alloc mm",
	"echo == 3. Three 4K user pages (prot=rwu: read/write, user, no exec)",
	"map --trace mm 0x400000 0x2000000 12K prot=rwu",
	"echo == 4. A 2M kernel-text page and a 1G linear-map page",
	"map --trace mm 0xffffffff81000000 0x1000000 2M prot=rxg page=2M",
	"map --trace mm 0xffff888000000000 0 1G prot=rwg page=1G",
	"echo == 5. Walks: the VA splits into 9-bit indices, one per level",
	"write 0x2001234 \"hello, page tables\"",
	"translate mm 0x401234 w user",
	"read 0x2001230 32",
	"translate mm 0xffffffff81001234 x",
	"translate --trace mm 0xffff888000123456 r",
	"echo == 6. Faults, as the CPU would report them (error code bits: P W U RSVD I PK)",
	"protect mm 0x401000 4K prot=ru",
	"translate mm 0x401000 w user",
	"translate mm 0x400000 x kernel",
	"translate mm 0x400000 r kernel",
	"translate mm 0xffff888000000000 r user",
	"echo == 7. protect splits the 1G page where the range cuts it: 1G -> 2M pages -> 4K pages",
	"protect --trace mm 0xffff888000200000 4K prot=r",
	"translate mm 0xffff888000200000 r",
	"echo == 8. The whole tree, as the kernel's ptdump prints it",
	"ptdump mm",
	"echo == 9. The same user VA under 5-level paging (LA57): one more level",
	"machine x86_64 paging=5 ram=0+1G",
	"pgd_alloc mm",
	"map --trace mm 0x400000 0x200000 4K prot=rwu",
	"translate mm 0x400000 r user",
	"echo == 10. arm64: two roots (TTBR0_EL1 for user space, TTBR1_EL1 for the kernel), 4K granule, 48-bit VA",
	"machine arm64 granule=4K va_bits=48 ram=0x40000000+1G",
	"pgd_alloc mm",
	"map --trace mm 0x400000 0x40200000 4K prot=rwua",
	"map --trace mm 0xffff000000000000 0x40000000 2M prot=rwag",
	"translate mm 0x400123 r user",
	"echo == 11. PAN keeps EL1 out of user memory, AP keeps EL0 out of the kernel's (ESR as the CPU reports it)",
	"translate mm 0x400123 w kernel",
	"translate mm 0xffff000000001000 r user",
	"ptdump mm",
	"echo == 12. A real machine's memory map: QEMU's PC (SeaBIOS e820, as x86 edits it), page tables from memblock",
	"machine x86_64 preset=qemu-pc mem=2G",
	"pgd_alloc mm",
	"map mm 0x400000 0x2000000 2M prot=rwu page=4K",
	"memblock dump",
	"echo == 13. mm_init: memblock hands the free memory to the buddy allocator; zones, watermarks, /proc",
	"memblock_free_all",
	"alloc_pages 3 GFP_HIGHUSER_MOVABLE",
	"alloc_pages 0 GFP_DMA",
	"map mm 0x800000 0x3000000 4K prot=rwu",
	"cat /proc/buddyinfo",
	"cat /proc/meminfo",
	"echo == 14. arm32, ARMv7 short descriptors: a 1M section; a page via Linux's paired pte page",
	"machine arm32 ram=0x60000000+256M",
	"pgd_alloc mm",
	"map mm 0xc0000000 0x60000000 2M prot=rwxgad",
	"map mm 0x10000 0x61000000 4K prot=rwuad",
	"translate mm 0xc0012345 r",
	"translate mm 0x10004 w user",
	"echo == Done. Try 'ptkit shell' and 'help'.",
	NULL,
};

int cli_demo(struct cli *c)
{
	c->opt.echo = true;
	for (unsigned long i = 0; cli_demo_script[i]; i++) {
		const char *line = cli_demo_script[i];

		if (cli_run_line(c, "<demo>", i + 1, line, strlen(line)))
			return 1;
	}
	return 0;
}
