/* SPDX-License-Identifier: MIT */
/*
 * cv.h -- cross-validation, shared by `mlq cv` and `mlq select` (cv_run.c):
 * the folds of a dataset, each fold's model trained on the other folds and
 * measured on its own rows (the float model and the device code), and what
 * a model costs on a board (estimates: boards.h).
 *
 *   size_t *fold = ...;                                   // [d.n_rows]
 *   if (cv_folds(&d, &g, "g.txt", 5, seed, fold, &err) != 0) ...
 *   cv_setup s = {&d, 5, fold, seed, board, 0, 0, 0};
 *   cv_eval e[5], mean, sd;
 *   for (f = 0; f < 5; f++)
 *       if (cv_fold(&s, f, algo, hyper, &e[f], &err) != 0) ...
 *   cv_summary(e, 5, &mean, &sd);
 */
#ifndef MLQ_CLI_CV_H
#define MLQ_CLI_CV_H

#include <stddef.h>

#include "boards.h"
#include "csv.h"
#include "export.h"
#include "folds.h"
#include "host.h"
#include "model.h"

struct cJSON;
struct mlq_algo;

/** What every fold shares. */
typedef struct cv_setup {
    const mlq_dataset *d;     /* labels (classification) or a target (regression) */
    size_t k;                 /* folds */
    const size_t *fold;       /* [d->n_rows] fold of each row, 0..k-1 */
    unsigned long seed;       /* of every training */
    const mlq_board *board;   /* whose costs are estimated */
    size_t flash_budget, sram_budget; /* bytes; 0: the board's own */
    double insns_budget;      /* instructions (AVR: cycles) per inference; 0: none */
} cv_setup;

/**
 * The figures of one model on its held-out rows; of a mean or standard
 * deviation over folds (cv_summary). NaN where unknown: no held-out rows
 * (a model trained on every row), or no cost figure measured for the
 * model's kernel on the board.
 */
typedef struct cv_eval {
    double train_rows, test_rows;
    double host, device;         /* accuracy (classification) or R^2 (regression) */
    double host_mae, device_mae; /* regression; NaN for classification */
    double agreement;            /* classification: share of rows where host == device;
                                    regression: 99th percentile of |host - device| as a
                                    share of the target's training range */
    double flash, sram, stack;   /* bytes on the board: constants + code; stack + scratch +
                                    input; the entry's stack with its scratch */
    double insns;                /* per inference (AVR: cycles) */
    int fits;                    /* flash, SRAM, the AVR's limits and the instructions within
                                    the budgets (a mean: every fold's model fits) */
    char why[160];               /* what does not fit, or "" */
} cv_eval;

/**
 * The fold of every row (trainers/folds.h, mlq_folds; g NULL: each row its
 * own group), checked: 2 <= k <= rows, no fewer groups (groups_path names
 * them) than folds, no empty fold and, with classes, every class in every
 * fold. 0, or -1 with err saying which class and fold, and what to do.
 */
int cv_folds(const mlq_dataset *d, const mlq_groups *g, const char *groups_path, size_t k,
             unsigned long seed, size_t *fold, mlq_err *err);

/**
 * Train algo with hyper (copied) on the rows outside fold f and measure the
 * float model and the device code on the rows of fold f into *e. 0, or -1
 * with err (training failed, the device refused the model, out of memory).
 */
int cv_fold(const cv_setup *s, size_t f, const struct mlq_algo *algo, const struct cJSON *hyper,
            cv_eval *e, mlq_err *err);

/**
 * The float model m and its device code dev on the rows of d: accuracy (or
 * R^2 and MAE) of each and their agreement into e. 0, or -1 with err.
 */
int cv_measure(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d, cv_eval *e, mlq_err *err);

/**
 * Train algo with hyper (copied) on every row of s->d, as `mlq train` would
 * with s->seed, into m (mlq_model_free it, even on failure), and build its
 * device model into dev (mlq_device_free it), or only check that it builds
 * when dev is NULL. 0, or -1 with err.
 */
int cv_train_all(const cv_setup *s, const struct mlq_algo *algo, const struct cJSON *hyper, mlq_model *m,
                 mlq_device *dev, mlq_err *err);

/**
 * What dev costs on s->board and whether it fits the budgets, into e's
 * flash, sram, stack, insns, fits and why; x[rows][n_features] are raw rows
 * (the instruction estimate averages over them where it depends on them).
 */
void cv_costs(const cv_setup *s, const mlq_device *dev, const double *x, size_t rows, cv_eval *e);

/** The mean and the standard deviation (n - 1 in the denominator) of e[k], k >= 1. */
void cv_summary(const cv_eval *e, size_t k, cv_eval *mean, cv_eval *sd);

/** "accuracy" or "R^2": what host and device are. */
const char *cv_metric(int regress);

/** v printed with fmt (one double conversion) into buf of n, or "-" when v is NaN; buf. */
char *cv_fmt(char *buf, size_t n, const char *fmt, double v);

/**
 * Add e's figures to obj: host_ and device_ accuracy (or r2 and mae),
 * agreement (or p99_diff_of_range), flash, sram, stack, insns (null when
 * unknown), and with fits the verdict and what does not fit.
 */
void cv_json_eval(struct cJSON *obj, const cv_eval *e, int regress, int fits);

#endif /* MLQ_CLI_CV_H */
