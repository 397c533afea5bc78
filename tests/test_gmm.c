/* SPDX-License-Identifier: MIT */
/*
 * Gaussian mixture device kernels: predict, scores, probabilities and the
 * log-likelihood against an independent integer reference (bit-exact,
 * every tail length, INT16_MIN/MAX inputs and extreme coefficients, full
 * and diagonal, generic and covariance-specific entries), a hand-built
 * model against the closed-form density, saturated scores with exact
 * posteriors, every rejection of mlq_gmm_check, and every error code with
 * an output canary. The trainer and the exporter are in test_train_gmm.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlq/fixed.h"
#include "mlq/gmm.h"
#include "mlq/score.h"

#define TEST_PI 3.14159265358979323846

/* Scratch for every model below: 8 components in all at most. */
#define MAX_COMP 8
typedef struct scratch {
    mlq_work_t w[MLQ_WORK_ELEMS(MLQ_GMM_WORK_BYTES(MAX_COMP, 9))];
} scratch;

/* ---- an independent reference of the kernel's integer arithmetic ------- */

/* y 2^16 from y 2^e as documented in mlq/gmm.h, written directly with
 * exact division: full rows floor(acc / 2^(e - 16)) + o, or (acc + o)
 * 2^(16 - e) when e <= 16; diagonal terms round(|acc| / 2^(e - 16)) half up,
 * or |acc| 2^(16 - e); saturated to int32 (2^31 - 1 for diagonal terms).
 * Returns (|u|^2 + 2^16) >> 17. */
static uint64_t ref_term(int64_t acc, unsigned e, int full, int32_t o)
{
    long double v;
    uint64_t u;

    if (e > 16) {
        if (full)
            v = floorl((long double)acc / ldexpl(1.0L, (int)e - 16)) + o;
        else
            v = floorl(fabsl((long double)acc) / ldexpl(1.0L, (int)e - 16) + 0.5L);
    } else {
        v = (long double)(full ? acc + o : llabs(acc)) * ldexpl(1.0L, 16 - (int)e);
    }
    if (v > 2147483647.0L)
        v = 2147483647.0L;
    if (v < -2147483648.0L)
        v = -2147483648.0L;
    u = (uint64_t)fabsl(v);
    return (u * u + 65536u) >> 17;
}

/* ln(1 + e^-t) in Q16 as the kernel computes it: the table rebuilt from
 * log1p, quadratic interpolation at steps of 1/4, 0 from t = 9. */
static int64_t ref_softplus(uint64_t t)
{
    int32_t f[3], th, r;
    int k;

    if (t >= (uint64_t)9 << 16)
        return 0;
    for (k = 0; k < 3; k++)
        f[k] = (int32_t)lround(65536.0 * log1p(exp(-(double)((t >> 14) + (uint64_t)k) / 4.0)));
    th = (int32_t)(t & 0x3FFF);
    r = (th * (16384 - th)) >> 14;
    return f[0] - ((2 * th * (f[0] - f[1]) + r * (f[0] - 2 * f[1] + f[2]) + 16384) >> 15);
}

static size_t row_start(size_t i) /* offset of full row i in one component */
{
    size_t r, len = 0;

    for (r = 0; r < i; r++)
        len += (r + 2) & ~(size_t)1;
    return len;
}

/* l_c, Q47.16, every row evaluated. */
static int64_t ref_comp(const mlq_gmm_q15 *m, size_t c, const mlq_q15_t *x)
{
    size_t d = m->n_features, i, j;
    int full = m->covariance == MLQ_GMM_FULL;
    uint64_t maha = 0;

    for (i = 0; i < d; i++) {
        int64_t y = 0;

        if (full) {
            const mlq_q15_t *a = m->factor + c * row_start(d) + row_start(i);

            for (j = 0; j <= i; j++)
                y += (int64_t)a[j] * x[j];
        } else {
            y = (int64_t)m->factor[c * (d + (d & 1)) + i] * x[i] - m->offset[c * d + i];
        }
        maha += ref_term(y, m->exponent[c * d + i], full, full ? m->offset[c * d + i] : 0);
    }
    return m->constant[c] - (int64_t)maha;
}

/* Log-sum-exp as documented: acc = max, then acc += s(acc - v) in order. */
static int64_t ref_lse(const int64_t *v, size_t n)
{
    size_t i, arg = 0;
    int64_t acc;

    for (i = 1; i < n; i++)
        if (v[i] > v[arg])
            arg = i;
    acc = v[arg];
    for (i = 0; i < n; i++)
        if (i != arg)
            acc += ref_softplus((uint64_t)(acc - v[i]));
    return acc;
}

/* Groups folded in order: acc = max(acc, G) + s(|acc - G|). */
static int64_t ref_fold(const int64_t *v, size_t n)
{
    int64_t acc = v[0];
    size_t i;

    for (i = 1; i < n; i++)
        acc = v[i] > acc ? v[i] + ref_softplus((uint64_t)(v[i] - acc))
                         : acc + ref_softplus((uint64_t)(acc - v[i]));
    return acc;
}

/* Group log-likelihoods of the reference, [G]. */
static void ref_groups(const mlq_gmm_q15 *m, const mlq_q15_t *x, int64_t *g_ll)
{
    size_t g, c, k = m->n_components;
    int64_t v[MAX_COMP];

    for (g = 0; g < m->n_groups; g++) {
        for (c = 0; c < k; c++)
            v[c] = ref_comp(m, g * k + c, x);
        g_ll[g] = k == 1 ? v[0] : ref_lse(v, k);
    }
}

/* The exact value of every output (mlq/gmm.h "Outputs"), [n]; returns n. */
static size_t ref_outputs(const mlq_gmm_q15 *m, const mlq_q15_t *x, int64_t *v)
{
    size_t i;

    if (m->task == MLQ_GMM_CLUSTER) {
        for (i = 0; i < m->n_components; i++)
            v[i] = ref_comp(m, i, x);
        return m->n_components;
    }
    ref_groups(m, x, v);
    if (m->task == MLQ_GMM_CLASSIFY)
        return m->n_groups;
    v[0] -= m->threshold;
    v[1] = -v[0];
    return 2;
}

static size_t argmax64(const int64_t *v, size_t n)
{
    size_t i, best = 0;

    for (i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static int32_t sat32(int64_t v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* A random model that passes mlq_gmm_check: coefficients anywhere in int16
 * (INT16_MIN/MAX included), exponents 9..47, offsets within the documented
 * bounds (full: any int32, extremes included), constants any int32. With
 * `close`, every component shares component 0's rows and the constants
 * differ by a few nats, so that the log-sum-exp and the pruning margins
 * are exercised. */
typedef struct rand_model {
    mlq_gmm_q15 m;
    mlq_q15_t factor[MAX_COMP * 50];
    uint8_t exponent[MAX_COMP * 9];
    int32_t off32[MAX_COMP * 9];
    int32_t constant[MAX_COMP];
} rand_model;

static int16_t rand_q15(gsl_rng *r)
{
    unsigned long u = gsl_rng_uniform_int(r, 10);

    if (u == 0)
        return INT16_MIN;
    if (u == 1)
        return INT16_MAX;
    if (u < 5)
        return (int16_t)((long)gsl_rng_uniform_int(r, 2001) - 1000);
    return (int16_t)((long)gsl_rng_uniform_int(r, 65536) - 32768);
}

static int32_t rand_i32(gsl_rng *r) /* any int32, extremes now and then */
{
    if (gsl_rng_uniform_int(r, 10) == 0)
        return gsl_rng_uniform_int(r, 2) ? INT32_MIN : INT32_MAX;
    return (int32_t)((long)gsl_rng_uniform_int(r, 1UL << 31) - (1L << 30)) * 2;
}

static void make_model(rand_model *rm, gsl_rng *r, size_t d, size_t g, size_t k, int full, int task,
                       int close)
{
    size_t c, i, n = g * k, len = full ? row_start(d) : d + (d & 1);

    memset(rm, 0, sizeof *rm);
    for (c = 0; c < n; c++) {
        for (i = 0; i < len; i++)
            rm->factor[c * len + i] = rand_q15(r);
        for (i = 0; i < d; i++) {
            if (full && (i & 1) == 0)
                rm->factor[c * len + row_start(i) + i + 1] = 0; /* row i's zero pad */
            rm->exponent[c * d + i] = (uint8_t)(9 + gsl_rng_uniform_int(r, 39));
            if (gsl_rng_uniform_int(r, 8) == 0) /* the ends of the range */
                rm->exponent[c * d + i] = gsl_rng_uniform_int(r, 2) ? 9 : 47;
            /* diag: |b| < 2^30, both ends included */
            rm->off32[c * d + i] = !full ? (int32_t)((long)gsl_rng_uniform_int(r, (1UL << 31) - 1) - (1L << 30) + 1)
                                         : rand_i32(r);
            if (!full && gsl_rng_uniform_int(r, 10) == 0)
                rm->off32[c * d + i] = gsl_rng_uniform_int(r, 2) ? (1 << 30) - 1 : -(1 << 30) + 1;
        }
        rm->constant[c] = rand_i32(r);
        if (close && c > 0) {
            long v = (long)rm->constant[0] + (long)gsl_rng_uniform_int(r, 1UL << 21) - (1L << 20);

            memcpy(rm->factor + c * len, rm->factor, len * sizeof rm->factor[0]);
            memcpy(rm->exponent + c * d, rm->exponent, d);
            memcpy(rm->off32 + c * d, rm->off32, d * sizeof rm->off32[0]);
            rm->constant[c] = (int32_t)(v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v);
        }
    }
    rm->m.n_features = (uint16_t)d;
    rm->m.n_groups = (uint16_t)g;
    rm->m.n_components = (uint16_t)k;
    rm->m.covariance = full ? MLQ_GMM_FULL : MLQ_GMM_DIAG;
    rm->m.task = (uint8_t)task;
    rm->m.factor = rm->factor;
    rm->m.exponent = rm->exponent;
    rm->m.offset = rm->off32;
    rm->m.constant = rm->constant;
    rm->m.threshold = (int64_t)((long)gsl_rng_uniform_int(r, 1UL << 30) - (1L << 29)) * 64;
    assert_int_equal(mlq_gmm_check(&rm->m), MLQ_OK);
}

/* Every entry on one model and input against the reference, bit for bit. */
static void check_against_reference(const mlq_gmm_q15 *m, const mlq_q15_t *x)
{
    typedef mlq_status (*predict_fn)(const mlq_gmm_q15 *, const mlq_q15_t *, uint16_t, void *, size_t, uint16_t *);
    typedef mlq_status (*scores_fn)(const mlq_gmm_q15 *, const mlq_q15_t *, uint16_t, void *, size_t, int32_t *);
    typedef mlq_status (*proba_fn)(const mlq_gmm_q15 *, const mlq_q15_t *, uint16_t, void *, size_t, uint16_t *);
    int full = m->covariance == MLQ_GMM_FULL;
    const predict_fn predict[2] = {mlq_gmm_predict_q15, full ? mlq_gmm_full_predict_q15 : mlq_gmm_diag_predict_q15};
    const scores_fn scores[2] = {mlq_gmm_scores_q15, full ? mlq_gmm_full_scores_q15 : mlq_gmm_diag_scores_q15};
    const proba_fn proba[2] = {mlq_gmm_proba_q15, full ? mlq_gmm_full_proba_q15 : mlq_gmm_diag_proba_q15};
    uint16_t d = m->n_features, out, p[MAX_COMP], want_p[MAX_COMP];
    int64_t v[MAX_COMP], gl[MAX_COMP], ll;
    int32_t s[MAX_COMP], want_s[MAX_COMP], r[MAX_COMP];
    size_t n = ref_outputs(m, x, v), win = argmax64(v, n), i, e;
    scratch w;

    for (i = 0; i < n; i++)
        want_s[i] = sat32(v[i]);
    mlq_score_keep_winner(want_s, (uint16_t)n, (uint16_t)win);
    for (e = 0; e < 2; e++) {
        assert_int_equal(predict[e](m, x, d, w.w, sizeof w.w, &out), MLQ_OK);
        assert_int_equal(out, win);
        assert_int_equal(scores[e](m, x, d, w.w, sizeof w.w, s), MLQ_OK);
        assert_memory_equal(s, want_s, n * sizeof s[0]);
        assert_int_equal(mlq_score_argmax(s, (uint16_t)n), out);
    }
    ref_groups(m, x, gl);
    assert_int_equal(mlq_gmm_loglik_q15(m, x, d, w.w, sizeof w.w, &ll), MLQ_OK);
    assert_true(ll == (m->n_groups == 1 ? gl[0] : ref_fold(gl, m->n_groups)));
    if (m->task == MLQ_GMM_ANOMALY)
        return;
    /* Probabilities: mlq_proba_softmax of the exact differences, and within
     * 2n / 32768 of their softmax in double. */
    for (i = 0; i < n; i++)
        r[i] = v[i] - v[win] < MLQ_EXP_Q31_MIN_ARG ? MLQ_EXP_Q31_MIN_ARG - 1 : (int32_t)(v[i] - v[win]);
    mlq_proba_softmax(r, (uint16_t)n, (uint16_t)win, want_p);
    for (e = 0; e < 2; e++) {
        double sum = 0.0;
        unsigned total = 0;

        assert_int_equal(proba[e](m, x, d, w.w, sizeof w.w, p), MLQ_OK);
        assert_memory_equal(p, want_p, n * sizeof p[0]);
        assert_int_equal(mlq_proba_argmax(p, (uint16_t)n), win);
        for (i = 0; i < n; i++)
            sum += exp(ldexp((double)(v[i] - v[win]), -16));
        for (i = 0; i < n; i++) {
            total += p[i];
            assert_true(fabs(p[i] / 32768.0 - exp(ldexp((double)(v[i] - v[win]), -16)) / sum) <=
                        (double)(2 * n) / 32768.0);
        }
        assert_int_equal(total, MLQ_PROBA_ONE);
    }
}

static void test_kernels_match_reference_bit_exactly(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t d, trial, j;
    int full;

    (void)state;
    gsl_rng_set(r, 20240611);
    for (full = 0; full <= 1; full++) {
        for (d = 1; d <= 9; d++) { /* every tail length of the pairwise dot */
            for (trial = 0; trial < 90; trial++) {
                rand_model rm;
                mlq_q15_t xs[10] MLQ_ALIGN4, *x = xs + (trial & 1); /* aligned and not */
                int task = (int)(trial % 3);
                size_t groups = task == MLQ_GMM_CLASSIFY ? 1 + gsl_rng_uniform_int(r, 4) : 1;
                size_t k = 1 + gsl_rng_uniform_int(r, task == MLQ_GMM_CLASSIFY ? 2 : 4);

                make_model(&rm, r, d, groups, k, full, task, trial % 4 >= 2);
                for (j = 0; j < d; j++)
                    x[j] = trial % 9 == 0 ? (trial & 2 ? INT16_MIN : INT16_MAX) : rand_q15(r);
                if (task == MLQ_GMM_ANOMALY && trial % 4 >= 2) { /* a threshold near the value */
                    int64_t gl[MAX_COMP];

                    ref_groups(&rm.m, x, gl);
                    rm.m.threshold = gl[0] + (int64_t)gsl_rng_uniform_int(r, 1UL << 19) - (1L << 18);
                    if (trial % 8 == 2)
                        rm.m.threshold = gl[0]; /* a tie is normal */
                }
                check_against_reference(&rm.m, x);
            }
        }
    }
    gsl_rng_free(r);
}

/* Pruning at its margins: components 8 to 9.2 nats apart (where s(t)
 * stops being 0) and classes or a threshold within a few Q16 units of each
 * other, so that abandoning one component too early, or a margin a little
 * too small, changes a prediction. Every component has the same rows, so
 * the values differ by the constants alone. */
static void test_pruning_margins_are_exact(void **state)
{
    static const mlq_q15_t factor[8] = {20000, 0, 20000, 0, 20000, 0, 20000, 0};
    static const uint8_t exponent[4] = {30, 30, 30, 30};
    static const int32_t offset[4] = {0, 0, 0, 0};
    /* t: a coarse sweep over 8..9.2 nats, then every unit just below 9 */
    static const int32_t sweep[2][3] = {{8 * 65536, 9 * 65536 + 13107, 1311}, {9 * 65536 - 24, 9 * 65536 + 1, 1}};
    int32_t constant[4];
    mlq_gmm_q15 m = {1, 2, 2, MLQ_GMM_DIAG, MLQ_GMM_CLASSIFY, factor, exponent, offset, constant, 0};
    const mlq_q15_t x[1] = {-3000};
    int32_t t, delta;
    size_t cases = 0, k;

    (void)state;
    for (k = 0; k < 2; k++) {
        for (t = sweep[k][0]; t <= sweep[k][1]; t += sweep[k][2]) {
            int32_t s_t = (int32_t)ref_softplus((uint64_t)t);

            for (delta = -4; delta <= 20; delta += 2) {
                int64_t gl[MAX_COMP];

                /* class 0: one live component; class 1: two, t apart, whose
                 * log-sum-exp lands delta units above or below class 0 */
                constant[0] = 100000;
                constant[1] = INT32_MIN;
                constant[2] = constant[0] - s_t + delta;
                constant[3] = constant[2] - t;
                m.task = MLQ_GMM_CLASSIFY;
                m.n_groups = 2;
                m.constant = constant;
                check_against_reference(&m, x);
                /* class 1's mixture as an anomaly model, delta units from its threshold */
                m.task = MLQ_GMM_ANOMALY;
                m.n_groups = 1;
                m.constant = constant + 2;
                ref_groups(&m, x, gl);
                m.threshold = gl[0] + delta;
                check_against_reference(&m, x);
                cases++;
            }
        }
    }
    assert_int_equal(cases, (60 + 26) * 13);
}

/* Two components or classes whose values tie exactly: the lower index wins
 * in predict, scores and probabilities. */
static void test_ties_go_to_the_lowest_index(void **state)
{
    static const mlq_q15_t factor[4] = {16384, 0, 16384, 0};
    static const uint8_t exponent[2] = {29, 29};
    static const int32_t offset[2] = {0, 0}, constant[2] = {-60224, -60224};
    mlq_gmm_q15 m = {1, 1, 2, MLQ_GMM_DIAG, MLQ_GMM_CLUSTER, factor, exponent, offset, constant, 0};
    const mlq_q15_t x[1] = {1234};
    scratch w;
    uint16_t out, p[2];
    int32_t s[2];

    (void)state;
    assert_int_equal(mlq_gmm_check(&m), MLQ_OK);
    assert_int_equal(mlq_gmm_predict_q15(&m, x, 1, w.w, sizeof w.w, &out), MLQ_OK);
    assert_int_equal(out, 0);
    assert_int_equal(mlq_gmm_scores_q15(&m, x, 1, w.w, sizeof w.w, s), MLQ_OK);
    assert_int_equal(s[0], s[1]);
    assert_int_equal(mlq_score_argmax(s, 2), 0);
    assert_int_equal(mlq_gmm_proba_q15(&m, x, 1, w.w, sizeof w.w, p), MLQ_OK);
    assert_true(p[0] >= p[1] && p[0] - p[1] <= 2);
    assert_int_equal(p[0] + p[1], 32768);
    m.n_groups = 2; /* the same as two classes of one component */
    m.n_components = 1;
    m.task = MLQ_GMM_CLASSIFY;
    assert_int_equal(mlq_gmm_predict_q15(&m, x, 1, w.w, sizeof w.w, &out), MLQ_OK);
    assert_int_equal(out, 0);
    assert_int_equal(mlq_gmm_proba_q15(&m, x, 1, w.w, sizeof w.w, p), MLQ_OK);
    assert_true(p[0] >= p[1] && p[0] - p[1] <= 2);
}

/* One standard normal feature with R = 1: A = 2^-15 per step -> A' = 16384, e = 29. */
static const mlq_q15_t n1_factor[2] = {16384, 0};
static const uint8_t n1_exp[1] = {29};
static const int32_t n1_off[1] = {0};
static const int32_t n1_const[1] = {-60224}; /* round(-0.5 ln(2 pi) * 65536) */

static void test_standard_normal_density(void **state)
{
    const mlq_gmm_q15 m = {1, 1, 1, MLQ_GMM_DIAG, MLQ_GMM_ANOMALY, n1_factor, n1_exp, n1_off,
                           n1_const, -65536 * 2};
    static const double zs[] = {0.0, 0.5, -0.75, 0.999, -1.0};
    size_t i;

    (void)state;
    assert_true(llabs(n1_const[0] - llround(-0.5 * log(2 * TEST_PI) * 65536)) == 0);
    for (i = 0; i < sizeof zs / sizeof zs[0]; i++) {
        mlq_q15_t q = (mlq_q15_t)lround(zs[i] * 32768 > 32767 ? 32767 : zs[i] * 32768);
        double z = q / 32768.0, want = -0.5 * log(2 * TEST_PI) - 0.5 * z * z;
        scratch w;
        int64_t ll;
        int32_t s[2];
        uint16_t flag;

        assert_int_equal(mlq_gmm_loglik_q15(&m, &q, 1, w.w, sizeof w.w, &ll), MLQ_OK);
        assert_true(fabs((double)ll / 65536.0 - want) < 2e-5);
        assert_int_equal(mlq_gmm_predict_q15(&m, &q, 1, w.w, sizeof w.w, &flag), MLQ_OK);
        assert_int_equal(flag, want < -2.0);
        /* Anomaly scores: {ll - threshold, threshold - ll}. */
        assert_int_equal(mlq_gmm_scores_q15(&m, &q, 1, w.w, sizeof w.w, s), MLQ_OK);
        assert_true(fabs(s[0] / 65536.0 - (want + 2.0)) < 2e-5);
        assert_int_equal(s[1], -s[0]);
    }
}

/* Outputs far beyond -32768 nats: the scores saturate (the winner stays on
 * top), the probabilities are still the exact posteriors. */
static void test_saturated_scores_keep_exact_probabilities(void **state)
{
    /* Two clusters of one feature, sd 2^-10 (R = 1): at x = 1 - 2^-15 and
     * means 0 both lie near -2^19 nats; component 1 is 1 nat (its
     * constant) above component 0. */
    static const mlq_q15_t factor[4] = {32767, 0, 32767, 0};
    static const uint8_t exponent[2] = {20, 20};
    static const int32_t offset[2] = {0, 0}, constant[2] = {0, 65536};
    const mlq_gmm_q15 m = {1, 1, 2, MLQ_GMM_DIAG, MLQ_GMM_CLUSTER, factor, exponent, offset, constant, 0};
    const mlq_q15_t x[1] = {INT16_MAX};
    double p1 = exp(1.0) / (1.0 + exp(1.0));
    scratch w;
    int32_t s[2];
    uint16_t p[2], out;

    (void)state;
    assert_int_equal(mlq_gmm_check(&m), MLQ_OK);
    assert_int_equal(mlq_gmm_scores_q15(&m, x, 1, w.w, sizeof w.w, s), MLQ_OK);
    assert_int_equal(s[0], INT32_MIN);
    assert_int_equal(s[1], INT32_MIN + 1);
    assert_int_equal(mlq_gmm_predict_q15(&m, x, 1, w.w, sizeof w.w, &out), MLQ_OK);
    assert_int_equal(out, 1);
    assert_int_equal(mlq_gmm_proba_q15(&m, x, 1, w.w, sizeof w.w, p), MLQ_OK);
    assert_true(fabs(p[1] / 32768.0 - p1) <= 3.0 / 32768.0);
    assert_int_equal(p[0] + p[1], 32768);
}

static void test_check_rejects_every_inconsistency(void **state)
{
    static const mlq_q15_t ffactor[4 * 2] = {100, 0, 200, 300, 100, 0, 200, 300}; /* full, d = 2, K = 2 */
    static const uint8_t fexp[4] = {9, 47, 20, 30};
    static const int32_t foff[4] = {INT32_MIN, INT32_MAX, 0, 5};
    static const int32_t fconst[2] = {0, INT32_MIN};
    const mlq_gmm_q15 full = {2, 1, 2, MLQ_GMM_FULL, MLQ_GMM_CLUSTER, ffactor, fexp, foff, fconst, 0};
    const mlq_gmm_q15 diag = {1, 1, 1, MLQ_GMM_DIAG, MLQ_GMM_ANOMALY, n1_factor, n1_exp, n1_off,
                              n1_const, (int64_t)1 << 62};
    static const uint8_t bad_exp8[4] = {8, 47, 20, 30}, bad_exp48[4] = {9, 48, 20, 30};
    static const mlq_q15_t bad_pad[4 * 2] = {100, 0, 200, 300, 100, 1, 200, 300};
    static const int32_t off_hi[1] = {1 << 30}, off_lo[1] = {-(1 << 30)};
    static const int32_t off_hi_ok[1] = {(1 << 30) - 1}, off_lo_ok[1] = {-(1 << 30) + 1};
    mlq_gmm_q15 b;

    (void)state;
    assert_int_equal(mlq_gmm_check(&full), MLQ_OK);
    assert_int_equal(mlq_gmm_check(&diag), MLQ_OK);
    assert_int_equal(mlq_gmm_work_size(&full), MLQ_GMM_WORK_BYTES(2, 2));
    assert_int_equal(MLQ_GMM_WORK_BYTES(2, 2), 24);
    assert_int_equal(mlq_gmm_work_size(&diag), 12);
#define REJECT(base, field, value)                              \
    do {                                                        \
        b = base;                                               \
        b.field = value;                                        \
        assert_int_equal(mlq_gmm_check(&b), MLQ_ERR_MODEL);     \
    } while (0)
#define ACCEPT(base, field, value)                              \
    do {                                                        \
        b = base;                                               \
        b.field = value;                                        \
        assert_int_equal(mlq_gmm_check(&b), MLQ_OK);            \
    } while (0)
    REJECT(full, n_features, 0);
    REJECT(full, n_groups, 0);
    REJECT(full, n_components, 0);
    REJECT(full, factor, NULL);
    REJECT(full, exponent, NULL);
    REJECT(full, offset, NULL);
    REJECT(full, constant, NULL);
    REJECT(full, covariance, 2);
    REJECT(full, task, 3);
    REJECT(full, n_groups, 2);         /* clustering has one group */
    REJECT(diag, n_groups, 2);         /* anomaly too */
    REJECT(full, exponent, bad_exp8);  /* 9..47 */
    REJECT(full, exponent, bad_exp48);
    REJECT(full, factor, bad_pad);     /* full rows' zero pads */
    REJECT(diag, offset, off_hi);      /* |b| < 2^30 */
    REJECT(diag, offset, off_lo);
    ACCEPT(diag, offset, off_hi_ok);
    ACCEPT(diag, offset, off_lo_ok);
    REJECT(diag, threshold, ((int64_t)1 << 62) + 1); /* |threshold| <= 2^62 */
    REJECT(diag, threshold, -((int64_t)1 << 62) - 1);
    ACCEPT(diag, threshold, -((int64_t)1 << 62));
    ACCEPT(full, threshold, INT64_MAX); /* not an anomaly model: unused */
    b = full;
    b.n_groups = 2; /* per class: any number of groups */
    b.n_components = 1;
    b.task = MLQ_GMM_CLASSIFY;
    assert_int_equal(mlq_gmm_check(&b), MLQ_OK);
#undef REJECT
#undef ACCEPT
}

/* Every error code of every entry, each leaving the output untouched. */
static void test_every_error_code_keeps_the_canary(void **state)
{
    const mlq_gmm_q15 diag = {1, 1, 1, MLQ_GMM_DIAG, MLQ_GMM_CLUSTER, n1_factor, n1_exp, n1_off, n1_const, 0};
    mlq_gmm_q15 anomaly = diag;
    const mlq_q15_t x[2] MLQ_ALIGN4 = {100, -100};
    rand_model rm;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    scratch w;
    char *misaligned = (char *)w.w + MLQ_WORK_ALIGN / 2;
    int64_t ll = 0x5A5A;
    int32_t s[3] = {0x5A5A, 0x5A5A, 0x5A5A};
    uint16_t out = 0xBEEF, p[3] = {0xBEEF, 0xBEEF, 0xBEEF};
    size_t i, full_bytes;

    (void)state;
    gsl_rng_set(r, 3);
    make_model(&rm, r, 2, 1, 3, 1, MLQ_GMM_CLUSTER, 0);
    full_bytes = mlq_gmm_work_size(&rm.m);
    assert_int_equal(full_bytes, 36);
    anomaly.task = MLQ_GMM_ANOMALY;
    /* MLQ_ERR_SIZE: n_features. */
    assert_int_equal(mlq_gmm_predict_q15(&diag, x, 2, w.w, sizeof w.w, &out), MLQ_ERR_SIZE);
    assert_int_equal(mlq_gmm_scores_q15(&diag, x, 0, w.w, sizeof w.w, s), MLQ_ERR_SIZE);
    assert_int_equal(mlq_gmm_proba_q15(&rm.m, x, 1, w.w, sizeof w.w, p), MLQ_ERR_SIZE);
    assert_int_equal(mlq_gmm_loglik_q15(&rm.m, x, 3, w.w, sizeof w.w, &ll), MLQ_ERR_SIZE);
    /* MLQ_ERR_MODEL: the other covariance's kernel; probabilities of an anomaly model. */
    assert_int_equal(mlq_gmm_full_predict_q15(&diag, x, 1, w.w, sizeof w.w, &out), MLQ_ERR_MODEL);
    assert_int_equal(mlq_gmm_full_scores_q15(&diag, x, 1, w.w, sizeof w.w, s), MLQ_ERR_MODEL);
    assert_int_equal(mlq_gmm_full_proba_q15(&diag, x, 1, w.w, sizeof w.w, p), MLQ_ERR_MODEL);
    assert_int_equal(mlq_gmm_diag_predict_q15(&rm.m, x, 2, w.w, sizeof w.w, &out), MLQ_ERR_MODEL);
    assert_int_equal(mlq_gmm_diag_scores_q15(&rm.m, x, 2, w.w, sizeof w.w, s), MLQ_ERR_MODEL);
    assert_int_equal(mlq_gmm_diag_proba_q15(&rm.m, x, 2, w.w, sizeof w.w, p), MLQ_ERR_MODEL);
    assert_int_equal(mlq_gmm_proba_q15(&anomaly, x, 1, w.w, sizeof w.w, p), MLQ_ERR_MODEL);
    assert_int_equal(mlq_gmm_diag_proba_q15(&anomaly, x, 1, w.w, sizeof w.w, p), MLQ_ERR_MODEL);
    rm.m.task = MLQ_GMM_ANOMALY;
    assert_int_equal(mlq_gmm_full_proba_q15(&rm.m, x, 2, w.w, sizeof w.w, p), MLQ_ERR_MODEL);
    rm.m.task = MLQ_GMM_CLUSTER;
    /* MLQ_ERR_BUFFER: NULL, one byte short, misaligned; diagonal models too. */
    assert_int_equal(mlq_gmm_predict_q15(&rm.m, x, 2, NULL, 0, &out), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_predict_q15(&rm.m, x, 2, w.w, full_bytes - 1, &out), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_scores_q15(&rm.m, x, 2, misaligned, full_bytes, s), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_proba_q15(&rm.m, x, 2, w.w, full_bytes - 1, p), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_loglik_q15(&rm.m, x, 2, misaligned, full_bytes, &ll), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_diag_predict_q15(&diag, x, 1, NULL, 0, &out), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_diag_scores_q15(&diag, x, 1, w.w, 11, s), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_diag_proba_q15(&diag, x, 1, misaligned, 12, p), MLQ_ERR_BUFFER);
    assert_int_equal(out, 0xBEEF);
    assert_true(ll == 0x5A5A);
    for (i = 0; i < 3; i++) {
        assert_int_equal(s[i], 0x5A5A);
        assert_int_equal(p[i], 0xBEEF);
    }
    /* The exact size suffices. */
    assert_int_equal(mlq_gmm_predict_q15(&rm.m, x, 2, w.w, full_bytes, &out), MLQ_OK);
    assert_true(out < 3);
    assert_int_equal(mlq_gmm_proba_q15(&rm.m, x, 2, w.w, full_bytes, p), MLQ_OK);
    assert_int_equal(p[0] + p[1] + p[2], 32768);
    assert_int_equal(mlq_gmm_diag_scores_q15(&diag, x, 1, w.w, 12, s), MLQ_OK);
    assert_int_equal(mlq_gmm_diag_scores_q15(&anomaly, x, 1, w.w, 12, s), MLQ_OK);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels_match_reference_bit_exactly),
        cmocka_unit_test(test_pruning_margins_are_exact),
        cmocka_unit_test(test_ties_go_to_the_lowest_index),
        cmocka_unit_test(test_standard_normal_density),
        cmocka_unit_test(test_saturated_scores_keep_exact_probabilities),
        cmocka_unit_test(test_check_rejects_every_inconsistency),
        cmocka_unit_test(test_every_error_code_keeps_the_canary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
