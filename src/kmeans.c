/* SPDX-License-Identifier: MIT */
#include "mlq/kmeans.h"

#include "mlq/fixed.h"

mlq_status mlq_kmeans_predict_q15(const mlq_kmeans_q15 *model, const mlq_q15_t *x,
                                  uint16_t n_features, uint16_t *cluster)
{
    const mlq_q15_t *c;
    /* |score| < 3 * 65535 * 2^30 < 2^48, so the first score always wins. */
    int64_t best = INT64_MAX;
    uint32_t k, n_clusters, row, best_k = 0;

    MLQ_ASSERT(model != NULL && x != NULL && cluster != NULL);
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    n_clusters = model->n_clusters;
    if (n_clusters == 0)
        return MLQ_ERR_MODEL;
    c = model->centroids;
    /* Rows have an even length (odd ones carry a zero pad), so every row
     * starts on a word when the first one does: mlq_dot_q15's fast path. */
    row = (n_features + 1u) & ~1u;
    for (k = 0; k < n_clusters; k++, c += row) {
        int64_t dot = mlq_dot_q15(x, c, n_features);
        int64_t score = model->norms[k] - dot - dot;

        if (score < best) { /* strict: ties keep the lower index */
            best = score;
            best_k = k;
        }
    }
    *cluster = (uint16_t)best_k;
    return MLQ_OK;
}
