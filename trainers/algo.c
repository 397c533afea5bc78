/* SPDX-License-Identifier: MIT */
#include "algo.h"

#include <string.h>

/*
 * The algorithms of the CLI. Those not yet implemented are listed by name
 * only (train == NULL), so that `mlq train gmm` says so plainly instead of
 * "unknown algorithm".
 */

/* One line per algorithm, in `mlq help` order. */
const mlq_algo *const mlq_algos[] = {
    &mlq_algo_kmeans,
    &mlq_algo_gmm,
    &mlq_algo_tree,
    &mlq_algo_forest,
    &mlq_algo_svm,
    &mlq_algo_mlp,
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
