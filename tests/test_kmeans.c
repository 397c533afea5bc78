/* SPDX-License-Identifier: MIT */
/*
 * k-means device kernel: exact nearest centroid against a brute-force
 * reference (direct squared differences), scores against the same
 * reference scaled to Q15.16 with their argmax equal to the prediction,
 * ties, extremes, tail lengths, mlq_kmeans_check's every rejection, errors
 * with canaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "mlq/kmeans.h"
#include "mlq/score.h"
#include "test_rng.h"

static int64_t norm_of(const mlq_q15_t *c, size_t d)
{
    int64_t s = 0;
    size_t j;

    for (j = 0; j < d; j++)
        s += (int64_t)c[j] * c[j];
    return s;
}

/* Reference: direct sum of squared differences in int64, lowest index on ties;
 * rows are `row` entries apart. */
static uint16_t nearest_ref(const mlq_q15_t *c, size_t k, size_t d, size_t row, const mlq_q15_t *x)
{
    uint16_t best = 0;
    uint64_t bd = UINT64_MAX;
    size_t i, j;

    for (i = 0; i < k; i++) {
        uint64_t s = 0;

        for (j = 0; j < d; j++) {
            int64_t diff = (int64_t)x[j] - c[i * row + j];

            s += (uint64_t)(diff * diff);
        }
        if (s < bd) {
            bd = s;
            best = (uint16_t)i;
        }
    }
    return best;
}

/* Exact squared distance of x to centroid i. */
static int64_t dist_ref(const mlq_q15_t *c, size_t d, const mlq_q15_t *x)
{
    int64_t s = 0;
    size_t j;

    for (j = 0; j < d; j++)
        s += ((int64_t)x[j] - c[j]) * ((int64_t)x[j] - c[j]);
    return s;
}

/* The scores mlq/kmeans.h promises: -d scaled by 2^-shift (rounded half up)
 * or 2^shift, saturated at -2^31, then the nearest centroid kept on top as
 * mlq/score.h says: a lower index not below it becomes its score - 1, a
 * higher index above it becomes its score. */
static void scores_ref(const mlq_q15_t *c, size_t k, size_t d, size_t row, int shift,
                       const mlq_q15_t *x, int32_t *out)
{
    size_t i, w = nearest_ref(c, k, d, row, x);

    for (i = 0; i < k; i++) {
        double v = (double)dist_ref(c + i * row, d, x);

        v = shift >= 0 ? floor(v / ldexp(1.0, shift) + 0.5) : ldexp(v, -shift);
        out[i] = v >= 2147483648.0 ? INT32_MIN : (int32_t)-v;
    }
    if (w > 0 && out[w] == INT32_MIN)
        out[w] = INT32_MIN + 1;
    for (i = 0; i < k; i++) {
        if (i < w && out[i] >= out[w])
            out[i] = out[w] - 1;
        if (i > w && out[i] > out[w])
            out[i] = out[w];
    }
}

static void test_matches_bruteforce_for_all_tail_lengths(void **state)
{
    enum { K = 7, DMAX = 37, ROUNDS = 300 };
    static mlq_q15_t c[K * (DMAX + 1)], x[DMAX];
    static int64_t norms[K];
    int32_t s[K], want[K];
    size_t d, r, i;

    (void)state;
    for (d = 1; d <= DMAX; d++) {
        for (r = 0; r < ROUNDS; r++) {
            mlq_kmeans_q15 m;
            uint16_t got = UINT16_MAX;
            size_t row = (d + 1) & ~(size_t)1; /* odd rows carry a zero pad */

            for (i = 0; i < K * row; i++)
                c[i] = i % row == d ? 0 : next_q15();
            for (i = 0; i < d; i++)
                x[i] = next_q15();
            if (r % 5 == 0) /* full-scale inputs: the largest products */
                for (i = 0; i < d; i++)
                    x[i] = (next_u32() & 1) ? INT16_MIN : INT16_MAX;
            for (i = 0; i < K; i++)
                norms[i] = norm_of(c + i * row, d);
            m.n_clusters = K;
            m.n_features = (uint16_t)d;
            m.score_shift = (int8_t)(14 - 2 * (int)(r % 17)); /* every R = 1 .. 65536 */
            m.centroids = c;
            m.norms = norms;
            assert_int_equal(mlq_kmeans_check(&m), MLQ_OK);
            assert_int_equal(mlq_kmeans_predict_q15(&m, x, (uint16_t)d, NULL, 0, &got), MLQ_OK);
            assert_int_equal(got, nearest_ref(c, K, d, row, x));
            assert_int_equal(mlq_kmeans_scores_q15(&m, x, (uint16_t)d, NULL, 0, s), MLQ_OK);
            scores_ref(c, K, d, row, m.score_shift, x, want);
            for (i = 0; i < K; i++)
                assert_int_equal(s[i], want[i]);
            assert_int_equal(mlq_score_argmax(s, K), got);
        }
    }
}

static void test_ties_go_to_lowest_index(void **state)
{
    /* x = 0 is equally far from +v and -v; the second pair is nearer. */
    static const mlq_q15_t c[4 * 2] = {1000, 0, -1000, 0, 0, 10, 0, -10};
    int64_t norms[4];
    const mlq_q15_t x[2] = {0, 0};
    mlq_kmeans_q15 m = {4, 2, 14, c, norms};
    uint16_t got = UINT16_MAX;
    int32_t s[4];
    size_t i;

    (void)state;
    for (i = 0; i < 4; i++)
        norms[i] = norm_of(c + 2 * i, 2);
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 2, NULL, 0, &got), MLQ_OK);
    assert_int_equal(got, 2);
    /* 100 steps^2 >> 14 rounds to 0 for both near centroids: a true tie,
     * kept; the far ones (10^6 >> 14 = 61.03) score -61. */
    assert_int_equal(mlq_kmeans_scores_q15(&m, x, 2, NULL, 0, s), MLQ_OK);
    assert_int_equal(s[0], -61);
    assert_int_equal(s[1], -61);
    assert_int_equal(s[2], 0);
    assert_int_equal(s[3], 0);
    m.n_clusters = 2;
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 2, NULL, 0, &got), MLQ_OK);
    assert_int_equal(got, 0);
}

static void test_rounding_tie_keeps_the_nearest_on_top(void **state)
{
    /* With R = 1 (shift 14) the distances 39602 and 39601 steps^2 both
     * round to a score of -2. The nearer centroid has the higher index, so
     * the lower one is lowered to -3: the argmax of the scores is the
     * prediction. */
    static const mlq_q15_t c[2 * 2] = {199, 1, 0, 199};
    static const int64_t norms[2] = {39602, 39601};
    const mlq_kmeans_q15 m = {2, 2, 14, c, norms};
    const mlq_q15_t x[2] = {0, 0};
    const mlq_q15_t y[2] = {0, 200}; /* 79202 and 1: -5 and 0, no tie */
    int32_t s[2];
    uint16_t got = UINT16_MAX;

    (void)state;
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 2, NULL, 0, &got), MLQ_OK);
    assert_int_equal(got, 1);
    assert_int_equal(mlq_kmeans_scores_q15(&m, x, 2, NULL, 0, s), MLQ_OK);
    assert_int_equal(s[0], -3);
    assert_int_equal(s[1], -2);
    assert_int_equal(mlq_score_argmax(s, 2), 1);
    assert_int_equal(mlq_kmeans_scores_q15(&m, y, 2, NULL, 0, s), MLQ_OK);
    assert_int_equal(s[0], -5);
    assert_int_equal(s[1], 0);
}

static void test_extreme_input_does_not_overflow(void **state)
{
    /* Full-scale centroids and inputs in 1000 dimensions: the score reaches
     * 3 * 1000 * 2^30, far beyond int32, and must stay exact. */
    enum { D = 1000 };
    static mlq_q15_t c[2 * D], x[D];
    int64_t norms[2];
    mlq_kmeans_q15 m = {2, D, -18, c, norms};
    uint16_t got = UINT16_MAX;
    int32_t s[2];
    size_t j;

    (void)state;
    for (j = 0; j < D; j++) {
        c[j] = INT16_MAX;
        c[D + j] = INT16_MIN;
        x[j] = INT16_MIN;
    }
    c[D - 1] = INT16_MIN; /* centroid 0 shares one coordinate with x */
    norms[0] = norm_of(c, D);
    norms[1] = norm_of(c + D, D);
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, D, NULL, 0, &got), MLQ_OK);
    assert_int_equal(got, 1);
    /* R = 65536 (shift -18): x is centroid 1 (score 0), centroid 0 is
     * 999 * 65535^2 steps^2 away and saturates. */
    assert_int_equal(mlq_kmeans_scores_q15(&m, x, D, NULL, 0, s), MLQ_OK);
    assert_int_equal(s[0], INT32_MIN);
    assert_int_equal(s[1], 0);
    for (j = 0; j < D; j++)
        x[j] = INT16_MAX;
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, D, NULL, 0, &got), MLQ_OK);
    assert_int_equal(got, 0);
    /* Now x is one step from centroid 0 in one coordinate (65535^2) and
     * 65535 from centroid 1 in all: both saturate, and a tie at a higher
     * index than the winner is kept. */
    assert_int_equal(mlq_kmeans_scores_q15(&m, x, D, NULL, 0, s), MLQ_OK);
    assert_int_equal(s[0], INT32_MIN);
    assert_int_equal(s[1], INT32_MIN);
    m.score_shift = 14; /* R = 1: |x - c0|^2 = 65535^2 = 4294836225 >> 14 = 262136 */
    assert_int_equal(mlq_kmeans_scores_q15(&m, x, D, NULL, 0, s), MLQ_OK);
    assert_int_equal(s[0], -262136);
    assert_int_equal(s[1], -(int32_t)((1000 * 4294836225.0) / 16384 + 0.5));
}

static void test_errors_leave_output_untouched(void **state)
{
    static const mlq_q15_t c[3 * 2] = {-16384, 8192, 24576, -4096, 0, 29491};
    static const int64_t norms[3] = {335544320, 620756992, 869719081};
    const mlq_kmeans_q15 m = {3, 2, 14, c, norms};
    const mlq_q15_t x[3] = {0, 0, 0};
    uint16_t got = UINT16_MAX;
    int32_t s[3] = {7, 7, 7};

    (void)state;
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 3, NULL, 0, &got), MLQ_ERR_SIZE);
    assert_int_equal(got, UINT16_MAX);
    assert_int_equal(mlq_kmeans_scores_q15(&m, x, 1, NULL, 0, s), MLQ_ERR_SIZE);
    assert_int_equal(s[0], 7);
    assert_int_equal(s[2], 7);
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 2, NULL, 0, &got), MLQ_OK);
    assert_int_equal(got, 0); /* |c0|^2 = 0.3125 is the smallest norm */
    assert_int_equal(mlq_kmeans_work_size(&m), 0);
}

static void test_check_rejects_every_inconsistency(void **state)
{
    static const mlq_q15_t c[2 * 4] = {100, -200, 300, 0, -5, 6, 7, 0}; /* d = 3, padded rows */
    static const int64_t norms[2] = {140000, 110};
    static const int64_t bad_norm[2] = {140000, 111};
    static const mlq_q15_t bad_pad[2 * 4] = {100, -200, 300, 1, -5, 6, 7, 0};
    mlq_kmeans_q15 m = {2, 3, 14, c, norms};

    (void)state;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_OK);
    m.n_clusters = 0;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
    m.n_clusters = 2;
    m.n_features = 0;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
    m.n_features = 3;
    m.score_shift = 15;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
    m.score_shift = -19;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
    m.score_shift = -18;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_OK);
    m.norms = bad_norm;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
    m.norms = NULL;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
    m.norms = norms;
    m.centroids = bad_pad;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
    m.centroids = NULL;
    assert_int_equal(mlq_kmeans_check(&m), MLQ_ERR_MODEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_bruteforce_for_all_tail_lengths),
        cmocka_unit_test(test_ties_go_to_lowest_index),
        cmocka_unit_test(test_rounding_tie_keeps_the_nearest_on_top),
        cmocka_unit_test(test_check_rejects_every_inconsistency),
        cmocka_unit_test(test_extreme_input_does_not_overflow),
        cmocka_unit_test(test_errors_leave_output_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
