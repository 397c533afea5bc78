/* SPDX-License-Identifier: MIT */
/*
 * help.c -- `mlq help`, `mlq help COMMAND`, `mlq help ALGO` and every
 * command's -h/--help, printed from the same tables cli_parse reads: the
 * options with their values, allowed values and defaults.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "model.h"
#include "options.h"

enum { WIDTH = 79, DESC_COL = 26 };

/* Print text wrapped at WIDTH from column col; the cursor is at column at. */
static void wrap(FILE *f, size_t at, size_t col, const char *text)
{
    const char *p = text;
    size_t x = at;

    if (at > 0 && at + 1 >= col) { /* the option is too long: its text starts on the next line */
        fputc('\n', f);
        x = 0;
    }
    for (; x < col; x++)
        fputc(' ', f);
    while (*p != '\0') {
        size_t len = strcspn(p, " ");

        if (x > col && x + 1 + len > WIDTH) {
            fprintf(f, "\n%*s", (int)col, "");
            x = col;
        } else if (x > col) {
            fputc(' ', f);
            x++;
        }
        fwrite(p, 1, len, f);
        x += len;
        p += len;
        p += strspn(p, " ");
    }
    fputc('\n', f);
}

/* The value an algorithm option takes, as its help line shows it: "N", "X|scale", "gini|entropy". */
static const char *algo_meta(const mlq_opt *o, char *buf, size_t n)
{
    const char *base = o->kind == MLQ_OPT_INT ? "N" : o->kind == MLQ_OPT_NUM ? "X"
                       : o->kind == MLQ_OPT_INT_LIST ? "N[,N...]" : "";

    if (o->kind == MLQ_OPT_FLAG)
        return NULL;
    if (o->kind == MLQ_OPT_CHOICE)
        return o->words;
    snprintf(buf, n, "%s%s%s", base, o->words != NULL ? "|" : "", o->words != NULL ? o->words : "");
    return buf;
}

static void print_algo_opt(FILE *f, const mlq_opt *o)
{
    char meta[96], spec[160], text[640], range[96] = "";
    const char *m = algo_meta(o, meta, sizeof meta);
    int n;

    if (o->kind == MLQ_OPT_INT || o->kind == MLQ_OPT_INT_LIST)
        snprintf(range, sizeof range, "; %s a whole number from %g to %g",
                 o->kind == MLQ_OPT_INT ? "N" : "each N", o->min, o->max);
    else if (o->kind == MLQ_OPT_NUM)
        snprintf(range, sizeof range, "; X a number in %c%g, %g]", o->min_open ? '(' : '[', o->min,
                 o->max);
    if (o->name[1] == '\0' && o->name[0] != 'h')
        n = snprintf(spec, sizeof spec, "  -%s, --%s%s%s", o->name, o->name, m ? " " : "", m ? m : "");
    else
        n = snprintf(spec, sizeof spec, "  --%s%s%s", o->name, m ? " " : "", m ? m : "");
    snprintf(text, sizeof text, "%s%s%s%s", o->help, range,
             o->kind == MLQ_OPT_FLAG ? "" : o->def != NULL ? "; default "
                                          : strstr(o->help, "required") ? "" : "; required",
             o->kind != MLQ_OPT_FLAG && o->def != NULL ? o->def : "");
    fputs(spec, f);
    wrap(f, (size_t)n, DESC_COL, text);
}

static void print_cmd_opt(FILE *f, const cli_opt *o)
{
    char spec[160], text[2048]; /* select's --algos lists its grid */
    int n = snprintf(spec, sizeof spec, "  --%s%s%s", o->name, o->meta ? " " : "",
                     o->meta ? o->meta : "");

    snprintf(text, sizeof text, "%s%s%s%s", o->help, o->choices ? " (" : "",
             o->choices ? o->choices() : "", o->choices ? ")" : "");
    fputs(spec, f);
    wrap(f, (size_t)n, DESC_COL, text);
}

/* The usage line: positional arguments, required options, [optional ones]. */
static void print_usage(FILE *f, const char *prefix, const cli_cmd *cmd, const mlq_algo *algo)
{
    const char *args = algo != NULL ? algo->name : cmd->args;
    size_t i, pass;

    fprintf(f, "%smlq %s%s%s", prefix, cmd->name, *args != '\0' ? " " : "", args);
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < cmd->n_opts; i++) {
            const cli_opt *o = &cmd->opts[i];

            if ((pass == 0) == (o->required != 0))
                fprintf(f, " %s--%s%s%s%s", o->required ? "" : "[", o->name, o->meta ? " " : "",
                        o->meta ? o->meta : "", o->required ? "" : "]");
        }
        for (i = 0; pass == 0 && algo != NULL && i < algo->n_opts; i++) {
            char meta[96];

            if (algo->opts[i].def == NULL && algo->opts[i].kind != MLQ_OPT_FLAG)
                fprintf(f, " --%s %s", algo->opts[i].name, algo_meta(&algo->opts[i], meta, sizeof meta));
        }
    }
    if (algo != NULL)
        fprintf(f, " [options of %s]\n", algo->name);
    else
        fputs(strcmp(cmd->args, "ALGO") == 0 ? " [ALGO options]\n" : "\n", f);
}

static void print_algo(FILE *f, const mlq_algo *a)
{
    char head[320];
    size_t i;

    snprintf(head, sizeof head, "Options of %s, %s:", a->name, a->summary);
    fputc('\n', f);
    wrap(f, 0, 0, head);
    for (i = 0; i < a->n_opts; i++)
        print_algo_opt(f, &a->opts[i]);
}

void cli_help_command(FILE *f, const cli_cmd *cmd, const mlq_algo *algo)
{
    size_t i;

    print_usage(f, "usage: ", cmd, algo);
    fprintf(f, "\n%s", cmd->text);
    if (algo != NULL)
        print_algo(f, algo);
    fprintf(f, "\nOptions%s%s:\n", algo != NULL ? " of " : "", algo != NULL ? cmd->name : "");
    for (i = 0; i < cmd->n_opts; i++)
        print_cmd_opt(f, &cmd->opts[i]);
    fputs("  -h, --help", f);
    wrap(f, 12, DESC_COL, "show this help");
    if (algo == NULL && strcmp(cmd->name, "train") == 0) {
        fputs("\nALGO is one of the algorithms below ('mlq help ALGO' shows one).\n", f);
        for (i = 0; mlq_algos[i] != NULL; i++)
            if (mlq_algos[i]->train != NULL)
                print_algo(f, mlq_algos[i]);
    }
}

void cli_help_all(FILE *f)
{
    size_t i, missing = 0;

    fputs("mlq " MLQ_VERSION_STRING " -- fixed-point classical ML for microcontrollers\n\nCommands:\n", f);
    for (i = 0; cli_commands[i] != NULL; i++)
        print_usage(f, "  ", cli_commands[i], NULL);
    fputs("\nALGO:", f);
    for (i = 0; mlq_algos[i] != NULL; i++) {
        if (mlq_algos[i]->train != NULL)
            fprintf(f, " %s", mlq_algos[i]->name);
        missing += mlq_algos[i]->train == NULL;
    }
    if (missing > 0) {
        fputs(" (not available in this version:", f);
        for (i = 0; mlq_algos[i] != NULL; i++)
            if (mlq_algos[i]->train == NULL)
                fprintf(f, " %s", mlq_algos[i]->name);
        fputc(')', f);
    }
    fputs("\n\n'mlq help COMMAND' shows a command's options, 'mlq help ALGO' an algorithm's;\n"
          "every command takes -h or --help too.\n"
          "\nConventions:\n"
          "  --opt VALUE or --opt=VALUE, names in full; a one-letter name also as -X VALUE.\n"
          "  Each option at most once. A value that starts with '-' and is not a number\n"
          "  must be written --opt=VALUE. Numbers are decimal. Positional arguments go\n"
          "  anywhere, and after -- even when they start with '-'.\n"
          "  train, export, split and select say 'mlq: wrote FILE: what' on stderr for\n"
          "  each file they write (--quiet: nothing); predict, compare, info and cv print\n"
          "  on stdout only.\n"
          "  --json prints one JSON document on stdout (UTF-8; a number that is not\n"
          "  finite is null).\n"
          "\nExit codes:\n"
          "  0  success\n"
          "  1  bad input: a file that cannot be read, a malformed CSV or model file,\n"
          "     degenerate data, or a failed write (no partial output file is left)\n"
          "  2  usage: unknown command, option or algorithm, or a bad option value\n"
          "Errors are one line on stderr: \"mlq: FILE:LINE: what is wrong\".\n",
          f);
}

/* ---- mlq help [COMMAND | ALGO] [ALGO] -------------------------------------- */

static int run_help(int argc, char **argv)
{
    cli_args a;
    mlq_err err;
    const cli_cmd *cmd = NULL;
    const mlq_algo *algo = NULL;
    size_t i;
    int rc = cli_parse(&cli_help_cmd, NULL, argc, argv, NULL, &a, &err);

    if (rc < 0)
        return cli_fail(EXIT_USAGE, &err);
    if (rc == CLI_HELP)
        return cli_stdout_end();
    if (a.n_pos == 0) {
        cli_help_all(stdout);
        return cli_stdout_end();
    }
    for (i = 0; cli_commands[i] != NULL; i++)
        if (strcmp(a.pos[0], cli_commands[i]->name) == 0)
            cmd = cli_commands[i];
    if (cmd == NULL && a.n_pos == 1 && (algo = mlq_algo_find(a.pos[0])) != NULL)
        cmd = &cli_train; /* mlq help kmeans */
    if (a.n_pos == 2 && cmd != &cli_train)
        mlq_err_set(&err, NULL, 0, "help: unexpected argument '%s' (only 'mlq help train ALGO' "
                    "takes two)", a.pos[1]);
    else if (cmd == NULL)
        mlq_err_set(&err, NULL, 0, "help: '%s' is neither a command nor an algorithm (try 'mlq help')",
                    a.pos[0]);
    else if (a.n_pos == 2 && (algo = mlq_algo_find(a.pos[1])) == NULL)
        mlq_err_set(&err, NULL, 0, "help: unknown algorithm '%s' (see 'mlq help train')", a.pos[1]);
    else
        err.msg[0] = '\0';
    if (err.msg[0] != '\0')
        return cli_fail(EXIT_USAGE, &err);
    cli_help_command(stdout, cmd, algo);
    return cli_stdout_end();
}

const cli_cmd cli_help_cmd = {
    "help", "[COMMAND | ALGO]", 0, 2, NULL, 0,
    "Show the commands and conventions, a command's options (mlq help COMMAND,\n"
    "or mlq COMMAND --help), or an algorithm's (mlq help ALGO, or mlq train ALGO\n"
    "--help).\n",
    run_help,
};
