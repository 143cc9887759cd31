// SPDX-License-Identifier: MIT
/* Physical memory and images: read, write, image save/load. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int parse_width(struct cli *c, const struct cli_args *a, unsigned *width)
{
	const char *s = cli_key(a, "width");
	uint64_t w = 1;

	if (s && cli_num_str(c, "width", s, &w))
		return -1;
	if (w != 1 && w != 2 && w != 4 && w != 8)
		return cli_error(c, "width=%s: must be 1, 2, 4 or 8", s);
	*width = (unsigned)w;
	return 0;
}

static int phys_error(struct cli *c, int rc, uint64_t pa, uint64_t len)
{
	if (rc == -EFAULT)
		return cli_error(c, "PA range %#llx+%#llx is not all RAM", (unsigned long long)pa,
				 (unsigned long long)len);
	return cli_error(c, "%s", strerror(-rc));
}

/* --- read ------------------------------------------------------------------- */

static uint64_t get_le(const unsigned char *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = width; i--;)
		v = v << 8 | p[i];
	return v;
}

static void dump_row(FILE *out, uint64_t pa, const unsigned char *p, size_t n, unsigned width)
{
	fprintf(out, "0x%012llx ", (unsigned long long)pa);
	for (size_t i = 0; i < 16; i += width) {
		if (width == 1 && i == 8)
			fputc(' ', out);
		if (i < n)
			fprintf(out, " %0*llx", (int)width * 2, (unsigned long long)get_le(p + i, width));
		else
			fprintf(out, " %*s", (int)width * 2, "");
	}
	if (width == 1) {
		fprintf(out, "  |");
		for (size_t i = 0; i < n; i++)
			fputc(isprint(p[i]) ? p[i] : '.', out);
		fputc('|', out);
	}
	fputc('\n', out);
}

int cmd_read(struct cli *c, const struct cli_args *a)
{
	uint64_t pa, len;
	unsigned width = 1;
	unsigned char *buf;
	int rc;

	if (cli_num(c, "PA", &a->pos[0], &pa) || cli_num(c, "LEN", &a->pos[1], &len) ||
	    parse_width(c, a, &width))
		return -1;
	if (len == 0 || len > c->opt.max_read)
		return cli_error(c, "LEN must be 1..%zu bytes", c->opt.max_read);
	if (len % width)
		return cli_error(c, "LEN %llu is not a multiple of width=%u",
				 (unsigned long long)len, width);
	buf = malloc(len);
	if (!buf)
		return cli_error(c, "out of host memory");
	rc = ptk_phys_read(ptk_machine_phys_const(c->m), pa, buf, len);
	if (rc) {
		free(buf);
		return phys_error(c, rc, pa, len);
	}
	for (uint64_t off = 0; off < len; off += 16)
		dump_row(c->out, pa + off, buf + off, len - off < 16 ? len - off : 16, width);
	free(buf);
	return 0;
}

/* --- write --------------------------------------------------------------------- */

static int put_value(struct cli *c, const struct cli_tok *t, unsigned width,
		     unsigned char *buf, size_t *n)
{
	uint64_t v;

	if (t->quoted) {
		memcpy(buf + *n, t->s, t->len);
		*n += t->len;
		return 0;
	}
	if (cli_num(c, "VALUE", t, &v))
		return -1;
	if (width < 8 && v >> (8 * width))
		return cli_error(c, "VALUE %s does not fit in %u byte%s", t->s, width,
				 width > 1 ? "s" : "");
	for (unsigned i = 0; i < width; i++)
		buf[(*n)++] = (unsigned char)(v >> (8 * i));
	return 0;
}

int cmd_write(struct cli *c, const struct cli_args *a)
{
	unsigned char *buf;
	size_t n = 0, cap = 0;
	unsigned width = 1;
	uint64_t pa;
	int rc = 0;

	if (cli_num(c, "PA", &a->pos[0], &pa) || parse_width(c, a, &width))
		return -1;
	for (unsigned i = 1; i < a->npos; i++)
		cap += a->pos[i].quoted ? a->pos[i].len : width;
	buf = malloc(cap ? cap : 1);
	if (!buf)
		return cli_error(c, "out of host memory");
	for (unsigned i = 1; i < a->npos && !rc; i++)
		rc = put_value(c, &a->pos[i], width, buf, &n);
	if (!rc && n) {
		rc = ptk_phys_write(ptk_machine_phys(c->m), pa, buf, n);
		if (rc)
			rc = phys_error(c, rc, pa, n);
	}
	free(buf);
	return rc ? -1 : 0;
}

/* --- image ------------------------------------------------------------------------ */

static int image_save(struct cli *c, const struct cli_args *a)
{
	enum ptk_image_kind kind = PTK_IMAGE_ELF;
	int rc;

	if (!c->m)
		return cli_error(c, "no machine: start with 'machine ...'");
	if (a->npos == 3) {
		if (strcmp(a->pos[2].s, "raw"))
			return cli_error(c, "unexpected argument '%s' (usage: %s)", a->pos[2].s,
					 a->cmd->usage);
		kind = PTK_IMAGE_RAW;
	}
	rc = ptk_image_save(c->m, a->pos[1].s, kind);
	if (rc)
		return cli_lib_error(c, rc);
	if (a->flags & CLI_F_JSON) {
		struct json j;

		json_init(&j, c->out);
		json_obj_begin(&j, NULL);
		json_str(&j, "cmd", "image");
		json_str(&j, "saved", a->pos[1].s);
		json_str(&j, "kind", kind == PTK_IMAGE_RAW ? "raw" : "elf");
		json_obj_end(&j);
	} else {
		fprintf(c->out, "saved %s (%s)\n", a->pos[1].s,
			kind == PTK_IMAGE_RAW ? "raw" : "ELF core");
	}
	return 0;
}

static int image_load(struct cli *c, const struct cli_args *a)
{
	struct ptk_error err = { 0 };
	struct ptk_machine *m = NULL;
	int rc;

	if (a->npos == 3)
		return cli_error(c, "unexpected argument '%s' (usage: %s)", a->pos[2].s,
				 a->cmd->usage);
	rc = ptk_image_load(a->pos[1].s, &m, &err);
	if (rc)
		return cli_error(c, "%s", ptk_strerror(&err, rc));
	cli_set_machine(c, m, NULL);
	if (a->flags & CLI_F_JSON) {
		cli_json_info(c, "image");
		return 0;
	}
	cli_print_machine_line(c);
	for (struct ptk_pgtable *pt = ptk_pgtable_first(m); pt; pt = ptk_pgtable_next(pt)) {
		fprintf(c->out, "table ");
		cli_print_table_line(c, pt);
		fputc('\n', c->out);
	}
	return 0;
}

int cmd_image(struct cli *c, const struct cli_args *a)
{
	const char *op = a->pos[0].s;

	if (strcmp(op, "save") && strcmp(op, "load"))
		return cli_error(c, "'%s': expected 'save' or 'load' (usage: %s)", op,
				 a->cmd->usage);
	if (c->opt.no_files)
		return cli_error(c, "images are disabled here (no file access)");
	if (a->pos[1].s[0] == '\0')
		return cli_error(c, "FILE is empty");
	return op[0] == 's' ? image_save(c, a) : image_load(c, a);
}
