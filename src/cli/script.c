// SPDX-License-Identifier: MIT
/*
 * Scripts: splitting into lines, tokenizing, error reporting with
 * "source:line:", and the runner shared by 'ptkit run', the shell, the demo
 * and the fuzzer.
 *
 * Tokens are separated by blanks.  '#' outside quotes starts a comment.
 * "double quotes" make one token that may hold blanks and '#', with the
 * escapes \" \\ \n \t \r and \xHH; a quoted token is never read as a key,
 * a --flag or a number.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_init(struct cli *c, FILE *out, FILE *err)
{
	*c = (struct cli){ .out = out, .err = err, .src = "<input>" };
	ptk_memmap_init(&c->memmap);
	c->opt.max_read = CLI_MAX_READ;
}

void cli_set_machine(struct cli *c, struct ptk_machine *m, struct ptk_memmap *map)
{
	ptk_machine_destroy(c->m);
	c->m = m;
	free(c->allocs);
	c->allocs = NULL;
	c->nr_allocs = c->allocs_cap = 0;
	ptk_memmap_free(&c->memmap);
	if (map) {
		c->memmap = *map;
		ptk_memmap_init(map);
	}
}

void cli_fini(struct cli *c)
{
	cli_set_machine(c, NULL, NULL);
}

int cli_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fflush(c->out);
	fprintf(c->err, "%s:%lu: ", c->src, c->line);
	if (c->cmd)
		fprintf(c->err, "%s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	fflush(c->err);
	c->nerrors++;
	return -1;
}

int cli_lib_error(struct cli *c, int rc)
{
	const char *msg = c->m ? ptk_machine_errmsg(c->m) : "";

	if (c->m && ptk_machine_error(c->m)->code == rc && msg[0])
		return cli_error(c, "%s", msg);
	return cli_error(c, "%s", strerror(rc < 0 ? -rc : rc));
}

/* --- tokenizer ------------------------------------------------------------ */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static int hex_nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One escape after a backslash at *p; advances *p past it. */
static int unescape(const char **p, char *out, const char **why)
{
	const char *s = *p;
	int hi, lo;

	switch (*s) {
	case '"': case '\\': *out = *s; break;
	case 'n': *out = '\n'; break;
	case 't': *out = '\t'; break;
	case 'r': *out = '\r'; break;
	case 'x':
		hi = hex_nibble(s[1]);
		lo = hi < 0 ? -1 : hex_nibble(s[2]);
		if (lo < 0 || (hi | lo) == 0) {
			*why = "bad \\x escape (two hex digits, not 00)";
			return -1;
		}
		*out = (char)(hi << 4 | lo);
		s += 2;
		break;
	default:
		*why = "unknown escape in quoted string";
		return -1;
	}
	*p = s + 1;
	return 0;
}

/* A quoted token starting at *p (on the quote); unescaped in place. */
static int quoted_token(char **p, struct cli_tok *t, const char **why)
{
	const char *s = *p + 1;
	char *d = *p;

	t->s = d;
	t->quoted = true;
	while (*s && *s != '"') {
		if (*s != '\\') {
			*d++ = *s++;
			continue;
		}
		s++;
		if (unescape(&s, d++, why))
			return -1;
	}
	if (*s != '"') {
		*why = "unterminated quoted string";
		return -1;
	}
	s++;
	if (*s && !is_blank(*s) && *s != '#') {
		*why = "missing blank after closing quote";
		return -1;
	}
	t->len = (size_t)(d - t->s);
	*d = '\0';
	*p = (char *)s;
	return 0;
}

/* A bare word at *p; ends at a blank, '#' or the end.  Sets *comment. */
static int word_token(char **p, struct cli_tok *t, bool *comment, const char **why)
{
	char *s = *p;

	t->s = s;
	t->quoted = false;
	while (*s && !is_blank(*s) && *s != '#') {
		if (*s == '"') {
			*why = "unexpected '\"' inside a word";
			return -1;
		}
		s++;
	}
	t->len = (size_t)(s - t->s);
	*comment = *s == '#';
	if (*s)
		*s++ = '\0';
	*p = s;
	return 0;
}

int cli_tokenize(char *line, struct cli_tok *toks, size_t max, const char **why)
{
	char *p = line;
	size_t n = 0;
	bool comment = false;

	while (!comment) {
		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max) {
			*why = "too many words on one line";
			return -1;
		}
		if (*p == '"' ? quoted_token(&p, &toks[n], why)
			      : word_token(&p, &toks[n], &comment, why))
			return -1;
		n++;
	}
	return (int)n;
}

/* --- one line ---------------------------------------------------------------- */

static void echo_line(struct cli *c, const char *line, size_t len)
{
	while (len && is_blank(*line))
		line++, len--;
	while (len && (is_blank(line[len - 1]) || line[len - 1] == '\n'))
		len--;
	fprintf(c->out, "ptkit> %.*s\n", (int)len, line);
}

static int run_tokens(struct cli *c, struct cli_tok *toks, unsigned n,
		      const char *line, size_t len)
{
	const struct cli_cmd *cmd = cli_cmd_find(toks[0].s);
	struct cli_args a;

	if (!cmd || toks[0].quoted)
		return cli_error(c, "unknown command '%s' (try 'help')", toks[0].s);
	if (c->opt.echo && !(cmd->flags & CLI_F_NOECHO))
		echo_line(c, line, len);
	c->cmd = cmd->name;
	if (cli_bind_args(c, cmd, toks + 1, n - 1, &a))
		return -1;
	if (a.flags & CLI_F_HELP) {
		cli_print_cmd_help(c->out, cmd);
		return 0;
	}
	if ((cmd->flags & CLI_F_MACHINE) && !c->m)
		return cli_error(c, "no machine: start with 'machine ...'");
	if (c->m)	/* a library message is only ever this command's */
		ptk_err_clear(ptk_machine_error(c->m));
	return cmd->fn(c, &a);
}

int cli_run_line(struct cli *c, const char *src, unsigned long lineno, const char *line,
		 size_t len)
{
	struct cli_tok *toks;
	const char *why = NULL;
	char *copy;
	int n, rc = -1;

	c->src = src;
	c->line = lineno;
	c->cmd = NULL;
	if (len > CLI_MAX_LINE)
		return cli_error(c, "line is longer than %u bytes", CLI_MAX_LINE);
	if (memchr(line, '\0', len))
		return cli_error(c, "line contains a NUL byte");
	copy = malloc(len + 1);
	toks = malloc((len / 2 + 1) * sizeof(*toks));
	if (!copy || !toks) {
		free(copy);
		free(toks);
		return cli_error(c, "out of host memory");
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	n = cli_tokenize(copy, toks, len / 2 + 1, &why);
	if (n < 0)
		cli_error(c, "%s", why);
	else
		rc = n ? run_tokens(c, toks, (unsigned)n, line, len) : 0;
	fflush(c->out);
	c->cmd = NULL;
	free(copy);
	free(toks);
	return rc;
}

/* --- whole scripts ------------------------------------------------------------ */

static bool should_stop(const struct cli *c, int rc)
{
	return c->quit || (rc && !c->opt.keep_going);
}

int cli_run_buffer(struct cli *c, const char *name, const char *buf, size_t len)
{
	unsigned before = c->nerrors;
	unsigned long lineno = 0;
	size_t pos = 0;

	c->quit = false;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		if (should_stop(c, cli_run_line(c, name, ++lineno, buf + pos, n)))
			break;
		pos += n + 1;
	}
	return c->nerrors != before;
}

int cli_run_stream(struct cli *c, const char *name, FILE *in)
{
	unsigned before = c->nerrors;
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	c->quit = false;
	while ((n = getline(&line, &cap, in)) >= 0) {
		if (n && line[n - 1] == '\n')
			n--;
		if (should_stop(c, cli_run_line(c, name, ++lineno, line, (size_t)n)))
			break;
	}
	if (ferror(in)) {
		c->src = name, c->line = lineno + 1, c->cmd = NULL;
		cli_error(c, "read error: %s", strerror(errno));
	}
	free(line);
	return c->nerrors != before;
}
