/* SPDX-License-Identifier: MIT */
/*
 * smo.h -- the dual solver of the SVMs, in the form of the reference
 * implementation (Chang and Lin, LIBSVM):
 *
 *   minimize 1/2 a' Q a + p' a  subject to  0 <= a_i <= C_i,  y' a = 0,
 *   Q_ij = y_i y_j K(x_i, x_j),  y_i = +1 or -1,
 *
 * by sequential minimal optimization with second-order working-set
 * selection (Fan, Chen and Lin, JMLR 2005), shrinking, and a
 * least-recently-used cache of kernel columns bounded in bytes.
 *  - C-SVC (one binary problem per class pair): p = -1, one variable per
 *    row, y the row's side.
 *  - epsilon-SVR on n rows with standardized targets t: 2n variables, a
 *    and a* of each row, y = +1 for the first n and -1 for the second,
 *    p = [eps - t_i; eps + t_i]; the row's coefficient is a_i - a*_i.
 *
 *   smo_workspace *w = smo_alloc(x, l_max, p, &kernel_params, cache_bytes);
 *   smo_solve(w, &problem, tol, max_iter, alpha, &res);   // once per problem
 *   smo_free(w);
 *
 * smo_solve initializes (alpha = 0, gradient p), then iterates (select
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
    double rho;       /* decision = sum_i y_i a_i K(x_i, x) - rho (SVR: sum_i (a_i - a*_i) K - rho) */
    double objective; /* value of the dual objective at the solution */
} smo_result;

/**
 * One problem: l variables on n_rows distinct rows of the data set (row r
 * is x[rows[r] * p ...]); variable i is on row i, and for i >= n_rows (an
 * SVR's second half, l = 2 n_rows) on row i - n_rows.
 */
typedef struct smo_problem {
    const size_t *rows;   /* [n_rows] indices into x */
    size_t n_rows;
    size_t l;             /* n_rows, or 2 n_rows */
    const signed char *y; /* [l] +1 or -1 */
    const double *C;      /* [l] box bounds, > 0 */
    const double *p;      /* [l] linear term, or NULL: -1 for every variable (C-SVC) */
} smo_problem;

/**
 * Workspace for problems of up to l_max variables of p features; x points
 * to the standardized rows of the whole data set. cache_bytes bounds the
 * kernel cache (at least two columns are always kept). NULL when memory
 * is short.
 */
smo_workspace *smo_alloc(const double *x, size_t l_max, size_t p, const svm_params *kernel,
                         size_t cache_bytes);
void smo_free(smo_workspace *w);

/**
 * Solve one problem (l <= l_max). alpha[l] gets the solution. Returns 0,
 * or -1 when memory runs short.
 */
int smo_solve(smo_workspace *w, const smo_problem *problem, double tol, size_t max_iter,
              double *alpha, smo_result *res);

#endif /* MLQ_SMO_H */
