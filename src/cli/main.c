// SPDX-License-Identifier: MIT
/*
 * ptkit: the command line.  Subcommands run, shell, demo and help; global
 * options may come before or after the subcommand.
 *
 * Exit status: 0 success, 1 a script command failed, 2 bad command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct sub {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	int min_args, max_args;
	const char *usage;
	const char *help;
};

static int sub_run(struct cli *c, int argc, char **argv);
static int sub_shell(struct cli *c, int argc, char **argv);
static int sub_demo(struct cli *c, int argc, char **argv);
static int sub_help(struct cli *c, int argc, char **argv);

static const struct sub subs[] = {
	{ "run", sub_run, 1, 1, "ptkit [OPTIONS] run FILE",
	  "Run a script, one command per line ('-' reads standard input).\n"
	  "Stops at the first error (exit 1) unless --keep-going." },
	{ "shell", sub_shell, 0, 0, "ptkit [OPTIONS] shell",
	  "Interactive interpreter with line editing; history in ~/.ptkit_history.\n"
	  "Reads commands without a prompt when standard input is not a terminal." },
	{ "demo", sub_demo, 0, 0, "ptkit [OPTIONS] demo",
	  "A guided tour of x86-64 and arm64 paging: mappings, walks, faults, ptdump.\n"
	  "The same script is examples/demo.ptk." },
	{ "help", sub_help, 0, 1, "ptkit help [COMMAND]",
	  "List the subcommands and script commands, or explain one." },
};

static const struct sub *sub_find(const char *name)
{
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(subs[i].name, name))
			return &subs[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ptkit [OPTIONS] COMMAND [ARG]\n"
		"Linux page tables in user space: build them, walk them, dump them.\n\n"
		"commands:\n"
		"  run FILE|-      run a script ('-': standard input)\n"
		"  shell           interactive interpreter\n"
		"  demo            guided tour of x86-64 and arm64 paging\n"
		"  help [COMMAND]  this text, or help on a command or script command\n\n"
		"options:\n"
		"  --json          machine/cpu/pgd_alloc/translate/ptdump/info/image: JSON Lines\n"
		"  --trace         show the kernel-named call chains (map, translate...)\n"
		"  --keep-going    run: continue after an error (exit 1 at the end)\n"
		"  --echo          print each command as 'ptkit> ...' before its output\n"
		"  --version       print the version\n"
		"  -h, --help      this text ('ptkit COMMAND --help' for one command)\n\n"
		"'ptkit help SCRIPT-COMMAND' explains a script command, e.g. 'ptkit help map'.\n");
}

static void sub_usage(FILE *out, const struct sub *s)
{
	fprintf(out, "usage: %s\n%s\n", s->usage, s->help);
}

/* --- subcommands -------------------------------------------------------------- */

static int sub_run(struct cli *c, int argc, char **argv)
{
	const char *path = argv[0];
	FILE *in;
	int rc;

	(void)argc;
	if (!strcmp(path, "-"))
		return cli_run_stream(c, "<stdin>", stdin);
	in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "ptkit: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	rc = cli_run_stream(c, path, in);
	fclose(in);
	return rc;
}

static int sub_shell(struct cli *c, int argc, char **argv)
{
	(void)argc, (void)argv;
	return cli_shell(c);
}

static int sub_demo(struct cli *c, int argc, char **argv)
{
	(void)argc, (void)argv;
	return cli_demo(c);
}

static int sub_help(struct cli *c, int argc, char **argv)
{
	const struct sub *s;
	const struct cli_cmd *cmd;

	if (!argc) {
		usage(c->out);
		fprintf(c->out, "\nscript ");
		cli_print_cmd_list(c->out);
		return 0;
	}
	s = sub_find(argv[0]);
	cmd = cli_cmd_find(argv[0]);
	if (s)
		sub_usage(c->out, s);
	if (cmd)
		cli_print_cmd_help(c->out, cmd);
	if (s || cmd)
		return 0;
	fprintf(stderr, "ptkit: no command '%s' (try 'ptkit help')\n", argv[0]);
	return 2;
}

/* --- options ------------------------------------------------------------------- */

enum { OPT_OK, OPT_HELP, OPT_VERSION, OPT_BAD };

static int parse_option(struct cli *c, const char *s)
{
	if (!strcmp(s, "--json"))
		c->opt.json = true;
	else if (!strcmp(s, "--trace"))
		c->opt.trace = true;
	else if (!strcmp(s, "--keep-going"))
		c->opt.keep_going = true;
	else if (!strcmp(s, "--echo"))
		c->opt.echo = true;
	else if (!strcmp(s, "--help") || !strcmp(s, "-h"))
		return OPT_HELP;
	else if (!strcmp(s, "--version"))
		return OPT_VERSION;
	else
		return OPT_BAD;
	return OPT_OK;
}

/* Options anywhere; the other words are the subcommand and its arguments. */
static int parse_argv(struct cli *c, int argc, char **argv, char **words, int *nwords,
		      bool *help)
{
	*nwords = 0;
	for (int i = 1; i < argc; i++) {
		int r = argv[i][0] == '-' && argv[i][1] ? parse_option(c, argv[i]) : -1;

		if (r == -1)
			words[(*nwords)++] = argv[i];
		else if (r == OPT_HELP)
			*help = true;
		else if (r == OPT_VERSION)
			return OPT_VERSION;
		else if (r == OPT_BAD) {
			fprintf(stderr, "ptkit: unknown option '%s' (try 'ptkit --help')\n", argv[i]);
			return OPT_BAD;
		}
	}
	return OPT_OK;
}

static int dispatch(struct cli *c, char **words, int n, bool help)
{
	const struct sub *s;

	if (!n) {
		usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	s = sub_find(words[0]);
	if (!s) {
		fprintf(stderr, "ptkit: unknown command '%s' (try 'ptkit --help')\n", words[0]);
		return 2;
	}
	if (help) {
		sub_usage(stdout, s);
		return 0;
	}
	if (n - 1 < s->min_args || n - 1 > s->max_args) {
		fprintf(stderr, "ptkit: %s: wrong number of arguments\n", s->name);
		sub_usage(stderr, s);
		return 2;
	}
	return s->fn(c, n - 1, words + 1);
}

int main(int argc, char **argv)
{
	struct cli c;
	char **words = calloc((size_t)argc + 1, sizeof(*words));
	bool help = false;
	int n, rc;

	if (!words)
		return 1;
	cli_init(&c, stdout, stderr);
	rc = parse_argv(&c, argc, argv, words, &n, &help);
	if (rc == OPT_VERSION)
		printf("ptkit %s\n", PTKIT_VERSION);
	rc = rc == OPT_VERSION ? 0 : rc == OPT_BAD ? 2 : dispatch(&c, words, n, help);
	cli_fini(&c);
	free(words);
	fflush(stdout);
	return rc;
}
