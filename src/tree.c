/* SPDX-License-Identifier: MIT */
#include "mlq/tree.h"

/* The float keys use an arithmetic right shift of a negative int32 and the
 * two's complement conversion of uint32 to int32; every supported compiler
 * does both, and this guard refuses one whose shift differs. */
#if (-1 >> 1) != -1
#error "mlq needs an arithmetic right shift of negative integers"
#endif

/* The bits of a float, read as uint32 without float arithmetic (the may_alias
 * type lets GCC and clang use one integer load; other compilers copy through
 * a union, which C99 allows). */
#if defined(__GNUC__) || defined(__clang__)
typedef uint32_t f32_bits __attribute__((may_alias));
#define BITS_OF(x, j) (((const f32_bits *)(const void *)(x))[j])
#else
static uint32_t bits_of(const float *x, uint32_t j)
{
    union {
        float f;
        uint32_t u;
    } v;

    v.f = x[j];
    return v.u;
}
#define BITS_OF(x, j) bits_of((x), (j))
#endif

/* The key threshold of a float node: one 32-bit load where unaligned loads
 * are allowed and words are little-endian (key_lo first), else two halves. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) &&                 \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                                           \
    (defined(__ARM_FEATURE_UNALIGNED) || defined(__x86_64__) || defined(__i386__))
static inline int32_t KEY_OF(const mlq_tree_node_f32 *n)
{
    int32_t k;

    __builtin_memcpy(&k, &n->key_lo, sizeof k);
    return k;
}
#else
#define KEY_OF(n) ((int32_t)(n)->key_hi * 65536 + (int32_t)(n)->key_lo)
#endif

/* A float whose bits without the sign are above those of infinity is NaN. */
#define F32_INF_BITS 0x7f800000u

#if defined(__GNUC__) || defined(__clang__)
#define MLQ_INLINE static inline __attribute__((always_inline))
#else
#define MLQ_INLINE static inline
#endif

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
 * feature on the path is NaN. Float links count bytes (mlq/tree.h). */
MLQ_INLINE uint32_t descend_f32(const mlq_tree_node_f32 *n, const float *x)
{
    int32_t link;

    for (;;) {
        uint32_t b = BITS_OF(x, n->feature);
        int32_t key = (int32_t)(b ^ ((uint32_t)((int32_t)b >> 31) >> 1));
        int32_t thr = KEY_OF(n);

        if ((b << 1) > (F32_INF_BITS << 1))
            return UINT32_MAX;
        link = key <= thr ? n->left : n->right;
        if (link <= 0)
            return (uint32_t)-link;
        n = (const mlq_tree_node_f32 *)(const void *)((const unsigned char *)n + link);
    }
}

/* votes = the leaf distribution (first tree), or votes += it. */
MLQ_INLINE void set_leaf(uint32_t *votes, uint32_t leaf, uint32_t n_classes, const uint8_t *dist)
{
    uint32_t c;

    if (leaf < n_classes) {
        for (c = 0; c < n_classes; c++)
            votes[c] = c == leaf ? MLQ_TREE_LEAF_SCALE : 0u;
    } else {
        const uint8_t *d = dist + (leaf - n_classes) * n_classes;

        for (c = 0; c < n_classes; c++)
            votes[c] = d[c];
    }
}

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
    if (model->n_trees == 0)
        return MLQ_ERR_MODEL;
    leaf = descend_f32(model->nodes + model->roots[0], x);
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
    set_leaf(votes, descend_q15(nodes + *root++, x), k, dist);
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
    uint32_t k, leaf;

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
    leaf = descend_f32(nodes + *root++, x);
    if (leaf == UINT32_MAX)
        return MLQ_ERR_INPUT;
    set_leaf(votes, leaf, k, dist);
    while (root != end) {
        leaf = descend_f32(nodes + *root++, x);
        if (leaf == UINT32_MAX)
            return MLQ_ERR_INPUT;
        add_leaf(votes, leaf, k, dist);
    }
    *cls = argmax(votes, k);
    return MLQ_OK;
}
