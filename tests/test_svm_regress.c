/* SPDX-License-Identifier: MIT */
/*
 * epsilon-SVR (mlq train svm --task regress) on the host and its device
 * model: points on a line fit within epsilon (the known solution, zero
 * loss, the KKT conditions); the diabetes split against the reference
 * implementation (support vectors and intercept printed by scikit-learn
 * 1.2's SVR, which wraps libsvm, on a standardized target); a kernel
 * cache that evicts, with the same solution; training errors; the options; the model file's round trip and every error of its
 * new fields; the device against the host within stated bounds, saturation
 * far outside the training range, NaN input, the exporter's refusals and
 * its `mlq info` lines. The kernels' bits are in test_svm.c.
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
#include "device_algo.h"
#include "export.h"
#include "metrics.h"
#include "mlq/svm.h"
#include "model.h"
#include "model_edit_test.h"
#include "svm_params.h"
#include "test_rng.h"

/* Every option of the table, as the CLI fills them in. */
#define HYPER_R(kernel, C, eps, tol, max_iter)                                                     \
    "{\"task\": \"regress\", \"kernel\": \"" kernel "\", \"C\": " C ", \"gamma\": \"scale\", "  \
    "\"degree\": 3, \"coef0\": 0, \"tol\": " tol ", \"max-iter\": " max_iter ", "               \
    "\"class-weight\": \"none\", \"cache-mb\": 200, \"epsilon\": " eps "}"

static int train_svr(const mlq_dataset *d, const char *hyper, mlq_model *m, mlq_err *err)
{
    cJSON *h = cJSON_Parse(hyper);

    assert_non_null(h);
    return mlq_model_train(m, &mlq_algo_svm, d, h, 1, 0, NULL, err);
}

/* data/diabetes.csv split as `mlq split --test-size 0.3 --seed 1` splits it
 * (no label column: one stratum), the target read as a target. */
static void diabetes(mlq_dataset *tr, mlq_dataset *te)
{
    mlq_dataset d = {0};
    mlq_err err = {{0}};
    size_t *a, *b, na, nb, i, p;

    assert_int_equal(mlq_csv_read("data/diabetes.csv", NULL, MLQ_TARGET_REQUIRED, NULL, 0, &d, &err), 0);
    p = d.n_features;
    a = calloc(d.n_rows, sizeof *a);
    b = calloc(d.n_rows, sizeof *b);
    assert_int_equal(mlq_split_stratified(NULL, d.n_rows, 0, 0.3, 1, a, &na, b, &nb), 0);
    *tr = d;
    memset(te, 0, sizeof *te);
    tr->x = calloc(na * p, sizeof(double));
    tr->t = calloc(na, sizeof(double));
    te->x = calloc(nb * p, sizeof(double));
    te->t = calloc(nb, sizeof(double));
    for (i = 0; i < na; i++) {
        memcpy(tr->x + i * p, d.x + a[i] * p, p * sizeof(double));
        tr->t[i] = d.t[a[i]];
    }
    for (i = 0; i < nb; i++) {
        memcpy(te->x + i * p, d.x + b[i] * p, p * sizeof(double));
        te->t[i] = d.t[b[i]];
    }
    tr->n_rows = na;
    te->n_rows = nb;
    te->n_features = p;
    free(tr->line); /* row numbers of the whole file: not the part's */
    tr->line = NULL;
    free(d.x);
    free(d.t);
    free(a);
    free(b);
}

static void free_parts(mlq_dataset *tr, mlq_dataset *te)
{
    free(te->x);
    free(te->t);
    mlq_dataset_free(tr);
}

/* The host's prediction (standardized target units) of raw row x. */
static double host_value(const mlq_model *m, const double *x)
{
    double z[16], s;

    mlq_model_standardize(m, x, z);
    m->algo->host_scores(m, z, &s);
    return s;
}

/* ---- the trainer ---------------------------------------------------------- */

/*
 * Ten points on the line t = 3 x + 2: standardized, t_z = z. A linear SVR
 * with a large C fits every point within epsilon with the flattest line,
 * w = 1 - eps / z_max and b = 0, whose tube touches only the two ends: they
 * are the support vectors, with coefficients +-w / (2 z_max); every other
 * point is inside the tube (zero loss).
 */
static void test_line_within_epsilon(void **state)
{
    double x[10], t[10], z[1], w = 0.0, sum = 0.0, zmax = 4.5 / sqrt(8.25);
    char *feat[1] = {"x"};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const svm_params *sp;
    size_t i, s;

    (void)state;
    for (i = 0; i < 10; i++) {
        x[i] = (double)i;
        t[i] = 3.0 * (double)i + 2.0;
    }
    d.n_rows = 10;
    d.n_features = 1;
    d.x = x;
    d.t = t;
    d.feature_names = feat;
    d.label_name = "t";
    d.path = "line.csv";
    assert_int_equal(train_svr(&d, HYPER_R("linear", "1000", "0.1", "1e-8", "100000"), &m, &err), 0);
    assert_int_equal(mlq_model_task(&m), MLQ_TASK_REGRESS);
    sp = m.params;
    assert_true(sp->regress);
    assert_int_equal(sp->n_sv, 2);
    assert_true(fabs(sp->rho[0]) < 1e-9);
    for (s = 0; s < sp->n_sv; s++) {
        w += sp->coef[s] * sp->sv[s];
        sum += sp->coef[s];
        assert_true(fabs(fabs(sp->sv[s]) - zmax) < 1e-12); /* the two ends */
        assert_true(fabs(fabs(sp->coef[s]) - (1.0 - 0.1 / zmax) / (2.0 * zmax)) < 1e-7);
        assert_true(fabs(sp->coef[s]) <= 1000.0);
    }
    assert_true(fabs(w - (1.0 - 0.1 / zmax)) < 1e-7);
    assert_true(fabs(sum) < 1e-12); /* the equality constraint: sum alpha - alpha* = 0 */
    for (i = 0; i < 10; i++) {
        double r;

        mlq_model_standardize(&m, x + i, z);
        r = (t[i] - m.target_mean) / m.target_scale - host_value(&m, x + i);
        assert_true(fabs(r) <= 0.1 + 1e-7);            /* zero loss */
        if (i == 0 || i == 9)
            assert_true(fabs(fabs(r) - 0.1) < 1e-7);   /* the SVs sit on the tube */
    }
    assert_int_equal(m.algo->n_outputs(&m), 1);
    assert_int_equal(m.algo->predict(&m, z), 0);
    /* In target units: the line's slope, less the tube's give. */
    assert_true(fabs(mlq_target_of_z(&m, host_value(&m, (double[]){4.5})) - 15.5) < 1e-7);
    mlq_model_free(&m);
}

/*
 * The diabetes training part against scikit-learn 1.2.1's SVR(C=1,
 * epsilon=0.1, gamma="scale") on StandardScaler features and target:
 * support vectors, intercept_ and the test R^2 (target units).
 */
static void test_diabetes_matches_the_reference(void **state)
{
    static const struct {
        const char *hyper;
        size_t n_sv;
        double intercept, r2;
    } ref[] = {
        {HYPER_R("rbf", "1", "0.1", "1e-3", "10000000"), 281, 0.186088155356325, 0.505948},
        {HYPER_R("poly", "1", "0.1", "1e-3", "10000000"), 281, -0.0965685209746407, 0.159241},
        {HYPER_R("linear", "1", "0.1", "1e-3", "10000000"), 285, 0.01747721493066374, 0.486422},
        {HYPER_R("rbf", "10", "0.5", "1e-3", "10000000"), 168, 0.3986276812933358, 0.361906},
    };
    mlq_dataset tr, te;
    mlq_model m;
    mlq_err err = {{0}};
    double pred[200];
    size_t c, i;

    (void)state;
    diabetes(&tr, &te);
    assert_int_equal(tr.n_rows, 309);
    assert_int_equal(te.n_rows, 133);
    for (c = 0; c < sizeof ref / sizeof ref[0]; c++) {
        const svm_params *sp;
        mlq_reg_metrics q;

        assert_int_equal(train_svr(&tr, ref[c].hyper, &m, &err), 0);
        sp = m.params;
        assert_int_equal(sp->n_sv, ref[c].n_sv);
        assert_true(fabs(-sp->rho[0] - ref[c].intercept) < 1e-6);
        for (i = 0; i < te.n_rows; i++)
            pred[i] = mlq_target_of_z(&m, host_value(&m, te.x + i * te.n_features));
        q = mlq_regression_metrics(te.t, pred, te.n_rows);
        if (!(fabs(q.r2 - ref[c].r2) < 1e-4))
            fail_msg("case %zu: R^2 %.6f, reference %.6f", c, q.r2, ref[c].r2);
        mlq_model_free(&m);
    }
    free_parts(&tr, &te);
}

/*
 * All 442 rows (884 variables): a cache of 1 MiB holds 296 of the 884
 * columns, and the solver evicts (95 times, counted once by hand); the
 * solution is the very one of a cache that holds them all.
 */
static void test_small_cache_same_solution(void **state)
{
    static const char *const hyper[2] = {
        "{\"task\": \"regress\", \"kernel\": \"rbf\", \"C\": 1, \"gamma\": \"scale\", "
        "\"degree\": 3, \"coef0\": 0, \"tol\": 1e-3, \"max-iter\": 10000000, "
        "\"class-weight\": \"none\", \"cache-mb\": 1, \"epsilon\": 0.1}",
        HYPER_R("rbf", "1", "0.1", "1e-3", "10000000")};
    mlq_dataset d = {0};
    mlq_model m[2];
    mlq_err err = {{0}};
    const svm_params *a, *b;
    size_t i;

    (void)state;
    assert_int_equal(mlq_csv_read("data/diabetes.csv", NULL, MLQ_TARGET_REQUIRED, NULL, 0, &d, &err), 0);
    for (i = 0; i < 2; i++)
        assert_int_equal(train_svr(&d, hyper[i], &m[i], &err), 0);
    a = m[0].params;
    b = m[1].params;
    assert_int_equal(a->n_sv, b->n_sv);
    assert_true(a->rho[0] == b->rho[0]);
    assert_memory_equal(a->coef, b->coef, a->n_sv * sizeof *a->coef);
    assert_memory_equal(a->sv, b->sv, a->n_sv * d.n_features * sizeof *a->sv);
    mlq_model_free(&m[0]);
    mlq_model_free(&m[1]);
    mlq_dataset_free(&d);
}

static void test_training_errors(void **state)
{
    mlq_dataset tr, te;
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    diabetes(&tr, &te);
    /* A tube wider than the target: nothing to fit. */
    assert_int_equal(train_svr(&tr, HYPER_R("rbf", "1", "100", "1e-3", "10000000"), &m, &err), -1);
    assert_string_equal(err.msg, "data/diabetes.csv: every training target is within --epsilon 100 of "
                                 "the SVR's constant (standardized target units): no support vector; "
                                 "use a smaller --epsilon");
    mlq_model_free(&m);
    assert_int_equal(train_svr(&tr, HYPER_R("rbf", "1", "0.1", "1e-3", "5"), &m, &err), -1);
    assert_string_equal(err.msg, "data/diabetes.csv: the SVM solver did not reach --tol 0.001 within "
                                 "--max-iter 5 iterations (regression); no model written: raise "
                                 "--max-iter, or try a larger --tol, a smaller --C or a larger --epsilon");
    mlq_model_free(&m);
    free_parts(&tr, &te);
}

/* --task, --epsilon only for regression, --class-weight only for classification. */
static void test_options(void **state)
{
    const mlq_algo *a = &mlq_algo_svm;
    cJSON *h = cJSON_Parse("{\"task\": \"regress\"}"), *c = cJSON_Parse("{\"task\": \"classify\"}");
    size_t i, found = 0;

    (void)state;
    for (i = 0; i < a->n_opts; i++) {
        const mlq_opt *o = &a->opts[i];

        if (strcmp(o->name, "epsilon") == 0) {
            assert_int_equal(o->only, MLQ_FOR_REGRESS);
            assert_string_equal(o->def, "0.1");
            assert_true(o->min == 0 && !o->min_open);
            found |= 1;
        } else if (strcmp(o->name, "class-weight") == 0) {
            assert_int_equal(o->only, MLQ_FOR_CLASSIFY);
            found |= 2;
        } else if (strcmp(o->name, "task") == 0) {
            assert_string_equal(o->words, "classify|regress");
            found |= 4;
        } else {
            assert_int_equal(o->only, MLQ_FOR_ANY);
        }
    }
    assert_int_equal(found, 7);
    assert_int_equal(a->task(h), MLQ_TASK_REGRESS);
    assert_int_equal(a->task(c), MLQ_TASK_CLASSIFY);
    assert_int_equal(a->task(NULL), MLQ_TASK_CLASSIFY); /* a model file of an older mlq */
    cJSON_Delete(h);
    cJSON_Delete(c);
}

/* ---- the model file ------------------------------------------------------- */

/* Save m to path and read the file back into text. */
/* The round trip keeps every prediction (to cJSON's precision); the loader
 * names each bad field. */
static void test_model_file(void **state)
{
    static const struct {
        const char *from, *to, *msg;
    } cases[] = {
        {"\"epsilon\":\t0.1", "\"epsilon\":\t-0.1", "field 'svm.epsilon' must be >= 0"},
        {"\"epsilon\":\t0.1", "\"epsilonx\":\t0.1", "missing field 'svm.epsilon'"},
        {"\"n_sv\":\t281", "\"n_sv\":\t282", "field 'svm.support_vectors' has 281 rows, expected 282"},
        {"\"n_sv\":\t281", "\"n_sv\":\t0", "field 'svm.n_sv' must be an integer in [1, 1000000000]"},
        {"\"n_sv\":\t281", "\"n_sv\":\t2.5", "field 'svm.n_sv' must be an integer"},
        {"\"intercept\":\t", "\"intercept\":\t\"x\", \"y\":\t", "field 'svm.intercept' must be a finite number"},
        {"\"dual_coef\":\t[", "\"dual_coef\":\t[1, ", "field 'svm.dual_coef'"},
        {"\"kernel\":\t\"rbf\"", "\"kernel\":\t\"sigmoid\"", "field 'svm.kernel' must be"},
    };
    mlq_dataset tr, te;
    mlq_model m, back;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_svr_XXXXXX", bad[64];
    char *text;
    size_t c, i;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    diabetes(&tr, &te);
    assert_int_equal(train_svr(&tr, HYPER_R("rbf", "1", "0.1", "1e-3", "10000000"), &m, &err), 0);
    text = saved_model_text(&m, path);
    assert_int_equal(mlq_model_load(path, &back, &err), 0);
    assert_int_equal(mlq_model_task(&back), MLQ_TASK_REGRESS);
    /* cJSON keeps a number within a unit of its last place, not always exactly */
    for (i = 0; i < te.n_rows; i++)
        assert_true(fabs(host_value(&m, te.x + i * te.n_features) -
                         host_value(&back, te.x + i * te.n_features)) < 1e-12);
    mlq_model_free(&back);
    snprintf(bad, sizeof bad, "%s.bad", path);
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) /* in the algorithm's object */
        expect_spliced_model_error(text, "\"svm\":", cases[c].from, cases[c].to, bad, cases[c].msg);
    remove(bad);
    remove(path);
    free(text);
    mlq_model_free(&m);
    free_parts(&tr, &te);
}

/* ---- the device ------------------------------------------------------------ */

/*
 * Device against host on the diabetes test rows, C = 1: the score
 * (standardized units) within `bound`, the target's p99 |host - device|
 * within 0.5% of the training range, R^2 within 0.005 (the issue's
 * targets); the header's output unit; rows far outside the training range
 * and NaN.
 */
static void check_device(const char *hyper, const char *kernel_entry, double bound)
{
    mlq_dataset tr, te;
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    double hp[200], dp[200], diff[200], big[10], worst = 0.0, range;
    mlq_reg_metrics qh, qd;
    int32_t s, y, lo, hi;
    size_t i, j;

    diabetes(&tr, &te);
    assert_int_equal(train_svr(&tr, hyper, &m, &err), 0);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.n_outputs, 1);
    assert_int_equal(dev.clipped, 0);
    assert_string_equal(dev.kern.scores, kernel_entry);
    assert_null(dev.kern.proba);
    assert_int_equal(mlq_svm_check(dev.impl), MLQ_OK);
    range = m.target_max - m.target_min;
    for (i = 0; i < te.n_rows; i++) {
        const double *x = te.x + i * te.n_features;
        int id = -1;

        assert_int_equal(mlq_device_scores(&dev, x, &s), MLQ_OK);
        worst = fmax(worst, fabs(host_value(&m, x) - s / 65536.0));
        assert_int_equal(mlq_device_value(&dev, x, &y), MLQ_OK);
        hp[i] = mlq_target_of_z(&m, host_value(&m, x));
        dp[i] = mlq_device_target(&dev, y);
        diff[i] = fabs(hp[i] - dp[i]);
        assert_int_equal(mlq_device_predict(&dev, x, &id), MLQ_OK);
        assert_int_equal(id, 0);
    }
    if (!(worst < bound))
        fail_msg("%s: scores differ by %g", kernel_entry, worst);
    qh = mlq_regression_metrics(te.t, hp, te.n_rows);
    qd = mlq_regression_metrics(te.t, dp, te.n_rows);
    assert_true(fabs(qh.r2 - qd.r2) < 0.005);
    assert_true(mlq_percentile(diff, te.n_rows, 99.0) <= 0.005 * range);
    /* Far outside the training range the inputs saturate, and the output
     * stays within the header's bounds. */
    assert_int_equal(mlq_regress_value(&dev.regress, dev.regress.lo, &lo), MLQ_OK);
    assert_int_equal(mlq_regress_value(&dev.regress, dev.regress.hi, &hi), MLQ_OK);
    for (i = 0; i < 200; i++) {
        for (j = 0; j < te.n_features; j++)
            big[j] = (next_u32() & 1 ? 1e30 : -1e30) * (next_u32() % 3u);
        assert_int_equal(mlq_device_scores(&dev, big, &s), MLQ_OK);
        assert_int_equal(mlq_device_value(&dev, big, &y), MLQ_OK);
        assert_true(y >= lo && y <= hi);
    }
    /* NaN: MLQ_ERR_INPUT, the output untouched. */
    memcpy(big, te.x, te.n_features * sizeof *big);
    big[3] = (double)NAN;
    s = y = 4242;
    assert_int_equal(mlq_device_scores(&dev, big, &s), MLQ_ERR_INPUT);
    assert_int_equal(mlq_device_value(&dev, big, &y), MLQ_ERR_INPUT);
    assert_int_equal(s, 4242);
    assert_int_equal(y, 4242);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    free_parts(&tr, &te);
}

/* Bounds in standardized target units (the training sd is 76.2): measured
 * 0.00066 (rbf), 0.0088 (poly, whose kernel values reach ~40), 0.00013
 * (linear). */
static void test_device_rbf(void **state)
{
    (void)state;
    check_device(HYPER_R("rbf", "1", "0.1", "1e-3", "10000000"), "mlq_svm_rbf_regress_q15", 0.002);
}

static void test_device_poly(void **state)
{
    (void)state;
    check_device(HYPER_R("poly", "1", "0.1", "1e-3", "10000000"), "mlq_svm_poly_regress_q15", 0.02);
}

static void test_device_linear(void **state)
{
    (void)state;
    check_device(HYPER_R("linear", "1", "0.1", "1e-3", "10000000"), "mlq_svm_linear_regress_q15",
                 0.0005);
}

/* What the exporter refuses of a regression model, naming the model
 * file's field; the info lines and the advice to make it smaller. */
static void test_refusals_and_info(void **state)
{
    mlq_dataset tr, te;
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    svm_params *sp;
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    diabetes(&tr, &te);
    assert_int_equal(train_svr(&tr, HYPER_R("linear", "1", "0.1", "1e-3", "10000000"), &m, &err), 0);
    sp = m.params;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    f = open_memstream(&text, &len);
    mlq_device_info(f, &dev);
    fclose(f);
    assert_non_null(strstr(text, "regression        epsilon-SVR, epsilon 0.1 standardized target units"));
    assert_non_null(strstr(text, "support vectors   285 of 309 training rows"));
    assert_non_null(strstr(text, "device model      1 folded weight vector x 10 Q15 + 1 int64 intercept\n"));
    assert_non_null(strstr(dev.side->smaller(&dev), "a larger --epsilon"));
    free(text);
    mlq_device_free(&dev);
    sp->rho[0] = -1e300;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
    assert_non_null(strstr(err.msg, "field 'svm.intercept': 1e+300 is beyond the device's int64 intercept"));
    sp->rho[0] = 0.0;
    sp->coef[7] = 1e300;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
    assert_non_null(strstr(err.msg, "field 'svm.dual_coef': a coefficient of magnitude 1e+300"));
    mlq_model_free(&m);
    free_parts(&tr, &te);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_within_epsilon),
        cmocka_unit_test(test_diabetes_matches_the_reference),
        cmocka_unit_test(test_small_cache_same_solution),
        cmocka_unit_test(test_training_errors),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_model_file),
        cmocka_unit_test(test_device_rbf),
        cmocka_unit_test(test_device_poly),
        cmocka_unit_test(test_device_linear),
        cmocka_unit_test(test_refusals_and_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
