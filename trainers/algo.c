/* SPDX-License-Identifier: MIT */
#include "algo.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

/*
 * The host model table of every algorithm, in `mlq help` order (the model
 * and its options in trainers/ALGO_model.c). The device side of each is
 * registered under the same name in exporters/device_algos.c.
 */
const mlq_algo *const mlq_algos[] = {
    &mlq_algo_kmeans,
    &mlq_algo_gmm,
    &mlq_algo_tree,
    &mlq_algo_forest,
    &mlq_algo_svm,
    &mlq_algo_mlp,
    &mlq_algo_linear,
    NULL,
};

mlq_task mlq_model_task(const mlq_model *m)
{
    return m->algo->task(m->hyper);
}

bool mlq_hyper_regress(const cJSON *hyper)
{
    const char *task = mlq_hyper_str(hyper, "task");

    return task != NULL && strcmp(task, "regress") == 0;
}

void mlq_softmax(double *v, size_t n)
{
    double top = v[0], sum = 0.0;
    size_t k;

    for (k = 1; k < n; k++)
        top = fmax(top, v[k]);
    for (k = 0; k < n; k++) {
        v[k] = exp(v[k] - top);
        sum += v[k];
    }
    for (k = 0; k < n; k++)
        v[k] /= sum;
}

const mlq_algo *mlq_algo_find(const char *name)
{
    size_t i;

    for (i = 0; mlq_algos[i] != NULL; i++)
        if (strcmp(mlq_algos[i]->name, name) == 0)
            return mlq_algos[i];
    return NULL;
}

const cJSON *mlq_hyper(const cJSON *hyper, const char *key)
{
    return hyper != NULL ? cJSON_GetObjectItemCaseSensitive(hyper, key) : NULL;
}

double mlq_hyper_num(const cJSON *hyper, const char *key)
{
    const cJSON *it = mlq_hyper(hyper, key);

    return cJSON_IsNumber(it) ? it->valuedouble : (double)NAN;
}

const char *mlq_hyper_str(const cJSON *hyper, const char *key)
{
    const cJSON *it = mlq_hyper(hyper, key);

    return cJSON_IsString(it) ? it->valuestring : NULL;
}
