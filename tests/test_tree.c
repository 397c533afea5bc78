/* SPDX-License-Identifier: MIT */
/*
 * Decision trees and forests on the host: the trainer (determinism, a
 * separable case, limits, bad hyperparameters, 50,000 x 32 rows, digits
 * forest speed) and the model file's structure checks. The device side is
 * in test_tree_kernel.c and test_tree_export.c.
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
#include <time.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "model.h"
#include "model_edit_test.h"
#include "tree_params.h"
#include "test_rng.h"
#include "test_tree_train.h"

/* ---- the trainer ------------------------------------------------------------------- */

/* Two classes split by x0 > 0 (x1 noise): one split, every row right. */
static void test_separable_data_gives_one_split(void **state)
{
    enum { N = 200 };
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const tree_params *tp;
    char *names[2] = {"x0", "x1"}, *classes[2] = {"0", "1"};
    double z[2];
    size_t i;

    (void)state;
    d.n_rows = N;
    d.n_features = 2;
    d.path = "separable";
    d.feature_names = names;
    d.class_names = classes;
    d.n_classes = 2;
    d.x = calloc(N * 2, sizeof(double));
    d.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        d.x[2 * i] = (double)(int32_t)(next_u32() % 2001u) - 1000.0 + 0.5;
        d.x[2 * i + 1] = (double)(next_u32() % 1000u);
        d.y[i] = d.x[2 * i] > 0;
    }
    assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), 0);
    tp = m.params;
    assert_int_equal(tp->trees[0].n_nodes, 3);
    assert_int_equal(tp->trees[0].feature[0], 0);
    for (i = 0; i < N; i++) {
        mlq_model_standardize(&m, d.x + 2 * i, z);
        assert_int_equal(m.algo->predict(&m, z), d.y[i]);
    }
    mlq_model_free(&m);
    /* The entropy criterion and balanced class weights find it too. */
    assert_int_equal(train(&mlq_algo_tree, &d,
                           "{\"criterion\": \"entropy\", \"max-depth\": \"none\", \"min-samples-leaf\": 1,"
                           " \"min-samples-split\": 2, \"class-weight\": \"balanced\", \"max-features\": \"all\"}",
                           1, &m, &err), 0);
    assert_int_equal(((tree_params *)m.params)->trees[0].feature[0], 0);
    mlq_model_free(&m);
    free(d.x);
    free(d.y);
}

static char *model_text(const mlq_model *m)
{
    cJSON *o = cJSON_CreateObject();
    char *s;

    assert_int_equal(m->algo->params_save(m, o), 0);
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static void test_training_is_deterministic_and_seeded(void **state)
{
    mlq_dataset d = {0};
    mlq_model a, b, c;
    mlq_err err = {{0}};
    char *ta, *tb, *tc;

    (void)state;
    assert_int_equal(mlq_csv_read("data/wine.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 7, &a, &err), 0);
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 7, &b, &err), 0);
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 8, &c, &err), 0);
    ta = model_text(&a);
    tb = model_text(&b);
    tc = model_text(&c);
    assert_string_equal(ta, tb);
    assert_string_not_equal(ta, tc);
    free(ta);
    free(tb);
    free(tc);
    mlq_model_free(&a);
    mlq_model_free(&b);
    mlq_model_free(&c);
    mlq_dataset_free(&d);
}

/* Every leaf respects --min-samples-leaf and no path is deeper than --max-depth. */
static void test_limits_are_respected(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const tree_one *tr;
    size_t i, *count, leaves = 0;
    double *z;

    (void)state;
    assert_int_equal(mlq_csv_read("data/breast_cancer.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_tree, &d,
                           "{\"criterion\": \"gini\", \"max-depth\": 3, \"min-samples-leaf\": 9,"
                           " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"all\"}",
                           1, &m, &err), 0);
    tr = &((tree_params *)m.params)->trees[0];
    assert_true(tr->depth <= 3);
    count = calloc(tr->n_nodes, sizeof *count);
    z = calloc(d.n_features, sizeof *z);
    for (i = 0; i < d.n_rows; i++) {
        size_t n = 0;

        mlq_model_standardize(&m, d.x + i * d.n_features, z);
        while (tr->feature[n] >= 0)
            n = (size_t)(z[tr->feature[n]] <= tr->threshold[n] ? tr->left[n] : tr->right[n]);
        count[n]++;
    }
    for (i = 0; i < tr->n_nodes; i++) {
        if (tr->feature[i] < 0) {
            assert_true(count[i] >= 9);
            leaves++;
        }
    }
    assert_true(leaves >= 2);
    free(count);
    free(z);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void test_bad_hyperparameters_and_data_are_errors(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    size_t i;

    (void)state;
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_tree, &d,
                           "{\"criterion\": \"gini\", \"max-depth\": 3, \"min-samples-leaf\": 151,"
                           " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"all\"}",
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "--min-samples-leaf 151 is more than the 150 training rows"));
    mlq_model_free(&m);
    assert_int_equal(train(&mlq_algo_forest, &d,
                           "{\"trees\": 3, \"criterion\": \"gini\", \"max-depth\": 3, \"min-samples-leaf\": 1,"
                           " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": 5}",
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "--max-features 5 is more than the 4 features"));
    mlq_model_free(&m);
    for (i = 0; i < d.n_rows; i++)
        d.y[i] = 2;
    assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "every row has the same class ('2')"));
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* 50,000 rows x 32 features (generated, three classes from a few features
 * with label noise); and a 10-tree forest on digits well under a second. */
static void test_large_data_and_speed(void **state)
{
    enum { N = 50000, P = 32 };
    mlq_dataset d = {0}, g = {0};
    mlq_model m;
    mlq_err err = {{0}};
    char *names[P], *classes[3] = {"a", "b", "c"};
    char buf[P][8];
    size_t i, j, hit = 0;
    double *z = calloc(P, sizeof *z);
    clock_t t0;

    (void)state;
    for (j = 0; j < P; j++) {
        snprintf(buf[j], sizeof buf[j], "f%zu", j);
        names[j] = buf[j];
    }
    g.n_rows = N;
    g.n_features = P;
    g.path = "generated";
    g.feature_names = names;
    g.class_names = classes;
    g.n_classes = 3;
    g.x = calloc((size_t)N * P, sizeof(double));
    g.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        for (j = 0; j < P; j++)
            g.x[i * P + j] = (double)(int32_t)next_u32() / 2147483648.0;
        g.y[i] = g.x[i * P + 3] + 0.5 * g.x[i * P + 17] > 0.2 ? 2 : g.x[i * P + 9] > 0 ? 1 : 0;
        if (next_u32() % 20 == 0)
            g.y[i] = (int)(next_u32() % 3);
    }
    t0 = clock();
    assert_int_equal(train(&mlq_algo_forest, &g, forest_hyper, 1, &m, &err), 0);
    for (i = 0; i < N; i++) {
        mlq_model_standardize(&m, g.x + i * P, z);
        hit += m.algo->predict(&m, z) == g.y[i];
    }
    assert_true((double)hit / N > 0.9);
    printf("forest on %d x %d: %.2f s, training accuracy %.3f\n", N, P,
           (double)(clock() - t0) / CLOCKS_PER_SEC, (double)hit / N);
    mlq_model_free(&m);
    free(g.x);
    free(g.y);
    assert_int_equal(mlq_csv_read("data/digits.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    t0 = clock();
    assert_int_equal(train(&mlq_algo_forest, &d, forest_hyper, 1, &m, &err), 0);
    printf("forest on digits: %.3f s\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    /* Generous bound (sanitizer builds are several times slower). */
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
    free(z);
}

/* ---- the model file ------------------------------------------------------------------- */

/* Train a small tree on iris, save it, edit one field, load: err names the node. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 0)))
#endif
static void expect_load_error(const char *key, int node, int value, const char *want)
{
    mlq_dataset d = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_tree_XXXXXX";
    int fd = mkstemp(path);
    cJSON *root, *arr;
    char *text, expect[256];
    FILE *f;

    assert_true(fd >= 0);
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(train(&mlq_algo_tree, &d, tree_hyper, 1, &m, &err), 0);
    text = saved_model_text(&m, path);
    assert_int_equal(mlq_model_load(path, &back, &err), 0); /* unedited: fine */
    mlq_model_free(&back);
    root = cJSON_Parse(text);
    free(text);
    arr = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tree"), "trees"), 0), key);
    cJSON_ReplaceItemInArray(arr, node, cJSON_CreateNumber(value));
    text = cJSON_Print(root);
    f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    free(text);
    cJSON_Delete(root);
    assert_int_equal(mlq_model_load(path, &back, &err), -1);
    /* %zu in `want` stands for the last node index of the trained tree */
    snprintf(expect, sizeof expect, want, ((tree_params *)m.params)->trees[0].n_nodes - 1);
    if (strstr(err.msg, expect) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, expect);
    remove(path);
    close(fd);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void test_bad_links_are_rejected_naming_the_node(void **state)
{
    (void)state;
    expect_load_error("left", 0, 99, "field 'tree.trees[0].left' node 0 must be an integer in [-1, %zu]");
    expect_load_error("right", 0, 0, "node 0: child links");
    expect_load_error("left", 2, 1, "node 2: child links"); /* points backwards */
    expect_load_error("feature", 0, 4, "field 'tree.trees[0].feature' node 0 must be an integer in [-1, 3]");
    expect_load_error("class", 0, 1, "node 0: a split node has class -1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_separable_data_gives_one_split),
        cmocka_unit_test(test_training_is_deterministic_and_seeded),
        cmocka_unit_test(test_limits_are_respected),
        cmocka_unit_test(test_bad_hyperparameters_and_data_are_errors),
        cmocka_unit_test(test_large_data_and_speed),
        cmocka_unit_test(test_bad_links_are_rejected_naming_the_node),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
