// SPDX-License-Identifier: MIT
/*
 * RAM into a file, sparse: only chunks that were ever written are visited
 * (ptk_phys_for_each_backed), all-zero pages inside them are skipped, and
 * a final ftruncate sizes the file, so everything not written is a hole
 * that reads as zeros and costs no disk.  Both image kinds lay RAM out the
 * same way: the ranges back to back in address order from some offset.
 */
#include <stdio.h>
#include <unistd.h>

#include "image/image_priv.h"

struct ram_writer {
	int fd;
	const struct ptk_phys *ph;
	const char *path;
	struct ptk_error *err;
	size_t range;		/* range holding the chunks being visited */
	uint64_t range_off;	/* its base's file offset */
};

/* Chunks come in address order; follow them through the ranges. */
static uint64_t file_offset(struct ram_writer *w, uint64_t pa)
{
	struct ptk_phys_range r = ptk_phys_range_at(w->ph, w->range);

	while (pa >= r.base + r.size) {
		w->range_off += r.size;
		r = ptk_phys_range_at(w->ph, ++w->range);
	}
	return w->range_off + (pa - r.base);
}

/* One backed piece of RAM: write its non-zero pages, in runs. */
static int write_backed(void *ctx, uint64_t pa, const void *host, size_t len)
{
	struct ram_writer *w = ctx;
	const uint8_t *p = host;
	uint64_t off = file_offset(w, pa);
	size_t run = 0;		/* start of the current run of data pages */
	int rc = 0;

	for (size_t i = 0; i <= len && !rc; i += PTK_PAGE_SIZE) {
		if (i < len && !image_page_is_zero(p + i))
			continue;
		if (i > run)
			rc = image_pwrite(w->fd, p + run, i - run, off + run, w->path, w->err);
		run = i + PTK_PAGE_SIZE;
	}
	return rc;
}

int image_write_ram(int fd, const struct ptk_phys *ph, uint64_t start, const char *path,
		    struct ptk_error *err)
{
	struct ram_writer w = { .fd = fd, .ph = ph, .path = path, .err = err,
				.range_off = start };
	uint64_t end = start + ptk_phys_ram_bytes(ph);
	int rc = ptk_phys_for_each_backed(ph, write_backed, &w);

	if (rc)
		return rc;
	if (ftruncate(fd, (off_t)end))
		return ptk_err(err, -errno, "%s: cannot extend to %#llx bytes: %s", path,
			       (unsigned long long)end, strerror(errno));
	return 0;
}
