/* SPDX-License-Identifier: MIT */
/*
 * mlp_params.h -- the trained multilayer perceptron on the host (float64),
 * and what its model (mlp_model.c), its trainer (train_mlp.c) and its
 * exporter share.
 */
#ifndef MLQ_MLP_PARAMS_H
#define MLQ_MLP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "algo.h"

/* Most hidden layers (the device format holds 254 plus the output layer). */
#define MLP_MAX_HIDDEN 254

typedef enum mlp_activation { MLP_RELU = 0, MLP_TANH = 1 } mlp_activation;

typedef struct mlp_params {
    size_t n_layers;           /* weight layers: hidden layers + the output layer, >= 1 */
    size_t *size;              /* [n_layers + 1] widths: size[0] = features, size[n_layers] = classes
                                  (1 for a regression, --task regress) */
    mlp_activation activation; /* of every hidden layer; the output layer is softmax (a regression:
                                  one linear unit, the prediction in standardized target units) */
    unsigned bits;             /* activation width of the device model unless --bits says otherwise */
    double **w;                /* [n_layers] layer l: [size[l+1]][size[l]], on standardized inputs */
    double **b;                /* [n_layers] layer l: [size[l+1]] */
    double *act_max;           /* [mlp_n_hidden_units] largest |activation| of each hidden unit over
                                  the training rows, layer 0's units first (calibration of the
                                  device's activation scales) */
} mlp_params;

/** A network of n_layers weight layers of widths size[n_layers + 1], zeroed; NULL when
 *  memory is short. */
mlp_params *mlp_params_alloc(const size_t *size, size_t n_layers);

/** Free an mlp_params and everything it owns; safe on NULL (mlq_algo.params_free). */
void mlp_params_free(void *params);

/** The hidden units' activation of a pre-activation v. */
double mlp_activate(mlp_activation a, double v);

/** Hidden units of mp: size[1] + ... + size[n_layers - 1] (entries of act_max). */
size_t mlp_n_hidden_units(const mlp_params *mp);

/**
 * Output-layer values (logits, before softmax; a regression's one
 * prediction) of one standardized row z[size[0]] into
 * logits[size[n_layers]]; scratch holds 2 x the widest layer. Returns the
 * class with the largest logit (ties: the lowest; a regression: 0).
 */
size_t mlp_forward_row(const mlp_params *mp, const double *z, double *logits, double *scratch);

/** Widest layer of mp (inputs included). */
size_t mlp_max_width(const mlp_params *mp);

/** The trainer (train_mlp.c): mlq_algo.train. */
int mlp_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err);

#endif /* MLQ_MLP_PARAMS_H */
