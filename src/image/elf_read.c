// SPDX-License-Identifier: MIT
/*
 * Reading an ELF core's headers and its PTKIT note through libelf.  The
 * file may be hostile: each field is checked before it is used, sizes are
 * bounded before anything is allocated, and every message names the file
 * and the header or field at fault.
 */
#include <gelf.h>
#include <stdlib.h>

#include "image/image_priv.h"

static int not_elf(const struct image_src *s, struct ptk_error *err)
{
	return ptk_err(err, -ENOEXEC,
		       "%s: not an ELF file (raw images carry no metadata and cannot be loaded)",
		       s->name);
}

static int check_ident(Elf *e, const struct image_src *s, struct ptk_error *err)
{
	uint8_t magic[SELFMAG];
	char *id;

	if (s->size < SELFMAG || image_src_read(s, 0, magic, SELFMAG, err) ||
	    memcmp(magic, ELFMAG, SELFMAG))
		return not_elf(s, err);
	id = elf_getident(e, NULL);
	if (elf_kind(e) != ELF_K_ELF || !id || s->size < sizeof(Elf64_Ehdr))
		return ptk_err(err, -EINVAL,
			       "%s: ELF header truncated or invalid (the file has %llu bytes)",
			       s->name, (unsigned long long)s->size);
	if (id[EI_CLASS] != ELFCLASS64)
		return ptk_err(err, -EINVAL, "%s: e_ident[EI_CLASS] is %d, not ELFCLASS64",
			       s->name, id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return ptk_err(err, -EINVAL, "%s: e_ident[EI_DATA] is %d, not ELFDATA2LSB",
			       s->name, id[EI_DATA]);
	return 0;
}

static int check_ehdr(Elf *e, const struct image_src *s, struct image_layout *l,
		      struct ptk_error *err)
{
	GElf_Ehdr eh;
	size_t n;

	if (!gelf_getehdr(e, &eh))
		return ptk_err(err, -EINVAL, "%s: ELF header: %s", s->name, elf_errmsg(-1));
	if (eh.e_type != ET_CORE)
		return ptk_err(err, -EINVAL, "%s: e_type is %u, not ET_CORE", s->name, eh.e_type);
	if (eh.e_version != EV_CURRENT)
		return ptk_err(err, -EINVAL, "%s: e_version is %u, not EV_CURRENT", s->name,
			       eh.e_version);
	if (!image_arch_by_machine(eh.e_machine))
		return ptk_err(err, -EINVAL, "%s: e_machine %u is not a machine ptkit models",
			       s->name, eh.e_machine);
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return ptk_err(err, -EINVAL, "%s: e_phentsize is %u, not %zu", s->name,
			       eh.e_phentsize, sizeof(Elf64_Phdr));
	/* The header's own count: libelf quietly clamps it to what fits. */
	n = eh.e_phnum;
	if (n == 0 || n > IMAGE_MAX_RANGES + 1)
		return ptk_err(err, -EINVAL,
			       "%s: e_phnum is %zu; a ptkit image has a PT_NOTE and 1..%u PT_LOADs",
			       s->name, n, IMAGE_MAX_RANGES);
	if (eh.e_phoff > s->size || n * sizeof(Elf64_Phdr) > s->size - eh.e_phoff)
		return ptk_err(err, -EINVAL,
			       "%s: program header table (e_phoff %#llx, e_phnum %zu) runs past the end of the file (%#llx)",
			       s->name, (unsigned long long)eh.e_phoff, n,
			       (unsigned long long)s->size);
	l->e_machine = eh.e_machine;
	l->phoff = eh.e_phoff;
	l->phnum = n;
	return 0;
}

/* [off, off+len) lies inside the file (overflow-safe). */
static bool in_file(const struct image_src *s, uint64_t off, uint64_t len)
{
	return off <= s->size && len <= s->size - off;
}

#define PHERR(s, i, fmt, ...)                                                   \
	ptk_err(err, -EINVAL, "%s: program header %u: " fmt, (s)->name, (i), __VA_ARGS__)

static int take_note(const struct image_src *s, unsigned i, const GElf_Phdr *ph,
		     struct image_layout *l, struct ptk_error *err)
{
	if (l->note_size)
		return PHERR(s, i, "%s", "a second PT_NOTE; ptkit writes one");
	if (!ph->p_filesz || ph->p_filesz > IMAGE_NOTE_MAX)
		return PHERR(s, i, "PT_NOTE p_filesz %#llx outside 1..%#x",
			     (unsigned long long)ph->p_filesz, IMAGE_NOTE_MAX);
	if (!in_file(s, ph->p_offset, ph->p_filesz))
		return PHERR(s, i, "PT_NOTE at p_offset %#llx + %#llx runs past the end of the file (%#llx)",
			     (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
			     (unsigned long long)s->size);
	l->note_off = ph->p_offset;
	l->note_size = ph->p_filesz;
	return 0;
}

static int take_load(const struct image_src *s, unsigned i, const GElf_Phdr *ph,
		     struct image_layout *l, struct ptk_error *err)
{
	const uint64_t mask = PTK_PAGE_SIZE - 1;

	/* RAM is all in the file: a p_memsz beyond p_filesz would let a tiny
	 * file declare petabytes of RAM. */
	if (ph->p_filesz != ph->p_memsz || !ph->p_memsz)
		return PHERR(s, i, "PT_LOAD p_filesz %#llx and p_memsz %#llx must be equal and non-zero",
			     (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if ((ph->p_offset | ph->p_paddr | ph->p_memsz) & mask)
		return PHERR(s, i, "PT_LOAD p_offset %#llx, p_paddr %#llx, p_memsz %#llx: not all 4 KiB aligned",
			     (unsigned long long)ph->p_offset, (unsigned long long)ph->p_paddr,
			     (unsigned long long)ph->p_memsz);
	if (!in_file(s, ph->p_offset, ph->p_filesz))
		return PHERR(s, i, "PT_LOAD at p_offset %#llx + %#llx runs past the end of the file (%#llx)",
			     (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
			     (unsigned long long)s->size);
	if (ph->p_paddr >> PTK_PHYS_MAX_BITS ||
	    ph->p_memsz > (1ull << PTK_PHYS_MAX_BITS) - ph->p_paddr)
		return PHERR(s, i, "PT_LOAD p_paddr %#llx + %#llx is beyond 2^%d",
			     (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
			     PTK_PHYS_MAX_BITS);
	l->loads[l->nr_loads++] = (struct image_load){
		.phdr = i, .offset = ph->p_offset, .paddr = ph->p_paddr, .size = ph->p_memsz,
	};
	return 0;
}

static int take_phdrs(Elf *e, const struct image_src *s, struct image_layout *l,
		      struct ptk_error *err)
{
	int rc = 0;

	l->loads = malloc(l->phnum * sizeof(*l->loads));
	if (!l->loads)
		return ptk_err(err, -ENOMEM, "out of host memory");
	for (unsigned i = 0; i < l->phnum && !rc; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph))
			return PHERR(s, i, "%s", elf_errmsg(-1));
		if (ph.p_type == PT_NOTE)
			rc = take_note(s, i, &ph, l, err);
		else if (ph.p_type == PT_LOAD)
			rc = take_load(s, i, &ph, l, err);
		else
			rc = PHERR(s, i, "type %#x is neither PT_NOTE nor PT_LOAD", ph.p_type);
	}
	if (!rc && !l->note_size)
		rc = ptk_err(err, -EINVAL, "%s: no PT_NOTE program header (not a ptkit image)",
			     s->name);
	if (!rc && !l->nr_loads)
		rc = ptk_err(err, -EINVAL, "%s: no PT_LOAD program header: no RAM", s->name);
	return rc;
}

int image_elf_layout(Elf *e, const struct image_src *s, struct image_layout *l,
		     struct ptk_error *err)
{
	int rc;

	memset(l, 0, sizeof(*l));
	rc = check_ident(e, s, err);
	if (!rc)
		rc = check_ehdr(e, s, l, err);
	if (!rc)
		rc = take_phdrs(e, s, l, err);
	return rc;
}

void image_layout_free(struct image_layout *l)
{
	free(l->loads);
	l->loads = NULL;
	l->nr_loads = 0;
}

static bool is_ptkit(const Elf_Data *d, const GElf_Nhdr *nh, size_t name_off)
{
	return nh->n_namesz == sizeof(IMAGE_NOTE_NAME) &&
	       !memcmp((const char *)d->d_buf + name_off, IMAGE_NOTE_NAME,
		       sizeof(IMAGE_NOTE_NAME));
}

/* Walk the notes; other owners' notes (a QEMU or CORE note) are skipped. */
static int find_note(const Elf_Data *d, const struct image_src *s,
		     const struct image_layout *l, size_t *desc_off, size_t *desc_len,
		     struct ptk_error *err)
{
	size_t off = 0, next, name_off, doff;
	GElf_Nhdr nh;
	bool found = false;

	while (off < d->d_size &&
	       (next = gelf_getnote((Elf_Data *)d, off, &nh, &name_off, &doff)) > 0) {
		if (is_ptkit(d, &nh, name_off)) {
			if (found || nh.n_type != IMAGE_NOTE_TYPE)
				return ptk_err(err, -EINVAL,
					       "%s: note at offset %#llx: %s", s->name,
					       (unsigned long long)(l->note_off + off),
					       found ? "a second PTKIT note"
						     : "PTKIT note of unknown n_type");
			found = true;
			*desc_off = doff, *desc_len = nh.n_descsz;
		}
		off = next;
	}
	if (off < d->d_size)
		return ptk_err(err, -EINVAL, "%s: malformed note header at offset %#llx",
			       s->name, (unsigned long long)(l->note_off + off));
	if (!found)
		return ptk_err(err, -EINVAL, "%s: no PTKIT note in the PT_NOTE segment",
			       s->name);
	return 0;
}

int image_elf_note(Elf *e, const struct image_src *s, const struct image_layout *l,
		   struct image_note *n, struct ptk_error *err)
{
	Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)l->note_off, l->note_size, ELF_T_NHDR);
	size_t desc_off = 0, desc_len = 0;
	int rc;

	if (!d)
		return ptk_err(err, -EINVAL, "%s: PT_NOTE at offset %#llx: %s", s->name,
			       (unsigned long long)l->note_off, elf_errmsg(-1));
	rc = find_note(d, s, l, &desc_off, &desc_len, err);
	if (rc)
		return rc;
	return image_note_parse((const char *)d->d_buf + desc_off, desc_len, n, s->name,
				l->note_off + desc_off, err);
}
