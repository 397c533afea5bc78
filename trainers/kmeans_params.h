/* SPDX-License-Identifier: MIT */
/* kmeans_params.h -- the trained k-means model on the host (float64). */
#ifndef MLQ_KMEANS_PARAMS_H
#define MLQ_KMEANS_PARAMS_H

#include <stddef.h>

typedef struct kmeans_params {
    size_t k;
    double *centroids; /* [k][n_features], standardized units (z) */
} kmeans_params;

#endif /* MLQ_KMEANS_PARAMS_H */
