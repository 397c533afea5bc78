/* SPDX-License-Identifier: MIT */
/*
 * The input quantizer of every exported model (mlq/quant.h): the float
 * path's offset and gain (from the model's scaling, mlq_input_quant in
 * trainers/scaling.c), the int16 path's integers, and their place in the
 * header. Exporters quantize their own parameters with mlq_quantize, so
 * that rounding and saturation counts are the same everywhere.
 */
#include <math.h>
#include <stdlib.h>

#include "export.h"

int64_t mlq_quantize(double v, int64_t lo, int64_t hi, size_t *clipped)
{
    double r = v < 0 ? -floor(-v + 0.5) : floor(v + 0.5);

    if (!(r >= (double)lo && r <= (double)hi)) { /* NaN too: never converted */
        if (clipped != NULL)
            ++*clipped;
        return r > (double)hi ? hi : lo;
    }
    return (int64_t)r;
}

int16_t mlq_quantize_q15(double v, size_t *clipped)
{
    return (int16_t)mlq_quantize(v, INT16_MIN, INT16_MAX, clipped);
}

/*
 * The int16 path of one feature (mlq/quant.h): q = floor((d m + a) / 2^s),
 * d = x - c, for the gain g (Q15 steps per raw unit) and mean. A
 * feature with g < 256 gets m in [2^15, 2^16) and s >= 8 (the kernel splits
 * d in two bytes); a coarse one m in [2^21, 2^22) (the kernel clamps d to
 * [-256, 255], beyond which it saturates anyway). -1 when the mean is
 * outside int16 or g >= 2^22: no int16 input can use this feature.
 */
static int raw_path(double g, double mean, int16_t *c, uint32_t *m, int32_t *a, uint8_t *s)
{
    double top = g < 256.0 ? 65536.0 : 4194304.0, center = floor(mean + 0.5), mf = 0, af;
    int k;

    if (!(center >= -32768.0 && center <= 32767.0) || !(g > 0 && g < 4194304.0))
        return -1;
    for (k = 30; k >= 0; k--) {
        mf = floor(ldexp(g, k) + 0.5);
        if (mf < top)
            break;
    }
    if (k < 0 || (g < 256.0 && k < 8))
        return -1;
    af = floor(ldexp((center - mean) * g + 0.5, k) + 0.5);
    if (!(fabs(af) < 1073741824.0))
        return -1;
    *c = (int16_t)center;
    *m = (uint32_t)mf;
    *a = (int32_t)af;
    *s = (uint8_t)k;
    return 0;
}

void mlq_quant_free(mlq_device *dev)
{
    free(dev->offset);
    free(dev->gain);
    free(dev->raw_center);
    free(dev->raw_mul);
    free(dev->raw_add);
    free(dev->raw_shift);
    dev->offset = dev->gain = NULL;
    dev->raw_center = NULL;
    dev->raw_mul = NULL;
    dev->raw_add = NULL;
    dev->raw_shift = NULL;
}

int mlq_quant_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    size_t p = m->n_features, j;
    int raw_ok = 1;

    dev->offset = mlq_calloc(p, sizeof *dev->offset);
    dev->gain = mlq_calloc(p, sizeof *dev->gain);
    dev->raw_center = mlq_calloc(p, sizeof *dev->raw_center);
    dev->raw_mul = mlq_calloc(p, sizeof *dev->raw_mul);
    dev->raw_add = mlq_calloc(p, sizeof *dev->raw_add);
    dev->raw_shift = mlq_calloc(p, sizeof *dev->raw_shift);
    if (dev->offset == NULL || dev->gain == NULL || dev->raw_center == NULL ||
        dev->raw_mul == NULL || dev->raw_add == NULL || dev->raw_shift == NULL) {
        mlq_quant_free(dev);
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    }
    for (j = 0; j < p; j++) {
        if (mlq_input_quant(m, j, &dev->offset[j], &dev->gain[j]) != 0) {
            /* The gain comes from the scale, the offset from the mean. */
            int gain_ok = isfinite(dev->gain[j]) && dev->gain[j] != 0.0f;

            mlq_quant_free(dev);
            return mlq_device_refuse(dev, err, gain_ok ? "scaling.mean" : "scaling.scale",
                                     "feature %zu: %g cannot be represented in float", j,
                                     gain_ok ? m->mean[j] : m->scale[j]);
        }
        /* The int16 path aims at the float path's own value, (x - o) g with
         * the float o and g, rather than at the exact standardization: a
         * float offset near 30000 is off by up to 2^-10 raw units, which is
         * more than a Q15 step when g is large. */
        if (raw_ok && raw_path((double)dev->gain[j], (double)dev->offset[j] + 32768.5 / (double)dev->gain[j],
                               &dev->raw_center[j], &dev->raw_mul[j], &dev->raw_add[j],
                               &dev->raw_shift[j]) != 0)
            raw_ok = 0;
    }
    if (!raw_ok) {
        free(dev->raw_center);
        free(dev->raw_mul);
        free(dev->raw_add);
        free(dev->raw_shift);
        dev->raw_center = NULL;
        dev->raw_mul = NULL;
        dev->raw_add = NULL;
        dev->raw_shift = NULL;
    }
    dev->quant.n_features = (uint16_t)p;
    dev->quant.offset = dev->offset;
    dev->quant.gain = dev->gain;
    dev->quant_i16.n_features = (uint16_t)p;
    dev->quant_i16.center = dev->raw_center;
    dev->quant_i16.mul = dev->raw_mul;
    dev->quant_i16.add = dev->raw_add;
    dev->quant_i16.shift = dev->raw_shift;
    /* The float entry's flash: the int16 path's arrays are linked only by
     * the _i16 entries. */
    dev->flash_bytes += p * (sizeof(float) * 2) + sizeof(mlq_quant);
    return 0;
}

void mlq_quant_emit(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_model *m = dev->model;
    size_t p = m->n_features, j;
    char shape[128];
    int64_t *tmp = mlq_calloc(p, sizeof *tmp);

    fprintf(f, "/* Input quantization: q_j = floor((x_j - offset_j) * gain_j) - 32768, see mlq/quant.h.\n"
               " * Input range R = %g standard deviations; features, in order:\n", m->input_range);
    for (j = 0; j < p; j++) {
        fprintf(f, " *   %zu ", j);
        mlq_emit_text(f, m->feature_names[j], MLQ_TEXT_COMMENT);
        fputc('\n', f);
    }
    fputs(" */\n", f);
    snprintf(shape, sizeof shape, "[%zu] mean - 32768.5 / gain, raw units", p);
    mlq_emit_floats(f, name, "offset", shape, dev->offset, p);
    snprintf(shape, sizeof shape, "[%zu] 32768 / (scale * R), Q15 steps per raw unit", p);
    mlq_emit_floats(f, name, "gain", shape, dev->gain, p);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_quant %s_quant MLQ_FLASH = {%zu, %s_offset, %s_gain};\n\n", name,
            p, name, name);
    if (dev->raw_center != NULL && tmp != NULL) {
        for (j = 0; j < p; j++)
            tmp[j] = dev->raw_center[j];
        snprintf(shape, sizeof shape, "[%zu] int16 path: mean in raw units", p);
        mlq_emit_ints(f, "int16_t", name, "raw_center", shape, tmp, p, 8);
        for (j = 0; j < p; j++)
            tmp[j] = dev->raw_mul[j];
        snprintf(shape, sizeof shape, "[%zu] int16 path multiplier", p);
        mlq_emit_ints(f, "uint32_t", name, "raw_mul", shape, tmp, p, 8);
        for (j = 0; j < p; j++)
            tmp[j] = dev->raw_add[j];
        snprintf(shape, sizeof shape, "[%zu] int16 path offset", p);
        mlq_emit_ints(f, "int32_t", name, "raw_add", shape, tmp, p, 6);
        for (j = 0; j < p; j++)
            tmp[j] = dev->raw_shift[j];
        snprintf(shape, sizeof shape, "[%zu] int16 path shift", p);
        mlq_emit_ints(f, "uint8_t", name, "raw_shift", shape, tmp, p, 12);
        fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_quant_i16 %s_quant_i16 MLQ_FLASH = {%zu, %s_raw_center, "
                   "%s_raw_mul, %s_raw_add, %s_raw_shift};\n\n",
                name, p, name, name, name, name);
    } else {
        fprintf(f, "/* No int16 path: a feature's mean is outside int16, or its raw unit is coarser\n"
                   " * than 2^22 Q15 steps. */\n"
                   "MLQ_MAYBE_UNUSED static const mlq_quant_i16 %s_quant_i16 MLQ_FLASH = {%zu, NULL, NULL, NULL, NULL};\n\n",
                name, p);
    }
    free(tmp);
}
