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
    const mlq_q15_t *end = x + n;

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    const mlq_q15_t *end8 = x + (n & ~7u);

    while (x < end8) { /* 8 products: 8 loads, 4 SMLALD */
        uint32_t x0, x1, x2, x3, c0, c1, c2, c3;

        __builtin_memcpy(&x0, x, 4);
        __builtin_memcpy(&x1, x + 2, 4);
        __builtin_memcpy(&x2, x + 4, 4);
        __builtin_memcpy(&x3, x + 6, 4);
        __builtin_memcpy(&c0, c, 4);
        __builtin_memcpy(&c1, c + 2, 4);
        __builtin_memcpy(&c2, c + 4, 4);
        __builtin_memcpy(&c3, c + 6, 4);
        __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(x0), "r"(c0));
        __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(x1), "r"(c1));
        __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(x2), "r"(c2));
        __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(x3), "r"(c3));
        x += 8;
        c += 8;
    }
#endif
    while (x < end)
        acc += (int32_t)*x++ * *c++;
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
