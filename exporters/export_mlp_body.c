/* SPDX-License-Identifier: MIT */
/*
 * MLP header body (the layers' arrays and NAME_model; exporters/export.c
 * writes the rest), the MLP lines of `mlq info`, and what the device side
 * adds to a freshly trained network's report: the quantized network's
 * accuracy (a regression: R^2) on the training rows at 8- and 16-bit
 * activations, which the header and `mlq info` print next to the float
 * network's.
 */
#include <math.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "export_mlp.h"
#include "metrics.h"
#include "mlp_params.h"

double mlq_mlp_training_metric(const mlq_model *m, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(m->training, key);

    return cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble <= 1 ? it->valuedouble
                                                                            : -1.0;
}

double mlq_mlp_training_r2(const mlq_model *m, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(m->training, key);

    return cJSON_IsNumber(it) && isfinite(it->valuedouble) && it->valuedouble <= 1 ? it->valuedouble
                                                                                 : (double)NAN;
}

int mlq_mlp_training_note(const mlq_model *m, unsigned bits, char *text, size_t size)
{
    int regress = mlq_model_task(m) == MLQ_TASK_REGRESS;
    char key[32];
    double host, quant;

    snprintf(key, sizeof key, "%s_%u", regress ? "device_r2" : "device_accuracy", bits);
    if (regress) {
        host = mlq_mlp_training_r2(m, "host_r2");
        quant = mlq_mlp_training_r2(m, key);
        if (isnan(host) || isnan(quant))
            return 0;
        return snprintf(text, size, "float R^2 %.4f, device R^2 %.4f", host, quant);
    }
    host = mlq_mlp_training_metric(m, "host_accuracy");
    quant = mlq_mlp_training_metric(m, key);
    if (host < 0 || quant < 0)
        return 0;
    return snprintf(text, size, "float accuracy %.2f%%, device accuracy %.2f%%", 100 * host, 100 * quant);
}

/* The arrays of layer l: weights, biases and (hidden layers) multipliers. */
static void emit_layer(FILE *f, const mlq_mlp_dev *md, size_t l, const char *name, int64_t *tmp)
{
    const mlq_mlp_layer *ly = &md->layers[l];
    size_t n_in = ly->n_in, n_out = ly->n_out, row = MLQ_MLP_ROW_LEN(n_in), i;
    int in16 = l == 0 || md->m.bits == 16;
    char shape[200], suffix[32];

    for (i = 0; i < n_out * row; i++)
        tmp[i] = md->w[l][i];
    snprintf(shape, sizeof shape, "[%zu][%zu] layer %zu weights, int8, %s%s", n_out, row, l,
             row == n_in ? "" : "rows zero-padded, ",
             in16 && n_in >= 4 ? "groups of 4 in the order 0, 2, 1, 3" : "natural order");
    snprintf(suffix, sizeof suffix, "w%zu", l);
    mlq_emit_ints(f, "int8_t", name, suffix, shape, tmp, n_out * row, row < 16 ? row : 16);
    for (i = 0; i < n_out; i++)
        tmp[i] = md->bias[l][i];
    snprintf(shape, sizeof shape, "[%zu] layer %zu biases, accumulator units", n_out, l);
    snprintf(suffix, sizeof suffix, "b%zu", l);
    mlq_emit_ints(f, "int32_t", name, suffix, shape, tmp, n_out, 6);
    if (md->mul[l] != NULL) {
        for (i = 0; i < n_out; i++)
            tmp[i] = md->mul[l][i];
        snprintf(shape, sizeof shape, "[%zu] layer %zu requantization multipliers (/ 2^%u)", n_out,
                 l, (unsigned)ly->shift);
        snprintf(suffix, sizeof suffix, "m%zu", l);
        mlq_emit_ints(f, "int32_t", name, suffix, shape, tmp, n_out, 6);
    }
}

int mlq_mlp_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_mlp_dev *md = dev->impl;
    size_t L = md->n_layers, l, nmax = 0;
    char note[120];
    int regress = mlq_model_task(dev->model) == MLQ_TASK_REGRESS;
    int64_t *tmp;

    for (l = 0; l < L; l++) {
        size_t row = MLQ_MLP_ROW_LEN(md->layers[l].n_in);

        if (md->layers[l].n_out * row > nmax)
            nmax = md->layers[l].n_out * row;
    }
    if ((tmp = mlq_calloc(nmax + 1, sizeof *tmp)) == NULL)
        return -1;
    fprintf(f, "/* Network: %u", (unsigned)md->m.n_features);
    for (l = 0; l < L; l++)
        fprintf(f, "-%u", (unsigned)md->layers[l].n_out);
    fprintf(f, ", %s hidden layers, %u-bit activations, int8 weights%s.\n",
            md->m.act == MLQ_MLP_TANH ? "tanh" : "ReLU", dev->bits, regress ? ", linear output" : "");
    if (mlq_mlp_training_note(dev->model, dev->bits, note, sizeof note) > 0)
        fprintf(f, " * Training rows: %s. */\n", note);
    else
        fputs(" */\n", f);
    for (l = 0; l < L; l++)
        emit_layer(f, md, l, name, tmp);
    fprintf(f, "static const mlq_mlp_layer %s_layers[%zu] MLQ_FLASH = {\n", name, L);
    for (l = 0; l < L; l++) {
        const mlq_mlp_layer *ly = &md->layers[l];

        fprintf(f, "    {%u, %u, %u, %s_w%zu, %s_b%zu, ", (unsigned)ly->n_in, (unsigned)ly->n_out,
                (unsigned)ly->shift, name, l, name, l);
        if (ly->mul != NULL)
            fprintf(f, "%s_m%zu},\n", name, l);
        else
            fputs("NULL},\n", f);
    }
    fprintf(f, "};\n"
               "/* Scores: %s = round(acc x %ld / 2^%u) / 65536 of the last layer's accumulators. */\n"
               "MLQ_MAYBE_UNUSED static const mlq_mlp_q15 %s_model MLQ_FLASH = {%u, %u, %u, %zu, %u, %s, %u, "
               "%ld, %s_layers};\n",
            regress ? "the prediction in standardized target units" : "logit", (long)md->m.score_mul,
            (unsigned)md->m.score_shift, name, (unsigned)md->m.n_features,
            (unsigned)md->m.n_classes, (unsigned)md->m.max_width, L, dev->bits,
            md->m.act == MLQ_MLP_TANH ? "MLQ_MLP_TANH" : "MLQ_MLP_RELU",
            (unsigned)md->m.score_shift, (long)md->m.score_mul, name);
    free(tmp);
    return 0;
}

/* `mlq info`'s line of the training rows' accuracy or R^2, float and device at both widths. */
static void info_training(FILE *f, const mlq_model *m)
{
    int regress = mlq_model_task(m) == MLQ_TASK_REGRESS;
    double host, q[2];
    size_t i;

    if (regress) {
        host = mlq_mlp_training_r2(m, "host_r2");
        q[0] = mlq_mlp_training_r2(m, "device_r2_8");
        q[1] = mlq_mlp_training_r2(m, "device_r2_16");
        if (isnan(host))
            return;
        fprintf(f, "training R^2      float %.4f", host);
        for (i = 0; i < 2; i++)
            if (!isnan(q[i]))
                fprintf(f, "%s%.4f (%d-bit)", i == 0 || isnan(q[0]) ? ", device " : ", ", q[i], 8 << i);
        fputc('\n', f);
        return;
    }
    host = mlq_mlp_training_metric(m, "host_accuracy");
    q[0] = mlq_mlp_training_metric(m, "device_accuracy_8");
    q[1] = mlq_mlp_training_metric(m, "device_accuracy_16");
    if (host < 0)
        return;
    fprintf(f, "training accuracy float %.2f%%", 100 * host);
    if (q[0] >= 0)
        fprintf(f, ", device %.2f%% (8-bit)", 100 * q[0]);
    if (q[1] >= 0)
        fprintf(f, ", %.2f%% (16-bit)", 100 * q[1]);
    fputc('\n', f);
}

void mlq_mlp_info(FILE *f, const mlq_device *dev)
{
    const mlq_mlp_dev *md = dev->impl;
    size_t l;

    fprintf(f, "network           %u", (unsigned)md->m.n_features);
    for (l = 0; l < md->n_layers; l++)
        fprintf(f, "-%u", (unsigned)md->layers[l].n_out);
    fprintf(f, " (%s hidden layers, %s output)\n", md->m.act == MLQ_MLP_TANH ? "tanh" : "ReLU",
            mlq_model_task(dev->model) == MLQ_TASK_REGRESS ? "linear" : "softmax");
    fprintf(f, "device model      int8 weights, int32 biases, %u-bit activations; requantization "
               "shifts", dev->bits);
    for (l = 0; l + 1 < md->n_layers; l++)
        fprintf(f, " %u", (unsigned)md->layers[l].shift);
    fputc('\n', f);
    info_training(f, dev->model);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes input buffer + %zu bytes scratch in NAME_predict + the "
               "kernel's frame (measured by make bench)\n",
            (size_t)md->m.n_features * sizeof(mlq_q15_t), dev->work_bytes);
}

/* The device model's quality at `bits` on the training rows d (raw features): its accuracy,
 * or for a regression its R^2 against d->t; NaN when it cannot be built or memory is short. */
static double device_quality(const mlq_model *m, const mlq_dataset *d, unsigned bits)
{
    int regress = mlq_model_task(m) == MLQ_TASK_REGRESS;
    double *pred = regress ? mlq_calloc(d->n_rows, sizeof *pred) : NULL, q = (double)NAN;
    mlq_device dev;
    mlq_err err = {{0}};
    size_t i, hits = 0;

    if ((regress && pred == NULL) || mlq_device_build(m, bits, &dev, &err) != 0) {
        free(pred);
        return q;
    }
    for (i = 0; i < d->n_rows; i++) {
        int32_t y;
        int c;

        if (regress && mlq_device_value(&dev, d->x + i * d->n_features, &y) == MLQ_OK)
            pred[i] = mlq_device_target(&dev, y);
        else if (regress)
            pred[i] = (double)NAN; /* not with a model that built: R^2 is then NaN */
        else if (mlq_device_predict(&dev, d->x + i * d->n_features, &c) == MLQ_OK && c == d->y[i])
            hits++;
    }
    mlq_device_free(&dev);
    q = regress ? mlq_regression_metrics(d->t, pred, d->n_rows).r2 : (double)hits / (double)d->n_rows;
    free(pred);
    return q;
}

int mlq_mlp_after_train(mlq_model *m, const mlq_dataset *d, mlq_err *err)
{
    const char *key = mlq_model_task(m) == MLQ_TASK_REGRESS ? "device_r2" : "device_accuracy";
    unsigned bits;

    if (d->y == NULL && d->t == NULL)
        return 0;
    for (bits = 8; bits <= 16; bits += 8) {
        double q = device_quality(m, d, bits);
        char name[32];

        snprintf(name, sizeof name, "%s_%u", key, bits);
        if (!isnan(q) && cJSON_AddNumberToObject(m->training, name, q) == NULL)
            return mlq_err_set(err, d->path, 0, "out of memory for the MLP (%zu rows x %zu features)",
                               d->n_rows, d->n_features);
    }
    return 0;
}
