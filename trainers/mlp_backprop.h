/* SPDX-License-Identifier: MIT */
/*
 * mlp_backprop.h -- the MLP trainer's inner part (mlp_backprop.c): the
 * training workspace, the forward pass and its loss, backpropagation of
 * the loss's gradient, and the Adam / SGD steps. train_mlp.c drives it
 * (epochs, early stopping, divergence, calibration); the tests check its
 * gradient against finite differences.
 *
 * The loss of a minibatch of nb rows, with W the weights (not biases):
 *   classification (softmax output): the mean cross-entropy of the rows,
 *   regression (one linear output o, standardized target t): the mean of
 *     0.5 x (o - t)^2 (scikit-learn's squared loss),
 * plus 0.5 x l2 x |W|^2 / nb either way.
 */
#ifndef MLQ_MLP_BACKPROP_H
#define MLQ_MLP_BACKPROP_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "mlp_params.h"

/* What the rows are trained to: the class of each row (y, a softmax
 * output of one unit per class), or its standardized target (t, one
 * linear output unit). Exactly one is not NULL. */
typedef struct mlp_targets {
    const int *y;
    const double *t;
} mlp_targets;

typedef struct mlp_train_opts {
    double lr, l2, momentum;
    int adam;
} mlp_train_opts;

typedef struct mlp_workspace {
    mlp_params *mp;       /* the parameters being trained */
    size_t n_layers, bmax;
    const size_t *size;
    double **a;           /* [n_layers + 1] activations [bmax][size[l]]; a[0] the input batch;
                             a[n_layers] the softmax probabilities (classification) or the
                             linear output (regression) */
    double **delta;       /* [n_layers + 1] d loss / d pre-activation [bmax][size[l]] (l >= 1) */
    double **gw, **gb;    /* [n_layers] gradients, shaped as w and b */
    double **mw, **mb;    /* [n_layers] first moments (Adam) or velocities (SGD) */
    double **vw, **vb;    /* [n_layers] second moments (Adam) */
    size_t t;             /* optimizer steps taken */
    size_t *order;        /* [n_train] training rows in this epoch's order */
    size_t n_train;
    double loss;          /* mean training loss of the last epoch */
    int status;           /* 0, or a GSL status that failed */
} mlp_workspace;

/** A workspace for mp, batches of at most bmax rows and epochs of n_train rows; NULL when
 *  memory is short. */
mlp_workspace *mlp_ws_alloc(mlp_params *mp, size_t bmax, size_t n_train);
void mlp_ws_free(mlp_workspace *w);

/** Weights and biases uniform in +-sqrt(6 / (fan_in + fan_out)); no step taken yet. */
void mlp_init(mlp_workspace *w, gsl_rng *rng);

/** Sum of squared weights (the L2 term's factor). */
double mlp_weight_norm2(const mlp_params *mp);

/**
 * The mean loss (without the L2 term) of rows idx[0..n) of z against tg,
 * in batches of w->bmax rows; *hits (if not NULL) the rows whose largest
 * output is their class (classification). NaN with w->status on a GSL
 * failure.
 */
double mlp_evaluate(mlp_workspace *w, const double *z, const mlp_targets *tg, const size_t *idx,
                    size_t n, size_t *hits);

/**
 * The objective of one minibatch idx[0..nb) (nb <= w->bmax): its mean loss
 * plus 0.5 x l2 x |W|^2 / nb, and its gradient in w->gw and w->gb. NaN
 * with w->status on a GSL failure.
 */
double mlp_loss_grad(mlp_workspace *w, const double *z, const mlp_targets *tg, const size_t *idx,
                     size_t nb, double l2);

/** One epoch over train[0..w->n_train): shuffle, one step per minibatch; w->loss is the
 *  epoch's mean loss (each batch's taken before its step). 0, or a GSL status. */
int mlp_iterate(mlp_workspace *w, const double *z, const mlp_targets *tg, const size_t *train,
                const mlp_train_opts *o, gsl_rng *rng);

#endif /* MLQ_MLP_BACKPROP_H */
