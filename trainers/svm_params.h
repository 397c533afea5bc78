/* SPDX-License-Identifier: MIT */
/* svm_params.h -- the trained SVM on the host (float64), in the layout of
 * mlq/svm.h: support vectors grouped by class, one-vs-one coefficients. */
#ifndef MLQ_SVM_PARAMS_H
#define MLQ_SVM_PARAMS_H

#include <stddef.h>

typedef enum svm_kernel { SVM_LINEAR = 0, SVM_RBF = 1, SVM_POLY = 2 } svm_kernel;

typedef struct svm_params {
    svm_kernel kernel;
    double gamma;      /* resolved (--gamma scale becomes a number) */
    double coef0;
    int degree;
    size_t n_used;     /* classes voted among (those with training rows), >= 2 */
    int *classes;      /* [n_used] class id of each, ascending */
    size_t n_sv;
    size_t *sv_count;  /* [n_used] support vectors of each class */
    size_t *sv_first;  /* [n_used + 1] index of the first SV of each class; [n_used] = n_sv */
    double *sv;        /* [n_sv][n_features] standardized units (z) */
    double *coef;      /* [n_used - 1][n_sv] y * alpha */
    double *rho;       /* [n_pairs] decision = sum - rho */
    double t_max;      /* max |gamma z.s + coef0| over training rows and SVs (poly; else 0) */
} svm_params;

/** Kernel value of two standardized rows of length p. */
double svm_kernel_eval(const svm_params *sp, const double *a, const double *b, size_t p);

#endif /* MLQ_SVM_PARAMS_H */
