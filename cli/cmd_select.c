/* SPDX-License-Identifier: MIT */
/* mlq select: the most accurate model that fits a board, by cross-validation over a grid. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "options.h"
#include "select.h"

enum {
    S_DATA, S_GROUPS, S_TARGET, S_MAX_FLASH, S_MAX_RAM, S_MAX_INSNS, S_ALGOS, S_TIME, S_FOLDS,
    S_SEED, S_TASK, S_LABEL, S_OUT, S_PLOT, S_MEASURE, S_JSON, S_QUIET, S_N
};

static const cli_opt select_opts[S_N] = {
    [S_DATA] = {"data", "DATA.csv", "the rows: a CSV file with a header row and a label (or, with --task "
                "regress, target) column", 1, NULL},
    [S_GROUPS] = {"groups", "FILE",
                  "keep rows of one group together: FILE has one group id per data row, and every group "
                  "goes whole to one fold", 0, NULL},
    [S_TARGET] = {"target", "BOARD", "the board the model must fit", 1, mlq_board_names},
    [S_MAX_FLASH] = {"max-flash", "B", "bytes of flash the model may take at most (below the board's)", 0,
                     NULL},
    [S_MAX_RAM] = {"max-ram", "B", "bytes of SRAM the model may take at most (stack, scratch and input)", 0,
                   NULL},
    [S_MAX_INSNS] = {"max-insns", "N", "instructions per inference at most (on AVR boards, cycles), as "
                     "estimated; a candidate without an estimate does not fit", 0, NULL},
    [S_ALGOS] = {"algos", "LIST", "the algorithms to try, separated by commas; default all of the grid",
                 0, sel_grid_text},
    [S_TIME] = {"time", "S", "stop trying new candidates after S seconds (those not tried are listed as "
                "such)", 0, NULL},
    [S_FOLDS] = {"folds", "K", "cross-validation folds, from 2 to the number of rows (and of groups); "
                 "default 5", 0, NULL},
    [S_SEED] = {"seed", "N", "random seed of the folds and of every training, a whole number from 0 to "
                "4294967295; default 1", 0, NULL},
    [S_TASK] = {"task", "classify|regress", "classify: the label column holds classes, candidates are "
                "ranked by device accuracy; regress: it holds a continuous target, ranked by device R^2; "
                "default classify", 0, NULL},
    [S_LABEL] = {"label", "COL", "the label (or target) column; default 'label', else the last column", 0,
                 NULL},
    [S_OUT] = {"out", "MODEL.json", "write the chosen candidate, trained on every row, as a model file", 0,
               NULL},
    [S_PLOT] = {"plot", "FILE.svg", "write a picture (SVG) of device accuracy against flash: every "
                "candidate a point, those that fit filled, the chosen one ringed, the flash budget a line",
                0, NULL},
    [S_MEASURE] = {"measure", "N", "run the best N candidates that fit on the emulated board "
                   "(examples/firmware/run: QEMU, or simavr for AVR) and report measured against "
                   "estimated flash, stack and instructions; the runner is $MLQ_RUNNER, else "
                   "../examples/firmware/run or ../../examples/firmware/run from the mlq binary's folder",
                   0, NULL},
    [S_JSON] = {"json", NULL, "print one JSON object instead: data, task, folds, groups, seed, target, "
                "budget, candidates (rank, algorithm, options, device_ and host_ mean and sd, agreement, "
                "flash, sram, stack, insns, fits, why, error), chosen, pareto_flash, pareto_insns, "
                "stopped and measured", 0, NULL},
    [S_QUIET] = {"quiet", NULL, "no progress and no 'wrote' lines on stderr (the summary line stays)", 0,
                 NULL},
};

/* What the command line asked for, checked. */
typedef struct sel_opts {
    const char *data, *groups, *algos, *label, *out, *plot;
    cv_setup s;
    double time_limit;
    size_t measure;
    int regress, json, quiet;
} sel_opts;

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Cross-validate candidate c, then cost its model trained on every row. Errors go into c->error. */
static void try_candidate(const cv_setup *s, sel_cand *c)
{
    const mlq_algo *algo;
    cJSON *hyper;
    cv_eval *e = mlq_calloc(s->k, sizeof *e);
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    size_t f;

    c->tried = 1;
    if (e == NULL) {
        snprintf(c->error, sizeof c->error, "out of memory");
        return;
    }
    if (sel_hyper(c, &algo, &hyper, &err) == 0) {
        for (f = 0; f < s->k && cv_fold(s, f, algo, hyper, &e[f], &err) == 0; f++)
            ;
        if (f == s->k) {
            cv_summary(e, s->k, &c->mean, &c->sd);
            if (cv_train_all(s, algo, hyper, &m, &dev, &err) == 0)
                cv_costs(s, &dev, s->d->x, s->d->n_rows, &c->cost);
            mlq_device_free(&dev);
            mlq_model_free(&m);
        }
        cJSON_Delete(hyper);
    }
    if (err.msg[0] != '\0')
        snprintf(c->error, sizeof c->error, "%.*s", (int)sizeof c->error - 1, err.msg);
    free(e);
}

/* Try the candidates in grid order until the time runs out. */
static void search(const sel_opts *o, sel_result *r)
{
    double start = now();
    int progress = !o->quiet && isatty(STDERR_FILENO);
    size_t i;

    for (i = 0; i < r->n && !r->stopped; i++) {
        if (progress)
            fprintf(stderr, "\r\033[Kmlq: select: %zu of %zu: %s %s", i + 1, r->n, r->c[i].algo, r->c[i].opts);
        try_candidate(&o->s, &r->c[i]);
        r->n_tried++;
        r->stopped = o->time_limit > 0 && i + 1 < r->n && now() - start >= o->time_limit;
    }
    if (progress)
        fputs("\r\033[K", stderr);
}

/* The report of a model select writes: the host's figure on its training rows, as `mlq train` adds
 * it, and how it was chosen. 0, or -1. */
static int add_report(const sel_opts *o, const sel_cand *c, mlq_model *m, const mlq_device *dev, mlq_err *err)
{
    cJSON *sel = cJSON_AddObjectToObject(m->training, "select");
    cv_eval e;

    memset(&e, 0, sizeof e);
    if (cv_measure(m, dev, o->s.d, &e, err) != 0)
        return -1;
    if ((o->regress ? cJSON_AddNumberToObject(m->training, "host_r2", e.host) != NULL &&
                          cJSON_AddNumberToObject(m->training, "host_mae", e.host_mae) != NULL
                    : cJSON_AddNumberToObject(m->training, "host_accuracy", e.host) != NULL) &&
        sel != NULL && cJSON_AddNumberToObject(sel, "folds", (double)o->s.k) != NULL &&
        cJSON_AddBoolToObject(sel, "grouped", o->groups != NULL) != NULL &&
        cJSON_AddStringToObject(sel, "target", o->s.board->name) != NULL &&
        cJSON_AddNumberToObject(sel, o->regress ? "cv_device_r2" : "cv_device_accuracy", c->mean.device) != NULL &&
        cJSON_AddNumberToObject(sel, o->regress ? "cv_device_r2_sd" : "cv_device_accuracy_sd", c->sd.device) != NULL)
        return 0;
    return mlq_err_set(err, o->out, 0, "out of memory");
}

/* Write the chosen candidate, trained on every row, with how it was chosen in its report. */
static int write_model(const sel_opts *o, const sel_cand *c, mlq_err *err)
{
    const mlq_algo *algo;
    cJSON *hyper;
    mlq_model m = {0};
    mlq_device dev = {0};
    int rc = -1;

    if (sel_hyper(c, &algo, &hyper, err) != 0)
        return -1;
    if (cv_train_all(&o->s, algo, hyper, &m, &dev, err) == 0 && mlq_device_after_train(&m, o->s.d, err) == 0 &&
        add_report(o, c, &m, &dev, err) == 0 && mlq_model_save(o->out, &m, err) == 0)
        rc = 0;
    mlq_device_free(&dev);
    mlq_model_free(&m);
    cJSON_Delete(hyper);
    if (rc == 0)
        cli_wrote(o->quiet, o->out, "%s %s, trained on the %zu rows of %s", c->algo, c->opts, o->s.d->n_rows,
                  o->data);
    return rc;
}

/* Nothing fits: say what came closest. -1 with err. */
static int nothing_fits(const sel_result *r, mlq_err *err)
{
    const cv_setup *s = r->s;
    size_t i = sel_closest(r->c, r->n, s), k;
    char budget[96];

    k = (size_t)snprintf(budget, sizeof budget, "%zu bytes of flash, %zu of SRAM", sel_flash_budget(s),
                         sel_sram_budget(s));
    if (s->insns_budget > 0 && k < sizeof budget)
        snprintf(budget + k, sizeof budget - k, ", %.0f instructions", s->insns_budget);
    if (i == r->n) {
        for (i = 0; i < r->n && r->c[i].error[0] == '\0'; i++)
            ;
        return mlq_err_set(err, r->data, 0, "no candidate could be cross-validated%s%s",
                           i < r->n ? ", the first: " : "", i < r->n ? r->c[i].error : "");
    }
    return mlq_err_set(err, NULL, 0, "select: no candidate fits %s (%s): the closest is %s %s, %s", s->board->name,
                       budget, r->c[i].algo, r->c[i].opts, r->c[i].cost.why);
}

/* The summary line on stderr. */
static void summary(const sel_opts *o, const sel_result *r, double seconds)
{
    const sel_cand *c = &r->c[r->order[0]];

    if (r->stopped)
        fprintf(stderr, "mlq: select: --time %g: stopped after %zu of %zu candidates\n", o->time_limit,
                r->n_tried, r->n);
    fprintf(stderr, "mlq: select: %zu candidates, %zu-fold cross-validation, %.1f s; %zu fit %s", r->n_tried,
            o->s.k, seconds, r->n_fit, o->s.board->name);
    if (r->n_fit > 0 && o->regress)
        fprintf(stderr, "; chose %s %s: device R^2 %.4f (sd %.4f), %.0f bytes of flash", c->algo, c->opts,
                c->mean.device, c->sd.device, c->cost.flash);
    else if (r->n_fit > 0)
        fprintf(stderr, "; chose %s %s: device accuracy %.2f%% (sd %.2f), %.0f bytes of flash", c->algo, c->opts,
                100.0 * c->mean.device, 100.0 * c->sd.device, c->cost.flash);
    fputc('\n', stderr);
}

/* Read, fold, search, report, write. An exit code. */
static int select_model(sel_opts *o)
{
    mlq_dataset d = {0};
    mlq_groups g = {0, 0, NULL, NULL};
    mlq_err err = {{0}};
    size_t *fold = NULL;
    sel_measured *meas = NULL;
    sel_result r;
    long n_meas = 0;
    double start = now();
    int rc = EXIT_INPUT;

    memset(&r, 0, sizeof r);
    r.data = o->data;
    r.groups = o->groups;
    r.time_limit = o->time_limit;
    r.n = sel_grid(o->algos, o->regress, NULL, 0, &err);
    if (r.n == 0)
        return cli_fail(EXIT_USAGE, &err);
    if (mlq_csv_read(o->data, o->label, o->regress ? MLQ_TARGET_REQUIRED : MLQ_LABEL_REQUIRED, NULL, 0, &d,
                     &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    fold = mlq_calloc(d.n_rows, sizeof *fold);
    r.c = mlq_calloc(r.n, sizeof *r.c);
    r.order = mlq_calloc(r.n, sizeof *r.order);
    r.front_flash = mlq_calloc(r.n, sizeof *r.front_flash);
    r.front_insns = mlq_calloc(r.n, sizeof *r.front_insns);
    meas = mlq_calloc(o->measure + 1, sizeof *meas);
    r.d = &d;
    r.g = &g;
    r.s = &o->s;
    if (fold == NULL || r.c == NULL || r.order == NULL || r.front_flash == NULL || r.front_insns == NULL ||
        meas == NULL) {
        mlq_err_set(&err, o->data, 0, "out of memory");
    } else if ((o->groups == NULL || mlq_groups_read(o->groups, d.n_rows, o->data, &g, &err) == 0) &&
               cv_folds(&d, o->groups != NULL ? &g : NULL, o->groups, o->s.k, o->s.seed, fold, &err) == 0) {
        o->s.d = &d;
        o->s.fold = fold;
        sel_grid(o->algos, o->regress, r.c, r.n, &err);
        search(o, &r);
        r.n_fit = sel_rank(r.c, r.n, r.order);
        r.n_front_flash = sel_pareto(r.c, r.n, 0, r.front_flash);
        r.n_front_insns = sel_pareto(r.c, r.n, 1, r.front_insns);
        /* The measurement first: of what may fail, it fails most often (a board's toolchain). */
        if (r.n_fit == 0)
            nothing_fits(&r, &err);
        else if ((o->measure == 0 || (n_meas = sel_measure(&r, o->measure, meas, &err)) >= 0) &&
                 (o->plot == NULL || sel_plot(&r, o->plot, &err) == 0) &&
                 (o->out == NULL || write_model(o, &r.c[r.order[0]], &err) == 0)) {
            if (o->plot != NULL)
                cli_wrote(o->quiet, o->plot, "device accuracy against flash of %zu candidates", r.n_tried);
            if (!o->json)
                sel_print_text(&r, o->plot, meas, (size_t)n_meas);
            rc = !o->json || sel_print_json(&r, o->plot, meas, (size_t)n_meas, &err) == 0 ? cli_stdout_end()
                                                                                          : EXIT_INPUT;
            if (rc == EXIT_OK)
                summary(o, &r, now() - start);
        }
    }
    free(fold);
    free(r.c);
    free(r.order);
    free(r.front_flash);
    free(r.front_insns);
    free(meas);
    mlq_groups_free(&g);
    mlq_dataset_free(&d);
    return rc == EXIT_OK || err.msg[0] == '\0' ? rc : cli_fail(rc, &err);
}

/* The options' values into o. CLI_RUN, or -1 with err (a usage error). */
static int check_opts(const cli_args *a, sel_opts *o, mlq_err *err)
{
    double v;

    o->data = a->val[S_DATA];
    o->groups = a->val[S_GROUPS];
    o->algos = a->val[S_ALGOS];
    o->label = a->val[S_LABEL];
    o->out = a->val[S_OUT];
    o->plot = a->val[S_PLOT];
    o->json = CLI_GIVEN(a, S_JSON);
    o->quiet = CLI_GIVEN(a, S_QUIET);
    o->s.seed = 1;
    o->s.k = 5;
    if (cli_find_target(a->val[S_TARGET], "select", &o->s.board, err) != EXIT_OK ||
        cli_bytes(a->val[S_MAX_FLASH], "select: --max-flash", &o->s.flash_budget, err) != 0 ||
        cli_bytes(a->val[S_MAX_RAM], "select: --max-ram", &o->s.sram_budget, err) != 0 ||
        (CLI_GIVEN(a, S_SEED) && cli_seed(a->val[S_SEED], &o->s.seed, err) != 0))
        return -1;
    o->s.flash_budget = sel_flash_budget(&o->s);
    o->s.sram_budget = sel_sram_budget(&o->s);
    if (CLI_GIVEN(a, S_MAX_INSNS) && cli_whole(a->val[S_MAX_INSNS], 1, 1e15, &o->s.insns_budget) != 0)
        return mlq_err_set(err, NULL, 0, "select: --max-insns: '%s' is not a whole number from 1 to 1e15",
                           a->val[S_MAX_INSNS]);
    if (CLI_GIVEN(a, S_TIME) && (cli_number(a->val[S_TIME], &o->time_limit) != 0 || o->time_limit <= 0))
        return mlq_err_set(err, NULL, 0, "select: --time: '%s' is not a number of seconds above 0", a->val[S_TIME]);
    if (CLI_GIVEN(a, S_FOLDS) && cli_whole(a->val[S_FOLDS], 2, 1e9, &v) != 0)
        return mlq_err_set(err, NULL, 0, "select: --folds: '%s' is not a whole number from 2 to 1000000000",
                           a->val[S_FOLDS]);
    if (CLI_GIVEN(a, S_FOLDS))
        o->s.k = (size_t)v;
    if (CLI_GIVEN(a, S_MEASURE) && cli_whole(a->val[S_MEASURE], 1, 100, &v) != 0)
        return mlq_err_set(err, NULL, 0, "select: --measure: '%s' is not a whole number from 1 to 100",
                           a->val[S_MEASURE]);
    o->measure = CLI_GIVEN(a, S_MEASURE) ? (size_t)v : 0;
    if (CLI_GIVEN(a, S_TASK) && !cli_word_in(a->val[S_TASK], "classify|regress"))
        return mlq_err_set(err, NULL, 0, "select: --task: '%s' is not one of classify|regress", a->val[S_TASK]);
    o->regress = CLI_GIVEN(a, S_TASK) && strcmp(a->val[S_TASK], "regress") == 0;
    return CLI_RUN;
}

static int run_select(int argc, char **argv)
{
    cli_args a;
    mlq_err err = {{0}};
    sel_opts o;
    char runner[4096];
    int rc = cli_parse(&cli_select, NULL, argc, argv, NULL, &a, &err);

    memset(&o, 0, sizeof o);
    if (rc == CLI_RUN)
        rc = check_opts(&a, &o, &err);
    if (rc != CLI_RUN)
        return rc == CLI_HELP ? cli_stdout_end() : cli_fail(EXIT_USAGE, &err);
    if ((o.groups != NULL && mlq_out_protect(o.groups, &err) != 0) || mlq_out_protect(o.data, &err) != 0 ||
        (o.out != NULL && mlq_out_check(o.out, &err) != 0) || (o.plot != NULL && mlq_out_check(o.plot, &err) != 0) ||
        (o.measure > 0 && sel_runner(runner, sizeof runner, &err) != 0))
        return cli_fail(EXIT_INPUT, &err);
    return select_model(&o);
}

const cli_cmd cli_select = {
    "select", "", 0, 0, select_opts, S_N,
    "Find the most accurate model that fits a board. Every candidate of a grid of\n"
    "algorithms, options and activation widths (--algos below) is cross-validated\n"
    "on DATA.csv as 'mlq cv' does it (K folds, stratified by class, grouped with\n"
    "--groups); the model trained on every row is costed on the --target board\n"
    "(flash, SRAM, stack and instructions per inference, the estimates of 'mlq\n"
    "info --target', from what 'make bench' measured: bench/results.md says how\n"
    "close they come to the emulated boards). Candidates that fit the board and\n"
    "the budgets are ranked by mean device accuracy over the folds (regression:\n"
    "R^2), ties to the smaller flash. Prints the table (device accuracy and its\n"
    "standard deviation over the folds, host accuracy, flash, SRAM, stack,\n"
    "instructions), the Pareto fronts of accuracy against flash and against\n"
    "instructions, and the choice; progress on stderr when it is a terminal, and\n"
    "a summary line at the end. When nothing fits, one line says what came\n"
    "closest (exit 1). Deterministic for a seed.\n",
    run_select,
};
