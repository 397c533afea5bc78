/* SPDX-License-Identifier: MIT */
/*
 * kmeans_params.h -- the trained k-means model on the host (float64), and
 * what its model (kmeans_model.c), its trainer (train_kmeans.c) and its
 * exporter share.
 */
#ifndef MLQ_KMEANS_PARAMS_H
#define MLQ_KMEANS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "algo.h"

typedef struct kmeans_params {
    size_t k;
    double *centroids; /* [k][n_features], standardized units (z) */
} kmeans_params;

/** Squared Euclidean distance of two rows of p values. */
double kmeans_dist2(const double *a, const double *b, size_t p);

/** Nearest of the k centres c[k][p] to x (ties: the lowest index, as the
 *  device); its squared distance in *d2 when d2 is not NULL. */
size_t kmeans_nearest(const double *c, size_t k, size_t p, const double *x, double *d2);

/** The trainer (train_kmeans.c): mlq_algo.train. */
int kmeans_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err);

#endif /* MLQ_KMEANS_PARAMS_H */
