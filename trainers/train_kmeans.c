/* SPDX-License-Identifier: MIT */
/*
 * k-means on the host: k-means++ initialisation (greedy, 2 + ln k
 * candidates per centre), Lloyd iterations, --n-init restarts keeping the
 * lowest inertia, all on standardized rows and deterministic for a seed
 * (GSL mt19937).
 *
 * Workspace idiom of GSL: mlq_kmeans_alloc / _init / _iterate / _converged
 * / _free, no callbacks.
 *
 * Degenerate data: k larger than the number of distinct rows is an error
 * (some cluster would have to be empty or duplicate); a cluster that empties
 * during Lloyd iterations is moved onto the row farthest from its centre.
 * Constant features standardize to 0 (see mlq_model_fit_scaling) and so
 * take no part in distances.
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export.h"
#include "kmeans_params.h"
#include "kmeans_train.h"
#include "metrics.h"


typedef struct mlq_kmeans_workspace {
    size_t n, p, k;
    const double *x; /* [n][p] */
    double *c;       /* [k][p] current centres */
    double *c_new;   /* [k][p] */
    double *d2;      /* [n] squared distance to the assigned centre */
    double *cand_d2; /* [n] scratch for k-means++ candidates */
    size_t *assign;  /* [n] */
    size_t *count;   /* [k] */
    double shift;    /* sum of squared centre moves in the last iteration */
    double inertia;
    size_t iter;
} mlq_kmeans_workspace;

static double dist2(const double *a, const double *b, size_t p)
{
    double s = 0.0;
    size_t j;

    for (j = 0; j < p; j++) {
        double d = a[j] - b[j];

        s += d * d;
    }
    return s;
}

static size_t nearest(const double *c, size_t k, size_t p, const double *x, double *d2)
{
    size_t best = 0, i;
    double bd = dist2(x, c, p);

    for (i = 1; i < k; i++) {
        double d = dist2(x, c + i * p, p);

        if (d < bd) { /* strict: ties keep the lower index, as the device does */
            bd = d;
            best = i;
        }
    }
    if (d2 != NULL)
        *d2 = bd;
    return best;
}

static void mlq_kmeans_free(mlq_kmeans_workspace *w)
{
    if (w == NULL)
        return;
    free(w->c);
    free(w->c_new);
    free(w->d2);
    free(w->cand_d2);
    free(w->assign);
    free(w->count);
    free(w);
}

static mlq_kmeans_workspace *mlq_kmeans_alloc(const double *x, size_t n, size_t p, size_t k)
{
    mlq_kmeans_workspace *w = mlq_calloc(1, sizeof *w);

    if (w == NULL)
        return NULL;
    w->n = n;
    w->p = p;
    w->k = k;
    w->x = x;
    w->c = mlq_calloc(k * p, sizeof *w->c);
    w->c_new = mlq_calloc(k * p, sizeof *w->c_new);
    w->d2 = mlq_calloc(n, sizeof *w->d2);
    w->cand_d2 = mlq_calloc(n, sizeof *w->cand_d2);
    w->assign = mlq_calloc(n, sizeof *w->assign);
    w->count = mlq_calloc(k, sizeof *w->count);
    if (w->c == NULL || w->c_new == NULL || w->d2 == NULL || w->cand_d2 == NULL ||
        w->assign == NULL || w->count == NULL) {
        mlq_kmeans_free(w);
        return NULL;
    }
    return w;
}

/* Row index drawn with probability proportional to weight[i] (sum > 0). */
static size_t draw_weighted(gsl_rng *rng, const double *weight, size_t n, double sum)
{
    double r = gsl_rng_uniform_pos(rng) * sum, acc = 0.0;
    size_t i, last = 0;

    for (i = 0; i < n; i++) {
        if (weight[i] > 0.0) {
            acc += weight[i];
            last = i;
            if (acc >= r)
                return i;
        }
    }
    return last; /* r beyond the rounded total */
}

/* k-means++ seeding; w->d2 ends as the distance of each row to its nearest seed. */
static void mlq_kmeans_init(mlq_kmeans_workspace *w, gsl_rng *rng)
{
    size_t n = w->n, p = w->p, c, i, t;
    size_t trials = 2 + (size_t)log((double)w->k);
    double pot = 0.0;

    i = (size_t)gsl_rng_uniform_int(rng, (unsigned long)n);
    memcpy(w->c, w->x + i * p, p * sizeof *w->c);
    for (i = 0; i < n; i++) {
        w->d2[i] = dist2(w->x + i * p, w->c, p);
        pot += w->d2[i];
    }
    for (c = 1; c < w->k; c++) {
        size_t best = 0;
        double best_pot = HUGE_VAL;

        for (t = 0; t < trials; t++) {
            size_t cand = draw_weighted(rng, w->d2, n, pot);
            double cpot = 0.0;

            for (i = 0; i < n; i++) {
                double d = dist2(w->x + i * p, w->x + cand * p, p);

                cpot += d < w->d2[i] ? d : w->d2[i];
            }
            if (cpot < best_pot) {
                best_pot = cpot;
                best = cand;
            }
        }
        memcpy(w->c + c * p, w->x + best * p, p * sizeof *w->c);
        pot = 0.0;
        for (i = 0; i < n; i++) {
            double d = dist2(w->x + i * p, w->c + c * p, p);

            if (d < w->d2[i])
                w->d2[i] = d;
            pot += w->d2[i];
        }
    }
    w->iter = 0;
    w->shift = HUGE_VAL;
}

/* Assign every row to its nearest centre; returns the inertia. */
static double assign_all(mlq_kmeans_workspace *w)
{
    double inertia = 0.0;
    size_t i;

    for (i = 0; i < w->n; i++) {
        w->assign[i] = nearest(w->c, w->k, w->p, w->x + i * w->p, &w->d2[i]);
        inertia += w->d2[i];
    }
    return inertia;
}

/* One Lloyd step: assign, then move every centre to the mean of its rows. */
static void mlq_kmeans_iterate(mlq_kmeans_workspace *w)
{
    size_t n = w->n, p = w->p, k = w->k, i, j, c;

    w->inertia = assign_all(w);
    memset(w->c_new, 0, k * p * sizeof *w->c_new);
    memset(w->count, 0, k * sizeof *w->count);
    for (i = 0; i < n; i++) {
        double *dst = w->c_new + w->assign[i] * p;

        w->count[w->assign[i]]++;
        for (j = 0; j < p; j++)
            dst[j] += w->x[i * p + j];
    }
    for (c = 0; c < k; c++) {
        if (w->count[c] == 0) {
            /* Empty cluster: take the row farthest from its own centre. */
            size_t far = 0;

            for (i = 1; i < n; i++)
                if (w->d2[i] > w->d2[far])
                    far = i;
            memcpy(w->c_new + c * p, w->x + far * p, p * sizeof *w->c_new);
            w->d2[far] = 0.0;
            continue;
        }
        for (j = 0; j < p; j++)
            w->c_new[c * p + j] /= (double)w->count[c];
    }
    w->shift = 0.0;
    for (c = 0; c < k; c++)
        w->shift += dist2(w->c + c * p, w->c_new + c * p, p);
    memcpy(w->c, w->c_new, k * p * sizeof *w->c);
    w->iter++;
}

static int mlq_kmeans_converged(const mlq_kmeans_workspace *w, double tol_abs)
{
    return w->shift <= tol_abs;
}

static size_t count_distinct_rows(const double *z, size_t n, size_t p, size_t stop_at)
{
    size_t distinct = 0, i, r;

    /* Quadratic only until `stop_at` distinct rows are found: enough to
     * decide whether k rows are distinct, with no sort and no allocation. */
    for (i = 0; i < n && distinct < stop_at; i++) {
        for (r = 0; r < i; r++)
            if (memcmp(z + i * p, z + r * p, p * sizeof *z) == 0)
                break;
        distinct += r == i;
    }
    return distinct;
}

int mlq_kmeans_labels(const double *x, size_t n, size_t p, size_t k, size_t max_iter,
                      double tol_abs, gsl_rng *rng, size_t *labels, double *centroids)
{
    mlq_kmeans_workspace *w;

    if (k > count_distinct_rows(x, n, p, k))
        return -2;
    w = mlq_kmeans_alloc(x, n, p, k);
    if (w == NULL)
        return -1;
    mlq_kmeans_init(w, rng);
    while (w->iter < max_iter) {
        mlq_kmeans_iterate(w);
        if (mlq_kmeans_converged(w, tol_abs))
            break;
    }
    assign_all(w); /* final labels match the final centres */
    memcpy(labels, w->assign, n * sizeof *labels);
    if (centroids != NULL)
        memcpy(centroids, w->c, k * p * sizeof *centroids);
    mlq_kmeans_free(w);
    return 0;
}

static double hyper_num(const mlq_model *m, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(m->hyper, key)->valuedouble;
}

static int kmeans_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress,
                        mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, j, run;
    size_t k = (size_t)hyper_num(m, "k"), n_init = (size_t)hyper_num(m, "n-init");
    size_t max_iter = (size_t)hyper_num(m, "max-iter");
    double tol = hyper_num(m, "tol"), tol_abs = 0.0, best_inertia = HUGE_VAL;
    size_t best_iter = 0, best_run = 0, distinct;
    int best_converged = 0;
    kmeans_params *kp;
    mlq_kmeans_workspace *w;
    gsl_rng *rng;

    distinct = count_distinct_rows(z, n, p, k);
    if (k > distinct)
        return mlq_err_set(err, d->path, 0,
                           "--k %zu is more than the %zu distinct rows: every cluster needs a row of its own",
                           k, distinct);
    /* Tolerance relative to the data, as the common implementations do:
     * tol times the mean per-feature variance (1 after standardization,
     * 0 for constant features). */
    for (j = 0; j < p; j++) {
        double mean = 0.0, var = 0.0;
        size_t i;

        for (i = 0; i < n; i++)
            mean += z[i * p + j];
        mean /= (double)n;
        for (i = 0; i < n; i++)
            var += (z[i * p + j] - mean) * (z[i * p + j] - mean);
        tol_abs += var / (double)n;
    }
    tol_abs = tol * tol_abs / (double)p;

    kp = mlq_calloc(1, sizeof *kp);
    w = mlq_kmeans_alloc(z, n, p, k);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (kp == NULL || w == NULL || rng == NULL || (kp->centroids = mlq_calloc(k * p, sizeof(double))) == NULL) {
        if (kp != NULL)
            free(kp->centroids);
        free(kp);
        mlq_kmeans_free(w);
        if (rng != NULL)
            gsl_rng_free(rng);
        return mlq_err_set(err, d->path, 0, "out of memory for k-means (%zu rows x %zu features)", n, p);
    }
    kp->k = k;
    gsl_rng_set(rng, m->seed);
    for (run = 0; run < n_init; run++) {
        double inertia;

        mlq_kmeans_init(w, rng);
        while (w->iter < max_iter) {
            mlq_kmeans_iterate(w);
            if (mlq_kmeans_converged(w, tol_abs))
                break;
        }
        inertia = assign_all(w); /* final labels match the final centres */
        if (progress)
            fprintf(stderr, "kmeans: init %zu/%zu: %zu iterations, inertia %.6g\n", run + 1,
                    n_init, w->iter, inertia);
        if (inertia < best_inertia) {
            best_inertia = inertia;
            best_iter = w->iter;
            best_run = run;
            best_converged = mlq_kmeans_converged(w, tol_abs);
            memcpy(kp->centroids, w->c, k * p * sizeof(double));
        }
    }
    mlq_kmeans_free(w);
    gsl_rng_free(rng);
    m->params = kp;
    if (!best_converged)
        fprintf(stderr, "mlq: warning: %s: k-means did not converge within --max-iter %zu (kept the best of %zu runs)\n",
                d->path, max_iter, n_init);
    if (cJSON_AddNumberToObject(m->training, "inertia", best_inertia) == NULL ||
        cJSON_AddNumberToObject(m->training, "iterations", (double)best_iter) == NULL ||
        cJSON_AddNumberToObject(m->training, "best_init", (double)best_run) == NULL ||
        cJSON_AddBoolToObject(m->training, "converged", best_converged) == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    return 0;
}

static int kmeans_params_save(const mlq_model *m, cJSON *obj)
{
    const kmeans_params *kp = m->params;

    return mlq_json_add(obj, "centroids", mlq_json_matrix(kp->centroids, kp->k, m->n_features));
}

static void kmeans_params_free(void *params)
{
    kmeans_params *kp = params;

    if (kp != NULL)
        free(kp->centroids);
    free(kp);
}

static int kmeans_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, "centroids");
    kmeans_params *kp;
    size_t k;

    if (c == NULL)
        return mlq_err_set(err, path, 0, "missing field 'kmeans.centroids'");
    if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) < 1 || cJSON_GetArraySize(c) > 65535)
        return mlq_err_set(err, path, 0, "field 'kmeans.centroids' must be an array of 1..65535 rows");
    k = (size_t)cJSON_GetArraySize(c);
    kp = mlq_calloc(1, sizeof *kp);
    if (kp == NULL || (kp->centroids = mlq_calloc(k * m->n_features, sizeof(double))) == NULL) {
        free(kp);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    kp->k = k;
    m->params = kp;
    return mlq_json_get_matrix(obj, "centroids", "kmeans", k, m->n_features, kp->centroids, path,
                               err);
}

static int kmeans_predict(const mlq_model *m, const double *z)
{
    const kmeans_params *kp = m->params;

    return (int)nearest(kp->centroids, kp->k, m->n_features, z, NULL);
}

static size_t kmeans_n_outputs(const mlq_model *m)
{
    return ((const kmeans_params *)m->params)->k;
}

/* -|z - c_k|^2 per cluster, the device's scores in float. */
static void kmeans_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const kmeans_params *kp = m->params;
    size_t k;

    for (k = 0; k < kp->k; k++)
        scores[k] = -dist2(z, kp->centroids + k * m->n_features, m->n_features);
}

static const mlq_opt kmeans_opts[] = {
    {"k", MLQ_OPT_INT, NULL, 1, 65535, false, NULL, "number of clusters (required)"},
    {"n-init", MLQ_OPT_INT, "10", 1, 10000, false, NULL,
     "k-means++ restarts; the run with the lowest inertia is kept"},
    {"max-iter", MLQ_OPT_INT, "300", 1, 1000000, false, NULL, "Lloyd iterations per run at most"},
    {"tol", MLQ_OPT_NUM, "1e-4", 0, 1, false, NULL,
     "stop when the centres move less than tol x mean feature variance (squared)"},
};

static mlq_task kmeans_task(const cJSON *hyper)
{
    (void)hyper;
    return MLQ_TASK_CLUSTER;
}

const mlq_algo mlq_algo_kmeans = {
    .name = "kmeans",
    .summary = "k-means clustering (k-means++ init, Lloyd iterations); predict = nearest centroid",
    .task = kmeans_task,
    .bits = "16",
    .opts = kmeans_opts,
    .n_opts = sizeof kmeans_opts / sizeof kmeans_opts[0],
    .train = kmeans_train,
    .params_save = kmeans_params_save,
    .params_load = kmeans_params_load,
    .params_free = kmeans_params_free,
    .predict = kmeans_predict,
    .n_outputs = kmeans_n_outputs,
    .host_scores = kmeans_host_scores,
    .device_build = mlq_kmeans_device_build,
    .device_predict = mlq_kmeans_device_predict,
    .device_scores = mlq_kmeans_device_scores,
    .device_free = mlq_kmeans_device_free,
    .export_body = mlq_kmeans_export_body,
    .info = mlq_kmeans_info,
};
