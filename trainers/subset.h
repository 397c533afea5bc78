/* SPDX-License-Identifier: MIT */
/*
 * subset.h -- a dataset of chosen rows of another (the training and held-out
 * parts of a cross-validation fold: `mlq cv`, `mlq select`).
 *
 *   size_t *idx = ..., n = mlq_rows_where(fold, d.n_rows, 2, 0, idx);  // rows not in fold 2
 *   mlq_dataset train;
 *   if (mlq_dataset_subset(&d, idx, n, &train, &err) != 0) ...
 *   ... mlq_model_train(&m, algo, &train, ...) ...
 *   mlq_dataset_free(&train);
 */
#ifndef MLQ_SUBSET_H
#define MLQ_SUBSET_H

#include <stddef.h>

#include "csv.h"
#include "host.h"

/**
 * The rows idx[0..n) of d, in that order (repeats allowed, each < d->n_rows),
 * as a new dataset: features, labels or target, and each row's line in the
 * file; the same feature names, label name, path and classes as d (every
 * class of d, even one none of the rows holds, so that class ids keep their
 * meaning). n >= 1. 0, or -1 with err (out of memory) and out zeroed.
 */
int mlq_dataset_subset(const mlq_dataset *d, const size_t *idx, size_t n, mlq_dataset *out, mlq_err *err);

/**
 * The rows i of 0..n-1 whose part[i] is `which` (equal != 0) or is not
 * (equal == 0), in increasing order, into idx; returns how many.
 */
size_t mlq_rows_where(const size_t *part, size_t n, size_t which, int equal, size_t *idx);

#endif /* MLQ_SUBSET_H */
