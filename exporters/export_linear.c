/* SPDX-License-Identifier: MIT */
/*
 * Linear model device side: each weight row is folded with the input
 * scaling into integers on the Q1.15 input (see mlq/linear.h for the
 * arithmetic they feed). The device input is x = 32768 z / R, so a row's
 * value w . z + b is (W . x + B) / 2^(e + 15) with the int16 weights
 * W_j = round(w_j R 2^e) and the int32 bias B = round(b 2^(e + 15)), and
 * its Q15.16 score the exact sum shifted right by e - 1. One scale 2^e for
 * the whole model, the finest at which every row's sum stays exact in int32
 * for every input (32768 sum_j |W_j| + |B| < 2^31, mlq_linear_check), so
 * the prediction compares exact sums of one unit. A model beyond the
 * coarsest scale 2^-15 (row values beyond 2^31, logits or standardized
 * predictions, at full-scale inputs) is refused.
 */
#include <math.h>
#include <stdlib.h>

#include "device_algo.h"
#include "linear_params.h"
#include "mlq/linear.h"

/* The device model of dev->impl (tests read its first member, the struct the header gets). */
typedef struct linear_device {
    mlq_linear_q15 m;
    mlq_q15_t *w;  /* [rows][row], row = MLQ_ROW_LEN(p), zero pad */
    int32_t *bias; /* [rows] */
    size_t rows;
    int e;         /* W = w R 2^e */
} linear_device;

/* round(v), halves away from zero, within +-2^62 (a larger v is too large for any use below). */
static int64_t round62(double v)
{
    return mlq_quantize(v, -((int64_t)1 << 62), (int64_t)1 << 62, NULL);
}

/* Do the rows of lp fit the device at the scale 2^e (int16 weights, exact int32 sums)? */
static int fits(const linear_params *lp, size_t p, double range, int e)
{
    size_t r, j;

    for (r = 0; r < lp->n_rows; r++) {
        int64_t bias = round62(ldexp(lp->b[r], e + 15)), bound = bias < 0 ? -bias : bias;

        for (j = 0; j < p; j++) {
            int64_t v = round62(ldexp(lp->w[r * p + j] * range, e));

            if (v > INT16_MAX || v < -INT16_MAX)
                return 0;
            bound += 32768 * (v < 0 ? -v : v);
            if (bound > INT32_MAX)
                return 0;
        }
    }
    return 1;
}

static int linear_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const linear_params *lp = m->params;
    size_t p = m->n_features, row = MLQ_ROW_LEN(p), rows = lp->n_rows, r, j;
    int regress = mlq_model_task(m) == MLQ_TASK_REGRESS, e;
    linear_device *ld = mlq_calloc(1, sizeof *ld);

    if (ld == NULL || (ld->w = mlq_calloc(rows * row, sizeof *ld->w)) == NULL ||
        (ld->bias = mlq_calloc(rows, sizeof *ld->bias)) == NULL) {
        if (ld != NULL)
            free(ld->w);
        free(ld);
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    }
    dev->impl = ld; /* freed by mlq_device_free on any error below */
    ld->rows = rows;
    for (e = MLQ_LINEAR_SHIFT_MAX + 1; e > MLQ_LINEAR_SHIFT_MIN + 1; e--)
        if (fits(lp, p, m->input_range, e))
            break;
    if (!fits(lp, p, m->input_range, e)) {
        double bmax = 0.0;
        int by_bias;

        for (r = 0; r < rows; r++)
            bmax = fmax(bmax, fabs(lp->b[r]));
        by_bias = ldexp(bmax, e + 15) > INT32_MAX;
        return mlq_device_refuse(dev, err, by_bias ? "linear.intercepts" : "linear.weights",
                                 "%s beyond the device's exact int32 sums even at the coarsest "
                                 "scale 2^%d (a row value of 2^31 at most)",
                                 by_bias ? "an intercept reaches"
                                         : "with the intercepts, the weights reach",
                                 e);
    }
    ld->e = e;
    for (r = 0; r < rows; r++) {
        for (j = 0; j < p; j++)
            ld->w[r * row + j] = (mlq_q15_t)mlq_quantize(ldexp(lp->w[r * p + j] * m->input_range, e),
                                                         INT16_MIN, INT16_MAX, &dev->clipped);
        ld->bias[r] = (int32_t)mlq_quantize(ldexp(lp->b[r], e + 15), INT32_MIN, INT32_MAX, &dev->clipped);
    }
    ld->m.n_outputs = (uint16_t)(regress ? 1 : m->n_classes);
    ld->m.n_features = (uint16_t)p;
    ld->m.shift = (int8_t)(e - 1);
    ld->m.w = ld->w;
    ld->m.bias = ld->bias;
    if ((!regress && m->n_classes > 32767) || mlq_linear_check(&ld->m) != MLQ_OK)
        return mlq_device_refuse(dev, err, "linear", "the device model fails mlq_linear_check");
    dev->n_outputs = ld->m.n_outputs;
    dev->n_coef = rows * (p + 1);
    dev->flash_bytes += rows * row * sizeof(mlq_q15_t) + rows * sizeof(int32_t) + sizeof(mlq_linear_q15);
    mlq_device_note_array(dev, rows * row * sizeof(mlq_q15_t));
    dev->work_bytes = mlq_linear_work_size(&ld->m);
    dev->kern.header = "mlq/linear.h";
    dev->kern.type = "mlq_linear_q15";
    dev->kern.check = "mlq_linear_check";
    dev->kern.predict = "mlq_linear_predict_q15";
    dev->kern.scores = "mlq_linear_scores_q15";
    dev->kern.proba = regress ? NULL : "mlq_linear_proba_q15";
    snprintf(dev->kern.work, sizeof dev->kern.work, "MLQ_LINEAR_WORK_BYTES(%u)", (unsigned)ld->m.n_outputs);
    snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are, "%s",
             regress ? "the prediction in standardized target units"
             : rows == 1 ? "the logit of each class: 0 for class 0, class 1's against it for class 1"
                         : "the logit of each class (their softmax is NAME_proba)");
    return 0;
}

static mlq_status linear_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out)
{
    const linear_device *ld = dev->impl;

    return mlq_linear_predict_q15(&ld->m, q, ld->m.n_features, dev->work, dev->work_bytes, out);
}

static mlq_status linear_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *out)
{
    const linear_device *ld = dev->impl;

    return mlq_linear_scores_q15(&ld->m, q, ld->m.n_features, dev->work, dev->work_bytes, out);
}

static mlq_status linear_device_proba(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out)
{
    const linear_device *ld = dev->impl;

    return mlq_linear_proba_q15(&ld->m, q, ld->m.n_features, dev->work, dev->work_bytes, out);
}

static void linear_device_free(mlq_device *dev)
{
    linear_device *ld = dev->impl;

    if (ld != NULL) {
        free(ld->w);
        free(ld->bias);
        free(ld);
    }
    dev->impl = NULL;
}

static int linear_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const linear_device *ld = dev->impl;
    size_t p = ld->m.n_features, row = MLQ_ROW_LEN(p), rows = ld->rows, i;
    int64_t *tmp = mlq_calloc(rows * row, sizeof *tmp);
    char shape[160];

    if (tmp == NULL)
        return -1;
    for (i = 0; i < rows * row; i++)
        tmp[i] = ld->w[i];
    snprintf(shape, sizeof shape, "[%zu][%zu%s] weights on the Q1.15 input: w x R x 2^%d%s", rows, p,
             row == p ? "" : " + 1", ld->e, row == p ? "" : ", each row zero-padded");
    mlq_emit_ints(f, "mlq_q15_t", name, "w", shape, tmp, rows * row, row < 12 ? row : 12);
    for (i = 0; i < rows; i++)
        tmp[i] = ld->bias[i];
    snprintf(shape, sizeof shape, "[%zu] intercepts x 2^%d, in the units of the row sums", rows, ld->e + 15);
    mlq_emit_ints(f, "int32_t", name, "bias", shape, tmp, rows, 6);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_linear_q15 %s_model MLQ_FLASH = "
               "{%u, %zu, %d, %s_w, %s_bias};\n",
            name, (unsigned)ld->m.n_outputs, p, ld->m.shift, name, name);
    free(tmp);
    return 0;
}

static void linear_info(FILE *f, const mlq_device *dev)
{
    const linear_device *ld = dev->impl;
    size_t p = ld->m.n_features, k = ld->m.n_outputs;

    if (mlq_model_task(dev->model) == MLQ_TASK_REGRESS)
        fprintf(f, "linear model      ridge regression: one weight vector\n");
    else if (ld->rows == 1)
        fprintf(f, "linear model      logistic regression, 2 classes: one weight vector (class 1 "
                   "against class 0)\n");
    else
        fprintf(f, "linear model      logistic regression, %zu classes (multinomial): one weight "
                   "vector per class\n", k);
    fprintf(f, "device model      %zu x %zu int16 weights (w x R x 2^%d) + %zu int32 intercept%s; "
               "Q15.16 score = row sum x 2^%d\n",
            ld->rows, p, ld->e, ld->rows, ld->rows == 1 ? "" : "s", -ld->m.shift);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes input buffer + %zu bytes scratch in each entry + the "
               "kernel's frame (measured by make bench)\n",
            p * sizeof(mlq_q15_t), dev->work_bytes);
}

static const char *linear_smaller(const mlq_device *dev)
{
    (void)dev;
    return "fewer features (one int16 weight per feature and output)";
}

/* The instruction estimate's work (device_algo.h): one dot product per weight row. */
static void linear_work(const mlq_device *dev, const double *x, size_t rows, double w[2])
{
    const linear_device *ld = dev->impl;
    double n = (double)MLQ_LINEAR_ROWS(ld->m.n_outputs);

    (void)x;
    (void)rows;
    w[0] = n * (double)ld->m.n_features;
    w[1] = n;
}

const mlq_device_algo mlq_device_linear = {
    .bits = "16",
    .build = linear_device_build,
    .predict = linear_device_predict,
    .scores = linear_device_scores,
    .proba = linear_device_proba,
    .free = linear_device_free,
    .export_body = linear_export_body,
    .info = linear_info,
    .smaller = linear_smaller,
    .work = linear_work,
};
