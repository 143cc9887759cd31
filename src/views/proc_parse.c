// SPDX-License-Identifier: MIT
/*
 * One parser for the /proc memory files, whether ptkit or a kernel wrote
 * them.  It is strict about the shape of each line and lenient about which
 * counters appear, so that files of other kernel versions and
 * configurations (tests/data/proc) parse too.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <ptkit/error.h>
#include <ptkit/procfs.h>

/* A cursor over the text, one line at a time, counting lines for errors. */
struct lines {
	const char *p;
	unsigned int nr;
	char buf[512];
	bool overlong;			/* stopped at a line longer than buf */
	struct ptk_error *err;
};

static int bad_line(struct lines *l, const char *what)
{
	return ptk_err(l->err, -EINVAL, "line %u: %s", l->nr, what);
}

/* The next line into buf; false at the end or at an over-long line, which
 * sets overlong and the error. */
static bool next_line(struct lines *l)
{
	size_t n;

	if (!*l->p || l->overlong)
		return false;
	n = strcspn(l->p, "\n");
	l->nr++;
	if (n >= sizeof(l->buf)) {
		l->overlong = true;
		bad_line(l, "line too long");
		return false;
	}
	memcpy(l->buf, l->p, n);
	l->buf[n] = '\0';
	l->p += n;
	if (*l->p)
		l->p++;
	return true;
}

/* What a parser returns when its loop ends: its own code, or the
 * over-long line's. */
static int lines_done(const struct lines *l, int rc)
{
	return rc ? rc : l->overlong ? -EINVAL : 0;
}

static bool blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A decimal number at *s; advances past it. */
static bool take_u64(const char **s, uint64_t *v)
{
	const char *p = skip_spaces(*s);
	char *end;

	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	*v = strtoull(p, &end, 10);
	if (errno)
		return false;
	*s = end;
	return true;
}

/* A word (up to a space or one of stop) into a PTK_PROC_NAME_MAX buffer. */
static bool take_word(const char **s, char *out, const char *stop)
{
	const char *p = skip_spaces(*s);
	size_t n = 0;

	while (p[n] && p[n] != ' ' && p[n] != '\t' && !strchr(stop, p[n]))
		n++;
	if (!n || n >= PTK_PROC_NAME_MAX)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	*s = p + n;
	return true;
}

static bool take_literal(const char **s, const char *lit)
{
	const char *p = skip_spaces(*s);
	size_t n = strlen(lit);

	if (strncmp(p, lit, n))
		return false;
	*s = p + n;
	return true;
}

/* "Node N, zone NAME" */
static bool take_node_zone(const char **s, unsigned int *node, char *zone)
{
	uint64_t n;

	if (!take_literal(s, "Node") || !take_u64(s, &n) || n > 0xffff ||
	    !take_literal(s, ",") || !take_literal(s, "zone") || !take_word(s, zone, ","))
		return false;
	*node = (unsigned int)n;
	return true;
}

/* Numbers to the end of the line, each perhaps marked capped by a '>'
 * (pagetypeinfo's cut-off); how many, or -1 on anything else. */
static int take_counts(const char *s, uint64_t *v, unsigned int max, uint16_t *capped)
{
	unsigned int n = 0;

	for (s = skip_spaces(s); *s; s = skip_spaces(s)) {
		if (n == max)
			return -1;
		if (*s == '>' && capped) {
			*capped |= (uint16_t)(1u << n);
			s++;
		}
		if (!take_u64(&s, &v[n]))
			return -1;
		n++;
	}
	return (int)n;
}

/* ---- buddyinfo ---- */

int ptk_proc_parse_buddyinfo(const char *text, struct ptk_proc_buddyinfo *out,
			     struct ptk_error *err)
{
	struct lines l = { .p = text, .err = err };

	memset(out, 0, sizeof(*out));
	while (next_line(&l)) {
		const char *s = l.buf;
		int n;

		if (blank(s))
			continue;
		if (out->nr_rows == PTK_PROC_MAX_ZONES)
			return bad_line(&l, "too many zones");
		if (!take_node_zone(&s, &out->row[out->nr_rows].node, out->row[out->nr_rows].zone))
			return bad_line(&l, "expected 'Node N, zone NAME'");
		n = take_counts(s, out->row[out->nr_rows].nr_free, PTK_MAX_ORDER, NULL);
		if (n <= 0)
			return bad_line(&l, "expected one free count per order");
		if (out->nr_rows && (unsigned int)n != out->nr_orders)
			return bad_line(&l, "a different number of orders than the first row");
		out->nr_orders = (unsigned int)n;
		out->nr_rows++;
	}
	return lines_done(&l, 0);
}

/* ---- pagetypeinfo ---- */

static struct ptk_proc_pagetype_zone *ptinfo_find_zone(struct ptk_proc_pagetypeinfo *pi, unsigned int node,
				     const char *zone)
{
	for (size_t i = 0; i < pi->nr_zones; i++)
		if (pi->zone[i].node == node && !strcmp(pi->zone[i].zone, zone))
			return &pi->zone[i];
	if (pi->nr_zones == PTK_PROC_MAX_ZONES)
		return NULL;
	pi->zone[pi->nr_zones].node = node;
	strcpy(pi->zone[pi->nr_zones].zone, zone);
	return &pi->zone[pi->nr_zones++];
}

static int ptinfo_header_orders(struct lines *l, struct ptk_proc_pagetypeinfo *pi, const char *s)
{
	uint64_t o;

	while (take_u64(&s, &o)) {
		if (o != pi->nr_orders || pi->nr_orders == PTK_MAX_ORDER)
			return bad_line(l, "orders must count up from 0, at most 11");
		pi->nr_orders++;
	}
	return blank(s) && pi->nr_orders ? 0 : bad_line(l, "expected the orders");
}

static int ptinfo_header_types(struct lines *l, struct ptk_proc_pagetypeinfo *pi, const char *s)
{
	while (!blank(s)) {
		if (pi->nr_types == PTK_PROC_MAX_TYPES ||
		    !take_word(&s, pi->type[pi->nr_types], ""))
			return bad_line(l, "expected at most 7 migratetype names");
		pi->nr_types++;
	}
	return pi->nr_types ? 0 : bad_line(l, "expected the migratetype names");
}

static int ptinfo_type_index(const struct ptk_proc_pagetypeinfo *pi, const char *type)
{
	for (unsigned int t = 0; t < pi->nr_types; t++)
		if (!strcmp(pi->type[t], type))
			return (int)t;
	return -1;
}

/* "Node    0, zone      DMA, type    Unmovable      0 ..." */
static int ptinfo_free_row(struct lines *l, struct ptk_proc_pagetypeinfo *pi, const char *s)
{
	char zname[PTK_PROC_NAME_MAX], type[PTK_PROC_NAME_MAX];
	unsigned int node;
	struct ptk_proc_pagetype_zone *z;
	int t, n;

	if (!take_node_zone(&s, &node, zname) || !take_literal(&s, ",") ||
	    !take_literal(&s, "type") || !take_word(&s, type, ""))
		return bad_line(l, "expected 'Node N, zone NAME, type TYPE'");
	z = ptinfo_find_zone(pi, node, zname);
	if (!z)
		return bad_line(l, "too many zones");
	/* the free rows come before the type names of the block table */
	t = ptinfo_type_index(pi, type);
	if (t < 0) {
		if (pi->nr_types == PTK_PROC_MAX_TYPES)
			return bad_line(l, "too many migratetypes");
		t = (int)pi->nr_types;
		strcpy(pi->type[pi->nr_types++], type);
	}
	n = take_counts(s, z->nr_free[t], PTK_MAX_ORDER, &z->capped[t]);
	return n == (int)pi->nr_orders ? 0 : bad_line(l, "expected one count per order");
}

static int ptinfo_block_row(struct lines *l, struct ptk_proc_pagetypeinfo *pi, const char *s,
			    bool mixed)
{
	char zname[PTK_PROC_NAME_MAX];
	uint64_t counts[PTK_PROC_MAX_TYPES];
	unsigned int node;
	struct ptk_proc_pagetype_zone *z;

	if (!take_node_zone(&s, &node, zname))
		return bad_line(l, "expected 'Node N, zone NAME'");
	if (take_counts(s, counts, PTK_PROC_MAX_TYPES, NULL) != (int)pi->nr_types)
		return bad_line(l, "expected one block count per migratetype");
	if (mixed)	/* CONFIG_PAGE_OWNER's table: checked, not kept */
		return 0;
	z = ptinfo_find_zone(pi, node, zname);
	if (!z)
		return bad_line(l, "too many zones");
	memcpy(z->nr_blocks, counts, sizeof(counts));
	return 0;
}

int ptk_proc_parse_pagetypeinfo(const char *text, struct ptk_proc_pagetypeinfo *out,
				struct ptk_error *err)
{
	struct lines l = { .p = text, .err = err };
	enum { HEAD, FREE, BLOCKS, MIXED } part = HEAD;
	uint64_t v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (!rc && next_line(&l)) {
		const char *s = l.buf;

		if (blank(s))
			continue;
		if (take_literal(&s, "Page block order:") && take_u64(&s, &v) && v < 32) {
			out->pageblock_order = (unsigned int)v;
		} else if (s = l.buf, take_literal(&s, "Pages per block:") && take_u64(&s, &v)) {
			out->pages_per_block = v;
		} else if (s = l.buf, take_literal(&s, "Free pages count per migrate type at order")) {
			part = FREE;
			rc = ptinfo_header_orders(&l, out, s);
		} else if (s = l.buf, take_literal(&s, "Number of blocks type")) {
			part = BLOCKS;
			out->nr_types = 0;	/* the authoritative list */
			rc = ptinfo_header_types(&l, out, s);
		} else if (s = l.buf, take_literal(&s, "Number of mixed blocks")) {
			part = MIXED;
		} else if (part == FREE) {
			rc = ptinfo_free_row(&l, out, l.buf);
		} else if (part == BLOCKS || part == MIXED) {
			rc = ptinfo_block_row(&l, out, l.buf, part == MIXED);
		} else {
			rc = bad_line(&l, "unexpected line before the free-page table");
		}
	}
	if (!rc && !l.overlong && (!out->nr_orders || !out->nr_types))
		rc = ptk_err(err, -EINVAL, "line %u: no free-page or block table", l.nr);
	return lines_done(&l, rc);
}

/* ---- "key value" files ---- */

/*
 * "key value", "key: value", "key:   value kB": the last number on the
 * line is the value, everything before it the key, with a trailing colon
 * dropped and runs of spaces folded to one.
 */
static bool split_kv(const char *s, struct ptk_proc_kv *kv, bool allow_kb)
{
	char tmp[512];
	size_t n = strlen(s), k = 0;
	const char *num;

	snprintf(tmp, sizeof(tmp), "%s", s);
	while (n && isspace((unsigned char)tmp[n - 1]))
		tmp[--n] = '\0';
	if (allow_kb && n > 3 && !strcmp(tmp + n - 3, " kB"))
		tmp[n -= 3] = '\0';
	while (n && isdigit((unsigned char)tmp[n - 1]))
		n--;
	num = tmp + n;
	if (!*num || !n || !isspace((unsigned char)tmp[n - 1]))
		return false;
	while (n && isspace((unsigned char)tmp[n - 1]))
		n--;
	if (n && tmp[n - 1] == ':')
		n--;
	for (const char *p = skip_spaces(tmp); p < tmp + n; p++) {
		if (isspace((unsigned char)*p) && (!k || kv->key[k - 1] == ' '))
			continue;
		if (k + 1 >= PTK_PROC_NAME_MAX)
			return false;
		kv->key[k++] = isspace((unsigned char)*p) ? ' ' : *p;
	}
	kv->key[k] = '\0';
	errno = 0;
	kv->value = strtoull(num, NULL, 10);
	return k && !errno;
}

static int parse_kvfile(const char *text, struct ptk_proc_kvfile *out, bool kb,
			struct ptk_error *err)
{
	struct lines l = { .p = text, .err = err };

	memset(out, 0, sizeof(*out));
	while (next_line(&l)) {
		if (blank(l.buf))
			continue;
		if (out->nr_kv == PTK_PROC_MAX_KV)
			return bad_line(&l, "too many lines");
		if (!split_kv(l.buf, &out->kv[out->nr_kv], kb))
			return bad_line(&l, kb ? "expected 'Name:   value kB'" : "expected 'name value'");
		out->nr_kv++;
	}
	return lines_done(&l, 0);
}

int ptk_proc_parse_meminfo(const char *text, struct ptk_proc_kvfile *out, struct ptk_error *err)
{
	return parse_kvfile(text, out, true, err);
}

int ptk_proc_parse_vmstat(const char *text, struct ptk_proc_kvfile *out, struct ptk_error *err)
{
	return parse_kvfile(text, out, false, err);
}

bool ptk_proc_kv_get(const struct ptk_proc_kv *kv, size_t n, const char *key, uint64_t *value)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key)) {
			*value = kv[i].value;
			return true;
		}
	return false;
}

/* ---- zoneinfo ---- */

/* The per-CPU lines of a "cpu: N" block (6.1 and later kernels). */
static bool is_pcp_key(const char *key)
{
	static const char *const keys[] = {
		"count", "high", "batch", "high_min", "high_max", "vm stats threshold",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* "protection: (0, 3017, 6985)" */
static int zoneinfo_protection(struct lines *l, struct ptk_proc_zoneinfo_zone *z, const char *s)
{
	if (!take_literal(&s, "("))
		return bad_line(l, "expected 'protection: (N, ...)'");
	do {
		if (z->nr_protection == PTK_MM_MAX_ZONES ||
		    !take_u64(&s, &z->protection[z->nr_protection]))
			return bad_line(l, "expected at most 8 protection values");
		z->nr_protection++;
	} while (take_literal(&s, ","));
	return take_literal(&s, ")") && blank(s) ? 0 : bad_line(l, "expected ')'");
}

struct zoneinfo_state {
	struct ptk_proc_zoneinfo_zone *zone;
	bool in_pagesets;
	int cpu;
};

static int zoneinfo_kv(struct lines *l, struct zoneinfo_state *st)
{
	struct ptk_proc_zoneinfo_zone *z = st->zone;
	struct ptk_proc_kv kv;

	if (!split_kv(l->buf, &kv, false))
		return bad_line(l, "expected 'name value'");
	if (st->in_pagesets && st->cpu >= 0 && is_pcp_key(kv.key)) {
		char key[2 * PTK_PROC_NAME_MAX];

		snprintf(key, sizeof(key), "cpu%d.%s", st->cpu, kv.key);
		if (strlen(key) >= sizeof(kv.key))
			return bad_line(l, "per-CPU name too long");
		strcpy(kv.key, key);
	} else {
		st->in_pagesets = false;
	}
	if (z->nr_kv == PTK_PROC_MAX_KV)
		return bad_line(l, "too many lines in one zone");
	z->kv[z->nr_kv++] = kv;
	return 0;
}

static int zoneinfo_line(struct lines *l, struct ptk_proc_zoneinfo *out,
			 struct zoneinfo_state *st)
{
	const char *s = l->buf;
	uint64_t cpu;

	if (!strncmp(s, "Node", 4)) {
		if (out->nr_zones == PTK_PROC_MAX_ZONES)
			return bad_line(l, "too many zones");
		st->zone = &out->zone[out->nr_zones++];
		*st = (struct zoneinfo_state){ .zone = st->zone, .cpu = -1 };
		if (!take_node_zone(&s, &st->zone->node, st->zone->zone) || !blank(s))
			return bad_line(l, "expected 'Node N, zone NAME'");
		return 0;
	}
	if (!st->zone)
		return bad_line(l, "expected 'Node N, zone NAME' first");
	if (take_literal(&s, "per-node stats") && blank(s))
		return 0;
	if (s = l->buf, take_literal(&s, "pagesets") && blank(s)) {
		st->in_pagesets = true;
		return 0;
	}
	if (s = l->buf, take_literal(&s, "protection:"))
		return zoneinfo_protection(l, st->zone, s);
	if (s = l->buf, st->in_pagesets && take_literal(&s, "cpu:")) {
		if (!take_u64(&s, &cpu) || cpu > 4095 || !blank(s))
			return bad_line(l, "expected 'cpu: N'");
		st->cpu = (int)cpu;
		return 0;
	}
	return zoneinfo_kv(l, st);
}

int ptk_proc_parse_zoneinfo(const char *text, struct ptk_proc_zoneinfo *out,
			    struct ptk_error *err)
{
	struct lines l = { .p = text, .err = err };
	struct zoneinfo_state st = { .cpu = -1 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (!rc && next_line(&l))
		if (!blank(l.buf))
			rc = zoneinfo_line(&l, out, &st);
	return lines_done(&l, rc);
}

/* ---- iomem ---- */

static bool take_hex(const char **s, uint64_t *v)
{
	char *end;

	if (!isxdigit((unsigned char)**s))
		return false;
	errno = 0;
	*v = strtoull(*s, &end, 16);
	*s = end;
	return !errno;
}

/* "  00100000-bfffffff : System RAM"; names longer than the field are cut. */
static int iomem_line(struct lines *l, struct ptk_proc_iomem *out, unsigned int prev_depth)
{
	struct ptk_resource *r = &out->res[out->nr];
	const char *s = l->buf;
	size_t indent = strspn(s, " ");

	s += indent;
	if (indent % 2 || (out->nr && indent / 2 > prev_depth + 1) || (!out->nr && indent))
		return bad_line(l, "indentation must grow by two spaces per level");
	r->depth = (unsigned int)(indent / 2);
	if (!take_hex(&s, &r->start) || *s++ != '-' || !take_hex(&s, &r->end) ||
	    strncmp(s, " : ", 3) || r->end < r->start)
		return bad_line(l, "expected 'START-END : NAME'");
	snprintf(r->name, sizeof(r->name), "%s", s + 3);
	out->nr++;
	return 0;
}

int ptk_proc_parse_iomem(const char *text, struct ptk_proc_iomem *out, struct ptk_error *err)
{
	struct lines l = { .p = text, .err = err };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (!rc && next_line(&l)) {
		if (blank(l.buf))
			continue;
		if (out->nr == PTK_PROC_MAX_KV)
			return bad_line(&l, "too many resources");
		rc = iomem_line(&l, out, out->nr ? out->res[out->nr - 1].depth : 0);
	}
	return lines_done(&l, rc);
}
