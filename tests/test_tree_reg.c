/* SPDX-License-Identifier: MIT */
/*
 * Regression trees and forests (--task regress) on the host: the
 * variance-reduction split on a hand-made set with a known best split and
 * leaf means; leaves that are their rows' (bootstrap weighted) means;
 * forests that average their trees; exact ties between features; bad
 * hyperparameters; the model file's leaf values and their load errors. The
 * device side is in test_tree_reg_export.c, the kernels on hand-made models
 * in test_tree_reg_kernel.c.
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
#include "model.h"
#include "model_edit_test.h"
#include "tree_params.h"
#include "test_rng.h"
#include "test_tree_train.h"

/* Leaf node of tree tr for raw row x (the test's own walk). */
static size_t walk(const mlq_model *m, const tree_one *tr, const double *x)
{
    double z[16];
    size_t i = 0;

    mlq_model_standardize(m, x, z);
    while (tr->feature[i] >= 0)
        i = (size_t)(z[tr->feature[i]] <= tr->threshold[i] ? tr->left[i] : tr->right[i]);
    return i;
}

/* ---- the trainer ----------------------------------------------------------- */

/*
 * t = 0 1 5 6 6 7 20 21 along x0 (x1 a decoy): the splits of x0 leave
 * squared errors 365.7, 283.3, 256, 223, 155.2, 43.3 and 257.7, so the best
 * is the sixth, with leaf means 25/6 and 20.5 (the middle split would be
 * the fourth); the decoy's best leaves 381.9.
 */
static void test_variance_reduction_finds_the_known_split(void **state)
{
    double x[16], t[8] = {0, 1, 5, 6, 6, 7, 20, 21}, decoy[8] = {3, 7, 0, 5, 1, 6, 2, 4};
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};
    const tree_one *tr;
    size_t i;
    unsigned long seed;

    (void)state;
    for (i = 0; i < 8; i++) {
        x[2 * i] = (double)i;
        x[2 * i + 1] = decoy[i];
    }
    d = hand_data(8, 2, x, t);
    for (seed = 0; seed < 4; seed++) {
        assert_int_equal(train(&mlq_algo_tree, &d,
                               reg_hyper(0, "1", 1, "\"all\""),
                               seed, &m, &err), 0);
        tr = &((tree_params *)m.params)->trees[0];
        assert_int_equal(tr->n_nodes, 3);
        assert_int_equal(tr->feature[0], 0);
        assert_null(tr->cls);
        assert_true(fabs(mlq_target_of_z(&m, tr->mean[1]) - 25.0 / 6.0) < 1e-9);
        assert_true(fabs(mlq_target_of_z(&m, tr->mean[2]) - 20.5) < 1e-9);
        assert_true(tr->mean[0] == 0.0);
        for (i = 0; i < 8; i++)
            assert_true(fabs(host_value(&m, x + 2 * i) - (i < 6 ? 25.0 / 6.0 : 20.5)) < 1e-9);
        assert_int_equal(m.algo->predict(&m, x), 0);
        assert_int_equal(m.algo->n_outputs(&m), 1);
        assert_int_equal(m.algo->host_proba(&m, x, t), -1);
        mlq_model_free(&m);
    }
}

/* A single tree's leaf is the plain mean of the training rows that reach
 * it; grown without a depth limit on diabetes, it fits them (each leaf's
 * rows share one input code per feature, or one target). */
static void test_tree_leaves_are_the_means_of_their_rows(void **state)
{
    mlq_dataset d = diabetes();
    mlq_model m;
    mlq_err err = {{0}};
    const tree_one *tr;
    double *sum, *cnt, sse = 0.0, sst = 0.0;
    size_t i, p = d.n_features;

    (void)state;
    assert_int_equal(train(&mlq_algo_tree, &d,
                           reg_hyper(0, "\"none\"", 1, "\"all\""),
                           1, &m, &err), 0);
    tr = &((tree_params *)m.params)->trees[0];
    sum = calloc(tr->n_nodes, sizeof *sum);
    cnt = calloc(tr->n_nodes, sizeof *cnt);
    for (i = 0; i < d.n_rows; i++) {
        size_t leaf = walk(&m, tr, d.x + i * p);

        sum[leaf] += d.t[i];
        cnt[leaf] += 1.0;
        sse += pow(host_value(&m, d.x + i * p) - d.t[i], 2);
        sst += pow(d.t[i] - m.target_mean, 2);
    }
    for (i = 0; i < tr->n_nodes; i++) {
        if (tr->feature[i] >= 0)
            continue;
        assert_true(cnt[i] > 0);
        assert_true(fabs(mlq_target_of_z(&m, tr->mean[i]) - sum[i] / cnt[i]) < 1e-9);
    }
    assert_true(1.0 - sse / sst > 0.999);
    free(sum);
    free(cnt);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/*
 * Three rows and targets 0, 3, 6, with --min-samples-leaf 2 (nothing to
 * split): each tree of a forest is its root leaf, the mean of its bootstrap sample
 * weighted by the counts c, (3 c1 + 6 c2) / 3 = c1 + 2 c2, an integer in
 * 0..6 (the mean of the distinct rows drawn would give 1.5 or 4.5 too); the
 * forest predicts the mean of its trees.
 */
static void test_forest_leaves_weigh_bootstrap_counts_and_trees_average(void **state)
{
    double x[3] = {0, 1, 2}, t[3] = {0, 3, 6}, mean = 0.0;
    mlq_dataset d = hand_data(3, 1, x, t);
    mlq_model m;
    mlq_err err = {{0}};
    const tree_params *tp;
    unsigned seen = 0;
    size_t k;

    (void)state;
    assert_int_equal(train(&mlq_algo_forest, &d,
                           reg_hyper(40, "10", 2, "\"all\""),
                           2, &m, &err), 0);
    tp = m.params;
    assert_int_equal(tp->n_trees, 40);
    assert_int_equal(tp->n_classes, 0);
    for (k = 0; k < tp->n_trees; k++) {
        double v = mlq_target_of_z(&m, tp->trees[k].mean[0]);

        assert_int_equal(tp->trees[k].n_nodes, 1);
        assert_true(fabs(v - floor(v + 0.5)) < 1e-9 && v > -0.5 && v < 6.5);
        seen |= 1u << (int)floor(v + 0.5);
        mean += v / 40.0;
    }
    assert_true(seen != (seen & -seen)); /* not every tree alike */
    assert_true(fabs(host_value(&m, x) - mean) < 1e-9);
    mlq_model_free(&m);
    /* diabetes: every tree's leaves lie within the targets of the rows that reach them */
    {
        mlq_dataset g = diabetes();
        size_t i, j, n_nodes;
        double *lo, *hi;

        assert_int_equal(train(&mlq_algo_forest, &g, forest_reg_hyper, 3, &m, &err), 0);
        tp = m.params;
        for (k = 0; k < tp->n_trees; k++) {
            const tree_one *tr = &tp->trees[k];

            n_nodes = tr->n_nodes;
            lo = calloc(n_nodes, sizeof *lo);
            hi = calloc(n_nodes, sizeof *hi);
            for (j = 0; j < n_nodes; j++) {
                lo[j] = HUGE_VAL;
                hi[j] = -HUGE_VAL;
            }
            for (i = 0; i < g.n_rows; i++) {
                size_t leaf = walk(&m, tr, g.x + i * g.n_features);

                lo[leaf] = fmin(lo[leaf], g.t[i]);
                hi[leaf] = fmax(hi[leaf], g.t[i]);
            }
            for (j = 0; j < n_nodes; j++) {
                double v = mlq_target_of_z(&m, tr->mean[j]);

                if (tr->feature[j] < 0)
                    assert_true(v >= lo[j] - 1e-9 && v <= hi[j] + 1e-9);
            }
            free(lo);
            free(hi);
        }
        mlq_model_free(&m);
        mlq_dataset_free(&g);
    }
}

/*
 * x1 orders the rows differently from x0 but splits them alike (the first
 * four of x0 are the first four of x1): both features' best split is the
 * same partition, an exact tie however the targets' sums round, so the
 * seeded feature order decides and both features win for some seeds.
 */
static void test_features_that_split_alike_tie_exactly(void **state)
{
    enum { N = 48 };
    double x[2 * N], t[N];
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};
    unsigned wins[2] = {0, 0};
    unsigned long seed;
    size_t i;

    (void)state;
    for (i = 0; i < N; i++) {
        x[2 * i] = (double)i;
        x[2 * i + 1] = (double)((i < N / 2 ? (size_t)N / 2 : (size_t)3 * N / 2) - 1 - i); /* reversed in each half */
        t[i] = (i < N / 2 ? 0.0 : 10.0) + (double)(next_u32() % 1000u) / 997.0;
    }
    d = hand_data(N, 2, x, t);
    for (seed = 0; seed < 24; seed++) {
        const tree_one *tr;

        assert_int_equal(train(&mlq_algo_tree, &d,
                               reg_hyper(0, "1", 1, "\"all\""),
                               seed, &m, &err), 0);
        tr = &((tree_params *)m.params)->trees[0];
        assert_int_equal(tr->n_nodes, 3);
        wins[tr->feature[0]]++;
        mlq_model_free(&m);
    }
    if (wins[0] == 0 || wins[1] == 0)
        fail_msg("feature 0 won %u times, feature 1 %u", wins[0], wins[1]);
}

static void test_bad_hyperparameters_are_errors(void **state)
{
    mlq_dataset d = diabetes();
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    assert_int_equal(train(&mlq_algo_tree, &d,
                           reg_hyper(0, "3", 443, "\"all\""),
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "--min-samples-leaf 443 is more than the 442 training rows"));
    mlq_model_free(&m);
    assert_int_equal(train(&mlq_algo_forest, &d,
                           reg_hyper(2, "3", 1, "11"),
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "--max-features 11 is more than the 10 features"));
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* ---- the model file ----------------------------------------------------------- */

/* A small regression tree saved; `edit` (NULL: none) changes its first
 * tree's JSON, then the file is loaded: NULL want = loads and predicts as
 * saved, else the message has `want`. */
static void load_edited(void (*edit)(cJSON *tree), const char *want)
{
    mlq_dataset d = diabetes();
    mlq_model m, back;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_tree_reg_XXXXXX";
    int fd = mkstemp(path);
    cJSON *root;
    char *text;
    FILE *f;
    size_t i;

    assert_true(fd >= 0);
    assert_int_equal(train(&mlq_algo_tree, &d,
                           reg_hyper(0, "3", 1, "\"all\""),
                           1, &m, &err), 0);
    text = saved_model_text(&m, path);
    root = cJSON_Parse(text);
    free(text);
    if (edit != NULL)
        edit(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tree"), "trees"), 0));
    text = cJSON_Print(root);
    f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    free(text);
    cJSON_Delete(root);
    if (want == NULL) {
        assert_int_equal(mlq_model_load(path, &back, &err), 0);
        assert_int_equal(mlq_model_task(&back), MLQ_TASK_REGRESS);
        for (i = 0; i < d.n_rows; i++)
            assert_true(fabs(host_value(&back, d.x + i * d.n_features) -
                             host_value(&m, d.x + i * d.n_features)) < 1e-9);
        mlq_model_free(&back);
    } else {
        assert_int_equal(mlq_model_load(path, &back, &err), -1);
        if (strstr(err.msg, want) == NULL)
            fail_msg("message '%s' lacks '%s'", err.msg, want);
    }
    remove(path);
    close(fd);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void set_value(cJSON *tree, int node, double v)
{
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(tree, "value"), node, cJSON_CreateNumber(v));
}

static void edit_none(cJSON *tree)
{
    assert_null(cJSON_GetObjectItem(tree, "class")); /* a regression tree has no classes */
}
static void edit_split_value(cJSON *tree) { set_value(tree, 0, 0.5); }
static void edit_leaf_too_high(cJSON *tree) { set_value(tree, 3, 1e3); }
static void edit_leaf_too_low(cJSON *tree) { set_value(tree, 3, -1e3); }
static void edit_value_short(cJSON *tree) { cJSON_DeleteItemFromArray(cJSON_GetObjectItem(tree, "value"), 0); }
static void edit_value_rows(cJSON *tree)
{
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(tree, "value"), 3, cJSON_CreateIntArray((const int[]){1}, 1));
}
static void edit_no_value(cJSON *tree) { cJSON_DeleteItemFromObject(tree, "value"); }
static void edit_leaf_link(cJSON *tree)
{
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(tree, "left"), 3, cJSON_CreateNumber(4));
}

/* Depth 3 in preorder: node 3 is the first leaf (0 -> 1 -> 2 -> 3). */
static void test_model_file_leaf_values(void **state)
{
    (void)state;
    load_edited(edit_none, NULL);
    load_edited(edit_split_value, "field 'tree.trees[0].value' node 0: a split node's value is 0");
    load_edited(edit_leaf_too_high, "field 'tree.trees[0].value' node 3: 1000 is outside the target's "
                                    "training range in standardized units");
    load_edited(edit_leaf_too_low, "node 3: -1000 is outside the target's training range");
    load_edited(edit_value_short, "tree.trees[0].value");
    load_edited(edit_value_rows, "tree.trees[0].value");
    load_edited(edit_no_value, "tree.trees[0].value");
    load_edited(edit_leaf_link, "node 3: a leaf (feature -1) needs left = right = -1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variance_reduction_finds_the_known_split),
        cmocka_unit_test(test_tree_leaves_are_the_means_of_their_rows),
        cmocka_unit_test(test_forest_leaves_weigh_bootstrap_counts_and_trees_average),
        cmocka_unit_test(test_features_that_split_alike_tie_exactly),
        cmocka_unit_test(test_bad_hyperparameters_are_errors),
        cmocka_unit_test(test_model_file_leaf_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
