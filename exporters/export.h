/* SPDX-License-Identifier: MIT */
/*
 * export.h -- model JSON -> quantized device model -> C header.
 *
 * The exporter side reads the model file's host model (trainers/) and
 * nothing flows back. One quantizer, two consumers: mlq_device_build turns
 * a trained model into the very structs the firmware gets (input
 * quantization + the algorithm's fixed-point model, built by its device
 * table, device_algo.h), mlq_device_predict / _scores / _proba run the
 * device kernels on them on the host (`predict --device`, `compare`), and
 * mlq_export_header prints them as a header. What compare measures is what
 * the firmware runs.
 *
 *   mlq_device dev;
 *   int cls;
 *   if (mlq_device_build(&model, 0, &dev, &err) == 0) {
 *       mlq_device_predict(&dev, raw_row, &cls);      // raw_row: n_features doubles
 *       mlq_export_header(&dev, "iris_kmeans", "iris_kmeans.h", NULL, &err);
 *       mlq_device_free(&dev);
 *   }
 *
 * The header's contract, the same for every model (NAME = --name):
 *   NAME_N_FEATURES, NAME_N_OUTPUTS (scores per input), NAME_N_CLASSES with
 *   NAME_CLASS_NAMES[] and enum NAME_class (classifiers) or NAME_N_CLUSTERS
 *   (clustering), NAME_SCORE_FRAC, NAME_WORK_BYTES, NAME_model and
 *   NAME_check(); for each input form (float x, Q1.15 x with _q15, raw int16
 *   with _i16): NAME_predict, NAME_scores and, where the model defines
 *   probabilities, NAME_proba. Each returns the predicted id (>= 0) or a
 *   negative mlq_status, and writes its outputs only when it succeeds.
 *   A regression model (one output) differs in its predict entries:
 *   NAME_predict(x, int32_t *y) returns MLQ_OK (0) or a negative status and
 *   writes the target in units of 2^-NAME_Y_FRAC, and NAME_value(x, float *y)
 *   the same as a float; its scores are the standardized prediction.
 */
#ifndef MLQ_EXPORT_H
#define MLQ_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "csv.h"
#include "emit.h"
#include "host.h"
#include "model.h"
#include "mlq/quant.h"
#include "mlq/score.h"

/** What the header says about a model's device kernels (filled by its device table's build). */
typedef struct mlq_kernels {
    const char *header;  /* the library header that declares them, e.g. "mlq/svm.h" */
    const char *type;    /* C type of NAME_model, e.g. "mlq_svm_q15" */
    const char *check;   /* mlq_X_check */
    const char *predict; /* mlq_X_predict_q15 (or a kernel-specific entry) */
    const char *scores;  /* mlq_X_scores_q15 */
    const char *proba;   /* mlq_X_proba_q15, or NULL when the model defines no probabilities */
    char work[128];      /* C expression of the scratch bytes (an MLQ_X_WORK_BYTES(...)), or "0" */
    char scores_are[160]; /* what a score is, one line for the header (no user text) */
} mlq_kernels;

struct mlq_device_algo;

/** A model quantized for the device, with host-owned arrays. */
typedef struct mlq_device {
    const mlq_model *model;
    const struct mlq_device_algo *side; /* the algorithm's device table (device_algo.h) */
    mlq_quant quant;    /* views offset and gain */
    mlq_quant_i16 quant_i16; /* views the raw_ arrays */
    float *offset;      /* [n_features] */
    float *gain;        /* [n_features] */
    int16_t *raw_center; /* [n_features], NULL when the int16 path is unavailable */
    uint32_t *raw_mul;  /* [n_features] */
    int32_t *raw_add;   /* [n_features] */
    uint8_t *raw_shift; /* [n_features] */
    unsigned bits;      /* activation width asked for (--bits), 16 unless the algorithm allows 8 */
    unsigned bits_asked; /* --bits as given, 0 when not given (a model may keep its own default) */
    size_t n_outputs;   /* classes, clusters, or 2 (anomaly): the scores per input */
    size_t n_coef;      /* model coefficients quantized */
    size_t clipped;     /* of which saturated */
    size_t flash_bytes; /* constant data the header puts in flash (model + quant) */
    char note[160];     /* a line for the user about this device model ("" for none), which
                           `mlq export` prints as "mlq: note: ..." unless --quiet */
    size_t predict_bytes; /* of which a firmware calling only NAME_predict links (trees: the
                             float layout alone); flash_bytes when the algorithm leaves it 0 */
    size_t largest_array; /* bytes of the header's largest array (an AVR object holds at most
                             32767: mlq_device_note_array) */
    size_t far_bytes;   /* bytes of the header's far array (mlq_emit_far_q15), which
                           largest_array leaves out: mlq_device_note_far */
    size_t work_bytes;  /* scratch of every entry (mlq_X_work_size of the model) */
    mlq_kernels kern;   /* what the header calls */
    mlq_regress regress; /* regression: score -> target in units of 2^-y_frac (export_regress.c) */
    int y_frac;         /* regression: NAME_Y_FRAC, the target's fractional bits (may be < 0) */
    void *impl;         /* the algorithm's device model */
    void *work;         /* host scratch of work_bytes (aligned by malloc), for mlq_device_* */
} mlq_device;

/**
 * Quantize model m (which must outlive dev) for `bits`-wide activations (0
 * means the algorithm's default, 16). 0, or -1 with err and dev empty: a
 * model the device cannot represent (a constant out of a kernel's range, a
 * non-finite value) is refused with "MODEL.json: field 'X': problem".
 */
int mlq_device_build(const mlq_model *m, unsigned bits, mlq_device *dev, mlq_err *err);
void mlq_device_free(mlq_device *dev);

/** The kernel a firmware calling NAME_predict runs (kern.predict; a regression
 *  model's kern.scores), which names its measured costs (boards.h). */
const char *mlq_device_kernel(const mlq_device *dev);

/** The --bits values m's device side accepts, "16" or "8|16". */
const char *mlq_device_bits(const mlq_model *m);

/** `mlq info`'s lines of dev's algorithm (structure, flash and stack notes). */
void mlq_device_info(FILE *f, const mlq_device *dev);

/**
 * After training, before the model is saved: what the device side adds to
 * the model's training report (m->training), e.g. the quantized model's
 * accuracy on the training rows d. 0, or -1 with err.
 */
int mlq_device_after_train(mlq_model *m, const mlq_dataset *d, mlq_err *err);

/** Note an array of `bytes` that the header will define, for largest_array. */
void mlq_device_note_array(mlq_device *dev, size_t bytes);

/** Note the far array of `bytes` that the header will define (far_bytes). */
void mlq_device_note_far(mlq_device *dev, size_t bytes);

/** The file errors about m are reported against: its model file, or its
 *  training CSV when it was not loaded from one (freshly trained). */
const char *mlq_model_file(const mlq_model *m);

/**
 * For a device table's build: refuse a model the device cannot represent, with
 * "MODEL.json: field 'FIELD': what" (the training file's name for a model
 * that was not loaded from a file). Returns -1.
 */
int mlq_device_refuse(const mlq_device *dev, mlq_err *err, const char *field, const char *fmt, ...)
    MLQ_PRINTF(4, 5);

/**
 * Predict one raw row exactly as the firmware does: each feature is rounded
 * to float (the firmware's input type), quantized by mlq_quant_f32_to_q15,
 * and passed to the algorithm's kernel. *out is the class or cluster id.
 */
mlq_status mlq_device_predict(const mlq_device *dev, const double *x, int *out);

/** The device scores of one raw row, quantized as above: [n_outputs] Q15.16. */
mlq_status mlq_device_scores(const mlq_device *dev, const double *x, int32_t *scores);

/** The device probabilities of one raw row: [n_outputs] Q15, summing to 32768 (MLQ_ERR_MODEL when the model has none). */
mlq_status mlq_device_proba(const mlq_device *dev, const double *x, uint16_t *proba);

/* ---- regression outputs (export_regress.c) ------------------------------- */

/*
 * A regression model's device side builds one score, the prediction in
 * standardized target units (Q15.16); the header turns it into the target
 * in a fixed-point unit of 2^-NAME_Y_FRAC (mlq_regress_value, mlq/score.h).
 * The unit is the finest power of two at which the saturation bounds fit
 * in 2^30 (headroom for the rounding); the bounds are the training range
 * widened by its width on each side, so a prediction far outside the
 * training range saturates there and never wraps.
 */

/** Fill dev->regress and dev->y_frac for dev's model (after its build). 0, or -1 with err. */
int mlq_regress_build(mlq_device *dev, mlq_err *err);

/** The device's regression output of one raw row, in units of 2^-dev->y_frac. */
mlq_status mlq_device_value(const mlq_device *dev, const double *x, int32_t *y);

/** The target value of a device output y: y x 2^-y_frac. */
double mlq_device_target(const mlq_device *dev, int32_t y);

/** The header's NAME_Y_* macros and NAME_regress (after the model body). */
void mlq_regress_emit(FILE *f, const mlq_device *dev, const char *name);

/** NAME_predict and NAME_value for each input form, on NAME_scores (after the scores entries). */
void mlq_regress_entries(FILE *f, const char *name);

/* ---- the shared quantizer (export_quant.c) ------------------------------ */

/* The model's input scaling and the quantizer constants it defines
 * (mlq_input_steps, mlq_input_quant) are the host model's: model.h. */

/**
 * Round v to the nearest integer, halves away from zero, and saturate to
 * [lo, hi]; ++*clipped when it saturates (clipped may be NULL). A NaN v
 * gives lo and counts as saturated (callers refuse non-finite parameters
 * before they get here).
 */
int64_t mlq_quantize(double v, int64_t lo, int64_t hi, size_t *clipped);

/** mlq_quantize into Q1.15: v in Q15 steps, saturated to int16. */
int16_t mlq_quantize_q15(double v, size_t *clipped);

/** Fill dev's input quantizer (float and int16 paths) from its model. 0 or -1 with err. */
int mlq_quant_build(mlq_device *dev, mlq_err *err);
/** Free what mlq_quant_build allocated. */
void mlq_quant_free(mlq_device *dev);
/** Write NAME_quant and NAME_quant_i16 and their arrays (with the feature names, escaped, in a comment). */
void mlq_quant_emit(FILE *f, const mlq_device *dev, const char *name);

/* ---- header writing ----------------------------------------------------- */

/**
 * Can name be --name? A C identifier (a letter first, then letters, digits
 * and '_', at most 64) that is not the library's own: not "mlq" and not
 * starting with "mlq_" in any case. Returns NULL when it can, else why not.
 */
const char *mlq_export_name_problem(const char *name);

struct mlq_fit;

/**
 * Write the whole header for dev as NAME (atomic; nothing left on error).
 * With a fit (mlq export --target) that does not fit, the header stops
 * with #error when it is compiled for that board's chip.
 */
int mlq_export_header(const mlq_device *dev, const char *name, const char *path,
                      const struct mlq_fit *fit, mlq_err *err);

#endif /* MLQ_EXPORT_H */
