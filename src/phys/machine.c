// SPDX-License-Identifier: MIT
/* The machine context: memory, allocator, format, control state, errors. */
#include <stdlib.h>
#include <string.h>

#include <ptkit/buddy.h>
#include <ptkit/mm_model.h>
#include "phys/machine_priv.h"

static int cmp_range_base(const void *a, const void *b)
{
	const struct ptk_phys_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Copy the reserved ranges, sorted; each must be non-empty, below the
 * physical width and apart from the others. */
static int copy_reserved(struct ptk_machine *m, const struct ptk_machine_config *cfg,
			 unsigned pa_bits, struct ptk_error *err)
{
	uint64_t limit = 1ull << pa_bits;
	struct ptk_phys_range *r;

	if (!cfg->nr_reserved)
		return 0;
	r = malloc(cfg->nr_reserved * sizeof(*r));
	if (!r)
		return ptk_err(err, -ENOMEM, "out of host memory");
	memcpy(r, cfg->reserved, cfg->nr_reserved * sizeof(*r));
	qsort(r, cfg->nr_reserved, sizeof(*r), cmp_range_base);
	for (size_t i = 0; i < cfg->nr_reserved; i++) {
		int rc = 0;

		if (!r[i].size || r[i].base >= limit || r[i].size > limit - r[i].base)
			rc = ptk_err(err, -ERANGE, "reserved range %#llx+%#llx is empty or beyond "
				     "the %u-bit physical space", (unsigned long long)r[i].base,
				     (unsigned long long)r[i].size, pa_bits);
		else if (i && r[i].base < r[i - 1].base + r[i - 1].size)
			rc = ptk_err(err, -EINVAL, "reserved ranges at %#llx and %#llx overlap",
				     (unsigned long long)r[i - 1].base,
				     (unsigned long long)r[i].base);
		if (rc) {
			free(r);
			return rc;
		}
	}
	m->reserved = r;
	m->nr_reserved = cfg->nr_reserved;
	return 0;
}

int ptk_machine_create(struct ptk_machine **out, const struct ptk_machine_config *cfg,
		       struct ptk_error *err)
{
	const struct ptk_format *f = cfg->fmt;
	unsigned pa_bits = cfg->pa_bits ? cfg->pa_bits : f->default_pa_bits;
	struct ptk_machine *m;
	int rc;

	if (pa_bits < f->min_pa_bits || pa_bits > f->max_pa_bits)
		return ptk_err(err, -EINVAL, "%s: physical address width %u outside %u..%u",
			       f->name, pa_bits, f->min_pa_bits, f->max_pa_bits);
	m = calloc(1, sizeof(*m));
	if (!m)
		return ptk_err(err, -ENOMEM, "out of host memory");
	rc = ptk_phys_create(&m->phys, pa_bits, cfg->ram, cfg->nr_ram, err);
	if (!rc && (rc = copy_reserved(m, cfg, pa_bits, err)))
		ptk_phys_destroy(m->phys);
	if (rc) {
		free(m);
		return rc;
	}
	m->fmt_copy = *f;
	m->fmt = f = &m->fmt_copy;
	f->ops->cpu_defaults(f, &m->cpu);
	m->cpu.pa_bits = pa_bits;
	m->fast_walk = f->ops->walk_plan && (f->entry_shift == 3 || f->entry_shift == 2);
	m->walk.chunk = ~0ull;
	rc = frame_memblock_init(&m->boot, m->phys, m->reserved, m->nr_reserved,
				 cfg->memblock_reserved, cfg->nr_memblock_reserved, err);
	if (rc) {
		ptk_phys_destroy(m->phys);
		free(m->reserved);
		free(m);
		return rc;
	}
	m->frame_ops = &frame_memblock_ops;
	m->frame_ctx = &m->boot;
	*out = m;
	return 0;
}

void ptk_machine_destroy(struct ptk_machine *m)
{
	if (!m)
		return;
	if (m->release_pgtables)
		m->release_pgtables(m);
	ptk_buddy_destroy(m->buddy);
	ptk_mm_destroy(m->mm);
	frame_memblock_release(&m->boot);
	ptk_phys_destroy(m->phys);
	free(m->reserved);
	free(m);
}

const struct ptk_format *ptk_machine_format(const struct ptk_machine *m) { return m->fmt; }
struct ptk_phys *ptk_machine_phys(struct ptk_machine *m) { return m->phys; }
const struct ptk_phys *ptk_machine_phys_const(const struct ptk_machine *m) { return m->phys; }
size_t ptk_machine_nr_reserved(const struct ptk_machine *m) { return m->nr_reserved; }

struct ptk_phys_range ptk_machine_reserved_at(const struct ptk_machine *m, size_t i)
{
	return i < m->nr_reserved ? m->reserved[i] : (struct ptk_phys_range){ 0, 0 };
}
/* The caller may change registers through the pointer: the walker's plan
 * is remade at the next translation. */
struct ptk_cpu *ptk_machine_cpu(struct ptk_machine *m)
{
	m->plan_valid = false;
	return &m->cpu;
}
struct ptk_error *ptk_machine_error(struct ptk_machine *m) { return &m->err; }
const char *ptk_machine_errmsg(const struct ptk_machine *m) { return m->err.msg; }

void ptk_machine_set_frame_ops(struct ptk_machine *m, const struct ptk_frame_ops *ops,
			       void *ctx)
{
	m->frame_ops = ops ? ops : &frame_memblock_ops;
	m->frame_ctx = ops ? ctx : &m->boot;
}

int ptk_alloc_frames(struct ptk_machine *m, unsigned order, uint64_t *pa)
{
	int rc;

	if (++m->alloc_calls == m->fail_at)
		return ptk_err(&m->err, -ENOMEM, "out of memory (injected failure #%llu)",
			       (unsigned long long)m->alloc_calls);
	rc = m->frame_ops->alloc(m->frame_ctx, order, pa);
	if (rc)
		return ptk_err(&m->err, rc, "out of memory: no free order-%u frame", order);
	m->frames_in_use += 1ull << order;
	return 0;
}

void ptk_free_frames(struct ptk_machine *m, uint64_t pa, unsigned order)
{
	m->frame_ops->free(m->frame_ctx, pa, order);
	m->frames_in_use -= 1ull << order;
}

int ptk_machine_frames_mark(const struct ptk_machine *m, uint64_t *mark)
{
	if (m->frame_ops != &frame_memblock_ops)
		return -EOPNOTSUPP;
	*mark = frame_memblock_mark(&m->boot);
	return 0;
}

int ptk_machine_set_frames_mark(struct ptk_machine *m, uint64_t mark)
{
	if (m->frame_ops != &frame_memblock_ops)
		return -EOPNOTSUPP;
	return frame_memblock_set_mark(&m->boot, mark);
}

uint64_t ptk_frames_in_use(const struct ptk_machine *m) { return m->frames_in_use; }

const struct ptk_memblock *ptk_machine_memblock(const struct ptk_machine *m)
{
	return m->boot.mb;
}

/* The struct page arrays come from memblock, as sparse_init() and
 * alloc_node_mem_map() take them at boot: once per machine. */
int ptk_machine_init_memory_model(struct ptk_machine *m, enum ptk_mm_kind kind)
{
	struct ptk_mm_params p;
	int rc;

	if (m->mm)
		return ptk_err(&m->err, -EEXIST, "the machine already has a memory model");
	rc = ptk_mm_params_for(&p, kind, m->fmt, ptk_phys_pa_bits(m->phys),
			       ptk_memblock_start_of_DRAM(m->boot.mb), &m->err);
	return rc ? rc : ptk_mm_create(&m->mm, &p, m->boot.mb, m->phys, &m->err);
}

struct ptk_mm_model *ptk_machine_mm(struct ptk_machine *m) { return m->mm; }

void ptk_machine_fail_nth_alloc(struct ptk_machine *m, uint64_t n)
{
	m->fail_at = n ? m->alloc_calls + n : 0;
}

uint64_t ptk_machine_alloc_calls(const struct ptk_machine *m) { return m->alloc_calls; }
