/* SPDX-License-Identifier: MIT */
/*
 * k-means device kernel: exact nearest centroid against a brute-force
 * reference (direct squared differences), ties, extremes, tail lengths,
 * errors with canaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>

#include "mlq/kmeans.h"
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

static void test_matches_bruteforce_for_all_tail_lengths(void **state)
{
    enum { K = 7, DMAX = 37, ROUNDS = 300 };
    static mlq_q15_t c[K * (DMAX + 1)], x[DMAX];
    static int64_t norms[K];
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
            m.centroids = c;
            m.norms = norms;
            assert_int_equal(mlq_kmeans_predict_q15(&m, x, (uint16_t)d, &got), MLQ_OK);
            assert_int_equal(got, nearest_ref(c, K, d, row, x));
        }
    }
}

static void test_ties_go_to_lowest_index(void **state)
{
    /* x = 0 is equally far from +v and -v; the second pair is nearer. */
    static const mlq_q15_t c[4 * 2] = {1000, 0, -1000, 0, 0, 10, 0, -10};
    int64_t norms[4];
    const mlq_q15_t x[2] = {0, 0};
    mlq_kmeans_q15 m = {4, 2, c, norms};
    uint16_t got = UINT16_MAX;
    size_t i;

    (void)state;
    for (i = 0; i < 4; i++)
        norms[i] = norm_of(c + 2 * i, 2);
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 2, &got), MLQ_OK);
    assert_int_equal(got, 2);
    m.n_clusters = 2;
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 2, &got), MLQ_OK);
    assert_int_equal(got, 0);
}

static void test_extreme_input_does_not_overflow(void **state)
{
    /* Full-scale centroids and inputs in 1000 dimensions: the score reaches
     * 3 * 1000 * 2^30, far beyond int32, and must stay exact. */
    enum { D = 1000 };
    static mlq_q15_t c[2 * D], x[D];
    int64_t norms[2];
    mlq_kmeans_q15 m = {2, D, c, norms};
    uint16_t got = UINT16_MAX;
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
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, D, &got), MLQ_OK);
    assert_int_equal(got, 1);
    for (j = 0; j < D; j++)
        x[j] = INT16_MAX;
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, D, &got), MLQ_OK);
    assert_int_equal(got, 0);
}

static void test_errors_leave_output_untouched(void **state)
{
    static const mlq_q15_t c[3 * 2] = {-16384, 8192, 24576, -4096, 0, 29491};
    static const int64_t norms[3] = {335544320, 620756992, 869719081};
    const mlq_kmeans_q15 m = {3, 2, c, norms};
    const mlq_kmeans_q15 empty = {0, 2, c, norms};
    const mlq_q15_t x[3] = {0, 0, 0};
    uint16_t got = UINT16_MAX;

    (void)state;
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 3, &got), MLQ_ERR_SIZE);
    assert_int_equal(got, UINT16_MAX);
    assert_int_equal(mlq_kmeans_predict_q15(&empty, x, 2, &got), MLQ_ERR_MODEL);
    assert_int_equal(got, UINT16_MAX);
    assert_int_equal(mlq_kmeans_predict_q15(&m, x, 2, &got), MLQ_OK);
    assert_int_equal(got, 0); /* |c0|^2 = 0.3125 is the smallest norm */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_bruteforce_for_all_tail_lengths),
        cmocka_unit_test(test_ties_go_to_lowest_index),
        cmocka_unit_test(test_extreme_input_does_not_overflow),
        cmocka_unit_test(test_errors_leave_output_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
