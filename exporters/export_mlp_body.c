/* SPDX-License-Identifier: MIT */
/*
 * MLP header body (the layers' arrays and NAME_model; exporters/export.c
 * writes the rest), the MLP lines of `mlq info`, and what the device side
 * adds to a freshly trained network's report: the quantized network's
 * accuracy on the training rows at 8- and 16-bit activations, which the
 * header and `mlq info` print next to the float accuracy.
 */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "export_mlp.h"
#include "mlp_params.h"

double mlq_mlp_training_metric(const mlq_model *m, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(m->training, key);

    return cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble <= 1 ? it->valuedouble
                                                                            : -1.0;
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
    const mlq_model *m = dev->model;
    size_t L = md->n_layers, l, nmax = 0;
    char key[32];
    double host = mlq_mlp_training_metric(m, "host_accuracy"), quant;
    int64_t *tmp;

    snprintf(key, sizeof key, "device_accuracy_%u", dev->bits);
    quant = mlq_mlp_training_metric(m, key);
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
    fprintf(f, ", %s hidden layers, %u-bit activations, int8 weights.\n",
            md->m.act == MLQ_MLP_TANH ? "tanh" : "ReLU", dev->bits);
    if (host >= 0 && quant >= 0)
        fprintf(f, " * Training rows: float accuracy %.2f%%, device accuracy %.2f%%. */\n", 100 * host,
                100 * quant);
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
               "/* Scores: logit = round(acc x %ld / 2^%u) / 65536 of the last layer's accumulators. */\n"
               "MLQ_MAYBE_UNUSED static const mlq_mlp_q15 %s_model MLQ_FLASH = {%u, %u, %u, %zu, %u, %s, %u, "
               "%ld, %s_layers};\n",
            (long)md->m.score_mul, (unsigned)md->m.score_shift, name, (unsigned)md->m.n_features,
            (unsigned)md->m.n_classes, (unsigned)md->m.max_width, L, dev->bits,
            md->m.act == MLQ_MLP_TANH ? "MLQ_MLP_TANH" : "MLQ_MLP_RELU",
            (unsigned)md->m.score_shift, (long)md->m.score_mul, name);
    free(tmp);
    return 0;
}

void mlq_mlp_info(FILE *f, const mlq_device *dev)
{
    const mlq_mlp_dev *md = dev->impl;
    const mlq_model *m = dev->model;
    size_t l;
    double host = mlq_mlp_training_metric(m, "host_accuracy"), a8 = mlq_mlp_training_metric(m, "device_accuracy_8"),
           a16 = mlq_mlp_training_metric(m, "device_accuracy_16");

    fprintf(f, "network           %u", (unsigned)md->m.n_features);
    for (l = 0; l < md->n_layers; l++)
        fprintf(f, "-%u", (unsigned)md->layers[l].n_out);
    fprintf(f, " (%s hidden layers, softmax output)\n", md->m.act == MLQ_MLP_TANH ? "tanh" : "ReLU");
    fprintf(f, "device model      int8 weights, int32 biases, %u-bit activations; requantization "
               "shifts", dev->bits);
    for (l = 0; l + 1 < md->n_layers; l++)
        fprintf(f, " %u", (unsigned)md->layers[l].shift);
    fputc('\n', f);
    if (host >= 0)
        fprintf(f, "training accuracy float %.2f%%", 100 * host);
    if (host >= 0 && a8 >= 0)
        fprintf(f, ", device %.2f%% (8-bit)", 100 * a8);
    if (host >= 0 && a16 >= 0)
        fprintf(f, ", %.2f%% (16-bit)", 100 * a16);
    if (host >= 0)
        fputc('\n', f);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes input buffer + %zu bytes scratch in NAME_predict + the "
               "kernel's frame (measured by make bench)\n",
            (size_t)md->m.n_features * sizeof(mlq_q15_t), dev->work_bytes);
}

/* Accuracy of the device model at `bits` on the training rows (raw features); -1 when it
 * cannot be built. */
static double device_accuracy(const mlq_model *m, const mlq_dataset *d, unsigned bits)
{
    mlq_device dev;
    mlq_err err = {{0}};
    size_t i, hits = 0;

    if (mlq_device_build(m, bits, &dev, &err) != 0)
        return -1.0;
    for (i = 0; i < d->n_rows; i++) {
        int c;

        if (mlq_device_predict(&dev, d->x + i * d->n_features, &c) == MLQ_OK && c == d->y[i])
            hits++;
    }
    mlq_device_free(&dev);
    return (double)hits / (double)d->n_rows;
}

int mlq_mlp_after_train(mlq_model *m, const mlq_dataset *d, mlq_err *err)
{
    double acc8, acc16;

    if (d->y == NULL)
        return 0;
    acc8 = device_accuracy(m, d, 8);
    acc16 = device_accuracy(m, d, 16);
    if ((acc8 >= 0 && cJSON_AddNumberToObject(m->training, "device_accuracy_8", acc8) == NULL) ||
        (acc16 >= 0 && cJSON_AddNumberToObject(m->training, "device_accuracy_16", acc16) == NULL))
        return mlq_err_set(err, d->path, 0, "out of memory for the MLP (%zu rows x %zu features)",
                           d->n_rows, d->n_features);
    return 0;
}
