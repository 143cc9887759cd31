// SPDX-License-Identifier: MIT
/*
 * Where a loaded image's bytes come from: a file, read with pread in
 * bounded pieces (an image may be a terabyte of mostly holes, so it is
 * never mapped or read whole), or a buffer, for the fuzzer.
 */
#include <stdio.h>
#include <unistd.h>

#include "image/image_priv.h"

int image_src_read(const struct image_src *s, uint64_t off, void *buf, size_t len,
		   struct ptk_error *err)
{
	uint8_t *p = buf;

	if (off > s->size || len > s->size - off)
		return ptk_err(err, -EINVAL,
			       "%s: truncated: %zu bytes at offset %#llx lie beyond its end (%#llx)",
			       s->name, len, (unsigned long long)off,
			       (unsigned long long)s->size);
	if (s->fd < 0) {
		memcpy(p, s->mem + off, len);
		return 0;
	}
	while (len) {
		ssize_t n = pread(s->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ptk_err(err, n < 0 ? -errno : -EIO, "%s: read at offset %#llx: %s",
				       s->name, (unsigned long long)off,
				       n < 0 ? strerror(errno) : "file shrank while loading");
		p += n, len -= (size_t)n, off += (uint64_t)n;
	}
	return 0;
}

int image_src_next_data(const struct image_src *s, uint64_t off, uint64_t end,
			uint64_t *dstart, uint64_t *dend)
{
	off_t d, h;

	if (off >= end)
		return 0;
	*dstart = off, *dend = end;
	if (s->fd < 0)
		return 1;
	d = lseek(s->fd, (off_t)off, SEEK_DATA);
	if (d < 0)
		/* ENXIO: only a hole from here on.  Anything else: the file
		 * system cannot tell, so read it all. */
		return errno == ENXIO ? 0 : 1;
	if ((uint64_t)d >= end)
		return 0;
	h = lseek(s->fd, d, SEEK_HOLE);
	*dstart = (uint64_t)d;
	if (h > d && (uint64_t)h < end)
		*dend = (uint64_t)h;
	return 1;
}
