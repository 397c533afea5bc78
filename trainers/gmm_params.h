/* SPDX-License-Identifier: MIT */
/*
 * gmm_params.h -- the trained Gaussian mixture on the host (float64), and
 * what its model (gmm_model.c), its trainer (train_gmm.c) and its exporter
 * share.
 */
#ifndef MLQ_GMM_PARAMS_H
#define MLQ_GMM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "algo.h"

/*
 * G groups (classes of a per-class model, else 1) of K components each,
 * group-major, over the standardized features (z units).
 */
typedef struct gmm_params {
    size_t n_groups, n_components, n_features; /* G, K, d */
    int full;            /* 1: full covariance matrices, 0: diagonal */
    int task;            /* MLQ_TASK_CLUSTER, _CLASSIFY or _ANOMALY (the model's task) */
    double *weights;     /* [G*K] mixture weights inside each group (sum 1 per group) */
    double *means;       /* [G*K][d] */
    double *covariances; /* full: [G*K][d*d] symmetric positive definite; diag: [G*K][d] > 0 */
    double *log_prior;   /* [G] log class prior (training share); 0 for one group */
    double threshold;    /* anomaly: a row whose log-likelihood is below it is an anomaly */
    /* Derived by gmm_params_prepare (not in the model file): */
    double *prec_chol;   /* full: [G*K][d*d] P = L^-1, lower triangular, S = L L^T;
                            diag: [G*K][d] 1 / sqrt(variance) */
    double *log_const;   /* [G*K] log w + log prior - log det L - (d/2) log(2 pi) */
} gmm_params;

/** The arrays of a G x K x d model (zeroed); NULL when memory is short. */
gmm_params *gmm_params_alloc(size_t g, size_t k, size_t d, int full);

/**
 * Compute prec_chol and log_const (allocated if NULL) from the weights,
 * log priors and covariances, with GSL's Cholesky factorisation (GSL's
 * error handler off during the call, the caller's restored: it never
 * aborts).
 * @return 0; -1 when memory is short; -2 when the covariance of component
 *         *bad is not positive definite (or a diagonal variance is not > 0)
 */
int gmm_params_prepare(gmm_params *gp, size_t *bad);

/** Free everything gp owns, and gp itself; safe on NULL. */
void gmm_params_free(gmm_params *gp);

/** log N(z | component c) + log w_c + log prior of its group (uses prepare's tables). */
double gmm_component_ll(const gmm_params *gp, size_t c, const double *z);

/** Log-likelihood of group g plus its log prior: log-sum-exp of its components. */
double gmm_group_ll(const gmm_params *gp, size_t g, const double *z);

/** log(sum exp(v[i])) over n values, n >= 1, without overflow. */
double gmm_log_sum_exp(const double *v, size_t n);

/** 1 for full covariance matrices, 0 for --covariance diag. */
int gmm_hyper_full(const struct cJSON *hyper);

/** The trainer (train_gmm.c): mlq_algo.train. */
int gmm_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err);

#endif /* MLQ_GMM_PARAMS_H */
