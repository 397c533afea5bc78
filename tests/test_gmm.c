/* SPDX-License-Identifier: MIT */
/*
 * Gaussian mixtures: the fixed-point kernel against an independent integer
 * reference (bit-exact, every tail length, extreme inputs and
 * coefficients), a hand-built model against the closed-form density, every
 * error code with an output canary; the trainer against a direct Gaussian
 * naive Bayes computation, on separated blobs, for the anomaly threshold,
 * and on degenerate data; the model file's validation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "gmm_params.h"
#include "metrics.h"
#include "mlq/fixed.h"
#include "mlq/gmm.h"
#include "model.h"

#define TEST_PI 3.14159265358979323846

/* ---- an independent reference of the kernel's integer arithmetic ------- */

/* y 2^16 from y 2^e as documented in mlq/gmm.h, written directly with
 * exact division: full rows floor(acc / 2^(e - 16)) + o, or (acc + o)
 * 2^(16 - e) when e <= 16; diagonal terms round(|acc| / 2^(e - 16)) half up,
 * or |acc| 2^(16 - e); shifts above 31 act as 31; saturated to int32.
 * Returns (|u|^2 + 2^16) >> 17. */
static uint64_t ref_term(int64_t acc, unsigned e, int full, int32_t o)
{
    long double v;
    uint64_t u;

    if (e > 16) {
        unsigned n = e - 16 > 31 ? 31 : e - 16;

        if (full)
            v = floorl((long double)acc / ldexpl(1.0L, (int)n)) + o;
        else
            v = floorl(fabsl((long double)acc) / ldexpl(1.0L, (int)n) + 0.5L);
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

static int64_t ref_comp(const mlq_gmm_q15 *m, size_t c, const mlq_q15_t *x)
{
    size_t d = m->n_features, i, j;
    uint64_t maha = 0;

    for (i = 0; i < d; i++) {
        int64_t y = 0;
        int full = m->covariance == MLQ_GMM_FULL;

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
    int64_t v[8];

    for (g = 0; g < m->n_groups; g++) {
        for (c = 0; c < k; c++)
            v[c] = ref_comp(m, g * k + c, x);
        g_ll[g] = k == 1 ? v[0] : ref_lse(v, k);
    }
}

/* A random model: coefficients anywhere in int16 (INT16_MIN/MAX included),
 * exponents 9..47 (and now and then any byte, which the kernel clamps),
 * offsets within the documented bounds. With `close`, every component
 * shares component 0's rows and the constants differ by a few nats, so that
 * the log-sum-exp and the pruning margins are exercised. */
typedef struct rand_model {
    mlq_gmm_q15 m;
    mlq_q15_t factor[8 * 80];
    uint8_t exponent[8 * 9];
    int32_t off32[8 * 9];
    int32_t constant[8];
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

static void make_model(rand_model *rm, gsl_rng *r, size_t d, size_t g, size_t k, int full, int task,
                       int close)
{
    size_t c, i, n = g * k, len = full ? row_start(d) : d + (d & 1);

    memset(rm, 0, sizeof *rm);
    for (c = 0; c < n; c++) {
        for (i = 0; i < len; i++)
            rm->factor[c * len + i] = rand_q15(r);
        for (i = 0; i < d; i++) {
            rm->exponent[c * d + i] = (uint8_t)(gsl_rng_uniform_int(r, 20) == 0 ? gsl_rng_uniform_int(r, 256)
                                                                               : 9 + gsl_rng_uniform_int(r, 39));
            /* diag: |b| < 2^30; full: any int32 (extremes included) */
            rm->off32[c * d + i] = !full ? (int32_t)((long)gsl_rng_uniform_int(r, 1UL << 31) - (1L << 30) + 1)
                                   : gsl_rng_uniform_int(r, 10) == 0 ? (gsl_rng_uniform_int(r, 2) ? INT32_MIN : INT32_MAX)
                                   : (int32_t)((long)gsl_rng_uniform_int(r, 1UL << 31) - (1L << 30)) * (1 + (int32_t)gsl_rng_uniform_int(r, 2));
        }
        rm->constant[c] = gsl_rng_uniform_int(r, 10) == 0 ? (gsl_rng_uniform_int(r, 2) ? INT32_MIN : INT32_MAX)
                          : (int32_t)((long)gsl_rng_uniform_int(r, 1UL << 31) - (1L << 30)) * 2;
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
}

static void test_kernel_matches_reference_bit_exactly(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int64_t work[8];
    size_t d, trial, j, g;
    int full, task;

    (void)state;
    gsl_rng_set(r, 20240611);
    for (full = 0; full <= 1; full++) {
        for (d = 1; d <= 9; d++) { /* every tail length of the pairwise dot */
            for (trial = 0; trial < 60; trial++) {
                rand_model rm;
                mlq_q15_t xs[10] MLQ_ALIGN4, *x = xs + (trial & 1); /* aligned and not */
                size_t groups, k;
                int64_t gl[8], best, ll = 0;
                uint16_t out = 0xBEEF;
                size_t best_i = 0;

                task = (int)(trial % 3);
                groups = task == MLQ_GMM_CLASSIFY ? 1 + gsl_rng_uniform_int(r, 4) : 1;
                k = 1 + gsl_rng_uniform_int(r, task == MLQ_GMM_CLASSIFY ? 2 : 4);
                make_model(&rm, r, d, groups, k, full, task, trial % 4 >= 2);
                for (j = 0; j < d; j++)
                    x[j] = rand_q15(r);
                if (task == MLQ_GMM_ANOMALY && trial % 4 >= 2) { /* a threshold near the value */
                    ref_groups(&rm.m, x, gl);
                    rm.m.threshold = gl[0] + (int64_t)gsl_rng_uniform_int(r, 1UL << 19) - (1L << 18);
                }
                assert_int_equal(mlq_gmm_predict_q15(&rm.m, x, (uint16_t)d, work, sizeof work, &out), MLQ_OK);
                assert_int_equal(mlq_gmm_score_q15(&rm.m, x, (uint16_t)d, work, sizeof work, &ll), MLQ_OK);
                ref_groups(&rm.m, x, gl);
                if (task == MLQ_GMM_CLUSTER) {
                    best = ref_comp(&rm.m, 0, x);
                    for (j = 1; j < k; j++)
                        if (ref_comp(&rm.m, j, x) > best) {
                            best = ref_comp(&rm.m, j, x);
                            best_i = j;
                        }
                    assert_int_equal(out, best_i);
                } else if (task == MLQ_GMM_ANOMALY) {
                    assert_int_equal(out, gl[0] < rm.m.threshold);
                } else {
                    best = gl[0];
                    for (g = 1; g < groups; g++)
                        if (gl[g] > best) {
                            best = gl[g];
                            best_i = g;
                        }
                    assert_int_equal(out, best_i);
                }
                assert_true(ll == (groups == 1 ? gl[0] : ref_fold(gl, groups)));
            }
        }
    }
    gsl_rng_free(r);
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
        int64_t ll;
        uint16_t flag;

        assert_int_equal(mlq_gmm_score_q15(&m, &q, 1, NULL, 0, &ll), MLQ_OK);
        assert_true(fabs((double)ll / 65536.0 - want) < 2e-5);
        assert_int_equal(mlq_gmm_predict_q15(&m, &q, 1, NULL, 0, &flag), MLQ_OK);
        assert_int_equal(flag, want < -2.0);
    }
}

static void test_every_error_code_keeps_the_canary(void **state)
{
    const mlq_gmm_q15 ok = {1, 1, 1, MLQ_GMM_DIAG, MLQ_GMM_CLUSTER, n1_factor, n1_exp, n1_off, n1_const, 0};
    mlq_gmm_q15 bad;
    const mlq_q15_t x[2] = {100, -100};
    int64_t work[4], ll = 0x5A5A;
    uint16_t out = 0xBEEF;
    rand_model rm;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    (void)state;
    assert_int_equal(mlq_gmm_work_size(&ok), 0);
    assert_int_equal(mlq_gmm_predict_q15(&ok, x, 2, NULL, 0, &out), MLQ_ERR_SIZE);
    assert_int_equal(mlq_gmm_score_q15(&ok, x, 0, NULL, 0, &ll), MLQ_ERR_SIZE);
    bad = ok;
    bad.n_components = 0;
    assert_int_equal(mlq_gmm_predict_q15(&bad, x, 1, NULL, 0, &out), MLQ_ERR_MODEL);
    bad = ok;
    bad.task = 3;
    assert_int_equal(mlq_gmm_predict_q15(&bad, x, 1, NULL, 0, &out), MLQ_ERR_MODEL);
    bad = ok;
    bad.covariance = 2;
    assert_int_equal(mlq_gmm_score_q15(&bad, x, 1, NULL, 0, &ll), MLQ_ERR_MODEL);
    bad = ok;
    bad.n_groups = 2; /* clustering and anomaly models have one group */
    assert_int_equal(mlq_gmm_predict_q15(&bad, x, 1, NULL, 0, &out), MLQ_ERR_MODEL);
    bad.task = MLQ_GMM_ANOMALY;
    assert_int_equal(mlq_gmm_predict_q15(&bad, x, 1, NULL, 0, &out), MLQ_ERR_MODEL);
    /* Full covariance needs its scratch: NULL, short, misaligned. */
    gsl_rng_set(r, 3);
    make_model(&rm, r, 2, 1, 3, 1, MLQ_GMM_CLUSTER, 0);
    assert_int_equal(mlq_gmm_work_size(&rm.m), MLQ_GMM_WORK_BYTES(3, 2));
    assert_int_equal(MLQ_GMM_WORK_BYTES(3, 2), 24);
    assert_int_equal(mlq_gmm_predict_q15(&rm.m, x, 2, NULL, 0, &out), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_predict_q15(&rm.m, x, 2, work, 16, &out), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_gmm_score_q15(&rm.m, x, 2, (char *)work + 4, 24, &ll), MLQ_ERR_BUFFER);
    assert_int_equal(out, 0xBEEF);
    assert_true(ll == 0x5A5A);
    assert_int_equal(mlq_gmm_predict_q15(&rm.m, x, 2, work, sizeof work, &out), MLQ_OK);
    assert_true(out < 3);
    gsl_rng_free(r);
}

/* ---- the trainer ------------------------------------------------------------ */

static int train(mlq_dataset *d, const char *hyper, unsigned long seed, mlq_model *m, mlq_err *err)
{
    return mlq_model_train(m, &mlq_algo_gmm, d, cJSON_Parse(hyper), seed, 0, NULL, err);
}

#define HYPER(extra) "{\"covariance\": \"diag\", " \
                     "\"reg-covar\": 1e-9, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, " extra "}"

/* A small labelled dataset: 3 classes x 2 features, fixed irregular values. */
static void make_small(mlq_dataset *d)
{
    static const double x[][2] = {{1.0, 7.5}, {1.4, 6.1}, {0.7, 6.8}, {1.9, 7.7}, {1.1, 5.9},
                                  {4.2, 2.0}, {3.6, 2.9}, {5.1, 2.4}, {4.4, 1.1}, {3.9, 3.3}, {4.8, 2.6},
                                  {7.3, 6.6}, {8.1, 7.9}, {6.6, 6.2}, {7.7, 5.1}};
    static const int y[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2};
    static char *names[] = {"a", "b"}, *classes[] = {"0", "1", "2"};
    size_t n = sizeof y / sizeof y[0];

    memset(d, 0, sizeof *d);
    d->n_rows = n;
    d->n_features = 2;
    d->x = malloc(sizeof x);
    memcpy(d->x, x, sizeof x);
    d->y = malloc(sizeof y);
    memcpy(d->y, y, sizeof y);
    d->n_classes = 3;
    d->class_names = classes;
    d->feature_names = names;
    d->path = (char *)"small";
}

static void free_small(mlq_dataset *d)
{
    free(d->x);
    free(d->y);
}

/* GNB computed directly: per-class mean, population variance + 1e-9 (in
 * standardized units, as scikit-learn's var_smoothing gives there), log share. */
static void test_per_class_diag_is_gaussian_naive_bayes(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};
    const gmm_params *gp;
    double mean[3][2] = {{0}}, var[3][2] = {{0}}, cnt[3] = {0}, z[2], x[2];
    size_t i, j, c;

    (void)state;
    make_small(&d);
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 1"), 1, &m, &err), 0);
    gp = m.params;
    assert_int_equal(gp->n_groups, 3);
    for (i = 0; i < d.n_rows; i++) {
        mlq_model_standardize(&m, d.x + 2 * i, z);
        cnt[d.y[i]]++;
        for (j = 0; j < 2; j++)
            mean[d.y[i]][j] += z[j];
    }
    for (c = 0; c < 3; c++)
        for (j = 0; j < 2; j++)
            mean[c][j] /= cnt[c];
    for (i = 0; i < d.n_rows; i++) {
        mlq_model_standardize(&m, d.x + 2 * i, z);
        for (j = 0; j < 2; j++)
            var[d.y[i]][j] += (z[j] - mean[d.y[i]][j]) * (z[j] - mean[d.y[i]][j]);
    }
    for (c = 0; c < 3; c++) {
        assert_true(fabs(gp->log_prior[c] - log(cnt[c] / 15.0)) < 1e-12);
        for (j = 0; j < 2; j++) {
            var[c][j] = var[c][j] / cnt[c] + 1e-9;
            assert_true(fabs(gp->means[c * 2 + j] - mean[c][j]) < 1e-12);
            assert_true(fabs(gp->covariances[c * 2 + j] - var[c][j]) < 1e-12);
        }
    }
    /* Predictions on a grid equal the direct GNB argmax. */
    for (x[0] = 0.0; x[0] <= 9.0; x[0] += 0.37) {
        for (x[1] = 0.5; x[1] <= 8.5; x[1] += 0.41) {
            int best = 0;
            double bl = -HUGE_VAL;

            mlq_model_standardize(&m, x, z);
            for (c = 0; c < 3; c++) {
                double l = log(cnt[c] / 15.0);

                for (j = 0; j < 2; j++)
                    l -= 0.5 * log(2 * TEST_PI * var[c][j]) +
                         (z[j] - mean[c][j]) * (z[j] - mean[c][j]) / (2 * var[c][j]);
                if (l > bl) {
                    bl = l;
                    best = (int)c;
                }
            }
            assert_int_equal(m.algo->predict(&m, z), best);
        }
    }
    mlq_model_free(&m);
    free_small(&d);
}

/* Three separated blobs in 4 dimensions: clustering finds them, full and
 * diagonal, deterministically for a seed; the device agrees on every row. */
static void test_blobs_are_recovered_and_the_device_agrees(void **state)
{
    enum { N = 240, P = 4 };
    static const double centre[3][P] = {{0, 0, 0, 0}, {8, 8, 0, 0}, {0, 8, 8, -8}};
    static char *names[] = {"a", "b", "c", "d"}, *classes[] = {"0", "1", "2"};
    const char *cov[2] = {"full", "diag"};
    mlq_dataset d = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t i, j, v;
    char hyper[300];

    (void)state;
    gsl_rng_set(rng, 42);
    d.n_rows = N;
    d.n_features = P;
    d.path = (char *)"blobs";
    d.feature_names = names;
    d.class_names = classes;
    d.n_classes = 3;
    d.x = calloc(N * P, sizeof(double));
    d.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        d.y[i] = (int)(i % 3);
        for (j = 0; j < P; j++)
            d.x[i * P + j] = centre[i % 3][j] + gsl_ran_gaussian(rng, 1.0 + 0.3 * (double)j);
    }
    for (v = 0; v < 2; v++) {
        mlq_model a, b;
        mlq_err err = {{0}};
        mlq_device dev;
        int pred[N], dp;
        double z[P];

        snprintf(hyper, sizeof hyper, "{\"covariance\": \"%s\", \"per-class\": false, \"anomaly-percentile\": \"off\", "
                 "\"reg-covar\": 1e-6, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 2, \"components\": 3}", cov[v]);
        assert_int_equal(train(&d, hyper, 5, &a, &err), 0);
        assert_int_equal(train(&d, hyper, 5, &b, &err), 0);
        assert_memory_equal(((gmm_params *)a.params)->means, ((gmm_params *)b.params)->means, 3 * P * sizeof(double));
        assert_int_equal(mlq_device_build(&a, 0, &dev, &err), 0);
        assert_int_equal(dev.clipped, 0);
        for (i = 0; i < N; i++) {
            mlq_model_standardize(&a, d.x + i * P, z);
            pred[i] = a.algo->predict(&a, z);
            assert_int_equal(mlq_device_predict(&dev, d.x + i * P, &dp), MLQ_OK);
            assert_int_equal(dp, pred[i]);
        }
        assert_true(mlq_purity(d.y, pred, N, 3, 3) == 1.0);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a.training, "converged")));
        mlq_device_free(&dev);
        mlq_model_free(&a);
        mlq_model_free(&b);
    }
    free(d.x);
    free(d.y);
    gsl_rng_free(rng);
}

/* The anomaly threshold flags the chosen share of the (normal) training rows;
 * rows of class 1 are not trained on. */
static void test_anomaly_threshold_is_the_training_percentile(void **state)
{
    enum { N = 400, P = 3 };
    static char *names[] = {"a", "b", "c"}, *classes[] = {"0", "1"};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t i, j, flagged = 0, flagged_anomalies = 0;
    double z[P];

    (void)state;
    gsl_rng_set(rng, 9);
    d.n_rows = N;
    d.n_features = P;
    d.path = (char *)"normal";
    d.feature_names = names;
    d.class_names = classes;
    d.n_classes = 2;
    d.x = calloc(N * P, sizeof(double));
    d.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        d.y[i] = i >= 300; /* 100 rows far away, class 1 */
        for (j = 0; j < P; j++)
            d.x[i * P + j] = gsl_ran_gaussian(rng, 1.0) + (d.y[i] ? 9.0 : 0.0);
    }
    assert_int_equal(train(&d, HYPER("\"components\": 2, \"anomaly-percentile\": 5"), 1, &m, &err), 0);
    assert_int_equal(mlq_model_task(&m), MLQ_TASK_ANOMALY);
    assert_true(cJSON_GetObjectItemCaseSensitive(m.training, "normal_rows")->valuedouble == 300);
    for (i = 0; i < N; i++) {
        mlq_model_standardize(&m, d.x + i * P, z);
        if (i < 300)
            flagged += (size_t)m.algo->predict(&m, z);
        else
            flagged_anomalies += (size_t)m.algo->predict(&m, z);
    }
    /* 5% of 300 by linear interpolation: 15 rows strictly below the threshold. */
    assert_int_equal(flagged, 15);
    assert_int_equal(flagged_anomalies, 100);
    mlq_model_free(&m);
    free(d.x);
    free(d.y);
    gsl_rng_free(rng);
}

static void test_degenerate_data_gets_clear_errors(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    make_small(&d);
    /* Class 2 has 4 distinct rows. */
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 5"), 1, &m, &err), -1);
    assert_string_equal(err.msg, "small: --components 5 is more than the distinct rows of class '2' (4 rows): lower --components");
    mlq_model_free(&m);
    /* Per-class and anomaly exclude each other. */
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 1, \"anomaly-percentile\": 1"), 1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "exclude each other"));
    mlq_model_free(&m);
    /* Duplicate rows and no regularisation: a singular covariance, with guidance. */
    d.x[2] = d.x[0];
    d.x[3] = d.x[1];
    d.x[4] = d.x[0];
    d.x[5] = d.x[1];
    d.x[6] = d.x[0];
    d.x[7] = d.x[1];
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": true, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 0, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, \"components\": 2}",
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "class '0': component"));
    assert_non_null(strstr(err.msg, "raise --reg-covar (now 0)"));
    mlq_model_free(&m);
    /* The default regularisation makes the same data work. */
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": true, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 1e-6, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, \"components\": 2}",
                           1, &m, &err), 0);
    mlq_model_free(&m);
    free_small(&d);
}

static void test_unconverged_em_says_so(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    make_small(&d);
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": false, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 1e-6, \"max-iter\": 1, \"tol\": 0, \"n-init\": 1, \"components\": 3}",
                           1, &m, &err), 0);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m.training, "converged")));
    mlq_model_free(&m);
    free_small(&d);
}

/* Save, load, and every validation of the parameters on load. */
static void test_model_file_round_trip_and_validation(void **state)
{
    static const struct {
        const char *from, *to, *msg;
    } edits[] = {
        {"\"weights\":\t[", "\"weights\":\t[0.5, ", "field 'gmm.weights'"},
        {"\"groups\":\t3", "\"groups\":\t2", "field 'gmm.groups' is 2"},
        {"\"log_prior\":\t[", "\"log_prior\":\t[0.5, ", "field 'gmm.log_prior'"},
        {"\"covariances\":\t[[", "\"covariances\":\t[[-", "not positive definite"},
        {"\"covariance\":\t\"full\"", "\"covariance\":\t\"round\"", "must be \"full\" or \"diag\""},
    };
    mlq_dataset d;
    mlq_model m, l;
    mlq_err err = {{0}};
    char *text;
    size_t i, n;
    FILE *f;
    char path[64];

    (void)state;
    snprintf(path, sizeof path, "/tmp/mlq_test_gmm_%ld.json", (long)getpid());
    make_small(&d);
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": true, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 1e-6, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, \"components\": 1}",
                           1, &m, &err), 0);
    assert_int_equal(mlq_model_save(path, &m, &err), 0);
    if (mlq_model_load(path, &l, &err) != 0)
        fail_msg("%s", err.msg);
    assert_memory_equal(((gmm_params *)l.params)->covariances, ((gmm_params *)m.params)->covariances, 3 * 4 * sizeof(double));
    mlq_model_free(&l);
    f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    n = (size_t)ftell(f);
    rewind(f);
    text = calloc(n + 64, 1);
    assert_int_equal(fread(text, 1, n, f), n);
    fclose(f);
    for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *at = strstr(text, edits[i].from), *edited;

        assert_non_null(at);
        edited = calloc(n + 64, 1);
        memcpy(edited, text, (size_t)(at - text));
        strcat(edited, edits[i].to);
        strcat(edited, at + strlen(edits[i].from));
        f = fopen(path, "wb");
        fputs(edited, f);
        fclose(f);
        assert_int_equal(mlq_model_load(path, &l, &err), -1);
        if (strstr(err.msg, edits[i].msg) == NULL)
            fail_msg("edit %zu: '%s' lacks '%s'", i, err.msg, edits[i].msg);
        free(edited);
    }
    /* A non-finite parameter never reaches a file. */
    ((gmm_params *)m.params)->means[0] = (double)NAN;
    assert_int_equal(mlq_model_save(path, &m, &err), -1);
    remove(path);
    free(text);
    mlq_model_free(&m);
    free_small(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_matches_reference_bit_exactly),
        cmocka_unit_test(test_standard_normal_density),
        cmocka_unit_test(test_every_error_code_keeps_the_canary),
        cmocka_unit_test(test_per_class_diag_is_gaussian_naive_bayes),
        cmocka_unit_test(test_blobs_are_recovered_and_the_device_agrees),
        cmocka_unit_test(test_anomaly_threshold_is_the_training_percentile),
        cmocka_unit_test(test_degenerate_data_gets_clear_errors),
        cmocka_unit_test(test_unconverged_em_says_so),
        cmocka_unit_test(test_model_file_round_trip_and_validation),
    };
    gsl_set_error_handler_off(); /* as the CLI does: every status is checked */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
