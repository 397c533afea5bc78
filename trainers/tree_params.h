/* SPDX-License-Identifier: MIT */
/*
 * tree_params.h -- trained decision trees and forests on the host (float64
 * thresholds), and what their model (tree_model.c), their trainer
 * (train_tree.c) and their exporter share.
 */
#ifndef MLQ_TREE_PARAMS_H
#define MLQ_TREE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "algo.h"

/*
 * One tree, nodes in preorder (node 0 is the root, children follow their
 * parent). A row goes left at node i when its standardized feature
 * z[feature[i]] <= threshold[i].
 */
typedef struct tree_one {
    size_t n_nodes, depth;
    int *feature;      /* [n_nodes] split feature, -1 at leaves */
    double *threshold; /* [n_nodes] standardized units (z); 0 at leaves */
    int *left, *right; /* [n_nodes] child node indices (> own index), -1 at leaves */
    int *cls;          /* [n_nodes] leaf class as trained: argmax of the weighted class
                          distribution (lowest class on ties); -1 at split nodes. The model
                          predicts the largest entry of `value` (lowest on ties), the same
                          class unless rounding to 255ths ties it with a lower one */
    int *value;        /* [n_nodes][n_classes] leaf class distribution in units of
                          1/MLQ_TREE_LEAF_SCALE, each leaf row summing to it; 0 at split nodes */
    double *mean;      /* regression (n_classes 0) instead of cls and value: [n_nodes] the
                          leaf's prediction in standardized target units (mlq_target_z), the
                          mean of its rows' targets weighted by their bootstrap counts; 0 at
                          split nodes. NULL in a classifier, as cls and value are in a
                          regression tree */
} tree_one;

typedef struct tree_params {
    size_t n_trees, n_classes; /* n_classes 0: regression (the model's trees predict the
                                  mean of their leaves' `mean`) */
    tree_one *trees; /* [n_trees] */
} tree_params;

/** Room for n nodes in t, contents kept: class leaves of k classes, or regression
 *  leaves (mean) when k is 0. 0, or -1 when memory is short (t stays freeable). */
int tree_one_reserve(tree_one *t, size_t n, size_t k);

/** Free a tree_params and everything it owns; safe on NULL (mlq_algo.params_free). */
void tree_params_free(void *params);

/** 1 when m is a forest (mlq_algo_forest), 0 for a single tree. */
int tree_is_forest(const mlq_model *m);

/** The trainer of both (train_tree.c): mlq_algo.train. */
int tree_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err);

#endif /* MLQ_TREE_PARAMS_H */
