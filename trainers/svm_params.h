/* SPDX-License-Identifier: MIT */
/*
 * svm_params.h -- the trained SVM on the host (float64), in the layout of
 * mlq/svm.h: support vectors grouped by class, one-vs-one coefficients;
 * and what its model (svm_model.c), its trainer (train_svm.c, smo.c) and
 * its exporter share.
 *
 * An epsilon-SVR (--task regress) has one decision function in the same
 * layout: n_used 1, no classes, sv_count [n_sv], one coefficient row
 * (beta = alpha - alpha*) and one rho; its value sum - rho is the
 * prediction in standardized target units.
 */
#ifndef MLQ_SVM_PARAMS_H
#define MLQ_SVM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "algo.h"

typedef enum svm_kernel { SVM_LINEAR = 0, SVM_RBF = 1, SVM_POLY = 2 } svm_kernel;

typedef struct svm_params {
    svm_kernel kernel;
    double gamma;      /* resolved (--gamma scale becomes a number) */
    double coef0;
    int degree;
    bool regress;      /* an epsilon-SVR (then n_used is 1 and classes NULL) */
    double epsilon;    /* regression: the tube's half-width, standardized target units */
    size_t n_used;     /* classes voted among (those with training rows), >= 2; 1 (SVR) */
    int *classes;      /* [n_used] class id of each, ascending; NULL (SVR) */
    size_t n_sv;
    size_t *sv_count;  /* [n_used] support vectors of each class */
    size_t *sv_first;  /* [n_used + 1] index of the first SV of each class; [n_used] = n_sv */
    double *sv;        /* [n_sv][n_features] standardized units (z) */
    double *coef;      /* [svm_n_coef_rows][n_sv] y * alpha (SVR: alpha - alpha*) */
    double *rho;       /* [svm_n_dec] decision = sum - rho */
    double t_max;      /* max |gamma z.s + coef0| over training rows and SVs (poly; else 0) */
} svm_params;

/** Kernel value of two standardized rows of length p (smo.c). */
double svm_kernel_eval(const svm_params *sp, const double *a, const double *b, size_t p);

/** Class pairs of k classes: k (k - 1) / 2. */
size_t svm_n_pairs(size_t k);

/** Decision functions of sp: its class pairs, or 1 (SVR). */
size_t svm_n_dec(const svm_params *sp);

/** Rows of sp->coef: n_used - 1, or 1 (SVR). */
size_t svm_n_coef_rows(const svm_params *sp);

/** The svm_kernel called name ("linear", "rbf", "poly"), or -1. */
int svm_kernel_of(const char *name);

/** sp->sv_first from sp->sv_count; -1 when memory is short. */
int svm_set_first(svm_params *sp);

/** The trainer (train_svm.c): mlq_algo.train, C-SVC or (--task regress) epsilon-SVR. */
int svm_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err);

#endif /* MLQ_SVM_PARAMS_H */
