/* SPDX-License-Identifier: MIT */
/*
 * export_mlp.h -- the MLP's device side (exporters/export_mlp.c): quantize
 * a trained network into an mlq_mlp_q15 (int8 weights, int32 biases,
 * requantization multipliers from the calibrated activation ranges, the
 * logit scale of the scores), refuse what the device cannot represent, run
 * it on the host, write its header body.
 */
#ifndef MLQ_EXPORT_MLP_H
#define MLQ_EXPORT_MLP_H

#include <stdio.h>

#include "export.h"
#include "mlq/mlp.h"

int mlq_mlp_device_build(mlq_device *dev, mlq_err *err);
mlq_status mlq_mlp_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out);
/* The logits of the output layer in Q15.16 (mlq_mlp_scores_q15). */
mlq_status mlq_mlp_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *scores);
/* Their softmax in Q15 (mlq_mlp_proba_q15). */
mlq_status mlq_mlp_device_proba(const mlq_device *dev, const mlq_q15_t *q, uint16_t *proba);
void mlq_mlp_device_free(mlq_device *dev);
/* The kernel's model inside a device that mlq_mlp_device_build filled (for tests). */
const mlq_mlp_q15 *mlq_mlp_device_model(const mlq_device *dev);
int mlq_mlp_export_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_mlp_info(FILE *f, const mlq_device *dev);

#endif /* MLQ_EXPORT_MLP_H */
