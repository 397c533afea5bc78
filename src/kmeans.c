/* SPDX-License-Identifier: MIT */
#include "mlq/kmeans.h"

/*
 * x . c over n entries, exact in int64. The DSP path reads two Q15 values
 * per 32-bit load (unaligned loads are legal on ARMv7E-M) and accumulates
 * both products with one SMLALD; the portable path does one product a step.
 */
static int64_t dot_q15(const mlq_q15_t *x, const mlq_q15_t *c, uint16_t n)
{
    int64_t acc = 0;
    uint16_t j = 0;

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    for (; j + 4 <= n; j += 4) {
        uint32_t x0, x1, c0, c1;

        __builtin_memcpy(&x0, x + j, 4);
        __builtin_memcpy(&c0, c + j, 4);
        __builtin_memcpy(&x1, x + j + 2, 4);
        __builtin_memcpy(&c1, c + j + 2, 4);
        __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(x0), "r"(c0));
        __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(x1), "r"(c1));
    }
#endif
    for (; j < n; j++)
        acc += (int32_t)x[j] * c[j];
    return acc;
}

mlq_status mlq_kmeans_predict_q15(const mlq_kmeans_q15 *model, const mlq_q15_t *x,
                                  uint16_t n_features, uint16_t *cluster)
{
    const mlq_q15_t *c;
    int64_t best = 0;
    uint16_t k, best_k = 0;

    MLQ_ASSERT(model != NULL && x != NULL && cluster != NULL);
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    if (model->n_clusters == 0)
        return MLQ_ERR_MODEL;
    c = model->centroids;
    for (k = 0; k < model->n_clusters; k++, c += n_features) {
        int64_t dot = dot_q15(x, c, n_features);
        int64_t score = model->norms[k] - dot - dot;

        if (k == 0 || score < best) { /* strict: ties keep the lower index */
            best = score;
            best_k = k;
        }
    }
    *cluster = best_k;
    return MLQ_OK;
}
