/* SPDX-License-Identifier: MIT */
#include "algo.h"

#include <string.h>

/*
 * The algorithms of the CLI. Those not yet implemented are listed by name
 * only (train == NULL), so that `mlq train gmm` says so plainly instead of
 * "unknown algorithm".
 */
static const mlq_algo algo_gmm = {.name = "gmm", .summary = "Gaussian mixture (not available in this version)"};
static const mlq_algo algo_tree = {.name = "tree", .summary = "decision tree (not available in this version)"};
static const mlq_algo algo_forest = {.name = "forest", .summary = "random forest (not available in this version)"};
static const mlq_algo algo_svm = {.name = "svm", .summary = "support vector machine (not available in this version)"};
static const mlq_algo algo_mlp = {.name = "mlp", .summary = "multilayer perceptron (not available in this version)"};

/* One line per algorithm, in `mlq help` order. */
const mlq_algo *const mlq_algos[] = {
    &mlq_algo_kmeans,
    &algo_gmm,
    &algo_tree,
    &algo_forest,
    &algo_svm,
    &algo_mlp,
    NULL,
};

mlq_task mlq_model_task(const mlq_model *m)
{
    return m->algo->task(m->hyper);
}

const mlq_algo *mlq_algo_find(const char *name)
{
    size_t i;

    for (i = 0; mlq_algos[i] != NULL; i++)
        if (strcmp(mlq_algos[i]->name, name) == 0)
            return mlq_algos[i];
    return NULL;
}
