// SPDX-License-Identifier: MIT
/* The machine context: memory, allocator, format, control state, errors. */
#include <stdlib.h>

#include "phys/machine_priv.h"

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
	if (rc) {
		free(m);
		return rc;
	}
	m->fmt_copy = *f;
	m->fmt = f = &m->fmt_copy;
	f->ops->cpu_defaults(f, &m->cpu);
	m->cpu.pa_bits = pa_bits;
	m->fast_walk = f->ops->walk_plan && f->entry_shift == 3;
	m->walk_chunk = ~0ull;
	frame_bump_init(&m->bump, m->phys);
	m->frame_ops = &frame_bump_ops;
	m->frame_ctx = &m->bump;
	*out = m;
	return 0;
}

void ptk_machine_destroy(struct ptk_machine *m)
{
	if (!m)
		return;
	if (m->release_pgtables)
		m->release_pgtables(m);
	frame_bump_release(&m->bump);
	ptk_phys_destroy(m->phys);
	free(m);
}

const struct ptk_format *ptk_machine_format(const struct ptk_machine *m) { return m->fmt; }
struct ptk_phys *ptk_machine_phys(struct ptk_machine *m) { return m->phys; }
const struct ptk_phys *ptk_machine_phys_const(const struct ptk_machine *m) { return m->phys; }
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
	m->frame_ops = ops ? ops : &frame_bump_ops;
	m->frame_ctx = ops ? ctx : &m->bump;
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
	if (m->frame_ops != &frame_bump_ops)
		return -EOPNOTSUPP;
	*mark = frame_bump_mark(&m->bump);
	return 0;
}

int ptk_machine_set_frames_mark(struct ptk_machine *m, uint64_t mark)
{
	if (m->frame_ops != &frame_bump_ops)
		return -EOPNOTSUPP;
	frame_bump_set_mark(&m->bump, mark);
	return 0;
}

uint64_t ptk_frames_in_use(const struct ptk_machine *m) { return m->frames_in_use; }

void ptk_machine_fail_nth_alloc(struct ptk_machine *m, uint64_t n)
{
	m->fail_at = n ? m->alloc_calls + n : 0;
}

uint64_t ptk_machine_alloc_calls(const struct ptk_machine *m) { return m->alloc_calls; }
