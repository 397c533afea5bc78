/* SPDX-License-Identifier: MIT */
/*
 * SVM exporter: host vs device agreement of predictions and scores, the
 * argmax of the scores (host and device) equal to the prediction, vote
 * ties, classes without rows, saturation of extreme inputs, NaN input, no
 * probabilities, every refusal of a model the device cannot represent
 * (with the model file's field named), constants that saturate without
 * changing a prediction, and the model file round trip.
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
#include "mlq/score.h"
#include "mlq/svm.h"
#include "model.h"
#include "svm_data.h"
#include "svm_params.h"
#include "test_rng.h"

/* ---- host vs device ----------------------------------------------------- */

static size_t argmax_of(const double *v, size_t n)
{
    size_t j, best = 0;

    for (j = 1; j < n; j++)
        if (v[j] > v[best])
            best = j;
    return best;
}

static void check_device(const char *path, const char *hyper, double max_diff)
{
    mlq_dataset tr, te = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    mlq_device dev;
    double z[64], hs[16], big[64], worst = 0;
    int32_t ds[16];
    uint16_t p[16] = {555};
    size_t i, j, same = 0, k;
    int host, devc;
    char out[] = "/tmp/mlq_test_svm_XXXXXX";
    int fd = mkstemp(out);

    assert_true(fd >= 0);
    training_part(path, &tr, &te);
    assert_int_equal(train(&tr, hyper, &m, &err), 0);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.clipped, 0);
    k = m.algo->n_outputs(&m);
    assert_int_equal(k, m.n_classes);
    assert_int_equal(dev.n_outputs, k);
    assert_null(dev.kern.proba);
    assert_int_equal(mlq_svm_check(dev.impl), MLQ_OK);
    for (i = 0; i < te.n_rows; i++) {
        const double *x = te.x + i * te.n_features;

        mlq_model_standardize(&m, x, z);
        host = m.algo->predict(&m, z);
        assert_int_equal(mlq_device_predict(&dev, x, &devc), MLQ_OK);
        same += host == devc;
        m.algo->host_scores(&m, z, hs);
        assert_int_equal(mlq_device_scores(&dev, x, ds), MLQ_OK);
        /* The argmax of the scores is the prediction, host and device. */
        assert_int_equal(argmax_of(hs, k), host);
        assert_int_equal(mlq_score_argmax(ds, (uint16_t)k), devc);
        for (j = 0; j < te.n_features && fabs(z[j]) < m.input_range; j++)
            ;
        if (j < te.n_features)
            continue; /* outside the input range, which the device saturates */
        for (j = 0; j < k; j++)
            worst = fmax(worst, fabs(hs[j] - ds[j] / 65536.0));
    }
    if (!(worst < max_diff))
        fail_msg("scores differ by %g", worst);
    assert_true((double)same >= 0.995 * (double)te.n_rows);
    /* No probabilities: an error, the output untouched. */
    assert_int_equal(mlq_device_proba(&dev, te.x, p), MLQ_ERR_MODEL);
    assert_int_equal(p[0], 555);
    /* A NaN feature: MLQ_ERR_INPUT, the outputs untouched. */
    memcpy(big, te.x, te.n_features * sizeof *big);
    big[te.n_features - 1] = (double)NAN;
    devc = -77;
    for (j = 0; j < k; j++)
        ds[j] = 4242;
    assert_int_equal(mlq_device_predict(&dev, big, &devc), MLQ_ERR_INPUT);
    assert_int_equal(mlq_device_scores(&dev, big, ds), MLQ_ERR_INPUT);
    assert_int_equal(devc, -77);
    for (j = 0; j < k; j++)
        assert_int_equal(ds[j], 4242);
    /* Far outside the training range: inputs saturate, a class comes out,
     * the scores agree with it. */
    for (i = 0; i < 50; i++) {
        for (j = 0; j < te.n_features; j++)
            big[j] = (next_u32() & 1 ? 1e30 : -1e30) * (next_u32() % 3u);
        assert_int_equal(mlq_device_predict(&dev, big, &devc), MLQ_OK);
        assert_true(devc >= 0 && (size_t)devc < m.n_classes);
        assert_int_equal(mlq_device_scores(&dev, big, ds), MLQ_OK);
        assert_int_equal(mlq_score_argmax(ds, (uint16_t)k), devc);
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

/* Scores are votes plus margins clamped within half a vote, so host and
 * device differ by the decision values' rounding (Q15.16 and the device's
 * own quantization), well below 0.01. */
static void test_device_agrees_with_host_rbf(void **state)
{
    (void)state;
    check_device("data/wine.csv", HYPER(""), 0.01);
}

static void test_device_agrees_with_host_poly(void **state)
{
    (void)state;
    check_device("data/iris.csv",
                 "{\"kernel\": \"poly\", \"C\": 1, \"gamma\": 0.5, \"degree\": 3, \"coef0\": 1, "
                 "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200}",
                 0.01);
}

static void test_device_agrees_with_host_linear(void **state)
{
    (void)state;
    check_device("data/breast_cancer.csv",
                 "{\"kernel\": \"linear\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, \"coef0\": 0, "
                 "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200}",
                 0.01);
}

/* A class without training rows is not voted among: its score is -0.5 on
 * both sides, below every voted class, and ids keep their places. */
static void test_class_without_rows_scores_below_all(void **state)
{
    mlq_dataset tr, te = {0};
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    double z[8], hs[3];
    int32_t ds[3];
    size_t i, n = 0;
    int devc;

    (void)state;
    training_part("data/iris.csv", &tr, &te);
    for (i = 0; i < tr.n_rows; i++) /* keep classes 0 and 2 */
        if (tr.y[i] != 1) {
            memmove(tr.x + n * tr.n_features, tr.x + i * tr.n_features, tr.n_features * sizeof *tr.x);
            tr.y[n++] = tr.y[i];
        }
    tr.n_rows = n;
    assert_int_equal(train(&tr, HYPER(""), &m, &err), 0);
    assert_int_equal(m.n_classes, 3);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.n_outputs, 3);
    for (i = 0; i < te.n_rows; i++) {
        mlq_model_standardize(&m, te.x + i * te.n_features, z);
        m.algo->host_scores(&m, z, hs);
        assert_int_equal(mlq_device_scores(&dev, te.x + i * te.n_features, ds), MLQ_OK);
        assert_int_equal(mlq_device_predict(&dev, te.x + i * te.n_features, &devc), MLQ_OK);
        assert_true(hs[1] == -0.5);
        assert_int_equal(ds[1], -32768);
        assert_true(devc == 0 || devc == 2);
        assert_int_equal(mlq_score_argmax(ds, 3), devc);
        assert_int_equal(ds[devc] >> 16, 1); /* the one vote, then a margin within 1/2 */
        assert_true(ds[2 - devc] < 32768);   /* no vote */
    }
    mlq_device_free(&dev);
    mlq_model_free(&m);
    free_part(&tr, &te);
}

/* device_build on a model edited in memory: -1, no device, and the message
 * names the model file's field. */
static void expect_refusal(mlq_model *m, const char *field)
{
    mlq_device dev;
    mlq_err err = {{0}};
    char want[64];

    snprintf(want, sizeof want, "field '%s': ", field);
    assert_int_equal(mlq_device_build(m, 0, &dev, &err), -1);
    assert_null(dev.impl);
    if (strstr(err.msg, want) == NULL)
        fail_msg("'%s' lacks '%s'", err.msg, want);
}

static void train_iris(const char *kernel, mlq_model *m)
{
    mlq_dataset tr, te = {0};
    mlq_err err = {{0}};
    char hyper[400];

    snprintf(hyper, sizeof hyper,
             "{\"kernel\": \"%s\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, \"coef0\": 0, "
             "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200}",
             kernel);
    training_part("data/iris.csv", &tr, &te);
    assert_int_equal(train(&tr, hyper, m, &err), 0);
    free_part(&tr, &te);
}

/* Set every entry of a[n] to v. */
static void set_all(double *a, size_t n, double v)
{
    size_t i;

    for (i = 0; i < n; i++)
        a[i] = v;
}

/* Three classes that beat each other in a circle (the decisions are the
 * intercepts alone): one vote each, so class 0 wins; the margins favour
 * class 2 (0.25) over 1 (-0.05) and 0 (-0.2), and both sides bring the
 * winner back on top, the host in float and the device in Q15.16. */
static void test_vote_tie_keeps_the_winner_host_and_device(void **state)
{
    mlq_model m;
    svm_params *sp;
    mlq_device dev;
    mlq_err err = {{0}};
    double z[4] = {0, 0, 0, 0}, hs[3];
    int32_t ds[3];
    int devc;
    size_t c;

    (void)state;
    train_iris("linear", &m);
    sp = m.params;
    for (c = 0; c < (sp->n_used - 1) * sp->n_sv; c++)
        sp->coef[c] = 0.0;
    sp->rho[0] = -0.1; /* f(0,1) = 0.1: votes 0 */
    sp->rho[1] = 0.3;  /* f(0,2) = -0.3: votes 2 */
    sp->rho[2] = -0.05; /* f(1,2) = 0.05: votes 1 */
    assert_int_equal(m.algo->predict(&m, z), 0);
    m.algo->host_scores(&m, z, hs);
    for (c = 0; c < 3; c++)
        assert_true(fabs(hs[c] - 0.8) < 1e-12); /* 1 - 0.2; 1 - 0.05 and 1 + 0.25 lowered */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(mlq_device_predict(&dev, m.mean, &devc), MLQ_OK);
    assert_int_equal(devc, 0);
    assert_int_equal(mlq_device_scores(&dev, m.mean, ds), MLQ_OK);
    for (c = 0; c < 3; c++) /* 65536 + round(0.1 x 65536) - round(0.3 x 65536) */
        assert_int_equal(ds[c], 65536 + 6554 - 19661);
    mlq_device_free(&dev);
    mlq_model_free(&m);
}

static void test_refuses_what_the_device_cannot_represent(void **state)
{
    mlq_model m;
    svm_params *sp;
    double keep, *copy;
    size_t n_coef, n_sv;
    mlq_device dev;
    mlq_err err = {{0}};

    (void)state;
    /* Every kernel: coefficients beyond int16 at the coarsest scale. */
    train_iris("rbf", &m);
    sp = m.params;
    n_coef = (sp->n_used - 1) * sp->n_sv;
    copy = malloc(n_coef * sizeof *copy);
    memcpy(copy, sp->coef, n_coef * sizeof *copy);
    set_all(sp->coef, n_coef, 1e308);
    expect_refusal(&m, "svm.dual_coef");
    sp->coef[0] = -4e22; /* 32767 2^60 = 3.78e22 */
    memcpy(sp->coef + 1, copy + 1, (n_coef - 1) * sizeof *copy);
    expect_refusal(&m, "svm.dual_coef");
    sp->coef[0] = -3.7e22; /* the largest the device holds: builds, the others round to 0 */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    mlq_device_free(&dev);
    memcpy(sp->coef, copy, n_coef * sizeof *copy);
    free(copy);
    /* Sizes the format cannot count (refused before any array is read). */
    n_sv = sp->n_sv;
    sp->n_sv = 65536;
    expect_refusal(&m, "svm.sv_count");
    sp->n_sv = n_sv;
    m.n_classes = 32768;
    expect_refusal(&m, "class_names");
    m.n_classes = 3;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    mlq_device_free(&dev);
    mlq_model_free(&m);

    /* Linear: folded weights and intercepts beyond the device's at the coarsest scale. */
    train_iris("linear", &m);
    sp = m.params;
    set_all(sp->sv, sp->n_sv * m.n_features, 1e300);
    expect_refusal(&m, "svm.support_vectors");
    mlq_model_free(&m);
    train_iris("linear", &m);
    sp = m.params;
    keep = sp->rho[2];
    sp->rho[2] = 1e300;
    expect_refusal(&m, "svm.rho");
    sp->rho[2] = keep;
    set_all(sp->coef, (sp->n_used - 1) * sp->n_sv, 1e308);
    expect_refusal(&m, "svm.dual_coef");
    mlq_model_free(&m);

    /* Poly: a base gamma z.s + coef0 the 32-bit format cannot hold, kernel
     * values beyond a double, and a kernel that would ignore the input. */
    train_iris("poly", &m);
    sp = m.params;
    keep = sp->gamma;
    sp->gamma = 1e12;
    expect_refusal(&m, "svm.gamma");
    /* gamma far beyond what t_max bounds: with degree 1, t's bound has no
     * step left; with degree 2, the power step has no bit left. */
    sp->degree = 1;
    sp->gamma = 1e7;
    expect_refusal(&m, "svm.gamma");
    sp->degree = 2;
    sp->gamma = 1e3;
    expect_refusal(&m, "svm.gamma");
    sp->degree = 3;
    sp->gamma = 1e-300;
    expect_refusal(&m, "svm.gamma");
    sp->gamma = keep;
    sp->coef0 = 1e300;
    expect_refusal(&m, "svm.coef0");
    sp->coef0 = 1e30;
    expect_refusal(&m, "svm.coef0");
    sp->coef0 = 0;
    keep = sp->t_max;
    sp->t_max = 1e300;
    expect_refusal(&m, "svm.t_max");
    sp->t_max = keep;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    mlq_device_free(&dev);
    mlq_model_free(&m);
}

/* Constants beyond what a kernel needs saturate, are counted, and keep
 * every prediction of the float model. */
static void test_saturates_what_does_not_change_predictions(void **state)
{
    mlq_dataset tr, te = {0};
    mlq_model m;
    svm_params *sp;
    mlq_device dev;
    mlq_err err = {{0}};
    double z[8];
    size_t i;
    int devc;

    (void)state;
    train_iris("rbf", &m);
    sp = m.params;
    sp->rho[1] = 1e300; /* beyond 2^62 of the pairs' units: the pair always votes for class 2 */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.clipped, 1);
    training_part("data/iris.csv", &tr, &te);
    for (i = 0; i < te.n_rows; i++) {
        mlq_model_standardize(&m, te.x + i * te.n_features, z);
        assert_int_equal(mlq_device_predict(&dev, te.x + i * te.n_features, &devc), MLQ_OK);
        assert_int_equal(devc, m.algo->predict(&m, z));
    }
    free_part(&tr, &te);
    mlq_device_free(&dev);
    mlq_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_agrees_with_host_rbf),
        cmocka_unit_test(test_device_agrees_with_host_poly),
        cmocka_unit_test(test_device_agrees_with_host_linear),
        cmocka_unit_test(test_class_without_rows_scores_below_all),
        cmocka_unit_test(test_vote_tie_keeps_the_winner_host_and_device),
        cmocka_unit_test(test_refuses_what_the_device_cannot_represent),
        cmocka_unit_test(test_saturates_what_does_not_change_predictions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
