// SPDX-License-Identifier: MIT
/*
 * Numbers as scripts write them: decimal or 0x hex, '_' between digits for
 * readability, and an optional binary size suffix K M G T (or k m g t).
 * Every step is overflow-checked: 0x1ffffffffffffffff and 99999999999T are
 * errors, never wrapped values.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int digit_value(char ch, unsigned base)
{
	int d;

	if (ch >= '0' && ch <= '9')
		d = ch - '0';
	else if (ch >= 'a' && ch <= 'f')
		d = ch - 'a' + 10;
	else if (ch >= 'A' && ch <= 'F')
		d = ch - 'A' + 10;
	else
		return -1;
	return (unsigned)d < base ? d : -1;
}

static unsigned suffix_shift(char ch)
{
	switch (ch) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	case 'T': case 't': return 40;
	default: return 0;
	}
}

/* The digits of s in base; stops at the first non-digit, leaving *end there. */
static int parse_digits(const char *s, unsigned base, uint64_t *v, const char **end,
			const char **why)
{
	uint64_t acc = 0;
	bool any = false, last_sep = false;

	for (; *s; s++) {
		int d = digit_value(*s, base);

		if (*s == '_' && any && !last_sep) {
			last_sep = true;
			continue;
		}
		if (d < 0)
			break;
		if (acc > (UINT64_MAX - (uint64_t)d) / base) {
			*why = "overflows 64 bits";
			return -1;
		}
		acc = acc * base + (uint64_t)d;
		any = true;
		last_sep = false;
	}
	if (!any || last_sep) {
		*why = "is not a number";
		return -1;
	}
	*v = acc;
	*end = s;
	return 0;
}

int parse_u64(const char *s, uint64_t *v, const char **why)
{
	unsigned base = 10, shift;
	const char *end;
	uint64_t n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (parse_digits(s, base, &n, &end, why))
		return -1;
	shift = suffix_shift(*end);
	if (shift)
		end++;
	if (*end) {
		*why = "is not a number";
		return -1;
	}
	if (shift && n > (UINT64_MAX >> shift)) {
		*why = "overflows 64 bits";
		return -1;
	}
	*v = n << shift;
	return 0;
}

void fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;

	if (v == 0 || (v & 1023)) {
		snprintf(buf, len, "%#llx", (unsigned long long)v);
		return;
	}
	v >>= 10;
	while (v >= 1024 && !(v & 1023) && units[u + 1]) {
		v >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
}
