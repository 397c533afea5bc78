/* SPDX-License-Identifier: MIT */
/*
 * export_svm.h -- the SVM's device side (its table is mlq_device_svm,
 * device_algo.h): quantize a trained model into an mlq_svm_q15 (Q formats
 * chosen from the model's range) or refuse it, and run it on the host
 * (exporters/export_svm.c); write its header body and its `mlq info` lines
 * (exporters/export_svm_body.c).
 */
#ifndef MLQ_EXPORT_SVM_H
#define MLQ_EXPORT_SVM_H

#include <stdio.h>

#include "export.h"
#include "mlq/svm.h"

/** The device model of dev->impl: the struct the header gets and its host-owned arrays. */
typedef struct mlq_svm_dev {
    mlq_svm_q15 m;
    uint16_t *class_ids;  /* [n_used] or NULL (identity) */
    uint16_t *sv_start;   /* [n_used + 1] */
    mlq_q15_t *sv;        /* [n_sv][row] */
    int64_t *sv_norm;     /* [n_sv] */
    mlq_q15_t *coef;      /* [n_used - 1][n_sv] */
    mlq_q15_t *w;         /* [n_pairs][row] */
    int64_t *rho;         /* [n_pairs] */
    int8_t *dec_shift;    /* [n_pairs] */
    uint8_t *pow_shift;   /* [degree - 1] */
    int *frac;            /* [n_pairs] decision value = integer / 2^frac */
    size_t n_pairs;
    int coef_frac, kernel_frac;
} mlq_svm_dev;

/* The C name of an mlq_svm_kernel, e.g. "MLQ_SVM_RBF". */
const char *mlq_svm_kernel_macro(unsigned kernel);

/* export_svm_body.c */
int mlq_svm_export_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_svm_info(FILE *f, const mlq_device *dev);

#endif /* MLQ_EXPORT_SVM_H */
