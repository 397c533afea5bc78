/* SPDX-License-Identifier: MIT */
/*
 * export_svm.h -- the SVM's device side (exporters/export_svm.c): quantize
 * a trained model into an mlq_svm_q15 (Q formats chosen from the model's
 * range), run it on the host, write its header body.
 */
#ifndef MLQ_EXPORT_SVM_H
#define MLQ_EXPORT_SVM_H

#include <stdio.h>

#include "export.h"

int mlq_svm_device_build(mlq_device *dev, mlq_err *err);
mlq_status mlq_svm_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out);
/* Decision value of every class pair, in the float model's units. */
mlq_status mlq_svm_device_scores(const mlq_device *dev, const mlq_q15_t *q, double *scores);
void mlq_svm_device_free(mlq_device *dev);
int mlq_svm_export_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_svm_info(FILE *f, const mlq_device *dev);

#endif /* MLQ_EXPORT_SVM_H */
