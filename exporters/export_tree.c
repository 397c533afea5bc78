/* SPDX-License-Identifier: MIT */
/*
 * Decision tree and forest device side. Split nodes only, each tree in
 * preorder, links relative (mlq/tree.h). The Q15 threshold of a split is
 * t = floor(threshold * 32768 / R), the code boundary the trainer placed the
 * float threshold on (see trainers/train_tree.c), so the device and the
 * host take the same branch for every training value. The float nodes carry
 * the key of the largest float the input quantizer maps to at most t, so the
 * float entries equal quantize-then-Q15 for every non-NaN input.
 * Leaves: pure leaves are their class id, impure leaf distributions are
 * stored once each (identical rows shared) after the class ids; a single
 * tree also gets the class of every leaf id (leaf_class), the largest entry
 * of its distribution, which is what the host model predicts too. A
 * regression leaf is an int16 value (export_tree.h), identical values
 * stored once. The float node form is export_tree_float.c's, the header
 * text and `mlq info` export_tree_body.c's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "device_algo.h"
#include "export_tree.h"
#include "mlq/tree.h"
#include "tree_params.h"

/* Leaf ids are int16 links (~link in the Q15 nodes), so at most 32767. */
#define MAX_LEAF_ID 32767
/* A right link counts bytes of float nodes, and a float tree may hold up
 * to two nodes per split (forwarding nodes): the split nodes of a left
 * subtree must stay within 32767 / 16. */
#define MAX_SKIP (32767 / (2 * sizeof(mlq_tree_node_f32)))


static void tree_device_release(mlq_tree_dev *td)
{
    if (td == NULL)
        return;
    free(td->sp);
    free(td->nq);
    free(td->nf);
    free(td->keys);
    free(td->nan_tested);
    free(td->ends);
    free(td->fends);
    free(td->dist);
    free(td->leaf_class);
    free(td->slot);
    free(td->value);
    free(td->value_slot);
    free(td);
}

/* FNV-1a of a distribution's k entries (each 0..255). */
static size_t row_hash(const uint8_t *row, size_t k)
{
    uint32_t h = 2166136261u;
    size_t c;

    for (c = 0; c < k; c++)
        h = (h ^ row[c]) * 16777619u;
    return h;
}

/* The hash table's slot for `row`: the one that holds an equal row of
 * dist, or the empty one where it goes. */
static uint32_t *find_slot(const mlq_tree_dev *td, const uint8_t *row)
{
    size_t i = row_hash(row, td->k) & (td->n_slots - 1);

    while (td->slot[i] != 0 && memcmp(td->dist + (td->slot[i] - 1) * td->k, row, td->k) != 0)
        i = (i + 1) & (td->n_slots - 1);
    return &td->slot[i];
}

/* Room for one more distinct row: dist and a hash table at most half full. 0 or -1. */
static int grow_dist(mlq_tree_dev *td)
{
    size_t r;

    if (td->n_dist == td->dist_cap) {
        size_t cap = td->dist_cap ? td->dist_cap * 2 : 16;
        uint8_t *nd = mlq_realloc(td->dist, cap * td->k, 1);

        if (nd == NULL)
            return -1;
        td->dist = nd;
        td->dist_cap = cap;
    }
    if (2 * (td->n_dist + 1) > td->n_slots) {
        size_t n = td->n_slots ? td->n_slots * 2 : 64;
        uint32_t *ns = mlq_calloc(n, sizeof *ns);

        if (ns == NULL)
            return -1;
        free(td->slot);
        td->slot = ns;
        td->n_slots = n;
        for (r = 0; r < td->n_dist; r++)
            *find_slot(td, td->dist + r * td->k) = (uint32_t)r + 1;
    }
    return 0;
}

/* Regression: value_frac and room for the values of dev's model (see
 * export_tree.h). 0, -1 on out of memory, -2 (err set) when a leaf value
 * does not fit an int16 at any value_frac. */
static int reg_values_init(mlq_device *dev, mlq_tree_dev *td, mlq_err *err)
{
    const tree_params *tp = dev->model->params;
    double big = 0.0;
    size_t t, i;
    int f;

    for (t = 0; t < tp->n_trees; t++)
        for (i = 0; i < tp->trees[t].n_nodes; i++)
            big = fmax(big, fabs(tp->trees[t].mean[i]));
    for (f = 16; f >= 0 && floor(ldexp(big, f) + 0.5) > 32767.0; f--)
        continue;
    if (f < 0) {
        mlq_device_refuse(dev, err, dev->model->algo->name, "a leaf value of %g standardized target "
                          "units does not fit the device's int16 leaves", big);
        return -2;
    }
    td->value_frac = (unsigned)f;
    td->value = mlq_calloc(MAX_LEAF_ID + 1, sizeof *td->value);
    td->value_slot = mlq_calloc(65536, sizeof *td->value_slot);
    return td->value != NULL && td->value_slot != NULL ? 0 : -1;
}

/* Regression: leaf id of leaf node i of tree tr, its value's entry in
 * td->value (identical values shared); an id beyond MAX_LEAF_ID is not
 * stored (leaf_link refuses it). */
static long reg_leaf_id(mlq_tree_dev *td, const tree_one *tr, size_t i)
{
    double v = ldexp(tr->mean[i], (int)td->value_frac);
    int32_t q = (int32_t)mlq_quantize(v, -32767, 32767, NULL);
    uint32_t *slot = &td->value_slot[q + 32768];

    td->value_err = fmax(td->value_err, fabs(ldexp((double)q - v, -(int)td->value_frac)));
    if (*slot != 0)
        return (long)*slot - 1;
    if (td->n_values > MAX_LEAF_ID)
        return (long)td->n_values;
    td->value[td->n_values] = (int16_t)q;
    *slot = (uint32_t)++td->n_values;
    return (long)td->n_values - 1;
}

/* Leaf id of leaf node i of tree tr (see mlq/tree.h): its class when pure,
 * else k + its row of dist, identical rows shared. -1 on out of memory. */
static long leaf_id(mlq_tree_dev *td, const tree_one *tr, size_t i)
{
    const int *v;
    uint8_t *row;
    uint32_t *slot;
    size_t c;

    if (td->regress)
        return reg_leaf_id(td, tr, i);
    v = tr->value + i * td->k;
    for (c = 0; c < td->k; c++)
        if (v[c] == MLQ_TREE_LEAF_SCALE)
            return (long)c;
    if (grow_dist(td) != 0)
        return -1;
    row = td->dist + td->n_dist * td->k; /* the candidate row, past the rows so far */
    for (c = 0; c < td->k; c++)
        row[c] = (uint8_t)v[c]; /* 0..255: params_load checked it */
    slot = find_slot(td, row);
    if (*slot != 0)
        return (long)(td->k + *slot - 1);
    *slot = (uint32_t)++td->n_dist;
    return (long)(td->k + td->n_dist - 1);
}

int mlq_tree_same_ends(const mlq_tree_dev *td)
{
    return memcmp(td->ends, td->fends, td->n_trees * sizeof *td->ends) == 0;
}

int mlq_tree_has_cls_model(const mlq_tree_dev *td)
{
    return td->leaf_class != NULL && td->n_dist > 0;
}

/* -(leaf id) of leaf node ch of tree t in *link. 0, -1 on out of memory,
 * -2 (err set) when the id is beyond the int16 links. */
static int leaf_link(mlq_device *dev, mlq_tree_dev *td, const tree_one *tr, size_t t, size_t ch,
                     int32_t *link, mlq_err *err)
{
    char field[64];
    long id = leaf_id(td, tr, ch);

    if (id < 0)
        return -1;
    if (id > MAX_LEAF_ID) {
        snprintf(field, sizeof field, "%s.trees[%zu].value", dev->model->algo->name, t);
        if (td->regress)
            mlq_device_refuse(dev, err, field, "node %zu: more than the %d distinct leaf values that "
                              "the device's int16 links name", ch, MAX_LEAF_ID + 1);
        else
            mlq_device_refuse(dev, err, field, "node %zu: leaf id %ld (%zu classes + distinct impure "
                              "leaf distributions) is more than the %d that the device's int16 links "
                              "name", ch, id, td->k, MAX_LEAF_ID);
        return -2;
    }
    *link = (int32_t)-id;
    return 0;
}

/* Link from split node i of tree t to its left or right child in *link: a
 * node offset or -(leaf id). 0, -1 on out of memory, -2 (err set) when the
 * device cannot represent it. */
static int child_link(mlq_device *dev, mlq_tree_dev *td, const tree_one *tr, const size_t *map,
                      size_t t, size_t i, int side, int32_t *link, mlq_err *err)
{
    size_t gi = map[i], ch = (size_t)(side ? tr->right[i] : tr->left[i]);
    char field[64];

    if (tr->feature[ch] < 0)
        return leaf_link(dev, td, tr, t, ch, link, err);
    if (map[ch] - gi > MAX_SKIP) {
        snprintf(field, sizeof field, "%s.trees[%zu].%s", dev->model->algo->name, t,
                 side ? "right" : "left");
        mlq_device_refuse(dev, err, field, "node %zu: its left subtree has %zu split nodes, more "
                          "than the %zu that the device's int16 links reach (limit --max-depth)",
                          i, map[ch] - gi - 1, (size_t)MAX_SKIP - 1);
        return -2;
    }
    *link = (int32_t)(map[ch] - gi);
    return 0;
}

/* A tree of more than MLQ_TREE_MAX_NODES split nodes is refused (err set): -2. */
static int tree_size_ok(mlq_device *dev, size_t t, size_t n, mlq_err *err)
{
    char field[64];

    if (n <= MLQ_TREE_MAX_NODES)
        return 0;
    snprintf(field, sizeof field, "%s.trees[%zu]", dev->model->algo->name, t);
    mlq_device_refuse(dev, err, field, "%zu split nodes, more than the %u that the device's int16 "
                      "links reach (limit --max-depth)", n, MLQ_TREE_MAX_NODES);
    return -2;
}

/* The Q15 node of split s, node i of a tree whose first node is first. */
static mlq_tree_node_q15 q15_node(const mlq_tree_split *s, size_t i, size_t first)
{
    int32_t links[2] = {s->left, s->right};
    int16_t out[2];
    int side;

    for (side = 0; side < 2; side++) /* a byte offset from the root, or ~leaf */
        out[side] = (int16_t)(links[side] > 0
                                  ? (int32_t)((i - first + (size_t)links[side]) * sizeof(mlq_tree_node_q15))
                                  : links[side] - 1); /* ~(-link) */
    return (mlq_tree_node_q15){(uint16_t)(2u * s->feature), s->threshold, out[0], out[1]};
}

/* The split nodes (and each node's float key) of every tree, and the Q15
 * nodes made of them. 0, -1 on out of memory, -2 when refused (err set). */
static int build_nodes(mlq_device *dev, mlq_tree_dev *td, size_t max_nodes, mlq_err *err)
{
    const tree_params *tp = dev->model->params;
    double steps = mlq_input_steps(dev->model);
    size_t t, i, g = 0, *map = mlq_calloc(max_nodes, sizeof *map);
    int rc = 0;

    if (map == NULL)
        return -1;
    for (t = 0; t < tp->n_trees && rc == 0; t++) {
        const tree_one *tr = &tp->trees[t];
        size_t first = g;

        for (i = 0; i < tr->n_nodes; i++)
            if (tr->feature[i] >= 0)
                map[i] = g++;
        if (g == first) { /* the root is a leaf: one node, both links on it */
            int32_t link = 0;

            rc = leaf_link(dev, td, tr, t, 0, &link, err);
            td->sp[g] = (mlq_tree_split){INT16_MAX, 0, link, link};
            td->keys[g++] = INT32_MIN;
        }
        td->ends[t] = (uint16_t)g;
        if (rc == 0)
            rc = tree_size_ok(dev, t, g - first, err);
        for (i = 0; i < tr->n_nodes && rc == 0; i++) {
            size_t f = (size_t)tr->feature[i];
            int32_t links[2], c;

            if (tr->feature[i] < 0)
                continue;
            if ((rc = child_link(dev, td, tr, map, t, i, 0, &links[0], err)) != 0 ||
                (rc = child_link(dev, td, tr, map, t, i, 1, &links[1], err)) != 0)
                break;
            /* thresholds are finite (params_load); beyond the input range they saturate */
            c = (int32_t)mlq_quantize(floor(tr->threshold[i] * steps), INT16_MIN, INT16_MAX,
                                      &dev->clipped);
            td->sp[map[i]] = (mlq_tree_split){(int16_t)c, (uint16_t)f, links[0], links[1]};
            td->keys[map[i]] = mlq_tree_float_key(dev->offset[f], dev->gain[f], c);
            dev->n_coef++;
        }
        for (i = first; i < g && rc == 0; i++)
            td->nq[i] = q15_node(&td->sp[i], i, first);
    }
    free(map);
    return rc;
}

/* leaf_class of a single tree: c for a pure leaf c, the class of each row. */
static int build_leaf_class(mlq_tree_dev *td)
{
    size_t n = td->k + td->n_dist, i, c;

    td->leaf_class = mlq_calloc(n, sizeof *td->leaf_class);
    if (td->leaf_class == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        size_t best = i;

        if (i >= td->k) {
            const uint8_t *d = td->dist + (i - td->k) * td->k;

            for (best = 0, c = 1; c < td->k; c++)
                if (d[c] > d[best])
                    best = c;
        }
        td->leaf_class[i] = (uint16_t)best;
    }
    return 0;
}

/* The classifier's model structs, checked, and what the header and `mlq
 * info` say of them. */
static int class_finish(mlq_device *dev, mlq_tree_dev *td, mlq_err *err)
{
    const mlq_model *m = dev->model;
    size_t n_trees = td->n_trees;

    if (!td->forest && build_leaf_class(td) != 0)
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    td->mq = (mlq_tree_q15){(uint16_t)m->n_features, (uint16_t)td->k, (uint16_t)n_trees,
                            (uint16_t)td->n_dist, td->nq, td->ends, td->dist, td->leaf_class};
    td->mf = (mlq_tree_f32){(uint16_t)m->n_features, (uint16_t)td->k, (uint16_t)n_trees,
                            (uint16_t)td->n_dist, (uint16_t)td->fbits, td->nf, td->fends,
                            td->dist, td->leaf_class};
    td->mf_cls = td->mf;
    td->mf_cls.dist = NULL;
    if (mlq_tree_check(&td->mq) != MLQ_OK || mlq_tree_check_f32(&td->mf) != MLQ_OK ||
        (mlq_tree_has_cls_model(td) && mlq_tree_check_f32(&td->mf_cls) != MLQ_OK))
        return mlq_device_refuse(dev, err, m->algo->name, "the device model fails mlq_tree_check");
    dev->n_outputs = td->k;
    td->array_bytes = td->n_nodes * sizeof(mlq_tree_node_q15) +
                        td->n_fnodes * sizeof(mlq_tree_node_f32) +
                        n_trees * sizeof(uint16_t) * (mlq_tree_same_ends(td) ? 1 : 2) + td->n_dist * td->k +
                        (td->leaf_class != NULL ? (td->k + td->n_dist) * sizeof(uint16_t) : 0) +
                        sizeof(mlq_tree_q15) + sizeof(mlq_tree_f32) * (mlq_tree_has_cls_model(td) ? 2 : 1);
    dev->flash_bytes += td->array_bytes;
    /* NAME_predict links the float nodes, the trees' ends, the leaf
     * classes and (but for a single tree's classes-only model) the leaf
     * distributions: neither the Q15 nodes nor the input quantization. */
    dev->predict_bytes = td->n_fnodes * sizeof(mlq_tree_node_f32) + n_trees * sizeof(uint16_t) +
                         sizeof(mlq_tree_f32) +
                         (td->leaf_class != NULL ? (td->k + td->n_dist) * sizeof(uint16_t) : 0) +
                         (!td->forest && mlq_tree_has_cls_model(td) ? 0 : td->n_dist * td->k);
    td->array_predict = dev->predict_bytes;
    dev->work_bytes = mlq_tree_work_size(&td->mq);
    dev->kern.type = "mlq_tree_q15";
    dev->kern.check = "mlq_tree_check";
    dev->kern.predict = td->forest ? "mlq_forest_predict_q15" : "mlq_tree_predict_q15";
    dev->kern.scores = "mlq_tree_scores_q15";
    dev->kern.proba = "mlq_tree_proba_q15";
    snprintf(dev->kern.work, sizeof dev->kern.work, "MLQ_TREE_WORK_BYTES(%zu)", td->k);
    snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are, "%s",
             td->forest ? "each class's leaf probability averaged over the trees (leaf class "
                          "distributions in 255ths), 0 to 1"
                        : "each class's probability in the leaf reached (its class distribution "
                          "in 255ths), 0 to 1");
    return 0;
}

/* The same for a regression model: one output, the leaf values, no scratch. */
static int reg_finish(mlq_device *dev, mlq_tree_dev *td, mlq_err *err)
{
    const mlq_model *m = dev->model;
    size_t n_trees = td->n_trees;

    td->rq = (mlq_tree_reg_q15){(uint16_t)m->n_features, (uint16_t)n_trees, (uint16_t)td->n_values,
                                (uint16_t)td->value_frac, td->nq, td->ends, td->value};
    td->rf = (mlq_tree_reg_f32){(uint16_t)m->n_features, (uint16_t)n_trees, (uint16_t)td->n_values,
                                (uint16_t)td->value_frac, (uint16_t)td->fbits, td->nf, td->fends,
                                td->value};
    if (mlq_tree_reg_check(&td->rq) != MLQ_OK || mlq_tree_reg_check_f32(&td->rf) != MLQ_OK)
        return mlq_device_refuse(dev, err, m->algo->name, "the device model fails mlq_tree_reg_check");
    dev->n_outputs = 1;
    dev->n_coef += td->n_values;
    td->array_bytes = td->n_nodes * sizeof(mlq_tree_node_q15) +
                        td->n_fnodes * sizeof(mlq_tree_node_f32) +
                        n_trees * sizeof(uint16_t) * (mlq_tree_same_ends(td) ? 1 : 2) +
                        td->n_values * sizeof(int16_t) + sizeof(mlq_tree_reg_q15) + sizeof(mlq_tree_reg_f32);
    dev->flash_bytes += td->array_bytes;
    /* NAME_predict links the float nodes, the trees' ends and the values. */
    dev->predict_bytes = td->n_fnodes * sizeof(mlq_tree_node_f32) + n_trees * sizeof(uint16_t) +
                         td->n_values * sizeof(int16_t) + sizeof(mlq_tree_reg_f32);
    td->array_predict = dev->predict_bytes;
    dev->work_bytes = 0;
    dev->kern.type = "mlq_tree_reg_q15";
    dev->kern.check = "mlq_tree_reg_check";
    dev->kern.predict = NULL;
    dev->kern.scores = "mlq_tree_reg_scores_q15";
    dev->kern.proba = NULL;
    snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are, "%s",
             td->forest ? "the prediction in standardized target units: the mean of the trees' "
                          "leaf values"
                        : "the prediction in standardized target units: the value of the leaf reached");
    return 0;
}

static const char *tree_smaller(const mlq_device *dev);

static int tree_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const tree_params *tp = m->params;
    size_t t, i, max_nodes = 0;
    mlq_tree_dev *td = mlq_calloc(1, sizeof *td);
    int rc;

    if (td == NULL)
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    td->k = tp->n_classes;
    td->n_trees = tp->n_trees;
    td->forest = tree_is_forest(m);
    td->regress = tp->n_classes == 0;
    for (t = 0; t < tp->n_trees; t++) {
        size_t split = 0;

        for (i = 0; i < tp->trees[t].n_nodes; i++)
            split += tp->trees[t].feature[i] >= 0;
        td->n_nodes += split > 0 ? split : 1;
        if (tp->trees[t].n_nodes > max_nodes)
            max_nodes = tp->trees[t].n_nodes;
    }
    td->sp = mlq_calloc(td->n_nodes, sizeof *td->sp);
    td->nq = mlq_calloc(td->n_nodes, sizeof *td->nq);
    td->nf = mlq_calloc(2 * td->n_nodes, sizeof *td->nf);
    td->keys = mlq_calloc(td->n_nodes, sizeof *td->keys);
    td->nan_tested = mlq_calloc(m->n_features, 1);
    td->ends = mlq_calloc(tp->n_trees, sizeof *td->ends);
    td->fends = mlq_calloc(tp->n_trees, sizeof *td->fends);
    dev->impl = td; /* mlq_device_free releases it from here on */
    if (td->n_nodes > UINT16_MAX)
        return mlq_device_refuse(dev, err, m->algo->name, "%zu split nodes in all, more than the "
                                 "%u that the device's uint16 tree ends count (%s)", td->n_nodes,
                                 UINT16_MAX, tree_smaller(dev));
    if (m->n_features > 32768)
        return mlq_device_refuse(dev, err, m->algo->name, "%zu features: a device tree names a "
                                 "feature by its byte offset in the input, a uint16, so at most 32768",
                                 m->n_features);
    if (td->sp == NULL || td->nq == NULL || td->nf == NULL || td->keys == NULL || td->ends == NULL ||
        td->fends == NULL || td->nan_tested == NULL)
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    if ((rc = td->regress ? reg_values_init(dev, td, err) : 0) != 0 ||
        (rc = build_nodes(dev, td, max_nodes, err)) != 0)
        return rc == -2 ? -1 : mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    if (mlq_tree_float_nodes(td, m->n_features, tp->n_trees) != 0)
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    if (td->n_fnodes > UINT16_MAX)
        return mlq_device_refuse(dev, err, m->algo->name, "%zu float nodes in all (split and "
                                 "forwarding), more than the %u that the device's uint16 tree ends "
                                 "count (%s)", td->n_fnodes, UINT16_MAX, tree_smaller(dev));
    mlq_device_note_array(dev, td->n_nodes * sizeof(mlq_tree_node_q15));
    mlq_device_note_array(dev, td->n_fnodes * sizeof(mlq_tree_node_f32));
    dev->kern.header = "mlq/tree.h";
    return td->regress ? reg_finish(dev, td, err) : class_finish(dev, td, err);
}

static mlq_status tree_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *scores)
{
    const mlq_tree_dev *td = dev->impl;

    if (td->regress)
        return mlq_tree_reg_scores_q15(&td->rq, q, td->rq.n_features, NULL, 0, scores);
    return mlq_tree_scores_q15(&td->mq, q, td->mq.n_features, dev->work, dev->work_bytes, scores);
}

/* A regression model's id is 0 (its one output), when its scores kernel succeeds. */
static mlq_status tree_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out)
{
    const mlq_tree_dev *td = dev->impl;
    int32_t score;
    mlq_status s;

    if (td->regress) {
        if ((s = tree_device_scores(dev, q, &score)) == MLQ_OK)
            *out = 0;
        return s;
    }
    return td->forest ? mlq_forest_predict_q15(&td->mq, q, td->mq.n_features, dev->work,
                                               dev->work_bytes, out)
                      : mlq_tree_predict_q15(&td->mq, q, td->mq.n_features, dev->work,
                                             dev->work_bytes, out);
}

static mlq_status tree_device_proba(const mlq_device *dev, const mlq_q15_t *q, uint16_t *proba)
{
    const mlq_tree_dev *td = dev->impl;

    return mlq_tree_proba_q15(&td->mq, q, td->mq.n_features, dev->work, dev->work_bytes, proba);
}

static void tree_device_free(mlq_device *dev)
{
    tree_device_release(dev->impl);
    dev->impl = NULL;
}

const mlq_tree_q15 *mlq_tree_device_q15(const mlq_device *dev)
{
    return &((const mlq_tree_dev *)dev->impl)->mq;
}

const mlq_tree_f32 *mlq_tree_device_f32(const mlq_device *dev)
{
    return &((const mlq_tree_dev *)dev->impl)->mf;
}

const mlq_tree_reg_q15 *mlq_tree_device_reg_q15(const mlq_device *dev)
{
    return &((const mlq_tree_dev *)dev->impl)->rq;
}

const mlq_tree_reg_f32 *mlq_tree_device_reg_f32(const mlq_device *dev)
{
    return &((const mlq_tree_dev *)dev->impl)->rf;
}

/* Split nodes visited from node i (a tree's root) to a leaf for the Q1.15 row q, as the
 * array layout's walk visits them (a root leaf's one node included). */
static size_t visited(const mlq_tree_dev *td, size_t i, const mlq_q15_t *q)
{
    size_t n = 1;
    int32_t link;

    while ((link = q[td->sp[i].feature] <= td->sp[i].threshold ? td->sp[i].left : td->sp[i].right) > 0) {
        i += (size_t)link;
        n++;
    }
    return n;
}

/* Mean depth of the leaves under node i (split nodes on their paths), unweighted;
 * *leaves their count. Recursion as deep as the tree. */
static double leaf_depth(const mlq_tree_dev *td, size_t i, size_t *leaves)
{
    const mlq_tree_split *s = &td->sp[i];
    int32_t links[2] = {s->left, s->right};
    double sum = 0.0;
    size_t side, n;

    *leaves = 0;
    for (side = 0; side < (s->left == s->right ? 1u : 2u); side++) {
        n = 1;
        sum += links[side] > 0 ? leaf_depth(td, i + (size_t)links[side], &n) * (double)n : 0.0;
        sum += (double)n; /* this node, on each leaf's path */
        *leaves += n;
    }
    return sum / (double)*leaves;
}

/*
 * The work hook (device_algo.h): w[0] the split nodes visited per
 * inference, summed over the trees and averaged over the rows (quantized as
 * the device quantizes them; rows with NaN are left out), or without rows
 * the sum of the trees' mean leaf depths; w[1] the trees.
 */
static void tree_device_work(const mlq_device *dev, const double *x, size_t rows, double w[2])
{
    const mlq_tree_dev *td = dev->impl;
    size_t p = dev->model->n_features, r, t, j, used = 0, total = 0, leaves;
    float *f = mlq_calloc(p, sizeof *f);
    mlq_q15_t *q = mlq_calloc(p, sizeof *q);

    w[0] = 0.0;
    w[1] = (double)td->n_trees;
    for (r = 0; r < rows && f != NULL && q != NULL; r++) {
        for (j = 0; j < p; j++)
            f[j] = (float)x[r * p + j];
        if (mlq_quant_f32_to_q15(&dev->quant, f, (uint16_t)p, q) != MLQ_OK)
            continue;
        for (t = 0; t < td->n_trees; t++)
            total += visited(td, t > 0 ? td->ends[t - 1] : 0, q);
        used++;
    }
    if (used > 0)
        w[0] = (double)total / (double)used;
    else
        for (t = 0; t < td->n_trees; t++)
            w[0] += leaf_depth(td, t > 0 ? td->ends[t - 1] : 0, &leaves);
    free(f);
    free(q);
}

static const char *tree_smaller(const mlq_device *dev)
{
    const mlq_tree_dev *td = dev->impl;

    return td->forest ? "fewer or shallower trees (--trees, --max-depth, --min-samples-leaf)"
                      : "a shallower tree (--max-depth, --min-samples-leaf)";
}

const mlq_device_algo mlq_device_tree = {
    .bits = "16",
    .build = tree_device_build,
    .predict = tree_device_predict,
    .scores = tree_device_scores,
    .proba = tree_device_proba,
    .free = tree_device_free,
    .export_body = mlq_tree_export_body,
    .export_float = mlq_tree_export_float,
    .info = mlq_tree_info,
    .smaller = tree_smaller,
    .work = tree_device_work,
    .own_code = mlq_tree_own_code,
};
