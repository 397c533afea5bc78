/* SPDX-License-Identifier: MIT */
/*
 * MLP device side: the float network (on standardized inputs) becomes an
 * mlq_mlp_q15 (see mlq/mlp.h for the integer arithmetic these numbers feed).
 *
 *  - Inputs of layer 0 are the Q1.15 input domain: one step is R / 32768
 *    standardized units.
 *  - Weights: int8 in [-127, 127], symmetric, one scale per output channel
 *    in hidden layers (max |w| of the row / 127, w taken on the integer
 *    inputs, see below) and one for the whole output layer, so that its
 *    accumulators compare directly in the argmax.
 *  - Biases: int32 in accumulator units (input step x weight step), bounded
 *    so that no accumulator can overflow (mlq/mlp.h).
 *  - Activations (calibration): every ReLU unit has its own step, the
 *    largest activation of that unit on the training rows (recorded by the
 *    trainer) times a headroom, over 127 or 32767; larger values saturate.
 *    The headroom leaves room for rows beyond the training range: x 2 at 16
 *    bits (one bit of fifteen), x 1.25 at 8 bits, where resolution is
 *    dear (splitting the training rows in halves, one half's maximum of a
 *    unit exceeds the other's by less than 25% for about 9 units in 10).
 *    A unit never active on the training rows takes the layer's largest
 *    range. A tanh layer's pre-activation is requantized to Q3.12 and its
 *    output is Q1.15 (16 bits) or Q1.7 (8 bits).
 *  - Per-unit steps cost nothing on the device: the next layer's weights
 *    are quantized on its integer inputs, w[o][j] x step of input j, so the
 *    step of each input is folded into the weights before their own
 *    (per-row) scale is chosen.
 *  - Requantization: each hidden unit's factor (accumulator step / output
 *    step) becomes an int32 multiplier and one shift per layer, the largest
 *    shift (<= 62) that keeps every multiplier below 2^31.
 * Every quantization goes through mlq_quantize, so saturation is counted
 * and reported by export, compare and info.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "algo.h"
#include "export_mlp.h"
#include "mlp_params.h"
#include "mlq/mlp.h"

typedef struct mlp_device {
    mlq_mlp_q15 m;
    mlq_mlp_layer *layers; /* [L] */
    int8_t **w;            /* [L] [n_out][row] */
    int32_t **bias;        /* [L] [n_out] */
    int32_t **mul;         /* [L] [n_out], NULL for the last layer */
    double out_scale;      /* value of one unit of the last layer's accumulators */
    uint32_t *work;        /* scratch of the kernel */
    int32_t *logits;       /* [n_classes] scratch of device_scores */
    size_t work_bytes, n_layers;
    int tanh;
} mlp_device;

static void device_free(mlp_device *md)
{
    size_t l;

    if (md == NULL)
        return;
    for (l = 0; l < md->n_layers; l++) {
        if (md->w != NULL)
            free(md->w[l]);
        if (md->bias != NULL)
            free(md->bias[l]);
        if (md->mul != NULL)
            free(md->mul[l]);
    }
    free(md->w);
    free(md->bias);
    free(md->mul);
    free(md->layers);
    free(md->work);
    free(md->logits);
    free(md);
}

void mlq_mlp_device_free(mlq_device *dev)
{
    device_free(dev->impl);
    dev->impl = NULL;
}

/* Position of weight j in a row of n entries: groups of four of a layer
 * with 16-bit inputs are stored j, j+2, j+1, j+3 (mlq/mlp.h). */
static size_t weight_pos(size_t j, size_t n, int in16)
{
    static const size_t perm[4] = {0, 2, 1, 3};

    if (!in16 || j >= (n & ~(size_t)3))
        return j;
    return (j & ~(size_t)3) + perm[j & 3];
}

/* Largest shift in [1, 62] with round(mmax * 2^shift) < 2^31 (62 when mmax is 0). */
static int shift_for(double mmax)
{
    int s;

    for (s = 62; s > 1; s--)
        if (floor(ldexp(mmax, s) + 0.5) <= 2147483647.0)
            break;
    return s;
}

int mlq_mlp_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const mlp_params *mp = m->params;
    size_t L = mp->n_layers, l, o, j, maxw = 0, wmax = mlp_max_width(mp);
    unsigned bits = dev->bits_asked != 0 ? dev->bits_asked : mp->bits;
    double qmax = bits == 16 ? 32767.0 : 127.0, headroom = bits == 16 ? 2.0 : 1.25;
    const double *amax = mp->act_max;
    double *s_in, *s_out, *wf, *sw;
    mlp_device *md;

    if (L > 255)
        return mlq_err_set(err, m->source, 0, "%zu layers: the device format holds at most 255", L);
    for (l = 0; l < L; l++) {
        if ((l == 0 || bits == 16) && mp->size[l] > MLQ_MLP_MAX_IN16)
            return mlq_err_set(err, m->source, 0,
                               "layer %zu has %zu inputs: with 16-bit inputs the device takes at "
                               "most %u%s",
                               l, mp->size[l], MLQ_MLP_MAX_IN16,
                               l == 0 ? "" : " (export with --bits 8, or train a narrower layer)");
        if (l + 1 < L && mp->size[l + 1] > maxw)
            maxw = mp->size[l + 1];
    }
    md = mlq_calloc(1, sizeof *md);
    if (md == NULL)
        return mlq_err_set(err, m->source, 0, "out of memory");
    md->n_layers = L;
    md->layers = mlq_calloc(L, sizeof *md->layers);
    md->w = mlq_calloc(L, sizeof *md->w);
    md->bias = mlq_calloc(L, sizeof *md->bias);
    md->mul = mlq_calloc(L, sizeof *md->mul);
    md->logits = mlq_calloc(mp->size[L], sizeof *md->logits);
    s_in = mlq_calloc(wmax, sizeof *s_in);
    s_out = mlq_calloc(wmax, sizeof *s_out);
    sw = mlq_calloc(wmax, sizeof *sw);
    wf = mlq_calloc(wmax * wmax, sizeof *wf);
    if (md->layers == NULL || md->w == NULL || md->bias == NULL || md->mul == NULL ||
        md->logits == NULL || s_in == NULL || s_out == NULL || sw == NULL || wf == NULL)
        goto oom;
    md->tanh = mp->activation == MLP_TANH && L > 1;
    dev->bits = bits;
    for (j = 0; j < mp->size[0]; j++)
        s_in[j] = m->input_range / 32768.0;
    for (l = 0; l < L; l++) {
        size_t n_in = mp->size[l], n_out = mp->size[l + 1], row = (n_in + 3) & ~(size_t)3;
        int last = l + 1 == L, in16 = l == 0 || bits == 16, shift = 0;
        double amax_in = in16 ? 32768.0 : 128.0, blim = 2147483647.0 - (double)n_in * amax_in * 127.0;
        double mmax = 0.0, sw_layer = 0.0, lmax = 0.0;

        md->w[l] = mlq_calloc(n_out * row, sizeof **md->w);
        md->bias[l] = mlq_calloc(n_out, sizeof **md->bias);
        if (!last)
            md->mul[l] = mlq_calloc(n_out, sizeof **md->mul);
        if (md->w[l] == NULL || md->bias[l] == NULL || (!last && md->mul[l] == NULL))
            goto oom;
        /* Weights on the integer inputs: w[o][j] x input step j. Their
         * steps: per output channel, or one for the output layer. */
        for (o = 0; o < n_out; o++) {
            sw[o] = 0.0;
            for (j = 0; j < n_in; j++) {
                wf[o * n_in + j] = mp->w[l][o * n_in + j] * s_in[j];
                sw[o] = fmax(sw[o], fabs(wf[o * n_in + j]) / 127.0);
            }
            sw_layer = fmax(sw_layer, sw[o]);
        }
        for (o = 0; o < n_out; o++) {
            double step = last ? sw_layer : sw[o];

            if (!(step > 0))
                step = last ? s_in[0] : 1.0; /* an all-zero row (or layer) */
            sw[o] = step;
            for (j = 0; j < n_in; j++)
                md->w[l][o * row + weight_pos(j, n_in, in16)] = (int8_t)mlq_quantize(
                    wf[o * n_in + j] / step, -127, 127, &dev->clipped);
            md->bias[l][o] = (int32_t)mlq_quantize(mp->b[l][o] / step, -(int64_t)blim,
                                                   (int64_t)blim, &dev->clipped);
        }
        dev->n_coef += n_out * (n_in + 1);
        dev->flash_bytes += n_out * row + n_out * sizeof(int32_t);
        if (last) {
            md->out_scale = sw[0];
        } else {
            /* Output steps: per unit for ReLU, the largest activation seen on
             * the training rows over qmax (a unit never active there takes
             * the layer's); tanh: Q3.12 argument, Q1.15 or Q1.7 output. The
             * requantization factor of unit o is sw[o] / (its target step). */
            for (o = 0; o < n_out; o++)
                lmax = fmax(lmax, amax[o]);
            for (o = 0; o < n_out; o++) {
                double target;

                if (mp->activation == MLP_TANH) {
                    target = 1.0 / 4096.0;
                    s_out[o] = bits == 16 ? 1.0 / 32768.0 : 1.0 / 128.0;
                } else {
                    s_out[o] = (amax[o] > 0 ? amax[o] : lmax > 0 ? lmax : 1.0) * headroom / qmax;
                    /* Keep the shift above 32 (the ReLU loops' 32-bit path): a
                     * coarser step for a unit whose calibrated one is below 4x
                     * its accumulator step (a unit that barely moves). */
                    if (sw[o] / s_out[o] >= 0.24)
                        s_out[o] = sw[o] / 0.24;
                    target = s_out[o];
                }
                wf[o] = sw[o] / target;
                mmax = fmax(mmax, wf[o]);
            }
            shift = shift_for(mmax);
            for (o = 0; o < n_out; o++)
                md->mul[l][o] = (int32_t)mlq_quantize(ldexp(wf[o], shift), 0, INT32_MAX, &dev->clipped);
            dev->n_coef += n_out;
            dev->flash_bytes += n_out * sizeof(int32_t);
            amax += n_out;
        }
        md->layers[l].n_in = (uint16_t)n_in;
        md->layers[l].n_out = (uint16_t)n_out;
        md->layers[l].act = (uint8_t)(last ? MLQ_MLP_LINEAR
                                           : mp->activation == MLP_TANH ? MLQ_MLP_TANH : MLQ_MLP_RELU);
        md->layers[l].shift = (uint8_t)shift;
        md->layers[l].w = md->w[l];
        md->layers[l].bias = md->bias[l];
        md->layers[l].mul = md->mul[l];
        memcpy(s_in, s_out, n_out * sizeof *s_in);
    }
    md->m.n_features = (uint16_t)mp->size[0];
    md->m.n_classes = (uint16_t)mp->size[L];
    md->m.max_width = (uint16_t)maxw;
    md->m.n_layers = (uint8_t)L;
    md->m.bits = (uint8_t)bits;
    md->m.layers = md->layers;
    md->work_bytes = mlq_mlp_work_size(&md->m);
    md->work = mlq_calloc(md->work_bytes / 4 + 1, sizeof *md->work);
    if (md->work == NULL)
        goto oom;
    dev->flash_bytes += L * sizeof(mlq_mlp_layer) + sizeof(mlq_mlp_q15) + (md->tanh ? 770 : 0);
    dev->impl = md;
    dev->n_outputs = mp->size[L];
    free(s_in);
    free(s_out);
    free(sw);
    free(wf);
    return 0;
oom:
    device_free(md);
    free(s_in);
    free(s_out);
    free(sw);
    free(wf);
    return mlq_err_set(err, m->source, 0, "out of memory");
}

mlq_status mlq_mlp_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out)
{
    const mlp_device *md = dev->impl;
    uint16_t cls;
    mlq_status s = mlq_mlp_predict_q15(&md->m, q, md->m.n_features, md->work, md->work_bytes, &cls);

    if (s == MLQ_OK)
        *out = cls;
    return s;
}

mlq_status mlq_mlp_device_scores(const mlq_device *dev, const mlq_q15_t *q, double *scores)
{
    const mlp_device *md = dev->impl;
    mlq_status s = mlq_mlp_logits_q15(&md->m, q, md->m.n_features, md->work, md->work_bytes,
                                      md->logits);
    size_t k;

    if (s == MLQ_OK)
        for (k = 0; k < md->m.n_classes; k++)
            scores[k] = (double)md->logits[k] * md->out_scale;
    return s;
}

/* Accuracy on the training rows recorded by the trainer, or -1. */
static double training_metric(const mlq_model *m, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(m->training, key);

    return cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble <= 1 ? it->valuedouble
                                                                            : -1.0;
}

static const char *act_macro(unsigned act)
{
    return act == MLQ_MLP_RELU ? "MLQ_MLP_RELU" : act == MLQ_MLP_TANH ? "MLQ_MLP_TANH" : "MLQ_MLP_LINEAR";
}

int mlq_mlp_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const mlp_device *md = dev->impl;
    const mlq_model *m = dev->model;
    size_t L = md->n_layers, l, i, nmax = 0, words = md->work_bytes / 4;
    char key[32], shape[200], suffix[32];
    double host = training_metric(m, "host_accuracy"), quant;
    int64_t *tmp;

    snprintf(key, sizeof key, "device_accuracy_%u", dev->bits);
    quant = training_metric(m, key);
    for (l = 0; l < L; l++) {
        size_t row = (md->layers[l].n_in + 3u) & ~3u;

        if (md->layers[l].n_out * row > nmax)
            nmax = md->layers[l].n_out * row;
    }
    if ((tmp = mlq_calloc(nmax + 1, sizeof *tmp)) == NULL)
        return -1;
    fprintf(f, "#include \"mlq/mlp.h\"\n\n"
               "#if MLQ_MLP_FORMAT != %d\n"
               "#error \"%s was exported for mlq MLP format %d: re-export it with this mlq\"\n"
               "#endif\n\n",
            MLQ_MLP_FORMAT, name, MLQ_MLP_FORMAT);
    fprintf(f, "/* Network: %zu", (size_t)md->m.n_features);
    for (l = 0; l < L; l++)
        fprintf(f, "-%u", (unsigned)md->layers[l].n_out);
    fprintf(f, ", %s hidden layers, %u-bit activations, int8 weights.\n",
            md->tanh ? "tanh" : "ReLU", dev->bits);
    if (host >= 0 && quant >= 0)
        fprintf(f, " * Training rows: float accuracy %.2f%%, device accuracy %.2f%%. */\n", 100 * host,
                100 * quant);
    else
        fputs(" */\n", f);
    fprintf(f, "#define %s_N_CLASSES %zu\n"
               "/* Scratch of mlq_mlp_predict_q15 (two ping-pong buffers of the widest hidden layer). */\n"
               "#define %s_WORK_BYTES %zu\n\n",
            name, (size_t)md->m.n_classes, name, md->work_bytes);
    for (l = 0; l < L; l++) {
        const mlq_mlp_layer *ly = &md->layers[l];
        size_t n_in = ly->n_in, n_out = ly->n_out, row = (n_in + 3u) & ~3u;
        int in16 = l == 0 || dev->bits == 16;

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
            snprintf(shape, sizeof shape, "[%zu] layer %zu requantization multipliers (/ 2^%u)",
                     n_out, l, (unsigned)ly->shift);
            snprintf(suffix, sizeof suffix, "m%zu", l);
            mlq_emit_ints(f, "int32_t", name, suffix, shape, tmp, n_out, 6);
        }
    }
    fprintf(f, "static const mlq_mlp_layer %s_layers[%zu] = {\n", name, L);
    for (l = 0; l < L; l++) {
        const mlq_mlp_layer *ly = &md->layers[l];

        fprintf(f, "    {%u, %u, %s, %u, %s_w%zu, %s_b%zu, ", (unsigned)ly->n_in, (unsigned)ly->n_out,
                act_macro(ly->act), (unsigned)ly->shift, name, l, name, l);
        if (ly->mul != NULL)
            fprintf(f, "%s_m%zu},\n", name, l);
        else
            fputs("NULL},\n", f);
    }
    fprintf(f, "};\n"
               "MLQ_MAYBE_UNUSED static const mlq_mlp_q15 %s_model = {%u, %u, %u, %zu, %u, %s_layers};\n\n",
            name, (unsigned)md->m.n_features, (unsigned)md->m.n_classes, (unsigned)md->m.max_width,
            L, dev->bits, name);
    fprintf(f, "/** Class of a Q1.15 input (see mlq/quant.h). Scratch: %zu bytes of stack.\n"
               " *  @return class id >= 0, or a negative mlq_status. */\n"
               "static inline int %s_predict_q15(const mlq_q15_t *x)\n"
               "{\n"
               "    uint32_t work[%zu];\n"
               "    uint16_t cls;\n"
               "    mlq_status s = mlq_mlp_%spredict_q15(&%s_model, x, %u, work, %s, &cls);\n"
               "    return s == MLQ_OK ? (int)cls : (int)s;\n"
               "}\n",
            md->work_bytes, name, words > 0 ? words : 1,
            md->tanh ? "" : dev->bits == 16 ? "relu16_" : "relu8_", name,
            (unsigned)md->m.n_features, words > 0 ? "sizeof work" : "0");
    free(tmp);
    if (host >= 0 && quant >= 0)
        fprintf(stderr, "mlq: note: training rows: float accuracy %.2f%%, device accuracy %.2f%% "
                        "(%u-bit activations)\n",
                100 * host, 100 * quant, dev->bits);
    return 0;
}

void mlq_mlp_info(FILE *f, const mlq_device *dev)
{
    const mlp_device *md = dev->impl;
    const mlq_model *m = dev->model;
    size_t l;
    double host = training_metric(m, "host_accuracy"), a8 = training_metric(m, "device_accuracy_8"),
           a16 = training_metric(m, "device_accuracy_16");

    fprintf(f, "network           %u", (unsigned)md->m.n_features);
    for (l = 0; l < md->n_layers; l++)
        fprintf(f, "-%u", (unsigned)md->layers[l].n_out);
    fprintf(f, " (%s hidden layers, softmax output)\n", md->tanh ? "tanh" : "ReLU");
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
            (size_t)md->m.n_features * sizeof(mlq_q15_t), md->work_bytes);
}
