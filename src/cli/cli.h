/* SPDX-License-Identifier: MIT */
/*
 * The ptkit command interpreter, shared by the command-line front end
 * (main.c), the interactive shell, the demo and the fuzz target.
 *
 * One struct cli holds all interpreter state; nothing in src/cli/ keeps
 * global mutable state.  A script is run line by line: each line is split
 * into tokens (script.c), bound to a command's arguments (args.c) and run
 * by the command's handler (commands*.c).  Errors name "source:line".
 */
#ifndef PTK_CLI_H
#define PTK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ptkit/ptkit.h>

#define CLI_MAX_LINE     65536u	/* bytes per script line */
#define CLI_MAX_RAM      64u	/* RAM ranges per machine */
#define CLI_MAX_READ     (1u << 20)	/* bytes per 'read' */

/* Options: the global command-line flags, and limits the fuzzer tightens. */
struct cli_opts {
	bool json;		/* --json: JSON Lines output */
	bool trace;		/* --trace: show the kernel-named call chains */
	bool keep_going;	/* --keep-going: do not stop at the first error */
	bool echo;		/* echo each command as "ptkit> ..." (the demo) */
	bool no_files;		/* forbid 'image' (the fuzzer must not write files) */
	uint64_t max_map_pages;	/* 0: unlimited; else pages one map may create */
	uint64_t max_ram;	/* 0: unlimited; else bytes of RAM per machine */
	size_t max_read;	/* bytes per 'read' */
};

/* The blocks 'alloc_pages' handed out, for 'free_pages all'. */
struct cli_alloc {
	uint64_t pfn;
	unsigned int order;
};

struct cli {
	FILE *out, *err;
	struct ptk_machine *m;	/* NULL until 'machine' or 'image load' */
	struct cli_alloc *allocs;	/* of this machine, in allocation order */
	size_t nr_allocs, allocs_cap;
	struct ptk_memmap memmap;	/* the machine line's map; empty after image load */
	struct cli_opts opt;
	unsigned nerrors;	/* errors so far */
	bool quit;		/* 'quit' was run */
	/* Where we are, for error messages: "src:line: cmd: ...". */
	const char *src;
	unsigned long line;
	const char *cmd;
};

void cli_init(struct cli *c, FILE *out, FILE *err);
void cli_fini(struct cli *c);
/* Make m the current machine, destroying the old one and what the script
 * had allocated on it; map (taken over, may be NULL) is its memory map. */
void cli_set_machine(struct cli *c, struct ptk_machine *m, struct ptk_memmap *map);

/* Run one line of a script.  0 on success, -1 after reporting an error. */
int cli_run_line(struct cli *c, const char *src, unsigned long lineno, const char *line,
		 size_t len);
/* Run a whole script held in memory (need not be NUL-terminated).
 * Stops at the first error unless opt.keep_going.  0 if no error. */
int cli_run_buffer(struct cli *c, const char *name, const char *buf, size_t len);
/* Run a script read line by line from a stream. 0 if no error. */
int cli_run_stream(struct cli *c, const char *name, FILE *in);

/* Report an error at the current place; always returns -1. */
int cli_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a library failure: its message, or strerror(rc) if it left none. */
int cli_lib_error(struct cli *c, int rc);

/* --- tokens and arguments (script.c, args.c) ----------------------------- */

struct cli_tok {
	char *s;		/* NUL-terminated, unescaped */
	size_t len;		/* bytes (a quoted string may hold NULs) */
	bool quoted;		/* was "..." : never a key, a flag or a number */
};

/* Split a line in place.  Returns the number of tokens, or -1 with *why set. */
int cli_tokenize(char *line, struct cli_tok *toks, size_t max, const char **why);

#define CLI_F_JSON      (1u << 0)
#define CLI_F_TRACE     (1u << 1)
#define CLI_F_NO_UPDATE (1u << 2)
#define CLI_F_HELP      (1u << 3)
#define CLI_F_ANY_KEYS  (1u << 8)	/* spec flag: the handler checks keys itself */
#define CLI_F_MACHINE   (1u << 9)	/* spec flag: needs a machine */
#define CLI_F_NOECHO    (1u << 10)	/* spec flag: not echoed by --echo (narration) */
#define CLI_F_RAW       (1u << 11)	/* spec flag: every word is positional */

#define CLI_MAX_KEYS 16

struct cli_args;
typedef int (*cli_handler)(struct cli *c, const struct cli_args *a);

struct cli_cmd {
	const char *name;
	cli_handler fn;
	const char *const *pos;	/* names of positional arguments, NULL-ended */
	unsigned min_pos;	/* required positionals */
	unsigned max_pos;	/* UINT32_MAX: any number */
	const char *const *keys; /* allowed KEY=VALUE names, NULL-ended */
	unsigned flags;		/* CLI_F_*: the --flags it takes, and spec flags */
	const char *usage;
	const char *summary;	/* one line for 'help' */
	const char *help;	/* the rest, for 'help CMD' */
};

struct cli_kv {
	const char *key;	/* points into the token */
	const char *val;
};

struct cli_args {
	const struct cli_cmd *cmd;
	const struct cli_tok *pos;
	unsigned npos;
	const char *key[CLI_MAX_KEYS];	/* by index in cmd->keys; NULL if absent */
	struct cli_kv any[CLI_MAX_KEYS];	/* CLI_F_ANY_KEYS: every key given */
	unsigned nany;
	unsigned flags;		/* CLI_F_* given on the line, or set globally */
};

/* Bind tokens (after the command name) to cmd's arguments.  Moves the
 * positional tokens to the front of toks, in order. */
int cli_bind_args(struct cli *c, const struct cli_cmd *cmd, struct cli_tok *toks,
		  unsigned n, struct cli_args *a);
/* The value of a key by name, NULL if absent. */
const char *cli_key(const struct cli_args *a, const char *key);

/* --- commands (commands*.c) ------------------------------------------- */

const struct cli_cmd *cli_cmd_find(const char *name);
const struct cli_cmd *cli_cmd_at(size_t i);	/* NULL past the end */
void cli_print_cmd_help(FILE *out, const struct cli_cmd *cmd);
void cli_print_cmd_list(FILE *out);

/* Lookups shared by the handlers: each reports its own error. */
int cli_need_table(struct cli *c, const char *name, struct ptk_pgtable **pt);
int cli_num(struct cli *c, const char *what, const struct cli_tok *t, uint64_t *v);
int cli_num_str(struct cli *c, const char *what, const char *s, uint64_t *v);

int cmd_machine(struct cli *c, const struct cli_args *a);
int cmd_cpu(struct cli *c, const struct cli_args *a);
int cmd_pgd_alloc(struct cli *c, const struct cli_args *a);
int cmd_map(struct cli *c, const struct cli_args *a);
int cmd_unmap(struct cli *c, const struct cli_args *a);
int cmd_protect(struct cli *c, const struct cli_args *a);
int cmd_translate(struct cli *c, const struct cli_args *a);
int cmd_ptdump(struct cli *c, const struct cli_args *a);
int cmd_image(struct cli *c, const struct cli_args *a);
int cmd_read(struct cli *c, const struct cli_args *a);
int cmd_write(struct cli *c, const struct cli_args *a);
int cmd_info(struct cli *c, const struct cli_args *a);
int cmd_memblock(struct cli *c, const struct cli_args *a);
int cmd_memblock_free_all(struct cli *c, const struct cli_args *a);
int cmd_alloc_pages(struct cli *c, const struct cli_args *a);
int cmd_get_free_pages(struct cli *c, const struct cli_args *a);
int cmd_free_pages(struct cli *c, const struct cli_args *a);
int cmd_memory(struct cli *c, const struct cli_args *a);
int cmd_cat(struct cli *c, const struct cli_args *a);
int cmd_vmemmap_populate(struct cli *c, const struct cli_args *a);
int cmd_pfn_to_page(struct cli *c, const struct cli_args *a);
int cmd_page_to_pfn(struct cli *c, const struct cli_args *a);
int cmd_page_to_phys(struct cli *c, const struct cli_args *a);
int cmd_page(struct cli *c, const struct cli_args *a);
/* memory_model= of the machine line, on the machine just created. */
int cli_machine_memory_model(struct cli *c, const struct cli_args *a, struct ptk_machine *m);

/* Printing a machine: text and JSON (commands_info.c). */
struct json;
void cli_print_machine_line(struct cli *c);
void cli_print_pgd_regs(struct cli *c);
void cli_print_table_line(struct cli *c, const struct ptk_pgtable *pt);	/* no newline */
void cli_json_machine(struct cli *c, const char *cmd);
void cli_json_info(struct cli *c, const char *cmd);	/* machine + tables + frames */
void cli_print_cpu(struct cli *c);
void cli_json_cpu(struct json *j, struct ptk_machine *m);	/* "cpu": {...} */

/* --- numbers (parse_num.c) --------------------------------------------- */

/* "0x1f", "4096", "4K", "0xffff_8880_0000_0000", "2M", "1G", "3T".
 * Returns 0, or -1 with *why: "not a number", "overflows 64 bits"... */
int parse_u64(const char *s, uint64_t *v, const char **why);
/* "4K" style, for messages: exact binary units or hex. */
void fmt_size(uint64_t v, char *buf, size_t len);

/* --- the machine line's memory map (machine_memmap.c) --------------------- */

bool cli_is_memmap_key(const char *key);
/* ram=, reserve=, e820=FILE, preset=NAME [mem=SIZE] into map (empty), with
 * the architecture's edits of a firmware map (ar may be NULL). */
struct cli_arch;
int cli_machine_memmap(struct cli *c, const struct cli_args *a, unsigned pa_bits,
		       const struct cli_arch *ar, struct ptk_memmap *map);


/* --- architecture tables (arch_regs.c): the one place keyed by fmt->arch -- */

struct cli_bitname {
	uint64_t mask;
	const char *name;
	const char *fixed;	/* non-NULL: the format fixes this bit, and why */
};

enum cli_reg_kind { CLI_REG_U64, CLI_REG_U32, CLI_REG_BOOL };

struct cli_reg {
	const char *name;		/* the machine/cpu key: "cr4" */
	size_t offset;			/* in struct ptk_cpu */
	enum cli_reg_kind kind;
	const struct cli_bitname *bits;	/* decoded names, NULL-named last; may be NULL */
};

struct cli_args;

struct cli_arch {
	const char *arch;		/* fmt->arch */
	const char *word;		/* what 'machine WORD ...' says: "x86_64", "arm64" */
	const char *const *format_keys;	/* machine keys that choose the format, NULL last */
	const char *usage;		/* those keys' syntax, for messages: "paging=4|5" */
	/* The format's name from the machine line's keys (defaults when absent),
	 * or -1 with the error reported. */
	int (*format_name)(struct cli *c, const struct cli_args *a, char *name, size_t len);
	const struct cli_reg *regs;	/* NULL-named last */
	/* The registers pgd_alloc shows with the roots of a tree of format f. */
	const char *const *(*pgd_regs)(const struct ptk_format *f);
	bool takes_variant;		/* 'machine arm32 lpae': a second word */
	/* What the kernel does to a firmware memory map (e820=, preset=)
	 * before memblock sees it; NULL: nothing. */
	int (*firmware_fixup)(struct ptk_memmap *map, unsigned pa_bits, struct ptk_error *err);
	/* /proc/iomem lists memblock's reservations as "reserved" children of
	 * System RAM (arm64's reserve_memblock_reserved_regions()). */
	bool iomem_memblock_reserved;
};

const struct cli_arch *cli_arch_find(const char *arch);		/* by fmt->arch */
const struct cli_arch *cli_arch_by_word(const char *word);	/* by the machine line */
bool cli_arch_is_format_key(const struct cli_arch *ar, const char *key);
const struct cli_arch *cli_arch_at(size_t i);	/* NULL past the end */
const struct cli_reg *cli_reg_find(const struct cli_arch *ar, const char *name);
uint64_t cli_reg_get(const struct ptk_cpu *cpu, const struct cli_reg *r);
void cli_reg_set(struct ptk_cpu *cpu, const struct cli_reg *r, uint64_t v);
uint64_t cli_reg_max(const struct cli_reg *r);
/* For 'help machine': per architecture, its format key and registers. */
void cli_print_arch_help(FILE *out);
/* Parse "0x..." or "+NAME,-NAME" (relative to *v) into *v.  -1 with *why. */
int cli_reg_parse(const struct cli_reg *r, const char *s, uint64_t *v, const char **why);
/* "PE MP WP PG" */
void cli_reg_decode(const struct cli_reg *r, uint64_t v, char *buf, size_t len);
/* Set registers from KEY=VALUE pairs on top of *cpu, checking fixed bits
 * against the format's defaults.  Reports its own errors. */
int cli_apply_regs(struct cli *c, const struct ptk_format *f, const struct cli_kv *kv,
		   unsigned n, struct ptk_cpu *cpu);

/* --- JSON (json.c) ----------------------------------------------------- */

#define JSON_MAX_DEPTH 8

struct json {
	FILE *out;
	unsigned depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *out);
/* key is NULL inside arrays and for the top-level value. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);	/* ends the line at depth 0 */
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, long long v);
void json_hex(struct json *j, const char *key, uint64_t v);	/* "0x1f" */
void json_bool(struct json *j, const char *key, bool v);
/* Write s as a JSON string literal: escapes, and invalid UTF-8 as U+FFFD. */
void json_write_string(FILE *out, const char *s, size_t len);

/* --- front ends -------------------------------------------------------- */

int cli_shell(struct cli *c);	/* shell.c: exit status */
int cli_demo(struct cli *c);	/* demo.c: exit status */
extern const char *const cli_demo_script[];	/* NULL-ended */

#endif
