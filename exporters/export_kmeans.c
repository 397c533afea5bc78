/* SPDX-License-Identifier: MIT */
/*
 * k-means device side: centroids move from standardized units into the
 * Q1.15 input domain (c * 32768 / R, rounded half away from zero), and the
 * exact squared norm of each quantized centroid is precomputed so that the
 * kernel needs one product per feature and centroid (see mlq/kmeans.h).
 */
#include <stdlib.h>

#include "algo.h"
#include "export.h"
#include "kmeans_params.h"
#include "mlq/kmeans.h"

typedef struct kmeans_device {
    mlq_kmeans_q15 m;
    mlq_q15_t *centroids; /* [k][row], row = p rounded up to even, zero pad */
    int64_t *norms;       /* [k] */
} kmeans_device;

int mlq_kmeans_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const kmeans_params *kp = m->params;
    size_t p = m->n_features, row = (p + 1) & ~(size_t)1, c, j;
    double steps = mlq_input_steps(m);
    kmeans_device *kd = mlq_calloc(1, sizeof *kd);

    if (kd == NULL || (kd->centroids = mlq_calloc(kp->k * row, sizeof *kd->centroids)) == NULL ||
        (kd->norms = mlq_calloc(kp->k, sizeof *kd->norms)) == NULL) {
        if (kd != NULL)
            free(kd->centroids);
        free(kd);
        return mlq_err_set(err, m->source, 0, "out of memory");
    }
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
    kd->m.centroids = kd->centroids;
    kd->m.norms = kd->norms;
    dev->impl = kd;
    dev->n_outputs = kp->k;
    dev->n_coef = kp->k * p;
    dev->flash_bytes += kp->k * row * sizeof(mlq_q15_t) + kp->k * sizeof(int64_t) + sizeof(mlq_kmeans_q15);
    return 0;
}

mlq_status mlq_kmeans_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out)
{
    const kmeans_device *kd = dev->impl;
    uint16_t cluster;
    mlq_status s = mlq_kmeans_predict_q15(&kd->m, q, kd->m.n_features, &cluster);

    if (s == MLQ_OK)
        *out = cluster;
    return s;
}

void mlq_kmeans_device_free(mlq_device *dev)
{
    kmeans_device *kd = dev->impl;

    if (kd != NULL) {
        free(kd->centroids);
        free(kd->norms);
        free(kd);
    }
    dev->impl = NULL;
}

int mlq_kmeans_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const kmeans_device *kd = dev->impl;
    size_t k = kd->m.n_clusters, p = kd->m.n_features, row = (p + 1) & ~(size_t)1, i;
    int64_t *tmp = mlq_calloc(k * row, sizeof *tmp);
    char shape[96];

    if (tmp == NULL)
        return -1;
    fprintf(f, "#include \"mlq/kmeans.h\"\n\n"
               "#if MLQ_KMEANS_FORMAT != %d\n"
               "#error \"%s was exported for mlq k-means format %d: re-export it with this mlq\"\n"
               "#endif\n\n"
               "#define %s_N_CLUSTERS %zu\n\n",
            MLQ_KMEANS_FORMAT, name, MLQ_KMEANS_FORMAT, name, k);
    for (i = 0; i < k * row; i++)
        tmp[i] = kd->centroids[i];
    if (row == p)
        snprintf(shape, sizeof shape, "[%zu][%zu] Q1.15, input domain", k, p);
    else
        snprintf(shape, sizeof shape, "[%zu][%zu + 1] Q1.15, input domain, each row zero-padded", k, p);
    mlq_emit_ints(f, "mlq_q15_t", name, "centroids", shape, tmp, k * row, row < 12 ? row : 12);
    snprintf(shape, sizeof shape, "[%zu] exact sum of squared centroid entries, Q2.30", k);
    mlq_emit_ints(f, "int64_t", name, "norms", shape, kd->norms, k, 4);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_kmeans_q15 %s_model = {%zu, %zu, %s_centroids, %s_norms};\n\n"
               "/** Nearest centroid of a Q1.15 input (see mlq/quant.h).\n"
               " *  @return cluster id >= 0, or a negative mlq_status. */\n"
               "static inline int %s_predict_q15(const mlq_q15_t *x)\n"
               "{\n"
               "    uint16_t cluster;\n"
               "    mlq_status s = mlq_kmeans_predict_q15(&%s_model, x, %zu, &cluster);\n"
               "    return s == MLQ_OK ? (int)cluster : (int)s;\n"
               "}\n",
            name, k, p, name, name, name, name, p);
    free(tmp);
    return 0;
}

void mlq_kmeans_info(FILE *f, const mlq_device *dev)
{
    const kmeans_device *kd = dev->impl;
    size_t k = kd->m.n_clusters, p = kd->m.n_features;

    fprintf(f, "clusters          %zu\n", k);
    fprintf(f, "device model      %zu x %zu Q1.15 centroids + %zu int64 norms\n", k, p, k);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes input buffer in NAME_predict + the kernel's frame "
               "(measured by make bench)\n", p * sizeof(mlq_q15_t));
}
