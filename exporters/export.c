/* SPDX-License-Identifier: MIT */
#include "export.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"

/* ---- the shared quantizer ---------------------------------------------- */

double mlq_input_steps(const mlq_model *m)
{
    return 32768.0 / m->input_range;
}

int64_t mlq_quantize(double v, int64_t lo, int64_t hi, size_t *clipped)
{
    double r = v < 0 ? -floor(-v + 0.5) : floor(v + 0.5);

    if (r < (double)lo || r > (double)hi) {
        if (clipped != NULL)
            ++*clipped;
        return r < (double)lo ? lo : hi;
    }
    return (int64_t)r;
}

int16_t mlq_quantize_q15(double v, size_t *clipped)
{
    return (int16_t)mlq_quantize(v, INT16_MIN, INT16_MAX, clipped);
}

int mlq_input_quant(const mlq_model *m, size_t j, float *offset, float *gain)
{
    /* q = floor((x - o) * g) - 32768 = round((x - m) * g): the offset
     * carries the 32768 bias and the half step of the rounding. */
    *gain = (float)(mlq_input_steps(m) / m->scale[j]);
    *offset = (float)(m->mean[j] - 32768.5 / (double)*gain);
    return isfinite(*gain) && *gain != 0.0f && isfinite(*offset) ? 0 : -1;
}

/*
 * Integer input path for feature j: q = (x * mul + add) >> shift with
 * mul = round(g * 2^shift), add = round((0.5 - mean * g) * 2^shift) and
 * g = Q15 steps per raw unit. The largest shift keeping |mul| <= 32767 and
 * |add| < 2^30 wins (exact int32 arithmetic, see mlq/quant.h). Returns -1
 * when no shift fits: the raw units are too coarse for this feature.
 */
static int raw_path(double g, double mean, int16_t *mul, int32_t *add, uint8_t *shift)
{
    int s;

    for (s = 30; s >= 0; s--) {
        double mf = floor(g * ldexp(1.0, s) + 0.5);
        double af = floor((0.5 - mean * g) * ldexp(1.0, s) + 0.5);

        if (mf <= 32767.0 && fabs(af) < 1073741824.0) {
            *mul = (int16_t)mf;
            *add = (int32_t)af;
            *shift = (uint8_t)s;
            return 0;
        }
    }
    return -1;
}

int mlq_device_build(const mlq_model *m, unsigned bits, mlq_device *dev, mlq_err *err)
{
    size_t p = m->n_features, j;
    double steps = mlq_input_steps(m);
    int raw_ok = 1;

    memset(dev, 0, sizeof *dev);
    dev->model = m;
    dev->bits = bits != 0 ? bits : 16;
    dev->bits_asked = bits;
    dev->offset = mlq_calloc(p, sizeof *dev->offset);
    dev->gain = mlq_calloc(p, sizeof *dev->gain);
    dev->raw_mul = mlq_calloc(p, sizeof *dev->raw_mul);
    dev->raw_add = mlq_calloc(p, sizeof *dev->raw_add);
    dev->raw_shift = mlq_calloc(p, sizeof *dev->raw_shift);
    if (dev->offset == NULL || dev->gain == NULL || dev->raw_mul == NULL ||
        dev->raw_add == NULL || dev->raw_shift == NULL) {
        mlq_device_free(dev);
        return mlq_err_set(err, m->source, 0, "out of memory");
    }
    for (j = 0; j < p; j++) {
        double g = steps / m->scale[j];

        if (mlq_input_quant(m, j, &dev->offset[j], &dev->gain[j]) != 0) {
            mlq_device_free(dev);
            return mlq_err_set(err, m->source, 0,
                               "feature '%s': scale %g cannot be represented in float",
                               m->feature_names[j], m->scale[j]);
        }
        if (raw_ok && raw_path(g, m->mean[j], &dev->raw_mul[j], &dev->raw_add[j],
                               &dev->raw_shift[j]) != 0)
            raw_ok = 0;
    }
    if (!raw_ok) {
        free(dev->raw_mul);
        free(dev->raw_add);
        free(dev->raw_shift);
        dev->raw_mul = NULL;
        dev->raw_add = NULL;
        dev->raw_shift = NULL;
    }
    dev->quant.n_features = (uint16_t)p;
    dev->quant.offset = dev->offset;
    dev->quant.gain = dev->gain;
    dev->quant.raw_mul = dev->raw_mul;
    dev->quant.raw_add = dev->raw_add;
    dev->quant.raw_shift = dev->raw_shift;
    dev->flash_bytes = p * (sizeof(float) * 2) +
                       (raw_ok ? p * (sizeof(int16_t) + sizeof(int32_t) + sizeof(uint8_t)) : 0) +
                       sizeof(mlq_quant);
    if (m->algo->device_build(dev, err) != 0) {
        mlq_device_free(dev);
        return -1;
    }
    return 0;
}

void mlq_device_free(mlq_device *dev)
{
    if (dev == NULL)
        return;
    if (dev->impl != NULL && dev->model != NULL)
        dev->model->algo->device_free(dev);
    free(dev->offset);
    free(dev->gain);
    free(dev->raw_mul);
    free(dev->raw_add);
    free(dev->raw_shift);
    memset(dev, 0, sizeof *dev);
}

/*
 * Run `step` on one raw row exactly as the firmware would: each feature
 * rounded to float (the firmware's input type), quantized by
 * mlq_quant_f32_to_q15, then handed over in Q1.15.
 */
static mlq_status with_quantized_row(const mlq_device *dev, const double *x,
                                     mlq_status (*step)(const mlq_device *, const mlq_q15_t *, void *),
                                     void *arg)
{
    size_t p = dev->model->n_features, j;
    float fs[256], *f = fs;
    mlq_q15_t qs[256], *q = qs;
    mlq_status s = MLQ_ERR_BUFFER;

    if (p > 256) {
        f = mlq_calloc(p, sizeof *f);
        q = mlq_calloc(p, sizeof *q);
    }
    if (f != NULL && q != NULL) {
        for (j = 0; j < p; j++)
            f[j] = (float)x[j];
        s = mlq_quant_f32_to_q15(&dev->quant, f, (uint16_t)p, q);
        if (s == MLQ_OK)
            s = step(dev, q, arg);
    }
    if (f != fs)
        free(f);
    if (q != qs)
        free(q);
    return s;
}

static mlq_status predict_step(const mlq_device *dev, const mlq_q15_t *q, void *out)
{
    return dev->model->algo->device_predict(dev, q, out);
}

static mlq_status scores_step(const mlq_device *dev, const mlq_q15_t *q, void *scores)
{
    return dev->model->algo->device_scores(dev, q, scores);
}

mlq_status mlq_device_predict(const mlq_device *dev, const double *x, int *out)
{
    return with_quantized_row(dev, x, predict_step, out);
}

mlq_status mlq_device_scores(const mlq_device *dev, const double *x, double *scores)
{
    return with_quantized_row(dev, x, scores_step, scores);
}

/* ---- header writing ----------------------------------------------------- */

int mlq_export_name_ok(const char *name)
{
    const char *c;

    if (name == NULL || name[0] == '\0' || isdigit((unsigned char)name[0]))
        return 0;
    for (c = name; *c != '\0'; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_') || (unsigned char)*c > 127)
            return 0;
    return strlen(name) <= 64;
}

void mlq_emit_ints(FILE *f, const char *ctype, const char *name, const char *suffix,
                   const char *shape, const int64_t *v, size_t n, size_t cols)
{
    int wide = strcmp(ctype, "int64_t") == 0;
    size_t i;

    fprintf(f, "static const %s %s_%s[%zu] MLQ_ALIGN4 = { /* %s */\n", ctype, name, suffix, n,
            shape);
    for (i = 0; i < n; i++) {
        if (i % cols == 0)
            fputs("   ", f);
        if (wide)
            fprintf(f, " INT64_C(%lld),", (long long)v[i]);
        else
            fprintf(f, " %lld,", (long long)v[i]);
        if (i % cols == cols - 1 || i + 1 == n)
            fputc('\n', f);
    }
    fputs("};\n", f);
}

/* A float literal that reads back as exactly v, in C and C++ ("1.0f", not "1f"). */
static void emit_float(FILE *f, float v)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%.9g", (double)v);
    if (strpbrk(buf, ".e") == NULL)
        strcat(buf, ".0");
    fprintf(f, " %sf,", buf);
}

static void emit_floats(FILE *f, const char *name, const char *suffix, const char *shape,
                        const float *v, size_t n)
{
    size_t i;

    fprintf(f, "static const float %s_%s[%zu] = { /* %s */\n", name, suffix, n, shape);
    for (i = 0; i < n; i++) {
        if (i % 6 == 0)
            fputs("   ", f);
        emit_float(f, v[i]);
        if (i % 6 == 5 || i + 1 == n)
            fputc('\n', f);
    }
    fputs("};\n", f);
}

static void emit_quant(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_model *m = dev->model;
    size_t p = m->n_features, j;
    char shape[128];
    int64_t *tmp = mlq_calloc(p, sizeof *tmp);

    fprintf(f, "/* Input quantization: q_j = floor((x_j - offset_j) * gain_j) - 32768, see mlq/quant.h.\n"
               " * Input range R = %g standard deviations; features, in order:\n", m->input_range);
    for (j = 0; j < p; j++)
        fprintf(f, " *   %zu %s\n", j, m->feature_names[j]);
    fputs(" */\n", f);
    snprintf(shape, sizeof shape, "[%zu] mean - 32768.5 / gain, raw units", p);
    emit_floats(f, name, "offset", shape, dev->offset, p);
    snprintf(shape, sizeof shape, "[%zu] 32768 / (scale * R), Q15 steps per raw unit", p);
    emit_floats(f, name, "gain", shape, dev->gain, p);
    if (dev->raw_mul != NULL && tmp != NULL) {
        for (j = 0; j < p; j++)
            tmp[j] = dev->raw_mul[j];
        snprintf(shape, sizeof shape, "[%zu] int16 path multiplier", p);
        mlq_emit_ints(f, "int16_t", name, "raw_mul", shape, tmp, p, 8);
        for (j = 0; j < p; j++)
            tmp[j] = dev->raw_add[j];
        snprintf(shape, sizeof shape, "[%zu] int16 path offset", p);
        mlq_emit_ints(f, "int32_t", name, "raw_add", shape, tmp, p, 6);
        for (j = 0; j < p; j++)
            tmp[j] = dev->raw_shift[j];
        snprintf(shape, sizeof shape, "[%zu] int16 path shift", p);
        mlq_emit_ints(f, "uint8_t", name, "raw_shift", shape, tmp, p, 12);
        fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_quant %s_quant = {%zu, %s_offset, %s_gain, "
                   "%s_raw_mul, %s_raw_add, %s_raw_shift};\n\n",
                name, p, name, name, name, name, name);
    } else {
        fprintf(f, "/* No int16 path: a feature's raw unit is finer than one Q15 step allows. */\n"
                   "MLQ_MAYBE_UNUSED static const mlq_quant %s_quant = {%zu, %s_offset, %s_gain, "
                   "NULL, NULL, NULL};\n\n",
                name, p, name, name);
    }
    free(tmp);
}

static void emit_entries(FILE *f, const mlq_device *dev, const char *name)
{
    size_t p = dev->model->n_features;

    if (dev->model->algo->export_predict != NULL)
        dev->model->algo->export_predict(f, dev, name);
    else
        fprintf(f,
                "/** Predict from float features in the training CSV's units and column order.\n"
                " *  @return class or cluster id >= 0, or a negative mlq_status (NaN input). */\n"
                "static inline int %s_predict(const float *x)\n"
                "{\n"
                "    mlq_q15_t q[%zu] MLQ_ALIGN4;\n"
                "    mlq_status s = mlq_quant_f32_to_q15(&%s_quant, x, %zu, q);\n"
                "    return s == MLQ_OK ? %s_predict_q15(q) : (int)s;\n"
                "}\n\n",
                name, p, name, p, name);
    fprintf(f,
            "/** Predict from raw int16 values (e.g. ADC counts) in the training CSV's units,\n"
            " *  integer arithmetic only. @return id >= 0, or a negative mlq_status\n"
            " *  (MLQ_ERR_MODEL when this model has no int16 path). */\n"
            "static inline int %s_predict_i16(const int16_t *x)\n"
            "{\n"
            "    mlq_q15_t q[%zu] MLQ_ALIGN4;\n"
            "    mlq_status s = mlq_quant_i16_to_q15(&%s_quant, x, %zu, q);\n"
            "    return s == MLQ_OK ? %s_predict_q15(q) : (int)s;\n"
            "}\n",
            name, p, name, p, name);
}

int mlq_export_header(const mlq_device *dev, const char *name, const char *path, mlq_err *err)
{
    const mlq_model *m = dev->model;
    mlq_outfile out;
    char guard[80];
    size_t i;

    if (!mlq_export_name_ok(name))
        return mlq_err_set(err, NULL, 0,
                           "--name '%s' is not a C identifier (letters, digits and '_', at most 64)",
                           name);
    for (i = 0; name[i] != '\0'; i++)
        guard[i] = (char)toupper((unsigned char)name[i]);
    strcpy(guard + i, "_H");
    if (mlq_out_open(&out, path, err) != 0)
        return -1;
    fprintf(out.f,
            "/* generated by mlq v%s from %s (%zu rows) seed=%lu */\n"
            "/* %s: %s, %zu features, %zu %s. Flash: %zu bytes of constants.\n"
            " * Use: compile the .c files of mlq's src/ with the firmware, with mlq's include/ on the\n"
            " * include path (or its include/mlq/ folder next to this file), then\n"
            " *   int id = %s_predict(x);   x: %s_N_FEATURES floats, training CSV column order\n"
            " * (the columns are listed below). Negative ids are errors (mlq_status). */\n"
            "#ifndef %s\n#define %s\n\n#include \"mlq/quant.h\"\n",
            MLQ_VERSION_STRING, m->source, m->train_rows, m->seed, name, m->algo->name,
            m->n_features, dev->n_outputs,
            mlq_model_task(m) == MLQ_TASK_CLUSTER ? "clusters" : "classes", dev->flash_bytes, name, name, guard,
            guard);
    fprintf(out.f, "\n#define %s_N_FEATURES %zu\n", name, m->n_features);
    if (m->algo->export_body(out.f, dev, name) != 0) {
        mlq_out_abort(&out);
        return mlq_err_set(err, path, 0, "out of memory while writing the header");
    }
    fputc('\n', out.f);
    emit_quant(out.f, dev, name);
    emit_entries(out.f, dev, name);
    if (m->algo->export_tail != NULL && m->algo->export_tail(out.f, dev, name) != 0) {
        mlq_out_abort(&out);
        return mlq_err_set(err, path, 0, "out of memory while writing the header");
    }
    fprintf(out.f, "\n#endif /* %s */\n", guard);
    return mlq_out_commit(&out, err);
}
