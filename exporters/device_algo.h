/* SPDX-License-Identifier: MIT */
/*
 * device_algo.h -- the device table: what one algorithm plugs into the
 * exporter side. It reads the host model (its ALGO_params.h) and builds
 * the quantized model the firmware gets, runs that model's kernels on the
 * host, writes its part of the header and its `mlq info` lines. One table
 * per algorithm, in exporters/export_ALGO.c; exporters/device_algos.c binds
 * each to the host table of the same name (trainers/algo.h). export.c
 * is written once against it; the CLI reaches it only through export.h.
 */
#ifndef MLQ_DEVICE_ALGO_H
#define MLQ_DEVICE_ALGO_H

#include <stdio.h>

#include "export.h"

typedef struct mlq_device_algo {
    const char *bits; /* --bits values the device side accepts, "16" or "8|16" */
    /* Build the quantized model of dev->model into dev->impl (setting
     * n_outputs, n_coef, clipped, flash_bytes, work_bytes and kern),
     * refusing what the device cannot represent (mlq_device_refuse). 0, or
     * -1 with err (mlq_device_build then frees what was built). */
    int (*build)(mlq_device *dev, mlq_err *err);
    /* The device kernels on a Q1.15 row, with dev->work as the scratch.
     * proba is NULL when the algorithm never has probabilities;
     * dev->kern.proba says whether this model has. */
    mlq_status (*predict)(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out);
    mlq_status (*scores)(const mlq_device *dev, const mlq_q15_t *q, int32_t *out);
    mlq_status (*proba)(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out);
    /* Free dev->impl and set it to NULL. */
    void (*free)(mlq_device *dev);
    /* Header body: the model's arrays and `MLQ_MAYBE_UNUSED static const
     * TYPE NAME_model = {...};` (export.c writes everything else). 0, or -1
     * when memory is short. */
    int (*export_body)(FILE *f, const mlq_device *dev, const char *name);
    /* Optional (NULL: the generic entries, which quantize every feature
     * and call the _q15 entries): writes NAME_predict, NAME_scores (and
     * NAME_proba where the model has them) on float input itself, e.g. to
     * read only the features a tree visits, and NAME_check_f32. They must
     * give the same results as the generic entries for every input
     * without NaN. */
    void (*export_float)(FILE *f, const mlq_device *dev, const char *name);
    /* `mlq info`: algorithm-specific lines, including flash and stack estimates. */
    void (*info)(FILE *f, const mlq_device *dev);
    /* What makes this model smaller, for one that does not fit a board
     * (the training options to change; mlq_fit_advice). */
    const char *(*smaller)(const mlq_device *dev);
    /* Optional: what the device side adds to a freshly trained model's
     * report (m->training) before it is saved (mlq_device_after_train). */
    int (*after_train)(mlq_model *m, const mlq_dataset *d, mlq_err *err);
    /* Optional: the work of one NAME_predict call, for the instruction
     * estimate (boards.h, mlq_fit_insns), averaged over the raw rows
     * x[rows][n_features] where it depends on the input (rows may be 0:
     * then a typical figure, e.g. a tree's mean depth over its leaves):
     * w[0] the inner-loop steps (multiply-accumulates, nodes visited),
     * w[1] the outer ones (outputs, support vectors, layers, trees). NULL:
     * w[0] = n_coef and w[1] = n_outputs. */
    void (*work)(const mlq_device *dev, const double *x, size_t rows, double w[2]);
    /* Optional: for a model exported as its own code instead of arrays for
     * the library's kernel (the tree code layout), the estimated bytes of
     * that code on core ("avr", "m0", ...) with NAME_predict in *code, and
     * the library kernel whose measured stack frame bounds its stack; NULL
     * when the model runs the library's kernel (NULL hook: always). */
    const char *(*own_code)(const mlq_device *dev, const char *core, size_t *code);
} mlq_device_algo;

/** The device side of the algorithm of m (by its name), or NULL (device_algos.c). */
const mlq_device_algo *mlq_device_algo_of(const mlq_model *m);

/* The device tables (exporters/export_ALGO.c). */
extern const mlq_device_algo mlq_device_kmeans;
extern const mlq_device_algo mlq_device_gmm;
extern const mlq_device_algo mlq_device_tree; /* tree and forest */
extern const mlq_device_algo mlq_device_svm;
extern const mlq_device_algo mlq_device_mlp;
extern const mlq_device_algo mlq_device_linear;

#endif /* MLQ_DEVICE_ALGO_H */
