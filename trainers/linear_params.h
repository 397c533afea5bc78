/* SPDX-License-Identifier: MIT */
/*
 * linear_params.h -- the trained linear model on the host (float64): one
 * weight vector and intercept per row, on standardized inputs z; what its
 * model (linear_model.c), its trainer (train_linear.c) and its exporter
 * share.
 *
 * Rows (linear_rows): a regression model (ridge) has one, predicting the
 * standardized target; a binary logistic model one, the logit of class 1
 * against class 0 (whose score is 0); a K-class multinomial model K, one
 * logit per class.
 */
#ifndef MLQ_LINEAR_PARAMS_H
#define MLQ_LINEAR_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "algo.h"

typedef struct linear_params {
    size_t n_rows;
    double *w; /* [n_rows][n_features] weights on z */
    double *b; /* [n_rows] intercepts */
} linear_params;

/** Rows of model m's linear_params, from its task and classes (1 or n_classes). */
size_t linear_rows(const mlq_model *m);

/** Empty parameters of n_rows x p (zeroed), or NULL when memory is short. */
linear_params *linear_params_alloc(size_t n_rows, size_t p);

/** Row r's value w_r . z + b_r on a standardized row z of p features. */
double linear_row_value(const linear_params *lp, size_t r, const double *z, size_t p);

/** The trainer (train_linear.c): mlq_algo.train. */
int linear_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err);

#endif /* MLQ_LINEAR_PARAMS_H */
