/* SPDX-License-Identifier: MIT */
/*
 * kmeans_train.h -- the k-means trainer's pieces for other trainers (the
 * Gaussian mixture trainer starts EM from k-means labels).
 */
#ifndef MLQ_KMEANS_TRAIN_H
#define MLQ_KMEANS_TRAIN_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

/**
 * The absolute tolerance of --tol on rows x[n][p]: tol times the mean
 * per-feature variance (1 after standardization, 0 for a constant
 * feature), the convention of the common implementations.
 */
double mlq_kmeans_tol_abs(const double *x, size_t n, size_t p, double tol);

/**
 * One k-means run on x[n][p]: k-means++ seeding from rng, then Lloyd
 * iterations until the centres move (sum of squared moves) at most tol_abs
 * or max_iter iterations; labels[n] gets the nearest final centre of every
 * row (ties to the lowest index), centroids[k][p] (may be NULL) the centres.
 * @return 0; -1 when memory is short; -2 when k is larger than the number
 *         of distinct rows (every cluster needs a row of its own)
 */
int mlq_kmeans_labels(const double *x, size_t n, size_t p, size_t k, size_t max_iter,
                      double tol_abs, gsl_rng *rng, size_t *labels, double *centroids);

#endif /* MLQ_KMEANS_TRAIN_H */
