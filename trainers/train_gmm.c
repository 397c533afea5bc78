/* SPDX-License-Identifier: MIT */
/*
 * The Gaussian mixture trainer (the model is gmm_model.c): EM with k-means
 * initialisation, in the log domain, on standardized rows; deterministic
 * for a seed (GSL mt19937). The rows of a group: one class's with
 * --per-class (with --components 1 --covariance diag this is Gaussian
 * naive Bayes), else all of them; for --anomaly-percentile P with a label
 * column only those of class 0 (normal, as `mlq compare` counts it), and
 * the threshold is the P-th percentile (mlq_percentile) of their
 * log-likelihoods.
 *
 * EM (GSL workspace idiom: mlq_gmm_alloc / _init / _iterate / _converged /
 * _free, no callbacks): the E-step computes log w_c + log N(z_i | c) with
 * the Cholesky factor of every covariance (gmm_params_prepare:
 * gsl_linalg_cholesky_decomp1, every status checked) and normalizes the
 * responsibilities by log-sum-exp, so that none underflows; the M-step is
 * the usual weighted mean and covariance plus --reg-covar on the diagonal.
 * It stops when the mean log-likelihood per row changes by less than
 * --tol, after at most --max-iter iterations; --n-init runs from different
 * k-means starts keep the best mean log-likelihood.
 *
 * Degenerate data: a group with fewer distinct rows than --components is
 * an error; a covariance that is not positive definite (duplicate rows or
 * a feature constant inside a component, with --reg-covar too small) is an
 * error that names the component and suggests a larger --reg-covar.
 */
#include <cjson/cJSON.h>
#include <float.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "gmm_params.h"
#include "kmeans_train.h"
#include "metrics.h"

/* ---- EM workspace ------------------------------------------------------- */

typedef struct mlq_gmm_workspace {
    size_t n, p, k;
    const double *x;     /* [n][p] the rows of one group */
    double reg;          /* --reg-covar */
    gmm_params *cur;     /* current parameters, one group */
    double *log_resp;    /* [n][k] */
    size_t *labels;      /* [n] k-means initialisation */
    double lower_bound;  /* mean log-likelihood per row, last E-step */
    double change;       /* of the lower bound in the last iteration */
    size_t iter;
    size_t bad;          /* component whose covariance failed */
} mlq_gmm_workspace;

static void mlq_gmm_free(mlq_gmm_workspace *w)
{
    if (w == NULL)
        return;
    gmm_params_free(w->cur);
    free(w->log_resp);
    free(w->labels);
    free(w);
}

static mlq_gmm_workspace *mlq_gmm_alloc(const double *x, size_t n, size_t p, size_t k, int full,
                                        double reg)
{
    mlq_gmm_workspace *w = mlq_calloc(1, sizeof *w);

    if (w == NULL)
        return NULL;
    w->n = n;
    w->p = p;
    w->k = k;
    w->x = x;
    w->reg = reg;
    w->cur = gmm_params_alloc(1, k, p, full);
    w->log_resp = mlq_calloc(n, k * sizeof(double));
    w->labels = mlq_calloc(n, sizeof *w->labels);
    if (w->cur == NULL || w->log_resp == NULL || w->labels == NULL || (k != 0 && (k * sizeof(double)) / k != sizeof(double))) {
        mlq_gmm_free(w);
        return NULL;
    }
    return w;
}

/*
 * M-step from w->log_resp: weights, means, covariances (+ reg on the
 * diagonal), then the Cholesky factors. 0, -2 (w->bad set) when a
 * covariance is not positive definite, -1 when memory is short.
 */
static int m_step(mlq_gmm_workspace *w)
{
    size_t n = w->n, p = w->p, k = w->k, i, j, l, c;
    gmm_params *gp = w->cur;

    for (c = 0; c < k; c++) {
        double nk = 10.0 * DBL_EPSILON, *mu = gp->means + c * p;

        memset(mu, 0, p * sizeof *mu);
        for (i = 0; i < n; i++) {
            double r = exp(w->log_resp[i * k + c]);

            nk += r;
            for (j = 0; j < p; j++)
                mu[j] += r * w->x[i * p + j];
        }
        for (j = 0; j < p; j++)
            mu[j] /= nk;
        gp->weights[c] = nk / (double)n;
        if (gp->full) {
            double *s = gp->covariances + c * p * p;

            memset(s, 0, p * p * sizeof *s);
            for (i = 0; i < n; i++) {
                double r = exp(w->log_resp[i * k + c]);
                const double *xi = w->x + i * p;

                if (r == 0.0)
                    continue;
                for (j = 0; j < p; j++) {
                    double dj = r * (xi[j] - mu[j]);

                    for (l = 0; l <= j; l++)
                        s[j * p + l] += dj * (xi[l] - mu[l]);
                }
            }
            for (j = 0; j < p; j++) {
                for (l = 0; l <= j; l++) {
                    s[j * p + l] /= nk;
                    s[l * p + j] = s[j * p + l]; /* exactly symmetric */
                }
                s[j * p + j] += w->reg;
            }
        } else {
            double *s = gp->covariances + c * p;

            memset(s, 0, p * sizeof *s);
            for (i = 0; i < n; i++) {
                double r = exp(w->log_resp[i * k + c]);

                for (j = 0; j < p; j++) {
                    double dj = w->x[i * p + j] - mu[j];

                    s[j] += r * dj * dj;
                }
            }
            for (j = 0; j < p; j++)
                s[j] = s[j] / nk + w->reg;
        }
    }
    /* nk carries 10 epsilon each (so that no weight is 0): renormalize. */
    {
        double sum = 0.0;

        for (c = 0; c < k; c++)
            sum += gp->weights[c];
        for (c = 0; c < k; c++)
            gp->weights[c] /= sum;
    }
    return gmm_params_prepare(gp, &w->bad);
}

/* E-step: log responsibilities by log-sum-exp; returns the mean log-likelihood. */
static double e_step(mlq_gmm_workspace *w)
{
    size_t n = w->n, k = w->k, i, c;
    double total = 0.0;

    for (i = 0; i < n; i++) {
        double *lr = w->log_resp + i * k, lse;

        for (c = 0; c < k; c++)
            lr[c] = gmm_component_ll(w->cur, c, w->x + i * w->p);
        lse = gmm_log_sum_exp(lr, k);
        for (c = 0; c < k; c++)
            lr[c] -= lse;
        total += lse;
    }
    return total / (double)n;
}

/* Start from k-means labels (one-hot responsibilities) and one M-step. */
static int mlq_gmm_init(mlq_gmm_workspace *w, gsl_rng *rng)
{
    size_t i, c;
    /* k-means' own defaults: --tol 1e-4, --max-iter 300. */
    double tol_abs = mlq_kmeans_tol_abs(w->x, w->n, w->p, 1e-4);
    int rc = mlq_kmeans_labels(w->x, w->n, w->p, w->k, 300, tol_abs, rng, w->labels, NULL);

    if (rc != 0)
        return rc == -2 ? -4 : rc; /* -4: fewer distinct rows than components */
    for (i = 0; i < w->n; i++)
        for (c = 0; c < w->k; c++)
            w->log_resp[i * w->k + c] = c == w->labels[i] ? 0.0 : -HUGE_VAL;
    w->iter = 0;
    w->change = HUGE_VAL;
    w->lower_bound = -HUGE_VAL;
    return m_step(w);
}

/* One EM iteration: E-step (lower bound of the current parameters), M-step. */
static int mlq_gmm_iterate(mlq_gmm_workspace *w)
{
    double prev = w->lower_bound;

    w->lower_bound = e_step(w);
    w->change = w->lower_bound - prev;
    w->iter++;
    return m_step(w);
}

static int mlq_gmm_converged(const mlq_gmm_workspace *w, double tol)
{
    return fabs(w->change) < tol;
}

/* ---- training ------------------------------------------------------------ */

/* Name of group g for messages: "class 'x'" or "the mixture". */
static void group_name(const mlq_model *m, const gmm_params *gp, size_t g, char *buf, size_t n)
{
    if (gp->task == MLQ_TASK_CLASSIFY && g < m->n_classes)
        snprintf(buf, n, "class '%s'", m->class_names[g]);
    else
        snprintf(buf, n, "the mixture");
}

/* Fit group g of gp on rows x[n][p]; fills its weights, means, covariances. */
static int fit_group(mlq_model *m, gmm_params *gp, size_t g, const double *x, size_t n,
                     gsl_rng *rng, bool progress, double *best_lb, size_t *iters,
                     int *converged, mlq_err *err)
{
    const cJSON *h = m->hyper;
    size_t p = gp->n_features, k = gp->n_components, cov = gp->full ? p * p : p;
    size_t n_init = (size_t)mlq_hyper_num(h, "n-init");
    size_t max_iter = (size_t)mlq_hyper_num(h, "max-iter"), run;
    double tol = mlq_hyper_num(h, "tol"), reg = mlq_hyper_num(h, "reg-covar");
    mlq_gmm_workspace *w = mlq_gmm_alloc(x, n, p, k, gp->full, reg);
    char who[160];
    int rc = 0;

    group_name(m, gp, g, who, sizeof who);
    *best_lb = -HUGE_VAL;
    if (w == NULL)
        return mlq_err_set(err, m->source, 0, "out of memory for EM (%zu rows x %zu features)", n, p);
    for (run = 0; run < n_init && rc == 0; run++) {
        rc = mlq_gmm_init(w, rng);
        while (rc == 0 && w->iter < max_iter) {
            rc = mlq_gmm_iterate(w);
            if (rc == 0 && mlq_gmm_converged(w, tol))
                break;
        }
        if (rc != 0)
            break;
        if (progress)
            fprintf(stderr, "gmm: %s: init %zu/%zu: %zu iterations, log-likelihood %.6g\n", who,
                    run + 1, n_init, w->iter, w->lower_bound);
        if (!isfinite(w->lower_bound)) {
            rc = -3;
            break;
        }
        if (w->lower_bound > *best_lb) {
            *best_lb = w->lower_bound;
            *iters = w->iter;
            *converged = mlq_gmm_converged(w, tol);
            memcpy(gp->weights + g * k, w->cur->weights, k * sizeof(double));
            memcpy(gp->means + g * k * p, w->cur->means, k * p * sizeof(double));
            memcpy(gp->covariances + g * k * cov, w->cur->covariances, k * cov * sizeof(double));
        }
    }
    if (rc == -1)
        mlq_err_set(err, m->source, 0, "out of memory for EM (%zu rows x %zu features)", n, p);
    else if (rc == -4)
        mlq_err_set(err, m->source, 0,
                    "--components %zu is more than the distinct rows of %s (%zu rows): lower "
                    "--components", k, who, n);
    else if (rc == -2)
        mlq_err_set(err, m->source, 0,
                    "%s: component %zu has a singular covariance (duplicate rows or a feature "
                    "constant within it): raise --reg-covar (now %g), e.g. to %g",
                    who, w->bad, reg, reg > 0.0 ? reg * 100.0 : 1e-6);
    else if (rc == -3)
        mlq_err_set(err, m->source, 0,
                    "%s: EM produced a log-likelihood that is not finite: raise --reg-covar (now %g)",
                    who, reg);
    mlq_gmm_free(w);
    return rc == 0 ? 0 : -1;
}

static int all_finite(const double *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

int gmm_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    const cJSON *h = m->hyper;
    size_t n = d->n_rows, p = d->n_features, k = (size_t)mlq_hyper_num(h, "components");
    mlq_task task = mlq_model_task(m);
    size_t n_groups = task == MLQ_TASK_CLASSIFY ? d->n_classes : 1, g, i, used = 0;
    size_t max_iters = 0;
    int all_converged = 1, rc = 0;
    double *rows = NULL, mean_lb = 0.0;
    gmm_params *gp;
    gsl_rng *rng;

    if (task == MLQ_TASK_CLASSIFY && cJSON_IsNumber(mlq_hyper(h, "anomaly-percentile")))
        return mlq_err_set(err, d->path, 0,
                           "--per-class and --anomaly-percentile exclude each other: an anomaly "
                           "model is one mixture of the normal rows");
    if (n_groups * k > 65535)
        return mlq_err_set(err, d->path, 0,
                           "%zu groups x --components %zu is more than the 65535 components the "
                           "device format allows", n_groups, k);
    gp = gmm_params_alloc(n_groups, k, p, gmm_hyper_full(h));
    rows = mlq_calloc(n, p * sizeof(double));
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (gp == NULL || rows == NULL || rng == NULL) {
        gmm_params_free(gp);
        free(rows);
        if (rng != NULL)
            gsl_rng_free(rng);
        return mlq_err_set(err, d->path, 0, "out of memory (%zu rows x %zu features)", n, p);
    }
    gp->task = (int)task;
    gsl_rng_set(rng, m->seed);
    for (g = 0; g < n_groups && rc == 0; g++) {
        size_t n_g = 0, iters = 0;
        int converged = 0;
        double lb;

        /* The rows of this group: a class, the normal rows, or all. */
        for (i = 0; i < n; i++) {
            int take = task == MLQ_TASK_CLASSIFY ? d->y[i] == (int)g
                       : task == MLQ_TASK_ANOMALY && d->y != NULL ? d->y[i] == 0
                                                                  : 1;

            if (take)
                memcpy(rows + n_g++ * p, z + i * p, p * sizeof(double));
        }
        if (n_g == 0) {
            rc = task == MLQ_TASK_CLASSIFY
                     ? mlq_err_set(err, d->path, 0, "class '%s' has no rows to train on",
                                   d->class_names[g])
                     : mlq_err_set(err, d->path, 0,
                                   "no rows of class '%s' (normal) to train the anomaly model on",
                                   d->class_names[0]);
            break;
        }
        gp->log_prior[g] = task == MLQ_TASK_CLASSIFY ? log((double)n_g / (double)n) : 0.0;
        rc = fit_group(m, gp, g, rows, n_g, rng, progress, &lb, &iters, &converged, err);
        if (iters > max_iters)
            max_iters = iters;
        all_converged &= converged;
        mean_lb += lb * (double)n_g;
        used += n_g;
        if (rc == 0 && !converged) {
            char who[160];

            group_name(m, gp, g, who, sizeof who);
            fprintf(stderr, "mlq: warning: %s: EM did not converge for %s within --max-iter %zu "
                            "(kept the best of %zu runs)\n",
                    d->path, who, (size_t)mlq_hyper_num(h, "max-iter"),
                    (size_t)mlq_hyper_num(h, "n-init"));
        }
    }
    gsl_rng_free(rng);
    if (rc == 0) {
        size_t bad = 0, cov = gp->full ? p * p : p;
        int prc = gmm_params_prepare(gp, &bad);

        if (prc == -1)
            rc = mlq_err_set(err, d->path, 0, "out of memory");
        else if (prc != 0 || !all_finite(gp->weights, n_groups * k) ||
                 !all_finite(gp->means, n_groups * k * p) ||
                 !all_finite(gp->covariances, n_groups * k * cov))
            rc = mlq_err_set(err, d->path, 0,
                             "EM produced a parameter that is not finite or a covariance that is "
                             "not positive definite: raise --reg-covar (now %g)",
                             mlq_hyper_num(h, "reg-covar"));
    }
    if (rc == 0 && task == MLQ_TASK_ANOMALY) {
        /* Threshold: the chosen percentile of the training rows' scores. */
        double pct = mlq_hyper_num(h, "anomaly-percentile");
        size_t n_g = 0;

        for (i = 0; i < n; i++)
            if (d->y == NULL || d->y[i] == 0)
                rows[n_g++] = gmm_group_ll(gp, 0, z + i * p);
        gp->threshold = mlq_percentile(rows, n_g, pct);
        if (!isfinite(gp->threshold))
            rc = mlq_err_set(err, d->path, 0, "the anomaly threshold is not finite");
        else if (cJSON_AddNumberToObject(m->training, "threshold", gp->threshold) == NULL ||
                 cJSON_AddNumberToObject(m->training, "normal_rows", (double)n_g) == NULL)
            rc = mlq_err_set(err, d->path, 0, "out of memory");
    }
    free(rows);
    if (rc != 0) {
        gmm_params_free(gp);
        return -1;
    }
    m->params = gp;
    if (cJSON_AddNumberToObject(m->training, "log_likelihood", mean_lb / (double)used) == NULL ||
        cJSON_AddNumberToObject(m->training, "iterations", (double)max_iters) == NULL ||
        cJSON_AddBoolToObject(m->training, "converged", all_converged) == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    return 0;
}
