/* SPDX-License-Identifier: MIT */
/*
 * SVM: the fixed-point exp2 against double over its whole input range; the
 * device kernels (RBF, poly, linear) bit for bit against a direct integer
 * reference written from mlq/svm.h (all tail lengths, extremes); voting and
 * ties; every error code with output canaries; the SMO trainer against the
 * reference implementation's solutions on the bundled data (support vector
 * counts and intercepts printed by scikit-learn 1.2's SVC, which wraps
 * libsvm, on the same 70/30 split) and on a problem solved by hand; the
 * exporter (host vs device agreement, scores, saturation of extreme inputs);
 * the model file's round trip and validation; training errors.
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

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "metrics.h"
#include "mlq/fixed.h"
#include "mlq/svm.h"
#include "model.h"
#include "svm_params.h"
#include "test_rng.h"

/* ---- exp2 ------------------------------------------------------------------ */

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

/* ---- reference kernels, written from the documentation of mlq/svm.h ------- */

/* Direct squared distance and dot product of Q15 vectors. */
static int64_t ref_d2(const mlq_q15_t *x, const mlq_q15_t *s, size_t n)
{
    int64_t d2 = 0;
    size_t j;

    for (j = 0; j < n; j++)
        d2 += ((int64_t)x[j] - s[j]) * ((int64_t)x[j] - s[j]);
    return d2;
}

static int64_t ref_dot(const mlq_q15_t *x, const mlq_q15_t *s, size_t n)
{
    int64_t d = 0;
    size_t j;

    for (j = 0; j < n; j++)
        d += (int64_t)x[j] * s[j];
    return d;
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

static uint16_t ref_vote(const mlq_svm_q15 *m, const int64_t *dec)
{
    uint16_t votes[16] = {0}, best = 0, i, j, p = 0;

    for (i = 0; i < m->n_classes; i++)
        for (j = (uint16_t)(i + 1); j < m->n_classes; j++, p++)
            votes[dec[p] > 0 ? i : j]++;
    for (i = 1; i < m->n_classes; i++)
        if (votes[i] > votes[best])
            best = i;
    return best;
}

/* A random model of `kernel` with k classes, d features, up to 9 SVs per class. */
typedef struct rand_model {
    mlq_svm_q15 m;
    uint16_t start[6];
    mlq_q15_t sv[45 * 40], coef[4 * 45], w[10 * 40];
    int64_t norm[45], rho[10];
    uint8_t pow_shift[14];
} rand_model;

static void make_model(rand_model *r, unsigned kernel, uint16_t k, uint16_t d)
{
    size_t row = ((size_t)d + 1) & ~(size_t)1, s, j, n_sv = 0, c;

    memset(r, 0, sizeof *r);
    r->start[0] = 0;
    for (c = 0; c < k; c++) {
        n_sv += next_u32() % 10u;
        r->start[c + 1] = (uint16_t)n_sv;
    }
    for (s = 0; s < n_sv; s++) {
        for (j = 0; j < d; j++)
            r->sv[s * row + j] = next_q15();
        r->norm[s] = ref_dot(r->sv + s * row, r->sv + s * row, d);
    }
    for (s = 0; s < (k - 1u) * n_sv; s++)
        r->coef[s] = next_q15();
    for (s = 0; s < (size_t)k * (k - 1u) / 2u; s++) {
        for (j = 0; j < d; j++)
            r->w[s * row + j] = next_q15();
        r->rho[s] = (int64_t)(int32_t)next_u32() * (int64_t)(next_u32() % 4096u);
    }
    r->m.n_classes = k;
    r->m.n_features = d;
    r->m.kernel = (uint8_t)kernel;
    r->m.rho = r->rho;
    if (kernel == MLQ_SVM_LINEAR) {
        r->m.w = r->w;
        return;
    }
    r->m.n_sv = (uint16_t)n_sv;
    r->m.sv_start = r->start;
    r->m.sv = r->sv;
    r->m.coef = r->coef;
    if (kernel == MLQ_SVM_RBF) {
        /* Limits from 2^10 to 2^45 (distances of Q15 vectors reach d * 2^32),
         * the largest k_pre and k_mul check() accepts, a random k_shift. */
        int64_t limit = (int64_t)(next_u32() % 1000u + 1) << (10 + next_u32() % 26u);
        uint64_t top = (uint64_t)(limit - 1);
        int pre = 0;

        while (pre < 31 && (top << (pre + 1)) >> 32 == 0)
            pre++;
        top <<= pre;
        r->m.sv_norm = r->norm;
        r->m.k_limit = limit;
        r->m.k_pre = (int8_t)pre;
        r->m.k_mul = (uint32_t)((top >> 32 == 0 ? UINT32_MAX : UINT64_MAX / top) >> (next_u32() % 4u));
        r->m.k_shift = (uint8_t)(next_u32() % 32u);
    } else {
        /* Within the ranges check() accepts; degrees up to 15 and large
         * k_mul and k_add, so that many inputs clamp t. */
        int pre = 1;

        while (((unsigned)d >> pre) > 1u) /* n_features < 2^(k_pre + 1) */
            pre++;
        r->m.degree = (uint8_t)(1 + next_u32() % 15u);
        r->m.k_pre = (int8_t)(pre + (int)(next_u32() % 16u));
        r->m.k_mul = next_u32() >> 1;
        r->m.k_shift = (uint8_t)(32 + next_u32() % 32u);
        r->m.k_add = (int32_t)(next_u32() % ((1u << 31) - 1u)) - ((1 << 30) - 1);
        /* As the exporter's: |t| <= k_limit <= 2^30 and steps of 30 or 31
         * bits keep every power within int32. */
        r->m.k_limit = 1 + (int64_t)(next_u32() % (1u << 30));
        for (j = 0; j < 14; j++)
            r->pow_shift[j] = (uint8_t)(30 + next_u32() % 2u);
        r->m.pow_shift = r->pow_shift;
    }
}

static void check_against_reference(unsigned kernel)
{
    static rand_model r;
    uint32_t work[MLQ_SVM_WORK_WORDS(MLQ_SVM_POLY, 45, 5)];
    mlq_q15_t x[40];
    int64_t dec[10], ref[10];
    uint16_t d, k, cls, rounds, j, p;

    for (d = 1; d <= 37; d++) {
        for (rounds = 0; rounds < 20; rounds++) {
            k = (uint16_t)(2 + next_u32() % 4u);
            make_model(&r, kernel, k, d);
            for (j = 0; j < d; j++) {
                uint32_t pick = next_u32() % 8u;

                /* Extremes included: the kernels must not overflow on any input. */
                x[j] = pick == 0 ? INT16_MIN : pick == 1 ? INT16_MAX : next_q15();
            }
            assert_int_equal(mlq_svm_decision_q15(&r.m, x, d, work, sizeof work, dec), MLQ_OK);
            ref_decision(&r.m, x, ref);
            for (p = 0; p < (uint16_t)(k * (k - 1) / 2); p++)
                assert_true(dec[p] == ref[p]);
            assert_int_equal(mlq_svm_predict_q15(&r.m, x, d, work, sizeof work, &cls), MLQ_OK);
            assert_int_equal(cls, ref_vote(&r.m, ref));
        }
    }
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

/* Three classes that beat each other in a circle: one vote each, so the
 * lowest class wins; with class_ids the winner reports its own id. */
static void test_vote_ties_go_to_the_lowest_class(void **state)
{
    /* w . x with x = (1, 0): pair (0,1) > 0 votes 0, pair (0,2) <= 0 votes 2,
     * pair (1,2) > 0 votes 1. */
    static const mlq_q15_t w[3 * 2] = {100, 0, -100, 0, 100, 0};
    static const int64_t rho[3] = {0, 0, 0};
    static const uint16_t ids[3] = {4, 7, 9};
    mlq_svm_q15 m = {3, 2, 0, MLQ_SVM_LINEAR, 0, NULL, NULL, NULL, NULL, NULL, w, rho,
                     0, 0, 0, 0, 0, NULL};
    const mlq_q15_t x[2] MLQ_ALIGN4 = {1, 0};
    uint32_t work[MLQ_SVM_WORK_WORDS(MLQ_SVM_LINEAR, 0, 3)];
    uint16_t cls = 99;

    (void)state;
    assert_int_equal(mlq_svm_predict_q15(&m, x, 2, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 0);
    m.class_ids = ids;
    assert_int_equal(mlq_svm_linear_predict_q15(&m, x, 2, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, 4);
    /* A decision of exactly 0 votes for the higher class, as in the reference. */
    m.n_classes = 2;
    assert_int_equal(mlq_svm_predict_q15(&m, (const mlq_q15_t[2]){0, 5}, 2, work, sizeof work, &cls),
                     MLQ_OK);
    assert_int_equal(cls, 7);
}

static void test_errors_leave_output_untouched(void **state)
{
    static rand_model r;
    uint32_t work[MLQ_SVM_WORK_WORDS(MLQ_SVM_POLY, 45, 5) + 1];
    mlq_q15_t x[4] MLQ_ALIGN4 = {1, 2, 3, 4};
    int64_t dec[10] = {7};
    uint16_t cls = 12345;
    mlq_svm_q15 bad;
    uint16_t start_bad[6];

    (void)state;
    make_model(&r, MLQ_SVM_RBF, 3, 4);
    assert_int_equal(mlq_svm_predict_q15(&r.m, x, 3, work, sizeof work, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_svm_decision_q15(&r.m, x, 5, work, sizeof work, dec), MLQ_ERR_SIZE);
    assert_int_equal(mlq_svm_predict_q15(&r.m, x, 4, work, mlq_svm_work_size(&r.m) - 1, &cls),
                     MLQ_ERR_BUFFER);
    assert_int_equal(mlq_svm_predict_q15(&r.m, x, 4, (char *)work + 2, sizeof work - 4, &cls),
                     MLQ_ERR_BUFFER);
    assert_int_equal(mlq_svm_poly_predict_q15(&r.m, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_svm_linear_predict_q15(&r.m, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    bad = r.m;
    bad.n_classes = 1;
    assert_int_equal(mlq_svm_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    bad = r.m;
    bad.kernel = 7;
    assert_int_equal(mlq_svm_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_svm_decision_q15(&bad, x, 4, work, sizeof work, dec), MLQ_ERR_MODEL);
    bad = r.m;
    memcpy(start_bad, r.start, sizeof start_bad);
    start_bad[3] = (uint16_t)(start_bad[3] + 1); /* does not end at n_sv */
    bad.sv_start = start_bad;
    assert_int_equal(mlq_svm_rbf_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    bad = r.m;
    bad.sv_norm = NULL;
    assert_int_equal(mlq_svm_rbf_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    {
        /* The RBF constants: limit 2^20 takes k_pre 12 (the largest) and,
         * with it, k_mul up to UINT32_MAX; one step past each range fails. */
        struct {
            int64_t limit;
            int pre, shift;
            uint32_t mul;
            mlq_status want;
        } rc[] = {
            {(int64_t)1 << 20, 12, 0, UINT32_MAX, MLQ_OK},
            {(int64_t)1 << 20, 12, 31, 1, MLQ_OK},
            {((int64_t)1 << 20) + 1, 12, 0, 1, MLQ_ERR_MODEL}, /* shifted past 32 bits */
            {(int64_t)1 << 20, 13, 0, 1, MLQ_ERR_MODEL},
            {(int64_t)1 << 20, -1, 0, 1, MLQ_ERR_MODEL},
            {(int64_t)1 << 20, 0, 32, 1, MLQ_ERR_MODEL},
            {0, 0, 0, 1, MLQ_ERR_MODEL},
            {-5, 0, 0, 1, MLQ_ERR_MODEL},
            /* L = 2^40: u fits for k_mul 2^24 - 1 ... */
            {((int64_t)1 << 40) + 1, 0, 0, (1u << 24) - 1u, MLQ_OK},
            /* ... and not for 2^24 (floor(2^40 2^24 / 2^32) = 2^32) */
            {((int64_t)1 << 40) + 1, 0, 0, 1u << 24, MLQ_ERR_MODEL},
        };
        size_t i;

        for (i = 0; i < sizeof rc / sizeof rc[0]; i++) {
            bad = r.m;
            bad.k_limit = rc[i].limit;
            bad.k_pre = (int8_t)rc[i].pre;
            bad.k_shift = (uint8_t)rc[i].shift;
            bad.k_mul = rc[i].mul;
            assert_int_equal(mlq_svm_rbf_predict_q15(&bad, x, 4, work, sizeof work, &cls),
                             rc[i].want);
            assert_int_equal(mlq_svm_decision_q15(&bad, x, 4, work, sizeof work, dec), rc[i].want);
        }
        dec[0] = 7; /* the canary again, for the errors below */
    }
    make_model(&r, MLQ_SVM_POLY, 3, 4);
    bad = r.m;
    bad.degree = 0;
    assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    /* The scaling constants the kernel's bounds rest on. */
    r.m.degree = 3;
    assert_int_equal(mlq_svm_poly_predict_q15(&r.m, x, 4, work, sizeof work, &cls), MLQ_OK);
    {
        size_t i;

        static const int64_t limits[] = {0, -1, ((int64_t)1 << 30) + 1};
        static const uint8_t shifts[] = {0, 32};
        uint8_t ps[14];

        for (i = 0; i < 3; i++) {
            bad = r.m;
            bad.k_limit = limits[i];
            assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls),
                             MLQ_ERR_MODEL);
        }
        for (i = 0; i < 2; i++) {
            bad = r.m;
            memcpy(ps, r.pow_shift, sizeof ps);
            ps[1] = shifts[i];
            bad.pow_shift = ps;
            assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls),
                             MLQ_ERR_MODEL);
        }
        bad = r.m;
        bad.pow_shift = NULL;
        assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
        bad = r.m;
        bad.degree = 16;
        assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
        bad = r.m;
        bad.k_mul = (uint32_t)INT32_MAX + 1u;
        assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
        for (i = 0; i < 2; i++) {
            bad = r.m;
            bad.k_shift = i == 0 ? 31 : 64;
            assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls),
                             MLQ_ERR_MODEL);
            bad = r.m;
            bad.k_add = i == 0 ? -(1 << 30) : 1 << 30;
            assert_int_equal(mlq_svm_poly_predict_q15(&bad, x, 4, work, sizeof work, &cls),
                             MLQ_ERR_MODEL);
        }
        /* k_pre 1 lets 4 features' dot reach 2^32: too small. */
        for (i = 0; i < 3; i++) {
            bad = r.m;
            bad.k_pre = (int8_t)(i == 0 ? 0 : i == 1 ? 1 : 32);
            assert_int_equal(mlq_svm_decision_q15(&bad, x, 4, work, sizeof work, dec), MLQ_ERR_MODEL);
        }
    }
    cls = 12345;
    make_model(&r, MLQ_SVM_LINEAR, 3, 4);
    bad = r.m;
    bad.w = NULL;
    assert_int_equal(mlq_svm_linear_predict_q15(&bad, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
    assert_int_equal(cls, 12345);
    assert_true(dec[0] == 7);
}

/* ---- the trainer ------------------------------------------------------------ */

/* Fit scaling and train an SVM on rows idx[n] of d (all rows when idx is NULL). */
static int train(const mlq_dataset *d, const char *hyper, mlq_model *m, mlq_err *err)
{
    cJSON *h = cJSON_Parse(hyper);

    assert_non_null(h);
    return mlq_model_train(m, &mlq_algo_svm, d, h, 1, 0, NULL, err);
}

#define HYPER(extra)                                                                           \
    "{\"kernel\": \"rbf\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, \"coef0\": 0, "   \
    "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200" extra "}"

/* The training part of data/NAME.csv as `mlq split --test-size 0.3 --seed 1` makes it. */
static void training_part(const char *path, mlq_dataset *tr, mlq_dataset *te)
{
    mlq_dataset d = {0};
    mlq_err err = {{0}};
    size_t *a, *b, na, nb, i, j;

    assert_int_equal(mlq_csv_read(path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    a = calloc(d.n_rows, sizeof *a);
    b = calloc(d.n_rows, sizeof *b);
    assert_int_equal(mlq_split_stratified(d.y, d.n_rows, d.n_classes, 0.3, 1, a, &na, b, &nb), 0);
    *tr = d;
    tr->x = calloc(na * d.n_features, sizeof(double));
    tr->y = calloc(na, sizeof(int));
    te->x = calloc(nb * d.n_features, sizeof(double));
    te->y = calloc(nb, sizeof(int));
    for (i = 0; i < na; i++) {
        for (j = 0; j < d.n_features; j++)
            tr->x[i * d.n_features + j] = d.x[a[i] * d.n_features + j];
        tr->y[i] = d.y[a[i]];
    }
    for (i = 0; i < nb; i++) {
        for (j = 0; j < d.n_features; j++)
            te->x[i * d.n_features + j] = d.x[b[i] * d.n_features + j];
        te->y[i] = d.y[b[i]];
    }
    tr->n_rows = na;
    te->n_rows = nb;
    te->n_features = d.n_features;
    free(d.x);
    free(d.y);
    free(a);
    free(b);
}

static void free_part(mlq_dataset *tr, mlq_dataset *te)
{
    free(te->x);
    free(te->y);
    mlq_dataset_free(tr);
}

/* Training against the reference implementation (libsvm through scikit-learn
 * 1.2 SVC(C, gamma, tol=1e-3), same split, StandardScaler): support vectors
 * per class and rho of each pair (scikit-learn's -intercept_; for two
 * classes it flips the sign of the binary problem, so +intercept_). */
static void expect_reference(const char *path, const char *hyper, const size_t *nsv,
                             const double *rho, size_t n_pairs, double accuracy)
{
    mlq_dataset tr, te = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const svm_params *sp;
    double z[64];
    size_t i, hit = 0;

    training_part(path, &tr, &te);
    assert_int_equal(train(&tr, hyper, &m, &err), 0);
    sp = m.params;
    for (i = 0; i < sp->n_used; i++)
        assert_int_equal(sp->sv_count[i], nsv[i]);
    for (i = 0; i < n_pairs; i++)
        assert_true(fabs(sp->rho[i] - rho[i]) < 1e-6);
    for (i = 0; i < te.n_rows; i++) {
        mlq_model_standardize(&m, te.x + i * te.n_features, z);
        hit += m.algo->predict(&m, z) == te.y[i];
    }
    assert_true(fabs((double)hit / (double)te.n_rows - accuracy) < 1e-9);
    mlq_model_free(&m);
    free_part(&tr, &te);
}

static void test_iris_rbf_matches_the_reference(void **state)
{
    static const size_t nsv[3] = {7, 21, 18};
    static const double rho[3] = {0.01084270654691474, 0.22424149991807424, 0.12309849534123006};

    (void)state;
    expect_reference("data/iris.csv", HYPER(""), nsv, rho, 3, 44.0 / 45.0);
}

static void test_iris_linear_balanced_matches_the_reference(void **state)
{
    static const size_t nsv[3] = {2, 12, 10};
    static const double rho[3] = {0.8102293713947746, 0.2931294055040098, -2.492182874969555};

    (void)state;
    expect_reference("data/iris.csv",
                     "{\"kernel\": \"linear\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, "
                     "\"coef0\": 0, \"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": "
                     "\"balanced\", \"cache-mb\": 200}",
                     nsv, rho, 3, 44.0 / 45.0);
}

static void test_wine_poly_matches_the_reference(void **state)
{
    static const size_t nsv[3] = {6, 18, 8};
    static const double rho[3] = {0.13891580562670253, -0.39330425874936165, -0.6394724028414409};

    (void)state;
    expect_reference("data/wine.csv",
                     "{\"kernel\": \"poly\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 2, "
                     "\"coef0\": 1, \"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": "
                     "\"none\", \"cache-mb\": 200}",
                     nsv, rho, 3, 49.0 / 53.0);
}

/* A binary problem with a cache of one MiB (far below its kernel matrix)
 * exercises eviction: same solution as the reference. */
static void test_breast_cancer_small_cache_matches_the_reference(void **state)
{
    static const size_t nsv[2] = {44, 51};
    static const double rho[1] = {-0.15831018698109178};

    (void)state;
    expect_reference("data/breast_cancer.csv",
                     "{\"kernel\": \"rbf\", \"C\": 10, \"gamma\": 0.05, \"degree\": 3, \"coef0\": 0, "
                     "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 1}",
                     nsv, rho, 1, 163.0 / 171.0);
}

/* Two points at -1 and +1 (standardized: the same): the hard-margin solution
 * is w = (1, 0), b = 0, both points support vectors with alpha = 1/2. */
static void test_two_points_by_hand(void **state)
{
    double x[8] = {-1, 3, 1, 3, -1, 5, 1, 5};
    int y[4] = {0, 1, 0, 1};
    char *names[2] = {"a", "b"}, *feat[2] = {"f0", "f1"};
    mlq_dataset d = {4, 2, x, feat, y, 2, names, NULL, "hand", NULL};
    mlq_model m;
    mlq_err err = {{0}};
    const svm_params *sp;
    size_t s;

    (void)state;
    assert_int_equal(train(&d, "{\"kernel\": \"linear\", \"C\": 1000, \"gamma\": \"scale\", "
                               "\"degree\": 3, \"coef0\": 0, \"tol\": 1e-6, \"max-iter\": 1000, "
                               "\"class-weight\": \"none\", \"cache-mb\": 1}",
                           &m, &err),
                     0);
    sp = m.params;
    assert_true(fabs(sp->rho[0]) < 1e-9);
    /* w = sum coef * sv = (-1, 0) for class a as the positive side... */
    {
        double w0 = 0, w1 = 0, total = 0;

        for (s = 0; s < sp->n_sv; s++) {
            w0 += sp->coef[s] * sp->sv[s * 2];
            w1 += sp->coef[s] * sp->sv[s * 2 + 1];
            total += fabs(sp->coef[s]);
        }
        assert_true(fabs(w0 + 1.0) < 1e-9); /* class a (positive) sits at z0 = -1 */
        assert_true(fabs(w1) < 1e-9);
        assert_true(fabs(total - 1.0) < 1e-9); /* |alpha| sums to 1 = |w|^2 */
    }
    mlq_model_free(&m);
}

static void test_training_errors(void **state)
{
    double x[6] = {1, 2, 3, 4, 5, 6};
    int y1[3] = {1, 1, 1};
    char *names[2] = {"cat", "dog"}, *feat[2] = {"f0", "f1"};
    mlq_dataset one = {3, 2, x, feat, y1, 2, names, NULL, "one.csv", NULL};
    mlq_dataset tr, te = {0};
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    assert_int_equal(train(&one, HYPER(""), &m, &err), -1);
    assert_string_equal(err.msg, "one.csv: every row has the class 'dog': an SVM needs rows of at "
                                 "least two classes");
    mlq_model_free(&m);
    training_part("data/wine.csv", &tr, &te);
    assert_int_equal(train(&tr,
                           "{\"kernel\": \"rbf\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, "
                           "\"coef0\": 0, \"tol\": 1e-3, \"max-iter\": 5, \"class-weight\": "
                           "\"none\", \"cache-mb\": 200}",
                           &m, &err),
                     -1);
    assert_non_null(strstr(err.msg, "did not reach --tol 0.001 within --max-iter 5 iterations"));
    mlq_model_free(&m);
    free_part(&tr, &te);
}

/* ---- exporter, model file -------------------------------------------------- */

static void check_device(const char *path, const char *hyper)
{
    mlq_dataset tr, te = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    mlq_device dev;
    double z[64], hs[64], ds[64], big[64];
    size_t i, j, same = 0, np;
    int host, devc;
    char out[] = "/tmp/mlq_test_svm_XXXXXX";
    int fd = mkstemp(out);

    assert_true(fd >= 0);
    training_part(path, &tr, &te);
    assert_int_equal(train(&tr, hyper, &m, &err), 0);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.clipped, 0);
    np = m.algo->n_scores(&m);
    for (i = 0; i < te.n_rows; i++) {
        const double *x = te.x + i * te.n_features;
        double worst = 0;

        mlq_model_standardize(&m, x, z);
        host = m.algo->predict(&m, z);
        assert_int_equal(mlq_device_predict(&dev, x, &devc), MLQ_OK);
        same += host == devc;
        m.algo->host_scores(&m, z, hs);
        assert_int_equal(mlq_device_scores(&dev, x, ds), MLQ_OK);
        for (j = 0; j < np; j++)
            worst = fmax(worst, fabs(hs[j] - ds[j]));
        /* Rows inside the input range: decision values within 0.01. */
        for (j = 0; j < te.n_features && fabs(z[j]) < m.input_range; j++)
            ;
        if (j == te.n_features)
            { if (!(worst < 0.01)) printf("row %zu worst %g\n", i, worst); assert_true(worst < 0.01); }
    }
    assert_true((double)same >= 0.995 * (double)te.n_rows);
    /* Far outside the training range: inputs saturate, a class comes out. */
    for (i = 0; i < 50; i++) {
        for (j = 0; j < te.n_features; j++)
            big[j] = (next_u32() & 1 ? 1e30 : -1e30) * (next_u32() % 3u);
        assert_int_equal(mlq_device_predict(&dev, big, &devc), MLQ_OK);
        assert_true(devc >= 0 && (size_t)devc < m.n_classes);
    }
    /* The model file round trip keeps every prediction. */
    assert_int_equal(mlq_model_save(out, &m, &err), 0);
    assert_int_equal(mlq_model_load(out, &back, &err), 0);
    for (i = 0; i < te.n_rows; i++) {
        mlq_model_standardize(&m, te.x + i * te.n_features, z);
        assert_int_equal(m.algo->predict(&m, z), back.algo->predict(&back, z));
    }
    remove(out);
    mlq_model_free(&back);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    free_part(&tr, &te);
}

static void test_device_agrees_with_host_rbf(void **state)
{
    (void)state;
    check_device("data/wine.csv", HYPER(""));
}

static void test_device_agrees_with_host_poly(void **state)
{
    (void)state;
    check_device("data/iris.csv",
                 "{\"kernel\": \"poly\", \"C\": 1, \"gamma\": 0.5, \"degree\": 3, \"coef0\": 1, "
                 "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200}");
}

static void test_device_agrees_with_host_linear(void **state)
{
    (void)state;
    check_device("data/breast_cancer.csv",
                 "{\"kernel\": \"linear\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, \"coef0\": 0, "
                 "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200}");
}

/* The loader names the field that is wrong. */
static void test_model_file_validation(void **state)
{
    static const struct {
        const char *from, *to, *msg;
    } cases[] = {
        {"\"kernel\":\t\"rbf\"", "\"kernel\":\t\"sigmoid\"", "field 'svm.kernel' must be"},
        {"\"gamma\":\t0.25", "\"gamma\":\t-0.25", "field 'svm.gamma' must be > 0"},
        {"\"classes\":\t[0, 1, 2]", "\"classes\":\t[0, 2, 1]", "field 'svm.classes' entry 2"},
        {"\"sv_count\":\t[7, 21, 18]", "\"sv_count\":\t[7, 21, 17]", "field 'svm.support_vectors' has 46 rows, expected 45"},
        {"\"degree\":\t3", "\"degree\":\t0", "field 'svm.degree' must be an integer in [1, 10]"},
    };
    mlq_dataset tr, te = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_svm_XXXXXX", bad[64];
    char *text;
    long len;
    size_t c;
    FILE *f;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    training_part("data/iris.csv", &tr, &te);
    assert_int_equal(train(&tr, HYPER(""), &m, &err), 0);
    assert_int_equal(mlq_model_save(path, &m, &err), 0);
    f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc((size_t)len + 1, 1);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    snprintf(bad, sizeof bad, "%s.bad", path);
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        /* In the algorithm's object, not in the hyperparameters. */
        char *at = strstr(strstr(text, "\"svm\":"), cases[c].from);

        if (at == NULL)
            fail_msg("no '%s' in the model file", cases[c].from);
        f = fopen(bad, "wb");
        fwrite(text, 1, (size_t)(at - text), f);
        fputs(cases[c].to, f);
        fputs(at + strlen(cases[c].from), f);
        fclose(f);
        assert_int_equal(mlq_model_load(bad, &back, &err), -1);
        if (strstr(err.msg, cases[c].msg) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", c, err.msg, cases[c].msg);
    }
    remove(bad);
    remove(path);
    free(text);
    mlq_model_free(&m);
    free_part(&tr, &te);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp2_within_one_lsb_everywhere),
        cmocka_unit_test(test_rbf_kernel_matches_reference),
        cmocka_unit_test(test_poly_kernel_matches_reference),
        cmocka_unit_test(test_linear_kernel_matches_reference),
        cmocka_unit_test(test_vote_ties_go_to_the_lowest_class),
        cmocka_unit_test(test_errors_leave_output_untouched),
        cmocka_unit_test(test_iris_rbf_matches_the_reference),
        cmocka_unit_test(test_iris_linear_balanced_matches_the_reference),
        cmocka_unit_test(test_wine_poly_matches_the_reference),
        cmocka_unit_test(test_breast_cancer_small_cache_matches_the_reference),
        cmocka_unit_test(test_two_points_by_hand),
        cmocka_unit_test(test_training_errors),
        cmocka_unit_test(test_device_agrees_with_host_rbf),
        cmocka_unit_test(test_device_agrees_with_host_poly),
        cmocka_unit_test(test_device_agrees_with_host_linear),
        cmocka_unit_test(test_model_file_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
