/* SPDX-License-Identifier: MIT */
/*
 * The Gaussian mixture model on the host: G groups (classes of a per-class
 * model, else 1) of K components over the standardized features. The
 * derived tables (Cholesky factors of the precisions, log constants), the
 * log-likelihoods of a row, its options, model-file parameters and host
 * table. One model type, three uses (the task, from the hyperparameters):
 *  - clustering: one mixture; predict = the most responsible component
 *    (argmax of log w_c + log N(z | c));
 *  - --per-class: one mixture per class; predict = argmax of class
 *    log-likelihood + log prior (the class's training share);
 *  - --anomaly-percentile P: one mixture and a threshold; predict = 1 when
 *    a row's log-likelihood is below it.
 * The trainer (EM) is train_gmm.c, the device side exporters/export_gmm.c.
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "gmm_params.h"

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

gmm_params *gmm_params_alloc(size_t g, size_t k, size_t d, int full)
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
    gsl_error_handler_t *handler;
    int rc = 0;

    /* A matrix that is not positive definite is an answer here, not an
     * error: GSL's handler (abort by default) is off for the call, then
     * the caller's is back. */
    handler = gsl_set_error_handler_off();
    if (gp->full && (a = gsl_matrix_alloc(d, d)) == NULL) {
        gsl_set_error_handler(handler);
        return -1;
    }
    for (c = 0; c < n_comp && rc == 0; c++) {
        double log_det_l = 0.0; /* log det L = (1/2) log det S */

        if (gp->full) {
            const double *s = gp->covariances + c * d * d;
            double *p = gp->prec_chol + c * d * d;

            for (i = 0; i < d; i++)
                for (j = 0; j < d; j++)
                    gsl_matrix_set(a, i, j, s[i * d + j]);
            /* Not positive definite: GSL_EDOM. */
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
    gsl_set_error_handler(handler);
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

double gmm_log_sum_exp(const double *v, size_t n)
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
    r = gmm_log_sum_exp(v, k);
    if (v != buf)
        free(v);
    return r;
}

/* ---- task and covariance form, from the hyperparameters ------------------ */

static mlq_task gmm_task(const cJSON *hyper)
{
    if (cJSON_IsTrue(mlq_hyper(hyper, "per-class")))
        return MLQ_TASK_CLASSIFY;
    if (cJSON_IsNumber(mlq_hyper(hyper, "anomaly-percentile")))
        return MLQ_TASK_ANOMALY;
    return MLQ_TASK_CLUSTER;
}

int gmm_hyper_full(const cJSON *hyper)
{
    const char *c = mlq_hyper_str(hyper, "covariance");

    return !(c != NULL && strcmp(c, "diag") == 0);
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
    const cJSON *h = m->hyper;
    const char *cv = mlq_hyper_str(h, "covariance");
    mlq_task task = gmm_task(h);
    size_t g, k, c, d = m->n_features, i, j, bad = 0;
    gmm_params *gp;
    int rc;

    if (cv == NULL || (strcmp(cv, "full") != 0 && strcmp(cv, "diag") != 0))
        return mlq_err_set(err, path, 0, "field 'hyperparameters.covariance' must be \"full\" or \"diag\"");
    if (mlq_json_get_size(obj, "groups", "gmm", 1, 65535, &g, path, err) != 0 ||
        mlq_json_get_size(obj, "components_per_group", "gmm", 1, 65535, &k, path, err) != 0)
        return -1;
    if (g * k > 65535)
        return mlq_err_set(err, path, 0, "field 'gmm.groups' x 'gmm.components_per_group' is above 65535");
    if (task == MLQ_TASK_CLASSIFY ? g != m->n_classes : g != 1)
        return mlq_err_set(err, path, 0, "field 'gmm.groups' is %zu, the model's task needs %zu", g,
                           task == MLQ_TASK_CLASSIFY ? m->n_classes : (size_t)1);
    gp = gmm_params_alloc(g, k, d, gmm_hyper_full(h));
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
    lse = gmm_log_sum_exp(proba, n);
    for (i = 0; i < n; i++)
        proba[i] = isfinite(lse) ? exp(proba[i] - lse) : (i == 0 ? 1.0 : 0.0);
    return 0;
}

static const mlq_opt gmm_opts[] = {
    {"components", MLQ_OPT_INT, NULL, 1, 65535, false, NULL,
     "Gaussian components (per class with --per-class) (required)", MLQ_FOR_ANY},
    {"covariance", MLQ_OPT_CHOICE, "full", 0, 0, false, "full|diag", "covariance matrices", MLQ_FOR_ANY},
    {"per-class", MLQ_OPT_FLAG, NULL, 0, 0, false, NULL,
     "one mixture per class; predict = most likely class (needs labels)", MLQ_FOR_ANY},
    {"anomaly-percentile", MLQ_OPT_NUM, "off", 0, 50, true, "off",
     "anomaly detection: flag rows whose log-likelihood is below this percentile of the "
     "training rows' (trains on class 0 when there are labels)", MLQ_FOR_ANY},
    {"reg-covar", MLQ_OPT_NUM, "1e-6", 0, 1e6, false, NULL,
     "added to every variance (standardized units), keeps covariances positive definite", MLQ_FOR_ANY},
    {"max-iter", MLQ_OPT_INT, "100", 1, 1000000, false, NULL, "EM iterations per run at most", MLQ_FOR_ANY},
    {"tol", MLQ_OPT_NUM, "1e-3", 0, 1e6, false, NULL,
     "stop when the mean log-likelihood per row changes by less than this", MLQ_FOR_ANY},
    {"n-init", MLQ_OPT_INT, "1", 1, 10000, false, NULL,
     "EM runs from k-means starts; the best log-likelihood is kept", MLQ_FOR_ANY},
};

const mlq_algo mlq_algo_gmm = {
    .name = "gmm",
    .summary = "Gaussian mixture (EM, k-means init): clustering, --per-class classification, "
               "anomaly detection",
    .task = gmm_task,
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
};
