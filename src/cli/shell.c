// SPDX-License-Identifier: MIT
/*
 * The interactive shell: libedit's readline interface for line editing,
 * history (~/.ptkit_history when HOME is set) and completion of command
 * names.  When standard input is not a terminal the shell reads commands
 * plainly, without a prompt, so it can be driven through a pipe.  Errors
 * are reported as "<shell>:N:" and never end the session.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "cli/cli.h"

#define HISTORY_LINES 1000

static bool history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");
	int n;

	if (!home || !*home)
		return false;
	n = snprintf(buf, len, "%s/.ptkit_history", home);
	return n > 0 && (size_t)n < len;
}

/* The n-th command whose name starts with text (readline passes the count
 * of matches returned so far as state, so no static cursor is needed). */
static char *command_generator(const char *text, int state)
{
	size_t len = strlen(text);
	int seen = 0;

	for (size_t i = 0; cli_cmd_at(i); i++) {
		const char *name = cli_cmd_at(i)->name;

		if (!strncmp(name, text, len) && seen++ == state)
			return strdup(name);
	}
	return NULL;
}

/* Complete command names in the first word; file names elsewhere. */
static char **complete(const char *text, int start, int end)
{
	(void)end;
	if (start != 0)
		return NULL;
	return rl_completion_matches(text, command_generator);
}

static bool is_blank_line(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

static int interactive(struct cli *c)
{
	char hist[PATH_MAX];
	bool have_hist = history_path(hist, sizeof(hist));
	unsigned before = c->nerrors;
	unsigned long lineno = 0;
	char *line;

	using_history();
	stifle_history(HISTORY_LINES);
	if (have_hist)
		read_history(hist);
	rl_attempted_completion_function = complete;
	fprintf(c->out, "ptkit %s shell: 'help' lists the commands, Ctrl-D leaves.\n",
		PTKIT_VERSION);
	while (!c->quit && (line = readline("ptkit> ")) != NULL) {
		if (!is_blank_line(line))
			add_history(line);
		cli_run_line(c, "<shell>", ++lineno, line, strlen(line));
		free(line);
	}
	if (!c->quit)
		fputc('\n', c->out);
	if (have_hist)
		write_history(hist);
	return c->nerrors != before;
}

int cli_shell(struct cli *c)
{
	c->opt.keep_going = true;
	if (!isatty(STDIN_FILENO))
		return cli_run_stream(c, "<shell>", stdin);
	return interactive(c);
}
