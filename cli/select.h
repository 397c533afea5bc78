/* SPDX-License-Identifier: MIT */
/*
 * select.h -- `mlq select`: the grid of candidates (select_grid.c), their
 * ranking and Pareto fronts (select_rank.c), the picture (select_plot.c),
 * the measurement of the best on the emulated board (select_measure.c),
 * the text and JSON reports (select_report.c), and the command
 * (cmd_select.c). Each candidate is cross-validated by cv_run.c (cv.h).
 */
#ifndef MLQ_CLI_SELECT_H
#define MLQ_CLI_SELECT_H

#include <stddef.h>
#include <stdio.h>

#include "cv.h"

struct cJSON;
struct mlq_algo;

/** One candidate: an algorithm and options of the grid, and what was found. */
typedef struct sel_cand {
    const char *algo;   /* algorithm name */
    char opts[96];      /* its options as on the command line: "--trees 10 --max-depth 6" */
    int tried;          /* cross-validated (0: --time ran out first) */
    char error[320];    /* why it could not be cross-validated or trained, or "" */
    cv_eval mean, sd;   /* over the folds: accuracy (R^2), agreement */
    cv_eval cost;       /* the model trained on every row: flash, SRAM, stack, instructions,
                           whether it fits the board and the budgets, and why not */
} sel_cand;

/** Is the candidate ranked among the ones that fit? (tried, no error, fits) */
int sel_fits(const sel_cand *c);

/* ---- the grid (select_grid.c) ----------------------------------------------- */

/**
 * The candidates of the grid for the task (regress: --task regress) whose
 * algorithm is in the comma-separated list algos (NULL: every one), into
 * c[max] (NULL: only count). Returns how many, or 0 with err when algos
 * names an algorithm the grid does not have.
 */
size_t sel_grid(const char *algos, int regress, sel_cand *c, size_t max, mlq_err *err);

/** The grid as the help states it. */
const char *sel_grid_text(void);

/**
 * The algorithm and the hyperparameters (every option filled in, as `mlq
 * train` parses them; cJSON_Delete them) of candidate c. 0, or -1 with err.
 */
int sel_hyper(const sel_cand *c, const struct mlq_algo **algo, struct cJSON **hyper, mlq_err *err);

/* ---- ranking (select_rank.c) ------------------------------------------------- */

/**
 * The candidates in report order into order[n]: those that fit, by mean
 * device accuracy (R^2) over the folds, highest first, ties to the smaller
 * flash, then to the grid's order; then those that do not fit, in the same
 * order; then the ones that failed; then those not tried. Returns how many fit.
 */
size_t sel_rank(const sel_cand *c, size_t n, size_t *order);

/**
 * The Pareto front of the fitting candidates: device accuracy against flash
 * (by_insns 0) or against instructions (1; candidates without an estimate
 * left out), the candidates no other beats on both (better on one, at least
 * as good on the other; of equal ones the first in the grid), by increasing
 * cost, into front[n]. Returns how many.
 */
size_t sel_pareto(const sel_cand *c, size_t n, int by_insns, size_t *front);

/**
 * When nothing fits: the tried candidate nearest to fitting, the one whose
 * largest need against its budget (flash, SRAM, instructions with a budget
 * for them) is smallest, ties to the more accurate; n when none was tried
 * without error.
 */
size_t sel_closest(const sel_cand *c, size_t n, const cv_setup *s);

/* ---- output ------------------------------------------------------------------ */

/** What select found, for the reports, the picture and the measurement. */
typedef struct sel_result {
    const char *data, *groups;
    const mlq_dataset *d;
    const mlq_groups *g;
    const cv_setup *s;
    sel_cand *c;
    size_t n, n_tried, n_fit;
    size_t *order;                 /* [n] sel_rank's */
    size_t *front_flash, n_front_flash;
    size_t *front_insns, n_front_insns;
    double time_limit;             /* --time, 0 when not given */
    int stopped;                   /* --time ran out before every candidate was tried */
} sel_result;

/** The flash, SRAM and instruction budgets of s (the board's, or smaller ones given). */
size_t sel_flash_budget(const cv_setup *s);
size_t sel_sram_budget(const cv_setup *s);

/** One row measured on the emulated board (select_measure.c). */
typedef struct sel_measured {
    size_t cand;                   /* index into the candidates */
    double flash, stack, insns;    /* measured (AVR: cycles) */
} sel_measured;

/** The table, the fronts and the choice on stdout (select_report.c). */
void sel_print_text(const sel_result *r, const char *plot, const sel_measured *meas, size_t n_meas);
/** The same as one JSON document on stdout. 0, or -1 with err. */
int sel_print_json(const sel_result *r, const char *plot, const sel_measured *meas, size_t n_meas,
                   mlq_err *err);

/** The picture: device accuracy against flash, every candidate tried, the budget marked (select_plot.c). 0, or -1 with err. */
int sel_plot(const sel_result *r, const char *path, mlq_err *err);

/**
 * The firmware runner's path into buf of n: $MLQ_RUNNER, else
 * ../examples/firmware/run or ../../examples/firmware/run from the folder of
 * the mlq binary (which then becomes $BUILD, unless it is set, for the
 * runner's tools and caches). 0, or -1 with err when there is none.
 */
int sel_runner(char *buf, size_t n, mlq_err *err);

/**
 * Run the best `top` fitting candidates, each trained on every row, on the
 * emulated board through examples/firmware/run (the environment's
 * MLQ_RUNNER, else found from the mlq binary's folder) into meas[top];
 * returns how many were measured, or -1 with err.
 */
long sel_measure(const sel_result *r, size_t top, sel_measured *meas, mlq_err *err);

#endif /* MLQ_CLI_SELECT_H */
