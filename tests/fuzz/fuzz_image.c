// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the image loader.  The input is an image file's
 * bytes, parsed from memory (image_load_mem), so that the fuzzer needs no
 * temporary files.  A refusal must come with a message and leave *out
 * alone; an accepted image is walked a little, since its tables are as
 * hostile as its headers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ptkit/ptkit.h>
#include "image/image_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Translate a few addresses taken from the input through every tree. */
static void walk_some(struct ptk_machine *m, const uint8_t *data, size_t size)
{
	for (struct ptk_pgtable *pt = ptk_pgtable_first(m); pt; pt = ptk_pgtable_next(pt)) {
		for (size_t i = 0; i + 8 <= size && i < 64; i += 8) {
			struct ptk_walk_req req = { .access = (enum ptk_access)(data[i] % 3),
						    .user = data[i] & 4, .no_update = data[i] & 8 };
			struct ptk_walk_result res;

			memcpy(&req.va, data + i, sizeof(req.va));
			ptk_translate(m, pt, &req, &res);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptk_machine *m = NULL;
	struct ptk_error err = { 0 };
	int rc = image_load_mem(data, size, &m, &err);

	if (rc) {
		if (rc > 0 || m || !err.msg[0] || err.code != rc)
			__builtin_trap();
		return 0;
	}
	walk_some(m, data, size);
	ptk_machine_destroy(m);
	return 0;
}
