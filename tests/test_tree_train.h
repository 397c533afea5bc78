/* SPDX-License-Identifier: MIT */
/*
 * test_tree_train.h -- what the tree tests that train models share: the
 * training call, the hyperparameters of the pipeline's tree and forest
 * (classification and regression), and for regression hand-made and
 * bundled data and the host prediction in target units.
 */
#ifndef MLQ_TEST_TREE_TRAIN_H
#define MLQ_TEST_TREE_TRAIN_H

#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "algo.h"
#include "csv.h"
#include "model.h"

/* Fit scaling and train ALGO with the given hyperparameters (JSON). */
static inline int train(const mlq_algo *algo, const mlq_dataset *d, const char *hyper,
                       unsigned long seed, mlq_model *m, mlq_err *err)
{
    return mlq_model_train(m, algo, d, cJSON_Parse(hyper), seed, 0, NULL, err);
}

static const char *const tree_hyper =
    "{\"criterion\": \"gini\", \"max-depth\": 10, \"min-samples-leaf\": 1, \"min-samples-split\": 2,"
    " \"class-weight\": \"none\", \"max-features\": \"all\"}";
static const char *const forest_hyper =
    "{\"trees\": 10, \"criterion\": \"gini\", \"max-depth\": 10, \"min-samples-leaf\": 1,"
    " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"sqrt\"}";

/* Regression (--task regress): the tree's options, and the forest's with
 * scikit-learn's RandomForestRegressor default of every feature per split;
 * as the CLI fills them in, without the classifier's --criterion and
 * --class-weight. */
static const char *const tree_reg_hyper =
    "{\"task\": \"regress\", \"max-depth\": 10, \"min-samples-leaf\": 1, \"min-samples-split\": 2,"
    " \"max-features\": \"all\"}";
static const char *const forest_reg_hyper =
    "{\"task\": \"regress\", \"trees\": 10, \"max-depth\": 10, \"min-samples-leaf\": 1,"
    " \"min-samples-split\": 2, \"max-features\": \"all\"}";

/* A regression dataset of n <= 8 rows x p features over the caller's arrays. */
static inline mlq_dataset hand_data(size_t n, size_t p, double *x, double *t)
{
    static char *names[8] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"};
    mlq_dataset d = {0};

    d.n_rows = n;
    d.n_features = p;
    d.x = x;
    d.t = t;
    d.feature_names = names;
    d.label_name = "y";
    d.path = "hand";
    return d;
}

/* The options of a regression tree (trees 0) or forest, every one of regression given. */
static inline const char *reg_hyper(int trees, const char *max_depth, int min_leaf, const char *max_features)
{
    static char buf[320];
    char forest[32] = "";

    if (trees > 0)
        snprintf(forest, sizeof forest, "\"trees\": %d, ", trees);
    snprintf(buf, sizeof buf,
             "{\"task\": \"regress\", %s\"max-depth\": %s, \"min-samples-leaf\": %d,"
             " \"min-samples-split\": 2, \"max-features\": %s}",
             forest, max_depth, min_leaf, max_features);
    return buf;
}

/* The bundled regression data, data/diabetes.csv (442 rows, 10 features). */
static inline mlq_dataset diabetes(void)
{
    mlq_dataset d = {0};
    mlq_err err = {{0}};

    assert_int_equal(mlq_csv_read("data/diabetes.csv", NULL, MLQ_TARGET_REQUIRED, NULL, 0, &d, &err), 0);
    return d;
}

/* The host prediction of row x in target units. */
static inline double host_value(const mlq_model *m, const double *x)
{
    double z[16], s;

    mlq_model_standardize(m, x, z);
    m->algo->host_scores(m, z, &s);
    return mlq_target_of_z(m, s);
}

#endif /* MLQ_TEST_TREE_TRAIN_H */
