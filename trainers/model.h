/* SPDX-License-Identifier: MIT */
/*
 * model.h -- the model file: one JSON document (cJSON) per trained model,
 * float64 parameters as trained plus everything the exporter and `compare`
 * need. It is the single source of truth for the header and for compare:
 * the trainers write it, the exporters only read it.
 *
 *   mlq_model m;
 *   if (mlq_model_load("iris.json", &m, &err) != 0) die(err.msg);
 *   ...
 *   mlq_model_free(&m);
 *
 * Common fields (every algorithm):
 *   format "mlq-model", version MLQ_MODEL_VERSION, algorithm, mlq_version,
 *   data {path, rows}, seed, feature_names [D], label_name (string|null),
 *   class_names [K] (may be empty), scaling {mean [D], scale [D],
 *   input_range R}, hyperparameters {...}, training {...}, and one object
 *   named after the algorithm with its parameters. A regression model
 *   (hyperparameter task "regress") also has target {mean, scale, min, max}:
 *   its label_name is the target column and class_names is empty.
 * Loading validates all of it: types, shapes, finiteness, known algorithm
 * and version; errors name the file and the field.
 */
#ifndef MLQ_MODEL_H
#define MLQ_MODEL_H

#include <stddef.h>

#include "host.h"

#define MLQ_MODEL_VERSION 1
#define MLQ_VERSION_STRING "0.2.0"

struct mlq_algo;
struct cJSON;

/** A trained model on the host (float64 parameters, owned arrays). */
typedef struct mlq_model {
    const struct mlq_algo *algo;
    char *source;          /* training CSV path as given */
    char *path;            /* the model file it was loaded from, or NULL (freshly trained):
                              the file that exporter errors name */
    size_t train_rows;
    unsigned long seed;
    size_t n_features;
    char **feature_names;  /* [n_features] */
    char *label_name;      /* NULL when trained without labels */
    size_t n_classes;      /* 0 when trained without labels */
    char **class_names;    /* [n_classes] */
    double *mean;          /* [n_features] standardization */
    double *scale;         /* [n_features] > 0 */
    double input_range;    /* R: power of two, >= 1; Q1.15 input = z / R */
    struct cJSON *hyper;   /* hyperparameters as given (owned) */
    struct cJSON *training; /* training report: iterations, objective, host metric (owned) */
    void *params;          /* algorithm parameters (owned by algo) */
    /* Regression (task MLQ_TASK_REGRESS) only, else 0: the target's
     * standardization (mean, population sd > 0) and its training range
     * [min, max]; the model file's "target" object. */
    double target_mean, target_scale, target_min, target_max;
} mlq_model;

/**
 * Read and validate a model file. 0, or -1 with err set and *m empty. A
 * library call as it is: it never aborts in GSL (whatever error handler
 * the caller has installed, which it leaves in place) and writes nothing
 * to stdout or stderr.
 */
int mlq_model_load(const char *path, mlq_model *m, mlq_err *err);
/** Write a model file atomically (validated: no NaN/inf ever reaches disk). */
int mlq_model_save(const char *path, const mlq_model *m, mlq_err *err);
/** Free everything the model owns; safe on a zeroed struct. */
void mlq_model_free(mlq_model *m);

struct mlq_dataset;

/**
 * Learn the input scaling of m from the rows of d: per-feature mean and
 * population standard deviation (a constant feature gets scale 1, so it
 * standardizes to 0 and takes no part in any distance or split), and the
 * input range R, the smallest power of two >= 1.25 max |z| over the rows
 * (>= 1): headroom for rows beyond the training extremes.
 * Writes the standardized rows to z[n_rows][n_features] and, when
 * is_constant is not NULL, 1/0 per feature to is_constant[n_features]. A
 * feature is constant when every training value is the same. Returns the number
 * of constant features, or -1 with err when every feature is constant.
 */
int mlq_model_fit_scaling(mlq_model *m, const struct mlq_dataset *d, double *z,
                          unsigned char *is_constant, mlq_err *err);

/**
 * Regression: learn the target's standardization and range from d->t
 * (model.h's target_* fields). 0, or -1 with err: fewer than 2 rows, a
 * constant target, or one spanning more than a double.
 */
int mlq_model_fit_target(mlq_model *m, const struct mlq_dataset *d, mlq_err *err);

/**
 * Train a model of `algo` on d, as `mlq train` does: fill m's common fields
 * from d (source, rows, feature names, label name and classes when d has
 * labels; for regression, which needs d->t, the target's scaling), take over `hyper` (the parsed hyperparameters; freed with m even
 * on failure), fit the scaling, and run the algorithm's trainer. When
 * is_constant is not NULL it receives 1/0 per feature (see
 * mlq_model_fit_scaling). 0, or -1 with err; either way m needs
 * mlq_model_free.
 */
int mlq_model_train(mlq_model *m, const struct mlq_algo *algo, const struct mlq_dataset *d,
                    struct cJSON *hyper, unsigned long seed, int progress,
                    unsigned char *is_constant, mlq_err *err);

/**
 * Regression: the standardized targets (t_i - target_mean) / target_scale
 * of d's rows, a new array of d->n_rows (free it), or NULL when memory is
 * short. The trainers fit these; a regression model's host_scores and
 * device scores are predictions in these units.
 */
double *mlq_target_z(const mlq_model *m, const struct mlq_dataset *d);

/** Regression: the target value of a prediction s in standardized units. */
double mlq_target_of_z(const mlq_model *m, double s);

/** Standardize a raw row: z_j = (x_j - mean_j) / scale_j. */
void mlq_model_standardize(const mlq_model *m, const double *x, double *z);

/** Q1.15 steps of the device input per standardized unit: 32768 / R. */
double mlq_input_steps(const mlq_model *m);

/**
 * The constants of the device's float input quantizer for feature j of m
 * (mlq/quant.h: q = floor((x - offset) * gain) - 32768, saturated), as the
 * exporter puts them in the header. A trainer that must know the device's
 * Q15 code of a training value passes them to mlq_quant_f32_to_q15.
 * 0, or -1 when the constants are not finite floats.
 */
int mlq_input_quant(const mlq_model *m, size_t j, float *offset, float *gain);

/*
 * JSON helpers shared by the algorithm modules (validation with messages
 * "FILE: field 'a.b': problem").
 */
int mlq_json_get_number(const struct cJSON *obj, const char *key, const char *ctx, double *out,
                        const char *path, mlq_err *err);
int mlq_json_get_size(const struct cJSON *obj, const char *key, const char *ctx, size_t min,
                      size_t max, size_t *out, const char *path, mlq_err *err);
/** Read a numeric array of exactly n finite numbers into out[n]. */
int mlq_json_get_array(const struct cJSON *obj, const char *key, const char *ctx, size_t n,
                       double *out, const char *path, mlq_err *err);
/** Read an array of `rows` arrays of `cols` finite numbers into out[rows*cols]. */
int mlq_json_get_matrix(const struct cJSON *obj, const char *key, const char *ctx, size_t rows,
                        size_t cols, double *out, const char *path, mlq_err *err);
/**
 * Add item to obj under key (or append it when obj is an array and key is
 * NULL). On failure (item NULL, out of memory) item is deleted: 0 or -1.
 */
int mlq_json_add(struct cJSON *obj, const char *key, struct cJSON *item);
/** An array of n integers; NULL on out of memory. */
struct cJSON *mlq_json_int_array(const int *v, size_t n);
/** Add a numeric array; NULL on out of memory or a non-finite value. */
struct cJSON *mlq_json_array(const double *v, size_t n);
struct cJSON *mlq_json_matrix(const double *v, size_t rows, size_t cols);

#endif /* MLQ_MODEL_H */
