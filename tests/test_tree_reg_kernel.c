/* SPDX-License-Identifier: MIT */
/*
 * Regression tree and forest kernels on hand-made models: the score
 * against an independent reference (random trees of the shared pointer
 * reference, random int16 leaf values, every value_frac), bit-exact; the
 * rounding of the mean on hand-picked sums; the extremes (65535 trees of
 * the largest values: no overflow, no saturation needed); every error code
 * with output canaries; every defect mlq_tree_reg_check and
 * mlq_tree_reg_check_f32 must reject. Trained models are in test_tree_reg.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlq/tree.h"
#include "test_rng.h"
#include "test_tree_util.h"

/* The reference score: round(sum x 2^(16 - frac) / n) with halves away from
 * zero, in 64-bit integers. */
static int32_t ref_score(int64_t sum, int64_t n, unsigned frac)
{
    int64_t mag = (sum < 0 ? -sum : sum) * ((int64_t)1 << (16 - frac));
    int64_t q = (2 * mag + n) / (2 * n);

    return (int32_t)(sum < 0 ? -q : q);
}

enum { MAX_T = 9, MAX_NODES = 4096, MAX_V = 40, D = 5 };

typedef struct reg_forest {
    ref_node *trees[MAX_T];
    mlq_tree_node_q15 nodes[MAX_NODES];
    uint16_t ends[MAX_T];
    int16_t value[MAX_V];
    mlq_tree_reg_q15 m;
} reg_forest;

/* T random trees over n_values random leaf values (the extremes among them). */
static void make_reg_forest(reg_forest *f, int n_trees, int n_values, unsigned frac)
{
    size_t at = 0;
    int t, v;

    ref_reset();
    for (v = 0; v < n_values; v++) {
        switch (next_u32() % 6) {
        case 0: f->value[v] = 32767; break;
        case 1: f->value[v] = -32767; break;
        default: f->value[v] = (int16_t)((int32_t)(next_u32() % 65535u) - 32767);
        }
    }
    for (t = 0; t < n_trees; t++) {
        f->trees[t] = random_tree(t % 7, D, n_values);
        assert_non_null(f->trees[t]);
        at = serialize(f->trees[t], f->nodes, at, at);
        f->ends[t] = (uint16_t)at;
    }
    f->m = (mlq_tree_reg_q15){D, (uint16_t)n_trees, (uint16_t)n_values, (uint16_t)frac, f->nodes,
                              f->ends, f->value};
}

static void test_scores_match_reference(void **state)
{
    static reg_forest f;
    int round;

    (void)state;
    for (round = 0; round < 300; round++) {
        int n_trees = 1 + round % MAX_T, n_values = 1 + (int)(next_u32() % MAX_V), t, r;
        unsigned frac = (unsigned)round % 17;

        make_reg_forest(&f, n_trees, n_values, frac);
        assert_int_equal(mlq_tree_reg_check(&f.m), MLQ_OK);
        for (r = 0; r < 40; r++) {
            mlq_q15_t x[D];
            int32_t score = 0x5a5a5a5a;
            int64_t sum = 0;
            int j;

            for (j = 0; j < D; j++)
                x[j] = random_input();
            for (t = 0; t < n_trees; t++)
                sum += f.value[ref_walk(f.trees[t], x)];
            assert_int_equal(mlq_tree_reg_scores_q15(&f.m, x, D, NULL, 0, &score), MLQ_OK);
            assert_int_equal(score, ref_score(sum, n_trees, frac));
        }
    }
}

/* A forest of n root leaves whose leaf ids are ids[t]. */
static void root_leaves(mlq_tree_node_q15 *nodes, uint16_t *ends, const int *ids, size_t n)
{
    size_t t;

    for (t = 0; t < n; t++) {
        nodes[t] = (mlq_tree_node_q15)Q15_NODE(INT16_MAX, 0, Q15_LEAF(ids[t]), Q15_LEAF(ids[t]));
        ends[t] = (uint16_t)(t + 1u);
    }
}

/* The mean is rounded once, halves away from zero, at every value_frac. */
static void test_the_mean_rounds_halves_away_from_zero(void **state)
{
    static const struct {
        int ids[4];
        uint16_t n_trees, frac;
        int32_t want;
    } cases[] = {
        {{0, 1}, 2, 16, 1},           /* (1 + 0) / 2 = 0.5 -> 1 */
        {{0, 2}, 2, 16, 0},           /* (1 - 1) / 2 = 0 */
        {{2, 3}, 2, 16, -1},          /* (-1 + 0) / 2 = -0.5 -> -1 */
        {{0, 0, 1}, 3, 16, 1},        /* 2 / 3 = 0.67 -> 1 */
        {{0, 1, 1}, 3, 16, 0},        /* 1 / 3 = 0.33 -> 0 */
        {{0, 1, 1, 1}, 4, 15, 1},     /* 1 x 2 / 4 = 0.5 -> 1 */
        {{2, 3, 3, 3}, 4, 15, -1},    /* -0.5 -> -1 */
        {{0, 1, 1}, 3, 0, 21845},     /* 65536 / 3 = 21845.33 */
        {{0, 0, 1}, 3, 0, 43691},     /* 131072 / 3 = 43690.67 */
        {{0}, 1, 3, 8192},            /* one tree: 1 x 2^13 */
        {{2}, 1, 0, -65536},
    };
    static const int16_t value[4] = {1, 0, -1, 0};
    mlq_tree_node_q15 nodes[4];
    uint16_t ends[4];
    mlq_q15_t x[1] = {0};
    size_t c;

    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mlq_tree_reg_q15 m = {1, cases[c].n_trees, 4, cases[c].frac, nodes, ends, value};
        int32_t score = 0;

        root_leaves(nodes, ends, cases[c].ids, cases[c].n_trees);
        assert_int_equal(mlq_tree_reg_check(&m), MLQ_OK);
        assert_int_equal(mlq_tree_reg_scores_q15(&m, x, 1, NULL, 0, &score), MLQ_OK);
        if (score != cases[c].want)
            fail_msg("case %zu: score %ld, want %ld", c, (long)score, (long)cases[c].want);
    }
}

/* 65535 trees at the largest values: the sum (32767 x 65535) and the score
 * (32767 x 2^16) stay in int32_t, exact, on both signs and at every frac;
 * a float input of any size (infinities, 3.4e38) takes a path and gives a
 * leaf value: nothing to saturate. */
static void test_extremes_never_overflow(void **state)
{
    enum { T = 65535 };
    static const int16_t value[3] = {32767, -32767, 0};
    mlq_tree_node_q15 *nodes = calloc(T, sizeof *nodes);
    mlq_tree_node_f32 *fnodes = calloc(T, sizeof *fnodes);
    uint16_t *ends = calloc(T, sizeof *ends);
    int *ids = calloc(T, sizeof *ids);
    static const float big[] = {INFINITY, -INFINITY, 3.4e38f, -3.4e38f, 0.0f};
    size_t t, s, b;

    (void)state;
    for (s = 0; s < 3; s++) {
        for (t = 0; t < T; t++)
            ids[t] = s < 2 ? (int)s : (int)(t % 2); /* all max, all min, alternating */
        root_leaves(nodes, ends, ids, T);
        for (t = 0; t < T; t++)
            fnodes[t] = (mlq_tree_node_f32){INT32_MIN, 0, (int16_t)-ids[t]};
        for (b = 0; b <= 16; b += 8) {
            mlq_tree_reg_q15 m = {1, T, 3, (uint16_t)b, nodes, ends, value};
            mlq_tree_reg_f32 mf = {1, T, 3, (uint16_t)b, 0, fnodes, ends, value};
            int32_t score = 0, fscore = 0;
            mlq_q15_t x[1] = {INT16_MIN};
            int64_t sum = s == 0 ? 32767LL * T : s == 1 ? -32767LL * T : 32767LL;
            size_t k;

            assert_int_equal(mlq_tree_reg_check(&m), MLQ_OK);
            assert_int_equal(mlq_tree_reg_check_f32(&mf), MLQ_OK);
            assert_int_equal(mlq_tree_reg_scores_q15(&m, x, 1, NULL, 0, &score), MLQ_OK);
            assert_int_equal(score, ref_score(sum, T, (unsigned)b));
            for (k = 0; k < sizeof big / sizeof big[0]; k++) {
                assert_int_equal(mlq_tree_reg_scores_f32(&mf, &big[k], 1, NULL, 0, &fscore), MLQ_OK);
                assert_int_equal(fscore, score);
            }
        }
    }
    /* the extremes themselves: 32767 x 2^16 and its negative */
    ids[0] = 0;
    root_leaves(nodes, ends, ids, 1);
    {
        mlq_tree_reg_q15 m = {1, 1, 3, 0, nodes, ends, value};
        mlq_q15_t x[1] = {INT16_MAX};
        int32_t score = 0;

        assert_int_equal(mlq_tree_reg_scores_q15(&m, x, 1, NULL, 0, &score), MLQ_OK);
        assert_int_equal(score, INT32_C(32767) * 65536);
        ids[0] = 1;
        root_leaves(nodes, ends, ids, 1);
        assert_int_equal(mlq_tree_reg_scores_q15(&m, x, 1, NULL, 0, &score), MLQ_OK);
        assert_int_equal(score, -INT32_C(32767) * 65536);
    }
    free(nodes);
    free(fnodes);
    free(ends);
    free(ids);
}

/* One split on feature 1 (left leaf 0, right leaf 1), in both node forms. */
static const mlq_tree_node_q15 one_q15[1] = {Q15_NODE(100, 1, Q15_LEAF(0), Q15_LEAF(1))};
static const uint16_t one_end[1] = {1};
static const int16_t one_value[2] = {-300, 500};

static void test_errors_leave_outputs_alone(void **state)
{
    /* float node: key of 1.0f, feature 1, left leaf 0 (code 1), right leaf 1 */
    mlq_tree_node_f32 fn[1] = {{0x3f800000, (uint16_t)(1u | 1u << 1), -1}};
    mlq_tree_reg_q15 m = {2, 1, 2, 4, one_q15, one_end, one_value};
    mlq_tree_reg_f32 mf = {2, 1, 2, 4, 1, fn, one_end, one_value};
    mlq_q15_t x[2] = {0, 100};
    float xf[2] = {NAN, 1.0f};
    int32_t score = 7;

    (void)state;
    assert_int_equal(mlq_tree_reg_check(&m), MLQ_OK);
    assert_int_equal(mlq_tree_reg_check_f32(&mf), MLQ_OK);
    assert_int_equal(mlq_tree_reg_scores_q15(&m, x, 3, NULL, 0, &score), MLQ_ERR_SIZE);
    assert_int_equal(mlq_tree_reg_scores_f32(&mf, xf, 1, NULL, 0, &score), MLQ_ERR_SIZE);
    assert_int_equal(score, 7);
    /* NaN on the path: an error; off the path (feature 0): never read */
    xf[0] = 2.0f;
    xf[1] = NAN;
    assert_int_equal(mlq_tree_reg_scores_f32(&mf, xf, 2, NULL, 0, &score), MLQ_ERR_INPUT);
    assert_int_equal(score, 7);
    xf[0] = NAN;
    xf[1] = 1.0f;
    assert_int_equal(mlq_tree_reg_scores_f32(&mf, xf, 2, NULL, 0, &score), MLQ_OK);
    assert_int_equal(score, -300 * 4096);
    xf[1] = 1.0000001f;
    assert_int_equal(mlq_tree_reg_scores_f32(&mf, xf, 2, NULL, 0, &score), MLQ_OK);
    assert_int_equal(score, 500 * 4096);
    assert_int_equal(mlq_tree_reg_scores_q15(&m, x, 2, NULL, 0, &score), MLQ_OK);
    assert_int_equal(score, -300 * 4096);
    x[1] = 101;
    assert_int_equal(mlq_tree_reg_scores_q15(&m, x, 2, NULL, 0, &score), MLQ_OK);
    assert_int_equal(score, 500 * 4096);
}

static void test_check_rejects_each_defect(void **state)
{
    static const mlq_tree_node_q15 two[3] = {Q15_NODE(0, 0, Q15_AT(1), Q15_LEAF(1)),
                                             Q15_NODE(5, 1, Q15_LEAF(0), Q15_LEAF(1)),
                                             Q15_NODE(0, 0, Q15_LEAF(0), Q15_LEAF(0))};
    static const uint16_t ends2[2] = {2, 3}, flat[2] = {2, 2};
    static const int16_t bad_value[2] = {0, INT16_MIN};
    const mlq_tree_reg_q15 good = {2, 2, 2, 16, two, ends2, one_value};
    mlq_tree_node_q15 nodes[3];
    mlq_tree_reg_q15 m;
    size_t c;

    (void)state;
    assert_int_equal(mlq_tree_reg_check(&good), MLQ_OK);
    for (c = 0; c < 14; c++) {
        m = good;
        memcpy(nodes, two, sizeof nodes);
        m.nodes = nodes;
        switch (c) {
        case 0: m.n_features = 0; break;
        case 1: m.n_trees = 0; break;
        case 2: m.n_values = 0; break;
        case 3: m.nodes = NULL; break;
        case 4: m.ends = NULL; break;
        case 5: m.value = NULL; break;
        case 6: m.value_frac = 17; break;
        case 7: m.ends = flat; break;           /* the second tree has no node */
        case 8: nodes[1].x_offset = 4; break;   /* feature 2: not below n_features */
        case 9: nodes[1].left = Q15_AT(2); break; /* leaves its tree */
        case 10: nodes[2].right = Q15_LEAF(2); break; /* leaf id 2 of 2 values */
        case 11: m.value = bad_value; break;    /* -32768 */
        case 12: nodes[0].left = Q15_AT(0); break; /* back to itself */
        case 13: nodes[1].x_offset = 3; break;  /* not a whole int16 */
        }
        if (mlq_tree_reg_check(&m) != MLQ_ERR_MODEL)
            fail_msg("defect %zu accepted", c);
    }
}

static void test_check_f32_rejects_each_defect(void **state)
{
    /* node 0: feature 0, left = next node, right = leaf 1; node 1: feature 1,
     * left leaf 0 (code 1), right 8 bytes on would leave the tree: leaf 0 */
    static const mlq_tree_node_f32 two[2] = {{0, 0, -1}, {5, (uint16_t)(1u | 1u << 1), 0}};
    static const uint16_t end[1] = {2};
    const mlq_tree_reg_f32 good = {2, 1, 2, 16, 1, two, end, one_value};
    mlq_tree_node_f32 nodes[2];
    mlq_tree_reg_f32 m;
    size_t c;

    (void)state;
    assert_int_equal(mlq_tree_reg_check_f32(&good), MLQ_OK);
    for (c = 0; c < 9; c++) {
        m = good;
        memcpy(nodes, two, sizeof nodes);
        m.nodes = nodes;
        switch (c) {
        case 0: m.feature_bits = 17; break;
        case 1: m.n_features = 1; break;                         /* node 1 reads feature 1 */
        case 2: nodes[1].meta = (uint16_t)(1u | 3u << 1); break; /* left leaf 2 of 2 values */
        case 3: nodes[1].meta = 1u; break;                       /* left = next node, past the end */
        case 4: nodes[0].right = 4; break;                       /* half a node */
        case 5: nodes[0].right = 16; break;                      /* past the tree */
        case 6: m.value_frac = 17; break;
        case 7: m.n_values = 0; break;
        case 8: m.value = NULL; break;
        }
        if (mlq_tree_reg_check_f32(&m) != MLQ_ERR_MODEL)
            fail_msg("defect %zu accepted", c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_match_reference),
        cmocka_unit_test(test_the_mean_rounds_halves_away_from_zero),
        cmocka_unit_test(test_extremes_never_overflow),
        cmocka_unit_test(test_errors_leave_outputs_alone),
        cmocka_unit_test(test_check_rejects_each_defect),
        cmocka_unit_test(test_check_f32_rejects_each_defect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
