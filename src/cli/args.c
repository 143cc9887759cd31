// SPDX-License-Identifier: MIT
/*
 * Binding a command's words to its arguments: positionals in order,
 * KEY=VALUE anywhere, --flags anywhere.  Everything a command does not take
 * is an error that names the word and shows the usage.
 */
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	unsigned flag;
} flag_names[] = {
	{ "--json", CLI_F_JSON },
	{ "--trace", CLI_F_TRACE },
	{ "--no-update", CLI_F_NO_UPDATE },
	{ "--help", CLI_F_HELP },
};

static int bind_flag(struct cli *c, const struct cli_cmd *cmd, const char *s,
		     struct cli_args *a)
{
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		unsigned f = flag_names[i].flag;

		if (strcmp(s, flag_names[i].name))
			continue;
		if (!(cmd->flags & f) && f != CLI_F_HELP)
			break;
		a->flags |= f;
		return 0;
	}
	return cli_error(c, "unknown option '%s' (usage: %s)", s, cmd->usage);
}

static int bind_any_key(struct cli *c, const char *key, size_t klen, const char *val,
			struct cli_args *a)
{
	for (unsigned i = 0; i < a->nany; i++)
		if (strlen(a->any[i].key) == klen && !strncmp(a->any[i].key, key, klen))
			return cli_error(c, "key '%.*s' given twice", (int)klen, key);
	if (a->nany == CLI_MAX_KEYS)
		return cli_error(c, "more than %u KEY=VALUE arguments", CLI_MAX_KEYS);
	a->any[a->nany++] = (struct cli_kv){ key, val };
	return 0;
}

/* KEY=VALUE: the token is split in place at '='. */
static int bind_key(struct cli *c, const struct cli_cmd *cmd, char *tok, struct cli_args *a)
{
	char *eq = strchr(tok, '=');
	const char *val = eq + 1;

	*eq = '\0';
	if (cmd->flags & CLI_F_ANY_KEYS)
		return bind_any_key(c, tok, (size_t)(eq - tok), val, a);
	for (unsigned i = 0; cmd->keys && cmd->keys[i] && i < CLI_MAX_KEYS; i++) {
		if (strcmp(cmd->keys[i], tok))
			continue;
		if (a->key[i])
			return cli_error(c, "key '%s' given twice", tok);
		a->key[i] = val;
		return 0;
	}
	return cli_error(c, "unknown key '%s' (usage: %s)", tok, cmd->usage);
}

static int check_count(struct cli *c, const struct cli_cmd *cmd, const struct cli_args *a)
{
	if (a->npos < cmd->min_pos)
		return cli_error(c, "missing argument %s (usage: %s)", cmd->pos[a->npos],
				 cmd->usage);
	if (a->npos > cmd->max_pos)
		return cli_error(c, "unexpected argument '%s' (usage: %s)",
				 a->pos[cmd->max_pos].s, cmd->usage);
	return 0;
}

int cli_bind_args(struct cli *c, const struct cli_cmd *cmd, struct cli_tok *toks,
		  unsigned n, struct cli_args *a)
{
	bool raw = cmd->flags & CLI_F_RAW;
	int rc = 0;

	*a = (struct cli_args){ .cmd = cmd, .pos = toks };
	for (unsigned i = 0; i < n && !rc; i++) {
		char *s = toks[i].s;

		if (!raw && !toks[i].quoted && !strncmp(s, "--", 2))
			rc = bind_flag(c, cmd, s, a);
		else if (!raw && !toks[i].quoted && s[0] != '=' && strchr(s, '='))
			rc = bind_key(c, cmd, s, a);
		else
			toks[a->npos++] = toks[i];
	}
	if (rc)
		return rc;
	a->flags |= (c->opt.json ? CLI_F_JSON : 0) | (c->opt.trace ? CLI_F_TRACE : 0);
	if (a->flags & CLI_F_JSON)	/* keep JSON Lines pure: no text trace */
		a->flags &= ~CLI_F_TRACE;
	return (a->flags & CLI_F_HELP) ? 0 : check_count(c, cmd, a);
}

const char *cli_key(const struct cli_args *a, const char *key)
{
	if (a->cmd->flags & CLI_F_ANY_KEYS) {
		for (unsigned i = 0; i < a->nany; i++)
			if (!strcmp(a->any[i].key, key))
				return a->any[i].val;
		return NULL;
	}
	for (unsigned i = 0; a->cmd->keys && a->cmd->keys[i] && i < CLI_MAX_KEYS; i++)
		if (!strcmp(a->cmd->keys[i], key))
			return a->key[i];
	return NULL;
}
