/* SPDX-License-Identifier: MIT */
/*
 * export_mlp.h -- the MLP's device side (its table is mlq_device_mlp,
 * device_algo.h): quantize a trained network into an mlq_mlp_q15 (int8
 * weights, int32 biases, requantization multipliers from the calibrated
 * activation ranges, the logit scale of the scores), refuse what the
 * device cannot represent and run it on the host (exporters/export_mlp.c);
 * write its header body and `mlq info` lines (exporters/export_mlp_body.c).
 */
#ifndef MLQ_EXPORT_MLP_H
#define MLQ_EXPORT_MLP_H

#include <stdio.h>

#include "export.h"
#include "mlq/mlp.h"

/** The device model of dev->impl: the struct the header gets and its host-owned arrays. */
typedef struct mlq_mlp_dev {
    mlq_mlp_q15 m;
    mlq_mlp_layer *layers; /* [L] */
    int8_t **w;            /* [L] [n_out][row] */
    int32_t **bias;        /* [L] [n_out] */
    int32_t **mul;         /* [L] [n_out], NULL for the last layer */
    size_t n_layers;
} mlq_mlp_dev;

/* The kernel's model inside a device that mlq_device_build built (for tests). */
const mlq_mlp_q15 *mlq_mlp_device_model(const mlq_device *dev);

/* export_mlp_body.c (the device table's export_body, info, after_train). */
int mlq_mlp_export_body(FILE *f, const mlq_device *dev, const char *name);
/** The accuracy on the training rows the model file records under key, or -1. */
double mlq_mlp_training_metric(const mlq_model *m, const char *key);
/** The R^2 on the training rows the model file records under key (finite, <= 1), or NaN. */
double mlq_mlp_training_r2(const mlq_model *m, const char *key);
/** "float accuracy A%, device accuracy D%" (a regression: "float R^2 A, device R^2 D") of the
 *  training rows at `bits` into text: snprintf's count, 0 when the report lacks either. */
int mlq_mlp_training_note(const mlq_model *m, unsigned bits, char *text, size_t size);
void mlq_mlp_info(FILE *f, const mlq_device *dev);
/* training.device_accuracy_8 and _16 (a regression: device_r2_8 and _16): the device's
 * accuracy (R^2) on the training rows d. */
int mlq_mlp_after_train(mlq_model *m, const mlq_dataset *d, mlq_err *err);

#endif /* MLQ_EXPORT_MLP_H */
