// SPDX-License-Identifier: MIT
/*
 * The simulated RAM: a sparse, lazily backed store over a 52-bit physical
 * space.  See store.h for the layout.  Host memory is committed per 2 MiB
 * chunk on first write, and within a chunk the host kernel itself commits
 * only the 4 KiB pages that are touched (MAP_NORESERVE).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include <ptkit/error.h>
#include "phys/store.h"

static uint64_t chunk_base(uint64_t pa)
{
	return pa & ~(PTK_CHUNK_SIZE - 1);
}

static int range_cmp(const void *a, const void *b)
{
	const struct ptk_phys_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static int check_ranges(unsigned pa_bits, const struct ptk_phys_range *r, size_t n,
			struct ptk_error *err)
{
	uint64_t limit = 1ull << pa_bits;

	if (n == 0)
		return ptk_err(err, -EINVAL, "no RAM ranges given");
	for (size_t i = 0; i < n; i++) {
		if (r[i].size == 0)
			return ptk_err(err, -EINVAL, "RAM range %zu is empty", i + 1);
		if ((r[i].base | r[i].size) & (PTK_PAGE_SIZE - 1))
			return ptk_err(err, -EINVAL,
				       "RAM range %#llx+%#llx is not 4 KiB aligned",
				       (unsigned long long)r[i].base,
				       (unsigned long long)r[i].size);
		if (r[i].base >= limit || r[i].size > limit - r[i].base)
			return ptk_err(err, -ERANGE,
				       "RAM range %#llx+%#llx goes beyond the %u-bit physical address space",
				       (unsigned long long)r[i].base,
				       (unsigned long long)r[i].size, pa_bits);
	}
	return 0;
}

static int check_overlaps(const struct ptk_phys_range *sorted, size_t n,
			  struct ptk_error *err)
{
	for (size_t i = 1; i < n; i++)
		if (sorted[i].base < sorted[i - 1].base + sorted[i - 1].size)
			return ptk_err(err, -EINVAL,
				       "RAM ranges %#llx+%#llx and %#llx+%#llx overlap",
				       (unsigned long long)sorted[i - 1].base,
				       (unsigned long long)sorted[i - 1].size,
				       (unsigned long long)sorted[i].base,
				       (unsigned long long)sorted[i].size);
	return 0;
}

/* Does RAM cover the whole 2 MiB chunk starting at base? */
static bool chunk_fully_ram(const struct ptk_phys *ph, uint64_t base)
{
	return ptk_phys_is_ram(ph, base, PTK_CHUNK_SIZE);
}

static uintptr_t *leaf_for(struct ptk_phys *ph, uint64_t pa)
{
	uintptr_t **slot = &ph->dir[pa >> PTK_DIR_SHIFT];

	if (!*slot)
		*slot = calloc(PTK_LEAF_SLOTS, sizeof(uintptr_t));
	return *slot;
}

static int populate_slots(struct ptk_phys *ph)
{
	for (size_t i = 0; i < ph->nr_ranges; i++) {
		uint64_t end = ph->ranges[i].base + ph->ranges[i].size;

		for (uint64_t c = chunk_base(ph->ranges[i].base); c < end; c += PTK_CHUNK_SIZE) {
			uintptr_t *leaf = leaf_for(ph, c);

			if (!leaf)
				return -ENOMEM;
			leaf[(c >> PTK_CHUNK_SHIFT) & (PTK_LEAF_SLOTS - 1)] =
				(uintptr_t)ph->zero_chunk |
				(chunk_fully_ram(ph, c) ? 0 : PTK_SLOT_PARTIAL);
		}
	}
	return 0;
}

int ptk_phys_create(struct ptk_phys **out, unsigned pa_bits,
		    const struct ptk_phys_range *ram, size_t nr_ram, struct ptk_error *err)
{
	struct ptk_phys *ph;
	int rc;

	if (pa_bits < PTK_DIR_SHIFT || pa_bits > PTK_PHYS_MAX_BITS)
		return ptk_err(err, -EINVAL, "physical address width %u is outside 30..52",
			       pa_bits);
	rc = check_ranges(pa_bits, ram, nr_ram, err);
	if (rc)
		return rc;
	ph = calloc(1, sizeof(*ph));
	if (!ph)
		return ptk_err(err, -ENOMEM, "out of host memory");
	ph->pa_bits = pa_bits;
	ph->nr_ranges = nr_ram;
	ph->ranges = malloc(nr_ram * sizeof(*ram));
	ph->nr_dir = 1ull << (pa_bits - PTK_DIR_SHIFT);
	ph->dir = calloc(ph->nr_dir, sizeof(*ph->dir));
	ph->zero_chunk = mmap(NULL, PTK_CHUNK_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
	if (ph->zero_chunk == MAP_FAILED)
		ph->zero_chunk = NULL;
	if (!ph->ranges || !ph->dir || !ph->zero_chunk) {
		ptk_phys_destroy(ph);
		return ptk_err(err, -ENOMEM, "out of host memory");
	}
	memcpy(ph->ranges, ram, nr_ram * sizeof(*ram));
	qsort(ph->ranges, nr_ram, sizeof(*ram), range_cmp);
	rc = check_overlaps(ph->ranges, nr_ram, err);
	if (!rc && populate_slots(ph))
		rc = ptk_err(err, -ENOMEM, "out of host memory for the RAM directory");
	if (rc) {
		ptk_phys_destroy(ph);
		return rc;
	}
	for (size_t i = 0; i < nr_ram; i++)
		ph->ram_bytes += ram[i].size;
	*out = ph;
	return 0;
}

static void free_leaf(struct ptk_phys *ph, uintptr_t *leaf)
{
	for (unsigned i = 0; i < PTK_LEAF_SLOTS; i++) {
		uint8_t *host = (uint8_t *)(leaf[i] & ~PTK_SLOT_PARTIAL);

		if (host && host != ph->zero_chunk)
			munmap(host, PTK_CHUNK_SIZE);
	}
	free(leaf);
}

void ptk_phys_destroy(struct ptk_phys *ph)
{
	if (!ph)
		return;
	if (ph->dir) {
		for (uint64_t d = 0; d < ph->nr_dir; d++)
			if (ph->dir[d])
				free_leaf(ph, ph->dir[d]);
		free(ph->dir);
	}
	if (ph->zero_chunk)
		munmap(ph->zero_chunk, PTK_CHUNK_SIZE);
	free(ph->ranges);
	free(ph);
}

unsigned ptk_phys_pa_bits(const struct ptk_phys *ph) { return ph->pa_bits; }
size_t ptk_phys_nr_ranges(const struct ptk_phys *ph) { return ph->nr_ranges; }
uint64_t ptk_phys_ram_bytes(const struct ptk_phys *ph) { return ph->ram_bytes; }

struct ptk_phys_range ptk_phys_range_at(const struct ptk_phys *ph, size_t i)
{
	return ph->ranges[i];
}

uint64_t ptk_phys_backed_bytes(const struct ptk_phys *ph)
{
	return ph->backed_chunks * PTK_CHUNK_SIZE;
}

bool ptk_phys_is_ram(const struct ptk_phys *ph, uint64_t pa, uint64_t len)
{
	uint64_t end = pa + len;

	if (end < pa)
		return false;
	/* Ranges are sorted and disjoint; adjacent ones may abut. */
	for (size_t i = 0; i < ph->nr_ranges && pa < end; i++) {
		uint64_t rb = ph->ranges[i].base, re = rb + ph->ranges[i].size;

		if (pa < rb)
			return false;
		if (pa < re)
			pa = re;
	}
	return pa >= end;
}

/* Give a chunk its own host memory; returns the chunk's host base. */
static uint8_t *back_chunk(struct ptk_phys *ph, uint64_t pa)
{
	uintptr_t *leaf = ph->dir[pa >> PTK_DIR_SHIFT];
	uintptr_t *slot = &leaf[(pa >> PTK_CHUNK_SHIFT) & (PTK_LEAF_SLOTS - 1)];
	uint8_t *host = (uint8_t *)(*slot & ~PTK_SLOT_PARTIAL);

	if (host != ph->zero_chunk)
		return host;
	host = mmap(NULL, PTK_CHUNK_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return NULL;
	*slot = (uintptr_t)host | (*slot & PTK_SLOT_PARTIAL);
	ph->backed_chunks++;
	return host;
}

static const uint8_t *chunk_for_read(const struct ptk_phys *ph, uint64_t pa)
{
	return (const uint8_t *)(phys_slot(ph, pa) & ~PTK_SLOT_PARTIAL);
}

int ptk_phys_read(const struct ptk_phys *ph, uint64_t pa, void *buf, size_t len)
{
	uint8_t *dst = buf;

	if (!ptk_phys_is_ram(ph, pa, len))
		return -EFAULT;
	while (len) {
		uint64_t off = pa & (PTK_CHUNK_SIZE - 1);
		size_t n = PTK_CHUNK_SIZE - off < len ? PTK_CHUNK_SIZE - off : len;

		memcpy(dst, chunk_for_read(ph, pa) + off, n);
		dst += n, pa += n, len -= n;
	}
	return 0;
}

/* Back every chunk a write will touch first, so a failed write changes nothing. */
static int back_range(struct ptk_phys *ph, uint64_t pa, size_t len)
{
	for (uint64_t c = chunk_base(pa); c < pa + len; c += PTK_CHUNK_SIZE)
		if (!back_chunk(ph, c))
			return -ENOMEM;
	return 0;
}

int ptk_phys_write(struct ptk_phys *ph, uint64_t pa, const void *buf, size_t len)
{
	const uint8_t *src = buf;
	int rc;

	if (!ptk_phys_is_ram(ph, pa, len))
		return -EFAULT;
	rc = back_range(ph, pa, len);
	if (rc)
		return rc;
	while (len) {
		uint64_t off = pa & (PTK_CHUNK_SIZE - 1);
		size_t n = PTK_CHUNK_SIZE - off < len ? PTK_CHUNK_SIZE - off : len;

		memcpy((uint8_t *)chunk_for_read(ph, pa) + off, src, n);
		src += n, pa += n, len -= n;
	}
	return 0;
}

int ptk_phys_zero(struct ptk_phys *ph, uint64_t pa, uint64_t len)
{
	if (!ptk_phys_is_ram(ph, pa, len))
		return -EFAULT;
	while (len) {
		uint64_t off = pa & (PTK_CHUNK_SIZE - 1);
		uint64_t n = PTK_CHUNK_SIZE - off < len ? PTK_CHUNK_SIZE - off : len;
		uint8_t *host = (uint8_t *)chunk_for_read(ph, pa);

		if (host != ph->zero_chunk)
			memset(host + off, 0, n);
		pa += n, len -= n;
	}
	return 0;
}

int phys_read64_slow(const struct ptk_phys *ph, uint64_t pa, uint64_t *val)
{
	return ptk_phys_read(ph, pa, val, sizeof(*val));
}

int phys_write64_slow(struct ptk_phys *ph, uint64_t pa, uint64_t val)
{
	return ptk_phys_write(ph, pa, &val, sizeof(val));
}

static bool in_one_chunk(const struct ptk_phys *ph, uint64_t pa, uint64_t len)
{
	return len && chunk_base(pa) == chunk_base(pa + len - 1) && ptk_phys_is_ram(ph, pa, len);
}

uint8_t *phys_bytes_for_write(struct ptk_phys *ph, uint64_t pa, uint64_t len)
{
	uint8_t *host;

	if (!in_one_chunk(ph, pa, len))
		return NULL;
	host = back_chunk(ph, pa);
	return host ? host + (pa & (PTK_CHUNK_SIZE - 1)) : NULL;
}

const uint8_t *phys_bytes_for_read(const struct ptk_phys *ph, uint64_t pa, uint64_t len)
{
	if (!in_one_chunk(ph, pa, len))
		return NULL;
	return chunk_for_read(ph, pa) + (pa & (PTK_CHUNK_SIZE - 1));
}

int ptk_phys_for_each_backed(const struct ptk_phys *ph, ptk_phys_backed_fn fn, void *ctx)
{
	for (size_t i = 0; i < ph->nr_ranges; i++) {
		uint64_t pa = ph->ranges[i].base, end = pa + ph->ranges[i].size;

		while (pa < end) {
			uint64_t next = chunk_base(pa) + PTK_CHUNK_SIZE;
			const uint8_t *host = chunk_for_read(ph, pa);
			int rc;

			if (next > end)
				next = end;
			if (host != ph->zero_chunk) {
				rc = fn(ctx, pa, host + (pa & (PTK_CHUNK_SIZE - 1)), next - pa);
				if (rc)
					return rc;
			}
			pa = next;
		}
	}
	return 0;
}
