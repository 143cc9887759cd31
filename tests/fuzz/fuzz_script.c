// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the bytes are a ptkit script, run by the same
 * interpreter as 'ptkit run --keep-going' (every line is tried).  It must
 * not crash, leak or grow without bound, so the limits a hostile script
 * could abuse are tightened: no file access ('image'), at most 4096 pages
 * per map, 4 KiB per read, 1 TiB of RAM per machine (RAM is backed lazily,
 * but the library's RAM directory still grows with its size: 60 TiB costs
 * about a second and 350 MB).
 *
 * Build: every src/cli/ source except main.c (shell.c needs libedit: link
 * PkgConfig::LIBEDIT, or leave shell.c out and provide cli_shell), plus
 * ptkit_static, with include path src/.
 */
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink(void)
{
	static FILE *null;	/* opened once per process, never written back */

	if (!null)
		null = fopen("/dev/null", "w");
	return null ? null : stderr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli c;

	cli_init(&c, sink(), sink());
	c.opt.keep_going = true;
	c.opt.no_files = true;
	c.opt.max_map_pages = 4096;
	c.opt.max_read = 4096;
	c.opt.max_ram = 1ull << 40;
	cli_run_buffer(&c, "<fuzz>", (const char *)data, size);
	cli_fini(&c);
	return 0;
}
