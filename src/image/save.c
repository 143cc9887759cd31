// SPDX-License-Identifier: MIT
/*
 * ptk_image_save: open the file, hand it to the ELF or raw writer, and
 * remove it again if writing failed, so that a half-written image never
 * passes for a good one.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_priv.h"

int image_pwrite(int fd, const void *buf, size_t len, uint64_t off, const char *path,
		 struct ptk_error *err)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ptk_err(err, n < 0 ? -errno : -EIO, "%s: write at offset %#llx: %s",
				       path, (unsigned long long)off,
				       n < 0 ? strerror(errno) : "no progress");
		p += n, len -= (size_t)n, off += (uint64_t)n;
	}
	return 0;
}

static int open_image(const char *path, struct ptk_error *err)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0)
		return ptk_err(err, -errno, "%s: cannot create: %s", path, strerror(errno));
	/* Holes and ftruncate need a regular file. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return ptk_err(err, -EINVAL, "%s: not a regular file", path);
	}
	return fd;
}

int ptk_image_save(struct ptk_machine *m, const char *path, enum ptk_image_kind kind)
{
	struct ptk_error *err = ptk_machine_error(m);
	int fd, rc;

	if (kind != PTK_IMAGE_ELF && kind != PTK_IMAGE_RAW)
		return ptk_err(err, -EINVAL, "%s: unknown image kind %d", path, (int)kind);
	if (kind == PTK_IMAGE_ELF && elf_version(EV_CURRENT) == EV_NONE)
		return ptk_err(err, -ENOSYS, "libelf: %s", elf_errmsg(-1));
	fd = open_image(path, err);
	if (fd < 0)
		return fd;
	rc = kind == PTK_IMAGE_ELF ? image_save_elf(m, fd, path) : image_save_raw(m, fd, path);
	if (close(fd) && !rc)
		rc = ptk_err(err, -errno, "%s: close: %s", path, strerror(errno));
	if (rc)
		unlink(path);
	return rc;
}
