/* SPDX-License-Identifier: MIT */
#include "mlq/tree.h"

/* A float whose bits without the sign are above those of infinity is NaN. */
#define F32_INF_BITS 0x7f800000u

/* Leaf id reached from node n of a Q15 tree. */
MLQ_INLINE uint32_t descend_q15(const mlq_tree_node_q15 *n, const mlq_q15_t *x)
{
    int32_t link;

    for (;;) {
        link = x[n->feature] <= n->threshold ? n->left : n->right;
        if (link <= 0)
            return (uint32_t)-link;
        n += link;
    }
}

/* Leaf id reached from node n of a float tree, or UINT32_MAX when a
 * feature on the path is NaN. The left child is the next node unless meta
 * names a leaf; right links count bytes (mlq/tree.h). A float is NaN when
 * its bits without the sign exceed those of infinity: (b << 1) above
 * F32_INF_BITS << 1. */
MLQ_INLINE uint32_t descend_f32(const mlq_tree_node_f32 *n, const float *x, uint32_t fbits)
{
    uint32_t fmask = 0xffffu >> (16u - fbits);

    for (;;) {
        uint32_t meta = n->meta;
        uint32_t b = MLQ_F32_BITS(x, meta & fmask);

        if ((b << 1) > (F32_INF_BITS << 1))
            return UINT32_MAX;
        /* The key order of the bits: an arithmetic >> (mlq/types.h) and the
         * two's complement reading of uint32 as int32, as every supported
         * compiler does. */
        if ((int32_t)(b ^ ((uint32_t)((int32_t)b >> 31) >> 1)) <= n->key) {
            uint32_t lcode = meta >> fbits;

            if (lcode != 0)
                return lcode - 1u;
            n++;
        } else {
            int32_t link = n->right;

            if (link <= 0)
                return (uint32_t)-link;
            n = (const mlq_tree_node_f32 *)(const void *)((const unsigned char *)n + link);
        }
    }
}

/* votes = 0, through a volatile pointer so that the compiler does not turn
 * the loop into a call of memset (freestanding: no libc). */
static void clear_votes(uint32_t *votes, uint32_t n_classes)
{
    volatile uint32_t *v = votes;

    while (n_classes-- > 0)
        v[n_classes] = 0;
}

/* votes += the leaf's class distribution. */
MLQ_INLINE void add_leaf(uint32_t *votes, uint32_t leaf, uint32_t n_classes, const uint8_t *dist)
{
    if (leaf < n_classes) {
        votes[leaf] += MLQ_TREE_LEAF_SCALE;
    } else {
        const uint8_t *d = dist + (leaf - n_classes) * n_classes;
        uint32_t c;

        for (c = 0; c < n_classes; c++)
            votes[c] += d[c];
    }
}

/* Class with the largest vote, lowest index on ties. */
static uint16_t argmax(const uint32_t *votes, uint32_t n_classes)
{
    uint32_t c, best = 0, best_v = votes[0];

    for (c = 1; c < n_classes; c++) {
        if (votes[c] > best_v) { /* strict: ties keep the lower class */
            best_v = votes[c];
            best = c;
        }
    }
    return (uint16_t)best;
}

mlq_status mlq_tree_predict_q15(const mlq_tree_q15 *model, const mlq_q15_t *x,
                                uint16_t n_features, uint16_t *cls)
{
    MLQ_ASSERT(model != NULL && x != NULL && cls != NULL);
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    if (model->n_trees == 0)
        return MLQ_ERR_MODEL;
    *cls = (uint16_t)descend_q15(model->nodes + model->roots[0], x);
    return MLQ_OK;
}

mlq_status mlq_tree_predict_f32(const mlq_tree_f32 *model, const float *x, uint16_t n_features,
                                uint16_t *cls)
{
    uint32_t leaf;

    MLQ_ASSERT(model != NULL && x != NULL && cls != NULL);
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    if (model->n_trees == 0 || model->feature_bits > 16)
        return MLQ_ERR_MODEL;
    leaf = descend_f32(model->nodes + model->roots[0], x, model->feature_bits);
    if (leaf == UINT32_MAX)
        return MLQ_ERR_INPUT;
    *cls = (uint16_t)leaf;
    return MLQ_OK;
}

mlq_status mlq_forest_predict_q15(const mlq_tree_q15 *model, const mlq_q15_t *x,
                                  uint16_t n_features, uint32_t *votes, uint16_t n_votes,
                                  uint16_t *cls)
{
    const mlq_tree_node_q15 *nodes;
    const uint32_t *root, *end;
    const uint8_t *dist;
    uint32_t k;

    MLQ_ASSERT(model != NULL && x != NULL && votes != NULL && cls != NULL);
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    k = model->n_classes;
    if (n_votes < k)
        return MLQ_ERR_BUFFER;
    if (model->n_trees == 0 || k == 0)
        return MLQ_ERR_MODEL;
    nodes = model->nodes;
    dist = model->dist;
    root = model->roots;
    end = root + model->n_trees;
    clear_votes(votes, k);
    while (root != end)
        add_leaf(votes, descend_q15(nodes + *root++, x), k, dist);
    *cls = argmax(votes, k);
    return MLQ_OK;
}

mlq_status mlq_forest_predict_f32(const mlq_tree_f32 *model, const float *x, uint16_t n_features,
                                  uint32_t *votes, uint16_t n_votes, uint16_t *cls)
{
    const mlq_tree_node_f32 *nodes;
    const uint32_t *root, *end;
    const uint8_t *dist;
    uint32_t k, leaf, fbits;

    MLQ_ASSERT(model != NULL && x != NULL && votes != NULL && cls != NULL);
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    k = model->n_classes;
    if (n_votes < k)
        return MLQ_ERR_BUFFER;
    fbits = model->feature_bits;
    if (model->n_trees == 0 || k == 0 || fbits > 16)
        return MLQ_ERR_MODEL;
    nodes = model->nodes;
    dist = model->dist;
    root = model->roots;
    end = root + model->n_trees;
    clear_votes(votes, k);
    while (root != end) {
        leaf = descend_f32(nodes + *root++, x, fbits);
        if (leaf == UINT32_MAX)
            return MLQ_ERR_INPUT;
        add_leaf(votes, leaf, k, dist);
    }
    *cls = argmax(votes, k);
    return MLQ_OK;
}
