// SPDX-License-Identifier: MIT
/*
 * The command table, 'help', and the commands that build a machine:
 * machine, cpu, pgd_alloc, plus echo and quit.  Page-table commands are in
 * commands_pt.c, memory, images and info in commands_mem.c and
 * commands_info.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int cmd_echo(struct cli *c, const struct cli_args *a);
static int cmd_help(struct cli *c, const struct cli_args *a);
static int cmd_quit(struct cli *c, const struct cli_args *a);

static const char *const P_NONE[] = { NULL };
static const char *const P_ARCH[] = { "ARCH", "VARIANT", NULL };
static const char *const P_NAME[] = { "NAME", NULL };
static const char *const P_MAP[] = { "NAME", "VA", "PA", "SIZE", NULL };
static const char *const P_RANGE[] = { "NAME", "VA", "SIZE", NULL };
static const char *const P_TRANSLATE[] = { "NAME", "VA", "ACCESS", "MODE", NULL };
static const char *const P_IMAGE[] = { "save|load", "FILE", "raw", NULL };
static const char *const P_READ[] = { "PA", "LEN", NULL };
static const char *const P_MEMBLOCK[] = { "dump", NULL };
static const char *const P_PFN[] = { "PFN", NULL };
static const char *const P_PAGE[] = { "PAGE", NULL };
static const char *const P_ALLOC[] = { "ORDER", "GFP", NULL };
static const char *const P_FREE[] = { "PFN|all", "ORDER", NULL };
static const char *const P_MEMORY[] = { "add|remove", "SECTION", NULL };
static const char *const P_FILE[] = { "FILE", NULL };
static const char *const P_WRITE[] = { "PA", "VALUE", NULL };
static const char *const P_TEXT[] = { "TEXT", NULL };
static const char *const P_CMD[] = { "COMMAND", NULL };

static const char *const K_MAP[] = { "prot", "page", NULL };
static const char *const K_PROT[] = { "prot", NULL };
static const char *const K_WIDTH[] = { "width", NULL };

#define MACH CLI_F_MACHINE
#define ANY UINT32_MAX

static const struct cli_cmd commands[] = {
	{ "machine", cmd_machine, P_ARCH, 1, 2, NULL, CLI_F_ANY_KEYS | CLI_F_JSON,
	  "machine ARCH [VARIANT] [FORMAT-KEYS] MEMORY [pa_bits=N] [REG=VALUE...]",
	  "create the machine (replaces the current one)",
	  "ARCH is an architecture or a format name; REG a control register, whose\n"
	  "VALUE is a number or +BIT/-BIT edits of the default (cr4=-SMAP,-SMEP).\n"
	  "The defaults are the control state Linux sets up.  MEMORY is any of\n"
	  "ram=ITEM[,...] reserve=ITEM[,...] e820=FILE preset=NAME [mem=SIZE],\n"
	  "ITEM being BASE+SIZE, SIZE@BASE or BASE-END (inclusive).\n"
	  "Example: machine x86_64 paging=4 ram=0+4G,0x100000000+60G" },
	{ "cpu", cmd_cpu, P_NONE, 0, 0, NULL, CLI_F_ANY_KEYS | CLI_F_JSON | MACH,
	  "cpu [REG=VALUE...]", "show or change the control registers",
	  "Example: cpu cr4=-SMAP ac=1" },
	{ "pgd_alloc", cmd_pgd_alloc, P_NAME, 1, 1, NULL, CLI_F_JSON | MACH,
	  "pgd_alloc NAME", "allocate an empty page-table tree and print its root(s)",
	  "Example: pgd_alloc init_mm" },
	{ "map", cmd_map, P_MAP, 4, 4, K_MAP, CLI_F_TRACE | MACH,
	  "map NAME VA PA SIZE [prot=P] [page=4K|2M|1G|auto]",
	  "map [VA, VA+SIZE) to [PA, PA+SIZE)",
	  "P is letters from rwxugad (default rw: kernel read/write, no exec), then\n"
	  "optional ,MEMTYPE (x86_64: wb wc uc- uc wp wt; arm64: normal normal_nc\n"
	  "device_ngnre...) and ,pkey=N (x86_64).  On arm64 'a' sets the access flag.\n"
	  "page=auto (default) uses the largest page alignment allows.\n"
	  "Example: map init_mm 0x400000 0x1000000 12K prot=rwu" },
	{ "unmap", cmd_unmap, P_RANGE, 3, 3, NULL, CLI_F_TRACE | MACH,
	  "unmap NAME VA SIZE", "unmap a range, splitting huge pages it cuts",
	  "Holes are allowed; empty table pages are freed.\n"
	  "Example: unmap init_mm 0x401000 4K" },
	{ "protect", cmd_protect, P_RANGE, 3, 3, K_PROT, CLI_F_TRACE | MACH,
	  "protect NAME VA SIZE prot=P", "change the protection of a mapped range",
	  "Huge pages are split where the range cuts through them.\n"
	  "Example: protect init_mm 0x401000 4K prot=ru" },
	{ "translate", cmd_translate, P_TRANSLATE, 2, 4, NULL,
	  CLI_F_JSON | CLI_F_TRACE | CLI_F_NO_UPDATE | MACH,
	  "translate NAME VA [r|w|x] [user|kernel] [--no-update]",
	  "walk the tables like the MMU, showing every level",
	  "Default: a kernel read.  The walk sets accessed/dirty bits as the\n"
	  "hardware does unless --no-update.  A fault is a result, not an error.\n"
	  "Example: translate init_mm 0x401234 w user" },
	{ "ptdump", cmd_ptdump, P_NAME, 1, 1, NULL, CLI_F_JSON | MACH,
	  "ptdump NAME", "dump the tree as the kernel's ptdump does",
	  "With --json: every leaf mapping instead.\nExample: ptdump init_mm" },
	{ "image", cmd_image, P_IMAGE, 2, 3, NULL, CLI_F_JSON,
	  "image save FILE [raw] | image load FILE",
	  "save the machine as an ELF core (or raw RAM), or load one",
	  "'image load' replaces the current machine.\nExample: image save vm.core" },
	{ "memblock", cmd_memblock, P_MEMBLOCK, 1, 1, NULL, CLI_F_JSON | MACH,
	  "memblock dump", "the boot allocator's memory and reserved regions",
	  "As the kernel prints them with memblock=debug: memory is the RAM,\n"
	  "reserved the reserved ranges inside RAM plus every page-table frame\n"
	  "handed out." },
	{ "memblock_free_all", cmd_memblock_free_all, P_NONE, 0, 0, NULL, MACH,
	  "memblock_free_all", "hand memblock's free memory to the buddy allocator",
	  "As mm_init() does at boot: build the zones and their watermarks, mark the\n"
	  "reserved pages PG_reserved and free the rest in the largest aligned blocks.\n"
	  "From then on page tables come from the buddy allocator (PG_table, counted\n"
	  "in PageTables).  Chooses the architecture's memory model if the machine\n"
	  "line gave none." },
	{ "alloc_pages", cmd_alloc_pages, P_ALLOC, 1, 2, NULL, CLI_F_JSON | MACH,
	  "alloc_pages ORDER [GFP]", "allocate 2^ORDER pages; prints the first PFN",
	  "GFP is GFP_KERNEL (default), GFP_USER, GFP_HIGHUSER_MOVABLE, GFP_DMA,\n"
	  "GFP_DMA32, GFP_ATOMIC... or flags joined with |, e.g. GFP_KERNEL|__GFP_ZERO,\n"
	  "or a number.  The zone and migratetype follow from the flags as in the\n"
	  "kernel; below the min watermark the allocation fails (no reclaim).\n"
	  "Example: alloc_pages 3 GFP_HIGHUSER_MOVABLE" },
	{ "__get_free_pages", cmd_get_free_pages, P_ALLOC, 1, 2, NULL, CLI_F_JSON | MACH,
	  "__get_free_pages ORDER [GFP]", "allocate 2^ORDER pages; prints their kernel address",
	  "page_address() of the block: PAGE_OFFSET + (pa - PHYS_OFFSET) in the linear\n"
	  "map (x86-64 0xffff888000000000, arm64 -(1 << VA_BITS), arm32 0xc0000000).\n"
	  "__GFP_HIGHMEM is refused: such pages have no permanent address.\n"
	  "Example: __get_free_pages 1 GFP_KERNEL|__GFP_ZERO" },
	{ "free_pages", cmd_free_pages, P_FREE, 1, 2, NULL, MACH,
	  "free_pages PFN ORDER | free_pages all", "free a block alloc_pages gave",
	  "'all' frees every block this script allocated, newest first.\n"
	  "Example: free_pages 0x7f000 3" },
	{ "memory", cmd_memory, P_MEMORY, 2, 2, NULL, MACH,
	  "memory add|remove SECTION", "hotplug a memory section (SPARSEMEM models)",
	  "remove isolates the section's pageblocks and fails if any page is in use;\n"
	  "add brings a section back and frees its pages into the buddy allocator.\n"
	  "Example: memory remove 40" },
	{ "cat", cmd_cat, P_FILE, 1, 1, NULL, CLI_F_JSON | MACH,
	  "cat FILE", "a /proc view of the machine, as Linux 6.1 prints it",
	  "FILE: /proc/buddyinfo /proc/pagetypeinfo /proc/zoneinfo /proc/meminfo\n"
	  "/proc/vmstat /proc/iomem.  Only what the model keeps is printed.\n"
	  "Example: cat /proc/buddyinfo" },
	{ "pfn_to_page", cmd_pfn_to_page, P_PFN, 1, 1, NULL, MACH,
	  "pfn_to_page PFN", "the struct page of a frame, by the memory model's formula",
	  "Needs memory_model= on the machine line.  FLATMEM and SPARSEMEM give the\n"
	  "struct page's physical address, SPARSEMEM_VMEMMAP its vmemmap address.\n"
	  "Example: pfn_to_page 0x1234" },
	{ "page_to_pfn", cmd_page_to_pfn, P_PAGE, 1, 1, NULL, MACH,
	  "page_to_pfn PAGE", "the frame of a struct page pointer",
	  "The inverse of pfn_to_page.\nExample: page_to_pfn 0xffffea0000048d00" },
	{ "page_to_phys", cmd_page_to_phys, P_PAGE, 1, 1, NULL, MACH,
	  "page_to_phys PAGE", "the physical address of a struct page's frame",
	  "page_to_pfn(PAGE) << PAGE_SHIFT.\nExample: page_to_phys 0xffffea0000048d00" },
	{ "page", cmd_page, P_PFN, 1, 1, NULL, MACH,
	  "page PFN", "the decoded struct page of a frame (flags, links, counts)",
	  "Flags by the kernel's names, zone/node/section from the flags' upper bits,\n"
	  "_refcount, page_mapcount() and page_type.\nExample: page 0x1234" },
	{ "vmemmap_populate", cmd_vmemmap_populate, P_NAME, 1, 1, NULL, MACH,
	  "vmemmap_populate NAME", "map the struct page arrays into a tree's vmemmap",
	  "SPARSEMEM_VMEMMAP only: each present section's mem_map, PAGE_KERNEL, with\n"
	  "2M pages where the arrays' alignment allows (as vmemmap_populate_hugepages\n"
	  "does); then pfn_to_page(PFN) translates to the struct page in RAM.\n"
	  "Example: vmemmap_populate init_mm" },
	{ "read", cmd_read, P_READ, 2, 2, K_WIDTH, MACH,
	  "read PA LEN [width=1|2|4|8]", "hex dump of physical memory",
	  "width>1 shows little-endian values of that many bytes.\n"
	  "Example: read 0x1000 64 width=8" },
	{ "write", cmd_write, P_WRITE, 2, ANY, K_WIDTH, MACH,
	  "write PA VALUE... [width=1|2|4|8]", "write bytes (or wider values) to physical memory",
	  "Each VALUE is a number (stored little-endian in width bytes, default 1)\n"
	  "or a \"quoted string\" (its bytes).  All or nothing.\n"
	  "Example: write 0x2000000 \"hello\" 0x0a   |   write 0x5000 width=8 0x8000000000000067" },
	{ "info", cmd_info, P_NONE, 0, 0, NULL, CLI_F_JSON | MACH,
	  "info", "summary of the machine: format, RAM, registers, tables, frames", "" },
	{ "echo", cmd_echo, P_TEXT, 0, ANY, NULL, CLI_F_RAW | CLI_F_NOECHO,
	  "echo TEXT...", "print a line (narration in scripts)", "Example: echo --- step 1 ---" },
	{ "help", cmd_help, P_CMD, 0, 1, NULL, CLI_F_NOECHO,
	  "help [COMMAND]", "list the commands, or show one in detail", "" },
	{ "quit", cmd_quit, P_NONE, 0, 0, NULL, 0,
	  "quit", "stop the script or leave the shell", "" },
};

const struct cli_cmd *cli_cmd_at(size_t i)
{
	return i < sizeof(commands) / sizeof(commands[0]) ? &commands[i] : NULL;
}

const struct cli_cmd *cli_cmd_find(const char *name)
{
	for (size_t i = 0; cli_cmd_at(i); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cli_print_cmd_help(FILE *out, const struct cli_cmd *cmd)
{
	fprintf(out, "usage: %s\n  %s\n", cmd->usage, cmd->summary);
	if (cmd->help[0]) {
		const char *s = cmd->help;

		while (*s) {
			size_t n = strcspn(s, "\n");

			fprintf(out, "  %.*s\n", (int)n, s);
			s += n + (s[n] == '\n');
		}
	}
	if (cmd->fn == cmd_machine || cmd->fn == cmd_cpu)
		cli_print_arch_help(out);
	if (cmd->flags & CLI_F_JSON)
		fprintf(out, "  --json: one JSON object on one line.\n");
	if (cmd->flags & CLI_F_TRACE)
		fprintf(out, "  --trace: show the kernel-named call chain.\n");
}

void cli_print_cmd_list(FILE *out)
{
	int width = 0;

	for (size_t i = 0; cli_cmd_at(i); i++)
		if ((int)strlen(commands[i].name) > width)
			width = (int)strlen(commands[i].name);
	fprintf(out, "commands (one per line, '#' starts a comment):\n");
	for (size_t i = 0; cli_cmd_at(i); i++)
		fprintf(out, "  %-*s %s\n", width, commands[i].name, commands[i].summary);
	fprintf(out, "'help COMMAND' or 'COMMAND --help' shows one in detail.\n");
}

/* --- shared lookups ------------------------------------------------------------ */

int cli_num_str(struct cli *c, const char *what, const char *s, uint64_t *v)
{
	const char *why;

	if (parse_u64(s, v, &why))
		return cli_error(c, "%s '%s' %s", what, s, why);
	return 0;
}

int cli_num(struct cli *c, const char *what, const struct cli_tok *t, uint64_t *v)
{
	if (t->quoted)
		return cli_error(c, "%s \"%s\" is a string, not a number", what, t->s);
	return cli_num_str(c, what, t->s, v);
}

int cli_need_table(struct cli *c, const char *name, struct ptk_pgtable **pt)
{
	*pt = ptk_pgtable_find(c->m, name);
	if (*pt)
		return 0;
	if (!ptk_pgtable_first(c->m))
		return cli_error(c, "no table named '%s' (none yet: create one with 'pgd_alloc %s')",
				 name, name);
	return cli_error(c, "no table named '%s' (see 'info')", name);
}

/* --- machine ----------------------------------------------------------------------- */

static void list_formats(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; cli_arch_at(i) && n < len; i++) {
		const struct cli_arch *ar = cli_arch_at(i);

		n += (size_t)snprintf(buf + n, len - n, "%s%s (%s)", n ? "; " : "", ar->word,
				      ar->usage);
	}
}

/* ARCH [format keys], or a format's own name ("x86_64-5level"); built into f. */
static int pick_format(struct cli *c, const struct cli_args *a, struct ptk_format *f)
{
	const char *name = a->pos[0].s;
	const struct cli_arch *ar = cli_arch_by_word(name);
	char built[64], known[256];
	struct ptk_error err = { 0 };

	if (a->npos > 1 && !(ar && ar->takes_variant))
		return cli_error(c, "unexpected word '%s' after '%s'", a->pos[1].s, name);
	if (ar) {
		if (ar->format_name(c, a, built, sizeof(built)))
			return -1;
		name = built;
	}
	if (!ptk_format_build(name, f, &err))
		return 0;
	if (ar)
		return cli_error(c, "%s", ptk_strerror(&err, -EINVAL));
	list_formats(known, sizeof(known));
	return cli_error(c, "unknown architecture or format '%s' (known: %s)", name, known);
}

/* The fuzzer caps RAM: the library's RAM directory grows with RAM size. */
static int check_ram_limit(struct cli *c, const struct ptk_phys_range *ram, size_t n)
{
	uint64_t total = 0;
	char sz[32];

	if (!c->opt.max_ram)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (ram[i].size > c->opt.max_ram - total) {
			fmt_size(c->opt.max_ram, sz, sizeof(sz));
			return cli_error(c, "ram=: more than %s of RAM", sz);
		}
		total += ram[i].size;
	}
	return 0;
}

static bool is_machine_key(const struct ptk_format *f, const char *key)
{
	return cli_is_memmap_key(key) || !strcmp(key, "pa_bits") ||
	       !strcmp(key, "memory_model") ||
	       cli_arch_is_format_key(cli_arch_find(f->arch), key);
}

/* pa_bits=: the format's default if absent. */
static int machine_pa_bits(struct cli *c, const struct cli_args *a, const struct ptk_format *f,
			   unsigned *bits)
{
	const char *pb = cli_key(a, "pa_bits");
	uint64_t v = 0;

	*bits = f->default_pa_bits;
	if (!pb)
		return 0;
	if (cli_num_str(c, "pa_bits", pb, &v))
		return -1;
	if (v == 0 || v > 64)
		return cli_error(c, "pa_bits=%s: must be 1..64", pb);
	*bits = (unsigned)v;
	return 0;
}

/* Registers after the machine exists, so their defaults are the format's. */
static int apply_machine_regs(struct cli *c, const struct cli_args *a,
			      const struct ptk_format *f, struct ptk_machine *m)
{
	struct cli_kv regs[CLI_MAX_KEYS];
	struct ptk_cpu cpu = *ptk_machine_cpu(m);
	unsigned nregs = 0;

	for (unsigned i = 0; i < a->nany; i++)
		if (!is_machine_key(f, a->any[i].key))
			regs[nregs++] = a->any[i];
	if (cli_apply_regs(c, f, regs, nregs, &cpu))
		return -1;
	*ptk_machine_cpu(m) = cpu;
	return 0;
}

/* Create the machine on the side; the old one stays until this succeeds. */
static int build_machine(struct cli *c, const struct cli_args *a, const struct ptk_format *f,
			 struct ptk_machine **out, struct ptk_memmap *map)
{
	struct ptk_machine_config cfg = { .fmt = f };
	struct ptk_phys_range ram[CLI_MAX_RAM], reserved[CLI_MAX_RAM], mb_reserved[CLI_MAX_RAM];
	struct ptk_error err = { 0 };
	unsigned bits;
	int rc = -1;

	if (machine_pa_bits(c, a, f, &bits) ||
	    cli_machine_memmap(c, a, bits, cli_arch_find(f->arch), map))
		goto out;
	cfg.ram = ram;
	cfg.nr_ram = ptk_memmap_ram_ranges(map, ram, CLI_MAX_RAM);
	cfg.reserved = reserved;
	cfg.nr_reserved = ptk_memmap_phys_ranges(map, PTK_MEMMAP_RESERVED, reserved, CLI_MAX_RAM);
	cfg.memblock_reserved = mb_reserved;
	cfg.nr_memblock_reserved = ptk_memmap_phys_ranges(map, PTK_MEMMAP_MEMBLOCK, mb_reserved,
							  CLI_MAX_RAM);
	cfg.pa_bits = cli_key(a, "pa_bits") ? bits : 0;
	if (check_ram_limit(c, ram, cfg.nr_ram))
		goto out;
	rc = ptk_machine_create(out, &cfg, &err);
	if (rc) {
		rc = cli_error(c, "%s", ptk_strerror(&err, rc));
		goto out;
	}
	rc = apply_machine_regs(c, a, f, *out);
	if (!rc)
		rc = cli_machine_memory_model(c, a, *out);
	if (rc)
		ptk_machine_destroy(*out);
out:
	return rc;
}

int cmd_machine(struct cli *c, const struct cli_args *a)
{
	struct ptk_format f;
	struct ptk_machine *m;
	struct ptk_memmap map;

	if (pick_format(c, a, &f))
		return -1;
	if (!cli_arch_by_word(a->pos[0].s)) {
		const struct cli_arch *ar = cli_arch_find(f.arch);

		for (const char *const *k = ar ? ar->format_keys : NULL; k && *k; k++)
			if (cli_key(a, *k))
				return cli_error(c, "%s= is not allowed after a format name", *k);
	}
	ptk_memmap_init(&map);
	if (build_machine(c, a, &f, &m, &map)) {
		ptk_memmap_free(&map);
		return -1;
	}
	cli_set_machine(c, m, &map);
	if (a->flags & CLI_F_JSON)
		cli_json_machine(c, "machine");
	else
		cli_print_machine_line(c);
	return 0;
}

int cmd_cpu(struct cli *c, const struct cli_args *a)
{
	const struct ptk_format *f = ptk_machine_format(c->m);
	struct ptk_cpu cpu = *ptk_machine_cpu(c->m);
	struct json j;

	if (cli_apply_regs(c, f, a->any, a->nany, &cpu))
		return -1;
	*ptk_machine_cpu(c->m) = cpu;
	if (!(a->flags & CLI_F_JSON)) {
		cli_print_cpu(c);
		return 0;
	}
	json_init(&j, c->out);
	json_obj_begin(&j, NULL);
	json_str(&j, "cmd", "cpu");
	cli_json_cpu(&j, c->m);
	json_obj_end(&j);
	return 0;
}

/* --- pgd_alloc, echo, help, quit -------------------------------------------------- */

int cmd_pgd_alloc(struct cli *c, const struct cli_args *a)
{
	struct ptk_pgtable *pt;
	int rc = ptk_pgd_alloc(c->m, a->pos[0].s, &pt);
	struct json j;

	if (rc)
		return cli_lib_error(c, rc);
	if (a->flags & CLI_F_JSON) {
		json_init(&j, c->out);
		json_obj_begin(&j, NULL);
		json_str(&j, "cmd", "pgd_alloc");
		json_str(&j, "table", ptk_pgtable_name(pt));
		json_arr_begin(&j, "roots");
		for (unsigned r = 0; r < ptk_pgtable_nroots(pt); r++)
			json_hex(&j, NULL, ptk_pgtable_root(pt, r));
		json_arr_end(&j);
		json_obj_end(&j);
		return 0;
	}
	cli_print_table_line(c, pt);
	fputc('\n', c->out);
	cli_print_pgd_regs(c);
	return 0;
}

static int cmd_echo(struct cli *c, const struct cli_args *a)
{
	for (unsigned i = 0; i < a->npos; i++)
		fprintf(c->out, "%s%s", i ? " " : "", a->pos[i].s);
	fputc('\n', c->out);
	return 0;
}

static int cmd_help(struct cli *c, const struct cli_args *a)
{
	const struct cli_cmd *cmd;

	if (!a->npos) {
		cli_print_cmd_list(c->out);
		return 0;
	}
	cmd = cli_cmd_find(a->pos[0].s);
	if (!cmd)
		return cli_error(c, "unknown command '%s'", a->pos[0].s);
	cli_print_cmd_help(c->out, cmd);
	return 0;
}

static int cmd_quit(struct cli *c, const struct cli_args *a)
{
	(void)a;
	c->quit = true;
	return 0;
}
