// SPDX-License-Identifier: MIT
/*
 * A tiny JSON emitter for JSON Lines output: one object per command, one
 * per line.  Strings are escaped per RFC 8259; bytes that are not valid
 * UTF-8 (table names come from user input) become U+FFFD, so the output is
 * always valid JSON.  64-bit addresses are written as "0x..." strings,
 * since JSON numbers beyond 2^53 lose precision in most readers.
 */
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"

void json_init(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
}

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void write_escaped_char(FILE *out, unsigned char ch)
{
	switch (ch) {
	case '"': fputs("\\\"", out); break;
	case '\\': fputs("\\\\", out); break;
	case '\n': fputs("\\n", out); break;
	case '\r': fputs("\\r", out); break;
	case '\t': fputs("\\t", out); break;
	case '\b': fputs("\\b", out); break;
	case '\f': fputs("\\f", out); break;
	default:
		if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
}

void json_write_string(FILE *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(s + i, len - i);

		if (n == 1)
			write_escaped_char(out, s[i]);
		else if (n)
			fwrite(s + i, 1, n, out);
		else
			fputs("\\ufffd", out);
		i += n ? n : 1;
	}
	fputc('"', out);
}

/* The separator and key before a value. */
static void json_prefix(struct json *j, const char *key)
{
	if (j->depth && j->depth <= JSON_MAX_DEPTH) {
		if (j->need_comma[j->depth - 1])
			fputc(',', j->out);
		j->need_comma[j->depth - 1] = true;
	}
	if (key) {
		json_write_string(j->out, key, strlen(key));
		fputc(':', j->out);
	}
}

static void json_open(struct json *j, const char *key, char ch)
{
	json_prefix(j, key);
	fputc(ch, j->out);
	if (j->depth < JSON_MAX_DEPTH)
		j->need_comma[j->depth] = false;
	j->depth++;
}

static void json_close(struct json *j, char ch)
{
	fputc(ch, j->out);
	if (j->depth)
		j->depth--;
	if (!j->depth)
		fputc('\n', j->out);
}

void json_obj_begin(struct json *j, const char *key) { json_open(j, key, '{'); }
void json_obj_end(struct json *j) { json_close(j, '}'); }
void json_arr_begin(struct json *j, const char *key) { json_open(j, key, '['); }
void json_arr_end(struct json *j) { json_close(j, ']'); }

void json_str(struct json *j, const char *key, const char *s)
{
	json_prefix(j, key);
	json_write_string(j->out, s ? s : "", s ? strlen(s) : 0);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_prefix(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void json_int(struct json *j, const char *key, long long v)
{
	json_prefix(j, key);
	fprintf(j->out, "%lld", v);
}

void json_hex(struct json *j, const char *key, uint64_t v)
{
	json_prefix(j, key);
	fprintf(j->out, "\"0x%" PRIx64 "\"", v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_prefix(j, key);
	fputs(v ? "true" : "false", j->out);
}
