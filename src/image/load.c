// SPDX-License-Identifier: MIT
/*
 * ptk_image_load: validate the whole image (headers, note, layout) before
 * creating anything, then build the machine: RAM ranges from the PT_LOADs,
 * control state and trees from the note, contents from the file.  Any
 * failure frees everything and leaves *out alone.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_priv.h"

static int attach_tables(const struct image_src *s, const struct image_note *n,
			 struct ptk_machine *m, struct ptk_error *err)
{
	for (size_t i = 0; i < n->nr_tables; i++) {
		const struct image_table *t = &n->tables[i];
		struct ptk_pgtable *pt;
		int rc = ptk_pgtable_attach(m, t->name, t->root, t->nroots, &pt);

		if (rc)
			return ptk_err(err, rc, "%s: PTKIT note, table '%s': %s", s->name, t->name,
				       ptk_machine_errmsg(m));
	}
	return 0;
}

static int build_machine(const struct image_src *s, const struct image_layout *l,
			 const struct image_note *n, struct ptk_machine **out,
			 struct ptk_error *err)
{
	struct ptk_phys_range *ram = malloc(l->nr_loads * sizeof(*ram));
	struct ptk_machine_config cfg = { .fmt = n->fmt, .ram = ram, .nr_ram = l->nr_loads,
					  .pa_bits = n->pa_bits };
	struct ptk_machine *m = NULL;
	int rc;

	if (!ram)
		return ptk_err(err, -ENOMEM, "out of host memory");
	for (size_t i = 0; i < l->nr_loads; i++)
		ram[i] = (struct ptk_phys_range){ l->loads[i].paddr, l->loads[i].size };
	rc = ptk_machine_create(&m, &cfg, err);
	free(ram);
	if (!rc)
		rc = image_note_apply_cpu(n, ptk_machine_cpu(m), s->name, err);
	if (!rc && n->have_frames_mark)
		ptk_machine_set_frames_mark(m, n->frames_mark);
	if (!rc)
		rc = image_read_ram(s, l, m, err);
	if (!rc)
		rc = attach_tables(s, n, m, err);
	if (rc) {
		ptk_machine_destroy(m);
		return rc;
	}
	*out = m;
	return 0;
}

int image_load_src(const struct image_src *s, struct ptk_machine **out,
		   struct ptk_error *err)
{
	struct image_layout l = { 0 };
	struct image_note n = { 0 };
	Elf *e;
	int rc;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return ptk_err(err, -ENOSYS, "libelf: %s", elf_errmsg(-1));
	/* ELF_C_READ, not _MMAP: libelf then reads only the headers it is
	 * asked for, which matters for a terabyte-sized sparse image. */
	e = s->fd >= 0 ? elf_begin(s->fd, ELF_C_READ, NULL)
		       : elf_memory((char *)s->mem, s->size);
	if (!e)
		return ptk_err(err, -EINVAL, "%s: %s", s->name, elf_errmsg(-1));
	rc = image_elf_layout(e, s, &l, err);
	if (!rc)
		rc = image_elf_note(e, s, &l, &n, err);
	if (!rc)
		rc = image_check_layout(s, &l, &n, err);
	if (!rc)
		rc = build_machine(s, &l, &n, out, err);
	image_note_free(&n);
	image_layout_free(&l);
	elf_end(e);
	return rc;
}

int image_load_mem(const void *buf, size_t len, struct ptk_machine **out,
		   struct ptk_error *err)
{
	struct image_src s = { .name = "<memory>", .fd = -1, .mem = buf, .size = len };

	return image_load_src(&s, out, err);
}

int ptk_image_load(const char *path, struct ptk_machine **out, struct ptk_error *err)
{
	struct image_src s = { .name = path };
	struct stat st;
	int rc;

	s.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s.fd < 0)
		return ptk_err(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(s.fd, &st) || !S_ISREG(st.st_mode)) {
		close(s.fd);
		return ptk_err(err, -EINVAL, "%s: not a regular file", path);
	}
	s.size = (uint64_t)st.st_size;
	rc = image_load_src(&s, out, err);
	close(s.fd);
	return rc;
}
