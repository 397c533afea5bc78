/* SPDX-License-Identifier: MIT */
/*
 * Gaussian mixtures on the host: EM with k-means initialisation, in the log
 * domain, on standardized rows; deterministic for a seed (GSL mt19937).
 *
 * One model type, three uses (algo.h's task, from the hyperparameters):
 *  - clustering: one mixture of K components; predict = most responsible
 *    component (argmax of log w_c + log N(z | c));
 *  - --per-class: one mixture per class, trained on that class's rows;
 *    predict = argmax of class log-likelihood + log prior (the class's
 *    training share). With --components 1 --covariance diag this is
 *    Gaussian naive Bayes;
 *  - --anomaly-percentile P: one mixture; the threshold is the P-th
 *    percentile of the training rows' log-likelihoods; predict = 1 when a
 *    row's log-likelihood is below it. With a label column, only the rows
 *    of class 0 (normal, as `mlq compare` counts it) are trained on.
 *
 * EM (GSL workspace idiom: mlq_gmm_alloc / _init / _iterate / _converged /
 * _free, no callbacks): the E-step computes log w_c + log N(z_i | c) with
 * the Cholesky factor of every covariance (gsl_linalg_cholesky_decomp1,
 * every status checked) and normalizes the responsibilities by
 * log-sum-exp, so that none underflows; the M-step is the usual weighted
 * mean and covariance plus --reg-covar on the diagonal. It stops when the
 * mean log-likelihood per row changes by less than --tol, after at most
 * --max-iter iterations; --n-init runs from different k-means starts keep
 * the best mean log-likelihood.
 *
 * Degenerate data: a group with fewer distinct rows than --components is
 * an error; a covariance that is not positive definite (duplicate rows or
 * a feature constant inside a component, with --reg-covar too small) is an
 * error that names the component and suggests a larger --reg-covar.
 */
#include <cjson/cJSON.h>
#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export.h"
#include "export_gmm.h"
#include "gmm_params.h"
#include "kmeans_train.h"
#include "metrics.h"

#define LOG_2PI 1.8378770664093454836

/* ---- parameters: derived tables and log-likelihoods -------------------- */

void gmm_params_free(gmm_params *gp)
{
    if (gp == NULL)
        return;
    free(gp->weights);
    free(gp->means);
    free(gp->covariances);
    free(gp->log_prior);
    free(gp->prec_chol);
    free(gp->log_const);
    free(gp);
}

/* Allocate the arrays of a G x K x d model (zeroed); NULL when memory is short. */
static gmm_params *gmm_params_alloc(size_t g, size_t k, size_t d, int full)
{
    gmm_params *gp = mlq_calloc(1, sizeof *gp);
    size_t c = g * k, cov = full ? d * d : d;

    if (gp == NULL)
        return NULL;
    gp->n_groups = g;
    gp->n_components = k;
    gp->n_features = d;
    gp->full = full;
    gp->weights = mlq_calloc(c, sizeof(double));
    gp->means = mlq_calloc(c * d, sizeof(double));
    gp->covariances = mlq_calloc(c, cov * sizeof(double));
    gp->log_prior = mlq_calloc(g, sizeof(double));
    gp->prec_chol = mlq_calloc(c, cov * sizeof(double));
    gp->log_const = mlq_calloc(c, sizeof(double));
    if (gp->weights == NULL || gp->means == NULL || gp->covariances == NULL ||
        gp->log_prior == NULL || gp->prec_chol == NULL || gp->log_const == NULL ||
        (d != 0 && cov / d != (full ? d : 1))) {
        gmm_params_free(gp);
        return NULL;
    }
    return gp;
}

int gmm_params_prepare(gmm_params *gp, size_t *bad)
{
    size_t d = gp->n_features, n_comp = gp->n_groups * gp->n_components, c, i, j;
    gsl_matrix *a = NULL;
    int rc = 0;

    if (gp->full && (a = gsl_matrix_alloc(d, d)) == NULL)
        return -1;
    for (c = 0; c < n_comp && rc == 0; c++) {
        double log_det_l = 0.0; /* log det L = (1/2) log det S */

        if (gp->full) {
            const double *s = gp->covariances + c * d * d;
            double *p = gp->prec_chol + c * d * d;

            for (i = 0; i < d; i++)
                for (j = 0; j < d; j++)
                    gsl_matrix_set(a, i, j, s[i * d + j]);
            /* With the error handler off, a matrix that is not positive
             * definite comes back as GSL_EDOM. */
            if (gsl_linalg_cholesky_decomp1(a) != GSL_SUCCESS) {
                rc = -2;
                break;
            }
            for (i = 0; i < d; i++) {
                double lii = gsl_matrix_get(a, i, i);

                if (!(lii > 0.0) || !isfinite(lii)) {
                    rc = -2;
                    break;
                }
                log_det_l += log(lii);
            }
            if (rc != 0 || gsl_linalg_tri_invert(CblasLower, CblasNonUnit, a) != GSL_SUCCESS) {
                rc = -2;
                break;
            }
            for (i = 0; i < d; i++)
                for (j = 0; j < d; j++)
                    p[i * d + j] = j <= i ? gsl_matrix_get(a, i, j) : 0.0;
        } else {
            for (j = 0; j < d; j++) {
                double v = gp->covariances[c * d + j];

                if (!(v > 0.0) || !isfinite(v)) {
                    rc = -2;
                    break;
                }
                gp->prec_chol[c * d + j] = 1.0 / sqrt(v);
                log_det_l += 0.5 * log(v);
            }
        }
        if (rc == 0) {
            gp->log_const[c] = log(gp->weights[c]) + gp->log_prior[c / gp->n_components] -
                               log_det_l - 0.5 * (double)d * LOG_2PI;
            if (!isfinite(gp->log_const[c]))
                rc = -2;
        }
    }
    if (rc == -2 && bad != NULL)
        *bad = c;
    if (a != NULL)
        gsl_matrix_free(a);
    return rc;
}

double gmm_component_ll(const gmm_params *gp, size_t c, const double *z)
{
    size_t d = gp->n_features, i, j;
    const double *mu = gp->means + c * d;
    double s = 0.0;

    if (gp->full) {
        const double *p = gp->prec_chol + c * d * d;

        for (i = 0; i < d; i++) {
            double y = 0.0;

            for (j = 0; j <= i; j++)
                y += p[i * d + j] * (z[j] - mu[j]);
            s += y * y;
        }
    } else {
        const double *p = gp->prec_chol + c * d;

        for (j = 0; j < d; j++) {
            double y = p[j] * (z[j] - mu[j]);

            s += y * y;
        }
    }
    return gp->log_const[c] - 0.5 * s;
}

/* log(sum exp(v[i])) over n values, n >= 1. */
static double log_sum_exp(const double *v, size_t n)
{
    double max = v[0], s = 0.0;
    size_t i;

    for (i = 1; i < n; i++)
        if (v[i] > max)
            max = v[i];
    if (!isfinite(max))
        return max;
    for (i = 0; i < n; i++)
        s += exp(v[i] - max);
    return max + log(s);
}

double gmm_group_ll(const gmm_params *gp, size_t g, const double *z)
{
    size_t k = gp->n_components, c;
    double buf[16] = {0}, *v = k <= 16 ? buf : mlq_calloc(k, sizeof *v), r;

    if (v == NULL)
        return -HUGE_VAL;
    for (c = 0; c < k; c++)
        v[c] = gmm_component_ll(gp, g * k + c, z);
    r = log_sum_exp(v, k);
    if (v != buf)
        free(v);
    return r;
}

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
        lse = log_sum_exp(lr, k);
        for (c = 0; c < k; c++)
            lr[c] -= lse;
        total += lse;
    }
    return total / (double)n;
}

/* Start from k-means labels (one-hot responsibilities) and one M-step. */
static int mlq_gmm_init(mlq_gmm_workspace *w, gsl_rng *rng)
{
    size_t i, c, j;
    double tol_abs = 0.0;
    int rc;

    /* k-means' own tolerance: 1e-4 x the mean feature variance of these rows. */
    for (j = 0; j < w->p; j++) {
        double mean = 0.0, var = 0.0;

        for (i = 0; i < w->n; i++)
            mean += w->x[i * w->p + j];
        mean /= (double)w->n;
        for (i = 0; i < w->n; i++)
            var += (w->x[i * w->p + j] - mean) * (w->x[i * w->p + j] - mean);
        tol_abs += var / (double)w->n;
    }
    tol_abs = 1e-4 * tol_abs / (double)w->p;
    rc = mlq_kmeans_labels(w->x, w->n, w->p, w->k, 300, tol_abs, rng, w->labels, NULL);
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

static const cJSON *hyper_item(const cJSON *hyper, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(hyper, key);
}

static mlq_task gmm_task(const cJSON *hyper)
{
    if (cJSON_IsTrue(hyper_item(hyper, "per-class")))
        return MLQ_TASK_CLASSIFY;
    if (cJSON_IsNumber(hyper_item(hyper, "anomaly-percentile")))
        return MLQ_TASK_ANOMALY;
    return MLQ_TASK_CLUSTER;
}

static int hyper_full(const cJSON *hyper)
{
    const cJSON *c = hyper_item(hyper, "covariance");

    return !(cJSON_IsString(c) && strcmp(c->valuestring, "diag") == 0);
}

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
    size_t n_init = (size_t)hyper_item(h, "n-init")->valuedouble;
    size_t max_iter = (size_t)hyper_item(h, "max-iter")->valuedouble, run;
    double tol = hyper_item(h, "tol")->valuedouble, reg = hyper_item(h, "reg-covar")->valuedouble;
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

static int gmm_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress,
                     mlq_err *err)
{
    const cJSON *h = m->hyper;
    size_t n = d->n_rows, p = d->n_features, k = (size_t)hyper_item(h, "components")->valuedouble;
    mlq_task task = gmm_task(h);
    size_t n_groups = task == MLQ_TASK_CLASSIFY ? d->n_classes : 1, g, i, used = 0;
    size_t max_iters = 0;
    int all_converged = 1, rc = 0;
    double *rows = NULL, mean_lb = 0.0;
    gmm_params *gp;
    gsl_rng *rng;

    if (task == MLQ_TASK_CLASSIFY && cJSON_IsNumber(hyper_item(h, "anomaly-percentile")))
        return mlq_err_set(err, d->path, 0,
                           "--per-class and --anomaly-percentile exclude each other: an anomaly "
                           "model is one mixture of the normal rows");
    if (n_groups * k > 65535)
        return mlq_err_set(err, d->path, 0,
                           "%zu groups x --components %zu is more than the 65535 components the "
                           "device format allows", n_groups, k);
    gp = gmm_params_alloc(n_groups, k, p, hyper_full(h));
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
                    d->path, who, (size_t)hyper_item(h, "max-iter")->valuedouble,
                    (size_t)hyper_item(h, "n-init")->valuedouble);
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
                             hyper_item(h, "reg-covar")->valuedouble);
    }
    if (rc == 0 && task == MLQ_TASK_ANOMALY) {
        /* Threshold: the chosen percentile of the training rows' scores. */
        double pct = hyper_item(h, "anomaly-percentile")->valuedouble;
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

/* ---- model file ------------------------------------------------------------ */

static int gmm_params_save(const mlq_model *m, cJSON *obj)
{
    const gmm_params *gp = m->params;
    size_t c = gp->n_groups * gp->n_components, d = gp->n_features;

    if (mlq_json_add(obj, "groups", cJSON_CreateNumber((double)gp->n_groups)) != 0 ||
        mlq_json_add(obj, "components_per_group", cJSON_CreateNumber((double)gp->n_components)) != 0 ||
        mlq_json_add(obj, "weights", mlq_json_array(gp->weights, c)) != 0 ||
        mlq_json_add(obj, "log_prior", mlq_json_array(gp->log_prior, gp->n_groups)) != 0 ||
        mlq_json_add(obj, "means", mlq_json_matrix(gp->means, c, d)) != 0 ||
        mlq_json_add(obj, "covariances", mlq_json_matrix(gp->covariances, c, gp->full ? d * d : d)) != 0)
        return -1;
    if (gp->task == MLQ_TASK_ANOMALY) {
        if (!isfinite(gp->threshold) || mlq_json_add(obj, "threshold", cJSON_CreateNumber(gp->threshold)) != 0)
            return -1;
    }
    return 0;
}

static void gmm_params_free_void(void *params)
{
    gmm_params_free(params);
}

static int gmm_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *h = m->hyper, *cv = hyper_item(h, "covariance");
    mlq_task task = gmm_task(h);
    size_t g, k, c, d = m->n_features, i, j, bad = 0;
    gmm_params *gp;
    int rc;

    if (!cJSON_IsString(cv) || (strcmp(cv->valuestring, "full") != 0 && strcmp(cv->valuestring, "diag") != 0))
        return mlq_err_set(err, path, 0, "field 'hyperparameters.covariance' must be \"full\" or \"diag\"");
    if (mlq_json_get_size(obj, "groups", "gmm", 1, 65535, &g, path, err) != 0 ||
        mlq_json_get_size(obj, "components_per_group", "gmm", 1, 65535, &k, path, err) != 0)
        return -1;
    if (g * k > 65535)
        return mlq_err_set(err, path, 0, "field 'gmm.groups' x 'gmm.components_per_group' is above 65535");
    if (task == MLQ_TASK_CLASSIFY ? g != m->n_classes : g != 1)
        return mlq_err_set(err, path, 0, "field 'gmm.groups' is %zu, the model's task needs %zu", g,
                           task == MLQ_TASK_CLASSIFY ? m->n_classes : (size_t)1);
    gp = gmm_params_alloc(g, k, d, hyper_full(h));
    if (gp == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    gp->task = (int)task;
    m->params = gp;
    c = g * k;
    if (mlq_json_get_array(obj, "weights", "gmm", c, gp->weights, path, err) != 0 ||
        mlq_json_get_array(obj, "log_prior", "gmm", g, gp->log_prior, path, err) != 0 ||
        mlq_json_get_matrix(obj, "means", "gmm", c, d, gp->means, path, err) != 0 ||
        mlq_json_get_matrix(obj, "covariances", "gmm", c, gp->full ? d * d : d, gp->covariances,
                            path, err) != 0)
        return -1;
    for (i = 0; i < g; i++) {
        double sum = 0.0;

        if (!(gp->log_prior[i] <= 0.0))
            return mlq_err_set(err, path, 0, "field 'gmm.log_prior': entry %zu is above 0", i);
        for (j = 0; j < k; j++) {
            if (!(gp->weights[i * k + j] > 0.0 && gp->weights[i * k + j] <= 1.0))
                return mlq_err_set(err, path, 0, "field 'gmm.weights': entry %zu is not in (0, 1]",
                                   i * k + j);
            sum += gp->weights[i * k + j];
        }
        if (fabs(sum - 1.0) > 1e-6)
            return mlq_err_set(err, path, 0,
                               "field 'gmm.weights': the weights of group %zu sum to %.9g, not 1", i, sum);
    }
    if (gp->full) {
        for (i = 0; i < c; i++)
            for (j = 0; j < d * d; j++)
                if (gp->covariances[i * d * d + j] !=
                    gp->covariances[i * d * d + (j % d) * d + j / d])
                    return mlq_err_set(err, path, 0,
                                       "field 'gmm.covariances': matrix %zu is not symmetric", i);
    }
    if (task == MLQ_TASK_ANOMALY &&
        mlq_json_get_number(obj, "threshold", "gmm", &gp->threshold, path, err) != 0)
        return -1;
    rc = gmm_params_prepare(gp, &bad);
    if (rc == -1)
        return mlq_err_set(err, path, 0, "out of memory");
    if (rc != 0)
        return mlq_err_set(err, path, 0,
                           "field 'gmm.covariances': matrix %zu is not positive definite", bad);
    return 0;
}

/* ---- float reference -------------------------------------------------------- */

static int gmm_predict(const mlq_model *m, const double *z)
{
    const gmm_params *gp = m->params;
    size_t i, n, best_i = 0;
    double best;

    if (gp->task == MLQ_TASK_ANOMALY)
        return gmm_group_ll(gp, 0, z) < gp->threshold;
    n = gp->task == MLQ_TASK_CLUSTER ? gp->n_components : gp->n_groups;
    best = gp->task == MLQ_TASK_CLUSTER ? gmm_component_ll(gp, 0, z) : gmm_group_ll(gp, 0, z);
    for (i = 1; i < n; i++) {
        double v = gp->task == MLQ_TASK_CLUSTER ? gmm_component_ll(gp, i, z) : gmm_group_ll(gp, i, z);

        if (v > best) { /* strict: ties keep the lower index, as the device does */
            best = v;
            best_i = i;
        }
    }
    return (int)best_i;
}

/* Outputs: components (clustering), classes, or normal / anomaly. */
static size_t gmm_n_outputs(const mlq_model *m)
{
    const gmm_params *gp = m->params;

    return gp->task == MLQ_TASK_CLASSIFY  ? gp->n_groups
           : gp->task == MLQ_TASK_ANOMALY ? 2
                                          : gp->n_components;
}

/* The device's scores in float (mlq/gmm.h): each component's log-density
 * (clustering), each class's log-likelihood plus log prior, or
 * {ll - threshold, threshold - ll} (anomaly). */
static void gmm_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const gmm_params *gp = m->params;
    size_t n = gmm_n_outputs(m), i;

    if (gp->task == MLQ_TASK_ANOMALY) {
        scores[0] = gmm_group_ll(gp, 0, z) - gp->threshold;
        scores[1] = -scores[0];
        return;
    }
    for (i = 0; i < n; i++)
        scores[i] = gp->task == MLQ_TASK_CLUSTER ? gmm_component_ll(gp, i, z) : gmm_group_ll(gp, i, z);
}

/* Responsibilities (clustering) or class posteriors: the softmax of the
 * scores. An anomaly model has no probabilities. */
static int gmm_host_proba(const mlq_model *m, const double *z, double *proba)
{
    const gmm_params *gp = m->params;
    size_t n = gmm_n_outputs(m), i;
    double lse;

    if (gp->task == MLQ_TASK_ANOMALY)
        return -1;
    gmm_host_scores(m, z, proba);
    lse = log_sum_exp(proba, n);
    for (i = 0; i < n; i++)
        proba[i] = isfinite(lse) ? exp(proba[i] - lse) : (i == 0 ? 1.0 : 0.0);
    return 0;
}

static const mlq_opt gmm_opts[] = {
    {"components", MLQ_OPT_INT, NULL, 1, 65535, false, NULL,
     "Gaussian components (per class with --per-class) (required)"},
    {"covariance", MLQ_OPT_CHOICE, "full", 0, 0, false, "full|diag", "covariance matrices"},
    {"per-class", MLQ_OPT_FLAG, NULL, 0, 0, false, NULL,
     "one mixture per class; predict = most likely class (needs labels)"},
    {"anomaly-percentile", MLQ_OPT_NUM, "off", 0, 50, true, "off",
     "anomaly detection: flag rows whose log-likelihood is below this percentile of the "
     "training rows' (trains on class 0 when there are labels)"},
    {"reg-covar", MLQ_OPT_NUM, "1e-6", 0, 1e6, false, NULL,
     "added to every variance (standardized units), keeps covariances positive definite"},
    {"max-iter", MLQ_OPT_INT, "100", 1, 1000000, false, NULL, "EM iterations per run at most"},
    {"tol", MLQ_OPT_NUM, "1e-3", 0, 1e6, false, NULL,
     "stop when the mean log-likelihood per row changes by less than this"},
    {"n-init", MLQ_OPT_INT, "1", 1, 10000, false, NULL,
     "EM runs from k-means starts; the best log-likelihood is kept"},
};

const mlq_algo mlq_algo_gmm = {
    .name = "gmm",
    .summary = "Gaussian mixture (EM, k-means init): clustering, --per-class classification, "
               "anomaly detection",
    .task = gmm_task,
    .bits = "16",
    .opts = gmm_opts,
    .n_opts = sizeof gmm_opts / sizeof gmm_opts[0],
    .train = gmm_train,
    .params_save = gmm_params_save,
    .params_load = gmm_params_load,
    .params_free = gmm_params_free_void,
    .predict = gmm_predict,
    .n_outputs = gmm_n_outputs,
    .host_scores = gmm_host_scores,
    .host_proba = gmm_host_proba,
    .device_build = mlq_gmm_device_build,
    .device_predict = mlq_gmm_device_predict,
    .device_scores = mlq_gmm_device_scores,
    .device_proba = mlq_gmm_device_proba,
    .device_free = mlq_gmm_device_free,
    .export_body = mlq_gmm_export_body,
    .info = mlq_gmm_info,
};
