/* SPDX-License-Identifier: MIT */
/*
 * Decision trees and forests: the device kernels against an independent
 * pointer-tree reference (random trees, every error code with canaries,
 * extremes); the float entry against quantize-then-Q15 on special floats;
 * threshold placement over every training value of every bundled dataset;
 * the trainer (determinism, a separable case, bad hyperparameters, 50,000 x
 * 32 rows, digits forest speed); the model file's structure checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "export_tree.h"
#include "model.h"
#include "mlq/quant.h"
#include "mlq/tree.h"
#include "tree_params.h"
#include "test_rng.h"

/* ---- an independent reference: trees of explicit nodes --------------------- */

typedef struct ref_node {
    int leaf;          /* 1: leaf with id `id` */
    int id;
    mlq_q15_t thr;
    uint16_t feature;
    struct ref_node *kid[2];
} ref_node;

static ref_node pool[4096];
static size_t pool_used;

/* Random tree of depth <= depth over d features with leaf ids below n_ids. */
static ref_node *random_tree(int depth, uint16_t d, int n_ids)
{
    ref_node *n = &pool[pool_used++];

    memset(n, 0, sizeof *n);
    if (depth == 0 || next_u32() % 4 == 0) {
        n->leaf = 1;
        n->id = (int)(next_u32() % (uint32_t)n_ids);
        return n;
    }
    n->feature = (uint16_t)(next_u32() % d);
    /* Thresholds at the extremes too, so INT16_MIN/MAX inputs meet equality. */
    switch (next_u32() % 8) {
    case 0: n->thr = INT16_MIN; break;
    case 1: n->thr = INT16_MAX; break;
    default: n->thr = (mlq_q15_t)((int32_t)(next_u32() % 65536u) - 32768);
    }
    n->kid[0] = random_tree(depth - 1, d, n_ids);
    n->kid[1] = random_tree(depth - 1, d, n_ids);
    return n;
}

static int ref_walk(const ref_node *n, const mlq_q15_t *x)
{
    while (!n->leaf)
        n = n->kid[x[n->feature] <= n->thr ? 0 : 1];
    return n->id;
}

/* Serialize a reference tree into the device layout (preorder split nodes,
 * relative links); a root leaf becomes one node with both links on it. */
static size_t serialize(const ref_node *n, mlq_tree_node_q15 *out, size_t at)
{
    size_t me = at, next = at + 1, side;
    int16_t links[2];

    if (n->leaf) {
        out[me] = (mlq_tree_node_q15){INT16_MAX, 0, (int16_t)-n->id, (int16_t)-n->id};
        return next;
    }
    for (side = 0; side < 2; side++) {
        if (n->kid[side]->leaf) {
            links[side] = (int16_t)-n->kid[side]->id;
        } else {
            links[side] = (int16_t)(next - me);
            next = serialize(n->kid[side], out, next);
        }
    }
    out[me] = (mlq_tree_node_q15){n->thr, n->feature, links[0], links[1]};
    return next;
}

static mlq_q15_t random_input(void)
{
    switch (next_u32() % 8) {
    case 0: return INT16_MIN;
    case 1: return INT16_MAX;
    default: return (mlq_q15_t)((int32_t)(next_u32() % 65536u) - 32768);
    }
}

static void test_tree_q15_matches_reference_on_random_trees(void **state)
{
    enum { D = 9, ROUNDS = 300, ROWS = 40 };
    static mlq_tree_node_q15 nodes[4096];
    uint32_t root = 0;
    size_t r, i, j;

    (void)state;
    for (r = 0; r < ROUNDS; r++) {
        ref_node *t;
        mlq_tree_q15 m;

        pool_used = 0;
        t = random_tree((int)(r % 11), D, 5);
        serialize(t, nodes, 0);
        m = (mlq_tree_q15){D, 5, 1, nodes, &root, NULL};
        for (i = 0; i < ROWS; i++) {
            mlq_q15_t x[D];
            uint16_t cls = UINT16_MAX;

            for (j = 0; j < D; j++)
                x[j] = random_input();
            /* the threshold itself goes left, one above goes right */
            if (!t->leaf && i % 4 == 0)
                x[t->feature] = (mlq_q15_t)(t->thr + (i % 8 == 0 && t->thr < INT16_MAX));
            assert_int_equal(mlq_tree_predict_q15(&m, x, D, &cls), MLQ_OK);
            assert_int_equal(cls, ref_walk(t, x));
        }
    }
}

static void test_forest_q15_sums_leaf_distributions(void **state)
{
    enum { D = 6, K = 4, T = 7, ROUNDS = 200 };
    static mlq_tree_node_q15 nodes[T * 600];
    static const uint8_t dist[3 * K] = {100, 100, 55, 0, 0, 128, 0, 127, 85, 85, 85, 0};
    ref_node *trees[T];
    uint32_t roots[T];
    size_t r, t, i, j, at;

    (void)state;
    for (r = 0; r < ROUNDS; r++) {
        mlq_tree_q15 m;

        pool_used = 0;
        at = 0;
        for (t = 0; t < T; t++) {
            trees[t] = random_tree((int)((r + t) % 8), D, K + 3);
            roots[t] = (uint32_t)at;
            at = serialize(trees[t], nodes, at);
        }
        m = (mlq_tree_q15){D, K, T, nodes, roots, dist};
        for (i = 0; i < 20; i++) {
            mlq_q15_t x[D];
            uint32_t votes[K + 1], ref[K] = {0};
            uint16_t cls = UINT16_MAX, best = 0;

            for (j = 0; j < D; j++)
                x[j] = random_input();
            votes[K] = 0xC5C5C5C5u; /* beyond n_classes: untouched */
            for (t = 0; t < T; t++) {
                int id = ref_walk(trees[t], x);

                for (j = 0; j < K; j++)
                    ref[j] += id < K ? (j == (size_t)id ? 255u : 0u) : dist[(size_t)(id - K) * K + j];
            }
            for (j = 1; j < K; j++)
                if (ref[j] > ref[best])
                    best = (uint16_t)j;
            assert_int_equal(mlq_forest_predict_q15(&m, x, D, votes, K + 1, &cls), MLQ_OK);
            assert_int_equal(cls, best);
            assert_memory_equal(votes, ref, sizeof ref);
            assert_int_equal(votes[K], 0xC5C5C5C5u);
        }
    }
}

static void test_forest_ties_go_to_the_lowest_class(void **state)
{
    /* Two one-node trees: x[0] <= 0 -> class 2 in both; else classes 1 and 0 tie. */
    static const mlq_tree_node_q15 nodes[2] = {{0, 0, -2, -1}, {0, 0, -2, 0}};
    static const uint32_t roots[2] = {0, 1};
    const mlq_tree_q15 m = {1, 3, 2, nodes, roots, NULL};
    uint32_t votes[3];
    uint16_t cls;
    mlq_q15_t x = 1;

    (void)state;
    assert_int_equal(mlq_forest_predict_q15(&m, &x, 1, votes, 3, &cls), MLQ_OK);
    assert_int_equal(cls, 0);
    x = 0;
    assert_int_equal(mlq_forest_predict_q15(&m, &x, 1, votes, 3, &cls), MLQ_OK);
    assert_int_equal(cls, 2);
}

static void test_errors_leave_outputs_alone(void **state)
{
    static const mlq_tree_node_q15 nodes[1] = {{0, 0, -1, 0}};
    /* feature 0 (1 bit), left leaf 1 (code 2), right leaf 0 */
    static const mlq_tree_node_f32 fnodes[1] = {{0, 2 << 1, 0}};
    static const uint32_t roots[1] = {0};
    const mlq_tree_q15 m = {2, 2, 1, nodes, roots, NULL}, empty = {2, 2, 0, nodes, roots, NULL};
    const mlq_tree_q15 noclass = {2, 0, 1, nodes, roots, NULL};
    const mlq_tree_f32 mf = {2, 2, 1, 1, fnodes, roots, NULL}, emptyf = {2, 2, 0, 1, fnodes, roots, NULL};
    const mlq_tree_f32 badbits = {2, 2, 1, 17, fnodes, roots, NULL};
    const mlq_q15_t x[2] = {0, 0};
    const float xf[2] = {NAN, 0.0f};
    uint32_t votes[2] = {7, 7};
    uint16_t cls = UINT16_MAX;

    (void)state;
    assert_int_equal(mlq_tree_predict_q15(&m, x, 3, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_predict_q15(&empty, x, 2, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_predict_f32(&mf, xf, 1, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_predict_f32(&emptyf, xf, 2, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_predict_f32(&badbits, xf, 2, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_forest_predict_f32(&badbits, xf, 2, votes, 2, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_predict_f32(&mf, xf, 2, &cls), MLQ_ERR_INPUT);
    assert_int_equal(mlq_forest_predict_q15(&m, x, 1, votes, 2, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_forest_predict_q15(&m, x, 2, votes, 1, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_forest_predict_q15(&empty, x, 2, votes, 2, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_forest_predict_q15(&noclass, x, 2, votes, 2, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_forest_predict_f32(&mf, xf, 3, votes, 2, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_forest_predict_f32(&mf, xf, 2, votes, 1, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_forest_predict_f32(&emptyf, xf, 2, votes, 2, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_forest_predict_f32(&mf, xf, 2, votes, 2, &cls), MLQ_ERR_INPUT);
    assert_int_equal(cls, UINT16_MAX);
    /* NaN in a feature off the path is not read: x[1] is never visited. */
    {
        const float ok[2] = {-1.0f, NAN};

        assert_int_equal(mlq_tree_predict_f32(&mf, ok, 2, &cls), MLQ_OK);
        assert_int_equal(cls, 1);
    }
}

/* ---- trained models -------------------------------------------------------------- */

/* Fit scaling and train ALGO with the given hyperparameters (JSON). */
static int train(const mlq_algo *algo, const mlq_dataset *d, const char *hyper, unsigned long seed,
                 mlq_model *m, mlq_err *err)
{
    return mlq_model_train(m, algo, d, cJSON_Parse(hyper), seed, 0, NULL, err);
}

static const char *tree_hyper =
    "{\"criterion\": \"gini\", \"max-depth\": 10, \"min-samples-leaf\": 1, \"min-samples-split\": 2,"
    " \"class-weight\": \"none\", \"max-features\": \"all\"}";
static const char *forest_hyper =
    "{\"trees\": 10, \"criterion\": \"gini\", \"max-depth\": 10, \"min-samples-leaf\": 1,"
    " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"sqrt\"}";

static int32_t code_of(const mlq_device *dev, size_t j, float x)
{
    mlq_quant q = {1, &dev->offset[j], &dev->gain[j], NULL, NULL, NULL};
    mlq_q15_t out;

    assert_int_equal(mlq_quant_f32_to_q15(&q, &x, 1, &out), MLQ_OK);
    return out;
}

/*
 * For every split of every tree and every training value of its feature:
 * host (z <= threshold), device Q15 (code <= t) and float key
 * (key(x) <= K) take the same branch.
 */
static void check_thresholds(const mlq_model *m, const mlq_dataset *d)
{
    const tree_params *tp = m->params;
    mlq_device dev;
    mlq_err err = {{0}};
    const mlq_tree_q15 *mq;
    const mlq_tree_f32 *mf;
    size_t t, i, r, g = 0, gf = 0, checked = 0;

    assert_int_equal(mlq_device_build(m, 0, &dev, &err), 0);
    mq = mlq_tree_device_q15(&dev);
    mf = mlq_tree_device_f32(&dev);
    for (t = 0; t < tp->n_trees; t++) {
        const tree_one *tr = &tp->trees[t];

        for (i = 0; i < tr->n_nodes; i++) {
            size_t f;
            int32_t key;

            if (tr->feature[i] < 0)
                continue;
            f = (size_t)tr->feature[i];
            while (mf->nodes[gf].key == INT32_MIN) /* forwarding nodes */
                gf++;
            key = mf->nodes[gf].key;
            assert_int_equal(mq->nodes[g].feature, f);
            assert_int_equal(mf->nodes[gf].meta & ((1u << mf->feature_bits) - 1u), f);
            for (r = 0; r < d->n_rows; r++) {
                double x = d->x[r * d->n_features + f];
                int host = (x - m->mean[f]) / m->scale[f] <= tr->threshold[i];
                int q15 = code_of(&dev, f, (float)x) <= mq->nodes[g].threshold;
                int fkey = mlq_tree_key_of((float)x) <= key;

                if (host != q15 || q15 != fkey)
                    fail_msg("tree %zu node %zu row %zu: host %d, q15 %d, float key %d", t, i, r,
                             host, q15, fkey);
                checked++;
            }
            g++;
            gf++;
        }
    }
    assert_true(checked > 0);
    mlq_device_free(&dev);
}

static void test_thresholds_agree_on_every_training_value(void **state)
{
    static const char *sets[] = {"data/iris.csv", "data/wine.csv", "data/breast_cancer.csv",
                                 "data/digits.csv"};
    size_t s;

    (void)state;
    for (s = 0; s < 4; s++) {
        mlq_dataset d = {0};
        mlq_model m;
        mlq_err err = {{0}};

        assert_int_equal(mlq_csv_read(sets[s], NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
        assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), 0);
        check_thresholds(&m, &d);
        mlq_model_free(&m);
        assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 1, &m, &err), 0);
        check_thresholds(&m, &d);
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

/* Floats that probe the quantizer's edges: specials, subnormals, huge, and
 * values within a few ulps of every float key threshold. */
static float probe(const mlq_tree_f32 *mf, size_t n_nodes, size_t j)
{
    static const float special[] = {INFINITY, -INFINITY, 0.0f, -0.0f, 1e-45f, -1e-45f,
                                    3.4e38f, -3.4e38f, 1e-38f};
    uint32_t r = next_u32();

    if (r % 4 == 0)
        return special[r % 9];
    if (r % 4 == 1) {
        size_t i = next_u32() % n_nodes;

        if ((mf->nodes[i].meta & ((1u << mf->feature_bits) - 1u)) == j) {
            int32_t k = mf->nodes[i].key;
            uint32_t b;
            float x;

            k += (int32_t)(next_u32() % 5) - 2;
            b = k < 0 ? (uint32_t)k ^ 0x7fffffffu : (uint32_t)k;
            memcpy(&x, &b, sizeof x);
            if (x == x)
                return x;
        }
    }
    return (float)((double)(int32_t)next_u32() / 2147483648.0 * 40.0);
}

static void test_float_entry_equals_quantize_then_q15(void **state)
{
    static const char *sets[] = {"data/wine.csv", "data/breast_cancer.csv", "data/digits.csv"};
    size_t s, a;

    (void)state;
    for (s = 0; s < 3; s++) {
        mlq_dataset d = {0};
        mlq_err err = {{0}};

        assert_int_equal(mlq_csv_read(sets[s], NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
        for (a = 0; a < 2; a++) {
            mlq_model m;
            mlq_device dev;
            const mlq_tree_q15 *mq;
            const mlq_tree_f32 *mf;
            size_t r, j, n_nodes = 0, t;
            float x[64];
            mlq_q15_t q[64] MLQ_ALIGN4;
            uint32_t votes[10];

            assert_int_equal(train(a ? &mlq_algo_forest : &mlq_algo_tree, &d,
                                   a ? forest_hyper : tree_hyper, 3, &m, &err), 0);
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
            mq = mlq_tree_device_q15(&dev);
            mf = mlq_tree_device_f32(&dev);
            for (t = 0; t < ((tree_params *)m.params)->n_trees; t++)
                for (j = 0; j < ((tree_params *)m.params)->trees[t].n_nodes; j++)
                    n_nodes += ((tree_params *)m.params)->trees[t].feature[j] >= 0;
            for (r = 0; r < 3000; r++) {
                uint16_t c1 = UINT16_MAX, c2 = UINT16_MAX;
                mlq_status s1, s2;

                for (j = 0; j < d.n_features; j++)
                    x[j] = r % 2 ? probe(mf, n_nodes, j) : (float)d.x[(r % d.n_rows) * d.n_features + j];
                assert_int_equal(mlq_quant_f32_to_q15(&dev.quant, x, (uint16_t)d.n_features, q), MLQ_OK);
                if (a) {
                    s1 = mlq_forest_predict_f32(mf, x, (uint16_t)d.n_features, votes, 10, &c1);
                    s2 = mlq_forest_predict_q15(mq, q, (uint16_t)d.n_features, votes, 10, &c2);
                } else {
                    s1 = mlq_tree_predict_f32(mf, x, (uint16_t)d.n_features, &c1);
                    s2 = mlq_tree_predict_q15(mq, q, (uint16_t)d.n_features, &c2);
                }
                assert_int_equal(s1, MLQ_OK);
                assert_int_equal(s2, MLQ_OK);
                assert_int_equal(c1, c2);
            }
            /* NaN on the root's feature is an error, whatever else is there. */
            for (j = 0; j < d.n_features; j++)
                x[j] = 0.0f;
            x[mf->nodes[0].meta & ((1u << mf->feature_bits) - 1u)] = -NAN;
            {
                uint16_t c3 = UINT16_MAX;

                assert_int_equal(a ? mlq_forest_predict_f32(mf, x, (uint16_t)d.n_features, votes, 10, &c3)
                                   : mlq_tree_predict_f32(mf, x, (uint16_t)d.n_features, &c3),
                                 MLQ_ERR_INPUT);
                assert_int_equal(c3, UINT16_MAX);
            }
            mlq_device_free(&dev);
            mlq_model_free(&m);
        }
        mlq_dataset_free(&d);
    }
}

/* ---- the trainer ------------------------------------------------------------------- */

/* Two classes split by x0 > 0 (x1 noise): one split, every row right. */
static void test_separable_data_gives_one_split(void **state)
{
    enum { N = 200 };
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const tree_params *tp;
    char *names[2] = {"x0", "x1"}, *classes[2] = {"0", "1"};
    double z[2];
    size_t i;

    (void)state;
    d.n_rows = N;
    d.n_features = 2;
    d.path = "separable";
    d.feature_names = names;
    d.class_names = classes;
    d.n_classes = 2;
    d.x = calloc(N * 2, sizeof(double));
    d.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        d.x[2 * i] = (double)(int32_t)(next_u32() % 2001u) - 1000.0 + 0.5;
        d.x[2 * i + 1] = (double)(next_u32() % 1000u);
        d.y[i] = d.x[2 * i] > 0;
    }
    assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), 0);
    tp = m.params;
    assert_int_equal(tp->trees[0].n_nodes, 3);
    assert_int_equal(tp->trees[0].feature[0], 0);
    for (i = 0; i < N; i++) {
        mlq_model_standardize(&m, d.x + 2 * i, z);
        assert_int_equal(m.algo->predict(&m, z), d.y[i]);
    }
    mlq_model_free(&m);
    /* The entropy criterion and balanced class weights find it too. */
    assert_int_equal(train(&mlq_algo_tree, &d,
                           "{\"criterion\": \"entropy\", \"max-depth\": \"none\", \"min-samples-leaf\": 1,"
                           " \"min-samples-split\": 2, \"class-weight\": \"balanced\", \"max-features\": \"all\"}",
                           1, &m, &err), 0);
    assert_int_equal(((tree_params *)m.params)->trees[0].feature[0], 0);
    mlq_model_free(&m);
    free(d.x);
    free(d.y);
}

static char *model_text(const mlq_model *m)
{
    cJSON *o = cJSON_CreateObject();
    char *s;

    assert_int_equal(m->algo->params_save(m, o), 0);
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static void test_training_is_deterministic_and_seeded(void **state)
{
    mlq_dataset d = {0};
    mlq_model a, b, c;
    mlq_err err = {{0}};
    char *ta, *tb, *tc;

    (void)state;
    assert_int_equal(mlq_csv_read("data/wine.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 7, &a, &err), 0);
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 7, &b, &err), 0);
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 8, &c, &err), 0);
    ta = model_text(&a);
    tb = model_text(&b);
    tc = model_text(&c);
    assert_string_equal(ta, tb);
    assert_string_not_equal(ta, tc);
    free(ta);
    free(tb);
    free(tc);
    mlq_model_free(&a);
    mlq_model_free(&b);
    mlq_model_free(&c);
    mlq_dataset_free(&d);
}

/* Every leaf respects --min-samples-leaf and no path is deeper than --max-depth. */
static void test_limits_are_respected(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const tree_one *tr;
    size_t i, *count, leaves = 0;
    double *z;

    (void)state;
    assert_int_equal(mlq_csv_read("data/breast_cancer.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_tree, &d,
                           "{\"criterion\": \"gini\", \"max-depth\": 3, \"min-samples-leaf\": 9,"
                           " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"all\"}",
                           1, &m, &err), 0);
    tr = &((tree_params *)m.params)->trees[0];
    assert_true(tr->depth <= 3);
    count = calloc(tr->n_nodes, sizeof *count);
    z = calloc(d.n_features, sizeof *z);
    for (i = 0; i < d.n_rows; i++) {
        size_t n = 0;

        mlq_model_standardize(&m, d.x + i * d.n_features, z);
        while (tr->feature[n] >= 0)
            n = (size_t)(z[tr->feature[n]] <= tr->threshold[n] ? tr->left[n] : tr->right[n]);
        count[n]++;
    }
    for (i = 0; i < tr->n_nodes; i++) {
        if (tr->feature[i] < 0) {
            assert_true(count[i] >= 9);
            leaves++;
        }
    }
    assert_true(leaves >= 2);
    free(count);
    free(z);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void test_bad_hyperparameters_and_data_are_errors(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    size_t i;

    (void)state;
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_tree, &d,
                           "{\"criterion\": \"gini\", \"max-depth\": 3, \"min-samples-leaf\": 151,"
                           " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"all\"}",
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "--min-samples-leaf 151 is more than the 150 training rows"));
    mlq_model_free(&m);
    assert_int_equal(train(&mlq_algo_forest, &d,
                           "{\"trees\": 3, \"criterion\": \"gini\", \"max-depth\": 3, \"min-samples-leaf\": 1,"
                           " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": 5}",
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "--max-features 5 is more than the 4 features"));
    mlq_model_free(&m);
    for (i = 0; i < d.n_rows; i++)
        d.y[i] = 2;
    assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "every row has the same class ('2')"));
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* 50,000 rows x 32 features (generated, three classes from a few features
 * with label noise); and a 10-tree forest on digits well under a second. */
static void test_large_data_and_speed(void **state)
{
    enum { N = 50000, P = 32 };
    mlq_dataset d = {0}, g = {0};
    mlq_model m;
    mlq_err err = {{0}};
    char *names[P], *classes[3] = {"a", "b", "c"};
    char buf[P][8];
    size_t i, j, hit = 0;
    double *z = calloc(P, sizeof *z);
    clock_t t0;

    (void)state;
    for (j = 0; j < P; j++) {
        snprintf(buf[j], sizeof buf[j], "f%zu", j);
        names[j] = buf[j];
    }
    g.n_rows = N;
    g.n_features = P;
    g.path = "generated";
    g.feature_names = names;
    g.class_names = classes;
    g.n_classes = 3;
    g.x = calloc((size_t)N * P, sizeof(double));
    g.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        for (j = 0; j < P; j++)
            g.x[i * P + j] = (double)(int32_t)next_u32() / 2147483648.0;
        g.y[i] = g.x[i * P + 3] + 0.5 * g.x[i * P + 17] > 0.2 ? 2 : g.x[i * P + 9] > 0 ? 1 : 0;
        if (next_u32() % 20 == 0)
            g.y[i] = (int)(next_u32() % 3);
    }
    t0 = clock();
    assert_int_equal(train(&mlq_algo_forest, &g, forest_hyper, 1, &m, &err), 0);
    for (i = 0; i < N; i++) {
        mlq_model_standardize(&m, g.x + i * P, z);
        hit += m.algo->predict(&m, z) == g.y[i];
    }
    assert_true((double)hit / N > 0.9);
    printf("forest on %d x %d: %.2f s, training accuracy %.3f\n", N, P,
           (double)(clock() - t0) / CLOCKS_PER_SEC, (double)hit / N);
    mlq_model_free(&m);
    free(g.x);
    free(g.y);
    assert_int_equal(mlq_csv_read("data/digits.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    t0 = clock();
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 1, &m, &err), 0);
    printf("forest on digits: %.3f s\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    /* Generous bound (sanitizer builds are several times slower). */
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
    free(z);
}

/* ---- the model file ------------------------------------------------------------------- */

/* Train a small tree on iris, save it, edit one field, load: err names the node. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 0)))
#endif
static void expect_load_error(const char *key, int node, int value, const char *want)
{
    mlq_dataset d = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_tree_XXXXXX";
    int fd = mkstemp(path);
    cJSON *root, *arr;
    char *text, expect[256];
    FILE *f;
    long size;

    assert_true(fd >= 0);
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), 0);
    assert_int_equal(mlq_model_save(path, &m, &err), 0);
    assert_int_equal(mlq_model_load(path, &back, &err), 0); /* unedited: fine */
    mlq_model_free(&back);
    f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc((size_t)size + 1, 1);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    root = cJSON_Parse(text);
    free(text);
    arr = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tree"), "trees"), 0), key);
    cJSON_ReplaceItemInArray(arr, node, cJSON_CreateNumber(value));
    text = cJSON_Print(root);
    f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    free(text);
    cJSON_Delete(root);
    assert_int_equal(mlq_model_load(path, &back, &err), -1);
    /* %zu in `want` stands for the last node index of the trained tree */
    snprintf(expect, sizeof expect, want, ((tree_params *)m.params)->trees[0].n_nodes - 1);
    if (strstr(err.msg, expect) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, expect);
    remove(path);
    close(fd);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void test_bad_links_are_rejected_naming_the_node(void **state)
{
    (void)state;
    expect_load_error("left", 0, 99, "field 'tree.trees[0].left' node 0 must be an integer in [-1, %zu]");
    expect_load_error("right", 0, 0, "node 0: child links");
    expect_load_error("left", 2, 1, "node 2: child links"); /* points backwards */
    expect_load_error("feature", 0, 4, "field 'tree.trees[0].feature' node 0 must be an integer in [-1, 3]");
    expect_load_error("class", 0, 1, "node 0: a split node has class -1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_q15_matches_reference_on_random_trees),
        cmocka_unit_test(test_forest_q15_sums_leaf_distributions),
        cmocka_unit_test(test_forest_ties_go_to_the_lowest_class),
        cmocka_unit_test(test_errors_leave_outputs_alone),
        cmocka_unit_test(test_thresholds_agree_on_every_training_value),
        cmocka_unit_test(test_float_entry_equals_quantize_then_q15),
        cmocka_unit_test(test_separable_data_gives_one_split),
        cmocka_unit_test(test_training_is_deterministic_and_seeded),
        cmocka_unit_test(test_limits_are_respected),
        cmocka_unit_test(test_bad_hyperparameters_and_data_are_errors),
        cmocka_unit_test(test_large_data_and_speed),
        cmocka_unit_test(test_bad_links_are_rejected_naming_the_node),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
