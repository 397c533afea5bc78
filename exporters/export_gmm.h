/* SPDX-License-Identifier: MIT */
/* export_gmm.h -- the Gaussian mixture's device side (exporters/export_gmm.c). */
#ifndef MLQ_EXPORT_GMM_H
#define MLQ_EXPORT_GMM_H

#include <stdio.h>

#include "export.h"

int mlq_gmm_device_build(mlq_device *dev, mlq_err *err);
mlq_status mlq_gmm_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out);
mlq_status mlq_gmm_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *scores);
mlq_status mlq_gmm_device_proba(const mlq_device *dev, const mlq_q15_t *q, uint16_t *proba);
void mlq_gmm_device_free(mlq_device *dev);
int mlq_gmm_export_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_gmm_info(FILE *f, const mlq_device *dev);

#endif /* MLQ_EXPORT_GMM_H */
