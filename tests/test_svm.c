/* SPDX-License-Identifier: MIT */
/*
 * SVM device kernels: the fixed-point exp2 against double over its whole
 * input range; the kernels (RBF, poly, linear) bit for bit against a
 * direct integer reference written from mlq/svm.h (decision values, votes
 * and scores; all tail lengths, INT16_MIN/MAX inputs, random scaling
 * constants, saturating decision values); scores on hand-made models
 * (vote ties, class ids, rounding and saturation of each pair's decision
 * value); the regression entries bit for bit against the same reference,
 * their saturation on hand-made models. mlq_svm_check and the error codes
 * are in test_svm_check.c, the trainer and the exporter in
 * test_train_svm.c and test_svm_regress*.c.
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

#include "mlq/score.h"
#include "mlq/svm.h"
#include "svm_rand.h"
#include "test_rng.h"

/* Exact 128-bit integers for the reference of the scores' rounding. */
__extension__ typedef __int128 i128;

/* ---- exp2 --------------------------------------------------------------- */

static void test_exp2_within_one_lsb_everywhere(void **state)
{
    uint32_t u;
    double worst = 0.0;
    mlq_q15_t prev = 32767;

    (void)state;
    for (u = 0; u < (17u << 16) + 1000u; u++) {
        double exact = ldexp(pow(2.0, -(double)u / 65536.0), 15);
        mlq_q15_t got = mlq_svm_exp2_q15(u);
        double e = fabs((double)got - (exact > 32767.0 ? 32767.0 : exact));

        if (e > worst)
            worst = e;
        assert_true(got <= prev); /* non-increasing */
        prev = got;
    }
    assert_true(worst <= 0.82);
    assert_int_equal(mlq_svm_exp2_q15(0), 32767);
    assert_int_equal(mlq_svm_exp2_q15(65536), 16384);      /* 2^-1 exactly */
    assert_int_equal(mlq_svm_exp2_q15(17u << 16), 0);
    assert_int_equal(mlq_svm_exp2_q15(UINT32_MAX), 0);
}

/* ---- reference kernels, written from the documentation of mlq/svm.h ----- */

/* Direct squared distance of Q15 vectors (ref_dot: svm_rand.h). */
static int64_t ref_d2(const mlq_q15_t *x, const mlq_q15_t *s, size_t n)
{
    int64_t d2 = 0;
    size_t j;

    for (j = 0; j < n; j++)
        d2 += ((int64_t)x[j] - s[j]) * ((int64_t)x[j] - s[j]);
    return d2;
}

/* floor(v / 2^s) by division (which truncates toward zero). */
static int64_t ref_floor_div(int64_t v, int s)
{
    int64_t d;

    if (s >= 63) /* |v| < 2^63 */
        return v < 0 ? -1 : 0;
    d = (int64_t)1 << s;
    return v / d - (v % d < 0);
}

/* floor((v + 2^(s-1)) / 2^s): v / 2^s rounded, ties up; s >= 1. */
static int64_t ref_round_up(int64_t v, int s)
{
    return ref_floor_div(v + ((int64_t)1 << (s - 1)), s);
}

static int64_t ref_kernel(const mlq_svm_q15 *m, const mlq_q15_t *x, const mlq_q15_t *s)
{
    if (m->kernel == MLQ_SVM_RBF) {
        /* u = floor(d2 2^k_pre k_mul / 2^(32 + k_shift)), by floor division
         * of the exact product (below 2^95: split at 2^32). */
        int64_t d2 = ref_d2(x, s, m->n_features);
        uint64_t a, lo, hi;

        if (d2 >= m->k_limit)
            return 0;
        a = (uint64_t)d2 << m->k_pre;
        assert_true(a >> m->k_pre == (uint64_t)d2);
        lo = (a & 0xFFFFFFFFu) * m->k_mul;
        hi = (a >> 32) * m->k_mul + (lo >> 32);
        assert_true(hi <= UINT32_MAX);
        return mlq_svm_exp2_q15((uint32_t)hi >> m->k_shift);
    } else {
        /* Rounding to nearest, ties up, by floor division: no shifts. */
        int64_t a = ref_floor_div(ref_dot(x, s, m->n_features), m->k_pre), t, p;
        unsigned k;

        assert_true(a >= INT32_MIN && a <= INT32_MAX);
        t = ref_floor_div(a * (int64_t)m->k_mul, m->k_shift) + m->k_add;
        t = t > m->k_limit ? m->k_limit : t < -m->k_limit ? -m->k_limit : t;
        for (p = t, k = 1; k < m->degree; k++) {
            p = ref_round_up(p * t, m->pow_shift[k - 1]);
            assert_true(p >= INT32_MIN && p <= INT32_MAX); /* the bound the kernel relies on */
        }
        return p;
    }
}

/* Decision values: sums over the two classes' SVs minus rho, pair order (0,1), (0,2), ... */
static void ref_decision(const mlq_svm_q15 *m, const mlq_q15_t *x, int64_t *dec)
{
    size_t row = ((size_t)m->n_features + 1) & ~(size_t)1, i, j, s, p = 0;

    for (i = 0; i < m->n_classes; i++)
        for (j = i + 1; j < m->n_classes; j++, p++) {
            int64_t sum = 0;

            if (m->kernel == MLQ_SVM_LINEAR) {
                sum = ref_dot(x, m->w + p * row, m->n_features);
            } else {
                for (s = m->sv_start[i]; s < m->sv_start[i + 1]; s++)
                    sum += m->coef[(j - 1) * m->n_sv + s] * ref_kernel(m, x, m->sv + s * row);
                for (s = m->sv_start[j]; s < m->sv_start[j + 1]; s++)
                    sum += m->coef[i * m->n_sv + s] * ref_kernel(m, x, m->sv + s * row);
            }
            dec[p] = sum - m->rho[p];
        }
}

/* Votes of each voted class and the winner (the lowest of the most voted). */
static uint16_t ref_vote(const mlq_svm_q15 *m, const int64_t *dec, uint16_t *votes)
{
    uint16_t best = 0, i, j, p = 0;

    memset(votes, 0, m->n_classes * sizeof *votes);
    for (i = 0; i < m->n_classes; i++)
        for (j = (uint16_t)(i + 1); j < m->n_classes; j++, p++)
            votes[dec[p] > 0 ? i : j]++;
    for (i = 1; i < m->n_classes; i++)
        if (votes[i] > votes[best])
            best = i;
    return best;
}

static uint16_t ref_id(const mlq_svm_q15 *m, uint16_t c)
{
    return m->class_ids != NULL ? m->class_ids[c] : c;
}

/* d / 2^s in Q15.16 from the documentation, in 128 bits: rounded half up
 * (floor((2d + 2^s) / 2^(s+1))), d 2^-s for s <= 0, saturated to int32.
 * For s >= 64 it is 0: |2d| < 2^64 <= 2^s. */
static int32_t ref_q16(int64_t d, int s)
{
    i128 v;

    if (s >= 64) {
        v = 0;
    } else if (s > 0) {
        i128 den = (i128)1 << (s + 1), num = (i128)d * 2 + ((i128)1 << s);

        v = num / den - (num % den < 0);
    } else {
        v = (i128)d * ((i128)1 << (-s > 64 ? 64 : -s)); /* |d| 2^64 < 2^127 */
    }
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* Scores from the documentation of mlq_svm_scores_q15 (before the shared
 * mlq_score_keep_winner, which test_score.c checks). */
static uint16_t ref_scores(const mlq_svm_q15 *m, const int64_t *dec, int32_t *scores)
{
    uint16_t votes[16], best = ref_vote(m, dec, votes), i, j, p = 0;
    i128 margin[16] = {0};

    for (i = 0; i < m->n_classes; i++)
        for (j = (uint16_t)(i + 1); j < m->n_classes; j++, p++) {
            margin[i] += ref_q16(dec[p], m->dec_shift[p]);
            margin[j] -= ref_q16(dec[p], m->dec_shift[p]);
        }
    for (i = 0; i < m->n_outputs; i++)
        scores[i] = -32768;
    for (i = 0; i < m->n_classes; i++)
        scores[ref_id(m, i)] = 65536 * votes[i] + (margin[i] > 32767    ? 32767
                                                   : margin[i] < -32767 ? -32767
                                                                        : (int32_t)margin[i]);
    mlq_score_keep_winner(scores, m->n_outputs, ref_id(m, best));
    return ref_id(m, best);
}

static void check_against_reference(unsigned kernel)
{
    static rand_model r;
    mlq_work_t work[MLQ_WORK_ELEMS(WORK_BYTES)];
    mlq_q15_t x[40] MLQ_ALIGN4;
    int64_t dec[10], ref[10];
    int32_t s[20], want[20];
    uint16_t d, k, cls, rounds, j, p, winner;
    size_t saturated = 0, fractional = 0;

    for (d = 1; d <= 37; d++) {
        for (rounds = 0; rounds < 20; rounds++) {
            /* Odd rounds pass x one element in: not word-aligned, the
             * general path of the short rows. */
            mlq_q15_t *in = x + (rounds & 1u);

            k = (uint16_t)(2 + next_u32() % 4u);
            make_model(&r, kernel, k, d);
            assert_int_equal(mlq_svm_check(&r.m), MLQ_OK);
            for (j = 0; j < d; j++) {
                uint32_t pick = next_u32() % 8u;

                /* Extremes included: the kernels must not overflow on any input. */
                in[j] = pick == 0 ? INT16_MIN : pick == 1 ? INT16_MAX : next_q15();
            }
            assert_int_equal(mlq_svm_decision_q15(&r.m, in, d, work, sizeof work, dec), MLQ_OK);
            ref_decision(&r.m, in, ref);
            for (p = 0; p < (uint16_t)(k * (k - 1) / 2); p++)
                assert_true(dec[p] == ref[p]);
            winner = ref_scores(&r.m, ref, want);
            assert_int_equal(mlq_svm_predict_q15(&r.m, in, d, work, sizeof work, &cls), MLQ_OK);
            assert_int_equal(cls, winner);
            assert_int_equal(mlq_svm_scores_q15(&r.m, in, d, work, sizeof work, s), MLQ_OK);
            for (j = 0; j < r.m.n_outputs; j++) {
                assert_int_equal(s[j], want[j]);
                saturated += s[j] % 65536 == 32767 || s[j] % 65536 == -32767;
                fractional += s[j] % 65536 != 0 && abs(s[j] % 65536) < 32767;
            }
            assert_int_equal(mlq_score_argmax(s, r.m.n_outputs), cls);
        }
    }
    /* Both ends of the margins were reached. */
    assert_true(saturated > 50 && fractional > 50);
}

static void test_rbf_kernel_matches_reference(void **state)
{
    (void)state;
    check_against_reference(MLQ_SVM_RBF);
}

static void test_poly_kernel_matches_reference(void **state)
{
    (void)state;
    check_against_reference(MLQ_SVM_POLY);
}

static void test_linear_kernel_matches_reference(void **state)
{
    (void)state;
    check_against_reference(MLQ_SVM_LINEAR);
}

/* ---- regression ----------------------------------------------------------- */

/*
 * The regression entries against the reference: the value of a random
 * regression model (make_regress) is its pair's reference decision value
 * in Q15.16 (rounded half up, saturated), for every kernel, all tail
 * lengths and extreme inputs, through the kernel's entry and the
 * dispatching one; both saturation ends are reached.
 */
static void test_regression_matches_reference(void **state)
{
    typedef mlq_status (*regress_fn)(const mlq_svm_q15 *, const mlq_q15_t *, uint16_t, void *,
                                     size_t, int32_t *);
    static const regress_fn entry[3] = {mlq_svm_linear_regress_q15, mlq_svm_rbf_regress_q15,
                                        mlq_svm_poly_regress_q15};
    static rand_model r;
    mlq_work_t work[MLQ_WORK_ELEMS(WORK_BYTES)];
    mlq_q15_t x[40] MLQ_ALIGN4;
    int64_t ref;
    int32_t got, want;
    unsigned kernel;
    uint16_t d, j, rounds;
    size_t top = 0, bottom = 0, inside = 0;

    (void)state;
    for (kernel = MLQ_SVM_LINEAR; kernel <= MLQ_SVM_POLY; kernel++) {
        for (d = 1; d <= 37; d++) {
            for (rounds = 0; rounds < 20; rounds++) {
                mlq_q15_t *in = x + (rounds & 1u);

                make_regress(&r, kernel, d);
                assert_int_equal(mlq_svm_check(&r.m), MLQ_OK);
                for (j = 0; j < d; j++) {
                    uint32_t pick = next_u32() % 8u;

                    in[j] = pick == 0 ? INT16_MIN : pick == 1 ? INT16_MAX : next_q15();
                }
                r.m.n_classes = 2; /* the reference computes the pair's value */
                ref_decision(&r.m, in, &ref);
                r.m.n_classes = 1;
                want = ref_q16(ref, r.m.dec_shift[0]);
                got = 4242;
                assert_int_equal(entry[kernel](&r.m, in, d, work, sizeof work, &got), MLQ_OK);
                assert_int_equal(got, want);
                got = 4242;
                assert_int_equal(mlq_svm_regress_q15(&r.m, in, d, work, sizeof work, &got), MLQ_OK);
                assert_int_equal(got, want);
                top += want == INT32_MAX;
                bottom += want == INT32_MIN;
                inside += want != INT32_MAX && want != INT32_MIN && want != 0;
            }
        }
    }
    assert_true(top > 20 && bottom > 20 && inside > 200);
}

/* A linear regression model of 2 features: the value saturates at the
 * ends of int32 for the largest sums and intercepts, never wraps. */
static void test_regression_saturates(void **state)
{
    mlq_q15_t w[2] = {32767, -32768}, x[2] MLQ_ALIGN4 = {32767, -32768};
    int64_t rho[1] = {0};
    int8_t shift[1] = {-30};
    mlq_svm_q15 m = {1, 2, 0, 1, MLQ_SVM_LINEAR, 0, NULL, NULL, NULL, NULL, NULL, w, rho, shift,
                     0, 0, 0, 0, 0, NULL};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_SVM_WORK_BYTES(MLQ_SVM_LINEAR, 0, 1))];
    int32_t y;

    (void)state;
    assert_int_equal(mlq_svm_check(&m), MLQ_OK);
    /* w . x = 2147418113, times 2^30 (shift -30): far beyond int32 */
    assert_int_equal(mlq_svm_linear_regress_q15(&m, x, 2, work, sizeof work, &y), MLQ_OK);
    assert_int_equal(y, INT32_MAX);
    x[0] = -32768;
    x[1] = 32767;
    assert_int_equal(mlq_svm_linear_regress_q15(&m, x, 2, work, sizeof work, &y), MLQ_OK);
    assert_int_equal(y, INT32_MIN);
    /* The largest intercepts either way, with the sum at its ends: exact
     * in int64 (|sum - rho| < 2^63), then saturated. */
    shift[0] = 0;
    rho[0] = -((int64_t)1 << 62);
    assert_int_equal(mlq_svm_linear_regress_q15(&m, x, 2, work, sizeof work, &y), MLQ_OK);
    assert_int_equal(y, INT32_MAX);
    rho[0] = (int64_t)1 << 62;
    x[0] = 32767;
    x[1] = -32768;
    assert_int_equal(mlq_svm_linear_regress_q15(&m, x, 2, work, sizeof work, &y), MLQ_OK);
    assert_int_equal(y, INT32_MIN);
    /* In range: (w . x - rho) / 2^shift, rounded half up: w . x - rho =
     * 2 x 32767 - 32768 + 32768 = 65534. */
    rho[0] = -32768;
    x[0] = 2;
    x[1] = 1;
    shift[0] = 2; /* 16383.5 */
    assert_int_equal(mlq_svm_linear_regress_q15(&m, x, 2, work, sizeof work, &y), MLQ_OK);
    assert_int_equal(y, 16384);
    rho[0] = 163836; /* 32766 - 163836 = -131070; / 4 = -32767.5 */
    assert_int_equal(mlq_svm_linear_regress_q15(&m, x, 2, work, sizeof work, &y), MLQ_OK);
    assert_int_equal(y, -32767);
}

/* A linear model of 3 classes in 2 features (w rows per pair, rho 0). */
static mlq_svm_q15 linear3(const mlq_q15_t *w, const int64_t *rho, const int8_t *shift)
{
    mlq_svm_q15 m = {3, 2, 0, 3, MLQ_SVM_LINEAR, 0, NULL, NULL, NULL, NULL, NULL, w, rho, shift,
                     0, 0, 0, 0, 0, NULL};

    return m;
}

/* Three classes that beat each other in a circle: one vote each, so the
 * lowest class wins; with class_ids the winner reports its own id; the
 * scores keep it on top although the margins favour the others. */
static void test_vote_ties_go_to_the_lowest_class(void **state)
{
    /* x = (1, 0): pair (0,1) w.x = 100 votes 0, pair (0,2) -300 votes 2,
     * pair (1,2) 50 votes 1. Margins (dec_shift 0: the values are Q15.16
     * units): class 0 100 - 300 = -200, class 1 -100 + 50 = -50, class 2
     * 300 - 50 = 250. */
    static const mlq_q15_t w[3 * 2] = {100, 0, -300, 0, 50, 0};
    static const int64_t rho[3] = {0, 0, 0};
    static const int8_t shift[3] = {0, 0, 0};
    static const uint16_t ids[3] = {4, 7, 9};
    mlq_svm_q15 m = linear3(w, rho, shift);
    const mlq_q15_t x[2] MLQ_ALIGN4 = {1, 0};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_SVM_WORK_BYTES(MLQ_SVM_LINEAR, 0, 3))];
    int32_t s[10];
    uint16_t cls = 99, c;

    (void)state;
    assert_int_equal(mlq_svm_check(&m), MLQ_OK);
    assert_int_equal(mlq_svm_predict_q15(&m, x, 2, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 0);
    /* 65536 - 200, 65536 - 50, 65536 + 250: the two above the winner come
     * down to its score. */
    assert_int_equal(mlq_svm_scores_q15(&m, x, 2, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], 65336);
    assert_int_equal(s[1], 65336);
    assert_int_equal(s[2], 65336);
    assert_int_equal(mlq_score_argmax(s, 3), 0);
    m.class_ids = ids;
    m.n_outputs = 10;
    assert_int_equal(mlq_svm_check(&m), MLQ_OK);
    assert_int_equal(mlq_svm_linear_predict_q15(&m, x, 2, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 4);
    assert_int_equal(mlq_svm_linear_scores_q15(&m, x, 2, work, sizeof work, s), MLQ_OK);
    for (c = 0; c < 10; c++)
        assert_int_equal(s[c], c == 4 || c == 7 || c == 9 ? 65336 : -32768);
    assert_int_equal(mlq_score_argmax(s, 10), 4);
    /* A decision of exactly 0 votes for the higher class, as in the reference. */
    m.n_classes = 2;
    m.n_outputs = 10;
    assert_int_equal(mlq_svm_predict_q15(&m, (const mlq_q15_t[2]){0, 5}, 2, work, sizeof work, &cls),
                     MLQ_OK);
    assert_int_equal(cls, 7);
    assert_int_equal(mlq_svm_scores_q15(&m, (const mlq_q15_t[2]){0, 5}, 2, work, sizeof work, s),
                     MLQ_OK);
    assert_int_equal(s[4], 0);
    assert_int_equal(s[7], 65536);
}

/* Without a tie, the winner's votes lead and each margin saturates at
 * half a vote: class 1 beats both others. */
static void test_scores_count_votes_and_clamp_margins(void **state)
{
    /* x = (1, 2): pair (0,1) w.x = -1000 - rho 24 = -1024 votes 1, pair
     * (0,2) 2 * 3 = 6 votes 0, pair (1,2) 7 votes 1. With dec_shift -5,
     * 0, 1: -32768, 6 and round(3.5) = 4 in Q15.16. */
    static const mlq_q15_t w[3 * 2] = {-1000, 0, 0, 3, 7, 0};
    static const int64_t rho[3] = {24, 0, 0};
    static const int8_t shift[3] = {-5, 0, 1};
    const mlq_svm_q15 m = linear3(w, rho, shift);
    const mlq_q15_t x[2] MLQ_ALIGN4 = {1, 2};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_SVM_WORK_BYTES(MLQ_SVM_LINEAR, 0, 3))];
    int32_t s[3];
    uint16_t cls = 99;

    (void)state;
    assert_int_equal(mlq_svm_predict_q15(&m, x, 2, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 1);
    assert_int_equal(mlq_svm_scores_q15(&m, x, 2, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], 65536 + (-32768 + 6));       /* 1 vote, margin -32762 */
    assert_int_equal(s[1], 2 * 65536 + 32767);          /* 32768 + 4, clamped */
    assert_int_equal(s[2], 0 + (-6 - 4));               /* no vote */
}

/* Each pair's decision value d = w.x - rho in Q15.16 by dec_shift s: a
 * two-class model's score of class 0 is 65536 [d > 0] + clamp(d / 2^s). */
static void test_decision_values_round_and_saturate(void **state)
{
    static const mlq_q15_t w[2] = {1, 0};
    static const struct {
        int16_t x;
        int64_t rho;
        int8_t s;
        int32_t t; /* d / 2^s rounded half up, saturated, clamped to +-32767 */
    } c[] = {
        {3, 0, 1, 2},            /* 1.5 -> 2 */
        {-3, 0, 1, -1},          /* -1.5 -> -1 */
        {5, 0, 2, 1},            /* 1.25 -> 1 */
        {-5, 0, 2, -1},          /* -1.25 -> -1 */
        {7, 0, 0, 7},
        {7, 0, -12, 28672},      /* 7 * 4096 */
        {8, 0, -12, 32767},      /* 32768: clamped */
        {1, 0, -31, 32767},      /* 2^31: saturated */
        {-1, 0, -31, -32767},    /* -2^31 */
        {1, 0, -128, 32767},     /* any value but 0 saturates */
        {0, 0, -128, 0},
        {5, -((int64_t)1 << 62), 63, 1},  /* (2^62 + 5) / 2^63 -> 1 */
        {5, -((int64_t)1 << 62), 64, 0},  /* below 1/2 -> 0 */
        {5, -((int64_t)1 << 62), 127, 0},
        {-5, (int64_t)1 << 62, 62, -1},   /* -(2^62 + 5) / 2^62 -> -1 */
        {-1, (int64_t)1 << 62, 61, -2},
    };
    mlq_svm_q15 m = {2, 2, 0, 2, MLQ_SVM_LINEAR, 0, NULL, NULL, NULL, NULL, NULL, w, NULL, NULL,
                     0, 0, 0, 0, 0, NULL};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_SVM_WORK_BYTES(MLQ_SVM_LINEAR, 0, 2))];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof c / sizeof c[0]; i++) {
        const mlq_q15_t x[2] MLQ_ALIGN4 = {c[i].x, 0};
        int64_t d = c[i].x - c[i].rho;
        int32_t s[2];

        m.rho = &c[i].rho;
        m.dec_shift = &c[i].s;
        assert_int_equal(mlq_svm_check(&m), MLQ_OK);
        assert_int_equal(mlq_svm_scores_q15(&m, x, 2, work, sizeof work, s), MLQ_OK);
        if (s[0] - (d > 0 ? 65536 : 0) != c[i].t || s[1] - (d > 0 ? 0 : 65536) != -c[i].t)
            fail_msg("case %zu: scores %d %d, want margin %d", i, s[0], s[1], c[i].t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp2_within_one_lsb_everywhere),
        cmocka_unit_test(test_rbf_kernel_matches_reference),
        cmocka_unit_test(test_poly_kernel_matches_reference),
        cmocka_unit_test(test_linear_kernel_matches_reference),
        cmocka_unit_test(test_vote_ties_go_to_the_lowest_class),
        cmocka_unit_test(test_scores_count_votes_and_clamp_margins),
        cmocka_unit_test(test_decision_values_round_and_saturate),
        cmocka_unit_test(test_regression_matches_reference),
        cmocka_unit_test(test_regression_saturates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
