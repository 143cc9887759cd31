// SPDX-License-Identifier: MIT
/*
 * RAM out of an image into a machine.  Holes (SEEK_DATA/SEEK_HOLE) are
 * never read and all-zero pages are never written, so a loaded machine is
 * as sparse as the image, and a terabyte of holes loads in moments.  Data
 * is read through one bounded buffer, never mapped.
 */
#include <stdlib.h>

#include "image/image_priv.h"

struct ram_reader {
	const struct image_src *s;
	struct ptk_machine *m;
	uint8_t *buf;		/* IMAGE_IO_CHUNK bytes */
	struct ptk_error *err;
};

static int store(struct ram_reader *r, const struct image_load *ld, uint64_t pa,
		 const uint8_t *p, size_t len)
{
	int rc = ptk_phys_write(ptk_machine_phys(r->m), pa, p, len);

	if (rc)
		return ptk_err(r->err, rc,
			       "%s: program header %u: cannot store %#zx bytes at physical %#llx: %s",
			       r->s->name, ld->phdr, len, (unsigned long long)pa,
			       strerror(-rc));
	return 0;
}

/* Read [off, off+len) of a PT_LOAD and store its non-zero pages. */
static int copy_window(struct ram_reader *r, const struct image_load *ld, uint64_t off,
		       size_t len)
{
	uint64_t pa = ld->paddr + (off - ld->offset);
	size_t run = 0;
	int rc = image_src_read(r->s, off, r->buf, len, r->err);

	for (size_t i = 0; i <= len && !rc; i += PTK_PAGE_SIZE) {
		if (i < len && !image_page_is_zero(r->buf + i))
			continue;
		if (i > run)
			rc = store(r, ld, pa + run, r->buf + run, i - run);
		run = i + PTK_PAGE_SIZE;
	}
	return rc;
}

static int copy_load(struct ram_reader *r, const struct image_load *ld)
{
	uint64_t pos = ld->offset, end = ld->offset + ld->size, ds, de;
	int rc = 0;

	while (!rc && image_src_next_data(r->s, pos, end, &ds, &de) > 0) {
		/* Data extents follow file-system blocks; widen them to pages
		 * (segments are page aligned, so this stays inside). */
		ds &= ~(PTK_PAGE_SIZE - 1);
		de = image_round_up(de, PTK_PAGE_SIZE);
		if (de > end)
			de = end;
		for (uint64_t o = ds, n; o < de && !rc; o += n) {
			n = de - o < IMAGE_IO_CHUNK ? de - o : IMAGE_IO_CHUNK;
			rc = copy_window(r, ld, o, n);
		}
		pos = de;
	}
	return rc;
}

int image_read_ram(const struct image_src *s, const struct image_layout *l,
		   struct ptk_machine *m, struct ptk_error *err)
{
	struct ram_reader r = { .s = s, .m = m, .err = err, .buf = malloc(IMAGE_IO_CHUNK) };
	int rc = 0;

	if (!r.buf)
		return ptk_err(err, -ENOMEM, "out of host memory");
	for (size_t i = 0; i < l->nr_loads && !rc; i++)
		rc = copy_load(&r, &l->loads[i]);
	free(r.buf);
	return rc;
}
