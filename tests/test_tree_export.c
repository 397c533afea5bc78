/* SPDX-License-Identifier: MIT */
/*
 * Decision trees and forests from training to the device: threshold
 * placement over every training value of every bundled dataset; the float
 * entries against quantize-then-Q15 on special floats (predict, scores,
 * probabilities); host and device predictions, scores and probabilities on
 * every bundled dataset; hand-made trees on the host (the integer leaf
 * class) and the exporter's refusals. The kernels on hand-made models are
 * in test_tree_kernel.c, the trainer in test_tree.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "export_tree.h"
#include "model.h"
#include "mlq/quant.h"
#include "mlq/score.h"
#include "mlq/tree.h"
#include "tree_params.h"
#include "test_rng.h"
#include "test_tree_train.h"
#include "test_tree_util.h"

static int32_t code_of(const mlq_device *dev, size_t j, float x)
{
    mlq_quant q = {1, &dev->offset[j], &dev->gain[j]};
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
            assert_int_equal(mq->nodes[g].x_offset, 2 * f);
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

/* The four float entries against quantize-then-Q15 for one input x of a
 * model's float and Q15 forms (the float predict of a single tree also on
 * the predict-only form without dist), bit-exact, outputs and status. */
static void compare_float_entries(const mlq_device *dev, int forest, const float *x, size_t p)
{
    const mlq_tree_q15 *mq = mlq_tree_device_q15(dev);
    const mlq_tree_f32 *mf = mlq_tree_device_f32(dev);
    mlq_tree_f32 cls_only = *mf;
    mlq_q15_t q[64] MLQ_ALIGN4;
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_TREE_WORK_BYTES(10))];
    int32_t s1[10], s2[10];
    uint16_t p1[10], p2[10], c1 = UINT16_MAX, c2 = UINT16_MAX, c3 = UINT16_MAX;
    uint16_t n = (uint16_t)p;
    size_t k = mq->n_classes;

    cls_only.dist = NULL;
    assert_int_equal(mlq_quant_f32_to_q15(&dev->quant, x, n, q), MLQ_OK);
    if (forest) {
        assert_int_equal(mlq_forest_predict_f32(mf, x, n, work, sizeof work, &c1), MLQ_OK);
        assert_int_equal(mlq_forest_predict_q15(mq, q, n, work, sizeof work, &c2), MLQ_OK);
    } else {
        assert_int_equal(mlq_tree_predict_f32(mf, x, n, NULL, 0, &c1), MLQ_OK);
        assert_int_equal(mlq_tree_predict_f32(&cls_only, x, n, NULL, 0, &c3), MLQ_OK);
        assert_int_equal(mlq_tree_predict_q15(mq, q, n, NULL, 0, &c2), MLQ_OK);
        assert_int_equal(c3, c2);
    }
    assert_int_equal(c1, c2);
    assert_int_equal(mlq_tree_scores_f32(mf, x, n, work, sizeof work, s1), MLQ_OK);
    assert_int_equal(mlq_tree_scores_q15(mq, q, n, work, sizeof work, s2), MLQ_OK);
    assert_memory_equal(s1, s2, k * sizeof *s1);
    assert_int_equal(mlq_score_argmax(s1, (uint16_t)k), c2);
    assert_int_equal(mlq_tree_proba_f32(mf, x, n, work, sizeof work, p1), MLQ_OK);
    assert_int_equal(mlq_tree_proba_q15(mq, q, n, work, sizeof work, p2), MLQ_OK);
    assert_memory_equal(p1, p2, k * sizeof *p1);
}

static void test_float_entries_equal_quantize_then_q15(void **state)
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
            const mlq_tree_f32 *mf;
            size_t r, j, n_nodes;
            float x[64];
            mlq_work_t work[MLQ_WORK_ELEMS(MLQ_TREE_WORK_BYTES(10))];
            int32_t sc[10] = {7, 7};
            uint16_t pr[10] = {7, 7}, c3 = UINT16_MAX;
            uint16_t n = (uint16_t)d.n_features;

            assert_int_equal(train(a ? &mlq_algo_forest : &mlq_algo_tree, &d,
                                   a ? forest_hyper : tree_hyper, 3, &m, &err), 0);
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
            mf = mlq_tree_device_f32(&dev);
            assert_int_equal(mlq_tree_check_f32(mf), MLQ_OK);
            n_nodes = mf->ends[mf->n_trees - 1];
            for (r = 0; r < 3000; r++) {
                for (j = 0; j < d.n_features; j++)
                    x[j] = r % 2 ? probe(mf->nodes, n_nodes, mf->feature_bits, j) : (float)d.x[(r % d.n_rows) * d.n_features + j];
                compare_float_entries(&dev, (int)a, x, d.n_features);
            }
            /* NaN on the first root's feature is an error, whatever else is there. */
            for (j = 0; j < d.n_features; j++)
                x[j] = 0.0f;
            x[mf->nodes[0].meta & ((1u << mf->feature_bits) - 1u)] = -NAN;
            assert_int_equal(a ? mlq_forest_predict_f32(mf, x, n, work, sizeof work, &c3)
                               : mlq_tree_predict_f32(mf, x, n, NULL, 0, &c3),
                             MLQ_ERR_INPUT);
            assert_int_equal(mlq_tree_scores_f32(mf, x, n, work, sizeof work, sc), MLQ_ERR_INPUT);
            assert_int_equal(mlq_tree_proba_f32(mf, x, n, work, sizeof work, pr), MLQ_ERR_INPUT);
            assert_int_equal(c3, UINT16_MAX);
            assert_int_equal(sc[0], 7);
            assert_int_equal(pr[0], 7);
            mlq_device_free(&dev);
            mlq_model_free(&m);
        }
        mlq_dataset_free(&d);
    }
}

/*
 * Host and device on every row of every bundled dataset: the same class
 * (trees and forests add the same integers), the argmax of the scores is
 * the prediction on both sides, scores within one Q15.16 unit and
 * probabilities within 2 K / 32768 of the host's.
 */
static void test_host_and_device_agree_on_scores_and_proba(void **state)
{
    static const char *sets[] = {"data/iris.csv", "data/wine.csv", "data/breast_cancer.csv",
                                 "data/digits.csv"};
    size_t s, a;

    (void)state;
    for (s = 0; s < 4; s++) {
        mlq_dataset d = {0};
        mlq_err err = {{0}};

        assert_int_equal(mlq_csv_read(sets[s], NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
        for (a = 0; a < 2; a++) {
            mlq_model m;
            mlq_device dev;
            double z[64], hs[10], hp[10];
            int32_t ds[10];
            uint16_t dp[10];
            size_t r, c, k = d.n_classes;

            assert_int_equal(train(a ? &mlq_algo_forest : &mlq_algo_tree, &d,
                                   a ? forest_hyper : tree_hyper, 5, &m, &err), 0);
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
            assert_int_equal(dev.n_outputs, k);
            assert_int_equal(dev.work_bytes, MLQ_TREE_WORK_BYTES(k));
            assert_non_null(dev.kern.proba);
            for (r = 0; r < d.n_rows; r++) {
                const double *x = d.x + r * d.n_features;
                int host, device;
                size_t hbest = 0;

                mlq_model_standardize(&m, x, z);
                host = m.algo->predict(&m, z);
                assert_int_equal(mlq_device_predict(&dev, x, &device), MLQ_OK);
                assert_int_equal(device, host);
                m.algo->host_scores(&m, z, hs);
                assert_int_equal(m.algo->host_proba(&m, z, hp), 0);
                assert_int_equal(mlq_device_scores(&dev, x, ds), MLQ_OK);
                assert_int_equal(mlq_device_proba(&dev, x, dp), MLQ_OK);
                assert_int_equal(mlq_score_argmax(ds, (uint16_t)k), device);
                assert_int_equal(mlq_proba_argmax(dp, (uint16_t)k), device);
                for (c = 0; c < k; c++) {
                    if (hs[c] > hs[hbest])
                        hbest = c;
                    assert_true(fabs(hs[c] - ds[c] / 65536.0) <= 1.0 / 65536);
                    assert_true(fabs(hp[c] - dp[c] / 32768.0) <= 2.0 * (double)k / 32768);
                }
                assert_int_equal(hbest, host);
            }
            mlq_device_free(&dev);
            mlq_model_free(&m);
        }
        mlq_dataset_free(&d);
    }
}

/* ---- hand-made trees on the host ------------------------------------------------- */

/* Iris trained as a tree, its one tree replaced by n nodes (features,
 * thresholds, links, values to be filled by the caller). */
static void iris_with_tree(mlq_model *m, mlq_dataset *d, size_t n)
{
    mlq_err err = {{0}};
    tree_params *tp;
    tree_one *tr;

    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, d, &err), 0);
    assert_int_equal(train(&mlq_algo_tree, d, tree_hyper, 1, m, &err), 0);
    tp = m->params;
    tr = &tp->trees[0];
    free(tr->feature);
    free(tr->threshold);
    free(tr->left);
    free(tr->right);
    free(tr->cls);
    free(tr->value);
    tr->n_nodes = n;
    tr->depth = 0;
    tr->feature = calloc(n, sizeof *tr->feature);
    tr->threshold = calloc(n, sizeof *tr->threshold);
    tr->left = calloc(n, sizeof *tr->left);
    tr->right = calloc(n, sizeof *tr->right);
    tr->cls = calloc(n, sizeof *tr->cls);
    tr->value = calloc(n * tp->n_classes, sizeof *tr->value);
}

/* Node i of tr: a leaf with distribution {a, b, 255 - a - b}. */
static void set_leaf(tree_one *tr, size_t i, int a, int b)
{
    tr->feature[i] = -1;
    tr->left[i] = tr->right[i] = -1;
    tr->value[i * 3] = a;
    tr->value[i * 3 + 1] = b;
    tr->value[i * 3 + 2] = 255 - a - b;
    tr->cls[i] = a >= b && a >= 255 - a - b ? 0 : b >= 255 - a - b ? 1 : 2;
}

/* A leaf whose trained class is not the largest entry of its rounded
 * distribution (a tie in 255ths): host and device both predict the largest
 * entry, the lowest class on ties, so they agree on every input. */
static void test_a_tree_predicts_the_largest_entry_of_its_leaf(void **state)
{
    mlq_model m;
    mlq_dataset d = {0};
    mlq_device dev;
    mlq_err err = {{0}};
    tree_one *tr;
    double z[4] = {0, 0, 0, 0}, x[4];
    int device;
    size_t j;

    (void)state;
    iris_with_tree(&m, &d, 3);
    tr = &((tree_params *)m.params)->trees[0];
    tr->feature[0] = 2;
    tr->threshold[0] = 0.0;
    tr->left[0] = 1;
    tr->right[0] = 2;
    tr->cls[0] = -1;
    set_leaf(tr, 1, 55, 100); /* {55, 100, 100}: trained as class 2, predicts class 1 */
    tr->cls[1] = 2;
    set_leaf(tr, 2, 0, 0);    /* pure class 2 */
    for (j = 0; j < 4; j++)
        x[j] = m.mean[j];
    assert_int_equal(m.algo->predict(&m, z), 1);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(mlq_device_predict(&dev, x, &device), MLQ_OK);
    assert_int_equal(device, 1);
    x[2] = m.mean[2] + m.scale[2];
    z[2] = 1.0;
    assert_int_equal(m.algo->predict(&m, z), 2);
    assert_int_equal(mlq_device_predict(&dev, x, &device), MLQ_OK);
    assert_int_equal(device, 2);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* The i-th distinct impure distribution of 3 classes: every {a, b, 255 - a - b}
 * without an entry of 255, in order. */
static void distinct_row(size_t i, int *a, int *b)
{
    static int16_t rows[32893][2];
    static size_t n;

    if (n == 0) {
        int x, y;

        for (x = 0; x <= 255; x++)
            for (y = 0; x + y <= 255; y++)
                if (x != 255 && y != 255 && x + y != 0) {
                    rows[n][0] = (int16_t)x;
                    rows[n++][1] = (int16_t)y;
                }
    }
    assert_true(i < n);
    *a = rows[i][0];
    *b = rows[i][1];
}

/* Nodes [0, 2 splits] of tr as a chain: split i (node 2i, feature 0) has
 * leaf i on its left and split i + 1 on its right, the last split leaf
 * `splits` on its right. Leaves are pure class 0, or distinct impure
 * distributions from distinct_row(first) on when `distinct`. `base` is
 * added to every link. */
static void make_chain(tree_one *tr, size_t splits, int distinct, size_t first, int base)
{
    size_t i, node;
    int a = 255, b = 0;

    for (i = 0; i <= splits; i++) {
        node = 2 * i;
        if (distinct)
            distinct_row(first + i, &a, &b);
        if (i == splits) {
            set_leaf(tr, node, a, b);
            break;
        }
        tr->feature[node] = 0;
        tr->threshold[node] = (double)i / (double)splits;
        tr->cls[node] = -1;
        tr->left[node] = (int)node + 1 + base;
        tr->right[node] = (int)node + 2 + base;
        set_leaf(tr, node + 1, a, b);
    }
}

/* Iris trained as a forest of n_trees trees, tree t replaced by a chain of
 * leaves[t] leaves (make_chain): with `distinct`, distinct impure
 * distributions from distinct_row(first[t]) on (first NULL: one after the
 * other throughout), else pure class 0. */
static void iris_with_chains(mlq_model *m, mlq_dataset *d, size_t n_trees, const size_t *leaves,
                             int distinct, const size_t *first)
{
    mlq_err err = {{0}};
    tree_params *tp;
    char hyper[256];
    size_t t, next = 0;

    snprintf(hyper, sizeof hyper, "{\"trees\": %zu, \"criterion\": \"gini\", \"max-depth\": 2, "
             "\"min-samples-leaf\": 1, \"min-samples-split\": 2, \"class-weight\": \"none\", "
             "\"max-features\": \"sqrt\"}", n_trees);
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, d, &err), 0);
    assert_int_equal(train(&mlq_algo_forest, d, hyper, 1, m, &err), 0);
    tp = m->params;
    assert_int_equal(tp->n_trees, n_trees);
    for (t = 0; t < n_trees; t++) {
        tree_one *tr = &tp->trees[t];

        assert_int_equal(tree_one_reserve(tr, 2 * leaves[t] - 1, 3), 0);
        tr->n_nodes = 2 * leaves[t] - 1;
        make_chain(tr, leaves[t] - 1, distinct, first != NULL ? first[t] : next, 0);
        next += leaves[t];
    }
}

/* The trees' ends are uint16: more than 65535 nodes of either form in all are
 * refused, the Q15 split nodes (17 chains of 3899) and the float nodes (16
 * chains of 3999 splits, 63984, the last 12 of them on the same 4000
 * distributions, seen after 16000 others: most of their left leaves have
 * ids beyond the 16383 that a float node's meta holds with 4 features, and a
 * forwarding node each). */
static void test_too_many_nodes_in_all_are_refused(void **state)
{
    size_t c, t, leaves[17], first[17];

    (void)state;
    for (c = 0; c < 2; c++) {
        mlq_model m;
        mlq_dataset d = {0};
        mlq_device dev;
        mlq_err err = {{0}};

        for (t = 0; t < 17; t++) {
            leaves[t] = c == 0 ? 3900 : 4000;
            first[t] = t < 4 ? 4000 * t : 16400;
        }
        iris_with_chains(&m, &d, c == 0 ? 17 : 16, leaves, c == 1, first);
        assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
        if (strstr(err.msg, c == 0 ? "field 'forest': 66283 split nodes in all, more than the 65535 "
                                   : " float nodes in all (split and forwarding), more than the 65535 ")
            == NULL)
            fail_msg("message: %s", err.msg);
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

/* Leaf ids are int16 links (~id): with 3 classes, 32765 distinct impure
 * leaf distributions (ids up to 32767) export, one more is refused. The
 * leaves are spread over a forest, a tree holding at most 4096 split nodes. */
static void test_too_many_leaf_distributions_are_refused(void **state)
{
    size_t c, t, leaves[10];

    (void)state;
    for (c = 0; c < 2; c++) {
        mlq_model m;
        mlq_dataset d = {0};
        mlq_device dev;
        mlq_err err = {{0}};

        for (t = 0; t < 10; t++) /* 9 x 3277 + 3272 (+ 1) */
            leaves[t] = t < 9 ? 3277 : 3272 + c;
        iris_with_chains(&m, &d, 10, leaves, 1, NULL);
        if (c == 0) {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
            assert_int_equal(mlq_tree_device_q15(&dev)->n_dist, 32765);
            mlq_device_free(&dev);
        } else {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
            if (strstr(err.msg, "field 'forest.trees[9].value': node ") == NULL ||
                strstr(err.msg, "leaf id 32768") == NULL)
                fail_msg("message: %s", err.msg);
        }
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

/* The Q15 links are int16 byte offsets from a tree's root: a tree of 4096
 * split nodes exports, and with every input on its last leaf the device
 * walks all of them; one of 4097 is refused. */
static void test_too_large_trees_are_refused(void **state)
{
    size_t c;

    (void)state;
    for (c = 0; c < 2; c++) {
        mlq_model m;
        mlq_dataset d = {0};
        mlq_device dev;
        mlq_err err = {{0}};
        size_t splits = 4096 + c;
        double x[4] = {1e9, 0, 0, 0};
        int device;

        iris_with_tree(&m, &d, 2 * splits + 1);
        make_chain(&((tree_params *)m.params)->trees[0], splits, 0, 0, 0);
        ((tree_params *)m.params)->trees[0].value[2 * splits * 3] = 0; /* the last leaf: class 2 */
        ((tree_params *)m.params)->trees[0].value[2 * splits * 3 + 2] = 255;
        ((tree_params *)m.params)->trees[0].cls[2 * splits] = 2;
        if (c == 0) {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
            assert_int_equal(mlq_tree_device_q15(&dev)->ends[0], 4096);
            assert_int_equal(mlq_device_predict(&dev, x, &device), MLQ_OK);
            assert_int_equal(device, 2);
            x[0] = -1e9;
            assert_int_equal(mlq_device_predict(&dev, x, &device), MLQ_OK);
            assert_int_equal(device, 0);
            mlq_device_free(&dev);
        } else {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
            if (strstr(err.msg, "field 'tree.trees[0]': 4097 split nodes, more than the 4096 ") == NULL)
                fail_msg("message: %s", err.msg);
        }
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

/* A right link jumps over the left subtree in int16 bytes of float nodes
 * (up to two per split): 2046 split nodes on the left export, 2047 are refused. */
static void test_too_large_left_subtrees_are_refused(void **state)
{
    size_t c, j;

    (void)state;
    for (c = 0; c < 2; c++) {
        mlq_model m;
        mlq_dataset d = {0};
        mlq_device dev;
        mlq_err err = {{0}};
        tree_one *tr, sub = {0};
        size_t left = 2046 + c, r = 2 * left + 2, n = r + 3; /* root, left chain, right split */
        double x[4], z[4];
        int host, device;

        iris_with_tree(&m, &d, n);
        tr = &((tree_params *)m.params)->trees[0];
        tr->feature[0] = 1;
        tr->threshold[0] = 0.0;
        tr->cls[0] = -1;
        tr->left[0] = 1;
        tr->right[0] = (int)r;
        tr->feature[r] = 2;
        tr->threshold[r] = 0.0;
        tr->cls[r] = -1;
        tr->left[r] = (int)r + 1;
        tr->right[r] = (int)r + 2;
        set_leaf(tr, r + 1, 0, 255);
        set_leaf(tr, r + 2, 0, 0);
        sub.feature = tr->feature + 1; /* the chain at nodes 1 .. n - 2 */
        sub.threshold = tr->threshold + 1;
        sub.left = tr->left + 1;
        sub.right = tr->right + 1;
        sub.cls = tr->cls + 1;
        sub.value = tr->value + 3;
        make_chain(&sub, left, 0, 0, 1);
        if (c == 1) {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
            if (strstr(err.msg, "field 'tree.trees[0].right': node 0: its left subtree has 2047 "
                                "split nodes, more than the 2046") == NULL)
                fail_msg("message: %s", err.msg);
        } else {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
            for (j = 0; j < 4; j++)
                x[j] = m.mean[j] + m.scale[j];
            mlq_model_standardize(&m, x, z);
            host = m.algo->predict(&m, z);
            assert_int_equal(host, 2);
            assert_int_equal(mlq_device_predict(&dev, x, &device), MLQ_OK);
            assert_int_equal(device, host);
            mlq_device_free(&dev);
        }
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

/* A device tree names a feature by its byte offset in the input, a uint16:
 * a model of 32769 features is refused (a tree trained on 4 rows of them). */
static void test_too_many_features_are_refused(void **state)
{
    enum { P = 32769, N = 4 };
    static char *names[P], *classes[2] = {"a", "b"};
    static char buf[P][8];
    static double x[N * P];
    static int y[N] = {0, 1, 0, 1};
    static long line[N] = {2, 3, 4, 5};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    size_t j;

    (void)state;
    for (j = 0; j < P; j++) {
        snprintf(buf[j], sizeof buf[j], "f%zu", j);
        names[j] = buf[j];
        x[j] = 0.0; /* row 0 */
        x[P + j] = 1.0;
        x[2 * P + j] = (double)(j % 3);
        x[3 * P + j] = 2.0;
    }
    d = (mlq_dataset){N, P, x, names, y, 2, classes, "label", "wide", line, NULL};
    assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), 0);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
    assert_string_equal(err.msg, "wide: field 'tree': 32769 features: a device tree names a feature by "
                                 "its byte offset in the input, a uint16, so at most 32768");
    mlq_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds_agree_on_every_training_value),
        cmocka_unit_test(test_float_entries_equal_quantize_then_q15),
        cmocka_unit_test(test_host_and_device_agree_on_scores_and_proba),
        cmocka_unit_test(test_a_tree_predicts_the_largest_entry_of_its_leaf),
        cmocka_unit_test(test_too_many_leaf_distributions_are_refused),
        cmocka_unit_test(test_too_large_trees_are_refused),
        cmocka_unit_test(test_too_many_nodes_in_all_are_refused),
        cmocka_unit_test(test_too_many_features_are_refused),
        cmocka_unit_test(test_too_large_left_subtrees_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
