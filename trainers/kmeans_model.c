/* SPDX-License-Identifier: MIT */
/*
 * The k-means model on the host: k centroids in standardized units; predict
 * is the nearest centroid, the scores minus the squared distances. Its
 * options, its model-file parameters and its host table; the trainer is
 * train_kmeans.c, the device side exporters/export_kmeans.c.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "algo.h"
#include "kmeans_params.h"

double kmeans_dist2(const double *a, const double *b, size_t p)
{
    double s = 0.0;
    size_t j;

    for (j = 0; j < p; j++) {
        double d = a[j] - b[j];

        s += d * d;
    }
    return s;
}

size_t kmeans_nearest(const double *c, size_t k, size_t p, const double *x, double *d2)
{
    size_t best = 0, i;
    double bd = kmeans_dist2(x, c, p);

    for (i = 1; i < k; i++) {
        double d = kmeans_dist2(x, c + i * p, p);

        if (d < bd) { /* strict: ties keep the lower index, as the device does */
            bd = d;
            best = i;
        }
    }
    if (d2 != NULL)
        *d2 = bd;
    return best;
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

    return (int)kmeans_nearest(kp->centroids, kp->k, m->n_features, z, NULL);
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
        scores[k] = -kmeans_dist2(z, kp->centroids + k * m->n_features, m->n_features);
}

static const mlq_opt kmeans_opts[] = {
    {"k", MLQ_OPT_INT, NULL, 1, 65535, false, NULL, "number of clusters (required)", MLQ_FOR_ANY},
    {"n-init", MLQ_OPT_INT, "10", 1, 10000, false, NULL,
     "k-means++ restarts; the run with the lowest inertia is kept", MLQ_FOR_ANY},
    {"max-iter", MLQ_OPT_INT, "300", 1, 1000000, false, NULL, "Lloyd iterations per run at most", MLQ_FOR_ANY},
    {"tol", MLQ_OPT_NUM, "1e-4", 0, 1, false, NULL,
     "stop when the centres move less than tol x mean feature variance (squared)", MLQ_FOR_ANY},
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
    .opts = kmeans_opts,
    .n_opts = sizeof kmeans_opts / sizeof kmeans_opts[0],
    .train = kmeans_train,
    .params_save = kmeans_params_save,
    .params_load = kmeans_params_load,
    .params_free = kmeans_params_free,
    .predict = kmeans_predict,
    .n_outputs = kmeans_n_outputs,
    .host_scores = kmeans_host_scores,
};
