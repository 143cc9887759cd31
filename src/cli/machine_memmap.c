// SPDX-License-Identifier: MIT
/*
 * The memory map of a 'machine' line: where RAM is and what is reserved,
 * from ram=/reserve= lists, an e820 table pasted from dmesg (e820=FILE), or
 * a board preset (preset=NAME [mem=SIZE]).  Sources add up; the library's
 * memmap checks the whole and names the item or line at fault.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CLI_MAX_E820_FILE (1u << 20)	/* a whole dmesg fits */

static const char *const memmap_keys[] = {
	"ram", "reserve", "e820", "dt", "dt_cells", "preset", "mem", NULL
};

bool cli_is_memmap_key(const char *key)
{
	for (const char *const *k = memmap_keys; *k; k++)
		if (!strcmp(key, *k))
			return true;
	return false;
}

/* The file key=path's text, NUL-terminated; NULL after reporting why. */
static char *slurp(struct cli *c, const char *key, const char *path)
{
	FILE *fp;
	char *buf;
	size_t n;

	if (c->opt.no_files) {
		cli_error(c, "%s=: reading files is disabled here", key);
		return NULL;
	}
	fp = fopen(path, "rb");
	if (!fp) {
		cli_error(c, "%s=%s: cannot open: %s", key, path, strerror(errno));
		return NULL;
	}
	buf = malloc(CLI_MAX_E820_FILE + 1);
	n = buf ? fread(buf, 1, CLI_MAX_E820_FILE + 1, fp) : 0;
	if (!buf || ferror(fp) || n > CLI_MAX_E820_FILE) {
		cli_error(c, "%s=%s: %s", key, path, !buf ? "out of host memory" :
			  n > CLI_MAX_E820_FILE ? "larger than 1 MiB" : "read error");
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static int add_e820_file(struct cli *c, const char *path, unsigned pa_bits,
			 struct ptk_memmap *map)
{
	struct ptk_error err = { 0 };
	char *text;
	int rc;

	text = slurp(c, "e820", path);
	if (!text)
		return -1;
	rc = ptk_memmap_parse_e820(map, text, pa_bits, &err);
	free(text);
	return rc ? cli_error(c, "e820=%s: %s", path, ptk_strerror(&err, rc)) : 0;
}

/* The "reg = <...>;" of a DTS fragment (a whole memory node may be given),
 * cut after its ';'; or the text itself when it has no reg property. */
static const char *find_reg_property(char *text)
{
	for (char *p = strstr(text, "reg"); p; p = strstr(p + 1, "reg")) {
		char *q = p + 3, *end;
		bool word_start = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
						  p[-1] == '-' || p[-1] == ',');

		q += strspn(q, " \t");
		if (!word_start || *q != '=')
			continue;
		end = strchr(q, ';');
		if (end)
			*end = '\0';
		return p;
	}
	return text;
}

/* dt=FILE: a device-tree memory node's reg property, as DTS writes it
 * ("reg = <0x0 0x40000000 0x0 0x40000000>;"), with dt_cells=AC,SC the
 * parent's #address-cells and #size-cells (default 2,2 as on arm64). */
static int add_dt_file(struct cli *c, const struct cli_args *a, unsigned pa_bits,
		       struct ptk_memmap *map)
{
	const char *path = cli_key(a, "dt"), *cells = cli_key(a, "dt_cells");
	unsigned ac = 2, sc = 2;
	struct ptk_error err = { 0 };
	char *text, tail;
	int rc;

	if (cells && !path)
		return cli_error(c, "dt_cells= goes with dt=FILE");
	if (!path)
		return 0;
	if (cells && (sscanf(cells, "%u,%u%c", &ac, &sc, &tail) != 2))
		return cli_error(c, "dt_cells=%s: expected ADDRESS_CELLS,SIZE_CELLS, e.g. 1,1", cells);
	text = slurp(c, "dt", path);
	if (!text)
		return -1;
	rc = ptk_memmap_parse_dt_reg(map, find_reg_property(text), ac, sc, pa_bits, &err);
	free(text);
	return rc ? cli_error(c, "dt=%s: %s", path, ptk_strerror(&err, rc)) : 0;
}

static int add_preset(struct cli *c, const struct cli_args *a, struct ptk_memmap *map)
{
	const char *name = cli_key(a, "preset"), *mem = cli_key(a, "mem");
	struct ptk_error err = { 0 };
	uint64_t size = 0;
	int rc;

	if (mem && !name)
		return cli_error(c, "mem= sizes a preset: give preset=NAME too");
	if (!name)
		return 0;
	if (mem && cli_num_str(c, "mem", mem, &size))
		return -1;
	rc = ptk_memmap_preset(map, name, size, &err);
	return rc ? cli_error(c, "%s", ptk_strerror(&err, rc)) : 0;	/* names the preset */
}

static int add_list(struct cli *c, const struct cli_args *a, enum ptk_memmap_kind kind,
		    unsigned pa_bits, struct ptk_memmap *map)
{
	const char *s = cli_key(a, kind == PTK_MEMMAP_RAM ? "ram" : "reserve");
	struct ptk_error err = { 0 };
	int rc;

	if (!s)
		return 0;
	rc = ptk_memmap_parse_ranges(map, kind, s, pa_bits, &err);
	return rc ? cli_error(c, "%s", ptk_strerror(&err, rc)) : 0;
}

/* The kernel's edits of a firmware map; ram=/reserve= lists are taken as
 * memblock's view already and left alone. */
static int fixup_firmware_map(struct cli *c, const struct cli_args *a, unsigned pa_bits,
			      const struct cli_arch *ar, struct ptk_memmap *map)
{
	struct ptk_error err = { 0 };
	int rc;

	if (!ar || !ar->firmware_fixup || (!cli_key(a, "e820") && !cli_key(a, "preset")))
		return 0;
	rc = ar->firmware_fixup(map, pa_bits, &err);
	return rc ? cli_error(c, "%s", ptk_strerror(&err, rc)) : 0;
}

int cli_machine_memmap(struct cli *c, const struct cli_args *a, unsigned pa_bits,
		       const struct cli_arch *ar, struct ptk_memmap *map)
{
	const char *e820 = cli_key(a, "e820");

	if (!cli_key(a, "ram") && !e820 && !cli_key(a, "preset") && !cli_key(a, "dt"))
		return cli_error(c, "missing ram=BASE+SIZE[,...], e820=FILE, dt=FILE or preset=NAME");
	if (add_preset(c, a, map) || (e820 && add_e820_file(c, e820, pa_bits, map)) ||
	    add_dt_file(c, a, pa_bits, map) ||
	    fixup_firmware_map(c, a, pa_bits, ar, map) ||
	    add_list(c, a, PTK_MEMMAP_RAM, pa_bits, map) ||
	    add_list(c, a, PTK_MEMMAP_RESERVED, pa_bits, map))
		return -1;
	if (!ptk_memmap_nr(map, PTK_MEMMAP_RAM))
		return cli_error(c, "the memory map has no RAM");
	if (ptk_memmap_nr(map, PTK_MEMMAP_RAM) > CLI_MAX_RAM ||
	    ptk_memmap_nr(map, PTK_MEMMAP_RESERVED) > CLI_MAX_RAM)
		return cli_error(c, "more than %u RAM or reserved ranges", CLI_MAX_RAM);
	return 0;
}
