/* SPDX-License-Identifier: MIT */
#include "mlq/kmeans.h"

#include "mlq/fixed.h"
#include "mlq/score.h"

mlq_status mlq_kmeans_check(const mlq_kmeans_q15 *kmeans)
{
    MLQ_MODEL_IN_RAM(mlq_kmeans_q15, model, kmeans);
    uint32_t k, j, row;

    MLQ_ASSERT(kmeans != NULL);
    if (model->n_clusters == 0 || model->n_features == 0 || model->centroids == NULL ||
        model->norms == NULL || model->score_shift < -18 || model->score_shift > 14)
        return MLQ_ERR_MODEL;
    row = ((uint32_t)model->n_features + 1u) & ~(uint32_t)1;
    for (k = 0; k < model->n_clusters; k++) {
        const mlq_q15_t *c = model->centroids + k * row;
        int64_t norm = 0;

        for (j = 0; j < model->n_features; j++) {
            int32_t v = MLQ_RD_I16(&c[j]);

            norm += v * v;
        }
        if (norm != MLQ_RD_I64(&model->norms[k]) ||
            (row != model->n_features && MLQ_RD_I16(&c[row - 1]) != 0))
            return MLQ_ERR_MODEL;
    }
    return MLQ_OK;
}

size_t mlq_kmeans_work_size(const mlq_kmeans_q15 *kmeans)
{
    MLQ_MODEL_IN_RAM(mlq_kmeans_q15, model, kmeans);

    MLQ_ASSERT(kmeans != NULL);
    return MLQ_KMEANS_WORK_BYTES(model->n_clusters, model->n_features);
}

/* -d in Q15.16 for an exact squared distance d >= 0 in Q2.30 input steps:
 * d scaled by 2^-shift (rounded half up, or shifted left), saturated to
 * -2^31. */
MLQ_INLINE int32_t score_q16(int64_t d, int32_t shift)
{
    if (shift >= 0)
        d = (d + ((int64_t)1 << shift >> 1)) >> shift;
    else
        d = d >= ((int64_t)1 << (31 + shift)) ? INT64_MAX : d << -shift;
    return d >= ((int64_t)1 << 31) ? INT32_MIN : (int32_t)-d;
}

/* The nearest centroid of x; with scores != NULL, also every centroid's
 * score (mlq_kmeans_scores_q15), written as it comes. */
MLQ_INLINE uint16_t nearest(const mlq_kmeans_q15 *model, const mlq_q15_t *x, int32_t *scores)
{
    const mlq_q15_t *c = model->centroids;
    /* |score| < 3 * 65535 * 2^30 < 2^48, so the first score always wins. */
    int64_t best = INT64_MAX, xx = 0;
    uint32_t k, n_clusters = model->n_clusters, n_features = model->n_features, best_k = 0;
    /* Rows have an even length (MLQ_ROW_LEN), so every row starts on a
     * word when the first one does: mlq_dot_q15's fast path. */
    uint32_t row = MLQ_ROW_LEN(n_features);

    if (scores != NULL)
        xx = mlq_dot_q15(x, x, n_features);
    for (k = 0; k < n_clusters; k++, c += row) {
        int64_t dot = mlq_dot_flash_q15(x, c, n_features);
        int64_t score = MLQ_RD_I64(&model->norms[k]) - dot - dot;

        if (scores != NULL) /* score + |x|^2 = |x - c|^2, exact */
            scores[k] = score_q16(score + xx, model->score_shift);
        if (score < best) { /* strict: ties keep the lower index */
            best = score;
            best_k = k;
        }
    }
    return (uint16_t)best_k;
}

mlq_status mlq_kmeans_predict_q15(const mlq_kmeans_q15 *kmeans, const mlq_q15_t *x,
                                  uint16_t n_features, void *work, size_t work_size,
                                  uint16_t *cluster)
{
    MLQ_MODEL_IN_RAM(mlq_kmeans_q15, model, kmeans);

    MLQ_ASSERT(kmeans != NULL && x != NULL && cluster != NULL);
    (void)work;
    (void)work_size;
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    *cluster = nearest(model, x, NULL);
    return MLQ_OK;
}

mlq_status mlq_kmeans_scores_q15(const mlq_kmeans_q15 *kmeans, const mlq_q15_t *x,
                                 uint16_t n_features, void *work, size_t work_size,
                                 int32_t *scores)
{
    MLQ_MODEL_IN_RAM(mlq_kmeans_q15, model, kmeans);

    MLQ_ASSERT(kmeans != NULL && x != NULL && scores != NULL);
    (void)work;
    (void)work_size;
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    mlq_score_keep_winner(scores, model->n_clusters, nearest(model, x, scores));
    return MLQ_OK;
}
