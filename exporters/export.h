/* SPDX-License-Identifier: MIT */
/*
 * export.h -- model JSON -> quantized device model -> C header.
 *
 * One quantizer, two consumers: mlq_device_build turns a trained model into
 * the very structs the firmware gets (input quantization + the algorithm's
 * fixed-point model), mlq_device_predict runs the device kernels on them on
 * the host (`predict --device`, `compare`), and mlq_export_header prints
 * them as a header. What compare measures is what the firmware runs.
 *
 *   mlq_device dev;
 *   if (mlq_device_build(&model, &dev, &err) == 0) {
 *       mlq_device_predict(&dev, raw_row, &cls);
 *       mlq_export_header(&dev, "iris_kmeans", "iris_kmeans.h", &err);
 *       mlq_device_free(&dev);
 *   }
 */
#ifndef MLQ_EXPORT_H
#define MLQ_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "host.h"
#include "model.h"
#include "mlq/quant.h"

/** A model quantized for the device, with host-owned arrays. */
typedef struct mlq_device {
    const mlq_model *model;
    mlq_quant quant;    /* views the arrays below */
    float *offset;      /* [n_features] */
    float *gain;        /* [n_features] */
    int16_t *raw_mul;   /* [n_features], NULL when the int16 path is unavailable */
    int32_t *raw_add;   /* [n_features] */
    uint8_t *raw_shift; /* [n_features] */
    unsigned bits;      /* activation width asked for (--bits), 16 unless the algorithm allows 8 */
    unsigned bits_asked; /* --bits as given, 0 when not given (a model may keep its own default) */
    size_t n_outputs;   /* classes or clusters the model predicts */
    size_t n_coef;      /* model coefficients quantized */
    size_t clipped;     /* of which saturated */
    size_t flash_bytes; /* constant data the header puts in flash (model + quant) */
    void *impl;         /* the algorithm's device model */
} mlq_device;

/**
 * Quantize model m (which must outlive dev) for `bits`-wide activations (0
 * means the algorithm's default, 16). 0, or -1 with err and dev empty.
 */
int mlq_device_build(const mlq_model *m, unsigned bits, mlq_device *dev, mlq_err *err);
void mlq_device_free(mlq_device *dev);

/**
 * Predict one raw row exactly as the firmware does: each feature is rounded
 * to float (the firmware's input type), quantized by mlq_quant_f32_to_q15,
 * and passed to the algorithm's kernel. *out is the class or cluster id.
 */
mlq_status mlq_device_predict(const mlq_device *dev, const double *x, int *out);

/** The algorithm's device scores (see mlq_algo.device_scores) of one raw row, quantized as above. */
mlq_status mlq_device_scores(const mlq_device *dev, const double *x, double *scores);

/* ---- the shared quantizer ---------------------------------------------- */

/** Q1.15 steps per standardized unit: 32768 / R. */
double mlq_input_steps(const mlq_model *m);

/**
 * The float input quantizer of feature j of m, as mlq_device_build sets it
 * (mlq/quant.h: q = floor((x - offset) * gain) - 32768, saturated). Trainers
 * that must know the device's Q15 code of a training value use it too.
 * 0, or -1 when the constants are not finite floats.
 */
int mlq_input_quant(const mlq_model *m, size_t j, float *offset, float *gain);

/**
 * Round v to the nearest integer, halves away from zero, and saturate to
 * [lo, hi]; ++*clipped when it saturates (clipped may be NULL).
 */
int64_t mlq_quantize(double v, int64_t lo, int64_t hi, size_t *clipped);

/** mlq_quantize into Q1.15: v in Q15 steps, saturated to int16. */
int16_t mlq_quantize_q15(double v, size_t *clipped);

/* ---- header writing ----------------------------------------------------- */

/** Is name a C identifier (letters, digits, '_', not starting with a digit)? */
int mlq_export_name_ok(const char *name);

/** Write the whole header for dev as NAME (atomic; nothing left on error). */
int mlq_export_header(const mlq_device *dev, const char *name, const char *path, mlq_err *err);

/**
 * `static const CTYPE NAME_SUFFIX[n] = {...};` with a shape comment, `cols`
 * values a line. int64_t values are written with INT64_C().
 */
void mlq_emit_ints(FILE *f, const char *ctype, const char *name, const char *suffix,
                   const char *shape, const int64_t *v, size_t n, size_t cols);

/* Algorithm device sides (exporters/export_ALGO.c). */
struct mlq_device;
int mlq_kmeans_device_build(mlq_device *dev, mlq_err *err);
mlq_status mlq_kmeans_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out);
void mlq_kmeans_device_free(mlq_device *dev);
int mlq_kmeans_export_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_kmeans_info(FILE *f, const mlq_device *dev);

#endif /* MLQ_EXPORT_H */
