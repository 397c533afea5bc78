/* SPDX-License-Identifier: MIT */
/*
 * tree_split.h -- inside the tree trainer: the workspace that
 * train_tree.c fills (rows sorted by device input code, weights, outcomes)
 * and the node-level steps that tree_split.c implements on it: the node's
 * totals, the best split of a feature (gini, entropy or, for regression,
 * variance reduction), the threshold between two codes, the partition of
 * the rows, and the leaf.
 */
#ifndef MLQ_TREE_SPLIT_H
#define MLQ_TREE_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "tree_params.h"

typedef struct tree_ws {
    size_t n, p, k;        /* rows, features, classes (0: regression) */
    const int *y;          /* [n] class ids (classification) */
    int64_t *t;            /* regression: [n] standardized targets in units of 2^-t_frac (so that
                              sums are exact and independent of the order of the rows: two
                              features that split the rows alike tie exactly, and the seeded
                              feature order decides, as the reference's does on integer
                              targets); NULL for a classifier */
    int t_frac;
    const double *z;       /* [n][p] standardized rows */
    int32_t *code;         /* [p][n] device input code of each training value */
    uint32_t *order;       /* [p][n] rows sorted by (code, z, row), per feature */
    uint32_t *idx;         /* [p][n] this tree's rows, per feature, node segments sorted */
    uint32_t *tmp;         /* [n] partition buffer */
    unsigned char *left;   /* [n] row goes left in the current split */
    double *w;             /* [n] row weight in this tree (class weight x bootstrap count) */
    double *cw;            /* [k] class weights */
    double *node_w;        /* [k] class weights of the node */
    double *wl, *wr;       /* [k] left / right class weights during a scan */
    int64_t node_sum;      /* regression: the node's sum of weight x target */
    double node_weight;    /* regression: the node's sum of weights */
    size_t *feat;          /* [p] feature order of a node */
    int entropy;
    size_t max_depth, min_leaf, min_split, max_features;
} tree_ws;

typedef struct tree_split {
    size_t feature, pos; /* rows [start, pos) of the feature's order go left */
    double cost;         /* the split's weighted impurity, up to a constant of the node */
    int32_t ca, cb;      /* last code on the left, first on the right */
} tree_split;

/**
 * Regression: w->t and w->t_frac from the standardized targets t[n], the
 * finest t_frac <= 48 at which n x max |t| x 2^t_frac < 2^62 (the bootstrap
 * weights of a tree sum to n). 0, or -1 when memory is short.
 */
int tree_targets_fixed(tree_ws *w, const double *t);

/**
 * The totals of node rows [s, e) of w->idx (class weights in w->node_w, or
 * w->node_sum) and their total weight in *total. 1 when the outcomes of
 * the rows differ (two classes, or two target values), so that a split
 * could help; else 0.
 */
int tree_node_totals(tree_ws *w, size_t s, size_t e, double *total);

/** The best split of node rows [s, e) on feature f (after tree_node_totals): updates
 *  *best when one is better (strictly: the first best wins). */
void tree_scan_feature(tree_ws *w, size_t f, size_t s, size_t e, double node_total,
                       tree_split *best);

/** Stable partition of every feature's segment [s, e) by w->left. */
void tree_partition(tree_ws *w, size_t s, size_t e);

/** The host threshold of a split of feature f between codes ca < cb (train_tree.c's
 *  top comment), steps = Q15 steps per standardized unit. */
double tree_place_threshold(const tree_ws *w, size_t f, int32_t ca, int32_t cb, double steps);

/** Node id of t as a leaf of the node's totals (tree_node_totals): its class
 *  distribution and class, or its mean target. */
void tree_make_leaf(const tree_ws *w, tree_one *t, size_t id);

/** Node id of t with no leaf content yet (class -1, distribution or mean 0). */
void tree_clear_leaf(const tree_ws *w, tree_one *t, size_t id);

#endif /* MLQ_TREE_SPLIT_H */
