/* SPDX-License-Identifier: MIT */
/*
 * The one place where the two tables of an algorithm meet: the host model
 * table (trainers/algo.h, listed in trainers/algo.c) and the device table
 * (device_algo.h), bound by the algorithm's name. A host algorithm missing
 * here has no device side: mlq_device_build refuses its models.
 */
#include <string.h>

#include "algo.h"
#include "device_algo.h"

static const struct binding {
    const char *name; /* mlq_algo.name */
    const mlq_device_algo *side;
} bindings[] = {
    {"kmeans", &mlq_device_kmeans},
    {"gmm", &mlq_device_gmm},
    {"tree", &mlq_device_tree},
    {"forest", &mlq_device_tree},
    {"svm", &mlq_device_svm},
    {"mlp", &mlq_device_mlp},
    {"linear", &mlq_device_linear},
};

const mlq_device_algo *mlq_device_algo_of(const mlq_model *m)
{
    size_t i;

    for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
        if (strcmp(bindings[i].name, m->algo->name) == 0)
            return bindings[i].side;
    return NULL;
}
