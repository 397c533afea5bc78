/* SPDX-License-Identifier: MIT */
/*
 * SVM trainer: SMO against the reference implementation's solutions on
 * the bundled data (support vector counts and intercepts printed by
 * scikit-learn 1.2's SVC, which wraps libsvm, on the same 70/30 split) and
 * on a problem solved by hand; training errors; the model file's
 * validation. The exporter is in test_export_svm.c, the device kernels in
 * test_svm.c and test_svm_check.c.
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
#include "model_edit_test.h"
#include "svm_data.h"
#include "svm_params.h"
#include "test_rng.h"

/* ---- the trainer -------------------------------------------------------- */

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
    mlq_dataset d = {4, 2, x, feat, y, 2, names, NULL, "hand", NULL, NULL};
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
    mlq_dataset one = {3, 2, x, feat, y1, 2, names, NULL, "one.csv", NULL, NULL};
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

/* ---- the model file ----------------------------------------------------- */

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
    mlq_model m;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_svm_XXXXXX", bad[64];
    char *text;
    size_t c;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    training_part("data/iris.csv", &tr, &te);
    assert_int_equal(train(&tr, HYPER(""), &m, &err), 0);
    text = saved_model_text(&m, path);
    snprintf(bad, sizeof bad, "%s.bad", path);
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) /* in the algorithm's object */
        expect_spliced_model_error(text, "\"svm\":", cases[c].from, cases[c].to, bad, cases[c].msg);
    remove(bad);
    remove(path);
    free(text);
    mlq_model_free(&m);
    free_part(&tr, &te);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iris_rbf_matches_the_reference),
        cmocka_unit_test(test_iris_linear_balanced_matches_the_reference),
        cmocka_unit_test(test_wine_poly_matches_the_reference),
        cmocka_unit_test(test_breast_cancer_small_cache_matches_the_reference),
        cmocka_unit_test(test_two_points_by_hand),
        cmocka_unit_test(test_training_errors),
        cmocka_unit_test(test_model_file_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
