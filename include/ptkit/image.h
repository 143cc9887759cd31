/* SPDX-License-Identifier: MIT */
/*
 * Physical memory images.  ELF core files as QEMU's dump-guest-memory
 * writes them: one PT_LOAD per RAM range at its physical address, and a note
 * describing the machine (format, control state, every table root).  Raw
 * images are the RAM ranges back to back.
 */
#ifndef PTKIT_IMAGE_H
#define PTKIT_IMAGE_H

#include <ptkit/pgtable.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ptk_image_kind { PTK_IMAGE_ELF, PTK_IMAGE_RAW };

int ptk_image_save(struct ptk_machine *m, const char *path, enum ptk_image_kind kind);
/* Load an ELF core written by ptk_image_save: recreates the machine, its
 * RAM contents, control state and the trees (attached, by name). */
int ptk_image_load(const char *path, struct ptk_machine **out, struct ptk_error *err);

#ifdef __cplusplus
}
#endif
#endif
