/* SPDX-License-Identifier: MIT */
/*
 * metrics.h -- evaluation shared by every model: accuracy, confusion matrix,
 * cluster purity, host/device agreement, and the stratified split that the
 * tests, `mlq split`, demo and bench use.
 */
#ifndef MLQ_METRICS_H
#define MLQ_METRICS_H

#include <stddef.h>

/** Share of rows where a[i] == b[i] (1.0 for n == 0). Agreement and accuracy. */
double mlq_agreement(const int *a, const int *b, size_t n);

/**
 * Confusion matrix: counts[t * n_pred + p] += 1 for each row with truth t and
 * prediction p. Rows whose truth or prediction is out of range are skipped
 * and counted in the return value.
 */
size_t mlq_confusion(const int *truth, const int *pred, size_t n, size_t n_true, size_t n_pred,
                     size_t *counts);

/**
 * Purity of a clustering against classes: each cluster votes for its most
 * frequent class; purity = rows in their cluster's class / rows. -1 when
 * memory is short.
 */
double mlq_purity(const int *truth, const int *cluster, size_t n, size_t n_classes,
                  size_t n_clusters);

/** Regression quality of predictions against the truth. */
typedef struct mlq_reg_metrics {
    double mae, rmse; /* mean absolute and root mean squared error, target units */
    double r2;        /* 1 - SS_res / SS_tot about the truth's own mean (scikit-learn's r2_score;
                         1 when the truth is constant and every prediction right, else 0 then) */
} mlq_reg_metrics;

/** MAE, RMSE and R^2 of pred[n] against truth[n], n >= 1. */
mlq_reg_metrics mlq_regression_metrics(const double *truth, const double *pred, size_t n);

/**
 * The pct-th percentile (0..100) of v[n], n >= 1, by linear interpolation
 * between order statistics (numpy's default). Sorts v in place.
 */
double mlq_percentile(double *v, size_t n, double pct);

/**
 * Stratified random split: each class contributes round(test_frac * count)
 * rows to the test part (when labels are NULL, the whole set is one class).
 * Indices come out in increasing order. Deterministic for a seed (GSL
 * mt19937). train/test must each hold n entries. 0, or -1 when memory is short.
 */
int mlq_split_stratified(const int *y, size_t n, size_t n_classes, double test_frac,
                         unsigned long seed, size_t *train, size_t *n_train, size_t *test,
                         size_t *n_test);

#endif /* MLQ_METRICS_H */
