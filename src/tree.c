/* SPDX-License-Identifier: MIT */
#include "mlq/tree.h"

#include "mlq/score.h"
#include "tree_walk.h"

/*
 * The model struct is in flash, and so are the arrays it points to, the
 * nodes included (mlq/types.h): every entry copies the struct with
 * MLQ_MODEL_IN_RAM and hands its RAM view to the helpers, which read each
 * node field and array element with MLQ_RD_*, never through a plain
 * pointer. On targets other than AVR both are plain loads. The descents of
 * both node forms are tree_walk.h's.
 */

/* ---- class sums ---------------------------------------------------------- */

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
            votes[c] += MLQ_RD_U8(&d[c]);
    }
}

/* Class with the largest sum, lowest index on ties. */
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

/*
 * The per-call checks (MLQ_ERR_SIZE; MLQ_ERR_BUFFER unless work holds
 * n_classes uint32_t aligned as mlq_work_t, a NULL work of enough bytes
 * being the caller's bug; MLQ_ERR_MODEL for a predict-only model without
 * dist), then the class sums of a Q15 input in work and their largest
 * (lowest class on ties) in *winner. model is the entry's MLQ_MODEL_IN_RAM
 * view, its arrays in flash. Tree t + 1 starts at ends[t]. The
 * statements are in the order that lets GCC keep the descent loop's entry
 * at its top on Cortex-M4 (two instructions per tree otherwise).
 */
MLQ_INLINE mlq_status sums_q15(const mlq_tree_q15 *model, const mlq_q15_t *x, uint16_t n_features,
                               void *work, size_t work_size, uint16_t *winner)
{
    const mlq_tree_node_q15 *nodes;
    const uint16_t *end, *last;
    const uint8_t *dist;
    uint32_t *votes = work, k, start = 0;

    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    k = model->n_classes;
    if (work_size / sizeof(uint32_t) < k || !MLQ_WORK_ALIGNED(work))
        return MLQ_ERR_BUFFER;
    if (model->dist == NULL && model->n_dist > 0)
        return MLQ_ERR_MODEL;
    nodes = model->nodes;
    dist = model->dist;
    end = model->ends;
    last = end + model->n_trees;
    clear_votes(votes, k);
    do {
        add_leaf(votes, descend_trees_q15(nodes + start, x), k, dist);
        start = MLQ_RD_U16(end++);
    } while (end != last);
    *winner = argmax(votes, k);
    return MLQ_OK;
}

/* The same for float input, plus MLQ_ERR_INPUT when a feature on a path is NaN. */
MLQ_INLINE mlq_status sums_f32(const mlq_tree_f32 *model, const float *x, uint16_t n_features,
                               void *work, size_t work_size, uint16_t *winner)
{
    const mlq_tree_node_f32 *nodes;
    const uint16_t *end, *last;
    const uint8_t *dist;
    uint32_t *votes = work, k, fbits, leaf, start = 0;

    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    k = model->n_classes;
    if (work_size / sizeof(uint32_t) < k || !MLQ_WORK_ALIGNED(work))
        return MLQ_ERR_BUFFER;
    fbits = model->feature_bits;
    if (model->dist == NULL && model->n_dist > 0)
        return MLQ_ERR_MODEL;
    nodes = model->nodes;
    dist = model->dist;
    end = model->ends;
    last = end + model->n_trees;
    clear_votes(votes, k);
    do {
        leaf = descend_f32(nodes + start, x, fbits);
        if (leaf == UINT32_MAX)
            return MLQ_ERR_INPUT;
        add_leaf(votes, leaf, k, dist);
        start = MLQ_RD_U16(end++);
    } while (end != last);
    *winner = argmax(votes, k);
    return MLQ_OK;
}

/* v / d in Q15.16 for v <= d < 2^24: floor((v 2^16 + floor(d / 2)) / d),
 * in two exact 32-bit steps (v 2^8 = q d + r, then (r 2^8 + d / 2) / d). */
MLQ_INLINE int32_t ratio_q16(uint32_t v, uint32_t d)
{
    uint32_t q = (v << 8) / d, r = (v << 8) - q * d;

    return (int32_t)((q << 8) + ((r << 8) + (d >> 1)) / d);
}

/* Scores of the class sums in work (mlq_tree_scores_q15). */
static void write_scores(const uint32_t *votes, uint32_t n_classes, uint32_t n_trees,
                         uint16_t winner, int32_t *scores)
{
    uint32_t c, d = (uint32_t)MLQ_TREE_LEAF_SCALE * n_trees;

    for (c = 0; c < n_classes; c++)
        scores[c] = ratio_q16(votes[c], d);
    mlq_score_keep_winner(scores, (uint16_t)n_classes, winner);
}

/* ---- entries ------------------------------------------------------------- */

mlq_status mlq_tree_predict_q15(const mlq_tree_q15 *tree, const mlq_q15_t *x,
                                uint16_t n_features, void *work, size_t work_size, uint16_t *cls)
{
    MLQ_MODEL_IN_RAM(mlq_tree_q15, model, tree);
    const uint16_t *leaf_class;

    MLQ_ASSERT(tree != NULL && x != NULL && cls != NULL);
    (void)work;
    (void)work_size;
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    leaf_class = model->leaf_class;
    if (leaf_class == NULL)
        return MLQ_ERR_MODEL;
    *cls = MLQ_RD_U16(&leaf_class[descend_q15(model->nodes, x)]);
    return MLQ_OK;
}

mlq_status mlq_forest_predict_q15(const mlq_tree_q15 *tree, const mlq_q15_t *x,
                                  uint16_t n_features, void *work, size_t work_size,
                                  uint16_t *cls)
{
    MLQ_MODEL_IN_RAM(mlq_tree_q15, model, tree);

    MLQ_ASSERT(tree != NULL && x != NULL && cls != NULL);
    return sums_q15(model, x, n_features, work, work_size, cls);
}

mlq_status mlq_tree_scores_q15(const mlq_tree_q15 *tree, const mlq_q15_t *x,
                               uint16_t n_features, void *work, size_t work_size,
                               int32_t *scores)
{
    MLQ_MODEL_IN_RAM(mlq_tree_q15, model, tree);
    uint16_t winner;
    mlq_status s;

    MLQ_ASSERT(tree != NULL && x != NULL && scores != NULL);
    s = sums_q15(model, x, n_features, work, work_size, &winner);
    if (s == MLQ_OK)
        write_scores(work, model->n_classes, model->n_trees, winner, scores);
    return s;
}

mlq_status mlq_tree_proba_q15(const mlq_tree_q15 *tree, const mlq_q15_t *x,
                              uint16_t n_features, void *work, size_t work_size,
                              uint16_t *proba)
{
    MLQ_MODEL_IN_RAM(mlq_tree_q15, model, tree);
    uint16_t winner;
    mlq_status s;

    MLQ_ASSERT(tree != NULL && x != NULL && proba != NULL);
    s = sums_q15(model, x, n_features, work, work_size, &winner);
    if (s == MLQ_OK)
        mlq_proba_from_weights(work, model->n_classes, winner, proba);
    return s;
}

mlq_status mlq_tree_predict_f32(const mlq_tree_f32 *tree, const float *x, uint16_t n_features,
                                void *work, size_t work_size, uint16_t *cls)
{
    MLQ_MODEL_IN_RAM(mlq_tree_f32, model, tree);
    const uint16_t *leaf_class;
    uint32_t leaf;

    MLQ_ASSERT(tree != NULL && x != NULL && cls != NULL);
    (void)work;
    (void)work_size;
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    leaf_class = model->leaf_class;
    if (leaf_class == NULL)
        return MLQ_ERR_MODEL;
    leaf = descend_f32(model->nodes, x, model->feature_bits);
    if (leaf == UINT32_MAX)
        return MLQ_ERR_INPUT;
    *cls = MLQ_RD_U16(&leaf_class[leaf]);
    return MLQ_OK;
}

mlq_status mlq_forest_predict_f32(const mlq_tree_f32 *tree, const float *x, uint16_t n_features,
                                  void *work, size_t work_size, uint16_t *cls)
{
    MLQ_MODEL_IN_RAM(mlq_tree_f32, model, tree);

    MLQ_ASSERT(tree != NULL && x != NULL && cls != NULL);
    return sums_f32(model, x, n_features, work, work_size, cls);
}

mlq_status mlq_tree_scores_f32(const mlq_tree_f32 *tree, const float *x, uint16_t n_features,
                               void *work, size_t work_size, int32_t *scores)
{
    MLQ_MODEL_IN_RAM(mlq_tree_f32, model, tree);
    uint16_t winner;
    mlq_status s;

    MLQ_ASSERT(tree != NULL && x != NULL && scores != NULL);
    s = sums_f32(model, x, n_features, work, work_size, &winner);
    if (s == MLQ_OK)
        write_scores(work, model->n_classes, model->n_trees, winner, scores);
    return s;
}

mlq_status mlq_tree_proba_f32(const mlq_tree_f32 *tree, const float *x, uint16_t n_features,
                              void *work, size_t work_size, uint16_t *proba)
{
    MLQ_MODEL_IN_RAM(mlq_tree_f32, model, tree);
    uint16_t winner;
    mlq_status s;

    MLQ_ASSERT(tree != NULL && x != NULL && proba != NULL);
    s = sums_f32(model, x, n_features, work, work_size, &winner);
    if (s == MLQ_OK)
        mlq_proba_from_weights(work, model->n_classes, winner, proba);
    return s;
}

/* ---- regression ------------------------------------------------------------ */

/* round(sum x 2^(16 - frac) / n), halves away from zero, for |sum| <= 32767 n,
 * n < 2^16 and frac <= 16: on the magnitude, q = mag / n exactly, then the
 * remainder r < n scaled, r 2^(16 - frac) + n / 2 < 2^32; the result is at
 * most 32767 x 2^16. */
MLQ_INLINE int32_t leaf_mean_q16(int32_t sum, uint32_t n, uint32_t frac)
{
    uint32_t s = 16u - frac, mag = sum < 0 ? 0u - (uint32_t)sum : (uint32_t)sum, q;

    if (n != 1u) {
        q = mag / n;
        mag = (q << s) + (((mag - q * n) << s) + (n >> 1)) / n;
    } else {
        mag <<= s;
    }
    return sum < 0 ? -(int32_t)mag : (int32_t)mag;
}

mlq_status mlq_tree_reg_scores_q15(const mlq_tree_reg_q15 *tree, const mlq_q15_t *x,
                                   uint16_t n_features, void *work, size_t work_size,
                                   int32_t *score)
{
    MLQ_MODEL_IN_RAM(mlq_tree_reg_q15, model, tree);
    const mlq_tree_node_q15 *nodes;
    const uint16_t *end, *last;
    const int16_t *value;
    uint32_t start = 0;
    int32_t sum = 0;

    MLQ_ASSERT(tree != NULL && x != NULL && score != NULL);
    (void)work;
    (void)work_size;
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    nodes = model->nodes;
    value = model->value;
    end = model->ends;
    last = end + model->n_trees;
    do {
        sum += MLQ_RD_I16(&value[descend_trees_q15(nodes + start, x)]);
        start = MLQ_RD_U16(end++);
    } while (end != last);
    *score = leaf_mean_q16(sum, model->n_trees, model->value_frac);
    return MLQ_OK;
}

mlq_status mlq_tree_reg_scores_f32(const mlq_tree_reg_f32 *tree, const float *x,
                                   uint16_t n_features, void *work, size_t work_size,
                                   int32_t *score)
{
    MLQ_MODEL_IN_RAM(mlq_tree_reg_f32, model, tree);
    const mlq_tree_node_f32 *nodes;
    const uint16_t *end, *last;
    const int16_t *value;
    uint32_t start = 0, fbits, leaf;
    int32_t sum = 0;

    MLQ_ASSERT(tree != NULL && x != NULL && score != NULL);
    (void)work;
    (void)work_size;
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    fbits = model->feature_bits;
    nodes = model->nodes;
    value = model->value;
    end = model->ends;
    last = end + model->n_trees;
    do {
        leaf = descend_f32(nodes + start, x, fbits);
        if (leaf == UINT32_MAX)
            return MLQ_ERR_INPUT;
        sum += MLQ_RD_I16(&value[leaf]);
        start = MLQ_RD_U16(end++);
    } while (end != last);
    *score = leaf_mean_q16(sum, model->n_trees, model->value_frac);
    return MLQ_OK;
}

/* ---- the code layout's outputs ------------------------------------------------ */

mlq_status mlq_tree_code_finish(unsigned op, const uint32_t *sums, uint16_t n_classes,
                                uint16_t n_trees, void *work, void *out)
{
    uint32_t *votes = work, c, lanes = MLQ_TREE_CODE_LANES(n_trees);
    uint16_t winner;

    MLQ_ASSERT(sums != NULL && work != NULL && out != NULL);
    for (c = 0; c < n_classes; c++)
        votes[c] = lanes == 2u ? sums[c >> 1] >> (c & 1u) * 16u & 0xffffu : sums[c];
    winner = argmax(votes, n_classes);
    if (op == MLQ_TREE_CODE_SCORES)
        write_scores(votes, n_classes, n_trees, winner, out);
    else
        mlq_proba_from_weights(votes, n_classes, winner, out);
    return MLQ_OK;
}

int32_t mlq_tree_code_mean(int32_t sum, uint16_t n_trees, uint16_t value_frac)
{
    return leaf_mean_q16(sum, n_trees, value_frac);
}

size_t mlq_tree_work_size(const mlq_tree_q15 *tree)
{
    MLQ_MODEL_IN_RAM(mlq_tree_q15, model, tree);

    MLQ_ASSERT(tree != NULL);
    return MLQ_TREE_WORK_BYTES(model->n_classes);
}

/* ---- validation ------------------------------------------------------------ */

/* The fields both node forms share, from the model struct in RAM; the
 * arrays are in flash. */
typedef struct tree_shape {
    uint32_t n_features, n_classes, n_trees, n_dist;
    const void *nodes;
    const uint16_t *ends;
    const uint8_t *dist;
    const uint16_t *leaf_class;
} tree_shape;

/* Is leaf id `id` below n_classes + n_dist? */
MLQ_INLINE bool leaf_ok(const tree_shape *t, uint32_t id)
{
    return id < t->n_classes + t->n_dist;
}

/* Counts, arrays and tree ranges (both tasks). */
static mlq_status check_trees(const tree_shape *t)
{
    uint32_t i;

    if (t->n_features == 0 || t->n_trees == 0 || t->nodes == NULL || t->ends == NULL)
        return MLQ_ERR_MODEL;
    for (i = 0; i < t->n_trees; i++)
        if (MLQ_RD_U16(&t->ends[i]) <= (i > 0 ? MLQ_RD_U16(&t->ends[i - 1]) : 0u))
            return MLQ_ERR_MODEL;
    return MLQ_OK;
}

/* A classifier's: check_trees, classes, dist rows and leaf classes. */
static mlq_status check_shape(const tree_shape *t)
{
    uint32_t i, c;

    if (t->n_classes == 0 || (t->n_dist > 0 && t->dist == NULL && t->leaf_class == NULL) ||
        check_trees(t) != MLQ_OK)
        return MLQ_ERR_MODEL;
    for (i = 0; t->dist != NULL && i < t->n_dist; i++) {
        const uint8_t *d = t->dist + i * t->n_classes;
        uint32_t sum = 0;

        for (c = 0; c < t->n_classes; c++)
            sum += MLQ_RD_U8(&d[c]);
        if (sum != MLQ_TREE_LEAF_SCALE)
            return MLQ_ERR_MODEL;
    }
    if (t->leaf_class == NULL)
        return MLQ_OK;
    if (t->n_trees != 1)
        return MLQ_ERR_MODEL;
    for (i = 0; i < t->n_classes + t->n_dist; i++) {
        uint32_t cls = MLQ_RD_U16(&t->leaf_class[i]), want = i, best = 0;

        if (i >= t->n_classes && t->dist == NULL) { /* predict-only: a class */
            want = cls < t->n_classes ? cls : UINT32_MAX;
        } else if (i >= t->n_classes) { /* the largest entry of the row, lowest on ties */
            const uint8_t *d = t->dist + (i - t->n_classes) * t->n_classes;

            for (c = 1; c < t->n_classes; c++)
                if (MLQ_RD_U8(&d[c]) > MLQ_RD_U8(&d[best]))
                    best = c;
            want = best;
        }
        if (cls != want)
            return MLQ_ERR_MODEL;
    }
    return MLQ_OK;
}

/* A regression model's (leaf ids are entries of value: n_classes 0, n_dist
 * the values): check_trees, value_frac and the values. */
static mlq_status check_reg_shape(const tree_shape *t, uint32_t value_frac, const int16_t *value)
{
    uint32_t i;

    if (t->n_dist == 0 || value == NULL || value_frac > 16u || check_trees(t) != MLQ_OK)
        return MLQ_ERR_MODEL;
    for (i = 0; i < t->n_dist; i++)
        if (MLQ_RD_I16(&value[i]) == INT16_MIN)
            return MLQ_ERR_MODEL;
    return MLQ_OK;
}

/* Is a link > 0 from node i of a tree ending at `end` inside the tree, or
 * a link <= 0 a leaf id below n_classes + n_dist? */
MLQ_INLINE bool link_ok(const tree_shape *t, int32_t link, uint32_t i, uint32_t end)
{
    return link > 0 ? (uint32_t)link < end - i : leaf_ok(t, (uint32_t)-link);
}

/* Is link from node i of a Q15 tree whose nodes are [start, end) a whole
 * node past node i inside the tree (a byte offset from the root), or ~ a
 * leaf id below n_classes + n_dist? */
MLQ_INLINE bool link_ok_q15(const tree_shape *t, int32_t link, uint32_t i, uint32_t start,
                            uint32_t end)
{
    uint32_t at = (uint32_t)link / sizeof(mlq_tree_node_q15);

    if (link < 0)
        return leaf_ok(t, (uint32_t)~link);
    return (uint32_t)link % sizeof(mlq_tree_node_q15) == 0 && at > i - start && at < end - start;
}

/* The Q15 nodes of every tree: tree sizes, split words and links. */
static mlq_status check_nodes_q15(const tree_shape *t)
{
    const mlq_tree_node_q15 *nodes = t->nodes;
    uint32_t tr, i = 0, start;

    for (tr = 0; tr < t->n_trees; tr++) {
        uint32_t end = MLQ_RD_U16(&t->ends[tr]);

        if (end - i > MLQ_TREE_MAX_NODES)
            return MLQ_ERR_MODEL;
        for (start = i; i < end; i++) {
            const mlq_tree_node_q15 *n = &nodes[i];
            uint32_t x_offset = MLQ_RD_U16(&n->x_offset);

            if ((x_offset & 1u) != 0 || x_offset / 2u >= t->n_features ||
                !link_ok_q15(t, MLQ_RD_I16(&n->left), i, start, end) ||
                !link_ok_q15(t, MLQ_RD_I16(&n->right), i, start, end))
                return MLQ_ERR_MODEL;
        }
    }
    return MLQ_OK;
}

/* The float nodes of every tree: features, leaf codes and links. */
static mlq_status check_nodes_f32(const tree_shape *t, uint32_t fbits)
{
    const mlq_tree_node_f32 *nodes = t->nodes;
    uint32_t tr, i = 0, fmask;

    if (fbits > 16)
        return MLQ_ERR_MODEL;
    fmask = feature_mask(fbits);
    for (tr = 0; tr < t->n_trees; tr++) {
        uint32_t end = MLQ_RD_U16(&t->ends[tr]);

        for (; i < end; i++) {
            const mlq_tree_node_f32 *n = &nodes[i];
            uint32_t meta = MLQ_RD_U16(&n->meta), lcode = meta >> fbits,
                     node = sizeof(mlq_tree_node_f32);
            int32_t right = MLQ_RD_I16(&n->right);

            if ((meta & fmask) >= t->n_features)
                return MLQ_ERR_MODEL;
            /* left: a leaf, or the next node (never taken past a forwarding node) */
            if (lcode != 0 ? !leaf_ok(t, lcode - 1u)
                           : MLQ_RD_I32(&n->key) != INT32_MIN && i + 1u >= end)
                return MLQ_ERR_MODEL;
            /* right: whole nodes further on in bytes, or a leaf */
            if (right > 0 && (uint32_t)right % node != 0)
                return MLQ_ERR_MODEL;
            if (!link_ok(t, right > 0 ? right / (int32_t)node : right, i, end))
                return MLQ_ERR_MODEL;
        }
    }
    return MLQ_OK;
}

mlq_status mlq_tree_check(const mlq_tree_q15 *tree)
{
    MLQ_MODEL_IN_RAM(mlq_tree_q15, model, tree);
    tree_shape t;

    MLQ_ASSERT(tree != NULL);
    t = (tree_shape){model->n_features, model->n_classes, model->n_trees, model->n_dist,
                     model->nodes, model->ends, model->dist, model->leaf_class};
    if (check_shape(&t) != MLQ_OK)
        return MLQ_ERR_MODEL;
    return check_nodes_q15(&t);
}

mlq_status mlq_tree_check_f32(const mlq_tree_f32 *tree)
{
    MLQ_MODEL_IN_RAM(mlq_tree_f32, model, tree);
    tree_shape t;

    MLQ_ASSERT(tree != NULL);
    t = (tree_shape){model->n_features, model->n_classes, model->n_trees, model->n_dist,
                     model->nodes, model->ends, model->dist, model->leaf_class};
    if (check_shape(&t) != MLQ_OK)
        return MLQ_ERR_MODEL;
    return check_nodes_f32(&t, model->feature_bits);
}

mlq_status mlq_tree_reg_check(const mlq_tree_reg_q15 *tree)
{
    MLQ_MODEL_IN_RAM(mlq_tree_reg_q15, model, tree);
    tree_shape t;

    MLQ_ASSERT(tree != NULL);
    t = (tree_shape){model->n_features, 0, model->n_trees, model->n_values,
                     model->nodes, model->ends, NULL, NULL};
    if (check_reg_shape(&t, model->value_frac, model->value) != MLQ_OK)
        return MLQ_ERR_MODEL;
    return check_nodes_q15(&t);
}

mlq_status mlq_tree_reg_check_f32(const mlq_tree_reg_f32 *tree)
{
    MLQ_MODEL_IN_RAM(mlq_tree_reg_f32, model, tree);
    tree_shape t;

    MLQ_ASSERT(tree != NULL);
    t = (tree_shape){model->n_features, 0, model->n_trees, model->n_values,
                     model->nodes, model->ends, NULL, NULL};
    if (check_reg_shape(&t, model->value_frac, model->value) != MLQ_OK)
        return MLQ_ERR_MODEL;
    return check_nodes_f32(&t, model->feature_bits);
}
