/* SPDX-License-Identifier: MIT */
/*
 * k-means trainer and the shared metrics: determinism for a seed, known
 * optimum on iris, separated blobs, degenerate data, restarts; accuracy,
 * confusion, purity and the stratified split.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "csv.h"
#include "kmeans_params.h"
#include "metrics.h"
#include "model.h"

/* Feature names of the hand-made datasets below. */
static char *blob_names[] = {"a", "b", "c", "d", "e"};
static char *names2[] = {"a", "b"};

/* Fit scaling and train k-means on d; returns the trainer's status. */
static int train(const mlq_dataset *d, size_t k, size_t n_init, unsigned long seed, mlq_model *m,
                 mlq_err *err)
{
    char hyper[160];

    snprintf(hyper, sizeof hyper, "{\"k\": %zu, \"n-init\": %zu, \"max-iter\": 300, \"tol\": 1e-4}",
             k, n_init);
    return mlq_model_train(m, &mlq_algo_kmeans, d, cJSON_Parse(hyper), seed, 0, NULL, err);
}

static double inertia_of(const mlq_model *m)
{
    return cJSON_GetObjectItemCaseSensitive(m->training, "inertia")->valuedouble;
}

static void test_iris_reaches_the_known_optimum_deterministically(void **state)
{
    mlq_dataset d = {0};
    mlq_model a, b;
    mlq_err err = {{0}};
    int *pred;
    double z[4];
    size_t i;

    (void)state;
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&d, 3, 10, 1, &a, &err), 0);
    assert_int_equal(train(&d, 3, 10, 1, &b, &err), 0);
    /* Same seed, same model, bit for bit. */
    assert_memory_equal(((kmeans_params *)a.params)->centroids,
                        ((kmeans_params *)b.params)->centroids, 12 * sizeof(double));
    /* The published optimum of standardized iris with k = 3 (inertia
     * 139.820..., purity 125/150) is what any well-initialised k-means finds. */
    assert_true(fabs(inertia_of(&a) - 139.8204963597) < 1e-6);
    pred = calloc(d.n_rows, sizeof *pred);
    for (i = 0; i < d.n_rows; i++) {
        mlq_model_standardize(&a, d.x + 4 * i, z);
        pred[i] = a.algo->predict(&a, z);
    }
    assert_true(fabs(mlq_purity(d.y, pred, d.n_rows, 3, 3) - 125.0 / 150.0) < 1e-12);
    free(pred);
    mlq_model_free(&a);
    mlq_model_free(&b);
    mlq_dataset_free(&d);
}

/* Three separated Gaussian blobs in 5 dimensions: every row found. */
static void test_separated_blobs_are_recovered(void **state)
{
    enum { N = 300, P = 5 };
    static const double centre[3][P] = {{0, 0, 0, 0, 0}, {10, 10, 0, 0, 0}, {0, 10, 10, -10, 5}};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int pred[N];
    double z[P];
    size_t i, j;

    (void)state;
    gsl_rng_set(rng, 42);
    d.n_rows = N;
    d.n_features = P;
    d.path = "blobs";
    d.feature_names = blob_names;
    d.x = calloc(N * P, sizeof(double));
    d.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        d.y[i] = (int)(i % 3);
        for (j = 0; j < P; j++)
            d.x[i * P + j] = centre[i % 3][j] + gsl_ran_gaussian(rng, 1.0);
    }
    assert_int_equal(train(&d, 3, 3, 5, &m, &err), 0);
    for (i = 0; i < N; i++) {
        mlq_model_standardize(&m, d.x + i * P, z);
        pred[i] = m.algo->predict(&m, z);
    }
    assert_true(mlq_purity(d.y, pred, N, 3, 3) == 1.0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m.training, "converged")));
    mlq_model_free(&m);
    free(d.x);
    free(d.y);
    gsl_rng_free(rng);
}

static void test_restarts_never_lose(void **state)
{
    mlq_dataset d = {0};
    mlq_model one, ten;
    mlq_err err = {{0}};

    (void)state;
    assert_int_equal(mlq_csv_read("data/wine.csv", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err), 0);
    /* The first restart of --n-init 10 is the single run of --n-init 1. */
    assert_int_equal(train(&d, 8, 1, 3, &one, &err), 0);
    assert_int_equal(train(&d, 8, 10, 3, &ten, &err), 0);
    assert_true(inertia_of(&ten) <= inertia_of(&one));
    mlq_model_free(&one);
    mlq_model_free(&ten);
    mlq_dataset_free(&d);
}

static void test_more_clusters_than_distinct_rows_is_an_error(void **state)
{
    double x[6 * 2] = {1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 3, 4};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    d.n_rows = 6;
    d.n_features = 2;
    d.x = x;
    d.path = "dup.csv";
    d.feature_names = names2;
    assert_int_equal(train(&d, 3, 1, 1, &m, &err), -1);
    assert_string_equal(err.msg, "dup.csv: --k 3 is more than the 2 distinct rows: every cluster "
                                 "needs a row of its own");
    assert_null(m.params);
    mlq_model_free(&m);
    assert_int_equal(train(&d, 2, 1, 1, &m, &err), 0);
    mlq_model_free(&m);
}

static void test_constant_features(void **state)
{
    /* Column 1 is constant: scale 1, z = 0; clustering uses column 0 only. */
    double x[4 * 2] = {0, 5, 1, 5, 10, 5, 11, 5};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const kmeans_params *kp;

    (void)state;
    d.n_rows = 4;
    d.n_features = 2;
    d.x = x;
    d.path = "const.csv";
    d.feature_names = names2;
    assert_int_equal(train(&d, 2, 2, 1, &m, &err), 0);
    assert_true(m.scale[1] == 1.0 && m.mean[1] == 5.0);
    kp = m.params;
    assert_true(kp->centroids[1] == 0.0 && kp->centroids[3] == 0.0);
    assert_true(fabs(kp->centroids[0] + kp->centroids[2]) < 1e-12); /* symmetric about 0 */
    mlq_model_free(&m);
    for (size_t i = 0; i < 4; i++)
        x[2 * i] = 3.0;
    assert_int_equal(train(&d, 2, 2, 1, &m, &err), -1);
    assert_string_equal(err.msg, "const.csv: every feature is constant: nothing to learn from");
    mlq_model_free(&m);
}

static void test_metrics_on_hand_examples(void **state)
{
    const int truth[8] = {0, 0, 0, 1, 1, 2, 2, 2};
    const int pred[8] = {0, 0, 1, 1, 1, 2, 0, 7};
    const int clus[8] = {2, 2, 2, 0, 0, 1, 1, 0};
    size_t counts[3 * 3] = {0};

    (void)state;
    assert_true(mlq_agreement(truth, pred, 8) == 5.0 / 8.0);
    assert_true(mlq_agreement(truth, pred, 0) == 1.0);
    assert_int_equal(mlq_confusion(truth, pred, 8, 3, 3, counts), 1); /* 7 is out of range */
    assert_int_equal(counts[0 * 3 + 0], 2);
    assert_int_equal(counts[0 * 3 + 1], 1);
    assert_int_equal(counts[1 * 3 + 1], 2);
    assert_int_equal(counts[2 * 3 + 2], 1);
    assert_int_equal(counts[2 * 3 + 0], 1);
    /* Clusters: {0,1,2} all class 0; {3,4,7} -> class 1 (2 of 3); {5,6} class 2. */
    assert_true(mlq_purity(truth, clus, 8, 3, 3) == 7.0 / 8.0);
}

static void test_stratified_split(void **state)
{
    mlq_dataset d = {0};
    mlq_err err = {{0}};
    size_t tr[1797], te[1797], tr2[1797], te2[1797], ntr, nte, ntr2, nte2, i;
    size_t per_class[10] = {0};
    unsigned char seen[1797] = {0};

    (void)state;
    assert_int_equal(mlq_csv_read("data/digits.csv", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err), 0);
    assert_int_equal(mlq_split_stratified(d.y, d.n_rows, d.n_classes, 0.3, 1, tr, &ntr, te, &nte), 0);
    assert_int_equal(ntr + nte, 1797);
    for (i = 0; i < nte; i++) {
        per_class[d.y[te[i]]]++;
        seen[te[i]]++;
        assert_true(i == 0 || te[i] > te[i - 1]); /* increasing order */
    }
    for (i = 0; i < ntr; i++)
        seen[tr[i]]++;
    for (i = 0; i < 1797; i++)
        assert_int_equal(seen[i], 1); /* a partition */
    /* round(0.3 * class size): 178 -> 53, 182 -> 55, 174 -> 52, 183 -> 55. */
    assert_int_equal(per_class[0], 53);
    assert_int_equal(per_class[1], 55);
    assert_int_equal(per_class[8], 52);
    assert_int_equal(per_class[3], 55);
    assert_int_equal(mlq_split_stratified(d.y, d.n_rows, d.n_classes, 0.3, 1, tr2, &ntr2, te2,
                                          &nte2), 0);
    assert_memory_equal(te, te2, nte * sizeof te[0]); /* same seed, same split */
    assert_int_equal(mlq_split_stratified(d.y, d.n_rows, d.n_classes, 0.3, 2, tr2, &ntr2, te2,
                                          &nte2), 0);
    assert_int_equal(nte2, nte);
    assert_true(memcmp(te, te2, nte * sizeof te[0]) != 0);
    mlq_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iris_reaches_the_known_optimum_deterministically),
        cmocka_unit_test(test_separated_blobs_are_recovered),
        cmocka_unit_test(test_restarts_never_lose),
        cmocka_unit_test(test_more_clusters_than_distinct_rows_is_an_error),
        cmocka_unit_test(test_constant_features),
        cmocka_unit_test(test_metrics_on_hand_examples),
        cmocka_unit_test(test_stratified_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
