// SPDX-License-Identifier: MIT
/*
 * ELF core images, laid out as QEMU's dump-guest-memory lays out a dump
 * taken without paging: ELF header, program headers (one PT_NOTE, then one
 * PT_LOAD per RAM range at its physical address), the notes, then RAM.
 * Unlike QEMU, RAM starts on a page boundary of the file, so that holes
 * line up with pages and every PT_LOAD can say p_align = 4 KiB.
 *
 * The headers go through libelf (ELF_F_LAYOUT: we place everything); the
 * note and RAM are written around it with pwrite, since libelf would want
 * the whole image in memory to write it as section data.
 */
#include <gelf.h>
#include <stdlib.h>

#include "image/image_priv.h"

/* Where everything goes in the file. */
struct elf_plan {
	const struct image_arch *arch;
	size_t nr_ranges;
	uint64_t phoff, note_off, note_size, ram_off;
};

static size_t note_name_size(void)
{
	return image_round_up(sizeof(IMAGE_NOTE_NAME), IMAGE_NOTE_ALIGN);
}

static size_t note_bytes(size_t desc_len)
{
	return 3 * sizeof(uint32_t) + note_name_size() +
	       image_round_up(desc_len, IMAGE_NOTE_ALIGN);
}

static int plan(struct ptk_machine *m, size_t desc_len, struct elf_plan *p)
{
	const struct ptk_format *f = ptk_machine_format(m);

	p->arch = image_arch_by_name(f->arch);
	if (!p->arch)
		return ptk_err(ptk_machine_error(m), -ENOTSUP,
			       "no ELF machine number is known for architecture '%s'", f->arch);
	p->nr_ranges = ptk_phys_nr_ranges(ptk_machine_phys(m));
	if (p->nr_ranges > IMAGE_MAX_RANGES)
		return ptk_err(ptk_machine_error(m), -E2BIG,
			       "%zu RAM ranges; an image holds at most %u", p->nr_ranges,
			       IMAGE_MAX_RANGES);
	p->phoff = sizeof(Elf64_Ehdr);
	p->note_off = p->phoff + (p->nr_ranges + 1) * sizeof(Elf64_Phdr);
	p->note_size = note_bytes(desc_len);
	p->ram_off = image_round_up(p->note_off + p->note_size, PTK_PAGE_SIZE);
	return 0;
}

static int elf_fail(struct ptk_error *err, const char *path, const char *what)
{
	return ptk_err(err, -EIO, "%s: %s: %s", path, what, elf_errmsg(-1));
}

static bool put_ehdr(Elf *e, const struct elf_plan *p)
{
	GElf_Ehdr eh;

	if (!gelf_newehdr(e, ELFCLASS64) || !gelf_getehdr(e, &eh))
		return false;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = p->arch->e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = p->phoff;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	return gelf_update_ehdr(e, &eh);
}

/*
 * QEMU (since 4.0, commit e17bebd049 "dump: Set correct vaddr for ELF
 * dump") writes p_vaddr = p_paddr when the dump has no paging information,
 * so that gdb does not stack every segment at address 0; we do the same.
 * p_flags is 0 as in QEMU: the segments describe memory, not a process.
 */
static bool put_phdrs(Elf *e, const struct elf_plan *p, const struct ptk_phys *ph)
{
	GElf_Phdr note = {
		.p_type = PT_NOTE, .p_offset = p->note_off,
		.p_filesz = p->note_size, .p_memsz = p->note_size,
		.p_align = IMAGE_NOTE_ALIGN,
	};
	uint64_t off = p->ram_off;

	if (!gelf_newphdr(e, p->nr_ranges + 1) || !gelf_update_phdr(e, 0, &note))
		return false;
	for (size_t i = 0; i < p->nr_ranges; i++) {
		struct ptk_phys_range r = ptk_phys_range_at(ph, i);
		GElf_Phdr load = {
			.p_type = PT_LOAD, .p_offset = off,
			.p_vaddr = r.base, .p_paddr = r.base,
			.p_filesz = r.size, .p_memsz = r.size,
			.p_align = PTK_PAGE_SIZE,
		};

		if (!gelf_update_phdr(e, (int)(i + 1), &load))
			return false;
		off += r.size;
	}
	return true;
}

static int write_headers(struct ptk_machine *m, int fd, const struct elf_plan *p,
			 const char *path)
{
	struct ptk_error *err = ptk_machine_error(m);
	Elf *e = elf_begin(fd, ELF_C_WRITE, NULL);
	int rc = 0;

	if (!e)
		return elf_fail(err, path, "libelf");
	if (!put_ehdr(e, p))
		rc = elf_fail(err, path, "ELF header");
	else if (!put_phdrs(e, p, ptk_machine_phys(m)))
		rc = elf_fail(err, path, "program headers");
	else if (!elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT) || elf_update(e, ELF_C_WRITE) < 0)
		rc = elf_fail(err, path, "writing the ELF headers");
	elf_end(e);
	return rc;
}

static void put_le32(uint8_t *b, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* Elf64_Nhdr (namesz, descsz, type; little-endian), name, descriptor,
 * each padded to 4 bytes. */
static int write_note(struct ptk_machine *m, int fd, const struct elf_plan *p,
		      const char *desc, size_t len, const char *path)
{
	uint8_t *b = calloc(1, p->note_size);
	size_t name_off = 3 * sizeof(uint32_t);
	int rc;

	if (!b)
		return ptk_err(ptk_machine_error(m), -ENOMEM, "out of host memory");
	put_le32(b, sizeof(IMAGE_NOTE_NAME));
	put_le32(b + 4, (uint32_t)len);
	put_le32(b + 8, IMAGE_NOTE_TYPE);
	memcpy(b + name_off, IMAGE_NOTE_NAME, sizeof(IMAGE_NOTE_NAME));
	memcpy(b + name_off + note_name_size(), desc, len);
	rc = image_pwrite(fd, b, p->note_size, p->note_off, path, ptk_machine_error(m));
	free(b);
	return rc;
}

int image_save_elf(struct ptk_machine *m, int fd, const char *path)
{
	struct elf_plan p = { 0 };
	char *desc;
	size_t len;
	int rc = image_note_build(m, &desc, &len);

	if (rc)
		return rc;
	rc = plan(m, len, &p);
	if (!rc)
		rc = write_headers(m, fd, &p, path);
	if (!rc)
		rc = write_note(m, fd, &p, desc, len, path);
	if (!rc)
		rc = image_write_ram(fd, ptk_machine_phys(m), p.ram_off, path,
				     ptk_machine_error(m));
	free(desc);
	return rc;
}
