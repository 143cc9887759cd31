// SPDX-License-Identifier: MIT
/* Placeholder until the image layer lands: reports that it is missing. */
#include <ptkit/image.h>

int ptk_image_save(struct ptk_machine *m, const char *path, enum ptk_image_kind kind)
{
	(void)path, (void)kind;
	return ptk_err(ptk_machine_error(m), -ENOSYS, "images are not implemented yet");
}

int ptk_image_load(const char *path, struct ptk_machine **out, struct ptk_error *err)
{
	(void)path, (void)out;
	return ptk_err(err, -ENOSYS, "images are not implemented yet");
}
