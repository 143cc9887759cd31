// SPDX-License-Identifier: MIT
/*
 * memblock after Linux 6.1 mm/memblock.c; see include/ptkit/memblock.h.
 *
 * Each region type is a sorted array of disjoint regions grown with
 * realloc.  Every change first makes room for the worst case and only then
 * edits the array, so an allocation failure leaves the memblock as it was
 * (the kernel doubles its arrays mid-operation instead).
 */
#include <stdlib.h>
#include <string.h>

#include <ptkit/error.h>
#include <ptkit/memblock.h>
#include <ptkit/phys.h>

#define MB_PHYS_ADDR_MAX	UINT64_MAX
#define MB_INIT_REGIONS		8	/* first array size; doubled after */

struct mb_type {
	struct ptk_memblock_region *regions;
	size_t cnt, max;
	uint64_t total_size;
	const char *name;
};

struct ptk_memblock {
	struct mb_type memory, reserved;
	uint64_t current_limit;
	bool bottom_up;
	unsigned int fail_nth;	/* see ptk_memblock_fail_nth_alloc() */
	struct ptk_error err;
};

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return min_u64(max_u64(v, lo), hi);
}

static uint64_t region_end(const struct ptk_memblock_region *r)
{
	return r->base + r->size;
}

/* memblock_cap_size(): keep base + size from wrapping. */
static uint64_t cap_size(uint64_t base, uint64_t size)
{
	return min_u64(size, MB_PHYS_ADDR_MAX - base);
}

static const struct mb_type *type_of(const struct ptk_memblock *mb,
				     enum ptk_memblock_type type)
{
	return type == PTK_MEMBLOCK_RESERVED ? &mb->reserved : &mb->memory;
}

int ptk_memblock_create(struct ptk_memblock **out, struct ptk_error *err)
{
	struct ptk_memblock *mb = calloc(1, sizeof(*mb));

	if (!mb)
		return ptk_err(err, -ENOMEM, "out of host memory for a memblock");
	mb->memory.name = "memory";
	mb->reserved.name = "reserved";
	mb->current_limit = PTK_MEMBLOCK_ALLOC_ANYWHERE;
	*out = mb;
	return 0;
}

void ptk_memblock_destroy(struct ptk_memblock *mb)
{
	if (!mb)
		return;
	free(mb->memory.regions);
	free(mb->reserved.regions);
	free(mb);
}

struct ptk_error *ptk_memblock_error(struct ptk_memblock *mb)
{
	return &mb->err;
}

void ptk_memblock_fail_nth_alloc(struct ptk_memblock *mb, unsigned int n)
{
	mb->fail_nth = n;
}

/* The injected failure fires once, on the allocation it was armed for. */
static bool injected_alloc_failure(struct ptk_memblock *mb)
{
	return mb->fail_nth && --mb->fail_nth == 0;
}

/* memblock_double_array(), done up front: room for need regions. */
static int reserve_slots(struct ptk_memblock *mb, struct mb_type *type, size_t need)
{
	struct ptk_memblock_region *grown;
	size_t max;

	if (need <= type->max)
		return 0;
	max = type->max ? type->max : MB_INIT_REGIONS;
	while (max < need)
		max *= 2;
	grown = injected_alloc_failure(mb) ? NULL
					   : realloc(type->regions, max * sizeof(*grown));
	if (!grown)
		return ptk_err(&mb->err, -ENOMEM,
			       "out of host memory growing memblock.%s to %zu regions",
			       type->name, max);
	type->regions = grown;
	type->max = max;
	return 0;
}

/* memblock_insert_region(): the caller has made room. */
static void insert_region(struct mb_type *type, size_t idx, uint64_t base, uint64_t size,
			  int nid, unsigned int flags)
{
	struct ptk_memblock_region *rgn = &type->regions[idx];

	memmove(rgn + 1, rgn, (type->cnt - idx) * sizeof(*rgn));
	*rgn = (struct ptk_memblock_region){ .base = base, .size = size,
					     .flags = flags, .nid = nid };
	type->cnt++;
	type->total_size += size;
}

/* memblock_remove_region() */
static void remove_region(struct mb_type *type, size_t idx)
{
	struct ptk_memblock_region *rgn = &type->regions[idx];

	type->total_size -= rgn->size;
	memmove(rgn, rgn + 1, (type->cnt - idx - 1) * sizeof(*rgn));
	type->cnt--;
}

static bool regions_mergeable(const struct ptk_memblock_region *this,
			      const struct ptk_memblock_region *next)
{
	return region_end(this) == next->base && this->nid == next->nid &&
	       this->flags == next->flags;
}

/* memblock_merge_regions(): join neighbours that abut with equal nid/flags. */
static void merge_regions(struct mb_type *type)
{
	size_t i = 0;

	while (i + 1 < type->cnt) {
		struct ptk_memblock_region *this = &type->regions[i];
		struct ptk_memblock_region *next = this + 1;

		if (!regions_mergeable(this, next)) {
			i++;
			continue;
		}
		this->size += next->size;
		memmove(next, next + 1, (type->cnt - i - 2) * sizeof(*next));
		type->cnt--;
	}
}

/* Where a walk over [base, ...) starts: the first region ending above base. */
static size_t first_region_above(const struct mb_type *type, uint64_t base)
{
	size_t idx = 0;

	while (idx < type->cnt && region_end(&type->regions[idx]) <= base)
		idx++;
	return idx;
}

/*
 * The two passes of memblock_add_range(): walk the parts of [base, end) not
 * yet covered and count them, or (insert) put them in.  Regions already
 * there keep their nid and flags.
 */
static size_t add_uncovered(struct mb_type *type, uint64_t base, uint64_t end,
			    int nid, unsigned int flags, bool insert)
{
	size_t nr_new = 0, idx;

	for (idx = first_region_above(type, base); idx < type->cnt; idx++) {
		const struct ptk_memblock_region *rgn = &type->regions[idx];
		uint64_t rbase = rgn->base, rend = region_end(rgn);

		if (rbase >= end)
			break;
		if (rbase > base) {
			nr_new++;
			if (insert)
				insert_region(type, idx++, base, rbase - base, nid, flags);
		}
		base = min_u64(rend, end);
	}
	if (base < end) {
		nr_new++;
		if (insert)
			insert_region(type, idx, base, end - base, nid, flags);
	}
	return nr_new;
}

/* memblock_add_range() */
static int add_range(struct ptk_memblock *mb, struct mb_type *type, uint64_t base,
		     uint64_t size, int nid, unsigned int flags)
{
	uint64_t end = base + cap_size(base, size);
	size_t nr_new;
	int rc;

	if (end == base)
		return 0;
	nr_new = add_uncovered(type, base, end, nid, flags, false);
	if (!nr_new)
		return 0;
	rc = reserve_slots(mb, type, type->cnt + nr_new);
	if (rc)
		return rc;
	add_uncovered(type, base, end, nid, flags, true);
	merge_regions(type);
	return 0;
}

/* Cut [rbase, cut) off the front of rgn and insert it as its own region. */
static void split_region_at(struct mb_type *type, size_t idx, uint64_t cut)
{
	struct ptk_memblock_region *rgn = &type->regions[idx];
	uint64_t rbase = rgn->base;

	rgn->base = cut;
	rgn->size -= cut - rbase;
	type->total_size -= cut - rbase;
	insert_region(type, idx, rbase, cut - rbase, rgn->nid, rgn->flags);
}

/*
 * memblock_isolate_range(): split regions so that [base, base + size) is
 * covered by whole regions, and return them as [*start_rgn, *end_rgn).
 */
static int isolate_range(struct ptk_memblock *mb, struct mb_type *type, uint64_t base,
			 uint64_t size, size_t *start_rgn, size_t *end_rgn)
{
	uint64_t end = base + cap_size(base, size);
	int rc;

	*start_rgn = *end_rgn = 0;
	if (end == base)
		return 0;
	/* At most two regions are split, each adding one. */
	rc = reserve_slots(mb, type, type->cnt + 2);
	if (rc)
		return rc;
	for (size_t idx = first_region_above(type, base); idx < type->cnt; idx++) {
		const struct ptk_memblock_region *rgn = &type->regions[idx];
		uint64_t rbase = rgn->base, rend = region_end(rgn);

		if (rbase >= end)
			break;
		if (rbase < base) {
			/* The rest, [base, rend), is looked at next. */
			split_region_at(type, idx, base);
		} else if (rend > end) {
			/* Look at the front part, [rbase, end), again. */
			split_region_at(type, idx--, end);
		} else {
			if (*end_rgn == 0)
				*start_rgn = idx;
			*end_rgn = idx + 1;
		}
	}
	return 0;
}

/* memblock_remove_range() */
static int remove_range(struct ptk_memblock *mb, struct mb_type *type, uint64_t base,
			uint64_t size)
{
	size_t start_rgn, end_rgn;
	int rc = isolate_range(mb, type, base, size, &start_rgn, &end_rgn);

	if (rc)
		return rc;
	for (size_t i = end_rgn; i-- > start_rgn;)
		remove_region(type, i);
	return 0;
}

/* memblock_setclr_flag() on memory */
static int setclr_flag(struct ptk_memblock *mb, uint64_t base, uint64_t size, bool set,
		       unsigned int flag)
{
	struct mb_type *type = &mb->memory;
	size_t start_rgn, end_rgn;
	int rc = isolate_range(mb, type, base, size, &start_rgn, &end_rgn);

	if (rc)
		return rc;
	for (size_t i = start_rgn; i < end_rgn; i++) {
		if (set)
			type->regions[i].flags |= flag;
		else
			type->regions[i].flags &= ~flag;
	}
	merge_regions(type);
	return 0;
}

int ptk_memblock_add_node(struct ptk_memblock *mb, uint64_t base, uint64_t size, int nid,
			  unsigned int flags)
{
	return add_range(mb, &mb->memory, base, size, nid, flags);
}

int ptk_memblock_add(struct ptk_memblock *mb, uint64_t base, uint64_t size)
{
	return ptk_memblock_add_node(mb, base, size, PTK_MEMBLOCK_NO_NODE, PTK_MEMBLOCK_NONE);
}

int ptk_memblock_remove(struct ptk_memblock *mb, uint64_t base, uint64_t size)
{
	return remove_range(mb, &mb->memory, base, size);
}

int ptk_memblock_reserve(struct ptk_memblock *mb, uint64_t base, uint64_t size)
{
	return add_range(mb, &mb->reserved, base, size, PTK_MEMBLOCK_NO_NODE,
			 PTK_MEMBLOCK_NONE);
}

int ptk_memblock_free(struct ptk_memblock *mb, uint64_t base, uint64_t size)
{
	return remove_range(mb, &mb->reserved, base, size);
}

int ptk_memblock_mark_nomap(struct ptk_memblock *mb, uint64_t base, uint64_t size)
{
	return setclr_flag(mb, base, size, true, PTK_MEMBLOCK_NOMAP);
}

int ptk_memblock_clear_nomap(struct ptk_memblock *mb, uint64_t base, uint64_t size)
{
	return setclr_flag(mb, base, size, false, PTK_MEMBLOCK_NOMAP);
}

void ptk_memblock_set_bottom_up(struct ptk_memblock *mb, bool enable)
{
	mb->bottom_up = enable;
}

bool ptk_memblock_bottom_up(const struct ptk_memblock *mb)
{
	return mb->bottom_up;
}

void ptk_memblock_set_current_limit(struct ptk_memblock *mb, uint64_t limit)
{
	mb->current_limit = limit;
}

uint64_t ptk_memblock_get_current_limit(const struct ptk_memblock *mb)
{
	return mb->current_limit;
}

/*
 * should_skip_region() for a MEMBLOCK_NONE request: memory outside the
 * direct map or managed by a driver is never free for memblock.
 */
static bool skip_free_region(const struct ptk_memblock_region *m)
{
	return m->flags & (PTK_MEMBLOCK_NOMAP | PTK_MEMBLOCK_DRIVER_MANAGED);
}

/* Gap idx of reserved lies between reserved region idx - 1 and idx. */
static uint64_t gap_start(const struct mb_type *rsv, long idx)
{
	return idx ? region_end(&rsv->regions[idx - 1]) : 0;
}

static uint64_t gap_end(const struct mb_type *rsv, long idx)
{
	return idx < (long)rsv->cnt ? rsv->regions[idx].base : MB_PHYS_ADDR_MAX;
}

void ptk_memblock_free_iter_init(struct ptk_memblock_iter *it,
				 const struct ptk_memblock *mb, bool reverse)
{
	*it = (struct ptk_memblock_iter){ .mb = mb, .reverse = reverse };
	if (reverse) {
		it->idx_a = (long)mb->memory.cnt - 1;
		it->idx_b = (long)mb->reserved.cnt;
	}
}

/* __next_mem_range(): memory regions intersected with the reserved gaps. */
static bool next_free_range(struct ptk_memblock_iter *it, uint64_t *out_start,
			    uint64_t *out_end)
{
	const struct mb_type *mem = &it->mb->memory, *rsv = &it->mb->reserved;

	for (; it->idx_a < (long)mem->cnt; it->idx_a++) {
		const struct ptk_memblock_region *m = &mem->regions[it->idx_a];
		uint64_t m_start = m->base, m_end = region_end(m);

		if (skip_free_region(m))
			continue;
		for (; it->idx_b <= (long)rsv->cnt; it->idx_b++) {
			uint64_t r_start = gap_start(rsv, it->idx_b);
			uint64_t r_end = gap_end(rsv, it->idx_b);

			if (r_start >= m_end)
				break;
			if (r_start >= r_end || m_start >= r_end)
				continue;
			*out_start = max_u64(m_start, r_start);
			*out_end = min_u64(m_end, r_end);
			/* Advance whichever ends first; the other may go on. */
			if (m_end <= r_end)
				it->idx_a++;
			else
				it->idx_b++;
			return true;
		}
	}
	return false;
}

/* __next_mem_range_rev() */
static bool prev_free_range(struct ptk_memblock_iter *it, uint64_t *out_start,
			    uint64_t *out_end)
{
	const struct mb_type *mem = &it->mb->memory, *rsv = &it->mb->reserved;

	for (; it->idx_a >= 0; it->idx_a--) {
		const struct ptk_memblock_region *m = &mem->regions[it->idx_a];
		uint64_t m_start = m->base, m_end = region_end(m);

		if (skip_free_region(m))
			continue;
		for (; it->idx_b >= 0; it->idx_b--) {
			uint64_t r_start = gap_start(rsv, it->idx_b);
			uint64_t r_end = gap_end(rsv, it->idx_b);

			if (r_end <= m_start)
				break;
			if (r_start >= r_end || m_end <= r_start)
				continue;
			*out_start = max_u64(m_start, r_start);
			*out_end = min_u64(m_end, r_end);
			if (m_start >= r_start)
				it->idx_a--;
			else
				it->idx_b--;
			return true;
		}
	}
	return false;
}

bool ptk_memblock_free_iter_next(struct ptk_memblock_iter *it, uint64_t *start,
				 uint64_t *end)
{
	return it->reverse ? prev_free_range(it, start, end)
			   : next_free_range(it, start, end);
}

int ptk_memblock_for_each_free_range(const struct ptk_memblock *mb, bool reverse,
				     ptk_memblock_range_fn fn, void *ctx)
{
	struct ptk_memblock_iter it;
	uint64_t start, end;
	int rc;

	ptk_memblock_free_iter_init(&it, mb, reverse);
	while (ptk_memblock_free_iter_next(&it, &start, &end)) {
		rc = fn(ctx, start, end);
		if (rc)
			return rc;
	}
	return 0;
}

static uint64_t round_down(uint64_t v, uint64_t align)
{
	return v & ~(align - 1);
}

/* __memblock_find_range_top_down(): the highest fit in one free range. */
static uint64_t fit_top_down(uint64_t this_start, uint64_t this_end, uint64_t size,
			     uint64_t align)
{
	uint64_t cand;

	if (this_end < size)
		return 0;
	cand = round_down(this_end - size, align);
	return cand >= this_start ? cand : 0;
}

/* __memblock_find_range_bottom_up(): the lowest fit in one free range. */
static uint64_t fit_bottom_up(uint64_t this_start, uint64_t this_end, uint64_t size,
			      uint64_t align)
{
	uint64_t cand;

	/* round_up() would wrap past the top of the address space. */
	if (this_start > MB_PHYS_ADDR_MAX - (align - 1))
		return 0;
	cand = round_down(this_start + align - 1, align);
	return cand < this_end && this_end - cand >= size ? cand : 0;
}

/*
 * memblock_find_in_range_node(); 0 means nothing fits.  Free ranges are
 * walked from the end the search starts at, so the first fit is the answer.
 */
static uint64_t find_in_range(const struct ptk_memblock *mb, uint64_t size, uint64_t align,
			      uint64_t start, uint64_t end)
{
	struct ptk_memblock_iter it;
	uint64_t this_start, this_end, cand;

	if (end == PTK_MEMBLOCK_ALLOC_ACCESSIBLE)
		end = mb->current_limit;
	/* Avoid the first page, so that 0 can mean failure. */
	start = max_u64(start, PTK_PAGE_SIZE);
	end = max_u64(start, end);
	ptk_memblock_free_iter_init(&it, mb, !mb->bottom_up);
	while (ptk_memblock_free_iter_next(&it, &this_start, &this_end)) {
		this_start = clamp_u64(this_start, start, end);
		this_end = clamp_u64(this_end, start, end);
		cand = mb->bottom_up ? fit_bottom_up(this_start, this_end, size, align)
				     : fit_top_down(this_start, this_end, size, align);
		if (cand)
			return cand;
	}
	return 0;
}

static bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* memblock_phys_alloc_range() -> memblock_alloc_range_nid() */
int ptk_memblock_phys_alloc_range(struct ptk_memblock *mb, uint64_t size, uint64_t align,
				  uint64_t start, uint64_t end, uint64_t *pa)
{
	uint64_t found;
	int rc;

	if (!size)
		return ptk_err(&mb->err, -EINVAL, "memblock allocation of zero bytes");
	if (!is_power_of_2(align))
		return ptk_err(&mb->err, -EINVAL,
			       "memblock alignment %#llx is not a power of two",
			       (unsigned long long)align);
	found = find_in_range(mb, size, align, start, end);
	if (!found)
		return ptk_err(&mb->err, -ENOMEM,
			       "no free %#llx bytes aligned to %#llx in [%#llx, %#llx)",
			       (unsigned long long)size, (unsigned long long)align,
			       (unsigned long long)start, (unsigned long long)end);
	rc = ptk_memblock_reserve(mb, found, size);
	if (rc)
		return rc;
	*pa = found;
	return 0;
}

int ptk_memblock_phys_alloc(struct ptk_memblock *mb, uint64_t size, uint64_t align,
			    uint64_t *pa)
{
	return ptk_memblock_phys_alloc_range(mb, size, align, 0,
					     PTK_MEMBLOCK_ALLOC_ACCESSIBLE, pa);
}

static uint64_t pfn_up(uint64_t addr)
{
	return (addr >> PTK_PAGE_SHIFT) + !!(addr & (PTK_PAGE_SIZE - 1));
}

static uint64_t pfn_down(uint64_t addr)
{
	return addr >> PTK_PAGE_SHIFT;
}

/* The largest order a block starting at pfn may have: its alignment. */
static unsigned int max_order_at(uint64_t pfn)
{
	unsigned int top = PTK_MEMBLOCK_MAX_ORDER - 1;

	/* __ffs(0) is undefined; pfn 0 is aligned to every order. */
	if (!pfn)
		return top;
	return min_u64(top, (unsigned int)__builtin_ctzll(pfn));
}

/* __free_pages_memory(): naturally aligned blocks covering [start, end). */
static uint64_t free_pages_memory(uint64_t start, uint64_t end,
				  ptk_memblock_pages_fn cb, void *ctx)
{
	uint64_t count = 0;

	while (start < end) {
		unsigned int order = max_order_at(start);

		while (start + (1ull << order) > end)
			order--;
		cb(ctx, start, order);
		start += 1ull << order;
		count += 1ull << order;
	}
	return count;
}

/* memblock_free_all() -> free_low_memory_core_early() -> __free_memory_core() */
uint64_t ptk_memblock_free_all(const struct ptk_memblock *mb, ptk_memblock_pages_fn cb,
			       void *ctx)
{
	struct ptk_memblock_iter it;
	uint64_t start, end, count = 0;

	ptk_memblock_free_iter_init(&it, mb, false);
	while (ptk_memblock_free_iter_next(&it, &start, &end))
		count += free_pages_memory(pfn_up(start), pfn_down(end), cb, ctx);
	return count;
}

uint64_t ptk_memblock_phys_mem_size(const struct ptk_memblock *mb)
{
	return mb->memory.total_size;
}

uint64_t ptk_memblock_reserved_size(const struct ptk_memblock *mb)
{
	return mb->reserved.total_size;
}

uint64_t ptk_memblock_start_of_DRAM(const struct ptk_memblock *mb)
{
	return mb->memory.cnt ? mb->memory.regions[0].base : 0;
}

uint64_t ptk_memblock_end_of_DRAM(const struct ptk_memblock *mb)
{
	const struct mb_type *mem = &mb->memory;

	return mem->cnt ? region_end(&mem->regions[mem->cnt - 1]) : 0;
}

size_t ptk_memblock_count(const struct ptk_memblock *mb, enum ptk_memblock_type type)
{
	return type_of(mb, type)->cnt;
}

struct ptk_memblock_region ptk_memblock_region_at(const struct ptk_memblock *mb,
						  enum ptk_memblock_type type, size_t i)
{
	return type_of(mb, type)->regions[i];
}

/*
 * memblock_dump().  The kernel's %pa is "0x" and 16 zero-padded digits, and
 * its %#x prints 0 as "0x0" (glibc prints "0"), hence the spelled-out 0x.
 */
static void dump_type(const struct mb_type *type, FILE *out)
{
	fprintf(out, " %s.cnt  = 0x%zx\n", type->name, type->cnt);
	for (size_t idx = 0; idx < type->cnt; idx++) {
		const struct ptk_memblock_region *rgn = &type->regions[idx];
		char nid_buf[32] = "";

		if (rgn->nid != PTK_MEMBLOCK_NO_NODE)
			snprintf(nid_buf, sizeof(nid_buf), " on node %d", rgn->nid);
		fprintf(out, " %s[0x%zx]\t[0x%016llx-0x%016llx], 0x%016llx bytes%s flags: 0x%x\n",
			type->name, idx, (unsigned long long)rgn->base,
			(unsigned long long)(region_end(rgn) - 1),
			(unsigned long long)rgn->size, nid_buf, rgn->flags);
	}
}

/* __memblock_dump_all() */
void ptk_memblock_dump(const struct ptk_memblock *mb, FILE *out)
{
	fprintf(out, "MEMBLOCK configuration:\n");
	fprintf(out, " memory size = 0x%016llx reserved size = 0x%016llx\n",
		(unsigned long long)mb->memory.total_size,
		(unsigned long long)mb->reserved.total_size);
	dump_type(&mb->memory, out);
	dump_type(&mb->reserved, out);
}
