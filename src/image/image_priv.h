/* SPDX-License-Identifier: MIT */
/*
 * The image layer's internals, shared by its files.  See
 * docs/image-format.md for the on-disk layout these constants describe.
 */
#ifndef PTK_IMAGE_PRIV_H
#define PTK_IMAGE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ptkit/image.h>
#include "pgtable/pgtable_priv.h"

/* The note that describes the machine: owner "PTKIT", type 'PTK1'. */
#define IMAGE_NOTE_NAME     "PTKIT"
#define IMAGE_NOTE_TYPE     0x50544b31u		/* "PTK1" read as a big-endian word */
#define IMAGE_NOTE_VERSION  1
#define IMAGE_NOTE_ALIGN    4			/* ELF64 core notes: 4-byte fields */
/* Bound on the note a loader accepts (and a saver writes), so that a
 * hostile p_filesz cannot ask for a huge allocation. */
#define IMAGE_NOTE_MAX      (1u << 20)
#define IMAGE_LINE_MAX      256			/* one key=value line of the note */

/* RAM ranges an image may hold.  Each costs the loader a 4 KiB directory
 * leaf or more, so a hostile file must not declare tens of thousands;
 * real firmware memory maps have tens of ranges. */
#define IMAGE_MAX_RANGES    1024u

/* Host I/O granule: one simulated-RAM chunk. */
#define IMAGE_IO_CHUNK      (2u << 20)

#define IMAGE_NR_REGS       (sizeof(((struct ptk_cpu *)0)->reg) / sizeof(uint64_t))
#define IMAGE_NAME_MAX      (sizeof(((struct ptk_pgtable *)0)->name))	/* with NUL */
#define IMAGE_MAX_FIELDS    16

/* --- architectures: e_machine and names of the control registers ------ */

/* One named member of struct ptk_cpu's union, for the note's cpu.NAME keys. */
struct image_cpu_field {
	const char *name;
	size_t offset;		/* in the union, bytes */
	unsigned size;		/* 1, 4 or 8 */
	bool is_bool;		/* only 0 and 1 are valid bytes */
};

struct image_arch {
	const char *arch;	/* ptk_format.arch */
	uint16_t e_machine;
	const struct image_cpu_field *fields;
	size_t nr_fields;
};

const struct image_arch *image_arch_by_name(const char *arch);
const struct image_arch *image_arch_by_machine(unsigned e_machine);

/* A named member's value, zero-extended. */
uint64_t image_cpu_field_get(const struct ptk_cpu *cpu, const struct image_cpu_field *f);
/* The union's words with padding and unnamed bytes cleared for arches whose
 * members are all named, so the file never carries stray host bytes. */
void image_cpu_regs(const struct ptk_cpu *cpu, const struct image_arch *a,
		    uint64_t reg[IMAGE_NR_REGS]);

/* --- the note's text ------------------------------------------------- */

struct image_table {
	char name[IMAGE_NAME_MAX];
	uint64_t root[PTK_MAX_ROOTS];
	unsigned nroots;
};

/* What a PTKIT note says, before anything is applied to a machine. */
struct image_note {
	const struct ptk_format *fmt;	/* = &fmt_storage once format= is read */
	struct ptk_format fmt_storage;
	unsigned pa_bits;
	unsigned cpu_pa_bits;		/* 0: not given */
	uint64_t frames_mark;
	bool have_frames_mark;
	uint64_t reg[IMAGE_NR_REGS];
	uint32_t have_reg;		/* bit i: cpu.reg<i> given */
	uint64_t field[IMAGE_MAX_FIELDS];
	uint32_t have_field;		/* bit i: the arch's field i given */
	struct image_table *tables;
	size_t nr_tables;
};

/* Render the note's descriptor for a machine (malloc'd, not NUL-counted). */
int image_note_build(struct ptk_machine *m, char **text, size_t *len);
/* Parse a descriptor.  where/desc_off only shape the error messages. */
int image_note_parse(const char *text, size_t len, struct image_note *n,
		     const char *where, uint64_t desc_off, struct ptk_error *err);
void image_note_free(struct image_note *n);
/* Write the note's control state into cpu (already holding the defaults). */
int image_note_apply_cpu(const struct image_note *n, struct ptk_cpu *cpu,
			 const char *where, struct ptk_error *err);

/* --- writing RAM ------------------------------------------------------ */

/* Write every RAM range back to back from file offset start, in address
 * order, leaving never-written and all-zero pages as holes; then size the
 * file to start + total RAM. */
int image_write_ram(int fd, const struct ptk_phys *ph, uint64_t start,
		    const char *path, struct ptk_error *err);
int image_save_elf(struct ptk_machine *m, int fd, const char *path);
int image_save_raw(struct ptk_machine *m, int fd, const char *path);
/* pwrite all of it, retrying short writes. */
int image_pwrite(int fd, const void *buf, size_t len, uint64_t off, const char *path,
		 struct ptk_error *err);

/* --- reading ---------------------------------------------------------- */

/* Where an image's bytes come from: a file (fd) or a buffer (the fuzzer). */
struct image_src {
	const char *name;	/* for messages */
	int fd;			/* -1 for a buffer */
	const uint8_t *mem;
	uint64_t size;
};

int image_src_read(const struct image_src *s, uint64_t off, void *buf, size_t len,
		   struct ptk_error *err);
/* The next region of [off, end) that may hold data (holes skipped where the
 * file system says so).  Returns 1 with [*dstart, *dend), 0 if none. */
int image_src_next_data(const struct image_src *s, uint64_t off, uint64_t end,
			uint64_t *dstart, uint64_t *dend);

/* One PT_LOAD, validated. */
struct image_load {
	unsigned phdr;		/* index in the program header table */
	uint64_t offset, paddr, size;
};

/* The program headers of an image, validated against the file. */
struct image_layout {
	unsigned e_machine;
	uint64_t phoff, phnum;
	uint64_t note_off, note_size;
	struct image_load *loads;
	size_t nr_loads;
};

struct Elf;
int image_elf_layout(struct Elf *e, const struct image_src *s, struct image_layout *l,
		     struct ptk_error *err);
/* The PTKIT note's descriptor, parsed. */
int image_elf_note(struct Elf *e, const struct image_src *s, const struct image_layout *l,
		   struct image_note *n, struct ptk_error *err);
/* Checks that need the note: physical width, overlaps, the machine's arch. */
int image_check_layout(const struct image_src *s, const struct image_layout *l,
		       const struct image_note *n, struct ptk_error *err);
void image_layout_free(struct image_layout *l);

/* Copy every PT_LOAD into the machine, skipping holes and zero pages. */
int image_read_ram(const struct image_src *s, const struct image_layout *l,
		   struct ptk_machine *m, struct ptk_error *err);

/* The loader proper, on any source; ptk_image_load opens a file for it. */
int image_load_src(const struct image_src *s, struct ptk_machine **out,
		   struct ptk_error *err);
/* Load from a buffer: the fuzzer's entry point. */
int image_load_mem(const void *buf, size_t len, struct ptk_machine **out,
		   struct ptk_error *err);

/* --- helpers ---------------------------------------------------------- */

static inline bool image_page_is_zero(const uint8_t *p)
{
	/* Byte 0 is zero and every byte equals the next: all zero. */
	return !p[0] && !memcmp(p, p + 1, PTK_PAGE_SIZE - 1);
}

static inline uint64_t image_round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

#endif
