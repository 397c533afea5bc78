/* SPDX-License-Identifier: MIT */
/*
 * folds.h -- rows kept together by group, and the folds of cross-validation
 * (`mlq split --groups`, `mlq cv`, `mlq select`).
 *
 *   mlq_groups g;
 *   if (mlq_groups_read("vowel.groups.txt", d.n_rows, d.path, &g, &err) != 0) ...
 *   mlq_folds(d.y, d.n_classes, &g, d.n_rows, 5, seed, fold);   // fold[i] in 0..4
 *   mlq_groups_free(&g);
 *
 * A groups file has one group id per data row, in the rows' order: any text
 * without spaces (a speaker, a session, a recording), one per line.
 *
 * Assignment, the same for a split and for folds: the groups (each row its
 * own group when there is no groups file) are shuffled with the seed (GSL
 * mt19937), then taken largest first (a stable sort, so groups of one size
 * stay in shuffled order), each into the part whose class counts it brings
 * nearest their targets: the sum over classes of the squared distance to
 * the target (the part's share of the class's rows). Without classes
 * (regression, unlabeled data) all rows are one class, so parts get equal
 * row counts. Without groups this is a stratified split; with groups it is
 * stratified as far as whole groups allow.
 */
#ifndef MLQ_FOLDS_H
#define MLQ_FOLDS_H

#include <stddef.h>

#include "host.h"

/** The group of each row. */
typedef struct mlq_groups {
    size_t n_rows, n_groups;
    size_t *of;    /* [n_rows] group index of each row, 0..n_groups-1 */
    char **names;  /* [n_groups] group ids as written, sorted (strcmp) */
} mlq_groups;

/** Longest group id, in bytes. */
#define MLQ_GROUP_MAX 256

/**
 * Read a groups file for the n_rows rows of `data` (named in messages).
 * 0, or -1 with err ("FILE:LINE: problem"): the file cannot be read; a line
 * is empty, has a space or tab inside, or is longer than MLQ_GROUP_MAX; it
 * has another number of lines than data has rows; memory runs out.
 */
int mlq_groups_read(const char *path, size_t n_rows, const char *data, mlq_groups *g, mlq_err *err);

/** Free a mlq_groups; safe on a zeroed struct. */
void mlq_groups_free(mlq_groups *g);

/**
 * Split rows 0..n-1 into train and test, test_frac of the rows (of each
 * class) in the test part as near as whole groups allow (g NULL: each row
 * its own group). y: [n] class ids in 0..n_classes-1, or NULL. Indices come
 * out in increasing order. 0, or -1 when memory is short.
 */
int mlq_split_grouped(const int *y, size_t n_classes, const mlq_groups *g, size_t n, double test_frac,
                      unsigned long seed, size_t *train, size_t *n_train, size_t *test, size_t *n_test);

/**
 * The fold 0..k-1 of each row of n into fold[n] (k >= 2): every group in one
 * fold, classes spread over the folds as evenly as groups allow. 0, or -1
 * when memory is short.
 */
int mlq_folds(const int *y, size_t n_classes, const mlq_groups *g, size_t n, size_t k, unsigned long seed,
              size_t *fold);

#endif /* MLQ_FOLDS_H */
