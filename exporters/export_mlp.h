/* SPDX-License-Identifier: MIT */
/*
 * export_mlp.h -- the MLP's device side (exporters/export_mlp.c): quantize
 * a trained network into an mlq_mlp_q15 (int8 weights, int32 biases,
 * requantization multipliers from the calibrated activation ranges), run
 * it on the host, write its header body.
 */
#ifndef MLQ_EXPORT_MLP_H
#define MLQ_EXPORT_MLP_H

#include <stdio.h>

#include "export.h"

int mlq_mlp_device_build(mlq_device *dev, mlq_err *err);
mlq_status mlq_mlp_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out);
/* Output-layer logits in the float model's units. */
mlq_status mlq_mlp_device_scores(const mlq_device *dev, const mlq_q15_t *q, double *scores);
void mlq_mlp_device_free(mlq_device *dev);
int mlq_mlp_export_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_mlp_info(FILE *f, const mlq_device *dev);

#endif /* MLQ_EXPORT_MLP_H */
