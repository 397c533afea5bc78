/* SPDX-License-Identifier: MIT */
/*
 * SVM device contract: every defect mlq_svm_check rejects (shapes, arrays,
 * ids, norms, padding, each scaling constant one step past its range), and
 * every error code of every entry (predict, scores, decision, regress,
 * generic and kernel-specific) with output canaries that must survive;
 * what a regression model is to the classification entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "mlq/svm.h"
#include "svm_rand.h"
#include "test_rng.h"

/* Scratch for every model of make_model, aligned as mlq_work_t. */
#define WORK_BYTES MLQ_SVM_WORK_BYTES(MLQ_SVM_POLY, 45, 5)

/* Every defect mlq_svm_check rejects, one at a time, from models that pass. */
static void test_check_rejects_each_defect(void **state)
{
    static rand_model r;
    mlq_svm_q15 bad;
    uint16_t start_bad[6], ids_bad[5];
    mlq_q15_t sv_bad[45 * 40];
    int64_t norm_bad[45], rho_bad[10];
    uint8_t ps[14];
    size_t i;

#define REJECT(edit)                                                                               \
    do {                                                                                           \
        bad = r.m;                                                                                 \
        edit;                                                                                      \
        if (mlq_svm_check(&bad) != MLQ_ERR_MODEL)                                                  \
            fail_msg("accepted: %s", #edit);                                                       \
    } while (0)

    (void)state;
    do
        make_model(&r, MLQ_SVM_RBF, 3, 3);
    while (r.m.class_ids == NULL || r.start[1] == 0 || r.start[3] == r.start[2]);
    assert_int_equal(mlq_svm_check(&r.m), MLQ_OK);
    REJECT(bad.n_classes = 0);
    REJECT(bad.n_classes = 1);                      /* a regression model has one output */
    REJECT(bad.n_outputs = 2);                      /* below n_classes */
    REJECT(bad.n_outputs = 32768);
    REJECT(bad.n_features = 0);
    REJECT(bad.rho = NULL);
    REJECT(bad.dec_shift = NULL);
    REJECT(bad.kernel = 3);
    REJECT(bad.kernel = MLQ_SVM_POLY);              /* its constants are not a poly's */
    memcpy(ids_bad, r.ids, sizeof ids_bad);
    ids_bad[2] = ids_bad[1];                        /* not increasing */
    REJECT(bad.class_ids = ids_bad);
    memcpy(ids_bad, r.ids, sizeof ids_bad);
    REJECT(bad.n_outputs = r.ids[2]);               /* an id not below n_outputs */
    memcpy(rho_bad, r.rho, sizeof rho_bad);
    rho_bad[1] = ((int64_t)1 << 62) + 1;
    REJECT(bad.rho = rho_bad);
    rho_bad[1] = -((int64_t)1 << 62) - 1;
    REJECT(bad.rho = rho_bad);
    REJECT(bad.sv = NULL);
    REJECT(bad.coef = NULL);
    REJECT(bad.sv_start = NULL);
    REJECT(bad.sv_norm = NULL);
    memcpy(start_bad, r.start, sizeof start_bad);
    start_bad[3]++;                                 /* does not end at n_sv */
    REJECT(bad.sv_start = start_bad);
    memcpy(start_bad, r.start, sizeof start_bad);
    start_bad[0] = 1;
    REJECT(bad.sv_start = start_bad);
    memcpy(start_bad, r.start, sizeof start_bad);
    start_bad[2] = (uint16_t)(start_bad[1] - 1u);   /* decreasing */
    REJECT(bad.sv_start = start_bad);
    memcpy(norm_bad, r.norm, sizeof norm_bad);
    norm_bad[r.start[1] - 1u]++;
    REJECT(bad.sv_norm = norm_bad);
    memcpy(sv_bad, r.sv, sizeof sv_bad);
    sv_bad[3] = 1;                                  /* the padding of row 0 */
    REJECT(bad.sv = sv_bad);
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
            {(int64_t)1 << 20, 32, 0, 1, MLQ_ERR_MODEL},
            {(int64_t)1 << 20, 0, 32, 1, MLQ_ERR_MODEL},
            {0, 0, 0, 1, MLQ_ERR_MODEL},
            {-5, 0, 0, 1, MLQ_ERR_MODEL},
            /* L = 2^40: u fits for k_mul 2^24 - 1 ... */
            {((int64_t)1 << 40) + 1, 0, 0, (1u << 24) - 1u, MLQ_OK},
            /* ... and not for 2^24 (floor(2^40 2^24 / 2^32) = 2^32) */
            {((int64_t)1 << 40) + 1, 0, 0, 1u << 24, MLQ_ERR_MODEL},
        };

        for (i = 0; i < sizeof rc / sizeof rc[0]; i++) {
            bad = r.m;
            bad.k_limit = rc[i].limit;
            bad.k_pre = (int8_t)rc[i].pre;
            bad.k_shift = (uint8_t)rc[i].shift;
            bad.k_mul = rc[i].mul;
            if (mlq_svm_check(&bad) != rc[i].want)
                fail_msg("RBF constants case %zu", i);
        }
    }
    make_model(&r, MLQ_SVM_POLY, 3, 4);
    r.m.degree = 3;
    assert_int_equal(mlq_svm_check(&r.m), MLQ_OK);
    REJECT(bad.degree = 0);
    REJECT(bad.degree = 16);
    REJECT(bad.pow_shift = NULL);
    REJECT(bad.kernel = MLQ_SVM_RBF);               /* no norms */
    REJECT(bad.k_limit = 0);
    REJECT(bad.k_limit = -1);
    REJECT(bad.k_limit = ((int64_t)1 << 30) + 1);
    REJECT(bad.k_mul = (uint32_t)INT32_MAX + 1u);
    REJECT(bad.k_shift = 31);
    REJECT(bad.k_shift = 64);
    REJECT(bad.k_add = -(1 << 30));
    REJECT(bad.k_add = 1 << 30);
    REJECT(bad.k_pre = 0);
    REJECT(bad.k_pre = 1);                          /* 4 features' dot would reach 2^32 */
    REJECT(bad.k_pre = 32);
    for (i = 0; i < 2; i++) {
        memcpy(ps, r.pow_shift, sizeof ps);
        ps[1] = i == 0 ? 0 : 32;
        REJECT(bad.pow_shift = ps);
    }
    bad = r.m;
    bad.k_pre = 2;                                  /* the smallest for 4 features */
    assert_int_equal(mlq_svm_check(&bad), MLQ_OK);
    {
        /* 65535 features need k_pre 15 (65535 < 2^16); k_pre up to 31
         * shifts a 32-bit value, also where int has 16 bits. */
        static mlq_q15_t sv1[65536];
        static const mlq_q15_t coef1[1] = {1};
        static const uint16_t start1[3] = {0, 1, 1};

        bad.n_classes = 2;
        bad.n_outputs = 2;
        bad.class_ids = NULL;
        bad.n_features = 65535;
        bad.n_sv = 1;
        bad.sv = sv1;
        bad.coef = coef1;
        bad.sv_start = start1;
        for (i = 14; i <= 31; i++) {
            bad.k_pre = (int8_t)i;
            assert_int_equal(mlq_svm_check(&bad), i == 14 ? MLQ_ERR_MODEL : MLQ_OK);
        }
    }
    make_model(&r, MLQ_SVM_LINEAR, 3, 3);
    assert_int_equal(mlq_svm_check(&r.m), MLQ_OK);
    REJECT(bad.w = NULL);
    REJECT(bad.n_sv = 1);                           /* a linear model has no support vectors */
    memcpy(sv_bad, r.w, sizeof r.w);
    sv_bad[4 + 3] = -1;                             /* the padding of pair 1's row */
    REJECT(bad.w = sv_bad);
#undef REJECT
}

/* Every entry: each error code, with the output untouched. */
static void test_errors_leave_output_untouched(void **state)
{
    static rand_model r;
    static const unsigned kernels[3] = {MLQ_SVM_LINEAR, MLQ_SVM_RBF, MLQ_SVM_POLY};
    mlq_work_t work[MLQ_WORK_ELEMS(WORK_BYTES) + 1];
    mlq_q15_t x[4] MLQ_ALIGN4 = {1, 2, 3, 4};
    int64_t dec[10];
    int32_t s[20];
    uint16_t cls;
    size_t i, need, c;
    typedef mlq_status (*predict_fn)(const mlq_svm_q15 *, const mlq_q15_t *, uint16_t, void *,
                                     size_t, uint16_t *);
    typedef mlq_status (*scores_fn)(const mlq_svm_q15 *, const mlq_q15_t *, uint16_t, void *,
                                    size_t, int32_t *);
    static const predict_fn pf[3] = {mlq_svm_linear_predict_q15, mlq_svm_rbf_predict_q15,
                                     mlq_svm_poly_predict_q15};
    static const scores_fn sf[3] = {mlq_svm_linear_scores_q15, mlq_svm_rbf_scores_q15,
                                    mlq_svm_poly_scores_q15};

    (void)state;
    for (i = 0; i < 3; i++) {
        do
            make_model(&r, kernels[i], 3, 4);
        while (kernels[i] != MLQ_SVM_LINEAR && r.m.n_sv == 0);
        need = mlq_svm_work_size(&r.m);
        assert_int_equal(need, MLQ_SVM_WORK_BYTES(kernels[i], r.m.n_sv, 3));
        cls = 12345;
        for (c = 0; c < 20; c++)
            s[c] = 777;
        dec[0] = 7;
#define EXPECT(call, want)                                                                         \
    do {                                                                                           \
        if ((call) != (want))                                                                      \
            fail_msg("kernel %u: %s is not %s", kernels[i], #call, #want);                         \
    } while (0)
        /* n_features */
        EXPECT(mlq_svm_predict_q15(&r.m, x, 3, work, sizeof work, &cls), MLQ_ERR_SIZE);
        EXPECT(mlq_svm_scores_q15(&r.m, x, 5, work, sizeof work, s), MLQ_ERR_SIZE);
        EXPECT(mlq_svm_decision_q15(&r.m, x, 0, work, sizeof work, dec), MLQ_ERR_SIZE);
        EXPECT(pf[i](&r.m, x, 3, work, sizeof work, &cls), MLQ_ERR_SIZE);
        EXPECT(sf[i](&r.m, x, 3, work, sizeof work, s), MLQ_ERR_SIZE);
        /* scratch too small, or not aligned as mlq_work_t */
        EXPECT(mlq_svm_predict_q15(&r.m, x, 4, work, need - 1, &cls), MLQ_ERR_BUFFER);
        EXPECT(mlq_svm_scores_q15(&r.m, x, 4, work, need - 1, s), MLQ_ERR_BUFFER);
        EXPECT(mlq_svm_decision_q15(&r.m, x, 4, work, need - 1, dec), MLQ_ERR_BUFFER);
        EXPECT(pf[i](&r.m, x, 4, NULL, 0, &cls), MLQ_ERR_BUFFER);
        EXPECT(sf[i](&r.m, x, 4, NULL, 0, s), MLQ_ERR_BUFFER);
        if (MLQ_WORK_ALIGN > 1) {
            EXPECT(mlq_svm_predict_q15(&r.m, x, 4, (char *)work + 1, need, &cls), MLQ_ERR_BUFFER);
            EXPECT(mlq_svm_scores_q15(&r.m, x, 4, (char *)work + MLQ_WORK_ALIGN / 2, need, s),
                   MLQ_ERR_BUFFER);
            EXPECT(mlq_svm_decision_q15(&r.m, x, 4, (char *)work + 1, need, dec), MLQ_ERR_BUFFER);
        }
        /* another kernel's entry; an unknown kernel */
        EXPECT(pf[(i + 1) % 3](&r.m, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
        EXPECT(sf[(i + 2) % 3](&r.m, x, 4, work, sizeof work, s), MLQ_ERR_MODEL);
        r.m.kernel = 7;
        EXPECT(mlq_svm_predict_q15(&r.m, x, 4, work, sizeof work, &cls), MLQ_ERR_MODEL);
        EXPECT(mlq_svm_scores_q15(&r.m, x, 4, work, sizeof work, s), MLQ_ERR_MODEL);
        EXPECT(mlq_svm_decision_q15(&r.m, x, 4, work, sizeof work, dec), MLQ_ERR_MODEL);
        r.m.kernel = (uint8_t)kernels[i];
#undef EXPECT
        assert_int_equal(cls, 12345);
        for (c = 0; c < 20; c++)
            assert_int_equal(s[c], 777);
        assert_true(dec[0] == 7);
        /* the exact size, aligned: fine */
        assert_int_equal(pf[i](&r.m, x, 4, work, need, &cls), MLQ_OK);
        assert_true(cls < r.m.n_outputs);
    }
}

/* A regression model: what mlq_svm_check rejects of it, every error code
 * of the regress entries with the output untouched, and the classification
 * entries, which report class 0 (score 0) and no pair. */
static void test_regression_model(void **state)
{
    static rand_model r;
    static const unsigned kernels[3] = {MLQ_SVM_LINEAR, MLQ_SVM_RBF, MLQ_SVM_POLY};
    typedef mlq_status (*regress_fn)(const mlq_svm_q15 *, const mlq_q15_t *, uint16_t, void *,
                                     size_t, int32_t *);
    static const regress_fn rf[3] = {mlq_svm_linear_regress_q15, mlq_svm_rbf_regress_q15,
                                     mlq_svm_poly_regress_q15};
    mlq_work_t work[MLQ_WORK_ELEMS(WORK_BYTES) + 1];
    mlq_q15_t x[4] MLQ_ALIGN4 = {1, 2, 3, 4};
    mlq_svm_q15 bad;
    uint16_t start_bad[6], cls;
    int64_t dec[1];
    int32_t y, s[2];
    size_t i, need;

#define REJECT(edit)                                                                               \
    do {                                                                                           \
        bad = r.m;                                                                                 \
        edit;                                                                                      \
        if (mlq_svm_check(&bad) != MLQ_ERR_MODEL)                                                  \
            fail_msg("kernel %u accepted: %s", kernels[i], #edit);                                 \
    } while (0)
#define EXPECT(call, want)                                                                         \
    do {                                                                                           \
        if ((call) != (want))                                                                      \
            fail_msg("kernel %u: %s is not %s", kernels[i], #call, #want);                         \
    } while (0)
    (void)state;
    for (i = 0; i < 3; i++) {
        do
            make_regress(&r, kernels[i], 4);
        while (kernels[i] != MLQ_SVM_LINEAR && r.m.n_sv == 0);
        assert_int_equal(mlq_svm_check(&r.m), MLQ_OK);
        REJECT(bad.n_outputs = 2);
        REJECT(bad.rho = NULL);
        if (kernels[i] != MLQ_SVM_LINEAR) {
            memcpy(start_bad, r.start, sizeof start_bad);
            start_bad[1] = (uint16_t)(r.m.n_sv - 1u); /* not the end of the SVs */
            REJECT(bad.sv_start = start_bad);
            REJECT(bad.coef = NULL);
        }
        need = mlq_svm_work_size(&r.m);
        assert_int_equal(need, MLQ_SVM_WORK_BYTES(kernels[i], r.m.n_sv, 1));
        y = s[0] = s[1] = 777;
        dec[0] = 7;
        EXPECT(rf[i](&r.m, x, 3, work, sizeof work, &y), MLQ_ERR_SIZE);
        EXPECT(mlq_svm_regress_q15(&r.m, x, 5, work, sizeof work, &y), MLQ_ERR_SIZE);
        EXPECT(rf[i](&r.m, x, 4, work, need - 1, &y), MLQ_ERR_BUFFER);
        EXPECT(mlq_svm_regress_q15(&r.m, x, 4, NULL, 0, &y), MLQ_ERR_BUFFER);
        if (MLQ_WORK_ALIGN > 1)
            EXPECT(rf[i](&r.m, x, 4, (char *)work + 1, need, &y), MLQ_ERR_BUFFER);
        EXPECT(rf[(i + 1) % 3](&r.m, x, 4, work, sizeof work, &y), MLQ_ERR_MODEL);
        r.m.kernel = 7;
        EXPECT(mlq_svm_regress_q15(&r.m, x, 4, work, sizeof work, &y), MLQ_ERR_MODEL);
        r.m.kernel = (uint8_t)kernels[i];
        /* a classifier is not a regression model */
        r.m.n_classes = 2;
        r.m.n_outputs = 2;
        r.start[1] = r.start[2] = r.m.n_sv;
        assert_int_equal(mlq_svm_check(&r.m), MLQ_OK);
        EXPECT(rf[i](&r.m, x, 4, work, sizeof work, &y), MLQ_ERR_MODEL);
        EXPECT(mlq_svm_regress_q15(&r.m, x, 4, work, sizeof work, &y), MLQ_ERR_MODEL);
        assert_int_equal(y, 777);
        r.m.n_classes = 1;
        r.m.n_outputs = 1;
        /* the classification entries: class 0, a score of 0, no pair */
        cls = 9;
        EXPECT(mlq_svm_predict_q15(&r.m, x, 4, work, sizeof work, &cls), MLQ_OK);
        assert_int_equal(cls, 0);
        EXPECT(mlq_svm_scores_q15(&r.m, x, 4, work, sizeof work, s), MLQ_OK);
        assert_int_equal(s[0], 0);
        assert_int_equal(s[1], 777);
        EXPECT(mlq_svm_decision_q15(&r.m, x, 4, work, sizeof work, dec), MLQ_OK);
        assert_true(dec[0] == 7);
        /* the exact size, aligned: fine */
        EXPECT(rf[i](&r.m, x, 4, work, need, &y), MLQ_OK);
    }
#undef REJECT
#undef EXPECT
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_rejects_each_defect),
        cmocka_unit_test(test_errors_leave_output_untouched),
        cmocka_unit_test(test_regression_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
