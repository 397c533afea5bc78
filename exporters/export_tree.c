/* SPDX-License-Identifier: MIT */
/*
 * Decision tree and forest device side. Split nodes only, each tree in
 * preorder, links relative (mlq/tree.h). The Q15 threshold of a split is
 * t = floor(threshold * 32768 / R), the code boundary the trainer placed the
 * float threshold on (see trainers/train_tree.c), so the device and the
 * host take the same branch for every training value. The float nodes carry
 * the key of the largest float the input quantizer maps to at most t, found
 * by bisection over the ordered float keys with the device quantizer itself,
 * so the float entry equals quantize-then-Q15 for every non-NaN input.
 * Forest leaves: pure leaves are their class id, impure leaf distributions
 * are stored once each (identical rows shared) after the class ids.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export_tree.h"
#include "mlq/tree.h"
#include "tree_params.h"

typedef struct tree_device {
    mlq_tree_q15 mq;
    mlq_tree_f32 mf;
    mlq_tree_node_q15 *nq; /* [n_nodes] */
    mlq_tree_node_f32 *nf; /* [n_fnodes] */
    int32_t *keys;         /* [n_nodes] float key threshold of each Q15 node */
    uint32_t *roots;       /* [n_trees] */
    uint32_t *froots;      /* [n_trees] roots in nf (forwarding nodes shift them) */
    uint8_t *dist;         /* [n_dist][k] */
    uint32_t *votes;       /* [k] host scratch of the forest kernel */
    size_t n_nodes, n_fnodes, n_dist, k;
    unsigned fbits;
    int forest;
} tree_device;

int32_t mlq_tree_key_of(float x)
{
    uint32_t b;

    memcpy(&b, &x, sizeof b);
    return (int32_t)(b >> 31 ? b ^ 0x7fffffffu : b);
}

static float float_of_key(int64_t key)
{
    uint32_t b = key < 0 ? (uint32_t)(int32_t)key ^ 0x7fffffffu : (uint32_t)key;
    float x;

    memcpy(&x, &b, sizeof x);
    return x;
}

/* Q15 code of x by the device quantizer with one feature's constants. */
static int32_t code_of(float offset, float gain, float x)
{
    mlq_quant q = {1, &offset, &gain, NULL, NULL, NULL};
    mlq_q15_t out = 0;

    mlq_quant_f32_to_q15(&q, &x, 1, &out);
    return out;
}

int32_t mlq_tree_float_key(float offset, float gain, int32_t c)
{
    int64_t lo = mlq_tree_key_of(-HUGE_VALF), hi = mlq_tree_key_of(HUGE_VALF);

    if (code_of(offset, gain, HUGE_VALF) <= c)
        return (int32_t)hi;
    /* code(lo) = -32768 <= c and code(hi) > c; the code is monotone in the key. */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        if (code_of(offset, gain, float_of_key(mid)) <= c)
            lo = mid;
        else
            hi = mid;
    }
    return (int32_t)lo;
}

static void tree_device_release(tree_device *td)
{
    if (td == NULL)
        return;
    free(td->nq);
    free(td->nf);
    free(td->keys);
    free(td->roots);
    free(td->froots);
    free(td->dist);
    free(td->votes);
    free(td);
}

/* Leaf id of leaf node i of tree tr (see mlq/tree.h); -1 on out of memory. */
static long leaf_id(tree_device *td, const tree_one *tr, size_t i, size_t *cap)
{
    const int *v = tr->value + i * td->k;
    size_t c, r;

    if (!td->forest)
        return tr->cls[i];
    for (c = 0; c < td->k; c++)
        if (v[c] == MLQ_TREE_LEAF_SCALE)
            return (long)c;
    for (r = 0; r < td->n_dist; r++) {
        for (c = 0; c < td->k && td->dist[r * td->k + c] == v[c]; c++) {
        }
        if (c == td->k)
            return (long)(td->k + r);
    }
    if (td->n_dist == *cap) {
        uint8_t *nd = mlq_realloc(td->dist, (*cap ? *cap * 2 : 16) * td->k, 1);

        if (nd == NULL)
            return -1;
        td->dist = nd;
        *cap = *cap ? *cap * 2 : 16;
    }
    for (c = 0; c < td->k; c++)
        td->dist[td->n_dist * td->k + c] = (uint8_t)v[c];
    return (long)(td->k + td->n_dist++);
}

/* Bits of a feature index in the float nodes' meta: 2^bits >= n_features. */
static unsigned feature_bits(size_t n_features)
{
    unsigned b = 0;

    while (((size_t)1 << b) < n_features)
        b++;
    return b;
}

/* The float nodes from the Q15 nodes (nq, with keys): the left child is the
 * next node or a leaf code in meta; a left leaf whose code does not fit in
 * meta goes through a forwarding node (key INT32_MIN: every non-NaN input
 * goes right) on the same feature. Right links count bytes. */
static int float_nodes(tree_device *td, size_t n_features, size_t n_trees)
{
    size_t t, i, j, *fidx = mlq_calloc(td->n_nodes + 1, sizeof *fidx);
    uint32_t lmax;

    if (fidx == NULL)
        return -1;
    td->fbits = feature_bits(n_features);
    lmax = 0xffffu >> td->fbits;
    /* positions first: node i is at fidx[i], its forwarding node (if any) after it */
    for (i = 0, j = 0; i < td->n_nodes; i++) {
        const mlq_tree_node_q15 *q = &td->nq[i];

        fidx[i] = j;
        j += (q->left <= 0 && td->keys[i] != INT32_MIN && (uint32_t)-q->left + 1u > lmax) ? 2u : 1u;
    }
    td->n_fnodes = j;
    for (t = 0; t < n_trees; t++)
        td->froots[t] = (uint32_t)fidx[td->roots[t]];
    for (i = 0; i < td->n_nodes; i++) {
        const mlq_tree_node_q15 *q = &td->nq[i];
        mlq_tree_node_f32 *o = &td->nf[fidx[i]];
        uint32_t f = q->feature;

        if (td->keys[i] == INT32_MIN) { /* a root leaf: right for every non-NaN input */
            *o = (mlq_tree_node_f32){INT32_MIN, 0, q->right};
            continue;
        }
        o->key = td->keys[i];
        o->right = q->right <= 0 ? q->right
                                 : (int16_t)((fidx[i + (size_t)q->right] - fidx[i]) *
                                             sizeof(mlq_tree_node_f32));
        if (q->left > 0) {
            o->meta = (uint16_t)f;
        } else if ((uint32_t)-q->left + 1u <= lmax) {
            o->meta = (uint16_t)(f | ((uint32_t)-q->left + 1u) << td->fbits);
        } else {
            o->meta = (uint16_t)f;
            o[1] = (mlq_tree_node_f32){INT32_MIN, (uint16_t)f, q->left};
        }
    }
    free(fidx);
    return 0;
}

static int same_roots(const tree_device *td)
{
    return memcmp(td->roots, td->froots, td->mq.n_trees * sizeof *td->roots) == 0;
}

int mlq_tree_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const tree_params *tp = m->params;
    double steps = mlq_input_steps(m);
    size_t t, i, g = 0, dist_cap = 0, *map = NULL, max_nodes = 0;
    tree_device *td = mlq_calloc(1, sizeof *td);

    if (td == NULL)
        return mlq_err_set(err, m->source, 0, "out of memory");
    td->k = tp->n_classes;
    td->forest = m->algo == &mlq_algo_forest;
    for (t = 0; t < tp->n_trees; t++) {
        size_t split = 0;

        for (i = 0; i < tp->trees[t].n_nodes; i++)
            split += tp->trees[t].feature[i] >= 0;
        td->n_nodes += split > 0 ? split : 1;
        if (tp->trees[t].n_nodes > max_nodes)
            max_nodes = tp->trees[t].n_nodes;
    }
    td->nq = mlq_calloc(td->n_nodes, sizeof *td->nq);
    td->nf = mlq_calloc(2 * td->n_nodes, sizeof *td->nf);
    td->keys = mlq_calloc(td->n_nodes, sizeof *td->keys);
    td->roots = mlq_calloc(tp->n_trees, sizeof *td->roots);
    td->froots = mlq_calloc(tp->n_trees, sizeof *td->froots);
    td->votes = mlq_calloc(td->k, sizeof *td->votes);
    map = mlq_calloc(max_nodes, sizeof *map);
    if (td->nq == NULL || td->nf == NULL || td->keys == NULL || td->roots == NULL ||
        td->froots == NULL || td->votes == NULL || map == NULL) {
        free(map);
        tree_device_release(td);
        return mlq_err_set(err, m->source, 0, "out of memory");
    }
    for (t = 0; t < tp->n_trees; t++) {
        const tree_one *tr = &tp->trees[t];
        size_t first = g;

        td->roots[t] = (uint32_t)g;
        for (i = 0; i < tr->n_nodes; i++)
            if (tr->feature[i] >= 0)
                map[i] = g++;
        if (g == first) { /* the root is a leaf: one node, both links on it */
            long id = leaf_id(td, tr, 0, &dist_cap);

            if (id < 0 || id > 32768)
                goto fail_id;
            td->nq[g] = (mlq_tree_node_q15){INT16_MAX, 0, (int16_t)-id, (int16_t)-id};
            td->keys[g] = INT32_MIN;
            g++;
            continue;
        }
        for (i = 0; i < tr->n_nodes; i++) {
            size_t gi, side, f = (size_t)tr->feature[i];
            int16_t links[2];
            int32_t c, key;

            if (tr->feature[i] < 0)
                continue;
            gi = map[i];
            for (side = 0; side < 2; side++) {
                size_t ch = (size_t)(side ? tr->right[i] : tr->left[i]);

                if (tr->feature[ch] >= 0) {
                    if ((map[ch] - gi) * 2 * sizeof(mlq_tree_node_f32) > 32767) {
                        free(map);
                        tree_device_release(td);
                        return mlq_err_set(err, m->source, 0,
                                           "tree %zu node %zu: its left subtree has more than %zu split "
                                           "nodes, too many for the device's int16 links (limit --max-depth)",
                                           t, i, 32767 / (2 * sizeof(mlq_tree_node_f32)));
                    }
                    links[side] = (int16_t)(map[ch] - gi);
                } else {
                    long id = leaf_id(td, tr, ch, &dist_cap);

                    if (id < 0 || id > 32768)
                        goto fail_id;
                    links[side] = (int16_t)-id;
                }
            }
            c = (int32_t)mlq_quantize(floor(tr->threshold[i] * steps), INT16_MIN, INT16_MAX,
                                      &dev->clipped);
            key = mlq_tree_float_key(dev->offset[f], dev->gain[f], c);
            td->nq[gi] = (mlq_tree_node_q15){(mlq_q15_t)c, (uint16_t)f, links[0], links[1]};
            td->keys[gi] = key;
            dev->n_coef++;
        }
    }
    free(map);
    if (float_nodes(td, m->n_features, tp->n_trees) != 0) {
        tree_device_release(td);
        return mlq_err_set(err, m->source, 0, "out of memory");
    }
    td->mq = (mlq_tree_q15){(uint16_t)m->n_features, (uint16_t)td->k, (uint16_t)tp->n_trees,
                            td->nq, td->roots, td->dist};
    td->mf = (mlq_tree_f32){(uint16_t)m->n_features, (uint16_t)td->k, (uint16_t)tp->n_trees,
                            (uint16_t)td->fbits, td->nf, td->froots, td->dist};
    dev->impl = td;
    dev->n_outputs = td->k;
    dev->flash_bytes += td->n_nodes * sizeof(mlq_tree_node_q15) +
                        td->n_fnodes * sizeof(mlq_tree_node_f32) +
                        tp->n_trees * sizeof(uint32_t) * (same_roots(td) ? 1 : 2) + td->n_dist * td->k +
                        sizeof(mlq_tree_q15) + sizeof(mlq_tree_f32);
    return 0;
fail_id:
    free(map);
    tree_device_release(td);
    return mlq_err_set(err, m->source, 0,
                       "more than 32768 leaf ids (classes + distinct leaf distributions): too many "
                       "for the device's int16 links");
}

mlq_status mlq_tree_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out)
{
    const tree_device *td = dev->impl;
    uint16_t cls;
    mlq_status s = td->forest ? mlq_forest_predict_q15(&td->mq, q, td->mq.n_features, td->votes,
                                                       (uint16_t)td->k, &cls)
                              : mlq_tree_predict_q15(&td->mq, q, td->mq.n_features, &cls);

    if (s == MLQ_OK)
        *out = cls;
    return s;
}

void mlq_tree_device_free(mlq_device *dev)
{
    tree_device_release(dev->impl);
    dev->impl = NULL;
}

const mlq_tree_q15 *mlq_tree_device_q15(const mlq_device *dev)
{
    return &((const tree_device *)dev->impl)->mq;
}

const mlq_tree_f32 *mlq_tree_device_f32(const mlq_device *dev)
{
    return &((const tree_device *)dev->impl)->mf;
}

int mlq_tree_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const tree_device *td = dev->impl;
    size_t i, t, n = td->n_nodes, nt = td->mq.n_trees;
    int64_t *tmp = mlq_calloc(nt > td->n_dist * td->k ? nt : td->n_dist * td->k, sizeof *tmp);
    char shape[128];

    if (tmp == NULL)
        return -1;
    fprintf(f, "#include \"mlq/tree.h\"\n\n"
               "#if MLQ_TREE_FORMAT != %d\n"
               "#error \"%s was exported for mlq tree format %d: re-export it with this mlq\"\n"
               "#endif\n\n"
               "#define %s_N_CLASSES %zu\n#define %s_N_TREES %zu\n\n",
            MLQ_TREE_FORMAT, name, MLQ_TREE_FORMAT, name, td->k, name, nt);
    fprintf(f, "/* [%zu] split nodes {threshold Q1.15 (left when x <= it), feature, left, right};\n"
               " * a link > 0 is the node that many entries on, <= 0 is leaf -link. */\n"
               "static const mlq_tree_node_q15 %s_nodes[%zu] MLQ_ALIGN4 = {\n",
            n, name, n);
    for (i = 0; i < n; i++) {
        const mlq_tree_node_q15 *q = &td->nq[i];

        fprintf(f, "%s{%d, %u, %d, %d},%s", i % 4 == 0 ? "    " : " ", q->threshold,
                (unsigned)q->feature, q->left, q->right, i % 4 == 3 || i + 1 == n ? "\n" : "");
    }
    fputs("};\n", f);
    fprintf(f, "/* [%zu] the same trees for float input: {key, meta, right}; left when key(x) <= key,\n"
               " * to the next node or, if meta >> %u is not 0, to leaf (meta >> %u) - 1; feature =\n"
               " * meta & %u; right > 0 is the node that many bytes on, <= 0 leaf -right (mlq/tree.h). */\n"
               "static const mlq_tree_node_f32 %s_fnodes[%zu] = {\n",
            td->n_fnodes, td->fbits, td->fbits, (1u << td->fbits) - 1u, name, td->n_fnodes);
    for (i = 0; i < td->n_fnodes; i++) {
        const mlq_tree_node_f32 *q = &td->nf[i];

        if (q->key == INT32_MIN)
            fprintf(f, "%s{INT32_MIN, %u, %d},%s", i % 4 == 0 ? "    " : " ", (unsigned)q->meta,
                    q->right, i % 4 == 3 || i + 1 == td->n_fnodes ? "\n" : "");
        else
            fprintf(f, "%s{%ld, %u, %d},%s", i % 4 == 0 ? "    " : " ", (long)q->key,
                    (unsigned)q->meta, q->right, i % 4 == 3 || i + 1 == td->n_fnodes ? "\n" : "");
    }
    fputs("};\n", f);
    for (t = 0; t < nt; t++)
        tmp[t] = td->roots[t];
    snprintf(shape, sizeof shape, "[%zu] root node of each tree", nt);
    mlq_emit_ints(f, "uint32_t", name, "roots", shape, tmp, nt, 12);
    if (!same_roots(td)) {
        for (t = 0; t < nt; t++)
            tmp[t] = td->froots[t];
        snprintf(shape, sizeof shape, "[%zu] root of each tree in %s_fnodes", nt, name);
        mlq_emit_ints(f, "uint32_t", name, "froots", shape, tmp, nt, 12);
    }
    if (td->n_dist > 0) {
        for (i = 0; i < td->n_dist * td->k; i++)
            tmp[i] = td->dist[i];
        snprintf(shape, sizeof shape,
                 "[%zu][%zu] impure leaf class distributions (leaf id - %zu), rows sum to %d",
                 td->n_dist, td->k, td->k, MLQ_TREE_LEAF_SCALE);
        mlq_emit_ints(f, "uint8_t", name, "dist", shape, tmp, td->n_dist * td->k, td->k < 16 ? td->k : 16);
    }
    free(tmp);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_tree_q15 %s_model = {%u, %zu, %zu, %s_nodes, %s_roots, ",
            name, (unsigned)td->mq.n_features, td->k, nt, name, name);
    if (td->n_dist > 0)
        fprintf(f, "%s_dist};\n", name);
    else
        fputs("NULL};\n", f);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_tree_f32 %s_model_f32 = {%u, %zu, %zu, %u, %s_fnodes, %s_%s, ",
            name, (unsigned)td->mq.n_features, td->k, nt, td->fbits, name, name,
            same_roots(td) ? "roots" : "froots");
    if (td->n_dist > 0)
        fprintf(f, "%s_dist};\n\n", name);
    else
        fputs("NULL};\n\n", f);
    fprintf(f, "/** Class of a Q1.15 input (see mlq/quant.h).\n"
               " *  @return class id >= 0, or a negative mlq_status. */\n"
               "static inline int %s_predict_q15(const mlq_q15_t *x)\n"
               "{\n"
               "    uint16_t cls;\n",
            name);
    if (td->forest)
        fprintf(f, "    uint32_t votes[%zu];\n"
                   "    mlq_status s = mlq_forest_predict_q15(&%s_model, x, %u, votes, %zu, &cls);\n",
                td->k, name, (unsigned)td->mq.n_features, td->k);
    else
        fprintf(f, "    mlq_status s = mlq_tree_predict_q15(&%s_model, x, %u, &cls);\n", name,
                (unsigned)td->mq.n_features);
    fputs("    return s == MLQ_OK ? (int)cls : (int)s;\n}\n", f);
    return 0;
}

void mlq_tree_export_predict(FILE *f, const mlq_device *dev, const char *name)
{
    const tree_device *td = dev->impl;

    fprintf(f, "/** Predict from float features in the training CSV's units and column order.\n"
               " *  Reads only the features on the path; integer comparisons only (mlq/tree.h).\n"
               " *  @return class id >= 0, or a negative mlq_status (NaN on the path). */\n"
               "static inline int %s_predict(const float *x)\n"
               "{\n"
               "    uint16_t cls;\n",
            name);
    if (td->forest)
        fprintf(f, "    uint32_t votes[%zu];\n"
                   "    mlq_status s = mlq_forest_predict_f32(&%s_model_f32, x, %u, votes, %zu, &cls);\n",
                td->k, name, (unsigned)td->mq.n_features, td->k);
    else
        fprintf(f, "    mlq_status s = mlq_tree_predict_f32(&%s_model_f32, x, %u, &cls);\n", name,
                (unsigned)td->mq.n_features);
    fputs("    return s == MLQ_OK ? (int)cls : (int)s;\n}\n\n", f);
}

void mlq_tree_info(FILE *f, const mlq_device *dev)
{
    const tree_device *td = dev->impl;
    const tree_params *tp = dev->model->params;
    size_t t, nodes = 0, leaves = 0, depth = 0, i;

    for (t = 0; t < tp->n_trees; t++) {
        nodes += tp->trees[t].n_nodes;
        for (i = 0; i < tp->trees[t].n_nodes; i++)
            leaves += tp->trees[t].feature[i] < 0;
        if (tp->trees[t].depth > depth)
            depth = tp->trees[t].depth;
    }
    fprintf(f, "trees             %zu\n", tp->n_trees);
    fprintf(f, "nodes             %zu (%zu splits, %zu leaves), depth %zu\n", nodes, nodes - leaves,
            leaves, depth);
    fprintf(f, "device model      %zu split nodes: %zu bytes (Q15 form), %zu bytes (float form)",
            td->n_nodes, td->n_nodes * sizeof(mlq_tree_node_q15),
            td->n_fnodes * sizeof(mlq_tree_node_f32));
    if (td->forest)
        fprintf(f, "; %zu distinct impure leaf distributions x %zu classes (uint8)", td->n_dist, td->k);
    fputc('\n', f);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    if (td->forest)
        fprintf(f, "device stack      %zu bytes of votes in NAME_predict + the kernel's frame, "
                   "no recursion (make bench measures it; about %zu bytes on Cortex-M4F)\n",
                td->k * sizeof(uint32_t), td->k * sizeof(uint32_t) + 40);
    else
        fprintf(f, "device stack      the kernel's frame only, no recursion and no input buffer "
                   "(make bench measures it; about 16 bytes on Cortex-M4F)\n");
}
