/* SPDX-License-Identifier: MIT */
/*
 * options.c -- argv against a command's option table (and the algorithm's,
 * for `mlq train ALGO`) with getopt_long; the value parsers. The rules are
 * in options.h.
 */
#include "options.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ---------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The number at the start of text (cli_number's syntax): 0 with *v and
 * *end just after it, or -1. */
static int number_prefix(const char *text, double *v, const char **end)
{
    const char *p = text + (*text == '+' || *text == '-');
    char *e;

    if (!(is_digit(p[0]) || (p[0] == '.' && is_digit(p[1]))) ||
        (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')))
        return -1; /* spaces, hexadecimal, inf, nan, empty */
    errno = 0;
    *v = strtod(text, &e);
    if (e == text || errno == ERANGE || !isfinite(*v))
        return -1;
    *end = e;
    return 0;
}

int cli_number(const char *text, double *v)
{
    const char *end;

    return number_prefix(text, v, &end) == 0 && *end == '\0' ? 0 : -1;
}

int cli_whole(const char *text, double min, double max, double *v)
{
    return cli_number(text, v) == 0 && *v == floor(*v) && *v >= min && *v <= max ? 0 : -1;
}

int cli_word_in(const char *word, const char *words)
{
    size_t n = strlen(word);
    const char *p = words;

    while (p != NULL && *p != '\0') {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

int cli_seed(const char *text, unsigned long *seed, mlq_err *err)
{
    double v;

    if (cli_whole(text, 0, 4294967295.0, &v) != 0)
        return mlq_err_set(err, NULL, 0, "--seed: '%s' is not a whole number in [0, 4294967295]",
                           text);
    *seed = (unsigned long)v;
    return 0;
}

/* ---- the algorithm's options ------------------------------------------------ */

/*
 * An MLQ_OPT_INT_LIST value: "N" or "N,N,...", each a whole number in
 * [min, max]. Stored as the list written plainly ("1e1" becomes "10"), so
 * that the trainer reads the very numbers validated here.
 */
static int set_int_list_opt(const mlq_opt *o, const char *text, cJSON *hyper, mlq_err *err)
{
    size_t n = 1, len = 0, cap;
    const char *p;
    char *canon;
    int rc = 0;

    for (p = text; *p != '\0'; p++)
        n += *p == ',';
    cap = 24 * n; /* an item of at most 20 digits and its comma */
    canon = mlq_calloc(n, 24);
    if (canon == NULL)
        return mlq_err_set(err, NULL, 0, "out of memory");
    for (p = text;;) {
        const char *end;
        double v;

        if (number_prefix(p, &v, &end) != 0 || v != floor(v) || (*end != ',' && *end != '\0')) {
            rc = mlq_err_set(err, NULL, 0,
                             "--%s: '%s' is not a list of whole numbers separated by commas "
                             "(e.g. 32 or 32,16)",
                             o->name, text);
            break;
        }
        if (v < o->min || v > o->max || fabs(v) >= 1e20) {
            rc = mlq_err_set(err, NULL, 0, "--%s: %g in '%s' is out of range: must be >= %g and <= %g",
                             o->name, v, text, o->min, o->max);
            break;
        }
        len += (size_t)snprintf(canon + len, cap - len, "%s%.0f", len > 0 ? "," : "", v);
        if (*end == '\0')
            break;
        p = end + 1;
    }
    if (rc == 0 && cJSON_AddStringToObject(hyper, o->name, canon) == NULL)
        rc = mlq_err_set(err, NULL, 0, "out of memory");
    free(canon);
    return rc;
}

/* Validate one algorithm option value and store it in hyper. 0, or -1 with err. */
static int set_algo_opt(const mlq_opt *o, const char *text, cJSON *hyper, mlq_err *err)
{
    double v;

    if (o->words != NULL && cli_word_in(text, o->words))
        return cJSON_AddStringToObject(hyper, o->name, text) ? 0 : mlq_err_set(err, NULL, 0, "out of memory");
    if (o->kind == MLQ_OPT_INT_LIST)
        return set_int_list_opt(o, text, hyper, err);
    if (o->kind == MLQ_OPT_CHOICE)
        return mlq_err_set(err, NULL, 0, "--%s: '%s' is not one of %s", o->name, text, o->words);
    if (cli_number(text, &v) != 0)
        return mlq_err_set(err, NULL, 0, "--%s: '%s' is not a %s%s%s", o->name, text,
                           o->kind == MLQ_OPT_INT ? "whole number" : "number",
                           o->words ? " or one of " : "", o->words ? o->words : "");
    if (o->kind == MLQ_OPT_INT && v != floor(v))
        return mlq_err_set(err, NULL, 0, "--%s: '%s' is not a whole number", o->name, text);
    if (v < o->min || v > o->max || (o->min_open && v == o->min))
        return mlq_err_set(err, NULL, 0, "--%s: %s is out of range: must be %s %g and <= %g",
                           o->name, text, o->min_open ? ">" : ">=", o->min, o->max);
    return cJSON_AddNumberToObject(hyper, o->name, v) ? 0 : mlq_err_set(err, NULL, 0, "out of memory");
}

/* "linear, tree, ... and svm": the algorithms with a --task option. */
static const char *regressors(void)
{
    static char list[160];
    size_t i, j, len = 0, n = 0, k = 0;

    for (i = 0; mlq_algos[i] != NULL; i++)
        for (j = 0; j < mlq_algos[i]->n_opts; j++)
            n += strcmp(mlq_algos[i]->opts[j].name, "task") == 0;
    list[0] = '\0';
    for (i = 0; mlq_algos[i] != NULL && len < sizeof list; i++)
        for (j = 0; j < mlq_algos[i]->n_opts && len < sizeof list; j++)
            if (strcmp(mlq_algos[i]->opts[j].name, "task") == 0)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k++ == 0 ? "" : k == n ? " and " : ", ",
                                        mlq_algos[i]->name);
    return list;
}

/* An option of one task given with the other (--task, default classify). */
static int task_mismatch(const char *cmd, const mlq_algo *algo, const cJSON *hyper, mlq_err *err)
{
    bool regress = mlq_hyper_regress(hyper);
    size_t s;

    for (s = 0; s < algo->n_opts; s++) {
        const mlq_opt *o = &algo->opts[s];

        if (o->only == MLQ_FOR_ANY || cJSON_GetObjectItemCaseSensitive(hyper, o->name) == NULL ||
            (o->only == MLQ_FOR_REGRESS) == regress)
            continue;
        return mlq_err_set(err, NULL, 0, "%s %s: --%s is for %s, and this is %s", cmd, algo->name, o->name,
                           o->only == MLQ_FOR_REGRESS ? "regression (--task regress)" : "classification",
                           regress ? "regression (--task regress)" : "classification (add --task regress)");
    }
    return 0;
}

/* The default of option o: with --task regress the algorithm's regression default, if it has one. */
static const char *default_of(const mlq_algo *algo, bool regress, const mlq_opt *o)
{
    const mlq_opt_default *d = regress ? algo->regress_defaults : NULL;

    for (; d != NULL && d->name != NULL; d++)
        if (strcmp(d->name, o->name) == 0)
            return d->def;
    return o->def;
}

/* The algorithm's defaults for the options not given; those without one are required. */
static int algo_defaults(const char *cmd, const mlq_algo *algo, cJSON *hyper, mlq_err *err)
{
    size_t s;
    bool regress;

    if (task_mismatch(cmd, algo, hyper, err) != 0)
        return -1;
    regress = mlq_hyper_regress(hyper);

    for (s = 0; s < algo->n_opts; s++) {
        const mlq_opt *o = &algo->opts[s];

        if (cJSON_GetObjectItemCaseSensitive(hyper, o->name) != NULL)
            continue;
        if (o->only != MLQ_FOR_ANY && (o->only == MLQ_FOR_REGRESS) != regress)
            continue; /* the other task's option: not in this model */
        if (o->kind == MLQ_OPT_FLAG) { /* absent flag: false */
            if (cJSON_AddFalseToObject(hyper, o->name) == NULL)
                return mlq_err_set(err, NULL, 0, "out of memory");
            continue;
        }
        if (default_of(algo, regress, o) == NULL)
            return mlq_err_set(err, NULL, 0, "%s %s: --%s is required", cmd, algo->name, o->name);
        if (set_algo_opt(o, default_of(algo, regress, o), hyper, err) != 0)
            return -1;
    }
    return 0;
}

/* ---- getopt_long over the tables ------------------------------------------ */

enum { LONG_BASE = 0x100 };

/* A value that would be taken for an option: '-' and then neither a digit nor
 * a point (so "-1" and "-.5" are values, and "-" is one too). */
static int looks_like_option(const char *s)
{
    return s[0] == '-' && s[1] != '\0' && !is_digit(s[1]) && s[1] != '.';
}

/* The option word just read by getopt_long, as the user typed it, up to any '='. */
static void option_text(char **argv, int has_value, char *buf, size_t n)
{
    const char *w = argv[optind - 1];

    if (has_value && optarg == w && optind >= 2)
        w = argv[optind - 2]; /* "--opt VALUE": the value was the word after */
    snprintf(buf, n, "%.*s", (int)strcspn(w, "="), w);
}

/* "--a, --b and --c" of the required options that are missing, or "". */
static void missing_required(const cli_cmd *cmd, const cli_args *a, char *buf, size_t n)
{
    size_t i, count = 0, left = 0, len = 0;

    for (i = 0; i < cmd->n_opts; i++)
        left += cmd->opts[i].required && !CLI_GIVEN(a, i);
    buf[0] = '\0';
    for (i = 0; i < cmd->n_opts && len < n; i++) {
        if (!cmd->opts[i].required || CLI_GIVEN(a, i))
            continue;
        count++;
        len += (size_t)snprintf(buf + len, n - len, "%s--%s",
                                count == 1 ? "" : count == left ? " and " : ", ", cmd->opts[i].name);
    }
}

typedef struct parse_state {
    const cli_cmd *cmd;
    const mlq_algo *algo;
    cJSON *hyper;
    cli_args *a;
    mlq_err *err;
} parse_state;

static int positional(parse_state *s, const char *word)
{
    if (s->a->n_pos == s->cmd->max_pos)
        return mlq_err_set(s->err, NULL, 0, "%s: unexpected argument '%s' (see 'mlq help %s')",
                           s->cmd->name, word, s->cmd->name);
    s->a->pos[s->a->n_pos++] = word;
    return 0;
}

/* Option idx of the combined table (the command's, then the algorithm's) with its value. */
static int take_option(parse_state *s, size_t idx, const char *typed, const char *value,
                       int separate)
{
    const char *cmd = s->cmd->name;
    const mlq_opt *o = idx < s->cmd->n_opts ? NULL : &s->algo->opts[idx - s->cmd->n_opts];
    const char *name = o != NULL ? o->name : s->cmd->opts[idx].name;

    if (value != NULL && separate && looks_like_option(value))
        return mlq_err_set(s->err, NULL, 0,
                           "%s: %s needs a value, and '%s' looks like an option (if it is the value, "
                           "write --%s=%s)",
                           cmd, typed, value, name, value);
    if (o == NULL ? CLI_GIVEN(s->a, idx) : cJSON_GetObjectItemCaseSensitive(s->hyper, name) != NULL)
        return mlq_err_set(s->err, NULL, 0, "%s: --%s given twice", cmd, name);
    if (o == NULL) {
        s->a->val[idx] = value != NULL ? value : "";
        return 0;
    }
    if (o->kind == MLQ_OPT_FLAG)
        return cJSON_AddTrueToObject(s->hyper, name) ? 0 : mlq_err_set(s->err, NULL, 0, "out of memory");
    return set_algo_opt(o, value, s->hyper, s->err);
}

/* The index of the one-letter option c, or -1. */
static long short_index(const parse_state *s, int c)
{
    size_t j;

    for (j = 0; s->algo != NULL && j < s->algo->n_opts; j++)
        if (s->algo->opts[j].name[0] == c && s->algo->opts[j].name[1] == '\0')
            return (long)(s->cmd->n_opts + j);
    return -1;
}

/* The getopt_long tables of s: long options and the short option string. */
static int build_tables(const parse_state *s, struct option **lo, char **shorts)
{
    size_t n_algo = s->algo != NULL ? s->algo->n_opts : 0, n = s->cmd->n_opts + n_algo, i, k = 0;
    char *p;

    *lo = mlq_calloc(n + 2, sizeof **lo);
    *shorts = p = mlq_calloc(2 * n_algo + 4, 1);
    if (*lo == NULL || p == NULL)
        return -1;
    memcpy(p, "-:h", 3); /* words in order (1), ':' for a missing value, -h */
    p += 3;
    for (i = 0; i < n; i++) {
        int flag = i < s->cmd->n_opts ? s->cmd->opts[i].meta == NULL
                                      : s->algo->opts[i - s->cmd->n_opts].kind == MLQ_OPT_FLAG;
        const char *name = i < s->cmd->n_opts ? s->cmd->opts[i].name
                                              : s->algo->opts[i - s->cmd->n_opts].name;

        (*lo)[k].name = name;
        (*lo)[k].has_arg = flag ? no_argument : required_argument;
        (*lo)[k++].val = LONG_BASE + (int)i;
        if (i >= s->cmd->n_opts && name[1] == '\0' && name[0] != 'h') {
            *p++ = name[0];
            if (!flag)
                *p++ = ':';
        }
    }
    (*lo)[k].name = "help"; /* LONG_BASE + n; its short form is 'h' */
    (*lo)[k].val = LONG_BASE + (int)n;
    return 0;
}

/* The error of getopt_long's '?' or ':' (an unknown option, a missing value, a value given to a flag). */
static int option_error(const parse_state *s, char **argv, int c, const struct option *lo)
{
    const char *cmd = s->cmd->name;
    char typed[128];

    if (c == ':' && optopt >= LONG_BASE)
        return mlq_err_set(s->err, NULL, 0, "%s: --%s needs a value", cmd, lo[optopt - LONG_BASE].name);
    if (c == ':')
        return mlq_err_set(s->err, NULL, 0, "%s: -%c needs a value", cmd, optopt);
    if (optopt >= LONG_BASE) /* "--quiet=1" */
        return mlq_err_set(s->err, NULL, 0, "%s: --%s takes no value", cmd, lo[optopt - LONG_BASE].name);
    if (optopt > 0)
        snprintf(typed, sizeof typed, "-%c", optopt);
    else
        option_text(argv, 0, typed, sizeof typed);
    if (s->algo != NULL && strcmp(typed, "--task") == 0)
        return mlq_err_set(s->err, NULL, 0, "%s %s: --task: %s has no regression (%s can regress)", cmd,
                           s->algo->name, s->algo->name, regressors());
    return mlq_err_set(s->err, NULL, 0, "%s: unknown option '%s' (see 'mlq help %s')", cmd, typed, cmd);
}

int cli_parse(const cli_cmd *cmd, const mlq_algo *algo, int argc, char **argv, cJSON *hyper,
              cli_args *a, mlq_err *err)
{
    parse_state s = {cmd, algo, hyper, a, err};
    struct option *lo = NULL;
    char *shorts = NULL, missing[160];
    size_t n_all;
    int rc = 0, c;

    memset(a, 0, sizeof *a);
    if (build_tables(&s, &lo, &shorts) != 0) {
        free(lo);
        free(shorts);
        return mlq_err_set(err, NULL, 0, "out of memory");
    }
    optind = 0; /* glibc: start afresh */
    opterr = 0;
    n_all = cmd->n_opts + (algo != NULL ? algo->n_opts : 0);
    while (rc == 0 && (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        long idx = c >= LONG_BASE ? c - LONG_BASE : c == 'h' ? (long)n_all : short_index(&s, c);
        char typed[128];

        if (c == 1) {
            rc = positional(&s, optarg);
            continue;
        }
        if (c == '?' || c == ':' || idx == -1) {
            rc = option_error(&s, argv, c, lo);
            continue;
        }
        if (c >= LONG_BASE)
            option_text(argv, optarg != NULL, typed, sizeof typed);
        else
            snprintf(typed, sizeof typed, "-%c", c);
        /* getopt_long takes any unambiguous prefix: mlq takes full names only. */
        if (c >= LONG_BASE && strcmp(typed + 2, lo[idx].name) != 0) {
            rc = mlq_err_set(err, NULL, 0, "%s: unknown option '%s' (see 'mlq help %s')", cmd->name,
                             typed, cmd->name);
        } else if ((size_t)idx == n_all) {
            cli_help_command(stdout, cmd, algo);
            rc = CLI_HELP;
        } else {
            rc = take_option(&s, (size_t)idx, typed, optarg, optarg != NULL && optarg == argv[optind - 1]);
        }
    }
    while (rc == 0 && optind > 0 && optind < argc) /* the words after "--" */
        rc = positional(&s, argv[optind++]);
    free(lo);
    free(shorts);
    if (rc != 0)
        return rc;
    missing_required(cmd, a, missing, sizeof missing);
    if (missing[0] != '\0')
        return mlq_err_set(err, NULL, 0, "%s: %s %s required", cmd->name, missing,
                           strchr(missing, ' ') != NULL ? "are" : "is");
    if (a->n_pos < cmd->min_pos)
        return mlq_err_set(err, NULL, 0, "%s: needs %s (see 'mlq help %s')", cmd->name, cmd->args,
                           cmd->name);
    return algo != NULL ? algo_defaults(cmd->name, algo, hyper, err) : 0;
}
