/* SPDX-License-Identifier: MIT */
/*
 * The machine: the context object every call works on.  It carries the
 * simulated physical memory, the page-frame allocator, the descriptor format
 * and the CPU's control state.  Several machines coexist freely; the library
 * keeps no global mutable state.
 */
#ifndef PTKIT_MACHINE_H
#define PTKIT_MACHINE_H

#include <ptkit/arch.h>
#include <ptkit/error.h>
#include <ptkit/mm_model.h>
#include <ptkit/phys.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ptk_machine;

struct ptk_machine_config {
	const struct ptk_format *fmt;	/* copied: a built format may be on the stack */
	const struct ptk_phys_range *ram;
	size_t nr_ram;
	/* Reserved ranges (firmware, e820 holes, reserve=): inside RAM they
	 * are memory the frame allocator must not hand out, as
	 * memblock_reserve() makes it; outside RAM they only describe the
	 * layout.  Any order; they may not overlap each other. */
	const struct ptk_phys_range *reserved;
	size_t nr_reserved;
	/* Ranges memblock_reserve()d as given, RAM or not, as the kernel
	 * reserves x86's first MiB; they may overlap the reserved ranges and
	 * are memblock's only (not the layout, not saved in images). */
	const struct ptk_phys_range *memblock_reserved;
	size_t nr_memblock_reserved;
	unsigned pa_bits;	/* 0: the format's default */
};

/* The page-frame allocator the engine draws page-table pages from.  The
 * default is memblock (top-down, as the kernel's early page tables); the
 * buddy allocator replaces it through this same interface. */
struct ptk_frame_ops {
	int (*alloc)(void *ctx, unsigned order, uint64_t *pa);
	void (*free)(void *ctx, uint64_t pa, unsigned order);
};

int ptk_machine_create(struct ptk_machine **out, const struct ptk_machine_config *cfg,
		       struct ptk_error *err);
void ptk_machine_destroy(struct ptk_machine *m);

const struct ptk_format *ptk_machine_format(const struct ptk_machine *m);
struct ptk_phys *ptk_machine_phys(struct ptk_machine *m);
const struct ptk_phys *ptk_machine_phys_const(const struct ptk_machine *m);
/* The control state.  Change registers through this pointer before the next
 * translation; do not keep it across translations to change them later. */
struct ptk_cpu *ptk_machine_cpu(struct ptk_machine *m);
struct ptk_error *ptk_machine_error(struct ptk_machine *m);
const char *ptk_machine_errmsg(const struct ptk_machine *m);

void ptk_machine_set_frame_ops(struct ptk_machine *m, const struct ptk_frame_ops *ops,
			       void *ctx);
/* Page frames for the engine.  order 0 = one 4 KiB page. */
int ptk_alloc_frames(struct ptk_machine *m, unsigned order, uint64_t *pa);
void ptk_free_frames(struct ptk_machine *m, uint64_t pa, unsigned order);
uint64_t ptk_frames_in_use(const struct ptk_machine *m);

/* The default allocator's low-water mark: every RAM frame from the mark up
 * may be in use.  Images carry it so that a loaded machine allocates only below.
 * -EOPNOTSUPP when another allocator is installed. */
int ptk_machine_frames_mark(const struct ptk_machine *m, uint64_t *mark);
int ptk_machine_set_frames_mark(struct ptk_machine *m, uint64_t mark);
/* The reserved ranges of the configuration, sorted by base. */
size_t ptk_machine_nr_reserved(const struct ptk_machine *m);
struct ptk_phys_range ptk_machine_reserved_at(const struct ptk_machine *m, size_t i);
/* The boot allocator: memory = RAM, reserved = reservations inside RAM
 * and every frame the default allocator has handed out. */
struct ptk_memblock;
const struct ptk_memblock *ptk_machine_memblock(const struct ptk_machine *m);
/* Choose the memory model and build its struct page arrays from memblock
 * with the architecture's constants (ptk_mm_params_for); once, -EEXIST
 * after.  ptk_machine_mm() is NULL until then. */
int ptk_machine_init_memory_model(struct ptk_machine *m, enum ptk_mm_kind kind);
struct ptk_mm_model *ptk_machine_mm(struct ptk_machine *m);

/*
 * mem_init()'s memblock_free_all(): build the memory model if there is none
 * yet (the architecture's default: SPARSEMEM_VMEMMAP on x86-64 and arm64,
 * FLATMEM on arm32), create the zones and the buddy allocator over it
 * (ptk_buddy_create), and from then on take page-table pages from the
 * buddy allocator (GFP_PGTABLE_KERNEL, PG_table, NR_PAGETABLE).  Frames
 * the engine took from memblock before stay PG_reserved and go back with
 * free_reserved_page() when freed.  Once: -EEXIST after.
 */
int ptk_machine_memblock_free_all(struct ptk_machine *m);
/* The buddy allocator, NULL before ptk_machine_memblock_free_all(). */
struct ptk_buddy;
struct ptk_buddy *ptk_machine_buddy(struct ptk_machine *m);

/* Failure injection: make the n-th allocation from now fail (1 = the next
 * one); 0 disables.  Counts every call of ptk_alloc_frames. */
void ptk_machine_fail_nth_alloc(struct ptk_machine *m, uint64_t n);
uint64_t ptk_machine_alloc_calls(const struct ptk_machine *m);

#ifdef __cplusplus
}
#endif
#endif
