/* SPDX-License-Identifier: MIT */
/*
 * test_tree_train.h -- what the tree tests that train models share: the
 * training call and the hyperparameters of the pipeline's tree and forest.
 */
#ifndef MLQ_TEST_TREE_TRAIN_H
#define MLQ_TEST_TREE_TRAIN_H

#include <cjson/cJSON.h>

#include "algo.h"
#include "csv.h"
#include "model.h"

/* Fit scaling and train ALGO with the given hyperparameters (JSON). */
static inline int train(const mlq_algo *algo, const mlq_dataset *d, const char *hyper,
                       unsigned long seed, mlq_model *m, mlq_err *err)
{
    return mlq_model_train(m, algo, d, cJSON_Parse(hyper), seed, 0, NULL, err);
}

static const char *tree_hyper =
    "{\"criterion\": \"gini\", \"max-depth\": 10, \"min-samples-leaf\": 1, \"min-samples-split\": 2,"
    " \"class-weight\": \"none\", \"max-features\": \"all\"}";
static const char *forest_hyper =
    "{\"trees\": 10, \"criterion\": \"gini\", \"max-depth\": 10, \"min-samples-leaf\": 1,"
    " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"sqrt\"}";

#endif /* MLQ_TEST_TREE_TRAIN_H */
