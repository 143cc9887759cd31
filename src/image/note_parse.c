// SPDX-License-Identifier: MIT
/*
 * Reading the PTKIT note's descriptor.  The text comes from a file that may
 * be hostile, so every line is checked: printable, bounded, a known key
 * given once, numbers that fit.  Errors name the line and its file offset.
 */
#include <stdio.h>
#include <stdlib.h>

#include "image/image_priv.h"

/* Keys that may appear once; table= repeats. */
enum note_key {
	KEY_VERSION, KEY_FORMAT, KEY_PA_BITS, KEY_CPU_PA_BITS, KEY_FRAMES_MARK, NR_SINGLE_KEYS
};

struct parser {
	struct image_note *n;
	const struct image_arch *arch;	/* once format= is known */
	const char *where;
	uint64_t off;			/* file offset of the current line */
	unsigned line;
	uint32_t seen;			/* bit per enum note_key */
	struct ptk_error *err;
};

#define PERR(p, code, fmt, ...)                                              \
	ptk_err((p)->err, code, "%s: PTKIT note line %u (offset %#llx): " fmt,  \
		(p)->where, (p)->line, (unsigned long long)(p)->off, __VA_ARGS__)

/* Decimal or 0x-prefixed hex, the whole of [s, s+len), no sign or spaces. */
static bool parse_u64n(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2, len -= 2;
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static int number(struct parser *p, const char *key, const char *val, uint64_t max,
		  uint64_t *out)
{
	if (!parse_u64n(val, strlen(val), out))
		return PERR(p, -EINVAL, "%s='%s' is not a number", key, val);
	if (*out > max)
		return PERR(p, -ERANGE, "%s=%s is above %#llx", key, val,
			    (unsigned long long)max);
	return 0;
}

static int once(struct parser *p, enum note_key k, const char *key)
{
	if (p->seen >> k & 1)
		return PERR(p, -EINVAL, "key '%s' given twice", key);
	p->seen |= 1u << k;
	return 0;
}

static int key_version(struct parser *p, const char *val)
{
	uint64_t v;
	int rc = once(p, KEY_VERSION, "version");

	if (!rc)
		rc = number(p, "version", val, UINT32_MAX, &v);
	if (!rc && v != IMAGE_NOTE_VERSION)
		rc = PERR(p, -EPROTONOSUPPORT, "version %llu, this ptkit reads version %d",
			  (unsigned long long)v, IMAGE_NOTE_VERSION);
	return rc;
}

static int key_format(struct parser *p, const char *val)
{
	int rc = once(p, KEY_FORMAT, "format");

	if (rc)
		return rc;
	if (ptk_format_build(val, &p->n->fmt_storage, NULL))
		return PERR(p, -EINVAL, "format '%s' is not one ptkit knows", val);
	p->n->fmt = &p->n->fmt_storage;
	p->arch = image_arch_by_name(p->n->fmt->arch);
	return 0;
}

static int key_bits(struct parser *p, enum note_key k, const char *key, const char *val,
		    unsigned *out)
{
	uint64_t v;
	int rc = once(p, k, key);

	if (!rc)
		rc = number(p, key, val, PTK_PHYS_MAX_BITS, &v);
	if (!rc && !v)
		rc = PERR(p, -ERANGE, "%s=0", key);
	if (!rc)
		*out = (unsigned)v;
	return rc;
}

static int key_reg(struct parser *p, size_t i, const char *key, const char *val)
{
	if (p->n->have_reg >> i & 1)
		return PERR(p, -EINVAL, "key '%s' given twice", key);
	p->n->have_reg |= 1u << i;
	return number(p, key, val, UINT64_MAX, &p->n->reg[i]);
}

static int key_field(struct parser *p, size_t i, const char *key, const char *val)
{
	const struct image_cpu_field *f = &p->arch->fields[i];
	uint64_t max = f->is_bool ? 1 : f->size == 8 ? UINT64_MAX
			: (1ull << (8 * f->size)) - 1;

	if (p->n->have_field >> i & 1)
		return PERR(p, -EINVAL, "key '%s' given twice", key);
	p->n->have_field |= 1u << i;
	return number(p, key, val, max, &p->n->field[i]);
}

/* cpu.regN or cpu.<the architecture's name for a member>. */
static int key_cpu(struct parser *p, const char *key, const char *val)
{
	const char *sub = key + 4;
	char name[16];

	if (!strcmp(sub, "pa_bits"))
		return key_bits(p, KEY_CPU_PA_BITS, key, val, &p->n->cpu_pa_bits);
	for (size_t i = 0; i < IMAGE_NR_REGS; i++) {
		snprintf(name, sizeof(name), "reg%zu", i);
		if (!strcmp(sub, name))
			return key_reg(p, i, key, val);
	}
	for (size_t i = 0; p->arch && i < p->arch->nr_fields; i++)
		if (!strcmp(sub, p->arch->fields[i].name))
			return key_field(p, i, key, val);
	return PERR(p, -EINVAL, "unknown key '%s'%s", key,
		    p->arch ? "" : " (no format= line names the architecture)");
}

static int parse_roots(struct parser *p, const char *s, struct image_table *t)
{
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (t->nroots == PTK_MAX_ROOTS)
			return PERR(p, -EINVAL, "table '%s' has more than %d roots", t->name,
				    PTK_MAX_ROOTS);
		if (!parse_u64n(s, len, &t->root[t->nroots++]))
			return PERR(p, -EINVAL, "table '%s': root '%.*s' is not a number",
				    t->name, (int)len, s);
		s += len + (comma ? 1 : 0);
		if (comma && !*s)
			return PERR(p, -EINVAL, "table '%s': roots end with a comma", t->name);
	}
	if (!t->nroots)
		return PERR(p, -EINVAL, "table '%s' has no roots", t->name);
	return 0;
}

static int table_slot(struct parser *p, struct image_table **t)
{
	struct image_table *a = realloc(p->n->tables, (p->n->nr_tables + 1) * sizeof(*a));

	if (!a)
		return PERR(p, -ENOMEM, "%s", "out of host memory");
	p->n->tables = a;
	*t = memset(&a[p->n->nr_tables++], 0, sizeof(*a));
	return 0;
}

/* "NAME roots=0x1000[,0x2000]" */
static int key_table(struct parser *p, const char *val)
{
	static const char roots[] = " roots=";
	const char *sp = strchr(val, ' ');
	size_t len = sp ? (size_t)(sp - val) : strlen(val);
	struct image_table *t = NULL;
	int rc;

	if (!len || len >= IMAGE_NAME_MAX)
		return PERR(p, -EINVAL, "table name must be 1..%zu characters",
			    IMAGE_NAME_MAX - 1);
	if (!sp || strncmp(sp, roots, sizeof(roots) - 1))
		return PERR(p, -EINVAL, "table line '%s' lacks ' roots='", val);
	rc = table_slot(p, &t);
	if (rc)
		return rc;
	memcpy(t->name, val, len);
	return parse_roots(p, sp + sizeof(roots) - 1, t);
}

/* Where the saved machine's frame allocator stood; any address is safe. */
static int key_frames_mark(struct parser *p, const char *val)
{
	int rc = once(p, KEY_FRAMES_MARK, "frames.mark");

	if (!rc)
		rc = number(p, "frames.mark", val, UINT64_MAX, &p->n->frames_mark);
	p->n->have_frames_mark = !rc;
	return rc;
}

/* Pass 0 reads version= and format=, which the others depend on. */
static int parse_line(struct parser *p, char *line, int pass)
{
	char *eq = strchr(line, '=');
	const char *key = line, *val;

	if (!eq || eq == line)
		return PERR(p, -EINVAL, "'%s' is not key=value", line);
	*eq = '\0';
	val = eq + 1;
	if (!strcmp(key, "version"))
		return pass == 0 ? key_version(p, val) : 0;
	if (!strcmp(key, "format"))
		return pass == 0 ? key_format(p, val) : 0;
	if (pass == 0)
		return 0;
	if (!strcmp(key, "pa_bits"))
		return key_bits(p, KEY_PA_BITS, key, val, &p->n->pa_bits);
	if (!strcmp(key, "table"))
		return key_table(p, val);
	if (!strcmp(key, "frames.mark"))
		return key_frames_mark(p, val);
	if (!strncmp(key, "cpu.", 4))
		return key_cpu(p, key, val);
	return PERR(p, -EINVAL, "unknown key '%s'", key);
}

/* Cut the text into lines: printable ASCII, bounded, each ending in '\n'. */
static int each_line(struct parser *p, const char *text, size_t len, uint64_t desc_off,
		     int pass)
{
	char line[IMAGE_LINE_MAX + 1];
	size_t start = 0;
	int rc;

	p->line = 1;
	for (size_t i = 0; i < len; i++) {
		p->off = desc_off + start;
		if (text[i] != '\n' && (text[i] < ' ' || text[i] > '~'))
			return PERR(p, -EINVAL, "byte %#x is not printable ASCII",
				    (unsigned char)text[i]);
		if (text[i] != '\n' && i - start >= IMAGE_LINE_MAX)
			return PERR(p, -EINVAL, "line longer than %d bytes", IMAGE_LINE_MAX);
		if (text[i] != '\n')
			continue;
		memcpy(line, text + start, i - start);
		line[i - start] = '\0';
		rc = parse_line(p, line, pass);
		if (rc)
			return rc;
		start = i + 1;
		p->line++;
	}
	if (start != len)
		return PERR(p, -EINVAL, "%s", "last line does not end with a newline (truncated?)");
	return 0;
}

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const struct image_table *)a)->name,
		      ((const struct image_table *)b)->name);
}

/* Names must be unique; sort a copy to find duplicates in n log n. */
static int check_unique(const struct parser *p)
{
	const struct image_note *n = p->n;
	struct image_table *s = malloc(n->nr_tables * sizeof(*s));
	int rc = 0;

	if (!s)
		return ptk_err(p->err, -ENOMEM, "out of host memory");
	memcpy(s, n->tables, n->nr_tables * sizeof(*s));
	qsort(s, n->nr_tables, sizeof(*s), cmp_table);
	for (size_t i = 1; i < n->nr_tables && !rc; i++)
		if (!strcmp(s[i - 1].name, s[i].name))
			rc = ptk_err(p->err, -EEXIST, "%s: PTKIT note: table '%s' appears twice",
				     p->where, s[i].name);
	free(s);
	return rc;
}

static int check_tables(const struct parser *p)
{
	const struct image_note *n = p->n;

	for (size_t i = 0; i < n->nr_tables; i++)
		if (n->tables[i].nroots != n->fmt->nroots)
			return ptk_err(p->err, -EINVAL,
				       "%s: PTKIT note: table '%s' has %u root(s), %s needs %u",
				       p->where, n->tables[i].name, n->tables[i].nroots,
				       n->fmt->name, n->fmt->nroots);
	return n->nr_tables > 1 ? check_unique(p) : 0;
}

static int check_bits(const struct parser *p, const char *key, unsigned bits)
{
	const struct ptk_format *f = p->n->fmt;

	if (bits < f->min_pa_bits || bits > f->max_pa_bits)
		return ptk_err(p->err, -ERANGE, "%s: PTKIT note: %s=%u outside %s's %u..%u",
			       p->where, key, bits, f->name, f->min_pa_bits, f->max_pa_bits);
	return 0;
}

static int check_complete(const struct parser *p)
{
	static const char *const names[] = { "version", "format", "pa_bits" };
	int rc;

	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!(p->seen >> k & 1))
			return ptk_err(p->err, -EINVAL, "%s: PTKIT note lacks the key '%s'",
				       p->where, names[k]);
	rc = check_bits(p, "pa_bits", p->n->pa_bits);
	if (!rc && p->n->cpu_pa_bits)
		rc = check_bits(p, "cpu.pa_bits", p->n->cpu_pa_bits);
	return rc ? rc : check_tables(p);
}

int image_note_parse(const char *text, size_t len, struct image_note *n,
		     const char *where, uint64_t desc_off, struct ptk_error *err)
{
	struct parser p = { .n = n, .where = where, .err = err };
	int rc;

	memset(n, 0, sizeof(*n));
	rc = each_line(&p, text, len, desc_off, 0);
	if (!rc)
		rc = each_line(&p, text, len, desc_off, 1);
	if (!rc)
		rc = check_complete(&p);
	if (rc)
		image_note_free(n);
	return rc;
}

void image_note_free(struct image_note *n)
{
	free(n->tables);
	n->tables = NULL;
	n->nr_tables = 0;
}
