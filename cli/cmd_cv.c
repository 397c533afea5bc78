/* SPDX-License-Identifier: MIT */
/* mlq cv ALGO: k-fold cross-validation of the float model and the device code. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "cv.h"
#include "json.h"
#include "options.h"

enum { V_DATA, V_FOLDS, V_GROUPS, V_TARGET, V_SEED, V_LABEL, V_JSON, V_QUIET, V_N };

static const cli_opt cv_opts[V_N] = {
    [V_DATA] = {"data", "DATA.csv", "the rows: a CSV file with a header row and a label (or, with --task "
                "regress, target) column", 1, NULL},
    [V_FOLDS] = {"folds", "K", "folds, a whole number from 2 to the number of rows (and of groups); "
                 "default 5", 0, NULL},
    [V_GROUPS] = {"groups", "FILE",
                  "keep rows of one group together: FILE has one group id per data row (a speaker, a "
                  "session), and every group goes whole to one fold; classes are stratified as far as "
                  "whole groups allow",
                  0, NULL},
    [V_TARGET] = {"target", "BOARD", "the board whose flash, SRAM and instructions are estimated; default m4",
                  0, mlq_board_names},
    [V_SEED] = {"seed", "N", "random seed of the folds and of every training, a whole number from 0 to "
                "4294967295; default 1", 0, NULL},
    [V_LABEL] = {"label", "COL", "the label (or target) column; default 'label', else the last column", 0,
                 NULL},
    [V_JSON] = {"json", NULL,
                "print one JSON object instead: algorithm, hyperparameters, data, rows, task, folds, "
                "groups, seed, target, and per_fold, mean and sd, each with host_ and device_ accuracy "
                "(regression: r2 and mae), agreement (regression: p99_diff_of_range), flash, sram, stack "
                "and insns (null when not estimated), fits",
                0, NULL},
    [V_QUIET] = {"quiet", NULL, "no progress on stderr", 0, NULL},
};

/* One line of the table: a fold, the mean, or the sd (pct: shares as percentages). */
static void print_row(const char *what, const cv_eval *e, int regress, int sd)
{
    char c[10][32];
    const char *pct = sd ? "%.2f" : "%.2f%%";

    cv_fmt(c[0], sizeof c[0], "%.0f", sd ? (double)NAN : e->train_rows);
    cv_fmt(c[1], sizeof c[1], "%.0f", sd ? (double)NAN : e->test_rows);
    if (regress) {
        cv_fmt(c[2], sizeof c[2], "%.4f", e->host);
        cv_fmt(c[3], sizeof c[3], "%.4f", e->device);
        cv_fmt(c[4], sizeof c[4], "%.4g", e->host_mae);
        cv_fmt(c[5], sizeof c[5], "%.4g", e->device_mae);
        cv_fmt(c[6], sizeof c[6], sd ? "%.4f" : "%.4f%%", 100.0 * e->agreement);
        printf("%-5s %6s %5s %9s %10s %9s %10s %10s", what, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
    } else {
        cv_fmt(c[2], sizeof c[2], pct, 100.0 * e->host);
        cv_fmt(c[3], sizeof c[3], pct, 100.0 * e->device);
        cv_fmt(c[4], sizeof c[4], pct, 100.0 * e->agreement);
        printf("%-5s %6s %5s %9s %10s %10s", what, c[0], c[1], c[2], c[3], c[4]);
    }
    cv_fmt(c[7], sizeof c[7], "%.0f", e->flash);
    cv_fmt(c[8], sizeof c[8], "%.0f", e->sram);
    cv_fmt(c[9], sizeof c[9], "%.0f", e->stack);
    printf(" %7s %6s %6s", c[7], c[8], c[9]);
    cv_fmt(c[7], sizeof c[7], "%.1f", e->insns);
    printf(" %9s%s\n", c[7], sd ? "" : e->fits ? "  yes" : "  no");
}

typedef struct cv_report {
    const char *algo, *data, *groups;
    const cJSON *hyper;
    const mlq_dataset *d;
    const mlq_groups *g;
    const cv_setup *s;
    const cv_eval *e, *mean, *sd;
} cv_report;

static void print_text(const cv_report *r)
{
    const cv_setup *s = r->s;
    const mlq_board *b = s->board;
    int regress = r->d->t != NULL;
    char *hyper = cJSON_PrintUnformatted(r->hyper);
    size_t f;

    printf("model       %s %s\n", r->algo, hyper != NULL ? hyper : "");
    free(hyper);
    printf("data        %s: %zu rows, ", r->data, r->d->n_rows);
    if (regress)
        printf("target '%s'\n", r->d->label_name);
    else
        printf("%zu classes\n", r->d->n_classes);
    printf("folds       %zu, %s, seed %lu", s->k, regress ? "not stratified (regression)" : "stratified by class",
           s->seed);
    if (r->groups != NULL)
        printf("; grouped by %s (%zu groups, each in one fold)", r->groups, r->g->n_groups);
    printf("\ntarget      %s, %s: %zu bytes of flash, %zu of SRAM (estimates: mlq info --target)\n\n", b->name,
           b->desc, b->flash, b->sram);
    if (regress)
        printf("%-5s %6s %5s %9s %10s %9s %10s %10s", "fold", "train", "test", "host R^2", "device R^2",
               "host MAE", "device MAE", "p99 diff");
    else
        printf("%-5s %6s %5s %9s %10s %10s", "fold", "train", "test", "host", "device", "agreement");
    printf(" %7s %6s %6s %9s  %s\n", "flash", "SRAM", "stack", strcmp(b->core, "avr") == 0 ? "cycles" : "instr",
           "fits");
    for (f = 0; f < s->k; f++) {
        char what[24];

        snprintf(what, sizeof what, "%zu", f + 1);
        print_row(what, &r->e[f], regress, 0);
    }
    print_row("mean", r->mean, regress, 0);
    print_row("sd", r->sd, regress, 1);
    if (regress)
        puts("\n(p99 diff: the 99th percentile of |host - device| as a share of the target's training range)");
}

static int print_json(const cv_report *r, mlq_err *err)
{
    const cv_setup *s = r->s;
    int regress = r->d->t != NULL;
    cJSON *doc = cJSON_CreateObject(), *arr, *o;
    size_t f;

    cli_json_str(doc, "algorithm", r->algo);
    cli_json_add(doc, "hyperparameters", cJSON_Duplicate(r->hyper, 1));
    cli_json_str(doc, "data", r->data);
    cli_json_num(doc, "rows", (double)r->d->n_rows);
    cli_json_str(doc, "task", regress ? "regress" : "classify");
    cli_json_num(doc, "folds", (double)s->k);
    cli_json_str(doc, "groups", r->groups);
    if (r->groups != NULL)
        cli_json_num(doc, "n_groups", (double)r->g->n_groups);
    cli_json_num(doc, "seed", (double)s->seed);
    cli_json_str(doc, "target", s->board->name);
    arr = cli_json_arr(doc, "per_fold");
    for (f = 0; f < s->k; f++) {
        o = cli_json_obj(arr, NULL);
        cli_json_num(o, "fold", (double)(f + 1));
        cli_json_num(o, "train_rows", r->e[f].train_rows);
        cli_json_num(o, "test_rows", r->e[f].test_rows);
        cv_json_eval(o, &r->e[f], regress, 1);
    }
    cv_json_eval(cli_json_obj(doc, "mean"), r->mean, regress, 1);
    cv_json_eval(cli_json_obj(doc, "sd"), r->sd, regress, 0);
    return cli_json_print(doc, err);
}

/* Read, fold, cross-validate, report. An exit code. */
static int cv(const char *algo_name, const mlq_algo *algo, const cli_args *a, const cJSON *hyper,
              cv_setup *s)
{
    const char *data = a->val[V_DATA], *groups = a->val[V_GROUPS];
    int regress = algo->task(hyper) == MLQ_TASK_REGRESS, progress = !CLI_GIVEN(a, V_QUIET) && isatty(STDERR_FILENO);
    mlq_dataset d = {0};
    mlq_groups g = {0, 0, NULL, NULL};
    mlq_err err = {{0}};
    size_t *fold = NULL, f;
    cv_eval *e = NULL, mean, sd;
    int rc = EXIT_INPUT;

    if (mlq_csv_read(data, a->val[V_LABEL], regress ? MLQ_TARGET_REQUIRED : MLQ_LABEL_REQUIRED, NULL, 0, &d,
                     &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    fold = mlq_calloc(d.n_rows, sizeof *fold);
    if (fold == NULL)
        mlq_err_set(&err, data, 0, "out of memory");
    else if ((groups == NULL || mlq_groups_read(groups, d.n_rows, data, &g, &err) == 0) &&
             cv_folds(&d, groups != NULL ? &g : NULL, groups, s->k, s->seed, fold, &err) == 0 &&
             (e = mlq_calloc(s->k, sizeof *e)) == NULL) {
        mlq_err_set(&err, data, 0, "out of memory");
    } else if (e != NULL) {
        s->d = &d;
        s->fold = fold;
        for (f = 0; f < s->k; f++) {
            if (progress)
                fprintf(stderr, "\rmlq: cv: fold %zu of %zu", f + 1, s->k);
            if (cv_fold(s, f, algo, hyper, &e[f], &err) != 0)
                break;
        }
        if (progress)
            fputs("\r\033[K", stderr);
        if (f == s->k) {
            cv_report r = {algo_name, data, groups, hyper, &d, &g, s, e, &mean, &sd};

            cv_summary(e, s->k, &mean, &sd);
            if (!CLI_GIVEN(a, V_JSON))
                print_text(&r);
            rc = !CLI_GIVEN(a, V_JSON) || print_json(&r, &err) == 0 ? cli_stdout_end() : EXIT_INPUT;
        }
    }
    free(fold);
    free(e);
    mlq_groups_free(&g);
    mlq_dataset_free(&d);
    return rc == EXIT_OK || err.msg[0] == '\0' ? rc : cli_fail(rc, &err);
}

static int run_cv(int argc, char **argv)
{
    const mlq_algo *algo = NULL;
    mlq_err err = {{0}};
    cv_setup s;
    cli_args a;
    cJSON *hyper;
    double k = 5;
    mlq_task task;
    int rc;

    memset(&s, 0, sizeof s);
    s.seed = 1;
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        cli_help_command(stdout, &cli_cv, NULL);
        return cli_stdout_end();
    }
    if (argc < 2 || argv[1][0] == '-')
        mlq_err_set(&err, NULL, 0, "cv: which algorithm? (see 'mlq help cv')");
    else if ((algo = mlq_algo_find(argv[1])) == NULL || algo->train == NULL)
        mlq_err_set(&err, NULL, 0, "cv: unknown algorithm '%s' (see 'mlq help train')", argv[1]);
    if (err.msg[0] != '\0')
        return cli_fail(EXIT_USAGE, &err);
    if ((hyper = cJSON_CreateObject()) == NULL) {
        mlq_err_set(&err, NULL, 0, "out of memory");
        return cli_fail(EXIT_INPUT, &err);
    }
    rc = cli_parse(&cli_cv, algo, argc - 1, argv + 1, hyper, &a, &err);
    if (rc == CLI_RUN && CLI_GIVEN(&a, V_SEED))
        rc = cli_seed(a.val[V_SEED], &s.seed, &err);
    if (rc == CLI_RUN && CLI_GIVEN(&a, V_FOLDS) && cli_whole(a.val[V_FOLDS], 2, 1e9, &k) != 0)
        rc = mlq_err_set(&err, NULL, 0, "cv: --folds: '%s' is not a whole number from 2 to 1000000000",
                         a.val[V_FOLDS]);
    if (rc == CLI_RUN)
        rc = cli_find_target(CLI_GIVEN(&a, V_TARGET) ? a.val[V_TARGET] : "m4", "cv", &s.board, &err) == EXIT_OK
                 ? CLI_RUN : -1;
    if (rc == CLI_RUN && (task = algo->task(hyper)) != MLQ_TASK_CLASSIFY && task != MLQ_TASK_REGRESS)
        rc = mlq_err_set(&err, NULL, 0, "cv: this %s model %s: cross-validation needs a classifier or a "
                         "regressor (gmm classifies with --per-class)", algo->name,
                         task == MLQ_TASK_CLUSTER ? "clusters" : "detects anomalies");
    if (rc != CLI_RUN) {
        cJSON_Delete(hyper);
        return rc == CLI_HELP ? cli_stdout_end() : cli_fail(EXIT_USAGE, &err);
    }
    s.k = (size_t)k;
    rc = cv(argv[1], algo, &a, hyper, &s);
    cJSON_Delete(hyper);
    return rc;
}

const cli_cmd cli_cv = {
    "cv", "ALGO", 0, 0, cv_opts, V_N,
    "Cross-validate ALGO with its training options (as for 'mlq train ALGO'; 'mlq\n"
    "help ALGO' lists them) on DATA.csv: the rows are split into K folds,\n"
    "stratified by class (regression: not stratified) and, with --groups, keeping\n"
    "every group in one fold; each fold's rows are held out while a model is\n"
    "trained on the others, then the float model and the fixed-point device code\n"
    "both predict them. Per fold, and as mean and standard deviation (n - 1) over\n"
    "the folds: host and device accuracy (regression: R^2 and MAE), agreement\n"
    "(share of rows where the two predict the same; regression: the 99th\n"
    "percentile of |host - device| as a share of the target's training range),\n"
    "and the model's estimated flash, SRAM, stack and instructions per inference\n"
    "(AVR: cycles) on the --target board, as 'mlq info --target' estimates them.\n"
    "Deterministic for a seed. Every fold must hold every class: a class with\n"
    "fewer rows (or groups) than folds is an error.\n",
    run_cv,
};
