/* SPDX-License-Identifier: MIT */
/*
 * Linear device kernels and exporter: values computed by hand, random
 * models of every shape against an int64 reference (bit for bit), the
 * bound of mlq_linear_check attained exactly, saturation of the scores,
 * probabilities, every rejection of mlq_linear_check, every error of the
 * entries with output canaries; the exporter's folding (exact integers,
 * the finest scale), the device against the float model within the bound
 * the quantization allows, refusals and the header. The trainer is in
 * test_train_linear.c.
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
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "linear_params.h"
#include "mlq/linear.h"
#include "mlq/score.h"
#include "model.h"
#include "test_rng.h"

enum { MAX_OUT = 8, MAX_P = 12 };

/* ---- the reference -------------------------------------------------------- */

/* The exact sum of row r in int64. */
static int64_t sum_ref(const mlq_linear_q15 *m, size_t r, const mlq_q15_t *x)
{
    size_t j, row = MLQ_ROW_LEN((size_t)m->n_features);
    int64_t s = m->bias[r];

    for (j = 0; j < m->n_features; j++)
        s += (int64_t)x[j] * m->w[r * row + j];
    return s;
}

/* What mlq/linear.h promises: every output's exact sum (a binary model's
 * class 0: 0), the winner the largest (lowest on ties), each score the sum
 * / 2^shift rounded half up or times 2^-shift saturated, then the winner
 * kept on top (mlq_score_keep_winner). */
static uint16_t scores_ref(const mlq_linear_q15 *m, const mlq_q15_t *x, int32_t *out)
{
    size_t k, n = m->n_outputs, first = n == 2 ? 1 : 0, best = 0;
    int64_t sums[MAX_OUT];

    sums[0] = 0;
    for (k = first; k < n; k++)
        sums[k] = sum_ref(m, k - first, x);
    for (k = 0; k < n; k++) {
        double v = m->shift >= 0 ? floor(ldexp((double)sums[k], -m->shift) + 0.5)
                                 : ldexp((double)sums[k], -m->shift);

        out[k] = v >= 2147483647.0 ? INT32_MAX : v <= -2147483648.0 ? INT32_MIN : (int32_t)v;
        if (sums[k] > sums[best])
            best = k;
    }
    mlq_score_keep_winner(out, (uint16_t)n, (uint16_t)best);
    return (uint16_t)best;
}

/* Check predict, scores and proba of m on x against the reference. */
static void expect_ref(const mlq_linear_q15 *m, const mlq_q15_t *x)
{
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_LINEAR_WORK_BYTES(MAX_OUT))];
    int32_t want[MAX_OUT], got[MAX_OUT];
    uint16_t id = 999, proba[MAX_OUT], best = scores_ref(m, x, want), k;
    uint32_t total = 0;

    assert_int_equal(mlq_linear_predict_q15(m, x, m->n_features, work, sizeof work, &id), MLQ_OK);
    assert_int_equal(id, best);
    assert_int_equal(mlq_linear_scores_q15(m, x, m->n_features, work, sizeof work, got), MLQ_OK);
    assert_memory_equal(got, want, m->n_outputs * sizeof *got);
    assert_int_equal(mlq_score_argmax(got, m->n_outputs), best);
    if (m->n_outputs < 2)
        return;
    assert_int_equal(mlq_linear_proba_q15(m, x, m->n_features, work, sizeof work, proba), MLQ_OK);
    for (k = 0; k < m->n_outputs; k++)
        total += proba[k];
    assert_int_equal(total, MLQ_PROBA_ONE);
    assert_int_equal(mlq_proba_argmax(proba, m->n_outputs), best);
}

/* ---- the kernels ------------------------------------------------------------ */

/* Three classes, three features (rows padded to four), shift 2. */
static const mlq_q15_t hand_w[3 * 4] = {100, -200, 300, 0, -50, 25, 0, 0, 0, 0, 1, 0};
static const int32_t hand_b[3] = {1000, -7, 65536};
static const mlq_linear_q15 hand = {3, 3, 2, hand_w, hand_b};

static void test_hand_computed_values(void **state)
{
    /* row 0: 1000 + 100000 - 400000 - 900000 = -1199000, / 4 = -299750;
     * row 1: -7 - 50000 + 50000 = -7, / 4 = -1.75, half up: -2;
     * row 2: 65536 - 3000 = 62536, / 4 = 15634: the winner. */
    static const mlq_q15_t x[3] = {1000, 2000, -3000};
    static const int32_t want[3] = {-299750, -2, 15634};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_LINEAR_WORK_BYTES(3))];
    int32_t s[3];
    uint16_t id, p[3];
    double e[3], sum = 0.0;
    size_t k;

    (void)state;
    assert_int_equal(mlq_linear_check(&hand), MLQ_OK);
    assert_int_equal(mlq_linear_work_size(&hand), 12);
    assert_int_equal(mlq_linear_predict_q15(&hand, x, 3, work, sizeof work, &id), MLQ_OK);
    assert_int_equal(id, 2);
    assert_int_equal(mlq_linear_scores_q15(&hand, x, 3, work, sizeof work, s), MLQ_OK);
    assert_memory_equal(s, want, sizeof want);
    /* The softmax of the scores, within 2 / 32768 (the winner's 2n / 32768). */
    assert_int_equal(mlq_linear_proba_q15(&hand, x, 3, work, sizeof work, p), MLQ_OK);
    for (k = 0; k < 3; k++)
        sum += e[k] = exp((double)want[k] / 65536.0);
    for (k = 0; k < 3; k++)
        assert_true(fabs(p[k] / 32768.0 - e[k] / sum) <= (k == 2 ? 6.0 : 2.0) / 32768.0);
    assert_int_equal(p[0] + p[1] + p[2], 32768);
}

/* Binary: class 0 scores 0 and wins ties; a positive sum that rounds to a
 * zero score still predicts class 1, and the scores keep it on top. */
static void test_binary_convention(void **state)
{
    static const mlq_q15_t w[2] = {2, 0};
    static const int32_t b[1] = {-1}, at_one[1] = {-2};
    mlq_linear_q15 m = {2, 1, 2, w, b};
    mlq_work_t work[1];
    mlq_q15_t x;
    int32_t s[2];
    uint16_t id, p[2];

    (void)state;
    assert_int_equal(mlq_linear_work_size(&m), 8);
    x = 1; /* sum 1: 0.25 rounds to 0 */
    assert_int_equal(mlq_linear_predict_q15(&m, &x, 1, work, sizeof work, &id), MLQ_OK);
    assert_int_equal(id, 1);
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], -1);
    assert_int_equal(s[1], 0);
    assert_int_equal(mlq_linear_proba_q15(&m, &x, 1, work, sizeof work, p), MLQ_OK);
    assert_true(p[1] >= p[0] && p[0] + p[1] == 32768 && p[0] > 16380);
    x = 0; /* sum -1: class 0, score -0.25 rounds half up to 0, a tie class 0 wins */
    assert_int_equal(mlq_linear_predict_q15(&m, &x, 1, work, sizeof work, &id), MLQ_OK);
    assert_int_equal(id, 0);
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], 0);
    assert_int_equal(s[1], 0);
    assert_int_equal(mlq_linear_proba_q15(&m, &x, 1, work, sizeof work, p), MLQ_OK);
    assert_int_equal(p[0], 16384);
    assert_int_equal(p[1], 16384);
    m.bias = at_one; /* sum 0 at x = 1: class 0 */
    x = 1;
    assert_int_equal(mlq_linear_predict_q15(&m, &x, 1, work, sizeof work, &id), MLQ_OK);
    assert_int_equal(id, 0);
    m.bias = b;
    x = 1000; /* sum 1999: 499.75 rounds to 500 */
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[1], 500);
}

/* Regression: one row, no scratch, predict 0, no probabilities; a negative
 * shift saturates rather than wraps. */
static void test_regression_and_saturation(void **state)
{
    static const mlq_q15_t w[2] = {1, 0};
    static const int32_t up[1] = {65536}, down[1] = {-65536};
    mlq_linear_q15 m = {1, 1, -16, w, up};
    mlq_q15_t x = 1;
    int32_t s = 0;
    uint16_t id = 7, p[2] = {5, 5};

    (void)state;
    assert_int_equal(mlq_linear_check(&m), MLQ_OK);
    assert_int_equal(mlq_linear_work_size(&m), 0);
    assert_int_equal(MLQ_LINEAR_WORK_BYTES(1), 0);
    assert_int_equal(mlq_linear_predict_q15(&m, &x, 1, NULL, 0, &id), MLQ_OK);
    assert_int_equal(id, 0);
    x = -32767; /* sum 32769, times 2^16: beyond int32 */
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, INT32_MAX);
    x = -32768; /* sum 32768: 2^31 saturates too */
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, INT32_MAX);
    x = -1; /* sum 65535, times 2^15: fits */
    m.shift = -15;
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, 65535 * 32768);
    m.bias = down;
    x = -32768; /* sum -98304, times 2^15 = -3221225472 */
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, INT32_MIN);
    x = 32767; /* sum -32769 */
    m.shift = 0;
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, -32769);
    m.shift = 31; /* -32769 / 2^31 rounds to 0 */
    assert_int_equal(mlq_linear_scores_q15(&m, &x, 1, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, 0);
    assert_int_equal(mlq_linear_proba_q15(&m, &x, 1, NULL, 0, p), MLQ_ERR_MODEL);
    assert_int_equal(p[0], 5);
}

/* The bound of mlq_linear_check attained: 32768 (32767 + 32767) + 65535 =
 * 2^31 - 1, the largest sum of any input, exact; one more is refused. */
static void test_the_int32_bound_is_exact(void **state)
{
    static const mlq_q15_t w[2] = {-32767, -32767};
    int32_t b[1] = {65535};
    mlq_linear_q15 m = {1, 2, 0, w, b};
    mlq_q15_t lo[2] = {-32768, -32768}, hi[2] = {32767, 32767};
    int32_t s;

    (void)state;
    assert_int_equal(mlq_linear_check(&m), MLQ_OK);
    assert_int_equal(mlq_linear_scores_q15(&m, lo, 2, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, INT32_MAX);
    assert_int_equal(mlq_linear_scores_q15(&m, hi, 2, NULL, 0, &s), MLQ_OK);
    assert_int_equal(s, 65535 - 2 * 32767 * 32767);
    b[0] = -65535;
    assert_int_equal(mlq_linear_check(&m), MLQ_OK);
    b[0] = 65536;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    b[0] = -65536;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
}

/* A random model of n outputs and p features whose sums use most of int32. */
static void random_model(mlq_linear_q15 *m, mlq_q15_t *w, int32_t *b, uint16_t n, uint16_t p, int shift)
{
    size_t rows = MLQ_LINEAR_ROWS(n), row = MLQ_ROW_LEN((size_t)p), r, j;
    uint32_t lim = (uint32_t)((2147483647u - (1u << 20)) / (32768u * p));

    if (lim > 32767)
        lim = 32767;
    memset(w, 0, rows * row * sizeof *w);
    for (r = 0; r < rows; r++) {
        for (j = 0; j < p; j++)
            w[r * row + j] = (mlq_q15_t)((int32_t)(next_u32() % (2 * lim + 1)) - (int32_t)lim);
        b[r] = (int32_t)(next_u32() % (1u << 21)) - (1 << 20);
    }
    *m = (mlq_linear_q15){n, p, (int8_t)shift, w, b};
    assert_int_equal(mlq_linear_check(m), MLQ_OK);
}

static void test_random_models_against_the_reference(void **state)
{
    static const uint16_t outs[] = {1, 2, 3, 5, 8};
    static const int shifts[] = {-16, -3, 0, 1, 7, 16, 31};
    mlq_q15_t w[MAX_OUT * MAX_P], buf[MAX_P + 1];
    int32_t b[MAX_OUT];
    mlq_linear_q15 m;
    size_t o, t, i, j;
    uint16_t p;

    (void)state;
    for (o = 0; o < sizeof outs / sizeof outs[0]; o++)
        for (p = 1; p <= 9; p++)
            for (t = 0; t < 40; t++) {
                random_model(&m, w, b, outs[o], p, shifts[t % 7]);
                for (i = 0; i < 8; i++) {
                    /* unaligned too: the input one element into buf */
                    mlq_q15_t *x = buf + (i & 1);

                    for (j = 0; j < p; j++)
                        x[j] = i == 2 ? INT16_MIN : i == 3 ? INT16_MAX : next_q15();
                    expect_ref(&m, x);
                }
            }
}

/* Two outputs with the same sum: the lower one wins, in predict and scores. */
static void test_ties_go_to_the_lower_output(void **state)
{
    static const mlq_q15_t w[3 * 2] = {5, 0, 5, 0, -5, 0};
    static const int32_t b[3] = {0, 0, 0};
    static const mlq_linear_q15 m = {3, 1, 4, w, b};
    mlq_q15_t x = 1;

    (void)state;
    expect_ref(&m, &x);
    x = -1;
    expect_ref(&m, &x);
    x = 0;
    expect_ref(&m, &x);
}

static void test_check_rejects_every_inconsistency(void **state)
{
    static const mlq_q15_t w_pad[3 * 4] = {100, -200, 300, 1, -50, 25, 0, 0, 0, 0, 1, 0};
    mlq_linear_q15 m;

    (void)state;
    m = hand;
    m.n_outputs = 0;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    m = hand;
    m.n_outputs = 32768;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    m = hand;
    m.n_features = 0;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    m = hand;
    m.w = NULL;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    m = hand;
    m.bias = NULL;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    m = hand;
    m.shift = MLQ_LINEAR_SHIFT_MIN - 1;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    m.shift = MLQ_LINEAR_SHIFT_MIN;
    assert_int_equal(mlq_linear_check(&m), MLQ_OK);
    m.shift = MLQ_LINEAR_SHIFT_MAX + 1;
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
    m.shift = MLQ_LINEAR_SHIFT_MAX;
    assert_int_equal(mlq_linear_check(&m), MLQ_OK);
    m = hand;
    m.w = w_pad; /* row 0's pad is not 0 */
    assert_int_equal(mlq_linear_check(&m), MLQ_ERR_MODEL);
}

static void test_entry_errors_leave_the_outputs(void **state)
{
    mlq_work_t work[2];
    mlq_q15_t x[3] = {1, 2, 3};
    int32_t s[3] = {-5, -5, -5};
    uint16_t id = 77, p[3] = {9, 9, 9};
    unsigned char *odd = (unsigned char *)work + 1;

    (void)state;
    assert_int_equal(mlq_linear_predict_q15(&hand, x, 2, work, sizeof work, &id), MLQ_ERR_SIZE);
    assert_int_equal(mlq_linear_scores_q15(&hand, x, 4, work, sizeof work, s), MLQ_ERR_SIZE);
    assert_int_equal(mlq_linear_proba_q15(&hand, x, 0, work, sizeof work, p), MLQ_ERR_SIZE);
    assert_int_equal(mlq_linear_predict_q15(&hand, x, 3, work, 11, &id), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_linear_scores_q15(&hand, x, 3, NULL, 0, s), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_linear_proba_q15(&hand, x, 3, work, 8, p), MLQ_ERR_BUFFER);
    if (MLQ_WORK_ALIGN > 1)
        assert_int_equal(mlq_linear_proba_q15(&hand, x, 3, odd, 12, p), MLQ_ERR_BUFFER);
    assert_int_equal(id, 77);
    assert_int_equal(s[0], -5);
    assert_int_equal(s[2], -5);
    assert_int_equal(p[0], 9);
    assert_int_equal(p[2], 9);
}

/* ---- the exporter ------------------------------------------------------------ */

/* A model trained on every row of data/NAME.csv. */
static void train_on(const char *path, const char *hyper, mlq_model *m, mlq_dataset *d)
{
    mlq_err err = {{0}};
    int regress = strstr(hyper, "regress") != NULL;

    assert_int_equal(mlq_csv_read(path, NULL, regress ? MLQ_TARGET_REQUIRED : MLQ_LABEL_REQUIRED, NULL,
                                  0, d, &err),
                     0);
    if (mlq_model_train(m, &mlq_algo_linear, d, cJSON_Parse(hyper), 1, 0, NULL, &err) != 0)
        fail_msg("%s", err.msg);
}

/* The device model of dev: export_linear.c's device struct starts with it. */
static const mlq_linear_q15 *device_model(const mlq_device *dev)
{
    return (const mlq_linear_q15 *)dev->impl;
}

/*
 * The folding: W = round(w R 2^e), B = round(b 2^(e + 15)), shift e - 1,
 * at the finest scale that keeps the int32 bound (or the int16 weights):
 * at 2^(e + 1) one of them would fail. Then every row of the data through
 * the device against the float model, within what the quantization allows:
 * per feature |w_j| R / 32768 (one Q15 step of the input, unsaturated) and
 * half a weight step times |x_j| + 1 (x_j = 32768 z_j / R), half a bias step,
 * and one Q15.16 step (rounding, and mlq_score_keep_winner's unit).
 */
static void expect_folded(const char *path, const char *hyper)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    const linear_params *lp;
    const mlq_linear_q15 *q;
    size_t p, row, r, j, i, k, n_out, first;
    int e, finest = 0;
    double z[64], host[16], step, bound;
    int32_t dv[16];

    train_on(path, hyper, &m, &d);
    lp = m.params;
    p = m.n_features;
    row = MLQ_ROW_LEN(p);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.clipped, 0);
    q = device_model(&dev);
    e = q->shift + 1;
    assert_int_equal(MLQ_LINEAR_ROWS(q->n_outputs), lp->n_rows);
    for (r = 0; r < lp->n_rows; r++) {
        int64_t l1 = 0, wmax = 0, b = q->bias[r];

        assert_int_equal(b, llround(ldexp(lp->b[r], e + 15)));
        for (j = 0; j < p; j++) {
            int64_t v = q->w[r * row + j];

            assert_int_equal(v, llround(ldexp(lp->w[r * p + j] * m.input_range, e)));
            l1 += v < 0 ? -v : v;
            wmax = v < 0 && -v > wmax ? -v : v > wmax ? v : wmax;
        }
        finest |= 2 * wmax + 1 > 32767 ||
                  2 * (32768 * l1 + (b < 0 ? -b : b)) + 32768 * (int64_t)p + 1 > INT32_MAX;
    }
    assert_true(finest);
    n_out = dev.n_outputs;
    first = n_out == 2 ? 1 : 0;
    step = ldexp(1.0, -(e + 15));
    for (i = 0; i < d.n_rows; i++) {
        int saturated = 0;

        mlq_model_standardize(&m, d.x + i * p, z);
        m.algo->host_scores(&m, z, host);
        assert_int_equal(mlq_device_scores(&dev, d.x + i * p, dv), MLQ_OK);
        for (j = 0; j < p; j++)
            saturated |= fabs(z[j]) >= m.input_range * (1.0 - ldexp(1.0, -14));
        for (k = first; k < n_out && !saturated; k++) {
            bound = 0.5 * step + 1.0 / 65536.0;
            for (j = 0; j < p; j++)
                bound += fabs(lp->w[(k - first) * p + j]) * m.input_range / 32768.0 +
                         0.5 * step * (fabs(z[j]) * 32768.0 / m.input_range + 1.0);
            if (fabs(dv[k] / 65536.0 - host[k]) > bound)
                fail_msg("%s row %zu output %zu: device %.9g host %.9g bound %.3g", path, i, k,
                         dv[k] / 65536.0, host[k], bound);
        }
    }
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

#define LOGISTIC                                                                               \
    "{\"task\": \"classify\", \"C\": 1, \"class-weight\": \"none\", \"tol\": 1e-4, \"max-iter\": 1000}"

static void test_folding_and_agreement(void **state)
{
    (void)state;
    expect_folded("data/iris.csv", LOGISTIC);
    expect_folded("data/breast_cancer.csv", LOGISTIC);
    expect_folded("data/wine.csv",
                  "{\"C\": 100, \"class-weight\": \"balanced\", \"tol\": 1e-4, \"max-iter\": 1000}");
    expect_folded("data/diabetes.csv", "{\"task\": \"regress\", \"alpha\": 1}");
}

/* The table's sides: a classifier has probabilities and scratch for them,
 * a regression model neither; the header is written with the model's entries. */
static void test_device_tables_and_header(void **state)
{
    mlq_dataset d = {0}, r = {0};
    mlq_model m, g;
    mlq_device dev, rdev;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_linear_XXXXXX", line[512];
    uint16_t pr[3];
    double z[4], hp[3];
    int fd = mkstemp(path), id, found = 0;
    FILE *f;

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    train_on("data/iris.csv", LOGISTIC, &m, &d);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.n_outputs, 3);
    assert_int_equal(dev.work_bytes, 12);
    assert_int_equal(dev.n_coef, 15);
    assert_string_equal(dev.kern.proba, "mlq_linear_proba_q15");
    assert_string_equal(dev.kern.work, "MLQ_LINEAR_WORK_BYTES(3)");
    assert_int_equal(mlq_device_proba(&dev, d.x, pr), MLQ_OK);
    assert_int_equal(mlq_device_predict(&dev, d.x, &id), MLQ_OK);
    assert_int_equal(mlq_proba_argmax(pr, 3), id);
    mlq_model_standardize(&m, d.x, z);
    assert_int_equal(m.algo->host_proba(&m, z, hp), 0);
    assert_true(fabs(pr[0] / 32768.0 - hp[0]) < 1e-3);
    assert_int_equal(mlq_export_header(&dev, "iris_lin", path, NULL, &err), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL)
        found += strstr(line, "static const mlq_linear_q15 iris_lin_model MLQ_FLASH = {3, 4, ") != NULL ||
                 strstr(line, "mlq_linear_proba_q15(&iris_lin_model, x, iris_lin_N_FEATURES, work, "
                              "sizeof work, out)") != NULL;
    fclose(f);
    remove(path);
    assert_int_equal(found, 2);
    mlq_device_free(&dev);

    train_on("data/diabetes.csv", "{\"task\": \"regress\", \"alpha\": 1}", &g, &r);
    assert_int_equal(mlq_device_build(&g, 0, &rdev, &err), 0);
    assert_int_equal(rdev.n_outputs, 1);
    assert_int_equal(rdev.work_bytes, 0);
    assert_null(rdev.kern.proba);
    assert_int_equal(mlq_device_proba(&rdev, r.x, pr), MLQ_ERR_MODEL);
    assert_int_equal(mlq_device_predict(&rdev, r.x, &id), MLQ_OK);
    assert_int_equal(id, 0);
    mlq_device_free(&rdev);
    mlq_model_free(&g);
    mlq_dataset_free(&r);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* Far outside the training range the input saturates and the scores stay
 * what the kernel gives for full-scale inputs: no wrap. */
static void test_extreme_inputs_saturate(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    double x[4];
    mlq_q15_t q[4];
    int32_t s[3], want[3];
    size_t t, j;

    (void)state;
    train_on("data/iris.csv", LOGISTIC, &m, &d);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    for (t = 0; t < 16; t++) {
        for (j = 0; j < 4; j++) {
            x[j] = (t >> j) & 1u ? 1e30 : -1e30;
            q[j] = (t >> j) & 1u ? INT16_MAX : INT16_MIN;
        }
        assert_int_equal(mlq_device_scores(&dev, x, s), MLQ_OK);
        scores_ref(device_model(&dev), q, want);
        assert_memory_equal(s, want, sizeof s);
    }
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* Weights beyond what any scale holds are refused with the field. */
static void test_refusals(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    linear_params *lp;

    (void)state;
    train_on("data/iris.csv", LOGISTIC, &m, &d);
    lp = m.params;
    lp->w[5] = 1e9; /* R 2^-15 1e9 x 32768 > 2^31 */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
    assert_string_equal(err.msg, "data/iris.csv: field 'linear.weights': with the intercepts, the "
                                 "weights reach beyond the device's exact int32 sums even at the "
                                 "coarsest scale 2^-15 (a row value of 2^31 at most)");
    lp->w[5] = 1e4; /* fits, at a negative shift */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_true(device_model(&dev)->shift < 0);
    mlq_device_free(&dev);
    lp->w[5] = 0.0;
    lp->b[1] = 1e12; /* 1e12 2^-15 > 2^31 */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
    assert_string_equal(err.msg, "data/iris.csv: field 'linear.intercepts': an intercept reaches "
                                 "beyond the device's exact int32 sums even at the coarsest scale "
                                 "2^-15 (a row value of 2^31 at most)");
    lp->b[1] = 2.147e9; /* below 2^31, but not with the weights' 32768 x 122 */
    lp->w[5] = 1e6;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
    assert_non_null(strstr(err.msg, "field 'linear.weights': with the intercepts"));
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed_values),
        cmocka_unit_test(test_binary_convention),
        cmocka_unit_test(test_regression_and_saturation),
        cmocka_unit_test(test_the_int32_bound_is_exact),
        cmocka_unit_test(test_random_models_against_the_reference),
        cmocka_unit_test(test_ties_go_to_the_lower_output),
        cmocka_unit_test(test_check_rejects_every_inconsistency),
        cmocka_unit_test(test_entry_errors_leave_the_outputs),
        cmocka_unit_test(test_folding_and_agreement),
        cmocka_unit_test(test_device_tables_and_header),
        cmocka_unit_test(test_extreme_inputs_saturate),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
