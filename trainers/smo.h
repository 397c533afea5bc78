/* SPDX-License-Identifier: MIT */
/*
 * smo.h -- the C-SVC dual solver of one binary problem:
 *
 *   minimize 1/2 a' Q a - e' a  subject to  0 <= a_i <= C_i,  y' a = 0,
 *   Q_ij = y_i y_j K(x_i, x_j),
 *
 * by sequential minimal optimization with second-order working-set
 * selection (Fan, Chen and Lin, JMLR 2005), shrinking, and a
 * least-recently-used cache of kernel columns bounded in bytes.
 *
 *   smo_workspace *w = smo_alloc(x, l_max, p, &kernel_params, cache_bytes);
 *   smo_solve(w, rows, y, C, l, tol, max_iter, alpha, &res);   // once per class pair
 *   smo_free(w);
 *
 * smo_solve initializes (alpha = 0, gradient -1), then iterates (select
 * the working pair, take the analytic step, shrink every min(l, 1000)
 * iterations) until the pair's violation is below tol on the whole
 * problem or max_iter is reached (res.converged says which).
 * Deterministic: no random choices.
 */
#ifndef MLQ_SMO_H
#define MLQ_SMO_H

#include <stddef.h>

#include "svm_params.h"

typedef struct smo_workspace smo_workspace;

/** Result of one solve. */
typedef struct smo_result {
    size_t iterations;
    int converged;    /* 0 when max_iter was reached first */
    double rho;       /* decision = sum_i y_i a_i K(x_i, x) - rho */
    double objective; /* value of the dual objective at the solution */
} smo_result;

/**
 * Workspace for problems of up to l_max rows of p features; x points to
 * the standardized rows of the whole data set, row i of a problem is
 * x[rows[i] * p ...]. cache_bytes bounds the kernel cache (at least two
 * columns are always kept). NULL when memory is short.
 */
smo_workspace *smo_alloc(const double *x, size_t l_max, size_t p, const svm_params *kernel,
                         size_t cache_bytes);
void smo_free(smo_workspace *w);

/**
 * Solve one problem: rows[l] (indices into x), labels y[l] (+1/-1), box
 * bounds C[l] (> 0). alpha[l] gets the solution. Returns 0, or -1 when
 * memory runs short.
 */
int smo_solve(smo_workspace *w, const size_t *rows, const signed char *y, const double *C,
              size_t l, double tol, size_t max_iter, double *alpha, smo_result *res);

#endif /* MLQ_SMO_H */
