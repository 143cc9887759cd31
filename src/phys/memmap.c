// SPDX-License-Identifier: MIT
/*
 * Memory maps as input: see include/ptkit/memmap.h for the syntaxes.
 *
 * Every parser works on a copy of the map (struct mm_build), adding one
 * range at a time with its place in the input, so that a bad range is
 * reported where it was written; only a wholly valid input is committed.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/error.h>
#include <ptkit/memmap.h>

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define PAGE_MASK_LOW (PTK_PAGE_SIZE - 1)
#define CELL_BITS 32
#define PLACE_MAX 48		/* "line 4294967295, column 4294967295" and such */
#define TYPE_NAME_MAX 32	/* "persistent (type 4294967295)" */

struct mm_build {
	struct ptk_memmap map;
	size_t cap[PTK_MEMMAP_NR_KINDS];
	uint64_t limit;		/* 2^pa_bits */
	unsigned pa_bits;
};

static const char *const kind_name[PTK_MEMMAP_NR_KINDS] = {
	"RAM", "reserved", "memblock-reserved"
};

void ptk_memmap_init(struct ptk_memmap *map)
{
	memset(map, 0, sizeof(*map));
}

void ptk_memmap_free(struct ptk_memmap *map)
{
	for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++)
		free(map->ranges[k]);
	ptk_memmap_init(map);
}

size_t ptk_memmap_nr(const struct ptk_memmap *map, enum ptk_memmap_kind kind)
{
	return kind < PTK_MEMMAP_NR_KINDS ? map->nr[kind] : 0;
}

struct ptk_memmap_range ptk_memmap_at(const struct ptk_memmap *map,
				      enum ptk_memmap_kind kind, size_t i)
{
	struct ptk_memmap_range none = { 0 };

	if (i >= ptk_memmap_nr(map, kind))
		return none;
	return map->ranges[kind][i];
}

size_t ptk_memmap_phys_ranges(const struct ptk_memmap *map, enum ptk_memmap_kind kind,
			      struct ptk_phys_range *out, size_t max)
{
	size_t n = ptk_memmap_nr(map, kind);

	for (size_t i = 0; i < n && i < max; i++) {
		out[i].base = map->ranges[kind][i].base;
		out[i].size = map->ranges[kind][i].size;
	}
	return n;
}

size_t ptk_memmap_ram_ranges(const struct ptk_memmap *map, struct ptk_phys_range *out,
			     size_t max)
{
	return ptk_memmap_phys_ranges(map, PTK_MEMMAP_RAM, out, max);
}

/* --- building a map: copy, add with checks, commit ----------------------- */

static int build_begin(struct mm_build *b, const struct ptk_memmap *map, unsigned pa_bits,
		       struct ptk_error *err)
{
	memset(b, 0, sizeof(*b));
	if (pa_bits < PTK_PAGE_SHIFT || pa_bits > PTK_PHYS_MAX_BITS)
		return ptk_err(err, -EINVAL, "pa_bits %u is outside %u..%u", pa_bits,
			       PTK_PAGE_SHIFT, PTK_PHYS_MAX_BITS);
	b->pa_bits = pa_bits;
	b->limit = 1ull << pa_bits;
	for (int k = 0; k < PTK_MEMMAP_NR_KINDS; k++) {
		size_t n = map->nr[k];

		if (!n)
			continue;
		b->map.ranges[k] = malloc(n * sizeof(*map->ranges[k]));
		if (!b->map.ranges[k]) {
			ptk_memmap_free(&b->map);
			return ptk_err(err, -ENOMEM, "out of memory copying the memory map");
		}
		memcpy(b->map.ranges[k], map->ranges[k], n * sizeof(*map->ranges[k]));
		b->map.nr[k] = b->cap[k] = n;
	}
	return 0;
}

/* Either way the build is consumed: committed on rc == 0, dropped on error. */
static int build_end(struct mm_build *b, struct ptk_memmap *map, int rc)
{
	if (rc) {
		ptk_memmap_free(&b->map);
		return rc;
	}
	ptk_memmap_free(map);
	*map = b->map;
	return 0;
}

static int grow(struct mm_build *b, int k, struct ptk_error *err)
{
	size_t cap = b->cap[k] ? 2 * b->cap[k] : 8;
	struct ptk_memmap_range *r;

	if (b->map.nr[k] < b->cap[k])
		return 0;
	r = realloc(b->map.ranges[k], cap * sizeof(*r));
	if (!r)
		return ptk_err(err, -ENOMEM, "out of memory growing the memory map");
	b->map.ranges[k] = r;
	b->cap[k] = cap;
	return 0;
}

/* Index of the first range of kind k starting above base. */
static size_t insert_point(const struct mm_build *b, int k, uint64_t base)
{
	const struct ptk_memmap_range *r = b->map.ranges[k];
	size_t lo = 0, hi = b->map.nr[k];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].base <= base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int overlap_err(struct ptk_error *err, const char *place, int k,
		       const struct ptk_memmap_range *a, const struct ptk_memmap_range *b)
{
	return ptk_err(err, -EINVAL, "%s: %s range %#llx-%#llx overlaps %#llx-%#llx", place,
		       kind_name[k], (unsigned long long)a->base,
		       (unsigned long long)(a->base + a->size - 1),
		       (unsigned long long)b->base,
		       (unsigned long long)(b->base + b->size - 1));
}

static int check_range(const struct mm_build *b, const struct ptk_memmap_range *r,
		       const char *place, struct ptk_error *err)
{
	if (r->size == 0)
		return ptk_err(err, -EINVAL, "%s: range at %#llx is empty", place,
			       (unsigned long long)r->base);
	if (r->base >= b->limit || r->size > b->limit - r->base)
		return ptk_err(err, -ERANGE,
			       "%s: range %#llx+%#llx goes beyond the %u-bit physical address space",
			       place, (unsigned long long)r->base,
			       (unsigned long long)r->size, b->pa_bits);
	return 0;
}

/* Insert r into kind k, sorted, refusing overlaps within the kind (RAM may
 * be reserved: the two lists are independent, as memblock's are). */
static int add_range(struct mm_build *b, int k, struct ptk_memmap_range r,
		     const char *place, struct ptk_error *err)
{
	struct ptk_memmap_range *v;
	size_t i;
	int rc = check_range(b, &r, place, err);

	if (rc)
		return rc;
	i = insert_point(b, k, r.base);
	v = b->map.ranges[k];
	if (i > 0 && v[i - 1].base + v[i - 1].size > r.base)
		return overlap_err(err, place, k, &r, &v[i - 1]);
	if (i < b->map.nr[k] && r.base + r.size > v[i].base)
		return overlap_err(err, place, k, &r, &v[i]);
	rc = grow(b, k, err);
	if (rc)
		return rc;
	if (!r.fw_size) {
		r.fw_base = r.base;
		r.fw_size = r.size;
	}
	v = b->map.ranges[k];
	memmove(&v[i + 1], &v[i], (b->map.nr[k] - i) * sizeof(*v));
	v[i] = r;
	b->map.nr[k]++;
	return 0;
}

/*
 * Usable RAM shrunk inward to whole pages: a page allocator cannot hand out
 * a page it only partly owns.  The kernel does this for device-tree memory
 * in early_init_dt_add_memory_arch(); e820 RAM goes to memblock as is and
 * only whole pages are freed to the buddy allocator (PFN_UP/PFN_DOWN in
 * mm/memblock.c, __free_memory_core()).  Returns false if no whole page is left.
 */
static bool trim_to_pages(uint64_t *base, uint64_t *size)
{
	/* Callers have checked the range against 2^pa_bits: no overflow. */
	uint64_t first = (*base + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
	uint64_t last = (*base + *size) & ~PAGE_MASK_LOW;

	if (last <= first)
		return false;
	*base = first;
	*size = last - first;
	return true;
}

/* --- lexing -------------------------------------------------------------- */

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * An unsigned number, hex with a 0x prefix or decimal.  Returns 0,
 * -EINVAL if there are no digits, -ERANGE if it does not fit in 64 bits;
 * *p is advanced past the digits.
 */
static int lex_number(const char **p, uint64_t *out)
{
	const char *s = *p;
	unsigned radix = 10;
	uint64_t v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hex_digit(s[2]) >= 0) {
		radix = 16;
		s += 2;
	}
	if (hex_digit(*s) < 0 || (unsigned)hex_digit(*s) >= radix)
		return -EINVAL;
	for (; (d = hex_digit(*s)) >= 0 && (unsigned)d < radix; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / radix)
			return -ERANGE;
		v = v * radix + (uint64_t)d;
	}
	*p = s;
	*out = v;
	return 0;
}

/* memparse()'s binary suffixes (lib/cmdline.c), each a further 10 bits. */
static int lex_size(const char **p, uint64_t *out)
{
	static const char suffixes[] = "KMGTPE";
	const char *s;
	int rc = lex_number(p, out);

	if (rc)
		return rc;
	s = strchr(suffixes, toupper((unsigned char)**p));
	if (**p && s && *s) {
		unsigned shift = 10 * (unsigned)(s - suffixes + 1);

		if (*out > UINT64_MAX >> shift)
			return -ERANGE;
		*out <<= shift;
		(*p)++;
	}
	return 0;
}

static int number_err(struct ptk_error *err, int rc, const char *place, const char *what)
{
	if (rc == -ERANGE)
		return ptk_err(err, -ERANGE, "%s: %s does not fit in 64 bits", place, what);
	return ptk_err(err, -EINVAL, "%s: expected a number for %s", place, what);
}

/* --- ram= / reserve= ----------------------------------------------------- */

static const char *const ranges_opt[PTK_MEMMAP_NR_KINDS] = { "ram=", "reserve=", NULL };

/* The three item forms: BASE+SIZE (ptkit's machine line), SIZE@BASE
 * (Linux memmap=nn@ss) and BASE-END with END inclusive (/proc/iomem). */
static int item_from(char sep, uint64_t first, uint64_t second, const char *place,
		     struct ptk_memmap_range *r, struct ptk_error *err)
{
	switch (sep) {
	case '+':
		r->base = first;
		r->size = second;	/* too big or empty: add_range() says so */
		return 0;
	case '@':
		r->base = second;
		r->size = first;
		return 0;
	default:
		break;
	}
	if (second < first)
		return ptk_err(err, -EINVAL, "%s: end %#llx is below base %#llx", place,
			       (unsigned long long)second, (unsigned long long)first);
	r->base = first;
	r->size = second - first + 1;	/* 0 only for 0-UINT64_MAX */
	if (r->size == 0)
		return ptk_err(err, -ERANGE, "%s: range does not fit in 64 bits", place);
	return 0;
}

static const char *second_name(char sep)
{
	return sep == '+' ? "SIZE" : sep == '@' ? "BASE" : "END";
}

/* One item, already past leading blanks. */
static int lex_item(const char **p, const char *place, struct ptk_memmap_range *r,
		    struct ptk_error *err)
{
	uint64_t first, second;
	char sep;
	int rc = lex_size(p, &first);

	if (rc)
		return number_err(err, rc, place, "the first number");
	*p = skip_blanks(*p);
	sep = **p;
	if (sep != '+' && sep != '@' && sep != '-')
		return ptk_err(err, -EINVAL, "%s: expected BASE+SIZE, SIZE@BASE or BASE-END",
			       place);
	*p = skip_blanks(*p + 1);
	rc = lex_size(p, &second);
	if (rc)
		return number_err(err, rc, place, second_name(sep));
	*p = skip_blanks(*p);
	if (**p && **p != ',')
		return ptk_err(err, -EINVAL, "%s: unexpected '%c' after the range", place, **p);
	return item_from(sep, first, second, place, r, err);
}

static int check_ram_alignment(const struct ptk_memmap_range *r, const char *place,
			       struct ptk_error *err)
{
	if (r->base & PAGE_MASK_LOW)
		return ptk_err(err, -EINVAL, "%s: base %#llx is not page-aligned", place,
			       (unsigned long long)r->base);
	if (r->size & PAGE_MASK_LOW)
		return ptk_err(err, -EINVAL, "%s: size %#llx is not a whole number of pages",
			       place, (unsigned long long)r->size);
	return 0;
}

static int parse_ranges(struct mm_build *b, int k, const char *text, struct ptk_error *err)
{
	const char *p = skip_blanks(text);
	char place[PLACE_MAX];
	size_t item = 0;

	if (!*p)
		return ptk_err(err, -EINVAL, "%s: no ranges given", ranges_opt[k]);
	for (;;) {
		struct ptk_memmap_range r = { .type = k == PTK_MEMMAP_RAM ?
						      PTK_E820_RAM : PTK_E820_RESERVED };
		int rc;

		snprintf(place, sizeof(place), "%s item %zu", ranges_opt[k], ++item);
		p = skip_blanks(p);
		rc = lex_item(&p, place, &r, err);
		if (!rc && k == PTK_MEMMAP_RAM)
			rc = check_ram_alignment(&r, place, err);
		if (!rc)
			rc = add_range(b, k, r, place, err);
		if (rc)
			return rc;
		if (!*p)
			return 0;
		p++;	/* the comma */
	}
}

int ptk_memmap_parse_ranges(struct ptk_memmap *map, enum ptk_memmap_kind kind,
			    const char *text, unsigned pa_bits, struct ptk_error *err)
{
	struct mm_build b;
	int rc;

	if (kind != PTK_MEMMAP_RAM && kind != PTK_MEMMAP_RESERVED)
		return ptk_err(err, -EINVAL, "memory map kind %d has no ranges= syntax", (int)kind);
	rc = build_begin(&b, map, pa_bits, err);
	if (rc)
		return rc;
	return build_end(&b, map, parse_ranges(&b, kind, text, err));
}

/* --- e820 ---------------------------------------------------------------- */

/* The names e820__print_table() is called with for the firmware's table
 * (x86_init.resources.memory_setup: e820__memory_setup_default()). */
static const char *const e820_who[] = { "BIOS-e820:", "BIOS-e801:", "BIOS-88:" };

/* e820_print_type()'s fixed strings. */
static const struct {
	const char *name;
	uint32_t type;
} e820_names[] = {
	{ "usable", PTK_E820_RAM },
	{ "reserved", PTK_E820_RESERVED },
	{ "soft reserved", PTK_E820_SOFT_RESERVED },
	{ "ACPI data", PTK_E820_ACPI },
	{ "ACPI NVS", PTK_E820_NVS },
	{ "unusable", PTK_E820_UNUSABLE },
};

struct e820_line {
	const char *start;	/* first character of the line */
	const char *end;	/* its newline or NUL */
	unsigned nr;
};

static int line_err(struct ptk_error *err, const struct e820_line *l, const char *at,
		    const char *what)
{
	return ptk_err(err, -EINVAL, "line %u, column %u: %s", l->nr,
		       (unsigned)(at - l->start) + 1, what);
}

static bool lex_word(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n))
		return false;
	*p += n;
	return true;
}

static const char *find_who(const struct e820_line *l)
{
	for (const char *p = l->start; p < l->end; p++)
		for (size_t i = 0; i < sizeof(e820_who) / sizeof(e820_who[0]); i++)
			if (lex_word(&p, e820_who[i]))
				return p;
	return NULL;
}

/* "0x" and 1-16 hex digits, as %#018Lx prints them. */
static int lex_e820_addr(const char **p, const struct e820_line *l, uint64_t *out,
			 struct ptk_error *err)
{
	const char *s = *p;
	int rc;

	if (!lex_word(&s, "0x") || hex_digit(*s) < 0)
		return line_err(err, l, *p, "expected a 0x hex address");
	s = *p;
	rc = lex_number(&s, out);
	if (rc)
		return line_err(err, l, *p, "address does not fit in 64 bits");
	*p = s;
	return 0;
}

/* "type N" and "persistent (type N)": N decimal, 32 bits. */
static bool lex_type_number(const char *p, const char *end, const char *prefix,
			    const char *suffix, uint32_t *type)
{
	uint64_t v;

	if (!lex_word(&p, prefix) || lex_number(&p, &v) || v > UINT32_MAX)
		return false;
	if (!lex_word(&p, suffix) || p != end)
		return false;
	*type = (uint32_t)v;
	return true;
}

static int lex_e820_type(const char *p, const struct e820_line *l, uint32_t *type,
			 struct ptk_error *err)
{
	const char *end = l->end;

	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	for (size_t i = 0; i < sizeof(e820_names) / sizeof(e820_names[0]); i++) {
		size_t n = strlen(e820_names[i].name);

		if ((size_t)(end - p) == n && !strncmp(p, e820_names[i].name, n)) {
			*type = e820_names[i].type;
			return 0;
		}
	}
	if (lex_type_number(p, end, "persistent (type ", ")", type) ||
	    lex_type_number(p, end, "type ", "", type))
		return 0;
	return line_err(err, l, p, "unknown e820 type");
}

/* " [mem 0xSTART-0xEND] TYPE" after the who: word. */
static int lex_e820_entry(const char *p, const struct e820_line *l,
			  struct ptk_memmap_range *r, struct ptk_error *err)
{
	uint64_t first, last;
	int rc;

	p = skip_blanks(p);
	if (!lex_word(&p, "[mem "))
		return line_err(err, l, p, "expected \"[mem \"");
	rc = lex_e820_addr(&p, l, &first, err);
	if (rc)
		return rc;
	if (!lex_word(&p, "-"))
		return line_err(err, l, p, "expected '-'");
	rc = lex_e820_addr(&p, l, &last, err);
	if (rc)
		return rc;
	if (last < first)
		return line_err(err, l, p, "end is below start");
	if (last - first == UINT64_MAX)
		return line_err(err, l, p, "range does not fit in 64 bits");
	if (!lex_word(&p, "]"))
		return line_err(err, l, p, "expected ']'");
	if (*p != ' ' && *p != '\t')
		return line_err(err, l, p, "expected a space and the type");
	r->base = first;
	r->size = last - first + 1;
	return lex_e820_type(skip_blanks(p), l, &r->type, err);
}

static int add_e820_line(struct mm_build *b, const struct e820_line *l, const char *who_end,
			 struct ptk_error *err)
{
	struct ptk_memmap_range r = { 0 };
	char place[PLACE_MAX];
	int rc = lex_e820_entry(who_end, l, &r, err);

	if (rc)
		return rc;
	snprintf(place, sizeof(place), "line %u, column %u", l->nr,
		 (unsigned)(who_end - l->start) + 1);
	if (r.type != PTK_E820_RAM)
		return add_range(b, PTK_MEMMAP_RESERVED, r, place, err);
	rc = check_range(b, &r, place, err);
	r.fw_base = r.base;
	r.fw_size = r.size;
	if (rc || !trim_to_pages(&r.base, &r.size))
		return rc;
	return add_range(b, PTK_MEMMAP_RAM, r, place, err);
}

static int parse_e820(struct mm_build *b, const char *text, struct ptk_error *err)
{
	struct e820_line l = { .start = text };
	unsigned entries = 0;

	for (l.nr = 1;; l.nr++) {
		const char *who_end;
		int rc;

		l.end = l.start + strcspn(l.start, "\n");
		who_end = find_who(&l);
		if (who_end) {
			rc = add_e820_line(b, &l, who_end, err);
			if (rc)
				return rc;
			entries++;
		}
		if (!*l.end)
			break;
		l.start = l.end + 1;
	}
	if (!entries)
		return ptk_err(err, -EINVAL, "no BIOS-e820 lines found (%u lines read)", l.nr);
	return 0;
}

int ptk_memmap_parse_e820(struct ptk_memmap *map, const char *text, unsigned pa_bits,
			  struct ptk_error *err)
{
	struct mm_build b;
	int rc = build_begin(&b, map, pa_bits, err);

	if (rc)
		return rc;
	return build_end(&b, map, parse_e820(&b, text, err));
}

static const char *e820_type_name(uint32_t type, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(e820_names) / sizeof(e820_names[0]); i++)
		if (e820_names[i].type == type)
			return e820_names[i].name;
	if (type == PTK_E820_PMEM || type == PTK_E820_PRAM)
		snprintf(buf, len, "persistent (type %u)", type);
	else
		snprintf(buf, len, "type %u", type);
	return buf;
}

/* e820__print_table()'s format: "%s: [mem %#018Lx-%#018Lx] " and the type. */
static int print_e820_range(const struct ptk_memmap_range *r, FILE *out)
{
	char buf[TYPE_NAME_MAX];

	return fprintf(out, "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n",
		       (unsigned long long)r->base,
		       (unsigned long long)(r->base + r->size - 1),
		       e820_type_name(r->type, buf, sizeof(buf))) < 0 ? -EIO : 0;
}

int ptk_memmap_print_e820(const struct ptk_memmap *map, FILE *out)
{
	const struct ptk_memmap_range *ram = map->ranges[PTK_MEMMAP_RAM];
	const struct ptk_memmap_range *res = map->ranges[PTK_MEMMAP_RESERVED];
	size_t i = 0, j = 0, nr = map->nr[PTK_MEMMAP_RAM], nres = map->nr[PTK_MEMMAP_RESERVED];
	int rc = 0;

	while (!rc && (i < nr || j < nres)) {
		if (j == nres || (i < nr && ram[i].base <= res[j].base))
			rc = print_e820_range(&ram[i++], out);
		else
			rc = print_e820_range(&res[j++], out);
	}
	return rc;
}

/* --- device-tree reg ----------------------------------------------------- */

struct dt_lexer {
	const char *text, *p;
	bool in_group;		/* between '<' and '>' */
};

static int dt_err(struct ptk_error *err, const struct dt_lexer *lx, const char *what)
{
	return ptk_err(err, -EINVAL, "reg column %u: %s", (unsigned)(lx->p - lx->text) + 1,
		       what);
}

/* Skip blanks, newlines and group brackets up to the next cell.  Returns 1
 * with a cell ahead, 0 at a clean end, or an error. */
static int dt_seek_cell(struct dt_lexer *lx, struct ptk_error *err)
{
	for (;;) {
		lx->p += strspn(lx->p, " \t\r\n");
		if (!lx->in_group && *lx->p == '<') {
			lx->in_group = true;
		} else if (lx->in_group && *lx->p == '>') {
			lx->in_group = false;
		} else if (!lx->in_group && (*lx->p == ',' || *lx->p == ';')) {
			/* between groups, or the property's end */
		} else if (!*lx->p) {
			return lx->in_group ? dt_err(err, lx, "missing '>'") : 0;
		} else if (lx->in_group) {
			return 1;
		} else {
			return dt_err(err, lx, "expected '<'");
		}
		lx->p++;
	}
}

static int dt_lex_cell(struct dt_lexer *lx, uint32_t *cell, struct ptk_error *err)
{
	uint64_t v;
	const char *at = lx->p;
	int rc = lex_number(&lx->p, &v);

	*cell = 0;	/* gcc -O3 cannot see that every error return is non-zero */
	if (rc == -EINVAL)
		return dt_err(err, lx, "expected a cell (a number)");
	if (rc || v > UINT32_MAX) {
		lx->p = at;
		return dt_err(err, lx, "cell does not fit in 32 bits");
	}
	if (*lx->p && !strchr(" \t\r\n>", *lx->p))
		return dt_err(err, lx, "unexpected character after a cell");
	*cell = (uint32_t)v;
	return 0;
}

/* cells 32-bit big-endian words, most significant first (of_read_number). */
static int dt_lex_value(struct dt_lexer *lx, unsigned cells, uint64_t *out,
			struct ptk_error *err)
{
	*out = 0;
	for (unsigned i = 0; i < cells; i++) {
		uint32_t cell;
		int rc = dt_seek_cell(lx, err);

		if (rc == 0)
			return dt_err(err, lx, "reg ends inside an entry");
		if (rc < 0)
			return rc;
		rc = dt_lex_cell(lx, &cell, err);
		if (rc)
			return rc;
		*out = (*out << CELL_BITS) | cell;	/* 2 cells at most: no bits lost */
	}
	return 0;
}

static int add_dt_entry(struct mm_build *b, uint64_t base, uint64_t size, size_t entry,
			struct ptk_error *err)
{
	struct ptk_memmap_range r = { base, size, PTK_E820_RAM };
	char place[PLACE_MAX];
	int rc;

	snprintf(place, sizeof(place), "reg entry %zu", entry);
	rc = check_range(b, &r, place, err);
	r.fw_base = r.base;
	r.fw_size = r.size;
	if (rc || !trim_to_pages(&r.base, &r.size))
		return rc;
	return add_range(b, PTK_MEMMAP_RAM, r, place, err);
}

static int parse_dt_reg(struct mm_build *b, const char *text, unsigned ac, unsigned sc,
			struct ptk_error *err)
{
	struct dt_lexer lx = { .text = text, .p = text };
	size_t entry = 0;
	int rc;

	lx.p += strspn(lx.p, " \t\r\n");
	if (lex_word(&lx.p, "reg")) {
		lx.p += strspn(lx.p, " \t");
		if (!lex_word(&lx.p, "="))
			return dt_err(err, &lx, "expected '=' after reg");
	}
	while ((rc = dt_seek_cell(&lx, err)) > 0) {
		uint64_t base, size;

		rc = dt_lex_value(&lx, ac, &base, err);
		if (!rc)
			rc = dt_lex_value(&lx, sc, &size, err);
		if (!rc)
			rc = add_dt_entry(b, base, size, ++entry, err);
		if (rc)
			return rc;
	}
	if (!rc && !entry)
		return ptk_err(err, -EINVAL, "reg: no entries given");
	return rc;
}

int ptk_memmap_parse_dt_reg(struct ptk_memmap *map, const char *text,
			    unsigned address_cells, unsigned size_cells, unsigned pa_bits,
			    struct ptk_error *err)
{
	struct mm_build b;
	int rc;

	if (address_cells < 1 || address_cells > 2 || size_cells < 1 || size_cells > 2)
		return ptk_err(err, -EINVAL,
			       "#address-cells %u / #size-cells %u: each must be 1 or 2",
			       address_cells, size_cells);
	rc = build_begin(&b, map, pa_bits, err);
	if (rc)
		return rc;
	return build_end(&b, map, parse_dt_reg(&b, text, address_cells, size_cells, err));
}

/* --- presets ------------------------------------------------------------- */

/*
 * QEMU's PC machines as SeaBIOS reports them under KVM (compare
 * tests/data/e820/qemu-pc-2g.dmesg), with usable RAM trimmed to pages:
 *   0 - 0x9efff		usable (0x9fbff as printed: SeaBIOS keeps a
 *				1 KiB EBDA at 0x9fc00)
 *   0x9fc00 - 0x9ffff		reserved (EBDA)
 *   0xf0000 - 0xfffff		reserved (BIOS ROM shadow)
 *   1 MiB - below_4g - 128K	usable
 *   below_4g - 128K - below_4g-1 reserved (SeaBIOS's high zone)
 *   [q35: 0xb0000000 - 0xbfffffff reserved, PCIe MMCONFIG (MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT)]
 *   0xfeffc000 - 0xfeffffff	reserved (KVM identity map + TSS, target/i386/kvm)
 *   0xfffc0000 - 0xffffffff	reserved (the 256 KiB BIOS image)
 *   4 GiB - 4 GiB + above_4g	usable
 * below_4g follows hw/i386/pc_piix.c (pc_init1, gigabyte_align): all RAM
 * if ram < 0xe0000000, else 0xc0000000; hw/i386/pc_q35.c: all RAM if
 * ram < 0xb0000000, else 0x80000000.
 */
#define PC_EBDA_BASE		0x9fc00ull
#define PC_BIOS_SHADOW_BASE	0xf0000ull
#define PC_HIGH_MEMORY		MiB
#define PC_SEABIOS_HIGH_ZONE	(128 * KiB)
#define PC_KVM_IDENTITY_BASE	0xfeffc000ull
#define PC_BIOS_ROM_BASE	0xfffc0000ull
#define PC_4G			(4 * GiB)
#define PIIX_LOWMEM_MAX		0xe0000000ull
#define PIIX_LOWMEM_ALIGNED	0xc0000000ull
#define Q35_LOWMEM_MAX		0xb0000000ull
#define Q35_LOWMEM_SPLIT	0x80000000ull
#define Q35_MMCONFIG_BASE	0xb0000000ull
#define Q35_MMCONFIG_SIZE	(256 * MiB)

/* hw/arm/virt.c base_memmap[VIRT_MEM]: RAM from 1 GiB, up to 255 GiB. */
#define VIRT_RAM_BASE		GiB
#define VIRT_RAM_MAX		(255 * GiB)
/* hw/arm/vexpress.c a15_daughterboard_map[VE_DRAM] and its 30 GB limit;
 * the kernel's vexpress-v2p-ca15-tc1.dts has memory@80000000 of 1 GiB. */
#define VEXPRESS_A15_RAM_BASE	0x80000000ull
#define VEXPRESS_A15_RAM_MAX	(30 * GiB)

#define PC_KVM_IDENTITY_SIZE	0x4000ull	/* identity-map page + 3 TSS pages */
#define PC_MIN_RAM		(2 * MiB)	/* RAM past 1 MiB and the high zone */
#define PC_MAX_RAM		(1ull << 40)	/* ptkit's limit, not QEMU's */

struct preset_range {
	int kind;
	uint64_t base, end;	/* end exclusive */
};

struct preset {
	const char *name;
	uint64_t default_ram, min_ram, max_ram;
	size_t (*layout)(uint64_t ram, struct preset_range *out);
};

#define PRESET_RANGES_MAX 9

static size_t pc_layout(uint64_t ram, uint64_t below_4g, bool q35, struct preset_range *out)
{
	const uint64_t top = below_4g - PC_SEABIOS_HIGH_ZONE;
	size_t n = 0;

	out[n++] = (struct preset_range){ PTK_MEMMAP_RAM, 0, PC_EBDA_BASE & ~PAGE_MASK_LOW };
	out[n++] = (struct preset_range){ PTK_MEMMAP_RESERVED, PC_EBDA_BASE, PC_EBDA_BASE + KiB };
	out[n++] = (struct preset_range){ PTK_MEMMAP_RESERVED, PC_BIOS_SHADOW_BASE,
					  PC_HIGH_MEMORY };
	out[n++] = (struct preset_range){ PTK_MEMMAP_RAM, PC_HIGH_MEMORY, top };
	out[n++] = (struct preset_range){ PTK_MEMMAP_RESERVED, top, below_4g };
	if (q35)
		out[n++] = (struct preset_range){ PTK_MEMMAP_RESERVED, Q35_MMCONFIG_BASE,
						  Q35_MMCONFIG_BASE + Q35_MMCONFIG_SIZE };
	out[n++] = (struct preset_range){ PTK_MEMMAP_RESERVED, PC_KVM_IDENTITY_BASE,
					  PC_KVM_IDENTITY_BASE + PC_KVM_IDENTITY_SIZE };
	out[n++] = (struct preset_range){ PTK_MEMMAP_RESERVED, PC_BIOS_ROM_BASE, PC_4G };
	if (ram > below_4g)
		out[n++] = (struct preset_range){ PTK_MEMMAP_RAM, PC_4G, PC_4G + ram - below_4g };
	return n;
}

static size_t qemu_pc_layout(uint64_t ram, struct preset_range *out)
{
	return pc_layout(ram, ram >= PIIX_LOWMEM_MAX ? PIIX_LOWMEM_ALIGNED : ram, false, out);
}

static size_t qemu_q35_layout(uint64_t ram, struct preset_range *out)
{
	return pc_layout(ram, ram >= Q35_LOWMEM_MAX ? Q35_LOWMEM_SPLIT : ram, true, out);
}

static size_t qemu_virt_layout(uint64_t ram, struct preset_range *out)
{
	out[0] = (struct preset_range){ PTK_MEMMAP_RAM, VIRT_RAM_BASE, VIRT_RAM_BASE + ram };
	return 1;
}

static size_t vexpress_a15_layout(uint64_t ram, struct preset_range *out)
{
	out[0] = (struct preset_range){ PTK_MEMMAP_RAM, VEXPRESS_A15_RAM_BASE,
					VEXPRESS_A15_RAM_BASE + ram };
	return 1;
}

static const struct preset presets[] = {
	{ "qemu-pc", 2 * GiB, PC_MIN_RAM, PC_MAX_RAM, qemu_pc_layout },
	{ "qemu-q35", 2 * GiB, PC_MIN_RAM, PC_MAX_RAM, qemu_q35_layout },
	{ "qemu-virt", GiB, PTK_PAGE_SIZE, VIRT_RAM_MAX, qemu_virt_layout },
	{ "vexpress-a15", GiB, PTK_PAGE_SIZE, VEXPRESS_A15_RAM_MAX, vexpress_a15_layout },
};

static const struct preset *find_preset(const char *name)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

static int check_preset_ram(const struct preset *ps, uint64_t ram, struct ptk_error *err)
{
	if (ram & PAGE_MASK_LOW)
		return ptk_err(err, -EINVAL, "preset %s: RAM size %#llx is not page-aligned",
			       ps->name, (unsigned long long)ram);
	if (ram < ps->min_ram || ram > ps->max_ram)
		return ptk_err(err, -ERANGE,
			       "preset %s: RAM size %#llx is outside %#llx..%#llx", ps->name,
			       (unsigned long long)ram, (unsigned long long)ps->min_ram,
			       (unsigned long long)ps->max_ram);
	return 0;
}

static int build_preset(struct mm_build *b, const struct preset *ps, uint64_t ram,
			struct ptk_error *err)
{
	struct preset_range pr[PRESET_RANGES_MAX];
	size_t n = ps->layout(ram, pr);

	for (size_t i = 0; i < n; i++) {
		struct ptk_memmap_range r = { pr[i].base, pr[i].end - pr[i].base,
					      pr[i].kind == PTK_MEMMAP_RAM ?
					      PTK_E820_RAM : PTK_E820_RESERVED };
		char place[PLACE_MAX];
		int rc;

		snprintf(place, sizeof(place), "preset %s", ps->name);
		rc = add_range(b, pr[i].kind, r, place, err);
		if (rc)
			return rc;
	}
	return 0;
}

int ptk_memmap_preset(struct ptk_memmap *map, const char *name, uint64_t ram_size,
		      struct ptk_error *err)
{
	const struct preset *ps = find_preset(name);
	struct mm_build b;
	int rc;

	if (!ps)
		return ptk_err(err, -ENOENT,
			       "unknown memory map preset \"%s\" (qemu-pc, qemu-q35, qemu-virt, vexpress-a15)",
			       name);
	if (!ram_size)
		ram_size = ps->default_ram;
	rc = check_preset_ram(ps, ram_size, err);
	if (!rc)
		rc = build_begin(&b, map, PTK_PHYS_MAX_BITS, err);
	if (rc)
		return rc;
	return build_end(&b, map, build_preset(&b, ps, ram_size, err));
}

/* --- x86's edits of the firmware map ------------------------------------ */

#define X86_BIOS_DATA_END	0x1000ull	/* the first page */
#define X86_BIOS_BEGIN		0xa0000ull	/* legacy VGA RAM and BIOS ROMs */
#define X86_BIOS_END		0x100000ull
#define X86_REALMODE_END	0x100000ull	/* reserve_real_mode(): SZ_1M */

static void remove_at(struct mm_build *b, int k, size_t i)
{
	struct ptk_memmap_range *v = b->map.ranges[k];

	memmove(&v[i], &v[i + 1], (b->map.nr[k] - i - 1) * sizeof(*v));
	b->map.nr[k]--;
}

/* The part of r (and of its firmware extent) in [lo, hi); false if none. */
static bool clip_range(struct ptk_memmap_range r, uint64_t lo, uint64_t hi,
		       struct ptk_memmap_range *out)
{
	uint64_t end = r.base + r.size, fw_end = r.fw_base + r.fw_size;

	*out = r;
	out->base = r.base > lo ? r.base : lo;
	out->size = (end < hi ? end : hi) - out->base;
	out->fw_base = r.fw_base > lo ? r.fw_base : lo;
	out->fw_size = (fw_end < hi ? fw_end : hi) - out->fw_base;
	return out->base < (end < hi ? end : hi);
}

/* e820__range_remove() of RAM: what is left of each range it cuts stays. */
static int cut_ram(struct mm_build *b, uint64_t start, uint64_t end, struct ptk_error *err)
{
	for (size_t i = 0; i < b->map.nr[PTK_MEMMAP_RAM]; i++) {
		struct ptk_memmap_range r = b->map.ranges[PTK_MEMMAP_RAM][i], part;
		int rc = 0;

		if (r.base + r.size <= start || r.base >= end)
			continue;
		remove_at(b, PTK_MEMMAP_RAM, i);
		if (clip_range(r, 0, start, &part))
			rc = add_range(b, PTK_MEMMAP_RAM, part, "trim_bios_range", err);
		if (!rc && clip_range(r, end, UINT64_MAX, &part))
			rc = add_range(b, PTK_MEMMAP_RAM, part, "trim_bios_range", err);
		if (rc)
			return rc;
		i = (size_t)-1;		/* the list changed: look again */
	}
	return 0;
}

static bool overlaps_kind(const struct mm_build *b, int k, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < b->map.nr[k]; i++) {
		const struct ptk_memmap_range *r = &b->map.ranges[k][i];

		if (r->base < end && start < r->base + r->size)
			return true;
	}
	return false;
}

static int x86_trim_bios_range(struct mm_build *b, struct ptk_error *err)
{
	struct ptk_memmap_range bios_data = {
		.base = 0, .size = X86_BIOS_DATA_END, .type = PTK_E820_RESERVED,
	};
	struct ptk_memmap_range realmode = {
		.base = 0, .size = X86_REALMODE_END, .type = PTK_E820_RESERVED,
	};
	int rc = cut_ram(b, 0, X86_BIOS_DATA_END, err);

	if (!rc && !overlaps_kind(b, PTK_MEMMAP_RESERVED, 0, X86_BIOS_DATA_END))
		rc = add_range(b, PTK_MEMMAP_RESERVED, bios_data, "trim_bios_range", err);
	if (!rc)
		rc = cut_ram(b, X86_BIOS_BEGIN, X86_BIOS_END, err);
	if (!rc)
		rc = add_range(b, PTK_MEMMAP_MEMBLOCK, realmode, "reserve_real_mode", err);
	return rc;
}

int ptk_memmap_x86_trim_bios_range(struct ptk_memmap *map, unsigned pa_bits,
				   struct ptk_error *err)
{
	struct mm_build b;
	int rc = build_begin(&b, map, pa_bits, err);

	if (rc)
		return rc;
	return build_end(&b, map, x86_trim_bios_range(&b, err));
}
