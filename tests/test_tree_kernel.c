/* SPDX-License-Identifier: MIT */
/*
 * Decision tree and forest device kernels on hand-made models: predict,
 * scores and probabilities against an independent pointer-tree reference
 * (random trees and leaf distributions, 1 to 10 classes, INT16_MIN/MAX
 * inputs and thresholds), bit-exact; score ties in a large forest; every
 * error code of every entry with output canaries; every defect
 * mlq_tree_check and mlq_tree_check_f32 must reject; the float nodes'
 * one-feature (feature_bits 0) case. Trained models are in test_tree.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mlq/score.h"
#include "mlq/tree.h"
#include "test_rng.h"
#include "test_tree_util.h"

/* ---- random models ----------------------------------------------------------- */

enum { MAX_K = 10, MAX_T = 9, MAX_DIST = 12, MAX_NODES = 4096, D = 7 };

typedef struct forest {
    ref_node *trees[MAX_T];
    mlq_tree_node_q15 nodes[MAX_NODES];
    uint16_t ends[MAX_T];
    uint8_t dist[MAX_DIST * MAX_K];
    uint16_t leaf_class[MAX_K + MAX_DIST];
    mlq_tree_q15 m;
} forest;

/* Class of leaf id `id`: itself when pure, else its row's largest entry
 * (the lowest class on ties). */
static int ref_class(const uint8_t *dist, int k, int id)
{
    const uint8_t *d = dist + (id - k) * k;
    int c, best = 0;

    if (id < k)
        return id;
    for (c = 1; c < k; c++)
        if (d[c] > d[best])
            best = c;
    return best;
}

/* T random trees over k classes with n_dist random leaf distributions; a
 * single tree (T = 1) also gets its leaf classes. */
static void make_forest(forest *f, int k, int n_trees, int n_dist, int max_depth)
{
    size_t at = 0;
    int t, r, c;

    ref_reset();
    for (r = 0; r < n_dist; r++) {
        int left = MLQ_TREE_LEAF_SCALE;

        for (c = 0; c < k - 1; c++) {
            int v = (int)(next_u32() % (uint32_t)(left + 1));

            f->dist[r * k + c] = (uint8_t)(next_u32() % 4 == 0 ? 0 : v);
            left -= f->dist[r * k + c];
        }
        f->dist[r * k + k - 1] = (uint8_t)left;
        if (r == 0 && k > 2) { /* a tie between two classes: the lower one is the class */
            memset(f->dist, 0, (size_t)k);
            f->dist[1] = f->dist[2] = 100;
            f->dist[0] = 55;
        }
    }
    for (t = 0; t < n_trees; t++) {
        f->trees[t] = random_tree((t + max_depth) % (max_depth + 1), D, k + n_dist);
        at = serialize(f->trees[t], f->nodes, at, at);
        f->ends[t] = (uint16_t)at;
    }
    for (r = 0; r < k + n_dist; r++)
        f->leaf_class[r] = (uint16_t)ref_class(f->dist, k, r);
    f->m = (mlq_tree_q15){D, (uint16_t)k, (uint16_t)n_trees, (uint16_t)n_dist, f->nodes, f->ends,
                          n_dist > 0 ? f->dist : NULL, n_trees == 1 ? f->leaf_class : NULL};
}

/* votes = the reference sums of the trees' leaf distributions for x. */
static void ref_votes(const forest *f, const mlq_q15_t *x, uint32_t *votes)
{
    int k = f->m.n_classes, t, c;

    for (c = 0; c < k; c++)
        votes[c] = 0;
    for (t = 0; t < f->m.n_trees; t++) {
        int id = ref_walk(f->trees[t], x);

        for (c = 0; c < k; c++)
            votes[c] += id < k ? (c == id ? 255u : 0u) : f->dist[(id - k) * k + c];
    }
}

static int ref_argmax(const uint32_t *v, int k)
{
    int c, best = 0;

    for (c = 1; c < k; c++)
        if (v[c] > v[best])
            best = c;
    return best;
}

/* Reference scores: round(v 2^16 / d) with halves up in 64 bits, then the
 * winner kept on top as mlq/score.h says. */
static void ref_scores(const uint32_t *v, int k, int n_trees, int32_t *s)
{
    uint64_t d = 255u * (uint64_t)n_trees;
    int c, w = ref_argmax(v, k);

    for (c = 0; c < k; c++)
        s[c] = (int32_t)(((uint64_t)v[c] * 65536u + d / 2) / d);
    for (c = 0; c < k; c++) {
        if (c < w && s[c] >= s[w])
            s[c] = s[w] - 1;
        if (c > w && s[c] > s[w])
            s[c] = s[w];
    }
}

/* ---- kernels against the reference -------------------------------------------- */

static void test_tree_predict_matches_reference(void **state)
{
    static forest f;
    static const int ks[] = {1, 2, 3, 5, 10};
    size_t r, i, j;

    (void)state;
    for (r = 0; r < 400; r++) {
        int k = ks[r % 5], n_dist = (int)(r % 4) * 3;

        make_forest(&f, k, 1, n_dist, (int)(r % 11));
        assert_int_equal(mlq_tree_check(&f.m), MLQ_OK);
        for (i = 0; i < 30; i++) {
            mlq_q15_t x[D];
            uint16_t cls = UINT16_MAX;

            for (j = 0; j < D; j++)
                x[j] = random_input();
            /* the threshold itself goes left, one above goes right */
            if (!f.trees[0]->leaf && i % 4 == 0)
                x[f.trees[0]->feature] =
                    (mlq_q15_t)(f.trees[0]->thr + (i % 8 == 0 && f.trees[0]->thr < INT16_MAX));
            assert_int_equal(mlq_tree_predict_q15(&f.m, x, D, NULL, 0, &cls), MLQ_OK);
            assert_int_equal(cls, ref_class(f.dist, k, ref_walk(f.trees[0], x)));
        }
    }
}

static void test_forest_predict_scores_proba_match_reference(void **state)
{
    static forest f;
    static const int ks[] = {1, 2, 3, 4, 7, 10};
    size_t r, i, j;

    (void)state;
    for (r = 0; r < 300; r++) {
        int k = ks[r % 6], n_trees = 1 + (int)(r % MAX_T), n_dist = (int)(r % 5) * 2 + 1;

        make_forest(&f, k, n_trees, n_dist, 7);
        assert_int_equal(mlq_tree_check(&f.m), MLQ_OK);
        for (i = 0; i < 20; i++) {
            mlq_q15_t x[D];
            mlq_work_t work[MLQ_WORK_ELEMS(MLQ_TREE_WORK_BYTES(MAX_K)) + 1];
            uint32_t votes[MAX_K], *w = (uint32_t *)(void *)work;
            int32_t scores[MAX_K + 1], want[MAX_K];
            uint16_t proba[MAX_K + 1], pwant[MAX_K], cls = UINT16_MAX, sum = 0;
            size_t bytes = MLQ_TREE_WORK_BYTES(k);
            int c;

            for (j = 0; j < D; j++)
                x[j] = random_input();
            ref_votes(&f, x, votes);
            ref_scores(votes, k, n_trees, want);
            w[k] = 0xC5C5C5C5u; /* past the class sums: untouched */
            scores[k] = INT32_MIN;
            proba[k] = 0xBEEF;
            assert_int_equal(mlq_forest_predict_q15(&f.m, x, D, work, bytes, &cls), MLQ_OK);
            assert_int_equal(cls, ref_argmax(votes, k));
            assert_memory_equal(w, votes, (size_t)k * sizeof *votes);
            assert_int_equal(mlq_tree_scores_q15(&f.m, x, D, work, bytes, scores), MLQ_OK);
            assert_memory_equal(scores, want, (size_t)k * sizeof *want);
            assert_int_equal(mlq_score_argmax(scores, (uint16_t)k), cls);
            assert_int_equal(mlq_tree_proba_q15(&f.m, x, D, work, bytes, proba), MLQ_OK);
            mlq_proba_from_weights(votes, (uint16_t)k, cls, pwant);
            assert_memory_equal(proba, pwant, (size_t)k * sizeof *pwant);
            for (c = 0; c < k; c++) {
                sum = (uint16_t)(sum + proba[c]);
                assert_true(fabs(proba[c] / 32768.0 - votes[c] / (255.0 * n_trees)) <= 2.0 * k / 32768.0);
            }
            assert_int_equal(sum, 32768u);
            assert_int_equal(mlq_proba_argmax(proba, (uint16_t)k), cls);
            assert_int_equal(w[k], 0xC5C5C5C5u);
            assert_int_equal(scores[k], INT32_MIN);
            assert_int_equal(proba[k], 0xBEEF);
        }
    }
}

/* A single tree's scores are its leaf's distribution, exactly. */
static void test_tree_scores_are_the_leaf_distribution(void **state)
{
    /* x[0] <= 0: leaf 3 = row 0 {100, 100, 55} (class 1 and 2 tie: class 1); else class 2 */
    static const mlq_tree_node_q15 nodes[1] = {Q15_NODE(0, 0, Q15_LEAF(3), Q15_LEAF(2))};
    static const uint16_t ends[1] = {1};
    static const uint8_t dist[3] = {55, 100, 100};
    static const uint16_t leaf_class[4] = {0, 1, 2, 1};
    const mlq_tree_q15 m = {1, 3, 1, 1, nodes, ends, dist, leaf_class};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_TREE_WORK_BYTES(3))];
    int32_t s[3];
    uint16_t p[3], cls;
    mlq_q15_t x = 0;

    (void)state;
    assert_int_equal(mlq_tree_check(&m), MLQ_OK);
    assert_int_equal(mlq_tree_work_size(&m), 12);
    assert_int_equal(mlq_tree_predict_q15(&m, &x, 1, NULL, 0, &cls), MLQ_OK);
    assert_int_equal(cls, 1);
    assert_int_equal(mlq_tree_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    /* 55/255 -> 14135.2 -> 14135; 100/255 -> 25700.4 -> 25700 for both tied classes */
    assert_int_equal(s[0], 14135);
    assert_int_equal(s[1], 25700);
    assert_int_equal(s[2], 25700);
    assert_int_equal(mlq_tree_proba_q15(&m, &x, 1, work, sizeof work, p), MLQ_OK);
    assert_int_equal(p[0] + p[1] + p[2], 32768);
    assert_int_equal(mlq_proba_argmax(p, 3), 1);
    x = 1;
    assert_int_equal(mlq_tree_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], 0);
    assert_int_equal(s[1], 0);
    assert_int_equal(s[2], 65536);
    assert_int_equal(mlq_tree_proba_q15(&m, &x, 1, work, sizeof work, p), MLQ_OK);
    assert_int_equal(p[2], 32768);
}

/* 600 one-node trees: class sums 2 units apart (of 153000) round to one
 * score, and the scores still put the predicted class on top. */
static void test_scores_keep_the_winner_in_a_large_forest(void **state)
{
    enum { T = 600 };
    static mlq_tree_node_q15 nodes[T];
    static uint16_t ends[T];
    static const uint8_t dist[2 * 2] = {128, 127, 127, 128};
    const mlq_tree_q15 m = {1, 2, T, 2, nodes, ends, dist, NULL};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_TREE_WORK_BYTES(2))];
    int32_t s[2];
    uint16_t cls, p[2];
    mlq_q15_t x = 0;
    size_t t;

    (void)state;
    /* 299 trees end in row 0 {128, 127}, 301 in row 1 {127, 128}: sums 76499 and 76501 */
    for (t = 0; t < T; t++) {
        int16_t id = Q15_LEAF(t < 299 ? 2 : 3);

        nodes[t] = (mlq_tree_node_q15)Q15_NODE(INT16_MAX, 0, id, id);
        ends[t] = (uint16_t)(t + 1);
    }
    assert_int_equal(mlq_tree_check(&m), MLQ_OK);
    assert_int_equal(mlq_forest_predict_q15(&m, &x, 1, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 1);
    assert_int_equal(mlq_tree_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[1], 32768); /* both round to 32768: class 0 is kept one below */
    assert_int_equal(s[0], 32767);
    assert_int_equal(mlq_tree_proba_q15(&m, &x, 1, work, sizeof work, p), MLQ_OK);
    assert_int_equal(mlq_proba_argmax(p, 2), 1);
    assert_int_equal(p[0] + p[1], 32768);
    /* 300 and 300: a tie of the sums, class 0 */
    nodes[299] = (mlq_tree_node_q15)Q15_NODE(INT16_MAX, 0, Q15_LEAF(2), Q15_LEAF(2));
    assert_int_equal(mlq_forest_predict_q15(&m, &x, 1, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 0);
    assert_int_equal(mlq_tree_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], 32768);
    assert_int_equal(s[1], 32768);
    assert_int_equal(mlq_tree_proba_q15(&m, &x, 1, work, sizeof work, p), MLQ_OK);
    assert_int_equal(p[0], 16384);
    assert_int_equal(p[1], 16384);
}

static void test_forest_ties_go_to_the_lowest_class(void **state)
{
    /* Two one-node trees: x[0] <= 0 -> class 2 in both; else classes 1 and 0 tie. */
    static const mlq_tree_node_q15 nodes[2] = {Q15_NODE(0, 0, Q15_LEAF(2), Q15_LEAF(1)),
                                               Q15_NODE(0, 0, Q15_LEAF(2), Q15_LEAF(0))};
    static const uint16_t ends[2] = {1, 2};
    const mlq_tree_q15 m = {1, 3, 2, 0, nodes, ends, NULL, NULL};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_TREE_WORK_BYTES(3))];
    uint16_t cls;
    int32_t s[3];
    mlq_q15_t x = 1;

    (void)state;
    assert_int_equal(mlq_tree_check(&m), MLQ_OK);
    assert_int_equal(mlq_forest_predict_q15(&m, &x, 1, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 0);
    assert_int_equal(mlq_tree_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], 32768);
    assert_int_equal(s[1], 32768); /* tied with class 0 above it: a higher index may equal it */
    assert_int_equal(s[2], 0);
    x = 0;
    assert_int_equal(mlq_forest_predict_q15(&m, &x, 1, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 2);
}

/* ---- errors ------------------------------------------------------------------ */

/* A 2-feature, 2-class tree: x[0] <= 0 goes to leaf 2 (row 0 {200, 55}: class 0), else class 1. */
static const mlq_tree_node_q15 e_nodes[1] = {Q15_NODE(0, 0, Q15_LEAF(2), Q15_LEAF(1))};
/* feature 0 (1 bit), left leaf 2 (code 3), right leaf 1 */
static const mlq_tree_node_f32 e_fnodes[1] = {{0, 3 << 1, -1}};
static const uint16_t e_ends[1] = {1};
static const uint8_t e_dist[2] = {200, 55};
static const uint16_t e_leaf_class[3] = {0, 1, 0};

static void test_errors_leave_outputs_alone(void **state)
{
    const mlq_tree_q15 m = {2, 2, 1, 1, e_nodes, e_ends, e_dist, e_leaf_class};
    const mlq_tree_q15 forest_kind = {2, 2, 1, 1, e_nodes, e_ends, e_dist, NULL};
    const mlq_tree_q15 no_dist = {2, 2, 1, 1, e_nodes, e_ends, NULL, e_leaf_class};
    const mlq_tree_f32 mf = {2, 2, 1, 1, 1, e_fnodes, e_ends, e_dist, e_leaf_class};
    const mlq_tree_f32 forest_kind_f = {2, 2, 1, 1, 1, e_fnodes, e_ends, e_dist, NULL};
    const mlq_tree_f32 no_dist_f = {2, 2, 1, 1, 1, e_fnodes, e_ends, NULL, e_leaf_class};
    const mlq_q15_t x[2] = {0, 0};
    const float xf[2] = {NAN, 0.0f};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_TREE_WORK_BYTES(2)) + 1];
    void *misaligned = (char *)work + 1;
    size_t ok = MLQ_TREE_WORK_BYTES(2), small = ok - 1;
    int32_t s[2] = {7, 7};
    uint16_t p[2] = {7, 7}, cls = UINT16_MAX;

    (void)state;
    assert_int_equal(mlq_tree_check(&m), MLQ_OK);
    assert_int_equal(mlq_tree_check_f32(&mf), MLQ_OK);
    assert_int_equal(mlq_tree_check(&no_dist), MLQ_OK); /* a predict-only tree */
    assert_int_equal(mlq_tree_check_f32(&no_dist_f), MLQ_OK);
    /* MLQ_ERR_SIZE */
    assert_int_equal(mlq_tree_predict_q15(&m, x, 3, NULL, 0, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_forest_predict_q15(&m, x, 1, work, ok, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_scores_q15(&m, x, 1, work, ok, s), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_proba_q15(&m, x, 1, work, ok, p), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_predict_f32(&mf, xf, 1, NULL, 0, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_forest_predict_f32(&mf, xf, 3, work, ok, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_scores_f32(&mf, xf, 3, work, ok, s), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_proba_f32(&mf, xf, 3, work, ok, p), MLQ_ERR_SIZE);
    /* MLQ_ERR_BUFFER: one byte short, or not aligned as mlq_work_t */
    assert_int_equal(mlq_forest_predict_q15(&m, x, 2, work, small, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_forest_predict_q15(&m, x, 2, misaligned, ok, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_tree_scores_q15(&m, x, 2, work, small, s), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_tree_scores_q15(&m, x, 2, misaligned, ok, s), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_tree_proba_q15(&m, x, 2, work, small, p), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_tree_proba_q15(&m, x, 2, misaligned, ok, p), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_forest_predict_f32(&mf, xf, 2, work, small, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_forest_predict_f32(&mf, xf, 2, misaligned, ok, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_tree_scores_f32(&mf, xf, 2, work, small, s), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_tree_proba_f32(&mf, xf, 2, misaligned, ok, p), MLQ_ERR_BUFFER);
    /* MLQ_ERR_MODEL: a tree's predict needs leaf_class; sums need dist */
    assert_int_equal(mlq_tree_predict_q15(&forest_kind, x, 2, NULL, 0, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_predict_f32(&forest_kind_f, xf, 2, NULL, 0, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_forest_predict_q15(&no_dist, x, 2, work, ok, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_scores_q15(&no_dist, x, 2, work, ok, s), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_proba_q15(&no_dist, x, 2, work, ok, p), MLQ_ERR_MODEL);
    assert_int_equal(mlq_forest_predict_f32(&no_dist_f, xf, 2, work, ok, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_scores_f32(&no_dist_f, xf, 2, work, ok, s), MLQ_ERR_MODEL);
    assert_int_equal(mlq_tree_proba_f32(&no_dist_f, xf, 2, work, ok, p), MLQ_ERR_MODEL);
    /* MLQ_ERR_INPUT: NaN on the path */
    assert_int_equal(mlq_tree_predict_f32(&mf, xf, 2, NULL, 0, &cls), MLQ_ERR_INPUT);
    assert_int_equal(mlq_forest_predict_f32(&mf, xf, 2, work, ok, &cls), MLQ_ERR_INPUT);
    assert_int_equal(mlq_tree_scores_f32(&mf, xf, 2, work, ok, s), MLQ_ERR_INPUT);
    assert_int_equal(mlq_tree_proba_f32(&mf, xf, 2, work, ok, p), MLQ_ERR_INPUT);
    assert_int_equal(cls, UINT16_MAX);
    assert_int_equal(s[0], 7);
    assert_int_equal(s[1], 7);
    assert_int_equal(p[0], 7);
    assert_int_equal(p[1], 7);
    /* The same models answer once the call is right; a NaN off the path is not read. */
    {
        const float left[2] = {-1.0f, NAN}, right[2] = {INFINITY, NAN};

        assert_int_equal(mlq_tree_predict_q15(&no_dist, x, 2, NULL, 0, &cls), MLQ_OK);
        assert_int_equal(cls, 0);
        assert_int_equal(mlq_tree_predict_f32(&no_dist_f, left, 2, NULL, 0, &cls), MLQ_OK);
        assert_int_equal(cls, 0);
        assert_int_equal(mlq_tree_predict_f32(&mf, right, 2, NULL, 0, &cls), MLQ_OK);
        assert_int_equal(cls, 1);
        assert_int_equal(mlq_tree_scores_f32(&mf, left, 2, work, ok, s), MLQ_OK);
        assert_int_equal(s[0], 51401); /* 200/255 */
        assert_int_equal(s[1], 14135); /* 55/255 */
        assert_int_equal(mlq_tree_proba_f32(&mf, left, 2, work, ok, p), MLQ_OK);
        assert_int_equal(p[0] + p[1], 32768);
        assert_int_equal(mlq_forest_predict_f32(&mf, left, 2, work, ok, &cls), MLQ_OK);
        assert_int_equal(cls, 0);
    }
}

/* ---- validation ----------------------------------------------------------------- */

static void test_check_rejects_each_defect(void **state)
{
    /* tree 0: node 0 splits to node 1 (left) and leaf 4 (row 1); node 1 to leaves 0 and 2;
     * tree 1: one node to leaves 1 and 3 (row 0) */
    mlq_tree_node_q15 nodes[3] = {Q15_NODE(10, 1, Q15_AT(1), Q15_LEAF(4)),
                                  Q15_NODE(-5, 0, Q15_LEAF(0), Q15_LEAF(2)),
                                  Q15_NODE(0, 1, Q15_LEAF(1), Q15_LEAF(3))};
    uint16_t ends[2] = {2, 3};
    uint8_t dist[2 * 3] = {85, 85, 85, 0, 55, 200};
    uint16_t leaf_class[5] = {0, 1, 2, 0, 2};
    const mlq_tree_q15 good = {2, 3, 2, 2, nodes, ends, dist, NULL};
    mlq_tree_q15 m;
    size_t i;

    (void)state;
    assert_int_equal(mlq_tree_check(&good), MLQ_OK);
#define REJECT(field_change)                               \
    do {                                                   \
        m = good;                                          \
        field_change;                                      \
        assert_int_equal(mlq_tree_check(&m), MLQ_ERR_MODEL); \
    } while (0)
    REJECT(m.n_features = 0);
    REJECT(m.n_classes = 0);
    REJECT(m.n_trees = 0);
    REJECT(m.nodes = NULL);
    REJECT(m.ends = NULL);
    REJECT(m.dist = NULL);       /* n_dist 2 without rows nor leaf classes */
    REJECT(m.n_dist = 1);        /* leaf 4 (row 1) beyond the rows */
    REJECT(m.n_features = 1);    /* node 0 reads feature 1 */
    REJECT(m.leaf_class = leaf_class); /* leaf classes in a forest of 2 trees */
#undef REJECT
    /* ends not increasing: an empty tree */
    ends[0] = 3;
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    ends[0] = 0;
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    ends[0] = 2;
    /* a link into the next tree, to its own node, back to the root, not a whole node */
    nodes[1].left = Q15_AT(2);
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    nodes[1].left = Q15_AT(1);
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    nodes[1].left = Q15_AT(0);
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    nodes[0].left = 4;
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    nodes[0].left = Q15_AT(1);
    nodes[1].left = Q15_LEAF(0);
    /* a feature's byte offset that is odd, or past n_features */
    nodes[1].x_offset = 1;
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    nodes[1].x_offset = 4;
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    nodes[1].x_offset = 0;
    /* a leaf id beyond n_classes + n_dist */
    nodes[2].right = Q15_LEAF(5);
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    nodes[2].right = Q15_LEAF(3);
    /* a row that does not sum to 255 */
    dist[5] = 199;
    assert_int_equal(mlq_tree_check(&good), MLQ_ERR_MODEL);
    dist[5] = 200;
    assert_int_equal(mlq_tree_check(&good), MLQ_OK);
    /* leaf classes of a single tree (tree 0 alone): pure c is c, a row its largest, lowest on ties */
    m = good;
    m.n_trees = 1;
    m.leaf_class = leaf_class;
    assert_int_equal(mlq_tree_check(&m), MLQ_OK);
    for (i = 0; i < 5; i++) {
        uint16_t keep = leaf_class[i];

        leaf_class[i] = (uint16_t)((keep + 1) % 3);
        assert_int_equal(mlq_tree_check(&m), MLQ_ERR_MODEL);
        leaf_class[i] = keep;
    }
    leaf_class[3] = 1; /* row 0 ties all three classes: class 0, not 1 */
    assert_int_equal(mlq_tree_check(&m), MLQ_ERR_MODEL);
    leaf_class[3] = 0;
    /* predict-only (dist NULL): leaf classes need only be classes */
    m.dist = NULL;
    leaf_class[4] = 1;
    assert_int_equal(mlq_tree_check(&m), MLQ_OK);
    leaf_class[4] = 3;
    assert_int_equal(mlq_tree_check(&m), MLQ_ERR_MODEL);
    leaf_class[4] = 2;
}

static void test_check_f32_rejects_each_defect(void **state)
{
    /* 3 features (2 bits); node 0: left next node, right +16 bytes (node 2);
     * node 1: left leaf 0 (code 1), right leaf 1; node 2: forwarding node (last) to leaf 2 */
    mlq_tree_node_f32 nodes[3] = {{5, 2, 16}, {-7, 1 | 1 << 2, -1}, {INT32_MIN, 0, -2}};
    uint16_t ends[1] = {3};
    const mlq_tree_f32 good = {3, 3, 1, 0, 2, nodes, ends, NULL, NULL};
    mlq_tree_f32 m;

    (void)state;
    assert_int_equal(mlq_tree_check_f32(&good), MLQ_OK); /* the forwarding node's left is never taken */
    m = good;
    m.feature_bits = 17;
    assert_int_equal(mlq_tree_check_f32(&m), MLQ_ERR_MODEL);
    m = good;
    m.n_features = 2; /* node 0 reads feature 2 */
    assert_int_equal(mlq_tree_check_f32(&m), MLQ_ERR_MODEL);
    m = good;
    m.n_trees = 0;
    assert_int_equal(mlq_tree_check_f32(&m), MLQ_ERR_MODEL);
    nodes[0].right = 12; /* not a whole node */
    assert_int_equal(mlq_tree_check_f32(&good), MLQ_ERR_MODEL);
    nodes[0].right = 24; /* past the tree */
    assert_int_equal(mlq_tree_check_f32(&good), MLQ_ERR_MODEL);
    nodes[0].right = 16;
    nodes[1].meta = 1 | 4 << 2; /* left leaf 3 of 3 leaf ids */
    assert_int_equal(mlq_tree_check_f32(&good), MLQ_ERR_MODEL);
    nodes[1].meta = 1 | 1 << 2;
    nodes[1].right = -3;
    assert_int_equal(mlq_tree_check_f32(&good), MLQ_ERR_MODEL);
    nodes[1].right = -1;
    nodes[2].key = 0; /* no longer forwarding: its left (next node) is past the tree */
    assert_int_equal(mlq_tree_check_f32(&good), MLQ_ERR_MODEL);
    nodes[2].key = INT32_MIN;
    assert_int_equal(mlq_tree_check_f32(&good), MLQ_OK);
}

/* One feature: feature_bits 0, the meta is all leaf code (the mask is 0,
 * computed in 32 bits, never 0xffffu >> 16 of a 16-bit int). */
static void test_float_nodes_with_one_feature(void **state)
{
    /* x <= 0.5 (key of 0.5f = 0x3f000000): left leaf 1 (code 2), else next node:
     * x <= 2: leaf 0 (code 1), else leaf 1 */
    static const mlq_tree_node_f32 fnodes[2] = {{0x3f000000, 2, 8}, {0x40000000, 1, -1}};
    static const uint16_t ends[1] = {2};
    static const uint16_t leaf_class[2] = {0, 1};
    const mlq_tree_f32 m = {1, 2, 1, 0, 0, fnodes, ends, NULL, leaf_class};
    static const float in[] = {-INFINITY, 0.5f, 0.50000006f, 2.0f, 2.0000002f, INFINITY, -0.0f};
    static const uint16_t want[] = {1, 1, 0, 0, 1, 1, 1};
    mlq_work_t work[1];
    size_t i;

    (void)state;
    assert_int_equal(mlq_tree_check_f32(&m), MLQ_OK);
    for (i = 0; i < sizeof in / sizeof in[0]; i++) {
        uint16_t cls = UINT16_MAX;
        int32_t s[2];

        assert_int_equal(mlq_tree_predict_f32(&m, &in[i], 1, NULL, 0, &cls), MLQ_OK);
        assert_int_equal(cls, want[i]);
        assert_int_equal(mlq_tree_scores_f32(&m, &in[i], 1, work, sizeof work, s), MLQ_OK);
        assert_int_equal(s[want[i]], 65536);
        assert_int_equal(s[1 - want[i]], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_predict_matches_reference),
        cmocka_unit_test(test_forest_predict_scores_proba_match_reference),
        cmocka_unit_test(test_tree_scores_are_the_leaf_distribution),
        cmocka_unit_test(test_scores_keep_the_winner_in_a_large_forest),
        cmocka_unit_test(test_forest_ties_go_to_the_lowest_class),
        cmocka_unit_test(test_errors_leave_outputs_alone),
        cmocka_unit_test(test_check_rejects_each_defect),
        cmocka_unit_test(test_check_f32_rejects_each_defect),
        cmocka_unit_test(test_float_nodes_with_one_feature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
