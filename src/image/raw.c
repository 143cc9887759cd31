// SPDX-License-Identifier: MIT
/*
 * Raw images: the RAM ranges back to back in address order from offset 0,
 * nothing else.  The file is as large as RAM; a byte at physical address
 * pa in range i sits at (sum of the sizes of ranges 0..i-1) + (pa - base i).
 * Without metadata they cannot be loaded back; ELF images can.
 */
#include "image/image_priv.h"

int image_save_raw(struct ptk_machine *m, int fd, const char *path)
{
	return image_write_ram(fd, ptk_machine_phys(m), 0, path, ptk_machine_error(m));
}
