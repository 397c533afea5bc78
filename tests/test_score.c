/* SPDX-License-Identifier: MIT */
/*
 * Scores and probabilities shared by every model (mlq/score.h): the winner
 * fix, argmax, probabilities from weights and by softmax against double
 * references, with sums of exactly 32768 and the argmax promise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>

#include "mlq/score.h"
#include "test_rng.h"

static void test_keep_winner_lowers_only_what_outranks_it(void **state)
{
    int32_t s[5] = {10, 12, 11, 12, 13};

    (void)state;
    mlq_score_keep_winner(s, 5, 2); /* 11 at index 2 won on exact values */
    assert_int_equal(s[0], 10);     /* below: untouched */
    assert_int_equal(s[1], 10);     /* a lower index not below the winner: winner - 1 */
    assert_int_equal(s[2], 11);
    assert_int_equal(s[3], 11);     /* a higher index above the winner: equal to it */
    assert_int_equal(s[4], 11);
    assert_int_equal(mlq_score_argmax(s, 5), 2);
}

static void test_keep_winner_at_the_saturation_floor(void **state)
{
    int32_t s[3] = {INT32_MIN, INT32_MIN, INT32_MIN};
    int32_t t[2] = {5, INT32_MIN};

    (void)state;
    mlq_score_keep_winner(s, 3, 1);
    assert_int_equal(s[0], INT32_MIN);
    assert_int_equal(s[1], INT32_MIN + 1);
    assert_int_equal(s[2], INT32_MIN); /* not above the winner: kept */
    assert_int_equal(mlq_score_argmax(s, 3), 1);
    mlq_score_keep_winner(t, 2, 0); /* the winner first: nothing to do */
    assert_int_equal(t[0], 5);
    assert_int_equal(t[1], INT32_MIN);
    mlq_score_keep_winner(t, 1, 0);
    assert_int_equal(t[0], 5);
}

static void test_argmax_takes_the_lowest_index_on_ties(void **state)
{
    const int32_t s[4] = {-3, 7, 7, 2};
    const uint16_t p[4] = {100, 16000, 16000, 668};

    (void)state;
    assert_int_equal(mlq_score_argmax(s, 4), 1);
    assert_int_equal(mlq_score_argmax(s, 1), 0);
    assert_int_equal(mlq_proba_argmax(p, 4), 1);
}

static uint32_t sum16(const uint16_t *p, uint16_t n)
{
    uint32_t s = 0;
    uint16_t c;

    for (c = 0; c < n; c++)
        s += p[c];
    return s;
}

static void test_from_weights_sums_and_bounds(void **state)
{
    enum { ROUNDS = 20000, NMAX = 12 };
    uint32_t w[NMAX];
    uint16_t p[NMAX];
    size_t r;

    (void)state;
    for (r = 0; r < ROUNDS; r++) {
        uint16_t n = (uint16_t)(1 + next_u32() % NMAX), c, win = 0;
        /* weights from 1 to 2^28 in magnitude, some zeros, sum < 2^32 */
        uint32_t scale = 1u << (next_u32() % 29), sum = 0;
        double total = 0;

        for (c = 0; c < n; c++) {
            w[c] = next_u32() % 7 == 0 ? 0 : next_u32() % scale;
            if (w[c] > w[win])
                win = c;
            sum += w[c];
        }
        if (sum == 0) {
            w[0] = sum = 1;
            win = 0;
        }
        for (c = 0; c < n; c++)
            total += w[c];
        mlq_proba_from_weights(w, n, win, p);
        assert_int_equal(sum16(p, n), 32768);
        assert_int_equal(mlq_proba_argmax(p, n), win);
        for (c = 0; c < n; c++) {
            double want = 32768.0 * w[c] / total;

            /* within 2 / 32768, the winner within 2n / 32768 (mlq/score.h) */
            assert_true(fabs(p[c] - want) <= (c == win ? 2.0 * n : 2.0));
        }
    }
}

static void test_from_weights_exact_cases(void **state)
{
    const uint32_t one[1] = {255};
    const uint32_t even[4] = {255, 255, 255, 255};
    const uint32_t split[3] = {170, 85, 0};
    uint16_t p[4];

    (void)state;
    mlq_proba_from_weights(one, 1, 0, p);
    assert_int_equal(p[0], 32768);
    mlq_proba_from_weights(even, 4, 0, p); /* a four-way tie: each 8192 */
    assert_int_equal(p[0], 8192);
    assert_int_equal(p[1], 8192);
    assert_int_equal(p[3], 8192);
    mlq_proba_from_weights(split, 3, 0, p); /* 2/3 and 1/3 */
    assert_int_equal(p[0], 21846);
    assert_int_equal(p[1], 10922);
    assert_int_equal(p[2], 0);
}

static void test_softmax_against_double(void **state)
{
    enum { ROUNDS = 20000, NMAX = 11 };
    int32_t s[NMAX];
    uint16_t p[NMAX];
    size_t r;

    (void)state;
    for (r = 0; r < ROUNDS; r++) {
        uint16_t n = (uint16_t)(1 + next_u32() % NMAX), c, win = 0;
        /* spreads from a fraction of a unit to far beyond the exp's range */
        int32_t spread = (int32_t)(1u << (next_u32() % 26));
        double e[NMAX], total = 0;

        for (c = 0; c < n; c++) {
            s[c] = (int32_t)(next_u32() % (2u * (uint32_t)spread)) - spread;
            if (r % 11 == 0)
                s[c] = (c & 1) ? INT32_MAX : INT32_MIN; /* extremes */
            if (s[c] > s[win])
                win = c;
        }
        for (c = 0; c < n; c++)
            total += e[c] = exp(((double)s[c] - s[win]) / 65536.0);
        mlq_proba_softmax(s, n, win, p);
        assert_int_equal(sum16(p, n), 32768);
        assert_int_equal(mlq_proba_argmax(p, n), win);
        for (c = 0; c < n; c++) /* within 2 / 32768, the winner within 2n / 32768 */
            assert_true(fabs(p[c] - 32768.0 * e[c] / total) <= (c == win ? 2.0 * n : 2.0));
    }
}

static void test_softmax_equal_scores_and_one_output(void **state)
{
    const int32_t s[3] = {-100000, -100000, -100000};
    const int32_t one[1] = {INT32_MIN};
    uint16_t p[3];

    (void)state;
    mlq_proba_softmax(s, 3, 0, p); /* thirds: the winner takes the remainder */
    assert_int_equal(p[0], 10924);
    assert_int_equal(p[1], 10922);
    assert_int_equal(p[2], 10922);
    mlq_proba_softmax(one, 1, 0, p);
    assert_int_equal(p[0], 32768);
}

/* y = offset + round(clamp(s) x gain / 2^shift), halves away from zero. */
static void test_regress_value(void **state)
{
    mlq_regress r = {-196608, 196608, 3 << 29, 1000, 30}; /* x 1.5, s within +-3.0 */
    const int32_t s[] = {65536, 1, -1, 0, 3, INT32_MAX, INT32_MIN, 196608, 196609};
    const int32_t want[] = {99304, 1002, 998, 1000, 1005, 295912, -293912, 295912, 295912};
    int32_t y = 7;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof s / sizeof s[0]; i++) {
        assert_int_equal(mlq_regress_value(&r, s[i], &y), MLQ_OK);
        assert_int_equal(y, want[i]);
    }
    /* The sum saturates to int32_t should a hand-made model overflow it. */
    r.offset = INT32_MAX;
    assert_int_equal(mlq_regress_value(&r, 65536, &y), MLQ_OK);
    assert_int_equal(y, INT32_MAX);
    r.offset = INT32_MIN;
    assert_int_equal(mlq_regress_value(&r, -65536, &y), MLQ_OK);
    assert_int_equal(y, INT32_MIN);
}

static void test_regress_value_refuses_bad_models(void **state)
{
    const mlq_regress bad[] = {{10, 9, 1, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, -5, 0, 0}, {0, 0, 1, 0, 63}};
    int32_t y = 7;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(mlq_regress_value(&bad[i], 0, &y), MLQ_ERR_MODEL);
        assert_int_equal(y, 7); /* untouched */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keep_winner_lowers_only_what_outranks_it),
        cmocka_unit_test(test_keep_winner_at_the_saturation_floor),
        cmocka_unit_test(test_argmax_takes_the_lowest_index_on_ties),
        cmocka_unit_test(test_from_weights_sums_and_bounds),
        cmocka_unit_test(test_from_weights_exact_cases),
        cmocka_unit_test(test_softmax_against_double),
        cmocka_unit_test(test_softmax_equal_scores_and_one_output),
        cmocka_unit_test(test_regress_value),
        cmocka_unit_test(test_regress_value_refuses_bad_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
