/* SPDX-License-Identifier: MIT */
/*
 * k-means device side: centroids move from standardized units into the
 * Q1.15 input domain (c * 32768 / R, rounded half away from zero), and the
 * exact squared norm of each quantized centroid is precomputed so that the
 * kernel needs one product per feature and centroid (see mlq/kmeans.h).
 */
#include <math.h>
#include <stdlib.h>

#include "device_algo.h"
#include "kmeans_params.h"
#include "mlq/kmeans.h"

typedef struct kmeans_device {
    mlq_kmeans_q15 m;
    mlq_q15_t *centroids; /* [k][row], row = p rounded up to even, zero pad */
    int64_t *norms;       /* [k] */
} kmeans_device;

static int kmeans_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const kmeans_params *kp = m->params;
    size_t p = m->n_features, row = MLQ_ROW_LEN(p), c, j;
    double steps = mlq_input_steps(m);
    kmeans_device *kd = mlq_calloc(1, sizeof *kd);

    if (kd == NULL || (kd->centroids = mlq_calloc(kp->k * row, sizeof *kd->centroids)) == NULL ||
        (kd->norms = mlq_calloc(kp->k, sizeof *kd->norms)) == NULL) {
        if (kd != NULL)
            free(kd->centroids);
        free(kd);
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    }
    dev->impl = kd;
    for (c = 0; c < kp->k; c++) {
        int64_t norm = 0;

        for (j = 0; j < p; j++) {
            mlq_q15_t v = mlq_quantize_q15(kp->centroids[c * p + j] * steps, &dev->clipped);

            kd->centroids[c * row + j] = v;
            norm += (int64_t)v * v;
        }
        kd->norms[c] = norm;
    }
    kd->m.n_clusters = (uint16_t)kp->k;
    kd->m.n_features = (uint16_t)p;
    /* |z|^2 = d R^2 / 2^30 for d in Q2.30 input steps; Q15.16 is 2^16 times that. */
    kd->m.score_shift = (int8_t)(14 - 2 * (int)floor(log2(m->input_range) + 0.5));
    kd->m.centroids = kd->centroids;
    kd->m.norms = kd->norms;
    if (mlq_kmeans_check(&kd->m) != MLQ_OK)
        return mlq_device_refuse(dev, err, "kmeans", "the device model fails mlq_kmeans_check");
    dev->n_outputs = kp->k;
    dev->n_coef = kp->k * p;
    dev->flash_bytes += kp->k * row * sizeof(mlq_q15_t) + kp->k * sizeof(int64_t) + sizeof(mlq_kmeans_q15);
    mlq_device_note_array(dev, kp->k * row * sizeof(mlq_q15_t));
    dev->work_bytes = mlq_kmeans_work_size(&kd->m);
    dev->kern.header = "mlq/kmeans.h";
    dev->kern.type = "mlq_kmeans_q15";
    dev->kern.check = "mlq_kmeans_check";
    dev->kern.predict = "mlq_kmeans_predict_q15";
    dev->kern.scores = "mlq_kmeans_scores_q15";
    snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are,
             "minus the squared distance to each centroid, in standardized units");
    return 0;
}

static mlq_status kmeans_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out)
{
    const kmeans_device *kd = dev->impl;

    return mlq_kmeans_predict_q15(&kd->m, q, kd->m.n_features, dev->work, dev->work_bytes, out);
}

static mlq_status kmeans_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *out)
{
    const kmeans_device *kd = dev->impl;

    return mlq_kmeans_scores_q15(&kd->m, q, kd->m.n_features, dev->work, dev->work_bytes, out);
}

static void kmeans_device_free(mlq_device *dev)
{
    kmeans_device *kd = dev->impl;

    if (kd != NULL) {
        free(kd->centroids);
        free(kd->norms);
        free(kd);
    }
    dev->impl = NULL;
}

static int kmeans_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const kmeans_device *kd = dev->impl;
    size_t k = kd->m.n_clusters, p = kd->m.n_features, row = MLQ_ROW_LEN(p), i;
    int64_t *tmp = mlq_calloc(k * row, sizeof *tmp);
    char shape[96];

    if (tmp == NULL)
        return -1;
    for (i = 0; i < k * row; i++)
        tmp[i] = kd->centroids[i];
    if (row == p)
        snprintf(shape, sizeof shape, "[%zu][%zu] Q1.15, input domain", k, p);
    else
        snprintf(shape, sizeof shape, "[%zu][%zu + 1] Q1.15, input domain, each row zero-padded", k, p);
    mlq_emit_ints(f, "mlq_q15_t", name, "centroids", shape, tmp, k * row, row < 12 ? row : 12);
    snprintf(shape, sizeof shape, "[%zu] exact sum of squared centroid entries, Q2.30", k);
    mlq_emit_ints(f, "int64_t", name, "norms", shape, kd->norms, k, 4);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_kmeans_q15 %s_model MLQ_FLASH = {%zu, %zu, %d, %s_centroids, "
               "%s_norms};\n",
            name, k, p, kd->m.score_shift, name, name);
    free(tmp);
    return 0;
}

static void kmeans_info(FILE *f, const mlq_device *dev)
{
    const kmeans_device *kd = dev->impl;
    size_t k = kd->m.n_clusters, p = kd->m.n_features;

    fprintf(f, "clusters          %zu\n", k);
    fprintf(f, "device model      %zu x %zu Q1.15 centroids + %zu int64 norms\n", k, p, k);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes input buffer in NAME_predict + the kernel's frame "
               "(measured by make bench)\n", p * sizeof(mlq_q15_t));
}

static const char *kmeans_smaller(const mlq_device *dev)
{
    (void)dev;
    return "fewer clusters (--k)";
}

const mlq_device_algo mlq_device_kmeans = {
    .bits = "16",
    .build = kmeans_device_build,
    .predict = kmeans_device_predict,
    .scores = kmeans_device_scores,
    .free = kmeans_device_free,
    .export_body = kmeans_export_body,
    .info = kmeans_info,
    .smaller = kmeans_smaller,
};
