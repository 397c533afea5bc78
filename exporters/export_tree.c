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
    mlq_tree_node_f32 *nf; /* [n_nodes] */
    uint32_t *roots;       /* [n_trees] */
    uint8_t *dist;         /* [n_dist][k] */
    uint32_t *votes;       /* [k] host scratch of the forest kernel */
    size_t n_nodes, n_dist, k;
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

/* A Q15 link (nodes) as a float-form link (bytes); leaves keep their id. */
static int16_t byte_link(int16_t link)
{
    return link > 0 ? (int16_t)(link * (int)sizeof(mlq_tree_node_f32)) : link;
}

static void tree_device_release(tree_device *td)
{
    if (td == NULL)
        return;
    free(td->nq);
    free(td->nf);
    free(td->roots);
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
    td->nf = mlq_calloc(td->n_nodes, sizeof *td->nf);
    td->roots = mlq_calloc(tp->n_trees, sizeof *td->roots);
    td->votes = mlq_calloc(td->k, sizeof *td->votes);
    map = mlq_calloc(max_nodes, sizeof *map);
    if (td->nq == NULL || td->nf == NULL || td->roots == NULL || td->votes == NULL || map == NULL) {
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
            td->nf[g] = (mlq_tree_node_f32){0xffffu, 0x7fff, 0, (int16_t)-id, (int16_t)-id};
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
                    if ((map[ch] - gi) * sizeof(mlq_tree_node_f32) > 32767) {
                        free(map);
                        tree_device_release(td);
                        return mlq_err_set(err, m->source, 0,
                                           "tree %zu node %zu: its left subtree has more than %zu split "
                                           "nodes, too many for the device's int16 links (limit --max-depth)",
                                           32767 / sizeof(mlq_tree_node_f32),
                                           t, i);
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
            td->nf[gi] = (mlq_tree_node_f32){(uint16_t)((uint32_t)key & 0xffffu),
                                             (int16_t)(((int64_t)key - ((uint32_t)key & 0xffffu)) / 65536),
                                             (uint16_t)f, byte_link(links[0]), byte_link(links[1])};
            dev->n_coef++;
        }
    }
    free(map);
    td->mq = (mlq_tree_q15){(uint16_t)m->n_features, (uint16_t)td->k, (uint16_t)tp->n_trees,
                            td->nq, td->roots, td->dist};
    td->mf = (mlq_tree_f32){(uint16_t)m->n_features, (uint16_t)td->k, (uint16_t)tp->n_trees,
                            td->nf, td->roots, td->dist};
    dev->impl = td;
    dev->n_outputs = td->k;
    dev->flash_bytes += td->n_nodes * (sizeof(mlq_tree_node_q15) + sizeof(mlq_tree_node_f32)) +
                        tp->n_trees * sizeof(uint32_t) + td->n_dist * td->k +
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
    fprintf(f, "/* [%zu] the same nodes for float input: {key_lo, key_hi, feature, left, right},\n"
               " * left when key(x) <= key_hi * 65536 + key_lo (mlq/tree.h). */\n"
               "static const mlq_tree_node_f32 %s_fnodes[%zu] = {\n",
            n, name, n);
    for (i = 0; i < n; i++) {
        const mlq_tree_node_f32 *q = &td->nf[i];

        fprintf(f, "%s{%u, %d, %u, %d, %d},%s", i % 4 == 0 ? "    " : " ", (unsigned)q->key_lo,
                q->key_hi, (unsigned)q->feature, q->left, q->right,
                i % 4 == 3 || i + 1 == n ? "\n" : "");
    }
    fputs("};\n", f);
    for (t = 0; t < nt; t++)
        tmp[t] = td->roots[t];
    snprintf(shape, sizeof shape, "[%zu] root node of each tree", nt);
    mlq_emit_ints(f, "uint32_t", name, "roots", shape, tmp, nt, 12);
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
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_tree_f32 %s_model_f32 = {%u, %zu, %zu, %s_fnodes, %s_roots, ",
            name, (unsigned)td->mq.n_features, td->k, nt, name, name);
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
            td->n_nodes * sizeof(mlq_tree_node_f32));
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
