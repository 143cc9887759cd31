// SPDX-License-Identifier: MIT
/*
 * Protection strings: the same letters on every architecture ("rwxugad"),
 * then optional ",name" for a memory type the format offers (x86: wb, wc,
 * uc-, uc, wp, wt) and ",pkey=N".  Example: "rwu,wc,pkey=3".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptkit/pgtable.h>

static int parse_letters(const char *s, size_t n, uint32_t *flags)
{
	*flags = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = strchr(PTK_PROT_LETTERS, s[i]);

		if (!p || !s[i])
			return -EINVAL;
		*flags |= 1u << (p - PTK_PROT_LETTERS);
	}
	return 0;
}

static int parse_memtype(const struct ptk_format *f, const char *s, size_t n, uint8_t *mt)
{
	for (uint8_t i = 0; i < f->nr_memtypes; i++)
		if (strlen(f->memtype_names[i]) == n && !strncmp(f->memtype_names[i], s, n)) {
			*mt = i;
			return 0;
		}
	return -EINVAL;
}

static int parse_pkey(const struct ptk_format *f, const char *s, size_t n, uint8_t *key)
{
	char *end;
	unsigned long v;

	if (n <= 5 || strncmp(s, "pkey=", 5))
		return -EINVAL;
	v = strtoul(s + 5, &end, 0);
	if (end != s + n || v >= f->nr_pkeys)
		return -EINVAL;
	*key = (uint8_t)v;
	return 0;
}

int ptk_prot_parse(const struct ptk_format *f, const char *s, struct ptk_prot *prot)
{
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	*prot = (struct ptk_prot){ 0 };
	if (parse_letters(s, n, &prot->flags))
		return -EINVAL;
	while (comma) {
		s = comma + 1;
		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		if (parse_memtype(f, s, n, &prot->memtype) && parse_pkey(f, s, n, &prot->pkey))
			return -EINVAL;
	}
	return 0;
}

int ptk_prot_format(const struct ptk_format *f, const struct ptk_prot *prot, char *buf,
		    size_t len)
{
	char letters[sizeof(PTK_PROT_LETTERS)];
	size_t k = 0;
	int n;

	for (unsigned i = 0; PTK_PROT_LETTERS[i]; i++)
		letters[k++] = (prot->flags & (1u << i)) ? PTK_PROT_LETTERS[i] : '-';
	letters[k] = '\0';
	n = snprintf(buf, len, "%s", letters);
	if (prot->memtype && prot->memtype < f->nr_memtypes)
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, ",%s",
			      f->memtype_names[prot->memtype]);
	if (prot->pkey)
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, ",pkey=%u", prot->pkey);
	return n;
}
