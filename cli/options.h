/* SPDX-License-Identifier: MIT */
/*
 * options.h -- the command line's conventions, written once. A command is
 * a table: its positional arguments, its options and its help text;
 * cli_parse reads argv against it with getopt_long (and, for `mlq train
 * ALGO`, against the algorithm's own table, trainers/algo.h), and help.c
 * prints the same tables as `mlq help`.
 *
 * Conventions (shown by `mlq help`):
 *   - `--opt VALUE` or `--opt=VALUE`; names spelled out in full; a
 *     one-letter option name also has a short form (`-C 10`, `-k 3`).
 *   - Each option at most once: a second one is a usage error.
 *   - A separate value that starts with '-' and is not a number (`--out
 *     --quiet`) is refused: write `--out=--quiet` to mean it.
 *   - `-h`/`--help` on every command; positional arguments anywhere, and
 *     after `--` even when they start with '-'.
 *   - Numbers are decimal (no hexadecimal, no inf or nan), parsed by the
 *     function that validates them (cli_number).
 */
#ifndef MLQ_CLI_OPTIONS_H
#define MLQ_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "algo.h"
#include "host.h"

struct cJSON;

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

#define CLI_MAX_OPTS 20 /* options of one command (the algorithm's are not counted) */
#define CLI_MAX_POS 2  /* positional arguments of one command */

/** One option of a command. */
typedef struct cli_opt {
    const char *name; /* long name without "--" */
    const char *meta; /* what its value is ("MODEL.json", "N"), NULL for a flag */
    const char *help; /* for `mlq help CMD`, allowed values and default included */
    int required;
    const char *(*choices)(void); /* allowed values known at run time (boards), or NULL */
} cli_opt;

/** One command: `mlq NAME ARGS [options]`. */
typedef struct cli_cmd {
    const char *name;
    const char *args;       /* positional arguments as the usage line shows them */
    size_t min_pos, max_pos; /* how many cli_parse takes (train reads ALGO itself) */
    const cli_opt *opts;
    size_t n_opts;
    const char *text; /* what the command does */
    int (*run)(int argc, char **argv); /* argv[0] is the command's name; returns the exit code */
} cli_cmd;

/** What cli_parse found. */
typedef struct cli_args {
    const char *val[CLI_MAX_OPTS]; /* per option of the table: its value, "" for a flag
                                      given, NULL when absent */
    const char *pos[CLI_MAX_POS];
    size_t n_pos;
} cli_args;

enum { CLI_RUN = 0, CLI_HELP = 1 };

/**
 * Parse argv[1..argc) (argv[0] is the command or, for train, the algorithm)
 * against cmd's options and, when algo is not NULL, the algorithm's: its
 * values are validated into hyper and the defaults filled in. CLI_RUN;
 * CLI_HELP when -h/--help asked for help (printed on stdout); or -1 with
 * err set for a usage error (exit EXIT_USAGE).
 */
int cli_parse(const cli_cmd *cmd, const mlq_algo *algo, int argc, char **argv,
              struct cJSON *hyper, cli_args *a, mlq_err *err);

/** Is option i of the command's table given? */
#define CLI_GIVEN(a, i) ((a)->val[(i)] != NULL)

/* ---- values: each parsed by the function that validates it ------------- */

/**
 * A decimal number: optional sign, digits with an optional point, optional
 * exponent; no spaces, no hexadecimal, finite and within a double's range.
 * 0 with *v, or -1.
 */
int cli_number(const char *text, double *v);
/** A whole decimal number (cli_number) in [min, max]. 0 with *v, or -1. */
int cli_whole(const char *text, double min, double max, double *v);
/** Is word one of words ("a|b|c")? */
int cli_word_in(const char *word, const char *words);
/** --seed: a whole number in [0, 4294967295]. 0, or -1 with err. */
int cli_seed(const char *text, unsigned long *seed, mlq_err *err);

/* ---- commands and help --------------------------------------------------- */

extern const cli_cmd cli_train, cli_export, cli_predict, cli_compare, cli_info, cli_split, cli_cv,
    cli_select, cli_help_cmd;
/** Every command, in `mlq help` order, NULL-terminated (main.c). */
extern const cli_cmd *const cli_commands[];

/** `mlq help CMD` (and `mlq train ALGO --help` when algo is not NULL). */
void cli_help_command(FILE *f, const cli_cmd *cmd, const mlq_algo *algo);
/** `mlq help`: the commands, the algorithms, the conventions, the exit codes. */
void cli_help_all(FILE *f);

#endif /* MLQ_CLI_OPTIONS_H */
